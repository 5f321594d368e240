//! The database: the pool, migrations, and the transaction type every service takes.

use std::time::Duration;

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    PgPool, Postgres, Transaction,
};
use tower_sessions_sqlx_store::PostgresStore;

/// A transaction on the app's database.
pub type Tx<'a> = Transaction<'a, Postgres>;

/// A pool of at most `size` connections (`DATABASE_POOL_SIZE`); a request waits at most 5 s
/// for one. Each connection caches up to `statement_cache` prepared statements
/// (`DATABASE_STATEMENT_CACHE`, 100), so a query is parsed and planned once per connection, not
/// per request; 0 prepares each query anew, for a pooler that cannot keep named statements.
pub async fn connect(
    database_url: &str,
    size: u32,
    statement_cache: usize,
) -> Result<PgPool, sqlx::Error> {
    let options: PgConnectOptions = database_url.parse()?;
    PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options.statement_cache_capacity(statement_cache))
        .await
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("migrations: {0}")]
    Schema(#[from] sqlx::migrate::MigrateError),
    #[error("session table: {0}")]
    Sessions(#[from] sqlx::Error),
}

/// Applies the app's migrations and creates the session table.
pub async fn migrate(pool: &PgPool) -> Result<(), MigrateError> {
    sqlx::migrate!().run(pool).await?;
    PostgresStore::new(pool.clone()).migrate().await?;
    Ok(())
}

/// `%`, `_` and `\` typed in a search box are searched for, not used as wildcards.
pub fn like_pattern(s: &str) -> String {
    let escaped = s
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
