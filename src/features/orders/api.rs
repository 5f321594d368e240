//! Server functions of the order pages: public event pages and ordering, the buyer's order
//! page, e-tickets, owner links, the door, and the admin's orders, events and refunds.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::service;
use super::{
    CheckinView, DoorBoard, DoorDevice, DoorList, ETicketView, EventView, OrderRow, OrderView,
    OwnerLinkView, SyncAnswer, SyncRequest,
};
use crate::error::AppError;

#[server(prefix = "/fn", endpoint = "events")]
pub async fn list_events() -> Result<Vec<EventView>, AppError> {
    use crate::platform::respond;
    respond::reply(
        async {
            let state = respond::state()?;
            super::queries::events(&state.pool, false, None).await
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "event")]
pub async fn get_event(slug: String) -> Result<EventView, AppError> {
    use crate::platform::respond;
    respond::reply(
        async {
            let state = respond::state()?;
            super::queries::events(&state.pool, false, Some(&slug))
                .await?
                .into_iter()
                .next()
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// The signed-in member's details, to fill the order form in.
#[server(prefix = "/fn", endpoint = "buyer_details")]
pub async fn buyer_details() -> Result<Option<(String, String, String)>, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let Some(user) = auth::current_user().await? else {
                return Ok(None);
            };
            let phone = sqlx::query_scalar!("SELECT phone FROM users WHERE id = $1", user.id)
                .fetch_one(&state.pool)
                .await
                .map_err(respond::internal)?;
            Ok(Some((user.name, user.email, phone)))
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "place_order")]
pub async fn place_order(
    slug: String,
    #[server(default)] quantity: String,
    #[server(default)] check_in: String,
    #[server(default)] check_out: String,
    name: String,
    email: String,
    phone: String,
    #[server(default)] referral_code: String,
) -> Result<String, AppError> {
    use crate::platform::{auth, respond, throttle};
    respond::reply(
        async {
            let state = respond::state()?;
            let buyer = auth::current_user().await?;
            let lang = crate::ui::initial_lang();
            let form = super::OrderFields {
                slug,
                quantity,
                check_in,
                check_out,
                name,
                email,
                phone,
                referral_code,
            };
            let ip = respond::client_ip(state.config.trust_proxy).await;
            let per_hour = state.config.rate.orders_per_hour;
            throttle::limit(&state.pool, "order", &ip, per_hour, 3600, form.echo()).await?;
            let (reference, sig) = service::place_order(
                &state.pool,
                &state.config,
                &state.signer,
                buyer.as_ref(),
                lang,
                &form,
            )
            .await?;
            let next = format!("/orders/{reference}?sig={sig}");
            leptos_axum::redirect(&next);
            Ok(next)
        }
        .await,
    )
}

/// An order for its buyer (signed link, or signed in as its buyer) or an admin. `card` is `1`
/// when the buyer comes back from the card provider: the order then waits for the payment to
/// be verified with the provider, which is checked every few seconds while they watch.
#[server(prefix = "/fn", endpoint = "order")]
pub async fn get_order(
    reference: String,
    sig: String,
    #[server(default)] card: String,
) -> Result<OrderView, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let reference =
                crate::domain::parse_order_reference(&reference).ok_or(AppError::NotFound)?;
            let user = auth::current_user().await?;
            let signed = service::check_signature(&state.signer, &reference, &sig).is_ok();
            let view =
                super::queries::order(&state.pool, &state.config, &state.signer, &reference).await;
            let allowed = signed
                || user.as_ref().is_some_and(|u| {
                    u.role.is_admin() || view.as_ref().is_ok_and(|v| v.buyer_id == Some(u.id))
                });
            if !allowed {
                return Err(AppError::NotFound);
            }
            let staff = user.as_ref().is_some_and(|u| u.role.is_admin());
            let mut view = view?;
            let awaiting = matches!(
                view.status.as_str(),
                "PAYMENT_PENDING" | "PENDING_VERIFICATION"
            );
            if awaiting {
                let returned = card == "1" && signed;
                if returned || view.status == "PENDING_VERIFICATION" {
                    service::watch_card(&state, view.id, returned).await?;
                }
                view = super::queries::order(&state.pool, &state.config, &state.signer, &reference)
                    .await?;
                let open =
                    crate::features::payments::checkout::open_for_order(&state, view.id).await?;
                view.verifying = view.status == "PENDING_VERIFICATION" && open.is_some();
                view.card_open = open.map(|(_, url)| url);
                view.card_available = service::card_available(&state, view.id).await?;
                view.phone_available = service::phone_available(&state, view.id).await?;
                view.phone_open = service::phone_open(&state, view.id).await?;
            }
            Ok(if staff { view } else { view.for_buyer() })
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "eticket")]
pub async fn get_eticket(token: String) -> Result<ETicketView, AppError> {
    use crate::platform::respond;
    respond::reply(
        async {
            let state = respond::state()?;
            let view = super::etickets::find(&state.pool, &state.config, &token).await?;
            super::etickets::with_qr_svg(view)
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "owner_link")]
pub async fn get_owner_link(token: String) -> Result<OwnerLinkView, AppError> {
    use crate::platform::respond;
    respond::reply(
        async {
            let state = respond::state()?;
            let link = service::owner_link(&state.pool, &state.signer, &token).await?;
            let o =
                super::queries::order(&state.pool, &state.config, &state.signer, &link.reference)
                    .await?;
            Ok(OwnerLinkView {
                reference: o.reference,
                action: link.action,
                state: state_name(link.state).into(),
                title: o.event_title,
                guest: o.buyer_name,
                guests: o.quantity,
                check_in: o.check_in,
                check_out: o.check_out,
                total: o.total,
            })
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn state_name(s: service::LinkState) -> &'static str {
    match s {
        service::LinkState::Usable => "USABLE",
        service::LinkState::Used => "USED",
        service::LinkState::Expired => "EXPIRED",
        service::LinkState::Stale => "STALE",
    }
}

/// The owner presses Confirm or Cancel; the page then says what happened.
#[server(prefix = "/fn", endpoint = "owner_act")]
pub async fn owner_act(token: String) -> Result<String, AppError> {
    use crate::platform::respond;
    respond::reply(
        async {
            let state = respond::state()?;
            let (action, outcome) =
                service::use_owner_link(&state.pool, &state.config, &state.signer, &token).await?;
            let result = match outcome {
                service::LinkState::Usable => action.to_ascii_lowercase(),
                other => state_name(other).to_ascii_lowercase(),
            };
            let next = format!("/owner/{token}?done={result}");
            leptos_axum::redirect(&next);
            Ok(result)
        }
        .await,
    )
}

/// Checks a ticket in at the door. `event` (a slug) is the event the door lets people into,
/// empty for any; `gate` names where staff stand. A script gets the answer alone (one round
/// trip); a plain form is sent back to `/checkin` with the answer in the address.
#[server(prefix = "/fn", endpoint = "check_in")]
pub async fn check_in(
    code: String,
    #[server(default)] event: String,
    #[server(default)] gate: String,
) -> Result<CheckinView, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            // The statement itself checks that the session's user is staff.
            let staff_id = auth::session_user_id().await?;
            let place = super::etickets::DoorPlace {
                event: event.trim().to_string(),
                gate: crate::domain::Gate::tidy(&gate),
            };
            let view = super::etickets::check_in(&state.pool, staff_id, &code, &place).await?;
            if respond::from_plain_form() {
                let key = crate::domain::TicketKey::parse(&code);
                let key = key.as_ref().map(|k| k.as_str()).unwrap_or_default();
                let next = serde_urlencoded::to_string([
                    ("outcome", view.outcome.as_str()),
                    ("reason", view.reason.as_deref().unwrap_or_default()),
                    ("code", key),
                    ("event", place.event.as_str()),
                    ("gate", place.gate.as_str()),
                ])
                .unwrap_or_default();
                leptos_axum::redirect(&format!("/checkin?{next}"));
            }
            Ok(view)
        }
        .await,
    )
}

