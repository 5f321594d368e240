//! QR codes whose mask is chosen once.
//!
//! Building a QR code is cheap except for one step: choosing which of the eight mask patterns
//! to lay over the data, which the standard does by scoring all eight (runs, blocks, finder-like
//! patterns, balance) and keeping the best. `qrcode` does that on every build; profiling the
//! e-ticket page showed it to be a quarter of the machine under load. Here the search runs once
//! ([`best`], when a ticket is issued) and its answer, a number from 0 to 7, is kept; every later
//! drawing ([`with_mask`]) lays that mask directly. Any mask makes a valid code that every
//! reader decodes, so a kept mask can never make a wrong code, only (if the text changed since,
//! say a new base address) a slightly less well balanced one.

use qrcode::{
    bits,
    canvas::{Canvas, MaskPattern},
    ec,
    types::QrError,
    Color, EcLevel, QrCode,
};

/// The eight mask patterns, by their number in the standard.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// Error correction for every code Tessera draws: level M (15 %), `qrcode`'s default.
const EC: EcLevel = EcLevel::M;

/// A QR code's modules: `width` × `width`, dark or light, row by row; and its mask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qr {
    pub width: usize,
    pub dark: Vec<bool>,
    pub mask: u8,
}

/// The data and error-correction modules of `text`, drawn before any mask, and the code's
/// width in modules.
fn unmasked(text: &str) -> Result<(Canvas, usize), QrError> {
    let bits = bits::encode_auto(text.as_bytes(), EC)?;
    let version = bits.version();
    let (data, ec) = ec::construct_codewords(&bits.into_bytes(), version, EC)?;
    let mut canvas = Canvas::new(version, EC);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    Ok((canvas, usize::try_from(version.width()).unwrap_or(0)))
}

fn dark(colors: Vec<Color>) -> Vec<bool> {
    colors.into_iter().map(|c| c == Color::Dark).collect()
}

/// The QR code of `text` with the mask the standard's penalty scoring chooses: the slow build,
/// once per text. Its `mask` (0–7) is what to keep for [`with_mask`]; it is 255, nothing to
/// keep, should the chosen code match none of the eight.
#[tracing::instrument(skip_all)]
pub fn best(text: &str) -> Result<Qr, QrError> {
    let chosen = dark(QrCode::with_error_correction_level(text.as_bytes(), EC)?.to_colors());
    let (base, width) = unmasked(text)?;
    let mask = MASKS.iter().position(|pattern| {
        let mut c = base.clone();
        c.apply_mask(*pattern);
        dark(c.into_colors()) == chosen
    });
    // The chosen code is one of the eight. Should `qrcode` ever choose otherwise, its own code
    // is still valid; nothing is kept for it and the next drawing searches again.
    Ok(Qr {
        width,
        dark: chosen,
        mask: mask.map_or(u8::MAX, |n| n as u8),
    })
}

/// The QR code of `text` with the kept `mask` (0–7), or the best one when there is none (a
/// ticket issued before masks were kept) or it is out of range.
pub fn with_mask(text: &str, mask: Option<i16>) -> Result<Qr, QrError> {
    let Some(n) = mask.and_then(|m| u8::try_from(m).ok()).filter(|m| *m < 8) else {
        return best(text);
    };
    let (mut canvas, width) = unmasked(text)?;
    canvas.apply_mask(MASKS[usize::from(n)]);
    Ok(Qr {
        width,
        dark: dark(canvas.into_colors()),
        mask: n,
    })
}

impl Qr {
    /// The code as an SVG document, dark modules on white with the four-module quiet zone, at
    /// least 240 pixels wide: one path, a rectangle per run of dark modules in a row.
    pub fn svg(&self) -> String {
        let side = self.width + 8;
        let px = side * 240_usize.div_ceil(side);
        let mut d = String::with_capacity(self.width * self.width * 3);
        for (y, row) in self.dark.chunks(self.width.max(1)).enumerate() {
            let mut x = 0;
            while x < row.len() {
                if !row[x] {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < row.len() && row[x] {
                    x += 1;
                }
                d.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start + 4,
                    y + 4,
                    x - start,
                    x - start
                ));
            }
        }
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{px}" height="{px}" viewBox="0 0 {side} {side}" shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/><path fill="#000" d="{d}"/></svg>"##
        )
    }

    /// The code as a PNG (for e-mail, where SVG is rarely shown): eight pixels a module, with
    /// the quiet zone.
    pub fn png(&self) -> Result<Vec<u8>, image::ImageError> {
        const SCALE: usize = 8;
        let w = self.width;
        let side = (w + 8) * SCALE;
        let img = image::GrayImage::from_fn(side as u32, side as u32, |x, y| {
            let (col, row) = (x as usize / SCALE, y as usize / SCALE);
            let inside = (4..w + 4).contains(&col) && (4..w + 4).contains(&row);
            let is_dark = inside && self.dark[(row - 4) * w + (col - 4)];
            image::Luma([if is_dark { 0 } else { 255 }])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)?;
        Ok(out.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://tickets.example.cm/t/0123456789abcdef0123456789abcdef01234567";

    fn decode(qr: &Qr) -> String {
        let png = qr.png().unwrap();
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
            img.width() as usize,
            img.height() as usize,
            |x, y| img.get_pixel(x as u32, y as u32).0[0],
        );
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1);
        grids[0].decode().unwrap().1
    }

    #[test]
    fn the_kept_mask_draws_the_same_code_as_the_search() {
        let searched = best(LINK).unwrap();
        assert_eq!(
            searched.dark,
            dark(QrCode::new(LINK.as_bytes()).unwrap().to_colors())
        );
        assert!(searched.mask < 8);
        let kept = with_mask(LINK, Some(i16::from(searched.mask))).unwrap();
        assert_eq!(kept, searched);
    }

    #[test]
    fn every_mask_makes_a_code_that_reads_back() {
        for m in 0..8 {
            let qr = with_mask(LINK, Some(m)).unwrap();
            assert_eq!(qr.mask, m as u8);
            assert_eq!(qr.dark.len(), qr.width * qr.width);
            assert_eq!(decode(&qr), LINK, "mask {m}");
        }
        // No kept mask, or a nonsense one: the search.
        for m in [None, Some(8), Some(-1)] {
            assert_eq!(with_mask(LINK, m).unwrap(), best(LINK).unwrap());
        }
    }

    #[test]
    fn the_svg_draws_every_dark_module_once() {
        let qr = best(LINK).unwrap();
        let svg = qr.svg();
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        let side = qr.width + 8;
        assert!(svg.contains(&format!(r#"viewBox="0 0 {side} {side}""#)));
        let d = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        // Each run is `M{x} {y}h{n}v1h-{n}z`: count the forward `h{n}`.
        let drawn: usize = d
            .split('h')
            .skip(1)
            .filter(|s| !s.starts_with('-'))
            .map(|s| s.split('v').next().unwrap().parse::<usize>().unwrap())
            .sum();
        assert_eq!(drawn, qr.dark.iter().filter(|d| **d).count());
    }
}
