//! Creating and editing events and stay listings.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::EventFields;
use crate::{
    domain::{parse_local_datetime, Currency, Deposit, Email, EventKind, Money, PhoneNumber, Slug},
    error::{AppError, Echo},
    platform::{audit::audit, auth::AuthUser, respond},
};

impl EventFields {
    fn echo(&self) -> Echo {
        [
            ("id", &self.id),
            ("kind", &self.kind),
            ("title", &self.title),
            ("slug", &self.slug),
            ("description", &self.description),
            ("venue", &self.venue),
            ("starts_at", &self.starts_at),
            ("ends_at", &self.ends_at),
            ("capacity", &self.capacity),
            ("price", &self.price),
            ("currency", &self.currency),
            ("max_per_order", &self.max_per_order),
            ("sales_start", &self.sales_start),
            ("sales_end", &self.sales_end),
            ("owner_name", &self.owner_name),
            ("owner_phone", &self.owner_phone),
            ("owner_email", &self.owner_email),
            ("checkin_info", &self.checkin_info),
            ("deposit", &self.deposit),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
    }
}

fn optional_time(raw: &str) -> Result<Option<DateTime<Utc>>, &'static str> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse_local_datetime(raw).map(Some)
    }
}

fn count(raw: &str, default: i32, max: i32) -> Result<i32, &'static str> {
    if raw.trim().is_empty() && default > 0 {
        return Ok(default);
    }
    match raw.trim().parse::<i64>() {
        Ok(n) if n >= 1 && n <= i64::from(max) => Ok(n as i32),
        Ok(_) => Err("error.number_out_of_range"),
        Err(_) => Err("error.number_invalid"),
    }
}

