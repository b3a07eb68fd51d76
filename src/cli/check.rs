//! `ruling check`: parse and check every rule file; print every problem.

use super::{OK, PROBLEMS};
use crate::diag;
use crate::ruleset;
use crate::source::Sources;
use std::path::Path;

pub(super) fn run(dir: Option<&Path>) -> i32 {
    let rules = match ruleset::locate(dir) {
        Ok(r) => r,
        Err(diags) => {
            eprint!("{}", diag::render(&diags, &Sources::default()));
            return PROBLEMS;
        }
    };
    let (program, diags) = ruleset::compile(&rules);
    if !diags.is_empty() {
        eprint!("{}", diag::render(&diags, &rules.sources));
    }
    match program {
        Some(p) => {
            println!(
                "规则集 {}（指纹 {}）：{} 个文件，{} 条事实，{} 个参数，{} 个结论，{} 条规则，{} 个示例，检查通过。",
                rules.origin,
                rules.fingerprint,
                rules.sources.files.len(),
                p.facts.len(),
                p.params.len(),
                p.conclusions.len(),
                p.rules.len(),
                p.examples.len()
            );
            OK
        }
        None => {
            eprintln!("规则集 {} 有错误，未通过检查。", rules.origin);
            PROBLEMS
        }
    }
}
