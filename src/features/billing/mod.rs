//! Billing: the family's plan and trial, card checkouts through a gateway, the wallet,
//! invoices, and the gateways' webhooks and callbacks.

pub mod admin_pages;
pub mod api;
#[cfg(feature = "ssr")]
pub mod gateway;
#[cfg(feature = "ssr")]
pub mod invoice;
#[cfg(feature = "ssr")]
pub mod ledger;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod web;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::Lang;

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
pub struct PaymentRow {
    pub reference: String,
    pub created_at: DateTime<Utc>,
    pub amount: String,
    pub status: String,
    pub method: String,
    pub provider: String,
    pub description: String,
    pub invoice_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceRow {
    pub number: String,
    pub issued_at: DateTime<Utc>,
    pub total: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WalletRow {
    pub created_at: DateTime<Utc>,
    pub amount: String,
    pub kind: String,
    pub description: String,
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

/// A payment as the return pages show it: what the server knows, whatever the URL says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentResult {
    pub reference: String,
    pub status: String,
    pub amount: String,
    pub description: String,
    pub invoice_number: Option<String>,
    pub period_end: Option<DateTime<Utc>>,
    pub failure_reason: Option<String>,
    pub needs_review: bool,
}

/// The sandbox checkout page's view of a payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SandboxView {
    pub reference: String,
    pub amount: String,
    pub description: String,
    pub status: String,
    /// The guest's signature, carried by the page's forms.
    pub sig: String,
}

/// The ledger's filters, as typed in the page's query string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LedgerFilter {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// day, week or month
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub review: bool,
}

impl LedgerFilter {
    pub fn echo(&self) -> Vec<(String, String)> {
        vec![
            ("status".into(), self.status.clone()),
            ("provider".into(), self.provider.clone()),
            ("purpose".into(), self.purpose.clone()),
            ("q".into(), self.q.clone()),
            ("from".into(), self.from.clone()),
            ("to".into(), self.to.clone()),
            ("group".into(), self.group.clone()),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerRow {
    pub id: uuid::Uuid,
    pub reference: String,
    pub created_at: DateTime<Utc>,
    pub family: String,
    pub amount: String,
    pub amount_minor: i64,
    pub refunded: String,
    pub refunded_minor: i64,
    pub currency: String,
    pub status: String,
    pub method: String,
    pub provider: String,
    pub purpose: String,
    pub needs_review: bool,
    pub note: String,
    pub description: String,
    pub invoice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    pub period: String,
    pub count: i64,
    pub completed: i64,
    pub failed: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analytics {
    pub group: String,
    pub count: i64,
    pub completed: i64,
    pub failed: i64,
    /// Percentages with one decimal.
    pub success_rate: f64,
    pub failure_rate: f64,
    /// (currency, net minor units, shown)
    pub volume: Vec<(String, i64, String)>,
    pub series: Vec<Period>,
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
