//! Signals about a unit that centrality cannot see: whether it is boilerplate, how many facts
//! it carries, whether it opens the concluding part of the text, which units form the title.
//! Each is a cheap pass over the units (linear in the text) and language-light: shapes of
//! words and punctuation, plus a short list of conclusion cues in the five case languages.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

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
/// Relevance kept by a table-of-contents entry, a footnote, a unit that starts mid-sentence.
const CONTENTS_FACTOR: f64 = 0.02;
const FOOTNOTE_FACTOR: f64 = 0.3;
const FRAGMENT_START_FACTOR: f64 = 0.5;
/// Leading units that can belong to the title block.
pub(super) const MAX_TITLE_UNITS: usize = 10;

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
    terminated: bool,
}

pub(super) fn shape(unit: &str) -> Shape {
    let mut words = 0;
    let mut capitalised = 0;
    for (k, raw) in unit.split_whitespace().enumerate() {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if w.is_empty() {
            continue;
        }
        words += 1;
        // Numbers are not names, however they are written.
        if !w.chars().any(|c| c.is_ascii_digit())
            && k > 0
            && w.chars().next().is_some_and(char::is_uppercase)
        {
            capitalised += 1;
        }
    }
    // A marked heading ("## Findings:", "== Hashes") is a heading whatever it ends with.
    let terminated = heading_text(unit).is_none()
        && unit
            .trim_end_matches(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']')
            })
            .ends_with(['.', '!', '?', '…', ';', ':']);
    Shape {
        words,
        capitalised,
        terminated,
    }
}

/// What it takes to tell boilerplate: which units occur verbatim often enough to be running
/// headers or footers.
pub(super) struct Boilerplate {
    /// A hash of each unit's lower-cased words, in unit order: 8 bytes stand for the unit,
    /// where a copy of every unit's text, or a hash map of a million keys, would cost several
    /// times the text.
    keys: Vec<u64>,
    /// The keys found at least [`REPEATED_UNIT`] times, sorted.
    repeated: Vec<u64>,
}

impl Boilerplate {
    pub(super) fn new<'a>(units: impl Iterator<Item = &'a str>) -> Self {
        let keys: Vec<u64> = units.map(unit_key).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        let mut repeated = Vec::new();
        for run in sorted.chunk_by(|a, b| a == b) {
            if run.len() >= REPEATED_UNIT {
                repeated.push(run[0]);
            }
        }
        Self { keys, repeated }
    }

    /// Multiplier in (0, 1] for `unit` (of `shape`): 1 for ordinary prose, less for
    /// boilerplate — short unterminated fragments, lists of names, units repeated verbatim as
    /// headers or footers.
    pub(super) fn factor(&self, i: usize, unit: &str, shape: &Shape) -> f64 {
        let mut f = 1.0;
        if is_contents_line(unit) {
            f *= CONTENTS_FACTOR;
        }
        if is_footnote(unit) {
            f *= FOOTNOTE_FACTOR;
        }
        if is_fragment_start(unit) {
            f *= FRAGMENT_START_FACTOR;
        }
        if !shape.terminated && shape.words < FRAGMENT_WORDS {
            f *= FRAGMENT_FACTOR;
        }
        if shape.words >= NAME_LIST_WORDS
            && shape.capitalised as f64 >= NAME_LIST_SHARE * (shape.words - 1) as f64
        {
            f *= NAME_LIST_FACTOR;
        }
        if self.repeated.binary_search(&self.keys[i]).is_ok() {
            f *= REPEATED_FACTOR;
        }
        f
    }
}

/// A unit's words, lower-cased, hashed (SipHash with fixed keys: deterministic).
fn unit_key(u: &str) -> u64 {
    let mut h = DefaultHasher::new();
    for w in u.split_whitespace() {
        for c in w.chars().flat_map(char::to_lowercase) {
            c.hash(&mut h);
        }
        ' '.hash(&mut h);
    }
    h.finish()
}

