//! The case reader through the binary, one test per class of input that used to be read wrongly
//! or rejected without a place: exact numbers, repeated keys, byte-order marks, empty files,
//! contradictory dates, huge records, input-method punctuation, the law's Chinese forms, and the
//! located messages of `eval` and `batch`. JSON and TOML are held to the same answers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

mod common;

use common::{ruling, ruling_in, ruling_with_stdin, stderr, temp};
use serde_json::Value as J;
use std::path::Path;
use std::time::{Duration, Instant};

/// Evaluates a case file written into a fresh folder; gives the output, the parsed JSON report
/// (Null when there is none) and the folder.
fn eval(name: &str, text: impl AsRef<[u8]>) -> (std::process::Output, J, tempfile::TempDir) {
    let dir = temp();
    std::fs::write(dir.path().join(name), text).unwrap();
    let o = ruling_in(dir.path(), &["eval", name, "--format", "json"]);
    let json = serde_json::from_slice(&o.stdout).unwrap_or(J::Null);
    (o, json, dir)
}

fn value(json: &J, conclusion: &str) -> J {
    json["conclusions"][conclusion]["value"].clone()
}

/// An account record as JSON, with its inflow written as given.
fn account(inflow: &str) -> String {
    format!(r#"{{"类型":"银行账户","归属":"他人","行为":"出售","流入资金":{inflow}}}"#)
}

fn serious_case_json(inflow: &str) -> String {
    format!(
        r#"{{"行为日期":"2025-09-01","被帮助对象犯罪查证":"已查证达到","账户":[{}]}}"#,
        account(inflow)
    )
}

fn serious_case_toml(inflow: &str) -> String {
    format!(
        "\"行为日期\" = 2025-09-01\n\"被帮助对象犯罪查证\" = \"已查证达到\"\n[[\"账户\"]]\n\"类型\" = \"银行账户\"\n\"归属\" = \"他人\"\n\"行为\" = \"出售\"\n\"流入资金\" = {inflow}\n"
    )
}

#[test]
fn numbers_are_never_rounded_through_floating_point() {
    // 299999.9999999999999 is not 300000: as a float it would make 情节严重 true.
    for (name, text) in [
        ("a.json", serious_case_json("299999.9999999999999")),
        ("a.toml", serious_case_toml("299999.9999999999999")),
    ] {
        let (o, _, _dir) = eval(name, text);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains("“账户[1].流入资金”") && err.contains("精确到分以下"),
            "{name}: {err}"
        );
        assert!(
            err.contains(&format!("{name}:")),
            "{name}: not located: {err}"
        );
    }
    // Exactly at the standard, written either way, is at the standard.
    for (name, text) in [
        ("b.json", serious_case_json("300000.00")),
        ("b.toml", serious_case_toml("300000.00")),
        ("c.json", serious_case_json("\"三十万元\"")),
        ("c.toml", serious_case_toml("\"三十万元\"")),
    ] {
        let (o, json, _dir) = eval(name, text);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert_eq!(value(&json, "情节严重"), J::Bool(true), "{name}");
    }
    let (o, json, _dir) = eval("d.json", serious_case_json("299999.99"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_ne!(value(&json, "情节严重"), J::Bool(true));
    // A count with a fraction is not rounded to a whole number.
    for (name, text) in [
        (
            "e.json",
            r#"{"电话卡数": 19.99999999999999999}"#.to_string(),
        ),
        (
            "e.toml",
            "\"电话卡数\" = 19.99999999999999999\n".to_string(),
        ),
    ] {
        let (o, _, _dir) = eval(name, text);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains("“电话卡数”：“19.99999999999999999”应是整数"),
            "{name}: {err}"
        );
    }
    // A 32-digit amount is quoted as written, not as "1e+32".
    let (o, _, _dir) = eval(
        "f.json",
        r#"{"支付结算金额": 12345678901234567890123456789012}"#,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("“12345678901234567890123456789012”超出可表示的范围") && !err.contains("e+"),
        "{err}"
    );
}

#[test]
fn amounts_with_up_to_28_digits_read_back_exactly() {
    // Through the binary, a few shapes; the property test covers the range.
    for digits in ["1", "12.5", "300000.01", "1234567890123456789012345.67"] {
        let text = format!(r#"{{"案件":"甲","违法所得":"{digits}"}}"#);
        let (o, json, _dir) = eval("g.json", text);
        assert_eq!(o.status.code(), Some(0), "{digits}: {}", stderr(&o));
        assert!(json.is_object(), "{digits}");
    }
    for bad in ["\"0.001元\"", "0.001", "\"3,0,0000\"", "\"30,0000\""] {
        let (o, _, _dir) = eval("h.json", format!(r#"{{"违法所得":{bad}}}"#));
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{bad}: {err}");
        assert!(err.contains("“违法所得”"), "{bad}: {err}");
    }
    let (o, _, _dir) = eval("i.json", r#"{"违法所得":"300,000.00"}"#);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_key_written_twice_is_refused_in_both_formats_at_any_depth() {
    let cases = [
        ("a.json", "{\"电话卡数\":25,\n\"电话卡数\":5}"),
        ("b.toml", "\"电话卡数\" = 25\n\"电话卡数\" = 5\n"),
        (
            "c.json",
            "{\"账户\":[{\"类型\":\"银行账户\",\"类型\":\"支付账户\"}]}",
        ),
        (
            "d.json",
            "{\"预期\":{\"情节严重\":true,\"情节严重\":false}}",
        ),
    ];
    for (name, text) in cases {
        let (o, _, _dir) = eval(name, text);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains("重复"), "{name}: {err}");
        assert!(
            err.contains("“电话卡数”") || err.contains("“类型”") || err.contains("“情节严重”"),
            "{name}: the key is named: {err}"
        );
    }
    // JSON names both places: the second underlined, the first by line and column.
    let (o, _, _dir) = eval("a.json", "{\"电话卡数\":25,\n\"电话卡数\":5}");
    let err = stderr(&o);
    assert!(err.contains("a.json:2:1"), "{err}");
    assert!(err.contains("第 1 行第 2 列已写过一次"), "{err}");
}

#[test]
fn byte_order_marks_and_empty_files() {
    let bom = "\u{feff}";
    for (name, text) in [
        ("a.json", format!("{bom}{{\"电话卡数\": 25}}")),
        ("a.toml", format!("{bom}\"电话卡数\" = 25\n")),
    ] {
        let (o, json, _dir) = eval(name, text);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert!(json.is_object(), "{name}");
    }
    // A JSONL batch whose first line starts with a byte-order mark.
    let o = ruling_with_stdin(
        &["batch", "-"],
        format!("{bom}{{\"案件\":\"甲\",\"电话卡数\":25}}\n").as_bytes(),
    );
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        out.contains("\"case\":\"甲\"") && !out.contains("error"),
        "{out}"
    );
    for (name, text) in [
        ("e.json", ""),
        ("e.toml", ""),
        ("f.json", "  \n"),
        ("f.toml", "\n\n"),
    ] {
        let (o, _, _dir) = eval(name, text);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains("案件文件是空的"), "{name}: {err}");
    }
}

#[test]
fn dates_that_contradict_each_other_are_refused_naming_both_keys() {
    for (name, text) in [
        (
            "a.json",
            r#"{"出生日期":"2030-03-01","行为日期":"2025-09-01"}"#.to_string(),
        ),
        (
            "a.toml",
            "\"出生日期\" = 2030-03-01\n\"行为日期\" = 2025-09-01\n".to_string(),
        ),
    ] {
        let (o, json, _dir) = eval(name, text);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert_eq!(json, J::Null, "no result for a contradictory case");
        assert!(
            err.contains("“出生日期”（2030-03-01）与“行为日期”（2025-09-01）矛盾"),
            "{name}: {err}"
        );
    }
    let (o, _, _dir) = eval(
        "b.json",
        r#"{"行为日期":"2025-09-01","裁判日期":"2025-08-01"}"#,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("裁判日期早于行为日期"), "{err}");
    for (key, date) in [("行为日期", "1899-12-31"), ("出生日期", "2101-01-01")] {
        let (o, _, _dir) = eval("c.json", format!(r#"{{"{key}":"{date}"}}"#));
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("“{key}”")), "{err}");
    }
}

#[test]
fn eighty_thousand_unknown_keys_are_refused_fast_and_briefly() {
    let mut record = String::from("{");
    for i in 0..80_000 {
        if i > 0 {
            record.push(',');
        }
        record.push_str(&format!("\"未知字段{i}\":{i}"));
    }
    record.push('}');
    let long_key = "键".repeat(200_000);
    for (name, text) in [
        ("a.json", format!("{{\"账户\":[{record}]}}")),
        ("b.json", record.clone()),
        ("c.json", format!("{{\"{long_key}\": 1}}")),
    ] {
        let started = Instant::now();
        let (o, _, _dir) = eval(name, text);
        let took = started.elapsed();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}");
        // Well under a second even in a debug build on a loaded machine.
        assert!(took < Duration::from_secs(3), "{name} took {took:?}");
        assert!(
            err.len() < 20_000,
            "{name}: {} bytes of messages",
            err.len()
        );
        assert!(
            err.contains("未知的"),
            "{name}: {}",
            &err[..err.len().min(2000)]
        );
    }
    let (o, _, _dir) = eval("c.json", format!("{{\"{long_key}\": 1}}"));
    let err = stderr(&o);
    assert!(
        err.contains("…（共") && err.contains("200000 个字符）"),
        "the key is cut short"
    );
    let (o, _, _dir) = eval("b.json", record);
    assert!(
        stderr(&o).contains("另有 79980 个问题未列出"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn chinese_input_method_punctuation_gets_a_targeted_hint() {
    let (o, _, _dir) = eval("a.json", "{\n  “案件”: \"薛某\"\n}");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("a.json:2:3") && err.contains("中文引号"),
        "{err}"
    );
    assert!(err.contains("英文半角引号"), "{err}");
    let (o, _, _dir) = eval("b.toml", "\"案件\" = “薛某”\n");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("中文引号"), "{err}");
    let (o, _, _dir) = eval("c.toml", "\"电话卡数\" ＝ 25\n");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("全角等号") && err.contains("c.toml:1:"),
        "{err}"
    );
    // The offending text is drawn and underlined, as rule-file diagnostics are.
    assert!(
        err.contains('│') && err.contains('▲') || err.contains('─'),
        "{err}"
    );
}

#[test]
fn the_law_s_chinese_forms_are_read_in_case_files() {
    let json = r#"{"行为日期":"2025年9月1日","电话卡数":"二十张","被帮助对象数":"３","支付结算金额":"一百零五万元"}"#;
    let toml = "\"行为日期\" = \"2025年9月1日\"\n\"电话卡数\" = \"二十张\"\n\"被帮助对象数\" = \"３\"\n\"支付结算金额\" = \"一百零五万元\"\n";
    let plain =
        r#"{"行为日期":"2025-09-01","电话卡数":20,"被帮助对象数":3,"支付结算金额":1050000}"#;
    let (o1, a, _d1) = eval("a.json", json);
    let (o2, b, _d2) = eval("a.toml", toml);
    let (o3, c, _d3) = eval("a.json", plain);
    for o in [&o1, &o2, &o3] {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    }
    assert_eq!(a["conclusions"], c["conclusions"]);
    assert_eq!(b["conclusions"], c["conclusions"]);
    let (o, json, _dir) = eval("b.json", r#"{"电话卡数":"24张","行为日期":"2025-09-01"}"#);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(json.is_object());
}

#[test]
fn the_law_s_chinese_forms_are_read_in_rule_files() {
    let dir = temp();
    common::copy_rules(&dir.path().join("rules"));
    let extra = "结论 甲：三值\n结论 乙：三值\n结论 丙：三值\n\
        规则 甲 依据 刑法第17条 若 支付结算金额 >= 一百零五万元 且 电话卡数 >= 二十张 则 甲\n\
        规则 乙 依据 刑法第17条 若 支付结算金额 >= ５０ 万元 且 行为日期 >= 2025年9月1日 则 乙\n\
        规则 丙 依据 刑法第17条 若 支付结算金额 >= 1,050,000元 则 丙\n";
    std::fs::write(dir.path().join("rules").join("zz-中文.rule"), extra).unwrap();
    let case = r#"{"行为日期":"2025-09-01","电话卡数":20,"支付结算金额":1050000}"#;
    std::fs::write(dir.path().join("案.json"), case).unwrap();
    let o = ruling_in(dir.path(), &["eval", "案.json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: J = serde_json::from_slice(&o.stdout).unwrap();
    for c in ["甲", "乙", "丙"] {
        assert_eq!(value(&json, c), J::Bool(true), "{c}: {json}");
    }
    let check = ruling_in(dir.path(), &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn batch_error_objects_carry_line_and_column() {
    let input = "{\"案件\":\"甲\",\"电话卡数\":25}\n{\"案件\":\"乙\",\"电话卡数\":\"二十只\"}\n{\"案件\":\"丙\",\"出生日期\":\"2030-01-01\",\"行为日期\":\"2025-01-01\"}\n";
    let o = ruling_with_stdin(&["batch", "-"], input.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<J> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["column"], 18, "{}", lines[1]);
    assert!(lines[1]["error"].as_str().unwrap().contains("“电话卡数”"));
    assert_eq!(lines[2]["line"], 3);
    assert!(
        lines[2]["error"].as_str().unwrap().contains("矛盾"),
        "{}",
        lines[2]
    );
}

#[test]
fn eval_output_is_the_same_for_every_corpus_case() {
    // The corpus cases still read (their reports are pinned by tests/corpus.rs).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let o = ruling(&["test", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn reserved_case_keys_cannot_be_declared_as_facts() {
    // 预期 and 封闭世界 are also keywords of the rule language (an example's expectations and
    // world), refused by the parser; 案件 and 说明 by the checker.
    for key in ["预期", "封闭世界"] {
        let dir = temp();
        common::copy_rules(&dir.path().join("rules"));
        let file = dir.path().join("rules").join("zz-保留.rule");
        std::fs::write(file, format!("事实 {key}：布尔\n")).unwrap();
        let o = ruling_in(dir.path(), &["check"]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("“{key}”是关键词")),
            "{}",
            stderr(&o)
        );
    }
    for key in ["案件", "说明"] {
        let dir = temp();
        common::copy_rules(&dir.path().join("rules"));
        std::fs::write(
            dir.path().join("rules").join("zz-保留.rule"),
            format!("事实 {key}：布尔\n"),
        )
        .unwrap();
        let o = ruling_in(dir.path(), &["check"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{key}: {err}");
        assert!(
            err.contains(&format!("“{key}”是案件文件的保留键，不能声明为事实"))
                && err.contains("zz-保留.rule:1:"),
            "{key}: {err}"
        );
    }
}
