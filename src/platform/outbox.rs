//! The notification outbox: rows written in the caller's transaction, delivered by a job.
//!
//! Delivery claims due rows with `FOR UPDATE SKIP LOCKED` and keeps the lock while sending, so
//! two instances never send the same message; a failure is retried with exponential backoff
//! until `outbox_max_attempts`, and every attempt is written to `notification_log`.

use lettre::{
    message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::config::{Config, SmtpSecurity};
use crate::domain::Lang;

pub struct Email<'a> {
    pub kind: &'a str,
    pub to: &'a str,
    pub lang: Lang,
    pub subject: &'a str,
    pub body: &'a str,
}

#[tracing::instrument(skip(tx, email), fields(kind = email.kind))]
pub async fn enqueue(
    tx: &mut Transaction<'_, Postgres>,
    email: Email<'_>,
) -> Result<Uuid, sqlx::Error> {
    insert(tx, email, None).await
}

async fn insert(
    tx: &mut Transaction<'_, Postgres>,
    email: Email<'_>,
    order_id: Option<Uuid>,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO outbox (id, kind, recipient, language, subject, body, order_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        id,
        email.kind,
        email.to,
        email.lang.code(),
        email.subject,
        email.body,
        order_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Queues the e-mail `mail.<template>.subject` / `mail.<template>.body` in `lang`, with the
/// `{name}` placeholders of both filled from `args`.
pub async fn enqueue_template(
    tx: &mut Transaction<'_, Postgres>,
    template: &str,
    to: &str,
    lang: Lang,
    args: &[(&str, &str)],
) -> Result<Uuid, sqlx::Error> {
    templated(tx, template, to, lang, args, None).await
}

/// As `enqueue_template`, filed under an order for the order's delivery log.
pub async fn enqueue_for_order(
    tx: &mut Transaction<'_, Postgres>,
    order_id: Uuid,
    template: &str,
    to: &str,
    lang: Lang,
    args: &[(&str, &str)],
) -> Result<Uuid, sqlx::Error> {
    templated(tx, template, to, lang, args, Some(order_id)).await
}

async fn templated(
    tx: &mut Transaction<'_, Postgres>,
    template: &str,
    to: &str,
    lang: Lang,
    args: &[(&str, &str)],
    order_id: Option<Uuid>,
) -> Result<Uuid, sqlx::Error> {
    let subject = crate::i18n::tf(lang, &format!("mail.{template}.subject"), args);
    let body = crate::i18n::tf(lang, &format!("mail.{template}.body"), args);
    let email = Email {
        kind: template,
        to,
        lang,
        subject: &subject,
        body: &body,
    };
    insert(tx, email, order_id).await
}

/// Attaches a file to a queued e-mail (an invoice, an e-ticket), in the caller's transaction.
pub async fn attach(
    tx: &mut Transaction<'_, Postgres>,
    outbox_id: Uuid,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO outbox_attachments (outbox_id, name, content_type, bytes) VALUES ($1, $2, $3, $4)",
        outbox_id,
        name,
        content_type,
        bytes
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Makes the bytes of a document attached by key (`attach_document`); the feature that owns
/// the documents registers one at start-up.
pub type DocumentMaker =
    for<'a> fn(&'a PgPool, &'a str) -> super::fulfil::BoxFuture<'a, Result<Vec<u8>, String>>;

static DOCUMENTS: std::sync::OnceLock<DocumentMaker> = std::sync::OnceLock::new();

/// Registers who makes documents attached by key (once per process; later calls are ignored).
pub fn register_documents(maker: DocumentMaker) {
    let _ = DOCUMENTS.set(maker);
}

/// The document behind `key`, made now by the registered maker.
pub async fn make_document(pool: &PgPool, key: &str) -> Result<Vec<u8>, String> {
    match DOCUMENTS.get() {
        Some(maker) => maker(pool, key).await,
        None => Err(format!("no maker for document {key}")),
    }
}

/// Attaches a document made when the e-mail is sent (an invoice PDF, `invoice:<number>`):
/// the transaction that queues the e-mail stays short. If it cannot be made then, sending fails
/// and is retried like any other failure.
pub async fn attach_document(
    tx: &mut Transaction<'_, Postgres>,
    outbox_id: Uuid,
    name: &str,
    content_type: &str,
    key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO outbox_attachments (outbox_id, name, content_type, bytes, document)
         VALUES ($1, $2, $3, '', $4)",
        outbox_id,
        name,
        content_type,
        key
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Attaches an image shown inside the HTML part of a queued e-mail (the e-ticket's QR code),
/// referenced as `cid:<content_id>`; its name without the extension is its caption.
pub async fn attach_inline(
    tx: &mut Transaction<'_, Postgres>,
    outbox_id: Uuid,
    content_id: &str,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO outbox_attachments (outbox_id, name, content_type, bytes, content_id)
         VALUES ($1, $2, $3, $4, $5)",
        outbox_id,
        name,
        content_type,
        bytes,
        content_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Where e-mail goes: an SMTP server, or `.eml` files in the data folder when none is set.
#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(std::path::PathBuf),
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Self, lettre::transport::smtp::Error> {
        let Some(smtp) = &config.smtp else {
            return Ok(Self::Files(config.data_dir.join("mail")));
        };
        let mut builder = match smtp.security {
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            }
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?
            }
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
        }
        .port(smtp.port)
        .timeout(Some(std::time::Duration::from_secs(10)));
        if let (Some(user), Some(pass)) = (&smtp.username, &smtp.password) {
            builder =
                builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
                    user.clone(),
                    pass.expose().to_string(),
                ));
        }
        Ok(Self::Smtp(builder.build()))
    }

    fn channel(&self) -> &'static str {
        match self {
            Self::Smtp(_) => "smtp",
            Self::Files(_) => "file",
        }
    }

    async fn send(&self, id: Uuid, message: Message) -> Result<(), String> {
        match self {
            Self::Smtp(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Self::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| e.to_string())?;
                tokio::fs::write(dir.join(format!("{id}.eml")), message.formatted())
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }
}

struct Due {
    id: Uuid,
    channel: String,
    language: String,
    recipient: String,
    subject: String,
    body: String,
    payload: Option<String>,
    attempts: i32,
}

/// A file attached to a queued e-mail.
struct Attached {
    name: String,
    content_type: String,
    bytes: Vec<u8>,
    content_id: Option<String>,
    document: Option<String>,
}

/// The e-mail as it is sent: the text and the same words as a phone-readable HTML page
/// (multipart/alternative), the HTML's inline images beside it (multipart/related), and the
/// attached files around both (multipart/mixed).
fn build_message(from: &str, due: &Due, files: Vec<Attached>) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("bad sender: {e}"))?;
    let to: Mailbox = due
        .recipient
        .parse()
        .map_err(|e| format!("bad recipient: {e}"))?;
    let builder = Message::builder().from(from).to(to).subject(&due.subject);
    let (inline, attached): (Vec<Attached>, Vec<Attached>) =
        files.into_iter().partition(|f| f.content_id.is_some());
    let lang = Lang::parse(&due.language).unwrap_or_default();
    let images: Vec<(String, String)> = inline
        .iter()
        .map(|f| {
            let caption = f.name.rsplit_once('.').map_or(f.name.as_str(), |(n, _)| n);
            (
                f.content_id.clone().unwrap_or_default(),
                caption.to_string(),
            )
        })
        .collect();
    let html = SinglePart::html(super::mail_html::render(
        lang,
        &due.subject,
        &due.body,
        &images,
    ));
    let html = if inline.is_empty() {
        MultiPart::alternative()
            .singlepart(SinglePart::plain(due.body.clone()))
            .singlepart(html)
    } else {
        let mut related = MultiPart::related().singlepart(html);
        for f in inline {
            let ct =
                ContentType::parse(&f.content_type).map_err(|e| format!("bad inline type: {e}"))?;
            let id = f.content_id.unwrap_or_default();
            related = related.singlepart(Attachment::new_inline(id).body(f.bytes, ct));
        }
        MultiPart::alternative()
            .singlepart(SinglePart::plain(due.body.clone()))
            .multipart(related)
    };
    if attached.is_empty() {
        return builder.multipart(html).map_err(|e| e.to_string());
    }
    let mut parts = MultiPart::mixed().multipart(html);
    for f in attached {
        let ct =
            ContentType::parse(&f.content_type).map_err(|e| format!("bad attachment type: {e}"))?;
        parts = parts.singlepart(Attachment::new(f.name).body(f.bytes, ct));
    }
    builder.multipart(parts).map_err(|e| e.to_string())
}

