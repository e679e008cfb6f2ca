//! Amounts written without digits: "un million d’euros", "a million dollars", "eine Million
//! Euro", "un millón de dólares", "mil euros", "мільйон гривень", "тысяча рублей".
//!
//! Only "one" (in each language) or the multiplier word alone are read as numbers; "cinq
//! millions d’euros" and other spelled-out numbers are not reported (no number reader here).
//! There is no digit to find them by, so a literal search for the multiplier words' stems goes
//! first and the full pattern runs only around its hits.

use super::super::entity::{EntityKind, Hit};
use super::{WORDS, currency_code, multiplier};
use regex::Regex;
use std::sync::LazyLock;

/// Stems of the multipliers, case as written in running text; one literal set the regex
/// engine searches for at memchr speed.
static STEMS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"illion|illón|illon|illiard|ILLION|(?-u:\b)(?:[Mm]il|[Mm]ille|MIL|MILLE)(?-u:\b)|ільйон|иллион|ІЛЬЙОН|ИЛЛИОН|ысяч|исяч|ЫСЯЧ|ИСЯЧ")
        .unwrap_or_else(|e| panic!("built-in pattern: {e}"))
});

static WORD_AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    let mut words: Vec<&str> = WORDS.iter().map(|(w, _)| *w).collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    let words = words
        .iter()
        .map(|w| regex::escape(w))
        .collect::<Vec<_>>()
        .join("|");
    let source = format!(
        r"(?i)\b(?:(?:un|une|a|one|ein|eine|einer|uno|один|одна|одну)\s+)?(?P<mult>million|millionen|millón|millon|milliard|milliarde|billion|mil|mille|мільйон|миллион|тисяча|тисячу|тысяча|тысячу)\s+(?:de\s+|d['’]\s*)?(?P<cur>{words})\b"
    );
    Regex::new(&source).unwrap_or_else(|e| panic!("built-in pattern: {e}"))
});

/// Words before "a million" that make it part of a fraction or a larger spelled number.
const FRACTIONS: &[&str] = &[
    "of",
    "half",
    "quarter",
    "third",
    "demi",
    "quart",
    "tiers",
    "halbe",
    "halben",
    "viertel",
    "medio",
    "cuarto",
    "пів",
    "половина",
    "чверть",
    "четверть",
    "hundred",
    "thousand",
    "cent",
    "mille",
    "hundert",
    "cien",
    "ciento",
];

/// Amounts in words around the multiplier stems of `text`.
pub(super) fn find(text: &str) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::new();
    for stem in STEMS.find_iter(text) {
        if out.last().is_some_and(|h| h.end > stem.start()) {
            continue;
        }
        // The phrase starts at most two words before the stem: "un million", "eine Million".
        let from = super::super::scan::context_start(text, stem.start(), 24);
        let to = (stem.end() + 48).min(text.len());
        let mut to_ok = to;
        while !text.is_char_boundary(to_ok) {
            to_ok -= 1;
        }
        let window = &text[from..to_ok];
        let Some(c) = WORD_AMOUNT
            .captures_iter(window)
            .find(|c| c.get(0).is_some_and(|m| from + m.end() > stem.start()))
        else {
            continue;
        };
        let (Some(whole), Some(mult), Some(cur)) = (c.get(0), c.name("mult"), c.name("cur")) else {
            continue;
        };
        let start = from + whole.start();
        if out.last().is_some_and(|h| h.end > start) {
            continue;
        }
        // "5 mil euros" is the digits' amount, read by the numeric pattern; "a quarter of a
        // million pounds", "half a million" are fractions this reader does not take apart.
        let before = text[..start].trim_end_matches([' ', '\u{A0}']);
        let previous_word = before
            .rsplit(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("")
            .to_lowercase();
        if before.ends_with(|c: char| c.is_ascii_digit())
            || FRACTIONS.contains(&previous_word.as_str())
        {
            continue;
        }
        let Some(code) = currency_code(cur.as_str()) else {
            continue;
        };
        let exponent = match mult.as_str().to_lowercase().as_str() {
            "mil" | "mille" => 3,
            "тисяча" | "тисячу" | "тысяча" | "тысячу" => 3,
            "мільйон" | "миллион" => 6,
            "billion" => 9,
            m => multiplier(m).unwrap_or(6),
        };
        out.push(Hit {
            kind: EntityKind::Amount,
            start,
            end: from + whole.end(),
            normalized: format!("1{} {code}", "0".repeat(exponent)),
            check: Default::default(),
        });
    }
    out
}
