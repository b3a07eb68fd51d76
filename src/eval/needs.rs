//! `needs`: for each conclusion still open, the unknown facts that can still change it, most
//! decisive first.
//!
//! A fact is listed only if some value of it could change the conclusion, whatever the other
//! unknown facts turn out to be. That is decided by search over the conclusion's unknown
//! inputs, with three-valued evaluation as the bound: once the facts assigned so far decide the
//! conclusion with the fact in question still unknown, no value of it can change anything
//! there, and the branch is closed. Facts whose values can be enumerated (布尔, 枚举, small
//! sets of words, counts and amounts compared only with a standard or a number) are assigned;
//! the others (dates, lists of records, texts) stay unknown, and where they keep the conclusion
//! open the fact in question is listed: a sound over-approximation, never an omission. The
//! search is bounded ([`BUDGET`] evaluations per fact; past it the fact is listed), and runs
//! only for conclusions with at most [`MAX_EXACT`] open inputs; beyond, all are listed.

use super::{Evaluator, Outcome, ParamChoice};
use crate::program::value::Value;
use crate::program::{ConclusionId, Expr, FactId, Node, Program, RuleId, Type};
use rust_decimal::Decimal;

/// The most evaluations spent deciding whether one fact matters to one conclusion.
pub const BUDGET: usize = 400;

/// The most open inputs a conclusion may have for its needs to be searched exactly; beyond,
/// every open input is listed (sound, and what the search would mostly find anyway: with that
/// many facts open, most can still matter).
pub const MAX_EXACT: usize = 12;

/// The most words of a set fact whose every subset is tried.
const MAX_SET_WORDS: usize = 4;

/// The conclusions `c` depends on (its rules' conclusions, and those of the rules that can
/// defeat them, transitively), with `c`, in evaluation order.
pub fn cone(program: &Program, c: ConclusionId) -> Vec<ConclusionId> {
    let mut inside = vec![false; program.conclusions.len()];
    let mut stack = vec![c];
    let mut seen_rule = vec![false; program.rules.len()];
    while let Some(x) = stack.pop() {
        match inside.get_mut(x) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        let Some(def) = program.conclusions.get(x) else {
            continue;
        };
        let mut rules: Vec<RuleId> = def.rules.clone();
        while let Some(r) = rules.pop() {
            match seen_rule.get_mut(r) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            if let Some(rule) = program.rules.get(r) {
                stack.extend(rule.reads_conclusions.iter().copied());
                rules.extend(rule.defeated_by.iter().copied());
            }
        }
    }
    program
        .order
        .iter()
        .copied()
        .filter(|x| inside.get(*x).copied().unwrap_or(false))
        .collect()
}

/// The rules evaluated for the conclusions of a cone (their own rules and the rules that can
/// defeat them).
fn cone_rules(program: &Program, cone: &[ConclusionId]) -> Vec<RuleId> {
    let mut seen = vec![false; program.rules.len()];
    let mut out = Vec::new();
    let mut stack: Vec<RuleId> = cone
        .iter()
        .filter_map(|c| program.conclusions.get(*c))
        .flat_map(|d| d.rules.iter().copied())
        .collect();
    while let Some(r) = stack.pop() {
        match seen.get_mut(r) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        out.push(r);
        if let Some(rule) = program.rules.get(r) {
            stack.extend(rule.defeated_by.iter().copied());
        }
    }
    out
}

/// Evaluates only the conclusions of `cone`, with the parameter choices already made.
fn evaluate_cone(
    program: &Program,
    facts: &[Value],
    params: &[ParamChoice],
    cone: &[ConclusionId],
    out: &mut Outcome,
) {
    out.params.clear();
    out.params.extend_from_slice(params);
    super::reset(&mut out.values, program.conclusions.len(), Value::Unknown);
    super::reset(&mut out.complete, program.conclusions.len(), true);
    super::reset(&mut out.rules, program.rules.len(), None);
    out.recycled.clear();
    out.recycled.resize(program.conclusions.len(), None);
    out.errors.clear();
    let mut ev = Evaluator {
        program,
        facts,
        out,
        record: None,
    };
    for &c in cone {
        ev.conclude(c);
    }
}

