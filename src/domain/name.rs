//! Names of people and families: trimmed, 1 to 100 characters, no control characters.

use serde::{Deserialize, Serialize};

fn parse_name(
    raw: &str,
    required: &'static str,
    invalid: &'static str,
) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(required);
    }
    if s.chars().count() > 100 || s.chars().any(|c| c.is_control() || "<>{}".contains(c)) {
        return Err(invalid);
    }
    Ok(s.to_string())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        parse_name(raw, "error.name_required", "error.name_invalid").map(Self)
    }
}

impl AsRef<str> for PersonName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyName(String);

impl FamilyName {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        parse_name(
            raw,
            "error.family_name_required",
            "error.family_name_invalid",
        )
        .map(Self)
    }
}

impl AsRef<str> for FamilyName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            PersonName::parse("  Awa Ndiaye ").unwrap().as_ref(),
            "Awa Ndiaye"
        );
        assert_eq!(PersonName::parse("   ").unwrap_err(), "error.name_required");
        assert!(PersonName::parse(&"a".repeat(101)).is_err());
        assert!(PersonName::parse("<script>").is_err());
        assert_eq!(
            FamilyName::parse("").unwrap_err(),
            "error.family_name_required"
        );
        assert!(FamilyName::parse("Famille Mbarga").is_ok());
    }
}
