//! The composition root: the only module that knows every feature. It reads the configuration,
//! opens the database, builds the state, puts every feature's routes behind one router, runs
//! every feature's jobs, and serves.

pub mod cli;
pub mod demo;
mod headers;
pub mod jobs;

use std::sync::Arc;

use axum::{
    middleware,
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use tower_http::{
    compression::predicate::{DefaultPredicate, NotForContentType, Predicate},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use crate::{
    app::{shell, App},
    domain::PaymentPurpose,
    features,
    platform::{
        assets,
        config::{self, Config},
        csrf,
        db::{connect, migrate, MigrateError},
        flash,
        fulfil::Fulfilments,
        health, lang, outbox, sealed, signing,
        state::AppState,
        storage,
    },
};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("configuration: {0}")]
    Config(#[from] config::ConfigError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Migrate(#[from] MigrateError),
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error("leptos configuration: {0}")]
    Leptos(String),
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("token encryption: {0}")]
    Sealer(#[from] sealed::SealerError),
    #[error("mailer: {0}")]
    Mailer(#[from] lettre::transport::smtp::Error),
    #[error("storage: {0}")]
    Storage(#[from] object_store::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

pub fn leptos_options() -> Result<LeptosOptions, StartError> {
    let mut opts = get_configuration(None)
        .map_err(|e| StartError::Leptos(e.to_string()))?
        .leptos_options;
    if opts.output_name.is_empty() {
        opts.output_name = "tessera".into();
    }
    Ok(opts)
}

/// `GET /health/ready`: the database answers (else 503), and how far behind the provider
/// poller is.
async fn ready(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, axum::Json<serde_json::Value>) {
    let (code, mut body) = health::ready(axum::extract::State(state.clone())).await;
    if code.is_success() {
        match features::payments::verification::server::health(&state).await {
            Ok(p) => body.0["poller"] = serde_json::json!(p),
            Err(_) => body.0["poller"] = serde_json::json!("unknown"),
        }
    }
    (code, body)
}

/// `GET /metrics`, Prometheus's text format, to a bearer of `TESSERA_METRICS_TOKEN` (404
/// without one configured, 401 to anyone else). Gauges are read from the database now.
async fn metrics(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::{http::header, http::StatusCode, response::IntoResponse};
    use sha2::{Digest, Sha256};
    let Some(token) = &state.config.metrics_token else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Digests compared, so the time taken says nothing about the token.
    if Sha256::digest(given.as_bytes()) != Sha256::digest(token.expose().as_bytes()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    if let Err(e) = crate::platform::metrics::read_platform(&state).await {
        tracing::error!(error = %e, "metrics: the database could not be read");
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    if let Ok(p) = features::payments::verification::server::health(&state).await {
        let m = &state.metrics;
        m.payments_waiting.set(p.waiting);
        m.payments_review.set(p.review);
        m.oldest_payment
            .set(p.oldest_waiting_secs.unwrap_or(0) as f64);
        m.poller_lag.set(p.lag_secs.unwrap_or(-1) as f64);
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// Every feature's REST routes, under `/api`.
fn api_routes() -> Router<AppState> {
    Router::new()
        .merge(features::accounts::routes::api_routes())
        .merge(features::payment_tickets::rest::routes())
        .merge(features::orders::rest::routes())
        .merge(features::orders::whatsapp::api_routes())
        .merge(features::payments::web::api_routes())
        .merge(features::payments::rest::routes())
}

/// The e-ticket page's route, as Leptos lists it.
const ETICKET_PATH: &str = "/t/{token}";

/// The app's page routes, listed once per process. Listing renders the app with resource
/// loading suppressed process-wide (leptos_server's `SuppressResourceLoad`); a second listing
/// while another router already serves pages (tests start one app each, side by side) would
/// leave a page whose resource started in that window waiting forever (leptos issue #4773).
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole HTTP application: pages, server functions, REST, health, and the layers around them.
pub fn router(state: AppState) -> Router {
    // The e-ticket page has its own handler, which hands the app what it does not serve itself.
    let routes: Vec<_> = route_list()
        .into_iter()
        .filter(|r| r.path() != ETICKET_PATH)
        .collect();
    let session_layer = SessionManagerLayer::new(PostgresStore::new(state.pool.clone()))
        .with_name(crate::platform::auth::SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::days(14),
        ));
    let ctx_state = state.clone();
    let fn_state = state.clone();
    let shell_opts = state.leptos_options.clone();
    let asset_urls = {
        let (root, pkg) = (
            state.leptos_options.site_root.to_string(),
            state.leptos_options.site_pkg_dir.to_string(),
        );
        crate::ui::AssetUrls(std::sync::Arc::new(move |file: &str| {
            assets::versioned(&root, &pkg, file)
        }))
    };
    let eticket_page = {
        let (state, urls, opts) = (
            state.clone(),
            asset_urls.clone(),
            state.leptos_options.clone(),
        );
        let render = leptos_axum::render_app_async_with_context(
            move || {
                provide_context(leptos_router::Method::Get);
                provide_context(state.clone());
                provide_context(urls.clone());
                provide_context(crate::platform::auth::RenderUser::default());
            },
            move || shell(opts.clone()),
        );
        let render: features::orders::eticket_page::RenderPage =
            std::sync::Arc::new(move |req| render(req));
        features::orders::eticket_page::routes(render)
    };
    Router::new()
        .route("/health/live", get(health::live))
        .route("/health/ready", get(ready))
        .route("/metrics", get(metrics))
        .route("/lang", post(lang::switch))
        .nest("/api", api_routes())
        .merge(features::payment_tickets::web::routes())
        .merge(features::statements::web::routes())
        .merge(features::orders::web::routes())
        .merge(eticket_page)
        .merge(features::payments::web::routes())
        .merge(features::payments::providers::sumup_sandbox::routes())
        .merge(features::payments::providers::momo_sandbox::routes())
        .merge(features::payments::providers::orange_sandbox::routes())
        .merge(features::orders::organiser::routes())
        .route(
            "/fn/{*fn_name}",
            post(move |req| {
                let s = fn_state.clone();
                handle_server_fns_with_context(move || provide_context(s.clone()), req)
            }),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(ctx_state.clone());
                provide_context(asset_urls.clone());
                provide_context(crate::platform::auth::RenderUser::default());
            },
            move || shell(shell_opts.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(flash::carry))
        .layer(middleware::from_fn(assets::cache_headers))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::protect))
        .layer(session_layer)
        // Pages, JSON and the stylesheet travel gzipped to browsers that accept it; the
        // WebAssembly bundle is not compressed on every request (too costly per request).
        .layer(tower_http::compression::CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("application/wasm")),
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::platform::metrics::time_requests,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    // LOG_FORMAT=json gives one JSON object per line, for log collectors.
    let json = std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// The state every handler reaches: storage, the signing key, and what each payment purpose
/// buys (the only place where the features' fulfilments are registered).
pub async fn build_state(
    pool: sqlx::PgPool,
    config: Config,
    leptos_options: LeptosOptions,
) -> Result<AppState, StartError> {
    let storage = storage::Storage::from_config(&config)?;
    let signer = signing::Signer::load(&pool, &config).await?;
    // Invoices are attached to e-mails by key and drawn when the e-mail is sent.
    outbox::register_documents(features::payments::invoice::document);
    let config = Arc::new(config);
    let fulfil = Fulfilments::default()
        .with(
            PaymentPurpose::Subscription,
            features::billing::fulfil::Subscription,
        )
        .with(
            PaymentPurpose::Order,
            features::orders::fulfil::Order::new(config.clone(), signer.clone()),
        )
        .with(PaymentPurpose::Topup, features::payments::wallet::TopUp);
    let sealer = sealed::Sealer::load(&pool, &config).await?;
    let settle_permits = config.settle_concurrency;
    // Providers' APIs answer where they are asked; a redirect is not followed (nor is one an
    // OAuth token endpoint could use to send a code elsewhere).
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(config.http_timeout_secs))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    Ok(AppState {
        metrics: crate::platform::metrics::Metrics::new()?,
        leptos_options,
        pool,
        config,
        storage,
        signer,
        fulfil,
        http,
        sealer,
        settling: Arc::new(tokio::sync::Semaphore::new(settle_permits.max(1))),
        stopping: Arc::new(tokio::sync::watch::Sender::new(false)),
    })
}

/// Serves until Ctrl-C or SIGTERM, then lets requests and the job runner finish.
pub async fn serve(config: Config) -> Result<(), StartError> {
    let pool = connect(
        config.database_url.expose(),
        config.pool_size,
        config.statement_cache,
    )
    .await?;
    migrate(&pool).await?;
    if config.demo {
        demo::seed(&pool).await?;
    }
    let leptos_options = leptos_options()?;
    let addr = leptos_options.site_addr;
    let mailer = outbox::Mailer::from_config(&config)?;
    if config.billing.card_gateway == config::CardGateway::Sandbox && !config.demo {
        // The sandbox lets a payer choose "paid": never leave it on where money matters.
        tracing::warn!("PAYMENT_PROVIDER=sandbox: card payments are simulated, nothing is charged");
    }
    let state = build_state(pool, config, leptos_options).await?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let jobs = state
        .config
        .jobs_enabled
        .then(|| jobs::spawn(state.clone(), mailer, stop_rx));
    let stopping = state.stopping.clone();
    let app = router(state);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        stopping.send_replace(true);
    })
    .await?;
    let _ = stop_tx.send(true);
    if let Some(jobs) = jobs {
        let _ = jobs.await;
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
