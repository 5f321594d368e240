//! The door, `/checkin`: staff say which event and gate they stand at, then scan QR codes with
//! the camera or type door codes, and see at arm's length whether the guest may enter.
//!
//! Without JavaScript the form posts, the server redirects back with the answer in the address
//! and renders it. With JavaScript the `DoorDesk` island answers in one round trip (the small
//! JSON answer of `check_in`), beeps and buzzes, clears the field for the next ticket, keeps the
//! camera scanning, and keeps the counters live.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    api::{door_counts, door_view},
    CheckinView, DoorBoard,
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
        <Suspense fallback=|| view! { <p>{tr("page.loading")}</p> }>
            {move || Suspend::new(async move {
                let (event, gate) = place();
                match (board.await, answer.await) {
                    (Ok(board), Ok(answer)) => view! {
                        <section class="card checkin">
                            <h1>{tr("checkin.title")}</h1>
                            {place_form(&board, &event, &gate)}
                            <DoorDesk event gate answer board/>
                        </section>
                    }
                    .into_any(),
                    (Err(e), _) | (_, Err(e)) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
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

    #[cfg(feature = "hydrate")]
    let desk = live::Desk {
        verdict: verdict_now,
        failure,
        board,
        busy,
        code,
        camera_on,
        camera_failed,
        front,
        torch_available,
        torch_on,
        place,
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        can_camera.set(super::scanner::has_camera());
        desk.keep_counters_live();
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
    }
}

/// What the island does in the browser.
#[cfg(feature = "hydrate")]
mod live {
    use leptos::{prelude::*, task::spawn_local};

    use super::super::{api::check_in, api::door_counts, scanner, CheckinView, DoorBoard};
    use crate::error::AppError;

    /// How often an open door page reads the counters again.
    const COUNTERS_EVERY_MS: i32 = 3_000;
    /// How long a code must be out of the camera's sight before it is sent again.
    const SAME_CODE_GAP_MS: f64 = 2_000.0;

    #[derive(Clone, Copy)]
    pub struct Desk {
        pub verdict: RwSignal<Option<CheckinView>>,
        pub failure: RwSignal<Option<AppError>>,
        pub board: RwSignal<DoorBoard>,
        pub busy: RwSignal<bool>,
        pub code: NodeRef<leptos::html::Input>,
        pub camera_on: RwSignal<bool>,
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

    impl Desk {
        /// Sends one code and shows the answer.
        pub fn scan(self, raw: String) {
            if raw.trim().is_empty() || self.busy.get_untracked() {
                return;
            }
            self.busy.set(true);
            let (event, gate) = self.place.get_value();
            spawn_local(async move {
                let answer = check_in(raw, event, gate).await;
                self.busy.set(false);
                match answer {
                    Ok(v) => {
                        scanner::signal(v.outcome == "VALID");
                        self.count(&v);
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
            });
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

        /// Reads the counters again every few seconds while the page is in sight.
        pub fn keep_counters_live(self) {
            spawn_local(async move {
                loop {
                    scanner::sleep(COUNTERS_EVERY_MS).await;
                    if !page_visible() {
                        continue;
                    }
                    let event = self.place.get_value().0;
                    if let Ok(b) = door_counts(event).await {
                        self.board.set(b);
                    }
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
            spawn_local(async move {
                let mut last = (String::new(), 0.0);
                'open: while self.camera_on.get_untracked() {
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
                    while self.camera_on.get_untracked() {
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
                self.torch_available.set(false);
                self.torch_on.set(false);
            });
        }
    }
}
