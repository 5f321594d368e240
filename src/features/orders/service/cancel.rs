//! Cancelling an order: its places back on sale, its tickets void, its commission cancelled,
//! a refund required when money was received, and the buyer told. Also what a payment that
//! will not complete does to its order.

use sqlx::PgPool;
use uuid::Uuid;

use super::order_event;
use crate::{
    domain::{Currency, Lang, Money, OrderStatus},
    error::AppError,
    platform::{
        alerts, audit::audit, auth::AuthUser, config::Config, db::Tx, fulfil::Lapse, outbox,
        respond,
    },
};

/// Moves an order to a cancelled state from one of `from`: places given back, tickets void,
/// commission cancelled, a refund required when money was received, the buyer told.
pub(super) async fn cancel_in(
    tx: &mut Tx<'_>,
    config: &Config,
    order_id: Uuid,
    to: &str,
    from: &[&str],
    reason: &str,
    actor: Option<Uuid>,
) -> Result<bool, AppError> {
    let Some(o) = sqlx::query!(
        r#"UPDATE orders o SET status = $2, cancelled_at = now(), cancel_reason = $4, updated_at = now(),
                commission_status = CASE WHEN commission_status IN ('PENDING', 'CONFIRMED') THEN 'CANCELLED' ELSE commission_status END,
                refund_status = CASE WHEN amount_paid > 0 THEN 'REFUND_REQUIRED' END,
                refund_amount = CASE WHEN amount_paid > 0 THEN amount_paid END,
                refund_reason = CASE WHEN amount_paid > 0 THEN $4 END,
                refund_requested_at = CASE WHEN amount_paid > 0 THEN now() END
           FROM events e
           WHERE o.id = $1 AND e.id = o.event_id AND o.status = ANY($3)
           RETURNING o.reference, o.quantity, o.amount_paid, o.currency, o.buyer_name, o.buyer_email,
                     o.language, e.id AS event_id, e.kind, e.title, o.holds_places AS held"#,
        order_id,
        to,
        from as &[&str],
        reason
    )
    .fetch_optional(&mut **tx)
    .await
    .map_err(respond::internal)?
    else {
        return Ok(false);
    };
    sqlx::query!(
        "UPDATE orders SET holds_places = false WHERE id = $1",
        order_id
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    if o.kind == "EVENT" && o.held {
        sqlx::query!(
            "UPDATE events SET sold = sold - $2, updated_at = now() WHERE id = $1",
            o.event_id,
            o.quantity
        )
        .execute(&mut **tx)
        .await
        .map_err(respond::internal)?;
    }
    sqlx::query!(
        "UPDATE etickets SET status = 'VOID', voided_at = now() WHERE order_id = $1 AND status <> 'VOID'",
        order_id
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    order_event(tx, order_id, actor, to, reason).await?;
    let lang = Lang::parse(&o.language).unwrap_or_default();
    let currency = Currency::parse(&o.currency).unwrap_or(Currency::XAF);
    let template = if o.amount_paid > 0 {
        "order_cancelled_refund"
    } else {
        "order_cancelled"
    };
    outbox::enqueue_for_order(
        tx,
        order_id,
        template,
        &o.buyer_email,
        lang,
        &[
            ("name", &o.buyer_name),
            ("reference", &o.reference),
            ("title", &o.title),
            ("amount", &Money::new(o.amount_paid, currency).format(lang)),
        ],
    )
    .await
    .map_err(respond::internal)?;
    if o.amount_paid > 0 {
        alerts::raise(
            tx,
            config,
            alerts::Alert {
                kind: "refund_required",
                subject: order_id,
                critical: false,
                args: &[("reference", &o.reference), ("title", &o.title)],
            },
        )
        .await?;
    }
    Ok(true)
}

/// What a payment that will not complete does to its order: a declined card after the buyer
/// came back fails the order; one never verified in time expires it (its places back on
/// sale); an amount that does not match, or money after expiry, puts it before a person.
pub async fn lapse(
    tx: &mut Tx<'_>,
    config: &Config,
    order_id: Uuid,
    why: &Lapse,
) -> Result<(), AppError> {
    match why {
        Lapse::Failed { reason } => {
            cancel_in(
                tx,
                config,
                order_id,
                "FAILED",
                &["PENDING_VERIFICATION", "REQUIRES_MANUAL_REVIEW"],
                reason,
                None,
            )
            .await?;
        }
        Lapse::Expired => {
            let from = ["PAYMENT_PENDING", "PENDING_VERIFICATION"];
            cancel_in(tx, config, order_id, "EXPIRED", &from, "expired", None).await?;
        }
        Lapse::Review { reason } => review(tx, order_id, reason).await?,
    }
    Ok(())
}

/// REQUIRES_MANUAL_REVIEW: an order that had given its places back takes them again when
/// there are enough left (else the admin refunds).
async fn review(tx: &mut Tx<'_>, order_id: Uuid, reason: &str) -> Result<(), AppError> {
    let sources = OrderStatus::RequiresManualReview.sources();
    let Some(o) = sqlx::query!(
        r#"UPDATE orders o SET status = 'REQUIRES_MANUAL_REVIEW', updated_at = now()
           FROM events e
           WHERE o.id = $1 AND e.id = o.event_id AND o.status = ANY($2)
           RETURNING o.quantity, o.holds_places, e.id AS event_id, e.kind"#,
        order_id,
        &sources as &[&str]
    )
    .fetch_optional(&mut **tx)
    .await
    .map_err(respond::internal)?
    else {
        return Ok(());
    };
    order_event(tx, order_id, None, "REQUIRES_MANUAL_REVIEW", reason).await?;
    if o.kind == "EVENT" && !o.holds_places {
        let held = sqlx::query!(
            "UPDATE events SET sold = sold + $2, updated_at = now() WHERE id = $1 AND sold + $2 <= capacity",
            o.event_id,
            o.quantity
        )
        .execute(&mut **tx)
        .await
        .map_err(respond::internal)?
        .rows_affected()
            > 0;
        if held {
            sqlx::query!(
                "UPDATE orders SET holds_places = true WHERE id = $1",
                order_id
            )
            .execute(&mut **tx)
            .await
            .map_err(respond::internal)?;
        }
        let note = if held {
            "places held again"
        } else {
            "no places left"
        };
        order_event(tx, order_id, None, "PLACES", note).await?;
    }
    Ok(())
}

/// An admin cancels an order that is not already over; money received becomes a refund due.
#[tracing::instrument(skip(pool, config, admin, reason), fields(admin_id = %admin.id))]
pub async fn cancel_order(
    pool: &PgPool,
    config: &Config,
    admin: &AuthUser,
    reference: &str,
    reason: &str,
) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "error.cancel_reason_required",
            vec![],
        ));
    }
    if reason.chars().count() > 1000 {
        return Err(AppError::field(
            "reason",
            "error.notes_too_long",
            vec![("reason".into(), reason.into())],
        ));
    }
    let id = sqlx::query_scalar!("SELECT id FROM orders WHERE reference = $1", reference)
        .fetch_optional(pool)
        .await
        .map_err(respond::internal)?
        .ok_or(AppError::NotFound)?;
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let sources = OrderStatus::Cancelled.sources();
    if !cancel_in(
        &mut tx,
        config,
        id,
        "CANCELLED",
        &sources,
        reason,
        Some(admin.id),
    )
    .await?
    {
        return Err(AppError::form("error.order_not_cancellable", vec![], 409));
    }
    audit(&mut tx, Some(admin.id), "orders.cancelled", "order", id).await?;
    tx.commit().await.map_err(respond::internal)?;
    Ok(())
}
