//! PDF documents (e-tickets, invoices) made with krilla.
//!
//! DejaVu Sans is embedded (subset to the glyphs used), so any name in a script it covers
//! renders: Latin with Turkish and Vietnamese letters, Greek, Cyrillic, Arabic (shaped, right to
//! left). QR codes are vector paths. A document is laid out top to bottom into A4 pages: text
//! wraps at the margin, a table's header row repeats on each page it continues on, and every
//! page has a footer with its number out of the total.

use std::sync::LazyLock;

use krilla::{
    color::rgb,
    geom::{PathBuilder, Point, Rect},
    metadata::Metadata,
    page::PageSettings,
    paint::{Fill, Stroke},
    text::{Font, TextDirection},
    Document,
};

use crate::domain::Lang;

static REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");

/// The two faces, parsed once: krilla's for drawing, rustybuzz's for measuring.
struct Faces {
    regular: Font,
    bold: Font,
    measure_regular: rustybuzz::Face<'static>,
    measure_bold: rustybuzz::Face<'static>,
}

static FACES: LazyLock<Option<Faces>> = LazyLock::new(|| {
    Some(Faces {
        regular: Font::new(REGULAR.into(), 0)?,
        bold: Font::new(BOLD.into(), 0)?,
        measure_regular: rustybuzz::Face::from_slice(REGULAR, 0)?,
        measure_bold: rustybuzz::Face::from_slice(BOLD, 0)?,
    })
});

/// Why a document could not be made (never the reader's doing).
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded fonts could not be read")]
    Fonts,
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;
pub const MARGIN: f32 = 50.0;
const FOOTER_SPACE: f32 = 40.0;
const LINE_FACTOR: f32 = 1.35;

/// How a run of text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub grey: bool,
}

impl Style {
    pub const fn regular(size: f32) -> Self {
        Style {
            size,
            bold: false,
            grey: false,
        }
    }

    pub const fn bold(size: f32) -> Self {
        Style {
            size,
            bold: true,
            grey: false,
        }
    }

    pub const fn grey(size: f32) -> Self {
        Style {
            size,
            bold: false,
            grey: true,
        }
    }

    fn line_height(self) -> f32 {
        self.size * LINE_FACTOR
    }
}

/// The width of `text` in points.
pub fn measure(text: &str, style: Style) -> f32 {
    let Some(faces) = FACES.as_ref() else {
        return 0.0;
    };
    let face = if style.bold {
        &faces.measure_bold
    } else {
        &faces.measure_regular
    };
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(face, &[], buffer);
    let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
    units as f32 * style.size / f32::from(face.units_per_em().max(1) as u16)
}

/// `text` cut into lines no wider than `width`, at spaces where it can, inside a word where a
/// single word is wider than the line.
pub fn wrap(text: &str, style: Style, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if measure(&candidate, style) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: cut it where it overflows.
            for c in word.chars() {
                line.push(c);
                if measure(&line, style) > width && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                }
            }
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// A line cut into runs of one direction, in the order they are drawn from left to right
/// (the Unicode bidirectional algorithm), each with whether it reads right to left: a holder
/// named `Ali محمد` is drawn `Ali` then the Arabic word, shaped right to left.
pub fn visual_runs(text: &str) -> Vec<(String, bool)> {
    let info = unicode_bidi::BidiInfo::new(text, None);
    if !info.has_rtl() {
        return vec![(text.to_string(), false)];
    }
    let mut runs = Vec::new();
    for para in &info.paragraphs {
        let (levels, ranges) = info.visual_runs(para, para.range.clone());
        for range in ranges {
            let rtl = levels[range.start].is_rtl();
            runs.push((text[range].to_string(), rtl));
        }
    }
    runs
}

/// Where a cell's text sits against its x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    /// Starting at x.
    Left,
    /// Ending at x.
    Right,
}

/// One column of a table row: its text, where it sits and how wide it may grow.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub x: f32,
    pub width: f32,
    pub align: Align,
}

#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        baseline: f32,
        style: Style,
        text: String,
    },
    Rule {
        y: f32,
    },
    Qr {
        x: f32,
        y: f32,
        side: f32,
        width: usize,
        dark: Vec<bool>,
    },
}

/// A document being laid out. Nothing is drawn until `finish`, which knows the page count.
pub struct Layout {
    title: String,
    lang: Lang,
    pages: Vec<Vec<Op>>,
    y: f32,
    repeat: Option<(Vec<Cell>, Style)>,
}

