//! Times of day compared by their 24-hour value. The digit check cannot see "8 Uhr 50"
//! become "8:50 PM": every digit is still there. A time in the answer that says which half of
//! the day it is (a.m./p.m., noon, midnight, or an hour past 12) must be a time of the source
//! when the source has a time on the same clock face.
//!
//! 24-hour times are read by ava's extractor ([`patterns::times_of_day`]: "20:30", "8 Uhr
//! 50", "godz. 8.15", "22h15", "von 8 bis 20 Uhr", a time after a date); this module adds what
//! the extractor leaves alone: 12-hour times without minutes ("8 p.m."; the extractor does not
//! read "8 am", which in German is "8 at the") and "noon" and "midnight".

use crate::text::entity::Entity;
use crate::text::patterns;
use regex::Regex;
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::LazyLock;

/// Minutes since midnight.
pub(super) type Minutes = u32;

/// 12-hour times with their half of the day: "8:50 a.m.", "8.50 PM", "12 p.m.".
static TWELVE_HOUR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2})(?:[:.](\d{2}))?\s?([ap])\.?\s?m(?:\.|\b)").expect("valid")
});
/// "noon", "12 noon", "midnight".
static NOON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(noon|midday|midnight)\b").expect("valid"));

/// The times of day of `text` (the source's, or an answer's), where each is written and its
/// value.
pub(super) fn time_spans(text: &str, entities: &[Entity]) -> Vec<(Range<usize>, Minutes)> {
    let mut spans = twelve_hour_spans(text);
    let twelve: Vec<Range<usize>> = spans.iter().map(|(r, _)| r.clone()).collect();
    // A 12-hour time is read once, with its half of the day ("8:50 a.m." is not 8:50 and
    // 20:50).
    let in_twelve = |r: &Range<usize>| twelve.iter().any(|t| t.start < r.end && r.start < t.end);
    spans.extend(
        extracted(text, entities)
            .into_iter()
            .filter(|(r, _)| !in_twelve(r)),
    );
    spans
}

/// The 24-hour times of `text` as ava's extractor read them (`entities`), with their value.
fn extracted(text: &str, entities: &[Entity]) -> Vec<(Range<usize>, Minutes)> {
    patterns::times_of_day(text, entities)
        .into_iter()
        .filter_map(|(range, hhmm)| {
            let hour: u32 = hhmm.get(..2)?.parse().ok()?;
            let minute: u32 = hhmm.get(3..5)?.parse().ok()?;
            Some((range, hour * 60 + minute))
        })
        .collect()
}

/// Every time of day `text` says, whatever its form ("8 p.m.", "20:00", "noon"), given its
/// [`time_spans`]: a source time found among an answer's is kept even when its digits are not
/// ("godz. 20.00" → "8 p.m.").
pub(super) fn times(text: &str, spans: &[(Range<usize>, Minutes)]) -> BTreeSet<Minutes> {
    let mut times: BTreeSet<Minutes> = spans.iter().map(|(_, v)| *v).collect();
    for c in NOON.captures_iter(text) {
        times.insert(if c[1].eq_ignore_ascii_case("midnight") {
            0
        } else {
            720
        });
    }
    times
}

/// 12-hour times of `text`: where each is written and its 24-hour value.
fn twelve_hour_spans(text: &str) -> Vec<(Range<usize>, Minutes)> {
    TWELVE_HOUR
        .captures_iter(text)
        .filter_map(|c| {
            let hour: u32 = c[1].parse().ok()?;
            let minute: u32 = c.get(2).map_or(Some(0), |m| m.as_str().parse().ok())?;
            if !(1..=12).contains(&hour) || minute >= 60 {
                return None;
            }
            let pm = c[3].eq_ignore_ascii_case("p");
            let hour24 = match (hour, pm) {
                (12, false) => 0,
                (12, true) => 12,
                (h, true) => h + 12,
                (h, false) => h,
            };
            Some((c.get(0)?.range(), hour24 * 60 + minute))
        })
        .collect()
}

/// The digits of the 12-hour times of `text` ("8.50 a.m." → "8", "50"), which the number
/// check reads as times rather than as an amount.
pub(super) fn twelve_hour_parts(text: &str) -> Vec<String> {
    TWELVE_HOUR
        .captures_iter(text)
        .flat_map(|c| [c.get(1), c.get(2)])
        .flatten()
        .map(|m| m.as_str().to_string())
        .collect()
}

/// Times of `out` that say which half of the day they are, as written, with their value;
/// `spans` are its [`time_spans`].
fn answer_times(out: &str, spans: &[(Range<usize>, Minutes)]) -> Vec<(String, Minutes)> {
    let mut times: Vec<(String, Minutes)> = twelve_hour_spans(out)
        .into_iter()
        .map(|(r, v)| (out[r].trim().to_string(), v))
        .collect();
    let rest = TWELVE_HOUR.replace_all(out, " ");
    for c in NOON.captures_iter(&rest) {
        let midnight = c[1].eq_ignore_ascii_case("midnight");
        times.push((c[1].to_string(), if midnight { 0 } else { 720 }));
    }
    // "20:30": an hour past 12 says it is evening. The spans clear of every 12-hour form are
    // the extractor's times.
    let twelve: Vec<Range<usize>> = TWELVE_HOUR.find_iter(out).map(|m| m.range()).collect();
    for (range, value) in spans {
        if *value >= 13 * 60
            && !twelve
                .iter()
                .any(|t| t.start < range.end && range.start < t.end)
        {
            times.push((out[range.clone()].to_string(), *value));
        }
    }
    times
}

