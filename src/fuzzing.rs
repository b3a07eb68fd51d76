//! The logic of the fuzz targets (`fuzz/`), kept in the library so that an ordinary build and
//! test compiles and runs it over the seed corpus, and so that the property tests can reuse the
//! case generator.
//!
//! Five entry points take raw bytes from a fuzzer:
//! - [`rule_text`]: a rule file, alone or beside the shipped rules, through parsing, checking,
//!   rendering of diagnostics and (when it compiles) evaluation of an empty case;
//! - [`case_text`]: a JSON or TOML case file through loading against the shipped rules and,
//!   when it is accepted, evaluation and every report format;
//! - [`structured_case`]: bytes turned into a *valid* case of the shipped rules
//!   ([`CaseGen`]), written as JSON and as TOML, both loaded, evaluated open- and
//!   closed-world and rendered in every format;
//! - [`fmt`]: a rule file through `ruling fmt`'s formatter: formatting twice gives the same
//!   text, and the formatted file compiles to the same program (same diagnostics, same
//!   results for every example and for an empty case) as the original;
//! - [`case_reader`]: the case reader alone: a valid case with its numbers in the forms users
//!   write (Chinese numerals, units, separators, full-width digits), as JSON and as TOML, must
//!   read as the plain case; and any text the JSON reader accepts must be JSON.
//!
//! Each returns `Err` with a description when an invariant that is not a crash is broken (a
//! generated case rejected, JSON and TOML forms disagreeing, an evaluation that is not
//! deterministic); the fuzz target turns that into a failure.

use crate::case::{parse_case, Case, CaseFormat};
use crate::diag::render;
use crate::program::value::Value;
use crate::program::{Program, Type};
use crate::report;
use crate::rules::{Options, Rules};
use crate::ruleset::{self, RuleSet};
use crate::source::Sources;
use crate::syntax;
use crate::syntax::ast::Module;
use serde_json::{Map, Value as J};
use std::sync::OnceLock;

/// The shipped rules, compiled once per process.
pub fn shipped() -> Option<&'static Rules> {
    static SHIPPED: OnceLock<Option<Rules>> = OnceLock::new();
    SHIPPED.get_or_init(|| Rules::builtin().ok()).as_ref()
}

/// The shipped rule files and their syntax trees, parsed once per process.
fn shipped_modules() -> &'static (Sources, Vec<Module>) {
    static MODULES: OnceLock<(Sources, Vec<Module>)> = OnceLock::new();
    MODULES.get_or_init(|| {
        let sources = ruleset::embedded().sources;
        let modules = sources
            .files
            .iter()
            .enumerate()
            .map(|(id, f)| syntax::parse_file(id, &f.text).0)
            .collect();
        (sources, modules)
    })
}

/// Fuzz target (a): the bytes as a rule file. The first byte chooses whether the file stands
/// alone (even) or is added to the shipped rule files (odd).
pub fn rule_text(data: &[u8]) -> Result<(), String> {
    let Some((&mode, rest)) = data.split_first() else {
        return Ok(());
    };
    let text = String::from_utf8_lossy(rest);
    let (mut sources, mut modules) = if mode % 2 == 1 {
        shipped_modules().clone()
    } else {
        (Sources::default(), Vec::new())
    };
    let id = sources.add("fuzz.rule", text.as_ref());
    let (module, diags) = syntax::parse_file(id, &text);
    modules.push(module);
    let set = RuleSet {
        origin: "fuzz".into(),
        parts: vec!["fuzz".into()],
        dir: None,
        fingerprint: String::new(),
        sources,
    };
    match Rules::from_modules(set, &modules, diags) {
        Ok(rules) => {
            let empty = Case {
                facts: vec![Value::Unknown; rules.program().facts.len()],
                ..Case::default()
            };
            run_all(&rules, &empty, false)?;
            run_all(&rules, &empty, true)?;
            for ex in rules.examples() {
                run_all(&rules, &ex.case, false)?;
            }
        }
        Err(rejected) => {
            let _ = render(&rejected.diagnostics, &rejected.sources);
        }
    }
    Ok(())
}

