//! Paying an order: the buyer's proof, an admin's check of it (or cash), a card through the
//! payments core — every one settled by the one settle path — and the e-tickets issued once.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    check_signature, eticket_link, new_eticket_token, order_event, owner::ask_owner, token_hash,
};
use crate::{
    domain::{
        parse_order_reference, Lang, OrderStatus, PaymentPurpose, PhoneNumber, TransactionId,
    },
    error::{AppError, Echo},
    features::{
        orders::etickets,
        payments::{
            accounts,
            checkout::{self, Options, Return},
            ledger::{self, NewPayment, Payer},
            phone::{self, PhoneOptions},
            poller, providers,
            settle::Source,
        },
    },
    platform::{
        alerts, audit::audit, auth::AuthUser, config::Config, db::Tx, fulfil::PaymentFacts, outbox,
        respond, signing::Signer, state::AppState, storage::Storage, uploads::CheckedProof,
        whatsapp,
    },
};

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
    /// A line of the operator's statement (MTN_MOMO or ORANGE_MONEY) shows the money arrived.
    Statement(&'static str),
}

/// What marking an order paid led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paid {
    /// An event's order: its tickets, now issued, and the e-mail that carries them (none when
    /// another transaction had already issued them).
    TicketsIssued(usize, Option<Uuid>),
    /// A stay: the owner has been asked to confirm.
    AwaitingOwner,
}

/// An order as paying it needs it, locked.
struct Payable {
    id: Uuid,
    reference: String,
    status: String,
    due: i64,
    currency: String,
    has_proof: bool,
    payment_method: Option<String>,
    buyer_name: String,
    buyer_email: String,
    language: String,
    title: String,
    expires_at: DateTime<Utc>,
    organiser_id: Option<Uuid>,
}

impl Payable {
    /// The description of its payment, in the buyer's language.
    fn description(&self) -> String {
        crate::i18n::tf(
            self.lang(),
            "billing.line_order",
            &[("reference", &self.reference), ("title", &self.title)],
        )
    }

    fn lang(&self) -> Lang {
        Lang::parse(&self.language).unwrap_or_default()
    }

    /// The payment of what is due now, by `method` through `provider`.
    fn payment<'a>(
        &'a self,
        method: &'a str,
        provider: &'a str,
        description: &'a str,
    ) -> NewPayment<'a> {
        NewPayment {
            purpose: PaymentPurpose::Order,
            family_id: None,
            order_id: Some(self.id),
            user_id: None,
            plan_code: None,
            duration_days: None,
            amount: self.due,
            currency: &self.currency,
            method,
            provider,
            description,
            payer: Payer {
                email: &self.buyer_email,
                name: &self.buyer_name,
                language: self.lang(),
                org: &self.buyer_name,
            },
        }
    }
}

async fn payable(tx: &mut Tx<'_>, config: &Config, reference: &str) -> Result<Payable, AppError> {
    sqlx::query_as!(
        Payable,
        r#"SELECT o.id, o.reference, o.status,
                  CASE WHEN o.deposit > 0 AND o.amount_paid = 0 THEN o.deposit ELSE o.total - o.amount_paid END AS "due!",
                  o.currency, o.proof_key IS NOT NULL AS "has_proof!", o.payment_method, o.buyer_name, o.buyer_email,
                  o.language, e.title, e.organiser_id,
                  o.created_at + make_interval(mins => $2) AS "expires_at!: DateTime<Utc>"
           FROM orders o JOIN events e ON e.id = o.event_id WHERE o.reference = $1 FOR UPDATE OF o"#,
        reference,
        config.order_expiry_minutes
    )
    .fetch_optional(&mut **tx)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)
}

/// Marks an order paid by an admin who checked its proof or took cash: a payment in the
/// ledger, settled through the payments core, which pays the order and issues its e-tickets
/// (or asks a stay's owner). The order row is locked, so of two admins one wins.
#[tracing::instrument(skip(state, admin, note), fields(admin_id = %admin.id))]
pub async fn mark_paid(
    state: &AppState,
    admin: &AuthUser,
    reference: &str,
    via: PaidVia,
    note: &str,
) -> Result<Paid, AppError> {
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let paid = mark_paid_in(&mut tx, state, admin, reference, via, note).await?;
    tx.commit().await.map_err(respond::internal)?;
    Ok(paid)
}

