//! The command line: one file per subcommand; this file holds the argument definitions and
//! what the subcommands share (choosing and compiling the rule set, reading case files).

mod batch;
mod check;
mod eval;
mod explain;
mod fmt;
mod fmt_io;
mod generate;
mod impact;
mod interview;
pub(crate) mod out;
mod serve;
mod test;

use clap::{Parser, Subcommand, ValueEnum};
use ruling::diag::{self, Diagnostic};
use ruling::rules::{Rules, RulesSpec};
use ruling::source::Sources;
use std::path::PathBuf;

/// Exit code: success.
pub const OK: i32 = 0;
/// Exit code: problems found (rule errors, failing tests, files `fmt --check` would change).
pub const PROBLEMS: i32 = 1;
/// Exit code: bad input (a case file, a usage error).
pub const BAD_INPUT: i32 = 2;

const ABOUT: &str =
    "把《关于办理帮助信息网络犯罪活动等刑事案件有关问题的意见》（法发〔2025〕12号）编写为规则，\
对案件事实逐条评估，说明结论、理由和所依据的条文。";

const AFTER: &str = "示例：
  ruling eval examples/学生出租银行卡.toml          评估一个案件，输出中文报告
  ruling explain examples/学生出租银行卡.toml 情节严重  说明一个结论是如何得出的
  ruling check                                        检查规则文件是否有误
  ruling test                                         运行规则文件中的示例和案例库
  ruling impact --base 原规则/ tests/cases            比较修改规则前后各案件的结论
  ruling fmt                                          把规则文件整理成统一格式
  ruling batch 案件.jsonl > 结果.jsonl                批量评估，每行一个 JSON 案件
  ruling lsp                                          语言服务器，供编辑器（如 VS Code）使用
  ruling serve                                        本机 HTTP 服务和填写案件的网页（http://127.0.0.1:8750/）

规则集：--rules 指定的目录；未指定时用当前目录下的 rules/；没有则用程序内置的规则。";

/// `ruling`: the Opinion 法发〔2025〕12号 as rules that legal staff can read, amend and run.
#[derive(Debug, Parser)]
#[command(name = "ruling", version, about = ABOUT, after_help = AFTER)]
pub struct Cli {
    /// 规则文件所在目录（默认：./rules，没有则用内置规则）
    #[arg(long, global = true, value_name = "目录")]
    pub rules: Option<PathBuf>,
    /// 修订目录：其中的规则文件替换基础规则集中同名的文件，新文件加入规则集（可写多次）
    #[arg(long, global = true, value_name = "目录")]
    pub amend: Vec<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// Output formats of `eval`.
#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum Format {
    /// 中文报告
    #[default]
    Text,
    /// CONTRACT.md 第5节的 JSON
    Json,
    /// Markdown 报告
    Markdown,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 检查规则文件：语法、名称、类型、循环依赖；有错误时逐条指出位置和改法
    #[command(
        after_help = "示例：\n  ruling check\n  ruling check --rules 我的规则/\n\n退出码：0 无错误（可有警告），1 有错误或写入失败，2 用法错误，141 读取输出的程序提前关闭"
    )]
    Check,
    /// 评估案件文件（.toml 或 .json），输出每个结论、理由和条文
    #[command(after_help = eval::AFTER)]
    Eval(eval::Args),
    /// 说明一个结论的推导过程：哪些规则成立、不成立或被排除，依据哪些事实
    #[command(after_help = explain::AFTER)]
    Explain(explain::Args),
    /// 运行规则文件中的示例和案例库（tests/cases），逐一比对预期结论
    #[command(after_help = test::AFTER)]
    Test(test::Args),
    /// 批量评估：每行一个 JSON 案件，每行输出一个结果，顺序与输入一致，使用全部处理器核心
    #[command(after_help = batch::AFTER)]
    Batch(batch::Args),
    /// 在本机启动 HTTP 服务：供办案系统调用的接口，以及在浏览器中填写案件、即时评估的网页
    #[command(after_help = serve::AFTER)]
    Serve(serve::Args),
    /// 把规则文件改写为统一格式（缩进、空格、子句顺序、标点），保留注释，不改变含义
    #[command(after_help = fmt::AFTER)]
    Fmt(fmt::Args),
    /// 修改规则的影响：同一批案件分别按原规则集（--base）和新规则集（--rules）评估，列出结论有变化的案件
    #[command(after_help = impact::AFTER)]
    Impact(impact::Args),
    /// 逐项询问仍能改变结论的事实，并把回答写入案件文件
    #[command(after_help = interview::AFTER)]
    Interview(interview::Args),
    /// 语言服务器：经标准输入输出为编辑器提供诊断、悬停说明、跳转、补全、格式化和“运行示例”
    #[command(
        after_help = "示例：\n  ruling lsp                     由编辑器启动，不必手工运行\n  ruling lsp --rules 我的规则/    另外预先载入一个规则目录\n\n\
编辑器打开工作区时，使用其中的 rules/ 目录（没有则用工作区本身）；打开其他目录中的 .rule 文件时，\n\
使用该文件所在的目录。诊断与 ruling check 相同，随输入更新；未保存的修改不写入磁盘。\n\
所有处理都在本机进行，不联网。\n\n退出码：0 编辑器先发 shutdown 再发 exit，1 连接中断或未经 shutdown 就退出"
    )]
    Lsp,
    /// 生成测试用的案件（JSON Lines），供性能测试使用
    #[command(hide = true)]
    Generate(generate::Args),
}

