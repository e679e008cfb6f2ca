//! Sources turn a path or stdin into [`Document`]s. Formats end here: downstream sees text
//! plus, for each line, where it came from (page and line of the original), so answers can
//! cite "p. 3, l. 12". One module per format; `detect` decides which one by content.

mod chat;
pub mod cite;
mod detect;
mod dir;
mod guard;
mod html;
mod mail;
mod office;
mod offsets;
mod pdf;
mod pdf_layout;
mod read;
mod text;
mod xml;

pub use detect::Format;
pub use dir::expand_dirs;
pub use offsets::FileMap;
pub use read::{RawInput, human_bytes, read_input};

use crate::error::{Error, Result};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;

/// Inputs larger than this are refused rather than read into memory.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Text, however large, that any decoder may produce from one input: a small compressed file
/// (DOCX, PDF streams) must not expand into gigabytes of memory.
pub const MAX_TEXT_BYTES: usize = 512 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Display name: the path as given, or "-" for stdin; attachments are `mail.eml#name`.
    pub name: String,
    pub path: Option<PathBuf>,
    /// Shared, not copied, by every step that reads the whole document (the built-in engine
    /// among them): a large input is held once.
    pub text: Arc<str>,
    /// Things the reader should know about how the text was obtained (lossy decoding…).
    pub warnings: Vec<String>,
    /// What the input was.
    pub format: Format,
    /// The character encoding the text was decoded from, when the input was text.
    pub encoding: Option<String>,
    /// Where each line of `text` came from (index 0 = line 1). Empty: line n of the text is
    /// line n of the input.
    pub origins: Vec<Origin>,
    /// Byte offsets in the input as stored, for plain text; None where the text was rebuilt
    /// from a structure (PDF, DOCX, HTML, mail) and has no such mapping.
    pub file_map: Option<FileMap>,
}

/// Where one line of a document's text came from in the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// 1-based page (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// 1-based line: of the page when there are pages, else of the original.
    pub line: u32,
}

impl Origin {
    /// "p. 3, l. 12", or "l. 12" without pages.
    pub fn cite(&self) -> String {
        match self.page {
            Some(p) => format!("p. {p}, l. {}", self.line),
            None => format!("l. {}", self.line),
        }
    }
}

impl Document {
    pub fn from_text(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            path: None,
            text: Arc::from(text.into()),
            warnings: Vec::new(),
            format: Format::Text,
            encoding: None,
            origins: Vec::new(),
            file_map: None,
        }
    }

    /// Byte offsets in the input as stored of the text span `start..end`, when known.
    pub fn file_span(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let map = self.file_map.as_ref()?;
        Some((
            map.file_offset(&self.text, start)?,
            map.file_offset(&self.text, end)?,
        ))
    }

    /// 1-based line number of a byte offset in `text`.
    pub fn line_of(&self, byte: usize) -> usize {
        line_of(&self.text, byte)
    }

    /// Where line `line` (1-based) of `text` came from.
    pub fn origin(&self, line: usize) -> Origin {
        match self.origins.get(line.wrapping_sub(1)) {
            Some(o) => *o,
            None => Origin {
                page: None,
                line: u32::try_from(line).unwrap_or(u32::MAX),
            },
        }
    }

    /// Whether citations differ from plain line numbers of the text (pages, or lines moved).
    pub fn has_locations(&self) -> bool {
        !self.origins.is_empty()
    }
}

pub fn line_of(text: &str, byte: usize) -> usize {
    let end = byte.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Where an input comes from, as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    pub fn parse(arg: &str) -> Self {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::File(PathBuf::from(arg))
        }
    }
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".into(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

/// How to read inputs; from flags, config and environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Decode text with this encoding instead of detecting it (`--encoding`).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Also read e-mail attachments in supported formats as documents of their own.
    pub attachments: bool,
}

impl Options {
    /// Resolve an encoding label ("windows-1250", "latin2", "koi8-r"…) as WHATWG names them.
    pub fn encoding_from_label(label: &str) -> Result<&'static encoding_rs::Encoding> {
        encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            Error::Usage(format!(
                "unknown encoding {label:?}; try utf-8, utf-16le, windows-1250, iso-8859-2, windows-1252, windows-1251, koi8-r"
            ))
        })
    }
}

/// Decode bytes into a document with default options (detected encoding, no attachments).
pub fn decode(name: &str, path: Option<PathBuf>, bytes: Vec<u8>) -> Result<Document> {
    let mut docs = decode_with(name, path, bytes, &Options::default())?;
    Ok(docs.remove(0))
}

/// Decode one input: the document itself first, then its attachments when asked for.
pub fn decode_with(
    name: &str,
    path: Option<PathBuf>,
    bytes: Vec<u8>,
    opts: &Options,
) -> Result<Vec<Document>> {
    decode_nested(name, path, bytes, opts, 0)
}

/// Attachments of attachments are read this deep at most.
const MAX_NESTING: usize = 3;

