//! The command line: `tessera` (serve), `tessera migrate`, `tessera admin create`,
//! `tessera payments poll`, `tessera alerts test`.

use std::{io::IsTerminal, process::ExitCode};

use clap::{Parser, Subcommand};

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

/// Tessera: payment collection by mobile money, cards and proofs.
///
/// Configuration comes from environment variables (see the README). Without DATABASE_URL the
/// database is the one `./dev serve` runs (postgres://tessera@127.0.0.1:55433/tessera, port
/// from TESSERA_PG_PORT), so commands work beside it without looking up its address.
#[derive(Parser)]
#[command(name = "tessera", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app (the default)
    Serve,
    /// Apply the database migrations and exit
    Migrate,
    /// Admin accounts
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Payments waiting for their provider
    #[command(subcommand)]
    Payments(PaymentsCommand),
    /// Alerts to the admins
    #[command(subcommand)]
    Alerts(AlertsCommand),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin. The password is read from stdin, or generated and printed when stdin
    /// is empty or a terminal
    Create {
        /// The admin's e-mail address (their login)
        #[arg(long)]
        email: String,
        /// The admin's name, as pages show it
        #[arg(long)]
        name: String,
        /// A phone number for the account
        #[arg(long, default_value = "+237600000000")]
        phone: String,
    },
}

#[derive(Subcommand)]
enum PaymentsCommand {
    /// Check open payments with their provider now (one cycle)
    Poll {
        /// Print what each provider said about each payment
        #[arg(short, long)]
        verbose: bool,
        /// Check only this order or payment (ORD-… or PAY-…)
        #[arg(long, value_name = "REF")]
        order: Option<String>,
        /// Check every due payment, not only one batch (POLL_BATCH)
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
enum AlertsCommand {
    /// Send a test alert to the admins, ALERTS_EMAIL and ALERTS_WHATSAPP
    Test,
}

pub async fn main() -> ExitCode {
    // Help, version and mistakes in the arguments are answered before anything is read or
    // connected: `tessera --help` works without a database.
    let cli = Cli::parse();
    super::init_tracing();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    crate::domain::set_site_utc_offset(config.utc_offset_secs);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await.map_err(|e| e.to_string()),
        Command::Migrate => migrated_pool(&config).await.map(|_| ()),
        Command::Admin(AdminCommand::Create { email, name, phone }) => {
            create_admin(&config, &email, &name, &phone).await
        }
        Command::Payments(PaymentsCommand::Poll {
            verbose,
            order,
            all,
        }) => poll(config, verbose, order.as_deref(), all).await,
        Command::Alerts(AlertsCommand::Test) => alert_test(config).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate_password() -> String {
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

async fn create_admin(config: &Config, email: &str, name: &str, phone: &str) -> Result<(), String> {
    let email =
        Email::parse(email).map_err(|k| crate::i18n::t(Default::default(), k).to_string())?;
    let name =
        PersonName::parse(name).map_err(|k| crate::i18n::t(Default::default(), k).to_string())?;
    let phone =
        PhoneNumber::parse(phone).map_err(|k| crate::i18n::t(Default::default(), k).to_string())?;
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
    let pool = migrated_pool(config).await?;
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

/// The database of `config`, migrated.
async fn migrated_pool(config: &Config) -> Result<sqlx::PgPool, String> {
    let pool = connect(
        config.database_url.expose(),
        config.pool_size,
        config.statement_cache,
    )
    .await
    .map_err(|e| e.to_string())?;
    migrate(&pool).await.map_err(|e| e.to_string())?;
    Ok(pool)
}

/// The state a command needs: the database (migrated) and everything built on it.
async fn state(config: Config) -> Result<AppState, String> {
    let pool = migrated_pool(&config).await?;
    let options = leptos::config::LeptosOptions::builder()
        .output_name("tessera")
        .build();
    super::build_state(pool, config, options)
        .await
        .map_err(|e| e.to_string())
}

/// `tessera payments poll`: one verification cycle now, and what each provider said.
async fn poll(config: Config, verbose: bool, order: Option<&str>, all: bool) -> Result<(), String> {
    use crate::features::payments::poller::{cycle, Kind, Scope};
    let state = state(config).await?;
    let scope = match order {
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
