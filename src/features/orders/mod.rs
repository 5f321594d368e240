//! Events and stays, their orders, e-tickets with QR codes, the door check-in, the owner's
//! signed links, refunds and referral commissions.

pub mod admin_pages;
// Plain HTML forms post one field per argument; the event form has many fields.
#[allow(clippy::too_many_arguments)]
pub mod api;
#[cfg(feature = "ssr")]
pub mod commissions;
pub mod door;
#[cfg(feature = "ssr")]
pub mod door_live;
#[cfg(feature = "hydrate")]
pub mod door_local;
#[cfg(feature = "ssr")]
pub mod door_sync;
#[cfg(feature = "ssr")]
pub mod door_team;
#[cfg(feature = "ssr")]
pub mod eticket_page;
#[cfg(feature = "ssr")]
pub mod etickets;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod fulfil;
pub mod organiser;
pub mod pages;
// One form per operator posts to one server function, one argument per field.
#[allow(clippy::too_many_arguments)]
pub mod phone_settings;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "hydrate")]
pub mod scanner;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod web;
#[cfg(feature = "ssr")]
pub mod whatsapp;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The order form as typed, on both sides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderFields {
    pub slug: String,
    pub quantity: String,
    pub check_in: String,
    pub check_out: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub referral_code: String,
}

/// An event or stay as its public page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub id: uuid::Uuid,
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub venue: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub capacity: i32,
    pub left: i32,
    pub max_per_order: i32,
    pub price: i64,
    pub currency: String,
    pub price_display: String,
    pub sales_start: Option<DateTime<Utc>>,
    pub sales_end: Option<DateTime<Utc>>,
    /// Why it cannot be ordered now (a translation key), if it cannot.
    pub closed_reason: Option<String>,
    pub checkin_info: String,
    pub owner_name: String,
    pub owner_phone: String,
    pub owner_email: String,
    pub published: bool,
    /// The advance asked to book (`30%`, or an amount), as shown and as typed.
    pub deposit: Option<String>,
    pub deposit_input: String,
}

/// One line of an order's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderEventView {
    pub kind: String,
    pub details: String,
    pub actor: Option<String>,
    pub at: DateTime<Utc>,
}

impl OrderEventView {
    /// Steps that only concern the staff: notes, alerts, places held.
    fn internal(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "PAYMENT_NOTE" | "ADMIN_ALERTED" | "PLACES" | "OWNER_ASKED"
        )
    }
}

impl OrderView {
    /// What the buyer sees of the history: when each step happened, not who did it or the
    /// staff's notes and reasons.
    pub fn for_buyer(mut self) -> Self {
        self.history.retain(|h| !h.internal());
        for h in &mut self.history {
            h.actor = None;
            if !matches!(h.kind.as_str(), "PROOF_SUBMITTED" | "TICKETS_ISSUED") {
                h.details.clear();
            }
        }
        self
    }
}

/// An e-ticket as listed on its order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketLink {
    pub seq: i32,
    pub url: String,
    pub status: String,
}

/// An order as its buyer and the admins see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderView {
    pub id: uuid::Uuid,
    pub reference: String,
    pub event_slug: String,
    pub event_title: String,
    pub kind: String,
    pub status: String,
    pub quantity: i32,
    pub check_in: Option<String>,
    pub check_out: Option<String>,
    pub nights: i32,
    pub subtotal: String,
    pub discount: String,
    pub total: String,
    pub total_minor: i64,
    pub amount_paid: String,
    pub currency: String,
    pub buyer_name: String,
    pub buyer_email: String,
    pub buyer_phone: String,
    /// The account that placed the order, if the buyer was signed in: only that account (not
    /// whoever registers the same e-mail address later) sees the order without the signed link.
    pub buyer_id: Option<uuid::Uuid>,
    pub created_at: DateTime<Utc>,
    pub payment_method: Option<String>,
    pub phone_number: Option<String>,
    pub transaction_id: Option<String>,
    pub has_proof: bool,
    pub proof_content_type: Option<String>,
    pub paid_via: Option<String>,
    pub referral_code: Option<String>,
    pub commission_status: String,
    pub referrer_commission: String,
    pub refund_status: Option<String>,
    pub refund_amount: Option<String>,
    pub refund_id: Option<String>,
    pub cancel_reason: Option<String>,
    pub history: Vec<OrderEventView>,
    pub tickets: Vec<TicketLink>,
    /// `?sig=…` for links back to the buyer's page.
    pub sig: String,
    /// What paying now costs: the deposit a listing asks for, else what is left.
    pub due_now: String,
    /// The advance a listing asks for, when it does.
    pub deposit: Option<String>,
    /// What is left to pay on arrival once the deposit is paid.
    pub balance_due: Option<String>,
    /// Cards are taken for this order (the organiser's SumUp account, or the configured provider).
    pub card_available: bool,
    /// The open card checkout to go back to (never a second one).
    pub card_open: Option<String>,
    /// Back from the provider: the payment is being verified with it.
    pub verifying: bool,
    /// Paying from the phone is offered (an operator is configured).
    pub phone_available: bool,
    /// The open payment from the phone to go back to: its waiting page.
    pub phone_open: Option<String>,
}

