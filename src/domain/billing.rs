//! Billing: payment and subscription lifecycles, human references of payments and invoices,
//! and the checkout choices a family makes.

use serde::{Deserialize, Serialize};

/// `PENDING → PROCESSING → COMPLETED | FAILED | CANCELLED`; `COMPLETED → REFUNDED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PaymentStatus {
    Pending,
    Processing,
    Completed,
    Failed,
    Cancelled,
    Refunded,
}

impl PaymentStatus {
    pub const ALL: [Self; 6] = [
        Self::Pending,
        Self::Processing,
        Self::Completed,
        Self::Failed,
        Self::Cancelled,
        Self::Refunded,
    ];

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(raw.trim()))
            .ok_or("error.status_invalid")
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Processing => "PROCESSING",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
            Self::Cancelled => "CANCELLED",
            Self::Refunded => "REFUNDED",
        }
    }

    /// A payment still waiting for its gateway's answer.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Processing)
    }

    pub fn can_become(self, next: Self) -> bool {
        use PaymentStatus::*;
        matches!(
            (self, next),
            (Pending, Processing | Completed | Failed | Cancelled)
                | (Processing, Completed | Failed | Cancelled)
                | (Completed, Refunded)
        )
    }

    /// What a person may do to a payment under review: besides the usual moves, complete one
    /// given up as failed or expired when the provider shows the money did arrive.
    pub fn can_become_after_review(self, next: Self) -> bool {
        self.can_become(next)
            || matches!(
                (self, next),
                (Self::Failed | Self::Cancelled, Self::Completed)
            )
    }
}

/// `TRIALING → ACTIVE → PAST_DUE → EXPIRED`, and `CANCELLED` by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SubscriptionStatus {
    Trialing,
    Active,
    PastDue,
    Expired,
    Cancelled,
}

impl SubscriptionStatus {
    pub const ALL: [Self; 5] = [
        Self::Trialing,
        Self::Active,
        Self::PastDue,
        Self::Expired,
        Self::Cancelled,
    ];

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(raw.trim()))
            .ok_or("error.status_invalid")
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trialing => "TRIALING",
            Self::Active => "ACTIVE",
            Self::PastDue => "PAST_DUE",
            Self::Expired => "EXPIRED",
            Self::Cancelled => "CANCELLED",
        }
    }

    /// The status once the period end has passed, `days_over` days ago: a trial ends, a paid
    /// period becomes past due and expires after the grace period.
    pub fn after_period_end(self, days_over: i64, grace_days: i64) -> Self {
        match self {
            Self::Trialing => Self::Expired,
            Self::Active if days_over >= grace_days => Self::Expired,
            Self::Active => Self::PastDue,
            Self::PastDue if days_over >= grace_days => Self::Expired,
            other => other,
        }
    }
}

/// Who an account is for, which decides the plans it is offered: a family the family plans (in
/// francs), an organisation the business plans (in dollars, by card).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountKind {
    Family,
    Organisation,
}

impl AccountKind {
    /// A registration form's choice; no choice is a family.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "" | "family" => Ok(Self::Family),
            "organisation" => Ok(Self::Organisation),
            _ => Err("error.account_kind_invalid"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Family => "family",
            Self::Organisation => "organisation",
        }
    }
}

/// How a family pays at checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayWith {
    Card,
    Wallet,
    /// Mobile money by transfer, with a proof (the payment-ticket wizard).
    MobileMoney,
    /// Mobile money approved on the payer's phone.
    Phone,
}

impl PayWith {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "card" => Ok(Self::Card),
            "wallet" => Ok(Self::Wallet),
            "mobile_money" => Ok(Self::MobileMoney),
            "phone" => Ok(Self::Phone),
            _ => Err("error.pay_with_invalid"),
        }
    }
}

fn numbered(raw: &str, prefix: &str, digits: usize, exact: bool) -> Option<String> {
    let s = raw.trim().to_ascii_uppercase();
    let mut parts = s.split('-');
    let ok = parts.next() == Some(prefix)
        && parts
            .next()
            .is_some_and(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()))
        && parts.next().is_some_and(|n| {
            (if exact {
                n.len() == digits
            } else {
                n.len() >= digits
            }) && n.chars().all(|c| c.is_ascii_digit())
        })
        && parts.next().is_none();
    ok.then_some(s)
}

/// `PAY-<year>-<6+ digits>`.
pub fn parse_payment_reference(raw: &str) -> Option<String> {
    numbered(raw, "PAY", 6, false)
}

pub fn format_payment_reference(year: i32, n: i32) -> String {
    format!("PAY-{year}-{n:06}")
}

/// `INV-<year>-<6 digits>`, without gaps within a year.
pub fn parse_invoice_number(raw: &str) -> Option<String> {
    numbered(raw, "INV", 6, true)
}

pub fn format_invoice_number(year: i32, n: i32) -> String {
    format!("{}{n:06}", invoice_number_prefix(year))
}

/// What every invoice number of `year` starts with; six digits follow.
pub fn invoice_number_prefix(year: i32) -> String {
    format!("INV-{year}-")
}

/// The tax contained in a price that includes it, in minor units, for a rate in basis points,
/// rounded half up: what was charged is the invoice's total, never more.
pub fn tax_included(total: i64, rate_bp: i32) -> i64 {
    let rate = i64::from(rate_bp.max(0));
    let divisor = 10_000 + rate;
    (2 * total * rate + divisor) / (2 * divisor)
}

