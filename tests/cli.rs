//! Golden tests of the commands through the real binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

mod common;
use common::{ruling, ruling_in, stderr, stdout};

fn temp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ruling-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn check_passes_on_the_shipped_rules() {
    let o = ruling(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("检查通过"));
}

#[test]
fn check_fails_with_exit_1_and_reports_every_mistake_of_the_run() {
    let dir = std::env::temp_dir().join(format!("ruling-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string("tests/diagnostics/名称-拼错事实.rule").unwrap();
    let text = text.replace("则 情节严重", "则 情节严重\n规则 另一条 依据 法发〔2025〕12号第6条第(3)项 若 电话卡数 达 20万元 以上 则 情节严重");
    std::fs::write(dir.join("甲.rule"), text).unwrap();
    let o = ruling(&["check", "--rules", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("未声明的名称“电话卡张数”"), "{err}");
    assert!(err.contains("不能比较整数与金额"), "{err}");
    assert!(err.contains("共 2 个错误"), "{err}");
}

#[test]
fn eval_prints_a_chinese_report_naming_the_rules_and_articles() {
    let o = ruling(&["eval", "examples/学生出租银行卡.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("规则集：rules（指纹 "), "{out}");
    assert!(out.contains("情节严重"), "{out}");
    assert!(out.contains("法发〔2025〕12号第6条第(1)项"), "{out}");
    assert!(
        out.contains("条文：“出售、出租本人银行账户、支付账户三个以上"),
        "{out}"
    );
}

#[test]
fn eval_json_follows_the_contract() {
    let o = ruling(&["eval", "examples/收卡团伙组织者.toml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["rules"]["source"], "rules");
    assert_eq!(v["rules"]["fingerprint"].as_str().unwrap().len(), 16);
    assert!(v["conclusions"]["情节严重"]["value"].is_boolean());
    assert!(v["conclusions"]["从严情节"]["value"].is_array());
}

#[test]
fn eval_markdown() {
    let o = ruling(&["eval", "examples/银行职员开户.toml", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("# 规则评估报告"));
}

#[test]
fn an_open_world_case_is_pending_and_says_what_to_verify() {
    let p = temp(
        "open.json",
        r#"{"案件": "开放", "电话卡数": 25, "被帮助对象犯罪查证": "未查证"}"#,
    );
    let o = ruling(&["eval", p.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = &v["conclusions"];
    assert!(
        c["情节严重"]["value"].is_null(),
        "unknown is never silently false"
    );
    assert!(c["构成帮信罪"]["value"].is_null());
    let needs: Vec<&str> = c["构成帮信罪"]["needs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(needs.contains(&"提供帮助"), "{needs:?}");
    let tasks = c["待查证事项"]["value"].as_array().unwrap();
    assert!(
        tasks
            .iter()
            .any(|t| t.as_str().unwrap().contains("先行查证")
                || t.as_str().unwrap().contains("查证流入资金")),
        "{tasks:?}"
    );
}

#[test]
fn closed_world_decides_what_the_open_world_leaves_pending() {
    let p = temp(
        "closed.json",
        r#"{"电话卡数": 25, "被帮助对象犯罪查证": "已查证达到", "行为日期": "2025-09-01", "出生日期": "1990-01-01"}"#,
    );
    let o = ruling(&[
        "eval",
        p.to_str().unwrap(),
        "--format",
        "json",
        "--closed-world",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["conclusions"]["情节严重"]["value"], true);
    assert_eq!(v["conclusions"]["明知"]["value"], false);
}

#[test]
fn a_bad_case_file_exits_2_naming_the_key_and_the_fix() {
    let p = temp(
        "bad.json",
        r#"{"电话卡张数": 25, "角色": "组织人", "支付结算金额": "三十万张", "电话卡数": -1}"#,
    );
    let o = ruling(&["eval", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty(), "no result for a bad case");
    let err = stderr(&o);
    assert!(
        err.contains("未知的键“电话卡张数”") && err.contains("是否应为“电话卡数”"),
        "{err}"
    );
    assert!(
        err.contains("“组织人”不是可选的词") && err.contains("组织者"),
        "{err}"
    );
    assert!(err.contains("无法识别的金额“三十万张”"), "{err}");
    assert!(err.contains("不能为负数"), "{err}");
}

#[test]
fn amounts_in_every_accepted_form_are_exact() {
    for amount in ["200000", "\"200000.00\"", "\"20万元\"", "\"20万\""] {
        let p = temp(
            "amount.json",
            &format!(r#"{{"支付结算金额": {amount}, "被帮助对象犯罪查证": "已查证达到"}}"#),
        );
        let o = ruling(&[
            "eval",
            p.to_str().unwrap(),
            "--format",
            "json",
            "--closed-world",
        ]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let basis = v["conclusions"]["情节严重依据"]["value"]
            .as_array()
            .unwrap()
            .clone();
        assert!(
            basis.contains(&serde_json::json!("法释〔2019〕15号第12条第(2)项")),
            "{amount}: {basis:?}"
        );
    }
    let p = temp(
        "below.json",
        r#"{"支付结算金额": "199999.99", "被帮助对象犯罪查证": "已查证达到"}"#,
    );
    let o = ruling(&[
        "eval",
        p.to_str().unwrap(),
        "--format",
        "json",
        "--closed-world",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["conclusions"]["情节严重依据"]["value"],
        serde_json::json!([])
    );
}

#[test]
fn explain_shows_the_tree_with_fired_and_failed_rules() {
    let o = ruling(&["explain", "examples/学生出租银行卡.toml", "情节严重"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("情节严重 = 是"), "{out}");
    assert!(out.contains("：成立"), "{out}");
    assert!(out.contains("不成立（条件不满足）"), "{out}");
    assert!(out.contains("法释〔2019〕15号第12条"), "{out}");
}

#[test]
fn explain_a_misspelt_conclusion_exits_2_with_a_suggestion() {
    let o = ruling(&["explain", "examples/学生出租银行卡.toml", "情节严"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("是否应为“情节严重”"));
}

#[test]
fn test_runs_examples_and_corpus_and_closes_with_the_count() {
    let o = ruling(&["test"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    let last = out.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 200, "{last}");
}

#[test]
fn test_reports_a_failing_expectation_with_the_deciding_rules() {
    let p = temp(
        "wrong.toml",
        "\"电话卡数\" = 19\n\"被帮助对象犯罪查证\" = \"已查证达到\"\n\"被帮助对象犯罪后果\" = \"无\"\n\"封闭世界\" = true\n[\"预期\"]\n\"情节严重\" = true\n",
    );
    let o = ruling(&["test", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("情节严重：预期 是，实际 否"), "{out}");
    assert!(out.contains("法发〔2025〕12号第6条第(3)项"), "{out}");
    assert!(out.lines().last().unwrap().ends_with(" 1 failed"), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(ruling(&["eval"]).status.code(), Some(2));
    assert_eq!(ruling(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        ruling(&["eval", "no-such-file.toml"]).status.code(),
        Some(2)
    );
    assert_eq!(ruling(&["eval", "README.md"]).status.code(), Some(2));
}

#[test]
fn without_a_rules_folder_the_embedded_rules_are_used() {
    let dir = std::env::temp_dir().join(format!("ruling-embedded-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let case = std::fs::canonicalize("examples/学生出租银行卡.toml").unwrap();
    let o = ruling_in(&dir, &["eval", case.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("规则集：内置规则（指纹 "),
        "{}",
        stdout(&o)
    );
    // The user is told, on standard error, that the built-in rules were used.
    assert!(
        stderr(&o).contains("本次使用程序内置的规则"),
        "{}",
        stderr(&o)
    );
    assert!(!stdout(&o).contains("embedded"));
}
