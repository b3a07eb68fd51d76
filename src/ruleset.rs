//! Choosing and reading a rule set's files: `--rules DIR`, else `./rules` when it exists, else
//! the copy built into the binary; then any overlay folders (`--amend DIR`), whose files replace
//! the base file of the same name or are added to the set. Every output names the rule set's
//! parts and its fingerprint, a hash of the merged files' names and contents (line endings
//! and a byte-order mark aside: [`meaning_bearing`]).

use crate::diag::{has_errors, Code, Diagnostic};
use crate::source::{read_text, ReadFailure, Sources, Span};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The largest rule file read, in bytes.
pub const MAX_RULE_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The most rule files in one rule set.
pub const MAX_RULE_FILES: usize = 1000;
/// The largest rule set read, all files together, in bytes.
pub const MAX_RULE_SET_BYTES: u64 = 16 * 1024 * 1024;

/// A rule set's files, read but not yet parsed.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Where it came from: the folder, or `embedded`; with overlays, the parts joined by ` + `.
    pub origin: String,
    /// The parts: the base, then each overlay folder.
    pub parts: Vec<String>,
    /// The folder, when it came from one.
    pub dir: Option<PathBuf>,
    /// A hash of the files' names and contents ([`meaning_bearing`]): the first 16 hex
    /// digits of a SHA-256.
    pub fingerprint: String,
    /// The files.
    pub sources: Sources,
}

