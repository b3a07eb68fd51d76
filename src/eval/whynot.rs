//! Why a rule did not establish its conclusion: the parts of its condition that did not hold
//! (a comparison with both sides' values, or another condition with the facts it read), the
//! `除非` clause that held, or the rule that took precedence. Computed only when a report asks,
//! after the evaluation, as the values behind comparisons are ([`super::computed_operands`]).

use super::{Evaluator, Outcome, RuleStatus};
use crate::program::value::Value;
use crate::program::{ConclusionId, Expr, FactId, Node, ParamId, Program, RuleId, Type};
use crate::source::Span;
use crate::syntax::ast::CmpOp;

/// One side of a comparison that failed.
#[derive(Debug, Clone)]
pub struct Side {
    /// Where it stands in the rule file.
    pub span: Span,
    /// Its value for the case.
    pub value: Value,
    /// Its type, where known (amounts are shown with 元).
    pub ty: Option<Type>,
    /// The fact it is, if it is one.
    pub fact: Option<FactId>,
    /// The parameter (standard) it is, if it is one.
    pub param: Option<ParamId>,
    /// The conclusion it is, if it is one.
    pub conclusion: Option<ConclusionId>,
    /// Whether it is a number or word written in the rule.
    pub constant: bool,
}

/// What a fact or conclusion read by a failed condition was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// A fact of the case.
    Fact(FactId),
    /// A conclusion already drawn.
    Conclusion(ConclusionId),
}

/// One reason a rule did not establish its conclusion.
#[derive(Debug, Clone)]
pub enum Failure {
    /// A comparison of its condition that did not hold.
    Compare {
        /// The comparison's text.
        span: Span,
        /// Its operator.
        op: CmpOp,
        /// Left side.
        left: Box<Side>,
        /// Right side.
        right: Box<Side>,
    },
    /// Another part of its condition that did not hold, with what it read.
    Condition {
        /// The part's text.
        span: Span,
        /// The facts and conclusions it read.
        reads: Vec<Read>,
    },
    /// An `除非` clause that held.
    Unless {
        /// The clause's text.
        span: Span,
        /// The facts and conclusions it read.
        reads: Vec<Read>,
    },
    /// A rule declared `优先于` it fired.
    Overridden(RuleId),
    /// Some fact it needs is unknown.
    Open,
}

/// Why rule `r` did not fire for this case (empty when it fired or was not evaluated).
pub fn why_not(program: &Program, facts: &[Value], outcome: &Outcome, r: RuleId) -> Vec<Failure> {
    let Some(rule) = program.rules.get(r) else {
        return Vec::new();
    };
    let status = outcome.rules.get(r).copied().flatten();
    let mut scratch = outcome.clone();
    scratch.errors.clear();
    let mut ev = Evaluator {
        program,
        facts,
        out: &mut scratch,
        record: None,
    };
    let mut found = Vec::new();
    match status {
        Some(RuleStatus::NotApplicable) => falsify(&mut ev, &rule.when, &mut found),
        Some(RuleStatus::DefeatedByUnless(i)) => {
            if let Some(u) = rule.unless.get(i) {
                found.push(Failure::Unless {
                    span: u.span,
                    reads: reads(u),
                });
            }
        }
        Some(RuleStatus::DefeatedByRule(x)) => found.push(Failure::Overridden(x)),
        Some(RuleStatus::Undecided) => found.push(Failure::Open),
        Some(RuleStatus::Fired) | None => {}
    }
    found
}

/// The parts of a false condition that made it false.
fn falsify<'a>(ev: &mut Evaluator<'a, '_>, e: &'a Expr, found: &mut Vec<Failure>) {
    match &e.node {
        Node::And(a, b) => {
            for x in [a, b] {
                if ev.truth(x) == Some(false) {
                    falsify(ev, x, found);
                }
            }
        }
        Node::Or(a, b) => {
            falsify(ev, a, found);
            falsify(ev, b, found);
        }
        Node::Cmp(op, l, r, _) => {
            let left = Box::new(side(ev, l));
            let right = Box::new(side(ev, r));
            found.push(Failure::Compare {
                span: e.span,
                op: *op,
                left,
                right,
            });
        }
        _ => found.push(Failure::Condition {
            span: e.span,
            reads: reads(e),
        }),
    }
}

fn side<'a>(ev: &mut Evaluator<'a, '_>, e: &'a Expr) -> Side {
    let value = ev.eval(e);
    let program = ev.program;
    let (fact, param, constant) = match &e.node {
        Node::Fact(f) => (Some(*f), None, false),
        Node::Param(p) => (None, Some(*p), false),
        Node::Const(_) => (None, None, true),
        _ => (None, None, false),
    };
    let ty = match &e.node {
        Node::Fact(f) => program.facts.get(*f).map(|d| d.ty),
        Node::Param(p) => program.params.get(*p).map(|d| d.ty),
        _ => super::explain::type_of(program, e),
    };
    Side {
        span: e.span,
        value,
        ty,
        fact,
        param,
        conclusion: match e.node {
            Node::Conclusion(c) => Some(c),
            _ => None,
        },
        constant,
    }
}

/// The facts and conclusions an expression reads (outside `其中` filters, whose fields are
/// per record), in order, once each.
fn reads(e: &Expr) -> Vec<Read> {
    fn walk(e: &Expr, out: &mut Vec<Read>) {
        match &e.node {
            Node::Fact(f) => out.push(Read::Fact(*f)),
            Node::Conclusion(c) => out.push(Read::Conclusion(*c)),
            Node::Aggregate(_, list, _, _) => walk(list, out),
            _ => super::needs::each_child(e, |x| walk(x, out)),
        }
    }
    let mut out = Vec::new();
    walk(e, &mut out);
    let mut seen = Vec::new();
    out.retain(|r| {
        if seen.contains(r) {
            false
        } else {
            seen.push(*r);
            true
        }
    });
    out
}