/// The answer shown on `/checkin` after a scan (read only; the outcome comes from the address).
#[server(prefix = "/fn", endpoint = "door_view")]
pub async fn door_view(
    code: String,
    outcome: String,
    reason: String,
) -> Result<Option<CheckinView>, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let staff = auth::require_user().await?;
            if outcome.is_empty() {
                return Ok(None);
            }
            super::etickets::door_view(&state.pool, &staff, &code, &outcome, &reason)
                .await
                .map(Some)
        }
        .await,
    )
}

/// The door's counters: every event's, and the gates of `event` (a slug).
#[server(prefix = "/fn", endpoint = "door_counts")]
pub async fn door_counts(#[server(default)] event: String) -> Result<DoorBoard, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let staff = auth::require_user().await?;
            super::door_team::require(&state.pool, staff.id, &event).await?;
            super::queries::door_counts(&state.pool, staff.id, &event).await
        }
        .await,
    )
}

/// The check-in list of `event` for this phone (`device`, an id it made; `name`, what staff
/// call it), to answer scans offline.
#[server(prefix = "/fn", endpoint = "door_list")]
pub async fn download_door_list(
    event: String,
    device: String,
    #[server(default)] name: String,
) -> Result<DoorList, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let staff = auth::require_user().await?;
            let session = respond::session().await?.id().map(|id| id.to_string());
            super::door_sync::list(&state.pool, &staff, &event, &device, &name, session).await
        }
        .await,
    )
}

