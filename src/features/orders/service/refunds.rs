//! The refund lifecycle of a cancelled order: REFUND_REQUIRED → REFUND_INITIATED →
//! REFUND_COMPLETED. Money taken by card goes back through the provider that took it (the
//! order moves on once the provider accepted); money taken by hand is given back by hand and
//! its reference typed by the admin.

use sqlx::PgPool;
use uuid::Uuid;

use super::order_event;
use crate::{
    domain::{Currency, Lang, Money},
    error::AppError,
    features::payments::{
        providers,
        refunds::{self, RefundOutcome},
    },
    platform::{
        audit::audit, auth::AuthUser, db::Tx, fulfil::Refund, outbox, respond, state::AppState,
    },
};

/// An order whose refund has just moved on.
struct RefundRow {
    id: Uuid,
    reference: String,
    buyer_name: String,
    buyer_email: String,
    language: String,
    amount: i64,
    currency: String,
}

/// Records a refund step on its order: history, audit log, and the customer's e-mail
/// (`mail.<step>`).
async fn refund_step(
    tx: &mut Tx<'_>,
    actor: Option<Uuid>,
    row: &RefundRow,
    step: &str,
    details: &str,
) -> Result<(), AppError> {
    order_event(tx, row.id, actor, &step.to_ascii_uppercase(), details).await?;
    audit(tx, actor, &format!("refunds.{step}"), "order", row.id).await?;
    let lang = Lang::parse(&row.language).unwrap_or_default();
    let currency = Currency::parse(&row.currency).unwrap_or(Currency::XAF);
    let amount = Money::new(row.amount, currency).format(lang);
    outbox::enqueue_for_order(
        tx,
        row.id,
        step,
        &row.buyer_email,
        lang,
        &[
            ("name", &row.buyer_name),
            ("reference", &row.reference),
            ("amount", &amount),
        ],
    )
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// REFUND_REQUIRED → REFUND_INITIATED with the refund's id, in the caller's transaction;
/// `false` when the order was not waiting for a refund.
async fn initiated(
    tx: &mut Tx<'_>,
    order_id: Uuid,
    refund_id: &str,
    actor: Option<Uuid>,
) -> Result<bool, AppError> {
    let row = sqlx::query_as!(
        RefundRow,
        "UPDATE orders SET refund_status = 'REFUND_INITIATED', refund_id = $2, refund_processed_by = $3,
                refund_processed_at = now(), updated_at = now()
         WHERE id = $1 AND refund_status = 'REFUND_REQUIRED'
         RETURNING id, reference, buyer_name, buyer_email, language, refund_amount AS \"amount!\", currency",
        order_id,
        refund_id,
        actor
    )
    .fetch_optional(&mut **tx)
    .await
    .map_err(respond::internal)?;
    match row {
        Some(row) => {
            refund_step(tx, actor, &row, "refund_initiated", refund_id).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// The payments core gave money of this order back (its provider accepted the refund): a
/// refund the order was waiting for is now under way.
pub async fn refunded(tx: &mut Tx<'_>, order_id: Uuid, refund: &Refund) -> Result<(), AppError> {
    initiated(tx, order_id, &refund.refund_id, None).await?;
    Ok(())
}

/// What an admin does for an order waiting for its refund: the card payment is refunded
/// through its provider (the order moves on once the provider accepts), or — money taken by
/// hand — the refund made by hand is recorded with the reference typed.
#[tracing::instrument(skip(state, admin), fields(admin_id = %admin.id))]
pub async fn refund_initiated(
    state: &AppState,
    admin: &AuthUser,
    reference: &str,
    refund_id: &str,
) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let order = sqlx::query!(
        "SELECT id, refund_status, refund_reason FROM orders WHERE reference = $1",
        reference
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    if order.refund_status.as_deref() != Some("REFUND_REQUIRED") {
        return Err(AppError::form("error.refund_not_required", vec![], 409));
    }
    let payments = sqlx::query!(
        "SELECT id, provider, amount - refunded_amount AS \"left!\", currency FROM payments
         WHERE order_id = $1 AND status = 'COMPLETED' ORDER BY created_at",
        order.id
    )
    .fetch_all(&state.pool)
    .await
    .map_err(respond::internal)?;
    let reason = order
        .refund_reason
        .clone()
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "order cancelled".into());
    if let Some(card) = payments
        .iter()
        .find(|p| providers::by_name(&p.provider).is_some() && p.left > 0)
    {
        let amount = refunds::Amount::Minor(card.left);
        return match refunds::refund(state, admin, card.id, amount, "card", &reason).await? {
            RefundOutcome::Done(_) | RefundOutcome::Pending => Ok(()),
        };
    }
    let typed = refund_id.trim();
    if typed.is_empty() || typed.len() > 100 || typed.chars().any(char::is_control) {
        return Err(AppError::field(
            "refund_id",
            "error.refund_id_invalid",
            vec![("refund_id".into(), typed.into())],
        ));
    }
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    if !initiated(&mut tx, order.id, typed, Some(admin.id)).await? {
        return Err(AppError::form("error.refund_not_required", vec![], 409));
    }
    for p in payments.iter().filter(|p| p.left > 0) {
        refunds::record_manual(&mut tx, state, admin.id, p.id, typed, &reason).await?;
    }
    tx.commit().await.map_err(respond::internal)
}

/// REFUND_INITIATED → REFUND_COMPLETED; the order's tickets stay void.
#[tracing::instrument(skip(pool, admin), fields(admin_id = %admin.id))]
pub async fn refund_completed(
    pool: &PgPool,
    admin: &AuthUser,
    reference: &str,
) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let row = sqlx::query_as!(
        RefundRow,
        "UPDATE orders SET refund_status = 'REFUND_COMPLETED', refund_completed_at = now(), updated_at = now()
         WHERE reference = $1 AND refund_status = 'REFUND_INITIATED'
         RETURNING id, reference, buyer_name, buyer_email, language, refund_amount AS \"amount!\", currency",
        reference
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| AppError::form("error.refund_not_initiated", vec![], 409))?;
    sqlx::query!(
        "UPDATE etickets SET status = 'VOID', voided_at = now() WHERE order_id = $1 AND status <> 'VOID'",
        row.id
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    refund_step(&mut tx, Some(admin.id), &row, "refund_completed", "").await?;
    tx.commit().await.map_err(respond::internal)
}
