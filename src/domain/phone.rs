//! A phone number in E.164 form (`+` then 8 to 15 digits); Cameroon's 9-digit numbers get +237.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Spaces, dots, dashes and brackets are ignored; `00` is read as `+`; a bare
    /// 9-digit number starting with 6 or 2 is taken as Cameroonian.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("error.phone_required");
        }
        let mut digits = String::new();
        for (i, c) in trimmed.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '.' | '-' | '(' | ')' => {}
                _ => return Err("error.phone_invalid"),
            }
        }
        let international = if trimmed.starts_with('+') {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_string()
        } else if digits.len() == 9 && (digits.starts_with('6') || digits.starts_with('2')) {
            format!("237{digits}")
        } else {
            return Err("error.phone_invalid");
        };
        if !(8..=15).contains(&international.len()) || international.starts_with('0') {
            return Err("error.phone_invalid");
        }
        Ok(Self(format!("+{international}")))
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_normalised_to_e164() {
        assert_eq!(
            PhoneNumber::parse("+237 6 77 12 34 56").unwrap().as_ref(),
            "+237677123456"
        );
        assert_eq!(
            PhoneNumber::parse("677123456").unwrap().as_ref(),
            "+237677123456"
        );
        assert_eq!(
            PhoneNumber::parse("0033 6 12 34 56 78").unwrap().as_ref(),
            "+33612345678"
        );
        assert_eq!(
            PhoneNumber::parse("+1 (415) 555-0100").unwrap().as_ref(),
            "+14155550100"
        );
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for bad in [
            "",
            "12345",
            "+12",
            "abc",
            "+237 67x",
            "0612345678",
            "+0123456789",
            "+1234567890123456",
            "++237677123456",
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
