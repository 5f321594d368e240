//! Server functions of the payment pages: the return pages, the sandbox checkout, the wallet
//! top-up, and the admin's ledger and refunds.

use leptos::prelude::*;

use super::{Analytics, LedgerFilter, LedgerRow, PaymentResult, PhoneWait, SandboxView};
use crate::error::AppError;

#[server(prefix = "/fn", endpoint = "billing_payment")]
pub async fn get_payment_result(reference: String) -> Result<PaymentResult, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            super::queries::result(&state.pool, &user, &reference).await
        }
        .await,
    )
}

/// The waiting page of a payment approved on the phone, for its payer.
#[server(prefix = "/fn", endpoint = "phone_wait")]
pub async fn get_phone_wait(
    reference: String,
    #[server(default)] sig: String,
) -> Result<PhoneWait, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::current_user().await?;
            super::phone::view(&state, user.as_ref(), &reference, &sig).await
        }
        .await,
    )
}

/// "Try again" on the waiting page: a new request to the phone; the browser goes to its page.
#[server(prefix = "/fn", endpoint = "phone_retry")]
pub async fn phone_retry(
    reference: String,
    #[server(default)] phone: String,
) -> Result<String, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            let (_, url) = super::phone::retry(&state, &user, &reference, &phone).await?;
            leptos_axum::redirect(&url);
            Ok(url)
        }
        .await,
    )
}

/// The sandbox checkout: for the signed-in payer, or a guest holding the page's signature.
#[server(prefix = "/fn", endpoint = "billing_sandbox")]
pub async fn sandbox_payment(
    reference: String,
    #[server(default)] sig: String,
) -> Result<SandboxView, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::current_user().await?;
            let who = super::queries::SandboxAccess {
                user: user.as_ref(),
                sig: &sig,
            };
            super::queries::sandbox_view(
                &state.pool,
                &state.config,
                &state.signer,
                &who,
                &reference,
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "billing_sandbox_choose")]
pub async fn sandbox_choose(
    reference: String,
    choice: String,
    #[server(default)] sig: String,
) -> Result<String, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::current_user().await?;
            let who = super::queries::SandboxAccess {
                user: user.as_ref(),
                sig: &sig,
            };
            let next = super::providers::sandbox::choose(&state, &who, &reference, &choice).await?;
            leptos_axum::redirect(&next);
            Ok(next)
        }
        .await,
    )
}

/// A wallet top-up by card, by the family's manager: the browser goes to the provider.
#[server(prefix = "/fn", endpoint = "billing_top_up")]
pub async fn top_up(
    #[server(default)] amount: String,
    #[server(default)] currency: String,
) -> Result<String, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            let ip = respond::client_ip(state.config.trust_proxy).await;
            let next = super::wallet::top_up(&state, &user, &amount, &currency, &ip)
                .await?
                .1;
            leptos_axum::redirect(&next);
            Ok(next)
        }
        .await,
    )
}

/// Whether cards are taken (a provider is configured), for the pages that offer them.
#[server(prefix = "/fn", endpoint = "billing_card_enabled")]
pub async fn card_enabled() -> Result<bool, AppError> {
    use crate::platform::respond;
    let state = respond::state()?;
    Ok(super::providers::default_card(&state.config).is_some())
}

/// The ledger rows (latest 200 matching) and the analytics of the same range.
#[server(prefix = "/fn", endpoint = "admin_ledger")]
pub async fn admin_ledger(filter: LedgerFilter) -> Result<(Vec<LedgerRow>, Analytics), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_admin().await?;
            let rows = super::ledger::rows(&state.pool, &filter, 200).await?;
            let analytics = super::ledger::analytics(&state.pool, &filter).await?;
            Ok((rows, analytics))
        }
        .await,
    )
}

/// A refund: done at once (wallet, or accepted by the provider), or waiting for a provider
/// that could not be reached (asked again by the job runner).
#[server(prefix = "/fn", endpoint = "admin_refund")]
pub async fn admin_refund(
    payment_id: String,
    #[server(default)] amount: String,
    #[server(default)] destination: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use super::refunds::RefundOutcome;
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            let id = uuid::Uuid::parse_str(payment_id.trim()).map_err(|_| AppError::NotFound)?;
            let outcome = super::refunds::refund(
                &state,
                &admin,
                id,
                super::refunds::Amount::Typed(&amount),
                &destination,
                &reason,
            )
            .await?;
            leptos_axum::redirect(match outcome {
                RefundOutcome::Done(_) => "/admin/payments?refunded=1",
                RefundOutcome::Pending => "/admin/payments?refund_pending=1",
            });
            Ok(())
        }
        .await,
    )
}

/// Mobile-money methods on offer: (code, English name, French name).
#[server(prefix = "/fn", endpoint = "payment_methods")]
pub async fn payment_methods() -> Result<Vec<(String, String, String)>, AppError> {
    use crate::platform::respond;
    respond::reply(
        async {
            let state = respond::state()?;
            Ok(sqlx::query!("SELECT code, name_en, name_fr FROM payment_methods WHERE enabled ORDER BY position, code")
                .fetch_all(&state.pool)
                .await
                .map_err(respond::internal)?
                .into_iter()
                .map(|m| (m.code, m.name_en, m.name_fr))
                .collect())
        }
        .await,
    )
}
