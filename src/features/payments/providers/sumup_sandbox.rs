//! The built-in sandbox playing SumUp's part in the demo (`./dev serve` without SumUp
//! credentials): its authorization page, token endpoint (codes and refresh), `/v0.1/me`,
//! checkouts created and read with SumUp's field names and statuses, a hosted checkout page
//! where whoever pays chooses the outcome, and refunds. The real SumUp client of
//! `providers::sumup` talks to it over HTTP, exactly as it talks to SumUp. It answers only when
//! the sandbox is on, and charges nothing.

use axum::{
    extract::{Form, Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
    Json, Router,
};
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{
    domain::{Currency, Lang, Money},
    i18n::t,
    platform::{lang::request_lang, state::AppState},
};

/// The merchant every sandbox connection acts for.
pub const MERCHANT: &str = "MSANDBOX";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/sandbox/sumup/authorize",
            get(authorize_page).post(authorize),
        )
        .route("/sandbox/sumup/token", post(token))
        .route("/sandbox/sumup/v0.1/me", get(me))
        .route("/sandbox/sumup/v0.1/checkouts", post(create))
        .route("/sandbox/sumup/v0.1/checkouts/{id}", get(read))
        .route("/sandbox/sumup/v0.1/me/refund/{txn}", post(refund))
        .route("/sandbox/sumup/pay/{id}", get(pay_page).post(pay))
}

fn on(state: &AppState) -> bool {
    state.config.sumup.as_ref().is_some_and(|s| s.sandbox)
}

fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

fn random(prefix: &str) -> String {
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

pub(super) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(lang: Lang, title: &str, body: &str) -> Html<String> {
    sandbox_page(lang, t(lang, "sumup_sandbox.badge"), title, body)
}

/// A page of one of the built-in sandboxes, marked as such by `badge`.
pub(super) fn sandbox_page(lang: Lang, badge: &str, title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/tessera.css\"></head>\
         <body><main id=\"main\"><section class=\"card sandbox\"><p class=\"badge\">{}</p><h1>{title}</h1>{body}</section></main></body></html>",
        lang.code(),
        esc(badge),
    ))
}

#[derive(Deserialize, Default)]
struct AuthorizeQuery {
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    client_id: String,
}

/// Only back to this site, so the sandbox cannot be made an open redirect.
fn ours(state: &AppState, redirect_uri: &str) -> bool {
    redirect_uri.starts_with(&format!("{}/", state.config.base_url))
}

/// SumUp's consent page: allow or decline.
async fn authorize_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    if !on(&state) || !ours(&state, &q.redirect_uri) || q.client_id.is_empty() {
        return not_found();
    }
    let lang = request_lang(&headers);
    let hidden = format!(
        "<input type=\"hidden\" name=\"redirect_uri\" value=\"{}\"><input type=\"hidden\" name=\"state\" value=\"{}\">",
        esc(&q.redirect_uri),
        esc(&q.state)
    );
    let body = format!(
        "<p>{}</p><p><strong>{MERCHANT}</strong></p><div class=\"actions\">\
         <form method=\"post\" class=\"inline\">{hidden}<input type=\"hidden\" name=\"choice\" value=\"allow\"><button type=\"submit\">{}</button></form>\
         <form method=\"post\" class=\"inline\">{hidden}<input type=\"hidden\" name=\"choice\" value=\"deny\"><button type=\"submit\" class=\"secondary\">{}</button></form></div>",
        esc(t(lang, "sumup_sandbox.authorize_intro")),
        esc(t(lang, "sumup_sandbox.allow")),
        esc(t(lang, "sumup_sandbox.deny")),
    );
    page(lang, t(lang, "sumup_sandbox.authorize_title"), &body).into_response()
}

#[derive(Deserialize, Default)]
struct AuthorizeForm {
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    choice: String,
}

