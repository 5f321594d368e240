//! The seed's REST endpoints for e-tickets, refunds, commissions and monitoring, in its
//! `{ success, message, data }` shape; the seed's `booking_id` is the order reference.

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::HeaderMap,
    response::Response,
    routing::{get, post},
    Router,
};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{commissions, queries, service, CommissionLine};
use crate::{
    domain::{parse_order_reference, Lang},
    error::AppError,
    i18n::t,
    platform::{
        api::{ok, parse_body, require_admin, ApiError},
        auth::BearerUser,
        lang::request_lang,
        state::AppState,
    },
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/etickets/booking", get(eticket))
        .route("/refunds/initiate", post(refund_initiate))
        .route("/refunds/process", post(refund_process))
        .route("/refunds/complete", post(refund_complete))
        .route("/refunds/pending", get(refunds_pending))
        .route("/refunds/history", get(refunds_history))
        .route("/commissions/summary", get(commission_summary))
        .route("/commissions/by-status", get(commissions_by_status))
        .route("/commissions/referrer/{code}", get(commissions_referrer))
        .route("/commissions/payable", get(commissions_payable))
        .route("/commissions/report", get(commissions_report))
        .route("/monitoring/pending-payments", get(monitor_now))
        .route("/monitoring/stuck-bookings", get(stuck_bookings))
        .route(
            "/monitoring/failed-notifications",
            get(failed_notifications),
        )
}

fn fail(lang: Lang) -> impl Fn(AppError) -> ApiError {
    move |e| ApiError::from_app(lang, &e)
}

fn reference(raw: &str, lang: Lang) -> Result<String, ApiError> {
    parse_order_reference(raw).ok_or_else(|| ApiError::from_app(lang, &AppError::NotFound))
}

#[derive(Deserialize, Default)]
struct BookingQuery {
    #[serde(default)]
    booking_id: String,
}

/// `GET /api/etickets/booking?booking_id=`: the order's e-tickets, for admins and its buyer.
async fn eticket(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    Query(q): Query<BookingQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    let reference = reference(&q.booking_id, lang)?;
    let o = queries::order(&state.pool, &state.config, &state.signer, &reference)
        .await
        .map_err(fail(lang))?;
    if !user.role.is_admin() && o.buyer_id != Some(user.id) {
        return Err(ApiError::from_app(lang, &AppError::NotFound));
    }
    if o.tickets.is_empty() {
        return Err(ApiError::from_app(
            lang,
            &AppError::form("error.tickets_not_issued", vec![], 409),
        ));
    }
    Ok(ok(
        "OK",
        json!({
            "booking_id": o.reference,
            "status": o.status,
            "property_name": o.event_title,
            "guest_name": o.buyer_name,
            "check_in": o.check_in,
            "check_out": o.check_out,
            "persons": o.quantity,
            "advance_paid": o.amount_paid,
            "total": o.total,
            "tickets": o.tickets.iter().map(|t| json!({ "number": t.seq, "ticket_url": t.url, "status": t.status })).collect::<Vec<_>>(),
        }),
    ))
}

#[derive(Deserialize, Default)]
struct RefundBody {
    #[serde(default)]
    booking_id: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    refund_id: String,
}

async fn refund_initiate(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let b: RefundBody = parse_body(&headers, &body, lang)?;
    let reference = reference(&b.booking_id, lang)?;
    service::cancel_order(&state.pool, &state.config, &user, &reference, &b.reason)
        .await
        .map_err(fail(lang))?;
    refund_reply(&state, lang, &reference, "api.refund_requested").await
}

async fn refund_process(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let b: RefundBody = parse_body(&headers, &body, lang)?;
    let reference = reference(&b.booking_id, lang)?;
    service::refund_initiated(&state, &user, &reference, &b.refund_id)
        .await
        .map_err(fail(lang))?;
    refund_reply(&state, lang, &reference, "api.refund_initiated").await
}

async fn refund_complete(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let b: RefundBody = parse_body(&headers, &body, lang)?;
    let reference = reference(&b.booking_id, lang)?;
    service::refund_completed(&state.pool, &user, &reference)
        .await
        .map_err(fail(lang))?;
    refund_reply(&state, lang, &reference, "api.refund_completed").await
}

