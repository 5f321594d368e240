//! The payments core, which every feature that takes money depends on and which depends on
//! none of them: the ledger and its status machine, the card providers behind one interface,
//! the one path that settles a payment (whoever confirms it), invoices, the family wallet,
//! refunds, the polling of providers, and the admin's ledger.
//!
//! What the money buys is not known here: a `Fulfil` registered for the payment's purpose
//! (`platform::fulfil`) delivers it inside the settling transaction.

#[cfg(feature = "ssr")]
pub mod accounts;
pub mod admin_pages;
pub mod api;
#[cfg(feature = "ssr")]
pub mod checkout;
pub mod instructions;
#[cfg(feature = "ssr")]
pub mod invoice;
#[cfg(feature = "ssr")]
pub mod ledger;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod phone;
#[cfg(feature = "ssr")]
pub mod phone_accounts;
#[cfg(feature = "ssr")]
pub mod poller;
#[cfg(feature = "ssr")]
pub mod providers;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod refunds;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod settle;
pub mod verification;
#[cfg(feature = "ssr")]
pub mod wallet;
#[cfg(feature = "ssr")]
pub mod web;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{Currency, Lang, Money};

/// An organiser's own account for paying from the phone, as their settings page shows it
/// (never a secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhoneAccount {
    /// `mtn_momo`, `orange_money` or `notchpay`.
    pub provider: String,
    /// `builtin`, `sandbox` or `live`.
    pub environment: String,
    /// MTN's API user, Orange's client id, the end of Notch Pay's key.
    pub name: String,
    /// The last check passed: payments for the organiser's events use the account.
    pub working: bool,
    /// The operator refused the credentials: the account takes no payments.
    pub refused: bool,
    pub checked_at: Option<DateTime<Utc>>,
    /// What the last check met: `CREDENTIALS`, `UNREACHABLE` or `REFUSED`.
    pub problem: Option<String>,
    /// Where Notch Pay must send this account's webhooks.
    pub webhook_url: Option<String>,
}

/// An amount in minor units as the reader of this page writes it (`12 500 FCFA` and
/// `29,00 $US` in French, `12,500 FCFA` and `$29.00` in English).
pub fn show(minor: i64, currency: &str) -> String {
    show_in(crate::ui::initial_lang(), minor, currency)
}

/// An amount as `lang` writes it, for what is not a page (an e-mail to someone else).
pub fn show_in(lang: Lang, minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(c) => Money::new(minor, c).format(lang),
        Err(_) => format!("{minor} {currency}"),
    }
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

/// The waiting page's view of a payment.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PhoneWait {
    /// Whether the payment goes through Notch Pay's page rather than the operator's own.
    #[serde(default)]
    pub aggregator: bool,
    pub reference: String,
    pub status: String,
    pub amount: String,
    pub description: String,
    /// `+2376••••456`
    pub number: String,
    /// The number in full, for the retry form (the page is the payer's own).
    pub msisdn: String,
    pub operator: String,
    pub approval_code: String,
    /// Seconds of the approval window left (0 once it has run out).
    pub seconds_left: i64,
    /// The message key saying why it failed.
    pub reason_key: Option<String>,
    pub needs_review: bool,
    pub period_end: Option<DateTime<Utc>>,
    pub invoice_number: Option<String>,
    pub plan_code: Option<String>,
    pub duration_days: Option<i32>,
    /// Where the page's "back" link goes (the billing page, or the order's).
    pub back_url: String,
    /// This page's own address (with a guest's signature).
    pub here: String,
    /// Orange's payment page, while the payment waits there.
    pub pay_url: Option<String>,
    /// The built-in sandbox's request, while it waits: the pretend phone answers it.
    pub sandbox_request: Option<uuid::Uuid>,
}

/// The waiting page's own address, where the pretend phone sends the payer back.
pub fn phone_back(reference: &str) -> String {
    format!("/pay/phone/{reference}")
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
