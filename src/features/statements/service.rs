//! Statement imports kept in the database: each line once whatever the number of statements it
//! appears in, matched when imported, and approved (one line, or every confident match of an
//! import) through the tickets' approval, the line claimed in the same transaction.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;

use super::{
    read::{self, By, Candidate, Line, Mapping, Verdict},
    ImportSummary, ImportsPage, LineView, MappingView, ReviewPage, TicketBrief, OPERATORS,
    SECTIONS,
};
use crate::{
    error::AppError,
    features::{
        orders::service::{self as orders, PaidVia},
        payment_tickets::service as tickets,
    },
    platform::{audit::audit, auth::AuthUser, respond, state::AppState},
};

/// The largest statement accepted: a month of a busy merchant account is far below it.
pub const MAX_STATEMENT_BYTES: usize = 20 * 1024 * 1024;
/// How far from a ticket's creation a line may be to match it by amount and phone.
const WINDOW_HOURS: i64 = 72;
/// Lines of one section per review page.
const PER_PAGE: i64 = 100;
/// How long the approval of every confident match may keep the admin's request waiting
/// before it goes on in the background and the page shows its progress.
const WAIT_FOR_APPROVALS: std::time::Duration = std::time::Duration::from_secs(4);

fn admin_only(user: &AuthUser) -> Result<(), AppError> {
    if user.role.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn operator(raw: &str) -> Option<&'static str> {
    OPERATORS.into_iter().find(|o| *o == raw.trim())
}

fn preset(op: &str) -> MappingView {
    let m = if op == "ORANGE_MONEY" {
        Mapping::orange()
    } else {
        Mapping::mtn()
    };
    let (status_column, status_ok) = m.status.unwrap_or_default();
    MappingView {
        operator: op.to_string(),
        transaction_id: m.transaction_id,
        amount: m.amount,
        phone: m.phone,
        paid_at: m.date,
        status_column,
        status_ok,
    }
}

impl MappingView {
    fn mapping(&self) -> Mapping {
        Mapping {
            transaction_id: self.transaction_id.trim().to_string(),
            amount: self.amount.trim().to_string(),
            phone: self.phone.trim().to_string(),
            date: self.paid_at.trim().to_string(),
            status: (!self.status_column.trim().is_empty()).then(|| {
                (
                    self.status_column.trim().to_string(),
                    self.status_ok.trim().to_string(),
                )
            }),
        }
    }

