//! Configuration from environment variables, with safe defaults; secrets never print.

use std::path::PathBuf;

/// A value that must never reach a log line.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    None,
    StartTls,
    Tls,
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub security: SmtpSecurity,
}

/// Requests one client (one address) may make per window; 0 turns a limit off. Mobile
/// networks put many families behind one address, hence generous defaults.
#[derive(Debug, Clone, Default)]
pub struct RateLimits {
    /// Reset e-mails per hour for one address typed in the form; four times as many per client.
    pub forgot_per_hour: i32,
    pub register_per_hour: i32,
    /// `POST /api/auth/token` per minute.
    pub tokens_per_minute: i32,
    /// Proof uploads (payment tickets and orders, pages and REST) per hour.
    pub uploads_per_hour: i32,
    /// Orders placed per hour.
    pub orders_per_hour: i32,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: Secret,
    /// Connections each instance keeps to PostgreSQL (`DATABASE_POOL_SIZE`; by default four per
    /// core of this machine, [`default_pool_size`]).
    pub pool_size: u32,
    /// Prepared statements each connection keeps (`DATABASE_STATEMENT_CACHE`, 100; 0 for none).
    pub statement_cache: usize,
    /// Who may read `/metrics` (`TESSERA_METRICS_TOKEN`); unset, it is not served.
    pub metrics_token: Option<Secret>,
    /// The site's offset from UTC in seconds, for dates people type and read
    /// (`TESSERA_UTC_OFFSET`, `+01:00`).
    pub utc_offset_secs: i32,
    /// Public address of the site, used in e-mailed links; `https://…` turns on Secure cookies.
    pub base_url: String,
    pub data_dir: PathBuf,
    pub smtp: Option<SmtpConfig>,
    pub mail_from: String,
    pub demo: bool,
    pub jobs_enabled: bool,
    pub job_interval_ms: u64,
    pub outbox_max_attempts: i32,
    pub outbox_backoff_secs: i64,
    pub login_max_failures: i32,
    pub login_window_secs: i64,
    /// Read the client address from X-Forwarded-For (only behind a proxy you control).
    pub trust_proxy: bool,
    pub rate: RateLimits,
    pub instance: String,
    /// Pending tickets older than this many hours are overdue.
    pub overdue_hours: i32,
    /// An S3-compatible bucket for files; unset means `$TESSERA_DATA_DIR/files`.
    pub s3_bucket: Option<String>,
    pub s3: S3Settings,
    /// Key for signed links; unset means a random key kept in the database.
    pub signing_secret: Option<Secret>,
    /// An order still waiting for payment after this many minutes alerts the admins (once).
    pub order_alert_minutes: i32,
    /// An unpaid order gives its places back after this many minutes.
    pub order_expiry_minutes: i32,
    /// How long an owner's Confirm / Cancel link works.
    pub owner_link_minutes: i32,
    /// WhatsApp Cloud API for sending; unset means e-mail only.
    pub whatsapp: Option<WhatsAppConfig>,
    /// The webhook Meta calls with the owner's button presses.
    pub whatsapp_webhook: Option<WhatsAppWebhook>,
    /// Card payments: which gateway takes them, and the credentials of each.
    pub billing: BillingConfig,
    /// Who hears about payments that need a person.
    pub alerts: AlertsConfig,
    /// How long a call to a provider's API may take before it counts as failed.
    pub http_timeout_secs: u64,
    /// The provider poller.
    pub poller: PollerConfig,
    /// How many reported payments one process settles at once (`SETTLE_CONCURRENCY`): every
    /// settlement ends on the year's invoice counter, so more at once only queue there.
    pub settle_concurrency: usize,
    /// `TESSERA_ENCRYPTION_KEY`: the key that encrypts provider tokens at rest.
    pub encryption_key: Option<Secret>,
    /// SumUp, for organisers who connect their own account; the built-in sandbox plays it in
    /// the demo.
    pub sumup: Option<SumUpConfig>,
    /// Mobile money paid from the payer's phone (MTN MoMo's request to pay).
    pub mobile_money: MobileMoneyConfig,
}

