//! The audit log: who did what to which record, written in the caller's transaction.

use uuid::Uuid;

use super::{db::Tx, respond};
use crate::error::AppError;

/// Records `action` on `entity` `entity_id` by `actor` (none for the system).
pub async fn audit(
    tx: &mut Tx<'_>,
    actor: Option<Uuid>,
    action: &str,
    entity: &str,
    entity_id: Uuid,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO audit_log (actor_id, action, entity, entity_id) VALUES ($1, $2, $3, $4)",
        actor,
        action,
        entity,
        entity_id
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// `audit`, with the reason a person gave.
pub async fn audit_reason(
    tx: &mut Tx<'_>,
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
