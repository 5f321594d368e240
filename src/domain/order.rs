//! Orders for events and stays, their e-tickets, refunds and referral commissions: the
//! lifecycles of DESIGN.md as enums with their allowed transitions, and the typed inputs of an
//! order form.

use chrono::{DateTime, NaiveDate, Offset, Utc};
use serde::{Deserialize, Serialize};

spelled!(
    /// `PAYMENT_PENDING → PENDING_VERIFICATION → PAID → (OWNER_CONFIRMED → TICKETS_ISSUED) |
    /// OWNER_CANCELLED`; also `CANCELLED`, `FAILED`, `EXPIRED`, `REQUIRES_MANUAL_REVIEW`.
    /// Events skip owner confirmation.
    OrderStatus, "error.status_invalid", {
        PaymentPending = "PAYMENT_PENDING",
        PendingVerification = "PENDING_VERIFICATION",
        Paid = "PAID",
        OwnerConfirmed = "OWNER_CONFIRMED",
        TicketsIssued = "TICKETS_ISSUED",
        OwnerCancelled = "OWNER_CANCELLED",
        Cancelled = "CANCELLED",
        Failed = "FAILED",
        Expired = "EXPIRED",
        RequiresManualReview = "REQUIRES_MANUAL_REVIEW",
    }
);

impl OrderStatus {
    pub fn can_become(self, next: Self) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (
                PaymentPending,
                PendingVerification | Paid | Cancelled | Expired | Failed | RequiresManualReview
            ) | (
                PendingVerification,
                Paid | Cancelled | Failed | Expired | RequiresManualReview
            ) | (RequiresManualReview, Paid | Cancelled | Failed)
                // Money that arrives after the order expired or failed goes to a person.
                | (Expired | Failed, RequiresManualReview)
                | (
                    Paid,
                    OwnerConfirmed | TicketsIssued | OwnerCancelled | Cancelled
                )
                | (OwnerConfirmed, TicketsIssued)
                | (TicketsIssued, Cancelled)
        )
    }

    /// Still waiting for money: the states an admin can mark paid.
    pub fn awaits_payment(self) -> bool {
        matches!(
            self,
            Self::PaymentPending | Self::PendingVerification | Self::RequiresManualReview
        )
    }

    /// The order no longer holds its places.
    pub fn releases_places(self) -> bool {
        matches!(
            self,
            Self::OwnerCancelled | Self::Cancelled | Self::Failed | Self::Expired
        )
    }

    /// The states whose predecessors may move to `self`, for conditional SQL updates.
    pub fn sources(self) -> Vec<&'static str> {
        Self::ALL
            .iter()
            .filter(|s| s.can_become(self))
            .map(|s| s.as_str())
            .collect()
    }
}

spelled!(
    /// `VALID → CHECKED_IN`, `VOID` when the order is refunded or cancelled.
    ETicketStatus, "error.status_invalid", {
        Valid = "VALID",
        CheckedIn = "CHECKED_IN",
        Void = "VOID",
    }
);

spelled!(
    /// `REFUND_REQUIRED → REFUND_INITIATED → REFUND_COMPLETED`.
    RefundStatus, "error.status_invalid", {
        Required = "REFUND_REQUIRED",
        Initiated = "REFUND_INITIATED",
        Completed = "REFUND_COMPLETED",
    }
);

impl RefundStatus {
    pub fn can_become(self, next: Self) -> bool {
        matches!(
            (self, next),
            (Self::Required, Self::Initiated) | (Self::Initiated, Self::Completed)
        )
    }
}

spelled!(
    /// `NONE → PENDING` when an order with a referral code is paid, `→ CONFIRMED` when its
    /// tickets are issued, `→ CANCELLED` when it is refunded.
    CommissionStatus, "error.status_invalid", {
        None = "NONE",
        Pending = "PENDING",
        Confirmed = "CONFIRMED",
        Cancelled = "CANCELLED",
    }
);

impl CommissionStatus {
    pub fn can_become(self, next: Self) -> bool {
        matches!(
            (self, next),
            (Self::None, Self::Pending)
                | (Self::Pending, Self::Confirmed | Self::Cancelled)
                | (Self::Confirmed, Self::Cancelled)
        )
    }
}

