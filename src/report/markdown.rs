//! The Markdown report, for case-management systems that render it.
//!
//! Every text that comes from a case or a rule file passes through [`escape`] (or [`code`]
//! inside a code span), so that a case cannot add a heading, a link or markup to a report
//! meant to be attached to approval papers.

use super::Report;
use std::fmt::Write as _;

/// The report as Markdown.
pub fn to_markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# 规则评估报告：{}\n",
        escape(report.case.as_deref().unwrap_or("（未编号）"))
    );
    let _ = writeln!(
        out,
        "- 规则集：{}（指纹 {}）",
        code(&report.rules.source),
        code(&report.rules.fingerprint)
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
        let cites: Vec<String> = c.because.iter().map(|b| escape(&b.cite)).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            escape(&c.name),
            escape(&c.shown),
            cites.join("<br>"),
            escape(&c.needs.join("、"))
        );
    }
    let _ = writeln!(out, "\n## 依据\n");
    for c in &report.conclusions {
        for b in &c.because {
            let _ = writeln!(
                out,
                "### {}：{}（{}）\n",
                escape(&c.name),
                escape(&b.cite),
                escape(&b.rule)
            );
            if !b.text.is_empty() {
                let _ = writeln!(out, "> {}\n", escape(&b.text));
            }
            for (name, _, shown) in &b.facts {
                let _ = writeln!(out, "- {}：{}", escape(name), escape(shown));
            }
            for (text, shown) in &b.computed {
                let _ = writeln!(out, "- 计算 {}：{}", escape(text), escape(shown));
            }
            for (name, shown) in &b.uses {
                let _ = writeln!(out, "- 结论 {}：{}", escape(name), escape(shown));
            }
            for (name, shown) in &b.params {
                let _ = writeln!(out, "- 标准 {}：{}", escape(name), escape(shown));
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

/// A text as inline Markdown that shows as written: control characters and line breaks as
/// in the text report (`\n`, see [`super::text::escape`]), then every character Markdown
/// could read as markup inline (`` \ ` * _ [ ] < | ~ & ``) behind a backslash. `#`, `>`, `-`,
/// `+`, `.` and `!` are left alone: they are markup only at a line's start (or `!` before a
/// `[`), and an escaped text never begins a line of the report.
pub fn escape(s: &str) -> String {
    let plain = super::text::escape(s);
    let mut out = String::with_capacity(plain.len() + 8);
    for c in plain.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A text as a Markdown code span: control characters escaped as in the text report, and a
/// fence longer than any run of backticks inside.
fn code(s: &str) -> String {
    let plain = super::text::escape(s);
    let longest = plain.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if longest > 0 { " " } else { "" };
    format!("{fence}{pad}{plain}{pad}{fence}")
}
