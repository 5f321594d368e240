//! Small building blocks shared by every page: the current language, labelled fields with
//! their errors, and form-level messages.

mod file_input;
mod proof_input;
#[cfg(feature = "hydrate")]
pub mod upload;

pub use file_input::{FileField, FileInput};
pub use proof_input::{ProofField, ProofInput};

use leptos::prelude::*;

use crate::{domain::Lang, error::AppError, i18n};

/// The page's Content-Security-Policy: scripts only from this site or carrying this render's
/// nonce (the bundle loader in `app`, Leptos's streaming scripts), WebAssembly allowed, styles
/// only from the stylesheet, images also from `blob:` (a proof's preview before upload), and
/// no framing by any site.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; object-src 'self'; base-uri 'self'; \
         frame-ancestors 'none'"
    )
}

/// The language the page is rendered in, provided once by the app shell.
#[derive(Clone, Copy)]
pub struct UiLang(pub Lang);

/// The page's language: from the shell on the server; in an island in the browser (which has
/// no context from the page around it), from `<html lang>`.
pub fn lang() -> Lang {
    use_context::<UiLang>()
        .map(|l| l.0)
        .unwrap_or_else(initial_lang)
}

pub fn tr(key: &str) -> &'static str {
    i18n::t(lang(), key)
}

/// The name people read for a code kept in the database (`method.MTN_MOMO` → "MTN Mobile
/// Money"): the catalogue's entry `{space}.{code}`, else the code written as words, never the
/// code itself.
pub fn label(space: &str, code: &str) -> String {
    let key = format!("{space}.{code}");
    if i18n::has_key(&key) {
        i18n::t(lang(), &key).to_string()
    } else {
        let words = code.replace(['_', '-'], " ").to_lowercase();
        let mut chars = words.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }
}

/// The address of each file of the browser bundle, versioned by its content: given to the
/// pages by start-up (the shell has no other way to know the files' hashes).
#[derive(Clone)]
pub struct AssetUrls(pub std::sync::Arc<dyn Fn(&str) -> String + Send + Sync>);

/// The language chosen for this request: from the request on the server, from `<html lang>` in
/// the browser, so both render the same text and hydration matches.
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|p| Lang::of_request(&p.headers))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|e| e.get_attribute("lang"))
                .and_then(|l| Lang::parse(&l))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            Lang::default()
        }
    }
}

/// The error of the last submission of a form, if any.
pub type FormState = Signal<Option<AppError>>;

pub fn form_state<S>(action: ServerAction<S>) -> FormState
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

/// A labelled input whose error sits right under it and which keeps what the user typed.
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = true)] required: bool,
    state: FormState,
) -> impl IntoView {
    let id = format!("f-{name}");
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let error = move || state.get().and_then(|e| e.for_field(name).map(tr));
    let echoed = move || {
        if kind == "password" {
            return None;
        }
        state
            .get()
            .and_then(|e| e.echoed(name).map(String::from))
            .or_else(|| value.clone())
    };
    let described = {
        let (err_id, hint_id) = (err_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error().is_some()>
            <label for=id.clone()>{tr(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{tr(h)}</p> })}
            <input
                id=id.clone()
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                value=echoed
                aria-invalid=move || error().is_some().then_some("true")
                aria-describedby=described
            />
            <p class="field-error" id=err_id.clone() role="alert" hidden=move || error().is_none()>
                {error}
            </p>
        </div>
    }
}

/// A message about the whole form (wrong login, throttled, server trouble).
/// A destructive action set apart from the main button: the first button only asks, and the
/// form given as children (its submit button says what will happen) acts. A disclosure, so it
/// works without JavaScript.
#[component]
pub fn Confirm(label: &'static str, question: &'static str, children: Children) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary class="confirm-open">{tr(label)}</summary>
            <div class="confirm-body">
                <p>{tr(question)}</p>
                {children()}
            </div>
        </details>
    }
}

#[component]
pub fn FormMessage(state: FormState) -> impl IntoView {
    let msg = move || state.get().and_then(|e| e.general().map(tr));
    view! {
        <p class="alert alert-error" role="alert" hidden=move || msg().is_none()>{msg}</p>
    }
}

/// A success notice, shown when `show` is true.
/// A payment proof as the page shows it: an image, or a PDF in the browser's own viewer (the
/// file is served with a sandbox policy, so nothing in it runs as Tessera), always with a link
/// that opens it whole — phones without an inline PDF viewer use that.
#[component]
pub fn ProofPreview(src: String, content_type: Option<String>) -> impl IntoView {
    let href = src.clone();
    match content_type.as_deref() {
        Some("application/pdf") => view! {
            <object class="proof" data=src type="application/pdf" aria-label=tr("ticket.proof")>
                <p class="muted">{tr("ticket.pdf_not_shown")}</p>
            </object>
            <p><a href=href target="_blank" rel="noopener">{tr("ticket.open_proof")}</a></p>
        }
        .into_any(),
        Some(_) => view! { <a href=href><img class="proof" src=src alt=tr("ticket.proof")/></a> }
            .into_any(),
        None => view! { <p class="muted">{tr("ticket.no_proof")}</p> }.into_any(),
    }
}

#[component]
pub fn Notice(#[prop(into)] show: Signal<bool>, text: &'static str) -> impl IntoView {
    view! { <p class="alert alert-ok" role="status" hidden=move || !show.get()>{tr(text)}</p> }
}

/// What a page shows when its data could not be loaded.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    let key = match &error {
        AppError::Unauthorized => "page.login_required",
        AppError::Forbidden => "page.forbidden",
        other => other.message_key(),
    };
    let login = matches!(error, AppError::Unauthorized);
    view! {
        <div class="card">
            <p class="alert alert-error" role="alert">{tr(key)}</p>
            {login.then(|| view! { <a class="button" href="/login">{tr("nav.login")}</a> })}
        </div>
    }
}

/// A bar chart (one bar per labelled count), drawn on the server as SVG, readable without JS;
/// its text alternative lists every value.
pub fn bar_chart(title: &str, days: &[(String, i64)]) -> impl IntoView {
    let max = days.iter().map(|(_, c)| *c).max().unwrap_or(0).max(1);
    let (w, h, bar) = (600.0, 160.0, 600.0 / days.len().max(1) as f64);
    let label = days
        .iter()
        .map(|(d, c)| format!("{d}: {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <svg class="chart" viewBox=format!("0 0 {w} {}", h + 20.0) role="img" aria-label=format!("{title} — {label}")>
            {days.iter().enumerate().map(|(i, (d, c))| {
                let bh = (*c as f64 / max as f64) * h;
                view! {
                    <rect x=format!("{:.1}", i as f64 * bar + 1.0) y=format!("{:.1}", h - bh) width=format!("{:.1}", (bar - 2.0).max(1.0)) height=format!("{bh:.1}")>
                        <title>{format!("{d}: {c}")}</title>
                    </rect>
                }
            }).collect_view()}
            <text x="0" y=format!("{}", h + 16.0)>{days.first().map(|d| d.0.clone()).unwrap_or_default()}</text>
            <text x=format!("{w}") y=format!("{}", h + 16.0) text-anchor="end">{days.last().map(|d| d.0.clone()).unwrap_or_default()}</text>
        </svg>
    }
}
