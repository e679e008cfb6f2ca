//! Deterministic entity extraction: e-mail addresses, URLs, bare domains, phone numbers, IP
//! addresses and CIDR ranges, IBANs, payment cards, cryptocurrency addresses, transaction and
//! file hashes, dates and times, amounts of money, vehicle plates, Telegram and Signal
//! handles, IMEIs and MAC addresses, each with its exact location in the source.
//!
//! Regular expressions only find *candidates*; a candidate becomes an entity when it passes
//! the check its kind has: libphonenumber metadata for phones, mod-97 and the national BBAN
//! format for IBANs, Luhn for cards, Base58Check / Bech32 / EIP-55 / Keccak checksums for crypto
//! addresses, octet ranges for IPs, the calendar for dates, a known TLD for bare domains, a
//! label before it for a plate. Look-alikes are rejected explicitly: dates, times, version
//! strings ("version 1.2.3.4", "1.2.3.4-beta") and grouped account numbers are not phones or
//! IPs; file names ("report.pdf") and abbreviations ("m.in.") are not domains; IPs, versions
//! and phone numbers are not dates.
//!
//! Defanged indicators as threat reports write them (`hxxp://`, `example[.]com`, `user[@]host`)
//! are found and refanged in [`Entity::normalized`].
//!
//! Where candidates overlap, one reading wins, in this order: URL with a scheme or "www.",
//! e-mail, bare domain, messenger handle, IBAN, crypto address with a checksum or hash, Solana
//! address, IMEI, payment card, MAC address, CIDR range, IPv6, IPv4, date, amount, plate,
//! phone, time. The one exception is that an e-mail address, IP or Telegram name inside a URL
//! is reported as well as the URL.
//!
//! The finders live in modules of their own, one per domain (`network`, `phones`, `finance`,
//! `crypto`, `dates`, `amounts`, `plates`), all behind one interface (`scan::Finder`); this one
//! runs them, decides between overlapping readings and reports the winners with their lines
//! and columns. Patterns for kinds that hold a digit run only in the stretches of text `scan`
//! marks around digits, so the cost of the many patterns grows with the numbers in a text
//! rather than with all of it.

use super::entity::{Entity, EntityKind, Hit};
use super::region::{self, DocRegion, RegionSetting};
use super::scan::{self, Context, Finder};
use super::{amounts, coins, crypto, dates, devices, finance, handles, network, phones, plates};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::HashMap;
use std::ops::Range;

pub use super::finance::mask_card;

/// Whether `region` is a two-letter country code libphonenumber knows ("PL", "de").
pub fn is_known_region(region: &str) -> bool {
    parse_region(region).is_some()
}

fn parse_region(region: &str) -> Option<phonenumber::country::Id> {
    region.trim().to_ascii_uppercase().parse().ok()
}

/// All entities in `text`, in document order. `first_line` is the absolute line number of the
/// text's first line; `default_region` (e.g. "PL") is how phone numbers written without a
/// country code are read, as if the user had set it; "auto" infers it from the text
/// ([`region::resolve`]), anything else means no region.
///
/// The region also decides how an ambiguous date such as `12/03/2026` is read (see
/// [`Entity::normalized`]).
pub fn extract(text: &str, first_line: usize, default_region: &str) -> Vec<Entity> {
    let setting = RegionSetting::parse(default_region).unwrap_or(RegionSetting::Off);
    extract_in(text, first_line, &region::resolve(setting, text))
}

/// [`extract`] with the document's region already resolved.
pub fn extract_in(text: &str, first_line: usize, doc: &DocRegion) -> Vec<Entity> {
    let region = doc.region;
    let regions = scan::regions(text);
    let mut owners = Owners::new(text.len());
    let everywhere = Context {
        region,
        doc,
        free: &|_, _| true,
    };
    let mut candidates = Vec::new();
    for (find, ranked_as) in FIRST {
        let hits = find(text, &regions, &everywhere);
        candidates.extend(hits.into_iter().map(|hit| Candidate::new(hit, ranked_as)));
    }
    owners.accept(candidates);
    // Phones and times rank last, so everything else is settled before they are looked
    // for, and candidates on bytes already taken skip their costly checks.
    for find in LAST {
        let free = |start, end| owners.is_free(start, end);
        let hits = find(
            text,
            &regions,
            &Context {
                region,
                doc,
                free: &free,
            },
        );
        owners.accept(
            hits.into_iter()
                .map(|hit| Candidate::new(hit, None))
                .collect(),
        );
    }
    let accepted = owners.into_accepted();

    // Entities come in document order, so lines and columns are counted in one pass rather
    // than from each line's start (a minified log is one very long line).
    let mut line = first_line;
    let mut pos = 0;
    let mut column = 1;
    accepted
        .into_iter()
        .map(|Candidate { hit: f, .. }| {
            let gap = &text[pos..f.start];
            match gap.rfind('\n') {
                Some(newline) => {
                    line = line.saturating_add(gap.bytes().filter(|&b| b == b'\n').count());
                    column = 1 + gap[newline + 1..].chars().count();
                }
                None => column += gap.chars().count(),
            }
            pos = f.start;
            Entity {
                kind: f.kind,
                value: text[f.start..f.end].to_string(),
                normalized: f.normalized,
                line,
                column,
                byte_start: f.start,
                byte_end: f.end,
                check: f.check,
            }
        })
        .collect()
}

