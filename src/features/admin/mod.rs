//! The admin area: an overview that only admins reach.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    error::AppError,
    ui::{tr, LoadError},
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentUser {
    pub name: String,
    pub email: String,
    pub role: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub users: i64,
    pub families: i64,
    pub outbox_pending: i64,
    pub outbox_failed: i64,
    pub recent: Vec<RecentUser>,
}

#[server(prefix = "/fn", endpoint = "admin_overview")]
pub async fn admin_overview() -> Result<Overview, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_admin().await?;
            let counts = sqlx::query!(
                r#"SELECT (SELECT count(*) FROM users) AS "users!",
                          (SELECT count(*) FROM families) AS "families!",
                          (SELECT count(*) FROM outbox WHERE status = 'PENDING') AS "pending!",
                          (SELECT count(*) FROM outbox WHERE status = 'FAILED') AS "failed!""#
            )
            .fetch_one(&state.pool)
            .await
            .map_err(respond::internal)?;
            let recent = sqlx::query_as!(
                RecentUser,
                r#"SELECT name, email, role, created_at AS "created_at: chrono::DateTime<chrono::Utc>" FROM users ORDER BY created_at DESC LIMIT 10"#
            )
            .fetch_all(&state.pool)
            .await
            .map_err(respond::internal)?;
            Ok(Overview {
                users: counts.users,
                families: counts.families,
                outbox_pending: counts.pending,
                outbox_failed: counts.failed,
                recent,
            })
        }
        .await,
    )
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| admin_overview());
    view! {
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! {
                        <section class="card">
                            <h1>{tr("admin.title")}</h1>
                            <div class="stats">
                                <div class="stat"><span class="stat-value">{o.users}</span><span>{tr("admin.users")}</span></div>
                                <div class="stat"><span class="stat-value">{o.families}</span><span>{tr("admin.families")}</span></div>
                                <div class="stat"><span class="stat-value">{o.outbox_pending}</span><span>{tr("admin.outbox_pending")}</span></div>
                                <div class="stat"><span class="stat-value">{o.outbox_failed}</span><span>{tr("admin.outbox_failed")}</span></div>
                            </div>
                            <nav class="actions" aria-label=tr("admin.title")>
                                <a class="button secondary" href="/admin/tickets">{tr("admin.tickets")}</a>
                                <a class="button secondary" href="/admin/payments">{tr("admin.payments")}</a>
                                <a class="button secondary" href="/admin/subscriptions">{tr("admin.subscriptions")}</a>
                                <a class="button secondary" href="/admin/orders">{tr("admin.orders")}</a>
                                <a class="button secondary" href="/admin/verification">{tr("admin.verification")}</a>
                                <a class="button secondary" href="/admin/statements">{tr("statement.title")}</a>
                                <a class="button secondary" href="/admin/pay-accounts">{tr("howto.admin_title")}</a>
                                <a class="button secondary" href="/settings/sumup">{tr("admin.sumup")}</a>
                                <a class="button secondary" href="/settings/mobile-money">{tr("admin.phone_accounts")}</a>
                            </nav>
                            <h2>{tr("admin.recent_users")}</h2>
                            <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table>
                                <thead><tr><th>{tr("field.name")}</th><th>{tr("field.email")}</th><th>{tr("account.role")}</th></tr></thead>
                                <tbody>
                                    {o.recent.into_iter().map(|u| view! {
                                        <tr><td>{u.name}</td><td>{u.email}</td><td>{tr(&format!("role.{}", u.role))}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
