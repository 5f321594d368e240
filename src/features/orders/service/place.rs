//! Placing an order: every field checked, the places (or the nights) held in the transaction
//! that numbers and stores it, and the buyer e-mailed their signed link.

use chrono::{DateTime, Datelike, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{order_event, order_link, order_signature};
use crate::{
    domain::{
        sales_check, share, Currency, Deposit, Email, EventKind, Lang, Money, OrderStatus,
        PersonName, PhoneNumber, Quantity, StayDates,
    },
    error::{AppError, Checks, Echo},
    features::orders::OrderFields,
    platform::{
        auth::AuthUser, config::Config, outbox, references::next_number, respond, signing::Signer,
    },
};

impl OrderFields {
    pub(crate) fn echo(&self) -> Echo {
        vec![
            ("quantity".into(), self.quantity.clone()),
            ("check_in".into(), self.check_in.clone()),
            ("check_out".into(), self.check_out.clone()),
            ("name".into(), self.name.clone()),
            ("email".into(), self.email.clone()),
            ("phone".into(), self.phone.clone()),
            ("referral_code".into(), self.referral_code.clone()),
        ]
    }
}

/// Places an order: checks every field, holds the places (or the nights) in the same
/// transaction that numbers and stores the order, and e-mails the buyer their signed link.
/// Returns the reference and its signature.
#[tracing::instrument(skip_all, fields(slug = %form.slug))]
pub async fn place_order(
    pool: &PgPool,
    config: &Config,
    signer: &Signer,
    buyer: Option<&AuthUser>,
    lang: Lang,
    form: &OrderFields,
) -> Result<(String, String), AppError> {
    let echo = form.echo();
    let bad = |field: &str, key: &str| AppError::field(field, key, echo.clone());
    let event = sqlx::query!(
        r#"SELECT id, kind, title, price, currency, capacity, max_per_order, deposit_bps, deposit_amount,
                  starts_at AS "starts_at: DateTime<Utc>",
                  sales_start AS "sales_start: DateTime<Utc>", sales_end AS "sales_end: DateTime<Utc>"
           FROM events WHERE slug = $1 AND published"#,
        form.slug
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    let kind = EventKind::parse(&event.kind).map_err(respond::internal)?;
    let now = Utc::now();
    sales_check(now, event.sales_start, event.sales_end)
        .map_err(|k| AppError::form(k, echo.clone(), 409))?;
    if kind == EventKind::Event && event.starts_at.is_some_and(|s| s <= now) {
        return Err(AppError::form("error.event_started", echo, 409));
    }
    // Every field is checked, so the buyer sees all that is wrong at once.
    let mut checks = Checks::new(&echo);
    let name = checks.field("name", PersonName::parse(&form.name));
    let email = checks.field("email", Email::parse(&form.email));
    let phone = checks.field("phone", PhoneNumber::parse(&form.phone));
    let (quantity, dates) = match kind {
        EventKind::Event => (
            checks.field(
                "quantity",
                Quantity::parse(&form.quantity, event.max_per_order),
            ),
            None,
        ),
        EventKind::Stay => {
            let dates = match StayDates::parse(&form.check_in, &form.check_out, now.date_naive()) {
                Ok(d) => Some(d),
                Err(k) => {
                    let field = if k == "error.dates_reversed" {
                        "check_out"
                    } else {
                        "check_in"
                    };
                    checks.refuse(field, k);
                    None
                }
            };
            let guests = checks.field("quantity", Quantity::parse(&form.quantity, event.capacity));
            (guests, dates)
        }
    };
    let code = form.referral_code.trim().to_ascii_uppercase();
    let referral = if code.is_empty() {
        None
    } else {
        let found = sqlx::query!(
            "SELECT id, discount_bps, referrer_bps, admin_bps FROM referral_codes WHERE code = $1 AND active",
            code
        )
        .fetch_optional(pool)
        .await
        .map_err(respond::internal)?;
        if found.is_none() {
            checks.refuse("referral_code", "error.referral_invalid");
        }
        found
    };
    checks.finish()?;
    let (Some(name), Some(email), Some(phone), Some(quantity)) = (name, email, phone, quantity)
    else {
        return Err(AppError::Internal);
    };
    if kind == EventKind::Stay && dates.is_none() {
        return Err(AppError::Internal);
    }
    let nights = dates.map_or(1, StayDates::nights);
    let units = match kind {
        EventKind::Event => i64::from(quantity.get()),
        EventKind::Stay => i64::from(nights),
    };
    let subtotal = event.price.saturating_mul(units);
    let (discount, referrer_commission, admin_commission) = match &referral {
        Some(r) => {
            let discount = share(subtotal, r.discount_bps);
            let total = subtotal - discount;
            (
                discount,
                share(total, r.referrer_bps),
                share(total, r.admin_bps),
            )
        }
        None => (0, 0, 0),
    };
    let total = subtotal - discount;
    let deposit = Deposit {
        bps: event.deposit_bps,
        amount: event.deposit_amount,
    }
    .of(total);

    let mut tx = pool.begin().await.map_err(respond::internal)?;
    match kind {
        EventKind::Event => {
            // The conditional update is the capacity lock: concurrent orders queue on the
            // event row and the last places go to whoever gets there first.
            let held = sqlx::query_scalar!(
                "UPDATE events SET sold = sold + $2, updated_at = now()
                 WHERE id = $1 AND sold + $2 <= capacity RETURNING sold",
                event.id,
                quantity.get()
            )
            .fetch_optional(&mut *tx)
            .await
            .map_err(respond::internal)?;
            if held.is_none() {
                let left = sqlx::query_scalar!(
                    "SELECT capacity - sold FROM events WHERE id = $1",
                    event.id
                )
                .fetch_one(&mut *tx)
                .await
                .map_err(respond::internal)?
                .unwrap_or(0);
                let mut echo = echo;
                echo.push(("left".into(), left.to_string()));
                let key = if left <= 0 {
                    "error.sold_out"
                } else {
                    "error.not_enough_places"
                };
                return Err(AppError::Invalid {
                    field: Some("quantity".into()),
                    key: key.into(),
                    echo,
                    status: 409,
                    also: Vec::new(),
                });
            }
        }
        EventKind::Stay => {
            let dates = dates.ok_or_else(|| respond::internal("stay without dates"))?;
            sqlx::query!("SELECT id FROM events WHERE id = $1 FOR UPDATE", event.id)
                .fetch_one(&mut *tx)
                .await
                .map_err(respond::internal)?;
            let releasing: Vec<String> = OrderStatus::ALL
                .iter()
                .filter(|s| s.releases_places())
                .map(|s| s.as_str().to_string())
                .collect();
            let taken = sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM orders WHERE event_id = $1 AND NOT (status = ANY($2))
                                  AND check_in < $4::text::date AND check_out > $3::text::date) AS "taken!""#,
                event.id,
                &releasing,
                dates.check_in.to_string(),
                dates.check_out.to_string()
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(respond::internal)?;
            if taken {
                return Err(bad("check_in", "error.dates_taken"));
            }
        }
    }
    let year = now.year();
    let number = next_number(&mut tx, "ORD", year).await?;
    let reference = format!("ORD-{year}-{number:05}");
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO orders (id, reference, event_id, buyer_id, buyer_name, buyer_email, buyer_phone, language,
                             quantity, check_in, check_out, nights, unit_price, subtotal, discount, total,
                             currency, referral_code_id, referrer_commission, admin_commission, deposit)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::date, $11::text::date, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)",
        id,
        reference,
        event.id,
        buyer.map(|b| b.id),
        name.as_ref(),
        email.as_ref(),
        phone.as_ref(),
        lang.code(),
        quantity.get(),
        dates.map(|d| d.check_in.to_string()),
        dates.map(|d| d.check_out.to_string()),
        nights,
        event.price,
        subtotal,
        discount,
        total,
        event.currency,
        referral.as_ref().map(|r| r.id),
        referrer_commission,
        admin_commission,
        deposit,
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    order_event(&mut tx, id, buyer.map(|b| b.id), "CREATED", "").await?;
    let currency = Currency::parse(&event.currency).unwrap_or(Currency::XAF);
    let link = order_link(config, signer, &reference);
    outbox::enqueue_for_order(
        &mut tx,
        id,
        "order_created",
        email.as_ref(),
        lang,
        &[
            ("name", name.as_ref()),
            ("reference", &reference),
            ("title", &event.title),
            ("total", &Money::new(total, currency).format(lang)),
            ("link", &link),
        ],
    )
    .await
    .map_err(respond::internal)?;
    tx.commit().await.map_err(respond::internal)?;
    let sig = order_signature(signer, &reference);
    Ok((reference, sig))
}
