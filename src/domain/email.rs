//! An e-mail address, lower-cased and checked by an RFC 5322 parser: the `email_address` crate,
//! the same one lettre uses when the address is handed to it for sending, so an address
//! accepted here is one the outbox can send to.

use email_address::{EmailAddress, Options};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// Accepts a bare `local@domain.tld`, trimmed and lower-cased, at most 254 characters:
    /// no display name (`Ada <ada@x.cm>`), no list (`a,b@x.cm`), no quoted local part, no IP
    /// literal for a domain, and the domain must have a top-level part.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("error.email_required");
        }
        // Quoted local parts are valid RFC 5322 but are a way to smuggle commas and spaces
        // through to other systems; no family needs one.
        if s.len() > 254
            || s.starts_with('"')
            || s.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err("error.email_invalid");
        }
        let options = Options::default()
            .with_required_tld()
            .without_domain_literal()
            .without_display_text();
        let parsed =
            EmailAddress::parse_with_options(&s, options).map_err(|_| "error.email_invalid")?;
        // The parser allows underscores in domain labels; DNS host names do not.
        if parsed.domain().contains('_') {
            return Err("error.email_invalid");
        }
        Ok(Self(s))
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses_are_normalised() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").unwrap().as_ref(),
            "ada@example.com"
        );
        for good in [
            "a.b+tag@sub.example.cm",
            "o'brien@example.ie",
            "a-b_c@ex-ample.co.uk",
            "ada@xn--exmple-cua.cm",
        ] {
            assert!(Email::parse(good).is_ok(), "{good} should be accepted");
        }
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "a da@example.com",
            "ada@exa_mple.com",
            "ada@.example.com",
            "ada@example..com",
            // A list, a display name, a quoted local part, an IP literal, a trailing dot.
            "a,b@x.cm",
            "a;b@x.cm",
            "Ada <ada@x.cm>",
            "<ada@x.cm>",
            "\"a b\"@x.cm",
            "\"a,b\"@x.cm",
            "ada@[127.0.0.1]",
            "ada.@x.cm",
            ".ada@x.cm",
            "a..da@x.cm",
            "ada@x.cm.",
            "ada@-x.cm",
            "ada(comment)@x.cm",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(Email::parse("").unwrap_err(), "error.email_required");
    }
}
