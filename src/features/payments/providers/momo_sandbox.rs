//! The built-in sandbox playing MTN MoMo Collection in the demo (`./dev serve` without MTN
//! credentials): the token endpoint, requests to pay taken and read back in MTN's wire format
//! (strings, `X-Reference-Id`, 409 on a reused id, `PENDING | SUCCESSFUL | FAILED` with a
//! reason), MTN's documented sandbox numbers, and a pretend phone on the waiting page where the
//! payer approves, declines or has not enough money. A decision is sent to the request's
//! `X-Callback-Url` as MTN does (once, unsigned). The real client of `providers::mtn_momo`
//! talks to it over HTTP. It answers only when the sandbox is on, and charges nothing.

use axum::{
    extract::{Form, Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::platform::state::AppState;

const USER: &str = "tessera-sandbox";
const TOKEN: &str = "sbx-momo-token";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sandbox/momo/collection/token/", post(token))
        .route("/sandbox/momo/collection/v1_0/requesttopay", post(request))
        .route(
            "/sandbox/momo/collection/v1_0/requesttopay/{id}",
            get(status),
        )
        .route("/sandbox/momo/phone/{id}", post(phone))
}

fn on(state: &AppState) -> bool {
    state
        .config
        .mobile_money
        .momo
        .as_ref()
        .is_some_and(|m| m.sandbox)
}

fn header<'a>(h: &'a HeaderMap, k: &str) -> &'a str {
    h.get(k).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

fn coded(status: StatusCode, code: &str) -> Response {
    (status, Json(json!({ "code": code, "message": code }))).into_response()
}

/// `POST /collection/token/`: Basic `apiUser:apiKey` and the subscription key.
async fn token(State(state): State<AppState>, h: HeaderMap) -> Response {
    use base64::Engine;
    if !on(&state) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:sandbox"));
    if header(&h, "authorization") != format!("Basic {basic}")
        || header(&h, "ocp-apim-subscription-key") != "sandbox"
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "login_failed" })),
        )
            .into_response();
    }
    Json(json!({ "access_token": TOKEN, "token_type": "access_token", "expires_in": 3600 }))
        .into_response()
}

fn authorised(h: &HeaderMap) -> bool {
    header(h, "authorization") == format!("Bearer {TOKEN}")
        && header(h, "ocp-apim-subscription-key") == "sandbox"
        && header(h, "x-target-environment") == "sandbox"
}

/// `POST /collection/v1_0/requesttopay`: 202 with no body, 409 when the id was used.
async fn request(State(state): State<AppState>, h: HeaderMap, body: axum::body::Bytes) -> Response {
    if !on(&state) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !authorised(&h) {
        return coded(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
    }
    let Ok(id) = Uuid::parse_str(header(&h, "x-reference-id")) else {
        return coded(StatusCode::BAD_REQUEST, "INVALID_REFERENCE_ID");
    };
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return coded(StatusCode::BAD_REQUEST, "INVALID_REQUEST");
    };
    let strings = [
        "amount",
        "currency",
        "externalId",
        "payerMessage",
        "payeeNote",
    ]
    .iter()
    .all(|k| body.get(*k).is_some_and(Value::is_string))
        && body["payer"]["partyIdType"] == "MSISDN"
        && body["payer"]["partyId"].is_string();
    if !strings {
        return coded(StatusCode::BAD_REQUEST, "INVALID_REQUEST");
    }
    if !matches!(body["currency"].as_str(), Some("XAF" | "EUR")) {
        return coded(StatusCode::INTERNAL_SERVER_ERROR, "INVALID_CURRENCY");
    }
    let amount_ok = body["amount"]
        .as_str()
        .is_some_and(|a| a.parse::<f64>().is_ok_and(|v| v > 0.0));
    if !amount_ok {
        return coded(StatusCode::INTERNAL_SERVER_ERROR, "INVALID_AMOUNT");
    }
    let callback = h
        .get("x-callback-url")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let inserted = sqlx::query!(
        "INSERT INTO sandbox_momo_requests (reference_id, body, callback_url) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        id,
        body,
        callback
    )
    .execute(&state.pool)
    .await;
    match inserted {
        Ok(r) if r.rows_affected() == 0 => coded(StatusCode::CONFLICT, "RESOURCE_ALREADY_EXIST"),
        Ok(_) => StatusCode::ACCEPTED.into_response(),
        Err(_) => coded(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_PROCESSING_ERROR",
        ),
    }
}

