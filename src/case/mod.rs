//! Case files (JSON, one JSONL line, or TOML) → typed facts, checked against the fact
//! declarations of the rule set (the rule files are the schema: a fact added to a rule file is
//! accepted here without recompiling).
//!
//! - [`json`]: JSON read straight into the fact slots, without an intermediate tree; the batch
//!   engine reads every line with it.
//! - [`toml_file`]: TOML, through the `toml` crate's spanned document (numbers from their token
//!   text), into [`Raw`] values typed by [`raw`].
//! - [`raw`]: the typing of one value against its declared type, shared by both formats and by
//!   the examples written inside rule files; its scalars go through the one literal reader
//!   ([`crate::syntax::literal`]).
//! - [`dates`]: dates that contradict each other.
//!
//! Both formats are strict in the same way: a key written twice is an error naming both places,
//! an empty file is an error, a UTF-8 byte-order mark is skipped, and every error carries the
//! place (line, column) of the text it concerns.

pub use crate::source::{shorten, SHOWN_CHARS};

pub mod dates;
pub mod json;
pub mod raw;
pub mod toml_file;

pub use raw::{case_error, expected_value, typed, Raw};

use crate::diag::{did_you_mean, render, Code, Diagnostic};
use crate::program::value::{Record, Value};
use crate::program::{FactId, Program, Type};
use crate::source::{read_text, FileId, ReadFailure, Sources, Span};
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::Arc;

/// The largest case file read, in bytes.
pub const MAX_CASE_BYTES: usize = 16 * 1024 * 1024;
/// The longest list of records in one fact.
pub const MAX_LIST_LEN: usize = 100_000;
/// The problems reported for one case; past this many, they are only counted.
pub const MAX_ERRORS: usize = 20;

/// Keys that are not facts.
pub const RESERVED_KEYS: [&str; 4] = ["案件", "说明", "预期", "封闭世界"];

/// One case, typed.
#[derive(Debug, Clone, Default)]
pub struct Case {
    /// `案件`: the identifier, echoed in outputs.
    pub id: Option<String>,
    /// `说明`
    pub note: Option<String>,
    /// Fact values by fact index; absent facts are [`Value::Unknown`].
    pub facts: Vec<Value>,
    /// `封闭世界 = true`: `ruling test` evaluates it closed-world.
    pub closed_world: bool,
    /// `预期`: expected conclusion values, in the form the JSON report gives them.
    pub expect: Vec<(usize, serde_json::Value)>,
}

/// The two forms of a case file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseFormat {
    /// A JSON object (also one line of a JSONL file).
    Json,
    /// A TOML table.
    Toml,
}

impl CaseFormat {
    /// The form a file's extension names (`.json`, `.toml`, any case).
    pub fn of_path(path: &Path) -> Option<CaseFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "toml" => Some(CaseFormat::Toml),
            "json" => Some(CaseFormat::Json),
            _ => None,
        }
    }
}

/// The problems of a case file, with the file itself so that they can be drawn with the
/// offending text underlined.
#[derive(Debug, Clone)]
pub struct CaseErrors {
    /// The case file (file 0), when it could be read.
    pub sources: Sources,
    /// The problems; their spans point into `sources`.
    pub diagnostics: Vec<Diagnostic>,
}

impl CaseErrors {
    /// Drawn as the rule files' diagnostics are: `文件:行:列`, the underlined text, the help.
    pub fn render(&self) -> String {
        render(&self.diagnostics, &self.sources)
    }

    /// The problems with their place (`文件:行:列：`) written into the message, for lists
    /// that do not draw the source.
    pub fn placed(self) -> Vec<Diagnostic> {
        let sources = self.sources;
        self.diagnostics
            .into_iter()
            .map(|mut d| {
                if let Some(s) = d.span.take() {
                    if let Some(f) = sources.get(s.file) {
                        let (line, col) = sources.line_col(s.file, s.start);
                        d.message = format!("{}:{line}:{col}：{}", f.name, d.message);
                    }
                }
                d
            })
            .collect()
    }

    /// Each problem as one line of text, `文件:行:列：说明（提示）`, for lists of results.
    pub fn lines(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .map(|d| {
                let place = d
                    .span
                    .and_then(|s| {
                        let f = self.sources.get(s.file)?;
                        let (line, col) = self.sources.line_col(s.file, s.start);
                        Some(format!("{}:{line}:{col}：", f.name))
                    })
                    .unwrap_or_default();
                match &d.help {
                    Some(h) => format!("{place}{}（{h}）", d.message),
                    None => format!("{place}{}", d.message),
                }
            })
            .collect()
    }
}

