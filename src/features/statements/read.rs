//! An operator's merchant statement (MTN MoMo or Orange Money, exported as CSV or XLSX) read
//! with a column mapping, and its lines matched to the payments Tessera waits for: first by
//! transaction id, then by amount and payer phone within a time window. Pure: no database.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;

/// Which columns of a statement hold what, by their header (compared without case, accents
/// kept). Presets for the two operators' exports; an admin may adjust each name.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    pub transaction_id: String,
    pub amount: String,
    pub phone: String,
    pub date: String,
    /// The column saying whether the line went through, and the value that means it did.
    pub status: Option<(String, String)>,
}

impl Mapping {
    /// MTN MoMo's transaction history export (`Id`, `Date`, `Status`, `From`, `Amount`, …).
    pub fn mtn() -> Self {
        Mapping {
            transaction_id: "Id".into(),
            amount: "Amount".into(),
            phone: "From".into(),
            date: "Date".into(),
            status: Some(("Status".into(), "SUCCESSFUL".into())),
        }
    }

    /// Orange Money's merchant export (`Référence`, `Date`, `Statut`, `N° de Compte`, `Crédit`).
    pub fn orange() -> Self {
        Mapping {
            transaction_id: "Référence".into(),
            amount: "Crédit".into(),
            phone: "N° de Compte".into(),
            date: "Date".into(),
            status: Some(("Statut".into(), "Succès".into())),
        }
    }
}

/// One money movement of the statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Its row in the file, the header being row 1.
    pub row: usize,
    pub transaction_id: String,
    /// Whole XAF.
    pub amount: i64,
    /// The payer's number, its last nine digits (Cameroon's numbers without 237).
    pub phone: String,
    pub at: Option<NaiveDateTime>,
}

/// Why a statement could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatementError {
    #[error("the file has no header row")]
    Empty,
    #[error("no column named {0}")]
    MissingColumn(String),
    #[error("the file is not CSV: {0}")]
    NotCsv(String),
    #[error("the spreadsheet cannot be read: {0}")]
    NotXlsx(String),
    #[error("the spreadsheet unpacks to more than {0} bytes")]
    Unpacked(u64),
}

impl StatementError {
    /// The catalogue key that tells the admin what went wrong.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Empty => "statement.error_empty",
            Self::MissingColumn(_) => "statement.error_column",
            Self::NotCsv(_) | Self::NotXlsx(_) => "statement.error_unreadable",
            Self::Unpacked(_) => "statement.error_unpacked",
        }
    }
}

/// A phone number as its last nine digits, so `+237 6 77 12 34 56` and `677123456` agree.
pub fn phone_key(raw: &str) -> String {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let start = digits.len().saturating_sub(9);
    digits[start..].to_string()
}

/// `15 000`, `15,000`, `15000.00`, `15 000 FCFA` → 15000; anything else is not an amount.
pub fn whole_amount(raw: &str) -> Option<i64> {
    let cleaned: String = raw
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-'))
        .collect();
    // A decimal part of zeros (`.00`, `,00`) is dropped; a thousands separator is ignored.
    let whole = match cleaned.rsplit_once(['.', ',']) {
        // XAF has no cents: `.00` is dropped, `.50` is not an amount Tessera can match.
        Some((head, tail)) if tail.len() <= 2 => {
            if !tail.chars().all(|c| c == '0') {
                return None;
            }
            head
        }
        _ => cleaned.as_str(),
    };
    let digits: String = whole.chars().filter(|c| *c != '.' && *c != ',').collect();
    digits.parse().ok()
}

fn parse_time(raw: &str) -> Option<NaiveDateTime> {
    let raw = raw.trim();
    [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
}

/// Whether `bytes` are a spreadsheet (XLSX is a zip archive) rather than text.
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The lines of a statement that moved money in, read with `mapping`: an XLSX workbook (its
/// first sheet) or CSV text, whose separator (`,` or `;`) is taken from the header row and
/// whose byte-order mark is ignored.
pub fn read(bytes: &[u8], mapping: &Mapping) -> Result<Vec<Line>, StatementError> {
    let rows = if is_xlsx(bytes) {
        xlsx_rows(bytes, MAX_UNPACKED)?
    } else {
        csv_rows(bytes)?
    };
    lines_of(rows, mapping)
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, StatementError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let header_line = text.lines().next().ok_or(StatementError::Empty)?;
    let separator = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_string).collect())
                .map_err(|e| StatementError::NotCsv(e.to_string()))
        })
        .collect()
}

/// The most a workbook may hold once unpacked. A month of a busy account is a few megabytes; a
/// file that unpacks to gigabytes (a "zip bomb") is refused before anything is unpacked.
const MAX_UNPACKED: u64 = 200 * 1024 * 1024;

