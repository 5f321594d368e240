//! SumUp per organiser and the provider poller (seed 004), against a local server that speaks
//! SumUp's wire format: the OAuth token endpoint (authorization code and refresh grants),
//! `/v0.1/me`, checkouts created and read with SumUp's field names and statuses, refunds, and
//! the failures a real one has (401 on an expired token, 429, 500, slow answers).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Form, Json, Router,
};
use reqwest::Client;
use serde_json::{json, Value};
use sqlx::PgPool;
use tessera::{
    features::payments::poller::{self, Change, Kind, Scope},
    platform::config::{CardGateway, Config, Secret, SumUpConfig},
};

use crate::helpers::{client, spawn_with, TestApp};

pub const MERCHANT: &str = "MH4H92C7";

/// What the fake answers to the next checkout reads, before it answers normally.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fault {
    TooMany,
    ServerError,
    Slow,
}

#[derive(Default)]
pub struct Fake {
    /// Access tokens SumUp still honours.
    pub access: Vec<String>,
    /// Refresh tokens SumUp still honours.
    pub refresh: Vec<String>,
    /// id → checkout JSON as SumUp writes it.
    pub checkouts: HashMap<String, Value>,
    pub faults: Vec<Fault>,
    pub refunds: Vec<(String, f64)>,
    pub created: usize,
    pub refreshed: usize,
    pub reads: usize,
    pub issued: usize,
}

pub type Shared = Arc<Mutex<Fake>>;

fn bearer(h: &HeaderMap) -> String {
    h.get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string()
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "error_code": "NOT_AUTHORIZED", "message": "Invalid access token" })),
    )
        .into_response()
}

fn tokens(f: &mut Fake) -> Value {
    f.issued += 1;
    let (a, r) = (format!("at-{}", f.issued), format!("rt-{}", f.issued));
    f.access.push(a.clone());
    f.refresh.push(r.clone());
    json!({ "access_token": a, "token_type": "Bearer", "expires_in": 3599, "refresh_token": r, "scope": "payments" })
}

async fn token(State(s): State<Shared>, Form(form): Form<HashMap<String, String>>) -> Response {
    let mut f = s.lock().unwrap();
    if form.get("client_id").map(String::as_str) != Some("tessera-client")
        || form.get("client_secret").map(String::as_str) != Some("tessera-secret")
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "invalid_client" })),
        )
            .into_response();
    }
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") if form.get("code").map(String::as_str) == Some("good-code") => {
            Json(tokens(&mut f)).into_response()
        }
        Some("refresh_token") => {
            let rt = form.get("refresh_token").cloned().unwrap_or_default();
            if let Some(i) = f.refresh.iter().position(|r| *r == rt) {
                // Refresh tokens rotate: the old one is spent.
                f.refresh.remove(i);
                f.refreshed += 1;
                Json(tokens(&mut f)).into_response()
            } else {
                (
                    StatusCode::BAD_REQUEST,
                    Json(json!({ "error": "invalid_grant", "error_description": "refresh token revoked" })),
                )
                    .into_response()
            }
        }
        _ => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_grant" })),
        )
            .into_response(),
    }
}

async fn me(State(s): State<Shared>, h: HeaderMap) -> Response {
    let f = s.lock().unwrap();
    if !f.access.contains(&bearer(&h)) {
        return unauthorized();
    }
    Json(json!({ "merchant_profile": { "merchant_code": MERCHANT, "country": "GB" } }))
        .into_response()
}

async fn create(State(s): State<Shared>, h: HeaderMap, Json(b): Json<Value>) -> Response {
    let mut f = s.lock().unwrap();
    if !f.access.contains(&bearer(&h)) {
        return unauthorized();
    }
    let reference = b["checkout_reference"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if f.checkouts
        .values()
        .any(|c| c["checkout_reference"] == reference.as_str())
    {
        return (
            StatusCode::CONFLICT,
            Json(json!({ "error_code": "DUPLICATED_CHECKOUT", "message": "Checkout with this checkout reference already exists" })),
        )
            .into_response();
    }
    f.created += 1;
    let id = format!("chk-{}", f.created);
    let checkout = json!({
        "id": id, "checkout_reference": reference, "amount": b["amount"], "currency": b["currency"],
        "merchant_code": b["merchant_code"], "description": b["description"], "status": "PENDING",
        "valid_until": b["valid_until"], "return_url": b["return_url"], "redirect_url": b["redirect_url"],
        "transactions": [], "hosted_checkout": { "enabled": true },
        "hosted_checkout_url": format!("https://checkout.sumup.test/pay/{id}"),
    });
    f.checkouts.insert(id, checkout.clone());
    (StatusCode::CREATED, Json(checkout)).into_response()
}

async fn read(State(s): State<Shared>, h: HeaderMap, Path(id): Path<String>) -> Response {
    let fault = {
        let mut f = s.lock().unwrap();
        if !f.access.contains(&bearer(&h)) {
            return unauthorized();
        }
        f.reads += 1;
        (!f.faults.is_empty()).then(|| f.faults.remove(0))
    };
    match fault {
        Some(Fault::TooMany) => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                Json(json!({ "error_code": "TOO_MANY_REQUESTS", "message": "slow down" })),
            )
                .into_response()
        }
        Some(Fault::ServerError) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "upstream error").into_response()
        }
        Some(Fault::Slow) => tokio::time::sleep(Duration::from_secs(4)).await,
        None => {}
    }
    let f = s.lock().unwrap();
    match f.checkouts.get(&id) {
        Some(c) => Json(c.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error_code": "NOT_FOUND", "message": "Resource not found" })),
        )
            .into_response(),
    }
}

