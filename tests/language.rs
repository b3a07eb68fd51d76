//! Each construct of the rule language (docs/language.md), parsed, checked and evaluated on a
//! small rule set written for the test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

mod common;

use ruling::case::{parse_case, CaseFormat};
use ruling::diag::render;
use ruling::report::conclusion_value;
use ruling::rules::{Options, Rules};
use serde_json::{json, Value as J};

const DECLS: &str = r#"
记录 账户记录 { 归属：枚举{本人, 他人, 单位}，行为：枚举{出售, 出租, 收购}，流入资金：金额 }
事实 行为日期：日期
事实 出生日期：日期
事实 处罚日期：日期
事实 数量：整数
事实 金额甲：金额
事实 金额乙：金额
事实 标志：布尔
事实 另一标志：布尔
事实 查证：枚举{达到, 未达到, 未查证（待定）}
事实 工具：集合<枚举{甲工具, 乙工具}>
事实 账户：列表<账户记录>
条文 刑法第99条 “本法所称以上、以下、以内，包括本数。”
结论 甲：三值
结论 乙：三值
结论 丙：三值
结论 依据集：集合<引文>
结论 情态甲：情态
结论 事项：集合<文本>
"#;

fn program(rules: &str) -> Rules {
    let text = format!("{DECLS}\n{rules}");
    common::rules_from_text("test.rule", &text)
        .unwrap_or_else(|e| panic!("{}", render(&e.diagnostics, &e.sources)))
}

fn eval(rules: &Rules, facts: J, closed: bool) -> impl Fn(&str) -> J + '_ {
    let p = rules.program();
    let case =
        parse_case(p, &facts.to_string(), CaseFormat::Json).unwrap_or_else(|d| panic!("{d:?}"));
    let evaluated = rules.evaluate(
        &case,
        Options {
            closed_world: closed,
            needs: true,
            explain: true,
        },
    );
    let outcome = evaluated.outcome;
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    move |name: &str| conclusion_value(p, &outcome, p.conclusion_index[name])
}

fn rule(cond: &str) -> String {
    format!("规则 测试 依据 刑法第99条 若 {cond} 则 甲\n规则 乙规则 依据 刑法第99条 若 假 则 乙，丙，依据集，事项 加入 “无”\n规则 情态规则 依据 刑法第99条 若 假 则 情态甲 为 可以")
}

fn holds(cond: &str, facts: J) -> J {
    let p = program(&rule(cond));
    let value = eval(&p, facts, false)("甲");
    value
}

#[test]
fn legal_comparison_words_include_the_number_itself() {
    assert_eq!(
        holds("数量 达 3个 以上", json!({"数量": 3})),
        json!(true),
        "以上 includes 3"
    );
    assert_eq!(holds("数量 达 3个 以上", json!({"数量": 2})), json!(false));
    assert_eq!(
        holds("数量 在 3个 以下", json!({"数量": 3})),
        json!(true),
        "以下 includes 3"
    );
    assert_eq!(
        holds("数量 在 3个 以内", json!({"数量": 3})),
        json!(true),
        "以内 includes 3"
    );
    assert_eq!(
        holds("数量 超过 3个", json!({"数量": 3})),
        json!(false),
        "超过 excludes 3"
    );
    assert_eq!(
        holds("数量 不满 3个", json!({"数量": 3})),
        json!(false),
        "不满 excludes 3"
    );
    assert_eq!(holds("数量 >= 3", json!({"数量": 3})), json!(true));
    assert_eq!(holds("数量 ≠ 3", json!({"数量": 3})), json!(false));
}

