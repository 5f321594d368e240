//! Security e-mails: the owner of an account is told of a sign-in from a browser the account
//! has not used before, and of every password change (from the account page or a reset link).

use sha2::{Digest, Sha256};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::{
    domain::{local_display, Lang},
    error::AppError,
    platform::{auth::AuthUser, config::Config, outbox, respond},
};

/// A short, readable name for a browser: "Chrome on Android", "Safari on iPhone"…
pub fn describe_agent(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") || ua.contains("Opera") {
        "Opera"
    } else if ua.contains("SamsungBrowser") {
        "Samsung Internet"
    } else if ua.contains("Firefox/") || ua.contains("FxiOS") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("CriOS") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        ""
    };
    let system = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") {
        "iPhone"
    } else if ua.contains("iPad") {
        "iPad"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        ""
    };
    match (browser, system) {
        ("", "") => ua.chars().take(60).collect(),
        (b, "") => b.to_string(),
        ("", s) => s.to_string(),
        (b, s) => format!("{b} · {s}"),
    }
}

fn device_key(user_agent: &str) -> String {
    hex::encode(Sha256::digest(user_agent.trim().as_bytes()))
}

/// Remembers the browser of a successful sign-in. The first sign-in from a browser, on an
/// account that has signed in from another before, queues a security e-mail to its owner.
/// Returns whether one was queued.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn note_sign_in(
    pool: &PgPool,
    config: &Config,
    user: &AuthUser,
    ip: &str,
    user_agent: &str,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let seen = sqlx::query!(
        r#"WITH known AS (SELECT count(*) AS n FROM sign_in_devices WHERE user_id = $1),
                seen AS (
                    INSERT INTO sign_in_devices (user_id, device) VALUES ($1, $2)
                    ON CONFLICT (user_id, device) DO UPDATE SET last_seen = now()
                    RETURNING (xmax = 0) AS first_time
                )
           SELECT seen.first_time AS "first_time!", known.n AS "known!" FROM seen, known"#,
        user.id,
        device_key(user_agent)
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(respond::internal)?;
    let tell = seen.first_time && seen.known > 0;
    if tell {
        let lang = user.language;
        outbox::enqueue_template(
            &mut tx,
            "security_sign_in",
            &user.email,
            lang,
            &[
                ("name", &user.name),
                ("when", &local_display(chrono::Utc::now())),
                ("device", &describe_agent(user_agent)),
                ("ip", ip),
                ("url", &config.base_url),
            ],
        )
        .await
        .map_err(respond::internal)?;
    }
    tx.commit().await.map_err(respond::internal)?;
    Ok(tell)
}

/// Queues, in the caller's transaction, the e-mail telling `user_id` their password changed.
pub async fn tell_password_changed(
    tx: &mut Transaction<'_, Postgres>,
    config: &Config,
    user_id: Uuid,
) -> Result<(), AppError> {
    let u = sqlx::query!(
        "SELECT name, email, language FROM users WHERE id = $1",
        user_id
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(respond::internal)?;
    outbox::enqueue_template(
        tx,
        "security_password",
        &u.email,
        Lang::parse(&u.language).unwrap_or_default(),
        &[
            ("name", &u.name),
            ("when", &local_display(chrono::Utc::now())),
            ("url", &config.base_url),
        ],
    )
    .await
    .map_err(respond::internal)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_named_as_people_know_them() {
        assert_eq!(
            describe_agent("Mozilla/5.0 (Linux; Android 14; SM-A146B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"),
            "Chrome · Android"
        );
        assert_eq!(
            describe_agent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"),
            "Safari · iPhone"
        );
        assert_eq!(
            describe_agent(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
            ),
            "Firefox · Windows"
        );
        assert_eq!(describe_agent("curl/8.5.0"), "curl/8.5.0");
    }
}