async fn refund(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(txn): Path<String>,
    Json(b): Json<Value>,
) -> Response {
    let mut f = s.lock().unwrap();
    if !f.access.contains(&bearer(&h)) {
        return unauthorized();
    }
    f.refunds
        .push((txn, b["amount"].as_f64().unwrap_or_default()));
    StatusCode::NO_CONTENT.into_response()
}

/// Starts the fake; answers its base address and its state.
pub async fn fake_sumup() -> (String, Shared) {
    let shared: Shared = Arc::new(Mutex::new(Fake::default()));
    let app = Router::new()
        .route("/token", post(token))
        .route("/v0.1/me", get(me))
        .route("/v0.1/checkouts", post(create))
        .route("/v0.1/checkouts/{id}", get(read))
        .route("/v0.1/me/refund/{txn}", post(refund))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, shared)
}

pub fn with_sumup(base: String) -> impl FnOnce(&mut Config) {
    move |c: &mut Config| {
        // No other card provider: card payments go to the organiser's SumUp account.
        c.billing.card_gateway = CardGateway::None;
        c.http_timeout_secs = 2;
        c.sumup = Some(SumUpConfig {
            authorize_url: format!("{base}/authorize"),
            token_url: format!("{base}/token"),
            api_base: base,
            client_id: "tessera-client".into(),
            client_secret: Secret::new("tessera-secret"),
            scopes: "payments".into(),
            sandbox: false,
        });
    }
}

/// Marks a checkout at the fake as paid (`amount` in major units) or gives it `status`.
pub fn set_paid(s: &Shared, reference: &str, amount: f64) {
    let mut f = s.lock().unwrap();
    let c = f
        .checkouts
        .values_mut()
        .find(|c| c["checkout_reference"] == reference)
        .expect("checkout");
    c["status"] = json!("PAID");
    c["amount"] = json!(amount);
    c["transaction_id"] = json!("txn-1");
    c["transactions"] = json!([{ "id": "txn-1", "transaction_code": "TXN1", "status": "SUCCESSFUL", "amount": amount, "currency": c["currency"] }]);
}

pub fn set_status(s: &Shared, reference: &str, status: &str) {
    let mut f = s.lock().unwrap();
    let c = f
        .checkouts
        .values_mut()
        .find(|c| c["checkout_reference"] == reference)
        .expect("checkout");
    c["status"] = json!(status);
}

/// An admin (the organiser) signed in; answers their client.
pub async fn organiser(app: &TestApp) -> Client {
    let c = client();
    assert_eq!(
        app.register(&c, "organiser@example.cm")
            .await
            .status()
            .as_u16(),
        200
    );
    app.make_admin("organiser@example.cm").await;
    c
}

/// Runs the OAuth flow as `c`: connect → (SumUp) → callback with the state it was given.
pub async fn connect(app: &TestApp, c: &Client) -> reqwest::Response {
    let res = c
        .get(format!("{}/settings/sumup/connect", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "connect redirects to SumUp");
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let url = reqwest::Url::parse(&to).unwrap();
    let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], "tessera-client");
    assert!(q["redirect_uri"].ends_with("/settings/sumup/callback"));
    c.get(format!(
        "{}/settings/sumup/callback?code=good-code&state={}",
        app.addr, q["state"]
    ))
    .send()
    .await
    .unwrap()
}

/// A festival in GBP organised by the admin who connected SumUp.
pub async fn gbp_festival(app: &TestApp) {
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, starts_at, ends_at, capacity, price, currency, max_per_order, organiser_id)
         VALUES (gen_random_uuid(), 'jersey-fest', 'EVENT', 'Jersey Live', 'Royal Square', now() + interval '10 days',
                 now() + interval '10 days 5 hours', 100, 2500, 'GBP', 10,
                 (SELECT id FROM users WHERE email = 'organiser@example.cm'))",
    )
    .execute(&app.pool)
    .await
    .unwrap();
}

/// Places an order for two places as a guest; answers (reference, sig).
pub async fn order(app: &TestApp, c: &Client) -> (String, String) {
    let res = app
        .post_fn(
            c,
            "place_order",
            &[
                ("slug", "jersey-fest"),
                ("quantity", "2"),
                ("name", "Guest Buyer"),
                ("email", "buyer@example.je"),
                ("phone", "+44 7700 900123"),
            ],
        )
        .await;
    let to: String = res.json().await.unwrap();
    let rest = to.strip_prefix("/orders/").expect("order page");
    let (r, s) = rest.split_once("?sig=").expect("sig");
    (r.to_string(), s.to_string())
}