#[test]
fn amounts_are_exact_decimals() {
    assert_eq!(
        holds("0.1元 + 0.2元 == 0.3元", json!({})),
        json!(true),
        "0.1+0.2 is exactly 0.3"
    );
    assert_eq!(holds("30万元 == 300000元", json!({})), json!(true));
    assert_eq!(holds("1.5万元 == 15000元", json!({})), json!(true));
    assert_eq!(holds("1亿元 == 10000万元", json!({})), json!(true));
    assert_eq!(
        holds("金额甲 达 30万元 以上", json!({"金额甲": "299999.99"})),
        json!(false)
    );
    assert_eq!(
        holds("金额甲 达 30万元 以上", json!({"金额甲": "30万元"})),
        json!(true)
    );
    assert_eq!(
        holds(
            "金额甲 达 20万元 的 5倍 倍 以上",
            json!({"金额甲": 1_000_000})
        ),
        json!(true)
    );
    assert_eq!(
        holds("金额甲 达 20万元 * 5 以上", json!({"金额甲": "999999.99"})),
        json!(false)
    );
    assert_eq!(
        holds(
            "金额甲 - 金额乙 == 1元",
            json!({"金额甲": "2.5", "金额乙": "1.50"})
        ),
        json!(true)
    );
}

#[test]
fn overflow_is_a_located_error_not_a_wrap() {
    let rules = program(&rule("金额甲 + 金额乙 达 1元 以上"));
    let p = rules.program();
    let big = "79228162514264337593543950335";
    let case = parse_case(
        p,
        &json!({"金额甲": big, "金额乙": big}).to_string(),
        CaseFormat::Json,
    )
    .unwrap();
    let outcome = rules.evaluate(&case, Options::default()).outcome;
    assert_eq!(outcome.errors.len(), 1);
    assert!(outcome.errors[0].message.contains("溢出"));
    assert!(outcome.errors[0].span.is_some());
    assert_eq!(
        conclusion_value(p, &outcome, p.conclusion_index["甲"]),
        J::Null,
        "never a wrong answer"
    );
}

#[test]
fn three_valued_logic_never_turns_unknown_into_false() {
    assert_eq!(
        holds("标志 且 另一标志", json!({"标志": false})),
        json!(false),
        "假 且 未知 = 假"
    );
    assert_eq!(holds("标志 且 另一标志", json!({"标志": true})), J::Null);
    assert_eq!(
        holds("标志 或 另一标志", json!({"标志": true})),
        json!(true),
        "真 或 未知 = 真"
    );
    assert_eq!(holds("标志 或 另一标志", json!({"标志": false})), J::Null);
    assert_eq!(holds("非 标志", json!({})), J::Null);
    assert_eq!(holds("非 (标志)", json!({"标志": false})), json!(true));
    assert_eq!(holds("已知(标志)", json!({})), json!(false));
    assert_eq!(holds("未知(标志)", json!({})), json!(true));
}

#[test]
fn a_pending_enumeration_word_makes_comparisons_undecided() {
    assert_eq!(holds("查证 是 达到", json!({"查证": "未查证"})), J::Null);
    assert_eq!(
        holds("查证 是 未查证", json!({"查证": "未查证"})),
        json!(true)
    );
    assert_eq!(
        holds("查证 是 达到", json!({"查证": "未达到"})),
        json!(false)
    );
    assert_eq!(
        holds("查证 属于 {达到}", json!({"查证": "未查证"})),
        J::Null
    );
}

#[test]
fn sets_and_membership() {
    assert_eq!(holds("工具 非空", json!({"工具": []})), json!(false));
    assert_eq!(holds("工具 非空", json!({"工具": ["甲工具"]})), json!(true));
    assert_eq!(
        holds("工具 包含 乙工具", json!({"工具": ["甲工具"]})),
        json!(false)
    );
    assert_eq!(
        holds("乙工具 属于 工具", json!({"工具": ["乙工具"]})),
        json!(true)
    );
    assert_eq!(holds("工具 为空", json!({})), J::Null);
}

