//! Standard output of every command goes through [`Out`], so that a write that fails is an
//! error the command reports, never a panic (`print!` panics on a full disk) and never a
//! silent loss (a closed standard output).
//!
//! The rules, the same in every command:
//! - the reader went away (`ruling eval … | head`): no message, exit code [`BROKEN_PIPE`]
//!   (141, as a shell reports a program ended by SIGPIPE);
//! - any other failure (a full disk, `/dev/full`, standard output closed with `>&-`): one line
//!   `写入失败：…` on standard error and the command's documented failure code.

use std::io::{self, Write};
use std::sync::atomic::{AtomicI32, Ordering};

/// The exit code when the reader of standard output went away.
pub(crate) const BROKEN_PIPE: i32 = 141;

/// The exit code of the running command for a failed write, for the one place that cannot
/// ask the command: a failed write to standard error, which ends the program (see `main`).
static WRITE_FAILURE: AtomicI32 = AtomicI32::new(super::BAD_INPUT);

/// Records the running command's exit code for a failed write.
pub(crate) fn set_write_failure(code: i32) {
    WRITE_FAILURE.store(code, Ordering::Relaxed);
}

/// The running command's exit code for a failed write.
pub(crate) fn write_failure() -> i32 {
    WRITE_FAILURE.load(Ordering::Relaxed)
}

/// Standard output, remembering the first failed write; later writes are skipped.
pub(crate) struct Out {
    error: Option<io::Error>,
    wrote: bool,
}

impl Out {
    /// Standard output of this process.
    pub(crate) fn new() -> Out {
        Out {
            error: None,
            wrote: false,
        }
    }

    /// Writes `text` as it is.
    pub(crate) fn put(&mut self, text: &str) {
        if self.error.is_some() || text.is_empty() {
            return;
        }
        self.wrote = true;
        if let Err(e) = io::stdout().lock().write_all(text.as_bytes()) {
            self.error = Some(e);
        }
    }

    /// Writes `text` and a line break.
    pub(crate) fn line(&mut self, text: &str) {
        self.put(text);
        self.put("\n");
    }

    /// Whether every write so far went through (a command that streams can stop early).
    pub(crate) fn ok(&self) -> bool {
        self.error.is_none()
    }

    /// Flushes and gives the exit code: `code` when everything was written, else
    /// [`BROKEN_PIPE`] (quietly) or `failed` after a `写入失败` message.
    pub(crate) fn finish(mut self, code: i32, failed: i32) -> i32 {
        if self.error.is_none() {
            if let Err(e) = io::stdout().lock().flush() {
                self.error = Some(e);
            }
        }
        if self.error.is_none() && self.wrote && stdout_was_closed() {
            self.error = Some(io::Error::other("已被关闭"));
        }
        match self.error {
            None => code,
            Some(e) => report(&e, failed),
        }
    }
}

/// The exit code for a failed write of standard output, with the message (none for a reader
/// that went away).
pub(crate) fn report(e: &io::Error, failed: i32) -> i32 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return BROKEN_PIPE;
    }
    let _ = writeln!(
        io::stderr(),
        "写入失败：标准输出：{}（输出不完整）\n提示：请检查磁盘空间，或把输出重定向到可写的文件，例如 > 结果.txt",
        describe(e)
    );
    failed
}

/// An I/O error in Chinese where the kind is a common one, with the system's own words.
pub(crate) fn describe(e: &io::Error) -> String {
    let what = match e.kind() {
        io::ErrorKind::StorageFull => "磁盘已满",
        io::ErrorKind::PermissionDenied => "没有权限",
        io::ErrorKind::NotFound => "找不到",
        io::ErrorKind::ReadOnlyFilesystem => "文件系统只读",
        io::ErrorKind::QuotaExceeded => "超出磁盘配额",
        io::ErrorKind::FileTooLarge => "文件过大",
        _ => return e.to_string(),
    };
    format!("{what}（{e}）")
}

/// Whether standard output was closed when the program started (`ruling eval x >&-`). The
/// Rust runtime then opens `/dev/null` in its place, read-write, so that writes would vanish
/// without an error; a user's own `> /dev/null` opens it write-only. Linux only (elsewhere
/// this says no).
pub(crate) fn stdout_was_closed() -> bool {
    let Ok(target) = std::fs::read_link("/proc/self/fd/1") else {
        return false;
    };
    if target != std::path::Path::new("/dev/null") {
        return false;
    }
    let Ok(info) = std::fs::read_to_string("/proc/self/fdinfo/1") else {
        return false;
    };
    info.lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
        // O_ACCMODE is 3, O_RDWR 2.
        .is_some_and(|flags| flags & 3 == 2)
}

/// `println!` to an [`Out`]: `outln!(out, "…", args)`.
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {
        $out.line(&format!($($arg)*))
    };
}
pub(crate) use outln;