/// Presses "Pay by card"; answers (status, where the browser goes).
pub async fn pay_by_card(app: &TestApp, c: &Client, reference: &str, sig: &str) -> (u16, String) {
    let res = app
        .post_fn(
            c,
            "order_card_checkout",
            &[("reference", reference), ("sig", sig)],
        )
        .await;
    let status = res.status().as_u16();
    let body = res.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str::<String>(&body).unwrap_or(body),
    )
}

pub async fn order_status(app: &TestApp, reference: &str) -> String {
    sqlx::query_scalar("SELECT status FROM orders WHERE reference = $1")
        .bind(reference)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

/// The buyer comes back from SumUp to the order's page (`card=1`).
pub async fn come_back(app: &TestApp, c: &Client, reference: &str, sig: &str) -> Value {
    app.post_fn(
        c,
        "order",
        &[("reference", reference), ("sig", sig), ("card", "1")],
    )
    .await
    .json()
    .await
    .unwrap()
}

/// Connects, places an order and starts its SumUp checkout: (reference, sig, buyer).
async fn paying(app: &TestApp) -> (String, String, Client) {
    let admin = organiser(app).await;
    let res = connect(app, &admin).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        "/settings/sumup?connected=1"
    );
    gbp_festival(app).await;
    let buyer = client();
    let (reference, sig) = order(app, &buyer).await;
    let (status, to) = pay_by_card(app, &buyer, &reference, &sig).await;
    assert_eq!(status, 200, "{to}");
    assert!(
        to.starts_with("https://checkout.sumup.test/pay/chk-"),
        "{to}"
    );
    (reference, sig, buyer)
}

async fn cycle(app: &TestApp) -> poller::Report {
    poller::cycle(&app.state, Kind::Manual, Scope::Due, None)
        .await
        .unwrap()
}

