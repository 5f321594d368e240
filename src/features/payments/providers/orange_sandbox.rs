//! The built-in sandbox playing Orange Money Web Payment in the demo (`./dev serve` without
//! Orange credentials): the client-credentials token, `webpayment` (→ `pay_token`,
//! `payment_url`, `notif_token`), `transactionstatus` (`INITIATED`, `SUCCESS`, `FAILED`,
//! `EXPIRED`), and Orange's payment page, where whoever pays confirms or declines. Orange then
//! posts its unsigned notification (`status`, `notif_token`, `txnid`) and sends the browser
//! back. The real client of `providers::orange_money` talks to it over HTTP. It answers only
//! when the sandbox is on, and charges nothing.

use axum::{
    extract::{Form, Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Json, Router,
};
use rand::RngCore;
use serde::Deserialize;
use serde_json::{json, Value};

use super::sumup_sandbox::{esc, sandbox_page};
use crate::{
    i18n::t,
    platform::{lang::request_lang, state::AppState},
};

const TOKEN: &str = "sbx-orange-token";
const BASE: &str = "/sandbox/orange/orange-money-webpay/dev/v1";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sandbox/orange/oauth/v3/token", post(token))
        .route(&format!("{BASE}/webpayment"), post(webpayment))
        .route(&format!("{BASE}/transactionstatus"), post(status))
        .route(
            "/sandbox/orange/pay/{pay_token}",
            axum::routing::get(pay_page).post(pay),
        )
}

fn on(state: &AppState) -> bool {
    state
        .config
        .mobile_money
        .orange
        .as_ref()
        .is_some_and(|o| o.sandbox)
}

fn random(prefix: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

fn refused(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "code": 1, "message": message }))).into_response()
}

fn bearer_ok(h: &HeaderMap) -> bool {
    h.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"))
}

async fn token(
    State(state): State<AppState>,
    h: HeaderMap,
    Form(f): Form<std::collections::HashMap<String, String>>,
) -> Response {
    use base64::Engine;
    if !on(&state) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let basic = base64::engine::general_purpose::STANDARD.encode("tessera-sandbox:sandbox");
    let auth = h.get("authorization").and_then(|v| v.to_str().ok());
    if auth != Some(&format!("Basic {basic}"))
        || f.get("grant_type").map(String::as_str) != Some("client_credentials")
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "invalid_client" })),
        )
            .into_response();
    }
    Json(json!({ "token_type": "Bearer", "access_token": TOKEN, "expires_in": 7776000 }))
        .into_response()
}

async fn webpayment(State(state): State<AppState>, h: HeaderMap, Json(b): Json<Value>) -> Response {
    if !on(&state) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !bearer_ok(&h) {
        return refused(StatusCode::UNAUTHORIZED, "Invalid token");
    }
    let text = |k: &str| b.get(k).and_then(Value::as_str).unwrap_or_default();
    let amount = b["amount"].as_i64().unwrap_or_default();
    if text("merchant_key") != "sandbox"
        || text("currency") != "XAF"
        || amount <= 0
        || text("order_id").is_empty()
        || text("notif_url").is_empty()
        || text("return_url").is_empty()
    {
        return refused(StatusCode::BAD_REQUEST, "Invalid request");
    }
    let (pay_token, notif_token) = (random("sbx-pt-"), random("sbx-nt-"));
    let inserted = sqlx::query!(
        "INSERT INTO sandbox_orange_payments (pay_token, order_id, amount, notif_token, notif_url, return_url)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        pay_token,
        text("order_id"),
        amount,
        notif_token,
        text("notif_url"),
        text("return_url")
    )
    .execute(&state.pool)
    .await;
    match inserted {
        Ok(r) if r.rows_affected() == 1 => (
            StatusCode::CREATED,
            Json(json!({
                "status": 201, "message": "OK", "pay_token": pay_token,
                "payment_url": format!("{}/sandbox/orange/pay/{pay_token}", state.config.base_url),
                "notif_token": notif_token,
            })),
        )
            .into_response(),
        Ok(_) => refused(StatusCode::BAD_REQUEST, "Duplicate order_id"),
        Err(_) => refused(StatusCode::INTERNAL_SERVER_ERROR, "Internal error"),
    }
}

