//! The sandbox built into the app, for the demo and for trying Tessera without a provider
//! account: its checkout page lets whoever pays choose success, a decline or a delay, so it
//! must never be on where money matters. Its reports go through the same settle path as a
//! real provider's.

use chrono::{DateTime, Utc};

use super::{Checkout, CheckoutRequest, Open, Provider, ProviderError, RefundRequest, Verdict};
use crate::{
    error::AppError,
    features::payments::{
        queries::{sandbox_view, SandboxAccess},
        settle::{settle_reported, Outcome, SettleError, Settled},
    },
    platform::{config::CardGateway, fulfil::BoxFuture, respond, state::AppState},
};

pub struct Sandbox;

impl Provider for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    /// The sandbox's own page, under the payment's reference.
    fn start<'a>(
        &'a self,
        _state: &'a AppState,
        req: &'a CheckoutRequest<'a>,
    ) -> BoxFuture<'a, Result<Checkout, ProviderError>> {
        Box::pin(async move {
            Ok(Checkout {
                redirect_url: format!("/billing/sandbox/{}{}", req.reference, req.sandbox_query),
                provider_ref: req.reference.to_string(),
            })
        })
    }

    /// A payment the user asked to settle later is decided once its delay has passed.
    fn check<'a>(
        &'a self,
        state: &'a AppState,
        p: &'a Open,
    ) -> BoxFuture<'a, Result<Verdict, ProviderError>> {
        Box::pin(async move {
            // Once another provider is configured, nothing settles a sandbox payment any more.
            if state.config.billing.card_gateway != CardGateway::Sandbox {
                return Ok(Verdict::Open);
            }
            let row = sqlx::query!(
                r#"SELECT sandbox_outcome, settle_after AS "settle_after: DateTime<Utc>" FROM payments WHERE id = $1"#,
                p.id
            )
            .fetch_optional(&state.pool)
            .await
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
            let Some(row) = row else {
                return Ok(Verdict::Open);
            };
            Ok(match (row.sandbox_outcome.as_deref(), row.settle_after) {
                (Some(outcome), Some(at)) if at <= Utc::now() => match outcome {
                    "fail" => Verdict::Failed {
                        reason: "sandbox".into(),
                    },
                    _ => Verdict::Paid {
                        amount: p.amount,
                        currency: p.currency.clone(),
                        transaction: None,
                    },
                },
                _ => Verdict::Open,
            })
        })
    }

    /// Refunds in the sandbox are accepted at once.
    fn refund<'a>(
        &'a self,
        _state: &'a AppState,
        r: &'a RefundRequest<'a>,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move { Ok(format!("sandbox-refund-{}", r.refund_id.simple())) })
    }
}

/// Where the browser goes once the sandbox answered: the payment's own return page.
async fn back(state: &AppState, reference: &str, ok: bool) -> Result<String, AppError> {
    let r = sqlx::query!(
        "SELECT success_url, fail_url FROM payments WHERE reference = $1",
        reference
    )
    .fetch_one(&state.pool)
    .await
    .map_err(respond::internal)?;
    let stored = if ok { r.success_url } else { r.fail_url };
    Ok(stored.unwrap_or_else(|| {
        let page = if ok { "success" } else { "fail" };
        format!("/billing/payment/{page}?ref={reference}")
    }))
}

/// The sandbox page's buttons: pay, decline, or pay after a delay (then the poller settles
/// it, as it would a real provider's payment). Returns where the browser goes.
#[tracing::instrument(skip(state, who))]
pub async fn choose(
    state: &AppState,
    who: &SandboxAccess<'_>,
    reference: &str,
    choice: &str,
) -> Result<String, AppError> {
    let view = sandbox_view(&state.pool, &state.config, &state.signer, who, reference).await?;
    let r = &view.reference;
    // A settled payment stays as it is: the page shows its state.
    match view.status.as_str() {
        "PENDING" | "PROCESSING" => {}
        "COMPLETED" | "REFUNDED" => return back(state, r, true).await,
        _ => return back(state, r, false).await,
    }
    let owed = sqlx::query!(
        "SELECT id, amount, currency FROM payments WHERE reference = $1",
        r
    )
    .fetch_one(&state.pool)
    .await
    .map_err(respond::internal)?;
    let lang = who.user.map(|u| u.language).unwrap_or_default();
    let outcome = match choice {
        "success" => Outcome::Paid {
            amount: owed.amount,
            currency: owed.currency,
            transaction: None,
        },
        "fail" => Outcome::Failed {
            reason: crate::i18n::t(lang, "billing.sandbox_declined").into(),
        },
        "delay" => {
            sqlx::query!(
                "UPDATE payments SET sandbox_outcome = 'success',
                        settle_after = now() + make_interval(secs => $2),
                        next_check_at = now() + make_interval(secs => $2),
                        watched_until = now() + interval '2 minutes'
                 WHERE id = $1 AND status IN ('PENDING', 'PROCESSING')",
                owed.id,
                f64::from(state.config.billing.sandbox_delay_secs)
            )
            .execute(&state.pool)
            .await
            .map_err(respond::internal)?;
            return back(state, r, true).await;
        }
        _ => return Err(AppError::BadRequest("choice".into())),
    };
    let kind = if choice == "success" {
        "sandbox.success"
    } else {
        "sandbox.fail"
    };
    match settle_reported(state, "sandbox", r, None, kind, outcome).await {
        Ok(Settled::Failed) => back(state, r, false).await,
        Ok(_) => back(state, r, true).await,
        Err(SettleError::Internal(e)) => Err(e),
        Err(_) => Err(AppError::Internal),
    }
}