/// The times of day among `entities` (what [`extract`] found in `text`), alone or after a
/// date: where each is written (the time itself, without the date before it) and its `HH:MM`
/// or `HH:MM:SS`.
pub fn times_of_day(text: &str, entities: &[Entity]) -> Vec<(Range<usize>, String)> {
    entities
        .iter()
        .filter_map(|e| match e.kind {
            EntityKind::Time => Some((e.byte_start..e.byte_end, e.normalized.clone())),
            EntityKind::Date => {
                let (_, time) = e.normalized.split_once('T')?;
                let start = dates::time_in_date(&text[..e.byte_end], e.byte_start)?;
                Some((start..e.byte_end, time.to_string()))
            }
            _ => None,
        })
        .collect()
}

/// Occurrences of one entity, as the built-in engine reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityGroup {
    pub kind: EntityKind,
    pub normalized: String,
    pub count: usize,
    pub occurrences: Vec<Occurrence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Occurrence {
    pub value: String,
    pub line: usize,
    pub column: usize,
}

/// Group entities by (kind, normalized value), in order of first occurrence.
pub fn group_entities(entities: &[Entity]) -> Vec<EntityGroup> {
    let mut index: HashMap<(EntityKind, &str), usize> = HashMap::new();
    let mut groups: Vec<EntityGroup> = Vec::new();
    for e in entities {
        let i = *index
            .entry((e.kind, e.normalized.as_str()))
            .or_insert_with(|| {
                groups.push(EntityGroup {
                    kind: e.kind,
                    normalized: e.normalized.clone(),
                    count: 0,
                    occurrences: Vec::new(),
                });
                groups.len() - 1
            });
        groups[i].count += 1;
        groups[i].occurrences.push(Occurrence {
            value: e.value.clone(),
            line: e.line,
            column: e.column,
        });
    }
    groups
}

/// The normalized form of `value` if the whole of it (trimmed) is one valid entity of `kind`,
/// read with `default_region` as [`extract`] reads text. For checking what a language model
/// says it found: `normalize_as(EntityKind::Phone, "601 234 567", "PL")` is
/// `Some("+48601234567")`, `normalize_as(EntityKind::Iban, "PL00 1234", "PL")` is `None`.
///
/// Checks that need words around a value in running text do not apply: a plate needs no
/// "nr rej." before it, and a phone number no particular grouping.
pub fn normalize_as(kind: EntityKind, value: &str, default_region: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match kind {
        EntityKind::Plate => return plates::normalize_plate(value),
        EntityKind::Phone => return phones::normalize_phone(value, parse_region(default_region)),
        _ => {}
    }
    extract(value, 1, default_region)
        .into_iter()
        .find(|e| e.kind == kind && e.byte_start == 0 && e.byte_end == value.len())
        .map(|e| e.normalized)
}

// ---------------------------------------------------------------------------------------------
// Candidates and overlap resolution

/// The finders that run on the text as it is, before phones and times. A finder's readings
/// rank as their kind does, or as the kind given here: a bare name with a path
/// ("example.com/login") is a URL, but it ranks as the bare domain it was read as, below an
/// e-mail address whose "@" a path may hold.
const FIRST: [(Finder, Option<EntityKind>); 17] = [
    (network::find_urls, None),
    (network::find_domains, Some(EntityKind::Domain)),
    (network::find_emails, None),
    (handles::find_handles, None),
    (finance::find_ibans, None),
    (crypto::find_addresses, None),
    (coins::find_coins, None),
    (coins::find_solana, None),
    (crypto::find_hashes, None),
    (devices::find_imeis, None),
    (devices::find_macs, None),
    (finance::find_cards, None),
    (network::find_ipv6, None),
    (network::find_ipv4, None),
    (dates::find_dates, None),
    (amounts::find_amounts, None),
    (plates::find_plates, None),
];

/// The finders that run once everything else is settled, each after the one before: their
/// candidates are many, their checks costly, and they lose every overlap.
const LAST: [Finder; 2] = [phones::find_phones, dates::find_times];