/// Mobile money paid from the payer's phone.
#[derive(Debug, Clone)]
pub struct MobileMoneyConfig {
    /// MTN MoMo Collection, or the built-in sandbox playing it in the demo.
    pub momo: Option<MomoConfig>,
    /// Orange Money Web Payment, or the built-in sandbox playing it in the demo.
    pub orange: Option<OrangeConfig>,
    /// Notch Pay, the aggregator taking both operators for organisations without a direct
    /// operator contract: used for an operator that is not configured directly.
    pub notch: Option<NotchConfig>,
    /// Where the operators are reached for organisers' own accounts.
    pub endpoints: OperatorEndpoints,
    /// `MOBILE_MONEY_WINDOW_SECS`: how long a payer has to approve on their phone, shown to
    /// them as a countdown; a request still unanswered a little after it is given up.
    pub window_secs: i64,
}

impl Default for MobileMoneyConfig {
    fn default() -> Self {
        Self {
            momo: None,
            orange: None,
            notch: None,
            endpoints: OperatorEndpoints::default(),
            window_secs: 300,
        }
    }
}

/// Where the operators' APIs answer, for the accounts organisers enter on their settings page.
/// `MOMO_API_BASE`, `ORANGE_API_BASE` and `NOTCHPAY_API_BASE` replace them (a proxy, or a
/// local server in tests).
#[derive(Debug, Clone)]
pub struct OperatorEndpoints {
    /// MTN's sandbox (`X-Target-Environment: sandbox`).
    pub momo_sandbox: String,
    /// MTN's production (`mtncameroon`).
    pub momo_live: String,
    pub orange: String,
    pub notch: String,
}

impl Default for OperatorEndpoints {
    fn default() -> Self {
        Self {
            momo_sandbox: "https://sandbox.momodeveloper.mtn.com".into(),
            momo_live: "https://proxy.momoapi.mtn.com".into(),
            orange: "https://api.orange.com".into(),
            notch: "https://api.notchpay.co".into(),
        }
    }
}

impl OperatorEndpoints {
    fn from_env() -> Result<Self, ConfigError> {
        let d = Self::default();
        let base = |name: &'static str, default: String| -> Result<String, ConfigError> {
            Ok(var(name)?
                .map(|b| b.trim_end_matches('/').to_string())
                .unwrap_or(default))
        };
        Ok(Self {
            momo_sandbox: base("MOMO_API_BASE", d.momo_sandbox)?,
            momo_live: base("MOMO_API_BASE", d.momo_live)?,
            orange: base("ORANGE_API_BASE", d.orange)?,
            notch: base("NOTCHPAY_API_BASE", d.notch)?,
        })
    }
}

/// What a Notch Pay business account needs.
#[derive(Debug, Clone)]
pub struct NotchConfig {
    /// `https://api.notchpay.co`, or a local server in tests.
    pub api_base: String,
    pub public_key: Secret,
    /// Signs the webhooks.
    pub hash_key: Secret,
}

impl NotchConfig {
    /// `NOTCHPAY_PUBLIC_KEY` and `NOTCHPAY_HASH_KEY` together (a key without the webhook's
    /// hash key is refused: its webhooks could not be checked).
    fn from_env() -> Result<Option<Self>, ConfigError> {
        match together(["NOTCHPAY_PUBLIC_KEY", "NOTCHPAY_HASH_KEY"])? {
            Some([public_key, hash_key]) => Ok(Some(Self {
                api_base: var("NOTCHPAY_API_BASE")?
                    .unwrap_or_else(|| "https://api.notchpay.co".into())
                    .trim_end_matches('/')
                    .to_string(),
                public_key: Secret::new(public_key),
                hash_key: Secret::new(hash_key),
            })),
            None => Ok(None),
        }
    }
}

/// What an Orange Money merchant account needs.
#[derive(Debug, Clone)]
pub struct OrangeConfig {
    /// `https://api.orange.com`, the app's own sandbox, or a local server in tests.
    pub api_base: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub merchant_key: Secret,
    /// The country segment of the address: `cm` for Cameroon, `dev` for the sandbox.
    pub country: String,
    /// `XAF`; Orange's own sandbox takes `OUV` only.
    pub currency: String,
    /// The built-in sandbox plays Orange: nothing is charged.
    pub sandbox: bool,
}

