//! Dates and times of day as case material writes them, in English, Polish, German, French and
//! Spanish: numeric (`12.03.2026`, `12.03.2026 r.`, `2026-03-12`, `12/03/2026`) or with the
//! month named (`14 March 2026`, `March 14, 2026`, `14 marca 2026 r.`, `14. März 2026`,
//! `14 mars 2026`, `14 de marzo de 2026`), each optionally followed by a time (`21:03`,
//! `o godz. 21.03`, `9:40 pm`, `um 21:03 Uhr`, `T21:03:44Z`).
//!
//! A date is reported only when it exists (no 31 February) in 1900–2099, a time only with hours
//! 0–23 and minutes 0–59. A time standing alone is reported when it cannot be a ratio or a
//! verse number: two-digit hours ("21:03"), or a label ("godz. 9.40", "godz. 8", "o 8:50") or
//! "am"/"pm"/"Uhr" after. A range of times whose label or "Uhr" covers both ends ("w godz.
//! 8–20", "von 8 bis 20 Uhr") is two times.

use super::entity::{Check, EntityKind, Hit};
use super::region::DocRegion;
use super::scan::{
    Context, Regions, Window, char_after, char_before, find_in, pattern, preceded_by_version_word,
};
use std::sync::LazyLock;

/// How `12/03/2026` is read where both numbers could be the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateOrder {
    DayFirst,
    MonthFirst,
    /// Unknown region: an ambiguous date is reported as written.
    Unknown,
}

impl DateOrder {
    /// Month first in the United States, its territories and the Pacific states that follow
    /// its usage, and the Philippines; Canada writes both, so its ambiguous dates stay as
    /// written; day first everywhere else.
    pub(super) fn for_region(region: Option<&str>) -> DateOrder {
        match region {
            None | Some("CA") => DateOrder::Unknown,
            Some("US" | "PR" | "GU" | "VI" | "AS" | "MP" | "UM" | "FM" | "MH" | "PW" | "PH") => {
                DateOrder::MonthFirst
            }
            Some(_) => DateOrder::DayFirst,
        }
    }
}

/// English month names, January first: what a translation or summary into English writes.
pub const ENGLISH_MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Month names and abbreviations; Polish in the genitive a date uses ("14 marca"), with and
/// without diacritics.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("stycznia", 1),
    ("januar", 1),
    ("jänner", 1),
    ("janvier", 1),
    ("janv", 1),
    ("enero", 1),
    ("february", 2),
    ("feb", 2),
    ("lutego", 2),
    ("februar", 2),
    ("feber", 2),
    ("février", 2),
    ("fevrier", 2),
    ("févr", 2),
    ("fevr", 2),
    ("febrero", 2),
    ("march", 3),
    ("mar", 3),
    ("marca", 3),
    ("märz", 3),
    ("maerz", 3),
    ("marz", 3),
    ("mär", 3),
    ("mrz", 3),
    ("mars", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("kwietnia", 4),
    ("avril", 4),
    ("avr", 4),
    ("abril", 4),
    ("may", 5),
    ("maja", 5),
    ("mai", 5),
    ("mayo", 5),
    ("june", 6),
    ("jun", 6),
    ("czerwca", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("july", 7),
    ("jul", 7),
    ("lipca", 7),
    ("juli", 7),
    ("juillet", 7),
    ("juil", 7),
    ("julio", 7),
    ("august", 8),
    ("aug", 8),
    ("sierpnia", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("września", 9),
    ("wrzesnia", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("october", 10),
    ("oct", 10),
    ("października", 10),
    ("pazdziernika", 10),
    ("oktober", 10),
    ("okt", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("november", 11),
    ("nov", 11),
    ("listopada", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("grudnia", 12),
    ("dezember", 12),
    ("dez", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("déc", 12),
    ("diciembre", 12),
];

fn month_number(name: &str) -> Option<u32> {
    let name = name.trim_end_matches('.').to_lowercase();
    MONTHS.iter().find(|(n, _)| *n == name).map(|&(_, m)| m)
}

fn month_alternation() -> String {
    let mut names: Vec<&str> = MONTHS.iter().map(|(n, _)| *n).collect();
    // Longest first, so "marca" is not cut to "mar".
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names
        .iter()
        .map(|n| regex::escape(n))
        .collect::<Vec<_>>()
        .join("|")
}

static NUMERIC_DATE: LazyLock<regex::Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:(\d{4})([-./])(\d{1,2})([-./])(\d{1,2})|(\d{1,2})([-./])(\d{1,2})([-./])(\d{4}))",
    )
});

static NAMED_DATE: LazyLock<regex::Regex> = LazyLock::new(|| {
    let months = month_alternation();
    pattern(&format!(
        r"(?i)\b(?:(\d{{1,2}})(?:st|nd|rd|th|er|\.)?(?:\s+|-)(?:de\s+)?({months})\.?,?(?:\s+|-)(?:de\s+|del\s+)?(\d{{4}})|({months})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*|\s+)(\d{{4}}))"
    ))
});

/// What may follow a date: the Polish "r." / "roku", then a time, ISO-style after "T" or after
/// a space, a comma or a word for "at" ("około godz.": an approximate time is still the
/// event's). Fractions of a second, as logs write them, are read and dropped.
static AFTER_DATE: LazyLock<regex::Regex> = LazyLock::new(|| {
    pattern(
        r"^(?i)(?P<year>\s*(?:r\.|roku\b))?(?:T(?P<ih>\d{2}):(?P<im>\d{2})(?::(?P<is>\d{2})(?:[.,]\d+)?)?(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?|(?:,?\s*(?P<kw>(?:o\s+|około\s+|ok\.\s*)?godz(?:\.|in\p{L}*)?|o|at|um|gegen|à|a\s+las?|alle|ore)\s*|,\s*|\s+)(?:(?P<h>\d{1,2})(?P<sep>[:.hH])(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,]\d{1,9})?)?(?P<ampm>\s*[ap]\.?m\b\.?)?(?P<uhr>\s*(?:Uhr\b|h\b))?|(?P<uh>\d{1,2})\s+Uhr\b(?:\s+(?P<um>\d{2})\b)?))?",
    )
});

/// A time on its own; whether it is one is decided by [`find_times`]. The last alternative
/// is a whole hour after the Polish "godz." ("w godz. 8–20"), where the word says it is a
/// time.
static TIME: LazyLock<regex::Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)(?P<kw>(?:\b(?:o\s+)?godz(?:\.|in\p{L}*)?|\bat|\bum|\bo|à|\ba\s+las?)\s*)?\b(?P<h>\d{1,2})(?:(?P<sep>[:.hH])(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,]\d{1,9})?)?(?P<ampm>\s*[ap]\.?m\b\.?)?(?P<uhr>\s*Uhr\b)?|\s+(?P<whole>Uhr)\b(?:\s+(?P<wm>\d{2})\b)?)|\b(?:o\s+)?godz(?:\.|in\p{L}*)?\s*(?P<gh>\d{1,2})\b",
    )
});

