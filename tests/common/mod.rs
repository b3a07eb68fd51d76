//! What the test binaries share: running `ruling` (in the repository root, in a folder of the
//! test's own, with input on standard input) and reading what it printed; copying the shipped
//! rule files; and the shipped rules, or rules written for a test, loaded through the library.
//! One copy of each, so that a change of the command line or of the library API is made here.

#![allow(
    dead_code,
    reason = "each test binary includes this module and uses a part of it"
)]

use ruling::rules::{Rejected, Rules};
use ruling::ruleset;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_ruling");

/// The repository root (where `rules/`, `tests/cases/` and `examples/` are).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `ruling` binary with `args` in the repository root.
pub fn ruling(args: &[&str]) -> Output {
    ruling_in(root(), args)
}

/// Runs the `ruling` binary with `args` in `dir`, with nothing on standard input.
pub fn ruling_in<A: AsRef<OsStr>>(dir: &Path, args: &[A]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| unreachable!("cannot run {BIN}: {e}"))
}

/// Starts the `ruling` binary with `args` in `dir`, its output piped and nothing on standard
/// input, for a test that reads (or stops reading) its output while it runs.
pub fn spawn_in<A: AsRef<OsStr>>(dir: &Path, args: &[A]) -> Child {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| unreachable!("cannot run {BIN}: {e}"))
}

/// Runs the `ruling` binary with `args` in `dir` under `sh`, after the shell commands
/// `setup` (`exec >/dev/full`, `exec >&-`, `ulimit -f 0`…), to give it the standard output or
/// limits a user's shell would.
pub fn ruling_under_shell<A: AsRef<OsStr>>(dir: &Path, setup: &str, args: &[A]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("{setup}\nexec \"$0\" \"$@\""))
        .arg(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| unreachable!("cannot run sh: {e}"))
}

/// Runs the `ruling` binary with `args` in the repository root and `input` on standard input.
pub fn ruling_with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| unreachable!("cannot run {BIN}: {e}"));
    let Some(mut stdin) = child.stdin.take() else {
        unreachable!("standard input was asked to be piped")
    };
    let input = input.to_vec();
    // Written from another thread, so that a full output pipe cannot block the writer.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| unreachable!("{BIN} did not finish: {e}"));
    match writer.join() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => unreachable!("cannot write to {BIN}'s standard input: {e}"),
        Err(_) => unreachable!("the thread writing to standard input failed"),
    }
    out
}

/// Standard output, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A `ruling serve` started for a test on a free loopback port, stopped when dropped.
pub struct Server {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// What the server printed on standard error so far, line by line.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `ruling serve --addr 127.0.0.1:0 ARGS` in the repository root and waits until it
    /// listens (the address it prints) and answers `/healthz`.
    pub fn start(args: &[&str]) -> Server {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_ruling"))
            .arg("serve")
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| unreachable!("cannot start ruling serve: {e}"));
        let stderr = child
            .stderr
            .take()
            .unwrap_or_else(|| unreachable!("no stderr"));
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let kept = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(rest) = line.split("监听地址：").nth(1) {
                    let addr = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .trim_end_matches('/');
                    let _ = tx.send(addr.to_string());
                }
                if let Ok(mut l) = kept.lock() {
                    l.push(line);
                }
            }
        });
        let base = match rx.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(b) => b,
            Err(_) => {
                let _ = child.kill();
                let printed = log.lock().map(|l| l.join("\n")).unwrap_or_default();
                unreachable!("ruling serve did not print its address:\n{printed}");
            }
        };
        let server = Server { child, base, log };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if server
                .raw(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .starts_with("HTTP/1.1 200")
            {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        unreachable!("ruling serve did not answer /healthz:\n{}", server.log());
    }

    /// The full address of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `127.0.0.1:PORT`
    pub fn authority(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// What the server printed on standard error.
    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.join("\n")).unwrap_or_default()
    }

    /// Sends raw bytes over a new connection and gives the whole answer as text (for requests an
    /// HTTP client would not send: a chunked body, a foreign Host).
    pub fn raw(&self, request: &[u8]) -> String {
        use std::io::{Read, Write};
        let Ok(mut stream) = std::net::TcpStream::connect(self.authority()) else {
            return String::new();
        };
        let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(30)));
        // The server may answer (413) before it has read everything: read the answer anyway.
        let _ = stream.write_all(request);
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TOML case file as JSON text (dates as strings), as a case-management system would send it.
pub fn toml_case_as_json(path: &std::path::Path) -> String {
    fn convert(v: &toml::Value) -> serde_json::Value {
        use serde_json::Value as J;
        match v {
            toml::Value::String(s) => J::String(s.clone()),
            toml::Value::Integer(i) => J::from(*i),
            toml::Value::Float(f) => J::from(*f),
            toml::Value::Boolean(b) => J::Bool(*b),
            toml::Value::Datetime(d) => J::String(d.to_string()),
            toml::Value::Array(a) => J::Array(a.iter().map(convert).collect()),
            toml::Value::Table(t) => {
                J::Object(t.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
            }
        }
    }
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| unreachable!("cannot read {}: {e}", path.display()));
    let table: toml::Table = text
        .parse()
        .unwrap_or_else(|e| unreachable!("{} is not TOML: {e}", path.display()));
    convert(&toml::Value::Table(table)).to_string()
}