impl OrangeConfig {
    /// `ORANGE_CLIENT_ID`, `ORANGE_CLIENT_SECRET` and `ORANGE_MERCHANT_KEY` together; without
    /// them, the built-in sandbox in the demo (or with `ORANGE_SANDBOX=true`).
    fn from_env(base_url: &str, demo: bool) -> Result<Option<Self>, ConfigError> {
        match together([
            "ORANGE_CLIENT_ID",
            "ORANGE_CLIENT_SECRET",
            "ORANGE_MERCHANT_KEY",
        ])? {
            Some([client_id, secret, merchant_key]) => Ok(Some(Self {
                api_base: var("ORANGE_API_BASE")?
                    .unwrap_or_else(|| "https://api.orange.com".into())
                    .trim_end_matches('/')
                    .to_string(),
                client_id,
                client_secret: Secret::new(secret),
                merchant_key: Secret::new(merchant_key),
                country: var("ORANGE_COUNTRY")?.unwrap_or_else(|| "cm".into()),
                currency: var("ORANGE_CURRENCY")?.unwrap_or_else(|| "XAF".into()),
                sandbox: false,
            })),
            None if flag("ORANGE_SANDBOX", demo)? => Ok(Some(Self::sandbox(base_url))),
            None => Ok(None),
        }
    }

    /// The app's own sandbox playing Orange, under `/sandbox/orange` of `base_url`.
    pub fn sandbox(base_url: &str) -> Self {
        Self {
            api_base: format!("{base_url}/sandbox/orange"),
            client_id: "tessera-sandbox".into(),
            client_secret: Secret::new("sandbox"),
            merchant_key: Secret::new("sandbox"),
            country: "dev".into(),
            currency: "XAF".into(),
            sandbox: true,
        }
    }
}

/// What an MTN MoMo Collection account needs.
#[derive(Debug, Clone)]
pub struct MomoConfig {
    /// `https://sandbox.momodeveloper.mtn.com`, `https://proxy.momoapi.mtn.com`, the app's own
    /// sandbox, or a local server in tests.
    pub api_base: String,
    pub api_user: String,
    pub api_key: Secret,
    pub subscription_key: Secret,
    /// `sandbox` or `mtncameroon`.
    pub environment: String,
    pub callback_url: Option<String>,
    /// The built-in sandbox plays MTN: nothing is charged.
    pub sandbox: bool,
}

impl MomoConfig {
    /// `MOMO_API_USER`, `MOMO_API_KEY` and `MOMO_SUBSCRIPTION_KEY` together; without them, the
    /// built-in sandbox in the demo (or with `MOMO_SANDBOX=true`).
    fn from_env(base_url: &str, demo: bool) -> Result<Option<Self>, ConfigError> {
        match together(["MOMO_API_USER", "MOMO_API_KEY", "MOMO_SUBSCRIPTION_KEY"])? {
            Some([api_user, key, sub]) => {
                let environment = var("MOMO_ENVIRONMENT")?.unwrap_or_else(|| "sandbox".into());
                let default_base = if environment == "sandbox" {
                    "https://sandbox.momodeveloper.mtn.com"
                } else {
                    "https://proxy.momoapi.mtn.com"
                };
                Ok(Some(Self {
                    api_base: var("MOMO_API_BASE")?
                        .unwrap_or_else(|| default_base.into())
                        .trim_end_matches('/')
                        .to_string(),
                    api_user,
                    api_key: Secret::new(key),
                    subscription_key: Secret::new(sub),
                    environment,
                    callback_url: Some(format!("{base_url}/api/payments/momo/callback")),
                    sandbox: false,
                }))
            }
            None if flag("MOMO_SANDBOX", demo)? => Ok(Some(Self::sandbox(base_url))),
            None => Ok(None),
        }
    }

    /// The app's own sandbox playing MTN, under `/sandbox/momo` of `base_url`.
    pub fn sandbox(base_url: &str) -> Self {
        Self {
            api_base: format!("{base_url}/sandbox/momo"),
            api_user: "tessera-sandbox".into(),
            api_key: Secret::new("sandbox"),
            subscription_key: Secret::new("sandbox"),
            environment: "sandbox".into(),
            callback_url: Some(format!("{base_url}/api/payments/momo/callback")),
            sandbox: true,
        }
    }
}

