//! The Markdown report, for case-management systems that render it.

use super::Report;
use std::fmt::Write as _;

/// The report as Markdown.
pub fn to_markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# 规则评估报告：{}\n",
        report.case.as_deref().unwrap_or("（未编号）")
    );
    let _ = writeln!(
        out,
        "- 规则集：`{}`（指纹 `{}`）",
        report.rules.source, report.rules.fingerprint
    );
    let _ = writeln!(
        out,
        "- 评估方式：{}\n",
        if report.closed_world {
            "封闭世界"
        } else {
            "开放世界"
        }
    );
    let _ = writeln!(
        out,
        "## 结论\n\n| 结论 | 结果 | 依据 | 尚需查明 |\n|---|---|---|---|"
    );
    for c in &report.conclusions {
        let cites: Vec<&str> = c.because.iter().map(|b| b.cite.as_str()).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            c.name,
            escape(&c.shown),
            cites.join("<br>"),
            c.needs.join("、")
        );
    }
    let _ = writeln!(out, "\n## 依据\n");
    for c in &report.conclusions {
        for b in &c.because {
            let _ = writeln!(out, "### {}：{}（{}）\n", c.name, b.cite, b.rule);
            if !b.text.is_empty() {
                let _ = writeln!(out, "> {}\n", b.text);
            }
            for (name, _, shown) in &b.facts {
                let _ = writeln!(out, "- {name}：{}", escape(shown));
            }
            for (text, shown) in &b.computed {
                let _ = writeln!(out, "- 计算 {}：{}", escape(text), escape(shown));
            }
            for (name, shown) in &b.uses {
                let _ = writeln!(out, "- 结论 {name}：{}", escape(shown));
            }
            for (name, shown) in &b.params {
                let _ = writeln!(out, "- 标准 {name}：{}", escape(shown));
            }
            out.push('\n');
        }
    }
    if !report.errors.is_empty() {
        let _ = writeln!(out, "## 计算中的问题\n");
        for e in &report.errors {
            let _ = writeln!(out, "- {}", escape(e));
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
