//! A mobile money account number, and the operator it belongs to: Cameroon's numbers are told
//! apart by their prefix (MTN: 650–654, 67x, 680–684; Orange: 655–659, 69x, 685–689).

use serde::{Deserialize, Serialize};

use super::PhoneNumber;

/// The operators whose wallets a payer can approve a payment from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operator {
    Mtn,
    Orange,
}

impl Operator {
    /// The payment method stored on the payment (`MTN_MOMO`, `ORANGE_MONEY`).
    pub fn method(self) -> &'static str {
        match self {
            Self::Mtn => "MTN_MOMO",
            Self::Orange => "ORANGE_MONEY",
        }
    }

    /// What the payer dials when no approval prompt appears.
    pub fn approval_code(self) -> &'static str {
        match self {
            Self::Mtn => "*126#",
            Self::Orange => "#150*50#",
        }
    }
}

/// MTN's documented sandbox numbers (failed, rejected, expired, pending for ever, delayed):
/// accepted as MTN numbers only where the operator is a sandbox.
pub const MTN_SANDBOX_NUMBERS: [&str; 5] = [
    "46733123450",
    "46733123451",
    "46733123452",
    "46733123453",
    "46733123454",
];

/// A wallet's number as the operators take it: digits only, with the country code
/// (`237677123456`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletNumber {
    msisdn: String,
    operator: Operator,
}

impl WalletNumber {
    /// A Cameroonian MTN or Orange number, written as people write it (`6 77 12 34 56`,
    /// `+237 677 12 34 56`, `00237677123456`). With `sandbox`, MTN's test numbers too.
    pub fn parse(raw: &str, sandbox: bool) -> Result<Self, &'static str> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let compact = compact.trim_start_matches('+');
        if sandbox && MTN_SANDBOX_NUMBERS.contains(&compact) {
            return Ok(Self {
                msisdn: compact.to_string(),
                operator: Operator::Mtn,
            });
        }
        // `237677123456`, as operators write numbers, is taken with its country code.
        let international = compact.len() == 12
            && compact.starts_with("2376")
            && compact.bytes().all(|b| b.is_ascii_digit());
        let phone = if international {
            PhoneNumber::parse(&format!("+{compact}"))?
        } else {
            PhoneNumber::parse(raw)?
        };
        let digits = &phone.as_ref()[1..];
        let local = digits
            .strip_prefix("237")
            .filter(|l| l.len() == 9)
            .ok_or("error.wallet_not_cameroon")?;
        let operator = operator_of(local).ok_or("error.wallet_operator_unknown")?;
        Ok(Self {
            msisdn: digits.to_string(),
            operator,
        })
    }

    pub fn msisdn(&self) -> &str {
        &self.msisdn
    }

    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The number with all but its last three digits hidden (`+237 6•• ••• 456`), for pages
    /// that anyone holding the link may see.
    pub fn masked(msisdn: &str) -> String {
        let n = msisdn.len();
        if n < 4 {
            return "•••".into();
        }
        format!("+{}••••{}", &msisdn[..n.min(4)], &msisdn[n - 3..])
    }
}

