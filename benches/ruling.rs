//! Benchmarks of the pipeline (targets in README, "性能 / Performance"):
//!
//! - `parse_check`: the whole shipped rule set, text → checked program;
//! - `evaluate`: one compiled evaluation of a case (facts already typed), as `batch` runs it and
//!   as `eval` runs it (with the `needs` analysis);
//! - `batch`: `ruling batch`'s streaming over generated JSON lines, on one and on two threads,
//!   next to `floor`: plain `serde_json` parsing of the same lines into a map, the least any
//!   JSON-lines tool must spend.
//!
//! `RULING_BENCH_CASES` sets the number of generated lines (default 100 000).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ruling::batch::Batch;
use ruling::case::{Case, CaseFormat};
use ruling::generate::cases;
use ruling::rules::{Options, Rules};
use ruling::ruleset;
use std::hint::black_box;
use std::time::Duration;

fn shipped() -> Result<Rules, String> {
    Rules::builtin().map_err(|e| format!("the shipped rules do not check:\n{}", e.message()))
}

fn case_count() -> u64 {
    std::env::var("RULING_BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000)
}

fn parse_check(c: &mut Criterion) {
    let rules = ruleset::embedded();
    c.bench_function("parse_check/shipped_rules", |b| {
        b.iter(|| black_box(Rules::from_set(black_box(rules.clone())).is_ok()))
    });
}

fn evaluate_one(c: &mut Criterion) {
    let Ok(rules) = shipped() else { return };
    let text = include_str!("../examples/学生出租银行卡.toml");
    let Ok(case) = rules.read_case(text, CaseFormat::Toml) else {
        return;
    };
    let mut group = c.benchmark_group("evaluate");
    group.bench_function("example_case", |b| {
        let mut out = rules.evaluate(&Case::default(), Options::default());
        b.iter(|| rules.evaluate_into(black_box(&case), Options::default(), &mut out))
    });
    group.bench_function("example_case_with_needs", |b| {
        let options = Options {
            closed_world: false,
            needs: true,
            explain: false,
        };
        b.iter(|| rules.evaluate(black_box(&case), options))
    });
    // The mean over a thousand generated cases (typed beforehand), each in the world its file
    // asks for.
    let generated: Vec<Case> = cases(rules.program(), 1000, 11)
        .filter_map(|l| rules.read_case(&l, CaseFormat::Json).ok())
        .collect();
    group.throughput(Throughput::Elements(generated.len() as u64));
    group.bench_function("generated_1000", |b| {
        let mut out = rules.evaluate(&Case::default(), Options::default());
        b.iter(|| {
            for case in &generated {
                rules.evaluate_into(black_box(case), Options::default(), &mut out);
            }
        })
    });
    group.finish();
}

fn batch(c: &mut Criterion) {
    let Ok(rules) = shipped() else { return };
    let n = case_count();
    let mut input = String::new();
    for line in cases(rules.program(), n, 42) {
        input.push_str(&line);
        input.push('\n');
    }
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(n));
    // The floor: serde_json into a map, from bytes as a file gives them (UTF-8 checked
    // inside strings, as batch does), and from lines already checked as UTF-8 `str`.
    group.bench_function(format!("floor_serde_json_map_from_slice/{n}"), |b| {
        b.iter(|| {
            for line in input.as_bytes().split(|c| *c == b'\n') {
                let v: Result<serde_json::Map<String, serde_json::Value>, _> =
                    serde_json::from_slice(line);
                black_box(v.ok());
            }
        })
    });
    group.bench_function(format!("floor_serde_json_map_from_str/{n}"), |b| {
        b.iter(|| {
            for line in input.lines() {
                let v: Result<serde_json::Map<String, serde_json::Value>, _> =
                    serde_json::from_str(line);
                black_box(v.ok());
            }
        })
    });
    let batch = Batch::new(&rules, false);
    for jobs in [1, 2] {
        let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(jobs).build() else {
            return;
        };
        let mut output: Vec<u8> = Vec::with_capacity(input.len() * 2);
        group.bench_function(format!("stream/{n}/jobs{jobs}"), |b| {
            b.iter(|| {
                output.clear();
                let mut reader = input.as_bytes();
                pool.install(|| batch.stream(&mut reader, &mut output, &|_, _| {}))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse_check, evaluate_one, batch);
criterion_main!(benches);