/// Dates (with a following time when there is one), an ambiguous one read as the document's
/// region or language writes dates.
pub(super) fn find_dates(text: &str, regions: &Regions, ctx: &Context<'_>) -> Vec<Hit> {
    dates_in(text, &regions.numeric, &OrderRule::of(ctx.doc))
}

/// Languages whose every country writes the day before the month (English is not one: the
/// United States writes the month first).
const DAY_FIRST_LANGUAGES: &[&str] = &[
    "pl", "de", "fr", "es", "it", "pt", "nl", "cs", "sk", "uk", "ru", "be", "lt", "lv", "et", "ro",
    "bg", "sr", "hr", "sl", "sv", "da", "fi", "el", "tr",
];

/// How a document's ambiguous numeric dates are read, and whether that reading is verified.
pub(super) struct OrderRule {
    order: DateOrder,
    /// Why the order is what it is, when it may be wrong: the reason the reading is not
    /// verified.
    doubt: Option<String>,
    region: Option<String>,
    source: Option<&'static str>,
}

impl OrderRule {
    pub(super) fn of(doc: &DocRegion) -> OrderRule {
        let by_language = doc.language.filter(|l| DAY_FIRST_LANGUAGES.contains(l));
        match (doc.code(), doc.source) {
            // The user's region decides, or one the language admits no other country for.
            (Some(code), Some(source)) if doc.trusted() => OrderRule {
                order: DateOrder::for_region(Some(code)),
                doubt: None,
                region: Some(code.to_string()),
                source: Some(source.as_str()),
            },
            // Every country that writes this language writes the day first.
            _ if by_language.is_some() => OrderRule {
                order: DateOrder::DayFirst,
                doubt: None,
                region: doc.code().map(str::to_string),
                source: Some(super::region::RegionSource::DocumentLanguage.as_str()),
            },
            // A region guessed from the content: its order, but not verified.
            (Some(code), Some(source)) => OrderRule {
                order: DateOrder::for_region(Some(code)),
                doubt: Some(format!(
                    "ambiguous date: day/month order assumed from the region {}; set \
                     --region to confirm",
                    doc.describe()
                )),
                region: Some(code.to_string()),
                source: Some(source.as_str()),
            },
            _ => OrderRule {
                order: DateOrder::Unknown,
                doubt: None,
                region: None,
                source: None,
            },
        }
    }

    /// `order`, as if the user had set a region that writes dates so.
    #[cfg(test)]
    fn trusted(order: DateOrder) -> OrderRule {
        OrderRule {
            order,
            doubt: None,
            region: None,
            source: Some("setting"),
        }
    }

