//! Orders on the server: placing one without overselling, paying it (proof or cash), issuing
//! its e-tickets exactly once, the owner's signed Confirm / Cancel links, cancellation and the
//! refund and commission lifecycles that follow.

use chrono::{DateTime, Datelike, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::OrderFields;
use crate::{
    domain::{
        sales_check, share, Currency, Email, EventKind, Lang, Money, OrderStatus, PersonName,
        PhoneNumber, Quantity, StayDates, TransactionId,
    },
    error::{AppError, Echo},
    features::{
        accounts::service::audit,
        payment_tickets::{proof::CheckedProof, service::next_number},
    },
    server::{
        auth::AuthUser, config::Config, outbox, respond, signing::Signer, storage::Storage,
        whatsapp,
    },
};

type Tx<'a> = Transaction<'a, Postgres>;

impl OrderFields {
    fn echo(&self) -> Echo {
        vec![
            ("quantity".into(), self.quantity.clone()),
            ("check_in".into(), self.check_in.clone()),
            ("check_out".into(), self.check_out.clone()),
            ("name".into(), self.name.clone()),
            ("email".into(), self.email.clone()),
            ("phone".into(), self.phone.clone()),
            ("referral_code".into(), self.referral_code.clone()),
        ]
    }
}

/// The signature that opens `/orders/{reference}` for its buyer.
pub fn order_signature(signer: &Signer, reference: &str) -> String {
    signer.sign(&format!("order:{reference}"))
}

pub fn order_link(config: &Config, signer: &Signer, reference: &str) -> String {
    format!(
        "{}/orders/{reference}?sig={}",
        config.base_url,
        order_signature(signer, reference)
    )
}

pub fn eticket_link(config: &Config, token: &str) -> String {
    format!("{}/t/{token}", config.base_url)
}

/// SHA-256 of an e-ticket token: what lookups compare.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn new_eticket_token() -> String {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub async fn order_event(
    tx: &mut Tx<'_>,
    order_id: Uuid,
    actor: Option<Uuid>,
    kind: &str,
    details: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO order_events (order_id, actor_id, kind, details) VALUES ($1, $2, $3, $4)",
        order_id,
        actor,
        kind,
        details
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// Places an order: checks every field, holds the places (or the nights) in the same
/// transaction that numbers and stores the order, and e-mails the buyer their signed link.
/// Returns the reference and its signature.
#[tracing::instrument(skip_all, fields(slug = %form.slug))]
pub async fn place_order(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
    buyer: Option<&AuthUser>,
    lang: Lang,
    form: &OrderFields,
) -> Result<(String, String), AppError> {
    let echo = form.echo();
    let bad = |field: &str, key: &str| AppError::field(field, key, echo.clone());
    let event = sqlx::query!(
        r#"SELECT id, kind, title, price, currency, capacity, max_per_order, starts_at AS "starts_at: DateTime<Utc>",
                  sales_start AS "sales_start: DateTime<Utc>", sales_end AS "sales_end: DateTime<Utc>"
           FROM events WHERE slug = $1 AND published"#,
        form.slug
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    let kind = EventKind::parse(&event.kind).map_err(respond::internal)?;
    let now = Utc::now();
    sales_check(now, event.sales_start, event.sales_end)
        .map_err(|k| AppError::form(k, echo.clone(), 409))?;
    let name = PersonName::parse(&form.name).map_err(|k| bad("name", k))?;
    let email = Email::parse(&form.email).map_err(|k| bad("email", k))?;
    let phone = PhoneNumber::parse(&form.phone).map_err(|k| bad("phone", k))?;
    let (quantity, dates) = match kind {
        EventKind::Event => {
            if event.starts_at.is_some_and(|s| s <= now) {
                return Err(AppError::form("error.event_started", echo, 409));
            }
            let q = Quantity::parse(&form.quantity, event.max_per_order)
                .map_err(|k| bad("quantity", k))?;
            (q, None)
        }
        EventKind::Stay => {
            let dates = StayDates::parse(&form.check_in, &form.check_out, now.date_naive())
                .map_err(|k| {
                    let field = if k == "error.dates_reversed" {
                        "check_out"
                    } else {
                        "check_in"
                    };
                    bad(field, k)
                })?;
            let guests =
                Quantity::parse(&form.quantity, event.capacity).map_err(|k| bad("quantity", k))?;
            (guests, Some(dates))
        }
    };
    let code = form.referral_code.trim().to_ascii_uppercase();
    let referral = if code.is_empty() {
        None
    } else {
        Some(
            sqlx::query!(
                "SELECT id, discount_bps, referrer_bps, admin_bps FROM referral_codes WHERE code = $1 AND active",
                code
            )
            .fetch_optional(pool)
            .await
            .map_err(respond::internal)?
            .ok_or_else(|| bad("referral_code", "error.referral_invalid"))?,
        )
    };
    let nights = dates.map_or(1, StayDates::nights);
    let units = match kind {
        EventKind::Event => i64::from(quantity.get()),
        EventKind::Stay => i64::from(nights),
    };
    let subtotal = event.price.saturating_mul(units);
    let (discount, referrer_commission, admin_commission) = match &referral {
        Some(r) => {
            let discount = share(subtotal, r.discount_bps);
            let total = subtotal - discount;
            (
                discount,
                share(total, r.referrer_bps),
                share(total, r.admin_bps),
            )
        }
        None => (0, 0, 0),
    };
    let total = subtotal - discount;

    let mut tx = pool.begin().await.map_err(respond::internal)?;
    match kind {
        EventKind::Event => {
            // The conditional update is the capacity lock: concurrent orders queue on the
            // event row and the last places go to whoever gets there first.
            let held = sqlx::query_scalar!(
                "UPDATE events SET sold = sold + $2, updated_at = now()
                 WHERE id = $1 AND sold + $2 <= capacity RETURNING sold",
                event.id,
                quantity.get()
            )
            .fetch_optional(&mut *tx)
            .await
            .map_err(respond::internal)?;
            if held.is_none() {
                let left = sqlx::query_scalar!(
                    "SELECT capacity - sold FROM events WHERE id = $1",
                    event.id
                )
                .fetch_one(&mut *tx)
                .await
                .map_err(respond::internal)?
                .unwrap_or(0);
                let mut echo = echo;
                echo.push(("left".into(), left.to_string()));
                let key = if left <= 0 {
                    "error.sold_out"
                } else {
                    "error.not_enough_places"
                };
                return Err(AppError::Invalid {
                    field: Some("quantity".into()),
                    key: key.into(),
                    echo,
                    status: 409,
                });
            }
        }
        EventKind::Stay => {
            let dates = dates.ok_or_else(|| respond::internal("stay without dates"))?;
            sqlx::query!("SELECT id FROM events WHERE id = $1 FOR UPDATE", event.id)
                .fetch_one(&mut *tx)
                .await
                .map_err(respond::internal)?;
            let releasing: Vec<String> = OrderStatus::ALL
                .iter()
                .filter(|s| s.releases_places())
                .map(|s| s.as_str().to_string())
                .collect();
            let taken = sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM orders WHERE event_id = $1 AND NOT (status = ANY($2))
                                  AND check_in < $4::text::date AND check_out > $3::text::date) AS "taken!""#,
                event.id,
                &releasing,
                dates.check_in.to_string(),
                dates.check_out.to_string()
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(respond::internal)?;
            if taken {
                return Err(bad("check_in", "error.dates_taken"));
            }
        }
    }
    let year = now.year();
    let number = next_number(&mut tx, "ORD", year).await?;
    let reference = format!("ORD-{year}-{number:05}");
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO orders (id, reference, event_id, buyer_id, buyer_name, buyer_email, buyer_phone, language,
                             quantity, check_in, check_out, nights, unit_price, subtotal, discount, total,
                             currency, referral_code_id, referrer_commission, admin_commission)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::date, $11::text::date, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
        id,
        reference,
        event.id,
        buyer.map(|b| b.id),
        name.as_ref(),
        email.as_ref(),
        phone.as_ref(),
        lang.code(),
        quantity.get(),
        dates.map(|d| d.check_in.to_string()),
        dates.map(|d| d.check_out.to_string()),
        nights,
        event.price,
        subtotal,
        discount,
        total,
        event.currency,
        referral.as_ref().map(|r| r.id),
        referrer_commission,
        admin_commission,
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    order_event(&mut tx, id, buyer.map(|b| b.id), "CREATED", "").await?;
    let currency = Currency::parse(&event.currency).unwrap_or(Currency::XAF);
    let link = order_link(config, signer, &reference);
    let mail = outbox::enqueue_template(
        &mut tx,
        "order_created",
        email.as_ref(),
        lang,
        &[
            ("name", name.as_ref()),
            ("reference", &reference),
            ("title", &event.title),
            ("total", &Money::new(total, currency).display()),
            ("link", &link),
        ],
    )
    .await
    .map_err(respond::internal)?;
    outbox::link_order(&mut tx, mail, id)
        .await
        .map_err(respond::internal)?;
    tx.commit().await.map_err(respond::internal)?;
    let sig = order_signature(signer, &reference);
    Ok((reference, sig))
}

/// The order behind a signed link, or `NotFound` for a bad signature (no hint which).
pub fn check_signature(signer: &Signer, reference: &str, sig: &str) -> Result<(), AppError> {
    if signer.verify(&format!("order:{reference}"), sig) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// What the buyer sends with their proof.
pub struct ProofFields {
    pub payment_method: String,
    pub phone_number: String,
    pub transaction_id: String,
}

/// Stores the buyer's mobile-money proof and puts the order in front of the admins.
#[tracing::instrument(skip(pool, storage, fields, proof))]
pub async fn submit_proof(
    pool: &PgPool,
    storage: &Storage,
    reference: &str,
    fields: &ProofFields,
    proof: CheckedProof,
) -> Result<(), AppError> {
    let echo: Echo = vec![
        ("payment_method".into(), fields.payment_method.clone()),
        ("phone_number".into(), fields.phone_number.clone()),
        ("transaction_id".into(), fields.transaction_id.clone()),
    ];
    let bad = |field: &str, key: &str| AppError::field(field, key, echo.clone());
    let method = sqlx::query_scalar!(
        "SELECT code FROM payment_methods WHERE code = $1 AND enabled",
        fields.payment_method.trim().to_ascii_uppercase()
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| bad("payment_method", "error.method_invalid"))?;
    let phone = PhoneNumber::parse(&fields.phone_number).map_err(|k| bad("phone_number", k))?;
    let txid =
        TransactionId::parse(&fields.transaction_id).map_err(|k| bad("transaction_id", k))?;
    let key = storage.put_proof(&proof).await?;
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let updated = sqlx::query!(
        "UPDATE orders SET status = 'PENDING_VERIFICATION', payment_method = $2, phone_number = $3,
                transaction_id = $4, proof_key = $5, proof_sha256 = $6, proof_content_type = $7,
                proof_size = $8, proof_filename = $9, proof_submitted_at = now(), updated_at = now()
         WHERE reference = $1 AND status IN ('PAYMENT_PENDING', 'PENDING_VERIFICATION')
         RETURNING id",
        reference,
        method,
        phone.as_ref(),
        txid.as_ref(),
        key,
        proof.sha256,
        proof.kind.content_type(),
        proof.bytes.len() as i64,
        proof.filename,
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?;
    let Some(row) = updated else {
        drop(tx);
        storage.delete(&key).await;
        return Err(AppError::form("error.order_not_payable", echo, 409));
    };
    order_event(&mut tx, row.id, None, "PROOF_SUBMITTED", txid.as_ref()).await?;
    tx.commit().await.map_err(respond::internal)?;
    Ok(())
}

/// How an admin learnt the order was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaidVia {
    Proof,
    Cash,
}

/// What marking an order paid led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paid {
    /// An event's order: its tickets, now issued.
    TicketsIssued(usize),
    /// A stay: the owner has been asked to confirm.
    AwaitingOwner,
}

/// Marks an order paid, once: the conditional update lets one of two admins (or a retry)
/// through and refuses the other. An event's tickets are issued in the same transaction; a
/// stay's owner gets Confirm / Cancel links.
#[tracing::instrument(skip(pool, config, signer, admin, note), fields(admin_id = %admin.id))]
pub async fn mark_paid(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
    admin: &AuthUser,
    reference: &str,
    via: PaidVia,
    note: &str,
) -> Result<Paid, AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let via_text = match via {
        PaidVia::Proof => "PROOF",
        PaidVia::Cash => "CASH",
    };
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let outcome = pay_in(
        &mut tx,
        config,
        signer,
        reference,
        Some(admin.id),
        via_text,
        note,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)?;
    Ok(outcome)
}

