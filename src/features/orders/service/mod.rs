//! Orders on the server, by lifecycle: placing one without overselling (`place`), paying it
//! (`pay`: a proof, cash, or a card through the payments core, with its e-tickets issued
//! once), the owner's signed links (`owner`), cancellation (`cancel`), refunds (`refunds`) and
//! the stuck-payment monitor (`monitor`).

mod cancel;
mod monitor;
mod owner;
mod pay;
mod place;
mod refunds;

pub use cancel::{cancel_order, lapse};
pub use monitor::monitor;
pub use owner::{owner_link, use_owner_link, use_owner_link_from, LinkState, OwnerLink};
pub use pay::{
    card_available, card_checkout, issue_tickets, mark_paid, mark_paid_in, paid_via, pay_in,
    phone_available, phone_checkout, phone_open, submit_proof, watch_card, Paid, PaidVia,
    ProofFields,
};
pub use place::place_order;
pub use refunds::{refund_completed, refund_initiated, refunded};

use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    error::AppError,
    platform::{config::Config, db::Tx, respond, signing::Signer},
};

/// The signature that opens `/orders/{reference}` for its buyer.
pub fn order_signature(signer: &Signer, reference: &str) -> String {
    signer.sign(&format!("order:{reference}"))
}

pub fn order_link(config: &Config, signer: &Signer, reference: &str) -> String {
    format!(
        "{}/orders/{reference}?sig={}",
        config.base_url,
        order_signature(signer, reference)
    )
}

pub fn eticket_link(config: &Config, token: &str) -> String {
    format!("{}/t/{token}", config.base_url)
}

/// SHA-256 of an e-ticket token: what lookups compare.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn new_eticket_token() -> String {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub async fn order_event(
    tx: &mut Tx<'_>,
    order_id: Uuid,
    actor: Option<Uuid>,
    kind: &str,
    details: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO order_events (order_id, actor_id, kind, details) VALUES ($1, $2, $3, $4)",
        order_id,
        actor,
        kind,
        details
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// The order behind a signed link, or `NotFound` for a bad signature (no hint which).
pub fn check_signature(signer: &Signer, reference: &str, sig: &str) -> Result<(), AppError> {
    if signer.verify(&format!("order:{reference}"), sig) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
