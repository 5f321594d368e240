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
