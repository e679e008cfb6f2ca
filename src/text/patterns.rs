//! Deterministic entity extraction: e-mail addresses, URLs, bare domains, phone numbers, IP
//! addresses and CIDR ranges, IBANs, payment cards, cryptocurrency addresses, transaction and
//! file hashes, dates and times, amounts of money and vehicle plates, each with its exact
//! location in the source.
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
//! e-mail, bare domain, IBAN, crypto address or hash, payment card, CIDR range, IPv6, IPv4,
//! date, amount, plate, phone, time. The one exception is that an e-mail address or IP inside
//! a URL is reported as well as the URL.
//!
//! Dates, amounts, plates and the TLD list live in their own modules ([`super::dates`],
//! [`super::amounts`], [`super::plates`], [`super::domains`]); this one finds the rest and
//! decides between overlapping readings. Patterns for kinds that hold a digit run only in the
//! stretches of text [`super::scan`] marks around digits, so the cost of the many patterns
//! grows with the numbers in a text rather than with all of it.

use super::dates;
use super::entity::{Entity, EntityKind, Hit};
use super::scan::{
    self, Context, Finder, Regions, char_after, char_before, context_start, find_in,
    lower_context_after, lower_context_before, numeric, pattern, preceded_by_version_word,
    refang_at, refang_dots,
};
use super::network::tlds;
use super::phones::validity;
use super::{amounts, plates};
use iban::IbanLike;
use regex::Regex;
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

/// Whether `region` is a two-letter country code libphonenumber knows ("PL", "de").
pub fn is_known_region(region: &str) -> bool {
    parse_region(region).is_some()
}

fn parse_region(region: &str) -> Option<phonenumber::country::Id> {
    region.trim().to_ascii_uppercase().parse().ok()
}

/// All entities in `text`, in document order. `first_line` is the absolute line number of the
/// text's first line; `default_region` (e.g. "PL") is how phone numbers written without a
/// country code are read — with an unknown region only international numbers are found.
///
/// The region also decides how an ambiguous date such as `12/03/2026` is read (see
/// [`Entity::normalized`]).
pub fn extract(text: &str, first_line: usize, default_region: &str) -> Vec<Entity> {
    let region = parse_region(default_region);
    let regions = scan::regions(text);
    let mut owners = Owners::new(text.len());
    let everywhere = Context {
        region,
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
            }
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

/// Payment card number for display: the first six and last four digits (the issuer and the
/// number's end, as receipts print them), `*` for the rest. Numbers too short to hide
/// anything that way keep only their last four. Takes [`Entity::normalized`]; masks already
/// there stay.
pub fn mask_card(normalized: &str) -> String {
    let len = normalized.chars().count();
    // Six and four shown need at least one digit between them to hide.
    let head = if len > 6 + 4 { 6 } else { 0 };
    normalized
        .chars()
        .enumerate()
        .map(|(i, c)| if i < head || i + 4 >= len { c } else { '*' })
        .collect()
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
        EntityKind::Phone => {
            let region = parse_region(default_region);
            if DATE_LIKE.captures_iter(value).any(|c| is_date(&c)) {
                return None;
            }
            let digits = value.chars().filter(char::is_ascii_digit).count();
            let allowed = |c: char| c.is_ascii_digit() || " \t\u{A0}+()-./".contains(c);
            if digits < 7 || !value.chars().all(allowed) {
                return None;
            }
            return valid_phone(value, region, false);
        }
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
const FIRST: [(Finder, Option<EntityKind>); 12] = [
    (find_urls, None),
    (find_domains, Some(EntityKind::Domain)),
    (find_emails, None),
    (find_ibans, None),
    (find_crypto, None),
    (find_hashes, None),
    (find_cards, None),
    (find_ipv6, None),
    (find_ipv4, None),
    (dates::find_dates, None),
    (amounts::find_amounts, None),
    (plates::find_plates, None),
];

/// The finders that run once everything else is settled, each after the one before: their
/// candidates are many, their checks costly, and they lose every overlap.
const LAST: [Finder; 2] = [find_phones, dates::find_times];

/// Which reading wins where candidates overlap: the lower rank (the order in the module doc).
fn rank(kind: EntityKind) -> u8 {
    match kind {
        EntityKind::Url => 0,
        EntityKind::Email => 1,
        EntityKind::Domain => 2,
        EntityKind::Iban => 3,
        EntityKind::Bitcoin
        | EntityKind::Ethereum
        | EntityKind::Monero
        | EntityKind::EthTx
        | EntityKind::Hash => 4,
        EntityKind::PaymentCard => 5,
        EntityKind::Cidr => 6,
        EntityKind::Ipv6 => 7,
        EntityKind::Ipv4 => 8,
        EntityKind::Date => 9,
        EntityKind::Amount => 10,
        EntityKind::Plate => 11,
        EntityKind::Phone => 12,
        EntityKind::Time => 13,
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
                EntityKind::Email | EntityKind::Ipv4 | EntityKind::Ipv6
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

// ---------------------------------------------------------------------------------------------
// URLs and e-mail

/// Characters a URL runs through; "[" and "]" stay in for defanged dots and IPv6 hosts.
const URL_BODY: &str = r#"[^\s<>"'`{}|\\^«»“”„]"#;

static URL_SCHEME: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)\b(?:https?|hxxps?|hxtps?|h\[tt\]ps?|ftps?|fxps?|sftp)(?:://|\[://\]|\[:\]//|:\[//\]){URL_BODY}+"
    ))
});

static URL_WWW: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)\bwww<DOT>[\p{{L}}\p{{N}}\-]+(?:<DOT>[\p{{L}}\p{{N}}\-]+)+(?:[/?#]{URL_BODY}*)?"
    ))
});

static DOMAIN: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)[\p{{L}}\p{{N}}][\p{{L}}\p{{N}}\-]*(?:<DOT>[\p{{L}}\p{{N}}\-]+)*<DOT>\p{{L}}{{2,24}}\b(?:/{URL_BODY}*)?"
    ))
});

