//! A small, bounded load generator for `ruling serve`: N keep-alive connections each send
//! `POST /v1/eval` with one case, one request after another, until the total is reached (or 60
//! seconds pass); then it prints requests per second and the latency percentiles.
//!
//! ```sh
//! cargo build --release
//! target/release/ruling serve --addr 127.0.0.1:8750 &
//! cargo run --release --example serve_load -- --addr 127.0.0.1:8750 --connections 32 --requests 400000
//! ```
//!
//! It only ever connects to a loopback address.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a measuring tool: stop loudly on anything unexpected"
)]

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::Request;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest a run may take, whatever the number of requests asked for.
const MAX_RUN: Duration = Duration::from_secs(60);

struct Args {
    addr: SocketAddr,
    connections: usize,
    requests: u64,
    case: String,
    threads: usize,
}

fn args() -> Args {
    let mut a = Args {
        addr: "127.0.0.1:8750".parse().unwrap(),
        connections: 32,
        requests: 200_000,
        case: "examples/学生出租银行卡.toml".into(),
        threads: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => a.addr = value.parse().unwrap(),
            "--connections" => a.connections = value.parse().unwrap(),
            "--requests" => a.requests = value.parse().unwrap(),
            "--case" => a.case = value,
            "--threads" => a.threads = value.parse().unwrap(),
            other => panic!(
                "unknown flag {other} (--addr, --connections, --requests, --case, --threads)"
            ),
        }
    }
    assert!(
        a.addr.ip().is_loopback(),
        "serve_load only sends to loopback addresses"
    );
    a
}

/// The case as the JSON a case-management system would send.
fn case_json(path: &str) -> Bytes {
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
    let text = std::fs::read_to_string(path).unwrap();
    if path.ends_with(".json") {
        return Bytes::from(text);
    }
    let table: toml::Table = text.parse().unwrap();
    Bytes::from(convert(&toml::Value::Table(table)).to_string())
}

async fn connection(
    addr: SocketAddr,
    body: Bytes,
    issued: Arc<AtomicU64>,
    total: u64,
    deadline: Instant,
) -> Vec<u32> {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(conn);
    let host = addr.to_string();
    let mut latencies = Vec::new();
    while issued.fetch_add(1, Ordering::Relaxed) < total && Instant::now() < deadline {
        let request = Request::post("/v1/eval")
            .header("host", &host)
            .header("content-type", "application/json")
            .body(Full::new(body.clone()))
            .unwrap();
        let start = Instant::now();
        sender.ready().await.unwrap();
        let response = sender.send_request(request).await.unwrap();
        assert_eq!(response.status(), 200);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        assert!(!bytes.is_empty());
        latencies.push(u32::try_from(start.elapsed().as_micros()).unwrap_or(u32::MAX));
    }
    latencies
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i.min(sorted.len() - 1)]) / 1000.0
}

fn main() {
    let a = args();
    let body = case_json(&a.case);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(a.threads)
        .enable_all()
        .build()
        .unwrap();
    let issued = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + MAX_RUN;
    let mut all: Vec<u32> = runtime.block_on(async {
        let tasks: Vec<_> = (0..a.connections)
            .map(|_| {
                tokio::spawn(connection(
                    a.addr,
                    body.clone(),
                    Arc::clone(&issued),
                    a.requests,
                    deadline,
                ))
            })
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all
    });
    let elapsed = start.elapsed();
    all.sort_unstable();
    println!(
        "{} requests over {} keep-alive connections in {:.2} s: {:.0} requests/s; latency p50 {:.3} ms, p99 {:.3} ms, p99.9 {:.3} ms, max {:.3} ms ({} bytes per case)",
        all.len(),
        a.connections,
        elapsed.as_secs_f64(),
        all.len() as f64 / elapsed.as_secs_f64(),
        percentile(&all, 0.50),
        percentile(&all, 0.99),
        percentile(&all, 0.999),
        percentile(&all, 1.0),
        body.len()
    );
}
