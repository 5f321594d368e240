//! What pages read of payments: a payment's result for its payer, the sandbox page, a
//! family's history, invoices and wallet — each only for whoever may see it.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{invoice, show, InvoiceRow, PaymentResult, PaymentRow, SandboxView, WalletRow};
use crate::{
    domain::parse_payment_reference,
    error::AppError,
    platform::{
        auth::AuthUser,
        config::{CardGateway, Config},
        respond,
        signing::Signer,
    },
};

/// A payment visible to `user` (admins, its payer, its family's manager); anything else is
/// "not found", so references cannot be probed.
pub(crate) async fn visible(
    pool: &PgPool,
    user: &AuthUser,
    reference: &str,
) -> Result<Uuid, AppError> {
    let reference = parse_payment_reference(reference).ok_or(AppError::NotFound)?;
    let r = sqlx::query!(
        "SELECT id, user_id, family_id FROM payments WHERE reference = $1",
        reference
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    if user.may_read(r.family_id, r.user_id) {
        Ok(r.id)
    } else {
        Err(AppError::NotFound)
    }
}

/// The return pages' view: the server's state of the payment, whatever the URL says.
pub async fn result(
    pool: &PgPool,
    user: &AuthUser,
    reference: &str,
) -> Result<PaymentResult, AppError> {
    let id = visible(pool, user, reference).await?;
    let r = sqlx::query!(
        r#"SELECT p.reference, p.status, p.amount, p.currency, p.description, p.failure_reason,
                  p.needs_review, p.period_end AS "period_end: DateTime<Utc>", i.number AS "invoice?"
           FROM payments p LEFT JOIN invoices i ON i.payment_id = p.id WHERE p.id = $1"#,
        id
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    Ok(PaymentResult {
        reference: r.reference,
        status: r.status,
        amount: show(r.amount, &r.currency),
        description: r.description,
        invoice_number: r.invoice,
        period_end: r.period_end,
        failure_reason: r.failure_reason,
        needs_review: r.needs_review,
    })
}

/// Who may open a sandbox checkout: a guest with its signature, or a signed-in user who may
/// see the payment.
pub struct SandboxAccess<'a> {
    pub user: Option<&'a AuthUser>,
    pub sig: &'a str,
}

/// The sandbox page's view, for the payer.
pub async fn sandbox_view(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
    who: &SandboxAccess<'_>,
    reference: &str,
) -> Result<SandboxView, AppError> {
    // Once another gateway is configured, payments opened in the sandbox can no longer be
    // settled by whoever holds their link.
    if config.billing.card_gateway != CardGateway::Sandbox {
        return Err(AppError::NotFound);
    }
    let reference = parse_payment_reference(reference).ok_or(AppError::NotFound)?;
    let signed = !who.sig.is_empty() && signer.verify(&format!("sandbox:{reference}"), who.sig);
    if !signed {
        match who.user {
            Some(user) => {
                visible(pool, user, &reference).await?;
            }
            None => return Err(AppError::Unauthorized),
        }
    }
    let r = sqlx::query!(
        "SELECT id, reference, amount, currency, description, status, provider FROM payments WHERE reference = $1",
        reference
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    if r.provider != "sandbox" {
        return Err(AppError::NotFound);
    }
    Ok(SandboxView {
        reference: r.reference,
        amount: show(r.amount, &r.currency),
        description: r.description,
        status: r.status,
        sig: who.sig.to_string(),
    })
}

/// A family's payments, invoices, wallet balances and wallet movements, newest first.
pub struct FamilyHistory {
    pub payments: Vec<PaymentRow>,
    pub invoices: Vec<InvoiceRow>,
    /// (currency, balance shown)
    pub wallet: Vec<(String, String)>,
    pub wallet_moves: Vec<WalletRow>,
}

pub async fn family_history(pool: &PgPool, family_id: Uuid) -> Result<FamilyHistory, AppError> {
    let payments = sqlx::query!(
        r#"SELECT p.reference, p.created_at AS "created_at: DateTime<Utc>", p.amount, p.currency,
                  p.status, p.method, p.provider, p.description, i.number AS "invoice?"
           FROM payments p LEFT JOIN invoices i ON i.payment_id = p.id
           WHERE p.family_id = $1 ORDER BY p.created_at DESC LIMIT 100"#,
        family_id
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| PaymentRow {
        reference: r.reference,
        created_at: r.created_at,
        amount: show(r.amount, &r.currency),
        status: r.status,
        method: r.method,
        provider: r.provider,
        description: r.description,
        invoice_number: r.invoice,
    })
    .collect();
    let invoices = sqlx::query!(
        r#"SELECT number, issued_at AS "issued_at: DateTime<Utc>", total, currency FROM invoices WHERE family_id = $1 ORDER BY issued_at DESC LIMIT 100"#,
        family_id
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| InvoiceRow {
        number: r.number,
        issued_at: r.issued_at,
        total: show(r.total, &r.currency),
    })
    .collect();
    let wallet = sqlx::query!(
        "SELECT currency, balance FROM wallets WHERE family_id = $1 ORDER BY currency",
        family_id
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| (r.currency.clone(), show(r.balance, &r.currency)))
    .collect();
    let wallet_moves = sqlx::query!(
        r#"SELECT created_at AS "created_at: DateTime<Utc>", amount, currency, kind, description FROM wallet_transactions
         WHERE family_id = $1 ORDER BY created_at DESC LIMIT 50"#,
        family_id
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| WalletRow {
        created_at: r.created_at,
        amount: if r.amount < 0 {
            format!("− {}", show(-r.amount, &r.currency))
        } else {
            format!("+ {}", show(r.amount, &r.currency))
        },
        kind: r.kind,
        description: r.description,
    })
    .collect();
    Ok(FamilyHistory {
        payments,
        invoices,
        wallet,
        wallet_moves,
    })
}

/// An invoice for someone allowed to read it: an admin, or the manager of its family. An
/// order's invoice went to its buyer by e-mail; on the site only admins read it.
pub async fn invoice_for(
    pool: &PgPool,
    user: &AuthUser,
    number: &str,
) -> Result<invoice::InvoiceDoc, AppError> {
    let number = crate::domain::parse_invoice_number(number).ok_or(AppError::NotFound)?;
    let doc = invoice::load(pool, &number).await?;
    if user.role.is_admin() || (doc.family_id.is_some() && user.may_read(doc.family_id, None)) {
        Ok(doc)
    } else {
        Err(AppError::NotFound)
    }
}
