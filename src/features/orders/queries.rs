//! Reading events and orders for pages and REST.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    service::{eticket_link, order_signature},
    DoorBoard, DoorCount, EventView, GateCount, OrderEventView, OrderRow, OrderView, TicketLink,
};
use crate::{
    domain::{sales_check, Currency, Deposit, Lang, Money},
    error::AppError,
    i18n::t,
    platform::{
        config::Config,
        csv::{Cell, Sheet},
        db::like_pattern,
        respond,
        signing::Signer,
    },
};

/// As the reader of the page writes money (see `payments::show`).
fn money(minor: i64, currency: &str) -> String {
    Money::new(minor, Currency::parse(currency).unwrap_or(Currency::XAF))
        .format(crate::ui::initial_lang())
}

/// Events and stays; `all` includes unpublished ones and past events (for admins).
pub async fn events(
    pool: &PgPool,
    all: bool,
    slug: Option<&str>,
) -> Result<Vec<EventView>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT id, slug, kind, title, description, venue, starts_at AS "starts_at: DateTime<Utc>",
                  ends_at AS "ends_at: DateTime<Utc>", capacity, sold, max_per_order, price, currency,
                  sales_start AS "sales_start: DateTime<Utc>", sales_end AS "sales_end: DateTime<Utc>",
                  checkin_info, owner_name, owner_phone, owner_email, published, deposit_bps, deposit_amount
           FROM events
           WHERE ($1 OR (published AND (kind = 'STAY' OR ends_at > now())))
             AND ($2::text IS NULL OR slug = $2)
           ORDER BY kind, starts_at NULLS LAST, title"#,
        all,
        slug
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|r| {
            let left = if r.kind == "EVENT" {
                r.capacity - r.sold
            } else {
                r.capacity
            };
            let closed_reason = sales_check(now, r.sales_start, r.sales_end)
                .err()
                .or_else(|| {
                    (r.kind == "EVENT" && r.starts_at.is_some_and(|s| s <= now))
                        .then_some("error.event_started")
                })
                .or_else(|| (left <= 0).then_some("error.sold_out"))
                .map(str::to_string);
            let currency = Currency::parse(&r.currency).unwrap_or(Currency::XAF);
            let deposit = Deposit {
                bps: r.deposit_bps,
                amount: r.deposit_amount,
            };
            EventView {
                id: r.id,
                slug: r.slug,
                deposit: (deposit != Deposit::default()).then(|| {
                    if deposit.bps > 0 {
                        deposit.input(currency)
                    } else {
                        money(deposit.amount, &r.currency)
                    }
                }),
                deposit_input: deposit.input(currency),
                price_display: money(r.price, &r.currency),
                kind: r.kind,
                title: r.title,
                description: r.description,
                venue: r.venue,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                capacity: r.capacity,
                left,
                max_per_order: r.max_per_order,
                price: r.price,
                currency: r.currency,
                sales_start: r.sales_start,
                sales_end: r.sales_end,
                closed_reason,
                checkin_info: r.checkin_info,
                owner_name: r.owner_name,
                owner_phone: r.owner_phone,
                owner_email: r.owner_email,
                published: r.published,
            }
        })
        .collect())
}

