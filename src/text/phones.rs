//! Phone numbers: runs of digits that libphonenumber's metadata takes for a valid number
//! ([`validity`]), read with the default region when written without a country code.
//!
//! Most digit runs in case material are not phones, so look-alikes are rejected before the
//! metadata is asked: dates, versions, case numbers ("600123/2025"), numbers labelled as an
//! identifier ("PESEL", "nr konta"), account and card numbers grouped in fours, and, unless
//! the number is international or labelled as a phone, digits not grouped the way the
//! number's country writes them (tables of figures hold many valid-looking runs).

mod validity;

use super::entity::{Check, EntityKind, Hit};
use super::region::{DocRegion, candidate_regions};
use super::scan::{
    Context, Regions, char_before, context_start, find_in, lower_context_before, numeric, pattern,
    preceded_by_version_word,
};
use phonenumber::country::Id;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

static PHONE_CANDIDATE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\+?\(?\d[\d \t\u{A0}().\-/]{5,30}\d"));

static DATE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:(\d{1,2})[./](\d{1,2})[./](?:\d{4}|\d{2})|(\d{1,2})-(\d{1,2})-\d{4}|\d{4}[-./](\d{1,2})[-./](\d{1,2}))\b",
    )
});

static ZIP_PLUS_4: LazyLock<Regex> = LazyLock::new(|| pattern(r"^[1-9]\d{4}-\d{4}$"));

static IBAN_PREFIX: LazyLock<Regex> = LazyLock::new(|| pattern(r"[A-Z]{2}\d{2}[ \u{A0}]*$"));

/// Phone numbers in `text`, normalized to E.164 (`+48600123456`).
pub(super) fn find_phones(text: &str, regions: &Regions, ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let windows = numeric(regions, |w| w.run >= 7);
    // libphonenumber is the slowest step of all extraction, and chats and call lists repeat
    // the same numbers: its verdict on each number as written is kept for the whole text.
    let mut checked: HashMap<(&str, bool), Option<(String, Check)>> = HashMap::new();
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
                if let Some((normalized, check)) =
                    phone_number(text, start, end, ctx.doc, &mut checked)
                {
                    let (end, normalized, check) =
                        with_extension(text, start, end, normalized, check, ctx);
                    taken[range].iter_mut().for_each(|t| *t = true);
                    for (t, _) in taken.iter_mut().zip(&pieces).filter(|(_, p)| p.0 < end) {
                        *t = true;
                    }
                    out.push(Hit {
                        kind: EntityKind::Phone,
                        start,
                        end,
                        normalized,
                        check,
                    });
                }
            }
        }
    }
    let extensions: Vec<Hit> = out
        .iter()
        .filter_map(|h| other_extension(text, h))
        .filter(|h| (ctx.free)(h.start, h.end))
        .collect();
    out.extend(extensions);
    out
}

/// " - 272210" right after a number: its extension, written apart ("(030) 4664 - 272210").
static DASH_EXTENSION: LazyLock<Regex> = LazyLock::new(|| pattern(r"^[ \t]*[-–][ \t]*\d{1,6}\b"));

/// A number followed by a dash and an extension is read with it, the number as written being
/// grouped already; if the whole is not a valid number, the number alone is kept but not
/// verified: `(030) 4664` of `(030) 4664 - 272210` is not the number anyone dials.
fn with_extension(
    text: &str,
    start: usize,
    end: usize,
    normalized: String,
    check: Check,
    ctx: &Context<'_>,
) -> (usize, String, Check) {
    let Some(m) = DASH_EXTENSION.find(&text[end..]) else {
        return (end, normalized, check);
    };
    let full_end = end + m.end();
    let full = &text[start..full_end];
    let international = full.starts_with('+') || full.starts_with("00");
    if phone_right_boundary(text, full_end)
        && (ctx.free)(start, full_end)
        && let Some((n, c)) = read_phone(full, international, false, ctx.doc)
    {
        return (full_end, n, c);
    }
    let unverified = Some(format!(
        "followed by {:?}, perhaps an extension: the number may be longer than read",
        m.as_str().trim()
    ));
    (
        end,
        normalized,
        Check {
            unverified,
            ..check
        },
    )
}

/// "or - 271010" after a number: the same number with another extension, as German offices
/// write a second line ("(030) 4664 - 272210 bzw. - 271010"). The dash says only the last
/// group changes; the result must still be a valid number, and is never verified, since the
/// rest of it is read from the number before.
static OR_EXTENSION: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^[ \t]*(?:bzw\.|oder|or|lub|albo|ou|o)[ \t]*[-–][ \t]*(\d{2,6})\b"));

