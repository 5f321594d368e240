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
            let next = super::service::subscribe(
                &state.pool,
                &state.config,
                &state.signer,
                &user,
                &form,
                &ip,
            )
            .await?;
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
                    .await?
                    .1;
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

/// The sandbox checkout: for the signed-in payer, or a guest holding the page's signature.
#[server(prefix = "/fn", endpoint = "billing_sandbox")]
pub async fn sandbox_payment(
    reference: String,
    #[server(default)] sig: String,
) -> Result<SandboxView, AppError> {
    use crate::server::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::current_user().await?;
            let who = super::service::SandboxAccess {
                user: user.as_ref(),
                sig: &sig,
            };
            super::service::sandbox_view(
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
    use crate::server::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::current_user().await?;
            let who = super::service::SandboxAccess {
                user: user.as_ref(),
                sig: &sig,
            };
            let next = super::service::sandbox_choose(
                &state.pool,
                &state.config,
                &state.signer,
                &who,
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

/// The ledger rows (latest 200 matching) and the analytics of the same range.
#[server(prefix = "/fn", endpoint = "admin_ledger")]
pub async fn admin_ledger(
    filter: super::LedgerFilter,
) -> Result<(Vec<super::LedgerRow>, super::Analytics), AppError> {
    use crate::server::{auth, respond};
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

#[server(prefix = "/fn", endpoint = "admin_refund")]
pub async fn admin_refund(
    payment_id: String,
    #[server(default)] amount: String,
    #[server(default)] destination: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use crate::server::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            let id = uuid::Uuid::parse_str(payment_id.trim()).map_err(|_| AppError::NotFound)?;
            super::ledger::refund(&state.pool, &admin, id, &amount, &destination, &reason).await?;
            leptos_axum::redirect("/admin/payments?refunded=1");
            Ok(())
        }
        .await,
    )
}

/// Families with their subscriptions, and the plans an admin may switch them to.
#[server(prefix = "/fn", endpoint = "admin_subscriptions")]
pub async fn admin_subscriptions() -> Result<(Vec<super::SubscriptionRow>, Vec<PlanOffer>), AppError>
{
    use crate::server::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_admin().await?;
            Ok((
                super::ledger::subscriptions(&state.pool).await?,
                super::service::plans(&state.pool).await?,
            ))
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "admin_change_subscription")]
pub async fn admin_change_subscription(
    family_id: String,
    #[server(default)] action: String,
    #[server(default)] plan: String,
    #[server(default)] days: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use crate::server::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            let id = uuid::Uuid::parse_str(family_id.trim()).map_err(|_| AppError::NotFound)?;
            super::ledger::change_subscription(
                &state.pool,
                &admin,
                id,
                &action,
                &plan,
                &days,
                &reason,
            )
            .await?;
            leptos_axum::redirect("/admin/subscriptions?changed=1");
            Ok(())
        }
        .await,
    )
}

/// Whether cards are taken (a gateway is configured), for the order page.
#[server(prefix = "/fn", endpoint = "billing_card_enabled")]
pub async fn card_enabled() -> Result<bool, AppError> {
    use crate::server::{config::CardGateway, respond};
    let state = respond::state()?;
    Ok(state.config.billing.card_gateway != CardGateway::None)
}

/// An order's buyer pays by card (signed link): the browser goes to the gateway.
#[server(prefix = "/fn", endpoint = "order_card_checkout")]
pub async fn order_card_checkout(reference: String, sig: String) -> Result<String, AppError> {
    use crate::server::respond;
    respond::reply(
        async {
            let state = respond::state()?;
            let ip = respond::client_ip(state.config.trust_proxy).await;
            let next = super::service::order_checkout(
                &state.pool,
                &state.config,
                &state.signer,
                &reference,
                &sig,
                &ip,
            )
            .await?;
            leptos_axum::redirect(&next);
            Ok(next)
        }
        .await,
    )
}
