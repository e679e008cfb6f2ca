//! The toolkit every finder shares: the finder interface ([`Finder`]), where in a text to
//! look ([`regions`]), how patterns are written ([`pattern`], with defanged dots and at signs),
//! and how the words around a match are read.
//!
//! Every kind but URLs, e-mail addresses and domains holds a digit, and most of a report is
//! words without one, so one cheap pass ([`regions`]) marks the stretches around digits (with
//! what they hold: how many digits, colons, dots) and the regular expressions run only there,
//! and only where they could match. Each pass of a pattern over the whole text costs about as
//! much as this one, and there are a dozen.
//!
//! Windows start and end at ASCII whitespace, so a word boundary at a window's edge is the
//! same as in the whole text, and context checks still read the whole text.

use super::entity::Hit;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

// ---------------------------------------------------------------------------------------------
// The finder interface

/// What a finder is told besides the text and its [`Regions`].
pub(super) struct Context<'a> {
    /// The default region: how numbers written without a country code are read (phones,
    /// Polish account numbers, ambiguous dates). `None` when unknown.
    pub(super) region: Option<phonenumber::country::Id>,
    /// The region with where it came from and the document's language: whether values read
    /// with it are verified, and what to try when there is none.
    pub(super) doc: &'a super::region::DocRegion,
    /// Whether `start..end` is still free of readings that outrank this finder's. The finders
    /// that run last (phones, times) skip candidates on taken bytes before their costly
    /// checks, since those could not win there; for the others every span is free.
    pub(super) free: &'a dyn Fn(usize, usize) -> bool,
}

/// The one interface of every finder: the readings it makes of `text`, in any order.
pub(super) type Finder = fn(&str, &Regions, &Context<'_>) -> Vec<Hit>;

// ---------------------------------------------------------------------------------------------
// Regions: one pass over the bytes

/// Words a match may have before its first word with a digit ("XXXX XXXX XXXX 4242",
/// "o godz. 21.03", "PLN 100") and after its last ("1,5 mln zł", "9:40 pm"). A date such as
/// "14 de marzo de 2026" is covered by the windows of its two numbers meeting.
const BEFORE: usize = 3;
const AFTER: usize = 2;

/// A stretch of text around words with digits, and what those words hold.
#[derive(Debug, Clone, Default)]
pub(super) struct Window {
    pub(super) start: usize,
    pub(super) end: usize,
    /// Digits in all its words.
    pub(super) digits: usize,
    /// Most digits in consecutive words with digits ("600 123 456" has 9).
    pub(super) run: usize,
    /// Longest word with a digit, in bytes.
    pub(super) longest: usize,
    pub(super) dots: usize,
    pub(super) colons: usize,
    /// "[", "(" or "{" in a word with a digit: a defanged dot may be there.
    pub(super) brackets: bool,
    /// "h" or "H" in a word with a digit ("21h03").
    pub(super) h: bool,
}

impl Window {
    pub(super) fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// Where the extractors look.
#[derive(Debug, Default)]
pub(super) struct Regions {
    /// Around words with digits.
    pub(super) numeric: Vec<Window>,
    /// Words with an "@" or a defanged one: where e-mail addresses can be.
    pub(super) at: Vec<Range<usize>>,
    /// Words with a dot followed by a letter or digit, or a bracket: where domains can be.
    pub(super) dotted: Vec<Range<usize>>,
}

/// What a byte is, for the one pass [`regions`] makes; a table, since a chain of comparisons
/// per byte costs as much as the regular expressions it saves.
const SPACE: u8 = 1;
const DIGIT: u8 = 2;
const DOT: u8 = 3;
const COLON: u8 = 4;
const BRACKET: u8 = 5;
const H: u8 = 6;
const AT: u8 = 7;

static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => SPACE,
            b'0'..=b'9' => DIGIT,
            b'.' => DOT,
            b':' => COLON,
            b'[' | b'(' | b'{' => BRACKET,
            b'h' | b'H' => H,
            b'@' => AT,
            _ => 0,
        };
        b += 1;
    }
    table
};