    /// An ambiguous date with day-first reading `dm` and month-first `md`: the value to
    /// report and its check.
    fn read(&self, dm: String, md: String) -> (Option<String>, Check) {
        let readings = vec![dm.clone(), md.clone()];
        let value = match self.order {
            DateOrder::DayFirst => Some(dm),
            DateOrder::MonthFirst => Some(md),
            DateOrder::Unknown => None,
        };
        let unverified = match (&value, &self.doubt) {
            (None, _) => Some(
                "ambiguous date: day/month order unknown (no region, and the language does \
                 not settle it); set --region"
                    .to_string(),
            ),
            (Some(_), doubt) => doubt.clone(),
        };
        let check = Check {
            // A reading the user's region or the language settles is no longer ambiguous.
            readings: if unverified.is_some() {
                readings
            } else {
                Vec::new()
            },
            unverified,
            region: self.region.clone(),
            region_source: self.source,
        };
        (value, check)
    }
}

/// Dates (with a following time when there is one) in the `windows` of `text`.
fn dates_in(text: &str, windows: &[Window], rule: &OrderRule) -> Vec<Hit> {
    let mut out = Vec::new();
    // A numeric date has at least six digits ("1.2.2026"), a named one five ("1 May 2026").
    let numeric = windows.iter().filter(|w| w.digits >= 6).map(Window::range);
    for m in find_in(&NUMERIC_DATE, text, numeric) {
        if glued_before(text, m.start()) || preceded_by_version_word(text, m.start()) {
            continue;
        }
        // The pattern fixes the shape, three numbers and two separators, so they are read
        // off the match rather than from captures, which cost more than the search.
        let written = m.as_str();
        let mut parts = written.split(['-', '.', '/']);
        let mut seps = written.chars().filter(|c| matches!(c, '-' | '.' | '/'));
        let (Some(a), Some(b), Some(c), Some(sep), Some(sep2)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            seps.next(),
            seps.next(),
        ) else {
            continue;
        };
        let number = |p: &str| p.parse::<u32>().ok();
        let (Some(x), Some(y), Some(z)) = (number(a), number(b), number(c)) else {
            continue;
        };
        if sep != sep2 {
            continue;
        }
        let mut check = Check::default();
        let iso = if a.len() == 4 {
            if !valid_date(x, y, z) {
                continue;
            }
            Some(format!("{x:04}-{y:02}-{z:02}"))
        } else {
            let day_first = valid_date(z, y, x).then(|| format!("{z:04}-{y:02}-{x:02}"));
            let month_first = valid_date(z, x, y).then(|| format!("{z:04}-{x:02}-{y:02}"));
            // Dots are a day-first convention everywhere; slashes and dashes depend on who
            // wrote the date.
            match (day_first, month_first) {
                (None, None) => continue,
                (Some(dm), None) => Some(dm),
                (None, Some(md)) if sep != '.' => Some(md),
                (None, Some(_)) => continue,
                (Some(dm), Some(md)) if dm == md || sep == '.' => Some(dm),
                (Some(dm), Some(md)) => {
                    let (value, c) = rule.read(dm, md);
                    check = c;
                    value
                }
            }
        };
        // `None` here is a real but ambiguous date: reported as written.
        if let Some(hit) = finish(text, m.start(), m.end(), iso) {
            out.push(Hit { check, ..hit });
        }
    }
    let named = windows.iter().filter(|w| w.digits >= 5).map(Window::range);
    for m in find_in(&NAMED_DATE, text, named) {
        let Some((day, month, year)) = named_parts(m.as_str()) else {
            continue;
        };
        if !valid_date(year, month, day) || glued_before(text, m.start()) {
            continue;
        }
        if let Some(hit) = finish(
            text,
            m.start(),
            m.end(),
            Some(format!("{year:04}-{month:02}-{day:02}")),
        ) {
            out.push(hit);
        }
    }
    // A date of birth with a two-digit year ("DOB: 08-20-96"): the label says what it is, and
    // a birth date is in the past, so the century is 19 for years above 30. That is a
    // reading, not what the text says: reported, not verified.
    let dob = windows.iter().filter(|w| w.digits >= 6).map(Window::range);
    for m in find_in(&DOB_SHORT, text, dob) {
        let Some(c) = DOB_SHORT.captures(m.as_str()) else {
            continue;
        };
        let (Some(date), Some(s1), Some(s2)) = (c.name("date"), c.name("s1"), c.name("s2")) else {
            continue;
        };
        let parts: Vec<u32> = ["a", "b", "y"]
            .iter()
            .filter_map(|n| c.name(n).and_then(|p| p.as_str().parse().ok()))
            .collect();
        let [a, b, yy] = parts[..] else {
            continue;
        };
        if s1.as_str() != s2.as_str() || glued_after(text, m.start() + date.end()) {
            continue;
        }
        let year = if yy > 30 { 1900 + yy } else { 2000 + yy };
        let sep = s1.as_str();
        let day_first = valid_date(year, b, a).then(|| format!("{year:04}-{b:02}-{a:02}"));
        let month_first = valid_date(year, a, b).then(|| format!("{year:04}-{a:02}-{b:02}"));
        let century = format!("two-digit year {yy:02} read as {year} (a date of birth)");
        // As for four-digit years: dots are day-first, a number above 12 settles the order.
        let (value, check) = match (day_first, month_first) {
            (None, None) => continue,
            (Some(v), None) => (Some(v), Check::default()),
            (None, Some(_)) if sep == "." => continue,
            (None, Some(v)) => (Some(v), Check::default()),
            (Some(dm), Some(md)) if dm == md || sep == "." => (Some(dm), Check::default()),
            (Some(dm), Some(md)) => rule.read(dm, md),
        };
        let Some(value) = value else {
            // Order unknown: as written, with the readings and why.
            let unverified = check.unverified.map(|w| format!("{w}; {century}"));
            out.push(Hit {
                kind: EntityKind::Date,
                start: m.start() + date.start(),
                end: m.start() + date.end(),
                normalized: date.as_str().to_string(),
                check: Check {
                    unverified,
                    ..check
                },
            });
            continue;
        };
        let unverified = Some(match check.unverified {
            Some(w) => format!("{w}; {century}"),
            None => century,
        });
        out.push(Hit {
            kind: EntityKind::Date,
            start: m.start() + date.start(),
            end: m.start() + date.end(),
            normalized: value,
            check: Check {
                unverified,
                ..check
            },
        });
    }
    // Ranges of days in one month: "23-25 June 2020", "12–13 listopada 2025", "between 24 and
    // 26 July 2018" are two dates; the first day is reported on its own number, the second
    // (which the pattern above skips when a dash glues it to the first) with the month.
    let ranges = windows.iter().filter(|w| w.digits >= 7).map(Window::range);
    for m in find_in(&DAY_RANGE, text, ranges) {
        let Some(c) = DAY_RANGE.captures(m.as_str()) else {
            continue;
        };
        let (Some(first), Some(second), Some(month), Some(year)) =
            (c.name("d1"), c.name("d2"), c.name("month"), c.name("year"))
        else {
            continue;
        };
        let num = |s: &str| s.parse::<u32>().ok();
        let (Some(d1), Some(d2), Some(mo), Some(y)) = (
            num(first.as_str()),
            num(second.as_str()),
            month_number(month.as_str()),
            num(year.as_str()),
        ) else {
            continue;
        };
        if d1 >= d2 || !valid_date(y, mo, d1) || !valid_date(y, mo, d2) {
            continue;
        }
        if glued_before(text, m.start()) {
            continue;
        }
        let base = m.start();
        out.push(Hit {
            kind: EntityKind::Date,
            start: base + first.start(),
            end: base + first.end(),
            normalized: format!("{y:04}-{mo:02}-{d1:02}"),
            check: Check::default(),
        });
        if let Some(hit) = finish(
            text,
            base + second.start(),
            base + year.end(),
            Some(format!("{y:04}-{mo:02}-{d2:02}")),
        ) {
            out.push(hit);
        }
    }
    out
}

