//! The shipped rule set checks clean, declares every fact and conclusion of the case-file guide and the JSON reference (docs/)
//! with exactly its type, and every example inside it passes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

mod common;

use ruling::diag::render;
use ruling::program::{ConclusionKind, Type, MODALITY};
use ruling::rules::Rules;
use ruling::ruleset;

fn program() -> &'static ruling::program::Program {
    common::shipped().program()
}

#[test]
fn shipped_rules_check_clean() {
    let rules = match Rules::from_dir(&common::root().join("rules")) {
        Ok(rules) => rules,
        Err(rejected) => panic!("{}", render(&rejected.diagnostics, &rejected.sources)),
    };
    // The one warning allowed: 误认犯罪类型 is declared by the contract but, by 意见5第1款,
    // affects no conclusion.
    let warnings: Vec<_> = rules
        .warnings()
        .iter()
        .filter(|d| !d.message.contains("误认犯罪类型"))
        .cloned()
        .collect();
    assert!(
        warnings.is_empty(),
        "{}",
        render(&warnings, &rules.set().sources)
    );
}

#[test]
fn embedded_rules_are_the_shipped_rules() {
    let embedded = ruleset::embedded();
    let on_disk = ruleset::read_dir(&common::root().join("rules")).unwrap();
    assert_eq!(
        embedded.fingerprint, on_disk.fingerprint,
        "rebuild to embed the current rules"
    );
}

#[test]
fn every_contract_fact_is_declared_with_its_type() {
    let p = program();
    let enum_of = |name: &str| match p.facts[p.fact_index[name]].ty {
        Type::Enum(e) | Type::Words(e) => p.enums[e].words.clone(),
        other => panic!("{name} is {other:?}"),
    };
    let simple = [
        ("行为日期", Type::Date),
        ("出生日期", Type::Date),
        ("在校学生", Type::Bool),
        ("提供帮助", Type::Bool),
        ("综合认定明知", Type::Bool),
        ("被采取限制措施后仍实施", Type::Bool),
        ("事先准备应对调查话术", Type::Bool),
        ("监管部门告知后仍实施", Type::Bool),
        ("接到举报后不履行管理职责", Type::Bool),
        ("交易价格或方式明显异常", Type::Bool),
        ("提供专门用于违法犯罪的程序工具", Type::Bool),
        ("频繁采用隐蔽措施逃避监管", Type::Bool),
        ("为他人逃避监管提供技术支持", Type::Bool),
        ("有相反证据", Type::Bool),
        ("误认犯罪类型", Type::Bool),
        ("电话卡数", Type::Int),
        ("被帮助对象数", Type::Int),
        ("支付结算金额", Type::Amount),
        ("广告投放资金", Type::Amount),
        ("违法所得", Type::Amount),
        ("明知系犯罪所得", Type::Bool),
        ("帮助转移资金", Type::Bool),
        ("收购或组织招募介绍他人提供两卡", Type::Bool),
        ("事先通谋", Type::Bool),
        ("稳定配合关系", Type::Bool),
        ("组织或长期从事收购贩卖两卡", Type::Bool),
        ("组织利用特殊群体", Type::Bool),
        ("行业从业人员利用职业便利", Type::Bool),
        ("跨境提供技术支持或帮助", Type::Bool),
        ("提供专门或主要用于犯罪的技术设备", Type::Bool),
        ("利用人工智能技术", Type::Bool),
        ("被诱骗", Type::Bool),
        ("参与时间较短", Type::Bool),
        ("获利较少", Type::Bool),
        ("认罪认罚", Type::Bool),
        ("积极配合追查起重要作用", Type::Bool),
        ("情节轻微", Type::Bool),
        ("情节显著轻微危害不大", Type::Bool),
        ("利用职业便利或违背职业义务", Type::Bool),
        ("严重违背职业义务", Type::Bool),
        ("被判处刑罚", Type::Bool),
        ("宣告缓刑", Type::Bool),
        ("发现系统性风险隐患", Type::Bool),
    ];
    for (name, ty) in simple {
        let f = p
            .fact_index
            .get(name)
            .unwrap_or_else(|| panic!("fact {name} missing"));
        assert_eq!(p.facts[*f].ty, ty, "{name}");
    }
    assert_eq!(
        enum_of("角色"),
        [
            "组织者",
            "策划者",
            "指挥者",
            "骨干成员",
            "一般参与者",
            "末端人员"
        ]
    );
    assert_eq!(
        enum_of("被帮助对象犯罪查证"),
        ["已查证达到", "已查证未达到", "未查证", "客观无法查证"]
    );
    assert_eq!(enum_of("被帮助对象犯罪后果"), ["无", "严重", "特别严重"]);
    assert_eq!(enum_of("办案机关"), ["人民法院", "人民检察院", "公安机关"]);
    assert_eq!(
        enum_of("非法提供工具"),
        [
            "电话卡批量插入设备",
            "改变主叫号码设备软件",
            "虚拟拨号设备软件",
            "互联网电话违规接入设备软件",
            "批量账号",
            "网络地址自动切换系统",
            "批量接码平台"
        ]
    );
    let record = |name: &str| match p.facts[p.fact_index[name]].ty {
        Type::List(r) => p.records[r]
            .fields
            .iter()
            .map(|(n, t)| match t {
                Type::Enum(e) => format!("{n}:{}", p.enums[*e].words.join("|")),
                other => format!("{n}:{other:?}"),
            })
            .collect::<Vec<_>>(),
        other => panic!("{name} is {other:?}"),
    };
    assert_eq!(
        record("账户"),
        [
            "类型:银行账户|支付账户",
            "归属:本人|他人|单位",
            "行为:出售|出租|收购",
            "流入资金:Amount"
        ]
    );
    assert_eq!(
        record("处罚记录"),
        ["种类:行政处罚|有罪判决|相对不起诉", "事由:帮助信息网络犯罪活动|掩饰隐瞒犯罪所得|非法利用信息网络|危害计算机信息系统安全|其他", "日期:Date"]
    );
}

#[test]
fn every_contract_conclusion_is_declared_with_its_type() {
    let p = program();
    let kind = |name: &str| {
        p.conclusions[*p
            .conclusion_index
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing"))]
        .kind
    };
    for name in [
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
        assert_eq!(kind(name), ConclusionKind::Tri, "{name}");
    }
    for name in ["明知依据", "情节严重依据", "从严情节", "从宽情节"] {
        assert_eq!(kind(name), ConclusionKind::Cites, "{name}");
    }
    for name in ["不起诉或免予刑事处罚", "职业禁止", "禁止令"] {
        assert_eq!(kind(name), ConclusionKind::Word(MODALITY), "{name}");
    }
    assert_eq!(kind("待查证事项"), ConclusionKind::Texts);
    let ConclusionKind::Word(e) = kind("建议书") else {
        panic!("建议书")
    };
    assert_eq!(p.enums[e].words, ["司法建议书", "检察建议书", "不适用"]);
}
