//! Reports: an evaluation turned into one [`Report`] model, then drawn as text (a Chinese
//! report a prosecutor could paste into a memo), JSON (CONTRACT.md §5) or Markdown.

mod explain;
mod json;
mod markdown;
pub mod open;
pub mod quote;
mod text;
mod validity;
mod values;

pub use explain::explain;
pub use json::to_json;
pub use markdown::to_markdown;
pub use text::escape as escape_text;
pub use text::{questions_text, to_text};
pub use values::ValueWriter;

use crate::eval::{Outcome, RuleStatus};
use crate::program::value::Value;
use crate::program::{ConclusionKind, FactId, Program, Type, MODALITY};
use crate::rules::Evaluated;
use crate::ruleset::RuleSet;
use serde_json::{json, Value as J};

/// Which rule set produced a result.
#[derive(Debug, Clone)]
pub struct RulesInfo {
    /// Folder or `embedded`.
    pub source: String,
    /// Fingerprint.
    pub fingerprint: String,
}

impl RulesInfo {
    /// From a rule set.
    pub fn of(rules: &RuleSet) -> RulesInfo {
        RulesInfo {
            source: rules.origin.clone(),
            fingerprint: rules.fingerprint.clone(),
        }
    }
}

/// One rule that established a conclusion.
#[derive(Debug, Clone)]
pub struct Basis {
    /// The rule's name.
    pub rule: String,
    /// Its citation.
    pub cite: String,
    /// The article text it quotes.
    pub text: String,
    /// The facts its conditions read, as (name, JSON value, display).
    pub facts: Vec<(String, J, String)>,
    /// The parameters it read, as (name, display with source).
    pub params: Vec<(String, String)>,
    /// The conclusions it read, as (name, display).
    pub uses: Vec<(String, String)>,
    /// Values the rule computed and compared (`计数(…)`, `合计(…)`, 周岁), as (its text, display).
    pub computed: Vec<(String, String)>,
}

/// One rule that could have established a conclusion and why it did not.
#[derive(Debug, Clone)]
pub struct WhyNot {
    /// The rule's name.
    pub rule: String,
    /// Its citation.
    pub cite: String,
    /// Why not: the failed condition with its values, or what defeated it.
    pub reason: String,
}

/// One conclusion of a case.
#[derive(Debug, Clone)]
pub struct ConclusionReport {
    /// Its name.
    pub name: String,
    /// The value as JSON (CONTRACT.md §5).
    pub value: J,
    /// The value for people: 是, 否, 待定, 可以, a list of citations…
    pub shown: String,
    /// The rules that fired for it.
    pub because: Vec<Basis>,
    /// Unknown facts that could still change it, most decisive first.
    pub needs: Vec<String>,
    /// Whether the value is 否, 不适用 or a settled empty set (a why-not is given).
    pub negative: bool,
    /// For 否, 不适用 or an empty set: each rule that could have established it, and why not.
    pub why_not: Vec<WhyNot>,
    /// For a set conclusion: the items not yet decided either way.
    pub undecided: Option<Vec<String>>,
    /// For an undecided 情态: the strongest modality already established, and the strongest
    /// still open (`可以`, `应当`).
    pub at_least: Option<(String, String)>,
    /// Whether the value rests on a fact the closed world presumed.
    pub presumed: bool,
    /// A helper conclusion (its description says 辅助结论): drawn for other conclusions'
    /// rules, shown apart.
    pub helper: bool,
}

/// The whole result for one case.
#[derive(Debug, Clone)]
pub struct Report {
    /// The rule set.
    pub rules: RulesInfo,
    /// `案件`
    pub case: Option<String>,
    /// `说明`: the case's own account.
    pub note: Option<String>,
    /// The date the report was produced.
    pub produced: String,
    /// The version of `ruling` that produced it.
    pub version: String,
    /// Whether the closed world was applied.
    pub closed_world: bool,
    /// The facts the closed world presumed, by name.
    pub presumed: Vec<String>,
    /// What to establish next, most decisive first.
    pub questions: Vec<open::Question>,
    /// Every conclusion, in declaration order.
    pub conclusions: Vec<ConclusionReport>,
    /// Evaluation errors, rendered.
    pub errors: Vec<String>,
}

/// The JSON value of a conclusion: true/false/null, a word or null, a sorted array of
/// strings; written by the same [`ValueWriter`] as the batch engine's lines.
pub fn conclusion_value(program: &Program, outcome: &Outcome, c: usize) -> J {
    let mut out = Vec::new();
    program
        .value_writer()
        .value(program, outcome, c, &mut Vec::new(), &mut out);
    serde_json::from_slice(&out).unwrap_or(J::Null)
}

