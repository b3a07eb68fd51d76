//! Dated parameters and 从旧兼从轻 (刑法第12条) through the real binary, on the example rule set
//! `examples/从旧兼从轻/`: the shipped rules with the overlay `修订/`, a hypothetical later
//! amendment raising 账户流入资金标准 to 50万元 from 2027-01-01.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

mod common;
use common::{ruling, stdout};

/// The overlay: the amended file, over the shipped `rules/`.
const AMEND: &str = "examples/从旧兼从轻/修订";
const CASES: &str = "examples/从旧兼从轻/cases";

fn case(name: &str) -> String {
    format!("{CASES}/{name}.toml")
}

/// The line of an explanation that gives 账户流入资金标准 for the 意见6(1) rule.
fn threshold_line(name: &str) -> String {
    let o = ruling(&[
        "explain",
        &case(name),
        "情节严重",
        "--rules",
        "rules",
        "--amend",
        AMEND,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(&o)
        .lines()
        .find(|l| l.contains("标准：账户流入资金标准 = "))
        .map(|l| l.trim_start_matches(['│', ' ']).to_string())
        .unwrap()
}

#[test]
fn the_example_rule_set_and_its_cases_pass() {
    let o = ruling(&["test", "--rules", "rules", "--amend", AMEND, CASES]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.trim_end().ends_with(" passed, 0 failed"), "{out}");
    assert_eq!(out.matches("通过 案例").count(), 6, "{out}");
}

#[test]
fn conduct_before_judgment_after_applies_the_more_lenient_later_value_and_says_why() {
    assert_eq!(
        threshold_line("行为在前裁判在后-适用较轻的新标准"),
        "标准：账户流入资金标准 = 50万元（法发〔2025〕12号第6条；该标准自 2027-01-01 起施行。\
         行为日期 2026-10-01 时的标准为 30万元（施行至 2026-12-31），裁判日期 2027-03-01 时的标准 50万元 \
         对行为人更有利，依刑法第12条从旧兼从轻，适用裁判时的标准）"
    );
    let o = ruling(&[
        "eval",
        &case("行为在前裁判在后-适用较轻的新标准"),
        "--rules",
        "rules",
        "--amend",
        AMEND,
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["conclusions"]["情节严重"]["value"], false);
    // The output names both parts of the rule set: the base and the overlay.
    assert_eq!(json["rules"]["source"], format!("rules + {AMEND}"));
}

#[test]
fn conduct_and_judgment_before_the_amendment_apply_the_old_value() {
    assert_eq!(
        threshold_line("行为与裁判均在修订前-适用三十万元"),
        "标准：账户流入资金标准 = 30万元（法发〔2025〕12号第6条；该标准施行至 2026-12-31，\
         行为日期 2026-10-01 在其施行期内，依刑法第12条适用行为时的标准）"
    );
    // The rule fires, so the value and its period are in the report itself.
    let o = ruling(&[
        "eval",
        &case("未填裁判日期-适用行为时标准"),
        "--rules",
        "rules",
        "--amend",
        AMEND,
    ]);
    let out = stdout(&o);
    assert!(
        out.contains("账户流入资金标准 = 30万元（法发〔2025〕12号第6条；该标准施行至 2026-12-31"),
        "{out}"
    );
}

#[test]
fn conduct_after_the_amendment_applies_the_new_value() {
    assert_eq!(
        threshold_line("行为在修订后-五十五万元达到"),
        "标准：账户流入资金标准 = 50万元（法发〔2025〕12号第6条；该标准自 2027-01-01 起施行，\
         行为日期 2027-02-01 在其施行期内，依刑法第12条适用行为时的标准）"
    );
}

#[test]
fn unknown_conduct_date_leaves_the_item_undecided_and_asks_for_it() {
    assert_eq!(
        threshold_line("行为日期不明-待定"),
        "标准：账户流入资金标准 = 待定（行为日期未知，无法确定适用的标准：30万元（施行至 2026-12-31）、\
         50万元（自 2027-01-01 起施行）；法发〔2025〕12号第6条）"
    );
    let o = ruling(&[
        "eval",
        &case("行为日期不明-待定"),
        "--rules",
        "rules",
        "--amend",
        AMEND,
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let c = &json["conclusions"]["情节严重"];
    assert_eq!(c["value"], serde_json::Value::Null);
    assert!(
        c["needs"].as_array().unwrap().contains(&"行为日期".into()),
        "{c}"
    );
}

#[test]
fn impact_of_the_amendment_on_its_cases() {
    let o = ruling(&[
        "impact", "--base", "rules", "--rules", "rules", "--amend", AMEND, CASES,
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    for changed in [
        "案件 行为在前裁判在后-适用较轻的新标准",
        "案件 行为在修订后-四十万元不达五十万元",
        "案件 行为日期不明-待定",
    ] {
        assert!(out.contains(changed), "{changed} missing:\n{out}");
    }
    assert!(
        out.contains("读入 6 件，结论有变化 3 件，无变化 3 件"),
        "{out}"
    );
    assert!(
        out.contains("参数 账户流入资金标准：30万元 → 50万元"),
        "{out}"
    );
}

#[test]
fn the_shipped_rules_declare_the_judgment_date() {
    let program = common::shipped().program();
    let f = program.judgment_date.expect("裁判日期 declared");
    assert_eq!(program.facts[f].ty, ruling::program::Type::Date);
}

#[test]
fn a_stricter_later_value_is_not_applied_and_the_report_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("甲.rule"),
        "条文 法发〔2025〕12号第6条第(3)项 “收购、出售、出租电话卡、物联网卡二十张以上的。”
事实 行为日期：日期 “行为日期”
事实 裁判日期：日期 “裁判日期”
事实 电话卡数：整数 “张数”
结论 情节严重：三值 “情节严重”
# 假设：自2027年起标准降为十张（对行为人更不利）。
参数 电话卡数标准 依据 法发〔2025〕12号第6条第(3)项 较高者有利
  值 20张 至 2026-12-31
  值 10张 自 2027-01-01
规则 电话卡达标准
  依据 法发〔2025〕12号第6条第(3)项
  若 电话卡数 达 电话卡数标准 以上
  则 情节严重
",
    )
    .unwrap();
    let case = dir.path().join("案件.toml");
    std::fs::write(
        &case,
        "\"行为日期\" = 2026-10-01\n\"裁判日期\" = 2027-03-01\n\"电话卡数\" = 15\n",
    )
    .unwrap();
    let o = ruling(&[
        "explain",
        case.to_str().unwrap(),
        "情节严重",
        "--rules",
        dir.path().to_str().unwrap(),
    ]);
    let out = stdout(&o);
    assert!(out.contains("情节严重 = 否"), "{out}");
    assert!(
        out.contains(
            "标准：电话卡数标准 = 20张（法发〔2025〕12号第6条第(3)项；该标准施行至 2026-12-31，\
             行为日期 2026-10-01 在其施行期内，依刑法第12条适用行为时的标准；\
             裁判日期 2027-03-01 时的标准 10张 对行为人并不更有利，不予适用）"
        ),
        "{out}"
    );
}
