//! One value of a case against its declared type: the typing shared by TOML files, the JSON
//! reader's unusual shapes and the examples written inside rule files. Scalars go through
//! [`scalar`], which the JSON reader also calls on its fast path, so that every form reads a
//! value the same way; their text through the one literal reader
//! ([`crate::syntax::literal`]).

use super::{shorten, MAX_LIST_LEN};
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::program::value::{Record, Value};
use crate::program::{ConclusionKind, Program, Type, MODALITY};
use crate::syntax::literal::{self, LitError};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A value as a case file writes it, before it is typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    /// JSON null: explicitly unknown.
    Null,
    /// true / false
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A decimal number, exact.
    Dec(Decimal),
    /// A number as its token text (JSON or TOML), read exactly when it is typed.
    Num(String),
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
    pub fn kind(&self) -> &'static str {
        match self {
            Raw::Null => "空值",
            Raw::Bool(_) => "布尔值",
            Raw::Int(_) | Raw::Dec(_) | Raw::Num(_) => "数值",
            Raw::Str(_) => "文字",
            Raw::Date(_) => "日期",
            Raw::Array(_) => "数组",
            Raw::Table(_) => "表",
        }
    }

    /// The scalar it is, if it is one.
    fn scalar(&self) -> Option<Scalar<'_>> {
        Some(match self {
            Raw::Bool(b) => Scalar::Bool(*b),
            Raw::Int(i) => Scalar::Int(*i),
            Raw::Dec(d) => Scalar::Dec(*d),
            Raw::Num(t) => Scalar::Num(t),
            Raw::Str(s) => Scalar::Str(s),
            Raw::Date(d) => Scalar::Date(*d),
            Raw::Null | Raw::Array(_) | Raw::Table(_) => return None,
        })
    }
}

/// A scalar value as written, borrowed from the case file.
#[derive(Debug, Clone, Copy)]
pub enum Scalar<'a> {
    /// true / false
    Bool(bool),
    /// An integer (TOML, or an example).
    Int(i64),
    /// An exact decimal (an example).
    Dec(Decimal),
    /// A number token, as written.
    Num(&'a str),
    /// A string.
    Str(&'a str),
    /// A TOML date.
    Date(NaiveDate),
}

impl Scalar<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Scalar::Bool(_) => "布尔值",
            Scalar::Int(_) | Scalar::Dec(_) | Scalar::Num(_) => "数值",
            Scalar::Str(_) => "文字",
            Scalar::Date(_) => "日期",
        }
    }
}

/// What is wrong with one value, before the key is known to the message.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The problem, quoting the value.
    pub message: String,
    /// The fix.
    pub help: String,
}

impl Problem {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            help: help.into(),
        }
    }

    fn lit(e: &LitError, text: &str) -> Problem {
        Problem::new(e.message(text), e.help())
    }

    /// As a diagnostic naming the key.
    pub fn at(self, key: &str) -> Diagnostic {
        case_error(key, self.message, self.help)
    }
}

/// The earliest and latest dates a case may give.
pub fn date_range() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(2100, 12, 31).unwrap_or_default(),
    )
}

fn in_range(d: NaiveDate) -> Result<Value, Problem> {
    let (from, to) = date_range();
    if d < from || d > to {
        Err(Problem::new(
            format!("日期“{d}”早于 1900 年或晚于 2100 年"),
            "请检查年份是否打错；案件的日期须在 1900-01-01 至 2100-12-31 之间",
        ))
    } else {
        Ok(Value::Date(d))
    }
}

const AMOUNT_HELP: &str =
    "金额写作 300000、\"300000.00\"、\"30万元\" 或 \"三十万元\"，最多精确到分";
const COUNT_HELP: &str = "个数写作不加引号的整数（例如 20），或 \"20张\"、\"二十张\"";

