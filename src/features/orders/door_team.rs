//! Who works which door. Users with the staff or admin role work every event's door; an event's
//! organiser works its own; and an admin adds anyone with an account to one event's door team
//! (`/admin/events?edit={slug}`), which lets them scan that event's tickets, download its
//! check-in list and sync it, and nothing of any other event.
//!
//! The rule itself is one SQL function, `works_door(user, event)` (see the migration
//! `door_team`), so the statements that answer the door apply it where they read the ticket.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::DoorTeamMember;
use crate::{
    domain::Email,
    error::AppError,
    platform::{auth::AuthUser, respond},
};

/// Whether `user` may work the door of the event `slug`, or (with an empty slug) some door.
#[tracing::instrument(skip(pool))]
pub async fn may_work(pool: &PgPool, user: Uuid, slug: &str) -> Result<bool, AppError> {
    if slug.is_empty() {
        return sqlx::query_scalar!(r#"SELECT works_a_door($1) AS "w!""#, user)
            .fetch_one(pool)
            .await
            .map_err(respond::internal);
    }
    sqlx::query_scalar!(
        r#"SELECT works_door($1, (SELECT id FROM events WHERE slug = $2)) AS "w!""#,
        user,
        slug
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)
}

/// Refuses anyone who may not work the door of `slug` (or, empty, any door).
pub async fn require(pool: &PgPool, user: Uuid, slug: &str) -> Result<(), AppError> {
    if may_work(pool, user, slug).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The door team of the event `slug`, by name.
pub async fn members(pool: &PgPool, slug: &str) -> Result<Vec<DoorTeamMember>, AppError> {
    Ok(sqlx::query!(
        r#"SELECT u.id, u.name, u.email, s.added_at AS "added_at: DateTime<Utc>"
           FROM event_staff s JOIN users u ON u.id = s.user_id JOIN events e ON e.id = s.event_id
           WHERE e.slug = $1 ORDER BY u.name, u.email"#,
        slug
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| DoorTeamMember {
        user_id: r.id.to_string(),
        name: r.name,
        email: r.email,
        added_at: r.added_at,
    })
    .collect())
}

/// Why a person could not be added to a door team.
#[derive(Debug)]
pub enum AddError {
    /// Not an e-mail address (the key says why).
    BadEmail(&'static str),
    /// No account uses this address: they register first.
    NoAccount,
    /// The event does not exist (or was deleted meanwhile).
    NoEvent,
    Database(sqlx::Error),
}

impl AddError {
    /// The refusal as the form shows it, with the address as typed.
    fn into_app(self, typed: &str) -> AppError {
        let echo = vec![("email".to_string(), typed.to_string())];
        match self {
            Self::BadEmail(key) => AppError::field("email", key, echo),
            Self::NoAccount => AppError::field("email", "door_team.no_account", echo),
            Self::NoEvent => AppError::NotFound,
            Self::Database(e) => respond::internal(e),
        }
    }
}

/// Adds the account using `email` to the door team of the event `slug`; adding someone twice
/// changes nothing. Admins only.
#[tracing::instrument(skip(pool, admin), fields(admin = %admin.id))]
pub async fn add(pool: &PgPool, admin: &AuthUser, slug: &str, email: &str) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    add_member(pool, admin.id, slug, email)
        .await
        .map_err(|e| e.into_app(email))
}

async fn add_member(pool: &PgPool, admin: Uuid, slug: &str, email: &str) -> Result<(), AddError> {
    let email = Email::parse(email).map_err(AddError::BadEmail)?;
    let found = sqlx::query!(
        r#"WITH u AS (SELECT id FROM users WHERE email = $2),
                e AS (SELECT id FROM events WHERE slug = $1),
                ins AS (INSERT INTO event_staff (event_id, user_id, added_by)
                        SELECT e.id, u.id, $3 FROM e, u
                        ON CONFLICT DO NOTHING)
           SELECT EXISTS (SELECT 1 FROM u) AS "user!", EXISTS (SELECT 1 FROM e) AS "event!""#,
        slug,
        email.as_ref(),
        admin
    )
    .fetch_one(pool)
    .await
    .map_err(AddError::Database)?;
    if !found.event {
        return Err(AddError::NoEvent);
    }
    if !found.user {
        return Err(AddError::NoAccount);
    }
    tracing::info!(slug, "door team member added");
    Ok(())
}

/// Takes `user` off the door team of the event `slug`, and revokes the phones they
/// registered for that event unless they still work its door otherwise: their next sync is
/// refused. Admins only.
#[tracing::instrument(skip(pool, admin), fields(admin = %admin.id))]
pub async fn remove(
    pool: &PgPool,
    admin: &AuthUser,
    slug: &str,
    user: &str,
) -> Result<(), AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let user = Uuid::parse_str(user.trim()).map_err(|_| AppError::NotFound)?;
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let Some(event_id) = sqlx::query_scalar!(
        r#"DELETE FROM event_staff s USING events e
           WHERE e.id = s.event_id AND e.slug = $1 AND s.user_id = $2
           RETURNING s.event_id"#,
        slug,
        user
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    else {
        return Err(AppError::NotFound);
    };
    sqlx::query!(
        r#"UPDATE door_devices SET revoked_at = now(), revoked_by = $3
           WHERE event_id = $1 AND staff_id = $2 AND revoked_at IS NULL
             AND NOT works_door($2, $1)"#,
        event_id,
        user,
        admin.id
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    tx.commit().await.map_err(respond::internal)?;
    tracing::info!(%event_id, %user, "door team member removed");
    Ok(())
}
