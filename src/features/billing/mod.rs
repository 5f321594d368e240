//! Billing: the family's plan and trial, subscribing and renewing (by card, wallet or mobile
//! money), the billing page, and subscriptions changed by hand. What a subscription payment
//! buys (a period from the later of now and the current end) is this feature's `Fulfil`.

pub mod admin_pages;
pub mod api;
#[cfg(feature = "ssr")]
pub mod fulfil;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    domain::Lang,
    features::payments::{InvoiceRow, PaymentRow, WalletRow},
};

/// (English, French)
pub type Label = (String, String);

pub fn pick(label: &Label, lang: Lang) -> &str {
    match lang {
        Lang::En => &label.0,
        Lang::Fr => &label.1,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceOffer {
    pub duration_days: i32,
    pub amount: i64,
    pub display: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanOffer {
    pub code: String,
    pub name: Label,
    pub limits: Label,
    pub currency: String,
    pub prices: Vec<PriceOffer>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingView {
    pub family_name: String,
    pub is_manager: bool,
    pub plan_code: String,
    pub plan_name: Label,
    pub status: String,
    pub period_end: DateTime<Utc>,
    pub days_left: i64,
    pub trial_days: i32,
    pub plans: Vec<PlanOffer>,
    pub payments: Vec<PaymentRow>,
    pub invoices: Vec<InvoiceRow>,
    /// (currency, balance shown)
    pub wallet: Vec<(String, String)>,
    pub wallet_moves: Vec<WalletRow>,
    pub card_enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionRow {
    pub family_id: uuid::Uuid,
    pub family: String,
    pub manager: String,
    pub plan: String,
    pub status: String,
    pub period_end: Option<DateTime<Utc>>,
}
