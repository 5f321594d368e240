//! Billing: the trial, card checkouts through the sandbox, Stripe and PayTR (local servers that
//! speak their wire formats), webhooks delivered many times at once, the wallet, invoices.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Mutex,
};

use axum::{routing::post, Form, Json, Router};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use reqwest::Client;
use serde_json::json;
use sha2::Sha256;
use sqlx::PgPool;
use tessera::platform::config::{CardGateway, Config, PaytrConfig, Secret, StripeConfig};

use crate::helpers::{client, spawn_app, spawn_with, TestApp};

const WHSEC: &str = "whsec_test_0123456789";

pub async fn family(app: &TestApp, email: &str) -> Client {
    let c = client();
    assert_eq!(app.register(&c, email).await.status().as_u16(), 200);
    c
}

/// Calls a server function that answers with the next address.
pub async fn next(app: &TestApp, c: &Client, name: &str, form: &[(&str, &str)]) -> (u16, String) {
    let res = app.post_fn(c, name, form).await;
    let status = res.status().as_u16();
    let body = res.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str::<String>(&body).unwrap_or(body),
    )
}

/// Subscribes to `plan` for 30 days paying with `pay_with`; answers the next address. Plans are
/// offered to one kind of account: the account is first made the kind the plan is for (when
/// the plan exists), as if it had been registered as one.
pub async fn subscribe(app: &TestApp, c: &Client, plan: &str, pay_with: &str) -> (u16, String) {
    account_for(app, c, plan).await;
    let form = [
        ("plan", plan),
        ("duration_days", "30"),
        ("pay_with", pay_with),
    ];
    next(app, c, "billing_subscribe", &form).await
}

