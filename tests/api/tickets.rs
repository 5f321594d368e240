//! Payment tickets over the seed's REST endpoints: submission, proofs, review, races, access.

use std::io::Cursor;

use chrono::{DateTime, Utc};

use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{client, spawn_app, TestApp};

pub(crate) fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 5, 120]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn jpeg_with_gps() -> Vec<u8> {
    let img = image::RgbImage::from_fn(32, 32, |x, _| image::Rgb([x as u8, 40, 200]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    let jpeg = out.into_inner();
    let payload = b"Exif\0\0GPSLatitude 4.0511N 9.7679E";
    let len = (payload.len() + 2) as u16;
    let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1, (len >> 8) as u8, len as u8];
    with_exif.extend_from_slice(payload);
    with_exif.extend_from_slice(&jpeg[2..]);
    with_exif
}

pub(crate) async fn token(app: &TestApp, email: &str, password: &str) -> String {
    let body: Value = reqwest::Client::new()
        .post(format!("{}/api/auth/token", app.addr))
        .json(&serde_json::json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["data"]["token"].as_str().expect("token").to_string()
}

/// A registered family manager and their bearer token.
pub(crate) async fn family(app: &TestApp, email: &str) -> String {
    app.register(&client(), email).await;
    token(app, email, "correct horse battery").await
}

async fn admin(app: &TestApp, email: &str) -> String {
    app.register(&client(), email).await;
    app.make_admin(email).await;
    token(app, email, "correct horse battery").await
}

pub(crate) fn form(txid: &str, amount: &str, file: Vec<u8>, name: &str) -> Form {
    Form::new()
        .text("amount", amount.to_string())
        .text("planType", "FAMILY_MANAGER")
        .text("durationDays", "30")
        .text("paymentMethod", "MTN_MOMO")
        .text("phoneNumber", "+237695000000")
        .text("transactionId", txid.to_string())
        .text("userNotes", "Premier paiement mensuel")
        .part("proof", Part::bytes(file).file_name(name.to_string()))
}

pub(crate) async fn submit(app: &TestApp, token: &str, form: Form) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/api/payment-tickets/submit", app.addr))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn call(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .request(method, format!("{}{path}", app.addr))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn stored_files(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| {
                        if e.path().is_dir() {
                            walk(&e.path())
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&app.data_dir.join("files"))
}

#[sqlx::test(migrations = false)]
async fn a_family_submits_a_ticket_as_in_the_seed_and_gets_a_reference(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = family(&app, "jean@example.cm").await;
    let (status, body) = submit(
        &app,
        &t,
        form("MTN123456789", "15000", png(), "screenshot.png"),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["success"], true);
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(body["data"]["ticketReference"], format!("TKT-{year}-00001"));
    assert_eq!(body["data"]["status"], "PENDING");
    assert_eq!(body["data"]["currency"], "FCFA");
    assert_eq!(body["data"]["hasProof"], true);
    assert_eq!(stored_files(&app), 1);
    let mail: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE kind = 'ticket_submitted'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(mail, 1, "a confirmation e-mail is queued");

    let (status, mine) = call(
        &app,
        &t,
        reqwest::Method::GET,
        "/api/payment-tickets/my-tickets",
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(mine["data"]["total"], 1);
    let ticket = &mine["data"]["tickets"][0];
    assert_eq!(ticket["planTypeLabel"], "Family manager");
    assert_eq!(ticket["paymentMethodLabel"], "MTN Mobile Money");
    assert_eq!(ticket["isOverdue"], false);
    assert!(
        ticket.get("ipAddress").is_none(),
        "members do not see admin-only fields"
    );
}

#[sqlx::test(migrations = false)]
async fn references_stay_unique_and_gap_free_under_concurrent_submissions(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = family(&app, "jean@example.cm").await;
    let png = png();
    let mut handles = Vec::new();
    for i in 0..20 {
        let (addr, t, png) = (app.addr.clone(), t.clone(), png.clone());
        handles.push(tokio::spawn(async move {
            let res = reqwest::Client::new()
                .post(format!("{addr}/api/payment-tickets/submit"))
                .bearer_auth(t)
                .multipart(form(&format!("TX{i:06}"), "15000", png, "p.png"))
                .send()
                .await
                .unwrap();
            res.status().as_u16()
        }));
    }
    for h in handles {
        assert_eq!(h.await.unwrap(), 201);
    }
    let mut refs: Vec<String> = sqlx::query_scalar("SELECT reference FROM payment_tickets")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    refs.sort();
    let year = chrono::Utc::now().format("%Y").to_string();
    let expected: Vec<String> = (1..=20).map(|n| format!("TKT-{year}-{n:05}")).collect();
    assert_eq!(refs, expected);
}

#[sqlx::test(migrations = false)]
async fn two_admins_approving_at_once_extend_the_subscription_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = family(&app, "jean@example.cm").await;
    let (_, body) = submit(&app, &t, form("MTN1", "15000", png(), "p.png")).await;
    let id = body["data"]["id"].as_str().unwrap().to_string();
    let a1 = admin(&app, "a1@example.cm").await;
    let a2 = admin(&app, "a2@example.cm").await;
    let path = format!("/api/admin/payment-tickets/tickets/{id}/approve");
    let body = serde_json::json!({ "adminNotes": "Paiement vérifié avec MTN" });
    let (r1, r2) = tokio::join!(
        call(&app, &a1, reqwest::Method::POST, &path, Some(body.clone())),
        call(&app, &a2, reqwest::Method::POST, &path, Some(body.clone()))
    );
    let mut statuses = vec![r1.0, r2.0];
    statuses.sort();
    assert_eq!(statuses, vec![200, 409], "{r1:?} {r2:?}");
    let winner = if r1.0 == 200 { &r1.1 } else { &r2.1 };
    assert_eq!(winner["data"]["family"]["extendedBy"], 30);
    assert_eq!(winner["data"]["status"], "APPROVED");

    let days: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM s.current_period_end - now())::float8 / 86400 FROM subscriptions s
         JOIN users u ON u.family_id = s.family_id WHERE u.email = 'jean@example.cm'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // The family is on its 14-day trial: the paid 30 days start when the trial ends.
    assert!((43.9..44.1).contains(&days), "extended once: {days}");
    assert_eq!(
        app.count("payments").await,
        1,
        "one COMPLETED payment in the ledger"
    );
    let approved: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'ticket.approved'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(approved, 1);
}

