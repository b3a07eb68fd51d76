//! Deterministic case generator for benchmarks and load tests: a rule set's fact declarations →
//! plausible cases as JSON lines (the input of `ruling batch`).
//!
//! The facts, their types and their words come from the compiled [`Program`], so the cases stay
//! valid when the rule files change; a few facts the shipped rules declare (docs/案件文件填写说明.md) get values
//! shaped like real files (birth dates around the 16th and 18th birthdays, account inflows
//! around the 30万元 threshold, earlier penalties within a few years of the conduct, amounts
//! written in every accepted form). About one fact in ten is left out, so that open-world
//! evaluation and `needs` are exercised too. The same seed always gives the same cases.

use crate::program::{Program, Type};
use chrono::{Days, NaiveDate};
use serde_json::{Map, Value as J};

/// A small xorshift64* generator: deterministic, dependency-free and plenty for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for a seed (any seed, 0 included).
    pub fn new(seed: u64) -> Rng {
        // splitmix64 of the seed, so that nearby seeds give unrelated streams and 0 is allowed.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.below(len as u64)).unwrap_or(0)
    }
}

/// The cases of one generation: `count` JSON objects, one per line, from `seed`.
pub struct Cases<'p> {
    program: &'p Program,
    rng: Rng,
    next: u64,
    count: u64,
}

/// Generates `count` cases for the program's facts from `seed`.
pub fn cases(program: &Program, count: u64, seed: u64) -> Cases<'_> {
    Cases {
        program,
        rng: Rng::new(seed),
        next: 0,
        count,
    }
}

impl Iterator for Cases<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.next >= self.count {
            return None;
        }
        self.next += 1;
        let case = one_case(self.program, &mut self.rng, self.next);
        Some(J::Object(case).to_string())
    }
}

