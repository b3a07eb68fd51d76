//! `ruling test`: the examples inside the rule files and the case corpus, each compared with
//! its expected conclusions, through one loop.

use super::out::{outln, Out};
use super::{case_files, load_rules, OK, PROBLEMS};
use ruling::case::{self, Case};
use ruling::coverage::{Coverage, Origin};
use ruling::eval::RuleStatus;
use ruling::report::shown;
use ruling::rules::{Evaluated, RulesSpec};
use ruling::testing::{judge, Verdict};
use std::borrow::Cow;
use std::path::PathBuf;

pub(super) const AFTER: &str = "示例：\n  ruling test\n  ruling test tests/cases/意见6-1-本人账户三个-30万.toml\n  ruling test --coverage\n\n退出码：0 全部通过，1 有失败或写入失败，141 读取输出的程序提前关闭";

/// `ruling test`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 案件文件或目录（默认：tests/cases，如存在）
    #[arg(value_name = "路径")]
    paths: Vec<PathBuf>,
    /// 另外报告规则覆盖：按条文列出哪些规则被案件触发、从未触发或始终待定
    #[arg(long)]
    coverage: bool,
}

/// A case to run: its label, the case (or the messages of a file that could not be read) and
/// where it came from.
type ToRun<'r> = (String, Result<Cow<'r, Case>, Vec<String>>, Origin);

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    let rules = match load_rules(spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = rules.program();
    let mut out = Out::new();
    outln!(
        out,
        "规则集 {}（指纹 {}）",
        rules.set().origin,
        rules.set().fingerprint
    );
    // Every case to run: the examples, then the corpus files (a file that cannot be read is
    // a failure of its own).
    let mut cases: Vec<ToRun<'_>> = Vec::new();
    for ex in rules.examples() {
        let file = program
            .sources
            .get(ex.span.file)
            .map_or("", |f| f.name.as_str());
        let (line, _) = program.sources.line_col(ex.span.file, ex.span.start);
        let label = format!("示例 {}（{file}:{line}）", ex.name);
        cases.push((label, Ok(Cow::Borrowed(&ex.case)), Origin::Example));
    }
    let defaults = [PathBuf::from("tests/cases")];
    let roots: &[PathBuf] = match (args.paths.is_empty(), defaults[0].is_dir()) {
        (false, _) => &args.paths,
        (true, true) => &defaults,
        (true, false) => &[],
    };
    for path in case_files(roots) {
        let read = case::read_file(program, &path)
            .map(Cow::Owned)
            .map_err(|e| {
                e.placed()
                    .into_iter()
                    .flat_map(|d| {
                        let help = d.help.map(|h| format!("提示：{h}"));
                        std::iter::once(d.message).chain(help)
                    })
                    .collect()
            });
        cases.push((format!("案例 {}", path.display()), read, Origin::Corpus));
    }
    let mut passed = 0usize;
    let mut failed = 0usize;
    let mut cov = args.coverage.then(|| Coverage::new(program));
    for (label, case, origin) in cases {
        if !out.ok() {
            break;
        }
        let case = match case {
            Ok(c) => c,
            Err(lines) => {
                failed += 1;
                outln!(out, "失败 {label}：案件文件有误");
                for l in lines {
                    outln!(out, "    {l}");
                }
                continue;
            }
        };
        let verdict = judge(&rules, &case);
        if let Some(c) = cov.as_mut() {
            c.record(&verdict.evaluated.outcome, origin);
        }
        if verdict.passed() {
            passed += 1;
            outln!(out, "通过 {label}");
        } else {
            failed += 1;
            print_failure(&mut out, &label, &verdict);
        }
    }
    if let Some(c) = &cov {
        out.put(&c.render(program));
    }
    outln!(out, "{passed} passed, {failed} failed");
    out.finish(if failed == 0 { OK } else { PROBLEMS }, PROBLEMS)
}

fn print_failure(out: &mut Out, label: &str, verdict: &Verdict<'_>) {
    let program = verdict.evaluated.program();
    outln!(out, "失败 {label}");
    for m in &verdict.mismatches {
        let name = program
            .conclusions
            .get(m.conclusion)
            .map_or("?", |d| d.name.as_str());
        outln!(
            out,
            "    {name}：预期 {}，实际 {}",
            shown(&m.expected),
            shown(&m.actual)
        );
        print_deciders(out, &verdict.evaluated, m.conclusion);
    }
    for e in &verdict.evaluated.outcome.errors {
        outln!(out, "    计算错误：{}", e.message);
    }
}

/// The rules that decided a conclusion, with what became of each.
fn print_deciders(out: &mut Out, ev: &Evaluated<'_>, c: usize) {
    let program = ev.program();
    let Some(def) = program.conclusions.get(c) else {
        return;
    };
    for &r in &def.rules {
        let Some(rule) = program.rules.get(r) else {
            continue;
        };
        let status = RuleStatus::word(ev.outcome.rules.get(r).copied().flatten());
        let cite = rule.cite.map(|x| program.cite(x)).unwrap_or_default();
        outln!(out, "      规则“{}”（{cite}）：{status}", rule.name);
    }
    if let Some(needs) = ev.outcome.needs.get(c).filter(|n| !n.is_empty()) {
        outln!(out, "      尚需查明：{}", program.fact_names(needs));
    }
}
