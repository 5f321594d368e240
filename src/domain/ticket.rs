//! Payment tickets: their lifecycle, their human reference, and the fields a family types.

use serde::{Deserialize, Serialize};

/// `PENDING → APPROVED | REJECTED`, and `PENDING → CANCELLED` by its submitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TicketStatus {
    Pending,
    Approved,
    Rejected,
    Cancelled,
}

impl TicketStatus {
    pub const ALL: [Self; 4] = [
        Self::Pending,
        Self::Approved,
        Self::Rejected,
        Self::Cancelled,
    ];

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "PENDING" => Ok(Self::Pending),
            "APPROVED" => Ok(Self::Approved),
            "REJECTED" => Ok(Self::Rejected),
            "CANCELLED" => Ok(Self::Cancelled),
            _ => Err("error.status_invalid"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Approved => "APPROVED",
            Self::Rejected => "REJECTED",
            Self::Cancelled => "CANCELLED",
        }
    }

    pub fn can_become(self, next: Self) -> bool {
        matches!(
            (self, next),
            (
                Self::Pending,
                Self::Approved | Self::Rejected | Self::Cancelled
            )
        )
    }
}

/// `TKT-<year>-<5 digits>`, allocated by the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketReference(String);

impl TicketReference {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let s = raw.trim().to_ascii_uppercase();
        let mut parts = s.split('-');
        let ok = parts.next() == Some("TKT")
            && parts
                .next()
                .is_some_and(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()))
            && parts
                .next()
                .is_some_and(|n| n.len() >= 5 && n.chars().all(|c| c.is_ascii_digit()))
            && parts.next().is_none();
        if ok {
            Ok(Self(s))
        } else {
            Err("error.reference_invalid")
        }
    }

    pub fn format(year: i32, number: i32) -> String {
        format!("TKT-{year}-{number:05}")
    }
}

impl AsRef<str> for TicketReference {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An operator's transaction id as printed in its SMS: 4 to 64 letters, digits, `.`, `-` or `_`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionId(String);

impl TransactionId {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("error.transaction_id_required");
        }
        if !(4..=64).contains(&s.len())
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
        {
            return Err("error.transaction_id_invalid");
        }
        Ok(Self(s.to_ascii_uppercase()))
    }
}

impl AsRef<str> for TransactionId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A code from a seeded list (plans, payment methods): upper-case letters, digits and `_`.
pub fn parse_code(raw: &str, err: &'static str) -> Result<String, &'static str> {
    let s = raw.trim();
    if (2..=40).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(s.to_string())
    } else {
        Err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pending_tickets_move() {
        use TicketStatus::*;
        assert!(
            Pending.can_become(Approved)
                && Pending.can_become(Rejected)
                && Pending.can_become(Cancelled)
        );
        for from in [Approved, Rejected, Cancelled] {
            for to in TicketStatus::ALL {
                assert!(!from.can_become(to), "{from:?} → {to:?}");
            }
        }
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Ok(s));
        }
    }

    #[test]
    fn references_have_the_seed_shape() {
        assert_eq!(TicketReference::format(2026, 1), "TKT-2026-00001");
        assert_eq!(
            TicketReference::parse("tkt-2026-00042").unwrap().as_ref(),
            "TKT-2026-00042"
        );
        for bad in [
            "",
            "TKT-26-00001",
            "TKT-2026-1",
            "TKT-2026-00001-1",
            "ABC-2026-00001",
            "TKT-2026-0000x",
        ] {
            assert!(TicketReference::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn transaction_ids_and_codes() {
        assert_eq!(
            TransactionId::parse(" mtn123456789 ").unwrap().as_ref(),
            "MTN123456789"
        );
        assert!(TransactionId::parse("ab").is_err());
        assert!(TransactionId::parse("MTN 123").is_err());
        assert_eq!(parse_code("MTN_MOMO", "e"), Ok("MTN_MOMO".into()));
        assert!(parse_code("mtn", "e").is_err());
    }
}
