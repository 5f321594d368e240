//! HMAC-SHA256 signatures for links sent by e-mail: an order's page for its buyer and an
//! owner's Confirm / Cancel actions. The key comes from `TESSERA_SECRET`, or is generated once
//! and kept in the database so every instance and every restart agree on it.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use sqlx::PgPool;

use super::config::Config;

#[derive(Clone)]
pub struct Signer(Arc<Vec<u8>>);

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(***)")
    }
}

impl Signer {
    pub fn new(key: &[u8]) -> Self {
        Self(Arc::new(key.to_vec()))
    }

    /// The configured key, else the one stored in the database (created on first use).
    pub async fn load(pool: &PgPool, config: &Config) -> Result<Self, sqlx::Error> {
        if let Some(secret) = &config.signing_secret {
            return Ok(Self::new(secret.expose().as_bytes()));
        }
        let mut fresh = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut fresh);
        sqlx::query!(
            "INSERT INTO app_settings (key, value) VALUES ('signing_key', $1) ON CONFLICT (key) DO NOTHING",
            hex::encode(fresh)
        )
        .execute(pool)
        .await?;
        let stored =
            sqlx::query_scalar!("SELECT value FROM app_settings WHERE key = 'signing_key'")
                .fetch_one(pool)
                .await?;
        Ok(Self::new(stored.as_bytes()))
    }

    fn mac(&self, message: &str) -> Hmac<Sha256> {
        // HMAC takes keys of any length; this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(message.as_bytes());
        mac
    }

    /// Hex signature of `message`.
    pub fn sign(&self, message: &str) -> String {
        hex::encode(self.mac(message).finalize().into_bytes())
    }

    /// Constant-time check of a hex signature; malformed input is simply a mismatch.
    pub fn verify(&self, message: &str, signature: &str) -> bool {
        match hex::decode(signature.trim()) {
            Ok(bytes) if bytes.len() == 32 => self.mac(message).verify_slice(&bytes).is_ok(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_refuses_tampering() {
        let s = Signer::new(b"k");
        let sig = s.sign("order:ORD-2026-00001");
        assert!(s.verify("order:ORD-2026-00001", &sig));
        assert!(!s.verify("order:ORD-2026-00002", &sig));
        assert!(!s.verify("order:ORD-2026-00001", &sig[..40]));
        assert!(!s.verify("order:ORD-2026-00001", "zz"));
        assert!(!Signer::new(b"other").verify("order:ORD-2026-00001", &sig));
    }
}