static DOB_SHORT: LazyLock<regex::Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\b(?:DOB|D\.O\.B\.|born(?:\s+on)?|date\s+of\s+birth|geb\.|geboren(?:\s+am)?|ur\.|urodzon[ya]|née?\s+le)\s*:?\s*(?P<date>(?P<a>\d{1,2})(?P<s1>[-./])(?P<b>\d{1,2})(?P<s2>[-./])(?P<y>\d{2}))\b",
    )
});

static DAY_RANGE: LazyLock<regex::Regex> = LazyLock::new(|| {
    let months = month_alternation();
    pattern(&format!(
        r"(?i)\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th|\.)?\s*(?:[-–—]|\s(?:and|to|i|do|bis|und|au|et|y|al)\s)\s*(?P<d2>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?(?P<month>{months})\.?,?\s+(?:de\s+)?(?P<year>\d{{4}})\b"
    ))
});

/// Day, month and year of a match of [`NAMED_DATE`], read from its runs of digits and letters:
/// the year has four digits, the day one or two, and the month is the first word that names
/// one ("de" and "1er"'s "er" do not).
fn named_parts(written: &str) -> Option<(u32, u32, u32)> {
    let (mut day, mut month, mut year) = (None, None, None);
    let mut rest = written;
    while let Some(first) = rest.chars().next() {
        let class = |c: char| {
            if c.is_ascii_digit() {
                1
            } else if c.is_alphabetic() {
                2
            } else {
                0
            }
        };
        let kind = class(first);
        let len = rest.find(|c: char| class(c) != kind).unwrap_or(rest.len());
        let run = &rest[..len];
        match kind {
            1 if run.len() == 4 => year = run.parse().ok(),
            1 if day.is_none() => day = run.parse().ok(),
            2 if month.is_none() => month = month_number(run),
            _ => {}
        }
        rest = &rest[len..];
    }
    Some((day?, month?, year?))
}