/// Marks the order paid inside the caller's transaction (an admin's cash or proof approval,
/// or a card payment settled by its gateway), then issues the tickets or asks the owner.
pub async fn pay_in(
    tx: &mut Tx<'_>,
    config: &Config,
    signer: &Signer,
    reference: &str,
    actor: Option<Uuid>,
    via_text: &str,
    note: &str,
) -> Result<Paid, AppError> {
    let sources = OrderStatus::Paid.sources();
    let row = sqlx::query!(
        r#"UPDATE orders o SET status = 'PAID', paid_at = now(), paid_by = $2, paid_via = $3,
                amount_paid = total, updated_at = now(),
                commission_status = CASE WHEN referral_code_id IS NULL THEN 'NONE' ELSE 'PENDING' END
           FROM events e
           WHERE o.reference = $1 AND e.id = o.event_id AND o.status = ANY($4)
             AND ($3 IN ('CASH', 'CARD') OR o.proof_key IS NOT NULL)
           RETURNING o.id, e.kind"#,
        reference,
        actor,
        via_text,
        &sources as &[&str],
    )
    .fetch_optional(&mut **tx)
    .await
    .map_err(respond::internal)?;
    let Some(row) = row else {
        let exists = sqlx::query_scalar!("SELECT id FROM orders WHERE reference = $1", reference)
            .fetch_optional(&mut **tx)
            .await
            .map_err(respond::internal)?;
        return Err(match exists {
            None => AppError::NotFound,
            Some(_) => AppError::form("error.order_not_payable", vec![], 409),
        });
    };
    order_event(
        tx,
        row.id,
        actor,
        "PAID",
        &format!("{via_text} {}", note.trim()),
    )
    .await?;
    audit(tx, actor, "orders.paid", "order", row.id).await?;
    Ok(if row.kind == "STAY" {
        ask_owner(tx, config, signer, row.id).await?;
        Paid::AwaitingOwner
    } else {
        Paid::TicketsIssued(issue_tickets(tx, config, row.id, actor).await?)
    })
}

