//! Money as an integer count of minor units and an ISO 4217 currency; never floating point.

use serde::{Deserialize, Serialize};

use super::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    XAF,
    EUR,
    USD,
    HTG,
    TRY,
    INR,
    GBP,
}

impl Currency {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "XAF" | "FCFA" => Ok(Self::XAF),
            "EUR" => Ok(Self::EUR),
            "USD" => Ok(Self::USD),
            "HTG" => Ok(Self::HTG),
            "TRY" => Ok(Self::TRY),
            "INR" => Ok(Self::INR),
            "GBP" => Ok(Self::GBP),
            _ => Err("error.currency_invalid"),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::XAF => "XAF",
            Self::EUR => "EUR",
            Self::USD => "USD",
            Self::HTG => "HTG",
            Self::TRY => "TRY",
            Self::INR => "INR",
            Self::GBP => "GBP",
        }
    }

    /// Digits after the decimal point: XAF has none.
    pub fn minor_digits(self) -> u32 {
        match self {
            Self::XAF => 0,
            _ => 2,
        }
    }

    /// What people in the market write after an amount.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::XAF => "FCFA",
            other => other.code(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Reads what a person types: `15000`, `15 000`, `15.000` (XAF), `12.50` or `12,50` (two decimals).
    pub fn parse(raw: &str, currency: Currency) -> Result<Self, &'static str> {
        let s: String = raw
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}')
            .collect();
        if s.is_empty() {
            return Err("error.amount_required");
        }
        let digits = currency.minor_digits() as usize;
        let (whole, frac) = if digits == 0 {
            // No minor unit: dots and commas can only be thousands separators.
            (s.replace(['.', ','], ""), String::new())
        } else {
            match s.rfind(['.', ',']) {
                Some(i) if s.len() - i - 1 <= digits => {
                    (s[..i].replace(['.', ','], ""), s[i + 1..].to_string())
                }
                _ => (s.replace(['.', ','], ""), String::new()),
            }
        };
        if whole.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
        {
            return Err("error.amount_invalid");
        }
        let scale = 10i64.pow(digits as u32);
        let whole: i64 = whole.parse().map_err(|_| "error.amount_invalid")?;
        let frac: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<digits$}")
                .parse()
                .map_err(|_| "error.amount_invalid")?
        };
        let minor = whole
            .checked_mul(scale)
            .and_then(|w| w.checked_add(frac))
            .ok_or("error.amount_invalid")?;
        if minor <= 0 {
            return Err("error.amount_positive");
        }
        if minor > 1_000_000_000_000 {
            return Err("error.amount_invalid");
        }
        Ok(Self { minor, currency })
    }

    /// `15 000 FCFA`, `12.50 EUR`.
    /// The amount as a form shows it for editing: major units, no grouping, no currency.
    pub fn plain(&self) -> String {
        let digits = self.currency.minor_digits();
        if digits == 0 {
            return self.minor.to_string();
        }
        let scale = 10i64.pow(digits);
        format!(
            "{}.{:0width$}",
            self.minor / scale,
            self.minor % scale,
            width = digits as usize
        )
    }

    pub fn display(&self) -> String {
        let digits = self.currency.minor_digits();
        let scale = 10i64.pow(digits);
        let whole = (self.minor / scale).to_string();
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(' ');
            }
            grouped.push(c);
        }
        if digits == 0 {
            format!("{grouped} {}", self.currency.symbol())
        } else {
            format!(
                "{grouped}.{:0width$} {}",
                self.minor % scale,
                self.currency.symbol(),
                width = digits as usize
            )
        }
    }
}

/// A narrow no-break space: French groups thousands with it, and nothing wraps inside a number.
const NNBSP: char = '\u{202f}';
/// A no-break space: between an amount and its currency.
const NBSP: char = '\u{a0}';

