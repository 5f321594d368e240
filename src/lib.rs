//! Tessera: payment collection with mobile-money proofs, card gateways, subscriptions and
//! QR e-tickets. One crate, built as the server (`ssr`) and as the browser bundle (`hydrate`).
#![recursion_limit = "256"]

pub mod app;
pub mod domain;
pub mod error;
pub mod features;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod platform;
#[cfg(feature = "ssr")]
pub mod startup;
pub mod ui;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The site's time zone, which the server wrote into the page, for the dates islands show.
    if let Some(secs) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("data-utc-offset"))
        .and_then(|v| v.parse().ok())
    {
        domain::set_site_utc_offset(secs);
    }
    // Only islands come alive in the browser: the rest of each page is the server's HTML.
    leptos::mount::hydrate_islands();
}