/// Uploads the scans a phone answered offline and pulls what changed elsewhere.
#[server(prefix = "/fn", endpoint = "door_sync", input = leptos::server_fn::codec::Json)]
pub async fn door_sync(request: SyncRequest) -> Result<SyncAnswer, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let staff = auth::require_user().await?;
            super::door_sync::sync(&state.pool, &staff, &request).await
        }
        .await,
    )
}

/// The phones that downloaded `event`'s check-in list.
#[server(prefix = "/fn", endpoint = "door_devices")]
pub async fn door_devices(event: String) -> Result<Vec<DoorDevice>, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let staff = auth::require_user().await?;
            super::door_sync::devices(&state.pool, &staff, &event).await
        }
        .await,
    )
}

/// Revokes a phone's check-in list and ends its session; back to the door page.
#[server(prefix = "/fn", endpoint = "revoke_door_device")]
pub async fn revoke_door_device(
    device: String,
    #[server(default)] event: String,
) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let staff = auth::require_user().await?;
            super::door_sync::revoke(&state.pool, &staff, &device).await?;
            if respond::from_plain_form() {
                let next =
                    serde_urlencoded::to_string([("event", event.as_str()), ("revoked", "1")])
                        .unwrap_or_default();
                leptos_axum::redirect(&format!("/checkin?{next}"));
            }
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "admin_orders")]
pub async fn admin_orders(
    status: Option<String>,
    event: Option<String>,
    search: Option<String>,
    refund: Option<String>,
    page: Option<i64>,
) -> Result<(Vec<OrderRow>, i64), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_admin().await?;
            let filter = super::queries::OrderFilter {
                status: status.filter(|s| !s.is_empty()),
                event: event.filter(|s| !s.is_empty()),
                search,
                refund: refund.filter(|s| !s.is_empty()),
                page: page.unwrap_or(0),
                per_page: 0,
            };
            super::queries::orders(&state.pool, &filter).await
        }
        .await,
    )
}

/// The delivery log of an order: every e-mail and WhatsApp message about it.
#[server(prefix = "/fn", endpoint = "order_notifications")]
pub async fn order_notifications(
    reference: String,
) -> Result<Vec<super::NotificationView>, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_admin().await?;
            Ok(sqlx::query!(
                r#"SELECT m.channel, m.kind, m.recipient, m.status, m.attempts, m.last_error,
                          m.created_at AS "created_at: chrono::DateTime<chrono::Utc>"
                   FROM outbox m JOIN orders o ON o.id = m.order_id
                   WHERE o.reference = $1 ORDER BY m.created_at, m.channel"#,
                reference
            )
            .fetch_all(&state.pool)
            .await
            .map_err(respond::internal)?
            .into_iter()
            .map(|m| super::NotificationView {
                channel: m.channel,
                kind: m.kind,
                recipient: m.recipient,
                status: m.status,
                attempts: m.attempts,
                last_error: m.last_error,
                created_at: m.created_at,
            })
            .collect())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "admin_events")]
pub async fn admin_events() -> Result<Vec<EventView>, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_admin().await?;
            super::queries::events(&state.pool, true, None).await
        }
        .await,
    )
}

/// Marks an order paid: `via` is `PROOF` (after checking the buyer's proof) or `CASH`.
#[server(prefix = "/fn", endpoint = "mark_order_paid")]
pub async fn mark_order_paid(
    reference: String,
    via: String,
    #[server(default)] admin_notes: String,
) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            let via = match via.as_str() {
                "CASH" => service::PaidVia::Cash,
                _ => service::PaidVia::Proof,
            };
            service::mark_paid(&state, &admin, &reference, via, &admin_notes).await?;
            leptos_axum::redirect(&format!("/admin/orders/{reference}?paid=1"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "cancel_order")]
pub async fn cancel_order(reference: String, reason: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            service::cancel_order(&state.pool, &state.config, &admin, &reference, &reason).await?;
            leptos_axum::redirect(&format!("/admin/orders/{reference}?cancelled=1"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "refund_initiated")]
pub async fn refund_initiated(reference: String, refund_id: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            service::refund_initiated(&state, &admin, &reference, &refund_id).await?;
            leptos_axum::redirect("/admin/refunds?done=1");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "refund_completed")]
pub async fn refund_completed(reference: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            service::refund_completed(&state.pool, &admin, &reference).await?;
            leptos_axum::redirect("/admin/refunds?done=1");
            Ok(())
        }
        .await,
    )
}

