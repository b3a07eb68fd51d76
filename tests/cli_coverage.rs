//! `ruling test --coverage` through the real binary: every shipped rule is fired by some case
//! of the corpus, and a rule no case fires (or none decides) is named under its article.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

mod common;
use common::{ruling, stdout};

#[test]
fn the_corpus_fires_every_shipped_rule() {
    let o = ruling(&["test", "--coverage"]);
    let out = stdout(&o);
    // Coverage does not depend on the cases passing: a failing case still exercises its rules.
    assert!(matches!(o.status.code(), Some(0 | 1)), "{out}");
    assert!(out.contains("规则覆盖（示例 "), "{out}");
    assert!(
        out.contains("从未触发 0 条，从未判定 0 条；其中只有示例触发、案例库未触发 0 条。"),
        "some rule is not fired by any corpus case; add a case in tests/cases/:\n{}",
        out.lines()
            .filter(|l| l.contains("规则“"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        out.contains("  法发〔2025〕12号第6条：5 条规则，全部触发"),
        "{out}"
    );
    // The contract's closing line stays last.
    assert!(
        out.trim_end().lines().last().unwrap().ends_with(" failed"),
        "{out}"
    );
}

#[test]
fn without_the_flag_there_is_no_coverage_report() {
    let o = ruling(&["test", "tests/cases/意见6-3-电话卡二十张-达到.toml"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stdout(&o).contains("规则覆盖"));
}

#[test]
fn rules_never_fired_or_never_decided_are_named_under_their_article() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("甲.rule"),
        "条文 法发〔2025〕12号第6条第(3)项 “收购、出售、出租电话卡、物联网卡二十张以上的。”
条文 刑法第17条 “已满十六周岁的人犯罪，应当负刑事责任。”
事实 电话卡数：整数 “张数”
事实 出生日期：日期 “出生日期”
事实 行为日期：日期 “行为日期”
结论 情节严重：三值 “情节严重”
结论 未成年人：三值 “未成年人”

规则 电话卡达标准
  依据 法发〔2025〕12号第6条第(3)项
  若 电话卡数 达 20 以上
  则 情节严重

规则 电话卡过百万
  依据 法发〔2025〕12号第6条第(3)项
  若 电话卡数 超过 1000000
  则 情节严重

规则 不满十八周岁
  依据 刑法第17条
  若 周岁(出生日期，行为日期) 不满 18
  则 未成年人

示例 二十张 封闭世界
  案情 电话卡数 = 20
  预期 情节严重 = 真
",
    )
    .unwrap();
    let cases = tempfile::tempdir().unwrap();
    std::fs::write(
        cases.path().join("十九张.toml"),
        "\"电话卡数\" = 19\n[\"预期\"]\n\"情节严重\" = false\n",
    )
    .unwrap();
    let o = ruling(&[
        "test",
        "--coverage",
        "--rules",
        dir.path().to_str().unwrap(),
        cases.path().to_str().unwrap(),
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("规则覆盖（示例 1 个，案例库 1 件）"), "{out}");
    assert!(
        out.contains("  刑法第17条：1 条规则，没有一条被任何案件触发"),
        "{out}"
    );
    assert!(
        out.contains("    规则“不满十八周岁”（刑法第17条）：从未判定（每个案件中都待定）"),
        "{out}"
    );
    assert!(
        out.contains("  法发〔2025〕12号第6条：2 条规则，1 条触发"),
        "{out}"
    );
    assert!(
        out.contains("    规则“电话卡过百万”（法发〔2025〕12号第6条第(3)项）：从未触发（判定 2 次，均不成立或被排除）"),
        "{out}"
    );
    assert!(
        out.contains("    规则“电话卡达标准”（法发〔2025〕12号第6条第(3)项）：只有示例触发（1 个），案例库没有案件触发"),
        "{out}"
    );
    assert!(
        out.contains("合计：3 条规则，触发 1 条，从未触发 1 条，从未判定 1 条"),
        "{out}"
    );
}
