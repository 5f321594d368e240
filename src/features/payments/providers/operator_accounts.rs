//! Organisers' own mobile-money accounts (MTN MoMo, Orange Money, Notch Pay) as the providers
//! read them: the credentials are one sealed JSON document in `provider_accounts`, opened only
//! here, and turned into the client configuration of the environment the organiser chose
//! (Tessera's built-in sandbox, the operator's sandbox, or live).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ProviderError;
use crate::platform::{
    config::{MomoConfig, NotchConfig, OrangeConfig, Secret},
    state::AppState,
};

/// Where an account's requests go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Environment {
    /// Tessera's own sandbox playing the operator (the demo): nothing is charged.
    Builtin,
    /// The operator's test platform.
    Sandbox,
    Live,
}

impl Environment {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "builtin" => Some(Self::Builtin),
            "sandbox" => Some(Self::Sandbox),
            "live" => Some(Self::Live),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Builtin => "builtin",
            Self::Sandbox => "sandbox",
            Self::Live => "live",
        }
    }
}

/// An account's credentials, sealed together.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Credentials {
    Momo {
        api_user: String,
        api_key: String,
        subscription_key: String,
    },
    Orange {
        client_id: String,
        client_secret: String,
        merchant_key: String,
    },
    Notch {
        public_key: String,
        hash_key: String,
    },
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({}, …)", self.provider())
    }
}

impl Credentials {
    /// The provider the credentials open (`payments.provider`).
    pub fn provider(&self) -> &'static str {
        match self {
            Self::Momo { .. } => "mtn_momo",
            Self::Orange { .. } => "orange_money",
            Self::Notch { .. } => "notchpay",
        }
    }

    /// What the settings page may show of the account: MTN's API user, Orange's client id,
    /// the last four characters of Notch Pay's key.
    pub fn public_name(&self) -> String {
        match self {
            Self::Momo { api_user, .. } => api_user.clone(),
            Self::Orange { client_id, .. } => client_id.clone(),
            Self::Notch { public_key, .. } => {
                let tail: String = public_key
                    .chars()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                format!("…{tail}")
            }
        }
    }
}

/// One organiser's account, opened.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: Uuid,
    pub environment: Environment,
    pub credentials: Credentials,
    /// Changes whenever the credentials do: cached clients are keyed by it.
    pub version: DateTime<Utc>,
}

/// The operator account `id`, while it is connected.
pub async fn load(state: &AppState, id: Uuid) -> Result<Account, ProviderError> {
    read(state, id, true).await
}

/// The operator account `id`, connected or not (its organiser checks it again).
pub async fn read_any(state: &AppState, id: Uuid) -> Result<Account, ProviderError> {
    read(state, id, false).await
}

async fn read(state: &AppState, id: Uuid, connected: bool) -> Result<Account, ProviderError> {
    let row = sqlx::query!(
        r#"SELECT environment, credentials, status, updated_at AS "updated_at: DateTime<Utc>"
           FROM provider_accounts WHERE id = $1 AND provider <> 'sumup'"#,
        id
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(|e| ProviderError::Unreachable(e.to_string()))?
    .ok_or_else(|| ProviderError::Disconnected("the organiser removed the account".into()))?;
    if connected && row.status != "CONNECTED" {
        return Err(ProviderError::Disconnected(
            "the operator refused the organiser's credentials".into(),
        ));
    }
    let environment = row
        .environment
        .as_deref()
        .and_then(Environment::parse)
        .ok_or_else(|| ProviderError::Disconnected("no environment".into()))?;
    let credentials = row
        .credentials
        .as_deref()
        .and_then(|sealed| state.sealer.open(sealed))
        .and_then(|json| serde_json::from_str::<Credentials>(json.as_str()).ok())
        .ok_or_else(|| {
            ProviderError::Disconnected(
                "the credentials cannot be opened with this TESSERA_ENCRYPTION_KEY".into(),
            )
        })?;
    Ok(Account {
        id,
        environment,
        credentials,
        version: row.updated_at,
    })
}

/// The connected account of `owner` for `provider`, with its environment.
pub async fn usable(
    state: &AppState,
    owner: Uuid,
    provider: &str,
) -> Result<Option<(Uuid, Environment)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT id, environment FROM provider_accounts
         WHERE owner_id = $1 AND provider = $2 AND status = 'CONNECTED'",
        owner,
        provider
    )
    .fetch_optional(&state.pool)
    .await?
    .and_then(|r| Some((r.id, r.environment.as_deref().and_then(Environment::parse)?))))
}

