//! Text → syntax tree: the pest grammar (`grammar/ruling.pest`) and the one lowering from
//! pest pairs to the owned [`ast`]. Nothing outside this module sees a pest `Pair`.

pub mod ast;
pub mod literal;
mod lower;
mod parser;
mod pest_errors;

pub use lower::{parse_file, MAX_EXPR_DEPTH, MAX_NESTING};
