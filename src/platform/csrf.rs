//! CSRF defence for every state-changing request, server functions included.
//!
//! Browsers label each request with `Sec-Fetch-Site` and, on POST, `Origin`. A request that says
//! it comes from another site is refused with 403; requests without either header come from
//! non-browser clients (curl, REST clients with bearer tokens), which a forged page cannot make.
//! Server functions additionally accept only form encodings, so a JSON body gets 415; except
//! the ones listed in `JSON_FUNCTIONS`, whose bodies are too large and nested for a form (a
//! browser sends JSON only after a CORS preflight, which another site's page does not pass).

use axum::{
    body::Body,
    extract::State,
    http::{header, Method, Request, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::{lang::request_lang, state::AppState};
use crate::i18n::t;

fn host_of(origin: &str) -> Option<&str> {
    origin
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(rest))
}

fn is_cross_site<B>(req: &Request<B>, base_url: &str) -> bool {
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return true;
        }
    }
    let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    if origin == "null" {
        return true;
    }
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = host_of(origin);
    !(origin_host.is_some() && (origin_host == host || origin_host == host_of(base_url)))
}

/// Server functions that take a JSON body: the door phone's sync of its queued scans.
const JSON_FUNCTIONS: [&str; 1] = ["/fn/door_sync"];

pub async fn protect(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(&req, &state.config.base_url) {
        let lang = request_lang(req.headers());
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        return (StatusCode::FORBIDDEN, t(lang, "error.csrf")).into_response();
    }
    if req.method() == Method::POST && req.uri().path().starts_with("/fn/") {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let json_allowed =
            JSON_FUNCTIONS.contains(&req.uri().path()) && ct.starts_with("application/json");
        if !(ct.starts_with("application/x-www-form-urlencoded")
            || ct.starts_with("multipart/form-data")
            || json_allowed)
        {
            let lang = request_lang(req.headers());
            return (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                t(lang, "error.bad_request"),
            )
                .into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(headers: &[(&str, &str)]) -> Request<()> {
        let mut b = Request::builder().method("POST").uri("/fn/login");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap()
    }

    #[test]
    fn cross_origin_posts_are_detected() {
        let base = "http://127.0.0.1:3000";
        assert!(!is_cross_site(
            &req(&[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:3000")
            ]),
            base
        ));
        assert!(!is_cross_site(&req(&[("host", "127.0.0.1:3000")]), base));
        assert!(is_cross_site(
            &req(&[
                ("host", "127.0.0.1:3000"),
                ("origin", "https://evil.example")
            ]),
            base
        ));
        assert!(is_cross_site(
            &req(&[("host", "127.0.0.1:3000"), ("origin", "null")]),
            base
        ));
        assert!(is_cross_site(
            &req(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "cross-site")]),
            base
        ));
        assert!(!is_cross_site(
            &req(&[
                ("host", "x"),
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://x")
            ]),
            base
        ));
    }
}
