//! The language server's re-check after an edit (target: under 50 ms for the shipped rule
//! set; README, "编辑器支持 / Editor support").
//!
//! One `textDocument/didChange` of a shipped file, handled in-process exactly as `ruling lsp`
//! handles it: the edited file parsed again, the whole folder checked and indexed, the
//! diagnostics of every file compared with what was published and the changed lists sent.
//! The edits alternate between a misspelt fact (an error to publish) and the original text (the
//! error to clear), so that every iteration re-checks and publishes.
//!
//! Run with `cargo bench --bench lsp`.

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_server::{Message, Notification};
use ruling::lsp::Server;
use serde_json::json;
use std::hint::black_box;
use std::path::Path;

fn file_uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

fn notification(method: &str, params: serde_json::Value) -> Message {
    Message::Notification(Notification::new(method.to_string(), params))
}

fn recheck(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let path = dir.join("意见6-情节严重.rule");
    let Ok(original) = std::fs::read_to_string(&path) else {
        return;
    };
    let misspelt = original.replacen("且 电话卡数 达", "且 电话卡张数 达", 1);
    let uri = file_uri(&path);
    let mut server = Server::new();
    // Only read: the server never writes a rule file.
    server.open_folder(&dir);
    server.handle(notification(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "ruling", "version": 1, "text": original}}),
    ));
    let mut version = 1;
    c.bench_function("lsp/recheck_after_edit/shipped_rules", |b| {
        b.iter(|| {
            version += 1;
            let text = if version % 2 == 0 {
                &misspelt
            } else {
                &original
            };
            let out = server.handle(notification(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"text": text}]}),
            ));
            black_box(out)
        })
    });
}

criterion_group!(benches, recheck);
criterion_main!(benches);
