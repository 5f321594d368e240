//! Where families send mobile money: the receiving numbers of each method (several allowed),
//! kept by an admin on `/admin/pay-accounts` and shown wherever a family pays, with the exact
//! amount and the reference to write in the transfer's message so the admin can match it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    domain::Lang,
    error::AppError,
    ui::{lang, tr},
};

/// One receiving number of a mobile-money method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayAccount {
    pub id: Uuid,
    pub method: String,
    pub method_name: (String, String),
    pub number: String,
    pub holder: String,
    pub ussd: String,
}

impl PayAccount {
    fn method_label(&self, l: Lang) -> &str {
        if l == Lang::Fr {
            &self.method_name.1
        } else {
            &self.method_name.0
        }
    }

    /// What a payer types in their operator's menu: the national number in Cameroon, the
    /// international one elsewhere.
    pub fn number_to_type(&self) -> String {
        self.number
            .strip_prefix("+237")
            .map(str::to_string)
            .unwrap_or_else(|| self.number.clone())
    }

    /// The number in groups a person can read out (`+237 6 77 12 34 56`).
    pub fn number_display(&self) -> String {
        match self.number.strip_prefix("+237") {
            Some(national) if national.len() == 9 => {
                let (a, rest) = national.split_at(1);
                let pairs: Vec<&str> = rest
                    .as_bytes()
                    .chunks(2)
                    .filter_map(|c| std::str::from_utf8(c).ok())
                    .collect();
                format!("+237 {a} {}", pairs.join(" "))
            }
            _ => self.number.clone(),
        }
    }

    /// The `tel:` link that dials the USSD code, if there is one.
    pub fn dial_link(&self) -> Option<String> {
        (!self.ussd.is_empty()).then(|| format!("tel:{}", self.ussd.replace('#', "%23")))
    }
}

/// The receiving numbers of the enabled methods. Public: they are printed for payers anyway,
/// and a guest paying an order is not signed in.
#[server(prefix = "/fn", endpoint = "pay_accounts")]
pub async fn pay_accounts() -> Result<Vec<PayAccount>, AppError> {
    use crate::platform::respond;
    respond::reply(
        async {
            let state = respond::state()?;
            store::list(&state.pool).await
        }
        .await,
    )
}

/// Adds a receiving number (admins).
#[server(prefix = "/fn", endpoint = "save_pay_account")]
pub async fn save_pay_account(
    #[server(default)] method: String,
    #[server(default)] number: String,
    #[server(default)] holder: String,
    #[server(default)] ussd: String,
) -> Result<Uuid, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            let fields = store::NewAccount {
                method,
                number,
                holder,
                ussd,
            };
            let id = store::add(&state.pool, admin.id, &fields).await?;
            leptos_axum::redirect("/admin/pay-accounts?saved=1");
            Ok(id)
        }
        .await,
    )
}

