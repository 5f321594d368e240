//! The poller: payments are confirmed by asking their provider from the server, not by
//! trusting a redirect, and a lost webhook is made up for. Every open payment a provider knows
//! is checked until it is settled:
//!
//! - a regular cycle every `POLL_INTERVAL_SECS`, claimed in the database so one instance runs
//!   it, takes the due payments oldest first, at most `POLL_BATCH`;
//! - while a payer waits on the processing page, their payment is checked every few seconds;
//! - each check settles through the one settle path; a still-open payment is checked again
//!   with backoff; an error, a timeout or a 429 changes nothing and is tried again later; a
//!   payment still unverified after `POLL_EXPIRE_MINUTES` expires.
//!
//! Claims push `next_check_at` forward with `FOR UPDATE SKIP LOCKED`, so instances never
//! check one payment twice in a cycle, and a webhook racing a check settles once.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::{sync::Semaphore, task::JoinSet};
use uuid::Uuid;

use super::{
    ledger,
    providers::{self, Open, ProviderError, Verdict},
    settle::{self, Outcome, SettleError, Settled},
};
use crate::{
    error::AppError,
    platform::{alerts, respond, state::AppState},
};

/// Which cycle ran: the scheduled one, or one asked for (an admin's button, the CLI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Scheduled,
    Manual,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Manual => "manual",
        }
    }
}

/// What one check found and did.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub reference: String,
    pub provider: String,
    /// What the provider said.
    pub said: String,
    /// What changed here.
    pub changed: Change,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Settled,
    Failed,
    Expired,
    Review,
    Unchanged,
    Error,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Settled => "settled",
            Self::Failed => "failed",
            Self::Expired => "expired",
            Self::Review => "manual review",
            Self::Unchanged => "unchanged",
            Self::Error => "error, tried again later",
        }
    }
}

/// A cycle's outcome.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub lines: Vec<Line>,
}

impl Report {
    pub fn count(&self, change: Change) -> usize {
        self.lines.iter().filter(|l| l.changed == change).count()
    }
}

/// Which payments a cycle takes.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// Those due, oldest first.
    Due,
    /// Those due whose payer is waiting on the page.
    Watched,
    /// Every open payment of one order, due or not.
    Order(Uuid),
    /// One payment, due or not.
    Payment(Uuid),
}

const PROVIDERS: &[&str] = &[
    "sandbox",
    "stripe",
    "paytr",
    "sumup",
    "mtn_momo",
    "orange_money",
    "notchpay",
];

/// A claimed payment, as the check needs it.
struct Claimed {
    open: Open,
    provider: String,
    created_at: DateTime<Utc>,
    attempts: i32,
    watched: bool,
}

/// Claims up to `limit` payments of `scope` for this cycle.
async fn claim(state: &AppState, scope: Scope, limit: i64) -> Result<Vec<Claimed>, AppError> {
    let (due_only, watched_only, order, payment) = match scope {
        Scope::Due => (true, false, None, None),
        Scope::Watched => (true, true, None, None),
        Scope::Order(o) => (false, false, Some(o), None),
        Scope::Payment(p) => (false, false, None, Some(p)),
    };
    // The lease: a check that dies half-way is simply due again at the next interval.
    let lease = state.config.poller.interval_secs as f64;
    let rows = sqlx::query!(
        r#"UPDATE payments SET polled_at = now(), check_attempts = check_attempts + 1,
                  next_check_at = now() + make_interval(secs => $1)
           WHERE id IN (
               SELECT id FROM payments
               WHERE (status IN ('PENDING', 'PROCESSING')
                      -- A hint about one payment is checked even after it was given up: money
                      -- that arrives late goes to review rather than being lost.
                      OR ($6::uuid IS NOT NULL AND status IN ('CANCELLED', 'FAILED')))
                 AND provider_ref IS NOT NULL AND NOT needs_review
                 AND provider = ANY($2)
                 AND (NOT $3 OR next_check_at <= now())
                 AND (NOT $4 OR watched_until > now())
                 AND ($5::uuid IS NULL OR order_id = $5)
                 AND ($6::uuid IS NULL OR id = $6)
               ORDER BY created_at LIMIT $7 FOR UPDATE SKIP LOCKED)
           RETURNING id, reference, provider, provider_ref AS "provider_ref!", provider_account, amount, currency,
                     created_at AS "created_at: DateTime<Utc>", check_attempts,
                     COALESCE(watched_until > now(), false) AS "watched!""#,
        lease,
        PROVIDERS as &[&str],
        due_only,
        watched_only,
        order,
        payment,
        limit
    )
    .fetch_all(&state.pool)
    .await
    .map_err(respond::internal)?;
    let mut claimed: Vec<Claimed> = rows
        .into_iter()
        .map(|r| Claimed {
            open: Open {
                id: r.id,
                reference: r.reference,
                provider_ref: r.provider_ref,
                account: r.provider_account,
                amount: r.amount,
                currency: r.currency,
            },
            provider: r.provider,
            created_at: r.created_at,
            attempts: r.check_attempts,
            watched: r.watched,
        })
        .collect();
    claimed.sort_by_key(|c| c.created_at);
    Ok(claimed)
}

