//! Login throttling: too many failures for one account or one address refuse further tries
//! for a while; a success clears both counters. And rate limits on what anyone can ask for
//! (reset e-mails, registrations, API tokens, uploads, orders): so many per client per window.
//! Both are kept in Postgres so every instance agrees.

use sqlx::PgPool;

use crate::error::{AppError, Echo};

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

/// Counts one request against `key` in a fixed window of `window_secs`; false once more than
/// `limit` arrived in the current window. A limit of 0 means no limit. One statement, so
/// concurrent requests are counted exactly.
#[tracing::instrument(skip(pool))]
pub async fn allow(
    pool: &PgPool,
    key: &str,
    limit: i32,
    window_secs: i64,
) -> Result<bool, sqlx::Error> {
    if limit <= 0 {
        return Ok(true);
    }
    let hits = sqlx::query_scalar!(
        r#"INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, now(), 1)
           ON CONFLICT (key) DO UPDATE SET
             hits = CASE WHEN rate_limits.window_start < now() - make_interval(secs => $2)
                         THEN 1 ELSE rate_limits.hits + 1 END,
             window_start = CASE WHEN rate_limits.window_start < now() - make_interval(secs => $2)
                                 THEN now() ELSE rate_limits.window_start END
           RETURNING hits"#,
        key,
        window_secs as f64,
    )
    .fetch_one(pool)
    .await?;
    Ok(hits <= limit)
}

/// Forgets windows that ended a day ago or more (the job runner calls it).
#[tracing::instrument(skip(pool))]
pub async fn purge(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query!("DELETE FROM rate_limits WHERE window_start < now() - interval '1 day'")
            .execute(pool)
            .await?;
    Ok(done.rows_affected())
}

/// The client's address for a limit: the socket peer, or the first X-Forwarded-For hop behind
/// a trusted proxy.
pub fn client_of(
    headers: &http::HeaderMap,
    peer: std::net::SocketAddr,
    trust_proxy: bool,
) -> String {
    match forwarded_client(headers) {
        Some(f) if trust_proxy => f,
        _ => peer.ip().to_string(),
    }
}

/// The first X-Forwarded-For hop, if any: the client as a proxy saw it (trust it only behind
/// a proxy you control).
pub fn forwarded_client(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// [`allow`] for an action of a client, as the refusal a form or the API shows: 429 with
/// "too many requests, try again later" in the user's language, what was typed kept.
pub async fn limit(
    pool: &PgPool,
    action: &str,
    client: &str,
    per_window: i32,
    window_secs: i64,
    echo: Echo,
) -> Result<(), AppError> {
    match allow(pool, &format!("{action}:{client}"), per_window, window_secs).await {
        Ok(true) => Ok(()),
        Ok(false) => {
            tracing::warn!(action, client, "rate limit reached");
            Err(AppError::form("error.rate_limited", echo, 429))
        }
        Err(e) => Err(crate::platform::respond::internal(e)),
    }
}
