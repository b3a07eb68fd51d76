//! A legal office starting alone (issue 14), through the real binary: the facts and a
//! template, the generated 案件文件填写说明, the Chinese command line, the built-in rules named
//! and exported, snapshot review without Rust, the release files, and the diagnostics a
//! non-programmer meets.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

mod common;

use common::{root, ruling, ruling_in, ruling_with_stdin, stderr, stdout, temp};
use std::path::Path;

// ---------------------------------------------------------------- 1. documentation

#[test]
fn the_case_file_guide_is_the_generated_one() {
    let o = ruling(&["facts", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let on_disk = std::fs::read_to_string(root().join("docs/案件文件填写说明.md")).unwrap();
    assert!(
        on_disk == stdout(&o),
        "docs/案件文件填写说明.md is out of date: run\n  \
         cargo run -- facts --format markdown > docs/案件文件填写说明.md"
    );
    // Every fact of the rules is described, with its type and an example.
    for fact in &common::shipped().program().facts {
        assert!(
            on_disk.contains(&format!("#### {}\n", fact.name)),
            "{}",
            fact.name
        );
    }
    assert!(on_disk.contains("\"被帮助对象犯罪后果\" = \"无\""));
}

#[test]
fn nothing_in_the_repository_points_outside_it() {
    let mut files = Vec::new();
    for dir in [
        "src",
        "docs",
        "rules",
        "tests/cases",
        "examples",
        "editors/vscode/src",
    ] {
        files.extend(common::files_under(&root().join(dir)));
    }
    files.push(root().join("README.md"));
    files.push(root().join("Cargo.toml"));
    let forbidden = [concat!("CONTRACT", ".md"), concat!("../", "shared")];
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for word in forbidden {
            assert!(!text.contains(word), "{} mentions {word}", f.display());
        }
    }
    let help = stdout(&ruling(&["eval", "--help"]));
    assert!(!help.contains("CONTRACT"));
}

#[test]
fn the_readme_opens_in_chinese_with_the_two_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let first: String = readme.lines().take(25).collect::<Vec<_>>().join("\n");
    // The run command works on a machine with only the Rust toolchain (nothing installed).
    assert!(
        first.contains("cargo run --release -- eval examples/学生出租银行卡.toml"),
        "{first}"
    );
    assert!(first.contains("cargo test"), "{first}");
    // .ci/run runs the README's test command.
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(ci.lines().any(|l| l.trim() == "cargo test"));
    let chinese = first
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c));
    assert!(chinese.count() > 40, "{first}");
}

// ---------------------------------------------------------------- 2. facts and template

