//! `ruling fmt`: rewrite rule files in the one canonical layout, comments kept; `--check` only
//! names the files that would change.
//!
//! A file is written only when it changes, in place after a complete copy of the original
//! (see [`super::fmt_io`]), so that it keeps its mode, owner and hard links. On any error, and
//! for any file with a syntax error, the original is left as it was.
//!
//! Interruption: SIGINT, SIGTERM and SIGHUP do not end the program in the middle of a file;
//! the file being written is finished, its temporary copy removed, and the program ends with
//! exit code 130.

use super::fmt_io::{self, is_stale_copy, not_regular, read_only, Refusal};
use super::out::{outln, Out};
use super::{BAD_INPUT, OK, PROBLEMS};
use ruling::diag;
use ruling::format::format_source;
use ruling::rules::RulesSpec;
use ruling::source::Sources;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Exit code when `fmt` was interrupted by a signal (128 + SIGINT, as shells report it).
const INTERRUPTED: i32 = 130;

pub(super) const AFTER: &str = "示例：\n  ruling fmt                       格式化 ./rules 下的全部规则文件\n  ruling fmt --check               只检查，列出需要格式化的文件\n  ruling fmt --rules 我的规则/\n  ruling fmt rules/意见6-情节严重.rule\n\n\
有语法错误的文件只报告错误，不改动。只读文件、命名管道和设备不改动。改写前先把原文件完整复制到同目录的临时文件\n（.ruling-fmt-文件名-XXXXXX.tmp），再在原文件上就地改写（权限、所有者、硬链接不变），成功后删除副本；\n写入失败时写回原内容。中断（Ctrl-C）时先写完当前文件。上次被强行终止留下的副本只报告，不删除。\n\n退出码：0 成功，1 有文件需要格式化（--check）、有文件有错误、无法读写或写入失败，2 用法错误，130 被中断，141 读取输出的程序提前关闭";

/// `ruling fmt`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 只检查不改写；有文件需要格式化时退出码为 1
    #[arg(long)]
    check: bool,
    /// 规则文件或目录（默认：--rules 指定的目录或 ./rules）
    #[arg(value_name = "规则文件")]
    files: Vec<PathBuf>,
}

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    let (files, check) = (&args.files, args.check);
    let Targets {
        files,
        skipped,
        stale,
    } = match targets(spec.dir.as_deref(), files) {
        Ok(t) => t,
        Err(message) => {
            eprintln!("{message}");
            return BAD_INPUT;
        }
    };
    for copy in &stale {
        eprintln!(
            "警告：“{}”是以前一次 ruling fmt 被强行终止时留下的原文件副本，未格式化，也未删除\n提示：与同名规则文件比较，确认规则文件完整后可删除该副本",
            copy.display()
        );
    }
    // A signal ends the program between files, never in the middle of a rewrite.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        if let Err(e) = signal_hook::flag::register(signal, Arc::clone(&stop)) {
            eprintln!("提示：无法接管中断信号（{e}）；请勿在格式化过程中强行终止");
        }
    }
    let mut out = Out::new();
    let (mut changed, mut problems, mut unchanged) = (0usize, skipped.len(), 0usize);
    for refusal in &skipped {
        eprintln!("{refusal}");
    }
    for path in &files {
        if stop.load(Ordering::Relaxed) {
            eprintln!("已中断：其余文件未处理（已处理的文件完整，没有留下临时文件）。");
            return INTERRUPTED;
        }
        match format_one(path, check) {
            Ok(Done::Unchanged) => unchanged += 1,
            Ok(Done::WouldChange(line)) => {
                changed += 1;
                outln!(out, "需要格式化：{}（第 {line} 行起）", path.display());
            }
            Ok(Done::Rewritten) => {
                changed += 1;
                outln!(out, "已格式化：{}", path.display());
            }
            Err(refusal) => {
                problems += 1;
                eprintln!("{refusal}");
            }
        }
    }
    if check {
        outln!(
            out,
            "{changed} 个文件需要格式化，{unchanged} 个文件已是统一格式。"
        );
        if changed > 0 {
            out.line("运行 ruling fmt（不带 --check）即可改写；改写不改变规则的含义，注释保留。");
        }
    } else {
        outln!(
            out,
            "{changed} 个文件已格式化，{unchanged} 个文件原已是统一格式。"
        );
    }
    if problems > 0 {
        eprintln!("{problems} 个文件未能处理（见上）。");
    }
    let code = if problems > 0 || (check && changed > 0) {
        PROBLEMS
    } else {
        OK
    };
    let code = out.finish(code, PROBLEMS);
    if stop.load(Ordering::Relaxed) {
        INTERRUPTED
    } else {
        code
    }
}

