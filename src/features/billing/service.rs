//! Billing on the server: trials, checkouts, settling a payment exactly once whatever the
//! gateway says and however often, the wallet, and invoices.

use chrono::{DateTime, Datelike, Utc};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::{
    gateway, invoice, BillingView, InvoiceRow, PaymentResult, PaymentRow, PlanOffer, PriceOffer,
    SandboxView, WalletRow,
};
use crate::{
    domain::{
        days_left, format_invoice_number, format_payment_reference, parse_code, tax_included,
        Currency, Lang, Money, PayWith,
    },
    error::AppError,
    features::{accounts::service::audit, payment_tickets::service::next_number},
    server::{
        auth::AuthUser,
        config::{CardGateway, Config},
        outbox, respond,
        signing::Signer,
    },
};

fn show(minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(c) => Money::new(minor, c).display(),
        Err(_) => format!("{minor} {currency}"),
    }
}

/// A new family's trial, written in the family's own transaction.
pub async fn start_trial(
    tx: &mut Transaction<'_, Postgres>,
    family_id: Uuid,
    trial_days: i32,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO subscriptions (family_id, plan_code, status, current_period_end)
         VALUES ($1, 'FAMILY_MANAGER', 'TRIALING', now() + make_interval(days => $2))
         ON CONFLICT (family_id) DO NOTHING",
        family_id,
        trial_days
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// The family `user` manages, or a refusal: only managers pay and read invoices.
async fn managed_family(pool: &PgPool, user: &AuthUser) -> Result<Uuid, AppError> {
    let family_id = user
        .family_id
        .ok_or_else(|| AppError::form("error.no_family", vec![], 409))?;
    let manages = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM families WHERE id = $1 AND manager_id = $2) AS "m!""#,
        family_id,
        user.id
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    if manages {
        Ok(family_id)
    } else {
        Err(AppError::form("error.manager_only", vec![], 403))
    }
}

pub async fn plans(pool: &PgPool) -> Result<Vec<PlanOffer>, AppError> {
    let rows = sqlx::query!(
        "SELECT p.code, p.name_en, p.name_fr, p.limits_en, p.limits_fr, p.currency, pp.duration_days, pp.amount
         FROM plans p JOIN plan_prices pp ON pp.plan_code = p.code
         WHERE p.active ORDER BY p.position, p.code, pp.duration_days"
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    let mut out: Vec<PlanOffer> = Vec::new();
    for r in rows {
        let price = PriceOffer {
            duration_days: r.duration_days,
            amount: r.amount,
            display: show(r.amount, &r.currency),
        };
        match out.last_mut() {
            Some(last) if last.code == r.code => last.prices.push(price),
            _ => out.push(PlanOffer {
                code: r.code,
                name: (r.name_en, r.name_fr),
                limits: (r.limits_en, r.limits_fr),
                currency: r.currency,
                prices: vec![price],
            }),
        }
    }
    Ok(out)
}

/// Everything `/billing` shows. Members see the plan; payments, invoices and the wallet are
/// the manager's.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn overview(
    pool: &PgPool,
    config: &Config,
    user: &AuthUser,
) -> Result<BillingView, AppError> {
    let family_id = user
        .family_id
        .ok_or_else(|| AppError::form("error.no_family", vec![], 409))?;
    let f = sqlx::query!(
        r#"SELECT f.name, f.manager_id, s.plan_code AS "plan_code?", s.status AS "status?",
                  s.current_period_end AS "end?: DateTime<Utc>", p.name_en AS "name_en?", p.name_fr AS "name_fr?"
           FROM families f LEFT JOIN subscriptions s ON s.family_id = f.id
           LEFT JOIN plans p ON p.code = s.plan_code WHERE f.id = $1"#,
        family_id
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    let is_manager = f.manager_id == Some(user.id);
    let now = Utc::now();
    let end = f.end.unwrap_or(now);
    let mut view = BillingView {
        family_name: f.name,
        is_manager,
        plan_code: f.plan_code.unwrap_or_default(),
        plan_name: (f.name_en.unwrap_or_default(), f.name_fr.unwrap_or_default()),
        status: f.status.unwrap_or_else(|| "EXPIRED".into()),
        period_end: end,
        days_left: days_left(now, end),
        trial_days: config.billing.trial_days,
        plans: plans(pool).await?,
        payments: vec![],
        invoices: vec![],
        wallet: vec![],
        wallet_moves: vec![],
        card_enabled: config.billing.card_gateway != CardGateway::None,
    };
    if !is_manager {
        return Ok(view);
    }
    view.payments = sqlx::query!(
        r#"SELECT COALESCE(p.reference, t.reference, '') AS "reference!", p.created_at AS "created_at: DateTime<Utc>", p.amount, p.currency,
                  p.status, p.method, p.provider, p.description, i.number AS "invoice?"
           FROM payments p LEFT JOIN invoices i ON i.payment_id = p.id
           LEFT JOIN payment_tickets t ON t.id = p.ticket_id
           WHERE p.family_id = $1 ORDER BY p.created_at DESC LIMIT 100"#,
        family_id
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| PaymentRow {
        reference: r.reference,
        created_at: r.created_at,
        amount: show(r.amount, &r.currency),
        status: r.status,
        method: r.method,
        provider: r.provider,
        description: r.description,
        invoice_number: r.invoice,
    })
    .collect();
    view.invoices = sqlx::query!(
        r#"SELECT number, issued_at AS "issued_at: DateTime<Utc>", total, currency FROM invoices WHERE family_id = $1 ORDER BY issued_at DESC LIMIT 100"#,
        family_id
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| InvoiceRow {
        number: r.number,
        issued_at: r.issued_at,
        total: show(r.total, &r.currency),
    })
    .collect();
    view.wallet = sqlx::query!(
        "SELECT currency, balance FROM wallets WHERE family_id = $1 ORDER BY currency",
        family_id
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| (r.currency.clone(), show(r.balance, &r.currency)))
    .collect();
    view.wallet_moves = sqlx::query!(
        r#"SELECT created_at AS "created_at: DateTime<Utc>", amount, currency, kind, description FROM wallet_transactions
         WHERE family_id = $1 ORDER BY created_at DESC LIMIT 50"#,
        family_id
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| WalletRow {
        created_at: r.created_at,
        amount: if r.amount < 0 {
            format!("− {}", show(-r.amount, &r.currency))
        } else {
            format!("+ {}", show(r.amount, &r.currency))
        },
        kind: r.kind,
        description: r.description,
    })
    .collect();
    Ok(view)
}

/// What the subscribe form sends.
#[derive(Debug, Clone, Default)]
pub struct SubscribeForm {
    pub plan: String,
    pub duration_days: String,
    pub pay_with: String,
}

impl SubscribeForm {
    fn echo(&self) -> Vec<(String, String)> {
        vec![
            ("duration_days".into(), self.duration_days.clone()),
            ("pay_with".into(), self.pay_with.clone()),
        ]
    }
}

/// A new payment row, committed before the gateway is called so its reference exists.
struct NewPayment<'a> {
    family_id: Option<Uuid>,
    user_id: Option<Uuid>,
    order_id: Option<Uuid>,
    purpose: &'a str,
    plan_code: Option<&'a str>,
    duration_days: Option<i32>,
    amount: i64,
    currency: &'a str,
    method: &'a str,
    provider: &'a str,
    description: &'a str,
}

