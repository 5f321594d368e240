//! Paying from the phone with MTN MoMo: the app's built-in sandbox speaks MTN's Collection API
//! over HTTP (token, request to pay, status, the callback), and the provider, the poller, the
//! callback route and the waiting page are exercised against it.

use reqwest::Client;
use serde_json::{json, Value};
use sqlx::PgPool;
use tessera::{
    features::payments::poller::{self, Change, Scope},
    platform::config::{MomoConfig, OrangeConfig},
};
use uuid::Uuid;

use crate::{
    billing::{
        account_for, family, festival, guest_order, next, order_state, reference_in, subscription,
    },
    helpers::{client, spawn_at, TestApp},
    ledger::bearer,
};

async fn app_with_sandbox(pool: PgPool) -> TestApp {
    spawn_at(pool, |config, addr| {
        config.base_url = addr.to_string();
        config.mobile_money.momo = Some(MomoConfig::sandbox(addr));
    })
    .await
}

async fn app_with_both(pool: PgPool) -> TestApp {
    spawn_at(pool, |config, addr| {
        config.base_url = addr.to_string();
        config.mobile_money.momo = Some(MomoConfig::sandbox(addr));
        config.mobile_money.orange = Some(OrangeConfig::sandbox(addr));
    })
    .await
}

/// Subscribes to the family plan (15 000 FCFA, 30 days) paying from `phone`.
async fn pay_from_phone(app: &TestApp, c: &Client, plan: &str, phone: &str) -> (u16, String) {
    account_for(app, c, plan).await;
    let form = [
        ("plan", plan),
        ("duration_days", "30"),
        ("pay_with", "phone"),
        ("phone", phone),
    ];
    next(app, c, "billing_subscribe", &form).await
}

pub(crate) struct Pay {
    pub(crate) id: Uuid,
    pub(crate) status: String,
    pub(crate) provider: String,
    pub(crate) provider_ref: Option<String>,
    pub(crate) msisdn: Option<String>,
    pub(crate) needs_review: bool,
    pub(crate) failure: Option<String>,
}

pub(crate) async fn payment(app: &TestApp, reference: &str) -> Pay {
    let r: (
        Uuid,
        String,
        String,
        Option<String>,
        Option<String>,
        bool,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT id, status, provider, provider_ref, payer_msisdn, needs_review, failure_reason
             FROM payments WHERE reference = $1",
    )
    .bind(reference)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    Pay {
        id: r.0,
        status: r.1,
        provider: r.2,
        provider_ref: r.3,
        msisdn: r.4,
        needs_review: r.5,
        failure: r.6,
    }
}

/// The pretend phone's button; answers where it sends the browser.
pub(crate) async fn phone_says(app: &TestApp, id: Uuid, choice: &str, back: &str) -> (u16, String) {
    let res = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/sandbox/momo/phone/{id}", app.addr))
        .header("origin", &app.addr)
        .form(&[("choice", choice), ("back", back)])
        .send()
        .await
        .unwrap();
    let to = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (res.status().as_u16(), to)
}

async fn check(app: &TestApp, id: Uuid) -> Change {
    let report = poller::run(&app.state, Scope::Payment(id), Some(1))
        .await
        .unwrap();
    report
        .lines
        .first()
        .map_or(Change::Unchanged, |l| l.changed)
}

