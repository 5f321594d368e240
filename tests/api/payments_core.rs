//! The payments core: every confirmation of money in the ledger (tickets approved, orders paid
//! in cash), refunds that reach the money through the provider (accepted, refused, retried),
//! Stripe checkouts that expire with their order, deposits for stays, and the operator's
//! `tessera payments poll` and `tessera alerts test`.

use std::sync::{Arc, Mutex};

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Form, Json, Router,
};
use serde_json::{json, Value};
use sqlx::PgPool;
use tessera::platform::config::{CardGateway, Secret, StripeConfig};

use crate::{
    billing::{family, next, reference_in, subscribe},
    helpers::{client, spawn_app, spawn_with, TestApp},
};

/// How the fake Stripe answers refunds.
#[derive(Clone, Copy, PartialEq)]
enum RefundMode {
    Accept,
    Refuse,
    Down,
}

struct Stripe {
    mode: RefundMode,
    refunds: Vec<Vec<(String, String)>>,
    sessions: Vec<Vec<(String, String)>>,
}

type Shared = Arc<Mutex<Stripe>>;

/// Stripe's Checkout Sessions (created, read as paid) and refunds, as Stripe writes them.
async fn fake_stripe() -> (String, Shared) {
    let shared: Shared = Arc::new(Mutex::new(Stripe {
        mode: RefundMode::Accept,
        refunds: Vec::new(),
        sessions: Vec::new(),
    }));
    async fn create(State(s): State<Shared>, Form(f): Form<Vec<(String, String)>>) -> Json<Value> {
        let mut st = s.lock().unwrap();
        st.sessions.push(f);
        let id = format!("cs_test_{}", st.sessions.len());
        Json(
            json!({ "id": id, "object": "checkout.session", "url": format!("https://checkout.stripe.test/{id}") }),
        )
    }
    async fn read(Path(id): Path<String>) -> Json<Value> {
        Json(
            json!({ "id": id, "object": "checkout.session", "status": "complete", "payment_status": "paid",
                     "amount_total": 2900, "currency": "usd", "payment_intent": "pi_123" }),
        )
    }
    async fn refund(State(s): State<Shared>, Form(f): Form<Vec<(String, String)>>) -> Response {
        let mut st = s.lock().unwrap();
        st.refunds.push(f);
        match st.mode {
            RefundMode::Accept => Json(json!({ "id": format!("re_{}", st.refunds.len()), "object": "refund", "status": "succeeded" })).into_response(),
            RefundMode::Refuse => (
                StatusCode::BAD_REQUEST,
                Json(json!({ "error": { "type": "invalid_request_error", "message": "Charge has already been refunded." } })),
            )
                .into_response(),
            RefundMode::Down => (StatusCode::BAD_GATEWAY, "upstream down").into_response(),
        }
    }
    let app = Router::new()
        .route("/v1/checkout/sessions", post(create))
        .route("/v1/checkout/sessions/{id}", get(read))
        .route("/v1/refunds", post(refund))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, shared)
}

