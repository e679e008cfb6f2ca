//! Pseudonymisation: personal data in a text replaced by stable placeholders (`<PHONE_1>`,
//! `<EMAIL_2>`, `<NAME_1>`) before the text leaves the machine, and put back into the answer.
//! Values are found by the validated extractors ([`super::patterns`]) — phones, e-mails,
//! IBANs, payment cards, IP addresses, crypto wallets — plus a list of terms (names, places)
//! the user gives. The same value gets the same placeholder for the whole run, so a model
//! can still tell two people or two phones apart.
//!
//! The mapping lives only in memory; it is never written anywhere.

use super::entity::EntityKind;
use super::in_english::{about_before, value_in_english};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

/// A placeholder as sent: `<KIND_N>`.
static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<([A-Z]+)_(\d+)>").unwrap_or_else(|_| unreachable!()));
/// What a model makes of one when it mangles it: brackets lost or changed, space for `_`.
static MANGLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[<\[{(]?\b(EMAIL|PHONE|IBAN|CARD|IP|WALLET|NAME|ID)[ _-]?(\d+)\b[>\]})]?")
        .unwrap_or_else(|_| unreachable!())
});
/// The longest a placeholder can be; a `<` this close to the end of a chunk may be the start
/// of one split across chunks.
const MAX_PLACEHOLDER: usize = 16;

/// Kinds protected in translation (issue 14): identifiers a translation must copy verbatim
/// (with the case signatures and legal references of [`super::legal`] and the addresses of
/// [`super::addresses`]). Dates, times and amounts are protected too when the translation is
/// into English ([`Pseudonyms::with_values_in_english`]): ava writes them, the model only
/// places them. Plates and bare domains are left out because their finders also match
/// ordinary words.
fn protected(kind: EntityKind) -> bool {
    label(kind).is_some()
        || matches!(
            kind,
            EntityKind::Url | EntityKind::Hash | EntityKind::EthTx | EntityKind::Mac
        )
}

fn label(kind: EntityKind) -> Option<&'static str> {
    Some(match kind {
        EntityKind::Email => "EMAIL",
        EntityKind::Phone => "PHONE",
        EntityKind::Iban => "IBAN",
        EntityKind::PaymentCard => "CARD",
        EntityKind::Ipv4 | EntityKind::Ipv6 => "IP",
        EntityKind::Bitcoin
        | EntityKind::Ethereum
        | EntityKind::Monero
        | EntityKind::Litecoin
        | EntityKind::BitcoinCash
        | EntityKind::Dash
        | EntityKind::Tron
        | EntityKind::Solana => "WALLET",
        EntityKind::Telegram | EntityKind::Signal => "HANDLE",
        EntityKind::Imei => "IMEI",
        _ => return None,
    })
}

