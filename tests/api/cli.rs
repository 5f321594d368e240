//! The command line, run as the built binary: help without a database, arguments checked by
//! the parser, and `admin create` against a real database.

use std::process::{Command, Stdio};

use sqlx::PgPool;

fn tessera() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tessera"));
    // Nothing listens there: whatever needs a database would fail.
    cmd.env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none");
    cmd
}

#[test]
fn help_is_answered_without_a_database() {
    let out = tessera().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for command in ["serve", "migrate", "admin", "payments", "alerts"] {
        assert!(text.contains(command), "{text}");
    }
    let out = tessera()
        .args(["admin", "create", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("--email") && text.contains("--name"),
        "{text}"
    );
    let out = tessera()
        .args(["payments", "poll", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("--order"));
    // A mistake is named, with usage, and exits 2 before anything connects.
    let out = tessera()
        .args(["admin", "create", "--email", "a@b.cm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--name"));
    let out = tessera().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// (`admin create` with a typed password is tested in `security.rs`.)
#[sqlx::test(migrations = false)]
async fn admin_create_refuses_an_address_the_outbox_could_not_send_to(pool: PgPool) {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL for the tests");
    let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
    let out = tessera()
        .env("DATABASE_URL", &url)
        .args([
            "admin",
            "create",
            "--email",
            "a,b@x.cm",
            "--name",
            "Chef Mballa",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid"));
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'users'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 0, "refused before touching the database");
}
