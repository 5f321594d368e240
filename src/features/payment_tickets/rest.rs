//! The seed's REST endpoints for payment tickets, over the same service as the pages.
//!
//! Users: `/api/payment-tickets/…`; admins: `/api/admin/payment-tickets/…`. Bearer tokens from
//! `POST /api/auth/token`; responses `{ success, message, data }` in the caller's language.

use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, patch, post},
    Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    queries::{self, Filter},
    service::{self, Origin, TicketForm},
    TicketView,
};
use crate::{
    domain::{Lang, MAX_PROOF_BYTES},
    error::AppError,
    i18n::t,
    platform::{
        api::{ok, require_admin, ApiError},
        auth::BearerUser,
        http::{file_response, read_multipart},
        lang::request_lang,
        state::AppState,
        throttle,
        uploads::{self, CheckedProof},
    },
};

pub fn routes() -> Router<AppState> {
    // Room for the 5 MB proof and the form around it; a larger body is cut off unread.
    let upload_limit = DefaultBodyLimit::max(MAX_PROOF_BYTES + 64 * 1024);
    Router::new()
        .route("/payment-tickets/submit", post(submit).layer(upload_limit))
        .route(
            "/payment-tickets/{ticket_id}/upload-proof",
            post(upload_proof).layer(upload_limit),
        )
        .route("/payment-tickets/{ticket_id}/cancel", post(cancel))
        .route("/payment-tickets/my-tickets", get(my_tickets))
        .route("/payment-tickets/family/tickets", get(family_tickets))
        .route("/payment-tickets/stats/summary", get(summary))
        .route("/payment-tickets/{ticket_id}", get(one))
        .route("/payment-tickets/{ticket_id}/proof", get(proof_file))
        .route("/admin/payment-tickets/tickets", get(admin_list))
        .route("/admin/payment-tickets/tickets/pending", get(admin_pending))
        .route("/admin/payment-tickets/tickets/overdue", get(admin_overdue))
        .route(
            "/admin/payment-tickets/tickets/{ticket_id}/approve",
            post(approve),
        )
        .route(
            "/admin/payment-tickets/tickets/{ticket_id}/reject",
            post(reject),
        )
        .route(
            "/admin/payment-tickets/tickets/{ticket_id}/notes",
            patch(notes),
        )
        .route(
            "/admin/payment-tickets/tickets/{ticket_id}/proof",
            get(proof_file),
        )
        .route("/admin/payment-tickets/stats/global", get(stats_global))
        .route("/admin/payment-tickets/stats/by-admin", get(stats_by_admin))
}

fn fail(lang: Lang) -> impl Fn(AppError) -> ApiError {
    move |e| ApiError::from_app(lang, &e)
}

/// A ticket in the seed's shape.
pub fn ticket_json(v: &TicketView, lang: Lang, admin: bool) -> Value {
    let mut j = json!({
        "id": v.id,
        "ticketReference": v.reference,
        "amount": v.amount,
        "currency": v.currency,
        "planType": v.plan_type,
        "planTypeLabel": v.plan_label(lang),
        "durationDays": v.duration_days,
        "paymentMethod": v.payment_method,
        "paymentMethodLabel": v.method_label(lang),
        "phoneNumber": v.phone_number,
        "transactionId": v.transaction_id,
        "status": v.status,
        "hasProof": v.has_proof,
        "userNotes": v.user_notes,
        "rejectionReason": v.rejection_reason,
        "createdAt": v.created_at,
        "reviewedAt": v.reviewed_at,
        "ageInHours": v.age_hours,
        "isOverdue": v.is_overdue,
        "user": { "name": v.submitter_name, "email": v.submitter_email },
        "family": { "id": v.family_id, "name": v.family_name },
    });
    if admin {
        j["adminNotes"] = json!(v.admin_notes);
        j["reviewedBy"] = json!(v.reviewer_name);
        j["ipAddress"] = json!(v.ip_address);
        j["userAgent"] = json!(v.user_agent);
    }
    j
}

fn list_json(views: &[TicketView], total: i64, lang: Lang, admin: bool) -> Value {
    json!({ "tickets": views.iter().map(|v| ticket_json(v, lang, admin)).collect::<Vec<_>>(), "total": total })
}

async fn checked_proof(
    state: &AppState,
    client: &str,
    file: Option<(String, crate::platform::uploads::Upload)>,
    lang: Lang,
) -> Result<CheckedProof, ApiError> {
    let (name, bytes) = file.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            t(lang, "error.proof_required"),
        )
    })?;
    uploads::check_for(state, client, name, bytes)
        .await
        .map_err(|key| {
            let status = if key == "error.proof_too_large" {
                StatusCode::PAYLOAD_TOO_LARGE
            } else if key == "error.rate_limited" {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            ApiError::new(status, t(lang, key))
        })
}

