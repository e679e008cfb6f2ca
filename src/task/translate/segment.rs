//! Cutting a document into the segments a small model translates one at a time, and keeping
//! the document's layout outside the model.
//!
//! The document becomes a list of spans in order. Blank lines, letterless lines ("I.", "1)",
//! "---", dates alone…), indentation and list markers are *copied*: the model never sees them,
//! so the output has the input's lines, blank lines and numbering by construction. The rest is
//! cut into segments on the document's own structure: a paragraph (lines between blank lines)
//! when it is short, else groups of whole lines, and a long line into groups of sentences that
//! are joined back on the same line.

use crate::text::chat::{SENDER, STAMP};
use crate::text::sentences::split_sentences;
use regex::Regex;
use std::sync::LazyLock;

/// One piece of the document, in order. Concatenating `text` (or its translation) and `after`
/// over all spans gives back the document (or its translation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    /// Whether the model translates `text`; if not, it is copied as it is.
    pub translate: bool,
    /// What follows the text in the document (line breaks, blank lines, a space between
    /// sentence groups of one line), copied as it is.
    pub after: String,
    /// 1-based lines of the document the span covers.
    pub first_line: usize,
    pub last_line: usize,
}

/// Line markers kept out of the model: indentation, bullets, list numbers ("1.", "2)", "IV.",
/// "a)", "§ 3."), and chat stamps with the sender after them ("[12:03] Jan: ", "12:03 - ",
/// WhatsApp's "31.12.23, 21:41 - Anna: " and "[31.12.23, 21:41:05] Anna: "): a model must
/// neither translate a name nor rewrite a timestamp.
static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    let list = r"(?:[-*•–·]|\d{1,3}[.)]|[IVXLC]{1,6}[.)]|[a-z]\)|§\s*\d+\.?)\s+";
    // A chat stamp, then the sender up to the first ": "; or a list marker.
    Regex::new(&format!(r"^\s*(?:{STAMP}{SENDER}?|{list})?")).expect("valid marker pattern")
});

/// How many bytes at the start of `line` are a list marker or chat stamp (with indentation
/// and the space after it), copied rather than translated.
pub fn marker_len(line: &str) -> usize {
    MARKER.find(line).map_or(0, |m| m.end())
}

/// Cut `text` into spans; segments to translate hold at most about `max_chars` characters
/// (a single sentence longer than that stays whole).
pub fn spans(text: &str, max_chars: usize) -> Vec<Span> {
    let max_chars = max_chars.max(40);
    let mut out: Vec<Span> = Vec::new();
    // Lines with their break; `n` is the 1-based line number.
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let (body, brk) = split_break(lines[i]);
        if !to_translate(body) {
            push_copy(&mut out, body, brk, i + 1);
            i += 1;
            continue;
        }
        // A paragraph: consecutive lines with letters.
        let start = i;
        while i < lines.len() && to_translate(split_break(lines[i]).0) {
            i += 1;
        }
        paragraph(&mut out, &lines[start..i], start + 1, max_chars);
    }
    out
}

/// Cut one paragraph (lines with letters, each with its break) into segments.
fn paragraph(out: &mut Vec<Span>, lines: &[&str], first: usize, max_chars: usize) {
    let total: usize = lines.iter().map(|l| l.chars().count()).sum();
    let markers = lines
        .iter()
        .any(|l| MARKER.find(l).is_some_and(|m| !m.as_str().is_empty()));
    // A short paragraph of plain lines goes whole: the model sees its sentences together.
    if lines.len() > 1 && total <= max_chars && !markers {
        let (body, brk) = split_break_all(lines);
        out.push(Span {
            text: body.to_string(),
            translate: true,
            after: brk.to_string(),
            first_line: first,
            last_line: first + lines.len() - 1,
        });
        return;
    }
    // Else line by line (a group of short unmarked lines could be joined, but line-by-line
    // keeps the layout by construction, which is what an investigator checks first).
    for (k, line) in lines.iter().enumerate() {
        one_line(out, line, first + k, max_chars);
    }
}

/// One line: its marker copied, its text cut into sentence groups of at most `max_chars`.
fn one_line(out: &mut Vec<Span>, line: &str, n: usize, max_chars: usize) {
    let (body, brk) = split_break(line);
    let marker_len = MARKER.find(body).map_or(0, |m| m.end());
    let (marker, rest) = body.split_at(marker_len);
    let trimmed = rest.trim_end();
    let trailing = &rest[trimmed.len()..];
    if !marker.is_empty() {
        push_copy(out, marker, "", n);
    }
    let groups = sentence_groups(trimmed, max_chars);
    let last = groups.len().saturating_sub(1);
    for (g, (text, gap)) in groups.into_iter().enumerate() {
        let after = if g == last {
            format!("{trailing}{brk}")
        } else {
            gap.to_string()
        };
        out.push(Span {
            text: text.to_string(),
            translate: has_letters(text),
            after,
            first_line: n,
            last_line: n,
        });
    }
}

