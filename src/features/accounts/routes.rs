//! REST routes of accounts: `POST /api/auth/token` and `GET /api/auth/me`.

use axum::{
    body::Bytes,
    extract::{ConnectInfo, State},
    http::HeaderMap,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::json;

use super::service;
use crate::{
    i18n::t,
    platform::{
        api::{ok, parse_body, ApiError},
        auth::BearerUser,
        lang::request_lang,
        state::AppState,
        throttle,
    },
};

/// Routes under `/api`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/auth/token", post(create_token))
        .route("/auth/me", get(me))
}

#[derive(Deserialize, Default)]
struct Credentials {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /api/auth/token` with `email` and `password` (JSON or a form): a bearer token valid
/// 30 days.
async fn create_token(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    let ip = throttle::client_of(&headers, peer, state.config.trust_proxy);
    let per_minute = state.config.rate.tokens_per_minute;
    throttle::limit(&state.pool, "token", &ip, per_minute, 60, Vec::new())
        .await
        .map_err(|e| ApiError::from_app(lang, &e))?;
    let creds: Credentials = parse_body(&headers, &body, lang)?;
    let user = service::authenticate(
        &state.pool,
        &state.config,
        &creds.email,
        &creds.password,
        &ip,
    )
    .await
    .map_err(|e| ApiError::from_app(lang, &e))?;
    let agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    super::security::note_sign_in(&state.pool, &state.config, &user, &ip, agent)
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
