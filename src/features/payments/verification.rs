//! `/admin/verification`: the poller's health and what waits for a person — recent cycles, the
//! time since the last good one, payments waiting for their provider with their age, payments
//! under review with the provider's amount beside the expected one (complete or fail them, with
//! a reason, through the settle path), a cycle run now, and polling paused or resumed without a
//! deploy (the seed's rollback plan).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::{
    domain::local_display,
    error::AppError,
    ui::{form_state, label, tr, FormMessage, LoadError, Notice},
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleRow {
    pub started_at: DateTime<Utc>,
    pub kind: String,
    pub instance: String,
    pub checked: i32,
    pub settled: i32,
    pub failed: i32,
    pub expired: i32,
    pub review: i32,
    pub errors: i32,
    pub duration_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitingRow {
    pub reference: String,
    pub description: String,
    pub provider: String,
    pub amount: String,
    pub age_minutes: i64,
    pub checks: i32,
    pub last_error: Option<String>,
    pub next_check_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub id: uuid::Uuid,
    pub reference: String,
    pub description: String,
    pub provider: String,
    pub status: String,
    pub expected: String,
    /// What the provider reported, when it said an amount.
    pub reported: Option<String>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// The poller's health, for the page, `/api/monitoring/poller` and `/health/ready`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollerHealth {
    pub paused: bool,
    pub last_cycle_at: Option<DateTime<Utc>>,
    pub last_good_cycle_at: Option<DateTime<Utc>>,
    /// Seconds since the last good cycle.
    pub lag_secs: Option<i64>,
    /// Open payments waiting for their provider, and the oldest one's age.
    pub waiting: i64,
    pub oldest_waiting_secs: Option<i64>,
    pub review: i64,
    pub interval_secs: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub health: PollerHealth,
    pub cycles: Vec<CycleRow>,
    pub waiting: Vec<WaitingRow>,
    pub review: Vec<ReviewRow>,
}

#[cfg(feature = "ssr")]
pub mod server {
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    use super::{CycleRow, Overview, PollerHealth, ReviewRow, WaitingRow};
    use crate::{
        domain::parse_reason,
        error::AppError,
        features::payments::{
            ledger,
            poller::paused,
            settle::{self, facts},
            show,
        },
        platform::{audit::audit_reason, auth::AuthUser, fulfil::Lapse, respond, state::AppState},
    };

    /// The poller's health.
    pub async fn health(state: &AppState) -> Result<PollerHealth, AppError> {
        let h = sqlx::query!(
            r#"SELECT (SELECT max(started_at) FROM poll_cycles) AS "last: DateTime<Utc>",
                      (SELECT max(started_at) FROM poll_cycles WHERE checked = 0 OR errors < checked) AS "good: DateTime<Utc>",
                      (SELECT count(*) FROM payments WHERE status IN ('PENDING', 'PROCESSING') AND provider_ref IS NOT NULL
                          AND NOT needs_review) AS "waiting!",
                      (SELECT extract(epoch FROM now() - min(created_at))::bigint FROM payments
                          WHERE status IN ('PENDING', 'PROCESSING') AND provider_ref IS NOT NULL AND NOT needs_review) AS "oldest?",
                      (SELECT count(*) FROM payments WHERE needs_review) AS "review!""#
        )
        .fetch_one(&state.pool)
        .await
        .map_err(respond::internal)?;
        Ok(PollerHealth {
            paused: paused(state).await?,
            last_cycle_at: h.last,
            last_good_cycle_at: h.good,
            lag_secs: h.good.map(|g| (Utc::now() - g).num_seconds()),
            waiting: h.waiting,
            oldest_waiting_secs: h.oldest,
            review: h.review,
            interval_secs: state.config.poller.interval_secs,
        })
    }

    pub async fn overview(state: &AppState) -> Result<Overview, AppError> {
        let cycles = sqlx::query!(
            r#"SELECT started_at AS "started_at: DateTime<Utc>", kind, instance, checked, settled, failed, expired,
                      review, errors, (extract(epoch FROM finished_at - started_at) * 1000)::bigint AS "ms!"
               FROM poll_cycles ORDER BY started_at DESC LIMIT 20"#
        )
        .fetch_all(&state.pool)
        .await
        .map_err(respond::internal)?
        .into_iter()
        .map(|c| CycleRow {
            started_at: c.started_at,
            kind: c.kind,
            instance: c.instance,
            checked: c.checked,
            settled: c.settled,
            failed: c.failed,
            expired: c.expired,
            review: c.review,
            errors: c.errors,
            duration_ms: c.ms,
        })
        .collect();
        let waiting = sqlx::query!(
            r#"SELECT reference, description, provider, amount, currency, check_attempts, last_check_error,
                      (extract(epoch FROM now() - created_at) / 60)::bigint AS "age!",
                      next_check_at AS "next_check_at: DateTime<Utc>"
               FROM payments WHERE status IN ('PENDING', 'PROCESSING') AND provider_ref IS NOT NULL AND NOT needs_review
               ORDER BY created_at LIMIT 100"#
        )
        .fetch_all(&state.pool)
        .await
        .map_err(respond::internal)?
        .into_iter()
        .map(|w| WaitingRow {
            reference: w.reference,
            description: w.description,
            provider: w.provider,
            amount: show(w.amount, &w.currency),
            age_minutes: w.age,
            checks: w.check_attempts,
            last_error: w.last_check_error,
            next_check_at: w.next_check_at,
        })
        .collect();
        let review = sqlx::query!(
            r#"SELECT id, reference, description, provider, status, amount, currency, provider_amount, provider_currency,
                      COALESCE(review_reason, '') AS "reason!", created_at AS "created_at: DateTime<Utc>"
               FROM payments WHERE needs_review ORDER BY created_at LIMIT 100"#
        )
        .fetch_all(&state.pool)
        .await
        .map_err(respond::internal)?
        .into_iter()
        .map(|r| ReviewRow {
            id: r.id,
            reference: r.reference,
            description: r.description,
            provider: r.provider,
            status: r.status,
            expected: show(r.amount, &r.currency),
            reported: r
                .provider_amount
                .map(|a| show(a, r.provider_currency.as_deref().unwrap_or(&r.currency))),
            reason: r.reason,
            created_at: r.created_at,
        })
        .collect();
        Ok(Overview {
            health: health(state).await?,
            cycles,
            waiting,
            review,
        })
    }

    /// An admin fails a payment under review, with a reason: an open one becomes FAILED
    /// (what it held is released, the payer told); one already closed stays as it is, and what
    /// it bought is released. Through the same settle path as a provider's decline.
    pub async fn fail(
        state: &AppState,
        admin: &AuthUser,
        id: Uuid,
        reason: &str,
    ) -> Result<(), AppError> {
        if !admin.role.is_admin() {
            return Err(AppError::Forbidden);
        }
        let echo = vec![("reason".to_string(), reason.to_string())];
        let reason = parse_reason(reason).map_err(|k| AppError::field("reason", k, echo))?;
        let mut tx = state.pool.begin().await.map_err(respond::internal)?;
        let p = ledger::lock(&mut tx, id).await?;
        if !p.needs_review {
            return Err(AppError::form("error.payment_not_in_review", vec![], 409));
        }
        if matches!(p.status.as_str(), "PENDING" | "PROCESSING") {
            settle::fail(&mut tx, state, &p, &reason, Some(admin.id)).await?;
        } else if let Some(f) = state.fulfil.get(facts(&p, Some(admin.id))?.purpose) {
            f.lapsed(
                &mut tx,
                &facts(&p, Some(admin.id))?,
                &Lapse::Failed {
                    reason: reason.clone(),
                },
            )
            .await?;
        }
        sqlx::query!(
            "UPDATE payments SET needs_review = false, updated_at = now() WHERE id = $1",
            id
        )
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?;
        audit_reason(
            &mut tx,
            admin.id,
            "payment.review_failed",
            "payment",
            id,
            &reason,
        )
        .await?;
        tx.commit().await.map_err(respond::internal)
    }
}

#[server(prefix = "/fn", endpoint = "verification")]
pub async fn verification() -> Result<Overview, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_admin().await?;
            server::overview(&state).await
        }
        .await,
    )
}

