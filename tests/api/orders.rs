//! Orders for events and stays: placing, paying, issuing e-tickets once, the door, the owner's
//! links, refunds, commissions and the stuck-payment monitor, over HTTP against a fresh
//! database per test.

use std::io::Cursor;

use futures::future::join_all;
use reqwest::{
    multipart::{Form, Part},
    Client,
};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{client, spawn_app, spawn_with, TestApp};

const PASSWORD: &str = "correct horse battery";

async fn event(app: &TestApp, slug: &str, capacity: i32, max_per_order: i32) {
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, starts_at, ends_at, capacity, price, currency, max_per_order)
         VALUES ($1, $2, 'EVENT', 'Festival', 'Palais des Sports', now() + interval '10 days',
                 now() + interval '10 days 5 hours', $3, 5000, 'XAF', $4)",
    )
    .bind(Uuid::new_v4())
    .bind(slug)
    .bind(capacity)
    .bind(max_per_order)
    .execute(&app.pool)
    .await
    .unwrap();
}

async fn stay(app: &TestApp, slug: &str) {
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, capacity, price, currency, owner_name, owner_phone, owner_email)
         VALUES ($1, $2, 'STAY', 'Villa Kribi', 'Kribi', 6, 45000, 'XAF', 'Jean', '+237699000002', 'owner@example.cm')",
    )
    .bind(Uuid::new_v4())
    .bind(slug)
    .execute(&app.pool)
    .await
    .unwrap();
}

async fn referral(app: &TestApp, code: &str) {
    sqlx::query(
        "INSERT INTO referral_codes (id, code, kind, holder_name, holder_phone, discount_bps, referrer_bps, admin_bps)
         VALUES ($1, $2, 'STANDARD', 'Clarisse', '+237677000009', 1000, 500, 500)",
    )
    .bind(Uuid::new_v4())
    .bind(code)
    .execute(&app.pool)
    .await
    .unwrap();
}

fn future_date(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

/// Posts the order form; returns the response status and, when placed, (reference, sig).
async fn place(
    app: &TestApp,
    c: &Client,
    fields: &[(&str, &str)],
) -> (u16, Option<(String, String)>, String) {
    let mut form: Vec<(&str, &str)> = [
        ("name", "Awa Ndiaye"),
        ("email", "awa@example.cm"),
        ("phone", "+237 677 12 34 56"),
    ]
    .into_iter()
    .filter(|(k, _)| !fields.iter().any(|(f, _)| f == k))
    .collect();
    form.extend_from_slice(fields);
    let res = app.post_fn(c, "place_order", &form).await;
    let status = res.status().as_u16();
    let body = res.text().await.unwrap_or_default();
    let placed = serde_json::from_str::<String>(&body).ok().and_then(|next| {
        let rest = next.strip_prefix("/orders/")?;
        let (reference, sig) = rest.split_once("?sig=")?;
        Some((reference.to_string(), sig.to_string()))
    });
    (status, placed, body)
}

async fn order_event(app: &TestApp, slug: &str, quantity: &str) -> (String, String) {
    let (status, placed, body) =
        place(app, &client(), &[("slug", slug), ("quantity", quantity)]).await;
    assert_eq!(status, 200, "{body}");
    placed.expect("placed")
}

/// A signed-in client with the given role.
async fn signed_in(app: &TestApp, email: &str, role: &str) -> Client {
    let c = client();
    app.register(&c, email).await;
    sqlx::query("UPDATE users SET role = $2 WHERE email = $1")
        .bind(email)
        .bind(role)
        .execute(&app.pool)
        .await
        .unwrap();
    let c = client();
    app.login(&c, email, PASSWORD).await;
    c
}

async fn bearer(app: &TestApp, email: &str) -> String {
    let body: Value = reqwest::Client::new()
        .post(format!("{}/api/auth/token", app.addr))
        .json(&serde_json::json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["data"]["token"].as_str().expect("token").to_string()
}

async fn status_of(app: &TestApp, reference: &str) -> String {
    sqlx::query_scalar("SELECT status FROM orders WHERE reference = $1")
        .bind(reference)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn scalar_i64(app: &TestApp, sql: &str, reference: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(reference)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn tickets_of(app: &TestApp, reference: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT t.token FROM etickets t JOIN orders o ON o.id = t.order_id WHERE o.reference = $1 ORDER BY t.seq",
    )
    .bind(reference)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn outbox_bodies(app: &TestApp, kind: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT body FROM outbox WHERE kind = $1 ORDER BY created_at")
        .bind(kind)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 5, y as u8 * 7, 90]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub(crate) async fn send_proof(
    app: &TestApp,
    reference: &str,
    sig: &str,
    file: Vec<u8>,
) -> reqwest::Response {
    send_file(app, &client(), (reference, sig), file, "recu.png").await
}

/// Posts a proof to the order page from `browser`, with the transaction id `MP240101.1234.A`.
async fn send_file(
    app: &TestApp,
    browser: &Client,
    (reference, sig): (&str, &str),
    file: Vec<u8>,
    name: &str,
) -> reqwest::Response {
    let mime = if name.ends_with(".pdf") {
        "application/pdf"
    } else {
        "image/png"
    };
    let form = Form::new()
        .text("payment_method", "MTN_MOMO")
        .text("phone_number", "677123456")
        .text("transaction_id", "MP240101.1234.A")
        .part(
            "proof",
            Part::bytes(file)
                .file_name(name.to_string())
                .mime_str(mime)
                .unwrap(),
        );
    browser
        .post(format!("{}/orders/{reference}/proof?sig={sig}", app.addr))
        .header("origin", &app.addr)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn mark_paid(app: &TestApp, admin: &Client, reference: &str, via: &str) -> u16 {
    app.post_fn(
        admin,
        "mark_order_paid",
        &[("reference", reference), ("via", via)],
    )
    .await
    .status()
    .as_u16()
}

#[sqlx::test(migrations = false)]
async fn an_order_holds_places_and_mails_a_signed_link(pool: PgPool) {
    let app = spawn_app(pool).await;
    event(&app, "fest", 50, 10).await;
    let (reference, sig) = order_event(&app, "fest", "3").await;
    assert!(reference.starts_with("ORD-"));
    assert_eq!(
        sig,
        app.signer.sign(&format!("order:{reference}")),
        "HMAC of the reference"
    );
    assert_eq!(status_of(&app, &reference).await, "PAYMENT_PENDING");
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT sold::bigint FROM events WHERE slug = 'fest' AND $1 <> ''",
            &reference
        )
        .await,
        3
    );
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT total FROM orders WHERE reference = $1",
            &reference
        )
        .await,
        15_000
    );
    let mail = outbox_bodies(&app, "order_created").await;
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0].contains(&format!("/orders/{reference}?sig={sig}")),
        "{}",
        mail[0]
    );

    let (code, html) = app
        .page(&client(), &format!("/orders/{reference}?sig={sig}"))
        .await;
    assert_eq!(code, 200);
    assert!(html.contains(&reference));
    assert!(html.contains("15,000\u{a0}FCFA"), "total shown");
    // Registering the buyer's e-mail address afterwards does not open the order.
    let squatter = signed_in(&app, "awa@example.cm", "member").await;
    let (code, _) = app.page(&squatter, &format!("/orders/{reference}")).await;
    assert_eq!(code, 404);
    // An order placed while signed in is open to that account without the signature.
    let (_, placed, _) = place(&app, &squatter, &[("slug", "fest"), ("quantity", "1")]).await;
    let (own, _) = placed.expect("placed while signed in");
    let (code, _) = app.page(&squatter, &format!("/orders/{own}")).await;
    assert_eq!(code, 200);
    let (code, _) = app.page(&client(), &format!("/orders/{own}")).await;
    assert_eq!(code, 404);
    // Without the signature, or with another one, the order does not exist.
    for path in [
        format!("/orders/{reference}"),
        // Another signature: the first digit changed, whatever it was.
        format!(
            "/orders/{reference}?sig={}{}",
            if sig.starts_with('0') { '1' } else { '0' },
            &sig[1..]
        ),
        format!("/orders/{reference}?sig=abc"),
    ] {
        let (code, html) = app.page(&client(), &path).await;
        assert_eq!(code, 404, "{path}");
        assert!(!html.contains("awa@example.cm"));
    }
}

