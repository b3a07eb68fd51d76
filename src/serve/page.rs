//! The page at `/`: static HTML, CSS and JavaScript built into the binary (`include_str!`), with
//! nothing fetched from elsewhere, so that it works offline and no case data leaves the
//! machine. The form is generated in the browser from `/v1/facts` and evaluated through
//! `/v1/eval`; the Content-Security-Policy allows the page to talk to this service only.

use super::routes::App;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

const INDEX: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/app.js");
const STYLE: &str = include_str!("page/app.css");

/// The page's paths.
const PATHS: [&str; 3] = ["/", "/app.js", "/app.css"];

/// Whether a path is one of the page's static files (served without a token: they hold no
/// data, and the page asks for the token itself).
pub fn is_page(path: &str) -> bool {
    PATHS.contains(&path)
}

/// The routes of the page.
pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/",
            get(|| async { file(INDEX, "text/html; charset=utf-8") }),
        )
        .route(
            "/app.js",
            get(|| async { file(SCRIPT, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/app.css",
            get(|| async { file(STYLE, "text/css; charset=utf-8") }),
        )
}

fn file(text: &'static str, media: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media)),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'",
                ),
            ),
        ],
        text,
    )
        .into_response()
}
