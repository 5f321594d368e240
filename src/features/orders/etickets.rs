//! E-tickets: looking one up by its token, the QR code that encodes its URL, and checking it
//! in at the door in one atomic update.

use chrono::{DateTime, Utc};
use qrcode::{render::svg, QrCode};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    service::{eticket_link, token_hash},
    CheckinView, ETicketView,
};
use crate::{
    domain::{
        format_door_code, local_display, parse_eticket_code, Currency, Lang, Money, TicketKey,
    },
    error::AppError,
    i18n::{t, tf},
    platform::{
        auth::AuthUser,
        config::Config,
        pdf::{Layout, Style},
        respond,
    },
};

/// The QR code of `text` as an SVG document, dark modules on white.
pub fn qr_svg(text: &str) -> Result<String, AppError> {
    let code = QrCode::new(text.as_bytes()).map_err(respond::internal)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// The QR modules of `text`: (width, dark flags row by row).
pub fn qr_modules(text: &str) -> Result<(usize, Vec<bool>), AppError> {
    let code = QrCode::new(text.as_bytes()).map_err(respond::internal)?;
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok((code.width(), dark))
}

/// The QR code of `text` as a PNG for e-mail (mail programs rarely show SVG): eight pixels a
/// module, with the four-module quiet zone.
pub fn qr_png(text: &str) -> Result<Vec<u8>, AppError> {
    let (width, dark) = qr_modules(text)?;
    const SCALE: usize = 8;
    let side = (width + 8) * SCALE;
    let img = image::GrayImage::from_fn(side as u32, side as u32, |x, y| {
        let (col, row) = (x as usize / SCALE, y as usize / SCALE);
        let inside = (4..width + 4).contains(&col) && (4..width + 4).contains(&row);
        let is_dark = inside && dark[(row - 4) * width + (col - 4)];
        image::Luma([if is_dark { 0 } else { 255 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(respond::internal)?;
    Ok(out.into_inner())
}

/// The e-ticket as an A4 PDF in `lang`: the event, the holder (in any script), the amounts,
/// how to enter and the QR code of its link, drawn as vector squares.
pub fn pdf(v: &ETicketView, lang: Lang) -> Result<Vec<u8>, AppError> {
    let (width, dark) = qr_modules(&v.url)?;
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
    doc.qr(width, dark, 220.0);
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
        r#"SELECT t.seq, t.holder_name, t.status, t.door_code, t.checked_in_at AS "checked_in_at: DateTime<Utc>",
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
    v.qr_svg = qr_svg(&v.url)?;
    Ok(v)
}

/// The ticket a scanned link or a typed short code names, if any.
async fn ticket_id(pool: &PgPool, key: &TicketKey) -> Result<Option<Uuid>, AppError> {
    let (hash, code) = match key {
        TicketKey::Token(t) => (token_hash(t), String::new()),
        TicketKey::DoorCode(c) => (Vec::new(), c.clone()),
    };
    sqlx::query_scalar!(
        "SELECT id FROM etickets WHERE token_hash = $1 OR door_code = $2",
        hash,
        code
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)
}

/// Checks a ticket in, named by its link or its short code. The conditional update is the
/// whole decision: of two phones scanning the same ticket at once, exactly one sees VALID and
/// the other ALREADY_CHECKED_IN.
#[tracing::instrument(skip_all, fields(staff_id = %staff.id))]
pub async fn check_in(
    pool: &PgPool,
    staff: &AuthUser,
    code: &str,
) -> Result<CheckinView, AppError> {
    if !staff.role.is_staff() {
        return Err(AppError::Forbidden);
    }
    let Some(key) = TicketKey::parse(code) else {
        return Ok(CheckinView::invalid("NOT_A_CODE"));
    };
    let Some(id) = ticket_id(pool, &key).await? else {
        return Ok(CheckinView::invalid("UNKNOWN"));
    };
    let done = sqlx::query!(
        "UPDATE etickets SET status = 'CHECKED_IN', checked_in_at = now(), checked_in_by = $2
         WHERE id = $1 AND status = 'VALID' RETURNING id",
        id,
        staff.id
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?;
    describe(pool, id, done.is_some().then_some("VALID")).await
}

/// Where a ticket stands, read only: `VALID` (not used yet, or just checked in when
/// `outcome` says so), `ALREADY_CHECKED_IN` with when and by whom, or `VOID` (refunded or
/// cancelled); with its event's checked-in and issued counters, which a trigger keeps.
pub async fn describe(
    pool: &PgPool,
    id: Uuid,
    outcome: Option<&str>,
) -> Result<CheckinView, AppError> {
    let Some(t) = sqlx::query!(
        r#"SELECT t.status, t.holder_name, t.door_code, t.checked_in_at AS "at: DateTime<Utc>",
                  u.name AS "staff?", e.title, c.checked_in AS "checked_in?", c.issued AS "issued?"
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
    Ok(CheckinView {
        outcome: outcome.into(),
        reason: (outcome == "VOID").then(|| "VOID".to_string()),
        holder_name: Some(t.holder_name),
        title: Some(t.title),
        door_code: Some(format_door_code(&t.door_code)),
        checked_in_at: t.at,
        staff_name: t.staff,
        checked_in: t.checked_in.unwrap_or(0),
        issued: t.issued.unwrap_or(0),
    })
}

/// What the door page shows after a check-in: the ticket behind `code`, for staff.
pub async fn door_view(
    pool: &PgPool,
    staff: &AuthUser,
    code: &str,
    outcome: &str,
) -> Result<CheckinView, AppError> {
    if !staff.role.is_staff() {
        return Err(AppError::Forbidden);
    }
    let outcome = ["VALID", "ALREADY_CHECKED_IN", "VOID", "INVALID"]
        .into_iter()
        .find(|o| *o == outcome);
    let Some(key) = TicketKey::parse(code) else {
        return Ok(CheckinView::invalid("NOT_A_CODE"));
    };
    match ticket_id(pool, &key).await? {
        Some(id) => describe(pool, id, outcome).await,
        None => Ok(CheckinView::invalid("UNKNOWN")),
    }
}
