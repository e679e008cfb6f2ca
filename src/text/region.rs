//! Which country a document's national phone numbers and numeric dates belong to, and how
//! sure ava is of it.
//!
//! A phone number written without a country code (`0300 123 2040`) and a date such as
//! `03/04/2025` mean different things in different countries, so the region decides what
//! such a value normalises to. The user may set it (`--region`, config `region`,
//! `AVA_REGION`); otherwise it is inferred per document, only where that is safe:
//! - from the document's language when the language is a single country's (Polish → PL);
//! - from the document's content (country and city names, country top-level domains, `£`)
//!   when the language leaves several countries and one of them clearly wins.
//!
//! How a value read with the region is marked follows from where the region came from: a
//! region the user set, or one a language settles, is trusted (`verified`); one inferred from
//! content is a good guess, so values that depend on it are reported but not verified, with
//! the reason. Without a region, national numbers and ambiguous dates are kept as written and
//! marked ambiguous.

use phonenumber::country::Id;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The region as the user set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegionSetting {
    /// Infer per document (the default).
    #[default]
    Auto,
    /// No region: national numbers and ambiguous dates stay as written.
    Off,
    /// This country, for every document.
    Fixed(Id),
}

impl RegionSetting {
    /// `"auto"` (or empty), `"none"`, or a two-letter country code libphonenumber knows
    /// (`"PL"`, `"gb"`); `None` for anything else.
    pub fn parse(s: &str) -> Option<RegionSetting> {
        let s = s.trim();
        if s.is_empty() || s.eq_ignore_ascii_case("auto") {
            return Some(RegionSetting::Auto);
        }
        if s.eq_ignore_ascii_case("none") || s.eq_ignore_ascii_case("off") {
            return Some(RegionSetting::Off);
        }
        if s.len() != 2 {
            return None;
        }
        s.to_ascii_uppercase()
            .parse()
            .ok()
            .map(RegionSetting::Fixed)
    }
}

/// Where a document's region came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionSource {
    /// `--region`, config `region` or `AVA_REGION`.
    Setting,
    /// The document's language is one country's.
    DocumentLanguage,
    /// Country names, domains and currency in the document.
    DocumentContent,
}

impl RegionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RegionSource::Setting => "setting",
            RegionSource::DocumentLanguage => "document language",
            RegionSource::DocumentContent => "document content",
        }
    }
}

/// The region one document is read with, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRegion {
    pub region: Option<Id>,
    /// `None` when there is no region.
    pub source: Option<RegionSource>,
    /// What settled it, for the user: "set by the user", "Polish text", "'Texas' ×7".
    pub evidence: String,
    /// The document's language (ISO 639-1), when detected reliably.
    pub language: Option<&'static str>,
}

impl DocRegion {
    /// A region the user set.
    pub fn fixed(region: Id) -> Self {
        DocRegion {
            region: Some(region),
            source: Some(RegionSource::Setting),
            evidence: "set by the user".into(),
            language: None,
        }
    }

    /// No region at all.
    pub fn none() -> Self {
        DocRegion {
            region: None,
            source: None,
            evidence: String::new(),
            language: None,
        }
    }

    /// The region's two-letter code.
    pub fn code(&self) -> Option<&str> {
        self.region.as_ref().map(AsRef::as_ref)
    }

    /// Whether a value that depends on the region may be marked verified: the user set it, or
    /// the document's language admits no other country.
    pub fn trusted(&self) -> bool {
        matches!(
            self.source,
            Some(RegionSource::Setting | RegionSource::DocumentLanguage)
        )
    }

    /// "US (document content: 'Texas' ×7)", for notices and reasons.
    pub fn describe(&self) -> String {
        match (self.code(), self.source) {
            (Some(code), Some(source)) => {
                format!("{code} ({}: {})", source.as_str(), self.evidence)
            }
            _ => "none".into(),
        }
    }
}