/// When a payment still open after `attempts` checks is next due.
fn backoff_secs(state: &AppState, attempts: i32, watched: bool) -> i64 {
    let p = &state.config.poller;
    if watched {
        return p.watch_secs.max(1);
    }
    let exp = (attempts - 1).clamp(0, 16) as u32;
    (30_i64.saturating_mul(1 << exp)).min(p.interval_secs.max(1))
}

async fn reschedule(
    state: &AppState,
    id: Uuid,
    secs: i64,
    error: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE payments SET next_check_at = now() + make_interval(secs => $2), last_check_error = $3
         WHERE id = $1",
        id,
        secs as f64,
        error
    )
    .execute(&state.pool)
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// Asks the provider about one payment and applies the answer.
#[tracing::instrument(skip_all, fields(reference = %c.open.reference, provider = %c.provider))]
async fn check_one(state: &AppState, c: &Claimed) -> Line {
    let line = |said: String, changed: Change| Line {
        reference: c.open.reference.clone(),
        provider: c.provider.clone(),
        said,
        changed,
    };
    let Some(provider) = providers::by_name(&c.provider) else {
        return line("no such provider".into(), Change::Error);
    };
    let verdict = provider.check(state, &c.open).await;
    let result = match &verdict {
        Ok(Verdict::Paid {
            amount,
            currency,
            transaction,
        }) => {
            let outcome = Outcome::Paid {
                amount: *amount,
                currency: currency.clone(),
                transaction: transaction.clone(),
            };
            let said = format!("paid {} {currency}", super::show(*amount, currency));
            match settle::settle_reported(
                state,
                provider.name(),
                &c.open.provider_ref,
                None,
                "poll",
                outcome,
            )
            .await
            {
                Ok(Settled::Completed { .. }) => line(said, Change::Settled),
                Ok(_) => line(said, Change::Unchanged),
                Err(SettleError::Mismatch) => line(said, Change::Review),
                Err(e) => line(format!("{said}; {e}"), Change::Error),
            }
        }
        Ok(Verdict::Suspect {
            amount,
            currency,
            transaction,
            reason,
        }) => {
            let outcome = Outcome::Suspect {
                amount: *amount,
                currency: currency.clone(),
                transaction: transaction.clone(),
                reason: reason.clone(),
            };
            let said = format!("paid {}: {reason}", super::show(*amount, currency));
            match settle::settle_reported(
                state,
                provider.name(),
                &c.open.provider_ref,
                None,
                "poll",
                outcome,
            )
            .await
            {
                Ok(_) => line(said, Change::Unchanged),
                Err(SettleError::Mismatch) => line(said, Change::Review),
                Err(e) => line(format!("{said}; {e}"), Change::Error),
            }
        }
        Ok(Verdict::Failed { reason }) => declined(state, provider.name(), c, reason).await,
        Ok(Verdict::Expired) => declined(state, provider.name(), c, "checkout expired").await,
        Ok(Verdict::Open) => {
            let age = Utc::now() - c.created_at;
            if age.num_minutes() >= state.config.poller.expire_minutes {
                match expire(state, c.open.id).await {
                    Ok(true) => line("still open".into(), Change::Expired),
                    Ok(false) => line("still open".into(), Change::Unchanged),
                    Err(e) => line(format!("still open; {e}"), Change::Error),
                }
            } else {
                let next = backoff_secs(state, c.attempts, c.watched);
                match reschedule(state, c.open.id, next, None).await {
                    Ok(()) => line("still open".into(), Change::Unchanged),
                    Err(e) => line(format!("still open; {e}"), Change::Error),
                }
            }
        }
        Err(e) => {
            let next = match e {
                ProviderError::RateLimited => state.config.poller.interval_secs,
                _ => backoff_secs(state, c.attempts, false),
            };
            if let Err(err) = reschedule(state, c.open.id, next, Some(&e.to_string())).await {
                tracing::error!(error = %err, "could not reschedule a check");
            }
            line(e.to_string(), Change::Error)
        }
    };
    match result.changed {
        Change::Error => tracing::warn!(said = %result.said, "payment check failed"),
        Change::Unchanged => tracing::debug!(said = %result.said, "payment still open"),
        changed => {
            tracing::info!(said = %result.said, changed = changed.as_str(), "payment check decided")
        }
    }
    result
}

