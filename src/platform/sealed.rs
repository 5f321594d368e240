//! Secrets kept at rest encrypted (an organiser's provider tokens): XChaCha20-Poly1305 with a
//! random nonce per value. The key is `TESSERA_ENCRYPTION_KEY` (64 hex digits), else derived
//! from `TESSERA_SECRET`, else generated once and kept in the database — which protects a
//! stolen copy of the token table alone, not a stolen database: set one of the two in
//! production.

use std::sync::Arc;

use chacha20poly1305::{
    aead::{Aead, AeadCore, KeyInit, OsRng},
    XChaCha20Poly1305, XNonce,
};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use sqlx::PgPool;

use super::config::Config;

const NONCE: usize = 24;

#[derive(Clone)]
pub struct Sealer(Arc<XChaCha20Poly1305>);

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(***)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SealerError {
    #[error("TESSERA_ENCRYPTION_KEY must be 64 hexadecimal digits")]
    BadKey,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Self {
        Self(Arc::new(XChaCha20Poly1305::new(key.into())))
    }

    /// The configured key, else one derived from the signing secret, else the one kept in the
    /// database (created on first use, shared by every instance).
    pub async fn load(pool: &PgPool, config: &Config) -> Result<Self, SealerError> {
        if let Some(hex_key) = &config.encryption_key {
            let bytes = hex::decode(hex_key.expose().trim()).map_err(|_| SealerError::BadKey)?;
            let key: [u8; 32] = bytes.try_into().map_err(|_| SealerError::BadKey)?;
            return Ok(Self::new(&key));
        }
        if let Some(secret) = &config.signing_secret {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.expose().as_bytes())
                .map_err(|_| SealerError::BadKey)?;
            mac.update(b"tessera/token-encryption");
            let key: [u8; 32] = mac.finalize().into_bytes().into();
            return Ok(Self::new(&key));
        }
        let mut fresh = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut fresh);
        sqlx::query!(
            "INSERT INTO app_settings (key, value) VALUES ('encryption_key', $1) ON CONFLICT (key) DO NOTHING",
            hex::encode(fresh)
        )
        .execute(pool)
        .await?;
        let stored =
            sqlx::query_scalar!("SELECT value FROM app_settings WHERE key = 'encryption_key'")
                .fetch_one(pool)
                .await?;
        let key: [u8; 32] = hex::decode(stored)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(SealerError::BadKey)?;
        Ok(Self::new(&key))
    }

    /// `plain` encrypted: the nonce, then the ciphertext with its tag.
    pub fn seal(&self, plain: &str) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        // Encryption only fails for plaintexts beyond what fits in memory.
        let sealed = self.0.encrypt(&nonce, plain.as_bytes()).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// The plain value, or `None` when the bytes were not sealed with this key (or altered).
    pub fn open(&self, sealed: &[u8]) -> Option<String> {
        if sealed.len() <= NONCE {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let plain = self.0.decrypt(XNonce::from_slice(nonce), body).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key() {
        let s = Sealer::new(&[7; 32]);
        let a = s.seal("refresh-token-1");
        let b = s.seal("refresh-token-1");
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.windows(7).any(|w| w == b"refresh"));
        assert_eq!(s.open(&a).as_deref(), Some("refresh-token-1"));
        assert_eq!(Sealer::new(&[8; 32]).open(&a), None);
        let mut tampered = a.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(s.open(&tampered), None);
        assert_eq!(s.open(b"short"), None);
    }
}
