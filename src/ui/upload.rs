//! In the browser only: a proof's preview before it is sent (a photo redrawn smaller and
//! upright first), and its upload with progress.

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, DataTransfer, File, FilePropertyBag, FormData,
    HtmlCanvasElement, HtmlFormElement, HtmlInputElement, ImageBitmap, ImageBitmapOptions,
    ImageOrientation, ProgressEvent, XmlHttpRequest,
};

use crate::ui::tr;

/// Photos are redrawn with this long side at most before they are sent.
const LONG_SIDE: u32 = 2000;
/// Photos smaller than this with a long side within [`LONG_SIDE`] are sent as they are.
const SMALL_ENOUGH: f64 = 1_000_000.0;

/// Sends the form around the file input `id` with [`upload`] from now on.
pub fn take_over_form(id: &str, progress: RwSignal<Option<u32>>, error: RwSignal<Option<String>>) {
    let Some(form) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .and_then(|i| i.form())
    else {
        return;
    };
    let on_submit = Closure::<dyn FnMut(web_sys::SubmitEvent)>::new(move |ev| {
        upload(ev, progress, error);
    });
    let _ = form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
    // The form lives as long as the page; so must its handler.
    on_submit.forget();
}

/// What the file input's change shows: a refusal, or the chosen file (a photo redrawn smaller
/// and upright first, with the size saved) and its preview.
pub fn preview(
    ev: &leptos::ev::Event,
    preview: RwSignal<Option<String>>,
    chosen: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
    preparing: RwSignal<bool>,
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
    let kind = file.type_();
    if !["image/jpeg", "image/png", "image/webp", "application/pdf"].contains(&kind.as_str()) {
        error.set(Some(tr("error.proof_type").into()));
        input.set_value("");
        return;
    }
    if !kind.starts_with("image/") {
        if file.size() > crate::domain::MAX_PROOF_BYTES as f64 {
            error.set(Some(tr("error.proof_too_large").into()));
            input.set_value("");
        } else {
            chosen.set(Some(file.name()));
        }
        return;
    }
    preparing.set(true);
    leptos::task::spawn_local(async move {
        let shrunk = shrink(&file).await;
        preparing.set(false);
        let sent = match shrunk {
            Ok(Some(small)) if replace_file(&input, &small) => {
                chosen.set(Some(crate::i18n::tf(
                    crate::ui::initial_lang(),
                    "pay.photo_reduced",
                    &[
                        ("from", &megabytes(file.size())),
                        ("to", &megabytes(small.size())),
                    ],
                )));
                small
            }
            _ => {
                if file.size() > crate::domain::MAX_PROOF_BYTES as f64 {
                    error.set(Some(tr("error.proof_too_large").into()));
                    input.set_value("");
                    return;
                }
                chosen.set(Some(file.name()));
                file
            }
        };
        if let Ok(url) = web_sys::Url::create_object_url_with_blob(&sent) {
            preview.set(Some(url));
        }
    });
}

fn megabytes(bytes: f64) -> String {
    let mb = format!("{:.1}", bytes / 1_000_000.0);
    match crate::ui::initial_lang() {
        crate::domain::Lang::Fr => format!("{}\u{a0}Mo", mb.replace('.', ",")),
        crate::domain::Lang::En => format!("{mb}\u{a0}MB"),
    }
}

/// Puts `file` in the input in place of what the user chose, so both the script's upload and
/// the plain form send it.
fn replace_file(input: &HtmlInputElement, file: &File) -> bool {
    let Ok(transfer) = DataTransfer::new() else {
        return false;
    };
    if transfer.items().add_with_file(file).is_err() {
        return false;
    }
    input.set_files(transfer.files().as_ref());
    true
}

/// The photo redrawn upright (EXIF orientation applied by the browser), its long side at most
/// [`LONG_SIDE`], as a JPEG; `None` when it is small already or the redraw would not be smaller.
async fn shrink(file: &File) -> Result<Option<File>, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let options = ImageBitmapOptions::new();
    options.set_image_orientation(ImageOrientation::FromImage);
    let bitmap: ImageBitmap = JsFuture::from(
        window.create_image_bitmap_with_blob_and_image_bitmap_options(file, &options)?,
    )
    .await?
    .dyn_into()?;
    let (width, height) = (bitmap.width(), bitmap.height());
    let long = width.max(height).max(1);
    if long <= LONG_SIDE && file.size() <= SMALL_ENOUGH {
        bitmap.close();
        return Ok(None);
    }
    let scale = (LONG_SIDE as f64 / long as f64).min(1.0);
    let (w, h) = (
        ((width as f64 * scale).round() as u32).max(1),
        ((height as f64 * scale).round() as u32).max(1),
    );
    let document = window.document().ok_or(JsValue::NULL)?;
    let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    canvas.set_width(w);
    canvas.set_height(h);
    let context: CanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or(JsValue::NULL)?.dyn_into()?;
    // A JPEG has no transparency: white under a screenshot's transparent parts.
    context.set_fill_style_str("#fff");
    context.fill_rect(0.0, 0.0, w as f64, h as f64);
    context.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, w as f64, h as f64)?;
    bitmap.close();
    let blob: Blob = JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
        let refuse = reject.clone();
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = if blob.is_null() {
                refuse.call0(&JsValue::NULL)
            } else {
                resolve.call1(&JsValue::NULL, &blob)
            };
        });
        if canvas
            .to_blob_with_type_and_encoder_options(
                done.unchecked_ref(),
                "image/jpeg",
                &JsValue::from_f64(0.85),
            )
            .is_err()
        {
            let _ = reject.call0(&JsValue::NULL);
        }
    }))
    .await?
    .dyn_into()?;
    if blob.size() >= file.size() && long <= LONG_SIDE {
        return Ok(None);
    }
    let stem = file.name();
    let stem = stem.rsplit_once('.').map_or(stem.as_str(), |(s, _)| s);
    let properties = FilePropertyBag::new();
    properties.set_type("image/jpeg");
    File::new_with_blob_sequence_and_options(
        &js_sys::Array::of1(&blob),
        &format!("{stem}.jpg"),
        &properties,
    )
    .map(Some)
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
