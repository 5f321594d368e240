//! The door offline: the check-in list a phone downloads before the doors open, and the sync
//! that uploads the scans it answered offline and pulls what changed elsewhere.
//!
//! A list is for one event and one staff member's phone (a device id the phone made), scoped
//! to what the door needs (short digests of the link and door code, the holder's name, the
//! status), and it expires after the event. Each scan keeps the id the phone gave it: a scan
//! uploaded twice counts once. A ticket scanned on two phones is checked in once, by the scan
//! synced first; the other is a conflict, answered with both times and both phones. A phone
//! revoked by staff gets nothing more, and its browser session is ended.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{DoorDevice, DoorList, DoorTicket, QueuedScan, ScanResult, SyncAnswer, SyncRequest};
use crate::{
    domain::{door_key, door_key_of_digest, Gate},
    error::AppError,
    platform::{auth::AuthUser, respond},
};

/// How long after its event a list may still be used (a festival's last night).
const LIST_GRACE_HOURS: i64 = 12;
/// The most scans one sync takes; a phone with more sends them in turns.
pub const SYNC_MAX_SCANS: usize = 10_000;
/// Changes are pulled from a little before the phone's change number: a ticket changed by a
/// transaction that committed after a later one is not missed.
const PULL_OVERLAP: i64 = 1_000;

/// Why the door refuses a phone, as a translation key.
fn refused(key: &str) -> AppError {
    AppError::Invalid {
        field: None,
        key: key.into(),
        echo: Default::default(),
        status: 403,
        also: Vec::new(),
    }
}

struct EventRow {
    id: Uuid,
    title: String,
    expires_at: DateTime<Utc>,
}

async fn event_by_slug(pool: &PgPool, slug: &str) -> Result<EventRow, AppError> {
    let r = sqlx::query!(
        r#"SELECT id, title, starts_at AS "starts_at: DateTime<Utc>", ends_at AS "ends_at: DateTime<Utc>"
           FROM events WHERE slug = $1 AND kind = 'EVENT'"#,
        slug
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    let end = r
        .ends_at
        .or(r.starts_at.map(|s| s + Duration::days(1)))
        .unwrap_or_else(|| Utc::now() + Duration::days(1));
    Ok(EventRow {
        id: r.id,
        title: r.title,
        expires_at: end + Duration::hours(LIST_GRACE_HOURS),
    })
}

fn parse_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw.trim()).map_err(|_| AppError::BadRequest("not an id".into()))
}

