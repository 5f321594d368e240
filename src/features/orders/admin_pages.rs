//! Admin pages: `/admin/orders` and one order, `/admin/events` (create and edit),
//! `/admin/refunds` and `/admin/commissions`.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    api::{
        admin_events, admin_orders, commission_report, door_team, get_order, order_notifications,
        AddDoorStaff, CancelOrder, MarkOrderPaid, RefundCompleted, RefundInitiated,
        RemoveDoorStaff, SaveEvent,
    },
    pages::{order_status_badge, OrderFacts, OrderHistory},
    OrderRow,
};
use crate::{
    domain::{local_display, local_input, Currency, Money, OrderStatus},
    ui::{
        form_state, label, lang, tr, Confirm, Field, FormMessage, LoadError, Notice, ProofPreview,
    },
};

fn q(query: leptos_router::params::ParamsMap, k: &str) -> String {
    query.get(k).unwrap_or_default()
}

/// The CSV export of the order list with the filters of the page's address.
fn orders_csv(query: &leptos_router::params::ParamsMap) -> String {
    let mut s = String::from("/admin/orders.csv");
    let mut sep = '?';
    for k in ["status", "event", "q", "refund"] {
        if let Some(v) = query.get(k).filter(|v| !v.is_empty()) {
            s.push(sep);
            s.push_str(k);
            s.push('=');
            s.push_str(
                &v.replace('%', "%25")
                    .replace('+', "%2B")
                    .replace('&', "%26")
                    .replace('#', "%23")
                    .replace(' ', "+"),
            );
            sep = '&';
        }
    }
    s
}

