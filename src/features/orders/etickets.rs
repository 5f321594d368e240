//! E-tickets: looking one up by its token, the QR code that encodes its URL, and checking it
//! in at the door in one atomic update.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    door_team,
    service::{eticket_link, token_hash},
    CheckinView, ETicketView,
};
use crate::{
    domain::{
        format_door_code, local_display, parse_eticket_code, Currency, Gate, Lang, Money, TicketKey,
    },
    error::AppError,
    i18n::{t, tf},
    platform::{
        auth::AuthUser,
        config::Config,
        pdf::{Layout, Style},
        qr::{self, Qr},
        respond,
    },
};

/// The ticket's QR code (of its link), drawn with the mask kept when it was issued.
pub fn qr(v: &ETicketView) -> Result<Qr, AppError> {
    qr::with_mask(&v.url, v.qr_mask).map_err(respond::internal)
}

/// The e-ticket as an A4 PDF in `lang`: the event, the holder (in any script), the amounts,
/// how to enter and the QR code of its link, drawn as vector squares.
pub fn pdf(v: &ETicketView, lang: Lang) -> Result<Vec<u8>, AppError> {
    let code = qr(v)?;
    let mut doc = Layout::new(&format!("{} · {}", v.title, v.reference), lang);
    doc.text(&v.title, Style::bold(22.0));
    doc.text(&v.venue, Style::regular(12.0));
    if let Some(s) = v.starts_at {
        doc.text(&local_display(s), Style::regular(12.0));
    }
    if let (Some(i), Some(o)) = (&v.check_in, &v.check_out) {
        doc.text(
            &format!(
                "{} {i} – {} {o}",
                t(lang, "eticket.check_in"),
                t(lang, "eticket.check_out")
            ),
            Style::regular(12.0),
        );
    }
    doc.gap(10.0);
    doc.text(t(lang, "eticket.holder"), Style::grey(10.0));
    doc.text(&v.holder_name, Style::bold(18.0));
    doc.text(
        &tf(
            lang,
            "eticket.number",
            &[("seq", &v.seq.to_string()), ("count", &v.count.to_string())],
        ),
        Style::regular(12.0),
    );
    doc.text(
        &format!("{} {}", t(lang, "eticket.reference"), v.reference),
        Style::regular(12.0),
    );
    doc.text(
        &format!("{} {}", t(lang, "eticket.paid"), v.amount_paid.format(lang)),
        Style::regular(12.0),
    );
    if let Some(due) = &v.balance_due {
        doc.text(
            &format!("{} {}", t(lang, "eticket.balance"), due.format(lang)),
            Style::bold(12.0),
        );
    }
    if v.status != "VALID" {
        doc.text(
            t(lang, &format!("eticket.status.{}", v.status)),
            Style::bold(14.0),
        );
    }
    doc.gap(8.0);
    doc.qr(code.width, code.dark, 220.0);
    doc.text(
        &format!("{} {}", t(lang, "eticket.door_code"), v.door_code),
        Style::bold(16.0),
    );
    doc.text(t(lang, "eticket.instruction_show"), Style::regular(11.0));
    if !v.checkin_info.is_empty() {
        doc.gap(6.0);
        doc.text(&v.checkin_info, Style::regular(11.0));
    }
    doc.finish(t(lang, "pdf.page")).map_err(respond::internal)
}

/// The e-ticket behind a token. Malformed, unknown and forged tokens are all `NotFound`:
/// the lookup compares SHA-256 digests through a unique index, so neither the answer nor its
/// timing depends on how much of a guessed token matched a real one.
#[tracing::instrument(skip_all)]
pub async fn find<'e, E>(db: E, config: &Config, token: &str) -> Result<ETicketView, AppError>
where
    E: sqlx::PgExecutor<'e>,
{
    let token = parse_eticket_code(token).ok_or(AppError::NotFound)?;
    let r = sqlx::query!(
        r#"SELECT t.seq, t.holder_name, t.status, t.door_code, t.checked_in_at AS "checked_in_at: DateTime<Utc>", t.qr_mask,
                  o.reference, o.quantity, o.total, o.amount_paid, o.currency, o.check_in, o.check_out, o.nights,
                  e.kind, e.title, e.venue, e.starts_at AS "starts_at: DateTime<Utc>", e.ends_at AS "ends_at: DateTime<Utc>",
                  e.checkin_info, e.owner_phone,
                  (SELECT count(*) FROM etickets x WHERE x.order_id = o.id) AS "count!"
           FROM etickets t JOIN orders o ON o.id = t.order_id JOIN events e ON e.id = o.event_id
           WHERE t.token_hash = $1"#,
        token_hash(&token)
    )
    .fetch_optional(db)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    let currency = Currency::parse(&r.currency).unwrap_or(Currency::XAF);
    let url = eticket_link(config, &token);
    let stay = r.kind == "STAY";
    Ok(ETicketView {
        // Drawn by `with_qr_svg` for the page only: the PDF draws its own from the modules.
        qr_svg: String::new(),
        qr_mask: r.qr_mask,
        url,
        token,
        kind: r.kind,
        title: r.title,
        venue: r.venue,
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        check_in: r.check_in.map(|d| d.to_string()),
        check_out: r.check_out.map(|d| d.to_string()),
        nights: r.nights,
        guests: r.quantity,
        holder_name: r.holder_name,
        seq: r.seq,
        count: r.count,
        reference: r.reference,
        amount_paid: Money::new(r.amount_paid, currency),
        balance_due: (r.total > r.amount_paid)
            .then(|| Money::new(r.total - r.amount_paid, currency)),
        checkin_info: r.checkin_info,
        owner_phone: stay.then_some(r.owner_phone).filter(|p| !p.is_empty()),
        status: r.status,
        checked_in_at: r.checked_in_at,
        door_code: format_door_code(&r.door_code),
    })
}

