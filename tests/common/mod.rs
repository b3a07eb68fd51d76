//! What the tests that run the real binary share: running `ruling` from the repository root and
//! reading what it printed.

#![allow(
    dead_code,
    reason = "each test binary includes this module and uses a part of it"
)]

use std::process::{Command, Output};

/// Runs the `ruling` binary with `args` in the repository root.
pub fn ruling(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ruling"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| unreachable!("cannot run ruling: {e}"))
}

/// Standard output, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