/// [`mark_paid`] inside the caller's transaction (a statement line paying an order is claimed
/// in the same one). Nothing is written unless the caller commits.
pub async fn mark_paid_in(
    tx: &mut Tx<'_>,
    state: &AppState,
    admin: &AuthUser,
    reference: &str,
    via: PaidVia,
    note: &str,
) -> Result<Paid, AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let o = payable(tx, &state.config, reference).await?;
    let awaits = OrderStatus::parse(&o.status).is_ok_and(OrderStatus::awaits_payment);
    if !awaits || o.due <= 0 || (via == PaidVia::Proof && !o.has_proof) {
        return Err(AppError::form("error.order_not_payable", vec![], 409));
    }
    let method = match via {
        PaidVia::Cash => "CASH".to_string(),
        PaidVia::Statement(operator) => operator.to_string(),
        PaidVia::Proof => o
            .payment_method
            .clone()
            .unwrap_or_else(|| "MOBILE_MONEY".into()),
    };
    let description = o.description();
    if !note.trim().is_empty() {
        order_event(tx, o.id, Some(admin.id), "PAYMENT_NOTE", note.trim()).await?;
    }
    ledger::open_and_settle(
        tx,
        state,
        &o.payment(&method, "manual", &description),
        Source::Manual { actor: admin.id },
    )
    .await?;
    let after = sqlx::query!(
        r#"SELECT o.status, (SELECT count(*) FROM etickets t WHERE t.order_id = o.id) AS "tickets!"
           FROM orders o WHERE o.id = $1"#,
        o.id
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok(match after.status.as_str() {
        "TICKETS_ISSUED" => Paid::TicketsIssued(after.tickets as usize, None),
        _ => Paid::AwaitingOwner,
    })
}

/// The buyer is back from the provider's checkout (or still on the order's page while its
/// card payment is checked): the order waits for verification — never paid on the strength of
/// a redirect — and its payment is checked every few seconds while they wait.
pub async fn watch_card(
    state: &AppState,
    order_id: Uuid,
    returned: bool,
) -> Result<bool, AppError> {
    let Some((payment_id, _)) = checkout::open_for_order(state, order_id).await? else {
        return Ok(false);
    };
    if returned {
        let mut tx = state.pool.begin().await.map_err(respond::internal)?;
        let moved = sqlx::query!(
            "UPDATE orders SET status = 'PENDING_VERIFICATION', updated_at = now()
             WHERE id = $1 AND status = 'PAYMENT_PENDING'",
            order_id
        )
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?;
        if moved.rows_affected() > 0 {
            order_event(&mut tx, order_id, None, "PENDING_VERIFICATION", "").await?;
        }
        tx.commit().await.map_err(respond::internal)?;
    }
    poller::watch(state, payment_id).await?;
    Ok(true)
}

/// The organiser of the order's event, whose own provider accounts take its payments.
async fn organiser_of(state: &AppState, order_id: Uuid) -> Result<Option<Uuid>, AppError> {
    sqlx::query_scalar!(
        "SELECT e.organiser_id FROM orders o JOIN events e ON e.id = o.event_id WHERE o.id = $1",
        order_id
    )
    .fetch_one(&state.pool)
    .await
    .map_err(respond::internal)
}

/// Whether cards are taken for this order: its organiser's SumUp account works, or a provider
/// is configured.
pub async fn card_available(state: &AppState, order_id: Uuid) -> Result<bool, AppError> {
    if providers::default_card(&state.config).is_some() {
        return Ok(true);
    }
    Ok(match organiser_of(state, order_id).await? {
        Some(owner) => accounts::usable(state, owner).await?.is_some(),
        None => false,
    })
}

/// Whether the order can be paid from the phone: its organiser's own operator account, or the
/// site's, takes it.
pub async fn phone_available(state: &AppState, order_id: Uuid) -> Result<bool, AppError> {
    let owner = organiser_of(state, order_id).await?;
    phone::available(state, owner).await
}