/// `line` cut between sentences into groups of at most `max_chars` characters, each with the
/// whitespace that followed it.
fn sentence_groups(line: &str, max_chars: usize) -> Vec<(&str, &str)> {
    if line.chars().count() <= max_chars {
        return vec![(line, "")];
    }
    let sentences = split_sentences(line);
    let mut groups = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for s in sentences {
        if end > start && line[start..s.byte_end].chars().count() > max_chars {
            groups.push((start, end));
            start = s.byte_start;
        }
        end = s.byte_end;
    }
    if end > start {
        groups.push((start, end));
    }
    if groups.is_empty() {
        return vec![(line, "")];
    }
    // The last group runs to the end of the line, so nothing is lost between the splitter's
    // trimmed sentences and the line.
    let n = groups.len();
    groups[n - 1].1 = line.len();
    groups[0].0 = 0;
    (0..n)
        .map(|g| {
            let (s, e) = groups[g];
            let next = if g + 1 < n {
                groups[g + 1].0
            } else {
                line.len()
            };
            (&line[s..e], &line[e..next])
        })
        .collect()
}

fn push_copy(out: &mut Vec<Span>, text: &str, after: &str, n: usize) {
    // Merge with a previous copied span, so blank lines and markers stay one piece.
    if let Some(last) = out.last_mut()
        && !last.translate
        && last.text.is_empty()
    {
        last.after.push_str(text);
        last.after.push_str(after);
        last.last_line = n;
        return;
    }
    out.push(Span {
        text: text.to_string(),
        translate: false,
        after: after.to_string(),
        first_line: n,
        last_line: n,
    });
}

fn split_break(line: &str) -> (&str, &str) {
    let body = line.trim_end_matches(['\n', '\r']);
    (body, &line[body.len()..])
}

/// Several consecutive lines of one string slice: the text without the last line break.
fn split_break_all<'a>(lines: &[&'a str]) -> (String, &'a str) {
    let joined: String = lines.concat();
    let last = lines.last().copied().unwrap_or("");
    let (_, brk) = split_break(last);
    (joined[..joined.len() - brk.len()].to_string(), brk)
}

/// A line alone as a list number ("I.", "IV)", "a)", "12.") is layout, not text.
static NUMBER_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[IVXLC]{1,6}|[a-z]|\d{1,3})[.)]\s*$").expect("valid number-only pattern")
});

/// Whether a line has text for the model: letters, and more than a list number.
fn to_translate(line: &str) -> bool {
    has_letters(line) && !NUMBER_ONLY.is_match(line)
}

pub fn has_letters(s: &str) -> bool {
    s.chars().any(char::is_alphabetic)
}

/// The document put back together from its spans, each translated by `tr`.
pub fn join(spans: &[Span], translated: &[String]) -> String {
    spans
        .iter()
        .zip(translated)
        .map(|(s, t)| format!("{t}{}", s.after))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rebuild(spans: &[Span]) -> String {
        spans
            .iter()
            .map(|s| format!("{}{}", s.text, s.after))
            .collect()
    }

    #[test]
    fn the_document_is_rebuilt_exactly_from_its_spans() {
        let texts = [
            "WYROK\n\nI.\n\noskarżonego A. G. uznaje za winnego.\n  - punkt pierwszy\n2) drugi punkt\n\n\n",
            "Jedno zdanie bez końca linii",
            "[12:03] Jan: gdzie jesteś?\n[12:04] Ola: w domu\r\n",
            "",
        ];
        for t in texts {
            assert_eq!(rebuild(&spans(t, 60)), t, "{t:?}");
        }
        let long = "Pierwsze zdanie jest tutaj. Drugie zdanie jest dłuższe niż pierwsze. \
                    Trzecie zdanie kończy akapit.\n";
        let s = spans(long, 45);
        assert_eq!(rebuild(&s), long);
        assert!(s.iter().filter(|s| s.translate).count() >= 2, "{s:?}");
    }

    #[test]
    fn markers_and_letterless_lines_stay_out_of_the_model() {
        let s = spans("I.\n\n1) oskarżonego uniewinnia\n   • Pozycja\n", 200);
        let sent: Vec<&str> = s
            .iter()
            .filter(|s| s.translate)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(sent, ["oskarżonego uniewinnia", "Pozycja"]);
        let t = s.iter().find(|s| s.text == "Pozycja").unwrap();
        assert_eq!(t.first_line, 4);
    }

    #[test]
    fn chat_stamps_and_senders_stay_out_of_the_model() {
        let chat = "31.12.23, 21:41 - Anna Nowak: gdzie jesteś?\n\
                    [31.12.23, 21:42:05] Jan: w domu, tel. 601 234 567\n\
                    [12:03] Ola: ok\n";
        let s = spans(chat, 200);
        assert_eq!(rebuild(&s), chat);
        let sent: Vec<&str> = s
            .iter()
            .filter(|s| s.translate)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(sent, ["gdzie jesteś?", "w domu, tel. 601 234 567", "ok"]);
    }

    #[test]
    fn short_plain_paragraphs_go_whole() {
        let s = spans("Ala ma kota.\nKot ma Alę.\n\nDrugi akapit.\n", 200);
        let sent: Vec<&Span> = s.iter().filter(|s| s.translate).collect();
        assert_eq!(sent[0].text, "Ala ma kota.\nKot ma Alę.");
        assert_eq!((sent[0].first_line, sent[0].last_line), (1, 2));
        assert_eq!((sent[1].first_line, sent[1].last_line), (4, 4));
    }
}
