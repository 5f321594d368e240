//! Organisers' own provider accounts (SumUp): connecting one by OAuth 2.0 (the `state` bound
//! to the user who asked, single use, ten minutes), the connection's status, disconnecting.
//! Which users may connect is decided by the feature that knows organisers.

use chrono::{DateTime, Duration, Utc};
use oauth2::{AuthorizationCode, CsrfToken, Scope, TokenResponse};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::providers::{
    sumup::{self, oauth_client, token_error},
    ProviderError,
};
use crate::{
    error::AppError,
    platform::{audit::audit, respond, state::AppState},
};

/// An organiser's connection, as their settings page shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Connection {
    pub merchant_code: String,
    pub connected: bool,
    pub connected_at: DateTime<Utc>,
    pub reason: Option<String>,
}

/// Why connecting failed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Unknown, used, expired, or another user's `state`: a forged or replayed callback.
    #[error("the authorization request is not one of ours")]
    State,
    /// The organiser declined at SumUp, or SumUp refused the code.
    #[error("SumUp refused: {0}")]
    Refused(String),
    #[error("SumUp could not be reached: {0}")]
    Unreachable(String),
    #[error("internal error")]
    Internal(#[from] AppError),
}

fn hash(state_param: &str) -> Vec<u8> {
    Sha256::digest(state_param.as_bytes()).to_vec()
}

/// Where to send `user` to allow Tessera on their SumUp account; the `state` is remembered.
pub async fn authorize_url(state: &AppState, user: Uuid) -> Result<String, AppError> {
    let client = oauth_client(state).map_err(|_| AppError::NotFound)?;
    let scopes = sumup::config(state)
        .map(|c| c.scopes.clone())
        .unwrap_or_default();
    let mut request = client.authorize_url(CsrfToken::new_random);
    for s in scopes.split_whitespace() {
        request = request.add_scope(Scope::new(s.to_string()));
    }
    let (url, csrf) = request.url();
    sqlx::query!(
        "INSERT INTO oauth_states (state_hash, provider, user_id) VALUES ($1, 'sumup', $2)",
        hash(csrf.secret()),
        user
    )
    .execute(&state.pool)
    .await
    .map_err(respond::internal)?;
    Ok(url.to_string())
}

