//! Checking an uploaded proof before anything is stored: type by magic bytes, images decoded
//! within limits and re-encoded (which drops EXIF and GPS data), PDFs parsed and refused when
//! they hold active content (see `proof_pdf`), and nothing trailing that could make the file a
//! polyglot.

use std::io::Cursor;

use image::{metadata::Orientation, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

use crate::domain::{clean_filename, ProofKind, MAX_PROOF_BYTES};

/// A proof ready to store.
pub struct CheckedProof {
    pub kind: ProofKind,
    pub bytes: Vec<u8>,
    /// Of the bytes the family sent, to spot the same file used twice.
    pub sha256: String,
    pub filename: String,
    /// The turn this proof took among the few checked at once ([`check_off_thread`]), kept
    /// until the proof is stored and dropped, so that memory holds at most that many proofs.
    _turn: Option<tokio::sync::SemaphorePermit<'static>>,
}

/// An uploaded file as it arrived, spooled to an unnamed temporary file while it streams in
/// (under `TMPDIR`), so that an upload in flight holds no more memory than one chunk. The file
/// has no name from the moment it is opened: the system frees it when it is dropped, even if
/// the process dies.
pub struct Upload {
    file: tokio::fs::File,
    len: usize,
}

impl Upload {
    /// An empty spool file.
    pub async fn new() -> std::io::Result<Self> {
        let path = std::env::temp_dir().join(format!("tessera-upload-{}", uuid::Uuid::new_v4()));
        let file = tokio::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .await?;
        tokio::fs::remove_file(&path).await?;
        Ok(Self { file, len: 0 })
    }

    /// Appends one chunk of the upload.
    pub async fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        use tokio::io::AsyncWriteExt;
        self.file.write_all(chunk).await?;
        self.len += chunk.len();
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The whole file, read back in one allocation of its exact size.
    pub async fn read_all(mut self) -> std::io::Result<Vec<u8>> {
        use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
        self.file.flush().await?;
        self.file.seek(std::io::SeekFrom::Start(0)).await?;
        let mut bytes = Vec::with_capacity(self.len);
        (&mut self.file)
            .take(self.len as u64)
            .read_to_end(&mut bytes)
            .await?;
        Ok(bytes)
    }
}

/// Translation keys of the reasons a proof is refused.
pub fn check(filename: &str, bytes: &[u8]) -> Result<CheckedProof, &'static str> {
    // Browsers send a bare name; a path is a client trying something.
    if filename.contains(['/', '\\']) || filename.chars().any(char::is_control) {
        return Err("error.proof_filename");
    }
    if bytes.is_empty() {
        return Err("error.proof_empty");
    }
    if bytes.len() > MAX_PROOF_BYTES {
        return Err("error.proof_too_large");
    }
    let kind = ProofKind::sniff(bytes).ok_or("error.proof_type")?;
    let cleaned = match kind {
        ProofKind::Pdf => check_pdf(bytes)?,
        image_kind => reencode(image_kind, bytes)?,
    };
    Ok(CheckedProof {
        kind,
        bytes: cleaned,
        sha256: hex::encode(Sha256::digest(bytes)),
        filename: clean_filename(filename, kind),
        _turn: None,
    })
}

fn trimmed_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace() && *b != 0)
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

/// The container must end where the format says it ends: data after it is a polyglot.
fn ends_cleanly(kind: ProofKind, bytes: &[u8]) -> bool {
    match kind {
        ProofKind::Jpeg => trimmed_end(bytes).ends_with(&[0xFF, 0xD9]),
        ProofKind::Png => bytes.ends_with(&[0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]),
        ProofKind::Webp => {
            let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
            declared + 8 == bytes.len() || declared + 9 == bytes.len()
        }
        ProofKind::Pdf => trimmed_end(bytes).ends_with(b"%%EOF"),
    }
}

/// The most pixels a proof image may have: 50 megapixels, the largest photo a phone camera
/// takes by default (its 108 and 200 MP modes are opt-in, and the browser shrinks photos
/// before sending them anyway).
pub const MAX_PROOF_PIXELS: u64 = 50_000_000;

