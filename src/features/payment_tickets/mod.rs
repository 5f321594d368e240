//! Payment tickets: a family declares a mobile-money payment with a proof, an admin reviews it,
//! and approval extends the family's subscription.

pub mod admin_pages;
pub mod api;
#[cfg(feature = "ssr")]
pub mod digest;
#[cfg(feature = "ssr")]
pub mod draft;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod stats;
#[cfg(feature = "ssr")]
pub mod web;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::Lang;

/// A ticket as pages and REST show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketView {
    pub id: Uuid,
    pub reference: String,
    pub amount: i64,
    pub currency: String,
    pub amount_display: String,
    pub plan_type: String,
    /// (English, French)
    pub plan_label: (String, String),
    pub duration_days: i32,
    pub payment_method: String,
    pub method_label: (String, String),
    pub phone_number: String,
    pub transaction_id: String,
    pub user_notes: String,
    pub admin_notes: String,
    pub rejection_reason: Option<String>,
    pub status: String,
    pub has_proof: bool,
    pub proof_content_type: Option<String>,
    pub proof_sha256: Option<String>,
    pub created_at: DateTime<Utc>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub age_hours: i64,
    pub is_overdue: bool,
    pub submitter_name: String,
    pub submitter_email: String,
    pub family_id: Uuid,
    pub family_name: String,
    pub reviewer_name: Option<String>,
    pub ip_address: String,
    pub user_agent: String,
}

impl TicketView {
    pub fn plan_label(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.plan_label.0,
            Lang::Fr => &self.plan_label.1,
        }
    }

    pub fn method_label(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.method_label.0,
            Lang::Fr => &self.method_label.1,
        }
    }
}

/// Tickets as a spreadsheet in the reader's language: the admin queue's export.
#[cfg(feature = "ssr")]
pub fn sheet(tickets: &[TicketView], lang: Lang) -> crate::platform::csv::Sheet {
    use crate::{
        domain::Currency,
        i18n::t,
        platform::csv::{Cell, Sheet},
    };
    let mut sheet = Sheet::new(
        lang,
        &[
            "reference",
            "created_at",
            "family",
            "submitted_by",
            "email",
            "plan",
            "duration_days",
            "amount",
            "currency",
            "method",
            "phone",
            "transaction_id",
            "status",
            "overdue",
            "reviewed_at",
            "reviewed_by",
            "rejection_reason",
        ],
    );
    for v in tickets {
        let currency = Currency::parse(&v.currency).unwrap_or(Currency::XAF);
        sheet.row(vec![
            v.reference.as_str().into(),
            Cell::Time(v.created_at),
            v.family_name.as_str().into(),
            v.submitter_name.as_str().into(),
            v.submitter_email.as_str().into(),
            v.plan_label(lang).into(),
            i64::from(v.duration_days).into(),
            Cell::Amount(v.amount, currency),
            currency.code().into(),
            v.method_label(lang).into(),
            v.phone_number.as_str().into(),
            v.transaction_id.as_str().into(),
            t(lang, &format!("status.{}", v.status)).into(),
            t(lang, if v.is_overdue { "csv.yes" } else { "csv.no" }).into(),
            v.reviewed_at.map_or(Cell::Empty, Cell::Time),
            v.reviewer_name.clone().into(),
            v.rejection_reason.clone().into(),
        ]);
    }
    sheet
}
