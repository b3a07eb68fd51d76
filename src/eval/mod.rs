//! Evaluation of a compiled [`Program`] against one case: each conclusion once, in dependency
//! order, over indices only. Three-valued throughout: an unknown fact yields 待定, never false.
//!
//! What a report needs beyond the values (which rules fired, failed or were defeated, which
//! facts are still needed) is kept in the [`Outcome`]; the `needs` analysis runs only when
//! asked for, so that batch evaluation pays nothing for it.

pub mod calendar;
pub mod value;

use crate::check::{
    ConclusionKind, Effect, Expr, Node, ParamId, Program, RuleId, MODALITY, NOT_APPLICABLE,
};
use crate::diag::{Code, Diagnostic};
use crate::syntax::ast::{AggregateOp, ArithOp, CmpOp, Favour};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use value::{Record, Tri, Value};

/// How to evaluate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Compute, for undecided conclusions, the unknown facts that could decide them.
    pub needs: bool,
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
}

/// Evaluates the program on a case's facts (closed world already applied if wanted).
pub fn evaluate(program: &Program, facts: &[Value], options: Options) -> Outcome {
    let (params, choices) = select_params(program, facts);
    let mut ev = Evaluator {
        program,
        facts,
        params,
        conclusions: vec![Value::Unknown; program.conclusions.len()],
        complete: vec![true; program.conclusions.len()],
        rules: vec![None; program.rules.len()],
        errors: Vec::new(),
        record: None,
    };
    for &c in &program.order {
        ev.conclude(c);
    }
    let needs = if options.needs {
        needs(program, facts, &ev)
    } else {
        Vec::new()
    };
    Outcome {
        values: ev.conclusions,
        complete: ev.complete,
        rules: ev.rules,
        params: choices,
        needs,
        errors: ev.errors,
    }
}

/// Evaluates like [`evaluate`], into an outcome whose buffers are reused: a batch evaluates
/// case after case without allocating for the outcome.
pub fn evaluate_into(program: &Program, facts: &[Value], options: Options, out: &mut Outcome) {
    *out = evaluate(program, facts, options);
}

/// The value of each parameter in force for this case.
fn select_params(program: &Program, facts: &[Value]) -> (Vec<Value>, Vec<ParamChoice>) {
    let date_of = |f: Option<usize>| match f.and_then(|f| facts.get(f)) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    };
    let conduct = date_of(program.conduct_date);
    let judgment = date_of(program.judgment_date);
    let mut values = Vec::with_capacity(program.params.len());
    let mut choices = Vec::with_capacity(program.params.len());
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
        values.push(
            choice
                .version
                .and_then(|v| p.versions.get(v))
                .map_or(Value::Unknown, |v| v.value.clone()),
        );
        choices.push(choice);
    }
    (values, choices)
}

struct Evaluator<'a> {
    program: &'a Program,
    facts: &'a [Value],
    params: Vec<Value>,
    conclusions: Vec<Value>,
    complete: Vec<bool>,
    rules: Vec<Option<RuleStatus>>,
    errors: Vec<Diagnostic>,
    /// The record under 其中.
    record: Option<&'a Record>,
}

