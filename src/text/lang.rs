//! Which language a text is in, and the languages ava knows by code and name. Used to check
//! that a translation is in the language asked for, to read a document's phone numbers in its
//! country's format, and to tell the user what was detected.
//!
//! Detection is statistical (whatlang's trigram models: small, no model files, fast enough to
//! run on every segment); on a few words it can be unsure, which [`Detected::reliable`] says.

/// A language ava can name: ISO 639-1 and 639-3 codes, English name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    pub code: &'static str,
    pub code3: &'static str,
    pub name: &'static str,
}

/// The languages of the case material ava is used on, and the ones a user is likely to ask
/// for. Detection covers more; these are the ones with a two-letter code and a name here.
pub const LANGUAGES: &[Language] = &[
    lang("en", "eng", "English"),
    lang("pl", "pol", "Polish"),
    lang("de", "deu", "German"),
    lang("fr", "fra", "French"),
    lang("es", "spa", "Spanish"),
    lang("it", "ita", "Italian"),
    lang("pt", "por", "Portuguese"),
    lang("nl", "nld", "Dutch"),
    lang("cs", "ces", "Czech"),
    lang("sk", "slk", "Slovak"),
    lang("uk", "ukr", "Ukrainian"),
    lang("ru", "rus", "Russian"),
    lang("be", "bel", "Belarusian"),
    lang("lt", "lit", "Lithuanian"),
    lang("lv", "lav", "Latvian"),
    lang("et", "est", "Estonian"),
    lang("ro", "ron", "Romanian"),
    lang("hu", "hun", "Hungarian"),
    lang("bg", "bul", "Bulgarian"),
    lang("sr", "srp", "Serbian"),
    lang("hr", "hrv", "Croatian"),
    lang("sl", "slv", "Slovenian"),
    lang("sv", "swe", "Swedish"),
    lang("da", "dan", "Danish"),
    lang("fi", "fin", "Finnish"),
    lang("el", "ell", "Greek"),
    lang("tr", "tur", "Turkish"),
    lang("ar", "ara", "Arabic"),
    lang("he", "heb", "Hebrew"),
    lang("hi", "hin", "Hindi"),
    lang("zh", "cmn", "Chinese"),
    lang("ja", "jpn", "Japanese"),
    lang("ko", "kor", "Korean"),
    lang("vi", "vie", "Vietnamese"),
];

const fn lang(code: &'static str, code3: &'static str, name: &'static str) -> Language {
    Language { code, code3, name }
}

impl Language {
    /// By two- or three-letter code or English name, ignoring case: "en", "eng", "English".
    pub fn find(name_or_code: &str) -> Option<Language> {
        let s = name_or_code.trim();
        LANGUAGES.iter().copied().find(|l| {
            l.code.eq_ignore_ascii_case(s)
                || l.code3.eq_ignore_ascii_case(s)
                || l.name.eq_ignore_ascii_case(s)
        })
    }
}

/// What [`detect`] found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detected {
    pub language: Language,
    /// 0–1, the detector's own confidence.
    pub confidence: f64,
    /// Whether the detector itself trusts the result (enough text, a clear winner).
    pub reliable: bool,
}

/// The language of `text`, if it is one of [`LANGUAGES`] and there are letters to go on.
pub fn detect(text: &str) -> Option<Detected> {
    let info = whatlang::detect(text)?;
    let language = Language::find(info.lang().code())?;
    Some(Detected {
        language,
        confidence: info.confidence(),
        reliable: info.is_reliable(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_found_by_code_and_name() {
        assert_eq!(Language::find("EN").map(|l| l.name), Some("English"));
        assert_eq!(Language::find("pol").map(|l| l.code), Some("pl"));
        assert_eq!(Language::find("german").map(|l| l.code), Some("de"));
        assert_eq!(Language::find("klingonese"), None);
    }

    #[test]
    fn paragraphs_of_case_material_are_recognised() {
        let pl = "Policjanci zatrzymali dwóch mężczyzn podejrzanych o oszustwo metodą na \
                  policjanta. Starsza kobieta przekazała im oszczędności całego życia.";
        let en = "Police arrested two men suspected of defrauding an elderly woman who handed \
                  over her life savings to a caller posing as an officer.";
        let de = "Die Polizei sucht mit Bildern nach einem Dieb, der in einem Geschäft in \
                  Charlottenburg eine Geldbörse gestohlen hat.";
        for (text, code) in [(pl, "pl"), (en, "en"), (de, "de")] {
            let d = detect(text).expect("detected");
            assert_eq!(d.language.code, code, "{text}");
        }
    }
}