/// A fact's value as JSON, for the `facts` of a basis.
pub fn fact_json(program: &Program, ty: Type, value: &Value) -> J {
    match (ty, value) {
        (_, Value::Unknown) => J::Null,
        (_, Value::Bool(b)) => J::Bool(*b),
        (Type::Int, Value::Num(n)) => n
            .to_string()
            .parse::<i64>()
            .map_or(J::String(n.to_string()), |i| json!(i)),
        (_, Value::Num(n)) => J::String(n.normalize().to_string()),
        (_, Value::Date(d)) => J::String(d.to_string()),
        (_, Value::Period(p)) => J::String(p.to_string()),
        (_, Value::Text(t)) => J::String(t.to_string()),
        (Type::Enum(e), Value::Word(w)) => J::String(program.word(e, *w).to_string()),
        (Type::Words(e), Value::Words(m)) => {
            J::Array(words(program, e, *m).into_iter().map(J::String).collect())
        }
        (Type::List(r), Value::List(items)) => {
            let fields = program.fields(r);
            J::Array(
                items
                    .iter()
                    .map(|rec| {
                        let mut o = serde_json::Map::new();
                        for ((name, t), v) in fields.iter().zip(rec.iter()) {
                            o.insert(name.clone(), fact_json(program, *t, v));
                        }
                        J::Object(o)
                    })
                    .collect(),
            )
        }
        _ => J::Null,
    }
}

fn words(program: &Program, e: usize, mask: u64) -> Vec<String> {
    (0..64u16)
        .filter(|w| mask & (1u64 << w) != 0)
        .map(|w| program.word(e, w).to_string())
        .collect()
}

