//! `ruling eval`: evaluate case files and print the reports.

use super::input::read_case;
use super::out::Out;
use super::{load_rules, Format, BAD_INPUT, OK};
use ruling::diag;
use ruling::report::{self, Report};
use ruling::rules::{Options, Rules, RulesSpec};
use std::path::{Path, PathBuf};

pub(super) const AFTER: &str = "示例：\n  ruling eval examples/学生出租银行卡.toml\n  ruling eval 案件.json --format json\n  ruling eval 案件.toml --closed-world\n\n\
未填写的事实视为“未知”，相关结论为“待定”并列出尚需查明的事实；\n--closed-world 则把未填写的布尔事实视为否、数额视为零。\n--questions 只列出补充查证事项，可交侦查人员补查。\n\
案件文件写作 - 时从标准输入读取（以 { 开头按 JSON，否则按 TOML）：cat 案件.toml | ruling eval -\n\n\
退出码：0 成功；1 规则集有错误（先用 ruling check 查看）；2 案件文件有误、计算出错或无法写出结果（写入失败）；141 读取输出的程序提前关闭（如 | head），不另提示";

/// `ruling eval`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 案件文件（.toml 或 .json）；写 - 从标准输入读取
    #[arg(required = true, value_name = "案件文件")]
    cases: Vec<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// 未填写的布尔事实视为否，整数和金额视为零，集合和列表视为空
    #[arg(long)]
    closed_world: bool,
    /// 只输出补充查证事项：仍能改变结论的事实，以法律用语提问并注明条文
    #[arg(long)]
    questions: bool,
}

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    let rules = match load_rules(spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut code = OK;
    let mut reports = Vec::new();
    for path in &args.cases {
        match evaluate_file(&rules, path, args.closed_world) {
            Ok(r) => {
                if !r.errors.is_empty() {
                    code = BAD_INPUT;
                }
                reports.push(r);
            }
            Err(()) => code = BAD_INPUT,
        }
    }
    let mut out = Out::new();
    match args.format {
        Format::Json if reports.is_empty() => {}
        Format::Json => {
            let docs: Vec<serde_json::Value> = reports.iter().map(report::to_json).collect();
            let doc = if docs.len() == 1 {
                docs.into_iter().next().unwrap_or_default()
            } else {
                serde_json::Value::Array(docs)
            };
            out.line(&serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text | Format::Markdown => {
            for (i, r) in reports.iter().enumerate() {
                if i > 0 {
                    out.put(&format!("\n{}\n\n", "─".repeat(40)));
                }
                out.put(&match args.format {
                    _ if args.questions => report::questions_text(r),
                    Format::Markdown => report::to_markdown(r),
                    _ => report::to_text(r),
                });
            }
        }
    }
    out.finish(code, BAD_INPUT)
}

/// Reads, evaluates and builds the report of one case file; problems are printed.
fn evaluate_file(rules: &Rules, path: &Path, closed_world: bool) -> Result<Report, ()> {
    let mut case = read_case(rules.program(), path).map_err(|e| eprint!("{}", e.render()))?;
    if case.id.is_none() {
        case.id = Some(stem(path));
    }
    let options = Options {
        closed_world,
        needs: true,
        explain: true,
    };
    let evaluated = rules.evaluate(&case, options);
    if !evaluated.outcome.errors.is_empty() {
        let rendered = diag::render(&evaluated.outcome.errors, &rules.program().sources);
        eprint!("{}：\n{rendered}", path.display());
    }
    Ok(report::build(&evaluated))
}

fn stem(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "标准输入".into();
    }
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
