//! The admin panel of payment tickets: the queue, one ticket under review, and statistics.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    api::{
        admin_ticket_stats, admin_tickets, ticket_detail, AdminQuery, ApproveTicket, QueueCursor,
        RejectTicket, SaveTicketNotes,
    },
    pages::{status_badge, ProofView, Timeline},
};
use crate::domain::{Currency, Money};
use crate::ui::{form_state, label, lang, tr, FormMessage, LoadError, Notice};

fn admin_query(q: &leptos_router::params::ParamsMap) -> AdminQuery {
    let g = |k: &str| q.get(k).unwrap_or_default();
    AdminQuery {
        tab: g("tab"),
        status: g("status"),
        method: g("method"),
        plan: g("plan"),
        from: g("from"),
        to: g("to"),
        q: g("q"),
        sort: g("sort"),
        page: g("page").parse().unwrap_or(0),
        after: g("after"),
        before: g("before"),
    }
}

fn link(q: &AdminQuery, tab: &str, page: i64) -> String {
    let pairs = [
        ("tab", tab.to_string()),
        ("status", q.status.clone()),
        ("method", q.method.clone()),
        ("plan", q.plan.clone()),
        ("from", q.from.clone()),
        ("to", q.to.clone()),
        ("q", q.q.clone()),
        ("sort", q.sort.clone()),
        ("page", page.to_string()),
    ];
    let mut s = String::from("/admin/tickets?");
    for (i, (k, v)) in pairs.iter().filter(|(_, v)| !v.is_empty()).enumerate() {
        if i > 0 {
            s.push('&');
        }
        s.push_str(k);
        s.push('=');
        s.push_str(&v.replace('&', "%26").replace(' ', "+").replace('#', "%23"));
    }
    s
}