/// Times of `out` on the same clock face as one of the source's times `src` (its [`times`])
/// but in the other half of the day (or another time of that hour): "8 Uhr 50" → "8:50 PM".
/// `out_spans` are the answer's [`time_spans`]. `english` says the answer is English:
/// "a.m."/"p.m." and "noon" are read only then, so that a German answer's "um 8 am Bahnhof"
/// is not 8 a.m.
pub(super) fn changed_times(
    src: &BTreeSet<Minutes>,
    out: &str,
    out_spans: &[(Range<usize>, Minutes)],
    english: bool,
) -> Vec<String> {
    if src.is_empty() {
        return Vec::new();
    }
    let mut changed = Vec::new();
    let twelve: Vec<String> = twelve_hour_spans(out)
        .into_iter()
        .map(|(r, _)| out[r].trim().to_string())
        .collect();
    for (written, value) in answer_times(out, out_spans) {
        if !english && (twelve.contains(&written) || NOON.is_match(&written)) {
            continue;
        }
        let same_face = src.iter().any(|s| (s / 60) % 12 == (value / 60) % 12);
        if !src.contains(&value) && same_face && !changed.contains(&written) {
            changed.push(written);
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`super::changed_times`] of two texts, each read as the translation check reads it.
    fn changed_times(source: &str, out: &str, english: bool) -> Vec<String> {
        let read = |t: &str| time_spans(t, &patterns::extract(t, 1, ""));
        let src = times(source, &read(source));
        super::changed_times(&src, out, &read(out), english)
    }

    fn changed_times_en(source: &str, out: &str) -> Vec<String> {
        changed_times(source, out, true)
    }

    #[test]
    fn a_german_answer_s_am_is_not_a_time() {
        let en = "The man was seen at 8 p.m. at the station.";
        assert!(
            changed_times(
                en,
                "Der Mann wurde um 20 Uhr, 8 am Bahnhof, gesehen.",
                false
            )
            .is_empty()
        );
        assert_eq!(
            changed_times(en, "Der Mann wurde um 8:00 oder 20:30 gesehen.", false),
            ["20:30"]
        );
    }

    #[test]
    fn a_morning_time_made_evening_is_found() {
        let de = "Am 26. Mai 2011, gegen 8 Uhr 50, entwendete eine unbekannte Person";
        assert_eq!(
            changed_times_en(de, "On May 26, 2011, at 8:50 PM, an unknown person"),
            ["8:50 PM"]
        );
        for ok in [
            "On 26 May 2011, at about 8.50 a.m., an unknown person",
            "On 26 May 2011, at about 8:50, an unknown person",
            "On 26 May 2011, at about 08:50 AM, an unknown person",
        ] {
            assert!(changed_times_en(de, ok).is_empty(), "{ok}");
        }
        assert!(!changed_times_en(de, "at 8 AM 50, an unknown person").is_empty());
    }

    #[test]
    fn noon_is_twelve_and_midnight_is_not() {
        let de = "Gegen 12 Uhr wurde aus einem LKW eine Brieftasche entwendet.";
        for ok in [
            "At 12:00 PM a wallet",
            "At about 12 noon a wallet",
            "At noon a wallet",
        ] {
            assert!(changed_times_en(de, ok).is_empty(), "{ok}");
        }
        assert_eq!(changed_times_en(de, "At 12:00 AM a wallet"), ["12:00 AM"]);
        assert_eq!(changed_times_en(de, "At midnight a wallet"), ["midnight"]);
    }

    #[test]
    fn polish_french_and_english_times_are_read() {
        let pl = "Do zdarzenia doszło o godz. 20:30, a drugie o godz. 8.15 rano.";
        assert!(
            changed_times_en(pl, "It happened at 8:30 p.m., the second at 8:15 a.m.").is_empty()
        );
        assert!(changed_times_en(pl, "It happened at 20:30, the second at 8.15.").is_empty());
        assert_eq!(
            changed_times_en(pl, "It happened at 8:30 a.m., the second at 8:15 p.m."),
            ["8:30 a.m.", "8:15 p.m."]
        );
        let en = "The car was seen at 8:50 a.m. near the bank.";
        assert!(changed_times_en(en, "Samochód widziano o 8:50 w pobliżu banku.").is_empty());
        assert_eq!(
            changed_times_en(en, "Samochód widziano o 20:50 w pobliżu banku."),
            ["20:50"]
        );
        let fr = "Les faits se sont produits vers 22h15 à Verdun.";
        assert!(changed_times_en(fr, "It happened around 10:15 p.m. in Verdun.").is_empty());
        assert_eq!(
            changed_times_en(fr, "It happened around 10:15 a.m. in Verdun."),
            ["10:15 a.m."]
        );
        // Ranges: both ends are times of the source.
        let de = "Die Wache ist von 8 bis 20 Uhr besetzt.";
        assert!(changed_times_en(de, "The station is staffed from 8 a.m. to 8 p.m.").is_empty());
        let pl = "Punkt jest czynny w godz. 8–20, a w soboty w godz. 8.00-15.00.";
        let out = "The office is open 8 a.m.–8 p.m., on Saturdays 8 a.m.–3 p.m.";
        assert!(
            changed_times_en(pl, out).is_empty(),
            "{:?}",
            changed_times_en(pl, out)
        );
        assert_eq!(
            changed_times_en(de, "The station is staffed from 8 a.m. to 8:30 p.m."),
            ["8:30 p.m."]
        );
        // No time in the source: nothing to compare with.
        assert!(changed_times_en("Sprawa trwa.", "At 8 p.m. the case went on.").is_empty());
    }
}