/// `/admin/orders`: every order, filtered, newest first.
#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let rows = Resource::new(
        move || query.get(),
        |q| {
            admin_orders(
                q.get("status"),
                q.get("event"),
                q.get("q"),
                q.get("refund"),
                q.get("page").and_then(|p| p.parse().ok()),
            )
        },
    );
    view! {
        <section class="card">
            <h1>{tr("admin.orders")}</h1>
            <p><a href="/admin/events">{tr("admin.events")}</a> " · " <a href="/admin/refunds">{tr("admin.refunds")}</a> " · " <a href="/admin/commissions">{tr("admin.commissions")}</a> " · " <a href="/checkin">{tr("nav.checkin")}</a></p>
            <form method="get" action="/admin/orders" class="filters">
                <div class="field"><label for="o-status">{tr("admin.status")}</label>
                <select id="o-status" name="status">
                    <option value="">{tr("admin.any")}</option>
                    {move || OrderStatus::ALL.iter().map(|s| {
                        let s = s.as_str();
                        view! { <option value=s selected=q(query.get(), "status") == s>{tr(&format!("order.status.{s}"))}</option> }
                    }).collect_view()}
                </select></div>
                <div class="field"><label for="o-q">{tr("admin.search")}</label>
                <input id="o-q" name="q" value=move || q(query.get(), "q")/></div>
                <input type="hidden" name="event" value=move || q(query.get(), "event")/>
                <button type="submit">{tr("admin.filter")}</button>
            </form>
            <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok((rows, total)) => view! {
                            <p class="muted">{crate::i18n::count(lang(), "admin.order_results", total)}
                                " · " <a rel="external" download="" href=orders_csv(&query.read_untracked())>{tr("admin.export_csv")}</a></p>
                            <OrderTable rows/>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn OrderTable(rows: Vec<OrderRow>) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")>
            <table class="table">
                <thead><tr>
                    <th>{tr("order.title")}</th><th>{tr("events.title")}</th><th>{tr("order.buyer")}</th>
                    <th>{tr("order.quantity")}</th><th>{tr("order.total")}</th><th>{tr("admin.status")}</th><th>{tr("admin.date")}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td><a href=format!("/admin/orders/{}", r.reference)>{r.reference.clone()}</a></td>
                            <td>{r.event_title.clone()}</td>
                            <td>{r.buyer_name.clone()} <br/><span class="muted">{r.buyer_phone.clone()}</span></td>
                            <td>{r.quantity}</td>
                            <td>{r.total.clone()}</td>
                            <td>{order_status_badge(r.status.clone())}
                                {r.has_proof.then(|| view! { " " <span class="badge">{tr("order.has_proof")}</span> })}
                                {r.refund_status.clone().map(|s| view! { " " <span class="badge badge-warn">{tr(&format!("refund.status.{s}"))}</span> })}</td>
                            <td>{local_display(r.created_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/admin/orders/{reference}`: the order, its proof, its history, and what an admin can do.
#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let paid = ServerAction::<MarkOrderPaid>::new();
    let cash = ServerAction::<MarkOrderPaid>::new();
    let cancel = ServerAction::<CancelOrder>::new();
    let reference = move || params.read().get("reference").unwrap_or_default();
    let order = Resource::new(
        move || {
            (
                reference(),
                paid.version().get(),
                cash.version().get(),
                cancel.version().get(),
            )
        },
        |(r, ..)| get_order(r, String::new(), String::new()),
    );
    let notifications = Resource::new(
        move || (reference(), paid.version().get(), cancel.version().get()),
        |(r, ..)| order_notifications(r),
    );
    let paid_state = form_state(paid);
    let cash_state = form_state(cash);
    let cancel_state = form_state(cancel);
    let was_paid = Signal::derive(move || query.read().get("paid").is_some());
    let was_cancelled = Signal::derive(move || query.read().get("cancelled").is_some());
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(o) => {
                        let status = OrderStatus::parse(&o.status).ok();
                        let payable = status.is_some_and(OrderStatus::awaits_payment);
                        let cancellable = status.is_some_and(|s| s.can_become(OrderStatus::Cancelled));
                        let proof_url = format!("/admin/orders/{}/proof", o.reference);
                        let (ref_paid, ref_cash, ref_cancel) = (o.reference.clone(), o.reference.clone(), o.reference.clone());
                        view! {
                            <section class="card">
                                <Notice show=was_paid text="order.marked_paid"/>
                                <Notice show=was_cancelled text="order.cancelled"/>
                                <p><a href="/admin/orders">"← " {tr("admin.orders")}</a></p>
                                <h1>{tr("order.title")} " " {o.reference.clone()}</h1>
                                <p>{order_status_badge(o.status.clone())}
                                   {o.paid_via.clone().map(|v| view! { " " <span class="badge">{tr(&format!("order.via.{v}"))}</span> })}
                                   {(o.commission_status != "NONE").then(|| view! { " " <span class="badge">{tr("admin.commission")} ": " {tr(&format!("commission.status.{}", o.commission_status))}</span> })}</p>
                                <OrderFacts order=o.clone()/>
                                <p class="muted">{tr("order.buyer_link")} " " <a href=format!("/orders/{}?sig={}", o.reference, o.sig)>{format!("/orders/{}", o.reference)}</a></p>
                            </section>
                            <section class="card" id="payment-ticket">
                                <h2>{tr("order.payment")}</h2>
                                {o.has_proof.then(|| view! {
                                    <dl class="facts">
                                        <dt>{tr("pay.method")}</dt><dd>{o.payment_method.clone()}</dd>
                                        <dt>{tr("pay.phone")}</dt><dd>{o.phone_number.clone()}</dd>
                                        <dt>{tr("pay.transaction_id")}</dt><dd>{o.transaction_id.clone()}</dd>
                                    </dl>
                                    <ProofPreview src=proof_url.clone() content_type=o.proof_content_type.clone()/>
                                })}
                                {(!o.has_proof && payable).then(|| view! { <p class="muted">{tr("order.no_proof")}</p> })}
                                {payable.then(|| view! {
                                    {o.has_proof.then(|| view! {
                                        <ActionForm action=paid>
                                            <FormMessage state=paid_state/>
                                            <input type="hidden" name="reference" value=ref_paid/>
                                            <input type="hidden" name="via" value="PROOF"/>
                                            <Field name="admin_notes" label="admin.notes" required=false state=paid_state/>
                                            <button type="submit">{tr("order.approve_proof")}</button>
                                        </ActionForm>
                                    })}
                                    <FormMessage state=cash_state/>
                                    <Confirm label="order.mark_cash" question="order.mark_cash_question">
                                        <ActionForm action=cash>
                                            <input type="hidden" name="reference" value=ref_cash.clone()/>
                                            <input type="hidden" name="via" value="CASH"/>
                                            <button type="submit" class="button-danger">{tr("order.mark_cash_confirm")}</button>
                                        </ActionForm>
                                    </Confirm>
                                })}
                            </section>
                            {cancellable.then(|| view! {
                                <section class="card">
                                    <h2>{tr("order.cancel_title")}</h2>
                                    <ActionForm action=cancel>
                                        <FormMessage state=cancel_state/>
                                        <input type="hidden" name="reference" value=ref_cancel/>
                                        <Field name="reason" label="order.cancel_reason" state=cancel_state/>
                                        <button type="submit" class="button-danger">{tr("order.cancel")}</button>
                                    </ActionForm>
                                </section>
                            })}
                            {(!o.tickets.is_empty()).then(|| view! {
                                <section class="card">
                                    <h2>{tr("order.tickets")}</h2>
                                    <ul>{o.tickets.iter().map(|t| view! {
                                        <li><a href=t.url.clone() rel="external">{tr("order.open_ticket")} " " {t.seq}</a> " " {tr(&format!("eticket.status.{}", t.status))}</li>
                                    }).collect_view()}</ul>
                                </section>
                            })}
                            <OrderHistory order=o/>
                            <section class="card">
                                <h2>{tr("order.notifications")}</h2>
                                <Suspense fallback=|| ()>
                                    {move || Suspend::new(async move {
                                        let list = notifications.await.unwrap_or_default();
                                        view! {
                                            <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="table">
                                                <thead><tr><th>{tr("admin.date")}</th><th>{tr("order.channel")}</th><th>{tr("order.message")}</th>
                                                    <th>{tr("order.recipient")}</th><th>{tr("admin.status")}</th><th>{tr("order.attempts")}</th></tr></thead>
                                                <tbody>{list.into_iter().map(|n| view! {
                                                    <tr><td>{local_display(n.created_at)}</td><td>{label("notify.channel", &n.channel)}</td><td>{label("notify.kind", &n.kind)}</td><td>{n.recipient}</td>
                                                        <td>{label("notify.status", &n.status)}{n.last_error.map(|e| view! { <br/><span class="muted">{e}</span> })}</td><td>{n.attempts}</td></tr>
                                                }).collect_view()}</tbody>
                                            </table></div>
                                        }
                                    })}
                                </Suspense>
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/admin/events`: the events and stays, and the form to create one or edit one (`?edit=slug`).
#[component]
pub fn AdminEventsPage() -> impl IntoView {
    let query = use_query_map();
    let action = ServerAction::<SaveEvent>::new();
    let state = form_state(action);
    let events = Resource::new(move || action.version().get(), |_| admin_events());
    let saved = Signal::derive(move || query.read().get("saved").is_some());
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Ok(list) => {
                        let editing = query.read().get("edit").and_then(|s| list.iter().find(|e| e.slug == s).cloned());
                        let v = {
                            let editing = editing.clone();
                            move |f: fn(&super::EventView) -> String| editing.as_ref().map(f).unwrap_or_default()
                        };
                        let kind = editing.as_ref().map(|e| e.kind.clone()).unwrap_or_else(|| "EVENT".into());
                        let price = editing.as_ref().map(|e| {
                            let c = Currency::parse(&e.currency).unwrap_or(Currency::XAF);
                            Money::new(e.price, c).plain()
                        }).unwrap_or_default();
                        let team = editing.as_ref().filter(|e| e.kind == "EVENT").map(|e| (e.slug.clone(), e.title.clone()));
                        view! {
                            <section class="card">
                                <Notice show=saved text="admin.event_saved"/>
                                <h1>{tr("admin.events")}</h1>
                                <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="table">
                                    <thead><tr><th>{tr("events.title")}</th><th>{tr("events.when")}</th><th>{tr("events.left")}</th><th>{tr("events.price")}</th><th></th></tr></thead>
                                    <tbody>{list.iter().map(|e| view! {
                                        <tr>
                                            <td><a href=format!("/events/{}", e.slug)>{e.title.clone()}</a> " " <span class="badge">{tr(&format!("events.kind.{}", e.kind))}</span></td>
                                            <td>{e.starts_at.map(local_display)}</td>
                                            <td>{e.left} " / " {e.capacity}</td>
                                            <td>{e.price_display.clone()}</td>
                                            <td><a href=format!("/admin/events?edit={}#event-form", e.slug)>{tr("admin.edit")}</a> " · "
                                                <a href=format!("/admin/orders?event={}", e.slug)>{tr("admin.orders")}</a></td>
                                        </tr>
                                    }).collect_view()}</tbody>
                                </table></div>
                            </section>
                            <section class="card" id="event-form">
                                <h2>{tr(if editing.is_some() { "admin.event_edit" } else { "admin.event_new" })}</h2>
                                <ActionForm action=action attr:novalidate="">
                                    <FormMessage state/>
                                    <input type="hidden" name="id" value=editing.as_ref().map(|e| e.id.to_string()).unwrap_or_default()/>
                                    <div class="field"><label for="f-kind">{tr("admin.event_kind")}</label>
                                        <select id="f-kind" name="kind">
                                            <option value="EVENT" selected=kind == "EVENT">{tr("events.kind.EVENT")}</option>
                                            <option value="STAY" selected=kind == "STAY">{tr("events.kind.STAY")}</option>
                                        </select></div>
                                    <Field name="title" label="admin.event_title" value=v(|e| e.title.clone()) state/>
                                    <Field name="slug" label="admin.event_slug" hint="admin.event_slug_hint" required=false value=v(|e| e.slug.clone()) state/>
                                    <Field name="description" label="admin.event_description" required=false value=v(|e| e.description.clone()) state/>
                                    <Field name="venue" label="admin.event_venue" required=false value=v(|e| e.venue.clone()) state/>
                                    <Field name="starts_at" label="admin.event_starts" kind="datetime-local" required=false value=v(|e| e.starts_at.map(local_input).unwrap_or_default()) state/>
                                    <Field name="ends_at" label="admin.event_ends" kind="datetime-local" required=false value=v(|e| e.ends_at.map(local_input).unwrap_or_default()) state/>
                                    <Field name="capacity" label="admin.event_capacity" kind="number" hint="admin.event_capacity_hint" value=v(|e| e.capacity.to_string()) state/>
                                    <Field name="price" label="admin.event_price" hint="admin.event_price_hint" value=price state/>
                                    <Field name="currency" label="admin.event_currency" required=false value=v(|e| e.currency.clone()) state/>
                                    <Field name="deposit" label="admin.event_deposit" hint="admin.event_deposit_hint" required=false value=v(|e| e.deposit_input.clone()) state/>
                                    <Field name="max_per_order" label="admin.event_max" kind="number" required=false value=v(|e| e.max_per_order.to_string()) state/>
                                    <Field name="sales_start" label="admin.event_sales_start" kind="datetime-local" required=false value=v(|e| e.sales_start.map(local_input).unwrap_or_default()) state/>
                                    <Field name="sales_end" label="admin.event_sales_end" kind="datetime-local" required=false value=v(|e| e.sales_end.map(local_input).unwrap_or_default()) state/>
                                    <Field name="owner_name" label="admin.event_owner" required=false value=v(|e| e.owner_name.clone()) state/>
                                    <Field name="owner_phone" label="admin.event_owner_phone" kind="tel" required=false value=v(|e| e.owner_phone.clone()) state/>
                                    <Field name="owner_email" label="admin.event_owner_email" kind="email" required=false value=v(|e| e.owner_email.clone()) state/>
                                    <Field name="checkin_info" label="admin.event_checkin_info" required=false value=v(|e| e.checkin_info.clone()) state/>
                                    <button type="submit" disabled=move || action.pending().get()>{tr("admin.save")}</button>
                                </ActionForm>
                            </section>
                            {team.map(|(slug, title)| view! { <DoorTeam slug title/> })}
                        }.into_any()
                    }
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The door team of the event `slug`: who may check its guests in (and only its guests), with
/// a form to add someone by the e-mail of their account and one to take each off.
#[component]
fn DoorTeam(slug: String, title: String) -> impl IntoView {
    let query = use_query_map();
    let add = ServerAction::<AddDoorStaff>::new();
    let remove = ServerAction::<RemoveDoorStaff>::new();
    let add_state = form_state(add);
    let remove_state = form_state(remove);
    let team = {
        let slug = slug.clone();
        Resource::new(
            move || (add.version().get(), remove.version().get()),
            move |_| door_team(slug.clone()),
        )
    };
    let list_slug = slug.clone();
    let done = move || {
        query
            .read()
            .get("team")
            .filter(|d| d == "added" || d == "removed")
    };
    view! {
        <section class="card" id="door-team" aria-labelledby="door-team-title">
            <h2 id="door-team-title">{tr("door_team.title")}</h2>
            <p>{tr("door_team.help")}</p>
            {move || done().map(|d| view! { <p class="alert alert-ok" role="status">{tr(&format!("door_team.{d}"))}</p> })}
            <FormMessage state=remove_state/>
            <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
                {move || {
                    let slug = list_slug.clone();
                    let title = title.clone();
                    Suspend::new(async move {
                        match team.await {
                            Ok(list) if list.is_empty() => view! { <p class="muted">{tr("door_team.empty")}</p> }.into_any(),
                            Ok(list) => view! {
                                <ul class="door-team" aria-label=format!("{} · {}", tr("door_team.title"), title)>
                                    {list.into_iter().map(move |m| {
                                        let label = format!("{} {}", tr("door_team.remove"), m.name);
                                        let slug = slug.clone();
                                        view! {
                                            <li>
                                                <span><strong>{m.name}</strong> " " <span class="muted">{m.email}</span></span>
                                                <ActionForm action=remove attr:class="inline">
                                                    <input type="hidden" name="event" value=slug/>
                                                    <input type="hidden" name="user" value=m.user_id/>
                                                    <button type="submit" class="link" aria-label=label>{tr("door_team.remove")}</button>
                                                </ActionForm>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(e) => view! { <LoadError error=e/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
            <ActionForm action=add attr:novalidate="">
                <FormMessage state=add_state/>
                <input type="hidden" name="event" value=slug.clone()/>
                <Field name="email" label="door_team.email" kind="email" hint="door_team.email_hint" autocomplete="off" state=add_state/>
                <button type="submit" disabled=move || add.pending().get()>{tr("door_team.add")}</button>
            </ActionForm>
        </section>
    }
}

/// `/admin/refunds`: refunds to make, with the provider's refund id to record, and the history.
#[component]
pub fn AdminRefundsPage() -> impl IntoView {
    let query = use_query_map();
    let initiated = ServerAction::<RefundInitiated>::new();
    let completed = ServerAction::<RefundCompleted>::new();
    let pending = Resource::new(
        move || (initiated.version().get(), completed.version().get()),
        |_| admin_orders(None, None, None, Some("PENDING".into()), None),
    );
    let history = Resource::new(
        move || (initiated.version().get(), completed.version().get()),
        |_| admin_orders(None, None, None, Some("REFUND_COMPLETED".into()), None),
    );
    let init_state = form_state(initiated);
    let done_state = form_state(completed);
    let done = Signal::derive(move || query.read().get("done").is_some());
    view! {
        <section class="card">
            <Notice show=done text="refund.saved"/>
            <h1>{tr("admin.refunds")}</h1>
            <FormMessage state=init_state/>
            <FormMessage state=done_state/>
            <h2>{tr("refund.pending")}</h2>
            <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
                {move || Suspend::new(async move {
                    match pending.await {
                        Ok((rows, _)) if rows.is_empty() => view! { <p class="muted">{tr("refund.none")}</p> }.into_any(),
                        Ok((rows, _)) => view! {
                            <ul class="refunds">
                                {rows.into_iter().map(|r| {
                                    let required = r.refund_status.as_deref() == Some("REFUND_REQUIRED");
                                    view! {
                                        <li class="refund">
                                            <a href=format!("/admin/orders/{}", r.reference)>{r.reference.clone()}</a>
                                            " · " {r.buyer_name.clone()} " · " {r.buyer_phone.clone()} " · " <strong>{r.refund_amount.clone()}</strong>
                                            " " <span class="badge badge-warn">{tr(&format!("refund.status.{}", r.refund_status.clone().unwrap_or_default()))}</span>
                                            {if required {
                                                view! {
                                                    <ActionForm action=initiated attr:class="inline-form">
                                                        <input type="hidden" name="reference" value=r.reference.clone()/>
                                                        <label for=format!("rid-{}", r.reference)>{tr("refund.refund_id")}</label>
                                                        <input id=format!("rid-{}", r.reference) name="refund_id" required/>
                                                        <button type="submit">{tr("refund.mark_initiated")}</button>
                                                    </ActionForm>
                                                }.into_any()
                                            } else {
                                                view! {
                                                    <ActionForm action=completed attr:class="inline-form">
                                                        <input type="hidden" name="reference" value=r.reference.clone()/>
                                                        <span class="muted">{r.refund_id.clone()}</span>
                                                        <button type="submit">{tr("refund.mark_completed")}</button>
                                                    </ActionForm>
                                                }.into_any()
                                            }}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{tr("refund.history")}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok((rows, _)) => view! { <OrderTable rows/> }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn xaf(minor: i64) -> String {
    Money::new(minor, Currency::XAF).format(lang())
}

/// `/admin/commissions`: summary, what each referrer is owed, the lines by status and dates,
/// and the CSV of the same selection.
#[component]
pub fn AdminCommissionsPage() -> impl IntoView {
    let query = use_query_map();
    let report = Resource::new(
        move || query.get(),
        |q| commission_report(q.get("status"), q.get("start_date"), q.get("end_date")),
    );
    let csv = move || {
        let q = query.get();
        let pairs = [
            ("status", q.get("status").unwrap_or_default()),
            ("start_date", q.get("start_date").unwrap_or_default()),
            ("end_date", q.get("end_date").unwrap_or_default()),
        ];
        format!(
            "/admin/commissions.csv?{}",
            pairs
                .iter()
                .map(|(k, v)| format!(
                    "{k}={}",
                    v.chars()
                        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect::<String>()
                ))
                .collect::<Vec<_>>()
                .join("&")
        )
    };
    view! {
        <section class="card">
            <h1>{tr("admin.commissions")}</h1>
            <form method="get" action="/admin/commissions" class="filters">
                <div class="field"><label for="c-status">{tr("admin.status")}</label>
                <select id="c-status" name="status">
                    <option value="">{tr("admin.any")}</option>
                    {move || ["PENDING", "CONFIRMED", "CANCELLED"].into_iter().map(|s| view! {
                        <option value=s selected=q(query.get(), "status") == s>{tr(&format!("commission.status.{s}"))}</option>
                    }).collect_view()}
                </select></div>
                <div class="field"><label for="c-from">{tr("admin.from")}</label>
                <input id="c-from" type="date" name="start_date" value=move || q(query.get(), "start_date")/></div>
                <div class="field"><label for="c-to">{tr("admin.to")}</label>
                <input id="c-to" type="date" name="end_date" value=move || q(query.get(), "end_date")/></div>
                <button type="submit">{tr("admin.filter")}</button>
            </form>
            <p><a href=csv download="">{tr("commission.csv")}</a></p>
            <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok((s, payable, lines)) => view! {
                            <div class="stat-cards">
                                <div class="stat"><span class="stat-value">{s.total_bookings}</span><span>{tr("commission.bookings")}</span></div>
                                <div class="stat"><span class="stat-value">{s.confirmed_count}</span><span>{tr("commission.status.CONFIRMED")}</span></div>
                                <div class="stat"><span class="stat-value">{s.pending_count}</span><span>{tr("commission.status.PENDING")}</span></div>
                                <div class="stat"><span class="stat-value">{s.cancelled_count}</span><span>{tr("commission.status.CANCELLED")}</span></div>
                                <div class="stat"><span class="stat-value">{xaf(s.total_referrer_commission)}</span><span>{tr("commission.referrer_total")}</span></div>
                                <div class="stat"><span class="stat-value">{xaf(s.total_admin_commission)}</span><span>{tr("commission.admin_total")}</span></div>
                                <div class="stat"><span class="stat-value">{xaf(s.pending_referrer_commission)}</span><span>{tr("commission.referrer_pending")}</span></div>
                                <div class="stat"><span class="stat-value">{xaf(s.total_discount)}</span><span>{tr("commission.discounts")}</span></div>
                            </div>
                            <h2>{tr("commission.payable")}</h2>
                            <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="table">
                                <thead><tr><th>{tr("commission.code")}</th><th>{tr("commission.referrer")}</th><th>{tr("commission.confirmed_bookings")}</th><th>{tr("commission.payable_amount")}</th><th>{tr("commission.status.PENDING")}</th></tr></thead>
                                <tbody>{payable.into_iter().map(|p| view! {
                                    <tr><td>{p.referral_code} " " <span class="badge">{p.kind}</span></td><td>{p.holder_name} <br/><span class="muted">{p.holder_phone}</span></td>
                                        <td>{p.confirmed_bookings}</td><td><strong>{xaf(p.total_payable)}</strong></td><td>{xaf(p.pending)}</td></tr>
                                }).collect_view()}</tbody>
                            </table></div>
                            <h2>{tr("commission.lines")}</h2>
                            <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="table">
                                <thead><tr><th>{tr("order.title")}</th><th>{tr("commission.code")}</th><th>{tr("admin.status")}</th><th>{tr("order.total")}</th><th>{tr("commission.referrer_share")}</th><th>{tr("commission.admin_share")}</th><th>{tr("admin.date")}</th></tr></thead>
                                <tbody>{lines.into_iter().map(|l| view! {
                                    <tr><td><a href=format!("/admin/orders/{}", l.reference)>{l.reference.clone()}</a></td><td>{l.referral_code}</td>
                                        <td>{tr(&format!("commission.status.{}", l.commission_status))}</td><td>{xaf(l.total)}</td>
                                        <td>{xaf(l.referrer_commission)}</td><td>{xaf(l.admin_commission)}</td><td>{local_display(l.created_at)}</td></tr>
                                }).collect_view()}</tbody>
                            </table></div>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
