//! `ruling fmt` through the real binary, and the guarantees behind it: the shipped rules are in
//! the canonical layout (CI), formatting keeps every file's AST and comments, is idempotent, and
//! changes no evaluation of the corpus.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

mod common;
use common::{copy_of_rules, ruling, shipped_files, stderr, stdout};

use std::path::Path;

/// A rule file in a messy but valid layout: clauses out of order, ASCII punctuation, comments
/// in awkward places.
const MESSY: &str = "# 甲文件\n规则 甲 则 情节严重 # 行尾\n  若 电话卡数 >= 20 且\n    # 条件里的注释\n    被帮助对象犯罪查证 是 已查证达到\n  依据 法发〔2025〕12号第6条第（3）项\n";

#[test]
fn the_shipped_rules_are_in_the_canonical_layout() {
    let o = ruling(&["fmt", "--check", "--rules", "rules"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "run `ruling fmt` on rules/:\n{}{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn every_shipped_file_keeps_its_ast_and_comments_and_is_stable() {
    for path in shipped_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let out = ruling::format::format_source(&text).unwrap();
        let (before, d1) = ruling::syntax::parse_file(0, &text);
        let (after, d2) = ruling::syntax::parse_file(0, &out);
        assert!(d1.is_empty() && d2.is_empty(), "{}", path.display());
        assert_eq!(before, after, "{}: meaning changed", path.display());
        let comments = |s: &str| {
            s.lines()
                .filter(|l| l.trim_start().starts_with('#'))
                .count()
        };
        assert!(
            comments(&out) >= comments(&text),
            "{}: comments lost",
            path.display()
        );
        assert_eq!(
            ruling::format::format_source(&out).unwrap(),
            out,
            "{}",
            path.display()
        );
    }
}

#[test]
fn formatting_the_rule_set_changes_no_evaluation_of_the_corpus() {
    let messy = copy_of_rules();
    // Make the copy messy first, so that formatting has something to do even once rules/ is
    // canonical: every line's leading spaces doubled and ASCII commas inside braces.
    for f in std::fs::read_dir(messy.path()).unwrap() {
        let p = f.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let text: String = text
            .lines()
            .map(|l| {
                let indent = l.len() - l.trim_start().len();
                format!("{}{}\n", " ".repeat(indent * 2), l.trim_start())
            })
            .collect();
        std::fs::write(&p, text).unwrap();
    }
    let dir = messy.path().to_str().unwrap();
    let o = ruling(&["fmt", "--rules", dir]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("已格式化"), "{}", stdout(&o));
    let again = ruling(&["fmt", "--check", "--rules", dir]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "not idempotent: {}",
        stdout(&again)
    );

    let mut cases: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .map(|p| p.display().to_string())
            .collect();
    cases.sort();
    assert!(cases.len() > 100);
    let eval = |rules: &str| -> serde_json::Value {
        let mut args = vec!["eval", "--format", "json", "--rules", rules];
        args.extend(cases.iter().map(String::as_str));
        let o = ruling(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let mut v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        for r in v.as_array_mut().unwrap() {
            r.as_object_mut().unwrap().remove("rules");
        }
        v
    };
    assert_eq!(eval("rules"), eval(dir));
    // The examples inside the formatted files still pass (an empty folder: no corpus cases).
    let no_cases = tempfile::tempdir().unwrap();
    let t = ruling(&["test", "--rules", dir, no_cases.path().to_str().unwrap()]);
    assert_eq!(t.status.code(), Some(0), "{}", stdout(&t));
}

#[test]
fn check_names_the_files_that_would_change_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("乙.rule");
    std::fs::write(&messy, MESSY).unwrap();
    let o = ruling(&["fmt", "--check", messy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(&format!("需要格式化：{}（第 2 行起）", messy.display())),
        "{}",
        stdout(&o)
    );
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), MESSY);
}

#[test]
fn fmt_rewrites_atomically_keeps_comments_and_permissions_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("乙.rule");
    std::fs::write(&messy, MESSY).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&messy, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let o = ruling(&["fmt", messy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = std::fs::read_to_string(&messy).unwrap();
    assert_eq!(
        out,
        "# 甲文件\n规则 甲\n  依据 法发〔2025〕12号第6条第(3)项\n  若 电话卡数 >= 20\n   # 条件里的注释\n   且 被帮助对象犯罪查证 是 已查证达到\n  则 情节严重  # 行尾\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&messy).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "temporary files left: {leftovers:?}");
    let again = ruling(&["fmt", messy.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stdout(&again).contains("0 个文件已格式化，1 个文件原已是统一格式"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn a_file_with_a_syntax_error_is_reported_and_left_alone_and_the_others_are_formatted() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "规则 甲\n  依据 刑法第17条\n  若 电话卡数 达 则 乙\n";
    std::fs::write(dir.path().join("甲.rule"), broken).unwrap();
    std::fs::write(dir.path().join("乙.rule"), MESSY).unwrap();
    let o = ruling(&["fmt", "--rules", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("甲.rule"), "{err}");
    assert!(err.contains("未格式化（文件未改动）"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("甲.rule")).unwrap(),
        broken
    );
    assert_ne!(
        std::fs::read_to_string(dir.path().join("乙.rule")).unwrap(),
        MESSY
    );
}

#[test]
fn rules_and_files_together_is_a_usage_error() {
    let o = ruling(&["fmt", "--rules", "rules", "rules/00-事实与结论.rule"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不能同时指定"), "{}", stderr(&o));
}
