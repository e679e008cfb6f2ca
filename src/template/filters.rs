//! Filters available to every template, beyond minijinja's built-ins.

use minijinja::{Environment, State};

pub(super) fn register(env: &mut Environment<'_>) {
    env.add_filter("numbered", numbered);
    env.add_filter("language", language);
}

/// `{{ input | numbered }}`: prefix each line with its line number in the source document
/// (`12| text`), so that a model can cite where it found something. Numbering starts at the
/// `first_line` variable when ava provides it (chunks of a long document), else at 1.
fn numbered(state: &State, text: String) -> String {
    let first = state
        .lookup("first_line")
        .and_then(|v| v.as_usize())
        .filter(|&n| n > 0)
        .unwrap_or(1);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&(first + i).to_string());
        out.push('|');
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
    }
    out
}

/// `{{ to | language }}`: spell out an ISO 639 code ("pl", "pl-PL", "ukr") as an English
/// language name, because small models follow "Polish" far more reliably than "pl". Anything
/// that is not a known code is returned unchanged.
fn language(code: String) -> String {
    let trimmed = code.trim();
    let base = trimmed
        .split(['-', '_'])
        .next()
        .unwrap_or(trimmed)
        .to_ascii_lowercase();
    LANGUAGES
        .iter()
        .find(|(two, three, _)| *two == base || *three == base)
        .map_or_else(|| trimmed.to_string(), |(_, _, name)| (*name).to_string())
}

/// (ISO 639-1, ISO 639-2/T, English name): the languages case material is likely to be in.
const LANGUAGES: &[(&str, &str, &str)] = &[
    ("en", "eng", "English"),
    ("pl", "pol", "Polish"),
    ("de", "deu", "German"),
    ("fr", "fra", "French"),
    ("es", "spa", "Spanish"),
    ("it", "ita", "Italian"),
    ("pt", "por", "Portuguese"),
    ("nl", "nld", "Dutch"),
    ("uk", "ukr", "Ukrainian"),
    ("ru", "rus", "Russian"),
    ("be", "bel", "Belarusian"),
    ("cs", "ces", "Czech"),
    ("sk", "slk", "Slovak"),
    ("lt", "lit", "Lithuanian"),
    ("lv", "lav", "Latvian"),
    ("et", "est", "Estonian"),
    ("hu", "hun", "Hungarian"),
    ("ro", "ron", "Romanian"),
    ("bg", "bul", "Bulgarian"),
    ("sr", "srp", "Serbian"),
    ("hr", "hrv", "Croatian"),
    ("bs", "bos", "Bosnian"),
    ("sl", "slv", "Slovenian"),
    ("mk", "mkd", "Macedonian"),
    ("sq", "sqi", "Albanian"),
    ("el", "ell", "Greek"),
    ("tr", "tur", "Turkish"),
    ("sv", "swe", "Swedish"),
    ("da", "dan", "Danish"),
    ("no", "nor", "Norwegian"),
    ("fi", "fin", "Finnish"),
    ("ka", "kat", "Georgian"),
    ("hy", "hye", "Armenian"),
    ("az", "aze", "Azerbaijani"),
    ("kk", "kaz", "Kazakh"),
    ("uz", "uzb", "Uzbek"),
    ("ar", "ara", "Arabic"),
    ("fa", "fas", "Persian"),
    ("ps", "pus", "Pashto"),
    ("ur", "urd", "Urdu"),
    ("hi", "hin", "Hindi"),
    ("ku", "kur", "Kurdish"),
    ("he", "heb", "Hebrew"),
    ("so", "som", "Somali"),
    ("am", "amh", "Amharic"),
    ("ti", "tir", "Tigrinya"),
    ("zh", "zho", "Chinese"),
    ("ja", "jpn", "Japanese"),
    ("ko", "kor", "Korean"),
    ("vi", "vie", "Vietnamese"),
    ("th", "tha", "Thai"),
];
