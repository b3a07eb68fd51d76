//! The case corpus (`tests/cases/*.toml`): every case's decisions are pinned in an insta
//! snapshot, so that any change to a rule shows, case by case, as a reviewable diff
//! (`cargo insta review`, or compare the `.snap.new` files). A corpus snapshot is a compact
//! decision sheet (each conclusion's value; the rules that decided it with their citations,
//! the facts and thresholds they read and the values they computed; what is still needed),
//! not the prose report: editing the quoted text of one article then changes no corpus
//! snapshot. The full prose report is pinned for the three examples in all three formats. The
//! fingerprint of the rule set is masked so that a change shows only where a report really
//! changes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

mod common;

use ruling::case::CaseFormat;
use ruling::report::{self, RulesInfo};
use ruling::rules::Options;

fn report_of(path: &std::path::Path, format: &str) -> String {
    let r = report_model(path);
    match format {
        "json" => serde_json::to_string_pretty(&report::to_json(&r)).unwrap(),
        "markdown" => report::to_markdown(&r),
        "sheet" => decision_sheet(&r),
        _ => report::to_text(&r),
    }
}

/// Each conclusion's value, then, indented, each rule that established it (citation, facts,
/// thresholds, computed values, conclusions leaned on) and what is still needed.
fn decision_sheet(r: &report::Report) -> String {
    use std::fmt::Write as _;
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

fn report_model(path: &std::path::Path) -> report::Report {
    let rules = common::shipped();
    let text = std::fs::read_to_string(path).unwrap();
    let case_format = if path.extension().is_some_and(|e| e == "toml") {
        CaseFormat::Toml
    } else {
        CaseFormat::Json
    };
    let case = rules.read_case(&text, case_format).unwrap();
    // The case file's own 封闭世界 decides the world, as `ruling eval` without the flag.
    let evaluated = rules.evaluate(
        &case,
        Options {
            closed_world: false,
            needs: true,
            explain: true,
        },
    );
    let mut r = report::build(&evaluated);
    r.rules = RulesInfo {
        source: "rules".into(),
        fingerprint: "[指纹]".into(),
    };
    // The date and version a report names change by themselves; the snapshots pin the rest.
    r.produced = "[日期]".into();
    r.version = "[版本]".into();
    r
}

#[test]
fn every_corpus_case_has_a_reviewed_decision_sheet() {
    insta::glob!("cases/*.toml", |path| {
        insta::assert_snapshot!(report_of(path, "sheet"));
    });
}

#[test]
fn example_reports_in_every_format() {
    for example in ["学生出租银行卡", "收卡团伙组织者", "银行职员开户"] {
        let path = std::path::PathBuf::from(format!("examples/{example}.toml"));
        for format in ["text", "json", "markdown"] {
            insta::assert_snapshot!(format!("{example}-{format}"), report_of(&path, format));
        }
    }
}

#[test]
fn the_json_report_has_every_contract_conclusion_with_its_value_domain() {
    let json: serde_json::Value = serde_json::from_str(&report_of(
        std::path::Path::new("examples/收卡团伙组织者.toml"),
        "json",
    ))
    .unwrap();
    let c = &json["conclusions"];
    for tri in [
        "未达刑事责任年龄",
        "未成年人",
        "明知",
        "情节严重",
        "构成帮信罪",
        "按共同犯罪处罚",
        "倾向掩饰隐瞒",
        "不认为是犯罪",
        "行政处罚衔接",
    ] {
        let v = &c[tri]["value"];
        assert!(v.is_boolean() || v.is_null(), "{tri}: {v}");
    }
    for set in [
        "明知依据",
        "情节严重依据",
        "从严情节",
        "从宽情节",
        "待查证事项",
    ] {
        let v = c[set]["value"]
            .as_array()
            .unwrap_or_else(|| panic!("{set}"));
        let strings: Vec<&str> = v.iter().map(|x| x.as_str().unwrap()).collect();
        let mut sorted = strings.clone();
        sorted.sort();
        assert_eq!(strings, sorted, "{set} is sorted");
    }
    for modal in ["不起诉或免予刑事处罚", "职业禁止", "禁止令"] {
        let v = &c[modal]["value"];
        assert!(
            v.is_null() || ["应当", "一般应当", "可以", "不适用"].contains(&v.as_str().unwrap()),
            "{modal}: {v}"
        );
    }
    assert!(
        ["司法建议书", "检察建议书", "不适用"].contains(&c["建议书"]["value"].as_str().unwrap())
    );
    assert_eq!(json["rules"]["source"], "rules");
    for (_, v) in c.as_object().unwrap() {
        assert!(v["because"].is_array() && v["needs"].is_array());
    }
}
