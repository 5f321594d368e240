//! A stay's owner confirms or cancels a paid booking from signed, single-use, short-lived
//! links sent by e-mail and WhatsApp.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{cancel::cancel_in, order_event, pay::issue_tickets};
use crate::{
    domain::{Currency, Lang, Money},
    error::AppError,
    platform::{config::Config, db::Tx, outbox, respond, signing::Signer, whatsapp},
};

/// The token of an owner link: the link's id and a signature over everything it is bound to.
fn action_signature(
    signer: &Signer,
    id: Uuid,
    order_id: Uuid,
    action: &str,
    expires: DateTime<Utc>,
) -> String {
    signer.sign(&format!(
        "owner:{id}:{order_id}:{action}:{}",
        expires.timestamp()
    ))
}

/// Creates the owner's Confirm and Cancel links and e-mails them.
pub(super) async fn ask_owner(
    tx: &mut Tx<'_>,
    config: &Config,
    signer: &Signer,
    order_id: Uuid,
) -> Result<(), AppError> {
    let o = sqlx::query!(
        r#"SELECT o.reference, o.buyer_name, o.buyer_phone, o.quantity, o.check_in AS "check_in!", o.check_out AS "check_out!",
                  o.total, o.amount_paid, o.currency, e.title, e.owner_name, e.owner_email, e.owner_phone
           FROM orders o JOIN events e ON e.id = o.event_id WHERE o.id = $1"#,
        order_id
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(respond::internal)?;
    // Whole seconds: the signature covers the timestamp the database keeps.
    let expires = DateTime::<Utc>::from_timestamp(
        Utc::now().timestamp() + i64::from(config.owner_link_minutes) * 60,
        0,
    )
    .unwrap_or_else(Utc::now);
    let mut links = Vec::new();
    let mut tokens = Vec::new();
    for action in ["CONFIRM", "CANCEL"] {
        let id = Uuid::new_v4();
        sqlx::query!(
            "INSERT INTO action_links (id, order_id, action, expires_at) VALUES ($1, $2, $3, $4::text::timestamptz)",
            id,
            order_id,
            action,
            expires.to_rfc3339()
        )
        .execute(&mut **tx)
        .await
        .map_err(respond::internal)?;
        let sig = action_signature(signer, id, order_id, action, expires);
        links.push(format!("{}/owner/{id}.{sig}", config.base_url));
        tokens.push(format!("{id}.{sig}"));
    }
    order_event(tx, order_id, None, "OWNER_ASKED", "").await?;
    let currency = Currency::parse(&o.currency).unwrap_or(Currency::XAF);
    let (guests, check_in, check_out) = (
        o.quantity.to_string(),
        o.check_in.to_string(),
        o.check_out.to_string(),
    );
    let (total, minutes) = (
        Money::new(o.total, currency).format(Lang::Fr),
        config.owner_link_minutes.to_string(),
    );
    let (paid, balance) = (
        Money::new(o.amount_paid, currency).format(Lang::Fr),
        Money::new(o.total - o.amount_paid, currency).format(Lang::Fr),
    );
    let args = [
        ("owner", o.owner_name.as_str()),
        ("reference", o.reference.as_str()),
        ("title", o.title.as_str()),
        ("guest", o.buyer_name.as_str()),
        ("phone", o.buyer_phone.as_str()),
        ("guests", guests.as_str()),
        ("check_in", check_in.as_str()),
        ("check_out", check_out.as_str()),
        ("total", total.as_str()),
        ("paid", paid.as_str()),
        ("balance", balance.as_str()),
        ("confirm", links[0].as_str()),
        ("cancel", links[1].as_str()),
        ("minutes", minutes.as_str()),
    ];
    // Owners are written to in French, the language of the listings.
    outbox::enqueue_for_order(
        tx,
        order_id,
        "owner_request",
        &o.owner_email,
        Lang::Fr,
        &args,
    )
    .await
    .map_err(respond::internal)?;
    let text = crate::i18n::tf(Lang::Fr, "whatsapp.owner_request", &args);
    whatsapp::enqueue(
        tx,
        config,
        "owner_request",
        Lang::Fr,
        whatsapp::buttons_payload(
            &o.owner_phone,
            &text,
            &[
                (&tokens[0], crate::i18n::t(Lang::Fr, "whatsapp.confirm")),
                (&tokens[1], crate::i18n::t(Lang::Fr, "whatsapp.cancel")),
            ],
        ),
        Some(order_id),
    )
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// Why an owner link does nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkState {
    Usable,
    Used,
    Expired,
    /// The order has moved on (already confirmed or cancelled another way).
    Stale,
}

pub struct OwnerLink {
    pub id: Uuid,
    pub order_id: Uuid,
    pub action: String,
    pub state: LinkState,
    pub reference: String,
}

/// Reads an owner link's token; a forged, truncated or unknown token is `NotFound`.
pub async fn owner_link(
    pool: &PgPool,
    signer: &Signer,
    token: &str,
) -> Result<OwnerLink, AppError> {
    let (id, sig) = token.trim().split_once('.').ok_or(AppError::NotFound)?;
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    let row = sqlx::query!(
        r#"SELECT l.order_id, l.action, l.expires_at AS "expires_at: DateTime<Utc>", l.used_at IS NOT NULL AS "used!",
                  o.status, o.reference
           FROM action_links l JOIN orders o ON o.id = l.order_id WHERE l.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?;
    // Verify a signature even when there is no such link, so both take the same time.
    let (order_id, action, expires) = row
        .as_ref()
        .map_or((Uuid::nil(), "CONFIRM", DateTime::<Utc>::MIN_UTC), |r| {
            (r.order_id, r.action.as_str(), r.expires_at)
        });
    let valid = signer.verify(
        &format!("owner:{id}:{order_id}:{action}:{}", expires.timestamp()),
        sig,
    );
    let row = row.filter(|_| valid).ok_or(AppError::NotFound)?;
    let state = if row.used {
        LinkState::Used
    } else if row.expires_at <= Utc::now() {
        LinkState::Expired
    } else if row.status != "PAID" {
        LinkState::Stale
    } else {
        LinkState::Usable
    };
    Ok(OwnerLink {
        id,
        order_id: row.order_id,
        action: row.action,
        state,
        reference: row.reference,
    })
}

/// Uses an owner link once. Confirm issues the tickets; Cancel moves the order to
/// OWNER_CANCELLED and requires a refund. Both links of the order die with the first use.
#[tracing::instrument(skip_all)]
pub async fn use_owner_link(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
    token: &str,
) -> Result<(String, LinkState), AppError> {
    use_owner_link_from(pool, config, signer, token, None).await
}

/// `use_owner_link`, for a press of a WhatsApp button: `from` must be the owner's own number.
pub async fn use_owner_link_from(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
    token: &str,
    from: Option<&str>,
) -> Result<(String, LinkState), AppError> {
    let link = owner_link(pool, signer, token).await?;
    if let Some(from) = from {
        let owner = sqlx::query_scalar!(
            "SELECT e.owner_phone FROM orders o JOIN events e ON e.id = o.event_id WHERE o.id = $1",
            link.order_id
        )
        .fetch_one(pool)
        .await
        .map_err(respond::internal)?;
        if whatsapp::wa_number(&owner) != whatsapp::wa_number(from) {
            return Err(AppError::Forbidden);
        }
    }
    if link.state != LinkState::Usable {
        return Ok((link.action, link.state));
    }
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let claimed = sqlx::query!(
        "UPDATE action_links SET used_at = now() WHERE id = $1 AND used_at IS NULL AND expires_at > now() RETURNING id",
        link.id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?;
    if claimed.is_none() {
        return Ok((link.action, LinkState::Used));
    }
    sqlx::query!(
        "UPDATE action_links SET used_at = now() WHERE order_id = $1 AND used_at IS NULL",
        link.order_id
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    let moved = if link.action == "CONFIRM" {
        sqlx::query!(
            "UPDATE orders SET status = 'OWNER_CONFIRMED', owner_confirmed_at = now(), updated_at = now()
             WHERE id = $1 AND status = 'PAID' RETURNING id",
            link.order_id
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(respond::internal)?
        .is_some()
    } else {
        cancel_in(
            &mut tx,
            config,
            link.order_id,
            "OWNER_CANCELLED",
            &["PAID"],
            "owner",
            None,
        )
        .await?
    };
    if !moved {
        return Ok((link.action, LinkState::Stale));
    }
    if link.action == "CONFIRM" {
        order_event(&mut tx, link.order_id, None, "OWNER_CONFIRMED", "").await?;
        issue_tickets(&mut tx, config, link.order_id, None).await?;
    }
    tx.commit().await.map_err(respond::internal)?;
    Ok((link.action, LinkState::Usable))
}
