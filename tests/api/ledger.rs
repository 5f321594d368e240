//! The admin side of billing: the ledger with filters, analytics and CSV, refunds against the
//! payment and the wallet, subscriptions changed by hand, and the seed's `/api/payments…`.

use reqwest::Client;
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::billing::{choose, family, next, reference_in, subscribe, subscription};
use crate::helpers::{client, spawn_app, TestApp};

pub async fn bearer(app: &TestApp, email: &str) -> String {
    let body: Value = Client::new()
        .post(format!("{}/api/auth/token", app.addr))
        .json(&json!({ "email": email, "password": "correct horse battery" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["data"]["token"].as_str().expect("token").to_string()
}

/// A family with one paid top-up (20 000 FCFA), one wallet-paid plan and one declined card.
async fn activity(app: &TestApp, email: &str) -> (Client, String, String) {
    let c = family(app, email).await;
    let (_, to) = next(
        app,
        &c,
        "billing_top_up",
        &[("amount", "20000"), ("currency", "XAF")],
    )
    .await;
    let topup = reference_in(&to);
    choose(app, &c, &topup, "success").await;
    let (_, to) = subscribe(app, &c, "FAMILY_MANAGER", "wallet").await;
    let plan = reference_in(&to);
    let (_, to) = subscribe(app, &c, "TEAM", "card").await;
    let declined = reference_in(&to);
    choose(app, &c, &declined, "fail").await;
    (c, topup, plan)
}

/// A refused call: its status, and the message key it answers with.
fn refused((status, body): (u16, String), code: u16, key: &str) {
    assert_eq!(status, code, "{body}");
    assert!(body.contains(key), "{key} in {body}");
}

async fn admin(app: &TestApp) -> Client {
    let a = family(app, "admin@example.cm").await;
    app.make_admin("admin@example.cm").await;
    a
}

async fn payment_id(app: &TestApp, reference: &str) -> String {
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM payments WHERE reference = $1")
        .bind(reference)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    id.to_string()
}

async fn balance(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COALESCE(sum(balance), 0)::bigint FROM wallets")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn only_admins_reach_the_ledger_with_its_filters_analytics_and_csv(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (member, topup, _) = activity(&app, "fam@example.cm").await;
    let a = admin(&app).await;
    assert_eq!(app.page(&member, "/admin/payments").await.0, 403);
    assert_eq!(app.page(&client(), "/admin/payments").await.0, 401);
    let csv = member
        .get(format!("{}/admin/payments.csv", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status().as_u16(), 403);

    let (code, html) = app.page(&a, "/admin/payments").await;
    assert_eq!(code, 200);
    assert!(html.contains(&format!(r#"data-reference="{topup}""#)));
    assert!(
        html.contains(r#"data-stat="count" class="stat-value">3<"#),
        "{html}"
    );
    assert!(html.contains(r#"data-stat="success" class="stat-value">66.7 %<"#));
    assert!(html.contains(r#"data-stat="failure" class="stat-value">33.3 %<"#));
    assert!(html.contains("<svg") && html.contains("class=\"chart\""));
    let (_, html) = app.page(&a, "/admin/payments?status=FAILED").await;
    assert_eq!(html.matches("data-reference=\"PAY-").count(), 1);
    let (_, html) = app
        .page(&a, "/admin/payments?purpose=TOPUP&group=month")
        .await;
    assert!(html.contains(&format!(r#"data-reference="{topup}""#)));
    assert_eq!(html.matches("data-reference=\"PAY-").count(), 1);
    // Reversed dates are refused with a message, not a 500.
    let (code, html) = app
        .page(&a, "/admin/payments?from=2026-12-01&to=2026-01-01")
        .await;
    assert_eq!(code, 422, "{html}");

    let res = a
        .get(format!("{}/admin/payments.csv?status=COMPLETED", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = res.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert!(lines[0].starts_with("\u{feff}reference,created_at,family"));
    assert_eq!(lines.len(), 3, "{body}");
    // The amount is a number for the spreadsheet, not quoted text.
    assert!(
        body.contains(&topup) && body.contains(",20000,0,XAF,"),
        "{body}"
    );
}

#[sqlx::test]
async fn refunds_are_partial_or_full_and_recorded_against_the_wallet(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (c, topup, plan) = activity(&app, "refund@example.cm").await;
    let a = admin(&app).await;
    assert_eq!(balance(&app).await, 5_000);
    let plan_id = payment_id(&app, &plan).await;
    let topup_id = payment_id(&app, &topup).await;
    // The refund form offers only where each payment's money came from.
    let (_, html) = app.page(&a, "/admin/payments").await;
    let row = |reference: &str| {
        let start = html
            .find(&format!(r#"data-reference="{reference}""#))
            .expect("ledger row");
        html[start..start + html[start..].find("</tr>").expect("row end")].to_string()
    };
    let (topup_row, plan_row) = (row(&topup), row(&plan));
    assert!(topup_row.contains(r#"value="card""#) && !topup_row.contains(r#"value="wallet""#));
    assert!(plan_row.contains(r#"value="wallet""#) && !plan_row.contains(r#"value="card""#));
    let refund = |id: &str, amount: &str, destination: &str, reason: &str| {
        let form = [
            ("payment_id", id.to_string()),
            ("amount", amount.to_string()),
            ("destination", destination.to_string()),
            ("reason", reason.to_string()),
        ];
        let (app, a) = (&app, &a);
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            next(app, a, "admin_refund", &form).await
        }
    };
    // Part of the wallet-paid plan back to the wallet.
    let (status, body) = refund(&plan_id, "5000", "wallet", "goodwill").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(balance(&app).await, 10_000);
    refused(
        refund(&plan_id, "10001", "wallet", "too much").await,
        422,
        "error.refund_too_much",
    );
    // It was paid from the wallet: no card was charged, so none is refunded.
    refused(
        refund(&plan_id, "10000", "card", "cancelled").await,
        422,
        "error.refund_destination",
    );
    let (status, body) = refund(&plan_id, "10000", "wallet", "cancelled").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(balance(&app).await, 20_000);
    let (st, refunded): (String, i64) =
        sqlx::query_as("SELECT status, refunded_amount FROM payments WHERE reference = $1")
            .bind(&plan)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((st.as_str(), refunded), ("REFUNDED", 15_000));
    let (status, body) = refund(&plan_id, "1", "wallet", "again").await;
    assert_eq!(status, 409, "{body}");
    // A top-up refunded to the wallet would be credited twice: refused.
    refused(
        refund(&topup_id, "100", "wallet", "twice").await,
        422,
        "error.refund_destination",
    );
    assert_eq!(balance(&app).await, 20_000);
    // Taking a top-up back to the card cannot take more than the wallet still holds.
    let (_, to) = subscribe(&app, &c, "FAMILY_MANAGER", "wallet").await;
    assert!(to.contains("/billing/payment/success"), "{to}");
    assert_eq!(balance(&app).await, 5_000);
    refused(
        refund(&topup_id, "15000", "card", "chargeback").await,
        409,
        "error.wallet_spent",
    );
    let (status, body) = refund(&topup_id, "5000", "card", "chargeback").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(balance(&app).await, 0);
    refused(
        refund(&topup_id, "100", "card", "").await,
        422,
        "error.reason_required",
    );
    assert_eq!(app.count("payment_refunds").await, 3);
    let moves: i64 =
        sqlx::query_scalar("SELECT count(*) FROM wallet_transactions WHERE kind = 'REFUND'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(moves, 3);
    // Members cannot refund.
    let m = family(&app, "m@example.cm").await;
    let (status, _) = next(
        &app,
        &m,
        "admin_refund",
        &[
            ("payment_id", &topup_id),
            ("amount", "1"),
            ("destination", "wallet"),
            ("reason", "x"),
        ],
    )
    .await;
    assert_eq!(status, 403);
}

#[sqlx::test]
async fn admins_change_plans_by_hand_with_a_reason_in_the_audit_log(pool: PgPool) {
    let app = spawn_app(pool).await;
    family(&app, "hand@example.cm").await;
    let a = admin(&app).await;
    let family_id: uuid::Uuid =
        sqlx::query_scalar("SELECT family_id FROM users WHERE email = 'hand@example.cm'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let fid = family_id.to_string();
    let (code, html) = app.page(&a, "/admin/subscriptions").await;
    assert_eq!(code, 200);
    assert!(html.contains("hand@example.cm"));
    let (_, _, end) = subscription(&app, "hand@example.cm").await;
    let (status, _) = next(
        &app,
        &a,
        "admin_change_subscription",
        &[
            ("family_id", &fid),
            ("action", "extend"),
            ("days", "30"),
            ("reason", "school holidays"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let (st, _, new_end) = subscription(&app, "hand@example.cm").await;
    assert_eq!(st, "ACTIVE");
    assert!(
        ((new_end - end) - chrono::Duration::days(30))
            .num_seconds()
            .abs()
            < 5
    );
    let (status, _) = next(
        &app,
        &a,
        "admin_change_subscription",
        &[
            ("family_id", &fid),
            ("action", "change_plan"),
            ("plan", "TEAM"),
            ("reason", "upgrade asked by phone"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(subscription(&app, "hand@example.cm").await.1, "TEAM");
    let (status, body) = next(
        &app,
        &a,
        "admin_change_subscription",
        &[("family_id", &fid), ("action", "cancel"), ("reason", "")],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = next(
        &app,
        &a,
        "admin_change_subscription",
        &[
            ("family_id", &fid),
            ("action", "extend"),
            ("days", "0"),
            ("reason", "x"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = next(
        &app,
        &a,
        "admin_change_subscription",
        &[
            ("family_id", &fid),
            ("action", "cancel"),
            ("reason", "moved abroad"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(subscription(&app, "hand@example.cm").await.0, "CANCELLED");
    let reasons: Vec<String> = sqlx::query_scalar(
        "SELECT details->>'reason' FROM audit_log WHERE entity = 'family' AND action LIKE 'subscription.%' AND details ? 'reason' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        reasons,
        ["school holidays", "upgrade asked by phone", "moved abroad"]
    );
    let m = family(&app, "nosy@example.cm").await;
    let (status, _) = next(
        &app,
        &m,
        "admin_change_subscription",
        &[
            ("family_id", &fid),
            ("action", "extend"),
            ("days", "300"),
            ("reason", "free"),
        ],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(app.page(&m, "/admin/subscriptions").await.0, 403);
}

#[sqlx::test]
async fn the_seed_payment_endpoints_answer_in_its_shape(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (_, _, plan) = activity(&app, "rest@example.cm").await;
    family(&app, "other@example.cm").await;
    let _a = admin(&app).await;
    let (user, other, boss) = (
        bearer(&app, "rest@example.cm").await,
        bearer(&app, "other@example.cm").await,
        bearer(&app, "admin@example.cm").await,
    );
    let http = Client::new();
    let api = |path: &str| format!("{}/api{path}", app.addr);
    let created: Value = http
        .post(api("/payments"))
        .bearer_auth(&user)
        .json(&json!({ "amount": 5000, "currency": "XAF", "method": "STRIPE", "description": "Wallet top-up" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["success"], true, "{created}");
    assert!(created["data"]["checkoutUrl"]
        .as_str()
        .unwrap()
        .contains("/billing/sandbox/PAY-"));
    assert_eq!(created["data"]["status"], "PROCESSING");
    assert_eq!(created["data"]["description"], "Wallet top-up");
    let id = created["data"]["id"].as_str().unwrap().to_string();

    let get = |path: String, token: String| {
        let http = http.clone();
        async move {
            let r = http.get(path).bearer_auth(token).send().await.unwrap();
            let code = r.status().as_u16();
            (code, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    assert_eq!(
        get(api(&format!("/payments/{id}")), user.clone()).await.0,
        200
    );
    assert_eq!(
        get(api(&format!("/payments/{id}")), other.clone()).await.0,
        404
    );
    assert_eq!(get(api("/payments"), user.clone()).await.0, 403);
    let (code, list) = get(api("/payments?limit=2&page=1"), boss.clone()).await;
    assert_eq!(code, 200);
    assert_eq!(list["data"]["payments"].as_array().unwrap().len(), 2);
    assert_eq!(list["data"]["pagination"]["total"], 4);
    let (code, a) = get(
        api("/payments/analytics?startDate=2020-01-01&endDate=2099-12-31&groupBy=month"),
        boss.clone(),
    )
    .await;
    assert_eq!(code, 200, "{a}");
    assert_eq!(a["data"]["totalPayments"], 4);
    assert_eq!(a["data"]["completedPayments"], 2);
    // Money received: the 20 000 FCFA top-up; the plan paid from that wallet is not counted again.
    assert_eq!(
        a["data"]["totalVolume"],
        json!([{ "currency": "XAF", "amountMinor": 20000 }]),
        "{a}"
    );
    assert_eq!(get(api("/payments/analytics"), user.clone()).await.0, 403);
    let user_id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'rest@example.cm'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let (code, mine) = get(api(&format!("/payments/user/{user_id}")), user.clone()).await;
    assert_eq!(code, 200);
    assert_eq!(mine["data"].as_array().unwrap().len(), 4);
    assert_eq!(
        get(api(&format!("/payments/user/{user_id}")), other.clone())
            .await
            .0,
        403
    );

    // An admin confirms the open payment by hand: completed once, with its invoice.
    let confirm = |token: String| {
        let (http, url) = (http.clone(), api(&format!("/payments/{id}/confirm")));
        async move {
            http.post(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(confirm(user.clone()).await, 403);
    assert_eq!(confirm(boss.clone()).await, 200);
    assert_eq!(confirm(boss.clone()).await, 409);
    let (_, p) = get(api(&format!("/payments/{id}")), user.clone()).await;
    assert_eq!(p["data"]["status"], "COMPLETED");
    // The ledger keeps what took money; a declined payment may be deleted.
    let patch = http
        .patch(api(&format!("/payments/{id}")))
        .bearer_auth(&boss)
        .json(&json!({ "status": "FAILED" }))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status().as_u16(), 409);
    let del = http
        .delete(api(&format!("/payments/{id}")))
        .bearer_auth(&boss)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status().as_u16(), 409);
    let failed: uuid::Uuid = sqlx::query_scalar("SELECT id FROM payments WHERE status = 'FAILED'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let del = http
        .delete(api(&format!("/payments/{failed}")))
        .bearer_auth(&user)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status().as_u16(), 403);
    let del = http
        .delete(api(&format!("/payments/{failed}")))
        .bearer_auth(&boss)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status().as_u16(), 200);
    let _ = plan;

    // A JSON number's dot is a decimal point: 1000.0 FCFA is a thousand, not ten thousand,
    // and a fraction of a franc is refused.
    let create = |amount: Value| {
        let (http, url, token) = (http.clone(), api("/payments"), user.clone());
        async move {
            let r = http
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "amount": amount, "currency": "XAF" }))
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (code, body) = create(json!(1000.0)).await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["data"]["amount_minor"], 1000, "{body}");
    let (code, body) = create(json!(1000.5)).await;
    assert_eq!(code, 422, "{body}");
    assert_eq!(body["success"], false);

    // A payment flagged for review, or known to a real gateway, is not deleted.
    let open = body_id(&create(json!(700)).await.1);
    let delete = |id: String| {
        let (http, url, token) = (http.clone(), api(&format!("/payments/{id}")), boss.clone());
        async move {
            http.delete(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    sqlx::query("UPDATE payments SET status = 'FAILED', needs_review = true WHERE id = $1::uuid")
        .bind(&open)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(delete(open.clone()).await, 409);
    sqlx::query(
        "UPDATE payments SET needs_review = false, provider = 'stripe', provider_ref = 'cs_test_late' WHERE id = $1::uuid",
    )
    .bind(&open)
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(delete(open.clone()).await, 409);
    sqlx::query("UPDATE payments SET provider = 'sandbox' WHERE id = $1::uuid")
        .bind(&open)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(delete(open).await, 200);
}

fn body_id(body: &Value) -> String {
    body["data"]["id"].as_str().expect("payment id").to_string()
}
