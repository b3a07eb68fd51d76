//! A rule set that differs from the shipped one in a file or two is written as an overlay
//! (`--amend DIR`) holding only those files, never as a copy of `rules/`: a copy drifts from the
//! law as the shipped files are corrected, while its tests go on passing. This test fails when
//! any folder of the repository holds more than two files identical in name to shipped rule files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn shipped_names(root: &Path) -> BTreeSet<String> {
    std::fs::read_dir(root.join("rules"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rule"))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

fn folders(root: &Path) -> Vec<PathBuf> {
    let skip = [".git", "target", "node_modules"];
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir()) && !skip.contains(&name.as_str()) {
                out.push(path.clone());
                stack.push(path);
            }
        }
    }
    out
}

#[test]
fn no_folder_repeats_more_than_two_shipped_rule_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = shipped_names(root);
    assert!(shipped.len() > 2, "the shipped rules are found");
    let rules_dir = root.join("rules");
    for dir in folders(root) {
        if dir == rules_dir {
            continue;
        }
        let repeated: Vec<String> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| shipped.contains(n))
            .collect();
        assert!(
            repeated.len() <= 2,
            "{} repeats {} shipped rule files ({}): keep only the amended files and lay them over \
             rules/ with --amend",
            dir.display(),
            repeated.len(),
            repeated.join(", ")
        );
    }
}

/// The names a rule file declares after `keyword` (one per line that starts with it).
fn declared(text: &str, keyword: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix(keyword))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn an_overlay_file_keeps_every_rule_of_the_shipped_file_it_replaces() {
    // An overlay replaces the whole shipped file of its name: a rule added to the shipped file
    // later must be carried into the overlay too, or the amended rule set silently loses it.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = shipped_names(root);
    for dir in folders(&root.join("examples")) {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !shipped.contains(&name) {
                continue;
            }
            let base = std::fs::read_to_string(root.join("rules").join(&name)).unwrap_or_default();
            let overlay = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for keyword in ["规则 ", "示例 ", "事实 ", "结论 ", "参数 ", "条文 "] {
                let missing: Vec<String> = declared(&base, keyword)
                    .difference(&declared(&overlay, keyword))
                    .cloned()
                    .collect();
                assert!(
                    missing.is_empty(),
                    "{} lacks {keyword}{} of rules/{name}: carry the shipped file's changes into it",
                    entry.path().display(),
                    missing.join("、")
                );
            }
        }
    }
}
