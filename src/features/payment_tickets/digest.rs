//! The daily e-mail to admins listing overdue tickets.

use sqlx::PgPool;

use crate::{
    domain::Lang,
    error::AppError,
    i18n::tf,
    platform::{config::Config, outbox, respond},
};

/// Sends today's digest if no instance has yet; returns how many e-mails were queued.
/// The claim on `job_runs` and the e-mails share one transaction, so a crash sends nothing twice.
#[tracing::instrument(skip_all)]
pub async fn run_if_due(pool: &PgPool, config: &Config) -> Result<usize, AppError> {
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let claimed = sqlx::query_scalar!(
        "INSERT INTO job_runs (name, last_run_on) VALUES ('overdue_digest', current_date)
         ON CONFLICT (name) DO UPDATE SET last_run_on = current_date WHERE job_runs.last_run_on < current_date
         RETURNING name"
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?;
    if claimed.is_none() {
        return Ok(0);
    }
    let overdue = sqlx::query!(
        r#"SELECT t.reference, f.name AS family, (extract(epoch FROM now() - t.created_at) / 3600)::bigint AS "hours!"
           FROM payment_tickets t JOIN families f ON f.id = t.family_id
           WHERE t.status = 'PENDING' AND t.created_at < now() - make_interval(hours => $1)
           ORDER BY t.created_at"#,
        config.overdue_hours
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(respond::internal)?;
    let mut sent = 0;
    if !overdue.is_empty() {
        let list: String = overdue
            .iter()
            .map(|t| format!("- {} · {} · {} h\n", t.reference, t.family, t.hours))
            .collect();
        let admins = sqlx::query!(
            "SELECT email, name, language FROM users WHERE role = 'admin' ORDER BY email"
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(respond::internal)?;
        let hours = config.overdue_hours.to_string();
        for admin in admins {
            let lang = Lang::parse(&admin.language).unwrap_or_default();
            let subject = crate::i18n::count(lang, "mail.digest.subject", overdue.len() as i64);
            let body = tf(
                lang,
                "mail.digest.body",
                &[
                    ("name", &admin.name),
                    ("hours", &hours),
                    ("list", &list),
                    ("url", &config.base_url),
                ],
            );
            outbox::enqueue(
                &mut tx,
                outbox::Email {
                    kind: "overdue_digest",
                    to: &admin.email,
                    lang,
                    subject: &subject,
                    body: &body,
                },
            )
            .await
            .map_err(respond::internal)?;
            sent += 1;
        }
    }
    tx.commit().await.map_err(respond::internal)?;
    Ok(sent)
}
