//! `/billing` and `/billing/subscribe/{plan}`.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    api::{get_billing, get_plan, Subscribe},
    pick, BillingView,
};
use crate::features::payments::api::TopUp;
use crate::{
    domain::local_display,
    ui::{form_state, label, lang, tr, Field, FormMessage, LoadError},
};

fn status_key(status: &str) -> String {
    format!("billing.status.{status}")
}

#[component]
pub fn BillingPage() -> impl IntoView {
    let billing = Resource::new(|| (), |_| get_billing());
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match billing.await {
                    Ok(b) => view! { <BillingBody b/> }.into_any(),
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BillingBody(b: BillingView) -> impl IntoView {
    let l = lang();
    let trialing = b.status == "TRIALING";
    let used = (i64::from(b.trial_days) - b.days_left).clamp(0, i64::from(b.trial_days));
    let days = b.days_left.to_string();
    let countdown = if trialing {
        crate::i18n::tf(l, "billing.trial_left", &[("days", &days)])
    } else {
        crate::i18n::tf(l, "billing.days_left", &[("days", &days)])
    };
    let topup = ServerAction::<TopUp>::new();
    let topup_state = form_state(topup);
    let is_manager = b.is_manager;
    view! {
        <section class="card">
            <h1>{tr("billing.title")} " — " {b.family_name.clone()}</h1>
            <p>
                <strong>{pick(&b.plan_name, l).to_string()}</strong> " "
                <span class=format!("badge status-{}", b.status.to_lowercase()) data-status=b.status.clone()>{tr(&status_key(&b.status))}</span>
            </p>
            <p id="countdown" data-days=b.days_left>{countdown}</p>
            {trialing.then(|| view! {
                <progress max=b.trial_days value=used aria-label=tr("billing.trial_progress")></progress>
            })}
            <p class="muted">{tr("billing.period_end")} ": " {local_display(b.period_end)}</p>
        </section>
        <section class="card">
            <h2>{tr("billing.plans")}</h2>
            <div class="plans">
                {b.plans.iter().map(|p| {
                    let href = format!("/billing/subscribe/{}", p.code.to_lowercase());
                    view! {
                        <article class="plan" data-plan=p.code.clone()>
                            <h3>{pick(&p.name, l).to_string()}</h3>
                            <p class="muted">{pick(&p.limits, l).to_string()}</p>
                            <ul>
                                {p.prices.iter().map(|pr| {
                                    let d = pr.duration_days.to_string();
                                    view! { <li>{pr.display.clone()} " / " {crate::i18n::tf(l, "billing.days", &[("days", &d)])}</li> }
                                }).collect_view()}
                            </ul>
                            {is_manager.then(|| view! { <a class="button" href=href>{tr("billing.choose")}</a> })}
                        </article>
                    }
                }).collect_view()}
            </div>
            {(!is_manager).then(|| view! { <p class="muted">{tr("billing.manager_only")}</p> })}
        </section>
        {is_manager.then(|| view! {
            <section class="card">
                <h2>{tr("billing.wallet")}</h2>
                {if b.wallet.is_empty() {
                    view! { <p id="wallet-balance">{tr("billing.wallet_empty")}</p> }.into_any()
                } else {
                    view! { <ul id="wallet-balance">{b.wallet.iter().map(|(c, v)| view! { <li data-currency=c.clone()>{v.clone()}</li> }).collect_view()}</ul> }.into_any()
                }}
                {b.card_enabled.then(|| view! {
                    <ActionForm action=topup attr:novalidate="">
                        <FormMessage state=topup_state/>
                        <div class="field">
                            <label for="f-amount">{tr("billing.topup_amount")}</label>
                            <input id="f-amount" name="amount" inputmode="decimal" required=true
                                value=move || topup_state.get().and_then(|e| e.echoed("amount").map(String::from))/>
                            <p class="field-error" role="alert" hidden=move || topup_state.get().and_then(|e| e.for_field("amount").map(|_| ())).is_none()>
                                {move || topup_state.get().and_then(|e| e.for_field("amount").map(tr))}
                            </p>
                        </div>
                        <div class="field">
                            <label for="f-currency">{tr("billing.currency")}</label>
                            <select id="f-currency" name="currency">
                                <option value="XAF">"XAF"</option>
                                <option value="USD">"USD"</option>
                                <option value="EUR">"EUR"</option>
                            </select>
                        </div>
                        <button type="submit" disabled=move || topup.pending().get()>{tr("billing.topup")}</button>
                    </ActionForm>
                })}
                {(!b.wallet_moves.is_empty()).then(|| view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="table">
                        <thead><tr><th>{tr("billing.date")}</th><th>{tr("billing.what")}</th><th>{tr("billing.amount")}</th></tr></thead>
                        <tbody>
                            {b.wallet_moves.iter().map(|m| view! {
                                <tr><td>{local_display(m.created_at)}</td><td>{tr(&format!("billing.wallet_kind.{}", m.kind))} " " {m.description.clone()}</td><td>{m.amount.clone()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                })}
            </section>
            <section class="card">
                <h2>{tr("billing.history")}</h2>
                {if b.payments.is_empty() {
                    view! { <p>{tr("billing.no_payments")}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="table" id="payments">
                            <thead><tr><th>{tr("billing.date")}</th><th>{tr("billing.reference")}</th><th>{tr("billing.what")}</th><th>{tr("billing.amount")}</th><th>{tr("billing.status")}</th><th>{tr("billing.invoice")}</th></tr></thead>
                            <tbody>
                                {b.payments.iter().map(|p| view! {
                                    <tr data-reference=p.reference.clone()>
                                        <td>{local_display(p.created_at)}</td>
                                        <td>{p.reference.clone()}</td>
                                        <td>{p.description.clone()} " (" {label("method", &p.method)} ")"</td>
                                        <td>{p.amount.clone()}</td>
                                        <td>{tr(&format!("billing.payment_status.{}", p.status))}</td>
                                        <td>{p.invoice_number.clone().map(|n| view! { <a rel="external" href=format!("/billing/invoices/{n}")>{n.clone()}</a> })}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any()
                }}
            </section>
            <section class="card">
                <h2>{tr("billing.invoices")}</h2>
                {if b.invoices.is_empty() {
                    view! { <p>{tr("billing.no_invoices")}</p> }.into_any()
                } else {
                    view! {
                        <ul id="invoices">
                            {b.invoices.iter().map(|i| {
                                let n = i.number.clone();
                                view! {
                                    <li>
                                        <a rel="external" href=format!("/billing/invoices/{n}")>{n.clone()}</a>
                                        " — " {local_display(i.issued_at)} " — " {i.total.clone()} " · "
                                        <a rel="external" href=format!("/billing/invoices/{n}/pdf")>"PDF"</a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        })}
    }
}

#[component]
pub fn SubscribePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let code = move || params.read().get("plan").unwrap_or_default();
    let plan = Resource::new(code, get_plan);
    let action = ServerAction::<Subscribe>::new();
    let state = form_state(action);
    let l = lang();
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match plan.await {
                    Ok((p, card, phone)) => {
                        // A duration and a way to pay may come chosen (the payment wizard's link).
                        let q = query.get_untracked();
                        let asked: Option<i32> = q.get("duration_days").and_then(|d| d.parse().ok());
                        let first = asked
                            .filter(|d| p.prices.iter().any(|x| x.duration_days == *d))
                            .or_else(|| p.prices.first().map(|x| x.duration_days))
                            .unwrap_or_default();
                        let by_phone = phone.is_some() && q.get("pay_with").as_deref() == Some("phone");
                        let duration_err = move || state.get().and_then(|e| e.for_field("duration_days").map(tr));
                        let pay_err = move || state.get().and_then(|e| e.for_field("pay_with").map(tr));
                        view! {
                            <section class="card">
                                <h1>{tr("billing.subscribe_title")} " — " {pick(&p.name, l).to_string()}</h1>
                                <p class="muted">{pick(&p.limits, l).to_string()}</p>
                                <ActionForm action=action attr:novalidate="">
                                    <FormMessage state/>
                                    <input type="hidden" name="plan" value=p.code.clone()/>
                                    <fieldset>
                                        <legend>{tr("billing.duration")}</legend>
                                        {p.prices.iter().map(|pr| {
                                            let id = format!("d-{}", pr.duration_days);
                                            let d = pr.duration_days.to_string();
                                            view! {
                                                <label for=id.clone() class="choice">
                                                    <input type="radio" id=id.clone() name="duration_days" value=pr.duration_days checked=pr.duration_days == first/>
                                                    {crate::i18n::tf(l, "billing.days", &[("days", &d)])} " — " {pr.display.clone()}
                                                </label>
                                            }
                                        }).collect_view()}
                                        <p class="field-error" role="alert" hidden=move || duration_err().is_none()>{duration_err}</p>
                                    </fieldset>
                                    <fieldset>
                                        <legend>{tr("billing.pay_with")}</legend>
                                        {card.then(|| view! {
                                            <label for="pw-card" class="choice"><input type="radio" id="pw-card" name="pay_with" value="card" checked=!by_phone/>{tr("billing.pay_card")}</label>
                                        })}
                                        <label for="pw-wallet" class="choice"><input type="radio" id="pw-wallet" name="pay_with" value="wallet" checked=!card && !by_phone/>{tr("billing.pay_wallet")}</label>
                                        {phone.is_some().then(|| view! {
                                            <label for="pw-phone" class="choice"><input type="radio" id="pw-phone" name="pay_with" value="phone" checked=by_phone/>{tr("billing.pay_phone")}</label>
                                        })}
                                        <label for="pw-momo" class="choice"><input type="radio" id="pw-momo" name="pay_with" value="mobile_money"/>{tr("billing.pay_mobile_money")}</label>
                                        <p class="field-error" role="alert" hidden=move || pay_err().is_none()>{pay_err}</p>
                                    </fieldset>
                                    {phone.map(|number| view! {
                                        <Field name="phone" label="phone.number_label" kind="tel" autocomplete="tel"
                                            hint="phone.number_hint" value=number required=false state/>
                                    })}
                                    <p class="muted">{tr("billing.card_note")}</p>
                                    <button type="submit" disabled=move || action.pending().get()>{tr("billing.continue")}</button>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
