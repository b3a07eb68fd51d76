//! Case files (JSON or TOML) → typed facts, checked against the fact declarations of the rule
//! set (the rule files are the schema: a fact added to a rule file is accepted here without
//! recompiling).
//!
//! Both formats, and the example cases written inside rule files, are first read into [`Raw`];
//! one typed conversion then serves all three.

use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::program::value::{Record, Value};
use crate::program::{ConclusionKind, FactId, Fnv, Program, Type, MODALITY};
use crate::source::{read_text, ReadFailure};
use crate::syntax::ast::Period;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::hash::Hasher;
use std::path::Path;
use std::sync::Arc;

/// The largest case file read, in bytes.
pub const MAX_CASE_BYTES: usize = 16 * 1024 * 1024;
/// The longest list of records in one fact.
pub const MAX_LIST_LEN: usize = 100_000;

/// Keys that are not facts.
pub const RESERVED_KEYS: [&str; 4] = ["案件", "说明", "预期", "封闭世界"];

/// A value as a case file writes it, before it is typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    /// JSON null: explicitly unknown.
    Null,
    /// true / false
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A decimal number, exact as written.
    Dec(Decimal),
    /// A string.
    Str(String),
    /// A TOML date.
    Date(NaiveDate),
    /// An array.
    Array(Vec<Raw>),
    /// A table or object, keys in order.
    Table(Vec<(String, Raw)>),
}

