//! How a threshold with dated values is explained: which value was applied, the period it is in
//! force, and why — the value in force on 行为日期, or, under 刑法第12条 (从旧兼从轻), the
//! value in force on 裁判日期 when that one favours the defendant.

use crate::eval::ParamChoice;
use crate::program::value::Value;
use crate::program::{ParamDef, ParamVersion, Program};
use chrono::NaiveDate;

/// A parameter's value for a report: `30万元（法发〔2025〕12号第6条第(1)项）`, and for a
/// parameter with dated values, its period and the reason it applies.
pub(super) fn param_shown(
    program: &Program,
    facts: &[Value],
    def: &ParamDef,
    choice: &ParamChoice,
) -> String {
    let date_of = |f: Option<usize>| match f.and_then(|f| facts.get(f)) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    };
    let conduct = date_of(program.conduct_date);
    let judgment = date_of(program.judgment_date);
    let cite = program.cite(def.cite);
    let dated = def
        .versions
        .iter()
        .any(|v| v.from.is_some() || v.until.is_some());
    let Some(v) = choice.version.and_then(|i| def.versions.get(i)) else {
        let all: Vec<String> = def
            .versions
            .iter()
            .map(|v| format!("{}（{}）", v.shown, period(v)))
            .collect();
        return match conduct {
            None => format!(
                "待定（行为日期未知，无法确定适用的标准：{}；{cite}）",
                all.join("、")
            ),
            Some(d) => format!(
                "待定（行为日期 {d} 时没有施行中的标准：{}；{cite}）",
                all.join("、")
            ),
        };
    };
    if !dated {
        return format!("{}（{cite}）", v.shown);
    }
    let in_force = |d: NaiveDate| {
        def.versions
            .iter()
            .find(|v| v.from.is_none_or(|f| f <= d) && v.until.is_none_or(|u| d <= u))
    };
    let mut s = format!("{}（{cite}；该标准{}", v.shown, period(v));
    if choice.lenient {
        if let (Some(c), Some(j), Some(then)) = (conduct, judgment, conduct.and_then(in_force)) {
            s.push_str(&format!(
                "。行为日期 {c} 时的标准为 {}（{}），裁判日期 {j} 时的标准 {} 对行为人更有利，\
                 依刑法第12条从旧兼从轻，适用裁判时的标准",
                then.shown,
                period(then),
                v.shown
            ));
        }
    } else {
        if let Some(c) = conduct {
            s.push_str(&format!(
                "，行为日期 {c} 在其施行期内，依刑法第12条适用行为时的标准"
            ));
        }
        if let (Some(j), Some(later)) = (judgment, judgment.and_then(in_force)) {
            if later.shown != v.shown {
                s.push_str(&format!(
                    "；裁判日期 {j} 时的标准 {} 对行为人并不更有利，不予适用",
                    later.shown
                ));
            }
        }
    }
    s.push('）');
    s
}

/// When a value is in force: `2025-07-22 至 2026-12-31 施行`, `自 2027-01-01 起施行`.
fn period(v: &ParamVersion) -> String {
    match (v.from, v.until) {
        (Some(f), Some(u)) => format!("{f} 至 {u} 施行"),
        (Some(f), None) => format!("自 {f} 起施行"),
        (None, Some(u)) => format!("施行至 {u}"),
        (None, None) => "一直施行".into(),
    }
}
