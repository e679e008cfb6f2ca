//! Is a sentence a model wrote supported by the document? Every value a reader would take
//! as a fact — an entity the extractors recognise (date, amount, phone, e-mail, IBAN, plate…),
//! any other number, and every capitalised word inside the sentence (names of people, places,
//! organisations) — must occur in the document. Paraphrase in lower-case words cannot be
//! checked this way; values can, and they are what an invented summary gets wrong.

use crate::extract::records::Index;
use crate::text::entity::EntityKind;
use crate::text::patterns;
use crate::text::{ENGLISH_MONTHS, split_decimals};
use std::collections::HashSet;
use unicode_segmentation::UnicodeSegmentation;

/// Capitalised words that are not names (besides [`ENGLISH_MONTHS`]): month and weekday names (a date the model wrote
/// out is checked as a date), and words that start sentences or quotes in the languages
/// case material arrives in.
const NOT_NAMES: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "januar",
    "februar",
    "märz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "i",
];

/// The document, indexed once for checking many sentences.
pub struct Source<'a> {
    index: Index<'a>,
    region: &'a str,
    /// Lower-cased words of the document, sorted, for prefix lookups (inflected names).
    words: Vec<String>,
    /// Digits of every number in the document, separators removed, with and without a
    /// decimal part (`500.000,00` → `50000000` and `500000`), and each run of digits alone.
    numbers: HashSet<String>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str, region: &'a str) -> Self {
        let mut words: Vec<String> = text.unicode_words().map(str::to_lowercase).collect();
        words.sort_unstable();
        words.dedup();
        let mut numbers = HashSet::new();
        for token in text.split_whitespace() {
            if token.bytes().any(|b| b.is_ascii_digit()) {
                for v in number_forms(token) {
                    numbers.insert(v);
                }
                for run in token.split(|c: char| !c.is_ascii_digit()) {
                    if !run.is_empty() {
                        numbers.insert(run.trim_start_matches('0').to_string());
                    }
                }
            }
        }
        Self {
            index: Index::new(text, region),
            region,
            words,
            numbers,
        }
    }

    /// The values of `sentence` that do not occur in the document, as written in the
    /// sentence. `names`: also check capitalised words (off when the sentence is in another
    /// language than the document, where ordinary words are capitalised differently).
    pub fn unsupported(&self, sentence: &str, names: bool) -> Vec<String> {
        let mut missing = Vec::new();
        let entities = patterns::extract(sentence, 1, self.region);
        for e in &entities {
            let found = self.index.line_of(&e.value).is_some()
                || self.index.line_of(&e.normalized).is_some()
                // "500 000 zł" for "500.000,00 zł": the same number, written differently.
                || (e.kind == EntityKind::Amount && self.has_number(&number_of(&e.value)));
            if !found {
                missing.push(e.value.clone());
            }
        }
        let covered = |start: usize, end: usize| {
            entities
                .iter()
                .any(|e| start < e.byte_end && e.byte_start < end)
        };
        let mut first = true;
        for (start, word) in sentence.unicode_word_indices() {
            let end = start + word.len();
            let is_first = std::mem::replace(&mut first, false);
            if covered(start, end) {
                continue;
            }
            if word.bytes().any(|b| b.is_ascii_digit()) {
                if !self.has_number(word) {
                    missing.push(word.to_string());
                }
                continue;
            }
            if names && !is_first && is_capitalised(word) && !self.has_name(word) {
                missing.push(word.to_string());
            }
        }
        missing.dedup();
        missing
    }

    /// The region values are read with.
    pub fn region(&self) -> &'a str {
        self.region
    }

    fn has_number(&self, word: &str) -> bool {
        number_forms(word).iter().any(|v| self.numbers.contains(v))
    }

    /// The word, or another form of it (a shared stem: "Kowalskiego" for "Kowalski",
    /// "Radomiu" for "Radom"), is in the document.
    fn has_name(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        let lower = lower
            .strip_suffix("'s")
            .or_else(|| lower.strip_suffix("’s"))
            .unwrap_or(&lower);
        if NOT_NAMES.contains(&lower) || ENGLISH_MONTHS.contains(&lower) {
            return true;
        }
        let chars: Vec<char> = lower.chars().collect();
        let keep = if chars.len() <= 4 {
            chars.len()
        } else {
            (chars.len() - 3).max(4)
        };
        let stem: String = chars[..keep].iter().collect();
        let i = self.words.partition_point(|w| w.as_str() < stem.as_str());
        self.words.get(i).is_some_and(|w| w.starts_with(&stem))
    }
}

/// Numbers, dates, amounts and identifiers of `sentence` that its shortened version leaves
/// out. Shortening is for dropping words, not facts: the 1.5B model kept its sentences short
/// by dropping the values (bench/RESULTS.md, issue 16), which is how a model summary ended up
/// with fewer key facts than the document's own sentences in the same words.
pub fn dropped_values(sentence: &str, shortened: &str, region: &str) -> Vec<String> {
    Source::new(shortened, region).unsupported(sentence, false)
}

/// Words either side of a number that count as its context: the role a number plays
/// (postcode, phone, amount, date) is said by the words next to it.
const ROLE_WINDOW: usize = 3;

