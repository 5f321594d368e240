//! What the operators' APIs share: an OAuth-style bearer token kept until a minute before it
//! expires (then a new one is minted), and an answer read as its status and text.

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex as StdMutex, OnceLock},
    time::{Duration, Instant},
};

use serde::Deserialize;
use tokio::sync::Mutex;

/// A token endpoint's answer.
#[derive(Deserialize)]
pub struct TokenAnswer {
    pub access_token: String,
    #[serde(default)]
    pub expires_in: u64,
}

/// The bearer token of one account.
#[derive(Default)]
pub struct TokenCache(Mutex<Option<(String, Instant)>>);

impl TokenCache {
    /// The kept token while it is valid, otherwise the one `mint` gets (one minting at a time).
    pub async fn get<E, Fut>(&self, mint: impl FnOnce() -> Fut) -> Result<String, E>
    where
        Fut: Future<Output = Result<TokenAnswer, E>>,
    {
        let mut kept = self.0.lock().await;
        if let Some((token, until)) = kept.as_ref() {
            if *until > Instant::now() {
                return Ok(token.clone());
            }
        }
        let answer = mint().await?;
        let lifetime = Duration::from_secs(answer.expires_in.max(120) - 60);
        *kept = Some((answer.access_token.clone(), Instant::now() + lifetime));
        Ok(answer.access_token)
    }
}

/// Sends `req`: its answer's status and text, or the network's error.
pub async fn answer(
    req: reqwest::RequestBuilder,
) -> Result<(reqwest::StatusCode, String), reqwest::Error> {
    let res = req.send().await?;
    let status = res.status();
    Ok((status, res.text().await?))
}

/// Clients of one operator, one per account (`key`), so each keeps its token between calls.
pub struct Clients<T>(OnceLock<StdMutex<HashMap<String, Arc<T>>>>);

impl<T> Default for Clients<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clients<T> {
    pub const fn new() -> Self {
        Self(OnceLock::new())
    }

    /// The client of the account `key`, made by `make` the first time.
    pub fn get(&self, key: String, make: impl FnOnce() -> T) -> Arc<T> {
        let mut clients = self
            .0
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        clients
            .entry(key)
            .or_insert_with(|| Arc::new(make()))
            .clone()
    }
}
