//! The outbox delivering over real SMTP: language, retries, and two instances at once.

use std::sync::Arc;

use sqlx::PgPool;
use tessera::platform::{
    config::{Config, SmtpConfig, SmtpSecurity},
    outbox::{deliver_due, Mailer},
};

use crate::helpers::{client, spawn_app, temp_dir, SmtpServer};

fn smtp_config(port: u16, instance: &str) -> Config {
    let mut config = Config::for_tests("unused", temp_dir());
    config.smtp = Some(SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        username: None,
        password: None,
        security: SmtpSecurity::None,
    });
    config.instance = instance.into();
    config.outbox_backoff_secs = 1;
    config
}

#[sqlx::test(migrations = false)]
async fn the_welcome_email_arrives_over_smtp_in_the_registrants_language(pool: PgPool) {
    let app = spawn_app(pool).await;
    let smtp = SmtpServer::start(0).await;
    let c = client();
    c.post(format!("{}/fn/register", app.addr))
        .header("accept-language", "fr-FR,fr;q=0.9")
        .form(&[
            ("name", "Awa"),
            ("email", "awa@example.cm"),
            ("phone", "677123456"),
            ("password", "correct horse battery"),
            ("family_name", "Ndiaye"),
        ])
        .send()
        .await
        .unwrap();
    let config = smtp_config(smtp.port, "a");
    let mailer = Mailer::from_config(&config).unwrap();
    assert_eq!(
        deliver_due(&app.pool, &mailer, &config, 10).await.unwrap(),
        1
    );
    let received = smtp.received().await;
    assert_eq!(received.len(), 1);
    assert!(received[0].contains("To: awa@example.cm"));
    assert!(
        received[0].contains("Bienvenue sur Tessera"),
        "{}",
        received[0]
    );
    let status: String = sqlx::query_scalar("SELECT status FROM outbox")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "SENT");
}

#[sqlx::test(migrations = false)]
async fn with_the_smtp_server_down_the_message_is_retried_and_delivered_once_it_is_back(
    pool: PgPool,
) {
    let app = spawn_app(pool).await;
    // Reserve a port, then close it: nothing listens there for the first attempt.
    let port = SmtpServer::start(0).await.stop();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    app.register(&client(), "awa@example.cm").await;
    let config = smtp_config(port, "a");
    let mailer = Mailer::from_config(&config).unwrap();
    assert_eq!(
        deliver_due(&app.pool, &mailer, &config, 10).await.unwrap(),
        0
    );
    let (attempts, status): (i32, String) = sqlx::query_as("SELECT attempts, status FROM outbox")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((attempts, status.as_str()), (1, "PENDING"));
    assert_eq!(
        deliver_due(&app.pool, &mailer, &config, 10).await.unwrap(),
        0,
        "not retried before its backoff"
    );

    let smtp = SmtpServer::start(port).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        deliver_due(&app.pool, &mailer, &config, 10).await.unwrap(),
        1
    );
    assert_eq!(
        deliver_due(&app.pool, &mailer, &config, 10).await.unwrap(),
        0
    );
    assert_eq!(smtp.received().await.len(), 1, "delivered exactly once");
    let log: Vec<(i32, bool)> =
        sqlx::query_as("SELECT attempt, success FROM notification_log ORDER BY attempt")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(log, vec![(1, false), (2, true)], "every attempt is logged");
}

#[sqlx::test(migrations = false)]
async fn a_message_that_keeps_failing_is_given_up_after_the_last_attempt(pool: PgPool) {
    let app = spawn_app(pool).await;
    let port = SmtpServer::start(0).await.stop();
    app.register(&client(), "awa@example.cm").await;
    let mut config = smtp_config(port, "a");
    config.outbox_max_attempts = 3;
    config.outbox_backoff_secs = 0;
    let mailer = Mailer::from_config(&config).unwrap();
    for _ in 0..5 {
        deliver_due(&app.pool, &mailer, &config, 10).await.unwrap();
    }
    let (attempts, status): (i32, String) = sqlx::query_as("SELECT attempts, status FROM outbox")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((attempts, status.as_str()), (3, "FAILED"));
}