async fn remember(state: &AppState, kind: &str, value: &str, secs: i64) -> Result<(), Response> {
    sqlx::query!(
        "INSERT INTO sandbox_sumup (kind, value, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))",
        kind,
        value,
        secs as f64
    )
    .execute(&state.pool)
    .await
    .map(|_| ())
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Consumes a value of `kind` (a code or a refresh token): whether it was valid.
async fn take(state: &AppState, kind: &str, value: &str) -> bool {
    sqlx::query_scalar!(
        "DELETE FROM sandbox_sumup WHERE kind = $1 AND value = $2 AND expires_at > now() RETURNING value",
        kind,
        value
    )
    .fetch_optional(&state.pool)
    .await
    .ok()
    .flatten()
    .is_some()
}

async fn valid(state: &AppState, kind: &str, value: &str) -> bool {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM sandbox_sumup WHERE kind = $1 AND value = $2 AND expires_at > now()) AS "ok!""#,
        kind,
        value
    )
    .fetch_one(&state.pool)
    .await
    .unwrap_or(false)
}

async fn authorize(State(state): State<AppState>, Form(f): Form<AuthorizeForm>) -> Response {
    if !on(&state) || !ours(&state, &f.redirect_uri) {
        return not_found();
    }
    let sep = if f.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    let state_q = serde_urlencoded::to_string([("state", f.state.as_str())]).unwrap_or_default();
    if f.choice != "allow" {
        return Redirect::to(&format!(
            "{}{sep}error=access_denied&{state_q}",
            f.redirect_uri
        ))
        .into_response();
    }
    let code = random("sbx_code_");
    if let Err(r) = remember(&state, "code", &code, 600).await {
        return r;
    }
    Redirect::to(&format!("{}{sep}code={code}&{state_q}", f.redirect_uri)).into_response()
}

#[derive(Deserialize, Default)]
struct TokenForm {
    #[serde(default)]
    grant_type: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    refresh_token: String,
    #[serde(default)]
    client_id: String,
}

/// `POST /token`: an authorization code or a refresh token for a new pair (rotated).
async fn token(State(state): State<AppState>, Form(f): Form<TokenForm>) -> Response {
    if !on(&state) {
        return not_found();
    }
    let granted = match f.grant_type.as_str() {
        "authorization_code" => take(&state, "code", &f.code).await,
        "refresh_token" => take(&state, "refresh", &f.refresh_token).await,
        _ => false,
    };
    if !granted || f.client_id.is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_grant", "error_description": "unknown or used grant" })),
        )
            .into_response();
    }
    let (access, refresh) = (random("sbx_at_"), random("sbx_rt_"));
    for (kind, value, secs) in [
        ("access", &access, 3600),
        ("refresh", &refresh, 86_400 * 30),
    ] {
        if let Err(r) = remember(&state, kind, value, secs).await {
            return r;
        }
    }
    Json(json!({
        "access_token": access, "token_type": "Bearer", "expires_in": 3599,
        "refresh_token": refresh, "scope": "payments"
    }))
    .into_response()
}

/// The bearer token of a request, if the sandbox issued it and it has not expired.
async fn authorized(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    valid(state, "access", token.trim()).await
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "error_code": "NOT_AUTHORIZED", "message": "invalid access token" })),
    )
        .into_response()
}

async fn me(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !on(&state) {
        return not_found();
    }
    if !authorized(&state, &headers).await {
        return unauthorized();
    }
    Json(json!({ "merchant_profile": { "merchant_code": MERCHANT, "country": "CM" } }))
        .into_response()
}

fn digits(currency: &str) -> u32 {
    Currency::parse(currency).map_or(2, |c| c.minor_digits())
}

