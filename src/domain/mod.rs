//! Pure domain types shared by the server and the browser: parsed once, trusted afterwards.

/// An enum stored as its upper-case spelling, with `parse` and `as_str`.
macro_rules! spelled {
    ($(#[$m:meta])* $name:ident, $err:literal, { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn parse(raw: &str) -> Result<Self, &'static str> {
                match raw.trim().to_ascii_uppercase().as_str() {
                    $($text => Ok(Self::$variant),)+
                    _ => Err($err),
                }
            }

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }
    };
}

mod billing;
mod door_code;
mod email;
pub mod lang;
mod money;
mod name;
mod order;
mod password;
mod payment;
mod phone;
mod proof;
mod role;
mod ticket;
mod ussd;
mod wallet_number;

pub use billing::{
    days_left, format_invoice_number, format_payment_reference, invoice_number_prefix,
    parse_invoice_number, parse_payment_reference, parse_reason, refund_allowed, tax_included,
    AccountKind, PayWith, PaymentStatus, SubscriptionStatus,
};
#[cfg(any(feature = "ssr", feature = "hydrate"))]
pub use door_code::door_key;
pub use door_code::{
    door_key_of_digest, format_door_code, parse_door_code, Gate, TicketKey, DOOR_CODE_ALPHABET,
    GATE_MAX,
};
pub use email::Email;
pub use lang::Lang;
pub use money::{Currency, Money};
pub use name::{FamilyName, PersonName};
pub use order::{
    local_date, local_display, local_input, local_sortable, parse_eticket_code,
    parse_local_datetime, parse_order_reference, parse_utc_offset, sales_check,
    set_site_utc_offset, share, site_utc_offset, CommissionStatus, Deposit, ETicketStatus,
    EventKind, OrderStatus, Quantity, ReferralKind, RefundStatus, Slug, StayDates,
    DEFAULT_UTC_OFFSET_SECS,
};
pub use password::Password;
pub use payment::PaymentPurpose;
pub use phone::PhoneNumber;
pub use proof::{clean_filename, ProofKind, MAX_PROOF_BYTES};
pub use role::Role;
pub use ticket::{parse_code, TicketReference, TicketStatus, TransactionId};
pub use ussd::UssdCode;
pub use wallet_number::{
    failure_key, wallet_failure_key, Operator, WalletNumber, MTN_SANDBOX_NUMBERS,
};