#[sqlx::test(migrations = false)]
async fn bad_orders_are_refused_with_reasons_and_nothing_written(pool: PgPool) {
    let app = spawn_app(pool).await;
    event(&app, "fest", 50, 4).await;
    stay(&app, "villa").await;
    let past = (chrono::Utc::now().date_naive() - chrono::Duration::days(2)).to_string();
    let (d1, d3) = (future_date(10), future_date(13));
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("slug", "fest"), ("quantity", "0")],
            "error.quantity_too_small",
        ),
        (
            vec![("slug", "fest"), ("quantity", "5")],
            "error.quantity_too_large",
        ),
        (
            vec![("slug", "fest"), ("quantity", "-1")],
            "error.quantity_too_small",
        ),
        (
            vec![("slug", "fest"), ("quantity", "deux")],
            "error.quantity_invalid",
        ),
        (
            vec![
                ("slug", "fest"),
                ("quantity", "1"),
                ("referral_code", "NOPE"),
            ],
            "error.referral_invalid",
        ),
        (
            vec![
                ("slug", "villa"),
                ("quantity", "2"),
                ("check_in", &past),
                ("check_out", &d1),
            ],
            "error.date_past",
        ),
        (
            vec![
                ("slug", "villa"),
                ("quantity", "2"),
                ("check_in", &d3),
                ("check_out", &d1),
            ],
            "error.dates_reversed",
        ),
        (
            vec![
                ("slug", "villa"),
                ("quantity", "9"),
                ("check_in", &d1),
                ("check_out", &d3),
            ],
            "error.quantity_too_large",
        ),
        (
            vec![
                ("slug", "villa"),
                ("quantity", "2"),
                ("check_in", "24/12"),
                ("check_out", &d3),
            ],
            "error.date_invalid",
        ),
    ];
    for (fields, key) in cases {
        let (status, placed, body) = place(&app, &client(), &fields).await;
        assert!((400..500).contains(&status), "{fields:?}: {status} {body}");
        assert!(placed.is_none());
        assert!(body.contains(key), "{fields:?}: {body}");
        // What was typed comes back for the form.
        assert!(body.contains("Awa Ndiaye"), "{body}");
    }
    let (status, _, body) = place(
        &app,
        &client(),
        &[
            ("slug", "fest"),
            ("quantity", "1"),
            ("email", "not-an-email"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    // Sales window: not yet open, then closed.
    sqlx::query("UPDATE events SET sales_start = now() + interval '1 day' WHERE slug = 'fest'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, _, body) = place(&app, &client(), &[("slug", "fest"), ("quantity", "1")]).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("error.sales_not_open"));
    sqlx::query("UPDATE events SET sales_start = NULL, sales_end = now() - interval '1 minute' WHERE slug = 'fest'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, _, body) = place(&app, &client(), &[("slug", "fest"), ("quantity", "1")]).await;
    assert_eq!(status, 409);
    assert!(body.contains("error.sales_closed"));
    let (status, _, _) = place(
        &app,
        &client(),
        &[("slug", "no-such-event"), ("quantity", "1")],
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(app.count("orders").await, 0);
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT sum(sold)::bigint FROM events WHERE $1 = ''",
            ""
        )
        .await,
        0
    );
    // Overlapping nights are refused once booked.
    let (status, placed, body) = place(
        &app,
        &client(),
        &[
            ("slug", "villa"),
            ("quantity", "2"),
            ("check_in", &d1),
            ("check_out", &d3),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(placed.is_some());
    let (d2, d5) = (future_date(11), future_date(15));
    let (status, _, body) = place(
        &app,
        &client(),
        &[
            ("slug", "villa"),
            ("quantity", "2"),
            ("check_in", &d2),
            ("check_out", &d5),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("error.dates_taken"));
}

#[sqlx::test(migrations = false)]
async fn five_hundred_concurrent_orders_for_one_hundred_places(pool: PgPool) {
    let app = spawn_app(pool).await;
    event(&app, "rush", 100, 10).await;
    let c = client();
    let attempts = (0..500).map(|_| {
        let c = c.clone();
        let app = &app;
        async move { place(app, &c, &[("slug", "rush"), ("quantity", "1")]).await }
    });
    let results = join_all(attempts).await;
    let placed: Vec<(String, String)> = results.iter().filter_map(|r| r.1.clone()).collect();
    let refused = results.iter().filter(|r| r.0 == 409).count();
    assert_eq!(placed.len(), 100, "exactly the capacity was sold");
    assert_eq!(refused, 400, "the rest were told it is sold out");
    assert!(
        results.iter().all(|r| r.0 == 200 || r.0 == 409),
        "never a 500"
    );
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT sold::bigint FROM events WHERE slug = $1",
            "rush"
        )
        .await,
        100
    );
    // Every held place gets paid: exactly 100 paid places and 100 e-tickets.
    let admin = signed_in(&app, "admin@example.cm", "admin").await;
    let payments = placed
        .iter()
        .map(|(r, _)| mark_paid(&app, &admin, r, "CASH"));
    let codes = join_all(payments).await;
    assert!(codes.iter().all(|c| *c == 200), "{codes:?}");
    let paid: i64 = sqlx::query_scalar(
        "SELECT coalesce(sum(quantity), 0)::bigint FROM orders WHERE status = 'TICKETS_ISSUED'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(paid, 100);
    assert_eq!(app.count("etickets").await, 100);
}

#[sqlx::test(migrations = false)]
async fn paid_twice_issues_the_tickets_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    event(&app, "fest", 50, 10).await;
    let (reference, sig) = order_event(&app, "fest", "2").await;
    let res = send_proof(&app, &reference, &sig, png()).await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .contains("proof=1"));
    assert_eq!(status_of(&app, &reference).await, "PENDING_VERIFICATION");
    let a = signed_in(&app, "a1@example.cm", "admin").await;
    let b = signed_in(&app, "a2@example.cm", "admin").await;
    let (x, y) = tokio::join!(
        mark_paid(&app, &a, &reference, "PROOF"),
        mark_paid(&app, &b, &reference, "PROOF")
    );
    let mut codes = [x, y];
    codes.sort();
    assert_eq!(codes, [200, 409]);
    // A retry changes nothing either.
    assert_eq!(mark_paid(&app, &a, &reference, "CASH").await, 409);
    assert_eq!(status_of(&app, &reference).await, "TICKETS_ISSUED");
    assert_eq!(tickets_of(&app, &reference).await.len(), 2);
    let mails = outbox_bodies(&app, "tickets_issued").await;
    assert_eq!(mails.len(), 1);
    for token in tickets_of(&app, &reference).await {
        assert!(mails[0].contains(&format!("/t/{token}")));
    }
    // A member cannot mark orders paid.
    let member = signed_in(&app, "m@example.cm", "member").await;
    let (r2, _) = order_event(&app, "fest", "1").await;
    assert_eq!(mark_paid(&app, &member, &r2, "CASH").await, 403);
    assert_eq!(status_of(&app, &r2).await, "PAYMENT_PENDING");
    // A bad proof is refused and the order keeps waiting.
    let (r3, s3) = order_event(&app, "fest", "1").await;
    let res = send_proof(&app, &r3, &s3, b"MZ not an image".to_vec()).await;
    let location = res.headers()["location"].to_str().unwrap().to_string();
    // The reason and what was typed come back through the session, not the address.
    assert!(
        location.contains("__flash=") && !location.contains("MP240101"),
        "{location}"
    );
    assert_eq!(status_of(&app, &r3).await, "PAYMENT_PENDING");
    // And a forged link cannot upload.
    let res = send_proof(&app, &r3, "deadbeef", png()).await;
    assert_eq!(res.status().as_u16(), 404);
}

/// A PDF written object by object with a correct cross-reference table.
fn handmade_pdf(objects: &[&[u8]]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[sqlx::test(migrations = false)]
async fn a_scanned_pdf_goes_through_and_a_scripted_one_is_refused_with_its_reason(pool: PgPool) {
    let app = spawn_app(pool).await;
    event(&app, "fest", 50, 10).await;
    // A scan: its image bytes happen to hold "/JS" and "/JavaScript", as compressed data does.
    let mut image = vec![0x5Au8; 200_000];
    image[1000..1003].copy_from_slice(b"/JS");
    image[5000..5011].copy_from_slice(b"/JavaScript");
    let mut stream = format!(
        "<< /Type /XObject /Subtype /Image /Width 400 /Height 500 /ColorSpace /DeviceGray \
         /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
        image.len()
    )
    .into_bytes();
    stream.extend_from_slice(&image);
    stream.extend_from_slice(b"\nendstream");
    let scan = handmade_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> >>",
        &stream,
    ]);
    let (reference, sig) = order_event(&app, "fest", "1").await;
    let res = send_file(&app, &client(), (&reference, &sig), scan, "releve.pdf").await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .contains("proof=1"));
    assert_eq!(status_of(&app, &reference).await, "PENDING_VERIFICATION");

    // A script behind an escaped name (/J#61vaScript is /JavaScript) is refused, with why.
    let scripted = handmade_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]);
    let (r2, s2) = order_event(&app, "fest", "1").await;
    let browser = client();
    let res = send_file(&app, &browser, (&r2, &s2), scripted, "recu.pdf").await;
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let (_, html) = app.page(&browser, &location).await;
    assert!(
        html.contains("PDF files with scripts or attachments are not accepted."),
        "the reason is shown"
    );
    assert!(html.contains("MP240101.1234.A"), "what was typed is kept");
    assert_eq!(status_of(&app, &r2).await, "PAYMENT_PENDING");
}