fn xlsx_rows(bytes: &[u8], max_unpacked: u64) -> Result<Vec<Vec<String>>, StatementError> {
    use calamine::{Data, Reader, Xlsx};
    let bad = |e: &dyn std::fmt::Display| StatementError::NotXlsx(e.to_string());
    // The sizes the archive declares; the zip reader never unpacks more than declared.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let mut unpacked: u64 = 0;
    for i in 0..archive.len() {
        let size = archive.by_index_raw(i).map_err(|e| bad(&e))?.size();
        unpacked = unpacked.saturating_add(size);
    }
    if unpacked > max_unpacked {
        return Err(StatementError::Unpacked(max_unpacked));
    }
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(StatementError::Empty)?
        .map_err(|e| bad(&e))?;
    let cell = |c: &Data| match c {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default(),
    };
    Ok(range.rows().map(|r| r.iter().map(cell).collect()).collect())
}

fn lines_of(rows: Vec<Vec<String>>, mapping: &Mapping) -> Result<Vec<Line>, StatementError> {
    let mut rows = rows.into_iter();
    let headers = rows.next().ok_or(StatementError::Empty)?;
    let column = |name: &str| {
        let wanted = name.trim().to_lowercase();
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase() == wanted)
            .ok_or_else(|| StatementError::MissingColumn(name.to_string()))
    };
    let (txid, amount, phone, date) = (
        column(&mapping.transaction_id)?,
        column(&mapping.amount)?,
        column(&mapping.phone)?,
        column(&mapping.date)?,
    );
    let status = match &mapping.status {
        Some((name, ok)) => Some((column(name)?, ok.trim().to_lowercase())),
        None => None,
    };
    let mut lines = Vec::new();
    for (i, record) in rows.enumerate() {
        let get = |c: usize| record.get(c).map_or("", |s| s.trim());
        if let Some((c, ok)) = &status {
            if get(*c).to_lowercase() != *ok {
                continue;
            }
        }
        let Some(amount) = whole_amount(get(amount)).filter(|a| *a > 0) else {
            continue;
        };
        lines.push(Line {
            row: i + 2,
            transaction_id: get(txid).to_string(),
            amount,
            phone: phone_key(get(phone)),
            at: parse_time(get(date)),
        });
    }
    Ok(lines)
}

/// A payment Tessera knows, as matching needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: Uuid,
    pub reference: String,
    /// The transaction id the family typed (or the operator reported).
    pub transaction_id: String,
    /// Whole XAF.
    pub amount: i64,
    pub phone: String,
    pub created_at: DateTime<Utc>,
    /// Already approved: a line naming it is flagged, never approved again.
    pub approved: bool,
}

/// How a line was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    TransactionId,
    AmountAndPhone,
}

/// What a line of the statement is, for the review screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// One waiting payment, surely: can be approved with the others in one action.
    Confident { candidate: Uuid, by: By },
    /// Several could be it, or the amount differs from the one with its transaction id.
    Ambiguous { candidates: Vec<Uuid> },
    /// Its transaction id belongs to a payment already approved.
    AlreadyApproved { candidate: Uuid },
    /// Money Tessera knows nothing about.
    Unmatched,
}

/// The most candidates an unsure line keeps (the review offers them one by one).
const MAX_CANDIDATES: usize = 20;

fn id_key(raw: &str) -> Option<String> {
    let raw = raw.trim();
    (!raw.is_empty()).then(|| raw.to_lowercase())
}

