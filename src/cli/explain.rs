//! `ruling explain`: the derivation tree of one conclusion.

use super::out::Out;
use super::{load_rules, print_plain, BAD_INPUT, OK};
use ruling::case;
use ruling::diag::{did_you_mean, Code, Diagnostic};
use ruling::report;
use ruling::rules::{Options, RulesSpec};
use std::path::PathBuf;

pub(super) const AFTER: &str =
    "示例：\n  ruling explain examples/学生出租银行卡.toml 情节严重\n\n退出码：0 成功，2 案件文件或结论名称有误或写入失败，141 读取输出的程序提前关闭";

/// `ruling explain`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 案件文件
    #[arg(value_name = "案件文件")]
    case: PathBuf,
    /// 结论名称，如 情节严重
    #[arg(value_name = "结论")]
    conclusion: String,
    /// 未填写的事实按封闭世界处理
    #[arg(long)]
    closed_world: bool,
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
    let case = match case::read_file(program, &args.case) {
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
    let mut out = Out::new();
    out.line(&format!(
        "案件：{}",
        report::escape_text(case.id.as_deref().unwrap_or("（未编号）"))
    ));
    out.line(&format!(
        "规则集：{}（指纹 {}）",
        report::escape_text(&rules.set().origin),
        rules.set().fingerprint
    ));
    out.line("");
    out.put(&report::explain(&evaluated, c));
    out.finish(OK, BAD_INPUT)
}
