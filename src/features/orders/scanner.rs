//! The door's camera scanner, in the browser only: a button opens the back camera, reads QR
//! codes from the video, puts the first one in the code field and submits the check-in form.
//! The browser's own `BarcodeDetector` reads the frames where it exists (Chrome on Android);
//! elsewhere (Safari, Firefox, desktop Chromium) each frame is drawn on a canvas and decoded
//! here, in the WebAssembly, by `quircs` (a port of quirc). Without a camera the button stays hidden and staff type
//! the code.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement, HtmlFormElement, HtmlInputElement,
    HtmlVideoElement, MediaStream,
};

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

/// Shows the scan button when the browser has a camera to read QR codes from.
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let has_camera = get(&window.navigator(), "mediaDevices").is_some();
    let Some(button) = element::<HtmlElement>("scan-start") else {
        return;
    };
    if !has_camera {
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
    let reader = Reader::new(&window)?;
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
    for _ in 0..480 {
        sleep(250).await;
        if let Some(raw) = reader.read(&video).await {
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

/// What reads a QR code from a video frame.
enum Reader {
    /// The browser's `BarcodeDetector` and its `detect` method.
    Native { detector: JsValue, detect: Function },
    /// A canvas the frame is drawn on, for `quircs`.
    Wasm {
        canvas: HtmlCanvasElement,
        ctx: CanvasRenderingContext2d,
    },
}

/// The long side a frame is brought down to before decoding: enough for a QR code held up to
/// the camera, and quick to decode on a phone.
const FRAME_SIDE: u32 = 640;

impl Reader {
    fn new(window: &web_sys::Window) -> Result<Self, JsValue> {
        if let Some(ctor) = get(window, "BarcodeDetector") {
            let ctor = ctor.dyn_into::<Function>()?;
            let options = Object::new();
            Reflect::set(&options, &"formats".into(), &Array::of1(&"qr_code".into()))?;
            let detector = Reflect::construct(&ctor, &Array::of1(&options))?;
            let detect = get(&detector, "detect")
                .ok_or(JsValue::NULL)?
                .dyn_into::<Function>()?;
            return Ok(Self::Native { detector, detect });
        }
        let canvas = window
            .document()
            .ok_or(JsValue::NULL)?
            .create_element("canvas")?
            .dyn_into::<HtmlCanvasElement>()?;
        let options = Object::new();
        Reflect::set(&options, &"willReadFrequently".into(), &JsValue::TRUE)?;
        let ctx = canvas
            .get_context_with_context_options("2d", &options)?
            .ok_or(JsValue::NULL)?
            .dyn_into::<CanvasRenderingContext2d>()?;
        Ok(Self::Wasm { canvas, ctx })
    }

    /// The text of the first QR code in the video's current frame, if one can be read.
    async fn read(&self, video: &HtmlVideoElement) -> Option<String> {
        match self {
            Self::Native { detector, detect } => {
                let found = detect.call1(detector, video).ok()?;
                let codes = JsFuture::from(found.dyn_into::<Promise>().ok()?)
                    .await
                    .ok()?;
                let first = Array::from(&codes).get(0);
                get(&first, "rawValue").and_then(|v| v.as_string())
            }
            Self::Wasm { canvas, ctx } => {
                let (w, h) = (video.video_width(), video.video_height());
                if w == 0 || h == 0 {
                    return None;
                }
                let scale = (FRAME_SIDE as f64 / w.max(h) as f64).min(1.0);
                let (sw, sh) = (
                    ((w as f64 * scale) as u32).max(1),
                    ((h as f64 * scale) as u32).max(1),
                );
                canvas.set_width(sw);
                canvas.set_height(sh);
                ctx.draw_image_with_html_video_element_and_dw_and_dh(
                    video, 0.0, 0.0, sw as f64, sh as f64,
                )
                .ok()?;
                let rgba = ctx
                    .get_image_data(0.0, 0.0, sw as f64, sh as f64)
                    .ok()?
                    .data();
                decode(&rgba, sw as usize, sh as usize)
            }
        }
    }
}

/// The first QR code in an RGBA frame of `w` × `h` pixels.
fn decode(rgba: &[u8], w: usize, h: usize) -> Option<String> {
    if rgba.len() < w * h * 4 {
        return None;
    }
    let grey: Vec<u8> = rgba
        .chunks_exact(4)
        .map(|p| ((u16::from(p[0]) * 77 + u16::from(p[1]) * 150 + u16::from(p[2]) * 29) >> 8) as u8)
        .collect();
    let mut decoder = quircs::Quirc::default();
    let codes = decoder.identify(w, h, &grey);
    for code in codes.flatten() {
        if let Ok(data) = code.decode() {
            if let Ok(text) = String::from_utf8(data.payload) {
                return Some(text);
            }
        }
    }
    None
}
