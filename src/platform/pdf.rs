//! A one-page A4 PDF of an e-ticket: text in the standard Helvetica fonts and the QR code drawn
//! as filled squares. Small enough to write directly; no font embedding, no images.

use std::fmt::Write;

/// One line of the ticket: bold or not, its size in points, its text.
pub struct Line {
    pub bold: bool,
    pub size: u32,
    pub text: String,
}

/// A PDF string literal in WinAnsi (Latin-1 for the French letters); other characters become `?`.
fn pdf_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('(');
    for c in s.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_whitespace() => out.push(' '),
            c if (c as u32) < 0x20 => {}
            c if (c as u32) < 0x80 => out.push(c),
            c if (c as u32) <= 0xFF => {
                let _ = write!(out, "\\{:03o}", c as u32);
            }
            '€' => out.push_str("\\200"),
            '—' | '–' => out.push('-'),
            _ => out.push('?'),
        }
    }
    out.push(')');
    out
}

/// The page: the lines from the top left, the QR code (`width` modules, row by row) on the right.
pub fn ticket_pdf(lines: &[Line], qr_width: usize, dark: &[bool]) -> Vec<u8> {
    let mut content = String::new();
    let mut y = 780i32;
    for line in lines {
        let font = if line.bold { "F2" } else { "F1" };
        let _ = writeln!(
            content,
            "BT /{font} {} Tf 50 {y} Td {} Tj ET",
            line.size,
            pdf_text(&line.text)
        );
        y -= line.size as i32 + 10;
    }
    // QR code: 200 pt square under the text, with its quiet zone left white. Drawn in module
    // units (one `cm` scales them), each row's run of dark modules as one rectangle.
    if qr_width > 0 {
        let module = 200.0 / qr_width as f64;
        let top = f64::from(y.min(560)) - 20.0;
        let _ = writeln!(
            content,
            "q 0 0 0 rg {module:.4} 0 0 {module:.4} 50 {top} cm"
        );
        for (row, cells) in dark.chunks(qr_width).enumerate() {
            let mut col = 0;
            while col < cells.len() {
                if !cells[col] {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < cells.len() && cells[col] {
                    col += 1;
                }
                let _ = writeln!(content, "{start} -{} {} 1 re", row + 1, col - start);
            }
        }
        content.push_str("f Q\n");
    }
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_string(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        let _ = write!(out, "{} 0 obj\n{body}\nendobj\n", i + 1);
    }
    let xref = out.len();
    let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in offsets {
        let _ = writeln!(out, "{o:010} 00000 n ");
    }
    let _ = write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_encodes() {
        assert_eq!(pdf_text("a(b)\\"), "(a\\(b\\)\\\\)");
        assert_eq!(pdf_text("Été"), "(\\311t\\351)");
        assert_eq!(pdf_text("15\u{202f}000 FCFA"), "(15 000 FCFA)");
        assert_eq!(pdf_text("日本"), "(??)");
    }

    #[test]
    fn a_row_of_dark_modules_is_one_rectangle() {
        let pdf = ticket_pdf(
            &[],
            3,
            &[true, true, false, false, true, true, true, false, true],
        );
        let text = String::from_utf8(pdf).unwrap();
        let rects: Vec<&str> = text.lines().filter(|l| l.ends_with(" re")).collect();
        assert_eq!(
            rects,
            ["0 -1 2 1 re", "1 -2 2 1 re", "0 -3 1 1 re", "2 -3 1 1 re"]
        );
        assert!(text.contains("66.6667 0 0 66.6667 50 "), "{text}");
    }

    #[test]
    fn a_well_formed_single_page() {
        let pdf = ticket_pdf(
            &[Line {
                bold: true,
                size: 20,
                text: "Festival".into(),
            }],
            2,
            &[true, false, false, true],
        );
        let text = String::from_utf8(pdf).unwrap();
        assert!(text.starts_with("%PDF-1.4"));
        assert!(text.ends_with("%%EOF\n"));
        assert!(text.contains("/Count 1"));
        assert_eq!(text.matches(" re\n").count(), 2);
        // Every xref offset points at its object.
        let xref_at: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|s| s.lines().next())
            .and_then(|s| s.parse().ok())
            .unwrap();
        assert!(text[xref_at..].starts_with("xref"));
        for (i, line) in text[xref_at..].lines().skip(3).take(6).enumerate() {
            let off: usize = line[..10].parse().unwrap();
            assert!(text[off..].starts_with(&format!("{} 0 obj", i + 1)));
        }
    }
}
