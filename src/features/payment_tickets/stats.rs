//! Statistics of payment tickets for admins, in the seed's shapes.

use serde_json::{json, Value};
use sqlx::PgPool;

use crate::{
    error::AppError,
    platform::{config::Config, respond},
};

pub async fn global(pool: &PgPool, config: &Config) -> Result<Value, AppError> {
    let o = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE status = 'PENDING') AS "pending!",
                  count(*) FILTER (WHERE status = 'APPROVED') AS "approved!",
                  count(*) FILTER (WHERE status = 'REJECTED') AS "rejected!",
                  count(*) FILTER (WHERE created_at > now() - interval '24 hours') AS "last24h!",
                  count(*) FILTER (WHERE status = 'PENDING' AND created_at < now() - make_interval(hours => $1)) AS "overdue!",
                  coalesce(sum(amount) FILTER (WHERE status = 'APPROVED'), 0)::bigint AS "approved_amount!"
           FROM payment_tickets"#,
        config.overdue_hours
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    let by_method = sqlx::query!(
        r#"SELECT payment_method, count(*) AS "count!", coalesce(sum(amount), 0)::bigint AS "total!"
           FROM payment_tickets WHERE status = 'APPROVED' GROUP BY payment_method ORDER BY 2 DESC, 1"#
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    let by_plan = sqlx::query!(
        r#"SELECT plan_code, count(*) AS "count!", coalesce(sum(amount), 0)::bigint AS "total!"
           FROM payment_tickets WHERE status = 'APPROVED' GROUP BY plan_code ORDER BY 2 DESC, 1"#
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    let per_day = sqlx::query!(
        r#"SELECT d::date AS "day!", count(t.id) AS "count!"
           FROM generate_series(current_date - 29, current_date, interval '1 day') d
           LEFT JOIN payment_tickets t ON t.created_at::date = d::date
           GROUP BY 1 ORDER BY 1"#
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    Ok(json!({
        "overview": {
            "pendingCount": o.pending, "approvedCount": o.approved, "rejectedCount": o.rejected,
            "last24hCount": o.last24h, "overdueCount": o.overdue, "totalApprovedAmount": o.approved_amount,
        },
        "byPaymentMethod": by_method.iter().map(|r| json!({ "method": r.payment_method, "count": r.count, "totalAmount": r.total })).collect::<Vec<_>>(),
        "byPlanType": by_plan.iter().map(|r| json!({ "planType": r.plan_code, "count": r.count, "totalAmount": r.total })).collect::<Vec<_>>(),
        "perDay": per_day.iter().map(|r| json!({ "day": r.day.to_string(), "count": r.count })).collect::<Vec<_>>(),
    }))
}

pub async fn by_admin(pool: &PgPool) -> Result<Value, AppError> {
    let rows = sqlx::query!(
        r#"SELECT u.id, u.name, count(*) AS "reviewed!",
                  count(*) FILTER (WHERE t.status = 'APPROVED') AS "approved!",
                  count(*) FILTER (WHERE t.status = 'REJECTED') AS "rejected!",
                  coalesce(avg(extract(epoch FROM t.reviewed_at - t.created_at) / 3600), 0)::float8 AS "avg_hours!"
           FROM payment_tickets t JOIN users u ON u.id = t.reviewer_id
           GROUP BY u.id, u.name ORDER BY 3 DESC, 2"#
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    Ok(json!({
        "admins": rows.iter().map(|r| json!({
            "adminId": r.id, "name": r.name, "reviewedCount": r.reviewed, "approvedCount": r.approved,
            "rejectedCount": r.rejected,
            "approvalRate": if r.reviewed > 0 { (r.approved as f64 / r.reviewed as f64 * 1000.0).round() / 10.0 } else { 0.0 },
            "averageReviewHours": (r.avg_hours * 10.0).round() / 10.0,
        })).collect::<Vec<_>>()
    }))
}
