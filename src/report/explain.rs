//! The derivation tree of one conclusion (`ruling explain`): every rule for it, whether it
//! fired, failed, was defeated or is undecided, on which fact values, with citations; the
//! conclusions its rules lean on are expanded beneath, each once.

use super::open::{failure_text, PRESUMED};
use super::quote::inner;
use super::{basis, conclusion_value, shown};
use crate::eval::RuleStatus;
use crate::rules::Evaluated;
use std::fmt::Write as _;

/// The tree of one conclusion of an evaluated case, as text.
pub fn explain(ev: &Evaluated<'_>, conclusion: usize) -> String {
    let mut out = String::new();
    let mut seen = vec![false; ev.program().conclusions.len()];
    let mut quoted = Vec::new();
    node(ev, conclusion, "", &mut seen, &mut quoted, &mut out);
    out
}

fn node(
    ev: &Evaluated<'_>,
    c: usize,
    indent: &str,
    seen: &mut [bool],
    quoted: &mut Vec<u32>,
    out: &mut String,
) {
    let (program, facts, outcome) = (ev.program(), &ev.facts, &ev.outcome);
    let Some(def) = program.conclusions.get(c) else {
        return;
    };
    let value = shown(&conclusion_value(program, outcome, c));
    let _ = writeln!(out, "{}{} = {}", indent, def.name, value);
    if seen.get(c).copied().unwrap_or(true) {
        if !def.rules.is_empty() {
            let _ = writeln!(out, "{indent}  （推导见上）");
        }
        return;
    }
    if let Some(s) = seen.get_mut(c) {
        *s = true;
    }
    if let Some(needs) = outcome.needs.get(c).filter(|n| !n.is_empty()) {
        let _ = writeln!(out, "{indent}  尚需查明：{}", program.fact_names(needs));
    }
    let count = def.rules.len();
    for (i, &r) in def.rules.iter().enumerate() {
        let last = i + 1 == count;
        let (branch, cont) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        let Some(rule) = program.rules.get(r) else {
            continue;
        };
        let status = match outcome.rules.get(r).copied().flatten() {
            Some(RuleStatus::Fired) => "成立".to_string(),
            Some(RuleStatus::NotApplicable) => "不成立（条件不满足）".to_string(),
            Some(RuleStatus::DefeatedByUnless(u)) => {
                let text = rule.unless.get(u).map_or(String::new(), |e| {
                    program.sources.snippet(e.span).to_string()
                });
                format!("被排除（除非 {text}）")
            }
            Some(RuleStatus::DefeatedByRule(x)) => {
                let name = program.rules.get(x).map_or("?", |x| x.name.as_str());
                format!("被排除（规则“{name}”优先）")
            }
            Some(RuleStatus::Undecided) => "待定（所需事实未知）".to_string(),
            None => "未评估".to_string(),
        };
        let cite = rule.cite.map(|c| program.cite(c)).unwrap_or_default();
        let _ = writeln!(
            out,
            "{indent}{branch}规则“{}”（{cite}）：{status}",
            rule.name
        );
        let inner = format!("{indent}{cont}");
        let condition = program
            .sources
            .snippet(rule.when.span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(out, "{inner}  条件：{condition}");
        if let Some(text) = &rule.text {
            match rule.cite {
                Some(id) if quoted.contains(&id) => {
                    let _ = writeln!(out, "{inner}  条文：见上文{cite}");
                }
                _ => {
                    let _ = writeln!(out, "{inner}  条文：“{}”", self::inner(text));
                    quoted.extend(rule.cite);
                }
            }
        }
        if let Some(b) = basis(program, facts, outcome, r) {
            for (name, _, v) in &b.facts {
                let presumed = ev
                    .presumed
                    .iter()
                    .any(|f| program.facts.get(*f).is_some_and(|d| d.name == *name));
                let mark = if presumed { PRESUMED } else { "" };
                let _ = writeln!(out, "{inner}  事实：{name} = {v}{mark}");
            }
            for (name, v) in &b.params {
                let _ = writeln!(out, "{inner}  标准：{name} = {v}");
            }
            for (text, v) in &b.computed {
                let _ = writeln!(out, "{inner}  计算：{text} = {v}");
            }
        }
        if !matches!(
            outcome.rules.get(r).copied().flatten(),
            Some(RuleStatus::Fired) | Some(RuleStatus::Undecided) | None
        ) {
            let reasons: Vec<String> = crate::eval::why_not(program, facts, outcome, r)
                .iter()
                .map(|f| failure_text(ev, f))
                .collect();
            if !reasons.is_empty() {
                let _ = writeln!(out, "{inner}  原因：{}", reasons.join("；"));
            }
        }
        for u in &rule.unless {
            let text = program
                .sources
                .snippet(u.span)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let _ = writeln!(out, "{inner}  除非：{text}");
        }
        for &x in &rule.defeated_by {
            let name = program.rules.get(x).map_or("?", |x| x.name.as_str());
            let _ = writeln!(out, "{inner}  例外：规则“{name}”优先于本规则");
        }
        for &d in &rule.reads_conclusions {
            node(ev, d, &format!("{inner}  "), seen, quoted, out);
        }
    }
}