/// The rule set a command uses: the folder given, else `./rules`, else the embedded copy;
/// then the overlays, in order.
pub fn locate(dir: Option<&Path>, overlays: &[PathBuf]) -> Result<RuleSet, Vec<Diagnostic>> {
    let base = match dir {
        Some(d) => Some(d),
        None if Path::new("rules").is_dir() => Some(Path::new("rules")),
        None => None,
    };
    if overlays.is_empty() {
        return match base {
            Some(d) => read_dir(d),
            None => Ok(embedded()),
        };
    }
    // The merged set, keyed by file name: an overlay's file replaces the base file of that name.
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let mut parts = Vec::new();
    let mut embedded_base = Vec::new();
    match base {
        Some(d) => {
            parts.push(d.display().to_string());
            for p in rule_paths(d)? {
                files.push((file_name(&p), p));
            }
        }
        None => {
            parts.push("embedded".to_string());
            embedded_base = EMBEDDED_RULES
                .iter()
                .map(|(n, t)| (n.to_string(), *t))
                .collect();
        }
    }
    for overlay in overlays {
        parts.push(overlay.display().to_string());
        for p in rule_paths(overlay)? {
            let name = file_name(&p);
            files.retain(|(n, _)| *n != name);
            embedded_base.retain(|(n, _)| *n != name);
            files.push((name, p));
        }
    }
    let origin = parts.join(" + ");
    let mut sources = Sources::default();
    let mut all: Vec<(String, Option<PathBuf>, Option<&str>)> = files
        .into_iter()
        .map(|(n, p)| (n, Some(p), None))
        .chain(embedded_base.into_iter().map(|(n, t)| (n, None, Some(t))))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    let mut paths = Vec::new();
    for (name, path, text) in &all {
        match (path, text) {
            (Some(p), _) => paths.push(p.clone()),
            (None, Some(t)) => {
                sources.add(format!("rules/{name}"), *t);
            }
            _ => {}
        }
    }
    let mut set = read_files(origin, base.map(Path::to_path_buf), &paths, sources)?;
    set.parts = parts;
    Ok(set)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A rule set from texts held in memory (tests, tools): (file name, text) pairs.
pub fn from_texts(origin: &str, files: &[(&str, &str)]) -> RuleSet {
    let mut sources = Sources::default();
    for (name, text) in files {
        sources.add(*name, *text);
    }
    finish(origin.into(), None, sources)
}

/// The copy of the shipped rules built into the binary.
pub fn embedded() -> RuleSet {
    let mut sources = Sources::default();
    for (name, text) in EMBEDDED_RULES {
        sources.add(format!("rules/{name}"), *text);
    }
    finish("embedded".into(), None, sources)
}

fn finish(origin: String, dir: Option<PathBuf>, mut sources: Sources) -> RuleSet {
    // Files in name order, whichever part they came from, so the fingerprint is the merged
    // set's.
    sources
        .files
        .sort_by(|a, b| file_name(Path::new(&a.name)).cmp(&file_name(Path::new(&b.name))));
    let mut hash = Sha256::new();
    for f in &sources.files {
        let name = Path::new(&f.name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        hash.update(name.as_bytes());
        hash.update([0]);
        hash.update(meaning_bearing(&f.text).as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let fingerprint = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    RuleSet {
        parts: vec![origin.clone()],
        origin,
        dir,
        fingerprint,
        sources,
    }
}

/// A rule file's text as the fingerprint reads it: without a leading byte-order mark and with
/// every `CRLF` line ending written `LF`. Neither changes what the rules say, and editors and
/// version control (a Windows checkout) add or remove them freely; so the same rules have the
/// same fingerprint on every system. Anything else — a space, a comment, a name — counts.
pub fn meaning_bearing(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.contains("\r\n") {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Reads every `*.rule` file of a folder, in name order.
pub fn read_dir(dir: &Path) -> Result<RuleSet, Vec<Diagnostic>> {
    let paths = rule_paths(dir)?;
    read_files(
        dir.display().to_string(),
        Some(dir.to_path_buf()),
        &paths,
        Sources::default(),
    )
}

/// The `*.rule` files of a folder, in name order. An entry named `*.rule` that is not a
/// readable regular file (a dangling link, a FIFO, a device, a folder) is an error naming it:
/// leaving it out would silently change the rule set and so the answers.
fn rule_paths(dir: &Path) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![Diagnostic::general(
            Code::Io,
            format!("无法读取规则目录“{}”：{e}", dir.display()),
        )
        .with_help("请用 --rules 指定存放 *.rule 文件的目录")]
    })?;
    let mut paths = Vec::new();
    let mut diags = Vec::new();
    for entry in entries {
        let path = match entry {
            Ok(e) => e.path(),
            Err(e) => {
                diags.push(Diagnostic::general(
                    Code::Io,
                    format!("无法读取规则目录“{}”中的一项：{e}", dir.display()),
                ));
                continue;
            }
        };
        if path.extension().is_none_or(|e| e != "rule") {
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => paths.push(path),
            Ok(m) => diags.push(
                Diagnostic::general(
                    Code::Io,
                    format!(
                        "“{}”不是普通文件（{}），规则集不能缺少它",
                        path.display(),
                        kind_of(&m)
                    ),
                )
                .with_help("规则文件须是普通文本文件；如它不是规则文件，请改名或移出规则目录"),
            ),
            Err(e) if std::fs::symlink_metadata(&path).is_ok() => diags.push(
                Diagnostic::general(
                    Code::Io,
                    format!(
                        "“{}”是指向不存在文件的链接（{e}），规则集不能缺少它",
                        path.display()
                    ),
                )
                .with_help("请修复或删除这个链接"),
            ),
            Err(e) => diags.push(Diagnostic::general(
                Code::Io,
                format!("无法读取“{}”：{e}", path.display()),
            )),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    paths.sort();
    Ok(paths)
}

/// What a folder entry that is not a regular file is, in words.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let t = meta.file_type();
        if t.is_fifo() {
            return "命名管道";
        }
        if t.is_char_device() || t.is_block_device() {
            return "设备";
        }
        if t.is_socket() {
            return "套接字";
        }
    }
    if meta.is_dir() {
        "目录"
    } else {
        "特殊文件"
    }
}

/// Warnings for files in the rule folders that look meant as rule files but are not read:
/// `意见6.rule.txt` (saved by Notepad), `意见6.RULE`, `意见6.rules`, each with the fix.
/// `ruling check` shows them.
pub fn near_misses(dirs: &[&Path]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let lower = name.to_lowercase();
            let fixed = if let Some(stem) = lower
                .strip_suffix(".txt")
                .filter(|s| s.ends_with(".rule"))
                .and_then(|_| name.get(..name.len() - 4))
            {
                stem.to_string()
            } else if (lower.ends_with(".rule") && !name.ends_with(".rule"))
                || lower.ends_with(".rules")
                || lower.ends_with(".rul")
            {
                let dot = name.rfind('.').unwrap_or(name.len());
                format!("{}.rule", name.get(..dot).unwrap_or(""))
            } else {
                continue;
            };
            let path = dir.join(&name);
            out.push(
                Diagnostic::general(
                    Code::Io,
                    format!(
                        "“{}”不是 .rule 文件，未读入规则集",
                        path.display()
                    ),
                )
                .with_help(format!(
                    "如它是规则文件，请改名为“{fixed}”（扩展名须正好是 .rule；记事本保存时请把“保存类型”选为“所有文件”）"
                ))
                .as_warning(),
            );
        }
    }
    out
}

/// Reads the given rule files as one rule set, beside any files already in `sources`.
pub fn read_files(
    origin: String,
    dir: Option<PathBuf>,
    paths: &[PathBuf],
    mut sources: Sources,
) -> Result<RuleSet, Vec<Diagnostic>> {
    if paths.is_empty() && sources.files.is_empty() {
        return Err(vec![Diagnostic::general(
            Code::Io,
            format!("“{origin}”中没有 .rule 文件"),
        )
        .with_help("规则文件的扩展名须是 .rule")]);
    }
    if paths.len() > MAX_RULE_FILES {
        return Err(vec![Diagnostic::general(
            Code::TooLarge,
            format!("规则文件超过 {MAX_RULE_FILES} 个"),
        )
        .with_help("请检查 --rules 是否指向了正确的目录")]);
    }
    let total: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    if total > MAX_RULE_SET_BYTES {
        return Err(vec![Diagnostic::general(
            Code::TooLarge,
            format!(
                "“{origin}”中的规则文件合计超过 {} MiB",
                MAX_RULE_SET_BYTES / 1024 / 1024
            ),
        )
        .with_help("请检查 --rules 是否指向了正确的目录")]);
    }
    let mut diags = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_RULE_FILE_BYTES => {
                diags.push(
                    Diagnostic::general(Code::TooLarge, format!("规则文件“{name}”超过 4 MiB"))
                        .with_help("请把它拆成几个文件"),
                );
                continue;
            }
            Err(e) => {
                diags.push(Diagnostic::general(
                    Code::Io,
                    format!("无法读取“{name}”：{e}"),
                ));
                continue;
            }
            _ => {}
        }
        match read_text(path, MAX_RULE_FILE_BYTES) {
            Ok(text) => {
                sources.add(name, text);
            }
            Err(ReadFailure::TooLarge) => diags.push(
                Diagnostic::general(Code::TooLarge, format!("规则文件“{name}”超过 4 MiB"))
                    .with_help("请把它拆成几个文件"),
            ),
            Err(ReadFailure::NotUtf8 { valid }) => {
                let at = valid.len();
                let id = sources.add(name.clone(), format!("{valid}\u{FFFD}"));
                diags.push(
                    Diagnostic::error(
                        Code::BadEncoding,
                        Span::new(id, at, at + 3),
                        format!("“{name}”不是有效的 UTF-8 文本"),
                    )
                    .with_label("从这里开始无法解码")
                    .with_help("请用 UTF-8 编码保存规则文件（不要用 GBK）"),
                );
            }
            Err(ReadFailure::Io(e)) => diags.push(Diagnostic::general(
                Code::Io,
                format!("无法读取“{name}”：{e}"),
            )),
        }
    }
    if has_errors(&diags) {
        // Keep the encoding errors located: hand the sources over in the diagnostics' frame.
        return Err(with_sources(diags, sources));
    }
    Ok(finish(origin, dir, sources))
}

/// Diagnostics that refer to files not yet part of a rule set carry their own sources.
fn with_sources(diags: Vec<Diagnostic>, sources: Sources) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for mut d in diags {
        if let Some(span) = d.span {
            let (line, col) = sources.line_col(span.file, span.start);
            let file = sources
                .get(span.file)
                .map_or(String::new(), |f| f.name.clone());
            d.message = format!("{file}:{line}:{col}: {}", d.message);
            d.span = None;
        }
        out.push(d);
    }
    out
}