/// What a request stands at: the phone's decision, MTN's test numbers, or waiting (given up
/// as expired after the approval window).
fn answer(body: &Value, decision: Option<&str>, polls: i32, expired: bool) -> Value {
    let mut a = json!({
        "amount": body["amount"], "currency": body["currency"], "externalId": body["externalId"],
        "payer": body["payer"], "payerMessage": body["payerMessage"], "payeeNote": body["payeeNote"],
    });
    let msisdn = body["payer"]["partyId"].as_str().unwrap_or_default();
    let (status, reason): (&str, Option<Value>) = match (decision, msisdn) {
        (Some("SUCCESSFUL"), _) => ("SUCCESSFUL", None),
        (Some(code), _) => ("FAILED", Some(json!(code))),
        (None, "46733123450") => ("FAILED", Some(json!("INTERNAL_PROCESSING_ERROR"))),
        (None, "46733123451") => ("FAILED", Some(json!("APPROVAL_REJECTED"))),
        (None, "46733123452") => (
            "FAILED",
            Some(json!({ "code": "EXPIRED", "message": "Timed out" })),
        ),
        (None, "46733123453") => ("PENDING", None),
        (None, "46733123454") if polls < 3 => ("PENDING", None),
        (None, "46733123454") => ("SUCCESSFUL", None),
        (None, _) if expired => ("FAILED", Some(json!("EXPIRED"))),
        (None, _) => ("PENDING", None),
    };
    a["status"] = json!(status);
    if let Some(r) = reason {
        a["reason"] = r;
    }
    if status == "SUCCESSFUL" {
        a["financialTransactionId"] = json!(format!("{}", 1_000_000_000 + polls as i64));
    }
    a
}

/// `GET /collection/v1_0/requesttopay/{id}`.
async fn status(State(state): State<AppState>, h: HeaderMap, Path(id): Path<String>) -> Response {
    if !on(&state) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !authorised(&h) {
        return coded(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return coded(StatusCode::BAD_REQUEST, "INVALID_REFERENCE_ID");
    };
    let window = state.config.mobile_money.window_secs as f64;
    let row = sqlx::query!(
        r#"UPDATE sandbox_momo_requests SET polls = polls + 1 WHERE reference_id = $1
           RETURNING body, polls, decision,
                     created_at < now() - make_interval(secs => $2) AS "expired!""#,
        id,
        window
    )
    .fetch_optional(&state.pool)
    .await;
    match row {
        Ok(Some(r)) => {
            Json(answer(&r.body, r.decision.as_deref(), r.polls, r.expired)).into_response()
        }
        Ok(None) => coded(StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND"),
        Err(_) => coded(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_PROCESSING_ERROR",
        ),
    }
}

#[derive(Deserialize, Default)]
struct PhoneForm {
    #[serde(default)]
    choice: String,
    #[serde(default)]
    back: String,
}

/// The pretend phone: the payer approves, declines, or has not enough money. MTN then tells
/// the callback address, once.
async fn phone(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Form(f): Form<PhoneForm>,
) -> Response {
    if !on(&state) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let decision = match f.choice.as_str() {
        "approve" => "SUCCESSFUL",
        "decline" => "APPROVAL_REJECTED",
        "no_funds" => "NOT_ENOUGH_FUNDS",
        _ => return StatusCode::UNPROCESSABLE_ENTITY.into_response(),
    };
    let row = sqlx::query!(
        "UPDATE sandbox_momo_requests SET decision = $2 WHERE reference_id = $1 AND decision IS NULL
         RETURNING body, polls, callback_url",
        id,
        decision
    )
    .fetch_optional(&state.pool)
    .await;
    if let Ok(Some(r)) = row {
        if let Some(url) = r.callback_url {
            let mut body = answer(&r.body, Some(decision), r.polls, false);
            body["referenceId"] = json!(id.to_string());
            let http = state.http.clone();
            tokio::spawn(async move {
                if let Err(e) = http.put(&url).json(&body).send().await {
                    tracing::debug!(error = %e, "the sandbox's MTN callback was not delivered");
                }
            });
        }
    }
    // Back to this site's own page only.
    let back = if f.back.starts_with('/') && !f.back.starts_with("//") {
        f.back
    } else {
        "/".to_string()
    };
    Redirect::to(&back).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_answers_as_mtn_does() {
        let body = |n: &str| {
            json!({"amount": "5000", "currency": "XAF", "externalId": "PAY-2026-000001",
                   "payer": {"partyIdType": "MSISDN", "partyId": n}, "payerMessage": "m", "payeeNote": "n"})
        };
        let a = answer(&body("237677000000"), None, 1, false);
        assert_eq!(a["status"], "PENDING");
        let a = answer(&body("237677000000"), None, 9, true);
        assert_eq!(
            (a["status"].as_str(), a["reason"].as_str()),
            (Some("FAILED"), Some("EXPIRED"))
        );
        let a = answer(&body("237677000000"), Some("SUCCESSFUL"), 2, false);
        assert_eq!(a["status"], "SUCCESSFUL");
        assert_eq!(a["amount"], "5000");
        assert!(a["financialTransactionId"].is_string());
        let a = answer(&body("237677000000"), Some("NOT_ENOUGH_FUNDS"), 2, false);
        assert_eq!(a["reason"], "NOT_ENOUGH_FUNDS");
        assert_eq!(
            answer(&body("46733123451"), None, 1, false)["reason"],
            "APPROVAL_REJECTED"
        );
        assert_eq!(
            answer(&body("46733123452"), None, 1, false)["reason"]["code"],
            "EXPIRED"
        );
        assert_eq!(
            answer(&body("46733123453"), None, 50, true)["status"],
            "PENDING"
        );
        assert_eq!(
            answer(&body("46733123454"), None, 2, false)["status"],
            "PENDING"
        );
        assert_eq!(
            answer(&body("46733123454"), None, 3, false)["status"],
            "SUCCESSFUL"
        );
    }
}