async fn insert_payment(
    tx: &mut Transaction<'_, Postgres>,
    p: &NewPayment<'_>,
) -> Result<(Uuid, String), AppError> {
    let year = Utc::now().year();
    let n = next_number(tx, "PAY", year).await?;
    let reference = format_payment_reference(year, n);
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO payments (id, reference, family_id, user_id, purpose, plan_code, duration_days, amount,
                currency, status, method, provider, description, order_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'PENDING', $10, $11, $12, $13)",
        id,
        reference,
        p.family_id,
        p.user_id,
        p.purpose,
        p.plan_code,
        p.duration_days,
        p.amount,
        p.currency,
        p.method,
        p.provider,
        p.description,
        p.order_id
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok((id, reference))
}

async fn phone_of(pool: &PgPool, user: &AuthUser) -> Result<String, AppError> {
    sqlx::query_scalar!("SELECT phone FROM users WHERE id = $1", user.id)
        .fetch_one(pool)
        .await
        .map_err(respond::internal)
}

fn provider_name(config: &Config) -> &'static str {
    match config.billing.card_gateway {
        CardGateway::None => "none",
        CardGateway::Sandbox => "sandbox",
        CardGateway::Stripe => "stripe",
        CardGateway::Paytr => "paytr",
    }
}

/// Who pays at the gateway, as it asks for them.
struct Payer<'a> {
    email: &'a str,
    name: &'a str,
    phone: &'a str,
}

/// Where the gateway sends the browser back: the billing return pages, or the order's page
/// (guests have no account, so the sandbox page is opened by a signature instead).
struct Return<'a> {
    success: String,
    fail: String,
    signer: Option<&'a Signer>,
}

impl Return<'_> {
    fn billing(config: &Config) -> Self {
        Self {
            success: format!("{}/billing/payment/success?ref=", config.base_url),
            fail: format!("{}/billing/payment/fail?ref=", config.base_url),
            signer: None,
        }
    }
}

/// The signature that opens a guest's sandbox page.
pub fn sandbox_signature(signer: &Signer, reference: &str) -> String {
    signer.sign(&format!("sandbox:{reference}"))
}

/// Records the payment, then opens the gateway's checkout; returns the payment's reference and
/// where the browser goes.
async fn card_checkout(
    pool: &PgPool,
    config: &Config,
    who: Payer<'_>,
    p: NewPayment<'_>,
    back: Return<'_>,
    client_ip: &str,
) -> Result<(String, String), AppError> {
    if config.billing.card_gateway == CardGateway::None {
        return Err(AppError::form("error.card_unavailable", vec![], 409));
    }
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let (id, reference) = insert_payment(&mut tx, &p).await?;
    audit(&mut tx, p.user_id, "payment.created", "payment", id).await?;
    tx.commit().await.map_err(respond::internal)?;
    let success = if back.success.ends_with("ref=") {
        format!("{}{reference}", back.success)
    } else {
        back.success.clone()
    };
    let fail = if back.fail.ends_with("ref=") {
        format!("{}{reference}", back.fail)
    } else {
        back.fail.clone()
    };
    let sandbox_query = back
        .signer
        .map(|s| format!("?sig={}", sandbox_signature(s, &reference)))
        .unwrap_or_default();
    let req = gateway::CheckoutRequest {
        reference: &reference,
        description: p.description,
        amount: p.amount,
        currency: p.currency,
        email: who.email,
        name: who.name,
        phone: who.phone,
        client_ip,
        success_url: &success,
        cancel_url: &fail,
        sandbox_query: &sandbox_query,
    };
    match gateway::start(config, &req).await {
        Ok(checkout) => {
            sqlx::query!(
                "UPDATE payments SET status = 'PROCESSING', provider_ref = $2, updated_at = now()
                 WHERE id = $1 AND status = 'PENDING'",
                id,
                checkout.provider_ref
            )
            .execute(pool)
            .await
            .map_err(respond::internal)?;
            Ok((reference, checkout.redirect_url))
        }
        Err(e) => {
            tracing::warn!(%reference, error = %e, "checkout could not start");
            sqlx::query!(
                "UPDATE payments SET status = 'FAILED', failure_reason = $2, updated_at = now()
                 WHERE id = $1 AND status = 'PENDING'",
                id,
                e.to_string()
            )
            .execute(pool)
            .await
            .map_err(respond::internal)?;
            Err(AppError::form(
                match e {
                    gateway::GatewayError::Currency(_) => "error.card_currency",
                    _ => "error.card_unavailable",
                },
                vec![],
                502,
            ))
        }
    }
}