async fn sandbox_requests(app: &TestApp, id: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM sandbox_momo_requests WHERE reference_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str, id: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_payment_approved_on_the_phone_extends_the_subscription_without_an_admin(pool: PgPool) {
    let app = app_with_sandbox(pool).await;
    let c = family(&app, "awa@example.cm").await;
    let (_, _, before) = subscription(&app, "awa@example.cm").await;

    // The subscribe page offers the phone, with the account's own number.
    let (status, page) = app.page(&c, "/billing/subscribe/family_manager").await;
    assert_eq!(status, 200);
    assert!(page.contains("value=\"phone\""), "{page}");
    assert!(
        page.contains("237677123456"),
        "the account's number is offered"
    );

    let (status, to) = pay_from_phone(&app, &c, "FAMILY_MANAGER", "6 77 12 34 56").await;
    assert_eq!(status, 200, "{to}");
    assert!(to.starts_with("/pay/phone/PAY-"), "{to}");
    let reference = reference_in(&to);
    let p = payment(&app, &reference).await;
    assert_eq!(
        (p.status.as_str(), p.provider.as_str()),
        ("PROCESSING", "mtn_momo")
    );
    // MTN's X-Reference-Id is the payment's own id, stored before the request left.
    assert_eq!(p.provider_ref.as_deref(), Some(p.id.to_string().as_str()));
    assert_eq!(p.msisdn.as_deref(), Some("237677123456"));
    let body: Value =
        sqlx::query_scalar("SELECT body FROM sandbox_momo_requests WHERE reference_id = $1")
            .bind(p.id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(body["amount"], "15000", "XAF as whole units, a string");
    assert_eq!(body["currency"], "XAF");
    assert_eq!(body["externalId"], reference.as_str());
    assert_eq!(
        body["payer"],
        json!({"partyIdType": "MSISDN", "partyId": "237677123456"})
    );

    // The waiting page: the request, the code to dial, the countdown, a self-refresh.
    let (status, page) = app.page(&c, &to).await;
    assert_eq!(status, 200);
    assert!(page.contains("Approve the payment on your phone"), "{page}");
    assert!(page.contains("*126#"));
    assert!(page.contains("id=\"countdown\""));
    assert!(page.contains("http-equiv=\"refresh\""));
    assert!(page.contains("+2376••••456"));
    assert!(
        page.contains("id=\"sandbox-phone\""),
        "the demo phone is shown"
    );
    // Nobody else's page.
    let other = family(&app, "other@example.cm").await;
    assert_eq!(app.page(&other, &to).await.0, 404);

    // Not yet approved: the poller leaves it open.
    assert_eq!(check(&app, p.id).await, Change::Unchanged);
    assert_eq!(payment(&app, &reference).await.status, "PROCESSING");

    // Approved on the phone: MTN's callback makes the app read the status, and it settles.
    let (status, back) = phone_says(&app, p.id, "approve", &to).await;
    assert_eq!((status, back.as_str()), (303, to.as_str()));
    let mut settled = false;
    for _ in 0..50 {
        if payment(&app, &reference).await.status == "COMPLETED" {
            settled = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(settled, "the callback settles the payment");
    let (sub_status, plan, after) = subscription(&app, "awa@example.cm").await;
    assert_eq!(
        (sub_status.as_str(), plan.as_str()),
        ("ACTIVE", "FAMILY_MANAGER")
    );
    assert!(
        after >= before + chrono::Duration::days(29),
        "{before} → {after}"
    );
    let txn: Option<String> = sqlx::query_scalar("SELECT provider_txn FROM payments WHERE id = $1")
        .bind(p.id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(txn.is_some(), "MTN's financialTransactionId is kept");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM invoices WHERE payment_id = $1",
            p.id
        )
        .await,
        1
    );
    let (_, page) = app.page(&c, &to).await;
    assert!(page.contains("Payment received"), "{page}");
    assert!(
        !page.contains("http-equiv=\"refresh\""),
        "no refresh once decided"
    );
    assert!(!page.contains("id=\"sandbox-phone\""));
    // A later check changes nothing.
    assert_eq!(check(&app, p.id).await, Change::Unchanged);
}

#[sqlx::test]
async fn declined_not_enough_money_and_expired_each_say_why_and_can_be_tried_again(pool: PgPool) {
    let app = app_with_sandbox(pool).await;
    for (who, phone, choice, says) in [
        (
            "d@example.cm",
            "677000001",
            Some("decline"),
            "declined on the phone",
        ),
        (
            "n@example.cm",
            "677000002",
            Some("no_funds"),
            "not enough money",
        ),
        // MTN's sandbox number for a request that times out.
        ("e@example.cm", "46733123452", None, "not approved in time"),
    ] {
        let c = family(&app, who).await;
        let (status, to) = pay_from_phone(&app, &c, "FAMILY_MANAGER", phone).await;
        assert_eq!(status, 200, "{to}");
        let reference = reference_in(&to);
        let p = payment(&app, &reference).await;
        if let Some(choice) = choice {
            // Straight into the sandbox, so that the poller (not the callback) decides.
            let code = if choice == "decline" {
                "APPROVAL_REJECTED"
            } else {
                "NOT_ENOUGH_FUNDS"
            };
            sqlx::query("UPDATE sandbox_momo_requests SET decision = $2 WHERE reference_id = $1")
                .bind(p.id)
                .bind(code)
                .execute(&app.pool)
                .await
                .unwrap();
        }
        assert_eq!(check(&app, p.id).await, Change::Failed, "{who}");
        let p = payment(&app, &reference).await;
        assert_eq!(p.status, "FAILED");
        let (_, page) = app.page(&c, &to).await;
        assert!(page.to_lowercase().contains(says), "{says}: {page}");
        assert!(page.contains("Try again"));
        let (_, sub_status, _) = {
            let (s, p, e) = subscription(&app, who).await;
            (p, s, e)
        };
        assert_ne!(sub_status, "ACTIVE", "nothing paid");

        // Try again, with the number corrected: a new payment, a new request.
        let (status, again) = next(
            &app,
            &c,
            "phone_retry",
            &[("reference", &reference), ("phone", "677123456")],
        )
        .await;
        assert_eq!(status, 200, "{again}");
        let second = reference_in(&again);
        assert_ne!(second, reference);
        let p2 = payment(&app, &second).await;
        assert_eq!(p2.status, "PROCESSING");
        assert_eq!(p2.msisdn.as_deref(), Some("237677123456"));
        // The failed one cannot be retried twice into a loop of its own: it is still failed,
        // and an open one has nothing to retry.
        let (status, body) = next(
            &app,
            &c,
            "phone_retry",
            &[("reference", &second), ("phone", "677123456")],
        )
        .await;
        assert_eq!(status, 409, "{body}");
    }
}

#[sqlx::test]
async fn numbers_of_no_operator_and_operator_refusals_are_told_in_words(pool: PgPool) {
    let app = app_with_sandbox(pool).await;
    let c = family(&app, "awa@example.cm").await;
    app.set_lang(&c, "fr").await;
    let payments = app.count("payments").await;
    // A Nexttel number: neither MTN nor Orange; nothing is recorded; the number is kept.
    let (status, body) = pay_from_phone(&app, &c, "FAMILY_MANAGER", "662 12 34 56").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("error.wallet_operator_unknown"), "{body}");
    assert!(
        body.contains("662 12 34 56"),
        "what was typed comes back: {body}"
    );
    // An Orange number: not offered by this configuration, said so.
    let (status, body) = pay_from_phone(&app, &c, "FAMILY_MANAGER", "699123456").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("error.wallet_orange_unavailable"), "{body}");
    let (status, body) = pay_from_phone(&app, &c, "FAMILY_MANAGER", "").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("error.phone_required"), "{body}");
    assert_eq!(app.count("payments").await, payments);

    // MTN refuses the currency (a USD plan): the payment fails at once, the page says why.
    let (status, to) = pay_from_phone(&app, &c, "STARTER", "677123456").await;
    assert_eq!(status, 200, "{to}");
    let p = payment(&app, &reference_in(&to)).await;
    assert_eq!(p.status, "FAILED");
    assert_eq!(p.failure.as_deref(), Some("INVALID_CURRENCY"));
    let (_, page) = app.page(&c, &to).await;
    assert!(
        page.contains("Mobile Money n'accepte pas ce montant ou cette devise"),
        "{page}"
    );
}

