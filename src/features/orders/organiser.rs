//! An organiser's own SumUp account (seed 004): `/settings/sumup` shows the connection and
//! connects it by OAuth 2.0 (`/settings/sumup/connect` → SumUp → `/settings/sumup/callback`,
//! `state` checked), reconnects it when it stopped working, or disconnects it. Card payments
//! for the organiser's events then go to that account. Organisers are admins and the users who
//! organise an event.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::{
    domain::local_display,
    error::AppError,
    ui::{form_state, tr, FormMessage, LoadError, Notice},
};

/// What the settings page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SumUpSettings {
    /// SumUp is set up for this Tessera (its credentials, or the demo's sandbox).
    pub available: bool,
    /// The built-in sandbox plays SumUp: nothing is charged.
    pub sandbox: bool,
    pub merchant_code: Option<String>,
    pub connected: bool,
    pub connected_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why the connection stopped working, when it did.
    pub reason: Option<String>,
}

#[cfg(feature = "ssr")]
mod server {
    use axum::{
        extract::{Query, State},
        http::{HeaderMap, StatusCode},
        response::{IntoResponse, Redirect, Response},
        routing::get,
        Router,
    };
    use serde::Deserialize;
    use tower_sessions::Session;

    use crate::{
        error::AppError,
        features::payments::accounts::{self, ConnectError},
        i18n::t,
        platform::{
            auth::AuthUser, http::session_user, lang::request_lang, respond, state::AppState,
        },
    };

    /// Admins, and whoever organises an event.
    pub async fn may_connect(state: &AppState, user: &AuthUser) -> Result<bool, AppError> {
        if user.role.is_admin() {
            return Ok(true);
        }
        sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM events WHERE organiser_id = $1) AS "o!""#,
            user.id
        )
        .fetch_one(&state.pool)
        .await
        .map_err(respond::internal)
    }

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route("/settings/sumup/connect", get(connect))
            .route("/settings/sumup/callback", get(callback))
    }

    /// Sends the organiser to SumUp to allow Tessera.
    async fn connect(
        State(state): State<AppState>,
        session: Session,
        headers: HeaderMap,
    ) -> Response {
        let lang = request_lang(&headers);
        let Some(user) = session_user(&state, &session).await else {
            return Redirect::to("/login").into_response();
        };
        match may_connect(&state, &user).await {
            Ok(true) => {}
            Ok(false) => {
                return (StatusCode::FORBIDDEN, t(lang, "error.forbidden")).into_response()
            }
            Err(_) => {
                return (StatusCode::INTERNAL_SERVER_ERROR, t(lang, "error.internal"))
                    .into_response()
            }
        }
        match accounts::authorize_url(&state, user.id).await {
            Ok(url) => Redirect::to(&url).into_response(),
            Err(AppError::NotFound) => {
                (StatusCode::NOT_FOUND, t(lang, "sumup.unavailable")).into_response()
            }
            Err(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, t(lang, "error.internal")).into_response()
            }
        }
    }

    #[derive(Deserialize, Default)]
    struct Callback {
        #[serde(default)]
        code: String,
        #[serde(default)]
        state: String,
        #[serde(default)]
        error: String,
    }

    /// SumUp sends the organiser back: the code becomes their connection, if the `state` is
    /// the one they started. A forged or replayed callback changes nothing.
    async fn callback(
        State(state): State<AppState>,
        session: Session,
        headers: HeaderMap,
        Query(q): Query<Callback>,
    ) -> Response {
        let lang = request_lang(&headers);
        let Some(user) = session_user(&state, &session).await else {
            return (StatusCode::UNAUTHORIZED, t(lang, "error.login_required")).into_response();
        };
        if !q.error.is_empty() {
            return Redirect::to("/settings/sumup?error=sumup.declined").into_response();
        }
        match accounts::finish(&state, user.id, &q.code, &q.state).await {
            Ok(()) => Redirect::to("/settings/sumup?connected=1").into_response(),
            Err(ConnectError::State) => {
                (StatusCode::BAD_REQUEST, t(lang, "sumup.state_refused")).into_response()
            }
            Err(ConnectError::Refused(why)) => {
                tracing::warn!(%why, "SumUp refused the connection");
                Redirect::to("/settings/sumup?error=sumup.refused").into_response()
            }
            Err(ConnectError::Unreachable(why)) => {
                tracing::warn!(%why, "SumUp could not be reached to connect");
                Redirect::to("/settings/sumup?error=sumup.unreachable").into_response()
            }
            Err(ConnectError::Internal(_)) => {
                (StatusCode::INTERNAL_SERVER_ERROR, t(lang, "error.internal")).into_response()
            }
        }
    }
}