impl Raw {
    /// What kind of value it is, in words.
    fn kind(&self) -> &'static str {
        match self {
            Raw::Null => "空值",
            Raw::Bool(_) => "布尔值",
            Raw::Int(_) | Raw::Dec(_) => "数值",
            Raw::Str(_) => "文字",
            Raw::Date(_) => "日期",
            Raw::Array(_) => "数组",
            Raw::Table(_) => "表",
        }
    }

    /// From JSON. Numbers keep their exact decimal digits.
    pub fn from_json(v: &serde_json::Value) -> Raw {
        use serde_json::Value as J;
        match v {
            J::Null => Raw::Null,
            J::Bool(b) => Raw::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Raw::Int(i),
                None => number_text(&n.to_string()),
            },
            J::String(s) => Raw::Str(s.clone()),
            J::Array(a) => Raw::Array(a.iter().map(Raw::from_json).collect()),
            J::Object(o) => Raw::Table(
                o.iter()
                    .map(|(k, v)| (k.clone(), Raw::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// From TOML.
    pub fn from_toml(v: &toml::Value) -> Raw {
        use toml::Value as T;
        match v {
            T::Boolean(b) => Raw::Bool(*b),
            T::Integer(i) => Raw::Int(*i),
            T::Float(f) => number_text(&f.to_string()),
            T::String(s) => Raw::Str(s.clone()),
            T::Datetime(d) => match (d.date, d.time) {
                (Some(date), None) => NaiveDate::from_ymd_opt(
                    i32::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                )
                .map_or(Raw::Str(d.to_string()), Raw::Date),
                _ => Raw::Str(d.to_string()),
            },
            T::Array(a) => Raw::Array(a.iter().map(Raw::from_toml).collect()),
            T::Table(t) => Raw::Table(
                t.iter()
                    .map(|(k, v)| (k.clone(), Raw::from_toml(v)))
                    .collect(),
            ),
        }
    }
}

fn number_text(s: &str) -> Raw {
    Decimal::from_str_exact(s)
        .or_else(|_| Decimal::from_scientific(s))
        .map_or(Raw::Str(s.to_string()), Raw::Dec)
}

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
    /// `预期`: expected conclusion values, in the JSON form of the report (docs/JSON输出说明.md).
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

/// Reads a case file (`.json` or `.toml`) against the program's facts. Every message names
/// the file.
pub fn read_file(program: &Program, path: &Path) -> Result<Case, Vec<Diagnostic>> {
    let name = path.display();
    let Some(format) = CaseFormat::of_path(path) else {
        return Err(vec![Diagnostic::general(
            Code::Io,
            format!("{name}：无法判断文件格式"),
        )
        .with_help("案件文件的扩展名须是 .toml 或 .json")]);
    };
    let text = match read_text(path, MAX_CASE_BYTES as u64) {
        Ok(t) => t,
        Err(ReadFailure::TooLarge) => {
            return Err(vec![Diagnostic::general(
                Code::TooLarge,
                format!("{name}：案件文件超过 {} MiB", MAX_CASE_BYTES / 1024 / 1024),
            )
            .with_help("请把案件拆成多个文件，或用 ruling batch 逐行处理")])
        }
        Err(ReadFailure::NotUtf8 { valid }) => {
            return Err(vec![Diagnostic::general(
                Code::BadEncoding,
                format!(
                    "{name}：不是有效的 UTF-8 文本（第 {} 个字节起）",
                    valid.len()
                ),
            )
            .with_help("请用 UTF-8 编码保存案件文件")])
        }
        Err(ReadFailure::Io(e)) => {
            return Err(vec![Diagnostic::general(
                Code::Io,
                format!("{name}：无法读取（{e}）"),
            )
            .with_help("请检查文件路径")])
        }
    };
    parse_case(program, &text, format).map_err(|diags| {
        diags
            .into_iter()
            .map(|mut d| {
                d.message = format!("{name}：{}", d.message);
                d
            })
            .collect()
    })
}

/// A problem with a case file: the key, what is wrong, and the fix.
pub fn case_error(key: &str, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
    let mut d = Diagnostic::general(Code::CaseValue, format!("“{key}”：{}", message.into()));
    d.help = Some(help.into());
    d
}

/// Reads a case from text; `toml` chooses the format.
pub fn parse_case(
    program: &Program,
    text: &str,
    format: CaseFormat,
) -> Result<Case, Vec<Diagnostic>> {
    if text.len() > MAX_CASE_BYTES {
        return Err(vec![Diagnostic::general(
            Code::TooLarge,
            format!("案件文件超过 {} MiB", MAX_CASE_BYTES / 1024 / 1024),
        )
        .with_help("请把案件拆成多个文件，或用 ruling batch 逐行处理")]);
    }
    let raw = if format == CaseFormat::Toml {
        match text.parse::<toml::Table>() {
            Ok(t) => Raw::from_toml(&toml::Value::Table(t)),
            Err(e) => {
                let at = e.span().map(|s| line_of(text, s.start)).unwrap_or_default();
                let help = if e.message().contains("unquoted key") {
                    "TOML 中的中文键名须加引号，例如 \"行为日期\" = 2025-09-01、[[\"账户\"]]"
                } else {
                    "请检查引号、等号和方括号；日期写作 2025-09-01，文字加引号"
                };
                return Err(vec![Diagnostic::general(
                    Code::Syntax,
                    format!("TOML 格式错误{at}：{}", e.message()),
                )
                .with_help(help)]);
            }
        }
    } else {
        match read_json(text.as_bytes(), &mut Spare::default()) {
            Ok(raw) => raw,
            Err(e) => {
                return Err(vec![Diagnostic::general(
                    Code::Syntax,
                    format!(
                        "JSON 格式错误（第 {} 行第 {} 列）：{e}",
                        e.line(),
                        e.column()
                    ),
                )
                .with_help("请检查引号、逗号和括号是否成对")]);
            }
        }
    };
    case_from_raw(program, &raw)
}

fn line_of(text: &str, offset: usize) -> String {
    let line = text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1;
    format!("（第 {line} 行）")
}

/// Types a whole case. Every problem is reported, not only the first.
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
    for (key, value) in entries {
        match key.as_str() {
            "案件" | "说明" => match value {
                Raw::Str(s) if key == "案件" => case.id = Some(s.clone()),
                Raw::Str(s) => case.note = Some(s.clone()),
                Raw::Int(i) if key == "案件" => case.id = Some(i.to_string()),
                other => errors.push(case_error(
                    key,
                    format!("应是文字，实为{}", other.kind()),
                    "请加引号，例如 案件 = \"2025-刑-001\"",
                )),
            },
            "封闭世界" => match value {
                Raw::Bool(b) => case.closed_world = *b,
                other => errors.push(case_error(
                    key,
                    format!("应是 true 或 false，实为{}", other.kind()),
                    "例如：封闭世界 = true",
                )),
            },
            "预期" => match expectations(program, value) {
                Ok(e) => case.expect = e,
                Err(mut e) => errors.append(&mut e),
            },
            _ => match program.fact_index.get(key) {
                Some(&f) => {
                    let ty = program.facts.get(f).map_or(Type::Any, |d| d.ty);
                    match typed(program, ty, value, key) {
                        Ok(v) => {
                            if let Some(slot) = case.facts.get_mut(f) {
                                *slot = v;
                            }
                        }
                        Err(e) => errors.push(e),
                    }
                }
                None => errors.push(unknown_key(program, key)),
            },
        }
    }
    if errors.is_empty() {
        Ok(case)
    } else {
        Err(errors)
    }
}

fn unknown_key(program: &Program, key: &str) -> Diagnostic {
    let names = program
        .facts
        .iter()
        .map(|f| f.name.as_str())
        .chain(RESERVED_KEYS);
    let help = match did_you_mean(key, names) {
        Some(s) => format!("是否应为“{s}”？"),
        None => "案件文件的键名须是规则文件中声明的事实名称（见 ruling check 的规则集），或 案件、说明、预期、封闭世界".to_string(),
    };
    let mut d = Diagnostic::general(Code::CaseKey, format!("未知的键“{key}”"));
    d.help = Some(help);
    d
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

/// Parses an amount as people write it: `300000`, `300000.00`, `30万元`, `30万`, `1.5亿元`.
pub fn parse_amount(s: &str) -> Option<Decimal> {
    let t = s.trim().replace([',', '，'], "");
    let (num, factor) = if let Some(n) = t.strip_suffix("亿元").or_else(|| t.strip_suffix('亿'))
    {
        (n, 100_000_000i64)
    } else if let Some(n) = t.strip_suffix("万元").or_else(|| t.strip_suffix('万')) {
        (n, 10_000)
    } else if let Some(n) = t.strip_suffix('元') {
        (n, 1)
    } else {
        (t.as_str(), 1)
    };
    let n = num.trim();
    if n.is_empty()
        || !n
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return None;
    }
    Decimal::from_str_exact(n)
        .ok()?
        .checked_mul(Decimal::from(factor))
}

/// Whether an amount that [`parse_amount`] refused is well formed but too large (more digits
/// than an exact decimal holds), so that the message can say so.
fn amount_too_large(s: &str) -> bool {
    let digits: String = s
        .trim()
        .trim_end_matches(['元', '万', '亿'])
        .chars()
        .filter(|c| !matches!(c, ',' | '，'))
        .collect();
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && parts
            .next()
            .is_none_or(|f| f.chars().all(|c| c.is_ascii_digit()))
}

/// A date written `YYYY-MM-DD` with a four-digit year, as rule files and TOML write dates
/// (chrono alone would also take `+10000-01-01`, a year no case can have).
fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn parse_period(s: &str) -> Option<Period> {
    let s = s.trim();
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: u32 = n.parse().ok()?;
    Some(match unit {
        "年" => Period {
            years: n,
            ..Period::default()
        },
        "个月" | "月" => Period {
            months: n,
            ..Period::default()
        },
        "日" | "天" => Period {
            days: n,
            ..Period::default()
        },
        _ => return None,
    })
}

/// Types one value against a declared type; `key` names it in messages.
pub fn typed(program: &Program, ty: Type, raw: &Raw, key: &str) -> Result<Value, Diagnostic> {
    if *raw == Raw::Null {
        return Ok(Value::Unknown);
    }
    let wrong = |expected: &str, help: &str| {
        case_error(key, format!("应是{expected}，实为{}", raw.kind()), help)
    };
    let non_negative = |d: Decimal, what: &str| -> Result<Value, Diagnostic> {
        if d.is_sign_negative() && !d.is_zero() {
            Err(case_error(
                key,
                format!("{what}不能为负数（{d}）"),
                "请填写零或正数",
            ))
        } else {
            Ok(Value::Num(d))
        }
    };
    match ty {
        Type::Bool => match raw {
            Raw::Bool(b) => Ok(Value::Bool(*b)),
            _ => Err(wrong(
                "true 或 false",
                "布尔事实写作 true 或 false，不加引号",
            )),
        },
        Type::Int => match raw {
            Raw::Int(i) => non_negative(Decimal::from(*i), "个数"),
            Raw::Dec(d) if d.fract().is_zero() => non_negative(*d, "个数"),
            _ => Err(wrong("整数", "个数写作不加引号的整数，例如 20")),
        },
        Type::Amount | Type::Times | Type::Number => match raw {
            Raw::Int(i) => non_negative(Decimal::from(*i), "金额"),
            Raw::Dec(d) => non_negative(*d, "金额"),
            Raw::Str(s) => match parse_amount(s) {
                Some(d) => non_negative(d, "金额"),
                None if amount_too_large(s) => Err(case_error(
                    key,
                    format!("金额“{s}”超出可表示的范围"),
                    "金额最多约 28 位有效数字；请检查是否多打了数字",
                )),
                None => Err(case_error(
                    key,
                    format!("无法识别的金额“{s}”"),
                    "金额写作 300000、\"300000.00\"、\"30万元\" 或 \"30万\"",
                )),
            },
            _ => Err(wrong(
                "金额",
                "金额写作 300000、\"300000.00\"、\"30万元\" 或 \"30万\"",
            )),
        },
        Type::Date => match raw {
            Raw::Date(d) => Ok(Value::Date(*d)),
            Raw::Str(s) => parse_date(s).map(Value::Date).ok_or_else(|| {
                case_error(
                    key,
                    format!("无法识别的日期“{s}”"),
                    "日期写作 2025-09-01，须是日历上的真实日期",
                )
            }),
            _ => Err(wrong("日期", "日期写作 2025-09-01")),
        },
        Type::Period => match raw {
            Raw::Str(s) => parse_period(s).map(Value::Period).ok_or_else(|| {
                case_error(
                    key,
                    format!("无法识别的期间“{s}”"),
                    "期间写作 \"2年\"、\"6个月\" 或 \"30日\"",
                )
            }),
            _ => Err(wrong("期间", "期间写作 \"2年\"、\"6个月\" 或 \"30日\"")),
        },
        Type::Text => match raw {
            Raw::Str(s) => Ok(Value::Text(s.as_str().into())),
            _ => Err(wrong("文字", "文字须加引号")),
        },
        Type::Enum(e) => match raw {
            Raw::Str(s) => word(program, e, s, key).map(Value::Word),
            _ => Err(wrong(
                &format!("以下词之一：{}", program.enum_words(e)),
                "请填写其中一个词，加引号",
            )),
        },
        Type::Words(e) => match raw {
            Raw::Array(items) => {
                let mut mask = 0u64;
                for item in items {
                    match item {
                        Raw::Str(s) => mask |= 1u64 << word(program, e, s, key)?,
                        other => {
                            return Err(case_error(
                                key,
                                format!("集合中应是词，实为{}", other.kind()),
                                format!("可选的词：{}", program.enum_words(e)),
                            ))
                        }
                    }
                }
                Ok(Value::Words(mask))
            }
            _ => Err(wrong(
                "数组",
                &format!(
                    "集合写作 [\"词\", \"词\"]，可选的词：{}",
                    program.enum_words(e)
                ),
            )),
        },
        Type::List(r) => match raw {
            Raw::Array(items) => {
                if items.len() > MAX_LIST_LEN {
                    return Err(case_error(
                        key,
                        format!("列表有 {} 项，超过上限 {MAX_LIST_LEN}", items.len()),
                        "请核对数据，或拆分案件",
                    ));
                }
                let mut records = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    records.push(record(program, r, item, key, i + 1)?);
                }
                Ok(Value::List(records.into()))
            }
            _ => Err(wrong(
                "数组",
                "记录列表在 TOML 中写作 [[键]] 表数组，在 JSON 中写作对象数组",
            )),
        },
        Type::Cites | Type::Texts | Type::Any => {
            Err(case_error(key, "这个名称不能在案件中填写", "请只填写事实"))
        }
    }
}

fn word(program: &Program, e: usize, s: &str, key: &str) -> Result<u16, Diagnostic> {
    let def = program.enums.get(e);
    if let Some(w) = def.and_then(|d| d.word(s)) {
        return Ok(w);
    }
    let words = program.enum_words(e);
    let help = match def.and_then(|d| did_you_mean(s, d.words.iter().map(String::as_str))) {
        Some(x) => format!("是否应为“{x}”？可选的词：{words}"),
        None => format!("可选的词：{words}"),
    };
    Err(case_error(key, format!("“{s}”不是可选的词"), help))
}

/// Record `index` (from 1) of the list `list`.
fn record(
    program: &Program,
    r: usize,
    raw: &Raw,
    list: &str,
    index: usize,
) -> Result<Record, Diagnostic> {
    // The key as messages name it (`账户[2]`, `账户[2].流入资金`) is formatted only when there
    // is a message to give: formatting it for every field was a tenth of `ruling batch`'s time.
    let key = || format!("{list}[{index}]");
    let Some(def) = program.records.get(r) else {
        return Err(case_error(&key(), "记录类型不存在", "请检查规则集"));
    };
    let Raw::Table(entries) = raw else {
        return Err(case_error(
            &key(),
            format!("应是表，实为{}", raw.kind()),
            "每一项写作 {字段 = 值, …}",
        ));
    };
    let mut values = vec![Value::Unknown; def.fields.len()];
    for (k, v) in entries {
        let Some(i) = def.fields.iter().position(|(n, _)| n == k) else {
            let help = match did_you_mean(k, def.fields.iter().map(|(n, _)| n.as_str())) {
                Some(s) => format!("是否应为“{s}”？"),
                None => format!(
                    "可用的字段：{}",
                    def.fields
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            };
            let mut d = Diagnostic::general(Code::CaseKey, format!("“{}”：未知的字段“{k}”", key()));
            d.help = Some(help);
            return Err(d);
        };
        let ty = def.fields.get(i).map_or(Type::Any, |(_, t)| *t);
        if let Some(slot) = values.get_mut(i) {
            // Typed again under its full name when it is wrong, for the message.
            *slot = typed(program, ty, v, k)
                .or_else(|_| typed(program, ty, v, &format!("{}.{k}", key())))?;
        }
    }
    Ok(values.into_boxed_slice())
}

/// Reads `预期` into the JSON form of each conclusion's value.
fn expectations(
    program: &Program,
    raw: &Raw,
) -> Result<Vec<(usize, serde_json::Value)>, Vec<Diagnostic>> {
    let Raw::Table(entries) = raw else {
        return Err(vec![case_error(
            "预期",
            "应是表",
            "写作 [预期] 表，每行 结论 = 值",
        )]);
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (k, v) in entries {
        let key = format!("预期.{k}");
        let Some(&c) = program.conclusion_index.get(k) else {
            let help = match did_you_mean(k, program.conclusions.iter().map(|c| c.name.as_str())) {
                Some(s) => format!("是否应为“{s}”？"),
                None => "预期中的键须是结论名称".to_string(),
            };
            errors.push(
                Diagnostic::general(Code::CaseKey, format!("“{key}”：未知的结论")).with_help(help),
            );
            continue;
        };
        match expected_value(program, c, v, &key) {
            Ok(j) => out.push((c, j)),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// One expected conclusion value, in the JSON form of the report (docs/JSON输出说明.md).
pub fn expected_value(
    program: &Program,
    c: usize,
    raw: &Raw,
    key: &str,
) -> Result<serde_json::Value, Diagnostic> {
    use serde_json::Value as J;
    let pending = |r: &Raw| matches!(r, Raw::Null) || matches!(r, Raw::Str(s) if s == "待定");
    let kind = program.conclusions.get(c).map(|d| d.kind);
    match kind {
        Some(ConclusionKind::Tri) => match raw {
            Raw::Bool(b) => Ok(J::Bool(*b)),
            r if pending(r) => Ok(J::Null),
            _ => Err(case_error(
                key,
                "三值结论的预期应是 true、false 或 \"待定\"",
                "例如：情节严重 = true",
            )),
        },
        Some(ConclusionKind::Word(e)) => match raw {
            r if pending(r) => Ok(J::Null),
            Raw::Str(s) => word(program, e, s, key).map(|_| J::String(s.clone())),
            _ => {
                let words = program.enum_words(if e == MODALITY { MODALITY } else { e });
                Err(case_error(
                    key,
                    "预期应是一个词",
                    format!("可选的词：{words}，或 \"待定\""),
                ))
            }
        },
        Some(ConclusionKind::Cites | ConclusionKind::Texts) => match raw {
            Raw::Array(items) => {
                let mut strings = Vec::new();
                for i in items {
                    match i {
                        Raw::Str(s) => strings.push(s.clone()),
                        _ => {
                            return Err(case_error(
                                key,
                                "集合中应是文字",
                                "例如：[\"法发〔2025〕12号第6条第(1)项\"]",
                            ))
                        }
                    }
                }
                strings.sort();
                strings.dedup();
                Ok(J::Array(strings.into_iter().map(J::String).collect()))
            }
            _ => Err(case_error(
                key,
                "集合结论的预期应是数组",
                "例如：[\"法发〔2025〕12号第6条第(1)项\"]",
            )),
        },
        None => Err(case_error(key, "未知的结论", "请检查结论名称")),
    }
}

/// Reads a JSON case straight into [`Raw`], without building a `serde_json::Value` first; `eval`
/// reads one file with it, `batch` each line, reusing the buffers in `spare` from line to line.
/// Numbers are handed to [`Raw::from_json`], so that they are read exactly as `ruling eval`
/// reads them; a key written twice keeps its first place and its last value, as
/// `serde_json`'s ordered map does for `eval`.
pub fn read_json(text: &[u8], spare: &mut Spare) -> Result<Raw, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(text);
    let raw = RawSeed(spare).deserialize(&mut de)?;
    de.end()?;
    Ok(raw)
}

/// The strings and vectors of earlier lines' [`Raw`] trees, reused for the next line: a case
/// allocates about a hundred of them, and `malloc` and `free` took a fifth of a batch's time.
#[derive(Debug, Default)]
pub struct Spare {
    strings: Vec<String>,
    arrays: Vec<Vec<Raw>>,
    tables: Vec<Vec<(String, Raw)>>,
}

/// How many buffers of each kind are kept: a few cases' worth.
const SPARE_LIMIT: usize = 4096;
/// Buffers larger than this (an unusually long text) are not kept.
const SPARE_BYTES: usize = 4096;

impl Spare {
    fn string(&mut self, s: &str) -> String {
        match self.strings.pop() {
            Some(mut buf) => {
                buf.clear();
                buf.push_str(s);
                buf
            }
            None => s.to_owned(),
        }
    }

    /// Takes back the buffers of a tree that is no longer needed.
    pub fn recycle(&mut self, raw: Raw) {
        match raw {
            Raw::Str(s) => self.keep_string(s),
            Raw::Array(mut items) => {
                for item in items.drain(..) {
                    self.recycle(item);
                }
                if self.arrays.len() < SPARE_LIMIT && items.capacity() <= SPARE_BYTES {
                    self.arrays.push(items);
                }
            }
            Raw::Table(mut entries) => {
                for (key, value) in entries.drain(..) {
                    self.keep_string(key);
                    self.recycle(value);
                }
                if self.tables.len() < SPARE_LIMIT && entries.capacity() <= SPARE_BYTES {
                    self.tables.push(entries);
                }
            }
            Raw::Null | Raw::Bool(_) | Raw::Int(_) | Raw::Dec(_) | Raw::Date(_) => {}
        }
    }

    fn keep_string(&mut self, s: String) {
        if self.strings.len() < SPARE_LIMIT && s.capacity() <= SPARE_BYTES {
            self.strings.push(s);
        }
    }
}

/// Deserialises one [`Raw`] value, taking its buffers from the spares.
struct RawSeed<'s>(&'s mut Spare);

impl<'de> DeserializeSeed<'de> for RawSeed<'_> {
    type Value = Raw;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        d.deserialize_any(self)
    }
}

/// A map key, taken from the spares.
struct KeySeed<'s>(&'s mut Spare);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<String, E> {
        Ok(self.0.string(s))
    }
}