/// Makes every open payment due now (the cycle's schedule is tested on its own).
async fn due_now(app: &TestApp) {
    sqlx::query("UPDATE payments SET next_check_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
}

#[sqlx::test]
async fn an_organiser_connects_sumup_and_forged_or_replayed_callbacks_are_refused(pool: PgPool) {
    let (base, fake) = fake_sumup().await;
    let app = spawn_with(pool, with_sumup(base)).await;
    let admin = organiser(&app).await;
    // A callback whose state this site never gave out.
    let forged = admin
        .get(format!(
            "{}/settings/sumup/callback?code=good-code&state=forged",
            app.addr
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 400);
    assert_eq!(
        count(&app, "SELECT count(*) FROM provider_accounts").await,
        0
    );
    // Another user cannot use the admin's state either.
    let res = admin
        .get(format!("{}/settings/sumup/connect", app.addr))
        .send()
        .await
        .unwrap();
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let state = reqwest::Url::parse(&to)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let other = client();
    app.register(&other, "someone@example.cm").await;
    let stolen = other
        .get(format!(
            "{}/settings/sumup/callback?code=good-code&state={state}",
            app.addr
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(stolen.status().as_u16(), 400);
    // The real flow connects; its state then cannot be replayed.
    let res = connect(&app, &admin).await;
    assert_eq!(res.headers()["location"], "/settings/sumup?connected=1");
    let replay = admin
        .get(format!(
            "{}/settings/sumup/callback?code=good-code&state={state}",
            app.addr
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        replay.status().as_u16(),
        303,
        "the admin's own earlier state is still fresh"
    );
    let replay = admin
        .get(format!(
            "{}/settings/sumup/callback?code=good-code&state={state}",
            app.addr
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status().as_u16(), 400, "a state works once");
    // Tokens are kept encrypted: neither appears in the database.
    let (merchant, access, refresh): (String, Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT merchant_code, access_token, refresh_token FROM provider_accounts")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(merchant, MERCHANT);
    let issued: Vec<String> = {
        let f = fake.lock().unwrap();
        f.access.iter().chain(f.refresh.iter()).cloned().collect()
    };
    for t in &issued {
        assert!(!access.windows(t.len()).any(|w| w == t.as_bytes()));
        assert!(!refresh.windows(t.len()).any(|w| w == t.as_bytes()));
    }
    // The settings page says so; a member may not open it.
    let page: Value = app
        .post_fn(&admin, "sumup_settings", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["connected"], true);
    assert_eq!(page["merchant_code"], MERCHANT);
    assert_eq!(
        app.post_fn(&other, "sumup_settings", &[])
            .await
            .status()
            .as_u16(),
        403
    );
    let declined = admin
        .get(format!(
            "{}/settings/sumup/callback?error=access_denied&state=x",
            app.addr
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        declined.headers()["location"],
        "/settings/sumup?error=sumup.declined"
    );
}

#[sqlx::test]
async fn a_sumup_payment_is_verified_by_polling_and_settled_once(pool: PgPool) {
    let (base, fake) = fake_sumup().await;
    let app = spawn_with(pool, with_sumup(base)).await;
    let (reference, sig, buyer) = paying(&app).await;
    {
        let f = fake.lock().unwrap();
        let c = f.checkouts.values().next().unwrap();
        assert_eq!(c["checkout_reference"], reference.as_str());
        assert_eq!(c["amount"], 50.0);
        assert_eq!(c["currency"], "GBP");
        assert_eq!(c["merchant_code"], MERCHANT);
        assert!(
            c["valid_until"].is_string(),
            "the checkout expires with the order"
        );
        assert!(c["redirect_url"]
            .as_str()
            .unwrap()
            .contains(&format!("/orders/{reference}")));
    }
    // Coming back proves nothing: the order waits for verification.
    let view = come_back(&app, &buyer, &reference, &sig).await;
    assert_eq!(view["status"], "PENDING_VERIFICATION");
    assert_eq!(view["verifying"], true);
    assert_eq!(order_status(&app, &reference).await, "PENDING_VERIFICATION");
    // Still pending at SumUp: a cycle changes nothing.
    due_now(&app).await;
    let r = cycle(&app).await;
    assert_eq!((r.lines.len(), r.count(Change::Unchanged)), (1, 1));
    assert_eq!(order_status(&app, &reference).await, "PENDING_VERIFICATION");
    // Paid: the next cycle settles it, once.
    set_paid(&fake, &reference, 50.0);
    due_now(&app).await;
    assert_eq!(cycle(&app).await.count(Change::Settled), 1);
    due_now(&app).await;
    assert_eq!(cycle(&app).await.lines.len(), 0, "nothing left to check");
    assert_eq!(order_status(&app, &reference).await, "TICKETS_ISSUED");
    assert_eq!(count(&app, "SELECT count(*) FROM etickets").await, 2);
    assert_eq!(count(&app, "SELECT count(*) FROM invoices").await, 1);
    // One confirmation e-mail, with both tickets' PDFs and the invoice's.
    assert_eq!(
        count(&app, "SELECT count(*) FROM outbox WHERE recipient = 'buyer@example.je' AND kind IN ('tickets_issued', 'billing_paid')").await,
        1
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM outbox_attachments a JOIN outbox o ON o.id = a.outbox_id WHERE o.kind = 'tickets_issued' AND a.content_type = 'application/pdf'").await,
        3
    );
    let (txn, provider): (Option<String>, String) =
        sqlx::query_as("SELECT provider_txn, provider FROM payments")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (txn.as_deref(), provider.as_str()),
        (Some("txn-1"), "sumup")
    );
    // The page now shows the outcome.
    let view = come_back(&app, &buyer, &reference, &sig).await;
    assert_eq!(view["verifying"], false);
    assert_eq!(view["tickets"].as_array().unwrap().len(), 2);
    // A cycle is recorded for the admins' page.
    assert!(count(&app, "SELECT count(*) FROM poll_cycles").await >= 3);
}

#[sqlx::test]
async fn the_wrong_amount_goes_to_manual_review_with_one_critical_alert(pool: PgPool) {
    let (base, fake) = fake_sumup().await;
    let app = spawn_with(pool, with_sumup(base)).await;
    let (reference, sig, buyer) = paying(&app).await;
    come_back(&app, &buyer, &reference, &sig).await;
    set_paid(&fake, &reference, 5.0);
    due_now(&app).await;
    assert_eq!(cycle(&app).await.count(Change::Review), 1);
    assert_eq!(
        order_status(&app, &reference).await,
        "REQUIRES_MANUAL_REVIEW"
    );
    assert_eq!(count(&app, "SELECT count(*) FROM etickets").await, 0);
    let (amount, reported): (i64, Option<i64>) =
        sqlx::query_as("SELECT amount, provider_amount FROM payments")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((amount, reported), (5000, Some(500)));
    // Flagged payments are no longer polled; the alert went once, marked critical.
    due_now(&app).await;
    assert_eq!(cycle(&app).await.lines.len(), 0);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM alerts WHERE kind = 'billing_review' AND critical"
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM outbox WHERE kind = 'billing_review' AND recipient = 'organiser@example.cm'").await,
        1
    );
    // The admin sees both amounts and completes it with a reason, through the settle path.
    let admin = client();
    app.login(&admin, "organiser@example.cm", "correct horse battery")
        .await;
    let overview: Value = app
        .post_fn(&admin, "verification", &[])
        .await
        .json()
        .await
        .unwrap();
    let row = &overview["review"][0];
    assert_eq!(row["expected"], "£50.00");
    assert_eq!(row["reported"], "£5.00");
    let id = row["id"].as_str().unwrap().to_string();
    let refused = app
        .post_fn(
            &admin,
            "verification_resolve",
            &[("payment_id", &id), ("action", "complete"), ("reason", "")],
        )
        .await;
    assert_eq!(refused.status().as_u16(), 422, "a reason is required");
    let done = app
        .post_fn(
            &admin,
            "verification_resolve",
            &[
                ("payment_id", &id),
                ("action", "complete"),
                ("reason", "paid the rest in cash"),
            ],
        )
        .await;
    assert!(done.status().is_success() || done.status().is_redirection());
    assert_eq!(order_status(&app, &reference).await, "TICKETS_ISSUED");
    assert_eq!(
        count(&app, "SELECT count(*) FROM audit_log WHERE action = 'payment.confirmed' AND details->>'reason' = 'paid the rest in cash'").await,
        1
    );
}

#[sqlx::test]
async fn a_declined_payment_fails_the_order_and_tells_the_buyer(pool: PgPool) {
    let (base, fake) = fake_sumup().await;
    let app = spawn_with(pool, with_sumup(base)).await;
    let (reference, sig, buyer) = paying(&app).await;
    come_back(&app, &buyer, &reference, &sig).await;
    set_status(&fake, &reference, "FAILED");
    due_now(&app).await;
    assert_eq!(cycle(&app).await.count(Change::Failed), 1);
    assert_eq!(order_status(&app, &reference).await, "FAILED");
    // Its places are back on sale, and the buyer hears why.
    assert_eq!(count(&app, "SELECT sold::bigint FROM events").await, 0);
    assert_eq!(
        count(&app, "SELECT count(*) FROM outbox WHERE kind = 'billing_failed' AND recipient = 'buyer@example.je'").await,
        1
    );
}

#[sqlx::test]
async fn an_order_unverified_after_three_hours_expires_and_gives_its_places_back(pool: PgPool) {
    let (base, fake) = fake_sumup().await;
    let app = spawn_with(pool, with_sumup(base)).await;
    let (reference, sig, buyer) = paying(&app).await;
    come_back(&app, &buyer, &reference, &sig).await;
    assert_eq!(count(&app, "SELECT sold::bigint FROM events").await, 2);
    sqlx::query("UPDATE payments SET created_at = now() - interval '181 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    due_now(&app).await;
    assert_eq!(cycle(&app).await.count(Change::Expired), 1);
    assert_eq!(order_status(&app, &reference).await, "EXPIRED");
    assert_eq!(count(&app, "SELECT sold::bigint FROM events").await, 0);
    let (status, reason): (String, Option<String>) =
        sqlx::query_as("SELECT status, failure_reason FROM payments")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), reason.as_deref()),
        ("CANCELLED", Some("expired"))
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM alerts WHERE kind = 'payment_expired'"
        )
        .await,
        1
    );
    // The buyer paid at the last minute after all: SumUp's notice goes to review, not to a
    // silently lost order (nor to tickets for places already back on sale).
    set_paid(&fake, &reference, 50.0);
    let checkout: String = sqlx::query_scalar("SELECT provider_ref FROM payments")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let hook = client()
        .post(format!("{}/api/payments/sumup/webhook", app.addr))
        .json(&json!({ "event_type": "CHECKOUT_STATUS_CHANGED", "id": checkout }))
        .send()
        .await
        .unwrap();
    assert!(hook.status().is_success());
    let (status, review): (String, bool) =
        sqlx::query_as("SELECT status, needs_review FROM payments")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), review), ("CANCELLED", true));
    assert_eq!(count(&app, "SELECT count(*) FROM etickets").await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM alerts WHERE kind = 'billing_review'"
        )
        .await,
        1
    );
    assert_eq!(
        order_status(&app, &reference).await,
        "REQUIRES_MANUAL_REVIEW"
    );
}