/// Issues one e-ticket per place (one per booking for a stay) and e-mails the links, if the
/// order is paid (or confirmed) and has none yet; returns how many were issued, 0 if another
/// transaction already did it.
pub async fn issue_tickets(
    tx: &mut Tx<'_>,
    config: &Config,
    order_id: Uuid,
    actor: Option<Uuid>,
) -> Result<usize, AppError> {
    let sources = OrderStatus::TicketsIssued.sources();
    let Some(order) = sqlx::query!(
        r#"UPDATE orders o SET status = 'TICKETS_ISSUED', tickets_issued_at = now(), updated_at = now(),
                commission_status = CASE WHEN commission_status = 'PENDING' THEN 'CONFIRMED' ELSE commission_status END
           FROM events e
           WHERE o.id = $1 AND e.id = o.event_id AND o.status = ANY($2)
           RETURNING o.reference, o.quantity, o.buyer_name, o.buyer_email, o.buyer_phone, o.language, e.kind, e.title"#,
        order_id,
        &sources as &[&str],
    )
    .fetch_optional(&mut **tx)
    .await
    .map_err(respond::internal)?
    else {
        return Ok(0);
    };
    let count = if order.kind == "STAY" {
        1
    } else {
        order.quantity
    };
    let mut links = Vec::new();
    for seq in 1..=count {
        let token = new_eticket_token();
        sqlx::query!(
            "INSERT INTO etickets (id, order_id, seq, token, token_hash, holder_name) VALUES ($1, $2, $3, $4, $5, $6)",
            Uuid::new_v4(),
            order_id,
            seq,
            token,
            token_hash(&token),
            order.buyer_name
        )
        .execute(&mut **tx)
        .await
        .map_err(respond::internal)?;
        links.push(format!("{seq}. {}", eticket_link(config, &token)));
    }
    order_event(tx, order_id, actor, "TICKETS_ISSUED", &count.to_string()).await?;
    let lang = Lang::parse(&order.language).unwrap_or_default();
    let links = links.join("\n");
    let args = [
        ("name", order.buyer_name.as_str()),
        ("reference", order.reference.as_str()),
        ("title", order.title.as_str()),
        ("links", links.as_str()),
    ];
    let mail = outbox::enqueue_template(tx, "tickets_issued", &order.buyer_email, lang, &args)
        .await
        .map_err(respond::internal)?;
    outbox::link_order(tx, mail, order_id)
        .await
        .map_err(respond::internal)?;
    let text = crate::i18n::tf(lang, "whatsapp.tickets_issued", &args);
    whatsapp::enqueue(
        tx,
        config,
        "tickets_issued",
        lang,
        whatsapp::text_payload(&order.buyer_phone, &text),
        Some(order_id),
    )
    .await
    .map_err(respond::internal)?;
    Ok(count as usize)
}

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
async fn ask_owner(
    tx: &mut Tx<'_>,
    config: &Config,
    signer: &Signer,
    order_id: Uuid,
) -> Result<(), AppError> {
    let o = sqlx::query!(
        r#"SELECT o.reference, o.buyer_name, o.buyer_phone, o.quantity, o.check_in AS "check_in!", o.check_out AS "check_out!",
                  o.total, o.currency, e.title, e.owner_name, e.owner_email, e.owner_phone
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
        Money::new(o.total, currency).display(),
        config.owner_link_minutes.to_string(),
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
        ("confirm", links[0].as_str()),
        ("cancel", links[1].as_str()),
        ("minutes", minutes.as_str()),
    ];
    // Owners are written to in French, the language of the listings.
    let mail = outbox::enqueue_template(tx, "owner_request", &o.owner_email, Lang::Fr, &args)
        .await
        .map_err(respond::internal)?;
    outbox::link_order(tx, mail, order_id)
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

/// Moves an order to a cancelled state from one of `from`: places given back, tickets void,
/// commission cancelled, a refund required when money was received, the buyer told.
async fn cancel_in(
    tx: &mut Tx<'_>,
    order_id: Uuid,
    to: &str,
    from: &[&str],
    reason: &str,
    actor: Option<Uuid>,
) -> Result<bool, AppError> {
    let Some(o) = sqlx::query!(
        r#"UPDATE orders o SET status = $2, cancelled_at = now(), cancel_reason = $4, updated_at = now(),
                commission_status = CASE WHEN commission_status IN ('PENDING', 'CONFIRMED') THEN 'CANCELLED' ELSE commission_status END,
                refund_status = CASE WHEN amount_paid > 0 THEN 'REFUND_REQUIRED' END,
                refund_amount = CASE WHEN amount_paid > 0 THEN amount_paid END,
                refund_reason = CASE WHEN amount_paid > 0 THEN $4 END,
                refund_requested_at = CASE WHEN amount_paid > 0 THEN now() END
           FROM events e
           WHERE o.id = $1 AND e.id = o.event_id AND o.status = ANY($3)
           RETURNING o.reference, o.quantity, o.amount_paid, o.currency, o.buyer_name, o.buyer_email,
                     o.language, e.id AS event_id, e.kind, e.title"#,
        order_id,
        to,
        from as &[&str],
        reason
    )
    .fetch_optional(&mut **tx)
    .await
    .map_err(respond::internal)?
    else {
        return Ok(false);
    };
    if o.kind == "EVENT" {
        sqlx::query!(
            "UPDATE events SET sold = sold - $2, updated_at = now() WHERE id = $1",
            o.event_id,
            o.quantity
        )
        .execute(&mut **tx)
        .await
        .map_err(respond::internal)?;
    }
    sqlx::query!(
        "UPDATE etickets SET status = 'VOID', voided_at = now() WHERE order_id = $1 AND status <> 'VOID'",
        order_id
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    order_event(tx, order_id, actor, to, reason).await?;
    let lang = Lang::parse(&o.language).unwrap_or_default();
    let currency = Currency::parse(&o.currency).unwrap_or(Currency::XAF);
    let template = if o.amount_paid > 0 {
        "order_cancelled_refund"
    } else {
        "order_cancelled"
    };
    let mail = outbox::enqueue_template(
        tx,
        template,
        &o.buyer_email,
        lang,
        &[
            ("name", &o.buyer_name),
            ("reference", &o.reference),
            ("title", &o.title),
            ("amount", &Money::new(o.amount_paid, currency).display()),
        ],
    )
    .await
    .map_err(respond::internal)?;
    outbox::link_order(tx, mail, order_id)
        .await
        .map_err(respond::internal)?;
    if o.amount_paid > 0 {
        alert_admins(
            tx,
            "refund_required",
            &[("reference", &o.reference), ("title", &o.title)],
        )
        .await?;
    }
    Ok(true)
}

/// Queues the same message to every admin, each in their own language.
pub async fn alert_admins(
    tx: &mut Tx<'_>,
    template: &str,
    args: &[(&str, &str)],
) -> Result<(), AppError> {
    let admins = sqlx::query!("SELECT email, language FROM users WHERE role = 'admin'")
        .fetch_all(&mut **tx)
        .await
        .map_err(respond::internal)?;
    for a in admins {
        let lang = Lang::parse(&a.language).unwrap_or_default();
        outbox::enqueue_template(tx, template, &a.email, lang, args)
            .await
            .map_err(respond::internal)?;
    }
    Ok(())
}

/// An admin cancels an order that is not already over; money received becomes a refund due.
#[tracing::instrument(skip(pool, admin, reason), fields(admin_id = %admin.id))]
pub async fn cancel_order(
    pool: &PgPool,
    admin: &AuthUser,
    reference: &str,
    reason: &str,
) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "error.cancel_reason_required",
            vec![],
        ));
    }
    if reason.chars().count() > 1000 {
        return Err(AppError::field(
            "reason",
            "error.notes_too_long",
            vec![("reason".into(), reason.into())],
        ));
    }
    let id = sqlx::query_scalar!("SELECT id FROM orders WHERE reference = $1", reference)
        .fetch_optional(pool)
        .await
        .map_err(respond::internal)?
        .ok_or(AppError::NotFound)?;
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let sources = OrderStatus::Cancelled.sources();
    if !cancel_in(&mut tx, id, "CANCELLED", &sources, reason, Some(admin.id)).await? {
        return Err(AppError::form("error.order_not_cancellable", vec![], 409));
    }
    audit(&mut tx, Some(admin.id), "orders.cancelled", "order", id).await?;
    tx.commit().await.map_err(respond::internal)?;
    Ok(())
}

