//! The one path that settles a payment, whoever reports it: a provider's webhook or callback,
//! the poller, the sandbox, the wallet, or a person (a payment ticket approved, an order paid
//! in cash or by a checked proof, an admin completing a payment under review).
//!
//! It locks the payment row, checks the amount and currency against what is owed, moves the
//! status once, lets the feature that sold something deliver it (`Fulfil`), issues the
//! invoice, and queues the e-mail — all in one transaction, so any number of concurrent
//! reports make one state change, one invoice, one delivery and one e-mail.

use chrono::{DateTime, Datelike, Utc};
use uuid::Uuid;

use super::ledger::Locked;
use crate::{
    domain::{invoice_number_prefix, tax_included, Lang, PaymentPurpose, PaymentStatus},
    error::AppError,
    platform::{
        alerts,
        audit::audit,
        db::Tx,
        fulfil::{Fulfilled, Lapse, PaymentFacts},
        outbox, respond,
        state::AppState,
    },
};

/// What a report says about the money.
#[derive(Debug, Clone)]
pub enum Outcome {
    Paid {
        amount: i64,
        currency: String,
        /// The provider's transaction, kept for refunds.
        transaction: Option<String>,
    },
    Failed {
        reason: String,
    },
    /// Money arrived but not as asked (another payer than the one asked): never completes by
    /// itself; the payment goes to review.
    Suspect {
        amount: i64,
        currency: String,
        transaction: Option<String>,
        reason: String,
    },
}

impl Outcome {
    /// The amount owed, paid: what a person confirms by hand.
    pub fn paid_in_full(amount: i64, currency: &str) -> Self {
        Self::Paid {
            amount,
            currency: currency.to_string(),
            transaction: None,
        }
    }
}

/// Who reports.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A provider: webhook, callback, poll, or the sandbox. `event_id`, when the provider
    /// has one, is applied once.
    Gateway {
        provider: &'a str,
        event_id: Option<&'a str>,
        kind: &'a str,
    },
    /// Paid from the family wallet, debited in the same transaction.
    Wallet,
    /// A person: a payment ticket approved, an order paid in cash or by proof, an admin
    /// completing a payment by hand.
    Manual { actor: Uuid },
}

impl Source<'_> {
    fn actor(&self) -> Option<Uuid> {
        match self {
            Self::Manual { actor } => Some(*actor),
            _ => None,
        }
    }
}

/// What settling did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// Completed, with the end of the period it paid for where it bought one.
    Completed {
        period_end: Option<DateTime<Utc>>,
    },
    Failed,
    /// The event was handled before, or the payment had already reached this state.
    Unchanged,
}

