//! WhatsApp Cloud API, against a local server that speaks its wire format: the owner's
//! interactive Confirm / Cancel message, retries (3 attempts), the delivery log per booking, and
//! the webhook (verify-token handshake, `X-Hub-Signature-256`, the button press).

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Mutex,
};

use axum::{extract::Path, http::HeaderMap, routing::post, Json, Router};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use sqlx::PgPool;
use tessera::platform::{
    config::{Config, Secret, WhatsAppConfig, WhatsAppWebhook},
    outbox::{deliver_due, Mailer},
};
use uuid::Uuid;

use crate::helpers::{client, spawn_with, temp_dir, TestApp};

/// A stand-in for graph.facebook.com: records every message and fails the first `fail` ones.
struct FakeGraph {
    base: String,
    received: Arc<Mutex<Vec<(String, String, Value)>>>,
}

async fn fake_graph(fail: usize) -> FakeGraph {
    let received = Arc::new(Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let (r, c) = (received.clone(), count.clone());
    let app = Router::new().route(
        "/v21.0/{phone_id}/messages",
        post(move |Path(phone_id): Path<String>, headers: HeaderMap, Json(body): Json<Value>| {
            let (r, c) = (r.clone(), c.clone());
            async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                r.lock().unwrap().push((phone_id, auth, body));
                if c.fetch_add(1, Ordering::SeqCst) < fail {
                    (
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        Json(json!({ "error": { "message": "temporarily unavailable", "code": 2 } })),
                    )
                } else {
                    (
                        axum::http::StatusCode::OK,
                        Json(json!({ "messaging_product": "whatsapp", "messages": [{ "id": "wamid.TEST" }] })),
                    )
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v21.0", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    FakeGraph { base, received }
}

fn with_whatsapp(c: &mut Config, base: &str) {
    c.whatsapp = Some(WhatsAppConfig {
        api_base: base.into(),
        phone_number_id: "1029384756".into(),
        access_token: Secret::new("EAAG-test-token"),
    });
    c.whatsapp_webhook = Some(WhatsAppWebhook {
        verify_token: Secret::new("tessera-verify"),
        app_secret: Secret::new("app-secret"),
    });
    c.outbox_backoff_secs = 0;
}

/// A paid stay whose owner has been asked; returns the order reference.
async fn paid_stay(app: &TestApp) -> String {
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, capacity, price, currency, owner_name, owner_phone, owner_email)
         VALUES ($1, 'villa', 'STAY', 'Villa Kribi', 'Kribi', 6, 45000, 'XAF', 'Jean', '+237699000002', 'owner@example.cm')",
    )
    .bind(Uuid::new_v4())
    .execute(&app.pool)
    .await
    .unwrap();
    let d = |n| (chrono::Utc::now().date_naive() + chrono::Duration::days(n)).to_string();
    let (d1, d2) = (d(3), d(5));
    let res = app
        .post_fn(
            &client(),
            "place_order",
            &[
                ("slug", "villa"),
                ("quantity", "2"),
                ("check_in", &d1),
                ("check_out", &d2),
                ("name", "Awa Ndiaye"),
                ("email", "awa@example.cm"),
                ("phone", "677123456"),
            ],
        )
        .await;
    let next: String = res.json().await.unwrap();
    let reference = next
        .trim_start_matches("/orders/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let admin = client();
    app.register(&admin, "admin@example.cm").await;
    app.make_admin("admin@example.cm").await;
    let res = app
        .post_fn(
            &admin,
            "mark_order_paid",
            &[("reference", &reference), ("via", "CASH")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    reference
}

fn config_for(base: &str) -> Config {
    let mut c = Config::for_tests("unused", temp_dir());
    with_whatsapp(&mut c, base);
    c
}

async fn status_of(app: &TestApp, reference: &str) -> String {
    sqlx::query_scalar("SELECT status FROM orders WHERE reference = $1")
        .bind(reference)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = false)]
async fn the_owner_gets_buttons_on_whatsapp_with_retries_and_a_delivery_log(pool: PgPool) {
    let graph = fake_graph(2).await;
    let base = graph.base.clone();
    let app = spawn_with(pool, move |c| with_whatsapp(c, &base)).await;
    let reference = paid_stay(&app).await;
    let config = config_for(&graph.base);
    let mailer = Mailer::from_config(&config).unwrap();
    // Attempt 1 and 2 fail (the server answers 500), attempt 3 goes through.
    for _ in 0..3 {
        deliver_due(&app.pool, &mailer, &config, 50).await.unwrap();
    }
    let sent = graph.received.lock().unwrap().clone();
    let owner: Vec<_> = sent
        .iter()
        .filter(|(_, _, b)| b["type"] == "interactive")
        .collect();
    assert_eq!(owner.len(), 3, "three attempts of the owner's message");
    let (phone_id, auth, body) = owner[2];
    assert_eq!(phone_id, "1029384756");
    assert_eq!(auth, "Bearer EAAG-test-token");
    assert_eq!(body["messaging_product"], "whatsapp");
    assert_eq!(body["to"], "237699000002");
    let buttons = body["interactive"]["action"]["buttons"].as_array().unwrap();
    assert_eq!(buttons.len(), 2);
    assert!(body["interactive"]["body"]["text"]
        .as_str()
        .unwrap()
        .contains(&reference));
    let row: (String, i32) = sqlx::query_as(
        "SELECT status, attempts FROM outbox WHERE channel = 'whatsapp' AND kind = 'owner_request'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(row, ("SENT".to_string(), 3));
    let log: Vec<(bool, String)> = sqlx::query_as(
        "SELECT l.success, l.channel FROM notification_log l JOIN outbox o ON o.id = l.outbox_id
         JOIN orders r ON r.id = o.order_id WHERE r.reference = $1 AND o.channel = 'whatsapp'
         ORDER BY l.id",
    )
    .bind(&reference)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        log.iter().map(|l| l.0).collect::<Vec<_>>(),
        [false, false, true],
        "every attempt is logged against the booking"
    );
    assert!(log.iter().all(|l| l.1 == "whatsapp"));
    // The admin sees the delivery log on the order page.
    let admin = client();
    app.login(&admin, "admin@example.cm", "correct horse battery")
        .await;
    let (code, html) = app
        .page(&admin, &format!("/admin/orders/{reference}"))
        .await;
    assert_eq!(code, 200);
    assert!(
        html.contains("Request to the owner")
            && html.contains("WhatsApp")
            && html.contains("237699000002"),
        "delivery log"
    );

    // The owner presses Confirm: Meta calls the webhook, signed with the app secret.
    let confirm_id = buttons[0]["reply"]["id"].as_str().unwrap().to_string();
    let press = |from: &str, id: &str| {
        json!({ "object": "whatsapp_business_account", "entry": [{ "id": "1", "changes": [{ "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": { "phone_number_id": "1029384756" },
            "messages": [{ "from": from, "id": "wamid.IN", "timestamp": "1764000000", "type": "interactive",
                "interactive": { "type": "button_reply", "button_reply": { "id": id, "title": "Confirmer" } } }]
        } }] }] })
        .to_string()
    };
    let sign = |body: &str, secret: &[u8]| {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap();
        mac.update(body.as_bytes());
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    };
    let post = |body: String, signature: Option<String>| {
        let mut req = reqwest::Client::new()
            .post(format!("{}/api/whatsapp/webhook", app.addr))
            .header("content-type", "application/json")
            .body(body);
        if let Some(s) = signature {
            req = req.header("x-hub-signature-256", s);
        }
        req.send()
    };
    // Unsigned, badly signed, or signed with another secret: refused, nothing changes.
    let body = press("237699000002", &confirm_id);
    assert_eq!(
        post(body.clone(), None).await.unwrap().status().as_u16(),
        401
    );
    assert_eq!(
        post(body.clone(), Some(sign(&body, b"wrong")))
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    let tampered = body.replace("Confirmer", "Confirmed");
    assert_eq!(
        post(tampered, Some(sign(&body, b"app-secret")))
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    // Signed, but pressed from another number: ignored.
    let stranger = press("237677000000", &confirm_id);
    assert_eq!(
        post(stranger.clone(), Some(sign(&stranger, b"app-secret")))
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    assert_eq!(status_of(&app, &reference).await, "PAID");
    // The owner's own press confirms, once; Meta's retry of it changes nothing.
    for _ in 0..2 {
        let res = post(body.clone(), Some(sign(&body, b"app-secret")))
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
    }
    assert_eq!(status_of(&app, &reference).await, "TICKETS_ISSUED");
    let tickets: i64 = sqlx::query_scalar("SELECT count(*) FROM etickets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(tickets, 1);
    // The guest's tickets go out on WhatsApp too.
    deliver_due(&app.pool, &mailer, &config, 50).await.unwrap();
    let sent = graph.received.lock().unwrap().clone();
    assert!(sent.iter().any(|(_, _, b)| b["type"] == "text"
        && b["to"] == "237677123456"
        && b["text"]["body"]
            .as_str()
            .is_some_and(|t| t.contains("/t/"))));
}

#[sqlx::test(migrations = false)]
async fn whatsapp_gives_up_after_three_attempts(pool: PgPool) {
    let graph = fake_graph(100).await;
    let base = graph.base.clone();
    let app = spawn_with(pool, move |c| with_whatsapp(c, &base)).await;
    paid_stay(&app).await;
    let config = config_for(&graph.base);
    let mailer = Mailer::from_config(&config).unwrap();
    for _ in 0..5 {
        deliver_due(&app.pool, &mailer, &config, 50).await.unwrap();
    }
    let row: (String, i32, Option<String>) = sqlx::query_as(
        "SELECT status, attempts, last_error FROM outbox WHERE channel = 'whatsapp' AND kind = 'owner_request'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((row.0.as_str(), row.1), ("FAILED", 3));
    assert!(row.2.unwrap_or_default().contains("500"));
    // The e-mail to the owner went out regardless.
    let mail: String = sqlx::query_scalar(
        "SELECT status FROM outbox WHERE channel = 'email' AND kind = 'owner_request'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(mail, "SENT");
}

#[sqlx::test(migrations = false)]
async fn the_webhook_handshake_needs_the_verify_token(pool: PgPool) {
    let app = spawn_with(pool, |c| with_whatsapp(c, "http://127.0.0.1:9")).await;
    let get = |q: &str| reqwest::get(format!("{}/api/whatsapp/webhook?{q}", app.addr));
    let ok = get("hub.mode=subscribe&hub.verify_token=tessera-verify&hub.challenge=1158201444")
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(ok.text().await.unwrap(), "1158201444");
    for q in [
        "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
        "hub.mode=unsubscribe&hub.verify_token=tessera-verify&hub.challenge=1",
        "hub.challenge=1",
    ] {
        assert_eq!(get(q).await.unwrap().status().as_u16(), 403, "{q}");
    }
}