/// SumUp's OAuth application and API.
#[derive(Debug, Clone)]
pub struct SumUpConfig {
    /// `https://api.sumup.com`, a local fake in tests, or the app's own sandbox.
    pub api_base: String,
    pub authorize_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub scopes: String,
    /// The built-in sandbox plays SumUp: nothing is charged.
    pub sandbox: bool,
}

impl SumUpConfig {
    fn from_env(base_url: &str, card: CardGateway) -> Result<Option<Self>, ConfigError> {
        let scopes = var("SUMUP_SCOPES")?
            .unwrap_or_else(|| "payments transactions.history user.profile_readonly".into());
        Ok(
            match together(["SUMUP_CLIENT_ID", "SUMUP_CLIENT_SECRET"])? {
                Some([client_id, secret]) => {
                    let api_base = var("SUMUP_API_BASE")?
                        .unwrap_or_else(|| "https://api.sumup.com".into())
                        .trim_end_matches('/')
                        .to_string();
                    Some(Self {
                        authorize_url: var("SUMUP_AUTHORIZE_URL")?
                            .unwrap_or_else(|| format!("{api_base}/authorize")),
                        token_url: var("SUMUP_TOKEN_URL")?
                            .unwrap_or_else(|| format!("{api_base}/token")),
                        api_base,
                        client_id,
                        client_secret: Secret::new(secret),
                        scopes,
                        sandbox: false,
                    })
                }
                None if card == CardGateway::Sandbox => Some(Self::sandbox(base_url)),
                None => None,
            },
        )
    }

    /// The app's own sandbox playing SumUp, under `/sandbox/sumup` of `base_url`.
    pub fn sandbox(base_url: &str) -> Self {
        let api_base = format!("{base_url}/sandbox/sumup");
        Self {
            authorize_url: format!("{api_base}/authorize"),
            token_url: format!("{api_base}/token"),
            api_base,
            client_id: "tessera-sandbox".into(),
            client_secret: Secret::new("sandbox"),
            scopes: "payments".into(),
            sandbox: true,
        }
    }
}

/// How often open payments are checked at their provider, and how many at a time.
#[derive(Debug, Clone)]
pub struct PollerConfig {
    /// `POLL_INTERVAL_SECS`: a regular cycle runs this often (across all instances), and no
    /// open payment waits longer than this between two checks.
    pub interval_secs: i64,
    /// `POLL_BATCH`: at most this many payments per cycle (the providers' rate limits).
    pub batch: i64,
    /// `POLL_EXPIRE_MINUTES`: a payment still unverified this long after it started expires.
    pub expire_minutes: i64,
    /// `POLL_CONCURRENCY`: checks in flight at once within a cycle.
    pub concurrency: usize,
    /// `POLL_WATCH_SECS`: while its payer waits on the processing page, a payment is checked
    /// this often.
    pub watch_secs: i64,
}

impl Default for PollerConfig {
    fn default() -> Self {
        Self {
            interval_secs: 300,
            batch: 20,
            expire_minutes: 180,
            concurrency: 8,
            watch_secs: 5,
        }
    }
}

/// Where alerts go besides the admins' own addresses.
#[derive(Debug, Clone, Default)]
pub struct AlertsConfig {
    /// `ALERTS_EMAIL`: an address that receives every alert.
    pub email: Option<String>,
    /// `ALERTS_WHATSAPP`: an admin's WhatsApp number (sent when WhatsApp is configured).
    pub whatsapp: Option<String>,
}

/// Which gateway serves card checkouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardGateway {
    None,
    Sandbox,
    Stripe,
    Paytr,
}

#[derive(Debug, Clone)]
pub struct StripeConfig {
    /// `https://api.stripe.com`, or a local server in tests.
    pub api_base: String,
    pub secret_key: Secret,
    /// `whsec_…`: signs every webhook delivery.
    pub webhook_secret: Secret,
}

#[derive(Debug, Clone)]
pub struct PaytrConfig {
    /// `https://www.paytr.com`, or a local server in tests.
    pub api_base: String,
    pub merchant_id: String,
    pub merchant_key: Secret,
    pub merchant_salt: Secret,
    pub test_mode: bool,
}

