//! Registration, login, logout, family, account pages and password resets over HTTP.

use sqlx::PgPool;

use crate::helpers::{client, session_cookie, spawn_app};

#[sqlx::test(migrations = false)]
async fn registering_creates_the_user_and_their_family_with_them_as_manager(pool: PgPool) {
    let app = spawn_app(pool).await;
    let c = client();
    let res = app.register(&c, "awa@example.cm").await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert!(
        session_cookie(&res).is_some(),
        "registration signs the user in"
    );

    let row: (String, String, bool) = sqlx::query_as(
        "SELECT u.phone, f.name, f.manager_id = u.id FROM users u JOIN families f ON f.id = u.family_id WHERE u.email = $1",
    )
    .bind("awa@example.cm")
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(row, ("+237677123456".into(), "Famille Ndiaye".into(), true));
    assert_eq!(app.me(&c).await.as_deref(), Some("awa@example.cm"));
    let welcome: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE kind = 'welcome' AND recipient = 'awa@example.cm'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(welcome, 1, "the welcome e-mail is queued with the account");

    let (status, html) = app.page(&c, "/family").await;
    assert_eq!(status, 200);
    assert!(html.contains("Famille Ndiaye") && html.contains("Awa Ndiaye"));
}

#[sqlx::test(migrations = false)]
async fn a_used_email_is_refused_and_nothing_is_half_written(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&client(), "awa@example.cm").await;
    let res = app.register(&client(), "AWA@example.cm").await;
    assert_eq!(res.status(), 409);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["Invalid"]["key"], "error.email_taken");
    assert_eq!(app.count("users").await, 1);
    assert_eq!(
        app.count("families").await,
        1,
        "the second family was rolled back"
    );
    assert_eq!(app.count("outbox").await, 1);
}

