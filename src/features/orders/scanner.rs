//! The door's camera, in the browser only: opens the back (or front) camera into the page's
//! video, reads QR codes from its frames, switches the torch where the camera has one, and
//! answers with a beep and a vibration.
//! The browser's own `BarcodeDetector` reads the frames where it exists (Chrome on Android);
//! elsewhere (Safari, Firefox, desktop Chromium) each frame is drawn on a canvas and decoded
//! here, in the WebAssembly, by `quircs` (a port of quirc).

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream};

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

/// Whether the browser can open a camera at all.
pub fn has_camera() -> bool {
    web_sys::window()
        .map(|w| get(&w.navigator(), "mediaDevices").is_some())
        .unwrap_or(false)
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// An open camera playing into a video element, with what reads its frames.
pub struct Camera {
    stream: MediaStream,
    video: HtmlVideoElement,
    reader: Reader,
}

impl Camera {
    /// Opens the back camera (`front` false) or the front one into the video `video_id`.
    pub async fn open(video_id: &str, front: bool) -> Result<Self, JsValue> {
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        let devices = window.navigator().media_devices()?;
        let constraints = Object::new();
        let video_wanted = Object::new();
        let facing = if front { "user" } else { "environment" };
        Reflect::set(&video_wanted, &"facingMode".into(), &facing.into())?;
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
        let video = element::<HtmlVideoElement>(video_id).ok_or(JsValue::NULL)?;
        video.set_src_object(Some(&stream));
        let _ = video.play().map(JsFuture::from);
        let reader = Reader::new(&window)?;
        Ok(Self {
            stream,
            video,
            reader,
        })
    }

    fn track(&self) -> Option<web_sys::MediaStreamTrack> {
        self.stream.get_video_tracks().get(0).dyn_into().ok()
    }

    /// Whether the camera has a torch that can be switched.
    pub fn has_torch(&self) -> bool {
        let Some(track) = self.track() else {
            return false;
        };
        get(&track, "getCapabilities")
            .and_then(|f| f.dyn_into::<Function>().ok())
            .and_then(|f| f.call0(&track).ok())
            .and_then(|caps| get(&caps, "torch"))
            .map(|t| t.is_truthy())
            .unwrap_or(false)
    }

    /// Switches the torch; whether the camera took it.
    pub async fn set_torch(&self, on: bool) -> bool {
        let Some(track) = self.track() else {
            return false;
        };
        let setting = Object::new();
        let _ = Reflect::set(&setting, &"torch".into(), &JsValue::from_bool(on));
        let constraints = Object::new();
        let _ = Reflect::set(&constraints, &"advanced".into(), &Array::of1(&setting));
        let Some(apply) =
            get(&track, "applyConstraints").and_then(|f| f.dyn_into::<Function>().ok())
        else {
            return false;
        };
        match apply
            .call1(&track, &constraints)
            .and_then(|p| p.dyn_into::<Promise>())
        {
            Ok(p) => JsFuture::from(p).await.is_ok(),
            Err(_) => false,
        }
    }

    /// The text of the first QR code in the current frame, if one can be read.
    pub async fn read(&self) -> Option<String> {
        self.reader.read(&self.video).await
    }

    /// Turns the camera off.
    pub fn stop(&self) {
        for track in self.stream.get_tracks().iter() {
            if let Ok(t) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                t.stop();
            }
        }
        // A camera opened since keeps the video.
        let mine = self.video.src_object().is_some_and(|s| s == self.stream);
        if mine {
            self.video.set_src_object(None);
        }
    }
}

/// The answer heard and felt: one high beep and a short buzz for VALID, two low beeps and a
/// long buzz for anything else.
pub fn signal(ok: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let pattern = if ok {
        Array::of1(&JsValue::from(80))
    } else {
        Array::of3(&JsValue::from(200), &JsValue::from(80), &JsValue::from(200))
    };
    if let Some(vibrate) =
        get(&window.navigator(), "vibrate").and_then(|f| f.dyn_into::<Function>().ok())
    {
        let _ = vibrate.call1(&window.navigator(), &pattern);
    }
    let _ = beep(ok);
}

thread_local! {
    /// One audio context for every beep: making one per answer costs a phone milliseconds.
    static AUDIO: std::cell::RefCell<Option<web_sys::AudioContext>> = const { std::cell::RefCell::new(None) };
}

fn beep(ok: bool) -> Result<(), JsValue> {
    let ctx = match AUDIO.with(|a| a.borrow().clone()) {
        Some(ctx) => ctx,
        None => {
            let ctx = web_sys::AudioContext::new()?;
            AUDIO.with(|a| *a.borrow_mut() = Some(ctx.clone()));
            ctx
        }
    };
    let now = ctx.current_time();
    let tones: &[(f64, f64)] = if ok {
        &[(1320.0, 0.0)]
    } else {
        &[(330.0, 0.0), (330.0, 0.22)]
    };
    for (freq, at) in tones {
        let osc = ctx.create_oscillator()?;
        let gain = ctx.create_gain()?;
        osc.frequency().set_value(*freq as f32);
        gain.gain().set_value(0.25);
        osc.connect_with_audio_node(&gain)?;
        gain.connect_with_audio_node(&ctx.destination())?;
        osc.start_with_when(now + at)?;
        osc.stop_with_when(now + at + 0.15)?;
    }
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