static PHONE_SHAPED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\+?\(?\d[\d ().-]{7,20}\d").unwrap_or_else(|_| unreachable!()));

/// The run's mapping: value ↔ placeholder.
#[derive(Debug, Default)]
pub struct Pseudonyms {
    /// Normalised value (or term, lowercased) → placeholder.
    by_value: HashMap<String, String>,
    /// Placeholder → the value as first written.
    originals: BTreeMap<String, String>,
    counters: HashMap<&'static str, usize>,
    terms: Vec<String>,
    terms_re: Option<Regex>,
    /// Set for translation: every value becomes `<ID_n>` (one kind of token is easier for a
    /// small model to copy than several), URLs and hashes are included, and the phone-shaped
    /// safety net is off (it would take amounts such as `2 189 337,30`, which are translated).
    protect: bool,
    /// Set for translation into English: dates, times and amounts whose reading is certain
    /// become placeholders too, restored as ava writes them in English ("16 January 2014",
    /// "PLN 820,000", "08:50").
    values_in_english: bool,
}

impl Pseudonyms {
    /// `terms`: extra values to redact as `<NAME_n>` (whole words, any case).
    pub fn new(terms: Vec<String>) -> Self {
        let terms: Vec<String> = terms
            .into_iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        // Longest first, so "Anna Kowalska" wins over "Anna".
        let mut sorted = terms.clone();
        sorted.sort_by_key(|t| std::cmp::Reverse(t.len()));
        let terms_re = (!sorted.is_empty())
            .then(|| {
                let alt: Vec<String> = sorted.iter().map(|t| regex::escape(t)).collect();
                Regex::new(&format!(r"(?i)\b(?:{})\b", alt.join("|"))).ok()
            })
            .flatten();
        Self {
            terms,
            terms_re,
            ..Default::default()
        }
    }

    /// The mapping for translation's protected spans: identifiers found by the extractors
    /// become `<ID_1>`, `<ID_2>`…, copied by the model and restored afterwards.
    pub fn protecting() -> Self {
        Self {
            protect: true,
            ..Default::default()
        }
    }

    /// Also dates, times and amounts, written back in English by ava.
    pub fn with_values_in_english(mut self) -> Self {
        self.values_in_english = true;
        self
    }

    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    fn placeholder_for(&mut self, label: &'static str, key: String, original: &str) -> String {
        if let Some(p) = self.by_value.get(&key) {
            return p.clone();
        }
        let n = self.counters.entry(label).or_insert(0);
        *n += 1;
        let p = format!("<{label}_{n}>");
        self.by_value.insert(key, p.clone());
        self.originals.insert(p.clone(), original.to_string());
        p
    }

    /// `text` with every value found replaced; the placeholders used, in order.
    pub fn redact(&mut self, text: &str, region: &str) -> (String, BTreeSet<String>) {
        // (start, end, label, key, what is restored when not the text as written)
        let mut spans: Vec<(usize, usize, &'static str, String, Option<String>)> = Vec::new();
        // Read once with the configured region and once with none: a region guessed from the
        // prompt's wording can rule out a national number that the no-region reading keeps as
        // ambiguous, and over-redacting is the safe side. Overlaps are dropped below.
        let readings = [region, "none"];
        for (i, r) in readings.iter().enumerate() {
            if i > 0 && *r == region {
                continue;
            }
            for e in super::patterns::extract(text, 1, r) {
                let l = if self.protect {
                    protected(e.kind).then_some("ID")
                } else {
                    label(e.kind)
                };
                if let Some(l) = l {
                    spans.push((e.byte_start, e.byte_end, l, e.normalized, None));
                } else if self.protect
                    && self.values_in_english
                    && let Some(english) = value_in_english(&e)
                {
                    let (start, english) = match about_before(text, e.byte_start) {
                        Some(s) if !english.contains("about") => (s, format!("about {english}")),
                        _ => (e.byte_start, english),
                    };
                    spans.push((start, e.byte_end, "ID", e.normalized, Some(english)));
                }
            }
        }
        // Case signatures, legal references and street addresses are copied verbatim in a
        // translation too: an officer looks them up exactly as written.
        if self.protect {
            let references = super::legal::references(text);
            for (start, end) in references
                .into_iter()
                .chain(super::addresses::addresses(text))
            {
                spans.push((start, end, "ID", text[start..end].to_string(), None));
            }
        }
        // A safety net under the validated finders: a phone-shaped run of 9–15 digits that
        // no finder claimed (a national number the region rules left out) is still redacted.
        // Over-redacting costs a placeholder; under-redacting sends a number to the server.
        for m in PHONE_SHAPED.find_iter(text).filter(|_| !self.protect) {
            let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
            let glued = text[..m.start()]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '/');
            if (9..=15).contains(&digits.len()) && !glued {
                spans.push((m.start(), m.end(), "PHONE", digits, None));
            }
        }
        if let Some(re) = &self.terms_re {
            for m in re.find_iter(text) {
                spans.push((m.start(), m.end(), "NAME", m.as_str().to_lowercase(), None));
            }
        }
        // Earliest first, longest first at the same start; drop overlaps.
        spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
        let mut out = String::with_capacity(text.len());
        let mut used = BTreeSet::new();
        let mut at = 0;
        for (start, end, label, key, rendered) in spans {
            if start < at {
                continue;
            }
            out.push_str(&text[at..start]);
            // Translation restores each value exactly as that occurrence was written.
            let key = if self.protect {
                text[start..end].to_string()
            } else {
                key
            };
            let restored = rendered.as_deref().unwrap_or(&text[start..end]);
            let p = self.placeholder_for(label, format!("{label}:{key}"), restored);
            out.push_str(&p);
            used.insert(p);
            at = end;
        }
        out.push_str(&text[at..]);
        (out, used)
    }

    /// The original behind `placeholder`, if it is one of this run's.
    pub fn original(&self, placeholder: &str) -> Option<&str> {
        self.originals.get(placeholder).map(String::as_str)
    }
}

/// Puts originals back into a streamed answer. Text is held back only while it may be the
/// start of a placeholder split across chunks.
#[derive(Debug, Default)]
pub struct Restorer {
    pending: String,
    /// The restored answer so far, to look for mangled placeholders once it is complete
    /// (a mangled one may be split across chunks too).
    answer: String,
    /// Placeholders seen in the answer (restored).
    pub restored: BTreeSet<String>,
    /// Placeholder-like text the run does not know (`<PHONE_9>`) or a model mangled
    /// (`PHONE 1`, `[EMAIL_2]`): left as it is, and reported.
    pub unknown: BTreeSet<String>,
}

impl Restorer {
    /// Takes a chunk; returns what can be printed now.
    pub fn push(&mut self, chunk: &str, map: &Pseudonyms) -> String {
        self.pending.push_str(chunk);
        let cut = match self.pending.rfind('<') {
            Some(i)
                if !self.pending[i..].contains('>') && self.pending.len() - i < MAX_PLACEHOLDER =>
            {
                i
            }
            _ => self.pending.len(),
        };
        let ready: String = self.pending.drain(..cut).collect();
        self.restore(&ready, map)
    }

    /// Whatever is still held back, restored; then the whole answer is checked for
    /// placeholders a model mangled.
    pub fn finish(&mut self, map: &Pseudonyms) -> String {
        let rest = std::mem::take(&mut self.pending);
        let out = self.restore(&rest, map);
        for m in MANGLED.find_iter(&self.answer) {
            self.unknown.insert(m.as_str().to_string());
        }
        out
    }

    fn restore(&mut self, text: &str, map: &Pseudonyms) -> String {
        let replaced = PLACEHOLDER
            .replace_all(text, |c: &regex::Captures<'_>| {
                let p = &c[0];
                match map.original(p) {
                    Some(o) => {
                        self.restored.insert(p.to_string());
                        o.to_string()
                    }
                    None => p.to_string(),
                }
            })
            .into_owned();
        self.answer.push_str(&replaced);
        replaced
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_stable_placeholders_and_come_back() {
        let mut p = Pseudonyms::new(vec!["Anna Kowalska".into()]);
        let (sent, used) = p.redact(
            "Anna Kowalska, tel. 601 234 567, mail anna.k@example.org. Call 601 234 567.",
            "PL",
        );
        assert!(
            !sent.contains("601") && !sent.contains("example.org") && !sent.contains("Kowalska"),
            "{sent}"
        );
        assert_eq!(sent.matches("<PHONE_1>").count(), 2, "{sent}");
        assert_eq!(used.len(), 3);
        let mut r = Restorer::default();
        let mut out = String::new();
        for chunk in ["<NAME_1> called <PH", "ONE_1> from <EMA", "IL_1>."] {
            out.push_str(&r.push(chunk, &p));
        }
        out.push_str(&r.finish(&p));
        assert_eq!(
            out,
            "Anna Kowalska called 601 234 567 from anna.k@example.org."
        );
        assert!(r.unknown.is_empty());
    }

    #[test]
    fn translation_protects_identifiers_as_ids_but_leaves_numbers_as_text() {
        let mut p = Pseudonyms::protecting();
        let src = "Tel. +48 601 234 567, https://example.org/a, 2 189 337,30 zł, 12.03.2024; \
                   znowu +48601234567.";
        let (sent, used) = p.redact(src, "none");
        assert_eq!(used.len(), 3, "{sent}");
        assert!(
            sent.starts_with("Tel. <ID_1>, <ID_2>, 2 189 337,30 zł, 12.03.2024"),
            "{sent}"
        );
        // Each occurrence comes back as it was written, not in a normalised form.
        let mut r = Restorer::default();
        let mut out = r.push(&sent.replace("Tel.", "Phone"), &p);
        out.push_str(&r.finish(&p));
        assert!(
            out.contains("+48 601 234 567,") && out.ends_with("+48601234567."),
            "{out}"
        );
        let mut r = Restorer::default();
        r.push("call ID 1", &p);
        r.finish(&p);
        assert!(!r.unknown.is_empty());
    }

    #[test]
    fn translation_protects_case_signatures_and_legal_references() {
        let mut p = Pseudonyms::protecting();
        let src = "Sygn. akt III K 198/13 (wcześniej I ACa 927/13, RSD-0412/26): art. 286 § 1 k.k.";
        let (sent, used) = p.redact(src, "none");
        assert_eq!(sent, "Sygn. akt <ID_1> (wcześniej <ID_2>, <ID_3>): <ID_4>");
        assert_eq!(used.len(), 4);
        let mut r = Restorer::default();
        let mut out = r.push("Case <ID_1> (before <ID_2>, <ID_3>): <ID_4>", &p);
        out.push_str(&r.finish(&p));
        assert_eq!(
            out,
            "Case III K 198/13 (before I ACa 927/13, RSD-0412/26): art. 286 § 1 k.k."
        );
    }

    #[test]
    fn unknown_and_mangled_placeholders_are_reported() {
        let mut p = Pseudonyms::new(vec![]);
        p.redact("tel. 601 234 567", "PL");
        let mut r = Restorer::default();
        let mut out = r.push("Call <PHONE_2> or PHONE 1 now", &p);
        out.push_str(&r.finish(&p));
        assert!(out.contains("<PHONE_2>"));
        assert!(r.unknown.contains("<PHONE_2>"), "{:?}", r.unknown);
        assert!(
            r.unknown.iter().any(|u| u.contains("PHONE 1")),
            "{:?}",
            r.unknown
        );
    }
}
