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

/// Configuration mistakes stop the start-up with the variable named: half of a gateway (a key
/// without its webhook secret), a secret file that cannot be read, a secret given twice, a
/// time zone or pool size out of range. A secret read from `NAME_FILE` (trailing newline and
/// all, as `LoadCredential` and Docker secrets mount them) works like `NAME`.
#[sqlx::test(migrations = false)]
async fn start_up_refuses_half_a_gateway_and_reads_secrets_from_files(pool: PgPool) {
    let dir = std::env::temp_dir().join(format!("tessera-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let secret_file = dir.join("secret");
    std::fs::write(&secret_file, "s3cr3t\n").unwrap();
    let secret_file = secret_file.to_string_lossy().to_string();
    let refused = |envs: &[(&str, &str)], expected: &str| {
        let mut cmd = tessera();
        cmd.arg("migrate");
        for (name, value) in envs {
            cmd.env(name, value);
        }
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{envs:?} started");
        assert!(err.contains(expected), "{envs:?}: {err}");
        err.to_string()
    };
    refused(
        &[("STRIPE_SECRET_KEY", "sk_test_1")],
        "STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET go together: STRIPE_WEBHOOK_SECRET is missing",
    );
    refused(
        &[("PAYTR_MERCHANT_ID", "1"), ("PAYTR_MERCHANT_KEY", "k")],
        "PAYTR_MERCHANT_SALT is missing",
    );
    refused(
        &[("SUMUP_CLIENT_SECRET", "s")],
        "SUMUP_CLIENT_ID is missing",
    );
    refused(
        &[("NOTCHPAY_PUBLIC_KEY", "pk")],
        "NOTCHPAY_HASH_KEY is missing",
    );
    refused(
        &[("MOMO_API_USER", "u")],
        "MOMO_API_KEY, MOMO_SUBSCRIPTION_KEY are missing",
    );
    refused(
        &[("WHATSAPP_APP_SECRET", "s")],
        "WHATSAPP_VERIFY_TOKEN is missing",
    );
    refused(
        &[("S3_ACCESS_KEY_ID", "a")],
        "S3_SECRET_ACCESS_KEY is missing",
    );
    refused(&[("SMTP_USERNAME", "a")], "SMTP_PASSWORD is missing");
    refused(
        &[("STRIPE_WEBHOOK_SECRET_FILE", "/nonexistent/whsec")],
        "STRIPE_WEBHOOK_SECRET_FILE names /nonexistent/whsec, which cannot be read",
    );
    refused(
        &[
            ("TESSERA_SECRET", "a"),
            ("TESSERA_SECRET_FILE", &secret_file),
        ],
        "set TESSERA_SECRET or TESSERA_SECRET_FILE, not both",
    );
    // Half a gateway with the other half in a file is whole: only the (absent) database stops it.
    let err = refused(
        &[
            ("STRIPE_SECRET_KEY", "sk_test_1"),
            ("STRIPE_WEBHOOK_SECRET_FILE", &secret_file),
        ],
        "error",
    );
    assert!(!err.contains("STRIPE"), "{err}");
    refused(
        &[("TESSERA_UTC_OFFSET", "Africa/Douala")],
        "TESSERA_UTC_OFFSET",
    );
    refused(&[("TESSERA_UTC_OFFSET", "+15:00")], "at most 14 hours");
    refused(&[("DATABASE_POOL_SIZE", "0")], "DATABASE_POOL_SIZE");
    refused(
        &[("DATABASE_STATEMENT_CACHE", "-1")],
        "DATABASE_STATEMENT_CACHE",
    );
    refused(
        &[("DATABASE_STATEMENT_CACHE", "20000")],
        "DATABASE_STATEMENT_CACHE",
    );

    // The database address itself from a file: the migration runs.
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL for the tests");
    let url_file = dir.join("database-url");
    std::fs::write(
        &url_file,
        format!("{}/{name}\n", base.rsplit_once('/').unwrap().0),
    )
    .unwrap();
    let out = tessera()
        .env_remove("DATABASE_URL")
        .env("DATABASE_URL_FILE", &url_file)
        .env("TESSERA_UTC_OFFSET", "-04:30")
        .env("DATABASE_POOL_SIZE", "3")
        // No statement kept: each query prepared anew, as behind a pooler that cannot keep them.
        .env("DATABASE_STATEMENT_CACHE", "0")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let migrated: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(migrated > 10);
    let _ = std::fs::remove_dir_all(&dir);
}
