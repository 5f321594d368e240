//! Rate limits on what anyone can ask for: reset e-mails, registrations, API tokens (orders
//! and uploads are in `orders.rs`). Counted exactly under concurrent requests.

use futures::future::join_all;
use sqlx::PgPool;

use crate::helpers::{client, spawn_with};

#[sqlx::test(migrations = false)]
async fn reset_emails_are_limited_per_address_and_per_client(pool: PgPool) {
    let app = spawn_with(pool, |c| c.rate.forgot_per_hour = 2).await;
    app.register(&client(), "awa@example.cm").await;
    let c = client();
    // Three requests for one address: the answer is the same each time (it must not tell
    // whether the account exists), but only two e-mails go out.
    for _ in 0..3 {
        let res = app
            .post_fn(&c, "forgot_password", &[("email", "awa@example.cm")])
            .await;
        assert!(res.status().is_success() || res.status().is_redirection());
    }
    let sent: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE kind = 'password_reset'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sent, 2);
    // The client itself may ask four times the per-address limit: 8 in all, then 429.
    for i in 3..8 {
        let email = format!("someone{i}@example.cm");
        let res = app
            .post_fn(&c, "forgot_password", &[("email", &email)])
            .await;
        assert!(!res.status().is_client_error(), "request {i}");
    }
    let res = app
        .post_fn(&c, "forgot_password", &[("email", "awa@example.cm")])
        .await;
    assert_eq!(res.status(), 429);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("error.rate_limited") && body.contains("awa@example.cm"),
        "{body}"
    );
}

#[sqlx::test(migrations = false)]
async fn registrations_from_one_client_are_limited_exactly_under_a_burst(pool: PgPool) {
    let app = spawn_with(pool, |c| c.rate.register_per_hour = 3).await;
    let answers = join_all((0..8).map(|i| {
        let app = &app;
        async move {
            app.register(&client(), &format!("burst{i}@example.cm"))
                .await
                .status()
                .as_u16()
        }
    }))
    .await;
    assert_eq!(
        answers.iter().filter(|s| **s == 429).count(),
        5,
        "{answers:?}"
    );
    assert_eq!(app.count("users").await, 3);
    assert_eq!(app.count("families").await, 3, "nothing half-written");
}

#[sqlx::test(migrations = false)]
async fn api_tokens_are_limited_per_minute_with_a_message_in_the_callers_language(pool: PgPool) {
    let app = spawn_with(pool, |c| c.rate.tokens_per_minute = 2).await;
    app.register(&client(), "awa@example.cm").await;
    let http = reqwest::Client::new();
    let ask = || {
        http.post(format!("{}/api/auth/token", app.addr))
            .header("accept-language", "fr")
            .json(&serde_json::json!({ "email": "awa@example.cm", "password": "correct horse battery" }))
            .send()
    };
    assert_eq!(ask().await.unwrap().status(), 200);
    assert_eq!(ask().await.unwrap().status(), 200);
    let res = ask().await.unwrap();
    assert_eq!(res.status(), 429);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("Trop de demandes"),
        "{body}"
    );
}
