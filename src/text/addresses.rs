//! Street addresses and postcodes a translation copies as written: "Kurfürstendamm 150",
//! "Charlottenburger Chaussee 75", "13597 Berlin-Spandau", "12 rue de la République",
//! "00-950 Warszawa". An officer looks an address up as the source spells it; a small model
//! translates it ("Franklin Street 5") or drops it. Translation sends them to the model as
//! placeholders, like identifiers (see [`super::redact`]).
//!
//! Polish street names after "ul."/"al." are not taken: the source declines them ("przy ul.
//! Piotrkowskiej 12") and the translation rightly gives the nominative; the verifier checks
//! those by stem instead. The patterns are narrow on purpose — a German one-word street must
//! end in a street word and be followed by a house number, a postcode must follow "in", a
//! comma or the start of a line — so ordinary words stay text for the model.

use regex::Regex;
use std::sync::LazyLock;

/// German streets with a house number: one word ending in a street word ("Franklinstraße 5",
/// "Kurfürstendamm 150", "Karl-Marx-Allee 33a") or an adjective in -er before one
/// ("Charlottenburger Chaussee 75", "Potsdamer Platz 1") — not "Der Weg 5": the adjective
/// is a long one and "Weg", "Ring" and "Gasse" alone are common nouns.
static STREET_DE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:[A-ZÄÖÜ][\p{L}-]*?(?i:straße|strasse|str\.|damm|weg|allee|platz|gasse|ring|ufer|chaussee)|[A-ZÄÖÜ][\p{L}-]{3,}er\s+(?:Straße|Strasse|Str\.|Chaussee|Allee|Platz|Damm|Ufer))\s+\d{1,4}[a-z]?(?:\s?[-–]\s?\d{1,4}[a-z]?)?\b",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// French streets, with or without a number: "12 rue de la République", "3 bis, avenue
/// Victor Hugo", "quai des Orfèvres".
static STREET_FR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+)?\b(?:rue|avenue|boulevard|place|quai|allée|impasse|chemin|cours)\s+(?:de\s+la\s+|de\s+l['’]|des\s+|du\s+|de\s+|d['’])?[A-ZÉÈ][\p{L}'’-]*(?:\s+(?:de\s+la\s+|de\s+|du\s+|des\s+)?[A-ZÉÈ][\p{L}'’-]*)*",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// Polish postcodes with their town: "00-950 Warszawa", "15-950 Białystok".
static POSTCODE_PL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b\d{2}-\d{3}\s+[A-ZĄĆĘŁŃÓŚŹŻ]\p{L}+(?:[- ][A-ZĄĆĘŁŃÓŚŹŻ]\p{L}+)*")
        .unwrap_or_else(|_| unreachable!())
});

/// German and French five-digit postcodes with their town ("13597 Berlin-Spandau", "75001
/// Paris"), only after "in", a comma, "D-"/"F-" or at the start of a line: elsewhere five
/// digits before a capitalised German noun are as often a count ("20000 Besucher").
static POSTCODE_DE_FR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^|\bin\s+|,\s*|\b[DF]-)(\d{5}\s+[A-ZÄÖÜÉ]\p{L}+(?:-[A-ZÄÖÜÉ]\p{L}+)*)")
        .unwrap_or_else(|_| unreachable!())
});

/// Words after five digits that make them an amount, not a postcode.
const NOT_A_TOWN: [&str; 6] = ["Euro", "EUR", "Dollar", "Franken", "Francs", "Zloty"];

/// Byte ranges of the addresses and postcodes in `text`, in order, without overlaps (the
/// longest wins where two start at the same place).
pub fn addresses(text: &str) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = Vec::new();
    for re in [&*STREET_DE, &*STREET_FR, &*POSTCODE_PL] {
        found.extend(re.find_iter(text).map(|m| (m.start(), m.end())));
    }
    for c in POSTCODE_DE_FR.captures_iter(text) {
        let Some(m) = c.get(1) else { continue };
        let town = m.as_str()[5..].trim_start();
        if !NOT_A_TOWN.iter().any(|w| town.starts_with(w)) {
            found.push((m.start(), m.end()));
        }
    }
    super::legal::without_overlaps(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        addresses(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn german_streets_and_postcodes_are_found_whole() {
        assert_eq!(
            found("aus einem am Kurfürstendamm 150 im Ortsteil Halensee abgestellten LKW"),
            ["Kurfürstendamm 150"]
        );
        assert_eq!(
            found("in der Charlottenburger Chaussee 75 in 13597 Berlin-Spandau unter der"),
            ["Charlottenburger Chaussee 75", "13597 Berlin-Spandau"]
        );
        assert_eq!(
            found("vor dem Haus Franklinstraße 5 und an der Karl-Marx-Allee 33a"),
            ["Franklinstraße 5", "Karl-Marx-Allee 33a"]
        );
    }

    #[test]
    fn french_streets_and_polish_postcodes_are_found() {
        assert_eq!(
            found("domicilié 12 rue de la République à Lyon, puis quai des Orfèvres"),
            ["12 rue de la République", "quai des Orfèvres"]
        );
        assert_eq!(
            found("Komenda Wojewódzka Policji, ul. Sienkiewicza 65, 15-003 Białystok"),
            ["15-003 Białystok"]
        );
    }

    #[test]
    fn counts_amounts_ranges_and_ordinary_words_are_not_taken() {
        for t in [
            "Der Weg 5 Minuten lang war frei.",
            "Es kamen 20000 Besucher, der Schaden: 15000 Euro.",
            "Zatrzymano 10-100 osób w wieku 18-25 lat.",
            "przy ul. Piotrkowskiej 12 w Łodzi",
            "Il a pris la rue à 8 heures.",
        ] {
            assert!(found(t).is_empty(), "{t}: {:?}", found(t));
        }
    }
}
