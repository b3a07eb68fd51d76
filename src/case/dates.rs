//! Dates of one case that contradict each other: a defendant born after the conduct, or judged
//! before it. Such a case is refused, naming both keys, rather than evaluated: a typo in a year
//! would otherwise silently make the defendant a child and clear him.

use crate::diag::{Code, Diagnostic};
use crate::program::value::Value;
use crate::program::{FactId, Program};
use crate::source::Span;

/// The pairs of date facts that must come in order: (earlier, later, what it means when they
/// do not).
const ORDER: [(&str, &str, &str); 2] = [
    ("出生日期", "行为日期", "出生日期晚于行为日期"),
    ("行为日期", "裁判日期", "裁判日期早于行为日期"),
];

/// The pairs of [`ORDER`] that the program declares, as fact ids (looked up once per reader).
pub fn pairs(program: &Program) -> Vec<(FactId, FactId, usize)> {
    ORDER
        .iter()
        .enumerate()
        .filter_map(|(i, (earlier, later, _))| {
            Some((
                *program.fact_index.get(*earlier)?,
                *program.fact_index.get(*later)?,
                i,
            ))
        })
        .collect()
}

/// The contradictions among the dates of `facts`; `place` gives where a fact's value was
/// written, if known, so that the later key is underlined.
pub fn contradictions(
    program: &Program,
    facts: &[Value],
    place: &dyn Fn(FactId) -> Option<Span>,
) -> Vec<Diagnostic> {
    contradictions_among(&pairs(program), facts, place)
}

/// [`contradictions`] over pairs already looked up.
pub fn contradictions_among(
    pairs: &[(FactId, FactId, usize)],
    facts: &[Value],
    place: &dyn Fn(FactId) -> Option<Span>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &(a, b, i) in pairs {
        let Some(&(earlier, later, what)) = ORDER.get(i) else {
            continue;
        };
        let (Some(Value::Date(da)), Some(Value::Date(db))) = (facts.get(a), facts.get(b)) else {
            continue;
        };
        if da <= db {
            continue;
        }
        let message = format!("“{earlier}”（{da}）与“{later}”（{db}）矛盾：{what}");
        let help = format!("请核对“{earlier}”和“{later}”，多半是年份打错了");
        let d = match place(b).or_else(|| place(a)) {
            Some(span) => Diagnostic::error(Code::CaseValue, span, message).with_label(format!(
                "与“{}”矛盾",
                if place(b).is_some() { earlier } else { later }
            )),
            None => Diagnostic::general(Code::CaseValue, message),
        };
        out.push(d.with_help(help));
    }
    out
}