/// Whether a match starting at `start` is glued to a word before it. Boundaries in the
/// patterns are ASCII-only (see [`pattern`]), so a match may start inside a word that has
/// non-ASCII letters.
fn glued(text: &str, start: usize) -> bool {
    char_before(text, start).is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// URLs with a scheme ("https://", "hxxp://") or starting "www.".
fn find_urls(text: &str, _regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in URL_SCHEME.find_iter(text).chain(URL_WWW.find_iter(text)) {
        let end = m.start() + trim_url_tail(m.as_str());
        if end <= m.start() || glued(text, m.start()) {
            continue;
        }
        out.push(Hit {
            kind: EntityKind::Url,
            start: m.start(),
            end,
            normalized: normalize_url(&text[m.start()..end]),
        });
    }
    out
}

/// Bare domain names ("evil[.]com"), and bare names with a path ("example.com/login"), which
/// are URLs.
fn find_domains(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in find_in(&DOMAIN, text, regions.dotted.iter().cloned()) {
        let end = m.start() + trim_url_tail(m.as_str());
        let value = &text[m.start()..end];
        let host = value.split('/').next().unwrap_or(value);
        // The pattern admits no other brackets than a defanged dot's.
        let defanged = host.contains(['[', '(', '{']);
        let tld = host.rsplit(['.', ']', ')', '}']).next().unwrap_or("");
        // Most candidates are file names and sentence breaks, which the TLD settles cheapest.
        if !tlds::plausible_tld(tld, usize::MAX, defanged) {
            continue;
        }
        let before = lower_context_before(text, m.start(), 4);
        // The domain of an e-mail address, or a piece of a longer dotted name.
        if before.ends_with('@')
            || before.ends_with("[@]")
            || before.ends_with("(at)")
            || before.ends_with("[at]")
            || before.ends_with('.')
            || before.ends_with('/')
            || before.ends_with('-')
            || glued(text, m.start())
        {
            continue;
        }
        // "jan.kowalski@…", "john.doe[at]…": the local part of an e-mail address.
        let rest = lower_context_after(text, end, 4);
        if ["@", "[@]", "(at)", "[at]"]
            .iter()
            .any(|at| rest.starts_with(at))
        {
            continue;
        }
        let plain = if defanged {
            refang_dots(host)
        } else {
            host.to_string()
        };
        let labels = plain.split('.').count();
        // "m.in.", "e.g.": one-letter first labels are abbreviations.
        let first_ok = plain
            .split('.')
            .next()
            .is_some_and(|l| l.chars().count() >= 2);
        if !first_ok || !tlds::plausible_tld(tld, labels, defanged) {
            continue;
        }
        let bare = host.len() == value.len();
        out.push(Hit {
            kind: if bare {
                EntityKind::Domain
            } else {
                EntityKind::Url
            },
            start: m.start(),
            end,
            normalized: if bare {
                plain.to_lowercase()
            } else {
                normalize_url(value)
            },
        });
    }
    out
}

/// Length of `url` without trailing punctuation that belongs to the sentence.
fn trim_url_tail(url: &str) -> usize {
    let mut s = url;
    while let Some(last) = s.chars().last() {
        let unbalanced =
            |open: char, close: char| s.matches(close).count() > s.matches(open).count();
        let strip = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | '*' => true,
            ')' => unbalanced('(', ')'),
            ']' => unbalanced('[', ']'),
            _ => false,
        };
        if !strip {
            break;
        }
        s = &s[..s.len() - last.len_utf8()];
    }
    s.len()
}

fn normalize_url(url: &str) -> String {
    static SCHEME: LazyLock<Regex> = LazyLock::new(|| {
        pattern(
            r"(?i)^(?:(h(?:xx|xt|\[tt\]|tt)p(s?))|(f(?:x|t)p(s?))|(sftp))(?:://|\[://\]|\[:\]//|:\[//\])",
        )
    });
    let plain = refang_dots(url);
    let (scheme, rest) = match SCHEME.captures(&plain) {
        Some(c) => {
            let scheme = if c.get(1).is_some() {
                format!("http{}", c.get(2).map_or("", |m| m.as_str()).to_lowercase())
            } else if c.get(3).is_some() {
                format!("ftp{}", c.get(4).map_or("", |m| m.as_str()).to_lowercase())
            } else {
                "sftp".to_string()
            };
            let end = c.get(0).map_or(0, |m| m.end());
            (Some(scheme), &plain[end..])
        }
        None => (None, plain.as_str()),
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, path) = rest.split_at(host_end);
    let host = host.to_lowercase();
    match scheme {
        Some(scheme) => format!("{scheme}://{host}{path}"),
        None => format!("{host}{path}"),
    }
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)[\p{L}\p{N}_%+\-](?:[\p{L}\p{N}._%+\-]*[\p{L}\p{N}_%+\-])?<AT>(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?<DOT>)+\p{L}{2,24}",
    )
});

fn find_emails(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in find_in(&EMAIL, text, regions.at.iter().cloned()) {
        if char_after(text, m.end()).is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        out.push(Hit {
            kind: EntityKind::Email,
            start: m.start(),
            end: m.end(),
            normalized: refang_at(&refang_dots(m.as_str())).to_lowercase(),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Phone numbers

static PHONE_CANDIDATE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\+?\(?\d[\d \t\u{A0}().\-/]{5,30}\d"));

static DATE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:(\d{1,2})[./](\d{1,2})[./](?:\d{4}|\d{2})|(\d{1,2})-(\d{1,2})-\d{4}|\d{4}[-./](\d{1,2})[-./](\d{1,2}))\b",
    )
});

static IBAN_PREFIX: LazyLock<Regex> = LazyLock::new(|| pattern(r"[A-Z]{2}\d{2}[ \u{A0}]*$"));
fn find_phones(text: &str, regions: &Regions, ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let windows = numeric(regions, |w| w.run >= 7);
    // libphonenumber is the slowest step of all extraction, and chats and call lists repeat
    // the same numbers: its verdict on each number as written is kept for the whole text.
    let mut checked: HashMap<(&str, bool), Option<String>> = HashMap::new();
    for m in find_in(&PHONE_CANDIDATE, text, windows) {
        // Pieces are the whitespace-separated parts; a phone is a run of whole pieces.
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        let mut piece_start: Option<usize> = None;
        for (i, c) in m.as_str().char_indices() {
            let at = m.start() + i;
            match (c.is_whitespace(), piece_start) {
                (true, Some(s)) => {
                    pieces.push((s, at));
                    piece_start = None;
                }
                (false, None) => piece_start = Some(at),
                _ => {}
            }
        }
        if let Some(s) = piece_start {
            pieces.push((s, m.end()));
        }
        // A piece glued to a word or a longer number is not part of a phone number.
        if pieces
            .first()
            .is_some_and(|&(s, _)| !phone_left_boundary(text, s))
        {
            pieces.remove(0);
        }
        if pieces
            .last()
            .is_some_and(|&(_, e)| !phone_right_boundary(text, e))
        {
            pieces.pop();
        }
        // Account and card numbers are written in groups of four digits; no part of such a
        // run is a phone number.
        let fours = pieces
            .iter()
            .filter(|&&(s, e)| e - s == 4 && text[s..e].bytes().all(|b| b.is_ascii_digit()))
            .count();
        if fours >= 3 {
            continue;
        }
        let mut taken = vec![false; pieces.len()];
        // No phone number is written in more than six pieces ("+48 22 123 45 67" has five);
        // the cap bounds the parse attempts on long runs of numbers.
        for len in (1..=pieces.len().min(MAX_PHONE_PIECES)).rev() {
            for first in 0..=pieces.len() - len {
                let range = first..first + len;
                if taken[range.clone()].iter().any(|&t| t) {
                    continue;
                }
                let (start, end) = (pieces[first].0, pieces[first + len - 1].1);
                // Part of a date, an amount, an IBAN…: it could not win the overlap.
                if !(ctx.free)(start, end) {
                    continue;
                }
                if let Some(e164) = phone_number(text, start, end, ctx.region, &mut checked) {
                    taken[range].iter_mut().for_each(|t| *t = true);
                    out.push(Hit {
                        kind: EntityKind::Phone,
                        start,
                        end,
                        normalized: e164,
                    });
                }
            }
        }
    }
    out
}

const MAX_PHONE_PIECES: usize = 6;

/// Labels of numbers that have a phone number's length but are not one: Polish REGON and
/// PESEL have 9 and 11 digits, and many account, order and case numbers 9 to 12.
const IDENTIFIER_WORDS: &[&str] = &[
    "regon",
    "pesel",
    "nip",
    "krs",
    "vat",
    "ein",
    "ssn",
    "id",
    "dowód",
    "dowodu",
    "paszport",
    "paszportu",
    "passport",
    "konto",
    "konta",
    "rachunek",
    "rachunku",
    "account",
    "acct",
    "faktura",
    "faktury",
    "invoice",
    "zamówienie",
    "zamówienia",
    "order",
    "sygn",
    "sygnatura",
    "akt",
    "ref",
    "case",
    "sprawa",
    "sprawy",
    "imei",
    "serial",
    "seryjny",
    "vin",
    "kod",
    "zip",
];

/// Whether the word just before `at` (skipping "nr", "no", "#", ":") names an identifier.
fn labelled_as_identifier(text: &str, at: usize) -> bool {
    let before = lower_context_before(text, at, 32);
    before
        .split_whitespace()
        .rev()
        .take(3)
        .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()))
        .find(|w| !matches!(*w, "" | "nr" | "no" | "numer" | "number" | "num"))
        .is_some_and(|w| is_one_of(w, IDENTIFIER_WORDS))
}