/// The region of a document with `text`, as `setting` asks.
pub fn resolve(setting: RegionSetting, text: &str) -> DocRegion {
    match setting {
        RegionSetting::Fixed(id) => DocRegion {
            language: language_of(text),
            ..DocRegion::fixed(id)
        },
        RegionSetting::Off => DocRegion {
            language: language_of(text),
            ..DocRegion::none()
        },
        RegionSetting::Auto => infer(text),
    }
}

/// How much of a document is read to infer its region: its language and the names in it show
/// in the first pages, and a 10 MB log need not be read twice.
const SAMPLE_BYTES: usize = 64 * 1024;

fn sample(text: &str) -> &str {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The document's language, when the detector trusts its answer.
fn language_of(text: &str) -> Option<&'static str> {
    super::lang::detect(sample(text))
        .filter(|d| d.reliable)
        .map(|d| d.language.code)
}

/// Languages spoken as the national language of one country only (where case material in
/// that language comes from), with the country.
const ONE_COUNTRY: &[(&str, &str)] = &[
    ("pl", "PL"),
    ("cs", "CZ"),
    ("sk", "SK"),
    ("uk", "UA"),
    ("lt", "LT"),
    ("lv", "LV"),
    ("et", "EE"),
    ("hu", "HU"),
    ("bg", "BG"),
    ("sl", "SI"),
    ("hr", "HR"),
    ("da", "DK"),
    ("ja", "JP"),
    ("ko", "KR"),
    ("vi", "VN"),
    ("he", "IL"),
];

/// Languages of several countries: the ones whose content cues may settle it.
const SEVERAL_COUNTRIES: &[(&str, &[&str])] = &[
    ("en", &["US", "GB", "IE", "NZ", "AU", "CA"]),
    ("de", &["DE", "AT", "CH"]),
    ("fr", &["FR", "BE", "CH", "CA", "LU"]),
    ("es", &["ES", "MX", "AR", "CO", "CL"]),
    ("pt", &["PT", "BR"]),
    ("nl", &["NL", "BE"]),
    ("it", &["IT", "CH"]),
    ("sv", &["SE", "FI"]),
    ("ru", &["RU", "BY", "KZ"]),
];

/// The regions a document in `language` most likely comes from: where a national number
/// is tried when the region is unknown. Without a language, the countries of the case
/// material ava is used on.
pub fn candidate_regions(language: Option<&str>) -> Vec<Id> {
    let codes: &[&str] = match language {
        Some(l) => ONE_COUNTRY
            .iter()
            .find(|(lang, _)| *lang == l)
            .map(|(_, c)| std::slice::from_ref(c))
            .or_else(|| {
                SEVERAL_COUNTRIES
                    .iter()
                    .find(|(lang, _)| *lang == l)
                    .map(|(_, c)| *c)
            })
            .unwrap_or(DEFAULT_CANDIDATES),
        None => DEFAULT_CANDIDATES,
    };
    codes.iter().filter_map(|c| c.parse().ok()).collect()
}

const DEFAULT_CANDIDATES: &[&str] = &[
    "PL", "DE", "GB", "FR", "US", "UA", "NL", "ES", "IT", "IE", "NZ", "AU",
];

