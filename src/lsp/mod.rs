//! `ruling lsp`: a language server over standard input and output, for editing rule files in
//! an editor that knows the law (VS Code, or any editor that speaks the Language Server
//! Protocol).
//!
//! It works on the whole rules folder of the workspace (`rules/` under the workspace root, or
//! the folder of an opened file), with the editor's unsaved buffers laid over the files on
//! disk: the diagnostics of `ruling check` as one types, hover (types, values, validity
//! periods, article texts), go to definition and references, completion, formatting as
//! `ruling fmt` does it, outlines, and a "运行示例" code lens that runs a file's examples.
//!
//! One concept per module: [`server`] dispatches messages, [`workspace`] holds the folder and
//! its analysis, [`position`] converts UTF-16 positions, [`index`] maps names to places, and
//! [`diagnostics`], [`hover`], [`navigate`], [`completion`], [`symbols`], [`format`] and
//! [`examples`] answer one kind of request each. [`library`] is the only module that calls into
//! the rest of `ruling`.

pub mod completion;
pub mod diagnostics;
pub mod examples;
pub mod format;
pub mod hover;
pub mod index;
pub mod library;
pub mod navigate;
pub mod position;
pub mod server;
pub mod symbols;
pub mod workspace;

pub use server::Server;

use lsp_server::Message;
use std::io::{BufReader, ErrorKind, Write};

/// Exit code when the client ended the connection without `shutdown` and `exit`, or the
/// connection failed (as the protocol asks: 1).
pub const EXIT_WITHOUT_SHUTDOWN: i32 = 1;

/// How many malformed messages in a row are skipped before the connection is given up as
/// broken (one bad message from a client is survivable; an endless stream of them is not).
const MAX_BAD_MESSAGES: usize = 100;

/// Serves the protocol on standard input and output until `exit` or the end of input, with
/// `rules` (from `--rules`) loaded beforehand when given. Gives the exit code: 0 after
/// `shutdown` and `exit`, 1 otherwise.
pub fn run(rules: Option<&std::path::Path>) -> i32 {
    let stdin = std::io::stdin();
    let mut input = BufReader::new(stdin.lock());
    let stdout = std::io::stdout();
    let mut output = stdout.lock();
    let mut server = Server::new();
    if let Some(dir) = rules {
        server.open_folder(dir);
    }
    let mut bad = 0usize;
    loop {
        let message = match Message::read(&mut input) {
            Ok(Some(m)) => m,
            Ok(None) => return EXIT_WITHOUT_SHUTDOWN,
            Err(e) if e.kind() == ErrorKind::InvalidData && bad < MAX_BAD_MESSAGES => {
                bad += 1;
                eprintln!("ruling lsp：收到无法解析的消息，已跳过：{e}");
                continue;
            }
            Err(e) => {
                eprintln!("ruling lsp：连接中断：{e}");
                return EXIT_WITHOUT_SHUTDOWN;
            }
        };
        bad = 0;
        // A fault in answering one message must not take the editor's diagnostics away for
        // the rest of the session: the request gets an error, and the server goes on (its
        // state is replaced whole at the end of each analysis, so a fault leaves the previous
        // one). The panic itself is printed to standard error, which editors keep as a log.
        let id = match &message {
            Message::Request(r) => Some(r.id.clone()),
            _ => None,
        };
        let replies =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.handle(message)))
                .unwrap_or_else(|_| {
                    id.into_iter()
                        .map(|id| {
                            Message::Response(lsp_server::Response::new_err(
                        id,
                        lsp_server::ErrorCode::InternalError as i32,
                        "ruling lsp 内部错误，未能回答这个请求；请把刚才的编辑和日志报告给维护者"
                            .into(),
                    ))
                        })
                        .collect()
                });
        for reply in replies {
            if let Err(e) = reply.write(&mut output) {
                eprintln!("ruling lsp：无法写出回复，连接中断：{e}");
                return EXIT_WITHOUT_SHUTDOWN;
            }
        }
        if output.flush().is_err() {
            return EXIT_WITHOUT_SHUTDOWN;
        }
        if let Some(code) = server.exit_code() {
            return code;
        }
    }
}