/// Creates or edits an event or stay (`id` empty to create).
#[server(prefix = "/fn", endpoint = "save_event")]
pub async fn save_event(
    #[server(default)] id: String,
    kind: String,
    title: String,
    #[server(default)] slug: String,
    #[server(default)] description: String,
    #[server(default)] venue: String,
    #[server(default)] starts_at: String,
    #[server(default)] ends_at: String,
    capacity: String,
    price: String,
    #[server(default)] currency: String,
    #[server(default)] max_per_order: String,
    #[server(default)] sales_start: String,
    #[server(default)] sales_end: String,
    #[server(default)] owner_name: String,
    #[server(default)] owner_phone: String,
    #[server(default)] owner_email: String,
    #[server(default)] checkin_info: String,
    #[server(default)] deposit: String,
) -> Result<String, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            let form = super::EventFields {
                id,
                kind,
                title,
                slug,
                description,
                venue,
                starts_at,
                ends_at,
                capacity,
                price,
                currency,
                max_per_order,
                sales_start,
                sales_end,
                owner_name,
                owner_phone,
                owner_email,
                checkin_info,
                deposit,
            };
            let slug = super::events::save(&state.pool, &admin, &form).await?;
            leptos_axum::redirect(&format!("/admin/events?saved={slug}"));
            Ok(slug)
        }
        .await,
    )
}

/// The door team of the event `event` (a slug), for `/admin/events?edit={slug}`. Admins only.
#[server(prefix = "/fn", endpoint = "door_team")]
pub async fn door_team(event: String) -> Result<Vec<super::DoorTeamMember>, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_admin().await?;
            super::door_team::members(&state.pool, &event).await
        }
        .await,
    )
}

/// Adds the account using `email` to the door team of `event` (a slug). Admins only.
#[server(prefix = "/fn", endpoint = "add_door_staff")]
pub async fn add_door_staff(event: String, email: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            super::door_team::add(&state.pool, &admin, &event, &email).await?;
            leptos_axum::redirect(&team_page(&event, "added"));
            Ok(())
        }
        .await,
    )
}

/// Takes `user` (an id) off the door team of `event` (a slug). Admins only.
#[server(prefix = "/fn", endpoint = "remove_door_staff")]
pub async fn remove_door_staff(event: String, user: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            super::door_team::remove(&state.pool, &admin, &event, &user).await?;
            leptos_axum::redirect(&team_page(&event, "removed"));
            Ok(())
        }
        .await,
    )
}

/// Where the event form's door team is, saying what was just done.
#[cfg(feature = "ssr")]
fn team_page(slug: &str, done: &str) -> String {
    let query = serde_urlencoded::to_string([("edit", slug), ("team", done)]).unwrap_or_default();
    format!("/admin/events?{query}#door-team")
}

/// Everything `/admin/commissions` shows: the summary, each referrer, and the lines matching
/// the status and date range.
#[server(prefix = "/fn", endpoint = "commission_report")]
pub async fn commission_report(
    status: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
) -> Result<
    (
        super::CommissionSummary,
        Vec<super::Payable>,
        Vec<super::CommissionLine>,
    ),
    AppError,
> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            auth::require_admin().await?;
            let range = super::rest::RangeQuery {
                start_date: start_date.unwrap_or_default(),
                end_date: end_date.unwrap_or_default(),
            };
            let (from, to) = range
                .dates()
                .map_err(|k| AppError::field("start_date", k, vec![]))?;
            let status = status
                .as_deref()
                .and_then(|s| crate::domain::CommissionStatus::parse(s).ok())
                .map(|s| s.as_str());
            let c = super::commissions::summary(&state.pool).await?;
            let p = super::commissions::payable(&state.pool, None).await?;
            let l = super::commissions::lines(&state.pool, status, None, from, to).await?;
            Ok((c, p, l))
        }
        .await,
    )
}

/// An order's buyer pays from their phone (signed link): the browser goes to the waiting page
/// (or Orange's page).
#[server(prefix = "/fn", endpoint = "order_phone_pay")]
pub async fn order_phone_pay(
    reference: String,
    sig: String,
    #[server(default)] phone: String,
) -> Result<String, AppError> {
    use crate::platform::respond;
    respond::reply(
        async {
            let state = respond::state()?;
            let next = service::phone_checkout(&state, &reference, &sig, &phone).await?;
            leptos_axum::redirect(&next);
            Ok(next)
        }
        .await,
    )
}

/// An order's buyer pays by card (signed link): the browser goes to the gateway.
#[server(prefix = "/fn", endpoint = "order_card_checkout")]
pub async fn order_card_checkout(reference: String, sig: String) -> Result<String, AppError> {
    use crate::platform::respond;
    respond::reply(
        async {
            let state = respond::state()?;
            let ip = respond::client_ip(state.config.trust_proxy).await;
            let next = service::card_checkout(&state, &reference, &sig, &ip).await?;
            leptos_axum::redirect(&next);
            Ok(next)
        }
        .await,
    )
}
