//! HTTP, database and SMTP tests: the real app on port 0 against a fresh database per test.

mod accounts;
mod billing;
mod cli;
mod helpers;
mod ledger;
mod mail;
mod mobile_money;
mod orders;
mod payments_core;
mod phone_accounts;
mod rate_limits;
mod security;
mod statements;
mod storage;
mod sumup;
mod ticket_pages;
mod tickets;
mod whatsapp;
mod where_to_pay;
