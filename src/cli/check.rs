//! `ruling check`: parse and check every rule file; print every problem.

use super::out::Out;
use super::{OK, PROBLEMS};
use ruling::check::interface;
use ruling::diag;
use ruling::rules::{Rules, RulesSpec};
use ruling::ruleset;

pub(super) fn run(spec: &RulesSpec) -> i32 {
    // Files that look meant as rule files but are not read (`意见6.rule.txt`).
    let base = spec
        .dir
        .clone()
        .or_else(|| Some(std::path::PathBuf::from("rules")).filter(|d| d.is_dir()));
    let folders: Vec<&std::path::Path> = base
        .iter()
        .chain(&spec.overlays)
        .map(|p| p.as_path())
        .collect();
    // They have no place in a file, so they can be drawn with either frame of sources.
    let mut shown = ruleset::near_misses(&folders);
    match Rules::load(spec) {
        Ok(rules) => {
            let (set, p) = (rules.set(), rules.program());
            shown.extend(rules.warnings().iter().cloned());
            if !shown.is_empty() {
                eprint!("{}", diag::render(&shown, &set.sources));
            }
            // The protected interface, when the folder keeps a list of it.
            let list = set.dir.as_ref().map(|d| d.join(interface::LIST_FILE));
            if let Some(list) = list.filter(|l| l.is_file()) {
                let text = std::fs::read_to_string(&list).unwrap_or_default();
                let problems = interface::verify(p, &text, &list.display().to_string());
                if !problems.is_empty() {
                    eprint!("{}", diag::render(&problems, &set.sources));
                    eprintln!(
                        "规则集 {} 与接口清单 {} 不符，未通过检查。",
                        set.origin,
                        list.display()
                    );
                    return PROBLEMS;
                }
            }
            let mut out = Out::new();
            out.line(&format!(
                "规则集 {}（指纹 {}）：{} 个文件，{} 条事实，{} 个参数，{} 个结论，{} 条规则，{} 个示例，检查通过。",
                set.origin,
                set.fingerprint,
                set.sources.files.len(),
                p.facts.len(),
                p.params.len(),
                p.conclusions.len(),
                p.rules.len(),
                rules.examples().len()
            ));
            out.finish(OK, PROBLEMS)
        }
        Err(rejected) => {
            shown.extend(rejected.diagnostics);
            eprint!("{}", diag::render(&shown, &rejected.sources));
            eprintln!("规则集 {} 有错误，未通过检查。", rejected.origin);
            PROBLEMS
        }
    }
}
