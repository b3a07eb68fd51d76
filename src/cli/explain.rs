//! `ruling explain`: the derivation tree of one conclusion.

use super::{load_case, load_rules, print_plain, BAD_INPUT, OK};
use crate::case::close_world;
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::eval::{evaluate, Options};
use crate::report;
use std::path::Path;

pub(super) fn run(dir: Option<&Path>, path: &Path, conclusion: &str, closed_world: bool) -> i32 {
    let (rules, program) = match load_rules(dir) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let Some(&c) = program.conclusion_index.get(conclusion) else {
        let names = program.conclusions.iter().map(|c| c.name.as_str());
        let help = match did_you_mean(conclusion, names) {
            Some(s) => format!("是否应为“{s}”？"),
            None => format!(
                "可选的结论：{}",
                program
                    .conclusions
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        };
        print_plain(&[Diagnostic::general(
            Code::Undeclared,
            format!("没有名为“{conclusion}”的结论"),
        )
        .with_help(help)]);
        return BAD_INPUT;
    };
    let case = match load_case(&program, path) {
        Ok(c) => c,
        Err(d) => {
            print_plain(&d);
            return BAD_INPUT;
        }
    };
    let mut facts = case.facts;
    let closed = closed_world || case.closed_world;
    if closed {
        close_world(&program, &mut facts);
    }
    let outcome = evaluate(&program, &facts, Options { needs: true });
    println!("案件：{}", case.id.as_deref().unwrap_or("（未编号）"));
    println!("规则集：{}（指纹 {}）", rules.origin, rules.fingerprint);
    println!();
    print!("{}", report::explain(&program, &facts, &outcome, c));
    OK
}
