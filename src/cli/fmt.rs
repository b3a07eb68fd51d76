//! `ruling fmt`: rewrite rule files in the one canonical layout, comments kept; `--check` only
//! names the files that would change.
//!
//! A file is written only when it changes, and then atomically: the new text goes to a
//! temporary file in the same folder, which replaces the original in one rename. On any error,
//! and for any file with a syntax error, the original is left as it was.

use super::{BAD_INPUT, OK, PROBLEMS};
use ruling::diag::{self, Code, Diagnostic};
use ruling::format::format_source;
use ruling::rules::RulesSpec;
use ruling::ruleset::MAX_RULE_FILE_BYTES;
use ruling::source::{read_text, ReadFailure, Sources};
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub(super) const AFTER: &str = "示例：\n  ruling fmt                       格式化 ./rules 下的全部规则文件\n  ruling fmt --check               只检查，列出需要格式化的文件\n  ruling fmt --rules 我的规则/\n  ruling fmt rules/意见6-情节严重.rule\n\n\
有语法错误的文件只报告错误，不改动。写入时先写临时文件再整体替换，出错时原文件不变。\n\n退出码：0 成功，1 有文件需要格式化（--check）或有文件有错误，2 用法错误";

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
    let targets = match targets(spec.dir.as_deref(), files) {
        Ok(t) => t,
        Err(message) => {
            eprintln!("{message}");
            return BAD_INPUT;
        }
    };
    let mut changed = 0usize;
    let mut problems = 0usize;
    let mut unchanged = 0usize;
    for path in &targets {
        let text = match read(path) {
            Ok(t) => t,
            Err(d) => {
                problems += 1;
                super::print_plain(&[d]);
                continue;
            }
        };
        let formatted = match format_source(&text) {
            Ok(f) => f,
            Err(diags) => {
                problems += 1;
                let mut sources = Sources::default();
                sources.add(path.display().to_string(), text.as_str());
                eprint!("{}", diag::render(&diags, &sources));
                eprintln!("{}：有错误，未格式化（文件未改动）。", path.display());
                continue;
            }
        };
        if formatted == text {
            unchanged += 1;
            continue;
        }
        changed += 1;
        if check {
            println!(
                "需要格式化：{}（第 {} 行起）",
                path.display(),
                first_difference(&text, &formatted)
            );
            continue;
        }
        match write_atomically(path, &formatted) {
            Ok(()) => println!("已格式化：{}", path.display()),
            Err(e) => {
                problems += 1;
                super::print_plain(&[Diagnostic::general(
                    Code::Io,
                    format!("无法写入“{}”：{e}（文件未改动）", path.display()),
                )
                .with_help("请检查文件和所在目录是否可写")]);
            }
        }
    }
    if check {
        println!("{changed} 个文件需要格式化，{unchanged} 个文件已是统一格式。");
        if changed > 0 {
            println!("运行 ruling fmt（不带 --check）即可改写；改写不改变规则的含义，注释保留。");
        }
    } else {
        println!("{changed} 个文件已格式化，{unchanged} 个文件原已是统一格式。");
    }
    if problems > 0 || (check && changed > 0) {
        PROBLEMS
    } else {
        OK
    }
}

/// The files to format: those named (a folder stands for its `*.rule` files), else every
/// `*.rule` of `--rules DIR` or `./rules`.
fn targets(dir: Option<&Path>, files: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
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
    let mut out = Vec::new();
    for root in roots {
        if root.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(&root)
                .map_err(|e| format!("错误：无法读取目录“{}”：{e}", root.display()))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "rule"))
                .collect();
            if found.is_empty() {
                return Err(format!(
                    "错误：“{}”中没有 .rule 文件\n提示：规则文件的扩展名须是 .rule",
                    root.display()
                ));
            }
            found.sort();
            out.extend(found);
        } else if root.is_file() {
            out.push(root);
        } else {
            return Err(format!(
                "错误：找不到“{}”\n提示：请检查路径",
                root.display()
            ));
        }
    }
    Ok(out)
}

/// Reads a rule file under the same limit as `ruling check`.
fn read(path: &Path) -> Result<String, Diagnostic> {
    let shown = path.display();
    read_text(path, MAX_RULE_FILE_BYTES).map_err(|failure| match failure {
        ReadFailure::Io(e) => Diagnostic::general(Code::Io, format!("无法读取“{shown}”：{e}"))
            .with_help("请检查文件路径"),
        ReadFailure::TooLarge => Diagnostic::general(
            Code::TooLarge,
            format!("规则文件“{shown}”超过 4 MiB，未格式化"),
        )
        .with_help("请把它拆成几个文件"),
        ReadFailure::NotUtf8 { .. } => Diagnostic::general(
            Code::BadEncoding,
            format!("“{shown}”不是有效的 UTF-8 文本，未格式化"),
        )
        .with_help("请用 UTF-8 编码保存规则文件（不要用 GBK）"),
    })
}

/// The 1-based number of the first line that differs.
fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}

/// Replaces a file's content in one rename, keeping its permissions; the original stays as it
/// was if anything fails.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let real = std::fs::canonicalize(path)?;
    let folder = real.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".ruling-fmt-")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    let permissions = std::fs::metadata(&real)?.permissions();
    tmp.as_file().set_permissions(permissions)?;
    tmp.persist(&real).map_err(|e| e.error)?;
    Ok(())
}