/// An order whose refund has just moved on.
struct RefundRow {
    id: Uuid,
    buyer_name: String,
    buyer_email: String,
    language: String,
    amount: i64,
    currency: String,
}

/// Records a refund step on its order: history, audit log, and the customer's e-mail
/// (`mail.<step>`), then commits.
async fn refund_step(
    mut tx: Tx<'_>,
    admin: &AuthUser,
    row: RefundRow,
    reference: &str,
    step: &str,
    details: &str,
) -> Result<(), AppError> {
    order_event(
        &mut tx,
        row.id,
        Some(admin.id),
        &step.to_ascii_uppercase(),
        details,
    )
    .await?;
    audit(
        &mut tx,
        Some(admin.id),
        &format!("refunds.{step}"),
        "order",
        row.id,
    )
    .await?;
    let lang = Lang::parse(&row.language).unwrap_or_default();
    let currency = Currency::parse(&row.currency).unwrap_or(Currency::XAF);
    let amount = Money::new(row.amount, currency).display();
    let mail = outbox::enqueue_template(
        &mut tx,
        step,
        &row.buyer_email,
        lang,
        &[
            ("name", &row.buyer_name),
            ("reference", reference),
            ("amount", &amount),
        ],
    )
    .await
    .map_err(respond::internal)?;
    outbox::link_order(&mut tx, mail, row.id)
        .await
        .map_err(respond::internal)?;
    tx.commit().await.map_err(respond::internal)
}

