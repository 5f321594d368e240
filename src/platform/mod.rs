//! Server-only infrastructure that every feature may use and that uses no feature:
//! configuration, database, sessions and auth, CSRF, the outbox, storage, signing, uploads,
//! documents, audit, references and the port through which payments fulfil what they buy.

pub mod alerts;
pub mod api;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod config;
pub mod csrf;
pub mod csv;
pub mod db;
pub mod flash;
pub mod fulfil;
pub mod health;
pub mod http;
pub mod lang;
pub mod mail_html;
pub mod metrics;
pub mod outbox;
pub mod pdf;
pub mod proof_pdf;
pub mod qr;
pub mod references;
pub mod respond;
pub mod sealed;
pub mod signing;
pub mod state;
pub mod storage;
pub mod throttle;
pub mod uploads;
pub mod whatsapp;
