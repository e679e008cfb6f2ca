//! Plain text in whatever encoding it came: a BOM decides, else UTF-16 told by its zero
//! bytes, else UTF-8 when it is valid, else a statistical guess among the legacy encodings
//! (chardetng, Firefox's detector: Windows-1250/ISO-8859-2 Polish and Czech, Windows-1252,
//! Windows-1251/KOI8-R Cyrillic…). `--encoding` overrides all of it.

use super::{Extracted, Options};
use encoding_rs::Encoding;

/// Decoded text and the encoding it was decoded from; notes for the reader.
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    pub warnings: Vec<String>,
    pub guessed: bool,
    /// Where the decoded bytes begin in the input (after a BOM).
    pub body_start: usize,
}

/// Bytes the encoding detector looks at.
const DETECT_SAMPLE: usize = 1 << 20;

pub fn decode(bytes: &[u8], opts: &Options) -> Decoded {
    let mut warnings = Vec::new();
    let bom = Encoding::for_bom(bytes);
    let (encoding, body, guessed) = match (opts.encoding, bom) {
        (Some(forced), Some((enc, len))) if forced == enc => (forced, &bytes[len..], false),
        (Some(forced), _) => (forced, bytes, false),
        (None, Some((enc, len))) => (enc, &bytes[len..], false),
        (None, None) => match super::detect::utf16_without_bom(bytes) {
            Some(enc) => (enc, bytes, true),
            None if std::str::from_utf8(bytes).is_ok() => (encoding_rs::UTF_8, bytes, false),
            None => {
                let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                // The first MiB gives the statistics; feeding 17 MiB took 7 s (bench/RESULTS.md).
                let sample = &bytes[..bytes.len().min(DETECT_SAMPLE)];
                det.feed(sample, sample.len() == bytes.len());
                (det.guess(None, chardetng::Utf8Detection::Deny), bytes, true)
            }
        },
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        warnings.push(format!(
            "not valid {}: {bad} undecodable byte sequence(s) replaced with U+FFFD (try --encoding)",
            encoding.name()
        ));
    }
    let text = text.replace("\r\n", "\n");
    Decoded {
        text,
        encoding,
        warnings,
        guessed,
        body_start: bytes.len() - body.len(),
    }
}

pub fn read(bytes: &[u8], opts: &Options) -> Result<Extracted, String> {
    let d = decode(bytes, opts);
    let encoding = Some(describe(&d));
    // Only plain text keeps its bytes in order; HTML and chats decode here too but rebuild.
    let file_map = super::offsets::FileMap::new(bytes, d.body_start, &d.text, d.encoding);
    Ok(Extracted {
        text: d.text,
        origins: Vec::new(),
        warnings: d.warnings,
        encoding,
        file_map,
    })
}

/// "windows-1250 (detected)", "UTF-8".
pub fn describe(d: &Decoded) -> String {
    if d.guessed {
        format!("{} (detected)", d.encoding.name())
    } else {
        d.encoding.name().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guess(text: &str, enc: &'static Encoding) -> Decoded {
        let (bytes, _, _) = enc.encode(text);
        decode(&bytes, &Options::default())
    }

    #[test]
    fn legacy_encodings_are_detected() {
        let pl =
            "Zapłacił 1500 zł za samochód. Świadek widział, że kierowca uciekł w stronę Łodzi.";
        let d = guess(pl, encoding_rs::ISO_8859_2);
        assert_eq!(d.text, pl);
        let d = guess(pl, encoding_rs::WINDOWS_1250);
        assert_eq!(d.text, pl);
        let ru = "Свидетель показал, что подозреваемый перевёл деньги на карту своей сестры.";
        assert_eq!(guess(ru, encoding_rs::WINDOWS_1251).text, ru);
        assert_eq!(guess(ru, encoding_rs::KOI8_R).text, ru);
    }

    #[test]
    fn the_override_wins() {
        let opts = Options {
            encoding: Some(encoding_rs::WINDOWS_1252),
            attachments: false,
        };
        let d = decode(b"caf\xe9", &opts);
        assert_eq!(d.text, "café");
        assert!(!d.guessed);
    }

    #[test]
    fn invalid_bytes_are_replaced_with_a_warning() {
        let opts = Options {
            encoding: Some(encoding_rs::UTF_8),
            attachments: false,
        };
        let d = decode(b"Zaj\xeaty dom\n", &opts);
        assert_eq!(d.text, "Zaj\u{fffd}ty dom\n");
        assert!(d.warnings[0].contains("1 undecodable"));
    }
}
