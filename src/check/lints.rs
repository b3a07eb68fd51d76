//! Pass 4: problems that do not stop evaluation but deserve a look, and conclusions that no
//! rule concludes (an error: every contract conclusion must be decided by some rule).

use super::declare::Decls;
use crate::diag::{Code, Diagnostic};
use crate::program::*;
use crate::source::Span;

pub(super) fn lint(program: &Program, decls: &Decls<'_>, diags: &mut Vec<Diagnostic>) {
    for c in &program.conclusions {
        if c.rules.is_empty() {
            diags.push(
                Diagnostic::error(
                    Code::NeverConcluded,
                    c.span,
                    format!("结论“{}”没有任何规则得出", c.name),
                )
                .with_help(format!(
                    "请写一条以“则 {}”结尾的规则，或删去这个结论",
                    c.name
                )),
            );
        }
    }
    let mut fact_used = vec![false; program.facts.len()];
    let mut param_used = vec![false; program.params.len()];
    for r in &program.rules {
        for &f in &r.reads_facts {
            if let Some(u) = fact_used.get_mut(f) {
                *u = true;
            }
        }
        for &p in &r.reads_params {
            if let Some(u) = param_used.get_mut(p) {
                *u = true;
            }
        }
    }
    // 行为日期 and 裁判日期 select parameter values even where no rule names them.
    for f in [program.conduct_date, program.judgment_date]
        .into_iter()
        .flatten()
    {
        if let Some(u) = fact_used.get_mut(f) {
            *u = true;
        }
    }
    // After an error, a rule may have failed to compile and so read nothing: "unused" would
    // only be an echo of the real mistake.
    if diags.iter().any(Diagnostic::is_error) {
        fact_used.fill(true);
        param_used.fill(true);
    }
    for (f, used) in program.facts.iter().zip(&fact_used) {
        if !used {
            diags.push(
                Diagnostic::warning(
                    Code::Unused,
                    f.span,
                    format!("事实“{}”未被任何规则使用", f.name),
                )
                .with_help("案件文件仍可填写它，但它不影响任何结论；如确实无用，可删去"),
            );
        }
    }
    for (p, used) in program.params.iter().zip(&param_used) {
        if !used {
            diags.push(
                Diagnostic::warning(
                    Code::Unused,
                    p.span,
                    format!("参数“{}”未被任何规则使用", p.name),
                )
                .with_help("修改它不会改变任何结论；请在规则中使用它，或删去"),
            );
        }
    }
    for (rule, decl) in program.rules.iter().zip(&decls.rules) {
        if let (Some(cite), None) = (&decl.cite, &rule.text) {
            diags.push(no_article(&cite.path.to_string(), cite.span));
        }
    }
    for p in &program.params {
        let path = program.citations.get(p.cite as usize);
        let known = path.is_some_and(|path| {
            let mut at = Some(path.clone());
            while let Some(x) = at {
                if program.articles.contains_key(&x) {
                    return true;
                }
                at = x.parent();
            }
            false
        });
        if !known {
            diags.push(no_article(&program.cite(p.cite), p.span));
        }
        validity_periods(p, diags);
    }
}

fn no_article(cite: &str, span: Span) -> Diagnostic {
    Diagnostic::warning(Code::NoArticle, span, format!("引文“{cite}”没有对应的条文"))
        .with_help(format!("请加上 条文 {cite} “……”，报告才能引用法条原文"))
}

fn validity_periods(p: &ParamDef, diags: &mut Vec<Diagnostic>) {
    if p.versions.len() < 2 {
        return;
    }
    let mut versions: Vec<&ParamVersion> = p.versions.iter().collect();
    versions.sort_by_key(|v| v.from);
    for pair in versions.windows(2) {
        let [a, b] = pair else { continue };
        let next_day = a.until.and_then(|u| u.succ_opt());
        let msg = match (a.until, b.from) {
            (None, _) => Some(format!(
                "参数“{}”的值 {} 没有截止日期，与后一个值 {} 重叠",
                p.name, a.shown, b.shown
            )),
            (Some(_), None) => Some(format!(
                "参数“{}”的值 {} 没有起始日期，与前一个值 {} 重叠",
                p.name, b.shown, a.shown
            )),
            (Some(u), Some(f)) if f <= u => Some(format!(
                "参数“{}”的值 {} 与 {} 的有效期重叠",
                p.name, a.shown, b.shown
            )),
            (Some(_), Some(f)) if Some(f) != next_day => Some(format!(
                "参数“{}”的值 {} 与 {} 的有效期之间有空档",
                p.name, a.shown, b.shown
            )),
            _ => None,
        };
        if let Some(m) = msg {
            diags.push(
                Diagnostic::warning(Code::ParamPeriods, p.span, m)
                    .with_help("前一个值的截止日期应是后一个值起始日期的前一天"),
            );
        }
    }
}
