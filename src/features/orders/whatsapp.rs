//! The owner's WhatsApp replies: Meta's subscription handshake (`GET /api/whatsapp/webhook`) and
//! the signed deliveries of Confirm / Cancel button presses, each used as the owner link it carries.

use axum::{
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

use crate::platform::{
    state::AppState,
    whatsapp::{button_presses, signature_ok},
};

/// Routes under `/api`.
pub fn api_routes() -> Router<AppState> {
    Router::new().route("/whatsapp/webhook", get(verify).post(receive))
}

#[derive(Deserialize, Default)]
struct Handshake {
    #[serde(rename = "hub.mode", default)]
    mode: String,
    #[serde(rename = "hub.verify_token", default)]
    verify_token: String,
    #[serde(rename = "hub.challenge", default)]
    challenge: String,
}

fn same(a: &str, b: &str) -> bool {
    // Compare MACs of both so the time taken says nothing about the prefix that matched.
    let mac = |s: &str| {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(b"verify-token")
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        m.update(s.as_bytes());
        m.finalize().into_bytes()
    };
    mac(a) == mac(b)
}

/// Meta's subscription handshake: echo the challenge when the verify token matches.
async fn verify(State(state): State<AppState>, Query(q): Query<Handshake>) -> Response {
    let expected = state
        .config
        .whatsapp_webhook
        .as_ref()
        .map(|w| w.verify_token.expose().to_string());
    match expected {
        Some(token) if q.mode == "subscribe" && same(&q.verify_token, &token) => {
            (StatusCode::OK, q.challenge).into_response()
        }
        _ => StatusCode::FORBIDDEN.into_response(),
    }
}

/// A webhook delivery: signature first; then each Confirm / Cancel press from the owner's own
/// number uses that owner link once. Answers 200 to anything signed, so Meta does not retry
/// what has been handled (a retry would change nothing anyway).
async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(hook) = &state.config.whatsapp_webhook else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let header = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    if !signature_ok(hook.app_secret.expose(), &body, header) {
        tracing::warn!("WhatsApp webhook with a bad signature");
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Ok(json) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    for (from, token) in button_presses(&json) {
        let outcome = super::service::use_owner_link_from(
            &state.pool,
            &state.config,
            &state.signer,
            &token,
            Some(&from),
        )
        .await;
        match outcome {
            Ok((action, link_state)) => {
                tracing::info!(%action, ?link_state, "owner answered on WhatsApp")
            }
            Err(e) => tracing::warn!(error = ?e, "WhatsApp button press refused"),
        }
    }
    StatusCode::OK.into_response()
}