/// Runs the command line and gives the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { BAD_INPUT } else { OK };
            return match e.print() {
                Ok(()) => code,
                Err(err) => out::report(&err, BAD_INPUT),
            };
        }
    };
    let rules = RulesSpec {
        dir: cli.rules,
        overlays: cli.amend,
    };
    // A failed write exits with the command's documented code for failure.
    out::set_write_failure(match &cli.command {
        Command::Check | Command::Test(_) | Command::Fmt(_) | Command::Lsp => PROBLEMS,
        _ => BAD_INPUT,
    });
    match &cli.command {
        Command::Check => check::run(&rules),
        Command::Eval(args) => eval::run(&rules, args),
        Command::Explain(args) => explain::run(&rules, args),
        Command::Test(args) => test::run(&rules, args),
        Command::Batch(args) => batch::run(&rules, args),
        Command::Generate(args) => generate::run(&rules, args),
        Command::Fmt(args) => fmt::run(&rules, args),
        Command::Impact(args) => impact::run(&rules, args),
        Command::Interview(args) => interview::run(&rules, args),
        Command::Serve(args) => serve::run(&rules, args),
        Command::Lsp => ruling::lsp::run(rules.dir.as_deref()),
    }
}

/// Reads and checks the rule set; on errors prints them and gives the exit code.
pub(crate) fn load_rules(spec: &RulesSpec) -> Result<Rules, i32> {
    Rules::load(spec).map_err(|rejected| {
        eprint!("{}", rejected.message());
        if !rejected.sources.files.is_empty() {
            eprintln!(
                "规则集“{}”有错误，请先用 ruling check 查看并改正。",
                rejected.origin
            );
        }
        PROBLEMS
    })
}

/// Prints diagnostics that concern no rule file.
pub(crate) fn print_plain(diags: &[Diagnostic]) {
    eprint!("{}", diag::render(diags, &Sources::default()));
}

/// Case files under the given paths (folders are searched recursively), sorted.
pub(crate) fn case_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    files_with(paths, &["toml", "json"])
}

/// Files under the given paths whose extension is one of `exts` (folders are searched
/// recursively; files named directly are kept whatever their extension), sorted.
pub(crate) fn files_with(paths: &[PathBuf], exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    // Each real folder once: a symbolic link back up the tree would otherwise be walked again
    // and again (with two such links, exponentially often).
    let mut seen = std::collections::HashSet::new();
    for p in paths {
        if p.is_dir() {
            let mut stack = vec![p.clone()];
            while let Some(dir) = stack.pop() {
                if !seen.insert(std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone())) {
                    continue;
                }
                for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path
                        .extension()
                        .is_some_and(|e| exts.iter().any(|x| e == *x))
                    {
                        out.push(path);
                    }
                }
            }
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out
}
