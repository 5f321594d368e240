//! Accounts: registration, login and logout, the account page, password reset links.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
pub mod service;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    domain::{Lang, Role},
    error::AppError,
};

/// The signed-in user as pages see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub language: Lang,
    pub has_family: bool,
    /// Whether they work a door: staff, admins, and the members of an event's door team.
    pub works_door: bool,
}

#[server(prefix = "/fn", endpoint = "me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let Some(u) = auth::current_user().await? else {
                return Ok(None);
            };
            let works_door = u.role.is_staff() || {
                let state = respond::state()?;
                sqlx::query_scalar!(r#"SELECT works_a_door($1) AS "w!""#, u.id)
                    .fetch_one(&state.pool)
                    .await
                    .map_err(respond::internal)?
            };
            Ok(Some(Me {
                name: u.name,
                email: u.email,
                role: u.role,
                language: u.language,
                has_family: u.family_id.is_some(),
                works_door,
            }))
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn start_session(user: &crate::platform::auth::AuthUser) -> Result<(), AppError> {
    use crate::platform::{auth::SESSION_USER_KEY, lang, respond};
    let state = respond::state()?;
    let session = respond::session().await?;
    // A new id at every login, so a session id planted before login is worthless after it.
    session.cycle_id().await.map_err(respond::internal)?;
    session
        .insert(SESSION_USER_KEY, user.id)
        .await
        .map_err(respond::internal)?;
    respond::append_header(
        http::header::SET_COOKIE,
        lang::set_cookie(user.language, state.config.secure_cookies()),
    );
    Ok(())
}

#[server(prefix = "/fn", endpoint = "register")]
pub async fn register(
    name: String,
    email: String,
    phone: String,
    password: String,
    family_name: String,
    #[server(default)] account_kind: String,
) -> Result<(), AppError> {
    use crate::platform::{respond, throttle};
    respond::reply(
        async {
            let state = respond::state()?;
            let lang = crate::ui::initial_lang();
            let ip = respond::client_ip(state.config.trust_proxy).await;
            let echo = vec![
                ("name".into(), name.clone()),
                ("email".into(), email.clone()),
                ("phone".into(), phone.clone()),
                ("family_name".into(), family_name.clone()),
                ("account_kind".into(), account_kind.clone()),
            ];
            let per_hour = state.config.rate.register_per_hour;
            throttle::limit(&state.pool, "register", &ip, per_hour, 3600, echo).await?;
            let input = service::NewAccount {
                name,
                email,
                phone,
                password,
                family_name,
                account_kind,
            };
            let user = service::register(&state.pool, &state.config, input, lang).await?;
            let agent = respond::user_agent();
            security::note_sign_in(&state.pool, &state.config, &user, &ip, &agent).await?;
            start_session(&user).await?;
            leptos_axum::redirect("/family");
            Ok(())
        }
        .await,
    )
}

/// Answers the page to go to next: `/admin` for admins, `/checkin` for door staff, `/family`
/// for everyone else.
#[server(prefix = "/fn", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<String, AppError> {
    use crate::platform::respond;
    respond::reply(
        async {
            let state = respond::state()?;
            let ip = respond::client_ip(state.config.trust_proxy).await;
            let user =
                service::authenticate(&state.pool, &state.config, &email, &password, &ip).await?;
            let agent = respond::user_agent();
            security::note_sign_in(&state.pool, &state.config, &user, &ip, &agent).await?;
            start_session(&user).await?;
            let target = if user.role.is_admin() {
                "/admin"
            } else if user.role.is_staff() {
                // Door staff belong to no family: they work at the door.
                "/checkin"
            } else {
                "/family"
            };
            leptos_axum::redirect(target);
            Ok(target.to_string())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::platform::respond;
    respond::reply(
        async {
            let session = respond::session().await?;
            session.flush().await.map_err(respond::internal)?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            service::change_password(
                &state.pool,
                &state.config,
                &user,
                &current_password,
                &new_password,
            )
            .await?;
            leptos_axum::redirect("/account?saved=password");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    use crate::platform::{respond, throttle};
    respond::reply(
        async {
            let state = respond::state()?;
            let ip = respond::client_ip(state.config.trust_proxy).await;
            let per_client = state.config.rate.forgot_per_hour.saturating_mul(4);
            let echo = vec![("email".into(), email.clone())];
            throttle::limit(&state.pool, "forgot", &ip, per_client, 3600, echo).await?;
            service::request_reset(&state.pool, &state.config, &email).await?;
            leptos_axum::redirect("/forgot?sent=1");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::platform::respond;
    respond::reply(
        async {
            let state = respond::state()?;
            service::reset_password(&state.pool, &state.config, &token, &password).await?;
            leptos_axum::redirect("/login?reset=1");
            Ok(())
        }
        .await,
    )
}
