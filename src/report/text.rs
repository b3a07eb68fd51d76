//! The Chinese text report.

use super::Report;
use crate::source::display_width;
use std::fmt::Write as _;

/// The report as text a prosecutor could paste into a review memo.
pub fn to_text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "帮助信息网络犯罪活动案件 规则评估报告");
    let _ = writeln!(
        out,
        "案件：{}",
        report.case.as_deref().unwrap_or("（未编号）")
    );
    let _ = writeln!(
        out,
        "规则集：{}（指纹 {}）",
        report.rules.source, report.rules.fingerprint
    );
    let world = if report.closed_world {
        "封闭世界（未填写的布尔事实视为否，数额视为零）"
    } else {
        "开放世界（未填写的事实视为未知）"
    };
    let _ = writeln!(out, "评估方式：{world}");
    out.push('\n');
    let _ = writeln!(out, "一、结论一览");
    let width = report
        .conclusions
        .iter()
        .map(|c| display_width(&c.name))
        .max()
        .unwrap_or(0);
    for c in &report.conclusions {
        let pad = " ".repeat(width.saturating_sub(display_width(&c.name)));
        let _ = writeln!(out, "  {}{pad}  {}", c.name, c.shown);
    }
    out.push('\n');
    let _ = writeln!(out, "二、依据与理由");
    let mut n = 0;
    // Where the same rules establish two conclusions (情节严重 and 情节严重依据), the second
    // refers back to the first instead of repeating the article texts.
    let mut shown_for: Vec<(&str, &str)> = Vec::new();
    for c in &report.conclusions {
        if c.because.is_empty() && c.needs.is_empty() {
            continue;
        }
        n += 1;
        let _ = writeln!(out, "（{n}）{}：{}", c.name, c.shown);
        let earlier = c
            .because
            .iter()
            .map(|b| {
                shown_for
                    .iter()
                    .find(|(r, _)| *r == b.rule)
                    .map(|(_, c)| *c)
            })
            .collect::<Option<Vec<&str>>>();
        if let Some(mut earlier) = earlier.filter(|e| !e.is_empty()) {
            earlier.dedup();
            let rules: Vec<String> = c
                .because
                .iter()
                .map(|b| format!("{}（规则“{}”）", b.cite, b.rule))
                .collect();
            let _ = writeln!(
                out,
                "    依据 {}，理由见“{}”",
                rules.join("、"),
                earlier.join("”“")
            );
        }
        for b in c.because.iter().filter(|_| earlier_missing(&shown_for, c)) {
            let _ = writeln!(out, "    依据 {}（规则“{}”）", b.cite, b.rule);
            if !b.text.is_empty() {
                let _ = writeln!(out, "      条文：“{}”", b.text);
            }
            for (name, _, shown) in &b.facts {
                let _ = writeln!(out, "      事实：{name} = {shown}");
            }
            for (text, shown) in &b.computed {
                let _ = writeln!(out, "      计算：{text} = {shown}");
            }
            for (name, shown) in &b.uses {
                let _ = writeln!(out, "      结论：{name} = {shown}");
            }
            for (name, shown) in &b.params {
                let _ = writeln!(out, "      标准：{name} = {shown}");
            }
        }
        for b in &c.because {
            if !shown_for.iter().any(|(r, _)| *r == b.rule) {
                shown_for.push((&b.rule, &c.name));
            }
        }
        if !c.needs.is_empty() {
            let _ = writeln!(out, "    尚需查明：{}", c.needs.join("、"));
        }
    }
    if n == 0 {
        let _ = writeln!(out, "  （没有规则成立，也没有待查明的事实）");
    }
    if !report.errors.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "三、计算中的问题");
        for e in &report.errors {
            let _ = writeln!(out, "  {e}");
        }
    }
    out
}

/// Whether some basis of the conclusion has not been printed yet.
fn earlier_missing(shown_for: &[(&str, &str)], c: &super::ConclusionReport) -> bool {
    c.because
        .iter()
        .any(|b| !shown_for.iter().any(|(r, _)| *r == b.rule))
}