/// How a payment confirmed an order, as the order's history writes it.
pub fn paid_via(method: &str) -> &'static str {
    match method {
        "CARD" => "CARD",
        "CASH" => "CASH",
        "MTN_MOMO" | "ORANGE_MONEY" => "MOBILE_MONEY",
        _ => "PROOF",
    }
}

/// Marks the order paid inside the payment's settling transaction (the order's `Fulfil`),
/// then issues the tickets or asks the owner. Refused (not payable) when the order expired or
/// was cancelled meanwhile.
pub async fn pay_in(
    tx: &mut Tx<'_>,
    config: &Config,
    signer: &Signer,
    p: &PaymentFacts,
) -> Result<Paid, AppError> {
    let order_id = p
        .order_id
        .ok_or_else(|| respond::internal("order payment without an order"))?;
    let (actor, via) = (p.actor, paid_via(&p.method));
    let sources = OrderStatus::Paid.sources();
    let row = sqlx::query!(
        r#"UPDATE orders o SET status = 'PAID', paid_at = now(), paid_by = $2, paid_via = $3,
                amount_paid = LEAST(o.total, o.amount_paid + $5), updated_at = now(),
                commission_status = CASE WHEN referral_code_id IS NULL THEN 'NONE' ELSE 'PENDING' END
           FROM events e
           WHERE o.id = $1 AND e.id = o.event_id AND o.status = ANY($4)
           RETURNING e.kind"#,
        order_id,
        actor,
        via,
        &sources as &[&str],
        p.amount
    )
    .fetch_optional(&mut **tx)
    .await
    .map_err(respond::internal)?;
    let Some(row) = row else {
        return Err(AppError::form("error.order_not_payable", vec![], 409));
    };
    order_event(
        tx,
        order_id,
        actor,
        "PAID",
        &format!("{via} {}", p.reference),
    )
    .await?;
    audit(tx, actor, "orders.paid", "order", order_id).await?;
    Ok(if row.kind == "STAY" {
        ask_owner(tx, config, signer, order_id).await?;
        Paid::AwaitingOwner
    } else {
        let (count, mail) = issue_tickets(tx, config, order_id, actor).await?;
        Paid::TicketsIssued(count, mail)
    })
}

/// The waiting page of the order's payment from the phone still under way, if one is.
pub async fn phone_open(state: &AppState, order_id: Uuid) -> Result<Option<String>, AppError> {
    sqlx::query_scalar!(
        r#"SELECT success_url AS "url!" FROM payments
           WHERE order_id = $1 AND payer_msisdn IS NOT NULL AND status IN ('PENDING', 'PROCESSING')
             AND success_url IS NOT NULL
           ORDER BY created_at DESC LIMIT 1"#,
        order_id
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)
}

/// The order behind a signed link, if money can be sent for it now: awaiting payment, something
/// still due, and no proof being checked by a person (one road at a time: a card or a phone
/// payment then would be a second payment for the same places). `echo` is what the form keeps.
async fn payable_now(
    state: &AppState,
    reference: &str,
    sig: &str,
    echo: &[(String, String)],
) -> Result<(String, Payable), AppError> {
    let reference = parse_order_reference(reference).ok_or(AppError::NotFound)?;
    check_signature(&state.signer, &reference, sig)?;
    let o = {
        let mut tx = state.pool.begin().await.map_err(respond::internal)?;
        let o = payable(&mut tx, &state.config, &reference).await?;
        tx.commit().await.map_err(respond::internal)?;
        o
    };
    if !matches!(
        o.status.as_str(),
        "PAYMENT_PENDING" | "PENDING_VERIFICATION"
    ) || o.due <= 0
    {
        return Err(AppError::form(
            "error.order_not_payable",
            echo.to_vec(),
            409,
        ));
    }
    if o.has_proof {
        return Err(AppError::form(
            "error.proof_already_sent",
            echo.to_vec(),
            409,
        ));
    }
    Ok((reference, o))
}

