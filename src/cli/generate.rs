//! `ruling generate` (hidden): deterministic test cases as JSON lines, for benchmarks and load
//! tests of `ruling batch`. See [`ruling::generate`].

use super::{load_rules, BAD_INPUT, OK};
use ruling::generate::cases;
use ruling::rules::RulesSpec;
use std::io::{self, BufWriter, Write};

/// `ruling generate`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 案件数
    #[arg(long, default_value_t = 1000)]
    count: u64,
    /// 随机种子：相同的种子生成相同的案件
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    let rules = match load_rules(spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut out = BufWriter::new(io::stdout().lock());
    for line in cases(rules.program(), args.count, args.seed) {
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
