//! Demo data for the first command of the README: an admin and a family with two members.
//! Idempotent: running it again keeps what is there.

use sqlx::PgPool;
use uuid::Uuid;

use super::StartError;
use crate::platform::auth;

pub const ADMIN: (&str, &str, &str) = ("Admin Tessera", "admin@demo.tessera.cm", "demo-admin-2026");
pub const MANAGER: (&str, &str, &str) = ("Awa Mbarga", "awa@demo.tessera.cm", "demo-family-2026");
pub const MEMBER: (&str, &str, &str) = ("Paul Mbarga", "paul@demo.tessera.cm", "demo-member-2026");
pub const STAFF: (&str, &str, &str) = ("Door Staff", "door@demo.tessera.cm", "demo-door-2026");

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
        // The demo family is on its trial, and cards go through the sandbox (see README).
        sqlx::query!(
            "INSERT INTO subscriptions (family_id, plan_code, status, current_period_end)
             VALUES ($1, 'FAMILY_MANAGER', 'TRIALING', now() + interval '10 days')
             ON CONFLICT (family_id) DO NOTHING",
            family
        )
        .execute(&mut *tx)
        .await?;
    }
    if user_id(pool, STAFF.1).await?.is_none() {
        insert(&mut tx, STAFF, "staff", None, "fr").await?;
    }
    // A festival on sale, a holiday let, and a referral code.
    sqlx::query!(
        "INSERT INTO events (id, slug, kind, title, description, venue, starts_at, ends_at, capacity, price, currency,
                             max_per_order, checkin_info, organiser_id)
         VALUES ($1, 'festival-yaounde', 'EVENT', 'Festival des Arts de Yaoundé',
                 'Trois scènes, vingt artistes, une nuit de musique au Palais des Sports.',
                 'Palais des Sports, Yaoundé', now() + interval '30 days', now() + interval '30 days 8 hours',
                 500, 5000, 'XAF', 10, 'Ouverture des portes à 17 h. Entrée côté parking.',
                 (SELECT id FROM users WHERE email = 'admin@demo.tessera.cm'))
         ON CONFLICT (slug) DO NOTHING",
        Uuid::new_v4()
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO events (id, slug, kind, title, description, venue, capacity, price, currency, max_per_order,
                             owner_name, owner_phone, owner_email, checkin_info, organiser_id, deposit_bps)
         VALUES ($1, 'villa-kribi', 'STAY', 'Villa Kribi — vue sur mer',
                 'Villa de trois chambres face à la plage, à dix minutes des chutes de la Lobé.',
                 'Quartier Londji, Kribi', 6, 45000, 'XAF', 6, 'Jean Ebogo', '+237699000002',
                 'owner@demo.tessera.cm', 'Arrivée à partir de 14 h ; les clés sont chez le gardien.',
                 (SELECT id FROM users WHERE email = 'admin@demo.tessera.cm'), 3000)
         ON CONFLICT (slug) DO NOTHING",
        Uuid::new_v4()
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO referral_codes (id, code, kind, holder_name, holder_phone, discount_bps, referrer_bps, admin_bps)
         VALUES ($1, 'AMIS10', 'STANDARD', 'Clarisse Ngo', '+237677000009', 1000, 500, 500),
                ($2, 'VIP20', 'SPECIAL', 'Club Kribi', '+237677000010', 2000, 1000, 500)
         ON CONFLICT (code) DO NOTHING",
        Uuid::new_v4(),
        Uuid::new_v4()
    )
    .execute(&mut *tx)
    .await?;
    // Where the demo's families send mobile money (fictitious numbers).
    sqlx::query!(
        "INSERT INTO pay_accounts (id, method, number, holder, ussd, position)
         VALUES ($1, 'MTN_MOMO', '+237670000001', 'Association Tessera Démo', '*126#', 1),
                ($2, 'ORANGE_MONEY', '+237690000001', 'Association Tessera Démo', '#150#', 1)
         ON CONFLICT (method, number) DO NOTHING",
        Uuid::new_v4(),
        Uuid::new_v4()
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    println!("\nDemo accounts (password after the address):");
    for (role, (_, email, password)) in [
        ("admin", ADMIN),
        ("family manager", MANAGER),
        ("family member", MEMBER),
        ("door staff", STAFF),
    ] {
        println!("  {role:<15} {email:<24} {password}");
    }
    println!();
    Ok(())
}
