//! Demo data for the first command of the README: an admin and a family with two members.
//! Idempotent: running it again keeps what is there.

use sqlx::PgPool;
use uuid::Uuid;

use super::{auth, StartError};

pub const ADMIN: (&str, &str, &str) = ("Admin Tessera", "admin@demo.tessera.cm", "demo-admin-2026");
pub const MANAGER: (&str, &str, &str) = ("Awa Mbarga", "awa@demo.tessera.cm", "demo-family-2026");
pub const MEMBER: (&str, &str, &str) = ("Paul Mbarga", "paul@demo.tessera.cm", "demo-member-2026");

async fn user_id(pool: &PgPool, email: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM users WHERE email = $1", email)
        .fetch_optional(pool)
        .await
}

async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    (name, email, password): (&str, &str, &str),
    role: &str,
    family: Option<Uuid>,
    lang: &str,
) -> Result<Uuid, StartError> {
    let id = Uuid::new_v4();
    let hash = auth::hash_password(password.to_string())
        .await
        .map_err(|_| StartError::Leptos("hashing failed".into()))?;
    sqlx::query!(
        "INSERT INTO users (id, name, email, phone, password_hash, role, language, family_id)
         VALUES ($1, $2, $3, '+237677000001', $4, $5, $6, $7)",
        id,
        name,
        email,
        hash,
        role,
        lang,
        family
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn seed(pool: &PgPool) -> Result<(), StartError> {
    let mut tx = pool.begin().await?;
    if user_id(pool, ADMIN.1).await?.is_none() {
        insert(&mut tx, ADMIN, "admin", None, "en").await?;
    }
    if user_id(pool, MANAGER.1).await?.is_none() {
        let family = Uuid::new_v4();
        let manager = Uuid::new_v4();
        sqlx::query!(
            "INSERT INTO families (id, name, manager_id) VALUES ($1, 'Famille Mbarga', $2)",
            family,
            manager
        )
        .execute(&mut *tx)
        .await?;
        let created = insert(&mut tx, MANAGER, "member", Some(family), "fr").await?;
        sqlx::query!(
            "UPDATE families SET manager_id = $1 WHERE id = $2",
            created,
            family
        )
        .execute(&mut *tx)
        .await?;
        insert(&mut tx, MEMBER, "member", Some(family), "fr").await?;
    }
    tx.commit().await?;
    println!("\nDemo accounts (password after the address):");
    for (role, (_, email, password)) in [
        ("admin", ADMIN),
        ("family manager", MANAGER),
        ("family member", MEMBER),
    ] {
        println!("  {role:<15} {email:<24} {password}");
    }
    println!();
    Ok(())
}
