//! `ruling lsp` through the binary: a client speaks the protocol over the child's standard
//! input and output, in a temporary workspace holding a copy of `rules/`.

mod common;

use common::{ruling, stdout, LspClient};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const FILE: &str = "意见6-情节严重.rule";

/// A temporary workspace with a copy of the shipped rules in `rules/`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("no temp dir: {e}"));
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap_or_else(|e| unreachable!("{e}"));
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for entry in std::fs::read_dir(shipped).into_iter().flatten().flatten() {
        let to = rules.join(entry.file_name());
        std::fs::copy(entry.path(), to).unwrap_or_else(|e| unreachable!("{e}"));
    }
    dir
}

/// The `file:` URI of a path, percent-encoded as editors send them.
fn uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// The 0-based line and UTF-16 column of the `nth` occurrence of `needle` in a line that
/// contains `context`.
fn position(text: &str, context: &str, needle: &str) -> (u32, u32) {
    for (i, line) in text.lines().enumerate() {
        if line.contains(context) {
            if let Some(at) = line.find(needle) {
                let col: usize = line[..at].chars().map(char::len_utf16).sum();
                return (i as u32, col as u32);
            }
        }
    }
    unreachable!("“{needle}” not found in a line with “{context}”")
}

fn line_of(text: &str, needle: &str) -> u32 {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| unreachable!("no line with “{needle}”")) as u32
}

fn errors(diags: &Value) -> Vec<&Value> {
    diags
        .get("diagnostics")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter(|d| d["severity"] == 1).collect())
        .unwrap_or_default()
}

fn started(dir: &Path) -> LspClient {
    let mut client = LspClient::start(dir);
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(dir), "capabilities": {}}),
    );
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["hoverProvider"], true, "{init}");
    assert_eq!(caps["documentFormattingProvider"], true, "{init}");
    client.notify("initialized", json!({}));
    client
}

fn open(client: &mut LspClient, path: &Path, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(path), "languageId": "ruling", "version": 1, "text": text}}),
    );
}

fn at(path: &Path, (line, character): (u32, u32)) -> Value {
    json!({"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}})
}

#[test]
fn a_session_from_initialize_to_exit() {
    let ws = workspace();
    let path: PathBuf = ws.path().join("rules").join(FILE);
    let original = std::fs::read_to_string(&path).unwrap_or_else(|e| unreachable!("{e}"));
    let mut client = started(ws.path());

    // A misspelt fact in a condition: the checker's diagnostic, on that line, naming it.
    let bad = original.replacen("且 电话卡数 达", "且 电话卡张数 达", 1);
    assert_ne!(bad, original);
    open(&mut client, &path, &bad);
    let published = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&path) && !errors(p).is_empty()
    });
    let errs = errors(&published);
    let wrong = line_of(&bad, "且 电话卡张数 达");
    assert!(
        errs.iter().any(|d| {
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains("电话卡张数"))
                && d["range"]["start"]["line"] == wrong
                && d["code"] == "ruling::未声明的名称"
        }),
        "{published}"
    );
    // The help (did you mean) comes with the message, and the suggestion's declaration as a
    // related location.
    assert!(
        errs.iter().any(|d| d["message"]
            .as_str()
            .is_some_and(|m| m.contains("电话卡数"))
            && d["relatedInformation"]
                .as_array()
                .is_some_and(|r| !r.is_empty())),
        "{published}"
    );

    // Back to the original text through an incremental edit: the error is cleared.
    let (line, col) = position(&bad, "且 电话卡张数 达", "电话卡张数");
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri(&path), "version": 2},
            "contentChanges": [{
                "range": {"start": {"line": line, "character": col},
                          "end": {"line": line, "character": col + 5}},
                "text": "电话卡数"
            }]
        }),
    );
    let cleared = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&path)
    });
    assert!(errors(&cleared).is_empty(), "{cleared}");

    // Hover on a parameter where a rule uses it: its value and citation.
    let use_at = position(&original, "且 电话卡数 达", "电话卡数标准");
    let hover = client.request("textDocument/hover", at(&path, (use_at.0, use_at.1 + 1)));
    let shown = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(shown.contains("20张"), "{hover}");
    assert!(shown.contains("法发〔2025〕12号第6条第(3)项"), "{hover}");

    // Definition of the parameter: its `参数` line.
    let def = client.request("textDocument/definition", at(&path, use_at));
    let target = &def["result"][0];
    assert_eq!(target["uri"], uri(&path), "{def}");
    assert_eq!(
        target["range"]["start"]["line"],
        line_of(&original, "参数 电话卡数标准"),
        "{def}"
    );

    // Completion in a condition offers the fact names.
    let (cl, cc) = position(&original, "且 电话卡数 达", "电话卡数 达");
    let completion = client.request("textDocument/completion", at(&path, (cl, cc + 2)));
    let labels: Vec<&str> = completion["result"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(labels.contains(&"电话卡数"), "{completion}");
    assert!(labels.contains(&"被帮助对象数"), "{completion}");

    // Shutdown and exit: exit code 0.
    let shutdown = client.request("shutdown", Value::Null);
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), Some(0));
}

