//! The HTML part of every e-mail, made from its text so both always say the same thing: one
//! narrow column readable on a phone, paragraphs as written, addresses as links (a line that is
//! only a link becomes a button), inline images (QR codes) with their captions.

use crate::domain::Lang;

/// Text made safe inside HTML, attribute values included.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A line with its web addresses made links.
fn linked(line: &str) -> String {
    let mut out = String::new();
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if word.starts_with("https://") || word.starts_with("http://") {
            let url = esc(word);
            out.push_str(&format!(
                r#"<a href="{url}" style="color:#0b5cad;word-break:break-all">{url}</a>"#
            ));
        } else {
            out.push_str(&esc(word));
        }
    }
    out
}

/// `https://…` alone on its line, or after a list number (`1. https://…`), with perhaps a note
/// after it (`1. https://… (K7QM-3XP9)`): (number, address, note).
fn lone_link(line: &str) -> Option<(&str, &str, &str)> {
    let line = line.trim();
    let (label, rest) = match line.split_once(' ') {
        Some((n, rest)) if n.trim_end_matches('.').parse::<u32>().is_ok() => (n, rest.trim()),
        Some(_) if !(line.starts_with("https://") || line.starts_with("http://")) => return None,
        _ => ("", line),
    };
    let (url, note) = rest.split_once(' ').unwrap_or((rest, ""));
    (url.starts_with("https://") || url.starts_with("http://")).then_some((label, url, note.trim()))
}

fn paragraph(block: &str) -> String {
    let mut out = String::new();
    let mut text: Vec<String> = Vec::new();
    let flush = |text: &mut Vec<String>, out: &mut String| {
        if !text.is_empty() {
            out.push_str(&format!(
                r#"<p style="margin:0 0 16px">{}</p>"#,
                text.join("<br>")
            ));
            text.clear();
        }
    };
    for line in block.lines() {
        match lone_link(line) {
            Some((label, url, note)) => {
                flush(&mut text, &mut out);
                let url = esc(url);
                let label = if label.is_empty() {
                    String::new()
                } else {
                    format!("{} ", esc(label))
                };
                let note = if note.is_empty() {
                    String::new()
                } else {
                    format!(" {}", esc(note))
                };
                out.push_str(&format!(
                    r#"<p style="margin:0 0 12px">{label}<a href="{url}" style="display:inline-block;max-width:100%;padding:12px 16px;border-radius:8px;background:#0b5cad;color:#ffffff;text-decoration:none;word-break:break-all">{url}</a>{note}</p>"#
                ));
            }
            None => text.push(linked(line)),
        }
    }
    flush(&mut text, &mut out);
    out
}

/// The HTML document of an e-mail whose text is `text`; `images` are (Content-ID, caption)
/// pairs shown after the text, before the signature.
pub fn render(lang: Lang, subject: &str, text: &str, images: &[(String, String)]) -> String {
    let blocks: Vec<&str> = text
        .split("\n\n")
        .map(|b| b.trim_matches(|c| c == '\n' || c == ' ' || c == '\r'))
        .filter(|b| !b.is_empty())
        .collect();
    let signed = blocks.last().is_some_and(|b| b.starts_with('—'));
    let (body, signature) = if signed {
        blocks.split_at(blocks.len() - 1)
    } else {
        (&blocks[..], &[][..])
    };
    let mut html = String::new();
    for block in body {
        html.push_str(&paragraph(block));
    }
    for (cid, caption) in images {
        html.push_str(&format!(
            r#"<p style="margin:8px 0 20px;text-align:center"><img src="cid:{}" alt="{caption}" width="220" height="220" style="display:block;margin:0 auto;width:220px;height:220px;image-rendering:pixelated"><span style="font-size:14px;color:#555">{caption}</span></p>"#,
            esc(cid),
            caption = esc(caption)
        ));
    }
    for block in signature {
        html.push_str(&format!(
            r#"<p style="margin:24px 0 0;color:#555">{}</p>"#,
            esc(block)
        ));
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7">
<div style="max-width:560px;margin:0 auto;padding:24px 16px;font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.5;color:#111111;background:#ffffff">
{html}
</div>
</body></html>"#,
        lang = lang.code(),
        title = esc(subject),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_links_images_and_signature() {
        let text = "Hello Awa <3,\n\nYour e-tickets:\n1. https://t.example/t/abc\n2. https://t.example/t/def (K7QM-3XP9)\n\nSee https://t.example/help for help.\n\n— Tessera";
        let html = render(
            Lang::Fr,
            "Vos billets",
            text,
            &[("qr-1".into(), "Billet 1".into())],
        );
        assert!(html.starts_with("<!DOCTYPE html>") && html.contains(r#"<html lang="fr">"#));
        assert!(html.contains("Hello Awa &lt;3,"));
        assert!(html.contains(r#"1. <a href="https://t.example/t/abc""#));
        // A note after the link (the door code) stays beside it, out of the address.
        assert!(html.contains(r#"2. <a href="https://t.example/t/def""#));
        assert!(html.contains("t/def</a> (K7QM-3XP9)</p>"));
        assert!(html.contains(r#"<a href="https://t.example/help""#));
        assert!(html.contains(r#"src="cid:qr-1""#) && html.contains(r#"alt="Billet 1""#));
        // The images come before the signature, which closes the mail.
        let (img, sig) = (
            html.find("cid:qr-1").unwrap(),
            html.find("— Tessera").unwrap(),
        );
        assert!(img < sig);
        assert!(html.contains("width=device-width"));
    }
}