#[sqlx::test(migrations = false)]
async fn two_instances_deliver_each_outbox_message_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let smtp = SmtpServer::start(0).await;
    for i in 0..30 {
        app.register(&client(), &format!("user{i}@example.cm"))
            .await;
    }
    let mut workers = Vec::new();
    for instance in ["one", "two"] {
        let pool = app.pool.clone();
        let config = Arc::new(smtp_config(smtp.port, instance));
        workers.push(tokio::spawn(async move {
            let mailer = Mailer::from_config(&config).unwrap();
            let mut sent = 0;
            for _ in 0..50 {
                sent += deliver_due(&pool, &mailer, &config, 3).await.unwrap();
            }
            sent
        }));
    }
    let mut total = 0;
    for w in workers {
        total += w.await.unwrap();
    }
    assert_eq!(total, 30);
    let received = smtp.received().await;
    assert_eq!(received.len(), 30, "each message went out once");
    let mut recipients: Vec<String> = received
        .iter()
        .filter_map(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("To: ").map(String::from))
        })
        .collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 30);
    let instances: i64 =
        sqlx::query_scalar("SELECT count(DISTINCT instance) FROM notification_log")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(instances, 2, "both instances took part");
}

#[sqlx::test(migrations = false)]
async fn without_smtp_the_message_is_written_as_an_eml_file_in_the_data_folder(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.register(&client(), "awa@example.cm").await;
    let config = Config::for_tests("unused", temp_dir());
    let mailer = Mailer::from_config(&config).unwrap();
    assert_eq!(
        deliver_due(&app.pool, &mailer, &config, 10).await.unwrap(),
        1
    );
    let mut files = std::fs::read_dir(config.data_dir.join("mail"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect::<Vec<_>>();
    assert_eq!(files.len(), 1);
    let file = files.pop().unwrap();
    assert_eq!(file.extension().and_then(|e| e.to_str()), Some("eml"));
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("To: awa@example.cm") && text.contains("Subject: Welcome to Tessera"));
}

use mail_parser::MimeHeaders;

/// Everything SMTP received, parsed as MIME.
fn parsed(raw: &str) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a MIME message")
}

