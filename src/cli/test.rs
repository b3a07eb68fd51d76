//! `ruling test`: the examples inside the rule files and the case corpus, each compared with
//! its expected conclusions.

use super::coverage::{Coverage, Origin};
use super::{case_files, load_case, load_rules, OK, PROBLEMS};
use crate::case::close_world;
use crate::eval::{evaluate, Options, Outcome, RuleStatus};
use crate::program::value::Value;
use crate::program::Program;
use crate::report::{conclusion_value, shown};
use std::path::{Path, PathBuf};

pub(super) fn run(dir: Option<&Path>, paths: &[PathBuf], coverage: bool) -> i32 {
    let (rules, program) = match load_rules(dir) {
        Ok(x) => x,
        Err(code) => return code,
    };
    println!("规则集 {}（指纹 {}）", rules.origin, rules.fingerprint);
    let mut passed = 0usize;
    let mut failed = 0usize;
    let mut cov = coverage.then(|| Coverage::new(&program));
    for ex in &program.examples {
        let mut facts = vec![Value::Unknown; program.facts.len()];
        for (f, v) in &ex.facts {
            if let Some(slot) = facts.get_mut(*f) {
                *slot = v.clone();
            }
        }
        let file = program
            .sources
            .get(ex.span.file)
            .map_or("", |f| f.name.as_str());
        let (line, _) = program.sources.line_col(ex.span.file, ex.span.start);
        let label = format!("示例 {}（{file}:{line}）", ex.name);
        let record = cov.as_mut().map(|c| (c, Origin::Example));
        if check_one(&program, &label, facts, ex.closed_world, &ex.expect, record) {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    let defaults = [PathBuf::from("tests/cases")];
    let roots: &[PathBuf] = if paths.is_empty() {
        if defaults[0].is_dir() {
            &defaults
        } else {
            &[]
        }
    } else {
        paths
    };
    for path in case_files(roots) {
        match load_case(&program, &path) {
            Ok(case) => {
                let label = format!("案例 {}", path.display());
                let record = cov.as_mut().map(|c| (c, Origin::Corpus));
                if check_one(
                    &program,
                    &label,
                    case.facts,
                    case.closed_world,
                    &case.expect,
                    record,
                ) {
                    passed += 1;
                } else {
                    failed += 1;
                }
            }
            Err(diags) => {
                failed += 1;
                println!("失败 案例 {}：案件文件有误", path.display());
                for d in diags {
                    println!("    {}", d.message);
                    if let Some(h) = d.help {
                        println!("    提示：{h}");
                    }
                }
            }
        }
    }
    if let Some(c) = &cov {
        print!("{}", c.render(&program));
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        OK
    } else {
        PROBLEMS
    }
}

fn check_one(
    program: &Program,
    label: &str,
    mut facts: Vec<Value>,
    closed: bool,
    expect: &[(usize, serde_json::Value)],
    coverage: Option<(&mut Coverage, Origin)>,
) -> bool {
    if closed {
        close_world(program, &mut facts);
    }
    let outcome = evaluate(program, &facts, Options { needs: true });
    if let Some((c, origin)) = coverage {
        c.record(&outcome, origin);
    }
    let mut wrong = Vec::new();
    for (c, want) in expect {
        let got = conclusion_value(program, &outcome, *c);
        if got != *want {
            wrong.push((*c, want.clone(), got));
        }
    }
    if wrong.is_empty() && outcome.errors.is_empty() {
        println!("通过 {label}");
        return true;
    }
    println!("失败 {label}");
    for (c, want, got) in wrong {
        let name = program.conclusions.get(c).map_or("?", |d| d.name.as_str());
        println!("    {name}：预期 {}，实际 {}", shown(&want), shown(&got));
        print_deciders(program, &outcome, c);
    }
    for e in &outcome.errors {
        println!("    计算错误：{}", e.message);
    }
    false
}

/// The rules that decided a conclusion, with what became of each.
fn print_deciders(program: &Program, outcome: &Outcome, c: usize) {
    let Some(def) = program.conclusions.get(c) else {
        return;
    };
    for &r in &def.rules {
        let Some(rule) = program.rules.get(r) else {
            continue;
        };
        let status = match outcome.rules.get(r).copied().flatten() {
            Some(RuleStatus::Fired) => "成立",
            Some(RuleStatus::NotApplicable) => "不成立",
            Some(RuleStatus::DefeatedByUnless(_)) | Some(RuleStatus::DefeatedByRule(_)) => "被排除",
            Some(RuleStatus::Undecided) => "待定",
            None => "未评估",
        };
        let cite = rule.cite.map(|x| program.cite(x)).unwrap_or_default();
        println!("      规则“{}”（{cite}）：{status}", rule.name);
    }
    if let Some(needs) = outcome.needs.get(c).filter(|n| !n.is_empty()) {
        println!("      尚需查明：{}", program.fact_names(needs));
    }
}
