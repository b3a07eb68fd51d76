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
use ruling::case::{close_world, parse_case};
use ruling::cli::batch::Batch;
use ruling::eval::{evaluate, evaluate_into, Options, Outcome};
use ruling::generate::cases;
use ruling::program::Program;
use ruling::ruleset;
use std::hint::black_box;
use std::time::Duration;

fn shipped() -> Result<Program, String> {
    let rules = ruleset::embedded();
    ruleset::compile(&rules)
        .0
        .ok_or_else(|| "the shipped rules do not compile".to_string())
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
        b.iter(|| black_box(ruleset::compile(black_box(&rules))))
    });
}

fn evaluate_one(c: &mut Criterion) {
    let Ok(program) = shipped() else { return };
    let text = include_str!("../examples/学生出租银行卡.toml");
    let Ok(case) = parse_case(&program, text, true) else {
        return;
    };
    let facts = case.facts;
    let mut group = c.benchmark_group("evaluate");
    group.bench_function("example_case", |b| {
        let mut out = Outcome::default();
        b.iter(|| evaluate_into(&program, black_box(&facts), Options::default(), &mut out))
    });
    group.bench_function("example_case_with_needs", |b| {
        b.iter(|| evaluate(&program, black_box(&facts), Options { needs: true }))
    });
    // The mean over a thousand generated cases (typed beforehand), open and closed world.
    let generated: Vec<Vec<ruling::program::value::Value>> = cases(&program, 1000, 11)
        .filter_map(|l| parse_case(&program, &l, false).ok())
        .map(|c| {
            let mut f = c.facts;
            if c.closed_world {
                close_world(&program, &mut f);
            }
            f
        })
        .collect();
    group.throughput(Throughput::Elements(generated.len() as u64));
    group.bench_function("generated_1000", |b| {
        let mut out = Outcome::default();
        b.iter(|| {
            for facts in &generated {
                evaluate_into(&program, black_box(facts), Options::default(), &mut out);
            }
        })
    });
    group.finish();
}

fn batch(c: &mut Criterion) {
    let Ok(program) = shipped() else { return };
    let n = case_count();
    let mut input = String::new();
    for line in cases(&program, n, 42) {
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
    let batch = Batch::new(&program, false);
    for jobs in [1, 2] {
        let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(jobs).build() else {
            return;
        };
        let mut output: Vec<u8> = Vec::with_capacity(input.len() * 2);
        group.bench_function(format!("stream/{n}/jobs{jobs}"), |b| {
            b.iter(|| {
                output.clear();
                let mut reader = input.as_bytes();
                let hidden = indicatif::ProgressBar::hidden();
                pool.install(|| batch.stream(&mut reader, &mut output, &hidden))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse_check, evaluate_one, batch);
criterion_main!(benches);
