//! Byte offsets into the file as stored, for positions in the decoded text of a plain-text
//! input. Decoding moves bytes: a BOM is dropped, CRLF becomes LF, UTF-16 and legacy
//! encodings have other widths, an undecodable sequence becomes one U+FFFD. Downstream works
//! on the decoded text; this map lets it cite the file's own bytes without knowing why they
//! differ. Formats whose text is rebuilt (PDF, DOCX, HTML, mail) have no such map.

use encoding_rs::Encoding;

/// Text bytes walked, at most, from a checkpoint to answer one lookup.
const CHECKPOINT_EVERY: usize = 4096;

/// How a decoded character's width in the file follows from the character itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Utf8,
    Utf16 {
        big_endian: bool,
    },
    /// Windows-125x, ISO-8859-x, KOI8…: one byte per character.
    SingleByte,
}

impl Unit {
    fn of(encoding: &'static Encoding) -> Option<Self> {
        if encoding == encoding_rs::UTF_8 {
            Some(Unit::Utf8)
        } else if encoding == encoding_rs::UTF_16LE {
            Some(Unit::Utf16 { big_endian: false })
        } else if encoding == encoding_rs::UTF_16BE {
            Some(Unit::Utf16 { big_endian: true })
        } else if encoding.is_single_byte() {
            Some(Unit::SingleByte)
        } else {
            // Shift_JIS, GBK, Big5…: widths vary per character; not mapped (yet).
            None
        }
    }

    /// Width in the file of `c` when it was written as itself.
    fn width(self, c: char) -> usize {
        match self {
            Unit::Utf8 => c.len_utf8(),
            Unit::Utf16 { .. } => c.len_utf16() * 2,
            Unit::SingleByte => 1,
        }
    }

    /// The encoded CR LF pair.
    fn crlf(self) -> &'static [u8] {
        match self {
            Unit::Utf8 | Unit::SingleByte => b"\r\n",
            Unit::Utf16 { big_endian: false } => b"\r\0\n\0",
            Unit::Utf16 { big_endian: true } => b"\0\r\0\n",
        }
    }
}

/// Decoded-text offset → file offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMap(Map);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Map {
    /// The text is the file's bytes after `shift` bytes (a UTF-8 BOM, or none).
    Shifted(usize),
    /// Widths follow from the characters between checkpoints `(text offset, file offset)`;
    /// every place where they do not (CRLF, U+FFFD for several bytes) ends with a checkpoint.
    Walked {
        unit: Unit,
        checkpoints: Vec<(usize, usize)>,
    },
}

impl FileMap {
    /// The map for `text`, decoded with `encoding` from `file[body_start..]`. None when the
    /// text cannot be lined up with the bytes (an encoding whose widths are not known here).
    pub fn new(
        file: &[u8],
        body_start: usize,
        text: &str,
        encoding: &'static Encoding,
    ) -> Option<Self> {
        let unit = Unit::of(encoding)?;
        let body = file.get(body_start..)?;
        if unit == Unit::Utf8 && body == text.as_bytes() {
            return Some(FileMap(Map::Shifted(body_start)));
        }
        let mut checkpoints = vec![(0, body_start)];
        let mut pos = body_start;
        let mut last = 0;
        for (at, c) in text.char_indices() {
            let nominal = unit.width(c);
            let rest = &file[pos.min(file.len())..];
            let width = if c == '\n' && rest.starts_with(unit.crlf()) {
                unit.crlf().len()
            } else if c == '\u{FFFD}' {
                replaced_width(unit, rest)?
            } else {
                nominal
            };
            pos += width;
            let next = at + c.len_utf8();
            if width != nominal || next - last >= CHECKPOINT_EVERY {
                checkpoints.push((next, pos));
                last = next;
            }
        }
        // A walk that does not end at the file's end has lost its way: no map rather than
        // wrong offsets.
        (pos == file.len()).then_some(FileMap(Map::Walked { unit, checkpoints }))
    }

    /// File offset of byte `off` of `text` (the text the map was built for).
    pub fn file_offset(&self, text: &str, off: usize) -> Option<usize> {
        if !text.is_char_boundary(off) {
            return None;
        }
        match &self.0 {
            Map::Shifted(shift) => Some(off + shift),
            Map::Walked { unit, checkpoints } => {
                let i = checkpoints.partition_point(|&(t, _)| t <= off);
                let &(t, f) = checkpoints.get(i.checked_sub(1)?)?;
                Some(
                    f + text
                        .get(t..off)?
                        .chars()
                        .map(|c| unit.width(c))
                        .sum::<usize>(),
                )
            }
        }
    }
}

/// Bytes one U+FFFD stands for at the start of `rest`: itself, or the undecodable sequence
/// the decoder replaced (encoding_rs and Rust agree on UTF-8's maximal subparts).
fn replaced_width(unit: Unit, rest: &[u8]) -> Option<usize> {
    match unit {
        Unit::Utf8 => {
            if rest.starts_with("\u{FFFD}".as_bytes()) {
                return Some(3);
            }
            match std::str::from_utf8(rest) {
                Ok(_) => None,
                Err(e) if e.valid_up_to() == 0 => Some(e.error_len().unwrap_or(rest.len())),
                Err(_) => None,
            }
        }
        // A lone surrogate is one unit; an odd last byte is one byte.
        Unit::Utf16 { .. } => Some(rest.len().min(2)).filter(|&w| w > 0),
        Unit::SingleByte => Some(1).filter(|_| !rest.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(file: &[u8], body_start: usize, text: &str, enc: &'static Encoding) {
        let map = FileMap::new(file, body_start, text, enc).expect("a map");
        for (at, c) in text.char_indices() {
            let s = map.file_offset(text, at).unwrap();
            let e = map.file_offset(text, at + c.len_utf8()).unwrap();
            let (back, _) = enc.decode_without_bom_handling(&file[s..e]);
            let back = back.replace("\r\n", "\n");
            assert_eq!(back, c.to_string(), "{c:?} at {at}: file {s}..{e}");
        }
        assert_eq!(map.file_offset(text, text.len()), Some(file.len()));
    }

    #[test]
    fn crlf_bom_and_invalid_utf8_line_up() {
        let file = b"\xEF\xBB\xBFZa\xEAj\xF0\x9F\r\nok \xE2\x82\xAC\r\n";
        let (text, _) = encoding_rs::UTF_8.decode_without_bom_handling(&file[3..]);
        let text = text.replace("\r\n", "\n");
        check(file, 3, &text, encoding_rs::UTF_8);
    }

    #[test]
    fn single_byte_and_utf16_line_up() {
        let (file, _, _) = encoding_rs::WINDOWS_1250.encode("Łódź\r\n+48 601 234 567");
        let text = "Łódź\n+48 601 234 567";
        check(&file, 0, text, encoding_rs::WINDOWS_1250);
        let mut file = vec![0xFE, 0xFF];
        for u in "Zażółć 😀\r\nx".encode_utf16() {
            file.extend_from_slice(&u.to_be_bytes());
        }
        check(&file, 2, "Zażółć 😀\nx", encoding_rs::UTF_16BE);
    }

    #[test]
    fn long_texts_use_checkpoints() {
        let text = "ą".repeat(10_000);
        let (file, _, _) = encoding_rs::ISO_8859_2.encode(&text);
        let map = FileMap::new(&file, 0, &text, encoding_rs::ISO_8859_2).unwrap();
        assert_eq!(map.file_offset(&text, 2 * 9_000), Some(9_000));
        assert_eq!(map.file_offset(&text, 1), None);
    }
}