#[sqlx::test(migrations = false)]
async fn the_eticket_page_needs_no_webassembly_and_refuses_guesses_alike(pool: PgPool) {
    let app = spawn_app(pool).await;
    event(&app, "fest", 50, 10).await;
    let (reference, _) = order_event(&app, "fest", "2").await;
    let admin = signed_in(&app, "admin@example.cm", "admin").await;
    assert_eq!(mark_paid(&app, &admin, &reference, "CASH").await, 200);
    let tokens = tickets_of(&app, &reference).await;
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0].len(), 40, "160 random bits in hex");
    let (code, html) = app.page(&client(), &format!("/t/{}", tokens[0])).await;
    assert_eq!(code, 200);
    assert!(html.contains("Awa Ndiaye"));
    assert!(html.contains("<svg"), "QR code rendered on the server");
    // The QR code's mask was chosen once, at issuance, and the page lays that mask: the same
    // code as the full search draws, which reads back as the ticket's link (platform::qr's
    // tests decode every mask).
    let link = format!("{}/t/{}", app.state.config.base_url, tokens[0]);
    let mask: Option<i16> = sqlx::query_scalar("SELECT qr_mask FROM etickets WHERE token = $1")
        .bind(&tokens[0])
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let best = tessera::platform::qr::best(&link).unwrap();
    assert_eq!(mask, Some(i16::from(best.mask)));
    assert!(html.contains(&best.svg()), "the page draws the issued code");
    // A ticket issued before masks were kept is drawn by the search, the same code.
    sqlx::query("UPDATE etickets SET qr_mask = NULL WHERE token = $1")
        .bind(&tokens[0])
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, again) = app.page(&client(), &format!("/t/{}", tokens[0])).await;
    assert!(again.contains(&best.svg()));
    let start = html.find("Billet").or(html.find("Ticket")).unwrap_or(0);
    assert!(
        html.replace("<!>", "").contains("1 / 2"),
        "{}",
        &html[start..(start + 200).min(html.len())]
    );
    assert!(
        !html.contains(".wasm") && !html.contains("/pkg/tessera.js"),
        "no WebAssembly"
    );
    // Sent gzipped to a browser that accepts it.
    let gz = client()
        .get(format!("{}/t/{}", app.addr, tokens[0]))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert!(gz.bytes().await.unwrap().len() < html.len() / 2);
    let pdf = client()
        .get(format!("{}/t/{}/pdf", app.addr, tokens[1]))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status().as_u16(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    // Forged, truncated and guessed tokens all get the same plain refusal.
    let mut forged = tokens[0].clone();
    forged.replace_range(39.., if forged.ends_with('0') { "1" } else { "0" });
    let mut bodies = Vec::new();
    for bad in [
        forged,
        tokens[0][..39].to_string(),
        "0".repeat(40),
        "not-a-token".to_string(),
        format!("{}00", tokens[0]),
    ] {
        let (code, html) = app.page(&client(), &format!("/t/{bad}")).await;
        assert_eq!(code, 404, "{bad}");
        assert!(!html.contains("Festival") && !html.contains("Awa"));
        // The per-response nonce aside, every refusal is the same page.
        let mut page = html.replace(&bad, "");
        while let Some(i) = page.find("nonce=\"") {
            let end = page[i + 7..]
                .find('"')
                .map_or(page.len(), |e| i + 7 + e + 1);
            page.replace_range(i..end, "");
        }
        bodies.push(page);
        let pdf = client()
            .get(format!("{}/t/{bad}/pdf", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(pdf.status().as_u16(), 404);
    }
    for w in bodies.windows(2) {
        if w[0] != w[1] {
            let at = w[0]
                .bytes()
                .zip(w[1].bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "no hint which tokens exist: {} <> {}",
                &w[0][at.saturating_sub(80)..(at + 80).min(w[0].len())],
                &w[1][at.saturating_sub(80)..(at + 80).min(w[1].len())]
            );
        }
    }
}

/// An event "fest", an order of two tickets paid in cash (its reference), the admin who
/// marked it paid, and the tickets' tokens.
async fn two_issued_tickets(app: &TestApp) -> (String, Client, Vec<String>) {
    event(app, "fest", 50, 10).await;
    let (reference, _) = order_event(app, "fest", "2").await;
    let admin = signed_in(app, "admin@example.cm", "admin").await;
    mark_paid(app, &admin, &reference, "CASH").await;
    let tokens = tickets_of(app, &reference).await;
    (reference, admin, tokens)
}

/// A page's document, without what Leptos appends after it (resources for hydration, with
/// this render's nonce) and without `query` (which the language switch's return address
/// carries when the page's address does).
fn document(html: &str, query: &str) -> String {
    let end = html.rfind("</html>").map_or(html.len(), |i| i + 7);
    html[..end].replace(query, "")
}

#[sqlx::test(migrations = false)]
async fn the_eticket_page_is_the_apps_page_and_shows_a_check_in_at_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (_, admin, tokens) = two_issued_tickets(&app).await;
    let path = format!("/t/{}", tokens[0]);
    // A plain visit takes the fast path (the frame around the card); one with a query string
    // is rendered whole by the app. Both give the same document, in English and in French.
    for lang in ["en", "fr"] {
        let visitor = client();
        app.set_lang(&visitor, lang).await;
        let (code, fast) = app.page(&visitor, &path).await;
        assert_eq!(code, 200);
        let (code, whole) = app.page(&visitor, &format!("{path}?from=mail")).await;
        assert_eq!(code, 200);
        assert!(
            !fast.contains("__RESOLVED_RESOURCES"),
            "the fast page carries nothing for hydration"
        );
        let after = whole.rfind("</html>").map_or("", |i| &whole[i..]);
        assert!(
            !after.contains("Awa Ndiaye") && !after.contains("qr_svg"),
            "nor does the full render carry the ticket again: {after}"
        );
        assert_eq!(
            document(&fast, "?from=mail"),
            document(&whole, "?from=mail"),
        );
        let fast = document(&fast, "");
        assert!(
            fast.contains(&format!("value=\"{path}\"")),
            "the switch comes back here"
        );
        assert!(fast.contains(&format!("<html lang=\"{lang}\"")));
        assert!(fast.contains(if lang == "fr" { "Valide" } else { "Valid" }));
        assert!(fast.contains("Awa Ndiaye") && fast.contains("<svg"));
    }
    // The page's policy carries a fresh nonce each time.
    let csp = |res: &reqwest::Response| {
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string()
    };
    let one = client()
        .get(format!("{}{path}", app.addr))
        .send()
        .await
        .unwrap();
    let two = client()
        .get(format!("{}{path}", app.addr))
        .send()
        .await
        .unwrap();
    assert!(csp(&one).contains("frame-ancestors 'none'"));
    assert_ne!(csp(&one), csp(&two));
    assert_eq!(one.headers()["content-type"], "text/html; charset=utf-8");
    // A signed-in visitor gets their own menu, not the visitor's frame.
    let (_, mine) = app.page(&admin, &path).await;
    assert!(mine.contains("href=\"/account\"") && mine.contains("Awa Ndiaye"));
    let (_, plain) = app.page(&client(), &path).await;
    assert!(!plain.contains("href=\"/account\"") && plain.contains("href=\"/login\""));
    // A check-in shows on the next visit, at once; so does a refund.
    let door = signed_in(&app, "door@example.cm", "staff").await;
    assert_eq!(
        check_in(&app, &door, &tokens[0]).await.1["outcome"],
        "VALID"
    );
    let (_, page) = app.page(&client(), &path).await;
    assert!(page.contains("Checked in"), "the check-in shows at once");
    sqlx::query("UPDATE etickets SET status = 'VOID', voided_at = now() WHERE token = $1")
        .bind(&tokens[1])
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, page) = app.page(&client(), &format!("/t/{}", tokens[1])).await;
    assert!(page.contains("Void"), "a refund shows at once");
    // Unknown tickets are still the app's 404.
    let (code, _) = app.page(&client(), &format!("/t/{}", "0".repeat(40))).await;
    assert_eq!(code, 404);
}

async fn check_in(app: &TestApp, c: &Client, code: &str) -> (u16, Value) {
    let res = app.post_fn(c, "check_in", &[("code", code)]).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[sqlx::test(migrations = false)]
async fn two_phones_scanning_at_once_get_one_valid(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (_, _, tokens) = two_issued_tickets(&app).await;
    let door1 = signed_in(&app, "door1@example.cm", "staff").await;
    // Door staff land on the door when they sign in, not on a family page.
    let landing = app.login(&client(), "door1@example.cm", PASSWORD).await;
    assert_eq!(landing.json::<String>().await.unwrap(), "/checkin");
    let door2 = signed_in(&app, "door2@example.cm", "staff").await;
    let url = format!("http://127.0.0.1:3000/t/{}", tokens[0]);
    let ((s1, v1), (s2, v2)) = tokio::join!(
        check_in(&app, &door1, &url),
        check_in(&app, &door2, &tokens[0])
    );
    assert_eq!((s1, s2), (200, 200));
    let mut outcomes = [
        v1["outcome"].as_str().unwrap().to_string(),
        v2["outcome"].as_str().unwrap().to_string(),
    ];
    outcomes.sort();
    assert_eq!(outcomes, ["ALREADY_CHECKED_IN", "VALID"]);
    let already = if v1["outcome"] == "VALID" { &v2 } else { &v1 };
    assert_eq!(already["holder_name"], "Awa Ndiaye");
    assert!(already["checked_in_at"].is_string());
    assert!(already["staff_name"].is_string());
    assert_eq!(
        (already["checked_in"].as_i64(), already["issued"].as_i64()),
        (Some(1), Some(2))
    );
    // The short code printed under the QR code, typed in lower case with a space, names the
    // same ticket; the ticket's page prints it.
    let code: String = sqlx::query_scalar("SELECT door_code FROM etickets WHERE token = $1")
        .bind(&tokens[1])
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let printed = format!("{}-{}", &code[..4], &code[4..]);
    let (_, page) = app.page(&client(), &format!("/t/{}", tokens[1])).await;
    assert!(page.contains(&printed), "{page}");
    let typed = format!("{} {}", code[..4].to_lowercase(), &code[4..]);
    let (_, v) = check_in(&app, &door1, &typed).await;
    assert_eq!(v["outcome"], "VALID");
    assert_eq!(v["door_code"], printed.as_str());
    assert_eq!(v["checked_in"], 2);
    // INVALID says why.
    let (_, v) = check_in(&app, &door1, &"f".repeat(40)).await;
    assert_eq!(
        (v["outcome"].as_str(), v["reason"].as_str()),
        (Some("INVALID"), Some("UNKNOWN"))
    );
    let (_, v) = check_in(&app, &door1, "hello").await;
    assert_eq!(
        (v["outcome"].as_str(), v["reason"].as_str()),
        (Some("INVALID"), Some("NOT_A_CODE"))
    );
    // A refunded ticket is VOID, and the counters follow it.
    sqlx::query("UPDATE etickets SET status = 'VOID', voided_at = now() WHERE token = $1")
        .bind(&tokens[0])
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, v) = check_in(&app, &door1, &tokens[0]).await;
    assert_eq!(
        (v["outcome"].as_str(), v["reason"].as_str()),
        (Some("VOID"), Some("VOID"))
    );
    assert_eq!(
        (v["checked_in"].as_i64(), v["issued"].as_i64()),
        (Some(1), Some(1))
    );
    let (_, html) = app
        .page(
            &door1,
            &format!("/checkin?outcome=INVALID&code={}", "f".repeat(40)),
        )
        .await;
    assert!(html.contains("No ticket has this code"), "{html}");
    // Members cannot check people in, nor see the door page.
    let member = signed_in(&app, "m@example.cm", "member").await;
    let (s, _) = check_in(&app, &member, &tokens[0]).await;
    assert_eq!(s, 403);
    let (code, _) = app.page(&member, "/checkin").await;
    assert_eq!(code, 403);
    let (code, html) = app.page(&door1, "/checkin").await;
    assert_eq!(code, 200);
    assert!(html.contains("Festival"), "counters per event");
    // After a scan the page shows the answer from its address (so it works without JavaScript).
    let (code, html) = app
        .page(
            &door1,
            &format!("/checkin?outcome=ALREADY_CHECKED_IN&code={}", tokens[0]),
        )
        .await;
    assert_eq!(code, 200);
    assert!(
        html.contains("ALREADY CHECKED IN") && html.contains("Awa Ndiaye"),
        "{html}"
    );
    let (_, html) = app
        .page(
            &member,
            &format!("/checkin?outcome=VALID&code={}", tokens[0]),
        )
        .await;
    assert!(
        !html.contains("verdict-word"),
        "members learn nothing from the door page"
    );
}

