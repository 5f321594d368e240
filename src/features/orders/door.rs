//! The door, `/checkin`: staff say which event and gate they stand at, then scan QR codes with
//! the camera or type door codes, and see at arm's length whether the guest may enter.
//!
//! Without JavaScript the form posts, the server redirects back with the answer in the address
//! and renders it. With JavaScript the `DoorDesk` island answers in one round trip (the small
//! JSON answer of `check_in`), beeps and buzzes, clears the field for the next ticket, keeps the
//! camera scanning, and keeps the counters live.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use leptos_meta::{Link, Meta};

use super::{
    api::{door_counts, door_devices, door_view},
    CheckinView, DoorBoard, DoorDevice,
};
use crate::{
    domain::{local_display, Gate, GATE_MAX},
    ui::{tr, LoadError},
};

/// `/checkin?event={slug}&gate={name}`: the door set to one event (or any) and one gate.
#[component]
pub fn CheckinPage() -> impl IntoView {
    let query = use_query_map();
    let place = move || {
        let q = query.read();
        (
            q.get("event").unwrap_or_default(),
            Gate::tidy(&q.get("gate").unwrap_or_default())
                .as_str()
                .to_string(),
        )
    };
    let board = Resource::new(move || place().0, door_counts);
    let devices = Resource::new(
        move || place().0,
        |event| async move {
            if event.is_empty() {
                Ok(Vec::new())
            } else {
                door_devices(event).await
            }
        },
    );
    let revoked = move || query.read().get("revoked").is_some();
    let answer = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("code").unwrap_or_default(),
                q.get("outcome").unwrap_or_default(),
                q.get("reason").unwrap_or_default(),
            )
        },
        |(code, outcome, reason)| door_view(code, outcome, reason),
    );
    view! {
        <Link rel="manifest" href="/door.webmanifest"/>
        <Meta name="theme-color" content="#067647"/>
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                let (event, gate) = place();
                match (board.await, answer.await, devices.await) {
                    (Ok(board), Ok(answer), Ok(phones)) => view! {
                        <section class="card checkin">
                            <h1>{tr("checkin.title")}</h1>
                            {revoked().then(|| view! { <p class="alert alert-success" role="status">{tr("checkin.revoked_done")}</p> })}
                            {place_form(&board, &event, &gate)}
                            <DoorDesk event=event.clone() gate answer board/>
                        </section>
                        {device_list(phones, event)}
                    }
                    .into_any(),
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The phones holding the event's check-in list, each with a plain form to revoke it.
fn device_list(phones: Vec<DoorDevice>, event: String) -> impl IntoView {
    (!phones.is_empty()).then(|| {
        let rows = phones
            .into_iter()
            .map(|d| {
                let action = match d.revoked_at {
                    Some(at) => view! { <span>{tr("checkin.device.revoked")} " " {local_display(at)}</span> }.into_any(),
                    None => view! {
                        <form method="post" action="/fn/revoke_door_device">
                            <input type="hidden" name="device" value=d.id.clone()/>
                            <input type="hidden" name="event" value=event.clone()/>
                            <button type="submit" class="button button-danger">{tr("checkin.device.revoke")}</button>
                        </form>
                    }.into_any(),
                };
                view! {
                    <tr>
                        <td>{d.name}</td>
                        <td>{d.staff}</td>
                        <td>{local_display(d.list_at)}</td>
                        <td>{d.synced_at.map(local_display)}</td>
                        <td>{action}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card">
                <h2>{tr("checkin.devices")}</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="table">
                    <thead><tr>
                        <th>{tr("checkin.offline.device")}</th><th>{tr("checkin.staff")}</th>
                        <th>{tr("checkin.device.list_at")}</th><th>{tr("checkin.device.synced_at")}</th><th></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table></div>
            </section>
        }
    })
}

/// Where the door stands: a plain GET form that puts the event and gate in the address, folded
/// away once an event is chosen.
fn place_form(board: &DoorBoard, event: &str, gate: &str) -> impl IntoView {
    let chosen = board.events.iter().find(|e| e.slug == event);
    let summary = match chosen {
        Some(e) if gate.is_empty() => e.title.clone(),
        Some(e) => format!("{} · {gate}", e.title),
        None => tr("checkin.any_event").to_string(),
    };
    let options = board
        .events
        .iter()
        .map(|e| {
            let selected = e.slug == event;
            view! { <option value=e.slug.clone() selected=selected>{e.title.clone()}</option> }
        })
        .collect_view();
    view! {
        <details class="door-place" open=chosen.is_none()>
            <summary><span class="muted">{tr("checkin.place")}</span> " " <strong>{summary}</strong></summary>
            <form method="get" action="/checkin">
                <div class="field">
                    <label for="f-event">{tr("checkin.event")}</label>
                    <select id="f-event" name="event">
                        <option value="" selected=chosen.is_none()>{tr("checkin.any_event")}</option>
                        {options}
                    </select>
                </div>
                <div class="field">
                    <label for="f-gate">{tr("checkin.gate")}</label>
                    <p class="hint" id="f-gate-hint">{tr("checkin.gate_hint")}</p>
                    <input id="f-gate" name="gate" value=gate.to_string() maxlength=GATE_MAX.to_string()
                        autocomplete="off" aria-describedby="f-gate-hint"/>
                </div>
                <button type="submit" class="button button-secondary">{tr("checkin.set_place")}</button>
            </form>
        </details>
    }
}

/// The answer, large and coloured: green VALID, red ALREADY CHECKED IN, dark red otherwise.
fn verdict(v: CheckinView) -> impl IntoView {
    let class = match v.outcome.as_str() {
        "VALID" => "verdict verdict-ok",
        "ALREADY_CHECKED_IN" => "verdict verdict-warn",
        _ => "verdict verdict-error",
    };
    let first = (v.outcome == "ALREADY_CHECKED_IN").then(|| {
        let mut line = format!(
            "{} {}",
            tr("checkin.first_at"),
            v.checked_in_at.map(local_display).unwrap_or_default()
        );
        for part in [v.staff_name.clone(), v.gate.clone()].into_iter().flatten() {
            line.push_str(" · ");
            line.push_str(&part);
        }
        view! { <p>{line}</p> }
    });
    view! {
        <div class=class>
            <p class="verdict-word">{tr(&format!("checkin.outcome.{}", v.outcome))}</p>
            {v.reason.clone().map(|r| view! { <p class="verdict-reason">{tr(&format!("checkin.reason.{r}"))}</p> })}
            {v.holder_name.clone().map(|n| view! { <p class="verdict-name">{n}</p> })}
            {v.door_code.clone().map(|c| view! { <p class="door-code" translate="no">{c}</p> })}
            {v.title.clone().map(|t| view! { <p>{t}</p> })}
            {first}
            {(v.issued > 0).then(|| view! { <p class="verdict-count">{v.checked_in} " / " {v.issued} " " {tr("checkin.counter")}</p> })}
            {v.offline.then(|| view! { <p class="verdict-offline">{tr("checkin.offline.answered")}</p> })}
        </div>
    }
}

/// The counters: the door's event large, its gates, then every event.
fn counters(board: DoorBoard, event: String) -> impl IntoView {
    let mine = board.events.iter().find(|e| e.slug == event).cloned();
    let gates = board.gates;
    view! {
        {mine.map(|e| view! {
            <p class="door-total"><strong>{e.checked_in}</strong> " / " {e.issued} " " {tr("checkin.counter")}</p>
        })}
        {(!gates.is_empty()).then(|| view! {
            <h2>{tr("checkin.gates")}</h2>
            <ul class="door-gates">
                {gates.into_iter().map(|g| {
                    let name = if g.gate.is_empty() { tr("checkin.no_gate").to_string() } else { g.gate };
                    view! { <li><span>{name}</span> <strong>{g.checked_in}</strong></li> }
                }).collect_view()}
            </ul>
        })}
        <h2>{tr("checkin.counts")}</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-label=tr("ui.table_scrolls")><table class="table">
            <thead><tr><th>{tr("events.title")}</th><th>{tr("checkin.checked_in")}</th><th>{tr("checkin.issued")}</th></tr></thead>
            <tbody>
                {board.events.into_iter().map(|c| view! { <tr><td>{c.title}</td><td>{c.checked_in}</td><td>{c.issued}</td></tr> }).collect_view()}
            </tbody>
        </table></div>
    }
}

/// One conflict sync reported: who was checked in first, when and where, and this phone's
/// later scan.
fn conflict(c: super::ScanResult) -> impl IntoView {
    let mut first = c.first_at.map(local_display).unwrap_or_default();
    for part in [Some(c.first_device), c.first_staff, Some(c.first_gate)]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
    {
        first.push_str(" · ");
        first.push_str(&part);
    }
    view! {
        <li>
            <strong>{c.holder_name}</strong> " — " {tr("checkin.offline.conflict")} " " {first}
            " ; " {tr("checkin.offline.yours")} " " {local_display(c.scanned_at)}
        </li>
    }
}

/// What the phone holds for the door, as the island shows it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LocalStatus {
    pub tickets: usize,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub queued: usize,
    pub conflicts: Vec<super::ScanResult>,
}

/// The scanning desk: camera, code field, answer and counters. The form posts to `check_in`
/// without JavaScript; with it, each scan is one call whose answer is shown in place.
#[island]
fn DoorDesk(
    event: String,
    gate: String,
    answer: Option<CheckinView>,
    board: DoorBoard,
) -> impl IntoView {
    let verdict_now = RwSignal::new(answer);
    let failure = RwSignal::new(None::<crate::error::AppError>);
    let board = RwSignal::new(board);
    let busy = RwSignal::new(false);
    let code = NodeRef::<leptos::html::Input>::new();
    let can_camera = RwSignal::new(false);
    let camera_on = RwSignal::new(false);
    let camera_failed = RwSignal::new(false);
    let front = RwSignal::new(false);
    let torch_available = RwSignal::new(false);
    let torch_on = RwSignal::new(false);
    let place = StoredValue::new((event.clone(), gate.clone()));
    let alive = RwSignal::new(false);
    let online = RwSignal::new(true);
    let local = RwSignal::new(LocalStatus::default());
    let notice = RwSignal::new(None::<&'static str>);
    let installable = RwSignal::new(false);

    #[cfg(feature = "hydrate")]
    let desk = live::Desk {
        online,
        local,
        notice,
        installable,
        verdict: verdict_now,
        failure,
        board,
        busy,
        code,
        camera_on,
        camera_run: RwSignal::new(0),
        camera_failed,
        front,
        torch_available,
        torch_on,
        place,
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        alive.set(true);
        can_camera.set(super::scanner::has_camera());
        desk.start();
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            let value = code.get().map(|i| i.value()).unwrap_or_default();
            desk.scan(value);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let start_camera = move |_| {
        #[cfg(feature = "hydrate")]
        desk.run_camera();
    };
    let download = move |_| {
        #[cfg(feature = "hydrate")]
        desk.download();
    };
    let install = move |_| {
        #[cfg(feature = "hydrate")]
        live::install();
    };
    let has_event = !event.is_empty();
    let (event_field, gate_field) = place.get_value();
    view! {
        <div class="scanner" hidden=move || !camera_on.get()>
            <video id="scanner-video" muted playsinline></video>
            <div class="scanner-tools">
                <button type="button" class="button button-secondary" on:click=move |_| front.update(|f| *f = !*f)>
                    {tr("checkin.switch_camera")}
                </button>
                <button type="button" class="button button-secondary" hidden=move || !torch_available.get()
                    aria-pressed=move || torch_on.get().to_string() on:click=move |_| torch_on.update(|t| *t = !*t)>
                    {tr("checkin.torch")}
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| camera_on.set(false)>
                    {tr("checkin.camera_off")}
                </button>
            </div>
        </div>
        <button type="button" id="scan-start" class="button button-secondary"
            hidden=move || !can_camera.get() || camera_on.get() on:click=start_camera>
            {tr("checkin.scan")}
        </button>
        <p class="alert alert-error" role="alert" hidden=move || !camera_failed.get()>{tr("checkin.camera_error")}</p>
        <form method="post" action="/fn/check_in" id="checkin-form" on:submit=on_submit>
            <input type="hidden" name="event" value=event_field/>
            <input type="hidden" name="gate" value=gate_field/>
            <div class="field">
                <label for="f-code">{tr("checkin.code")}</label>
                <p class="hint" id="f-code-hint">{tr("checkin.code_hint")}</p>
                <input id="f-code" name="code" node_ref=code autocomplete="off" autocapitalize="characters"
                    autofocus required aria-describedby="f-code-hint"/>
            </div>
            <button type="submit" disabled=move || busy.get()>{tr("checkin.submit")}</button>
        </form>
        <div class="door-answer" role="status" aria-live="assertive">
            {move || failure.get().map(|e| view! { <LoadError error=e/> })}
            {move || verdict_now.get().map(verdict)}
        </div>
        <div class="door-counters">
            {move || counters(board.get(), place.get_value().0)}
        </div>
        <section class="door-offline" hidden=move || !alive.get() aria-labelledby="door-offline-title">
            <h2 id="door-offline-title">{tr("checkin.offline.title")}</h2>
            <p class="door-network" class:door-network-off=move || !online.get()>
                {move || tr(if online.get() { "checkin.offline.online" } else { "checkin.offline.offline" })}
            </p>
            {move || notice.get().map(|k| view! { <p class="alert alert-error" role="alert">{tr(k)}</p> })}
            {if has_event {
                view! {
                    <p class="hint">{tr("checkin.offline.hint")}</p>
                    {move || {
                        let st = local.get();
                        st.expires_at.map(|until| view! {
                            <p class="door-ready">{tr("checkin.offline.ready")} " " <strong>{st.tickets}</strong> " "
                                {tr("checkin.offline.tickets")} " " {local_display(until)}</p>
                        })
                    }}
                    <p>{tr("checkin.offline.queued")} " " <strong class="door-queue">{move || local.get().queued}</strong></p>
                    <button type="button" class="button button-secondary" on:click=download disabled=move || !online.get()>
                        {tr("checkin.offline.download")}
                    </button>
                    {move || {
                        let conflicts = local.get().conflicts;
                        (!conflicts.is_empty()).then(|| view! {
                            <h3>{tr("checkin.offline.conflicts")}</h3>
                            <ul class="door-conflicts">
                                {conflicts.into_iter().rev().map(conflict).collect_view()}
                            </ul>
                        })
                    }}
                }.into_any()
            } else {
                view! { <p class="hint">{tr("checkin.offline.pick_event")}</p> }.into_any()
            }}
            <button type="button" class="button" hidden=move || !installable.get() on:click=install>
                {tr("checkin.install")}
            </button>
        </section>
    }
}

/// What the island does in the browser.
#[cfg(feature = "hydrate")]
mod live {
    use std::cell::RefCell;

    use js_sys::{Function, Object, Reflect};
    use leptos::{prelude::*, task::spawn_local};
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};

    use super::{
        super::{
            api::{check_in, door_counts, door_sync, download_door_list},
            door_local, scanner, CheckinView, DoorBoard, SyncRequest,
        },
        LocalStatus,
    };
    use crate::{error::AppError, ui::tr};

    /// How often an open door page syncs its queued scans, and reads the counters again while
    /// the live stream is not open.
    const EVERY_MS: i32 = 3_000;
    /// How long a code must be out of the camera's sight before it is sent again.
    const SAME_CODE_GAP_MS: f64 = 2_000.0;
    /// The most queued scans one sync sends.
    const SYNC_BATCH: usize = 5_000;

    #[derive(Clone, Copy)]
    pub struct Desk {
        pub online: RwSignal<bool>,
        pub local: RwSignal<LocalStatus>,
        pub notice: RwSignal<Option<&'static str>>,
        pub installable: RwSignal<bool>,
        pub verdict: RwSignal<Option<CheckinView>>,
        pub failure: RwSignal<Option<AppError>>,
        pub board: RwSignal<DoorBoard>,
        pub busy: RwSignal<bool>,
        pub code: NodeRef<leptos::html::Input>,
        pub camera_on: RwSignal<bool>,
        /// Which opening of the camera is the current one: an older scanning loop stops.
        pub camera_run: RwSignal<u32>,
        pub camera_failed: RwSignal<bool>,
        pub front: RwSignal<bool>,
        pub torch_available: RwSignal<bool>,
        pub torch_on: RwSignal<bool>,
        pub place: StoredValue<(String, String)>,
    }

    fn page_visible() -> bool {
        web_sys::window()
            .and_then(|w| w.document())
            .map(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
            .unwrap_or(true)
    }

    fn navigator_online() -> bool {
        web_sys::window()
            .map(|w| w.navigator().on_line())
            .unwrap_or(true)
    }

    /// Whether an error means the network (or the server) could not be reached, rather than a
    /// refusal.
    fn unreachable(e: &AppError) -> bool {
        !matches!(
            e,
            AppError::Unauthorized
                | AppError::Forbidden
                | AppError::Invalid { .. }
                | AppError::NotFound
        )
    }

    thread_local! {
        /// The browser's deferred install prompt, kept for the install button.
        static PROMPT: RefCell<Option<JsValue>> = const { RefCell::new(None) };
        /// The stream that says when the door's counters moved (`/door/live`).
        static LIVE: RefCell<Option<web_sys::EventSource>> = const { RefCell::new(None) };
    }

    thread_local! {
        /// Whether a sync is under way.
        static SYNCING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// The one sync under way; dropping it lets the next one start.
    struct SyncTurn;

    impl SyncTurn {
        fn take() -> Option<Self> {
            (!SYNCING.with(|s| s.replace(true))).then_some(SyncTurn)
        }
    }

    impl Drop for SyncTurn {
        fn drop(&mut self) {
            SYNCING.with(|s| s.set(false));
        }
    }

    /// Whether the live stream is open: then the counters need no polling.
    fn live_open() -> bool {
        LIVE.with(|l| {
            l.borrow()
                .as_ref()
                .is_some_and(|s| s.ready_state() == web_sys::EventSource::OPEN)
        })
    }

    /// Shows the browser's install prompt, kept from `beforeinstallprompt`.
    pub fn install() {
        if let Some(prompt) = PROMPT.with(|p| p.borrow_mut().take()) {
            if let Some(f) = Reflect::get(&prompt, &"prompt".into())
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
            {
                let _ = f.call0(&prompt);
            }
        }
    }

    impl Desk {
        /// Registers the door's service worker and install prompt, loads the phone's list,
        /// and keeps counters and sync going.
        pub fn start(self) {
            let Some(window) = web_sys::window() else {
                return;
            };
            if let Ok(sw) = Reflect::get(&window.navigator(), &"serviceWorker".into()) {
                if let Some(register) = Reflect::get(&sw, &"register".into())
                    .ok()
                    .and_then(|f| f.dyn_into::<Function>().ok())
                {
                    let options = Object::new();
                    let _ = Reflect::set(&options, &"scope".into(), &"/checkin".into());
                    let _ = register.call2(&sw, &"/door-sw.js".into(), &options);
                }
            }
            let installable = self.installable;
            let on_prompt = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
                e.prevent_default();
                PROMPT.with(|p| *p.borrow_mut() = Some(e.into()));
                installable.set(true);
            });
            let _ = window.add_event_listener_with_callback(
                "beforeinstallprompt",
                on_prompt.as_ref().unchecked_ref(),
            );
            on_prompt.forget();
            let event = self.place.get_value().0;
            if !event.is_empty() {
                door_local::load(&event);
            }
            self.local.set(door_local::status());
            self.online.set(navigator_online());
            self.listen(&event);
            spawn_local(async move {
                loop {
                    if page_visible() {
                        self.tick().await;
                    }
                    scanner::sleep(EVERY_MS).await;
                }
            });
        }

        /// Opens the stream that says when the counters of `event` (empty: any) moved, and
        /// reads them again each time. The browser reconnects it by itself.
        fn listen(self, event: &str) {
            let address = format!(
                "/door/live?event={}",
                String::from(js_sys::encode_uri_component(event))
            );
            let Ok(source) = web_sys::EventSource::new(&address) else {
                return;
            };
            let on_counts = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
                spawn_local(self.moved());
            });
            let _ = source
                .add_event_listener_with_callback("counts", on_counts.as_ref().unchecked_ref());
            on_counts.forget();
            LIVE.with(|l| *l.borrow_mut() = Some(source));
        }

        /// One round of keeping up: sync when the phone holds a list, then the counters unless
        /// the live stream brings them.
        async fn tick(self) {
            let event = self.place.get_value().0;
            if door_local::has_list() {
                self.sync(&event).await;
            }
            if !live_open() {
                self.counts().await;
            }
        }

        /// The counters moved: a phone holding the list pulls what changed first (so its list
        /// and its counters agree), then every page reads the counters again.
        async fn moved(self) {
            if door_local::has_list() {
                let event = self.place.get_value().0;
                self.sync(&event).await;
            }
            self.counts().await;
        }

        /// Reads the counters again.
        async fn counts(self) {
            let event = self.place.get_value().0;
            match door_counts(event).await {
                Ok(b) => {
                    self.online.set(true);
                    self.board.set(b);
                }
                Err(e) if unreachable(&e) => self.online.set(false),
                Err(_) => {}
            }
        }

        async fn sync(self, event: &str) {
            // One sync at a time: an answer that arrived after a newer one would lay older
            // statuses (a ticket still VALID) over newer ones (VOID).
            let Some(_turn) = SyncTurn::take() else {
                return;
            };
            let (device, _) = door_local::device(tr("checkin.offline.device"));
            let sent: Vec<_> = door_local::queue().into_iter().take(SYNC_BATCH).collect();
            let request = SyncRequest {
                device,
                event: event.to_string(),
                since: door_local::cursor(),
                scans: sent.clone(),
            };
            match door_sync(request).await {
                Ok(answer) => {
                    self.online.set(true);
                    let (checked_in, issued) = (answer.checked_in, answer.issued);
                    door_local::apply(&sent, answer);
                    self.board.update(|b| {
                        if let Some(e) = b.events.iter_mut().find(|e| e.slug == event) {
                            e.checked_in = checked_in;
                            e.issued = issued;
                        }
                    });
                }
                Err(e) if unreachable(&e) => self.online.set(false),
                // Revoked, signed out, or the event is over: the phone keeps nothing.
                Err(_) => {
                    door_local::wipe(event);
                    self.notice.set(Some("checkin.offline.wiped"));
                }
            }
            self.local.set(door_local::status());
        }

        /// Downloads the event's check-in list to the phone.
        pub fn download(self) {
            let event = self.place.get_value().0;
            let (device, name) = door_local::device(tr("checkin.offline.device"));
            self.busy.set(true);
            spawn_local(async move {
                match download_door_list(event, device, name).await {
                    Ok(list) => {
                        door_local::keep(list);
                        self.notice.set(None);
                        self.failure.set(None);
                    }
                    Err(e) => self.failure.set(Some(e)),
                }
                self.busy.set(false);
                self.local.set(door_local::status());
            });
        }

        /// Sends one code and shows the answer; with no network, answers from the phone's list.
        pub fn scan(self, raw: String) {
            if raw.trim().is_empty() || self.busy.get_untracked() {
                return;
            }
            let (event, gate) = self.place.get_value();
            if !navigator_online() {
                if let Some(v) = door_local::answer(&raw, &gate) {
                    self.online.set(false);
                    self.show(Ok(v));
                    return;
                }
            }
            self.busy.set(true);
            spawn_local(async move {
                let answer = check_in(raw.clone(), event, gate.clone()).await;
                self.busy.set(false);
                let answer = match answer {
                    Ok(v) => {
                        self.online.set(true);
                        door_local::seen_online(&raw, &v.outcome);
                        Ok(v)
                    }
                    Err(e) if unreachable(&e) => {
                        self.online.set(false);
                        door_local::answer(&raw, &gate).ok_or(e)
                    }
                    Err(e) => Err(e),
                };
                self.show(answer);
            });
        }

        fn show(self, answer: Result<CheckinView, AppError>) {
            match answer {
                Ok(v) => {
                    scanner::signal(v.outcome == "VALID");
                    if !v.offline {
                        self.count(&v);
                    }
                    self.failure.set(None);
                    self.verdict.set(Some(v));
                    if let Some(input) = self.code.get_untracked() {
                        input.set_value("");
                        // A phone's keyboard would cover the camera.
                        if !self.camera_on.get_untracked() {
                            let _ = input.focus();
                        }
                    }
                }
                Err(e) => {
                    scanner::signal(false);
                    self.verdict.set(None);
                    self.failure.set(Some(e));
                }
            }
            self.local.set(door_local::status());
        }
        /// The answer's counters are the freshest: put them on the board at once.
        fn count(self, v: &CheckinView) {
            let Some(title) = v.title.as_deref() else {
                return;
            };
            if v.issued == 0 {
                return;
            }
            self.board.update(|b| {
                if let Some(e) = b.events.iter_mut().find(|e| e.title == title) {
                    e.checked_in = v.checked_in;
                    e.issued = v.issued;
                }
            });
        }

        /// Opens the camera and scans until staff turn it off; a code is sent once while it
        /// stays in sight. Switching camera reopens it; the torch follows its button.
        pub fn run_camera(self) {
            if self.camera_on.get_untracked() {
                return;
            }
            self.camera_on.set(true);
            self.camera_failed.set(false);
            let run = self.camera_run.get_untracked().wrapping_add(1);
            self.camera_run.set(run);
            let current =
                move || self.camera_on.get_untracked() && self.camera_run.get_untracked() == run;
            spawn_local(async move {
                let mut last = (String::new(), 0.0);
                'open: while current() {
                    let front = self.front.get_untracked();
                    let camera = match scanner::Camera::open("scanner-video", front).await {
                        Ok(c) => c,
                        Err(_) => {
                            self.camera_on.set(false);
                            self.camera_failed.set(true);
                            return;
                        }
                    };
                    self.torch_available.set(camera.has_torch());
                    let mut torch = false;
                    while current() {
                        if self.front.get_untracked() != front {
                            camera.stop();
                            continue 'open;
                        }
                        let wanted = self.torch_on.get_untracked();
                        if wanted != torch && camera.set_torch(wanted).await {
                            torch = wanted;
                        }
                        scanner::sleep(150).await;
                        if self.busy.get_untracked() {
                            continue;
                        }
                        let Some(raw) = camera.read().await else {
                            continue;
                        };
                        let now = js_sys::Date::now();
                        let same = raw == last.0 && now - last.1 < SAME_CODE_GAP_MS;
                        last = (raw.clone(), now);
                        if !same {
                            self.scan(raw);
                        }
                    }
                    camera.stop();
                }
                if self.camera_run.get_untracked() == run {
                    self.torch_available.set(false);
                    self.torch_on.set(false);
                }
            });
        }
    }
}