/// The attachments with the documents attached by key made now.
async fn made(pool: &PgPool, files: Vec<Attached>) -> Result<Vec<Attached>, String> {
    let mut out = Vec::with_capacity(files.len());
    for mut f in files {
        if let Some(key) = f.document.as_deref() {
            f.bytes = make_document(pool, key).await?;
        }
        out.push(f);
    }
    Ok(out)
}

/// Delivers up to `limit` due messages; returns how many were sent.
#[tracing::instrument(skip_all, fields(instance = %config.instance))]
pub async fn deliver_due(
    pool: &PgPool,
    mailer: &Mailer,
    config: &Config,
    limit: i64,
) -> Result<usize, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let due = sqlx::query_as!(
        Due,
        "SELECT id, channel, language, recipient, subject, body, payload, attempts FROM outbox
         WHERE status = 'PENDING' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED",
        limit
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut sent = 0;
    for msg in &due {
        let attempt = msg.attempts + 1;
        let whatsapp = msg.channel == "whatsapp";
        let result = if whatsapp {
            super::whatsapp::send(config, msg.payload.as_deref().unwrap_or_default()).await
        } else {
            let files = sqlx::query_as!(
                Attached,
                "SELECT name, content_type, bytes, content_id, document FROM outbox_attachments WHERE outbox_id = $1 ORDER BY id",
                msg.id
            )
            .fetch_all(&mut *tx)
            .await?;
            match made(pool, files).await {
                Ok(files) => match build_message(&config.mail_from, msg, files) {
                    Ok(m) => mailer.send(msg.id, m).await,
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            }
        };
        let (channel, max_attempts) = if whatsapp {
            (
                "whatsapp",
                super::whatsapp::MAX_ATTEMPTS.min(config.outbox_max_attempts),
            )
        } else {
            (mailer.channel(), config.outbox_max_attempts)
        };
        sqlx::query!(
            "INSERT INTO notification_log (outbox_id, attempt, channel, success, error, instance)
             VALUES ($1, $2, $3, $4, $5, $6)",
            msg.id,
            attempt,
            channel,
            result.is_ok(),
            result.as_ref().err(),
            config.instance
        )
        .execute(&mut *tx)
        .await?;
        match result {
            Ok(()) => {
                sent += 1;
                sqlx::query!(
                    "UPDATE outbox SET status = 'SENT', attempts = $2, sent_at = now(), last_error = NULL WHERE id = $1",
                    msg.id,
                    attempt
                )
                .execute(&mut *tx)
                .await?;
            }
            Err(error) => {
                tracing::warn!(outbox_id = %msg.id, attempt, %error, "delivery failed");
                let status = if attempt >= max_attempts {
                    "FAILED"
                } else {
                    "PENDING"
                };
                // 1×, 2×, 4×, … the base backoff.
                let delay = config
                    .outbox_backoff_secs
                    .saturating_mul(1 << (attempt - 1).clamp(0, 16))
                    as f64;
                sqlx::query!(
                    "UPDATE outbox SET status = $2, attempts = $3, last_error = $4,
                            next_attempt_at = now() + make_interval(secs => $5)
                     WHERE id = $1",
                    msg.id,
                    status,
                    attempt,
                    error,
                    delay
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(sent)
}
