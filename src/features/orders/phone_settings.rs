//! `/settings/mobile-money`: an organiser's own MTN MoMo, Orange Money and Notch Pay accounts,
//! like their SumUp connection. Each is saved (secrets sealed, never shown again), checked
//! against the operator at once and on demand ("check connection"), pointed at Tessera's
//! built-in sandbox (the demo), the operator's sandbox or live, and removed. Payments from the
//! phone for the organiser's events then go to their account; without one, to the site's.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::{
    domain::local_display,
    error::AppError,
    features::payments::PhoneAccount,
    ui::{form_state, tr, Confirm, Field, FormMessage, FormState, LoadError, Notice},
};

/// What the settings page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhoneSettingsView {
    pub accounts: Vec<PhoneAccount>,
    /// The providers Tessera's own sandbox plays here (the demo).
    pub builtin: Vec<String>,
    /// Payments from the phone are taken for the site without the organiser's account.
    pub site_takes_them: bool,
}

const PROVIDERS: [&str; 3] = ["mtn_momo", "orange_money", "notchpay"];

/// The signed-in user, if they may keep provider accounts (admins and organisers).
#[cfg(feature = "ssr")]
async fn organiser() -> Result<
    (
        crate::platform::state::AppState,
        crate::platform::auth::AuthUser,
    ),
    AppError,
> {
    let state = crate::platform::respond::state()?;
    let user = crate::platform::auth::require_user().await?;
    if !super::organiser::may_connect(&state, &user).await? {
        return Err(AppError::Forbidden);
    }
    Ok((state, user))
}

#[server(prefix = "/fn", endpoint = "phone_settings")]
pub async fn phone_settings() -> Result<PhoneSettingsView, AppError> {
    use crate::{
        features::payments::{phone, phone_accounts, providers::operator_accounts},
        platform::respond,
    };
    respond::reply(
        async {
            let (state, user) = organiser().await?;
            Ok(PhoneSettingsView {
                accounts: phone_accounts::list(&state, user.id).await?,
                builtin: PROVIDERS
                    .iter()
                    .filter(|p| operator_accounts::builtin_on(&state, p))
                    .map(|p| p.to_string())
                    .collect(),
                site_takes_them: phone::available(&state, None).await?,
            })
        }
        .await,
    )
}

