//! What a report says beyond what holds: why a conclusion is 否, 不适用 or empty (each rule
//! that could have established it and why it did not), which items of a set are still
//! undecided, the modality already established while a stronger one is open, which
//! conclusions rest on facts the closed world presumed, and the questions to put to the
//! investigators.

use super::{fact_shown, WhyNot};
use crate::eval::{self, Failure, Outcome, Read, RuleStatus, Side};
use crate::program::value::Value;
use crate::program::{
    ConclusionId, ConclusionKind, Effect, FactId, Node, Program, RuleId, Type, MODALITY,
    NOT_APPLICABLE,
};
use crate::rules::Evaluated;
use crate::syntax::ast::CmpOp;

/// The marker after a value the closed world presumed.
pub const PRESUMED: &str = "（未填写，按封闭世界推定）";

/// A rule's text from the rule file, on one line.
fn snippet(program: &Program, span: crate::source::Span) -> String {
    program
        .sources
        .snippet(span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fact's value for people, marked when the closed world presumed it.
pub fn fact_value(program: &Program, facts: &[Value], presumed: &[FactId], f: FactId) -> String {
    let Some(def) = program.facts.get(f) else {
        return String::new();
    };
    let v = facts.get(f).unwrap_or(&Value::Unknown);
    let mut s = fact_shown(program, def.ty, v);
    if presumed.contains(&f) {
        s.push_str(PRESUMED);
    }
    s
}

/// Whether conclusion `c`'s value is one a why-not is given for: 否, 不适用, an empty set.
pub fn is_negative(program: &Program, outcome: &Outcome, c: ConclusionId) -> bool {
    let (Some(def), Some(v)) = (program.conclusions.get(c), outcome.values.get(c)) else {
        return false;
    };
    let complete = outcome.complete.get(c).copied().unwrap_or(true);
    match (def.kind, v) {
        (ConclusionKind::Tri, Value::Bool(false)) => true,
        (ConclusionKind::Word(MODALITY), Value::Word(w)) => *w == NOT_APPLICABLE,
        (ConclusionKind::Word(_), Value::Word(w)) => def.fallback == Some(*w),
        (ConclusionKind::Cites | ConclusionKind::Texts, Value::Ids(ids)) => {
            ids.is_empty() && complete
        }
        _ => false,
    }
}

/// The rules that could have established a value other than the negative one.
fn establishing_rules(program: &Program, c: ConclusionId) -> Vec<RuleId> {
    let Some(def) = program.conclusions.get(c) else {
        return Vec::new();
    };
    let mut out: Vec<RuleId> = Vec::new();
    for &(r, effect) in &def.effects {
        let counts = match effect {
            Effect::SetWord(_, w) => match def.kind {
                ConclusionKind::Word(MODALITY) => w != NOT_APPLICABLE,
                _ => def.fallback != Some(w),
            },
            _ => true,
        };
        if counts && !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// Each rule that could have established conclusion `c` and why it did not.
pub fn why_not(ev: &Evaluated<'_>, c: ConclusionId) -> Vec<WhyNot> {
    let program = ev.program();
    if !is_negative(program, &ev.outcome, c) {
        return Vec::new();
    }
    let mut rules = establishing_rules(program, c);
    // In the order of the law, as the bases are.
    rules.sort_by_key(|r| {
        program
            .rules
            .get(*r)
            .and_then(|x| x.cite)
            .and_then(|c| program.citations.get(c as usize))
    });
    rules
        .into_iter()
        .filter_map(|r| {
            let rule = program.rules.get(r)?;
            let failures = eval::why_not(program, &ev.facts, &ev.outcome, r);
            if failures.is_empty() {
                return None;
            }
            let reason = failures
                .iter()
                .map(|f| failure_text(ev, f))
                .collect::<Vec<_>>()
                .join("；");
            Some(WhyNot {
                rule: rule.name.clone(),
                cite: rule.cite.map(|x| program.cite(x)).unwrap_or_default(),
                reason,
            })
        })
        .collect()
}

/// Why one part failed, in words: `计数(…) = 2，不满 本人账户数标准 3个`.
pub fn failure_text(ev: &Evaluated<'_>, failure: &Failure) -> String {
    let program = ev.program();
    match failure {
        Failure::Compare {
            op, left, right, ..
        } => {
            let word = match op {
                CmpOp::Ge => "不满",
                CmpOp::Gt => "未超过",
                CmpOp::Le => "超过",
                CmpOp::Lt => "已达",
                CmpOp::Eq => "不是",
                CmpOp::Ne => "即是",
            };
            format!(
                "{}，{word} {}",
                side_text(ev, left, true),
                side_text(ev, right, false)
            )
        }
        Failure::Condition { span, reads } => {
            let text = snippet(program, *span);
            let values = reads_text(ev, reads);
            if values.len() == 1 && values.first().is_some_and(|v| v.starts_with(&text)) {
                values.join("")
            } else {
                format!("“{text}”不成立（{}）", values.join("，"))
            }
        }
        Failure::Unless { span, reads } => format!(
            "被排除：除非 {}（{}）",
            snippet(program, *span),
            reads_text(ev, reads).join("，")
        ),
        Failure::Overridden(x) => {
            let (name, cite) = program
                .rules
                .get(*x)
                .map_or(("?".into(), String::new()), |r| {
                    (
                        r.name.clone(),
                        r.cite.map(|c| program.cite(c)).unwrap_or_default(),
                    )
                });
            format!("被排除：规则“{name}”（{cite}）优先")
        }
        Failure::Open => "待定：所需事实未知".into(),
    }
}

/// A side of a failed comparison: a fact or computed value with its value, a standard with
/// its value in force, a number as written.
fn side_text(ev: &Evaluated<'_>, side: &Side, with_value: bool) -> String {
    let program = ev.program();
    let text = snippet(program, side.span);
    if let Some(f) = side.fact {
        return format!(
            "{text} = {}",
            fact_value(program, &ev.facts, &ev.presumed, f)
        );
    }
    if let Some(c) = side.conclusion {
        let v = super::shown(&super::conclusion_value(program, &ev.outcome, c));
        return if with_value {
            format!("{text} = {v}")
        } else {
            format!("{text}（{v}）")
        };
    }
    if let Some(p) = side.param {
        let shown = ev
            .outcome
            .params
            .get(p)
            .and_then(|c| c.version)
            .and_then(|v| program.params.get(p)?.versions.get(v))
            .map_or_else(|| "（未定）".to_string(), |v| v.shown.clone());
        return format!("{text} {shown}");
    }
    if side.constant {
        return text;
    }
    let ty = side.ty.unwrap_or(Type::Number);
    let value = fact_shown(program, ty, &side.value);
    if with_value {
        format!("{text} = {value}")
    } else {
        format!("{text}（{value}）")
    }
}

fn reads_text(ev: &Evaluated<'_>, reads: &[Read]) -> Vec<String> {
    let program = ev.program();
    reads
        .iter()
        .filter_map(|r| match r {
            Read::Fact(f) => Some(format!(
                "{} = {}",
                program.facts.get(*f)?.name,
                fact_value(program, &ev.facts, &ev.presumed, *f)
            )),
            Read::Conclusion(c) => Some(format!(
                "{} = {}",
                program.conclusions.get(*c)?.name,
                super::shown(&super::conclusion_value(program, &ev.outcome, *c))
            )),
        })
        .collect()
}

/// The items of a set conclusion still undecided (their rules undecided and not established
/// by another), sorted as the set is (citations by document and number, texts as text).
pub fn undecided(program: &Program, outcome: &Outcome, c: ConclusionId) -> Option<Vec<String>> {
    let def = program.conclusions.get(c)?;
    if !matches!(def.kind, ConclusionKind::Cites | ConclusionKind::Texts) {
        return None;
    }
    let members: &[u32] = match outcome.values.get(c) {
        Some(Value::Ids(ids)) => ids,
        _ => &[],
    };
    let mut ids: Vec<u32> = Vec::new();
    for &(r, effect) in &def.effects {
        let id = match effect {
            Effect::AddCite(_, id) | Effect::AddText(_, id) => id,
            _ => continue,
        };
        if outcome.rules.get(r) == Some(&Some(RuleStatus::Undecided))
            && !members.contains(&id)
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    Some(match def.kind {
        ConclusionKind::Cites => {
            ids.sort_by(|a, b| {
                program
                    .citations
                    .get(*a as usize)
                    .cmp(&program.citations.get(*b as usize))
            });
            ids.into_iter().map(|i| program.cite(i)).collect()
        }
        _ => {
            let mut t: Vec<String> = ids
                .into_iter()
                .filter_map(|i| program.texts.get(i as usize).cloned())
                .collect();
            t.sort();
            t
        }
    })
}

/// For an undecided 情态 conclusion: the strongest modality already established and the
/// strongest still open (`可以`, `应当`).
pub fn at_least(program: &Program, outcome: &Outcome, c: ConclusionId) -> Option<(String, String)> {
    let def = program.conclusions.get(c)?;
    if def.kind != ConclusionKind::Word(MODALITY) || outcome.values.get(c)?.is_known() {
        return None;
    }
    let (mut best, mut open): (Option<u16>, Option<u16>) = (None, None);
    for &(r, effect) in &def.effects {
        let Effect::SetWord(_, w) = effect else {
            continue;
        };
        match outcome.rules.get(r).copied().flatten() {
            Some(RuleStatus::Fired) => best = Some(best.map_or(w, |b| b.min(w))),
            Some(RuleStatus::Undecided) => open = Some(open.map_or(w, |o| o.min(w))),
            _ => {}
        }
    }
    let best = best?;
    let open = open.unwrap_or(best);
    Some((
        program.word(MODALITY, best).to_string(),
        program.word(MODALITY, open).to_string(),
    ))
}

/// The conclusions whose value would be different (open, mostly) without the facts the
/// closed world presumed: they rest on a presumption.
pub fn rest_on_presumption(ev: &Evaluated<'_>) -> Vec<bool> {
    let program = ev.program();
    let n = program.conclusions.len();
    if ev.presumed.is_empty() {
        return vec![false; n];
    }
    let open = eval::evaluate(
        program,
        &ev.given,
        eval::Options {
            needs: false,
            explain: false,
        },
    );
    (0..n)
        .map(|c| {
            super::conclusion_value(program, &open, c)
                != super::conclusion_value(program, &ev.outcome, c)
                || open.complete.get(c) != ev.outcome.complete.get(c)
        })
        .collect()
}

/// One question to put to the investigators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The fact it establishes.
    pub fact: String,
    /// The question, in legal words.
    pub question: String,
    /// The articles that make it matter.
    pub cite: String,
}

/// The questions for the facts that can still change the given conclusions (all when
/// empty), most decisive first: a fact needed by more conclusions first, then in the order
/// the conclusions list them.
pub fn questions(ev: &Evaluated<'_>, only: &[ConclusionId]) -> Vec<Question> {
    let mut score: Vec<(usize, usize, FactId)> = Vec::new();
    let mut place = 0usize;
    for (c, list) in ev.outcome.needs.iter().enumerate() {
        if !only.is_empty() && !only.contains(&c) {
            continue;
        }
        for &f in list {
            place += 1;
            match score.iter_mut().find(|(_, _, g)| *g == f) {
                Some(s) => s.0 += 1,
                None => score.push((1, place, f)),
            }
        }
    }
    score.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    score
        .into_iter()
        .filter_map(|(_, _, f)| question(ev, f))
        .collect()
}

/// The question for one fact: what it is in the words of its declaration, the standard it is
/// measured against, and the articles of the open rules that read it.
pub fn question(ev: &Evaluated<'_>, f: FactId) -> Option<Question> {
    let program = ev.program();
    let def = program.facts.get(f)?;
    let reading: Vec<RuleId> = (0..program.rules.len())
        .filter(|r| {
            program
                .rules
                .get(*r)
                .is_some_and(|x| x.reads_facts.contains(&f))
        })
        .collect();
    let open: Vec<RuleId> = reading
        .iter()
        .copied()
        .filter(|r| ev.outcome.rules.get(*r) == Some(&Some(RuleStatus::Undecided)))
        .collect();
    let rules = if open.is_empty() { &reading } else { &open };
    let what = if def.doc.is_empty() {
        def.name.clone()
    } else {
        def.doc.clone()
    };
    let text = match def.ty {
        Type::Bool => format!("是否{what}"),
        Type::Int | Type::Amount => match threshold(program, rules, f, ev) {
            Some(t) => format!("{}是否达到{}", def.name, super::quote::chinese_quantity(&t)),
            None => format!("{}（{what}）是多少", def.name),
        },
        Type::Enum(e) => format!("{}：{what}（{}）", def.name, program.enum_words(e)),
        Type::Words(e) => format!("{}：{what}（可多选：{}）", def.name, program.enum_words(e)),
        Type::Date => format!("{}：{what}（日期）", def.name),
        Type::List(_) => format!("{}：{what}（逐项列明）", def.name),
        _ => what,
    };
    Some(Question {
        fact: def.name.clone(),
        question: text,
        cite: cites(program, rules),
    })
}

/// The standard a count or amount is compared with in the given rules, as shown in force.
fn threshold(program: &Program, rules: &[RuleId], f: FactId, ev: &Evaluated<'_>) -> Option<String> {
    fn find(e: &crate::program::Expr, f: FactId, out: &mut Option<usize>) {
        if out.is_some() {
            return;
        }
        if let Node::Cmp(_, l, r, _) = &e.node {
            match (&l.node, &r.node) {
                (Node::Fact(g), Node::Param(p)) | (Node::Param(p), Node::Fact(g)) if *g == f => {
                    *out = Some(*p);
                    return;
                }
                _ => {}
            }
        }
        eval::needs::each_child(e, |x| find(x, f, out));
    }
    let mut found = None;
    for r in rules {
        if let Some(rule) = program.rules.get(*r) {
            find(&rule.when, f, &mut found);
        }
    }
    let p = found?;
    let version = ev.outcome.params.get(p)?.version?;
    Some(program.params.get(p)?.versions.get(version)?.shown.clone())
}

/// The citations of rules, sorted by document and number; more than two items of the same
/// provision are named by the provision.
fn cites(program: &Program, rules: &[RuleId]) -> String {
    let mut paths: Vec<crate::syntax::ast::CitationPath> = rules
        .iter()
        .filter_map(|r| program.rules.get(*r)?.cite)
        .filter_map(|c| program.citations.get(c as usize).cloned())
        .collect();
    paths.sort();
    paths.dedup();
    if paths.len() > 2 {
        paths = paths
            .into_iter()
            .map(|p| {
                if p.item.is_some() {
                    p.parent().unwrap_or(p)
                } else {
                    p
                }
            })
            .collect();
        paths.sort();
        paths.dedup();
    }
    paths
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("、")
}
