//! Entity reports: what the deterministic extractors found and what a model reported, merged
//! into one record per document, every item pointing back to where it occurs in the source.
//!
//! The JSON shape (inside a `--json` record's `output`, or alone with `--format json`):
//!
//! ```json
//! { "entities": [
//!   { "kind": "phone", "value": "+48601234567", "verified": true, "grounded": true,
//!     "found_by": ["pattern", "model"], "type": "suspect", "context": "call me",
//!     "count": 1,
//!     "occurrences": [ { "text": "601 234 567", "line": 3, "column": 12,
//!                        "start": 40, "end": 51, "match": "exact" } ] } ] }
//! ```
//!
//! - `kind`: a pattern kind (`phone`, `email`, `iban`, `url`, `domain`, `bitcoin`…) or, for what
//!   only a model can find, the template's category in the singular (`person`,
//!   `organization`, `location`…).
//! - `value`: the normalized value (E.164 phone, compact IBAN, ISO date…) when a validator
//!   accepts it, else the value as the model wrote it.
//! - `verified`: the value is exactly what the source says: a checksum or format validator
//!   accepted it, and nothing in it was guessed. A national phone number read with a region
//!   inferred from the document's content, or an ambiguous date (`03/04/2025`) whose order is
//!   not settled by a region the user set or by the document's language, is `false`, with:
//! - `reason` (only when not verified): why, in a sentence;
//! - `ambiguous` and `readings` (only for ambiguous values): every normalized value the text
//!   may mean — both orders of a date, a national number in each region it is valid in;
//! - `region`, `region_source` (phones and numeric dates read with a region): the country
//!   the value was read as, and where that came from (`setting`, `document language`,
//!   `document content`, `prefix`, `number format`).
//! - `grounded`: the value occurs in the document. A model's item that cannot be found is kept
//!   with `grounded: false` and no occurrences, never presented as found.
//! - `occurrences`: every place it occurs, in document order; `line`/`column` are 1-based
//!   (column in characters), `start`/`end` are byte offsets in the decoded document, and
//!   `match` says how a model's value was matched (`exact`, `normalized`, `fuzzy`).
//! - Entities are in order of first occurrence; ungrounded ones come last.
//!
//! Next to `entities`, `region` says how the document was read: `{"region": "US", "source":
//! "document content", "evidence": "'Texas' ×7"}` (`region` null when none).

pub mod ground;
pub mod records;
pub mod render;

use crate::text::entity::{Entity, EntityKind};
use crate::text::patterns;
use crate::text::region::{self, DocRegion, RegionSetting};
use ground::Match;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// Occurrences kept per entity; a value repeated more often is still counted.
const MAX_OCCURRENCES: usize = 1000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub entities: Vec<ReportEntity>,
    /// How the document's national numbers and dates were read.
    pub region: RegionInfo,
}

impl Report {
    /// Fill in each occurrence's offsets in the input as stored; `file_span` maps a span
    /// of the decoded text (the source layer's [`crate::source::Document::file_span`]).
    pub fn locate_in_file(&mut self, file_span: impl Fn(usize, usize) -> Option<(usize, usize)>) {
        for o in self
            .entities
            .iter_mut()
            .flat_map(|e| e.occurrences.iter_mut())
        {
            if let Some((s, e)) = file_span(o.start, o.end) {
                o.file_start = Some(s);
                o.file_end = Some(e);
            }
        }
    }
}

/// The region a document was read with, where it came from and what showed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionInfo {
    pub region: Option<String>,
    pub source: Option<&'static str>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub evidence: String,
    /// The document's language, when detected reliably.
    pub language: Option<&'static str>,
}

