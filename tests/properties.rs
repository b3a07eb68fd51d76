//! Properties of the shipped rules and the interpreter, over generated valid cases
//! (`ruling::fuzzing::CaseGen` turns bytes into a case of the shipped rules, so proptest
//! shrinks a failing case by shrinking its bytes).
//!
//! - raising an amount or a count never removes 情节严重 (true stays true) nor a member of
//!   从严情节;
//! - setting an aggravating fact of 意见第9条 true never removes either;
//! - a conclusion decided in the open world keeps its value in the closed world;
//! - the JSON and TOML forms of a case give the same result;
//! - evaluation is deterministic: the same input gives byte-identical JSON;
//! - `fmt` then parse gives the same syntax tree as parse, and `fmt` is idempotent.

mod common;

use proptest::prelude::*;
use ruling::case::{close_world, parse_case, Case, CaseFormat};
use ruling::eval::Outcome;
use ruling::fuzzing::{to_toml, CaseGen};
use ruling::program::value::Value;
use ruling::program::{Program, Type};
use ruling::report::{self, conclusion_value};
use ruling::rules::{Options, Rules};
use rust_decimal::Decimal;
use serde_json::Value as J;

/// The aggravating circumstances of 意见第9条第(1)至(6)项 (docs/案件文件填写说明.md).
const AGGRAVATING: [&str; 6] = [
    "组织或长期从事收购贩卖两卡",
    "组织利用特殊群体",
    "行业从业人员利用职业便利",
    "跨境提供技术支持或帮助",
    "提供专门或主要用于犯罪的技术设备",
    "利用人工智能技术",
];

/// The shipped rules, checked once for all properties.
fn rules() -> &'static Rules {
    common::shipped()
}

fn program() -> &'static Program {
    rules().program()
}

/// A generated case: its JSON and its typed facts.
fn case_of(bytes: &[u8]) -> (J, Vec<Value>) {
    let program = program();
    let json = CaseGen::new(bytes).case(program);
    let text = json.to_string();
    match parse_case(program, &text, CaseFormat::Json) {
        Ok(case) => (json, case.facts),
        Err(d) => unreachable!("generated case rejected: {d:?}\n{text}"),
    }
}

/// The facts with the closed world applied.
fn close(facts: &[Value]) -> Vec<Value> {
    let mut facts = facts.to_vec();
    close_world(program(), &mut facts, &mut Vec::new());
    facts
}

/// Evaluates `facts` (read as given: any closed world is already applied) under `rules`, with
/// the `needs` analysis as `ruling eval` runs it.
fn run_with(rules: &Rules, facts: &[Value]) -> Outcome {
    let case = Case {
        facts: facts.to_vec(),
        ..Case::default()
    };
    let options = Options {
        closed_world: false,
        needs: true,
        explain: true,
    };
    rules.evaluate(&case, options).outcome
}

fn run(facts: &[Value]) -> Outcome {
    run_with(rules(), facts)
}

fn conclusion(name: &str) -> usize {
    match program().conclusion_index.get(name) {
        Some(&c) => c,
        None => unreachable!("no conclusion {name}"),
    }
}

fn value(outcome: &Outcome, name: &str) -> J {
    conclusion_value(program(), outcome, conclusion(name))
}