/// An order's buyer pays from their phone (signed link; no account needed): the payment under
/// way if there is one (never a second request), else a new one, asked of the number typed,
/// ending no later than the order. Returns where the browser goes.
#[tracing::instrument(skip(state, sig, phone))]
pub async fn phone_checkout(
    state: &AppState,
    reference: &str,
    sig: &str,
    phone: &str,
) -> Result<String, AppError> {
    let echo = vec![("phone".to_string(), phone.to_string())];
    let (reference, o) = payable_now(state, reference, sig, &echo).await?;
    if let Some(url) = phone_open(state, o.id).await? {
        return Ok(url);
    }
    let number = phone::wallet(state, phone, &echo, o.organiser_id).await?;
    let description = o.description();
    let back = format!("/orders/{reference}?sig={sig}");
    let opts = PhoneOptions {
        back: &back,
        guest: true,
        expires_at: Some(o.expires_at),
        owner: o.organiser_id,
    };
    let (_, next) = phone::start(
        state,
        o.payment(number.operator().method(), "", &description),
        &number,
        &opts,
    )
    .await?;
    Ok(next)
}

/// An order's buyer pays by card (signed link; no account needed): the open checkout of the
/// order if it has one (never a second charge), else a new one with the configured provider,
/// expiring with the order. Returns where the browser goes.
#[tracing::instrument(skip(state, sig))]
pub async fn card_checkout(
    state: &AppState,
    reference: &str,
    sig: &str,
    client_ip: &str,
) -> Result<String, AppError> {
    let (reference, o) = payable_now(state, reference, sig, &[]).await?;
    if let Some((_, url)) = checkout::open_for_order(state, o.id).await? {
        return Ok(url);
    }
    // The organiser's own SumUp account while it works, else the configured provider.
    let account = match o.organiser_id {
        Some(owner) => accounts::usable(state, owner).await?,
        None => None,
    };
    let provider = match account {
        Some(_) => providers::by_name("sumup"),
        None => providers::default_card(&state.config),
    }
    .ok_or_else(|| AppError::form("error.card_unavailable", vec![], 409))?;
    // SumUp refuses a second checkout under one reference: later attempts are numbered.
    let attempts = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM payments WHERE order_id = $1 AND provider = $2"#,
        o.id,
        provider.name()
    )
    .fetch_one(&state.pool)
    .await
    .map_err(respond::internal)?;
    let checkout_reference = if attempts == 0 {
        reference.clone()
    } else {
        format!("{reference}-{}", attempts + 1)
    };
    let description = o.description();
    let page = format!("/orders/{reference}?sig={sig}");
    let phone = sqlx::query_scalar!("SELECT buyer_phone FROM orders WHERE id = $1", o.id)
        .fetch_one(&state.pool)
        .await
        .map_err(respond::internal)?;
    let started = checkout::start(
        state,
        provider,
        o.payment("CARD", provider.name(), &description),
        Return {
            success: format!("{page}&card=1"),
            fail: format!("{page}&card=0"),
            guest: true,
        },
        Options {
            phone: &phone,
            client_ip,
            expires_at: Some(o.expires_at),
            account,
            checkout_reference: Some(&checkout_reference),
        },
    )
    .await;
    match started {
        Ok((_, _, url)) => Ok(url),
        // Another press is opening the order's checkout right now: wait for it (the database
        // allows one open checkout per order) and send this browser there too.
        Err(AppError::Invalid { key, .. }) if key == "error.checkout_open" => {
            for _ in 0..50 {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                if let Some((_, url)) = checkout::open_for_order(state, o.id).await? {
                    return Ok(url);
                }
            }
            Err(AppError::form("error.checkout_open", vec![], 409))
        }
        Err(e) => Err(e),
    }
}

