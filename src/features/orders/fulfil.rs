//! What an order's payment buys: the order paid, its e-tickets issued once (or a stay's owner
//! asked to confirm). Registered at start-up for the ORDER purpose; the payments core calls it
//! inside the settling transaction, whoever confirmed the money — a provider, the poller, or an
//! admin who checked a proof or took cash.

use std::sync::Arc;

use super::service::{self, Paid};
use crate::{
    error::AppError,
    platform::{
        config::Config,
        db::Tx,
        fulfil::{BoxFuture, Fulfil, Fulfilled, Lapse, PaymentFacts, Refund},
        signing::Signer,
    },
};

pub struct Order {
    config: Arc<Config>,
    signer: Signer,
}

impl Order {
    pub fn new(config: Arc<Config>, signer: Signer) -> Self {
        Self { config, signer }
    }
}

impl Fulfil for Order {
    fn paid<'a>(
        &'a self,
        tx: &'a mut Tx<'_>,
        p: &'a PaymentFacts,
    ) -> BoxFuture<'a, Result<Fulfilled, AppError>> {
        Box::pin(async move {
            let paid = service::pay_in(tx, &self.config, &self.signer, p).await;
            Ok(match paid {
                Ok(Paid::TicketsIssued(_, mail)) => Fulfilled::Delivered {
                    period_end: None,
                    mail,
                },
                Ok(Paid::AwaitingOwner) => Fulfilled::Delivered {
                    period_end: None,
                    mail: None,
                },
                // The money came in but the order had expired or been cancelled meanwhile.
                Err(AppError::Invalid { .. }) => Fulfilled::Undeliverable {
                    reason: format!("{}: the order was no longer payable", p.description),
                },
                Err(e) => return Err(e),
            })
        })
    }

    fn lapsed<'a>(
        &'a self,
        tx: &'a mut Tx<'_>,
        p: &'a PaymentFacts,
        why: &'a Lapse,
    ) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async move {
            match p.order_id {
                Some(order_id) => service::lapse(tx, &self.config, order_id, why).await,
                None => Ok(()),
            }
        })
    }

    fn refunded<'a>(
        &'a self,
        tx: &'a mut Tx<'_>,
        p: &'a PaymentFacts,
        refund: &'a Refund,
    ) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async move {
            match p.order_id {
                Some(order_id) => service::refunded(tx, order_id, refund).await,
                None => Ok(()),
            }
        })
    }
}
