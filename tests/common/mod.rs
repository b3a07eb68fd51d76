//! What the test binaries share: running `ruling` (in the repository root, in a folder of the
//! test's own, with input on standard input) and reading what it printed; copying the shipped
//! rule files; and the shipped rules, or rules written for a test, loaded through the library.
//! One copy of each, so that a change of the command line or of the library API is made here.

#![allow(
    dead_code,
    reason = "each test binary includes this module and uses a part of it"
)]

use ruling::rules::{Rejected, Rules};
use ruling::ruleset;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_ruling");

/// The repository root (where `rules/`, `tests/cases/` and `examples/` are).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `ruling` binary with `args` in the repository root.
pub fn ruling(args: &[&str]) -> Output {
    ruling_in(root(), args)
}

/// Runs the `ruling` binary with `args` in `dir`, with nothing on standard input.
pub fn ruling_in<A: AsRef<OsStr>>(dir: &Path, args: &[A]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| unreachable!("cannot run {BIN}: {e}"))
}

/// Starts the `ruling` binary with `args` in `dir`, its output piped and nothing on standard
/// input, for a test that reads (or stops reading) its output while it runs.
pub fn spawn_in<A: AsRef<OsStr>>(dir: &Path, args: &[A]) -> Child {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| unreachable!("cannot run {BIN}: {e}"))
}

/// Runs the `ruling` binary with `args` in the repository root and `input` on standard input.
pub fn ruling_with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| unreachable!("cannot run {BIN}: {e}"));
    let Some(mut stdin) = child.stdin.take() else {
        unreachable!("standard input was asked to be piped")
    };
    let input = input.to_vec();
    // Written from another thread, so that a full output pipe cannot block the writer.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| unreachable!("{BIN} did not finish: {e}"));
    match writer.join() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => unreachable!("cannot write to {BIN}'s standard input: {e}"),
        Err(_) => unreachable!("the thread writing to standard input failed"),
    }
    out
}

/// Standard output, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The shipped rule files (`rules/*.rule`), in name order.
pub fn shipped_files() -> Vec<PathBuf> {
    let dir = root().join("rules");
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| unreachable!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rule"))
        .collect();
    files.sort();
    files
}

/// Copies the shipped rule files into the folder `to` (made if missing).
pub fn copy_rules(to: &Path) {
    std::fs::create_dir_all(to)
        .unwrap_or_else(|e| unreachable!("cannot make {}: {e}", to.display()));
    for f in shipped_files() {
        let Some(name) = f.file_name() else {
            unreachable!("{} has no file name", f.display())
        };
        std::fs::copy(&f, to.join(name))
            .unwrap_or_else(|e| unreachable!("cannot copy {}: {e}", f.display()));
    }
}

/// A fresh temporary folder holding a copy of the shipped rule files; the folder is removed
/// when the value is dropped.
pub fn copy_of_rules() -> tempfile::TempDir {
    let dir = temp();
    copy_rules(dir.path());
    dir
}

/// A fresh temporary folder, removed when the value is dropped.
pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| unreachable!("no temporary folder: {e}"))
}

/// The shipped rules (`rules/` as on disk), loaded and checked once per test binary.
pub fn shipped() -> &'static Rules {
    static SHIPPED: OnceLock<Rules> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        Rules::from_dir(&root().join("rules"))
            .unwrap_or_else(|e| unreachable!("the shipped rules do not check:\n{}", e.message()))
    })
}

/// Rules from texts written for a test, as (file name, text) pairs.
pub fn rules_from_texts(files: &[(&str, &str)]) -> Result<Rules, Rejected> {
    Rules::from_set(ruleset::from_texts("test", files))
}

/// Rules from one file's text written for a test.
pub fn rules_from_text(name: &str, text: &str) -> Result<Rules, Rejected> {
    rules_from_texts(&[(name, text)])
}

/// The shipped rules (the copy built into the binary) plus one more file.
pub fn shipped_with(name: &str, text: &str) -> Result<Rules, Rejected> {
    let base = ruleset::embedded();
    let mut files: Vec<(&str, &str)> = base
        .sources
        .files
        .iter()
        .map(|f| (f.name.as_str(), &*f.text))
        .collect();
    files.push((name, text));
    rules_from_texts(&files)
}