/// The operator of a 9-digit Cameroonian mobile number.
fn operator_of(local: &str) -> Option<Operator> {
    let b = local.as_bytes();
    if b.len() != 9 || b[0] != b'6' || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    match (b[1], b[2]) {
        (b'7', _) => Some(Operator::Mtn),
        (b'9', _) => Some(Operator::Orange),
        (b'5' | b'8', d) if d <= b'4' => Some(Operator::Mtn),
        (b'5' | b'8', _) => Some(Operator::Orange),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mtn_and_orange_are_told_apart_by_prefix() {
        for (raw, op) in [
            ("677123456", Operator::Mtn),
            ("+237 6 77 12 34 56", Operator::Mtn),
            ("00237650123456", Operator::Mtn),
            ("654 12 34 56", Operator::Mtn),
            ("680123456", Operator::Mtn),
            ("684123456", Operator::Mtn),
            ("699123456", Operator::Orange),
            ("655123456", Operator::Orange),
            ("659123456", Operator::Orange),
            ("685123456", Operator::Orange),
            ("689123456", Operator::Orange),
            ("237677123456", Operator::Mtn),
            ("237 699 12 34 56", Operator::Orange),
        ] {
            let n = WalletNumber::parse(raw, false).unwrap();
            assert_eq!(n.operator(), op, "{raw}");
            assert_eq!(n.msisdn().len(), 12, "{raw}");
            assert!(n.msisdn().starts_with("2376"), "{raw}");
        }
    }

    #[test]
    fn other_numbers_are_refused_with_a_reason() {
        assert_eq!(WalletNumber::parse("", false), Err("error.phone_required"));
        assert_eq!(
            WalletNumber::parse("abc", false),
            Err("error.phone_invalid")
        );
        // Nexttel (66x), a landline (2…), a French number.
        assert_eq!(
            WalletNumber::parse("662123456", false),
            Err("error.wallet_operator_unknown")
        );
        assert_eq!(
            WalletNumber::parse("222123456", false),
            Err("error.wallet_operator_unknown")
        );
        assert_eq!(
            WalletNumber::parse("+33 6 12 34 56 78", false),
            Err("error.wallet_not_cameroon")
        );
        // MTN's sandbox numbers only in a sandbox.
        assert!(WalletNumber::parse("46733123451", false).is_err());
        assert_eq!(
            WalletNumber::parse("46733123451", true).unwrap().operator(),
            Operator::Mtn
        );
    }

    #[test]
    fn numbers_are_masked_for_shared_pages() {
        assert_eq!(WalletNumber::masked("237677123456"), "+2376••••456");
        assert_eq!(WalletNumber::masked("12"), "•••");
    }
}

/// The message key that tells a payer what an operator's failure code means (MTN's reason
/// codes, Orange's statuses, and our own `UNAVAILABLE` and `expired`).
pub fn wallet_failure_key(code: &str) -> &'static str {
    match code {
        "PAYER_NOT_FOUND" | "PAYEE_NOT_FOUND" => "momo.reason.payer_not_found",
        "NOT_ENOUGH_FUNDS" => "momo.reason.not_enough_funds",
        "APPROVAL_REJECTED" | "APPROVAL_REJECTED_BY_PAYER" | "REJECTED" => "momo.reason.rejected",
        "EXPIRED" | "expired" | "TIMEOUT" | "TRANSACTION_TIMED_OUT" => "momo.reason.expired",
        "PAYER_LIMIT_REACHED" | "PAYEE_LIMIT_REACHED" => "momo.reason.limit",
        "INVALID_CURRENCY" | "INVALID_AMOUNT" => "momo.reason.invalid_amount",
        "UNAVAILABLE" => "momo.reason.unavailable",
        _ => "momo.reason.failed",
    }
}

/// A failure reason as stored on a payment, for people: an operator's code (`NOT_ENOUGH_FUNDS`)
/// becomes its message key; a provider's own sentence (`declined at SumUp`) is `None`, shown as
/// it came.
pub fn failure_key(reason: &str) -> Option<&'static str> {
    let coded = !reason.is_empty()
        && reason
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    (coded || reason == "expired").then(|| wallet_failure_key(reason))
}

#[cfg(test)]
mod failure_tests {
    use super::*;

    #[test]
    fn operator_codes_have_words_and_sentences_stay() {
        assert_eq!(
            failure_key("NOT_ENOUGH_FUNDS"),
            Some("momo.reason.not_enough_funds")
        );
        assert_eq!(
            failure_key("APPROVAL_REJECTED"),
            Some("momo.reason.rejected")
        );
        assert_eq!(failure_key("expired"), Some("momo.reason.expired"));
        assert_eq!(failure_key("SOME_NEW_CODE"), Some("momo.reason.failed"));
        assert_eq!(failure_key("declined at SumUp"), None);
        assert_eq!(failure_key(""), None);
    }
}