/// Whether a completed payment may be refunded to `destination` (`wallet` or `card`): money
/// goes back where it came from. A top-up's credit is already in the wallet and an order has no
/// wallet, so only plans go back to the wallet; a payment made from the wallet charged no card.
pub fn refund_allowed(destination: &str, purpose: &str, method: &str) -> bool {
    match destination {
        "wallet" => purpose == "SUBSCRIPTION",
        "card" => method != "WALLET",
        _ => false,
    }
}

/// A reason a person gives (a refund, a change by hand): required, at most 1,000 characters.
pub fn parse_reason(raw: &str) -> Result<String, &'static str> {
    let r = raw.trim();
    if r.is_empty() {
        Err("error.reason_required")
    } else if r.chars().count() > 1000 {
        Err("error.notes_too_long")
    } else {
        Ok(r.to_string())
    }
}

/// Whole days left until `end`, rounded up; zero once it has passed.
pub fn days_left(now: chrono::DateTime<chrono::Utc>, end: chrono::DateTime<chrono::Utc>) -> i64 {
    let secs = (end - now).num_seconds();
    if secs <= 0 {
        0
    } else {
        (secs + 86_399) / 86_400
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn payment_transitions_follow_the_design() {
        use PaymentStatus::*;
        assert!(Pending.can_become(Processing));
        assert!(Processing.can_become(Completed));
        assert!(Processing.can_become(Failed));
        assert!(Completed.can_become(Refunded));
        assert!(!Completed.can_become(Failed));
        assert!(!Failed.can_become(Completed));
        assert!(!Refunded.can_become(Completed));
        assert!(!Cancelled.can_become(Processing));
        // Money that arrived late is completed by a person reviewing it, never on its own.
        assert!(Failed.can_become_after_review(Completed));
        assert!(Cancelled.can_become_after_review(Completed));
        assert!(!Refunded.can_become_after_review(Completed));
        assert!(!Completed.can_become_after_review(Failed));
        for s in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(s.as_str()), Ok(s));
        }
        assert!(PaymentStatus::parse("PAID").is_err());
    }

    #[test]
    fn subscriptions_lapse_in_order() {
        use SubscriptionStatus::*;
        assert_eq!(Trialing.after_period_end(0, 7), Expired);
        assert_eq!(Active.after_period_end(0, 7), PastDue);
        assert_eq!(Active.after_period_end(8, 7), Expired);
        assert_eq!(PastDue.after_period_end(3, 7), PastDue);
        assert_eq!(PastDue.after_period_end(7, 7), Expired);
        assert_eq!(Cancelled.after_period_end(30, 7), Cancelled);
        for s in SubscriptionStatus::ALL {
            assert_eq!(SubscriptionStatus::parse(s.as_str()), Ok(s));
        }
    }

    #[test]
    fn references_and_invoice_numbers() {
        assert_eq!(format_invoice_number(2026, 7), "INV-2026-000007");
        assert_eq!(
            parse_invoice_number(" inv-2026-000007 ").as_deref(),
            Some("INV-2026-000007")
        );
        assert_eq!(parse_invoice_number("INV-2026-7"), None);
        assert_eq!(parse_invoice_number("INV-2026-0000007"), None);
        assert_eq!(parse_invoice_number("INV-2026-000007-1"), None);
        assert_eq!(parse_invoice_number("TKT-2026-000007"), None);
        assert_eq!(format_payment_reference(2026, 12), "PAY-2026-000012");
        assert!(parse_payment_reference("PAY-2026-1234567").is_some());
        assert!(parse_payment_reference("PAY-26-123456").is_none());
    }

    #[test]
    fn tax_and_countdown() {
        // 119.25 charged at 19.25 %: 100.00 net + 19.25 tax.
        assert_eq!(tax_included(11_925, 1_925), 1_925);
        // 1,100 FCFA at 10 %: 1,000 + 100.
        assert_eq!(tax_included(1_100, 1_000), 100);
        // 1,000 at 10 % is 909.09 + 90.91: rounded to 91.
        assert_eq!(tax_included(1_000, 1_000), 91);
        assert_eq!(tax_included(5_000, 0), 0);
        assert!(refund_allowed("wallet", "SUBSCRIPTION", "CARD"));
        assert!(refund_allowed("card", "SUBSCRIPTION", "CARD"));
        assert!(refund_allowed("wallet", "SUBSCRIPTION", "WALLET"));
        assert!(!refund_allowed("card", "SUBSCRIPTION", "WALLET"));
        assert!(!refund_allowed("wallet", "TOPUP", "CARD"));
        assert!(refund_allowed("card", "TOPUP", "CARD"));
        assert!(!refund_allowed("wallet", "ORDER", "CARD"));
        assert!(!refund_allowed("bank", "SUBSCRIPTION", "CARD"));
        let now = Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap();
        assert_eq!(days_left(now, now + Duration::days(14)), 14);
        assert_eq!(days_left(now, now + Duration::hours(1)), 1);
        assert_eq!(days_left(now, now - Duration::hours(1)), 0);
        assert_eq!(PayWith::parse("CARD"), Ok(PayWith::Card));
        assert!(PayWith::parse("cash").is_err());
        assert_eq!(parse_reason("  duplicate "), Ok("duplicate".into()));
        assert_eq!(parse_reason(" "), Err("error.reason_required"));
        assert_eq!(parse_reason(&"x".repeat(1001)), Err("error.notes_too_long"));
    }
}
