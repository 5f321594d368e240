//! `/admin/subscriptions`: families and their plans, changed by hand with a reason.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    api::{admin_subscriptions, AdminChangeSubscription},
    pick,
};
use crate::{
    domain::local_display,
    ui::{form_state, lang, tr, FormMessage, LoadError, Notice},
};

#[component]
pub fn AdminSubscriptionsPage() -> impl IntoView {
    let action = ServerAction::<AdminChangeSubscription>::new();
    let state = form_state(action);
    let data = Resource::new(move || action.version().get(), |_| admin_subscriptions());
    let query = use_query_map();
    let changed = Signal::derive(move || query.read().get("changed").is_some());
    let l = lang();
    view! {
        <section class="card">
            <h1>{tr("admin.subscriptions")}</h1>
            <Notice show=changed text="admin.subscription_changed"/>
            <FormMessage state/>
            <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok((rows, plans)) => view! {
                            <div class="table-scroll">
                            <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="table" id="subscriptions">
                                <thead><tr><th>{tr("admin.family")}</th><th>{tr("billing.status")}</th><th>{tr("billing.period_end")}</th><th>{tr("admin.change")}</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| {
                                        let plans = plans.clone();
                                        view! {
                                            <tr data-family=r.family.clone()>
                                                <td>{r.family.clone()} <br/><span class="muted">{r.manager.clone()}</span></td>
                                                <td>{plans.iter().find(|p| p.code == r.plan).map_or_else(|| r.plan.clone(), |p| pick(&p.name, l).to_string())} " · " {(!r.status.is_empty()).then(|| tr(&format!("billing.status.{}", r.status)))}</td>
                                                <td>{r.period_end.map(local_display)}</td>
                                                <td>
                                                    <ActionForm action=action>
                                                        <input type="hidden" name="family_id" value=r.family_id.to_string()/>
                                                        <select name="action" aria-label=tr("admin.change")>
                                                            <option value="extend">{tr("admin.sub.extend")}</option>
                                                            <option value="change_plan">{tr("admin.sub.change_plan")}</option>
                                                            <option value="cancel">{tr("admin.sub.cancel")}</option>
                                                        </select>
                                                        <select name="plan" aria-label=tr("billing.plans")>
                                                            {plans.iter().map(|p| view! { <option value=p.code.clone() selected=p.code == r.plan>{pick(&p.name, l).to_string()}</option> }).collect_view()}
                                                        </select>
                                                        <input name="days" inputmode="numeric" size="4" value="30" aria-label=tr("admin.days")/>
                                                        <input name="reason" required=true placeholder=tr("admin.reason") aria-label=tr("admin.reason")/>
                                                        <button type="submit">{tr("admin.apply")}</button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