/// Why a report was refused.
#[derive(Debug, thiserror::Error)]
pub enum SettleError {
    #[error("no payment matches")]
    Unknown,
    #[error("amount or currency differs from the payment: flagged for review")]
    Mismatch,
    #[error("internal error")]
    Internal(#[from] AppError),
}

/// A provider's report about the payment it knows as `provider_ref`, applied once in its own
/// transaction. A refused report (wrong amount) still commits the flag it raised.
#[tracing::instrument(skip(state, outcome), fields(kind = kind))]
pub async fn settle_reported(
    state: &AppState,
    provider: &str,
    provider_ref: &str,
    event_id: Option<&str>,
    kind: &str,
    outcome: Outcome,
) -> Result<Settled, SettleError> {
    // A few at a time: a crowd would only wait on the invoice counter, waking each other.
    let _permit = state.settling.acquire().await.map_err(respond::internal)?;
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let id = sqlx::query_scalar!(
        "SELECT id FROM payments WHERE provider = $1 AND provider_ref = $2",
        provider,
        provider_ref
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or(SettleError::Unknown)?;
    if let Some(event_id) = event_id {
        // The insert is the claim: a second delivery of the same event finds it taken.
        let fresh = sqlx::query!(
            "INSERT INTO webhook_events (provider, event_id, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            provider,
            event_id,
            kind
        )
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?;
        if fresh.rows_affected() == 0 {
            return Ok(Settled::Unchanged);
        }
    }
    let source = Source::Gateway {
        provider,
        event_id,
        kind,
    };
    let result = settle_in(&mut tx, state, id, source, outcome).await;
    match result {
        Ok(_) | Err(SettleError::Mismatch) => {
            tx.commit().await.map_err(respond::internal)?;
        }
        Err(_) => {}
    }
    result
}

/// Settles the payment `id` inside the caller's transaction. Every confirmation of money in
/// Tessera ends here.
#[tracing::instrument(skip(tx, state, outcome))]
pub async fn settle_in(
    tx: &mut Tx<'_>,
    state: &AppState,
    id: Uuid,
    source: Source<'_>,
    outcome: Outcome,
) -> Result<Settled, SettleError> {
    let p = super::ledger::lock(tx, id).await?;
    let status = PaymentStatus::parse(&p.status).map_err(respond::internal)?;
    match outcome {
        Outcome::Paid {
            amount,
            currency,
            transaction,
        } => {
            let matches = amount == p.amount && currency.eq_ignore_ascii_case(&p.currency);
            // What the provider said is kept for refunds, and for the review of an amount that
            // does not match.
            let said = (transaction.is_some() || !matches).then(|| Said {
                transaction: transaction.as_deref(),
                amount,
                currency: currency.to_ascii_uppercase(),
            });
            // A person completing a payment under review vouches that the money arrived, even
            // after the payment had been given up as failed or expired.
            let by_review = matches!(source, Source::Manual { .. })
                && p.needs_review
                && status.can_become_after_review(PaymentStatus::Completed);
            if matches && (status.is_open() || by_review) {
                let period_end = complete(tx, state, &p, source, said.as_ref()).await?;
                return Ok(Settled::Completed { period_end });
            }
            if let Some(said) = &said {
                sqlx::query!(
                    "UPDATE payments SET provider_txn = COALESCE($2, provider_txn), provider_amount = $3,
                            provider_currency = $4 WHERE id = $1",
                    p.id,
                    said.transaction,
                    said.amount,
                    said.currency
                )
                .execute(&mut **tx)
                .await
                .map_err(respond::internal)?;
            }
            if matches!(status, PaymentStatus::Completed | PaymentStatus::Refunded) {
                Ok(Settled::Unchanged)
            } else {
                let reason = if matches {
                    format!("paid after the payment was {}", p.status)
                } else {
                    format!(
                        "the provider reported {amount} {currency}, expected {} {}",
                        p.amount, p.currency
                    )
                };
                flag(tx, state, &p, &reason).await?;
                Err(SettleError::Mismatch)
            }
        }
        Outcome::Suspect {
            amount,
            currency,
            transaction,
            reason,
        } => {
            sqlx::query!(
                "UPDATE payments SET provider_txn = COALESCE($2, provider_txn), provider_amount = $3,
                        provider_currency = $4 WHERE id = $1",
                p.id,
                transaction,
                amount,
                currency.to_ascii_uppercase()
            )
            .execute(&mut **tx)
            .await
            .map_err(respond::internal)?;
            if matches!(status, PaymentStatus::Completed | PaymentStatus::Refunded)
                || p.needs_review
            {
                return Ok(Settled::Unchanged);
            }
            flag(tx, state, &p, &reason).await?;
            Err(SettleError::Mismatch)
        }
        Outcome::Failed { reason } if status.is_open() => {
            fail(tx, state, &p, &reason, source.actor()).await?;
            Ok(Settled::Failed)
        }
        Outcome::Failed { .. } => Ok(Settled::Unchanged),
    }
}

/// What the feature that sold something needs to know of the payment.
pub fn facts(p: &Locked, actor: Option<Uuid>) -> Result<PaymentFacts, AppError> {
    Ok(PaymentFacts {
        id: p.id,
        reference: p.reference.clone(),
        purpose: PaymentPurpose::parse(&p.purpose).map_err(respond::internal)?,
        family_id: p.family_id,
        order_id: p.order_id,
        user_id: p.user_id,
        plan_code: p.plan_code.clone(),
        duration_days: p.duration_days,
        amount: p.amount,
        currency: p.currency.clone(),
        description: p.description.clone(),
        method: p.method.clone(),
        actor,
    })
}

/// What a provider said of a payment, kept on it.
struct Said<'a> {
    transaction: Option<&'a str>,
    amount: i64,
    currency: String,
}

/// Completes the payment: the status, what it bought, the invoice, the audit entry and one
/// e-mail (the feature's own, with the invoice attached, or the receipt). Returns the end of
/// the period it paid for, if it bought one.
async fn complete(
    tx: &mut Tx<'_>,
    state: &AppState,
    p: &Locked,
    source: Source<'_>,
    said: Option<&Said<'_>>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let actor = source.actor();
    // A person completing a payment under review settles the question.
    sqlx::query!(
        "UPDATE payments SET status = 'COMPLETED', completed_at = now(), updated_at = now(),
                settle_after = NULL, needs_review = needs_review AND NOT $2,
                provider_txn = COALESCE($3, provider_txn),
                provider_amount = COALESCE($4, provider_amount),
                provider_currency = COALESCE($5, provider_currency)
         WHERE id = $1",
        p.id,
        actor.is_some(),
        said.and_then(|s| s.transaction),
        said.map(|s| s.amount),
        said.map(|s| s.currency.as_str())
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    let facts = facts(p, actor)?;
    let fulfilled = match state.fulfil.get(facts.purpose) {
        Some(f) => f.paid(tx, &facts).await?,
        None => {
            tracing::error!(purpose = %p.purpose, "no fulfilment registered");
            return Err(AppError::Internal);
        }
    };
    let (period_end, mail) = match fulfilled {
        Fulfilled::Delivered { period_end, mail } => (period_end, mail),
        Fulfilled::Undeliverable { reason } => {
            flag(tx, state, p, &reason).await?;
            (None, None)
        }
    };
    // The period's end and the audit entry in one statement.
    sqlx::query!(
        "WITH ended AS (
             UPDATE payments SET period_end = $3::text::timestamptz WHERE id = $2 AND $3::text IS NOT NULL)
         INSERT INTO audit_log (actor_id, action, entity, entity_id) VALUES ($1, 'payment.completed', 'payment', $2)",
        actor,
        p.id,
        period_end.map(|end| end.to_rfc3339())
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    // The invoice is numbered at the commit (see `issue_invoice`); its e-mail says where the
    // number goes.
    let mail = match mail {
        Some(id) => id,
        None => {
            let lang = Lang::parse(&p.payer_language).unwrap_or_default();
            let end = period_end
                .map(crate::domain::local_date)
                .unwrap_or_else(|| "—".into());
            outbox::enqueue_template(
                tx,
                "billing_paid",
                &p.payer_email,
                lang,
                &[
                    ("name", &p.payer_name),
                    ("reference", &p.reference),
                    ("amount", &super::show_in(lang, p.amount, &p.currency)),
                    ("description", &p.description),
                    ("invoice", PENDING_NUMBER),
                    ("end", &end),
                    ("url", &state.config.base_url),
                ],
            )
            .await
            .map_err(respond::internal)?
        }
    };
    issue_invoice(tx, state, p, mail).await?;
    Ok(period_end)
}

/// Stands for the invoice's number in what is written before the number is taken.
const PENDING_NUMBER: &str = "\u{2063}INV-PENDING\u{2063}";

/// Writes the payment's invoice, numbered when the transaction commits: the draft written
/// here is numbered with the next value of its year's gap-free counter by a deferred trigger
/// (`invoice_drafts_number`), which also attaches the invoice to the e-mail `mail` (as a PDF
/// made when the e-mail is sent) and puts its number in that e-mail's text. The counter's row
/// is then held only from the commit's start to its end, not across the caller's last
/// statements and round trips; the invoice still commits with its payment or not at all.
async fn issue_invoice(
    tx: &mut Tx<'_>,
    state: &AppState,
    p: &Locked,
    mail: Uuid,
) -> Result<(), AppError> {
    let now = Utc::now();
    let year = now.year();
    let rate = state.config.billing.tax_rate_bp.clamp(0, 10_000);
    // Prices include tax: the total is what was charged, the tax is the part of it owed.
    let tax = tax_included(p.amount, rate);
    let subtotal = p.amount - tax;
    let description = p.description.replace(['\t', '\n'], " ");
    let line = format!("{description}\t1\t{subtotal}\t{subtotal}");
    let buyer = format!("{}\n{}\n{}", p.payer_org, p.payer_name, p.payer_email);
    sqlx::query!(
        "INSERT INTO invoice_drafts (id, year, prefix, family_id, payment_id, language, currency, lines, subtotal,
                 tax_rate_bp, tax, total, seller, buyer, issued_at, mail, placeholder)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::text::timestamptz, $16, $17)",
        Uuid::new_v4(),
        year,
        // `format_invoice_number`'s form: the trigger adds the six digits.
        invoice_number_prefix(year),
        p.family_id,
        p.id,
        p.payer_language,
        p.currency,
        line,
        subtotal,
        rate,
        tax,
        p.amount,
        state.config.billing.seller,
        buyer,
        now.to_rfc3339(),
        mail,
        PENDING_NUMBER,
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// An open payment that will not complete: FAILED with its reason, what it held released by
/// its feature, and the payer told.
pub async fn fail(
    tx: &mut Tx<'_>,
    state: &AppState,
    p: &Locked,
    reason: &str,
    actor: Option<Uuid>,
) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE payments SET status = 'FAILED', failure_reason = $2, updated_at = now(), settle_after = NULL
         WHERE id = $1",
        p.id,
        reason
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    audit(tx, actor, "payment.failed", "payment", p.id).await?;
    lapse(
        tx,
        state,
        p,
        &Lapse::Failed {
            reason: reason.to_string(),
        },
    )
    .await?;
    outbox::enqueue_template(
        tx,
        "billing_failed",
        &p.payer_email,
        Lang::parse(&p.payer_language).unwrap_or_default(),
        &[
            ("name", &p.payer_name),
            ("reference", &p.reference),
            (
                "amount",
                &super::show_in(
                    Lang::parse(&p.payer_language).unwrap_or_default(),
                    p.amount,
                    &p.currency,
                ),
            ),
            ("reason", reason),
            ("url", &state.config.base_url),
        ],
    )
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// An open payment never verified in time: CANCELLED as expired, what it held released.
pub async fn expire(tx: &mut Tx<'_>, state: &AppState, p: &Locked) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE payments SET status = 'CANCELLED', failure_reason = 'expired', updated_at = now(),
                settle_after = NULL WHERE id = $1",
        p.id
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    audit(tx, None, "payment.expired", "payment", p.id).await?;
    lapse(tx, state, p, &Lapse::Expired).await
}

async fn lapse(tx: &mut Tx<'_>, state: &AppState, p: &Locked, why: &Lapse) -> Result<(), AppError> {
    let facts = facts(p, None)?;
    match state.fulfil.get(facts.purpose) {
        Some(f) => f.lapsed(tx, &facts, why).await,
        None => Ok(()),
    }
}

/// Marks a payment for manual review, tells its feature, and alerts the admins (once per
/// payment, however many reports disagree).
pub async fn flag(
    tx: &mut Tx<'_>,
    state: &AppState,
    p: &Locked,
    reason: &str,
) -> Result<(), AppError> {
    tracing::warn!(reference = %p.reference, reason, "payment flagged for review");
    sqlx::query!(
        "UPDATE payments SET needs_review = true, review_reason = $2, updated_at = now() WHERE id = $1",
        p.id,
        reason
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    lapse(
        tx,
        state,
        p,
        &Lapse::Review {
            reason: reason.to_string(),
        },
    )
    .await?;
    alerts::raise(
        tx,
        &state.config,
        alerts::Alert {
            kind: "billing_review",
            subject: p.id,
            critical: true,
            args: &[
                ("reference", &p.reference),
                ("reason", reason),
                ("url", &state.config.base_url),
            ],
        },
    )
    .await?;
    audit(tx, None, "payment.flagged", "payment", p.id).await
}
