//! Server functions of the billing pages.

use leptos::prelude::*;

use super::{BillingView, PaymentResult, PlanOffer, SandboxView};
use crate::error::AppError;

#[server(prefix = "/fn", endpoint = "billing")]
pub async fn get_billing() -> Result<BillingView, AppError> {
    use crate::server::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            super::service::overview(&state.pool, &state.config, &user).await
        }
        .await,
    )
}

/// One plan on offer, for the subscribe page, and whether cards are taken.
#[server(prefix = "/fn", endpoint = "billing_plan")]
pub async fn get_plan(code: String) -> Result<(PlanOffer, bool), AppError> {
    use crate::server::{auth, config::CardGateway, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_user().await?;
            let code = code.trim().to_ascii_uppercase();
            let plan = super::service::plans(&state.pool)
                .await?
                .into_iter()
                .find(|p| p.code == code)
                .ok_or(AppError::NotFound)?;
            Ok((plan, state.config.billing.card_gateway != CardGateway::None))
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "billing_subscribe")]
pub async fn subscribe(
    plan: String,
    #[server(default)] duration_days: String,
    #[server(default)] pay_with: String,
) -> Result<String, AppError> {
    use crate::server::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            let ip = respond::client_ip(state.config.trust_proxy).await;
            let form = super::service::SubscribeForm {
                plan: plan.clone(),
                duration_days,
                pay_with,
            };
            let next =
                super::service::subscribe(&state.pool, &state.config, &user, &form, &ip).await?;
            leptos_axum::redirect(&next);
            Ok(next)
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "billing_top_up")]
pub async fn top_up(
    #[server(default)] amount: String,
    #[server(default)] currency: String,
) -> Result<String, AppError> {
    use crate::server::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            let ip = respond::client_ip(state.config.trust_proxy).await;
            let next =
                super::service::top_up(&state.pool, &state.config, &user, &amount, &currency, &ip)
                    .await?;
            leptos_axum::redirect(&next);
            Ok(next)
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "billing_payment")]
pub async fn get_payment_result(reference: String) -> Result<PaymentResult, AppError> {
    use crate::server::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            super::service::result(&state.pool, &user, &reference).await
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "billing_sandbox")]
pub async fn sandbox_payment(reference: String) -> Result<SandboxView, AppError> {
    use crate::server::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            super::service::sandbox_view(&state.pool, &user, &reference).await
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "billing_sandbox_choose")]
pub async fn sandbox_choose(reference: String, choice: String) -> Result<String, AppError> {
    use crate::server::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            let next = super::service::sandbox_choose(
                &state.pool,
                &state.config,
                &user,
                &reference,
                &choice,
            )
            .await?;
            leptos_axum::redirect(&next);
            Ok(next)
        }
        .await,
    )
}