fn other_extension(text: &str, phone: &Hit) -> Option<Hit> {
    let c = OR_EXTENSION.captures(&text[phone.end..])?;
    let ext = c.get(1)?;
    if text[phone.end + ext.end()..].starts_with(['-', '.', '/']) {
        return None;
    }
    let written = &text[phone.start..phone.end];
    let last_group = written.rsplit(|c: char| !c.is_ascii_digit()).next()?;
    if last_group.len() != ext.len() {
        return None;
    }
    let base = phone.normalized.strip_suffix(last_group)?;
    let (normalized, _) = valid_phone(&format!("{base}{}", ext.as_str()), None, false)?;
    Some(Hit {
        kind: EntityKind::Phone,
        start: phone.end + ext.start(),
        end: phone.end + ext.end(),
        normalized,
        check: Check {
            unverified: Some(format!(
                "written as another extension of {written:?}: the rest of the number is taken \
                 from it"
            )),
            ..phone.check.clone()
        },
    })
}

/// E.164 form of `value` if the whole of it is a valid phone number, read with `region`:
/// for [`super::patterns::normalize_as`], which checks a value someone claims is a phone, so
/// the number need not be grouped or labelled as in running text.
pub(super) fn normalize_phone(value: &str, region: Option<Id>) -> Option<String> {
    if DATE_LIKE.captures_iter(value).any(|c| is_date(&c)) {
        return None;
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || " \t\u{A0}+()-./".contains(c);
    if digits < 7 || !value.chars().all(allowed) {
        return None;
    }
    valid_phone(value, region, false).map(|(e164, _)| e164)
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

/// The phone number at `text[start..end]`, if it is one: its E.164 form (or, when its country
/// is unknown, the number as written) and how sure that is. `checked` holds [`read_phone`]'s
/// answers for numbers already seen.
fn phone_number<'t>(
    text: &'t str,
    start: usize,
    end: usize,
    doc: &DocRegion,
    checked: &mut HashMap<(&'t str, bool), Option<(String, Check)>>,
) -> Option<(String, Check)> {
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
    // A US ZIP+4 code ("Dallas, Texas 75207-4399"): national numbers that start with a digit
    // other than a trunk 0 are not written 5-4 anywhere.
    if ZIP_PLUS_4.is_match(s) && !labelled_as_phone(text, start) {
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
        .or_insert_with(|| read_phone(s, international, grouping_matters, doc))
        .clone()
}

/// North American numbering as written in the US and Canada: `(714) 647-7046`,
/// `214-653-3600`, `214/653-3600`, `1-800-339-4661`. No other country writes ten digits
/// as 3-3-4 with an area code that cannot start with 0 or 1, so the shape settles the
/// country code wherever the number occurs.
static NANP_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"^(?:1[ \-.])?(?:\([2-9]\d{2}\)[ \u{A0}]?|[2-9]\d{2}[\-./ ])\d{3}[\-. ]\d{4}$")
});

/// How `s` reads as a phone number in a document read with `doc`'s region: international
/// numbers by their own country code, NANP-shaped ones as +1, national ones with the region
/// (verified only when the region is trusted), and with no region as written, with the
/// readings of the regions the document may come from.
fn read_phone(
    s: &str,
    international: bool,
    grouped: bool,
    doc: &DocRegion,
) -> Option<(String, Check)> {
    if international {
        // "0048…" needs a region that dials "00" abroad to be read; most do.
        let e164 = valid_phone(s, doc.region.or(Some(Id::PL)), false)?.0;
        let check = Check {
            region_source: Some("prefix"),
            ..Check::default()
        };
        return Some((e164, check));
    }
    if NANP_SHAPE.is_match(s)
        && let Some((e164, country)) = valid_phone(s, Some(Id::US), false)
    {
        let check = Check {
            region: country.map(|c| AsRef::<str>::as_ref(&c).to_string()),
            region_source: Some("number format"),
            ..Check::default()
        };
        return Some((e164, check));
    }
    if let (Some(region), Some(source)) = (doc.region, doc.source) {
        if !with_trunk_prefix(s, region) {
            return None;
        }
        let e164 = valid_phone(s, Some(region), grouped)?.0;
        let code = AsRef::<str>::as_ref(&region).to_string();
        let unverified = (!doc.trusted()).then(|| {
            format!(
                "national number read as {}; set --region to confirm",
                doc.describe()
            )
        });
        let check = Check {
            unverified,
            region: Some(code),
            region_source: Some(source.as_str()),
            ..Check::default()
        };
        return Some((e164, check));
    }
    // No region: a number valid nowhere the document may come from is not a phone; one valid
    // somewhere is kept as its national digits, with what it would be in each place.
    let mut readings: Vec<String> = Vec::new();
    for region in candidate_regions(doc.language) {
        if !with_trunk_prefix(s, region) {
            continue;
        }
        if let Some((e164, _)) = valid_phone(s, Some(region), grouped)
            && !readings.contains(&e164)
        {
            readings.push(e164);
        }
    }
    if readings.is_empty() {
        return None;
    }
    let check = Check {
        unverified: Some(
            "national number without a country code, and the document's region is unknown: \
             set --region"
                .into(),
        ),
        readings,
        ..Check::default()
    };
    // Its digits, so that "601 234 567" and "601-234-567" are one item.
    Some((s.chars().filter(char::is_ascii_digit).collect(), check))
}

