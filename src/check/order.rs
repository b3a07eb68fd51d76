//! Pass 3: the conclusions in dependency order; a cycle is reported by the rules that form it.

use crate::diag::{Code, Diagnostic};
use crate::program::*;

/// What conclusion `c` needs computed first: whatever its rules (and the rules that may
/// defeat them) read, each with the rule that reads it.
fn dependencies(program: &Program, c: ConclusionId) -> Vec<(ConclusionId, RuleId)> {
    let mut deps = Vec::new();
    let Some(def) = program.conclusions.get(c) else {
        return deps;
    };
    for &r in &def.rules {
        let Some(rule) = program.rules.get(r) else {
            continue;
        };
        for &d in &rule.reads_conclusions {
            deps.push((d, r));
        }
        for &x in &rule.defeated_by {
            for &d in program
                .rules
                .get(x)
                .map(|x| x.reads_conclusions.as_slice())
                .unwrap_or(&[])
            {
                deps.push((d, x));
            }
        }
    }
    deps
}

/// A step of the depth-first search: a conclusion, its dependencies, and the next to visit.
type Frame = (ConclusionId, Vec<(ConclusionId, RuleId)>, usize);

pub(super) fn order(program: &mut Program, diags: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let n = program.conclusions.len();
    let mut mark = vec![Mark::New; n];
    let mut order = Vec::with_capacity(n);
    let mut reported = false;
    for start in 0..n {
        if mark[start] != Mark::New {
            continue;
        }
        // Iterative depth-first search; the stack holds (conclusion, its dependencies, next index).
        let mut stack: Vec<Frame> = vec![(start, dependencies(program, start), 0)];
        mark[start] = Mark::Active;
        while let Some((c, deps, i)) = stack.last_mut() {
            if let Some(&(d, _)) = deps.get(*i) {
                *i += 1;
                match mark.get(d).copied() {
                    Some(Mark::New) => {
                        mark[d] = Mark::Active;
                        let dd = dependencies(program, d);
                        stack.push((d, dd, 0));
                    }
                    Some(Mark::Active) if !reported => {
                        reported = true;
                        diags.push(cycle_diagnostic(program, &stack, d));
                    }
                    _ => {}
                }
            } else {
                let c = *c;
                mark[c] = Mark::Done;
                order.push(c);
                stack.pop();
            }
        }
    }
    program.order = order;
}

fn cycle_diagnostic(program: &Program, stack: &[Frame], back_to: ConclusionId) -> Diagnostic {
    let from = stack
        .iter()
        .position(|(c, _, _)| *c == back_to)
        .unwrap_or(0);
    let mut steps = Vec::new();
    let mut first_rule = None;
    for (c, deps, i) in stack.iter().skip(from) {
        let Some(&(d, r)) = deps.get(i.saturating_sub(1)) else {
            continue;
        };
        let rule = program.rules.get(r);
        first_rule = first_rule.or(rule);
        steps.push(format!(
            "规则“{}”得出“{}”却要用到“{}”",
            rule.map_or("?", |r| r.name.as_str()),
            program.conclusions.get(*c).map_or("?", |c| c.name.as_str()),
            program.conclusions.get(d).map_or("?", |c| c.name.as_str()),
        ));
    }
    let span = first_rule.map(|r| r.span).unwrap_or_default();
    Diagnostic::error(
        Code::Cycle,
        span,
        format!("结论之间循环依赖：{}", steps.join("；")),
    )
    .with_label("循环从这条规则开始")
    .with_help("一个结论不能（直接或间接）以自己为条件；请改写其中一条规则，使依赖关系不成环")
}
