//! `ruling template`: a case file to fill in, every fact listed and commented out.

use super::{load_rules, OK};
use ruling::catalog;
use ruling::rules::RulesSpec;

pub(super) const AFTER: &str =
    "示例：\n  ruling template > 案件.toml\n  ruling template --format json > 案件.json\n\n\
TOML 模板中每项事实都以 # 注释，附类型、可填的词、含义和条文；删去行首的“# ”并改写示例值即可。\n\
原样不改也是有效的案件文件（全部事实未知）。JSON 没有注释，模板中每项事实的值为 null（未知），\n\
各键的说明见 ruling facts。\n\n退出码：0 成功；1 规则集有错误";

/// Output formats of `template`.
#[derive(Debug, Clone, Copy, clap::ValueEnum, Default)]
pub(super) enum TemplateFormat {
    /// 带注释的 TOML 案件文件
    #[default]
    Toml,
    /// JSON 案件文件，每项事实为 null
    Json,
}

/// `ruling template`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 输出格式
    #[arg(long, value_enum, default_value_t = TemplateFormat::Toml)]
    format: TemplateFormat,
}

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    let rules = match load_rules(spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let entries = catalog::facts(rules.program());
    match args.format {
        TemplateFormat::Toml => print!("{}", catalog::template_toml(&entries)),
        TemplateFormat::Json => print!("{}", catalog::template_json(&entries)),
    }
    OK
}
