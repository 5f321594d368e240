//! Pure domain types shared by the server and the browser: parsed once, trusted afterwards.

mod billing;
mod email;
mod lang;
mod money;
mod name;
mod order;
mod password;
mod phone;
mod proof;
mod role;
mod ticket;

pub use billing::{
    days_left, format_invoice_number, format_payment_reference, parse_invoice_number,
    parse_payment_reference, refund_allowed, tax_included, PayWith, PaymentStatus,
    SubscriptionStatus,
};
pub use email::Email;
pub use lang::Lang;
pub use money::{Currency, Money};
pub use name::{FamilyName, PersonName};
pub use order::{
    local_display, local_input, parse_eticket_code, parse_local_datetime, parse_order_reference,
    sales_check, share, CommissionStatus, ETicketStatus, EventKind, OrderStatus, Quantity,
    ReferralKind, RefundStatus, Slug, StayDates,
};
pub use password::Password;
pub use phone::PhoneNumber;
pub use proof::{clean_filename, ProofKind, MAX_PROOF_BYTES};
pub use role::Role;
pub use ticket::{parse_code, TicketReference, TicketStatus, TransactionId};
