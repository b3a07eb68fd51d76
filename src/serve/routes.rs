//! The endpoints and the layers that hold every request to the [`Limits`].
//!
//! | endpoint | answer |
//! | --- | --- |
//! | `POST /v1/eval` | a JSON case → the JSON of `ruling eval --format json` |
//! | `POST /v1/explain` | `{"case", "conclusion"}` → the text of `ruling explain`, with the value |
//! | `POST /v1/batch` | NDJSON → NDJSON, the lines of `ruling batch`, streamed |
//! | `POST /v1/case` | a JSON or TOML case → the case as the reader understood it (the page loads files so) |
//! | `GET /v1/facts` | facts (by article), records, conclusions of the rule set in use |
//! | `GET /v1/rules` | source, fingerprint, load time, the diagnostics of a refused edit |
//! | `GET /healthz` | `{"status": "ok"}` |
//! | `GET /openapi.json` | OpenAPI 3.1, schemas generated from the rule set in use |
//! | `GET /` | the page |
//!
//! Layers, outermost first: JSON errors and the fingerprint header on every answer; the Host
//! check and the token; the timeout (until the answer starts); the concurrency limit; the body
//! limit (not on `/v1/batch`, which streams).

use super::auth::Token;
use super::engine::Engine;
use super::error::{for_status, json_body, ApiError};
use super::reload::Live;
use super::{batch, openapi, page, Limits, FINGERPRINT};
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value as J};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct App {
    live: Arc<Live>,
    limits: Limits,
    token: Option<Arc<Token>>,
    /// The address listened on: on loopback, only requests naming a loopback host are answered.
    bound: SocketAddr,
    batches: Arc<Semaphore>,
}

impl App {
    /// The shared state of a service.
    pub fn new(
        live: Arc<Live>,
        limits: Limits,
        token: Option<Arc<Token>>,
        bound: SocketAddr,
    ) -> App {
        App {
            live,
            limits,
            token,
            bound,
            batches: Arc::new(Semaphore::new(limits.batch_streams)),
        }
    }
}

/// The whole service.
pub fn router(app: App) -> Router {
    let limited = Router::new()
        .route("/v1/eval", post(eval))
        .route("/v1/explain", post(explain))
        .route("/v1/case", post(case))
        .layer(RequestBodyLimitLayer::new(app.limits.body_bytes));
    Router::new()
        .merge(limited)
        .route("/v1/batch", post(batch_lines))
        .route("/v1/facts", get(facts))
        .route("/v1/rules", get(rules))
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(openapi_json))
        .merge(page::routes())
        .fallback(not_found)
        .layer(
            ServiceBuilder::new()
                .layer(middleware::from_fn_with_state(app.clone(), finish))
                .layer(middleware::from_fn_with_state(app.clone(), guard))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    app.limits.timeout,
                ))
                .layer(RequestBodyTimeoutLayer::new(app.limits.timeout))
                .layer(GlobalConcurrencyLimitLayer::new(app.limits.concurrency)),
        )
        .with_state(app)
}

/// Every answer names the fingerprint; an error that a layer or the router gave without a JSON
/// body gets one, in Chinese, with the fix.
async fn finish(State(app): State<App>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let status = response.status();
    if (status.is_client_error() || status.is_server_error()) && !is_json(response.headers()) {
        let kept = response.headers().get(header::WWW_AUTHENTICATE).cloned();
        response = for_status(status, &app.limits).into_response();
        if let Some(v) = kept {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
    }
    let headers = response.headers_mut();
    if !headers.contains_key(FINGERPRINT) {
        if let Ok(v) = HeaderValue::from_str(app.live.engine().fingerprint()) {
            headers.insert(FINGERPRINT, v);
        }
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// On loopback, only requests addressed to a loopback name (so that a web page elsewhere cannot
/// reach the service through a DNS name it points at 127.0.0.1); with a token, only requests
/// that carry it (but the page's own files and `/healthz`).
async fn guard(State(app): State<App>, request: Request, next: Next) -> Response {
    if app.bound.ip().is_loopback() && !loopback_host(request.headers()) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "请求的主机名不是本机地址，已拒绝",
            format!("请用 http://{}/ 访问", app.bound),
        )
        .into_response();
    }
    if let Some(token) = &app.token {
        let path = request.uri().path();
        let public = path == "/healthz" || page::is_page(path);
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .map(HeaderValue::as_bytes);
        if !public && !token.accepts(given) {
            let mut response = for_status(StatusCode::UNAUTHORIZED, &app.limits).into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"ruling\""),
            );
            return response;
        }
    }
    next.run(request).await
}

fn loopback_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        // HTTP/1.0 without Host: only a program on this machine could have sent it.
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(n, _)| n),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn is_json(headers: &HeaderMap) -> bool {
    media_type(headers).is_some_and(|m| m == "application/json")
}

/// The media type of a request or answer, lower case, without parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(
        value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase(),
    )
}

