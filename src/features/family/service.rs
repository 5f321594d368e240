//! Families on the server: who belongs, and adding a member (only the manager may).

use sqlx::PgPool;
use uuid::Uuid;

use super::{FamilyView, MemberView};
use crate::{
    domain::{Email, Lang, PersonName, PhoneNumber},
    error::{AppError, Echo},
    features::accounts::service::create_reset_token,
    i18n::{t, tf},
    platform::{audit::audit, auth::AuthUser, config::Config, outbox, respond},
};

#[tracing::instrument(skip(pool), fields(user_id = %user.id))]
pub async fn family_of(pool: &PgPool, user: &AuthUser) -> Result<Option<FamilyView>, AppError> {
    let Some(family_id) = user.family_id else {
        return Ok(None);
    };
    let family = sqlx::query!(
        "SELECT name, manager_id FROM families WHERE id = $1",
        family_id
    )
    .fetch_one(pool)
    .await
    .map_err(respond::internal)?;
    let members = sqlx::query!(
        "SELECT id, name, email, phone FROM users WHERE family_id = $1 ORDER BY created_at, name",
        family_id
    )
    .fetch_all(pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .map(|m| MemberView {
        is_manager: Some(m.id) == family.manager_id,
        name: m.name,
        email: m.email,
        phone: m.phone,
    })
    .collect();
    Ok(Some(FamilyView {
        name: family.name,
        is_manager: family.manager_id == Some(user.id),
        members,
    }))
}

pub struct NewMember {
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// Adds an account to the manager's family and e-mails it a link to choose its password.
#[tracing::instrument(skip_all, fields(manager_id = %manager.id))]
pub async fn add_member(
    pool: &PgPool,
    config: &Config,
    manager: &AuthUser,
    input: NewMember,
) -> Result<(), AppError> {
    let echo: Echo = vec![
        ("name".into(), input.name.clone()),
        ("email".into(), input.email.clone()),
        ("phone".into(), input.phone.clone()),
    ];
    let bad = |field: &str, key: &str| AppError::field(field, key, echo.clone());
    let name = PersonName::parse(&input.name).map_err(|k| bad("name", k))?;
    let email = Email::parse(&input.email).map_err(|k| bad("email", k))?;
    let phone = PhoneNumber::parse(&input.phone).map_err(|k| bad("phone", k))?;

    let mut tx = pool.begin().await.map_err(respond::internal)?;
    // Lock the family row: the manager check and the insert must see the same family.
    let family = sqlx::query!(
        "SELECT id, name, manager_id FROM families WHERE id = $1 FOR UPDATE",
        manager.family_id.unwrap_or_default()
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::Forbidden)?;
    if family.manager_id != Some(manager.id) {
        return Err(AppError::form("family.only_manager", echo, 403));
    }
    let member_id = Uuid::new_v4();
    let lang: Lang = manager.language;
    let inserted = sqlx::query!(
        "INSERT INTO users (id, name, email, phone, language, family_id) VALUES ($1, $2, $3, $4, $5, $6)",
        member_id,
        name.as_ref(),
        email.as_ref(),
        phone.as_ref(),
        lang.code(),
        family.id
    )
    .execute(&mut *tx)
    .await;
    if let Err(e) = inserted {
        return Err(match &e {
            sqlx::Error::Database(db) if db.constraint() == Some("users_email_key") => {
                AppError::Invalid {
                    field: Some("email".into()),
                    key: "error.email_taken".into(),
                    echo,
                    status: 409,
                    also: Vec::new(),
                }
            }
            _ => respond::internal(e),
        });
    }
    let token = create_reset_token(&mut tx, member_id, 72).await?;
    let body = tf(
        lang,
        "mail.invite.body",
        &[
            ("name", name.as_ref()),
            ("manager", &manager.name),
            ("family", &family.name),
            ("url", &config.base_url),
            ("token", &token),
        ],
    );
    outbox::enqueue(
        &mut tx,
        outbox::Email {
            kind: "family_invite",
            to: email.as_ref(),
            lang,
            subject: t(lang, "mail.invite.subject"),
            body: &body,
        },
    )
    .await
    .map_err(respond::internal)?;
    audit(
        &mut tx,
        Some(manager.id),
        "family.member_added",
        "user",
        member_id,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)
}
