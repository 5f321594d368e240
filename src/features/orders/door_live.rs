//! Live door counters: an open door page is told within about a second that its event's
//! checked-in or issued count moved, wherever the scan was made.
//!
//! Each app instance, while at least one door page listens to it, reads every event's counters
//! once a second (one small query over `event_door_counts`, whatever the number of pages) and
//! hands the reading to its listeners. Each page's stream (`GET /door/live?event={slug}`,
//! server-sent events) compares the reading with the last one it saw and, when its event's
//! counters differ, sends a `counts` event; the page then asks for its counters as before
//! (`/fn/door_counts`, with its access checks). The stream carries no figures itself.
//! Instances share nothing but the database, so a scan on one shows on the pages of all.

use std::{
    collections::HashMap,
    convert::Infallible,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
    Extension,
};
use serde::Deserialize;
use sqlx::PgPool;
use tokio::sync::broadcast;
use tower_sessions::Session;

use super::door_team;
use crate::{
    i18n::t,
    platform::{http::session_user, lang::request_lang, state::AppState},
};

/// Every event's (checked in, issued), by slug.
type Reading = Arc<HashMap<String, (i64, i64)>>;

/// How often an instance reads the counters while pages listen.
const EVERY: Duration = Duration::from_secs(1);
/// How long one stream lasts; the browser reconnects by itself, and the access check runs
/// again (a revoked phone or a member taken off the team stops hearing).
const STREAM_FOR: Duration = Duration::from_secs(300);

/// The readings of this app instance, and the task that makes them while anyone listens.
#[derive(Clone, Default)]
pub struct DoorHub(Arc<Mutex<Option<broadcast::Sender<Reading>>>>);

impl DoorHub {
    /// A receiver of the readings, starting the reading task if none runs.
    fn subscribe(&self, pool: &PgPool) -> broadcast::Receiver<Reading> {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = slot.as_ref() {
            return tx.subscribe();
        }
        let (tx, rx) = broadcast::channel(4);
        *slot = Some(tx.clone());
        tokio::spawn(read_counts(self.clone(), pool.clone(), tx));
        rx
    }
}

/// Reads the counters every second until nobody listens.
async fn read_counts(hub: DoorHub, pool: PgPool, tx: broadcast::Sender<Reading>) {
    loop {
        {
            // Under the lock, so that a page subscribing now either finds this task or starts
            // the next one.
            let mut slot = hub.0.lock().unwrap_or_else(|p| p.into_inner());
            if tx.receiver_count() == 0 {
                *slot = None;
                return;
            }
        }
        match sqlx::query!(
            r#"SELECT e.slug, sum(c.checked_in)::bigint AS "checked_in!", sum(c.issued)::bigint AS "issued!"
               FROM event_door_counts c JOIN events e ON e.id = c.event_id GROUP BY e.slug"#
        )
        .fetch_all(&pool)
        .await
        {
            Ok(rows) => {
                let reading = rows
                    .into_iter()
                    .map(|r| (r.slug, (r.checked_in, r.issued)))
                    .collect();
                let _ = tx.send(Arc::new(reading));
            }
            Err(e) => tracing::warn!(error = %e, "door counters not read"),
        }
        tokio::time::sleep(EVERY).await;
    }
}

#[derive(Deserialize, Default)]
pub struct LiveQuery {
    #[serde(default)]
    event: String,
}

/// What a page's stream compares: its event's counters, or (a door set to any event) all.
fn seen(reading: &HashMap<String, (i64, i64)>, event: &str) -> Vec<(String, (i64, i64))> {
    let mut v: Vec<_> = reading
        .iter()
        .filter(|(slug, _)| event.is_empty() || slug.as_str() == event)
        .map(|(s, c)| (s.clone(), *c))
        .collect();
    v.sort();
    v
}

/// `GET /door/live?event={slug}`: a `counts` event whenever the door's counters move, for
/// those who work that door.
pub async fn live(
    State(state): State<AppState>,
    Extension(hub): Extension<DoorHub>,
    Query(q): Query<LiveQuery>,
    session: Session,
    headers: axum::http::HeaderMap,
) -> Response {
    let lang = request_lang(&headers);
    let Some(user) = session_user(&state, &session).await else {
        return (StatusCode::UNAUTHORIZED, t(lang, "error.login_required")).into_response();
    };
    match door_team::may_work(&state.pool, user.id, &q.event).await {
        Ok(true) => {}
        Ok(false) => return (StatusCode::FORBIDDEN, t(lang, "error.forbidden")).into_response(),
        Err(_) => {
            return (StatusCode::SERVICE_UNAVAILABLE, t(lang, "error.internal")).into_response()
        }
    }
    let rx = hub.subscribe(&state.pool);
    let until = tokio::time::Instant::from_std(Instant::now() + STREAM_FOR);
    let stopping = state.stopping.subscribe();
    let stream = futures::stream::unfold(
        (rx, stopping, None::<Vec<(String, (i64, i64))>>),
        move |(mut rx, mut stopping, last)| {
            let event = q.event.clone();
            async move {
                loop {
                    if *stopping.borrow() {
                        return None;
                    }
                    let reading = tokio::select! {
                        r = rx.recv() => match r {
                            Ok(reading) => reading,
                            Err(broadcast::error::RecvError::Lagged(_)) => continue,
                            Err(broadcast::error::RecvError::Closed) => return None,
                        },
                        _ = stopping.changed() => return None,
                        _ = tokio::time::sleep_until(until) => return None,
                    };
                    let now = seen(&reading, &event);
                    if last.as_ref() != Some(&now) {
                        // A browser dispatches no event without data.
                        let sent = Event::default().event("counts").data("moved");
                        return Some((Ok::<_, Infallible>(sent), (rx, stopping, Some(now))));
                    }
                }
            }
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
