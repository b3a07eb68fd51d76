//! The decision sheet: each conclusion's value, then, indented, each rule that established it
//! (citation, facts, thresholds, computed values, conclusions leaned on) and what is still
//! needed. It is what the case corpus's snapshots pin (tests/corpus.rs) and what `ruling
//! review` compares, one function for both, so that a reviewed snapshot is exactly what the
//! test checks. It leaves out the quoted article text and the rule set's fingerprint: editing
//! an article's wording changes no sheet.

use super::Report;
use std::fmt::Write as _;

/// The decision sheet of a report.
pub fn sheet(r: &Report) -> String {
    let mut out = String::new();
    for c in &r.conclusions {
        let _ = writeln!(out, "{} = {}", c.name, c.shown);
        for b in &c.because {
            let _ = writeln!(out, "  ← {}（{}）", b.rule, b.cite);
            for (name, _, shown) in &b.facts {
                let _ = writeln!(out, "      事实 {name} = {shown}");
            }
            for (name, shown) in &b.params {
                let _ = writeln!(out, "      标准 {name} = {shown}");
            }
            for (text, shown) in &b.computed {
                let _ = writeln!(out, "      计算 {text} = {shown}");
            }
            for (name, shown) in &b.uses {
                let _ = writeln!(out, "      结论 {name} = {shown}");
            }
        }
        if !c.needs.is_empty() {
            let _ = writeln!(out, "  尚需查明：{}", c.needs.join("、"));
        }
    }
    for e in &r.errors {
        let _ = writeln!(out, "计算错误：{e}");
    }
    out
}