/// Words and signs that place a document in a country, as a case-sensitive whole-word
/// pattern, and the country. Names that are also common words or people's names (Georgia,
/// Washington, Victoria) are left out.
const CUES: &[(&str, &str)] = &[
    ("United Kingdom", "GB"),
    ("UK", "GB"),
    ("England", "GB"),
    ("Wales", "GB"),
    ("Scotland", "GB"),
    ("Northern Ireland", "GB"),
    ("Britain", "GB"),
    ("British", "GB"),
    ("London", "GB"),
    ("Action Fraud", "GB"),
    ("Crown Prosecution Service", "GB"),
    ("£", "GB"),
    ("United States", "US"),
    ("U.S.", "US"),
    ("USA", "US"),
    ("FBI", "US"),
    ("District Attorney", "US"),
    ("Alabama", "US"),
    ("Alaska", "US"),
    ("Arizona", "US"),
    ("Arkansas", "US"),
    ("California", "US"),
    ("Colorado", "US"),
    ("Connecticut", "US"),
    ("Delaware", "US"),
    ("Florida", "US"),
    ("Hawaii", "US"),
    ("Idaho", "US"),
    ("Illinois", "US"),
    ("Indiana", "US"),
    ("Iowa", "US"),
    ("Kansas", "US"),
    ("Kentucky", "US"),
    ("Louisiana", "US"),
    ("Maine", "US"),
    ("Maryland", "US"),
    ("Massachusetts", "US"),
    ("Michigan", "US"),
    ("Minnesota", "US"),
    ("Mississippi", "US"),
    ("Missouri", "US"),
    ("Montana", "US"),
    ("Nebraska", "US"),
    ("Nevada", "US"),
    ("New Hampshire", "US"),
    ("New Jersey", "US"),
    ("New Mexico", "US"),
    ("New York", "US"),
    ("North Carolina", "US"),
    ("North Dakota", "US"),
    ("Ohio", "US"),
    ("Oklahoma", "US"),
    ("Oregon", "US"),
    ("Pennsylvania", "US"),
    ("Rhode Island", "US"),
    ("South Carolina", "US"),
    ("South Dakota", "US"),
    ("Tennessee", "US"),
    ("Texas", "US"),
    ("Utah", "US"),
    ("Vermont", "US"),
    ("Virginia", "US"),
    ("West Virginia", "US"),
    ("Wisconsin", "US"),
    ("Wyoming", "US"),
    ("New Zealand", "NZ"),
    ("Aotearoa", "NZ"),
    ("Auckland", "NZ"),
    ("Christchurch", "NZ"),
    ("Australia", "AU"),
    ("Australian", "AU"),
    ("Sydney", "AU"),
    ("Melbourne", "AU"),
    ("Queensland", "AU"),
    ("New South Wales", "AU"),
    ("Ireland", "IE"),
    ("Garda", "IE"),
    ("Dublin", "IE"),
    ("Canada", "CA"),
    ("Canadian", "CA"),
    ("Ontario", "CA"),
    ("Quebec", "CA"),
    ("Québec", "CA"),
    ("RCMP", "CA"),
    ("Deutschland", "DE"),
    ("Bundesrepublik", "DE"),
    ("Berlin", "DE"),
    ("Hamburg", "DE"),
    ("München", "DE"),
    ("Köln", "DE"),
    ("Frankfurt", "DE"),
    ("Bundeskriminalamt", "DE"),
    ("Österreich", "AT"),
    ("Wien", "AT"),
    ("Schweiz", "CH"),
    ("Suisse", "CH"),
    ("Zürich", "CH"),
    ("Genève", "CH"),
    ("France", "FR"),
    ("Paris", "FR"),
    ("Lyon", "FR"),
    ("Marseille", "FR"),
    ("Belgique", "BE"),
    ("België", "BE"),
    ("Bruxelles", "BE"),
    ("Brussel", "BE"),
    ("Luxembourg", "LU"),
    ("Nederland", "NL"),
    ("Amsterdam", "NL"),
    ("España", "ES"),
    ("Madrid", "ES"),
    ("Guardia Civil", "ES"),
    ("México", "MX"),
    ("Italia", "IT"),
    ("Roma", "IT"),
    ("Carabinieri", "IT"),
    ("Portugal", "PT"),
    ("Lisboa", "PT"),
    ("Brasil", "BR"),
    ("Sverige", "SE"),
    ("Stockholm", "SE"),
    ("Suomi", "FI"),
    ("Helsinki", "FI"),
    ("Россия", "RU"),
    ("Москва", "RU"),
];

