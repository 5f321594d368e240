//! Server functions of statement imports: the pages' data and the admin's decisions.

use leptos::prelude::*;

use super::{ImportsPage, ReviewPage};
use crate::error::AppError;

#[server(prefix = "/fn", endpoint = "statement_imports")]
pub async fn statement_imports() -> Result<ImportsPage, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            super::service::imports_page(&state, &admin).await
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "statement_review")]
pub async fn statement_review(
    import_id: String,
    section: String,
    page: i64,
) -> Result<ReviewPage, AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            super::service::review(&state, &admin, &import_id, &section, page).await
        }
        .await,
    )
}

/// Approves every confident match of an import; a long list goes on in the background and the
/// review shows its progress.
#[server(prefix = "/fn", endpoint = "approve_statement")]
pub async fn approve_statement(import_id: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            let finished = super::service::approve_confident(&state, &admin, &import_id).await?;
            let done = if finished { "approved" } else { "approving" };
            leptos_axum::redirect(&format!("/admin/statements/{import_id}?done={done}"));
            Ok(())
        }
        .await,
    )
}

/// Approves the ticket the admin chose (a candidate, or a reference typed) for one line.
#[server(prefix = "/fn", endpoint = "resolve_statement_line")]
pub async fn resolve_statement_line(
    line: String,
    ticket: String,
    section: String,
) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            let import_id = super::service::resolve(&state, &admin, &line, &ticket).await?;
            leptos_axum::redirect(&back(import_id, &section, "resolved"));
            Ok(())
        }
        .await,
    )
}

/// Sets a line aside (money for nothing Tessera knows, or a match the admin refuses).
#[server(prefix = "/fn", endpoint = "dismiss_statement_line")]
pub async fn dismiss_statement_line(line: String, section: String) -> Result<(), AppError> {
    use crate::platform::{auth, respond};
    respond::reply(
        async {
            let state = respond::state()?;
            let admin = auth::require_admin().await?;
            let import_id = super::service::dismiss(&state, &admin, &line).await?;
            leptos_axum::redirect(&back(import_id, &section, "dismissed"));
            Ok(())
        }
        .await,
    )
}

/// The review of `import_id` at the section the admin was working in.
#[cfg(feature = "ssr")]
fn back(import_id: uuid::Uuid, section: &str, done: &str) -> String {
    let section = super::SECTIONS
        .into_iter()
        .find(|s| *s == section)
        .unwrap_or("");
    format!("/admin/statements/{import_id}?section={section}&done={done}")
}