/// One case as a JSON object.
pub fn one_case(program: &Program, rng: &mut Rng, number: u64) -> Map<String, J> {
    let mut out = Map::new();
    out.insert("案件".into(), J::String(format!("生成-{number:07}")));
    // The conduct date anchors the others: birth dates and earlier penalties are drawn
    // relative to it, as they would be in a real file.
    let conduct = day(2024, 1, 1).checked_add_days(Days::new(rng.below(1096)));
    if rng.chance(3) {
        out.insert("封闭世界".into(), J::Bool(true));
    }
    for fact in &program.facts {
        if rng.chance(10) {
            continue;
        }
        let value = match (fact.name.as_str(), fact.ty) {
            ("行为日期", _) => conduct.map_or(J::Null, date),
            ("出生日期", _) => birth_date(rng, conduct),
            // Judged after the conduct: a case judged before it is refused as contradictory.
            ("裁判日期", _) => conduct
                .and_then(|d| d.checked_add_days(Days::new(rng.below(730))))
                .map_or(J::Null, date),
            ("提供帮助", _) => J::Bool(rng.chance(85)),
            ("综合认定明知", _) => J::Bool(rng.chance(50)),
            ("电话卡数", _) => J::from(skewed(rng, 60)),
            ("被帮助对象数", _) => J::from(skewed(rng, 8)),
            (_, ty) => value_of(program, rng, ty, conduct, &fact.name),
        };
        out.insert(fact.name.clone(), value);
    }
    out
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn date(d: NaiveDate) -> J {
    J::String(d.format("%Y-%m-%d").to_string())
}

/// Mostly adults, with a fair share within a few days of the 16th and 18th birthdays.
fn birth_date(rng: &mut Rng, conduct: Option<NaiveDate>) -> J {
    let Some(on) = conduct else {
        return J::Null;
    };
    let years = match rng.below(10) {
        0 => 16,
        1 => 18,
        2..=3 => 17 + rng.below(2),
        _ => 19 + rng.below(40),
    };
    let Some(birthday) = on.checked_sub_months(chrono::Months::new(12 * years as u32)) else {
        return J::Null;
    };
    let shifted = if rng.chance(50) {
        birthday.checked_add_days(Days::new(rng.below(4)))
    } else {
        birthday.checked_sub_days(Days::new(rng.below(200)))
    };
    shifted.map_or(J::Null, date)
}

/// Small numbers are common, large ones rare: 0..max with a long tail.
fn skewed(rng: &mut Rng, max: u64) -> u64 {
    let a = rng.below(max + 1);
    let b = rng.below(max + 1);
    a.min(b)
}

/// An amount in yuan around the thresholds (5万, 20万, 30万), written in any accepted form.
fn amount(rng: &mut Rng, scale: u64) -> J {
    let yuan = skewed(rng, scale);
    let fen = rng.below(100);
    match rng.below(5) {
        0 => J::from(yuan),
        1 => J::String(format!("{yuan}.{fen:02}")),
        2 => J::String(format!("{}万元", yuan / 10_000)),
        3 => J::String(format!("{}.{}万", yuan / 10_000, (yuan / 1_000) % 10)),
        _ => J::from(yuan),
    }
}

fn value_of(
    program: &Program,
    rng: &mut Rng,
    ty: Type,
    conduct: Option<NaiveDate>,
    name: &str,
) -> J {
    match ty {
        Type::Bool => J::Bool(rng.chance(20)),
        Type::Int | Type::Number => J::from(skewed(rng, 10)),
        Type::Amount | Type::Times => {
            let scale = if name.contains("支付结算") {
                500_000
            } else {
                50_000
            };
            amount(rng, scale)
        }
        Type::Date => {
            let back = rng.below(365 * 6);
            conduct
                .and_then(|d| d.checked_sub_days(Days::new(back)))
                .map_or(J::Null, date)
        }
        Type::Period => J::String(format!("{}年", 1 + rng.below(5))),
        Type::Text => J::String(format!("文字{}", rng.below(1000))),
        Type::Enum(e) => {
            let words = program.words(e);
            words
                .get(rng.index(words.len()))
                .map_or(J::Null, |w| J::String(w.clone()))
        }
        Type::Words(e) => {
            let words = program.words(e);
            let picked = words
                .iter()
                .filter(|_| rng.chance(8))
                .map(|w| J::String(w.clone()))
                .collect();
            J::Array(picked)
        }
        Type::List(r) => {
            let Some(def) = program.records.get(r) else {
                return J::Array(Vec::new());
            };
            let len = skewed(rng, if def.fields.len() > 3 { 6 } else { 3 });
            let items = (0..len)
                .map(|_| {
                    let mut o = Map::new();
                    for (field, t) in &def.fields {
                        let v = match t {
                            Type::Amount => amount(rng, 150_000),
                            Type::Date => {
                                // Earlier penalties: within about six years before the conduct,
                                // so that the 二年/五年 windows both hit and miss.
                                let back = rng.below(365 * 6);
                                conduct
                                    .and_then(|d| d.checked_sub_days(Days::new(back)))
                                    .map_or(J::Null, date)
                            }
                            _ => value_of(program, rng, *t, conduct, field),
                        };
                        o.insert(field.clone(), v);
                    }
                    J::Object(o)
                })
                .collect();
            J::Array(items)
        }
        Type::Cites | Type::Texts | Type::Any => J::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_cases() {
        let Ok(rules) = crate::rules::Rules::builtin() else {
            unreachable!("the shipped rules compile")
        };
        let program = rules.program();
        let a: Vec<String> = cases(program, 50, 7).collect();
        let b: Vec<String> = cases(program, 50, 7).collect();
        let c: Vec<String> = cases(program, 50, 8).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn generated_cases_are_valid() {
        let Ok(rules) = crate::rules::Rules::builtin() else {
            unreachable!("the shipped rules compile")
        };
        let program = rules.program();
        for line in cases(program, 2000, 1) {
            let parsed = crate::case::parse_case(program, &line, crate::case::CaseFormat::Json);
            assert!(parsed.is_ok(), "{line}: {parsed:?}");
        }
    }
}
