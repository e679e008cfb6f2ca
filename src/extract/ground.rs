//! Grounding: finding where a value a model reported actually occurs in the source text.
//! A model may copy a value with different case or spacing, or (in inflected languages such as
//! Polish) in another grammatical form than the text uses; each match says how close it was.

use serde::Serialize;

/// How a located occurrence matched the value the model gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    /// Byte-for-byte the same.
    Exact,
    /// The same up to letter case, runs of whitespace and typographic variants of dashes and
    /// quotes.
    Normalized,
    /// Word by word the same stem (shared prefix), as for "Jan Kowalski" in "Jana Kowalskiego".
    Fuzzy,
}

/// A byte range in the source and how it matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub how: Match,
}

/// Where `value` occurs in `text`, trying exact, then normalized, then fuzzy matching and
/// stopping at the first kind that finds anything. At most `limit` spans are returned.
pub fn locate(text: &str, value: &str, limit: usize) -> Vec<Span> {
    let value = value.trim();
    if value.is_empty() || limit == 0 {
        return Vec::new();
    }
    let exact: Vec<Span> = text
        .match_indices(value)
        .filter(|(i, m)| at_word_edges(text, *i, i + m.len()))
        .take(limit)
        .map(|(i, m)| Span {
            start: i,
            end: i + m.len(),
            how: Match::Exact,
        })
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let folded = Folded::new(text);
    let needle = Folded::new(value);
    if needle.text.trim().is_empty() {
        return Vec::new();
    }
    let normalized = folded.find_all(needle.text.trim(), limit);
    if !normalized.is_empty() {
        return normalized;
    }
    fuzzy(&folded, needle.text.trim(), limit)
}

/// Text folded for comparison, with a map from each folded byte back to the source.
struct Folded {
    text: String,
    /// `origin[i]` = source byte offset of the character that produced folded byte `i`;
    /// one extra entry at the end for the end of the source.
    origin: Vec<usize>,
    /// Source byte offset just after the character that produced folded byte `i`.
    origin_end: Vec<usize>,
}

impl Folded {
    fn new(src: &str) -> Self {
        let mut text = String::with_capacity(src.len());
        let mut origin = Vec::with_capacity(src.len() + 1);
        let mut origin_end = Vec::with_capacity(src.len() + 1);
        let mut in_space = false;
        for (i, c) in src.char_indices() {
            let after = i + c.len_utf8();
            if c.is_whitespace() {
                if !in_space {
                    text.push(' ');
                    origin.push(i);
                    origin_end.push(after);
                }
                in_space = true;
                continue;
            }
            in_space = false;
            let c = match c {
                '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
                '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => '\'',
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => '"',
                c => c,
            };
            for l in c.to_lowercase() {
                let mut buf = [0u8; 4];
                for _ in 0..l.encode_utf8(&mut buf).len() {
                    origin.push(i);
                    origin_end.push(after);
                }
                text.push(l);
            }
        }
        origin.push(src.len());
        origin_end.push(src.len());
        Self {
            text,
            origin,
            origin_end,
        }
    }

    fn span(&self, start: usize, end: usize, how: Match) -> Span {
        Span {
            start: self.origin[start],
            end: if end == 0 {
                self.origin[0]
            } else {
                self.origin_end[end - 1]
            },
            how,
        }
    }

    fn find_all(&self, needle: &str, limit: usize) -> Vec<Span> {
        self.text
            .match_indices(needle)
            .filter(|(i, m)| at_word_edges(&self.text, *i, i + m.len()))
            .take(limit)
            .map(|(i, m)| self.span(i, i + m.len(), Match::Normalized))
            .collect()
    }
}

/// Matches must not start or end inside a word ("anna" in "Joanna").
fn at_word_edges(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let first = text[start..].chars().next();
    let last = text[..end].chars().next_back();
    let cut = |outer: Option<char>, inner: Option<char>| matches!((outer, inner), (Some(o), Some(i)) if o.is_alphanumeric() && i.is_alphanumeric());
    !cut(before, first) && !cut(after, last)
}

/// Words of a folded text with their folded byte ranges.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Whether two folded words are forms of the same word: equal, or sharing a stem of at least
/// four characters (or a whole word of three) that covers all but a short ending of both.
fn same_stem(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let (la, lb) = (a.chars().count(), b.chars().count());
    // Short stems ("Jan" → "Jana") count when the whole shorter word is the stem.
    common >= 4.min(la.min(lb)).max(3) && la - common <= 4 && lb - common <= 4
}

/// Word-by-word stem matching: the needle's words, in order, each the same stem as
/// consecutive words of the text (punctuation between them ignored).
fn fuzzy(folded: &Folded, needle: &str, limit: usize) -> Vec<Span> {
    let nw: Vec<&str> = words(needle).iter().map(|&(s, e)| &needle[s..e]).collect();
    // A single short word would match too much to mean anything.
    if nw.is_empty() || nw.iter().map(|w| w.chars().count()).sum::<usize>() < 5 {
        return Vec::new();
    }
    let tw = words(&folded.text);
    let mut out = Vec::new();
    let mut i = 0;
    while i + nw.len() <= tw.len() && out.len() < limit {
        let fits = nw
            .iter()
            .zip(&tw[i..i + nw.len()])
            .all(|(n, &(s, e))| same_stem(n, &folded.text[s..e]));
        if fits {
            let (s, _) = tw[i];
            let (_, e) = tw[i + nw.len() - 1];
            out.push(folded.span(s, e, Match::Fuzzy));
            i += nw.len();
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found<'a>(text: &'a str, value: &str) -> Vec<(&'a str, Match)> {
        locate(text, value, 10)
            .into_iter()
            .map(|s| (&text[s.start..s.end], s.how))
            .collect()
    }

    #[test]
    fn exact_matches_win_and_all_are_listed() {
        let t = "Anna met Anna Nowak. anna nowak left.";
        assert_eq!(found(t, "Anna Nowak"), vec![("Anna Nowak", Match::Exact)]);
        assert_eq!(found(t, "Anna").len(), 2);
    }

    #[test]
    fn case_spacing_and_dashes_are_normalized() {
        let t = "Seen near ul.  Długa\n7 at 21:03 – by JAN KOWALSKI.";
        assert_eq!(
            found(t, "ul. Długa 7"),
            vec![("ul.  Długa\n7", Match::Normalized)]
        );
        assert_eq!(
            found(t, "Jan Kowalski"),
            vec![("JAN KOWALSKI", Match::Normalized)]
        );
        assert_eq!(
            found(t, "21:03 - by"),
            vec![("21:03 – by", Match::Normalized)]
        );
    }

    #[test]
    fn normalized_matches_respect_word_edges() {
        assert!(found("Joanna came.", "anna").is_empty());
    }

    #[test]
    fn inflected_names_match_fuzzily() {
        let t = "Przesłuchano Jana Kowalskiego w sprawie.";
        assert_eq!(
            found(t, "Jan Kowalski"),
            vec![("Jana Kowalskiego", Match::Fuzzy)]
        );
        assert!(found(t, "Piotr Nowak").is_empty());
    }

    #[test]
    fn invented_values_are_not_found() {
        let t = "The car was a red Opel.";
        assert!(found(t, "blue BMW").is_empty());
        assert!(found(t, "").is_empty());
        assert!(found(t, "   ").is_empty());
    }

    #[test]
    fn multibyte_text_maps_back_to_source_bytes() {
        let t = "Zeuge: ŁUKASZ Żółć sagte aus.";
        let got = found(t, "łukasz żółć");
        assert_eq!(got, vec![("ŁUKASZ Żółć", Match::Normalized)]);
    }
}