impl<'a> Evaluator<'a> {
    fn conclude(&mut self, c: usize) {
        let Some(def) = self.program.conclusions.get(c) else {
            return;
        };
        let mut fired = Vec::new();
        let mut undecided = Vec::new();
        for &r in &def.rules {
            match self.rule(r) {
                RuleStatus::Fired => fired.push(r),
                RuleStatus::Undecided => undecided.push(r),
                _ => {}
            }
        }
        let effects = |rules: &[RuleId]| -> Vec<Effect> {
            rules
                .iter()
                .filter_map(|&r| self.program.rules.get(r))
                .flat_map(|r| r.effects.iter().copied())
                .filter(|e| e.target() == c)
                .collect()
        };
        let value = match def.kind {
            ConclusionKind::Tri => match (fired.is_empty(), undecided.is_empty()) {
                (false, _) => Value::Bool(true),
                (true, true) => Value::Bool(false),
                (true, false) => Value::Unknown,
            },
            ConclusionKind::Word(e) => {
                let word_of = |eff: &Effect| match eff {
                    Effect::SetWord(_, w) => Some(*w),
                    _ => None,
                };
                let fired_words: Vec<u16> = effects(&fired).iter().filter_map(word_of).collect();
                let open_words: Vec<u16> = effects(&undecided).iter().filter_map(word_of).collect();
                if e == MODALITY {
                    // Strongest first: 应当 (0) > 一般应当 (1) > 可以 (2).
                    let best = fired_words.iter().min().copied();
                    let stronger_open = open_words.iter().any(|w| best.is_none_or(|b| *w < b));
                    match (best, stronger_open) {
                        (_, true) => Value::Unknown,
                        (Some(b), false) => Value::Word(b),
                        (None, false) => Value::Word(NOT_APPLICABLE),
                    }
                } else {
                    match (fired_words.first(), open_words.is_empty()) {
                        (Some(w), _) => Value::Word(*w),
                        (None, true) => self
                            .program
                            .enums
                            .get(e)
                            .and_then(|d| d.word("不适用"))
                            .map_or(Value::Unknown, Value::Word),
                        (None, false) => Value::Unknown,
                    }
                }
            }
            ConclusionKind::Cites | ConclusionKind::Texts => {
                let mut ids: Vec<u32> = effects(&fired)
                    .iter()
                    .filter_map(|e| match e {
                        Effect::AddCite(_, id) | Effect::AddText(_, id) => Some(*id),
                        _ => None,
                    })
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                if let Some(slot) = self.complete.get_mut(c) {
                    *slot = undecided.is_empty();
                }
                Value::Ids(ids.into())
            }
        };
        if let Some(slot) = self.conclusions.get_mut(c) {
            *slot = value;
        }
    }

    fn rule(&mut self, r: RuleId) -> RuleStatus {
        if let Some(Some(s)) = self.rules.get(r) {
            return *s;
        }
        let program = self.program;
        let Some(rule) = program.rules.get(r) else {
            return RuleStatus::Undecided;
        };
        let status = self.rule_status(rule);
        if let Some(slot) = self.rules.get_mut(r) {
            *slot = Some(status);
        }
        status
    }