pub(super) fn regions(text: &str) -> Regions {
    let bytes = text.as_bytes();
    let mut regions = Regions::default();
    // Starts of the last BEFORE words, oldest first once full.
    let mut recent: [usize; BEFORE] = [0; BEFORE];
    let mut seen = 0usize;
    let mut current: Option<Window> = None;
    let mut after_left = 0;
    let mut run = 0;
    let mut pos = 0;
    while pos < bytes.len() {
        if CLASS[usize::from(bytes[pos])] == SPACE {
            pos += 1;
            continue;
        }
        let start = pos;
        let mut digits = 0;
        let mut dots = 0;
        let mut colons = 0;
        let mut brackets = false;
        let mut h = false;
        let mut at = false;
        let mut dotted = false;
        while pos < bytes.len() {
            match CLASS[usize::from(bytes[pos])] {
                0 => {}
                SPACE => break,
                DIGIT => digits += 1,
                DOT => {
                    dots += 1;
                    dotted |= bytes
                        .get(pos + 1)
                        .is_some_and(|&b| b.is_ascii_alphanumeric() || b >= 0x80);
                }
                COLON => colons += 1,
                BRACKET => brackets = true,
                H => h = true,
                _ => at = true,
            }
            pos += 1;
        }
        let end = pos;
        if at || brackets && has_defanged_at(&text[start..end]) {
            regions.at.push(start..end);
        }
        if dotted || brackets {
            regions.dotted.push(start..end);
        }
        if digits > 0 {
            let from = if seen >= BEFORE {
                recent[seen % BEFORE]
            } else {
                recent[0].min(start)
            };
            run = if after_left == AFTER {
                run + digits
            } else {
                digits
            };
            let window = match current.take() {
                Some(w) if from <= w.end => w,
                Some(w) => {
                    regions.numeric.push(w);
                    Window {
                        start: from,
                        ..Window::default()
                    }
                }
                None => Window {
                    start: from,
                    ..Window::default()
                },
            };
            current = Some(Window {
                end,
                digits: window.digits + digits,
                run: window.run.max(run),
                longest: window.longest.max(end - start),
                dots: window.dots + dots,
                colons: window.colons + colons,
                brackets: window.brackets || brackets,
                h: window.h || h,
                ..window
            });
            after_left = AFTER;
        } else if after_left > 0 {
            if let Some(w) = current.as_mut() {
                w.end = end;
            }
            after_left -= 1;
        }
        if seen < BEFORE {
            recent[seen] = start;
        } else {
            recent[seen % BEFORE] = start;
        }
        seen += 1;
    }
    regions.numeric.extend(current);
    regions
}

fn has_defanged_at(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    ["[at]", "(at)", "{at}"].iter().any(|a| lower.contains(a))
}

// ---------------------------------------------------------------------------------------------
// Matching in windows

/// Matches of `re` in each of `windows`, with offsets in the whole text.
pub(super) fn find_in<'t>(
    re: &'t Regex,
    text: &'t str,
    windows: impl IntoIterator<Item = Range<usize>> + 't,
) -> impl Iterator<Item = Span<'t>> + 't {
    windows.into_iter().flat_map(move |w| {
        let base = w.start;
        re.find_iter(&text[w]).map(move |m| Span {
            start: base + m.start(),
            end: base + m.end(),
            text: &text[base + m.start()..base + m.end()],
        })
    })
}

/// A match, placed in the whole text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span<'t> {
    start: usize,
    end: usize,
    text: &'t str,
}

impl<'t> Span<'t> {
    pub(super) fn start(&self) -> usize {
        self.start
    }
    pub(super) fn end(&self) -> usize {
        self.end
    }
    pub(super) fn as_str(&self) -> &'t str {
        self.text
    }
}

/// The numeric windows `wanted` accepts: those that hold enough of what a pattern needs.
pub(super) fn numeric(
    regions: &Regions,
    wanted: impl Fn(&Window) -> bool,
) -> impl Iterator<Item = Range<usize>> {
    regions
        .numeric
        .iter()
        .filter(move |w| wanted(w))
        .map(Window::range)
}

// ---------------------------------------------------------------------------------------------
// Patterns and defanged forms

/// A dot, plain or defanged.
const ANY_DOT: &str = r"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))";
/// An at sign, plain or defanged.
const ANY_AT: &str = r"(?:@|\[@\]|\(@\)|\[at\]|\(at\)|\{at\})";

/// Compile a built-in pattern. `\b` is made ASCII-only: a Unicode word boundary sends the
/// regex engine to its slowest matcher on any non-ASCII text (five times slower on Polish),
/// and where a non-ASCII letter could touch a match the extractor checks the neighbour itself.
pub(super) fn pattern(template: &str) -> Regex {
    let source = template
        .replace("<DOT>", ANY_DOT)
        .replace("<AT>", ANY_AT)
        .replace(r"\b", r"(?-u:\b)");
    // The patterns are constants; a typo must fail every test run, not hide.
    Regex::new(&source).unwrap_or_else(|e| panic!("built-in pattern {template:?}: {e}"))
}