#[test]
fn formatting_gives_what_ruling_fmt_writes() {
    let ws = workspace();
    let path = ws.path().join("rules").join(FILE);
    let original = std::fs::read_to_string(&path).unwrap_or_else(|e| unreachable!("{e}"));
    // Out of layout but meaning the same: extra spaces and a rule's clauses on one line.
    let messy = original.replace("  若 ", "      若    ").replacen(
        "规则 出售出租本人账户\n  依据",
        "规则   出售出租本人账户 依据",
        1,
    );
    assert_ne!(messy, original);
    // What `ruling fmt` writes for the same text, in a folder of its own.
    let other = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
    let copy = other.path().join(FILE);
    std::fs::write(&copy, &messy).unwrap_or_else(|e| unreachable!("{e}"));
    let fmt = ruling(&["fmt", &copy.to_string_lossy()]);
    assert!(fmt.status.success(), "{}", stdout(&fmt));
    let expected = std::fs::read_to_string(&copy).unwrap_or_else(|e| unreachable!("{e}"));
    assert_ne!(expected, messy);

    let mut client = started(ws.path());
    open(&mut client, &path, &messy);
    let reply = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri(&path)}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = reply["result"].as_array().cloned().unwrap_or_default();
    assert_eq!(edits.len(), 1, "{reply}");
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    assert_eq!(edits[0]["newText"].as_str(), Some(expected.as_str()));

    // A syntax error: formatting is refused with a reason, and nothing is edited.
    let broken = format!("{messy}\n参数 = 依据\n");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&path), "version": 2},
               "contentChanges": [{"text": broken}]}),
    );
    let refused = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri(&path)}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let reason = refused["error"]["message"].as_str().unwrap_or("");
    assert!(reason.contains("未格式化"), "{refused}");
    assert!(
        refused.get("result").is_none_or(Value::is_null),
        "{refused}"
    );
    // The file on disk was never touched.
    let on_disk = std::fs::read_to_string(&path).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(on_disk, original);

    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), Some(0));
}

#[test]
fn the_examples_lens_runs_them_and_shows_failures() {
    let ws = workspace();
    let path = ws.path().join("rules").join("意见4-构成.rule");
    let original = std::fs::read_to_string(&path).unwrap_or_else(|e| unreachable!("{e}"));
    let mut client = started(ws.path());
    // An example whose expectation is wrong: 电话卡数 19 is below the standard.
    let wrong = original.replacen(
        "预期 情节严重 = 假，构成帮信罪 = 假",
        "预期 情节严重 = 假，构成帮信罪 = 真",
        1,
    );
    assert_ne!(wrong, original);
    open(&mut client, &path, &wrong);
    let lens = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri(&path)}}),
    );
    let command = &lens["result"][0]["command"];
    assert!(
        command["title"]
            .as_str()
            .is_some_and(|t| t.contains("运行示例")),
        "{lens}"
    );
    let run = client.request(
        "workspace/executeCommand",
        json!({"command": command["command"], "arguments": command["arguments"]}),
    );
    assert_eq!(run["result"]["failed"], 1, "{run}");
    let shown = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&path) && !errors(p).is_empty()
    });
    let failing = line_of(&wrong, "示例 情节严重不成立则不构成");
    assert!(
        errors(&shown)
            .iter()
            .any(|d| d["range"]["start"]["line"] == failing
                && d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("构成帮信罪：预期 是，实际 否"))),
        "{shown}"
    );
    // Hover on a citation shows the quoted article.
    let cite = position(&wrong, "依据 刑法第287条之2", "刑法");
    let hover = client.request("textDocument/hover", at(&path, cite));
    let text = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("明知他人利用信息网络实施犯罪"), "{hover}");
    // References of a conclusion reach other files.
    let c = position(&wrong, "则 构成帮信罪", "构成帮信罪");
    let refs = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri(&path)}, "position": {"line": c.0, "character": c.1},
               "context": {"includeDeclaration": true}}),
    );
    let files: Vec<&str> = refs["result"]
        .as_array()
        .map(|a| a.iter().filter_map(|l| l["uri"].as_str()).collect())
        .unwrap_or_default();
    assert!(files.iter().any(|u| *u != uri(&path)), "{refs}");
    assert!(files.contains(&uri(&path).as_str()), "{refs}");
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), Some(0));
}

