//! HTTP helpers for axum routes outside server functions: who is signed in, whether the caller
//! wants JSON, multipart uploads counted while they stream, and files served safely.

use axum::{
    extract::Multipart,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use tower_sessions::Session;
use uuid::Uuid;

use super::{
    api::ApiError,
    auth::{load_user, AuthUser, SESSION_USER_KEY},
    state::AppState,
    uploads::Upload,
};
use crate::{
    domain::{Lang, MAX_PROOF_BYTES},
    i18n::t,
};

/// The signed-in user of a browser request, if any.
pub async fn session_user(state: &AppState, session: &Session) -> Option<AuthUser> {
    let id: Uuid = session.get(SESSION_USER_KEY).await.ok().flatten()?;
    load_user(&state.pool, id).await.ok().flatten()
}

/// The language of an admin's download (a CSV export), or the refusal to send instead: 401
/// signed out, 403 for anyone but an admin, each in the caller's language.
pub async fn admin_download(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
) -> Result<Lang, Response> {
    let lang = Lang::of_request(headers);
    match session_user(state, session).await {
        Some(u) if u.role.is_admin() => Ok(lang),
        Some(_) => Err((StatusCode::FORBIDDEN, t(lang, "error.forbidden")).into_response()),
        None => Err((StatusCode::UNAUTHORIZED, t(lang, "error.login_required")).into_response()),
    }
}

/// Whether the caller (the enhanced form) asked for JSON rather than a redirect.
pub fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.starts_with("application/json"))
}

/// A multipart form's text fields, in order.
pub type Fields = Vec<(String, String)>;

/// The value of the first field named by any of `names` (the seed's camelCase or the page's
/// snake_case), or an empty string.
pub fn field(fields: &Fields, names: &[&str]) -> String {
    fields
        .iter()
        .find(|(k, _)| names.contains(&k.as_str()))
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Reads a multipart form: its text fields, and the file of the field `proof`, spooled to a
/// temporary file while it streams and cut off past 5 MB.
pub async fn read_multipart(
    mp: Multipart,
    lang: Lang,
) -> Result<(Fields, Option<(String, Upload)>), ApiError> {
    read_multipart_file(mp, lang, "proof", MAX_PROOF_BYTES, "error.proof_too_large").await
}

/// Reads a multipart form: its text fields, and the file of the field `file_field`, spooled
/// to a temporary file while it streams (memory holds one chunk of it) and refused with
/// `too_large_key` past `max` bytes.
pub async fn read_multipart_file(
    mut mp: Multipart,
    lang: Lang,
    file_field: &str,
    max: usize,
    too_large_key: &str,
) -> Result<(Fields, Option<(String, Upload)>), ApiError> {
    let too_large = || ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, t(lang, too_large_key));
    let bad = || ApiError::new(StatusCode::BAD_REQUEST, t(lang, "error.bad_request"));
    let spool_failed = |e: std::io::Error| {
        tracing::error!(error = %e, "spooling an upload");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            t(lang, "error.upload_failed"),
        )
    };
    let mut fields = Fields::new();
    let mut file = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(bad()),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == file_field {
            let filename = field.file_name().unwrap_or("").to_string();
            let mut upload = Upload::new().await.map_err(spool_failed)?;
            let mut field = field;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        if upload.len() + chunk.len() > max {
                            return Err(too_large());
                        }
                        upload.write(&chunk).await.map_err(spool_failed)?;
                    }
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(too_large())
                    }
                    Err(_) => return Err(bad()),
                }
            }
            file = Some((filename, upload));
            continue;
        }
        let value = field.text().await.map_err(|_| bad())?;
        if value.len() > 4000 {
            return Err(bad());
        }
        fields.push((name, value));
    }
    Ok((fields, file))
}

/// RFC 6266: an ASCII fallback name and the exact UTF-8 name, percent-encoded.
pub fn content_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " ._-()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A stored file (a proof), to whoever may see it, never sniffed or run by the browser.
pub async fn file_response(bytes: Vec<u8>, content_type: String, filename: String) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let disposition = content_disposition(&filename);
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("inline")),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // Shown inside Tessera's own pages (the admin's `<object>`), framed by no other site.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; \
             frame-ancestors 'self'; sandbox",
        ),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    res
}