#[sqlx::test(migrations = false)]
async fn approval_extends_from_the_current_end_and_reviewed_tickets_stay_reviewed(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = family(&app, "jean@example.cm").await;
    let a = admin(&app, "admin@example.cm").await;
    let mut ids = Vec::new();
    for tx in ["MTN1", "MTN2", "MTN3"] {
        let (_, body) = submit(&app, &t, form(tx, "15000", png(), "p.png")).await;
        ids.push(body["data"]["id"].as_str().unwrap().to_string());
    }
    let mut said_ends = Vec::new();
    for id in &ids[..2] {
        let (s, body) = call(
            &app,
            &a,
            reqwest::Method::POST,
            &format!("/api/admin/payment-tickets/tickets/{id}/approve"),
            None,
        )
        .await;
        assert_eq!(s, 200);
        said_ends.push(body["data"]["family"]["newSubscriptionEndsAt"].clone());
    }
    // Each approval answers with the end its payment bought, which the payment keeps, and the
    // second's is the subscription's end.
    let kept: Vec<(DateTime<Utc>, bool)> = sqlx::query_as(
        "SELECT p.period_end, p.period_end = s.current_period_end
         FROM payment_tickets t JOIN payments p ON p.id = t.payment_id
         JOIN subscriptions s ON s.family_id = t.family_id
         WHERE t.id = ANY($1::uuid[]) ORDER BY p.period_end",
    )
    .bind(&ids[..2])
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(kept.len(), 2);
    assert_eq!(
        said_ends,
        kept.iter()
            .map(|(end, _)| serde_json::to_value(end).unwrap())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        kept.iter().map(|(_, last)| *last).collect::<Vec<_>>(),
        [false, true]
    );
    let days: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM s.current_period_end - now())::float8 / 86400 FROM subscriptions s
         JOIN users u ON u.family_id = s.family_id WHERE u.email = 'jean@example.cm'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        (73.9..74.1).contains(&days),
        "after the 14-day trial, the second 30 days start at the end of the first: {days}"
    );

    let reject = format!("/api/admin/payment-tickets/tickets/{}/reject", ids[2]);
    let (s, body) = call(
        &app,
        &a,
        reqwest::Method::POST,
        &reject,
        Some(serde_json::json!({ "reason": "  " })),
    )
    .await;
    assert_eq!(s, 422, "a reason is required: {body}");
    let (s, _) = call(
        &app,
        &a,
        reqwest::Method::POST,
        &reject,
        Some(serde_json::json!({ "reason": "Montant introuvable chez MTN" })),
    )
    .await;
    assert_eq!(s, 200);
    let approve_rejected = format!("/api/admin/payment-tickets/tickets/{}/approve", ids[2]);
    assert_eq!(
        call(&app, &a, reqwest::Method::POST, &approve_rejected, None)
            .await
            .0,
        409
    );
    let reject_approved = format!("/api/admin/payment-tickets/tickets/{}/reject", ids[0]);
    let (s, body) = call(
        &app,
        &a,
        reqwest::Method::POST,
        &reject_approved,
        Some(serde_json::json!({ "reason": "x" })),
    )
    .await;
    assert_eq!(s, 409);
    assert_eq!(body["success"], false);
    let notes = format!("/api/admin/payment-tickets/tickets/{}/notes", ids[0]);
    assert_eq!(
        call(
            &app,
            &a,
            reqwest::Method::PATCH,
            &notes,
            Some(serde_json::json!({ "adminNotes": "vu" }))
        )
        .await
        .0,
        200
    );

    let rejected_mail: String =
        sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'ticket_rejected'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(rejected_mail.contains("Montant introuvable chez MTN"));
    let (s, stats) = call(
        &app,
        &a,
        reqwest::Method::GET,
        "/api/admin/payment-tickets/stats/global",
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(stats["data"]["overview"]["approvedCount"], 2);
    assert_eq!(stats["data"]["overview"]["rejectedCount"], 1);
    assert_eq!(stats["data"]["overview"]["totalApprovedAmount"], 30000);
    assert_eq!(stats["data"]["byPaymentMethod"][0]["method"], "MTN_MOMO");
    let (_, by_admin) = call(
        &app,
        &a,
        reqwest::Method::GET,
        "/api/admin/payment-tickets/stats/by-admin",
        None,
    )
    .await;
    assert_eq!(by_admin["data"]["admins"][0]["reviewedCount"], 3);
}