/// Whether lowercase `word` is one of `words`, also when written without Polish letters, as
/// chats often are ("zamowienia" for "zamówienia").
fn is_one_of(word: &str, words: &[&str]) -> bool {
    words.contains(&word)
        || words
            .iter()
            .any(|w| !w.is_ascii() && w.chars().map(ascii_letter).eq(word.chars()))
}

/// The letter a Polish diacritic is dropped to.
fn ascii_letter(c: char) -> char {
    match c {
        'ą' => 'a',
        'ć' => 'c',
        'ę' => 'e',
        'ł' => 'l',
        'ń' => 'n',
        'ó' => 'o',
        'ś' => 's',
        'ź' | 'ż' => 'z',
        c => c,
    }
}

fn phone_left_boundary(text: &str, start: usize) -> bool {
    !char_before(text, start).is_some_and(|c| {
        c.is_alphanumeric()
            || matches!(
                c,
                '.' | '/' | '-' | '_' | '@' | '#' | '&' | '=' | '%' | '\\' | '+' | ','
            )
    })
}

fn phone_right_boundary(text: &str, end: usize) -> bool {
    let mut after = text[end..].chars();
    match after.next() {
        None => true,
        Some(c) if c.is_alphanumeric() || matches!(c, '/' | '_' | '@' | '%' | '\\') => false,
        // "12:30", "3,5", "1.2.3.4.5": the number goes on.
        Some('.' | ',' | ':' | '-') => !after.next().is_some_and(|c| c.is_ascii_digit()),
        Some(_) => true,
    }
}

/// E.164 form of the phone number at `text[start..end]`, if it is one. `checked` holds
/// [`valid_phone`]'s answers for numbers already seen.
fn phone_number<'t>(
    text: &'t str,
    start: usize,
    end: usize,
    region: Option<phonenumber::country::Id>,
    checked: &mut HashMap<(&'t str, bool), Option<String>>,
) -> Option<String> {
    let s = &text[start..end];
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let international = s.starts_with('+') || s.starts_with("00");
    if digits < 7 || digits > if international { 17 } else { 15 } {
        return None;
    }
    if !s.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if DATE_LIKE.captures_iter(s).any(|c| is_date(&c)) {
        return None;
    }
    // Dotted numbers with few groups are versions, IPs, decimals; French phones have five.
    if s.contains('.') && s.split('.').count() <= 4 {
        return None;
    }
    if preceded_by_version_word(text, start) || labelled_as_identifier(text, start) {
        return None;
    }
    // Account and card numbers are grouped in fours; an IBAN opens with "PL61 ".
    let groups: Vec<&str> = s.split_whitespace().collect();
    if groups.len() >= 3
        && groups
            .iter()
            .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    if IBAN_PREFIX.is_match(&text[context_start(text, start, 16)..start]) {
        return None;
    }
    // Case numbers: "123/2025".
    if let Some((_, year)) = s.rsplit_once('/') {
        let year = year.trim();
        if year.len() == 4 && (year.starts_with("19") || year.starts_with("20")) {
            return None;
        }
    }
    // Tables of numbers hold many digit runs that happen to be valid numbers ("74606 8271").
    // People group a phone number the way its country formats it, or mark it as a phone.
    let grouping_matters = !international && !labelled_as_phone(text, start);
    checked
        .entry((s, grouping_matters))
        .or_insert_with(|| valid_phone(s, region, grouping_matters))
        .clone()
}

/// E.164 form of `s` if libphonenumber takes it for a valid number; with `grouped`, only if
/// its digits are also grouped as the number's country writes them.
fn valid_phone(s: &str, region: Option<phonenumber::country::Id>, grouped: bool) -> Option<String> {
    let number = phonenumber::parse(region, s).ok()?;
    if !validity::is_valid(&number) {
        return None;
    }
    let e164 = validity::e164(&number);
    if grouped {
        // Formatting in the national style is slow, so it is done only when it decides.
        let national = number
            .format()
            .mode(phonenumber::Mode::National)
            .to_string();
        let country_digits = number.code().value().to_string().len();
        let nsn_digits = e164.len().saturating_sub(1 + country_digits);
        let national_breaks = digit_breaks(&national);
        let as_national = digit_breaks(s)
            .into_iter()
            .filter(|&b| b < nsn_digits)
            .all(|b| national_breaks.contains(&b));
        if !as_national {
            return None;
        }
    }
    Some(e164)
}

/// Where runs of digits break, as a count of digits from the end: "600 123 456" → [6, 3].
fn digit_breaks(s: &str) -> Vec<usize> {
    let total = s.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    let mut in_digits = false;
    let mut breaks = Vec::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !in_digits && seen > 0 {
                breaks.push(total - seen);
            }
            seen += 1;
            in_digits = true;
        } else {
            in_digits = false;
        }
    }
    breaks
}

/// Words that announce a phone number, in the languages case material comes in.
const PHONE_WORDS: &[&str] = &[
    "tel",
    "telefon",
    "telefonu",
    "telefonem",
    "telefonie",
    "phone",
    "mobile",
    "mob",
    "cell",
    "kom",
    "komórka",
    "komórkowy",
    "komórkowego",
    "fax",
    "faks",
    "handy",
    "tél",
    "téléphone",
    "portable",
    "teléfono",
    "móvil",
    "celular",
    "call",
    "sms",
    "whatsapp",
    "signal",
    "telegram",
    "viber",
    "numer",
    "number",
    "nr",
    "no",
    "zadzwonić",
    "dzwonił",
    "dzwoniła",
    "ruf",
    "rufnummer",
];

fn labelled_as_phone(text: &str, at: usize) -> bool {
    lower_context_before(text, at, 32)
        .split_whitespace()
        .rev()
        .take(3)
        .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()))
        .any(|w| is_one_of(w, PHONE_WORDS))
}

fn is_date(c: &regex::Captures<'_>) -> bool {
    let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let valid = |day: Option<u32>, month: Option<u32>| matches!((day, month), (Some(d), Some(m)) if (1..=31).contains(&d) && (1..=12).contains(&m));
    valid(num(1), num(2)) || valid(num(3), num(4)) || valid(num(6), num(5))
}

// ---------------------------------------------------------------------------------------------
// IP addresses

static IPV4: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b\d{1,3}<DOT>\d{1,3}<DOT>\d{1,3}<DOT>\d{1,3}\b"));

fn find_ipv4(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let windows = numeric(regions, |w| w.digits >= 4 && (w.dots >= 3 || w.brackets));
    for m in find_in(&IPV4, text, windows) {
        // Part of a longer dotted number: an OID, a version "1.2.3.4.5".
        let before = &text[..m.start()];
        let after = &text[m.end()..];
        let dotted_digit = |s: &str| {
            let mut chars = s.chars();
            matches!(chars.next(), Some('.')) && chars.next().is_some_and(|c| c.is_ascii_digit())
        };
        if before.ends_with('.')
            || before.ends_with(|c: char| c.is_alphanumeric())
            || after.starts_with(|c: char| c.is_alphanumeric())
            || dotted_digit(after)
        {
            continue;
        }
        // "1.2.3.4-beta", "10.0.0.1-rc2": a pre-release tag makes it a version.
        let mut tail = after.chars();
        if tail.next() == Some('-') && tail.next().is_some_and(char::is_alphabetic) {
            continue;
        }
        if preceded_by_version_word(text, m.start()) {
            continue;
        }
        let plain = refang_dots(m.as_str());
        // std rejects octets above 255 and leading zeros ("010.1.1.1" is ambiguous).
        let Ok(ip) = plain.parse::<Ipv4Addr>() else {
            continue;
        };
        push_cidr(text, m.end(), 32, &ip.to_string(), m.start(), &mut out);
        out.push(Hit {
            kind: EntityKind::Ipv4,
            start: m.start(),
            end: m.end(),
            normalized: ip.to_string(),
        });
    }
    out
}

