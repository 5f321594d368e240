//! CSV exports that open right in a spreadsheet, whatever its language.
//!
//! - UTF-8 with a byte-order mark, so Excel reads accents (`Émilie`, `Nguyễn`) as written.
//! - The separator and the decimal mark follow the reader's language: `;` and `12,50` in
//!   French (what a French Excel expects when it opens a `.csv`), `,` and `12.50` in English.
//! - Numbers and amounts are written bare so they are numbers in the sheet; dates as
//!   `2026-12-20 18:00` in site time, which spreadsheets read as dates.
//! - A text cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
//!   a tab or a carriage return) is written with a leading `'`, so it stays text.

use axum::{
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};

use crate::domain::{local_sortable, Currency, Lang};

/// One cell of an export.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// An amount in minor units, written in major units (`1250` EUR → `12.50`).
    Amount(i64, Currency),
    Time(DateTime<Utc>),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// Text a spreadsheet keeps as text.
fn neutralised(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn amount(minor: i64, currency: Currency, decimal: char) -> String {
    let digits = currency.minor_digits();
    if digits == 0 {
        return minor.to_string();
    }
    let unit = 10i64.pow(digits);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let unit = unit.unsigned_abs();
    format!(
        "{sign}{}{decimal}{:0width$}",
        abs / unit,
        abs % unit,
        width = digits as usize
    )
}

/// A sheet being written: the header row first, then one row per record.
pub struct Sheet {
    decimal: char,
    out: ::csv::Writer<Vec<u8>>,
}

impl Sheet {
    pub fn new(lang: Lang, headers: &[&str]) -> Self {
        let (separator, decimal) = match lang {
            Lang::Fr => (b';', ','),
            Lang::En => (b',', '.'),
        };
        let out = ::csv::WriterBuilder::new()
            .delimiter(separator)
            .terminator(::csv::Terminator::CRLF)
            .flexible(true)
            .from_writer("\u{feff}".as_bytes().to_vec());
        let mut sheet = Sheet { decimal, out };
        sheet.row(headers.iter().map(|h| Cell::from(*h)).collect());
        sheet
    }

    fn text(&self, cell: Cell) -> String {
        match cell {
            Cell::Text(s) => neutralised(&s),
            Cell::Int(n) => n.to_string(),
            Cell::Amount(minor, currency) => amount(minor, currency, self.decimal),
            Cell::Time(at) => local_sortable(at),
            Cell::Empty => String::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        let fields: Vec<String> = cells.into_iter().map(|c| self.text(c)).collect();
        // Writing to memory cannot fail.
        if let Err(e) = self.out.write_record(&fields) {
            tracing::warn!(error = %e, "a CSV row was left out");
        }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        // Flushing into memory cannot fail either; if it did, what was written is kept.
        self.out
            .into_inner()
            .unwrap_or_else(|e| e.into_inner().get_ref().clone())
    }

    /// The sheet as a download named `filename`.
    pub fn into_response(self, filename: &str) -> Response {
        let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (header::CONTENT_DISPOSITION, disposition),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                ),
            ],
            self.into_bytes(),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lang: Lang, cells: Vec<Cell>) -> String {
        let mut s = Sheet::new(lang, &["a", "b"]);
        s.row(cells);
        String::from_utf8(s.into_bytes()).unwrap()
    }

    #[test]
    fn starts_with_a_bom_and_the_header_row() {
        let s = text(Lang::En, vec![]);
        assert!(s.starts_with("\u{feff}a,b\r\n"));
    }

    #[test]
    fn formulas_are_kept_as_text_including_tab_and_carriage_return() {
        for bad in ["=1+1", "+237670000000", "-2", "@SUM(A1)", "\tx", "\rx"] {
            let s = text(Lang::En, vec![bad.into()]);
            let row = s.lines().nth(1).unwrap();
            assert!(
                row.starts_with("'") || row.starts_with("\"'"),
                "{bad:?} → {row:?}"
            );
        }
        let s = text(Lang::En, vec!["Awa".into()]);
        assert!(s.ends_with("\r\nAwa\r\n"));
    }

    #[test]
    fn numbers_stay_numbers_and_negative_numbers_are_not_neutralised() {
        let s = text(
            Lang::En,
            vec![Cell::Int(-5), Cell::Amount(1250, Currency::EUR)],
        );
        assert!(s.ends_with("\r\n-5,12.50\r\n"), "{s:?}");
        let s = text(
            Lang::Fr,
            vec![Cell::Int(20000), Cell::Amount(-1250, Currency::EUR)],
        );
        assert!(s.ends_with("\r\n20000;-12,50\r\n"), "{s:?}");
        let s = text(
            Lang::Fr,
            vec![Cell::Amount(20000, Currency::XAF), Cell::Empty],
        );
        assert!(s.ends_with("\r\n20000;\r\n"), "{s:?}");
    }

    #[test]
    fn french_sheets_use_semicolons_and_quote_what_needs_it() {
        let s = text(Lang::Fr, vec!["Dupont; fils".into(), "dit \"Jo\"".into()]);
        assert!(s.starts_with("\u{feff}a;b\r\n"));
        assert!(
            s.ends_with("\r\n\"Dupont; fils\";\"dit \"\"Jo\"\"\"\r\n"),
            "{s:?}"
        );
    }

    #[test]
    fn times_are_site_time() {
        let at = DateTime::parse_from_rfc3339("2026-12-20T17:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let s = text(Lang::En, vec![Cell::Time(at)]);
        assert!(s.ends_with("\r\n2026-12-20 18:00\r\n"), "{s:?}");
    }
}