/// Subscribe or renew: by card (gateway), from the wallet (at once), or by mobile money (the
/// payment-ticket wizard, prefilled). Returns the address to go to next.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn subscribe(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
    user: &AuthUser,
    form: &SubscribeForm,
    client_ip: &str,
) -> Result<String, AppError> {
    let echo = form.echo();
    let family_id = managed_family(pool, user).await?;
    let plan_code = parse_code(&form.plan, "error.plan_invalid")
        .map_err(|k| AppError::form(k, echo.clone(), 404))?;
    let duration: i32 =
        form.duration_days.trim().parse().map_err(|_| {
            AppError::field("duration_days", "error.duration_invalid", echo.clone())
        })?;
    let price = sqlx::query!(
        "SELECT p.name_en, p.name_fr, p.currency, pp.amount FROM plans p
         JOIN plan_prices pp ON pp.plan_code = p.code
         WHERE p.code = $1 AND p.active AND pp.duration_days = $2",
        plan_code,
        duration
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| AppError::field("duration_days", "error.duration_invalid", echo.clone()))?;
    let pay_with =
        PayWith::parse(&form.pay_with).map_err(|k| AppError::field("pay_with", k, echo.clone()))?;
    let plan_name = match user.language {
        Lang::En => &price.name_en,
        Lang::Fr => &price.name_fr,
    };
    let description = crate::i18n::tf(
        user.language,
        "billing.line_subscription",
        &[("plan", plan_name), ("days", &duration.to_string())],
    );
    match pay_with {
        PayWith::MobileMoney => {
            let amount = show(price.amount, &price.currency);
            let digits: String = amount.chars().filter(char::is_ascii_digit).collect();
            let q = serde_urlencoded::to_string([
                ("step", "2"),
                ("plan_type", plan_code.as_str()),
                ("duration_days", &duration.to_string()),
                ("amount", if price.currency == "XAF" { &digits } else { "" }),
            ])
            .unwrap_or_default();
            Ok(format!("/pay?{q}"))
        }
        PayWith::Card => {
            let phone = phone_of(pool, user).await?;
            card_checkout(
                pool,
                config,
                Payer {
                    email: &user.email,
                    name: &user.name,
                    phone: &phone,
                },
                NewPayment {
                    family_id: Some(family_id),
                    user_id: Some(user.id),
                    order_id: None,
                    purpose: "SUBSCRIPTION",
                    plan_code: Some(&plan_code),
                    duration_days: Some(duration),
                    amount: price.amount,
                    currency: &price.currency,
                    method: "CARD",
                    provider: provider_name(config),
                    description: &description,
                },
                Return::billing(config),
                client_ip,
            )
            .await
            .map(|(_, url)| url)
        }
        PayWith::Wallet => {
            let mut tx = pool.begin().await.map_err(respond::internal)?;
            let (id, reference) = insert_payment(
                &mut tx,
                &NewPayment {
                    family_id: Some(family_id),
                    user_id: Some(user.id),
                    order_id: None,
                    purpose: "SUBSCRIPTION",
                    plan_code: Some(&plan_code),
                    duration_days: Some(duration),
                    amount: price.amount,
                    currency: &price.currency,
                    method: "WALLET",
                    provider: "wallet",
                    description: &description,
                },
            )
            .await?;
            let debited = sqlx::query!(
                "UPDATE wallets SET balance = balance - $3 WHERE family_id = $1 AND currency = $2 AND balance >= $3",
                family_id,
                price.currency,
                price.amount
            )
            .execute(&mut *tx)
            .await
            .map_err(respond::internal)?;
            if debited.rows_affected() == 0 {
                return Err(AppError::field(
                    "pay_with",
                    "error.wallet_insufficient",
                    echo,
                ));
            }
            sqlx::query!(
                "INSERT INTO wallet_transactions (id, family_id, currency, amount, kind, payment_id, description)
                 VALUES ($1, $2, $3, $4, 'PAYMENT', $5, $6)",
                Uuid::new_v4(),
                family_id,
                price.currency,
                -price.amount,
                id,
                description
            )
            .execute(&mut *tx)
            .await
            .map_err(respond::internal)?;
            let payment = lock_payment(&mut tx, id).await?;
            complete(&mut tx, config, signer, &payment).await?;
            tx.commit().await.map_err(respond::internal)?;
            Ok(format!("/billing/payment/success?ref={reference}"))
        }
    }
}

