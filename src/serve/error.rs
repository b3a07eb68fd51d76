//! Errors as JSON: every refusal of the service is an object with the Chinese message and help
//! the command line would print, so that a case-management system can show it to the person who
//! typed the case, and the status code tells a program what kind of problem it is.
//!
//! ```json
//! {"error": "“电话卡数”：应是整数，实为文字", "help": "个数写作不加引号的整数，例如 20",
//!  "problems": [{"message": "…", "help": "…"}], "status": 422}
//! ```

use super::engine::{Problem, ProblemKind};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value as J};

/// A refusal: status, and each problem as (message, help).
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Each problem: (message, help).
    pub items: Vec<(String, Option<String>)>,
    /// The rule set's fingerprint, when a rule set was consulted.
    pub fingerprint: Option<String>,
}

impl ApiError {
    /// One problem.
    pub fn new(status: StatusCode, message: impl Into<String>, help: impl Into<String>) -> Self {
        ApiError {
            status,
            items: vec![(message.into(), Some(help.into()))],
            fingerprint: None,
        }
    }

    /// A case the reader could not read: 400 when the text is not JSON (or TOML) at all, 422
    /// when it is but the reader refuses its content.
    pub fn from_problem(problem: Problem, fingerprint: &str) -> Self {
        let status = match problem.kind {
            ProblemKind::Malformed => StatusCode::BAD_REQUEST,
            ProblemKind::Refused => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError {
            status,
            items: problem.items,
            fingerprint: Some(fingerprint.to_string()),
        }
    }

    /// The body: `error` and `help` of the first problem, every problem under `problems`.
    pub fn body(&self) -> J {
        let problems: Vec<J> = self
            .items
            .iter()
            .map(|(m, h)| json!({"message": m, "help": h}))
            .collect();
        let (first, help) = self
            .items
            .first()
            .map_or(("请求有误", None), |(m, h)| (m.as_str(), h.as_deref()));
        let error = if self.items.len() > 1 {
            format!(
                "{first}（另有 {} 个问题，见 problems）",
                self.items.len() - 1
            )
        } else {
            first.to_string()
        };
        json!({
            "error": error,
            "help": help,
            "problems": problems,
            "status": self.status.as_u16(),
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, json_body(&self.body())).into_response();
        if let Some(fp) = self.fingerprint.as_deref() {
            if let Ok(v) = HeaderValue::from_str(fp) {
                response.headers_mut().insert(super::FINGERPRINT, v);
            }
        }
        response
    }
}

/// A JSON body with its content type.
pub fn json_body(value: &J) -> ([(header::HeaderName, HeaderValue); 1], String) {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        text,
    )
}

/// The JSON error for a status that a layer (body limit, timeout, routing) answered with a plain
/// or empty body: what it means for the user and what to do.
pub fn for_status(status: StatusCode, limits: &super::Limits) -> ApiError {
    let (message, help) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            format!("请求体超过 {} KiB", limits.body_bytes / 1024),
            "请把案件拆小，或用 /v1/batch 逐行发送（每行一个案件）".to_string(),
        ),
        StatusCode::REQUEST_TIMEOUT => (
            format!("请求未能在 {} 秒内处理完毕，已中止", limits.timeout.as_secs()),
            "服务繁忙或请求过大；请稍后重试，批量案件请用 /v1/batch".to_string(),
        ),
        StatusCode::NOT_FOUND => (
            "没有这个地址".to_string(),
            "可用的地址见 /openapi.json：/v1/eval、/v1/explain、/v1/batch、/v1/facts、/v1/rules、/healthz"
                .to_string(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "这个地址不接受此请求方法".to_string(),
            "/v1/eval、/v1/explain、/v1/batch、/v1/case 用 POST；/v1/facts、/v1/rules、/healthz 用 GET"
                .to_string(),
        ),
        StatusCode::UNAUTHORIZED => (
            "缺少或错误的访问令牌".to_string(),
            "请在请求头中加上 Authorization: Bearer 令牌（令牌即 --token-file 文件的内容）"
                .to_string(),
        ),
        other => (
            format!("请求未能处理（HTTP {}）", other.as_u16()),
            "请检查请求的地址、方法和内容".to_string(),
        ),
    };
    ApiError::new(status, message, help)
}
