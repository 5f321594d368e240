//! The seed's `/payments…` endpoints, under `/api`, in the `{ success, message, data }` shape.
//! Card payments are created as gateway checkouts: the response carries the address where the
//! card is typed, never card data.

use axum::{
    extract::{ConnectInfo, Path, Query, State},
    http::HeaderMap,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{ledger, wallet, LedgerFilter};
use crate::{
    domain::{Currency, Lang},
    error::AppError,
    i18n::t,
    platform::{
        api::{ok, parse_body, require_admin, ApiError},
        auth::{AuthUser, BearerUser},
        lang::request_lang,
        respond,
        state::AppState,
    },
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/payments", post(create).get(list))
        .route("/payments/stripe/process", post(create))
        .route("/payments/analytics", get(analytics))
        .route("/payments/user/{user_id}", get(for_user))
        .route("/payments/{id}/confirm", post(confirm))
        .route("/payments/{id}", get(one).patch(update).delete(remove))
        .route("/monitoring/poller", get(poller_health))
}

/// `GET /api/monitoring/poller` (admins): the provider poller's health and lag.
async fn poller_health(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let h = super::verification::server::health(&state)
        .await
        .map_err(fail(lang))?;
    Ok(ok("OK", json!(h)))
}

fn fail(lang: Lang) -> impl Fn(AppError) -> ApiError {
    move |e| ApiError::from_app(lang, &e)
}

/// A payment in the seed's shape (Prisma model fields), amounts in major units as strings.
async fn payment_json(state: &AppState, id: Uuid) -> Result<Value, AppError> {
    let p = sqlx::query!(
        r#"SELECT id, user_id, family_id, amount, refunded_amount, currency, method, status, description,
                  reference, provider, provider_ref, purpose, plan_code, duration_days, needs_review,
                  completed_at AS "completed_at: chrono::DateTime<chrono::Utc>",
                  created_at AS "created_at: chrono::DateTime<chrono::Utc>",
                  updated_at AS "updated_at: chrono::DateTime<chrono::Utc>"
           FROM payments WHERE id = $1"#,
        id
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    let major = |minor: i64| match Currency::parse(&p.currency) {
        Ok(c) if c.minor_digits() == 2 => format!("{}.{:02}", minor / 100, minor % 100),
        _ => minor.to_string(),
    };
    Ok(json!({
        "id": p.id,
        "user_id": p.user_id,
        "family_id": p.family_id,
        "amount": major(p.amount),
        "amount_minor": p.amount,
        "refunded_amount": major(p.refunded_amount),
        "currency": p.currency,
        "method": p.method,
        "status": p.status,
        "description": p.description,
        "reference": p.reference,
        "provider": p.provider,
        "stripe_payment_intent_id": if p.provider == "stripe" { p.provider_ref.clone() } else { None },
        "provider_ref": p.provider_ref,
        "metadata": { "purpose": p.purpose, "plan": p.plan_code, "durationDays": p.duration_days, "needsReview": p.needs_review },
        "completed_at": p.completed_at,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }))
}

/// Who may read a payment: an admin, the payer, the family's manager.
async fn may_read(state: &AppState, user: &AuthUser, id: Uuid) -> Result<(), AppError> {
    let owner = sqlx::query!("SELECT family_id, user_id FROM payments WHERE id = $1", id)
        .fetch_optional(&state.pool)
        .await
        .map_err(respond::internal)?
        .ok_or(AppError::NotFound)?;
    if user.may_read(owner.family_id, owner.user_id) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    #[serde(default)]
    amount: Value,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    description: String,
}

/// A JSON amount as the text `Money::parse` reads. In a JSON number the dot is always the
/// decimal point, so `1000.0` is a thousand and a fraction finer than the currency's minor unit
/// is refused (a string such as `"15 000"` is read as people write it).
fn amount_text(v: &Value, currency: &str) -> Result<String, AppError> {
    let invalid = || AppError::field("amount", "error.amount_invalid", vec![]);
    let Value::Number(n) = v else {
        return Ok(v.as_str().unwrap_or_default().to_string());
    };
    if let Some(i) = n.as_i64() {
        return Ok(i.to_string());
    }
    let digits = Currency::parse(currency).map_or(2, |c| c.minor_digits()) as usize;
    let text = n.to_string();
    if text.contains(['e', 'E']) {
        return Err(invalid());
    }
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        Ok(whole.to_string())
    } else if frac.len() <= digits {
        Ok(format!("{whole}.{frac}"))
    } else {
        Err(invalid())
    }
}

/// `POST /payments` and `POST /payments/stripe/process`: a wallet top-up by card, answered with
/// the checkout address. (`paymentMethodId` is not used: cards are typed at the gateway.)
async fn create(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    let b: CreateBody = parse_body(&headers, &body, lang)?;
    let currency = if b.currency.is_empty() {
        "XAF".to_string()
    } else {
        b.currency.clone()
    };
    let amount = amount_text(&b.amount, &currency).map_err(fail(lang))?;
    let (id, url) = wallet::top_up(&state, &user, &amount, &currency, &peer.ip().to_string())
        .await
        .map_err(fail(lang))?;
    if !b.description.trim().is_empty() {
        sqlx::query!(
            "UPDATE payments SET description = $2 WHERE id = $1",
            id,
            b.description.trim().chars().take(500).collect::<String>()
        )
        .execute(&state.pool)
        .await
        .map_err(|e| ApiError::internal(lang, e))?;
    }
    let mut data = payment_json(&state, id).await.map_err(fail(lang))?;
    let url = if url.starts_with('/') {
        format!("{}{url}", state.config.base_url)
    } else {
        url
    };
    data["checkoutUrl"] = json!(url);
    Ok(ok(t(lang, "api.payment_created"), data))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    limit: Option<i64>,
    #[serde(default)]
    status: String,
}

async fn list(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let page = q.page.unwrap_or(1).max(1);
    let status = (!q.status.is_empty()).then(|| q.status.to_ascii_uppercase());
    let ids = sqlx::query_scalar!(
        "SELECT id FROM payments WHERE ($1::text IS NULL OR status = $1) ORDER BY created_at DESC LIMIT $2 OFFSET $3",
        status,
        limit,
        (page - 1) * limit
    )
    .fetch_all(&state.pool)
    .await
    .map_err(|e| ApiError::internal(lang, e))?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM payments WHERE ($1::text IS NULL OR status = $1)"#,
        status
    )
    .fetch_one(&state.pool)
    .await
    .map_err(|e| ApiError::internal(lang, e))?;
    let mut payments = Vec::new();
    for id in ids {
        payments.push(payment_json(&state, id).await.map_err(fail(lang))?);
    }
    Ok(ok(
        t(lang, "api.payments"),
        json!({ "payments": payments, "pagination": { "page": page, "limit": limit, "total": total, "pages": (total + limit - 1) / limit } }),
    ))
}

