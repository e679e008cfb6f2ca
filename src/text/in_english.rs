//! Dates, times and amounts written in English by ava, from the values its extractors read.
//!
//! Translation hands these to the model as placeholders and puts this rendering back (issue
//! 14): small models turn "16 stycznia 2014" into December, "820 tys. zł" into "820 million
//! zł" and "8 Uhr 50" into "8:50 PM" (bench/RESULTS.md, "After issue 14, part 4"), while the
//! extractor has already read the value exactly. A value is rendered only when its reading is
//! certain and written whole: an ambiguous date, a day without its month or year (the "15" of
//! "15-17 lutego"), a slashed date whose order depends on the region, stay with the model.

use super::dates::ENGLISH_MONTHS;
use super::entity::{Entity, EntityKind};

/// The English form of `e`, or `None` when it is left to the model.
pub fn value_in_english(e: &Entity) -> Option<String> {
    if e.check.unverified.is_some() || !e.check.readings.is_empty() {
        return None;
    }
    match e.kind {
        EntityKind::Date => date(&e.normalized, &e.value),
        EntityKind::Time => time(&e.normalized, &e.value),
        EntityKind::Amount => amount(&e.normalized, &e.value),
        _ => None,
    }
}

/// `2013-01-29` → "29 January 2013"; `2013-01-29T20:30` → "29 January 2013 at 20:30".
fn date(iso: &str, written: &str) -> Option<String> {
    let (day_part, clock) = match iso.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (iso, None),
    };
    let mut ymd = day_part.split('-');
    let (y, m, d) = (ymd.next()?, ymd.next()?, ymd.next()?);
    let month: usize = m.parse().ok()?;
    let day: u32 = d.parse().ok()?;
    let month_name = ENGLISH_MONTHS.get(month.checked_sub(1)?)?;
    // The whole date must be in what was written: a year the finder took from a
    // neighbouring date would be restored where the source has none.
    if y.len() != 4 || !written.contains(y) && !written.contains(&y[2..]) {
        return None;
    }
    // "12/03/2026" means 12 March or December 3 depending on the country; copied as written.
    if written.contains('/') {
        return None;
    }
    let mut out = format!("{day} {} {y}", capitalised(month_name));
    if let Some(clock) = clock {
        let hhmm = clock.get(..5)?;
        out.push_str(if approximate(written) {
            " at about "
        } else {
            " at "
        });
        out.push_str(hhmm);
    }
    Some(out)
}

/// `08:50` stays on the 24-hour clock: "8:50" alone could be read as evening by a model
/// asked to make it English, which is the mistake this avoids.
fn time(hhmm: &str, written: &str) -> Option<String> {
    let hhmm = hhmm.get(..5)?;
    Some(if approximate(written) {
        format!("about {hhmm}")
    } else {
        hhmm.to_string()
    })
}

/// Words that say "about" before a time or date ("gegen 12 Uhr", "ok. 15 lutego").
const ABOUT: &[&str] = &[
    "gegen", "ok.", "około", "okolo", "vers", "circa", "etwa", "approx.", "around", "about",
];

/// Where an "about" word right before `start` begins, if there is one. The finders' spans
/// start at the number, so without it the word went to the model alone — and came back as
/// "against 12:00" for "gegen 12 Uhr".
pub fn about_before(text: &str, start: usize) -> Option<usize> {
    let before = text.get(..start)?;
    let word_end = before.trim_end().len();
    if word_end == before.len() {
        return None;
    }
    let lower = before[..word_end].to_lowercase();
    let word = ABOUT.iter().find(|w| lower.ends_with(*w))?;
    // Byte lengths agree: every ABOUT word lower-cases to itself.
    let word_start = word_end.checked_sub(word.len())?;
    let glued = before[..word_start]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    (!glued && before.is_char_boundary(word_start)).then_some(word_start)
}

/// "gegen 8 Uhr 50", "ok. godz. 20", "vers 8 h": a word of the value itself says "about"
/// ([`ABOUT`], as before a value in [`about_before`]).
fn approximate(written: &str) -> bool {
    written
        .split_whitespace()
        .any(|w| ABOUT.contains(&w.to_lowercase().as_str()))
}

/// Currencies written before the number in English ("PLN 820,000"); other units (BTC, ETH)
/// after it.
const CODE_FIRST: &[&str] = &[
    "PLN", "EUR", "USD", "GBP", "CHF", "CZK", "UAH", "RUB", "SEK", "NOK", "DKK", "NZD", "AUD",
    "CAD", "JPY", "HUF", "RON", "BGN", "TRY", "BYN",
];

