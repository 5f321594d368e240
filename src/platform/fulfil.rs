//! The port through which the payments core hands what money buys to the feature that sells
//! it. Payments calls a `Fulfil` registered for the payment's purpose, inside the transaction
//! that completes the payment; the feature (subscriptions, orders, the wallet) implements it,
//! and startup registers it. Payments never imports a feature.

use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::db::Tx;
use crate::{domain::PaymentPurpose, error::AppError};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the payments core knows of a payment, as the feature needs it.
#[derive(Debug, Clone)]
pub struct PaymentFacts {
    pub id: Uuid,
    pub reference: String,
    pub purpose: PaymentPurpose,
    pub family_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub plan_code: Option<String>,
    pub duration_days: Option<i32>,
    /// Minor units.
    pub amount: i64,
    pub currency: String,
    pub description: String,
    /// CARD, WALLET, MTN_MOMO, CASH, …
    pub method: String,
    /// The person who confirmed it by hand, if a person did.
    pub actor: Option<Uuid>,
}

/// What fulfilling a completed payment did.
#[derive(Debug, Clone, PartialEq)]
pub enum Fulfilled {
    /// Delivered. `period_end`: the subscription's new end, when it bought one. `mail`: the
    /// feature's own confirmation, already queued (the invoice is attached to it); without
    /// one, the payments core sends its receipt.
    Delivered {
        period_end: Option<DateTime<Utc>>,
        mail: Option<Uuid>,
    },
    /// What it bought can no longer be delivered (the order expired meanwhile): the money is
    /// kept, flagged for an admin to review, never silently refunded or lost.
    Undeliverable { reason: String },
}

/// Why an open payment will not complete, as the feature holding its goods hears it.
#[derive(Debug, Clone, PartialEq)]
pub enum Lapse {
    /// The provider declined it.
    Failed { reason: String },
    /// Never verified in time.
    Expired,
    /// The provider reported a different amount or currency: a person must look.
    Review { reason: String },
}

/// Money given back to the payer, once the provider accepted it (or a person recorded it).
#[derive(Debug, Clone, PartialEq)]
pub struct Refund {
    /// Minor units.
    pub amount: i64,
    /// The provider's refund id, or the reference a person typed.
    pub refund_id: String,
    /// Nothing of the payment is left to refund.
    pub full: bool,
}

pub trait Fulfil: Send + Sync {
    /// The payment has just become COMPLETED: deliver what it bought, in the same transaction.
    fn paid<'a>(
        &'a self,
        tx: &'a mut Tx<'_>,
        p: &'a PaymentFacts,
    ) -> BoxFuture<'a, Result<Fulfilled, AppError>>;

    /// The payment failed, expired or went to review: release or mark what it held.
    fn lapsed<'a>(
        &'a self,
        _tx: &'a mut Tx<'_>,
        _p: &'a PaymentFacts,
        _why: &'a Lapse,
    ) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async { Ok(()) })
    }

    /// Money of the payment went back to the payer.
    fn refunded<'a>(
        &'a self,
        _tx: &'a mut Tx<'_>,
        _p: &'a PaymentFacts,
        _refund: &'a Refund,
    ) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async { Ok(()) })
    }
}

/// The fulfilments registered at start-up, one per purpose.
#[derive(Clone, Default)]
pub struct Fulfilments(Arc<HashMap<PaymentPurpose, Arc<dyn Fulfil>>>);

impl Fulfilments {
    pub fn with(self, purpose: PaymentPurpose, f: impl Fulfil + 'static) -> Self {
        let mut map: HashMap<_, _> = self.0.as_ref().clone();
        map.insert(purpose, Arc::new(f) as Arc<dyn Fulfil>);
        Self(Arc::new(map))
    }

    pub fn get(&self, purpose: PaymentPurpose) -> Option<Arc<dyn Fulfil>> {
        self.0.get(&purpose).cloned()
    }
}
