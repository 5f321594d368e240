//! An organiser's own accounts for paying from the phone (MTN MoMo, Orange Money, Notch Pay),
//! like their SumUp connection: entered on their settings page, sealed at rest, checked against
//! the operator ("check connection"), and used for the payments of the events they organise.
//! Which users may keep accounts is decided by the feature that knows organisers.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    providers::{
        mtn_momo, notchpay,
        operator_accounts::{self, Credentials, Environment},
        orange_money, ProviderError,
    },
    PhoneAccount,
};
use crate::{
    error::{AppError, Checks, Echo},
    platform::{audit::audit, respond, state::AppState, throttle},
};

/// Checks of a connection per organiser and hour: each one calls the operator.
const CHECKS_PER_HOUR: i32 = 30;

/// The fields of `provider`'s form: the account's public name first, then its secrets.
pub fn fields(provider: &str) -> Option<[&'static str; 3]> {
    match provider {
        "mtn_momo" => Some(["api_user", "api_key", "subscription_key"]),
        "orange_money" => Some(["client_id", "client_secret", "merchant_key"]),
        // Notch Pay has two: the key that opens payments, the key that signs webhooks.
        "notchpay" => Some(["public_key", "hash_key", ""]),
        _ => None,
    }
}

/// One credential as typed: printable, no spaces, at most 200 characters.
fn credential(raw: &str) -> Result<String, &'static str> {
    let v = raw.trim();
    if v.is_empty() {
        Err("error.credential_required")
    } else if v.chars().count() > 200 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err("error.credential_invalid")
    } else {
        Ok(v.to_string())
    }
}

fn by_name(entered: &[(String, String)], name: &str) -> String {
    entered
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// The credentials an organiser typed, a field left blank keeping the value already stored.
fn credentials(
    provider: &str,
    entered: &[(String, String)],
    kept: Option<&Credentials>,
    checks: &mut Checks,
) -> Option<Credentials> {
    let names = fields(provider)?;
    let mut values = Vec::with_capacity(3);
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            values.push(String::new());
            continue;
        }
        let typed = by_name(entered, name);
        let stored = kept.and_then(|k| stored_value(k, i));
        let value = match (typed.trim().is_empty(), stored) {
            (true, Some(stored)) => Some(stored),
            _ => checks.field(name, credential(&typed)),
        };
        values.push(value.unwrap_or_default());
    }
    let [a, b, c]: [String; 3] = values.try_into().ok()?;
    Some(match provider {
        "mtn_momo" => Credentials::Momo {
            api_user: a,
            api_key: b,
            subscription_key: c,
        },
        "orange_money" => Credentials::Orange {
            client_id: a,
            client_secret: b,
            merchant_key: c,
        },
        _ => Credentials::Notch {
            public_key: a,
            hash_key: b,
        },
    })
}

/// The stored value of the `i`th field.
fn stored_value(c: &Credentials, i: usize) -> Option<String> {
    let v = match (c, i) {
        (Credentials::Momo { api_user, .. }, 0) => api_user,
        (Credentials::Orange { client_id, .. }, 0) => client_id,
        (Credentials::Notch { public_key, .. }, 0) => public_key,
        (Credentials::Momo { api_key, .. }, 1) => api_key,
        (
            Credentials::Momo {
                subscription_key, ..
            },
            2,
        ) => subscription_key,
        (Credentials::Orange { client_secret, .. }, 1) => client_secret,
        (Credentials::Orange { merchant_key, .. }, 2) => merchant_key,
        (Credentials::Notch { hash_key, .. }, 1) => hash_key,
        _ => return None,
    };
    Some(v.clone())
}

