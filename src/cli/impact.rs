//! `ruling impact`: arguments and output of the impact comparison ([`ruling::impact`]).

use super::out::Out;
use super::{files_with, load_rules, Format, BAD_INPUT, OK};
use ruling::impact::Impact;
use ruling::rules::RulesSpec;
use std::path::PathBuf;

pub(super) const AFTER: &str = "示例：\n  ruling impact --base 原规则/ --rules rules/ tests/cases\n  ruling impact --base rules --amend 修订/ tests/cases\n  ruling impact --base 原规则/ 案件.jsonl --format markdown > 影响.md\n\n\
案件可以是 .toml、.json 文件，存放它们的目录（含子目录），或每行一个 JSON 案件的 .jsonl 文件。\n\
新规则集是 --rules 指定的目录（默认 ./rules）加上 --amend 指定的修订目录。\n\
逐件列出结论有变化的案件：每个结论的原值 → 新值，以及成立情况有变化的规则；结论不变的案件不列出。\n\n\
退出码：0 成功，1 规则集有错误，2 有案件文件有误（其余案件照常报告）或写入失败，141 读取输出的程序提前关闭";

/// `ruling impact`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 原规则集的目录
    #[arg(long, value_name = "目录")]
    base: PathBuf,
    /// 案件文件或目录
    #[arg(required = true, value_name = "案件")]
    cases: Vec<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// 未填写的事实按封闭世界处理
    #[arg(long)]
    closed_world: bool,
}

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    let base = RulesSpec {
        dir: Some(args.base.clone()),
        overlays: Vec::new(),
    };
    let old = match load_rules(&base) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let new = match load_rules(spec) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let files = files_with(&args.cases, &["toml", "json", "jsonl"]);
    if files.is_empty() {
        eprintln!("错误：没有找到案件文件\n提示：请给出 .toml、.json、.jsonl 文件或存放它们的目录");
        return BAD_INPUT;
    }
    let impact = Impact::compare(&old, &new, &files, args.closed_world);
    for (label, messages) in &impact.bad {
        eprintln!("案件文件有误：{label}");
        for m in messages {
            eprintln!("    {m}");
        }
    }
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&impact.to_json()).unwrap_or_default() + "\n",
        Format::Markdown => impact.to_markdown(),
        Format::Text => impact.to_text(),
    };
    let code = if impact.bad.is_empty() { OK } else { BAD_INPUT };
    let mut stdout = Out::new();
    stdout.put(&out);
    stdout.finish(code, BAD_INPUT)
}
