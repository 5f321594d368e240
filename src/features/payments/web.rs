//! Payment routes outside server functions: the providers' webhook and callback, the invoice
//! as HTML and PDF, and the ledger as CSV.

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Form, Json, Router,
};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::{
    invoice, poller,
    providers::{notchpay, operator_accounts, orange_money, paytr, stripe},
    queries,
    settle::{settle_reported, Outcome, SettleError, Settled},
};
use crate::{
    i18n::t,
    platform::{
        http::{admin_download, session_user},
        lang::request_lang,
        state::AppState,
    },
};

/// Routes under `/api` (the seed's `/payments…` paths).
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/payments/stripe/webhook", post(stripe_webhook))
        .route("/payments/sumup/webhook", post(sumup_webhook))
        .route(
            "/payments/momo/callback",
            post(momo_callback).put(momo_callback),
        )
        .route("/payments/orange/notify/{reference}", post(orange_notify))
        .route("/payments/notchpay/webhook", post(notch_webhook))
        .route(
            "/payments/notchpay/webhook/{account}",
            post(notch_account_webhook),
        )
}

/// Browser-facing routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/billing/callback", post(paytr_callback))
        .route("/billing/invoices/{number}", get(invoice_html))
        .route("/billing/invoices/{number}/pdf", get(invoice_pdf))
        .route("/admin/payments.csv", get(ledger_csv))
}

/// `PUT|POST /api/payments/momo/callback`: MTN's callback, sent once, unsigned, and often not
/// at all. It is only a hint: the request it names (by `referenceId`, or our `externalId`) is
/// read back from MTN now, and settled from that answer. Anything else is refused and logged.
#[tracing::instrument(skip_all)]
async fn momo_callback(State(state): State<AppState>, body: Bytes) -> Response {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) else {
        tracing::warn!("MTN callback refused: not JSON");
        return refuse(StatusCode::BAD_REQUEST, "body is not JSON");
    };
    let reference_id = v["referenceId"].as_str().unwrap_or_default();
    let external_id = v["externalId"].as_str().unwrap_or_default();
    let found = sqlx::query_scalar!(
        "SELECT id FROM payments WHERE provider = 'mtn_momo'
           AND (provider_ref = $1 OR ($1 = '' AND reference = $2))",
        reference_id,
        external_id
    )
    .fetch_optional(&state.pool)
    .await;
    let id = match found {
        Ok(Some(id)) => id,
        Ok(None) => {
            tracing::warn!(
                reference_id,
                external_id,
                "MTN callback for a request we never made"
            );
            return refuse(StatusCode::NOT_FOUND, "unknown request");
        }
        Err(e) => {
            tracing::error!(error = %e, "MTN callback: payment lookup failed");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
        }
    };
    recheck(&state, id).await
}

/// `POST /api/payments/orange/notify/{reference}`: Orange's notification, unsigned. It counts
/// only if it carries the `notif_token` Orange gave for that payment; even then it is a hint,
/// and the status is read back from Orange. A forged one is refused and logged.
#[tracing::instrument(skip_all, fields(reference = %reference))]
async fn orange_notify(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    body: Bytes,
) -> Response {
    let found = sqlx::query!(
        "SELECT id, notif_token FROM payments WHERE provider = 'orange_money' AND reference = $1",
        reference
    )
    .fetch_optional(&state.pool)
    .await;
    let (id, sealed) = match found {
        Ok(Some(r)) => (r.id, r.notif_token),
        Ok(None) => {
            tracing::warn!("Orange notification for a payment we never opened");
            return refuse(StatusCode::NOT_FOUND, "unknown payment");
        }
        Err(e) => {
            tracing::error!(error = %e, "Orange notification: payment lookup failed");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
        }
    };
    let stored = sealed
        .and_then(|s| state.sealer.open(&s))
        .unwrap_or_default();
    if let Err(e) = orange_money::authenticate(&stored, &body) {
        tracing::warn!(error = %e, "Orange notification refused");
        let status = match e {
            orange_money::NotificationError::Malformed => StatusCode::BAD_REQUEST,
            orange_money::NotificationError::Forged => StatusCode::FORBIDDEN,
        };
        return refuse(status, &e.to_string());
    }
    recheck(&state, id).await
}

