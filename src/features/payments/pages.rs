//! The return pages `/billing/payment/success|fail` and the sandbox checkout.

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    api::{get_payment_result, get_phone_wait, sandbox_payment, PhoneRetry, SandboxChoose},
    PhoneWait,
};
use crate::{
    domain::{failure_key, local_display},
    ui::{form_state, lang, tr, Field, FormMessage, LoadError},
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
                                    {r.failure_reason.clone().map(|f| view! { <dt>{tr("billing.failure_reason")}</dt><dd>{failure_words(f)}</dd> })}
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

/// Seconds as `m:ss`.
fn clock(secs: i64) -> String {
    let s = secs.max(0);
    format!("{}:{:02}", s / 60, s % 60)
}

/// `/pay/phone/{reference}`: approve on the phone, with the operator's approval window running
/// down, then the result. Without JavaScript the page reloads itself every few seconds while
/// it waits; with it, the countdown also ticks every second between reloads.
#[component]
pub fn PhoneWaitPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let reference = move || {
        (
            params.read().get("reference").unwrap_or_default(),
            query.read().get("sig").unwrap_or_default(),
        )
    };
    let wait = Resource::new(reference, |(r, s)| get_phone_wait(r, s));
    let retry = ServerAction::<PhoneRetry>::new();
    let retry_state = form_state(retry);
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match wait.await {
                    Ok(w) => view! { <PhoneWaitBody w retry retry_state/> }.into_any(),
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PhoneWaitBody(
    w: PhoneWait,
    retry: ServerAction<PhoneRetry>,
    retry_state: crate::ui::FormState,
) -> impl IntoView {
    let l = lang();
    let open = matches!(w.status.as_str(), "PENDING" | "PROCESSING") && !w.needs_review;
    let failed = matches!(w.status.as_str(), "FAILED" | "CANCELLED");
    let (left, set_left) = signal(w.seconds_left);
    if open {
        Effect::new(move |_| {
            let tick = set_interval_with_handle(
                move || set_left.update(|s| *s = (*s - 1).max(0)),
                std::time::Duration::from_secs(1),
            );
            on_cleanup(move || {
                if let Ok(h) = tick {
                    h.clear();
                }
            });
        });
    }
    let title = match w.status.as_str() {
        "COMPLETED" => "phone.title_paid",
        _ if w.needs_review => "phone.title_review",
        _ if failed => "phone.title_failed",
        _ => "phone.title_waiting",
    };
    let ask = crate::i18n::tf(
        l,
        "phone.asked",
        &[
            ("amount", &w.amount),
            ("number", &w.number),
            ("operator", &w.operator),
        ],
    );
    let dial = crate::i18n::tf(l, "phone.dial", &[("code", &w.approval_code)]);
    let back = w.here.clone();
    let to_order = w.back_url.starts_with("/orders/");
    let window = w.seconds_left.max(1);
    view! {
        {open.then(|| view! { <Meta http_equiv="refresh" content="4"/> })}
        <section class="card" id="phone-wait" data-status=w.status.clone() aria-live="polite">
            <h1>{tr(title)}</h1>
            {open.then(|| view! {
                <p>{ask.clone()}</p>
                {match w.pay_url.clone() {
                    Some(url) => view! {
                        <p><strong>{tr(if w.aggregator { "phone.notch_open" } else { "phone.orange_open" })}</strong></p>
                        <p><a class="button" id="orange-page" rel="external" href=url>{tr(if w.aggregator { "phone.notch_go" } else { "phone.orange_go" })}</a></p>
                    }.into_any(),
                    None => view! { <p><strong>{dial.clone()}</strong></p> }.into_any(),
                }}
                <p id="countdown" role="timer" data-seconds=w.seconds_left>
                    {tr("phone.time_left")} " " <strong>{move || clock(left.get())}</strong>
                </p>
                <progress max=window value=move || left.get() aria-label=tr("phone.time_left")></progress>
                <p class="muted">{tr("phone.refreshing")}</p>
            })}
            {(w.status == "COMPLETED").then(|| view! {
                <p class="alert alert-ok" role="status">{tr(if to_order { "phone.paid_order" } else { "phone.paid" })}</p>
                {w.period_end.map(|e| view! {
                    <p id="period-end">{tr("billing.period_end")} ": " <strong>{local_display(e)}</strong></p>
                })}
                {w.invoice_number.clone().map(|n| view! {
                    <p><a id="invoice-link" rel="external" href=format!("/billing/invoices/{n}")>{tr("billing.invoice")} " " {n.clone()}</a></p>
                })}
            })}
            {w.needs_review.then(|| view! { <p class="alert alert-error" role="status">{tr("phone.review")}</p> })}
            {failed.then(|| view! {
                <p class="alert alert-error" role="alert" id="phone-reason">{tr(w.reason_key.as_deref().unwrap_or("momo.reason.failed"))}</p>
            })}
            <dl>
                <dt>{tr("billing.reference")}</dt><dd>{w.reference.clone()}</dd>
                <dt>{tr("billing.what")}</dt><dd>{w.description.clone()}</dd>
                <dt>{tr("billing.amount")}</dt><dd>{w.amount.clone()}</dd>
                <dt>{tr("phone.number")}</dt><dd>{w.number.clone()}</dd>
            </dl>
            {(failed && w.plan_code.is_some()).then(|| view! {
                <ActionForm action=retry attr:novalidate="">
                    <FormMessage state=retry_state/>
                    <input type="hidden" name="reference" value=w.reference.clone()/>
                    <Field name="phone" label="phone.number_label" kind="tel" autocomplete="tel"
                        hint="phone.number_hint" value=w.msisdn.clone() state=retry_state/>
                    <button type="submit" disabled=move || retry.pending().get()>{tr("phone.retry")}</button>
                </ActionForm>
            })}
            <p><a class="button secondary" href=w.back_url.clone()>{tr(if to_order { "phone.back_order" } else { "billing.back" })}</a></p>
        </section>
        {w.sandbox_request.map(|id| {
            let action = format!("/sandbox/momo/phone/{id}");
            let choice = move |value: &'static str, label: &'static str, class: &'static str| view! {
                <form method="post" action=action.clone() class="inline">
                    <input type="hidden" name="choice" value=value/>
                    <input type="hidden" name="back" value=back.clone()/>
                    <button type="submit" class=class>{tr(label)}</button>
                </form>
            };
            view! {
                <section class="card sandbox" id="sandbox-phone">
                    <p class="badge">{tr("phone.sandbox_badge")}</p>
                    <h2>{tr("phone.sandbox_title")}</h2>
                    <p class="muted">{tr("phone.sandbox_intro")}</p>
                    <div class="actions">
                        {choice("approve", "phone.sandbox_approve", "")}
                        {choice("decline", "phone.sandbox_decline", "danger")}
                        {choice("no_funds", "phone.sandbox_no_funds", "secondary")}
                    </div>
                </section>
            }
        })}
    }
}

/// A stored failure reason in the reader's words: operators' codes through the catalogue,
/// providers' own sentences as they came.
pub(super) fn failure_words(reason: String) -> String {
    match failure_key(&reason) {
        Some(key) => tr(key).to_string(),
        None => reason,
    }
}
