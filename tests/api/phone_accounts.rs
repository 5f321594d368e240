//! An organiser's own operator accounts (`/settings/mobile-money`): saved sealed, checked against
//! the operator over HTTP (the built-in MTN sandbox, a Notch Pay stand-in), used for the
//! payments of their events, kept from everyone else, removed.

use reqwest::Client;
use serde_json::json;
use sqlx::PgPool;
use tessera::platform::config::MomoConfig;
use uuid::Uuid;

use crate::{
    billing::{family, festival, guest_order, next, order_state, reference_in},
    helpers::{spawn_at, TestApp},
    mobile_money::{
        notch_signed, notch_webhook_at, order_payments, payment, phone_says, wait_for, NotchStandIn,
    },
};

/// `email` signs up and organises the festival.
async fn organiser(app: &TestApp, email: &str) -> Client {
    let c = family(app, email).await;
    sqlx::query(
        "UPDATE events SET organiser_id = (SELECT id FROM users WHERE email = $1) WHERE slug = 'card-fest'",
    )
    .bind(email)
    .execute(&app.pool)
    .await
    .unwrap();
    c
}

async fn save(app: &TestApp, c: &Client, form: &[(&str, &str)]) -> (u16, String) {
    let res = app.post_fn(c, "save_phone_account", form).await;
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

/// (status, check_error, credentials) of `email`'s account with `provider`.
async fn stored(
    app: &TestApp,
    email: &str,
    provider: &str,
) -> Option<(Uuid, String, Option<String>, Option<Vec<u8>>)> {
    sqlx::query_as(
        "SELECT a.id, a.status, a.check_error, a.credentials FROM provider_accounts a
         JOIN users u ON u.id = a.owner_id WHERE u.email = $1 AND a.provider = $2",
    )
    .bind(email)
    .bind(provider)
    .fetch_optional(&app.pool)
    .await
    .unwrap()
}

async fn account_of(app: &TestApp, reference: &str) -> Option<Uuid> {
    sqlx::query_scalar("SELECT provider_account FROM payments WHERE reference = $1")
        .bind(reference)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

const MTN_OK: [(&str, &str); 5] = [
    ("provider", "mtn_momo"),
    ("environment", "builtin"),
    ("api_user", "tessera-sandbox"),
    ("api_key", "sandbox"),
    ("subscription_key", "sandbox"),
];

#[sqlx::test]
async fn an_organisers_own_mtn_account_is_sealed_checked_and_takes_their_events_payments(
    pool: PgPool,
) {
    let app = spawn_at(pool, |config, addr| {
        config.base_url = addr.to_string();
        config.mobile_money.momo = Some(MomoConfig::sandbox(addr));
    })
    .await;
    festival(&app).await;
    let org = organiser(&app, "org@example.cm").await;

    // Someone who organises nothing has no such page, and saves nothing.
    let member = family(&app, "member@example.cm").await;
    assert_eq!(app.page(&member, "/settings/mobile-money").await.0, 403);
    assert_eq!(save(&app, &member, &MTN_OK).await.0, 403);
    assert!(stored(&app, "member@example.cm", "mtn_momo")
        .await
        .is_none());

    let (status, page) = app.page(&org, "/settings/mobile-money").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("MTN Mobile Money") && page.contains("Notch Pay"),
        "{page}"
    );
    assert!(
        page.contains("Built-in sandbox"),
        "the demo offers the built-in sandbox"
    );

    // Missing fields are refused in words, the public name kept, nothing stored.
    let (status, body) = save(
        &app,
        &org,
        &[
            ("provider", "mtn_momo"),
            ("environment", "builtin"),
            ("api_user", "my-user"),
            ("api_key", ""),
            ("subscription_key", "has space"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("my-user"), "{body}");
    assert!(body.contains("credential_required") || body.contains("credential_invalid"));
    assert!(stored(&app, "org@example.cm", "mtn_momo").await.is_none());

    // Credentials MTN refuses: saved, checked at once, and not used.
    let mut wrong = MTN_OK;
    wrong[3] = ("api_key", "not-the-key");
    assert_eq!(save(&app, &org, &wrong).await.0, 200);
    let (_, status, problem, _) = stored(&app, "org@example.cm", "mtn_momo").await.unwrap();
    assert_eq!(
        (status.as_str(), problem.as_deref()),
        ("DISCONNECTED", Some("CREDENTIALS"))
    );
    let (_, page) = app.page(&org, "/settings/mobile-money").await;
    assert!(page.contains("data-status=\"refused\""), "{page}");
    assert!(page.contains("The operator refused these credentials"));

    // The right ones: the connection works, and the secrets are sealed at rest.
    assert_eq!(save(&app, &org, &MTN_OK).await.0, 200);
    let (account, status, problem, sealed) =
        stored(&app, "org@example.cm", "mtn_momo").await.unwrap();
    assert_eq!((status.as_str(), problem), ("CONNECTED", None));
    let sealed = sealed.unwrap();
    for plain in [&b"sandbox"[..], b"api_key", b"tessera-sandbox"] {
        assert!(!sealed.windows(plain.len()).any(|w| w == plain), "sealed");
    }
    let (_, page) = app.page(&org, "/settings/mobile-money").await;
    assert!(page.contains("data-status=\"working\""), "{page}");
    assert!(page.contains("tessera-sandbox"), "the API user is shown");
    let inputs: Vec<&str> = page
        .split("<input")
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or_default())
        .collect();
    assert!(
        inputs.iter().all(|t| !t.contains("value=\"sandbox\"")),
        "secrets are never shown: {inputs:?}"
    );

    // Saved again with the secrets left blank: they are kept, and the check passes again.
    let keep = [
        ("provider", "mtn_momo"),
        ("environment", "builtin"),
        ("api_user", "tessera-sandbox"),
        ("api_key", ""),
        ("subscription_key", ""),
    ];
    assert_eq!(save(&app, &org, &keep).await.0, 200);
    assert_eq!(
        stored(&app, "org@example.cm", "mtn_momo").await.unwrap().1,
        "CONNECTED"
    );
    let res = app
        .post_fn(&org, "check_phone_account", &[("provider", "mtn_momo")])
        .await;
    assert_eq!(res.status().as_u16(), 200);

    // Another organiser sees none of it, and checks or removes nothing of it.
    let other = family(&app, "other@example.cm").await;
    app.make_admin("other@example.cm").await;
    let (_, page) = app.page(&other, "/settings/mobile-money").await;
    assert!(!page.contains("tessera-sandbox\u{3c}"), "{page}");
    assert!(page.contains("data-status=\"none\""));
    let res = app
        .post_fn(&other, "check_phone_account", &[("provider", "mtn_momo")])
        .await;
    assert_eq!(res.status().as_u16(), 404);
    app.post_fn(&other, "remove_phone_account", &[("provider", "mtn_momo")])
        .await;
    assert!(stored(&app, "org@example.cm", "mtn_momo")
        .await
        .unwrap()
        .3
        .is_some());

    // A guest's order for the organiser's event is asked through the organiser's account.
    let guest = crate::helpers::client();
    let (order, sig) = guest_order(&app, &guest).await;
    let form = [
        ("reference", order.as_str()),
        ("sig", sig.as_str()),
        ("phone", "677123456"),
    ];
    let (status, to) = next(&app, &guest, "order_phone_pay", &form).await;
    assert_eq!(status, 200, "{to}");
    let reference = reference_in(&to);
    assert_eq!(account_of(&app, &reference).await, Some(account));
    let p = payment(&app, &reference).await;
    phone_says(&app, p.id, "approve", &to).await;
    assert!(wait_for(&app, &reference, "COMPLETED").await);
    assert_eq!(order_state(&app, &order).await.1, 2, "the e-tickets follow");

    // Removed: the credentials are forgotten, and the next order goes to the site's account.
    let res = app
        .post_fn(&org, "remove_phone_account", &[("provider", "mtn_momo")])
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let (_, status, _, sealed) = stored(&app, "org@example.cm", "mtn_momo").await.unwrap();
    assert_eq!((status.as_str(), sealed), ("DISCONNECTED", None));
    let (order, sig) = guest_order(&app, &guest).await;
    let form = [
        ("reference", order.as_str()),
        ("sig", sig.as_str()),
        ("phone", "677123456"),
    ];
    let (_, to) = next(&app, &guest, "order_phone_pay", &form).await;
    assert_eq!(account_of(&app, &reference_in(&to)).await, None);
    assert_eq!(order_payments(&app, &order).await, 1);
}

async fn account_webhook(app: &TestApp, account: Uuid, body: &str, signature: &str) -> u16 {
    let path = format!("/api/payments/notchpay/webhook/{account}");
    notch_webhook_at(app, &path, body, signature).await
}

#[sqlx::test]
async fn an_organisers_notch_pay_account_takes_payments_the_site_cannot_and_signs_its_own_webhooks(
    pool: PgPool,
) {
    let notch = NotchStandIn::default();
    let base = notch.start().await;
    // The site has no operator at all: only the organiser's account takes phones.
    let app = spawn_at(pool, |config, addr| {
        config.base_url = addr.to_string();
        config.mobile_money.endpoints.notch = base.clone();
    })
    .await;
    festival(&app).await;
    let org = organiser(&app, "org@example.cm").await;
    let guest = crate::helpers::client();
    let (order, sig) = guest_order(&app, &guest).await;
    let order_page = format!("/orders/{order}?sig={sig}");
    assert!(!app
        .page(&guest, &order_page)
        .await
        .1
        .contains("id=\"pay-phone\""));

    // The built-in sandbox is only for the demo, and Notch Pay has none.
    let (status, body) = save(
        &app,
        &org,
        &[
            ("provider", "notchpay"),
            ("environment", "builtin"),
            ("public_key", "pk_test"),
            ("hash_key", "org_hash"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("builtin_unavailable"), "{body}");

    // A key Notch Pay does not know is refused by the check; the right one works.
    let mut form = [
        ("provider", "notchpay"),
        ("environment", "sandbox"),
        ("public_key", "pk_unknown"),
        ("hash_key", "org_hash"),
    ];
    assert_eq!(save(&app, &org, &form).await.0, 200);
    assert_eq!(
        stored(&app, "org@example.cm", "notchpay")
            .await
            .unwrap()
            .2
            .as_deref(),
        Some("CREDENTIALS")
    );
    assert!(!app
        .page(&guest, &order_page)
        .await
        .1
        .contains("id=\"pay-phone\""));
    form[2] = ("public_key", "pk_test");
    assert_eq!(save(&app, &org, &form).await.0, 200);
    let (account, status, problem, _) = stored(&app, "org@example.cm", "notchpay").await.unwrap();
    assert_eq!((status.as_str(), problem), ("CONNECTED", None));
    let (_, page) = app.page(&org, "/settings/mobile-money").await;
    assert!(
        page.contains(&format!("/api/payments/notchpay/webhook/{account}")),
        "the page gives the account's webhook address"
    );

    // The order can now be paid from the phone, through the organiser's Notch Pay.
    assert!(app
        .page(&guest, &order_page)
        .await
        .1
        .contains("id=\"pay-phone\""));
    let pay = [
        ("reference", order.as_str()),
        ("sig", sig.as_str()),
        ("phone", "699123456"),
    ];
    let (status, to) = next(&app, &guest, "order_phone_pay", &pay).await;
    assert_eq!(status, 200, "{to}");
    assert!(to.starts_with("https://pay.notchpay.co/trx."), "{to}");
    let (reference,): (String,) =
        sqlx::query_as("SELECT reference FROM payments WHERE provider = 'notchpay'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(account_of(&app, &reference).await, Some(account));
    let trx = format!("trx.{reference}");

    // Its webhook counts only when signed with its own hash key, and at its own address.
    notch.set(&trx, "complete");
    let body = json!({"event": "payment.complete", "data": {"reference": trx}}).to_string();
    assert_eq!(
        account_webhook(&app, account, &body, &notch_signed(&body, "hash_test")).await,
        403
    );
    assert_eq!(
        account_webhook(
            &app,
            Uuid::new_v4(),
            &body,
            &notch_signed(&body, "org_hash")
        )
        .await,
        404
    );
    let site = Client::new()
        .post(format!("{}/api/payments/notchpay/webhook", app.addr))
        .header("x-notch-signature", notch_signed(&body, "org_hash"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        site.status().as_u16(),
        404,
        "the site has no Notch Pay of its own"
    );
    assert_eq!(payment(&app, &reference).await.status, "PROCESSING");
    assert_eq!(
        account_webhook(&app, account, &body, &notch_signed(&body, "org_hash")).await,
        200
    );
    assert_eq!(payment(&app, &reference).await.status, "COMPLETED");
    assert_eq!(order_state(&app, &order).await.1, 2);
}
