//! The ledger: opening a payment, locking it for the one settle path, and the admin's view
//! of it (filters, analytics by day/week/month, CSV, completion by hand, corrections).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    settle::{self, Outcome, Settled, Source},
    show, Analytics, LedgerFilter, LedgerRow, Period,
};
use crate::{
    domain::{format_payment_reference, Currency, Lang, PaymentPurpose},
    error::AppError,
    platform::{
        audit::{audit, audit_reason},
        auth::AuthUser,
        csv::{Cell, Sheet},
        db::{like_pattern, Tx},
        references::next_number,
        respond,
        state::AppState,
    },
};

/// Who pays, as the payment remembers them: told by e-mail, named on the invoice.
#[derive(Debug, Clone)]
pub struct Payer<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub language: Lang,
    /// The family's or the buyer's name, the invoice's first buyer line.
    pub org: &'a str,
}

impl<'a> Payer<'a> {
    /// A member paying for their family.
    pub fn member(user: &'a AuthUser) -> Self {
        Self {
            email: &user.email,
            name: &user.name,
            language: user.language,
            org: &user.family_name,
        }
    }
}

/// A payment about to be opened.
pub struct NewPayment<'a> {
    pub purpose: PaymentPurpose,
    pub family_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub plan_code: Option<&'a str>,
    pub duration_days: Option<i32>,
    /// Minor units.
    pub amount: i64,
    pub currency: &'a str,
    /// CARD, WALLET, MTN_MOMO, ORANGE_MONEY, CASH, …
    pub method: &'a str,
    /// sandbox, stripe, paytr, wallet, manual, …
    pub provider: &'a str,
    pub description: &'a str,
    pub payer: Payer<'a>,
}

/// Opens a PENDING payment with the next PAY reference of the year, in the caller's
/// transaction; returns its id and reference.
pub async fn open(tx: &mut Tx<'_>, p: &NewPayment<'_>) -> Result<(Uuid, String), AppError> {
    let year = Utc::now().year();
    let n = next_number(tx, "PAY", year).await?;
    let reference = format_payment_reference(year, n);
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO payments (id, reference, family_id, user_id, purpose, plan_code, duration_days, amount,
                currency, status, method, provider, description, order_id, payer_email, payer_name,
                payer_language, payer_org)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'PENDING', $10, $11, $12, $13, $14, $15, $16, $17)",
        id,
        reference,
        p.family_id,
        p.user_id,
        p.purpose.as_str(),
        p.plan_code,
        p.duration_days,
        p.amount,
        p.currency,
        p.method,
        p.provider,
        p.description,
        p.order_id,
        p.payer.email,
        p.payer.name,
        p.payer.language.code(),
        p.payer.org,
    )
    .execute(&mut **tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.constraint() == Some("payments_one_open_checkout") => {
            AppError::form("error.checkout_open", vec![], 409)
        }
        _ => respond::internal(e),
    })?;
    audit(tx, p.user_id, "payment.created", "payment", id).await?;
    Ok((id, reference))
}

/// A payment's row, locked for the caller's transaction.
#[derive(Debug, Clone)]
pub struct Locked {
    pub id: Uuid,
    pub reference: String,
    pub family_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub purpose: String,
    pub plan_code: Option<String>,
    pub duration_days: Option<i32>,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub method: String,
    pub provider: String,
    pub description: String,
    pub needs_review: bool,
    pub payer_email: String,
    pub payer_name: String,
    pub payer_language: String,
    pub payer_org: String,
}

pub async fn lock(tx: &mut Tx<'_>, id: Uuid) -> Result<Locked, AppError> {
    sqlx::query_as!(
        Locked,
        "SELECT id, reference, family_id, order_id, user_id, purpose, plan_code, duration_days, amount,
                currency, status, method, provider, description, needs_review, payer_email, payer_name,
                payer_language, payer_org
         FROM payments WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(&mut **tx)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)
}

