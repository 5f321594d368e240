//! Reading tickets: one query with optional filters, used by pages, REST and statistics.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{api::QueueCursor, TicketView};
use crate::{
    domain::{Currency, Money},
    error::AppError,
    platform::{config::Config, db::like_pattern, respond},
};

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub ids: Option<Vec<Uuid>>,
    pub status: Option<String>,
    pub method: Option<String>,
    pub plan: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub search: Option<String>,
    pub family_id: Option<Uuid>,
    pub submitter_id: Option<Uuid>,
    pub overdue_only: bool,
    pub oldest_first: bool,
    pub page: i64,
    pub per_page: i64,
}

/// The most rows one call returns: an export of everything a filter matches.
pub const MAX_ROWS: i64 = 50_000;

impl super::api::AdminQuery {
    /// The admin queue's filter: the page and its CSV export read the same tickets.
    pub fn filter(&self, per_page: i64) -> Filter {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let day = |s: &str| {
            chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
        };
        let mut f = Filter {
            status: some(&self.status),
            method: some(&self.method),
            plan: some(&self.plan),
            from: day(&self.from),
            to: day(&self.to).map(|d| d + chrono::Duration::days(1)),
            search: some(&self.q),
            oldest_first: self.sort == "oldest",
            page: self.page.max(0),
            per_page,
            ..Default::default()
        };
        match self.tab.as_str() {
            "pending" => {
                f.status = Some("PENDING".into());
                f.oldest_first = self.sort != "newest";
            }
            "overdue" => {
                f.overdue_only = true;
                f.oldest_first = self.sort != "newest";
            }
            _ => {}
        }
        f
    }
}