impl<'de> Visitor<'de> for RawSeed<'_> {
    type Value = Raw;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Raw, E> {
        Ok(Raw::Int(i))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Raw, E> {
        Ok(match i64::try_from(u) {
            Ok(i) => Raw::Int(i),
            Err(_) => Raw::from_json(&serde_json::Value::from(u)),
        })
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Raw, E> {
        Ok(serde_json::Number::from_f64(f)
            .map_or(Raw::Null, |n| Raw::from_json(&serde_json::Value::Number(n))))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Raw, E> {
        Ok(Raw::Str(self.0.string(s)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let spare = self.0;
        let mut items = spare.arrays.pop().unwrap_or_default();
        while let Some(item) = seq.next_element_seed(RawSeed(&mut *spare))? {
            items.push(item);
        }
        Ok(Raw::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let spare = self.0;
        let mut entries = spare.tables.pop().unwrap_or_default();
        // A 256-bit filter of the keys' hashes, so that a repeated key is found without
        // comparing every pair of keys: most keys are known new and skip the search.
        let mut seen = [0u64; 4];
        while let Some(key) = map.next_key_seed(KeySeed(&mut *spare))? {
            let value = map.next_value_seed(RawSeed(&mut *spare))?;
            let mut hasher = Fnv::default();
            hasher.write(key.as_bytes());
            let h = hasher.finish();
            let bit = 1u64 << (h & 63);
            let mask = seen.get_mut(usize::try_from((h >> 6) & 3).unwrap_or(0));
            let maybe = mask.as_ref().is_some_and(|m| **m & bit != 0);
            if let Some(m) = mask {
                *m |= bit;
            }
            let earlier = if maybe {
                entries.iter_mut().find(|(k, _)| *k == key)
            } else {
                None
            };
            match earlier {
                Some(entry) => {
                    let old = std::mem::replace(&mut entry.1, value);
                    spare.recycle(old);
                    spare.keep_string(key);
                }
                None => entries.push((key, value)),
            }
        }
        Ok(Raw::Table(entries))
    }
}