/// Whether the match at `start` continues something before it: a word, or a longer dotted
/// or dashed number ("1.12.03.2026", "v2.1.12.2026").
fn glued_before(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => true,
        Some('.' | '-' | '/' | ':' | ',') => before.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Whether a match ending at `end` runs on into a word or a longer number.
fn glued_after(text: &str, end: usize) -> bool {
    let mut after = text[end..].chars();
    match after.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => true,
        Some('.' | '-' | '/' | ':' | ',') => after.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// The date at `start..end` extended by "r." and a time when they follow; `iso` is the date's
/// ISO form, or `None` to report the whole as written.
fn finish(text: &str, start: usize, end: usize, iso: Option<String>) -> Option<Hit> {
    let mut stop = end;
    let mut normalized = iso;
    // Most dates are followed by neither "r." nor a time; only a digit or the first letter of
    // a word that leads to one is worth the captures.
    let next = text[end..]
        .trim_start_matches([' ', ',', '\t', '\u{A0}'])
        .chars()
        .next();
    let may_go_on = next.is_some_and(|c| {
        c.is_ascii_digit()
            || matches!(
                c.to_ascii_lowercase(),
                'r' | 'o' | 'g' | 'a' | 'u' | 't' | 'à'
            )
    });
    if !may_go_on {
        return (!glued_after(text, stop)).then(|| Hit {
            kind: EntityKind::Date,
            start,
            end: stop,
            normalized: normalized.unwrap_or_else(|| text[start..stop].to_string()),
            check: Default::default(),
        });
    }
    if let Some(c) = AFTER_DATE.captures(&text[end..]) {
        if let Some(year) = c.name("year") {
            stop = end + year.end();
        }
        let time = time_of(&c, "ih", "im", "is")
            .map(|t| (t, c.name("tz").map_or("", |z| z.as_str())))
            .or_else(|| {
                let dotted = c.name("sep").is_some_and(|s| s.as_str() == ".");
                // "12.03.2026 12.50 zł": a dotted time needs a word such as "godz." before it.
                if dotted && c.name("kw").is_none() {
                    return None;
                }
                let hour = time_of(&c, "h", "m", "s")?;
                Some((with_meridiem(&hour, &c)?, ""))
            })
            .or_else(|| Some((hour_uhr(&c, "uh", "um")?, "")));
        if let Some((time, zone)) = time
            && let Some(whole) = c.get(0)
            && !glued_after(text, end + whole.end())
        {
            stop = end + whole.end();
            normalized = normalized.map(|d| format!("{d}T{time}{}", zone.to_uppercase()));
        }
    }
    if glued_after(text, stop) {
        return None;
    }
    Some(Hit {
        kind: EntityKind::Date,
        start,
        end: stop,
        normalized: normalized.unwrap_or_else(|| text[start..stop].to_string()),
        check: Default::default(),
    })
}

/// Where the time of day of the date entity `text[start..]` begins ("26. Mai 2011, gegen 8 Uhr
/// 50" → the "8"), read as [`finish`] read it: the date, then [`AFTER_DATE`]. `text` ends
/// where the entity does.
pub(super) fn time_in_date(text: &str, start: usize) -> Option<usize> {
    let date = [&NUMERIC_DATE, &NAMED_DATE]
        .into_iter()
        .filter_map(|re| re.find_at(text, start))
        .find(|m| m.start() == start)?;
    let c = AFTER_DATE.captures(&text[date.end()..])?;
    let hour = c
        .name("ih")
        .or_else(|| c.name("h"))
        .or_else(|| c.name("uh"))?;
    Some(date.end() + hour.start())
}

/// "HH:MM" or "HH:MM:SS" from the named groups, if they hold a time of day.
fn time_of(c: &regex::Captures<'_>, h: &str, m: &str, s: &str) -> Option<String> {
    let hour: u32 = c.name(h)?.as_str().parse().ok()?;
    let minute: u32 = c.name(m)?.as_str().parse().ok()?;
    if hour > 23 || minute > 59 {
        return None;
    }
    match c.name(s) {
        Some(sec) => {
            let second: u32 = sec.as_str().parse().ok()?;
            (second <= 59).then(|| format!("{hour:02}:{minute:02}:{second:02}"))
        }
        None => Some(format!("{hour:02}:{minute:02}")),
    }
}

/// "HH:MM" from the German "8 Uhr" or "8 Uhr 50" (hour in group `h`, minutes in `m`).
fn hour_uhr(c: &regex::Captures<'_>, h: &str, m: &str) -> Option<String> {
    let hour: u32 = c.name(h)?.as_str().parse().ok()?;
    let minute: u32 = c.name(m).map_or(Some(0), |m| m.as_str().parse().ok())?;
    (hour <= 23 && minute <= 59).then(|| format!("{hour:02}:{minute:02}"))
}

/// `hhmm` on the 24-hour clock, given the "am"/"pm" the capture may carry.
fn with_meridiem(hhmm: &str, c: &regex::Captures<'_>) -> Option<String> {
    let Some(ampm) = c.name("ampm") else {
        return Some(hhmm.to_string());
    };
    let hour: u32 = hhmm.get(..2)?.parse().ok()?;
    if !(1..=12).contains(&hour) {
        return None;
    }
    let pm = ampm.as_str().trim().to_ascii_lowercase().starts_with('p');
    let hour = match (pm, hour) {
        (false, 12) => 0,
        (false, h) => h,
        (true, 12) => 12,
        (true, h) => h + 12,
    };
    Some(format!("{hour:02}{}", &hhmm[2..]))
}

/// Times of day standing alone, normalized "HH:MM" or "HH:MM:SS" on the 24-hour clock.
/// Spans that are not [`Context::free`] are skipped first: most candidates are parts of dates
/// and IPs, and are dropped before their captures are computed.
pub(super) fn find_times(text: &str, regions: &Regions, ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let windows = regions
        .numeric
        .iter()
        .filter(|w| {
            let word = || {
                let t = &text[w.range()];
                ["Uhr", "UHR", "godz", "Godz", "GODZ"]
                    .iter()
                    .any(|word| t.contains(word))
            };
            w.digits >= 3 && (w.colons > 0 || w.dots > 0 || w.h) || word()
        })
        .map(Window::range);
    // A time found, and the other end of a range it starts or ends.
    let mut found = |start: usize, end: usize, normalized: String, range: &[Side]| {
        out.push(Hit {
            kind: EntityKind::Time,
            start,
            end,
            normalized,
            check: Default::default(),
        });
        out.extend(
            range
                .iter()
                .filter_map(|&side| range_end(text, start, end, side))
                .filter(|hit| (ctx.free)(hit.start, hit.end)),
        );
    };
    for m in find_in(&TIME, text, windows) {
        if !(ctx.free)(m.start(), m.end()) {
            continue;
        }
        let Some(c) = TIME.captures_at(text, m.start()) else {
            continue;
        };
        // "w godz. 8", "o godz. 8-16": a whole hour.
        if let Some(h) = c.name("gh") {
            if glued_before(text, h.start()) || glued_after_time(text, m.end(), true) {
                continue;
            }
            if let Some(hour) = h.as_str().parse::<u32>().ok().filter(|h| *h <= 23) {
                found(h.start(), m.end(), format!("{hour:02}:00"), GODZ_RANGE);
            }
            continue;
        }
        let Some(h) = c.name("h") else {
            continue;
        };
        // "Gegen 12 Uhr", "8 Uhr 50": the word says it is a time.
        if c.name("whole").is_some() {
            if (glued_before(text, h.start()) && !range_dash_before(text, h.start()))
                || glued_after(text, m.end())
            {
                continue;
            }
            if let Some(normalized) = hour_uhr(&c, "h", "wm") {
                found(h.start(), m.end(), normalized, &[Side::Before]);
            }
            continue;
        }
        let label = c.name("kw").map(|k| k.as_str().trim().to_lowercase());
        let marked = c.name("ampm").is_some() || c.name("uhr").is_some();
        let dotted = c.name("sep").is_some_and(|s| s.as_str() == ".");
        let godz = label.as_deref().is_some_and(|l| l.contains("godz"));
        // "3:16" is as likely a verse or a score as a time, and "9.40" a decimal, unless a word
        // around says it is a time; "at 3.45" is still a distance.
        let accepted = if dotted {
            marked || godz || label.as_deref() == Some("um")
        } else {
            marked || label.is_some() || h.as_str().len() == 2
        };
        if !accepted {
            continue;
        }
        // A dash between two numbers glues them, but for a range of times: a time with its
        // label may start one ("godz. 8.00-15.00"), one marked by "Uhr" or "pm" end one
        // ("8.00-15.00 Uhr").
        if (glued_before(text, h.start()) && !(marked && range_dash_before(text, h.start())))
            || glued_after_time(text, m.end(), godz)
        {
            continue;
        }
        if char_before(text, h.start()) == Some(':') || char_after(text, m.end()) == Some(':') {
            continue;
        }
        let Some(hhmm) = time_of(&c, "h", "m", "s") else {
            continue;
        };
        let Some(normalized) = with_meridiem(&hhmm, &c) else {
            continue;
        };
        // "Uhr" after the second end covers the first ("8.00-15.00 Uhr"), "godz." either
        // ("godz. 8.00-15.00", "od 8 do godz. 16").
        let range: &[Side] = if c.name("uhr").is_some() {
            &[Side::Before]
        } else if godz {
            GODZ_RANGE
        } else {
            &[]
        };
        found(h.start(), m.end(), normalized, range);
    }
    out
}

/// Which end of a range of times [`range_end`] looks for.
#[derive(Clone, Copy)]
enum Side {
    Before,
    After,
}

/// "godz." says both ends are times, whichever it stands before.
const GODZ_RANGE: &[Side] = &[Side::Before, Side::After];

/// The ends of a range of times: an hour, or an hour and minutes, and what joins it to the
/// other end ("8–20", "8.00-15.00", "von 8 bis 20 Uhr", "od 8 do godz. 16").
static RANGE_BEFORE: LazyLock<regex::Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\b(?P<h>\d{1,2})(?:[.:](?P<m>\d{2}))?(?:\s?[-–—]\s?|\s(?:bis|do|to|à|und|i)\s)(?:(?:o\s+)?godz(?:\.|in\p{L}*)?\s*)?$",
    )
});
static RANGE_AFTER: LazyLock<regex::Regex> = LazyLock::new(|| {
    pattern(r"(?i)^(?:\s?[-–—]\s?|\s(?:bis|do|to|à|und|i)\s)(?P<h>\d{1,2})(?:[.:](?P<m>\d{2}))?\b")
});

