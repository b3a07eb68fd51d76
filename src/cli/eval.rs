//! `ruling eval`: evaluate case files and print the reports.

use super::{load_case, load_rules, print_plain, Format, BAD_INPUT, OK};
use crate::case::close_world;
use crate::diag;
use crate::eval::{evaluate, Options};
use crate::program::Program;
use crate::report::{self, Report, RulesInfo};
use crate::ruleset::RuleSet;
use std::path::{Path, PathBuf};

pub(super) fn run(
    dir: Option<&Path>,
    cases: &[PathBuf],
    format: Format,
    closed_world: bool,
) -> i32 {
    let (rules, program) = match load_rules(dir) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut code = OK;
    let mut reports = Vec::new();
    for path in cases {
        match evaluate_file(&rules, &program, path, closed_world) {
            Ok(r) => {
                if !r.errors.is_empty() {
                    code = BAD_INPUT;
                }
                reports.push(r);
            }
            Err(()) => code = BAD_INPUT,
        }
    }
    match format {
        Format::Json if reports.is_empty() => {}
        Format::Json => {
            let docs: Vec<serde_json::Value> = reports.iter().map(report::to_json).collect();
            let out = if docs.len() == 1 {
                docs.into_iter().next().unwrap_or_default()
            } else {
                serde_json::Value::Array(docs)
            };
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        Format::Text | Format::Markdown => {
            for (i, r) in reports.iter().enumerate() {
                if i > 0 {
                    println!("\n{}\n", "─".repeat(40));
                }
                let text = match format {
                    Format::Markdown => report::to_markdown(r),
                    _ => report::to_text(r),
                };
                print!("{text}");
            }
        }
    }
    code
}

/// Reads, evaluates and builds the report of one case file; problems are printed.
pub(super) fn evaluate_file(
    rules: &RuleSet,
    program: &Program,
    path: &Path,
    closed_world: bool,
) -> Result<Report, ()> {
    let case = load_case(program, path).map_err(|d| print_plain(&d))?;
    let closed = closed_world || case.closed_world;
    let mut facts = case.facts.clone();
    if closed {
        close_world(program, &mut facts);
    }
    let outcome = evaluate(program, &facts, Options { needs: true });
    let mut report = report::build(
        program,
        RulesInfo::of(rules),
        case.id.or_else(|| Some(stem(path))),
        &facts,
        &outcome,
        closed,
    );
    report::mark_presumed(&mut report, program, &case.facts);
    if !outcome.errors.is_empty() {
        let rendered = diag::render(&outcome.errors, &program.sources);
        eprint!("{}：\n{rendered}", path.display());
        report.errors = outcome.errors.iter().map(|d| d.message.clone()).collect();
    }
    Ok(report)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
