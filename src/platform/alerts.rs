//! Alerts for the people who watch the money: every admin, the alerts address
//! (`ALERTS_EMAIL`) and an admin WhatsApp number (`ALERTS_WHATSAPP`) when configured. Each
//! kind of alert goes out once per subject (a payment, an order, a connection), whatever the
//! number of instances or reports: the row in `alerts` is the claim.

use uuid::Uuid;

use super::{config::Config, db::Tx, outbox, respond, whatsapp};
use crate::{domain::Lang, error::AppError};

/// One alert: the template `mail.<kind>` filled with `args`.
pub struct Alert<'a> {
    pub kind: &'a str,
    pub subject: Uuid,
    /// Money may be wrong (an amount that does not match, a payment after expiry).
    pub critical: bool,
    pub args: &'a [(&'a str, &'a str)],
}

/// Queues the alert in the caller's transaction unless this kind was already raised for this
/// subject; returns whether it was queued.
pub async fn raise(tx: &mut Tx<'_>, config: &Config, alert: Alert<'_>) -> Result<bool, AppError> {
    let summary = crate::i18n::tf(
        Lang::En,
        &format!("mail.{}.subject", alert.kind),
        alert.args,
    );
    let fresh = sqlx::query!(
        "INSERT INTO alerts (kind, subject_id, critical, summary) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
        alert.kind,
        alert.subject,
        alert.critical,
        summary
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    if fresh.rows_affected() == 0 {
        return Ok(false);
    }
    if alert.critical {
        tracing::error!(kind = alert.kind, subject = %alert.subject, %summary, "CRITICAL alert");
    } else {
        tracing::warn!(kind = alert.kind, subject = %alert.subject, %summary, "alert");
    }
    send(tx, config, alert.kind, alert.args).await?;
    Ok(true)
}

/// Queues the message to every admin (in their language), the alerts address and the admin
/// WhatsApp number, without the once-per-subject claim (`tessera alerts test`).
pub async fn send(
    tx: &mut Tx<'_>,
    config: &Config,
    kind: &str,
    args: &[(&str, &str)],
) -> Result<usize, AppError> {
    let admins = sqlx::query!("SELECT email, language FROM users WHERE role = 'admin'")
        .fetch_all(&mut **tx)
        .await
        .map_err(respond::internal)?;
    let mut sent = 0;
    for a in &admins {
        let lang = Lang::parse(&a.language).unwrap_or_default();
        outbox::enqueue_template(tx, kind, &a.email, lang, args)
            .await
            .map_err(respond::internal)?;
        sent += 1;
    }
    if let Some(address) = &config.alerts.email {
        if !admins.iter().any(|a| a.email.eq_ignore_ascii_case(address)) {
            outbox::enqueue_template(tx, kind, address, Lang::En, args)
                .await
                .map_err(respond::internal)?;
            sent += 1;
        }
    }
    if let Some(number) = &config.alerts.whatsapp {
        let text = format!(
            "{}\n\n{}",
            crate::i18n::tf(Lang::En, &format!("mail.{kind}.subject"), args),
            crate::i18n::tf(Lang::En, &format!("mail.{kind}.body"), args)
        );
        whatsapp::enqueue(
            tx,
            config,
            kind,
            Lang::En,
            whatsapp::text_payload(number, &text),
            None,
        )
        .await
        .map_err(respond::internal)?;
        sent += 1;
    }
    Ok(sent)
}