/// What became of one file.
enum Done {
    Unchanged,
    /// `--check`: it would change from this line on.
    WouldChange(usize),
    Rewritten,
}

/// Formats one file (or, with `check`, only compares).
fn format_one(path: &Path, check: bool) -> Result<Done, Refusal> {
    let (text, readonly) = fmt_io::read(path)?;
    let formatted = match format_source(&text) {
        Ok(f) => f,
        Err(diags) => {
            let mut sources = Sources::default();
            sources.add(path.display().to_string(), text.as_str());
            return Err(format!(
                "{}{}：有错误，未格式化（文件未改动）。",
                diag::render(&diags, &sources),
                path.display()
            ));
        }
    };
    if formatted == text {
        Ok(Done::Unchanged)
    } else if check {
        Ok(Done::WouldChange(first_difference(&text, &formatted)))
    } else if readonly {
        Err(read_only(path))
    } else {
        fmt_io::rewrite(path, &text, &formatted).map(|()| Done::Rewritten)
    }
}

/// The files to format, the entries refused at once (not regular files) and stale copies.
struct Targets {
    files: Vec<PathBuf>,
    skipped: Vec<Refusal>,
    stale: Vec<PathBuf>,
}

/// The files to format: those named (a folder stands for its `*.rule` files), else every
/// `*.rule` of `--rules DIR` or `./rules`.
fn targets(dir: Option<&Path>, files: &[PathBuf]) -> Result<Targets, String> {
    if dir.is_some() && !files.is_empty() {
        return Err("错误：--rules 与规则文件不能同时指定\n提示：格式化整个目录用 ruling fmt --rules 目录；格式化单个文件用 ruling fmt 文件.rule".into());
    }
    let roots: Vec<PathBuf> = if !files.is_empty() {
        files.to_vec()
    } else if let Some(d) = dir {
        vec![d.to_path_buf()]
    } else if Path::new("rules").is_dir() {
        vec![PathBuf::from("rules")]
    } else {
        return Err("错误：当前目录下没有 rules/，也未指定要格式化的文件\n提示：用 ruling fmt --rules 目录，或 ruling fmt 文件.rule".into());
    };
    let mut t = Targets {
        files: Vec::new(),
        skipped: Vec::new(),
        stale: Vec::new(),
    };
    for root in roots {
        if root.is_dir() {
            let mut found = Vec::new();
            let entries = std::fs::read_dir(&root)
                .map_err(|e| format!("错误：无法读取目录“{}”：{e}", root.display()))?;
            for path in entries.flatten().map(|e| e.path()) {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default();
                if is_stale_copy(&name) {
                    t.stale.push(path);
                } else if path.extension().is_some_and(|e| e == "rule") {
                    found.push(path);
                }
            }
            if found.is_empty() {
                return Err(format!(
                    "错误：“{}”中没有 .rule 文件\n提示：规则文件的扩展名须是 .rule",
                    root.display()
                ));
            }
            found.sort();
            t.stale.sort();
            for path in found {
                if path.is_file() {
                    t.files.push(path);
                } else {
                    t.skipped.push(not_regular(&path));
                }
            }
        } else if root.is_file() {
            t.files.push(root);
        } else if std::fs::symlink_metadata(&root).is_ok() {
            t.skipped.push(not_regular(&root));
        } else {
            return Err(format!(
                "错误：找不到“{}”\n提示：请检查路径",
                root.display()
            ));
        }
    }
    Ok(t)
}

/// The 1-based number of the first line that differs.
fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}
