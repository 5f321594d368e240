//! What a subscription payment buys: its plan for its duration, from the later of now and the
//! current end. Registered at start-up for the SUBSCRIPTION purpose; the payments core calls it
//! inside the settling transaction, whoever confirmed the money.

use super::service::extend;
use crate::{
    error::AppError,
    platform::{
        audit::audit,
        db::Tx,
        fulfil::{BoxFuture, Fulfil, Fulfilled, PaymentFacts},
        respond,
    },
};

pub struct Subscription;

impl Fulfil for Subscription {
    fn paid<'a>(
        &'a self,
        tx: &'a mut Tx<'_>,
        p: &'a PaymentFacts,
    ) -> BoxFuture<'a, Result<Fulfilled, AppError>> {
        Box::pin(async move {
            let (Some(family_id), Some(days)) = (p.family_id, p.duration_days) else {
                return Err(respond::internal(
                    "subscription payment without a family or a duration",
                ));
            };
            let end = extend(tx, family_id, p.plan_code.as_deref(), days).await?;
            audit(
                tx,
                p.actor.or(p.user_id),
                "subscription.extended",
                "family",
                family_id,
            )
            .await?;
            Ok(Fulfilled::Delivered {
                period_end: Some(end),
                mail: None,
            })
        })
    }
}