/// Fuzz target (d): the bytes as a rule file for `ruling fmt` (first byte: alone when even,
/// beside the shipped rules when odd, as in [`rule_text`]). A file the formatter accepts must
/// come out the same when formatted again, and must mean the same: the same diagnostic codes
/// and, when it compiles, the same JSON report for an empty case (open and closed world) and
/// for every example.
pub fn fmt(data: &[u8]) -> Result<(), String> {
    let Some((&mode, rest)) = data.split_first() else {
        return Ok(());
    };
    let text = String::from_utf8_lossy(rest);
    let formatted = match crate::format::format_source(&text) {
        Ok(f) => f,
        Err(diags) if diags.is_empty() => {
            return Err("formatting was refused without a diagnostic".into());
        }
        Err(diags) => {
            let mut sources = Sources::default();
            sources.add("fuzz.rule", text.as_ref());
            let _ = render(&diags, &sources);
            return Ok(());
        }
    };
    match crate::format::format_source(&formatted) {
        Ok(again) if again == formatted => {}
        Ok(again) => {
            return Err(format!(
                "formatting is not idempotent:\n--- once\n{formatted}\n--- twice\n{again}"
            ))
        }
        Err(d) => return Err(format!("the formatted file is refused: {d:?}\n{formatted}")),
    }
    let before = meaning(mode, &text)?;
    let after = meaning(mode, &formatted)?;
    if before != after {
        return Err(format!(
            "formatting changed the program: {}\n--- formatted\n{formatted}",
            first_difference(&before, &after)
        ));
    }
    Ok(())
}

/// A report's `computed` objects are keyed by the expression's source text, whose layout and
/// punctuation (`{出售, 出租}` / `{出售，出租}`) are what formatting changes; what they mean is
/// the values, in order. Replaces each such object with the list of its values. A why-not
/// `reason` quotes the failed condition's source text too: it is compared without spaces and
/// with full-width punctuation read as ASCII.
fn values_of_computed(json: &mut J) {
    match json {
        J::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "computed" {
                    if let J::Object(inner) = value {
                        *value = J::Array(inner.values().cloned().collect());
                        continue;
                    }
                }
                if key == "reason" {
                    if let J::String(text) = value {
                        *text = text
                            .chars()
                            .filter(|c| !c.is_whitespace())
                            .map(|c| match c {
                                '，' => ',',
                                '（' => '(',
                                '）' => ')',
                                '｛' => '{',
                                '｝' => '}',
                                '：' => ':',
                                '；' => ';',
                                other => other,
                            })
                            .collect();
                        continue;
                    }
                }
                values_of_computed(value);
            }
        }
        J::Array(items) => items.iter_mut().for_each(values_of_computed),
        _ => {}
    }
}

/// Where two lists of texts first differ, with some text around it.
fn first_difference(a: &[String], b: &[String]) -> String {
    if a.len() != b.len() {
        return format!("{} items before, {} after: {a:?} / {b:?}", a.len(), b.len());
    }
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x != y {
            let at = x
                .char_indices()
                .zip(y.chars())
                .find(|((_, p), q)| p != q)
                .map_or(x.len().min(y.len()), |((i, _), _)| i);
            let around = |t: &str| {
                let chars = t.get(..at).map_or(0, |p| p.chars().count());
                t.chars()
                    .skip(chars.saturating_sub(60))
                    .take(120)
                    .collect::<String>()
            };
            return format!(
                "item {i}:\n  before …{}…\n  after  …{}…",
                around(x),
                around(y)
            );
        }
    }
    String::new()
}