/// Country top-level domains (and `.gov`, which is the United States'), as the last label of
/// a host name in the text.
const TLDS: &[(&str, &str)] = &[
    ("uk", "GB"),
    ("gov", "US"),
    ("us", "US"),
    ("nz", "NZ"),
    ("au", "AU"),
    ("ie", "IE"),
    ("ca", "CA"),
    ("de", "DE"),
    ("at", "AT"),
    ("ch", "CH"),
    ("fr", "FR"),
    ("be", "BE"),
    ("lu", "LU"),
    ("nl", "NL"),
    ("es", "ES"),
    ("mx", "MX"),
    ("it", "IT"),
    ("pt", "PT"),
    ("br", "BR"),
    ("se", "SE"),
    ("fi", "FI"),
    ("ru", "RU"),
];

static CUE: LazyLock<Regex> = LazyLock::new(|| {
    let mut words: Vec<&str> = CUES.iter().map(|(w, _)| *w).collect();
    // Longest first: "Northern Ireland" is Britain's, not Ireland's.
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let words: Vec<String> = words
        .iter()
        .map(|w| {
            let e = regex::escape(w);
            // `\b` needs a word character at each end; "U.S." and "£" have none there.
            let open = if w.starts_with(char::is_alphanumeric) {
                r"\b"
            } else {
                ""
            };
            let close = if w.ends_with(char::is_alphanumeric) {
                r"\b"
            } else {
                ""
            };
            format!("{open}{e}{close}")
        })
        .collect();
    let tlds: Vec<&str> = TLDS.iter().map(|(t, _)| *t).collect();
    let source = format!(
        r"{}|\b(?i:[a-z0-9-]+\.)+(?P<tld>{})\b",
        words.join("|"),
        tlds.join("|")
    );
    // The pattern is built from the constants above; a mistake there fails every test run.
    Regex::new(&source).unwrap_or_else(|e| panic!("region cues: {e}"))
});