/// A conclusion's value as evaluation left it: `None` while open (unknown, or a set some of
/// whose rules are undecided).
fn decided(out: &Outcome, c: ConclusionId) -> Option<&Value> {
    let v = out.values.get(c)?;
    (v.is_known() && out.complete.get(c).copied().unwrap_or(true)).then_some(v)
}

/// The values a fact is tried with, or `None` when they cannot be enumerated.
pub fn domain(program: &Program, f: FactId) -> Option<Vec<Value>> {
    let def = program.facts.get(f)?;
    match def.ty {
        Type::Bool => Some(vec![Value::Bool(true), Value::Bool(false)]),
        Type::Enum(e) => {
            let n = program.enums.get(e)?.words.len();
            Some(
                (0..n)
                    .filter_map(|w| u16::try_from(w).ok())
                    .map(Value::Word)
                    .collect(),
            )
        }
        Type::Words(e) => {
            let n = program.enums.get(e)?.words.len();
            if n > MAX_SET_WORDS {
                return None;
            }
            Some((0..1u64 << n).map(Value::Words).collect())
        }
        Type::Int | Type::Amount => numeric_domain(program, f, def.ty),
        _ => None,
    }
}

/// A count or amount is enumerable when every place it is read compares it directly with a
/// standard or a number: then only which side of each threshold it falls on matters, and
/// zero, each threshold and the values one unit either side of it cover every case.
fn numeric_domain(program: &Program, f: FactId, ty: Type) -> Option<Vec<Value>> {
    let step = if ty == Type::Int {
        Decimal::ONE
    } else {
        Decimal::new(1, 2)
    };
    let mut thresholds: Vec<Decimal> = Vec::new();
    let mut other_use = false;
    for rule in &program.rules {
        if !rule.reads_facts.contains(&f) {
            continue;
        }
        for e in std::iter::once(&rule.when).chain(&rule.unless) {
            scan(program, e, f, &mut thresholds, &mut other_use);
        }
    }
    if other_use {
        return None;
    }
    let mut values = vec![Decimal::ZERO];
    for t in thresholds {
        values.push(t);
        values.push(t + step);
        if t >= step {
            values.push(t - step);
        }
    }
    values.sort();
    values.dedup();
    Some(values.into_iter().map(Value::Num).collect())
}

fn scan(program: &Program, e: &Expr, f: FactId, out: &mut Vec<Decimal>, other: &mut bool) {
    let number = |x: &Expr| -> Option<Vec<Decimal>> {
        match &x.node {
            Node::Const(Value::Num(n)) => Some(vec![*n]),
            Node::Param(p) => program.params.get(*p).map(|p| {
                p.versions
                    .iter()
                    .filter_map(|v| match v.value {
                        Value::Num(n) => Some(n),
                        _ => None,
                    })
                    .collect()
            }),
            _ => None,
        }
    };
    let is_f = |x: &Expr| matches!(x.node, Node::Fact(g) if g == f);
    match &e.node {
        Node::Fact(g) if *g == f => *other = true,
        Node::Cmp(_, l, r, _) if is_f(l) || is_f(r) => {
            let side = if is_f(l) { r } else { l };
            match number(side) {
                Some(ns) => out.extend(ns),
                None => *other = true,
            }
        }
        Node::Known(x, _) if is_f(x) => {}
        _ => each_child(e, |x| scan(program, x, f, out, other)),
    }
}

