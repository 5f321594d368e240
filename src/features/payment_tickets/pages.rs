//! The family's pages: the payment wizard, the list of tickets, and one ticket.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    check_pay_step, kept_pay_details, my_tickets, pay_options, ticket_detail, CancelTicket,
    PayChoices, PayDraft, PayFields,
};
use crate::{
    error::AppError,
    features::payments::instructions::HowToPay,
    ui::{
        lang, tr, Confirm, Field, FormMessage, LoadError, Notice, ProofField, ProofInput,
        ProofPreview,
    },
};

/// The fields an address may carry: they name the payment. The personal ones (the payer's
/// number, the transaction id, the note) are posted and kept in the session (`kept_pay_details`).
const FIELDS: [&str; 4] = ["plan_type", "duration_days", "amount", "payment_method"];

/// A query string carrying the wizard's fields to `step`.
fn wizard_link(step: u8, values: &[(String, String)]) -> String {
    let mut q = format!("/pay?step={step}");
    for (k, v) in values {
        q.push('&');
        q.push_str(k);
        q.push('=');
        q.push_str(&urlencode(v));
    }
    q
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[component]
fn Hidden(
    values: Vec<(String, String)>,
    #[prop(optional)] except: Vec<&'static str>,
) -> impl IntoView {
    values
        .into_iter()
        .filter(|(k, _)| !except.contains(&k.as_str()))
        .map(|(k, v)| view! { <input type="hidden" name=k value=v/> })
        .collect_view()
}

#[component]
fn Steps(current: u8) -> impl IntoView {
    let names = ["pay.step1", "pay.step2", "pay.step3"];
    view! {
        <ol class="steps" aria-label=tr("pay.progress")>
            {names.iter().enumerate().map(|(i, key)| {
                let n = i as u8 + 1;
                view! {
                    <li class:done=n < current class:current=n == current aria-current=(n == current).then_some("step")>
                        <span class="step-n">{n}</span>{tr(key)}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// `/pay`: three steps. Step 1 is a GET form that names the plan; step 2 posts the payment's
/// details to `/pay/details`, which keeps the personal ones in the session and sends the
/// browser to step 3; step 3 posts the proof to `/pay/submit`, with a preview and a progress
/// bar when JavaScript runs. No address ever carries the payer's number or transaction id.
#[component]
pub fn PayPage() -> impl IntoView {
    let query = use_query_map();
    let options = Resource::new(|| (), |_| pay_options());
    let draft = Resource::new(|| (), |_| kept_pay_details());
    let values = move || -> Vec<(String, String)> {
        let q = query.read();
        // Step 1 sends one choice, `offer=PLAN:DAYS`: a plan with one of its own durations.
        let offer = q.get("offer").unwrap_or_default();
        let (plan, days) = offer.split_once(':').unwrap_or_default();
        FIELDS
            .iter()
            .map(|f| {
                let value = match *f {
                    "plan_type" if !plan.is_empty() => plan.to_string(),
                    "duration_days" if !days.is_empty() => days.to_string(),
                    _ => q.get(f).unwrap_or_default(),
                };
                (f.to_string(), value)
            })
            .collect()
    };
    let requested = move || {
        query
            .read()
            .get("step")
            .and_then(|s| s.parse::<u8>().ok())
            .unwrap_or(1)
            .clamp(1, 3)
    };
    // Arriving at step 2 or 3 checks the steps before it on the server.
    let check = Resource::new(
        move || (requested(), values()),
        |(step, v)| async move {
            if step < 2 {
                return Ok(());
            }
            let get = |k: &str| {
                v.iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, x)| x.clone())
                    .unwrap_or_default()
            };
            let fields = PayFields {
                plan_type: get("plan_type"),
                duration_days: get("duration_days"),
                amount: get("amount"),
                payment_method: get("payment_method"),
                phone_number: get("phone_number"),
                transaction_id: get("transaction_id"),
                user_notes: get("user_notes"),
            };
            check_pay_step(step - 1, fields).await
        },
    );
    view! {
        <section class="card narrow wizard">
            <h1>{tr("pay.title")}</h1>
            <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
                {move || Suspend::new(async move {
                    let opts = match options.await {
                        Ok(o) => o,
                        Err(e) => return view! { <LoadError error=e/> }.into_any(),
                    };
                    let checked = check.await;
                    let kept = draft.await.unwrap_or_default();
                    let q = query.get();
                    // An error sent back by /pay/submit, or found by the check above.
                    let redirect_error = q.get("error").filter(|k| crate::i18n::has_key(k)).map(|key| AppError::Invalid {
                        field: q.get("error_field").filter(|f| !f.is_empty()),
                        key,
                        echo: vec![],
                        status: 422,
                        also: Vec::new(),
                    });
                    let (step, error) = match checked {
                        Err(e) => {
                            let back = if e.for_field("plan_type").is_some() || e.for_field("duration_days").is_some() { 1 } else { 2 };
                            (back.min(requested()), Some(e))
                        }
                        Ok(()) => {
                            let step = match redirect_error.as_ref().and_then(|e| match e { AppError::Invalid { field: Some(f), .. } => Some(f.as_str()), _ => None }) {
                                Some("plan_type" | "duration_days") => 1,
                                Some("proof") | None => requested(),
                                Some(_) => 2,
                            };
                            (step, redirect_error)
                        }
                    };
                    let state: Signal<Option<AppError>> = Signal::stored(error);
                    let v = values();
                    view! {
                        <Steps current=step/>
                        {match step {
                            1 => view! { <StepPlan opts=opts.clone() values=v state/> }.into_any(),
                            2 => view! { <StepDetails opts=opts.clone() values=v kept state/> }.into_any(),
                            _ => view! { <StepProof opts=opts.clone() values=v kept state/> }.into_any(),
                        }}
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

fn value_of(values: &[(String, String)], name: &str) -> String {
    values
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

#[component]
fn FieldError(name: &'static str, state: Signal<Option<AppError>>) -> impl IntoView {
    let msg = move || state.get().and_then(|e| e.for_field(name).map(tr));
    view! { <p class="field-error" id=format!("f-{name}-error") role="alert" hidden=move || msg().is_none()>{msg}</p> }
}

#[component]
fn StepPlan(
    opts: PayChoices,
    values: Vec<(String, String)>,
    state: Signal<Option<AppError>>,
) -> impl IntoView {
    let l = lang();
    let chosen = value_of(&values, "plan_type");
    let days = value_of(&values, "duration_days");
    view! {
        <form method="get" action="/pay" class="step-form">
            <input type="hidden" name="step" value="2"/>
            <Hidden values=values.clone() except=vec!["plan_type", "duration_days"]/>
            <fieldset class="field plans">
                <legend>{tr("pay.plan_and_duration")}</legend>
                {opts.plans.iter().map(|p| {
                    let name = if l == crate::domain::Lang::Fr { p.name.1.clone() } else { p.name.0.clone() };
                    let group = name.clone();
                    view! {
                        <div class="plan-card" role="group" aria-label=group>
                            <p class="plan-name"><strong>{name}</strong></p>
                            {p.prices.iter().map(|x| {
                                let id = format!("offer-{}-{}", p.code, x.days);
                                let checked = chosen == p.code && days == x.days.to_string();
                                let for_id = id.clone();
                                view! {
                                    <label class="offer" for=for_id>
                                        <input type="radio" id=id name="offer" value=format!("{}:{}", p.code, x.days) required=true checked=checked/>
                                        <span class="offer-days">{crate::i18n::count(l, "pay.days_count", x.days as i64)}</span>
                                        <span class="amount">{x.display.clone()}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                    }
                }).collect_view()}
                <FieldError name="plan_type" state/>
                <FieldError name="duration_days" state/>
            </fieldset>
            <button type="submit">{tr("pay.next")}</button>
        </form>
    }
}

#[component]
fn StepDetails(
    opts: PayChoices,
    values: Vec<(String, String)>,
    kept: PayDraft,
    state: Signal<Option<AppError>>,
) -> impl IntoView {
    let l = lang();
    let plan = value_of(&values, "plan_type");
    let days: i32 = value_of(&values, "duration_days").parse().unwrap_or(0);
    let price = opts
        .plans
        .iter()
        .find(|p| p.code == plan)
        .and_then(|p| p.prices.iter().find(|x| x.days == days))
        .cloned();
    let amount = Some(value_of(&values, "amount"))
        .filter(|a| !a.is_empty())
        .or(price.as_ref().map(|p| p.amount.to_string()));
    let method = value_of(&values, "payment_method");
    let notes = kept.user_notes.clone();
    view! {
        {opts.phone.then(|| view! {
            <p class="alert alert-info" id="pay-phone-offer">{tr("pay.phone_offer")} " "
                <a href=format!("/billing/subscribe/{}?duration_days={days}&pay_with=phone", plan.to_lowercase())>{tr("pay.phone_offer_link")}</a></p>
        })}
        <form method="post" action="/pay/details" class="step-form" novalidate=true>
            <Hidden values=values.clone() except=vec!["amount", "payment_method"]/>
            <HowToPay accounts=opts.accounts.clone() amount=price.map(|p| p.display) reference=Some(opts.reference.clone())/>
            <div class="field">
                <label for="f-payment_method">{tr("pay.method")}</label>
                <select id="f-payment_method" name="payment_method" required=true>
                    {opts.methods.iter().map(|m| view! {
                        <option value=m.code.clone() selected=method == m.code>{if l == crate::domain::Lang::Fr { m.name.1.clone() } else { m.name.0.clone() }}</option>
                    }).collect_view()}
                </select>
                <FieldError name="payment_method" state/>
            </div>
            <Field name="amount" label="pay.amount" hint="pay.amount_hint" value=amount.unwrap_or_default() state/>
            <Field name="phone_number" label="pay.phone" kind="tel" hint="field.phone_hint" value=kept.phone_number.clone() state/>
            <Field name="transaction_id" label="pay.transaction_id" hint="pay.transaction_id_hint" value=kept.transaction_id.clone() state/>
            <div class="field">
                <label for="f-user_notes">{tr("pay.notes")}</label>
                <textarea id="f-user_notes" name="user_notes" maxlength="1000" rows="3">{notes}</textarea>
                <FieldError name="user_notes" state/>
            </div>
            <div class="actions">
                <a class="button secondary" href=wizard_link(1, &values)>{tr("pay.back")}</a>
                <button type="submit">{tr("pay.next")}</button>
            </div>
        </form>
    }
}

#[component]
fn StepProof(
    opts: PayChoices,
    values: Vec<(String, String)>,
    kept: PayDraft,
    state: Signal<Option<AppError>>,
) -> impl IntoView {
    let l = lang();
    let plan = opts
        .plans
        .iter()
        .find(|p| p.code == value_of(&values, "plan_type"));
    let shown = |name: &str| -> String {
        let raw = value_of(&values, name);
        let pick = |pair: &(String, String)| {
            if l == crate::domain::Lang::Fr {
                pair.1.clone()
            } else {
                pair.0.clone()
            }
        };
        match name {
            "plan_type" => plan.map(|p| pick(&p.name)).unwrap_or(raw),
            "duration_days" => format!("{raw} {}", tr("pay.days")),
            "amount" => plan
                .and_then(|p| crate::domain::Currency::parse(&p.currency).ok())
                .and_then(|c| crate::domain::Money::parse(&raw, c).ok())
                .map(|m| m.format(lang()))
                .unwrap_or(raw),
            "payment_method" => opts
                .methods
                .iter()
                .find(|m| m.code == raw)
                .map(|m| pick(&m.name))
                .unwrap_or(raw),
            "phone_number" => kept.phone_number.clone(),
            "transaction_id" => kept.transaction_id.clone(),
            _ => raw,
        }
    };
    let summary_rows: Vec<(&'static str, String)> = [
        ("pay.plan", "plan_type"),
        ("pay.duration", "duration_days"),
        ("pay.amount", "amount"),
        ("pay.method", "payment_method"),
        ("pay.phone", "phone_number"),
        ("pay.transaction_id", "transaction_id"),
    ]
    .into_iter()
    .map(|(label, name)| (label, shown(name)))
    .collect();
    let proof = ProofField {
        id: "f-proof".into(),
        error: state
            .get_untracked()
            .map(|e| tr(e.message_key()).to_string()),
        submit: "pay.submit".into(),
        back: Some(wizard_link(2, &values)),
    };
    view! {
        <dl class="facts">
            {summary_rows.into_iter().map(|(label, value)| view! { <dt>{tr(label)}</dt><dd>{value}</dd> }).collect_view()}
        </dl>
        <form method="post" action="/pay/submit" enctype="multipart/form-data" class="step-form">
            <Hidden values=values.clone()/>
            <ProofInput field=proof/>
        </form>
    }
}

fn status_class(status: &str) -> &'static str {
    match status {
        "APPROVED" => "badge badge-ok",
        "REJECTED" => "badge badge-error",
        "CANCELLED" => "badge badge-muted",
        _ => "badge badge-pending",
    }
}

pub fn status_badge(status: String) -> impl IntoView {
    let key = format!("status.{status}");
    view! { <span class=status_class(&status)>{tr(&key)}</span> }
}

/// `/tickets`: the caller's tickets, or the whole family's for its manager.
#[component]
pub fn TicketsPage() -> impl IntoView {
    let tickets = Resource::new(|| (), |_| my_tickets());
    view! {
        <section class="card">
            <div class="row"><h1>{tr("tickets.title")}</h1><a class="button" href="/pay">{tr("tickets.new")}</a></div>
            <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
                {move || Suspend::new(async move {
                    match tickets.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">{tr("tickets.none")}</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table>
                                <thead><tr>
                                    <th>{tr("tickets.reference")}</th><th>{tr("pay.amount")}</th><th>{tr("tickets.status")}</th>
                                    <th>{tr("tickets.age")}</th><th>{tr("tickets.submitted_by")}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|t| view! {
                                        <tr>
                                            <td><a href=format!("/tickets/{}", t.reference)>{t.reference.clone()}</a></td>
                                            <td>{t.amount_display.clone()}</td>
                                            <td>{status_badge(t.status.clone())}
                                                {t.is_overdue.then(|| view! { " " <span class="badge badge-error">{tr("tickets.overdue")}</span> })}</td>
                                            <td>{t.age_hours} " h"</td>
                                            <td>{t.submitter_name.clone()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn Timeline(events: Vec<super::api::EventView>) -> impl IntoView {
    view! {
        <ol class="timeline">
            {events.into_iter().map(|e| {
                let key = format!("event.{}", e.kind);
                view! {
                    <li>
                        <strong>{tr(&key)}</strong> " — " {crate::domain::local_display(e.at)}
                        {e.actor.map(|a| view! { " · " {a} })}
                        {(!e.details.is_empty()).then(|| view! { <br/><span class="muted">{e.details.clone()}</span> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

#[component]
pub fn ProofView(reference: String, content_type: Option<String>) -> impl IntoView {
    view! { <ProofPreview src=format!("/tickets/{reference}/proof") content_type/> }
}

/// `/tickets/{reference}`: where a ticket stands, its proof, and while pending: replace or cancel.
#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let cancel = ServerAction::<CancelTicket>::new();
    let reference = move || params.read().get("reference").unwrap_or_default();
    let detail = Resource::new(
        move || (reference(), cancel.version().get()),
        |(r, _)| ticket_detail(r),
    );
    let submitted = Signal::derive(move || query.read().get("submitted").is_some());
    let replaced = Signal::derive(move || query.read().get("replaced").is_some());
    let proof_error = move || {
        query
            .read()
            .get("error")
            .filter(|k| crate::i18n::has_key(k))
            .map(|k| tr(&k).to_string())
    };
    let cancel_state = crate::ui::form_state(cancel);
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => {
                        let t = d.ticket.clone();
                        let l = lang();
                        view! {
                            <section class="card">
                                <Notice show=submitted text="ticket.submitted"/>
                                <Notice show=replaced text="ticket.proof_replaced"/>
                                <h1>{tr("ticket.title")} " " {t.reference.clone()}</h1>
                                <p>{status_badge(t.status.clone())}
                                   {t.is_overdue.then(|| view! { " " <span class="badge badge-error">{tr("tickets.overdue")}</span> })}</p>
                                <dl class="facts">
                                    <dt>{tr("pay.plan")}</dt><dd>{t.plan_label(l).to_string()} " · " {t.duration_days} " " {tr("pay.days")}</dd>
                                    <dt>{tr("pay.amount")}</dt><dd>{t.amount_display.clone()}</dd>
                                    <dt>{tr("pay.method")}</dt><dd>{t.method_label(l).to_string()}</dd>
                                    <dt>{tr("pay.phone")}</dt><dd>{t.phone_number.clone()}</dd>
                                    <dt>{tr("pay.transaction_id")}</dt><dd>{t.transaction_id.clone()}</dd>
                                    <dt>{tr("tickets.age")}</dt><dd>{t.age_hours} " h"</dd>
                                    {t.rejection_reason.clone().map(|r| view! { <dt>{tr("ticket.reason")}</dt><dd>{r}</dd> })}
                                    {d.subscription.clone().map(|s| view! { <dt>{tr("ticket.subscription_end")}</dt><dd>{crate::domain::local_date(s.ends_at)}</dd> })}
                                </dl>
                            </section>
                            <section class="card">
                                <h2>{tr("ticket.proof")}</h2>
                                <ProofView reference=t.reference.clone() content_type=t.proof_content_type.clone()/>
                                {d.can_change.then(|| view! {
                                    <form method="post" action=format!("/tickets/{}/proof", t.reference) enctype="multipart/form-data" class="inline-form">
                                        <div class="field">
                                            <label for="f-proof">{tr("ticket.replace_proof")}</label>
                                            <input id="f-proof" type="file" name="proof" required=true accept=".jpg,.jpeg,.png,.webp,.pdf"/>
                                            <p class="field-error" role="alert" hidden=move || proof_error().is_none()>{proof_error}</p>
                                        </div>
                                        <button type="submit" class="secondary-button">{tr("ticket.replace_submit")}</button>
                                    </form>
                                    <FormMessage state=cancel_state/>
                                    <Confirm label="ticket.cancel" question="ticket.cancel_question">
                                        <ActionForm action=cancel>
                                            <input type="hidden" name="reference" value=t.reference.clone()/>
                                            <button type="submit" class="danger">{tr("ticket.cancel_confirm")}</button>
                                        </ActionForm>
                                    </Confirm>
                                })}
                            </section>
                            <section class="card">
                                <h2>{tr("ticket.timeline")}</h2>
                                <Timeline events=d.events.clone()/>
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