#[test]
fn an_edit_in_one_file_updates_the_diagnostics_of_another() {
    let ws = workspace();
    let rules = ws.path().join("rules");
    let facts = rules.join("00-事实与结论.rule");
    let user = rules.join(FILE);
    let original = std::fs::read_to_string(&facts).unwrap_or_else(|e| unreachable!("{e}"));
    let mut client = started(ws.path());
    open(&mut client, &facts, &original);
    // Renaming the declaration breaks its uses in a file that is not even open.
    let renamed = original.replacen("事实 电话卡数：", "事实 电话卡总数：", 1);
    assert_ne!(renamed, original);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&facts), "version": 2},
               "contentChanges": [{"text": renamed}]}),
    );
    let elsewhere = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&user) && !errors(p).is_empty()
    });
    assert!(
        errors(&elsewhere).iter().any(|d| d["message"]
            .as_str()
            .is_some_and(|m| m.contains("电话卡数"))),
        "{elsewhere}"
    );
    // Undone: the other file's list is cleared with an empty one.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&facts), "version": 3},
               "contentChanges": [{"text": original}]}),
    );
    let cleared = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&user)
    });
    assert_eq!(cleared["diagnostics"], json!([]), "{cleared}");
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), Some(0));
}

#[test]
fn exit_without_shutdown_ends_with_code_1() {
    let ws = workspace();
    let mut client = started(ws.path());
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), Some(1));
}

#[test]
fn hover_and_definition_keep_working_while_the_file_has_a_syntax_error() {
    let ws = workspace();
    let path = ws.path().join("rules").join(FILE);
    let original = std::fs::read_to_string(&path).unwrap_or_else(|e| unreachable!("{e}"));
    let mut client = started(ws.path());
    open(&mut client, &path, &original);
    // Half a rule typed at the top of the file: a syntax error (the open bracket runs on, so
    // pest reports it further down, where the bracket can no longer be closed).
    let typing = format!("规则 新规则\n  若 （\n{original}");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&path), "version": 2},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                             "end": {"line": 0, "character": 0}},
                                   "text": "规则 新规则\n  若 （\n"}]}),
    );
    let published = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&path) && !errors(p).is_empty()
    });
    assert!(
        errors(&published)
            .iter()
            .all(|d| d["code"] == "ruling::语法错误"),
        "{published}"
    );
    // Below the edit, names are still known (from the last version without errors, moved
    // down by the two lines typed).
    let use_at = position(&typing, "且 电话卡数 达", "电话卡数标准");
    let hover = client.request("textDocument/hover", at(&path, use_at));
    let shown = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(
        shown.contains("电话卡数标准") && shown.contains("20"),
        "{hover}"
    );
    let def = client.request("textDocument/definition", at(&path, use_at));
    assert_eq!(
        def["result"][0]["range"]["start"]["line"],
        line_of(&typing, "参数 电话卡数标准"),
        "{def}"
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), Some(0));
}

#[test]
fn symbols_outline_a_file_and_the_folder() {
    let ws = workspace();
    let facts = ws.path().join("rules").join("00-事实与结论.rule");
    let text = std::fs::read_to_string(&facts).unwrap_or_else(|e| unreachable!("{e}"));
    let mut client = started(ws.path());
    open(&mut client, &facts, &text);
    let outline = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&facts)}}),
    );
    let symbols = outline["result"].as_array().cloned().unwrap_or_default();
    let record = symbols
        .iter()
        .find(|s| s["name"] == "账户记录")
        .unwrap_or_else(|| unreachable!("no record in {outline}"));
    assert_eq!(record["detail"], "记录");
    assert!(
        record["children"]
            .as_array()
            .is_some_and(|c| c.iter().any(|f| f["name"] == "流入资金")),
        "{record}"
    );
    assert_eq!(
        record["selectionRange"]["start"]["line"],
        line_of(&text, "记录 账户记录")
    );
    // Workspace symbols: every file of the folder, found by part of a name.
    let found = client.request("workspace/symbol", json!({"query": "电话卡数"}));
    let hits: Vec<(String, String)> = found["result"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s["name"].as_str().unwrap_or("").to_string(),
                        s["containerName"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(
        hits.contains(&("电话卡数".into(), "事实".into())),
        "{found}"
    );
    assert!(
        hits.contains(&("电话卡数标准".into(), "参数".into())),
        "{found}"
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), Some(0));
}