fn with_stripe(base: String) -> impl FnOnce(&mut tessera::platform::config::Config) {
    move |c| {
        c.billing.card_gateway = CardGateway::Stripe;
        c.billing.stripe = Some(StripeConfig {
            api_base: base,
            secret_key: Secret::new("sk_test_123"),
            webhook_secret: Secret::new("whsec_x"),
        });
    }
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

/// A family subscribed to STARTER by a Stripe payment the poller confirmed; answers the
/// admin's client and the payment's id.
async fn paid_by_stripe(app: &TestApp) -> (reqwest::Client, String) {
    let c = family(app, "stripe-family@example.cm").await;
    subscribe(app, &c, "STARTER", "card").await;
    sqlx::query("UPDATE payments SET next_check_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let r = tessera::features::payments::poller::run(
        &app.state,
        tessera::features::payments::poller::Scope::Due,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        r.count(tessera::features::payments::poller::Change::Settled),
        1
    );
    let admin = family(app, "admin@example.cm").await;
    app.make_admin("admin@example.cm").await;
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM payments WHERE status = 'COMPLETED'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    (admin, id.to_string())
}

async fn refund(app: &TestApp, admin: &reqwest::Client, id: &str, amount: &str) -> (u16, String) {
    let res = app
        .post_fn(
            admin,
            "admin_refund",
            &[
                ("payment_id", id),
                ("amount", amount),
                ("destination", "card"),
                ("reason", "customer asked"),
            ],
        )
        .await;
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

#[sqlx::test]
async fn a_card_refund_reaches_stripe_and_counts_once_stripe_accepts_it(pool: PgPool) {
    let (base, stripe) = fake_stripe().await;
    let app = spawn_with(pool, with_stripe(base)).await;
    let (admin, id) = paid_by_stripe(&app).await;
    let (status, body) = refund(&app, &admin, &id, "10").await;
    assert_eq!(status, 200, "{body}");
    let sent = stripe.lock().unwrap().refunds.clone();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains(&("payment_intent".into(), "pi_123".into())));
    assert!(sent[0].contains(&("amount".into(), "1000".into())));
    let (refunded, state, provider_id): (i64, String, Option<String>) = sqlx::query_as(
        "SELECT p.refunded_amount, r.status, r.provider_refund_id FROM payments p JOIN payment_refunds r ON r.payment_id = p.id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (refunded, state.as_str(), provider_id.as_deref()),
        (1000, "SUCCEEDED", Some("re_1"))
    );
}

#[sqlx::test]
async fn a_refund_stripe_refuses_is_not_recorded_and_alerts_the_admins(pool: PgPool) {
    let (base, stripe) = fake_stripe().await;
    let app = spawn_with(pool, with_stripe(base)).await;
    let (admin, id) = paid_by_stripe(&app).await;
    stripe.lock().unwrap().mode = RefundMode::Refuse;
    let (status, body) = refund(&app, &admin, &id, "29").await;
    assert_eq!(status, 502, "{body}");
    assert!(body.contains("error.refund_refused"), "{body}");
    assert_eq!(
        scalar(
            &app,
            "SELECT refunded_amount FROM payments WHERE status = 'COMPLETED'"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM payment_refunds WHERE status = 'FAILED'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM alerts WHERE kind = 'refund_failed' AND critical"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM outbox WHERE kind = 'refund_failed' AND recipient = 'admin@example.cm'").await,
        1
    );
}

#[sqlx::test]
async fn a_refund_stripe_cannot_take_now_is_asked_again_later(pool: PgPool) {
    let (base, stripe) = fake_stripe().await;
    let app = spawn_with(pool, with_stripe(base)).await;
    let (admin, id) = paid_by_stripe(&app).await;
    stripe.lock().unwrap().mode = RefundMode::Down;
    let (status, body) = refund(&app, &admin, &id, "29").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM payment_refunds WHERE status = 'PENDING'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT refunded_amount FROM payments WHERE status = 'COMPLETED'"
        )
        .await,
        0
    );
    // Not due yet: nothing is asked.
    assert_eq!(
        tessera::features::payments::refunds::retry_due(&app.state)
            .await
            .unwrap(),
        0
    );
    assert_eq!(stripe.lock().unwrap().refunds.len(), 1);
    stripe.lock().unwrap().mode = RefundMode::Accept;
    sqlx::query("UPDATE payment_refunds SET next_attempt_at = now()")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        tessera::features::payments::refunds::retry_due(&app.state)
            .await
            .unwrap(),
        1
    );
    // The same refund id both times: Stripe refunds once.
    let sent = stripe.lock().unwrap().refunds.clone();
    assert_eq!(sent.len(), 2);
    let (refunded, status): (i64, String) =
        sqlx::query_as("SELECT refunded_amount, status FROM payments WHERE reference LIKE 'PAY-%' AND refunded_amount > 0")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((refunded, status.as_str()), (2900, "REFUNDED"));
}

#[sqlx::test]
async fn an_orders_stripe_checkout_expires_with_the_order(pool: PgPool) {
    let (base, stripe) = fake_stripe().await;
    let app = spawn_with(pool, with_stripe(base)).await;
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, starts_at, ends_at, capacity, price, currency, max_per_order)
         VALUES (gen_random_uuid(), 'expiring', 'EVENT', 'Fest', 'Hall', now() + interval '10 days',
                 now() + interval '10 days 5 hours', 10, 2900, 'USD', 5)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let guest = client();
    let (_, to) = next(
        &app,
        &guest,
        "place_order",
        &[
            ("slug", "expiring"),
            ("quantity", "1"),
            ("name", "Ann Guest"),
            ("email", "ann@example.com"),
            ("phone", "+237 677 12 34 56"),
        ],
    )
    .await;
    let rest = to.strip_prefix("/orders/").unwrap();
    let (reference, sig) = rest.split_once("?sig=").unwrap();
    let (status, _) = next(
        &app,
        &guest,
        "order_card_checkout",
        &[("reference", reference), ("sig", sig)],
    )
    .await;
    assert_eq!(status, 200);
    let form = stripe.lock().unwrap().sessions[0].clone();
    let expires: i64 = form
        .iter()
        .find(|(k, _)| k == "expires_at")
        .expect("expires_at sent")
        .1
        .parse()
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(
        expires > now + 30 * 60 && expires <= now + 2 * 3600 + 60,
        "{expires} vs {now}"
    );
}

