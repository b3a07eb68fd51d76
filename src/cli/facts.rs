//! `ruling facts`: every fact a case file may hold, from the rule set in use.

use super::{load_rules, OK};
use ruling::catalog;
use ruling::rules::RulesSpec;

pub(super) const AFTER: &str = "示例：\n  ruling facts\n  ruling facts --format json\n  \
ruling facts --format markdown > 案件文件填写说明.md\n\n\
列出的是当前规则集（--rules 或 ./rules，否则为内置规则）中声明的事实；规则修改后随之变化。\n\n\
退出码：0 成功；1 规则集有错误";

/// Output formats of `facts`.
#[derive(Debug, Clone, Copy, clap::ValueEnum, Default)]
pub(super) enum FactsFormat {
    /// 按条文分组的中文列表
    #[default]
    Text,
    /// JSON 数组，每项事实一个对象
    Json,
    /// 完整的案件文件填写说明（Markdown）
    Markdown,
}

/// `ruling facts`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 输出格式
    #[arg(long, value_enum, default_value_t = FactsFormat::Text)]
    format: FactsFormat,
}

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    let rules = match load_rules(spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let entries = catalog::facts(rules.program());
    match args.format {
        FactsFormat::Text => print!("{}", catalog::to_text(&entries)),
        FactsFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&catalog::to_json(&entries)).unwrap_or_default()
        ),
        FactsFormat::Markdown => print!("{}", catalog::guide_markdown(rules.program(), &entries)),
    }
    OK
}
