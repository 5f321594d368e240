//! Operator statements: an admin uploads MTN's or Orange's export, its lines are matched to the
//! pending tickets, the sure matches are approved once through the settle path, and the same
//! statement imported again changes nothing.

use std::io::Write;

use reqwest::{multipart, Client};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{client, spawn_app, TestApp};
use crate::tickets::{family, form, png, submit};

const MTN_HEADER: &str =
    "Id,External Transaction Id,Date,Status,Type,From,From Name,To,Amount,Currency";

fn mtn_line(id: &str, status: &str, from: &str, amount: &str) -> String {
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S");
    format!("{id},,{now},{status},PAYMENT,{from},AWA NDIAYE,237650000000,{amount},XAF")
}

async fn ticket(app: &TestApp, token: &str, txid: &str) -> (Uuid, String) {
    let (status, body) = submit(app, token, form(txid, "15000", png(), "p.png")).await;
    assert_eq!(status, 201, "{body}");
    (
        body["data"]["id"].as_str().unwrap().parse().unwrap(),
        body["data"]["ticketReference"]
            .as_str()
            .unwrap()
            .to_string(),
    )
}

async fn signed_in_admin(app: &TestApp, email: &str) -> Client {
    let c = client();
    app.register(&c, email).await;
    app.make_admin(email).await;
    app.login(&c, email, "correct horse battery").await;
    c
}

fn statement_form(operator: &str, file: Vec<u8>, name: &str, txid_column: &str) -> multipart::Form {
    let (amount, phone, date, status, ok) = if operator == "ORANGE_MONEY" {
        ("Crédit", "N° de Compte", "Date", "Statut", "Succès")
    } else {
        ("Amount", "From", "Date", "Status", "SUCCESSFUL")
    };
    multipart::Form::new()
        .text("operator", operator.to_string())
        .text("transaction_id", txid_column.to_string())
        .text("amount", amount)
        .text("phone", phone)
        .text("paid_at", date)
        .text("status_column", status)
        .text("status_ok", ok)
        .part(
            "statement",
            multipart::Part::bytes(file).file_name(name.to_string()),
        )
}

/// Uploads a statement as the page's form does without JavaScript; returns the redirect.
async fn upload(app: &TestApp, c: &Client, form: multipart::Form) -> (u16, String) {
    let res = c
        .post(format!("{}/admin/statements", app.addr))
        .header("origin", &app.addr)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let location = res
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (res.status().as_u16(), location)
}

async fn status_of(app: &TestApp, id: Uuid) -> String {
    sqlx::query_scalar("SELECT status FROM payment_tickets WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn verdicts(app: &TestApp, import: &str) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT transaction_id, verdict, state FROM statement_lines
         WHERE import_id = $1::uuid ORDER BY row_number",
    )
    .bind(import)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// How many times a ticket was approved, and so settled (each approval settles its payment).
async fn completed_payments(app: &TestApp, ticket: Uuid) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM ticket_events e
         JOIN payment_tickets t ON t.id = e.ticket_id
         JOIN payments p ON p.id = t.payment_id AND p.status = 'COMPLETED'
         WHERE e.ticket_id = $1 AND e.kind = 'APPROVED'",
    )
    .bind(ticket)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = false)]