// One form per provider posts here; the fields of the other providers stay empty.
#[server(prefix = "/fn", endpoint = "save_phone_account")]
pub async fn save_phone_account(
    provider: String,
    #[server(default)] environment: String,
    #[server(default)] api_user: String,
    #[server(default)] api_key: String,
    #[server(default)] subscription_key: String,
    #[server(default)] client_id: String,
    #[server(default)] client_secret: String,
    #[server(default)] merchant_key: String,
    #[server(default)] public_key: String,
    #[server(default)] hash_key: String,
) -> Result<(), AppError> {
    use crate::{features::payments::phone_accounts, platform::respond};
    respond::reply(
        async {
            let (state, user) = organiser().await?;
            let entered: Vec<(String, String)> = [
                ("api_user", api_user),
                ("api_key", api_key),
                ("subscription_key", subscription_key),
                ("client_id", client_id),
                ("client_secret", client_secret),
                ("merchant_key", merchant_key),
                ("public_key", public_key),
                ("hash_key", hash_key),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            phone_accounts::save(&state, user.id, &provider, &environment, &entered).await?;
            leptos_axum::redirect(&format!("/settings/mobile-money?saved={provider}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "check_phone_account")]
pub async fn check_phone_account(provider: String) -> Result<(), AppError> {
    use crate::{features::payments::phone_accounts, platform::respond};
    respond::reply(
        async {
            let (state, user) = organiser().await?;
            phone_accounts::check(&state, user.id, &provider).await?;
            leptos_axum::redirect(&format!("/settings/mobile-money?checked={provider}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "remove_phone_account")]
pub async fn remove_phone_account(provider: String) -> Result<(), AppError> {
    use crate::{features::payments::phone_accounts, platform::respond};
    respond::reply(
        async {
            let (state, user) = organiser().await?;
            phone_accounts::remove(&state, user.id, &provider).await?;
            leptos_axum::redirect("/settings/mobile-money?removed=1");
            Ok(())
        }
        .await,
    )
}

/// The form's fields for `provider`: name, label key, whether it is secret.
fn fields(provider: &str) -> &'static [(&'static str, &'static str, bool)] {
    match provider {
        "mtn_momo" => &[
            ("api_user", "phone_settings.api_user", false),
            ("api_key", "phone_settings.api_key", true),
            ("subscription_key", "phone_settings.subscription_key", true),
        ],
        "orange_money" => &[
            ("client_id", "phone_settings.client_id", false),
            ("client_secret", "phone_settings.client_secret", true),
            ("merchant_key", "phone_settings.merchant_key", true),
        ],
        _ => &[
            ("public_key", "phone_settings.public_key", true),
            ("hash_key", "phone_settings.hash_key", true),
        ],
    }
}

fn provider_name(provider: &str) -> &'static str {
    match provider {
        "mtn_momo" => "MTN Mobile Money",
        "orange_money" => "Orange Money",
        _ => "Notch Pay",
    }
}

/// `/settings/mobile-money`.
#[component]
pub fn PhoneSettingsPage() -> impl IntoView {
    let save = ServerAction::<SavePhoneAccount>::new();
    let check = ServerAction::<CheckPhoneAccount>::new();
    let remove = ServerAction::<RemovePhoneAccount>::new();
    let state = form_state(save);
    let check_state = form_state(check);
    let remove_state = form_state(remove);
    let settings = Resource::new(
        move || {
            (
                save.version().get(),
                check.version().get(),
                remove.version().get(),
            )
        },
        |_| phone_settings(),
    );
    let query = use_query_map();
    let saved = Signal::derive(move || query.read().get("saved").is_some());
    let checked = Signal::derive(move || query.read().get("checked").is_some());
    let removed = Signal::derive(move || query.read().get("removed").is_some());
    view! {
        <section class="card" id="phone-settings">
            <h1>{tr("phone_settings.title")}</h1>
            <p class="lead">{tr("phone_settings.intro")}</p>
            <p><a href="/settings/sumup">{tr("admin.sumup")}</a></p>
            <Notice show=saved text="phone_settings.saved"/>
            <Notice show=checked text="phone_settings.checked"/>
            <Notice show=removed text="phone_settings.removed"/>
            <FormMessage state=check_state/>
            <FormMessage state=remove_state/>
        </section>
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => view! {
                        <p class="muted">{tr(if s.site_takes_them { "phone_settings.fallback_site" } else { "phone_settings.fallback_none" })}</p>
                        {PROVIDERS.into_iter().map(|p| {
                            let account = s.accounts.iter().find(|a| a.provider == p).cloned();
                            let builtin = s.builtin.iter().any(|b| b == p);
                            view! { <ProviderCard provider=p account builtin save check remove state/> }
                        }).collect_view()}
                    }.into_any(),
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One provider's card: its state, its form, and the check and remove buttons.
#[component]
fn ProviderCard(
    provider: &'static str,
    account: Option<PhoneAccount>,
    builtin: bool,
    save: ServerAction<SavePhoneAccount>,
    check: ServerAction<CheckPhoneAccount>,
    remove: ServerAction<RemovePhoneAccount>,
    state: FormState,
) -> impl IntoView {
    // Errors of the save belong to the card whose form was sent.
    let mine = move || {
        state
            .get()
            .and_then(|e| e.echoed("provider").map(|p| p == provider))
            .unwrap_or(false)
    };
    let card_state: FormState = Signal::derive(move || state.get().filter(|_| mine()));
    let echoed_env = move || {
        card_state
            .get()
            .and_then(|e| e.echoed("environment").map(String::from))
    };
    let stored_env = account.as_ref().map(|a| a.environment.clone());
    let default_env = if builtin { "builtin" } else { "sandbox" };
    let selected = move || {
        echoed_env()
            .or_else(|| stored_env.clone())
            .unwrap_or_else(|| default_env.to_string())
    };
    let env_error = move || {
        card_state
            .get()
            .and_then(|e| e.for_field("environment").map(tr))
    };
    let env_id = format!("f-{provider}-environment");
    let envs: Vec<&'static str> = if builtin {
        vec!["builtin", "sandbox", "live"]
    } else {
        vec!["sandbox", "live"]
    };
    let has_account = account.is_some();
    let status = match &account {
        None => view! { <p data-status="none">{tr("phone_settings.not_set")}</p> }.into_any(),
        Some(a) => {
            let (class, status, key) = if a.working {
                (
                    "alert alert-ok",
                    "working",
                    "phone_settings.working".to_string(),
                )
            } else {
                (
                    "alert alert-error",
                    if a.refused { "refused" } else { "unreachable" },
                    format!(
                        "phone_settings.problem.{}",
                        a.problem.clone().unwrap_or_else(|| "REFUSED".into())
                    ),
                )
            };
            view! {
                <p class=class role="status" data-status=status>
                    {tr(&key)}
                    <br/>
                    <span class="muted">
                        <strong>{a.name.clone()}</strong> " · "
                        {tr(&format!("phone_settings.env.{}", a.environment))}
                        {a.checked_at.map(|t| view! { " · " {tr("phone_settings.checked_at")} " " {local_display(t)} })}
                    </span>
                </p>
            }
            .into_any()
        }
    };
    let webhook = account.as_ref().and_then(|a| a.webhook_url.clone());
    let name_value = account
        .as_ref()
        .filter(|_| provider != "notchpay")
        .map(|a| a.name.clone());
    view! {
        <section class="card" id=format!("phone-{provider}") aria-labelledby=format!("phone-{provider}-title")>
            <h2 id=format!("phone-{provider}-title")>{provider_name(provider)}</h2>
            {status}
            {webhook.map(|url| view! {
                <p>{tr("phone_settings.webhook")}</p>
                <p><code class="break">{url}</code></p>
            })}
            <FormMessage state=card_state/>
            <ActionForm action=save>
                <input type="hidden" name="provider" value=provider/>
                <div class="field" class:field-invalid=move || env_error().is_some()>
                    <label for=env_id.clone()>{tr("phone_settings.environment")}</label>
                    <select id=env_id.clone() name="environment"
                        aria-invalid=move || env_error().is_some().then_some("true")
                        aria-describedby=format!("{env_id}-error")>
                        {envs.into_iter().map(|e| {
                            let selected = selected.clone();
                            view! {
                                <option value=e selected=move || selected() == e>{tr(&format!("phone_settings.env.{e}"))}</option>
                            }
                        }).collect_view()}
                    </select>
                    <p class="field-error" id=format!("{env_id}-error") role="alert" hidden=move || env_error().is_none()>{env_error}</p>
                </div>
                {builtin.then(|| view! { <p class="hint">{tr("phone_settings.builtin_hint")}</p> })}
                {fields(provider).iter().map(|&(name, label, secret)| {
                    let hint = (secret && has_account).then_some("phone_settings.keep_secret");
                    let value = if secret { None } else { name_value.clone() };
                    match (hint, value) {
                        (Some(hint), _) => view! {
                            <Field name label kind="password" autocomplete="off" hint required=false state=card_state/>
                        }.into_any(),
                        (None, Some(value)) => view! {
                            <Field name label autocomplete="off" value state=card_state/>
                        }.into_any(),
                        (None, None) => view! {
                            <Field name label kind=if secret { "password" } else { "text" } autocomplete="off" state=card_state/>
                        }.into_any(),
                    }
                }).collect_view()}
                <button type="submit" disabled=move || save.pending().get()>{tr("phone_settings.save")}</button>
            </ActionForm>
            {has_account.then(|| view! {
                <div class="actions">
                    <ActionForm action=check>
                        <input type="hidden" name="provider" value=provider/>
                        <button type="submit" class="secondary" disabled=move || check.pending().get()>{tr("phone_settings.check")}</button>
                    </ActionForm>
                    <Confirm label="phone_settings.remove" question="phone_settings.remove_question">
                        <ActionForm action=remove>
                            <input type="hidden" name="provider" value=provider/>
                            <button type="submit" class="danger">{tr("phone_settings.remove_confirm")}</button>
                        </ActionForm>
                    </Confirm>
                </div>
            })}
        </section>
    }
}
