//! The return pages `/billing/payment/success|fail` and the sandbox checkout.

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{get_payment_result, sandbox_payment, SandboxChoose};
use crate::{
    domain::local_display,
    ui::{form_state, tr, FormMessage, LoadError},
};

/// `/billing/payment/success` and `/billing/payment/fail`: both show the server's answer.
#[component]
pub fn PaymentResultPage() -> impl IntoView {
    let query = use_query_map();
    let reference = move || query.read().get("ref").unwrap_or_default();
    let result = Resource::new(reference, get_payment_result);
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match result.await {
                    Ok(r) => {
                        let waiting = matches!(r.status.as_str(), "PENDING" | "PROCESSING") && !r.needs_review;
                        let (class, title) = match r.status.as_str() {
                            "COMPLETED" => ("alert alert-ok", "billing.result.completed"),
                            "FAILED" | "CANCELLED" => ("alert alert-error", "billing.result.failed"),
                            _ if r.needs_review => ("alert alert-error", "billing.result.review"),
                            _ => ("alert", "billing.result.waiting"),
                        };
                        view! {
                            {waiting.then(|| view! { <Meta http_equiv="refresh" content="3"/> })}
                            <section class="card" id="payment-result" data-status=r.status.clone()>
                                <h1>{tr(title)}</h1>
                                <p class=class role="status">{tr(&format!("billing.payment_status.{}", r.status))}</p>
                                <dl>
                                    <dt>{tr("billing.reference")}</dt><dd>{r.reference.clone()}</dd>
                                    <dt>{tr("billing.what")}</dt><dd>{r.description.clone()}</dd>
                                    <dt>{tr("billing.amount")}</dt><dd>{r.amount.clone()}</dd>
                                    {r.period_end.filter(|_| r.status == "COMPLETED").map(|e| view! { <dt>{tr("billing.period_end")}</dt><dd>{local_display(e)}</dd> })}
                                    {r.failure_reason.clone().map(|f| view! { <dt>{tr("billing.failure_reason")}</dt><dd>{f}</dd> })}
                                    {r.invoice_number.clone().map(|n| view! {
                                        <dt>{tr("billing.invoice")}</dt>
                                        <dd><a id="invoice-link" rel="external" href=format!("/billing/invoices/{n}")>{n.clone()}</a> " · " <a rel="external" href=format!("/billing/invoices/{n}/pdf")>"PDF"</a></dd>
                                    })}
                                </dl>
                                {waiting.then(|| view! { <p class="muted">{tr("billing.result.refreshing")}</p> })}
                                <a class="button" href="/billing">{tr("billing.back")}</a>
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The sandbox gateway's checkout: no card is asked for; the user picks what happens.
#[component]
pub fn SandboxPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let reference = move || {
        (
            params.read().get("reference").unwrap_or_default(),
            query.read().get("sig").unwrap_or_default(),
        )
    };
    let payment = Resource::new(reference, |(r, s)| sandbox_payment(r, s));
    let action = ServerAction::<SandboxChoose>::new();
    let state = form_state(action);
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match payment.await {
                    Ok(p) => {
                        let open = matches!(p.status.as_str(), "PENDING" | "PROCESSING");
                        let rref = p.reference.clone();
                        let sig = p.sig.clone();
                        let choice = move |value: &'static str, label: &'static str, class: &'static str| {
                            let r = rref.clone();
                            let sig = sig.clone();
                            view! {
                                <ActionForm action=action attr:class="inline">
                                    <input type="hidden" name="reference" value=r/>
                                    <input type="hidden" name="choice" value=value/>
                                    <input type="hidden" name="sig" value=sig/>
                                    <button type="submit" class=class disabled=move || action.pending().get()>{tr(label)}</button>
                                </ActionForm>
                            }
                        };
                        view! {
                            <section class="card sandbox">
                                <p class="badge">{tr("billing.sandbox_badge")}</p>
                                <h1>{tr("billing.sandbox_title")}</h1>
                                <dl>
                                    <dt>{tr("billing.reference")}</dt><dd>{p.reference.clone()}</dd>
                                    <dt>{tr("billing.what")}</dt><dd>{p.description.clone()}</dd>
                                    <dt>{tr("billing.amount")}</dt><dd>{p.amount.clone()}</dd>
                                </dl>
                                <FormMessage state/>
                                {if open {
                                    view! {
                                        <p class="muted">{tr("billing.sandbox_intro")}</p>
                                        <div class="actions">
                                            {choice("success", "billing.sandbox_success", "")}
                                            {choice("fail", "billing.sandbox_fail", "danger")}
                                            {choice("delay", "billing.sandbox_delay", "secondary")}
                                        </div>
                                    }.into_any()
                                } else {
                                    view! { <p>{tr(&format!("billing.payment_status.{}", p.status))}</p> }.into_any()
                                }}
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