/// The e-ticket with its QR code drawn as SVG, for the page.
pub fn with_qr_svg(mut v: ETicketView) -> Result<ETicketView, AppError> {
    v.qr_svg = qr(&v)?.svg();
    Ok(v)
}

/// The ticket a scanned link or a typed short code names, if any, and whether `staff` works
/// its event's door.
async fn ticket_id(
    pool: &PgPool,
    staff: Uuid,
    key: &TicketKey,
) -> Result<Option<(Uuid, bool)>, AppError> {
    let (hash, code) = key_parts(key);
    Ok(sqlx::query!(
        r#"SELECT t.id, works_door($3, o.event_id) AS "allowed!"
           FROM etickets t JOIN orders o ON o.id = t.order_id
           WHERE t.token_hash = $1 OR t.door_code = $2"#,
        hash,
        code,
        staff
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    .map(|r| (r.id, r.allowed)))
}

/// What the lookup compares: the token's digest, or the short code.
fn key_parts(key: &TicketKey) -> (Vec<u8>, String) {
    match key {
        TicketKey::Token(t) => (token_hash(t), String::new()),
        TicketKey::DoorCode(c) => (Vec::new(), c.clone()),
    }
}

/// Where the door is: the event it lets people into (its slug; empty for any event) and the
/// gate staff named.
#[derive(Debug, Clone, Default)]
pub struct DoorPlace {
    pub event: String,
    pub gate: Gate,
}

/// A ticket as the door reads it.
struct AtDoor {
    id: Uuid,
    status: String,
    holder_name: String,
    door_code: String,
    at: Option<DateTime<Utc>>,
    gate: String,
    title: String,
    slug: String,
    staff: Option<String>,
    /// Whether this very statement checked it in.
    done: bool,
    /// Whether the user asking is staff.
    allowed: bool,
    checked_in: Option<i64>,
    issued: Option<i64>,
}

impl AtDoor {
    fn view(self, outcome: &str) -> CheckinView {
        CheckinView {
            outcome: outcome.into(),
            reason: (outcome == "VOID").then(|| "VOID".to_string()),
            holder_name: Some(self.holder_name),
            title: Some(self.title),
            door_code: Some(format_door_code(&self.door_code)),
            checked_in_at: self.at,
            staff_name: self.staff,
            gate: Some(self.gate).filter(|g| !g.is_empty()),
            checked_in: self.checked_in.unwrap_or(0),
            issued: self.issued.unwrap_or(0),
            offline: false,
        }
    }
}

/// Checks a ticket in, named by its link or its short code, at `place`, for the signed-in user
/// `staff_id`: one statement checks that they are staff, finds the ticket, checks it in if it is
/// unused and for this event, and reads back what the door shows with the event's counters.
/// The conditional update is the whole decision: of two phones scanning the same ticket at
/// once, exactly one sees VALID and the other ALREADY_CHECKED_IN.
#[tracing::instrument(skip_all, fields(%staff_id))]
pub async fn check_in(
    pool: &PgPool,
    staff_id: Uuid,
    code: &str,
    place: &DoorPlace,
) -> Result<CheckinView, AppError> {
    let Some(key) = TicketKey::parse(code) else {
        door_team::require(pool, staff_id, &place.event).await?;
        return Ok(CheckinView::invalid("NOT_A_CODE"));
    };
    let (hash, code) = key_parts(&key);
    let Some(t) = sqlx::query_as!(
        AtDoor,
        r#"WITH k AS (
               SELECT t.id, t.status, t.holder_name, t.door_code, t.checked_in_at, t.checked_in_by,
                      t.checked_in_gate, o.event_id, e.title, e.slug, works_door($3, e.id) AS allowed
               FROM etickets t JOIN orders o ON o.id = t.order_id JOIN events e ON e.id = o.event_id
               WHERE t.token_hash = $1 OR t.door_code = $2),
           done AS (
               UPDATE etickets x SET status = 'CHECKED_IN', checked_in_at = now(), checked_in_by = $3,
                                     checked_in_gate = $5
               FROM k WHERE x.id = k.id AND k.allowed AND x.status = 'VALID' AND ($4 = '' OR k.slug = $4)
               RETURNING x.id)
           SELECT k.id, k.status, k.holder_name, k.door_code, k.checked_in_at AS "at: DateTime<Utc>",
                  k.checked_in_gate AS gate, k.title, k.slug, u.name AS "staff?",
                  EXISTS (SELECT 1 FROM done) AS "done!", k.allowed AS "allowed!",
                  (SELECT sum(c.checked_in)::bigint FROM event_door_counts c WHERE c.event_id = k.event_id) AS checked_in,
                  (SELECT sum(c.issued)::bigint FROM event_door_counts c WHERE c.event_id = k.event_id) AS issued
           FROM k LEFT JOIN users u ON u.id = k.checked_in_by"#,
        hash,
        code,
        staff_id,
        place.event,
        place.gate.as_str(),
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    else {
        door_team::require(pool, staff_id, &place.event).await?;
        return Ok(CheckinView::invalid("UNKNOWN"));
    };
    if !t.allowed {
        // Door staff of another event learn only that this ticket is not for their door.
        door_team::require(pool, staff_id, &place.event).await?;
        return Ok(CheckinView::invalid("OTHER_EVENT"));
    }
    if t.done {
        // The statement read the ticket and the counters before checking it in.
        let mut view = t.view("VALID");
        view.checked_in += 1;
        return Ok(view);
    }
    if !place.event.is_empty() && t.slug != place.event {
        let mut view = t.view("INVALID");
        view.reason = Some("OTHER_EVENT".into());
        return Ok(view);
    }
    match t.status.as_str() {
        "VOID" => Ok(t.view("VOID")),
        "CHECKED_IN" => Ok(t.view("ALREADY_CHECKED_IN")),
        // Another phone checked it in while this statement waited: read what it wrote.
        _ => describe(pool, t.id, Some("ALREADY_CHECKED_IN")).await,
    }
}

/// Where a ticket stands, read only: `VALID` (not used yet, or just checked in when
/// `outcome` says so), `ALREADY_CHECKED_IN` with when, by whom and at which gate, or `VOID`
/// (refunded or cancelled); with its event's checked-in and issued counters, which a trigger
/// keeps.
pub async fn describe(
    pool: &PgPool,
    id: Uuid,
    outcome: Option<&str>,
) -> Result<CheckinView, AppError> {
    let Some(t) = sqlx::query_as!(
        AtDoor,
        r#"SELECT t.id, t.status, t.holder_name, t.door_code, t.checked_in_at AS "at: DateTime<Utc>",
                  t.checked_in_gate AS gate, e.title, e.slug, u.name AS "staff?", false AS "done!", true AS "allowed!",
                  c.checked_in AS "checked_in?", c.issued AS "issued?"
           FROM etickets t JOIN orders o ON o.id = t.order_id JOIN events e ON e.id = o.event_id
           LEFT JOIN users u ON u.id = t.checked_in_by
           LEFT JOIN LATERAL (SELECT sum(checked_in)::bigint AS checked_in, sum(issued)::bigint AS issued
                              FROM event_door_counts WHERE event_id = e.id) c ON true
           WHERE t.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    else {
        return Ok(CheckinView::invalid("UNKNOWN"));
    };
    let outcome = outcome.unwrap_or(match t.status.as_str() {
        "VOID" => "VOID",
        "CHECKED_IN" => "ALREADY_CHECKED_IN",
        _ => "VALID",
    });
    Ok(t.view(outcome))
}

/// What the door page shows after a check-in: the ticket behind `code`, for staff.
pub async fn door_view(
    pool: &PgPool,
    staff: &AuthUser,
    code: &str,
    outcome: &str,
    reason: &str,
) -> Result<CheckinView, AppError> {
    door_team::require(pool, staff.id, "").await?;
    let outcome = ["VALID", "ALREADY_CHECKED_IN", "VOID", "INVALID"]
        .into_iter()
        .find(|o| *o == outcome);
    let Some(key) = TicketKey::parse(code) else {
        return Ok(CheckinView::invalid("NOT_A_CODE"));
    };
    match ticket_id(pool, staff.id, &key).await? {
        Some((_, false)) => Ok(CheckinView::invalid("OTHER_EVENT")),
        Some((id, true)) => {
            let mut view = describe(pool, id, outcome).await?;
            if reason == "OTHER_EVENT" && view.outcome == "INVALID" {
                view.reason = Some("OTHER_EVENT".into());
            }
            Ok(view)
        }
        None => Ok(CheckinView::invalid("UNKNOWN")),
    }
}
