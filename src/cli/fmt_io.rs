//! How `ruling fmt` reads and rewrites a rule file without harming it.
//!
//! - Only regular files are read ("不是普通文件" for a FIFO, a device, a folder), under the
//!   size limit of `ruling check`, judged before reading.
//! - A read-only file is refused, whoever runs the command (root included): the mode says the
//!   owner does not want it changed.
//! - The file is rewritten **in place**, after a complete copy of its original text has been
//!   written and synced to a temporary file beside it (`.ruling-fmt-<name>-XXXXXX.tmp`). In
//!   place, so that the file keeps its inode: its mode, owner and group, and every hard link
//!   to it. If the rewrite fails, the original text is written back; only if that fails too,
//!   the copy is kept and named. On success the copy is removed.
//! - A copy left behind by a run that was killed (power loss, `kill -9`) is never formatted
//!   or removed, only reported, so that the user can compare it with the file.

use super::out::describe;
use ruling::ruleset::MAX_RULE_FILE_BYTES;
use std::fs::File;
use std::io::{self, Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

/// The name every temporary copy of `fmt` begins with.
pub(super) const TEMP_PREFIX: &str = ".ruling-fmt-";
/// The name every temporary copy of `fmt` ends with.
pub(super) const TEMP_SUFFIX: &str = ".tmp";

/// Why a file was not formatted: one Chinese sentence naming the file and the fix.
pub(super) type Refusal = String;

/// Whether a folder entry is a copy left behind by an interrupted `fmt`.
pub(super) fn is_stale_copy(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// What an entry that is not a regular file is, in words.
pub(super) fn kind_of(path: &Path) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        match std::fs::metadata(path).map(|m| m.file_type()) {
            Ok(t) if t.is_fifo() => return "命名管道",
            Ok(t) if t.is_char_device() || t.is_block_device() => return "设备",
            Ok(t) if t.is_socket() => return "套接字",
            Ok(t) if t.is_dir() => return "目录",
            Err(_) if std::fs::symlink_metadata(path).is_ok() => return "指向不存在文件的链接",
            _ => {}
        }
    }
    if path.is_dir() {
        "目录"
    } else {
        "特殊文件"
    }
}

/// The message for an entry that is not a regular file.
pub(super) fn not_regular(path: &Path) -> Refusal {
    format!(
        "“{}”不是普通文件（{}），未格式化\n提示：规则文件须是普通文本文件",
        path.display(),
        kind_of(path)
    )
}

/// Reads a rule file for formatting: a regular file, at most the size `check` accepts, UTF-8.
/// Also says whether the file is read-only.
pub(super) fn read(path: &Path) -> Result<(String, bool), Refusal> {
    let shown = path.display();
    let mut file = File::open(path).map_err(|e| {
        format!(
            "读取失败：“{shown}”：{}\n提示：请检查文件路径和权限",
            describe(&e)
        )
    })?;
    let meta = file
        .metadata()
        .map_err(|e| format!("读取失败：“{shown}”：{}", describe(&e)))?;
    if !meta.is_file() {
        return Err(not_regular(path));
    }
    let too_large = || {
        format!(
            "规则文件“{shown}”超过 {} MiB，未格式化\n提示：请把它拆成几个文件（ruling check 也不接受这么大的文件）",
            MAX_RULE_FILE_BYTES / 1024 / 1024
        )
    };
    if meta.len() > MAX_RULE_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAX_RULE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("读取失败：“{shown}”：{}", describe(&e)))?;
    if bytes.len() as u64 > MAX_RULE_FILE_BYTES {
        return Err(too_large());
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        format!("“{shown}”不是有效的 UTF-8 文本，未格式化\n提示：请用 UTF-8 编码保存规则文件（不要用 GBK）")
    })?;
    Ok((text, meta.permissions().readonly()))
}

/// The message for a read-only file that would change.
pub(super) fn read_only(path: &Path) -> Refusal {
    format!(
        "“{}”是只读文件，未格式化（文件未改动）\n提示：如确要改写，先去掉只读属性（chmod u+w），或用 ruling fmt --check 只检查",
        path.display()
    )
}

/// Rewrites `path` from `original` to `formatted` in place, after a synced copy of the
/// original beside it; see the module's documentation.
pub(super) fn rewrite(path: &Path, original: &str, formatted: &str) -> Result<(), Refusal> {
    let shown = path.display();
    let real = std::fs::canonicalize(path)
        .map_err(|e| format!("写入失败：“{shown}”：{}（文件未改动）", describe(&e)))?;
    let folder = real.parent().unwrap_or(Path::new("."));
    let name = real
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let copy_failed = |e: io::Error| {
        format!(
            "写入失败：无法在“{}”中保存原文件的临时副本：{}（文件未改动）\n提示：请检查磁盘空间和目录是否可写",
            folder.display(),
            describe(&e)
        )
    };
    let mut copy = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{name}-"))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(folder)
        .map_err(copy_failed)?;
    copy.write_all(original.as_bytes())
        .and_then(|()| copy.as_file().sync_all())
        .map_err(copy_failed)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(&real)
        .map_err(|e| format!("写入失败：“{shown}”：{}（文件未改动）", describe(&e)))?;
    match overwrite(&mut file, formatted) {
        Ok(()) => Ok(()),
        Err(e) => match overwrite(&mut file, original) {
            Ok(()) => Err(format!(
                "写入失败：“{shown}”：{}（已恢复原内容，文件未改动）\n提示：请检查磁盘空间",
                describe(&e)
            )),
            Err(_) => {
                let kept = copy
                    .keep()
                    .map(|(_, p)| p)
                    .unwrap_or_else(|e| PathBuf::from(e.file.path()));
                Err(format!(
                    "写入失败：“{shown}”：{}；原内容未能写回，完整保存在“{}”\n提示：请用该副本恢复原文件",
                    describe(&e),
                    kept.display()
                ))
            }
        },
    }
}

/// The whole file becomes `text`, synced.
fn overwrite(file: &mut File, text: &str) -> io::Result<()> {
    file.seek(SeekFrom::Start(0))?;
    file.write_all(text.as_bytes())?;
    file.set_len(text.len() as u64)?;
    file.sync_all()
}
