//! The Chinese text report.
//!
//! Every text that comes from a case or a rule file passes through [`escape`], so that a
//! case cannot forge a line of the report or send the terminal a colour code.

use super::Report;
use crate::source::display_width;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

/// A text as one line of a report: line breaks, other control characters and the invisible
/// characters that change how text reads (direction overrides, line separators) written as
/// escapes (`\n`, `\r`, `\t`, `\u{1B}`), everything else unchanged.
pub fn escape(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hidden(c) => {
                let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The report as text a prosecutor could paste into a review memo.
pub fn to_text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "帮助信息网络犯罪活动案件 规则评估报告");
    let _ = writeln!(
        out,
        "案件：{}",
        escape(report.case.as_deref().unwrap_or("（未编号）"))
    );
    let _ = writeln!(
        out,
        "规则集：{}（指纹 {}）",
        escape(&report.rules.source),
        escape(&report.rules.fingerprint)
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
        let _ = writeln!(out, "  {}{pad}  {}", escape(&c.name), escape(&c.shown));
    }
    out.push('\n');
    let _ = writeln!(out, "二、依据与理由");
    let mut n = 0;
    // Where the same rules establish two conclusions (情节严重 and 情节严重依据), the second
    // refers back to the first instead of repeating the article texts.
    // Rule → the conclusion under which it was printed (hashed: a long chain of conclusions
    // must not make the report quadratic).
    let mut shown_for: HashMap<&str, &str> = HashMap::new();
    for c in &report.conclusions {
        if c.because.is_empty() && c.needs.is_empty() {
            continue;
        }
        n += 1;
        let _ = writeln!(out, "（{n}）{}：{}", escape(&c.name), escape(&c.shown));
        let earlier = c
            .because
            .iter()
            .map(|b| shown_for.get(b.rule.as_str()).copied())
            .collect::<Option<Vec<&str>>>();
        if let Some(mut earlier) = earlier.filter(|e| !e.is_empty()) {
            earlier.dedup();
            let rules: Vec<String> = c
                .because
                .iter()
                .map(|b| format!("{}（规则“{}”）", escape(&b.cite), escape(&b.rule)))
                .collect();
            let _ = writeln!(
                out,
                "    依据 {}，理由见“{}”",
                rules.join("、"),
                escape(&earlier.join("”“"))
            );
        }
        for b in c.because.iter().filter(|_| earlier_missing(&shown_for, c)) {
            let _ = writeln!(
                out,
                "    依据 {}（规则“{}”）",
                escape(&b.cite),
                escape(&b.rule)
            );
            if !b.text.is_empty() {
                let _ = writeln!(out, "      条文：“{}”", escape(&b.text));
            }
            for (name, _, shown) in &b.facts {
                let _ = writeln!(out, "      事实：{} = {}", escape(name), escape(shown));
            }
            for (text, shown) in &b.computed {
                let _ = writeln!(out, "      计算：{} = {}", escape(text), escape(shown));
            }
            for (name, shown) in &b.uses {
                let _ = writeln!(out, "      结论：{} = {}", escape(name), escape(shown));
            }
            for (name, shown) in &b.params {
                let _ = writeln!(out, "      标准：{} = {}", escape(name), escape(shown));
            }
        }
        for b in &c.because {
            shown_for.entry(&b.rule).or_insert(&c.name);
        }
        if !c.needs.is_empty() {
            let _ = writeln!(out, "    尚需查明：{}", escape(&c.needs.join("、")));
        }
    }
    if n == 0 {
        let _ = writeln!(out, "  （没有规则成立，也没有待查明的事实）");
    }
    if !report.errors.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "三、计算中的问题");
        for e in &report.errors {
            let _ = writeln!(out, "  {}", escape(e));
        }
    }
    out
}

/// Whether some basis of the conclusion has not been printed yet.
fn earlier_missing(shown_for: &HashMap<&str, &str>, c: &super::ConclusionReport) -> bool {
    c.because
        .iter()
        .any(|b| !shown_for.contains_key(b.rule.as_str()))
}