impl Layout {
    pub fn new(title: &str, lang: Lang) -> Self {
        Layout {
            title: title.to_string(),
            lang,
            pages: vec![Vec::new()],
            y: MARGIN,
            repeat: None,
        }
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    /// Starts a new page when `height` more points do not fit on this one.
    fn room(&mut self, height: f32) {
        if self.y + height <= PAGE_HEIGHT - MARGIN - FOOTER_SPACE || self.y <= MARGIN {
            return;
        }
        self.pages.push(Vec::new());
        self.y = MARGIN;
        if let Some((cells, style)) = self.repeat.clone() {
            self.row_lines(&cells, style);
            self.rule();
        }
    }

    /// Vertical space.
    pub fn gap(&mut self, points: f32) {
        self.y += points;
    }

    /// A paragraph from the left margin, wrapped to the page.
    pub fn text(&mut self, text: &str, style: Style) {
        for line in wrap(text, style, PAGE_WIDTH - 2.0 * MARGIN) {
            self.room(style.line_height());
            self.y += style.line_height();
            let baseline = self.y - style.size * 0.3;
            self.push(Op::Text {
                x: MARGIN,
                baseline,
                style,
                text: line,
            });
        }
    }

    /// A thin line across the page.
    pub fn rule(&mut self) {
        self.y += 4.0;
        let y = self.y;
        self.push(Op::Rule { y });
        self.y += 4.0;
    }

    /// A table row; its cells wrap within their widths and the row is as tall as its tallest.
    pub fn row(&mut self, cells: &[Cell], style: Style) {
        let height = cells
            .iter()
            .map(|c| wrap(&c.text, style, c.width).len())
            .max()
            .unwrap_or(1) as f32
            * style.line_height();
        self.room(height);
        self.row_lines(cells, style);
    }

    fn row_lines(&mut self, cells: &[Cell], style: Style) {
        let top = self.y;
        let mut bottom = top;
        for cell in cells {
            let mut y = top;
            for line in wrap(&cell.text, style, cell.width) {
                y += style.line_height();
                let x = match cell.align {
                    Align::Left => cell.x,
                    Align::Right => cell.x - measure(&line, style),
                };
                self.push(Op::Text {
                    x,
                    baseline: y - style.size * 0.3,
                    style,
                    text: line,
                });
            }
            bottom = bottom.max(y);
        }
        self.y = bottom;
    }

    /// The header row of a table: drawn now, and again at the top of each page the table
    /// continues on, until `end_table`.
    pub fn table_header(&mut self, cells: Vec<Cell>, style: Style) {
        self.row(&cells, style);
        self.rule();
        self.repeat = Some((cells, style));
    }

    pub fn end_table(&mut self) {
        self.repeat = None;
    }

    /// A QR code (`width` modules a side, dark flags row by row) as a `side`-point square at
    /// the left margin, with its quiet zone.
    pub fn qr(&mut self, width: usize, dark: Vec<bool>, side: f32) {
        self.room(side);
        let y = self.y;
        self.push(Op::Qr {
            x: MARGIN,
            y,
            side,
            width,
            dark,
        });
        self.y += side;
    }

    /// The PDF bytes: every page drawn, each with "title · page n / total" at its foot.
    pub fn finish(self, page_word: &str) -> Result<Vec<u8>, PdfError> {
        let faces = FACES.as_ref().ok_or(PdfError::Fonts)?;
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new()
                .title(self.title.clone())
                .language(self.lang.code().to_string())
                .creator("Tessera".to_string()),
        );
        let total = self.pages.len();
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| PdfError::Write("page size".into()))?;
        for (index, ops) in self.pages.into_iter().enumerate() {
            let mut page = document.start_page_with(settings.clone());
            let mut surface = page.surface();
            let footer = format!("{} · {page_word} {} / {total}", self.title, index + 1);
            let footer_op = Op::Text {
                x: MARGIN,
                baseline: PAGE_HEIGHT - MARGIN + 10.0,
                style: Style::grey(9.0),
                text: footer,
            };
            for op in ops.iter().chain(std::iter::once(&footer_op)) {
                draw(&mut surface, faces, op);
            }
            surface.finish();
            page.finish();
        }
        document
            .finish()
            .map_err(|e| PdfError::Write(format!("{e:?}")))
    }
}