#[test]
fn aggregates_over_lists_of_records() {
    let accounts = json!({"账户": [
        {"归属": "本人", "行为": "出售", "流入资金": "10万元"},
        {"归属": "本人", "行为": "出租", "流入资金": 100000},
        {"归属": "他人", "行为": "收购", "流入资金": "50000.50"},
    ]});
    assert_eq!(
        holds("计数(账户 其中 归属 是 本人) == 2", accounts.clone()),
        json!(true)
    );
    assert_eq!(holds("计数(账户) == 3", accounts.clone()), json!(true));
    assert_eq!(
        holds(
            "合计(账户.流入资金 其中 行为 属于 {出售, 出租}) == 20万元",
            accounts.clone()
        ),
        json!(true)
    );
    assert_eq!(
        holds("合计(账户.流入资金) == 250000.50元", accounts.clone()),
        json!(true)
    );
    assert_eq!(
        holds("存在(账户 其中 归属 是 单位)", accounts.clone()),
        json!(false)
    );
    assert_eq!(
        holds("全部(账户 其中 流入资金 达 5万元 以上)", accounts.clone()),
        json!(true)
    );
    let unknown_owner = json!({"账户": [{"行为": "出售", "流入资金": 1}]});
    assert_eq!(
        holds("计数(账户 其中 归属 是 本人) == 0", unknown_owner.clone()),
        J::Null,
        "an unknown field is not a no"
    );
    assert_eq!(
        holds("存在(账户 其中 流入资金 达 1元 以上)", unknown_owner),
        json!(true)
    );
}

#[test]
fn dates_periods_and_age() {
    assert_eq!(
        holds(
            "行为日期 - 1年 == 2024-02-28",
            json!({"行为日期": "2025-02-28"})
        ),
        json!(true)
    );
    assert_eq!(
        holds("2024-02-29 + 1年 == 2025-02-28", json!({})),
        json!(true),
        "民法典第202条"
    );
    assert_eq!(
        holds("2025-01-31 + 1个月 == 2025-02-28", json!({})),
        json!(true)
    );
    assert_eq!(
        holds(
            "周岁(出生日期, 行为日期) 不满 16周岁",
            json!({"出生日期": "2009-09-01", "行为日期": "2025-09-01"})
        ),
        json!(true),
        "on the birthday still 15"
    );
    assert_eq!(
        holds(
            "周岁(出生日期, 行为日期) 不满 16周岁",
            json!({"出生日期": "2009-09-01", "行为日期": "2025-09-02"})
        ),
        json!(false)
    );
    assert_eq!(
        holds(
            "周岁(出生日期, 行为日期) 不满 18周岁",
            json!({"出生日期": "2008-02-29", "行为日期": "2026-02-28"})
        ),
        json!(true)
    );
    assert_eq!(
        holds(
            "周岁(出生日期, 行为日期) 不满 18周岁",
            json!({"出生日期": "2008-02-29", "行为日期": "2026-03-01"})
        ),
        json!(false)
    );
    let within = "处罚日期 在 行为日期 前 2年 以内";
    assert_eq!(
        holds(
            within,
            json!({"处罚日期": "2023-09-01", "行为日期": "2025-09-01"})
        ),
        json!(true),
        "the day exactly two years before counts"
    );
    assert_eq!(
        holds(
            within,
            json!({"处罚日期": "2023-08-31", "行为日期": "2025-09-01"})
        ),
        json!(false)
    );
    assert_eq!(holds(within, json!({"行为日期": "2025-09-01"})), J::Null);
}

#[test]
fn unless_defeats_and_unknown_unless_leaves_the_rule_pending() {
    let p = program(&format!(
        "规则 推定 依据 刑法第99条 若 标志 除非 另一标志 则 甲，依据集\n{}",
        "规则 乙规则 依据 刑法第99条 若 假 则 乙，丙，事项 加入 “无”\n规则 情态规则 依据 刑法第99条 若 假 则 情态甲 为 可以"
    ));
    assert_eq!(
        eval(&p, json!({"标志": true, "另一标志": true}), false)("甲"),
        json!(false)
    );
    assert_eq!(
        eval(&p, json!({"标志": true, "另一标志": false}), false)("甲"),
        json!(true)
    );
    assert_eq!(eval(&p, json!({"标志": true}), false)("甲"), J::Null);
    assert_eq!(
        eval(&p, json!({"标志": true}), true)("甲"),
        json!(true),
        "closed world: absent 另一标志 is false"
    );
    assert_eq!(
        eval(&p, json!({"标志": true, "另一标志": false}), false)("依据集"),
        json!(["刑法第99条"])
    );
}

