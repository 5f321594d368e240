//! What REST endpoints under `/api` share: the seeds' `{ success, message, data }` shape,
//! refusals in the caller's language, and bodies read as JSON or as a form.

use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};

use crate::{domain::Lang, error::AppError, i18n::t};

/// A refusal in the seeds' shape, with its message in the caller's language.
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn new(status: StatusCode, message: &str) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub fn unauthorized(lang: Lang) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            message: t(lang, "api.unauthorized").into(),
        }
    }

    pub fn internal(lang: Lang, e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "REST request failed");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: t(lang, "error.internal").into(),
        }
    }

    pub fn from_app(lang: Lang, e: &AppError) -> Self {
        Self {
            status: StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST),
            message: t(lang, e.message_key()).into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({ "success": false, "message": self.message, "data": Value::Null })),
        )
            .into_response()
    }
}

pub fn ok(message: &str, data: Value) -> Response {
    Json(json!({ "success": true, "message": message, "data": data })).into_response()
}

/// A request body as JSON or as a urlencoded form (both curl styles); empty means defaults.
pub fn parse_body<T: serde::de::DeserializeOwned + Default>(
    headers: &axum::http::HeaderMap,
    body: &[u8],
    lang: Lang,
) -> Result<T, ApiError> {
    if body.is_empty() {
        return Ok(T::default());
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"));
    let bad = |_| ApiError::new(StatusCode::BAD_REQUEST, t(lang, "error.bad_request"));
    if is_json {
        serde_json::from_slice(body).map_err(|e| bad(e.to_string()))
    } else {
        serde_urlencoded::from_bytes(body).map_err(|e| bad(e.to_string()))
    }
}

/// Admins only, with the refusal in the caller's language.
pub fn require_admin(user: &super::auth::AuthUser, lang: Lang) -> Result<(), ApiError> {
    if user.role.is_admin() {
        Ok(())
    } else {
        Err(ApiError::from_app(lang, &AppError::Forbidden))
    }
}
