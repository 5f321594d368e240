//! Billing on the server: trials, plans, subscribing by card, wallet or mobile money, the
//! period a subscription payment buys, reminders and lapses, and changes by hand.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{BillingView, PlanOffer, PriceOffer, SubscriptionRow};
use crate::{
    domain::{days_left, parse_code, parse_reason, AccountKind, Lang, PayWith, PaymentPurpose},
    error::AppError,
    features::payments::{
        self,
        checkout::{self, Options},
        ledger::{self, NewPayment, Payer},
        settle::Source,
        show,
        wallet::{self, Movement},
    },
    platform::{
        audit::audit_reason, auth::AuthUser, config::Config, db::Tx, outbox, respond,
        state::AppState,
    },
};

/// A new family's trial, written in the family's own transaction.
pub async fn start_trial(
    tx: &mut Tx<'_>,
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

/// Extends a family's subscription by `days` from the later of now and its current end (on
/// `plan` when given, else the current one), active again; returns the new end. The one copy of
/// this rule: payments, tickets and admins all extend through it.
pub async fn extend(
    tx: &mut Tx<'_>,
    family_id: Uuid,
    plan: Option<&str>,
    days: i32,
) -> Result<DateTime<Utc>, AppError> {
    sqlx::query_scalar!(
        r#"INSERT INTO subscriptions (family_id, plan_code, status, current_period_end)
           VALUES ($1, COALESCE($2, 'FAMILY_MANAGER'), 'ACTIVE', now() + make_interval(days => $3))
           ON CONFLICT (family_id) DO UPDATE SET
              plan_code = COALESCE($2, subscriptions.plan_code), status = 'ACTIVE', updated_at = now(),
              current_period_end = GREATEST(now(), subscriptions.current_period_end) + make_interval(days => $3)
           RETURNING current_period_end AS "end: DateTime<Utc>""#,
        family_id,
        plan,
        days
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(respond::internal)
}

/// The plans on offer: to one kind of account (`family`, `organisation`), or all of them
/// (for admins).
pub async fn plans(
    pool: &PgPool,
    audience: Option<AccountKind>,
) -> Result<Vec<PlanOffer>, AppError> {
    let rows = sqlx::query!(
        "SELECT p.code, p.name_en, p.name_fr, p.limits_en, p.limits_fr, p.currency, pp.duration_days, pp.amount
         FROM plans p JOIN plan_prices pp ON pp.plan_code = p.code
         WHERE p.active AND ($1::text IS NULL OR p.audience = $1)
         ORDER BY p.position, p.code, pp.duration_days",
        audience.map(AccountKind::as_str)
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

/// Who `family_id`'s account is for.
pub async fn account_kind(pool: &PgPool, family_id: Uuid) -> Result<AccountKind, AppError> {
    let kind = sqlx::query_scalar!("SELECT kind FROM families WHERE id = $1", family_id)
        .fetch_optional(pool)
        .await
        .map_err(respond::internal)?
        .ok_or(AppError::NotFound)?;
    AccountKind::parse(&kind).map_err(respond::internal)
}

/// Everything `/billing` shows. Members see the plan; payments, invoices and the wallet are
/// the manager's.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn overview(state: &AppState, user: &AuthUser) -> Result<BillingView, AppError> {
    let (pool, config) = (&state.pool, &state.config);
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
        plans: plans(pool, Some(account_kind(pool, family_id).await?)).await?,
        payments: vec![],
        invoices: vec![],
        wallet: vec![],
        wallet_moves: vec![],
        card_enabled: payments::providers::default_card(config).is_some(),
    };
    if !is_manager {
        return Ok(view);
    }
    let history = payments::queries::family_history(pool, family_id).await?;
    view.payments = history.payments;
    view.invoices = history.invoices;
    view.wallet = history.wallet;
    view.wallet_moves = history.wallet_moves;
    Ok(view)
}

/// What the subscribe form sends.
#[derive(Debug, Clone, Default)]
pub struct SubscribeForm {
    pub plan: String,
    pub duration_days: String,
    pub pay_with: String,
    /// The wallet to ask, when paying from the phone.
    pub phone: String,
}

impl SubscribeForm {
    fn echo(&self) -> Vec<(String, String)> {
        vec![
            ("duration_days".into(), self.duration_days.clone()),
            ("pay_with".into(), self.pay_with.clone()),
            ("phone".into(), self.phone.clone()),
        ]
    }
}

/// Subscribe or renew: by card (the provider), from the wallet (at once), or by mobile money
/// (the payment-ticket wizard, prefilled). Returns the address to go to next.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn subscribe(
    state: &AppState,
    user: &AuthUser,
    form: &SubscribeForm,
    client_ip: &str,
) -> Result<String, AppError> {
    let echo = form.echo();
    let family_id = user.managed_family()?;
    let plan_code = parse_code(&form.plan, "error.plan_invalid")
        .map_err(|k| AppError::form(k, echo.clone(), 404))?;
    let duration: i32 =
        form.duration_days.trim().parse().map_err(|_| {
            AppError::field("duration_days", "error.duration_invalid", echo.clone())
        })?;
    let price = sqlx::query!(
        "SELECT p.name_en, p.name_fr, p.currency, pp.amount, p.audience = f.kind AS \"offered!\"
         FROM plans p JOIN plan_prices pp ON pp.plan_code = p.code
         JOIN families f ON f.id = $3
         WHERE p.code = $1 AND p.active AND pp.duration_days = $2",
        plan_code,
        duration,
        family_id
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| AppError::field("duration_days", "error.duration_invalid", echo.clone()))?;
    if !price.offered {
        return Err(AppError::field(
            "plan",
            "error.plan_not_for_account",
            echo.clone(),
        ));
    }
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
    let payment = |method: &'static str, provider: &'static str| NewPayment {
        purpose: PaymentPurpose::Subscription,
        family_id: Some(family_id),
        order_id: None,
        user_id: Some(user.id),
        plan_code: Some(&plan_code),
        duration_days: Some(duration),
        amount: price.amount,
        currency: &price.currency,
        method,
        provider,
        description: &description,
        payer: Payer::member(user),
    };
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
        PayWith::Phone => {
            let number = payments::phone::wallet(state, &form.phone, &echo, None).await?;
            let (_, next) = payments::phone::start(
                state,
                payment("MTN_MOMO", "mtn_momo"),
                &number,
                &payments::phone::PhoneOptions {
                    back: "/billing",
                    guest: false,
                    expires_at: None,
                    owner: None,
                },
            )
            .await?;
            Ok(next)
        }
        PayWith::Card => {
            let provider = payments::providers::default_card(&state.config)
                .ok_or_else(|| AppError::form("error.card_unavailable", vec![], 409))?;
            let (_, _, url) = checkout::start(
                state,
                provider,
                payment("CARD", provider.name()),
                wallet::billing_return(),
                Options {
                    phone: &user.phone,
                    client_ip,
                    expires_at: None,
                    account: None,
                    checkout_reference: None,
                },
            )
            .await?;
            Ok(url)
        }
        PayWith::Wallet => {
            let mut tx = state.pool.begin().await.map_err(respond::internal)?;
            let p = payment("WALLET", "wallet");
            let (id, reference) = ledger::open(&mut tx, &p).await?;
            let debited = wallet::apply(
                &mut tx,
                &Movement {
                    family_id,
                    currency: &price.currency,
                    amount: -price.amount,
                    kind: "PAYMENT",
                    payment_id: id,
                    description: &description,
                },
            )
            .await?;
            if !debited {
                return Err(AppError::field(
                    "pay_with",
                    "error.wallet_insufficient",
                    echo,
                ));
            }
            let outcome = payments::settle::Outcome::paid_in_full(price.amount, &price.currency);
            payments::settle::settle_in(&mut tx, state, id, Source::Wallet, outcome)
                .await
                .map_err(|e| match e {
                    payments::settle::SettleError::Internal(e) => e,
                    other => respond::internal(other),
                })?;
            tx.commit().await.map_err(respond::internal)?;
            Ok(format!("/billing/payment/success?ref={reference}"))
        }
    }
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
                    ("end", &crate::domain::local_date(who.end)),
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

/// Families and their subscriptions, for the admin page.
pub async fn subscriptions(pool: &PgPool) -> Result<Vec<SubscriptionRow>, AppError> {
    Ok(sqlx::query!(
        r#"SELECT f.id, f.name, COALESCE(u.email, '') AS "manager!", s.plan_code AS "plan?", s.status AS "status?",
                  s.current_period_end AS "end?: DateTime<Utc>"
           FROM families f LEFT JOIN users u ON u.id = f.manager_id
           LEFT JOIN subscriptions s ON s.family_id = f.id ORDER BY f.name LIMIT 500"#
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| SubscriptionRow {
        family_id: r.id,
        family: r.name,
        manager: r.manager,
        plan: r.plan.unwrap_or_default(),
        status: r.status.unwrap_or_default(),
        period_end: r.end,
    })
    .collect())
}

/// An admin changes the plan, extends, or cancels a family's subscription, with a reason
/// kept in the audit log.
#[tracing::instrument(skip(pool, admin, reason), fields(admin_id = %admin.id))]
pub async fn change_subscription(
    pool: &PgPool,
    admin: &AuthUser,
    family_id: Uuid,
    action: &str,
    plan: &str,
    days: &str,
    reason: &str,
) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let echo = vec![
        ("plan".to_string(), plan.to_string()),
        ("days".to_string(), days.to_string()),
        ("reason".to_string(), reason.to_string()),
    ];
    let reason = parse_reason(reason).map_err(|k| AppError::field("reason", k, echo.clone()))?;
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let exists = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM families WHERE id = $1) AS "e!""#,
        family_id
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(respond::internal)?;
    if !exists {
        return Err(AppError::NotFound);
    }
    let done = match action {
        "change_plan" => {
            let plan = plan.trim().to_ascii_uppercase();
            let known = sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM plans WHERE code = $1 AND active) AS "e!""#,
                plan
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(respond::internal)?;
            if !known {
                return Err(AppError::field("plan", "error.plan_invalid", echo));
            }
            sqlx::query!(
                "INSERT INTO subscriptions (family_id, plan_code, status, current_period_end)
                 VALUES ($1, $2, 'ACTIVE', now())
                 ON CONFLICT (family_id) DO UPDATE SET plan_code = $2, updated_at = now()",
                family_id,
                plan
            )
            .execute(&mut *tx)
            .await
            .map_err(respond::internal)?
            .rows_affected();
            // The account becomes the kind the plan is for, so /billing offers it its plans.
            sqlx::query!(
                "UPDATE families SET kind = (SELECT audience FROM plans WHERE code = $2) WHERE id = $1",
                family_id,
                plan
            )
            .execute(&mut *tx)
            .await
            .map_err(respond::internal)?
            .rows_affected()
        }
        "extend" => {
            let days: i32 = days
                .trim()
                .parse()
                .ok()
                .filter(|d| (1..=3660).contains(d))
                .ok_or_else(|| AppError::field("days", "error.days_invalid", echo.clone()))?;
            let has = sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM subscriptions WHERE family_id = $1) AS "e!""#,
                family_id
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(respond::internal)?;
            if has {
                extend(&mut tx, family_id, None, days).await?;
                1
            } else {
                0
            }
        }
        "cancel" => sqlx::query!(
            "UPDATE subscriptions SET status = 'CANCELLED', updated_at = now() WHERE family_id = $1 AND status <> 'CANCELLED'",
            family_id
        )
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?
        .rows_affected(),
        _ => return Err(AppError::field("action", "error.action_invalid", echo)),
    };
    if done == 0 {
        return Err(AppError::form("error.subscription_unchanged", echo, 409));
    }
    audit_reason(
        &mut tx,
        admin.id,
        &format!("subscription.{action}"),
        "family",
        family_id,
        &reason,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)
}
