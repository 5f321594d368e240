//! Keeps what a refused form carried out of the address bar.
//!
//! Without JavaScript, a refused form goes back to its page by a redirect whose address holds
//! what the user typed and the reason (Leptos puts a server function's error, with its echo of
//! the fields, in `__err`; our multipart forms put the fields themselves). An address ends up in
//! the browser's history, in logs and in `Referer` headers, so when a redirect carries a
//! personal field, this layer moves the query into the visitor's session under a one-time id
//! (`__flash`) and puts it back, on the server, when that page is requested: the page renders
//! the same, and the address bar shows only the id.

use axum::{
    body::Body,
    http::{header, HeaderValue, Method, Request, Uri},
    middleware::Next,
    response::Response,
};
use tower_sessions::Session;

const PARAM: &str = "__flash";
const PREFIX: &str = "flash.";

/// Query keys whose presence in a redirect sends the query to the session.
const PERSONAL: &[&str] = &[
    "__err",
    "name",
    "email",
    "phone",
    "phone_number",
    "buyer_name",
    "buyer_email",
    "buyer_phone",
    "transaction_id",
    "user_notes",
];

/// Keys that stay in the address: they name the page, not the person.
const KEPT: &[&str] = &["__path", "sig", "step", "card", "proof"];

type Pairs = Vec<(String, String)>;

fn parse(query: &str) -> Pairs {
    serde_urlencoded::from_str(query).unwrap_or_default()
}

fn encode(pairs: &[(String, String)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// Splits a redirect target into what stays in the address and what goes to the session, if
/// anything personal is in it: `(new location, stored query)`.
pub fn split_location(location: &str, id: &str) -> Option<(String, String)> {
    let (rest, fragment) = match location.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (location, None),
    };
    let (base, query) = rest.split_once('?')?;
    let pairs = parse(query);
    if !pairs.iter().any(|(k, _)| PERSONAL.contains(&k.as_str())) {
        return None;
    }
    let (kept, moved): (Pairs, Pairs) = pairs
        .into_iter()
        .filter(|(k, _)| k != PARAM)
        .partition(|(k, _)| KEPT.contains(&k.as_str()));
    let mut kept = kept;
    kept.push((PARAM.to_string(), id.to_string()));
    let mut target = format!("{base}?{}", encode(&kept));
    if let Some(f) = fragment {
        target.push('#');
        target.push_str(f);
    }
    Some((target, encode(&moved)))
}

/// The query with `__flash` replaced by what was stored under it.
pub fn restore_query(query: &str, stored: &str) -> String {
    let mut pairs: Pairs = parse(query)
        .into_iter()
        .filter(|(k, _)| k != PARAM)
        .collect();
    pairs.extend(parse(stored));
    encode(&pairs)
}

pub async fn carry(session: Session, mut req: Request<Body>, next: Next) -> Response {
    if req.method() == Method::GET {
        let id = req
            .uri()
            .query()
            .and_then(|q| parse(q).into_iter().find(|(k, _)| k == PARAM))
            .map(|(_, v)| v);
        if let Some(id) = id {
            let key = format!("{PREFIX}{id}");
            // Once: a reload shows the empty form, as after any finished submission.
            let stored: Option<String> = session.remove(&key).await.ok().flatten();
            let query = req.uri().query().unwrap_or_default();
            let restored = restore_query(query, stored.as_deref().unwrap_or(""));
            let target = format!("{}?{restored}", req.uri().path());
            if let Ok(uri) = target.parse::<Uri>() {
                *req.uri_mut() = uri;
            }
        }
    }
    let mut res = next.run(req).await;
    if res.status().is_redirection() {
        let location = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let id = uuid::Uuid::new_v4().simple().to_string();
        if let Some((target, moved)) = location.and_then(|l| split_location(&l, &id)) {
            let saved = session.insert(&format!("{PREFIX}{id}"), moved).await;
            match (saved, HeaderValue::from_str(&target)) {
                (Ok(()), Ok(v)) => {
                    res.headers_mut().insert(header::LOCATION, v);
                }
                (Err(e), _) => tracing::warn!(error = %e, "could not keep a refused form's fields"),
                (_, Err(e)) => tracing::warn!(error = %e, "bad redirect target"),
            }
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_fields_leave_the_address_and_come_back() {
        let loc = "/orders/ORD-2026-00001?sig=abc&payment_method=MTN_MOMO&phone_number=%2B237677123456&transaction_id=TX1&error=error.phone_invalid#pay";
        let (target, moved) = split_location(loc, "id1").unwrap();
        assert_eq!(target, "/orders/ORD-2026-00001?sig=abc&__flash=id1#pay");
        assert!(!target.contains("237677"));
        let back = restore_query("sig=abc&__flash=id1", &moved);
        let pairs = parse(&back);
        assert!(pairs.contains(&("phone_number".into(), "+237677123456".into())));
        assert!(pairs.contains(&("error".into(), "error.phone_invalid".into())));
        assert!(!pairs.iter().any(|(k, _)| k == PARAM));
    }

    #[test]
    fn leptos_errors_are_moved_and_plain_redirects_are_left_alone() {
        let loc = "http://127.0.0.1:3000/events/fest?__path=%2Ffn%2Fplace_order&__err=eyJ4Ijp9";
        let (target, moved) = split_location(loc, "z").unwrap();
        assert_eq!(
            target,
            "http://127.0.0.1:3000/events/fest?__path=%2Ffn%2Fplace_order&__flash=z"
        );
        assert_eq!(moved, "__err=eyJ4Ijp9");
        assert_eq!(split_location("/admin/events?saved=fest", "z"), None);
        assert_eq!(split_location("/login", "z"), None);
    }
}