#[sqlx::test]
async fn a_callback_is_only_a_hint_and_an_unknown_one_is_refused(pool: PgPool) {
    let app = app_with_sandbox(pool).await;
    let c = family(&app, "awa@example.cm").await;
    let (_, to) = pay_from_phone(&app, &c, "FAMILY_MANAGER", "677123456").await;
    let reference = reference_in(&to);
    let p = payment(&app, &reference).await;
    let http = Client::new();
    let url = format!("{}/api/payments/momo/callback", app.addr);
    // A request we never made.
    let res = http
        .put(&url)
        .json(
            &json!({"referenceId": Uuid::new_v4().to_string(), "status": "SUCCESSFUL",
                      "amount": "15000", "currency": "XAF"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    let res = http.put(&url).body("not json").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    // A forged "SUCCESSFUL" for ours: the app asks MTN, which says it is still pending.
    let res = http
        .put(&url)
        .json(
            &json!({"referenceId": p.id.to_string(), "externalId": reference,
                      "status": "SUCCESSFUL", "amount": "15000", "currency": "XAF",
                      "financialTransactionId": "999"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let p = payment(&app, &reference).await;
    assert_eq!(p.status, "PROCESSING", "the callback's word is not taken");
    let (sub_status, _, _) = subscription(&app, "awa@example.cm").await;
    assert_ne!(sub_status, "ACTIVE");
}

#[sqlx::test]
async fn callbacks_the_poller_and_an_admin_racing_make_one_settlement(pool: PgPool) {
    let app = app_with_sandbox(pool).await;
    let c = family(&app, "awa@example.cm").await;
    let _admin = family(&app, "admin@example.cm").await;
    app.make_admin("admin@example.cm").await;
    let token = bearer(&app, "admin@example.cm").await;
    let (_, before) = {
        let (_, _, e) = subscription(&app, "awa@example.cm").await;
        ((), e)
    };
    let (_, to) = pay_from_phone(&app, &c, "FAMILY_MANAGER", "677123456").await;
    let reference = reference_in(&to);
    let p = payment(&app, &reference).await;
    // Approved on the phone, without the sandbox's own callback: the racers below decide.
    sqlx::query("UPDATE sandbox_momo_requests SET decision = 'SUCCESSFUL', callback_url = NULL WHERE reference_id = $1")
        .bind(p.id)
        .execute(&app.pool)
        .await
        .unwrap();
    let mut racers = tokio::task::JoinSet::new();
    for i in 0..18 {
        let (app_state, addr, id, token) =
            (app.state.clone(), app.addr.clone(), p.id, token.clone());
        racers.spawn(async move {
            match i % 3 {
                0 => {
                    Client::new()
                        .put(format!("{addr}/api/payments/momo/callback"))
                        .json(&json!({"referenceId": id.to_string(), "status": "SUCCESSFUL"}))
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0);
                }
                1 => {
                    let _ = poller::run(&app_state, Scope::Payment(id), Some(1)).await;
                }
                _ => {
                    let code = Client::new()
                        .post(format!("{addr}/api/payments/{id}/confirm"))
                        .bearer_auth(token)
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0);
                    assert!(code == 200 || code == 409, "confirm answered {code}");
                }
            }
        });
    }
    while let Some(r) = racers.join_next().await {
        r.unwrap();
    }
    assert_eq!(payment(&app, &reference).await.status, "COMPLETED");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM invoices WHERE payment_id = $1",
            p.id
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'payment.completed' AND entity_id = $1",
            p.id
        )
        .await,
        1
    );
    let (_, _, after) = subscription(&app, "awa@example.cm").await;
    let days = (after - before).num_days();
    assert!((29..=31).contains(&days), "extended once: {days} days");
}

#[sqlx::test]
async fn a_request_mtn_never_got_is_sent_again_under_the_same_id(pool: PgPool) {
    let app = app_with_sandbox(pool).await;
    let c = family(&app, "awa@example.cm").await;
    let (_, to) = pay_from_phone(&app, &c, "FAMILY_MANAGER", "677123456").await;
    let reference = reference_in(&to);
    let p = payment(&app, &reference).await;
    // As if the request had been lost on the way.
    sqlx::query("DELETE FROM sandbox_momo_requests WHERE reference_id = $1")
        .bind(p.id)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(check(&app, p.id).await, Change::Unchanged);
    assert_eq!(
        sandbox_requests(&app, p.id).await,
        1,
        "sent again, same X-Reference-Id"
    );
    assert_eq!(payment(&app, &reference).await.status, "PROCESSING");
    // Checked again: the one request, never a second.
    assert_eq!(check(&app, p.id).await, Change::Unchanged);
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM sandbox_momo_requests")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(all, 1);
}

#[sqlx::test]
async fn mtn_out_of_reach_leaves_the_payment_pending_and_checked_again(pool: PgPool) {
    // A port nothing listens on.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let app = spawn_at(pool, move |config, addr| {
        config.base_url = addr.to_string();
        let mut momo = MomoConfig::sandbox(&format!("http://127.0.0.1:{dead}"));
        momo.sandbox = false;
        config.mobile_money.momo = Some(momo);
    })
    .await;
    let c = family(&app, "awa@example.cm").await;
    let (status, to) = pay_from_phone(&app, &c, "FAMILY_MANAGER", "677123456").await;
    assert_eq!(status, 200, "{to}");
    let reference = reference_in(&to);
    let p = payment(&app, &reference).await;
    assert_eq!(p.status, "PROCESSING", "not failed: MTN may have it");
    assert_eq!(check(&app, p.id).await, Change::Error);
    let (status, error): (String, Option<String>) =
        sqlx::query_as("SELECT status, last_check_error FROM payments WHERE id = $1")
            .bind(p.id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "PROCESSING");
    assert!(error.is_some_and(|e| e.contains("reached")));
    let (_, page) = app.page(&c, &to).await;
    assert!(page.contains("Approve the payment on your phone"));
}