/// Runs a cycle now (the seed's `run_payment_polling`), within the usual cap.
#[server(prefix = "/fn", endpoint = "verification_run")]
pub async fn verification_run() -> Result<(), AppError> {
    use super::poller::{cycle, Kind, Scope};
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_admin().await?;
            let cap = state.config.poller.batch;
            cycle(&state, Kind::Manual, Scope::Due, Some(cap)).await?;
            leptos_axum::redirect("/admin/verification?ran=1");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "verification_pause")]
pub async fn verification_pause(pause: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            let pause = pause == "1";
            super::poller::set_paused(&state, admin.id, pause).await?;
            leptos_axum::redirect(if pause {
                "/admin/verification?paused=1"
            } else {
                "/admin/verification?resumed=1"
            });
            Ok(())
        }
        .await,
    )
}

/// Completes (`complete`) or fails (`fail`) a payment under review, with a reason.
#[server(prefix = "/fn", endpoint = "verification_resolve")]
pub async fn verification_resolve(
    payment_id: String,
    action: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use crate::{
        domain::parse_reason,
        platform::{auth, respond},
    };
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            let id = uuid::Uuid::parse_str(payment_id.trim()).map_err(|_| AppError::NotFound)?;
            match action.as_str() {
                "complete" => {
                    let echo = vec![("reason".to_string(), reason.clone())];
                    let reason =
                        parse_reason(&reason).map_err(|k| AppError::field("reason", k, echo))?;
                    super::ledger::confirm(&state, &admin, id, &reason).await?
                }
                "fail" => server::fail(&state, &admin, id, &reason).await?,
                _ => return Err(AppError::BadRequest("action".into())),
            }
            leptos_axum::redirect("/admin/verification?resolved=1");
            Ok(())
        }
        .await,
    )
}

