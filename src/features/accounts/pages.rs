//! The pages of accounts: register, log in, forgotten password, reset, my account.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{ChangePassword, ForgotPassword, Login, Register, ResetPassword};
use crate::ui::{form_state, tr, Field, FormMessage, Notice};

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let state = form_state(action);
    let organisation = move || {
        state
            .get()
            .and_then(|e| e.echoed("account_kind").map(|k| k == "organisation"))
            .unwrap_or(false)
    };
    view! {
        <section class="card narrow">
            <h1>{tr("register.title")}</h1>
            <ActionForm action=action attr:novalidate="">
                <FormMessage state/>
                <Field name="name" label="field.name" autocomplete="name" state/>
                <Field name="email" label="field.email" kind="email" autocomplete="email" state/>
                <Field name="phone" label="field.phone" kind="tel" autocomplete="tel" hint="field.phone_hint" state/>
                <Field name="password" label="field.password" kind="password" autocomplete="new-password" hint="field.password_hint" state/>
                <Field name="family_name" label="field.family_name" hint="field.family_name_hint" autocomplete="family-name" state/>
                <fieldset class="field">
                    <legend>{tr("field.account_kind")}</legend>
                    <label class="offer">
                        <input type="radio" name="account_kind" value="family" checked=move || !organisation()/>
                        <span>{tr("field.account_kind.family")}</span>
                    </label>
                    <label class="offer">
                        <input type="radio" name="account_kind" value="organisation" checked=organisation/>
                        <span>{tr("field.account_kind.organisation")}</span>
                    </label>
                </fieldset>
                <button type="submit" disabled=move || action.pending().get()>{tr("register.submit")}</button>
            </ActionForm>
            <p>{tr("register.have_account")} " " <a href="/login">{tr("nav.login")}</a></p>
        </section>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let state = form_state(action);
    let query = use_query_map();
    let reset_done = Signal::derive(move || query.read().get("reset").is_some());
    view! {
        <section class="card narrow">
            <h1>{tr("login.title")}</h1>
            <Notice show=reset_done text="account.password_saved"/>
            <ActionForm action=action attr:novalidate="">
                <FormMessage state/>
                <Field name="email" label="field.email" kind="email" autocomplete="username" state/>
                <Field name="password" label="field.password" kind="password" autocomplete="current-password" state/>
                <button type="submit" disabled=move || action.pending().get()>{tr("login.submit")}</button>
            </ActionForm>
            <p><a href="/forgot">{tr("login.forgot")}</a></p>
            <p>{tr("login.no_account")} " " <a href="/register">{tr("nav.register")}</a></p>
        </section>
    }
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let state = form_state(action);
    let query = use_query_map();
    let sent = Signal::derive(move || query.read().get("sent").is_some());
    view! {
        <section class="card narrow">
            <h1>{tr("forgot.title")}</h1>
            <p>{tr("forgot.intro")}</p>
            <Notice show=sent text="forgot.sent"/>
            <ActionForm action=action attr:novalidate="">
                <FormMessage state/>
                <Field name="email" label="field.email" kind="email" autocomplete="email" state/>
                <button type="submit" disabled=move || action.pending().get()>{tr("forgot.submit")}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let state = form_state(action);
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    view! {
        <section class="card narrow">
            <h1>{tr("reset.title")}</h1>
            <ActionForm action=action attr:novalidate="">
                <FormMessage state/>
                <input type="hidden" name="token" value=token/>
                <Field name="password" label="field.new_password" kind="password" autocomplete="new-password" hint="field.password_hint" state/>
                <button type="submit" disabled=move || action.pending().get()>{tr("reset.submit")}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| super::get_me());
    let action = ServerAction::<ChangePassword>::new();
    let state = form_state(action);
    let query = use_query_map();
    let saved = move |what: &'static str| {
        Signal::derive(move || query.read().get("saved").as_deref() == Some(what))
    };
    let lang = crate::ui::lang();
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! {
                        <section class="card narrow">
                            <h1>{tr("account.title")}</h1>
                            <dl class="facts">
                                <dt>{tr("field.name")}</dt><dd>{me.name.clone()}</dd>
                                <dt>{tr("field.email")}</dt><dd>{me.email.clone()}</dd>
                                <dt>{tr("account.role")}</dt><dd>{tr(&format!("role.{}", me.role.as_str()))}</dd>
                            </dl>
                        </section>
                        <section class="card narrow">
                            <h2>{tr("account.language_title")}</h2>
                            <Notice show=saved("language") text="account.language_saved"/>
                            <form method="post" action="/lang">
                                <input type="hidden" name="next" value="/account?saved=language"/>
                                <div class="field">
                                    <label for="f-language">{tr("field.language")}</label>
                                    <select id="f-language" name="lang">
                                        <option value="en" selected=lang == crate::domain::Lang::En>"English"</option>
                                        <option value="fr" selected=lang == crate::domain::Lang::Fr>"Français"</option>
                                    </select>
                                </div>
                                <button type="submit">{tr("account.language_submit")}</button>
                            </form>
                        </section>
                        <section class="card narrow">
                            <h2>{tr("account.password_title")}</h2>
                            <Notice show=saved("password") text="account.password_saved"/>
                            <ActionForm action=action attr:novalidate="">
                                <FormMessage state/>
                                <Field name="current_password" label="field.current_password" kind="password" autocomplete="current-password" state/>
                                <Field name="new_password" label="field.new_password" kind="password" autocomplete="new-password" hint="field.password_hint" state/>
                                <button type="submit" disabled=move || action.pending().get()>{tr("account.password_submit")}</button>
                            </ActionForm>
                        </section>
                    }.into_any(),
                    Ok(None) => view! { <crate::ui::LoadError error=crate::error::AppError::Unauthorized/> }.into_any(),
                    Err(e) => view! { <crate::ui::LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