/// Which reading wins where candidates overlap: the lower rank (the order in the module doc).
fn rank(kind: EntityKind) -> u8 {
    match kind {
        EntityKind::Url => 0,
        EntityKind::Email => 1,
        EntityKind::Domain => 2,
        EntityKind::Telegram | EntityKind::Signal => 3,
        EntityKind::Iban => 4,
        EntityKind::Bitcoin
        | EntityKind::Litecoin
        | EntityKind::BitcoinCash
        | EntityKind::Dash
        | EntityKind::Tron
        | EntityKind::Ethereum
        | EntityKind::Monero
        | EntityKind::EthTx
        | EntityKind::Hash => 5,
        // A wallet without a checksum is read from the words around it: any reading with a
        // checksum wins over it.
        EntityKind::Solana => 6,
        // An IMEI is also a Luhn-valid number: with "IMEI" before it, it is not a card.
        EntityKind::Imei => 7,
        EntityKind::PaymentCard => 8,
        EntityKind::Mac => 9,
        EntityKind::Cidr => 10,
        EntityKind::Ipv6 => 11,
        EntityKind::Ipv4 => 12,
        EntityKind::Date => 13,
        EntityKind::Amount => 14,
        EntityKind::Plate => 15,
        EntityKind::Phone => 16,
        EntityKind::Time => 17,
    }
}

/// A finder's reading with its rank.
#[derive(Debug)]
struct Candidate {
    hit: Hit,
    /// Lower wins an overlap.
    rank: u8,
}

impl Candidate {
    /// `hit`, ranked as its own kind or as `ranked_as`.
    fn new(hit: Hit, ranked_as: Option<EntityKind>) -> Self {
        Candidate {
            rank: rank(ranked_as.unwrap_or(hit.kind)),
            hit,
        }
    }
}

/// Which entity owns each byte of the text: a byte map rather than comparisons between
/// candidates, so resolving overlaps stays linear in the text.
struct Owners {
    owner: Vec<u8>,
    accepted: Vec<Candidate>,
}

const FREE: u8 = 0;
const IN_URL: u8 = 1;
const TAKEN: u8 = 2;

impl Owners {
    fn new(len: usize) -> Self {
        Owners {
            owner: vec![FREE; len],
            accepted: Vec::new(),
        }
    }

    fn is_free(&self, start: usize, end: usize) -> bool {
        self.owner[start..end].iter().all(|&o| o == FREE)
    }

    /// Take the candidates that fit, best rank first, then earliest, then longest. Batches
    /// must come in rank order: a later batch never displaces an earlier one.
    fn accept(&mut self, mut found: Vec<Candidate>) {
        found.sort_by_key(|c| (c.rank, c.hit.start, Reverse(c.hit.end - c.hit.start)));
        for candidate in found {
            let f = &candidate.hit;
            let span = &self.owner[f.start..f.end];
            let free = span.iter().all(|&o| o == FREE);
            let nested = matches!(
                f.kind,
                EntityKind::Email | EntityKind::Ipv4 | EntityKind::Ipv6 | EntityKind::Telegram
            ) && span.iter().all(|&o| o == IN_URL);
            if !(free || nested) {
                continue;
            }
            if free {
                let mark = if f.kind == EntityKind::Url {
                    IN_URL
                } else {
                    TAKEN
                };
                self.owner[f.start..f.end]
                    .iter_mut()
                    .for_each(|o| *o = mark);
            }
            self.accepted.push(candidate);
        }
    }

