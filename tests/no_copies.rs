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
