//! Server functions of the billing pages and of the admin's subscriptions page.

use leptos::prelude::*;

use super::{BillingView, PlanOffer};
use crate::error::AppError;

#[server(prefix = "/fn", endpoint = "billing")]
pub async fn get_billing() -> Result<BillingView, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            super::service::overview(&state, &user).await
        }
        .await,
    )
}

/// One plan on offer, for the subscribe page, whether cards are taken, and the number to
/// offer for paying from the phone (when an operator is configured).
#[server(prefix = "/fn", endpoint = "billing_plan")]
pub async fn get_plan(code: String) -> Result<(PlanOffer, bool, Option<String>), AppError> {
    use crate::{
        features::payments,
        platform::{auth, respond},
    };
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            let family_id = user
                .family_id
                .ok_or_else(|| AppError::form("error.no_family", vec![], 409))?;
            let kind = super::service::account_kind(&state.pool, family_id).await?;
            let code = code.trim().to_ascii_uppercase();
            let plan = super::service::plans(&state.pool, Some(kind))
                .await?
                .into_iter()
                .find(|p| p.code == code)
                .ok_or(AppError::NotFound)?;
            let phone = payments::phone::available(&state, None)
                .await?
                .then(|| user.phone.clone());
            Ok((
                plan,
                payments::providers::default_card(&state.config).is_some(),
                phone,
            ))
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "billing_subscribe")]
pub async fn subscribe(
    plan: String,
    #[server(default)] duration_days: String,
    #[server(default)] pay_with: String,
    #[server(default)] phone: String,
) -> Result<String, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            let ip = respond::client_ip(state.config.trust_proxy).await;
            let form = super::service::SubscribeForm {
                plan: plan.clone(),
                duration_days,
                pay_with,
                phone,
            };
            let next = super::service::subscribe(&state, &user, &form, &ip).await?;
            leptos_axum::redirect(&next);
            Ok(next)
        }
        .await,
    )
}

/// Families with their subscriptions, and the plans an admin may switch them to.
#[server(prefix = "/fn", endpoint = "admin_subscriptions")]
pub async fn admin_subscriptions() -> Result<(Vec<super::SubscriptionRow>, Vec<PlanOffer>), AppError>
{
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_admin().await?;
            Ok((
                super::service::subscriptions(&state.pool).await?,
                super::service::plans(&state.pool, None).await?,
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
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            let id = uuid::Uuid::parse_str(family_id.trim()).map_err(|_| AppError::NotFound)?;
            super::service::change_subscription(
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