impl Currency {
    /// How the language writes the currency, and whether it goes before the amount.
    fn mark(self, lang: Lang) -> (&'static str, bool) {
        match (lang, self) {
            (_, Self::XAF) => ("FCFA", false),
            (Lang::Fr, Self::EUR) => ("€", false),
            (Lang::Fr, Self::USD) => ("$US", false),
            (Lang::Fr, Self::GBP) => ("£GB", false),
            (Lang::Fr, Self::INR) => ("₹", false),
            (Lang::Fr, other) => (other.code(), false),
            (Lang::En, Self::EUR) => ("€", true),
            (Lang::En, Self::USD) => ("$", true),
            (Lang::En, Self::GBP) => ("£", true),
            (Lang::En, Self::INR) => ("₹", true),
            (Lang::En, other) => (other.code(), true),
        }
    }
}

impl Money {
    /// The amount as the language writes it: `12 500 FCFA` and `29,00 $US` in French,
    /// `12,500 FCFA` and `$29.00` in English; no line break can fall inside it.
    pub fn format(&self, lang: Lang) -> String {
        let (group, decimal) = match lang {
            Lang::Fr => (NNBSP, ','),
            Lang::En => (',', '.'),
        };
        let digits = self.currency.minor_digits();
        let scale = 10i64.pow(digits);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let whole = (abs / scale as u64).to_string();
        let mut number = String::from(sign);
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                number.push(group);
            }
            number.push(c);
        }
        if digits > 0 {
            number.push(decimal);
            number.push_str(&format!(
                "{:0width$}",
                abs % scale as u64,
                width = digits as usize
            ));
        }
        match self.currency.mark(lang) {
            (mark, true) if mark.chars().count() == 1 => format!("{mark}{number}"),
            (mark, true) => format!("{mark}{NBSP}{number}"),
            (mark, false) => format!("{number}{NBSP}{mark}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_people_write_them() {
        assert_eq!(Money::parse("15000", Currency::XAF).unwrap().minor, 15000);
        assert_eq!(Money::parse("15 000", Currency::XAF).unwrap().minor, 15000);
        assert_eq!(Money::parse("15.000", Currency::XAF).unwrap().minor, 15000);
        assert_eq!(Money::parse("12.5", Currency::EUR).unwrap().minor, 1250);
        assert_eq!(Money::parse("12,50", Currency::EUR).unwrap().minor, 1250);
        assert_eq!(
            Money::parse("1,234.56", Currency::USD).unwrap().minor,
            123456
        );
        assert_eq!(Money::parse("7", Currency::USD).unwrap().minor, 700);
    }

    #[test]
    fn bad_amounts_are_refused() {
        assert_eq!(
            Money::parse("", Currency::XAF).unwrap_err(),
            "error.amount_required"
        );
        assert_eq!(
            Money::parse("0", Currency::XAF).unwrap_err(),
            "error.amount_positive"
        );
        for bad in ["-5", "abc", "12e3", "99999999999999999999", "1.2.3x"] {
            assert!(Money::parse(bad, Currency::XAF).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_display_grouped_with_their_currency() {
        assert_eq!(Money::new(15000, Currency::XAF).display(), "15 000 FCFA");
        assert_eq!(Money::new(1250, Currency::EUR).display(), "12.50 EUR");
        assert_eq!(Money::new(5, Currency::XAF).display(), "5 FCFA");
        assert_eq!(Currency::parse("fcfa"), Ok(Currency::XAF));
    }

    #[test]
    fn each_language_writes_money_its_own_way() {
        let xaf = Money::new(12500, Currency::XAF);
        assert_eq!(xaf.format(Lang::Fr), "12\u{202f}500\u{a0}FCFA");
        assert_eq!(xaf.format(Lang::En), "12,500\u{a0}FCFA");
        let usd = Money::new(2900, Currency::USD);
        assert_eq!(usd.format(Lang::Fr), "29,00\u{a0}$US");
        assert_eq!(usd.format(Lang::En), "$29.00");
        assert_eq!(
            Money::new(123456789, Currency::EUR).format(Lang::Fr),
            "1\u{202f}234\u{202f}567,89\u{a0}€"
        );
        assert_eq!(
            Money::new(-500, Currency::XAF).format(Lang::En),
            "-500\u{a0}FCFA"
        );
        assert_eq!(
            Money::new(5, Currency::TRY).format(Lang::En),
            "TRY\u{a0}0.05"
        );
        // Nothing a browser may break a line at.
        assert!(!xaf.format(Lang::Fr).contains(' '));
    }
}
