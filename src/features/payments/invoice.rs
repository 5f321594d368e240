//! An invoice as a document: read from its immutable row, rendered as a standalone HTML page
//! (printable, attached to the payment e-mail) and as a one-page PDF.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{
    domain::{Currency, Lang, Money},
    error::AppError,
    i18n::t,
    platform::{
        mail_html::esc,
        pdf::{Align, Cell, Layout, Style, MARGIN, PAGE_WIDTH},
        respond,
    },
};

pub struct InvoiceLine {
    pub description: String,
    pub quantity: i64,
    pub unit: i64,
    pub total: i64,
}

pub struct InvoiceDoc {
    pub number: String,
    pub family_id: Option<Uuid>,
    pub payment_reference: String,
    pub lang: Lang,
    pub currency: String,
    pub lines: Vec<InvoiceLine>,
    pub subtotal: i64,
    pub tax_rate_bp: i32,
    pub tax: i64,
    pub total: i64,
    pub seller: String,
    pub buyer: String,
    pub issued_at: DateTime<Utc>,
}

impl InvoiceDoc {
    fn money(&self, minor: i64) -> String {
        match Currency::parse(&self.currency) {
            Ok(c) => Money::new(minor, c).format(self.lang),
            Err(_) => format!("{minor} {}", self.currency),
        }
    }
}

pub async fn load<'e, E>(db: E, number: &str) -> Result<InvoiceDoc, AppError>
where
    E: sqlx::PgExecutor<'e>,
{
    let r = sqlx::query!(
        r#"SELECT i.number, i.family_id, COALESCE(p.reference, '') AS "payment_reference!", i.language,
                  i.currency, i.lines, i.subtotal, i.tax_rate_bp, i.tax, i.total, i.seller, i.buyer, i.issued_at AS "issued_at: DateTime<Utc>"
           FROM invoices i JOIN payments p ON p.id = i.payment_id WHERE i.number = $1"#,
        number
    )
    .fetch_optional(db)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    let lines = r
        .lines
        .lines()
        .filter_map(|l| {
            let mut parts = l.split('\t');
            let description = parts.next()?.to_string();
            let quantity = parts.next()?.parse().ok()?;
            let unit = parts.next()?.parse().ok()?;
            let total = parts.next()?.parse().ok()?;
            Some(InvoiceLine {
                description,
                quantity,
                unit,
                total,
            })
        })
        .collect();
    Ok(InvoiceDoc {
        number: r.number,
        family_id: r.family_id,
        payment_reference: r.payment_reference,
        lang: Lang::parse(&r.language).unwrap_or_default(),
        currency: r.currency,
        lines,
        subtotal: r.subtotal,
        tax_rate_bp: r.tax_rate_bp,
        tax: r.tax,
        total: r.total,
        seller: r.seller,
        buyer: r.buyer,
        issued_at: r.issued_at,
    })
}

fn block(s: &str) -> String {
    s.lines().map(esc).collect::<Vec<_>>().join("<br>")
}

/// A standalone page: no scripts, inline styles, prints on one page.
pub fn html(doc: &InvoiceDoc) -> String {
    let l = doc.lang;
    let rows: String = doc
        .lines
        .iter()
        .map(|line| {
            format!(
                "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                esc(&line.description),
                line.quantity,
                doc.money(line.unit),
                doc.money(line.total)
            )
        })
        .collect();
    let tax = if doc.tax_rate_bp > 0 {
        format!(
            "<tr><th colspan=3>{} ({}.{:02} %)</th><td class=n>{}</td></tr>",
            t(l, "invoice.tax"),
            doc.tax_rate_bp / 100,
            doc.tax_rate_bp % 100,
            doc.money(doc.tax)
        )
    } else {
        String::new()
    };
    format!(
        r#"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} {number}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#111}}
table{{width:100%;border-collapse:collapse;margin:1.5rem 0}}td,th{{padding:.4rem;border-bottom:1px solid #ccc;text-align:left}}
.n{{text-align:right}}.parties{{display:flex;gap:2rem;justify-content:space-between}}
@page{{size:A4;margin:15mm}}@media print{{body{{margin:0}}}}</style></head>
<body><h1>{title} {number}</h1>
<p>{issued_label}: {issued} · {payment_label}: {payment}</p>
<div class="parties"><div><h2>{seller_label}</h2><p>{seller}</p></div><div><h2>{buyer_label}</h2><p>{buyer}</p></div></div>
<table><thead><tr><th>{desc_label}</th><th class=n>{qty_label}</th><th class=n>{unit_label}</th><th class=n>{amount_label}</th></tr></thead>
<tbody>{rows}</tbody>
<tfoot><tr><th colspan=3>{subtotal_label}</th><td class=n>{subtotal}</td></tr>{tax}
<tr><th colspan=3>{total_label} ({currency})</th><td class=n><strong>{total}</strong></td></tr></tfoot></table>
<p>{paid}</p></body></html>"#,
        lang = l.code(),
        title = t(l, "invoice.title"),
        number = esc(&doc.number),
        issued_label = t(l, "invoice.issued"),
        issued = crate::domain::local_date(doc.issued_at),
        payment_label = t(l, "invoice.payment"),
        payment = esc(&doc.payment_reference),
        seller_label = t(l, "invoice.seller"),
        seller = block(&doc.seller),
        buyer_label = t(l, "invoice.buyer"),
        buyer = block(&doc.buyer),
        desc_label = t(l, "invoice.description"),
        qty_label = t(l, "invoice.quantity"),
        unit_label = t(l, "invoice.unit"),
        amount_label = t(l, "invoice.amount"),
        subtotal_label = t(l, "invoice.subtotal"),
        subtotal = doc.money(doc.subtotal),
        total_label = t(l, "invoice.total"),
        currency = esc(&doc.currency),
        total = doc.money(doc.total),
        paid = t(l, "invoice.paid"),
    )
}

/// The key under which an e-mail attaches the invoice `number`, made when the e-mail is sent.
pub fn document_key(number: &str) -> String {
    format!("invoice:{number}")
}

/// The outbox's document maker: the PDF of the invoice named by a `document_key`, read from
/// its immutable row and drawn off the async threads.
pub fn document<'a>(
    pool: &'a sqlx::PgPool,
    key: &'a str,
) -> crate::platform::fulfil::BoxFuture<'a, Result<Vec<u8>, String>> {
    Box::pin(async move {
        let number = key
            .strip_prefix("invoice:")
            .ok_or_else(|| format!("unknown document {key}"))?;
        let doc = load(pool, number).await.map_err(|e| e.to_string())?;
        tokio::task::spawn_blocking(move || pdf(&doc))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())
    })
}