/// The region the document's content points to, among `allowed`, with the evidence: the cue
/// counts of the winner must be at least twice the runner-up's.
fn from_content(text: &str, allowed: &[&str]) -> Option<(Id, String)> {
    let mut counts: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for c in CUE.captures_iter(text) {
        let (Some(whole), tld) = (c.get(0), c.name("tld")) else {
            continue;
        };
        let region = match tld {
            Some(t) => TLDS
                .iter()
                .find(|(x, _)| x.eq_ignore_ascii_case(t.as_str()))
                .map(|(_, r)| *r),
            None => CUES
                .iter()
                .find(|(w, _)| *w == whole.as_str())
                .map(|(_, r)| *r),
        };
        let Some(region) = region.filter(|r| allowed.contains(r)) else {
            continue;
        };
        let shown = whole.as_str().to_string();
        *counts.entry(region).or_default().entry(shown).or_default() += 1;
    }
    let total = |m: &BTreeMap<String, usize>| m.values().sum::<usize>();
    let mut ranked: Vec<(&str, usize)> = counts.iter().map(|(r, m)| (*r, total(m))).collect();
    ranked.sort_by_key(|&(r, n)| (std::cmp::Reverse(n), r));
    let (best, n) = *ranked.first()?;
    let second = ranked.get(1).map_or(0, |&(_, n)| n);
    if n < 2 * second.max(1) && second > 0 {
        return None;
    }
    let mut cues: Vec<(&String, &usize)> = counts.get(best)?.iter().collect();
    cues.sort_by_key(|&(w, n)| (std::cmp::Reverse(*n), w.clone()));
    let evidence = cues
        .iter()
        .take(3)
        .map(|(w, n)| {
            if **n > 1 {
                format!("'{w}' ×{n}")
            } else {
                format!("'{w}'")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    Some((best.parse().ok()?, evidence))
}

fn infer(text: &str) -> DocRegion {
    let sample = sample(text);
    let Some(language) = language_of(sample) else {
        return DocRegion::none();
    };
    if let Some((_, code)) = ONE_COUNTRY.iter().find(|(l, _)| *l == language) {
        let name = super::lang::Language::find(language).map_or(language, |l| l.name);
        return DocRegion {
            region: code.parse().ok(),
            source: Some(RegionSource::DocumentLanguage),
            evidence: format!("{name} text"),
            language: Some(language),
        };
    }
    let allowed = SEVERAL_COUNTRIES
        .iter()
        .find(|(l, _)| *l == language)
        .map_or(&[][..], |(_, r)| *r);
    match from_content(sample, allowed) {
        Some((region, evidence)) => DocRegion {
            region: Some(region),
            source: Some(RegionSource::DocumentContent),
            evidence,
            language: Some(language),
        },
        None => DocRegion {
            language: Some(language),
            ..DocRegion::none()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse() {
        assert_eq!(RegionSetting::parse(""), Some(RegionSetting::Auto));
        assert_eq!(RegionSetting::parse("AUTO"), Some(RegionSetting::Auto));
        assert_eq!(RegionSetting::parse("none"), Some(RegionSetting::Off));
        assert_eq!(
            RegionSetting::parse("gb"),
            Some(RegionSetting::Fixed(Id::GB))
        );
        assert_eq!(RegionSetting::parse("XX"), None);
        assert_eq!(RegionSetting::parse("Poland"), None);
    }

    #[test]
    fn polish_text_is_polish() {
        let t = "Policjanci zatrzymali dwóch mężczyzn podejrzanych o oszustwo metodą na \
                 policjanta. Starsza kobieta przekazała im oszczędności całego życia.";
        let r = resolve(RegionSetting::Auto, t);
        assert_eq!(r.code(), Some("PL"));
        assert_eq!(r.source, Some(RegionSource::DocumentLanguage));
        assert!(r.trusted());
    }

    #[test]
    fn english_needs_a_clear_country() {
        let us = "The Dallas County District Attorney announced today that a Texas man was \
                  arrested for securities fraud after investors in Texas lost their savings.";
        let r = resolve(RegionSetting::Auto, us);
        assert_eq!(r.code(), Some("US"), "{r:?}");
        assert_eq!(r.source, Some(RegionSource::DocumentContent));
        assert!(!r.trusted());
        assert!(r.evidence.contains("Texas"), "{}", r.evidence);
        let uk = "Surrey Police said the two men defrauded victims of more than £100,000 \
                  through fake online relationships before they were caught and convicted.";
        assert_eq!(resolve(RegionSetting::Auto, uk).code(), Some("GB"));
        // "Northern Ireland" is Britain's.
        let ni = "The Police Service of Northern Ireland arrested a man in Belfast yesterday \
                  after a long investigation into fraud against pensioners in the area.";
        assert_eq!(resolve(RegionSetting::Auto, ni).code(), Some("GB"));
        // Nothing to go on, or a tie: no region.
        let plain = "Police would like the public's help to locate three stolen vehicles which \
                     are still at large after a month of thefts in the area.";
        assert_eq!(resolve(RegionSetting::Auto, plain).code(), None);
        let tie = "Officers from London and from New York met to discuss fraud against elderly \
                   people and how banks can stop payments to criminals earlier.";
        assert_eq!(resolve(RegionSetting::Auto, tie).code(), None);
    }

    #[test]
    fn a_set_region_wins_and_none_is_none() {
        let t = "Policjanci zatrzymali dwóch mężczyzn podejrzanych o oszustwo metodą na \
                 policjanta. Starsza kobieta przekazała im oszczędności całego życia.";
        let r = resolve(RegionSetting::Fixed(Id::DE), t);
        assert_eq!(
            (r.code(), r.source),
            (Some("DE"), Some(RegionSource::Setting))
        );
        let r = resolve(RegionSetting::Off, t);
        assert_eq!(r.code(), None);
        assert_eq!(r.language, Some("pl"));
    }
}