#[derive(Debug, Clone)]
pub struct BillingConfig {
    pub card_gateway: CardGateway,
    pub stripe: Option<StripeConfig>,
    pub paytr: Option<PaytrConfig>,
    /// Length of the trial a new family starts with.
    pub trial_days: i32,
    /// Days a lapsed paid subscription stays PAST_DUE before it expires.
    pub grace_days: i32,
    /// Seconds the sandbox waits when the user chooses "delay".
    pub sandbox_delay_secs: i32,
    /// Tax on invoices, in basis points (1925 = 19.25 %); 0 means no tax line.
    pub tax_rate_bp: i32,
    /// The seller block printed on invoices.
    pub seller: String,
}

impl BillingConfig {
    fn from_env(demo: bool) -> Result<Self, ConfigError> {
        let stripe = match together(["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"])? {
            Some([key, whsec]) => Some(StripeConfig {
                api_base: var("STRIPE_API_BASE")?
                    .unwrap_or_else(|| "https://api.stripe.com".into())
                    .trim_end_matches('/')
                    .to_string(),
                secret_key: Secret::new(key),
                webhook_secret: Secret::new(whsec),
            }),
            None => None,
        };
        let paytr = match together([
            "PAYTR_MERCHANT_ID",
            "PAYTR_MERCHANT_KEY",
            "PAYTR_MERCHANT_SALT",
        ])? {
            Some([id, key, salt]) => Some(PaytrConfig {
                api_base: var("PAYTR_API_BASE")?
                    .unwrap_or_else(|| "https://www.paytr.com".into())
                    .trim_end_matches('/')
                    .to_string(),
                merchant_id: id,
                merchant_key: Secret::new(key),
                merchant_salt: Secret::new(salt),
                test_mode: flag("PAYTR_TEST_MODE", false)?,
            }),
            None => None,
        };
        let card_gateway = match var("PAYMENT_PROVIDER")?.map(|v| v.to_ascii_lowercase()) {
            None if stripe.is_some() => CardGateway::Stripe,
            None if paytr.is_some() => CardGateway::Paytr,
            None if demo => CardGateway::Sandbox,
            None => CardGateway::None,
            Some(v) => match v.as_str() {
                "none" => CardGateway::None,
                "sandbox" => CardGateway::Sandbox,
                "stripe" if stripe.is_some() => CardGateway::Stripe,
                "paytr" if paytr.is_some() => CardGateway::Paytr,
                "stripe" | "paytr" => {
                    return Err(ConfigError::Invalid {
                        name: "PAYMENT_PROVIDER",
                        reason: format!("{v} is chosen but its credentials are not set"),
                    })
                }
                other => {
                    return Err(ConfigError::Invalid {
                        name: "PAYMENT_PROVIDER",
                        reason: format!("expected none, sandbox, stripe or paytr, got {other}"),
                    })
                }
            },
        };
        Ok(Self {
            card_gateway,
            stripe,
            paytr,
            trial_days: parsed("TRIAL_DAYS", 14)?,
            grace_days: parsed("PAST_DUE_GRACE_DAYS", 7)?,
            sandbox_delay_secs: parsed("SANDBOX_DELAY_SECS", 5)?,
            tax_rate_bp: parsed("INVOICE_TAX_RATE_BP", 0)?,
            seller: var("INVOICE_SELLER")?
                .map(|v| v.replace("\\n", "\n"))
                .unwrap_or_else(|| "Tessera\nDouala, Cameroon".into()),
        })
    }

    pub fn for_tests() -> Self {
        Self {
            card_gateway: CardGateway::Sandbox,
            stripe: None,
            paytr: None,
            trial_days: 14,
            grace_days: 7,
            sandbox_delay_secs: 1,
            tax_rate_bp: 0,
            seller: "Tessera\nDouala, Cameroon".into(),
        }
    }
}

/// Where and as whom WhatsApp messages are sent.
#[derive(Debug, Clone)]
pub struct WhatsAppConfig {
    /// `https://graph.facebook.com/v21.0`, or a local server in tests.
    pub api_base: String,
    pub phone_number_id: String,
    pub access_token: Secret,
}

/// What the WhatsApp webhook checks: the subscription's verify token and the app secret that
/// signs every delivery.
#[derive(Debug, Clone)]
pub struct WhatsAppWebhook {
    pub verify_token: Secret,
    pub app_secret: Secret,
}