    /// What the form sends back when the import is refused, so nothing typed is lost.
    pub fn echo(&self) -> Vec<(String, String)> {
        [
            ("operator", &self.operator),
            ("transaction_id", &self.transaction_id),
            ("amount", &self.amount),
            ("phone", &self.phone),
            ("paid_at", &self.paid_at),
            ("status_column", &self.status_column),
            ("status_ok", &self.status_ok),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
    }
}

/// The mapping an admin last used for `op`, or the operator's preset.
#[tracing::instrument(skip(state))]
pub async fn mapping_for(state: &AppState, op: &str) -> Result<MappingView, AppError> {
    let remembered = sqlx::query_as!(
        MappingView,
        "SELECT operator, transaction_id, amount, phone, paid_at, status_column, status_ok
         FROM statement_mappings WHERE operator = $1",
        op
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)?;
    Ok(remembered.unwrap_or_else(|| preset(op)))
}

/// The import page: both operators' mappings and the latest imports.
#[tracing::instrument(skip(state, admin), fields(admin_id = %admin.id))]
pub async fn imports_page(state: &AppState, admin: &AuthUser) -> Result<ImportsPage, AppError> {
    admin_only(admin)?;
    let mut mappings = Vec::new();
    for op in OPERATORS {
        mappings.push(mapping_for(state, op).await?);
    }
    let imports = summaries(state, None).await?;
    Ok(ImportsPage {
        mappings,
        imports,
        demo: state.config.demo,
    })
}

async fn summaries(state: &AppState, one: Option<Uuid>) -> Result<Vec<ImportSummary>, AppError> {
    sqlx::query_as!(
        ImportSummary,
        r#"SELECT i.id, i.operator, i.filename, u.name AS imported_by,
                  i.created_at AS "created_at!: DateTime<Utc>",
                  i.lines_read, i.lines_new,
                  count(l.id) FILTER (WHERE l.state = 'OPEN' AND l.verdict = 'CONFIDENT') AS "confident_open!",
                  count(l.id) FILTER (WHERE l.state = 'OPEN' AND l.verdict = 'AMBIGUOUS') AS "ambiguous_open!",
                  count(l.id) FILTER (WHERE l.state = 'APPROVED') AS "approved!"
           FROM statement_imports i
           JOIN users u ON u.id = i.imported_by
           LEFT JOIN statement_lines l ON l.import_id = i.id
           WHERE $1::uuid IS NULL OR i.id = $1
           GROUP BY i.id, u.name
           ORDER BY i.created_at DESC
           LIMIT 50"#,
        one
    )
    .fetch_all(&state.pool)
    .await
    .map_err(respond::internal)
}

/// What an import was given: the operator, the columns and the file.
pub struct Upload {
    pub mapping: MappingView,
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// A line's identity across statements: its transaction id, or for a line without one, what
/// it says (with its rank among identical lines of the file).
fn line_key(line: &Line, seen: &mut std::collections::HashMap<String, usize>) -> String {
    let id = line.transaction_id.trim().to_lowercase();
    if !id.is_empty() {
        return format!("id:{id}");
    }
    let base = format!(
        "line:{}:{}:{}",
        line.amount,
        line.phone,
        line.at.map(|t| t.to_string()).unwrap_or_default()
    );
    let n = seen.entry(base.clone()).or_default();
    *n += 1;
    format!("{base}:{n}")
}

/// Reads a statement, keeps its lines that no earlier import had, matches them against the
/// operator's pending tickets (and approved ones, to flag a transaction id used twice), and
/// remembers the mapping. Returns the import's id.
#[tracing::instrument(skip(state, admin, upload), fields(admin_id = %admin.id, bytes = upload.bytes.len()))]
pub async fn import(state: &AppState, admin: &AuthUser, upload: Upload) -> Result<Uuid, AppError> {
    admin_only(admin)?;
    let echo = upload.mapping.echo();
    let refuse = |key: &str| AppError::form(key, echo.clone(), 422);
    let op =
        operator(&upload.mapping.operator).ok_or_else(|| refuse("statement.error_operator"))?;
    if upload.bytes.is_empty() {
        return Err(refuse("statement.error_file"));
    }
    if upload.bytes.len() > MAX_STATEMENT_BYTES {
        return Err(refuse("statement.error_too_large"));
    }
    let mapping = upload.mapping.mapping();
    if [
        &mapping.transaction_id,
        &mapping.amount,
        &mapping.phone,
        &mapping.date,
    ]
    .iter()
    .any(|c| c.is_empty())
    {
        return Err(refuse("statement.error_mapping"));
    }
    let bytes = upload.bytes;
    let lines = tokio::task::spawn_blocking(move || read::read(&bytes, &mapping))
        .await
        .map_err(respond::internal)?
        .map_err(|e| {
            let mut echo = echo.clone();
            if let read::StatementError::MissingColumn(c) = &e {
                echo.push(("column".into(), c.clone()));
            }
            AppError::form(e.message_key(), echo, 422)
        })?;
    if lines.is_empty() {
        return Err(refuse("statement.error_no_lines"));
    }
    let lines_read = lines.len();
    // One line per identity: within the file, then against earlier imports.
    let mut seen = std::collections::HashMap::new();
    let mut keyed: Vec<(String, Line)> = Vec::with_capacity(lines.len());
    let mut keys_in_file = HashSet::new();
    for line in lines {
        let key = line_key(&line, &mut seen);
        if keys_in_file.insert(key.clone()) {
            keyed.push((key, line));
        }
    }
    let keys: Vec<String> = keyed.iter().map(|(k, _)| k.clone()).collect();
    let known: HashSet<String> = sqlx::query_scalar!(
        "SELECT line_key FROM statement_lines WHERE operator = $1 AND line_key = ANY($2)",
        op,
        &keys
    )
    .fetch_all(&state.pool)
    .await
    .map_err(respond::internal)?
    .into_iter()
    .collect();
    keyed.retain(|(k, _)| !known.contains(k));
    let ids: Vec<String> = keyed
        .iter()
        .map(|(_, l)| l.transaction_id.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    let candidates = candidates(state, op, &ids).await?;
    let new_lines: Vec<Line> = keyed.iter().map(|(_, l)| l.clone()).collect();
    let verdicts = tokio::task::spawn_blocking(move || {
        read::match_lines(
            &new_lines,
            &candidates,
            chrono::Duration::hours(WINDOW_HOURS),
        )
    })
    .await
    .map_err(respond::internal)?;
    let import_id = Uuid::new_v4();
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    sqlx::query!(
        "INSERT INTO statement_imports (id, operator, filename, imported_by, lines_read, lines_new)
         VALUES ($1, $2, $3, $4, $5, 0)",
        import_id,
        op,
        upload.filename.chars().take(200).collect::<String>(),
        admin.id,
        i32::try_from(lines_read).unwrap_or(i32::MAX),
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    let inserted = insert_lines(&mut tx, import_id, op, &keyed, &verdicts).await?;
    sqlx::query!(
        "UPDATE statement_imports SET lines_new = $2 WHERE id = $1",
        import_id,
        inserted
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    let m = &upload.mapping;
    sqlx::query!(
        "INSERT INTO statement_mappings
             (operator, transaction_id, amount, phone, paid_at, status_column, status_ok, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (operator) DO UPDATE SET
             transaction_id = EXCLUDED.transaction_id, amount = EXCLUDED.amount,
             phone = EXCLUDED.phone, paid_at = EXCLUDED.paid_at,
             status_column = EXCLUDED.status_column, status_ok = EXCLUDED.status_ok,
             updated_by = EXCLUDED.updated_by, updated_at = now()",
        op,
        m.transaction_id.trim(),
        m.amount.trim(),
        m.phone.trim(),
        m.paid_at.trim(),
        m.status_column.trim(),
        m.status_ok.trim(),
        admin.id
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?;
    audit(
        &mut tx,
        Some(admin.id),
        "statement.imported",
        "statement_import",
        import_id,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)?;
    tracing::info!(%import_id, lines_read, lines_new = inserted, "statement imported");
    Ok(import_id)
}

/// The operator's pending tickets and waiting orders, and its approved ones whose transaction id
/// is among `ids`.
async fn candidates(
    state: &AppState,
    op: &str,
    ids: &[String],
) -> Result<Vec<Candidate>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT id, reference, transaction_id, amount, phone_number,
                  created_at AS "created_at!: DateTime<Utc>", status = 'APPROVED' AS "approved!"
           FROM payment_tickets
           WHERE payment_method = $1
             AND (status = 'PENDING' OR (status = 'APPROVED' AND lower(transaction_id) = ANY($2)))"#,
        op,
        ids
    )
    .fetch_all(&state.pool)
    .await
    .map_err(respond::internal)?;
    let mut all: Vec<Candidate> = rows
        .into_iter()
        .map(|r| Candidate {
            id: r.id,
            reference: r.reference,
            transaction_id: r.transaction_id,
            amount: r.amount,
            phone: read::phone_key(&r.phone_number),
            created_at: r.created_at,
            approved: r.approved,
        })
        .collect();
    // Orders in francs CFA waiting for their money (declared with this operator or not yet
    // declared), and paid ones whose transaction id the statement names.
    let orders = sqlx::query!(
        r#"SELECT o.id, o.reference, COALESCE(o.transaction_id, '') AS "transaction_id!",
                  CASE WHEN o.deposit > 0 AND o.amount_paid = 0 THEN o.deposit
                       ELSE o.total - o.amount_paid END AS "due!",
                  o.buyer_phone, o.created_at AS "created_at!: DateTime<Utc>",
                  o.paid_at IS NOT NULL AS "approved!"
           FROM orders o
           WHERE o.currency = 'XAF'
             AND ((o.status IN ('PAYMENT_PENDING', 'PENDING_VERIFICATION')
                   AND (o.payment_method = $1 OR o.payment_method IS NULL))
                  OR (o.paid_at IS NOT NULL AND o.payment_method = $1
                      AND lower(o.transaction_id) = ANY($2)))"#,
        op,
        ids
    )
    .fetch_all(&state.pool)
    .await
    .map_err(respond::internal)?;
    all.extend(orders.into_iter().map(|o| Candidate {
        id: o.id,
        reference: o.reference,
        transaction_id: o.transaction_id,
        amount: o.due,
        phone: read::phone_key(&o.buyer_phone),
        created_at: o.created_at,
        approved: o.approved,
    }));
    Ok(all)
}

/// Writes the new lines in one statement (a line another import wrote meanwhile is left to
/// it); returns how many were written.
async fn insert_lines(
    tx: &mut crate::platform::db::Tx<'_>,
    import_id: Uuid,
    op: &str,
    keyed: &[(String, Line)],
    verdicts: &[Verdict],
) -> Result<i32, AppError> {
    let n = keyed.len();
    let mut ids = Vec::with_capacity(n);
    let mut keys = Vec::with_capacity(n);
    let mut rows = Vec::with_capacity(n);
    let mut txids = Vec::with_capacity(n);
    let mut amounts = Vec::with_capacity(n);
    let mut phones = Vec::with_capacity(n);
    let mut times: Vec<Option<NaiveDateTime>> = Vec::with_capacity(n);
    let mut kinds = Vec::with_capacity(n);
    let mut bys: Vec<Option<String>> = Vec::with_capacity(n);
    let mut cands = Vec::with_capacity(n);
    for ((key, line), verdict) in keyed.iter().zip(verdicts) {
        let (kind, by, cand) = match verdict {
            Verdict::Confident { candidate, by } => (
                "CONFIDENT",
                Some(match by {
                    By::TransactionId => "TRANSACTION_ID",
                    By::AmountAndPhone => "AMOUNT_AND_PHONE",
                }),
                vec![*candidate],
            ),
            Verdict::Ambiguous { candidates } => ("AMBIGUOUS", None, candidates.clone()),
            Verdict::AlreadyApproved { candidate } => {
                ("ALREADY_APPROVED", Some("TRANSACTION_ID"), vec![*candidate])
            }
            Verdict::Unmatched => ("UNMATCHED", None, vec![]),
        };
        ids.push(Uuid::new_v4());
        keys.push(key.clone());
        rows.push(i32::try_from(line.row).unwrap_or(i32::MAX));
        txids.push(line.transaction_id.clone());
        amounts.push(line.amount);
        phones.push(line.phone.clone());
        times.push(line.at);
        kinds.push(kind.to_string());
        bys.push(by.map(str::to_string));
        // Postgres arrays of arrays must be rectangular: candidates travel as text.
        cands.push(
            cand.iter()
                .map(Uuid::to_string)
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    let written = sqlx::query!(
        r#"INSERT INTO statement_lines
               (id, import_id, operator, line_key, row_number, transaction_id, amount, phone,
                paid_at, verdict, matched_by, candidates)
           SELECT l.id, $2, $3, l.key, l.row_number, l.txid, l.amount, l.phone, l.paid_at,
                  l.verdict, l.matched_by,
                  COALESCE(string_to_array(NULLIF(l.cands, ''), ',')::uuid[], '{}')
           FROM UNNEST($1::uuid[], $4::text[], $5::int[], $6::text[], $7::bigint[], $8::text[],
                       $9::timestamp[], $10::text[], $11::text[], $12::text[])
                AS l(id, key, row_number, txid, amount, phone, paid_at, verdict, matched_by, cands)
           ON CONFLICT (operator, line_key) DO NOTHING"#,
        &ids,
        import_id,
        op,
        &keys,
        &rows,
        &txids,
        &amounts,
        &phones,
        &times as &[Option<NaiveDateTime>],
        &kinds,
        &bys as &[Option<String>],
        &cands
    )
    .execute(&mut **tx)
    .await
    .map_err(respond::internal)?
    .rows_affected();
    Ok(i32::try_from(written).unwrap_or(i32::MAX))
}

/// The review of an import: its counts and one page of one section.
#[tracing::instrument(skip(state, admin), fields(admin_id = %admin.id))]
pub async fn review(
    state: &AppState,
    admin: &AuthUser,
    import_id: &str,
    section: &str,
    page: i64,
) -> Result<ReviewPage, AppError> {
    admin_only(admin)?;
    let id = Uuid::parse_str(import_id.trim()).map_err(|_| AppError::NotFound)?;
    let summary = summaries(state, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let counts = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE state = 'OPEN' AND verdict = 'CONFIDENT') AS "confident!",
                  count(*) FILTER (WHERE state = 'OPEN' AND verdict = 'AMBIGUOUS') AS "ambiguous!",
                  count(*) FILTER (WHERE state = 'OPEN' AND verdict = 'ALREADY_APPROVED') AS "approved_before!",
                  count(*) FILTER (WHERE state = 'OPEN' AND verdict = 'UNMATCHED') AS "unmatched!",
                  count(*) FILTER (WHERE state <> 'OPEN') AS "done!",
                  (SELECT approving_since FROM statement_imports WHERE id = $1) AS "approving_since: DateTime<Utc>"
           FROM statement_lines WHERE import_id = $1"#,
        id
    )
    .fetch_one(&state.pool)
    .await
    .map_err(respond::internal)?;
    let sections = vec![
        ("confident".to_string(), counts.confident),
        ("ambiguous".to_string(), counts.ambiguous),
        ("approved_before".to_string(), counts.approved_before),
        ("unmatched".to_string(), counts.unmatched),
        ("done".to_string(), counts.done),
    ];
    // The first section with something to do, unless one is asked for.
    let section = SECTIONS
        .into_iter()
        .find(|s| *s == section)
        .or_else(|| {
            sections
                .iter()
                .find(|(_, n)| *n > 0)
                .and_then(|(s, _)| SECTIONS.into_iter().find(|x| x == s))
        })
        .unwrap_or("confident");
    let (states, verdicts): (&[&str], &[&str]) = match section {
        "confident" => (&["OPEN"], &["CONFIDENT"]),
        "ambiguous" => (&["OPEN"], &["AMBIGUOUS"]),
        "approved_before" => (&["OPEN"], &["ALREADY_APPROVED"]),
        "unmatched" => (&["OPEN"], &["UNMATCHED"]),
        _ => (
            &["APPROVED", "DISMISSED"],
            &["CONFIDENT", "AMBIGUOUS", "ALREADY_APPROVED", "UNMATCHED"],
        ),
    };
    let page = page.max(0);
    let lines = lines(state, id, states, verdicts, page).await?;
    let recent = |since: Option<DateTime<Utc>>| {
        since.is_some_and(|s| Utc::now() - s < chrono::Duration::minutes(15))
    };
    let approving = recent(counts.approving_since).then_some((summary.approved, counts.confident));
    Ok(ReviewPage {
        summary,
        sections,
        section: section.to_string(),
        lines,
        page,
        per_page: PER_PAGE,
        approving,
    })
}

async fn lines(
    state: &AppState,
    import_id: Uuid,
    states: &[&str],
    verdicts: &[&str],
    page: i64,
) -> Result<Vec<LineView>, AppError> {
    let states: Vec<String> = states.iter().map(|s| s.to_string()).collect();
    let verdicts: Vec<String> = verdicts.iter().map(|s| s.to_string()).collect();
    let rows = sqlx::query!(
        r#"SELECT id, row_number, transaction_id, amount, phone,
                  paid_at AS "paid_at: NaiveDateTime", verdict, matched_by,
                  state, candidates, ticket_id, order_id
           FROM statement_lines
           WHERE import_id = $1 AND state = ANY($2) AND verdict = ANY($3)
           ORDER BY row_number
           LIMIT $4 OFFSET $5"#,
        import_id,
        &states,
        &verdicts,
        PER_PAGE,
        page * PER_PAGE
    )
    .fetch_all(&state.pool)
    .await
    .map_err(respond::internal)?;
    let wanted: Vec<Uuid> = rows
        .iter()
        .flat_map(|r| {
            r.candidates
                .iter()
                .copied()
                .chain(r.ticket_id)
                .chain(r.order_id)
        })
        .collect();
    let briefs = sqlx::query_as!(
        TicketBrief,
        r#"SELECT t.id AS "id!", 'ticket' AS "kind!", t.reference AS "reference!",
                  f.name AS "family_name!", t.amount AS "amount!", t.phone_number AS "phone!",
                  t.transaction_id AS "transaction_id!", t.status AS "status!",
                  t.created_at AS "created_at!: DateTime<Utc>"
           FROM payment_tickets t JOIN families f ON f.id = t.family_id
           WHERE t.id = ANY($1)
           UNION ALL
           SELECT o.id, 'order', o.reference, o.buyer_name,
                  CASE WHEN o.deposit > 0 AND o.amount_paid = 0 THEN o.deposit
                       ELSE o.total - o.amount_paid END,
                  o.buyer_phone, COALESCE(o.transaction_id, ''), o.status, o.created_at
           FROM orders o WHERE o.id = ANY($1)"#,
        &wanted
    )
    .fetch_all(&state.pool)
    .await
    .map_err(respond::internal)?;
    let brief = |id: &Uuid| briefs.iter().find(|b| b.id == *id).cloned();
    Ok(rows
        .into_iter()
        .map(|r| {
            // An approved line shows the ticket it paid, whichever candidate that was.
            let shown: Vec<Uuid> = match r.ticket_id.or(r.order_id) {
                Some(paid) => vec![paid],
                None => r.candidates.clone(),
            };
            LineView {
                id: r.id,
                row: r.row_number,
                transaction_id: r.transaction_id,
                amount: r.amount,
                phone: r.phone,
                paid_at: r.paid_at,
                verdict: r.verdict,
                matched_by: r.matched_by,
                state: r.state,
                candidates: shown.iter().filter_map(brief).collect(),
            }
        })
        .collect())
}

/// Approves `paid` (a ticket or an order) as paid by line `line_id`, both in one transaction:
/// the ticket through its approval, the order as an admin marks it paid (each settled through
/// the settle path), the line claimed only if still open. Refused when the ticket or order no
/// longer waits for its money or another line already paid it.
async fn approve_line(
    state: &AppState,
    admin: &AuthUser,
    line_id: Uuid,
    paid: Uuid,
) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let line = sqlx::query!(
        r#"SELECT l.row_number, l.operator, i.filename,
                  (SELECT reference FROM orders WHERE id = $2) AS order_reference
           FROM statement_lines l
           JOIN statement_imports i ON i.id = l.import_id
           WHERE l.id = $1 AND l.state = 'OPEN'"#,
        line_id,
        paid
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| AppError::form("statement.error_line_done", vec![], 409))?;
    let note = format!("{} #{}", line.filename, line.row_number);
    let (ticket_id, order_id) = match &line.order_reference {
        Some(reference) => {
            let op = operator(&line.operator).ok_or_else(|| respond::internal("operator"))?;
            orders::mark_paid_in(
                &mut tx,
                state,
                admin,
                reference,
                PaidVia::Statement(op),
                &note,
            )
            .await?;
            (None, Some(paid))
        }
        None => {
            tickets::approve_in(&mut tx, state, admin, paid, &note).await?;
            (Some(paid), None)
        }
    };
    let claimed = sqlx::query!(
        "UPDATE statement_lines
         SET state = 'APPROVED', ticket_id = $2, order_id = $3, resolved_by = $4,
             resolved_at = now()
         WHERE id = $1 AND state = 'OPEN'
           AND NOT EXISTS (SELECT 1 FROM statement_lines WHERE ticket_id = $2 OR order_id = $3)",
        line_id,
        ticket_id,
        order_id,
        admin.id
    )
    .execute(&mut *tx)
    .await
    .map_err(respond::internal)?
    .rows_affected();
    if claimed != 1 {
        // Nothing is committed: the ticket or order stays as it was.
        return Err(AppError::form("statement.error_line_done", vec![], 409));
    }
    audit(
        &mut tx,
        Some(admin.id),
        "statement.line_approved",
        "statement_line",
        line_id,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)
}

/// Approves every open confident match of an import, one transaction each; a match whose
/// ticket was decided meanwhile is set aside for a person (already approved, or ambiguous).
/// Returns how many were approved.
async fn approve_all(state: AppState, admin: AuthUser, import_id: Uuid) -> Result<i64, AppError> {
    let mut approved = 0;
    let mut skipped: Vec<Uuid> = Vec::new();
    loop {
        let batch = sqlx::query!(
            r#"SELECT id, candidates[1] AS "ticket!" FROM statement_lines
               WHERE import_id = $1 AND state = 'OPEN' AND verdict = 'CONFIDENT'
                 AND NOT (id = ANY($2))
               ORDER BY row_number LIMIT 200"#,
            import_id,
            &skipped
        )
        .fetch_all(&state.pool)
        .await
        .map_err(respond::internal)?;
        if batch.is_empty() {
            break;
        }
        for line in batch {
            match approve_line(&state, &admin, line.id, line.ticket).await {
                Ok(()) => approved += 1,
                Err(AppError::Invalid { .. }) => {
                    set_aside(&state, line.id).await?;
                    skipped.push(line.id);
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(approved)
}

/// A confident match that could not be approved: flagged if its ticket or order was paid by
/// other means, otherwise left to a person among the ambiguous lines.
async fn set_aside(state: &AppState, line_id: Uuid) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE statement_lines l SET verdict = CASE
             WHEN (SELECT status FROM payment_tickets WHERE id = l.candidates[1]) = 'APPROVED'
               OR EXISTS (SELECT 1 FROM orders WHERE id = l.candidates[1] AND paid_at IS NOT NULL)
             THEN 'ALREADY_APPROVED' ELSE 'AMBIGUOUS' END
         WHERE l.id = $1 AND l.state = 'OPEN' AND l.verdict = 'CONFIDENT'",
        line_id
    )
    .execute(&state.pool)
    .await
    .map_err(respond::internal)?;
    Ok(())
}

/// Starts approving every confident match of an import and waits a few seconds for it: true
/// when all were done in that time, false when the work goes on in the background (the review
/// page then shows its progress). Two admins clicking at once approve each ticket once.
#[tracing::instrument(skip(state, admin), fields(admin_id = %admin.id))]
pub async fn approve_confident(
    state: &AppState,
    admin: &AuthUser,
    import_id: &str,
) -> Result<bool, AppError> {
    admin_only(admin)?;
    let id = Uuid::parse_str(import_id.trim()).map_err(|_| AppError::NotFound)?;
    let found = sqlx::query!(
        "UPDATE statement_imports SET approving_since = now() WHERE id = $1",
        id
    )
    .execute(&state.pool)
    .await
    .map_err(respond::internal)?
    .rows_affected();
    if found == 0 {
        return Err(AppError::NotFound);
    }
    let (st, who) = (state.clone(), admin.clone());
    let work = tokio::spawn(async move {
        let result = approve_all(st.clone(), who, id).await;
        if let Err(e) = sqlx::query!(
            "UPDATE statement_imports SET approving_since = NULL WHERE id = $1",
            id
        )
        .execute(&st.pool)
        .await
        {
            tracing::error!(error = %e, %id, "statement approval not marked finished");
        }
        match &result {
            Ok(n) => tracing::info!(%id, approved = n, "statement matches approved"),
            Err(e) => tracing::error!(error = ?e, %id, "statement approval stopped"),
        }
        result
    });
    match tokio::time::timeout(WAIT_FOR_APPROVALS, work).await {
        Ok(Ok(result)) => result.map(|_| true),
        Ok(Err(joined)) => Err(respond::internal(joined)),
        Err(_) => Ok(false),
    }
}

/// Approves the ticket or order an admin chose for a line: one of its candidates, or any
/// pending ticket or waiting order of the operator named by its reference (for a line nothing
/// matched).
#[tracing::instrument(skip(state, admin), fields(admin_id = %admin.id))]
pub async fn resolve(
    state: &AppState,
    admin: &AuthUser,
    line_id: &str,
    chosen: &str,
) -> Result<Uuid, AppError> {
    admin_only(admin)?;
    let echo = vec![("ticket".to_string(), chosen.to_string())];
    let line_id = Uuid::parse_str(line_id.trim()).map_err(|_| AppError::NotFound)?;
    let line = sqlx::query!(
        "SELECT import_id, operator, amount FROM statement_lines WHERE id = $1",
        line_id
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)?
    .ok_or(AppError::NotFound)?;
    let wanted = chosen.trim();
    let id = Uuid::parse_str(wanted).ok();
    let found = sqlx::query!(
        r#"SELECT id AS "id!", payment_method, amount AS "amount!", status = 'PENDING' AS "waiting!"
           FROM payment_tickets WHERE id = $1 OR reference = upper($2)
           UNION ALL
           SELECT id, payment_method,
                  CASE WHEN deposit > 0 AND amount_paid = 0 THEN deposit ELSE total - amount_paid END,
                  status IN ('PAYMENT_PENDING', 'PENDING_VERIFICATION', 'REQUIRES_MANUAL_REVIEW')
           FROM orders WHERE id = $1 OR reference = upper($2)
           LIMIT 1"#,
        id,
        wanted
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| AppError::form("statement.error_ticket", echo.clone(), 422))?;
    if found
        .payment_method
        .as_deref()
        .is_some_and(|m| m != line.operator)
    {
        return Err(AppError::form("statement.error_ticket_operator", echo, 422));
    }
    if found.amount != line.amount {
        return Err(AppError::form("statement.error_ticket_amount", echo, 422));
    }
    if !found.waiting {
        return Err(AppError::form("error.ticket_not_pending", echo, 409));
    }
    approve_line(state, admin, line_id, found.id).await?;
    Ok(line.import_id)
}

/// Sets a line aside: money that paid nothing Tessera knows, or a match the admin refuses.
#[tracing::instrument(skip(state, admin), fields(admin_id = %admin.id))]
pub async fn dismiss(state: &AppState, admin: &AuthUser, line_id: &str) -> Result<Uuid, AppError> {
    admin_only(admin)?;
    let line_id = Uuid::parse_str(line_id.trim()).map_err(|_| AppError::NotFound)?;
    let mut tx = state.pool.begin().await.map_err(respond::internal)?;
    let import_id = sqlx::query_scalar!(
        "UPDATE statement_lines SET state = 'DISMISSED', resolved_by = $2, resolved_at = now()
         WHERE id = $1 AND state = 'OPEN' RETURNING import_id",
        line_id,
        admin.id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(respond::internal)?
    .ok_or_else(|| AppError::form("statement.error_line_done", vec![], 409))?;
    audit(
        &mut tx,
        Some(admin.id),
        "statement.line_dismissed",
        "statement_line",
        line_id,
    )
    .await?;
    tx.commit().await.map_err(respond::internal)?;
    Ok(import_id)
}

/// The demo's sample statement of `op`: the operator's export format, one line paying each of
/// its pending tickets and orders (by transaction id, or by amount and phone when the family typed none),
/// a failed line and a payment nobody declared. Only offered when the demo is on: anywhere
/// else a made-up statement would approve tickets nobody paid.
#[tracing::instrument(skip(state))]
pub async fn sample(state: &AppState, op: &str) -> Result<String, AppError> {
    if !state.config.demo {
        return Err(AppError::NotFound);
    }
    let op = operator(op).ok_or(AppError::NotFound)?;
    let pending = sqlx::query!(
        r#"SELECT transaction_id AS "transaction_id!", amount AS "amount!",
                  phone_number AS "phone_number!", created_at AS "created_at!: DateTime<Utc>"
           FROM payment_tickets
           WHERE payment_method = $1 AND status = 'PENDING'
           UNION ALL
           SELECT COALESCE(transaction_id, ''),
                  CASE WHEN deposit > 0 AND amount_paid = 0 THEN deposit ELSE total - amount_paid END,
                  buyer_phone, created_at
           FROM orders
           WHERE payment_method = $1 AND currency = 'XAF'
             AND status IN ('PAYMENT_PENDING', 'PENDING_VERIFICATION')
           ORDER BY 4 LIMIT 500"#,
        op
    )
    .fetch_all(&state.pool)
    .await
    .map_err(respond::internal)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let orange = op == "ORANGE_MONEY";
    let write = |out: &mut csv::Writer<Vec<u8>>, row: Vec<String>| {
        out.write_record(&row).map_err(respond::internal)
    };
    if orange {
        write(
            &mut out,
            [
                "N°",
                "Date",
                "Référence",
                "Service",
                "Statut",
                "N° de Compte",
                "Débit",
                "Crédit",
            ]
            .map(String::from)
            .to_vec(),
        )?;
    } else {
        write(
            &mut out,
            [
                "Id",
                "Date",
                "Status",
                "Type",
                "From",
                "From Name",
                "To",
                "Amount",
                "Currency",
            ]
            .map(String::from)
            .to_vec(),
        )?;
    }
    let mut n = 0;
    let mut line = |out: &mut csv::Writer<Vec<u8>>,
                    txid: String,
                    at: DateTime<Utc>,
                    ok: bool,
                    phone: &str,
                    amount: i64|
     -> Result<(), AppError> {
        n += 1;
        let date = at + chrono::Duration::minutes(3);
        if orange {
            write(
                out,
                vec![
                    n.to_string(),
                    date.format("%d/%m/%Y %H:%M:%S").to_string(),
                    txid,
                    "Paiement marchand".into(),
                    if ok { "Succès" } else { "Echec" }.into(),
                    read::phone_key(phone),
                    String::new(),
                    amount.to_string(),
                ],
            )
        } else {
            write(
                out,
                vec![
                    txid,
                    date.format("%Y-%m-%d %H:%M:%S").to_string(),
                    if ok { "SUCCESSFUL" } else { "FAILED" }.into(),
                    "PAYMENT".into(),
                    format!("237{}", read::phone_key(phone)),
                    String::new(),
                    "237650000000".into(),
                    amount.to_string(),
                    "XAF".into(),
                ],
            )
        }
    };
    let now = Utc::now();
    for (i, t) in pending.iter().enumerate() {
        let txid = if t.transaction_id.trim().is_empty() {
            format!("DEMO{:08}", i + 1)
        } else {
            t.transaction_id.clone()
        };
        line(
            &mut out,
            txid,
            t.created_at,
            true,
            &t.phone_number,
            t.amount,
        )?;
    }
    line(
        &mut out,
        "DEMO-FAILED-1".into(),
        now,
        false,
        "699000111",
        5000,
    )?;
    line(
        &mut out,
        "DEMO-UNKNOWN-1".into(),
        now,
        true,
        "699000222",
        2500,
    )?;
    let bytes = out.into_inner().map_err(respond::internal)?;
    String::from_utf8(bytes).map_err(respond::internal)
}