/// REFUND_REQUIRED → REFUND_INITIATED with the provider's refund id.
#[tracing::instrument(skip(pool, admin), fields(admin_id = %admin.id))]
pub async fn refund_initiated(
    pool: &PgPool,
    admin: &AuthUser,
    reference: &str,
    refund_id: &str,
) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let refund_id = refund_id.trim();
    if refund_id.is_empty() || refund_id.len() > 100 || refund_id.chars().any(char::is_control) {
        return Err(AppError::field(
            "refund_id",
            "error.refund_id_invalid",
            vec![("refund_id".into(), refund_id.into())],
        ));
    }
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let row = sqlx::query_as!(
        RefundRow,
        "UPDATE orders SET refund_status = 'REFUND_INITIATED', refund_id = $2, refund_processed_by = $3,
                refund_processed_at = now(), updated_at = now()
         WHERE reference = $1 AND refund_status = 'REFUND_REQUIRED'
         RETURNING id, buyer_name, buyer_email, language, refund_amount AS \"amount!\", currency",
        reference,
        refund_id,
        admin.id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| AppError::form("error.refund_not_required", vec![], 409))?;
    refund_step(tx, admin, row, reference, "refund_initiated", refund_id).await
}

/// REFUND_INITIATED → REFUND_COMPLETED; the order's tickets stay void.
#[tracing::instrument(skip(pool, admin), fields(admin_id = %admin.id))]
pub async fn refund_completed(
    pool: &PgPool,
    admin: &AuthUser,
    reference: &str,
) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let row = sqlx::query_as!(
        RefundRow,
        "UPDATE orders SET refund_status = 'REFUND_COMPLETED', refund_completed_at = now(), updated_at = now()
         WHERE reference = $1 AND refund_status = 'REFUND_INITIATED'
         RETURNING id, buyer_name, buyer_email, language, refund_amount AS \"amount!\", currency",
        reference
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| AppError::form("error.refund_not_initiated", vec![], 409))?;
    sqlx::query!(
        "UPDATE etickets SET status = 'VOID', voided_at = now() WHERE order_id = $1 AND status <> 'VOID'",
        row.id
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    refund_step(tx, admin, row, reference, "refund_completed", "").await
}

