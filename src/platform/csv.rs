//! CSV fields that spreadsheets open safely.

/// A quoted field; a leading `=`, `+`, `-` or `@` is neutralised so no spreadsheet runs it as
/// a formula.
pub fn csv_field(s: &str) -> String {
    // Quote everything; neutralise spreadsheet formulas.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}
