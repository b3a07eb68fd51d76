//! Choosing, reading and compiling a rule set (CONTRACT.md §1): `--rules DIR`, else `./rules`
//! when it exists, else the copy embedded at build time. Every output names the rule set and
//! its fingerprint, a hash of the files' names and contents.

use crate::check;
use crate::diag::{has_errors, Code, Diagnostic};
use crate::program::Program;
use crate::source::{Sources, Span};
use crate::syntax;
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
    /// Where it came from: the folder, or `embedded`.
    pub origin: String,
    /// The folder, when it came from one.
    pub dir: Option<PathBuf>,
    /// A hash of the files' names and contents.
    pub fingerprint: String,
    /// The files.
    pub sources: Sources,
}

/// The rule set a command uses: the folder given, else `./rules`, else the embedded copy.
pub fn locate(dir: Option<&Path>) -> Result<RuleSet, Vec<Diagnostic>> {
    match dir {
        Some(d) => read_dir(d),
        None if Path::new("rules").is_dir() => read_dir(Path::new("rules")),
        None => Ok(embedded()),
    }
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

fn finish(origin: String, dir: Option<PathBuf>, sources: Sources) -> RuleSet {
    let mut hash = Sha256::new();
    for f in &sources.files {
        let name = Path::new(&f.name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        hash.update(name.as_bytes());
        hash.update([0]);
        hash.update(f.text.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let fingerprint = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    RuleSet {
        origin,
        dir,
        fingerprint,
        sources,
    }
}

/// Reads every `*.rule` file of a folder, in name order.
pub fn read_dir(dir: &Path) -> Result<RuleSet, Vec<Diagnostic>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![Diagnostic::general(
            Code::Io,
            format!("无法读取规则目录“{}”：{e}", dir.display()),
        )
        .with_help("请用 --rules 指定存放 *.rule 文件的目录")]
    })?;
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rule") && p.is_file())
        .collect();
    paths.sort();
    read_files(dir.display().to_string(), Some(dir.to_path_buf()), &paths)
}

/// Reads the given rule files as one rule set.
pub fn read_files(
    origin: String,
    dir: Option<PathBuf>,
    paths: &[PathBuf],
) -> Result<RuleSet, Vec<Diagnostic>> {
    if paths.is_empty() {
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
    let mut sources = Sources::default();
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
        match crate::source::read_at_most(path, MAX_RULE_FILE_BYTES) {
            Ok(bytes) if bytes.len() as u64 > MAX_RULE_FILE_BYTES => diags.push(
                Diagnostic::general(Code::TooLarge, format!("规则文件“{name}”超过 4 MiB"))
                    .with_help("请把它拆成几个文件"),
            ),
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => {
                    sources.add(name, text);
                }
                Err(e) => {
                    let valid = e.utf8_error().valid_up_to();
                    let bytes = e.into_bytes();
                    let good =
                        String::from_utf8_lossy(bytes.get(..valid).unwrap_or(&[])).into_owned();
                    let id = sources.add(name.clone(), format!("{good}\u{FFFD}"));
                    diags.push(
                        Diagnostic::error(
                            Code::BadEncoding,
                            Span::new(id, valid, valid + 3),
                            format!("“{name}”不是有效的 UTF-8 文本"),
                        )
                        .with_label("从这里开始无法解码")
                        .with_help("请用 UTF-8 编码保存规则文件（不要用 GBK）"),
                    );
                }
            },
            Err(e) => diags.push(Diagnostic::general(
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

/// Parses and checks a rule set. Gives the program when there is no error, and every
/// diagnostic either way (to be rendered against `rules.sources`).
pub fn compile(rules: &RuleSet) -> (Option<Program>, Vec<Diagnostic>) {
    let mut modules = Vec::with_capacity(rules.sources.files.len());
    let mut diags = Vec::new();
    for (id, file) in rules.sources.files.iter().enumerate() {
        let (module, mut d) = syntax::parse_file(id, &file.text);
        diags.append(&mut d);
        modules.push(module);
    }
    if has_errors(&diags) {
        return (None, diags);
    }
    let (program, mut more) = check::check(rules.sources.clone(), &modules);
    diags.append(&mut more);
    (program, diags)
}
