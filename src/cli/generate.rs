//! `ruling generate` (hidden): deterministic test cases as JSON lines, for benchmarks and load
//! tests of `ruling batch`. See [`crate::generate`].

use super::{load_rules, BAD_INPUT, OK};
use crate::generate::cases;
use std::io::{self, BufWriter, Write};

pub(super) fn run(rules_dir: Option<&std::path::Path>, count: u64, seed: u64) -> i32 {
    let (_, program) = match load_rules(rules_dir) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut out = BufWriter::new(io::stdout().lock());
    for line in cases(&program, count, seed) {
        if let Err(e) = writeln!(out, "{line}") {
            return if e.kind() == io::ErrorKind::BrokenPipe {
                OK
            } else {
                eprintln!("写入失败：{e}");
                BAD_INPUT
            };
        }
    }
    match out.flush() {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("写入失败：{e}");
            BAD_INPUT
        }
        _ => OK,
    }
}
