//! The checker: syntax trees of all rule files → one compiled [`Program`], or diagnostics.
//!
//! Names are resolved once, here, to indices; types are checked (an amount is never compared
//! with a count, a word must belong to its enumeration); the conclusions are put in dependency
//! order and cycles reported by the rules that form them; lints warn of unused facts and
//! parameters, citations with no article text, gaps in parameters' validity periods and
//! standards whose value differs from the number the quoted article states. The protected
//! interface ([`interface`]) is checked by `ruling check` against the list beside the rules.

mod compile;
mod declare;
pub mod interface;
mod lints;
mod numbers;
mod order;

mod tables;

use crate::diag::Diagnostic;
use crate::program::Program;
use crate::source::Sources;
use crate::syntax::ast::Module;

/// Checks parsed modules (one per file of `sources`). Gives the program and every diagnostic
/// (errors and warnings); the program is fit to run only when no diagnostic is an error, but
/// even then later stages (the examples) can be checked against it, so that one run shows
/// every mistake.
pub fn check(sources: Sources, modules: &[Module]) -> (Program, Vec<Diagnostic>) {
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
    numbers::lint(&program, &mut diags);
    (program, diags)
}
