//! `ruling batch` never destroys its input and never runs away: an output that is the input
//! (directly, through a link, or as standard input) is refused before anything is written; a
//! folder as input leaves an existing output untouched; results replace the output only when
//! complete; `--jobs` beyond the cores is capped at once.

mod common;

use common::{ruling_in, stderr, temp};
use std::fs;
use std::path::Path;

const LINES: &str = "{\"案件\": \"一\", \"电话卡数\": 25}\n{\"案件\": \"二\", \"电话卡数\": 5}\n";

fn rules_arg() -> String {
    common::root().join("rules").display().to_string()
}

fn batch(dir: &Path, args: &[&str]) -> std::process::Output {
    let rules = rules_arg();
    let mut all = vec!["--rules", rules.as_str(), "batch"];
    all.extend_from_slice(args);
    ruling_in(dir, &all)
}

#[test]
fn the_input_as_output_is_refused_and_left_intact() {
    let dir = temp();
    fs::write(dir.path().join("案件.jsonl"), LINES).unwrap_or_default();
    let out = batch(dir.path(), &["案件.jsonl", "--output", "案件.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("就是输入文件"), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(dir.path().join("案件.jsonl")).unwrap_or_default(),
        LINES
    );
}

#[cfg(unix)]
#[test]
fn the_input_through_a_link_as_output_is_refused() {
    let dir = temp();
    fs::write(dir.path().join("案件.jsonl"), LINES).unwrap_or_default();
    std::os::unix::fs::symlink(dir.path().join("案件.jsonl"), dir.path().join("链接.jsonl"))
        .unwrap_or_default();
    let out = batch(dir.path(), &["案件.jsonl", "--output", "链接.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(dir.path().join("案件.jsonl")).unwrap_or_default(),
        LINES
    );
}

#[cfg(unix)]
#[test]
fn standard_input_redirected_from_the_output_is_refused() {
    let dir = temp();
    let path = dir.path().join("案件.jsonl");
    fs::write(&path, LINES).unwrap_or_default();
    let input = fs::File::open(&path).unwrap_or_else(|e| unreachable!("{e}"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ruling"))
        .args(["--rules", &rules_arg(), "batch", "-", "--output"])
        .arg(&path)
        .stdin(input)
        .output()
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&path).unwrap_or_default(), LINES);
}

#[test]
fn a_folder_as_input_leaves_the_existing_output_untouched() {
    let dir = temp();
    fs::create_dir(dir.path().join("案件")).unwrap_or_default();
    fs::write(dir.path().join("结果.jsonl"), "原有内容\n").unwrap_or_default();
    let out = batch(dir.path(), &["案件", "--output", "结果.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("是目录"), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(dir.path().join("结果.jsonl")).unwrap_or_default(),
        "原有内容\n"
    );
}

#[test]
fn results_replace_the_output_whole_and_leave_no_temporary_file() {
    let dir = temp();
    fs::write(dir.path().join("案件.jsonl"), LINES).unwrap_or_default();
    fs::write(dir.path().join("结果.jsonl"), "旧结果\n").unwrap_or_default();
    let out = batch(dir.path(), &["案件.jsonl", "--output", "结果.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = fs::read_to_string(dir.path().join("结果.jsonl")).unwrap_or_default();
    assert_eq!(written.lines().count(), 2);
    assert!(written.contains("\"case\":\"一\""));
    let leftovers: Vec<String> = fs::read_dir(dir.path())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn jobs_beyond_the_cores_are_capped_with_a_notice() {
    let dir = temp();
    fs::write(dir.path().join("案件.jsonl"), LINES).unwrap_or_default();
    let out = batch(dir.path(), &["案件.jsonl", "--jobs", "100000"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("超过本机处理器核心数"),
        "{}",
        stderr(&out)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}
