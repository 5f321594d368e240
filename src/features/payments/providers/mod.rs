//! Card providers behind one interface: start a checkout, read what the provider says of a
//! payment, refund it. Each implementation speaks its provider's wire format; card details
//! never reach Tessera. A new provider is one more implementation here, and its reports go
//! through `settle`, never straight to the ledger.

pub mod momo_sandbox;
pub mod mtn_momo;
pub mod notchpay;
pub mod operator_accounts;
pub mod orange_money;
pub mod orange_sandbox;
pub mod paytr;
pub mod sandbox;
pub mod stripe;
pub mod sumup;
pub mod sumup_sandbox;
pub mod wire;

use uuid::Uuid;

use crate::platform::{
    config::{CardGateway, Config},
    fulfil::BoxFuture,
    state::AppState,
};

/// What a checkout needs to know about the payment.
pub struct CheckoutRequest<'a> {
    pub payment_id: Uuid,
    pub reference: &'a str,
    pub description: &'a str,
    /// Minor units, as every provider here counts them.
    pub amount: i64,
    pub currency: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    pub client_ip: &'a str,
    /// Absolute addresses the provider sends the browser back to.
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    /// Appended to the sandbox page's address (a guest's signature).
    pub sandbox_query: &'a str,
    /// When the checkout must stop taking money (the order's expiry), if it must.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The organiser's connected account the money goes to, for per-organiser providers.
    pub account: Option<Uuid>,
    /// The provider's reference for the checkout, where it takes one of ours (an order's).
    pub checkout_reference: &'a str,
    /// The payer's language (`en`, `fr`), for providers whose pages speak it.
    pub lang: &'a str,
}

/// Where to send the browser, and the provider's id for the payment.
pub struct Checkout {
    pub redirect_url: String,
    pub provider_ref: String,
}

/// A payment still open, as a provider is asked about it.
#[derive(Debug, Clone)]
pub struct Open {
    pub id: Uuid,
    pub reference: String,
    pub provider_ref: String,
    pub account: Option<Uuid>,
    pub amount: i64,
    pub currency: String,
}

/// What a provider says of a payment.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Paid {
        amount: i64,
        currency: String,
        /// The provider's transaction, kept for refunds.
        transaction: Option<String>,
    },
    Failed {
        reason: String,
    },
    /// The checkout lapsed at the provider without money.
    Expired,
    /// Nothing decided yet.
    Open,
    /// Money arrived, but not as asked (another payer): kept for a person to look at.
    Suspect {
        amount: i64,
        currency: String,
        transaction: Option<String>,
        reason: String,
    },
}

/// A refund to ask a provider for.
pub struct RefundRequest<'a> {
    /// Ours: the idempotency key, so a retry never refunds twice.
    pub refund_id: Uuid,
    pub provider_ref: &'a str,
    pub transaction: Option<&'a str>,
    pub account: Option<Uuid>,
    /// Minor units.
    pub amount: i64,
    pub currency: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("no card provider is configured")]
    NotConfigured,
    #[error("the provider does not take {0}")]
    Currency(String),
    /// Network failure, timeout or a 5xx: worth trying again later.
    #[error("the provider could not be reached: {0}")]
    Unreachable(String),
    /// 429: try again after a pause.
    #[error("the provider asks to slow down")]
    RateLimited,
    /// The organiser's connection no longer works (refresh refused): nothing is changed.
    #[error("the organiser's account is disconnected: {0}")]
    Disconnected(String),
    /// A definite refusal (4xx): trying again will not help.
    #[error("the provider refused: {0}")]
    Refused(String),
}

impl ProviderError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unreachable(_) | Self::RateLimited)
    }
}

pub trait Provider: Send + Sync {
    /// The name stored in `payments.provider`.
    fn name(&self) -> &'static str;

    /// Opens a checkout at the provider.
    fn start<'a>(
        &'a self,
        state: &'a AppState,
        req: &'a CheckoutRequest<'a>,
    ) -> BoxFuture<'a, Result<Checkout, ProviderError>>;

    /// What the provider says of an open payment.
    fn check<'a>(
        &'a self,
        state: &'a AppState,
        p: &'a Open,
    ) -> BoxFuture<'a, Result<Verdict, ProviderError>>;

    /// Asks the provider to give money back; answers its refund id once it accepted.
    fn refund<'a>(
        &'a self,
        state: &'a AppState,
        r: &'a RefundRequest<'a>,
    ) -> BoxFuture<'a, Result<String, ProviderError>>;
}

/// The provider stored under `name`, if Tessera has one.
pub fn by_name(name: &str) -> Option<&'static dyn Provider> {
    match name {
        "sandbox" => Some(&sandbox::Sandbox),
        "stripe" => Some(&stripe::Stripe),
        "paytr" => Some(&paytr::Paytr),
        "sumup" => Some(&sumup::SumUp),
        "mtn_momo" => Some(&mtn_momo::MtnMomo),
        "orange_money" => Some(&orange_money::OrangeMoney),
        "notchpay" => Some(&notchpay::NotchPay),
        _ => None,
    }
}

/// The provider that takes card payments by default (`PAYMENT_PROVIDER`).
pub fn default_card(config: &Config) -> Option<&'static dyn Provider> {
    match config.billing.card_gateway {
        CardGateway::None => None,
        CardGateway::Sandbox => Some(&sandbox::Sandbox),
        CardGateway::Stripe => Some(&stripe::Stripe),
        CardGateway::Paytr => Some(&paytr::Paytr),
    }
}

/// Turns a request failure into a provider error.
pub(crate) fn unreachable(e: reqwest::Error) -> ProviderError {
    ProviderError::Unreachable(e.to_string())
}

/// Sorts a provider's HTTP answer: 429 and 5xx are transient, other errors definite.
pub(crate) fn by_status(status: reqwest::StatusCode, message: &str) -> ProviderError {
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        ProviderError::RateLimited
    } else if status.is_server_error() {
        ProviderError::Unreachable(format!("{status}: {message}"))
    } else {
        ProviderError::Refused(format!("{status}: {message}"))
    }
}
