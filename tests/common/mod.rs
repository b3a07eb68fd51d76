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
