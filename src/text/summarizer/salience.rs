//! Signals about a unit that centrality cannot see: whether it is boilerplate, how many facts
//! it carries, whether it opens the concluding part of the text, which units form the title.
//! Each is a cheap pass over the units (linear in the text) and language-light: shapes of
//! words and punctuation, plus a short list of conclusion cues in the five case languages.

use std::collections::HashMap;

/// Units with fewer words than this that end without sentence punctuation are headings,
/// bylines, letterhead, footers or list fragments.
const FRAGMENT_WORDS: usize = 8;
/// Relevance kept by such a fragment.
const FRAGMENT_FACTOR: f64 = 0.3;
/// A unit of at least this many words in which this share of the words (after the first) is
/// capitalised is a list of names (a bench, a distribution list, a table of parties).
const NAME_LIST_WORDS: usize = 12;
const NAME_LIST_SHARE: f64 = 0.45;
const NAME_LIST_FACTOR: f64 = 0.5;
/// A unit found verbatim this often is a running header or footer ("Page 2", a letterhead).
const REPEATED_UNIT: usize = 3;
const REPEATED_FACTOR: f64 = 0.2;
/// Share of numbers among the words at which the fact density is full.
const FULL_FACT_SHARE: f64 = 0.3;
/// Leading units that can belong to the title block.
const MAX_TITLE_UNITS: usize = 10;

/// Openings of the part of a text that states its outcome: a judgment's operative part, a
/// report's conclusions. Compared case-insensitively with the start of a unit after any
/// section number ("IV. CONCLUSION").
const CONCLUSION_CUES: &[&str] = &[
    // English
    "for these reasons",
    "for the foregoing reasons",
    "conclusion",
    "in conclusion",
    "conclusions",
    "to conclude",
    "findings",
    "summary of findings",
    // Polish
    "z tych względów",
    "z powyższych względów",
    "wnioski",
    "podsumowanie",
    "wnioski końcowe",
    // German
    "aus diesen gründen",
    "aus den genannten gründen",
    "fazit",
    "ergebnis",
    "schlussfolgerung",
    "zusammenfassung",
    // French
    "par ces motifs",
    "en conclusion",
    // Spanish
    "por estos motivos",
    "por todo lo expuesto",
    "por lo expuesto",
    "en conclusión",
    "fallo",
    "fallamos",
];

/// What the words and punctuation of one unit say about it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Shape {
    words: usize,
    capitalised: usize,
    numeric: usize,
    terminated: bool,
}

pub(super) fn shape(unit: &str) -> Shape {
    let mut words = 0;
    let mut capitalised = 0;
    let mut numeric = 0;
    for (k, raw) in unit.split_whitespace().enumerate() {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if w.is_empty() {
            continue;
        }
        words += 1;
        if w.chars().any(|c| c.is_ascii_digit()) {
            // A leading "15." numbers the paragraph; it is not a fact.
            if !(k == 0 && raw.ends_with(['.', ')'])) {
                numeric += 1;
            }
        } else if k > 0 && w.chars().next().is_some_and(char::is_uppercase) {
            capitalised += 1;
        }
    }
    let terminated = unit
        .trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']')
        })
        .ends_with(['.', '!', '?', '…', ';', ':']);
    Shape {
        words,
        capitalised,
        numeric,
        terminated,
    }
}

