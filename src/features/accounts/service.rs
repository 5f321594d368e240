//! Accounts on the server: registration, login with throttling, passwords and reset links.

use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    domain::{AccountKind, Email, FamilyName, Lang, Password, PersonName, PhoneNumber},
    error::{AppError, Checks, Echo},
    i18n::{t, tf},
    platform::{
        audit::audit,
        auth::{self, AuthUser},
        config::Config,
        outbox, respond, throttle,
    },
};

pub struct NewAccount {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub password: String,
    pub family_name: String,
    /// `family` (or empty) or `organisation`.
    pub account_kind: String,
}

fn field<T>(r: Result<T, &'static str>, name: &str, echo: &Echo) -> Result<T, AppError> {
    r.map_err(|key| AppError::field(name, key, echo.clone()))
}

fn is_unique_violation(e: &sqlx::Error, constraint: &str) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.constraint() == Some(constraint))
}

/// Creates the user and their family, with them as its manager, and queues the welcome e-mail:
/// all in one transaction, so a refusal leaves nothing behind.
#[tracing::instrument(skip_all)]
pub async fn register(
    pool: &PgPool,
    config: &Config,
    input: NewAccount,
    lang: Lang,
) -> Result<AuthUser, AppError> {
    let echo: Echo = vec![
        ("name".into(), input.name.clone()),
        ("email".into(), input.email.clone()),
        ("phone".into(), input.phone.clone()),
        ("family_name".into(), input.family_name.clone()),
        ("account_kind".into(), input.account_kind.clone()),
    ];
    let mut checks = Checks::new(&echo);
    let name = checks.field("name", PersonName::parse(&input.name));
    let email = checks.field("email", Email::parse(&input.email));
    let phone = checks.field("phone", PhoneNumber::parse(&input.phone));
    let password = checks.field("password", Password::parse(&input.password));
    let family_name = checks.field("family_name", FamilyName::parse(&input.family_name));
    let kind = checks.field("account_kind", AccountKind::parse(&input.account_kind));
    checks.finish()?;
    let (Some(name), Some(email), Some(phone), Some(password), Some(family_name), Some(kind)) =
        (name, email, phone, password, family_name, kind)
    else {
        return Err(AppError::Internal);
    };
    let hash = auth::hash_password(password.expose().to_string()).await?;

    let user_id = Uuid::new_v4();
    let family_id = Uuid::new_v4();
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    sqlx::query!(
        "INSERT INTO families (id, name, manager_id, kind) VALUES ($1, $2, $3, $4)",
        family_id,
        family_name.as_ref(),
        user_id,
        kind.as_str()
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    let inserted = sqlx::query!(
        "INSERT INTO users (id, name, email, phone, password_hash, language, family_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        user_id,
        name.as_ref(),
        email.as_ref(),
        phone.as_ref(),
        hash,
        lang.code(),
        family_id
    )
    .execute(&mut *tx)
    .await;
    if let Err(e) = inserted {
        return Err(if is_unique_violation(&e, "users_email_key") {
            AppError::Invalid {
                field: Some("email".into()),
                key: "error.email_taken".into(),
                echo,
                status: 409,
                also: Vec::new(),
            }
        } else {
            respond::internal(e)
        });
    }
    let body = tf(
        lang,
        "mail.welcome.body",
        &[
            ("name", name.as_ref()),
            ("family", family_name.as_ref()),
            ("url", &config.base_url),
            ("email", email.as_ref()),
        ],
    );
    outbox::enqueue(
        &mut tx,
        outbox::Email {
            kind: "welcome",
            to: email.as_ref(),
            lang,
            subject: t(lang, "mail.welcome.subject"),
            body: &body,
        },
    )
    .await
    .map_err(respond::internal)?;
    audit(&mut tx, Some(user_id), "user.registered", "user", user_id).await?;
    crate::features::billing::service::start_trial(&mut tx, family_id, config.billing.trial_days)
        .await?;
    tx.commit().await.map_err(respond::internal)?;
    tracing::info!(%user_id, %family_id, "account registered");
    Ok(AuthUser {
        id: user_id,
        name: name.as_ref().into(),
        email: email.as_ref().into(),
        phone: phone.as_ref().into(),
        role: crate::domain::Role::Member,
        language: lang,
        family_id: Some(family_id),
        manages_family: true,
        family_name: family_name.as_ref().into(),
    })
}

/// Checks the password, refusing while the account or the address is throttled.
#[tracing::instrument(skip(pool, config, password))]
pub async fn authenticate(
    pool: &PgPool,
    config: &Config,
    email: &str,
    password: &str,
    ip: &str,
) -> Result<AuthUser, AppError> {
    let echo: Echo = vec![("email".into(), email.to_string())];
    let normalised = Email::parse(email)
        .map(|e| e.as_ref().to_string())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    let keys = throttle::keys(&normalised, ip);
    if throttle::is_locked(pool, config, &keys)
        .await
        .map_err(respond::internal)?
    {
        return Err(AppError::form("error.login_throttled", echo, 429));
    }
    let row = sqlx::query!(
        "SELECT id, password_hash FROM users WHERE email = $1",
        normalised
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?;
    let (id, hash) = match row {
        Some(r) => (Some(r.id), r.password_hash.unwrap_or_default()),
        None => (None, String::new()),
    };
    // Always run one Argon2 verification, so a missing account answers as slowly as a wrong password.
    let hash = if hash.is_empty() {
        auth::dummy_hash().await
    } else {
        hash
    };
    let ok = auth::verify_password(password.to_string(), hash).await && id.is_some();
    match (ok, id) {
        (true, Some(id)) => {
            throttle::clear(pool, &keys)
                .await
                .map_err(respond::internal)?;
            auth::load_user(pool, id)
                .await
                .map_err(respond::internal)?
                .ok_or(AppError::Internal)
        }
        _ => {
            throttle::record_failure(pool, config, &keys)
                .await
                .map_err(respond::internal)?;
            Err(AppError::form("error.login_failed", echo, 401))
        }
    }
}

#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn change_password(
    pool: &PgPool,
    config: &Config,
    user: &AuthUser,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let hash = sqlx::query_scalar!("SELECT password_hash FROM users WHERE id = $1", user.id)
        .fetch_one(pool)
        .await
        .map_err(respond::internal)?
        .unwrap_or_default();
    if hash.is_empty() || !auth::verify_password(current.to_string(), hash).await {
        return Err(AppError::field(
            "current_password",
            "error.password_wrong",
            vec![],
        ));
    }
    let new = field(Password::parse(new), "new_password", &vec![])?;
    let hash = auth::hash_password(new.expose().to_string()).await?;
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    sqlx::query!(
        "UPDATE users SET password_hash = $1 WHERE id = $2",
        hash,
        user.id
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    audit(
        &mut tx,
        Some(user.id),
        "user.password_changed",
        "user",
        user.id,
    )
    .await?;
    super::security::tell_password_changed(&mut tx, config, user.id).await?;
    tx.commit().await.map_err(respond::internal)
}

/// Stores the hash of a new single-use link for `user_id` and returns the token to e-mail.
pub async fn create_reset_token(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user_id: Uuid,
    valid_hours: i32,
) -> Result<String, AppError> {
    let token = auth::new_token();
    sqlx::query!(
        "INSERT INTO password_resets (token_hash, user_id, expires_at)
         VALUES ($1, $2, now() + make_interval(hours => $3))",
        auth::token_hash(&token),
        user_id,
        valid_hours
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?;
    Ok(token)
}

/// Queues a reset e-mail if the address belongs to an account; says nothing either way.
#[tracing::instrument(skip_all)]
pub async fn request_reset(pool: &PgPool, config: &Config, email: &str) -> Result<(), AppError> {
    let Ok(email) = Email::parse(email) else {
        return Err(AppError::field(
            "email",
            "error.email_invalid",
            vec![("email".into(), email.into())],
        ));
    };
    // Past the limit for this address, the form answers as usual but sends nothing more: the
    // answer must not tell whether the account exists, nor let anyone flood its owner.
    let key = format!("forgot:email:{}", email.as_ref());
    let per_hour = config.rate.forgot_per_hour;
    if !throttle::allow(pool, &key, per_hour, 3600)
        .await
        .map_err(respond::internal)?
    {
        tracing::warn!("reset e-mails for one address limited");
        return Ok(());
    }
    let Some(user) = sqlx::query!(
        "SELECT id, name, language FROM users WHERE email = $1",
        email.as_ref()
    )
    .fetch_optional(pool)
    .await
    .map_err(respond::internal)?
    else {
        return Ok(());
    };
    let lang = Lang::parse(&user.language).unwrap_or_default();
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let token = create_reset_token(&mut tx, user.id, 1).await?;
    let body = tf(
        lang,
        "mail.reset.body",
        &[
            ("name", &user.name),
            ("url", &config.base_url),
            ("token", &token),
        ],
    );
    outbox::enqueue(
        &mut tx,
        outbox::Email {
            kind: "password_reset",
            to: email.as_ref(),
            lang,
            subject: t(lang, "mail.reset.subject"),
            body: &body,
        },
    )
    .await
    .map_err(respond::internal)?;
    tx.commit().await.map_err(respond::internal)
}

/// Uses a reset link once: the conditional update is the lock, so a link cannot be used twice.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    pool: &PgPool,
    config: &Config,
    token: &str,
    password: &str,
) -> Result<Uuid, AppError> {
    let password = field(Password::parse(password), "password", &vec![])?;
    let hash = auth::hash_password(password.expose().to_string()).await?;
    let mut tx = pool.begin().await.map_err(respond::internal)?;
    let user_id = sqlx::query_scalar!(
        "UPDATE password_resets SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id",
        auth::token_hash(token.trim())
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| AppError::form("error.reset_invalid", vec![], 400))?;
    sqlx::query!(
        "UPDATE users SET password_hash = $1 WHERE id = $2",
        hash,
        user_id
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    sqlx::query!("DELETE FROM login_attempts WHERE key = (SELECT 'email:' || email FROM users WHERE id = $1)", user_id)
        .execute(&mut *tx)
        .await
        .map_err(respond::internal)?;
    audit(
        &mut tx,
        Some(user_id),
        "user.password_reset",
        "user",
        user_id,
    )
    .await?;
    super::security::tell_password_changed(&mut tx, config, user_id).await?;
    tx.commit().await.map_err(respond::internal)?;
    Ok(user_id)
}

/// Issues a bearer token valid for 30 days for a user who authenticated.
pub async fn issue_api_token(pool: &PgPool, user_id: Uuid) -> Result<String, AppError> {
    let token = auth::new_token();
    sqlx::query!(
        "INSERT INTO api_tokens (id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + interval '30 days')",
        Uuid::new_v4(),
        user_id,
        auth::token_hash(&token)
    )
    .execute(pool)
    .await
    .map_err(respond::internal)?;
    Ok(token)
}