/// `2189337.30 PLN` → "PLN 2,189,337.30"; `0.5 BTC` → "0.5 BTC"; "1,5 mln zł" (normalised
/// `1500000 PLN`) → "PLN 1.5 million", as the source counts it.
fn amount(normalized: &str, written: &str) -> Option<String> {
    let (number, code) = normalized.split_once(' ')?;
    let (whole, decimals) = match number.split_once('.') {
        Some((w, d)) => (w, Some(d)),
        None => (number, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let w = written.to_lowercase();
    let scale = if ["mld", "miliard", "billion", "mrd"]
        .iter()
        .any(|s| w.contains(s))
    {
        Some((9, "billion"))
    } else if ["mln", "milion", "million", "mio"]
        .iter()
        .any(|s| w.contains(s))
    {
        Some((6, "million"))
    } else {
        None
    };
    let number = match scale {
        Some((zeros, word)) => {
            if decimals.is_some() || whole.len() <= zeros {
                return None;
            }
            let (units, fraction) = whole.split_at(whole.len() - zeros);
            let fraction = fraction.trim_end_matches('0');
            if fraction.is_empty() {
                format!("{units} {word}")
            } else {
                format!("{units}.{fraction} {word}")
            }
        }
        None => {
            let mut grouped = String::new();
            for (i, c) in whole.chars().enumerate() {
                if i > 0 && (whole.len() - i) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(c);
            }
            if let Some(d) = decimals {
                grouped.push('.');
                grouped.push_str(d);
            }
            grouped
        }
    };
    Some(if CODE_FIRST.contains(&code) {
        format!("{code} {number}")
    } else {
        format!("{number} {code}")
    })
}

fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::patterns::extract;

    fn rendered(text: &str) -> Vec<(String, Option<String>)> {
        extract(text, 1, "none")
            .into_iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EntityKind::Date | EntityKind::Time | EntityKind::Amount
                )
            })
            .map(|e| (e.value.clone(), value_in_english(&e)))
            .collect()
    }

    fn en(written: &str, english: &str) -> (String, Option<String>) {
        (written.to_string(), Some(english.to_string()))
    }

    #[test]
    fn dates_times_and_amounts_of_a_polish_judgment_read_in_english() {
        assert_eq!(
            rendered(
                "Sąd zasądził 15 lutego 2010r. kwotę 2 189 337,30 zł oraz 820 tys. zł, a \
                 29 stycznia 2013 r. o godz. 20:30 zatrzymano M. W."
            ),
            vec![
                en("15 lutego 2010r.", "15 February 2010"),
                en("2 189 337,30 zł", "PLN 2,189,337.30"),
                en("820 tys. zł", "PLN 820,000"),
                en(
                    "29 stycznia 2013 r. o godz. 20:30",
                    "29 January 2013 at 20:30"
                ),
            ]
        );
    }

    #[test]
    fn german_and_french_values_keep_about_and_the_morning() {
        assert_eq!(
            rendered("Am 3. März 2024 gegen 8 Uhr 50 wurden 16.000 Euro gefunden."),
            vec![
                en("3. März 2024 gegen 8 Uhr 50", "3 March 2024 at about 08:50"),
                en("16.000 Euro", "EUR 16,000"),
            ]
        );
        assert_eq!(
            rendered("Le 12 juin 2023, 16 000 euros, 0.5 BTC et 1,5 mln zł, 2 mld euro."),
            vec![
                en("12 juin 2023", "12 June 2023"),
                en("16 000 euros", "EUR 16,000"),
                en("0.5 BTC", "0.5 BTC"),
                en("1,5 mln zł", "PLN 1.5 million"),
                en("2 mld euro", "EUR 2 billion"),
            ]
        );
    }

    #[test]
    fn an_about_word_before_a_value_is_found() {
        let t = "Gegen 12 Uhr, ok. 15 lutego, dagegen 8 Uhr, am 3. März";
        assert_eq!(about_before(t, t.find("12").unwrap()), Some(0));
        assert_eq!(about_before(t, t.find("15").unwrap()), t.find("ok."));
        assert_eq!(about_before(t, t.find("8 Uhr").unwrap()), None);
        assert_eq!(about_before(t, t.find("3.").unwrap()), None);
    }

    #[test]
    fn uncertain_or_partial_dates_are_left_to_the_model() {
        let r = rendered("W dniach 15-17 lutego 2010 r. oraz 12/03/2026.");
        // "15" alone has neither month nor year in what was written.
        assert!(r.iter().any(|(w, e)| w == "15" && e.is_none()), "{r:?}");
        assert!(
            r.iter().any(|(w, e)| w == "12/03/2026" && e.is_none()),
            "{r:?}"
        );
        assert!(
            r.contains(&en("17 lutego 2010 r.", "17 February 2010")),
            "{r:?}"
        );
    }
}
