//! Browser routes of statement imports: the upload (a plain form without JavaScript, which is
//! redirected; the enhanced form, which shows the upload's progress, asks for JSON) and the
//! demo's sample statements.

use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::json;
use tower_sessions::Session;

use super::{
    service::{self, Upload, MAX_STATEMENT_BYTES},
    MappingView,
};
use crate::{
    error::AppError,
    i18n::{t, tf},
    platform::{
        http::{admin_download, field, read_multipart_file, session_user, wants_json},
        lang::request_lang,
        state::AppState,
    },
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/statements",
            post(upload).layer(DefaultBodyLimit::max(MAX_STATEMENT_BYTES + 64 * 1024)),
        )
        .route("/admin/statements/sample/{file}", get(sample))
}

/// `POST /admin/statements`: the statement file (`statement`) and its columns.
async fn upload(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    mp: Multipart,
) -> Response {
    let lang = request_lang(&headers);
    let json = wants_json(&headers);
    let Some(admin) = session_user(&state, &session).await else {
        return if json {
            (
                StatusCode::UNAUTHORIZED,
                Json(json!({ "message": t(lang, "error.login_required") })),
            )
                .into_response()
        } else {
            Redirect::to("/login").into_response()
        };
    };
    let refused = |key: &str, status: StatusCode, echo: Vec<(String, String)>| {
        if json {
            let column = echo
                .iter()
                .find(|(k, _)| k == "column")
                .map(|(_, v)| v.as_str());
            let message = match column {
                Some(c) => tf(lang, key, &[("column", c)]),
                None => t(lang, key).to_string(),
            };
            return (status, Json(json!({ "message": message }))).into_response();
        }
        let mut pairs = echo;
        pairs.push(("error".into(), key.into()));
        let q = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        Redirect::to(&format!("/admin/statements?{q}")).into_response()
    };
    let (fields, file) = match read_multipart_file(
        mp,
        lang,
        "statement",
        MAX_STATEMENT_BYTES,
        "statement.error_too_large",
    )
    .await
    {
        Ok(read) => read,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return refused("statement.error_too_large", e.status(), vec![])
        }
        Err(_) => return refused("error.bad_request", StatusCode::BAD_REQUEST, vec![]),
    };
    let f = |name: &str| field(&fields, &[name]);
    let mapping = MappingView {
        operator: f("operator"),
        transaction_id: f("transaction_id"),
        amount: f("amount"),
        phone: f("phone"),
        paid_at: f("paid_at"),
        status_column: f("status_column"),
        status_ok: f("status_ok"),
    };
    let echo = mapping.echo();
    let (filename, bytes) = match file {
        Some((name, spooled)) => match spooled.read_all().await {
            Ok(bytes) => (name, bytes),
            Err(e) => {
                tracing::error!(error = %e, "reading a statement back from its spool file");
                return refused("error.upload_failed", StatusCode::SERVICE_UNAVAILABLE, echo);
            }
        },
        None => Default::default(),
    };
    let upload = Upload {
        mapping,
        filename,
        bytes,
    };
    match service::import(&state, &admin, upload).await {
        Ok(id) => {
            let next = format!("/admin/statements/{id}");
            if json {
                Json(json!({ "redirect": next })).into_response()
            } else {
                Redirect::to(&next).into_response()
            }
        }
        Err(AppError::Invalid { key, echo, .. }) => {
            refused(&key, StatusCode::UNPROCESSABLE_ENTITY, echo)
        }
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            refused(e.message_key(), status, echo)
        }
    }
}

/// `/admin/statements/sample/{operator}.csv`: in the demo only, a statement paying the pending
/// tickets of that operator, to try the import without an operator account.
async fn sample(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let lang = match admin_download(&state, &session, &headers).await {
        Ok(lang) => lang,
        Err(refused) => return refused,
    };
    let Some(op) = file.strip_suffix(".csv") else {
        return (StatusCode::NOT_FOUND, t(lang, "error.not_found")).into_response();
    };
    match service::sample(&state, op).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}-statement.csv\"",
                        op.to_lowercase()
                    ),
                ),
            ],
            body,
        )
            .into_response(),
        Err(e) => (
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            t(lang, e.message_key()),
        )
            .into_response(),
    }
}
