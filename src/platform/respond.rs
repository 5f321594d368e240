//! Server-function plumbing: reach the state and session, and give errors their HTTP status.

use axum::http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::state::AppState;
use crate::error::AppError;

pub use crate::error::set_status;

/// Every server function ends with this, so each error carries its status.
pub fn reply<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        set_status(e);
    }
    result
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

pub async fn session() -> Result<tower_sessions::Session, AppError> {
    leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "session layer missing");
            AppError::Internal
        })
}

/// Logs the cause of an infrastructure failure and hides it from the user.
pub fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "internal error");
    AppError::Internal
}

/// The caller's address: the socket peer, or the first X-Forwarded-For hop behind a trusted proxy.
pub async fn client_ip(trust_proxy: bool) -> String {
    if trust_proxy {
        let forwarded =
            use_context::<Parts>().and_then(|p| super::throttle::forwarded_client(&p.headers));
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

/// The browser's User-Agent of the current request, or empty.
pub fn user_agent() -> String {
    use_context::<Parts>()
        .and_then(|p| {
            p.headers
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .unwrap_or_default()
}

/// Appends a header to the response of the current server function or page.
pub fn append_header(name: axum::http::HeaderName, value: axum::http::HeaderValue) {
    if let Some(opts) = use_context::<ResponseOptions>() {
        opts.append_header(name, value);
    }
}

/// Whether this server-function call is a plain HTML form's POST (the browser asks for HTML),
/// not a script's call that reads the answer itself.
pub fn from_plain_form() -> bool {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|a| a.contains("text/html"))
        })
        .unwrap_or(false)
}
