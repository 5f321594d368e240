//! The door phone's own memory, in the browser only (`localStorage`): its id and name, the
//! check-in list of the event it is set to, the scans it answered offline (the queue), and
//! the conflicts sync reported. Offline, a scan is answered from the list in memory: one
//! SHA-256 and one map lookup, then the queue (small) is written back.

use std::{cell::RefCell, collections::HashMap};

use chrono::{DateTime, Utc};

use super::{door::LocalStatus, CheckinView, DoorList, QueuedScan, ScanResult, SyncAnswer};
use crate::domain::{door_key, format_door_code, TicketKey};

const DEVICE: &str = "tessera.door.device";
const QUEUE: &str = "tessera.door.queue";
const CONFLICTS: &str = "tessera.door.conflicts";

fn list_key(event: &str) -> String {
    format!("tessera.door.list.{event}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn read<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    serde_json::from_str(&storage()?.get_item(key).ok()??).ok()
}

fn write<T: serde::Serialize>(key: &str, value: &T) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(value)) {
        let _ = s.set_item(key, &text);
    }
}

fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// A random id, from the browser's cryptographic generator.
fn new_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// This phone's id (made once) and the name staff see it by.
pub fn device(label: &str) -> (String, String) {
    let id = match read::<String>(DEVICE) {
        Some(id) => id,
        None => {
            let id = new_id();
            write(DEVICE, &id);
            id
        }
    };
    let name = format!("{label} {}", id[..4].to_uppercase());
    (id, name)
}

/// The list in memory, indexed by both keys.
struct Loaded {
    list: DoorList,
    by_key: HashMap<String, usize>,
    by_id: HashMap<String, usize>,
}

impl Loaded {
    fn new(list: DoorList) -> Self {
        let mut me = Self {
            list,
            by_key: HashMap::new(),
            by_id: HashMap::new(),
        };
        me.index();
        me
    }

    fn index(&mut self) {
        self.by_key.clear();
        self.by_id.clear();
        for (i, t) in self.list.tickets.iter().enumerate() {
            self.by_key.insert(t.t.clone(), i);
            self.by_key.insert(t.c.clone(), i);
            self.by_id.insert(t.id.clone(), i);
        }
    }
}

thread_local! {
    static LOADED: RefCell<Option<Loaded>> = const { RefCell::new(None) };
}

/// What the phone holds for the door's event.
pub fn status() -> LocalStatus {
    LOADED.with(|l| {
        let l = l.borrow();
        LocalStatus {
            tickets: l.as_ref().map_or(0, |l| l.list.tickets.len()),
            expires_at: l.as_ref().map(|l| l.list.expires_at),
            queued: queue_len(),
            conflicts: conflicts(),
        }
    })
}

pub fn has_list() -> bool {
    LOADED.with(|l| l.borrow().is_some())
}

/// Loads the stored list of `event`, unless it has expired (then it is deleted). The queued
/// scans count as checked in.
pub fn load(event: &str) {
    let list = read::<DoorList>(&list_key(event)).filter(|l| l.event == event);
    let list = match list {
        Some(l) if l.expires_at < now() => {
            remove(&list_key(event));
            None
        }
        other => other,
    };
    let loaded = list.map(|l| {
        let mut loaded = Loaded::new(l);
        for s in queue() {
            if let Some(&i) = loaded.by_id.get(&s.ticket) {
                let t = &mut loaded.list.tickets[i];
                if t.s == "VALID" {
                    t.s = "CHECKED_IN".into();
                    t.at = Some(s.at);
                }
            }
        }
        loaded
    });
    LOADED.with(|l| *l.borrow_mut() = loaded);
}

/// Keeps a freshly downloaded list.
pub fn keep(list: DoorList) {
    write(&list_key(&list.event), &list);
    let event = list.event.clone();
    load(&event);
}

thread_local! {
    /// The queue as last read or written, so that a scan does not parse it again.
    static QUEUED: RefCell<Option<Vec<QueuedScan>>> = const { RefCell::new(None) };
    /// The conflicts as last read or written.
    static CONFLICTED: RefCell<Option<Vec<ScanResult>>> = const { RefCell::new(None) };
}

pub fn queue() -> Vec<QueuedScan> {
    QUEUED.with(|q| {
        q.borrow_mut()
            .get_or_insert_with(|| read(QUEUE).unwrap_or_default())
            .clone()
    })
}

fn queue_len() -> usize {
    QUEUED.with(|q| {
        q.borrow_mut()
            .get_or_insert_with(|| read(QUEUE).unwrap_or_default())
            .len()
    })
}

fn set_queue(queue: Vec<QueuedScan>) {
    write(QUEUE, &queue);
    QUEUED.with(|q| *q.borrow_mut() = Some(queue));
}

fn conflicts() -> Vec<ScanResult> {
    CONFLICTED.with(|c| {
        c.borrow_mut()
            .get_or_insert_with(|| read(CONFLICTS).unwrap_or_default())
            .clone()
    })
}

fn set_conflicts(conflicts: Vec<ScanResult>) {
    write(CONFLICTS, &conflicts);
    CONFLICTED.with(|c| *c.borrow_mut() = Some(conflicts));
}