#[sqlx::test]
async fn money_from_another_payer_or_of_another_amount_goes_to_review(pool: PgPool) {
    let app = app_with_sandbox(pool).await;
    for (who, field, value) in [
        ("payer@example.cm", "{payer,partyId}", "237699999999"),
        ("amount@example.cm", "{amount}", "150"),
    ] {
        let c = family(&app, who).await;
        let (_, to) = pay_from_phone(&app, &c, "FAMILY_MANAGER", "677123456").await;
        let reference = reference_in(&to);
        let p = payment(&app, &reference).await;
        sqlx::query(
            "UPDATE sandbox_momo_requests SET decision = 'SUCCESSFUL', callback_url = NULL,
                    body = jsonb_set(body, $2::text[], to_jsonb($3::text)) WHERE reference_id = $1",
        )
        .bind(p.id)
        .bind(field)
        .bind(value)
        .execute(&app.pool)
        .await
        .unwrap();
        assert_eq!(check(&app, p.id).await, Change::Review, "{who}");
        let p = payment(&app, &reference).await;
        assert!(p.needs_review, "{who}");
        assert_ne!(p.status, "COMPLETED", "{who}");
        let (sub_status, _, _) = subscription(&app, who).await;
        assert_ne!(sub_status, "ACTIVE", "{who}");
        assert_eq!(
            count(
                &app,
                "SELECT count(*) FROM alerts WHERE kind = 'billing_review' AND subject_id = $1",
                p.id
            )
            .await,
            1,
            "the admins are alerted: {who}"
        );
        let (_, page) = app.page(&c, &to).await;
        assert!(page.contains("We are checking this payment"), "{page}");
    }
}

