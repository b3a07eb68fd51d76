//! `ruling`: the Opinion 法发〔2025〕12号 as rule files that legal staff can read, amend and run.
//!
//! The pipeline, one stage per module, data flowing one way:
//! text → [`syntax`] (pest grammar, lowering to an AST with spans) → [`check`] (names resolved,
//! types checked, dependency order → a compiled [`check::Program`]) → [`eval`] (three-valued
//! evaluation of a [`case`]) → [`report`] (text, JSON, Markdown). [`cli`] draws it together; [`serve`] offers it over HTTP.

pub mod case;
pub mod check;
pub mod cli;
pub mod diag;
pub mod eval;
pub mod format;
pub mod fuzzing;
pub mod generate;
pub mod report;
pub mod ruleset;
pub mod serve;
pub mod source;
pub mod syntax;
