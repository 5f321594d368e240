//! CSRF, roles, login throttling, bearer tokens and hostile input.

use sqlx::PgPool;

use crate::helpers::{client, spawn_app};

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