fn reencode(kind: ProofKind, bytes: &[u8]) -> Result<Vec<u8>, &'static str> {
    if !ends_cleanly(kind, bytes) {
        return Err("error.proof_corrupt");
    }
    let format = match kind {
        ProofKind::Jpeg => ImageFormat::Jpeg,
        ProofKind::Png => ImageFormat::Png,
        _ => ImageFormat::WebP,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // A decompression bomb declares huge dimensions: refuse it before allocating.
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let refused = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => "error.proof_too_big_image",
        _ => "error.proof_corrupt",
    };
    let mut decoder = reader.into_decoder().map_err(refused)?;
    // Nothing a phone camera or a screen makes has more pixels than this; a tiny file declaring
    // more (12 000 × 12 000 is 144 million, 432 MB decoded) is refused before it is decoded.
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PROOF_PIXELS {
        return Err("error.proof_too_many_pixels");
    }
    // Phones store a photo as the sensor saw it and say in EXIF how to turn it; re-encoding
    // drops EXIF, so the turn is applied here or a receipt reaches the admin sideways.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(refused)?;
    image.apply_orientation(orientation);
    // Sized for what the encoder writes, so the buffer is not grown by doubling.
    let mut out = Cursor::new(Vec::with_capacity(bytes.len() + bytes.len() / 4));
    let written = match kind {
        ProofKind::Jpeg => image.to_rgb8().write_to(&mut out, ImageFormat::Jpeg),
        ProofKind::Png => image.write_to(&mut out, ImageFormat::Png),
        // The WebP encoder is lossless: screenshots stay sharp.
        _ => image.to_rgba8().write_to(&mut out, ImageFormat::WebP),
    };
    written.map_err(|_| "error.proof_corrupt")?;
    Ok(out.into_inner())
}

fn check_pdf(bytes: &[u8]) -> Result<Vec<u8>, &'static str> {
    if !ends_cleanly(ProofKind::Pdf, bytes) {
        return Err("error.proof_corrupt");
    }
    super::proof_pdf::inspect(bytes)?;
    Ok(bytes.to_vec())
}

/// [`check_off_thread`] once the client is within its hourly upload limit
/// (`RATE_UPLOADS_PER_HOUR`); past it, the refusal says to wait.
pub async fn check_for(
    state: &super::state::AppState,
    client: &str,
    filename: String,
    upload: Upload,
) -> Result<CheckedProof, &'static str> {
    let per_hour = state.config.rate.uploads_per_hour;
    match super::throttle::allow(&state.pool, &format!("upload:{client}"), per_hour, 3600).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(client, "upload rate limit reached");
            return Err("error.rate_limited");
        }
        // The upload itself will meet the same database; let it report.
        Err(e) => tracing::error!(error = %e, "upload rate limit unavailable"),
    }
    check_off_thread(filename, upload).await
}

/// At most this many proofs are in memory at once, from being read back from their spool file
/// to being stored: a 5 MB photo costs about 25 MB while it is decoded and re-encoded, so
/// twenty arriving together hold one of those and twenty spool files, not twenty of them.
static CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Hands the memory the allocator holds free (in every thread's arena) back to the system
/// before a proof is decoded, so that the proof's megabytes come on top of what the server
/// really uses, not of what pages rendered earlier left free but resident. glibc only; it
/// takes a few milliseconds, next to the hundreds a photo's decoding takes.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system; it is safe at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// [`check`] on a blocking thread, a few at a time: decoding a photo or parsing a PDF takes
/// CPU and memory that the async threads serving pages must not wait for. The proof keeps its
/// turn until it is dropped (after it is stored).
pub async fn check_off_thread(
    filename: String,
    upload: Upload,
) -> Result<CheckedProof, &'static str> {
    let turn = CHECKS.acquire().await.map_err(|_| "error.proof_corrupt")?;
    let bytes = upload.read_all().await.map_err(|e| {
        tracing::error!(error = %e, "reading an upload back from its spool file");
        "error.upload_failed"
    })?;
    let mut checked = tokio::task::spawn_blocking(move || {
        give_back_freed_memory();
        check(&filename, &bytes)
    })
    .await
    .unwrap_or(Err("error.proof_corrupt"))?;
    checked._turn = Some(turn);
    Ok(checked)
}

#[cfg(test)]
pub mod tests {
    use super::*;

