//! Paying from the phone: the payer gives their MTN Mobile Money number, the operator asks
//! their phone to approve, and the waiting page shows the approval window running down, then
//! the result. The payment is recorded (with its operator reference) before anything is sent;
//! the poller reads the operator's answer and settles through the one settle path, so the
//! subscription or the tickets follow without an admin.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    ledger::{self, NewPayment},
    poller,
    providers::{
        self,
        operator_accounts::{self, Environment},
        CheckoutRequest, ProviderError,
    },
    queries, settle, PhoneWait,
};
use crate::{
    domain::{Operator, WalletNumber},
    error::AppError,
    platform::{auth::AuthUser, respond, state::AppState},
};

/// The waiting page of a payment; a guest's (an order's buyer, without an account) carries
/// its signature.
pub fn waiting_url(state: &AppState, reference: &str, guest: bool) -> String {
    if guest {
        format!(
            "{}?sig={}",
            super::phone_back(reference),
            state.signer.sign(&guest_claim(reference))
        )
    } else {
        super::phone_back(reference)
    }
}

fn guest_claim(reference: &str) -> String {
    format!("phone:{reference}")
}

/// What the feature paying adds: where the page's "back" link goes, whether the payer is a
/// guest, when the payment must stop taking money (an order's expiry), and the organiser the
/// money goes to, whose own operator accounts are used before the site's.
pub struct PhoneOptions<'a> {
    pub back: &'a str,
    pub guest: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub owner: Option<Uuid>,
}

/// Who asks a wallet of an operator: a provider, the organiser's account it uses (none: the
/// site's), and whether MTN's sandbox numbers are taken.
struct Route {
    provider: &'static dyn providers::Provider,
    account: Option<Uuid>,
    sandbox: bool,
}

/// The organiser's own account for the operator, else their Notch Pay account; else the
/// site's operator, else the site's Notch Pay.
async fn route(
    state: &AppState,
    operator: Operator,
    owner: Option<Uuid>,
) -> Result<Option<Route>, AppError> {
    let direct: &'static dyn providers::Provider = match operator {
        Operator::Mtn => &providers::mtn_momo::MtnMomo,
        Operator::Orange => &providers::orange_money::OrangeMoney,
    };
    if let Some(owner) = owner {
        for provider in [direct, &providers::notchpay::NotchPay] {
            let found = operator_accounts::usable(state, owner, provider.name())
                .await
                .map_err(respond::internal)?;
            if let Some((id, environment)) = found {
                return Ok(Some(Route {
                    provider,
                    account: Some(id),
                    sandbox: provider.name() == "mtn_momo" && environment != Environment::Live,
                }));
            }
        }
    }
    let mm = &state.config.mobile_money;
    let site = match operator {
        Operator::Mtn => mm
            .momo
            .as_ref()
            .map(|m| m.sandbox || m.environment == "sandbox"),
        Operator::Orange => mm.orange.as_ref().map(|_| false),
    };
    Ok(match site {
        Some(sandbox) => Some(Route {
            provider: direct,
            account: None,
            sandbox,
        }),
        None => mm.notch.is_some().then_some(Route {
            provider: &providers::notchpay::NotchPay,
            account: None,
            sandbox: false,
        }),
    })
}

/// Whether a payer can be asked on their phone for `operator` for a payment to `owner` (none:
/// the site): the organiser's account, the site's operator, or Notch Pay takes it.
pub async fn offered(
    state: &AppState,
    operator: Operator,
    owner: Option<Uuid>,
) -> Result<bool, AppError> {
    Ok(route(state, operator, owner).await?.is_some())
}

/// Whether any operator takes payments to `owner` (the forms offer "Pay from my phone").
pub async fn available(state: &AppState, owner: Option<Uuid>) -> Result<bool, AppError> {
    Ok(offered(state, Operator::Mtn, owner).await?
        || offered(state, Operator::Orange, owner).await?)
}

/// The number typed on a form, read as a wallet of an operator that takes payments to `owner`
/// here (MTN's sandbox numbers too, where MTN is a sandbox).
pub async fn wallet(
    state: &AppState,
    raw: &str,
    echo: &[(String, String)],
    owner: Option<Uuid>,
) -> Result<WalletNumber, AppError> {
    let sandbox = route(state, Operator::Mtn, owner)
        .await?
        .is_some_and(|r| r.sandbox);
    let number = WalletNumber::parse(raw, sandbox)
        .map_err(|k| AppError::field("phone", k, echo.to_vec()))?;
    if !offered(state, number.operator(), owner).await? {
        return Err(AppError::field(
            "phone",
            unavailable(number.operator()),
            echo.to_vec(),
        ));
    }
    Ok(number)
}

fn unavailable(operator: Operator) -> &'static str {
    match operator {
        Operator::Mtn => "error.wallet_mtn_unavailable",
        Operator::Orange => "error.wallet_orange_unavailable",
    }
}

