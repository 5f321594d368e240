//! Login throttling: too many failures for one account or one address refuse further tries
//! for a while; a success clears both counters. Kept in Postgres so every instance agrees.

use sqlx::PgPool;

use super::config::Config;

pub fn keys(email: &str, ip: &str) -> [String; 2] {
    [format!("email:{email}"), format!("ip:{ip}")]
}

/// True when either key has reached the limit inside the window.
#[tracing::instrument(skip(pool, config))]
pub async fn is_locked(
    pool: &PgPool,
    config: &Config,
    keys: &[String; 2],
) -> Result<bool, sqlx::Error> {
    let locked = sqlx::query_scalar!(
        r#"SELECT EXISTS (
             SELECT 1 FROM login_attempts
             WHERE key = ANY($1) AND failures >= $2
               AND last_failure_at > now() - make_interval(secs => $3)
           ) AS "locked!""#,
        &keys[..],
        config.login_max_failures,
        config.login_window_secs as f64,
    )
    .fetch_one(pool)
    .await?;
    Ok(locked)
}

#[tracing::instrument(skip(pool, config))]
pub async fn record_failure(
    pool: &PgPool,
    config: &Config,
    keys: &[String; 2],
) -> Result<(), sqlx::Error> {
    for key in keys {
        sqlx::query!(
            "INSERT INTO login_attempts (key, failures, last_failure_at) VALUES ($1, 1, now())
             ON CONFLICT (key) DO UPDATE SET
               failures = CASE WHEN login_attempts.last_failure_at < now() - make_interval(secs => $2)
                               THEN 1 ELSE login_attempts.failures + 1 END,
               last_failure_at = now()",
            key,
            config.login_window_secs as f64,
        )
        .execute(pool)
        .await?;
    }
    Ok(())
}

#[tracing::instrument(skip(pool))]
pub async fn clear(pool: &PgPool, keys: &[String; 2]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM login_attempts WHERE key = ANY($1)", &keys[..])
        .execute(pool)
        .await?;
    Ok(())
}
