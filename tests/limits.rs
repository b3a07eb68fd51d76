//! Limits: hostile or absurd input gets a clear, located message and the documented exit code,
//! never a crash, a hang or a huge allocation; and `check`, `eval`, `explain` and `test` never
//! write to the rule or case files they read.
//!
//! Each test runs the real binary on files made in a temporary folder, or the library where
//! the binary would only add start-up time.

mod common;

use common::{copy_rules, ruling_in, stderr, temp};
use ruling::diag::Code;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::SystemTime;

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Err(e) = std::fs::write(path, bytes) {
        unreachable!("cannot write {}: {e}", path.display());
    }
}

/// A folder holding a copy of the shipped rules plus one extra file `zz-extra.rule`.
fn rules_with(extra: &str) -> tempfile::TempDir {
    let dir = temp();
    let rules = dir.path().join("rules");
    copy_rules(&rules);
    write(&rules.join("zz-extra.rule"), extra);
    dir
}

/// `ruling check` on the shipped rules plus `extra`: must exit 1 with a message containing
/// every one of `needles`, located in the extra file.
fn check_refuses(extra: &str, needles: &[&str]) {
    let dir = rules_with(extra);
    let o = ruling_in(dir.path(), &["check"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}", head(&err));
    for n in needles {
        assert!(err.contains(n), "no “{n}” in:\n{}", head(&err));
    }
    assert!(
        err.contains("zz-extra.rule:"),
        "not located:\n{}",
        head(&err)
    );
    assert!(!err.contains("panicked"), "{}", head(&err));
}

fn head(s: &str) -> String {
    s.chars().take(3000).collect()
}

const RULE_HEAD: &str = "规则 过长 依据 刑法第17条 若 ";

// ------------------------------------------------------------------ rule files

#[test]
fn brackets_nested_ten_thousand_deep() {
    let extra = format!(
        "{RULE_HEAD}{}真{} 则 情节严重\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    check_refuses(&extra, &["嵌套超过 64 层"]);
}

#[test]
fn long_chains_of_operators_are_refused_not_overflowing_the_stack() {
    // Regressions: each of these overflowed the stack (the Pratt parser recursed once per
    // prefix operator; the checker and interpreter once per 且 or +).
    for (what, extra) in [
        (
            "非",
            format!("{RULE_HEAD}{}在校学生 则 情节严重\n", "非 ".repeat(100_000)),
        ),
        (
            "负号",
            format!(
                "{RULE_HEAD}{}电话卡数 > 0 则 情节严重\n",
                "- ".repeat(100_000)
            ),
        ),
        (
            "且",
            format!(
                "{RULE_HEAD}在校学生{} 则 情节严重\n",
                " 且 在校学生".repeat(100_000)
            ),
        ),
        (
            "+",
            format!(
                "{RULE_HEAD}电话卡数{} > 0 则 情节严重\n",
                " + 1".repeat(100_000)
            ),
        ),
    ] {
        let dir = rules_with(&extra);
        let o = ruling_in(dir.path(), &["check"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{what}: {}", head(&err));
        assert!(err.contains("条件或算式过长"), "{what}: {}", head(&err));
        assert!(err.contains("zz-extra.rule:1:"), "{what}: {}", head(&err));
    }
}

#[test]
fn a_chain_within_the_limit_still_works() {
    let extra = format!(
        "结论 长链：三值\n{RULE_HEAD}在校学生{} 则 长链\n",
        " 且 在校学生".repeat(60)
    );
    let dir = rules_with(&extra);
    let o = ruling_in(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", head(&stderr(&o)));
}

#[test]
fn quotes_and_set_types_nested_deeply() {
    check_refuses(
        &format!(
            "条文 刑法第17条 “{}{}”\n",
            "“".repeat(100_000),
            "”".repeat(100_000)
        ),
        &["嵌套过深"],
    );
    // Regression: 30,000 nested set types passed pest (which stops itself only near the end
    // of the stack) and overflowed the stack while lowering and checking (release build).
    check_refuses(
        &format!(
            "事实 深：{}枚举{{甲}}{}\n",
            "集合<".repeat(30_000),
            ">".repeat(30_000)
        ),
        &["嵌套超过 64 层"],
    );
}

#[test]
fn rule_file_over_four_mib() {
    let extra = format!("# {}\n", "长".repeat(1_500_000));
    let dir = rules_with(&extra);
    let o = ruling_in(dir.path(), &["check"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}", head(&err));
    assert!(
        err.contains("zz-extra.rule") && err.contains("超过 4 MiB"),
        "{}",
        head(&err)
    );
}

#[test]
fn more_than_a_thousand_rule_files() {
    let dir = temp();
    for i in 0..=ruling::ruleset::MAX_RULE_FILES {
        write(&dir.path().join(format!("{i:04}.rule")), "");
    }
    let o = ruling_in(dir.path(), &["check", "--rules", "."]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}", head(&err));
    assert!(err.contains("超过 1000 个"), "{}", head(&err));
}

#[test]
fn rule_set_larger_than_its_total_limit() {
    let dir = temp();
    let big = format!("# {}\n", "长".repeat(1_300_000));
    let files = ruling::ruleset::MAX_RULE_SET_BYTES / big.len() as u64 + 1;
    for i in 0..files {
        write(&dir.path().join(format!("{i:02}.rule")), &big);
    }
    let o = ruling_in(dir.path(), &["check", "--rules", "."]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}", head(&err));
    assert!(err.contains("规则文件合计超过"), "{}", head(&err));
}

#[test]
fn a_very_long_line_is_drawn_as_a_window() {
    // A mistake at the end of a 3 MB line: the message is located and stays small.
    let extra = format!(
        "{RULE_HEAD}在校学生 且{} 则 情节严重\n",
        " 在校学生".repeat(200_000)
    );
    let dir = rules_with(&extra);
    let o = ruling_in(dir.path(), &["check"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}", head(&err));
    assert!(err.contains("zz-extra.rule:1:"), "{}", head(&err));
    assert!(err.len() < 10_000, "{} bytes of diagnostics", err.len());
    // A long comment line does not disturb a correct file.
    let fine = rules_with(&format!("# {}\n", "注".repeat(1_000_000)));
    let o = ruling_in(fine.path(), &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", head(&stderr(&o)));
}

#[test]
fn thousands_of_mistakes_are_reported_quickly_and_briefly() {
    // Regression: every unknown name searched every declared name for a suggestion, and every
    // drawn diagnostic copied the whole file; 27,000 of them took minutes.
    let mut extra = String::new();
    for i in 0..20_000 {
        extra.push_str(&format!("参数 参{i} = {i}个 依据 刑法第17条\n"));
    }
    for i in 0..20_000 {
        extra.push_str(&format!(
            "规则 规{i} 依据 刑法第17条 若 电话卡数 > 未{i} 则 情节严重\n"
        ));
    }
    let dir = rules_with(&extra);
    let o = ruling_in(dir.path(), &["check"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}", head(&err));
    assert!(
        err.contains("另有 19900 个问题") && err.contains("共 20000 个错误"),
        "{}",
        head(&err)
    );
    // Nothing is lost: past the first hundred, each is one line with its place.
    assert!(
        err.contains("zz-extra.rule:40000:30: ruling::未声明的名称：未声明的名称“未19999”"),
        "{}",
        err.lines().rev().take(5).collect::<Vec<_>>().join("\n")
    );
    assert!(
        err.len() < 20_000 * 200,
        "{} bytes of diagnostics",
        err.len()
    );
}

#[test]
fn decimal_literals_too_large_for_an_exact_amount() {
    check_refuses(
        "参数 巨额 = 99999999999999999999999999999999万元 依据 刑法第17条\n",
        &["超出可表示的范围"],
    );
    check_refuses(
        "参数 巨额 = 7922816251426433759354395033万元 依据 刑法第17条\n",
        &["超出可表示的范围"],
    );
    check_refuses("参数 很久 = 99999999999年 依据 刑法第17条\n", &["过"]);
}

#[test]
fn dates_that_do_not_exist_in_rule_files() {
    check_refuses(
        "参数 某日 = 2025-02-29 依据 刑法第17条\n",
        &["日期“2025-02-29”不存在"],
    );
}

// ------------------------------------------------------------------ case files

fn eval_case(name: &str, text: impl AsRef<[u8]>, args: &[&str]) -> (Output, tempfile::TempDir) {
    let dir = temp();
    write(&dir.path().join(name), text);
    let mut all = vec!["eval", name];
    all.extend_from_slice(args);
    (ruling_in(dir.path(), &all), dir)
}

#[test]
fn case_file_of_a_hundred_megabytes() {
    let dir = temp();
    let path = dir.path().join("巨大.json");
    match std::fs::File::create(&path).and_then(|f| f.set_len(100 * 1024 * 1024)) {
        Ok(()) => {}
        Err(e) => unreachable!("{e}"),
    }
    let o = ruling_in(dir.path(), &["eval", "巨大.json"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", head(&err));
    assert!(
        err.contains("巨大.json") && err.contains("超过 16 MiB"),
        "{}",
        head(&err)
    );
}

#[test]
fn a_list_longer_than_its_limit() {
    let item = r#"{"类型":"银行账户"},"#;
    let mut text = String::from(r#"{"账户": ["#);
    text.push_str(&item.repeat(ruling::case::MAX_LIST_LEN + 1));
    text.pop();
    text.push_str("]}");
    let (o, _dir) = eval_case("长列表.json", text, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", head(&err));
    assert!(
        err.contains("“账户”") && err.contains("超过上限 100000"),
        "{}",
        head(&err)
    );
}

#[test]
fn json_nested_ten_thousand_arrays_deep() {
    let text = format!(
        r#"{{"账户": {}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (o, _dir) = eval_case("深.json", text, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", head(&err));
    assert!(
        err.contains("JSON 嵌套超过 64 层") && err.contains("深.json:1:"),
        "{}",
        head(&err)
    );
}

#[test]
fn toml_nested_deeply() {
    for (what, text) in [
        (
            "arrays",
            format!("\"账户\" = {}{}\n", "[".repeat(10_000), "]".repeat(10_000)),
        ),
        (
            "inline tables",
            format!("a = {}1{}\n", "{b = ".repeat(10_000), "}".repeat(10_000)),
        ),
        (
            "dotted keys",
            format!("{} = 1\n", vec!["a"; 100_000].join(".")),
        ),
        (
            "table headers",
            format!("[{}]\n", vec!["a"; 100_000].join(".")),
        ),
    ] {
        let (o, _dir) = eval_case("深.toml", text, &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", head(&err));
        assert!(err.contains("TOML 格式错误"), "{what}: {}", head(&err));
        assert!(!err.contains("panicked"), "{what}: {}", head(&err));
    }
}

#[test]
fn amounts_too_large_and_numbers_out_of_range() {
    let (o, _dir) = eval_case(
        "大.json",
        r#"{"支付结算金额": "79228162514264337593543950336"}"#,
        &[],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", head(&err));
    assert!(
        err.contains("“支付结算金额”") && err.contains("超出可表示的范围"),
        "{}",
        head(&err)
    );

    let (o, _dir) = eval_case("大.json", r#"{"支付结算金额": 1e400}"#, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", head(&err));
    assert!(
        err.contains("“支付结算金额”") && err.contains("“1e400”超出可表示的范围"),
        "{}",
        head(&err)
    );

    let (o, _dir) = eval_case("大.toml", "\"电话卡数\" = 99999999999999999999\n", &[]);
    assert_eq!(o.status.code(), Some(2), "{}", head(&stderr(&o)));
}

#[test]
fn amounts_that_overflow_when_added_are_an_error_not_a_crash() {
    let max = "79228162514264337593543950335";
    let account =
        format!(r#"{{"类型":"银行账户","归属":"他人","行为":"出售","流入资金":"{max}"}}"#);
    let text = format!(
        r#"{{"行为日期":"2025-09-01","被帮助对象犯罪查证":"已查证达到","账户":[{account},{account}]}}"#
    );
    let (o, _dir) = eval_case("溢出.json", text, &["--format", "json"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", head(&err));
    assert!(err.contains("合计数额溢出"), "{}", head(&err));
    assert!(
        err.contains("rules/意见6-情节严重.rule:"),
        "not located: {}",
        head(&err)
    );
    // The report is still written, with the overflowing conclusion undecided.
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    assert!(json["conclusions"]["情节严重"].is_object(), "{json}");
}

#[test]
fn dates_at_the_ends_of_the_calendar() {
    // Four-digit years only, as rule files and TOML write them.
    for bad in ["+10000-01-01", "-0001-01-01", "20250-01-01", "2025-1-1"] {
        let (o, _dir) = eval_case("日期.json", format!(r#"{{"行为日期": "{bad}"}}"#), &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", head(&err));
        assert!(err.contains("无法识别的日期"), "{bad}: {}", head(&err));
    }
    // A case's dates lie between 1900 and 2100: a year outside is a typo, named by its key.
    for (key, bad) in [
        ("行为日期", "9999-12-31"),
        ("出生日期", "0001-01-01"),
        ("行为日期", "1899-12-31"),
        ("行为日期", "2101-01-01"),
    ] {
        let (o, _dir) = eval_case("日期.json", format!(r#"{{"{key}": "{bad}"}}"#), &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", head(&err));
        assert!(
            err.contains(&format!("“{key}”：日期“{bad}”早于 1900 年或晚于 2100 年")),
            "{bad}: {}",
            head(&err)
        );
    }
    // The first and last days of that range evaluate, periods shifting past them included.
    let text = r#"{"行为日期": "2100-12-31", "出生日期": "1900-01-01",
        "处罚记录": [{"种类": "行政处罚", "事由": "帮助信息网络犯罪活动", "日期": "1900-01-01"},
                     {"种类": "有罪判决", "事由": "其他", "日期": "2100-12-31"}]}"#;
    let (o, _dir) = eval_case("日期.json", text, &["--format", "json", "--closed-world"]);
    assert_eq!(o.status.code(), Some(0), "{}", head(&stderr(&o)));
}

#[test]
fn calendar_shifts_far_beyond_the_calendar_are_refused_by_the_checker_or_computed() {
    // Periods are at most a thousand years, so shifting a four-digit-year date stays inside
    // chrono's range: these rules evaluate without error at both ends of the calendar.
    let extra = "结论 远期：三值\n规则 远 依据 刑法第17条 若 行为日期 + 1000年 > 9999-12-31 且 \
                 出生日期 - 1000年 < 0001-01-01 且 出生日期 在 行为日期 前 1000年 以内 则 远期\n";
    let dir = rules_with(extra);
    write(
        &dir.path().join("案.json"),
        r#"{"行为日期": "2100-12-31", "出生日期": "1900-01-01"}"#,
    );
    let o = ruling_in(dir.path(), &["eval", "案.json", "--format", "json"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{}", head(&err));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    assert_eq!(json["conclusions"]["远期"]["value"], false, "{json}");
    check_refuses(
        "参数 太久 = 1001年 依据 刑法第17条\n",
        &["期间“1001年”过长"],
    );
}

#[test]
fn a_closed_standard_output_ends_quietly() {
    // Regression: `ruling eval … | head` panicked with "failed printing to stdout".
    let dir = temp();
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/学生出租银行卡.toml");
    let mut args: Vec<PathBuf> = vec!["eval".into()];
    for i in 0..40 {
        let p = dir.path().join(format!("{i}.toml"));
        let _ = std::fs::copy(&case, &p);
        args.push(p);
    }
    let mut child = common::spawn_in(dir.path(), &args);
    // Forty reports do not fit in the pipe: the binary blocks until the reader goes away.
    drop(child.stdout.take());
    let o = match child.wait_with_output() {
        Ok(o) => o,
        Err(e) => unreachable!("{e}"),
    };
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(141), "{err}");
}

// ------------------------------------------------------------------ the library

#[test]
fn library_parse_refuses_what_the_binary_refuses() {
    let (_, d) =
        ruling::syntax::parse_file(0, &format!("{RULE_HEAD}{}真 则 乙", "非 ".repeat(50_000)));
    assert_eq!(d.first().map(|d| d.code), Some(Code::TooDeep), "{d:?}");
    let ok = format!(
        "{RULE_HEAD}{}真 则 乙",
        "非 ".repeat(ruling::syntax::MAX_EXPR_DEPTH - 1)
    );
    let (_, d) = ruling::syntax::parse_file(0, &ok);
    assert!(d.is_empty(), "{d:?}");
}

/// Compiles the shipped rules plus `extra` and evaluates an empty case, on the calling thread.
fn compile_and_run(extra: String) -> Result<(), String> {
    let rules = common::shipped_with("extra.rule", &extra).map_err(|e| e.message())?;
    let case = ruling::case::Case {
        facts: vec![ruling::program::value::Value::Unknown; rules.program().facts.len()],
        ..ruling::case::Case::default()
    };
    let evaluated = rules.evaluate(
        &case,
        ruling::rules::Options {
            closed_world: false,
            needs: true,
            explain: true,
        },
    );
    let report = ruling::report::build(&evaluated);
    let _ = ruling::report::to_text(&report);
    Ok(())
}

#[test]
fn the_deepest_allowed_rules_run_on_a_two_mib_test_thread() {
    // Regression: 64 levels of brackets overflowed a 2 MiB thread while lowering (debug build).
    let n = ruling::syntax::MAX_NESTING;
    let d = ruling::syntax::MAX_EXPR_DEPTH;
    let rules = [
        format!("{}在校学生{}", "(".repeat(n), ")".repeat(n)),
        format!("{}在校学生", "非 ".repeat(d - 1)),
        format!("在校学生{}", " 且 在校学生".repeat(d - 1)),
        format!("电话卡数{} > 3", " + 1".repeat(d - 2)),
        format!(
            "{}在校学生{}{}",
            "(".repeat(n),
            " 或 在校学生".repeat(d - 1),
            ")".repeat(n)
        ),
    ];
    let run = move || {
        for (i, cond) in rules.iter().enumerate() {
            let extra = format!("结论 深{i}：三值\n{RULE_HEAD}{cond} 则 深{i}\n");
            compile_and_run(extra).map_err(|e| format!("rule {i}: {e}"))?;
        }
        Ok::<(), String>(())
    };
    let worker = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(run);
    let result = match worker {
        Ok(h) => h.join(),
        Err(e) => unreachable!("{e}"),
    };
    assert!(matches!(result, Ok(Ok(()))), "{result:?}");
}

// ------------------------------------------------------------------ nothing is written

/// Every file under `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, Option<SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap_or_default();
                let mtime = std::fs::metadata(&p).and_then(|m| m.modified()).ok();
                out.push((p, bytes, mtime));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn check_eval_explain_and_test_never_write_their_inputs() {
    let dir = rules_with("# 额外的文件\n");
    let cases = dir.path().join("cases");
    if let Err(e) = std::fs::create_dir(&cases) {
        unreachable!("{e}");
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["学生出租银行卡.toml", "收卡团伙组织者.toml"] {
        let _ = std::fs::copy(root.join("examples").join(name), cases.join(name));
    }
    write(
        &cases.join("案.json"),
        r#"{"案件": "甲", "行为日期": "2025-09-01", "电话卡数": 25, "被帮助对象犯罪查证": "已查证达到"}"#,
    );
    write(&cases.join("坏.json"), r#"{"电活卡数": 3}"#);
    let before = snapshot(dir.path());
    assert!(before.len() > 15, "{} files", before.len());
    let runs: [&[&str]; 8] = [
        &["check"],
        &["eval", "cases/学生出租银行卡.toml", "cases/案.json"],
        &[
            "eval",
            "cases/案.json",
            "--format",
            "json",
            "--closed-world",
        ],
        &["eval", "cases/收卡团伙组织者.toml", "--format", "markdown"],
        &["eval", "cases/坏.json"],
        &["explain", "cases/案.json", "情节严重"],
        &["test"],
        &["test", "cases"],
    ];
    for args in runs {
        let o = ruling_in(dir.path(), args);
        assert!(!stderr(&o).contains("panicked"), "{args:?}");
        let after = snapshot(dir.path());
        assert!(
            before == after,
            "`ruling {}` changed or added files",
            args.join(" ")
        );
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_back_up_the_tree_are_walked_once() {
    // Regression: `ruling test DIR` followed links to parent folders again and again; two
    // such links made the walk exponential.
    let dir = temp();
    let cases = dir.path().join("案例");
    let inner = cases.join("子");
    if let Err(e) = std::fs::create_dir_all(&inner) {
        unreachable!("{e}");
    }
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/学生出租银行卡.toml");
    let _ = std::fs::copy(example, inner.join("一.toml"));
    for (link, to) in [("上", ".."), ("上上", "../.."), ("自己", ".")] {
        if let Err(e) = std::os::unix::fs::symlink(to, inner.join(link)) {
            unreachable!("{e}");
        }
    }
    let o = ruling_in(dir.path(), &["test", "案例"]);
    let out = String::from_utf8_lossy(&o.stdout);
    let cases_run = out.lines().filter(|l| l.contains("案例 ")).count();
    assert_eq!(cases_run, 1, "{out}");
}

#[cfg(unix)]
#[test]
fn an_endless_case_file_is_read_only_up_to_the_limit() {
    // A case "file" that never ends (a link to /dev/zero) is cut at the limit and refused,
    // instead of filling the memory.
    let dir = temp();
    if let Err(e) = std::os::unix::fs::symlink("/dev/zero", dir.path().join("无尽.json")) {
        unreachable!("{e}");
    }
    let o = ruling_in(dir.path(), &["eval", "无尽.json"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", head(&err));
    assert!(err.contains("超过 16 MiB"), "{}", head(&err));
}

#[test]
fn quotes_in_comments_and_citations_cannot_hide_nesting() {
    // Regression: a “ in a comment made the nesting check think the rest of the file was
    // quoted, so 300 levels of brackets reached the parser and overflowed the stack.
    let deep = format!("{}在校学生{}", "(".repeat(300), ")".repeat(300));
    for (what, before) in [
        ("“ in a # comment", "# “\n"),
        ("\" in a ＃ comment", "＃ \"\n"),
        ("「 in a // comment", "// 「\n"),
        ("# inside a citation", "条文 刑法#“第1条 “文字”\n"),
    ] {
        let extra = format!("{before}结论 深：三值\n{RULE_HEAD}{deep} 则 深\n");
        let dir = rules_with(&extra);
        let o = ruling_in(dir.path(), &["check"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{what}: {}", head(&err));
        assert!(err.contains("括号嵌套超过 64 层"), "{what}: {}", head(&err));
    }
    // Comments between 集合 and < still open a type.
    let sets = format!(
        "事实 深：{}枚举{{甲}}{}\n",
        "集合 # 注\n<".repeat(100),
        ">".repeat(100)
    );
    check_refuses(&sets, &["括号嵌套超过 64 层"]);
}
