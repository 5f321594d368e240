//! The background job runner: each job runs on an interval until shutdown.
//!
//! Jobs hold no state in memory between runs; what they work on is claimed in the database
//! (`FOR UPDATE SKIP LOCKED`), so any number of instances can run them at once.

use std::time::Duration;

use tokio::sync::watch;

use crate::{
    features::payments,
    platform::{outbox, state::AppState},
};

pub fn spawn(
    state: AppState,
    mailer: outbox::Mailer,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(state.config.job_interval_ms));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => run_once(&state, &mailer).await,
                _ = shutdown.changed() => break,
            }
        }
        tracing::info!("job runner stopped");
    })
}

/// One pass over every job; errors are logged and the next pass tries again.
/// Each job's run is counted in `tessera_job_runs_total{job, outcome}`.
pub async fn run_once(state: &AppState, mailer: &outbox::Mailer) {
    let ran = |job: &str, ok: bool| state.metrics.job(job, ok);
    loop {
        match outbox::deliver_due(&state.pool, mailer, &state.config, 20).await {
            Ok(20) => continue,
            Ok(_) => {
                ran("outbox", true);
                break;
            }
            Err(e) => {
                ran("outbox", false);
                tracing::error!(error = %e, "outbox delivery failed");
                break;
            }
        }
    }
    let digest =
        crate::features::payment_tickets::digest::run_if_due(&state.pool, &state.config).await;
    ran("overdue_digest", digest.is_ok());
    match digest {
        Ok(0) => {}
        Ok(n) => tracing::info!(emails = n, "overdue digest queued"),
        Err(e) => tracing::error!(error = %e, "overdue digest failed"),
    }
    let monitor = crate::features::orders::service::monitor(&state.pool, &state.config).await;
    ran("order_monitor", monitor.is_ok());
    match monitor {
        Ok((0, 0)) => {}
        Ok((alerted, expired)) => tracing::info!(alerted, expired, "stuck-payment monitor"),
        Err(e) => tracing::error!(error = %e, "stuck-payment monitor failed"),
    }
    let poll = payments::poller::tick(state).await;
    ran("poller", poll.is_ok());
    if let Err(e) = poll {
        tracing::error!(error = %e, "payment polling failed");
    }
    let refunds = payments::refunds::retry_due(state).await;
    ran("refund_retries", refunds.is_ok());
    match refunds {
        Ok(0) => {}
        Ok(n) => tracing::info!(refunds = n, "refunds accepted on a later attempt"),
        Err(e) => tracing::error!(error = %e, "refund retries failed"),
    }
    let reminders =
        crate::features::billing::service::trial_reminders(&state.pool, &state.config).await;
    ran("trial_reminders", reminders.is_ok());
    match reminders {
        Ok(0) => {}
        Ok(n) => tracing::info!(emails = n, "trial reminders queued"),
        Err(e) => tracing::error!(error = %e, "trial reminders failed"),
    }
    let lapse = crate::features::billing::service::lapse(&state.pool, &state.config).await;
    ran("subscription_lapse", lapse.is_ok());
    match lapse {
        Ok(0) => {}
        Ok(n) => tracing::info!(subscriptions = n, "subscriptions lapsed"),
        Err(e) => tracing::error!(error = %e, "subscription lapse failed"),
    }
    if let Err(e) = payments::accounts::purge_states(state).await {
        tracing::warn!(error = %e, "could not purge old OAuth states");
    }
    if let Err(e) = crate::platform::throttle::purge(&state.pool).await {
        tracing::warn!(error = %e, "could not purge old rate-limit windows");
    }
    // The session table belongs to tower-sessions and is created at start-up, hence unchecked.
    if let Err(e) = sqlx::query("DELETE FROM tower_sessions.session WHERE expiry_date < now()")
        .execute(&state.pool)
        .await
    {
        tracing::warn!(error = %e, "could not purge expired sessions");
    }
}
