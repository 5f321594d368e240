//! Payment tickets on the server: submit, review, cancel, and who may see what.

use chrono::{DateTime, Datelike, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::TicketView;
use crate::{
    domain::{
        parse_code, Currency, Lang, Money, PaymentPurpose, PhoneNumber, TicketReference,
        TicketStatus, TransactionId,
    },
    error::{AppError, Checks, Echo},
    features::payments::{
        ledger::{self, NewPayment, Payer},
        settle::{self, Outcome, SettleError, Settled, Source},
    },
    platform::{
        audit::audit,
        auth::AuthUser,
        config::Config,
        db::Tx,
        http::{field, Fields},
        outbox,
        references::next_number,
        respond,
        state::AppState,
        storage::Storage,
        uploads::CheckedProof,
    },
};

/// What the form sends, as typed: the wizard's fields, shared with the browser.
pub use super::api::PayFields as TicketForm;

impl TicketForm {
    /// The wizard's fields from a multipart form, by either spelling (the seed's camelCase or
    /// the page's snake_case).
    pub fn from_fields(fields: &Fields) -> Self {
        Self {
            plan_type: field(fields, &["planType", "plan_type"]),
            duration_days: field(fields, &["durationDays", "duration_days"]),
            amount: field(fields, &["amount"]),
            payment_method: field(fields, &["paymentMethod", "payment_method"]),
            phone_number: field(fields, &["phoneNumber", "phone_number"]),
            transaction_id: field(fields, &["transactionId", "transaction_id"]),
            user_notes: field(fields, &["userNotes", "user_notes"]),
        }
    }

    fn echo(&self) -> Echo {
        vec![
            ("plan_type".into(), self.plan_type.clone()),
            ("duration_days".into(), self.duration_days.clone()),
            ("amount".into(), self.amount.clone()),
            ("payment_method".into(), self.payment_method.clone()),
            ("phone_number".into(), self.phone_number.clone()),
            ("transaction_id".into(), self.transaction_id.clone()),
            ("user_notes".into(), self.user_notes.clone()),
        ]
    }
}

/// A form that passed every rule, plans and methods included.
pub struct NewTicket {
    pub plan_code: String,
    pub duration_days: i32,
    pub amount: Money,
    pub payment_method: String,
    pub phone: PhoneNumber,
    pub transaction_id: TransactionId,
    pub user_notes: String,
}

/// Checks the form against the domain rules and the seeded plans and methods.
#[tracing::instrument(skip_all)]
pub async fn parse_form(pool: &PgPool, form: &TicketForm) -> Result<NewTicket, AppError> {
    let echo = form.echo();
    // Every field is checked, so the family sees all that is wrong at once.
    let mut checks = Checks::new(&echo);
    let plan_code = checks.field(
        "plan_type",
        parse_code(&form.plan_type, "error.plan_invalid"),
    );
    let plan = match &plan_code {
        Some(code) => sqlx::query!(
            "SELECT currency, min_amount FROM plans WHERE code = $1 AND active",
            code
        )
        .fetch_optional(pool)
        .await
        .map_err(respond::internal)?,
        None => None,
    };
    if plan_code.is_some() && plan.is_none() {
        checks.refuse("plan_type", "error.plan_invalid");
    }
    let duration_days: Option<i32> = checks.field(
        "duration_days",
        form.duration_days
            .trim()
            .parse()
            .map_err(|_| "error.duration_invalid"),
    );
    if let (Some(code), Some(days), Some(_)) = (&plan_code, duration_days, &plan) {
        let offered = sqlx::query_scalar!(
            "SELECT amount FROM plan_prices WHERE plan_code = $1 AND duration_days = $2",
            code,
            days
        )
        .fetch_optional(pool)
        .await
        .map_err(respond::internal)?;
        if offered.is_none() {
            checks.refuse("duration_days", "error.duration_invalid");
        }
    }
    let currency = match &plan {
        Some(p) => Currency::parse(&p.currency).map_err(|_| AppError::Internal)?,
        None => Currency::XAF,
    };
    let amount = checks.field("amount", Money::parse(&form.amount, currency));
    if let (Some(a), Some(p)) = (&amount, &plan) {
        if a.minor < p.min_amount {
            checks.refuse("amount", "error.amount_below_minimum");
        }
    }
    let payment_method = checks.field(
        "payment_method",
        parse_code(&form.payment_method, "error.method_invalid"),
    );
    if let Some(code) = &payment_method {
        let enabled =
            sqlx::query_scalar!("SELECT enabled FROM payment_methods WHERE code = $1", code)
                .fetch_optional(pool)
                .await
                .map_err(respond::internal)?;
        if enabled != Some(true) {
            checks.refuse("payment_method", "error.method_invalid");
        }
    }
    let phone = checks.field("phone_number", PhoneNumber::parse(&form.phone_number));
    let transaction_id = checks.field("transaction_id", TransactionId::parse(&form.transaction_id));
    let user_notes = form.user_notes.trim().to_string();
    if user_notes.chars().count() > 1000 {
        checks.refuse("user_notes", "error.notes_too_long");
    }
    checks.finish()?;
    let (
        Some(plan_code),
        Some(duration_days),
        Some(amount),
        Some(payment_method),
        Some(phone),
        Some(transaction_id),
    ) = (
        plan_code,
        duration_days,
        amount,
        payment_method,
        phone,
        transaction_id,
    )
    else {
        return Err(AppError::Internal);
    };
    Ok(NewTicket {
        plan_code,
        duration_days,
        amount,
        payment_method,
        phone,
        transaction_id,
        user_notes,
    })
}

async fn event(
    tx: &mut Tx<'_>,
    ticket_id: Uuid,
    actor: Option<Uuid>,
    kind: &str,
    details: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO ticket_events (ticket_id, actor_id, kind, details) VALUES ($1, $2, $3, $4)",
        ticket_id,
        actor,
        kind,
        details
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// The reference the user's next ticket will carry, shown before they send money so the
/// transfer's message can name it; the same one until a ticket takes it.
#[tracing::instrument(skip(pool))]
pub async fn reserve_reference(pool: &PgPool, user_id: Uuid) -> Result<String, AppError> {
    let held = sqlx::query_scalar!(
        "SELECT reference FROM reserved_ticket_references WHERE user_id = $1",
        user_id
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?;
    if let Some(r) = held {
        return Ok(r);
    }
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let year = Utc::now().year();
    let reference = TicketReference::format(year, next_number(&mut tx, "TKT", year).await?);
    // Two tabs at once: the first one's reservation stands, the second's number is unused.
    let kept = sqlx::query_scalar!(
        "INSERT INTO reserved_ticket_references (user_id, reference) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET user_id = EXCLUDED.user_id
         RETURNING reference",
        user_id,
        reference
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(respond::internal)?;
    tx.commit().await.map_err(respond::internal)?;
    Ok(kept)
}

pub struct Origin {
    pub ip: String,
    pub user_agent: String,
}

/// Stores the proof, then writes the ticket, its reference, its first event and the
/// confirmation e-mail in one transaction. A failure after storing removes the file again.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn submit(
    state: &AppState,
    user: &AuthUser,
    ticket: NewTicket,
    proof: CheckedProof,
    origin: Origin,
) -> Result<(Uuid, String), AppError> {
    let (pool, config, storage) = (&state.pool, &state.config, &state.storage);
    let family_id = user
        .family_id
        .ok_or_else(|| AppError::form("error.no_family", vec![], 409))?;
    let key = storage.put_proof(&proof).await?;
    let result = async {
        let mut tx = pool.begin().await.map_err(respond::internal)?;
        // The reference the family was shown (and may have written in the transfer's message).
        let reserved = sqlx::query_scalar!(
            "DELETE FROM reserved_ticket_references WHERE user_id = $1 RETURNING reference",
            user.id
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(respond::internal)?;
        let reference = match reserved {
            Some(r) => r,
            None => {
                let year = Utc::now().year();
                TicketReference::format(year, next_number(&mut tx, "TKT", year).await?)
            }
        };
        let id = Uuid::new_v4();
        sqlx::query!(
            "INSERT INTO payment_tickets (id, reference, family_id, submitter_id, plan_code, duration_days, amount,
                currency, payment_method, phone_number, transaction_id, user_notes, proof_key, proof_sha256,
                proof_content_type, proof_size, proof_filename, ip_address, user_agent)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
            id,
            reference,
            family_id,
            user.id,
            ticket.plan_code,
            ticket.duration_days,
            ticket.amount.minor,
            ticket.amount.currency.code(),
            ticket.payment_method,
            ticket.phone.as_ref(),
            ticket.transaction_id.as_ref(),
            ticket.user_notes,
            key,
            proof.sha256,
            proof.kind.content_type(),
            proof.bytes.len() as i64,
            proof.filename,
            origin.ip.chars().take(64).collect::<String>(),
            origin.user_agent.chars().take(500).collect::<String>(),
        )
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?;
        // The money declared is a payment awaiting a person's check; approving settles it.
        open_payment(&mut tx, id).await?;
        event(&mut tx, id, Some(user.id), "SUBMITTED", "").await?;
        let lang = user.language;
        outbox::enqueue_template(&mut tx, "ticket_submitted", &user.email, lang, &[("name", &user.name), ("reference", &reference), ("amount", &ticket.amount.format(lang)), ("url", &config.base_url)])
            .await
            .map_err(respond::internal)?;
        audit(&mut tx, Some(user.id), "ticket.submitted", "payment_ticket", id).await?;
        tx.commit().await.map_err(respond::internal)?;
        Ok((id, reference))
    }
    .await;
    if result.is_err() {
        storage.delete(&key).await;
    }
    result
}

/// Opens the ledger payment of ticket `id` (its plan, duration, amount and method, paid by its
/// submitter for their family), in the caller's transaction.
async fn open_payment(tx: &mut Tx<'_>, id: Uuid) -> Result<Uuid, AppError> {
    let t = sqlx::query!(
        "SELECT t.reference, t.family_id, t.submitter_id, t.plan_code, t.duration_days, t.amount, t.currency,
                t.payment_method, p.name_en, p.name_fr, u.email, u.name, u.language, f.name AS family
         FROM payment_tickets t JOIN plans p ON p.code = t.plan_code JOIN users u ON u.id = t.submitter_id
         JOIN families f ON f.id = t.family_id WHERE t.id = $1",
        id
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(respond::internal)?;
    let lang = Lang::parse(&t.language).unwrap_or_default();
    let plan_name = match lang {
        Lang::En => &t.name_en,
        Lang::Fr => &t.name_fr,
    };
    let description = format!(
        "{} · {}",
        crate::i18n::tf(
            lang,
            "billing.line_subscription",
            &[("plan", plan_name), ("days", &t.duration_days.to_string())],
        ),
        t.reference
    );
    let (payment_id, _) = ledger::open(
        tx,
        &NewPayment {
            purpose: PaymentPurpose::Subscription,
            family_id: Some(t.family_id),
            order_id: None,
            user_id: Some(t.submitter_id),
            plan_code: Some(&t.plan_code),
            duration_days: Some(t.duration_days),
            amount: t.amount,
            currency: &t.currency,
            method: &t.payment_method,
            provider: "manual",
            description: &description,
            payer: Payer {
                email: &t.email,
                name: &t.name,
                language: lang,
                org: &t.family,
            },
        },
    )
    .await?;
    sqlx::query!(
        "UPDATE payment_tickets SET payment_id = $2 WHERE id = $1",
        id,
        payment_id
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok(payment_id)
}

/// A ticket's row as the services need it.
struct Row {
    id: Uuid,
    family_id: Uuid,
    submitter_id: Uuid,
    status: String,
}

/// Finds a ticket by id or reference, if `user` may see it: an admin, its submitter, or the
/// manager of its family. Anything else answers "not found", so ids cannot be probed.
async fn visible(pool: &PgPool, user: &AuthUser, id_or_reference: &str) -> Result<Row, AppError> {
    let id = Uuid::parse_str(id_or_reference.trim()).ok();
    let reference = TicketReference::parse(id_or_reference)
        .ok()
        .map(|r| r.as_ref().to_string());
    if id.is_none() && reference.is_none() {
        return Err(AppError::NotFound);
    }
    let row = sqlx::query_as!(
        Row,
        "SELECT t.id, t.family_id, t.submitter_id, t.status FROM payment_tickets t
         WHERE t.id = $1 OR t.reference = $2",
        id,
        reference
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    if user.role.is_admin() || row.submitter_id == user.id {
        return Ok(row);
    }
    let manages = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM families WHERE id = $1 AND manager_id = $2) AS "manages!""#,
        row.family_id,
        user.id
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    if manages {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn get(
    pool: &PgPool,
    config: &Config,
    user: &AuthUser,
    id_or_reference: &str,
) -> Result<TicketView, AppError> {
    let row = visible(pool, user, id_or_reference).await?;
    let mut views = super::queries::views(
        pool,
        config,
        super::queries::Filter {
            ids: Some(vec![row.id]),
            ..Default::default()
        },
    )
    .await?;
    views.pop().ok_or(AppError::NotFound)
}

/// The proof's bytes and how to serve them, for someone allowed to see the ticket.
pub async fn proof(
    pool: &PgPool,
    storage: &Storage,
    user: &AuthUser,
    id_or_reference: &str,
) -> Result<(Vec<u8>, String, String), AppError> {
    let row = visible(pool, user, id_or_reference).await?;
    let p = sqlx::query!(
        "SELECT proof_key, proof_content_type, proof_filename FROM payment_tickets WHERE id = $1",
        row.id
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    let (Some(key), Some(ct), Some(name)) = (p.proof_key, p.proof_content_type, p.proof_filename)
    else {
        return Err(AppError::NotFound);
    };
    let bytes = storage.get(&key).await?;
    Ok((bytes, ct, name))
}

/// Cancels a pending ticket, by its submitter or the family manager.
pub async fn cancel(pool: &PgPool, user: &AuthUser, id_or_reference: &str) -> Result<(), AppError> {
    let row = visible(pool, user, id_or_reference).await?;
    if user.role.is_admin() && row.submitter_id != user.id {
        // Admins review; they do not cancel on a family's behalf.
        return Err(AppError::Forbidden);
    }
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let done = sqlx::query_scalar!(
        "UPDATE payment_tickets SET status = 'CANCELLED', updated_at = now() WHERE id = $1 AND status = 'PENDING'
         RETURNING payment_id",
        row.id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| AppError::form("error.ticket_not_pending", vec![], 409))?;
    if let Some(payment_id) = done {
        ledger::withdraw(&mut tx, payment_id, false, "cancelled", Some(user.id)).await?;
    }
    event(&mut tx, row.id, Some(user.id), "CANCELLED", "").await?;
    audit(
        &mut tx,
        Some(user.id),
        "ticket.cancelled",
        "payment_ticket",
        row.id,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)
}

/// Replaces the proof of a pending ticket.
pub async fn replace_proof(
    pool: &PgPool,
    storage: &Storage,
    user: &AuthUser,
    id_or_reference: &str,
    proof: CheckedProof,
) -> Result<(), AppError> {
    let row = visible(pool, user, id_or_reference).await?;
    if row.status != TicketStatus::Pending.as_str() {
        return Err(AppError::form("error.ticket_not_pending", vec![], 409));
    }
    let key = storage.put_proof(&proof).await?;
    let result = async {
        let mut tx = pool.begin().await.map_err(respond::internal)?;
        let old = sqlx::query_scalar!(
            "SELECT proof_key FROM payment_tickets WHERE id = $1 AND status = 'PENDING' FOR UPDATE",
            row.id
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(respond::internal)?
        .ok_or_else(|| AppError::form("error.ticket_not_pending", vec![], 409))?;
        sqlx::query!(
            "UPDATE payment_tickets SET proof_key = $2, proof_sha256 = $3, proof_content_type = $4, proof_size = $5,
                    proof_filename = $6, updated_at = now() WHERE id = $1",
            row.id,
            key,
            proof.sha256,
            proof.kind.content_type(),
            proof.bytes.len() as i64,
            proof.filename
        )
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?;
        event(&mut tx, row.id, Some(user.id), "PROOF_REPLACED", "").await?;
        tx.commit().await.map_err(respond::internal)?;
        Ok(old)
    }
    .await;
    match result {
        Ok(old) => {
            if let Some(old) = old {
                storage.delete(&old).await;
            }
            Ok(())
        }
        Err(e) => {
            storage.delete(&key).await;
            Err(e)
        }
    }
}

pub struct Approval {
    pub reference: String,
    pub family_id: Uuid,
    pub family_name: String,
    pub new_end: DateTime<Utc>,
    pub extended_by: i32,
    pub reviewed_at: DateTime<Utc>,
}

/// Approves a pending ticket: in one transaction the ticket and its payment, settled through
/// the payments core like any other (the subscription extended, the invoice, the receipt).
/// The conditional update is the lock: of two admins approving at once, one wins.
#[tracing::instrument(skip(state, admin, notes), fields(admin_id = %admin.id))]
pub async fn approve(
    state: &AppState,
    admin: &AuthUser,
    id_or_reference: &str,
    notes: &str,
) -> Result<Approval, AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let row = visible(&state.pool, admin, id_or_reference).await?;
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let approval = approve_in(&mut tx, state, admin, row.id, notes).await?;
    tx.commit().await.map_err(respond::internal)?;
    Ok(approval)
}

/// [`approve`] inside the caller's transaction, for a ticket the caller already knows the
/// admin may see (a statement line approving its ticket claims the line in the same
/// transaction). Nothing is written unless the caller commits.
pub async fn approve_in(
    tx: &mut Tx<'_>,
    state: &AppState,
    admin: &AuthUser,
    ticket_id: Uuid,
    notes: &str,
) -> Result<Approval, AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    // The ticket, its event and the audit entry in one statement: settling ends by numbering
    // the invoice at the commit, and every statement before it is a round trip.
    let t = sqlx::query!(
        r#"WITH t AS (
               UPDATE payment_tickets t
               SET status = 'APPROVED', reviewer_id = $2, reviewed_at = now(), updated_at = now(),
                   admin_notes = CASE WHEN $3 = '' THEN t.admin_notes ELSE $3 END
               FROM families f
               WHERE t.id = $1 AND t.status = 'PENDING' AND f.id = t.family_id
               RETURNING t.id, t.reference, t.family_id, t.duration_days, t.amount, t.currency, t.payment_id,
                         t.reviewed_at, f.name AS family_name),
           e AS (
               INSERT INTO ticket_events (ticket_id, actor_id, kind, details)
               SELECT id, $2, 'APPROVED', $3 FROM t),
           a AS (
               INSERT INTO audit_log (actor_id, action, entity, entity_id)
               SELECT $2, 'ticket.approved', 'payment_ticket', id FROM t)
           SELECT reference AS "reference!", family_id AS "family_id!", duration_days AS "duration_days!",
                  amount AS "amount!", currency AS "currency!", payment_id,
                  reviewed_at AS "reviewed_at!: DateTime<Utc>", family_name AS "family_name!"
           FROM t"#,
        ticket_id,
        admin.id,
        notes.trim()
    )
    .fetch_optional(&mut **tx)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| AppError::form("error.ticket_not_pending", vec![], 409))?;
    // Tickets written before payments were opened at submission get theirs now.
    let payment_id = match t.payment_id {
        Some(p) => p,
        None => open_payment(tx, ticket_id).await?,
    };
    let outcome = Outcome::paid_in_full(t.amount, &t.currency);
    let new_end = match settle::settle_in(
        tx,
        state,
        payment_id,
        Source::Manual { actor: admin.id },
        outcome,
    )
    .await
    {
        Ok(Settled::Completed {
            period_end: Some(end),
        }) => end,
        Ok(Settled::Completed { period_end: None }) => {
            return Err(respond::internal("a ticket's payment bought no period"))
        }
        Ok(_) | Err(SettleError::Mismatch) => {
            return Err(AppError::form("error.ticket_not_pending", vec![], 409))
        }
        Err(SettleError::Internal(e)) => return Err(e),
        Err(e) => return Err(respond::internal(e)),
    };
    Ok(Approval {
        reference: t.reference,
        family_id: t.family_id,
        family_name: t.family_name,
        new_end,
        extended_by: t.duration_days,
        reviewed_at: t.reviewed_at,
    })
}

/// Rejects a pending ticket with a reason the family will read.
#[tracing::instrument(skip(pool, admin, reason), fields(admin_id = %admin.id))]
pub async fn reject(
    pool: &PgPool,
    admin: &AuthUser,
    id_or_reference: &str,
    reason: &str,
) -> Result<String, AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "error.reason_required", vec![]));
    }
    if reason.chars().count() > 1000 {
        return Err(AppError::field(
            "reason",
            "error.notes_too_long",
            vec![("reason".into(), reason.into())],
        ));
    }
    let row = visible(pool, admin, id_or_reference).await?;
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let t = sqlx::query!(
        "UPDATE payment_tickets SET status = 'REJECTED', reviewer_id = $2, reviewed_at = now(), updated_at = now(),
                rejection_reason = $3
         WHERE id = $1 AND status = 'PENDING' RETURNING reference, submitter_id, payment_id",
        row.id,
        admin.id,
        reason
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| AppError::form("error.ticket_not_pending", vec![], 409))?;
    if let Some(payment_id) = t.payment_id {
        ledger::withdraw(&mut tx, payment_id, true, reason, Some(admin.id)).await?;
    }
    event(&mut tx, row.id, Some(admin.id), "REJECTED", reason).await?;
    audit(
        &mut tx,
        Some(admin.id),
        "ticket.rejected",
        "payment_ticket",
        row.id,
    )
    .await?;
    let who = sqlx::query!(
        "SELECT email, name, language FROM users WHERE id = $1",
        t.submitter_id
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(respond::internal)?;
    let lang = Lang::parse(&who.language).unwrap_or_default();
    outbox::enqueue_template(
        &mut tx,
        "ticket_rejected",
        &who.email,
        lang,
        &[
            ("name", &who.name),
            ("reference", &t.reference),
            ("reason", reason),
        ],
    )
    .await
    .map_err(respond::internal)?;
    tx.commit().await.map_err(respond::internal)?;
    Ok(t.reference)
}

/// Admin notes can be edited whatever the status.
pub async fn set_notes(
    pool: &PgPool,
    admin: &AuthUser,
    id_or_reference: &str,
    notes: &str,
) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let row = visible(pool, admin, id_or_reference).await?;
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    sqlx::query!(
        "UPDATE payment_tickets SET admin_notes = $2, updated_at = now() WHERE id = $1",
        row.id,
        notes.trim()
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    event(&mut tx, row.id, Some(admin.id), "NOTES_EDITED", "").await?;
    audit(
        &mut tx,
        Some(admin.id),
        "ticket.notes_edited",
        "payment_ticket",
        row.id,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)
}