/// Whether `s` opens with the trunk prefix national numbers of `region` are dialled with
/// ("0" in GB, DE, FR, NZ…). Without it, a run of digits read as such a region's number is
/// some other number with its leading digits taken for an area code.
fn with_trunk_prefix(s: &str, region: Id) -> bool {
    let Some(meta) = phonenumber::metadata::DATABASE.by_id(AsRef::<str>::as_ref(&region)) else {
        return true;
    };
    match meta.national_prefix() {
        // NANP's "1" is optional when dialling.
        Some(prefix) if meta.country_code() != 1 => {
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            digits.starts_with(prefix)
        }
        _ => true,
    }
}

/// E.164 form of `s` if libphonenumber takes it for a valid number, with the number's
/// country; with `grouped`, only if its digits are also grouped as that country writes them.
fn valid_phone(s: &str, region: Option<Id>, grouped: bool) -> Option<(String, Option<Id>)> {
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
    Some((e164, number.country().id()))
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
    "telefonnummer",
    "hotline",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::patterns::{extract, is_known_region};
    use crate::text::testing::{kinds, of_kind};

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
        // No region: kept as written, not verified, with its readings.
        let e = extract("Call 600 123 456", 1, "none");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].normalized, "600123456");
        assert!(!e[0].check.is_verified());
        // Valid in Poland and in Spain: both readings.
        assert_eq!(e[0].check.readings, ["+48600123456", "+34600123456"]);
        assert!(is_known_region("pl") && !is_known_region("XX"));
    }

    #[test]
    fn nanp_numbers_are_read_by_their_shape_whatever_the_region() {
        for region in ["PL", "GB", "none", "US"] {
            for written in [
                "(714) 647-7046",
                "714-647-7046",
                "714/647-7046",
                "1-714-647-7046",
            ] {
                let e = extract(&format!("Call {written} now"), 1, region);
                assert_eq!(e.len(), 1, "{written} with {region}: {e:?}");
                assert_eq!(e[0].normalized, "+17146477046", "{written} with {region}");
                assert!(e[0].check.is_verified());
                assert_eq!(e[0].check.region_source, Some("number format"));
            }
        }
        // A ZIP+4 code is not a phone number in the US or anywhere.
        for region in ["US", "PL", "none"] {
            assert!(
                of_kind_in("Dallas, Texas 75207-4399  214/653-3600", region) == ["+12146533600"],
                "{region}"
            );
        }
    }

    #[test]
    fn a_second_extension_shares_the_number_before_it() {
        let t = "Hinweise nimmt die Polizei in 13597 Berlin-Spandau unter der Telefonnummer\n\
                 (030) 4664 - 272210 bzw. - 271010 oder jede andere Polizeidienststelle entgegen.";
        let got: Vec<(String, bool)> = extract(t, 1, "auto")
            .into_iter()
            .filter(|e| e.kind == EntityKind::Phone)
            .map(|e| (e.normalized, e.check.is_verified()))
            .collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "+49304664272210");
        assert_eq!(got[1], ("+49304664271010".to_string(), false));
        // Without the dash it is not an extension.
        let t = t.replace("bzw. - 271010", "bzw. 271010");
        let phones = extract(&t, 1, "auto")
            .into_iter()
            .filter(|e| e.kind == EntityKind::Phone)
            .count();
        assert_eq!(phones, 1);
    }

    /// Look-alike: a Berlin number with its extension written apart is not `(030) 4664`.
    #[test]
    fn a_dash_extension_is_read_with_the_number_or_not_verified() {
        let phones = |t: &str, region: &str| -> Vec<(String, bool)> {
            extract(t, 1, region)
                .into_iter()
                .filter(|e| e.kind == EntityKind::Phone)
                .map(|e| (e.normalized, e.check.is_verified()))
                .collect()
        };
        let t = "Hinweise unter (030) 4664 - 272210 oder per E-Mail.";
        assert_eq!(phones(t, "DE"), [("+49304664272210".to_string(), true)]);
        // When number and extension are no valid number together, the number is kept but
        // not verified: it may be longer than read.
        let got = phones("Tel. 600 123 456 - 12 w godzinach pracy.", "PL");
        assert_eq!(got, [("+48600123456".to_string(), false)]);
        // A number on its own stays verified.
        let got = phones("Tel. 600 123 456 w godzinach pracy.", "PL");
        assert_eq!(got, [("+48600123456".to_string(), true)]);
    }

    #[test]
    fn national_numbers_need_the_trunk_prefix_of_their_region() {
        // "7146477046" read as a British number would drop nothing and still be wrong.
        assert!(of_kind_in("Tel. 6477046", "GB").is_empty());
        assert_eq!(of_kind_in("Tel. 0300 123 2040", "GB"), ["+443001232040"]);
    }

    fn of_kind_in(text: &str, region: &str) -> Vec<String> {
        extract(text, 1, region)
            .into_iter()
            .filter(|e| e.kind == EntityKind::Phone)
            .map(|e| e.normalized)
            .collect()
    }
}