spelled!(
    /// A dated event sells places; a stay sells nights at a listing.
    EventKind, "error.kind_invalid", {
        Event = "EVENT",
        Stay = "STAY",
    }
);

spelled!(
    /// STANDARD and SPECIAL referral rates.
    ReferralKind, "error.kind_invalid", {
        Standard = "STANDARD",
        Special = "SPECIAL",
    }
);

/// Lower-case words joined by single hyphens, at most 80 characters: `/events/{slug}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let s = raw.trim();
        let ok = !s.is_empty()
            && s.len() <= 80
            && s.split('-').all(|w| {
                !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err("error.slug_invalid")
        }
    }

    /// A slug made from a title: accents dropped, other characters turned into hyphens.
    pub fn from_title(title: &str) -> Result<Self, &'static str> {
        let mut out = String::new();
        for c in title.chars().flat_map(char::to_lowercase) {
            let c = match c {
                'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
                'ç' => 'c',
                'è' | 'é' | 'ê' | 'ë' => 'e',
                'ì' | 'í' | 'î' | 'ï' => 'i',
                'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
                'ù' | 'ú' | 'û' | 'ü' => 'u',
                c => c,
            };
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let trimmed: String = out.trim_end_matches('-').chars().take(80).collect();
        Self::parse(trimmed.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many places (or guests) one order asks for: 1 up to the event's per-order limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quantity(i32);

impl Quantity {
    pub fn parse(raw: &str, max: i32) -> Result<Self, &'static str> {
        let n: i64 = raw.trim().parse().map_err(|_| "error.quantity_invalid")?;
        if n < 1 {
            Err("error.quantity_too_small")
        } else if n > i64::from(max) {
            Err("error.quantity_too_large")
        } else {
            Ok(Self(n as i32))
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// The nights of a stay: arrival today or later, departure after arrival, at most a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StayDates {
    pub check_in: NaiveDate,
    pub check_out: NaiveDate,
}

impl StayDates {
    pub fn parse(check_in: &str, check_out: &str, today: NaiveDate) -> Result<Self, &'static str> {
        let check_in = NaiveDate::parse_from_str(check_in.trim(), "%Y-%m-%d")
            .map_err(|_| "error.date_invalid")?;
        let check_out = NaiveDate::parse_from_str(check_out.trim(), "%Y-%m-%d")
            .map_err(|_| "error.date_invalid")?;
        if check_in < today {
            return Err("error.date_past");
        }
        if check_out <= check_in {
            return Err("error.dates_reversed");
        }
        if (check_out - check_in).num_days() > 365 {
            return Err("error.stay_too_long");
        }
        Ok(Self {
            check_in,
            check_out,
        })
    }

    pub fn nights(self) -> i32 {
        (self.check_out - self.check_in).num_days() as i32
    }
}

/// Whether sales are open at `now` for a window with optional ends.
pub fn sales_check(
    now: DateTime<Utc>,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Result<(), &'static str> {
    if start.is_some_and(|s| now < s) {
        Err("error.sales_not_open")
    } else if end.is_some_and(|e| now >= e) {
        Err("error.sales_closed")
    } else {
        Ok(())
    }
}

/// Dates and times are typed and shown in the site's time: by default West Africa Time
/// (UTC+1, no daylight saving), else `TESSERA_UTC_OFFSET` (set once at start-up; the browser
/// reads it from the page's `<html data-utc-offset>`).
pub const DEFAULT_UTC_OFFSET_SECS: i32 = 3600;

static SITE_UTC_OFFSET_SECS: std::sync::atomic::AtomicI32 =
    std::sync::atomic::AtomicI32::new(DEFAULT_UTC_OFFSET_SECS);

/// Sets the site's offset from UTC, in seconds (checked by `parse_utc_offset`).
pub fn set_site_utc_offset(secs: i32) {
    SITE_UTC_OFFSET_SECS.store(secs, std::sync::atomic::Ordering::Relaxed);
}

/// The site's offset from UTC, in seconds.
pub fn site_utc_offset() -> i32 {
    SITE_UTC_OFFSET_SECS.load(std::sync::atomic::Ordering::Relaxed)
}

/// An offset as people write one: `UTC`, `Z`, `+01:00`, `+1`, `-04:30`, `+0530`; at most 14 h.
pub fn parse_utc_offset(raw: &str) -> Result<i32, &'static str> {
    let s = raw.trim();
    let s = s
        .strip_prefix("UTC")
        .or_else(|| s.strip_prefix("GMT"))
        .unwrap_or(s);
    if s.is_empty() || s == "Z" {
        return Ok(0);
    }
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => return Err("expected an offset such as +01:00, -04:30 or UTC"),
    };
    let (hours, minutes) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let all_digits =
        |t: &str| !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(hours) || !all_digits(minutes) {
        return Err("expected an offset such as +01:00, -04:30 or UTC");
    }
    let (h, m): (i32, i32) = (hours.parse().unwrap_or(99), minutes.parse().unwrap_or(99));
    if h > 14 || m > 59 || (h == 14 && m > 0) {
        return Err("an offset is at most 14 hours");
    }
    Ok(sign * (h * 3600 + m * 60))
}

