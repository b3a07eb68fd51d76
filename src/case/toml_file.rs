//! A TOML case file, through the `toml` crate's spanned document: every key and value keeps its
//! place, and numbers keep their token text (a float is never read through `f64`). The values
//! are typed by [`super::raw`], and every problem is placed on the value it concerns.

use super::raw::{self, Raw};
use super::{dates, empty_file, more_errors, shorten, unknown_key, Case, MAX_ERRORS};
use crate::diag::{Code, Diagnostic};
use crate::program::value::Value;
use crate::program::{Program, Type};
use crate::source::{FileId, Span};
use chrono::NaiveDate;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Reads a TOML case into `case`.
pub fn read(
    program: &Program,
    text: &str,
    file: FileId,
    case: &mut Case,
) -> Result<(), Vec<Diagnostic>> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = text.get(bom..).unwrap_or("");
    let at = |r: Range<usize>| Span::new(file, r.start + bom, r.end + bom);
    if body.trim().is_empty() {
        return Err(vec![empty_file(file, text.len())]);
    }
    let doc = match DeTable::parse(body) {
        Ok(d) => d,
        Err(e) => return Err(vec![syntax_error(body, &e, bom, file)]),
    };
    *case = Case {
        facts: vec![Value::Unknown; program.facts.len()],
        ..Case::default()
    };
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut dropped = 0usize;
    let mut places: Vec<Option<Span>> = vec![None; program.facts.len()];
    let mut push = |errors: &mut Vec<Diagnostic>, d: Diagnostic| {
        if errors.len() < MAX_ERRORS {
            errors.push(d);
        } else {
            dropped += 1;
        }
    };
    for (key, value) in doc.get_ref() {
        let name: &str = key.get_ref();
        let span = at(value.span());
        let key_span = at(key.span());
        match name {
            "案件" | "说明" | "封闭世界" | "预期" => {
                let r = to_raw(value.get_ref());
                if let Err(d) = reserved(program, case, name, &r) {
                    for d in d {
                        push(&mut errors, place(d, span));
                    }
                }
            }
            _ => match program.fact_index.get(name) {
                Some(&f) => {
                    let ty = program.facts.get(f).map_or(Type::Any, |d| d.ty);
                    let r = to_raw(value.get_ref());
                    match raw::typed_at(program, ty, &r, name) {
                        Ok(v) => {
                            if let Some(slot) = case.facts.get_mut(f) {
                                *slot = v;
                            }
                            if let Some(p) = places.get_mut(f) {
                                *p = Some(span);
                            }
                        }
                        Err((d, inside)) => {
                            let span = inside
                                .and_then(|(i, field)| inner(value, i, field.as_deref()))
                                .map_or(span, at);
                            push(&mut errors, place(d, span));
                        }
                    }
                }
                None => push(&mut errors, place(unknown_key(program, name), key_span)),
            },
        }
    }
    if errors.is_empty() {
        errors = dates::contradictions(program, &case.facts, &|f| places.get(f).copied().flatten());
    }
    if dropped > 0 {
        errors.push(more_errors(dropped));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Puts a diagnostic at a place.
fn place(mut d: Diagnostic, span: Span) -> Diagnostic {
    if d.span.is_none() {
        d.span = Some(span);
    }
    d
}

/// The place of record `index`'s field `field` (or of the record) inside a list value.
fn inner(list: &Spanned<DeValue<'_>>, index: usize, field: Option<&str>) -> Option<Range<usize>> {
    let DeValue::Array(items) = list.get_ref() else {
        return None;
    };
    let item = items.get(index)?;
    let Some(field) = field else {
        return Some(item.span());
    };
    let DeValue::Table(t) = item.get_ref() else {
        return Some(item.span());
    };
    t.iter()
        .find(|(k, _)| k.get_ref() == field)
        .map(|(_, v)| v.span())
}

/// Reads one of the reserved keys (案件, 说明, 封闭世界, 预期) into the case.
pub(crate) fn reserved(
    program: &Program,
    case: &mut Case,
    key: &str,
    value: &Raw,
) -> Result<(), Vec<Diagnostic>> {
    let bad = |msg: String, help: &str| vec![raw::case_error(key, msg, help)];
    match (key, value) {
        ("案件", Raw::Str(s)) => case.id = Some(s.clone()),
        ("案件", Raw::Int(i)) => case.id = Some(i.to_string()),
        ("说明", Raw::Str(s)) => case.note = Some(s.clone()),
        ("案件" | "说明", other) => {
            return Err(bad(
                format!("应是文字，实为{}", other.kind()),
                "请加引号，例如 案件 = \"2025-刑-001\"",
            ))
        }
        ("封闭世界", Raw::Bool(b)) => case.closed_world = *b,
        ("封闭世界", other) => {
            return Err(bad(
                format!("应是 true 或 false，实为{}", other.kind()),
                "例如：封闭世界 = true",
            ))
        }
        _ => case.expect = raw::expectations(program, value)?,
    }
    Ok(())
}

/// A TOML value as [`Raw`]; numbers keep their token text.
fn to_raw(v: &DeValue<'_>) -> Raw {
    match v {
        DeValue::String(s) => Raw::Str(s.to_string()),
        DeValue::Integer(i) => {
            let text: String = i.as_str().chars().filter(|&c| c != '_').collect();
            let digits = text.trim_start_matches('+');
            let parsed = match i.radix() {
                10 => digits.parse::<i64>().ok(),
                r => {
                    let body = digits.get(2..).unwrap_or("");
                    i64::from_str_radix(body, r).ok()
                }
            };
            parsed.map_or(Raw::Num(digits.to_string()), Raw::Int)
        }
        DeValue::Float(f) => {
            let text: String = f.as_str().chars().filter(|&c| c != '_').collect();
            Raw::Num(text.trim_start_matches('+').to_string())
        }
        DeValue::Boolean(b) => Raw::Bool(*b),
        DeValue::Datetime(d) => match (d.date, d.time, d.offset) {
            (Some(date), None, None) => NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )
            .map_or(Raw::Str(d.to_string()), Raw::Date),
            _ => Raw::Str(d.to_string()),
        },
        DeValue::Array(a) => Raw::Array(a.iter().map(|x| to_raw(x.get_ref())).collect()),
        DeValue::Table(t) => Raw::Table(
            t.iter()
                .map(|(k, v)| (k.get_ref().to_string(), to_raw(v.get_ref())))
                .collect(),
        ),
    }
}