    fn rule_status(&mut self, rule: &'a crate::check::RuleDef) -> RuleStatus {
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

    fn truth(&mut self, e: &'a Expr) -> Tri {
        match self.eval(e) {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn fail(&mut self, e: &Expr, message: &str) -> Value {
        self.errors.push(
            Diagnostic::error(Code::Eval, e.span, message.to_string())
                .with_help("请检查案件中的数额与日期是否过大或有误"),
        );
        Value::Unknown
    }

    fn eval(&mut self, e: &'a Expr) -> Value {
        match &e.node {
            Node::Const(v) => v.clone(),
            Node::Fact(f) => self.facts.get(*f).cloned().unwrap_or_default(),
            Node::Param(p) => self.params.get(*p).cloned().unwrap_or_default(),
            Node::Conclusion(c) => match (self.conclusions.get(*c), self.complete.get(*c)) {
                (Some(v), Some(true)) => v.clone(),
                _ => Value::Unknown,
            },
            Node::Field(i) => self
                .record
                .and_then(|r| r.get(*i))
                .cloned()
                .unwrap_or_default(),
            Node::Not(x) => tri(value::not(self.truth(x))),
            Node::And(a, b) => {
                let a = self.truth(a);
                if a == Some(false) {
                    return Value::Bool(false);
                }
                tri(value::and(a, self.truth(b)))
            }
            Node::Or(a, b) => {
                let a = self.truth(a);
                if a == Some(true) {
                    return Value::Bool(true);
                }
                tri(value::or(a, self.truth(b)))
            }
            Node::Cmp(op, l, r, pending) => {
                let (l, r) = (self.eval(l), self.eval(r));
                tri(self.compare(*op, &l, &r, *pending))
            }
            Node::Member(elem, set, negated, pending) => {
                let (el, set) = (self.eval(elem), self.eval(set));
                let (Value::Word(w), Value::Words(mask)) = (el, set) else {
                    return Value::Unknown;
                };
                let inside = mask & (1u64 << w) != 0;
                if !inside && self.is_pending(*pending, w) {
                    return Value::Unknown;
                }
                Value::Bool(inside != *negated)
            }
            Node::NonEmpty(x, want) => {
                let nonempty = match self.eval(x) {
                    Value::Words(m) => m != 0,
                    Value::Ids(ids) => !ids.is_empty(),
                    Value::List(l) => !l.is_empty(),
                    _ => return Value::Unknown,
                };
                Value::Bool(nonempty == *want)
            }
            Node::Within(d, end, p) => match (self.eval(d), self.eval(end), self.eval(p)) {
                (Value::Date(d), Value::Date(end), Value::Period(p)) => {
                    match calendar::within(d, end, p) {
                        Some(b) => Value::Bool(b),
                        None => self.fail(e, "日期超出可计算的范围"),
                    }
                }
                _ => Value::Unknown,
            },
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
            Node::Known(x, want) => Value::Bool(self.eval(x).is_known() == *want),
        }
    }

    fn is_pending(&self, enum_id: Option<usize>, w: u16) -> bool {
        enum_id
            .and_then(|e| self.program.enums.get(e))
            .and_then(|d| d.pending.get(usize::from(w)))
            .copied()
            .unwrap_or(false)
    }

    fn compare(&self, op: CmpOp, l: &Value, r: &Value, pending: Option<usize>) -> Tri {
        let ord = match (l, r) {
            (Value::Num(a), Value::Num(b)) => a.cmp(b),
            (Value::Date(a), Value::Date(b)) => a.cmp(b),
            (Value::Word(a), Value::Word(b)) => {
                if a != b && (self.is_pending(pending, *a) || self.is_pending(pending, *b)) {
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

/// For each undecided (or incomplete) conclusion, the unknown facts its undecided rules read,
/// following undecided conclusions they read in turn.
fn needs(program: &Program, facts: &[Value], ev: &Evaluator<'_>) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); program.conclusions.len()];
    let param_unknown = |p: ParamId| ev.params.get(p).is_none_or(|v| !v.is_known());
    let fact_open = |f: usize| match facts.get(f) {
        None | Some(Value::Unknown) => true,
        Some(Value::Word(w)) => program.facts.get(f).is_some_and(|d| match d.ty {
            crate::check::Type::Enum(e) => program
                .enums
                .get(e)
                .and_then(|x| x.pending.get(usize::from(*w)))
                .copied()
                .unwrap_or(false),
            _ => false,
        }),
        _ => false,
    };
    for &c in &program.order {
        let decided = ev.conclusions.get(c).is_some_and(Value::is_known)
            && ev.complete.get(c).copied().unwrap_or(true);
        if decided {
            continue;
        }
        let mut set: Vec<usize> = Vec::new();
        let Some(def) = program.conclusions.get(c) else {
            continue;
        };
        let mut open_rules: Vec<RuleId> = def
            .rules
            .iter()
            .copied()
            .filter(|r| ev.rules.get(*r) == Some(&Some(RuleStatus::Undecided)))
            .collect();
        let overriders: Vec<RuleId> = open_rules
            .iter()
            .filter_map(|r| program.rules.get(*r))
            .flat_map(|r| r.defeated_by.iter().copied())
            .filter(|x| ev.rules.get(*x) == Some(&Some(RuleStatus::Undecided)))
            .collect();
        open_rules.extend(overriders);
        for r in open_rules {
            let Some(rule) = program.rules.get(r) else {
                continue;
            };
            set.extend(rule.reads_facts.iter().copied().filter(|f| fact_open(*f)));
            if rule.reads_params.iter().any(|p| param_unknown(*p)) {
                set.extend(program.conduct_date);
            }
            for &d in &rule.reads_conclusions {
                if let Some(more) = out.get(d) {
                    set.extend(more.iter().copied());
                }
            }
        }
        set.sort_unstable();
        set.dedup();
        if let Some(slot) = out.get_mut(c) {
            *slot = set;
        }
    }
    out
}