#[sqlx::test(migrations = false)]
async fn a_member_never_reaches_another_familys_ticket_or_proof(pool: PgPool) {
    let app = spawn_app(pool).await;
    let owner = family(&app, "jean@example.cm").await;
    let other = family(&app, "eve@example.cm").await;
    let (_, body) = submit(&app, &owner, form("MTN1", "15000", png(), "p.png")).await;
    let id = body["data"]["id"].as_str().unwrap().to_string();
    let reference = body["data"]["ticketReference"]
        .as_str()
        .unwrap()
        .to_string();
    for key in [&id, &reference] {
        assert_eq!(
            call(
                &app,
                &other,
                reqwest::Method::GET,
                &format!("/api/payment-tickets/{key}"),
                None
            )
            .await
            .0,
            404
        );
        assert_eq!(
            call(
                &app,
                &other,
                reqwest::Method::GET,
                &format!("/api/payment-tickets/{key}/proof"),
                None
            )
            .await
            .0,
            404
        );
        assert_eq!(
            call(
                &app,
                &other,
                reqwest::Method::POST,
                &format!("/api/payment-tickets/{key}/cancel"),
                None
            )
            .await
            .0,
            404
        );
    }
    let res = reqwest::Client::new()
        .post(format!(
            "{}/api/payment-tickets/{id}/upload-proof",
            app.addr
        ))
        .bearer_auth(&other)
        .multipart(Form::new().part("proof", Part::bytes(png()).file_name("x.png")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let (_, theirs) = call(
        &app,
        &other,
        reqwest::Method::GET,
        "/api/payment-tickets/family/tickets",
        None,
    )
    .await;
    assert_eq!(theirs["data"]["total"], 0);
    for path in [
        "/api/admin/payment-tickets/tickets",
        "/api/admin/payment-tickets/stats/global",
    ] {
        assert_eq!(
            call(&app, &owner, reqwest::Method::GET, path, None).await.0,
            403,
            "{path}"
        );
    }
    assert_eq!(
        call(
            &app,
            &owner,
            reqwest::Method::POST,
            &format!("/api/admin/payment-tickets/tickets/{id}/approve"),
            None
        )
        .await
        .0,
        403
    );
    let completed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM payments WHERE status = 'COMPLETED'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(completed, 0);
    // The owner still reads it, and cancels it while pending.
    assert_eq!(
        call(
            &app,
            &owner,
            reqwest::Method::GET,
            &format!("/api/payment-tickets/{reference}"),
            None
        )
        .await
        .0,
        200
    );
    assert_eq!(
        call(
            &app,
            &owner,
            reqwest::Method::POST,
            &format!("/api/payment-tickets/{id}/cancel"),
            None
        )
        .await
        .0,
        200
    );
    assert_eq!(
        call(
            &app,
            &owner,
            reqwest::Method::POST,
            &format!("/api/payment-tickets/{id}/cancel"),
            None
        )
        .await
        .0,
        409
    );
}

#[sqlx::test(migrations = false)]
async fn the_proof_is_served_safely_and_without_its_gps_data(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = family(&app, "jean@example.cm").await;
    let (_, body) = submit(&app, &t, form("MTN1", "15000", jpeg_with_gps(), "reçu.jpg")).await;
    let id = body["data"]["id"].as_str().unwrap();
    let a = admin(&app, "admin@example.cm").await;
    let res = reqwest::Client::new()
        .get(format!(
            "{}/api/admin/payment-tickets/tickets/{id}/proof",
            app.addr
        ))
        .bearer_auth(&a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        disposition, "inline; filename=\"re_u.jpg\"; filename*=UTF-8''re%C3%A7u.jpg",
        "exact name kept"
    );
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(
        !bytes.windows(11).any(|w| w == b"GPSLatitude"),
        "EXIF/GPS stripped"
    );
}

#[sqlx::test(migrations = false)]
async fn bad_files_are_refused_with_a_clear_message_and_nothing_is_stored(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = family(&app, "jean@example.cm").await;
    let mut truncated = png();
    truncated.truncate(truncated.len() / 2);
    let mut polyglot = png();
    polyglot.extend_from_slice(b"<script>alert(document.cookie)</script>");
    let mut bomb = png();
    bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let cases: Vec<(&str, Vec<u8>, &str, u16, &str)> = vec![
        ("empty", vec![], "p.png", 422, "The file is empty."),
        (
            "path in the name",
            png(),
            "../../etc/passwd.png",
            422,
            "The file name must not contain a folder path.",
        ),
        (
            "windows path",
            png(),
            "C:\\fakepath\\p.png",
            422,
            "The file name must not contain a folder path.",
        ),
        (
            "renamed text",
            b"just some text, honestly".to_vec(),
            "receipt.png",
            422,
            "Only JPEG, PNG, WEBP images and PDF files are accepted.",
        ),
        (
            "html",
            b"<html><body>hi</body></html>".to_vec(),
            "p.jpg",
            422,
            "Only JPEG, PNG, WEBP images and PDF files are accepted.",
        ),
        (
            "truncated",
            truncated,
            "p.png",
            422,
            "The file is damaged or is not really an image or a PDF.",
        ),
        (
            "polyglot",
            polyglot,
            "p.png",
            422,
            "The file is damaged or is not really an image or a PDF.",
        ),
        ("bomb", bomb, "p.png", 422, ""),
        (
            "oversized",
            vec![0x89; 5 * 1024 * 1024 + 10],
            "p.png",
            413,
            "The file is larger than 5 MB.",
        ),
    ];
    for (what, bytes, name, status, message) in cases {
        let (s, body) = submit(&app, &t, form("MTN1", "15000", bytes, name)).await;
        assert_eq!(s, status, "{what}: {body}");
        assert_eq!(body["success"], false, "{what}");
        if !message.is_empty() {
            assert_eq!(body["message"], message, "{what}");
        }
    }
    // A 100 MB upload is cut off at the limit rather than read whole.
    let huge =
        Part::stream(reqwest::Body::from(vec![0u8; 100 * 1024 * 1024])).file_name("huge.png");
    let res = reqwest::Client::new()
        .post(format!("{}/api/payment-tickets/submit", app.addr))
        .bearer_auth(&t)
        .multipart(Form::new().text("amount", "15000").part("proof", huge))
        .send()
        .await;
    if let Ok(res) = res {
        assert_eq!(res.status(), 413);
    }
    assert_eq!(app.count("payment_tickets").await, 0);
    assert_eq!(stored_files(&app), 0, "nothing stored");
    assert_eq!(app.count("outbox WHERE kind = 'ticket_submitted'").await, 0);
}

#[sqlx::test(migrations = false)]
async fn form_mistakes_are_explained_in_the_callers_language(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = family(&app, "jean@example.cm").await;
    let res = reqwest::Client::new()
        .post(format!("{}/api/payment-tickets/submit", app.addr))
        .bearer_auth(&t)
        .header("accept-language", "fr")
        .multipart(form("MTN1", "1000", png(), "p.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["message"],
        "Ce montant est inférieur au minimum de la formule choisie."
    );
    for (field, value) in [
        ("planType", "GOLD"),
        ("durationDays", "7"),
        ("paymentMethod", "PAYPAL"),
        ("phoneNumber", "12"),
        ("transactionId", "a b"),
    ] {
        let mut f = Form::new().part("proof", Part::bytes(png()).file_name("p.png"));
        for (k, v) in [
            ("amount", "15000"),
            ("planType", "FAMILY_MANAGER"),
            ("durationDays", "30"),
            ("paymentMethod", "MTN_MOMO"),
            ("phoneNumber", "+237695000000"),
            ("transactionId", "MTN1"),
        ] {
            f = f.text(
                k,
                if k == field {
                    value.to_string()
                } else {
                    v.to_string()
                },
            );
        }
        let (s, body) = submit(&app, &t, f).await;
        assert_eq!(s, 422, "{field}: {body}");
    }
    let (s, _) = submit(&app, &t, Form::new().text("amount", "15000")).await;
    assert_eq!(s, 422);
    assert_eq!(app.count("payment_tickets").await, 0);
}

#[sqlx::test(migrations = false)]
async fn admins_filter_search_and_see_overdue_tickets(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = family(&app, "jean@example.cm").await;
    let a = admin(&app, "admin@example.cm").await;
    submit(&app, &t, form("MTN111", "15000", png(), "p.png")).await;
    let mut f = form("ORANGE222", "15000", png(), "p.png");
    f = f.text("paymentMethod", "ORANGE_MONEY");
    submit(&app, &t, f).await;
    sqlx::query("UPDATE payment_tickets SET created_at = now() - interval '30 hours' WHERE transaction_id = 'MTN111'").execute(&app.pool).await.unwrap();

    let (_, all) = call(
        &app,
        &a,
        reqwest::Method::GET,
        "/api/admin/payment-tickets/tickets",
        None,
    )
    .await;
    assert_eq!(all["data"]["total"], 2);
    let (_, found) = call(
        &app,
        &a,
        reqwest::Method::GET,
        "/api/admin/payment-tickets/tickets?search=orange2",
        None,
    )
    .await;
    assert_eq!(found["data"]["total"], 1);
    let (_, overdue) = call(
        &app,
        &a,
        reqwest::Method::GET,
        "/api/admin/payment-tickets/tickets/overdue",
        None,
    )
    .await;
    assert_eq!(overdue["data"]["total"], 1);
    assert_eq!(overdue["data"]["tickets"][0]["isOverdue"], true);
    let (_, pending) = call(
        &app,
        &a,
        reqwest::Method::GET,
        "/api/admin/payment-tickets/tickets/pending",
        None,
    )
    .await;
    assert_eq!(pending["data"]["total"], 2);
    let (_, none) = call(
        &app,
        &a,
        reqwest::Method::GET,
        "/api/admin/payment-tickets/tickets?status=approved",
        None,
    )
    .await;
    assert_eq!(none["data"]["total"], 0);
    let (_, wild) = call(
        &app,
        &a,
        reqwest::Method::GET,
        "/api/admin/payment-tickets/tickets?search=%25",
        None,
    )
    .await;
    assert_eq!(
        wild["data"]["total"], 0,
        "% is searched for, not a wildcard"
    );
}
