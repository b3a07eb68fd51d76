//! The pest binding of `grammar/ruling.pest`.

#![allow(missing_docs)]

/// The generated parser; its `Rule` enum names the grammar's rules.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/ruling.pest"]
pub(crate) struct RuleParser;