fn decode_nested(
    name: &str,
    path: Option<PathBuf>,
    bytes: Vec<u8>,
    opts: &Options,
    depth: usize,
) -> Result<Vec<Document>> {
    let hint = path
        .as_deref()
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .or_else(|| name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()));
    let format = detect::detect(&bytes, hint.as_deref()).map_err(|what| Error::BadInput {
        name: name.into(),
        reason: format!("unsupported format: detected {what}"),
    })?;
    let bad = |reason: String| Error::BadInput {
        name: name.into(),
        reason,
    };
    let mut attachments = Vec::new();
    let read = || -> std::result::Result<_, String> {
        let mut attachments = Vec::new();
        let out = match format {
            Format::Text => text::read(&bytes, opts)?,
            Format::Html => html::read(&bytes, opts)?,
            Format::Pdf => pdf::read(&bytes)?,
            Format::Docx => office::read_docx(&bytes)?,
            Format::Odt => office::read_odt(&bytes)?,
            Format::Email | Format::Mbox => {
                let (out, atts) = mail::read(&bytes, format, opts.attachments)?;
                attachments = atts;
                out
            }
            Format::WhatsApp => chat::read_whatsapp(&bytes, opts)?,
            Format::Telegram => chat::read_telegram(&bytes)?,
        };
        Ok((out, attachments))
    };
    // A decoder bug on hostile input is this input's error, not a crash of the run.
    let (mut out, atts) = guard::catch(format.as_str(), read).map_err(bad)?;
    attachments.extend(atts);
    if out.text.trim().is_empty() {
        return Err(bad("input is empty".into()));
    }
    if out.text.len() > MAX_TEXT_BYTES {
        return Err(bad(format!(
            "its text is larger than {} (a decompression bomb?)",
            human_bytes(MAX_TEXT_BYTES as u64)
        )));
    }
    out.trim_origins();
    // The input's bytes are not needed any more: free them before the text is moved into
    // its shared buffer (one more copy of a large input for a moment).
    drop(bytes);
    let doc = Document {
        name: name.into(),
        path,
        text: Arc::from(out.text),
        warnings: out
            .warnings
            .into_iter()
            .map(|w| format!("{name}: {w}"))
            .collect(),
        format,
        encoding: out.encoding,
        origins: out.origins,
        file_map: out.file_map,
    };
    let mut docs = vec![doc];
    for (att_name, bytes) in attachments {
        let full = format!("{name}#{att_name}");
        if depth >= MAX_NESTING {
            docs[0]
                .warnings
                .push(format!("{full}: not read (attachments nested too deep)"));
            continue;
        }
        match decode_nested(&full, None, bytes, opts, depth + 1) {
            Ok(more) => docs.extend(more),
            // An attachment ava cannot read is noted, not fatal: the message itself was read.
            Err(e) => docs[0].warnings.push(format!("attachment skipped: {e}")),
        }
    }
    Ok(docs)
}

/// One decoder on its own, for the fuzz targets in `fuzz/` (decoder panics are not caught
/// under `cfg(fuzzing)`).
#[doc(hidden)]
pub fn fuzz_decode(format: Format, bytes: &[u8]) {
    let opts = Options {
        encoding: None,
        attachments: true,
    };
    let _ = match format {
        Format::Text => text::read(bytes, &opts),
        Format::Html => html::read(bytes, &opts),
        Format::Pdf => pdf::read_now(bytes),
        Format::Docx => office::read_docx(bytes),
        Format::Odt => office::read_odt(bytes),
        Format::Email | Format::Mbox => mail::read(bytes, format, true).map(|(o, _)| o),
        Format::WhatsApp => chat::read_whatsapp(bytes, &opts),
        Format::Telegram => chat::read_telegram(bytes),
    };
    let _ = detect::detect(bytes, None);
}

/// What a format reader produces: text, line origins, notes.
#[derive(Debug, Default)]
pub(crate) struct Extracted {
    pub text: String,
    pub origins: Vec<Origin>,
    pub warnings: Vec<String>,
    pub encoding: Option<String>,
    pub file_map: Option<FileMap>,
}

impl Extracted {
    /// Append one line (newlines inside are split, each part keeping `origin`).
    pub fn push_line(&mut self, line: &str, origin: Origin) {
        for part in line.split('\n') {
            self.text.push_str(part.trim_end_matches('\r'));
            self.text.push('\n');
            self.origins.push(origin);
        }
    }

    /// Identity origins carry no information; drop them so `has_locations` says so.
    fn trim_origins(&mut self) {
        let identity = self
            .origins
            .iter()
            .enumerate()
            .all(|(i, o)| o.page.is_none() && o.line as usize == i + 1);
        if identity {
            self.origins.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_binary_inputs_are_refused() {
        assert!(matches!(
            decode("x", None, b"  \n".to_vec()),
            Err(Error::BadInput { .. })
        ));
        let e = decode("x", None, b"\x7fELF\x02\x01\x01\0\0\0".to_vec()).unwrap_err();
        assert!(
            e.to_string().contains("unsupported format: detected"),
            "{e}"
        );
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Łódź\r\nok".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let doc = decode("x", None, bytes).unwrap();
        assert_eq!(&*doc.text, "Łódź\nok");
        assert_eq!(doc.encoding.as_deref(), Some("UTF-16LE"));
    }

    #[test]
    fn line_numbers_are_one_based() {
        let doc = Document::from_text("x", "a\nb\nc");
        assert_eq!(doc.line_of(0), 1);
        assert_eq!(doc.line_of(2), 2);
        assert_eq!(doc.line_of(4), 3);
        assert_eq!(doc.origin(2).cite(), "l. 2");
    }
}