fn general(code: Code, message: String, help: &str) -> CaseErrors {
    CaseErrors {
        sources: Sources::default(),
        diagnostics: vec![Diagnostic::general(code, message).with_help(help)],
    }
}

/// Reads a case file (`.json` or `.toml`) against the program's facts. The problems come with
/// the file, to be drawn with their place underlined.
pub fn read_file(program: &Program, path: &Path) -> Result<Case, CaseErrors> {
    let name = path.display();
    let Some(format) = CaseFormat::of_path(path) else {
        return Err(general(
            Code::Io,
            format!("{name}：无法判断文件格式"),
            "案件文件的扩展名须是 .toml 或 .json",
        ));
    };
    let text = match read_text(path, MAX_CASE_BYTES as u64) {
        Ok(t) => t,
        Err(ReadFailure::TooLarge) => {
            return Err(general(
                Code::TooLarge,
                format!("{name}：案件文件超过 {} MiB", MAX_CASE_BYTES / 1024 / 1024),
                "请把案件拆成多个文件，或用 ruling batch 逐行处理",
            ))
        }
        Err(ReadFailure::NotUtf8 { valid }) => {
            return Err(general(
                Code::BadEncoding,
                format!(
                    "{name}：不是有效的 UTF-8 文本（第 {} 个字节起）",
                    valid.len()
                ),
                "请用 UTF-8 编码保存案件文件",
            ))
        }
        Err(ReadFailure::Io(e)) => {
            return Err(general(
                Code::Io,
                format!("{name}：无法读取（{e}）"),
                "请检查文件路径",
            ))
        }
    };
    let mut sources = Sources::default();
    let file = sources.add(name.to_string(), text.as_str());
    parse_located(program, &text, format, file).map_err(|diagnostics| CaseErrors {
        sources,
        diagnostics,
    })
}

/// Reads a case from text. The messages say the line and column in words; the diagnostics
/// carry no span, since the text is not one of the rule set's sources.
pub fn parse_case(
    program: &Program,
    text: &str,
    format: CaseFormat,
) -> Result<Case, Vec<Diagnostic>> {
    parse_located(program, text, format, 0).map_err(|diags| {
        let mut sources = Sources::default();
        sources.add("", text);
        diags
            .into_iter()
            .map(|mut d| {
                if let Some(span) = d.span.take() {
                    let (line, col) = sources.line_col(0, span.start);
                    d.message = format!("第 {line} 行第 {col} 列：{}", d.message);
                }
                d
            })
            .collect()
    })
}

/// Reads a case from text; the diagnostics' spans point into `text` as file `file`.
pub fn parse_located(
    program: &Program,
    text: &str,
    format: CaseFormat,
    file: FileId,
) -> Result<Case, Vec<Diagnostic>> {
    if text.len() > MAX_CASE_BYTES {
        return Err(vec![Diagnostic::general(
            Code::TooLarge,
            format!("案件文件超过 {} MiB", MAX_CASE_BYTES / 1024 / 1024),
        )
        .with_help("请把案件拆成多个文件，或用 ruling batch 逐行处理")]);
    }
    let mut case = Case::default();
    match format {
        CaseFormat::Json => {
            json::JsonReader::new(program, file).read(text.as_bytes(), &mut case)?;
        }
        CaseFormat::Toml => toml_file::read(program, text, file, &mut case)?,
    }
    Ok(case)
}

/// The case file is empty (or only white space and a byte-order mark).
pub(crate) fn empty_file(file: FileId, at: usize) -> Diagnostic {
    Diagnostic::error(Code::Syntax, Span::new(file, at, at), "案件文件是空的")
        .with_label("这里")
        .with_help("请至少写明一项事实，例如 {\"行为日期\": \"2025-09-01\"}；TOML 写作 \"行为日期\" = 2025-09-01")
}

/// The message for a key that is neither a fact nor a reserved key.
pub(crate) fn unknown_key(program: &Program, key: &str) -> Diagnostic {
    let names = program
        .facts
        .iter()
        .map(|f| f.name.as_str())
        .chain(RESERVED_KEYS);
    // The edit distance of a very long key to every name would take long, and no name is long.
    let near = if key.chars().count() <= 2 * SHOWN_CHARS {
        did_you_mean(key, names)
    } else {
        None
    };
    let help = match near {
        Some(s) => format!("是否应为“{s}”？"),
        None => "案件文件的键名须是规则文件中声明的事实名称（见 ruling facts），或 案件、说明、预期、封闭世界".to_string(),
    };
    Diagnostic::general(Code::CaseKey, format!("未知的键“{}”", shorten(key))).with_help(help)
}