/// Checks the form and inserts or updates the event; returns its slug.
#[tracing::instrument(skip_all, fields(admin_id = %admin.id))]
pub async fn save(pool: &PgPool, admin: &AuthUser, f: &EventFields) -> Result<String, AppError> {
    if !admin.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let echo = f.echo();
    let bad = |field: &str, key: &str| AppError::field(field, key, echo.clone());
    let kind = EventKind::parse(&f.kind).map_err(|k| bad("kind", k))?;
    let title = f.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(bad("title", "error.title_invalid"));
    }
    let slug = if f.slug.trim().is_empty() {
        Slug::from_title(title)
    } else {
        Slug::parse(&f.slug)
    }
    .map_err(|k| bad("slug", k))?;
    if f.description.chars().count() > 5000 || f.checkin_info.chars().count() > 2000 {
        return Err(bad("description", "error.notes_too_long"));
    }
    let currency = if f.currency.trim().is_empty() {
        Currency::XAF
    } else {
        Currency::parse(&f.currency).map_err(|k| bad("currency", k))?
    };
    let price = Money::parse(&f.price, currency).map_err(|k| bad("price", k))?;
    let deposit = Deposit::parse(&f.deposit, currency).map_err(|k| bad("deposit", k))?;
    let capacity = count(&f.capacity, 0, 1_000_000).map_err(|k| bad("capacity", k))?;
    let max_per_order = count(&f.max_per_order, 10, 1000).map_err(|k| bad("max_per_order", k))?;
    let starts_at = optional_time(&f.starts_at).map_err(|k| bad("starts_at", k))?;
    let ends_at = optional_time(&f.ends_at).map_err(|k| bad("ends_at", k))?;
    let sales_start = optional_time(&f.sales_start).map_err(|k| bad("sales_start", k))?;
    let sales_end = optional_time(&f.sales_end).map_err(|k| bad("sales_end", k))?;
    if kind == EventKind::Event {
        let (Some(s), Some(e)) = (starts_at, ends_at) else {
            return Err(bad("starts_at", "error.event_dates_required"));
        };
        if e <= s {
            return Err(bad("ends_at", "error.dates_reversed"));
        }
    }
    if let (Some(s), Some(e)) = (sales_start, sales_end) {
        if e <= s {
            return Err(bad("sales_end", "error.dates_reversed"));
        }
    }
    let (owner_phone, owner_email) = if kind == EventKind::Stay {
        let phone = PhoneNumber::parse(&f.owner_phone).map_err(|k| bad("owner_phone", k))?;
        let email = Email::parse(&f.owner_email).map_err(|k| bad("owner_email", k))?;
        (phone.as_ref().to_string(), email.as_ref().to_string())
    } else {
        (String::new(), String::new())
    };
    let owner_name = f.owner_name.trim();
    if owner_name.chars().count() > 100 {
        return Err(bad("owner_name", "error.name_invalid"));
    }
    let id = if f.id.trim().is_empty() {
        None
    } else {
        Some(Uuid::parse_str(f.id.trim()).map_err(|_| AppError::NotFound)?)
    };
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let taken = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM events WHERE slug = $1 AND id IS DISTINCT FROM $2) AS "t!""#,
        slug.as_str(),
        id
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(respond::internal)?;
    if taken {
        return Err(bad("slug", "error.slug_taken"));
    }
    let saved = match id {
        None => {
            let new_id = Uuid::new_v4();
            sqlx::query_scalar!(
                "INSERT INTO events (id, slug, kind, title, description, venue, starts_at, ends_at, capacity, price,
                                     currency, max_per_order, sales_start, sales_end, owner_name, owner_phone,
                                     owner_email, checkin_info, organiser_id, deposit_bps, deposit_amount)
                 VALUES ($1, $2, $3, $4, $5, $6, $7::text::timestamptz, $8::text::timestamptz, $9, $10, $11, $12,
                         $13::text::timestamptz, $14::text::timestamptz, $15, $16, $17, $18, $19, $20, $21)
                 RETURNING id",
                new_id,
                slug.as_str(),
                kind.as_str(),
                title,
                f.description.trim(),
                f.venue.trim(),
                starts_at.map(|t| t.to_rfc3339()),
                ends_at.map(|t| t.to_rfc3339()),
                capacity,
                price.minor,
                currency.code(),
                max_per_order,
                sales_start.map(|t| t.to_rfc3339()),
                sales_end.map(|t| t.to_rfc3339()),
                owner_name,
                owner_phone,
                owner_email,
                f.checkin_info.trim(),
                admin.id,
                deposit.bps,
                deposit.amount
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(respond::internal)?
        }
        Some(id) => {
            // Capacity cannot drop below the places already held.
            sqlx::query_scalar!(
                "UPDATE events SET slug = $2, kind = $3, title = $4, description = $5, venue = $6,
                        starts_at = $7::text::timestamptz, ends_at = $8::text::timestamptz, capacity = $9,
                        price = $10, currency = $11, max_per_order = $12,
                        sales_start = $13::text::timestamptz, sales_end = $14::text::timestamptz, owner_name = $15, owner_phone = $16,
                        owner_email = $17, checkin_info = $18, deposit_bps = $19, deposit_amount = $20,
                        updated_at = now()
                 WHERE id = $1 AND sold <= $9 RETURNING id",
                id,
                slug.as_str(),
                kind.as_str(),
                title,
                f.description.trim(),
                f.venue.trim(),
                starts_at.map(|t| t.to_rfc3339()),
                ends_at.map(|t| t.to_rfc3339()),
                capacity,
                price.minor,
                currency.code(),
                max_per_order,
                sales_start.map(|t| t.to_rfc3339()),
                sales_end.map(|t| t.to_rfc3339()),
                owner_name,
                owner_phone,
                owner_email,
                f.checkin_info.trim(),
                deposit.bps,
                deposit.amount
            )
            .fetch_optional(&mut *tx)
            .await
            .map_err(respond::internal)?
            .ok_or_else(|| bad("capacity", "error.capacity_below_sold"))?
        }
    };
    audit(&mut tx, Some(admin.id), "event.saved", "event", saved).await?;
    tx.commit().await.map_err(respond::internal)?;
    Ok(slug.as_str().to_string())
}