/// The members of a set conclusion.
fn members(outcome: &Outcome, name: &str) -> Vec<String> {
    match value(outcome, name) {
        J::Array(items) => items
            .into_iter()
            .filter_map(|i| i.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

/// The report JSON of an evaluation, as `ruling eval --format json` prints it. `closed` says
/// the facts were read in the closed world (which `facts` already has applied).
fn json_output(facts: &[Value], closed: bool) -> String {
    let case = Case {
        id: Some("性质".into()),
        facts: facts.to_vec(),
        ..Case::default()
    };
    let options = Options {
        closed_world: closed,
        needs: true,
        explain: true,
    };
    let r = report::build(&rules().evaluate(&case, options));
    serde_json::to_string_pretty(&report::to_json(&r)).unwrap_or_default()
}

/// 情节严重 true stays true and 从严情节 keeps its members from `before` to `after`.
fn keeps_aggravation(before: &Outcome, after: &Outcome) -> Result<(), String> {
    if value(before, "情节严重") == J::Bool(true) && value(after, "情节严重") != J::Bool(true)
    {
        return Err(format!(
            "情节严重 went from true to {}",
            value(after, "情节严重")
        ));
    }
    let (b, a) = (members(before, "从严情节"), members(after, "从严情节"));
    if let Some(lost) = b.iter().find(|m| !a.contains(m)) {
        return Err(format!("从严情节 lost {lost}: {b:?} → {a:?}"));
    }
    Ok(())
}

/// Every known count or amount, at the top level or in a record, raised by `by`.
fn raise(program: &Program, facts: &[Value], which: usize, by: Decimal) -> Option<Vec<Value>> {
    let mut out = facts.to_vec();
    let mut seen = 0usize;
    let mut changed = false;
    for (slot, def) in out.iter_mut().zip(&program.facts) {
        match (def.ty, &mut *slot) {
            (Type::Int | Type::Amount, Value::Num(n)) => {
                if seen == which {
                    *n = n.checked_add(by)?;
                    changed = true;
                }
                seen += 1;
            }
            (Type::List(r), Value::List(records)) => {
                let fields = program.fields(r);
                let mut copy: Vec<Box<[Value]>> = records.iter().cloned().collect();
                for rec in &mut copy {
                    for (v, (_, ty)) in rec.iter_mut().zip(fields) {
                        if let (Type::Int | Type::Amount, Value::Num(n)) = (ty, v) {
                            if seen == which {
                                *n = n.checked_add(by)?;
                                changed = true;
                            }
                            seen += 1;
                        }
                    }
                }
                *records = copy.into();
            }
            _ => {}
        }
    }
    changed.then_some(out)
}

/// The number of cases: `PROPTEST_CASES` when set (for a long run), else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..600)
}

fn amount() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (1u64..1000).prop_map(Decimal::from),
        (1u64..100).prop_map(|n| Decimal::from(n * 10_000)),
        (1u64..10_000_000).prop_map(|n| Decimal::new(n as i64, 2)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn raising_an_amount_or_count_never_removes_aggravation(
        data in bytes(), which in 0usize..64, by in amount()
    ) {
        let program = program();
        let (_, facts) = case_of(&data);
        for closed in [false, true] {
            let facts = if closed { close(&facts) } else { facts.clone() };
            let Some(raised) = raise(program, &facts, which, by) else { continue };
            let (before, after) = (run(&facts), run(&raised));
            // An amount raised past what an exact decimal holds is reported as an error; the
            // conclusions that needed it are then undecided, which is no loss of aggravation.
            if after.errors.is_empty() {
                let kept = keeps_aggravation(&before, &after);
                prop_assert!(kept.is_ok(), "{} (closed world: {closed})", kept.err().unwrap_or_default());
            }
        }
    }

    #[test]
    fn an_aggravating_fact_never_removes_aggravation(data in bytes(), which in 0usize..6) {
        let program = program();
        let (_, facts) = case_of(&data);
        let Some(&f) = program.fact_index.get(AGGRAVATING[which]) else {
            return Err(TestCaseError::fail(format!("no fact {}", AGGRAVATING[which])));
        };
        for closed in [false, true] {
            let facts = if closed { close(&facts) } else { facts.clone() };
            let mut more = facts.clone();
            more[f] = Value::Bool(true);
            let kept = keeps_aggravation(&run(&facts), &run(&more));
            prop_assert!(kept.is_ok(), "{}: {} (closed world: {closed})", AGGRAVATING[which], kept.err().unwrap_or_default());
        }
    }

    #[test]
    fn the_closed_world_keeps_every_decided_conclusion(data in bytes()) {
        let (json, facts) = case_of(&data);
        let program = program();
        let open = run(&facts);
        let closed = run(&close(&facts));
        prop_assume!(open.errors.is_empty() && closed.errors.is_empty());
        for (c, def) in program.conclusions.iter().enumerate() {
            let (a, b) = (conclusion_value(program, &open, c), conclusion_value(program, &closed, c));
            match &a {
                J::Array(items) => {
                    let complete = open.complete.get(c).copied().unwrap_or(true);
                    if complete {
                        prop_assert_eq!(&a, &b, "{} in {}", def.name, json);
                    } else if let J::Array(later) = &b {
                        let lost: Vec<&J> = items.iter().filter(|i| !later.contains(i)).collect();
                        prop_assert!(lost.is_empty(), "{} lost {:?} in {}", def.name, lost, json);
                    }
                }
                J::Null => {}
                _ => prop_assert_eq!(&a, &b, "{} in {}", def.name, json),
            }
        }
    }

    #[test]
    fn json_and_toml_forms_give_the_same_result(data in bytes()) {
        let (json, facts) = case_of(&data);
        let program = program();
        let toml = to_toml(&json).map_err(TestCaseError::fail)?;
        let from_toml = parse_case(program, &toml, CaseFormat::Toml)
            .map_err(|d| TestCaseError::fail(format!("{d:?}\n{toml}")))?;
        prop_assert!(from_toml.facts == facts, "facts differ:\n{}\n{}", json, toml);
        prop_assert_eq!(json_output(&facts, false), json_output(&from_toml.facts, false));
    }

    #[test]
    fn evaluation_is_deterministic(data in bytes()) {
        let (_, facts) = case_of(&data);
        prop_assert_eq!(json_output(&facts, false), json_output(&facts, false));
        let closed = close(&facts);
        prop_assert_eq!(json_output(&closed, true), json_output(&closed, true));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// The binary prints byte-identical JSON for the same case file, run after run.
    #[test]
    fn the_binary_prints_the_same_json_every_time(data in bytes()) {
        let (json, _) = case_of(&data);
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let path = dir.path().join("案.json");
        std::fs::write(&path, json.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let run = || {
            let o = common::ruling_in(dir.path(), &["eval", "案.json", "--format", "json"]);
            (o.status.code(), o.stdout)
        };
        let first = run();
        // 2 when an amount overflows in a calculation (reported, with the report still
        // printed); the same either way.
        prop_assert!(matches!(first.0, Some(0 | 2)), "exit {:?}", first.0);
        prop_assert_eq!(&first, &run());
    }
}

/// Rule texts to format: the shipped files and the rule seeds of the fuzz corpus that parse.
fn rule_texts() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = common::shipped_files()
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_default();
            (
                p.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            )
        })
        .collect();
    let seeds = common::root().join("fuzz/corpus/rule_text");
    for entry in std::fs::read_dir(&seeds).into_iter().flatten().flatten() {
        // A seed's first byte chooses how the fuzz target uses it; the text follows.
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        let text = String::from_utf8_lossy(bytes.get(1..).unwrap_or(&[])).into_owned();
        out.push((entry.path().display().to_string(), text));
    }
    out
}

#[test]
fn fmt_then_parse_gives_the_same_tree_as_parse() {
    let mut checked = 0;
    for (name, text) in rule_texts() {
        let (tree, diags) = ruling::syntax::parse_file(0, &text);
        if ruling::diag::has_errors(&diags) {
            continue;
        }
        let formatted = match ruling::format::format_source(&text) {
            Ok(f) => f,
            Err(d) => unreachable!("{name}: fmt refused a file that parses: {d:?}"),
        };
        let (again, diags) = ruling::syntax::parse_file(0, &formatted);
        assert!(
            !ruling::diag::has_errors(&diags),
            "{name}: {diags:?}\n{formatted}"
        );
        assert!(tree == again, "{name}: the tree changed\n{formatted}");
        let twice = ruling::format::format_source(&formatted).unwrap_or_default();
        assert_eq!(formatted, twice, "{name}: fmt is not idempotent");
        checked += 1;
    }
    assert!(checked >= 13, "only {checked} files formatted");
}

#[test]
fn fmt_keeps_the_compiled_program_of_the_shipped_rules() {
    let (rules, program) = (rules(), program());
    let formatted: Vec<(String, String)> = rules
        .set()
        .sources
        .files
        .iter()
        .map(|f| {
            let text = ruling::format::format_source(&f.text).unwrap_or_default();
            (f.name.clone(), text)
        })
        .collect();
    let files: Vec<(&str, &str)> = formatted
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let again = match common::rules_from_texts(&files) {
        Ok(again) => again,
        Err(e) => unreachable!("formatted rules do not compile: {}", e.message()),
    };
    // Same facts, conclusions, rules and examples; and the same results on generated cases.
    assert_eq!(program.facts.len(), again.program().facts.len());
    assert_eq!(program.rules.len(), again.program().rules.len());
    assert_eq!(rules.examples().len(), again.examples().len());
    for seed in 0u8..40 {
        let data: Vec<u8> = (0..500u32)
            .map(|i| (i as u8).wrapping_mul(seed | 1).wrapping_add(seed))
            .collect();
        let (_, facts) = case_of(&data);
        let a = run_with(rules, &facts);
        let b = run_with(&again, &facts);
        for c in 0..program.conclusions.len() {
            assert_eq!(
                conclusion_value(program, &a, c),
                conclusion_value(again.program(), &b, c),
                "seed {seed}, {}",
                program.conclusions[c].name
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(64), ..ProptestConfig::default() })]

    /// An amount written with 1 to 28 digits, 0 to 2 of them decimals, reads back exactly, as a
    /// JSON number, a JSON string, a TOML number and a TOML string: never through `f64`.
    #[test]
    fn amounts_of_up_to_28_digits_read_back_exactly(
        whole in "[1-9][0-9]{0,27}",
        frac in "[0-9]{0,2}",
    ) {
        let keep = frac.len().min(28usize.saturating_sub(whole.len()));
        let frac = &frac[..keep];
        let text = if frac.is_empty() { whole.clone() } else { format!("{whole}.{frac}") };
        let Ok(expected) = Decimal::from_str_exact(&text) else {
            // 28 nines and more do not fit a decimal: refused, not rounded.
            let json = format!("{{\"违法所得\": {text}}}");
            prop_assert!(parse_case(program(), &json, CaseFormat::Json).is_err());
            return Ok(());
        };
        let f = program().fact_index["违法所得"];
        for (format, source) in [
            (CaseFormat::Json, format!("{{\"违法所得\": {text}}}")),
            (CaseFormat::Json, format!("{{\"违法所得\": \"{text}\"}}")),
            (CaseFormat::Toml, format!("\"违法所得\" = {text}\n")),
            (CaseFormat::Toml, format!("\"违法所得\" = \"{text}元\"\n")),
        ] {
            let case = parse_case(program(), &source, format)
                .map_err(|d| TestCaseError::fail(format!("{d:?}\n{source}")))?;
            prop_assert_eq!(&case.facts[f], &Value::Num(expected), "{}", source);
            // The digits as written, trailing zeros included.
            prop_assert_eq!(
                format!("{:?}", case.facts[f]),
                format!("{:?}", Value::Num(expected)),
                "{}",
                source
            );
        }
    }
}