fn origin(headers: &HeaderMap, peer: std::net::SocketAddr) -> Origin {
    Origin {
        ip: peer.ip().to_string(),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string(),
    }
}

async fn submit(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    let (fields, file) = read_multipart(mp, lang).await?;
    let ticket = service::parse_form(&state.pool, &TicketForm::from_fields(&fields))
        .await
        .map_err(fail(lang))?;
    let client = throttle::client_of(&headers, peer, state.config.trust_proxy);
    let proof = checked_proof(&state, &client, file, lang).await?;
    let (id, _) = service::submit(&state, &user, ticket, proof, origin(&headers, peer))
        .await
        .map_err(fail(lang))?;
    let view = service::get(&state.pool, &state.config, &user, &id.to_string())
        .await
        .map_err(fail(lang))?;
    let data = json!({
        "id": view.id, "ticketReference": view.reference, "amount": view.amount, "currency": view.currency,
        "planType": view.plan_type, "paymentMethod": view.payment_method, "status": view.status,
        "createdAt": view.created_at, "hasProof": view.has_proof,
    });
    Ok((StatusCode::CREATED, ok(t(lang, "api.ticket_created"), data)).into_response())
}

async fn upload_proof(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    Path(ticket_id): Path<String>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    let (_, file) = read_multipart(mp, lang).await?;
    let client = throttle::client_of(&headers, peer, state.config.trust_proxy);
    let proof = checked_proof(&state, &client, file, lang).await?;
    service::replace_proof(&state.pool, &state.storage, &user, &ticket_id, proof)
        .await
        .map_err(fail(lang))?;
    let view = service::get(&state.pool, &state.config, &user, &ticket_id)
        .await
        .map_err(fail(lang))?;
    Ok(ok(
        t(lang, "api.proof_replaced"),
        ticket_json(&view, lang, user.role.is_admin()),
    ))
}

async fn cancel(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    Path(ticket_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    service::cancel(&state.pool, &user, &ticket_id)
        .await
        .map_err(fail(lang))?;
    Ok(ok(t(lang, "api.ticket_cancelled"), Value::Null))
}

async fn my_tickets(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    let (views, total) = queries::list(
        &state.pool,
        &state.config,
        Filter {
            submitter_id: Some(user.id),
            per_page: 100,
            ..Default::default()
        },
    )
    .await
    .map_err(fail(lang))?;
    Ok(ok("OK", list_json(&views, total, lang, false)))
}

async fn family_tickets(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    let family_id = user
        .family_id
        .ok_or_else(|| ApiError::from_app(lang, &AppError::Forbidden))?;
    let manages = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM families WHERE id = $1 AND manager_id = $2) AS "m!""#,
        family_id,
        user.id
    )
    .fetch_one(&state.pool)
    .await
    .map_err(|e| ApiError::internal(lang, e))?;
    if !manages {
        return Err(ApiError::from_app(lang, &AppError::Forbidden));
    }
    let (views, total) = queries::list(
        &state.pool,
        &state.config,
        Filter {
            family_id: Some(family_id),
            per_page: 100,
            ..Default::default()
        },
    )
    .await
    .map_err(fail(lang))?;
    Ok(ok("OK", list_json(&views, total, lang, false)))
}

async fn summary(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    let s = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE status = 'PENDING') AS "pending!",
                  count(*) FILTER (WHERE status = 'APPROVED') AS "approved!",
                  count(*) FILTER (WHERE status = 'REJECTED') AS "rejected!",
                  count(*) FILTER (WHERE status = 'CANCELLED') AS "cancelled!",
                  coalesce(sum(amount) FILTER (WHERE status = 'APPROVED'), 0)::bigint AS "approved_amount!"
           FROM payment_tickets WHERE submitter_id = $1"#,
        user.id
    )
    .fetch_one(&state.pool)
    .await
    .map_err(|e| ApiError::internal(lang, e))?;
    let sub = match user.family_id {
        Some(f) => sqlx::query!("SELECT plan_code, status, current_period_end FROM subscriptions WHERE family_id = $1", f)
            .fetch_optional(&state.pool)
            .await
            .map_err(|e| ApiError::internal(lang, e))?
            .map(|s| json!({ "planType": s.plan_code, "status": s.status, "endsAt": s.current_period_end.to_string() })),
        None => None,
    };
    Ok(ok(
        "OK",
        json!({
            "pendingCount": s.pending, "approvedCount": s.approved, "rejectedCount": s.rejected,
            "cancelledCount": s.cancelled, "totalApprovedAmount": s.approved_amount, "subscription": sub,
        }),
    ))
}

