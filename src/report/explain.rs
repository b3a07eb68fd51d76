//! The derivation tree of one conclusion (`ruling explain`): every rule for it, whether it
//! fired, failed, was defeated or is undecided, on which fact values, with citations; the
//! conclusions its rules lean on are expanded beneath, each once: a conclusion met again
//! (a shared subtree) is referred back to. Below [`MAX_DEPTH`] levels the tree stops with a
//! message naming the conclusion to explain next, so the output is bounded (at most one full
//! derivation per conclusion, each indented at most [`MAX_DEPTH`] levels) and the recursion
//! shallow whatever the rule set. Texts from the case are escaped as in the text report.

use super::open::{failure_text, PRESUMED};
use super::quote::inner as inner_quotes;
use super::text::escape;
use super::{basis, conclusion_value, shown};
use crate::eval::{Outcome, RuleStatus};
use crate::program::value::Value;
use crate::program::Program;
use crate::rules::Evaluated;
use std::fmt::Write as _;

/// How many levels of conclusions one explanation expands; deeper ones are named, not drawn.
pub const MAX_DEPTH: usize = 24;

/// The tree of one conclusion of an evaluated case, as text.
pub fn explain(ev: &Evaluated<'_>, conclusion: usize) -> String {
    let (program, facts, outcome) = (ev.program(), &ev.facts, &ev.outcome);
    let mut out = String::new();
    let mut seen = vec![false; program.conclusions.len()];
    let mut quoted = Vec::new();
    let mut tree = Tree {
        ev,
        program,
        facts,
        outcome,
        seen: &mut seen,
        quoted: &mut quoted,
        out: &mut out,
    };
    tree.node(conclusion, "", 0);
    out
}

/// What every level of the tree shares.
struct Tree<'a> {
    ev: &'a Evaluated<'a>,
    program: &'a Program,
    facts: &'a [Value],
    outcome: &'a Outcome,
    /// Conclusions already drawn.
    seen: &'a mut [bool],
    /// Articles already quoted (later rules citing them refer back).
    quoted: &'a mut Vec<u32>,
    out: &'a mut String,
}

impl Tree<'_> {
    fn node(&mut self, c: usize, indent: &str, depth: usize) {
        let (program, facts, outcome) = (self.program, self.facts, self.outcome);
        let Some(def) = program.conclusions.get(c) else {
            return;
        };
        let value = shown(&conclusion_value(program, outcome, c));
        let out = &mut *self.out;
        let _ = writeln!(out, "{}{} = {}", indent, escape(&def.name), escape(&value));
        if self.seen.get(c).copied().unwrap_or(true) {
            if !def.rules.is_empty() {
                let _ = writeln!(out, "{indent}  （推导见上文“{}”）", escape(&def.name));
            }
            return;
        }
        if depth >= MAX_DEPTH && !def.rules.is_empty() {
            let _ = writeln!(
            out,
            "{indent}  （推导超过 {MAX_DEPTH} 层，以下从略；要看“{}”如何得出，请用 ruling explain 案件文件 {} 单独说明）",
            escape(&def.name),
            escape(&def.name)
        );
            return;
        }
        if let Some(s) = self.seen.get_mut(c) {
            *s = true;
        }
        if let Some(needs) = outcome.needs.get(c).filter(|n| !n.is_empty()) {
            let _ = writeln!(
                out,
                "{indent}  尚需查明：{}",
                escape(&program.fact_names(needs))
            );
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
            let out = &mut *self.out;
            let _ = writeln!(
                out,
                "{indent}{branch}规则“{}”（{}）：{}",
                escape(&rule.name),
                escape(&cite),
                escape(&status)
            );
            let inner = format!("{indent}{cont}");
            let condition = program
                .sources
                .snippet(rule.when.span)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let _ = writeln!(out, "{inner}  条件：{}", escape(&condition));
            if let Some(text) = &rule.text {
                match rule.cite {
                    Some(id) if self.quoted.contains(&id) => {
                        let _ = writeln!(out, "{inner}  条文：见上文{}", escape(&cite));
                    }
                    _ => {
                        let _ = writeln!(out, "{inner}  条文：“{}”", escape(&inner_quotes(text)));
                        self.quoted.extend(rule.cite);
                    }
                }
            }
            if let Some(b) = basis(program, facts, outcome, r) {
                for (name, _, v) in &b.facts {
                    let presumed = self
                        .ev
                        .presumed
                        .iter()
                        .any(|f| program.facts.get(*f).is_some_and(|d| d.name == *name));
                    let mark = if presumed { PRESUMED } else { "" };
                    let _ = writeln!(out, "{inner}  事实：{} = {}{mark}", escape(name), escape(v));
                }
                for (name, v) in &b.params {
                    let _ = writeln!(out, "{inner}  标准：{} = {}", escape(name), escape(v));
                }
                for (text, v) in &b.computed {
                    let _ = writeln!(out, "{inner}  计算：{} = {}", escape(text), escape(v));
                }
            }
            if !matches!(
                outcome.rules.get(r).copied().flatten(),
                Some(RuleStatus::Fired) | Some(RuleStatus::Undecided) | None
            ) {
                let reasons: Vec<String> = crate::eval::why_not(program, facts, outcome, r)
                    .iter()
                    .map(|f| failure_text(self.ev, f))
                    .collect();
                if !reasons.is_empty() {
                    let _ = writeln!(out, "{inner}  原因：{}", escape(&reasons.join("；")));
                }
            }
            for u in &rule.unless {
                let text = program
                    .sources
                    .snippet(u.span)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let _ = writeln!(out, "{inner}  除非：{}", escape(&text));
            }
            for &x in &rule.defeated_by {
                let name = program.rules.get(x).map_or("?", |x| x.name.as_str());
                let _ = writeln!(out, "{inner}  例外：规则“{}”优先于本规则", escape(name));
            }
            for &d in &rule.reads_conclusions {
                self.node(d, &format!("{inner}  "), depth + 1);
            }
        }
    }
}