/// A fact's value for people.
pub fn fact_shown(program: &Program, ty: Type, value: &Value) -> String {
    match (ty, value) {
        (_, Value::Unknown) => "未知".into(),
        (_, Value::Bool(true)) => "是".into(),
        (_, Value::Bool(false)) => "否".into(),
        (Type::Amount, Value::Num(n)) => format!("{}元", n.normalize()),
        (_, Value::Num(n)) => n.normalize().to_string(),
        (Type::Words(e), Value::Words(m)) => {
            let w = words(program, e, *m);
            if w.is_empty() {
                "无".into()
            } else {
                w.join("、")
            }
        }
        (Type::List(r), Value::List(items)) => {
            let fields = program.fields(r);
            if items.is_empty() {
                return "无".into();
            }
            let shown: Vec<String> = items
                .iter()
                .map(|rec| {
                    fields
                        .iter()
                        .zip(rec.iter())
                        .map(|((_, t), v)| fact_shown(program, *t, v))
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .collect();
            format!("{}项（{}）", items.len(), shown.join("；"))
        }
        _ => fact_json(program, ty, value)
            .as_str()
            .map(str::to_string)
            .unwrap_or_default(),
    }
}

/// A conclusion's value for people.
pub fn shown(value: &J) -> String {
    match value {
        J::Bool(true) => "是".into(),
        J::Bool(false) => "否".into(),
        J::Null => "待定".into(),
        J::String(s) => s.clone(),
        J::Array(a) if a.is_empty() => "无".into(),
        J::Array(a) => a
            .iter()
            .filter_map(J::as_str)
            .collect::<Vec<_>>()
            .join("；"),
        other => other.to_string(),
    }
}

/// The basis of a fired rule.
pub fn basis(program: &Program, facts: &[Value], outcome: &Outcome, r: usize) -> Option<Basis> {
    let rule = program.rules.get(r)?;
    let case_facts = facts;
    let facts = rule
        .reads_facts
        .iter()
        .filter_map(|&f| {
            let def = program.facts.get(f)?;
            let v = facts.get(f)?;
            Some((
                def.name.clone(),
                fact_json(program, def.ty, v),
                fact_shown(program, def.ty, v),
            ))
        })
        .collect();
    let params = rule
        .reads_params
        .iter()
        .filter_map(|&p| {
            let def = program.params.get(p)?;
            let choice = outcome.params.get(p)?;
            let shown = validity::param_shown(program, case_facts, def, choice);
            Some((def.name.clone(), shown))
        })
        .collect();
    let uses = rule
        .reads_conclusions
        .iter()
        .filter_map(|&c| {
            Some((
                program.conclusions.get(c)?.name.clone(),
                shown(&conclusion_value(program, outcome, c)),
            ))
        })
        .collect();
    let computed = outcome
        .computed
        .get(r)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|c| {
            let text = program
                .sources
                .snippet(c.span)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let ty = c.ty.unwrap_or(Type::Number);
            (text, fact_shown(program, ty, &c.value))
        })
        .collect();
    Some(Basis {
        uses,
        computed,
        rule: rule.name.clone(),
        cite: rule.cite.map(|c| program.cite(c)).unwrap_or_default(),
        text: rule.text.clone().unwrap_or_default(),
        facts,
        params,
    })
}

/// Builds the report model of one evaluated case: every conclusion with its value, the rules
/// that established it, what is still needed, and, in the closed world, the presumed facts
/// marked as presumed.
pub fn build(ev: &Evaluated<'_>) -> Report {
    let program = ev.program();
    let (facts, outcome) = (&ev.facts, &ev.outcome);
    let rests = open::rest_on_presumption(ev);
    let conclusions = program
        .conclusions
        .iter()
        .enumerate()
        .map(|(c, def)| {
            let value = conclusion_value(program, outcome, c);
            let mut fired: Vec<usize> = def
                .rules
                .iter()
                .copied()
                .filter(|r| outcome.rules.get(*r) == Some(&Some(RuleStatus::Fired)))
                .collect();
            // In the order of the law, not of the rule files.
            fired.sort_by_key(|r| {
                program
                    .rules
                    .get(*r)
                    .and_then(|x| x.cite)
                    .and_then(|c| program.citations.get(c as usize))
            });
            let because = fired
                .into_iter()
                .filter_map(|r| basis(program, facts, outcome, r))
                .map(|mut b| {
                    mark_presumed(&mut b, program, &ev.presumed);
                    b
                })
                .collect();
            let needs = outcome
                .needs
                .get(c)
                .map(|n| {
                    n.iter()
                        .filter_map(|f| program.facts.get(*f))
                        .map(|f| f.name.clone())
                        .collect()
                })
                .unwrap_or_default();
            let at_least = open::at_least(program, outcome, c);
            let undecided = open::undecided(program, outcome, c);
            let mut shown_value = shown(&by_number(program, def.kind, &value));
            if value.is_null() && def.kind == ConclusionKind::Word(MODALITY) {
                shown_value = match &at_least {
                    Some((floor, open)) => format!("至少{floor}（{open}待定）"),
                    None => "待定".into(),
                };
            }
            ConclusionReport {
                name: def.name.clone(),
                shown: shown_value,
                value,
                because,
                needs,
                negative: open::is_negative(program, outcome, c),
                why_not: open::why_not(ev, c),
                undecided,
                at_least,
                presumed: rests.get(c).copied().unwrap_or(false),
                helper: def.doc.contains("辅助结论"),
            }
        })
        .collect();
    Report {
        rules: RulesInfo::of(ev.rules.set()),
        case: ev.case_id.clone(),
        note: ev.note.clone(),
        produced: quote::produced_date(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        closed_world: ev.closed_world,
        presumed: ev
            .presumed
            .iter()
            .filter_map(|f| program.facts.get(*f))
            .map(|f| f.name.clone())
            .collect(),
        questions: open::questions(ev, &[]),
        conclusions,
        errors: outcome.errors.iter().map(|d| d.message.clone()).collect(),
    }
}

/// A set of citations in the order of the law (document, then article, paragraph and item
/// by number: 第2条 before 第10条) for people; the JSON keeps the order of the contract.
fn by_number(program: &Program, kind: ConclusionKind, value: &J) -> J {
    let (ConclusionKind::Cites, J::Array(items)) = (kind, value) else {
        return value.clone();
    };
    let path = |s: &str| {
        (0..program.citations.len())
            .find(|i| program.cite(u32::try_from(*i).unwrap_or(u32::MAX)) == s)
            .and_then(|i| program.citations.get(i))
    };
    let mut sorted = items.clone();
    sorted.sort_by(|a, b| {
        let (a, b) = (a.as_str().unwrap_or(""), b.as_str().unwrap_or(""));
        path(a).cmp(&path(b)).then(a.cmp(b))
    });
    J::Array(sorted)
}

/// Marks, in a basis, the facts the closed world presumed: their value (否, 0, 无) was not
/// found, and a reader must be able to tell.
fn mark_presumed(basis: &mut Basis, program: &Program, presumed: &[FactId]) {
    for (name, _, shown) in &mut basis.facts {
        let was_presumed = presumed
            .iter()
            .filter_map(|f| program.facts.get(*f))
            .any(|f| f.name == *name);
        if was_presumed {
            shown.push_str("（未填写，按封闭世界推定）");
        }
    }
}