/// 415 unless the request's content type is one of `accepted`.
fn require_type(headers: &HeaderMap, accepted: &[&str], engine: &Engine) -> Result<(), ApiError> {
    let given = media_type(headers);
    if given.as_deref().is_some_and(|m| accepted.contains(&m)) {
        return Ok(());
    }
    let mut e = ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        match given {
            Some(m) => format!("不接受内容类型“{m}”"),
            None => "请求没有注明内容类型（Content-Type）".to_string(),
        },
        format!(
            "请在请求头中加上 Content-Type: {}",
            accepted.first().copied().unwrap_or("application/json")
        ),
    );
    e.fingerprint = Some(engine.fingerprint().to_string());
    Err(e)
}

/// The whole body, or 413 past the body limit (when the client did not say its length).
async fn read_body(body: Body, app: &App, engine: &Engine) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, app.limits.body_bytes)
        .await
        .map_err(|e| {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            let mut too_large = false;
            while let Some(s) = source {
                too_large |= s.is::<http_body_util::LengthLimitError>();
                source = s.source();
            }
            let mut error = if too_large {
                for_status(StatusCode::PAYLOAD_TOO_LARGE, &app.limits)
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("无法读取请求体：{e}"),
                    "请求在发送中断开；请重试",
                )
            };
            error.fingerprint = Some(engine.fingerprint().to_string());
            error
        })
}

/// The query of the evaluating endpoints.
#[derive(Debug, Deserialize)]
struct Flags {
    /// `?closed_world=true`: as `--closed-world`.
    closed_world: Option<bool>,
    /// `?format=toml` for `/v1/case`.
    format: Option<String>,
}

/// A JSON answer from the engine that computed it.
fn answer(engine: &Engine, status: StatusCode, body: String) -> Response {
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        body,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(engine.fingerprint()) {
        response.headers_mut().insert(FINGERPRINT, v);
    }
    response
}

fn answer_json(engine: &Engine, value: &J) -> Response {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    answer(engine, StatusCode::OK, text)
}

async fn eval(
    State(app): State<App>,
    Query(flags): Query<Flags>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    // The set in use when the request came: kept to the end even if the rules are reloaded.
    let engine = app.live.engine();
    require_type(&headers, &["application/json"], &engine)?;
    let bytes = read_body(body, &app, &engine).await?;
    let text = engine
        .eval(&bytes, flags.closed_world.unwrap_or(false))
        .map_err(|p| ApiError::from_problem(p, engine.fingerprint()))?;
    Ok(answer(&engine, StatusCode::OK, text))
}

async fn explain(
    State(app): State<App>,
    Query(flags): Query<Flags>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let engine = app.live.engine();
    require_type(&headers, &["application/json"], &engine)?;
    let bytes = read_body(body, &app, &engine).await?;
    let value = engine
        .explain(&bytes, flags.closed_world.unwrap_or(false))
        .map_err(|p| ApiError::from_problem(p, engine.fingerprint()))?;
    Ok(answer_json(&engine, &value))
}

async fn case(
    State(app): State<App>,
    Query(flags): Query<Flags>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let engine = app.live.engine();
    require_type(&headers, &["application/json", "application/toml"], &engine)?;
    let toml = media_type(&headers).as_deref() == Some("application/toml")
        || flags.format.as_deref() == Some("toml");
    let bytes = read_body(body, &app, &engine).await?;
    let value = engine
        .case_json(&bytes, toml)
        .map_err(|p| ApiError::from_problem(p, engine.fingerprint()))?;
    Ok(answer_json(&engine, &value))
}

async fn batch_lines(
    State(app): State<App>,
    Query(flags): Query<Flags>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let engine = app.live.engine();
    require_type(
        &headers,
        &[
            "application/x-ndjson",
            "application/jsonl",
            "application/json-lines",
        ],
        &engine,
    )?;
    let Ok(permit) = Arc::clone(&app.batches).try_acquire_owned() else {
        let mut e = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "已有 {} 个批量请求在处理，请稍后再试",
                app.limits.batch_streams
            ),
            "请等前面的批量请求完成，或把案件合并到一个请求中",
        );
        e.fingerprint = Some(engine.fingerprint().to_string());
        return Err(e);
    };
    let fingerprint = HeaderValue::from_str(engine.fingerprint()).ok();
    let body = batch::stream(engine, flags.closed_world.unwrap_or(false), body, permit);
    let mut response = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-ndjson; charset=utf-8"),
        )],
        body,
    )
        .into_response();
    if let Some(v) = fingerprint {
        response.headers_mut().insert(FINGERPRINT, v);
    }
    Ok(response)
}

async fn facts(State(app): State<App>) -> Response {
    let engine = app.live.engine();
    answer_json(&engine, &engine.facts_json())
}

async fn rules(State(app): State<App>) -> Response {
    let engine = app.live.engine();
    answer_json(&engine, &app.live.rules_json())
}

async fn healthz(State(app): State<App>) -> Response {
    let engine = app.live.engine();
    answer_json(
        &engine,
        &json!({"status": "ok", "rules": engine.rules_brief()}),
    )
}

async fn openapi_json(State(app): State<App>) -> Response {
    let engine = app.live.engine();
    answer_json(
        &engine,
        &openapi::document(&engine.facts_json(), &app.limits),
    )
}

async fn not_found(State(app): State<App>) -> Response {
    let e = for_status(StatusCode::NOT_FOUND, &app.limits);
    (e.status, json_body(&e.body())).into_response()
}