/// Records the payment, then asks the operator: MTN sends the request to the payer's phone,
/// Orange opens its payment page. Answers the payment's reference and where the browser goes
/// (the waiting page, or Orange's page, which comes back to it). A refusal by the operator (no
/// such account, wrong currency) fails the payment through the settle path, and the waiting
/// page says why.
#[tracing::instrument(skip_all, fields(operator = ?number.operator()))]
pub async fn start(
    state: &AppState,
    p: NewPayment<'_>,
    number: &WalletNumber,
    opts: &PhoneOptions<'_>,
) -> Result<(String, String), AppError> {
    let Route {
        provider, account, ..
    } = route(state, number.operator(), opts.owner)
        .await?
        .ok_or_else(|| AppError::field("phone", unavailable(number.operator()), vec![]))?;
    let p = NewPayment {
        method: number.operator().method(),
        provider: provider.name(),
        ..p
    };
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let (id, reference) = ledger::open(&mut tx, &p).await?;
    let back = waiting_url(state, &reference, opts.guest);
    // MTN's reference is the payment's own id, stored before the request leaves, so a retry
    // after a timeout asks about the same request and never makes a second one. Orange names
    // its own (`pay_token`), stored once it answers.
    sqlx::query!(
        "UPDATE payments SET status = 'PROCESSING', provider_ref = $2, payer_msisdn = $3,
                success_url = $4, fail_url = $7, checkout_url = $4,
                expires_at = LEAST(now() + make_interval(secs => $5), $8::text::timestamptz),
                next_check_at = now() + make_interval(secs => $6),
                watched_until = now() + interval '2 minutes', provider_account = $9,
                updated_at = now()
         WHERE id = $1",
        id,
        (provider.name() == "mtn_momo").then(|| id.to_string()),
        number.msisdn(),
        back,
        state.config.mobile_money.window_secs as f64,
        state.config.poller.watch_secs as f64,
        opts.back,
        opts.expires_at.map(|e| e.to_rfc3339()),
        account
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    tx.commit().await.map_err(respond::internal)?;
    let back_abs = format!("{}{back}", state.config.base_url);
    let req = CheckoutRequest {
        payment_id: id,
        reference: &reference,
        description: p.description,
        amount: p.amount,
        currency: p.currency,
        email: p.payer.email,
        name: p.payer.name,
        phone: number.msisdn(),
        client_ip: "",
        success_url: &back_abs,
        cancel_url: &back_abs,
        sandbox_query: "",
        expires_at: None,
        account,
        checkout_reference: &reference,
        lang: p.payer.language.code(),
    };
    let started = provider.start(state, &req).await;
    if let Ok(checkout) = &started {
        // Orange's and Notch Pay's pages: the payer confirms there and comes back.
        if provider.name() != "mtn_momo" {
            sqlx::query!(
                "UPDATE payments SET provider_ref = $2, checkout_url = $3 WHERE id = $1",
                id,
                checkout.provider_ref,
                checkout.redirect_url
            )
            .execute(&state.pool)
            .await
            .map_err(respond::internal)?;
            return Ok((reference, checkout.redirect_url.clone()));
        }
    }
    if let Err(e) = started {
        tracing::warn!(%reference, error = %e, "the operator refused the request to pay");
        let reason = match e {
            ProviderError::Refused(code) => code,
            ProviderError::Disconnected(_) | ProviderError::NotConfigured => {
                "UNAVAILABLE".to_string()
            }
            other => other.to_string(),
        };
        let outcome = settle::Outcome::Failed { reason };
        let source = settle::Source::Gateway {
            provider: provider.name(),
            event_id: None,
            kind: "start",
        };
        let mut tx = state.pool.begin().await.map_err(respond::internal)?;
        match settle::settle_in(&mut tx, state, id, source, outcome).await {
            Ok(_) => {}
            Err(settle::SettleError::Internal(e)) => return Err(e),
            Err(e) => return Err(respond::internal(e)),
        }
        tx.commit().await.map_err(respond::internal)?;
    }
    Ok((reference, back))
}

/// The payer's words for why a payment from the phone failed.
pub fn reason_key(reason: &str) -> &'static str {
    crate::domain::wallet_failure_key(reason)
}