#[test]
fn a_rule_declared_to_take_precedence_defeats_the_other() {
    let p = program(
        "规则 一般 依据 刑法第99条 若 标志 则 甲\n\
         规则 例外 依据 刑法第99条 若 另一标志 则 乙 优先于 一般\n\
         规则 丙规则 依据 刑法第99条 若 假 则 丙，依据集，事项 加入 “无”\n\
         规则 情态规则 依据 刑法第99条 若 假 则 情态甲 为 可以",
    );
    assert_eq!(
        eval(&p, json!({"标志": true, "另一标志": true}), false)("甲"),
        json!(false)
    );
    assert_eq!(
        eval(&p, json!({"标志": true, "另一标志": false}), false)("甲"),
        json!(true)
    );
    assert_eq!(
        eval(&p, json!({"标志": true}), false)("甲"),
        J::Null,
        "the exception may still apply"
    );
}

#[test]
fn the_strongest_modality_wins_and_undecided_stronger_rules_keep_it_pending() {
    let p = program(
        "规则 可以规则 依据 刑法第99条 若 标志 则 情态甲 为 可以\n\
         规则 应当规则 依据 刑法第99条 若 另一标志 则 情态甲 为 应当\n\
         规则 其余 依据 刑法第99条 若 假 则 甲，乙，丙，依据集，事项 加入 “无”",
    );
    assert_eq!(
        eval(&p, json!({"标志": true, "另一标志": true}), false)("情态甲"),
        json!("应当")
    );
    assert_eq!(
        eval(&p, json!({"标志": true, "另一标志": false}), false)("情态甲"),
        json!("可以")
    );
    assert_eq!(
        eval(&p, json!({"标志": false, "另一标志": false}), false)("情态甲"),
        json!("不适用")
    );
    assert_eq!(eval(&p, json!({"标志": true}), false)("情态甲"), J::Null);
    assert_eq!(
        eval(&p, json!({"另一标志": true}), false)("情态甲"),
        json!("应当"),
        "nothing can be stronger"
    );
}

#[test]
fn conclusions_feed_rules_in_dependency_order_whatever_the_file_order() {
    let p = program(
        "规则 后 依据 刑法第99条 若 乙 且 丙 则 甲\n\
         规则 中 依据 刑法第99条 若 丙 则 乙\n\
         规则 先 依据 刑法第99条 若 标志 则 丙\n\
         规则 其余 依据 刑法第99条 若 假 则 依据集，事项 加入 “无”\n\
         规则 情态规则 依据 刑法第99条 若 假 则 情态甲 为 可以",
    );
    assert_eq!(eval(&p, json!({"标志": true}), false)("甲"), json!(true));
    let ev = eval(&p, json!({}), false);
    assert_eq!(ev("甲"), J::Null);
}

#[test]
fn full_width_and_ascii_punctuation_are_the_same() {
    let a = program(&rule("(数量 达 3个 以上) 且 查证 属于 {达到, 未达到}"));
    let b = program(&rule("（数量 达 3个 以上） 且 查证 属于 ｛达到，未达到｝"));
    for facts in [
        json!({"数量": 3, "查证": "达到"}),
        json!({"数量": 2}),
        json!({}),
    ] {
        assert_eq!(
            eval(&a, facts.clone(), false)("甲"),
            eval(&b, facts, false)("甲")
        );
    }
}

#[test]
fn examples_inside_rule_files_are_typed_like_case_files() {
    let rules = program(&format!(
        "{}\n示例 三个 封闭世界 案情 数量 = 3个，账户 = [{{归属 = 本人, 行为 = 出售, 流入资金 = 1万元}}] 预期 甲 = 真，依据集 = {{}}",
        rule("数量 达 3个 以上")
    ));
    let p = rules.program();
    let examples = rules.examples();
    assert_eq!(examples.len(), 1);
    let case = &examples[0].case;
    assert!(case.closed_world);
    // Exactly the two facts the example gives, every other fact unknown.
    let given: Vec<&str> = case
        .facts
        .iter()
        .zip(&p.facts)
        .filter(|(v, _)| v.is_known())
        .map(|(_, f)| f.name.as_str())
        .collect();
    assert_eq!(given, ["数量", "账户"]);
    assert_eq!(
        case.expect,
        vec![
            (p.conclusion_index["甲"], json!(true)),
            (p.conclusion_index["依据集"], json!([]))
        ]
    );
}