/// Calls `visit` on each direct sub-expression.
pub fn each_child<'a>(e: &'a Expr, mut visit: impl FnMut(&'a Expr)) {
    match &e.node {
        Node::Const(_) | Node::Fact(_) | Node::Param(_) | Node::Conclusion(_) | Node::Field(_) => {}
        Node::Not(x) | Node::Neg(x) | Node::NonEmpty(x, _) | Node::Known(x, _) => visit(x),
        Node::And(a, b)
        | Node::Or(a, b)
        | Node::Cmp(_, a, b, _)
        | Node::Member(a, b, _, _)
        | Node::Arith(_, a, b)
        | Node::DateShift(_, a, b)
        | Node::Age(a, b) => {
            visit(a);
            visit(b);
        }
        Node::Within(a, b, c) => {
            visit(a);
            visit(b);
            visit(c);
        }
        Node::Aggregate(_, list, _, filter) => {
            visit(list);
            if let Some(x) = filter {
                visit(x);
            }
        }
    }
}

/// Whether a fact is still open: unknown, or holding a word its enumeration marks 待定.
pub fn fact_open(program: &Program, facts: &[Value], f: FactId) -> bool {
    match facts.get(f) {
        None | Some(Value::Unknown) => true,
        Some(Value::Word(w)) => program.facts.get(f).is_some_and(|d| match d.ty {
            Type::Enum(e) => program
                .enums
                .get(e)
                .and_then(|x| x.pending.get(usize::from(*w)))
                .copied()
                .unwrap_or(false),
            _ => false,
        }),
        _ => false,
    }
}

/// For each open conclusion, the candidates to be tried, in fact order: the open facts read by
/// its undecided rules (and the undecided rules that can defeat them), and the candidates of the
/// open conclusions those rules read. A decided rule stays decided whatever the unknown facts
/// turn out to be (three-valued evaluation is monotone), so nothing else can matter — except
/// through `已知`/`未知`, whose open facts are added. The date of the conduct is among them when
/// a standard cannot be chosen without it.
fn all_candidates(program: &Program, facts: &[Value], ev: &Outcome) -> Vec<Vec<FactId>> {
    let mut out: Vec<Vec<FactId>> = vec![Vec::new(); program.conclusions.len()];
    let undecided = |r: RuleId| ev.rules.get(r) == Some(&Some(super::RuleStatus::Undecided));
    for &c in &program.order {
        if decided(ev, c).is_some() {
            continue;
        }
        let Some(def) = program.conclusions.get(c) else {
            continue;
        };
        let mut set: Vec<FactId> = Vec::new();
        let mut rules: Vec<RuleId> = def
            .rules
            .iter()
            .copied()
            .filter(|r| undecided(*r))
            .collect();
        let overriders: Vec<RuleId> = rules
            .iter()
            .filter_map(|r| program.rules.get(*r))
            .flat_map(|r| r.defeated_by.iter().copied())
            .filter(|x| undecided(*x))
            .collect();
        rules.extend(overriders);
        for r in rules {
            let Some(rule) = program.rules.get(r) else {
                continue;
            };
            set.extend(
                rule.reads_facts
                    .iter()
                    .copied()
                    .filter(|f| fact_open(program, facts, *f)),
            );
            let unknown_param = rule
                .reads_params
                .iter()
                .any(|p| super::param_value(program, &ev.params, *p).is_none_or(|v| !v.is_known()));
            if unknown_param {
                set.extend(program.conduct_date);
            }
            for &d in &rule.reads_conclusions {
                if let Some(more) = out.get(d) {
                    set.extend(more.iter().copied());
                }
            }
        }
        if let Some(known) = known_facts(program, &cone_rules(program, &cone(program, c))) {
            set.extend(known.into_iter().filter(|f| fact_open(program, facts, *f)));
        }
        set.sort_unstable();
        set.dedup();
        if let Some(slot) = out.get_mut(c) {
            *slot = set;
        }
    }
    out
}