/// Deletes everything the door phone holds (after it was revoked, or the list expired).
pub fn wipe(event: &str) {
    remove(&list_key(event));
    remove(QUEUE);
    remove(CONFLICTS);
    QUEUED.with(|q| *q.borrow_mut() = None);
    CONFLICTED.with(|c| *c.borrow_mut() = None);
    LOADED.with(|l| *l.borrow_mut() = None);
}

fn key_of(raw: &str) -> Option<String> {
    Some(match TicketKey::parse(raw)? {
        TicketKey::Token(t) => door_key(&t),
        TicketKey::DoorCode(c) => door_key(&c),
    })
}

/// Answers a scan from the list, with no network: VALID (and queued), ALREADY CHECKED IN,
/// VOID, or INVALID. `None` when the phone has no list.
pub fn answer(raw: &str, gate: &str) -> Option<CheckinView> {
    LOADED.with(|l| {
        let mut l = l.borrow_mut();
        let loaded = l.as_mut()?;
        let Some(key) = key_of(raw) else {
            return Some(offline(CheckinView::invalid("NOT_A_CODE")));
        };
        let Some(&i) = loaded.by_key.get(&key) else {
            return Some(offline(CheckinView::invalid("UNKNOWN")));
        };
        let title = loaded.list.title.clone();
        let t = &mut loaded.list.tickets[i];
        let mut view = CheckinView::invalid("UNKNOWN");
        view.reason = None;
        view.holder_name = Some(t.n.clone());
        view.title = Some(title);
        view.door_code = TicketKey::parse(raw).and_then(|k| match k {
            TicketKey::DoorCode(c) => Some(format_door_code(&c)),
            TicketKey::Token(_) => None,
        });
        match t.s.as_str() {
            "VALID" => {
                let at = now();
                t.s = "CHECKED_IN".into();
                t.at = Some(at);
                let mut q = queue();
                q.push(QueuedScan {
                    id: new_id(),
                    ticket: t.id.clone(),
                    at,
                    gate: gate.to_string(),
                });
                set_queue(q);
                view.outcome = "VALID".into();
            }
            "CHECKED_IN" => {
                view.outcome = "ALREADY_CHECKED_IN".into();
                view.checked_in_at = t.at;
            }
            _ => {
                view.outcome = "VOID".into();
                view.reason = Some("VOID".into());
            }
        }
        Some(offline(view))
    })
}

fn offline(mut v: CheckinView) -> CheckinView {
    v.offline = true;
    v
}

/// Notes an answer the server gave online, so the list agrees with it.
pub fn seen_online(raw: &str, outcome: &str) {
    let Some(key) = key_of(raw) else {
        return;
    };
    LOADED.with(|l| {
        if let Some(loaded) = l.borrow_mut().as_mut() {
            if let Some(&i) = loaded.by_key.get(&key) {
                let t = &mut loaded.list.tickets[i];
                match outcome {
                    "VALID" | "ALREADY_CHECKED_IN" if t.s == "VALID" => {
                        t.s = "CHECKED_IN".into();
                        t.at = Some(now());
                    }
                    "VOID" => t.s = "VOID".into(),
                    _ => {}
                }
            }
        }
    });
}

/// The change number the phone has pulled up to.
pub fn cursor() -> i64 {
    LOADED.with(|l| l.borrow().as_ref().map_or(0, |l| l.list.cursor))
}

/// Takes a sync's answer: the sent scans leave the queue, conflicts are kept to be shown, and
/// the tickets changed elsewhere (checked in, refunded, newly issued) update the list.
pub fn apply(sent: &[QueuedScan], answer: SyncAnswer) {
    let sent_ids: std::collections::HashSet<&str> = sent.iter().map(|s| s.id.as_str()).collect();
    let rest: Vec<QueuedScan> = queue()
        .into_iter()
        .filter(|s| !sent_ids.contains(s.id.as_str()))
        .collect();
    set_queue(rest.clone());
    let new: Vec<ScanResult> = answer
        .results
        .into_iter()
        .filter(|r| r.outcome == "CONFLICT")
        .collect();
    if !new.is_empty() {
        let mut all = conflicts();
        all.extend(new);
        set_conflicts(all);
    }
    LOADED.with(|l| {
        let mut l = l.borrow_mut();
        let Some(loaded) = l.as_mut() else {
            return;
        };
        let mut grew = false;
        let changed = !answer.changes.is_empty() || loaded.list.cursor != answer.cursor;
        for change in answer.changes {
            match loaded.by_id.get(&change.id) {
                Some(&i) => {
                    let mine = &mut loaded.list.tickets[i];
                    // A scan still queued here keeps its ticket checked in on this phone.
                    let queued = rest.iter().any(|s| s.ticket == change.id);
                    if !(queued && change.s == "VALID") {
                        *mine = change;
                    }
                }
                None => {
                    loaded.list.tickets.push(change);
                    grew = true;
                }
            }
        }
        if grew {
            loaded.index();
        }
        loaded.list.cursor = answer.cursor;
        if changed {
            write(&list_key(&loaded.list.event), &loaded.list);
        }
    });
}
