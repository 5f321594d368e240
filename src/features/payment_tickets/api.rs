//! Server functions of payment tickets, for the family's pages and the admin panel.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::TicketView;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceOption {
    pub days: i32,
    pub amount: i64,
    pub display: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanOption {
    pub code: String,
    pub name: (String, String),
    pub currency: String,
    pub min_amount: i64,
    pub min_display: String,
    pub prices: Vec<PriceOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodOption {
    pub code: String,
    pub name: (String, String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayChoices {
    pub plans: Vec<PlanOption>,
    pub methods: Vec<MethodOption>,
    /// Where to send the money.
    pub accounts: Vec<crate::features::payments::instructions::PayAccount>,
    /// The reference the ticket will carry, for the transfer's message.
    pub reference: String,
    /// Whether paying from the phone (MTN MoMo, Orange Money) is offered instead of a proof.
    pub phone: bool,
}

/// Plans, their prices per duration, and the enabled payment methods.
#[server(prefix = "/fn", endpoint = "pay_options")]
pub async fn pay_options() -> Result<PayChoices, AppError> {
    use crate::{
        domain::{Currency, Money},
        platform::{auth, respond},
    };
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            let reference = super::service::reserve_reference(&state.pool, user.id).await?;
            let accounts = crate::features::payments::instructions::list(&state.pool).await?;
            let plans = sqlx::query!("SELECT code, name_en, name_fr, currency, min_amount FROM plans WHERE active ORDER BY position, code")
                .fetch_all(&state.pool)
                .await
                .map_err(respond::internal)?;
            let prices = sqlx::query!("SELECT plan_code, duration_days, amount FROM plan_prices ORDER BY duration_days")
                .fetch_all(&state.pool)
                .await
                .map_err(respond::internal)?;
            let methods = sqlx::query!("SELECT code, name_en, name_fr FROM payment_methods WHERE enabled ORDER BY position, code")
                .fetch_all(&state.pool)
                .await
                .map_err(respond::internal)?;
            Ok(PayChoices {
                // Mobile money moves francs CFA: plans billed in other currencies are paid by
                // card on /billing, not here.
                plans: plans
                    .into_iter()
                    .filter(|p| p.currency == "XAF")
                    .map(|p| {
                        let currency = Currency::parse(&p.currency).unwrap_or(Currency::XAF);
                        PlanOption {
                            prices: prices
                                .iter()
                                .filter(|x| x.plan_code == p.code)
                                .map(|x| PriceOption { days: x.duration_days, amount: x.amount, display: Money::new(x.amount, currency).format(crate::ui::initial_lang()) })
                                .collect(),
                            code: p.code,
                            name: (p.name_en, p.name_fr),
                            currency: currency.code().to_string(),
                            min_amount: p.min_amount,
                            min_display: Money::new(p.min_amount, currency).format(crate::ui::initial_lang()),
                        }
                    })
                    .collect(),
                methods: methods.into_iter().map(|m| MethodOption { code: m.code, name: (m.name_en, m.name_fr) }).collect(),
                accounts,
                phone: crate::features::payments::phone::available(&state, None).await?,
                reference,
            })
        }
        .await,
    )
}

/// The wizard's fields as typed, carried from step to step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PayFields {
    pub plan_type: String,
    pub duration_days: String,
    pub amount: String,
    pub payment_method: String,
    pub phone_number: String,
    pub transaction_id: String,
    pub user_notes: String,
}

/// Step 2's personal fields as the session keeps them (see `draft`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PayDraft {
    pub phone_number: String,
    pub transaction_id: String,
    pub user_notes: String,
}

impl PayFields {
    /// The personal fields a form did not carry, taken from the draft.
    pub fn fill_from(&mut self, draft: &PayDraft) {
        for (field, kept) in [
            (&mut self.phone_number, &draft.phone_number),
            (&mut self.transaction_id, &draft.transaction_id),
            (&mut self.user_notes, &draft.user_notes),
        ] {
            if field.is_empty() {
                field.clone_from(kept);
            }
        }
    }
}

/// Checks the fields of the wizard's steps 1 and 2 on the server, as the final submission will;
/// step 2's personal fields come from the session when the address does not carry them.
#[server(prefix = "/fn", endpoint = "check_pay_step")]
pub async fn check_pay_step(step: u8, fields: PayFields) -> Result<(), AppError> {
    use super::service::parse_form;
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            let mut fields = fields;
            let session = respond::session().await?;
            fields.fill_from(&super::draft::load(&session, user.id).await);
            match parse_form(&state.pool, &fields).await {
                Ok(_) => Ok(()),
                // Step 1 only answers for the plan and the duration.
                Err(e) if step == 1 => {
                    match e.for_field("plan_type").or(e.for_field("duration_days")) {
                        Some(_) => Err(e),
                        None => Ok(()),
                    }
                }
                Err(e) => Err(e),
            }
        }
        .await,
    )
}