#[sqlx::test]
async fn cash_taken_for_an_order_settles_through_the_ledger_with_its_invoice(pool: PgPool) {
    let app = spawn_app(pool).await;
    // An order paid in cash: a PAY payment, an invoice, the tickets e-mail carrying it.
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, starts_at, ends_at, capacity, price, currency, max_per_order)
         VALUES (gen_random_uuid(), 'cash-fest', 'EVENT', 'Fest', 'Hall', now() + interval '10 days',
                 now() + interval '10 days 5 hours', 10, 5000, 'XAF', 5)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let guest = client();
    let (_, to) = next(
        &app,
        &guest,
        "place_order",
        &[
            ("slug", "cash-fest"),
            ("quantity", "2"),
            ("name", "Bea Guest"),
            ("email", "bea@example.cm"),
            ("phone", "+237 677 12 34 56"),
        ],
    )
    .await;
    let reference = to
        .strip_prefix("/orders/")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let admin = family(&app, "boss@example.cm").await;
    app.make_admin("boss@example.cm").await;
    app.post_fn(
        &admin,
        "mark_order_paid",
        &[("reference", &reference), ("via", "CASH")],
    )
    .await;
    let (pay_ref, method, provider, status, invoice): (
        String,
        String,
        String,
        String,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT p.reference, p.method, p.provider, p.status, i.number FROM payments p
             LEFT JOIN invoices i ON i.payment_id = p.id WHERE p.order_id IS NOT NULL",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(pay_ref.starts_with("PAY-"));
    assert_eq!(
        (method.as_str(), provider.as_str(), status.as_str()),
        ("CASH", "manual", "COMPLETED")
    );
    let invoice = invoice.expect("an invoice for cash too");
    assert_eq!(
        scalar(&app, &format!("SELECT count(*) FROM outbox o JOIN outbox_attachments a ON a.outbox_id = o.id WHERE o.kind = 'tickets_issued' AND a.name = '{invoice}.pdf' AND a.content_type = 'application/pdf'")).await,
        1
    );
    // Marking it paid again changes nothing.
    let again = app
        .post_fn(
            &admin,
            "mark_order_paid",
            &[("reference", &reference), ("via", "CASH")],
        )
        .await;
    assert_eq!(again.status().as_u16(), 409);
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM payments WHERE order_id IS NOT NULL"
        )
        .await,
        1
    );
    // The admins' ledger shows it among the other payments.
    let (code, html) = app.page(&admin, "/admin/payments?purpose=ORDER").await;
    assert_eq!(code, 200);
    assert!(html.contains(&pay_ref), "{pay_ref} in the ledger");
}

#[sqlx::test]
async fn a_stay_with_a_deposit_is_paid_in_part_and_shows_what_is_due_on_arrival(pool: PgPool) {
    let app = spawn_app(pool).await;
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, capacity, price, currency, max_per_order, owner_name, owner_phone, owner_email, deposit_bps)
         VALUES (gen_random_uuid(), 'deposit-villa', 'STAY', 'Villa', 'Kribi', 6, 45000, 'XAF', 6, 'Jean', '+237699000002', 'owner@example.cm', 3000)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let guest = client();
    let day = |d: i64| {
        (chrono::Utc::now() + chrono::Duration::days(d))
            .format("%Y-%m-%d")
            .to_string()
    };
    let (status, to) = next(
        &app,
        &guest,
        "place_order",
        &[
            ("slug", "deposit-villa"),
            ("quantity", "2"),
            ("check_in", &day(20)),
            ("check_out", &day(22)),
            ("name", "Cleo Guest"),
            ("email", "cleo@example.cm"),
            ("phone", "+237 677 12 34 56"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{to}");
    let rest = to.strip_prefix("/orders/").unwrap();
    let (reference, sig) = rest.split_once("?sig=").unwrap();
    let view: Value = app
        .post_fn(&guest, "order", &[("reference", reference), ("sig", sig)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["total"], "90,000\u{a0}FCFA");
    assert_eq!(view["deposit"], "27,000\u{a0}FCFA");
    assert_eq!(view["due_now"], "27,000\u{a0}FCFA");
    assert_eq!(view["balance_due"], "63,000\u{a0}FCFA");
    let admin = family(&app, "boss@example.cm").await;
    app.make_admin("boss@example.cm").await;
    app.post_fn(
        &admin,
        "mark_order_paid",
        &[("reference", reference), ("via", "CASH")],
    )
    .await;
    let (status, paid): (String, i64) =
        sqlx::query_as("SELECT status, amount_paid FROM orders WHERE reference = $1")
            .bind(reference)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), paid), ("PAID", 27_000));
    // The owner is told what the guest still owes on arrival.
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'owner_request'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(body.contains("63\u{202f}000\u{a0}FCFA"), "{body}");
}