/// What a guest's e-ticket page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ETicketView {
    pub token: String,
    pub url: String,
    pub qr_svg: String,
    /// The QR code's mask, kept at issuance (see `platform::qr`); the server's alone.
    #[serde(skip)]
    pub qr_mask: Option<i16>,
    pub kind: String,
    pub title: String,
    pub venue: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub check_in: Option<String>,
    pub check_out: Option<String>,
    pub nights: i32,
    pub guests: i32,
    pub holder_name: String,
    pub seq: i32,
    pub count: i64,
    pub reference: String,
    pub amount_paid: crate::domain::Money,
    pub balance_due: Option<crate::domain::Money>,
    pub checkin_info: String,
    pub owner_phone: Option<String>,
    pub status: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// The short code printed under the QR code, for the door to type (`K7QM-3XP9`).
    pub door_code: String,
}

/// The answer at the door.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckinView {
    /// `VALID`, `ALREADY_CHECKED_IN`, `INVALID` or `VOID`.
    pub outcome: String,
    /// Why a ticket may not enter: `NOT_A_CODE` (neither a ticket link nor a short code),
    /// `UNKNOWN` (no ticket has it), `OTHER_EVENT` (a ticket for another event than the
    /// door's; `title` names it), `VOID` (refunded or cancelled).
    pub reason: Option<String>,
    pub holder_name: Option<String>,
    pub title: Option<String>,
    /// The ticket's short code, as printed under its QR code.
    pub door_code: Option<String>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub staff_name: Option<String>,
    /// The gate it was first checked in at, when staff named one.
    pub gate: Option<String>,
    pub checked_in: i64,
    pub issued: i64,
    /// Answered by the phone from its check-in list, with no network.
    #[serde(default)]
    pub offline: bool,
}

impl CheckinView {
    /// INVALID, for `reason`.
    pub fn invalid(reason: &str) -> Self {
        Self {
            outcome: "INVALID".into(),
            reason: Some(reason.into()),
            holder_name: None,
            title: None,
            door_code: None,
            checked_in_at: None,
            staff_name: None,
            gate: None,
            checked_in: 0,
            issued: 0,
            offline: false,
        }
    }
}

/// One message about an order, with how its delivery went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationView {
    pub channel: String,
    pub kind: String,
    pub recipient: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Checked-in versus issued for one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoorCount {
    pub slug: String,
    pub title: String,
    pub checked_in: i64,
    pub issued: i64,
}

/// Check-ins at one gate of an event (the empty name for scans at no named gate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateCount {
    pub gate: String,
    pub checked_in: i64,
}

/// What the door page's counters show: every event with tickets, and the gates of the one
/// the door is set to.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DoorBoard {
    pub events: Vec<DoorCount>,
    pub gates: Vec<GateCount>,
}

/// One ticket of a door's check-in list: what a phone needs to answer offline, and nothing
/// else (no e-mail, no phone number, neither link nor door code: only short digests of them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoorTicket {
    pub id: String,
    /// `door_key` of the link's token.
    pub t: String,
    /// `door_key` of the door code.
    pub c: String,
    /// The holder's name.
    pub n: String,
    /// `VALID`, `CHECKED_IN` or `VOID`.
    pub s: String,
    pub at: Option<DateTime<Utc>>,
}