async fn check_in_at(app: &TestApp, c: &Client, code: &str, event: &str, gate: &str) -> Value {
    let res = app
        .post_fn(
            c,
            "check_in",
            &[("code", code), ("event", event), ("gate", gate)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    // A script's scan is one round trip: the answer, no redirect to follow.
    assert!(res.headers().get("location").is_none());
    assert!(res.headers().get("serverfnredirect").is_none());
    res.json().await.unwrap()
}

/// Two events, "fest" and "jazz" (Jazz Night), with a paid order of two festival tickets and
/// one of one Jazz Night ticket: the app, the admin and each event's ticket tokens.
async fn festival_and_jazz(pool: PgPool) -> (TestApp, Client, Vec<String>, Vec<String>) {
    let app = spawn_app(pool).await;
    event(&app, "fest", 50, 10).await;
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, starts_at, ends_at, capacity, price, currency, max_per_order)
         VALUES ($1, 'jazz', 'EVENT', 'Jazz Night', 'Douala', now() + interval '3 days',
                 now() + interval '3 days 4 hours', 50, 5000, 'XAF', 10)",
    )
    .bind(Uuid::new_v4())
    .execute(&app.pool)
    .await
    .unwrap();
    let admin = signed_in(&app, "admin@example.cm", "admin").await;
    let (fest, _) = order_event(&app, "fest", "2").await;
    mark_paid(&app, &admin, &fest, "CASH").await;
    let (jazz, _) = order_event(&app, "jazz", "1").await;
    mark_paid(&app, &admin, &jazz, "CASH").await;
    let fest_tickets = tickets_of(&app, &fest).await;
    let jazz_tickets = tickets_of(&app, &jazz).await;
    (app, admin, fest_tickets, jazz_tickets)
}