/// The shipped rule files (`rules/*.rule`), in name order.
pub fn shipped_files() -> Vec<PathBuf> {
    let dir = root().join("rules");
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| unreachable!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rule"))
        .collect();
    files.sort();
    files
}

/// Copies the shipped rule files into the folder `to` (made if missing).
pub fn copy_rules(to: &Path) {
    std::fs::create_dir_all(to)
        .unwrap_or_else(|e| unreachable!("cannot make {}: {e}", to.display()));
    for f in shipped_files() {
        let Some(name) = f.file_name() else {
            unreachable!("{} has no file name", f.display())
        };
        std::fs::copy(&f, to.join(name))
            .unwrap_or_else(|e| unreachable!("cannot copy {}: {e}", f.display()));
    }
}

/// A fresh temporary folder holding a copy of the shipped rule files; the folder is removed
/// when the value is dropped.
pub fn copy_of_rules() -> tempfile::TempDir {
    let dir = temp();
    copy_rules(dir.path());
    dir
}

/// A fresh temporary folder, removed when the value is dropped.
pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| unreachable!("no temporary folder: {e}"))
}

/// The shipped rules (`rules/` as on disk), loaded and checked once per test binary.
pub fn shipped() -> &'static Rules {
    static SHIPPED: OnceLock<Rules> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        Rules::from_dir(&root().join("rules"))
            .unwrap_or_else(|e| unreachable!("the shipped rules do not check:\n{}", e.message()))
    })
}

/// Rules from texts written for a test, as (file name, text) pairs.
pub fn rules_from_texts(files: &[(&str, &str)]) -> Result<Rules, Rejected> {
    Rules::from_set(ruleset::from_texts("test", files))
}

/// Rules from one file's text written for a test.
pub fn rules_from_text(name: &str, text: &str) -> Result<Rules, Rejected> {
    rules_from_texts(&[(name, text)])
}

/// The shipped rules (the copy built into the binary) plus one more file.
pub fn shipped_with(name: &str, text: &str) -> Result<Rules, Rejected> {
    let base = ruleset::embedded();
    let mut files: Vec<(&str, &str)> = base
        .sources
        .files
        .iter()
        .map(|f| (f.name.as_str(), &*f.text))
        .collect();
    files.push((name, text));
    rules_from_texts(&files)
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

/// Runs the `ruling` binary with `args` in `dir` and `input` on standard input (piped, as a
/// script would), and waits for it.
pub fn ruling_in_with_stdin<A: AsRef<OsStr>>(dir: &Path, args: &[A], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| unreachable!("cannot run {BIN}: {e}"));
    let Some(mut stdin) = child.stdin.take() else {
        unreachable!("standard input was asked to be piped")
    };
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| unreachable!("{BIN} did not finish: {e}"));
    let _ = writer.join();
    out
}
