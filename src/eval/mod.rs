//! Evaluation of a compiled [`Program`] against one case: each conclusion once, in dependency
//! order, over indices only. Three-valued throughout: an unknown fact yields 待定, never false.
//!
//! What a report needs beyond the values (which rules fired, failed or were defeated, which
//! facts are still needed) is kept in the [`Outcome`]; the `needs` analysis runs only when
//! asked for, so that batch evaluation pays nothing for it.

pub mod calendar;
mod explain;
pub mod needs;
mod whynot;

use explain::computed_operands;
pub use explain::Computed;
pub use whynot::{why_not, Failure, Read, Side};

use crate::diag::{Code, Diagnostic};
use crate::program::value::{self, Record, Tri, Value};
use crate::program::{
    ConclusionKind, Effect, Expr, Node, ParamId, Program, RuleId, MODALITY, NOT_APPLICABLE,
};
use crate::syntax::ast::{AggregateOp, ArithOp, CmpOp, Favour};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

/// How to evaluate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Compute, for undecided conclusions, the unknown facts that could decide them.
    pub needs: bool,
    /// Keep, for every rule evaluated, the values its comparisons computed (`计数(…) = 2`),
    /// so that an explanation shows them without evaluating again.
    pub explain: bool,
}

/// What became of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleStatus {
    /// Its condition held and nothing defeated it.
    Fired,
    /// Its condition did not hold.
    NotApplicable,
    /// Its `除非` condition (by index) held.
    DefeatedByUnless(usize),
    /// A rule declared `优先于` it fired.
    DefeatedByRule(RuleId),
    /// Undecided: some fact it needs is unknown.
    Undecided,
}

impl RuleStatus {
    /// What became of a rule, in a word (成立, 不成立, 被排除, 待定; 未评估 for a rule no
    /// conclusion needed).
    pub fn word(status: Option<RuleStatus>) -> &'static str {
        match status {
            Some(RuleStatus::Fired) => "成立",
            Some(RuleStatus::NotApplicable) => "不成立",
            Some(RuleStatus::DefeatedByUnless(_)) | Some(RuleStatus::DefeatedByRule(_)) => "被排除",
            Some(RuleStatus::Undecided) => "待定",
            None => "未评估",
        }
    }
}

/// Which value of a parameter was used, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamChoice {
    /// The version index, or `None` when no value could be chosen (unknown 行为日期).
    pub version: Option<usize>,
    /// The later, more lenient value was applied (刑法第12条, 从旧兼从轻).
    pub lenient: bool,
}

/// The result of one evaluation.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Conclusion values by index; [`Value::Unknown`] is 待定. Sets are the members established.
    pub values: Vec<Value>,
    /// For set conclusions: whether every rule was decided.
    pub complete: Vec<bool>,
    /// Every rule's status (rules no conclusion needed stay `None`).
    pub rules: Vec<Option<RuleStatus>>,
    /// Parameter values used.
    pub params: Vec<ParamChoice>,
    /// For each undecided conclusion, the unknown facts it still depends on (with `needs`).
    pub needs: Vec<Vec<usize>>,
    /// Arithmetic or calendar errors met (overflow, division by zero, dates out of range).
    pub errors: Vec<Diagnostic>,
    /// With `explain`: per rule, the computed sides of its comparisons (empty for a rule not
    /// evaluated, and for every rule without `explain`).
    pub computed: Vec<Vec<Computed>>,
    /// The sets of the previous case evaluated into this outcome, by conclusion: a set equal
    /// to the last one is shared rather than allocated again (in a batch, most are).
    recycled: Vec<Option<Arc<[u32]>>>,
    /// Members of the set conclusion being concluded (kept to reuse its allocation).
    picked: Vec<u32>,
}

/// Evaluates the program on a case's facts (closed world already applied if wanted).
pub fn evaluate(program: &Program, facts: &[Value], options: Options) -> Outcome {
    let mut out = Outcome::default();
    evaluate_into(program, facts, options, &mut out);
    out
}

