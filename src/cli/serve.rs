//! `ruling serve`: the arguments, handed to [`ruling::serve`].

use ruling::rules::RulesSpec;

pub(super) const AFTER: &str = "示例：\n  ruling serve                         在 http://127.0.0.1:8750/ 提供服务和填写案件的网页\n  ruling serve --addr 127.0.0.1:0      任选一个空闲端口（实际地址打印在标准错误）\n  ruling serve --rules 我的规则/         修改其中的规则文件后自动重新加载\n\n\
接口：POST /v1/eval、/v1/explain、/v1/batch、/v1/case；GET /v1/facts、/v1/rules、/healthz、/openapi.json。\n\
默认只在本机地址上监听；在其他地址上监听须用 --token-file 指定访问令牌。\n\n\
退出码：0 正常停止（Ctrl-C），1 规则集有错误，2 地址或令牌文件有误、端口被占用";

/// `ruling serve`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 监听地址（IP:端口）；端口 0 表示任选一个空闲端口
    #[arg(long, value_name = "地址", default_value = ruling::serve::DEFAULT_ADDR)]
    addr: String,
    /// 存放访问令牌的文件；指定后每个请求须带 Authorization: Bearer 令牌
    #[arg(long, value_name = "文件")]
    token_file: Option<std::path::PathBuf>,
}

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    ruling::serve::run(&ruling::serve::Options {
        rules: spec,
        addr: &args.addr,
        token_file: args.token_file.as_deref(),
    })
}
