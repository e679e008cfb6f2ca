//! Which reader an input needs, decided by its content: magic bytes for binary formats, the
//! first lines for text-based ones. The file extension only breaks ties (an `.eml` whose
//! headers are unusual, an `.html` fragment).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Html,
    Pdf,
    Docx,
    Odt,
    Email,
    Mbox,
    #[serde(rename = "whatsapp")]
    WhatsApp,
    Telegram,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Email => "email",
            Format::Mbox => "mbox",
            Format::WhatsApp => "whatsapp",
            Format::Telegram => "telegram",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Known signatures of formats ava does not read, by name; `None` when the bytes may be
/// something ava reads. Looks at the first block only, so it can run before the rest is read.
pub fn unsupported_head(head: &[u8]) -> Option<String> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG", "a PNG image (needs OCR; ava does not do OCR)"),
        (
            b"\xFF\xD8\xFF",
            "a JPEG image (needs OCR; ava does not do OCR)",
        ),
        (b"GIF8", "a GIF image"),
        (b"II*\0", "a TIFF image (needs OCR; ava does not do OCR)"),
        (b"MM\0*", "a TIFF image (needs OCR; ava does not do OCR)"),
        (b"\x7fELF", "an executable (ELF)"),
        (b"\x1f\x8b", "gzip-compressed data (decompress it first)"),
        (b"BZh", "bzip2-compressed data (decompress it first)"),
        (b"\xFD7zXZ\0", "xz-compressed data (decompress it first)"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive (extract it first)"),
        (b"Rar!\x1A\x07", "a RAR archive (extract it first)"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "a legacy Microsoft Office file (.doc/.xls/.msg); save it as DOCX or PDF",
        ),
        (b"SQLite format 3\0", "an SQLite database"),
        (b"RIFF", "RIFF media (audio, video or WebP)"),
        (b"ID3", "MP3 audio"),
        (b"OggS", "Ogg media"),
    ];
    for (magic, what) in SIGNATURES {
        if head.starts_with(magic) {
            return Some((*what).into());
        }
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return Some("MP4/QuickTime media".into());
    }
    if is_pdf(head) || is_zip(head) || head.starts_with(b"MZ") && !head.contains(&0) {
        return None;
    }
    if head.starts_with(b"MZ") {
        return Some("a Windows executable".into());
    }
    if encoding_rs::Encoding::for_bom(head).is_some() || utf16_without_bom(head).is_some() {
        return None;
    }
    let sample = &head[..head.len().min(8192)];
    if sample.contains(&0) {
        return Some("binary data (NUL bytes), not text".into());
    }
    // Text in any single-byte encoding has next to no control characters besides tab, line
    // ends and form feed; compressed or encrypted data has about one byte in eight.
    let controls = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    if sample.len() >= 64 && controls * 20 > sample.len() {
        return Some("binary data (control bytes), not text".into());
    }
    None
}

fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// UTF-16 without a byte order mark, told by where the zero bytes fall: ASCII letters,
/// digits, spaces and punctuation have a zero high byte, so in LE text the odd bytes are
/// often zero and the even ones almost never (BE the other way round).
pub fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = &bytes[..bytes.len().min(8192) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let many = |n: usize| n * 10 >= pairs;
    let none = |n: usize| n * 100 <= pairs;
    if many(odd) && none(even) {
        Some(encoding_rs::UTF_16LE)
    } else if many(even) && none(odd) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// The reader for `bytes`; `Err(what was detected)` for formats ava does not read.
pub fn detect(bytes: &[u8], ext: Option<&str>) -> Result<Format, String> {
    if is_pdf(bytes) {
        return Ok(Format::Pdf);
    }
    if is_zip(bytes) {
        return super::office::zip_kind(bytes);
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if let Some(what) = unsupported_head(head) {
        return Err(what);
    }
    if super::mail::looks_like_mbox(head) {
        return Ok(Format::Mbox);
    }
    if super::mail::looks_like_email(head) || matches!(ext, Some("eml")) {
        return Ok(Format::Email);
    }
    let start = text_start(head);
    if looks_like_html(start, ext) {
        return Ok(Format::Html);
    }
    if start.starts_with(b"{") && super::chat::looks_like_telegram(head) {
        return Ok(Format::Telegram);
    }
    if super::chat::looks_like_whatsapp(head) {
        return Ok(Format::WhatsApp);
    }
    Ok(Format::Text)
}

/// The bytes after a UTF-8 BOM and leading whitespace.
fn text_start(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let skip = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[skip..]
}

fn looks_like_html(start: &[u8], ext: Option<&str>) -> bool {
    let head: Vec<u8> = start
        .iter()
        .take(2048)
        .map(u8::to_ascii_lowercase)
        .collect();
    let has = |s: &[u8]| head.windows(s.len()).any(|w| w == s);
    if head.starts_with(b"<!doctype html") || head.starts_with(b"<html") {
        return true;
    }
    head.starts_with(b"<")
        && (has(b"<body") || has(b"<head") || matches!(ext, Some("html" | "htm" | "xhtml")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_content() {
        assert_eq!(detect(b"%PDF-1.4\n", Some("txt")), Ok(Format::Pdf));
        assert_eq!(detect(b"<!DOCTYPE html><p>x</p>", None), Ok(Format::Html));
        assert_eq!(detect(b"plain words\n", Some("html")), Ok(Format::Text));
        assert!(detect(b"\x89PNG\r\n\x1a\n\0\0", None).is_err());
        let noise: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8 | 1)
            .collect();
        assert!(detect(&noise, None).unwrap_err().contains("binary data"));
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let le: Vec<u8> = "Hello, world"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "Hello, world"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(utf16_without_bom(&le), Some(encoding_rs::UTF_16LE));
        assert_eq!(utf16_without_bom(&be), Some(encoding_rs::UTF_16BE));
        assert_eq!(utf16_without_bom(b"plain ascii"), None);
        assert_eq!(unsupported_head(&le), None);
    }
}
