//! The values behind a rule's comparisons, for explanations: `计数(账户 其中 …) = 3`,
//! `合计(账户.流入资金 其中 …) = 320000元`. Computed by the evaluation only when asked for
//! (`Options::explain`), so that a batch pays nothing for them.

use super::{Evaluator, Outcome};
use crate::program::value::Value;
use crate::program::{Expr, Node, Program, RuleId, Type};
use crate::source::Span;
use crate::syntax::ast::AggregateOp;

/// One side of a comparison in a rule's condition that is computed (an aggregate, an age, a
/// sum), with its value for the case and the type it has.
#[derive(Debug, Clone)]
pub struct Computed {
    /// Where the expression stands in the rule file.
    pub span: Span,
    /// Its value for the case.
    pub value: Value,
    /// Its type, where known (amounts are shown with 元).
    pub ty: Option<Type>,
}

/// The computed sides of the comparisons in a rule's condition and `除非` clauses (outside
/// `其中` filters), in source order. Plain facts and parameters are left out: the explanation
/// shows those already.
pub(super) fn computed_operands(
    program: &Program,
    facts: &[Value],
    outcome: &mut Outcome,
    rule: RuleId,
) -> Vec<Computed> {
    let Some(def) = program.rules.get(rule) else {
        return Vec::new();
    };
    if !std::iter::once(&def.when)
        .chain(&def.unless)
        .any(has_computed)
    {
        return Vec::new();
    }
    // Evaluating a computed side reads the outcome (conclusion values, parameter choices) and
    // writes nothing to it but errors, which are dropped again: the evaluation proper has
    // reported them. Working on the outcome itself, not a copy, keeps this linear in the rule
    // set (a copy per rule made a 10,000-rule chain quadratic).
    let errors = outcome.errors.len();
    let mut ev = Evaluator {
        program,
        facts,
        out: outcome,
        record: None,
    };
    let mut found = Vec::new();
    for e in std::iter::once(&def.when).chain(&def.unless) {
        collect(&mut ev, e, &mut found);
    }
    outcome.errors.truncate(errors);
    found
}

fn collect<'a>(ev: &mut Evaluator<'a, '_>, e: &'a Expr, found: &mut Vec<Computed>) {
    match &e.node {
        Node::Not(x) => collect(ev, x, found),
        Node::And(a, b) | Node::Or(a, b) => {
            collect(ev, a, found);
            collect(ev, b, found);
        }
        Node::Cmp(_, l, r, _) => {
            for side in [l, r] {
                if is_computed(side) {
                    let value = ev.eval(side);
                    found.push(Computed {
                        span: side.span,
                        value,
                        ty: type_of(ev.program, side),
                    });
                }
            }
        }
        _ => {}
    }
}

/// Whether [`collect`] would find a computed side in `e` (the same walk, without evaluating).
fn has_computed(e: &Expr) -> bool {
    match &e.node {
        Node::Not(x) => has_computed(x),
        Node::And(a, b) | Node::Or(a, b) => has_computed(a) || has_computed(b),
        Node::Cmp(_, l, r, _) => is_computed(l) || is_computed(r),
        _ => false,
    }
}

fn is_computed(e: &Expr) -> bool {
    matches!(
        e.node,
        Node::Aggregate(..) | Node::Age(..) | Node::Arith(..) | Node::DateShift(..) | Node::Neg(_)
    )
}

/// The type of a computed value, enough to show it with its unit.
pub(super) fn type_of(program: &Program, e: &Expr) -> Option<Type> {
    match &e.node {
        Node::Fact(f) => program.facts.get(*f).map(|f| f.ty),
        Node::Param(p) => program.params.get(*p).map(|p| p.ty),
        Node::Aggregate(AggregateOp::Count, ..) | Node::Age(..) => Some(Type::Int),
        Node::Aggregate(AggregateOp::Sum, list, Some(field), _) => match &list.node {
            Node::Fact(f) => match program.facts.get(*f).map(|f| f.ty) {
                Some(Type::List(r)) => program.fields(r).get(*field).map(|(_, t)| *t),
                _ => None,
            },
            _ => None,
        },
        Node::Arith(_, l, r) => type_of(program, l).or_else(|| type_of(program, r)),
        Node::Neg(x) => type_of(program, x),
        Node::DateShift(..) => Some(Type::Date),
        _ => None,
    }
}