/// Issues one e-ticket per place (one per booking for a stay) and e-mails them (the links in
/// the text, each ticket's PDF attached), if the order is paid (or confirmed) and has none
/// yet; returns how many were issued and the e-mail, or 0 if another transaction already did.
pub async fn issue_tickets(
    tx: &mut Tx<'_>,
    config: &Config,
    order_id: Uuid,
    actor: Option<Uuid>,
) -> Result<(usize, Option<Uuid>), AppError> {
    let sources = OrderStatus::TicketsIssued.sources();
    let Some(order) = sqlx::query!(
        r#"UPDATE orders o SET status = 'TICKETS_ISSUED', tickets_issued_at = now(), updated_at = now(),
                commission_status = CASE WHEN commission_status = 'PENDING' THEN 'CONFIRMED' ELSE commission_status END
           FROM events e
           WHERE o.id = $1 AND e.id = o.event_id AND o.status = ANY($2)
           RETURNING o.reference, o.quantity, o.buyer_name, o.buyer_email, o.buyer_phone, o.language, e.kind, e.title,
                     e.owner_name, e.owner_email"#,
        order_id,
        &sources as &[&str],
    )
    .fetch_optional(&mut **tx)
    .await
    .map_err(respond::internal)?
    else {
        return Ok((0, None));
    };
    let count = if order.kind == "STAY" {
        1
    } else {
        order.quantity
    };
    let mut links = Vec::new();
    let mut tokens = Vec::new();
    for seq in 1..=count {
        let token = new_eticket_token();
        // The QR code's mask is chosen here, once; every later drawing lays it directly.
        let link = eticket_link(config, &token);
        let mask = crate::platform::qr::best(&link)
            .map_err(respond::internal)?
            .mask;
        // The short code the door can type comes from the database (unique, random).
        let door_code = sqlx::query_scalar!(
            "INSERT INTO etickets (id, order_id, seq, token, token_hash, holder_name, qr_mask)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             RETURNING door_code",
            Uuid::new_v4(),
            order_id,
            seq,
            token,
            token_hash(&token),
            order.buyer_name,
            (mask < 8).then_some(i16::from(mask))
        )
        .fetch_one(&mut **tx)
        .await
        .map_err(respond::internal)?;
        links.push(format!(
            "{seq}. {} ({})",
            link,
            crate::domain::format_door_code(&door_code)
        ));
        tokens.push(token);
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
    let mail = outbox::enqueue_for_order(
        tx,
        order_id,
        "tickets_issued",
        &order.buyer_email,
        lang,
        &args,
    )
    .await
    .map_err(respond::internal)?;
    for token in &tokens {
        let v = etickets::find(&mut **tx, config, token).await?;
        let pdf = etickets::pdf(&v, lang)?;
        let name = format!("e-ticket-{}-{}.pdf", v.reference, v.seq);
        outbox::attach(tx, mail, &name, "application/pdf", &pdf)
            .await
            .map_err(respond::internal)?;
        // The QR code inside the HTML e-mail, captioned "Ticket 1 of 2 – holder – K7QM-3XP9".
        let caption = format!(
            "{} – {} – {}",
            crate::i18n::tf(
                lang,
                "eticket.number",
                &[("seq", &v.seq.to_string()), ("count", &v.count.to_string())]
            ),
            v.holder_name,
            v.door_code
        );
        let png = etickets::qr(&v)?.png().map_err(respond::internal)?;
        let cid = format!("qr-{}@tessera", v.seq);
        outbox::attach_inline(tx, mail, &cid, &format!("{caption}.png"), "image/png", &png)
            .await
            .map_err(respond::internal)?;
    }
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
    if order.kind == "STAY" {
        // Seed 003: the owner and the admins hear that the guest has their e-ticket.
        let args = [
            ("owner", order.owner_name.as_str()),
            ("reference", order.reference.as_str()),
            ("title", order.title.as_str()),
            ("guest", order.buyer_name.as_str()),
        ];
        outbox::enqueue_for_order(
            tx,
            order_id,
            "tickets_sent",
            &order.owner_email,
            Lang::Fr,
            &args,
        )
        .await
        .map_err(respond::internal)?;
        alerts::raise(
            tx,
            config,
            alerts::Alert {
                kind: "tickets_sent_admin",
                subject: order_id,
                critical: false,
                args: &args,
            },
        )
        .await?;
    }
    Ok((count as usize, Some(mail)))
}
