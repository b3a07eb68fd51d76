//! What the tests that run the real binary share: running `ruling` from the repository root and
//! reading what it printed.

#![allow(
    dead_code,
    reason = "each test binary includes this module and uses a part of it"
)]

use std::process::{Command, Output};

/// Runs the `ruling` binary with `args` in the repository root.
pub fn ruling(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ruling"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| unreachable!("cannot run ruling: {e}"))
}

/// Standard output, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A `ruling lsp` child speaking JSON-RPC with Content-Length framing over its standard input
/// and output. Every wait is bounded, so a server that hangs fails the test instead of
/// blocking it.
pub struct LspClient {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    messages: std::sync::mpsc::Receiver<serde_json::Value>,
    /// Notifications received while waiting for something else, oldest first.
    pub pending: Vec<serde_json::Value>,
    next_id: i64,
}

/// How long any one wait for the server may take.
pub const LSP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

impl LspClient {
    /// Starts `ruling lsp` in `dir`.
    pub fn start(dir: &std::path::Path) -> LspClient {
        use std::io::{BufRead, Read};
        use std::process::Stdio;
        let mut child = Command::new(env!("CARGO_BIN_EXE_ruling"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| unreachable!("cannot start ruling lsp: {e}"));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let Some(stdout) = stdout else { return };
            let mut reader = std::io::BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let Some(n) = length else { return };
                let mut body = vec![0; n];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                match serde_json::from_slice(&body) {
                    Ok(v) => {
                        if tx.send(v).is_err() {
                            return;
                        }
                    }
                    Err(_) => return,
                }
            }
        });
        LspClient {
            child,
            stdin,
            messages: rx,
            pending: Vec::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, message: &serde_json::Value) {
        use std::io::Write;
        let body = message.to_string();
        let stdin = self
            .stdin
            .as_mut()
            .unwrap_or_else(|| unreachable!("the server's input is closed"));
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        stdin
            .write_all(framed.as_bytes())
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|e| unreachable!("cannot write to ruling lsp: {e}"));
    }

    fn next(&mut self) -> serde_json::Value {
        self.messages.recv_timeout(LSP_TIMEOUT).unwrap_or_else(|e| {
            unreachable!("no message from ruling lsp within {LSP_TIMEOUT:?}: {e}")
        })
    }

    /// Sends a request and gives its response (the whole message, `result` or `error`).
    pub fn request(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(
            &serde_json::json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        );
        loop {
            let m = self.next();
            if m.get("id").and_then(serde_json::Value::as_i64) == Some(id)
                && m.get("method").is_none()
            {
                return m;
            }
            self.pending.push(m);
        }
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: serde_json::Value) {
        self.send(&serde_json::json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next notification `method` whose params satisfy `keep` (earlier ones skipped).
    pub fn notification(
        &mut self,
        method: &str,
        keep: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let matches = |m: &serde_json::Value| {
            m.get("method").and_then(serde_json::Value::as_str) == Some(method)
                && m.get("params").is_some_and(&keep)
        };
        if let Some(i) = self.pending.iter().position(matches) {
            let found = self.pending.remove(i);
            self.pending.drain(..i);
            return found.get("params").cloned().unwrap_or_default();
        }
        loop {
            let m = self.next();
            if matches(&m) {
                return m.get("params").cloned().unwrap_or_default();
            }
        }
    }

    /// Closes the server's input and waits (bounded) for it to end; gives its exit code.
    pub fn wait(mut self) -> Option<i32> {
        drop(self.stdin.take());
        let deadline = std::time::Instant::now() + LSP_TIMEOUT;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status.code(),
                Ok(None) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                _ => {
                    let _ = self.child.kill();
                    return None;
                }
            }
        }
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        // A test that failed midway must not leave a server running.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