/// Removes a receiving number (admins).
#[server(prefix = "/fn", endpoint = "remove_pay_account")]
pub async fn remove_pay_account(id: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
            store::remove(&state.pool, admin.id, id).await?;
            leptos_axum::redirect("/admin/pay-accounts?removed=1");
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub use store::list;

#[cfg(feature = "ssr")]
mod store {
    use sqlx::PgPool;
    use uuid::Uuid;

    use super::PayAccount;
    use crate::{
        domain::{PersonName, PhoneNumber, UssdCode},
        error::{AppError, Echo},
        platform::{audit::audit, respond},
    };

    pub struct NewAccount {
        pub method: String,
        pub number: String,
        pub holder: String,
        pub ussd: String,
    }

    impl NewAccount {
        fn echo(&self) -> Echo {
            [
                ("method", &self.method),
                ("number", &self.number),
                ("holder", &self.holder),
                ("ussd", &self.ussd),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
        }
    }

    pub async fn list(pool: &PgPool) -> Result<Vec<PayAccount>, AppError> {
        let rows = sqlx::query!(
            "SELECT a.id, a.method, m.name_en, m.name_fr, a.number, a.holder, a.ussd
             FROM pay_accounts a JOIN payment_methods m ON m.code = a.method
             WHERE m.enabled
             ORDER BY m.position, m.code, a.position, a.created_at"
        )
        .fetch_all(pool)
        .await
        .map_err(respond::internal)?;
        Ok(rows
            .into_iter()
            .map(|r| PayAccount {
                id: r.id,
                method: r.method,
                method_name: (r.name_en, r.name_fr),
                number: r.number,
                holder: r.holder,
                ussd: r.ussd,
            })
            .collect())
    }

    #[tracing::instrument(skip(pool, f))]
    pub async fn add(pool: &PgPool, admin: Uuid, f: &NewAccount) -> Result<Uuid, AppError> {
        let field = |name: &str, key: &str| AppError::field(name, key, f.echo());
        let method_known = sqlx::query_scalar!(
            "SELECT count(*) FROM payment_methods WHERE code = $1",
            f.method.trim()
        )
        .fetch_one(pool)
        .await
        .map_err(respond::internal)?
        .unwrap_or(0)
            > 0;
        if !method_known {
            return Err(field("method", "error.method_invalid"));
        }
        let number = PhoneNumber::parse(&f.number).map_err(|k| field("number", k))?;
        let holder = PersonName::parse(&f.holder).map_err(|k| field("holder", k))?;
        let ussd = UssdCode::parse(&f.ussd).map_err(|k| field("ussd", k))?;
        let id = Uuid::new_v4();
        let mut tx = pool.begin().await.map_err(respond::internal)?;
        let inserted = sqlx::query!(
            "INSERT INTO pay_accounts (id, method, number, holder, ussd, position)
             SELECT $1, $2, $3, $4, $5, COALESCE(max(position), 0) + 1 FROM pay_accounts WHERE method = $2
             ON CONFLICT (method, number) DO NOTHING",
            id,
            f.method.trim(),
            number.as_ref(),
            holder.as_ref(),
            ussd.as_ref().map(|u| u.as_ref()).unwrap_or("")
        )
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?
        .rows_affected();
        if inserted == 0 {
            return Err(field("number", "error.pay_account_exists"));
        }
        audit(&mut tx, Some(admin), "pay_account.added", "pay_account", id).await?;
        tx.commit().await.map_err(respond::internal)?;
        Ok(id)
    }

    #[tracing::instrument(skip(pool))]
    pub async fn remove(pool: &PgPool, admin: Uuid, id: Uuid) -> Result<(), AppError> {
        let mut tx = pool.begin().await.map_err(respond::internal)?;
        let gone = sqlx::query!("DELETE FROM pay_accounts WHERE id = $1", id)
            .execute(&mut *tx)
            .await
            .map_err(respond::internal)?
            .rows_affected();
        if gone == 0 {
            return Err(AppError::NotFound);
        }
        audit(
            &mut tx,
            Some(admin),
            "pay_account.removed",
            "pay_account",
            id,
        )
        .await?;
        tx.commit().await.map_err(respond::internal)
    }
}

/// A button that copies `text` to the clipboard; an island, shown only once it runs in the
/// browser (without JavaScript there is nothing it could do).
#[island]
pub fn CopyButton(text: String, label: String) -> impl IntoView {
    let live = RwSignal::new(false);
    let copied = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text);
            copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    };
    view! {
        <button type="button" class="button secondary copy" hidden=move || !live.get() on:click=on_click aria-label=tr(&label)>
            {move || tr(if copied.get() { "howto.copied" } else { "howto.copy" })}
        </button>
    }
}

