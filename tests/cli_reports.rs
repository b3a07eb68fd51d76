//! Reports that never mislead (through the binary): why a conclusion is 否 or 不适用, which
//! facts the closed world presumed, what is still undecided, the questions that remain, the
//! interview that asks only what decides, and `ruling check` guarding the law's numbers and
//! the protected interface.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

mod common;

use common::{copy_of_rules, root, ruling_in, ruling_in_with_stdin, stderr, stdout, temp};
use serde_json::Value;
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn json_of(dir: &Path, args: &[&str]) -> Value {
    let o = ruling_in(dir, args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

const NOT_SERIOUS: &str = r#"{"案件": "两个账户十二张卡", "被帮助对象犯罪查证": "已查证达到",
  "被帮助对象犯罪后果": "无", "电话卡数": 12,
  "账户": [{"类型": "银行账户", "归属": "本人", "行为": "出售", "流入资金": "20万元"},
           {"类型": "银行账户", "归属": "本人", "行为": "出售", "流入资金": "15万元"}]}"#;

#[test]
fn why_not_gives_the_failed_condition_with_values_against_the_standard() {
    let d = temp();
    write(d.path(), "c.json", NOT_SERIOUS);
    let text = stdout(&ruling_in(d.path(), &["eval", "c.json", "--closed-world"]));
    assert!(
        text.contains(
            "计数(账户 其中 归属 是 本人 且 行为 属于 {出售，出租}) = 2，不满 本人账户数标准 3个"
        ),
        "{text}"
    );
    assert!(
        text.contains("电话卡数 = 12，不满 电话卡数标准 20张"),
        "{text}"
    );
    let md = stdout(&ruling_in(
        d.path(),
        &["eval", "c.json", "--closed-world", "--format", "markdown"],
    ));
    assert!(md.contains("## 未成立与未确定"), "{md}");
    assert!(md.contains("电话卡数 = 12，不满 电话卡数标准 20张"), "{md}");
    let v = json_of(
        d.path(),
        &["eval", "c.json", "--closed-world", "--format", "json"],
    );
    let why = v["conclusions"]["情节严重"]["why_not"].as_array().unwrap();
    let first = why
        .iter()
        .find(|w| w["cite"] == "法发〔2025〕12号第6条第(1)项")
        .unwrap();
    assert_eq!(first["rule"], "出售出租本人账户");
    assert!(first["reason"]
        .as_str()
        .unwrap()
        .contains("= 2，不满 本人账户数标准 3个"));
    // An undecided conclusion has no why_not (nothing is settled against it).
    assert_eq!(v["conclusions"]["未成年人"]["value"], Value::Null);
    assert!(v["conclusions"]["未成年人"].get("why_not").is_none());
}

#[test]
fn the_closed_world_is_named_and_its_presumptions_marked_everywhere() {
    let d = temp();
    write(
        d.path(),
        "c.toml",
        "\"提供帮助\" = true\n\"被判处刑罚\" = true\n\"利用职业便利或违背职业义务\" = true\n",
    );
    let v = json_of(
        d.path(),
        &["eval", "c.toml", "--closed-world", "--format", "json"],
    );
    assert_eq!(v["world"], "closed");
    let presumed: Vec<&str> = v["presumed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(presumed.contains(&"严重违背职业义务"), "{presumed:?}");
    assert!(!presumed.contains(&"提供帮助"), "{presumed:?}");
    let open = json_of(d.path(), &["eval", "c.toml", "--format", "json"]);
    assert_eq!(open["world"], "open");
    assert_eq!(open["presumed"], serde_json::json!([]));
    let tree = stdout(&ruling_in(
        d.path(),
        &["explain", "c.toml", "职业禁止", "--closed-world"],
    ));
    assert!(
        tree.contains("严重违背职业义务 = 否（未填写，按封闭世界推定）"),
        "{tree}"
    );
    let text = stdout(&ruling_in(d.path(), &["eval", "c.toml", "--closed-world"]));
    assert!(text.contains("按封闭世界推定的事实（未填写）："), "{text}");
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("职业禁止"))
        .unwrap();
    assert!(line.contains("可以（依赖按封闭世界推定的事实）"), "{line}");
    let md = stdout(&ruling_in(
        d.path(),
        &["eval", "c.toml", "--closed-world", "--format", "markdown"],
    ));
    assert!(md.contains("（未填写，按封闭世界推定）"), "{md}");
    assert!(md.contains("（依赖按封闭世界推定的事实）"), "{md}");
}

#[test]
fn open_items_are_never_shown_as_settled() {
    let d = temp();
    write(
        d.path(),
        "c.toml",
        "\"提供帮助\" = true\n\"被判处刑罚\" = true\n\"利用职业便利或违背职业义务\" = true\n\"电话卡数\" = 25\n",
    );
    let v = json_of(d.path(), &["eval", "c.toml", "--format", "json"]);
    let job = &v["conclusions"]["职业禁止"];
    assert_eq!(job["value"], Value::Null);
    assert_eq!(job["at_least"], "可以");
    let lenient = v["conclusions"]["从宽情节"]["undecided"]
        .as_array()
        .unwrap();
    assert!(
        lenient.iter().any(|c| c == "法发〔2025〕12号第10条第(3)项"),
        "{lenient:?}"
    );
    // 意见6第2款: the quantity is met and the verification not given at all.
    let verify = v["conclusions"]["待查证事项"]["value"].as_array().unwrap();
    assert_eq!(verify.len(), 1, "{verify:?}");
    let text = stdout(&ruling_in(d.path(), &["eval", "c.toml"]));
    assert!(text.contains("至少可以（应当待定）"), "{text}");
    assert!(text.contains("从宽情节              无（另有 "), "{text}");
    assert!(text.contains("尚未确定的项："), "{text}");
}

#[test]
fn needs_lists_only_what_can_still_change_the_conclusion_with_its_question() {
    let d = temp();
    write(
        d.path(),
        "c.json",
        r#"{"交易价格或方式明显异常": true, "综合认定明知": false}"#,
    );
    let v = json_of(d.path(), &["eval", "c.json", "--format", "json"]);
    assert_eq!(
        v["conclusions"]["明知"]["needs"],
        serde_json::json!(["有相反证据"])
    );
    let questions = v["questions"].as_array().unwrap();
    let q = questions
        .iter()
        .find(|q| q["fact"] == "有相反证据")
        .unwrap();
    assert!(q["question"].as_str().unwrap().starts_with("是否"), "{q}");
    assert!(
        q["cite"]
            .as_str()
            .unwrap()
            .contains("法释〔2019〕15号第11条"),
        "{q}"
    );
    write(
        d.path(),
        "p.json",
        r#"{"被帮助对象犯罪查证": "已查证达到", "被帮助对象犯罪后果": "无"}"#,
    );
    let list = stdout(&ruling_in(d.path(), &["eval", "p.json", "--questions"]));
    assert!(list.starts_with("补充查证事项"), "{list}");
    assert!(
        list.contains("支付结算金额是否达到二十万元（法释〔2019〕15号第12条第(2)项"),
        "{list}"
    );
}

#[test]
fn interview_asks_the_one_question_that_decides_and_keeps_the_comments() {
    let d = temp();
    let case = "# 审查笔记：只剩相反证据未查\n\"案件\" = \"问答\"\n\"交易价格或方式明显异常\" = true  # 租金远高于市价\n\"综合认定明知\" = false\n";
    write(d.path(), "c.toml", case);
    let o = ruling_in_with_stdin(
        d.path(),
        &["interview", "c.toml", "明知"],
        "随便\n否\n".as_bytes(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(
        out.matches("是否有证据推翻推定的明知").count(),
        2,
        "asked, re-asked: {out}"
    );
    assert!(out.contains("无法接受这个回答"), "{out}");
    assert!(out.contains("明知 = 是"), "{out}");
    let after = std::fs::read_to_string(d.path().join("c.toml")).unwrap();
    assert!(
        after.starts_with(case),
        "comments and layout kept:\n{after}"
    );
    assert!(after.contains("\"有相反证据\" = false"), "{after}");
    // Decided now: nothing more is asked.
    let again = ruling_in_with_stdin(d.path(), &["interview", "c.toml", "明知"], b"");
    assert!(
        stdout(&again).contains("所列结论均已确定"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn interview_writes_json_in_key_order_and_stops_at_eof() {
    let d = temp();
    write(
        d.path(),
        "c.json",
        r#"{"案件": "甲", "交易价格或方式明显异常": true, "综合认定明知": false}"#,
    );
    let o = ruling_in_with_stdin(d.path(), &["interview", "c.json", "明知"], b"y\n");
    assert!(o.status.success(), "{}", stderr(&o));
    let after = std::fs::read_to_string(d.path().join("c.json")).unwrap();
    let keys: Vec<String> = serde_json::from_str::<serde_json::Map<String, Value>>(&after)
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        keys,
        [
            "案件",
            "交易价格或方式明显异常",
            "综合认定明知",
            "有相反证据"
        ]
    );
    let none = ruling_in_with_stdin(d.path(), &["interview", "c.json", "没有这个结论"], b"");
    assert_eq!(none.status.code(), Some(2));
    write(d.path(), "e.json", r#"{"综合认定明知": false}"#);
    let eof = ruling_in_with_stdin(d.path(), &["interview", "e.json"], b"");
    assert!(eof.status.success());
    assert!(stdout(&eof).contains("已停止"), "{}", stdout(&eof));
    assert_eq!(
        std::fs::read_to_string(d.path().join("e.json")).unwrap(),
        r#"{"综合认定明知": false}"#
    );
}

#[test]
fn check_warns_when_a_standard_differs_from_the_article_it_cites() {
    let o = ruling_in(root(), &["check", "--amend", "examples/从旧兼从轻/修订"]);
    // The renderer wraps long lines: compare without the wrapping.
    let err: String = stderr(&o)
        .lines()
        .map(|l| l.trim_start_matches([' ', '│', '×', '⚠']).trim_end())
        .collect();
    assert!(err.contains("参数“账户流入资金标准”的值 50万元"), "{err}");
    assert!(err.contains("中写明的“三十万元”不一致"), "{err}");
    assert!(err.contains("修订文件的原文写为"), "{err}");
    let clean = ruling_in(root(), &["check"]);
    assert!(clean.status.success(), "{}", stderr(&clean));
    assert!(
        !stderr(&clean).contains("参数与条文不符"),
        "{}",
        stderr(&clean)
    );
}

#[test]
fn check_fails_when_a_protected_conclusion_is_renamed_or_a_fact_retyped() {
    let d = copy_of_rules();
    std::fs::copy(
        root().join("rules/接口清单.toml"),
        d.path().join("接口清单.toml"),
    )
    .unwrap();
    let ok = ruling_in(d.path(), &["check", "--rules", "."]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    for entry in std::fs::read_dir(d.path()).unwrap().flatten() {
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "rule") {
            let t = std::fs::read_to_string(&p).unwrap();
            std::fs::write(&p, t.replace("禁止令", "禁止性命令")).unwrap();
        }
    }
    let renamed = ruling_in(d.path(), &["check", "--rules", "."]);
    assert_eq!(renamed.status.code(), Some(1));
    assert!(
        stderr(&renamed).contains("受保护的结论“禁止令”在规则中已不存在"),
        "{}",
        stderr(&renamed)
    );
    // Changing the list in the same edit is the deliberate way.
    let list = std::fs::read_to_string(d.path().join("接口清单.toml")).unwrap();
    std::fs::write(
        d.path().join("接口清单.toml"),
        list.replace("禁止令", "禁止性命令"),
    )
    .unwrap();
    let deliberate = ruling_in(d.path(), &["check", "--rules", "."]);
    assert!(deliberate.status.success(), "{}", stderr(&deliberate));
    let facts = d.path().join("00-事实与结论.rule");
    let t = std::fs::read_to_string(&facts).unwrap();
    std::fs::write(
        &facts,
        t.replace("一般参与者，末端人员}", "一般参与者，末端人员，其他人员}"),
    )
    .unwrap();
    let retyped = ruling_in(d.path(), &["check", "--rules", "."]);
    assert_eq!(retyped.status.code(), Some(1));
    let err: String = stderr(&retyped)
        .lines()
        .map(|l| l.trim_start_matches([' ', '│', '×', '⚠']).trim_end())
        .collect();
    assert!(err.contains("受保护的事实“角色”的类型由"), "{err}");
    assert!(err.contains("末端人员，其他人员}"), "{err}");
}

#[test]
fn the_header_names_date_version_rules_and_the_case_account() {
    let d = temp();
    write(
        d.path(),
        "c.toml",
        "\"案件\" = \"甲\"\n\"说明\" = \"某甲出租银行卡\"\n",
    );
    let o = ruling_in_with_env(d.path());
    let text = stdout(&o);
    assert!(text.contains("说明：某甲出租银行卡"), "{text}");
    assert!(text.contains("制作：2026-01-02，ruling "), "{text}");
    assert!(text.contains("规则集：内置规则（指纹 "), "{text}");
    assert!(
        text.contains("辅助结论（供上列结论的规则使用）："),
        "{text}"
    );
}

fn ruling_in_with_env(dir: &Path) -> std::process::Output {
    std::process::Command::new(common::BIN)
        .args(["eval", "c.toml"])
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1767312000")
        .output()
        .unwrap()
}