/// The note that more problems were found than are listed.
pub(crate) fn more_errors(count: usize) -> Diagnostic {
    Diagnostic::general(
        Code::CaseKey,
        format!("另有 {count} 个问题未列出（只列出前 {MAX_ERRORS} 个）"),
    )
    .with_help("请先改正上面列出的问题，再重新运行")
}

/// Applies the closed world to absent facts: an absent 布尔 is false, an absent count or
/// amount 0, an absent set or list empty; dates and enumerations stay unknown. The facts
/// filled in are appended to `presumed`.
pub fn close_world(program: &Program, facts: &mut [Value], presumed: &mut Vec<FactId>) {
    for (f, (slot, def)) in facts.iter_mut().zip(&program.facts).enumerate() {
        if slot.is_known() {
            continue;
        }
        *slot = match def.ty {
            Type::Bool => Value::Bool(false),
            Type::Int | Type::Amount | Type::Times | Type::Number => Value::Num(Decimal::ZERO),
            Type::Words(_) => Value::Words(0),
            Type::List(_) => Value::List(Arc::from(Vec::<Record>::new())),
            _ => continue,
        };
        presumed.push(f);
    }
}

/// Parses an amount as people write it: `300000`, `300,000.00`, `30万元`, `三十万元`,
/// `1.5亿元`; `None` when it is not one (or has more precision than one 分).
pub fn parse_amount(s: &str) -> Option<Decimal> {
    crate::syntax::literal::amount(s).ok()
}

impl Raw {
    /// From an already parsed JSON value (callers that receive one, such as `ruling serve`).
    /// Its numbers are what serde_json kept of them; a case read from text should go through
    /// [`parse_case`], which reads numbers from their digits.
    pub fn from_json(v: &serde_json::Value) -> Raw {
        use serde_json::Value as J;
        match v {
            J::Null => Raw::Null,
            J::Bool(b) => Raw::Bool(*b),
            J::Number(n) => n.as_i64().map_or_else(|| Raw::Num(n.to_string()), Raw::Int),
            J::String(s) => Raw::Str(s.clone()),
            J::Array(a) => Raw::Array(a.iter().map(Raw::from_json).collect()),
            J::Object(o) => Raw::Table(
                o.iter()
                    .map(|(k, v)| (k.clone(), Raw::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// Types a whole case given as [`Raw`] (a table), with the checks of the file readers: every
/// problem is reported (up to [`MAX_ERRORS`]), and dates that contradict each other are refused.
pub fn case_from_raw(program: &Program, raw: &Raw) -> Result<Case, Vec<Diagnostic>> {
    let Raw::Table(entries) = raw else {
        return Err(vec![Diagnostic::general(
            Code::CaseValue,
            "案件文件应是一个表（JSON 对象或 TOML 表）",
        )
        .with_help("例如：{\"行为日期\": \"2025-09-01\", \"电话卡数\": 25}")]);
    };
    let mut case = Case {
        facts: vec![Value::Unknown; program.facts.len()],
        ..Case::default()
    };
    let mut errors = Vec::new();
    let mut dropped = 0usize;
    for (key, value) in entries {
        let result = if RESERVED_KEYS.contains(&key.as_str()) {
            toml_file::reserved(program, &mut case, key, value)
        } else {
            match program.fact_index.get(key) {
                Some(&f) => {
                    let ty = program.facts.get(f).map_or(Type::Any, |d| d.ty);
                    match typed(program, ty, value, key) {
                        Ok(v) => {
                            if let Some(slot) = case.facts.get_mut(f) {
                                *slot = v;
                            }
                            Ok(())
                        }
                        Err(d) => Err(vec![d]),
                    }
                }
                None => Err(vec![unknown_key(program, key)]),
            }
        };
        for d in result.err().into_iter().flatten() {
            if errors.len() < MAX_ERRORS {
                errors.push(d);
            } else {
                dropped += 1;
            }
        }
    }
    if errors.is_empty() {
        errors = dates::contradictions(program, &case.facts, &|_| None);
    }
    if dropped > 0 {
        errors.push(more_errors(dropped));
    }
    if errors.is_empty() {
        Ok(case)
    } else {
        Err(errors)
    }
}
