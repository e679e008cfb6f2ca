//! Case signatures and legal references: "III K 198/13", "I ACa 927/13", "RSD-0412/26",
//! "art. 286 § 1 k.k.", "§ 263 Abs. 1 StGB". A translation must copy them character for
//! character — an officer searches court registers and statute books with them — so
//! translation sends them to the model as placeholders (see [`super::redact`]) and the
//! verifier checks that each one is still in the answer.
//!
//! These are not entities of the extraction report: they say where a case is filed and which
//! provision applies, not who or what is involved, and the report's kinds are left as they
//! are. The patterns are deliberately narrow (a signature must end in `number/year`, a
//! reference must start with "art." or "§"), so ordinary words are never taken.

use regex::Regex;
use std::sync::LazyLock;

/// Polish court and prosecution signatures: a department (roman numeral, or a unit number,
/// optionally after "PR"/"PO"), a register code ("K", "Ka", "ACa", "AKa", "Ds", "Kp"…; one or
/// two words), and `number/year`, optionally with a suffix ("/P", "/S").
static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:(?:PR|PO)\s+\d{1,3}|[IVXLC]{1,6}|\d{1,3})\s+[A-Z][A-Za-z]{0,4}\.?(?:\s+[A-Z][A-Za-z]{0,4}\.?)?\s+\d{1,6}/\d{2,4}(?:/[A-Z]{1,2})?\b",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// Reference numbers of an office or unit: an upper-case code, a hyphen, digits, and a
/// `/`-separated year or serial ("RSD-0412/26", "KMP-IV-123/24", "WD-5/2021"), and register
/// numbers of exhibits ("wykaz nr I/52/13").
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:[A-Z]{2,6}(?:-[A-Z0-9]{1,6})*-\d{1,6}(?:[./]\d{1,6})*|[IVXLC]{1,6}/\d{1,6})/\d{2,6}\b",
    )
        .unwrap_or_else(|_| unreachable!())
});

/// Polish statute references: "art. 286 § 1 k.k.", "art. 13 § 1 kk", "art. 58 ust. 1 pkt 2",
/// "art. 230, 231 i 233 k.p.c.", "art. 98 § 1 i 3",
/// with the code's abbreviation when it follows (k.k., k.p.k., k.c., k.p.c., k.k.w., k.w.,
/// k.k.s., and their dotless forms).
static ARTICLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bart\.\s*\d+[a-z]?(?:\s*,\s*\d+[a-z]?|\s+i\s+\d+[a-z]?)*(?:\s*§\s*\d+[a-z]?(?:\s*,\s*\d+[a-z]?|\s+i\s+\d+[a-z]?)*)?(?:\s*(?:ust\.|pkt|lit\.)\s*\d+[a-z]?)*(?:\s+(?:k\.\s?k\.\s?[ws]\.|k\.\s?p\.\s?[kc]\.|k\.\s?[kcw]\.|kkw|kks|kpk|kpc|kk|kc|kw)(?:\W|$))?",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// A reference ending in a code's dotless abbreviation ("art. 193 kk").
static DOTLESS_CODE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s(?:kkw|kks|kpk|kpc|kk|kc|kw)$").unwrap_or_else(|_| unreachable!())
});

/// German and other `§` references that name their code: "§ 263 StGB", "§ 263 Abs. 1 StGB",
/// "§§ 242, 243 StGB"; a `§` with its number only when a code or "Abs." follows, so a list
/// marker "§ 3." stays text.
static PARAGRAPH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"§§?\s*\d+[a-z]?(?:\s*,\s*\d+[a-z]?)*(?:\s+(?:Abs\.|Satz|S\.|Nr\.)\s*\d+[a-z]?)*\s+(?:StGB|StPO|BGB|ZPO|GG|OWiG|BtMG|AufenthG|WaffG|StVG|StVO|JGG|HGB|AO)\b",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// Citations of an official journal, where a statute was published: the Polish "Dz. U. z 1983
/// r. nr 49 poz. 223" (also "Dz.U. 2019 poz. 1950", "t.j. Dz. U.", Monitor Polski "M.P."),
/// and the German "BGBl. I S. 3322". "M. P." alone is a person's initials; only with a year
/// and an item is it the journal. Left as text, a small model translates "Dz. U." into
/// words of its own and the citation can no longer be looked up.
static JOURNAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\bDz\.\s?U\.(?:\s+z\s+\d{4}\s?r\.|\s+\d{4})?(?:\s*,?\s*[Nn]r\.?\s*\d+)?(?:\s*,?\s*poz\.\s*\d+)?|\bM\.\s?P\.(?:\s+z\s+\d{4}\s?r\.|\s+\d{4})(?:\s*,?\s*[Nn]r\.?\s*\d+)?\s*,?\s*poz\.\s*\d+|\bBGBl\.\s?(?:III|II|I)?\s?S\.\s?\d+",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// Byte ranges of the signatures and references in `text`, in order, without overlaps (the
/// longest wins where two start at the same place).
pub fn references(text: &str) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = Vec::new();
    for re in [&*SIGNATURE, &*REFERENCE, &*ARTICLE, &*PARAGRAPH, &*JOURNAL] {
        for m in re.find_iter(text) {
            // The article pattern takes the character after a code's abbreviation to know it
            // ended ("kk," but not "kkx"); that character is not part of the reference.
            let s = m.as_str();
            let mut trimmed = s.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '.');
            // "kk." at the end of a sentence: the full stop is the sentence's, not the code's.
            if let Some(t) = trimmed.strip_suffix('.')
                && DOTLESS_CODE_END.is_match(t)
            {
                trimmed = t;
            }
            found.push((m.start(), m.start() + trimmed.len()));
        }
    }
    without_overlaps(found)
}

