//! In-file examples: the `示例` blocks of the rule files → [`Example`]s, each a [`Case`] with
//! its name and place. A stage of its own above the checker and the case reader: the checked
//! program gives the facts' types, and the example's values are typed by the very conversion
//! that types case files ([`crate::case::typed`]), so an example and a case file that say the
//! same thing are the same case.

use crate::case::{expected_value, typed, Case, Raw};
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::program::value::Value;
use crate::program::{Program, Type};
use crate::source::Span;
use crate::syntax::ast::{self, Item, LitKind, Module, ValueLit};

/// One example of a rule file: a case with a name and the place it was written.
#[derive(Debug, Clone)]
pub struct Example {
    /// Its name, after `示例`.
    pub name: String,
    /// Where it stands.
    pub span: Span,
    /// The case it describes, expectations included (`case.id` is the name).
    pub case: Case,
}

/// Types the examples of the checked modules against the program. Every problem is reported;
/// an example with a problem is left out.
pub fn compile(program: &Program, modules: &[Module]) -> (Vec<Example>, Vec<Diagnostic>) {
    let mut examples = Vec::new();
    let mut diags = Vec::new();
    let decls = modules
        .iter()
        .flat_map(|m| &m.items)
        .filter_map(|i| match i {
            Item::Example(e) => Some(e),
            _ => None,
        });
    for ex in decls {
        let before = diags.len();
        let mut case = Case {
            id: Some(ex.name.text.clone()),
            facts: vec![Value::Unknown; program.facts.len()],
            closed_world: ex.closed_world,
            ..Case::default()
        };
        for b in &ex.facts {
            let Some(&f) = program.fact_index.get(&b.name.text) else {
                diags.push(unknown(
                    b,
                    "事实",
                    program.facts.iter().map(|f| f.name.as_str()).collect(),
                ));
                continue;
            };
            let ty = program.facts.get(f).map_or(Type::Any, |d| d.ty);
            match typed(program, ty, &raw(&b.value), &b.name.text) {
                Ok(v) => {
                    if let Some(slot) = case.facts.get_mut(f) {
                        *slot = v;
                    }
                }
                Err(e) => diags.push(locate(e, b.value.span())),
            }
        }
        for b in &ex.expect {
            let Some(&c) = program.conclusion_index.get(&b.name.text) else {
                diags.push(unknown(
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
                Ok(v) => case.expect.push((c, v)),
                Err(e) => diags.push(locate(e, b.value.span())),
            }
        }
        if diags.len() == before {
            // Dates that contradict each other are refused in examples as in case files.
            diags.extend(
                crate::case::dates::contradictions(program, &case.facts, &|_| Some(ex.span))
                    .into_iter()
                    .map(|d| Diagnostic {
                        code: Code::BadExample,
                        ..d
                    }),
            );
        }
        if diags.len() == before {
            examples.push(Example {
                name: ex.name.text.clone(),
                span: ex.span,
                case,
            });
        }
    }
    (examples, diags)
}

fn unknown(b: &ast::Binding, what: &str, names: Vec<&str>) -> Diagnostic {
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

fn locate(mut d: Diagnostic, span: Span) -> Diagnostic {
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