/// Numbers of `shortened` — a model's shorter version of `sentence` — that stand somewhere
/// else than in the sentence: none of the words next to the number in the shortened version
/// is within [`ROLE_WINDOW`] words of the same number in the sentence. This catches a value
/// that occurs in the document but in another role ("in 13597 Berlin-Spandau unter der
/// Telefonnummer" shortened to "unter der Telefonnummer 13597": a postcode presented as the
/// phone number). Words are compared by their first five letters, so inflection passes.
pub fn moved_numbers(sentence: &str, shortened: &str) -> Vec<String> {
    let key = |w: &str| -> String { w.to_lowercase().chars().take(5).collect() };
    let source: Vec<String> = sentence.unicode_words().map(key).collect();
    let answer: Vec<&str> = shortened.unicode_words().collect();
    let mut moved = Vec::new();
    for (i, word) in answer.iter().enumerate() {
        if !word.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        let here = key(word);
        let places: Vec<usize> = (0..source.len()).filter(|&j| source[j] == here).collect();
        let neighbours: Vec<String> = [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .filter_map(|k| answer.get(k))
            .map(|w| key(w))
            .collect();
        // A number not in the sentence at all is for the presence check; one standing alone
        // has no context to compare.
        if places.is_empty() || neighbours.is_empty() {
            continue;
        }
        let kept = places.iter().any(|&j| {
            let window =
                &source[j.saturating_sub(ROLE_WINDOW)..(j + ROLE_WINDOW + 1).min(source.len())];
            neighbours.iter().any(|n| window.contains(n))
        });
        if !kept && !moved.contains(&word.to_string()) {
            moved.push(word.to_string());
        }
    }
    moved
}

/// A word starting with an upper-case letter (names, acronyms), not a number.
fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase) && word.chars().count() > 1
}

/// The number in an amount as one token: from its first digit to its last, spaces removed.
fn number_of(value: &str) -> String {
    let (Some(a), Some(b)) = (
        value.find(|c: char| c.is_ascii_digit()),
        value.rfind(|c: char| c.is_ascii_digit()),
    ) else {
        return String::new();
    };
    value[a..=b]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The digits of a number token, separators removed, and the same without a decimal part of
/// one or two digits (`1.500,00` → `150000`, `1500`), leading zeros dropped.
fn number_forms(token: &str) -> Vec<String> {
    let digits: String = token.chars().filter(char::is_ascii_digit).collect();
    let mut out = vec![digits.trim_start_matches('0').to_string()];
    let trimmed = token.trim_end_matches(|c: char| !c.is_ascii_digit());
    if let Some((integer, _)) = split_decimals(trimmed) {
        let whole: String = integer.chars().filter(char::is_ascii_digit).collect();
        out.push(whole.trim_start_matches('0').to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "Sąd Okręgowy w Katowicach zasądził od pozwanego Jana Kowalskiego \
        kwotę 500.000,00 zł wraz z odsetkami od dnia 12.03.2024 r.\n\
        Rozprawa odbyła się w Radomiu; tel. 601 234 567.\n";

    #[test]
    fn copied_and_inflected_values_are_supported() {
        let s = Source::new(DOC, "PL");
        let ok = "Sąd zasądził od Jan Kowalski 500 000 zł od 12 marca 2024 r. w Radom.";
        assert_eq!(s.unsupported(ok, true), Vec::<String>::new());
        assert!(
            s.unsupported("Kwota 500.000,00 zł, telefon 601-234-567.", true)
                .is_empty()
        );
    }

    #[test]
    fn invented_amounts_dates_numbers_and_names_are_named() {
        let s = Source::new(DOC, "PL");
        let bad = s.unsupported(
            "Sąd zasądził od Piotra Nowaka 750 000 zł w dniu 13.03.2024, sygn. 45.",
            true,
        );
        assert!(bad.iter().any(|v| v.contains("750")), "{bad:?}");
        assert!(bad.iter().any(|v| v.contains("13.03.2024")), "{bad:?}");
        assert!(bad.contains(&"Piotra".to_string()), "{bad:?}");
        assert!(bad.contains(&"Nowaka".to_string()), "{bad:?}");
        assert!(bad.contains(&"45".to_string()), "{bad:?}");
    }

    #[test]
    fn a_number_moved_into_another_role_is_named() {
        let sentence = "Hinweise nimmt die Kriminalpolizei in der Straße 5 in 13597 \
                        Berlin-Spandau unter der Telefonnummer entgegen.";
        assert_eq!(
            moved_numbers(sentence, "Hinweise unter der Telefonnummer 13597."),
            ["13597"]
        );
        // Shortened and reordered, each number keeps a word it stood next to.
        assert!(
            moved_numbers(sentence, "Hinweise an die Kriminalpolizei, 13597 Berlin.").is_empty()
        );
        let s = "On 3 May 2015 officers arrested 2 men who had stolen 500 zł.";
        assert!(
            moved_numbers(s, "Officers arrested 2 men on 3 May for stealing 500 zł.").is_empty()
        );
        assert_eq!(moved_numbers(s, "2 men stole 3 cars in May."), ["3"]);
    }

    #[test]
    fn values_left_out_of_a_shortened_sentence_are_named() {
        let s =
            "On 12 March 2024 the court in Radom fined Jan K. 5000 zł for the theft of 3 phones.";
        assert_eq!(
            dropped_values(
                s,
                "Jan K. was fined 5000 zł on 12 March 2024 for stealing 3 phones.",
                "PL"
            ),
            Vec::<String>::new()
        );
        let d = dropped_values(
            s,
            "The court in Radom fined Jan K. for stealing phones.",
            "PL",
        );
        assert!(d.iter().any(|v| v.contains("5000")), "{d:?}");
        assert!(d.iter().any(|v| v.contains("2024")), "{d:?}");
        assert!(d.iter().any(|v| v == "3"), "{d:?}");
    }

    #[test]
    fn names_can_be_left_unchecked_for_translations() {
        let s = Source::new(DOC, "PL");
        assert!(
            s.unsupported("The Court awarded 500,000 zł.", false)
                .is_empty()
        );
        assert_eq!(
            s.unsupported("The Court awarded 500,000 zł.", true),
            ["Court"]
        );
    }
}