/// `POST /api/payments/notchpay/webhook`: believed only with a valid `x-notch-signature` (the
/// HMAC-SHA256 of the raw body under the account's hash key); even then a hint, and the status
/// is read back from Notch Pay. A bad signature or an unknown payment is refused and logged.
#[tracing::instrument(skip_all)]
async fn notch_webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(config) = state.config.mobile_money.notch.as_ref() else {
        return refuse(StatusCode::NOT_FOUND, "Notch Pay is not configured");
    };
    let key = config.hash_key.expose().to_string();
    notch_hint(&state, &key, None, &headers, &body).await
}

/// `POST /api/payments/notchpay/webhook/{account}`: the webhook of an organiser's own Notch Pay
/// account, signed with that account's hash key; it speaks only of that account's payments.
#[tracing::instrument(skip_all, fields(%account))]
async fn notch_account_webhook(
    State(state): State<AppState>,
    Path(account): Path<uuid::Uuid>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let config = match operator_accounts::load(&state, account).await {
        Ok(a) => a.notch(&state),
        Err(e) => {
            tracing::warn!(error = %e, "Notch Pay webhook for an account that takes none");
            None
        }
    };
    let Some(config) = config else {
        return refuse(StatusCode::NOT_FOUND, "no such Notch Pay account");
    };
    notch_hint(
        &state,
        config.hash_key.expose(),
        Some(account),
        &headers,
        &body,
    )
    .await
}