/// A wallet top-up, by card only: the payment's reference and where the browser goes.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn top_up(
    pool: &PgPool,
    config: &Config,
    user: &AuthUser,
    amount: &str,
    currency: &str,
    client_ip: &str,
) -> Result<(String, String), AppError> {
    let echo = vec![
        ("amount".to_string(), amount.to_string()),
        ("currency".to_string(), currency.to_string()),
    ];
    let family_id = managed_family(pool, user).await?;
    let currency =
        Currency::parse(currency).map_err(|k| AppError::field("currency", k, echo.clone()))?;
    let money = Money::parse(amount, currency).map_err(|k| AppError::field("amount", k, echo))?;
    let description = crate::i18n::t(user.language, "billing.line_topup");
    let phone = phone_of(pool, user).await?;
    card_checkout(
        pool,
        config,
        Payer {
            email: &user.email,
            name: &user.name,
            phone: &phone,
        },
        NewPayment {
            family_id: Some(family_id),
            user_id: Some(user.id),
            order_id: None,
            purpose: "TOPUP",
            plan_code: None,
            duration_days: None,
            amount: money.minor,
            currency: currency.code(),
            method: "CARD",
            provider: provider_name(config),
            description,
        },
        Return::billing(config),
        client_ip,
    )
    .await
}