/// Each line's verdict, in the lines' order. `window`: how far from the payment's creation a
/// line may be to match by amount and phone. A payment two lines claim is confident for
/// neither. Linear in lines and candidates (10,000 of each take milliseconds).
pub fn match_lines(
    lines: &[Line],
    candidates: &[Candidate],
    window: chrono::Duration,
) -> Vec<Verdict> {
    let mut by_id: HashMap<String, &Candidate> = HashMap::new();
    let mut by_amount_phone: HashMap<(i64, &str), Vec<&Candidate>> = HashMap::new();
    for c in candidates {
        if let Some(k) = id_key(&c.transaction_id) {
            by_id.entry(k).or_insert(c);
        }
        if !c.approved {
            by_amount_phone
                .entry((c.amount, c.phone.as_str()))
                .or_default()
                .push(c);
        }
    }
    // A ticket another line names by transaction id is that line's: amount and phone do not
    // make it a second line's.
    let named: HashSet<Uuid> = lines
        .iter()
        .filter_map(|l| id_key(&l.transaction_id).and_then(|k| by_id.get(&k)))
        .map(|c| c.id)
        .collect();
    let mut verdicts: Vec<Verdict> = lines
        .iter()
        .map(|line| {
            if let Some(c) = id_key(&line.transaction_id).and_then(|k| by_id.get(&k)) {
                return if c.approved {
                    Verdict::AlreadyApproved { candidate: c.id }
                } else if c.amount == line.amount {
                    Verdict::Confident {
                        candidate: c.id,
                        by: By::TransactionId,
                    }
                } else {
                    Verdict::Ambiguous {
                        candidates: vec![c.id],
                    }
                };
            }
            let near: Vec<Uuid> = by_amount_phone
                .get(&(line.amount, line.phone.as_str()))
                .into_iter()
                .flatten()
                .filter(|c| !named.contains(&c.id))
                .filter(|c| {
                    line.at
                        .is_none_or(|at| (at.and_utc() - c.created_at).abs() <= window)
                })
                .map(|c| c.id)
                .take(MAX_CANDIDATES)
                .collect();
            match near.as_slice() {
                [] => Verdict::Unmatched,
                [one] => Verdict::Confident {
                    candidate: *one,
                    by: By::AmountAndPhone,
                },
                _ => Verdict::Ambiguous { candidates: near },
            }
        })
        .collect();
    // A payment claimed confidently by two lines: neither is sure.
    let mut claims: HashMap<Uuid, usize> = HashMap::new();
    for v in &verdicts {
        if let Verdict::Confident { candidate, .. } = v {
            *claims.entry(*candidate).or_default() += 1;
        }
    }
    for v in &mut verdicts {
        if let Verdict::Confident { candidate, .. } = v {
            if claims.get(candidate).copied().unwrap_or(0) > 1 {
                *v = Verdict::Ambiguous {
                    candidates: vec![*candidate],
                };
            }
        }
    }
    verdicts
}

#[cfg(test)]
mod tests {
    use super::*;

    const MTN: &str = "\u{feff}Id,External Transaction Id,Date,Status,Type,From,From Name,To,Amount,Currency\n\
        6120456789,,2026-12-05 09:14:02,SUCCESSFUL,PAYMENT,237677123456,AWA NDIAYE,237650000000,15000,XAF\n\
        6120456790,,2026-12-05 09:20:40,FAILED,PAYMENT,237699000001,PAUL MBARGA,237650000000,5000,XAF\n\
        6120456791,,2026-12-05 10:02:11,SUCCESSFUL,PAYMENT,237699000002,JEAN FOTSO,237650000000,\"5,000\",XAF\n";

    const ORANGE: &str = "N°;Date;Référence;Service;Statut;N° de Compte;Débit;Crédit\n\
        1;05/12/2026 11:02:33;MP261205.1102.A10001;Paiement marchand;Succès;699000003;;15 000\n\
        2;05/12/2026 11:40:00;MP261205.1140.A10002;Paiement marchand;Echec;699000004;;5 000\n";

    #[test]
    fn both_presets_read_their_exports() {
        let mtn = read(MTN.as_bytes(), &Mapping::mtn()).unwrap();
        assert_eq!(mtn.len(), 2, "the failed line is left out");
        assert_eq!(mtn[0].transaction_id, "6120456789");
        assert_eq!(mtn[0].amount, 15000);
        assert_eq!(mtn[0].phone, "677123456");
        assert_eq!(mtn[1].amount, 5000);
        assert_eq!(mtn[1].row, 4);
        let orange = read(ORANGE.as_bytes(), &Mapping::orange()).unwrap();
        assert_eq!(orange.len(), 1);
        assert_eq!(orange[0].transaction_id, "MP261205.1102.A10001");
        assert_eq!(orange[0].amount, 15000);
        assert_eq!(orange[0].phone, "699000003");
        assert!(orange[0].at.is_some());
        assert_eq!(
            read(ORANGE.as_bytes(), &Mapping::mtn()),
            Err(StatementError::MissingColumn("Id".into()))
        );
    }

