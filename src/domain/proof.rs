//! What a proof file is, decided by its first bytes and never by its name or Content-Type.

use serde::{Deserialize, Serialize};

pub const MAX_PROOF_BYTES: usize = 5 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProofKind {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl ProofKind {
    /// Sniffs the magic bytes; `None` for anything else (including empty and truncated files).
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Pdf => "pdf",
        }
    }

    pub fn is_image(self) -> bool {
        self != Self::Pdf
    }
}

/// A file name safe to show and to put in Content-Disposition: no path, no control or quote
/// characters, at most 100 characters.
pub fn clean_filename(raw: &str, kind: ProofKind) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| c.is_alphanumeric() || " ._-()".contains(*c))
        .take(100)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        format!("proof.{}", kind.extension())
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_magic_bytes() {
        assert_eq!(
            ProofKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Some(ProofKind::Jpeg)
        );
        assert_eq!(
            ProofKind::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(ProofKind::Png)
        );
        assert_eq!(
            ProofKind::sniff(b"RIFF\x10\0\0\0WEBPVP8 "),
            Some(ProofKind::Webp)
        );
        assert_eq!(ProofKind::sniff(b"%PDF-1.7\n"), Some(ProofKind::Pdf));
        assert_eq!(ProofKind::sniff(b""), None);
        assert_eq!(ProofKind::sniff(b"\xFF\xD8"), None, "truncated");
        assert_eq!(ProofKind::sniff(b"<html><script>"), None);
        assert_eq!(ProofKind::sniff(b"GIF89a"), None);
    }

    #[test]
    fn filenames_lose_their_paths_and_odd_characters() {
        assert_eq!(clean_filename("../../etc/passwd", ProofKind::Png), "passwd");
        assert_eq!(
            clean_filename("C:\\Users\\me\\reçu mtn.jpg", ProofKind::Jpeg),
            "reçu mtn.jpg"
        );
        assert_eq!(clean_filename("a\"b;c\r\n.png", ProofKind::Png), "abc.png");
        assert_eq!(clean_filename("...", ProofKind::Pdf), "proof.pdf");
        assert_eq!(clean_filename("", ProofKind::Webp), "proof.webp");
    }
}