/// What a rule file means, for [`fmt`]: the diagnostic codes when it does not compile, else
/// the JSON reports of an empty case and of every example.
fn meaning(mode: u8, text: &str) -> Result<Vec<String>, String> {
    let (mut sources, mut modules) = if mode % 2 == 1 {
        shipped_modules().clone()
    } else {
        (Sources::default(), Vec::new())
    };
    let id = sources.add("fuzz.rule", text);
    let (module, diags) = syntax::parse_file(id, text);
    modules.push(module);
    let set = RuleSet {
        origin: "fuzz".into(),
        parts: vec!["fuzz".into()],
        dir: None,
        fingerprint: String::new(),
        sources,
    };
    match Rules::from_modules(set, &modules, diags) {
        Ok(rules) => {
            let empty = Case {
                facts: vec![Value::Unknown; rules.program().facts.len()],
                ..Case::default()
            };
            // The JSON report only: the other formats are rendered from the same report, and
            // the rule_text target renders them all.
            let json = |case: &Case, closed_world| {
                let options = Options {
                    closed_world,
                    needs: true,
                    explain: true,
                };
                let report = report::build(&rules.evaluate(case, options));
                let mut json = report::to_json(&report);
                values_of_computed(&mut json);
                serde_json::to_string(&json).map_err(|e| e.to_string())
            };
            let mut out = vec![json(&empty, false)?, json(&empty, true)?];
            for ex in rules.examples() {
                out.push(ex.name.clone());
                out.push(json(&ex.case, false)?);
            }
            Ok(out)
        }
        Err(rejected) => Ok(rejected
            .diagnostics
            .iter()
            .map(|d| format!("{:?} {}", d.severity, d.code.as_str()))
            .collect()),
    }
}

/// Fuzz target (b): the bytes as a case file of the shipped rules. The first byte chooses
/// TOML (odd) or JSON (even).
pub fn case_text(data: &[u8]) -> Result<(), String> {
    let Some((&mode, rest)) = data.split_first() else {
        return Ok(());
    };
    let Some(rules) = shipped() else {
        return Err("the shipped rules do not compile".into());
    };
    let text = String::from_utf8_lossy(rest);
    let format = if mode % 2 == 1 {
        CaseFormat::Toml
    } else {
        CaseFormat::Json
    };
    match parse_case(rules.program(), &text, format) {
        Ok(case) => {
            run_all(rules, &case, false)?;
            run_all(rules, &case, true).map(drop)
        }
        Err(diags) => {
            if diags.is_empty() {
                return Err("a case was rejected without a diagnostic".into());
            }
            let _ = render(&diags, &Sources::default());
            Ok(())
        }
    }
}

/// Fuzz target (c): the bytes decide a valid case of the shipped rules, which is written as
/// JSON and as TOML, loaded both ways, evaluated and rendered.
pub fn structured_case(data: &[u8]) -> Result<(), String> {
    let Some(rules) = shipped() else {
        return Err("the shipped rules do not compile".into());
    };
    let program = rules.program();
    let json = CaseGen::new(data).case(program);
    let json_text = serde_json::to_string(&json).map_err(|e| e.to_string())?;
    let from_json = parse_case(program, &json_text, CaseFormat::Json)
        .map_err(|d| format!("generated JSON case rejected: {d:?}\n{json_text}"))?;
    let toml_text = to_toml(&json)?;
    let from_toml = parse_case(program, &toml_text, CaseFormat::Toml)
        .map_err(|d| format!("generated TOML case rejected: {d:?}\n{toml_text}"))?;
    if from_json.facts != from_toml.facts {
        return Err(format!(
            "JSON and TOML forms read differently:\n{json_text}\n{toml_text}"
        ));
    }
    let first = run_all(rules, &from_json, false)?;
    let again = run_all(rules, &from_toml, false)?;
    if first != again {
        return Err(format!("evaluation is not deterministic:\n{json_text}"));
    }
    run_all(rules, &from_json, true)?;
    Ok(())
}