    /// Accepted entities in document order.
    fn into_accepted(mut self) -> Vec<Candidate> {
        self.accepted.sort_by_key(|c| (c.hit.start, c.rank));
        self.accepted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_absolute_lines_and_char_columns() {
        let t = "pierwsza linia\nŻółć: jan@x.pl\n  tel. 600 123 456";
        let e = extract(t, 40, "PL");
        let loc: Vec<(EntityKind, usize, usize, &str)> = e
            .iter()
            .map(|e| (e.kind, e.line, e.column, &t[e.byte_start..e.byte_end]))
            .collect();
        assert_eq!(
            loc,
            [
                (EntityKind::Email, 41, 7, "jan@x.pl"),
                (EntityKind::Phone, 42, 8, "600 123 456"),
            ]
        );
    }

    #[test]
    fn grouping_deduplicates_by_normalized_value() {
        let t = "600 123 456\n+48 600-123-456\nx@y.pl\n600123456";
        let groups = group_entities(&extract(t, 1, "PL"));
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].normalized, "+48600123456");
        assert_eq!(groups[0].count, 3);
        let lines: Vec<usize> = groups[0].occurrences.iter().map(|o| o.line).collect();
        assert_eq!(lines, [1, 2, 4]);
        assert_eq!(groups[1].kind, EntityKind::Email);
    }

    fn spans(text: &str) -> Vec<(EntityKind, usize, usize, String)> {
        extract(text, 1, "PL")
            .into_iter()
            .inspect(|e| assert_eq!(&text[e.byte_start..e.byte_end], e.value, "{e:?}"))
            .map(|e| (e.kind, e.line, e.column, e.value))
            .collect()
    }

    #[test]
    fn spans_of_new_kinds() {
        let t = "Łódź, 14 marca 2026 r.\nŻółć: kwota 1,5 mln zł, evil[.]com i 10.0.0.0/8;\n  nr rej. WA 12345";
        assert_eq!(
            spans(t),
            [
                (EntityKind::Date, 1, 7, "14 marca 2026 r.".to_string()),
                (EntityKind::Amount, 2, 13, "1,5 mln zł".to_string()),
                (EntityKind::Domain, 2, 25, "evil[.]com".to_string()),
                (EntityKind::Cidr, 2, 38, "10.0.0.0/8".to_string()),
                (EntityKind::Plate, 3, 11, "WA 12345".to_string()),
            ]
        );
    }

    #[test]
    fn normalizing_claimed_values() {
        let n = |kind, v: &str| normalize_as(kind, v, "PL");
        assert_eq!(
            n(EntityKind::Phone, " 601 234 567 ").as_deref(),
            Some("+48601234567")
        );
        assert_eq!(n(EntityKind::Phone, "12.03.2026"), None);
        assert_eq!(n(EntityKind::Phone, "call 601 234 567"), None);
        assert_eq!(
            n(EntityKind::Iban, "PL61 1090 1014 0000 0712 1981 2874").as_deref(),
            Some("PL61109010140000071219812874")
        );
        assert_eq!(
            n(EntityKind::Iban, "PL62 1090 1014 0000 0712 1981 2874"),
            None
        );
        assert_eq!(
            n(EntityKind::Date, "14 marca 2026").as_deref(),
            Some("2026-03-14")
        );
        assert_eq!(n(EntityKind::Date, "31.02.2026"), None);
        assert_eq!(
            n(EntityKind::Amount, "1,5 mln zł").as_deref(),
            Some("1500000 PLN")
        );
        assert_eq!(n(EntityKind::Plate, "wa 12345").as_deref(), Some("WA12345"));
        assert_eq!(n(EntityKind::Plate, "hello"), None);
        assert_eq!(
            n(EntityKind::Domain, "Example[.]COM").as_deref(),
            Some("example.com")
        );
        assert_eq!(n(EntityKind::Domain, "jan@example.com"), None);
        assert_eq!(
            n(EntityKind::Email, "Jan@Example.com").as_deref(),
            Some("jan@example.com")
        );
        assert_eq!(n(EntityKind::Ipv4, "10.0.0.1").as_deref(), Some("10.0.0.1"));
        // Part of the value is not the whole of it.
        assert_eq!(n(EntityKind::Ipv4, "10.0.0.1 and more"), None);
        assert_eq!(n(EntityKind::Ipv4, "http://10.0.0.1/"), None);
        assert_eq!(n(EntityKind::Url, ""), None);
    }

    #[test]
    fn mixed_report_finds_each_kind_once() {
        let t = "W dniu 14 marca 2026 r. o godz. 21:03 ujawniono przelew 15 000 zł z konta \
                 PL61 1090 1014 0000 0712 1981 2874 na portfel 0.5 BTC. Sprawca (tel. 600 123 456, \
                 jan@example.com) logował się z 192.168.1.10 do hxxps://evil[.]example[.]net/login \
                 oraz evil-shop[.]xyz; pojazd nr rej. WA 12345. Plik raport.pdf, wersja 1.2.3.4.";
        let got: Vec<EntityKind> = extract(t, 1, "PL").into_iter().map(|e| e.kind).collect();
        assert_eq!(
            got,
            [
                EntityKind::Date,
                EntityKind::Amount,
                EntityKind::Iban,
                EntityKind::Amount,
                EntityKind::Phone,
                EntityKind::Email,
                EntityKind::Ipv4,
                EntityKind::Url,
                EntityKind::Domain,
                EntityKind::Plate,
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_spans_are_exact(s in r"[0-9 +()./:,\-a-zA-Z@\[\]ąłŻ€$£ zł\n]{0,80}") {
            for e in extract(&s, 1, "PL") {
                proptest::prop_assert_eq!(&s[e.byte_start..e.byte_end], e.value.as_str());
            }
        }
    }
}