/// Multiplier in (0, 1] for each unit: 1 for ordinary prose, less for boilerplate — short
/// unterminated fragments, lists of names, units repeated verbatim as headers or footers.
pub(super) fn boilerplate_factors(units: &[&str], shapes: &[Shape]) -> Vec<f64> {
    let key = |u: &str| {
        u.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for u in units {
        *seen.entry(key(u)).or_default() += 1;
    }
    units
        .iter()
        .zip(shapes)
        .map(|(u, s)| {
            let mut f = 1.0;
            if !s.terminated && s.words < FRAGMENT_WORDS {
                f *= FRAGMENT_FACTOR;
            }
            if s.words >= NAME_LIST_WORDS
                && s.capitalised as f64 >= NAME_LIST_SHARE * (s.words - 1) as f64
            {
                f *= NAME_LIST_FACTOR;
            }
            if seen.get(&key(u)).copied().unwrap_or(0) >= REPEATED_UNIT {
                f *= REPEATED_FACTOR;
            }
            f
        })
        .collect()
}

/// Fact density in 0..=1: the share of words that are numbers — dates, amounts, counts,
/// articles of law — full at [`FULL_FACT_SHARE`]. Capitalised words are not counted: in case
/// material they are as often a bench of judges or a court's address as the facts.
pub(super) fn fact_density(s: &Shape) -> f64 {
    if s.words == 0 {
        return 0.0;
    }
    let share = s.numeric as f64 / s.words as f64;
    (share / FULL_FACT_SHARE).min(1.0)
}

/// Index of the unit that opens the concluding part of the text: the last unit in its second
/// half that starts with a conclusion cue.
pub(super) fn conclusion_start(units: &[&str]) -> Option<usize> {
    let half = units.len() / 2;
    (half..units.len())
        .rev()
        .find(|&i| starts_with_cue(units[i]))
}

fn starts_with_cue(unit: &str) -> bool {
    let lower = unit.trim().to_lowercase();
    // Skip a section number: "IV.", "4.", "D)".
    let body = match lower.split_once(char::is_whitespace) {
        Some((first, rest))
            if first.len() <= 5
                && first.ends_with(['.', ')'])
                && first[..first.len() - 1]
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, 'i' | 'v' | 'x' | 'a'..='h')) =>
        {
            rest.trim_start()
        }
        _ => lower.as_str(),
    };
    CONCLUSION_CUES.iter().any(|cue| {
        body.strip_prefix(cue)
            .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
    })
}

/// How many leading units form the title block: the unterminated units (headings, case name,
/// letterhead, date) before the first sentence, at most [`MAX_TITLE_UNITS`].
pub(super) fn title_units(shapes: &[Shape]) -> usize {
    shapes
        .iter()
        .take(MAX_TITLE_UNITS)
        .take_while(|s| !s.terminated)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_count_facts_and_endings() {
        let s = shape("15. Mr Brincat was arrested in Catania on 10 April 1987.");
        assert_eq!((s.words, s.numeric, s.capitalised), (11, 2, 4));
        assert!(s.terminated);
        assert!(!shape("Biuro Współpracy Policji KGP").terminated);
        assert!(shape("He said: \"It was him.\"").terminated);
        assert!(fact_density(&shape("It was late and cold.")) < 1e-9);
        assert!((fact_density(&s) - 2.0 / 11.0 / FULL_FACT_SHARE).abs() < 1e-9);
        assert!((fact_density(&shape("Paid 8,000 EUR on 3.4.2009.")) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn boilerplate_is_scaled_down() {
        let units = [
            "The suspect entered the shop at noon and took a phone.",
            "Komenda Stołeczna Policji",
            "Present: Mr A. Smith, Mrs B. Jones, Mr C. Brown, Mr D. White, Mrs E. Black, Mr F. Green.",
            "Page footer text that repeats.",
            "Page footer text that repeats.",
            "Page footer text  that repeats.",
        ];
        let shapes: Vec<Shape> = units.iter().map(|u| shape(u)).collect();
        let f = boilerplate_factors(&units, &shapes);
        assert!((f[0] - 1.0).abs() < 1e-9);
        assert!(
            f[1] < 0.5 && f[2] < 1.0 && f[3] < 0.5 && f[5] < 0.5,
            "{f:?}"
        );
    }

    #[test]
    fn conclusion_cues_in_the_second_half() {
        let units = [
            "For these reasons we start.",
            "Facts.",
            "More facts.",
            "IV. CONCLUSION",
            "Even more.",
            "FOR THESE REASONS, THE COURT UNANIMOUSLY",
            "Holds that there has been a violation.",
        ];
        assert_eq!(conclusion_start(&units), Some(5));
        assert_eq!(conclusion_start(&units[..5]), Some(3));
        assert_eq!(
            conclusion_start(&["Z tych względów sąd orzekł.", "a", "b"]),
            None
        );
        assert_eq!(
            conclusion_start(&["a", "b", "Z tych względów sąd orzekł:"]),
            Some(2)
        );
        assert!(!starts_with_cue("Conclusionary remarks were made."));
        assert!(starts_with_cue("Par ces motifs, la Cour"));
    }

    #[test]
    fn title_block_is_the_leading_headings() {
        let shapes: Vec<Shape> = ["COURT (CHAMBER)", "CASE OF X v. Y", "The case began.", "Z"]
            .iter()
            .map(|u| shape(u))
            .collect();
        assert_eq!(title_units(&shapes), 2);
        assert_eq!(title_units(&shapes[2..]), 0);
    }
}
