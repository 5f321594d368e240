//! REST endpoints under `/api`, in the seeds' `{ success, message, data }` shape.
//! Thin routes over the same services the pages use.

use axum::{
    extract::{ConnectInfo, FromRequest, Request, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Form, Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{auth::BearerUser, lang::request_lang, state::AppState};
use crate::{domain::Lang, error::AppError, features::accounts::service, i18n::t};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/token", post(create_token))
        .route("/auth/me", get(me))
        .merge(crate::features::payment_tickets::rest::routes())
        .merge(crate::features::orders::rest::routes())
        .merge(super::whatsapp::routes())
        .merge(crate::features::billing::web::api_routes())
        .merge(crate::features::billing::rest::routes())
}

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

#[derive(Deserialize)]
struct Credentials {
    email: String,
    password: String,
}

/// Reads JSON or a urlencoded form, so both curl styles work.
async fn credentials(req: Request, lang: Lang) -> Result<Credentials, ApiError> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    let bad = |_| ApiError {
        status: StatusCode::BAD_REQUEST,
        message: t(lang, "error.bad_request").into(),
    };
    if is_json {
        Json::<Credentials>::from_request(req, &())
            .await
            .map(|j| j.0)
            .map_err(|e| bad(e.to_string()))
    } else {
        Form::<Credentials>::from_request(req, &())
            .await
            .map(|f| f.0)
            .map_err(|e| bad(e.to_string()))
    }
}

/// `POST /api/auth/token` with `email` and `password`: a bearer token valid 30 days.
async fn create_token(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    req: Request,
) -> Result<Response, ApiError> {
    let lang = request_lang(req.headers());
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_string());
    let ip = match forwarded {
        Some(f) if state.config.trust_proxy && !f.is_empty() => f,
        _ => peer.ip().to_string(),
    };
    let creds = credentials(req, lang).await?;
    let user = service::authenticate(
        &state.pool,
        &state.config,
        &creds.email,
        &creds.password,
        &ip,
    )
    .await
    .map_err(|e| ApiError::from_app(lang, &e))?;
    let token = service::issue_api_token(&state.pool, user.id)
        .await
        .map_err(|e| ApiError::from_app(lang, &e))?;
    Ok(ok(
        t(lang, "api.token_created"),
        json!({
            "token": token,
            "token_type": "Bearer",
            "expires_in": 30 * 24 * 3600,
            "user": { "id": user.id, "name": user.name, "email": user.email, "role": user.role.as_str() }
        }),
    ))
}

/// `GET /api/auth/me`: who the bearer token belongs to.
async fn me(BearerUser(user): BearerUser) -> Response {
    ok(
        "OK",
        json!({
            "id": user.id, "name": user.name, "email": user.email, "role": user.role.as_str(),
            "language": user.language.code(), "family_id": user.family_id
        }),
    )
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