/// `/admin/tickets`: every ticket, with filters, sorting, pagination, and pending/overdue tabs.
#[component]
pub fn AdminTicketsPage() -> impl IntoView {
    let query = use_query_map();
    let list = Resource::new(move || admin_query(&query.read()), admin_tickets);
    view! {
        <section class="card">
            <h1>{tr("admin.tickets")}</h1>
            <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
                {move || Suspend::new(async move {
                    let q = admin_query(&query.read_untracked());
                    match list.await {
                        Ok(l) => {
                            let pages = (l.total + l.per_page - 1) / l.per_page;
                            // The plain queue pages from the rows at its edges (keyset).
                            let edge = |t: Option<&super::TicketView>, key: &str| {
                                t.filter(|_| q.is_plain_queue())
                                    .map(|t| format!("&{key}={}", QueueCursor::of(t).encode()))
                                    .unwrap_or_default()
                            };
                            let previous = if q.page > 1 {
                                link(&q, &q.tab, q.page - 1) + &edge(l.tickets.first(), "before")
                            } else {
                                link(&q, &q.tab, 0)
                            };
                            let next = link(&q, &q.tab, q.page + 1) + &edge(l.tickets.last(), "after");
                            view! {
                                <nav class="tabs" aria-label=tr("admin.tabs")>
                                    <a href=link(&q, "", 0) aria-current=q.tab.is_empty().then_some("page")>{tr("admin.tab_all")}</a>
                                    <a href=link(&q, "pending", 0) aria-current=(q.tab == "pending").then_some("page")>{tr("admin.tab_pending")} " (" {l.pending} ")"</a>
                                    <a href=link(&q, "overdue", 0) aria-current=(q.tab == "overdue").then_some("page")>{tr("admin.tab_overdue")} " (" {l.overdue} ")"</a>
                                    <a href="/admin/stats">{tr("admin.stats")}</a>
                                </nav>
                                <form method="get" action="/admin/tickets" class="filters">
                                    <input type="hidden" name="tab" value=q.tab.clone()/>
                                    <div class="field"><label for="q">{tr("admin.search")}</label>
                                        <input id="q" name="q" type="search" value=q.q.clone() placeholder="TKT-…, +237…, MTN…"/></div>
                                    <div class="field"><label for="status">{tr("tickets.status")}</label>
                                        <select id="status" name="status">
                                            <option value="">{tr("admin.any")}</option>
                                            {["PENDING", "APPROVED", "REJECTED", "CANCELLED"].into_iter().map(|s| view! {
                                                <option value=s selected=q.status == s>{tr(&format!("status.{s}"))}</option>
                                            }).collect_view()}
                                        </select></div>
                                    <div class="field"><label for="method">{tr("pay.method")}</label>
                                        <select id="method" name="method">
                                            <option value="">{tr("admin.any")}</option>
                                            <option value="MTN_MOMO" selected=q.method == "MTN_MOMO">"MTN Mobile Money"</option>
                                            <option value="ORANGE_MONEY" selected=q.method == "ORANGE_MONEY">"Orange Money"</option>
                                        </select></div>
                                    <div class="field"><label for="plan">{tr("pay.plan")}</label>
                                        <input id="plan" name="plan" value=q.plan.clone() placeholder="FAMILY_MANAGER"/></div>
                                    <div class="field"><label for="from">{tr("admin.from")}</label><input id="from" name="from" type="date" value=q.from.clone()/></div>
                                    <div class="field"><label for="to">{tr("admin.to")}</label><input id="to" name="to" type="date" value=q.to.clone()/></div>
                                    <div class="field"><label for="sort">{tr("admin.sort")}</label>
                                        <select id="sort" name="sort">
                                            <option value="" selected=q.sort.is_empty()>{tr("admin.sort_default")}</option>
                                            <option value="newest" selected=q.sort == "newest">{tr("admin.sort_newest")}</option>
                                            <option value="oldest" selected=q.sort == "oldest">{tr("admin.sort_oldest")}</option>
                                        </select></div>
                                    <button type="submit">{tr("admin.filter")}</button>
                                </form>
                                <p class="muted">{crate::i18n::count(lang(), "admin.results", l.total)}
                                    " · " <a rel="external" download="" href=link(&q, &q.tab, 0).replacen("/admin/tickets?", "/admin/tickets.csv?", 1)>{tr("admin.export_csv")}</a></p>
                                <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table>
                                    <thead><tr>
                                        <th>{tr("tickets.reference")}</th><th>{tr("admin.family")}</th><th>{tr("pay.amount")}</th>
                                        <th>{tr("pay.method")}</th><th>{tr("tickets.status")}</th><th>{tr("tickets.age")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {l.tickets.into_iter().map(|t| view! {
                                            <tr class:overdue=t.is_overdue>
                                                <td><a href=format!("/admin/tickets/{}", t.reference)>{t.reference.clone()}</a></td>
                                                <td>{t.family_name.clone()}</td>
                                                <td class="num">{t.amount_display.clone()}</td>
                                                <td>{label("method", &t.payment_method)}</td>
                                                <td>{status_badge(t.status.clone())}
                                                    {t.is_overdue.then(|| view! { " " <span class="badge badge-error">{tr("tickets.overdue")}</span> })}</td>
                                                <td>{t.age_hours} " h"</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                                <nav class="pager" aria-label=tr("admin.pages")>
                                    {(q.page > 0).then(|| view! { <a href=previous>{tr("admin.previous")}</a> })}
                                    <span>{q.page + 1} " / " {pages.max(1)}</span>
                                    {(q.page + 1 < pages).then(|| view! { <a href=next>{tr("admin.next")}</a> })}
                                </nav>
                            }.into_any()
                        }
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/admin/tickets/{reference}`: everything needed to decide, and the decision.
#[component]
pub fn AdminTicketPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let approve = ServerAction::<ApproveTicket>::new();
    let reject = ServerAction::<RejectTicket>::new();
    let notes = ServerAction::<SaveTicketNotes>::new();
    let reference = move || params.read().get("reference").unwrap_or_default();
    let detail = Resource::new(
        move || {
            (
                reference(),
                approve.version().get(),
                reject.version().get(),
                notes.version().get(),
            )
        },
        |(r, ..)| ticket_detail(r),
    );
    let done = move |what: &'static str| {
        Signal::derive(move || query.read().get("done").as_deref() == Some(what))
    };
    let (approve_state, reject_state, notes_state) =
        (form_state(approve), form_state(reject), form_state(notes));
    view! {
        <p><a href="/admin/tickets">"← " {tr("admin.tickets")}</a></p>
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => {
                        let t = d.ticket.clone();
                        let l = lang();
                        let pending = t.status == "PENDING";
                        let (ref_a, ref_r, ref_n, ref_p) = (t.reference.clone(), t.reference.clone(), t.reference.clone(), t.reference.clone());
                        let reason_error = move || reject_state.get().and_then(|e| e.for_field("reason").map(tr));
                        view! {
                            <section class="card">
                                <Notice show=done("approved") text="admin.approved"/>
                                <Notice show=done("rejected") text="admin.rejected"/>
                                <Notice show=done("notes") text="api.notes_saved"/>
                                <h1>{t.reference.clone()} " " {status_badge(t.status.clone())}</h1>
                                {(!d.duplicates.is_empty()).then(|| view! {
                                    <div class="alert alert-error" role="alert">
                                        <strong>{tr("admin.duplicate_warning")}</strong>
                                        <ul>{d.duplicates.iter().map(|(r, txid, file)| view! {
                                            <li><a href=format!("/admin/tickets/{r}")>{r.clone()}</a> " — "
                                                {txid.then(|| tr("admin.same_txid"))} " " {file.then(|| tr("admin.same_proof"))}</li>
                                        }).collect_view()}</ul>
                                    </div>
                                })}
                                <dl class="facts">
                                    <dt>{tr("admin.family")}</dt><dd>{t.family_name.clone()}</dd>
                                    <dt>{tr("tickets.submitted_by")}</dt><dd>{t.submitter_name.clone()} " <" {t.submitter_email.clone()} ">"</dd>
                                    <dt>{tr("pay.plan")}</dt><dd>{t.plan_label(l).to_string()} " · " {t.duration_days} " " {tr("pay.days")}</dd>
                                    <dt>{tr("pay.amount")}</dt><dd>{t.amount_display.clone()}</dd>
                                    <dt>{tr("pay.method")}</dt><dd>{t.method_label(l).to_string()}</dd>
                                    <dt>{tr("pay.phone")}</dt><dd>{t.phone_number.clone()}</dd>
                                    <dt>{tr("pay.transaction_id")}</dt><dd><code>{t.transaction_id.clone()}</code></dd>
                                    <dt>{tr("pay.notes")}</dt><dd>{t.user_notes.clone()}</dd>
                                    <dt>{tr("tickets.age")}</dt><dd>{t.age_hours} " h"</dd>
                                    <dt>{tr("admin.subscription")}</dt><dd>{match d.subscription.clone() {
                                        Some(s) => format!("{} · {} · {}", label("plan", &s.plan), label("billing.status", &s.status), crate::domain::local_date(s.ends_at)),
                                        None => tr("admin.no_subscription").to_string(),
                                    }}</dd>
                                    <dt>{tr("admin.ip")}</dt><dd><code>{t.ip_address.clone()}</code></dd>
                                    <dt>{tr("admin.user_agent")}</dt><dd class="small">{t.user_agent.clone()}</dd>
                                    {t.reviewer_name.clone().map(|r| view! { <dt>{tr("admin.reviewed_by")}</dt><dd>{r}</dd> })}
                                    {t.rejection_reason.clone().map(|r| view! { <dt>{tr("ticket.reason")}</dt><dd>{r}</dd> })}
                                </dl>
                            </section>
                            <section class="card">
                                <h2>{tr("ticket.proof")}</h2>
                                <ProofView reference=ref_p content_type=t.proof_content_type.clone()/>
                            </section>
                            {pending.then(|| view! {
                                <section class="card review">
                                    <h2>{tr("admin.decision")}</h2>
                                    <ActionForm action=approve>
                                        <FormMessage state=approve_state/>
                                        <input type="hidden" name="reference" value=ref_a/>
                                        <div class="field"><label for="f-admin_notes">{tr("admin.notes")}</label>
                                            <textarea id="f-admin_notes" name="admin_notes" rows="2"></textarea></div>
                                        <button type="submit" class="ok">{tr("admin.approve")}</button>
                                    </ActionForm>
                                    <ActionForm action=reject>
                                        <FormMessage state=Signal::derive(move || reject_state.get().filter(|e| e.for_field("reason").is_none()))/>
                                        <input type="hidden" name="reference" value=ref_r/>
                                        <div class="field" class:field-invalid=move || reason_error().is_some()>
                                            <label for="f-reason">{tr("admin.reason")}</label>
                                            <textarea id="f-reason" name="reason" rows="2" required=true aria-describedby="f-reason-error"></textarea>
                                            <p class="field-error" id="f-reason-error" role="alert" hidden=move || reason_error().is_none()>{reason_error}</p>
                                        </div>
                                        <button type="submit" class="danger">{tr("admin.reject")}</button>
                                    </ActionForm>
                                </section>
                            })}
                            <section class="card">
                                <h2>{tr("admin.notes")}</h2>
                                <ActionForm action=notes>
                                    <FormMessage state=notes_state/>
                                    <input type="hidden" name="reference" value=ref_n/>
                                    <div class="field"><label for="f-notes-edit">{tr("admin.notes")}</label>
                                        <textarea id="f-notes-edit" name="admin_notes" rows="3">{t.admin_notes.clone()}</textarea></div>
                                    <button type="submit" class="secondary-button">{tr("admin.save_notes")}</button>
                                </ActionForm>
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

/// `/admin/stats`: the figures of the queue, breakdowns, and tickets per day.
#[component]
pub fn AdminStatsPage() -> impl IntoView {
    let stats = Resource::new(|| (), |_| admin_ticket_stats());
    view! {
        <section class="card">
            <h1>{tr("admin.stats")}</h1>
            <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(s) => {
                            let o = &s["overview"];
                            let n = |v: &serde_json::Value| v.as_i64().unwrap_or(0);
                            let fcfa = |minor: i64| Money::new(minor, Currency::XAF).format(lang());
                            let cards = [
                                ("admin.stat_pending", n(&o["pendingCount"]).to_string()),
                                ("admin.stat_approved", n(&o["approvedCount"]).to_string()),
                                ("admin.stat_rejected", n(&o["rejectedCount"]).to_string()),
                                ("admin.stat_last24h", n(&o["last24hCount"]).to_string()),
                                ("admin.stat_overdue", n(&o["overdueCount"]).to_string()),
                                ("admin.stat_amount", fcfa(n(&o["totalApprovedAmount"]))),
                            ];
                            let rows = |arr: &serde_json::Value, key: &str| -> Vec<(String, i64, i64)> {
                                arr.as_array().map(|a| a.iter().map(|r| (r[key].as_str().unwrap_or("").to_string(), n(&r["count"]), n(&r["totalAmount"]))).collect()).unwrap_or_default()
                            };
                            let by_method = rows(&s["byPaymentMethod"], "method");
                            let by_plan = rows(&s["byPlanType"], "planType");
                            let days: Vec<(String, i64)> = s["perDay"].as_array().map(|a| a.iter().map(|d| (d["day"].as_str().unwrap_or("").to_string(), n(&d["count"]))).collect()).unwrap_or_default();
                            let admins = s["byAdmin"].as_array().cloned().unwrap_or_default();
                            let table = |title: &'static str, space: &'static str, rows: Vec<(String, i64, i64)>| view! {
                                <h2>{tr(title)}</h2>
                                <div class="table-wrap" tabindex="0" role="region" aria-label=tr(title)><table><thead><tr><th></th><th>{tr("admin.count")}</th><th>{tr("pay.amount")}</th></tr></thead>
                                <tbody>{rows.into_iter().map(|(k, c, a)| view! { <tr><td>{label(space, &k)}</td><td>{c}</td><td class="num">{fcfa(a)}</td></tr> }).collect_view()}</tbody></table></div>
                            };
                            view! {
                                <div class="stats">
                                    {cards.into_iter().map(|(k, v)| view! {
                                        <div class="stat"><span class="stat-value">{v}</span><span>{tr(k)}</span></div>
                                    }).collect_view()}
                                </div>
                                <h2>{tr("admin.per_day")}</h2>
                                {crate::ui::bar_chart(tr("admin.per_day"), &days)}
                                {table("admin.by_method", "method", by_method)}
                                {table("admin.by_plan", "plan", by_plan)}
                                <h2>{tr("admin.by_admin")}</h2>
                                <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table><thead><tr><th>{tr("field.name")}</th><th>{tr("admin.count")}</th><th>{tr("admin.approval_rate")}</th><th>{tr("admin.avg_review")}</th></tr></thead>
                                <tbody>{admins.into_iter().map(|a| view! {
                                    <tr><td>{a["name"].as_str().unwrap_or("").to_string()}</td><td>{n(&a["reviewedCount"])}</td>
                                        <td>{a["approvalRate"].as_f64().unwrap_or(0.0)} " %"</td><td>{a["averageReviewHours"].as_f64().unwrap_or(0.0)} " h"</td></tr>
                                }).collect_view()}</tbody></table></div>
                            }.into_any()
                        }
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
