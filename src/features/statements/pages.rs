//! The admin pages of statement imports: the upload with its column mapping and the past
//! imports, then one import's review, each line beside the ticket it may have paid.

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    api::{
        statement_imports, statement_review, ApproveStatement, DismissStatementLine,
        ResolveStatementLine,
    },
    LineView, MappingView, TicketBrief, OPERATORS,
};
use crate::domain::{local_display, Currency, Money};
use crate::i18n::{count, tf};
use crate::ui::{
    form_state, label, lang, tr, FileField, FileInput, FormMessage, LoadError, Notice,
};

fn fcfa(amount: i64) -> String {
    Money::new(amount, Currency::XAF).format(lang())
}

/// `/admin/statements`: upload an operator's statement, and the imports made so far.
#[component]
pub fn AdminStatementsPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(|| (), |_| statement_imports());
    view! {
        <p><a href="/admin">"← " {tr("admin.title")}</a></p>
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                let q = query.get_untracked();
                let g = |k: &str| q.get(k).unwrap_or_default();
                match data.await {
                    Ok(p) => {
                        let op = OPERATORS.into_iter().find(|o| *o == g("operator")).unwrap_or("MTN_MOMO");
                        let remembered = p.mappings.iter().find(|m| m.operator == op).cloned().unwrap_or_default();
                        // After a refusal, what the admin typed; otherwise the remembered columns.
                        let m = if g("error").is_empty() { remembered } else {
                            MappingView {
                                operator: op.to_string(),
                                transaction_id: g("transaction_id"),
                                amount: g("amount"),
                                phone: g("phone"),
                                paid_at: g("paid_at"),
                                status_column: g("status_column"),
                                status_ok: g("status_ok"),
                            }
                        };
                        let refused = !g("error").is_empty();
                        let error = refused.then(|| {
                            let column = g("column");
                            if column.is_empty() { tr(&g("error")).to_string() } else { tf(lang(), &g("error"), &[("column", &column)]) }
                        });
                        let mapping_field = |name: &'static str, key: &'static str, value: String| view! {
                            <div class="field"><label for=format!("f-{name}")>{tr(key)}</label>
                                <input id=format!("f-{name}") name=name value=value autocomplete="off"/></div>
                        };
                        view! {
                            <section class="card">
                                <h1>{tr("statement.title")}</h1>
                                <p>{tr("statement.intro")}</p>
                                <nav class="tabs" aria-label=tr("statement.operator")>
                                    {OPERATORS.into_iter().map(|o| view! {
                                        <a href=format!("/admin/statements?operator={o}") aria-current=(o == op).then_some("page")>{label("method", o)}</a>
                                    }).collect_view()}
                                </nav>
                                <form method="post" action="/admin/statements" enctype="multipart/form-data">
                                    <input type="hidden" name="operator" value=op/>
                                    <FileInput field=FileField {
                                        id: "f-statement".into(),
                                        name: "statement".into(),
                                        label: "statement.file".into(),
                                        hint: "statement.file_hint".into(),
                                        submit: "statement.import".into(),
                                        accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
                                        error,
                                    }/>
                                    <details class="mapping" open=refused>
                                        <summary>{tr("statement.columns")}</summary>
                                        <p class="hint">{tr("statement.columns_hint")}</p>
                                        {mapping_field("transaction_id", "statement.col_transaction_id", m.transaction_id)}
                                        {mapping_field("amount", "statement.col_amount", m.amount)}
                                        {mapping_field("phone", "statement.col_phone", m.phone)}
                                        {mapping_field("paid_at", "statement.col_date", m.paid_at)}
                                        {mapping_field("status_column", "statement.status_column", m.status_column)}
                                        {mapping_field("status_ok", "statement.status_ok", m.status_ok)}
                                    </details>
                                </form>
                                {p.demo.then(|| view! {
                                    <p class="muted">{tr("statement.sample")} " "
                                        <a rel="external" download="" href=format!("/admin/statements/sample/{op}.csv")>{tr("statement.sample_link")}</a></p>
                                })}
                            </section>
                            <section class="card">
                                <h2>{tr("statement.imports")}</h2>
                                {p.imports.is_empty().then(|| view! { <p class="muted">{tr("statement.none")}</p> })}
                                {(!p.imports.is_empty()).then(|| view! {
                                    <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table>
                                        <thead><tr>
                                            <th>{tr("statement.imported_at")}</th><th>{tr("statement.file")}</th><th>{tr("statement.operator")}</th>
                                            <th>{tr("statement.lines")}</th><th>{tr("statement.s.confident")}</th><th>{tr("statement.s.ambiguous")}</th><th>{tr("statement.approved")}</th>
                                        </tr></thead>
                                        <tbody>
                                            {p.imports.iter().map(|i| view! {
                                                <tr>
                                                    <td>{local_display(i.created_at)}</td>
                                                    <td><a href=format!("/admin/statements/{}", i.id)>{i.filename.clone()}</a></td>
                                                    <td>{label("method", &i.operator)}</td>
                                                    <td class="num">{i.lines_new} " / " {i.lines_read}</td>
                                                    <td class="num">{i.confident_open}</td>
                                                    <td class="num">{i.ambiguous_open}</td>
                                                    <td class="num">{i.approved}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table></div>
                                })}
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn ticket_cell(t: &TicketBrief) -> impl IntoView {
    view! {
        <a href=format!("/admin/{}s/{}", if t.kind == "order" { "order" } else { "ticket" }, t.reference)>{t.reference.clone()}</a>
        <br/>{t.family_name.clone()}
        <br/><span class="num">{fcfa(t.amount)}</span> " · " {t.phone.clone()}
        {(!t.transaction_id.is_empty()).then(|| view! { <br/><code>{t.transaction_id.clone()}</code> })}
        " " {(!["PENDING", "PAYMENT_PENDING", "PENDING_VERIFICATION"].contains(&t.status.as_str())).then(|| view! { <span class="badge">{tr(&if t.kind == "order" { format!("order.status.{}", t.status) } else { format!("status.{}", t.status) })}</span> })}
    }
}

/// `/admin/statements/{id}`: what each line of an import is, and the decisions.
#[component]
pub fn AdminStatementPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let approve = ServerAction::<ApproveStatement>::new();
    let resolve = ServerAction::<ResolveStatementLine>::new();
    let dismiss = ServerAction::<DismissStatementLine>::new();
    let review = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("id").unwrap_or_default(),
                q.get("section").unwrap_or_default(),
                q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0),
                approve.version().get(),
                resolve.version().get(),
                dismiss.version().get(),
            )
        },
        |(id, section, page, ..)| statement_review(id, section, page),
    );
    let done = move |what: &'static str| {
        Signal::derive(move || query.read().get("done").as_deref() == Some(what))
    };
    let (approve_state, resolve_state, dismiss_state) = (
        form_state(approve),
        form_state(resolve),
        form_state(dismiss),
    );
    view! {
        <p><a href="/admin/statements">"← " {tr("statement.title")}</a></p>
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match review.await {
                    Ok(r) => {
                        let s = r.summary.clone();
                        let id = s.id.to_string();
                        let confident = r.sections.iter().find(|(k, _)| k == "confident").map_or(0, |(_, n)| *n);
                        let pages = r.sections.iter().find(|(k, _)| *k == r.section).map_or(0, |(_, n)| (*n + r.per_page - 1) / r.per_page);
                        let section = r.section.clone();
                        let link = {
                            let id = id.clone();
                            move |section: &str, page: i64| format!("/admin/statements/{id}?section={section}&page={page}#lines")
                        };
                        view! {
                            {r.approving.is_some().then(|| view! { <Meta http_equiv="refresh" content="2"/> })}
                            <section class="card">
                                <Notice show=done("approved") text="statement.done_approved"/>
                                <Notice show=done("resolved") text="statement.done_resolved"/>
                                <Notice show=done("dismissed") text="statement.done_dismissed"/>
                                <h1>{s.filename.clone()}</h1>
                                <dl class="facts">
                                    <dt>{tr("statement.operator")}</dt><dd>{label("method", &s.operator)}</dd>
                                    <dt>{tr("statement.imported_at")}</dt><dd>{local_display(s.created_at)} " · " {s.imported_by.clone()}</dd>
                                    <dt>{tr("statement.lines")}</dt><dd>{tf(lang(), "statement.lines_new", &[("new", &s.lines_new.to_string()), ("read", &s.lines_read.to_string())])}</dd>
                                    <dt>{tr("statement.approved")}</dt><dd>{s.approved}</dd>
                                </dl>
                                {r.approving.map(|(approved, left)| view! {
                                    <div class="progress" role="status">
                                        <label for="approving">{tf(lang(), "statement.approving", &[("done", &approved.to_string()), ("left", &left.to_string())])}</label>
                                        <progress id="approving" max=(approved + left).max(1) value=approved>{approved} " / " {approved + left}</progress>
                                    </div>
                                })}
                                {(confident > 0 && r.approving.is_none()).then(|| view! {
                                    <ActionForm action=approve>
                                        <FormMessage state=approve_state/>
                                        <input type="hidden" name="import_id" value=id.clone()/>
                                        <button type="submit" class="ok">{count(lang(), "statement.approve_all", confident)}</button>
                                    </ActionForm>
                                })}
                            </section>
                            <section class="card" id="lines">
                                <nav class="tabs" aria-label=tr("statement.sections")>
                                    {r.sections.iter().map(|(k, n)| view! {
                                        <a href=link(k, 0) aria-current=(*k == r.section).then_some("page")>{tr(&format!("statement.s.{k}"))} " (" {*n} ")"</a>
                                    }).collect_view()}
                                </nav>
                                <p class="hint">{tr(&format!("statement.h.{}", r.section))}</p>
                                <FormMessage state=resolve_state/>
                                <FormMessage state=dismiss_state/>
                                {r.lines.is_empty().then(|| view! { <p class="muted">{tr("statement.empty_section")}</p> })}
                                {(!r.lines.is_empty()).then(|| view! {
                                    <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="statement">
                                        <thead><tr><th>{tr("statement.line")}</th><th>{tr("statement.ticket")}</th><th>{tr("statement.decision")}</th></tr></thead>
                                        <tbody>
                                            {r.lines.iter().map(|l| line_row(l, &section, resolve, dismiss)).collect_view()}
                                        </tbody>
                                    </table></div>
                                })}
                                <nav class="pager" aria-label=tr("admin.pages")>
                                    {(r.page > 0).then(|| view! { <a href=link(&section, r.page - 1)>{tr("admin.previous")}</a> })}
                                    <span>{r.page + 1} " / " {pages.max(1)}</span>
                                    {(r.page + 1 < pages).then(|| view! { <a href=link(&section, r.page + 1)>{tr("admin.next")}</a> })}
                                </nav>
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn line_row(
    l: &LineView,
    section: &str,
    resolve: ServerAction<ResolveStatementLine>,
    dismiss: ServerAction<DismissStatementLine>,
) -> impl IntoView {
    let (l, section, section2) = (l.clone(), section.to_string(), section.to_string());
    let open = l.state == "OPEN";
    let field_id = format!("ticket-{}", l.id);
    let choose = open && l.verdict != "ALREADY_APPROVED";
    view! {
        <tr>
            <td>
                <strong>"#" {l.row}</strong> " " <span class="num">{fcfa(l.amount)}</span>
                <br/>{l.phone.clone()}
                {(!l.transaction_id.is_empty()).then(|| view! { <br/><code>{l.transaction_id.clone()}</code> })}
                {l.paid_at.map(|t| view! { <br/><span class="muted">{t.format("%d/%m/%Y %H:%M").to_string()}</span> })}
            </td>
            <td>
                {l.candidates.iter().map(|t| view! { <div class="candidate">{ticket_cell(t)}</div> }).collect_view()}
                {l.matched_by.clone().filter(|_| l.verdict == "CONFIDENT").map(|by| view! { <span class="badge badge-ok">{tr(&format!("statement.by.{by}"))}</span> })}
                {(l.verdict == "ALREADY_APPROVED").then(|| view! { <span class="badge badge-error">{tr("statement.used_twice")}</span> })}
                {l.candidates.is_empty().then(|| view! { <span class="muted">{tr("statement.no_ticket")}</span> })}
            </td>
            <td>
                {(!open).then(|| view! { <span class="badge">{tr(&format!("statement.state.{}", l.state))}</span> })}
                {choose.then(|| view! {
                    <ActionForm action=resolve>
                        <input type="hidden" name="line" value=l.id.to_string()/>
                        <input type="hidden" name="section" value=section.to_string()/>
                        {if l.candidates.is_empty() {
                            view! {
                                <label for=field_id.clone()>{tr("statement.ticket_reference")}</label>
                                <input id=field_id.clone() name="ticket" placeholder="TKT-… / ORD-…" required=true autocomplete="off"/>
                            }.into_any()
                        } else {
                            view! {
                                <label for=field_id.clone()>{tr("statement.ticket")}</label>
                                <select id=field_id.clone() name="ticket">
                                    {l.candidates.iter().map(|t| view! { <option value=t.reference.clone()>{t.reference.clone()} " · " {t.family_name.clone()}</option> }).collect_view()}
                                </select>
                            }.into_any()
                        }}
                        <button type="submit" class="ok">{tr("admin.approve")}</button>
                    </ActionForm>
                })}
                {open.then(|| view! {
                    <ActionForm action=dismiss>
                        <input type="hidden" name="line" value=l.id.to_string()/>
                        <input type="hidden" name="section" value=section2.clone()/>
                        <button type="submit" class="secondary-button">{tr("statement.dismiss")}</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
