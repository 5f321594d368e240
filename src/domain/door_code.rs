//! What door staff scan or type: the e-ticket's link (its 40-hex-digit token) or the short code
//! printed under its QR code. The short code is eight characters of Crockford's base 32 (no I,
//! L, O or U), shown as `K7QM-3XP9`; typed, case, spaces and dashes do not matter, and the
//! letters read for digits (O for 0, I and L for 1) are taken as those digits.

/// The characters of a door code, in Crockford's order.
pub const DOOR_CODE_ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A ticket as the door names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketKey {
    /// The token of the e-ticket's link (lower-case hex).
    Token(String),
    /// The short code, normalised (eight upper-case characters of the alphabet).
    DoorCode(String),
}

impl TicketKey {
    /// A scanned link, a bare token or a typed short code; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        if let Some(token) = super::parse_eticket_code(raw) {
            return Some(Self::Token(token));
        }
        parse_door_code(raw).map(Self::DoorCode)
    }

    /// How the door's address carries it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Token(t) | Self::DoorCode(t) => t,
        }
    }
}

/// A typed short code, normalised, or `None` when it cannot be one.
pub fn parse_door_code(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(8);
    for c in raw.trim().chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\u{a0}' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if DOOR_CODE_ALPHABET.contains(c) => c,
            _ => return None,
        };
        out.push(c);
        if out.len() > 8 {
            return None;
        }
    }
    (out.len() == 8).then_some(out)
}

/// The gate a door phone scans at, as staff name it ("North gate"): control characters
/// dropped, spaces collapsed, cut at 40 characters (the door never refuses a scan over its
/// gate's name). Empty when staff name none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gate(String);

/// The longest gate name, in characters.
pub const GATE_MAX: usize = 40;

impl Gate {
    pub fn tidy(raw: &str) -> Self {
        let clean: String = raw
            .chars()
            .filter(|c| !c.is_control() || c.is_whitespace())
            .collect();
        let words = clean.split_whitespace().collect::<Vec<_>>().join(" ");
        Self(
            words
                .chars()
                .take(GATE_MAX)
                .collect::<String>()
                .trim_end()
                .to_string(),
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a phone's offline check-in list keys a ticket by: the first 8 bytes of the SHA-256 of
/// its link's token, or of its normalised door code, in hex. Enough to tell an event's tickets
/// apart; a stolen list gives neither a link nor a code to enter with.
#[cfg(any(feature = "ssr", feature = "hydrate"))]
pub fn door_key(text: &str) -> String {
    use sha2::{Digest, Sha256};
    door_key_of_digest(&Sha256::digest(text.as_bytes()))
}

/// `door_key` from a SHA-256 digest already made (the stored token hash).
pub fn door_key_of_digest(digest: &[u8]) -> String {
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A stored code as printed: `K7QM-3XP9`.
pub fn format_door_code(code: &str) -> String {
    if code.len() == 8 && code.is_ascii() {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_code_is_read_however_it_was_typed() {
        assert_eq!(parse_door_code("K7QM-3XP9").as_deref(), Some("K7QM3XP9"));
        assert_eq!(parse_door_code(" k7qm 3xp9 ").as_deref(), Some("K7QM3XP9"));
        // Letters read for digits.
        assert_eq!(parse_door_code("OIL0-1234").as_deref(), Some("01101234"));
        assert_eq!(parse_door_code("K7QM-3XP"), None, "too short");
        assert_eq!(parse_door_code("K7QM-3XP99"), None, "too long");
        assert_eq!(
            parse_door_code("K7QM-3XPU"),
            None,
            "U is not in the alphabet"
        );
        assert_eq!(parse_door_code("K7QM/3XP9"), None);
        assert_eq!(format_door_code("K7QM3XP9"), "K7QM-3XP9");
    }

    #[test]
    fn the_door_tells_links_from_codes() {
        let token = "ab".repeat(20);
        assert_eq!(
            TicketKey::parse(&format!("https://x.cm/t/{token}")),
            Some(TicketKey::Token(token.clone()))
        );
        assert_eq!(
            TicketKey::parse("k7qm-3xp9"),
            Some(TicketKey::DoorCode("K7QM3XP9".into()))
        );
        assert_eq!(TicketKey::parse("hello"), None);
        assert_eq!(TicketKey::parse(""), None);
    }

    #[test]
    fn door_keys_are_short_digests() {
        // SHA-256("abc") = ba7816bf8f01cfea…
        assert_eq!(door_key("abc"), "ba7816bf8f01cfea");
        assert_eq!(door_key_of_digest(&[0xab; 32]), "abababababababab");
    }

    #[test]
    fn gates_are_tidied_and_bounded() {
        assert_eq!(Gate::tidy("  North \t gate ").as_str(), "North gate");
        assert_eq!(Gate::tidy("").as_str(), "");
        assert_eq!(
            Gate::tidy(&"é".repeat(GATE_MAX + 5))
                .as_str()
                .chars()
                .count(),
            GATE_MAX
        );
        assert_eq!(Gate::tidy("A\u{0}B\u{7}").as_str(), "AB");
    }
}