/// The provider declined the payment, or its checkout lapsed there.
async fn declined(state: &AppState, provider: &str, c: &Claimed, reason: &str) -> Line {
    let outcome = Outcome::Failed {
        reason: reason.to_string(),
    };
    let said = format!("failed: {reason}");
    let changed =
        match settle::settle_reported(state, provider, &c.open.provider_ref, None, "poll", outcome)
            .await
        {
            Ok(Settled::Failed) => Change::Failed,
            Ok(_) => Change::Unchanged,
            Err(e) => {
                tracing::warn!(error = %e, "a declined payment could not be recorded");
                Change::Error
            }
        };
    Line {
        reference: c.open.reference.clone(),
        provider: c.provider.clone(),
        said,
        changed,
    }
}

/// Expires an open payment never verified in time, and alerts the admins; `false` when it was
/// settled meanwhile.
async fn expire(state: &AppState, id: Uuid) -> Result<bool, AppError> {
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let p = ledger::lock(&mut tx, id).await?;
    if !matches!(p.status.as_str(), "PENDING" | "PROCESSING") {
        return Ok(false);
    }
    settle::expire(&mut tx, state, &p).await?;
    let minutes = state.config.poller.expire_minutes.to_string();
    alerts::raise(
        &mut tx,
        &state.config,
        alerts::Alert {
            kind: "payment_expired",
            subject: p.id,
            critical: false,
            args: &[
                ("reference", &p.reference),
                ("description", &p.description),
                ("minutes", &minutes),
                ("url", &state.config.base_url),
            ],
        },
    )
    .await?;
    tx.commit().await.map_err(respond::internal)?;
    Ok(true)
}

/// Checks the payments of `scope`, at most `limit` (none: all of them), `concurrency` at a
/// time.
pub async fn run(state: &AppState, scope: Scope, limit: Option<i64>) -> Result<Report, AppError> {
    let concurrency = state.config.poller.concurrency.max(1);
    let gate = Arc::new(Semaphore::new(concurrency));
    let mut report = Report::default();
    let mut left = limit.unwrap_or(i64::MAX);
    while left > 0 {
        let chunk = claim(state, scope, left.min(500)).await?;
        if chunk.is_empty() {
            break;
        }
        left -= chunk.len() as i64;
        let mut set = JoinSet::new();
        for c in chunk {
            let (state, gate) = (state.clone(), gate.clone());
            set.spawn(async move {
                let _permit = gate.acquire_owned().await;
                check_one(&state, &c).await
            });
        }
        while let Some(done) = set.join_next().await {
            match done {
                Ok(line) => report.lines.push(line),
                Err(e) => tracing::error!(error = %e, "a payment check panicked"),
            }
        }
        if matches!(scope, Scope::Order(_) | Scope::Payment(_)) {
            break;
        }
    }
    Ok(report)
}