/// Where to send the money: each method's numbers with their holder and USSD code, the exact
/// amount, and the reference for the transfer's message.
#[component]
pub fn HowToPay(
    accounts: Vec<PayAccount>,
    amount: Option<String>,
    reference: Option<String>,
) -> impl IntoView {
    let l = lang();
    if accounts.is_empty() {
        return view! {
            <section class="howto" aria-labelledby="howto-title">
                <h2 id="howto-title">{tr("howto.title")}</h2>
                <p class="muted">{tr("howto.none")}</p>
            </section>
        }
        .into_any();
    }
    let mut methods: Vec<(String, String)> = Vec::new();
    for a in &accounts {
        if !methods.iter().any(|(code, _)| *code == a.method) {
            methods.push((a.method.clone(), a.method_label(l).to_string()));
        }
    }
    view! {
        <section class="howto" aria-labelledby="howto-title">
            <h2 id="howto-title">{tr("howto.title")}</h2>
            {amount.map(|a| view! { <p>{tr("howto.send")} " " <strong class="amount">{a}</strong></p> })}
            {methods.into_iter().map(|(code, name)| {
                let of_method: Vec<PayAccount> = accounts.iter().filter(|a| a.method == code).cloned().collect();
                view! {
                    <div class="howto-method">
                        <h3>{name}</h3>
                        <ul class="pay-accounts">
                            {of_method.into_iter().map(|a| {
                                let dial = a.dial_link();
                                view! {
                                    <li class="pay-account">
                                        <span class="pay-number">{a.number_display()}</span>
                                        " " <CopyButton text=a.number_to_type() label="howto.copy_number".to_string()/>
                                        <br/><span class="muted">{tr("howto.holder")} " " {a.holder.clone()}</span>
                                        {dial.map(|href| view! {
                                            <br/><span class="muted">{tr("howto.dial")} " "</span>
                                            <a href=href class="ussd">{a.ussd.clone()}</a>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                }
            }).collect_view()}
            {reference.map(|r| view! {
                <p class="howto-reference">{tr("howto.reference")} " " <strong class="ref">{r.clone()}</strong>
                " " <CopyButton text=r label="howto.copy_reference".to_string()/></p>
            })}
        </section>
    }
    .into_any()
}

/// `/admin/pay-accounts`: the receiving numbers, added and removed by admins.
#[component]
pub fn AdminPayAccountsPage() -> impl IntoView {
    use crate::ui::{form_state, Field, FormMessage, LoadError, Notice};
    use leptos_router::hooks::use_query_map;
    let query = use_query_map();
    let save = ServerAction::<SavePayAccount>::new();
    let remove = ServerAction::<RemovePayAccount>::new();
    let state = form_state(save);
    let accounts = Resource::new(
        move || (save.version().get(), remove.version().get()),
        |_| pay_accounts(),
    );
    let methods = Resource::new(|| (), |_| super::api::payment_methods());
    let saved = Signal::derive(move || query.read().get("saved").is_some());
    let removed = Signal::derive(move || query.read().get("removed").is_some());
    let l = lang();
    view! {
        <section class="card">
            <h1>{tr("howto.admin_title")}</h1>
            <p class="muted">{tr("howto.admin_intro")}</p>
            <Notice show=saved text="howto.saved"/>
            <Notice show=removed text="howto.removed"/>
            <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
                {move || Suspend::new(async move {
                    match accounts.await {
                        Ok(list) if list.is_empty() => view! { <p>{tr("howto.admin_empty")}</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap" tabindex="0" role="region" aria-label=tr("howto.admin_title")><table class="table">
                                <thead><tr><th scope="col">{tr("howto.number")}</th><th scope="col">{tr("pay.method")}</th><th scope="col">{tr("howto.holder_label")}</th><th scope="col">{tr("howto.ussd")}</th><th scope="col"></th></tr></thead>
                                <tbody>{list.into_iter().map(|a| view! {
                                    <tr>
                                        <th scope="row" class="nowrap">{a.number_display()}</th>
                                        <td>{a.method_label(l).to_string()}</td>
                                        <td>{a.holder.clone()}</td>
                                        <td>{a.ussd.clone()}</td>
                                        <td>
                                            <ActionForm action=remove attr:class="inline-form">
                                                <input type="hidden" name="id" value=a.id.to_string()/>
                                                <button type="submit" class="button danger">{tr("howto.remove")}</button>
                                            </ActionForm>
                                        </td>
                                    </tr>
                                }).collect_view()}</tbody>
                            </table></div>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <section class="card">
            <h2>{tr("howto.add")}</h2>
            <ActionForm action=save attr:novalidate="">
                <FormMessage state/>
                <div class="field">
                    <label for="f-method">{tr("pay.method")}</label>
                    <select id="f-method" name="method">
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                let chosen = state.get().and_then(|e| e.echoed("method").map(String::from)).unwrap_or_default();
                                methods.await.unwrap_or_default().into_iter().map(|(code, en, fr)| {
                                    let selected = code == chosen;
                                    view! { <option value=code selected=selected>{if l == Lang::Fr { fr } else { en }}</option> }
                                }).collect_view()
                            })}
                        </Suspense>
                    </select>
                </div>
                <Field name="number" label="howto.number" kind="tel" hint="field.phone_hint" state/>
                <Field name="holder" label="howto.holder_label" hint="howto.holder_hint" state/>
                <Field name="ussd" label="howto.ussd" hint="howto.ussd_hint" required=false state/>
                <button type="submit" disabled=move || save.pending().get()>{tr("howto.add")}</button>
            </ActionForm>
        </section>
    }
}
