//! `ruling fmt` respects the file (issue 12, item 4): read-only files refused, mode, owner and
//! hard links kept, the real failure named and never counted as formatted, no temporary file
//! left behind (and stale ones reported), the size limit of `check`, "不是普通文件" for pipes
//! and devices, signals deferred to the end of the file being written.

#![cfg(unix)]

mod common;

use common::{ruling_in, ruling_under_shell, stderr, stdout, temp};
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::Path;

/// A rule file that is valid but not in the canonical layout.
const MESSY: &str = "事实 电话卡数：整数\n结论 情节严重：三值\n条文 法发〔2025〕12号第6条第(3)项 “收购、出售、出租电话卡二十张以上的。”\n规则 电话卡   依据 法发〔2025〕12号第6条第(3)项 若 电话卡数 达 20张 以上   则 情节严重\n";

fn messy(dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, MESSY).unwrap_or_default();
    path
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".ruling-fmt-"))
        .collect()
}

#[test]
fn a_read_only_file_is_refused_and_left_untouched() {
    let dir = temp();
    let path = messy(dir.path(), "只读.rule");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap_or_default();
    let o = ruling_in(dir.path(), &["fmt", "只读.rule"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("是只读文件，未格式化（文件未改动）"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("0 个文件已格式化"), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), MESSY);
    let mode = std::fs::metadata(&path)
        .map(|m| m.mode() & 0o777)
        .unwrap_or(0);
    assert_eq!(mode, 0o444);
    // --check only reads: a read-only file is checked as any other.
    let c = ruling_in(dir.path(), &["fmt", "--check", "只读.rule"]);
    assert_eq!(c.status.code(), Some(1));
    assert!(stdout(&c).contains("需要格式化"), "{}", stdout(&c));
}

#[test]
fn mode_owner_and_hard_links_are_kept() {
    let dir = temp();
    let path = messy(dir.path(), "甲.rule");
    let link = dir.path().join("链接.rule");
    std::fs::hard_link(&path, &link).unwrap_or_default();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap_or_default();
    // As root (CI), give the file to another owner: it must stay theirs.
    let chowned = std::process::Command::new("chown")
        .args(["4321:4321", path.to_str().unwrap_or_default()])
        .status()
        .is_ok_and(|s| s.success());
    let before = std::fs::metadata(&path).unwrap_or_else(|e| unreachable!("{e}"));
    let o = ruling_in(dir.path(), &["fmt", "甲.rule"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("已格式化：甲.rule"), "{}", stdout(&o));
    let after = std::fs::metadata(&path).unwrap_or_else(|e| unreachable!("{e}"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert_ne!(text, MESSY, "formatted");
    assert_eq!(after.ino(), before.ino(), "rewritten in place");
    assert_eq!(after.nlink(), 2, "the hard link still points at it");
    assert_eq!(std::fs::read_to_string(&link).unwrap_or_default(), text);
    assert_eq!(after.mode() & 0o777, 0o640);
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    if chowned {
        assert_eq!(after.uid(), 4321);
    }
    assert!(
        temporaries(dir.path()).is_empty(),
        "{:?}",
        temporaries(dir.path())
    );
}

#[test]
fn a_write_failure_is_named_and_not_counted_as_formatted() {
    let dir = temp();
    let path = messy(dir.path(), "乙.rule");
    // No file may grow past 0 bytes: the copy of the original cannot be written.
    let o = ruling_under_shell(dir.path(), "trap '' XFSZ; ulimit -f 0", &["fmt", "乙.rule"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("写入失败") && !err.contains("读取失败"),
        "{err}"
    );
    assert!(err.contains("文件未改动"), "{err}");
    assert!(stdout(&o).contains("0 个文件已格式化"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("已格式化：乙.rule"), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), MESSY);
    assert!(
        temporaries(dir.path()).is_empty(),
        "{:?}",
        temporaries(dir.path())
    );
}

#[test]
fn a_stale_temporary_copy_is_reported_and_left_alone() {
    let dir = temp();
    messy(dir.path(), "丙.rule");
    let stale = dir.path().join(".ruling-fmt-丙.rule-Ab12Cd.tmp");
    std::fs::write(&stale, MESSY).unwrap_or_default();
    let o = ruling_in(dir.path(), &["fmt", "--rules", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(".ruling-fmt-丙.rule-Ab12Cd.tmp") && err.contains("未删除"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&stale).unwrap_or_default(), MESSY);
    assert!(stdout(&o).contains("1 个文件已格式化"), "{}", stdout(&o));
}

#[test]
fn files_past_the_size_limit_are_refused_before_reading() {
    let dir = temp();
    let big = dir.path().join("大.rule");
    let file = std::fs::File::create(&big).unwrap_or_else(|e| unreachable!("{e}"));
    // A sparse gibibyte: refused from its size, at once.
    file.set_len(1 << 30).unwrap_or_default();
    let o = ruling_in(dir.path(), &["fmt", "大.rule"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("超过 4 MiB"), "{}", stderr(&o));
}

#[test]
fn pipes_and_devices_are_not_regular_files() {
    let dir = temp();
    let fifo = dir.path().join("管道.rule");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()));
    for target in ["管道.rule", "/dev/zero"] {
        let o = ruling_in(dir.path(), &["fmt", target]);
        assert_eq!(o.status.code(), Some(1), "{target}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("不是普通文件") && !err.contains("找不到"),
            "{target}: {err}"
        );
    }
    let o = ruling_in(dir.path(), &["fmt", "/dev/zero"]);
    assert!(stderr(&o).contains("（设备）"), "{}", stderr(&o));
    // In a folder: the pipe is named, the other files are formatted.
    messy(dir.path(), "丁.rule");
    let o = ruling_in(dir.path(), &["fmt", "--rules", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("管道.rule") && stderr(&o).contains("命名管道"));
    assert!(stdout(&o).contains("已格式化：./丁.rule"), "{}", stdout(&o));
}

#[test]
fn a_signal_finishes_the_current_file_and_leaves_no_temporary_file() {
    let dir = temp();
    for i in 0..400 {
        messy(dir.path(), &format!("f{i:03}.rule"));
    }
    let mut child = common::spawn_in(dir.path(), &["fmt", "--rules", "."]);
    // Once the first file is reported formatted, the signal handler is in place.
    let mut first = String::new();
    if let Some(out) = child.stdout.as_mut() {
        use std::io::BufRead as _;
        let _ = std::io::BufReader::new(out).read_line(&mut first);
    }
    assert!(first.starts_with("已格式化："), "{first}");
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let o = child
        .wait_with_output()
        .unwrap_or_else(|e| unreachable!("{e}"));
    // Interrupted (130) or, on a fast machine, already done (0); never killed mid-write.
    assert!(
        matches!(o.status.code(), Some(130) | Some(0)),
        "{:?} {}",
        o.status,
        stderr(&o)
    );
    assert!(
        temporaries(dir.path()).is_empty(),
        "{:?}",
        temporaries(dir.path())
    );
    // Every file is whole: as it was, or formatted.
    let reference = temp();
    let path = messy(reference.path(), "参照.rule");
    let r = ruling_in(reference.path(), &["fmt", "参照.rule"]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    let formatted = std::fs::read_to_string(path).unwrap_or_default();
    for i in 0..400 {
        let text =
            std::fs::read_to_string(dir.path().join(format!("f{i:03}.rule"))).unwrap_or_default();
        assert!(
            text == MESSY || text == formatted,
            "f{i:03}.rule is damaged:\n{text}"
        );
    }
}
