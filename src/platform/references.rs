//! Human references (`TKT-`, `ORD-`, `PAY-`, `INV-`) numbered by Postgres, per kind and year.

use super::{db::Tx, respond};
use crate::error::AppError;

/// The next number of `kind` for `year`, without gaps: the counter row is locked until the
/// caller's transaction ends, and a rollback gives the number back.
pub async fn next_number(tx: &mut Tx<'_>, kind: &str, year: i32) -> Result<i32, AppError> {
    sqlx::query_scalar!(
        "INSERT INTO reference_counters (kind, year, last_value) VALUES ($1, $2, 1)
         ON CONFLICT (kind, year) DO UPDATE SET last_value = reference_counters.last_value + 1
         RETURNING last_value",
        kind,
        year
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(respond::internal)
}
