//! The stuck-payment monitor of seed 003: an order still unpaid after a while alerts the
//! admins once, and expires later, giving its places back.

use sqlx::PgPool;

use super::{cancel::cancel_in, order_event};
use crate::{
    domain::{Currency, Money},
    error::AppError,
    platform::{alerts, config::Config, respond},
};

/// The stuck-payment monitor: alerts the admins once about each order still waiting for
/// payment after `order_alert_minutes`, and expires those past `order_expiry_minutes`,
/// giving their places back. Returns (alerted, expired).
#[tracing::instrument(skip_all)]
pub async fn monitor(pool: &PgPool, config: &Config) -> Result<(usize, usize), AppError> {
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let stuck = sqlx::query!(
        r#"UPDATE orders o SET admin_alerted_at = now()
           FROM events e
           WHERE e.id = o.event_id AND o.status = 'PAYMENT_PENDING' AND o.admin_alerted_at IS NULL
             AND o.created_at < now() - make_interval(mins => $1)
           RETURNING o.id, o.reference, o.buyer_name, o.buyer_phone, o.total, o.currency, e.title,
                     (extract(epoch FROM now() - o.created_at) / 60)::bigint AS "minutes!""#,
        config.order_alert_minutes
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(respond::internal)?;
    for o in &stuck {
        let currency = Currency::parse(&o.currency).unwrap_or(Currency::XAF);
        alerts::raise(
            &mut tx,
            config,
            alerts::Alert {
                kind: "payment_stuck",
                subject: o.id,
                critical: false,
                args: &[
                    ("reference", &o.reference),
                    ("title", &o.title),
                    ("guest", &o.buyer_name),
                    ("phone", &o.buyer_phone),
                    ("total", &Money::new(o.total, currency).display()),
                    ("minutes", &o.minutes.to_string()),
                ],
            },
        )
        .await?;
        order_event(&mut tx, o.id, None, "ADMIN_ALERTED", "").await?;
    }
    let expired = sqlx::query!(
        "SELECT id FROM orders WHERE status = 'PAYMENT_PENDING'
           AND created_at < now() - make_interval(mins => $1) FOR UPDATE SKIP LOCKED",
        config.order_expiry_minutes
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(respond::internal)?;
    for o in &expired {
        cancel_in(
            &mut tx,
            config,
            o.id,
            "EXPIRED",
            &["PAYMENT_PENDING"],
            "expired",
            None,
        )
        .await?;
    }
    tx.commit().await.map_err(respond::internal)?;
    Ok((stuck.len(), expired.len()))
}
