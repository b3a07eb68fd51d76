//! The one place where the language server calls into the rest of `ruling`: reading a rules
//! folder, parsing, checking, formatting and running the examples. Everything else in
//! [`crate::lsp`] works on what these functions give (syntax trees, diagnostics, a program),
//! so that a change in the library's interfaces is met here alone.

use crate::diag::Code;
use std::path::{Path, PathBuf};

// The library's types the server works with, named here only, so that a move of any of them
// changes this list and nothing else.
pub use crate::diag::{has_errors, Diagnostic, Severity};
pub use crate::rules::Rules;
pub use crate::ruleset::{MAX_RULE_FILES, MAX_RULE_FILE_BYTES};
pub use crate::source::{FileId, Sources, Span};
pub use crate::syntax::ast;
use ast::Module;

/// The `*.rule` files of a folder, in the order `ruling check` reads them (sorted by path);
/// at most [`MAX_RULE_FILES`].
pub fn rule_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| is_rule_file(p) && p.is_file())
        .collect();
    paths.sort();
    paths.truncate(MAX_RULE_FILES);
    paths
}

/// Whether a path names a rule file.
pub fn is_rule_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rule")
}

/// A rule file's text as `ruling check` reads it: at most [`MAX_RULE_FILE_BYTES`], invalid
/// UTF-8 replaced from its first bad byte on. Gives the text and, when it could not be read
/// whole, the problem (to be placed at the byte offset given).
pub fn read_rule_file(path: &Path) -> (String, Option<(usize, String)>) {
    let name = path.display();
    match crate::source::read_at_most(path, MAX_RULE_FILE_BYTES) {
        Ok(bytes) if bytes.len() as u64 > MAX_RULE_FILE_BYTES => (
            String::new(),
            Some((
                0,
                format!("规则文件“{name}”超过 4 MiB，未读取；请把它拆成几个文件"),
            )),
        ),
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let good = String::from_utf8_lossy(bytes.get(..valid).unwrap_or(&[])).into_owned();
                (
                    good,
                    Some((
                        valid,
                        format!(
                            "“{name}”不是有效的 UTF-8 文本，从这里起无法解码；请用 UTF-8 编码保存规则文件（不要用 GBK）"
                        ),
                    )),
                )
            }
        },
        Err(e) => (String::new(), Some((0, format!("无法读取“{name}”：{e}")))),
    }
}

/// A diagnostic of a file that could not be read whole.
pub fn unreadable(file: FileId, at: usize, message: String) -> Diagnostic {
    Diagnostic::error(Code::Io, Span::new(file, at, at), message)
        .with_help("改正后保存文件，语言服务器会重新读取")
}

/// Parses one file (its spans carry `file`). A buffer larger than `ruling check` reads is
/// refused as it would be there.
pub fn parse(file: FileId, text: &str) -> (Module, Vec<Diagnostic>) {
    if text.len() as u64 > MAX_RULE_FILE_BYTES {
        let d = Diagnostic::error(
            Code::TooLarge,
            Span::new(file, 0, 0),
            format!("规则文件超过 {} MiB", MAX_RULE_FILE_BYTES / 1024 / 1024),
        )
        .with_help("请把它拆成几个文件");
        return (Module::default(), vec![d]);
    }
    crate::syntax::parse_file(file, text)
}

/// Checks a folder's parsed files as `ruling check` does: when any file has a syntax error,
/// only the syntax errors (the checker needs every file); otherwise the checker's and the
/// examples' diagnostics and, when there is no error, the checked rule set.
pub fn check(
    sources: &Sources,
    modules: &[Module],
    parse_diags: Vec<Diagnostic>,
) -> (Option<Rules>, Vec<Diagnostic>) {
    let set = crate::ruleset::RuleSet {
        origin: "editor".into(),
        parts: vec!["editor".into()],
        dir: None,
        fingerprint: String::new(),
        sources: sources.clone(),
    };
    match Rules::from_modules(set, modules, parse_diags) {
        Ok(rules) => {
            let warnings = rules.warnings().to_vec();
            (Some(rules), warnings)
        }
        Err(rejected) => (None, rejected.diagnostics),
    }
}

/// The text of one rule file in the layout `ruling fmt` gives, or the reason it cannot be
/// formatted (diagnostics against file 0).
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    crate::format::format_source(text)
}

/// What became of one example.
#[derive(Debug, Clone)]
pub struct ExampleRun {
    /// Its name.
    pub name: String,
    /// Where it stands.
    pub span: Span,
    /// What went wrong: one line per conclusion that differs or computation error; empty
    /// when it passed.
    pub problems: Vec<String>,
}

/// Runs the examples of one file as `ruling test` does.
pub fn run_examples(rules: &Rules, file: FileId) -> Vec<ExampleRun> {
    let program = rules.program();
    let mut runs = Vec::new();
    for ex in rules.examples().iter().filter(|e| e.span.file == file) {
        let verdict = crate::testing::judge(rules, &ex.case);
        let outcome = &verdict.evaluated.outcome;
        let mut problems = Vec::new();
        for m in &verdict.mismatches {
            let name = program
                .conclusions
                .get(m.conclusion)
                .map_or("?", |d| d.name.as_str());
            let mut line = format!(
                "{name}：预期 {}，实际 {}",
                crate::report::shown(&m.expected),
                crate::report::shown(&m.actual)
            );
            if let Some(needs) = outcome.needs.get(m.conclusion).filter(|n| !n.is_empty()) {
                line.push_str(&format!("（尚需查明：{}）", program.fact_names(needs)));
            }
            problems.push(line);
        }
        for e in &outcome.errors {
            problems.push(format!("计算错误：{}", e.message));
        }
        runs.push(ExampleRun {
            name: ex.name.clone(),
            span: ex.span,
            problems,
        });
    }
    runs
}
