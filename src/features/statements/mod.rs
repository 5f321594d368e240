//! Operator statements: an admin uploads the merchant statement of MTN MoMo or Orange Money
//! (CSV or XLSX), each line is matched to the payment tickets families sent and the orders
//! waiting for their money (by transaction id, then by amount and payer phone), and the
//! confident matches are approved in one action, each as an admin's approval would (the
//! ticket approved, the order marked paid) and so through the one settle path.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod read;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod web;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The two operators whose statements Tessera reads, by their payment-method codes.
pub const OPERATORS: [&str; 2] = ["MTN_MOMO", "ORANGE_MONEY"];

/// The columns the import form shows, prefilled with the operator's remembered mapping.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MappingView {
    pub operator: String,
    pub transaction_id: String,
    pub amount: String,
    pub phone: String,
    pub paid_at: String,
    pub status_column: String,
    pub status_ok: String,
}

/// One import in the list of past imports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: Uuid,
    pub operator: String,
    pub filename: String,
    pub imported_by: String,
    pub created_at: DateTime<Utc>,
    pub lines_read: i32,
    pub lines_new: i32,
    pub confident_open: i64,
    pub ambiguous_open: i64,
    pub approved: i64,
}

/// The import page: the mappings of both operators, past imports, and whether the demo's
/// sample statements are offered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportsPage {
    pub mappings: Vec<MappingView>,
    pub imports: Vec<ImportSummary>,
    pub demo: bool,
}

/// A payment ticket or an order beside the statement line that may have paid it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketBrief {
    pub id: Uuid,
    /// `ticket` or `order`.
    pub kind: String,
    pub reference: String,
    /// The family, or the order's buyer.
    pub family_name: String,
    /// Whole XAF: the ticket's amount, or what the order still owes.
    pub amount: i64,
    pub phone: String,
    pub transaction_id: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// One line of a statement as the review shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineView {
    pub id: Uuid,
    pub row: i32,
    pub transaction_id: String,
    pub amount: i64,
    pub phone: String,
    pub paid_at: Option<NaiveDateTime>,
    /// CONFIDENT, AMBIGUOUS, ALREADY_APPROVED or UNMATCHED.
    pub verdict: String,
    /// TRANSACTION_ID or AMOUNT_AND_PHONE, for a match.
    pub matched_by: Option<String>,
    /// OPEN, APPROVED or DISMISSED.
    pub state: String,
    pub candidates: Vec<TicketBrief>,
}

/// The review of one import: counts per section and the lines of the section shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewPage {
    pub summary: ImportSummary,
    /// (section, count): confident, ambiguous, approved_before, unmatched, done.
    pub sections: Vec<(String, i64)>,
    pub section: String,
    pub lines: Vec<LineView>,
    pub page: i64,
    pub per_page: i64,
    /// Confident matches approved so far and still to approve, while the approval of all of
    /// them runs in the background.
    pub approving: Option<(i64, i64)>,
}

/// The sections of the review, in the order the page shows them.
pub const SECTIONS: [&str; 5] = [
    "confident",
    "ambiguous",
    "approved_before",
    "unmatched",
    "done",
];