async fn for_user(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    let target =
        Uuid::parse_str(&user_id).map_err(|_| ApiError::from_app(lang, &AppError::NotFound))?;
    if target != user.id && !user.role.is_admin() {
        return Err(ApiError::from_app(lang, &AppError::Forbidden));
    }
    let ids = sqlx::query_scalar!(
        "SELECT id FROM payments WHERE user_id = $1 ORDER BY created_at DESC LIMIT 200",
        target
    )
    .fetch_all(&state.pool)
    .await
    .map_err(|e| ApiError::internal(lang, e))?;
    let mut payments = Vec::new();
    for id in ids {
        payments.push(payment_json(&state, id).await.map_err(fail(lang))?);
    }
    Ok(ok(t(lang, "api.payments"), json!(payments)))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct AnalyticsQuery {
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    end_date: String,
    #[serde(default)]
    group_by: String,
}

async fn analytics(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
    Query(q): Query<AnalyticsQuery>,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let filter = LedgerFilter {
        from: q.start_date,
        to: q.end_date,
        group: q.group_by,
        ..Default::default()
    };
    let a = ledger::analytics(&state.pool, &filter)
        .await
        .map_err(fail(lang))?;
    Ok(ok(
        t(lang, "api.analytics"),
        json!({
            "totalPayments": a.count,
            "completedPayments": a.completed,
            "failedPayments": a.failed,
            "successRate": a.success_rate,
            "failureRate": a.failure_rate,
            "totalVolume": a.volume.iter().map(|(c, v, _)| json!({ "currency": c, "amountMinor": v })).collect::<Vec<_>>(),
            "groupBy": a.group,
            "series": a.series.iter().map(|p| json!({ "period": p.period, "count": p.count, "completed": p.completed, "failed": p.failed })).collect::<Vec<_>>(),
        }),
    ))
}

fn parse_id(raw: &str, lang: Lang) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw.trim()).map_err(|_| ApiError::from_app(lang, &AppError::NotFound))
}

async fn one(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    let id = parse_id(&id, lang)?;
    may_read(&state, &user, id).await.map_err(fail(lang))?;
    let data = payment_json(&state, id).await.map_err(fail(lang))?;
    Ok(ok(t(lang, "api.payment"), data))
}

async fn confirm(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let id = parse_id(&id, lang)?;
    ledger::confirm(&state, &user, id, "")
        .await
        .map_err(fail(lang))?;
    let data = payment_json(&state, id).await.map_err(fail(lang))?;
    Ok(ok(t(lang, "api.payment_confirmed"), data))
}

#[derive(Deserialize, Default)]
struct UpdateBody {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

async fn update(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let id = parse_id(&id, lang)?;
    let b: UpdateBody = parse_body(&headers, &body, lang)?;
    ledger::update(
        &state.pool,
        &user,
        id,
        b.status.as_deref(),
        b.description.as_deref(),
    )
    .await
    .map_err(fail(lang))?;
    let data = payment_json(&state, id).await.map_err(fail(lang))?;
    Ok(ok(t(lang, "api.payment_updated"), data))
}

async fn remove(
    State(state): State<AppState>,
    BearerUser(user): BearerUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let lang = request_lang(&headers);
    require_admin(&user, lang)?;
    let id = parse_id(&id, lang)?;
    ledger::delete(&state.pool, &user, id)
        .await
        .map_err(fail(lang))?;
    Ok(ok(t(lang, "api.payment_deleted"), json!({ "id": id })))
}

#[cfg(test)]
mod tests {
    use super::amount_text;
    use serde_json::json;

    #[test]
    fn json_numbers_keep_their_decimal_point() {
        let text = |v, c| amount_text(&v, c).ok();
        assert_eq!(text(json!(1000), "XAF").as_deref(), Some("1000"));
        assert_eq!(text(json!(1000.0), "XAF").as_deref(), Some("1000"));
        assert_eq!(text(json!(12.5), "EUR").as_deref(), Some("12.5"));
        assert_eq!(text(json!(12.25), "USD").as_deref(), Some("12.25"));
        assert_eq!(text(json!("15 000"), "XAF").as_deref(), Some("15 000"));
        assert_eq!(text(json!(1000.5), "XAF"), None);
        assert_eq!(text(json!(10.555), "EUR"), None);
        assert_eq!(text(json!(1e300), "EUR"), None);
        assert_eq!(text(json!(null), "EUR").as_deref(), Some(""));
    }
}
