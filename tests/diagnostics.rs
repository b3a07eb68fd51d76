//! One broken rule file per kind of mistake (`tests/diagnostics/*.rule`), each checked alone
//! and its rendered diagnostics (no colour) pinned in an insta snapshot. A reviewer reads the
//! `.snap` files to see exactly what legal staff are told.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

use ruling::diag::{render, Code};
use ruling::rules::Rules;
use ruling::ruleset;
use std::path::PathBuf;

fn check_alone(path: &std::path::Path) -> String {
    let name = format!(
        "tests/diagnostics/{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    let rules = match ruleset::read_files(
        name.clone(),
        None,
        &[path.to_path_buf()],
        ruling::source::Sources::default(),
    ) {
        Ok(r) => r,
        Err(d) => return render(&d, &ruling::source::Sources::default()),
    };
    let mut rules = rules;
    if let Some(f) = rules.sources.files.first_mut() {
        f.name = name;
    }
    // Every diagnostic, errors and warnings, as `ruling check` prints them.
    match Rules::from_set(rules) {
        Ok(checked) => render(checked.warnings(), &checked.set().sources),
        Err(rejected) => render(&rejected.diagnostics, &rejected.sources),
    }
}

#[test]
fn every_broken_file_gets_its_diagnostic() {
    insta::glob!("diagnostics/*.rule", |path| {
        insta::assert_snapshot!(check_alone(path));
    });
}

#[test]
fn each_file_reports_an_error_or_warning() {
    let dir = PathBuf::from("tests/diagnostics");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(files.len() >= 15, "one file per kind of mistake");
    for f in files {
        let out = check_alone(&f);
        assert!(
            out.contains("共 "),
            "{} produced no diagnostic:\n{out}",
            f.display()
        );
        assert!(
            out.contains("help:"),
            "{} has no help line:\n{out}",
            f.display()
        );
    }
}

#[test]
fn a_misspelt_fact_gets_a_did_you_mean_at_the_misspelling() {
    let out = check_alone(&PathBuf::from("tests/diagnostics/名称-拼错事实.rule"));
    assert!(out.contains("未声明的名称“电话卡张数”"), "{out}");
    assert!(out.contains("是否应为“电话卡数”"), "{out}");
    assert!(
        out.contains("名称-拼错事实.rule:6:5"),
        "line and column of the misspelling: {out}"
    );
}

#[test]
fn thirty_wan_zhang_is_an_unknown_unit() {
    let out = check_alone(&PathBuf::from("tests/diagnostics/单位-万张.rule"));
    assert!(out.contains("无法识别的单位“万张”"), "{out}");
    assert!(out.contains(Code::BadUnit.as_str()), "{out}");
}

#[test]
fn invalid_utf8_is_located_not_a_crash() {
    let dir = std::env::temp_dir().join(format!("ruling-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut bytes = "结论 情节严重：三值\n事实 甲：布尔 “".as_bytes().to_vec();
    bytes.extend([0xff, 0xfe, 0xb0]);
    bytes.extend("”\n".as_bytes());
    std::fs::write(dir.join("坏.rule"), bytes).unwrap();
    let err = ruleset::read_dir(&dir).unwrap_err();
    let out = render(&err, &ruling::source::Sources::default());
    assert!(out.contains("不是有效的 UTF-8"), "{out}");
    assert!(out.contains(":2:"), "names the line: {out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_truncated_file_is_a_syntax_error() {
    let text = std::fs::read_to_string("rules/意见6-情节严重.rule").unwrap();
    let cut: String = text.chars().take(text.chars().count() * 2 / 3).collect();
    let (_, diags) = ruling::syntax::parse_file(0, &cut);
    assert!(
        !diags.is_empty() || cut.trim_end().ends_with('”'),
        "truncation should be noticed"
    );
}

#[test]
fn ten_thousand_nested_parentheses_are_refused_not_a_stack_overflow() {
    let text = format!(
        "结论 乙：三值\n事实 甲：布尔\n规则 深 依据 刑法第17条 若 {}甲{} 则 乙",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let (_, diags) = ruling::syntax::parse_file(0, &text);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::TooDeep);
}