/// A TOML syntax error in Chinese, placed and with a targeted hint.
fn syntax_error(body: &str, e: &toml::de::Error, bom: usize, file: FileId) -> Diagnostic {
    let range = e.span().unwrap_or(0..0);
    let found = body.get(range.clone()).unwrap_or("");
    let near = body
        .get(range.start..)
        .and_then(|t| t.chars().next())
        .unwrap_or(' ');
    let line_text = body
        .get(..range.start)
        .map_or("", |t| t.rsplit('\n').next().unwrap_or(""));
    let msg = e.message();
    let (message, help) = if msg.contains("duplicate key") {
        let first = body
            .get(..range.start)
            .and_then(|t| t.find(found))
            .map(|i| body.get(..i).map_or(0, |t| t.matches('\n').count()) + 1);
        let key = shorten(found.trim_matches('"'));
        let first = first.map_or(String::new(), |l| format!("，第 {l} 行已写过一次"));
        (
            format!("键“{key}”重复{first}"),
            "同一个键只能写一次；请删去多余的一处，或合并两处的内容".to_string(),
        )
    } else if matches!(near, '“' | '”' | '＂') || found.contains(['“', '”']) {
        (
            "TOML 格式错误：这里用了中文引号".to_string(),
            "“ ” 是中文输入法的引号；TOML 中的文字和中文键名须用英文半角引号 \"…\"".to_string(),
        )
    } else if near == '＝' || line_text.contains('＝') || found.contains('＝') {
        (
            "TOML 格式错误：这里用了全角等号“＝”".to_string(),
            "请把“＝”改成英文半角等号 =（切换到英文输入法再输入）".to_string(),
        )
    } else if msg.contains("unquoted key") || msg.contains("invalid unquoted key") {
        (
            "TOML 格式错误：中文键名没有加引号".to_string(),
            "TOML 中的中文键名须加引号，例如 \"行为日期\" = 2025-09-01、[[\"账户\"]]".to_string(),
        )
    } else {
        (
            format!("TOML 格式错误：{}", english_to_chinese(msg)),
            "请检查引号、等号和方括号；日期写作 2025-09-01，文字加引号".to_string(),
        )
    };
    Diagnostic::error(
        Code::Syntax,
        Span::new(file, range.start + bom, range.end + bom),
        message,
    )
    .with_label("这里")
    .with_help(help)
}

/// The `toml` crate's most frequent messages in Chinese; others are quoted as they are.
fn english_to_chinese(msg: &str) -> String {
    const WORDS: [(&str, &str); 8] = [
        ("invalid string", "文字写法有误"),
        ("unclosed", "括号或引号没有闭合"),
        ("invalid basic string", "文字写法有误"),
        ("expected `=`", "键名后应是等号 ="),
        ("invalid number", "数值写法有误"),
        ("invalid date", "日期写法有误"),
        ("missing value", "等号后缺少值"),
        ("invalid key", "键名写法有误"),
    ];
    let first = msg.lines().next().unwrap_or(msg);
    WORDS.iter().find(|(en, _)| first.contains(en)).map_or_else(
        || format!("无法解析（{first}）"),
        |(_, zh)| (*zh).to_string(),
    )
}