/// Presses a button of Orange's (sandbox) payment page; answers where it sends the browser.
async fn orange_says(url: &str, origin: &str, choice: &str) -> (u16, String) {
    let res = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(url)
        .header("origin", origin)
        .form(&[("choice", choice)])
        .send()
        .await
        .unwrap();
    let to = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (res.status().as_u16(), to)
}

pub(crate) async fn wait_for(app: &TestApp, reference: &str, status: &str) -> bool {
    for _ in 0..50 {
        if payment(app, reference).await.status == status {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

#[sqlx::test]
async fn an_orange_payment_confirmed_on_oranges_page_extends_the_subscription(pool: PgPool) {
    let app = app_with_both(pool).await;
    let c = family(&app, "awa@example.cm").await;
    let (status, to) = pay_from_phone(&app, &c, "FAMILY_MANAGER", "699 12 34 56").await;
    assert_eq!(status, 200, "{to}");
    // The browser goes to Orange's payment page.
    assert!(
        to.starts_with(&format!("{}/sandbox/orange/pay/", app.addr)),
        "{to}"
    );
    let (reference,): (String,) = sqlx::query_as(
        "SELECT reference FROM payments WHERE provider = 'orange_money' ORDER BY created_at DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let p = payment(&app, &reference).await;
    assert_eq!(p.status, "PROCESSING");
    assert_eq!(p.msisdn.as_deref(), Some("237699123456"));
    let pay_token = p.provider_ref.clone().expect("pay_token kept");
    assert!(to.ends_with(&pay_token));
    // The notif_token is kept encrypted, never as Orange sent it.
    let (plain,): (String,) =
        sqlx::query_as("SELECT notif_token FROM sandbox_orange_payments WHERE pay_token = $1")
            .bind(&pay_token)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT notif_token FROM payments WHERE id = $1")
        .bind(p.id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!sealed.windows(plain.len()).any(|w| w == plain.as_bytes()));

    // The waiting page leads back to Orange's page while it waits.
    let wait = format!("/pay/phone/{reference}");
    let (_, page) = app.page(&c, &wait).await;
    assert!(page.contains("Open the Orange Money page"), "{page}");
    assert!(page.contains(&pay_token));
    let (status, page) = app.page(&c, &to.replace(&app.addr, "")).await;
    assert_eq!(status, 200);
    assert!(page.contains("15,000") || page.contains("15 000"), "{page}");

    // Confirmed: back to the waiting page; Orange's notification settles it.
    let (status, back) = orange_says(&to, &app.addr, "confirm").await;
    assert_eq!(status, 303);
    assert_eq!(back, format!("{}{wait}", app.addr));
    assert!(wait_for(&app, &reference, "COMPLETED").await, "settled");
    let (sub_status, _, _) = subscription(&app, "awa@example.cm").await;
    assert_eq!(sub_status, "ACTIVE");
    let txn: Option<String> = sqlx::query_scalar("SELECT provider_txn FROM payments WHERE id = $1")
        .bind(p.id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        txn.is_some_and(|t| t.starts_with("MP")),
        "Orange's txnid is kept"
    );
    let (_, page) = app.page(&c, &wait).await;
    assert!(page.contains("Payment received"));
}

#[sqlx::test]
async fn forged_orange_notifications_change_nothing_and_a_decline_says_so(pool: PgPool) {
    let app = app_with_both(pool).await;
    let c = family(&app, "awa@example.cm").await;
    let (_, to) = pay_from_phone(&app, &c, "FAMILY_MANAGER", "655123456").await;
    let (reference, pay_token): (String, String) = sqlx::query_as(
        "SELECT reference, provider_ref FROM payments WHERE provider = 'orange_money'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (token,): (String,) =
        sqlx::query_as("SELECT notif_token FROM sandbox_orange_payments WHERE pay_token = $1")
            .bind(&pay_token)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    // Orange has the payment confirmed, but nobody has told Tessera yet.
    sqlx::query(
        "UPDATE sandbox_orange_payments SET status = 'SUCCESS', txnid = 'MP1' WHERE pay_token = $1",
    )
    .bind(&pay_token)
    .execute(&app.pool)
    .await
    .unwrap();
    let http = Client::new();
    let notify = |r: &str| format!("{}/api/payments/orange/notify/{r}", app.addr);
    let forged = json!({"status": "SUCCESS", "notif_token": "guessed", "txnid": "MP1"});
    let res = http
        .post(notify(&reference))
        .json(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = http
        .post(notify(&reference))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let res = http
        .post(notify("PAY-2026-999999"))
        .json(&json!({"status": "SUCCESS", "notif_token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    assert_eq!(
        payment(&app, &reference).await.status,
        "PROCESSING",
        "nothing changed"
    );
    // The genuine one: the status is read back from Orange, and settles.
    let genuine = json!({"status": "SUCCESS", "notif_token": token, "txnid": "MP1"});
    let res = http
        .post(notify(&reference))
        .json(&genuine)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(payment(&app, &reference).await.status, "COMPLETED");
    let _ = to;

    // Another payment, declined on Orange's page: the poller records why.
    let d = family(&app, "decline@example.cm").await;
    let (_, to) = pay_from_phone(&app, &d, "FAMILY_MANAGER", "691234567").await;
    let (reference,): (String,) = sqlx::query_as(
        "SELECT p.reference FROM payments p JOIN users u ON u.id = p.user_id WHERE u.email = 'decline@example.cm'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE sandbox_orange_payments SET notif_url = 'http://127.0.0.1:9/' WHERE order_id = $1",
    )
    .bind(&reference)
    .execute(&app.pool)
    .await
    .unwrap();
    let (status, _) = orange_says(&to, &app.addr, "decline").await;
    assert_eq!(status, 303);
    let p = payment(&app, &reference).await;
    assert_eq!(check(&app, p.id).await, Change::Failed);
    let (_, page) = app.page(&d, &format!("/pay/phone/{reference}")).await;
    assert!(
        page.contains("The payment was declined on the phone."),
        "{page}"
    );
}

pub(crate) async fn order_payments(app: &TestApp, order: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.reference = $1",
    )
    .bind(order)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn a_guest_pays_an_order_from_the_phone_and_the_e_tickets_follow_once(pool: PgPool) {
    let app = app_with_both(pool).await;
    festival(&app).await;
    let guest = client();
    let (order, sig) = guest_order(&app, &guest).await;
    let order_page = format!("/orders/{order}?sig={sig}");

    // The order page offers the phone, with the number the buyer gave.
    let (status, page) = app.page(&guest, &order_page).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"pay-phone\""), "{page}");
    assert!(page.contains("f-order-phone"));

    // A forged link pays nothing; a number of no operator is refused and kept.
    let forged = [
        ("reference", order.as_str()),
        ("sig", "forged"),
        ("phone", "677123456"),
    ];
    assert_eq!(next(&app, &guest, "order_phone_pay", &forged).await.0, 404);
    let res = app
        .post_fn(
            &guest,
            "order_phone_pay",
            &[("reference", &order), ("sig", &sig), ("phone", "12345")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("12345"), "kept");
    assert_eq!(order_payments(&app, &order).await, 0);

    // An MTN number: the request goes to the phone, the guest waits on a signed page.
    let form = [
        ("reference", order.as_str()),
        ("sig", sig.as_str()),
        ("phone", "677123456"),
    ];
    let (status, to) = next(&app, &guest, "order_phone_pay", &form).await;
    assert_eq!(status, 200, "{to}");
    assert!(
        to.starts_with("/pay/phone/PAY-") && to.contains("?sig="),
        "{to}"
    );
    let reference = reference_in(&to);
    let p = payment(&app, &reference).await;
    assert_eq!(
        (p.status.as_str(), p.provider.as_str()),
        ("PROCESSING", "mtn_momo")
    );
    let body: Value =
        sqlx::query_scalar("SELECT body FROM sandbox_momo_requests WHERE reference_id = $1")
            .bind(p.id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(body["amount"], "10000", "two places of 5 000 FCFA");
    // Asked again (a double click, a second tab): the same payment, never a second request.
    let (_, again) = next(&app, &guest, "order_phone_pay", &form).await;
    assert_eq!(again, to);
    assert_eq!(sandbox_requests(&app, p.id).await, 1);
    assert_eq!(order_payments(&app, &order).await, 1);
    let (_, page) = app.page(&guest, &order_page).await;
    assert!(
        page.contains(&to.replace('&', "&amp;")),
        "the order page leads back to the payment under way"
    );

    // The waiting page opens with its signature (no account needed), for nobody without it.
    let stranger = client();
    let (status, page) = app.page(&stranger, &to).await;
    assert_eq!(status, 200);
    assert!(page.contains("Approve the payment on your phone"), "{page}");
    assert!(page.contains("Back to the order"));
    let bare = format!("/pay/phone/{reference}");
    assert_eq!(app.page(&stranger, &bare).await.0, 401);
    assert_eq!(
        app.page(&stranger, &format!("{bare}?sig=forged")).await.0,
        401
    );
    let member = family(&app, "nosy@example.cm").await;
    assert_eq!(app.page(&member, &bare).await.0, 404);

    // Approved on the phone: the order is paid and its e-tickets issued, without an admin.
    phone_says(&app, p.id, "approve", &to).await;
    assert!(wait_for(&app, &reference, "COMPLETED").await);
    assert_eq!(
        order_state(&app, &order).await,
        ("TICKETS_ISSUED".into(), 2, Some("MOBILE_MONEY".into()))
    );
    // The poller looking again (a late callback) issues nothing more.
    assert_eq!(check(&app, p.id).await, Change::Unchanged);
    assert_eq!(order_state(&app, &order).await.1, 2);
    let (_, page) = app.page(&stranger, &to).await;
    assert!(page.contains("your order is paid"), "{page}");
    assert!(!page.contains("http-equiv=\"refresh\""));
    let (_, page) = app.page(&guest, &order_page).await;
    assert!(!page.contains("id=\"pay-phone\""), "paid: no more paying");
}

#[sqlx::test]
async fn a_declined_order_payment_says_why_and_the_order_can_be_paid_again(pool: PgPool) {
    let app = app_with_both(pool).await;
    festival(&app).await;
    let guest = client();
    let (order, sig) = guest_order(&app, &guest).await;
    let form = [
        ("reference", order.as_str()),
        ("sig", sig.as_str()),
        ("phone", "677123456"),
    ];
    let (_, to) = next(&app, &guest, "order_phone_pay", &form).await;
    let reference = reference_in(&to);
    let p = payment(&app, &reference).await;
    phone_says(&app, p.id, "no_funds", &to).await;
    assert!(wait_for(&app, &reference, "FAILED").await);
    let (_, page) = app.page(&guest, &to).await;
    assert!(page.contains("not enough money"), "{page}");
    assert!(
        page.contains(&format!("/orders/{order}?sig=")),
        "back to the order"
    );
    assert_eq!(order_state(&app, &order).await.0, "PAYMENT_PENDING");
    // The order page offers the phone again; a new request is a new payment.
    let (_, page) = app
        .page(&guest, &format!("/orders/{order}?sig={sig}"))
        .await;
    assert!(page.contains("f-order-phone"), "{page}");
    let (status, again) = next(&app, &guest, "order_phone_pay", &form).await;
    assert_eq!(status, 200);
    assert_ne!(reference_in(&again), reference);
    assert_eq!(order_payments(&app, &order).await, 2);
}

/// A stand-in for Notch Pay's API (its wire format): payments opened with the public key, their
/// status read back; `complete` flips one to paid as the payer would on Notch Pay's page.
#[derive(Clone, Default)]
pub(crate) struct NotchStandIn {
    payments: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, (i64, String)>>>,
}

impl NotchStandIn {
    pub(crate) async fn start(&self) -> String {
        use axum::{
            extract::{Path, State},
            http::{HeaderMap, StatusCode},
            routing::{get, post},
            Json, Router,
        };
        async fn open(
            State(s): State<NotchStandIn>,
            h: HeaderMap,
            Json(b): Json<Value>,
        ) -> (StatusCode, Json<Value>) {
            if h.get("authorization").and_then(|v| v.to_str().ok()) != Some("pk_test") {
                return (StatusCode::UNAUTHORIZED, Json(json!({"code": 401})));
            }
            let reference = format!("trx.{}", b["reference"].as_str().unwrap_or_default());
            let amount = b["amount"].as_i64().unwrap_or(-1);
            s.payments
                .lock()
                .unwrap()
                .insert(reference.clone(), (amount, "pending".into()));
            (
                StatusCode::CREATED,
                Json(json!({
                    "code": 201,
                    "transaction": {"reference": reference, "status": "pending", "amount": amount, "currency": "XAF"},
                    "authorization_url": format!("https://pay.notchpay.co/{reference}"),
                })),
            )
        }
        async fn status(
            State(s): State<NotchStandIn>,
            h: HeaderMap,
            Path(reference): Path<String>,
        ) -> (StatusCode, Json<Value>) {
            if h.get("authorization").and_then(|v| v.to_str().ok()) != Some("pk_test") {
                return (StatusCode::UNAUTHORIZED, Json(json!({"code": 401})));
            }
            match s.payments.lock().unwrap().get(&reference) {
                Some((amount, status)) => (
                    StatusCode::OK,
                    Json(
                        json!({"transaction": {"reference": reference, "status": status, "amount": amount, "currency": "XAF"}}),
                    ),
                ),
                None => (StatusCode::NOT_FOUND, Json(json!({"code": 404}))),
            }
        }
        let app = Router::new()
            .route("/payments", post(open))
            .route("/payments/{reference}", get(status))
            .with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        format!("http://{addr}")
    }

    pub(crate) fn set(&self, reference: &str, status: &str) {
        if let Some(p) = self.payments.lock().unwrap().get_mut(reference) {
            p.1 = status.into();
        }
    }
}

pub(crate) fn notch_signed(body: &str, key: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

async fn notch_webhook(app: &TestApp, body: &str, signature: &str) -> u16 {
    notch_webhook_at(app, "/api/payments/notchpay/webhook", body, signature).await
}

/// Posts a Notch Pay webhook to `path`, signed with `signature`; answers the status.
pub(crate) async fn notch_webhook_at(
    app: &TestApp,
    path: &str,
    body: &str,
    signature: &str,
) -> u16 {
    Client::new()
        .post(format!("{}{path}", app.addr))
        .header("content-type", "application/json")
        .header("x-notch-signature", signature)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[sqlx::test]
async fn without_an_operator_contract_notch_pay_takes_the_payment_and_only_signed_webhooks_count(
    pool: PgPool,
) {
    let notch = NotchStandIn::default();
    let base = notch.start().await;
    let app = spawn_at(pool, |config, addr| {
        config.base_url = addr.to_string();
        config.mobile_money.notch = Some(tessera::platform::config::NotchConfig {
            api_base: base.clone(),
            public_key: tessera::platform::config::Secret::new("pk_test"),
            hash_key: tessera::platform::config::Secret::new("hash_test"),
        });
    })
    .await;
    let c = family(&app, "awa@example.cm").await;
    let (status, to) = pay_from_phone(&app, &c, "FAMILY_MANAGER", "677 12 34 56").await;
    assert_eq!(status, 200, "{to}");
    let (reference,): (String,) = sqlx::query_as(
        "SELECT reference FROM payments WHERE provider = 'notchpay' ORDER BY created_at DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let p = payment(&app, &reference).await;
    let trx = format!("trx.{reference}");
    assert_eq!(p.provider_ref.as_deref(), Some(trx.as_str()));
    assert_eq!(
        to,
        format!("https://pay.notchpay.co/{trx}"),
        "the payer finishes on Notch Pay's page"
    );
    assert_eq!(p.status, "PROCESSING");
    let (_, page) = app.page(&c, &format!("/pay/phone/{reference}")).await;
    assert!(
        page.contains("Open the payment page") && page.contains(&trx),
        "{page}"
    );

    // A webhook saying "complete" with a bad signature, or signed but for a payment Notch Pay
    // has not seen paid: nothing is settled.
    let body = json!({"event": "payment.complete", "data": {"reference": trx, "status": "complete", "amount": 15000, "currency": "XAF"}}).to_string();
    assert_eq!(
        notch_webhook(&app, &body, &notch_signed(&body, "wrong")).await,
        403
    );
    assert_eq!(notch_webhook(&app, &body, "").await, 403);
    assert_eq!(
        notch_webhook(&app, &body, &notch_signed(&body, "hash_test")).await,
        200
    );
    assert_eq!(
        payment(&app, &reference).await.status,
        "PROCESSING",
        "Notch Pay still says pending"
    );
    let unknown =
        json!({"event": "payment.complete", "data": {"reference": "trx.PAY-1999-000001"}})
            .to_string();
    assert_eq!(
        notch_webhook(&app, &unknown, &notch_signed(&unknown, "hash_test")).await,
        404
    );

    // Paid on Notch Pay's page: the signed webhook makes Tessera read it back and settle once.
    notch.set(&trx, "complete");
    assert_eq!(
        notch_webhook(&app, &body, &notch_signed(&body, "hash_test")).await,
        200
    );
    assert_eq!(
        notch_webhook(&app, &body, &notch_signed(&body, "hash_test")).await,
        200
    );
    let p = payment(&app, &reference).await;
    assert_eq!(p.status, "COMPLETED");
    let (sub_status, _, _) = subscription(&app, "awa@example.cm").await;
    assert_eq!(sub_status, "ACTIVE");
    let invoices = count(
        &app,
        "SELECT count(*) FROM invoices WHERE payment_id = $1",
        p.id,
    )
    .await;
    assert_eq!(invoices, 1);
}