/// A CIDR range when "/prefix" follows the address ending at `end`. The address itself is
/// pushed too: inside a URL ("http://10.0.0.1/24") the range loses to the URL, the address
/// does not, and elsewhere the range outranks the address.
fn push_cidr(text: &str, end: usize, max: u32, ip: &str, start: usize, out: &mut Vec<Hit>) {
    let rest = &text[end..];
    let Some(digits) = rest.strip_prefix('/') else {
        return;
    };
    let len = digits.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=3).contains(&len) || glued_after_number(&digits[len..]) {
        return;
    }
    let Ok(prefix) = digits[..len].parse::<u32>() else {
        return;
    };
    // "/08" is nobody's prefix length.
    if prefix > max || (len > 1 && digits.starts_with('0')) {
        return;
    }
    out.push(Hit {
        kind: EntityKind::Cidr,
        start,
        end: end + 1 + len,
        normalized: format!("{ip}/{prefix}"),
    });
}

/// Whether `rest`, the text after a number, continues it: a word, or "." / "," / "/" and a
/// digit.
fn glued_after_number(rest: &str) -> bool {
    let mut chars = rest.chars();
    match chars.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => true,
        Some('.' | ',' | '/' | ':') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

static IPV6: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?i)(?:[0-9a-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]{0,4})")
});

