//! Referral commissions: the summary, lines by status or referrer, what is payable, a
//! date-range report and its CSV.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use super::{CommissionLine, CommissionSummary, Payable};
use crate::{
    domain::{Currency, Lang},
    error::AppError,
    platform::{
        csv::{Cell, Sheet},
        respond,
    },
};

#[tracing::instrument(skip_all)]
pub async fn summary(pool: &PgPool) -> Result<CommissionSummary, AppError> {
    let r = sqlx::query!(
        r#"SELECT count(*) AS "total!",
                  count(*) FILTER (WHERE commission_status = 'CONFIRMED') AS "confirmed!",
                  count(*) FILTER (WHERE commission_status = 'PENDING') AS "pending!",
                  count(*) FILTER (WHERE commission_status = 'CANCELLED') AS "cancelled!",
                  coalesce(sum(admin_commission) FILTER (WHERE commission_status = 'CONFIRMED'), 0)::bigint AS "admin!",
                  coalesce(sum(referrer_commission) FILTER (WHERE commission_status = 'CONFIRMED'), 0)::bigint AS "referrer!",
                  coalesce(sum(admin_commission) FILTER (WHERE commission_status = 'PENDING'), 0)::bigint AS "pending_admin!",
                  coalesce(sum(referrer_commission) FILTER (WHERE commission_status = 'PENDING'), 0)::bigint AS "pending_referrer!",
                  coalesce(sum(discount) FILTER (WHERE commission_status IN ('PENDING', 'CONFIRMED')), 0)::bigint AS "discount!"
           FROM orders WHERE referral_code_id IS NOT NULL"#
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    Ok(CommissionSummary {
        total_bookings: r.total,
        confirmed_count: r.confirmed,
        pending_count: r.pending,
        cancelled_count: r.cancelled,
        total_admin_commission: r.admin,
        total_referrer_commission: r.referrer,
        pending_admin_commission: r.pending_admin,
        pending_referrer_commission: r.pending_referrer,
        total_discount: r.discount,
    })
}

/// Commission lines, newest first, filtered by status, referral code and creation dates.
#[tracing::instrument(skip_all)]
pub async fn lines(
    pool: &PgPool,
    status: Option<&str>,
    code: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<CommissionLine>, AppError> {
    Ok(sqlx::query!(
        r#"SELECT o.reference, rc.code, e.title, o.status, o.commission_status, o.total, o.discount,
                  o.referrer_commission, o.admin_commission, o.created_at AS "created_at: DateTime<Utc>"
           FROM orders o JOIN referral_codes rc ON rc.id = o.referral_code_id JOIN events e ON e.id = o.event_id
           WHERE ($1::text IS NULL OR o.commission_status = $1)
             AND ($2::text IS NULL OR rc.code = $2)
             AND ($3::text IS NULL OR o.created_at >= $3::text::date)
             AND ($4::text IS NULL OR o.created_at < $4::text::date + 1)
           ORDER BY o.created_at DESC, o.reference DESC
           LIMIT 1000"#,
        status,
        code,
        from.map(|d| d.to_string()),
        to.map(|d| d.to_string())
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| CommissionLine {
        reference: r.reference,
        referral_code: r.code,
        event_title: r.title,
        status: r.status,
        commission_status: r.commission_status,
        total: r.total,
        discount: r.discount,
        referrer_commission: r.referrer_commission,
        admin_commission: r.admin_commission,
        created_at: r.created_at,
    })
    .collect())
}

/// Every referrer with their confirmed (payable), pending and cancelled amounts.
#[tracing::instrument(skip_all)]
pub async fn payable(pool: &PgPool, code: Option<&str>) -> Result<Vec<Payable>, AppError> {
    Ok(sqlx::query!(
        r#"SELECT rc.code, rc.holder_name, rc.holder_phone, rc.kind,
                  count(o.id) FILTER (WHERE o.commission_status = 'CONFIRMED') AS "confirmed!",
                  coalesce(sum(o.referrer_commission) FILTER (WHERE o.commission_status = 'CONFIRMED'), 0)::bigint AS "payable!",
                  coalesce(sum(o.referrer_commission) FILTER (WHERE o.commission_status = 'PENDING'), 0)::bigint AS "pending!",
                  coalesce(sum(o.referrer_commission) FILTER (WHERE o.commission_status = 'CANCELLED'), 0)::bigint AS "cancelled!"
           FROM referral_codes rc LEFT JOIN orders o ON o.referral_code_id = rc.id
           WHERE ($1::text IS NULL OR rc.code = $1)
           GROUP BY rc.id ORDER BY 6 DESC, rc.code"#,
        code
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| Payable {
        referral_code: r.code,
        holder_name: r.holder_name,
        holder_phone: r.holder_phone,
        kind: r.kind,
        confirmed_bookings: r.confirmed,
        total_payable: r.payable,
        pending: r.pending,
        cancelled: r.cancelled,
    })
    .collect())
}

/// The lines as a spreadsheet in the reader's language (amounts in the default currency).
pub fn csv(lines: &[CommissionLine], lang: Lang) -> Sheet {
    let mut sheet = Sheet::new(
        lang,
        &[
            "reference",
            "referral_code",
            "event",
            "order_status",
            "commission_status",
            "total",
            "discount",
            "referrer_commission",
            "admin_commission",
            "created_at",
        ],
    );
    let xaf = |minor| Cell::Amount(minor, Currency::XAF);
    for l in lines {
        sheet.row(vec![
            l.reference.as_str().into(),
            l.referral_code.as_str().into(),
            l.event_title.as_str().into(),
            l.status.as_str().into(),
            l.commission_status.as_str().into(),
            xaf(l.total),
            xaf(l.discount),
            xaf(l.referrer_commission),
            xaf(l.admin_commission),
            Cell::Time(l.created_at),
        ]);
    }
    sheet
}