async fn refund_reply(
    state: &AppState,
    lang: Lang,
    reference: &str,
    message: &str,
) -> Result<Response, ApiError> {
    let o = queries::order(&state.pool, &state.config, &state.signer, reference)
        .await
        .map_err(fail(lang))?;
    Ok(ok(t(lang, message), refund_json(&o)))
}

fn refund_json(o: &super::OrderView) -> Value {
    json!({
        "booking_id": o.reference,
        "booking_status": o.status,
        "refund_status": o.refund_status,
        "refund_amount": o.refund_amount,
        "refund_id": o.refund_id,
        "guest_name": o.buyer_name,
        "property_name": o.event_title,
    })
}

async fn refund_list(state: &AppState, lang: Lang, refund: &str) -> Result<Value, ApiError> {
    let filter = queries::OrderFilter {
        refund: Some(refund.into()),
        ..Default::default()
    };
    let (rows, total) = queries::orders(&state.pool, &filter)
        .await
        .map_err(fail(lang))?;
    Ok(json!({
        "count": total,
        "refunds": rows.iter().map(|r| json!({
            "booking_id": r.reference, "booking_status": r.status, "refund_status": r.refund_status,
            "refund_amount": r.refund_amount, "refund_id": r.refund_id, "guest_name": r.buyer_name,
            "property_name": r.event_title, "created_at": r.created_at,
        })).collect::<Vec<_>>(),
    }))
}

async fn refunds_pending(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    Ok(ok("OK", refund_list(&state, lang, "PENDING").await?))
}

async fn refunds_history(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    Ok(ok("OK", refund_list(&state, lang, "ANY").await?))
}

async fn commission_summary(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let s = commissions::summary(&state.pool)
        .await
        .map_err(fail(lang))?;
    Ok(ok("OK", json!(s)))
}

#[derive(Deserialize, Default)]
struct StatusQuery {
    #[serde(default)]
    status: String,
}

async fn commissions_by_status(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    Query(q): Query<StatusQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let status = crate::domain::CommissionStatus::parse(&q.status)
        .map_err(|k| ApiError::new(axum::http::StatusCode::BAD_REQUEST, t(lang, k)))?;
    let lines = commissions::lines(&state.pool, Some(status.as_str()), None, None, None)
        .await
        .map_err(fail(lang))?;
    Ok(ok(
        "OK",
        json!({ "status": status.as_str(), "commissions": lines_json(&lines) }),
    ))
}

fn lines_json(lines: &[CommissionLine]) -> Vec<Value> {
    lines
        .iter()
        .map(|l| {
            json!({
                "booking_id": l.reference, "referral_code": l.referral_code, "property_name": l.event_title,
                "booking_status": l.status, "commission_status": l.commission_status, "total": l.total,
                "discount": l.discount, "referrer_commission": l.referrer_commission,
                "admin_commission": l.admin_commission, "created_at": l.created_at,
            })
        })
        .collect()
}

async fn commissions_referrer(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let code = code.trim().to_ascii_uppercase();
    let who = commissions::payable(&state.pool, Some(&code))
        .await
        .map_err(fail(lang))?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::from_app(lang, &AppError::NotFound))?;
    let lines = commissions::lines(&state.pool, None, Some(&code), None, None)
        .await
        .map_err(fail(lang))?;
    Ok(ok(
        "OK",
        json!({
            "referrals": lines_json(&lines),
            "summary": {
                "referral_code": who.referral_code,
                "username": who.holder_name,
                "total_referrals": lines.len(),
                "total_earned": who.total_payable,
                "pending_earnings": who.pending,
                "cancelled_earnings": who.cancelled,
            }
        }),
    ))
}