fn draw(surface: &mut krilla::surface::Surface<'_>, faces: &Faces, op: &Op) {
    match op {
        Op::Text {
            x,
            baseline,
            style,
            text,
        } => {
            if text.is_empty() {
                return;
            }
            let shade = if style.grey { 90 } else { 17 };
            surface.set_fill(Some(Fill {
                paint: rgb::Color::new(shade, shade, shade).into(),
                ..Fill::default()
            }));
            let font = if style.bold {
                faces.bold.clone()
            } else {
                faces.regular.clone()
            };
            let mut at = *x;
            for (run, rtl) in visual_runs(text) {
                let direction = if rtl {
                    TextDirection::RightToLeft
                } else {
                    TextDirection::LeftToRight
                };
                surface.draw_text(
                    Point::from_xy(at, *baseline),
                    font.clone(),
                    style.size,
                    &run,
                    false,
                    direction,
                );
                at += measure(&run, *style);
            }
        }
        Op::Rule { y } => {
            let mut path = PathBuilder::new();
            path.move_to(MARGIN, *y);
            path.line_to(PAGE_WIDTH - MARGIN, *y);
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(200, 200, 200).into(),
                    width: 0.7,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Qr {
            x,
            y,
            side,
            width,
            dark,
        } => {
            if *width == 0 {
                return;
            }
            // Four modules of quiet zone on each side, as the standard asks.
            let module = side / (*width as f32 + 8.0);
            let (left, top) = (x + 4.0 * module, y + 4.0 * module);
            let mut path = PathBuilder::new();
            for (row, cells) in dark.chunks(*width).enumerate() {
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
                    if let Some(rect) = Rect::from_xywh(
                        left + start as f32 * module,
                        top + row as f32 * module,
                        (col - start) as f32 * module,
                        module,
                    ) {
                        path.push_rect(rect);
                    }
                }
            }
            if let Some(path) = path.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(Fill::default()));
                surface.draw_path(&path);
            }
        }
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use std::process::Command;

    /// Runs `f` with `pdf` written to a file in a fresh folder (which it may also write to).
    fn with_file<T>(pdf: &[u8], f: impl FnOnce(&std::path::Path, &std::path::Path) -> T) -> T {
        let dir = std::env::temp_dir().join(format!("tessera-pdf-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("doc.pdf");
        std::fs::write(&path, pdf).unwrap();
        let out = f(&dir, &path);
        let _ = std::fs::remove_dir_all(&dir);
        out
    }

    fn poppler(tool: &str) -> Command {
        Command::new(tool)
    }

    /// The text poppler extracts from `pdf` (pdftotext, from Debian's poppler-utils, which
    /// ./dev test installs).
    pub fn extract(pdf: &[u8]) -> String {
        with_file(pdf, |_, path| {
            let out = poppler("pdftotext")
                .args(["-enc", "UTF-8"])
                .arg(path)
                .arg("-")
                .output()
                .expect("pdftotext");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        })
    }

    /// Page `page` of `pdf` rendered by poppler (pdftoppm) as a grey image at `dpi`.
    pub fn render(pdf: &[u8], page: usize, dpi: u32) -> image::GrayImage {
        with_file(pdf, |dir, path| {
            let page = page.to_string();
            let status = poppler("pdftoppm")
                .args([
                    "-png",
                    "-gray",
                    "-r",
                    &dpi.to_string(),
                    "-f",
                    &page,
                    "-l",
                    &page,
                ])
                .arg("-singlefile")
                .arg(path)
                .arg(dir.join("page"))
                .status()
                .expect("pdftoppm");
            assert!(status.success());
            image::open(dir.join("page.png")).unwrap().to_luma8()
        })
    }

    /// How many images poppler finds in `pdf` (pdfimages -list: two header lines, then one
    /// line per image).
    pub fn images(pdf: &[u8]) -> usize {
        with_file(pdf, |_, path| {
            let out = poppler("pdfimages")
                .arg("-list")
                .arg(path)
                .output()
                .expect("pdfimages");
            String::from_utf8_lossy(&out.stdout).lines().skip(2).count()
        })
    }

    pub fn page_count(pdf: &[u8]) -> usize {
        extract(pdf).matches('\u{c}').count()
    }

    #[test]
    fn text_wraps_at_spaces_and_inside_overlong_words() {
        let style = Style::regular(11.0);
        let lines = wrap("Festival de la musique de Douala", style, 100.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| measure(l, style) <= 100.0));
        assert_eq!(lines.join(" "), "Festival de la musique de Douala");
        let long = "W".repeat(60);
        let lines = wrap(&long, style, 100.0);
        assert!(lines.len() > 2 && lines.concat() == long);
    }

    #[test]
    fn names_in_any_script_come_back_out_of_the_pdf() {
        let mut doc = Layout::new("Test", Lang::En);
        for name in [
            "Şükrü Gülşen İnce",
            "Nguyễn Thị Phương",
            "محمد عبد الله",
            "Ελένη Παπαδοπούλου",
            "Émilie N'Goran",
        ] {
            doc.text(name, Style::regular(14.0));
        }
        let pdf = doc.finish("Page").unwrap();
        let text = extract(&pdf);
        for latin in [
            "Şükrü Gülşen İnce",
            "Nguyễn Thị Phương",
            "Ελένη Παπαδοπούλου",
            "Émilie N'Goran",
        ] {
            assert!(text.contains(latin), "{latin} in {text}");
        }
        // Arabic is shaped right to left; its letters come back in either reading order.
        let arabic: String = "محمد".chars().collect();
        let reversed: String = arabic.chars().rev().collect();
        assert!(text.contains(&arabic) || text.contains(&reversed), "{text}");
        assert!(!text.contains('?'), "{text}");
    }

    #[test]
    fn mixed_scripts_are_drawn_in_reading_order() {
        assert_eq!(
            visual_runs("Awa Ndiaye"),
            vec![("Awa Ndiaye".to_string(), false)]
        );
        let runs = visual_runs("Ali محمد Ben");
        assert_eq!(runs.len(), 3, "{runs:?}");
        assert_eq!(runs[0], ("Ali ".to_string(), false));
        assert_eq!(runs[1], ("محمد".to_string(), true));
        assert_eq!(runs[2], (" Ben".to_string(), false));
        // An Arabic line with a Latin word: the Latin word sits where it is read.
        let runs = visual_runs("محمد Ali");
        assert!(
            runs.iter().any(|(r, rtl)| r.contains("Ali") && !rtl),
            "{runs:?}"
        );
        // Drawn, every letter comes back out.
        let mut doc = Layout::new("Test", Lang::En);
        doc.text("Ali محمد Ben", Style::regular(14.0));
        let text = extract(&doc.finish("Page").unwrap());
        assert!(
            text.contains("Ali") && text.contains("Ben") && !text.contains('?'),
            "{text}"
        );
    }

    #[test]
    fn long_tables_continue_on_new_pages_with_their_header_and_page_numbers() {
        let mut doc = Layout::new("Invoice INV-1", Lang::En);
        let cell = |text: &str, x: f32| Cell {
            text: text.into(),
            x,
            width: 200.0,
            align: Align::Left,
        };
        doc.table_header(
            vec![cell("Description", MARGIN), cell("Amount", 300.0)],
            Style::bold(10.0),
        );
        for i in 0..150 {
            doc.row(
                &[
                    cell(&format!("Line {i}"), MARGIN),
                    cell("1 000 FCFA", 300.0),
                ],
                Style::regular(10.0),
            );
        }
        doc.end_table();
        let pdf = doc.finish("Page").unwrap();
        let pages = page_count(&pdf);
        assert!(pages >= 3, "{pages} pages");
        let text = extract(&pdf);
        let per_page: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert_eq!(per_page.len(), pages);
        for (i, page) in per_page.iter().enumerate() {
            assert!(page.contains("Description"), "header on page {}", i + 1);
            assert!(
                page.contains(&format!("Page {} / {pages}", i + 1)),
                "{page}"
            );
        }
        assert!(text.contains("Line 0") && text.contains("Line 149"));
    }

    #[test]
    fn the_qr_code_is_vector_and_renders_dark_where_its_modules_are() {
        let code = qrcode::QrCode::new(b"https://tessera.example/t/abc").unwrap();
        let width = code.width();
        let dark: Vec<bool> = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        let mut doc = Layout::new("QR", Lang::En);
        doc.qr(width, dark.clone(), 200.0);
        let pdf = doc.finish("Page").unwrap();
        // No image in the file: the code is drawn as paths.
        assert_eq!(images(&pdf), 0);
        // Rendered at 72 dpi one point is one pixel: sample each module's centre.
        let img = render(&pdf, 1, 72);
        let module = 200.0 / (width as f32 + 8.0);
        for (i, is_dark) in dark.iter().enumerate() {
            let (row, col) = (i / width, i % width);
            let x = MARGIN + (col as f32 + 4.5) * module;
            let y = MARGIN + (row as f32 + 4.5) * module;
            let luma = img.get_pixel(x as u32, y as u32).0[0];
            assert_eq!(luma < 128, *is_dark, "module {row},{col} luma {luma}");
        }
    }
}
