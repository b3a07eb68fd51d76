//! Pass 5: the example cases inside rule files, typed like case files.

use super::declare::Decls;
use crate::case::{expected_value, typed, Raw};
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::program::*;
use crate::syntax::ast::{self, LitKind, ValueLit};

pub(super) fn compile_examples(
    program: &mut Program,
    decls: &Decls<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut examples = Vec::new();
    for ex in &decls.examples {
        let mut def = ExampleDef {
            name: ex.name.text.clone(),
            closed_world: ex.closed_world,
            facts: Vec::new(),
            expect: Vec::new(),
            span: ex.span,
        };
        for b in &ex.facts {
            let Some(&f) = program.fact_index.get(&b.name.text) else {
                diags.push(unknown(
                    program,
                    b,
                    "事实",
                    program.facts.iter().map(|f| f.name.as_str()).collect(),
                ));
                continue;
            };
            let ty = program.facts.get(f).map_or(Type::Any, |d| d.ty);
            match typed(program, ty, &raw(&b.value), &b.name.text) {
                Ok(v) => def.facts.push((f, v)),
                Err(e) => diags.push(locate(e, b.value.span())),
            }
        }
        for b in &ex.expect {
            let Some(&c) = program.conclusion_index.get(&b.name.text) else {
                diags.push(unknown(
                    program,
                    b,
                    "结论",
                    program
                        .conclusions
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect(),
                ));
                continue;
            };
            match expected_value(program, c, &raw(&b.value), &b.name.text) {
                Ok(v) => def.expect.push((c, v)),
                Err(e) => diags.push(locate(e, b.value.span())),
            }
        }
        examples.push(def);
    }
    program.examples = examples;
}

fn unknown(program: &Program, b: &ast::Binding, what: &str, names: Vec<&str>) -> Diagnostic {
    let _ = program;
    let mut d = Diagnostic::error(
        Code::Undeclared,
        b.name.span,
        format!("示例中未声明的{what}“{}”", b.name.text),
    );
    d.help = Some(match did_you_mean(&b.name.text, names) {
        Some(s) => format!("是否应为“{s}”？"),
        None => format!("案情中写事实，预期中写结论；“{}”两者都不是", b.name.text),
    });
    d
}

fn locate(mut d: Diagnostic, span: crate::source::Span) -> Diagnostic {
    d.span = Some(span);
    d.code = Code::BadExample;
    d
}

/// An example's value in the form case files have.
fn raw(v: &ValueLit) -> Raw {
    match v {
        ValueLit::Word(n) => Raw::Str(n.text.clone()),
        ValueLit::Citation(c) => Raw::Str(c.path.to_string()),
        ValueLit::Set(items, _) => Raw::Array(items.iter().map(raw).collect()),
        ValueLit::List(records, _) => Raw::Array(
            records
                .iter()
                .map(|fields| {
                    Raw::Table(
                        fields
                            .iter()
                            .map(|b| (b.name.text.clone(), raw(&b.value)))
                            .collect(),
                    )
                })
                .collect(),
        ),
        ValueLit::Lit(l) => match &l.kind {
            LitKind::Number(d) | LitKind::Amount(d) | LitKind::Times(d) => Raw::Dec(*d),
            LitKind::Int(i) => Raw::Int(*i),
            LitKind::Period(p) => Raw::Str(p.to_string()),
            LitKind::Date(d) => Raw::Date(*d),
            LitKind::Text(t) => Raw::Str(t.clone()),
            LitKind::Bool(b) => Raw::Bool(*b),
            LitKind::Unknown => Raw::Null,
        },
    }
}