/// Closes an open payment that no money will come for (a payment ticket rejected or
/// cancelled): CANCELLED or FAILED with its reason, without any e-mail (the feature sends its
/// own). Nothing happens to a payment already settled.
pub async fn withdraw(
    tx: &mut Tx<'_>,
    id: Uuid,
    failed: bool,
    reason: &str,
    actor: Option<Uuid>,
) -> Result<(), AppError> {
    let status = if failed { "FAILED" } else { "CANCELLED" };
    let done = sqlx::query!(
        "UPDATE payments SET status = $2, failure_reason = $3, updated_at = now()
         WHERE id = $1 AND status IN ('PENDING', 'PROCESSING')",
        id,
        status,
        reason
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    if done.rows_affected() > 0 {
        audit(tx, actor, "payment.withdrawn", "payment", id).await?;
    }
    Ok(())
}

/// Opens a payment and settles it by `source` at once, in the caller's transaction: money a
/// person took (cash, a checked mobile-money proof) or the wallet paid.
pub async fn open_and_settle(
    tx: &mut Tx<'_>,
    state: &AppState,
    p: &NewPayment<'_>,
    source: Source<'_>,
) -> Result<(Uuid, String), AppError> {
    let (id, reference) = open(tx, p).await?;
    let outcome = Outcome::paid_in_full(p.amount, p.currency);
    match settle::settle_in(tx, state, id, source, outcome).await {
        Ok(_) => Ok((id, reference)),
        Err(settle::SettleError::Internal(e)) => Err(e),
        Err(e) => Err(respond::internal(e)),
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
    let q = opt(&f.q).map(|q| like_pattern(&q.to_lowercase()));
    let rows = sqlx::query!(
        r#"SELECT p.id, p.reference, p.created_at AS "created_at: DateTime<Utc>",
                  p.payer_org AS family, p.amount, p.refunded_amount, p.currency, p.status, p.method, p.provider,
                  p.purpose, p.needs_review, p.review_reason, p.failure_reason, p.description, i.number AS "invoice?"
           FROM payments p LEFT JOIN invoices i ON i.payment_id = p.id
           WHERE ($1::text IS NULL OR p.status = $1)
             AND ($2::text IS NULL OR p.provider = $2)
             AND ($3::text IS NULL OR p.purpose = $3)
             AND ($4::text IS NULL OR lower(p.payer_org) LIKE $4 OR lower(p.reference) LIKE $4 OR lower(p.description) LIKE $4)
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

/// The rows as a spreadsheet in the reader's language (see `platform::csv`).
pub fn csv(rows: &[LedgerRow], lang: Lang) -> Sheet {
    let mut sheet = Sheet::new(
        lang,
        &[
            "reference",
            "created_at",
            "family",
            "purpose",
            "method",
            "provider",
            "status",
            "amount",
            "refunded",
            "currency",
            "invoice",
            "needs_review",
        ],
    );
    for r in rows {
        let currency = Currency::parse(&r.currency).unwrap_or(Currency::XAF);
        sheet.row(vec![
            r.reference.as_str().into(),
            Cell::Time(r.created_at),
            r.family.as_str().into(),
            r.purpose.as_str().into(),
            r.method.as_str().into(),
            r.provider.as_str().into(),
            r.status.as_str().into(),
            Cell::Amount(r.amount_minor, currency),
            Cell::Amount(r.refunded_minor, currency),
            r.currency.as_str().into(),
            r.invoice.clone().into(),
            (if r.needs_review { "yes" } else { "no" }).into(),
        ]);
    }
    sheet
}

/// An admin completes a payment by hand (its report was lost, or it is under review): the
/// same settle path as a provider's report, once.
#[tracing::instrument(skip(state, admin), fields(admin_id = %admin.id))]
pub async fn confirm(
    state: &AppState,
    admin: &AuthUser,
    payment_id: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let p = lock(&mut tx, payment_id).await?;
    let outcome = Outcome::paid_in_full(p.amount, &p.currency);
    match settle::settle_in(
        &mut tx,
        state,
        payment_id,
        Source::Manual { actor: admin.id },
        outcome,
    )
    .await
    {
        Ok(Settled::Completed { .. }) => {}
        Ok(_) | Err(settle::SettleError::Mismatch) => {
            return Err(AppError::form("error.payment_not_open", vec![], 409))
        }
        Err(settle::SettleError::Internal(e)) => return Err(e),
        Err(e) => return Err(respond::internal(e)),
    }
    audit_reason(
        &mut tx,
        admin.id,
        "payment.confirmed",
        "payment",
        payment_id,
        if reason.trim().is_empty() {
            "confirmed by an admin"
        } else {
            reason.trim()
        },
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
