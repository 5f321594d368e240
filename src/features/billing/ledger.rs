//! The payments ledger for admins: filters, analytics by day/week/month, CSV, refunds (full
//! and partial, against the payment and the wallet), and subscriptions changed by hand.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{Analytics, LedgerFilter, LedgerRow, Period, SubscriptionRow};
use crate::{
    domain::{Currency, Money},
    error::AppError,
    features::orders::commissions::csv_field,
    server::{auth::AuthUser, respond},
};

fn show(minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(c) => Money::new(minor, c).display(),
        Err(_) => format!("{minor} {currency}"),
    }
}

/// The filter's dates, checked: `from` ≤ `to`, both optional.
pub fn dates(f: &LedgerFilter) -> Result<(Option<NaiveDate>, Option<NaiveDate>), AppError> {
    let parse = |field: &str, raw: &str| {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::field(field, "error.date_invalid", f.echo()))
    };
    let from = parse("from", &f.from)?;
    let to = parse("to", &f.to)?;
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return Err(AppError::field("to", "error.dates_reversed", f.echo()));
        }
    }
    Ok((from, to))
}

/// The filter's dates as instants: from the start of `from` (UTC) to the end of `to`.
fn bounds(f: &LedgerFilter) -> Result<(Option<String>, Option<String>), AppError> {
    let (from, to) = dates(f)?;
    let start = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().to_rfc3339());
    Ok((
        from.and_then(start),
        to.and_then(|d| d.succ_opt()).and_then(start),
    ))
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