/// The other end of the range of times that the time at `start..end` ends or starts, on
/// `side` of it: a number the time's label or "Uhr" makes a time too ("von 8 bis 20 Uhr" is 8
/// o'clock to 20 o'clock, "w godz. 8–20" too).
fn range_end(text: &str, start: usize, end: usize, side: Side) -> Option<Hit> {
    let (c, base) = match side {
        Side::Before => {
            let from = text.floor_char_boundary(start.saturating_sub(24));
            (RANGE_BEFORE.captures(&text[from..start])?, from)
        }
        Side::After => {
            let to = text.ceil_char_boundary((end + 12).min(text.len()));
            (RANGE_AFTER.captures(&text[end..to])?, end)
        }
    };
    let h = c.name("h")?;
    let (start, stop) = (base + h.start(), base + c.name("m").unwrap_or(h).end());
    // The side away from the time must end the number ("128 bis 20 Uhr" is no range of 8).
    let glued = match side {
        Side::Before => glued_before(text, start),
        Side::After => glued_after(text, stop),
    };
    if glued {
        return None;
    }
    let hour: u32 = h.as_str().parse().ok()?;
    let minute: u32 = c.name("m").map_or(Some(0), |m| m.as_str().parse().ok())?;
    (hour <= 23 && minute <= 59).then(|| Hit {
        kind: EntityKind::Time,
        start,
        end: stop,
        normalized: format!("{hour:02}:{minute:02}"),
        check: Default::default(),
    })
}