#[sqlx::test]
async fn the_eticket_email_is_html_and_text_with_the_qr_codes_inline_and_the_pdfs_attached(
    pool: PgPool,
) {
    let app = spawn_app(pool).await;
    sqlx::query(
        "INSERT INTO events (id, slug, kind, title, venue, starts_at, ends_at, capacity, price, currency, max_per_order)
         VALUES (gen_random_uuid(), 'fest', 'EVENT', 'Festival', 'Douala', now() + interval '3 days',
                 now() + interval '3 days 4 hours', 50, 5000, 'XAF', 10)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let buyer = client();
    buyer
        .post(format!("{}/fn/place_order", app.addr))
        .header("accept-language", "fr")
        .form(&[
            ("slug", "fest"),
            ("quantity", "2"),
            ("name", "Nguyễn Thị Phương"),
            ("email", "phuong@example.cm"),
            ("phone", "+237 677 12 34 56"),
        ])
        .send()
        .await
        .unwrap();
    let reference: String = sqlx::query_scalar("SELECT reference FROM orders")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let admin = client();
    app.register(&admin, "boss@example.cm").await;
    app.make_admin("boss@example.cm").await;
    let res = app
        .post_fn(
            &admin,
            "mark_order_paid",
            &[("reference", &reference), ("via", "CASH")],
        )
        .await;
    assert!(res.status().is_success());
    sqlx::query("UPDATE outbox SET status = 'SENT' WHERE kind <> 'tickets_issued'")
        .execute(&app.pool)
        .await
        .unwrap();

    let smtp = SmtpServer::start(0).await;
    let config = smtp_config(smtp.port, "a");
    let mailer = Mailer::from_config(&config).unwrap();
    assert_eq!(
        deliver_due(&app.pool, &mailer, &config, 10).await.unwrap(),
        1
    );
    let received = smtp.received().await;
    let mail = parsed(&received[0]);
    // The text and the HTML say the same thing, in the buyer's language.
    let text = mail.body_text(0).expect("a text part");
    let html = mail.body_html(0).expect("an HTML part");
    assert!(
        text.contains("Nguyễn Thị Phương") && text.contains("/t/"),
        "{text}"
    );
    assert!(html.contains("Nguyễn Thị Phương") && html.contains(r#"<html lang="fr">"#));
    assert!(html.contains("width=device-width"), "readable on a phone");
    let tokens: Vec<String> = sqlx::query_scalar("SELECT token FROM etickets ORDER BY seq")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    for token in &tokens {
        assert!(html.contains(&format!(
            r#"href="{}/t/{token}""#,
            app.state.config.base_url
        )));
    }
    // Each ticket's QR code is an inline PNG the HTML shows by its Content-ID, and it scans
    // back to that ticket's link.
    for (seq, token) in tokens.iter().enumerate() {
        let cid = format!("qr-{}@tessera", seq + 1);
        assert!(html.contains(&format!("cid:{cid}")), "{html}");
        let part = mail
            .parts
            .iter()
            .find(|p| p.content_id() == Some(cid.as_str()))
            .expect("the inline image");
        assert_eq!(part.content_type().map(|c| c.subtype()), Some(Some("png")));
        let img = image::load_from_memory(part.contents()).unwrap().to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
            img.width() as usize,
            img.height() as usize,
            |x, y| img.get_pixel(x as u32, y as u32).0[0],
        );
        let (_, content) = prepared.detect_grids()[0].decode().unwrap();
        assert!(content.ends_with(&format!("/t/{token}")));
    }
    // Both e-tickets and the invoice are attached as PDFs.
    let pdfs: Vec<String> = mail
        .attachments()
        .filter(|a| a.content_type().and_then(|c| c.subtype()) == Some("pdf"))
        .filter_map(|a| a.attachment_name().map(str::to_string))
        .collect();
    assert_eq!(pdfs.len(), 3, "{pdfs:?}");
    assert!(pdfs.iter().filter(|n| n.starts_with("e-ticket-")).count() == 2);
}

#[sqlx::test]
async fn the_owner_is_told_of_a_sign_in_from_a_new_browser_and_of_a_password_change(pool: PgPool) {
    let app = spawn_app(pool).await;
    let phone = "Mozilla/5.0 (Linux; Android 14; SM-A146B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
    let laptop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
    let browser = |agent: &str| {
        reqwest::Client::builder()
            .cookie_store(true)
            .user_agent(agent)
            .build()
            .unwrap()
    };
    let security = |kind: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT body FROM outbox WHERE kind = $1 ORDER BY created_at",
            )
            .bind(kind)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    // Registering signs in from the phone: the first browser tells nobody.
    let on_phone = browser(phone);
    app.register(&on_phone, "awa@example.cm").await;
    let again = browser(phone);
    app.login(&again, "awa@example.cm", "correct horse battery")
        .await;
    assert!(security("security_sign_in").await.is_empty());
    // A browser the account has never used: its owner is told which, when and from where.
    let on_laptop = browser(laptop);
    app.login(&on_laptop, "awa@example.cm", "correct horse battery")
        .await;
    let told = security("security_sign_in").await;
    assert_eq!(told.len(), 1);
    assert!(
        told[0].contains("Firefox · Windows") && told[0].contains("127.0.0.1"),
        "{}",
        told[0]
    );
    assert!(told[0].contains("/forgot"));
    // The same laptop again: nothing new. A failed attempt tells nothing either.
    app.login(&browser(laptop), "awa@example.cm", "correct horse battery")
        .await;
    app.login(
        &browser("Mozilla/5.0 (iPhone) Safari/604.1"),
        "awa@example.cm",
        "wrong password here",
    )
    .await;
    assert_eq!(security("security_sign_in").await.len(), 1);

    // Changing the password from the account page is told too.
    assert!(security("security_password").await.is_empty());
    let res = app
        .post_fn(
            &on_laptop,
            "change_password",
            &[
                ("current_password", "correct horse battery"),
                ("new_password", "another long passphrase"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    let told = security("security_password").await;
    assert_eq!(told.len(), 1);
    assert!(
        told[0].contains("Hello") && told[0].contains("/forgot"),
        "{}",
        told[0]
    );
}
