//! Public pages: `/events`, `/events/{slug}` with the order form, the buyer's
//! `/orders/{reference}`, the guest's e-ticket `/t/{token}`, the owner's `/owner/{token}`, and
//! the door's `/checkin` (in `door`).

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    api::{
        buyer_details, get_eticket, get_event, get_order, get_owner_link, list_events, OwnerAct,
        PlaceOrder,
    },
    EventView, OrderView,
};
use crate::{
    domain::local_display,
    features::payments::instructions::{pay_accounts, HowToPay},
    ui::{form_state, lang, tr, Field, FormMessage, LoadError, Notice, ProofField, ProofInput},
};

fn when(e: &EventView) -> String {
    match (e.starts_at, e.ends_at) {
        (Some(s), Some(end)) => format!("{} → {}", local_display(s), local_display(end)),
        (Some(s), None) => local_display(s),
        _ => String::new(),
    }
}

pub fn order_status_badge(status: String) -> impl IntoView {
    let class = match status.as_str() {
        "TICKETS_ISSUED" | "PAID" | "OWNER_CONFIRMED" => "badge badge-ok",
        "OWNER_CANCELLED" | "CANCELLED" | "FAILED" | "EXPIRED" => "badge badge-error",
        _ => "badge badge-warn",
    };
    let key = format!("order.status.{status}");
    view! { <span class=class>{tr(&key)}</span> }
}