/// Evaluates like [`evaluate`], into an outcome whose buffers are reused: a batch evaluates
/// case after case without allocating for the outcome.
pub fn evaluate_into(program: &Program, facts: &[Value], options: Options, out: &mut Outcome) {
    select_params(program, facts, &mut out.params);
    out.recycled.resize(program.conclusions.len(), None);
    for (value, spare) in out.values.iter_mut().zip(out.recycled.iter_mut()) {
        if let Value::Ids(ids) = std::mem::take(value) {
            *spare = Some(ids);
        }
    }
    reset(&mut out.values, program.conclusions.len(), Value::Unknown);
    reset(&mut out.complete, program.conclusions.len(), true);
    reset(&mut out.rules, program.rules.len(), None);
    out.errors.clear();
    out.needs.clear();
    let mut ev = Evaluator {
        program,
        facts,
        out,
        record: None,
    };
    for &c in &program.order {
        ev.conclude(c);
    }
    if options.needs {
        out.needs = needs::needs(program, facts, out);
    }
    out.computed.clear();
    if options.explain {
        let computed = (0..program.rules.len())
            .map(|r| match out.rules.get(r) {
                Some(Some(_)) => computed_operands(program, facts, out, r),
                _ => Vec::new(),
            })
            .collect();
        out.computed = computed;
    }
}

/// Empties a buffer and fills it with `len` copies of `value`, keeping its allocation.
fn reset<T: Clone>(buf: &mut Vec<T>, len: usize, value: T) {
    buf.clear();
    buf.resize(len, value);
}

/// The value of a parameter in force for this case, by the choice made for it.
fn param_value<'a>(program: &'a Program, choices: &[ParamChoice], p: ParamId) -> Option<&'a Value> {
    let version = choices.get(p)?.version?;
    program
        .params
        .get(p)?
        .versions
        .get(version)
        .map(|v| &v.value)
}

/// Chooses the value of each parameter in force for this case.
fn select_params(program: &Program, facts: &[Value], choices: &mut Vec<ParamChoice>) {
    let date_of = |f: Option<usize>| match f.and_then(|f| facts.get(f)) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    };
    let conduct = date_of(program.conduct_date);
    let judgment = date_of(program.judgment_date);
    choices.clear();
    for p in &program.params {
        let undated = p.versions.len() == 1
            && p.versions
                .iter()
                .all(|v| v.from.is_none() && v.until.is_none());
        let in_force = |d: chrono::NaiveDate| {
            p.versions
                .iter()
                .position(|v| v.from.is_none_or(|f| f <= d) && v.until.is_none_or(|u| d <= u))
        };
        let mut choice = ParamChoice {
            version: if undated {
                Some(0)
            } else {
                conduct.and_then(in_force)
            },
            lenient: false,
        };
        if let (Some(at), Some(later), Some(favour)) =
            (choice.version, judgment.and_then(in_force), p.favour)
        {
            let (a, b) = (
                p.versions.get(at).map(|v| &v.value),
                p.versions.get(later).map(|v| &v.value),
            );
            if let (Some(Value::Num(a)), Some(Value::Num(b))) = (a, b) {
                let better = match favour {
                    Favour::Higher => b > a,
                    Favour::Lower => b < a,
                };
                if better {
                    choice = ParamChoice {
                        version: Some(later),
                        lenient: true,
                    };
                }
            }
        }
        choices.push(choice);
    }
}

struct Evaluator<'a, 'o> {
    program: &'a Program,
    facts: &'a [Value],
    /// Conclusion values, completeness, rule statuses and parameter choices, written in place.
    out: &'o mut Outcome,
    /// The record under 其中.
    record: Option<&'a Record>,
}

/// What the rules of one conclusion came to.
#[derive(Default)]
struct Tally {
    /// A rule fired.
    fired: bool,
    /// A rule is undecided.
    open: bool,
}

