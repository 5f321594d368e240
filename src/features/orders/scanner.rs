//! The door's camera scanner, in the browser only: where the browser has `BarcodeDetector`,
//! a button opens the back camera, reads QR codes from the video, puts the first one in the
//! code field and submits the check-in form. Elsewhere the button stays hidden and staff type
//! the code.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlElement, HtmlFormElement, HtmlInputElement, HtmlVideoElement, MediaStream};

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn element<T: JsCast>(id: &str) -> Option<T> {
    web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into::<T>()
        .ok()
}

/// Shows the scan button when the browser can read QR codes from a camera.
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let has_detector = get(&window, "BarcodeDetector").is_some();
    let has_camera = get(&window.navigator(), "mediaDevices").is_some();
    let Some(button) = element::<HtmlElement>("scan-start") else {
        return;
    };
    if !(has_detector && has_camera) {
        return;
    }
    button.set_hidden(false);
    let onclick = Closure::<dyn Fn()>::new(move || {
        leptos::task::spawn_local(async {
            if scan().await.is_err() {
                if let Some(box_) = element::<HtmlElement>("scanner") {
                    box_.set_hidden(true);
                }
            }
        });
    });
    button.set_onclick(Some(onclick.as_ref().unchecked_ref()));
    // The page lives as long as the button; the handler must too.
    onclick.forget();
}

async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

async fn scan() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let devices = window.navigator().media_devices()?;
    let constraints = Object::new();
    let video_wanted = Object::new();
    Reflect::set(&video_wanted, &"facingMode".into(), &"environment".into())?;
    Reflect::set(&constraints, &"video".into(), &video_wanted)?;
    let get_user_media = get(&devices, "getUserMedia")
        .ok_or(JsValue::NULL)?
        .dyn_into::<Function>()?;
    let stream: MediaStream = JsFuture::from(
        get_user_media
            .call1(&devices, &constraints)?
            .dyn_into::<Promise>()?,
    )
    .await?
    .dyn_into()?;
    let video = element::<HtmlVideoElement>("scanner-video").ok_or(JsValue::NULL)?;
    video.set_src_object(Some(&stream));
    if let Some(box_) = element::<HtmlElement>("scanner") {
        box_.set_hidden(false);
    }
    let _ = video.play().map(JsFuture::from);
    let ctor = get(&window, "BarcodeDetector")
        .ok_or(JsValue::NULL)?
        .dyn_into::<Function>()?;
    let options = Object::new();
    Reflect::set(&options, &"formats".into(), &Array::of1(&"qr_code".into()))?;
    let detector = Reflect::construct(&ctor, &Array::of1(&options))?;
    let detect = get(&detector, "detect")
        .ok_or(JsValue::NULL)?
        .dyn_into::<Function>()?;
    let stop = || {
        for track in stream.get_tracks().iter() {
            if let Ok(t) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                t.stop();
            }
        }
        if let Some(box_) = element::<HtmlElement>("scanner") {
            box_.set_hidden(true);
        }
    };
    // Two minutes of looking, then the camera goes off by itself.
    for _ in 0..400 {
        sleep(300).await;
        let Ok(found) = detect.call1(&detector, &video) else {
            continue;
        };
        let Ok(found) = found.dyn_into::<Promise>() else {
            continue;
        };
        let Ok(codes) = JsFuture::from(found).await else {
            continue;
        };
        let first = Array::from(&codes).get(0);
        if let Some(raw) = get(&first, "rawValue").and_then(|v| v.as_string()) {
            stop();
            if let Some(input) = element::<HtmlInputElement>("f-code") {
                input.set_value(&raw);
            }
            if let Some(form) = element::<HtmlFormElement>("checkin-form") {
                let _ = form.request_submit();
            }
            return Ok(());
        }
    }
    stop();
    Ok(())
}