#[sqlx::test(migrations = false)]
async fn bad_fields_get_a_message_next_to_the_field_and_keep_what_was_typed(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cases = [
        ("email", "not-an-email", "error.email_invalid"),
        ("phone", "12ab", "error.phone_invalid"),
        ("password", "short", "error.password_short"),
        ("name", "", "error.name_required"),
        ("family_name", "", "error.family_name_required"),
    ];
    for (field, value, key) in cases {
        let mut form = vec![
            ("name", "Awa"),
            ("email", "awa@example.cm"),
            ("phone", "+237677123456"),
            ("password", "correct horse battery"),
            ("family_name", "Ndiaye"),
        ];
        for f in form.iter_mut() {
            if f.0 == field {
                f.1 = value;
            }
        }
        let res = app.post_fn(&client(), "register", &form).await;
        assert_eq!(res.status(), 422, "{field}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["Invalid"]["field"], field);
        assert_eq!(body["Invalid"]["key"], key);
        let echo = body["Invalid"]["echo"].to_string();
        assert!(
            echo.contains("awa@example.cm") || field == "email",
            "typed values come back: {echo}"
        );
        assert!(
            !echo.contains("correct horse"),
            "passwords are never echoed"
        );
    }
    assert_eq!(app.count("users").await, 0);
    assert_eq!(app.count("families").await, 0);
}

#[sqlx::test(migrations = false)]
async fn without_javascript_a_refused_form_returns_to_its_page_with_the_message_and_values(
    pool: PgPool,
) {
    let app = spawn_app(pool).await;
    let c = client();
    let res = c
        .post(format!("{}/fn/register", app.addr))
        .header("accept", "text/html")
        .header("referer", format!("{}/register", app.addr))
        .header("accept-language", "fr")
        .form(&[
            ("name", "Awa"),
            ("email", "awa@"),
            ("phone", "677123456"),
            ("password", "x"),
            ("family_name", "N"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    // The error and its echo of the fields travel in the session, not in the address.
    assert!(
        location.contains("__flash=") && !location.contains("__err") && !location.contains("677"),
        "{location}"
    );
    let res = c
        .get(&location)
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Cette adresse e-mail n&#x27;est pas valide")
            || html.contains("Cette adresse e-mail n'est pas valide"),
        "French message shown"
    );
    assert!(
        html.contains("Le mot de passe doit contenir au moins 10 caractères."),
        "every refused field is told at once, not only the first"
    );
    assert!(html.contains(r#"value="awa@""#), "typed e-mail kept");
    assert!(html.contains(r#"value="677123456""#), "typed phone kept");
}

#[sqlx::test(migrations = false)]
async fn every_refused_field_is_reported_in_one_answer(pool: PgPool) {
    let app = spawn_app(pool).await;
    let form = [
        ("name", ""),
        ("email", "not-an-email"),
        ("phone", "12ab"),
        ("password", "short"),
        ("family_name", "Ndiaye"),
    ];
    let res = app.post_fn(&client(), "register", &form).await;
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    let invalid = &body["Invalid"];
    let mut refused = vec![(
        invalid["field"].as_str().unwrap_or("").to_string(),
        invalid["key"].as_str().unwrap_or("").to_string(),
    )];
    for pair in invalid["also"].as_array().cloned().unwrap_or_default() {
        refused.push((
            pair[0].as_str().unwrap_or("").to_string(),
            pair[1].as_str().unwrap_or("").to_string(),
        ));
    }
    let fields: Vec<&str> = refused.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        ["name", "email", "phone", "password"],
        "{refused:?}"
    );
    assert!(refused.contains(&("password".into(), "error.password_short".into())));
    assert_eq!(app.count("users").await, 0);
}

#[sqlx::test(migrations = false)]
async fn login_rotates_the_session_and_logout_ends_it(pool: PgPool) {
    let app = spawn_app(pool).await;
    let c = client();
    app.register(&c, "awa@example.cm").await;
    let first = app
        .login(&c, "awa@example.cm", "correct horse battery")
        .await;
    assert!(first.status().is_success() || first.status().is_redirection());
    let a = session_cookie(&first).expect("cookie at login");
    let second = app
        .login(&c, "awa@example.cm", "correct horse battery")
        .await;
    let b = session_cookie(&second).expect("new cookie at the next login");
    assert_ne!(a, b, "the session id changes at every login");

    // The old id no longer signs anyone in.
    let stale = reqwest::Client::new()
        .post(format!("{}/fn/me", app.addr))
        .header("cookie", format!("tessera_session={a}"))
        .form(&[("", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(stale.text().await.unwrap(), "null");

    let cookie_header = first
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        cookie_header.contains("HttpOnly") && cookie_header.contains("SameSite=Lax"),
        "{cookie_header}"
    );

    app.post_fn(&c, "logout", &[]).await;
    assert_eq!(app.me(&c).await, None);
}

#[sqlx::test(migrations = false)]
async fn a_wrong_password_is_refused_with_a_clear_message(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&client(), "awa@example.cm").await;
    let c = client();
    let res = app.login(&c, "awa@example.cm", "wrong password!").await;
    assert_eq!(res.status(), 401);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["Invalid"]["key"], "error.login_failed");
    assert_eq!(app.me(&c).await, None);
    let res = app.login(&c, "nobody@example.cm", "wrong password!").await;
    assert_eq!(
        res.status(),
        401,
        "an unknown account answers like a wrong password"
    );
}

#[sqlx::test(migrations = false)]
async fn the_manager_adds_a_member_who_can_then_choose_a_password(pool: PgPool) {
    let app = spawn_app(pool).await;
    let c = client();
    app.register(&c, "awa@example.cm").await;
    let res = app
        .post_fn(
            &c,
            "add_member",
            &[
                ("name", "Paul Ndiaye"),
                ("email", "paul@example.cm"),
                ("phone", "699000111"),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let (_, html) = app.page(&c, "/family").await;
    assert!(html.contains("Paul Ndiaye"));

    // The invitation carries a single-use link; use it as Paul would.
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'family_invite'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let token = body
        .split("/reset/")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let paul = client();
    let res = app
        .post_fn(
            &paul,
            "reset_password",
            &[("token", &token), ("password", "paul's new password")],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let res = app
        .login(&paul, "paul@example.cm", "paul's new password")
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(app.me(&paul).await.as_deref(), Some("paul@example.cm"));

    // A member who is not the manager cannot add anyone.
    let res = app
        .post_fn(
            &paul,
            "add_member",
            &[
                ("name", "X"),
                ("email", "x@example.cm"),
                ("phone", "699000112"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.count("users").await, 2);
}

#[sqlx::test(migrations = false)]
async fn a_reset_link_works_once_and_not_after_it_expires(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&client(), "awa@example.cm").await;
    let c = client();
    let res = app
        .post_fn(&c, "forgot_password", &[("email", "awa@example.cm")])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'password_reset'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let token = body
        .split("/reset/")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    let ok = app
        .post_fn(
            &c,
            "reset_password",
            &[("token", &token), ("password", "a brand new password")],
        )
        .await;
    assert!(ok.status().is_success() || ok.status().is_redirection());
    let again = app
        .post_fn(
            &c,
            "reset_password",
            &[("token", &token), ("password", "another new password")],
        )
        .await;
    assert_eq!(again.status(), 400);
    let body: serde_json::Value = again.json().await.unwrap();
    assert_eq!(body["Invalid"]["key"], "error.reset_invalid");

    app.post_fn(&c, "forgot_password", &[("email", "awa@example.cm")])
        .await;
    sqlx::query(
        "UPDATE password_resets SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let body: String = sqlx::query_scalar(
        "SELECT body FROM outbox WHERE kind = 'password_reset' ORDER BY created_at DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let expired = body
        .split("/reset/")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let res = app
        .post_fn(
            &c,
            "reset_password",
            &[("token", &expired), ("password", "yet another password")],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(app
        .login(&client(), "awa@example.cm", "a brand new password")
        .await
        .status()
        .is_success());

    // Unknown addresses get the same answer, so the form does not reveal who has an account.
    let res = app
        .post_fn(&c, "forgot_password", &[("email", "nobody@example.cm")])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
}

#[sqlx::test(migrations = false)]
async fn a_member_changes_their_password(pool: PgPool) {
    let app = spawn_app(pool).await;
    let c = client();
    app.register(&c, "awa@example.cm").await;
    let wrong = app
        .post_fn(
            &c,
            "change_password",
            &[
                ("current_password", "nope nope nope"),
                ("new_password", "another password"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let ok = app
        .post_fn(
            &c,
            "change_password",
            &[
                ("current_password", "correct horse battery"),
                ("new_password", "another password"),
            ],
        )
        .await;
    assert!(ok.status().is_success() || ok.status().is_redirection());
    assert_eq!(
        app.login(&client(), "awa@example.cm", "correct horse battery")
            .await
            .status(),
        401
    );
    assert!(app
        .login(&client(), "awa@example.cm", "another password")
        .await
        .status()
        .is_success());
}

#[sqlx::test(migrations = false)]
async fn pages_follow_accept_language_and_the_remembered_switch(pool: PgPool) {
    let app = spawn_app(pool).await;
    let c = client();
    let fr = c
        .get(format!("{}/login", app.addr))
        .header("accept-language", "fr-CM,fr;q=0.9")
        .send()
        .await
        .unwrap();
    let html = fr.text().await.unwrap();
    assert!(
        html.contains(r#"<html lang="fr""#) && html.contains("Mot de passe"),
        "French from the browser"
    );
    let (_, html) = app.page(&c, "/login").await;
    assert!(html.contains(r#"<html lang="en""#) && html.contains("Password"));

    let res = c
        .post(format!("{}/lang", app.addr))
        .header("origin", &app.addr)
        .form(&[("lang", "fr"), ("next", "/register")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/register");
    let (_, html) = app.page(&c, "/register").await;
    assert!(
        html.contains("Créer votre compte"),
        "the choice is remembered"
    );

    let res = c
        .post(format!("{}/lang", app.addr))
        .form(&[("lang", "xx"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let res = c
        .post(format!("{}/lang", app.addr))
        .form(&[("lang", "en"), ("next", "https://evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/", "no open redirect");
}

#[sqlx::test(migrations = false)]
async fn health_endpoints_answer_json(pool: PgPool) {
    let app = spawn_app(pool).await;
    let live: serde_json::Value = reqwest::get(format!("{}/health/live", app.addr))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(live["status"], "ok");
    let ready = reqwest::get(format!("{}/health/ready", app.addr))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let ready: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(ready["database"], "ok");
}