async fn one(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    Path(ticket_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    let view = service::get(&state.pool, &state.config, &user, &ticket_id)
        .await
        .map_err(fail(lang))?;
    Ok(ok("OK", ticket_json(&view, lang, user.role.is_admin())))
}

async fn proof_file(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    Path(ticket_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    let (bytes, ct, name) = service::proof(&state.pool, &state.storage, &user, &ticket_id)
        .await
        .map_err(fail(lang))?;
    Ok(file_response(bytes, ct, name).await)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    status: Option<String>,
    payment_method: Option<String>,
    plan_type: Option<String>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    search: Option<String>,
    page: Option<i64>,
    limit: Option<i64>,
    sort: Option<String>,
}

impl ListQuery {
    fn filter(self) -> Filter {
        let day = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc());
        Filter {
            status: self
                .status
                .filter(|s| !s.is_empty())
                .map(|s| s.to_ascii_uppercase()),
            method: self.payment_method.filter(|s| !s.is_empty()),
            plan: self.plan_type.filter(|s| !s.is_empty()),
            from: self.from.and_then(day),
            to: self.to.and_then(|d| d.succ_opt()).and_then(day),
            search: self.search,
            page: self.page.unwrap_or(1).max(1) - 1,
            per_page: self.limit.unwrap_or(20).clamp(1, 100),
            oldest_first: self.sort.as_deref() == Some("oldest"),
            ..Default::default()
        }
    }
}

async fn admin_list(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let (views, total) = queries::list(&state.pool, &state.config, q.filter())
        .await
        .map_err(fail(lang))?;
    Ok(ok("OK", list_json(&views, total, lang, true)))
}

async fn admin_pending(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let f = Filter {
        status: Some("PENDING".into()),
        oldest_first: true,
        per_page: 100,
        ..Default::default()
    };
    let (views, total) = queries::list(&state.pool, &state.config, f)
        .await
        .map_err(fail(lang))?;
    Ok(ok("OK", list_json(&views, total, lang, true)))
}

async fn admin_overdue(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let f = Filter {
        overdue_only: true,
        oldest_first: true,
        per_page: 100,
        ..Default::default()
    };
    let (views, total) = queries::list(&state.pool, &state.config, f)
        .await
        .map_err(fail(lang))?;
    Ok(ok("OK", list_json(&views, total, lang, true)))
}

#[derive(Deserialize, Default)]
pub struct ReviewBody {
    #[serde(default, alias = "adminNotes")]
    admin_notes: String,
    #[serde(default)]
    reason: String,
}

/// Review bodies come as JSON (the seed's curl) or as a form.
async fn review_body(
    headers: &HeaderMap,
    body: axum::body::Bytes,
    lang: Lang,
) -> Result<ReviewBody, ApiError> {
    crate::platform::api::parse_body(headers, &body, lang)
}

async fn approve(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    Path(ticket_id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let body = review_body(&headers, body, lang).await?;
    let a = service::approve(&state, &user, &ticket_id, &body.admin_notes)
        .await
        .map_err(fail(lang))?;
    Ok(ok(
        t(lang, "api.ticket_approved"),
        json!({
            "ticketReference": a.reference,
            "status": "APPROVED",
            "family": { "id": a.family_id, "name": a.family_name, "newSubscriptionEndsAt": a.new_end, "extendedBy": a.extended_by },
            "reviewedBy": { "id": user.id, "name": user.name },
            "reviewedAt": a.reviewed_at,
        }),
    ))
}

async fn reject(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    Path(ticket_id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let body = review_body(&headers, body, lang).await?;
    let reference = service::reject(&state.pool, &user, &ticket_id, &body.reason)
        .await
        .map_err(fail(lang))?;
    Ok(ok(
        t(lang, "api.ticket_rejected"),
        json!({ "ticketReference": reference, "status": "REJECTED", "reason": body.reason.trim(),
                "reviewedBy": { "id": user.id, "name": user.name } }),
    ))
}

async fn notes(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    Path(ticket_id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let body = review_body(&headers, body, lang).await?;
    service::set_notes(&state.pool, &user, &ticket_id, &body.admin_notes)
        .await
        .map_err(fail(lang))?;
    Ok(ok(
        t(lang, "api.notes_saved"),
        json!({ "adminNotes": body.admin_notes.trim() }),
    ))
}

async fn stats_global(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let s = super::stats::global(&state.pool, &state.config)
        .await
        .map_err(fail(lang))?;
    Ok(ok("OK", s))
}

async fn stats_by_admin(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let s = super::stats::by_admin(&state.pool)
        .await
        .map_err(fail(lang))?;
    Ok(ok("OK", s))
}
