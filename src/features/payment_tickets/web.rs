//! Browser routes that pages post files to: the wizard's last step and proof replacement, and
//! the proof itself. Plain forms without JavaScript get redirects; the enhanced form, which
//! uploads with a progress bar, asks for JSON.

use axum::{
    extract::{ConnectInfo, DefaultBodyLimit, Form, Multipart, Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::json;
use tower_sessions::Session;

use super::{
    api::AdminQuery,
    draft, queries,
    service::{self, TicketForm},
};
use crate::{
    domain::{Lang, MAX_PROOF_BYTES},
    error::AppError,
    i18n::t,
    platform::{
        http::{admin_download, file_response, read_multipart, session_user, wants_json},
        lang::request_lang,
        state::AppState,
        throttle, uploads,
    },
};

pub fn routes() -> Router<AppState> {
    let limit = DefaultBodyLimit::max(MAX_PROOF_BYTES + 64 * 1024);
    Router::new()
        .route("/pay/details", post(pay_details))
        .route("/pay/submit", post(pay_submit).layer(limit))
        .route(
            "/tickets/{reference}/proof",
            get(proof_file).post(replace_proof).layer(limit),
        )
        .route("/admin/tickets.csv", get(tickets_csv))
}

/// `/admin/tickets.csv`: every ticket the admin queue shows with the same tab and filters (the
/// page's address with `.csv`), not only the page on screen.
async fn tickets_csv(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(query): Query<AdminQuery>,
) -> Response {
    let lang = match admin_download(&state, &session, &headers).await {
        Ok(lang) => lang,
        Err(refused) => return refused,
    };
    let filter = AdminQuery { page: 0, ..query }.filter(queries::MAX_ROWS);
    match queries::list(&state.pool, &state.config, filter).await {
        Ok((tickets, _)) => super::sheet(&tickets, lang).into_response("payment-tickets.csv"),
        Err(e) => (
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            t(lang, e.message_key()),
        )
            .into_response(),
    }
}

/// A wizard address: the step and the fields that name the payment (plan, duration, amount,
/// method), never the personal ones, which the session keeps (see `draft`).
fn wizard_address(form: &TicketForm, step: u8, error: Option<(Option<&str>, &str)>) -> String {
    let mut pairs = vec![
        ("step", step.to_string()),
        ("plan_type", form.plan_type.clone()),
        ("duration_days", form.duration_days.clone()),
        ("amount", form.amount.clone()),
        ("payment_method", form.payment_method.clone()),
    ];
    if let Some((field, key)) = error {
        pairs.push(("error_field", field.unwrap_or("").to_string()));
        pairs.push(("error", key.to_string()));
    }
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    format!("/pay?{query}")
}

/// Where a refused step sends a browser without JavaScript: back to the step concerned, with
/// the reason in the query string.
fn back_to_wizard(form: &TicketForm, field: Option<&str>, key: &str) -> String {
    let step = match field {
        Some("plan_type" | "duration_days") => 1,
        Some("proof") | None => 3,
        _ => 2,
    };
    wizard_address(form, step, Some((field, key)))
}

/// The wizard's step 2, posted: the payer's number, the transaction id and the note go to the
/// session and the browser to step 3, whose page checks everything and comes back to step 2
/// with every refused field when something is wrong.
async fn pay_details(
    State(state): State<AppState>,
    session: Session,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let Some(user) = session_user(&state, &session).await else {
        return Redirect::to("/login").into_response();
    };
    let form = TicketForm::from_fields(&fields);
    draft::save(&session, user.id, &form).await;
    Redirect::to(&wizard_address(&form, 3, None)).into_response()
}

fn refusal(
    headers: &HeaderMap,
    lang: Lang,
    form: &service::TicketForm,
    field: Option<&str>,
    key: &str,
    status: StatusCode,
) -> Response {
    if wants_json(headers) {
        (
            status,
            Json(json!({ "success": false, "field": field, "message": t(lang, key) })),
        )
            .into_response()
    } else {
        Redirect::to(&back_to_wizard(form, field, key)).into_response()
    }
}

/// The wizard's last step: every field again, and the proof.
async fn pay_submit(
    State(state): State<AppState>,
    session: Session,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    mp: Multipart,
) -> Response {
    let lang = request_lang(&headers);
    let client = throttle::client_of(&headers, peer, state.config.trust_proxy);
    let Some(user) = session_user(&state, &session).await else {
        return if wants_json(&headers) {
            (
                StatusCode::UNAUTHORIZED,
                Json(json!({ "success": false, "message": t(lang, "error.login_required") })),
            )
                .into_response()
        } else {
            Redirect::to("/login").into_response()
        };
    };
    let (mut form, file) = match read_multipart(mp, lang).await {
        Ok((fields, file)) => (TicketForm::from_fields(&fields), file),
        Err(e) => {
            let key = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                "error.proof_too_large"
            } else {
                "error.bad_request"
            };
            return refusal(
                &headers,
                lang,
                &Default::default(),
                Some("proof"),
                key,
                e.status(),
            );
        }
    };
    form.fill_from(&draft::load(&session, user.id).await);
    draft::save(&session, user.id, &form).await;
    let ticket = match service::parse_form(&state.pool, &form).await {
        Ok(t) => t,
        Err(e) => {
            return refusal(
                &headers,
                lang,
                &form,
                field_of(&e),
                e.message_key(),
                status_of(&e),
            );
        }
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return refusal(
            &headers,
            lang,
            &form,
            Some("proof"),
            "error.proof_required",
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let checked = match uploads::check_for(&state, &client, name, bytes).await {
        Ok(p) => p,
        Err(key) => {
            return refusal(
                &headers,
                lang,
                &form,
                Some("proof"),
                key,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    let origin = service::Origin {
        ip: peer.ip().to_string(),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string(),
    };
    match service::submit(&state, &user, ticket, checked, origin).await {
        Ok((_, reference)) => {
            draft::clear(&session).await;
            let next = format!("/tickets/{reference}?submitted=1");
            if wants_json(&headers) {
                Json(json!({ "success": true, "reference": reference, "redirect": next }))
                    .into_response()
            } else {
                Redirect::to(&next).into_response()
            }
        }
        Err(e) => refusal(
            &headers,
            lang,
            &form,
            field_of(&e),
            e.message_key(),
            status_of(&e),
        ),
    }
}

fn field_of(e: &AppError) -> Option<&str> {
    match e {
        AppError::Invalid { field: Some(f), .. } => Some(f),
        _ => None,
    }
}

fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST)
}

async fn proof_file(
    State(state): State<AppState>,
    session: Session,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = request_lang(&headers);
    let Some(user) = session_user(&state, &session).await else {
        return (StatusCode::UNAUTHORIZED, t(lang, "error.login_required")).into_response();
    };
    match service::proof(&state.pool, &state.storage, &user, &reference).await {
        Ok((bytes, ct, name)) => file_response(bytes, ct, name).await,
        Err(e) => (status_of(&e), t(lang, e.message_key())).into_response(),
    }
}

async fn replace_proof(
    State(state): State<AppState>,
    session: Session,
    Path(reference): Path<String>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    mp: Multipart,
) -> Response {
    let lang = request_lang(&headers);
    let client = throttle::client_of(&headers, peer, state.config.trust_proxy);
    let Some(user) = session_user(&state, &session).await else {
        return Redirect::to("/login").into_response();
    };
    let back = |key: &str| {
        let q = serde_urlencoded::to_string([("error", key)]).unwrap_or_default();
        Redirect::to(&format!("/tickets/{reference}?{q}")).into_response()
    };
    let file = match read_multipart(mp, lang).await {
        Ok((_, Some(f))) if !f.1.is_empty() => f,
        Ok(_) => return back("error.proof_required"),
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return back("error.proof_too_large")
        }
        Err(_) => return back("error.bad_request"),
    };
    let checked = match uploads::check_for(&state, &client, file.0, file.1).await {
        Ok(p) => p,
        Err(key) => return back(key),
    };
    match service::replace_proof(&state.pool, &state.storage, &user, &reference, checked).await {
        Ok(()) => Redirect::to(&format!("/tickets/{reference}?replaced=1")).into_response(),
        Err(AppError::NotFound) => {
            (StatusCode::NOT_FOUND, t(lang, "error.not_found")).into_response()
        }
        Err(e) => back(e.message_key()),
    }
}