    pub fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 255) as u8, (y % 255) as u8, 90])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    pub fn jpeg_with_exif() -> Vec<u8> {
        let img = image::RgbImage::from_fn(40, 30, |x, _| image::Rgb([x as u8, 10, 200]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Jpeg).unwrap();
        let jpeg = out.into_inner();
        // An APP1 "Exif" segment with a GPS marker, right after SOI.
        let payload = b"Exif\0\0GPSLatitude 4.0511N 9.7679E";
        let len = (payload.len() + 2) as u16;
        let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1, (len >> 8) as u8, len as u8];
        with_exif.extend_from_slice(payload);
        with_exif.extend_from_slice(&jpeg[2..]);
        with_exif
    }

    /// A 40 × 30 JPEG whose EXIF says "turn 90° clockwise to view" (orientation 6), as a phone
    /// held upright writes it.
    pub fn jpeg_turned() -> Vec<u8> {
        let img = image::RgbImage::from_fn(40, 30, |x, _| image::Rgb([x as u8 * 5, 10, 200]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Jpeg).unwrap();
        let jpeg = out.into_inner();
        let mut payload = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
        // One IFD entry: Orientation (0x0112), SHORT, count 1, value 6; then no next IFD.
        payload.extend_from_slice(&[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
        let len = (payload.len() + 2) as u16;
        let mut turned = vec![0xFF, 0xD8, 0xFF, 0xE1, (len >> 8) as u8, len as u8];
        turned.extend_from_slice(&payload);
        turned.extend_from_slice(&jpeg[2..]);
        turned
    }

    pub fn pdf() -> Vec<u8> {
        crate::platform::proof_pdf::tests::plain_pdf()
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn images_are_reencoded_without_their_metadata() {
        let checked = check("reçu.jpg", &jpeg_with_exif()).unwrap();
        assert_eq!(checked.kind, ProofKind::Jpeg);
        assert!(
            !contains(&checked.bytes, b"GPSLatitude"),
            "EXIF/GPS data is gone"
        );
        assert!(check("a.png", &png(20, 20)).is_ok());
    }

    #[test]
    fn a_photo_is_turned_the_way_its_exif_says() {
        let checked = check("recu.jpg", &jpeg_turned()).unwrap();
        let image = image::load_from_memory(&checked.bytes).unwrap();
        assert_eq!((image.width(), image.height()), (30, 40), "turned upright");
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        assert_eq!(check("a.png", b"").err(), Some("error.proof_empty"));
        assert_eq!(
            check("a.png", b"<html>hello</html>").err(),
            Some("error.proof_type")
        );
        let mut truncated = png(50, 50);
        truncated.truncate(truncated.len() / 2);
        assert_eq!(
            check("a.png", &truncated).err(),
            Some("error.proof_corrupt")
        );
        let mut polyglot = png(10, 10);
        polyglot.extend_from_slice(b"<script>alert(1)</script>");
        assert_eq!(check("a.png", &polyglot).err(), Some("error.proof_corrupt"));
        let mut fake_jpeg = vec![0xFF, 0xD8, 0xFF];
        fake_jpeg.extend_from_slice(b"not really an image at all");
        fake_jpeg.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(
            check("a.jpg", &fake_jpeg).err(),
            Some("error.proof_corrupt")
        );
        assert_eq!(
            check("a.png", &vec![0u8; MAX_PROOF_BYTES + 1]).err(),
            Some("error.proof_too_large")
        );
    }

    #[test]
    fn a_decompression_bomb_is_refused() {
        // A valid PNG header declaring 100 000 × 100 000 pixels.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            check("bomb.png", &bomb).err(),
            Some("error.proof_too_big_image")
        );
    }

    #[test]
    fn an_image_with_more_pixels_than_a_phone_takes_is_refused_before_decoding() {
        // 12 000 × 12 000 declared by a file of a few bytes: within the side limits, over the
        // pixel bound.
        let mut big = png(1, 1);
        big[16..20].copy_from_slice(&12_000u32.to_be_bytes());
        big[20..24].copy_from_slice(&12_000u32.to_be_bytes());
        let crc = crc32(&big[12..29]);
        big[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            check("big.png", &big).err(),
            Some("error.proof_too_many_pixels")
        );
        // A 50-megapixel photo's shape passes the bound (8 160 × 6 120 is 49.9 million).
        const { assert!(8_160 * 6_120 <= MAX_PROOF_PIXELS) };
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn pdfs_must_be_whole_and_inert() {
        assert_eq!(check("r.pdf", &pdf()).unwrap().kind, ProofKind::Pdf);
        assert_eq!(
            check("r.pdf", b"%PDF-1.4\n1 0 obj").err(),
            Some("error.proof_corrupt")
        );
        let js = crate::platform::proof_pdf::tests::handmade(&[
            "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]);
        assert_eq!(
            check("r.pdf", &js).err(),
            Some("error.proof_active_content")
        );
        assert_eq!(
            check("../../x.pdf", &pdf()).err(),
            Some("error.proof_filename")
        );
        assert_eq!(
            check("C:\\Users\\x.pdf", &pdf()).err(),
            Some("error.proof_filename")
        );
        assert_eq!(check("re\"çu;.pdf", &pdf()).unwrap().filename, "reçu.pdf");
    }
}