async fn status(State(state): State<AppState>, h: HeaderMap, Json(b): Json<Value>) -> Response {
    if !on(&state) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !bearer_ok(&h) {
        return refused(StatusCode::UNAUTHORIZED, "Invalid token");
    }
    let window = state.config.mobile_money.window_secs as f64;
    let row = sqlx::query!(
        r#"SELECT order_id, amount, status, txnid,
                  created_at < now() - make_interval(secs => $2) AS "expired!"
           FROM sandbox_orange_payments WHERE pay_token = $1"#,
        b["pay_token"].as_str().unwrap_or_default(),
        window
    )
    .fetch_optional(&state.pool)
    .await;
    match row {
        Ok(Some(r)) if b["order_id"] == r.order_id.as_str() && b["amount"] == r.amount => {
            let status = match r.status.as_str() {
                "INITIATED" if r.expired => "EXPIRED",
                s => s,
            };
            (
                StatusCode::CREATED,
                Json(json!({ "status": status, "order_id": r.order_id, "txnid": r.txnid })),
            )
                .into_response()
        }
        Ok(_) => refused(StatusCode::BAD_REQUEST, "Unknown payment"),
        Err(_) => refused(StatusCode::INTERNAL_SERVER_ERROR, "Internal error"),
    }
}

/// Orange's payment page: the amount, and the payer confirms (as with their PIN) or declines.
async fn pay_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(pay_token): Path<String>,
) -> Response {
    if !on(&state) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let lang = request_lang(&headers);
    let Ok(Some(r)) = sqlx::query!(
        "SELECT amount, order_id, status FROM sandbox_orange_payments WHERE pay_token = $1",
        pay_token
    )
    .fetch_optional(&state.pool)
    .await
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let amount = super::super::show_in(lang, r.amount, "XAF");
    let buttons = if r.status == "INITIATED" {
        format!(
            "<div class=\"actions\">\
             <form method=\"post\" class=\"inline\"><input type=\"hidden\" name=\"choice\" value=\"confirm\"><button type=\"submit\">{}</button></form>\
             <form method=\"post\" class=\"inline\"><input type=\"hidden\" name=\"choice\" value=\"decline\"><button type=\"submit\" class=\"danger\">{}</button></form></div>",
            esc(t(lang, "orange_sandbox.confirm")),
            esc(t(lang, "orange_sandbox.decline")),
        )
    } else {
        String::new()
    };
    let body = format!(
        "<p>{}</p><p><strong id=\"orange-amount\">{}</strong> — {}</p>{buttons}",
        esc(t(lang, "orange_sandbox.intro")),
        esc(&amount),
        esc(&r.order_id),
    );
    sandbox_page(
        lang,
        t(lang, "orange_sandbox.badge"),
        t(lang, "orange_sandbox.title"),
        &body,
    )
    .into_response()
}

#[derive(Deserialize, Default)]
struct PayForm {
    #[serde(default)]
    choice: String,
}

/// The payer's answer: recorded, notified to `notif_url` (once, unsigned), and the browser
/// sent back to the merchant's `return_url`.
async fn pay(
    State(state): State<AppState>,
    Path(pay_token): Path<String>,
    Form(f): Form<PayForm>,
) -> Response {
    if !on(&state) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (status, txnid) = match f.choice.as_str() {
        "confirm" => ("SUCCESS", Some(random("MP").to_uppercase())),
        "decline" => ("FAILED", None),
        _ => return StatusCode::UNPROCESSABLE_ENTITY.into_response(),
    };
    let row = sqlx::query!(
        "UPDATE sandbox_orange_payments SET status = $2, txnid = $3
         WHERE pay_token = $1 AND status = 'INITIATED'
         RETURNING notif_token, notif_url, return_url",
        pay_token,
        status,
        txnid
    )
    .fetch_optional(&state.pool)
    .await;
    let back = match row {
        Ok(Some(r)) => {
            let body = json!({ "status": status, "notif_token": r.notif_token, "txnid": txnid });
            let http = state.http.clone();
            let url = r.notif_url;
            tokio::spawn(async move {
                if let Err(e) = http.post(&url).json(&body).send().await {
                    tracing::debug!(error = %e, "the sandbox's Orange notification was not delivered");
                }
            });
            r.return_url
        }
        _ => "/".to_string(),
    };
    // Back to this site only.
    let back = if back.starts_with(&format!("{}/", state.config.base_url)) {
        back
    } else {
        "/".to_string()
    };
    Redirect::to(&back).into_response()
}
