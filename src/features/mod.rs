//! One folder per capability: its server functions, server-side service and pages.

pub mod accounts;
pub mod admin;
pub mod billing;
pub mod family;
pub mod orders;
pub mod payment_tickets;
pub mod payments;
pub mod statements;