/// `/events`: what is on sale.
#[component]
pub fn EventsPage() -> impl IntoView {
    let events = Resource::new(|| (), |_| list_events());
    view! {
        <section class="card">
            <h1>{tr("events.title")}</h1>
            <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">{tr("events.none")}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="event-list">
                                {list.into_iter().map(|e| {
                                    let href = format!("/events/{}", e.slug);
                                    let dates = when(&e);
                                    let unit = if e.kind == "STAY" { "events.per_night" } else { "events.per_place" };
                                    view! {
                                        <li class="event-item">
                                            <a href=href><strong>{e.title.clone()}</strong></a>
                                            <span class="badge">{tr(&format!("events.kind.{}", e.kind))}</span>
                                            <br/><span class="muted">{e.venue.clone()} " " {dates}</span>
                                            <br/>{e.price_display.clone()} " " {tr(unit)}
                                            {e.closed_reason.clone().map(|k| view! { " · " <span class="badge badge-error">{tr(&k)}</span> })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/events/{slug}`: the event or stay, and the order form (no account needed).
#[component]
pub fn EventPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let event = Resource::new(slug, get_event);
    let me = Resource::new(|| (), |_| buyer_details());
    let action = ServerAction::<PlaceOrder>::new();
    let state = form_state(action);
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                let me = me.await.ok().flatten();
                match event.await {
                    Ok(e) => {
                        let stay = e.kind == "STAY";
                        let (name, email, phone) = me.unwrap_or_default();
                        let dates = when(&e);
                        let unit = if stay { "events.per_night" } else { "events.per_place" };
                        view! {
                            <section class="card">
                                <h1>{e.title.clone()}</h1>
                                <p><span class="badge">{tr(&format!("events.kind.{}", e.kind))}</span></p>
                                <dl class="facts">
                                    <dt>{tr(if stay { "events.address" } else { "events.venue" })}</dt><dd>{e.venue.clone()}</dd>
                                    {(!dates.is_empty()).then(|| view! { <dt>{tr("events.when")}</dt><dd>{dates.clone()}</dd> })}
                                    <dt>{tr("events.price")}</dt><dd>{e.price_display.clone()} " " {tr(unit)}</dd>
                                    {e.deposit.clone().map(|d| view! { <dt>{tr("events.deposit")}</dt><dd>{d} " " <span class="muted">{tr("events.deposit_rest")}</span></dd> })}
                                    {(!stay).then(|| view! { <dt>{tr("events.left")}</dt><dd>{e.left} " / " {e.capacity}</dd> })}
                                </dl>
                                <p class="description">{e.description.clone()}</p>
                            </section>
                            <section class="card" id="order">
                                <h2>{tr("order.form_title")}</h2>
                                {match e.closed_reason.clone() {
                                    Some(k) => view! { <p class="alert alert-error" role="alert">{tr(&k)}</p> }.into_any(),
                                    None => view! {
                                        <ActionForm action=action attr:novalidate="">
                                            <FormMessage state/>
                                            <input type="hidden" name="slug" value=e.slug.clone()/>
                                            {stay.then(|| view! {
                                                <Field name="check_in" label="order.check_in" kind="date" state/>
                                                <Field name="check_out" label="order.check_out" kind="date" state/>
                                            })}
                                            <Field name="quantity" label=if stay { "order.guests" } else { "order.quantity" }
                                                kind="number" value="1".to_string() hint=if stay { "order.guests_hint" } else { "order.quantity_hint" } state/>
                                            <Field name="name" label="field.name" autocomplete="name" value=name state/>
                                            <Field name="email" label="field.email" kind="email" autocomplete="email" value=email state/>
                                            <Field name="phone" label="field.phone" kind="tel" autocomplete="tel" hint="field.phone_hint" value=phone state/>
                                            <Field name="referral_code" label="order.referral_code" required=false state/>
                                            <button type="submit" disabled=move || action.pending().get()>{tr("order.submit")}</button>
                                        </ActionForm>
                                    }.into_any(),
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

/// `/orders/{reference}?sig=…`: where the order stands; how to pay; the e-tickets.
#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let order = Resource::new(
        move || {
            (
                params.read().get("reference").unwrap_or_default(),
                query.read().get("sig").unwrap_or_default(),
                query.read().get("card").unwrap_or_default(),
            )
        },
        |(r, s, c)| get_order(r, s, c),
    );
    let proof_sent = Signal::derive(move || query.read().get("proof").is_some());
    let card_failed = Signal::derive(move || query.read().get("card").is_some_and(|c| c == "0"));
    view! {
        <Transition fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(o) => view! {
                        <section class="card">
                            <Notice show=proof_sent text="order.proof_sent"/>
                            <p class="alert alert-error" role="alert" hidden=move || !card_failed.get()>{tr("order.card_failed")}</p>
                            <h1>{tr("order.title")} " " {o.reference.clone()}</h1>
                            <p>{order_status_badge(o.status.clone())}</p>
                            <p class="muted">{tr(&format!("order.explain.{}", o.status))}</p>
                            <OrderFacts order=o.clone()/>
                        </section>
                        {o.verifying.then(|| view! { <Processing/> })}
                        {(matches!(o.status.as_str(), "PAYMENT_PENDING" | "PENDING_VERIFICATION") && !o.verifying).then(|| view! {
                            {(!o.has_proof).then(|| view! { <PayByPhone order=o.clone()/> })}
                            {(!o.has_proof).then(|| view! { <PayByCard order=o.clone()/> })}
                            <PayByProof order=o.clone()/>
                        })}
                        <TicketList order=o.clone()/>
                        <OrderHistory order=o/>
                    }.into_any(),
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// "Processing your payment…": the card payment is being verified with the provider.
#[component]
fn Processing() -> impl IntoView {
    view! {
        <section class="card processing" id="processing" role="status" aria-live="polite">
            // The page asks again by itself every few seconds (pages run no script of their own).
            <meta http-equiv="refresh" content="5"/>
            <h2><span class="spinner" aria-hidden="true"></span> {tr("order.processing_title")}</h2>
            <p>{tr("order.processing_text")}</p>
            <p class="muted">{tr("order.processing_refresh")}</p>
        </section>
    }
}

#[component]
pub fn OrderFacts(order: OrderView) -> impl IntoView {
    let o = order;
    let stay = o.kind == "STAY";
    view! {
        <dl class="facts">
            <dt>{tr(if stay { "events.kind.STAY" } else { "events.kind.EVENT" })}</dt>
            <dd><a href=format!("/events/{}", o.event_slug)>{o.event_title.clone()}</a></dd>
            {o.check_in.clone().map(|d| view! { <dt>{tr("order.check_in")}</dt><dd>{d}</dd> })}
            {o.check_out.clone().map(|d| view! { <dt>{tr("order.check_out")}</dt><dd>{d} " (" {o.nights} " " {tr("order.nights")} ")"</dd> })}
            <dt>{tr(if stay { "order.guests" } else { "order.quantity" })}</dt><dd>{o.quantity}</dd>
            <dt>{tr("order.buyer")}</dt><dd>{o.buyer_name.clone()} " · " {o.buyer_email.clone()} " · " {o.buyer_phone.clone()}</dd>
            <dt>{tr("order.subtotal")}</dt><dd>{o.subtotal.clone()}</dd>
            {o.referral_code.clone().map(|c| view! { <dt>{tr("order.discount")}</dt><dd>"−" {o.discount.clone()} " (" {c} ")"</dd> })}
            <dt>{tr("order.total")}</dt><dd><strong>{o.total.clone()}</strong></dd>
            <dt>{tr("order.paid")}</dt><dd>{o.amount_paid.clone()}</dd>
            {o.refund_status.clone().map(|r| view! {
                <dt>{tr("order.refund")}</dt>
                <dd>{tr(&format!("refund.status.{r}"))} " · " {o.refund_amount.clone()} {o.refund_id.clone().map(|i| format!(" · {i}"))}</dd>
            })}
            {o.cancel_reason.clone().map(|r| view! { <dt>{tr("order.cancel_reason")}</dt><dd>{r}</dd> })}
        </dl>
    }
}

/// Paying from the phone (MTN MoMo, Orange Money), when an operator is configured: a
/// whole-page form, as the answer may send the browser to Orange's page. A payment under way is
/// offered again, never a second one.
#[component]
fn PayByPhone(order: OrderView) -> impl IntoView {
    use super::api::OrderPhonePay;
    use leptos::server_fn::ServerFn;
    let action = ServerAction::<OrderPhonePay>::new();
    let state = crate::ui::form_state(action);
    let error = move || state.get().and_then(|e| e.for_field("phone").map(tr));
    let typed = order.buyer_phone.clone();
    let value = move || {
        state
            .get()
            .and_then(|e| e.echoed("phone").map(String::from))
            .unwrap_or_else(|| typed.clone())
    };
    order.phone_available.then(|| view! {
        <section class="card" id="pay-phone">
            <h2>{tr("order.pay_phone_title")}</h2>
            <p>{tr("order.pay_phone_intro")} " " <strong>{order.due_now.clone()}</strong></p>
            {match order.phone_open.clone() {
                Some(url) => view! {
                    <p class="alert" role="status">{tr("order.phone_open")}</p>
                    <a class="button" rel="external" href=url>{tr("order.phone_continue")}</a>
                }.into_any(),
                None => view! {
                    <form method="post" action=OrderPhonePay::url() novalidate=true>
                        <input type="hidden" name="reference" value=order.reference.clone()/>
                        <input type="hidden" name="sig" value=order.sig.clone()/>
                        <div class="field" class:field-invalid=move || error().is_some()>
                            <label for="f-order-phone">{tr("phone.number_label")}</label>
                            <input id="f-order-phone" name="phone" type="tel" autocomplete="tel" required=true
                                aria-describedby="f-order-phone-hint" aria-invalid=move || error().is_some().then_some("true") prop:value=value.clone() value=value/>
                            <p class="hint" id="f-order-phone-hint">{tr("phone.number_hint")}</p>
                            <p class="field-error" role="alert" hidden=move || error().is_none()>{error}</p>
                        </div>
                        <button type="submit">{tr("order.pay_phone")}</button>
                    </form>
                }.into_any(),
            }}
        </section>
    })
}

/// Card payment through the organiser's SumUp account or the configured provider (shown only
/// when one takes cards). An open checkout is offered again, never a second one.
#[component]
fn PayByCard(order: OrderView) -> impl IntoView {
    use super::api::OrderCardCheckout;
    use leptos::server_fn::ServerFn;
    let action = ServerAction::<OrderCardCheckout>::new();
    let state = crate::ui::form_state(action);
    order.card_available.then(|| view! {
        <section class="card" id="pay-card">
            <h2>{tr("order.pay_card_title")}</h2>
            <p>{tr("order.pay_card_intro")} " " <strong>{order.due_now.clone()}</strong></p>
            {order.balance_due.clone().map(|b| view! { <p class="muted">{tr("order.balance_on_arrival")} " " {b}</p> })}
            {match order.card_open.clone() {
                Some(url) => view! {
                    <p class="alert" role="status">{tr("order.card_open")}</p>
                    <a class="button" rel="external" href=url>{tr("order.card_continue")}</a>
                }.into_any(),
                // A whole-page form even with JavaScript: the answer sends the browser to the
                // provider's page, which the client-side router must not try to render (the
                // built-in sandbox's page is on this origin). A refusal comes back here.
                None => view! {
                    <crate::ui::FormMessage state/>
                    <form method="post" action=OrderCardCheckout::url()>
                        <input type="hidden" name="reference" value=order.reference.clone()/>
                        <input type="hidden" name="sig" value=order.sig.clone()/>
                        <button type="submit">{tr("order.pay_card")}</button>
                    </form>
                }.into_any(),
            }}
        </section>
    })
}

/// The buyer's mobile-money proof: a plain multipart form (works without JavaScript); a refusal
/// comes back here with the fields typed and the reason.
#[component]
fn PayByProof(order: OrderView) -> impl IntoView {
    let query = use_query_map();
    let methods = Resource::new(|| (), |_| crate::features::payments::api::payment_methods());
    let pay_accounts = Resource::new(|| (), |_| pay_accounts());
    let q = move |k: &str| query.read().get(k).unwrap_or_default();
    let error = move || {
        query
            .read()
            .get("error")
            .filter(|k| crate::i18n::has_key(k))
            .map(|k| tr(&k).to_string())
    };
    let action = format!("/orders/{}/proof?sig={}", order.reference, order.sig);
    let l = lang();
    view! {
        <section class="card" id="pay">
            <h2>{tr("order.pay_title")}</h2>
            <p>{tr("order.pay_intro")}</p>
            <Suspense fallback=|| ()>
                {
                    let (due, reference) = (order.due_now.clone(), order.reference.clone());
                    move || {
                        let (due, reference) = (due.clone(), reference.clone());
                        Suspend::new(async move {
                            let accounts = pay_accounts.await.unwrap_or_default();
                            view! { <HowToPay accounts amount=Some(due) reference=Some(reference)/> }
                        })
                    }
                }
            </Suspense>
            {order.has_proof.then(|| view! { <p class="alert alert-ok" role="status">{tr("order.proof_received")}</p> })}
            {error().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
            <form method="post" action=action enctype="multipart/form-data">
                <div class="field">
                    <label for="o-method">{tr("pay.method")}</label>
                    <select id="o-method" name="payment_method" required>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                let chosen = q("payment_method");
                                methods.await.unwrap_or_default().into_iter().map(|(code, en, fr)| {
                                    let label = if l == crate::domain::Lang::Fr { fr } else { en };
                                    let selected = code == chosen;
                                    view! { <option value=code selected=selected>{label}</option> }
                                }).collect_view()
                            })}
                        </Suspense>
                    </select>
                </div>
                <div class="field">
                    <label for="o-phone">{tr("pay.phone")}</label>
                    <input id="o-phone" name="phone_number" type="tel" required value=move || q("phone_number")/>
                </div>
                <div class="field">
                    <label for="o-txid">{tr("pay.transaction_id")}</label>
                    <input id="o-txid" name="transaction_id" required value=move || q("transaction_id")/>
                </div>
                <ProofInput field=ProofField {
                    id: "o-proof".into(),
                    error: None,
                    submit: "order.send_proof".into(),
                    back: None,
                }/>
            </form>
        </section>
    }
}

#[component]
fn TicketList(order: OrderView) -> impl IntoView {
    (!order.tickets.is_empty()).then(|| {
        view! {
            <section class="card">
                <h2>{tr("order.tickets")}</h2>
                <ul class="ticket-links">
                    {order.tickets.into_iter().map(|t| view! {
                        <li>
                            <a href=t.url.clone() rel="external">{tr("order.open_ticket")} " " {t.seq}</a>
                            " " <span class="badge">{tr(&format!("eticket.status.{}", t.status))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
pub fn OrderHistory(order: OrderView) -> impl IntoView {
    view! {
        <section class="card">
            <h2>{tr("order.history")}</h2>
            <ol class="timeline">
                {order.history.into_iter().map(|h| view! {
                    <li>
                        <time>{local_display(h.at)}</time> " — " {tr(&format!("order.event.{}", h.kind))}
                        {h.actor.map(|a| format!(" · {a}"))}
                        {(!h.details.is_empty()).then(|| format!(" · {}", h.details))}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// `/t/{token}`: the e-ticket. Rendered on the server and sent without WebAssembly (see the
/// shell), so it opens on a poor connection and prints on one page.
#[component]
pub fn ETicketPage() -> impl IntoView {
    let params = use_params_map();
    let ticket = Resource::new(
        move || params.read().get("token").unwrap_or_default(),
        get_eticket,
    );
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match ticket.await {
                    Ok(t) => view! { <ETicketCard t/> }.into_any(),
                    Err(_) => view! {
                        <section class="card"><h1>{tr("eticket.not_found")}</h1><p>{tr("eticket.not_found_help")}</p></section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The e-ticket itself: title and status, the QR code with its door code, what the guest needs
/// at the door. Rendered inside the page by `ETicketPage`, and alone by the fast path of
/// `eticket_page` (the same markup either way).
#[component]
pub fn ETicketCard(t: super::ETicketView) -> impl IntoView {
    let status_class = match t.status.as_str() {
        "VALID" => "badge badge-ok",
        "CHECKED_IN" => "badge badge-warn",
        _ => "badge badge-error",
    };
    let pdf = format!("/t/{}/pdf", t.token);
    view! {
        <article class="card eticket">
            <header class="eticket-head">
                <h1>{t.title.clone()}</h1>
                <span class=status_class>{tr(&format!("eticket.status.{}", t.status))}</span>
            </header>
            <div class="eticket-body">
                <figure class="qr-figure">
                    <div class="qr" role="img" aria-label=tr("eticket.qr_label") inner_html=t.qr_svg.clone()></div>
                    <figcaption>{tr("eticket.door_code")} " " <strong class="door-code" translate="no">{t.door_code.clone()}</strong></figcaption>
                </figure>
                <dl class="facts">
                    <dt>{tr("eticket.holder")}</dt><dd><strong>{t.holder_name.clone()}</strong></dd>
                    <dt>{tr(if t.kind == "STAY" { "events.address" } else { "events.venue" })}</dt><dd>{t.venue.clone()}</dd>
                    {t.starts_at.map(|s| view! { <dt>{tr("events.when")}</dt><dd>{local_display(s)}</dd> })}
                    {t.check_in.clone().map(|d| view! { <dt>{tr("order.check_in")}</dt><dd>{d}</dd> })}
                    {t.check_out.clone().map(|d| view! { <dt>{tr("order.check_out")}</dt><dd>{d} " (" {t.nights} " " {tr("order.nights")} ", " {t.guests} " " {tr("order.guests_short")} ")"</dd> })}
                    <dt>{tr("eticket.ticket")}</dt><dd>{t.seq} " / " {t.count}</dd>
                    <dt>{tr("eticket.reference")}</dt><dd>{t.reference.clone()}</dd>
                    <dt>{tr("eticket.paid")}</dt><dd>{t.amount_paid.format(lang())}</dd>
                    {t.balance_due.map(|b| view! { <dt>{tr("eticket.balance")}</dt><dd><strong>{b.format(lang())}</strong></dd> })}
                    {t.checked_in_at.map(|c| view! { <dt>{tr("eticket.checked_in_at")}</dt><dd>{local_display(c)}</dd> })}
                </dl>
            </div>
            <section class="eticket-info">
                <h2>{tr("eticket.instructions")}</h2>
                <ul>
                    <li>{tr("eticket.instruction_show")}</li>
                    <li>{tr("eticket.instruction_id")}</li>
                    {t.owner_phone.clone().map(|p| view! { <li>{tr("eticket.instruction_owner")} " " <a href=format!("tel:{p}")>{p.clone()}</a></li> })}
                </ul>
                {(!t.checkin_info.is_empty()).then(|| view! { <p>{t.checkin_info.clone()}</p> })}
            </section>
            <p class="no-print"><a class="button" href=pdf download="">{tr("eticket.download_pdf")}</a></p>
        </article>
    }
}

/// `/owner/{token}`: the owner sees the booking and presses Confirm or Cancel (a POST, so
/// link previews and mail scanners cannot use the single-use link).
#[component]
pub fn OwnerPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let link = Resource::new(token, get_owner_link);
    let action = ServerAction::<OwnerAct>::new();
    let state = form_state(action);
    let done = move || query.read().get("done");
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match link.await {
                    Ok(l) => {
                        let confirm = l.action == "CONFIRM";
                        let message = done().map(|d| format!("owner.done.{d}"))
                            .or_else(|| (l.state != "USABLE").then(|| format!("owner.state.{}", l.state)));
                        view! {
                            <section class="card">
                                <h1>{tr(if confirm { "owner.confirm_title" } else { "owner.cancel_title" })}</h1>
                                <dl class="facts">
                                    <dt>{tr("order.title")}</dt><dd>{l.reference.clone()}</dd>
                                    <dt>{tr("events.kind.STAY")}</dt><dd>{l.title.clone()}</dd>
                                    <dt>{tr("order.buyer")}</dt><dd>{l.guest.clone()}</dd>
                                    <dt>{tr("order.guests")}</dt><dd>{l.guests}</dd>
                                    {l.check_in.clone().map(|d| view! { <dt>{tr("order.check_in")}</dt><dd>{d}</dd> })}
                                    {l.check_out.clone().map(|d| view! { <dt>{tr("order.check_out")}</dt><dd>{d}</dd> })}
                                    <dt>{tr("order.total")}</dt><dd>{l.total.clone()}</dd>
                                </dl>
                                {match message {
                                    Some(m) => view! { <p class="alert alert-info" role="status">{tr(&m)}</p> }.into_any(),
                                    None => view! {
                                        <ActionForm action=action>
                                            <FormMessage state/>
                                            <input type="hidden" name="token" value=token()/>
                                            <button type="submit" class=if confirm { "button" } else { "button button-danger" }>
                                                {tr(if confirm { "owner.confirm" } else { "owner.cancel" })}
                                            </button>
                                        </ActionForm>
                                    }.into_any(),
                                }}
                            </section>
                        }.into_any()
                    }
                    Err(_) => view! {
                        <section class="card"><h1>{tr("owner.invalid_title")}</h1><p>{tr("owner.invalid")}</p></section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
