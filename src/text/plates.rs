//! Vehicle registration plates, found only where the text says a plate follows ("nr rej.",
//! "plate", "Kennzeichen", "immatriculation", "matrícula"…): plate formats differ by country
//! and overlap with model numbers, postcodes and references, so the words around are what
//! tell them apart.
//!
//! A plate is one to three groups of capital letters and digits joined by spaces or dashes,
//! 3–8 characters in all (the longest European plates have 8), with at least one letter and
//! one digit. Up to four other words may stand between the label and the plate ("tablice
//! rejestracyjne o numerach WE 12345", "registration number is AB12 CDE"), and plates listed
//! with "i", "and", "und", "et", "y" or a comma after the first are taken too.

use super::entity::{EntityKind, Hit};
use super::scan::{Context, Regions, pattern};
use std::sync::LazyLock;

static LABEL: LazyLock<regex::Regex> = LazyLock::new(|| {
    pattern(
        // Letter case spelled out rather than `(?i)`, so the engine can look for the words'
        // first letters instead of running over every byte.
        r"\b(?:[Pp]lates?|PLATES?|[Rr]egistration|REGISTRATION|[Rr]eg\.|REG\.|[Rr]ej\.|REJ\.|[Rr]ejestracyjn\p{L}*|REJESTRACYJN\p{L}*|[Kk]ennzeichen|KENNZEICHEN|[Ii]mmatricul\p{L}*|IMMATRICUL\p{L}*|[Mm]atr[ií]cula|MATR[IÍ]CULA|[Tt]arga|TARGA|[Kk]enteken|KENTEKEN|[Nn]ummernschild|NUMMERNSCHILD|[Pp]lacas?|PLACAS?|SPZ)(?:[^\p{L}\p{N}]|$)",
    )
});

/// A vehicle described by year and make, then a comma: what follows may be its plate, as in
/// a list of stolen cars ("2000 Peugeot 206, ZG1220, stolen from Windsor"). The year and the
/// make are the cue a label would be; the plate must stand alone between punctuation.
static DESCRIBED: LazyLock<regex::Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:19|20)\d\d\s+(?:[A-Za-z]+\s+){0,2}(?:Toyota|Honda|Ford|Nissan|Mazda|Subaru|Mitsubishi|Suzuki|Hyundai|Kia|Volkswagen|VW|Audi|BMW|Mercedes(?:-Benz)?|Opel|Vauxhall|Peugeot|Renault|Citro[eë]n|Fiat|[SŠ]koda|Seat|SEAT|Volvo|Chevrolet|Chevy|Dodge|Jeep|Chrysler|Tesla|Lexus|Holden|Jaguar|Land\s+Rover|Range\s+Rover|Mini|MINI|Dacia|Porsche|GMC|Buick|Cadillac|Lada|Daewoo|Isuzu|Infiniti|Acura|Alfa\s+Romeo|Lancia|Saab|Smart)\b[^,;\n()]*,[ \t]*",
    )
});

/// Longest run of words after a label that is searched for a plate.
const MAX_FILLER_WORDS: usize = 4;
const MAX_PLATE_CHARS: usize = 8;
const MAX_PLATE_GROUPS: usize = 3;

/// Plates after a label in `text`, normalized uppercase without spaces or dashes.
pub(super) fn find_plates(text: &str, _regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::new();
    for m in LABEL.find_iter(text) {
        // A label that is part of a plate already found, or of the previous label's list.
        if out.last().is_some_and(|h| h.end > m.start()) {
            continue;
        }
        let words = words_after(text, m.end(), 24);
        let mut i = 0;
        let mut skipped = 0;
        while i < words.len() && skipped <= MAX_FILLER_WORDS {
            match longest_plate(text, &words[i..]) {
                Some((taken, hit)) => {
                    out.push(hit);
                    i += taken;
                    skipped = 0;
                    // Further plates only in a list: "WA 12345 i WB 54321", "AB-123-CD, EF-456-GH".
                    let listed = words.get(i).is_some_and(|&(s, e)| {
                        matches!(
                            text[s..e].to_lowercase().as_str(),
                            "i" | "oraz" | "and" | "und" | "et" | "y" | "or" | "lub"
                        )
                    }) || text[out.last().map_or(0, |h| h.end)..]
                        .trim_start()
                        .starts_with(',');
                    if !listed {
                        break;
                    }
                }
                None => {
                    i += 1;
                    skipped += 1;
                }
            }
        }
    }
    for m in DESCRIBED.find_iter(text) {
        // The model between the make and the comma is a few words ("Legacy Station wagon");
        // the pattern leaves that bound to this check, since a bounded repetition there
        // makes the regex engine give up its DFA on long texts.
        // Year, colour, make: about 40 characters; the model up to 60 more.
        if text[m.start()..m.end()].chars().count() > 100 {
            continue;
        }
        let words = words_after(text, m.end(), 3);
        let Some((_, hit)) = longest_plate(text, &words) else {
            continue;
        };
        // Alone between punctuation, and more than a model code ("GT3", "RAV4").
        let alone = text[hit.end..]
            .chars()
            .next()
            .is_none_or(|c| matches!(c, ',' | ';' | '.' | ')' | '\n' | '\r'));
        let letters = hit
            .normalized
            .chars()
            .filter(char::is_ascii_uppercase)
            .count();
        let digits = hit.normalized.len() - letters;
        if alone && hit.normalized.len() >= 5 && letters >= 2 && digits >= 2 {
            out.push(hit);
        }
    }
    out
}

