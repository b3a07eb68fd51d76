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
    let written = cases(rules.program(), args.count, args.seed)
        .try_for_each(|line| writeln!(out, "{line}"))
        .and_then(|()| out.flush());
    match written {
        Ok(()) if super::out::stdout_was_closed() => {
            super::out::report(&io::Error::other("已被关闭"), BAD_INPUT)
        }
        Ok(()) => OK,
        Err(e) => super::out::report(&e, BAD_INPUT),
    }
}
