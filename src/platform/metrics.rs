//! Prometheus metrics: request latency per route, job runs, and what `/metrics` reads from the
//! database when it is scraped (outbox, payment tickets, the provider poller, the pool). Each
//! app has its own registry (no process-wide recorder), so tests can run many apps at once.
//! `/metrics` is served only with `TESSERA_METRICS_TOKEN` set, to a bearer of that token.

use std::time::Instant;

use axum::{
    body::Body,
    extract::{MatchedPath, State},
    http::Request,
    middleware::Next,
    response::Response,
};
use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

use super::state::AppState;

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: HistogramVec,
    jobs: IntCounterVec,
    outbox: IntGaugeVec,
    pool: IntGaugeVec,
    tickets_pending: IntGauge,
    oldest_ticket: Gauge,
    /// Card and phone payments sent to a provider and not yet settled (read by startup).
    pub payments_waiting: IntGauge,
    pub payments_review: IntGauge,
    pub oldest_payment: Gauge,
    pub poller_lag: Gauge,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("tessera".into()), None)?;
        let requests = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer a request, by method, route (the path pattern) and status class.",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["method", "route", "status"],
        )?;
        let jobs = IntCounterVec::new(
            Opts::new("job_runs_total", "Background job runs, by job and outcome."),
            &["job", "outcome"],
        )?;
        let outbox = IntGaugeVec::new(
            Opts::new(
                "outbox_messages",
                "E-mails and messages waiting or given up, by status.",
            ),
            &["status"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "This instance's database connections, by state.",
            ),
            &["state"],
        )?;
        let int = |name: &str, help: &str| IntGauge::new(name, help);
        let float = |name: &str, help: &str| Gauge::new(name, help);
        let m = Self {
            tickets_pending: int(
                "payment_tickets_pending",
                "Mobile-money proofs waiting for an admin.",
            )?,
            oldest_ticket: float(
                "payment_ticket_oldest_pending_seconds",
                "Age of the oldest proof waiting for an admin (0 when none waits).",
            )?,
            payments_waiting: int(
                "payments_awaiting_verification",
                "Payments sent to a provider whose outcome is not known yet.",
            )?,
            payments_review: int(
                "payments_needing_review",
                "Payments a provider reported in a way a person must check.",
            )?,
            oldest_payment: float(
                "payment_oldest_awaiting_seconds",
                "Age of the oldest payment awaiting verification (0 when none waits).",
            )?,
            poller_lag: float(
                "poller_lag_seconds",
                "Time since the provider poller's last good cycle (-1 before the first).",
            )?,
            registry,
            requests,
            jobs,
            outbox,
            pool,
        };
        m.registry.register(Box::new(m.requests.clone()))?;
        m.registry.register(Box::new(m.jobs.clone()))?;
        m.registry.register(Box::new(m.outbox.clone()))?;
        m.registry.register(Box::new(m.pool.clone()))?;
        m.registry.register(Box::new(m.tickets_pending.clone()))?;
        m.registry.register(Box::new(m.oldest_ticket.clone()))?;
        m.registry.register(Box::new(m.payments_waiting.clone()))?;
        m.registry.register(Box::new(m.payments_review.clone()))?;
        m.registry.register(Box::new(m.oldest_payment.clone()))?;
        m.registry.register(Box::new(m.poller_lag.clone()))?;
        Ok(m)
    }

    /// Counts one run of a background job.
    pub fn job(&self, job: &str, ok: bool) {
        self.jobs
            .with_label_values(&[job, if ok { "ok" } else { "error" }])
            .inc();
    }

    /// The registry in Prometheus's text format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "metrics could not be encoded");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Times every request, labelled by its route's pattern (`/t/{token}`, never the token).
pub async fn time_requests(
    State(state): State<AppState>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let res = next.run(req).await;
    let status = format!("{}xx", res.status().as_u16() / 100);
    state
        .metrics
        .requests
        .with_label_values(&[&method, &route, &status])
        .observe(started.elapsed().as_secs_f64());
    res
}

/// Reads what the database and the pool hold now into the gauges.
pub async fn read_platform(state: &AppState) -> Result<(), sqlx::Error> {
    let m = &state.metrics;
    let row = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM outbox WHERE status = 'PENDING') AS "outbox_pending!",
                  (SELECT count(*) FROM outbox WHERE status = 'FAILED') AS "outbox_failed!",
                  (SELECT count(*) FROM payment_tickets WHERE status = 'PENDING') AS "tickets_pending!",
                  (SELECT extract(epoch FROM now() - min(created_at))::float8 FROM payment_tickets
                      WHERE status = 'PENDING') AS "oldest_ticket?""#
    )
    .fetch_one(&state.pool)
    .await?;
    m.outbox
        .with_label_values(&["PENDING"])
        .set(row.outbox_pending);
    m.outbox
        .with_label_values(&["FAILED"])
        .set(row.outbox_failed);
    m.tickets_pending.set(row.tickets_pending);
    m.oldest_ticket.set(row.oldest_ticket.unwrap_or(0.0));
    let pool = &state.pool;
    let idle = pool.num_idle() as i64;
    m.pool.with_label_values(&["idle"]).set(idle);
    m.pool
        .with_label_values(&["in_use"])
        .set(i64::from(pool.size()) - idle);
    m.pool
        .with_label_values(&["max"])
        .set(i64::from(pool.options().get_max_connections()));
    Ok(())
}