    /// A zip archive of `files`, stored as they are.
    fn archive(files: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, body) in files {
            out.start_file(*name, options).unwrap();
            out.write_all(body.as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn a_workbook_too_large_once_unpacked_or_not_a_workbook_is_refused_in_words() {
        let big = "x".repeat(4096);
        let bytes = archive(&[("xl/worksheets/sheet1.xml", &big)]);
        assert!(is_xlsx(&bytes));
        assert_eq!(xlsx_rows(&bytes, 1024), Err(StatementError::Unpacked(1024)));
        assert_eq!(
            StatementError::Unpacked(1024).message_key(),
            "statement.error_unpacked"
        );
        // Under the limit but not a workbook: a clear refusal, not a panic.
        assert!(matches!(
            read(&bytes, &Mapping::mtn()),
            Err(StatementError::NotXlsx(_))
        ));
        assert!(matches!(
            read(b"PK\x03\x04 truncated", &Mapping::mtn()),
            Err(StatementError::NotXlsx(_))
        ));
    }

    #[test]
    fn amounts_and_numbers_are_read_as_people_write_them() {
        for (raw, n) in [
            ("15 000", 15000),
            ("15,000", 15000),
            ("15000.00", 15000),
            ("15 000 FCFA", 15000),
            ("1.500.000", 1500000),
        ] {
            assert_eq!(whole_amount(raw), Some(n), "{raw}");
        }
        assert_eq!(whole_amount("n/a"), None);
        assert_eq!(whole_amount("15000.50"), None);
        assert_eq!(phone_key("+237 6 77 12 34 56"), "677123456");
        assert_eq!(phone_key("677123456"), "677123456");
    }

    fn candidate(txid: &str, amount: i64, phone: &str, approved: bool) -> Candidate {
        Candidate {
            id: Uuid::new_v4(),
            reference: "TKT".into(),
            transaction_id: txid.into(),
            amount,
            phone: phone.into(),
            created_at: DateTime::parse_from_rfc3339("2026-12-05T08:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            approved,
        }
    }

    fn line(txid: &str, amount: i64, phone: &str) -> Line {
        Line {
            row: 2,
            transaction_id: txid.into(),
            amount,
            phone: phone.into(),
            at: NaiveDateTime::parse_from_str("2026-12-05 09:00:00", "%Y-%m-%d %H:%M:%S").ok(),
        }
    }

    #[test]
    fn lines_match_by_transaction_id_then_by_amount_and_phone() {
        let by_id = candidate("6120456789", 15000, "600000000", false);
        let by_phone = candidate("typed-wrong", 5000, "699000002", false);
        let twins = [
            candidate("a", 7000, "677000000", false),
            candidate("b", 7000, "677000000", false),
        ];
        let done = candidate("6120000001", 5000, "690000000", true);
        let wrong_amount = candidate("6120000002", 9000, "691000000", false);
        let all = [
            by_id.clone(),
            by_phone.clone(),
            twins[0].clone(),
            twins[1].clone(),
            done.clone(),
            wrong_amount.clone(),
        ];
        let lines = [
            line("6120456789", 15000, "677123456"),
            line("6120456791", 5000, "699000002"),
            line("6120456792", 7000, "677000000"),
            line("6120000001", 5000, "690000000"),
            line("6120000002", 8000, "691000000"),
            line("6129999999", 1000, "650000000"),
        ];
        let v = match_lines(&lines, &all, chrono::Duration::hours(48));
        assert_eq!(
            v[0],
            Verdict::Confident {
                candidate: by_id.id,
                by: By::TransactionId
            }
        );
        assert_eq!(
            v[1],
            Verdict::Confident {
                candidate: by_phone.id,
                by: By::AmountAndPhone
            }
        );
        assert_eq!(
            v[2],
            Verdict::Ambiguous {
                candidates: vec![twins[0].id, twins[1].id]
            }
        );
        assert_eq!(v[3], Verdict::AlreadyApproved { candidate: done.id });
        assert_eq!(
            v[4],
            Verdict::Ambiguous {
                candidates: vec![wrong_amount.id]
            }
        );
        assert_eq!(v[5], Verdict::Unmatched);
        // Outside the window, amount and phone are not enough.
        let v = match_lines(&lines[1..2], &all, chrono::Duration::minutes(30));
        assert_eq!(v[0], Verdict::Unmatched);
    }

    #[test]
    fn the_same_statement_twice_never_approves_a_payment_twice() {
        let c = candidate("6120456789", 15000, "677123456", false);
        let once = line("6120456789", 15000, "677123456");
        // Overlapping statements: the same line read twice claims the payment twice.
        let v = match_lines(
            &[once.clone(), once],
            std::slice::from_ref(&c),
            chrono::Duration::hours(48),
        );
        assert!(v.iter().all(|v| *v
            == Verdict::Ambiguous {
                candidates: vec![c.id]
            }));
        // Once approved, a later import flags it.
        let approved = Candidate {
            approved: true,
            ..c.clone()
        };
        let v = match_lines(
            &[line("6120456789", 15000, "677123456")],
            &[approved],
            chrono::Duration::hours(48),
        );
        assert_eq!(v[0], Verdict::AlreadyApproved { candidate: c.id });
    }
}