/// The waiting page, for the payer (signed in and allowed to see the payment, or a guest with
/// its signature): the payment as it stands. Each load asks the poller to look at it every
/// few seconds while the payer waits.
pub async fn view(
    state: &AppState,
    user: Option<&AuthUser>,
    reference: &str,
    sig: &str,
) -> Result<PhoneWait, AppError> {
    let signed = !sig.is_empty() && state.signer.verify(&guest_claim(reference), sig);
    let id = match (signed, user) {
        (true, _) => sqlx::query_scalar!("SELECT id FROM payments WHERE reference = $1", reference)
            .fetch_optional(&state.pool)
            .await
            .map_err(respond::internal)?
            .ok_or(AppError::NotFound)?,
        (false, Some(user)) => queries::visible(&state.pool, user, reference).await?,
        (false, None) => return Err(AppError::Unauthorized),
    };
    poller::watch(state, id).await?;
    let r = sqlx::query!(
        r#"SELECT p.reference, p.status, p.amount, p.currency, p.description, p.payer_msisdn,
                  p.method, p.failure_reason, p.needs_review, p.plan_code, p.duration_days,
                  p.provider, p.provider_ref, p.checkout_url, p.fail_url,
                  p.period_end AS "period_end: DateTime<Utc>",
                  (SELECT a.environment FROM provider_accounts a WHERE a.id = p.provider_account)
                      AS "account_environment?",
                  GREATEST(0, EXTRACT(EPOCH FROM (p.expires_at - now())))::bigint AS "seconds_left!",
                  i.number AS "invoice?"
           FROM payments p LEFT JOIN invoices i ON i.payment_id = p.id WHERE p.id = $1"#,
        id
    )
    .fetch_one(&state.pool)
    .await
    .map_err(respond::internal)?;
    if r.payer_msisdn.is_none() {
        return Err(AppError::NotFound);
    }
    let msisdn = r.payer_msisdn.unwrap_or_default();
    let operator = if r.method == "ORANGE_MONEY" {
        Operator::Orange
    } else {
        Operator::Mtn
    };
    let open = matches!(r.status.as_str(), "PENDING" | "PROCESSING");
    // The built-in sandbox plays MTN's phone: the page lets the payer answer as the phone would.
    let sandboxed = r.provider == "mtn_momo"
        && match r.account_environment.as_deref() {
            Some(environment) => environment == "builtin",
            None => state
                .config
                .mobile_money
                .momo
                .as_ref()
                .is_some_and(|m| m.sandbox),
        };
    Ok(PhoneWait {
        reference: r.reference,
        status: r.status.clone(),
        amount: super::show(r.amount, &r.currency),
        description: r.description,
        number: WalletNumber::masked(&msisdn),
        msisdn: format!("+{msisdn}"),
        operator: match operator {
            Operator::Mtn => "MTN Mobile Money".into(),
            Operator::Orange => "Orange Money".into(),
        },
        approval_code: operator.approval_code().into(),
        seconds_left: if open { r.seconds_left } else { 0 },
        reason_key: matches!(r.status.as_str(), "FAILED" | "CANCELLED")
            .then(|| reason_key(r.failure_reason.as_deref().unwrap_or_default()).to_string()),
        needs_review: r.needs_review,
        period_end: r.period_end,
        invoice_number: r.invoice,
        plan_code: r.plan_code,
        duration_days: r.duration_days,
        back_url: r.fail_url.unwrap_or_else(|| "/billing".into()),
        here: waiting_url(state, reference, signed),
        aggregator: r.provider == "notchpay",
        pay_url: (open && r.provider != "mtn_momo")
            .then_some(r.checkout_url)
            .flatten(),
        sandbox_request: (sandboxed && open)
            .then(|| r.provider_ref.and_then(|p| Uuid::parse_str(&p).ok()))
            .flatten(),
    })
}

/// "Try again" on the waiting page of a payment that failed: the same purchase asked again
/// on the phone (the number may be changed), as a new payment with its own reference.
#[tracing::instrument(skip_all)]
pub async fn retry(
    state: &AppState,
    user: &AuthUser,
    reference: &str,
    phone: &str,
) -> Result<(String, String), AppError> {
    let echo = vec![("phone".to_string(), phone.to_string())];
    let id = queries::visible(&state.pool, user, reference).await?;
    let old = sqlx::query!(
        "SELECT purpose, family_id, order_id, user_id, plan_code, duration_days, amount, currency,
                description, status, payer_msisdn, payer_email, payer_name, payer_language, payer_org
         FROM payments WHERE id = $1",
        id
    )
    .fetch_one(&state.pool)
    .await
    .map_err(respond::internal)?;
    // Only a subscription is asked again from here; an order is paid again from its page.
    if old.payer_msisdn.is_none() || old.purpose != "SUBSCRIPTION" {
        return Err(AppError::NotFound);
    }
    if !matches!(old.status.as_str(), "FAILED" | "CANCELLED") {
        return Err(AppError::form("error.payment_not_failed", echo, 409));
    }
    let number = wallet(state, phone, &echo, None).await?;
    let purpose = crate::domain::PaymentPurpose::parse(&old.purpose).map_err(respond::internal)?;
    let p = NewPayment {
        purpose,
        family_id: old.family_id,
        order_id: old.order_id,
        user_id: old.user_id,
        plan_code: old.plan_code.as_deref(),
        duration_days: old.duration_days,
        amount: old.amount,
        currency: &old.currency,
        method: number.operator().method(),
        provider: "",
        description: &old.description,
        payer: ledger::Payer {
            email: &old.payer_email,
            name: &old.payer_name,
            language: crate::domain::Lang::parse(&old.payer_language).unwrap_or_default(),
            org: &old.payer_org,
        },
    };
    let opts = PhoneOptions {
        back: "/billing",
        guest: false,
        expires_at: None,
        owner: None,
    };
    start(state, p, &number, &opts).await
}
