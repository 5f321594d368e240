//! The family (household): its members, and the manager adding new ones.

#[cfg(feature = "ssr")]
pub mod service;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    error::AppError,
    ui::{form_state, tr, Field, FormMessage, LoadError, Notice},
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub is_manager: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyView {
    pub name: String,
    pub is_manager: bool,
    pub members: Vec<MemberView>,
}

#[server(prefix = "/fn", endpoint = "family")]
pub async fn get_family() -> Result<Option<FamilyView>, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            service::family_of(&state.pool, &user).await
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "add_member")]
pub async fn add_member(name: String, email: String, phone: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            service::add_member(
                &state.pool,
                &state.config,
                &user,
                service::NewMember { name, email, phone },
            )
            .await?;
            leptos_axum::redirect("/family?added=1");
            Ok(())
        }
        .await,
    )
}

#[component]
pub fn FamilyPage() -> impl IntoView {
    let action = ServerAction::<AddMember>::new();
    let family = Resource::new(move || action.version().get(), |_| get_family());
    let state = form_state(action);
    let query = leptos_router::hooks::use_query_map();
    let added = Signal::derive(move || query.read().get("added").is_some());
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match family.await {
                    Ok(Some(f)) => {
                        let is_manager = f.is_manager;
                        view! {
                            <section class="card">
                                <h1>{tr("family.title")} " — " {f.name.clone()}</h1>
                                <h2>{tr("family.members")}</h2>
                                <ul class="members">
                                    {f.members.into_iter().map(|m| view! {
                                        <li>
                                            <strong>{m.name}</strong>
                                            <span class="badge">{tr(if m.is_manager { "family.manager" } else { "family.member" })}</span>
                                            <br/><span class="muted">{m.email} " · " {m.phone}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                            {is_manager.then(|| view! {
                                <section class="card">
                                    <h2>{tr("family.add_title")}</h2>
                                    <p class="muted">{tr("family.add_intro")}</p>
                                    <Notice show=added text="family.added"/>
                                    <ActionForm action=action attr:novalidate="">
                                        <FormMessage state/>
                                        <Field name="name" label="field.name" state/>
                                        <Field name="email" label="field.email" kind="email" state/>
                                        <Field name="phone" label="field.phone" kind="tel" hint="field.phone_hint" state/>
                                        <button type="submit" disabled=move || action.pending().get()>{tr("family.add_submit")}</button>
                                    </ActionForm>
                                </section>
                            })}
                        }.into_any()
                    }
                    Ok(None) => view! { <section class="card"><p>{tr("family.none")}</p></section> }.into_any(),
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