#[sqlx::test(migrations = false)]
async fn the_door_is_set_to_an_event_and_counts_per_gate(pool: PgPool) {
    let (app, _, fest_tickets, jazz_tickets) = festival_and_jazz(pool).await;
    let door = signed_in(&app, "door@example.cm", "staff").await;

    // A Jazz Night ticket at the festival's door: INVALID, for another event, named; unused.
    let v = check_in_at(&app, &door, &jazz_tickets[0], "fest", "North gate").await;
    assert_eq!(
        (
            v["outcome"].as_str(),
            v["reason"].as_str(),
            v["title"].as_str()
        ),
        (Some("INVALID"), Some("OTHER_EVENT"), Some("Jazz Night"))
    );
    let status: String = sqlx::query_scalar("SELECT status FROM etickets WHERE token = $1")
        .bind(&jazz_tickets[0])
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "VALID");

    // Two gates; the gate's name is tidied; a second scan names the first gate.
    let v = check_in_at(&app, &door, &fest_tickets[0], "fest", "  North   gate ").await;
    assert_eq!(v["outcome"], "VALID");
    assert_eq!(
        (v["checked_in"].as_i64(), v["issued"].as_i64()),
        (Some(1), Some(2))
    );
    let v = check_in_at(&app, &door, &fest_tickets[1], "fest", "South").await;
    assert_eq!(v["outcome"], "VALID");
    let v = check_in_at(&app, &door, &fest_tickets[0], "fest", "South").await;
    assert_eq!(
        (v["outcome"].as_str(), v["gate"].as_str()),
        (Some("ALREADY_CHECKED_IN"), Some("North gate"))
    );
    // A door set to any event takes the Jazz Night ticket.
    let v = check_in_at(&app, &door, &jazz_tickets[0], "", "").await;
    assert_eq!(v["outcome"], "VALID");

    // The counters: every event, and the festival's gates.
    let res = app
        .post_fn(&door, "door_counts", &[("event", "fest")])
        .await;
    let board: Value = res.json().await.unwrap();
    let events = board["events"].as_array().unwrap();
    let festival = events.iter().find(|e| e["slug"] == "fest").unwrap();
    assert_eq!(
        (festival["checked_in"].as_i64(), festival["issued"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        board["gates"],
        serde_json::json!([{"gate": "North gate", "checked_in": 1}, {"gate": "South", "checked_in": 1}])
    );
    // A refund takes the check-in off its gate's counter.
    sqlx::query("UPDATE etickets SET status = 'VOID', voided_at = now() WHERE token = $1")
        .bind(&fest_tickets[1])
        .execute(&app.pool)
        .await
        .unwrap();
    let board = board_of(&app, &door, "fest").await;
    assert_eq!(
        board["gates"],
        serde_json::json!([{"gate": "North gate", "checked_in": 1}])
    );
    // Members get nothing.
    let member = signed_in(&app, "m@example.cm", "member").await;
    let res = app
        .post_fn(&member, "door_counts", &[("event", "fest")])
        .await;
    assert_eq!(res.status().as_u16(), 403);

    // Without JavaScript the form posts and is sent back to the door, set as it was, with the
    // answer in the address; the page says why in words.
    let res = door
        .post(format!("{}/fn/check_in", app.addr))
        .header("origin", &app.addr)
        .header("accept", "text/html")
        .form(&[
            ("code", jazz_tickets[0].as_str()),
            ("event", "fest"),
            ("gate", "North gate"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 302);
    let next = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        next.starts_with("/checkin?outcome=INVALID&reason=OTHER_EVENT&code=")
            && next.ends_with("&event=fest&gate=North+gate"),
        "{next}"
    );
    let (code, html) = app.page(&door, &next).await;
    assert_eq!(code, 200);
    assert!(
        html.contains("This ticket is for another event") && html.contains("Jazz Night"),
        "{html}"
    );
    assert!(
        html.contains("value=\"North gate\""),
        "the door stays set: {html}"
    );
}

async fn door_sync(app: &TestApp, c: &Client, body: Value) -> (u16, Value) {
    let res = c
        .post(format!("{}/fn/door_sync", app.addr))
        .header("origin", &app.addr)
        .json(&serde_json::json!({ "request": body }))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn scan(ticket: &str, at: &str) -> Value {
    serde_json::json!({ "id": Uuid::new_v4().to_string(), "ticket": ticket, "at": at, "gate": "North" })
}

#[sqlx::test(migrations = false)]
async fn offline_phones_sync_once_converge_and_can_be_revoked(pool: PgPool) {
    let app = spawn_app(pool).await;
    event(&app, "fest", 50, 10).await;
    let admin = signed_in(&app, "admin@example.cm", "admin").await;
    let (fest, _) = order_event(&app, "fest", "3").await;
    mark_paid(&app, &admin, &fest, "CASH").await;
    let tokens = tickets_of(&app, &fest).await;
    let door1 = signed_in(&app, "door1@example.cm", "staff").await;
    let door2 = signed_in(&app, "door2@example.cm", "staff").await;
    let member = signed_in(&app, "m@example.cm", "member").await;
    let (d1, d2) = (Uuid::new_v4().to_string(), Uuid::new_v4().to_string());

    // A member gets no list; staff get what the door needs, and nothing more.
    let res = app
        .post_fn(&member, "door_list", &[("event", "fest"), ("device", &d1)])
        .await;
    assert_eq!(res.status().as_u16(), 403);
    let res = app
        .post_fn(
            &door1,
            "door_list",
            &[("event", "fest"), ("device", &d1), ("name", "Gate phone A")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let text = res.text().await.unwrap();
    assert!(
        !text.contains('@') && !text.contains("+237") && !text.contains(&tokens[0]),
        "{text}"
    );
    let list: Value = serde_json::from_str(&text).unwrap();
    let tickets = list["tickets"].as_array().unwrap();
    assert_eq!(tickets.len(), 3);
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT t.id::text, t.token, t.door_code FROM etickets t JOIN orders o ON o.id = t.order_id
         WHERE o.reference = $1 ORDER BY t.seq",
    )
    .bind(&fest)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for (id, token, code) in &rows {
        let t = tickets.iter().find(|t| t["id"] == id.as_str()).unwrap();
        assert_eq!(t["t"], tessera::domain::door_key(token).as_str());
        assert_eq!(t["c"], tessera::domain::door_key(code).as_str());
        assert_eq!(t["s"], "VALID");
    }
    let res = app
        .post_fn(
            &door2,
            "door_list",
            &[("event", "fest"), ("device", &d2), ("name", "Gate phone B")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    // Another staff member cannot take over a phone id that is not theirs.
    let res = app
        .post_fn(&door2, "door_list", &[("event", "fest"), ("device", &d1)])
        .await;
    assert_eq!(res.status().as_u16(), 403);

    // Both phones offline scan the first ticket; phone B also the second. B syncs first.
    let (a, b) = (&rows[0].0, &rows[1].0);
    let b_scans = vec![
        scan(a, "2026-01-10T19:05:00Z"),
        scan(b, "2026-01-10T19:06:00Z"),
    ];
    let (s, answer) = door_sync(
        &app,
        &door2,
        serde_json::json!({ "device": d2, "event": "fest", "since": 0, "scans": b_scans }),
    )
    .await;
    assert_eq!(s, 200, "{answer}");
    let outcomes: Vec<&str> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["CHECKED_IN", "CHECKED_IN"]);
    assert_eq!(
        (answer["checked_in"].as_i64(), answer["issued"].as_i64()),
        (Some(2), Some(3))
    );
    // The ticket keeps the time it was scanned, not the time it was synced.
    let at: String = sqlx::query_scalar("SELECT to_char(checked_in_at AT TIME ZONE 'UTC', 'HH24:MI') FROM etickets WHERE id = $1::uuid")
        .bind(a)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(at, "19:05");

    // Phone A syncs its scan of the same ticket: a conflict, with both times and both phones.
    let a_scans = vec![scan(a, "2026-01-10T19:07:00Z")];
    let body = serde_json::json!({ "device": d1, "event": "fest", "since": 0, "scans": a_scans });
    let (s, answer) = door_sync(&app, &door1, body.clone()).await;
    assert_eq!(s, 200, "{answer}");
    let r = &answer["results"][0];
    assert_eq!(r["outcome"], "CONFLICT");
    assert_eq!(r["first_device"], "Gate phone B");
    assert_eq!(r["first_gate"], "North");
    assert!(r["first_at"]
        .as_str()
        .unwrap()
        .starts_with("2026-01-10T19:05:00"));
    assert!(r["scanned_at"]
        .as_str()
        .unwrap()
        .starts_with("2026-01-10T19:07:00"));
    // Phone A pulled what phone B did: the two tickets checked in.
    let changes = answer["changes"].as_array().unwrap();
    let checked: Vec<&str> = changes
        .iter()
        .filter(|c| c["s"] == "CHECKED_IN")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        checked.contains(&a.as_str()) && checked.contains(&b.as_str()),
        "{answer}"
    );
    let cursor = answer["cursor"].as_i64().unwrap();
    // The same scans sent again (the answer was lost): the same result, nothing counted twice.
    let (_, again) = door_sync(&app, &door1, body).await;
    assert_eq!(again["results"][0]["outcome"], "CONFLICT");
    assert_eq!(again["checked_in"], 2);
    let recorded: i64 = sqlx::query_scalar("SELECT count(*) FROM door_scans")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(recorded, 3);

    // A refund reaches the phones at their next sync.
    sqlx::query("UPDATE etickets SET status = 'VOID', voided_at = now() WHERE id = $1::uuid")
        .bind(&rows[2].0)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, answer) = door_sync(
        &app,
        &door1,
        serde_json::json!({ "device": d1, "event": "fest", "since": cursor, "scans": [] }),
    )
    .await;
    let voided = answer["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == rows[2].0.as_str())
        .cloned();
    assert_eq!(voided.map(|c| c["s"].clone()), Some(Value::from("VOID")));
    // An offline scan of the voided ticket is VOID, never checked in.
    let (_, answer) = door_sync(
        &app,
        &door1,
        serde_json::json!({ "device": d1, "event": "fest", "since": 0, "scans": [scan(&rows[2].0, "2026-01-10T19:10:00Z")] }),
    )
    .await;
    assert_eq!(answer["results"][0]["outcome"], "VOID");

    // A phone set to another event, or a member, gets nothing.
    let (s, _) = door_sync(
        &app,
        &member,
        serde_json::json!({ "device": d1, "event": "fest", "since": 0, "scans": [] }),
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = door_sync(
        &app,
        &door2,
        serde_json::json!({ "device": d1, "event": "fest", "since": 0, "scans": [] }),
    )
    .await;
    assert_eq!(s, 403, "a phone is its staff member's own");

    // The door page lists the phones; revoking one ends its session and its list.
    let (_, html) = app.page(&door2, "/checkin?event=fest").await;
    assert!(
        html.contains("Gate phone A") && html.contains("Gate phone B"),
        "{html}"
    );
    let res = app
        .post_fn(
            &admin,
            "revoke_door_device",
            &[("device", &d1), ("event", "fest")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let (s, _) = door_sync(
        &app,
        &door1,
        serde_json::json!({ "device": d1, "event": "fest", "since": 0, "scans": [] }),
    )
    .await;
    assert_eq!(s, 401, "the revoked phone is signed out");
    let door1_again = client();
    app.login(&door1_again, "door1@example.cm", PASSWORD).await;
    let (s, body) = door_sync(
        &app,
        &door1_again,
        serde_json::json!({ "device": d1, "event": "fest", "since": 0, "scans": [] }),
    )
    .await;
    assert_eq!(s, 403, "{body}");
    let res = app
        .post_fn(
            &door1_again,
            "door_list",
            &[("event", "fest"), ("device", &d1)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 403);
    // Staff may not revoke another's phone.
    let res = app
        .post_fn(&door1_again, "revoke_door_device", &[("device", &d2)])
        .await;
    assert_eq!(res.status().as_u16(), 404);
}

#[sqlx::test(migrations = false)]
async fn two_offline_phones_syncing_one_ticket_at_once_check_it_in_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    event(&app, "fest", 50, 10).await;
    let admin = signed_in(&app, "admin@example.cm", "admin").await;
    let (fest, _) = order_event(&app, "fest", "1").await;
    mark_paid(&app, &admin, &fest, "CASH").await;
    let id: String = sqlx::query_scalar("SELECT t.id::text FROM etickets t JOIN orders o ON o.id = t.order_id WHERE o.reference = $1")
        .bind(&fest)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut phones = Vec::new();
    for n in 0..6 {
        let c = signed_in(&app, &format!("door{n}@example.cm"), "staff").await;
        let d = Uuid::new_v4().to_string();
        let res = app
            .post_fn(&c, "door_list", &[("event", "fest"), ("device", &d)])
            .await;
        assert_eq!(res.status().as_u16(), 200);
        phones.push((c, d));
    }
    let answers = join_all(phones.iter().map(|(c, d)| {
        door_sync(
            &app,
            c,
            serde_json::json!({ "device": d, "event": "fest", "since": 0, "scans": [scan(&id, "2026-01-10T19:00:00Z")] }),
        )
    }))
    .await;
    let mut outcomes: Vec<String> = answers
        .iter()
        .map(|(_, a)| {
            a["results"][0]["outcome"]
                .as_str()
                .unwrap_or("?")
                .to_string()
        })
        .collect();
    outcomes.sort();
    assert_eq!(
        outcomes,
        [
            "CHECKED_IN",
            "CONFLICT",
            "CONFLICT",
            "CONFLICT",
            "CONFLICT",
            "CONFLICT"
        ]
    );
    let counted: i64 = sqlx::query_scalar("SELECT sum(checked_in)::bigint FROM event_door_counts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(counted, 1);
}

/// The owner's links of the last owner e-mail: (confirm, cancel) paths.
async fn owner_links(app: &TestApp) -> (String, String) {
    let mail = outbox_bodies(app, "owner_request")
        .await
        .pop()
        .expect("owner mail");
    let links: Vec<String> = mail
        .split_whitespace()
        .filter_map(|w| w.find("/owner/").map(|i| w[i..].to_string()))
        .collect();
    assert_eq!(links.len(), 2, "{mail}");
    (links[0].clone(), links[1].clone())
}

async fn owner_act(app: &TestApp, path: &str) -> String {
    let token = path.trim_start_matches("/owner/");
    let res = app
        .post_fn(&client(), "owner_act", &[("token", token)])
        .await;
    res.text().await.unwrap()
}

#[sqlx::test(migrations = false)]
async fn a_stay_is_confirmed_once_through_the_owner_link(pool: PgPool) {
    let app = spawn_app(pool).await;
    stay(&app, "villa").await;
    let (d1, d3) = (future_date(5), future_date(8));
    let (_, placed, body) = place(
        &app,
        &client(),
        &[
            ("slug", "villa"),
            ("quantity", "3"),
            ("check_in", &d1),
            ("check_out", &d3),
        ],
    )
    .await;
    let (reference, _) = placed.expect(&body);
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT total FROM orders WHERE reference = $1",
            &reference
        )
        .await,
        135_000
    );
    let admin = signed_in(&app, "admin@example.cm", "admin").await;
    assert_eq!(mark_paid(&app, &admin, &reference, "CASH").await, 200);
    assert_eq!(status_of(&app, &reference).await, "PAID");
    assert!(
        tickets_of(&app, &reference).await.is_empty(),
        "no ticket before the owner confirms"
    );
    let (confirm, cancel) = owner_links(&app).await;
    // A tampered link is refused and changes nothing.
    let last = if confirm.ends_with('0') { '1' } else { '0' };
    let tampered = format!("{}{last}", &confirm[..confirm.len() - 1]);
    let (code, html) = app.page(&client(), &tampered).await;
    assert_eq!(code, 404);
    assert!(!html.contains("Villa"));
    let res = app
        .post_fn(
            &client(),
            "owner_act",
            &[("token", tampered.trim_start_matches("/owner/"))],
        )
        .await;
    assert_eq!(res.status().as_u16(), 404);
    // Opening the link shows the booking; only pressing the button acts.
    let (code, html) = app.page(&client(), &confirm).await;
    assert_eq!(code, 200);
    assert!(html.contains(&reference) && html.contains("Villa Kribi"));
    assert_eq!(status_of(&app, &reference).await, "PAID");
    assert_eq!(owner_act(&app, &confirm).await, "\"confirm\"");
    assert_eq!(status_of(&app, &reference).await, "TICKETS_ISSUED");
    assert_eq!(tickets_of(&app, &reference).await.len(), 1);
    // Used once: a second press, or the Cancel link, explain and change nothing.
    assert_eq!(owner_act(&app, &confirm).await, "\"used\"");
    assert_eq!(owner_act(&app, &cancel).await, "\"used\"");
    assert_eq!(status_of(&app, &reference).await, "TICKETS_ISSUED");
    assert_eq!(tickets_of(&app, &reference).await.len(), 1);
    let (code, html) = app.page(&client(), &cancel).await;
    assert_eq!(code, 200);
    assert!(html.contains("already been used") || html.contains("déjà été utilisé"));
}

#[sqlx::test(migrations = false)]
async fn expired_owner_links_change_nothing(pool: PgPool) {
    let app = spawn_with(pool, |c| c.owner_link_minutes = 0).await;
    stay(&app, "villa").await;
    let (d1, d3) = (future_date(5), future_date(8));
    let (_, placed, _) = place(
        &app,
        &client(),
        &[
            ("slug", "villa"),
            ("quantity", "1"),
            ("check_in", &d1),
            ("check_out", &d3),
        ],
    )
    .await;
    let (reference, _) = placed.unwrap();
    let admin = signed_in(&app, "admin@example.cm", "admin").await;
    mark_paid(&app, &admin, &reference, "CASH").await;
    let (confirm, _) = owner_links(&app).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(owner_act(&app, &confirm).await, "\"expired\"");
    assert_eq!(status_of(&app, &reference).await, "PAID");
    let (_, html) = app.page(&client(), &confirm).await;
    assert!(html.contains("expired") || html.contains("expiré"));
}

#[sqlx::test(migrations = false)]
async fn owner_cancel_then_refund_to_completion(pool: PgPool) {
    let app = spawn_app(pool).await;
    stay(&app, "villa").await;
    referral(&app, "AMIS10").await;
    let (d1, d3) = (future_date(5), future_date(7));
    let (_, placed, _) = place(
        &app,
        &client(),
        &[
            ("slug", "villa"),
            ("quantity", "2"),
            ("check_in", &d1),
            ("check_out", &d3),
            ("referral_code", "amis10"),
        ],
    )
    .await;
    let (reference, _) = placed.unwrap();
    // 2 nights × 45 000 with 10 % off.
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT total FROM orders WHERE reference = $1",
            &reference
        )
        .await,
        81_000
    );
    let admin = signed_in(&app, "admin@example.cm", "admin").await;
    mark_paid(&app, &admin, &reference, "CASH").await;
    let commission: String =
        sqlx::query_scalar("SELECT commission_status FROM orders WHERE reference = $1")
            .bind(&reference)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(commission, "PENDING");
    let (_, cancel) = owner_links(&app).await;
    assert_eq!(owner_act(&app, &cancel).await, "\"cancel\"");
    let row: (String, Option<String>, String, Option<i64>) = sqlx::query_as(
        "SELECT status, refund_status, commission_status, refund_amount FROM orders WHERE reference = $1",
    )
    .bind(&reference)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            "OWNER_CANCELLED".into(),
            Some("REFUND_REQUIRED".into()),
            "CANCELLED".into(),
            Some(81_000)
        )
    );
    assert_eq!(outbox_bodies(&app, "order_cancelled_refund").await.len(), 1);
    assert_eq!(
        outbox_bodies(&app, "refund_required").await.len(),
        1,
        "the admin is told"
    );

    let token = bearer(&app, "admin@example.cm").await;
    let api = |path: &str| format!("{}/api/refunds/{path}", app.addr);
    let pending: Value = Client::new()
        .get(api("pending"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        pending["data"]["refunds"][0]["booking_id"],
        reference.as_str()
    );
    // Completing before initiating is refused; initiating needs the provider's id.
    let res = Client::new()
        .post(api("complete"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "booking_id": reference }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 409);
    let res = Client::new()
        .post(api("process"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "booking_id": reference, "refund_id": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let res: Value = Client::new()
        .post(api("process"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "booking_id": reference, "refund_id": "RF-778" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["success"], true);
    assert_eq!(res["data"]["refund_status"], "REFUND_INITIATED");
    assert_eq!(res["data"]["refund_id"], "RF-778");
    let res: Value = Client::new()
        .post(api("complete"))
        .bearer_auth(&token)
        .form(&[("booking_id", reference.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["data"]["refund_status"], "REFUND_COMPLETED");
    let history: Value = Client::new()
        .get(api("history"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history["data"]["count"], 1);
    assert_eq!(outbox_bodies(&app, "refund_completed").await.len(), 1);
    // A member gets nothing from these endpoints.
    signed_in(&app, "m@example.cm", "member").await;
    let member = bearer(&app, "m@example.cm").await;
    let res = Client::new()
        .get(api("pending"))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
}

#[sqlx::test(migrations = false)]
async fn a_refunded_event_order_voids_its_tickets_and_gives_places_back(pool: PgPool) {
    let app = spawn_app(pool).await;
    event(&app, "fest", 10, 10).await;
    let (reference, _) = order_event(&app, "fest", "2").await;
    let admin = signed_in(&app, "admin@example.cm", "admin").await;
    mark_paid(&app, &admin, &reference, "CASH").await;
    let tokens = tickets_of(&app, &reference).await;
    let token = bearer(&app, "admin@example.cm").await;
    let res: Value = Client::new()
        .post(format!("{}/api/refunds/initiate", app.addr))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "booking_id": reference, "reason": "Concert annulé" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["data"]["refund_status"], "REFUND_REQUIRED", "{res}");
    assert_eq!(res["data"]["booking_status"], "CANCELLED");
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT sold::bigint FROM events WHERE slug = 'fest' AND $1 <> ''",
            "x"
        )
        .await,
        0
    );
    let door = signed_in(&app, "door@example.cm", "staff").await;
    let (_, v) = check_in(&app, &door, &tokens[0]).await;
    assert_eq!(v["outcome"], "VOID");
    let (_, html) = app.page(&client(), &format!("/t/{}", tokens[1])).await;
    assert!(html.contains("Void") || html.contains("Annulé"));
    // The e-ticket REST view for the admin.
    let res: Value = Client::new()
        .get(format!(
            "{}/api/etickets/booking?booking_id={reference}",
            app.addr
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["data"]["tickets"].as_array().map(Vec::len), Some(2));
    assert_eq!(res["data"]["tickets"][0]["status"], "VOID");
}

#[sqlx::test(migrations = false)]
async fn commissions_follow_the_order(pool: PgPool) {
    let app = spawn_app(pool).await;
    event(&app, "fest", 50, 10).await;
    referral(&app, "AMIS10").await;
    let (_, placed, _) = place(
        &app,
        &client(),
        &[
            ("slug", "fest"),
            ("quantity", "4"),
            ("referral_code", "AMIS10"),
        ],
    )
    .await;
    let (issued, _) = placed.unwrap();
    let (_, placed, _) = place(
        &app,
        &client(),
        &[
            ("slug", "fest"),
            ("quantity", "2"),
            ("referral_code", "AMIS10"),
        ],
    )
    .await;
    let (unpaid, _) = placed.unwrap();
    // 4 × 5 000 − 10 % = 18 000; referrer and platform get 5 % of that each.
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT total FROM orders WHERE reference = $1",
            &issued
        )
        .await,
        18_000
    );
    let admin = signed_in(&app, "admin@example.cm", "admin").await;
    mark_paid(&app, &admin, &issued, "CASH").await;
    let token = bearer(&app, "admin@example.cm").await;
    let get = |path: String| {
        let token = token.clone();
        async move {
            Client::new()
                .get(path)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let s = get(format!("{}/api/commissions/summary", app.addr)).await;
    assert_eq!(s["data"]["total_bookings"], 2);
    assert_eq!(s["data"]["confirmed_count"], 1);
    assert_eq!(s["data"]["total_referrer_commission"], 900);
    assert_eq!(s["data"]["total_admin_commission"], 900);
    let by = get(format!(
        "{}/api/commissions/by-status?status=CONFIRMED",
        app.addr
    ))
    .await;
    assert_eq!(by["data"]["commissions"][0]["booking_id"], issued.as_str());
    let r = get(format!("{}/api/commissions/referrer/AMIS10", app.addr)).await;
    assert_eq!(r["data"]["summary"]["total_referrals"], 2);
    assert_eq!(r["data"]["summary"]["total_earned"], 900);
    let p = get(format!("{}/api/commissions/payable", app.addr)).await;
    assert_eq!(p["data"]["total_payable"], 900);
    assert_eq!(
        p["data"]["payable_commissions"][0]["referral_code"],
        "AMIS10"
    );
    let today = chrono::Utc::now().date_naive();
    let rep = get(format!(
        "{}/api/commissions/report?start_date={today}&end_date={today}",
        app.addr
    ))
    .await;
    assert_eq!(rep["data"]["totals"]["bookings"], 2);
    let bad = Client::new()
        .get(format!(
            "{}/api/commissions/report?start_date=2026-12-31&end_date=2026-01-01",
            app.addr
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    // Cancelling the paid order cancels its commission.
    app.post_fn(
        &admin,
        "cancel_order",
        &[("reference", &issued), ("reason", "Erreur")],
    )
    .await;
    let s = get(format!("{}/api/commissions/summary", app.addr)).await;
    assert_eq!(s["data"]["cancelled_count"], 1);
    assert_eq!(s["data"]["total_referrer_commission"], 0);
    // CSV for admins only.
    let csv = admin
        .get(format!("{}/admin/commissions.csv", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status().as_u16(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("\u{feff}reference,referral_code"));
    assert!(text.contains(&issued) && text.contains(&unpaid));
    let member = signed_in(&app, "m@example.cm", "member").await;
    let csv = member
        .get(format!("{}/admin/commissions.csv", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status().as_u16(), 403);
    let (code, _) = app.page(&member, "/admin/commissions").await;
    assert_eq!(code, 403);
    let (code, html) = app.page(&admin, "/admin/commissions").await;
    assert_eq!(code, 200);
    assert!(html.contains("AMIS10"));
}

#[sqlx::test(migrations = false)]
async fn stuck_payments_alert_once_and_expire(pool: PgPool) {
    let app = spawn_app(pool).await;
    event(&app, "fest", 50, 10).await;
    signed_in(&app, "admin@example.cm", "admin").await;
    let (stuck, _) = order_event(&app, "fest", "2").await;
    let (old, _) = order_event(&app, "fest", "3").await;
    let (fresh, _) = order_event(&app, "fest", "1").await;
    sqlx::query(
        "UPDATE orders SET created_at = now() - interval '20 minutes' WHERE reference = $1",
    )
    .bind(&stuck)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE orders SET created_at = now() - interval '3 hours' WHERE reference = $1")
        .bind(&old)
        .execute(&app.pool)
        .await
        .unwrap();
    let token = bearer(&app, "admin@example.cm").await;
    let stuck_list: Value = Client::new()
        .get(format!("{}/api/monitoring/stuck-bookings", app.addr))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stuck_list["data"]["count"], 2);
    let run = || async {
        Client::new()
            .get(format!("{}/api/monitoring/pending-payments", app.addr))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    let first = run().await;
    assert_eq!(first["data"]["alerted"], 2);
    assert_eq!(first["data"]["expired"], 1);
    let second = run().await;
    assert_eq!(second["data"]["alerted"], 0, "each order alerts once");
    assert_eq!(outbox_bodies(&app, "payment_stuck").await.len(), 2);
    assert_eq!(status_of(&app, &old).await, "EXPIRED");
    assert_eq!(status_of(&app, &stuck).await, "PAYMENT_PENDING");
    assert_eq!(status_of(&app, &fresh).await, "PAYMENT_PENDING");
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT sold::bigint FROM events WHERE slug = 'fest' AND $1 <> ''",
            "x"
        )
        .await,
        3
    );
}

#[sqlx::test(migrations = false)]
async fn admins_create_and_edit_events_with_checked_fields(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = signed_in(&app, "admin@example.cm", "admin").await;
    let base = [
        ("kind", "EVENT"),
        ("title", "Fête de la Musique"),
        ("venue", "Yaoundé"),
        ("starts_at", "2030-06-21T18:00"),
        ("ends_at", "2030-06-21T23:00"),
        ("capacity", "300"),
        ("price", "2 500"),
    ];
    let mut reversed = base.to_vec();
    reversed[4] = ("ends_at", "2030-06-21T17:00");
    let res = app.post_fn(&admin, "save_event", &reversed).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("error.dates_reversed"));
    let mut stay_without_owner = base.to_vec();
    stay_without_owner[0] = ("kind", "STAY");
    let res = app.post_fn(&admin, "save_event", &stay_without_owner).await;
    assert_eq!(res.status().as_u16(), 422);
    assert_eq!(app.count("events").await, 0);
    let res = app.post_fn(&admin, "save_event", &base).await;
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());
    let (price, starts): (i64, String) = sqlx::query_as(
        "SELECT price, to_char(starts_at AT TIME ZONE 'UTC', 'HH24:MI') FROM events WHERE slug = 'fete-de-la-musique'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (price, starts.as_str()),
        (2500, "17:00"),
        "typed in West Africa time"
    );
    let (code, html) = app.page(&client(), "/events/fete-de-la-musique").await;
    assert_eq!(code, 200);
    assert!(html.contains("Fête de la Musique") && html.contains("name=\"quantity\""));
    let (code, html) = app.page(&client(), "/events").await;
    assert_eq!(code, 200);
    assert!(html.contains("/events/fete-de-la-musique"));
    // Members cannot create events.
    let member = signed_in(&app, "m@example.cm", "member").await;
    let res = app.post_fn(&member, "save_event", &base).await;
    assert_eq!(res.status().as_u16(), 403);
    let (code, _) = app.page(&member, "/admin/orders").await;
    assert_eq!(code, 403);
}

#[sqlx::test(migrations = false)]
async fn orders_and_proof_uploads_are_limited_per_client(pool: PgPool) {
    let app = spawn_with(pool, |c| {
        c.rate.orders_per_hour = 3;
        c.rate.uploads_per_hour = 1;
    })
    .await;
    event(&app, "fest", 100, 10).await;
    // Six buyers at once from one address: three orders, three refusals, no half-written order.
    let placed = join_all((0..6).map(|_| {
        let app = &app;
        async move { place(app, &client(), &[("slug", "fest"), ("quantity", "1")]).await }
    }))
    .await;
    let mut statuses: Vec<u16> = placed.iter().map(|(s, ..)| *s).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 200, 200, 429, 429, 429]);
    let refused = placed.iter().find(|(s, ..)| *s == 429).unwrap();
    assert!(refused.2.contains("error.rate_limited"), "{}", refused.2);
    assert!(
        refused.2.contains("Awa Ndiaye"),
        "what was typed comes back"
    );
    assert_eq!(app.count("orders").await, 3);
    let sold: i64 = sqlx::query_scalar("SELECT sold::bigint FROM events WHERE slug = 'fest'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sold, 3, "refused orders hold no places");

    // One proof per hour from this address: the second is refused with the reason.
    let (r1, s1) = placed[..].iter().find_map(|(_, p, _)| p.clone()).unwrap();
    let res = send_proof(&app, &r1, &s1, png()).await;
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .contains("proof=1"));
    let (r2, s2) = placed
        .iter()
        .filter_map(|(_, p, _)| p.clone())
        .nth(1)
        .unwrap();
    let browser = client();
    let res = send_file(&app, &browser, (&r2, &s2), png(), "recu.png").await;
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let (_, html) = app.page(&browser, &location).await;
    assert!(
        html.contains("Too many requests from your connection."),
        "reason shown"
    );
    assert_eq!(status_of(&app, &r2).await, "PAYMENT_PENDING");
}

#[sqlx::test]
async fn the_order_list_exports_with_its_filters_for_a_french_spreadsheet(pool: PgPool) {
    let app = spawn_app(pool).await;
    event(&app, "fest", 100, 10).await;
    let (first, _) = order_event(&app, "fest", "2").await;
    let (status, placed, body) = place(
        &app,
        &client(),
        &[
            ("slug", "fest"),
            ("quantity", "1"),
            ("name", "=HYPERLINK(\"http://x\")"),
            ("email", "nguyen@example.cm"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (second, _) = placed.unwrap();
    sqlx::query("UPDATE orders SET status = 'CANCELLED' WHERE reference = $1")
        .bind(&first)
        .execute(&app.pool)
        .await
        .unwrap();
    let admin = signed_in(&app, "boss@example.cm", "admin").await;
    let get = |path: &str| admin.get(format!("{}{path}", app.addr)).send();

    app.set_lang(&admin, "fr").await;
    let res = get("/admin/orders.csv").await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("orders.csv"));
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM first");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("reference;created_at;event;"),
        "{text}"
    );
    assert_eq!(lines.len(), 3, "{text}");
    // Newest first; the formula-looking name stays text; quantity and amount are bare numbers.
    let row = lines[1];
    assert!(row.starts_with(&format!("{second};")), "{text}");
    assert!(row.contains(";\"'=HYPERLINK(\"\"http://x\"\")\";"), "{row}");
    assert!(row.contains(";1;5000;XAF;"), "{row}");
    assert!(lines[2].contains(";2;10000;XAF;Annulée;"), "{}", lines[2]);

    // The page's filters apply: status, and the search box.
    app.set_lang(&admin, "en").await;
    let text = get("/admin/orders.csv?status=CANCELLED")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("\u{feff}reference,created_at,"),
        "{text}"
    );
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[1].starts_with(&first) && lines[1].contains(",2,10000,XAF,"),
        "{text}"
    );
    let text = get("/admin/orders.csv?q=nguyen")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains(&second));
    // The page links to the export with its filters.
    let (_, html) = app.page(&admin, "/admin/orders?status=CANCELLED").await;
    assert!(
        html.contains("/admin/orders.csv?status=CANCELLED"),
        "{html}"
    );

    // Admins only.
    let member = signed_in(&app, "m@example.cm", "member").await;
    let res = member
        .get(format!("{}/admin/orders.csv", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = client()
        .get(format!("{}/admin/orders.csv", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
}

#[sqlx::test]
async fn the_eticket_pdf_prints_any_name_and_a_qr_code_that_scans_back_to_its_link(pool: PgPool) {
    let app = spawn_app(pool).await;
    event(&app, "fest", 50, 10).await;
    let mut pdfs = Vec::new();
    for name in ["Nguyễn Thị Phương", "Şükrü Gülşen", "محمد عبد الله"] {
        let (status, placed, body) = place(
            &app,
            &client(),
            &[("slug", "fest"), ("quantity", "1"), ("name", name)],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let (reference, _) = placed.unwrap();
        let admin = signed_in(&app, &format!("a{}@example.cm", pdfs.len()), "admin").await;
        assert_eq!(mark_paid(&app, &admin, &reference, "CASH").await, 200);
        let token = tickets_of(&app, &reference).await.remove(0);
        let res = client()
            .get(format!("{}/t/{token}/pdf", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        pdfs.push((name, token, res.bytes().await.unwrap().to_vec()));
    }
    for (name, token, pdf) in &pdfs {
        let text = crate::helpers::pdf_text(pdf);
        if name.starts_with('م') {
            // Shaped right to left: the letters come back in one reading order or the other.
            let first: String = "محمد".chars().collect();
            let reversed: String = first.chars().rev().collect();
            assert!(text.contains(&first) || text.contains(&reversed), "{text}");
        } else {
            assert!(text.contains(name), "{name} in {text}");
        }
        assert!(text.contains("Festival") && !text.contains('?'), "{text}");
        // The door code is printed under the QR code.
        let code: String = sqlx::query_scalar("SELECT door_code FROM etickets WHERE token = $1")
            .bind(token)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert!(
            text.contains(&format!("{}-{}", &code[..4], &code[4..])),
            "{text}"
        );
        // Rendered by poppler at 150 dpi, the QR code reads back as the ticket's own link.
        let img = crate::helpers::pdf_page_image(pdf, 150);
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
            img.width() as usize,
            img.height() as usize,
            |x, y| img.get_pixel(x as u32, y as u32).0[0],
        );
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code on the page");
        let (_, content) = grids[0].decode().expect("the QR code decodes");
        assert!(content.ends_with(&format!("/t/{token}")), "{content}");
    }
}

/// Whether the page menu of the user signed in to `c` links to the door.
async fn menu_has_door(app: &TestApp, c: &Client) -> bool {
    app.page(c, "/family").await.1.contains("href=\"/checkin\"")
}

/// The status of a sync of no scans from the phone `device` for `event`.
async fn empty_sync(app: &TestApp, c: &Client, device: &str, event: &str) -> u16 {
    let body = serde_json::json!({ "device": device, "event": event, "since": 0, "scans": [] });
    door_sync(app, c, body).await.0
}

#[sqlx::test(migrations = false)]
async fn a_door_team_member_works_their_events_door_and_no_other(pool: PgPool) {
    let (app, admin, fest_tickets, jazz_tickets) = festival_and_jazz(pool).await;
    let ama = signed_in(&app, "ama@example.cm", "member").await;

    // Before: a member works no door, and the menu has no door.
    assert_eq!(check_in(&app, &ama, &fest_tickets[0]).await.0, 403);
    assert!(!menu_has_door(&app, &ama).await);

    // Only admins manage a door team; an unknown address is refused with the address kept.
    let res = app
        .post_fn(
            &ama,
            "add_door_staff",
            &[("event", "fest"), ("email", "ama@example.cm")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 403);
    let res = app
        .post_fn(
            &admin,
            "add_door_staff",
            &[("event", "fest"), ("email", "nobody@example.cm")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["Invalid"]["key"], "door_team.no_account");
    assert_eq!(body["Invalid"]["echo"][0][1], "nobody@example.cm");
    let res = app
        .post_fn(
            &admin,
            "add_door_staff",
            &[("event", "fest"), ("email", "not an address")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    // Added (twice: the second changes nothing), by the address as typed.
    for typed in ["Ama@Example.cm ", "ama@example.cm"] {
        let res = app
            .post_fn(
                &admin,
                "add_door_staff",
                &[("event", "fest"), ("email", typed)],
            )
            .await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "{}",
            res.status()
        );
    }
    let team: Value = app
        .post_fn(&admin, "door_team", &[("event", "fest")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(team.as_array().unwrap().len(), 1);
    assert_eq!(team[0]["email"], "ama@example.cm");
    assert_eq!(
        app.post_fn(&ama, "door_team", &[("event", "fest")])
            .await
            .status()
            .as_u16(),
        403
    );
    let (_, page) = app.page(&admin, "/admin/events?edit=fest").await;
    assert!(
        page.contains("id=\"door-team\"") && page.contains("ama@example.cm"),
        "{page}"
    );

    // Now Ama works the festival's door: the menu shows it, a festival ticket is VALID.
    assert!(menu_has_door(&app, &ama).await);
    let v = check_in_at(&app, &ama, &fest_tickets[0], "fest", "").await;
    assert_eq!(v["outcome"], "VALID");
    // A Jazz Night ticket, at the festival's door or at "any event": not hers, and nothing of
    // it is shown; it stays unused.
    for door in ["fest", ""] {
        let v = check_in_at(&app, &ama, &jazz_tickets[0], door, "").await;
        assert_eq!(
            (v["outcome"].as_str(), v["reason"].as_str()),
            (Some("INVALID"), Some("OTHER_EVENT"))
        );
        assert!(v["holder_name"].is_null() && v["title"].is_null(), "{v}");
    }
    let status: String = sqlx::query_scalar("SELECT status FROM etickets WHERE token = $1")
        .bind(&jazz_tickets[0])
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "VALID");
    // The no-JavaScript page after a scan shows nothing of another event's ticket either.
    let (_, html) = app
        .page(
            &ama,
            &format!("/checkin?code={}&outcome=VALID", jazz_tickets[0]),
        )
        .await;
    assert!(
        html.contains("verdict-word") && !html.contains("Jazz Night"),
        "{html}"
    );
    // Her counters and her check-in lists are the festival's alone.
    let board: Value = app
        .post_fn(&ama, "door_counts", &[("event", "")])
        .await
        .json()
        .await
        .unwrap();
    let slugs: Vec<&str> = board["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["fest"]);
    assert_eq!(
        app.post_fn(&ama, "door_counts", &[("event", "jazz")])
            .await
            .status()
            .as_u16(),
        403
    );
    let phone = Uuid::new_v4().to_string();
    let res = app
        .post_fn(&ama, "door_list", &[("event", "jazz"), ("device", &phone)])
        .await;
    assert_eq!(
        res.status().as_u16(),
        403,
        "nothing of another event's list"
    );
    let res = app
        .post_fn(
            &ama,
            "door_list",
            &[("event", "fest"), ("device", &phone), ("name", "Ama")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let list: Value = res.json().await.unwrap();
    assert_eq!(list["tickets"].as_array().unwrap().len(), 2);
    assert_eq!(empty_sync(&app, &ama, &phone, "jazz").await, 403);

    // Taken off the team: no door, no sync, and her phone for the festival is revoked.
    let user: String =
        sqlx::query_scalar("SELECT id::text FROM users WHERE email = 'ama@example.cm'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let res = app
        .post_fn(
            &admin,
            "remove_door_staff",
            &[("event", "fest"), ("user", &user)],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert_eq!(check_in(&app, &ama, &fest_tickets[1]).await.0, 403);
    assert_eq!(empty_sync(&app, &ama, &phone, "fest").await, 403);
    let revoked: bool =
        sqlx::query_scalar("SELECT revoked_at IS NOT NULL FROM door_devices WHERE id = $1::uuid")
            .bind(&phone)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(revoked);
    assert!(!menu_has_door(&app, &ama).await);
    // Removing someone who is not on the team is not found.
    let res = app
        .post_fn(
            &admin,
            "remove_door_staff",
            &[("event", "fest"), ("user", &user)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 404);
}

/// The door's counters as `c` reads them, set to `event`.
async fn board_of(app: &TestApp, c: &Client, event: &str) -> Value {
    let res = app.post_fn(c, "door_counts", &[("event", event)]).await;
    res.json().await.unwrap()
}

/// Reads the stream `res` until an event named `counts` arrives, or `within` passes.
async fn hears_counts(res: &mut reqwest::Response, within: std::time::Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    let mut text = String::new();
    loop {
        match tokio::time::timeout_at(deadline, res.chunk()).await {
            Ok(Ok(Some(bytes))) => {
                text.push_str(&String::from_utf8_lossy(&bytes));
                if text.contains("event: counts\ndata: moved\n") {
                    return true;
                }
            }
            _ => return false,
        }
    }
}

#[sqlx::test(migrations = false)]
async fn open_door_pages_hear_when_their_counters_move(pool: PgPool) {
    let (app, _, fest_tickets, jazz_tickets) = festival_and_jazz(pool).await;
    let door = signed_in(&app, "door@example.cm", "staff").await;
    let phone = signed_in(&app, "phone@example.cm", "staff").await;
    let member = signed_in(&app, "m@example.cm", "member").await;
    let live = |c: &Client, event: &str| {
        c.get(format!("{}/door/live?event={event}", app.addr))
            .header("accept", "text/event-stream")
            .send()
    };
    // Signed out or not working the door: nothing to hear.
    assert_eq!(
        live(&client(), "fest").await.unwrap().status().as_u16(),
        401
    );
    assert_eq!(live(&member, "fest").await.unwrap().status().as_u16(), 403);

    let mut fest = live(&door, "fest").await.unwrap();
    assert_eq!(fest.status().as_u16(), 200);
    assert!(fest.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut any = live(&door, "").await.unwrap();
    // The first reading is told at once, so a page opened just before a scan misses nothing.
    let second = std::time::Duration::from_secs(3);
    assert!(hears_counts(&mut fest, second).await);
    assert!(hears_counts(&mut any, second).await);
    // Nothing moves: nothing is told.
    assert!(!hears_counts(&mut fest, std::time::Duration::from_millis(2500)).await);
    // A Jazz Night guest let in on another phone: the festival's page hears nothing, the page
    // of a door set to any event does.
    let v = check_in_at(&app, &phone, &jazz_tickets[0], "jazz", "").await;
    assert_eq!(v["outcome"], "VALID");
    assert!(hears_counts(&mut any, second).await);
    assert!(!hears_counts(&mut fest, std::time::Duration::from_millis(2500)).await);
    // A festival guest let in on the other phone: the festival's page hears it within seconds
    // and, asking for its counters, reads the new figure.
    let v = check_in_at(&app, &phone, &fest_tickets[0], "fest", "").await;
    assert_eq!(v["outcome"], "VALID");
    assert!(hears_counts(&mut fest, second).await);
    let board = board_of(&app, &door, "fest").await;
    let festival = board["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == "fest")
        .cloned()
        .unwrap();
    assert_eq!(festival["checked_in"], 1);
}
