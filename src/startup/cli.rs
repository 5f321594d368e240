//! The command line: `tessera` (serve), `tessera migrate`, `tessera admin create`.

use std::{io::IsTerminal, process::ExitCode};

use rand::{distributions::Alphanumeric, Rng};
use uuid::Uuid;

use super::serve;
use crate::domain::{Email, Password, PersonName, PhoneNumber};
use crate::platform::{
    auth,
    config::Config,
    db::{connect, migrate},
};

const USAGE: &str = "usage:
  tessera [serve]                 serve the app (configuration from environment variables)
  tessera migrate                 apply database migrations and exit
  tessera admin create --email EMAIL --name NAME [--phone PHONE]
                                  create an admin; the password is read from stdin,
                                  or generated and printed when stdin is empty or a terminal";

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