/// The tickets of `event` changed after `since` (all of them from 0), as a phone keeps them.
async fn tickets_since(
    pool: &PgPool,
    event: Uuid,
    since: i64,
) -> Result<(Vec<DoorTicket>, i64), AppError> {
    let rows = sqlx::query!(
        r#"SELECT t.id, t.token_hash, t.door_code, t.holder_name, t.status, t.door_seq,
                  t.checked_in_at AS "at: DateTime<Utc>"
           FROM etickets t JOIN orders o ON o.id = t.order_id
           WHERE o.event_id = $1 AND t.door_seq > $2"#,
        event,
        since
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    let cursor = rows.iter().map(|r| r.door_seq).max().unwrap_or(0);
    let tickets = rows
        .into_iter()
        .map(|r| DoorTicket {
            id: r.id.to_string(),
            t: door_key_of_digest(&r.token_hash),
            c: door_key(&r.door_code),
            n: r.holder_name,
            s: r.status,
            at: r.at,
        })
        .collect();
    Ok((tickets, cursor))
}

/// The phone `device` of `staff`, if it may use the door of `event`: registered to them and
/// not revoked.
async fn device_of(
    pool: &PgPool,
    staff: &AuthUser,
    device: Uuid,
    event: Uuid,
) -> Result<String, AppError> {
    let d = sqlx::query!(
        "SELECT staff_id, name, event_id, revoked_at IS NOT NULL AS \"revoked!\" FROM door_devices WHERE id = $1",
        device
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| refused("door.offline.not_registered"))?;
    if d.revoked {
        return Err(refused("door.offline.revoked"));
    }
    if d.staff_id != staff.id || d.event_id != event {
        return Err(refused("door.offline.not_registered"));
    }
    Ok(d.name)
}

/// The check-in list of `event` for the phone `device`, registering the phone (named `name`)
/// to this staff member, this event and this browser session.
#[tracing::instrument(skip_all, fields(staff_id = %staff.id))]
pub async fn list(
    pool: &PgPool,
    staff: &AuthUser,
    event: &str,
    device: &str,
    name: &str,
    session_id: Option<String>,
) -> Result<DoorList, AppError> {
    super::door_team::require(pool, staff.id, event).await?;
    let ev = event_by_slug(pool, event).await?;
    if ev.expires_at < Utc::now() {
        return Err(refused("door.offline.expired"));
    }
    let device = parse_id(device)?;
    // A phone's name is tidied as a gate's is.
    let name = match Gate::tidy(name).as_str() {
        "" => staff.name.clone(),
        tidy => tidy.to_string(),
    };
    let taken = sqlx::query_scalar!(
        r#"INSERT INTO door_devices (id, staff_id, name, event_id, session_id)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, event_id = EXCLUDED.event_id,
                                         session_id = EXCLUDED.session_id, list_at = now()
               WHERE door_devices.staff_id = EXCLUDED.staff_id AND door_devices.revoked_at IS NULL
           RETURNING id"#,
        device,
        staff.id,
        name,
        ev.id,
        session_id
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?;
    if taken.is_none() {
        return Err(refused("door.offline.revoked"));
    }
    let (tickets, cursor) = tickets_since(pool, ev.id, 0).await?;
    tracing::info!(tickets = tickets.len(), "door list downloaded");
    Ok(DoorList {
        event: event.to_string(),
        title: ev.title,
        expires_at: ev.expires_at,
        cursor,
        tickets,
    })
}

/// Uploads a phone's queued scans and pulls what changed since `since`.
#[tracing::instrument(skip_all, fields(staff_id = %staff.id, scans = req.scans.len()))]
pub async fn sync(
    pool: &PgPool,
    staff: &AuthUser,
    req: &SyncRequest,
) -> Result<SyncAnswer, AppError> {
    // Taken off the event's door team, a phone syncs no more.
    super::door_team::require(pool, staff.id, &req.event).await?;
    if req.scans.len() > SYNC_MAX_SCANS {
        return Err(AppError::BadRequest("too many scans in one sync".into()));
    }
    let ev = event_by_slug(pool, &req.event).await?;
    let device = parse_id(&req.device)?;
    let device_name = device_of(pool, staff, device, ev.id).await?;
    // Each scan once, by its id, however often the phone sent it.
    let mut seen = std::collections::HashSet::new();
    let scans: Vec<(Uuid, Uuid, &QueuedScan)> = req
        .scans
        .iter()
        .filter_map(|s| Some((parse_id(&s.id).ok()?, parse_id(&s.ticket).ok()?, s)))
        .filter(|(id, _, _)| seen.insert(*id))
        .collect();
    let results = record(pool, staff, device, &device_name, ev.id, &scans).await?;
    sqlx::query!(
        "UPDATE door_devices SET synced_at = now() WHERE id = $1",
        device
    )
    .execute(pool)
    .await
    .map_err(respond::internal)?;
    let (changes, cursor) = tickets_since(pool, ev.id, (req.since - PULL_OVERLAP).max(0)).await?;
    let counts = sqlx::query!(
        r#"SELECT coalesce(sum(checked_in), 0)::bigint AS "checked_in!", coalesce(sum(issued), 0)::bigint AS "issued!"
           FROM event_door_counts WHERE event_id = $1"#,
        ev.id
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    Ok(SyncAnswer {
        results,
        changes,
        cursor: cursor.max(req.since),
        checked_in: counts.checked_in,
        issued: counts.issued,
    })
}

/// When a queued scan was made, never later than now, as RFC 3339 text (the database casts
/// it back).
fn scanned_at(s: &QueuedScan) -> String {
    s.at.min(Utc::now()).to_rfc3339()
}

/// The gate a queued scan names, tidied.
fn gate_of(s: &QueuedScan) -> String {
    Gate::tidy(&s.gate).as_str().to_string()
}

/// Records the scans in a handful of statements, whatever their number: the ones already
/// recorded keep their outcome; of the new ones, the earliest scan of each ticket still
/// unused checks it in, at the time it was scanned; every other one is a conflict (or VOID).
async fn record(
    pool: &PgPool,
    staff: &AuthUser,
    device: Uuid,
    device_name: &str,
    event: Uuid,
    scans: &[(Uuid, Uuid, &QueuedScan)],
) -> Result<Vec<ScanResult>, AppError> {
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let ids: Vec<Uuid> = scans.iter().map(|s| s.0).collect();
    // Scans seen before (a sync whose answer was lost): their outcome stands.
    let known: HashMap<Uuid, String> = sqlx::query!(
        "SELECT id, outcome FROM door_scans WHERE id = ANY($1)",
        &ids
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| (r.id, r.outcome))
    .collect();
    // Of the new scans of one ticket, the earliest is the one that may check it in.
    let mut first: HashMap<Uuid, &QueuedScan> = HashMap::new();
    for (id, ticket, s) in scans {
        if known.contains_key(id) {
            continue;
        }
        let e = first.entry(*ticket).or_insert(s);
        if s.at < e.at {
            *e = s;
        }
    }
    let chosen: Vec<(Uuid, &QueuedScan)> = first.iter().map(|(t, s)| (*t, *s)).collect();
    let tickets: Vec<Uuid> = chosen.iter().map(|(t, _)| *t).collect();
    let ats: Vec<String> = chosen.iter().map(|(_, s)| scanned_at(s)).collect();
    let gates: Vec<String> = chosen.iter().map(|(_, s)| gate_of(s)).collect();
    let admitted: Vec<Uuid> = sqlx::query_scalar!(
        r#"UPDATE etickets t SET status = 'CHECKED_IN', checked_in_at = s.at, checked_in_by = $4,
                                 checked_in_gate = s.gate, checked_in_device = $5
           FROM unnest($1::uuid[], $2::text[]::timestamptz[], $3::text[]) AS s(ticket, at, gate), orders o
           WHERE t.id = s.ticket AND t.status = 'VALID' AND o.id = t.order_id AND o.event_id = $6
           RETURNING t.id"#,
        &tickets,
        &ats,
        &gates,
        staff.id,
        device_name,
        event
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(respond::internal)?;
    let admitted: std::collections::HashSet<Uuid> = admitted.into_iter().collect();
    // Where each ticket stands now, with who checked it in, where and when.
    let all_tickets: Vec<Uuid> = scans.iter().map(|s| s.1).collect();
    let state: HashMap<Uuid, _> = sqlx::query!(
        r#"SELECT t.id, t.holder_name, t.status, t.checked_in_at AS "at: DateTime<Utc>", t.checked_in_gate,
                  t.checked_in_device, u.name AS "staff?"
           FROM etickets t JOIN orders o ON o.id = t.order_id LEFT JOIN users u ON u.id = t.checked_in_by
           WHERE t.id = ANY($1) AND o.event_id = $2"#,
        &all_tickets,
        event
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| (r.id, r))
    .collect();
    let mut results = Vec::with_capacity(scans.len());
    let (mut new_ids, mut new_tickets, mut new_ats, mut new_gates, mut new_outcomes) =
        (vec![], vec![], vec![], vec![], vec![]);
    for (id, ticket, s) in scans {
        // A ticket of another event, or none: nothing to record.
        let Some(t) = state.get(ticket) else {
            continue;
        };
        let outcome = match known.get(id) {
            Some(o) => o.clone(),
            None => {
                let o = if admitted.contains(ticket)
                    && first.get(ticket).is_some_and(|f| std::ptr::eq(*f, *s))
                {
                    "CHECKED_IN"
                } else if t.status == "VOID" {
                    "VOID"
                } else {
                    "CONFLICT"
                };
                new_ids.push(*id);
                new_tickets.push(*ticket);
                new_ats.push(scanned_at(s));
                new_gates.push(gate_of(s));
                new_outcomes.push(o.to_string());
                o.to_string()
            }
        };
        results.push(ScanResult {
            id: id.to_string(),
            outcome,
            holder_name: t.holder_name.clone(),
            scanned_at: s.at,
            first_at: t.at,
            first_device: t.checked_in_device.clone(),
            first_staff: t.staff.clone(),
            first_gate: t.checked_in_gate.clone(),
        });
    }
    sqlx::query!(
        r#"INSERT INTO door_scans (id, device_id, ticket_id, scanned_at, gate, outcome)
           SELECT s.id, $1, s.ticket, s.at, s.gate, s.outcome
           FROM unnest($2::uuid[], $3::uuid[], $4::text[]::timestamptz[], $5::text[], $6::text[])
                AS s(id, ticket, at, gate, outcome)
           ON CONFLICT (id) DO NOTHING"#,
        device,
        &new_ids,
        &new_tickets,
        &new_ats,
        &new_gates,
        &new_outcomes
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    tx.commit().await.map_err(respond::internal)?;
    Ok(results)
}

/// The phones that downloaded `event`'s list, for its door page.
pub async fn devices(
    pool: &PgPool,
    staff: &AuthUser,
    event: &str,
) -> Result<Vec<DoorDevice>, AppError> {
    super::door_team::require(pool, staff.id, event).await?;
    Ok(sqlx::query!(
        r#"SELECT d.id, d.name, u.name AS staff, d.list_at AS "list_at: DateTime<Utc>",
                  d.synced_at AS "synced_at: DateTime<Utc>", d.revoked_at AS "revoked_at: DateTime<Utc>"
           FROM door_devices d JOIN users u ON u.id = d.staff_id JOIN events e ON e.id = d.event_id
           WHERE e.slug = $1 ORDER BY d.list_at DESC"#,
        event
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| DoorDevice {
        id: r.id.to_string(),
        name: r.name,
        staff: r.staff,
        list_at: r.list_at,
        synced_at: r.synced_at,
        revoked_at: r.revoked_at,
    })
    .collect())
}

/// Revokes a phone: it gets no list and no sync any more, and its browser session ends (it
/// is signed out). Admins may revoke any phone; staff their own.
#[tracing::instrument(skip_all, fields(staff_id = %staff.id))]
pub async fn revoke(pool: &PgPool, staff: &AuthUser, device: &str) -> Result<(), AppError> {
    super::door_team::require(pool, staff.id, "").await?;
    let device = parse_id(device)?;
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let session = sqlx::query!(
        r#"UPDATE door_devices SET revoked_at = now(), revoked_by = $2
           WHERE id = $1 AND revoked_at IS NULL AND ($3 OR staff_id = $2)
           RETURNING session_id"#,
        device,
        staff.id,
        staff.role.is_admin()
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    if let Some(id) = session.session_id {
        sqlx::query("DELETE FROM tower_sessions.session WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(respond::internal)?;
    }
    tx.commit().await.map_err(respond::internal)?;
    tracing::info!(%device, "door phone revoked");
    Ok(())
}
