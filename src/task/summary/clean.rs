//! What a small model writes around the sentence it was asked for: a preface ("Here is the
//! shortened sentence:", "**Summary:**"), quotes, Markdown, the instruction copied back, a
//! second try on the next line. Only the sentence is kept; an answer that is nothing but
//! packaging, or that copies the prompt, is rejected.

/// Openings that introduce an answer instead of being one (lower case, EN/PL/DE/FR/ES).
const PREFACES: &[&str] = &[
    "here is",
    "here's",
    "here are",
    "sure",
    "certainly",
    "below is",
    "summary",
    "shortened",
    "short version",
    "rewritten",
    "sentence",
    "oto ",
    "podsumowanie",
    "streszczenie",
    "skrócone",
    "hier ist",
    "zusammenfassung",
    "voici",
    "résumé",
    "aquí",
    "resumen",
];

/// Phrases of the instruction itself; an answer containing one has copied the prompt.
pub const PROMPT_MARKERS: &[&str] = &[
    "<sentence>",
    "</sentence>",
    "shortened sentence only",
    "exactly as written",
];

/// The sentence in `answer`, or `None` when there is none or the answer copies the prompt.
pub fn sentence(answer: &str) -> Option<String> {
    let lower = answer.to_lowercase();
    if PROMPT_MARKERS.iter().any(|m| lower.contains(m)) {
        return None;
    }
    let mut lines = answer
        .lines()
        .map(strip_packaging)
        .filter(|l| !l.is_empty())
        .peekable();
    // A preface line ending in ':' or a bare heading ("**Summary**") is dropped; a preface
    // that goes on in the same line ("Summary: The court…") keeps what follows it.
    let mut first = lines.next()?;
    loop {
        match strip_preface(&first) {
            Some(rest) if rest.is_empty() => first = lines.next()?,
            Some(rest) => {
                first = rest;
                break;
            }
            None => break,
        }
    }
    let first = strip_packaging(&first);
    (first.chars().any(char::is_alphanumeric)).then_some(first)
}

/// Cut `text` (an answer stopped at the token limit) after its last complete sentence;
/// `None` when not even one sentence is complete.
pub fn complete_part(text: &str) -> Option<String> {
    let end = text.rfind(['.', '!', '?'])?;
    let part = text[..=end].trim();
    (part.split_whitespace().count() >= 3).then(|| part.to_string())
}

/// `Some(rest)`: the line opens with a preface; `rest` is what follows its colon (empty for
/// a preface on a line of its own).
fn strip_preface(line: &str) -> Option<String> {
    let lower = line.to_lowercase();
    if !PREFACES.iter().any(|p| lower.starts_with(p)) {
        return None;
    }
    match line.split_once(':') {
        Some((_, rest)) => Some(strip_packaging(rest)),
        // "Summary" alone is a heading; "Sure, the court…" is an answer with a filler word.
        None if line.split_whitespace().count() <= 4 => Some(String::new()),
        None => None,
    }
}

/// Trim bullets, Markdown emphasis and quotes around a line.
fn strip_packaging(line: &str) -> String {
    let mut s = line.trim();
    loop {
        let before = s;
        s = s
            .trim_start_matches(['-', '*', '•', '>', '#'])
            .trim_start()
            .trim_matches(['"', '“', '”', '„', '«', '»', '`'])
            .trim();
        s = s.trim_end_matches(['*', '`']).trim_end();
        if s == before {
            break;
        }
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefaces_and_packaging_are_removed() {
        let cases = [
            (
                "Here is the shortened sentence:\n\nThe suspect fled north.",
                "The suspect fled north.",
            ),
            (
                "**Summary:** The suspect fled north.",
                "The suspect fled north.",
            ),
            ("\"The suspect fled north.\"", "The suspect fled north."),
            (
                "- The suspect fled north.\n- Another try.",
                "The suspect fled north.",
            ),
            (
                "**Summary**\nThe suspect fled north.",
                "The suspect fled north.",
            ),
            (
                "Oto skrócone zdanie: Podejrzany uciekł.",
                "Podejrzany uciekł.",
            ),
        ];
        for (answer, want) in cases {
            assert_eq!(sentence(answer).as_deref(), Some(want), "{answer}");
        }
    }

    #[test]
    fn empty_answers_and_copied_prompts_are_rejected() {
        assert_eq!(sentence(""), None);
        assert_eq!(sentence("Here is the summary:\n"), None);
        assert_eq!(sentence("**"), None);
        assert_eq!(sentence("<sentence>The suspect</sentence>"), None);
    }

    #[test]
    fn a_cut_answer_keeps_its_complete_sentences() {
        assert_eq!(
            complete_part("The suspect fled north. He was seen near").as_deref(),
            Some("The suspect fled north.")
        );
        assert_eq!(complete_part("He was seen near"), None);
    }
}