/// What the caller typed at step 2 in this session, to show it again.
#[server(prefix = "/fn", endpoint = "pay_draft")]
pub async fn kept_pay_details() -> Result<PayDraft, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let user = auth::require_user().await?;
            let session = respond::session().await?;
            Ok(super::draft::load(&session, user.id).await)
        }
        .await,
    )
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub kind: String,
    pub details: String,
    pub actor: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub plan: String,
    pub status: String,
    pub ends_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketDetailView {
    pub ticket: TicketView,
    pub events: Vec<EventView>,
    pub subscription: Option<SubscriptionView>,
    /// Other tickets with the same transaction id or proof: (reference, same id, same file).
    pub duplicates: Vec<(String, bool, bool)>,
    pub can_change: bool,
}

/// The tickets the caller may see: their own, or the whole family's for its manager.
#[server(prefix = "/fn", endpoint = "my_tickets")]
pub async fn my_tickets() -> Result<Vec<TicketView>, AppError> {
    use super::queries::{views, Filter};
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            let manages = match user.family_id {
                Some(f) => sqlx::query_scalar!(
                    r#"SELECT EXISTS (SELECT 1 FROM families WHERE id = $1 AND manager_id = $2) AS "m!""#,
                    f,
                    user.id
                )
                .fetch_one(&state.pool)
                .await
                .map_err(respond::internal)?,
                None => false,
            };
            let filter = if manages {
                Filter { family_id: user.family_id, ..Default::default() }
            } else {
                Filter { submitter_id: Some(user.id), ..Default::default() }
            };
            views(&state.pool, &state.config, filter).await
        }
        .await,
    )
}