/// One order with its history and tickets.
pub async fn order(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
    reference: &str,
) -> Result<OrderView, AppError> {
    let r = sqlx::query!(
        r#"SELECT o.id, o.buyer_id, o.reference, e.slug, e.title, e.kind, o.status, o.quantity, o.check_in, o.check_out, o.nights,
                  o.subtotal, o.discount, o.total, o.amount_paid, o.currency, o.buyer_name, o.buyer_email,
                  o.buyer_phone, o.created_at AS "created_at: DateTime<Utc>", o.payment_method, o.phone_number,
                  o.transaction_id, o.proof_key IS NOT NULL AS "has_proof!", o.proof_content_type, o.paid_via,
                  rc.code AS "referral_code?", o.commission_status, o.referrer_commission, o.refund_status,
                  o.refund_amount, o.refund_id, o.cancel_reason, o.deposit
           FROM orders o JOIN events e ON e.id = o.event_id
           LEFT JOIN referral_codes rc ON rc.id = o.referral_code_id
           WHERE o.reference = $1"#,
        reference
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    let history = sqlx::query!(
        r#"SELECT h.kind, h.details, u.name AS "actor?", h.created_at AS "at: DateTime<Utc>"
           FROM order_events h LEFT JOIN users u ON u.id = h.actor_id
           WHERE h.order_id = $1 ORDER BY h.id"#,
        r.id
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|h| OrderEventView {
        kind: h.kind,
        details: h.details,
        actor: h.actor,
        at: h.at,
    })
    .collect();
    let tickets = sqlx::query!(
        "SELECT seq, token, status FROM etickets WHERE order_id = $1 ORDER BY seq",
        r.id
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|t| TicketLink {
        seq: t.seq,
        url: eticket_link(config, &t.token),
        status: t.status,
    })
    .collect();
    let c = r.currency.as_str();
    Ok(OrderView {
        id: r.id,
        sig: order_signature(signer, &r.reference),
        reference: r.reference,
        event_slug: r.slug,
        event_title: r.title,
        kind: r.kind,
        status: r.status,
        quantity: r.quantity,
        check_in: r.check_in.map(|d| d.to_string()),
        check_out: r.check_out.map(|d| d.to_string()),
        nights: r.nights,
        subtotal: money(r.subtotal, c),
        discount: money(r.discount, c),
        total: money(r.total, c),
        total_minor: r.total,
        amount_paid: money(r.amount_paid, c),
        buyer_name: r.buyer_name,
        buyer_email: r.buyer_email,
        buyer_phone: r.buyer_phone,
        buyer_id: r.buyer_id,
        created_at: r.created_at,
        payment_method: r.payment_method,
        phone_number: r.phone_number,
        transaction_id: r.transaction_id,
        has_proof: r.has_proof,
        proof_content_type: r.proof_content_type,
        paid_via: r.paid_via,
        referral_code: r.referral_code,
        commission_status: r.commission_status,
        referrer_commission: money(r.referrer_commission, c),
        refund_status: r.refund_status,
        refund_amount: r.refund_amount.map(|a| money(a, c)),
        refund_id: r.refund_id,
        cancel_reason: r.cancel_reason,
        history,
        tickets,
        due_now: money(
            if r.deposit > 0 && r.amount_paid == 0 {
                r.deposit
            } else {
                r.total - r.amount_paid
            },
            c,
        ),
        deposit: (r.deposit > 0).then(|| money(r.deposit, c)),
        balance_due: (r.deposit > 0 && r.total > r.amount_paid.max(r.deposit))
            .then(|| money(r.total - r.amount_paid.max(r.deposit), c)),
        card_available: false,
        card_open: None,
        verifying: false,
        phone_available: false,
        phone_open: None,
        currency: r.currency,
    })
}

/// Filters of the admin's order list.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<String>,
    pub event: Option<String>,
    pub search: Option<String>,
    pub refund: Option<String>,
    pub page: i64,
    /// Rows per page: 50 when zero (the page); an export asks for everything.
    pub per_page: i64,
}

