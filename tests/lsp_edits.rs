//! The language server never panics and keeps answering, whatever is typed: random edits of
//! the shipped rule files (characters deleted and inserted, multi-byte and astral ones
//! included, at random UTF-16 positions, some inside a surrogate pair or past the end of a
//! line) each followed by the requests an editor sends. Run in-process against
//! `ruling::lsp::Server` (the same `handle` the stdio loop calls) to stay fast.

use lsp_server::{Message, Notification, Request, RequestId};
use proptest::prelude::*;
use ruling::lsp::position::LineIndex;
use ruling::lsp::Server;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn file_uri(path: &Path) -> String {
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

fn shipped() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rule"))
        .collect();
    files.sort();
    files
}

/// Pieces typed: keywords, names, punctuation of both widths, quotes, an astral character, a
/// combining accent, line breaks.
const PIECES: &[&str] = &[
    "事实",
    "规则",
    "若",
    "则",
    "且",
    "电话卡数",
    "“",
    "”",
    "（",
    "）",
    "，",
    "：",
    "=",
    "{",
    "}",
    "𠀋",
    "é",
    "\n",
    "\r\n",
    " ",
    "#",
    "30万元",
    "依据 刑法第17条",
    "示例 甲 案情 ",
    "待定",
    "",
];

#[derive(Debug, Clone)]
struct Edit {
    /// Which line, as a fraction of the lines (past the end sometimes).
    line: f64,
    /// Which UTF-16 unit of the line, as a fraction (past the end sometimes).
    character: f64,
    /// How many UTF-16 units to delete.
    delete: u32,
    /// What to insert.
    insert: String,
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        0.0..1.05f64,
        0.0..1.2f64,
        0u32..6,
        prop::collection::vec(prop::sample::select(PIECES), 0..3),
    )
        .prop_map(|(line, character, delete, pieces)| Edit {
            line,
            character,
            delete,
            insert: pieces.concat(),
        })
}

struct Session {
    server: Server,
    next: i32,
}

impl Session {
    fn notify(&mut self, method: &str, params: Value) -> Vec<Message> {
        self.server.handle(Message::Notification(Notification::new(
            method.into(),
            params,
        )))
    }

    /// Sends a request; the first message back must be its response.
    fn request(&mut self, method: &str, params: Value) -> Result<Value, TestCaseError> {
        self.next += 1;
        let id = RequestId::from(self.next);
        let out = self.server.handle(Message::Request(Request::new(
            id.clone(),
            method.into(),
            params,
        )));
        match out.first() {
            Some(Message::Response(r)) if r.id == id => Ok(r.result.clone().unwrap_or(Value::Null)),
            other => Err(TestCaseError::fail(format!(
                "{method}: no response first, got {other:?}"
            ))),
        }
    }
}

fn utf16_len(line: &str) -> u32 {
    line.chars().map(char::len_utf16).sum::<usize>() as u32
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_keep_the_server_answering(
        which in 0usize..64,
        edits in prop::collection::vec(edit(), 1..6),
        probe in (0.0..1.0f64, 0.0..1.1f64),
    ) {
        let files = shipped();
        prop_assume!(!files.is_empty());
        let path = files[which % files.len()].clone();
        let mut text = std::fs::read_to_string(&path).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let uri = file_uri(&path);
        let mut s = Session { server: Server::new(), next: 0 };
        if let Some(dir) = path.parent() {
            s.server.open_folder(dir);
        }
        s.request("initialize", json!({"processId": null, "capabilities": {}}))?;
        s.notify("initialized", json!({}));
        s.notify("textDocument/didOpen", json!({"textDocument": {
            "uri": uri, "languageId": "ruling", "version": 1, "text": text}}));
        for (n, e) in edits.iter().enumerate() {
            let lines: Vec<&str> = text.split('\n').collect();
            let line = (e.line * lines.len() as f64) as u32;
            let width = lines.get(line as usize).map_or(0, |l| utf16_len(l));
            let character = (e.character * f64::from(width + 1)) as u32;
            let start = json!({"line": line, "character": character});
            let end = json!({"line": line, "character": character + e.delete});
            // The model of the buffer, edited by the same rules the protocol sets (and the
            // server's position conversion follows): clamped to the line, whole characters.
            let index = LineIndex::new(&text);
            let a = index.offset(&text, lsp_types::Position { line, character });
            let b = index.offset(&text, lsp_types::Position { line, character: character + e.delete }).max(a);
            text.replace_range(a..b, &e.insert);
            let out = s.notify("textDocument/didChange", json!({
                "textDocument": {"uri": uri, "version": n + 2},
                "contentChanges": [{"range": {"start": start, "end": end}, "text": e.insert}]}));
            // The edited file's diagnostics are always published, and stand within its text.
            let lines: Vec<&str> = text.split('\n').collect();
            let mut seen = false;
            for m in &out {
                let Message::Notification(n) = m else { continue };
                if n.method != "textDocument/publishDiagnostics" || n.params["uri"] != uri {
                    continue;
                }
                seen = true;
                for d in n.params["diagnostics"].as_array().into_iter().flatten() {
                    for end in ["start", "end"] {
                        let l = d["range"][end]["line"].as_u64().unwrap_or(u64::MAX) as usize;
                        let c = d["range"][end]["character"].as_u64().unwrap_or(u64::MAX) as u32;
                        let Some(line_text) = lines.get(l) else {
                            return Err(TestCaseError::fail(format!("line {l} past the end: {d}")));
                        };
                        prop_assert!(c <= utf16_len(line_text), "column {c} past the line: {d}");
                    }
                }
            }
            prop_assert!(seen, "no diagnostics published for the edited file");
            let pl = (probe.0 * lines.len() as f64) as u32;
            let pw = lines.get(pl as usize).map_or(0, |l| utf16_len(l));
            let pc = (probe.1 * f64::from(pw)) as u32;
            let at = json!({"textDocument": {"uri": uri}, "position": {"line": pl, "character": pc}});
            s.request("textDocument/hover", at.clone())?;
            s.request("textDocument/definition", at.clone())?;
            s.request("textDocument/completion", at.clone())?;
            let mut refs = at.clone();
            refs["context"] = json!({"includeDeclaration": true});
            s.request("textDocument/references", refs)?;
            s.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}))?;
            s.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}))?;
            s.request("textDocument/formatting", json!({"textDocument": {"uri": uri},
                "options": {"tabSize": 2, "insertSpaces": true}}))?;
        }
        s.request("workspace/symbol", json!({"query": "电话"}))?;
        s.request("workspace/executeCommand", json!({"command": "ruling.runExamples", "arguments": [uri]}))?;
        s.request("shutdown", Value::Null)?;
        s.notify("exit", Value::Null);
        prop_assert_eq!(s.server.exit_code(), Some(0));
    }
}