/// One ticket with its timeline, for whoever may see it (admins see everything).
#[server(prefix = "/fn", endpoint = "ticket_detail")]
pub async fn ticket_detail(reference: String) -> Result<TicketDetailView, AppError> {
    use super::{queries, service};
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            let ticket = service::get(&state.pool, &state.config, &user, &reference).await?;
            let events = sqlx::query!(
                r#"SELECT e.kind, e.details, u.name AS "actor?", e.created_at AS "at: chrono::DateTime<chrono::Utc>"
                   FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.ticket_id = $1 ORDER BY e.id"#,
                ticket.id
            )
            .fetch_all(&state.pool)
            .await
            .map_err(respond::internal)?
            .into_iter()
            .map(|e| EventView { kind: e.kind, details: e.details, actor: e.actor, at: e.at })
            .collect();
            let subscription = sqlx::query!(
                r#"SELECT plan_code, status, current_period_end AS "end: chrono::DateTime<chrono::Utc>" FROM subscriptions WHERE family_id = $1"#,
                ticket.family_id
            )
            .fetch_optional(&state.pool)
            .await
            .map_err(respond::internal)?
            .map(|s| SubscriptionView { plan: s.plan_code, status: s.status, ends_at: s.end });
            let duplicates = if user.role.is_admin() { queries::duplicates(&state.pool, &ticket).await? } else { vec![] };
            let can_change = ticket.status == "PENDING" && !user.role.is_admin();
            let mut ticket = ticket;
            let mut events: Vec<EventView> = events;
            if !user.role.is_admin() {
                // Review details stay with the admins; the family reads only a rejection's reason.
                ticket.admin_notes.clear();
                ticket.ip_address.clear();
                ticket.user_agent.clear();
                for e in events.iter_mut().filter(|e| e.kind != "REJECTED") {
                    e.details.clear();
                }
            }
            Ok(TicketDetailView { ticket, events, subscription, duplicates, can_change })
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "cancel_ticket")]
pub async fn cancel_ticket(reference: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let user = auth::require_user().await?;
            super::service::cancel(&state.pool, &user, &reference).await?;
            leptos_axum::redirect(&format!("/tickets/{reference}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "approve_ticket")]
pub async fn approve_ticket(reference: String, admin_notes: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            super::service::approve(&state, &admin, &reference, &admin_notes).await?;
            leptos_axum::redirect(&format!("/admin/tickets/{reference}?done=approved"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "reject_ticket")]
pub async fn reject_ticket(reference: String, reason: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            super::service::reject(&state.pool, &admin, &reference, &reason).await?;
            leptos_axum::redirect(&format!("/admin/tickets/{reference}?done=rejected"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "save_ticket_notes")]
pub async fn save_ticket_notes(reference: String, admin_notes: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            super::service::set_notes(&state.pool, &admin, &reference, &admin_notes).await?;
            leptos_axum::redirect(&format!("/admin/tickets/{reference}?done=notes"));
            Ok(())
        }
        .await,
    )
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AdminQuery {
    pub tab: String,
    pub status: String,
    pub method: String,
    pub plan: String,
    pub from: String,
    pub to: String,
    pub q: String,
    pub sort: String,
    pub page: i64,
    /// Keyset pagination of the pending and overdue tabs: the page after this row (`after`)
    /// or before it (`before`), as [`QueueCursor`] writes it.
    pub after: String,
    pub before: String,
}

impl AdminQuery {
    /// The pending or overdue tab with no other filter: paged by keyset, counted by counters.
    pub fn is_plain_queue(&self) -> bool {
        (self.tab == "pending" || (self.tab == "overdue" && self.status.is_empty()))
            && [&self.method, &self.plan, &self.from, &self.to, &self.q]
                .iter()
                .all(|v| v.trim().is_empty())
    }
}

/// Where a page of the queue starts: the submission time and id of the row next to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueCursor {
    pub at: chrono::DateTime<chrono::Utc>,
    pub id: uuid::Uuid,
}

impl QueueCursor {
    pub fn of(view: &TicketView) -> Self {
        Self {
            at: view.created_at,
            id: view.id,
        }
    }

    /// `{microseconds since 1970}_{id}`, as it travels in the page's address.
    pub fn encode(&self) -> String {
        format!("{}_{}", self.at.timestamp_micros(), self.id)
    }

    pub fn parse(s: &str) -> Option<Self> {
        let (micros, id) = s.split_once('_')?;
        Some(Self {
            at: chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?,
            id: uuid::Uuid::parse_str(id).ok()?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminList {
    pub tickets: Vec<TicketView>,
    pub total: i64,
    pub per_page: i64,
    pub pending: i64,
    pub overdue: i64,
}

#[server(prefix = "/fn", endpoint = "admin_tickets")]
pub async fn admin_tickets(query: AdminQuery) -> Result<AdminList, AppError> {
    use super::queries::list;
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_admin().await?;
            let per_page = 50;
            let (pending, overdue) =
                super::queries::queue_counts(&state.pool, state.config.overdue_hours).await?;
            let (tickets, total) = match queue_page(&state, &query, per_page).await? {
                Some(tickets) => {
                    let total = if query.tab == "pending" {
                        pending
                    } else {
                        overdue
                    };
                    (tickets, total)
                }
                None => list(&state.pool, &state.config, query.filter(per_page)).await?,
            };
            Ok(AdminList {
                tickets,
                total,
                per_page,
                pending,
                overdue,
            })
        }
        .await,
    )
}

/// A page of the plain pending or overdue tab, found by keyset from the row next to it; `None`
/// where the general query must answer (other filters, or a page number with no cursor).
#[cfg(feature = "ssr")]
async fn queue_page(
    state: &crate::platform::state::AppState,
    query: &AdminQuery,
    per_page: i64,
) -> Result<Option<Vec<super::TicketView>>, AppError> {
    use super::queries::{by_ids, pending_page};
    if !query.is_plain_queue() {
        return Ok(None);
    }
    let oldest_first = query.sort != "newest";
    let (from, forward) = match (
        QueueCursor::parse(&query.after),
        QueueCursor::parse(&query.before),
    ) {
        (Some(c), _) => (Some(c), true),
        (None, Some(c)) => (Some(c), false),
        (None, None) if query.page > 0 => return Ok(None),
        (None, None) => (None, true),
    };
    let cutoff = (query.tab == "overdue").then(|| {
        chrono::Utc::now() - chrono::Duration::hours(i64::from(state.config.overdue_hours))
    });
    // Going back is the other direction from the cursor, read in reverse.
    let ascending = oldest_first == forward;
    let mut ids = pending_page(&state.pool, cutoff, from, ascending, per_page).await?;
    if !forward {
        ids.reverse();
    }
    if ids.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let mut views = by_ids(&state.pool, &state.config, &ids).await?;
    views.sort_by_key(|v| ids.iter().position(|id| *id == v.id));
    Ok(Some(views))
}

#[server(prefix = "/fn", endpoint = "admin_ticket_stats")]
pub async fn admin_ticket_stats() -> Result<serde_json::Value, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_admin().await?;
            let mut global = super::stats::global(&state.pool, &state.config).await?;
            global["byAdmin"] = super::stats::by_admin(&state.pool).await?["admins"].take();
            Ok(global)
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_cursor_survives_the_address_and_refuses_junk() {
        let at = chrono::DateTime::from_timestamp_micros(1_796_000_000_123_456).unwrap();
        let c = QueueCursor {
            at,
            id: uuid::Uuid::from_u128(7),
        };
        assert_eq!(QueueCursor::parse(&c.encode()), Some(c));
        for junk in [
            "",
            "_",
            "12",
            "x_00000000-0000-0000-0000-000000000007",
            "1_not-a-uuid",
        ] {
            assert_eq!(QueueCursor::parse(junk), None, "{junk}");
        }
    }

    #[test]
    fn only_the_plain_pending_and_overdue_tabs_page_by_keyset() {
        let q = |tab: &str, q: &str| AdminQuery {
            tab: tab.into(),
            q: q.into(),
            ..Default::default()
        };
        assert!(q("pending", "").is_plain_queue());
        assert!(q("overdue", "").is_plain_queue());
        assert!(!q("pending", "TKT-2026").is_plain_queue());
        assert!(!q("", "").is_plain_queue());
    }
}