/// `owner`'s account for `provider`: its id and credentials, if they kept one.
async fn existing(
    state: &AppState,
    owner: Uuid,
    provider: &str,
) -> Result<Option<(Uuid, Option<Credentials>)>, AppError> {
    let id = sqlx::query_scalar!(
        "SELECT id FROM provider_accounts
         WHERE owner_id = $1 AND provider = $2 AND credentials IS NOT NULL",
        owner,
        provider
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)?;
    let Some(id) = id else { return Ok(None) };
    let kept = operator_accounts::read_any(state, id)
        .await
        .ok()
        .map(|a| a.credentials);
    Ok(Some((id, kept)))
}

/// The organiser saves the account for `provider` (the form's fields in `entered`), then it is
/// checked at once. A field left blank keeps the stored value.
#[tracing::instrument(skip(state, entered))]
pub async fn save(
    state: &AppState,
    owner: Uuid,
    provider: &str,
    environment: &str,
    entered: &[(String, String)],
) -> Result<PhoneAccount, AppError> {
    // Secrets are never typed back into the page (nor Notch Pay's key).
    let echo: Echo = entered
        .iter()
        .filter(|(k, _)| matches!(k.as_str(), "api_user" | "client_id"))
        .cloned()
        .chain([
            ("provider".to_string(), provider.to_string()),
            ("environment".to_string(), environment.to_string()),
        ])
        .collect();
    if fields(provider).is_none() {
        return Err(AppError::NotFound);
    }
    let mut checks = Checks::new(&echo);
    let env = checks.field(
        "environment",
        match Environment::parse(environment) {
            Some(Environment::Builtin) if !operator_accounts::builtin_on(state, provider) => {
                Err("error.builtin_unavailable")
            }
            Some(e) => Ok(e),
            None => Err("error.environment_invalid"),
        },
    );
    let kept = existing(state, owner, provider).await?;
    let creds = credentials(
        provider,
        entered,
        kept.as_ref().and_then(|(_, c)| c.as_ref()),
        &mut checks,
    );
    checks.finish()?;
    let (Some(env), Some(creds)) = (env, creds) else {
        return Err(AppError::form("error.internal", echo, 500));
    };
    let sealed = serde_json::to_string(&creds)
        .map(|json| state.sealer.seal(&json))
        .map_err(respond::internal)?;
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let id = sqlx::query_scalar!(
        "INSERT INTO provider_accounts (id, provider, owner_id, merchant_code, access_token, refresh_token,
                                        expires_at, credentials, environment)
         VALUES ($1, $2, $3, $4, '\\x00', '\\x00', now(), $5, $6)
         ON CONFLICT (provider, owner_id) DO UPDATE SET merchant_code = EXCLUDED.merchant_code,
             credentials = EXCLUDED.credentials, environment = EXCLUDED.environment,
             status = 'CONNECTED', disconnected_reason = NULL, checked_at = NULL, check_error = NULL,
             connected_at = now(), updated_at = clock_timestamp()
         RETURNING id",
        Uuid::new_v4(),
        provider,
        owner,
        creds.public_name(),
        sealed,
        env.as_str()
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(respond::internal)?;
    audit(
        &mut tx,
        Some(owner),
        "provider_account.saved",
        "provider_account",
        id,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)?;
    tracing::info!(%owner, provider, environment, "operator account saved");
    check(state, owner, provider).await
}