/// Byte spans of up to `n` words after `at`, each trimmed of the punctuation around it.
fn words_after(text: &str, at: usize, n: usize) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut rest = &text[at..];
    let mut offset = at;
    while words.len() < n {
        let trimmed = rest.trim_start();
        offset += rest.len() - trimmed.len();
        rest = trimmed;
        if rest.is_empty() {
            break;
        }
        let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..len];
        let lead = word.len() - word.trim_start_matches(is_wrapping).len();
        let inner = word.trim_matches(is_wrapping);
        if !inner.is_empty() {
            words.push((offset + lead, offset + lead + inner.len()));
        }
        // The end of a sentence ends the search, but not a short abbreviation ("nr.", "o.").
        let sentence_end = word.ends_with([';', '!', '?'])
            || word.ends_with('.') && inner.chars().count() > 4 && !is_group(inner);
        if sentence_end {
            break;
        }
        rest = &rest[len..];
        offset += len;
    }
    words
}

fn is_wrapping(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '"'
            | '\''
            | '„'
            | '”'
            | '“'
            | '«'
            | '»'
    )
}

/// Capitals and digits, in parts joined by single dashes: "WA", "12345", "AB-123-CD".
fn is_group(word: &str) -> bool {
    !word.is_empty()
        && word.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

/// Makes written in capitals before a model ("BMW X5", "VW T5", "FIAT 500"): the pair is
/// shaped like a plate, but a plate does not start with a make's name.
const MAKES: &[&str] = &[
    "BMW", "VW", "GMC", "KIA", "FIAT", "AUDI", "FORD", "MINI", "SEAT", "OPEL", "JEEP", "DODGE",
    "SKODA", "LADA", "SAAB", "TESLA", "VOLVO", "HONDA", "MAZDA", "LEXUS", "ACURA", "ISUZU",
    "DACIA", "TOYOTA", "NISSAN", "SUBARU", "SUZUKI", "HYUNDAI", "PEUGEOT", "RENAULT", "IVECO",
    "MAN", "DAF", "RAM",
];

/// The longest plate made of the first one to three of `words`, and how many it took.
fn longest_plate(text: &str, words: &[(usize, usize)]) -> Option<(usize, Hit)> {
    if words
        .first()
        .is_some_and(|&(s, e)| MAKES.contains(&&text[s..e]))
    {
        return None;
    }
    let mut best = None;
    let mut compact = String::new();
    for (n, &(s, e)) in words.iter().take(MAX_PLATE_GROUPS).enumerate() {
        let word = &text[s..e];
        if !is_group(word) {
            break;
        }
        // Groups of one plate are separated by a single space or dash.
        if n > 0 && text[words[n - 1].1..s].chars().count() != 1 {
            break;
        }
        compact.extend(word.chars().filter(char::is_ascii_alphanumeric));
        if compact.len() > MAX_PLATE_CHARS {
            break;
        }
        if plate_shaped(&compact) {
            best = Some((
                n + 1,
                Hit {
                    kind: EntityKind::Plate,
                    start: words[0].0,
                    end: e,
                    normalized: compact.clone(),
                    check: Default::default(),
                },
            ));
        }
    }
    best
}

fn plate_shaped(compact: &str) -> bool {
    (3..=MAX_PLATE_CHARS).contains(&compact.len())
        && compact.chars().any(|c| c.is_ascii_uppercase())
        && compact.chars().any(|c| c.is_ascii_digit())
}

/// The normalized plate if the whole of `value` is shaped like one (no label needed).
pub(super) fn normalize_plate(value: &str) -> Option<String> {
    let upper = value.trim().to_uppercase();
    let groups: Vec<&str> = upper.split([' ', '-']).collect();
    if groups.len() > MAX_PLATE_GROUPS + 1 || groups.iter().any(|g| g.is_empty()) {
        return None;
    }
    if !groups.iter().all(|g| is_group(g)) {
        return None;
    }
    let compact: String = upper.chars().filter(char::is_ascii_alphanumeric).collect();
    plate_shaped(&compact).then_some(compact)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::testing::{kinds, of_kind};

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
        // A list of stolen vehicles: year, make and model, then the plate.
        let t = "1. 2000 Peugeot 206, ZG1220, stolen from Windsor\n2. 1993 blue Honda Civic, \
                 SP9062, stolen\n3. 1993 red Subaru Legacy Station wagon, ZB9062, stolen from Ohai";
        assert_eq!(
            of_kind(t, EntityKind::Plate),
            ["ZG1220", "SP9062", "ZB9062"]
        );
        // A make and a model after a label are not a plate.
        for t in [
            "plates: a BMW X5",
            "Kennzeichen unbekannt, ein VW T5",
            "plate FIAT 500",
        ] {
            assert!(
                of_kind(t, EntityKind::Plate).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
        for t in [
            "a 2019 Toyota RAV4, RAV4 owners",
            "1993 Honda Civic, 1500 km",
            "the 2021 Ford Mustang, GT500 and others",
            "2000 Peugeot 206, stolen, ZG1220",
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
}
