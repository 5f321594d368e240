//! What every handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;

use super::{
    config::Config, fulfil::Fulfilments, metrics::Metrics, sealed::Sealer, signing::Signer,
    storage::Storage,
};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub storage: Storage,
    pub signer: Signer,
    /// What each payment purpose buys, registered by startup.
    pub fulfil: Fulfilments,
    /// The one HTTP client for providers' APIs, with the configured timeout.
    pub http: reqwest::Client,
    /// Encrypts provider tokens at rest.
    pub sealer: Sealer,
    /// Permits to settle a reported payment (`Config::settle_concurrency`).
    pub settling: Arc<tokio::sync::Semaphore>,
    /// This app's Prometheus registry (`/metrics`).
    pub metrics: Metrics,
    /// Turns true when the server starts shutting down: long-lived responses (the door's live
    /// counters) end then, so that the graceful shutdown does not wait on them.
    pub stopping: Arc<tokio::sync::watch::Sender<bool>>,
}