/// The invoice as an A4 PDF in its language: the parties, the lines as a table that continues
/// on as many pages as it needs (its header repeated), the totals, page numbers.
pub fn pdf(doc: &InvoiceDoc) -> Result<Vec<u8>, AppError> {
    let l = doc.lang;
    let title = format!("{} {}", t(l, "invoice.title"), doc.number);
    let mut out = Layout::new(&title, l);
    out.text(&title, Style::bold(20.0));
    out.text(
        &format!(
            "{}: {} · {}: {}",
            t(l, "invoice.issued"),
            crate::domain::local_date(doc.issued_at),
            t(l, "invoice.payment"),
            doc.payment_reference
        ),
        Style::regular(10.0),
    );
    out.gap(10.0);
    for (label, party) in [
        ("invoice.seller", &doc.seller),
        ("invoice.buyer", &doc.buyer),
    ] {
        out.text(t(l, label), Style::grey(9.0));
        for line in party.lines() {
            out.text(line, Style::regular(10.5));
        }
        out.gap(6.0);
    }
    out.gap(6.0);
    // Description, quantity, unit price, amount: the numbers right-aligned on their column.
    let columns = |d: String, q: String, u: String, a: String| {
        let right = |text: String, x: f32, width: f32| Cell {
            text,
            x,
            width,
            align: Align::Right,
        };
        vec![
            Cell {
                text: d,
                x: MARGIN,
                width: 250.0,
                align: Align::Left,
            },
            right(q, 345.0, 35.0),
            right(u, 445.0, 90.0),
            right(a, PAGE_WIDTH - MARGIN, 90.0),
        ]
    };
    out.table_header(
        columns(
            t(l, "invoice.description").into(),
            t(l, "invoice.quantity").into(),
            t(l, "invoice.unit").into(),
            t(l, "invoice.amount").into(),
        ),
        Style::bold(10.0),
    );
    for item in &doc.lines {
        out.row(
            &columns(
                item.description.clone(),
                item.quantity.to_string(),
                doc.money(item.unit),
                doc.money(item.total),
            ),
            Style::regular(10.0),
        );
    }
    out.end_table();
    out.rule();
    let total_row =
        |label: String, amount: String| columns(label, String::new(), String::new(), amount);
    out.row(
        &total_row(t(l, "invoice.subtotal").into(), doc.money(doc.subtotal)),
        Style::regular(10.0),
    );
    if doc.tax_rate_bp > 0 {
        out.row(
            &total_row(
                format!(
                    "{} ({}.{:02} %)",
                    t(l, "invoice.tax"),
                    doc.tax_rate_bp / 100,
                    doc.tax_rate_bp % 100
                ),
                doc.money(doc.tax),
            ),
            Style::regular(10.0),
        );
    }
    out.row(
        &total_row(
            format!("{} ({})", t(l, "invoice.total"), doc.currency),
            doc.money(doc.total),
        ),
        Style::bold(12.0),
    );
    out.gap(12.0);
    out.text(t(l, "invoice.paid"), Style::regular(10.5));
    out.finish(t(l, "pdf.page")).map_err(respond::internal)
}
