//! The family wallet: one balance per currency that never goes below zero, every movement
//! written beside it. A card top-up is credited through the same settle path as any payment.

use uuid::Uuid;

use super::{
    checkout::{self, Options, Return},
    ledger::{NewPayment, Payer},
    providers,
};
use crate::{
    domain::{Currency, Money, PaymentPurpose},
    error::AppError,
    platform::{
        auth::AuthUser,
        db::Tx,
        fulfil::{BoxFuture, Fulfil, Fulfilled, PaymentFacts},
        respond,
        state::AppState,
    },
};

/// Where a family's card payments come back to: the billing return pages.
pub fn billing_return() -> Return {
    Return {
        success: "/billing/payment/success?ref={ref}".into(),
        fail: "/billing/payment/fail?ref={ref}".into(),
        guest: false,
    }
}

/// A wallet top-up by card, by the family's manager: the payment's id and where the browser
/// goes.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn top_up(
    state: &AppState,
    user: &AuthUser,
    amount: &str,
    currency: &str,
    client_ip: &str,
) -> Result<(Uuid, String), AppError> {
    let echo = vec![
        ("amount".to_string(), amount.to_string()),
        ("currency".to_string(), currency.to_string()),
    ];
    let family_id = user.managed_family()?;
    let currency =
        Currency::parse(currency).map_err(|k| AppError::field("currency", k, echo.clone()))?;
    let money = Money::parse(amount, currency).map_err(|k| AppError::field("amount", k, echo))?;
    let provider = providers::default_card(&state.config)
        .ok_or_else(|| AppError::form("error.card_unavailable", vec![], 409))?;
    let description = crate::i18n::t(user.language, "billing.line_topup");
    let (id, _, url) = checkout::start(
        state,
        provider,
        NewPayment {
            purpose: PaymentPurpose::Topup,
            family_id: Some(family_id),
            order_id: None,
            user_id: Some(user.id),
            plan_code: None,
            duration_days: None,
            amount: money.minor,
            currency: currency.code(),
            method: "CARD",
            provider: provider.name(),
            description,
            payer: Payer::member(user),
        },
        billing_return(),
        Options {
            phone: &user.phone,
            client_ip,
            expires_at: None,
            account: None,
            checkout_reference: None,
        },
    )
    .await?;
    Ok((id, url))
}

/// A movement of the wallet: `TOPUP`, `PAYMENT` or `REFUND`.
pub struct Movement<'a> {
    pub family_id: Uuid,
    pub currency: &'a str,
    /// Minor units; positive credits the wallet, negative debits it.
    pub amount: i64,
    pub kind: &'a str,
    pub payment_id: Uuid,
    pub description: &'a str,
}

/// Applies a movement; a debit the balance cannot cover changes nothing and answers `false`.
pub async fn apply(tx: &mut Tx<'_>, m: &Movement<'_>) -> Result<bool, AppError> {
    let done = if m.amount > 0 {
        sqlx::query!(
            "INSERT INTO wallets (family_id, currency, balance) VALUES ($1, $2, $3)
             ON CONFLICT (family_id, currency) DO UPDATE SET balance = wallets.balance + EXCLUDED.balance",
            m.family_id,
            m.currency,
            m.amount
        )
        .execute(&mut **tx)
        .await
    } else {
        sqlx::query!(
            "UPDATE wallets SET balance = balance + $3 WHERE family_id = $1 AND currency = $2 AND balance + $3 >= 0",
            m.family_id,
            m.currency,
            m.amount
        )
        .execute(&mut **tx)
        .await
    }
    .map_err(respond::internal)?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query!(
        "INSERT INTO wallet_transactions (id, family_id, currency, amount, kind, payment_id, description)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        Uuid::new_v4(),
        m.family_id,
        m.currency,
        m.amount,
        m.kind,
        m.payment_id,
        m.description
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok(true)
}

/// What a top-up buys: its amount in the family wallet.
pub struct TopUp;

impl Fulfil for TopUp {
    fn paid<'a>(
        &'a self,
        tx: &'a mut Tx<'_>,
        p: &'a PaymentFacts,
    ) -> BoxFuture<'a, Result<Fulfilled, AppError>> {
        Box::pin(async move {
            let family_id = p
                .family_id
                .ok_or_else(|| respond::internal("top-up without a family"))?;
            apply(
                tx,
                &Movement {
                    family_id,
                    currency: &p.currency,
                    amount: p.amount,
                    kind: "TOPUP",
                    payment_id: p.id,
                    description: &p.description,
                },
            )
            .await?;
            Ok(Fulfilled::Delivered {
                period_end: None,
                mail: None,
            })
        })
    }
}