/// SumUp sent the organiser back with `code`: the `state` must be the one this user started
/// (and not used before); the code becomes tokens, kept encrypted, for the merchant whose
/// code `/v0.1/me` names.
#[tracing::instrument(skip(state, code, state_param))]
pub async fn finish(
    state: &AppState,
    user: Uuid,
    code: &str,
    state_param: &str,
) -> Result<(), ConnectError> {
    let claimed = sqlx::query_scalar!(
        "UPDATE oauth_states SET used_at = now()
         WHERE state_hash = $1 AND provider = 'sumup' AND user_id = $2 AND used_at IS NULL
           AND created_at > now() - interval '10 minutes'
         RETURNING user_id",
        hash(state_param),
        user
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)?;
    if claimed.is_none() {
        tracing::warn!(%user, "SumUp callback with a state that is not ours");
        return Err(ConnectError::State);
    }
    let client = oauth_client(state).map_err(|e| ConnectError::Refused(e.to_string()))?;
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .request_async(&state.http)
        .await
        .map_err(|e| match token_error(e) {
            ProviderError::Disconnected(why) => ConnectError::Refused(why),
            other => ConnectError::Unreachable(other.to_string()),
        })?;
    let access = token.access_token().secret().clone();
    let refresh = token
        .refresh_token()
        .map(|r| r.secret().clone())
        .ok_or_else(|| ConnectError::Refused("SumUp gave no refresh token".into()))?;
    let secs = token
        .expires_in()
        .map_or(3600, |d| d.as_secs().min(86_400) as i64);
    let merchant = merchant_code(state, &access).await?;
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let id = sqlx::query_scalar!(
        "INSERT INTO provider_accounts (id, provider, owner_id, merchant_code, access_token, refresh_token, expires_at)
         VALUES ($1, 'sumup', $2, $3, $4, $5, now() + make_interval(secs => $6))
         ON CONFLICT (provider, owner_id) DO UPDATE SET merchant_code = EXCLUDED.merchant_code,
             access_token = EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token,
             expires_at = EXCLUDED.expires_at, status = 'CONNECTED', disconnected_reason = NULL,
             connected_at = now(), updated_at = now()
         RETURNING id",
        Uuid::new_v4(),
        user,
        merchant,
        state.sealer.seal(&access),
        state.sealer.seal(&refresh),
        secs as f64
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(respond::internal)?;
    audit(
        &mut tx,
        Some(user),
        "provider_account.connected",
        "provider_account",
        id,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)?;
    tracing::info!(%user, %merchant, "SumUp account connected");
    Ok(())
}

/// `GET /v0.1/me`: the merchant the token acts for.
async fn merchant_code(state: &AppState, access: &str) -> Result<String, ConnectError> {
    let c = sumup::config(state).map_err(|e| ConnectError::Refused(e.to_string()))?;
    let resp = state
        .http
        .get(format!("{}/v0.1/me", c.api_base))
        .bearer_auth(access)
        .send()
        .await
        .map_err(|e| ConnectError::Unreachable(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(ConnectError::Refused(format!(
            "/v0.1/me answered {}",
            resp.status()
        )));
    }
    let me: serde_json::Value = resp
        .json()
        .await
        .map_err(|e| ConnectError::Unreachable(e.to_string()))?;
    me["merchant_profile"]["merchant_code"]
        .as_str()
        .map(String::from)
        .ok_or_else(|| ConnectError::Refused("no merchant code".into()))
}

/// `owner`'s SumUp connection, if they ever made one.
pub async fn connection(state: &AppState, owner: Uuid) -> Result<Option<Connection>, AppError> {
    Ok(sqlx::query!(
        r#"SELECT merchant_code, status, connected_at AS "connected_at: DateTime<Utc>", disconnected_reason
           FROM provider_accounts WHERE provider = 'sumup' AND owner_id = $1"#,
        owner
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)?
    .map(|r| Connection {
        merchant_code: r.merchant_code,
        connected: r.status == "CONNECTED",
        connected_at: r.connected_at,
        reason: r.disconnected_reason,
    }))
}

/// The account card payments go to for an organiser: their SumUp account while it works.
pub async fn usable(state: &AppState, owner: Uuid) -> Result<Option<Uuid>, AppError> {
    if state.config.sumup.is_none() {
        return Ok(None);
    }
    sqlx::query_scalar!(
        "SELECT id FROM provider_accounts WHERE provider = 'sumup' AND owner_id = $1 AND status = 'CONNECTED'",
        owner
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)
}

/// The organiser disconnects: the tokens are forgotten. Payments already made are kept.
pub async fn disconnect(state: &AppState, owner: Uuid) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let id = sqlx::query_scalar!(
        "UPDATE provider_accounts SET status = 'DISCONNECTED', disconnected_reason = 'disconnected by the organiser',
                access_token = '\\x00', refresh_token = '\\x00', updated_at = now()
         WHERE provider = 'sumup' AND owner_id = $1 RETURNING id",
        owner
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?;
    if let Some(id) = id {
        audit(
            &mut tx,
            Some(owner),
            "provider_account.disconnected",
            "provider_account",
            id,
        )
        .await?;
    }
    tx.commit().await.map_err(respond::internal)
}

/// State rows older than a day are of no use to anyone.
pub async fn purge_states(state: &AppState) -> Result<(), AppError> {
    let cutoff = Utc::now() - Duration::days(1);
    sqlx::query!(
        "DELETE FROM oauth_states WHERE created_at < $1::text::timestamptz",
        cutoff.to_rfc3339()
    )
    .execute(&state.pool)
    .await
    .map_err(respond::internal)?;
    Ok(())
}