/// Types one scalar against a declared type: the one conversion of every case form.
pub fn scalar(program: &Program, ty: Type, s: Scalar<'_>) -> Result<Value, Problem> {
    let wrong = |expected: &str, help: &str| {
        Problem::new(format!("应是{expected}，实为{}", s.kind()), help)
    };
    let non_negative = |d: Decimal, what: &str| -> Result<Value, Problem> {
        if d.is_sign_negative() && !d.is_zero() {
            Err(Problem::new(
                format!("{what}不能为负数（{d}）"),
                "请填写零或正数",
            ))
        } else {
            Ok(Value::Num(d))
        }
    };
    match ty {
        Type::Bool => match s {
            Scalar::Bool(b) => Ok(Value::Bool(b)),
            _ => Err(wrong(
                "true 或 false",
                "布尔事实写作 true 或 false，不加引号",
            )),
        },
        Type::Int => {
            let n = match s {
                Scalar::Int(i) => Ok(Decimal::from(i)),
                Scalar::Dec(d) => literal::whole(d).map_err(|e| Problem::lit(&e, &d.to_string())),
                Scalar::Num(t) => literal::number_token(t)
                    .and_then(literal::whole)
                    .map_err(|e| Problem::lit(&e, t)),
                Scalar::Str(t) => literal::count(t).map_err(|e| match e {
                    LitError::NotANumber | LitError::WrongUnit => {
                        Problem::new(format!("无法识别的个数“{}”", shorten(t)), COUNT_HELP)
                    }
                    e => Problem::lit(&e, t),
                }),
                _ => Err(wrong("整数", COUNT_HELP)),
            }?;
            // Counts are whole numbers of a 64-bit range, whichever format wrote them.
            if n > Decimal::from(i64::MAX) {
                return Err(Problem::new(
                    format!("个数“{n}”超出可表示的范围"),
                    "请检查是否多打了数字",
                ));
            }
            non_negative(n, "个数")
        }
        Type::Amount => {
            let n = match s {
                Scalar::Int(i) => Ok(Decimal::from(i)),
                Scalar::Dec(d) => literal::to_fen(d).map_err(|e| Problem::lit(&e, &d.to_string())),
                Scalar::Num(t) => literal::number_token(t)
                    .and_then(literal::to_fen)
                    .map_err(|e| Problem::lit(&e, t)),
                Scalar::Str(t) => literal::amount(t).map_err(|e| match e {
                    LitError::NotANumber | LitError::WrongUnit => {
                        Problem::new(format!("无法识别的金额“{}”", shorten(t)), AMOUNT_HELP)
                    }
                    e => Problem::lit(&e, t),
                }),
                _ => Err(wrong("金额", AMOUNT_HELP)),
            }?;
            non_negative(n, "金额")
        }
        Type::Times | Type::Number => {
            let n = match s {
                Scalar::Int(i) => Ok(Decimal::from(i)),
                Scalar::Dec(d) => Ok(d),
                Scalar::Num(t) => literal::number_token(t).map_err(|e| Problem::lit(&e, t)),
                Scalar::Str(t) => literal::times(t).map_err(|e| Problem::lit(&e, t)),
                _ => Err(wrong("数值", "数值写作 3 或 \"1.5倍\"")),
            }?;
            non_negative(n, "数值")
        }
        Type::Date => match s {
            Scalar::Date(d) => in_range(d),
            Scalar::Str(t) => match literal::date(t) {
                Ok(d) => in_range(d),
                Err(e) => Err(Problem::lit(&e, t)),
            },
            _ => Err(wrong(
                "日期",
                "日期写作 \"2025-09-01\" 或 \"2025年9月1日\"（TOML 中可不加引号写 2025-09-01）",
            )),
        },
        Type::Period => match s {
            Scalar::Str(t) => literal::period(t).map(Value::Period).map_err(|_| {
                Problem::new(
                    format!("无法识别的期间“{}”", shorten(t)),
                    "期间写作 \"2年\"、\"6个月\"、\"30日\" 或 \"二年\"",
                )
            }),
            _ => Err(wrong("期间", "期间写作 \"2年\"、\"6个月\" 或 \"30日\"")),
        },
        Type::Text => match s {
            Scalar::Str(t) => Ok(Value::Text(t.into())),
            _ => Err(wrong("文字", "文字须加引号")),
        },
        Type::Enum(e) => match s {
            Scalar::Str(t) => word(program, e, t).map(Value::Word),
            _ => Err(wrong(
                &format!("以下词之一：{}", program.enum_words(e)),
                "请填写其中一个词，加引号",
            )),
        },
        Type::Words(e) => Err(wrong(
            "数组",
            &format!(
                "集合写作 [\"词\", \"词\"]，可选的词：{}",
                program.enum_words(e)
            ),
        )),
        Type::List(_) => Err(wrong(
            "数组",
            "记录列表在 TOML 中写作 [[键]] 表数组，在 JSON 中写作对象数组",
        )),
        Type::Cites | Type::Texts | Type::Any => {
            Err(Problem::new("这个名称不能在案件中填写", "请只填写事实"))
        }
    }
}