/// The stuck-payment monitor: alerts the admins once about each order still waiting for
/// payment after `order_alert_minutes`, and expires those past `order_expiry_minutes`,
/// giving their places back. Returns (alerted, expired).
#[tracing::instrument(skip_all)]
pub async fn monitor(pool: &PgPool, config: &Config) -> Result<(usize, usize), AppError> {
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let stuck = sqlx::query!(
        r#"UPDATE orders o SET admin_alerted_at = now()
           FROM events e
           WHERE e.id = o.event_id AND o.status = 'PAYMENT_PENDING' AND o.admin_alerted_at IS NULL
             AND o.created_at < now() - make_interval(mins => $1)
           RETURNING o.id, o.reference, o.buyer_name, o.buyer_phone, o.total, o.currency, e.title,
                     (extract(epoch FROM now() - o.created_at) / 60)::bigint AS "minutes!""#,
        config.order_alert_minutes
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(respond::internal)?;
    for o in &stuck {
        let currency = Currency::parse(&o.currency).unwrap_or(Currency::XAF);
        alert_admins(
            &mut tx,
            "payment_stuck",
            &[
                ("reference", &o.reference),
                ("title", &o.title),
                ("guest", &o.buyer_name),
                ("phone", &o.buyer_phone),
                ("total", &Money::new(o.total, currency).display()),
                ("minutes", &o.minutes.to_string()),
            ],
        )
        .await?;
        order_event(&mut tx, o.id, None, "ADMIN_ALERTED", "").await?;
    }
    let expired = sqlx::query!(
        "SELECT id FROM orders WHERE status = 'PAYMENT_PENDING'
           AND created_at < now() - make_interval(mins => $1) FOR UPDATE SKIP LOCKED",
        config.order_expiry_minutes
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(respond::internal)?;
    for o in &expired {
        cancel_in(
            &mut tx,
            o.id,
            "EXPIRED",
            &["PAYMENT_PENDING"],
            "expired",
            None,
        )
        .await?;
    }
    tx.commit().await.map_err(respond::internal)?;
    Ok((stuck.len(), expired.len()))
}