/// The matching tickets and how many match in all.
pub async fn list(
    pool: &PgPool,
    config: &Config,
    f: Filter,
) -> Result<(Vec<TicketView>, i64), AppError> {
    let per_page = f.per_page.clamp(1, MAX_ROWS);
    let offset = f.page.max(0) * per_page;
    let search = f
        .search
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(like_pattern);
    let rows = sqlx::query_as!(
        TicketRow,
        r#"SELECT t.id, t.reference, t.amount, t.currency, t.plan_code, p.name_en AS plan_en, p.name_fr AS plan_fr,
                  t.duration_days, t.payment_method, m.name_en AS method_en, m.name_fr AS method_fr,
                  t.phone_number, t.transaction_id, t.user_notes, t.admin_notes, t.rejection_reason, t.status,
                  t.proof_key IS NOT NULL AS "has_proof!", t.proof_content_type, t.proof_sha256,
                  t.created_at AS "created_at: DateTime<Utc>", t.reviewed_at AS "reviewed_at: DateTime<Utc>",
                  (extract(epoch FROM now() - t.created_at) / 3600)::bigint AS "age_hours!",
                  u.name AS submitter_name, u.email AS submitter_email, t.family_id, f.name AS family_name,
                  r.name AS "reviewer_name?", t.ip_address, t.user_agent,
                  count(*) OVER () AS "total!"
           FROM payment_tickets t
           JOIN plans p ON p.code = t.plan_code
           JOIN payment_methods m ON m.code = t.payment_method
           JOIN users u ON u.id = t.submitter_id
           JOIN families f ON f.id = t.family_id
           LEFT JOIN users r ON r.id = t.reviewer_id
           WHERE ($1::uuid[] IS NULL OR t.id = ANY($1))
             AND ($2::text IS NULL OR t.status = $2)
             AND ($3::text IS NULL OR t.payment_method = $3)
             AND ($4::text IS NULL OR t.plan_code = $4)
             AND ($5::text IS NULL OR t.created_at >= $5::text::timestamptz)
             AND ($6::text IS NULL OR t.created_at < $6::text::timestamptz)
             AND ($7::text IS NULL OR t.reference ILIKE $7 OR t.phone_number ILIKE $7 OR t.transaction_id ILIKE $7)
             AND ($8::uuid IS NULL OR t.family_id = $8)
             AND ($9::uuid IS NULL OR t.submitter_id = $9)
             AND (NOT $10 OR (t.status = 'PENDING' AND t.created_at < now() - make_interval(hours => $11)))
           ORDER BY CASE WHEN $12 THEN t.created_at END ASC, CASE WHEN NOT $12 THEN t.created_at END DESC
           LIMIT $13 OFFSET $14"#,
        f.ids.as_deref(),
        f.status,
        f.method,
        f.plan,
        f.from.map(|d| d.to_rfc3339()),
        f.to.map(|d| d.to_rfc3339()),
        search,
        f.family_id,
        f.submitter_id,
        f.overdue_only,
        config.overdue_hours,
        f.oldest_first,
        per_page,
        offset,
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    let total = rows.first().map_or(0, |r| r.total);
    let views = rows.into_iter().map(|r| r.view(config)).collect();
    Ok((views, total))
}

/// The tickets of `ids`, in no particular order: a statement with no optional filter, so
/// PostgreSQL plans it once per connection instead of at every call as it does `list`'s. The
/// people and families are read per ticket by their keys: joined, PostgreSQL hashed every user
/// and family to show a page of 50 (run 14: 3,000 rows read for a page of the bench's queue).
#[tracing::instrument(skip(pool, config))]
pub async fn by_ids(
    pool: &PgPool,
    config: &Config,
    ids: &[Uuid],
) -> Result<Vec<TicketView>, AppError> {
    let rows = sqlx::query_as!(
        TicketRow,
        r#"SELECT t.id, t.reference, t.amount, t.currency, t.plan_code, p.name_en AS plan_en, p.name_fr AS plan_fr,
                  t.duration_days, t.payment_method, m.name_en AS method_en, m.name_fr AS method_fr,
                  t.phone_number, t.transaction_id, t.user_notes, t.admin_notes, t.rejection_reason, t.status,
                  t.proof_key IS NOT NULL AS "has_proof!", t.proof_content_type, t.proof_sha256,
                  t.created_at AS "created_at: DateTime<Utc>", t.reviewed_at AS "reviewed_at: DateTime<Utc>",
                  (extract(epoch FROM now() - t.created_at) / 3600)::bigint AS "age_hours!",
                  s.name AS "submitter_name!", s.email AS "submitter_email!", t.family_id,
                  (SELECT f.name FROM families f WHERE f.id = t.family_id) AS "family_name!",
                  (SELECT r.name FROM users r WHERE r.id = t.reviewer_id) AS "reviewer_name?",
                  t.ip_address, t.user_agent, 0::bigint AS "total!"
           FROM payment_tickets t
           JOIN plans p ON p.code = t.plan_code
           JOIN payment_methods m ON m.code = t.payment_method
           CROSS JOIN LATERAL (SELECT u.name, u.email FROM users u WHERE u.id = t.submitter_id OFFSET 0) s
           WHERE t.id = ANY($1)"#,
        ids
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    Ok(rows.into_iter().map(|r| r.view(config)).collect())
}

/// One row as `list` and `by_ids` read it.
struct TicketRow {
    id: Uuid,
    reference: String,
    amount: i64,
    currency: String,
    plan_code: String,
    plan_en: String,
    plan_fr: String,
    duration_days: i32,
    payment_method: String,
    method_en: String,
    method_fr: String,
    phone_number: String,
    transaction_id: String,
    user_notes: String,
    admin_notes: String,
    rejection_reason: Option<String>,
    status: String,
    has_proof: bool,
    proof_content_type: Option<String>,
    proof_sha256: Option<String>,
    created_at: DateTime<Utc>,
    reviewed_at: Option<DateTime<Utc>>,
    age_hours: i64,
    submitter_name: String,
    submitter_email: String,
    family_id: Uuid,
    family_name: String,
    reviewer_name: Option<String>,
    ip_address: String,
    user_agent: String,
    total: i64,
}

impl TicketRow {
    fn view(self, config: &Config) -> TicketView {
        let r = self;
        let currency = Currency::parse(&r.currency).unwrap_or(Currency::XAF);
        TicketView {
            id: r.id,
            reference: r.reference,
            amount: r.amount,
            currency: currency.symbol().to_string(),
            amount_display: Money::new(r.amount, currency).format(crate::ui::initial_lang()),
            plan_type: r.plan_code,
            plan_label: (r.plan_en, r.plan_fr),
            duration_days: r.duration_days,
            payment_method: r.payment_method,
            method_label: (r.method_en, r.method_fr),
            phone_number: r.phone_number,
            transaction_id: r.transaction_id,
            user_notes: r.user_notes,
            admin_notes: r.admin_notes,
            rejection_reason: r.rejection_reason,
            is_overdue: r.status == "PENDING" && r.age_hours >= config.overdue_hours as i64,
            status: r.status,
            has_proof: r.has_proof,
            proof_content_type: r.proof_content_type,
            proof_sha256: r.proof_sha256,
            created_at: r.created_at,
            reviewed_at: r.reviewed_at,
            age_hours: r.age_hours,
            submitter_name: r.submitter_name,
            submitter_email: r.submitter_email,
            family_id: r.family_id,
            family_name: r.family_name,
            reviewer_name: r.reviewer_name,
            ip_address: r.ip_address,
            user_agent: r.user_agent,
        }
    }
}

pub async fn views(pool: &PgPool, config: &Config, f: Filter) -> Result<Vec<TicketView>, AppError> {
    list(pool, config, Filter { per_page: 100, ..f })
        .await
        .map(|(v, _)| v)
}

/// Other tickets that used the same transaction id or the same proof file.
pub async fn duplicates(
    pool: &PgPool,
    ticket: &TicketView,
) -> Result<Vec<(String, bool, bool)>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT reference, transaction_id = $2 AS "same_txid!", proof_sha256 IS NOT DISTINCT FROM $3 AS "same_proof!"
           FROM payment_tickets
           WHERE id <> $1 AND (transaction_id = $2 OR ($3::text IS NOT NULL AND proof_sha256 = $3))
           ORDER BY created_at"#,
        ticket.id,
        ticket.transaction_id,
        ticket.proof_sha256
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.reference, r.same_txid, r.same_proof))
        .collect())
}