/// A table-of-contents entry: a title, a dot leader, a page number ("Division Reports ....18",
/// "Wstęp . . . . . 3", "Einleitung …… 4").
fn is_contents_line(unit: &str) -> bool {
    let t = unit.trim_end();
    let body = t.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_whitespace());
    if body.len() == t.len() {
        return false;
    }
    let leader: String = body
        .chars()
        .rev()
        .take_while(|&c| matches!(c, '.' | '…' | ' ' | '·' | '_'))
        .filter(|c| !c.is_whitespace())
        .collect();
    leader.chars().count() >= 3 || leader.contains("……")
}

/// A footnote or an asterisked note: "*Die Polizei nennt hier keine Namen…", "¹ See …",
/// "[3] Ibid.".
fn is_footnote(unit: &str) -> bool {
    let t = unit.trim_start();
    let mut chars = t.chars();
    match chars.next() {
        Some('*' | '†') => chars.next().is_some_and(|c| !c.is_whitespace() && c != '*'),
        Some('¹' | '²' | '³' | '⁴' | '⁵' | '⁶' | '⁷' | '⁸' | '⁹') => true,
        Some('[') => {
            let inner: String = chars.take_while(|&c| c != ']').collect();
            !inner.is_empty() && inner.len() <= 3 && inner.chars().all(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

/// A unit that starts in the middle of a sentence — in lower case or after an ellipsis: the
/// tail of a sentence cut by a page break or a column ("…has earned a national").
fn is_fragment_start(unit: &str) -> bool {
    let t = unit.trim_start();
    let mut chars = t.chars();
    let (first, second) = (chars.next(), chars.next());
    // "a) …", "b. …" are list items, not cut sentences.
    let list_marker = matches!(second, Some(')' | '.'));
    t.starts_with('…')
        || t.starts_with("...")
        || (first.is_some_and(char::is_lowercase) && !list_marker)
}

/// Key-entity density in 0..=1: the share of a unit's words that are numbers or names —
/// capitalised words (not opening the unit) found in at most a fifth of the units, so a party
/// or a place counts and "Court" does not. A name said once counts too ("Kevin Churchill",
/// "Invercargill" in a press release) unless the language capitalises its nouns (German:
/// see [`NOUN_CAPITALS_SHARE`]); there a word must be found twice. A capitalised word the text
/// mostly uses as a title — after a definite article and before a lower-case word ("the
/// Commission on", "the President of", "la Cour a") — is an institution or a role, not a
/// name: judgments' procedural paragraphs are full of them.
pub(super) struct Entities {
    /// Capitalised words (not opening a unit) and how they are used.
    count: HashMap<String, Mentions>,
    max_units: u32,
    /// Whether a capitalised word found once is a name (see [`NOUN_CAPITALS_SHARE`]).
    single_mentions: bool,
}

/// How a capitalised word is used in a text.
#[derive(Debug, Clone, Copy, Default)]
struct Mentions {
    /// Occurrences.
    all: u32,
    /// Units it occurs in.
    units: u32,
    /// Occurrences after a definite article with a lower-case word after them.
    titled: u32,
}

impl Mentions {
    /// At least [`TITLE_SHARE`] of the occurrences are titled.
    fn is_title(&self) -> bool {
        f64::from(self.titled) >= TITLE_SHARE * f64::from(self.all)
    }
}

/// Share of capitalised words (after the first of a sentence, numbers aside) at which a
/// text is taken to capitalise its nouns: of the 33 bench documents, the English, Polish and
/// French prose measures 0.01–0.28, the German release 0.37. There a capitalised word said
/// once is as likely a noun ("Täter", "Geldautomat") as a name. Texts crowded with proper
/// names (a release listing companies, two IOC notes: 0.31–0.60) are above it too and keep
/// the rule that a name is found twice.
const NOUN_CAPITALS_SHARE: f64 = 0.3;
/// Share of a word's occurrences after a definite article (see [`Entities`]) from which it is
/// a title rather than a name: a name is sometimes "the Smiths" or "the Orange County", a
/// title almost always "the President".
const TITLE_SHARE: f64 = 2.0 / 3.0;

/// Words before a title ("the Commission", "la Cour", "der Präsident", "its Registrar").
const DETERMINERS: &[&str] = &[
    "the", "la", "le", "les", "l", "der", "die", "das", "den", "dem", "des", "el", "los", "las",
    "del", "al", "du", "au", "aux", "this", "that", "its", "their", "his", "her",
];

fn is_determiner(word: &str) -> bool {
    DETERMINERS.contains(&word.to_lowercase().as_str())
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn has_digit(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit())
}

fn words(u: &str) -> Vec<String> {
    u.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

impl Entities {
    /// The counts over all `n` units.
    pub(super) fn new<'a>(units: impl Iterator<Item = &'a str>, n: usize) -> Self {
        let mut count: HashMap<String, Mentions> = HashMap::new();
        // Capitalised and all words of the sentences (headings are title case in English).
        let (mut capitalised, mut all) = (0usize, 0usize);
        for u in units {
            let ws = words(u);
            let sentence = shape(u).terminated;
            let mut seen: Vec<&str> = Vec::new();
            for (k, w) in ws.iter().enumerate().skip(1) {
                let cap = is_capitalised(w);
                if sentence && !has_digit(w) {
                    all += 1;
                    capitalised += usize::from(cap);
                }
                if !cap {
                    continue;
                }
                let e = count.entry(w.clone()).or_default();
                e.all += 1;
                if !seen.contains(&w.as_str()) {
                    seen.push(w);
                    e.units += 1;
                }
                let lower_after = ws.get(k + 1).is_none_or(|x| !is_capitalised(x));
                if is_determiner(&ws[k - 1]) && lower_after {
                    e.titled += 1;
                }
            }
        }
        Self {
            count,
            max_units: (n as u32 / 5).max(2),
            single_mentions: (capitalised as f64) < NOUN_CAPITALS_SHARE * all as f64,
        }
    }

    /// The distinct key entities of a unit, in the order they occur: its numbers (not a
    /// paragraph number opening it) and its names (see [`Entities`]).
    pub(super) fn keys(&self, u: &str) -> Vec<String> {
        self.keys_among(u, words(u))
    }

    /// [`Entities::keys`] of unit `u`, whose [`words`] are `ws`.
    fn keys_among(&self, u: &str, ws: Vec<String>) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        let numbered = u.split_whitespace().next().is_some_and(is_paragraph_number);
        for (k, w) in ws.into_iter().enumerate() {
            let is_key = if has_digit(&w) {
                // "15. The applicant…" is numbered; "13 zatrzymanych…" states a fact.
                !(k == 0 && numbered)
            } else {
                // After a paragraph number the word opens the sentence ("13. Sąd zważył"):
                // capitalised whatever it is, so it must be found twice, as before.
                let once = self.single_mentions && !(k == 1 && numbered);
                let min = if once { 1 } else { 2 };
                k > 0
                    && self
                        .count
                        .get(&w)
                        .is_some_and(|m| m.all >= min && m.units <= self.max_units && !m.is_title())
            };
            if is_key && !keys.contains(&w) {
                keys.push(w);
            }
        }
        keys
    }

    /// The density of one of the units.
    pub(super) fn density(&self, u: &str) -> f64 {
        let ws = words(u);
        let all = ws.len();
        if all == 0 {
            return 0.0;
        }
        (self.keys_among(u, ws).len() as f64 / all as f64 / FULL_ENTITY_SHARE).min(1.0)
    }
}

/// A paragraph or list number opening a unit: "15.", "3)", "(2)", "IV." — a label, not a fact.
pub(super) fn is_paragraph_number(word: &str) -> bool {
    let body = word.strip_prefix('(').unwrap_or(word);
    let Some(body) = body.strip_suffix(['.', ')']) else {
        return false;
    };
    let digits = !body.is_empty() && body.len() <= 3 && body.chars().all(|c| c.is_ascii_digit());
    let roman = !body.is_empty()
        && body.len() <= 5
        && body.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'));
    digits || roman
}

/// Share of key-entity words at which [`Entities::density`] is full.
const FULL_ENTITY_SHARE: f64 = 0.3;

/// Index of the unit that opens the concluding part of the text: the last unit in its second
/// half that starts with a conclusion cue.
pub(super) fn conclusion_start<'a>(n: usize, unit: impl Fn(usize) -> &'a str) -> Option<usize> {
    (n / 2..n).rev().find(|&i| starts_with_cue(unit(i)))
}

/// The text of a Markdown or AsciiDoc heading ("### IOCs", "== Conclusions"), or `None` for
/// any other unit. The marker is a run of `#` or `=` followed by a space.
pub(super) fn heading_text(unit: &str) -> Option<&str> {
    let t = unit.trim_start();
    let marker = t.chars().next().filter(|&c| c == '#' || c == '=')?;
    let rest = t.trim_start_matches(marker);
    let level = t.len() - rest.len();
    (level <= 6 && rest.starts_with(' ')).then(|| rest.trim())
}

fn starts_with_cue(unit: &str) -> bool {
    let lower = heading_text(unit).unwrap_or(unit).trim().to_lowercase();
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
    fn shapes_count_names_and_endings() {
        let s = shape("15. Mr Brincat was arrested in Catania on 10 April 1987.");
        assert_eq!((s.words, s.capitalised), (11, 4));
        assert!(s.terminated);
        assert!(!shape("Biuro Współpracy Policji KGP").terminated);
        assert!(shape("He said: \"It was him.\"").terminated);
    }

    #[test]
    fn repeated_names_and_numbers_are_key_entities() {
        let units = [
            "The Court held a hearing.",
            "Castello took the money of Smith.",
            "Castello was arrested in Yorba Linda on 3 May 2015.",
            "The Court adjourned.",
            "Nothing else happened here at all.",
            "The Court ruled.",
            "The Court closed.",
            "The victim was Smith.",
            "Witnesses saw a car.",
            "The weather was cold.",
            "The Court sat again.",
        ];
        let e = Entities::new(units.iter().copied(), units.len());
        let d: Vec<f64> = units.iter().map(|u| e.density(u)).collect();
        // "Smith" twice after the first word: key; "3" and "2015": key; "Yorba", "Linda" and
        // "May" once: key, a place or a date said once is still a fact; "Castello" only as a
        // first word: not.
        assert!(d[2] > d[1] && d[1] > 0.0, "{d:?}");
        assert_eq!(e.keys(units[2]), ["Yorba", "Linda", "3", "May", "2015"]);
        assert_eq!(e.keys(units[1]), ["Smith"]);
        // "Court" opens most units or is everywhere: not a key entity.
        assert!(d[0] < 1e-9 && d[4] < 1e-9, "{d:?}");
    }

    #[test]
    fn titles_are_not_names_and_nouns_said_once_are_not_names_in_german() {
        let units = [
            "The case was referred to the Commission by the applicant on Monday.",
            "The applicant complained to the Commission about the length of the trial.",
            "Police arrested Kevin Churchill in Guildford after a long inquiry.",
            "The inquiry took two years and involved many officers.",
            "The officers searched the house of the suspect.",
            "The suspect was released on bail after the hearing.",
        ];
        let e = Entities::new(units.iter().copied(), units.len());
        // "the Commission by": a title each time it occurs; "Monday", "Kevin", "Churchill",
        // "Guildford" are said once and still count.
        assert_eq!(e.keys(units[0]), ["Monday"]);
        assert!(e.keys(units[1]).is_empty());
        assert_eq!(e.keys(units[2]), ["Kevin", "Churchill", "Guildford"]);
        // German capitalises every noun: there a word said once is not a name.
        let units = [
            "Der Täter hob am Geldautomaten in der Filiale Bargeld ab.",
            "Die Polizei sucht mit Bildern nach dem Mann aus Berlin.",
            "Der Mann trug eine Basecap und eine dunkle Jacke.",
            "Hinweise nimmt die Kriminalpolizei in Berlin entgegen.",
        ];
        let e = Entities::new(units.iter().copied(), units.len());
        assert!(e.keys(units[0]).is_empty(), "{:?}", e.keys(units[0]));
        assert_eq!(e.keys(units[1]), ["Berlin"]);
    }

    #[test]
    fn a_count_opening_a_unit_is_a_fact_but_a_paragraph_number_is_not() {
        let units = [
            "13 zatrzymanych oszustów trafiło do aresztu.",
            "13. Sąd zważył, co następuje w tej sprawie.",
            "Sąd zważył, co następuje w tej sprawie.",
        ];
        let e = Entities::new(units.iter().copied(), units.len());
        let d: Vec<f64> = units.iter().map(|u| e.density(u)).collect();
        assert!(d[0] > 0.0, "{d:?}");
        assert!(d[1] < 1e-9 && d[2] < 1e-9, "{d:?}");
        assert!(is_paragraph_number("15.") && is_paragraph_number("(2)"));
        assert!(is_paragraph_number("IV."));
        assert!(!is_paragraph_number("13") && !is_paragraph_number("2024."));
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
        let b = Boilerplate::new(units.iter().copied());
        let f: Vec<f64> = units
            .iter()
            .enumerate()
            .map(|(i, u)| b.factor(i, u, &shape(u)))
            .collect();
        assert!((f[0] - 1.0).abs() < 1e-9);
        assert!(
            f[1] < 0.5 && f[2] < 1.0 && f[3] < 0.5 && f[5] < 0.5,
            "{f:?}"
        );
    }

    #[test]
    fn contents_lines_footnotes_and_cut_sentences_are_recognised() {
        assert!(is_contents_line("Division Reports ....18"));
        assert!(is_contents_line("Wstęp . . . . . . 3"));
        assert!(is_contents_line("Einleitung …… 4"));
        assert!(!is_contents_line(
            "He was fined 500 EUR on 3.4.2009 and paid 18"
        ));
        assert!(!is_contents_line(
            "The case was adjourned... 18 months later it resumed."
        ));
        assert!(is_footnote("*Die Polizei nennt hier keine Namen."));
        assert!(is_footnote("¹ See the judgment of 3 May."));
        assert!(is_footnote("[3] Ibid., p. 4."));
        assert!(!is_footnote("* The suspect was arrested."));
        assert!(!is_footnote("[Redacted] paid the bail."));
        assert!(is_fragment_start(
            "has earned a national reputation for it."
        ));
        assert!(is_fragment_start("…and left the car."));
        assert!(!is_fragment_start("Police arrested two men."));
        assert!(!is_fragment_start("a) the applicant was detained."));
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
        let start = |units: &[&'static str]| conclusion_start(units.len(), |i| units[i]);
        assert_eq!(start(&units), Some(5));
        assert_eq!(start(&units[..5]), Some(3));
        assert_eq!(start(&["Z tych względów sąd orzekł.", "a", "b"]), None);
        assert_eq!(start(&["a", "b", "Z tych względów sąd orzekł:"]), Some(2));
        assert!(!starts_with_cue("Conclusionary remarks were made."));
        // A Markdown or AsciiDoc heading opens the conclusions as a plain one does.
        assert!(starts_with_cue("## Conclusions"));
        assert!(starts_with_cue("== 5. Conclusion"));
        assert!(starts_with_cue("Par ces motifs, la Cour"));
    }

    #[test]
    fn marked_headings_are_headings_not_sentences() {
        assert_eq!(heading_text("== Hashes"), Some("Hashes"));
        assert_eq!(heading_text("### IOCs:"), Some("IOCs:"));
        assert_eq!(heading_text("#hashtag in a post."), None);
        // Terminated or not, a heading is not a sentence: it is scaled down as a fragment and
        // can open the title block.
        assert!(!shape("### Indicators of compromise:").terminated);
        assert!(!shape("== Summary of the findings.").terminated);
        let units = [
            "== Summary of the findings.",
            "Police seized 3 kg of cocaine.",
        ];
        let shapes: Vec<Shape> = units.iter().map(|u| shape(u)).collect();
        let b = Boilerplate::new(units.iter().copied());
        assert!(b.factor(0, units[0], &shapes[0]) < 0.5);
        assert_eq!(title_units(&shapes), 1);
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
