//! `ruling serve`: the rules as a local HTTP service for case-management systems, and a page in
//! the browser where staff fill in a case.
//!
//! One concept per file: [`engine`] is the only caller of the rest of the library (the same case
//! reader and report builder as `ruling eval`, so answers are byte for byte the command line's);
//! [`routes`] the endpoints and the layers that limit them; [`batch`] the streamed NDJSON of
//! `/v1/batch`; [`error`] errors as JSON; [`reload`] live rules; [`openapi`] the OpenAPI document
//! generated from the rule set in use; [`auth`] the bearer token; [`page`] the embedded page.
//!
//! It runs on axum over tokio: a small, widely used HTTP stack whose limits (body size, time,
//! concurrency) are tower layers rather than code of our own. Criminal case data must not leave
//! the office, so the service listens on loopback unless told otherwise, and anywhere else only
//! with a token.

pub mod auth;
pub mod batch;
pub mod engine;
pub mod error;
pub mod openapi;
pub mod page;
pub mod reload;
pub mod routes;

use crate::rules::RulesSpec;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The response header that names the fingerprint of the rule set that answered.
pub const FINGERPRINT: &str = "ruling-fingerprint";

/// The address listened on by default.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8750";

/// Exit code: the service stopped normally (Ctrl-C, SIGTERM).
pub const OK: i32 = 0;
/// Exit code: the rule set has errors.
pub const PROBLEMS: i32 = 1;
/// Exit code: bad usage (address, token file), or the address cannot be listened on.
pub const BAD_INPUT: i32 = 2;

/// The limits every request is held to (documented in the README and in `/openapi.json`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest request body of `/v1/eval`, `/v1/explain` and `/v1/case`.
    pub body_bytes: usize,
    /// The longest a request may take until its answer starts.
    pub timeout: Duration,
    /// Requests handled at once; more wait for a free place (within the timeout).
    pub concurrency: usize,
    /// `/v1/batch` streams at once; more are refused with 503.
    pub batch_streams: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body_bytes: 1024 * 1024,
            timeout: Duration::from_secs(30),
            concurrency: 256,
            batch_streams: 4,
        }
    }
}

/// What `ruling serve` was asked to do.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// `--rules` and `--amend`
    pub rules: &'a RulesSpec,
    /// `--addr`
    pub addr: &'a str,
    /// `--token-file`
    pub token_file: Option<&'a Path>,
}

/// Runs the service until Ctrl-C or SIGTERM; gives the exit code.
pub fn run(options: &Options<'_>) -> i32 {
    let addr: SocketAddr = match options.addr.parse() {
        Ok(a) => a,
        Err(_) => {
            eprintln!(
                "错误：无法识别的监听地址“{}”\n  帮助：地址写作 IP:端口，例如 --addr 127.0.0.1:8750；端口 0 表示任选一个空闲端口",
                options.addr
            );
            return BAD_INPUT;
        }
    };
    let token = match options.token_file {
        Some(path) => match auth::Token::from_file(path) {
            Ok(t) => Some(Arc::new(t)),
            Err(message) => {
                eprintln!("错误：{message}");
                return BAD_INPUT;
            }
        },
        None => None,
    };
    if !addr.ip().is_loopback() {
        if token.is_none() {
            eprintln!(
                "错误：拒绝在非本机地址 {addr} 上监听：没有访问令牌，同一网络中的任何人都能读取提交的案件\n  帮助：只在本机使用时不要指定 --addr（默认 {DEFAULT_ADDR}）；确需对外提供服务的，请用 --token-file 指定存放令牌的文件，调用方在请求头中加上 Authorization: Bearer 令牌"
            );
            return BAD_INPUT;
        }
        eprintln!(
            "警告：正在非本机地址 {addr} 上监听。案件数据将经网络传输且未加密（HTTP）；请只在可信的内部网络中这样使用，每个请求都须带访问令牌。"
        );
    }
    let engine = match engine::Engine::load(options.rules) {
        Ok(e) => e,
        Err(rejection) => {
            eprint!("{}", rejection.rendered);
            eprintln!("规则集有错误，请先用 ruling check 查看并改正。");
            return PROBLEMS;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：无法启动服务线程：{e}");
            return BAD_INPUT;
        }
    };
    runtime.block_on(serve(addr, engine, options.rules.clone(), token))
}

async fn serve(
    addr: SocketAddr,
    engine: engine::Engine,
    spec: RulesSpec,
    token: Option<Arc<auth::Token>>,
) -> i32 {
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "错误：无法在 {addr} 上监听：{e}\n  帮助：端口可能已被占用；请用 --addr 换一个端口，例如 --addr 127.0.0.1:8751"
            );
            return BAD_INPUT;
        }
    };
    let bound = listener.local_addr().unwrap_or(addr);
    let live = Arc::new(reload::Live::new(engine, spec));
    let first = live.engine();
    let _watcher = match reload::watch(&live) {
        Ok(Some(w)) => {
            eprintln!(
                "规则集 {}（指纹 {}）；修改规则文件后自动重新加载",
                first.origin(),
                first.fingerprint()
            );
            Some(w)
        }
        Ok(None) => {
            eprintln!(
                "规则集 {}（指纹 {}）；内置规则，不监视修改",
                first.origin(),
                first.fingerprint()
            );
            None
        }
        Err(message) => {
            eprintln!(
                "警告：{message}；规则修改后须重新启动服务。规则集 {}（指纹 {}）",
                first.origin(),
                first.fingerprint()
            );
            None
        }
    };
    drop(first);
    let app = routes::router(routes::App::new(live, Limits::default(), token, bound));
    eprintln!("监听地址：http://{bound}/ （按 Ctrl-C 停止）");
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await;
    match result {
        Ok(()) => {
            eprintln!("服务已停止。");
            OK
        }
        Err(e) => {
            eprintln!("错误：服务中断：{e}");
            BAD_INPUT
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