impl RegionInfo {
    fn of(doc: &DocRegion) -> Self {
        RegionInfo {
            region: doc.code().map(str::to_string),
            source: doc.source.map(|s| s.as_str()),
            evidence: doc.evidence.clone(),
            language: doc.language,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportEntity {
    pub kind: String,
    pub value: String,
    pub verified: bool,
    /// Why `value` is not verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ambiguous: bool,
    /// The normalized values an ambiguous one may stand for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_source: Option<&'static str>,
    pub grounded: bool,
    pub found_by: Vec<&'static str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The line a model claimed for a value that is not in the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_line: Option<u64>,
    pub count: usize,
    pub occurrences: Vec<Occurrence>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Occurrence {
    pub text: String,
    pub line: usize,
    pub column: usize,
    /// Byte offsets into the decoded text (UTF-8, BOM dropped, CRLF read as LF).
    pub start: usize,
    pub end: usize,
    /// Byte offsets into the input as stored, for plain-text inputs; absent where the text
    /// was rebuilt from a structure (PDF, DOCX, HTML, mail). See [`Report::locate_in_file`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_end: Option<usize>,
    #[serde(rename = "match")]
    pub how: Match,
}

/// What to extract and how to read it.
#[derive(Debug, Clone)]
pub struct Options {
    /// Pattern kinds to run; empty = all.
    pub kinds: Vec<EntityKind>,
    /// Region for phone numbers written without a country code and ambiguous dates: a
    /// two-letter country code, "auto" (inferred from the document) or "none".
    pub region: String,
    /// Show payment card numbers in full instead of masked.
    pub unmask_cards: bool,
}

/// Build the report for `text`: the deterministic extractors always run; `model` is a
/// schema-checked model answer (categories of items), if a model took part.
pub fn build(text: &str, opts: &Options, model: Option<&Value>) -> Report {
    let setting = RegionSetting::parse(&opts.region).unwrap_or(RegionSetting::Off);
    let doc = region::resolve(setting, text);
    let lines = LineIndex::new(text);
    let mut b = Builder::default();
    for e in patterns::extract_in(text, 1, &doc) {
        if opts.kinds.is_empty() || opts.kinds.contains(&e.kind) {
            b.add_pattern(&e);
        }
    }
    if let Some(model) = model {
        // A model's value is checked as a value the user claims, with the document's region
        // if it has one.
        let code = doc.code().unwrap_or("none");
        for item in model_items(model) {
            b.add_model(text, &lines, code, item);
        }
    }
    let mut entities = b.entities;
    // Stable: document order of first occurrence, ungrounded (no occurrence) last.
    entities.sort_by_key(|e| e.occurrences.first().map_or(usize::MAX, |o| o.start));
    if !opts.unmask_cards {
        for e in entities.iter_mut().filter(|e| e.kind == "payment_card") {
            mask(e);
        }
    }
    Report {
        entities,
        region: RegionInfo::of(&doc),
    }
}

fn mask(e: &mut ReportEntity) {
    e.value = patterns::mask_card(&e.value);
    for o in &mut e.occurrences {
        // Keep the layout as written (spaces, dashes) while hiding the middle digits.
        let digits: Vec<usize> = o
            .text
            .char_indices()
            .filter(|(_, c)| c.is_ascii_digit())
            .map(|(i, _)| i)
            .collect();
        let n = digits.len();
        let mut t = o.text.clone().into_bytes();
        for (k, &i) in digits.iter().enumerate() {
            if k >= 6 && k + 4 < n {
                t[i] = b'*';
            }
        }
        o.text = String::from_utf8_lossy(&t).into_owned();
    }
}

/// One item a model reported, with the category it came under.
#[derive(Debug, Clone, PartialEq)]
struct ModelItem {
    category: String,
    value: String,
    role: Option<String>,
    context: Option<String>,
    line: Option<u64>,
}

/// Items from a categorised answer: every top-level array, whose elements are strings or
/// objects with a `value` (or `name`) string.
fn model_items(v: &Value) -> Vec<ModelItem> {
    let Some(obj) = v.as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (category, items) in obj {
        let Some(items) = items.as_array() else {
            continue;
        };
        for it in items {
            let text = |k: &str| {
                it.get(k)
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            };
            let value = match it {
                Value::String(s) => Some(s.trim().to_string()),
                _ => text("value").or_else(|| text("name")),
            };
            let Some(value) = value.filter(|v| !v.is_empty()) else {
                continue;
            };
            out.push(ModelItem {
                category: category.clone(),
                value,
                role: text("type").or_else(|| text("role")),
                context: text("context"),
                line: it.get("line").and_then(Value::as_u64),
            });
        }
    }
    out
}

/// Pattern kinds a model's category may hold, tried in order to validate its values.
fn category_kinds(category: &str) -> &'static [EntityKind] {
    use EntityKind::*;
    match category {
        "phones" => &[Phone],
        "emails" => &[Email],
        "ibans" => &[Iban],
        "urls" => &[Url, Domain],
        "domains" => &[Domain, Url],
        "ip_addresses" => &[Ipv4, Ipv6, Cidr],
        "crypto_wallets" => &[
            Bitcoin,
            Ethereum,
            Monero,
            Litecoin,
            BitcoinCash,
            Dash,
            Tron,
            Solana,
        ],
        "handles" => &[Telegram, Signal],
        "devices" | "imeis" => &[Imei, Mac],
        "file_hashes" => &[Hash],
        "dates" => &[Date],
        "amounts" => &[Amount],
        "plates" | "vehicles" => &[Plate],
        "payment_cards" | "cards" => &[PaymentCard],
        _ => &[],
    }
}

/// Whether only a model can fill a template's `category` (people, organisations, places…):
/// no pattern extractor finds its values.
pub fn needs_model(category: &str) -> bool {
    category_kinds(category).is_empty()
}

/// The kind name for a model-only category: "people" → "person", "organizations" →
/// "organization", anything else in the singular by dropping a plural "s".
fn category_kind_name(category: &str) -> String {
    match category {
        "people" | "persons" => "person".into(),
        "crypto_wallets" => "crypto_wallet".into(),
        "ip_addresses" => "ip_address".into(),
        "addresses" => "address".into(),
        c => c
            .strip_suffix("ies")
            .map(|s| format!("{s}y"))
            .or_else(|| c.strip_suffix('s').map(str::to_string))
            .unwrap_or_else(|| c.to_string()),
    }
}

#[derive(Default)]
struct Builder {
    entities: Vec<ReportEntity>,
    index: HashMap<(String, String), usize>,
}

impl Builder {
    fn add_pattern(&mut self, e: &Entity) {
        let check = &e.check;
        // A value read with a doubt (an assumed region or date order) is an item of its own,
        // so that the same value read for certain elsewhere stays verified.
        let key = match &check.unverified {
            Some(_) => format!("{}\u{1}unverified", e.normalized),
            None => e.normalized.clone(),
        };
        let i = self.slot_keyed(e.kind.as_str(), &key, &e.normalized, true);
        let r = &mut self.entities[i];
        if let Some(why) = &check.unverified
            && r.verified
        {
            r.verified = false;
            r.reason = Some(why.clone());
        }
        if !check.readings.is_empty() && r.readings.is_empty() {
            r.ambiguous = true;
            r.readings = check.readings.clone();
        }
        if r.region.is_none() && r.region_source.is_none() {
            r.region = check.region.clone();
            r.region_source = check.region_source;
        }
        if !r.found_by.contains(&"pattern") {
            r.found_by.insert(0, "pattern");
        }
        r.count += 1;
        if r.occurrences.len() < MAX_OCCURRENCES {
            r.occurrences.push(Occurrence {
                text: e.value.clone(),
                line: e.line,
                column: e.column,
                start: e.byte_start,
                end: e.byte_end,
                file_start: None,
                file_end: None,
                how: Match::Exact,
            });
        }
    }

    fn add_model(&mut self, text: &str, lines: &LineIndex, region: &str, item: ModelItem) {
        let checked = category_kinds(&item.category)
            .iter()
            .find_map(|&k| patterns::normalize_as(k, &item.value, region).map(|n| (k, n)));
        let (kind, value, verified) = match checked {
            Some((k, n)) => (k.as_str().to_string(), n, true),
            None => (
                category_kind_name(&item.category),
                item.value.clone(),
                false,
            ),
        };
        // Model-only values are compared without case, so "ACME" and "Acme" are one item.
        let key_value = if verified {
            value.clone()
        } else {
            value.to_lowercase()
        };
        let i = self.slot_keyed(&kind, &key_value, &value, verified);
        let r = &mut self.entities[i];
        if !r.verified && r.reason.is_none() {
            r.reason = Some(if needs_model(&item.category) {
                "reported by the model; no validator exists for this kind".to_string()
            } else {
                format!(
                    "reported by the model; no {} validator accepts it",
                    item.category
                )
            });
        }
        if !r.found_by.contains(&"model") {
            r.found_by.push("model");
        }
        if r.role.is_none() {
            r.role = item.role;
        }
        if r.context.is_none() {
            r.context = item.context;
        }
        if r.occurrences.is_empty() {
            // Not seen by a pattern: look for the text the model gave.
            for s in ground::locate(text, &item.value, MAX_OCCURRENCES) {
                let (line, column) = lines.position(text, s.start);
                r.occurrences.push(Occurrence {
                    text: text[s.start..s.end].to_string(),
                    line,
                    column,
                    start: s.start,
                    end: s.end,
                    file_start: None,
                    file_end: None,
                    how: s.how,
                });
            }
            r.count = r.occurrences.len();
        }
        r.grounded = !r.occurrences.is_empty();
        r.model_line = if r.grounded { None } else { item.line };
    }

    fn slot_keyed(&mut self, kind: &str, key: &str, value: &str, verified: bool) -> usize {
        let k = (kind.to_string(), key.to_string());
        if let Some(&i) = self.index.get(&k) {
            return i;
        }
        self.entities.push(ReportEntity {
            kind: kind.to_string(),
            value: value.to_string(),
            verified,
            reason: None,
            ambiguous: false,
            readings: Vec::new(),
            region: None,
            region_source: None,
            grounded: true,
            found_by: Vec::new(),
            role: None,
            context: None,
            model_line: None,
            count: 0,
            occurrences: Vec::new(),
        });
        self.index.insert(k, self.entities.len() - 1);
        self.entities.len() - 1
    }
}

/// Line starts of a text, for turning byte offsets into line and column.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// 1-based line and column (in characters) of byte offset `at`.
    fn position(&self, text: &str, at: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= at);
        let start = self.starts[line.saturating_sub(1)];
        (line, text[start..at].chars().count() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn opts() -> Options {
        Options {
            kinds: Vec::new(),
            region: "PL".into(),
            unmask_cards: false,
        }
    }

    const TEXT: &str = "Notatka: świadek Jana Kowalskiego widziano przy ul. Długiej.\n\
                        Kontakt: +48 601 234 567, potem 601-234-567.\n\
                        Przelew na PL61 1090 1014 0000 0712 1981 2874.\n";

    #[test]
    fn patterns_alone_are_grouped_with_every_occurrence() {
        let r = build(TEXT, &opts(), None);
        let phone = r.entities.iter().find(|e| e.kind == "phone").unwrap();
        assert_eq!(phone.value, "+48601234567");
        assert_eq!(phone.count, 2);
        assert_eq!(phone.occurrences[0].line, 2);
        assert_eq!(phone.occurrences[1].text, "601-234-567");
        assert_eq!(phone.found_by, vec!["pattern"]);
        assert!(phone.verified && phone.grounded);
        let iban = r.entities.iter().find(|e| e.kind == "iban").unwrap();
        let o = &iban.occurrences[0];
        assert_eq!(&TEXT[o.start..o.end], o.text);
    }

    #[test]
    fn model_items_merge_with_patterns_by_normalized_value() {
        let model = json!({
            "people": [{"value": "Jan Kowalski", "type": "witness"}],
            "phones": [{"value": "601 234 567", "line": 2}],
            "ibans": [],
        });
        let r = build(TEXT, &opts(), Some(&model));
        let phones: Vec<_> = r.entities.iter().filter(|e| e.kind == "phone").collect();
        assert_eq!(phones.len(), 1, "{r:#?}");
        assert_eq!(phones[0].found_by, vec!["pattern", "model"]);
        assert_eq!(phones[0].count, 2);
        let person = r.entities.iter().find(|e| e.kind == "person").unwrap();
        assert!(person.grounded && !person.verified);
        assert_eq!(person.role.as_deref(), Some("witness"));
        assert_eq!(person.occurrences[0].text, "Jana Kowalskiego");
        assert_eq!(person.occurrences[0].how, Match::Fuzzy);
        assert_eq!(person.occurrences[0].line, 1);
    }

    #[test]
    fn invented_items_are_kept_but_marked_ungrounded() {
        let model = json!({
            "people": [{"value": "Piotr Zieliński", "line": 1}],
            "phones": [{"value": "+48 500 100 200"}],
        });
        let r = build(TEXT, &opts(), Some(&model));
        let ghost = r.entities.iter().find(|e| e.kind == "person").unwrap();
        assert!(!ghost.grounded);
        assert!(ghost.occurrences.is_empty());
        assert_eq!(ghost.model_line, Some(1));
        let phone = r
            .entities
            .iter()
            .find(|e| e.value == "+48500100200")
            .unwrap();
        assert!(phone.verified && !phone.grounded);
        // Ungrounded items come after everything that was found.
        assert!(!r.entities.last().unwrap().grounded);
        assert!(r.entities[0].grounded);
    }

    #[test]
    fn kinds_filter_limits_patterns() {
        let o = Options {
            kinds: vec![EntityKind::Iban],
            ..opts()
        };
        let r = build(TEXT, &o, None);
        assert!(r.entities.iter().all(|e| e.kind == "iban"), "{r:#?}");
        assert_eq!(r.entities.len(), 1);
    }

    #[test]
    fn card_numbers_are_masked_unless_asked() {
        let t = "Karta 4111 1111 1111 1111 użyta.";
        let r = build(t, &opts(), None);
        let card = r
            .entities
            .iter()
            .find(|e| e.kind == "payment_card")
            .unwrap();
        assert!(!card.value.contains("1111111111"), "{}", card.value);
        assert_eq!(card.occurrences[0].text, "4111 11** **** 1111");
        let open = build(
            t,
            &Options {
                unmask_cards: true,
                ..opts()
            },
            None,
        );
        assert_eq!(open.entities[0].value, "4111111111111111");
    }

    #[test]
    fn category_names_become_singular_kinds() {
        assert_eq!(category_kind_name("people"), "person");
        assert_eq!(category_kind_name("organizations"), "organization");
        assert_eq!(category_kind_name("handles"), "handle");
        assert_eq!(category_kind_name("crypto_wallets"), "crypto_wallet");
        assert_eq!(category_kind_name("events"), "event");
        assert_eq!(category_kind_name("facilities"), "facility");
    }
}
