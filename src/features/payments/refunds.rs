//! Refunds of ledger payments, full or partial, back where the money came from: the family
//! wallet (at once), or the provider that took it (Stripe, PayTR, SumUp, the sandbox), where it
//! counts only once the provider accepted it. A provider that cannot be reached is asked again
//! later; one that refuses flags the refund for the admins. Money taken by hand (cash, a
//! mobile-money proof) is given back by hand and recorded here.

use uuid::Uuid;

use super::{
    ledger::{self, Locked},
    providers::{self, ProviderError, RefundRequest},
    settle::facts,
    wallet::{self, Movement},
};
use crate::{
    domain::{parse_reason, refund_allowed, Currency, Money, PaymentPurpose},
    error::AppError,
    platform::{
        alerts, audit::audit_reason, auth::AuthUser, db::Tx, fulfil::Refund, respond,
        state::AppState,
    },
};

/// What became of a refund asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOutcome {
    /// Accepted (or recorded): the id the provider gave it.
    Done(String),
    /// The provider could not be reached; it is asked again later.
    Pending,
}

/// How many times a provider is asked before the refund is flagged as failed.
const MAX_ATTEMPTS: i32 = 5;

/// How much to give back: as the admin typed it, or a count of minor units.
#[derive(Debug, Clone, Copy)]
pub enum Amount<'a> {
    Typed(&'a str),
    Minor(i64),
}

/// A full or partial refund of a completed payment, by an admin. To the wallet: credited at
/// once. To the card (where the money came from): a top-up's credit is first taken back from
/// the wallet (refused if already spent), then the provider is asked.
#[tracing::instrument(skip(state, admin, reason), fields(admin_id = %admin.id))]
pub async fn refund(
    state: &AppState,
    admin: &AuthUser,
    payment_id: Uuid,
    amount: Amount<'_>,
    destination: &str,
    reason: &str,
) -> Result<RefundOutcome, AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let typed = match amount {
        Amount::Typed(t) => t.to_string(),
        Amount::Minor(m) => m.to_string(),
    };
    let echo = vec![
        ("amount".to_string(), typed),
        ("destination".to_string(), destination.to_string()),
        ("reason".to_string(), reason.to_string()),
    ];
    let reason = parse_reason(reason).map_err(|k| AppError::field("reason", k, echo.clone()))?;
    if !matches!(destination, "wallet" | "card") {
        return Err(AppError::field(
            "destination",
            "error.destination_invalid",
            echo,
        ));
    }
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let p = ledger::lock(&mut tx, payment_id).await?;
    if p.status != "COMPLETED" {
        return Err(AppError::form("error.refund_not_completed", echo, 409));
    }
    if !refund_allowed(destination, &p.purpose, &p.method) {
        return Err(AppError::field(
            "destination",
            "error.refund_destination",
            echo,
        ));
    }
    let currency = Currency::parse(&p.currency).map_err(|_| AppError::Internal)?;
    let money = match amount {
        Amount::Typed(t) => {
            Money::parse(t, currency).map_err(|k| AppError::field("amount", k, echo.clone()))?
        }
        Amount::Minor(m) => Money::new(m, currency),
    };
    let pending = sqlx::query_scalar!(
        r#"SELECT COALESCE(sum(amount), 0)::bigint AS "n!" FROM payment_refunds WHERE payment_id = $1 AND status = 'PENDING'"#,
        payment_id
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(respond::internal)?;
    let refunded = refunded_so_far(&mut tx, payment_id).await?;
    if money.minor <= 0 || money.minor > p.amount - refunded - pending {
        return Err(AppError::field("amount", "error.refund_too_much", echo));
    }
    let refund_id = Uuid::new_v4();
    if destination == "wallet" {
        let family_id = p.family_id.ok_or(AppError::Internal)?;
        wallet::apply(
            &mut tx,
            &Movement {
                family_id,
                currency: &p.currency,
                amount: money.minor,
                kind: "REFUND",
                payment_id,
                description: &reason,
            },
        )
        .await?;
        insert(
            &mut tx,
            refund_id,
            &p,
            money.minor,
            "wallet",
            &reason,
            admin.id,
            "SUCCEEDED",
        )
        .await?;
        let id = format!("wallet-{}", refund_id.simple());
        succeeded(&mut tx, state, &p, refund_id, money.minor, &id).await?;
        audit_reason(
            &mut tx,
            admin.id,
            "payment.refunded",
            "payment",
            payment_id,
            &reason,
        )
        .await?;
        tx.commit().await.map_err(respond::internal)?;
        return Ok(RefundOutcome::Done(id));
    }
    if p.purpose == PaymentPurpose::Topup.as_str() {
        // The top-up's credit leaves the wallet before the card gets it back.
        let family_id = p.family_id.ok_or(AppError::Internal)?;
        let taken = wallet::apply(
            &mut tx,
            &Movement {
                family_id,
                currency: &p.currency,
                amount: -money.minor,
                kind: "REFUND",
                payment_id,
                description: &reason,
            },
        )
        .await?;
        if !taken {
            return Err(AppError::form("error.wallet_spent", echo, 409));
        }
    }
    let by_hand = providers::by_name(&p.provider).is_none();
    if by_hand {
        // Cash or a mobile-money proof: the admin gives it back and records it here.
        insert(
            &mut tx,
            refund_id,
            &p,
            money.minor,
            "card",
            &reason,
            admin.id,
            "SUCCEEDED",
        )
        .await?;
        let id = format!("manual-{}", refund_id.simple());
        succeeded(&mut tx, state, &p, refund_id, money.minor, &id).await?;
        audit_reason(
            &mut tx,
            admin.id,
            "payment.refunded",
            "payment",
            payment_id,
            &reason,
        )
        .await?;
        tx.commit().await.map_err(respond::internal)?;
        return Ok(RefundOutcome::Done(id));
    }
    insert(
        &mut tx,
        refund_id,
        &p,
        money.minor,
        "card",
        &reason,
        admin.id,
        "PENDING",
    )
    .await?;
    audit_reason(
        &mut tx,
        admin.id,
        "payment.refund_requested",
        "payment",
        payment_id,
        &reason,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)?;
    match attempt(state, refund_id).await? {
        Attempt::Accepted(id) => Ok(RefundOutcome::Done(id)),
        Attempt::Retry => Ok(RefundOutcome::Pending),
        Attempt::Refused(why) => Err(AppError::Invalid {
            field: None,
            key: "error.refund_refused".into(),
            echo: vec![("why".into(), why)],
            status: 502,
            also: Vec::new(),
        }),
    }
}

