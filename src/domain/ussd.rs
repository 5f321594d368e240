//! A USSD code a payer dials from any phone (`*126#`, `#150#`): stars, hashes and digits,
//! starting with `*` or `#` and ending with `#`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UssdCode(String);

impl UssdCode {
    /// Spaces are ignored; an empty input is no code.
    pub fn parse(raw: &str) -> Result<Option<Self>, &'static str> {
        let code: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if code.is_empty() {
            return Ok(None);
        }
        let ok = code.len() <= 40
            && code.len() >= 3
            && code
                .chars()
                .all(|c| c.is_ascii_digit() || c == '*' || c == '#')
            && (code.starts_with('*') || code.starts_with('#'))
            && code.ends_with('#')
            && code.chars().any(|c| c.is_ascii_digit());
        if ok {
            Ok(Some(Self(code)))
        } else {
            Err("error.ussd_invalid")
        }
    }

    /// The `tel:` link that dials it (`#` must be escaped in a URI).
    pub fn dial_link(&self) -> String {
        format!("tel:{}", self.0.replace('#', "%23"))
    }
}

impl AsRef<str> for UssdCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_codes_parse_and_dial() {
        let code = UssdCode::parse(" *126# ").unwrap().unwrap();
        assert_eq!(code.as_ref(), "*126#");
        assert_eq!(code.dial_link(), "tel:*126%23");
        assert_eq!(
            UssdCode::parse("#150*1#").unwrap().unwrap().as_ref(),
            "#150*1#"
        );
        assert_eq!(UssdCode::parse("").unwrap(), None);
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in ["126", "*126", "*abc#", "**#", "tel:*126#", &"*1".repeat(30)] {
            assert_eq!(UssdCode::parse(bad), Err("error.ussd_invalid"), "{bad}");
        }
    }
}