#[sqlx::test]
async fn provider_errors_leave_the_payment_untouched_and_are_retried_with_backoff(pool: PgPool) {
    let (base, fake) = fake_sumup().await;
    let app = spawn_with(pool, with_sumup(base)).await;
    let (reference, sig, buyer) = paying(&app).await;
    come_back(&app, &buyer, &reference, &sig).await;
    set_paid(&fake, &reference, 50.0);
    for fault in [Fault::TooMany, Fault::ServerError, Fault::Slow] {
        fake.lock().unwrap().faults.push(fault);
        due_now(&app).await;
        let r = cycle(&app).await;
        assert_eq!(r.count(Change::Error), 1, "{fault:?}");
        assert_eq!(order_status(&app, &reference).await, "PENDING_VERIFICATION");
        let (status, error, later): (String, Option<String>, bool) = sqlx::query_as(
            "SELECT status, last_check_error, next_check_at > now() + interval '20 seconds' FROM payments",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(status, "PROCESSING");
        assert!(error.is_some(), "{fault:?} is logged");
        assert!(later, "{fault:?}: tried again later, not at once");
    }
    // The provider answers again: settled.
    due_now(&app).await;
    assert_eq!(cycle(&app).await.count(Change::Settled), 1);
}

#[sqlx::test]
async fn an_access_token_that_expires_mid_cycle_is_refreshed_once_and_the_cycle_goes_on(
    pool: PgPool,
) {
    let (base, fake) = fake_sumup().await;
    let app = spawn_with(pool, with_sumup(base)).await;
    let admin = organiser(&app).await;
    connect(&app, &admin).await;
    gbp_festival(&app).await;
    let mut orders = Vec::new();
    for _ in 0..4 {
        let buyer = client();
        let (r, s) = order(&app, &buyer).await;
        assert_eq!(pay_by_card(&app, &buyer, &r, &s).await.0, 200);
        come_back(&app, &buyer, &r, &s).await;
        orders.push(r);
    }
    for r in &orders {
        set_paid(&fake, r, 50.0);
    }
    // SumUp stops honouring the access token (it expired early).
    fake.lock().unwrap().access.clear();
    due_now(&app).await;
    let report = cycle(&app).await;
    assert_eq!(report.count(Change::Settled), 4, "{report:?}");
    assert_eq!(
        fake.lock().unwrap().refreshed,
        1,
        "one refresh for the whole cycle"
    );
    for r in &orders {
        assert_eq!(order_status(&app, r).await, "TICKETS_ISSUED");
    }
}

#[sqlx::test]
async fn a_revoked_refresh_token_disconnects_the_organiser_and_changes_no_order(pool: PgPool) {
    let (base, fake) = fake_sumup().await;
    let app = spawn_with(pool, with_sumup(base)).await;
    let (reference, sig, buyer) = paying(&app).await;
    come_back(&app, &buyer, &reference, &sig).await;
    set_paid(&fake, &reference, 50.0);
    {
        let mut f = fake.lock().unwrap();
        f.access.clear();
        f.refresh.clear();
    }
    due_now(&app).await;
    assert_eq!(cycle(&app).await.count(Change::Error), 1);
    assert_eq!(order_status(&app, &reference).await, "PENDING_VERIFICATION");
    let status: String = sqlx::query_scalar("SELECT status FROM provider_accounts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "DISCONNECTED");
    assert_eq!(
        count(&app, "SELECT count(*) FROM outbox WHERE kind = 'sumup_reconnect' AND recipient = 'organiser@example.cm'").await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM alerts WHERE kind = 'sumup_disconnected'"
        )
        .await,
        1
    );
    // Checked again: still nothing changes, and nobody is alerted twice.
    due_now(&app).await;
    cycle(&app).await;
    assert_eq!(order_status(&app, &reference).await, "PENDING_VERIFICATION");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM alerts WHERE kind = 'sumup_disconnected'"
        )
        .await,
        1
    );
    // The organiser reconnects; the next check settles the order.
    let admin = client();
    app.login(&admin, "organiser@example.cm", "correct horse battery")
        .await;
    let page: Value = app
        .post_fn(&admin, "sumup_settings", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["connected"], false);
    connect(&app, &admin).await;
    due_now(&app).await;
    assert_eq!(cycle(&app).await.count(Change::Settled), 1);
}