async fn notch_hint(
    state: &AppState,
    hash_key: &str,
    account: Option<uuid::Uuid>,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let signature = headers
        .get("x-notch-signature")
        .and_then(|v| v.to_str().ok());
    if !notchpay::signature_ok(hash_key, body, signature) {
        tracing::warn!("Notch Pay webhook with a bad signature refused");
        return refuse(StatusCode::FORBIDDEN, "bad signature");
    }
    let Ok(event) = serde_json::from_slice::<serde_json::Value>(body) else {
        return refuse(StatusCode::BAD_REQUEST, "not JSON");
    };
    let text = |p: &str| {
        event
            .pointer(p)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
    };
    let (theirs, ours) = (text("/data/reference"), text("/data/merchant_reference"));
    let found = sqlx::query_scalar!(
        "SELECT id FROM payments WHERE provider = 'notchpay'
           AND provider_account IS NOT DISTINCT FROM $3
           AND ((provider_ref = $1 AND $1 <> '') OR (reference = $2 AND $2 <> ''))",
        theirs,
        ours,
        account
    )
    .fetch_optional(&state.pool)
    .await;
    match found {
        Ok(Some(id)) => recheck(state, id).await,
        Ok(None) => {
            tracing::warn!(
                reference = theirs,
                "Notch Pay webhook for a payment we never opened"
            );
            refuse(StatusCode::NOT_FOUND, "unknown payment")
        }
        Err(e) => {
            tracing::error!(error = %e, "Notch Pay webhook: payment lookup failed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

/// A hint about payment `id`: its provider is asked now, and the answer settled.
async fn recheck(state: &AppState, id: uuid::Uuid) -> Response {
    match poller::run(state, poller::Scope::Payment(id), Some(1)).await {
        Ok(report) => {
            let changed = report
                .lines
                .iter()
                .map(|l| l.changed.as_str())
                .next()
                .unwrap_or("unchanged");
            Json(json!({ "received": true, "checked": changed })).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "a provider's hint: check failed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "received": false, "error": message }))).into_response()
}

/// `POST /api/payments/stripe/webhook`: the signature first, then the event, once.
#[tracing::instrument(skip_all)]
async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(stripe) = &state.config.billing.stripe else {
        return refuse(StatusCode::NOT_FOUND, "stripe is not configured");
    };
    let Some(sig) = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return refuse(StatusCode::BAD_REQUEST, "missing Stripe-Signature");
    };
    let now = chrono::Utc::now().timestamp();
    if let Err(e) = stripe::verify(
        stripe.webhook_secret.expose(),
        sig,
        &body,
        now,
        stripe::TOLERANCE_SECS,
    ) {
        tracing::warn!(error = %e, "stripe webhook refused");
        return refuse(StatusCode::BAD_REQUEST, &e.to_string());
    }
    let Ok(event) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "body is not JSON");
    };
    let (Some(event_id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
        return refuse(StatusCode::BAD_REQUEST, "event without id or type");
    };
    let object = &event["data"]["object"];
    let outcome = match kind {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            // A completed session whose payment is still "unpaid" waits for the async event.
            if object["payment_status"].as_str() != Some("paid") {
                return Json(json!({ "received": true, "pending": true })).into_response();
            }
            match (object["amount_total"].as_i64(), object["currency"].as_str()) {
                (Some(amount), Some(currency)) => Outcome::Paid {
                    amount,
                    currency: currency.to_ascii_uppercase(),
                    transaction: object["payment_intent"].as_str().map(String::from),
                },
                _ => return refuse(StatusCode::BAD_REQUEST, "session without amount"),
            }
        }
        "checkout.session.expired" | "checkout.session.async_payment_failed" => Outcome::Failed {
            reason: kind.to_string(),
        },
        _ => return Json(json!({ "received": true, "ignored": true })).into_response(),
    };
    let Some(session_id) = object["id"].as_str() else {
        return refuse(StatusCode::BAD_REQUEST, "event without a session");
    };
    match settle_reported(&state, "stripe", session_id, Some(event_id), kind, outcome).await {
        Ok(s) => {
            Json(json!({ "received": true, "changed": s != Settled::Unchanged })).into_response()
        }
        Err(SettleError::Unknown) => refuse(StatusCode::NOT_FOUND, "unknown checkout session"),
        Err(SettleError::Mismatch) => refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "amount or currency does not match; flagged for review",
        ),
        Err(SettleError::Internal(_)) => {
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

/// `POST /api/payments/sumup/webhook`: SumUp's `CHECKOUT_STATUS_CHANGED`, unsigned, so only a
/// hint: the checkout is read back from SumUp (with the organiser's token) and settled through
/// the same path as the poller's check, which it may race safely.
#[tracing::instrument(skip_all)]
async fn sumup_webhook(State(state): State<AppState>, body: Bytes) -> Response {
    let Ok(event) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "body is not JSON");
    };
    let Some(checkout) = super::providers::sumup::webhook_checkout_id(&event) else {
        return Json(json!({ "received": true, "ignored": true })).into_response();
    };
    let payment = sqlx::query_scalar!(
        "SELECT id FROM payments WHERE provider = 'sumup' AND provider_ref = $1",
        checkout
    )
    .fetch_optional(&state.pool)
    .await;
    match payment {
        Ok(Some(id)) => {
            match super::poller::run(&state, super::poller::Scope::Payment(id), Some(1)).await {
                Ok(report) => {
                    Json(json!({ "received": true, "checked": report.lines.len() })).into_response()
                }
                Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error"),
            }
        }
        Ok(None) => refuse(StatusCode::NOT_FOUND, "unknown checkout"),
        Err(e) => {
            tracing::error!(error = %e, "sumup webhook");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

#[derive(Deserialize)]
struct PaytrCallback {
    #[serde(default)]
    merchant_oid: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    total_amount: String,
    #[serde(default)]
    hash: String,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    failed_reason_msg: Option<String>,
}

/// `POST /billing/callback`: PayTR's notification. A valid one is answered `OK`, repeats too.
#[tracing::instrument(skip_all)]
async fn paytr_callback(State(state): State<AppState>, Form(cb): Form<PaytrCallback>) -> Response {
    let Some(paytr) = &state.config.billing.paytr else {
        return (StatusCode::NOT_FOUND, "PAYTR is not configured").into_response();
    };
    if paytr::verify(
        paytr.merchant_key.expose(),
        paytr.merchant_salt.expose(),
        &cb.merchant_oid,
        &cb.status,
        &cb.total_amount,
        &cb.hash,
    )
    .is_err()
    {
        tracing::warn!(merchant_oid = %cb.merchant_oid, "paytr callback with a bad hash");
        return (
            StatusCode::BAD_REQUEST,
            "PAYTR notification failed: bad hash",
        )
            .into_response();
    }
    let outcome = if cb.status == "success" {
        let Ok(amount) = cb.total_amount.trim().parse::<i64>() else {
            return (StatusCode::BAD_REQUEST, "bad total_amount").into_response();
        };
        let currency = match cb.currency.as_deref().unwrap_or("TL") {
            "TL" | "TRY" => "TRY",
            other => other,
        };
        Outcome::Paid {
            amount,
            currency: currency.to_string(),
            transaction: None,
        }
    } else {
        Outcome::Failed {
            reason: cb
                .failed_reason_msg
                .unwrap_or_else(|| "payment failed".into()),
        }
    };
    // PayTR sends no event id: the payment's own state makes repeats no-ops.
    match settle_reported(
        &state,
        "paytr",
        &cb.merchant_oid,
        None,
        "paytr.callback",
        outcome,
    )
    .await
    {
        Ok(_) => (StatusCode::OK, "OK").into_response(),
        Err(SettleError::Unknown) => {
            (StatusCode::NOT_FOUND, "unknown merchant_oid").into_response()
        }
        Err(SettleError::Mismatch) => {
            (StatusCode::UNPROCESSABLE_ENTITY, "amount mismatch").into_response()
        }
        Err(SettleError::Internal(_)) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response()
        }
    }
}

async fn load_invoice(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    number: &str,
) -> Result<invoice::InvoiceDoc, Response> {
    let lang = request_lang(headers);
    let Some(user) = session_user(state, session).await else {
        return Err((StatusCode::UNAUTHORIZED, t(lang, "error.login_required")).into_response());
    };
    queries::invoice_for(&state.pool, &user, number)
        .await
        .map_err(|e| {
            (
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND),
                t(lang, e.message_key()),
            )
                .into_response()
        })
}

async fn invoice_html(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Response {
    match load_invoice(&state, &session, &headers, &number).await {
        Ok(doc) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            invoice::html(&doc),
        )
            .into_response(),
        Err(r) => r,
    }
}

async fn invoice_pdf(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Response {
    match load_invoice(&state, &session, &headers, &number).await {
        Ok(doc) => {
            let disposition = format!("attachment; filename=\"{}.pdf\"", doc.number);
            let lang = doc.lang;
            match tokio::task::spawn_blocking(move || invoice::pdf(&doc)).await {
                Ok(Ok(bytes)) => (
                    [
                        (header::CONTENT_TYPE, "application/pdf".to_string()),
                        (header::CONTENT_DISPOSITION, disposition),
                        (header::CACHE_CONTROL, "private, no-store".to_string()),
                    ],
                    bytes,
                )
                    .into_response(),
                _ => (StatusCode::INTERNAL_SERVER_ERROR, t(lang, "error.internal")).into_response(),
            }
        }
        Err(r) => r,
    }
}

/// `/admin/payments.csv`: the ledger rows matching the page's filters.
async fn ledger_csv(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(filter): Query<super::LedgerFilter>,
) -> Response {
    let lang = match admin_download(&state, &session, &headers).await {
        Ok(lang) => lang,
        Err(refused) => return refused,
    };
    match super::ledger::rows(&state.pool, &filter, 100_000).await {
        Ok(rows) => super::ledger::csv(&rows, lang).into_response("payments.csv"),
        Err(e) => (
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST),
            t(lang, e.message_key()),
        )
            .into_response(),
    }
}
