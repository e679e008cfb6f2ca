//! Sources turn a path or stdin into a [`Document`]. Decoding ends here; nothing downstream
//! knows where the text came from beyond its name.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Inputs larger than this are refused rather than read into memory.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Display name: the path as given, or "-" for stdin.
    pub name: String,
    pub path: Option<PathBuf>,
    pub text: String,
    /// Things the reader should know about how the text was obtained (lossy decoding…).
    pub warnings: Vec<String>,
}

impl Document {
    pub fn from_text(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            path: None,
            text: text.into(),
            warnings: Vec::new(),
        }
    }

    /// 1-based line number of a byte offset in `text`.
    pub fn line_of(&self, byte: usize) -> usize {
        line_of(&self.text, byte)
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

/// An input's bytes as read, before [`decode`].
pub struct RawInput {
    pub name: String,
    pub path: Option<PathBuf>,
    pub bytes: Vec<u8>,
}

pub fn read_input(input: &Input, max_bytes: u64) -> Result<RawInput> {
    match input {
        Input::Stdin => Ok(RawInput {
            name: "-".into(),
            path: None,
            bytes: read_limited(std::io::stdin().lock(), max_bytes, "-")?,
        }),
        Input::File(path) => read_file(path, max_bytes),
    }
}

fn read_file(path: &Path, max_bytes: u64) -> Result<RawInput> {
    let meta = std::fs::metadata(path).map_err(|e| open_error(path, e))?;
    if meta.is_dir() {
        return Err(Error::InputIsDirectory {
            path: path.to_path_buf(),
        });
    }
    let name = path.display().to_string();
    if meta.is_file() && meta.len() > max_bytes {
        return Err(too_large(&name, meta.len(), max_bytes));
    }
    let file = std::fs::File::open(path).map_err(|e| open_error(path, e))?;
    let bytes = read_limited(file, max_bytes, &name).map_err(|e| match e {
        Error::Io(source) => Error::InputUnreadable {
            path: path.to_path_buf(),
            source,
        },
        other => other,
    })?;
    Ok(RawInput {
        name,
        path: Some(path.to_path_buf()),
        bytes,
    })
}

fn open_error(path: &Path, e: std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::NotFound => Error::InputNotFound {
            path: path.to_path_buf(),
        },
        _ => Error::InputUnreadable {
            path: path.to_path_buf(),
            source: e,
        },
    }
}

fn too_large(name: &str, len: u64, max: u64) -> Error {
    Error::BadInput {
        name: name.into(),
        reason: format!(
            "input is {} MiB, more than the {} MiB limit (raise it with --max-input-bytes)",
            len / (1024 * 1024),
            max / (1024 * 1024)
        ),
    }
}

/// Read at most `max` bytes; one more means the input is too large (pipes have no length).
fn read_limited(reader: impl Read, max: u64, name: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(name, bytes.len() as u64, max));
    }
    Ok(bytes)
}

/// Decode bytes into text: UTF-8 (with or without BOM), UTF-16 with BOM, otherwise lossy
/// UTF-8 with a warning. Binary data (NUL bytes in the first block) is refused.
pub fn decode(name: &str, path: Option<PathBuf>, bytes: Vec<u8>) -> Result<Document> {
    let mut warnings = Vec::new();
    let text = if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            warnings.push(format!(
                "{name}: some bytes were not valid {}; replaced with U+FFFD",
                enc.name()
            ));
        }
        text.into_owned()
    } else {
        if looks_binary(&bytes) {
            return Err(Error::BadInput {
                name: name.into(),
                reason: "looks like a binary file, not text".into(),
            });
        }
        match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let bytes = e.into_bytes();
                let bad = count_invalid_utf8(&bytes);
                warnings.push(format!(
                    "{name}: not valid UTF-8; {bad} undecodable byte sequence(s) replaced with U+FFFD"
                ));
                String::from_utf8_lossy(&bytes).into_owned()
            }
        }
    };
    let text = text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(Error::BadInput {
            name: name.into(),
            reason: "input is empty".into(),
        });
    }
    Ok(Document {
        name: name.into(),
        path,
        text,
        warnings,
    })
}

fn looks_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8192).any(|&b| b == 0)
}

fn count_invalid_utf8(mut bytes: &[u8]) -> usize {
    let mut n = 0;
    while let Err(e) = std::str::from_utf8(bytes) {
        n += 1;
        let skip = e.valid_up_to() + e.error_len().unwrap_or(bytes.len() - e.valid_up_to());
        bytes = &bytes[skip..];
    }
    n
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
        assert!(matches!(
            decode("x", None, b"ab\0cd".to_vec()),
            Err(Error::BadInput { .. })
        ));
    }

    #[test]
    fn invalid_utf8_is_decoded_with_a_warning() {
        let doc = decode("x", None, b"Zaj\xeaty dom\n".to_vec()).unwrap();
        assert_eq!(doc.text, "Zaj\u{fffd}ty dom\n");
        assert_eq!(doc.warnings.len(), 1);
        assert!(doc.warnings[0].contains("1 undecodable"));
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Łódź\r\nok".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let doc = decode("x", None, bytes).unwrap();
        assert_eq!(doc.text, "Łódź\nok");
    }

    #[test]
    fn line_numbers_are_one_based() {
        let doc = Document::from_text("x", "a\nb\nc");
        assert_eq!(doc.line_of(0), 1);
        assert_eq!(doc.line_of(2), 2);
        assert_eq!(doc.line_of(4), 3);
    }
}