#[tracing::instrument(skip(pool))]
pub async fn rows(pool: &PgPool, f: &LedgerFilter, limit: i64) -> Result<Vec<LedgerRow>, AppError> {
    let (from, to) = bounds(f)?;
    let status = opt(&f.status).map(|s| s.to_ascii_uppercase());
    let q = opt(&f.q).map(|q| format!("%{}%", q.to_lowercase()));
    let rows = sqlx::query!(
        r#"SELECT p.id, COALESCE(p.reference, t.reference, '') AS "reference!", p.created_at AS "created_at: DateTime<Utc>",
                  COALESCE(fam.name, o.buyer_name, '') AS "family!", p.amount, p.refunded_amount, p.currency, p.status, p.method, p.provider,
                  p.purpose, p.needs_review, p.review_reason, p.failure_reason, p.description, i.number AS "invoice?"
           FROM payments p LEFT JOIN families fam ON fam.id = p.family_id
           LEFT JOIN orders o ON o.id = p.order_id
           LEFT JOIN payment_tickets t ON t.id = p.ticket_id
           LEFT JOIN invoices i ON i.payment_id = p.id
           WHERE ($1::text IS NULL OR p.status = $1)
             AND ($2::text IS NULL OR p.provider = $2)
             AND ($3::text IS NULL OR p.purpose = $3)
             AND ($4::text IS NULL OR lower(COALESCE(fam.name, o.buyer_name, '')) LIKE $4 OR lower(COALESCE(o.reference, '')) LIKE $4 OR lower(COALESCE(p.reference, t.reference, '')) LIKE $4)
             AND ($5::text IS NULL OR p.created_at >= $5::text::timestamptz)
             AND ($6::text IS NULL OR p.created_at < $6::text::timestamptz)
             AND (NOT $7 OR p.needs_review)
           ORDER BY p.created_at DESC LIMIT $8"#,
        status,
        opt(&f.provider),
        opt(&f.purpose).map(|s| s.to_ascii_uppercase()),
        q,
        from,
        to,
        f.review,
        limit
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    Ok(rows
        .into_iter()
        .map(|r| LedgerRow {
            id: r.id,
            reference: r.reference,
            created_at: r.created_at,
            family: r.family,
            amount: show(r.amount, &r.currency),
            amount_minor: r.amount,
            refunded: show(r.refunded_amount, &r.currency),
            refunded_minor: r.refunded_amount,
            currency: r.currency,
            status: r.status,
            method: r.method,
            provider: r.provider,
            purpose: r.purpose,
            needs_review: r.needs_review,
            note: r.review_reason.or(r.failure_reason).unwrap_or_default(),
            description: r.description,
            invoice: r.invoice,
        })
        .collect())
}

/// Count, success and failure rates, volume per currency, and the series grouped by period.
#[tracing::instrument(skip(pool))]
pub async fn analytics(pool: &PgPool, f: &LedgerFilter) -> Result<Analytics, AppError> {
    let (from, to) = bounds(f)?;
    let unit = match f.group.as_str() {
        "week" => "week",
        "month" => "month",
        _ => "day",
    };
    let totals = sqlx::query!(
        r#"SELECT count(*) AS "count!", count(*) FILTER (WHERE status IN ('COMPLETED', 'REFUNDED')) AS "ok!",
                  count(*) FILTER (WHERE status = 'FAILED') AS "failed!"
           FROM payments WHERE ($1::text IS NULL OR created_at >= $1::text::timestamptz) AND ($2::text IS NULL OR created_at < $2::text::timestamptz)"#,
        from,
        to
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    let volume = sqlx::query!(
        r#"SELECT currency, COALESCE(sum(amount - refunded_amount), 0)::bigint AS "net!" FROM payments
           WHERE status IN ('COMPLETED', 'REFUNDED') AND method <> 'WALLET' AND ($1::text IS NULL OR created_at >= $1::text::timestamptz)
             AND ($2::text IS NULL OR created_at < $2::text::timestamptz)
           GROUP BY currency ORDER BY currency"#,
        from,
        to
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    let series = sqlx::query!(
        r#"SELECT to_char(date_trunc($3, created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS "period!",
                  count(*) AS "count!", count(*) FILTER (WHERE status IN ('COMPLETED', 'REFUNDED')) AS "ok!",
                  count(*) FILTER (WHERE status = 'FAILED') AS "failed!"
           FROM payments WHERE ($1::text IS NULL OR created_at >= $1::text::timestamptz) AND ($2::text IS NULL OR created_at < $2::text::timestamptz)
           GROUP BY 1 ORDER BY 1"#,
        from,
        to,
        unit
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    let rate = |part: i64, all: i64| {
        if all == 0 {
            0.0
        } else {
            (part as f64 * 1000.0 / all as f64).round() / 10.0
        }
    };
    Ok(Analytics {
        group: unit.to_string(),
        count: totals.count,
        completed: totals.ok,
        failed: totals.failed,
        success_rate: rate(totals.ok, totals.count),
        failure_rate: rate(totals.failed, totals.count),
        volume: volume
            .into_iter()
            .map(|v| (v.currency.clone(), v.net, show(v.net, &v.currency)))
            .collect(),
        series: series
            .into_iter()
            .map(|s| Period {
                period: s.period,
                count: s.count,
                completed: s.ok,
                failed: s.failed,
            })
            .collect(),
    })
}

pub fn csv(rows: &[LedgerRow]) -> String {
    let mut out = String::from(
        "reference,created_at,family,purpose,method,provider,status,amount_minor,refunded_minor,currency,invoice,needs_review\n",
    );
    for r in rows {
        let fields = [
            r.reference.clone(),
            r.created_at.to_rfc3339(),
            r.family.clone(),
            r.purpose.clone(),
            r.method.clone(),
            r.provider.clone(),
            r.status.clone(),
            r.amount_minor.to_string(),
            r.refunded_minor.to_string(),
            r.currency.clone(),
            r.invoice.clone().unwrap_or_default(),
            r.needs_review.to_string(),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

async fn audit_reason(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    actor: Uuid,
    action: &str,
    entity: &str,
    entity_id: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO audit_log (actor_id, action, entity, entity_id, details)
         VALUES ($1, $2, $3, $4, jsonb_build_object('reason', $5::text))",
        actor,
        action,
        entity,
        entity_id,
        reason
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok(())
}

fn reason_of(raw: &str, echo: &[(String, String)]) -> Result<String, AppError> {
    let r = raw.trim();
    if r.is_empty() {
        return Err(AppError::field(
            "reason",
            "error.reason_required",
            echo.to_vec(),
        ));
    }
    if r.chars().count() > 1000 {
        return Err(AppError::field(
            "reason",
            "error.notes_too_long",
            echo.to_vec(),
        ));
    }
    Ok(r.to_string())
}

/// A full or partial refund of a completed payment. To the wallet: the wallet is credited.
/// To the card: a top-up's credit is taken back from the wallet (refused if already spent).
#[tracing::instrument(skip(pool, admin, reason), fields(admin_id = %admin.id))]
pub async fn refund(
    pool: &PgPool,
    admin: &AuthUser,
    payment_id: Uuid,
    amount: &str,
    destination: &str,
    reason: &str,
) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let echo = vec![
        ("amount".to_string(), amount.to_string()),
        ("destination".to_string(), destination.to_string()),
        ("reason".to_string(), reason.to_string()),
    ];
    let reason = reason_of(reason, &echo)?;
    if !matches!(destination, "wallet" | "card") {
        return Err(AppError::field(
            "destination",
            "error.destination_invalid",
            echo,
        ));
    }
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let p = sqlx::query!(
        "SELECT family_id, amount, refunded_amount, currency, status, purpose, method FROM payments WHERE id = $1 FOR UPDATE",
        payment_id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    if p.status != "COMPLETED" {
        return Err(AppError::form("error.refund_not_completed", echo, 409));
    }
    if !crate::domain::refund_allowed(destination, &p.purpose, &p.method) {
        return Err(AppError::field(
            "destination",
            "error.refund_destination",
            echo,
        ));
    }
    let currency = Currency::parse(&p.currency).map_err(|_| AppError::Internal)?;
    let money =
        Money::parse(amount, currency).map_err(|k| AppError::field("amount", k, echo.clone()))?;
    if money.minor <= 0 || money.minor > p.amount - p.refunded_amount {
        return Err(AppError::field("amount", "error.refund_too_much", echo));
    }
    let full = p.refunded_amount + money.minor == p.amount;
    sqlx::query!(
        "UPDATE payments SET refunded_amount = refunded_amount + $2, updated_at = now(),
                status = CASE WHEN $3 THEN 'REFUNDED' ELSE status END WHERE id = $1",
        payment_id,
        money.minor,
        full
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    let Some(family_id) = p.family_id else {
        // An order's card payment: back to the card only (the order's own refund flow tracks it).
        record_refund(
            &mut tx,
            admin,
            payment_id,
            money.minor,
            destination,
            &reason,
        )
        .await?;
        return tx.commit().await.map_err(respond::internal);
    };
    let wallet_change = match (destination, p.purpose.as_str()) {
        ("wallet", _) => Some(money.minor),
        ("card", "TOPUP") => Some(-money.minor),
        _ => None,
    };
    if let Some(change) = wallet_change {
        let done = if change > 0 {
            sqlx::query!(
                "INSERT INTO wallets (family_id, currency, balance) VALUES ($1, $2, $3)
                 ON CONFLICT (family_id, currency) DO UPDATE SET balance = wallets.balance + EXCLUDED.balance",
                family_id,
                p.currency,
                change
            )
            .execute(&mut *tx)
            .await
        } else {
            sqlx::query!(
                "UPDATE wallets SET balance = balance + $3 WHERE family_id = $1 AND currency = $2 AND balance + $3 >= 0",
                family_id,
                p.currency,
                change
            )
            .execute(&mut *tx)
            .await
        }
        .map_err(respond::internal)?;
        if done.rows_affected() == 0 {
            return Err(AppError::form("error.wallet_spent", echo, 409));
        }
        sqlx::query!(
            "INSERT INTO wallet_transactions (id, family_id, currency, amount, kind, payment_id, description)
             VALUES ($1, $2, $3, $4, 'REFUND', $5, $6)",
            Uuid::new_v4(),
            family_id,
            p.currency,
            change,
            payment_id,
            reason
        )
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?;
    }
    record_refund(
        &mut tx,
        admin,
        payment_id,
        money.minor,
        destination,
        &reason,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)
}

/// Writes the refund row and its audit entry.
async fn record_refund(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    admin: &AuthUser,
    payment_id: Uuid,
    amount: i64,
    destination: &str,
    reason: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO payment_refunds (id, payment_id, amount, destination, reason, admin_id)
         VALUES ($1, $2, $3, $4, $5, $6)",
        Uuid::new_v4(),
        payment_id,
        amount,
        destination,
        reason,
        admin.id
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    audit_reason(
        tx,
        admin.id,
        "payment.refunded",
        "payment",
        payment_id,
        reason,
    )
    .await
}

/// Families and their subscriptions, for the admin page.
pub async fn subscriptions(pool: &PgPool) -> Result<Vec<SubscriptionRow>, AppError> {
    Ok(sqlx::query!(
        r#"SELECT f.id, f.name, COALESCE(u.email, '') AS "manager!", s.plan_code AS "plan?", s.status AS "status?",
                  s.current_period_end AS "end?: DateTime<Utc>"
           FROM families f LEFT JOIN users u ON u.id = f.manager_id
           LEFT JOIN subscriptions s ON s.family_id = f.id ORDER BY f.name LIMIT 500"#
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| SubscriptionRow {
        family_id: r.id,
        family: r.name,
        manager: r.manager,
        plan: r.plan.unwrap_or_default(),
        status: r.status.unwrap_or_default(),
        period_end: r.end,
    })
    .collect())
}

/// An admin changes the plan, extends, or cancels a family's subscription, with a reason
/// kept in the audit log.
#[tracing::instrument(skip(pool, admin, reason), fields(admin_id = %admin.id))]
pub async fn change_subscription(
    pool: &PgPool,
    admin: &AuthUser,
    family_id: Uuid,
    action: &str,
    plan: &str,
    days: &str,
    reason: &str,
) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let echo = vec![
        ("plan".to_string(), plan.to_string()),
        ("days".to_string(), days.to_string()),
        ("reason".to_string(), reason.to_string()),
    ];
    let reason = reason_of(reason, &echo)?;
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let exists = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM families WHERE id = $1) AS "e!""#,
        family_id
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(respond::internal)?;
    if !exists {
        return Err(AppError::NotFound);
    }
    let done = match action {
        "change_plan" => {
            let plan = plan.trim().to_ascii_uppercase();
            let known = sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM plans WHERE code = $1 AND active) AS "e!""#,
                plan
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(respond::internal)?;
            if !known {
                return Err(AppError::field("plan", "error.plan_invalid", echo));
            }
            sqlx::query!(
                "INSERT INTO subscriptions (family_id, plan_code, status, current_period_end)
                 VALUES ($1, $2, 'ACTIVE', now())
                 ON CONFLICT (family_id) DO UPDATE SET plan_code = $2, updated_at = now()",
                family_id,
                plan
            )
            .execute(&mut *tx)
            .await
            .map_err(respond::internal)?
            .rows_affected()
        }
        "extend" => {
            let days: i32 = days
                .trim()
                .parse()
                .ok()
                .filter(|d| (1..=3660).contains(d))
                .ok_or_else(|| AppError::field("days", "error.days_invalid", echo.clone()))?;
            sqlx::query!(
                "UPDATE subscriptions SET status = 'ACTIVE', updated_at = now(),
                        current_period_end = GREATEST(now(), current_period_end) + make_interval(days => $2)
                 WHERE family_id = $1",
                family_id,
                days
            )
            .execute(&mut *tx)
            .await
            .map_err(respond::internal)?
            .rows_affected()
        }
        "cancel" => sqlx::query!(
            "UPDATE subscriptions SET status = 'CANCELLED', updated_at = now() WHERE family_id = $1 AND status <> 'CANCELLED'",
            family_id
        )
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?
        .rows_affected(),
        _ => return Err(AppError::field("action", "error.action_invalid", echo)),
    };
    if done == 0 {
        return Err(AppError::form("error.subscription_unchanged", echo, 409));
    }
    audit_reason(
        &mut tx,
        admin.id,
        &format!("subscription.{action}"),
        "family",
        family_id,
        &reason,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)
}

/// An admin confirms an open payment by hand (the gateway's report was lost or flagged):
/// the same completion as a webhook's, once.
#[tracing::instrument(skip(pool, config, admin), fields(admin_id = %admin.id))]
pub async fn confirm(
    pool: &PgPool,
    config: &crate::server::config::Config,
    signer: &crate::server::signing::Signer,
    admin: &AuthUser,
    payment_id: Uuid,
) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let p = super::service::lock_payment(&mut tx, payment_id).await?;
    if !matches!(p.status.as_str(), "PENDING" | "PROCESSING") {
        return Err(AppError::form("error.payment_not_open", vec![], 409));
    }
    super::service::complete(&mut tx, config, signer, &p).await?;
    sqlx::query!(
        "UPDATE payments SET needs_review = false WHERE id = $1",
        payment_id
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    audit_reason(
        &mut tx,
        admin.id,
        "payment.confirmed",
        "payment",
        payment_id,
        "confirmed by an admin",
    )
    .await?;
    tx.commit().await.map_err(respond::internal)
}

/// An admin moves an open payment to FAILED or CANCELLED, and may edit its description.
pub async fn update(
    pool: &PgPool,
    admin: &AuthUser,
    payment_id: Uuid,
    status: Option<&str>,
    description: Option<&str>,
) -> Result<(), AppError> {
    use crate::domain::PaymentStatus;
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let current = sqlx::query_scalar!(
        "SELECT status FROM payments WHERE id = $1 FOR UPDATE",
        payment_id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    if let Some(next) = status {
        let next = PaymentStatus::parse(next).map_err(|k| AppError::field("status", k, vec![]))?;
        let now = PaymentStatus::parse(&current).map_err(|_| AppError::Internal)?;
        // Completion and refunds have their own operations (confirm, refund).
        let allowed = now.can_become(next)
            && matches!(
                next,
                PaymentStatus::Failed | PaymentStatus::Cancelled | PaymentStatus::Processing
            );
        if !allowed {
            return Err(AppError::form("error.transition_invalid", vec![], 409));
        }
        sqlx::query!(
            "UPDATE payments SET status = $2, updated_at = now() WHERE id = $1",
            payment_id,
            next.as_str()
        )
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?;
    }
    if let Some(d) = description {
        sqlx::query!(
            "UPDATE payments SET description = $2, updated_at = now() WHERE id = $1",
            payment_id,
            d.trim().chars().take(500).collect::<String>()
        )
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?;
    }
    audit_reason(
        &mut tx,
        admin.id,
        "payment.updated",
        "payment",
        payment_id,
        status.unwrap_or("description"),
    )
    .await?;
    tx.commit().await.map_err(respond::internal)
}

/// Deletes a payment that never took money (admins only); the ledger keeps every other one.
pub async fn delete(pool: &PgPool, admin: &AuthUser, payment_id: Uuid) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let p = sqlx::query!(
        "SELECT status, needs_review, provider, provider_ref FROM payments WHERE id = $1 FOR UPDATE",
        payment_id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    let status = p.status;
    if !matches!(status.as_str(), "PENDING" | "FAILED" | "CANCELLED") {
        return Err(AppError::form("error.payment_kept", vec![], 409));
    }
    // A payment known to a real gateway may still be paid there (a declined card can be
    // retried in the same Stripe session), and a flagged one is evidence: deleting either
    // would leave money arriving later with no record to land on.
    if p.needs_review || (p.provider_ref.is_some() && p.provider != "sandbox") {
        return Err(AppError::form("error.payment_in_flight", vec![], 409));
    }
    sqlx::query!("DELETE FROM payments WHERE id = $1", payment_id)
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?;
    audit_reason(
        &mut tx,
        admin.id,
        "payment.deleted",
        "payment",
        payment_id,
        &status,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)
}