/// Fuzz target (d), the case reader itself. The first byte chooses the mode:
/// - even: the rest is a valid case of the shipped rules ([`CaseGen`]) whose numbers are
///   rewritten, as the bytes choose, in the forms a user may write them (a bare number, a
///   string, with 元 or 张, thousands separators, full-width digits, Chinese numerals), and whose
///   text gets a byte-order mark or line breaks; written as JSON and as TOML, both must be
///   accepted and give the same facts as the case in its plain form;
/// - odd: the rest is any text read as a JSON case; the reader may refuse it but must not
///   accept what is not JSON.
pub fn case_reader(data: &[u8]) -> Result<(), String> {
    let Some((&mode, rest)) = data.split_first() else {
        return Ok(());
    };
    let Some(rules) = shipped() else {
        return Err("the shipped rules do not compile".into());
    };
    let program = rules.program();
    if mode % 2 == 1 {
        let text = String::from_utf8_lossy(rest);
        // A byte-order mark is accepted by the reader, as by TOML's, though not by serde_json.
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if parse_case(program, &text, CaseFormat::Json).is_ok()
            && serde_json::from_str::<J>(body).is_err()
        {
            return Err(format!(
                "the reader accepted text that is not JSON: {text:?}"
            ));
        }
        return Ok(());
    }
    let mut gen = CaseGen::new(rest);
    let plain = gen.case(program);
    let plain_text = serde_json::to_string(&plain).map_err(|e| e.to_string())?;
    let expected = parse_case(program, &plain_text, CaseFormat::Json)
        .map_err(|d| format!("generated case rejected: {d:?}\n{plain_text}"))?;
    let mut forms = rest.iter().rev().copied().cycle().take(4096);
    let rewritten = rewrite(program, &plain, &mut forms);
    let mut json_text = serde_json::to_string_pretty(&rewritten).map_err(|e| e.to_string())?;
    let mut toml_text = to_toml(&rewritten)?;
    if mode % 4 == 2 {
        json_text.insert(0, '\u{feff}');
        toml_text.insert(0, '\u{feff}');
    }
    let from_json = parse_case(program, &json_text, CaseFormat::Json)
        .map_err(|d| format!("rewritten JSON case rejected: {d:?}\n{json_text}"))?;
    let from_toml = parse_case(program, &toml_text, CaseFormat::Toml)
        .map_err(|d| format!("rewritten TOML case rejected: {d:?}\n{toml_text}"))?;
    if from_json.facts != expected.facts {
        return Err(format!(
            "the JSON forms read differently:\n{plain_text}\n{json_text}"
        ));
    }
    if from_toml.facts != expected.facts {
        return Err(format!(
            "the TOML forms read differently:\n{plain_text}\n{toml_text}"
        ));
    }
    Ok(())
}

