//! Starting a card payment for any purpose: the payment is recorded first (so its reference
//! exists whatever the provider answers), then the provider's checkout is opened and the
//! browser sent there.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    ledger::{self, NewPayment},
    providers::{CheckoutRequest, Provider, ProviderError},
};
use crate::{
    error::AppError,
    platform::{respond, signing::Signer, state::AppState},
};

/// Where the browser comes back to, as paths on this site; `{ref}` stands for the payment's
/// reference.
pub struct Return {
    pub success: String,
    pub fail: String,
    /// The payer has no account (an order's guest): the sandbox page opens by signature.
    pub guest: bool,
}

/// How the checkout is opened.
pub struct Options<'a> {
    pub phone: &'a str,
    pub client_ip: &'a str,
    /// The checkout stops taking money then (an order's expiry).
    pub expires_at: Option<DateTime<Utc>>,
    /// The organiser's connected account, for providers paid per organiser.
    pub account: Option<Uuid>,
    /// The provider's reference for the checkout when it takes ours (an order's reference).
    pub checkout_reference: Option<&'a str>,
}

/// The signature that opens a guest's sandbox page.
pub fn sandbox_signature(signer: &Signer, reference: &str) -> String {
    signer.sign(&format!("sandbox:{reference}"))
}

/// The checkout still open for what `order_id` pays, if one is: its payment's id and where the
/// browser goes to finish it. A second press of "Pay by card" comes back to it.
pub async fn open_for_order(
    state: &AppState,
    order_id: Uuid,
) -> Result<Option<(Uuid, String)>, AppError> {
    Ok(sqlx::query!(
        r#"SELECT id, checkout_url AS "url!" FROM payments
           WHERE order_id = $1 AND status = 'PROCESSING' AND checkout_url IS NOT NULL
           ORDER BY created_at DESC LIMIT 1"#,
        order_id
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)?
    .map(|r| (r.id, r.url)))
}

/// Records the payment, then opens the provider's checkout; returns the payment's id,
/// reference and where the browser goes.
#[tracing::instrument(skip_all, fields(provider = provider.name()))]
pub async fn start(
    state: &AppState,
    provider: &dyn Provider,
    p: NewPayment<'_>,
    back: Return,
    opts: Options<'_>,
) -> Result<(Uuid, String, String), AppError> {
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let (id, reference) = ledger::open(&mut tx, &p).await?;
    let success = back.success.replace("{ref}", &reference);
    let fail = back.fail.replace("{ref}", &reference);
    sqlx::query!(
        "UPDATE payments SET success_url = $2, fail_url = $3, expires_at = $4::text::timestamptz,
                provider_account = $5 WHERE id = $1",
        id,
        success,
        fail,
        opts.expires_at.map(|e| e.to_rfc3339()),
        opts.account
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    tx.commit().await.map_err(respond::internal)?;
    let sandbox_query = if back.guest {
        format!("?sig={}", sandbox_signature(&state.signer, &reference))
    } else {
        String::new()
    };
    let absolute = |path: &str| format!("{}{path}", state.config.base_url);
    let (success_abs, fail_abs) = (absolute(&success), absolute(&fail));
    let req = CheckoutRequest {
        payment_id: id,
        reference: &reference,
        description: p.description,
        amount: p.amount,
        currency: p.currency,
        email: p.payer.email,
        name: p.payer.name,
        phone: opts.phone,
        client_ip: opts.client_ip,
        success_url: &success_abs,
        cancel_url: &fail_abs,
        sandbox_query: &sandbox_query,
        expires_at: opts.expires_at,
        account: opts.account,
        checkout_reference: opts.checkout_reference.unwrap_or(&reference),
        lang: p.payer.language.code(),
    };
    match provider.start(state, &req).await {
        Ok(checkout) => {
            sqlx::query!(
                "UPDATE payments SET status = 'PROCESSING', provider_ref = $2, checkout_url = $3,
                        updated_at = now(), next_check_at = now() + interval '1 minute'
                 WHERE id = $1 AND status = 'PENDING'",
                id,
                checkout.provider_ref,
                checkout.redirect_url
            )
            .execute(&state.pool)
            .await
            .map_err(respond::internal)?;
            Ok((id, reference, checkout.redirect_url))
        }
        Err(e) => {
            tracing::warn!(%reference, error = %e, "checkout could not start");
            sqlx::query!(
                "UPDATE payments SET status = 'FAILED', failure_reason = $2, updated_at = now()
                 WHERE id = $1 AND status = 'PENDING'",
                id,
                e.to_string()
            )
            .execute(&state.pool)
            .await
            .map_err(respond::internal)?;
            Err(AppError::form(
                match e {
                    ProviderError::Currency(_) => "error.card_currency",
                    ProviderError::Disconnected(_) => "error.organiser_disconnected",
                    _ => "error.card_unavailable",
                },
                vec![],
                502,
            ))
        }
    }
}