async fn a_statement_approves_its_sure_matches_once_and_a_second_import_changes_nothing(
    pool: PgPool,
) {
    let app = spawn_app(pool).await;
    let fam = family(&app, "awa@example.cm").await;
    let (by_id, _) = ticket(&app, &fam, "6120000001").await;
    let (by_phone, _) = ticket(&app, &fam, "typed-wrong").await;
    let (used, used_ref) = ticket(&app, &fam, "6120000003").await;
    let admin = signed_in_admin(&app, "admin@example.cm").await;
    let res = app
        .post_fn(
            &admin,
            "approve_ticket",
            &[("reference", &used_ref), ("admin_notes", "")],
        )
        .await;
    assert!(res.status().is_redirection() || res.status().is_success());
    assert_eq!(status_of(&app, used).await, "APPROVED");

    let csv = [
        format!("\u{feff}{MTN_HEADER}"),
        mtn_line("6120000001", "SUCCESSFUL", "237695000000", "15000"),
        mtn_line("6120009999", "SUCCESSFUL", "237 695 00 00 00", "\"15,000\""),
        mtn_line("6120000003", "SUCCESSFUL", "237695000000", "15000"),
        mtn_line("6120000004", "SUCCESSFUL", "237699111222", "2500"),
        mtn_line("6120000005", "FAILED", "237695000000", "15000"),
    ]
    .join("\n");
    let (status, location) = upload(
        &app,
        &admin,
        statement_form("MTN_MOMO", csv.clone().into_bytes(), "mtn-dec.csv", "Id"),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let import = location
        .trim_start_matches("/admin/statements/")
        .to_string();
    assert_eq!(
        verdicts(&app, &import).await,
        vec![
            ("6120000001".into(), "CONFIDENT".into(), "OPEN".into()),
            ("6120009999".into(), "CONFIDENT".into(), "OPEN".into()),
            (
                "6120000003".into(),
                "ALREADY_APPROVED".into(),
                "OPEN".into()
            ),
            ("6120000004".into(), "UNMATCHED".into(), "OPEN".into()),
        ],
        "the failed line is left out; the used transaction id is flagged"
    );
    let (code, page) = app.page(&admin, &location).await;
    assert_eq!(code, 200);
    assert!(page.contains("Approve the 2 sure matches"), "{page}");

    let res = app
        .post_fn(&admin, "approve_statement", &[("import_id", &import)])
        .await;
    assert!(res.status().as_u16() < 400, "{}", res.status());
    assert_eq!(status_of(&app, by_id).await, "APPROVED");
    assert_eq!(status_of(&app, by_phone).await, "APPROVED");
    assert_eq!(completed_payments(&app, by_id).await, 1);
    assert_eq!(completed_payments(&app, by_phone).await, 1);
    let days: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM s.current_period_end - now())::float8 / 86400
         FROM subscriptions s JOIN families f ON f.id = s.family_id
         JOIN users u ON u.id = f.manager_id WHERE u.email = 'awa@example.cm'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(days > 85.0, "three approvals of 30 days: {days}");
    let lines_before = app.count("statement_lines").await;
    let invoices_before = app.count("invoices").await;

    // The same statement again, then one that overlaps it: nothing new is matched or approved.
    let (status, again) = upload(
        &app,
        &admin,
        statement_form("MTN_MOMO", csv.into_bytes(), "mtn-dec.csv", "Id"),
    )
    .await;
    assert_eq!(status, 303);
    let again = again.trim_start_matches("/admin/statements/").to_string();
    assert!(verdicts(&app, &again).await.is_empty());
    let new: i32 =
        sqlx::query_scalar("SELECT lines_new FROM statement_imports WHERE id = $1::uuid")
            .bind(&again)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(new, 0);
    let res = app
        .post_fn(&admin, "approve_statement", &[("import_id", &again)])
        .await;
    assert!(res.status().as_u16() < 400, "{}", res.status());
    assert_eq!(app.count("statement_lines").await, lines_before);
    assert_eq!(app.count("invoices").await, invoices_before);
    assert_eq!(completed_payments(&app, by_id).await, 1);
}

