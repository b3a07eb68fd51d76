//! The Markdown report, for case-management systems that render it.
//!
//! Every text that comes from a case or a rule file passes through [`escape`] (or [`code`]
//! inside a code span), so that a case cannot add a heading, a link or markup to a report
//! meant to be attached to approval papers.

use super::{ConclusionReport, Report};
use std::fmt::Write as _;

/// The report as Markdown.
pub fn to_markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# 规则评估报告：{}\n",
        escape(report.case.as_deref().unwrap_or("（未编号）"))
    );
    if let Some(note) = &report.note {
        let _ = writeln!(out, "- 说明：{}", escape(note));
    }
    let _ = writeln!(
        out,
        "- 规则集：{}（指纹 {}）",
        code(&report.rules.source),
        code(&report.rules.fingerprint)
    );
    let _ = writeln!(
        out,
        "- 制作：{}，ruling {}",
        report.produced, report.version
    );
    let _ = writeln!(
        out,
        "- 评估方式：{}",
        if report.closed_world {
            "封闭世界"
        } else {
            "开放世界"
        }
    );
    if !report.presumed.is_empty() {
        let _ = writeln!(
            out,
            "- 按封闭世界推定的事实（未填写）：{}",
            escape(&report.presumed.join("、"))
        );
    }
    let _ = writeln!(
        out,
        "\n## 结论\n\n| 结论 | 结果 | 依据 | 尚需查明 |\n|---|---|---|---|"
    );
    let ordered: Vec<&ConclusionReport> = report
        .conclusions
        .iter()
        .filter(|c| !c.helper)
        .chain(report.conclusions.iter().filter(|c| c.helper))
        .collect();
    for c in &ordered {
        let cites: Vec<String> = c.because.iter().map(|b| escape(&b.cite)).collect();
        let name = if c.helper {
            format!("{}（辅助）", escape(&c.name))
        } else {
            escape(&c.name)
        };
        let _ = writeln!(
            out,
            "| {} | {}{} | {} | {} |",
            name,
            escape(&c.shown),
            marks(c),
            cites.join("<br>"),
            escape(&c.needs.join("、"))
        );
    }
    let _ = writeln!(out, "\n## 依据\n");
    let mut quoted: Vec<&str> = Vec::new();
    for c in &ordered {
        for b in &c.because {
            let _ = writeln!(
                out,
                "### {}：{}（{}）\n",
                escape(&c.name),
                escape(&b.cite),
                escape(&b.rule)
            );
            if !b.text.is_empty() {
                if quoted.contains(&b.cite.as_str()) {
                    let _ = writeln!(out, "条文见上文{}。\n", escape(&b.cite));
                } else {
                    let _ = writeln!(out, "> {}\n", escape(&b.text));
                    quoted.push(&b.cite);
                }
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
    let open: Vec<&&ConclusionReport> = ordered
        .iter()
        .filter(|c| !c.why_not.is_empty() || c.undecided.as_ref().is_some_and(|u| !u.is_empty()))
        .collect();
    if !open.is_empty() {
        let _ = writeln!(out, "## 未成立与未确定\n");
        for c in open {
            let _ = writeln!(out, "### {}：{}\n", escape(&c.name), escape(&c.shown));
            for w in &c.why_not {
                let _ = writeln!(
                    out,
                    "- {}（规则“{}”）：{}",
                    escape(&w.cite),
                    escape(&w.rule),
                    escape(&w.reason)
                );
            }
            if let Some(u) = c.undecided.as_ref().filter(|u| !u.is_empty()) {
                let _ = writeln!(out, "- 尚未确定的项：{}", escape(&u.join("；")));
            }
            out.push('\n');
        }
    }
    if !report.questions.is_empty() {
        let _ = writeln!(out, "## 补充查证事项\n");
        for (i, q) in report.questions.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. {}（{}）",
                i + 1,
                escape(&q.question),
                escape(&q.cite)
            );
        }
        out.push('\n');
    }
    if !report.errors.is_empty() {
        let _ = writeln!(out, "## 计算中的问题\n");
        for e in &report.errors {
            let _ = writeln!(out, "- {}", escape(e));
        }
    }
    out
}

/// The marks after a value: items still open, resting on a presumption.
fn marks(c: &ConclusionReport) -> String {
    let mut s = String::new();
    let open = c.undecided.as_ref().map_or(0, Vec::len);
    if open > 0 {
        let _ = write!(s, "（另有 {open} 项待定）");
    }
    if c.presumed {
        s.push_str("（依赖按封闭世界推定的事实）");
    }
    s
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