/// PayTR's token, status inquiry and refund APIs; the refund's `paytr_token` is checked as
/// PayTR computes it.
type Forms = Arc<Mutex<Vec<Vec<(String, String)>>>>;

async fn fake_paytr() -> (String, Forms) {
    let seen: Forms = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let app = Router::new()
        .route(
            "/odeme/api/get-token",
            post(|| async { Json(json!({ "status": "success", "token": "tok" })) }),
        )
        .route(
            "/odeme/durum-sorgu",
            post(|| async {
                Json(json!({ "status": "success", "payment_amount": "29.00", "payment_total": "29,00", "currency": "USD" }))
            }),
        )
        .route(
            "/odeme/iade",
            post(move |Form(f): Form<Vec<(String, String)>>| {
                let s = s.clone();
                async move {
                    let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
                    use base64::Engine;
                    use hmac::{Hmac, Mac};
                    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"key").unwrap();
                    mac.update(format!("{}{}{}{}", get("merchant_id"), get("merchant_oid"), get("return_amount"), "salt").as_bytes());
                    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
                    let ok = get("paytr_token") == expected;
                    let reply = if ok {
                        json!({ "status": "success", "is_test": 1, "merchant_oid": get("merchant_oid"), "return_amount": get("return_amount") })
                    } else {
                        json!({ "status": "error", "err_no": "002", "err_msg": "paytr_token invalid" })
                    };
                    s.lock().unwrap().push(f);
                    Json(reply)
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, seen)
}

#[sqlx::test]
async fn paytr_payments_are_polled_and_refunded_through_paytr(pool: PgPool) {
    let (base, seen) = fake_paytr().await;
    let app = spawn_with(pool, move |c| {
        c.billing.card_gateway = CardGateway::Paytr;
        c.billing.paytr = Some(tessera::platform::config::PaytrConfig {
            api_base: base,
            merchant_id: "123456".into(),
            merchant_key: Secret::new("key"),
            merchant_salt: Secret::new("salt"),
            test_mode: true,
        });
    })
    .await;
    let c = family(&app, "paytr@example.cm").await;
    subscribe(&app, &c, "STARTER", "card").await;
    sqlx::query("UPDATE payments SET next_check_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    // A lost callback: the status inquiry says it was paid.
    let r = tessera::features::payments::poller::run(
        &app.state,
        tessera::features::payments::poller::Scope::Due,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        r.count(tessera::features::payments::poller::Change::Settled),
        1,
        "{r:?}"
    );
    let admin = family(&app, "admin@example.cm").await;
    app.make_admin("admin@example.cm").await;
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM payments WHERE status = 'COMPLETED'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, body) = refund(&app, &admin, &id.to_string(), "12.50").await;
    assert_eq!(status, 200, "{body}");
    let sent = seen.lock().unwrap().clone();
    assert!(
        sent[0].contains(&("return_amount".into(), "12.50".into())),
        "{sent:?}"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT refunded_amount FROM payments WHERE status = 'COMPLETED'"
        )
        .await,
        1250
    );
}

/// The database URL of this test's own database.
async fn database_url(app: &TestApp) -> String {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let (server, _) = base.rsplit_once('/').expect("a database in DATABASE_URL");
    format!("{server}/{name}")
}

#[sqlx::test]
async fn the_operator_runs_a_cycle_and_a_test_alert_from_the_command_line(pool: PgPool) {
    let app = spawn_app(pool).await;
    let c = family(&app, "cli@example.cm").await;
    let (_, to) = subscribe(&app, &c, "STARTER", "card").await;
    let pay = reference_in(&to);
    // The sandbox payment "pays after a delay" that has passed.
    next(
        &app,
        &c,
        "billing_sandbox_choose",
        &[("reference", &pay), ("choice", "delay")],
    )
    .await;
    sqlx::query("UPDATE payments SET settle_after = now() - interval '1 second', next_check_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let url = database_url(&app).await;
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env("PAYMENT_PROVIDER", "sandbox")
            .env("TESSERA_DATA_DIR", &app.data_dir)
            .env("RUST_LOG", "error")
            .output()
            .expect("the binary runs")
    };
    let out = run(&["payments", "poll", "--verbose", "--order", &pay]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(&pay) && text.contains("settled"), "{text}");
    assert!(text.contains("checked 1: 1 settled"), "{text}");
    let status: String = sqlx::query_scalar("SELECT status FROM payments WHERE reference = $1")
        .bind(&pay)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "COMPLETED");
    app.make_admin("cli@example.cm").await;
    let out = run(&["alerts", "test"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("queued for 1 recipients"), "{text}");
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM outbox WHERE kind = 'alert_test' AND status = 'SENT'"
        )
        .await,
        1
    );
}
