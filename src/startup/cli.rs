//! The command line: `tessera` (serve), `tessera migrate`, `tessera admin create`,
//! `tessera payments poll`, `tessera alerts test`.

use std::{io::IsTerminal, process::ExitCode};

use rand::{distributions::Alphanumeric, Rng};
use uuid::Uuid;

use super::serve;
use crate::domain::{Email, Password, PersonName, PhoneNumber};
use crate::platform::{
    alerts, auth,
    config::Config,
    db::{connect, migrate},
    outbox,
    state::AppState,
};

const USAGE: &str = "usage:
  tessera [serve]                 serve the app (configuration from environment variables)
  tessera migrate                 apply database migrations and exit
  tessera admin create --email EMAIL --name NAME [--phone PHONE]
                                  create an admin; the password is read from stdin,
                                  or generated and printed when stdin is empty or a terminal
  tessera payments poll [--verbose] [--order REF] [--all]
                                  check open payments with their provider now (one cycle,
                                  at most POLL_BATCH unless --all; REF: ORD-… or PAY-…)
  tessera alerts test             send a test alert to the admins, ALERTS_EMAIL and
                                  ALERTS_WHATSAPP";

pub async fn main() -> ExitCode {
    super::init_tracing();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match args.as_slice() {
        [] | ["serve"] => serve(config).await.map_err(|e| e.to_string()),
        ["migrate"] => {
            async {
                let pool = connect(config.database_url.expose())
                    .await
                    .map_err(|e| e.to_string())?;
                migrate(&pool).await.map_err(|e| e.to_string())
            }
            .await
        }
        ["admin", "create", rest @ ..] => create_admin(&config, rest).await,
        ["payments", "poll", rest @ ..] => poll(config, rest).await,
        ["alerts", "test"] => alert_test(config).await,
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown command\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn flag<'a>(args: &[&'a str], name: &str) -> Option<&'a str> {
    args.windows(2).find(|w| w[0] == name).map(|w| w[1])
}

fn generate_password() -> String {
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

async fn create_admin(config: &Config, args: &[&str]) -> Result<(), String> {
    let email = Email::parse(flag(args, "--email").ok_or("--email is required")?)
        .map_err(|k| crate::i18n::t(Default::default(), k).to_string())?;
    let name = PersonName::parse(flag(args, "--name").ok_or("--name is required")?)
        .map_err(|k| crate::i18n::t(Default::default(), k).to_string())?;
    let phone = PhoneNumber::parse(flag(args, "--phone").unwrap_or("+237600000000"))
        .map_err(|k| crate::i18n::t(Default::default(), k).to_string())?;
    let stdin = std::io::stdin();
    let mut typed = String::new();
    if !stdin.is_terminal() {
        stdin.read_line(&mut typed).map_err(|e| e.to_string())?;
    }
    let typed = typed.trim_end_matches(['\r', '\n']);
    let (password, generated) = if typed.is_empty() {
        (generate_password(), true)
    } else {
        (typed.to_string(), false)
    };
    let password = Password::parse(&password)
        .map_err(|k| crate::i18n::t(Default::default(), k).to_string())?;
    let pool = connect(config.database_url.expose())
        .await
        .map_err(|e| e.to_string())?;
    migrate(&pool).await.map_err(|e| e.to_string())?;
    let hash = auth::hash_password(password.expose().to_string())
        .await
        .map_err(|e| e.to_string())?;
    let inserted = sqlx::query!(
        "INSERT INTO users (id, name, email, phone, password_hash, role) VALUES ($1, $2, $3, $4, $5, 'admin')
         ON CONFLICT (email) DO NOTHING",
        Uuid::new_v4(),
        name.as_ref(),
        email.as_ref(),
        phone.as_ref(),
        hash
    )
    .execute(&pool)
    .await
    .map_err(|e| e.to_string())?;
    if inserted.rows_affected() == 0 {
        return Err(format!("an account already uses {}", email.as_ref()));
    }
    println!("admin created: {}", email.as_ref());
    if generated {
        println!("password: {}", password.expose());
    }
    Ok(())
}

/// The state a command needs: the database (migrated) and everything built on it.
async fn state(config: Config) -> Result<AppState, String> {
    let pool = connect(config.database_url.expose())
        .await
        .map_err(|e| e.to_string())?;
    migrate(&pool).await.map_err(|e| e.to_string())?;
    let options = leptos::config::LeptosOptions::builder()
        .output_name("tessera")
        .build();
    super::build_state(pool, config, options)
        .await
        .map_err(|e| e.to_string())
}

/// `tessera payments poll`: one verification cycle now, and what each provider said.
async fn poll(config: Config, args: &[&str]) -> Result<(), String> {
    use crate::features::payments::poller::{cycle, Kind, Scope};
    let verbose = args.contains(&"--verbose") || args.contains(&"-v");
    let all = args.contains(&"--all");
    let state = state(config).await?;
    let scope = match flag(args, "--order") {
        None => Scope::Due,
        Some(reference) => match (
            crate::domain::parse_order_reference(reference),
            crate::domain::parse_payment_reference(reference),
        ) {
            (Some(order), _) => Scope::Order(
                crate::features::orders::queries::order_id(&state.pool, &order)
                    .await
                    .map_err(|_| format!("no order {order}"))?,
            ),
            (_, Some(payment)) => Scope::Payment(
                sqlx::query_scalar!("SELECT id FROM payments WHERE reference = $1", payment)
                    .fetch_optional(&state.pool)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("no payment {payment}"))?,
            ),
            _ => return Err(format!("{reference} is neither ORD-… nor PAY-…")),
        },
    };
    let limit = (matches!(scope, Scope::Due) && !all).then_some(state.config.poller.batch);
    let report = cycle(&state, Kind::Manual, scope, limit)
        .await
        .map_err(|e| e.to_string())?;
    if verbose {
        for l in &report.lines {
            println!(
                "{:<16} {:<8} {:<40} -> {}",
                l.reference,
                l.provider,
                l.said,
                l.changed.as_str()
            );
        }
    }
    use crate::features::payments::poller::Change;
    println!(
        "checked {}: {} settled, {} failed, {} expired, {} to review, {} errors",
        report.lines.len(),
        report.count(Change::Settled),
        report.count(Change::Failed),
        report.count(Change::Expired),
        report.count(Change::Review),
        report.count(Change::Error),
    );
    Ok(())
}

/// `tessera alerts test`: a test alert to everyone alerts go to, delivered now.
async fn alert_test(config: Config) -> Result<(), String> {
    let mailer = outbox::Mailer::from_config(&config).map_err(|e| e.to_string())?;
    let state = state(config).await?;
    let mut tx = state.pool.begin().await.map_err(|e| e.to_string())?;
    let at = chrono::Utc::now().to_rfc3339();
    let queued = alerts::send(
        &mut tx,
        &state.config,
        "alert_test",
        &[("instance", &state.config.instance), ("at", &at)],
    )
    .await
    .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    let sent = outbox::deliver_due(&state.pool, &mailer, &state.config, 100)
        .await
        .map_err(|e| e.to_string())?;
    println!("test alert queued for {queued} recipients; {sent} messages delivered now");
    if queued == 0 {
        println!("nobody receives alerts: create an admin or set ALERTS_EMAIL");
    }
    Ok(())
}