#[cfg(feature = "ssr")]
pub use server::{may_connect, routes};

#[server(prefix = "/fn", endpoint = "sumup_settings")]
pub async fn sumup_settings() -> Result<SumUpSettings, AppError> {
    use crate::{
        features::payments::accounts,
        platform::{auth, respond},
    };
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            if !may_connect(&state, &user).await? {
                return Err(AppError::Forbidden);
            }
            let c = accounts::connection(&state, user.id).await?;
            Ok(SumUpSettings {
                available: state.config.sumup.is_some(),
                sandbox: state.config.sumup.as_ref().is_some_and(|s| s.sandbox),
                merchant_code: c.as_ref().map(|c| c.merchant_code.clone()),
                connected: c.as_ref().is_some_and(|c| c.connected),
                connected_at: c.as_ref().map(|c| c.connected_at),
                reason: c.and_then(|c| c.reason),
            })
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "sumup_disconnect")]
pub async fn sumup_disconnect() -> Result<(), AppError> {
    use crate::{
        features::payments::accounts,
        platform::{auth, respond},
    };
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            if !may_connect(&state, &user).await? {
                return Err(AppError::Forbidden);
            }
            accounts::disconnect(&state, user.id).await?;
            leptos_axum::redirect("/settings/sumup?disconnected=1");
            Ok(())
        }
        .await,
    )
}

/// `/settings/sumup`.
#[component]
pub fn SumUpSettingsPage() -> impl IntoView {
    let disconnect = ServerAction::<SumupDisconnect>::new();
    let state = form_state(disconnect);
    let settings = Resource::new(move || disconnect.version().get(), |_| sumup_settings());
    let query = use_query_map();
    let connected_now = Signal::derive(move || query.read().get("connected").is_some());
    let disconnected_now = Signal::derive(move || query.read().get("disconnected").is_some());
    let error = move || {
        query
            .read()
            .get("error")
            .filter(|k| crate::i18n::has_key(k))
    };
    view! {
        <section class="card" id="sumup-settings">
            <h1>{tr("sumup.title")}</h1>
            <p class="lead">{tr("sumup.intro")}</p>
            <p><a href="/settings/mobile-money">{tr("admin.phone_accounts")}</a></p>
            <Notice show=connected_now text="sumup.connected_now"/>
            <Notice show=disconnected_now text="sumup.disconnected_now"/>
            {move || error().map(|k| view! { <p class="alert alert-error" role="alert">{tr(&k)}</p> })}
            <FormMessage state/>
            <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(s) if !s.available => view! { <p>{tr("sumup.unavailable")}</p> }.into_any(),
                        Ok(s) => view! {
                            {s.sandbox.then(|| view! { <p class="badge">{tr("sumup.sandbox")}</p> })}
                            {match (s.connected, s.merchant_code.clone()) {
                                (true, Some(code)) => view! {
                                    <p class="alert alert-ok" role="status" data-status="connected">
                                        {tr("sumup.connected")} " " <strong>{code}</strong>
                                        {s.connected_at.map(|t| view! { " · " {local_display(t)} })}
                                    </p>
                                    <ActionForm action=disconnect>
                                        <button type="submit" class="secondary">{tr("sumup.disconnect")}</button>
                                    </ActionForm>
                                }.into_any(),
                                (false, Some(_)) => view! {
                                    <p class="alert alert-error" role="alert" data-status="disconnected">
                                        {tr("sumup.reconnect_needed")}
                                        {s.reason.clone().map(|r| view! { <br/><span class="muted">{r}</span> })}
                                    </p>
                                    <a class="button" rel="external" href="/settings/sumup/connect">{tr("sumup.reconnect")}</a>
                                }.into_any(),
                                _ => view! {
                                    <p data-status="none">{tr("sumup.not_connected")}</p>
                                    <a class="button" rel="external" href="/settings/sumup/connect">{tr("sumup.connect")}</a>
                                }.into_any(),
                            }}
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