/// Orders, newest first, and how many match.
pub async fn orders(pool: &PgPool, f: &OrderFilter) -> Result<(Vec<OrderRow>, i64), AppError> {
    let per_page = if f.per_page > 0 {
        f.per_page.min(50_000)
    } else {
        50
    };
    let search = f
        .search
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(like_pattern);
    let rows = sqlx::query!(
        r#"SELECT o.reference, e.title, e.kind, o.status, o.buyer_name, o.buyer_phone, o.buyer_email, o.quantity, o.total,
                  o.currency, o.proof_key IS NOT NULL AS "has_proof!", o.refund_status, o.refund_amount, o.refund_id,
                  o.created_at AS "created_at: DateTime<Utc>", count(*) OVER () AS "total_count!"
           FROM orders o JOIN events e ON e.id = o.event_id
           WHERE ($1::text IS NULL OR o.status = $1)
             AND ($2::text IS NULL OR e.slug = $2)
             AND ($3::text IS NULL OR o.reference ILIKE $3 OR o.buyer_name ILIKE $3 OR o.buyer_phone ILIKE $3
                  OR o.buyer_email ILIKE $3 OR o.transaction_id ILIKE $3)
             AND ($4::text IS NULL OR ($4 = 'PENDING' AND o.refund_status IN ('REFUND_REQUIRED', 'REFUND_INITIATED'))
                  OR ($4 = 'ANY' AND o.refund_status IS NOT NULL) OR o.refund_status = $4)
           ORDER BY o.created_at DESC, o.reference DESC
           LIMIT $5 OFFSET $6"#,
        f.status,
        f.event,
        search,
        f.refund,
        per_page,
        f.page.max(0) * per_page
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    let total = rows.first().map_or(0, |r| r.total_count);
    Ok((
        rows.into_iter()
            .map(|r| OrderRow {
                total: money(r.total, &r.currency),
                total_minor: r.total,
                refund_minor: r.refund_amount,
                buyer_email: r.buyer_email,
                refund_amount: r.refund_amount.map(|a| money(a, &r.currency)),
                reference: r.reference,
                event_title: r.title,
                kind: r.kind,
                status: r.status,
                buyer_name: r.buyer_name,
                buyer_phone: r.buyer_phone,
                quantity: r.quantity,
                has_proof: r.has_proof,
                refund_status: r.refund_status,
                refund_id: r.refund_id,
                created_at: r.created_at,
                currency: r.currency,
            })
            .collect(),
        total,
    ))
}

/// The admin's order list as a spreadsheet in the reader's language.
pub fn orders_sheet(rows: &[OrderRow], lang: Lang) -> Sheet {
    let mut sheet = Sheet::new(
        lang,
        &[
            "reference",
            "created_at",
            "event",
            "buyer_name",
            "buyer_phone",
            "buyer_email",
            "quantity",
            "total",
            "currency",
            "status",
            "has_proof",
            "refund_status",
            "refund_amount",
        ],
    );
    for r in rows {
        let currency = Currency::parse(&r.currency).unwrap_or(Currency::XAF);
        sheet.row(vec![
            r.reference.as_str().into(),
            Cell::Time(r.created_at),
            r.event_title.as_str().into(),
            r.buyer_name.as_str().into(),
            r.buyer_phone.as_str().into(),
            r.buyer_email.as_str().into(),
            i64::from(r.quantity).into(),
            Cell::Amount(r.total_minor, currency),
            currency.code().into(),
            t(lang, &format!("order.status.{}", r.status)).into(),
            t(lang, if r.has_proof { "csv.yes" } else { "csv.no" }).into(),
            r.refund_status
                .as_deref()
                .map(|s| t(lang, &format!("refund.status.{s}")))
                .into(),
            r.refund_minor
                .map_or(Cell::Empty, |m| Cell::Amount(m, currency)),
        ]);
    }
    sheet
}

/// Checked-in versus issued tickets, per event that has any and whose door `staff` works; and
/// per gate of `event` (a slug).
pub async fn door_counts(pool: &PgPool, staff: Uuid, event: &str) -> Result<DoorBoard, AppError> {
    let events = sqlx::query!(
        r#"SELECT e.slug, e.title, sum(c.checked_in)::bigint AS "checked_in!", sum(c.issued)::bigint AS "issued!"
           FROM event_door_counts c JOIN events e ON e.id = c.event_id
           WHERE works_door($1, e.id)
           GROUP BY e.id, e.slug, e.title, e.starts_at HAVING sum(c.issued) > 0 OR sum(c.checked_in) > 0
           ORDER BY e.starts_at NULLS LAST, e.title"#,
        staff
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|r| DoorCount {
        slug: r.slug,
        title: r.title,
        checked_in: r.checked_in,
        issued: r.issued,
    })
    .collect();
    let gates = if event.is_empty() {
        Vec::new()
    } else {
        sqlx::query!(
            r#"SELECT c.gate, sum(c.checked_in)::bigint AS "checked_in!"
               FROM event_gate_counts c JOIN events e ON e.id = c.event_id
               WHERE e.slug = $1 GROUP BY c.gate HAVING sum(c.checked_in) > 0 ORDER BY c.gate"#,
            event
        )
        .fetch_all(pool)
        .await
        .map_err(respond::internal)?
        .into_iter()
        .map(|r| GateCount {
            gate: r.gate,
            checked_in: r.checked_in,
        })
        .collect()
    };
    Ok(DoorBoard { events, gates })
}

/// The proof an order's buyer sent, for admins.
pub async fn proof_of(
    pool: &PgPool,
    storage: &crate::platform::storage::Storage,
    reference: &str,
) -> Result<(Vec<u8>, String, String), AppError> {
    let r = sqlx::query!(
        r#"SELECT proof_key AS "key!", proof_content_type AS "ct!", proof_filename AS "name!"
           FROM orders WHERE reference = $1 AND proof_key IS NOT NULL"#,
        reference
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    Ok((storage.get(&r.key).await?, r.ct, r.name))
}

/// An order's id by its reference.
pub async fn order_id(pool: &PgPool, reference: &str) -> Result<Uuid, AppError> {
    sqlx::query_scalar!("SELECT id FROM orders WHERE reference = $1", reference)
        .fetch_optional(pool)
        .await
        .map_err(respond::internal)?
        .ok_or(AppError::NotFound)
}