fn ago(secs: Option<i64>) -> String {
    match secs {
        None => "—".into(),
        Some(s) if s < 120 => format!("{s} s"),
        Some(s) if s < 7200 => format!("{} min", s / 60),
        Some(s) => format!("{} h", s / 3600),
    }
}

#[component]
pub fn VerificationPage() -> impl IntoView {
    let run = ServerAction::<VerificationRun>::new();
    let pause = ServerAction::<VerificationPause>::new();
    let resolve = ServerAction::<VerificationResolve>::new();
    let resolve_state = form_state(resolve);
    let data = Resource::new(
        move || {
            (
                run.version().get(),
                pause.version().get(),
                resolve.version().get(),
            )
        },
        |_| verification(),
    );
    let query = use_query_map();
    let flag = move |k: &'static str| Signal::derive(move || query.read().get(k).is_some());
    view! {
        <section class="card" id="verification">
            <h1>{tr("verification.title")}</h1>
            <p class="lead">{tr("verification.intro")}</p>
            <Notice show=flag("ran") text="verification.ran"/>
            <Notice show=flag("paused") text="verification.paused_now"/>
            <Notice show=flag("resumed") text="verification.resumed_now"/>
            <Notice show=flag("resolved") text="verification.resolved"/>
            <FormMessage state=resolve_state/>
            <Transition fallback=|| view! { <p>{tr("page.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(o) => view! { <Body o run pause resolve/> }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Body(
    o: Overview,
    run: ServerAction<VerificationRun>,
    pause: ServerAction<VerificationPause>,
    resolve: ServerAction<VerificationResolve>,
) -> impl IntoView {
    let h = o.health.clone();
    let late = h.lag_secs.is_none_or(|l| l > 2 * h.interval_secs + 60);
    view! {
        <div class="stats">
            <div class={if h.paused { "stat stat-bad" } else { "stat" }} id="poller-state">
                <strong>{tr(if h.paused { "verification.paused" } else { "verification.running" })}</strong>
            </div>
            <div class={if late { "stat stat-bad" } else { "stat" }}>
                <span>{tr("verification.last_good")}</span> <strong id="poller-lag">{ago(h.lag_secs)}</strong>
            </div>
            <div class="stat"><span>{tr("verification.waiting")}</span> <strong id="waiting-count">{h.waiting}</strong></div>
            <div class="stat"><span>{tr("verification.oldest")}</span> <strong>{ago(h.oldest_waiting_secs)}</strong></div>
            <div class={if h.review > 0 { "stat stat-bad" } else { "stat" }}><span>{tr("verification.review")}</span> <strong id="review-count">{h.review}</strong></div>
        </div>
        <div class="actions">
            <ActionForm action=run attr:class="inline">
                <button type="submit" disabled=move || run.pending().get()>{tr("verification.run_now")}</button>
            </ActionForm>
            <ActionForm action=pause attr:class="inline">
                <input type="hidden" name="pause" value={if h.paused { "0" } else { "1" }}/>
                <button type="submit" class="secondary">{tr(if h.paused { "verification.resume" } else { "verification.pause" })}</button>
            </ActionForm>
        </div>

        <h2>{tr("verification.review_title")}</h2>
        {if o.review.is_empty() {
            view! { <p class="muted">{tr("verification.none")}</p> }.into_any()
        } else {
            view! {
                <ul class="cards" id="review">
                    {o.review.into_iter().map(|r| {
                        let id = r.id.to_string();
                        view! {
                            <li class="card">
                                <p><strong>{r.reference.clone()}</strong> " · " {r.description.clone()} " · " {label("provider", &r.provider)}</p>
                                <dl class="facts">
                                    <dt>{tr("verification.expected")}</dt><dd>{r.expected.clone()}</dd>
                                    <dt>{tr("verification.reported")}</dt><dd class="reported">{r.reported.clone().unwrap_or_else(|| "—".into())}</dd>
                                    <dt>{tr("billing.status")}</dt><dd>{tr(&format!("billing.payment_status.{}", r.status))}</dd>
                                    <dt>{tr("verification.why")}</dt><dd>{r.reason.clone()}</dd>
                                </dl>
                                <ActionForm action=resolve>
                                    <input type="hidden" name="payment_id" value=id.clone()/>
                                    <label for=format!("reason-{id}")>{tr("verification.reason")}</label>
                                    <input id=format!("reason-{id}") name="reason" required maxlength="1000"/>
                                    <div class="actions">
                                        <button type="submit" name="action" value="complete">{tr("verification.complete")}</button>
                                        <button type="submit" name="action" value="fail" class="danger">{tr("verification.fail")}</button>
                                    </div>
                                </ActionForm>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}

        <h2>{tr("verification.waiting_title")}</h2>
        {if o.waiting.is_empty() {
            view! { <p class="muted">{tr("verification.none")}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="table" id="waiting">
                    <thead><tr>
                        <th>{tr("billing.reference")}</th><th>{tr("billing.what")}</th><th>{tr("admin.provider")}</th>
                        <th>{tr("billing.amount")}</th><th>{tr("verification.age")}</th><th>{tr("verification.checks")}</th>
                    </tr></thead>
                    <tbody>
                        {o.waiting.into_iter().map(|w| view! {
                            <tr>
                                <td>{w.reference}</td><td>{w.description}</td><td>{label("provider", &w.provider)}</td><td>{w.amount}</td>
                                <td>{format!("{} min", w.age_minutes)}</td>
                                <td>{w.checks} {w.last_error.map(|e| view! { <br/><span class="muted">{e}</span> })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table></div>
                </div>
            }.into_any()
        }}

        <h2>{tr("verification.cycles_title")}</h2>
        <div class="table-scroll">
        <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="table" id="cycles">
            <thead><tr>
                <th>{tr("verification.when")}</th><th>{tr("verification.checked")}</th><th>{tr("verification.settled")}</th>
                <th>{tr("verification.failed")}</th><th>{tr("verification.expired")}</th><th>{tr("verification.review")}</th>
                <th>{tr("verification.errors")}</th><th>{tr("verification.duration")}</th>
            </tr></thead>
            <tbody>
                {o.cycles.into_iter().map(|c| view! {
                    <tr>
                        <td>{local_display(c.started_at)} " " <span class="muted">{tr(&format!("verification.kind.{}", c.kind))}</span></td>
                        <td>{c.checked}</td><td>{c.settled}</td><td>{c.failed}</td><td>{c.expired}</td>
                        <td>{c.review}</td><td>{c.errors}</td><td>{format!("{} ms", c.duration_ms)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
        </div>
    }
}