/// Where the S3-compatible store is and how to sign requests to it.
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Secret>,
    pub allow_http: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} has an invalid value: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// `name` from the environment, or read from the file `name_FILE` names (a secret mounted by
/// systemd's `LoadCredential`, Docker or Kubernetes: one trailing newline is dropped). Empty
/// counts as unset; both set is refused, so no one wonders which one wins.
fn var(name: &'static str) -> Result<Option<String>, ConfigError> {
    let set = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
    match (set(name), set(&format!("{name}_FILE"))) {
        (Some(_), Some(_)) => Err(ConfigError::Invalid {
            name,
            reason: format!("set {name} or {name}_FILE, not both"),
        }),
        (Some(value), None) => Ok(Some(value)),
        (None, Some(path)) => match std::fs::read_to_string(path.trim()) {
            Ok(text) => Ok(Some(
                text.strip_suffix('\n')
                    .map(|t| t.strip_suffix('\r').unwrap_or(t))
                    .unwrap_or(&text)
                    .to_string(),
            )
            .filter(|v| !v.trim().is_empty())),
            Err(e) => Err(ConfigError::Invalid {
                name,
                reason: format!(
                    "{name}_FILE names {}, which cannot be read: {e}",
                    path.trim()
                ),
            }),
        },
        (None, None) => Ok(None),
    }
}

/// Variables that configure one thing only together: all set, or none. Half of a gateway (a
/// key without its webhook secret) is refused at start-up rather than silently ignored.
fn together<const N: usize>(names: [&'static str; N]) -> Result<Option<[String; N]>, ConfigError> {
    let mut values = Vec::with_capacity(N);
    for name in names {
        values.push(var(name)?);
    }
    let set = values.iter().filter(|v| v.is_some()).count();
    if set == 0 {
        return Ok(None);
    }
    if set < N {
        let missing: Vec<&str> = names
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| *n)
            .collect();
        return Err(ConfigError::Invalid {
            name: names[0],
            reason: format!(
                "{} go together: {} {} missing",
                names.join(", "),
                missing.join(", "),
                if missing.len() == 1 { "is" } else { "are" }
            ),
        });
    }
    let values: Vec<String> = values.into_iter().flatten().collect();
    Ok(values.try_into().ok())
}

/// The pool when `DATABASE_POOL_SIZE` is not set: four connections per core of the machine
/// the instance runs on, between 4 and 64. More connections than the cores can run make every
/// request slower: on 2 cores `./dev bench production` measured 8 connections ahead of 4, 20
/// and 40 (README, "Sizing").
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(cores.saturating_mul(4)).map_or(64, |n| n.clamp(4, 64))
}

fn parsed<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name)? {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|e: T::Err| ConfigError::Invalid {
            name,
            reason: e.to_string(),
        }),
    }
}