/// A word of enumeration `e`, or the message listing the words.
pub fn word(program: &Program, e: usize, s: &str) -> Result<u16, Problem> {
    let def = program.enums.get(e);
    if let Some(w) = def.and_then(|d| d.word(s)) {
        return Ok(w);
    }
    let words = program.enum_words(e);
    let near = if s.chars().count() <= 2 * super::SHOWN_CHARS {
        def.and_then(|d| did_you_mean(s, d.words.iter().map(String::as_str)))
    } else {
        None
    };
    let help = match near {
        Some(x) => format!("是否应为“{x}”？可选的词：{words}"),
        None => format!("可选的词：{words}"),
    };
    Err(Problem::new(format!("“{}”不是可选的词", shorten(s)), help))
}

/// A problem with a case file: the key, what is wrong, and the fix.
pub fn case_error(key: &str, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
    let mut d = Diagnostic::general(
        Code::CaseValue,
        format!("“{}”：{}", shorten(key), message.into()),
    );
    d.help = Some(help.into());
    d
}

/// Types one value against a declared type; `key` names it in messages.
pub fn typed(program: &Program, ty: Type, raw: &Raw, key: &str) -> Result<Value, Diagnostic> {
    typed_at(program, ty, raw, key).map_err(|(d, _)| d)
}

/// Where, inside a list, a value's problem is: the record (from 0) and, when it is one field's,
/// the field's name.
pub type Inside = Option<(usize, Option<String>)>;

/// [`typed`], also saying where inside a list the problem is, so that a reader that knows the
/// places can underline the very field.
// The error is large but rare (one per wrong value); boxing it would not speed the common path.
#[allow(clippy::result_large_err)]
pub fn typed_at(
    program: &Program,
    ty: Type,
    raw: &Raw,
    key: &str,
) -> Result<Value, (Diagnostic, Inside)> {
    if let Some(s) = raw.scalar() {
        return scalar(program, ty, s).map_err(|p| (p.at(key), None));
    }
    let wrong = |expected: &str, help: &str| {
        (
            case_error(key, format!("应是{expected}，实为{}", raw.kind()), help),
            None,
        )
    };
    match (ty, raw) {
        (_, Raw::Null) => Ok(Value::Unknown),
        (Type::Words(e), Raw::Array(items)) => {
            let mut mask = 0u64;
            for item in items {
                match item {
                    Raw::Str(s) => {
                        let w = word(program, e, s).map_err(|p| (p.at(key), None))?;
                        mask |= 1u64 << w;
                    }
                    other => {
                        return Err((
                            case_error(
                                key,
                                format!("集合中应是词，实为{}", other.kind()),
                                format!("可选的词：{}", program.enum_words(e)),
                            ),
                            None,
                        ))
                    }
                }
            }
            Ok(Value::Words(mask))
        }
        (Type::List(r), Raw::Array(items)) => {
            if items.len() > MAX_LIST_LEN {
                return Err((too_long(key, items.len()), None));
            }
            let mut records = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                records.push(record(program, r, item, key, i)?);
            }
            Ok(Value::List(records.into()))
        }
        (Type::Words(e), _) => Err(wrong(
            "数组",
            &format!(
                "集合写作 [\"词\", \"词\"]，可选的词：{}",
                program.enum_words(e)
            ),
        )),
        (Type::List(_), _) => Err(wrong(
            "数组",
            "记录列表在 TOML 中写作 [[键]] 表数组，在 JSON 中写作对象数组",
        )),
        (Type::Cites | Type::Texts | Type::Any, _) => Err((
            case_error(key, "这个名称不能在案件中填写", "请只填写事实"),
            None,
        )),
        _ => {
            // A scalar type given an array or a table: the scalar message says what is expected.
            let expected = match ty {
                Type::Bool => "true 或 false",
                Type::Int => "整数",
                Type::Amount => "金额",
                Type::Date => "日期",
                Type::Period => "期间",
                Type::Text => "文字",
                Type::Enum(_) => "一个词",
                _ => "数值",
            };
            Err(wrong(expected, "请按事实的类型填写一个值"))
        }
    }
}