/// The case with each whole number of a count or an amount written in a form the bytes choose.
fn rewrite(program: &Program, case: &J, forms: &mut impl Iterator<Item = u8>) -> J {
    let J::Object(map) = case else {
        return case.clone();
    };
    let mut out = Map::new();
    for (k, v) in map {
        let ty = program
            .fact_index
            .get(k)
            .and_then(|&f| program.facts.get(f))
            .map(|f| f.ty);
        let v = match (ty, v) {
            (Some(Type::List(r)), J::Array(items)) => {
                let fields = program.records.get(r).map(|d| &d.fields[..]).unwrap_or(&[]);
                J::Array(
                    items
                        .iter()
                        .map(|item| match item {
                            J::Object(rec) => J::Object(
                                rec.iter()
                                    .map(|(fk, fv)| {
                                        let fty = fields.iter().find(|(n, _)| n == fk).map(|f| f.1);
                                        (
                                            fk.clone(),
                                            fty.map_or(fv.clone(), |t| number_form(t, fv, forms)),
                                        )
                                    })
                                    .collect(),
                            ),
                            other => other.clone(),
                        })
                        .collect(),
                )
            }
            (Some(t), v) => number_form(t, v, forms),
            (None, v) => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    J::Object(out)
}

/// One number of type `ty` in the form the next byte chooses; other values unchanged.
fn number_form(ty: Type, v: &J, forms: &mut impl Iterator<Item = u8>) -> J {
    let Some(n) = v.as_u64() else {
        return v.clone();
    };
    let unit = match ty {
        Type::Amount => "元",
        Type::Int => "张",
        _ => return v.clone(),
    };
    let digits = n.to_string();
    let text = match forms.next().unwrap_or(0) % 7 {
        0 => return v.clone(),
        1 => digits,
        2 => format!("{digits}{unit}"),
        3 => grouped(&digits),
        4 => digits
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        5 if n < 100_000_000 => format!("{}{unit}", chinese_numeral(n)),
        _ if ty == Type::Amount && n % 10_000 == 0 && n > 0 => format!("{}万元", n / 10_000),
        _ => digits,
    };
    J::String(text)
}

/// `1234567` as `1,234,567`.
fn grouped(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number below 10^8 as Chinese numerals: `1050000` as `一百零五万`.
fn chinese_numeral(n: u64) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    fn section(n: u64, out: &mut String) {
        // n < 10000; zeros between digits are written once.
        let units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")];
        let mut zero = false;
        let mut started = false;
        for (u, name) in units {
            let d = (n / u) % 10;
            if d == 0 {
                zero = started;
                continue;
            }
            if zero {
                out.push('零');
                zero = false;
            }
            out.push(DIGITS.get(d as usize).copied().unwrap_or('零'));
            out.push_str(name);
            started = true;
        }
    }
    if n == 0 {
        return "零".into();
    }
    let mut out = String::new();
    let (high, low) = (n / 10_000, n % 10_000);
    if high > 0 {
        section(high, &mut out);
        out.push('万');
        if low > 0 && low < 1000 {
            out.push('零');
        }
    }
    if low > 0 {
        section(low, &mut out);
    }
    out
}

/// Evaluates and renders one case in every format, open or closed world; gives the JSON
/// output.
fn run_all(rules: &Rules, case: &Case, closed_world: bool) -> Result<String, String> {
    let options = Options {
        closed_world,
        needs: true,
        explain: true,
    };
    let mut case = case.clone();
    case.id = Some(if closed_world { "closed" } else { "open" }.to_string());
    let evaluated = rules.evaluate(&case, options);
    let _ = render(&evaluated.outcome.errors, &rules.program().sources);
    let report = report::build(&evaluated);
    let _ = report::to_text(&report);
    let _ = report::to_markdown(&report);
    for c in 0..rules.program().conclusions.len() {
        let _ = report::explain(&evaluated, c);
    }
    serde_json::to_string(&report::to_json(&report)).map_err(|e| e.to_string())
}

/// Writes a JSON case (as [`CaseGen`] makes them: scalars, arrays of words, arrays of flat
/// objects) as a TOML document.
pub fn to_toml(case: &J) -> Result<String, String> {
    let J::Object(map) = case else {
        return Err("a case is an object".into());
    };
    let mut table = toml::Table::new();
    for (k, v) in map {
        table.insert(k.clone(), toml_value(v)?);
    }
    toml::to_string(&table).map_err(|e| e.to_string())
}

fn toml_value(v: &J) -> Result<toml::Value, String> {
    Ok(match v {
        J::Null => return Err("TOML has no null".into()),
        J::Bool(b) => toml::Value::Boolean(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::String(n.to_string()),
        },
        J::String(s) => match toml_date(s) {
            Some(d) => toml::Value::Datetime(d),
            None => toml::Value::String(s.clone()),
        },
        J::Array(items) => {
            toml::Value::Array(items.iter().map(toml_value).collect::<Result<_, _>>()?)
        }
        J::Object(o) => {
            let mut t = toml::Table::new();
            for (k, v) in o {
                t.insert(k.clone(), toml_value(v)?);
            }
            toml::Value::Table(t)
        }
    })
}

/// A `YYYY-MM-DD` string as a TOML local date (TOML dates have four-digit years).
fn toml_date(s: &str) -> Option<toml::value::Datetime> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && s.chars().filter(char::is_ascii_digit).count() == 8;
    if !shaped || chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err() {
        return None;
    }
    s.parse().ok()
}

/// Puts the case's dates in the order a valid case has them (born, then the conduct, then the
/// judgment): the reader refuses a case whose dates contradict each other.
fn order_dates(map: &mut Map<String, J>) {
    let keys = ["出生日期", "行为日期", "裁判日期"];
    let mut present: Vec<&str> = keys.into_iter().filter(|k| map.contains_key(*k)).collect();
    let mut dates: Vec<J> = present
        .iter()
        .filter_map(|k| map.get(*k).cloned())
        .collect();
    // ISO dates sort as text.
    dates.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    for (k, d) in present.drain(..).zip(dates) {
        map.insert(k.to_string(), d);
    }
}

/// Turns bytes into a valid case of a program, as JSON: every key a declared fact, every value
/// of its declared type. Bytes past the end read as zero, so every input gives a case.
#[derive(Debug, Clone)]
pub struct CaseGen<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> CaseGen<'a> {
    /// A generator over these bytes.
    pub fn new(data: &'a [u8]) -> CaseGen<'a> {
        CaseGen { data, at: 0 }
    }

    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn u64(&mut self) -> u64 {
        (0..8).fold(0u64, |acc, _| (acc << 8) | u64::from(self.byte()))
    }

    /// The whole case: each fact present or absent as the bytes say.
    pub fn case(&mut self, program: &Program) -> J {
        let mut map = Map::new();
        if self.byte() % 4 == 0 {
            map.insert("案件".into(), J::String(format!("生成-{}", self.byte())));
        }
        // Sparse cases (two facts in five given) exercise 待定; dense ones (up to every fact)
        // reach the conclusions that need many facts at once, such as 构成帮信罪.
        let given = 2 + self.byte() % 4;
        for fact in &program.facts {
            if self.byte() % 5 < given {
                map.insert(fact.name.clone(), self.value(program, fact.ty));
            }
        }
        order_dates(&mut map);
        J::Object(map)
    }

    /// A value of a declared type, as a case file writes it.
    pub fn value(&mut self, program: &Program, ty: Type) -> J {
        match ty {
            Type::Bool => J::Bool(self.byte() % 2 == 1),
            Type::Int => J::from(self.count()),
            Type::Amount | Type::Times | Type::Number => self.amount(),
            Type::Date => J::String(self.date()),
            Type::Period => {
                let n = self.byte() % 40;
                let unit = ["年", "个月", "日"][usize::from(self.byte() % 3)];
                J::String(format!("{n}{unit}"))
            }
            Type::Text => J::String(format!("文字{}", self.byte())),
            Type::Enum(e) => {
                let words = program.words(e);
                match words.len() {
                    0 => J::Null,
                    n => J::String(
                        words
                            .get(usize::from(self.byte()) % n)
                            .cloned()
                            .unwrap_or_default(),
                    ),
                }
            }
            Type::Words(e) => {
                let words = program.words(e);
                let mask = self.u64();
                J::Array(
                    words
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask & (1u64 << (i % 64)) != 0)
                        .map(|(_, w)| J::String(w.clone()))
                        .collect(),
                )
            }
            Type::List(r) => {
                let fields = program
                    .records
                    .get(r)
                    .map(|d| d.fields.clone())
                    .unwrap_or_default();
                let len = match self.byte() {
                    b @ 0..=239 => usize::from(b % 6),
                    b => usize::from(b - 230) * 10,
                };
                let mut items = Vec::with_capacity(len);
                for _ in 0..len {
                    let mut rec = Map::new();
                    for (name, ty) in &fields {
                        if self.byte() % 8 != 0 {
                            rec.insert(name.clone(), self.value(program, *ty));
                        }
                    }
                    items.push(J::Object(rec));
                }
                J::Array(items)
            }
            Type::Cites | Type::Texts | Type::Any => J::Null,
        }
    }

    /// A count: mostly small, near the thresholds of the Opinion, sometimes huge.
    fn count(&mut self) -> i64 {
        match self.byte() % 8 {
            0..=4 => i64::from(self.byte() % 25),
            5 => [0, 1, 2, 3, 4, 5, 9, 10, 19, 20, 49, 50][usize::from(self.byte() % 12)],
            6 => i64::from(self.byte()) * 100 + i64::from(self.byte()),
            _ => i64::try_from(self.u64() >> 1).unwrap_or(i64::MAX),
        }
    }

    /// An amount in one of the forms a case file may use.
    fn amount(&mut self) -> J {
        let form = self.byte() % 10;
        let base = match self.byte() % 6 {
            0 => u64::from(self.byte()),
            1 => u64::from(self.byte()) * 10_000,
            2 => [
                0u64, 1, 10_000, 20_000, 100_000, 200_000, 300_000, 500_000, 1_000_000,
            ][usize::from(self.byte() % 9)],
            3 => u64::from(self.byte()) * 100_000 + u64::from(self.byte()),
            4 => self.u64() >> 8,
            _ => self.u64(),
        };
        match form {
            0..=4 => match i64::try_from(base) {
                Ok(i) => J::from(i),
                Err(_) => J::String(base.to_string()),
            },
            5 | 6 => J::String(format!("{base}.{:02}", self.byte() % 100)),
            7 => J::String(format!("{}万元", base % 100_000)),
            8 => J::String(format!("{}.{}万", base % 1000, self.byte() % 10)),
            _ => J::String("79228162514264337593543950335".into()),
        }
    }

    /// A real calendar date: mostly near the Opinion's time, sometimes at the ends of the
    /// range a case may give (1900 to 2100).
    fn date(&mut self) -> String {
        use chrono::{Days, NaiveDate};
        let base = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default();
        let d = match self.byte() % 10 {
            0..=7 => {
                let days = u64::from(self.byte()) * 64 + u64::from(self.byte());
                base.checked_add_days(Days::new(days)).unwrap_or(base)
            }
            8 => NaiveDate::from_ymd_opt(
                [1900, 1901, 2024, 2008, 2100][usize::from(self.byte() % 5)],
                [1, 2, 12][usize::from(self.byte() % 3)],
                [1, 28, 29][usize::from(self.byte() % 3)],
            )
            .unwrap_or(base),
            _ => [
                NaiveDate::from_ymd_opt(1900, 1, 1),
                NaiveDate::from_ymd_opt(2100, 12, 31),
                NaiveDate::from_ymd_opt(2024, 2, 29),
                NaiveDate::from_ymd_opt(2025, 7, 22),
            ][usize::from(self.byte() % 4)]
            .unwrap_or(base),
        };
        d.format("%Y-%m-%d").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    type Target = fn(&[u8]) -> Result<(), String>;

    /// Every seed of every fuzz target runs through its target (so CI compiles the target logic
    /// and keeps the seeds meaningful).
    #[test]
    fn seed_corpus_runs_clean() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
        let targets: [(&str, Target); 5] = [
            ("rule_text", rule_text),
            ("case_text", case_text),
            ("structured_case", structured_case),
            ("fmt", fmt),
            ("case_reader", case_reader),
        ];
        let mut ran = 0;
        let mut failures = Vec::new();
        for (name, target) in targets {
            let Ok(entries) = std::fs::read_dir(root.join(name)) else {
                failures.push(format!("no seed folder for {name}"));
                continue;
            };
            for entry in entries.flatten() {
                let bytes = std::fs::read(entry.path()).unwrap_or_default();
                if let Err(e) = target(&bytes) {
                    failures.push(format!("{name} {}: {e}", entry.path().display()));
                }
                ran += 1;
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
        assert!(ran > 0, "no seed found under {}", root.display());
    }

    #[test]
    fn generated_cases_are_valid() {
        let failures: Vec<String> = (0u32..200)
            .filter_map(|seed| {
                let bytes: Vec<u8> = (0..400u32)
                    .map(|i| {
                        (i.wrapping_mul(2_654_435_761)
                            .wrapping_add(seed.wrapping_mul(40_503))
                            >> 13) as u8
                    })
                    .collect();
                structured_case(&bytes)
                    .err()
                    .map(|e| format!("seed {seed}: {e}"))
            })
            .collect();
        assert!(failures.is_empty(), "{failures:#?}");
    }
}