/// `spans` in order, earliest first, the longest where two start at the same place, and none
/// that overlaps one kept before it.
pub(super) fn without_overlaps(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_by_key(|&(s, e)| (s, std::cmp::Reverse(e)));
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        if out.last().is_some_and(|&(_, end)| s < end) {
            continue;
        }
        out.push((s, e));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        references(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn signatures_and_references_are_found_whole() {
        assert_eq!(
            found(
                "Sygn. akt III K 198/13, XV K 792/13 oraz I ACa 927/13; pismo RSD-0412/26 \
                 z art. 286 § 1 k.k. w zw. z art. 13 § 1 kk, a w Niemczech § 263 Abs. 1 StGB."
            ),
            [
                "III K 198/13",
                "XV K 792/13",
                "I ACa 927/13",
                "RSD-0412/26",
                "art. 286 § 1 k.k.",
                "art. 13 § 1 kk",
                "§ 263 Abs. 1 StGB"
            ]
        );
        assert_eq!(
            found("na podstawie art. 58 ust. 1 pkt 2 ustawy"),
            ["art. 58 ust. 1 pkt 2"]
        );
        assert_eq!(found("PR 1 Ds 123/2021"), ["PR 1 Ds 123/2021"]);
        assert_eq!(
            found("przepisów art. 230, 231 i 233 k.p.c. oraz art. 98 § 1 i 3 oraz art. 99 k.p.c."),
            [
                "art. 230, 231 i 233 k.p.c.",
                "art. 98 § 1 i 3",
                "art. 99 k.p.c."
            ]
        );
        assert_eq!(found("w wykazie nr I/52/13 pod pozycją 1"), ["I/52/13"]);
        assert_eq!(
            found("z art. 193 kk. Sąd zważył, że art. 31 § 1 i 2 kk."),
            ["art. 193 kk", "art. 31 § 1 i 2 kk"]
        );
        assert_eq!(found("w sprawie IV CSK 270/12 Sąd"), ["IV CSK 270/12"]);
    }

    #[test]
    fn journal_citations_are_found_with_their_year_number_and_item() {
        assert_eq!(
            found("o opłatach w sprawach karnych (t.j. Dz. U. z 1983 r. nr 49 poz. 223 ze zm.)."),
            ["Dz. U. z 1983 r. nr 49 poz. 223"]
        );
        assert_eq!(
            found("ogłoszona w Dz.U. 2019 poz. 1950 oraz M.P. z 2020 r. poz. 12"),
            ["Dz.U. 2019 poz. 1950", "M.P. z 2020 r. poz. 12"]
        );
        assert_eq!(
            found("vom 13. November 1998 (BGBl. I S. 3322) zuletzt"),
            ["BGBl. I S. 3322"]
        );
    }

    #[test]
    fn ordinary_text_numbers_and_list_markers_are_not_taken() {
        for t in [
            "§ 3. Umowa wchodzi w życie 12.03.2024 r.",
            "Kobieta przekazała 30 tys. zł w dniu 12/03/2024.",
            "I went home at 10/12 of the way.",
            "ul. Długa 12 M 3/4",
            "Mp. 3 i Dz. 12",
            "świadek M. P. zeznał, że M. P. z domu",
        ] {
            assert!(found(t).is_empty(), "{t}: {:?}", found(t));
        }
    }
}