/// An event's check-in list, downloaded before the doors open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoorList {
    pub event: String,
    pub title: String,
    /// After this the phone deletes the list and answers nothing from it.
    pub expires_at: DateTime<Utc>,
    /// The change number to pull from next time.
    pub cursor: i64,
    pub tickets: Vec<DoorTicket>,
}

/// A scan a phone answered from its list while offline, waiting to be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedScan {
    /// Made by the phone when it scanned: the same scan sent twice counts once.
    pub id: String,
    pub ticket: String,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub gate: String,
}

/// A phone's sync: its queued scans, and the change number it has pulled up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub device: String,
    pub event: String,
    pub since: i64,
    pub scans: Vec<QueuedScan>,
}

/// What became of one queued scan: `CHECKED_IN` (it let the guest in), `CONFLICT` (the
/// ticket was checked in before, elsewhere: `first_*` say when, where and by whom) or `VOID`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanResult {
    pub id: String,
    pub outcome: String,
    pub holder_name: String,
    pub scanned_at: DateTime<Utc>,
    pub first_at: Option<DateTime<Utc>>,
    pub first_device: String,
    pub first_staff: Option<String>,
    pub first_gate: String,
}

/// The answer to a sync: each scan's fate, the tickets changed since the phone's change
/// number (checked in elsewhere, refunded, newly issued), and the event's counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncAnswer {
    pub results: Vec<ScanResult>,
    pub changes: Vec<DoorTicket>,
    pub cursor: i64,
    pub checked_in: i64,
    pub issued: i64,
}

/// A phone that downloaded a check-in list, for the staff who may revoke it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoorDevice {
    pub id: String,
    pub name: String,
    pub staff: String,
    pub list_at: DateTime<Utc>,
    pub synced_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A person on an event's door team, for the admin who manages it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoorTeamMember {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub added_at: DateTime<Utc>,
}

/// An owner link as its page shows it before the owner acts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnerLinkView {
    pub reference: String,
    pub action: String,
    /// `USABLE`, `USED`, `EXPIRED` or `STALE`.
    pub state: String,
    pub title: String,
    pub guest: String,
    pub guests: i32,
    pub check_in: Option<String>,
    pub check_out: Option<String>,
    pub total: String,
}

/// A row of the admin's order list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderRow {
    pub reference: String,
    pub event_title: String,
    pub kind: String,
    pub status: String,
    pub buyer_name: String,
    pub buyer_phone: String,
    pub buyer_email: String,
    pub quantity: i32,
    pub total: String,
    pub total_minor: i64,
    pub currency: String,
    pub has_proof: bool,
    pub refund_status: Option<String>,
    pub refund_amount: Option<String>,
    pub refund_minor: Option<i64>,
    pub refund_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Commission figures in minor units of the default currency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommissionSummary {
    pub total_bookings: i64,
    pub confirmed_count: i64,
    pub pending_count: i64,
    pub cancelled_count: i64,
    pub total_admin_commission: i64,
    pub total_referrer_commission: i64,
    pub pending_admin_commission: i64,
    pub pending_referrer_commission: i64,
    pub total_discount: i64,
}

/// A referrer with what they are owed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payable {
    pub referral_code: String,
    pub holder_name: String,
    pub holder_phone: String,
    pub kind: String,
    pub confirmed_bookings: i64,
    pub total_payable: i64,
    pub pending: i64,
    pub cancelled: i64,
}

/// One commission line: an order with a referral code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommissionLine {
    pub reference: String,
    pub referral_code: String,
    pub event_title: String,
    pub status: String,
    pub commission_status: String,
    pub total: i64,
    pub discount: i64,
    pub referrer_commission: i64,
    pub admin_commission: i64,
    pub created_at: DateTime<Utc>,
}

/// The admin's event form as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventFields {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub slug: String,
    pub description: String,
    pub venue: String,
    pub starts_at: String,
    pub ends_at: String,
    pub capacity: String,
    pub price: String,
    pub currency: String,
    pub max_per_order: String,
    pub sales_start: String,
    pub sales_end: String,
    pub owner_name: String,
    pub owner_phone: String,
    pub owner_email: String,
    pub checkin_info: String,
    pub deposit: String,
}
