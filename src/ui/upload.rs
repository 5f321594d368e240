//! In the browser only: a proof's preview before it is sent, and its upload with progress.

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{FormData, HtmlFormElement, HtmlInputElement, ProgressEvent, XmlHttpRequest};

use crate::ui::tr;

pub fn preview(
    ev: &leptos::ev::Event,
    preview: RwSignal<Option<String>>,
    chosen: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
) {
    error.set(None);
    preview.set(None);
    chosen.set(None);
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    if file.size() > crate::domain::MAX_PROOF_BYTES as f64 {
        error.set(Some(tr("error.proof_too_large").into()));
        input.set_value("");
        return;
    }
    let kind = file.type_();
    if !["image/jpeg", "image/png", "image/webp", "application/pdf"].contains(&kind.as_str()) {
        error.set(Some(tr("error.proof_type").into()));
        input.set_value("");
        return;
    }
    chosen.set(Some(file.name()));
    if kind.starts_with("image/") {
        if let Ok(url) = web_sys::Url::create_object_url_with_blob(&file) {
            preview.set(Some(url));
        }
    }
}

pub fn upload(
    ev: leptos::ev::SubmitEvent,
    progress: RwSignal<Option<u32>>,
    error: RwSignal<Option<String>>,
) {
    let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    let (Ok(data), Ok(xhr)) = (FormData::new_with_form(&form), XmlHttpRequest::new()) else {
        return;
    };
    ev.prevent_default();
    // The form's own address: the wizard's last step, or an order's proof.
    if xhr.open("POST", &form.action()).is_err()
        || xhr
            .set_request_header("Accept", "application/json")
            .is_err()
    {
        return;
    }
    progress.set(Some(0));
    error.set(None);
    if let Ok(upload) = xhr.upload() {
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress.set(Some(((e.loaded() / e.total()) * 100.0).round() as u32));
            }
        });
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
    }
    let xhr2 = xhr.clone();
    let on_load = Closure::<dyn FnMut()>::new(move || {
        let body = xhr2.response_text().ok().flatten().unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        if let Some(next) = json.get("redirect").and_then(|r| r.as_str()) {
            if let Some(w) = web_sys::window() {
                let _ = w.location().assign(next);
            }
        } else {
            progress.set(None);
            let msg = json
                .get("message")
                .and_then(|m| m.as_str())
                .map(String::from)
                .unwrap_or_else(|| tr("error.internal").into());
            error.set(Some(msg));
        }
    });
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    on_load.forget();
    let on_error = Closure::<dyn FnMut()>::new(move || {
        progress.set(None);
        error.set(Some(tr("error.internal").into()));
    });
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    if xhr.send_with_opt_form_data(Some(&data)).is_err() {
        progress.set(None);
    }
}
