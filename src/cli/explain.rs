//! `ruling explain`: the derivation tree of one conclusion.

use super::input::read_case;
use super::out::Out;
use super::{load_rules, print_plain, Format, BAD_INPUT, OK};
use ruling::diag::{did_you_mean, Code, Diagnostic};
use ruling::report;
use ruling::rules::{Options, RulesSpec};
use std::path::PathBuf;

pub(super) const AFTER: &str = "示例：\n  ruling explain examples/学生出租银行卡.toml 情节严重\n  \
ruling explain examples/学生出租银行卡.toml 构成帮信罪 --format markdown > 推导.md\n  \
cat 案件.toml | ruling explain - 明知\n\n\
退出码：0 成功；1 规则集有错误（先用 ruling check 查看）；2 案件文件或结论名称有误或写入失败；141 读取输出的程序提前关闭";

/// `ruling explain`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 案件文件（.toml 或 .json）；写 - 从标准输入读取
    #[arg(value_name = "案件文件")]
    case: PathBuf,
    /// 结论名称，如 情节严重
    #[arg(value_name = "结论")]
    conclusion: String,
    /// 未填写的事实按封闭世界处理
    #[arg(long)]
    closed_world: bool,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    let rules = match load_rules(spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = rules.program();
    let conclusion = args.conclusion.as_str();
    let Some(&c) = program.conclusion_index.get(conclusion) else {
        let names = program.conclusions.iter().map(|c| c.name.as_str());
        let help = match did_you_mean(conclusion, names) {
            Some(s) => format!("是否应为“{s}”？"),
            None => format!(
                "可选的结论：{}",
                program
                    .conclusions
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        };
        print_plain(&[Diagnostic::general(
            Code::Undeclared,
            format!("没有名为“{conclusion}”的结论"),
        )
        .with_help(help)]);
        return BAD_INPUT;
    };
    let case = match read_case(program, &args.case) {
        Ok(c) => c,
        Err(e) => {
            eprint!("{}", e.render());
            return BAD_INPUT;
        }
    };
    let options = Options {
        closed_world: args.closed_world,
        needs: true,
        explain: true,
    };
    let evaluated = rules.evaluate(&case, options);
    let id = case.id.as_deref().unwrap_or("（未编号）");
    let set = rules.set();
    let mut out = Out::new();
    match args.format {
        Format::Text => {
            out.line(&format!("案件：{}", report::escape_text(id)));
            out.line(&format!(
                "规则集：{}（指纹 {}）",
                report::escape_text(&set.origin),
                set.fingerprint
            ));
            out.line("");
            out.put(&report::explain(&evaluated, c));
        }
        Format::Json => {
            let doc = serde_json::json!({
                "rules": {"source": set.origin, "fingerprint": set.fingerprint},
                "case": case.id,
                "explain": report::tree::explain_json(&evaluated, c),
            });
            out.line(&serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Markdown => {
            let tree = report::tree::explain_json(&evaluated, c);
            let origin = format!("{}（指纹 {}）", set.origin, set.fingerprint);
            out.put(&report::tree::explain_markdown(&tree, id, &origin));
        }
    }
    out.finish(OK, BAD_INPUT)
}