#[test]
fn facts_lists_every_fact_with_type_words_and_articles() {
    let o = ruling(&["facts", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let facts: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let list = facts.as_array().unwrap();
    assert_eq!(list.len(), common::shipped().program().facts.len());
    let find = |n: &str| list.iter().find(|f| f["name"] == n).unwrap();
    assert_eq!(find("电话卡数")["type"], "整数");
    assert!(find("电话卡数")["articles"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("法发〔2025〕12号第6条第(3)项")));
    let outcome = find("被帮助对象犯罪后果");
    assert_eq!(
        outcome["words"],
        serde_json::json!(["无", "严重", "特别严重"])
    );
    let accounts = find("账户");
    assert!(accounts["fields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "流入资金" && f["type"] == "金额"));
    let text = stdout(&ruling(&["facts"]));
    assert!(text.contains("【法发〔2025〕12号第6条】"), "{text}");
    assert!(text.contains("电话卡数：整数"));
}

#[test]
fn the_template_unchanged_is_a_valid_case_and_filled_in_too() {
    let dir = temp();
    let o = ruling(&["template"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let template = stdout(&o);
    for fact in &common::shipped().program().facts {
        assert!(
            template.contains(&format!("# \"{}\" = ", fact.name)),
            "{}",
            fact.name
        );
    }
    let path = dir.path().join("案件.toml");
    std::fs::write(&path, &template).unwrap();
    let o = ruling(&["eval", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("（案件编号）"));
    // Every example line uncommented: still a valid case (the examples are valid values).
    let filled: String = template
        .lines()
        .map(|l| match l.strip_prefix("# \"") {
            Some(rest) if !rest.starts_with("封闭世界") => format!("\"{rest}\n"),
            _ => format!("{l}\n"),
        })
        .collect();
    std::fs::write(&path, filled).unwrap();
    let o = ruling(&["eval", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // JSON: every fact null (unknown), which the case reader accepts.
    let json = stdout(&ruling(&["template", "--format", "json"]));
    let o = ruling_with_stdin(&["eval", "-"], json.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

// ---------------------------------------------------------------- 3. Chinese command line

#[test]
fn help_usage_and_errors_are_in_chinese() {
    let help = stdout(&ruling(&["--help"]));
    assert!(help.contains("用法：ruling [选项] <命令>"), "{help}");
    for english in [
        "Usage",
        "Options",
        "Commands",
        "Print help",
        "[default",
        "possible values",
    ] {
        assert!(!help.contains(english), "{english} in\n{help}");
    }
    let eval = stdout(&ruling(&["eval", "--help"]));
    assert!(eval.contains("默认：text"), "{eval}");
    assert!(
        eval.contains("--format <格式>") && !eval.contains("FORMAT"),
        "{eval}"
    );
    assert!(eval.contains("退出码："), "{eval}");
    let o = ruling(&["eval", "--no-such-flag", "x.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with("错误：无法识别的参数“--no-such-flag”"),
        "{err}"
    );
    assert!(!err.contains("error:") && !err.contains("Usage"), "{err}");
    let o = ruling(&["evl"]);
    assert!(stderr(&o).contains("是否应为“eval”"), "{}", stderr(&o));
    let o = ruling(&["eval", "--format", "pdf", "x.toml"]);
    assert!(stderr(&o).contains("可选的值"), "{}", stderr(&o));
}

#[test]
fn every_command_documents_its_exit_codes() {
    let help = stdout(&ruling(&["--help"]));
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("命令"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(commands.len() >= 14, "{commands:?}");
    for c in commands {
        let o = ruling(&[c, "--help"]);
        assert!(
            stdout(&o).contains("退出码"),
            "ruling {c} --help has no 退出码"
        );
    }
}

#[test]
fn help_columns_line_up_with_chinese_names() {
    let help = stdout(&ruling(&["rules", "--help"]));
    // The descriptions of --export <目录> and --rules <目录> start in the same display column.
    let column = |flag: &str| {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(flag))
            .unwrap();
        let at = line.find("  把").or_else(|| line.find("  规则")).unwrap();
        line[..at]
            .chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum::<usize>()
    };
    assert_eq!(column("--export"), column("--rules"), "{help}");
}

#[test]
fn version_names_the_commit_and_the_built_in_fingerprint() {
    let o = ruling(&["--version"]);
    let v = stdout(&o);
    assert!(v.starts_with("ruling 0.2.0"), "{v}");
    let fingerprint = ruling::ruleset::embedded().fingerprint;
    assert!(v.contains(&format!("内置规则指纹 {fingerprint}")), "{v}");
    assert!(v.contains("提交 "), "{v}");
}

#[test]
fn dash_reads_the_case_from_standard_input() {
    let case = std::fs::read(root().join("examples/学生出租银行卡.toml")).unwrap();
    let o = ruling_with_stdin(&["eval", "-"], &case);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("学生出租银行卡"));
    let o = ruling_with_stdin(&["explain", "-", "情节严重"], &case);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = ruling_with_stdin(&["eval", "-"], "{\"电话卡\": 3}".as_bytes());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("标准输入"), "{}", stderr(&o));
}

#[test]
fn explain_speaks_text_json_and_markdown() {
    let case = "examples/学生出租银行卡.toml";
    let json = stdout(&ruling(&["explain", case, "情节严重", "--format", "json"]));
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["explain"]["conclusion"], "情节严重");
    assert!(doc["explain"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["status"] == "fired"));
    let md = stdout(&ruling(&[
        "explain",
        case,
        "情节严重",
        "--format",
        "markdown",
    ]));
    assert!(md.starts_with("# 结论“情节严重”的推导"), "{md}");
    assert!(md.contains("- 规则“"), "{md}");
    let text = stdout(&ruling(&["explain", case, "情节严重"]));
    assert!(text.contains("规则“"), "{text}");
}

#[test]
fn completions_for_four_shells_and_a_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = ruling(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        assert!(stdout(&o).contains("template"), "{shell}");
    }
    assert_eq!(ruling(&["completions", "tcsh"]).status.code(), Some(2));
    let man = stdout(&ruling(&["manpage"]));
    assert!(man.contains(".TH ruling 1"), "{man}");
    assert!(man.contains(".SH 名称") && man.contains("review"), "{man}");
}

// ---------------------------------------------------------------- 4. the rule set in use

#[test]
fn rules_names_the_set_and_export_round_trips() {
    let o = ruling(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("规则集来源：rules"), "{out}");
    assert!(out.contains("条规则") && out.contains("个示例"), "{out}");

    let away = temp();
    let o = ruling_in(away.path(), &["rules"]);
    assert!(
        stdout(&o).contains("规则集来源：内置规则"),
        "{}",
        stdout(&o)
    );
    let o = ruling_in(away.path(), &["rules", "--export", "我的规则"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fingerprint = ruling::ruleset::embedded().fingerprint;
    let o = ruling_in(away.path(), &["--rules", "我的规则", "check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains(&fingerprint), "{}", stdout(&o));
    // No notice once a folder is named.
    assert!(!stderr(&o).contains("内置"), "{}", stderr(&o));
    // A second export into the same folder writes nothing.
    let amended = away.path().join("我的规则/意见6-情节严重.rule");
    std::fs::write(&amended, "# 已修改\n").unwrap();
    let o = ruling_in(away.path(), &["rules", "--export", "我的规则"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("一个文件也没有写入"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&amended).unwrap(), "# 已修改\n");
}

// ---------------------------------------------------------------- 5. review

/// A corpus in a folder of its own: `cases/` with two cases and `snapshots/` as the corpus
/// test writes them, under the shipped rules.
fn corpus_copy(dir: &Path) {
    common::copy_rules(&dir.join("rules"));
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    std::fs::create_dir_all(dir.join("snapshots")).unwrap();
    for name in [
        "意见6-3-电话卡二十张-达到.toml",
        "意见6-3-电话卡十九张-不达.toml",
    ] {
        let from = root().join("tests/cases").join(name);
        std::fs::copy(&from, dir.join("cases").join(name)).unwrap();
        let snap = format!("corpus__every_corpus_case_has_a_reviewed_decision_sheet@{name}.snap");
        std::fs::copy(
            root().join("tests/snapshots").join(&snap),
            dir.join("snapshots").join(&snap),
        )
        .unwrap();
    }
}

#[test]
fn review_shows_the_change_and_writes_only_what_is_accepted() {
    let dir = temp();
    corpus_copy(dir.path());
    let o = ruling_in(dir.path(), &["review", "cases"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("2 个无变化"), "{}", stdout(&o));

    // Amend the threshold: 二十张 → 十九张 changes both cases' sheets.
    let rule = dir.path().join("rules/意见6-情节严重.rule");
    let text = std::fs::read_to_string(&rule).unwrap();
    std::fs::write(
        &rule,
        text.replace("电话卡数标准 = 20张", "电话卡数标准 = 19张"),
    )
    .unwrap();
    let snaps = dir.path().join("snapshots");
    let snap = |n: &str| {
        snaps.join(format!(
            "corpus__every_corpus_case_has_a_reviewed_decision_sheet@{n}.snap"
        ))
    };
    let before_19 = std::fs::read_to_string(snap("意见6-3-电话卡十九张-不达.toml")).unwrap();
    let before_20 = std::fs::read_to_string(snap("意见6-3-电话卡二十张-达到.toml")).unwrap();

    let mut child = std::process::Command::new(common::BIN)
        .args(["review", "cases"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    // Cases are reviewed in name order: 二十张 first (rejected), 十九张 second (accepted).
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all("拒绝\n接受\n".as_bytes()).unwrap();
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(out.contains("－ ") && out.contains("＋ "), "{out}");
    assert!(out.contains("19张"), "{out}");
    assert!(out.contains("接受 1 个，拒绝 1 个"), "{out}");
    assert_eq!(
        std::fs::read_to_string(snap("意见6-3-电话卡二十张-达到.toml")).unwrap(),
        before_20
    );
    let after_19 = std::fs::read_to_string(snap("意见6-3-电话卡十九张-不达.toml")).unwrap();
    assert_ne!(after_19, before_19);
    // insta's header is kept, so `cargo insta` and the corpus test read the file as before.
    assert!(
        after_19.starts_with("---\nsource: tests/corpus.rs\n"),
        "{after_19}"
    );
    assert!(after_19.contains("情节严重 = 是"), "{after_19}");
    // Reviewing again: the accepted case is unchanged now, the rejected one still differs.
    let o = ruling_in(dir.path(), &["review", "cases"]);
    assert!(stdout(&o).contains("1 个无变化"), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn the_corpus_test_and_review_share_the_sheet() {
    // Under the shipped rules every stored corpus snapshot is what review computes.
    let o = ruling(&["review"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("接受 0 个，拒绝 0 个，跳过 0 个"),
        "{}",
        stdout(&o)
    );
}

// ---------------------------------------------------------------- 6. release

#[test]
fn the_release_files_are_there() {
    for f in ["LICENSE-MIT", "LICENSE-APACHE", "CHANGELOG.md"] {
        assert!(root().join(f).is_file(), "{f}");
    }
    let cargo = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(cargo.contains("version = \"0.2.0\""));
    assert!(cargo.contains("[profile.profiling]"));
    let release = cargo.split("[profile.release]").nth(1).unwrap();
    assert!(release.contains("debug = false"), "{release}");
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for needle in ["cargo install --path .", "记事本", "CRLF", ".txt"] {
        assert!(readme.contains(needle), "README lacks {needle}");
    }
    let changelog = std::fs::read_to_string(root().join("CHANGELOG.md")).unwrap();
    assert!(changelog.contains("0.2.0"));
}

// ---------------------------------------------------------------- 7. diagnostics

#[test]
fn a_parameter_of_the_wrong_unit_is_shown_where_it_is_declared_and_used() {
    let dir = common::copy_of_rules();
    let rule = dir.path().join("意见6-情节严重.rule");
    let text = std::fs::read_to_string(&rule).unwrap();
    std::fs::write(
        &rule,
        text.replace("电话卡数标准 = 20张", "电话卡数标准 = 20元"),
    )
    .unwrap();
    let o = ruling(&["--rules", dir.path().to_str().unwrap(), "check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let decl_line = text
        .lines()
        .position(|l| l.contains("电话卡数标准 = 20张"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("意见6-情节严重.rule:{decl_line}:1")),
        "{err}"
    );
    assert!(
        err.contains("单位写在这里") && err.contains("在这里与整数比较"),
        "{err}"
    );
    assert!(!err.contains("Advice"), "{err}");
}

#[test]
fn misleading_hints_are_gone() {
    let dir = common::copy_of_rules();
    let rule = dir.path().join("意见4-构成.rule");
    let text = std::fs::read_to_string(&rule).unwrap();
    std::fs::write(&rule, format!("{text}\n规则：测试 “x”\n")).unwrap();
    let err = stderr(&ruling(&["--rules", dir.path().to_str().unwrap(), "check"]));
    assert!(!err.contains("规 则"), "{err}");
    assert!(err.contains("不加冒号"), "{err}");
    std::fs::write(&rule, &text).unwrap();

    let rule = dir.path().join("意见6-情节严重.rule");
    let text = std::fs::read_to_string(&rule).unwrap();
    std::fs::write(
        &rule,
        text.replace("电话卡数标准 = 20张", "电话卡数标准 = 30万张"),
    )
    .unwrap();
    let err = stderr(&ruling(&["--rules", dir.path().to_str().unwrap(), "check"]));
    assert!(
        err.contains("万元") && !err.contains("请用空格隔开"),
        "{err}"
    );

    let (line, _) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("条文") && l.ends_with('”'))
        .unwrap();
    let broken: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == line {
                l.trim_end_matches('”').to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&rule, broken.join("\n")).unwrap();
    let err = stderr(&ruling(&["--rules", dir.path().to_str().unwrap(), "check"]));
    assert!(
        err.contains(&format!("第 {} 行这里的左引号", line + 1)),
        "{err}"
    );
    assert!(err.contains("左引号从这里开始"), "{err}");
}