/// A stored checkout as SumUp writes one.
fn checkout_json(state: &AppState, c: &Row) -> Value {
    let amount = c.amount_minor as f64 / 10f64.powi(digits(&c.currency) as i32);
    let transactions = match (&c.transaction_id, c.status.as_str()) {
        (Some(t), "PAID") => {
            json!([{ "id": t, "transaction_code": t, "status": "SUCCESSFUL", "amount": amount, "currency": c.currency }])
        }
        (_, "FAILED") => {
            json!([{ "id": format!("failed-{}", c.id.simple()), "status": "FAILED", "amount": amount, "currency": c.currency }])
        }
        _ => json!([]),
    };
    let mut v = json!({
        "id": c.id, "checkout_reference": c.checkout_reference, "amount": amount, "currency": c.currency,
        "merchant_code": c.merchant_code, "description": c.description, "status": c.status,
        "date": c.created_at.to_rfc3339(), "valid_until": c.valid_until.map(|v| v.to_rfc3339()),
        "return_url": c.return_url, "redirect_url": c.redirect_url,
        "hosted_checkout": { "enabled": true },
        "hosted_checkout_url": format!("{}/sandbox/sumup/pay/{}", state.config.base_url, c.id),
        "transactions": transactions,
    });
    if let Some(t) = &c.transaction_id {
        v["transaction_id"] = json!(t);
        v["transaction_code"] = json!(t);
    }
    v
}

struct Row {
    id: Uuid,
    checkout_reference: String,
    amount_minor: i64,
    currency: String,
    merchant_code: String,
    description: String,
    status: String,
    transaction_id: Option<String>,
    return_url: Option<String>,
    redirect_url: Option<String>,
    valid_until: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

async fn load(state: &AppState, id: Uuid) -> Option<Row> {
    // A checkout past its `valid_until` is EXPIRED, as at SumUp.
    let _ = sqlx::query!(
        "UPDATE sandbox_sumup_checkouts SET status = 'EXPIRED' WHERE id = $1 AND status = 'PENDING' AND valid_until < now()",
        id
    )
    .execute(&state.pool)
    .await;
    sqlx::query_as!(
        Row,
        r#"SELECT id, checkout_reference, amount_minor, currency, merchant_code, description, status, transaction_id,
                  return_url, redirect_url, valid_until AS "valid_until: DateTime<Utc>", created_at AS "created_at: DateTime<Utc>"
           FROM sandbox_sumup_checkouts WHERE id = $1"#,
        id
    )
    .fetch_optional(&state.pool)
    .await
    .ok()
    .flatten()
}

/// `POST /v0.1/checkouts`.
async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(b): Json<Value>,
) -> Response {
    if !on(&state) {
        return not_found();
    }
    if !authorized(&state, &headers).await {
        return unauthorized();
    }
    let (Some(reference), Some(amount), Some(currency)) = (
        b["checkout_reference"].as_str(),
        b["amount"].as_f64(),
        b["currency"].as_str(),
    ) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error_code": "INVALID", "message": "checkout_reference, amount and currency are required" })),
        )
            .into_response();
    };
    if b["merchant_code"].as_str() != Some(MERCHANT) {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({ "error_code": "FORBIDDEN", "message": "not your merchant" })),
        )
            .into_response();
    }
    let minor = (amount * 10f64.powi(digits(currency) as i32)).round() as i64;
    let valid_until = b["valid_until"]
        .as_str()
        .and_then(|v| DateTime::parse_from_rfc3339(v).ok())
        .map(|v| v.with_timezone(&Utc).to_rfc3339());
    let id = Uuid::new_v4();
    let inserted = sqlx::query!(
        "INSERT INTO sandbox_sumup_checkouts (id, checkout_reference, amount_minor, currency, merchant_code, description,
                return_url, redirect_url, valid_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::timestamptz)",
        id,
        reference,
        minor,
        currency,
        MERCHANT,
        b["description"].as_str().unwrap_or_default(),
        b["return_url"].as_str(),
        b["redirect_url"].as_str(),
        valid_until
    )
    .execute(&state.pool)
    .await;
    if inserted.is_err() {
        return (
            StatusCode::CONFLICT,
            Json(json!({ "error_code": "DUPLICATED_CHECKOUT", "message": "Checkout with this checkout reference already exists" })),
        )
            .into_response();
    }
    match load(&state, id).await {
        Some(c) => (StatusCode::CREATED, Json(checkout_json(&state, &c))).into_response(),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `GET /v0.1/checkouts/{id}`.
async fn read(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if !on(&state) {
        return not_found();
    }
    if !authorized(&state, &headers).await {
        return unauthorized();
    }
    let found = match Uuid::parse_str(&id) {
        Ok(id) => load(&state, id).await,
        Err(_) => None,
    };
    match found {
        Some(c) => Json(checkout_json(&state, &c)).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error_code": "NOT_FOUND", "message": "Resource not found" })),
        )
            .into_response(),
    }
}

