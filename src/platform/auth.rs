//! Who is calling: password hashing, sessions, bearer tokens and role checks.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::{
    extract::{FromRef, FromRequestParts},
    http::{header, request::Parts},
};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use super::{respond, state::AppState};
use crate::{
    domain::{Lang, Role},
    error::AppError,
};

pub const SESSION_USER_KEY: &str = "user_id";
/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "tessera_session";

/// A signed-in user, as the server knows them.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub role: Role,
    pub language: Lang,
    pub family_id: Option<Uuid>,
    /// Whether they manage their family (pay, read its invoices and every ticket).
    pub manages_family: bool,
    /// Their family's name, or empty.
    pub family_name: String,
}

impl AuthUser {
    /// The family this user manages, or why not: only managers pay and read invoices.
    pub fn managed_family(&self) -> Result<Uuid, AppError> {
        let family_id = self
            .family_id
            .ok_or_else(|| AppError::form("error.no_family", vec![], 409))?;
        if self.manages_family {
            Ok(family_id)
        } else {
            Err(AppError::form("error.manager_only", vec![], 403))
        }
    }

    /// Whether this user may read what belongs to the family `family_id` and its payer `payer`:
    /// admins, the payer, and the family's manager.
    pub fn may_read(&self, family_id: Option<Uuid>, payer: Option<Uuid>) -> bool {
        self.role.is_admin()
            || payer == Some(self.id)
            || (self.manages_family && family_id.is_some() && family_id == self.family_id)
    }
}

/// Argon2 runs that may be under way at once: each takes 19 MiB and a core, so a burst of
/// logins waits its turn instead of exhausting memory.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// Argon2id with the crate's default (OWASP-recommended) parameters, off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    let _turn = HASHING.acquire().await.map_err(respond::internal)?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(respond::internal)?
    .map_err(respond::internal)
}

pub async fn verify_password(password: String, hash: String) -> bool {
    let Ok(_turn) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// A real hash to verify against when the account does not exist, so timing does not tell.
pub async fn dummy_hash() -> String {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async {
            hash_password("not a real password".into())
                .await
                .unwrap_or_default()
        })
        .await
        .clone()
}

/// A random token with 256 bits of entropy, hex-encoded; only its SHA-256 is stored.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[tracing::instrument(skip(pool))]
pub async fn load_user(pool: &PgPool, id: Uuid) -> Result<Option<AuthUser>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT u.id, u.name, u.email, u.phone, u.role, u.language, u.family_id,
                  COALESCE(f.manager_id = u.id, false) AS "manages!", COALESCE(f.name, '') AS "family_name!"
           FROM users u LEFT JOIN families f ON f.id = u.family_id WHERE u.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| AuthUser {
        id: r.id,
        name: r.name,
        email: r.email,
        phone: r.phone,
        role: Role::parse(&r.role).unwrap_or(Role::Member),
        language: Lang::parse(&r.language).unwrap_or_default(),
        family_id: r.family_id,
        manages_family: r.manages,
        family_name: r.family_name,
    }))
}

/// The id of the user signed in to this server-function call's session, read from the
/// session alone: for the door's scans, whose one statement checks the user's role itself.
pub async fn session_user_id() -> Result<Uuid, AppError> {
    let session = respond::session().await?;
    session
        .get::<Uuid>(SESSION_USER_KEY)
        .await
        .unwrap_or(None)
        .ok_or(AppError::Unauthorized)
}

/// The signed-in user of a page being rendered, read once: the header's menu and the page's
/// own data both ask for it within one request. The page routes provide a fresh one for each
/// render; a server function called on its own (its own request) reads the user itself.
#[derive(Clone, Default)]
pub struct RenderUser(std::sync::Arc<tokio::sync::OnceCell<Option<AuthUser>>>);

/// The user of the current server-function call or page render, if signed in.
pub async fn current_user() -> Result<Option<AuthUser>, AppError> {
    match leptos::prelude::use_context::<RenderUser>() {
        Some(user) => user.0.get_or_try_init(read_current_user).await.cloned(),
        None => read_current_user().await,
    }
}

async fn read_current_user() -> Result<Option<AuthUser>, AppError> {
    let state = respond::state()?;
    let session = respond::session().await?;
    let id: Option<Uuid> = session.get(SESSION_USER_KEY).await.unwrap_or(None);
    match id {
        None => Ok(None),
        Some(id) => load_user(&state.pool, id).await.map_err(respond::internal),
    }
}

pub async fn require_user() -> Result<AuthUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthorized)
}

pub async fn require_admin() -> Result<AuthUser, AppError> {
    let user = require_user().await?;
    if user.role.is_admin() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A REST caller identified by `Authorization: Bearer <token>`.
pub struct BearerUser(pub AuthUser);

impl<S> FromRequestParts<S> for BearerUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = super::api::ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let lang = super::lang::request_lang(&parts.headers);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| super::api::ApiError::unauthorized(lang))?;
        // When the token was last used is kept to the minute: a client sending many requests
        // does not write (and wait for a commit) on each one, nor queue on the token's row.
        let row = sqlx::query_scalar!(
            r#"WITH t AS (
                   SELECT id, user_id, last_used_at FROM api_tokens
                   WHERE token_hash = $1 AND expires_at > now()),
               touched AS (
                   UPDATE api_tokens a SET last_used_at = now() FROM t
                   WHERE a.id = t.id AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute'))
               SELECT user_id AS "user_id!" FROM t"#,
            token_hash(token)
        )
        .fetch_optional(&state.pool)
        .await
        .map_err(|e| super::api::ApiError::internal(lang, e))?;
        let Some(user_id) = row else {
            return Err(super::api::ApiError::unauthorized(lang));
        };
        match load_user(&state.pool, user_id).await {
            Ok(Some(user)) => Ok(Self(user)),
            Ok(None) => Err(super::api::ApiError::unauthorized(lang)),
            Err(e) => Err(super::api::ApiError::internal(lang, e)),
        }
    }
}

/// A session with no visitor behind it, for a page the server renders for itself (the
/// e-ticket page's frame): as for a visitor without a cookie, nothing is read or stored.
pub fn no_session(pool: &PgPool) -> tower_sessions::Session {
    tower_sessions::Session::new(
        None,
        std::sync::Arc::new(tower_sessions_sqlx_store::PostgresStore::new(pool.clone())),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn argon2id_hashes_verify_and_reject() {
        let hash = hash_password("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse".into(), hash.clone()).await);
        assert!(!verify_password("wrong horse!".into(), hash).await);
        assert!(!verify_password("x".into(), "not a hash".into()).await);
    }

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