fn find_ipv6(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in find_in(&IPV6, text, numeric(regions, |w| w.colons >= 2)) {
        if char_before(text, m.start()).is_some_and(|c| c.is_alphanumeric() || c == ':') {
            continue;
        }
        let mut candidate = m.as_str();
        // "…fe80::1: next" — a colon closing the sentence.
        if candidate.ends_with(':') && !candidate.ends_with("::") {
            candidate = &candidate[..candidate.len() - 1];
        }
        let end = m.start() + candidate.len();
        if char_after(text, end).is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        if !candidate.chars().any(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        let Ok(ip) = candidate.parse::<Ipv6Addr>() else {
            continue;
        };
        push_cidr(text, end, 128, &ip.to_string(), m.start(), &mut out);
        out.push(Hit {
            kind: EntityKind::Ipv6,
            start: m.start(),
            end,
            normalized: ip.to_string(),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Bank accounts and cards

static IBAN_CANDIDATE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\b[A-Z]{2}\d{2}(?:[ \u{A0}]?[0-9A-Za-z]){10,30}\b"));

static NRB_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b\d{2}(?:[ \u{A0}]?\d){24}\b"));

fn find_ibans(text: &str, regions: &Regions, ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let windows = numeric(regions, |w| w.digits >= 8);
    for (start, end, iban) in scan_prefixes(&IBAN_CANDIDATE, text, windows, |s| valid_iban(s, "")) {
        out.push(Hit {
            kind: EntityKind::Iban,
            start,
            end,
            normalized: iban,
        });
    }
    if ctx.region == Some(phonenumber::country::Id::PL) {
        for m in find_in(&NRB_CANDIDATE, text, numeric(regions, |w| w.run >= 26)) {
            if let Some(iban) = valid_iban(m.as_str(), "PL") {
                out.push(Hit {
                    kind: EntityKind::Iban,
                    start: m.start(),
                    end: m.end(),
                    normalized: iban,
                });
            }
        }
    }
    out
}

/// Matches of `re` cut back to their longest prefix that passes `check`. A pattern with
/// optional spaces runs on into the next word ("PL61 … 2874 oraz"), so shorter readings ending
/// at a space are tried, and the search resumes right after what was taken — the rest of the
/// match may hold the next entity.
fn scan_prefixes(
    re: &Regex,
    text: &str,
    windows: impl Iterator<Item = std::ops::Range<usize>>,
    check: impl Fn(&str) -> Option<String>,
) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for window in windows {
        let base = window.start;
        let hay = &text[window];
        let mut pos = 0;
        while let Some(m) = re.find_at(hay, pos) {
            match longest_prefix(m.as_str(), &check) {
                Some((len, value)) => {
                    out.push((base + m.start(), base + m.start() + len, value));
                    pos = m.start() + len;
                }
                None => {
                    pos = m.start()
                        + m.as_str()
                            .find(char::is_whitespace)
                            .unwrap_or(m.as_str().len());
                }
            }
            if pos >= hay.len() {
                break;
            }
        }
    }
    out
}

/// The longest prefix of `s` that ends before a space (or at the end) and passes `check`.
fn longest_prefix(s: &str, check: impl Fn(&str) -> Option<String>) -> Option<(usize, String)> {
    let mut ends: Vec<usize> = s
        .char_indices()
        .filter(|&(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .collect();
    ends.push(s.len());
    ends.into_iter()
        .rev()
        .find_map(|end| check(&s[..end]).map(|v| (end, v)))
}

fn valid_iban(s: &str, country: &str) -> Option<String> {
    let compact: String = std::iter::once(country)
        .chain(s.split_whitespace())
        .collect();
    let iban: iban::Iban = compact.parse().ok()?;
    Some(iban.electronic_str().to_string())
}

static CARD_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b\d(?:[ \-]?\d){12,18}\b"));

static MASKED_CARD: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)(?:[0-9*x•]{4}[ \-]?){3}\d{4}\b"));

/// Bytes that start a mask character of [`MASKED_CARD`]: "*", "x", "X", and the first byte
/// of "•" (U+2022) in UTF-8.
const MASK_BYTES: &[u8] = b"*xX\xE2";

fn find_cards(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let windows = numeric(regions, |w| w.run >= 13);
    for (start, end, digits) in scan_prefixes(&CARD_CANDIDATE, text, windows, card_number) {
        if char_before(text, start).is_some_and(|c| matches!(c, '-' | '.' | '/' | '+')) {
            continue;
        }
        out.push(Hit {
            kind: EntityKind::PaymentCard,
            start,
            end,
            normalized: digits,
        });
    }
    // A masked number shows a mask character; most windows have none, and a byte scan is
    // cheaper than running the pattern over them.
    let masked = numeric(regions, |w| w.digits >= 4).filter(|w| {
        text.as_bytes()[w.clone()]
            .iter()
            .any(|b| MASK_BYTES.contains(b))
    });
    for m in find_in(&MASKED_CARD, text, masked) {
        if char_before(text, m.start()).is_some_and(|c| c.is_alphanumeric() || c == '*') {
            continue;
        }
        let compact: String = m
            .as_str()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| if c.is_ascii_digit() { c } else { '*' })
            .collect();
        let hidden = compact.chars().filter(|&c| c == '*').count();
        let shown = compact.len() - hidden;
        // Fully shown numbers are checked above; all-mask runs say nothing.
        if hidden < 4 || shown < 4 || !compact.starts_with(|c: char| c.is_ascii_digit() || c == '*')
        {
            continue;
        }
        out.push(Hit {
            kind: EntityKind::PaymentCard,
            start: m.start(),
            end: m.end(),
            normalized: compact,
        });
    }
    out
}

/// Digits of a card number that passes Luhn and starts like a card of a known scheme.
fn card_number(s: &str) -> Option<String> {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if !(13..=19).contains(&digits.len()) || !luhn(&digits) {
        return None;
    }
    if digits.bytes().all(|b| b == digits.as_bytes()[0]) {
        return None;
    }
    // Cards are printed in fours (Amex and Diners 4-6-5 / 4-6-4); other groupings are
    // account numbers or table columns that happen to pass Luhn.
    let groups: Vec<usize> = s
        .split([' ', '-'])
        .filter(|g| !g.is_empty())
        .map(str::len)
        .collect();
    let grouped = match groups.split_last() {
        None => false,
        Some((_, [])) => true,
        Some((last, init)) => {
            init.iter().all(|&g| g == 4) && (1..=4).contains(last)
                || groups == [4, 6, 5]
                || groups == [4, 6, 4]
        }
    };
    if !grouped {
        return None;
    }
    let prefix = |n: usize| digits[..n].parse::<u32>().unwrap_or(0);
    let len = digits.len();
    let schemes: [(bool, &[usize]); 8] = [
        (digits.starts_with('4'), &[13, 16, 19]), // Visa
        (
            (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)),
            &[16],
        ), // Mastercard
        (matches!(prefix(2), 34 | 37), &[15]),    // Amex
        (
            matches!(prefix(2), 36 | 38 | 39) || (300..=305).contains(&prefix(3)),
            &[14, 15, 16, 17, 18, 19],
        ), // Diners
        (
            digits.starts_with("6011")
                || digits.starts_with("65")
                || (644..=649).contains(&prefix(3)),
            &[16, 17, 18, 19],
        ), // Discover
        ((3528..=3589).contains(&prefix(4)), &[16, 17, 18, 19]), // JCB
        (digits.starts_with("62"), &[16, 17, 18, 19]), // UnionPay
        (
            digits.starts_with("50") || (56..=69).contains(&prefix(2)),
            &[13, 14, 15, 16, 17, 18, 19],
        ), // Maestro
    ];
    schemes
        .iter()
        .any(|(prefix_ok, lengths)| *prefix_ok && lengths.contains(&len))
        .then_some(digits)
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

// ---------------------------------------------------------------------------------------------
// Cryptocurrency addresses

static BTC_BASE58: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\b[13][1-9A-HJ-NP-Za-km-z]{25,34}\b"));
static BTC_BECH32: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\bbc1[02-9ac-hj-np-z]{6,87}\b"));
static ETH: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b0x[0-9a-fA-F]{40}\b"));

/// Every address has a digit ("1…", "3…", "bc1…", "0x…", "4…", "8…"), so only the numeric
/// windows with a word long enough are searched.
fn find_crypto(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let mut push = |kind, m: scan::Span<'_>, normalized: String| {
        out.push(Hit {
            kind,
            start: m.start(),
            end: m.end(),
            normalized,
        });
    };
    let long = |n: usize| numeric(regions, move |w| w.longest >= n);
    for m in find_in(&BTC_BASE58, text, long(26)) {
        // Version 0x00 is pay-to-pubkey-hash ("1…"), 0x05 pay-to-script-hash ("3…").
        let ok = bs58::decode(m.as_str())
            .with_check(None)
            .into_vec()
            .is_ok_and(|payload| payload.len() == 21 && matches!(payload[0], 0x00 | 0x05));
        if ok {
            push(EntityKind::Bitcoin, m, m.as_str().to_string());
        }
    }
    for m in find_in(&BTC_BECH32, text, long(14)) {
        let ok = bech32::segwit::decode(m.as_str()).is_ok_and(|(hrp, _, _)| hrp == bech32::hrp::BC);
        if ok {
            push(EntityKind::Bitcoin, m, m.as_str().to_lowercase());
        }
    }
    for m in find_in(&ETH, text, long(42)) {
        if eip55_ok(&m.as_str()[2..]) {
            push(EntityKind::Ethereum, m, m.as_str().to_lowercase());
        }
    }
    for m in find_in(&MONERO, text, long(95)) {
        if monero_ok(m.as_str()) {
            push(EntityKind::Monero, m, m.as_str().to_string());
        }
    }
    out
}

static MONERO: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\b[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?\b"));

/// A mainnet Monero address: standard (network byte 18), subaddress (42) or integrated (19,
/// with an 8-byte payment id), whose last four bytes are the start of the Keccak-256 of the
/// rest.
fn monero_ok(address: &str) -> bool {
    use sha3::{Digest, Keccak256};
    let Some(data) = monero_base58_decode(address) else {
        return false;
    };
    let expected_len = match data.first() {
        Some(18 | 42) => 69,
        Some(19) => 77,
        _ => return false,
    };
    if data.len() != expected_len {
        return false;
    }
    let (body, checksum) = data.split_at(data.len() - 4);
    Keccak256::digest(body)[..4] == *checksum
}

/// Monero's Base58: blocks of 8 bytes encoded as 11 characters each, the last block shorter,
/// so unlike Bitcoin's the length of the text fixes the length of the data.
fn monero_base58_decode(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    // Characters in a block of 0..=8 bytes.
    const ENCODED: [usize; 9] = [0, 2, 3, 5, 6, 7, 9, 10, 11];
    let mut out = Vec::with_capacity(s.len() * 8 / 11 + 8);
    for block in s.as_bytes().chunks(11) {
        let bytes = ENCODED.iter().position(|&n| n == block.len())?;
        let mut value: u128 = 0;
        for &c in block {
            let digit = ALPHABET.iter().position(|&a| a == c)?;
            value = value * 58 + digit as u128;
        }
        if bytes < 16 && value >> (8 * bytes) != 0 {
            return None;
        }
        out.extend_from_slice(&value.to_be_bytes()[16 - bytes..]);
    }
    Some(out)
}

static HEX_RUN: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b(?:0x)?[0-9a-fA-F]{32,128}\b"));

/// Ethereum transaction hashes (`0x` and 64 hex digits) and bare hex digests.
fn find_hashes(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in find_in(&HEX_RUN, text, numeric(regions, |w| w.longest >= 32)) {
        let s = m.as_str();
        if char_before(text, m.start()).is_some_and(|c| c.is_alphanumeric())
            || char_after(text, m.end()).is_some_and(|c| c.is_alphanumeric())
        {
            continue;
        }
        let (kind, hex) = match s.strip_prefix("0x") {
            // 40 digits after "0x" are an Ethereum address, checked in `find_crypto`.
            Some(hex) if hex.len() == 64 => (EntityKind::EthTx, hex),
            Some(_) => continue,
            None if matches!(s.len(), 32 | 40 | 64 | 128) => (EntityKind::Hash, s),
            None => continue,
        };
        let has_letter = hex.bytes().any(|b| b.is_ascii_alphabetic());
        let has_digit = hex.bytes().any(|b| b.is_ascii_digit());
        let lower = hex.bytes().any(|b| b.is_ascii_lowercase());
        let upper = hex.bytes().any(|b| b.is_ascii_uppercase());
        if kind == EntityKind::Hash && !(has_letter && has_digit) || lower && upper {
            continue;
        }
        out.push(Hit {
            kind,
            start: m.start(),
            end: m.end(),
            normalized: s.to_ascii_lowercase(),
        });
    }
    out
}

/// EIP-55: a mixed-case address encodes a checksum in its capitals; single-case addresses
/// carry none and are accepted as they are.
fn eip55_ok(hex: &str) -> bool {
    use sha3::{Digest, Keccak256};
    let has_lower = hex.chars().any(|c| c.is_ascii_lowercase());
    let has_upper = hex.chars().any(|c| c.is_ascii_uppercase());
    if !(has_lower && has_upper) {
        return true;
    }
    let lower = hex.to_ascii_lowercase();
    let hash = Keccak256::digest(lower.as_bytes());
    hex.chars().enumerate().all(|(i, c)| {
        let byte = hash[i / 2];
        let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0x0f };
        if c.is_ascii_alphabetic() {
            c.is_ascii_uppercase() == (nibble >= 8)
        } else {
            true
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(EntityKind, String)> {
        extract(text, 1, "PL")
            .into_iter()
            .map(|e| (e.kind, e.normalized))
            .collect()
    }

    fn of_kind(text: &str, kind: EntityKind) -> Vec<String> {
        extract(text, 1, "PL")
            .into_iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.normalized)
            .collect()
    }

    #[test]
    fn emails_plain_and_defanged() {
        let t = "Pisz na Jan.Kowalski@Policja.gov.pl, albo evil[@]bad-domain[.]ru (at) lub x(at)y(.)com.";
        assert_eq!(
            of_kind(t, EntityKind::Email),
            [
                "jan.kowalski@policja.gov.pl",
                "evil@bad-domain.ru",
                "x@y.com"
            ]
        );
        assert!(of_kind(t, EntityKind::Url).is_empty(), "{:?}", kinds(t));
        assert!(of_kind(t, EntityKind::Domain).is_empty(), "{:?}", kinds(t));
        assert!(of_kind("no at sign: user.example.com@", EntityKind::Email).is_empty());
    }

    #[test]
    fn urls_plain_defanged_and_bare() {
        let t = "See https://Example.COM/a/b?x=1. Also hxxps://evil[.]example[.]net/payload.exe, \
                 (www.policja.pl) and bad-site[.]xyz or sklep.pl; not plik.pdf, m.in. or main.rs.";
        assert_eq!(
            of_kind(t, EntityKind::Url),
            [
                "https://example.com/a/b?x=1",
                "https://evil.example.net/payload.exe",
                "www.policja.pl",
            ]
        );
        assert_eq!(of_kind(t, EntityKind::Domain), ["bad-site.xyz", "sklep.pl"]);
        let e = extract(t, 1, "PL");
        assert_eq!(e[0].value, "https://Example.COM/a/b?x=1");
    }

    #[test]
    fn non_ascii_neighbours_and_idn_domains() {
        assert_eq!(
            of_kind(
                "Strona łódź.pl oraz żexample.com i ąhttp://x.pl",
                EntityKind::Domain
            ),
            ["łódź.pl", "żexample.com"]
        );
        assert!(of_kind("kod ą1.2.3.4 i 1.2.3.4ż", EntityKind::Ipv4).is_empty());
    }

    #[test]
    fn url_keeps_wikipedia_parentheses_and_contains_ips() {
        let t = "Link: https://en.wikipedia.org/wiki/Foo_(bar)) and http://10.0.0.1:8080/x.";
        let got = kinds(t);
        assert_eq!(
            got,
            [
                (
                    EntityKind::Url,
                    "https://en.wikipedia.org/wiki/Foo_(bar)".to_string()
                ),
                (EntityKind::Url, "http://10.0.0.1:8080/x".to_string()),
                (EntityKind::Ipv4, "10.0.0.1".to_string()),
            ]
        );
    }

    #[test]
    fn phones_valid_forms() {
        let t = "Tel. 600 123 456, +48 22 123 45 67, (22) 628-12-34, 0048 601-234-567, \
                 +49 30 1234567, tel:+44 20 7946 0958.";
        assert_eq!(
            of_kind(t, EntityKind::Phone),
            [
                "+48600123456",
                "+48221234567",
                "+48226281234",
                "+48601234567",
                "+49301234567",
                "+442079460958"
            ]
        );
    }

    #[test]
    fn phones_reject_look_alikes() {
        for t in [
            "Data 27.11.2025 r.",
            "dnia 2025-11-27 o 14:30:15",
            "wersja 10.0.19041.1",
            "version 1.2.3.4",
            "kwota 1 500 000 zł",
            "PESEL 85010112345",
            "sygn. akt 600123/2025",
            "PL61 1090 1014 0000 0712 1981 2875",
            "konto 1090 1014 0000 0712 1981",
            "timestamp 1700000000",
            "3.14159265",
            "12.34.56.78",
            "REGON 146754432",
            "PESEL: 85010112345",
            "NIP 526-000-12-46",
            "nr konta: 601 234 567",
            "2025-11-27T14:30:00Z",
            "epoch ms 1700000000123",
            "7460 68271",
            // Labels written without Polish letters, as in chats.
            "numer zamowienia 600123456",
            "dowod nr 600123456",
        ] {
            assert!(
                of_kind(t, EntityKind::Phone).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
        // Unusual grouping is still a phone when it is international or labelled as one.
        assert_eq!(
            of_kind("+48 221 234 567, tel. 7460 68271", EntityKind::Phone),
            ["+48221234567", "+48746068271"]
        );
        // A date next to a phone does not hide the phone.
        assert_eq!(
            of_kind("27.11.2025 600 123 456", EntityKind::Phone),
            ["+48600123456"]
        );
        assert_eq!(
            of_kind("komorka 7460 68271", EntityKind::Phone),
            ["+48746068271"]
        );
    }

    #[test]
    fn phone_region_is_configurable() {
        let e: Vec<String> = extract("Call 030 1234567 now", 1, "DE")
            .into_iter()
            .map(|e| e.normalized)
            .collect();
        assert_eq!(e, ["+49301234567"]);
        assert!(extract("Call 600 123 456", 1, "ZZ").is_empty());
        assert!(is_known_region("pl") && !is_known_region("XX"));
    }

    #[test]
    fn ipv4_valid_invalid_and_versions() {
        assert_eq!(
            of_kind(
                "from 192.168.1.10 and 8.8.8[.]8 to 10.0.0.1.",
                EntityKind::Ipv4
            ),
            ["192.168.1.10", "8.8.8.8", "10.0.0.1"]
        );
        for t in [
            "999.1.1.1",
            "256.0.0.1",
            "version 1.2.3.4",
            "Version: 4.3.2.1",
            "v1.2.3.4",
            "1.2.3.4.5",
            "oid 1.3.6.1.4.1",
            "27.11.2025",
            "010.1.1.1",
        ] {
            assert!(
                of_kind(t, EntityKind::Ipv4).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
    }

    #[test]
    fn ipv6_valid_and_look_alikes() {
        assert_eq!(
            of_kind(
                "src 2001:0DB8:0000:0000:0000:ff00:0042:8329, dst fe80::1.",
                EntityKind::Ipv6
            ),
            ["2001:db8::ff00:42:8329", "fe80::1"]
        );
        for t in [
            "at 14:30:15",
            "MAC 00:1A:2B:3C:4D:5E",
            "ratio 2:1:1",
            "note::",
        ] {
            assert!(
                of_kind(t, EntityKind::Ipv6).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
    }

    #[test]
    fn iban_with_and_without_spaces() {
        let t = "Konto PL61 1090 1014 0000 0712 1981 2874 oraz DE89370400440532013000 i \
                 GB82 WEST 1234 5698 7654 32.";
        assert_eq!(
            of_kind(t, EntityKind::Iban),
            [
                "PL61109010140000071219812874",
                "DE89370400440532013000",
                "GB82WEST12345698765432"
            ]
        );
        let e = extract(t, 1, "PL");
        assert_eq!(e[0].value, "PL61 1090 1014 0000 0712 1981 2874");
        assert!(of_kind(t, EntityKind::Phone).is_empty());
    }

    #[test]
    fn iban_bad_checksum_and_polish_nrb() {
        assert!(of_kind("PL62 1090 1014 0000 0712 1981 2874", EntityKind::Iban).is_empty());
        assert_eq!(
            of_kind(
                "nr rachunku 61 1090 1014 0000 0712 1981 2874.",
                EntityKind::Iban
            ),
            ["PL61109010140000071219812874"]
        );
        assert!(extract("61 1090 1014 0000 0712 1981 2874", 1, "DE").is_empty());
    }

    #[test]
    fn payment_cards() {
        assert_eq!(
            of_kind(
                "Karta 4111 1111 1111 1111 i 5500-0000-0000-0004.",
                EntityKind::PaymentCard
            ),
            ["4111111111111111", "5500000000000004"]
        );
        assert!(of_kind("4111 1111 1111 1112", EntityKind::PaymentCard).is_empty());
        assert_eq!(
            of_kind("Amex 3782 822463 10005", EntityKind::PaymentCard),
            ["378282246310005"]
        );
        // Passes Luhn with a Visa prefix, but 15 digits in fives is not a card.
        assert!(of_kind("49965 89978 28390", EntityKind::PaymentCard).is_empty());
        assert!(of_kind("0000 0000 0000 0000", EntityKind::PaymentCard).is_empty());
        assert_eq!(
            of_kind(
                "karta 4111 11** **** 1111 oraz XXXX XXXX XXXX 4242",
                EntityKind::PaymentCard
            ),
            ["411111******1111", "************4242"]
        );
    }

    #[test]
    fn crypto_addresses() {
        let t = "BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa, bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq, \
                 ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed.";
        assert_eq!(
            kinds(t),
            [
                (
                    EntityKind::Bitcoin,
                    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa".to_string()
                ),
                (
                    EntityKind::Bitcoin,
                    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq".to_string()
                ),
                (
                    EntityKind::Ethereum,
                    "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed".to_string()
                ),
            ]
        );
        // One character changed in each.
        let bad = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr \
                   0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";
        assert!(kinds(bad).is_empty(), "{:?}", kinds(bad));
    }

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
    fn bare_domains_plain_and_defanged() {
        let t = "Serwer evil-site[.]com, phish(.)example(.)org, Sklep.PL i mail.google.com; \
                 zob. gov.uk oraz bad{.}co.";
        assert_eq!(
            of_kind(t, EntityKind::Domain),
            [
                "evil-site.com",
                "phish.example.org",
                "sklep.pl",
                "mail.google.com",
                "gov.uk",
                "bad.co"
            ]
        );
        // A bare name with a path is a URL; no domain is reported inside a URL or an e-mail.
        let t =
            "zob. example.com/login, https://policja.pl/x, jan@firma.pl, jan.nowak[at]firma[.]de";
        assert_eq!(of_kind(t, EntityKind::Domain), Vec::<String>::new());
        assert_eq!(
            of_kind(t, EntityKind::Url),
            ["example.com/login", "https://policja.pl/x"]
        );
    }

    #[test]
    fn domains_reject_files_abbreviations_numbers_and_versions() {
        for t in [
            "plik report.pdf i photo.jpg",
            "archive.zip, setup.exe, main.rs, script.py, notes.md, lib.so",
            "e.g. this, i.e. that, m.in. to, ul. Długa, tzw. sprawa",
            "kwota 3.14 i 2.50",
            "wersja 1.2.3, v2.0.1-beta, node v18.17.1",
            "He went home.It was late.Then he left.",
            "config.yaml data.json index.html style.css",
        ] {
            assert!(
                of_kind(t, EntityKind::Domain).is_empty() && of_kind(t, EntityKind::Url).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
        // A file-extension TLD counts when the name is defanged or has more labels.
        assert_eq!(
            of_kind("c2 evil[.]rs, shop.example.ai", EntityKind::Domain),
            ["evil.rs", "shop.example.ai"]
        );
    }

    #[test]
    fn cidr_ranges() {
        let t = "Blokada 10.0.0.0/8, 192.168.1.10/24 i 2001:db8::/32; host 10.1.2.3.";
        assert_eq!(
            kinds(t),
            [
                (EntityKind::Cidr, "10.0.0.0/8".to_string()),
                (EntityKind::Cidr, "192.168.1.10/24".to_string()),
                (EntityKind::Cidr, "2001:db8::/32".to_string()),
                (EntityKind::Ipv4, "10.1.2.3".to_string()),
            ]
        );
        // Prefix too long, a fraction after, a path in a URL.
        assert_eq!(
            of_kind("10.0.0.0/33", EntityKind::Cidr),
            Vec::<String>::new()
        );
        assert_eq!(of_kind("10.0.0.0/33", EntityKind::Ipv4), ["10.0.0.0"]);
        assert!(of_kind("1.2.3.4/5/6", EntityKind::Cidr).is_empty());
        assert_eq!(
            kinds("http://10.0.0.1/24"),
            [
                (EntityKind::Url, "http://10.0.0.1/24".to_string()),
                (EntityKind::Ipv4, "10.0.0.1".to_string())
            ]
        );
    }

    #[test]
    fn versions_and_dates_are_not_ips() {
        for t in [
            "version 1.2.3.4-beta",
            "1.2.3.4-rc1",
            "build 10.0.19041.1",
            "v1.2.3.4/8",
            "12.03.2026",
            "2026.03.12.1",
        ] {
            assert!(
                of_kind(t, EntityKind::Ipv4).is_empty() && of_kind(t, EntityKind::Cidr).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
        // An address range is not a pre-release tag.
        assert_eq!(
            of_kind("10.0.0.1-10.0.0.9", EntityKind::Ipv4),
            ["10.0.0.1", "10.0.0.9"]
        );
    }

    const XMR: &str = "4BJHitCigGy6giuYsJFP26KGkTKiQDJ6HJP1pan2ir2CCV8Twc2WWmo4fu1NVXt8XLGYAkjo5cJ3yH68Lfz9ZXEUJ9MeqPW";
    const XMR_SUB: &str = "86iQTnEqQ9mXJFvBvbY3KU5do5Jh2NCkpTcZsw3TMZ6oKNJhELvAreZFQ1p8EknRRTKPp2vg9fJvy47Q4ARVChjLMuUAFQJ";
    const XMR_INTEGRATED: &str = "4BUqMSeJfNQGudzEJNvzQ2LXh4tbUdW4YCM7mq55edxBT7t1297vwCMZSnJwGvEKEKbH8hGmhZZAGhdHbp2te6AA38ZMi4knaCKLprMPni";

    #[test]
    fn monero_addresses() {
        let t = format!("XMR: {XMR}, sub {XMR_SUB}; integrated {XMR_INTEGRATED}.");
        assert_eq!(
            of_kind(&t, EntityKind::Monero),
            [XMR, XMR_SUB, XMR_INTEGRATED]
        );
        // One character changed.
        let bad = XMR.replace("qPW", "qPX");
        assert!(kinds(&bad).is_empty(), "{:?}", kinds(&bad));
        assert!(kinds(&XMR[..94]).is_empty());
    }

    #[test]
    fn transaction_and_file_hashes() {
        let tx = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060";
        let sha256 = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
        let t = format!(
            "tx {tx}; plik sha256 {sha256}, md5 d41d8cd98f00b204e9800998ecf8427e, \
             sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709."
        );
        assert_eq!(
            kinds(&t),
            [
                (EntityKind::EthTx, tx.to_string()),
                (EntityKind::Hash, sha256.to_lowercase()),
                (
                    EntityKind::Hash,
                    "d41d8cd98f00b204e9800998ecf8427e".to_string()
                ),
                (
                    EntityKind::Hash,
                    "da39a3ee5e6b4b0d3255bfef95601890afd80709".to_string()
                ),
            ]
        );
        for t in [
            // An Ethereum address, valid or not, is never a hash.
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
            // Digits only, mixed case, odd lengths, glued to a word.
            "12345678901234567890123456789012",
            "d41d8cd98f00b204E9800998ecf8427e",
            "d41d8cd98f00b204e9800998ecf8427",
            "d41d8cd98f00b204e9800998ecf8427eab",
            "md5=xd41d8cd98f00b204e9800998ecf8427e",
        ] {
            assert!(
                of_kind(t, EntityKind::Hash).is_empty() && of_kind(t, EntityKind::EthTx).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
    }

    #[test]
    fn dates_in_five_languages() {
        let t = "12.03.2026, 12.03.2026 r., 2026-03-12, 12/03/2026, 14 March 2026, \
                 March 14, 2026, 14 marca 2026 r., 14 pazdziernika 2025, 3 września 2025, \
                 14. März 2026, 14 mars 2026, 14 de marzo de 2026, 1er août 2025, 2 Dec 2025";
        assert_eq!(
            of_kind(t, EntityKind::Date),
            [
                "2026-03-12",
                "2026-03-12",
                "2026-03-12",
                "2026-03-12",
                "2026-03-14",
                "2026-03-14",
                "2026-03-14",
                "2025-10-14",
                "2025-09-03",
                "2026-03-14",
                "2026-03-14",
                "2026-03-14",
                "2025-08-01",
                "2025-12-02",
            ]
        );
        let polish_months = "stycznia lutego marca kwietnia maja czerwca lipca sierpnia \
                             września października listopada grudnia";
        for (i, month) in polish_months.split_whitespace().enumerate() {
            assert_eq!(
                of_kind(&format!("dnia 1 {month} 2026 r."), EntityKind::Date),
                [format!("2026-{:02}-01", i + 1)],
                "{month}"
            );
        }
    }

    #[test]
    fn dates_with_times() {
        let t = "12.03.2026 r. o godz. 21:03; 2026-03-12T21:03:44Z; 14 March 2026 at 9:40 pm; \
                 am 14. März 2026 um 21:03 Uhr; 12.03.2026 godz. 21.03; 14/03/2026, 08:15";
        assert_eq!(
            of_kind(t, EntityKind::Date),
            [
                "2026-03-12T21:03",
                "2026-03-12T21:03:44Z",
                "2026-03-14T21:40",
                "2026-03-14T21:03",
                "2026-03-12T21:03",
                "2026-03-14T08:15",
            ]
        );
        assert!(of_kind(t, EntityKind::Time).is_empty(), "{:?}", kinds(t));
        let e = extract("Dnia 12.03.2026 r. o godz. 21:03 zatrzymano", 1, "PL");
        assert_eq!(e[0].value, "12.03.2026 r. o godz. 21:03");
        // A dotted number after a date is an amount, not a time.
        assert_eq!(
            kinds("12.03.2026 12.50 zł"),
            [
                (EntityKind::Date, "2026-03-12".to_string()),
                (EntityKind::Amount, "12.50 PLN".to_string())
            ]
        );
        // An approximate time is still the event's; a log's milliseconds are dropped.
        assert_eq!(
            of_kind(
                "11.03.2024 r. około godz. 10:15, 12.03.2024 ok. godz. 9:05; \
                 2026-03-12 14:03:22.118 GET, 2026-03-12 14:03:23,5 POST",
                EntityKind::Date
            ),
            [
                "2024-03-11T10:15",
                "2024-03-12T09:05",
                "2026-03-12T14:03:22",
                "2026-03-12T14:03:23"
            ]
        );
        assert_eq!(
            of_kind("at 14:03:22.118 GET", EntityKind::Time),
            ["14:03:22"]
        );
    }

    #[test]
    fn date_order_follows_the_region() {
        let date = |region: &str| -> Vec<String> {
            extract("on 12/03/2026", 1, region)
                .into_iter()
                .map(|e| e.normalized)
                .collect()
        };
        assert_eq!(date("PL"), ["2026-03-12"]);
        assert_eq!(date("GB"), ["2026-03-12"]);
        assert_eq!(date("US"), ["2026-12-03"]);
        assert_eq!(date("ZZ"), ["12/03/2026"]);
    }

    #[test]
    fn invalid_dates_and_look_alikes() {
        for t in [
            "31.02.2026",
            "29.02.2025",
            "32.01.2026",
            "12.13.2026 ",
            "31 kwietnia 2026",
            "2026-02-30",
            "13/13/2026",
            "wersja 1.12.2026",
            "10.0.19041.1",
            "192.168.10.20",
            "1.12.03.2026",
            "12.03.20261",
            "tel. 600-12-2026",
            "timestamp 1700000000",
            "serial 2026-03-12-0042",
            "IMG_2026-03-12.jpg",
            "12-03/2026",
        ] {
            assert!(
                of_kind(t, EntityKind::Date).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
    }

    #[test]
    fn times_alone() {
        assert_eq!(
            of_kind(
                "o godz. 21.03, at 9:40 pm, um 7:05 Uhr, [23:59:01] user",
                EntityKind::Time
            ),
            ["21:03", "21:40", "07:05", "23:59:01"]
        );
        for t in [
            "John 3:16",
            "ratio 2:1",
            "24:00",
            "12:60",
            "kwota 12.50 zł",
            "ok. 3.45 km",
            "MAC 00:1A:2B:3C:4D:5E",
            "10:20:30:40",
        ] {
            assert!(
                of_kind(t, EntityKind::Time).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
    }

    #[test]
    fn amounts_of_money() {
        let t = "Ukradł $1 million, 15 000 zł, €2,500, 2.500,00 EUR, 1,5 mln zł, 100 USD, \
                 PLN 100, £30, 50 tys. zł, BTC 0.5, 0.5 BTC, 15\u{A0}000,50 zł, 1\u{202F}200 €, \
                 12,99 złotych, 2 Mio. Euro.";
        assert_eq!(
            of_kind(t, EntityKind::Amount),
            [
                "1000000 USD",
                "15000 PLN",
                "2500 EUR",
                "2500.00 EUR",
                "1500000 PLN",
                "100 USD",
                "100 PLN",
                "30 GBP",
                "50000 PLN",
                "0.5 BTC",
                "0.5 BTC",
                "15000.50 PLN",
                "1200 EUR",
                "12.99 PLN",
                "2000000 EUR",
            ]
        );
        assert!(of_kind(t, EntityKind::Phone).is_empty(), "{:?}", kinds(t));
        for t in [
            "3,5 km",
            "100 zło",
            "PLN100x",
            "BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "rok 2025",
            "usd 100",
        ] {
            assert!(
                of_kind(t, EntityKind::Amount).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
    }

    #[test]
    fn plates_need_a_label() {
        let t = "Pojazd o nr rej. WA 12345 oraz samochód na tablicach rejestracyjnych KR 5TX12 i \
                 WE-1234K. The car with registration number AB12 CDE. Kennzeichen: B-AB 1234. \
                 immatriculation AB-123-CD; matrícula 1234 BCD.";
        assert_eq!(
            of_kind(t, EntityKind::Plate),
            [
                "WA12345", "KR5TX12", "WE1234K", "AB12CDE", "BAB1234", "AB123CD", "1234BCD"
            ]
        );
        for t in [
            "Model WA 12345 bez etykiety",
            "registration took place in 2025",
            "plate number 12345",
            "nr rej. nieznany, VIN WVWZZZ1JZXW000001",
        ] {
            assert!(
                of_kind(t, EntityKind::Plate).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
        // Eight characters at most: the model after the plate is not part of it.
        assert_eq!(
            of_kind("nr rej. WA 12345 VIN ABC", EntityKind::Plate),
            ["WA12345"]
        );
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
    fn card_masking() {
        assert_eq!(mask_card("4111111111111111"), "411111******1111");
        assert_eq!(mask_card("378282246310005"), "378282*****0005");
        assert_eq!(mask_card("************4242"), "************4242");
        assert_eq!(mask_card("1234567890"), "******7890");
        assert_eq!(mask_card("123"), "123");
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