async fn commissions_payable(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let all = commissions::payable(&state.pool, None)
        .await
        .map_err(fail(lang))?;
    let payable: Vec<_> = all.iter().filter(|p| p.total_payable > 0).collect();
    let total: i64 = payable.iter().map(|p| p.total_payable).sum();
    Ok(ok(
        "OK",
        json!({
            "payable_commissions": payable.iter().map(|p| json!({
                "referral_code": p.referral_code, "username": p.holder_name, "mobile_number": p.holder_phone,
                "kind": p.kind, "current_balance": p.total_payable, "confirmed_bookings": p.confirmed_bookings,
                "total_payable": p.total_payable,
            })).collect::<Vec<_>>(),
            "total_payable": total,
        }),
    ))
}

#[derive(Deserialize, Default)]
pub struct RangeQuery {
    #[serde(default)]
    pub start_date: String,
    #[serde(default)]
    pub end_date: String,
}

impl RangeQuery {
    /// Both dates as `YYYY-MM-DD` (empty for open ends), in order.
    pub fn dates(&self) -> Result<(Option<NaiveDate>, Option<NaiveDate>), &'static str> {
        let parse = |s: &str| {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| "error.date_invalid")
            }
        };
        let (from, to) = (parse(&self.start_date)?, parse(&self.end_date)?);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                return Err("error.dates_reversed");
            }
        }
        Ok((from, to))
    }
}

async fn commissions_report(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    Query(q): Query<RangeQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let (from, to) = q
        .dates()
        .map_err(|k| ApiError::new(axum::http::StatusCode::BAD_REQUEST, t(lang, k)))?;
    let lines = commissions::lines(&state.pool, None, None, from, to)
        .await
        .map_err(fail(lang))?;
    let sum = |f: fn(&CommissionLine) -> i64| lines.iter().map(f).sum::<i64>();
    Ok(ok(
        "OK",
        json!({
            "start_date": from, "end_date": to, "bookings": lines_json(&lines),
            "totals": {
                "bookings": lines.len(),
                "total": sum(|l| l.total),
                "discount": sum(|l| l.discount),
                "referrer_commission": sum(|l| l.referrer_commission),
                "admin_commission": sum(|l| l.admin_commission),
            }
        }),
    ))
}

async fn monitor_now(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let (alerted, expired) = service::monitor(&state.pool, &state.config)
        .await
        .map_err(fail(lang))?;
    Ok(ok("OK", json!({ "alerted": alerted, "expired": expired })))
}

async fn stuck_bookings(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let rows = sqlx::query!(
        r#"SELECT o.reference, o.buyer_name, o.buyer_phone, o.total, o.currency, e.title,
                  o.admin_alerted_at IS NOT NULL AS "alerted!",
                  (extract(epoch FROM now() - o.created_at) / 60)::bigint AS "minutes!"
           FROM orders o JOIN events e ON e.id = o.event_id
           WHERE o.status = 'PAYMENT_PENDING' AND o.created_at < now() - make_interval(mins => $1)
           ORDER BY o.created_at"#,
        state.config.order_alert_minutes
    )
    .fetch_all(&state.pool)
    .await
    .map_err(|e| ApiError::internal(lang, e))?;
    Ok(ok(
        "OK",
        json!({
            "count": rows.len(),
            "bookings": rows.iter().map(|r| json!({
                "booking_id": r.reference, "guest_name": r.buyer_name, "guest_phone": r.buyer_phone,
                "amount": r.total, "currency": r.currency, "property_name": r.title,
                "alerted_admin": r.alerted, "pending_minutes": r.minutes,
            })).collect::<Vec<_>>(),
        }),
    ))
}

async fn failed_notifications(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let rows = sqlx::query!(
        r#"SELECT id, kind, recipient, attempts, last_error, created_at AS "created_at: chrono::DateTime<chrono::Utc>"
           FROM outbox WHERE status = 'FAILED' ORDER BY created_at DESC LIMIT 100"#
    )
    .fetch_all(&state.pool)
    .await
    .map_err(|e| ApiError::internal(lang, e))?;
    Ok(ok(
        "OK",
        json!({
            "count": rows.len(),
            "notifications": rows.iter().map(|r| json!({
                "id": r.id, "kind": r.kind, "recipient": r.recipient, "attempts": r.attempts,
                "error_message": r.last_error, "created_at": r.created_at,
            })).collect::<Vec<_>>(),
        }),
    ))
}