/// "Check connection": the operator is asked to accept the account's credentials (a token for
/// MTN and Orange, a lookup for Notch Pay). Refused credentials stop the account taking
/// payments until they are saved again or a later check passes; an operator out of reach
/// changes nothing but the note.
#[tracing::instrument(skip(state))]
pub async fn check(
    state: &AppState,
    owner: Uuid,
    provider: &str,
) -> Result<PhoneAccount, AppError> {
    let (id, _) = existing(state, owner, provider)
        .await?
        .ok_or(AppError::NotFound)?;
    throttle::limit(
        &state.pool,
        "operator_check",
        &owner.to_string(),
        CHECKS_PER_HOUR,
        3600,
        Vec::new(),
    )
    .await?;
    let outcome = match operator_accounts::read_any(state, id).await {
        Ok(a) => match a.credentials {
            Credentials::Momo { .. } => match a.momo(state) {
                Some(c) => mtn_momo::check_credentials(state, c).await,
                None => Err(ProviderError::NotConfigured),
            },
            Credentials::Orange { .. } => match a.orange(state) {
                Some(c) => orange_money::check_credentials(state, c).await,
                None => Err(ProviderError::NotConfigured),
            },
            Credentials::Notch { .. } => match a.notch(state) {
                Some(c) => notchpay::check_credentials(state, c).await,
                None => Err(ProviderError::NotConfigured),
            },
        },
        Err(e) => Err(e),
    };
    let (problem, refused, detail) = match &outcome {
        Ok(()) => (None, false, None),
        Err(e @ (ProviderError::Unreachable(_) | ProviderError::RateLimited)) => {
            (Some("UNREACHABLE"), false, Some(e.to_string()))
        }
        Err(e @ ProviderError::Disconnected(_)) => (Some("CREDENTIALS"), true, Some(e.to_string())),
        Err(e) => (Some("REFUSED"), true, Some(e.to_string())),
    };
    if let Some(detail) = &detail {
        tracing::warn!(%owner, provider, %detail, "operator account check failed");
    }
    sqlx::query!(
        "UPDATE provider_accounts SET checked_at = now(), check_error = $2,
                status = CASE WHEN $3 THEN 'DISCONNECTED' WHEN $2::text IS NULL THEN 'CONNECTED' ELSE status END,
                disconnected_reason = CASE WHEN $3 THEN $4 WHEN $2::text IS NULL THEN NULL ELSE disconnected_reason END
         WHERE id = $1",
        id,
        problem,
        refused,
        detail
    )
    .execute(&state.pool)
    .await
    .map_err(respond::internal)?;
    list(state, owner)
        .await?
        .into_iter()
        .find(|a| a.provider == provider)
        .ok_or(AppError::NotFound)
}

/// The organiser removes the account: its credentials are forgotten, and payments for their
/// events go to the site's accounts again. Payments already made keep their record.
#[tracing::instrument(skip(state))]
pub async fn remove(state: &AppState, owner: Uuid, provider: &str) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let id = sqlx::query_scalar!(
        "UPDATE provider_accounts SET credentials = NULL, status = 'DISCONNECTED',
                disconnected_reason = 'removed by the organiser', updated_at = clock_timestamp()
         WHERE owner_id = $1 AND provider = $2 AND provider <> 'sumup' AND credentials IS NOT NULL
         RETURNING id",
        owner,
        provider
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?;
    if let Some(id) = id {
        audit(
            &mut tx,
            Some(owner),
            "provider_account.removed",
            "provider_account",
            id,
        )
        .await?;
    }
    tx.commit().await.map_err(respond::internal)
}

/// `owner`'s accounts, as their settings page shows them (never a secret).
pub async fn list(state: &AppState, owner: Uuid) -> Result<Vec<PhoneAccount>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT id, provider, environment AS "environment!", merchant_code, status,
                  checked_at AS "checked_at: DateTime<Utc>", check_error
           FROM provider_accounts
           WHERE owner_id = $1 AND provider <> 'sumup' AND credentials IS NOT NULL
           ORDER BY provider"#,
        owner
    )
    .fetch_all(&state.pool)
    .await
    .map_err(respond::internal)?;
    Ok(rows
        .into_iter()
        .map(|r| PhoneAccount {
            webhook_url: (r.provider == "notchpay").then(|| {
                format!(
                    "{}/api/payments/notchpay/webhook/{}",
                    state.config.base_url.trim_end_matches('/'),
                    r.id
                )
            }),
            provider: r.provider,
            environment: r.environment,
            name: r.merchant_code,
            working: r.status == "CONNECTED" && r.check_error.is_none(),
            refused: r.status != "CONNECTED",
            checked_at: r.checked_at,
            problem: r.check_error,
        })
        .collect())
}
