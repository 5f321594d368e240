//! `/admin/payments`: the ledger, its analytics and refunds.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    api::{admin_ledger, AdminRefund},
    Analytics, LedgerFilter, LedgerRow,
};
use crate::{
    domain::{local_display, PaymentStatus},
    ui::{bar_chart, form_state, label, tr, FormMessage, LoadError, Notice},
};

#[component]
pub fn AdminPaymentsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        LedgerFilter {
            status: get("status"),
            provider: get("provider"),
            purpose: get("purpose"),
            q: get("q"),
            from: get("from"),
            to: get("to"),
            group: get("group"),
            review: q.get("review").is_some_and(|v| v == "1" || v == "on"),
        }
    };
    let refund = ServerAction::<AdminRefund>::new();
    let refund_state = form_state(refund);
    let data = Resource::new(
        move || (filter(), refund.version().get()),
        |(f, _)| admin_ledger(f),
    );
    let refunded = Signal::derive(move || query.read().get("refunded").is_some());
    let refund_pending = Signal::derive(move || query.read().get("refund_pending").is_some());
    let csv = move || {
        let f = filter();
        let q = serde_urlencoded_pairs(&f);
        format!("/admin/payments.csv?{q}")
    };
    view! {
        <section class="card">
            <h1>{tr("admin.payments")}</h1>
            <form method="get" action="/admin/payments" class="filters">
                <label>{tr("billing.status")}
                    <select name="status">
                        <option value="">{tr("admin.all")}</option>
                        {PaymentStatus::ALL.into_iter().map(|s| {
                            let selected = move || filter().status == s.as_str();
                            view! { <option value=s.as_str() selected=selected>{tr(&format!("billing.payment_status.{}", s.as_str()))}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{tr("admin.provider")}
                    <select name="provider">
                        <option value="">{tr("admin.all")}</option>
                        {["sandbox", "stripe", "paytr", "wallet", "payment_ticket"].into_iter().map(|p| {
                            let selected = move || filter().provider == p;
                            view! { <option value=p selected=selected>{p}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{tr("admin.purpose")}
                    <select name="purpose">
                        <option value="">{tr("admin.all")}</option>
                        <option value="SUBSCRIPTION" selected=move || filter().purpose == "SUBSCRIPTION">{tr("admin.purpose.SUBSCRIPTION")}</option>
                        <option value="TOPUP" selected=move || filter().purpose == "TOPUP">{tr("admin.purpose.TOPUP")}</option>
                    </select>
                </label>
                <label>{tr("admin.search")} <input name="q" value=move || filter().q/></label>
                <label>{tr("admin.from")} <input type="date" name="from" value=move || filter().from/></label>
                <label>{tr("admin.to")} <input type="date" name="to" value=move || filter().to/></label>
                <label>{tr("admin.group")}
                    <select name="group">
                        {["day", "week", "month"].into_iter().map(|g| {
                            let selected = move || filter().group == g;
                            view! { <option value=g selected=selected>{tr(&format!("admin.group.{g}"))}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="choice"><input type="checkbox" name="review" value="1" checked=move || filter().review/> {tr("admin.needs_review")}</label>
                <button type="submit">{tr("admin.filter")}</button>
                <a class="button secondary" rel="external" href=csv>{tr("admin.export_csv")}</a>
            </form>
            <Notice show=refunded text="admin.refund_done"/>
            <Notice show=refund_pending text="admin.refund_pending"/>
            <FormMessage state=refund_state/>
        </section>
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((rows, a)) => view! { <AnalyticsCard a/> <LedgerTable rows refund/> }.into_any(),
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn serde_urlencoded_pairs(f: &LedgerFilter) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let mut pairs = vec![
        ("status", f.status.as_str()),
        ("provider", f.provider.as_str()),
        ("purpose", f.purpose.as_str()),
        ("q", f.q.as_str()),
        ("from", f.from.as_str()),
        ("to", f.to.as_str()),
    ];
    if f.review {
        pairs.push(("review", "1"));
    }
    pairs
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[component]
fn AnalyticsCard(a: Analytics) -> impl IntoView {
    let counts: Vec<(String, i64)> = a
        .series
        .iter()
        .map(|p| (p.period.clone(), p.count))
        .collect();
    let title = format!(
        "{} ({})",
        tr("admin.payments_per_period"),
        tr(&format!("admin.group.{}", a.group))
    );
    view! {
        <section class="card" id="analytics">
            <h2>{tr("admin.analytics")}</h2>
            <div class="stats">
                <div class="stat"><span class="stat-value" data-stat="count">{a.count}</span><span>{tr("admin.count")}</span></div>
                <div class="stat"><span class="stat-value" data-stat="success">{format!("{:.1} %", a.success_rate)}</span><span>{tr("admin.success_rate")}</span></div>
                <div class="stat"><span class="stat-value" data-stat="failure">{format!("{:.1} %", a.failure_rate)}</span><span>{tr("admin.failure_rate")}</span></div>
                {a.volume.iter().map(|(c, _, shown)| view! {
                    <div class="stat"><span class="stat-value" data-volume=c.clone()>{shown.clone()}</span><span>{tr("admin.volume")}</span></div>
                }).collect_view()}
            </div>
            {bar_chart(&title, &counts)}
            <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="table">
                <thead><tr><th>{tr("admin.period")}</th><th>{tr("admin.count")}</th><th>{tr("billing.payment_status.COMPLETED")}</th><th>{tr("billing.payment_status.FAILED")}</th></tr></thead>
                <tbody>
                    {a.series.into_iter().map(|p| view! { <tr><td>{p.period}</td><td>{p.count}</td><td>{p.completed}</td><td>{p.failed}</td></tr> }).collect_view()}
                </tbody>
            </table></div>
        </section>
    }
}

#[component]
fn LedgerTable(rows: Vec<LedgerRow>, refund: ServerAction<AdminRefund>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>{tr("admin.ledger")}</h2>
            {if rows.is_empty() {
                view! { <p>{tr("admin.no_payments")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="table" id="ledger">
                        <thead><tr><th>{tr("billing.date")}</th><th>{tr("billing.reference")}</th><th>{tr("admin.family")}</th><th>{tr("billing.what")}</th><th>{tr("billing.amount")}</th><th>{tr("billing.status")}</th><th></th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| {
                                let refundable = r.status == "COMPLETED";
                                // Only where the money came from (the server checks it too).
                                let to_wallet = crate::domain::refund_allowed("wallet", &r.purpose, &r.method);
                                let to_card = crate::domain::refund_allowed("card", &r.purpose, &r.method);
                                let id = r.id.to_string();
                                view! {
                                    <tr data-reference=r.reference.clone() data-status=r.status.clone()>
                                        <td>{local_display(r.created_at)}</td>
                                        <td>{r.reference.clone()} {r.invoice.clone().map(|n| view! { <br/><a rel="external" href=format!("/billing/invoices/{n}")>{n.clone()}</a> })}</td>
                                        <td>{r.family.clone()}</td>
                                        <td>{r.description.clone()} " · " {label("provider", &r.provider)} " / " {label("method", &r.method)}</td>
                                        <td>{r.amount.clone()} {(r.refunded_minor > 0).then(|| view! { <br/><span class="muted">{tr("admin.refunded")} " " {r.refunded.clone()}</span> })}</td>
                                        <td>
                                            {tr(&format!("billing.payment_status.{}", r.status))}
                                            {r.needs_review.then(|| view! { <br/><span class="badge status-past_due">{tr("admin.needs_review")}</span> })}
                                            {(!r.note.is_empty()).then(|| view! { <br/><span class="muted">{super::pages::failure_words(r.note.clone())}</span> })}
                                        </td>
                                        <td>
                                            {refundable.then(|| view! {
                                                <details>
                                                    <summary>{tr("admin.refund")}</summary>
                                                    <ActionForm action=refund>
                                                        <input type="hidden" name="payment_id" value=id.clone()/>
                                                        <label>{tr("billing.amount")} " (" {r.currency.clone()} ")"
                                                            <input name="amount" inputmode="decimal" required=true/>
                                                        </label>
                                                        <label>{tr("admin.refund_to")}
                                                            <select name="destination">
                                                                {to_wallet.then(|| view! { <option value="wallet">{tr("billing.wallet")}</option> })}
                                                                {to_card.then(|| view! { <option value="card">{tr("admin.refund_card")}</option> })}
                                                            </select>
                                                        </label>
                                                        <label>{tr("admin.reason")} <input name="reason" required=true/></label>
                                                        <button type="submit" class="danger">{tr("admin.refund")}</button>
                                                    </ActionForm>
                                                </details>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