/// A card payment for an order, by its buyer (signed link; no account needed).
#[tracing::instrument(skip(pool, config, signer, sig))]
pub async fn order_checkout(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
    reference: &str,
    sig: &str,
    client_ip: &str,
) -> Result<String, AppError> {
    let reference = crate::domain::parse_order_reference(reference).ok_or(AppError::NotFound)?;
    crate::features::orders::service::check_signature(signer, &reference, sig)?;
    let o = sqlx::query!(
        "SELECT o.id, o.total, o.amount_paid, o.status, o.buyer_name, o.buyer_email, o.buyer_phone, o.language,
                e.currency, e.title
         FROM orders o JOIN events e ON e.id = o.event_id WHERE o.reference = $1",
        reference
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    if !matches!(
        o.status.as_str(),
        "PAYMENT_PENDING" | "PENDING_VERIFICATION"
    ) || o.total <= o.amount_paid
    {
        return Err(AppError::form("error.order_not_payable", vec![], 409));
    }
    let lang = Lang::parse(&o.language).unwrap_or_default();
    let description = crate::i18n::tf(
        lang,
        "billing.line_order",
        &[("reference", &reference), ("title", &o.title)],
    );
    let page = format!("{}/orders/{reference}?sig={sig}", config.base_url);
    card_checkout(
        pool,
        config,
        Payer {
            email: &o.buyer_email,
            name: &o.buyer_name,
            phone: &o.buyer_phone,
        },
        NewPayment {
            family_id: None,
            user_id: None,
            order_id: Some(o.id),
            purpose: "ORDER",
            plan_code: None,
            duration_days: None,
            amount: o.total - o.amount_paid,
            currency: &o.currency,
            method: "CARD",
            provider: provider_name(config),
            description: &description,
        },
        Return {
            success: format!("{page}&card=1"),
            fail: format!("{page}&card=0"),
            signer: Some(signer),
        },
        client_ip,
    )
    .await
    .map(|(_, url)| url)
}

/// A payment's row, locked for the caller's transaction.
pub struct Locked {
    pub id: Uuid,
    pub reference: String,
    pub family_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub purpose: String,
    pub plan_code: Option<String>,
    pub duration_days: Option<i32>,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub description: String,
    pub needs_review: bool,
}

pub(crate) async fn lock_payment(
    tx: &mut Transaction<'_, Postgres>,
    id: Uuid,
) -> Result<Locked, AppError> {
    sqlx::query_as!(
        Locked,
        r#"SELECT id, COALESCE(reference, '') AS "reference!", family_id, order_id, user_id, purpose, plan_code,
                  duration_days, amount, currency, status, description, needs_review
           FROM payments WHERE id = $1 FOR UPDATE"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)
}

/// Who the payment's e-mails go to: the payer, or the family manager.
async fn payer(
    tx: &mut Transaction<'_, Postgres>,
    p: &Locked,
) -> Result<(String, String, Lang, String), AppError> {
    if let Some(order_id) = p.order_id {
        let o = sqlx::query!(
            "SELECT buyer_email, buyer_name, language FROM orders WHERE id = $1",
            order_id
        )
        .fetch_one(&mut **tx)
        .await
        .map_err(respond::internal)?;
        return Ok((
            o.buyer_email,
            o.buyer_name.clone(),
            Lang::parse(&o.language).unwrap_or_default(),
            o.buyer_name,
        ));
    }
    let r = sqlx::query!(
        "SELECT u.email, u.name, u.language, f.name AS family FROM families f
         JOIN users u ON u.id = COALESCE($2, f.manager_id) WHERE f.id = $1",
        p.family_id,
        p.user_id
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok((
        r.email,
        r.name,
        Lang::parse(&r.language).unwrap_or_default(),
        r.family,
    ))
}

/// Completes an open payment inside the caller's transaction: the subscription or the wallet,
/// the invoice (gap-free number), the audit trail and the e-mail with the invoice attached.
pub(crate) async fn complete(
    tx: &mut Transaction<'_, Postgres>,
    config: &Config,
    signer: &Signer,
    p: &Locked,
) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE payments SET status = 'COMPLETED', completed_at = now(), updated_at = now(),
                settle_after = NULL WHERE id = $1",
        p.id
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    let mut end: Option<DateTime<Utc>> = None;
    match (p.purpose.as_str(), &p.plan_code, p.duration_days) {
        ("SUBSCRIPTION", Some(plan), Some(days)) => {
            end = Some(
                sqlx::query_scalar!(
                    r#"INSERT INTO subscriptions (family_id, plan_code, status, current_period_end)
                       VALUES ($1, $2, 'ACTIVE', now() + make_interval(days => $3))
                       ON CONFLICT (family_id) DO UPDATE SET
                          plan_code = EXCLUDED.plan_code, status = 'ACTIVE', updated_at = now(),
                          current_period_end = GREATEST(now(), subscriptions.current_period_end) + make_interval(days => $3)
                       RETURNING current_period_end AS "end: DateTime<Utc>""#,
                    p.family_id,
                    plan,
                    days
                )
                .fetch_one(&mut **tx)
                .await
                .map_err(respond::internal)?,
            );
            if let Some(family_id) = p.family_id {
                audit(tx, p.user_id, "subscription.extended", "family", family_id).await?;
            }
        }
        ("ORDER", _, _) => {
            let reference = sqlx::query_scalar!(
                "SELECT o.reference FROM orders o WHERE o.id = $1",
                p.order_id
            )
            .fetch_one(&mut **tx)
            .await
            .map_err(respond::internal)?;
            let paid = crate::features::orders::service::pay_in(
                tx,
                config,
                signer,
                &reference,
                None,
                "CARD",
                &p.reference,
            )
            .await;
            match paid {
                Ok(_) => {}
                // The money came in but the order had expired or been cancelled meanwhile.
                Err(AppError::Invalid { .. }) => {
                    flag(
                        tx,
                        config,
                        p,
                        &format!("order {reference} was no longer payable: refund it"),
                    )
                    .await?;
                }
                Err(e) => return Err(e),
            }
        }
        ("TOPUP", _, _) => {
            sqlx::query!(
                "INSERT INTO wallets (family_id, currency, balance) VALUES ($1, $2, $3)
                 ON CONFLICT (family_id, currency) DO UPDATE SET balance = wallets.balance + EXCLUDED.balance",
                p.family_id,
                p.currency,
                p.amount
            )
            .execute(&mut **tx)
            .await
            .map_err(respond::internal)?;
            sqlx::query!(
                "INSERT INTO wallet_transactions (id, family_id, currency, amount, kind, payment_id, description)
                 VALUES ($1, $2, $3, $4, 'TOPUP', $5, $6)",
                Uuid::new_v4(),
                p.family_id,
                p.currency,
                p.amount,
                p.id,
                p.description
            )
            .execute(&mut **tx)
            .await
            .map_err(respond::internal)?;
        }
        _ => {}
    }
    let (email, name, lang, family) = payer(tx, p).await?;
    let number = issue_invoice(tx, config, p, lang, &name, &email, &family).await?;
    audit(tx, p.user_id, "payment.completed", "payment", p.id).await?;
    let doc = invoice::load(&mut **tx, &number).await?;
    let html = invoice::html(&doc);
    let end_text = end
        .map(|e| e.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "—".into());
    let id = outbox::enqueue_template(
        tx,
        "billing_paid",
        &email,
        lang,
        &[
            ("name", &name),
            ("reference", &p.reference),
            ("amount", &show(p.amount, &p.currency)),
            ("description", &p.description),
            ("invoice", &number),
            ("end", &end_text),
            ("url", &config.base_url),
        ],
    )
    .await
    .map_err(respond::internal)?;
    outbox::attach(
        tx,
        id,
        &format!("{number}.html"),
        "text/html; charset=utf-8",
        html.as_bytes(),
    )
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// Writes the payment's invoice with the next number of its year; returns the number.
async fn issue_invoice(
    tx: &mut Transaction<'_, Postgres>,
    config: &Config,
    p: &Locked,
    lang: Lang,
    name: &str,
    email: &str,
    family: &str,
) -> Result<String, AppError> {
    let year = Utc::now().year();
    let n = next_number(tx, "INV", year).await?;
    let number = format_invoice_number(year, n);
    let rate = config.billing.tax_rate_bp.clamp(0, 10_000);
    // Prices include tax: the total is what was charged, the tax is the part of it owed.
    let tax = tax_included(p.amount, rate);
    let subtotal = p.amount - tax;
    let line = format!(
        "{}\t1\t{}\t{}",
        p.description.replace(['\t', '\n'], " "),
        subtotal,
        subtotal
    );
    let buyer = format!("{family}\n{name}\n{email}");
    sqlx::query!(
        "INSERT INTO invoices (id, number, family_id, payment_id, language, currency, lines, subtotal,
                tax_rate_bp, tax, total, seller, buyer)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        Uuid::new_v4(),
        number,
        p.family_id,
        p.id,
        lang.code(),
        p.currency,
        line,
        subtotal,
        rate,
        tax,
        p.amount,
        config.billing.seller,
        buyer
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok(number)
}

/// What a gateway reports about a payment.
#[derive(Debug, Clone)]
pub enum Outcome {
    Paid { amount: i64, currency: String },
    Failed { reason: String },
}

/// A gateway's report about one payment.
pub struct Report<'a> {
    pub provider: &'a str,
    /// The gateway's id of the payment (Checkout Session id, merchant_oid, reference).
    pub provider_ref: &'a str,
    /// The event's id when the gateway has one: each is applied once.
    pub event_id: Option<&'a str>,
    pub kind: &'a str,
    pub outcome: Outcome,
}

/// What settling did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Completed,
    Failed,
    /// The event was handled before, or the payment had already reached this state.
    Unchanged,
}

/// Why a gateway's report was refused.
#[derive(Debug, thiserror::Error)]
pub enum SettleError {
    #[error("no payment matches")]
    Unknown,
    #[error("amount or currency differs from the payment: flagged for review")]
    Mismatch,
    #[error("internal error")]
    Internal(#[from] AppError),
}

/// Applies a gateway's report to the payment it names, once: the event id (when the gateway
/// has one) is claimed in the same transaction, and the payment row is locked, so 50
/// deliveries, concurrent or out of order, make one state change, one invoice, one credit
/// and one e-mail.
#[tracing::instrument(skip(pool, config, signer, report), fields(provider = report.provider, kind = report.kind))]
pub async fn settle(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
    report: Report<'_>,
) -> Result<Settled, SettleError> {
    let Report {
        provider,
        provider_ref,
        event_id,
        kind,
        outcome,
    } = report;
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let id = sqlx::query_scalar!(
        "SELECT id FROM payments WHERE provider = $1 AND provider_ref = $2",
        provider,
        provider_ref
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or(SettleError::Unknown)?;
    if let Some(event_id) = event_id {
        let fresh = sqlx::query!(
            "INSERT INTO webhook_events (provider, event_id, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            provider,
            event_id,
            kind
        )
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?;
        if fresh.rows_affected() == 0 {
            return Ok(Settled::Unchanged);
        }
    }
    let p = lock_payment(&mut tx, id).await?;
    let open = matches!(p.status.as_str(), "PENDING" | "PROCESSING");
    let result = match outcome {
        Outcome::Paid { amount, currency } => {
            let matches = amount == p.amount && currency.eq_ignore_ascii_case(&p.currency);
            if open && matches {
                complete(&mut tx, config, signer, &p).await?;
                Ok(Settled::Completed)
            } else if p.status == "COMPLETED" || p.status == "REFUNDED" {
                Ok(Settled::Unchanged)
            } else {
                let reason = if matches {
                    format!("paid after the payment was {}", p.status)
                } else {
                    format!(
                        "gateway reported {} {}, expected {} {}",
                        amount, currency, p.amount, p.currency
                    )
                };
                flag(&mut tx, config, &p, &reason).await?;
                tx.commit().await.map_err(respond::internal)?;
                return Err(SettleError::Mismatch);
            }
        }
        Outcome::Failed { reason } if open => {
            sqlx::query!(
                "UPDATE payments SET status = 'FAILED', failure_reason = $2, updated_at = now(), settle_after = NULL
                 WHERE id = $1",
                p.id,
                reason
            )
            .execute(&mut *tx)
            .await
            .map_err(respond::internal)?;
            audit(&mut tx, p.user_id, "payment.failed", "payment", p.id).await?;
            let (email, name, lang, _) = payer(&mut tx, &p).await?;
            outbox::enqueue_template(
                &mut tx,
                "billing_failed",
                &email,
                lang,
                &[
                    ("name", &name),
                    ("reference", &p.reference),
                    ("amount", &show(p.amount, &p.currency)),
                    ("reason", &reason),
                    ("url", &config.base_url),
                ],
            )
            .await
            .map_err(respond::internal)?;
            Ok(Settled::Failed)
        }
        Outcome::Failed { .. } => Ok(Settled::Unchanged),
    };
    tx.commit().await.map_err(respond::internal)?;
    result
}

/// Marks a payment for manual review and tells the admins, once.
async fn flag(
    tx: &mut Transaction<'_, Postgres>,
    config: &Config,
    p: &Locked,
    reason: &str,
) -> Result<(), AppError> {
    if p.needs_review {
        return Ok(());
    }
    tracing::warn!(reference = %p.reference, reason, "payment flagged for review");
    sqlx::query!(
        "UPDATE payments SET needs_review = true, review_reason = $2, updated_at = now() WHERE id = $1",
        p.id,
        reason
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    let admins = sqlx::query!("SELECT email, language FROM users WHERE role = 'admin'")
        .fetch_all(&mut **tx)
        .await
        .map_err(respond::internal)?;
    for a in admins {
        let lang = Lang::parse(&a.language).unwrap_or_default();
        outbox::enqueue_template(
            tx,
            "billing_review",
            &a.email,
            lang,
            &[
                ("reference", &p.reference),
                ("reason", reason),
                ("url", &config.base_url),
            ],
        )
        .await
        .map_err(respond::internal)?;
    }
    audit(tx, None, "payment.flagged", "payment", p.id).await
}

/// Payments visible to `user`: admins see all; others their own or their managed family's.
async fn visible_payment(
    pool: &PgPool,
    user: &AuthUser,
    reference: &str,
) -> Result<Uuid, AppError> {
    let reference = crate::domain::parse_payment_reference(reference).ok_or(AppError::NotFound)?;
    let r = sqlx::query!(
        r#"SELECT p.id, p.user_id, f.manager_id AS "manager_id?" FROM payments p LEFT JOIN families f ON f.id = p.family_id
           WHERE p.reference = $1"#,
        reference
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    if user.role.is_admin() || r.user_id == Some(user.id) || r.manager_id == Some(user.id) {
        Ok(r.id)
    } else {
        Err(AppError::NotFound)
    }
}

/// The return pages' view: the server's state of the payment.
pub async fn result(
    pool: &PgPool,
    user: &AuthUser,
    reference: &str,
) -> Result<PaymentResult, AppError> {
    let id = visible_payment(pool, user, reference).await?;
    let r = sqlx::query!(
        r#"SELECT p.reference AS "reference!", p.status, p.amount, p.currency, p.description, p.failure_reason,
                  p.needs_review, p.purpose, i.number AS "invoice?", s.current_period_end AS "end?: DateTime<Utc>"
           FROM payments p LEFT JOIN invoices i ON i.payment_id = p.id
           LEFT JOIN subscriptions s ON s.family_id = p.family_id WHERE p.id = $1"#,
        id
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    Ok(PaymentResult {
        reference: r.reference,
        status: r.status,
        amount: show(r.amount, &r.currency),
        description: r.description,
        invoice_number: r.invoice,
        period_end: (r.purpose == "SUBSCRIPTION").then_some(r.end).flatten(),
        failure_reason: r.failure_reason,
        needs_review: r.needs_review,
    })
}

/// Who may open a sandbox checkout: a guest with its signature, or a signed-in user who may
/// see the payment.
pub struct SandboxAccess<'a> {
    pub user: Option<&'a AuthUser>,
    pub sig: &'a str,
}

/// The sandbox page's view, for the payer.
pub async fn sandbox_view(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
    who: &SandboxAccess<'_>,
    reference: &str,
) -> Result<SandboxView, AppError> {
    // Once another gateway is configured, payments opened in the sandbox can no longer be
    // settled by whoever holds their link.
    if config.billing.card_gateway != CardGateway::Sandbox {
        return Err(AppError::NotFound);
    }
    let reference = crate::domain::parse_payment_reference(reference).ok_or(AppError::NotFound)?;
    let signed = !who.sig.is_empty() && signer.verify(&format!("sandbox:{reference}"), who.sig);
    if !signed {
        match who.user {
            Some(user) => {
                visible_payment(pool, user, &reference).await?;
            }
            None => return Err(AppError::Unauthorized),
        }
    }
    let r = sqlx::query!(
        r#"SELECT reference AS "reference!", amount, currency, description, status, provider FROM payments WHERE reference = $1"#,
        reference
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    if r.provider != "sandbox" {
        return Err(AppError::NotFound);
    }
    Ok(SandboxView {
        reference: r.reference,
        amount: show(r.amount, &r.currency),
        description: r.description,
        status: r.status,
        sig: who.sig.to_string(),
    })
}

/// Where the browser goes once a payment is settled: the order's page for an order, the
/// billing return pages otherwise.
async fn after(
    pool: &PgPool,
    signer: &Signer,
    reference: &str,
    ok: bool,
) -> Result<String, AppError> {
    let order = sqlx::query_scalar!(
        "SELECT o.reference FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.reference = $1",
        reference
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?;
    Ok(match order {
        Some(o) => format!(
            "/orders/{o}?sig={}&card={}",
            crate::features::orders::service::order_signature(signer, &o),
            u8::from(ok)
        ),
        None if ok => format!("/billing/payment/success?ref={reference}"),
        None => format!("/billing/payment/fail?ref={reference}"),
    })
}

/// The sandbox's buttons: pay, fail, or pay after a delay (settled by the polling job).
#[tracing::instrument(skip(pool, config, signer, who))]
pub async fn sandbox_choose(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
    who: &SandboxAccess<'_>,
    reference: &str,
    choice: &str,
) -> Result<String, AppError> {
    let view = sandbox_view(pool, config, signer, who, reference).await?;
    let r = &view.reference;
    // A settled payment stays as it is: the page shows its state.
    match view.status.as_str() {
        "PENDING" | "PROCESSING" => {}
        "COMPLETED" | "REFUNDED" => return after(pool, signer, r, true).await,
        _ => return after(pool, signer, r, false).await,
    }
    let amount = sqlx::query!(
        "SELECT amount, currency FROM payments WHERE reference = $1",
        r
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    let lang = who.user.map(|u| u.language).unwrap_or_default();
    let settled = match choice {
        "success" => {
            settle(
                pool,
                config,
                signer,
                Report {
                    provider: "sandbox",
                    provider_ref: r,
                    event_id: None,
                    kind: "sandbox.success",
                    outcome: Outcome::Paid {
                        amount: amount.amount,
                        currency: amount.currency,
                    },
                },
            )
            .await
        }
        "fail" => {
            settle(
                pool,
                config,
                signer,
                Report {
                    provider: "sandbox",
                    provider_ref: r,
                    event_id: None,
                    kind: "sandbox.fail",
                    outcome: Outcome::Failed {
                        reason: crate::i18n::t(lang, "billing.sandbox_declined").into(),
                    },
                },
            )
            .await
        }
        "delay" => {
            sqlx::query!(
                "UPDATE payments SET sandbox_outcome = 'success',
                        settle_after = now() + make_interval(secs => $2)
                 WHERE reference = $1 AND status IN ('PENDING', 'PROCESSING')",
                r,
                f64::from(config.billing.sandbox_delay_secs)
            )
            .execute(pool)
            .await
            .map_err(respond::internal)?;
            Ok(Settled::Unchanged)
        }
        _ => return Err(AppError::BadRequest("choice".into())),
    };
    match settled {
        Ok(Settled::Failed) => after(pool, signer, r, false).await,
        Ok(_) => after(pool, signer, r, true).await,
        Err(SettleError::Internal(e)) => Err(e),
        Err(_) => Err(AppError::Internal),
    }
}

/// The polling job: sandbox payments whose delay has passed are settled as chosen.
pub async fn settle_due(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
) -> Result<usize, AppError> {
    if config.billing.card_gateway != CardGateway::Sandbox {
        return Ok(0);
    }
    let due = sqlx::query!(
        r#"SELECT reference AS "reference!", amount, currency, sandbox_outcome FROM payments
           WHERE provider = 'sandbox' AND settle_after <= now() AND status IN ('PENDING', 'PROCESSING')
           LIMIT 50"#
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    let mut n = 0;
    for d in due {
        let outcome = if d.sandbox_outcome.as_deref() == Some("fail") {
            Outcome::Failed {
                reason: "sandbox".into(),
            }
        } else {
            Outcome::Paid {
                amount: d.amount,
                currency: d.currency,
            }
        };
        match settle(
            pool,
            config,
            signer,
            Report {
                provider: "sandbox",
                provider_ref: &d.reference,
                event_id: None,
                kind: "sandbox.delayed",
                outcome,
            },
        )
        .await
        {
            Ok(Settled::Completed | Settled::Failed) => n += 1,
            Ok(Settled::Unchanged) => {}
            Err(e) => tracing::warn!(reference = %d.reference, error = %e, "sandbox settle failed"),
        }
    }
    Ok(n)
}

/// The polling job: Stripe payments still open a minute after checkout are looked up at
/// Stripe (at most once a minute each), in case their webhook was lost. Rows are claimed with
/// `FOR UPDATE SKIP LOCKED`, so instances share the work.
pub async fn poll_stripe(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
) -> Result<usize, AppError> {
    let Some(stripe) = &config.billing.stripe else {
        return Ok(0);
    };
    let due = sqlx::query!(
        r#"UPDATE payments SET polled_at = now() WHERE id IN (
               SELECT id FROM payments
               WHERE provider = 'stripe' AND status = 'PROCESSING' AND provider_ref IS NOT NULL
                 AND created_at < now() - interval '1 minute'
                 AND (polled_at IS NULL OR polled_at < now() - interval '1 minute')
               ORDER BY created_at LIMIT 20 FOR UPDATE SKIP LOCKED)
           RETURNING provider_ref AS "provider_ref!""#
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    let mut changed = 0;
    for d in due {
        let outcome = match gateway::stripe_session(stripe, &d.provider_ref).await {
            Ok(gateway::SessionState::Paid { amount, currency }) => {
                Outcome::Paid { amount, currency }
            }
            Ok(gateway::SessionState::Expired) => Outcome::Failed {
                reason: "checkout.session.expired".into(),
            },
            Ok(gateway::SessionState::Open) => continue,
            Err(e) => {
                tracing::warn!(session = %d.provider_ref, error = %e, "stripe poll failed");
                continue;
            }
        };
        let report = Report {
            provider: "stripe",
            provider_ref: &d.provider_ref,
            event_id: None,
            kind: "poll",
            outcome,
        };
        match settle(pool, config, signer, report).await {
            Ok(Settled::Completed | Settled::Failed) => changed += 1,
            Ok(Settled::Unchanged) => {}
            Err(e) => {
                tracing::warn!(session = %d.provider_ref, error = %e, "stripe poll not applied")
            }
        }
    }
    Ok(changed)
}

/// Trial reminders 7, 3 and 1 days before the end, each once per family (the primary key of
/// `trial_reminders` is the claim, so several instances send one).
pub async fn trial_reminders(pool: &PgPool, config: &Config) -> Result<usize, AppError> {
    let mut sent = 0;
    // Each reminder only inside its own window (after the next one's): a trial found with
    // half a day left gets the one-day reminder alone, not all three at once.
    for (days, after) in [(1, 0), (3, 1), (7, 3)] {
        let mut tx = pool.begin().await.map_err(respond::internal)?;
        let due = sqlx::query!(
            r#"INSERT INTO trial_reminders (family_id, days_before)
               SELECT s.family_id, $1 FROM subscriptions s
               WHERE s.status = 'TRIALING' AND s.current_period_end > now() + make_interval(days => $2)
                 AND s.current_period_end <= now() + make_interval(days => $1)
               ON CONFLICT DO NOTHING
               RETURNING family_id"#,
            days,
            after
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(respond::internal)?;
        for d in due {
            let who = sqlx::query!(
                r#"SELECT u.email, u.name, u.language, s.current_period_end AS "end: DateTime<Utc>"
                   FROM families f JOIN users u ON u.id = f.manager_id
                   JOIN subscriptions s ON s.family_id = f.id WHERE f.id = $1"#,
                d.family_id
            )
            .fetch_optional(&mut *tx)
            .await
            .map_err(respond::internal)?;
            let Some(who) = who else { continue };
            let lang = Lang::parse(&who.language).unwrap_or_default();
            let left = days_left(Utc::now(), who.end).to_string();
            outbox::enqueue_template(
                &mut tx,
                "trial_reminder",
                &who.email,
                lang,
                &[
                    ("name", &who.name),
                    ("days", &left),
                    ("end", &who.end.format("%Y-%m-%d").to_string()),
                    ("url", &config.base_url),
                ],
            )
            .await
            .map_err(respond::internal)?;
            sent += 1;
        }
        tx.commit().await.map_err(respond::internal)?;
    }
    Ok(sent)
}

/// Moves subscriptions whose period has ended along their lifecycle.
pub async fn lapse(pool: &PgPool, config: &Config) -> Result<u64, AppError> {
    let r = sqlx::query!(
        "UPDATE subscriptions SET updated_at = now(), status = CASE
             WHEN status = 'TRIALING' THEN 'EXPIRED'
             WHEN current_period_end <= now() - make_interval(days => $1) THEN 'EXPIRED'
             ELSE 'PAST_DUE' END
         WHERE current_period_end <= now() AND status IN ('TRIALING', 'ACTIVE', 'PAST_DUE')
           AND NOT (status = 'PAST_DUE' AND current_period_end > now() - make_interval(days => $1))",
        config.billing.grace_days
    )
    .execute(pool)
    .await
    .map_err(respond::internal)?;
    Ok(r.rows_affected())
}

/// An invoice for someone allowed to read it: an admin, or the manager of its family.
pub async fn invoice_for(
    pool: &PgPool,
    user: &AuthUser,
    number: &str,
) -> Result<invoice::InvoiceDoc, AppError> {
    let number = crate::domain::parse_invoice_number(number).ok_or(AppError::NotFound)?;
    let doc = invoice::load(pool, &number).await?;
    if user.role.is_admin() {
        return Ok(doc);
    }
    // An order's invoice went to its buyer by e-mail; on the site only admins read it.
    let Some(family_id) = doc.family_id else {
        return Err(AppError::NotFound);
    };
    let manages = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM families WHERE id = $1 AND manager_id = $2) AS "m!""#,
        family_id,
        user.id
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    if manages {
        Ok(doc)
    } else {
        Err(AppError::NotFound)
    }
}
