//! The command line: one file per subcommand; this file holds the argument definitions and
//! what the subcommands share (choosing and compiling the rule set, reading case files).

pub mod batch;
mod check;
mod coverage;
mod eval;
mod explain;
mod fmt;
mod generate;
mod impact;
mod serve;
mod test;

use crate::case::{self, Case};
use crate::check::Program;
use crate::diag::{self, Diagnostic};
use crate::ruleset::{self, RuleSet};
use crate::source::Sources;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

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
  ruling serve                                        在本机启动服务和填写案件的网页（http://127.0.0.1:8750/）

规则集：--rules 指定的目录；未指定时用当前目录下的 rules/；没有则用程序内置的规则。";

/// `ruling`: the Opinion 法发〔2025〕12号 as rules that legal staff can read, amend and run.
#[derive(Debug, Parser)]
#[command(name = "ruling", version, about = ABOUT, after_help = AFTER)]
pub struct Cli {
    /// 规则文件所在目录（默认：./rules，没有则用内置规则）
    #[arg(long, global = true, value_name = "目录")]
    pub rules: Option<PathBuf>,
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
        after_help = "示例：\n  ruling check\n  ruling check --rules 我的规则/\n\n退出码：0 无错误（可有警告），1 有错误，2 用法错误"
    )]
    Check,
    /// 评估案件文件（.toml 或 .json），输出每个结论、理由和条文
    #[command(
        after_help = "示例：\n  ruling eval examples/学生出租银行卡.toml\n  ruling eval 案件.json --format json\n  ruling eval 案件.toml --closed-world\n\n\
未填写的事实视为“未知”，相关结论为“待定”并列出尚需查明的事实；\n--closed-world 则把未填写的布尔事实视为否、数额视为零。\n\n退出码：0 成功，2 案件文件有误"
    )]
    Eval {
        /// 案件文件
        #[arg(required = true, value_name = "案件文件")]
        cases: Vec<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// 未填写的布尔事实视为否，整数和金额视为零，集合和列表视为空
        #[arg(long)]
        closed_world: bool,
    },
    /// 说明一个结论的推导过程：哪些规则成立、不成立或被排除，依据哪些事实
    #[command(
        after_help = "示例：\n  ruling explain examples/学生出租银行卡.toml 情节严重\n\n退出码：0 成功，2 案件文件或结论名称有误"
    )]
    Explain {
        /// 案件文件
        #[arg(value_name = "案件文件")]
        case: PathBuf,
        /// 结论名称，如 情节严重
        #[arg(value_name = "结论")]
        conclusion: String,
        /// 未填写的事实按封闭世界处理
        #[arg(long)]
        closed_world: bool,
    },
    /// 运行规则文件中的示例和案例库（tests/cases），逐一比对预期结论
    #[command(
        after_help = "示例：\n  ruling test\n  ruling test tests/cases/意见6-1-本人账户三个-30万.toml\n  ruling test --coverage\n\n退出码：0 全部通过，1 有失败"
    )]
    Test {
        /// 案件文件或目录（默认：tests/cases，如存在）
        #[arg(value_name = "路径")]
        paths: Vec<PathBuf>,
        /// 另外报告规则覆盖：按条文列出哪些规则被案件触发、从未触发或始终待定
        #[arg(long)]
        coverage: bool,
    },
    /// 批量评估：每行一个 JSON 案件，每行输出一个结果，顺序与输入一致，使用全部处理器核心
    #[command(
        after_help = "示例：\n  ruling batch 案件.jsonl > 结果.jsonl\n  ruling generate --count 1000 | ruling batch - --jobs 2\n  ruling batch 案件.jsonl --closed-world --output 结果.jsonl\n\n\
每行输出 {\"line\": 行号, \"case\": 案件, \"conclusions\": {结论: 值}}；\n有误的行输出 {\"line\": 行号, \"error\": \"…\"}，其余各行照常处理；空行跳过。\n\n退出码：0 完成（含有误的行），2 无法打开输入或写入输出"
    )]
    Batch {
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
    },
    /// 在本机启动 HTTP 服务：供办案系统调用的接口，以及在浏览器中填写案件、即时评估的网页
    #[command(
        after_help = "示例：\n  ruling serve                         在 http://127.0.0.1:8750/ 提供服务\n  ruling serve --addr 127.0.0.1:0      任选一个空闲端口（实际地址打印在标准错误）\n  ruling serve --rules 我的规则/         修改其中的规则文件后自动重新加载\n\n\
接口：POST /v1/eval、/v1/explain、/v1/batch、/v1/case；GET /v1/facts、/v1/rules、/healthz、/openapi.json。\n\
默认只在本机地址上监听；在其他地址上监听须用 --token-file 指定访问令牌。\n\n退出码：0 正常停止（Ctrl-C），1 规则集有错误，2 地址或令牌文件有误、端口被占用"
    )]
    Serve {
        /// 监听地址（IP:端口）；端口 0 表示任选一个空闲端口
        #[arg(long, value_name = "地址", default_value = crate::serve::DEFAULT_ADDR)]
        addr: String,
        /// 存放访问令牌的文件；指定后每个请求须带 Authorization: Bearer 令牌
        #[arg(long, value_name = "文件")]
        token_file: Option<PathBuf>,
    },
    /// 把规则文件改写为统一格式（缩进、空格、子句顺序、标点），保留注释，不改变含义
    #[command(
        after_help = "示例：\n  ruling fmt                       格式化 ./rules 下的全部规则文件\n  ruling fmt --check               只检查，列出需要格式化的文件\n  ruling fmt --rules 我的规则/\n  ruling fmt rules/意见6-情节严重.rule\n\n\
有语法错误的文件只报告错误，不改动。写入时先写临时文件再整体替换，出错时原文件不变。\n\n退出码：0 成功，1 有文件需要格式化（--check）或有文件有错误，2 用法错误"
    )]
    Fmt {
        /// 只检查不改写；有文件需要格式化时退出码为 1
        #[arg(long)]
        check: bool,
        /// 规则文件或目录（默认：--rules 指定的目录或 ./rules）
        #[arg(value_name = "规则文件")]
        files: Vec<PathBuf>,
    },
    /// 修改规则的影响：同一批案件分别按原规则集（--base）和新规则集（--rules）评估，列出结论有变化的案件
    #[command(
        after_help = "示例：\n  ruling impact --base 原规则/ --rules rules/ tests/cases\n  ruling impact --base 原规则/ 案件.jsonl --format markdown > 影响.md\n\n\
案件可以是 .toml、.json 文件，存放它们的目录（含子目录），或每行一个 JSON 案件的 .jsonl 文件。\n\
逐件列出结论有变化的案件：每个结论的原值 → 新值，以及成立情况有变化的规则；结论不变的案件不列出。\n\n\
退出码：0 成功，1 规则集有错误，2 有案件文件有误（其余案件照常报告）"
    )]
    Impact {
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
    },
    /// 生成测试用的案件（JSON Lines），供性能测试使用
    #[command(hide = true)]
    Generate {
        /// 案件数
        #[arg(long, default_value_t = 1000)]
        count: u64,
        /// 随机种子：相同的种子生成相同的案件
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// Runs the command line and gives the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { BAD_INPUT } else { OK };
            let _ = e.print();
            return code;
        }
    };
    let rules = cli.rules.as_deref();
    match cli.command {
        Command::Check => check::run(rules),
        Command::Eval {
            cases,
            format,
            closed_world,
        } => eval::run(rules, &cases, format, closed_world),
        Command::Explain {
            case,
            conclusion,
            closed_world,
        } => explain::run(rules, &case, &conclusion, closed_world),
        Command::Test { paths, coverage } => test::run(rules, &paths, coverage),
        Command::Batch {
            input,
            closed_world,
            jobs,
            output,
        } => batch::run(
            rules,
            &batch::Args {
                input: &input,
                output: output.as_deref(),
                closed_world,
                jobs,
            },
        ),
        Command::Serve { addr, token_file } => serve::run(rules, &addr, token_file.as_deref()),
        Command::Generate { count, seed } => generate::run(rules, count, seed),
        Command::Fmt { check, files } => fmt::run(rules, &files, check),
        Command::Impact {
            base,
            cases,
            format,
            closed_world,
        } => impact::run(
            rules,
            &impact::Args {
                base: &base,
                cases: &cases,
                closed_world,
                format,
            },
        ),
    }
}