/// Records a cycle for `/admin/verification`.
async fn record(
    state: &AppState,
    kind: Kind,
    started: DateTime<Utc>,
    r: &Report,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO poll_cycles (kind, instance, started_at, finished_at, checked, settled, failed, expired, review, errors)
         VALUES ($1, $2, $3::text::timestamptz, now(), $4, $5, $6, $7, $8, $9)",
        kind.as_str(),
        state.config.instance,
        started.to_rfc3339(),
        r.lines.len() as i32,
        r.count(Change::Settled) as i32,
        r.count(Change::Failed) as i32,
        r.count(Change::Expired) as i32,
        r.count(Change::Review) as i32,
        r.count(Change::Error) as i32,
    )
    .execute(&state.pool)
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// A whole cycle now, recorded: the scheduled one, or one an admin or the CLI asked for.
#[tracing::instrument(skip(state), fields(instance = %state.config.instance))]
pub async fn cycle(
    state: &AppState,
    kind: Kind,
    scope: Scope,
    limit: Option<i64>,
) -> Result<Report, AppError> {
    let started = Utc::now();
    let report = run(state, scope, limit).await?;
    record(state, kind, started, &report).await?;
    tracing::info!(
        kind = kind.as_str(),
        checked = report.lines.len(),
        settled = report.count(Change::Settled),
        failed = report.count(Change::Failed),
        expired = report.count(Change::Expired),
        review = report.count(Change::Review),
        errors = report.count(Change::Error),
        ms = (Utc::now() - started).num_milliseconds(),
        "poll cycle"
    );
    Ok(report)
}

/// Whether polling is paused by an admin.
pub async fn paused(state: &AppState) -> Result<bool, AppError> {
    sqlx::query_scalar!("SELECT paused FROM poller_state WHERE id = 1")
        .fetch_optional(&state.pool)
        .await
        .map_err(respond::internal)
        .map(|p| p.unwrap_or(false))
}

/// The job runner's tick: the payments whose payer is waiting, then the scheduled cycle when
/// its time has come (one instance takes it).
pub async fn tick(state: &AppState) -> Result<(), AppError> {
    if paused(state).await? {
        return Ok(());
    }
    let watched = run(state, Scope::Watched, Some(state.config.poller.batch)).await?;
    if !watched.lines.is_empty() {
        tracing::debug!(
            checked = watched.lines.len(),
            "waiting payers' payments checked"
        );
    }
    let due = sqlx::query_scalar!(
        "UPDATE poller_state SET next_cycle_at = now() + make_interval(secs => $1), updated_at = now()
         WHERE id = 1 AND NOT paused AND next_cycle_at <= now() RETURNING id",
        state.config.poller.interval_secs as f64
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)?;
    if due.is_some() {
        cycle(
            state,
            Kind::Scheduled,
            Scope::Due,
            Some(state.config.poller.batch),
        )
        .await?;
    }
    Ok(())
}

/// The payer is on the processing page: check their payment now and every few seconds while
/// they stay (each page load extends the watch by two minutes).
pub async fn watch(state: &AppState, payment_id: Uuid) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE payments SET watched_until = now() + interval '2 minutes',
                next_check_at = LEAST(COALESCE(next_check_at, now()),
                                      GREATEST(COALESCE(polled_at, now() - interval '1 hour') + make_interval(secs => $2), now()))
         WHERE id = $1 AND status IN ('PENDING', 'PROCESSING')",
        payment_id,
        state.config.poller.watch_secs as f64
    )
    .execute(&state.pool)
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// Pauses or resumes polling (the seed's rollback plan, without a deploy).
pub async fn set_paused(state: &AppState, admin: Uuid, paused: bool) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    sqlx::query!(
        "UPDATE poller_state SET paused = $1, paused_by = $2, paused_at = CASE WHEN $1 THEN now() END,
                updated_at = now() WHERE id = 1",
        paused,
        admin
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    crate::platform::audit::audit(
        &mut tx,
        Some(admin),
        if paused {
            "poller.paused"
        } else {
            "poller.resumed"
        },
        "poller",
        Uuid::nil(),
    )
    .await?;
    tx.commit().await.map_err(respond::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_named() {
        assert_eq!(Change::Review.as_str(), "manual review");
        let r = Report {
            lines: vec![
                Line {
                    reference: "PAY-2026-000001".into(),
                    provider: "sumup".into(),
                    said: "paid".into(),
                    changed: Change::Settled,
                },
                Line {
                    reference: "PAY-2026-000002".into(),
                    provider: "sumup".into(),
                    said: "429".into(),
                    changed: Change::Error,
                },
            ],
        };
        assert_eq!(r.count(Change::Settled), 1);
        assert_eq!(r.count(Change::Error), 1);
        assert_eq!(r.count(Change::Expired), 0);
    }
}