#[sqlx::test]
async fn a_checkout_of_another_merchant_is_never_settled(pool: PgPool) {
    let (base, fake) = fake_sumup().await;
    let app = spawn_with(pool, with_sumup(base)).await;
    let (reference, sig, buyer) = paying(&app).await;
    come_back(&app, &buyer, &reference, &sig).await;
    set_paid(&fake, &reference, 50.0);
    for c in fake.lock().unwrap().checkouts.values_mut() {
        c["merchant_code"] = json!("SOMEONE_ELSE");
    }
    due_now(&app).await;
    let r = cycle(&app).await;
    assert_eq!(r.count(Change::Error), 1);
    assert_eq!(order_status(&app, &reference).await, "PENDING_VERIFICATION");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM payments WHERE status = 'COMPLETED'"
        )
        .await,
        0
    );
}

#[sqlx::test]
async fn an_order_has_one_open_checkout_however_often_pay_is_pressed(pool: PgPool) {
    let (base, fake) = fake_sumup().await;
    let app = spawn_with(pool, with_sumup(base)).await;
    let admin = organiser(&app).await;
    connect(&app, &admin).await;
    gbp_festival(&app).await;
    let buyer = client();
    let (reference, sig) = order(&app, &buyer).await;
    let presses: Vec<_> = (0..5)
        .map(|_| {
            let (app_addr, r, s) = (app.addr.clone(), reference.clone(), sig.clone());
            tokio::spawn(async move {
                client()
                    .post(format!("{app_addr}/fn/order_card_checkout"))
                    .header("origin", &app_addr)
                    .form(&[("reference", r.as_str()), ("sig", s.as_str())])
                    .send()
                    .await
                    .unwrap()
                    .json::<String>()
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut urls = Vec::new();
    for p in presses {
        urls.push(p.await.unwrap());
    }
    urls.dedup();
    assert_eq!(urls.len(), 1, "{urls:?}");
    assert_eq!(fake.lock().unwrap().created, 1);
    // The order's page offers the open checkout, not a new one.
    let view: Value = app
        .post_fn(&buyer, "order", &[("reference", &reference), ("sig", &sig)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["card_open"], urls[0].as_str());
}

#[sqlx::test]
async fn two_pollers_a_webhook_the_return_page_and_an_admin_settle_an_order_once(pool: PgPool) {
    let (base, fake) = fake_sumup().await;
    let app = spawn_with(pool.clone(), with_sumup(base.clone())).await;
    let second = spawn_with(pool, with_sumup(base)).await;
    let (reference, sig, buyer) = paying(&app).await;
    set_paid(&fake, &reference, 50.0);
    due_now(&app).await;
    let (payment, checkout): (uuid::Uuid, String) =
        sqlx::query_as("SELECT id, provider_ref FROM payments")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let http = client();
    let token: Value = http
        .post(format!("{}/api/auth/token", app.addr))
        .json(&json!({ "email": "organiser@example.cm", "password": "correct horse battery" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = token["data"]["token"].as_str().unwrap().to_string();
    let (a, b) = (app.state.clone(), second.state.clone());
    let webhook = http
        .post(format!("{}/api/payments/sumup/webhook", second.addr))
        .json(&json!({ "event_type": "CHECKOUT_STATUS_CHANGED", "id": checkout }))
        .send();
    let confirm = http
        .post(format!("{}/api/payments/{payment}/confirm", app.addr))
        .bearer_auth(&bearer)
        .send();
    let (r1, r2, hook, back, manual) = tokio::join!(
        poller::cycle(&a, Kind::Scheduled, Scope::Due, None),
        poller::cycle(&b, Kind::Scheduled, Scope::Due, None),
        webhook,
        come_back(&second, &buyer, &reference, &sig),
        confirm,
    );
    let settled = r1.unwrap().count(Change::Settled) + r2.unwrap().count(Change::Settled);
    assert!(settled <= 1, "{settled}");
    assert!(hook.unwrap().status().is_success());
    let _ = (back, manual.unwrap().status());
    assert_eq!(order_status(&app, &reference).await, "TICKETS_ISSUED");
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM payments WHERE status = 'COMPLETED'"
        )
        .await,
        1
    );
    assert_eq!(count(&app, "SELECT count(*) FROM invoices").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM etickets").await, 2);
    assert_eq!(
        count(&app, "SELECT count(*) FROM outbox WHERE recipient = 'buyer@example.je' AND kind IN ('tickets_issued', 'billing_paid')").await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'payment.completed'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn a_cancelled_sumup_order_is_refunded_through_sumup(pool: PgPool) {
    let (base, fake) = fake_sumup().await;
    let app = spawn_with(pool, with_sumup(base)).await;
    let (reference, sig, buyer) = paying(&app).await;
    come_back(&app, &buyer, &reference, &sig).await;
    set_paid(&fake, &reference, 50.0);
    due_now(&app).await;
    cycle(&app).await;
    let admin = client();
    app.login(&admin, "organiser@example.cm", "correct horse battery")
        .await;
    app.post_fn(
        &admin,
        "cancel_order",
        &[("reference", &reference), ("reason", "event moved")],
    )
    .await;
    let refund_status: Option<String> =
        sqlx::query_scalar("SELECT refund_status FROM orders WHERE reference = $1")
            .bind(&reference)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(refund_status.as_deref(), Some("REFUND_REQUIRED"));
    // The admin asks for the refund: SumUp is asked, and the order moves once it accepted.
    app.post_fn(
        &admin,
        "refund_initiated",
        &[("reference", &reference), ("refund_id", "")],
    )
    .await;
    assert_eq!(
        fake.lock().unwrap().refunds,
        vec![("txn-1".to_string(), 50.0)]
    );
    let (status, refund_id): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT refund_status, refund_id FROM orders WHERE reference = $1")
            .bind(&reference)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status.as_deref(), Some("REFUND_INITIATED"));
    assert!(refund_id.unwrap().starts_with("sumup-txn-1-"));
    let (pstatus, refunded): (String, i64) =
        sqlx::query_as("SELECT status, refunded_amount FROM payments")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((pstatus.as_str(), refunded), ("REFUNDED", 5000));
}

#[sqlx::test]
async fn the_waiting_buyer_is_checked_every_few_seconds_and_pausing_stops_the_poller(pool: PgPool) {
    let (base, fake) = fake_sumup().await;
    let app = spawn_with(pool, with_sumup(base)).await;
    let (reference, sig, buyer) = paying(&app).await;
    // Before the buyer is back, the payment is not due (its first check is a minute away).
    tessera::features::payments::poller::tick(&app.state)
        .await
        .unwrap();
    assert_eq!(fake.lock().unwrap().reads, 0);
    // Back on the page: the waiting lane checks it on the next tick.
    come_back(&app, &buyer, &reference, &sig).await;
    set_paid(&fake, &reference, 50.0);
    // Paused by an admin: nothing is asked.
    let admin = client();
    app.login(&admin, "organiser@example.cm", "correct horse battery")
        .await;
    app.post_fn(&admin, "verification_pause", &[("pause", "1")])
        .await;
    tessera::features::payments::poller::tick(&app.state)
        .await
        .unwrap();
    assert_eq!(fake.lock().unwrap().reads, 0);
    assert_eq!(order_status(&app, &reference).await, "PENDING_VERIFICATION");
    app.post_fn(&admin, "verification_pause", &[("pause", "0")])
        .await;
    tessera::features::payments::poller::tick(&app.state)
        .await
        .unwrap();
    assert_eq!(order_status(&app, &reference).await, "TICKETS_ISSUED");
    // The health endpoints report the poller.
    let ready: Value = client()
        .get(format!("{}/health/ready", app.addr))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["poller"]["paused"], false);
    assert!(ready["poller"]["last_cycle_at"].is_string());
    let audit = count(
        &app,
        "SELECT count(*) FROM audit_log WHERE action IN ('poller.paused', 'poller.resumed')",
    )
    .await;
    assert_eq!(audit, 2);
}

/// Two instances of the app on one database, each running the whole job runner
/// (`jobs::run_once`: outbox, digest, order monitor, poller, refunds, reminders, lapses) at the
/// same moments, as two machines would: the payment is read from SumUp once and settled once,
/// its tickets are issued once, and every e-mail reaches the SMTP server once.
#[sqlx::test]
async fn two_instances_running_every_job_at_once_do_each_piece_of_work_once(pool: PgPool) {
    use tessera::{
        platform::{
            config::{SmtpConfig, SmtpSecurity},
            outbox::Mailer,
        },
        startup::jobs::run_once,
    };
    let smtp = crate::helpers::SmtpServer::start(0).await;
    let (base, fake) = fake_sumup().await;
    let instance = |name: &'static str| {
        let (base, port) = (base.clone(), smtp.port);
        move |c: &mut Config| {
            with_sumup(base)(c);
            c.instance = name.into();
            c.smtp = Some(SmtpConfig {
                host: "127.0.0.1".into(),
                port,
                username: None,
                password: None,
                security: SmtpSecurity::None,
            });
        }
    };
    let one = spawn_with(pool.clone(), instance("one")).await;
    let two = spawn_with(pool, instance("two")).await;
    let (reference, _, _) = paying(&one).await;
    set_paid(&fake, &reference, 50.0);
    due_now(&one).await;
    for i in 0..12 {
        two.register(&client(), &format!("family{i}@example.cm"))
            .await;
    }
    let reads = fake.lock().unwrap().reads;
    let (m1, m2) = (
        Mailer::from_config(&one.state.config).unwrap(),
        Mailer::from_config(&two.state.config).unwrap(),
    );
    for _ in 0..3 {
        tokio::join!(run_once(&one.state, &m1), run_once(&two.state, &m2));
    }

    assert_eq!(order_status(&one, &reference).await, "TICKETS_ISSUED");
    assert_eq!(
        fake.lock().unwrap().reads - reads,
        1,
        "SumUp was asked once"
    );
    for (sql, expected) in [
        (
            "SELECT count(*) FROM payments WHERE status = 'COMPLETED'",
            1,
        ),
        (
            "SELECT count(*) FROM audit_log WHERE action = 'payment.completed'",
            1,
        ),
        ("SELECT count(*) FROM invoices", 1),
        ("SELECT count(*) FROM etickets", 2),
        ("SELECT count(*) FROM poll_cycles WHERE settled > 0", 1),
    ] {
        assert_eq!(count(&one, sql).await, expected, "{sql}");
    }
    let outbox = count(&one, "SELECT count(*) FROM outbox").await;
    let sent = count(&one, "SELECT count(*) FROM outbox WHERE status = 'SENT'").await;
    assert!(outbox > 12, "{outbox}");
    assert_eq!(sent, outbox, "every message went out");
    let received = smtp.received().await;
    assert_eq!(received.len() as i64, outbox, "and each one once");
    let log = count(
        &one,
        "SELECT count(DISTINCT outbox_id) FROM notification_log WHERE success",
    )
    .await;
    assert_eq!(log, outbox);
    let twice = count(
        &one,
        "SELECT count(*) FROM (SELECT outbox_id FROM notification_log WHERE success
                                GROUP BY outbox_id HAVING count(*) > 1) t",
    )
    .await;
    assert_eq!(twice, 0, "no message was sent twice");
    // Both instances ran every job each time, and say so on /metrics.
    for app in [&one, &two] {
        let text = app.state.metrics.render();
        assert!(
            text.contains(r#"tessera_job_runs_total{job="poller",outcome="ok"} 3"#),
            "{text}"
        );
        assert!(text.contains(r#"tessera_job_runs_total{job="outbox",outcome="ok"} 3"#));
    }
}
