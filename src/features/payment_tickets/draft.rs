//! The wizard's personal fields between step 2 and the submission: the payer's number, the
//! transaction id and the note. They are kept in the visitor's session, for the user who typed
//! them, and never put in an address (history, logs and `Referer` headers keep addresses).

use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

use super::api::{PayDraft, PayFields};

const KEY: &str = "pay.draft";

#[derive(Serialize, Deserialize)]
struct Stored {
    user_id: Uuid,
    draft: PayDraft,
}

/// What `user_id` typed at step 2 in this session, if anything.
pub async fn load(session: &Session, user_id: Uuid) -> PayDraft {
    match session.get::<Stored>(KEY).await {
        Ok(Some(s)) if s.user_id == user_id => s.draft,
        Ok(_) => PayDraft::default(),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the payment draft");
            PayDraft::default()
        }
    }
}

/// Keeps step 2's personal fields, even refused ones, so the step shows them again.
pub async fn save(session: &Session, user_id: Uuid, fields: &PayFields) {
    let draft = PayDraft {
        phone_number: fields.phone_number.clone(),
        transaction_id: fields.transaction_id.clone(),
        user_notes: fields.user_notes.clone(),
    };
    if let Err(e) = session.insert(KEY, Stored { user_id, draft }).await {
        tracing::warn!(error = %e, "could not keep the payment draft");
    }
}

/// Forgets the draft once the ticket is submitted.
pub async fn clear(session: &Session) {
    if let Err(e) = session.remove::<Stored>(KEY).await {
        tracing::warn!(error = %e, "could not clear the payment draft");
    }
}
