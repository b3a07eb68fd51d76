//! `ruling serve`: hands the arguments to [`crate::serve`].

use std::path::Path;

pub(super) fn run(rules: Option<&Path>, addr: &str, token_file: Option<&Path>) -> i32 {
    crate::serve::run(&crate::serve::Options {
        rules,
        addr,
        token_file,
    })
}