pub(super) fn refang_dots(s: &str) -> String {
    static DOTS: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"(?i)\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)"));
    DOTS.replace_all(s, ".").into_owned()
}

pub(super) fn refang_at(s: &str) -> String {
    static ATS: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"(?i)\[@\]|\(@\)|\[at\]|\(at\)|\{at\}"));
    ATS.replace_all(s, "@").into_owned()
}

// ---------------------------------------------------------------------------------------------
// Context around a match

/// The character just before byte `at`, if any.
pub(super) fn char_before(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

/// The character starting at byte `at`, if any.
pub(super) fn char_after(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// Byte offset at most `n` bytes before `at`, on a char boundary.
pub(super) fn context_start(text: &str, at: usize, n: usize) -> usize {
    let mut start = at.saturating_sub(n);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    start
}

/// Up to `n` chars before `at`, lowercased.
pub(super) fn lower_context_before(text: &str, at: usize, n: usize) -> String {
    let before = &text[..at];
    let start = before
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    before[start..].to_lowercase()
}

/// Up to `n` chars after `at`, lowercased.
pub(super) fn lower_context_after(text: &str, at: usize, n: usize) -> String {
    let after = &text[at..];
    let end = after.char_indices().nth(n).map_or(after.len(), |(i, _)| i);
    after[..end].to_lowercase()
}

/// The cue word `cue` finds within `before` chars before `start` or `after` chars after `end`
/// on the same line, nearest first: for kinds that only the words around tell apart (a Solana
/// address, an IMEI, a Telegram name). `cue` should match whole words, lowercase.
pub(super) fn cue_near(
    text: &str,
    start: usize,
    end: usize,
    before: usize,
    after: usize,
    cue: &Regex,
) -> Option<String> {
    let left = lower_context_before(text, start, before);
    let left = left.rsplit('\n').next().unwrap_or("");
    if let Some(m) = cue.find_iter(left).last() {
        return Some(m.as_str().to_string());
    }
    let right = lower_context_after(text, end, after);
    let right = right.split('\n').next().unwrap_or("");
    cue.find(right).map(|m| m.as_str().to_string())
}

/// Words after which a dotted or dashed number is a version, not a phone or an address.
const VERSION_WORDS: &[&str] = &[
    "v", "ver", "version", "versión", "wersja", "wersji", "wersję", "build", "release", "rev",
    "revision", "firmware", "fw", "kernel", "sdk", "api", "os", "ios", "android",
];

/// Whether one of [`VERSION_WORDS`] ends the text before `at` ("version 1.2.3.4", "v1.2").
pub(super) fn preceded_by_version_word(text: &str, at: usize) -> bool {
    let before = lower_context_before(text, at, 16);
    let trimmed = before.trim_end_matches([' ', '\t', '.', ':', '-', '\u{A0}']);
    VERSION_WORDS.iter().any(|w| {
        trimmed.strip_suffix(w).is_some_and(|rest| {
            // A whole word: "version", not "conversion".
            !rest.chars().next_back().is_some_and(char::is_alphabetic)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_the_words_around_digits() {
        let t = "a b c d e f Karta XXXX XXXX XXXX 4242 g h i j k l m n o 1,5 mln zł p q r s";
        let r = regions(t);
        let got: Vec<&str> = r.numeric.iter().map(|w| &t[w.range()]).collect();
        assert_eq!(got, ["XXXX XXXX XXXX 4242 g h", "m n o 1,5 mln zł"]);
        assert_eq!(r.numeric[0].digits, 4);
        // Two numbers a few words apart share a window.
        let t = "el 14 de marzo de 2026 fue";
        let got: Vec<&str> = regions(t).numeric.iter().map(|w| &t[w.range()]).collect();
        assert_eq!(got, ["el 14 de marzo de 2026 fue"]);
        let t = "tel. 600 123 456, PL61 1090";
        let w = &regions(t).numeric[0];
        assert_eq!((w.run, w.digits), (15, 15));
    }

    #[test]
    fn at_and_dotted_words() {
        let t = "jan@x.pl i evil[at]bad[.]ru, koniec. plik.pdf 3.5";
        let r = regions(t);
        let at: Vec<&str> = r.at.iter().map(|w| &t[w.clone()]).collect();
        let dotted: Vec<&str> = r.dotted.iter().map(|w| &t[w.clone()]).collect();
        assert_eq!(at, ["jan@x.pl", "evil[at]bad[.]ru,"]);
        assert_eq!(dotted, ["jan@x.pl", "evil[at]bad[.]ru,", "plik.pdf", "3.5"]);
    }
}