async fn refunded_so_far(tx: &mut Tx<'_>, payment_id: Uuid) -> Result<i64, AppError> {
    sqlx::query_scalar!(
        "SELECT refunded_amount FROM payments WHERE id = $1",
        payment_id
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(respond::internal)
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    tx: &mut Tx<'_>,
    id: Uuid,
    p: &Locked,
    amount: i64,
    destination: &str,
    reason: &str,
    admin: Uuid,
    status: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO payment_refunds (id, payment_id, amount, destination, reason, admin_id, status, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())",
        id,
        p.id,
        amount,
        destination,
        reason,
        admin,
        status
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// The refund counts: the payment's refunded amount (REFUNDED once nothing is left) and the
/// feature that sold something hears of it.
async fn succeeded(
    tx: &mut Tx<'_>,
    state: &AppState,
    p: &Locked,
    refund_id: Uuid,
    amount: i64,
    provider_refund_id: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE payment_refunds SET status = 'SUCCEEDED', provider_refund_id = $2, updated_at = now(),
                next_attempt_at = NULL WHERE id = $1",
        refund_id,
        provider_refund_id
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    let full = sqlx::query_scalar!(
        "UPDATE payments SET refunded_amount = refunded_amount + $2, updated_at = now(),
                status = CASE WHEN refunded_amount + $2 = amount THEN 'REFUNDED' ELSE status END
         WHERE id = $1 RETURNING refunded_amount = amount",
        p.id,
        amount
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(respond::internal)?
    .unwrap_or(false);
    let facts = facts(p, None)?;
    if let Some(f) = state.fulfil.get(facts.purpose) {
        f.refunded(
            tx,
            &facts,
            &Refund {
                amount,
                refund_id: provider_refund_id.to_string(),
                full,
            },
        )
        .await?;
    }
    Ok(())
}

enum Attempt {
    Accepted(String),
    Retry,
    Refused(String),
}

/// Asks the provider for one pending refund, and records its answer.
async fn attempt(state: &AppState, refund_id: Uuid) -> Result<Attempt, AppError> {
    let r = sqlx::query!(
        "SELECT r.amount, r.attempts, p.id AS payment_id, p.provider, p.provider_ref, p.provider_txn,
                p.provider_account, p.currency
         FROM payment_refunds r JOIN payments p ON p.id = r.payment_id
         WHERE r.id = $1 AND r.status = 'PENDING'",
        refund_id
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    let Some(provider) = providers::by_name(&r.provider) else {
        return Err(AppError::Internal);
    };
    let request = RefundRequest {
        refund_id,
        provider_ref: r.provider_ref.as_deref().unwrap_or_default(),
        transaction: r.provider_txn.as_deref(),
        account: r.provider_account,
        amount: r.amount,
        currency: &r.currency,
    };
    let answer = provider.refund(state, &request).await;
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let p = ledger::lock(&mut tx, r.payment_id).await?;
    // Another instance may have recorded this answer meanwhile.
    let still = sqlx::query_scalar!(
        "SELECT status FROM payment_refunds WHERE id = $1 FOR UPDATE",
        refund_id
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(respond::internal)?;
    if still != "PENDING" {
        return Ok(Attempt::Retry);
    }
    let outcome = match answer {
        Ok(id) => {
            succeeded(&mut tx, state, &p, refund_id, r.amount, &id).await?;
            tracing::info!(reference = %p.reference, refund = %id, "refund accepted by the provider");
            Attempt::Accepted(id)
        }
        Err(e) if e.is_transient() && r.attempts + 1 < MAX_ATTEMPTS => {
            let delay = 60_i64.saturating_mul(1 << r.attempts.clamp(0, 10));
            sqlx::query!(
                "UPDATE payment_refunds SET attempts = attempts + 1, last_error = $2, updated_at = now(),
                        next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1",
                refund_id,
                e.to_string(),
                delay as f64
            )
            .execute(&mut *tx)
            .await
            .map_err(respond::internal)?;
            tracing::warn!(reference = %p.reference, error = %e, "refund not reached the provider; retried later");
            Attempt::Retry
        }
        Err(e) => {
            refused(&mut tx, state, &p, refund_id, r.amount, &e).await?;
            Attempt::Refused(e.to_string())
        }
    };
    tx.commit().await.map_err(respond::internal)?;
    Ok(outcome)
}

/// The provider refused, or never answered: FAILED, a top-up's credit returns to the wallet,
/// and the admins are told.
async fn refused(
    tx: &mut Tx<'_>,
    state: &AppState,
    p: &Locked,
    refund_id: Uuid,
    amount: i64,
    e: &ProviderError,
) -> Result<(), AppError> {
    tracing::error!(reference = %p.reference, error = %e, "refund refused by the provider");
    sqlx::query!(
        "UPDATE payment_refunds SET status = 'FAILED', attempts = attempts + 1, last_error = $2,
                updated_at = now(), next_attempt_at = NULL WHERE id = $1",
        refund_id,
        e.to_string()
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    if p.purpose == PaymentPurpose::Topup.as_str() {
        if let Some(family_id) = p.family_id {
            wallet::apply(
                tx,
                &Movement {
                    family_id,
                    currency: &p.currency,
                    amount,
                    kind: "REFUND",
                    payment_id: p.id,
                    description: "refund refused by the provider",
                },
            )
            .await?;
        }
    }
    let why = e.to_string();
    alerts::raise(
        tx,
        &state.config,
        alerts::Alert {
            kind: "refund_failed",
            subject: refund_id,
            critical: true,
            args: &[
                ("reference", &p.reference),
                ("amount", &super::show(amount, &p.currency)),
                ("reason", &why),
                ("url", &state.config.base_url),
            ],
        },
    )
    .await?;
    Ok(())
}

/// The job runner: pending refunds whose next attempt is due are asked again.
pub async fn retry_due(state: &AppState) -> Result<usize, AppError> {
    let due = sqlx::query_scalar!(
        "UPDATE payment_refunds SET next_attempt_at = now() + interval '5 minutes' WHERE id IN (
             SELECT id FROM payment_refunds WHERE status = 'PENDING' AND next_attempt_at <= now()
             ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED)
         RETURNING id"
    )
    .fetch_all(&state.pool)
    .await
    .map_err(respond::internal)?;
    let mut accepted = 0;
    for id in due {
        if let Attempt::Accepted(_) = attempt(state, id).await? {
            accepted += 1;
        }
    }
    Ok(accepted)
}

/// A refund a person made outside Tessera (cash, a mobile-money transfer) for an order paid
/// by hand, recorded against its payment: `reference` is what they typed.
pub async fn record_manual(
    tx: &mut Tx<'_>,
    state: &AppState,
    admin: Uuid,
    payment_id: Uuid,
    reference: &str,
    reason: &str,
) -> Result<(), AppError> {
    let p = ledger::lock(tx, payment_id).await?;
    if p.status != "COMPLETED" {
        return Ok(());
    }
    let left = p.amount - refunded_so_far(tx, payment_id).await?;
    if left <= 0 {
        return Ok(());
    }
    let refund_id = Uuid::new_v4();
    insert(tx, refund_id, &p, left, "card", reason, admin, "SUCCEEDED").await?;
    succeeded(tx, state, &p, refund_id, left, reference).await?;
    audit_reason(tx, admin, "payment.refunded", "payment", payment_id, reason).await
}
