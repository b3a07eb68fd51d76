//! `ruling batch` through the real binary: input order, bad lines, standard input, `--output`,
//! exit codes, and agreement with `ruling eval --format json` on the case corpus.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

mod common;

use common::{ruling, ruling_with_stdin, temp};
use serde_json::{Map, Value as J};
use std::path::{Path, PathBuf};
use std::process::Output;

fn results(o: &Output) -> Vec<Map<String, J>> {
    String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| match serde_json::from_str(l).unwrap() {
            J::Object(m) => m,
            other => panic!("not an object: {other}"),
        })
        .collect()
}

fn generated(count: u32, seed: u32) -> Vec<u8> {
    let o = ruling(&[
        "generate",
        "--count",
        &count.to_string(),
        "--seed",
        &seed.to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    o.stdout
}

#[test]
fn results_keep_the_input_order_on_two_threads() {
    // More lines than one chunk, so that several chunks are in flight.
    let input = generated(5000, 3);
    let dir = temp();
    let path = dir.path().join("order.jsonl");
    std::fs::write(&path, &input).unwrap();
    let o = ruling(&["batch", path.to_str().unwrap(), "--jobs", "2"]);
    assert_eq!(o.status.code(), Some(0));
    let out = results(&o);
    assert_eq!(out.len(), 5000);
    for (i, (r, line)) in out
        .iter()
        .zip(String::from_utf8(input).unwrap().lines())
        .enumerate()
    {
        assert_eq!(r["line"], J::from(i + 1));
        let case: J = serde_json::from_str(line).unwrap();
        assert_eq!(r["case"], case["案件"], "line {}", i + 1);
        assert!(r["conclusions"].is_object(), "{r:?}");
    }
    // The same results on one thread.
    let one = ruling(&["batch", path.to_str().unwrap(), "--jobs", "1"]);
    assert_eq!(one.stdout, o.stdout);
}

#[test]
fn a_bad_line_is_reported_and_the_rest_go_on() {
    let input = concat!(
        "{\"案件\": \"甲\", \"电话卡数\": 25}\n",
        "{\"案件\": \"乙\", \"电话卡数\": \n",
        "\n",
        "{\"案件\": \"丙\", \"电话卡数\": \"二十只\"}\n",
        "{\"案件\": \"丁\", \"电活卡数\": 3}\n",
        "   \n",
        "{\"案件\": \"戊\", \"角色\": \"首要分子\"}\n",
        "[1, 2]\n",
        "{\"案件\": \"己\", \"行为日期\": \"2025-09-01\", \"出生日期\": \"2010-09-02\"}\n",
    );
    let o = ruling_with_stdin(&["batch", "-"], input.as_bytes());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = results(&o);
    let lines: Vec<u64> = out.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(
        lines,
        [1, 2, 4, 5, 7, 8, 9],
        "blank lines are skipped, numbers kept"
    );
    let error = |i: usize| out[i]["error"].as_str().unwrap_or_default().to_string();
    assert_eq!(out[0]["case"], "甲");
    assert!(out[0].get("error").is_none());
    assert!(error(1).starts_with("JSON 不完整"), "{}", error(1));
    // The column of the place where the line broke off, as an editor counts it.
    assert_eq!(out[1]["column"], J::from(21), "{:?}", out[1]);
    assert_eq!(out[2]["column"], J::from(21), "{:?}", out[2]);
    assert!(
        error(2).contains("“电话卡数”") && error(2).contains("整数"),
        "{}",
        error(2)
    );
    assert!(error(3).contains("未知的键“电活卡数”"), "{}", error(3));
    assert!(error(3).contains("是否应为“电话卡数”"), "{}", error(3));
    assert!(error(4).contains("“首要分子”不是可选的词"), "{}", error(4));
    assert!(error(5).contains("应是一个表"), "{}", error(5));
    assert_eq!(out[6]["case"], "己");
    assert_eq!(out[6]["conclusions"]["未达刑事责任年龄"], J::Bool(true));
    assert_eq!(out[6]["conclusions"]["未成年人"], J::Bool(true));
}

#[test]
fn reads_standard_input_and_writes_the_output_file() {
    let input = generated(300, 5);
    let dir = temp();
    let out_path = dir.path().join("out.jsonl");
    let o = ruling_with_stdin(
        &["batch", "-", "--output", out_path.to_str().unwrap()],
        &input,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty(), "results go to the file only");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.matches("指纹").count(), 1, "{stderr}");
    let written = std::fs::read(&out_path).unwrap();
    let in_file = dir.path().join("in.jsonl");
    std::fs::write(&in_file, &input).unwrap();
    let direct = ruling(&["batch", in_file.to_str().unwrap()]);
    assert_eq!(written, direct.stdout);
    assert_eq!(String::from_utf8(written).unwrap().lines().count(), 300);
}

#[test]
fn a_missing_input_exits_2() {
    let o = ruling(&["batch", "没有这个文件.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert!(String::from_utf8_lossy(&o.stderr).contains("无法打开输入文件"));
}

#[test]
fn closed_world_applies_to_every_line() {
    let input = "{\"案件\": \"甲\"}\n";
    let open = results(&ruling_with_stdin(&["batch", "-"], input.as_bytes()));
    let closed = results(&ruling_with_stdin(
        &["batch", "-", "--closed-world"],
        input.as_bytes(),
    ));
    assert_eq!(open[0]["conclusions"]["明知"], J::Null);
    assert_eq!(closed[0]["conclusions"]["明知"], J::Bool(false));
}

/// A TOML value as the JSON a case-management system would send.
fn toml_to_json(v: &toml::Value) -> J {
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => J::from(*f),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

#[test]
fn batch_agrees_with_eval_on_the_corpus() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new("tests/cases"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() > 100);
    let mut lines = String::new();
    for f in &files {
        let table: toml::Table = std::fs::read_to_string(f).unwrap().parse().unwrap();
        let mut json = toml_to_json(&toml::Value::Table(table));
        if let Some(o) = json.as_object_mut() {
            o.remove("预期");
        }
        lines.push_str(&json.to_string());
        lines.push('\n');
    }
    let batch = results(&ruling_with_stdin(
        &["batch", "-", "--jobs", "2"],
        lines.as_bytes(),
    ));
    assert_eq!(batch.len(), files.len());

    let mut args = vec!["eval", "--format", "json"];
    args.extend(files.iter().map(|p| p.to_str().unwrap()));
    let eval = ruling(&args);
    assert_eq!(eval.status.code(), Some(0));
    let reports: Vec<J> = match serde_json::from_slice(&eval.stdout).unwrap() {
        J::Array(a) => a,
        other => panic!("expected an array of reports: {other}"),
    };
    assert_eq!(reports.len(), files.len());
    for ((b, report), file) in batch.iter().zip(&reports).zip(&files) {
        assert!(b.get("error").is_none(), "{}: {b:?}", file.display());
        let expected: Map<String, J> = report["conclusions"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, c)| (name.clone(), c["value"].clone()))
            .collect();
        let got = b["conclusions"].as_object().unwrap();
        assert_eq!(got, &expected, "{}", file.display());
        // Same names in the same order (docs/JSON输出说明.md: every conclusion in every result).
        assert!(got.keys().eq(expected.keys()), "{}", file.display());
    }
}

#[test]
fn a_line_longer_than_a_case_file_is_skipped_and_reported() {
    let mut input = "{\"案件\": \"甲\"}\n{\"案件\": \"".as_bytes().to_vec();
    input.extend(std::iter::repeat_n(b'x', 17 * 1024 * 1024));
    input.extend_from_slice("\"}\n{\"案件\": \"丙\"}\n".as_bytes());
    let o = ruling_with_stdin(&["batch", "-"], &input);
    assert_eq!(o.status.code(), Some(0));
    let out = results(&o);
    assert_eq!(out.len(), 3);
    assert_eq!(out[0]["case"], "甲");
    assert_eq!(out[1]["line"], 2);
    assert!(out[1]["error"].as_str().unwrap().contains("超过 16 MiB"));
    assert_eq!(out[2]["case"], "丙");
    assert_eq!(out[2]["line"], 3);
}