fn site_offset() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(site_utc_offset()).unwrap_or_else(|| chrono::Utc.fix())
}

/// A `datetime-local` value (`2026-12-20T18:00`, seconds optional) in site time.
pub fn parse_local_datetime(raw: &str) -> Result<DateTime<Utc>, &'static str> {
    let s = raw.trim();
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| "error.datetime_invalid")?;
    naive
        .and_local_timezone(site_offset())
        .single()
        .map(|d| d.with_timezone(&Utc))
        .ok_or("error.datetime_invalid")
}

/// Site time for people: `20/12/2026 18:00`.
pub fn local_display(at: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    // Written out by hand: chrono's format strings would weigh on the browser bundle.
    let t = at.with_timezone(&site_offset());
    format!(
        "{:02}/{:02}/{:04} {:02}:{:02}",
        t.day(),
        t.month(),
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// Site time as spreadsheets read a date and time (`2026-12-20 18:00`).
pub fn local_sortable(at: DateTime<Utc>) -> String {
    at.with_timezone(&site_offset())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A day in site time, as `local_display` writes it.
pub fn local_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&site_offset())
        .format("%d/%m/%Y")
        .to_string()
}

/// Site time for a `datetime-local` input.
pub fn local_input(at: DateTime<Utc>) -> String {
    at.with_timezone(&site_offset())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// `ORD-<year>-<5 digits>`.
pub fn parse_order_reference(raw: &str) -> Option<String> {
    let s = raw.trim().to_ascii_uppercase();
    let mut parts = s.split('-');
    let ok = parts.next() == Some("ORD")
        && parts
            .next()
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .next()
            .is_some_and(|n| n.len() >= 5 && n.bytes().all(|b| b.is_ascii_digit()))
        && parts.next().is_none();
    ok.then_some(s)
}

/// An e-ticket token as typed or scanned: the bare 40 hex characters, or any URL ending in
/// `/t/<token>`. Anything else is not a token.
pub fn parse_eticket_code(raw: &str) -> Option<String> {
    let s = raw.trim();
    let tail = s.rsplit("/t/").next().unwrap_or(s);
    let tail = tail.split(['?', '#', '/']).next().unwrap_or(tail).trim();
    (tail.len() == 40 && tail.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| tail.to_ascii_lowercase())
}

/// A share of an amount in basis points, rounded down.
pub fn share(amount: i64, bps: i32) -> i64 {
    amount.saturating_mul(i64::from(bps)) / 10_000
}

/// The advance a listing asks for to book: a share of the total (`30%`) or an amount; none
/// when empty. The rest is due on arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Deposit {
    /// Basis points of the total (3000 = 30 %).
    pub bps: i32,
    /// Minor units.
    pub amount: i64,
}

impl Deposit {
    pub fn parse(raw: &str, currency: crate::domain::Currency) -> Result<Self, &'static str> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(Self::default());
        }
        if let Some(pct) = raw.strip_suffix('%') {
            let pct: f64 = pct
                .trim()
                .replace(',', ".")
                .parse()
                .map_err(|_| "error.deposit_invalid")?;
            if !(0.0..=100.0).contains(&pct) {
                return Err("error.deposit_invalid");
            }
            return Ok(Self {
                bps: (pct * 100.0).round() as i32,
                amount: 0,
            });
        }
        let money =
            crate::domain::Money::parse(raw, currency).map_err(|_| "error.deposit_invalid")?;
        Ok(Self {
            bps: 0,
            amount: money.minor,
        })
    }

    /// What to pay to book an order of `total`: never more than the total.
    pub fn of(self, total: i64) -> i64 {
        if self.bps > 0 {
            share(total, self.bps).min(total)
        } else {
            self.amount.min(total)
        }
    }

    /// As the form shows it: `30%`, an amount, or nothing.
    pub fn input(self, currency: crate::domain::Currency) -> String {
        if self.bps > 0 {
            let pct = f64::from(self.bps) / 100.0;
            format!("{pct}%")
        } else if self.amount > 0 {
            crate::domain::Money::new(self.amount, currency).plain()
        } else {
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_read_as_people_write_them() {
        for (raw, secs) in [
            ("UTC", 0),
            ("Z", 0),
            ("+01:00", 3600),
            ("+1", 3600),
            ("UTC+1", 3600),
            ("-04:30", -16200),
            ("+0530", 19800),
            ("+14:00", 50400),
        ] {
            assert_eq!(parse_utc_offset(raw), Ok(secs), "{raw}");
        }
        for raw in [
            "01:00",
            "+15",
            "+14:30",
            "+1:75",
            "Africa/Douala",
            "+",
            "+123",
        ] {
            assert!(parse_utc_offset(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn deposits_are_a_share_or_an_amount() {
        use crate::domain::Currency;
        let d = Deposit::parse("30%", Currency::XAF).unwrap();
        assert_eq!(
            d,
            Deposit {
                bps: 3000,
                amount: 0
            }
        );
        assert_eq!(d.of(90_000), 27_000);
        let d = Deposit::parse("20 000", Currency::XAF).unwrap();
        assert_eq!(d.of(90_000), 20_000);
        assert_eq!(d.of(10_000), 10_000, "never more than the total");
        assert_eq!(Deposit::parse("", Currency::XAF).unwrap().of(5_000), 0);
        assert_eq!(Deposit::parse("12,5 %", Currency::EUR).unwrap().bps, 1250);
        assert!(Deposit::parse("150%", Currency::XAF).is_err());
        assert!(Deposit::parse("abc", Currency::XAF).is_err());
        assert_eq!(
            Deposit {
                bps: 3000,
                amount: 0
            }
            .input(Currency::XAF),
            "30%"
        );
    }

    #[test]
    fn order_transitions() {
        use OrderStatus::*;
        assert!(PaymentPending.can_become(PendingVerification));
        assert!(PendingVerification.can_become(Paid));
        assert!(Paid.can_become(OwnerConfirmed));
        assert!(OwnerConfirmed.can_become(TicketsIssued));
        assert!(Paid.can_become(OwnerCancelled));
        assert!(!TicketsIssued.can_become(Paid));
        assert!(!OwnerCancelled.can_become(TicketsIssued));
        assert!(!Expired.can_become(Paid));
        // A payment that still arrives after expiry goes to a person, never straight to paid.
        assert!(Expired.can_become(RequiresManualReview));
        assert!(RequiresManualReview.can_become(Paid));
        assert!(!Paid.can_become(Paid));
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Ok(*s));
        }
        assert_eq!(
            TicketsIssued.sources(),
            vec!["PAID", "OWNER_CONFIRMED"],
            "tickets come from a paid or confirmed order only"
        );
    }

    #[test]
    fn refund_and_commission_transitions() {
        assert!(RefundStatus::Required.can_become(RefundStatus::Initiated));
        assert!(RefundStatus::Initiated.can_become(RefundStatus::Completed));
        assert!(!RefundStatus::Required.can_become(RefundStatus::Completed));
        assert!(!RefundStatus::Completed.can_become(RefundStatus::Initiated));
        assert!(CommissionStatus::Pending.can_become(CommissionStatus::Confirmed));
        assert!(CommissionStatus::Pending.can_become(CommissionStatus::Cancelled));
        assert!(CommissionStatus::Confirmed.can_become(CommissionStatus::Cancelled));
        assert!(!CommissionStatus::None.can_become(CommissionStatus::Confirmed));
        assert!(!CommissionStatus::Cancelled.can_become(CommissionStatus::Confirmed));
    }

    #[test]
    fn slugs() {
        assert!(Slug::parse("festival-2026").is_ok());
        assert_eq!(Slug::parse("Festival"), Err("error.slug_invalid"));
        assert_eq!(Slug::parse("a--b"), Err("error.slug_invalid"));
        assert_eq!(Slug::parse("../etc"), Err("error.slug_invalid"));
        assert_eq!(
            Slug::from_title("Fête de la Musique — Yaoundé 2026!").map(|s| s.as_str().to_string()),
            Ok("fete-de-la-musique-yaounde-2026".into())
        );
        assert!(Slug::from_title("!!!").is_err());
    }

    #[test]
    fn quantities() {
        assert_eq!(Quantity::parse("2", 10).map(Quantity::get), Ok(2));
        assert_eq!(Quantity::parse("0", 10), Err("error.quantity_too_small"));
        assert_eq!(Quantity::parse("-3", 10), Err("error.quantity_too_small"));
        assert_eq!(Quantity::parse("11", 10), Err("error.quantity_too_large"));
        assert_eq!(Quantity::parse("deux", 10), Err("error.quantity_invalid"));
        assert_eq!(
            Quantity::parse("99999999999999", 10),
            Err("error.quantity_too_large")
        );
    }

    #[test]
    fn stay_dates() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let d = StayDates::parse("2026-12-01", "2026-12-04", today).unwrap();
        assert_eq!(d.nights(), 3);
        assert_eq!(
            StayDates::parse("2026-11-01", "2026-11-04", today),
            Err("error.date_past")
        );
        assert_eq!(
            StayDates::parse("2026-12-04", "2026-12-01", today),
            Err("error.dates_reversed")
        );
        assert_eq!(
            StayDates::parse("2026-12-04", "2026-12-04", today),
            Err("error.dates_reversed")
        );
        assert_eq!(
            StayDates::parse("04/12/2026", "2026-12-05", today),
            Err("error.date_invalid")
        );
    }

    #[test]
    fn sales_window() {
        let now = Utc::now();
        let h = chrono::Duration::hours(1);
        assert!(sales_check(now, None, None).is_ok());
        assert_eq!(
            sales_check(now, Some(now + h), None),
            Err("error.sales_not_open")
        );
        assert_eq!(
            sales_check(now, None, Some(now - h)),
            Err("error.sales_closed")
        );
        assert!(sales_check(now, Some(now - h), Some(now + h)).is_ok());
    }

    #[test]
    fn site_time() {
        let at = parse_local_datetime("2026-12-20T18:00").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-12-20T17:00:00+00:00");
        assert_eq!(local_display(at), "20/12/2026 18:00");
        assert_eq!(local_input(at), "2026-12-20T18:00");
        assert_eq!(
            parse_local_datetime("20/12/2026"),
            Err("error.datetime_invalid")
        );
    }

    #[test]
    fn codes_and_references() {
        let token = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(parse_eticket_code(token).as_deref(), Some(token));
        assert_eq!(
            parse_eticket_code(&format!("https://x.cm/t/{}", token.to_uppercase())).as_deref(),
            Some(token)
        );
        assert_eq!(parse_eticket_code("0123"), None);
        assert_eq!(parse_eticket_code(&format!("{token}00")), None);
        assert_eq!(parse_eticket_code("'; DROP TABLE etickets"), None);
        assert_eq!(
            parse_order_reference("ord-2026-00001").as_deref(),
            Some("ORD-2026-00001")
        );
        assert_eq!(parse_order_reference("ORD-2026-1"), None);
        assert_eq!(share(10_000, 1_000), 1_000);
        assert_eq!(share(999, 500), 49);
    }
}
