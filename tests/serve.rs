//! `ruling serve` through the real binary on a random loopback port: every endpoint, the answers
//! compared with the command line's, bad requests, 200 concurrent requests, the token, and live
//! rule edits (a good one picked up, a broken one refused with the old set kept).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

mod common;

use common::{copy_rules, ruling, stdout, toml_case_as_json, Server};
use serde_json::Value as J;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// An HTTP client that hands back every status instead of turning 4xx into errors.
fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::config::Config::builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build(),
    )
}

/// (status, fingerprint header, body text)
type Answer = (u16, String, String);

fn answer(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut r = r.unwrap();
    let fp = r
        .headers()
        .get("ruling-fingerprint")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let status = r.status().as_u16();
    let body = r
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .unwrap();
    (status, fp, body)
}

fn get(s: &Server, path: &str) -> Answer {
    answer(agent().get(s.url(path)).call())
}

fn post(s: &Server, path: &str, content_type: &str, body: &str) -> Answer {
    answer(
        agent()
            .post(s.url(path))
            .header("Content-Type", content_type)
            .send(body),
    )
}

fn json(text: &str) -> J {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ruling-serve-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The fingerprint the command line reports for ./rules.
fn cli_fingerprint() -> String {
    let dir = temp_dir("fp");
    let case = dir.join("空.json");
    std::fs::write(&case, "{}").unwrap();
    let out = json(&stdout(&ruling(&[
        "eval",
        case.to_str().unwrap(),
        "--format",
        "json",
    ])));
    out["rules"]["fingerprint"].as_str().unwrap().to_string()
}

const STUDENT: &str = "examples/学生出租银行卡.toml";

#[test]
fn every_endpoint_answers_and_names_the_fingerprint() {
    let s = Server::start(&[]);
    let fp = cli_fingerprint();

    let (status, h, body) = get(&s, "/healthz");
    assert_eq!((status, h.as_str()), (200, fp.as_str()));
    assert_eq!(json(&body)["status"], "ok");

    let (status, h, body) = get(&s, "/v1/facts");
    assert_eq!((status, h.as_str()), (200, fp.as_str()));
    let facts = json(&body);
    assert_eq!(facts["rules"]["fingerprint"], fp.as_str());
    let all = facts["facts"].as_array().unwrap();
    let account = all.iter().find(|f| f["name"] == "账户").unwrap();
    assert_eq!(account["type"]["kind"], "list");
    assert_eq!(account["article"], "法发〔2025〕12号第6条");
    let owner = account["type"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "归属")
        .unwrap();
    assert_eq!(
        owner["type"]["words"],
        serde_json::json!(["本人", "他人", "单位"])
    );
    let groups = facts["groups"].as_array().unwrap();
    let sixth = groups
        .iter()
        .find(|g| g["cite"] == "法发〔2025〕12号第6条")
        .unwrap();
    assert!(sixth["text"].as_str().unwrap().contains("情节严重"));
    // Every fact is in exactly one group.
    let grouped: usize = groups
        .iter()
        .map(|g| g["facts"].as_array().unwrap().len())
        .sum();
    assert_eq!(grouped, all.len());
    assert!(facts["conclusions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "情节严重" && c["kind"] == "tri"));

    let (status, h, body) = get(&s, "/v1/rules");
    assert_eq!((status, h.as_str()), (200, fp.as_str()));
    let rules = json(&body);
    assert_eq!(rules["fingerprint"], fp.as_str());
    assert_eq!(rules["source"], "rules");
    assert!(rules["loaded_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(rules["rejected"], J::Null);
    assert!(rules["files"].as_array().unwrap().len() > 5);

    let (status, h, body) = get(&s, "/openapi.json");
    assert_eq!((status, h.as_str()), (200, fp.as_str()));
    let doc = json(&body);
    assert_eq!(doc["openapi"], "3.1.0");
    let case = &doc["components"]["schemas"]["Case"]["properties"];
    assert!(case["被帮助对象犯罪查证"]["enum"]
        .as_array()
        .unwrap()
        .contains(&J::from("已查证达到")));
    assert_eq!(
        case["账户"]["items"]["properties"]["行为"]["enum"],
        serde_json::json!(["出售", "出租", "收购", null])
    );
    assert_eq!(
        case["非法提供工具"]["type"],
        serde_json::json!(["array", "null"])
    );
    assert_eq!(
        doc["components"]["schemas"]["Case"]["additionalProperties"],
        false
    );
    let result = &doc["components"]["schemas"]["Result"]["properties"]["conclusions"];
    assert_eq!(
        result["properties"]["情节严重"]["properties"]["value"]["type"],
        serde_json::json!(["boolean", "null"])
    );
    assert!(result["required"].as_array().unwrap().len() > 10);
    for path in [
        "/v1/eval",
        "/v1/explain",
        "/v1/batch",
        "/v1/facts",
        "/v1/rules",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from openapi"
        );
    }

    // eval: byte for byte the command line's JSON.
    let dir = temp_dir("endpoints");
    let case_path = dir.join("学生.json");
    let case_json = toml_case_as_json(Path::new(STUDENT));
    std::fs::write(&case_path, &case_json).unwrap();
    for closed in [false, true] {
        let mut args = vec!["eval", case_path.to_str().unwrap(), "--format", "json"];
        let mut path = "/v1/eval".to_string();
        if closed {
            args.push("--closed-world");
            path.push_str("?closed_world=true");
        }
        let cli = stdout(&ruling(&args));
        let (status, h, body) = post(&s, &path, "application/json", &case_json);
        assert_eq!((status, h.as_str()), (200, fp.as_str()));
        assert_eq!(body, cli, "closed_world={closed}");
    }

    // explain: the text of ruling explain.
    let cli = stdout(&ruling(&[
        "explain",
        case_path.to_str().unwrap(),
        "情节严重",
    ]));
    let request = format!("{{\"case\": {case_json}, \"conclusion\": \"情节严重\"}}");
    let (status, h, body) = post(&s, "/v1/explain", "application/json", &request);
    assert_eq!((status, h.as_str()), (200, fp.as_str()));
    let explained = json(&body);
    assert_eq!(explained["text"].as_str().unwrap(), cli);
    assert_eq!(explained["value"], true);
    assert_eq!(explained["rules"]["fingerprint"], fp.as_str());

    // case: a TOML file read back as the reader understood it.
    let toml_text = std::fs::read_to_string(STUDENT).unwrap();
    let (status, _, body) = post(&s, "/v1/case", "application/toml", &toml_text);
    assert_eq!(status, 200, "{body}");
    let read = json(&body);
    assert_eq!(read["被帮助对象犯罪查证"], "已查证达到");
    assert_eq!(read["行为日期"], "2025-06-18");
    assert_eq!(read["账户"].as_array().unwrap().len(), 3);
    assert_eq!(read["账户"][2]["流入资金"], "73000");

    // batch: the lines of ruling batch, blank lines, CRLF and bad lines included.
    let mut lines = String::new();
    for f in [
        "examples/收卡团伙组织者.toml",
        STUDENT,
        "examples/银行职员开户.toml",
    ] {
        lines.push_str(&toml_case_as_json(Path::new(f)));
        lines.push_str("\r\n\n");
    }
    lines.push_str("{\"电话卡数\": \"二十\"}\n{没有引号}\n{\"案件\": \"末行无换行\"}");
    let input = dir.join("批量.jsonl");
    std::fs::write(&input, &lines).unwrap();
    let cli = stdout(&ruling(&["batch", input.to_str().unwrap()]));
    let (status, h, body) = post(&s, "/v1/batch", "application/x-ndjson", &lines);
    assert_eq!((status, h.as_str()), (200, fp.as_str()));
    assert_eq!(body, cli);
    assert_eq!(body.lines().count(), 6);
    let cli = stdout(&ruling(&[
        "batch",
        input.to_str().unwrap(),
        "--closed-world",
    ]));
    let (_, _, body) = post(
        &s,
        "/v1/batch?closed_world=true",
        "application/x-ndjson",
        &lines,
    );
    assert_eq!(body, cli);

    // The page and its files, embedded.
    let (status, h, body) = get(&s, "/");
    assert_eq!((status, h.as_str()), (200, fp.as_str()));
    assert!(body.contains("帮信案件评估") && body.contains("/app.js"));
    assert!(
        !body.contains("http://") && !body.contains("https://"),
        "the page loads nothing from elsewhere"
    );
    let (status, _, script) = get(&s, "/app.js");
    assert_eq!(status, 200);
    assert!(script.contains("/v1/eval") && !script.contains("https://"));
    assert_eq!(get(&s, "/app.css").0, 200);

    // Unknown paths and methods: JSON errors too.
    let (status, h, body) = get(&s, "/v2/nothing");
    assert_eq!((status, h.as_str()), (404, fp.as_str()));
    assert!(json(&body)["error"]
        .as_str()
        .unwrap()
        .contains("没有这个地址"));
    let (status, _, body) = get(&s, "/v1/eval");
    assert_eq!(status, 405);
    assert!(json(&body)["help"].as_str().unwrap().contains("POST"));
}

#[test]
fn bad_requests_get_json_errors_in_chinese() {
    let s = Server::start(&[]);
    let fp = cli_fingerprint();

    let (status, h, body) = post(&s, "/v1/eval", "application/json", "{\"行为日期\": ");
    assert_eq!((status, h.as_str()), (400, fp.as_str()));
    let e = json(&body);
    // The case reader's own words, with the place: 第 1 行第 10 列：JSON 不完整…
    let error = e["error"].as_str().unwrap();
    assert!(
        error.starts_with("第 1 行第 10 列：") && error.contains("JSON 不完整"),
        "{e}"
    );
    assert_eq!(
        e["help"],
        "请检查引号、逗号和括号是否成对，是否少了最后的 }"
    );
    assert_eq!(e["status"], 400);

    let (status, _, body) = post(
        &s,
        "/v1/eval",
        "application/json",
        "{\"电话卡数\": \"很多张\", \"被帮助对像犯罪查证\": \"已查证达到\"}",
    );
    assert_eq!(status, 422);
    let e = json(&body);
    let problems = e["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{e}");
    // Each message is placed (第 1 行第 N 列：) and then says what the reader says.
    assert_eq!(
        problems[0]["message"],
        "第 1 行第 10 列：“电话卡数”：无法识别的个数“很多张”"
    );
    assert_eq!(
        problems[0]["help"],
        "个数写作不加引号的整数（例如 20），或 \"20张\"、\"二十张\""
    );
    assert_eq!(
        problems[1]["message"],
        "第 1 行第 17 列：未知的键“被帮助对像犯罪查证”"
    );
    assert_eq!(problems[1]["help"], "是否应为“被帮助对象犯罪查证”？");

    let (status, _, body) = post(&s, "/v1/eval", "application/json", "[1, 2]");
    assert_eq!(status, 422);
    assert!(json(&body)["error"]
        .as_str()
        .unwrap()
        .contains("应是一个表"));

    let (status, _, body) = post(
        &s,
        "/v1/explain",
        "application/json",
        "{\"case\": {}, \"conclusion\": \"情节严\"}",
    );
    assert_eq!(status, 422);
    assert_eq!(json(&body)["help"], "是否应为“情节严重”？");

    // Over the body limit, with a length given…
    // (Sent raw: the service answers before it reads the body, and a client that writes the
    // whole body before reading, as ureq does, only sees the connection close.)
    let big = format!("{{\"说明\": \"{}\"}}", "案".repeat(400_000));
    let mut request = format!(
        "POST /v1/eval HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        s.authority(),
        big.len()
    )
    .into_bytes();
    request.extend_from_slice(big.as_bytes());
    let raw = s.raw(&request);
    assert!(raw.starts_with("HTTP/1.1 413"), "{raw}");
    assert!(raw.contains(&format!("ruling-fingerprint: {fp}")), "{raw}");
    assert!(raw.contains("请求体超过 1024 KiB"), "{raw}");
    // …and sent in chunks without one.
    let mut chunked = format!(
        "POST /v1/eval HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        s.authority()
    )
    .into_bytes();
    for _ in 0..20 {
        let piece = vec![b' '; 100_000];
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(&piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let raw = s.raw(&chunked);
    assert!(raw.starts_with("HTTP/1.1 413"), "{raw}");
    assert!(raw.contains("请求体超过"), "{raw}");

    let (status, _, body) = post(&s, "/v1/eval", "text/plain", "{}");
    assert_eq!(status, 415);
    let e = json(&body);
    assert!(e["error"].as_str().unwrap().contains("text/plain"));
    assert!(e["help"].as_str().unwrap().contains("application/json"));
    let (status, _, _) = post(&s, "/v1/batch", "application/json", "{}");
    assert_eq!(status, 415);

    // Not UTF-8.
    let (status, _, body) = answer(
        agent()
            .post(s.url("/v1/eval"))
            .header("Content-Type", "application/json")
            .send(&[b'{', b'"', 0xff, b'"', b':', b'1', b'}'][..]),
    );
    assert_eq!(status, 400);
    assert!(json(&body)["error"].as_str().unwrap().contains("UTF-8"));

    // A page elsewhere that points a DNS name at 127.0.0.1 is not answered.
    let raw =
        s.raw(b"GET /v1/facts HTTP/1.1\r\nHost: evil.example:8750\r\nConnection: close\r\n\r\n");
    assert!(raw.starts_with("HTTP/1.1 403"), "{raw}");
    assert!(raw.contains("不是本机地址"));

    // The service is still well after all this.
    assert_eq!(get(&s, "/healthz").0, 200);
}

#[test]
fn two_hundred_concurrent_requests_answer_as_the_cli() {
    let s = Server::start(&[]);
    let dir = temp_dir("concurrent");
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/cases")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() > 100);
    let mut jsons = Vec::new();
    let mut paths = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let text = toml_case_as_json(f);
        let p = dir.join(format!("{i:03}.json"));
        std::fs::write(&p, &text).unwrap();
        jsons.push(text);
        paths.push(p.to_str().unwrap().to_string());
    }
    // One run of the command line over every case: an array of the same documents it prints
    // one at a time (pretty-printed, one line break after).
    // The same again in the closed world.
    let cli_all = |closed: bool| -> Vec<String> {
        let mut args = vec!["eval".to_string()];
        args.extend(paths.iter().cloned());
        args.extend(["--format".into(), "json".into()]);
        if closed {
            args.push("--closed-world".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        json(&stdout(&ruling(&args)))
            .as_array()
            .unwrap()
            .iter()
            .map(|d| serde_json::to_string_pretty(d).unwrap() + "\n")
            .collect()
    };
    let expected = cli_all(false);
    let expected_closed = cli_all(true);
    assert_eq!(expected.len(), jsons.len());
    assert_eq!(expected_closed.len(), jsons.len());
    // And case by case for a few, to hold the comparison itself to the bytes printed.
    for i in [0, jsons.len() / 2, jsons.len() - 1] {
        let one = stdout(&ruling(&["eval", &paths[i], "--format", "json"]));
        assert_eq!(one, expected[i]);
    }

    let barrier = std::sync::Arc::new(std::sync::Barrier::new(200));
    let jsons = std::sync::Arc::new(jsons);
    let threads: Vec<_> = (0..200)
        .map(|n| {
            let closed = n % 2 == 1;
            let url = s.url(if closed {
                "/v1/eval?closed_world=true"
            } else {
                "/v1/eval"
            });
            let barrier = std::sync::Arc::clone(&barrier);
            let jsons = std::sync::Arc::clone(&jsons);
            std::thread::spawn(move || {
                let i = n % jsons.len();
                barrier.wait();
                let a = answer(
                    agent()
                        .post(&url)
                        .header("Content-Type", "application/json")
                        .send(jsons[i].as_str()),
                );
                (i, closed, a)
            })
        })
        .collect();
    for t in threads {
        let (i, closed, (status, _, body)) = t.join().unwrap();
        assert_eq!(status, 200, "{body}");
        let want = if closed {
            &expected_closed[i]
        } else {
            &expected[i]
        };
        assert_eq!(
            &body,
            want,
            "case {} (closed world: {closed})",
            files[i].display()
        );
    }
}

/// Waits until `/v1/rules` satisfies `done`.
fn wait_for(s: &Server, what: &str, done: impl Fn(&J) -> bool) -> J {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let rules = json(&get(s, "/v1/rules").2);
        if done(&rules) {
            return rules;
        }
        assert!(Instant::now() < deadline, "{what}: {rules}\n{}", s.log());
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Writes a file whole, as an editor saving it does: a new file renamed over the old.
fn save(path: &Path, text: &str) {
    let tmp = path.with_extension("rule.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn a_good_rule_edit_is_picked_up_and_a_broken_one_refused() {
    let dir = temp_dir("live");
    copy_rules(&dir);
    let s = Server::start(&["--rules", dir.to_str().unwrap()]);
    let case = "{\"被帮助对象犯罪查证\": \"已查证达到\", \"账户\": [\
        {\"类型\": \"银行账户\", \"归属\": \"本人\", \"行为\": \"出售\", \"流入资金\": \"10万元\"},\
        {\"类型\": \"银行账户\", \"归属\": \"本人\", \"行为\": \"出租\", \"流入资金\": \"10万元\"},\
        {\"类型\": \"支付账户\", \"归属\": \"本人\", \"行为\": \"出售\", \"流入资金\": \"10万元\"}]}";
    let first = json(&get(&s, "/v1/rules").2);
    let fp1 = first["fingerprint"].as_str().unwrap().to_string();
    let (_, h, body) = post(&s, "/v1/eval", "application/json", case);
    assert_eq!(h, fp1);
    let r = json(&body);
    assert_eq!(r["conclusions"]["情节严重"]["value"], true);
    assert_eq!(
        r["conclusions"]["情节严重依据"]["value"],
        serde_json::json!(["法发〔2025〕12号第6条第(1)项"])
    );

    // A good edit: four accounts are now needed.
    let file = dir.join("意见6-情节严重.rule");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("参数 本人账户数标准 = 3个"));
    save(
        &file,
        &text.replace("参数 本人账户数标准 = 3个", "参数 本人账户数标准 = 4个"),
    );
    let second = wait_for(&s, "the good edit was not picked up", |r| {
        r["fingerprint"] != fp1.as_str()
    });
    let fp2 = second["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(second["rejected"], J::Null);
    let (_, h, body) = post(&s, "/v1/eval", "application/json", case);
    assert_eq!(h, fp2);
    let r = json(&body);
    assert_eq!(r["rules"]["fingerprint"], fp2.as_str());
    assert_eq!(
        r["conclusions"]["情节严重依据"]["value"],
        serde_json::json!([])
    );
    assert_ne!(r["conclusions"]["情节严重"]["value"], true);
    assert!(s.log().contains("规则已重新加载"), "{}", s.log());

    // A broken edit: refused, the working set kept, its diagnostics shown.
    save(
        &file,
        &text
            .replace("参数 本人账户数标准 = 3个", "参数 本人账户数标准 = 4个")
            .replace(
                "则 情节严重，情节严重依据",
                "则 情节严重，情节严重依据，不存在的结论",
            ),
    );
    let third = wait_for(&s, "the broken edit was not reported", |r| {
        !r["rejected"].is_null()
    });
    assert_eq!(third["fingerprint"], fp2.as_str());
    let rejected = &third["rejected"];
    assert_eq!(rejected["kept_fingerprint"], fp2.as_str());
    let diagnostics = rejected["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    assert!(
        diagnostics
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("不存在的结论")
                && d["place"].as_str().unwrap().contains("意见6-情节严重.rule")),
        "{rejected}"
    );
    assert!(rejected["rendered"]
        .as_str()
        .unwrap()
        .contains("意见6-情节严重.rule"));
    let (_, h, body) = post(&s, "/v1/eval", "application/json", case);
    assert_eq!(h, fp2);
    assert_eq!(
        json(&body)["conclusions"]["情节严重依据"]["value"],
        serde_json::json!([])
    );
    let log = s.log();
    assert!(log.contains("的修改有错误，未采用"), "{log}");
    assert!(log.contains("不存在的结论"), "{log}");

    // Putting the file back as it was: the first set again, the refusal cleared.
    save(&file, &text);
    let back = wait_for(&s, "the restored rules were not picked up", |r| {
        r["fingerprint"] == fp1.as_str()
    });
    assert_eq!(back["rejected"], J::Null);
}

#[test]
fn the_token_is_required_when_given_and_elsewhere_than_loopback() {
    // Not on loopback without a token: refused before listening.
    let o = ruling(&["serve", "--addr", "0.0.0.0:0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o).contains("拒绝在非本机地址"),
        "{}",
        common::stderr(&o)
    );
    let o = ruling(&["serve", "--addr", "本机:80"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(common::stderr(&o).contains("无法识别的监听地址"));

    let dir = temp_dir("token");
    let short = dir.join("短.txt");
    std::fs::write(&short, "abc\n").unwrap();
    let o = ruling(&["serve", "--token-file", short.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(common::stderr(&o).contains("令牌太短"));

    let token = "k3U9-secret-token-0123456789";
    let file = dir.join("令牌.txt");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    let s = Server::start(&["--token-file", file.to_str().unwrap()]);
    let (status, _, body) = get(&s, "/v1/facts");
    assert_eq!(status, 401);
    assert!(json(&body)["help"]
        .as_str()
        .unwrap()
        .contains("Authorization: Bearer"));
    let with = |t: &str| {
        answer(
            agent()
                .get(s.url("/v1/facts"))
                .header("Authorization", &format!("Bearer {t}"))
                .call(),
        )
        .0
    };
    assert_eq!(with("k3U9-secret-token-012345678"), 401);
    assert_eq!(with(&format!("{token}x")), 401);
    assert_eq!(with(token), 200);
    let (status, _, _) = post(&s, "/v1/eval", "application/json", "{}");
    assert_eq!(status, 401);
    // The page's files and /healthz need none: the page asks for the token itself.
    assert_eq!(get(&s, "/").0, 200);
    assert_eq!(get(&s, "/healthz").0, 200);
}