/// Whether Tessera's own sandbox plays `provider` here (the demo): only then is `builtin` a
/// choice.
pub fn builtin_on(state: &AppState, provider: &str) -> bool {
    let mm = &state.config.mobile_money;
    match provider {
        "mtn_momo" => mm.momo.as_ref().is_some_and(|m| m.sandbox),
        "orange_money" => mm.orange.as_ref().is_some_and(|o| o.sandbox),
        _ => false,
    }
}

impl Account {
    /// The key its cached client is kept under: a new one whenever the credentials change.
    pub fn cache_key(&self) -> String {
        format!("{}|{}", self.id, self.version.timestamp_micros())
    }

    /// The MTN client configuration of this account, if it is an MTN account.
    pub fn momo(&self, state: &AppState) -> Option<MomoConfig> {
        let Credentials::Momo {
            api_user,
            api_key,
            subscription_key,
        } = &self.credentials
        else {
            return None;
        };
        let base_url = state.config.base_url.trim_end_matches('/');
        let ends = &state.config.mobile_money.endpoints;
        let (api_base, environment, sandbox) = match self.environment {
            Environment::Builtin => (MomoConfig::sandbox(base_url).api_base, "sandbox", true),
            Environment::Sandbox => (ends.momo_sandbox.clone(), "sandbox", false),
            Environment::Live => (ends.momo_live.clone(), "mtncameroon", false),
        };
        Some(MomoConfig {
            api_base,
            api_user: api_user.clone(),
            api_key: Secret::new(api_key.clone()),
            subscription_key: Secret::new(subscription_key.clone()),
            environment: environment.into(),
            callback_url: Some(format!("{base_url}/api/payments/momo/callback")),
            sandbox,
        })
    }

    /// The Orange client configuration of this account, if it is an Orange account.
    pub fn orange(&self, state: &AppState) -> Option<OrangeConfig> {
        let Credentials::Orange {
            client_id,
            client_secret,
            merchant_key,
        } = &self.credentials
        else {
            return None;
        };
        let base_url = state.config.base_url.trim_end_matches('/');
        let ends = &state.config.mobile_money.endpoints;
        let (api_base, country, currency, sandbox) = match self.environment {
            Environment::Builtin => (OrangeConfig::sandbox(base_url).api_base, "dev", "XAF", true),
            // Orange's own sandbox takes its test currency only.
            Environment::Sandbox => (ends.orange.clone(), "dev", "OUV", false),
            Environment::Live => (ends.orange.clone(), "cm", "XAF", false),
        };
        Some(OrangeConfig {
            api_base,
            client_id: client_id.clone(),
            client_secret: Secret::new(client_secret.clone()),
            merchant_key: Secret::new(merchant_key.clone()),
            country: country.into(),
            currency: currency.into(),
            sandbox,
        })
    }

    /// The Notch Pay configuration of this account, if it is a Notch Pay account (a test key
    /// and a live key reach the same address; the key decides).
    pub fn notch(&self, state: &AppState) -> Option<NotchConfig> {
        let Credentials::Notch {
            public_key,
            hash_key,
        } = &self.credentials
        else {
            return None;
        };
        Some(NotchConfig {
            api_base: state.config.mobile_money.endpoints.notch.clone(),
            public_key: Secret::new(public_key.clone()),
            hash_key: Secret::new(hash_key.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_show_only_their_public_name_and_never_their_secrets() {
        let c = Credentials::Notch {
            public_key: "pk_test_abcdef1234".into(),
            hash_key: "hash-secret".into(),
        };
        assert_eq!(c.public_name(), "…1234");
        assert!(!format!("{c:?}").contains("secret"));
        let m = Credentials::Momo {
            api_user: "c72025f5-5cd1-4630-99e4-8ba4722fad56".into(),
            api_key: "k".into(),
            subscription_key: "s".into(),
        };
        assert_eq!(m.public_name(), "c72025f5-5cd1-4630-99e4-8ba4722fad56");
        assert_eq!(m.provider(), "mtn_momo");
        let json = serde_json::to_string(&m).unwrap_or_default();
        assert_eq!(serde_json::from_str::<Credentials>(&json).ok(), Some(m));
        for e in ["builtin", "sandbox", "live"] {
            assert_eq!(Environment::parse(e).map(Environment::as_str), Some(e));
        }
        assert_eq!(Environment::parse("prod"), None);
    }
}