#[sqlx::test(migrations = false)]
async fn an_admin_decides_the_unsure_lines_and_sets_aside_an_unknown_payment(pool: PgPool) {
    let app = spawn_app(pool).await;
    let fam = family(&app, "awa@example.cm").await;
    // Two tickets of the same amount from the same phone: a line paying one is unsure.
    let (first, first_ref) = ticket(&app, &fam, "not-on-statement-1").await;
    let (second, _) = ticket(&app, &fam, "not-on-statement-2").await;
    let admin = signed_in_admin(&app, "admin@example.cm").await;
    let csv = [
        MTN_HEADER.to_string(),
        mtn_line("6130000001", "SUCCESSFUL", "237695000000", "15000"),
        mtn_line("6130000002", "SUCCESSFUL", "237699111222", "9000"),
    ]
    .join("\n");
    let (_, location) = upload(
        &app,
        &admin,
        statement_form("MTN_MOMO", csv.into_bytes(), "mtn.csv", "Id"),
    )
    .await;
    let import = location
        .trim_start_matches("/admin/statements/")
        .to_string();
    let lines: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT id, verdict FROM statement_lines WHERE import_id = $1::uuid ORDER BY row_number",
    )
    .bind(&import)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(lines[0].1, "AMBIGUOUS");
    assert_eq!(lines[1].1, "UNMATCHED");
    let (_, page) = app
        .page(&admin, &format!("{location}?section=ambiguous"))
        .await;
    assert!(page.contains(&first_ref), "both candidates are offered");

    // A ticket of another amount is refused in words, and nothing changes.
    let res = app
        .post_fn(
            &admin,
            "resolve_statement_line",
            &[
                ("line", &lines[1].0.to_string()),
                ("ticket", &first_ref),
                ("section", "unmatched"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("statement.error_ticket_amount"));
    assert_eq!(status_of(&app, first).await, "PENDING");

    let res = app
        .post_fn(
            &admin,
            "resolve_statement_line",
            &[
                ("line", &lines[0].0.to_string()),
                ("ticket", &first_ref),
                ("section", "ambiguous"),
            ],
        )
        .await;
    assert!(res.status().as_u16() < 400, "{}", res.status());
    assert_eq!(status_of(&app, first).await, "APPROVED");
    assert_eq!(status_of(&app, second).await, "PENDING");
    let res = app
        .post_fn(
            &admin,
            "dismiss_statement_line",
            &[("line", &lines[1].0.to_string()), ("section", "unmatched")],
        )
        .await;
    assert!(res.status().as_u16() < 400, "{}", res.status());
    let states: Vec<String> = sqlx::query_scalar(
        "SELECT state FROM statement_lines WHERE import_id = $1::uuid ORDER BY row_number",
    )
    .bind(&import)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(states, vec!["APPROVED", "DISMISSED"]);
    // A decided line cannot pay a second ticket.
    let res = app
        .post_fn(
            &admin,
            "resolve_statement_line",
            &[
                ("line", &lines[0].0.to_string()),
                ("ticket", &second.to_string()),
                ("section", "ambiguous"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
    assert_eq!(status_of(&app, second).await, "PENDING");
}

#[sqlx::test(migrations = false)]
async fn approving_a_statement_twice_at_once_and_by_hand_settles_each_ticket_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let fam = family(&app, "awa@example.cm").await;
    let mut tickets = Vec::new();
    let mut csv = vec![MTN_HEADER.to_string()];
    for i in 0..6 {
        let txid = format!("614000000{i}");
        tickets.push(ticket(&app, &fam, &txid).await);
        csv.push(mtn_line(&txid, "SUCCESSFUL", "237695000000", "15000"));
    }
    let a1 = signed_in_admin(&app, "a1@example.cm").await;
    let a2 = signed_in_admin(&app, "a2@example.cm").await;
    let (_, location) = upload(
        &app,
        &a1,
        statement_form("MTN_MOMO", csv.join("\n").into_bytes(), "mtn.csv", "Id"),
    )
    .await;
    let import = location
        .trim_start_matches("/admin/statements/")
        .to_string();
    let by_hand = tickets[3].1.clone();
    let all = [("import_id", import.as_str())];
    let one = [("reference", by_hand.as_str()), ("admin_notes", "")];
    let (r1, r2, r3) = tokio::join!(
        app.post_fn(&a1, "approve_statement", &all),
        app.post_fn(&a2, "approve_statement", &all),
        app.post_fn(&a2, "approve_ticket", &one),
    );
    assert!(r1.status().as_u16() < 400 && r2.status().as_u16() < 400);
    assert!(r3.status().as_u16() < 500);
    for (id, _) in &tickets {
        assert_eq!(status_of(&app, *id).await, "APPROVED");
        assert_eq!(
            completed_payments(&app, *id).await,
            1,
            "one settlement each"
        );
    }
    let approved_lines: i64 =
        sqlx::query_scalar("SELECT count(*) FROM statement_lines WHERE state = 'APPROVED'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let approved_by_hand = r3.status().as_u16() < 400;
    assert_eq!(approved_lines, if approved_by_hand { 5 } else { 6 });
}

/// A one-sheet XLSX workbook of `rows`, every cell an inline string or a number.
fn xlsx(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, value) in row.iter().enumerate() {
            let cell = format!("{}{}", (b'A' + c as u8) as char, r + 1);
            if r > 0 && value.parse::<f64>().is_ok() {
                sheet.push_str(&format!(r#"<c r="{cell}"><v>{value}</v></c>"#));
            } else {
                sheet.push_str(&format!(
                    r#"<c r="{cell}" t="inlineStr"><is><t>{value}</t></is></c>"#
                ));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let files = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Transactions" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in files {
        out.start_file(name, options).unwrap();
        out.write_all(body.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[sqlx::test(migrations = false)]
async fn an_orange_money_excel_statement_is_read_with_its_preset(pool: PgPool) {
    let app = spawn_app(pool).await;
    let fam = family(&app, "awa@example.cm").await;
    let orange = multipart::Form::new()
        .text("amount", "15000")
        .text("planType", "FAMILY_MANAGER")
        .text("durationDays", "30")
        .text("paymentMethod", "ORANGE_MONEY")
        .text("phoneNumber", "+237695000000")
        .text("transactionId", "MP261205.1102.A10001")
        .part("proof", multipart::Part::bytes(png()).file_name("p.png"));
    let (status, body) = submit(&app, &fam, orange).await;
    assert_eq!(status, 201, "{body}");
    let admin = signed_in_admin(&app, "admin@example.cm").await;
    let book = xlsx(&[
        vec![
            "N°",
            "Date",
            "Référence",
            "Service",
            "Statut",
            "N° de Compte",
            "Débit",
            "Crédit",
        ],
        vec![
            "1",
            "05/12/2026 11:02:33",
            "MP261205.1102.A10001",
            "Paiement marchand",
            "Succès",
            "695000000",
            "",
            "15000",
        ],
        vec![
            "2",
            "05/12/2026 11:40:00",
            "MP261205.1140.A10002",
            "Paiement marchand",
            "Echec",
            "699000004",
            "",
            "5000",
        ],
    ]);
    let (code, location) = upload(
        &app,
        &admin,
        statement_form("ORANGE_MONEY", book, "orange.xlsx", "Référence"),
    )
    .await;
    assert_eq!(code, 303, "{location}");
    let import = location
        .trim_start_matches("/admin/statements/")
        .to_string();
    let lines = verdicts(&app, &import).await;
    assert_eq!(lines.len(), 1, "the failed line is left out: {lines:?}");
    assert_eq!(lines[0].0, "MP261205.1102.A10001");
    assert_eq!(lines[0].1, "CONFIDENT");
    // The columns are remembered for the next Orange import.
    let remembered: String = sqlx::query_scalar(
        "SELECT transaction_id FROM statement_mappings WHERE operator = 'ORANGE_MONEY'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(remembered, "Référence");
}

#[sqlx::test(migrations = false)]
async fn a_refused_statement_says_why_and_keeps_the_columns_typed(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = signed_in_admin(&app, "admin@example.cm").await;
    let csv = format!(
        "{MTN_HEADER}\n{}",
        mtn_line("1", "SUCCESSFUL", "237695000000", "100")
    );
    let (code, location) = upload(
        &app,
        &admin,
        statement_form(
            "MTN_MOMO",
            csv.clone().into_bytes(),
            "mtn.csv",
            "Transaction",
        ),
    )
    .await;
    assert_eq!(code, 303);
    assert!(location.starts_with("/admin/statements?"), "{location}");
    app.set_lang(&admin, "fr").await;
    let (_, page) = app.page(&admin, &location).await;
    assert!(
        page.contains("pas de colonne nommée « Transaction »"),
        "the refusal names the column, in French"
    );
    assert!(
        page.contains(r#"value="Transaction""#),
        "what was typed is kept"
    );
    assert_eq!(app.count("statement_imports").await, 0);

    // The enhanced form asks for JSON and gets the message to show beside the field.
    let res = admin
        .post(format!("{}/admin/statements", app.addr))
        .header("origin", &app.addr)
        .header("accept", "application/json")
        .multipart(statement_form(
            "MTN_MOMO",
            b"not,a\nstatement".to_vec(),
            "x.csv",
            "Id",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("« Id »"),
        "{body}"
    );

    // Only admins import or read statements.
    let family_client = client();
    app.register(&family_client, "awa@example.cm").await;
    let (code, _) = upload(
        &app,
        &family_client,
        statement_form("MTN_MOMO", csv.into_bytes(), "mtn.csv", "Id"),
    )
    .await;
    assert_eq!(code, 303);
    assert_eq!(app.count("statement_imports").await, 0);
    let res = app
        .post_fn(
            &family_client,
            "statement_review",
            &[
                ("import_id", &Uuid::new_v4().to_string()),
                ("section", ""),
                ("page", "0"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 403);
    let (code, _) = app
        .page(&family_client, "/admin/statements/sample/MTN_MOMO.csv")
        .await;
    assert_eq!(code, 403);
}

#[sqlx::test(migrations = false)]
async fn ten_thousand_lines_against_ten_thousand_tickets_are_matched_in_one_import(pool: PgPool) {
    let app = spawn_app(pool).await;
    let fam = family(&app, "awa@example.cm").await;
    let (model, _) = ticket(&app, &fam, "model").await;
    // 9,999 more pending tickets like the first, each with its own transaction id.
    sqlx::query(
        "INSERT INTO payment_tickets (id, reference, family_id, submitter_id, plan_code,
             duration_days, amount, currency, payment_method, phone_number, transaction_id)
         SELECT gen_random_uuid(), 'TKT-2026-' || lpad((100000 + n)::text, 6, '0'), family_id,
                submitter_id, plan_code, duration_days, amount, currency, payment_method,
                phone_number, 'BULK' || n
         FROM payment_tickets, generate_series(1, 9999) AS n WHERE id = $1",
    )
    .bind(model)
    .execute(&app.pool)
    .await
    .unwrap();
    let mut csv = vec![MTN_HEADER.to_string()];
    for n in 1..=10_000 {
        csv.push(mtn_line(
            &format!("BULK{n}"),
            "SUCCESSFUL",
            "237695000000",
            "15000",
        ));
    }
    let admin = signed_in_admin(&app, "admin@example.cm").await;
    let (code, location) = upload(
        &app,
        &admin,
        statement_form("MTN_MOMO", csv.join("\n").into_bytes(), "big.csv", "Id"),
    )
    .await;
    assert_eq!(code, 303, "{location}");
    let import = location
        .trim_start_matches("/admin/statements/")
        .to_string();
    let counts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT verdict, count(*) FROM statement_lines WHERE import_id = $1::uuid
         GROUP BY verdict ORDER BY verdict",
    )
    .bind(&import)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    // BULK10000 names no ticket: by amount and phone it is the one ticket no other line took.
    assert_eq!(counts, vec![("CONFIDENT".into(), 10_000)]);
    let (code, page) = app.page(&admin, &location).await;
    assert_eq!(code, 200);
    assert!(
        page.contains("Approve the 10,000 sure matches")
            || page.contains("Approve the 10000 sure matches"),
        "the button counts them all"
    );
    let rows = page.matches("<tr").count();
    assert!(
        (100..=102).contains(&rows),
        "one page of 100 lines: {rows} rows"
    );
}

#[sqlx::test(migrations = false)]
async fn a_statement_line_pays_an_order_and_its_e_tickets_are_issued_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    crate::billing::festival(&app).await;
    let guest = client();
    let (order, sig) = crate::billing::guest_order(&app, &guest).await;
    // The buyer sent a proof naming MTN and the transaction id MP240101.1234.A.
    let res = crate::orders::send_proof(&app, &order, &sig, png()).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let admin = signed_in_admin(&app, "admin@example.cm").await;
    let csv = [
        MTN_HEADER.to_string(),
        mtn_line("MP240101.1234.A", "SUCCESSFUL", "237677123456", "10000"),
    ]
    .join("\n");
    let (_, location) = upload(
        &app,
        &admin,
        statement_form("MTN_MOMO", csv.clone().into_bytes(), "mtn.csv", "Id"),
    )
    .await;
    let import = location
        .trim_start_matches("/admin/statements/")
        .to_string();
    assert_eq!(
        verdicts(&app, &import).await,
        vec![("MP240101.1234.A".into(), "CONFIDENT".into(), "OPEN".into())]
    );
    let (_, page) = app.page(&admin, &location).await;
    assert!(
        page.contains(&format!("/admin/orders/{order}")),
        "the order is shown beside the line"
    );

    let all = [("import_id", import.as_str())];
    let (r1, r2) = tokio::join!(
        app.post_fn(&admin, "approve_statement", &all),
        app.post_fn(&admin, "approve_statement", &all),
    );
    assert!(r1.status().as_u16() < 400 && r2.status().as_u16() < 400);
    let (status, tickets, via) = crate::billing::order_state(&app, &order).await;
    assert_eq!(status, "TICKETS_ISSUED");
    assert_eq!(tickets, 2, "two places, two e-tickets, once");
    assert_eq!(via.as_deref(), Some("MOBILE_MONEY"));
    let paid_line: Option<Uuid> =
        sqlx::query_scalar("SELECT order_id FROM statement_lines WHERE import_id = $1::uuid")
            .bind(&import)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(paid_line.is_some());
    let payments: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE o.reference = $1 AND p.status = 'COMPLETED'",
    )
    .bind(&order)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(payments, 1, "one settlement");

    // Another statement naming the same transaction id later (in lower case): the same line,
    // nothing new, nothing paid twice.
    let again = [
        MTN_HEADER.to_string(),
        mtn_line("mp240101.1234.a", "SUCCESSFUL", "237677123456", "10000"),
    ]
    .join("\n");
    let (_, location) = upload(
        &app,
        &admin,
        statement_form("MTN_MOMO", again.into_bytes(), "mtn-2.csv", "Id"),
    )
    .await;
    let second = location
        .trim_start_matches("/admin/statements/")
        .to_string();
    assert!(
        verdicts(&app, &second).await.is_empty(),
        "the same id is the same line"
    );
}
