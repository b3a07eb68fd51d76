//! `ruling batch`: arguments, files and the progress bar around the batch engine
//! ([`ruling::batch`]).

use super::{load_rules, BAD_INPUT, OK};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ruling::batch::Batch;
use ruling::rules::RulesSpec;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

pub(super) const AFTER: &str = "示例：\n  ruling batch 案件.jsonl > 结果.jsonl\n  ruling generate --count 1000 | ruling batch - --jobs 2\n  ruling batch 案件.jsonl --closed-world --output 结果.jsonl\n\n\
每行输出 {\"line\": 行号, \"case\": 案件, \"conclusions\": {结论: 值}}；\n有误的行输出 {\"line\": 行号, \"error\": \"…\"}，其余各行照常处理；空行跳过。\n\n退出码：0 完成（含有误的行），2 无法打开输入或写入输出";

/// `ruling batch`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 输入文件（JSON Lines，每行一个案件）；- 表示标准输入
    #[arg(value_name = "案件.jsonl")]
    input: PathBuf,
    /// 未填写的事实按封闭世界处理
    #[arg(long)]
    closed_world: bool,
    /// 工作线程数（默认：处理器核心数）
    #[arg(long, value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// 输出文件（默认：标准输出）
    #[arg(long, value_name = "文件")]
    output: Option<PathBuf>,
}

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    let rules = match load_rules(spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    eprintln!(
        "规则集 {}（指纹 {}）",
        rules.set().origin,
        rules.set().fingerprint
    );
    let (input, size): (Box<dyn Read + Send>, Option<u64>) =
        if args.input.as_path() == Path::new("-") {
            (Box::new(io::stdin()), None)
        } else {
            match File::open(&args.input) {
                Ok(f) => {
                    let size = f.metadata().ok().map(|m| m.len());
                    (Box::new(f), size)
                }
                Err(e) => {
                    eprintln!("无法打开输入文件“{}”：{e}", args.input.display());
                    return BAD_INPUT;
                }
            }
        };
    let output: Box<dyn Write + Send> = match args.output.as_deref() {
        Some(path) => match File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("无法写入输出文件“{}”：{e}", path.display());
                return BAD_INPUT;
            }
        },
        None => Box::new(io::stdout()),
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs)
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("无法启动工作线程：{e}");
            return BAD_INPUT;
        }
    };
    let batch = Batch::new(&rules, args.closed_world);
    let progress = progress_bar(size);
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut writer = BufWriter::with_capacity(1 << 20, output);
    let report = |bytes: u64, cases: u64| {
        progress.inc(bytes);
        progress.set_message(format!("已处理 {cases} 个案件"));
    };
    let result = pool.install(|| batch.stream(&mut reader, &mut writer, &report));
    let result = result.and_then(|()| writer.flush());
    progress.finish_and_clear();
    match result {
        Ok(()) => OK,
        // A reader that stops early (`| head`) is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => OK,
        Err(e) => {
            eprintln!("批量处理中断：{e}");
            BAD_INPUT
        }
    }
}

/// A progress bar on standard error when it is a terminal; hidden otherwise.
fn progress_bar(size: Option<u64>) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match size {
        Some(total) => ProgressBar::new(total).with_style(
            ProgressStyle::with_template("{wide_bar} {bytes}/{total_bytes} {msg} 约剩 {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {bytes} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
    bar
}