/// `POST /v0.1/me/refund/{txn}`: accepted with 204, as at SumUp.
async fn refund(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(txn): Path<String>,
    Json(b): Json<Value>,
) -> Response {
    if !on(&state) {
        return not_found();
    }
    if !authorized(&state, &headers).await {
        return unauthorized();
    }
    let row = sqlx::query!(
        "SELECT currency FROM sandbox_sumup_checkouts WHERE transaction_id = $1",
        txn
    )
    .fetch_optional(&state.pool)
    .await
    .ok()
    .flatten();
    let Some(row) = row else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error_code": "NOT_FOUND", "message": "transaction not found" })),
        )
            .into_response();
    };
    let minor = b["amount"]
        .as_f64()
        .map(|a| (a * 10f64.powi(digits(&row.currency) as i32)).round() as i64)
        .unwrap_or(0);
    let _ = sqlx::query!(
        "UPDATE sandbox_sumup_checkouts SET refunded_minor = refunded_minor + $2 WHERE transaction_id = $1",
        txn,
        minor
    )
    .execute(&state.pool)
    .await;
    StatusCode::NO_CONTENT.into_response()
}

/// The hosted checkout page: whoever pays chooses what happens (it is a sandbox).
async fn pay_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if !on(&state) {
        return not_found();
    }
    let lang = request_lang(&headers);
    let Some(c) = (match Uuid::parse_str(&id) {
        Ok(id) => load(&state, id).await,
        Err(_) => None,
    }) else {
        return not_found();
    };
    let amount = Currency::parse(&c.currency)
        .map(|cur| Money::new(c.amount_minor, cur).display())
        .unwrap_or_else(|_| format!("{} {}", c.amount_minor, c.currency));
    let button = |choice: &str, key: &str, class: &str| {
        format!(
            "<form method=\"post\" class=\"inline\"><input type=\"hidden\" name=\"choice\" value=\"{choice}\"><button type=\"submit\" class=\"{class}\">{}</button></form>",
            esc(t(lang, key))
        )
    };
    let actions = if c.status == "PENDING" {
        format!(
            "<p class=\"muted\">{}</p><div class=\"actions\">{}{}{}</div>",
            esc(t(lang, "sumup_sandbox.pay_intro")),
            button("pay", "sumup_sandbox.pay", ""),
            button("decline", "sumup_sandbox.decline", "danger"),
            button("later", "sumup_sandbox.later", "secondary"),
        )
    } else {
        format!("<p role=\"status\">{}</p>", esc(&c.status))
    };
    let body = format!(
        "<dl><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>{actions}",
        esc(t(lang, "sumup_sandbox.merchant")),
        MERCHANT,
        esc(t(lang, "billing.what")),
        esc(&c.description),
        esc(t(lang, "billing.amount")),
        esc(&amount),
    );
    page(lang, t(lang, "sumup_sandbox.pay_title"), &body).into_response()
}

#[derive(Deserialize, Default)]
struct PayForm {
    #[serde(default)]
    choice: String,
}

async fn pay(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(f): Form<PayForm>,
) -> Response {
    if !on(&state) {
        return not_found();
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found();
    };
    let (status, txn) = match f.choice.as_str() {
        "pay" => ("PAID", Some(random("sbx_txn_"))),
        "decline" => ("FAILED", None),
        _ => ("PENDING", None),
    };
    let _ = sqlx::query!(
        "UPDATE sandbox_sumup_checkouts SET status = $2, transaction_id = $3 WHERE id = $1 AND status = 'PENDING'",
        id,
        status,
        txn
    )
    .execute(&state.pool)
    .await;
    match load(&state, id).await {
        Some(c) => {
            let back = c
                .redirect_url
                .filter(|u| ours(&state, u))
                .unwrap_or_else(|| format!("{}/", state.config.base_url));
            Redirect::to(&back).into_response()
        }
        None => not_found(),
    }
}