impl<'a> Evaluator<'a, '_> {
    /// Computes conclusion `c` from its rules. The checker has tabulated what each rule does to
    /// it ([`crate::program::ConclusionDef::effects`]), in source order, so this walks one table.
    fn conclude(&mut self, c: usize) {
        let program = self.program;
        let Some(def) = program.conclusions.get(c) else {
            return;
        };
        let mut tally = Tally::default();
        // Every rule is evaluated even once the value is settled: reports list all that fired.
        let value = match def.kind {
            ConclusionKind::Tri => {
                for &(r, _) in &def.effects {
                    self.count(&mut tally, r);
                }
                match (tally.fired, tally.open) {
                    (true, _) => Value::Bool(true),
                    (false, false) => Value::Bool(false),
                    (false, true) => Value::Unknown,
                }
            }
            ConclusionKind::Word(e) => {
                // 情态: the strongest word wins (应当 0 > 一般应当 1 > 可以 2); another
                // enumeration: the first rule in source order that fired.
                let modality = e == MODALITY;
                let mut best: Option<u16> = None;
                let mut strongest_open: Option<u16> = None;
                for &(r, effect) in &def.effects {
                    let Effect::SetWord(_, w) = effect else {
                        self.rule(r);
                        continue;
                    };
                    match self.rule(r) {
                        RuleStatus::Fired => {
                            best = match best {
                                Some(b) if modality => Some(b.min(w)),
                                Some(b) => Some(b),
                                None => Some(w),
                            }
                        }
                        RuleStatus::Undecided => {
                            strongest_open = Some(strongest_open.map_or(w, |o| o.min(w)));
                        }
                        _ => {}
                    }
                }
                if modality {
                    let stronger_open = strongest_open.is_some_and(|o| best.is_none_or(|b| o < b));
                    match (best, stronger_open) {
                        (_, true) => Value::Unknown,
                        (Some(b), false) => Value::Word(b),
                        (None, false) => Value::Word(NOT_APPLICABLE),
                    }
                } else {
                    match (best, strongest_open.is_none()) {
                        (Some(w), _) => Value::Word(w),
                        (None, true) => def.fallback.map_or(Value::Unknown, Value::Word),
                        (None, false) => Value::Unknown,
                    }
                }
            }
            ConclusionKind::Cites | ConclusionKind::Texts => {
                let mut picked = std::mem::take(&mut self.out.picked);
                picked.clear();
                for &(r, effect) in &def.effects {
                    let status = self.count(&mut tally, r);
                    if let (RuleStatus::Fired, Effect::AddCite(_, id) | Effect::AddText(_, id)) =
                        (status, effect)
                    {
                        picked.push(id);
                    }
                }
                picked.sort_unstable();
                picked.dedup();
                if let Some(slot) = self.out.complete.get_mut(c) {
                    *slot = !tally.open;
                }
                let ids = match self.out.recycled.get_mut(c).and_then(Option::take) {
                    Some(last) if *last == *picked => last,
                    _ => Arc::from(picked.as_slice()),
                };
                self.out.picked = picked;
                Value::Ids(ids)
            }
        };
        if let Some(slot) = self.out.values.get_mut(c) {
            *slot = value;
        }
    }

    /// A rule's status, tallied.
    fn count(&mut self, tally: &mut Tally, r: RuleId) -> RuleStatus {
        let status = self.rule(r);
        match status {
            RuleStatus::Fired => tally.fired = true,
            RuleStatus::Undecided => tally.open = true,
            _ => {}
        }
        status
    }

    fn rule(&mut self, r: RuleId) -> RuleStatus {
        if let Some(Some(s)) = self.out.rules.get(r) {
            return *s;
        }
        let program = self.program;
        let Some(rule) = program.rules.get(r) else {
            return RuleStatus::Undecided;
        };
        let status = self.rule_status(rule);
        if let Some(slot) = self.out.rules.get_mut(r) {
            *slot = Some(status);
        }
        status
    }

    fn rule_status(&mut self, rule: &'a crate::program::RuleDef) -> RuleStatus {
        let when = self.truth(&rule.when);
        if when == Some(false) {
            return RuleStatus::NotApplicable;
        }
        let mut open = when.is_none();
        for (i, u) in rule.unless.iter().enumerate() {
            match self.truth(u) {
                Some(true) => return RuleStatus::DefeatedByUnless(i),
                None => open = true,
                Some(false) => {}
            }
        }
        for &x in &rule.defeated_by {
            match self.rule(x) {
                RuleStatus::Fired => return RuleStatus::DefeatedByRule(x),
                RuleStatus::Undecided => open = true,
                _ => {}
            }
        }
        if open {
            RuleStatus::Undecided
        } else {
            RuleStatus::Fired
        }
    }

    /// A condition's truth. Conditions are most of what rules compute, so they are evaluated
    /// here directly, without building and dropping a [`Value`] at every node.
    fn truth(&mut self, e: &'a Expr) -> Tri {
        match &e.node {
            Node::Const(_) | Node::Fact(_) | Node::Param(_) | Node::Field(_) => {
                self.operand(e).as_bool()
            }
            Node::Conclusion(c) => match (self.out.values.get(*c), self.out.complete.get(*c)) {
                (Some(Value::Bool(b)), Some(true)) => Some(*b),
                _ => None,
            },
            Node::Not(x) => value::not(self.truth(x)),
            Node::And(a, b) => {
                let a = self.truth(a);
                if a == Some(false) {
                    return Some(false);
                }
                value::and(a, self.truth(b))
            }
            Node::Or(a, b) => {
                let a = self.truth(a);
                if a == Some(true) {
                    return Some(true);
                }
                value::or(a, self.truth(b))
            }
            Node::Cmp(op, l, r, pending) => {
                // A word marked 待定 leaves a comparison open when the case holds it, not when
                // the rule names it: `查证 是 未查证` is false for a case that has 已查证达到.
                let given = |x: &Expr| (!matches!(x.node, Node::Const(_))).then_some(*pending);
                let (pl, pr) = (given(l).flatten(), given(r).flatten());
                let (l, r) = (self.operand(l), self.operand(r));
                self.compare(*op, &l, &r, pl, pr)
            }
            Node::Member(elem, set, negated, pending) => {
                let (el, set) = (self.operand(elem), self.operand(set));
                let (Value::Word(w), Value::Words(mask)) = (el.as_ref(), set.as_ref()) else {
                    return None;
                };
                let (w, mask) = (*w, *mask);
                let inside = mask & (1u64 << w) != 0;
                if !inside && self.is_pending(*pending, w) {
                    return None;
                }
                Some(inside != *negated)
            }
            Node::NonEmpty(x, want) => {
                let nonempty = match self.operand(x).as_ref() {
                    Value::Words(m) => *m != 0,
                    Value::Ids(ids) => !ids.is_empty(),
                    Value::List(l) => !l.is_empty(),
                    _ => return None,
                };
                Some(nonempty == *want)
            }
            Node::Within(d, end, p) => match (self.eval(d), self.eval(end), self.eval(p)) {
                (Value::Date(d), Value::Date(end), Value::Period(p)) => {
                    match calendar::within(d, end, p) {
                        Some(b) => Some(b),
                        None => self.fail(e, "日期超出可计算的范围").as_bool(),
                    }
                }
                _ => None,
            },
            Node::Known(x, want) => Some(self.operand(x).is_known() == *want),
            Node::Arith(..)
            | Node::DateShift(..)
            | Node::Neg(_)
            | Node::Aggregate(..)
            | Node::Age(..) => self.eval(e).as_bool(),
        }
    }

    fn fail(&mut self, e: &Expr, message: &str) -> Value {
        self.out.errors.push(
            Diagnostic::error(Code::Eval, e.span, message.to_string())
                .with_help("请检查案件中的数额与日期是否过大或有误"),
        );
        Value::Unknown
    }

    /// A leaf's value borrowed from the program or the case (no clone of lists, texts or
    /// sets, and no reference count touched: constants are shared by all threads of a batch);
    /// anything else computed.
    fn operand(&mut self, e: &'a Expr) -> Cow<'a, Value> {
        let program = self.program;
        let found = match &e.node {
            Node::Const(v) => Some(v),
            Node::Fact(f) => self.facts.get(*f),
            Node::Param(p) => param_value(program, &self.out.params, *p),
            Node::Field(i) => self.record.and_then(|r| r.get(*i)),
            _ => return Cow::Owned(self.eval(e)),
        };
        found.map_or(Cow::Owned(Value::Unknown), Cow::Borrowed)
    }

    fn eval(&mut self, e: &'a Expr) -> Value {
        match &e.node {
            Node::Const(_) | Node::Fact(_) | Node::Param(_) | Node::Field(_) => {
                self.operand(e).into_owned()
            }
            Node::Conclusion(c) => match (self.out.values.get(*c), self.out.complete.get(*c)) {
                (Some(v), Some(true)) => v.clone(),
                _ => Value::Unknown,
            },
            Node::Not(_)
            | Node::And(..)
            | Node::Or(..)
            | Node::Cmp(..)
            | Node::Member(..)
            | Node::NonEmpty(..)
            | Node::Within(..)
            | Node::Known(..) => tri(self.truth(e)),
            Node::Arith(op, l, r) => {
                let (Value::Num(a), Value::Num(b)) = (self.eval(l), self.eval(r)) else {
                    return Value::Unknown;
                };
                let result = match op {
                    ArithOp::Add => a.checked_add(b),
                    ArithOp::Sub => a.checked_sub(b),
                    ArithOp::Mul => a.checked_mul(b),
                    ArithOp::Div if b.is_zero() => return self.fail(e, "除数为零"),
                    ArithOp::Div => a.checked_div(b),
                };
                match result {
                    Some(v) => Value::Num(v),
                    None => self.fail(e, "数额计算溢出"),
                }
            }
            Node::DateShift(forward, d, p) => match (self.eval(d), self.eval(p)) {
                (Value::Date(d), Value::Period(p)) => match calendar::shift(d, p, *forward) {
                    Some(x) => Value::Date(x),
                    None => self.fail(e, "日期超出可计算的范围"),
                },
                _ => Value::Unknown,
            },
            Node::Neg(x) => match self.eval(x) {
                Value::Num(n) => Value::Num(-n),
                _ => Value::Unknown,
            },
            Node::Aggregate(op, list, field, filter) => {
                self.aggregate(e, *op, list, *field, filter.as_deref())
            }
            Node::Age(b, on) => match (self.eval(b), self.eval(on)) {
                (Value::Date(b), Value::Date(on)) => {
                    Value::Num(Decimal::from(calendar::age_on(b, on)))
                }
                _ => Value::Unknown,
            },
        }
    }

    fn is_pending(&self, enum_id: Option<usize>, w: u16) -> bool {
        enum_id
            .and_then(|e| self.program.enums.get(e))
            .and_then(|d| d.pending.get(usize::from(w)))
            .copied()
            .unwrap_or(false)
    }

    fn compare(
        &self,
        op: CmpOp,
        l: &Value,
        r: &Value,
        pending_l: Option<usize>,
        pending_r: Option<usize>,
    ) -> Tri {
        let ord = match (l, r) {
            (Value::Num(a), Value::Num(b)) => a.cmp(b),
            (Value::Date(a), Value::Date(b)) => a.cmp(b),
            (Value::Word(a), Value::Word(b)) => {
                if a != b && (self.is_pending(pending_l, *a) || self.is_pending(pending_r, *b)) {
                    return None;
                }
                return eq_op(op, a == b);
            }
            (Value::Unknown, _) | (_, Value::Unknown) => return None,
            (a, b) => return eq_op(op, a == b),
        };
        Some(match op {
            CmpOp::Ge => ord != Ordering::Less,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::Le => ord != Ordering::Greater,
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::Eq => ord == Ordering::Equal,
            CmpOp::Ne => ord != Ordering::Equal,
        })
    }

    fn aggregate(
        &mut self,
        e: &'a Expr,
        op: AggregateOp,
        list: &'a Expr,
        field: Option<usize>,
        filter: Option<&'a Expr>,
    ) -> Value {
        // The list is always a fact (the checker sees to it), so its records live as long as
        // the case and can be borrowed while the filter runs.
        let facts: &'a [Value] = self.facts;
        let records: &'a [Record] = match &list.node {
            Node::Fact(f) => match facts.get(*f) {
                Some(Value::List(l)) => l,
                _ => return Value::Unknown,
            },
            _ => return Value::Unknown,
        };
        let outer = self.record;
        let mut count = Decimal::ZERO;
        let mut sum = Decimal::ZERO;
        let mut acc: Tri = Some(matches!(op, AggregateOp::All));
        let mut unknown = false;
        for rec in records.iter() {
            let pass = match filter {
                Some(f) => {
                    self.record = Some(rec);
                    let t = self.truth(f);
                    self.record = outer;
                    t
                }
                None => Some(true),
            };
            match op {
                AggregateOp::Exists => acc = value::or(acc, pass),
                AggregateOp::All => acc = value::and(acc, pass),
                AggregateOp::Count => match pass {
                    Some(true) => count += Decimal::ONE,
                    Some(false) => {}
                    None => unknown = true,
                },
                AggregateOp::Sum => match pass {
                    Some(true) => match field.and_then(|i| rec.get(i)) {
                        Some(Value::Num(n)) => match sum.checked_add(*n) {
                            Some(s) => sum = s,
                            None => return self.fail(e, "合计数额溢出"),
                        },
                        _ => unknown = true,
                    },
                    Some(false) => {}
                    None => unknown = true,
                },
            }
        }
        match op {
            AggregateOp::Exists | AggregateOp::All => tri(acc),
            _ if unknown => Value::Unknown,
            AggregateOp::Count => Value::Num(count),
            AggregateOp::Sum => Value::Num(sum),
        }
    }
}

fn tri(t: Tri) -> Value {
    t.map_or(Value::Unknown, Value::Bool)
}

fn eq_op(op: CmpOp, equal: bool) -> Tri {
    match op {
        CmpOp::Eq => Some(equal),
        CmpOp::Ne => Some(!equal),
        _ => None,
    }
}
