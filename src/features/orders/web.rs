//! Browser routes outside server functions: the buyer's proof upload (multipart), the proof for
//! admins, an e-ticket as PDF, and the commission CSV.

use axum::{
    extract::{ConnectInfo, DefaultBodyLimit, Multipart, Path, Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    routing::post,
    Json, Router,
};
use serde::Deserialize;
use tower_sessions::Session;

use super::{commissions, door_live, etickets, queries, service};
use crate::{
    domain::{parse_order_reference, MAX_PROOF_BYTES},
    error::AppError,
    i18n::t,
    platform::{
        http::{admin_download, field, file_response, read_multipart, session_user, wants_json},
        lang::request_lang,
        state::AppState,
        throttle, uploads,
    },
};

pub fn routes() -> Router<AppState> {
    let limit = DefaultBodyLimit::max(MAX_PROOF_BYTES + 64 * 1024);
    Router::new()
        .route("/orders/{reference}/proof", post(upload_proof).layer(limit))
        .route("/admin/orders/{reference}/proof", get(admin_proof))
        .route("/t/{token}/pdf", get(ticket_pdf))
        .route("/admin/commissions.csv", get(commissions_csv))
        .route("/admin/orders.csv", get(orders_csv))
        .route(
            "/door/live",
            get(door_live::live).layer(axum::Extension(door_live::DoorHub::default())),
        )
}

#[derive(Deserialize, Default)]
struct Sig {
    #[serde(default)]
    sig: String,
}

/// The buyer's proof: signed link required; a refusal goes back to the order page with the
/// fields typed and the reason.
async fn upload_proof(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    Query(q): Query<Sig>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    mp: Multipart,
) -> Response {
    let lang = request_lang(&headers);
    let client = throttle::client_of(&headers, peer, state.config.trust_proxy);
    let Some(reference) = parse_order_reference(&reference) else {
        return (StatusCode::NOT_FOUND, t(lang, "error.not_found")).into_response();
    };
    if service::check_signature(&state.signer, &reference, &q.sig).is_err() {
        return (StatusCode::NOT_FOUND, t(lang, "error.not_found")).into_response();
    }
    let page = format!("/orders/{reference}?sig={}", q.sig);
    let json = wants_json(&headers);
    let back = |fields: &service::ProofFields, field: &str, key: &str| {
        if json {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({ "success": false, "field": field, "message": t(lang, key) })),
            )
                .into_response();
        }
        let query = serde_urlencoded::to_string([
            ("payment_method", fields.payment_method.as_str()),
            ("phone_number", fields.phone_number.as_str()),
            ("transaction_id", fields.transaction_id.as_str()),
            ("error_field", field),
            ("error", key),
        ])
        .unwrap_or_default();
        Redirect::to(&format!("{page}&{query}#pay")).into_response()
    };
    let empty = service::ProofFields {
        payment_method: String::new(),
        phone_number: String::new(),
        transaction_id: String::new(),
    };
    let (form, file) = match read_multipart(mp, lang).await {
        Ok(x) => x,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return back(&empty, "proof", "error.proof_too_large")
        }
        Err(_) => return back(&empty, "proof", "error.bad_request"),
    };
    let fields = service::ProofFields {
        payment_method: field(&form, &["payment_method", "paymentMethod"]),
        phone_number: field(&form, &["phone_number", "phoneNumber"]),
        transaction_id: field(&form, &["transaction_id", "transactionId"]),
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return back(&fields, "proof", "error.proof_required");
    };
    let checked = match uploads::check_for(&state, &client, name, bytes).await {
        Ok(p) => p,
        Err(key) => return back(&fields, "proof", key),
    };
    match service::submit_proof(&state.pool, &state.storage, &reference, &fields, checked).await {
        Ok(()) if json => {
            Json(serde_json::json!({ "success": true, "redirect": format!("{page}&proof=1") }))
                .into_response()
        }
        Ok(()) => Redirect::to(&format!("{page}&proof=1")).into_response(),
        Err(e) => {
            let field = match &e {
                AppError::Invalid { field: Some(f), .. } => f.clone(),
                _ => String::new(),
            };
            back(&fields, &field, e.message_key())
        }
    }
}

async fn admin_proof(
    State(state): State<AppState>,
    session: Session,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = request_lang(&headers);
    match session_user(&state, &session).await {
        Some(u) if u.role.is_admin() => {}
        Some(_) => return (StatusCode::FORBIDDEN, t(lang, "error.forbidden")).into_response(),
        None => return (StatusCode::UNAUTHORIZED, t(lang, "error.login_required")).into_response(),
    }
    match queries::proof_of(&state.pool, &state.storage, &reference).await {
        Ok((bytes, ct, name)) => file_response(bytes, ct, name).await,
        Err(e) => (
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND),
            t(lang, e.message_key()),
        )
            .into_response(),
    }
}

/// The e-ticket as a one-page PDF, in the reader's language.
async fn ticket_pdf(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = request_lang(&headers);
    let v = match etickets::find(&state.pool, &state.config, &token).await {
        Ok(v) => v,
        Err(AppError::NotFound) => {
            return (StatusCode::NOT_FOUND, t(lang, "eticket.not_found")).into_response()
        }
        Err(e) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, t(lang, e.message_key())).into_response()
        }
    };
    let (reference, seq) = (v.reference.clone(), v.seq);
    // Laying out and subsetting fonts is CPU work: off the async threads.
    let made = tokio::task::spawn_blocking(move || etickets::pdf(&v, lang)).await;
    let Ok(Ok(bytes)) = made else {
        return (StatusCode::INTERNAL_SERVER_ERROR, t(lang, "error.internal")).into_response();
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"e-ticket-{reference}-{seq}.pdf\""
        ))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

#[derive(Deserialize, Default)]
struct CsvQuery {
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    end_date: String,
    #[serde(default)]
    status: String,
}

async fn commissions_csv(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<CsvQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = match admin_download(&state, &session, &headers).await {
        Ok(lang) => lang,
        Err(refused) => return refused,
    };
    let range = super::rest::RangeQuery {
        start_date: q.start_date,
        end_date: q.end_date,
    };
    let (from, to) = match range.dates() {
        Ok(x) => x,
        Err(k) => return (StatusCode::BAD_REQUEST, t(lang, k)).into_response(),
    };
    let status = crate::domain::CommissionStatus::parse(&q.status)
        .ok()
        .map(|s| s.as_str());
    match commissions::lines(&state.pool, status, None, from, to).await {
        Ok(lines) => commissions::csv(&lines, lang).into_response("commissions.csv"),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, t(lang, e.message_key())).into_response(),
    }
}

/// The filters of `/admin/orders`, as its address carries them.
#[derive(Deserialize, Default)]
struct OrdersQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    event: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    refund: String,
}

/// `/admin/orders.csv`: every order the admin's list shows with the same filters.
async fn orders_csv(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<OrdersQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = match admin_download(&state, &session, &headers).await {
        Ok(lang) => lang,
        Err(refused) => return refused,
    };
    let some = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let filter = queries::OrderFilter {
        status: some(q.status),
        event: some(q.event),
        search: some(q.q),
        refund: some(q.refund),
        page: 0,
        per_page: 50_000,
    };
    match queries::orders(&state.pool, &filter).await {
        Ok((rows, _)) => queries::orders_sheet(&rows, lang).into_response("orders.csv"),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, t(lang, e.message_key())).into_response(),
    }
}
