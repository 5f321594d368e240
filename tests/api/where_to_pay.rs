//! Where families send mobile money (the admin's numbers, shown with the amount and the
//! reference), what a buyer's order page keeps to itself, one payment road at a time, and
//! refused forms that keep personal fields out of the address.

use std::io::Cursor;

use reqwest::multipart::{Form, Part};
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{client, spawn_app, spawn_with, TestApp};

async fn admin(app: &TestApp) -> reqwest::Client {
    app.register(&client(), "admin@example.cm").await;
    app.make_admin("admin@example.cm").await;
    let c = client();
    app.login(&c, "admin@example.cm", "correct horse battery")
        .await;
    c
}

async fn add_account(
    app: &TestApp,
    c: &reqwest::Client,
    method: &str,
    number: &str,
    holder: &str,
    ussd: &str,
) -> (u16, String) {
    let res = app
        .post_fn(
            c,
            "save_pay_account",
            &[
                ("method", method),
                ("number", number),
                ("holder", holder),
                ("ussd", ussd),
            ],
        )
        .await;
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 5, y as u8 * 7, 60]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[sqlx::test(migrations = false)]
async fn admins_list_where_to_pay_and_families_see_it_with_their_reference(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = admin(&app).await;

    // Refusals say why, keep what was typed, and write nothing.
    let (status, body) = add_account(&app, &admin, "MTN_MOMO", "12ab", "Tessera", "").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("error.phone_invalid") && body.contains("12ab"));
    let (status, body) =
        add_account(&app, &admin, "MTN_MOMO", "677 00 11 22", "Tessera", "126").await;
    assert_eq!(status, 422);
    assert!(body.contains("error.ussd_invalid"));
    let (status, _) = add_account(&app, &admin, "BITCOIN", "677001122", "Tessera", "").await;
    assert_eq!(status, 422);
    assert_eq!(app.count("pay_accounts").await, 0);

    // Only admins keep the list.
    let member = client();
    app.register(&member, "jean@example.cm").await;
    let (status, _) = add_account(&app, &member, "MTN_MOMO", "677001122", "Intrus", "*126#").await;
    assert_eq!(status, 403);
    assert_eq!(app.count("pay_accounts").await, 0);

    let (status, body) = add_account(
        &app,
        &admin,
        "MTN_MOMO",
        "677 00 11 22",
        "Association Tessera",
        "*126#",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = add_account(
        &app,
        &admin,
        "ORANGE_MONEY",
        "699001122",
        "Tessera Orange",
        "#150#",
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = add_account(&app, &admin, "MTN_MOMO", "+237677001122", "Twice", "").await;
    assert_eq!(status, 422, "the same number twice: {body}");
    assert!(body.contains("error.pay_account_exists"));
    let (_, html) = app.page(&admin, "/admin/pay-accounts").await;
    assert!(html.contains("+237 6 77 00 11 22") && html.contains("Tessera Orange"));

    // Step 2 of `/pay` says where to send exactly how much, and what to write.
    let (_, html) = app
        .page(
            &member,
            "/pay?step=2&plan_type=FAMILY_MANAGER&duration_days=30",
        )
        .await;
    assert!(html.contains("Where to send the money"), "{html}");
    assert!(html.contains("+237 6 77 00 11 22") && html.contains("Association Tessera"));
    assert!(html.contains("+237 6 99 00 11 22") && html.contains(r#"href="tel:%23150%23""#));
    assert!(html.contains("15,000\u{a0}FCFA"));
    let reference = html
        .split("class=\"ref\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("a reference")
        .to_string();
    assert!(reference.starts_with("TKT-"), "{reference}");
    // The same reference however often the page is shown, and the ticket then carries it.
    let (_, again) = app
        .page(
            &member,
            "/pay?step=2&plan_type=FAMILY_MANAGER&duration_days=30",
        )
        .await;
    assert!(again.contains(&reference));
    let form = Form::new()
        .text("plan_type", "FAMILY_MANAGER")
        .text("duration_days", "30")
        .text("amount", "15000")
        .text("payment_method", "MTN_MOMO")
        .text("phone_number", "677 12 34 56")
        .text("transaction_id", "MP241204.1200.A")
        .part("proof", Part::bytes(png()).file_name("capture.png"));
    let res = member
        .post(format!("{}/pay/submit", app.addr))
        .header("origin", &app.addr)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with(&format!("/tickets/{reference}")),
        "{location}"
    );
    let (_, next) = app
        .page(
            &member,
            "/pay?step=2&plan_type=FAMILY_MANAGER&duration_days=30",
        )
        .await;
    assert!(!next.contains(&reference), "a new ticket, a new reference");

    // Removing a number takes it off the pages.
    let id: Uuid = sqlx::query_scalar("SELECT id FROM pay_accounts WHERE method = 'ORANGE_MONEY'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let res = app
        .post_fn(&member, "remove_pay_account", &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status().as_u16(), 403);
    let res = app
        .post_fn(&admin, "remove_pay_account", &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let (_, html) = app
        .page(
            &member,
            "/pay?step=2&plan_type=FAMILY_MANAGER&duration_days=30",
        )
        .await;
    assert!(!html.contains("6 99 00 11 22"));
}

async fn festival(app: &TestApp) {
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, starts_at, ends_at, capacity, price, currency, max_per_order)
         VALUES ($1, 'fest', 'EVENT', 'Festival', 'Palais des Sports', now() + interval '10 days',
                 now() + interval '10 days 5 hours', 50, 5000, 'XAF', 10)",
    )
    .bind(Uuid::new_v4())
    .execute(&app.pool)
    .await
    .unwrap();
}

/// Places an order as a guest; (reference, sig).
async fn order(app: &TestApp) -> (String, String) {
    let res = app
        .post_fn(
            &client(),
            "place_order",
            &[
                ("slug", "fest"),
                ("quantity", "2"),
                ("name", "Awa Ndiaye"),
                ("email", "awa@example.cm"),
                ("phone", "+237 677 12 34 56"),
            ],
        )
        .await;
    let next: String = res.json().await.unwrap();
    let (reference, sig) = next
        .strip_prefix("/orders/")
        .and_then(|r| r.split_once("?sig="))
        .expect("placed");
    (reference.to_string(), sig.to_string())
}

#[sqlx::test(migrations = false)]
async fn the_buyer_sees_where_to_pay_not_the_staff_notes_and_one_road_at_a_time(pool: PgPool) {
    let app = spawn_with(pool, |c| {
        c.billing.card_gateway = tessera::platform::config::CardGateway::Sandbox;
    })
    .await;
    festival(&app).await;
    let admin = admin(&app).await;
    add_account(
        &app,
        &admin,
        "MTN_MOMO",
        "677001122",
        "Association Tessera",
        "*126#",
    )
    .await;
    let (reference, sig) = order(&app).await;
    let page = format!("/orders/{reference}?sig={sig}");

    let (_, html) = app.page(&client(), &page).await;
    assert!(html.contains("Where to send the money") && html.contains("+237 6 77 00 11 22"));
    assert!(
        html.contains("10,000\u{a0}FCFA") && html.contains(&format!("class=\"ref\">{reference}<"))
    );
    assert!(
        html.contains("pay-card"),
        "a card is offered before any proof"
    );

    // A proof sent: the card is no longer offered, nor accepted.
    let form = Form::new()
        .text("payment_method", "MTN_MOMO")
        .text("phone_number", "677123456")
        .text("transaction_id", "MP240101.1234.A")
        .part(
            "proof",
            Part::bytes(png())
                .file_name("recu.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let res = client()
        .post(format!("{}/orders/{reference}/proof?sig={sig}", app.addr))
        .header("origin", &app.addr)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    let (_, html) = app.page(&client(), &page).await;
    assert!(!html.contains("pay-card"), "one road at a time");
    let res = app
        .post_fn(
            &client(),
            "order_card_checkout",
            &[("reference", &reference), ("sig", &sig)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("error.proof_already_sent"));
    assert_eq!(
        app.count("payments WHERE provider = 'sandbox'").await,
        0,
        "no card payment opened"
    );

    // The staff's note and names stay with the staff.
    sqlx::query(
        "INSERT INTO order_events (order_id, actor_id, kind, details)
         SELECT o.id, u.id, 'PAYMENT_NOTE', 'rappelé le client, montant douteux'
         FROM orders o, users u WHERE o.reference = $1 AND u.email = 'admin@example.cm'",
    )
    .bind(&reference)
    .execute(&app.pool)
    .await
    .unwrap();
    let (_, html) = app.page(&client(), &page).await;
    assert!(!html.contains("montant douteux") && !html.contains("Awa Ndiaye ·"));
    assert!(!html.contains("admin@example.cm"));
    let (_, staff) = app
        .page(&admin, &format!("/admin/orders/{reference}"))
        .await;
    assert!(staff.contains("montant douteux"));
}

#[sqlx::test(migrations = false)]
async fn a_refused_form_without_javascript_keeps_personal_fields_out_of_the_address(pool: PgPool) {
    let app = spawn_app(pool).await;
    festival(&app).await;
    let c = client();
    // As a browser without JavaScript posts the order form: a page, from the event's page.
    let res = c
        .post(format!("{}/fn/place_order", app.addr))
        .header("origin", &app.addr)
        .header("referer", format!("{}/events/fest", app.addr))
        .header("accept", "text/html")
        .form(&[
            ("slug", "fest"),
            ("quantity", "99"),
            ("name", "Awa Ndiaye"),
            ("email", "awa@example.cm"),
            ("phone", "+237 677 12 34 56"),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("__flash="), "{location}");
    for private in ["awa", "Ndiaye", "677", "__err"] {
        assert!(!location.contains(private), "{private} in {location}");
    }
    let path = location.trim_start_matches(&app.addr).to_string();
    let (status, html) = app.page(&c, &path).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("awa@example.cm") && html.contains("Awa Ndiaye"),
        "the form is refilled on the server"
    );
    assert_eq!(app.count("orders").await, 0);
}
