//! The Chinese text report.
//!
//! Every text that comes from a case or a rule file passes through [`escape`], so that a
//! case cannot forge a line of the report or send the terminal a colour code.

use super::quote::inner;
use super::{Basis, ConclusionReport, Report};
use crate::source::display_width;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

/// The report as text a prosecutor could paste into a review memo.
pub fn to_text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "帮助信息网络犯罪活动案件 规则评估报告");
    let _ = writeln!(
        out,
        "案件：{}",
        escape(report.case.as_deref().unwrap_or("（未编号）"))
    );
    if let Some(note) = &report.note {
        let _ = writeln!(out, "说明：{}", escape(note));
    }
    let _ = writeln!(
        out,
        "规则集：{}（指纹 {}）",
        escape(&report.rules.source),
        escape(&report.rules.fingerprint)
    );
    let _ = writeln!(out, "制作：{}，ruling {}", report.produced, report.version);
    let world = if report.closed_world {
        "封闭世界（未填写的布尔事实视为否，数额视为零）"
    } else {
        "开放世界（未填写的事实视为未知）"
    };
    let _ = writeln!(out, "评估方式：{world}");
    if !report.presumed.is_empty() {
        let _ = writeln!(
            out,
            "按封闭世界推定的事实（未填写）：{}",
            escape(&report.presumed.join("、"))
        );
    }
    out.push('\n');
    let _ = writeln!(out, "一、结论一览");
    let width = report
        .conclusions
        .iter()
        .map(|c| display_width(&c.name))
        .max()
        .unwrap_or(0);
    let line = |out: &mut String, c: &ConclusionReport| {
        let pad = " ".repeat(width.saturating_sub(display_width(&c.name)));
        let _ = writeln!(
            out,
            "  {}{pad}  {}{}",
            escape(&c.name),
            escape(&c.shown),
            marks(c)
        );
    };
    for c in report.conclusions.iter().filter(|c| !c.helper) {
        line(&mut out, c);
    }
    if report.conclusions.iter().any(|c| c.helper) {
        let _ = writeln!(out, "  辅助结论（供上列结论的规则使用）：");
        for c in report.conclusions.iter().filter(|c| c.helper) {
            line(&mut out, c);
        }
    }
    out.push('\n');
    let _ = writeln!(out, "二、依据与理由");
    let mut n = 0;
    // Where the same rules establish two conclusions (情节严重 and 情节严重依据), the second
    // refers back to the first instead of repeating the article texts; an article quoted once
    // is referred to after.
    // Rule → the conclusion under which it was printed (hashed: a long chain of conclusions
    // must not make the report quadratic).
    let mut shown_for: HashMap<&str, &str> = HashMap::new();
    let mut quoted: Vec<&str> = Vec::new();
    let mut why_shown: Vec<(&[super::WhyNot], &str)> = Vec::new();
    let ordered = report
        .conclusions
        .iter()
        .filter(|c| !c.helper)
        .chain(report.conclusions.iter().filter(|c| c.helper));
    for c in ordered {
        let undecided = c.undecided.as_deref().unwrap_or(&[]);
        if c.because.is_empty()
            && c.needs.is_empty()
            && c.why_not.is_empty()
            && undecided.is_empty()
        {
            continue;
        }
        n += 1;
        let _ = writeln!(
            out,
            "（{n}）{}：{}{}",
            escape(&c.name),
            escape(&c.shown),
            marks(c)
        );
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
            basis(&mut out, b, &mut quoted);
        }
        for b in &c.because {
            shown_for.entry(&b.rule).or_insert(&c.name);
        }
        let same = why_shown.iter().find(|(w, _)| same_rules(w, &c.why_not));
        if let Some((_, first)) = same.filter(|_| !c.why_not.is_empty()) {
            let _ = writeln!(out, "    未能成立的理由见“{}”", escape(first));
        } else if !c.why_not.is_empty() {
            let _ = writeln!(out, "    未能成立的依据：");
            for w in &c.why_not {
                let _ = writeln!(
                    out,
                    "      {}（规则“{}”）：{}",
                    escape(&w.cite),
                    escape(&w.rule),
                    escape(&w.reason)
                );
            }
            why_shown.push((&c.why_not, &c.name));
        }
        if !undecided.is_empty() {
            let _ = writeln!(out, "    尚未确定的项：{}", escape(&undecided.join("；")));
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

/// The marks after a value in the list: resting on a presumption, items still open.
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

/// One rule that established a conclusion: its article (quoted the first time, referred to
/// after) and the values it read.
fn basis<'a>(out: &mut String, b: &'a Basis, quoted: &mut Vec<&'a str>) {
    let _ = writeln!(
        out,
        "    依据 {}（规则“{}”）",
        escape(&b.cite),
        escape(&b.rule)
    );
    if !b.text.is_empty() {
        if quoted.contains(&b.cite.as_str()) {
            let _ = writeln!(out, "      条文：见上文{}", escape(&b.cite));
        } else {
            let _ = writeln!(out, "      条文：“{}”", escape(&inner(&b.text)));
            quoted.push(&b.cite);
        }
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

/// Whether two why-not lists name the same rules for the same reasons.
fn same_rules(a: &[super::WhyNot], b: &[super::WhyNot]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.rule == y.rule && x.reason == y.reason)
}

/// Whether some basis of the conclusion has not been printed yet.
fn earlier_missing(shown_for: &HashMap<&str, &str>, c: &ConclusionReport) -> bool {
    c.because
        .iter()
        .any(|b| !shown_for.contains_key(b.rule.as_str()))
}

/// The questions of a report as a 补充查证事项 list a prosecutor can send back to the
/// investigators.
pub fn questions_text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "补充查证事项（{}）",
        escape(report.case.as_deref().unwrap_or("（未编号）"))
    );
    if report.questions.is_empty() {
        let _ = writeln!(out, "  （无：现有事实已足以得出各项结论）");
    }
    for (i, q) in report.questions.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}. {}（{}）",
            i + 1,
            escape(&q.question),
            escape(&q.cite)
        );
    }
    out
}

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
