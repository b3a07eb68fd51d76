//! Every shipped rule file parses (the full check is in `check_rules.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

#[test]
fn shipped_rule_files_parse() {
    let mut problems = String::new();
    for entry in std::fs::read_dir("rules").into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "rule") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let (_, diags) = ruling::syntax::parse_file(0, &text);
            let mut sources = ruling::source::Sources::default();
            sources.add(path.display().to_string(), text.as_str());
            if !diags.is_empty() {
                problems.push_str(&ruling::diag::render(&diags, &sources));
            }
        }
    }
    assert!(problems.is_empty(), "{problems}");
}
