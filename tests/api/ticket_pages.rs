//! The payment pages over HTTP as a browser without JavaScript uses them, and the digest job.

use std::io::Cursor;

use reqwest::multipart::{Form, Part};
use sqlx::PgPool;

use crate::helpers::{client, spawn_app, TestApp};

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 5, y as u8 * 7, 60]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn wizard_form(amount: &str, txid: &str) -> Form {
    Form::new()
        .text("plan_type", "FAMILY_MANAGER")
        .text("duration_days", "30")
        .text("amount", amount.to_string())
        .text("payment_method", "ORANGE_MONEY")
        .text("phone_number", "699 00 00 00")
        .text("transaction_id", txid.to_string())
        .text("user_notes", "Paiement de novembre")
        .part("proof", Part::bytes(png()).file_name("capture.png"))
}

async fn post_wizard(
    app: &TestApp,
    c: &reqwest::Client,
    form: Form,
    json: bool,
) -> reqwest::Response {
    let mut req = c
        .post(format!("{}/pay/submit", app.addr))
        .header("origin", &app.addr)
        .multipart(form);
    if json {
        req = req.header("accept", "application/json");
    }
    req.send().await.unwrap()
}

#[sqlx::test(migrations = false)]
async fn the_wizard_works_as_plain_forms_and_keeps_what_was_typed(pool: PgPool) {
    let app = spawn_app(pool).await;
    let c = client();
    app.register(&c, "jean@example.cm").await;

    let (status, html) = app.page(&c, "/pay").await;
    assert_eq!(status, 200);
    // Each plan offers its own durations, one choice each; plans in dollars are not offered.
    assert!(
        html.contains("Family manager")
            && html.contains(r#"name="offer""#)
            && html.contains(r#"value="FAMILY_MANAGER:90""#)
            && !html.contains("Starter")
    );
    let (_, html) = app.page(&c, "/pay?step=2&offer=FAMILY_MANAGER:90").await;
    assert!(
        html.contains(r#"value="40000""#),
        "the amount is prefilled with the price"
    );
    let (_, html) = app
        .page(&c, "/pay?step=2&plan_type=FAMILY_MANAGER&duration_days=90")
        .await;
    assert!(
        html.contains(r#"value="40000""#),
        "the amount is prefilled with the price"
    );
    assert!(html.contains(r#"name="transaction_id""#));
    let (_, html) = app
        .page(&c, "/pay?step=2&plan_type=GOLD&duration_days=30")
        .await;
    assert!(
        html.contains("Choose one of the plans on offer."),
        "step 1 again, with the reason"
    );
    // Step 2 posts its details: the personal ones stay in the session, never in an address.
    let details = |amount: &'static str, txid: &'static str| {
        [
            ("plan_type", "FAMILY_MANAGER"),
            ("duration_days", "30"),
            ("amount", amount),
            ("payment_method", "MTN_MOMO"),
            ("phone_number", "677123456"),
            ("transaction_id", txid),
            ("user_notes", ""),
        ]
    };
    let post_details = |form: [(&'static str, &'static str); 7]| {
        c.post(format!("{}/pay/details", app.addr))
            .header("origin", &app.addr)
            .form(&form)
            .send()
    };
    let res = post_details(details("100", "MTN1")).await.unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/pay?step=3")
            && location.contains("amount=100")
            && !location.contains("677123456")
            && !location.contains("MTN1"),
        "{location}"
    );
    let (_, html) = app.page(&c, &location).await;
    assert!(html.contains("This amount is below the minimum for the chosen plan."));
    assert!(
        html.contains(r#"value="677123456""#) && html.contains(r#"value="MTN1""#),
        "typed values kept on the step shown again"
    );
    // Another visitor given the address never sees them.
    let other = client();
    app.register(&other, "other@example.cm").await;
    let (_, html) = app.page(&other, &location).await;
    assert!(!html.contains("677123456"));

    // Accepted: step 3 sums the payment up, and the proof is all its form has to send.
    let res = post_details(details("15000", "MTN2")).await.unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let (_, html) = app.page(&c, &location).await;
    assert!(
        html.contains(r#"name="proof""#) && html.contains("677123456") && html.contains("MTN2"),
        "step 3 with the summary"
    );
    assert!(
        !html.contains(r#"name="phone_number""#),
        "no personal field in the form"
    );
    let form = Form::new()
        .text("plan_type", "FAMILY_MANAGER")
        .text("duration_days", "30")
        .text("amount", "15000")
        .text("payment_method", "MTN_MOMO")
        .part("proof", Part::bytes(png()).file_name("capture.png"));
    let res = post_wizard(&app, &c, form, false).await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/tickets/TKT-"), "{location}");
    let (_, html) = app.page(&c, &location).await;
    assert!(html.contains("MTN2"), "the ticket has the kept details");
    // Submitted: the session forgets them.
    let (_, html) = app
        .page(&c, "/pay?step=2&plan_type=FAMILY_MANAGER&duration_days=30")
        .await;
    assert!(!html.contains("MTN2"));

    let res = post_wizard(&app, &c, wizard_form("15000", "OM12345"), false).await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/tickets/TKT-") && location.ends_with("?submitted=1"),
        "{location}"
    );
    let (status, html) = app.page(&c, &location).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Your payment ticket was sent.")
            && html.contains("15,000\u{a0}FCFA")
            && html.contains("Submitted")
    );

    let res = post_wizard(&app, &c, wizard_form("15000", "OM777777"), true).await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["redirect"]
        .as_str()
        .unwrap()
        .starts_with("/tickets/TKT-"));
    let res = post_wizard(&app, &c, wizard_form("15000", "x y"), true).await;
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["field"], "transaction_id");

    let (_, html) = app.page(&c, "/tickets").await;
    assert_eq!(html.matches("/tickets/TKT-").count(), 3);
    assert_eq!(app.count("payment_tickets").await, 3);
}

#[sqlx::test(migrations = false)]
async fn ticket_pages_and_proofs_belong_to_the_family_only(pool: PgPool) {
    let app = spawn_app(pool).await;
    let owner = client();
    app.register(&owner, "jean@example.cm").await;
    let res = post_wizard(&app, &owner, wizard_form("15000", "OM1001"), false).await;
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let reference = location
        .trim_start_matches("/tickets/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let proof = app
        .page(&owner, &format!("/tickets/{reference}/proof"))
        .await;
    assert_eq!(proof.0, 200);

    let other = client();
    app.register(&other, "eve@example.cm").await;
    let (status, html) = app.page(&other, &format!("/tickets/{reference}")).await;
    assert_eq!(status, 404);
    assert!(!html.contains("OM1001"));
    assert_eq!(
        app.page(&other, &format!("/tickets/{reference}/proof"))
            .await
            .0,
        404
    );
    assert_eq!(
        app.post_fn(&other, "cancel_ticket", &[("reference", &reference)])
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post_fn(
            &other,
            "approve_ticket",
            &[("reference", &reference), ("admin_notes", "")]
        )
        .await
        .status(),
        403
    );
    assert_eq!(app.page(&other, "/admin/tickets").await.0, 403);
    assert_eq!(
        app.page(&client(), &format!("/tickets/{reference}/proof"))
            .await
            .0,
        401
    );
    let res = other
        .post(format!("{}/tickets/{reference}/proof", app.addr))
        .header("origin", &app.addr)
        .multipart(Form::new().part("proof", Part::bytes(png()).file_name("x.png")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // The owner replaces the proof, then cancels.
    let res = owner
        .post(format!("{}/tickets/{reference}/proof", app.addr))
        .header("origin", &app.addr)
        .multipart(Form::new().part("proof", Part::bytes(png()).file_name("new.png")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("/tickets/{reference}?replaced=1")
    );
    assert!(app
        .post_fn(&owner, "cancel_ticket", &[("reference", &reference)])
        .await
        .status()
        .is_success());
    let (_, html) = app.page(&owner, &format!("/tickets/{reference}")).await;
    assert!(html.contains("Proof replaced") && html.contains("Cancelled"));
}

#[sqlx::test(migrations = false)]
async fn an_admin_reviews_in_the_panel(pool: PgPool) {
    let app = spawn_app(pool).await;
    let family = client();
    app.register(&family, "jean@example.cm").await;
    for tx in ["OM1001", "OM1001"] {
        post_wizard(&app, &family, wizard_form("15000", tx), false).await;
    }
    let admin = client();
    app.register(&admin, "boss@example.cm").await;
    app.make_admin("boss@example.cm").await;
    let (status, html) = app.page(&admin, "/admin/tickets?tab=pending").await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("/admin/tickets/TKT-").count(), 2);
    let reference: String =
        sqlx::query_scalar("SELECT reference FROM payment_tickets ORDER BY reference LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let (_, html) = app
        .page(&admin, &format!("/admin/tickets/{reference}"))
        .await;
    assert!(
        html.contains("Already used on another ticket") && html.contains("same transaction id"),
        "duplicate warning"
    );
    assert!(
        html.contains("127.0.0.1"),
        "the submitter's address is shown"
    );

    let res = app
        .post_fn(
            &admin,
            "reject_ticket",
            &[("reference", &reference), ("reason", "")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_fn(
            &admin,
            "approve_ticket",
            &[("reference", &reference), ("admin_notes", "Vérifié")],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let res = app
        .post_fn(
            &admin,
            "approve_ticket",
            &[("reference", &reference), ("admin_notes", "")],
        )
        .await;
    assert_eq!(res.status(), 409);
    let (_, html) = app.page(&family, &format!("/tickets/{reference}")).await;
    assert!(html.contains("Approved") && html.contains("Subscription runs until"));
    assert!(
        !html.contains("Vérifié"),
        "admin notes stay with the admins"
    );

    let (status, html) = app.page(&admin, "/admin/stats").await;
    assert_eq!(status, 200);
    assert!(html.contains("<svg") && html.contains("Approval rate"));
}

#[sqlx::test(migrations = false)]
async fn the_overdue_digest_goes_to_admins_once_a_day(pool: PgPool) {
    let app = spawn_app(pool).await;
    let family = client();
    app.register(&family, "jean@example.cm").await;
    post_wizard(&app, &family, wizard_form("15000", "OM1001"), false).await;
    for email in ["a1@example.cm", "a2@example.cm"] {
        app.register(&client(), email).await;
        app.make_admin(email).await;
    }
    let config = tessera::platform::config::Config::for_tests("unused", crate::helpers::temp_dir());
    use tessera::features::payment_tickets::digest::run_if_due;
    // Nothing overdue: the day's run sends nothing.
    assert_eq!(run_if_due(&app.pool, &config).await.unwrap(), 0);
    sqlx::query("UPDATE payment_tickets SET created_at = now() - interval '30 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE job_runs SET last_run_on = current_date - 1")
        .execute(&app.pool)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        run_if_due(&app.pool, &config),
        run_if_due(&app.pool, &config)
    );
    assert_eq!(
        a.unwrap() + b.unwrap(),
        2,
        "one e-mail per admin, from one instance"
    );
    assert_eq!(
        run_if_due(&app.pool, &config).await.unwrap(),
        0,
        "once a day"
    );
    let body: String =
        sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'overdue_digest' LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(body.contains("TKT-") && body.contains("Famille Ndiaye"));
}

#[sqlx::test(migrations = false)]
async fn the_ticket_queue_exports_what_its_filters_show_as_a_safe_spreadsheet(pool: PgPool) {
    let app = spawn_app(pool).await;
    let family = client();
    app.register(&family, "jean@example.cm").await;
    for tx in ["OM2001", "OM2002", "OM2003"] {
        post_wizard(&app, &family, wizard_form("15000", tx), false).await;
    }
    // One approved, one paid by MTN; the family's name looks like a formula.
    sqlx::query("UPDATE payment_tickets SET status = 'APPROVED', reviewer_id = submitter_id, reviewed_at = now()
         WHERE transaction_id = 'OM2001'")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE payment_tickets SET payment_method = 'MTN_MOMO' WHERE transaction_id = 'OM2003'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE families SET name = E'\\t=cmd|'' /C calc''!A0'")
        .execute(&app.pool)
        .await
        .unwrap();
    let admin = client();
    app.register(&admin, "boss@example.cm").await;
    app.make_admin("boss@example.cm").await;
    let csv = |path: &str| admin.get(format!("{}{path}", app.addr)).send();

    // The pending tab with the MTN filter: exactly the one ticket the page lists.
    let res = csv("/admin/tickets.csv?tab=pending&method=MTN_MOMO")
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = res.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("\u{feff}reference,created_at,family,"),
        "{text}"
    );
    assert_eq!(lines.len(), 2, "{text}");
    let row = lines[1];
    // Tab-prefixed formula neutralised; amount and duration bare numbers; phone kept as text.
    assert!(row.contains(",'\t=cmd|' /C calc'!A0,"), "{row}");
    assert!(row.contains(",30,15000,XAF,MTN Mobile Money,"), "{row}");
    assert!(row.contains(",Pending,"), "{row}");

    // Everything, in French: semicolons, the statuses in French, all three tickets.
    app.set_lang(&admin, "fr").await;
    let text = csv("/admin/tickets.csv")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("\u{feff}reference;created_at;family;"),
        "{text}"
    );
    assert_eq!(lines.len(), 4, "{text}");
    assert!(text.contains(";Approuvé;"), "{text}");
    // Searching by transaction id, as the page's search box does.
    app.set_lang(&admin, "en").await;
    let text = csv("/admin/tickets.csv?q=OM2002")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("OM2002"));

    // The page links to the export with the same filters.
    let (_, html) = app
        .page(&admin, "/admin/tickets?tab=pending&method=MTN_MOMO")
        .await;
    assert!(
        html.contains("/admin/tickets.csv?tab=pending&amp;method=MTN_MOMO"),
        "{html}"
    );

    // Admins only.
    assert_eq!(csv_status(&app, &family, "/admin/tickets.csv").await, 403);
    assert_eq!(csv_status(&app, &client(), "/admin/tickets.csv").await, 401);
}

async fn csv_status(app: &TestApp, c: &reqwest::Client, path: &str) -> u16 {
    c.get(format!("{}{path}", app.addr))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The references of the ticket rows of an admin list page, in order, and its pager's links.
fn queue_rows(html: &str) -> (Vec<String>, Option<String>, Option<String>) {
    let rows = html
        .split("href=\"/admin/tickets/TKT-")
        .skip(1)
        .map(|s| format!("TKT-{}", s.split('"').next().unwrap()))
        .collect();
    let pager = html.split("class=\"pager\"").nth(1).unwrap_or("");
    let link = |label: &str| {
        pager
            .split("<a href=\"")
            .skip(1)
            .find(|a| a.contains(&format!(">{label}</a>")))
            .map(|a| a.split('"').next().unwrap().replace("&amp;", "&"))
    };
    (rows, link("Previous"), link("Next"))
}

#[sqlx::test(migrations = false)]
async fn the_admin_queue_pages_by_keyset_and_counts_from_counters(pool: PgPool) {
    let app = spawn_app(pool).await;
    let family = client();
    app.register(&family, "queue@example.cm").await;
    // 130 pending tickets, one every 20 minutes back from now (the oldest 58 past the
    // 24 h overdue mark), ten of them sharing one instant across the end of the first page;
    // 40 cancelled ones between them.
    sqlx::query(
        "WITH u AS (SELECT id, family_id FROM users WHERE email = 'queue@example.cm')
         INSERT INTO payment_tickets (id, reference, family_id, submitter_id, plan_code, duration_days, amount,
             currency, payment_method, phone_number, transaction_id, status, created_at)
         SELECT gen_random_uuid(), 'TKT-2026-' || lpad(n::text, 5, '0'), u.family_id, u.id, 'FAMILY_MANAGER', 30,
                15000, 'XAF', 'MTN_MOMO', '+237695000000', 'Q' || n,
                'PENDING',
                date_trunc('second', now()) - ((CASE WHEN n BETWEEN 76 AND 85 THEN 80 ELSE n END) * 20 || ' minutes')::interval
         FROM generate_series(1, 130) n, u
         UNION ALL
         SELECT gen_random_uuid(), 'TKT-2025-' || lpad(n::text, 5, '0'), u.family_id, u.id, 'FAMILY_MANAGER', 30,
                15000, 'XAF', 'MTN_MOMO', '+237695000000', 'R' || n, 'CANCELLED', now() - (n || ' hours')::interval
         FROM generate_series(1, 40) n, u",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let admin = client();
    app.register(&admin, "queue-admin@example.cm").await;
    app.make_admin("queue-admin@example.cm").await;
    // Pages as a browser gets them, without the hydration markers between words.
    let get = |path: &str| {
        let (app, admin, path) = (&app, &admin, path.to_string());
        async move {
            let (status, html) = app.page(admin, &path).await;
            (status, html.replace("<!>", ""))
        }
    };
    let exact = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let pending_sql = "SELECT count(*) FROM payment_tickets WHERE status = 'PENDING'";
    let overdue_sql = "SELECT count(*) FROM payment_tickets WHERE status = 'PENDING' AND created_at < now() - interval '24 hours'";
    let (pending, overdue) = (exact(pending_sql).await, exact(overdue_sql).await);
    assert_eq!(pending, 130);
    assert!(overdue > 0 && overdue < pending, "{overdue}");

    // Oldest first: pages of 50 follow each other by their edge rows, with none twice.
    let order: Vec<String> = sqlx::query_scalar(
        "SELECT reference FROM payment_tickets WHERE status = 'PENDING' ORDER BY created_at, id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let (status, html) = get("/admin/tickets?tab=pending").await;
    assert_eq!(status, 200);
    let tabs = html
        .split("class=\"tabs\"")
        .nth(1)
        .unwrap_or("")
        .split("</nav>")
        .next()
        .unwrap();
    assert!(
        tabs.contains(&format!("Pending ({pending})"))
            && tabs.contains(&format!("Overdue ({overdue})")),
        "{tabs}"
    );
    assert!(html.contains("1 / 3"), "three pages of 50");
    let mut seen = Vec::new();
    let (rows, previous, mut next) = queue_rows(&html);
    assert!(previous.is_none());
    seen.extend(rows);
    let mut pages = vec![html];
    while let Some(href) = next {
        assert!(href.contains("after="), "{href}");
        let (status, html) = get(&href).await;
        assert_eq!(status, 200);
        let (rows, _, n) = queue_rows(&html);
        seen.extend(rows);
        pages.push(html);
        next = n;
    }
    assert_eq!(seen, order, "every pending ticket once, oldest first");
    // Back from the last page gives the middle page again.
    let (_, previous, _) = queue_rows(&pages[2]);
    let (_, html) = get(&previous.unwrap()).await;
    assert_eq!(queue_rows(&html).0, queue_rows(&pages[1]).0);
    assert!(html.contains("2 / 3"));

    // Newest first, and the overdue tab, page the same way.
    let (_, html) = get("/admin/tickets?tab=pending&sort=newest").await;
    let (first, _, next) = queue_rows(&html);
    let (_, html) = get(&next.unwrap()).await;
    let newest: Vec<String> = order.iter().rev().cloned().collect();
    assert_eq!(
        [first, queue_rows(&html).0].concat(),
        newest[..100].to_vec()
    );
    let (_, html) = get("/admin/tickets?tab=overdue").await;
    let (mut all, _, mut next) = queue_rows(&html);
    while let Some(href) = next {
        let (_, html) = get(&href).await;
        let (rows, _, n) = queue_rows(&html);
        all.extend(rows);
        next = n;
    }
    assert_eq!(
        all,
        order[..overdue as usize].to_vec(),
        "overdue, oldest first"
    );

    // Changes of status, submissions and deletions move the counters with the tickets, at
    // commit.
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("UPDATE payment_tickets SET status = 'CANCELLED' WHERE reference IN (SELECT reference FROM payment_tickets WHERE status = 'PENDING' ORDER BY created_at LIMIT 3)")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE payment_tickets SET status = 'PENDING' WHERE reference = 'TKT-2025-00001'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    sqlx::query("DELETE FROM payment_tickets WHERE reference = 'TKT-2026-00001'")
        .execute(&app.pool)
        .await
        .unwrap();
    // Ten families submit at once.
    let mut submits = Vec::new();
    for i in 0..10 {
        let (app, family) = (&app, &family);
        submits.push(async move {
            post_wizard(
                app,
                family,
                wizard_form("15000", &format!("CONC{i}")),
                false,
            )
            .await;
        });
    }
    futures::future::join_all(submits).await;
    let (pending, overdue) = (exact(pending_sql).await, exact(overdue_sql).await);
    assert!(pending > 127, "{pending}");
    let (_, html) = get("/admin/tickets?tab=pending").await;
    assert!(
        html.contains(&format!("Pending ({pending})"))
            && html.contains(&format!("Overdue ({overdue})")),
        "counters match a count"
    );
    let stored: i64 =
        sqlx::query_scalar("SELECT COALESCE(sum(n), 0)::bigint FROM pending_ticket_counts")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, pending);
    let zero: i64 = sqlx::query_scalar("SELECT count(*) FROM pending_ticket_counts WHERE n <= 0")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(zero, 0, "emptied counter rows are removed");
}