/// The admin queue's counts: tickets pending, and pending for longer than `overdue_hours`.
/// Read from the per-hour counters a trigger keeps, not by counting the queue: only the
/// cutoff's own hour is counted from the (status, created_at) index.
#[tracing::instrument(skip(pool))]
pub async fn queue_counts(pool: &PgPool, overdue_hours: i32) -> Result<(i64, i64), AppError> {
    let row = sqlx::query!(
        r#"WITH cutoff AS (SELECT now() - make_interval(hours => $1) AS at),
           counted AS (
               SELECT COALESCE(sum(c.n), 0) AS pending,
                      COALESCE(sum(c.n) FILTER (WHERE c.hour < date_trunc('hour', cutoff.at, 'UTC')), 0) AS before
               FROM cutoff LEFT JOIN pending_ticket_counts c ON true
               GROUP BY cutoff.at)
           SELECT counted.pending::bigint AS "pending!",
                  (counted.before + (SELECT count(*) FROM payment_tickets t, cutoff
                                     WHERE t.status = 'PENDING'
                                       AND t.created_at >= date_trunc('hour', cutoff.at, 'UTC')
                                       AND t.created_at < cutoff.at))::bigint AS "overdue!"
           FROM counted"#,
        overdue_hours
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    Ok((row.pending, row.overdue))
}

/// One page of pending tickets (all of them, or those submitted before `before`), `n` ids in
/// the order asked for, starting next to `from` (the queue's start, or its end when going
/// newest first, without one). Keyset pagination on the (status, created_at, id) index: a page
/// deep in the queue costs what the first one does.
#[tracing::instrument(skip(pool))]
pub async fn pending_page(
    pool: &PgPool,
    before: Option<DateTime<Utc>>,
    from: Option<QueueCursor>,
    ascending: bool,
    n: i64,
) -> Result<Vec<Uuid>, AppError> {
    // Bounds no ticket reaches, so that each direction is one plain index range.
    let far_past = DateTime::from_timestamp(-2_208_988_800, 0).unwrap_or_default();
    let far_future = DateTime::from_timestamp(253_402_300_799, 0).unwrap_or_default();
    let cutoff = before.unwrap_or(far_future);
    let ids = if ascending {
        let from = from.unwrap_or(QueueCursor {
            at: far_past,
            id: Uuid::nil(),
        });
        sqlx::query_scalar!(
            "SELECT id FROM payment_tickets
             WHERE status = 'PENDING' AND created_at < $1::text::timestamptz AND (created_at, id) > ($2::text::timestamptz, $3)
             ORDER BY created_at, id LIMIT $4",
            cutoff.to_rfc3339(),
            from.at.to_rfc3339(),
            from.id,
            n
        )
        .fetch_all(pool)
        .await
    } else {
        let from = from.unwrap_or(QueueCursor {
            at: far_future,
            id: Uuid::max(),
        });
        sqlx::query_scalar!(
            "SELECT id FROM payment_tickets
             WHERE status = 'PENDING' AND created_at < $1::text::timestamptz AND (created_at, id) < ($2::text::timestamptz, $3)
             ORDER BY created_at DESC, id DESC LIMIT $4",
            cutoff.to_rfc3339(),
            from.at.to_rfc3339(),
            from.id,
            n
        )
        .fetch_all(pool)
        .await
    };
    ids.map_err(respond::internal)
}
