//! A new password that meets the rules: 10 to 128 characters, not only digits, not blank.

/// Never `Debug`-printed with its content and never serialised.
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let n = raw.chars().count();
        if raw.trim().is_empty() {
            return Err("error.password_required");
        }
        if n < Self::MIN_CHARS {
            return Err("error.password_short");
        }
        if n > Self::MAX_CHARS {
            return Err("error.password_long");
        }
        if raw.chars().all(|c| c.is_ascii_digit()) {
            return Err("error.password_digits");
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_enforced() {
        assert_eq!(
            Password::parse("short").unwrap_err(),
            "error.password_short"
        );
        assert_eq!(
            Password::parse("          ").unwrap_err(),
            "error.password_required"
        );
        assert_eq!(
            Password::parse("12345678901").unwrap_err(),
            "error.password_digits"
        );
        assert_eq!(
            Password::parse(&"x".repeat(129)).unwrap_err(),
            "error.password_long"
        );
        assert!(Password::parse("correct horse").is_ok());
        // Characters, not bytes, are counted.
        assert!(Password::parse("éééééééééé").is_ok());
    }

    #[test]
    fn debug_hides_the_secret() {
        let p = Password::parse("correct horse").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }
}
