//! The browser bundle's files (`/pkg/…`): addressed by the hash of their content, so a browser
//! may keep them for a year and a new build is a new address; served precompressed (brotli,
//! gzip) when the build wrote `.br` and `.gz` beside them.

use std::{
    collections::HashMap,
    sync::{Mutex, OnceLock},
};

use axum::{
    body::Body,
    http::{header, HeaderValue, Request},
    middleware::Next,
    response::Response,
};
use sha2::{Digest, Sha256};

fn versions() -> &'static Mutex<HashMap<String, Option<String>>> {
    static V: OnceLock<Mutex<HashMap<String, Option<String>>>> = OnceLock::new();
    V.get_or_init(|| Mutex::new(HashMap::new()))
}

/// `/{pkg}/{file}?v={first 16 hex digits of its SHA-256}`, read once per process; without the
/// version when the file is missing (a build still running).
pub fn versioned(site_root: &str, pkg_dir: &str, file: &str) -> String {
    let path = format!("{site_root}/{pkg_dir}/{file}");
    let hash = {
        let mut known = versions().lock().unwrap_or_else(|p| p.into_inner());
        known
            .entry(path.clone())
            .or_insert_with(|| {
                std::fs::read(&path)
                    .ok()
                    .map(|bytes| hex::encode(Sha256::digest(&bytes))[..16].to_string())
            })
            .clone()
    };
    match hash {
        Some(h) => format!("/{pkg_dir}/{file}?v={h}"),
        None => format!("/{pkg_dir}/{file}"),
    }
}

/// Cache headers: a versioned bundle file is immutable; anything else under `/pkg` is checked
/// again each time (it answers 304 when unchanged); the icons keep a day.
pub async fn cache_headers(req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let versioned = req
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|p| p.starts_with("v=")));
    let mut res = next.run(req).await;
    if !res.status().is_success() {
        return res;
    }
    let policy = if path.starts_with("/pkg/") {
        if versioned {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }
    } else if path.starts_with("/favicon")
        || path.starts_with("/apple-touch-icon")
        || path.starts_with("/icon-")
    {
        "public, max-age=86400"
    } else {
        return res;
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    res
}
