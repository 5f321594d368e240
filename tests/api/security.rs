//! CSRF, roles, login throttling, bearer tokens and hostile input.

use sqlx::PgPool;

use crate::helpers::{client, spawn_app, spawn_with};

#[sqlx::test(migrations = false)]
async fn a_cross_origin_post_is_refused_with_403(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&client(), "awa@example.cm").await;
    let c = client();
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let res = c
            .post(format!("{}/fn/login", app.addr))
            .header(header, value)
            .form(&[
                ("email", "awa@example.cm"),
                ("password", "correct horse battery"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{header}: {value}");
        assert!(res.headers().get("set-cookie").is_none());
    }
    let res = c
        .post(format!("{}/lang", app.addr))
        .header("origin", "https://evil.example")
        .form(&[("lang", "fr")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(app.me(&c).await, None);
}

#[sqlx::test(migrations = false)]
async fn a_json_body_on_a_form_endpoint_is_refused_with_a_4xx(pool: PgPool) {
    let app = spawn_app(pool).await;
    let res = client()
        .post(format!("{}/fn/register", app.addr))
        .json(&serde_json::json!({"name": "A", "email": "a@b.cm"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    let res = client()
        .post(format!("{}/fn/register", app.addr))
        .form(&[("name", "only a name")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        400,
        "missing arguments are a bad request, not a server error"
    );
    assert_eq!(app.count("users").await, 0);
}

#[sqlx::test(migrations = false)]
async fn a_member_is_refused_on_admin_routes_and_an_admin_reaches_them(pool: PgPool) {
    let app = spawn_app(pool).await;
    let member = client();
    app.register(&member, "awa@example.cm").await;
    assert_eq!(
        app.post_fn(&member, "admin_overview", &[]).await.status(),
        403
    );
    let (status, html) = app.page(&member, "/admin").await;
    assert_eq!(status, 403);
    assert!(html.contains("You do not have access to this page."));
    let (status, _) = app.page(&client(), "/admin").await;
    assert_eq!(status, 401, "anonymous visitors are asked to log in");

    let admin = client();
    app.register(&admin, "boss@example.cm").await;
    app.make_admin("boss@example.cm").await;
    assert_eq!(
        app.post_fn(&admin, "admin_overview", &[]).await.status(),
        200
    );
    let (status, html) = app.page(&admin, "/admin").await;
    assert_eq!(status, 200);
    assert!(html.contains("Administration") && html.contains("awa@example.cm"));
    // A page reads its user once per render, for its menu and its data alike; the next page
    // reads it again, so a role taken away counts from the next request on.
    assert!(html.contains("href=\"/admin/tickets\""), "the admin's menu");
    sqlx::query("UPDATE users SET role = 'member' WHERE email = 'boss@example.cm'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, html) = app.page(&admin, "/admin").await;
    assert_eq!(status, 403);
    assert!(
        !html.contains("href=\"/admin/tickets\""),
        "nor the admin's menu"
    );
}

#[sqlx::test(migrations = false)]
async fn repeated_failures_throttle_the_login_and_a_success_resets_the_count(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&client(), "awa@example.cm").await;
    let c = client();
    for _ in 0..4 {
        assert_eq!(
            app.login(&c, "awa@example.cm", "wrong password!")
                .await
                .status(),
            401
        );
    }
    assert!(
        app.login(&c, "awa@example.cm", "correct horse battery")
            .await
            .status()
            .is_success(),
        "a success resets the count"
    );
    for _ in 0..5 {
        assert_eq!(
            app.login(&c, "awa@example.cm", "wrong password!")
                .await
                .status(),
            401
        );
    }
    let res = app
        .login(&c, "awa@example.cm", "correct horse battery")
        .await;
    assert_eq!(
        res.status(),
        429,
        "even the right password waits while throttled"
    );
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["Invalid"]["key"], "error.login_throttled");
    let api = reqwest::Client::new()
        .post(format!("{}/api/auth/token", app.addr))
        .header("accept-language", "fr")
        .json(&serde_json::json!({"email": "awa@example.cm", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 429, "the REST login shares the throttle");
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("Trop de tentatives"));
}

#[sqlx::test(migrations = false)]
async fn a_bearer_token_is_issued_stored_hashed_and_accepted(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&client(), "awa@example.cm").await;
    let api = reqwest::Client::new();
    let res = api
        .post(format!("{}/api/auth/token", app.addr))
        .json(&serde_json::json!({"email": "awa@example.cm", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["success"], true);
    let token = body["data"]["token"].as_str().unwrap().to_string();
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_ne!(stored, token, "only the hash is stored");

    let me = api
        .get(format!("{}/api/auth/me", app.addr))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["data"]["email"], "awa@example.cm");
    // When it was last used is kept to the minute: a second use at once writes nothing; a use
    // more than a minute after the last one moves it.
    let last_used = || async {
        sqlx::query_scalar::<_, Option<chrono::DateTime<chrono::Utc>>>(
            "SELECT last_used_at FROM api_tokens",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let first = last_used().await.expect("the use is kept");
    let again = |api: &reqwest::Client| {
        api.get(format!("{}/api/auth/me", app.addr))
            .bearer_auth(&token)
            .send()
    };
    assert_eq!(again(&api).await.unwrap().status(), 200);
    assert_eq!(last_used().await, Some(first));
    sqlx::query("UPDATE api_tokens SET last_used_at = now() - interval '2 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(again(&api).await.unwrap().status(), 200);
    assert!(last_used().await.expect("kept") > first - chrono::Duration::seconds(1));

    let bad = api
        .get(format!("{}/api/auth/me", app.addr))
        .bearer_auth("0".repeat(64))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    let none = api
        .get(format!("{}/api/auth/me", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 401);

    let form = api
        .post(format!("{}/api/auth/token", app.addr))
        .form(&[("email", "awa@example.cm"), ("password", "wrong password!")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 401);
    let body: serde_json::Value = form.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(body["message"], "E-mail or password is not correct.");
    let garbage = api
        .post(format!("{}/api/auth/token", app.addr))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
}

#[sqlx::test(migrations = false)]
async fn a_tampered_session_cookie_is_treated_as_signed_out(pool: PgPool) {
    let app = spawn_app(pool).await;
    for value in [
        "garbage",
        "AAAAAAAAAAAAAAAAAAAAAA",
        "%%%",
        &"x".repeat(4000),
    ] {
        let res = reqwest::Client::new()
            .get(format!("{}/family", app.addr))
            .header("cookie", format!("tessera_session={value}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{value}");
        let html = res.text().await.unwrap();
        assert!(html.contains("Please log in to see this page."));
    }
}

#[sqlx::test(migrations = false)]
async fn the_admin_command_creates_an_admin_with_a_generated_or_given_password(pool: PgPool) {
    use std::io::Write;
    let app = spawn_app(pool).await;
    let opts = app.pool.connect_options();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let db = opts.get_database().expect("database name");
    let url = format!(
        "{}/{db}",
        base.rsplit_once('/').expect("url with a database").0
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args([
            "admin",
            "create",
            "--email",
            "Root@Example.cm",
            "--name",
            "Root",
        ])
        .env("DATABASE_URL", &url)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("generated password printed")
        .to_string();
    let c = client();
    let res = app.login(&c, "root@example.cm", &password).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(app.page(&c, "/admin").await.0, 200);

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args([
            "admin",
            "create",
            "--email",
            "second@example.cm",
            "--name",
            "Second",
        ])
        .env("DATABASE_URL", &url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"typed on stdin 123\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("password:"),
        "a given password is not printed"
    );
    assert!(app
        .login(&client(), "second@example.cm", "typed on stdin 123")
        .await
        .status()
        .is_success());

    let again = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args([
            "admin",
            "create",
            "--email",
            "second@example.cm",
            "--name",
            "Second",
        ])
        .env("DATABASE_URL", &url)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!again.status.success(), "an existing address is refused");
}

/// Every page carries the security headers, and a Content-Security-Policy whose nonce is the
/// one on the page's inline scripts (so the bundle loader and Leptos's streaming run, and
/// nothing injected does); HSTS is sent only when the site is served over HTTPS.
#[sqlx::test(migrations = false)]
async fn pages_carry_security_headers_and_a_csp_matching_their_scripts(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    for path in ["/", "/events", "/login", "/no-such-page"] {
        let res = client()
            .get(format!("{}{path}", app.addr))
            .send()
            .await
            .unwrap();
        let h = res.headers().clone();
        let header = |name: &str| {
            h.get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "same-origin", "{path}");
        assert!(
            header("permissions-policy").contains("camera=(self)"),
            "{path}"
        );
        assert!(header("strict-transport-security").is_empty(), "{path}");
        let csp = header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_default()
            .to_string();
        assert!(nonce.len() >= 16, "{path}: {csp}");
        let html = res.text().await.unwrap();
        let scripts = html.matches("<script").count();
        let with_nonce = html.matches(&format!("<script nonce=\"{nonce}\"")).count()
            + html
                .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                .count();
        assert!(scripts > 0, "{path}");
        assert_eq!(scripts, with_nonce, "{path}: a script without the nonce");
    }
    // A fresh nonce for each response.
    let csp = |res: &reqwest::Response| {
        res.headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let a = client().get(format!("{}/", app.addr)).send().await.unwrap();
    let b = client().get(format!("{}/", app.addr)).send().await.unwrap();
    assert_ne!(csp(&a), csp(&b));
    // REST answers get the headers too.
    let res = client()
        .get(format!("{}/api/events", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-frame-options"], "DENY");

    // Behind HTTPS, browsers are told to keep to it.
    let secure = spawn_with(pool, |c| c.base_url = "https://tessera.example".into()).await;
    let res = client()
        .get(format!("{}/", secure.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

/// `/metrics` does not exist without `TESSERA_METRICS_TOKEN`, refuses anyone without the token,
/// and gives its bearer Prometheus's text: request times by route pattern (never the address
/// itself, which may hold a ticket's token), and what the database holds now.
#[sqlx::test(migrations = false)]
async fn metrics_are_served_only_to_the_bearer_of_the_token(pool: PgPool) {
    let closed = spawn_app(pool.clone()).await;
    let res = client()
        .get(format!("{}/metrics", closed.addr))
        .bearer_auth("anything")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    let app = spawn_with(pool, |c| {
        c.metrics_token = Some(tessera::platform::config::Secret::new("scrape-me"))
    })
    .await;
    app.register(&client(), "awa@example.cm").await;
    let secret_path = "/t/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd";
    client()
        .get(format!("{}{secret_path}", app.addr))
        .send()
        .await
        .unwrap();
    for token in [None, Some("wrong")] {
        let mut req = client().get(format!("{}/metrics", app.addr));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 401, "{token:?}");
    }
    let res = client()
        .get(format!("{}/metrics", app.addr))
        .bearer_auth("scrape-me")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = res.text().await.unwrap();
    for expected in [
        // An unknown ticket: counted under its pattern, as a 4xx.
        r#"tessera_http_request_duration_seconds_count{method="GET",route="/t/{token}",status="4xx"} 1"#,
        r#"tessera_http_request_duration_seconds_count{method="POST",route="/fn/register",status="2xx"} 1"#,
        r#"tessera_outbox_messages{status="PENDING"} 1"#,
        r#"tessera_outbox_messages{status="FAILED"} 0"#,
        "tessera_payment_tickets_pending 0",
        "tessera_payments_awaiting_verification 0",
        "tessera_poller_lag_seconds -1",
        r#"tessera_db_pool_connections{state="max"} "#,
        r#"tessera_db_pool_connections{state="in_use"} "#,
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
    assert!(
        !text.contains("AbCdEfGh"),
        "an address's token leaked into the metrics"
    );
}
