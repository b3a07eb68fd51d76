//! Every shipped rule file parses (the full check is in `check_rules.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

mod common;

#[test]
fn shipped_rule_files_parse() {
    let files = common::shipped_files();
    assert!(files.len() >= 13, "only {} rule files", files.len());
    let mut problems = String::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let (_, diags) = ruling::syntax::parse_file(0, &text);
        let mut sources = ruling::source::Sources::default();
        sources.add(path.display().to_string(), text.as_str());
        if !diags.is_empty() {
            problems.push_str(&ruling::diag::render(&diags, &sources));
        }
    }
    assert!(problems.is_empty(), "{problems}");
}