/// The facts read by `已知`/`未知` in the given rules; `None` when one reads something else.
fn known_facts(program: &Program, rules: &[RuleId]) -> Option<Vec<FactId>> {
    fn walk(e: &Expr, out: &mut Vec<FactId>, bad: &mut bool) {
        if let Node::Known(x, _) = &e.node {
            match x.node {
                Node::Fact(f) => out.push(f),
                _ => *bad = true,
            }
        }
        each_child(e, |x| walk(x, out, bad));
    }
    let mut out = Vec::new();
    let mut bad = false;
    for r in rules {
        if let Some(rule) = program.rules.get(*r) {
            for e in std::iter::once(&rule.when).chain(&rule.unless) {
                walk(e, &mut out, &mut bad);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    (!bad).then_some(out)
}

/// The search for one conclusion.
struct Search<'a> {
    program: &'a Program,
    params: &'a [ParamChoice],
    cone: &'a [ConclusionId],
    c: ConclusionId,
    work: Vec<Value>,
    scratch: Outcome,
    spent: usize,
    /// The facts read by `已知`/`未知` in the cone.
    known: Vec<FactId>,
}

impl Search<'_> {
    /// The conclusion's value with the facts as `work` holds them now (cloned: a set's members
    /// are shared, so this is cheap).
    fn value(&mut self) -> Option<Value> {
        self.spent += 1;
        evaluate_cone(
            self.program,
            &self.work,
            self.params,
            self.cone,
            &mut self.scratch,
        );
        decided(&self.scratch, self.c).cloned()
    }

    /// Whether some value of `f` changes the conclusion under some values of `rest` (assigned
    /// in order) and of the facts not enumerated. `f` keeps its current (open) value while
    /// the others are assigned. `unsettled` counts the facts read by `已知`/`未知` not yet
    /// assigned (they come first in `rest`, and `f` among them when it is one): while any is
    /// open, a value decided with `f` open proves nothing, since `已知(x)` changes when x is
    /// given, so the branch is not closed early.
    fn matters(
        &mut self,
        f: FactId,
        dom: Option<&[Value]>,
        rest: &[(FactId, Vec<Value>)],
        unsettled: usize,
    ) -> bool {
        if self.spent > BUDGET {
            return true;
        }
        if unsettled == 0 && self.value().is_some() {
            return false;
        }
        if let Some(((g, values), more)) = rest.split_first() {
            let saved = self.work.get(*g).cloned().unwrap_or(Value::Unknown);
            let left = if self.known.contains(g) {
                unsettled.saturating_sub(1)
            } else {
                unsettled
            };
            for v in values {
                if let Some(slot) = self.work.get_mut(*g) {
                    *slot = v.clone();
                }
                if self.matters(f, dom, more, left) {
                    if let Some(slot) = self.work.get_mut(*g) {
                        *slot = saved;
                    }
                    return true;
                }
            }
            if let Some(slot) = self.work.get_mut(*g) {
                *slot = saved;
            }
            return false;
        }
        let Some(dom) = dom else {
            return true;
        };
        let saved = self.work.get(f).cloned().unwrap_or(Value::Unknown);
        let mut first: Option<Value> = None;
        let mut differs = false;
        for v in dom {
            if let Some(slot) = self.work.get_mut(f) {
                *slot = v.clone();
            }
            match (self.value(), &first) {
                (None, _) => differs = true,
                (Some(x), None) => first = Some(x),
                (Some(x), Some(y)) => differs |= x != *y,
            }
            if differs {
                break;
            }
        }
        if let Some(slot) = self.work.get_mut(f) {
            *slot = saved;
        }
        differs
    }

    /// Whether some single value of `f`, the other facts left as they are, decides the
    /// conclusion: such a fact is asked first.
    fn decides_alone(&mut self, f: FactId, dom: Option<&[Value]>) -> bool {
        let Some(dom) = dom else {
            return false;
        };
        let saved = self.work.get(f).cloned().unwrap_or(Value::Unknown);
        let mut found = false;
        for v in dom {
            if let Some(slot) = self.work.get_mut(f) {
                *slot = v.clone();
            }
            if self.value().is_some() {
                found = true;
                break;
            }
        }
        if let Some(slot) = self.work.get_mut(f) {
            *slot = saved;
        }
        found
    }
}

/// For each open conclusion, the facts that can still change it, most decisive first: those
/// one answer can settle the conclusion with first, then those that matter to more open
/// conclusions, then in declaration order.
pub fn needs(program: &Program, facts: &[Value], ev: &Outcome) -> Vec<Vec<FactId>> {
    let n = program.conclusions.len();
    let mut out: Vec<Vec<FactId>> = vec![Vec::new(); n];
    let mut alone: Vec<Vec<bool>> = vec![Vec::new(); n];
    let mut domains: Vec<Option<Option<Vec<Value>>>> = vec![None; program.facts.len()];
    let candidates = all_candidates(program, facts, ev);
    for c in 0..n {
        if decided(ev, c).is_some() {
            continue;
        }
        let cone = cone(program, c);
        let cands = candidates.get(c).cloned().unwrap_or_default();
        for &f in &cands {
            if let Some(slot) = domains.get_mut(f) {
                if slot.is_none() {
                    *slot = Some(domain(program, f));
                }
            }
        }
        let dom_of = |f: FactId| domains.get(f).and_then(|d| d.clone()).flatten();
        if cands.len() > MAX_EXACT {
            if let Some(slot) = out.get_mut(c) {
                slot.clone_from(&cands);
            }
            continue;
        }
        let Some(known) = known_facts(program, &cone_rules(program, &cone)) else {
            // `已知` over something other than a fact: no bound is sound; every candidate.
            if let Some(slot) = out.get_mut(c) {
                slot.clone_from(&cands);
            }
            continue;
        };
        let known_open: Vec<FactId> = known
            .iter()
            .copied()
            .filter(|f| fact_open(program, facts, *f))
            .collect();
        if known_open.iter().any(|f| dom_of(*f).is_none()) {
            // An open fact under `已知` that cannot be enumerated: likewise.
            if let Some(slot) = out.get_mut(c) {
                slot.clone_from(&cands);
            }
            continue;
        }
        let mut enumerable: Vec<(FactId, Vec<Value>)> = cands
            .iter()
            .filter_map(|&f| dom_of(f).map(|d| (f, d)))
            .collect();
        let mut search = Search {
            program,
            params: &ev.params,
            cone: &cone,
            c,
            work: facts.to_vec(),
            scratch: Outcome::default(),
            spent: 0,
            known: known_open.clone(),
        };
        // The facts under `已知` first, so that the bound applies as soon as they are given;
        // then those one answer of which settles the conclusion: assigned early, they close
        // branches at once (有相反证据 before the presumptions it rebuts).
        let alone_of: Vec<(FactId, bool)> = cands
            .iter()
            .map(|&f| (f, search.decides_alone(f, dom_of(f).as_deref())))
            .collect();
        let alone_at = |f: FactId| alone_of.iter().any(|(g, a)| *g == f && *a);
        enumerable.sort_by_key(|(f, _)| (!known_open.contains(f), !alone_at(*f)));
        let mut listed = Vec::new();
        let mut decisive = Vec::new();
        for &f in &cands {
            let dom = dom_of(f);
            let rest: Vec<(FactId, Vec<Value>)> = enumerable
                .iter()
                .filter(|(g, _)| *g != f)
                .cloned()
                .collect();
            search.spent = 0;
            let unsettled = known_open.len();
            if search.matters(f, dom.as_deref(), &rest, unsettled) {
                listed.push(f);
                decisive.push(alone_at(f));
            }
        }
        if let Some(slot) = out.get_mut(c) {
            *slot = listed;
        }
        if let Some(slot) = alone.get_mut(c) {
            *slot = decisive;
        }
    }
    let mut breadth = vec![0usize; program.facts.len()];
    for list in &out {
        for &f in list {
            if let Some(b) = breadth.get_mut(f) {
                *b += 1;
            }
        }
    }
    for (list, decisive) in out.iter_mut().zip(&alone) {
        // Lists taken whole (no search) have no `decisive` marks: none is put first.
        let mut keyed: Vec<(bool, usize, FactId)> = list
            .iter()
            .enumerate()
            .map(|(i, &f)| {
                let d = decisive.get(i).copied().unwrap_or(false);
                (d, breadth.get(f).copied().unwrap_or(0), f)
            })
            .collect();
        keyed.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        *list = keyed.into_iter().map(|(_, _, f)| f).collect();
    }
    out
}
