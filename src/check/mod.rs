//! The checker: syntax trees of all rule files → one compiled [`Program`], or diagnostics.
//!
//! Names are resolved once, here, to indices; types are checked (an amount is never compared
//! with a count, a word must belong to its enumeration); the conclusions are put in dependency
//! order and cycles reported by the rules that form them; lints warn of unused facts and
//! parameters, citations with no article text and gaps in parameters' validity periods.

mod compile;
mod declare;
mod examples;
mod lints;
mod order;

mod tables;

use crate::diag::{has_errors, Diagnostic};
use crate::program::Program;
use crate::source::Sources;
use crate::syntax::ast::Module;

/// Checks parsed modules (one per file of `sources`). Gives the program when there is no
/// error, and every diagnostic (errors and warnings) either way.
pub fn check(sources: Sources, modules: &[Module]) -> (Option<Program>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut program = Program {
        sources,
        ..Program::default()
    };
    let decls = declare::declare(&mut program, modules, &mut diags);
    compile::compile_rules(&mut program, &decls, &mut diags);
    order::order(&mut program, &mut diags);
    tables::tabulate(&mut program);
    lints::lint(&program, &decls, &mut diags);
    examples::compile_examples(&mut program, &decls, &mut diags);
    diags.sort_by_key(|d| (d.span.map(|s| (s.file, s.start)), d.severity));
    if has_errors(&diags) {
        (None, diags)
    } else {
        (Some(program), diags)
    }
}