/// Reads and compiles the rule set; on errors prints them and gives the exit code.
pub(crate) fn load_rules(dir: Option<&Path>) -> Result<(RuleSet, Program), i32> {
    let rules = match ruleset::locate(dir) {
        Ok(r) => r,
        Err(diags) => {
            eprint!("{}", diag::render(&diags, &Sources::default()));
            return Err(PROBLEMS);
        }
    };
    let (program, diags) = ruleset::compile(&rules);
    match program {
        Some(p) => Ok((rules, p)),
        None => {
            let errors: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
            eprint!("{}", diag::render(&errors, &rules.sources));
            eprintln!(
                "规则集“{}”有错误，请先用 ruling check 查看并改正。",
                rules.origin
            );
            Err(PROBLEMS)
        }
    }
}

/// Reads a case file (`.json` or `.toml`) against the program's facts.
pub(crate) fn load_case(program: &Program, path: &Path) -> Result<Case, Vec<Diagnostic>> {
    let name = path.display();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let toml = match ext.as_str() {
        "toml" => true,
        "json" => false,
        _ => {
            return Err(vec![Diagnostic::general(
                diag::Code::Io,
                format!("{name}：无法判断文件格式"),
            )
            .with_help("案件文件的扩展名须是 .toml 或 .json")])
        }
    };
    let text = match crate::source::read_at_most(path, case::MAX_CASE_BYTES as u64) {
        Ok(bytes) if bytes.len() > case::MAX_CASE_BYTES => {
            return Err(vec![Diagnostic::general(
                diag::Code::TooLarge,
                format!(
                    "{name}：案件文件超过 {} MiB",
                    case::MAX_CASE_BYTES / 1024 / 1024
                ),
            )
            .with_help("请把案件拆成多个文件，或用 ruling batch 逐行处理")])
        }
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                return Err(vec![Diagnostic::general(
                    diag::Code::BadEncoding,
                    format!(
                        "{name}：不是有效的 UTF-8 文本（第 {} 个字节起）",
                        e.utf8_error().valid_up_to()
                    ),
                )
                .with_help("请用 UTF-8 编码保存案件文件")])
            }
        },
        Err(e) => {
            return Err(vec![Diagnostic::general(
                diag::Code::Io,
                format!("{name}：无法读取（{e}）"),
            )
            .with_help("请检查文件路径")])
        }
    };
    case::parse_case(program, &text, toml).map_err(|diags| {
        diags
            .into_iter()
            .map(|mut d| {
                d.message = format!("{name}：{}", d.message);
                d
            })
            .collect()
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
