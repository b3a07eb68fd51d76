//! Faults and hostile files, through the binary as a user meets them (issue 12): a full disk
//! and a closed standard output, rule folders holding links, pipes and misnamed files, rule
//! files that `fmt` must not harm, a 10,000-conclusion chain, case texts that try to forge a
//! report, line endings and byte-order marks, invisible characters in names.

mod common;

use common::{copy_of_rules, ruling_in, ruling_under_shell, spawn_in, stderr, stdout, temp};
use std::path::Path;

const EXAMPLE: &str = "examples/学生出租银行卡.toml";

fn root() -> &'static Path {
    common::root()
}

fn no_panic(o: &std::process::Output) {
    let err = stderr(o);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(o.status.code(), Some(101), "{err}");
}

// ---- item 2: every write error is an error ----

#[test]
fn a_full_disk_is_a_write_failure_in_every_command() {
    let cases = root().join("tests/cases");
    let cases = cases.to_str().unwrap_or_default();
    let runs: [(&[&str], i32); 6] = [
        (&["eval", EXAMPLE], 2),
        (&["explain", EXAMPLE, "情节严重"], 2),
        (&["check"], 1),
        (&["test"], 1),
        (&["impact", "--base", "rules", cases], 2),
        (&["fmt", "--check"], 1),
    ];
    for (args, code) in runs {
        let o = ruling_under_shell(root(), "exec >/dev/full", args);
        no_panic(&o);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("写入失败：标准输出"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("磁盘已满"), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn a_closed_standard_output_is_an_error_not_silence() {
    for args in [
        &["eval", EXAMPLE][..],
        &["check"],
        &["explain", EXAMPLE, "明知"],
    ] {
        let o = ruling_under_shell(root(), "exec >&-", args);
        no_panic(&o);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("写入失败：标准输出：已被关闭"),
            "{}",
            stderr(&o)
        );
    }
    // A user's own `> /dev/null` is no error.
    let o = ruling_under_shell(root(), "exec >/dev/null", &["eval", EXAMPLE]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn batch_on_a_full_disk_or_closed_output_fails_with_the_message() {
    let dir = temp();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "{\"电话卡数\": 25}\n{\"电话卡数\": 3}\n").unwrap_or_default();
    let input = input.to_str().unwrap_or_default();
    let full = ruling_under_shell(root(), "exec >/dev/full", &["batch", input]);
    no_panic(&full);
    assert_eq!(full.status.code(), Some(2), "{}", stderr(&full));
    assert!(stderr(&full).contains("写入失败"), "{}", stderr(&full));
    let closed = ruling_under_shell(root(), "exec >&-", &["batch", input]);
    assert_eq!(closed.status.code(), Some(2), "{}", stderr(&closed));
    assert!(stderr(&closed).contains("已被关闭"), "{}", stderr(&closed));
}

#[test]
fn a_reader_that_goes_away_ends_the_program_quietly_with_141() {
    // Far more output than a pipe holds: 300 reports of one case.
    let mut args = vec!["eval".to_string()];
    args.extend(std::iter::repeat_n(EXAMPLE.to_string(), 300));
    let mut child = spawn_in(root(), &args);
    drop(child.stdout.take());
    let o = child
        .wait_with_output()
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(o.status.code(), Some(141), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "a reader going away is not reported");
}

#[test]
fn a_full_standard_error_ends_quietly_with_the_commands_code() {
    // Nothing can be said when standard error is full; no panic either.
    let o = ruling_under_shell(root(), "exec 2>/dev/full", &["eval", "没有这个文件.toml"]);
    assert_eq!(o.status.code(), Some(2));
}

// ---- item 3: rule sets never lose a file silently ----

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn rule_entries_that_are_not_regular_files_are_check_errors_naming_them() {
    let dir = copy_of_rules();
    let rules = dir.path();
    let before = ruling_in(rules, &["check", "--rules", "."]);
    assert_eq!(before.status.code(), Some(0), "{}", stderr(&before));
    std::os::unix::fs::symlink("/没有/这个/文件.rule", rules.join("zz-断链.rule"))
        .unwrap_or_default();
    mkfifo(&rules.join("zz-管道.rule"));
    std::os::unix::fs::symlink("/dev/null", rules.join("zz-设备.rule")).unwrap_or_default();
    // A FIFO that were opened would block: the commands ending at all shows it is not.
    for args in [
        &["check", "--rules", "."][..],
        &["eval", "--rules", ".", "x.toml"],
    ] {
        let o = ruling_in(rules, args);
        no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("zz-断链.rule") && err.contains("指向不存在文件的链接"),
            "{err}"
        );
        assert!(
            err.contains("zz-管道.rule") && err.contains("命名管道"),
            "{err}"
        );
        assert!(
            err.contains("zz-设备.rule") && err.contains("设备"),
            "{err}"
        );
    }
}

#[test]
fn near_miss_rule_files_get_a_warning_with_the_fix() {
    let dir = copy_of_rules();
    let rules = dir.path();
    std::fs::write(rules.join("意见7.rule.txt"), "事实 甲：布尔\n").unwrap_or_default();
    std::fs::write(rules.join("意见8.RULE"), "事实 乙：布尔\n").unwrap_or_default();
    let o = ruling_in(rules, &["check", "--rules", "."]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "a warning, not an error: {}",
        stderr(&o)
    );
    let err = stderr(&o);
    assert!(
        err.contains("意见7.rule.txt") && err.contains("改名为“意见7.rule”"),
        "{err}"
    );
    assert!(
        err.contains("意见8.RULE") && err.contains("改名为“意见8.rule”"),
        "{err}"
    );
    assert!(err.contains("未读入规则集"), "{err}");
}

// ---- item 7: one fingerprint whatever the line endings ----

fn fingerprint(dir: &Path) -> String {
    let o = ruling_in(dir, &["check", "--rules", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let at = out.find("指纹 ").map_or(0, |i| i + "指纹 ".len());
    out.get(at..at + 16).unwrap_or_default().to_string()
}

#[test]
fn lf_crlf_and_bom_copies_of_the_rules_have_one_fingerprint() {
    let lf = copy_of_rules();
    let crlf = copy_of_rules();
    let bom = copy_of_rules();
    for f in std::fs::read_dir(crlf.path())
        .into_iter()
        .flatten()
        .flatten()
    {
        let text = std::fs::read_to_string(f.path()).unwrap_or_default();
        std::fs::write(f.path(), text.replace('\n', "\r\n")).unwrap_or_default();
    }
    for f in std::fs::read_dir(bom.path())
        .into_iter()
        .flatten()
        .flatten()
    {
        let text = std::fs::read_to_string(f.path()).unwrap_or_default();
        std::fs::write(f.path(), format!("\u{FEFF}{text}")).unwrap_or_default();
    }
    let one = fingerprint(lf.path());
    assert_eq!(one.len(), 16);
    assert_eq!(fingerprint(crlf.path()), one);
    assert_eq!(fingerprint(bom.path()), one);
    // A change of meaning-bearing text still changes it.
    let changed = copy_of_rules();
    let first = common::shipped_files()
        .into_iter()
        .next()
        .unwrap_or_default();
    let name = first.file_name().unwrap_or_default();
    let text = std::fs::read_to_string(&first).unwrap_or_default();
    std::fs::write(changed.path().join(name), format!("{text}\n# 注释\n")).unwrap_or_default();
    assert_ne!(fingerprint(changed.path()), one);
}

// ---- item 5: a 10,000-conclusion chain ----

fn chain(dir: &Path, n: usize) {
    let mut text = String::from(
        "事实 甲：布尔\n条文 法发〔2025〕12号第5条 “准确认定明知。”\n结论 c0：三值\n规则 r0 依据 法发〔2025〕12号第5条 若 甲 则 c0\n",
    );
    for i in 1..n {
        text.push_str(&format!(
            "结论 c{i}：三值\n规则 r{i} 依据 法发〔2025〕12号第5条 若 c{} 则 c{i}\n",
            i - 1
        ));
    }
    std::fs::write(dir.join("链.rule"), text).unwrap_or_default();
    std::fs::write(dir.join("案件.json"), "{\"甲\": true}").unwrap_or_default();
}

#[test]
fn a_ten_thousand_conclusion_chain_is_evaluated_and_explained_in_bounded_work() {
    let dir = temp();
    chain(dir.path(), 10_000);
    // The work is bounded by what is written: the quadratic explain wrote over a gigabyte.
    let o = ruling_in(dir.path(), &["eval", "--rules", ".", "案件.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("c9999"));
    let e = ruling_in(
        dir.path(),
        &["explain", "--rules", ".", "案件.json", "c9999"],
    );
    assert_eq!(e.status.code(), Some(0), "{}", stderr(&e));
    let out = stdout(&e);
    assert!(out.len() < 64 * 1024, "explain wrote {} bytes", out.len());
    assert!(out.contains("推导超过 24 层，以下从略"), "{out}");
    assert!(out.contains("ruling explain 案件文件 c9975"), "{out}");
}

#[test]
fn explain_draws_a_shared_conclusion_once_and_refers_back_to_it() {
    let dir = temp();
    std::fs::write(
        dir.path().join("共享.rule"),
        "事实 甲：布尔\n条文 法发〔2025〕12号第5条 “准确认定明知。”\n\
结论 底：三值\n结论 左：三值\n结论 右：三值\n结论 顶：三值\n\
规则 r底 依据 法发〔2025〕12号第5条 若 甲 则 底\n\
规则 r左 依据 法发〔2025〕12号第5条 若 底 则 左\n\
规则 r右 依据 法发〔2025〕12号第5条 若 底 则 右\n\
规则 r顶 依据 法发〔2025〕12号第5条 若 左 且 右 则 顶\n",
    )
    .unwrap_or_default();
    std::fs::write(dir.path().join("案件.json"), "{\"甲\": true}").unwrap_or_default();
    let o = ruling_in(dir.path(), &["explain", "--rules", ".", "案件.json", "顶"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.matches("规则“r底”").count(), 1, "{out}");
    assert!(out.contains("（推导见上文“底”）"), "{out}");
}

// ---- item 6: reports cannot be forged by case text ----

#[test]
fn control_characters_and_line_breaks_in_case_text_are_escaped_in_reports() {
    let dir = temp();
    let case = dir.path().join("伪造.json");
    std::fs::write(
        &case,
        r#"{"案件": "x\u001b[31mRED\r\n结论：不构成犯罪\n# 审批意见：同意\n<b>[链接](http://a)</b>", "电话卡数": 25}"#,
    )
    .unwrap_or_default();
    let case = case.to_str().unwrap_or_default();
    let text = ruling_in(root(), &["eval", case]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    let out = stdout(&text);
    assert!(!out.contains('\u{1b}') && !out.contains('\r'), "{out:?}");
    assert!(
        !out.lines().any(|l| l.starts_with("结论：不构成犯罪")),
        "{out}"
    );
    assert!(
        out.contains(r"x\u{1B}[31mRED\r\n结论：不构成犯罪\n# 审批意见"),
        "{out}"
    );
    let md = ruling_in(root(), &["eval", case, "--format", "markdown"]);
    let out = stdout(&md);
    assert!(!out.lines().any(|l| l.starts_with("# 审批意见")), "{out}");
    assert!(out.contains(r"\<b>\[链接\](http://a)\</b>"), "{out}");
    assert!(out.contains(r"x\\u{1B}\[31mRED\\r\\n结论"), "{out}");
    let json = ruling_in(root(), &["eval", case, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap_or_default();
    assert_eq!(
        v["case"], "x\u{1b}[31mRED\r\n结论：不构成犯罪\n# 审批意见：同意\n<b>[链接](http://a)</b>",
        "JSON keeps the text exactly"
    );
    let explain = ruling_in(root(), &["explain", case, "情节严重"]);
    assert!(!stdout(&explain).contains('\u{1b}'), "{}", stdout(&explain));
}

// ---- item 8: invisible characters are named ----

#[test]
fn an_invisible_character_in_a_key_is_named_and_never_echoed_raw() {
    let dir = temp();
    let case = dir.path().join("键.json");
    // The second key holds a NUL, written as JSON writes it.
    std::fs::write(&case, "{\"电话卡数\u{200D}\": 25, \"支付\\u0000结算\": 1}").unwrap_or_default();
    let o = ruling_in(root(), &["eval", case.to_str().unwrap_or_default()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("电话卡数<U+200D>"), "{err}");
    assert!(err.contains("含不可见字符 U+200D 零宽连接符"), "{err}");
    assert!(
        err.contains("支付<U+0000>结算") && err.contains("U+0000 空字符 NUL"),
        "{err}"
    );
    assert!(!err.contains('\u{200D}') && !err.contains('\0'), "{err:?}");
}

#[test]
fn control_characters_in_a_rule_file_are_drawn_visibly() {
    let dir = temp();
    std::fs::write(
        dir.path().join("坏.rule"),
        "事实 电话\u{1b}[31m卡数：布尔\n结论 甲：三值\n规则 r 依据 刑法第17条 若 电话卡 则 甲\n",
    )
    .unwrap_or_default();
    let o = ruling_in(dir.path(), &["check", "--rules", "."]);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!stderr(&o).contains('\u{1b}'), "{:?}", stderr(&o));
}