/// A list longer than [`MAX_LIST_LEN`].
pub fn too_long(key: &str, len: usize) -> Diagnostic {
    case_error(
        key,
        format!("列表有 {len} 项，超过上限 {MAX_LIST_LEN}"),
        "请核对数据，或拆分案件",
    )
}

/// The name messages give a record's field: `账户[2].流入资金` (records counted from 1).
pub fn field_key(list: &str, index: usize, field: &str) -> String {
    format!("{list}[{}].{field}", index + 1)
}

/// The message for a field that the record type does not have.
pub fn unknown_field(program: &Program, r: usize, list: &str, index: usize, k: &str) -> Diagnostic {
    let fields = program.records.get(r).map(|d| &d.fields[..]).unwrap_or(&[]);
    let near = if k.chars().count() <= 2 * super::SHOWN_CHARS {
        did_you_mean(k, fields.iter().map(|(n, _)| n.as_str()))
    } else {
        None
    };
    let help = match near {
        Some(s) => format!("是否应为“{s}”？"),
        None => format!(
            "可用的字段：{}",
            fields
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ),
    };
    Diagnostic::general(
        Code::CaseKey,
        format!("“{list}[{}]”：未知的字段“{}”", index + 1, shorten(k)),
    )
    .with_help(help)
}

/// Record `index` (from 0) of the list `list`.
#[allow(clippy::result_large_err)]
fn record(
    program: &Program,
    r: usize,
    raw: &Raw,
    list: &str,
    index: usize,
) -> Result<Record, (Diagnostic, Inside)> {
    let Some(def) = program.records.get(r) else {
        return Err((case_error(list, "记录类型不存在", "请检查规则集"), None));
    };
    let Raw::Table(entries) = raw else {
        return Err((
            case_error(
                &format!("{list}[{}]", index + 1),
                format!("应是表，实为{}", raw.kind()),
                "每一项写作 {字段 = 值, …}",
            ),
            Some((index, None)),
        ));
    };
    let mut values = vec![Value::Unknown; def.fields.len()];
    for (k, v) in entries {
        let Some(i) = def.fields.iter().position(|(n, _)| n == k) else {
            return Err((
                unknown_field(program, r, list, index, k),
                Some((index, Some(k.clone()))),
            ));
        };
        let ty = def.fields.get(i).map_or(Type::Any, |(_, t)| *t);
        if let Some(slot) = values.get_mut(i) {
            *slot = typed(program, ty, v, &field_key(list, index, k))
                .map_err(|d| (d, Some((index, Some(k.clone())))))?;
        }
    }
    Ok(values.into_boxed_slice())
}

/// Reads `预期` into the JSON form of each conclusion's value.
pub fn expectations(
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
        let key = format!("预期.{}", shorten(k));
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

/// One expected conclusion value, in the form the JSON report gives them.
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
            Raw::Str(s) => word(program, e, s)
                .map(|_| J::String(s.clone()))
                .map_err(|p| p.at(key)),
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