/// Makes the signed-in account the kind `plan` is offered to, as if registered as one.
pub async fn account_for(app: &TestApp, c: &Client, plan: &str) {
    let email = app.me(c).await.expect("signed in");
    sqlx::query(
        "UPDATE families SET kind = p.audience FROM plans p
          WHERE p.code = $2 AND families.id = (SELECT family_id FROM users WHERE email = $1)",
    )
    .bind(email)
    .bind(plan)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// Presses one of the sandbox checkout's buttons; answers the next address.
pub async fn choose(app: &TestApp, c: &Client, reference: &str, choice: &str) -> (u16, String) {
    let form = [("reference", reference), ("choice", choice)];
    next(app, c, "billing_sandbox_choose", &form).await
}

pub async fn subscription(app: &TestApp, email: &str) -> (String, String, DateTime<Utc>) {
    sqlx::query_as(
        "SELECT s.status, s.plan_code, s.current_period_end FROM subscriptions s
         JOIN users u ON u.family_id = s.family_id WHERE u.email = $1",
    )
    .bind(email)
    .fetch_one(&app.pool)
    .await
    .expect("subscription")
}

async fn payment_status(app: &TestApp, reference: &str) -> (String, bool) {
    sqlx::query_as("SELECT status, needs_review FROM payments WHERE reference = $1")
        .bind(reference)
        .fetch_one(&app.pool)
        .await
        .expect("payment")
}

async fn mails(app: &TestApp, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE kind = $1")
        .bind(kind)
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

pub fn reference_in(url: &str) -> String {
    let start = url.find("PAY-").expect("reference in url");
    url[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

#[sqlx::test]
async fn a_new_family_is_on_a_trial_counted_down_on_the_billing_page(pool: PgPool) {
    let app = spawn_app(pool).await;
    let c = family(&app, "trial@example.cm").await;
    let (status, plan, end) = subscription(&app, "trial@example.cm").await;
    assert_eq!(
        (status.as_str(), plan.as_str()),
        ("TRIALING", "FAMILY_MANAGER")
    );
    let left = end - Utc::now();
    assert!(
        left > Duration::days(13) && left <= Duration::days(14),
        "{left}"
    );
    let (code, html) = app.page(&c, "/billing").await;
    assert_eq!(code, 200);
    assert!(html.contains(r#"data-status="TRIALING""#), "{html}");
    assert!(html.contains("Trial: 14 days left"), "{html}");
    // A family is offered the family plans, not the business ones.
    assert!(html.contains(r#"data-plan="FAMILY_MANAGER""#));
    for plan in ["STARTER", "TEAM", "ENTERPRISE"] {
        assert!(!html.contains(&format!(r#"data-plan="{plan}""#)), "{plan}");
    }
    assert!(!html.contains("$29.00") && html.contains("15,000\u{a0}FCFA"));
    // Anonymous visitors are sent to log in.
    let (code, _) = app.page(&client(), "/billing").await;
    assert_eq!(code, 401);
}

#[sqlx::test]
async fn a_card_payment_through_the_sandbox_extends_the_plan_and_issues_an_invoice(pool: PgPool) {
    let app = spawn_app(pool).await;
    let c = family(&app, "card@example.cm").await;
    let (_, _, trial_end) = subscription(&app, "card@example.cm").await;
    let (status, to) = subscribe(&app, &c, "STARTER", "card").await;
    assert_eq!(status, 200, "{to}");
    assert!(to.starts_with("/billing/sandbox/PAY-"), "{to}");
    let reference = reference_in(&to);
    assert_eq!(payment_status(&app, &reference).await.0, "PROCESSING");
    let (code, html) = app.page(&c, &to).await;
    assert_eq!(code, 200);
    assert!(html.contains("$29.00") && !html.to_lowercase().contains("card number"));
    // Before paying, the success address says what the server knows: still waiting.
    let (_, html) = app
        .page(&c, &format!("/billing/payment/success?ref={reference}"))
        .await;
    assert!(html.contains(r#"data-status="PROCESSING""#));
    assert!(html.contains(r#"http-equiv="refresh""#));

    let (status, to) = choose(&app, &c, &reference, "success").await;
    assert_eq!(status, 200);
    assert_eq!(to, format!("/billing/payment/success?ref={reference}"));
    assert_eq!(payment_status(&app, &reference).await.0, "COMPLETED");
    let (status, plan, end) = subscription(&app, "card@example.cm").await;
    assert_eq!((status.as_str(), plan.as_str()), ("ACTIVE", "STARTER"));
    // Renewing during the trial adds the period after the trial's end.
    let added = end - trial_end;
    assert!(
        (added - Duration::days(30)).num_seconds().abs() < 5,
        "{added}"
    );

    let number: String = sqlx::query_scalar(
        "SELECT i.number FROM invoices i JOIN payments p ON p.id = i.payment_id WHERE p.reference = $1",
    )
    .bind(&reference)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(number, format!("INV-{}-000001", Utc::now().format("%Y")));
    let (_, html) = app.page(&c, &to).await;
    assert!(html.contains(r#"data-status="COMPLETED""#) && html.contains(&number));
    let (code, invoice) = app.page(&c, &format!("/billing/invoices/{number}")).await;
    assert_eq!(code, 200);
    assert!(
        invoice.contains(&number)
            && invoice.contains("$29.00")
            && invoice.contains("Famille Ndiaye")
    );
    let pdf = c
        .get(format!("{}/billing/invoices/{number}/pdf", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status().as_u16(), 200);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    // The success e-mail carries the invoice.
    let (kind, name): (String, Option<String>) = sqlx::query_as(
        "SELECT o.kind, a.name FROM outbox o LEFT JOIN outbox_attachments a ON a.outbox_id = o.id
         WHERE o.recipient = 'card@example.cm' AND o.kind = 'billing_paid'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (kind.as_str(), name),
        ("billing_paid", Some(format!("{number}.pdf")))
    );
    // Invoices cannot be rewritten.
    let changed = sqlx::query("UPDATE invoices SET total = 1")
        .execute(&app.pool)
        .await;
    assert!(changed.is_err());
    // Choosing again on a settled payment changes nothing.
    choose(&app, &c, &reference, "fail").await;
    assert_eq!(payment_status(&app, &reference).await.0, "COMPLETED");
    assert_eq!(app.count("invoices").await, 1);

    // Nobody else reads the invoice or the payment: another family, or a member who is not the manager.
    let other = family(&app, "other@example.cm").await;
    let (code, _) = app
        .page(&other, &format!("/billing/invoices/{number}"))
        .await;
    assert_eq!(code, 404);
    let (code, _) = app
        .page(&other, &format!("/billing/payment/success?ref={reference}"))
        .await;
    assert_eq!(code, 404);
    let (status, _) = next(
        &app,
        &c,
        "add_member",
        &[
            ("name", "Paul Ndiaye"),
            ("email", "paul@example.cm"),
            ("phone", "+237677000111"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    sqlx::query("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = 'card@example.cm') WHERE email = 'paul@example.cm'")
        .execute(&app.pool)
        .await
        .unwrap();
    let member = client();
    app.login(&member, "paul@example.cm", "correct horse battery")
        .await;
    let (code, _) = app
        .page(&member, &format!("/billing/invoices/{number}"))
        .await;
    assert_eq!(code, 404);
    let (status, _) = subscribe(&app, &member, "TEAM", "card").await;
    assert_eq!(status, 403);
    let (status, _) = next(
        &app,
        &member,
        "billing_top_up",
        &[("amount", "5000"), ("currency", "XAF")],
    )
    .await;
    assert_eq!(status, 403);
    let (_, html) = app.page(&member, "/billing").await;
    assert!(!html.contains(&number));
}

#[sqlx::test]
async fn an_invoice_shows_the_tax_included_in_what_was_charged(pool: PgPool) {
    let app = spawn_with(pool, |c| c.billing.tax_rate_bp = 1_925).await;
    let c = family(&app, "tax@example.cm").await;
    let (_, to) = subscribe(&app, &c, "FAMILY_MANAGER", "card").await;
    let reference = reference_in(&to);
    choose(&app, &c, &reference, "success").await;
    let (charged, subtotal, tax, total): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT p.amount, i.subtotal, i.tax, i.total FROM invoices i JOIN payments p ON p.id = i.payment_id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(total, charged, "the invoice's total is what the card paid");
    assert_eq!(subtotal + tax, total);
    // Tax included at 19.25 %, rounded half up, computed here independently.
    let expected = (charged as f64 * 1_925.0 / 11_925.0).round() as i64;
    assert_eq!(tax, expected);
}

#[sqlx::test]
async fn sandbox_payments_cannot_be_settled_once_a_real_gateway_is_configured(pool: PgPool) {
    let sandbox = spawn_app(pool.clone()).await;
    let c = family(&sandbox, "switch@example.cm").await;
    let (_, to) = subscribe(&sandbox, &c, "TEAM", "card").await;
    let reference = reference_in(&to);
    choose(&sandbox, &c, &reference, "delay").await;
    sqlx::query("UPDATE payments SET settle_after = now() - interval '1 minute', next_check_at = now() - interval '1 minute'")
        .execute(&pool)
        .await
        .unwrap();
    // The same database, now served with Stripe as the gateway.
    let (base, _) = fake_stripe().await;
    let stripe = spawn_with(pool.clone(), with_stripe(base.clone())).await;
    let (status, _) = choose(&stripe, &c, &reference, "success").await;
    assert_eq!(status, 404);
    let (code, _) = stripe
        .page(&c, &format!("/billing/sandbox/{reference}"))
        .await;
    assert_eq!(code, 404);
    use tessera::features::payments::poller::{run, Change, Scope};
    let report = run(&stripe.state, Scope::Due, None).await.unwrap();
    assert_eq!(report.count(Change::Settled), 0);
    assert_ne!(payment_status(&stripe, &reference).await.0, "COMPLETED");
    assert_eq!(stripe.count("invoices").await, 0);
}

#[sqlx::test]
async fn a_declined_card_ends_on_the_fail_page_with_the_plan_unchanged(pool: PgPool) {
    let app = spawn_app(pool).await;
    let c = family(&app, "declined@example.cm").await;
    let before = subscription(&app, "declined@example.cm").await;
    let (_, to) = subscribe(&app, &c, "TEAM", "card").await;
    let reference = reference_in(&to);
    let (_, to) = choose(&app, &c, &reference, "fail").await;
    assert_eq!(to, format!("/billing/payment/fail?ref={reference}"));
    assert_eq!(payment_status(&app, &reference).await.0, "FAILED");
    assert_eq!(subscription(&app, "declined@example.cm").await, before);
    assert_eq!(app.count("invoices").await, 0);
    assert_eq!(mails(&app, "billing_failed").await, 1);
    // The success address cannot pretend otherwise.
    let (_, html) = app
        .page(&c, &format!("/billing/payment/success?ref={reference}"))
        .await;
    assert!(html.contains(r#"data-status="FAILED""#) && html.contains("did not go through"));
    // Bad choices are refused plainly.
    let (status, _) = next(
        &app,
        &c,
        "billing_subscribe",
        &[
            ("plan", "TEAM"),
            ("duration_days", "31"),
            ("pay_with", "card"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = subscribe(&app, &c, "TEAM", "cash").await;
    assert_eq!(status, 422);
    let (status, _) = subscribe(&app, &c, "GOLD", "card").await;
    assert_eq!(status, 422);
}

#[sqlx::test]
async fn the_wallet_is_topped_up_by_card_and_pays_a_plan(pool: PgPool) {
    let app = spawn_app(pool).await;
    let c = family(&app, "wallet@example.cm").await;
    let (_, to) = next(
        &app,
        &c,
        "billing_top_up",
        &[("amount", "20 000"), ("currency", "XAF")],
    )
    .await;
    let reference = reference_in(&to);
    choose(&app, &c, &reference, "success").await;
    let balance: i64 = sqlx::query_scalar("SELECT balance FROM wallets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(balance, 20_000);
    let (status, to) = subscribe(&app, &c, "FAMILY_MANAGER", "wallet").await;
    assert_eq!(status, 200, "{to}");
    assert!(to.starts_with("/billing/payment/success?ref=PAY-"));
    let balance: i64 = sqlx::query_scalar("SELECT balance FROM wallets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(balance, 5_000);
    assert_eq!(subscription(&app, "wallet@example.cm").await.0, "ACTIVE");
    let payments = app.count("payments").await;
    let (status, body) = subscribe(&app, &c, "FAMILY_MANAGER", "wallet").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("error.wallet_insufficient"));
    assert_eq!(
        app.count("payments").await,
        payments,
        "a refused wallet payment leaves no row"
    );
    assert_eq!(app.count("invoices").await, 2);
    let (_, html) = app.page(&c, "/billing").await;
    assert!(html.contains("5,000\u{a0}FCFA") && html.contains("Top-up"));
    // Bad amounts are refused with the field named.
    let (status, body) = next(
        &app,
        &c,
        "billing_top_up",
        &[("amount", "abc"), ("currency", "XAF")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("amount"));
}

#[sqlx::test]
async fn invoice_numbers_have_no_gaps_under_concurrent_payments(pool: PgPool) {
    let app = spawn_app(pool).await;
    let c = family(&app, "many@example.cm").await;
    let mut refs = Vec::new();
    for _ in 0..20 {
        let (_, to) = next(
            &app,
            &c,
            "billing_top_up",
            &[("amount", "1000"), ("currency", "XAF")],
        )
        .await;
        refs.push(reference_in(&to));
    }
    // One failure in the middle must not consume a number.
    next(
        &app,
        &c,
        "billing_sandbox_choose",
        &[("reference", &refs[7]), ("choice", "fail")],
    )
    .await;
    let tasks: Vec<_> = refs
        .iter()
        .map(|r| {
            let (c, addr, r) = (c.clone(), app.addr.clone(), r.clone());
            tokio::spawn(async move {
                c.post(format!("{addr}/fn/billing_sandbox_choose"))
                    .header("origin", &addr)
                    .form(&[("reference", r.as_str()), ("choice", "success")])
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let mut numbers: Vec<String> =
        sqlx::query_scalar("SELECT number FROM invoices ORDER BY number")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    numbers.dedup();
    let year = Utc::now().format("%Y").to_string();
    let expected: Vec<String> = (1..=19).map(|n| format!("INV-{year}-{n:06}")).collect();
    assert_eq!(numbers, expected);
    // Numbered at each commit: no draft is left, and each e-mail carries its invoice under its
    // number, with the number in its text instead of the stand-in.
    let drafts: i64 = sqlx::query_scalar("SELECT count(*) FROM invoice_drafts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(drafts, 0);
    let mailed: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT a.name, a.document, o.body LIKE '%' || split_part(a.name, '.', 1) || '%'
         FROM outbox_attachments a JOIN outbox o ON o.id = a.outbox_id ORDER BY a.name",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let want: Vec<(String, String, bool)> = expected
        .iter()
        .map(|n| (format!("{n}.pdf"), format!("invoice:{n}"), true))
        .collect();
    assert_eq!(mailed, want);
    let stand_ins: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE body LIKE '%INV-PENDING%' OR subject LIKE '%INV-PENDING%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stand_ins, 0);
    let balance: i64 = sqlx::query_scalar("SELECT balance FROM wallets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(balance, 19_000);
}

type Seen = Arc<Mutex<Vec<Vec<(String, String)>>>>;

/// A local server for a gateway's form-encoded API at `path`: records each form and answers
/// with `reply(n)` for the n-th call.
async fn form_api(path: &'static str, reply: fn(usize) -> serde_json::Value) -> (String, Seen) {
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let n = Arc::new(AtomicUsize::new(0));
    let s = seen.clone();
    let app = Router::new().route(
        path,
        post(move |Form(form): Form<Vec<(String, String)>>| {
            let (s, n) = (s.clone(), n.clone());
            async move {
                s.lock().unwrap().push(form);
                Json(reply(n.fetch_add(1, Ordering::SeqCst)))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, seen)
}

/// A stand-in for api.stripe.com's Checkout Sessions.
async fn fake_stripe() -> (String, Seen) {
    form_api("/v1/checkout/sessions", |n| {
        let id = format!("cs_test_{n}");
        json!({ "id": id, "object": "checkout.session", "url": format!("https://checkout.stripe.test/c/pay/{id}") })
    })
    .await
}

/// A stand-in for PayTR's get-token API.
async fn fake_paytr() -> (String, Seen) {
    form_api(
        "/odeme/api/get-token",
        |_| json!({ "status": "success", "token": "tok123" }),
    )
    .await
}

fn with_stripe(base: String) -> impl FnOnce(&mut Config) {
    move |c: &mut Config| {
        c.billing.card_gateway = CardGateway::Stripe;
        c.billing.stripe = Some(StripeConfig {
            api_base: base,
            secret_key: Secret::new("sk_test_123"),
            webhook_secret: Secret::new(WHSEC),
        });
    }
}

/// `Stripe-Signature` as Stripe computes it: `t=<unix>,v1=hex(HMAC-SHA256(secret, "<t>.<payload>"))`.
fn stripe_sign(secret: &str, t: i64, payload: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{payload}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn session_event(id: &str, kind: &str, session: &str, amount: i64, currency: &str) -> String {
    json!({
        "id": id, "object": "event", "type": kind,
        "data": { "object": { "id": session, "object": "checkout.session", "amount_total": amount,
                              "currency": currency, "payment_status": "paid", "client_reference_id": "x" } }
    })
    .to_string()
}

/// Delivers the same signed event `n` times at once; every delivery must be accepted.
async fn deliver_at_once(app: &TestApp, body: &str, header: &str, n: usize) {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (addr, body, header) = (app.addr.clone(), body.to_string(), header.to_string());
            tokio::spawn(async move {
                client()
                    .post(format!("{addr}/api/payments/stripe/webhook"))
                    .header("stripe-signature", header)
                    .body(body)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), 200);
    }
}

async fn deliver(app: &TestApp, payload: &str, signature: Option<String>) -> u16 {
    let mut req = client()
        .post(format!("{}/api/payments/stripe/webhook", app.addr))
        .header("content-type", "application/json")
        .body(payload.to_string());
    if let Some(s) = signature {
        req = req.header("stripe-signature", s);
    }
    req.send().await.unwrap().status().as_u16()
}

#[sqlx::test]
async fn a_stripe_webhook_delivered_fifty_times_at_once_changes_things_once(pool: PgPool) {
    let (base, seen) = fake_stripe().await;
    let app = spawn_with(pool, with_stripe(base)).await;
    let c = family(&app, "stripe@example.cm").await;
    let (_, _, trial_end) = subscription(&app, "stripe@example.cm").await;
    let (status, to) = subscribe(&app, &c, "STARTER", "card").await;
    assert_eq!(status, 200, "{to}");
    assert_eq!(to, "https://checkout.stripe.test/c/pay/cs_test_0");
    {
        let forms = seen.lock().unwrap();
        let form = &forms[0];
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(
            get("line_items[0][price_data][unit_amount]").as_deref(),
            Some("2900")
        );
        assert_eq!(
            get("line_items[0][price_data][currency]").as_deref(),
            Some("usd")
        );
        assert_eq!(get("mode").as_deref(), Some("payment"));
        assert!(get("success_url")
            .unwrap()
            .contains("/billing/payment/success?ref=PAY-"));
        assert!(
            form.iter().all(|(k, _)| !k.contains("card")),
            "no card data leaves Tessera"
        );
    }
    let now = Utc::now().timestamp();
    let good = session_event(
        "evt_1",
        "checkout.session.completed",
        "cs_test_0",
        2900,
        "usd",
    );

    // Refusals: no header, wrong secret, tampered body, stale timestamp, unknown session.
    assert_eq!(deliver(&app, &good, None).await, 400);
    assert_eq!(
        deliver(&app, &good, Some(stripe_sign("whsec_wrong", now, &good))).await,
        400
    );
    let tampered = good.replace("2900", "29");
    assert_eq!(
        deliver(&app, &tampered, Some(stripe_sign(WHSEC, now, &good))).await,
        400
    );
    assert_eq!(
        deliver(&app, &good, Some(stripe_sign(WHSEC, now - 301, &good))).await,
        400
    );
    let unknown = session_event(
        "evt_9",
        "checkout.session.completed",
        "cs_test_404",
        2900,
        "usd",
    );
    assert_eq!(
        deliver(&app, &unknown, Some(stripe_sign(WHSEC, now, &unknown))).await,
        404
    );
    assert_eq!(app.count("invoices").await, 0);

    // Fifty concurrent deliveries of the event (Stripe retries keep its id), with a second
    // signature alongside, as during a secret rotation.
    let header = format!("{},v1={}", stripe_sign(WHSEC, now, &good), "ab".repeat(32));
    deliver_at_once(&app, &good, &header, 50).await;
    // A different event about the same session, and a late "expired", change nothing either.
    let again = session_event(
        "evt_2",
        "checkout.session.async_payment_succeeded",
        "cs_test_0",
        2900,
        "usd",
    );
    assert_eq!(
        deliver(&app, &again, Some(stripe_sign(WHSEC, now, &again))).await,
        200
    );
    let late = session_event(
        "evt_3",
        "checkout.session.expired",
        "cs_test_0",
        2900,
        "usd",
    );
    assert_eq!(
        deliver(&app, &late, Some(stripe_sign(WHSEC, now, &late))).await,
        200
    );

    let reference = reference_in(&{
        let r: String = sqlx::query_scalar("SELECT reference FROM payments")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        r
    });
    assert_eq!(
        payment_status(&app, &reference).await,
        ("COMPLETED".into(), false)
    );
    assert_eq!(app.count("invoices").await, 1);
    assert_eq!(mails(&app, "billing_paid").await, 1);
    let (_, _, end) = subscription(&app, "stripe@example.cm").await;
    assert!(((end - trial_end) - Duration::days(30)).num_seconds().abs() < 5);
    let handled: i64 =
        sqlx::query_scalar("SELECT count(*) FROM webhook_events WHERE provider = 'stripe'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(handled, 3);
}

#[sqlx::test]
async fn a_wrong_amount_or_currency_is_refused_and_flagged_for_the_admins(pool: PgPool) {
    let (base, _) = fake_stripe().await;
    let app = spawn_with(pool, with_stripe(base)).await;
    let admin = family(&app, "boss@example.cm").await;
    drop(admin);
    app.make_admin("boss@example.cm").await;
    let c = family(&app, "cheat@example.cm").await;
    let before = subscription(&app, "cheat@example.cm").await;
    subscribe(&app, &c, "TEAM", "card").await;
    let now = Utc::now().timestamp();
    for (i, (amount, currency)) in [(100, "usd"), (9900, "eur"), (100, "usd")]
        .into_iter()
        .enumerate()
    {
        let ev = session_event(
            &format!("evt_bad_{i}"),
            "checkout.session.completed",
            "cs_test_0",
            amount,
            currency,
        );
        assert_eq!(
            deliver(&app, &ev, Some(stripe_sign(WHSEC, now, &ev))).await,
            422
        );
    }
    let (status, review): (String, bool) =
        sqlx::query_as("SELECT status, needs_review FROM payments")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), review), ("PROCESSING", true));
    assert_eq!(subscription(&app, "cheat@example.cm").await, before);
    assert_eq!(app.count("invoices").await, 0);
    // One alert to the admins, however many bad reports.
    let alerts: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE kind = 'billing_review' AND recipient = 'boss@example.cm'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(alerts, 1);
}

fn b64_hmac(key: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[sqlx::test]
async fn paytr_callbacks_are_verified_answered_ok_and_applied_once(pool: PgPool) {
    let (base, seen) = fake_paytr().await;
    let b = base.clone();
    let app = spawn_with(pool, move |c| {
        c.billing.card_gateway = CardGateway::Paytr;
        c.billing.paytr = Some(PaytrConfig {
            api_base: b,
            merchant_id: "123456".into(),
            merchant_key: Secret::new("mkey"),
            merchant_salt: Secret::new("msalt"),
            test_mode: true,
        });
    })
    .await;
    let c = family(&app, "paytr@example.cm").await;
    let (status, to) = subscribe(&app, &c, "ENTERPRISE", "card").await;
    assert_eq!(status, 200, "{to}");
    assert_eq!(to, format!("{base}/odeme/guvenli/tok123"));
    let oid = {
        let forms = seen.lock().unwrap();
        let form = &forms[0];
        let get = |k: &str| {
            form.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        // The token, recomputed here from PayTR's documented concatenation.
        let concat = format!(
            "{}{}{}{}{}{}{}{}{}{}{}",
            get("merchant_id"),
            get("user_ip"),
            get("merchant_oid"),
            get("email"),
            get("payment_amount"),
            get("user_basket"),
            get("no_installment"),
            get("max_installment"),
            get("currency"),
            get("test_mode"),
            "msalt"
        );
        assert_eq!(get("paytr_token"), b64_hmac("mkey", &concat));
        assert_eq!(
            (get("payment_amount").as_str(), get("currency").as_str()),
            ("29900", "USD")
        );
        get("merchant_oid")
    };
    assert!(oid.chars().all(|c| c.is_ascii_alphanumeric()));
    // XAF plans cannot go through PayTR: a clear refusal, nothing charged.
    let (status, body) = subscribe(&app, &c, "FAMILY_MANAGER", "card").await;
    assert_eq!(status, 502, "{body}");
    assert!(body.contains("error.card_currency"));

    let callback = |status: &str, amount: &str, hash: String| {
        vec![
            ("merchant_oid".to_string(), oid.clone()),
            ("status".to_string(), status.to_string()),
            ("total_amount".to_string(), amount.to_string()),
            ("hash".to_string(), hash),
            ("currency".to_string(), "USD".to_string()),
            ("test_mode".to_string(), "1".to_string()),
        ]
    };
    let post = |form: Vec<(String, String)>| {
        let addr = app.addr.clone();
        async move {
            let r = client()
                .post(format!("{addr}/billing/callback"))
                .form(&form)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let hash = b64_hmac("mkey", &format!("{oid}msaltsuccess29900"));
    // A bad hash: 400, nothing applied.
    let (code, _) = post(callback(
        "success",
        "29900",
        b64_hmac("other", &format!("{oid}msaltsuccess29900")),
    ))
    .await;
    assert_eq!(code, 400);
    let (code, _) = post(callback("success", "1", hash.clone())).await;
    assert_eq!(code, 400, "the amount is covered by the hash");
    // Fifty at once: every one answered OK, one effect.
    let tasks: Vec<_> = (0..50)
        .map(|_| tokio::spawn(post(callback("success", "29900", hash.clone()))))
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), (200, "OK".to_string()));
    }
    assert_eq!(app.count("invoices").await, 1);
    assert_eq!(mails(&app, "billing_paid").await, 1);
    let (status, plan, _) = subscription(&app, "paytr@example.cm").await;
    assert_eq!((status.as_str(), plan.as_str()), ("ACTIVE", "ENTERPRISE"));
    // A late failure for the same order is a no-op, still answered OK.
    let fail_hash = b64_hmac("mkey", &format!("{oid}msaltfailed29900"));
    assert_eq!(
        post(callback("failed", "29900", fail_hash)).await,
        (200, "OK".to_string())
    );
    let status: String = sqlx::query_scalar(
        "SELECT status FROM payments WHERE provider = 'paytr' AND provider_ref = $1",
    )
    .bind(&oid)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(status, "COMPLETED");
    // An unknown order is refused.
    let mut unknown = callback(
        "success",
        "29900",
        b64_hmac("mkey", "PAY2000000001msaltsuccess29900"),
    );
    unknown[0].1 = "PAY2000000001".into();
    assert_eq!(post(unknown).await.0, 404);
}

#[sqlx::test]
async fn trial_reminders_go_out_once_each_and_lapsed_plans_expire(pool: PgPool) {
    let app = spawn_app(pool).await;
    family(&app, "remind@example.cm").await;
    let config = Config::for_tests("unused", std::env::temp_dir());
    let set_end = |days: f64| {
        let pool = app.pool.clone();
        async move {
            sqlx::query(
                "UPDATE subscriptions SET current_period_end = now() + make_interval(secs => $1)",
            )
            .bind(days * 86_400.0)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    use tessera::features::billing::service::{lapse, trial_reminders};
    set_end(10.0).await;
    assert_eq!(trial_reminders(&app.pool, &config).await.unwrap(), 0);
    set_end(6.5).await;
    assert_eq!(trial_reminders(&app.pool, &config).await.unwrap(), 1);
    assert_eq!(trial_reminders(&app.pool, &config).await.unwrap(), 0);
    set_end(2.5).await;
    assert_eq!(trial_reminders(&app.pool, &config).await.unwrap(), 1);
    set_end(0.5).await;
    let (a, b) = tokio::join!(
        trial_reminders(&app.pool, &config),
        trial_reminders(&app.pool, &config)
    );
    assert_eq!(
        a.unwrap() + b.unwrap(),
        1,
        "two instances send one reminder"
    );
    assert_eq!(mails(&app, "trial_reminder").await, 3);
    set_end(-0.1).await;
    assert_eq!(lapse(&app.pool, &config).await.unwrap(), 1);
    assert_eq!(subscription(&app, "remind@example.cm").await.0, "EXPIRED");
    // A paid plan past its end is PAST_DUE first, then EXPIRED after the grace period.
    sqlx::query(
        "UPDATE subscriptions SET status = 'ACTIVE', current_period_end = now() - interval '1 day'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    lapse(&app.pool, &config).await.unwrap();
    assert_eq!(subscription(&app, "remind@example.cm").await.0, "PAST_DUE");
    assert_eq!(lapse(&app.pool, &config).await.unwrap(), 0);
    sqlx::query("UPDATE subscriptions SET current_period_end = now() - interval '8 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    lapse(&app.pool, &config).await.unwrap();
    assert_eq!(subscription(&app, "remind@example.cm").await.0, "EXPIRED");
}

#[sqlx::test]
async fn a_trial_found_late_gets_only_its_closest_reminder(pool: PgPool) {
    let app = spawn_app(pool).await;
    family(&app, "late@example.cm").await;
    let config = Config::for_tests("unused", std::env::temp_dir());
    sqlx::query("UPDATE subscriptions SET current_period_end = now() + interval '12 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    use tessera::features::billing::service::trial_reminders;
    assert_eq!(trial_reminders(&app.pool, &config).await.unwrap(), 1);
    assert_eq!(trial_reminders(&app.pool, &config).await.unwrap(), 0);
    assert_eq!(mails(&app, "trial_reminder").await, 1);
    let buckets: Vec<i32> = sqlx::query_scalar("SELECT days_before FROM trial_reminders")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        buckets,
        vec![1],
        "the one-day reminder, not the 3- and 7-day ones"
    );
}

pub(crate) async fn festival(app: &TestApp) {
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, starts_at, ends_at, capacity, price, currency, max_per_order)
         VALUES (gen_random_uuid(), 'card-fest', 'EVENT', 'Festival', 'Palais des Sports', now() + interval '10 days',
                 now() + interval '10 days 5 hours', 100, 5000, 'XAF', 10)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
}

/// Places an order for two places as a guest; returns (reference, sig).
pub(crate) async fn guest_order(app: &TestApp, c: &Client) -> (String, String) {
    let (status, to) = next(
        app,
        c,
        "place_order",
        &[
            ("slug", "card-fest"),
            ("quantity", "2"),
            ("name", "Awa Guest"),
            ("email", "guest@example.cm"),
            ("phone", "+237 677 12 34 56"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{to}");
    let rest = to.strip_prefix("/orders/").expect("order page");
    let (r, s) = rest.split_once("?sig=").expect("sig");
    (r.to_string(), s.to_string())
}

pub(crate) async fn order_state(app: &TestApp, reference: &str) -> (String, i64, Option<String>) {
    sqlx::query_as(
        "SELECT o.status, (SELECT count(*) FROM etickets t WHERE t.order_id = o.id), o.paid_via FROM orders o WHERE o.reference = $1",
    )
    .bind(reference)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn a_guest_pays_an_order_by_card_and_gets_the_tickets_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    festival(&app).await;
    let guest = client();
    let (reference, sig) = guest_order(&app, &guest).await;
    // A forged signature is refused like an unknown order.
    let (status, _) = next(
        &app,
        &guest,
        "order_card_checkout",
        &[("reference", &reference), ("sig", "forged")],
    )
    .await;
    assert_eq!(status, 404);
    let (status, to) = next(
        &app,
        &guest,
        "order_card_checkout",
        &[("reference", &reference), ("sig", &sig)],
    )
    .await;
    assert_eq!(status, 200, "{to}");
    assert!(
        to.starts_with("/billing/sandbox/PAY-") && to.contains("?sig="),
        "{to}"
    );
    let pay = reference_in(&to);
    let pay_sig = to.split("?sig=").nth(1).unwrap().to_string();
    // The guest opens the sandbox with its signature; without it, nobody does.
    let (code, html) = app.page(&guest, &to).await;
    assert_eq!(code, 200);
    assert!(html.contains("10,000\u{a0}FCFA"), "{html}");
    assert_eq!(
        app.page(&client(), &format!("/billing/sandbox/{pay}"))
            .await
            .0,
        401
    );
    let (status, to) = next(
        &app,
        &guest,
        "billing_sandbox_choose",
        &[
            ("reference", &pay),
            ("choice", "success"),
            ("sig", &pay_sig),
        ],
    )
    .await;
    assert_eq!(status, 200, "{to}");
    assert_eq!(to, format!("/orders/{reference}?sig={sig}&card=1"));
    assert_eq!(
        order_state(&app, &reference).await,
        ("TICKETS_ISSUED".into(), 2, Some("CARD".into()))
    );
    let (purpose, family): (String, Option<uuid::Uuid>) = sqlx::query_as(
        "SELECT p.purpose, i.family_id FROM payments p JOIN invoices i ON i.payment_id = p.id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((purpose.as_str(), family), ("ORDER", None));
    // One e-mail confirms it: the e-tickets, with each ticket's PDF and the invoice attached.
    assert_eq!(mails(&app, "billing_paid").await, 0);
    assert_eq!(mails(&app, "tickets_issued").await, 1);
    let attached: Vec<String> = sqlx::query_scalar(
        "SELECT a.name FROM outbox o JOIN outbox_attachments a ON a.outbox_id = o.id
         WHERE o.kind = 'tickets_issued' AND a.content_id IS NULL ORDER BY a.id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(attached.len(), 3, "{attached:?}");
    assert!(attached[0].ends_with("-1.pdf") && attached[1].ends_with("-2.pdf"));
    assert!(attached[2].starts_with("INV-") && attached[2].ends_with(".pdf"));
    // The invoice is drawn when the e-mail is sent (the number's transaction stays short): a
    // real PDF whose text carries its number (read back by poppler).
    let key: String =
        sqlx::query_scalar("SELECT a.document FROM outbox_attachments a WHERE a.name = $1")
            .bind(&attached[2])
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let bytes = tessera::platform::outbox::make_document(&app.pool, &key)
        .await
        .unwrap();
    let text = crate::helpers::pdf_text(&bytes);
    assert!(
        text.contains(attached[2].trim_end_matches(".pdf")),
        "{text}"
    );
    // Paying again is refused: the order is no longer waiting.
    let (status, _) = next(
        &app,
        &guest,
        "order_card_checkout",
        &[("reference", &reference), ("sig", &sig)],
    )
    .await;
    assert_eq!(status, 409);
}

#[sqlx::test]
async fn a_stripe_webhook_for_an_order_issues_its_tickets_once_under_concurrent_delivery(
    pool: PgPool,
) {
    let (base, _) = fake_stripe().await;
    let app = spawn_with(pool, with_stripe(base)).await;
    festival(&app).await;
    let guest = client();
    let (reference, sig) = guest_order(&app, &guest).await;
    let (_, to) = next(
        &app,
        &guest,
        "order_card_checkout",
        &[("reference", &reference), ("sig", &sig)],
    )
    .await;
    assert_eq!(to, "https://checkout.stripe.test/c/pay/cs_test_0");
    let now = Utc::now().timestamp();
    let ev = session_event(
        "evt_order",
        "checkout.session.completed",
        "cs_test_0",
        10_000,
        "xaf",
    );
    let header = stripe_sign(WHSEC, now, &ev);
    deliver_at_once(&app, &ev, &header, 20).await;
    assert_eq!(
        order_state(&app, &reference).await,
        ("TICKETS_ISSUED".into(), 2, Some("CARD".into()))
    );
    assert_eq!(app.count("invoices").await, 1);
    let issued: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE kind = 'tickets_issued'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(issued, 1);
}

#[sqlx::test]
async fn a_lost_webhook_is_made_up_for_by_polling_stripe(pool: PgPool) {
    use axum::{extract::Path, routing::get};
    // Stripe's sessions: created by POST, read back by GET; the test decides what GET says.
    let state = Arc::new(Mutex::new("open".to_string()));
    let polls = Arc::new(AtomicUsize::new(0));
    let (s, p) = (state.clone(), polls.clone());
    let fake = Router::new()
        .route(
            "/v1/checkout/sessions",
            post(|| async { Json(json!({ "id": "cs_poll_1", "url": "https://checkout.stripe.test/c/pay/cs_poll_1" })) }),
        )
        .route(
            "/v1/checkout/sessions/{id}",
            get(move |Path(id): Path<String>| {
                let (s, p) = (s.clone(), p.clone());
                async move {
                    p.fetch_add(1, Ordering::SeqCst);
                    let st = s.lock().unwrap().clone();
                    let (payment_status, status) = match st.as_str() {
                        "paid" => ("paid", "complete"),
                        "expired" => ("unpaid", "expired"),
                        _ => ("unpaid", "open"),
                    };
                    Json(json!({ "id": id, "object": "checkout.session", "status": status,
                                 "payment_status": payment_status, "amount_total": 2900, "currency": "usd" }))
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, fake).await });
    let app = spawn_with(pool, with_stripe(base)).await;
    let c = family(&app, "poll@example.cm").await;
    subscribe(&app, &c, "STARTER", "card").await;
    use tessera::features::payments::poller::{run, Change, Scope};
    let poll = || async {
        run(&app.state, Scope::Due, None)
            .await
            .unwrap()
            .count(Change::Settled)
    };
    // Too recent to poll: the webhook may still come (the first check is a minute after).
    assert_eq!(poll().await, 0);
    assert_eq!(polls.load(Ordering::SeqCst), 0);
    sqlx::query("UPDATE payments SET next_check_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    // Still open at Stripe: nothing changes, and it is not asked again at once.
    assert_eq!(poll().await, 0);
    assert_eq!(poll().await, 0);
    assert_eq!(polls.load(Ordering::SeqCst), 1);
    *state.lock().unwrap() = "paid".into();
    sqlx::query("UPDATE payments SET next_check_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(poll().await, 1);
    let (status, plan, _) = subscription(&app, "poll@example.cm").await;
    assert_eq!((status.as_str(), plan.as_str()), ("ACTIVE", "STARTER"));
    assert_eq!(app.count("invoices").await, 1);
    // The webhook arriving late changes nothing.
    let now = Utc::now().timestamp();
    let ev = session_event(
        "evt_late",
        "checkout.session.completed",
        "cs_poll_1",
        2900,
        "usd",
    );
    assert_eq!(
        deliver(&app, &ev, Some(stripe_sign(WHSEC, now, &ev))).await,
        200
    );
    assert_eq!(app.count("invoices").await, 1);
}

#[sqlx::test]
async fn families_are_offered_family_plans_and_organisations_business_plans(pool: PgPool) {
    let app = spawn_app(pool).await;
    let fam = family(&app, "fam@example.cm").await;
    let (status, body) = next(
        &app,
        &fam,
        "billing_subscribe",
        &[
            ("plan", "STARTER"),
            ("duration_days", "30"),
            ("pay_with", "card"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("plan_not_for_account"), "{body}");
    let (_, html) = app.page(&fam, "/billing/subscribe/starter").await;
    assert!(
        !html.contains("Starter"),
        "no business plan page for a family"
    );

    let org = client();
    let res = app
        .post_fn(
            &org,
            "register",
            &[
                ("name", "Ada Mbeki"),
                ("email", "org@example.cm"),
                ("phone", "+237 677 12 34 57"),
                ("password", "correct horse battery"),
                ("family_name", "Mbeki Consulting"),
                ("account_kind", "organisation"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (_, html) = app.page(&org, "/billing").await;
    assert!(html.contains(r#"data-plan="STARTER""#) && html.contains("$29.00"));
    assert!(!html.contains(r#"data-plan="FAMILY_MANAGER""#));
    let (status, to) = next(
        &app,
        &org,
        "billing_subscribe",
        &[
            ("plan", "STARTER"),
            ("duration_days", "30"),
            ("pay_with", "card"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{to}");
    let (status, _) = next(
        &app,
        &org,
        "billing_subscribe",
        &[
            ("plan", "FAMILY_MANAGER"),
            ("duration_days", "30"),
            ("pay_with", "card"),
        ],
    )
    .await;
    assert_eq!(status, 422);

    // An unknown kind is refused, with the rest of the form kept.
    let res = app
        .post_fn(
            &client(),
            "register",
            &[
                ("name", "Bad Kind"),
                ("email", "bad@example.cm"),
                ("phone", "+237 677 12 34 58"),
                ("password", "correct horse battery"),
                ("family_name", "Bad"),
                ("account_kind", "government"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'bad@example.cm'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(count, 0);
}