/// Whether a time ending at `end` runs on into a word or a longer number ([`glued_after`]);
/// when `range` (its label says it is a time), a dash and a number start a range instead.
fn glued_after_time(text: &str, end: usize, range: bool) -> bool {
    glued_after(text, end) && !(range && text[end..].starts_with('-'))
}

/// Whether the number at `start` follows another and a dash: "15.00" in "8.00-15.00".
fn range_dash_before(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    before.next() == Some('-') && before.next().is_some_and(|c| c.is_ascii_digit())
}

fn valid_date(year: u32, month: u32, day: u32) -> bool {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2099).contains(&year) && (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::patterns::extract;
    use crate::text::testing::{kinds, of_kind};

    fn dates(text: &str, order: DateOrder) -> Vec<(String, String)> {
        dates_in(
            text,
            &super::super::scan::regions(text).numeric,
            &OrderRule::trusted(order),
        )
        .into_iter()
        .map(|h| (text[h.start..h.end].to_string(), h.normalized))
        .collect()
    }

    fn iso(text: &str) -> Vec<String> {
        dates_in(
            text,
            &super::super::scan::regions(text).numeric,
            &OrderRule::trusted(DateOrder::DayFirst),
        )
        .into_iter()
        .map(|h| h.normalized)
        .collect()
    }

    #[test]
    fn dates_of_birth_with_two_digit_years_are_read_but_not_verified() {
        let t = "DOB: 08-20-96, D.O.B. 11-19-99 and born 07-02-01; case 12-03-45";
        let got: Vec<_> = extract(t, 1, "US")
            .into_iter()
            .filter(|e| e.kind == EntityKind::Date)
            .collect();
        let values: Vec<&str> = got.iter().map(|e| e.normalized.as_str()).collect();
        assert_eq!(values, ["1996-08-20", "1999-11-19", "2001-07-02"]);
        assert!(got.iter().all(|e| !e.check.is_verified()));
        assert!(
            got[0]
                .check
                .unverified
                .as_deref()
                .is_some_and(|w| w.contains("1996"))
        );
        // No region: the ambiguous one stays as written, with both readings.
        let e = extract("DOB 07-02-01", 1, "none");
        assert_eq!(e[0].normalized, "07-02-01");
        assert_eq!(e[0].check.readings, ["2001-02-07", "2001-07-02"]);
    }

    #[test]
    fn day_ranges_are_two_dates() {
        for (t, want) in [
            (
                "Hearing dates : 23-25 June 2020",
                ["2020-06-23", "2020-06-25"],
            ),
            (
                "w dniach 12–13 listopada 2025 r.",
                ["2025-11-12", "2025-11-13"],
            ),
            ("between 24 and 26 July 2018", ["2018-07-24", "2018-07-26"]),
        ] {
            assert_eq!(of_kind(t, EntityKind::Date), want, "{t}");
        }
        // Not a range: the second day before the first.
        assert!(of_kind("26-24 June 2020", EntityKind::Date).is_empty());
    }

    #[test]
    fn calendar_checks() {
        assert!(valid_date(2024, 2, 29));
        assert!(!valid_date(2026, 2, 29));
        assert!(!valid_date(1900, 2, 29));
        assert!(valid_date(2000, 2, 29));
        assert!(!valid_date(2026, 4, 31));
        assert!(!valid_date(2026, 13, 1));
        assert!(!valid_date(2026, 1, 0));
        assert!(!valid_date(1899, 1, 1));
    }

    #[test]
    fn meridiem() {
        assert_eq!(iso("March 14, 2026 at 12:05 am"), ["2026-03-14T00:05"]);
        assert_eq!(iso("March 14, 2026 at 12:05 pm"), ["2026-03-14T12:05"]);
        // "13 pm" is no time; the date stands alone.
        assert_eq!(
            dates("March 14, 2026 at 13:05 pm", DateOrder::DayFirst),
            [("March 14, 2026".to_string(), "2026-03-14".to_string())]
        );
    }

    #[test]
    fn ambiguous_order_follows_the_region() {
        let t = "12/03/2026";
        assert_eq!(iso(t), ["2026-03-12"]);
        assert_eq!(dates(t, DateOrder::MonthFirst)[0].1, "2026-12-03");
        assert_eq!(dates(t, DateOrder::Unknown)[0].1, "12/03/2026");
        // A day above 12 settles it whatever the region.
        assert_eq!(dates("03/14/2026", DateOrder::DayFirst)[0].1, "2026-03-14");
        assert_eq!(
            dates("14/03/2026", DateOrder::MonthFirst)[0].1,
            "2026-03-14"
        );
        // Dots are day-first even in the US.
        assert_eq!(
            dates("12.03.2026", DateOrder::MonthFirst)[0].1,
            "2026-03-12"
        );
    }

    #[test]
    fn dates_in_five_languages() {
        let t = "12.03.2026, 12.03.2026 r., 2026-03-12, 12/03/2026, 14 March 2026, \
                 March 14, 2026, 14 marca 2026 r., 14 pazdziernika 2025, 3 września 2025, \
                 14. März 2026, 14 mars 2026, 14 de marzo de 2026, 1er août 2025, 2 Dec 2025, \
                 October 31,2018";
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
                "2018-10-31",
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

    /// What the translation checks compare: the time itself, also where it follows a date.
    #[test]
    fn times_of_day_are_found_alone_and_after_dates() {
        let t = "Am 26. Mai 2011, gegen 8 Uhr 50, und um 13:20 Uhr; 2026-03-12T21:03:44Z";
        let found: Vec<(&str, String)> =
            crate::text::patterns::times_of_day(t, &crate::text::patterns::extract(t, 1, ""))
                .into_iter()
                .map(|(r, v)| (&t[r], v))
                .collect();
        assert_eq!(
            found,
            [
                ("8 Uhr 50", "08:50".to_string()),
                ("13:20 Uhr", "13:20".to_string()),
                ("21:03:44Z", "21:03:44Z".to_string())
            ]
        );
    }

    #[test]
    fn times_alone() {
        assert_eq!(
            of_kind(
                "o godz. 21.03, at 9:40 pm, um 7:05 Uhr, [23:59:01] user. Gegen 12 Uhr kam er, \
                 um 8 Uhr 50 ging er. Około godziny 20.00 zapukał, około godziny 21.25 wyszedł.",
                EntityKind::Time
            ),
            [
                "21:03", "21:40", "07:05", "23:59:01", "12:00", "08:50", "20:00", "21:25"
            ]
        );
        // The Polish "o" ("at") before a time with a colon.
        assert_eq!(
            of_kind("Zdarzenie miało miejsce o 8:50 w Łodzi.", EntityKind::Time),
            ["08:50"]
        );
        // A whole hour after "godz.", and both ends of a range of times whose label or "Uhr"
        // covers both.
        assert_eq!(
            of_kind(
                "czynne w godz. 8–20, o godz. 9-16, w sobotę w godz. 8.00-15.00; \
                 Öffnungszeiten 8.00-15.00 Uhr, die Wache ist von 8 bis 20 Uhr besetzt; od 7 \
                 do godz. 15",
                EntityKind::Time
            ),
            [
                "08:00", "20:00", "09:00", "16:00", "08:00", "15:00", "08:00", "15:00", "08:00",
                "20:00", "07:00", "15:00"
            ]
        );
        // A date followed by "gegen 8 Uhr 50" carries that time.
        assert_eq!(
            iso("Am 26. Mai 2011, gegen 8 Uhr 50, entwendete"),
            ["2011-05-26T08:50"]
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
            "25 Uhr",
            "Seite 12 Uhrwerk",
            "godz. 25",
            "12.50-13.20 zł",
            "nr 12-8 godz",
            "Seite 8 bis 20",
        ] {
            assert!(
                of_kind(t, EntityKind::Time).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
    }
}