/// [`parsed`], refused outside `range` with what the number counts (`unit`).
fn parsed_within<T>(
    name: &'static str,
    default: T,
    range: std::ops::RangeInclusive<T>,
    unit: &str,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
    T::Err: std::fmt::Display,
{
    let n = parsed(name, default)?;
    if range.contains(&n) {
        Ok(n)
    } else {
        Err(ConfigError::Invalid {
            name,
            reason: format!(
                "expected {} to {} {unit}, got {n}",
                range.start(),
                range.end()
            ),
        })
    }
}

fn flag(name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match var(name)?
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError::Invalid {
            name,
            reason: format!("expected true or false, got {other}"),
        }),
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        // Unset: the private cluster `./dev serve` runs, so the binary and its commands work
        // beside it without the address being looked up.
        let database_url = match var("DATABASE_URL")? {
            Some(url) => url,
            None => {
                let port = var("TESSERA_PG_PORT")?.unwrap_or_else(|| "55433".into());
                format!("postgres://tessera@127.0.0.1:{port}/tessera")
            }
        };
        let login = together(["SMTP_USERNAME", "SMTP_PASSWORD"])?;
        let smtp = match var("SMTP_HOST")? {
            None => None,
            Some(host) => Some(SmtpConfig {
                host,
                port: parsed("SMTP_PORT", 587)?,
                username: login.as_ref().map(|[user, _]| user.clone()),
                password: login.map(|[_, password]| Secret::new(password)),
                security: match var("SMTP_SECURITY")?.as_deref().unwrap_or("starttls") {
                    "none" => SmtpSecurity::None,
                    "starttls" => SmtpSecurity::StartTls,
                    "tls" => SmtpSecurity::Tls,
                    other => {
                        return Err(ConfigError::Invalid {
                            name: "SMTP_SECURITY",
                            reason: format!("expected none, starttls or tls, got {other}"),
                        })
                    }
                },
            }),
        };
        let s3_keys = together(["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"])?;
        let base_url = var("TESSERA_BASE_URL")?.unwrap_or_else(|| "http://127.0.0.1:3000".into());
        Self {
            database_url: Secret::new(database_url),
            pool_size: parsed_within(
                "DATABASE_POOL_SIZE",
                default_pool_size(),
                1..=500,
                "connections",
            )?,
            statement_cache: parsed_within(
                "DATABASE_STATEMENT_CACHE",
                100usize,
                0..=10_000,
                "statements",
            )?,
            metrics_token: var("TESSERA_METRICS_TOKEN")?.map(Secret::new),
            utc_offset_secs: match var("TESSERA_UTC_OFFSET")? {
                None => crate::domain::DEFAULT_UTC_OFFSET_SECS,
                Some(raw) => crate::domain::parse_utc_offset(&raw).map_err(|reason| {
                    ConfigError::Invalid {
                        name: "TESSERA_UTC_OFFSET",
                        reason: reason.into(),
                    }
                })?,
            },
            base_url: base_url.trim_end_matches('/').to_string(),
            data_dir: PathBuf::from(var("TESSERA_DATA_DIR")?.unwrap_or_else(|| "data".into())),
            smtp,
            mail_from: var("MAIL_FROM")?
                .unwrap_or_else(|| "Tessera <no-reply@tessera.local>".into()),
            demo: flag("TESSERA_DEMO", false)?,
            jobs_enabled: flag("TESSERA_JOBS", true)?,
            job_interval_ms: parsed("TESSERA_JOB_INTERVAL_MS", 2000)?,
            outbox_max_attempts: parsed("OUTBOX_MAX_ATTEMPTS", 5)?,
            outbox_backoff_secs: parsed("OUTBOX_BACKOFF_SECS", 30)?,
            login_max_failures: parsed("LOGIN_MAX_FAILURES", 5)?,
            login_window_secs: parsed("LOGIN_WINDOW_SECS", 900)?,
            trust_proxy: flag("TESSERA_TRUST_PROXY", false)?,
            rate: RateLimits {
                forgot_per_hour: parsed("RATE_FORGOT_PER_HOUR", 5)?,
                register_per_hour: parsed("RATE_REGISTER_PER_HOUR", 30)?,
                tokens_per_minute: parsed("RATE_TOKENS_PER_MINUTE", 30)?,
                uploads_per_hour: parsed("RATE_UPLOADS_PER_HOUR", 60)?,
                orders_per_hour: parsed("RATE_ORDERS_PER_HOUR", 300)?,
            },
            instance: var("TESSERA_INSTANCE")?
                .unwrap_or_else(|| format!("pid-{}", std::process::id())),
            overdue_hours: parsed("TICKET_OVERDUE_HOURS", 24)?,
            s3_bucket: var("S3_BUCKET")?,
            s3: S3Settings {
                endpoint: var("S3_ENDPOINT")?,
                region: var("S3_REGION")?,
                access_key_id: s3_keys.as_ref().map(|[id, _]| id.clone()),
                secret_access_key: s3_keys.map(|[_, key]| Secret::new(key)),
                allow_http: flag("S3_ALLOW_HTTP", false)?,
            },
            signing_secret: var("TESSERA_SECRET")?.map(Secret::new),
            order_alert_minutes: parsed("ORDER_ALERT_MINUTES", 15)?,
            order_expiry_minutes: parsed("ORDER_EXPIRY_MINUTES", 120)?,
            owner_link_minutes: parsed("OWNER_LINK_MINUTES", 30)?,
            whatsapp: match together(["WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_ACCESS_TOKEN"])? {
                Some([phone_number_id, token]) => Some(WhatsAppConfig {
                    api_base: var("WHATSAPP_API_BASE")?
                        .unwrap_or_else(|| "https://graph.facebook.com/v21.0".into()),
                    phone_number_id,
                    access_token: Secret::new(token),
                }),
                None => None,
            },
            whatsapp_webhook: together(["WHATSAPP_VERIFY_TOKEN", "WHATSAPP_APP_SECRET"])?.map(
                |[verify, secret]| WhatsAppWebhook {
                    verify_token: Secret::new(verify),
                    app_secret: Secret::new(secret),
                },
            ),
            billing: BillingConfig::from_env(flag("TESSERA_DEMO", false)?)?,
            alerts: AlertsConfig {
                email: var("ALERTS_EMAIL")?,
                whatsapp: var("ALERTS_WHATSAPP")?,
            },
            http_timeout_secs: parsed("PROVIDER_TIMEOUT_SECS", 20)?,
            poller: PollerConfig {
                interval_secs: parsed("POLL_INTERVAL_SECS", 300)?,
                batch: parsed("POLL_BATCH", 20)?,
                expire_minutes: parsed("POLL_EXPIRE_MINUTES", 180)?,
                concurrency: parsed("POLL_CONCURRENCY", 8)?,
                watch_secs: parsed("POLL_WATCH_SECS", 5)?,
            },
            settle_concurrency: parsed("SETTLE_CONCURRENCY", 4)?,
            encryption_key: var("TESSERA_ENCRYPTION_KEY")?.map(Secret::new),
            sumup: None,
            mobile_money: MobileMoneyConfig {
                momo: MomoConfig::from_env(
                    base_url.trim_end_matches('/'),
                    flag("TESSERA_DEMO", false)?,
                )?,
                orange: OrangeConfig::from_env(
                    base_url.trim_end_matches('/'),
                    flag("TESSERA_DEMO", false)?,
                )?,
                notch: NotchConfig::from_env()?,
                endpoints: OperatorEndpoints::from_env()?,
                window_secs: parsed("MOBILE_MONEY_WINDOW_SECS", 300)?,
            },
        }
        .with_sumup()
    }

    /// Defaults for tests: nothing read from the environment but what the test passes.
    pub fn for_tests(database_url: &str, data_dir: PathBuf) -> Self {
        Self {
            database_url: Secret::new(database_url),
            pool_size: 20,
            statement_cache: 100,
            metrics_token: None,
            utc_offset_secs: crate::domain::DEFAULT_UTC_OFFSET_SECS,
            base_url: "http://127.0.0.1:3000".into(),
            data_dir,
            smtp: None,
            mail_from: "Tessera <no-reply@tessera.local>".into(),
            demo: false,
            jobs_enabled: false,
            job_interval_ms: 100,
            outbox_max_attempts: 5,
            outbox_backoff_secs: 1,
            login_max_failures: 5,
            login_window_secs: 900,
            trust_proxy: false,
            // Off in tests, which place hundreds of orders from one address; the rate-limit
            // tests turn them on.
            rate: RateLimits::default(),
            instance: "test".into(),
            overdue_hours: 24,
            s3_bucket: None,
            s3: S3Settings::default(),
            signing_secret: None,
            order_alert_minutes: 15,
            order_expiry_minutes: 120,
            owner_link_minutes: 30,
            whatsapp: None,
            whatsapp_webhook: None,
            billing: BillingConfig::for_tests(),
            alerts: AlertsConfig::default(),
            http_timeout_secs: 10,
            poller: PollerConfig::default(),
            settle_concurrency: 4,
            encryption_key: None,
            sumup: None,
            mobile_money: MobileMoneyConfig::default(),
        }
    }

    fn with_sumup(mut self) -> Result<Self, ConfigError> {
        self.sumup = SumUpConfig::from_env(&self.base_url, self.billing.card_gateway)?;
        Ok(self)
    }

    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let c = Config::for_tests("postgres://u:hunter2@h/db", "data".into());
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn the_default_pool_is_four_connections_per_core_within_bounds() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let n = default_pool_size();
        assert_eq!(n as usize, (cores * 4).clamp(4, 64));
        assert!((4..=64).contains(&n));
    }
}
