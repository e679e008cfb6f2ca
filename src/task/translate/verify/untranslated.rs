//! Source words left in an English answer. The language check reads the whole answer, so an
//! English sentence with one Polish word in it passes ("The court orzekł the forfeiture"). A
//! lower-case word with a letter English does not write ("orzekł", "sporządzona", "opłaty",
//! "für"), copied as it is from the source, is a word the model did not translate. Names are
//! capitalised and not counted; nor are currency words English writes too ("złotych").

use std::collections::BTreeSet;

/// Shorter words are left alone: "że", "à", "ód" are too short to tell a copied word.
const MIN_LETTERS: usize = 4;

/// Words of `source` that `out` (an English answer) repeats as they are, lower-case and with
/// a letter outside English's alphabet; each once, in the answer's order.
pub(super) fn untranslated_words(source: &str, out: &str) -> Vec<String> {
    let in_source: BTreeSet<&str> = words(source).collect();
    let mut found = Vec::new();
    for w in words(out) {
        if w.chars().count() >= MIN_LETTERS
            && w.chars().all(char::is_lowercase)
            && !w.is_ascii()
            && !super::currency::is_currency_word(w)
            && in_source.contains(w)
            && !found.iter().any(|f| f == w)
        {
            found.push(w.to_string());
        }
    }
    found
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_polish_word_copied_into_the_answer_is_found() {
        // bench/translate item 11, Qwen 0.5B: exit 0 with the verb left in Polish.
        let src = "Sąd orzekł przepadek dowodów rzeczowych.";
        assert_eq!(
            untranslated_words(src, "The court orzekł the forfeiture of the evidence."),
            ["orzekł"]
        );
        assert!(
            untranslated_words(src, "The court ordered the forfeiture of the evidence.").is_empty()
        );
    }

    #[test]
    fn names_currency_words_and_short_words_are_not_counted() {
        let src = "Małgorzata Maliszewska zapłaciła 270 złotych w Łodzi, że już.";
        let out = "Małgorzata Maliszewska paid 270 złotych in Łódź, że już.";
        assert!(untranslated_words(src, out).is_empty());
        // A word that only begins like a currency is not one ("złożył": filed).
        assert_eq!(
            untranslated_words("Pan złożył wniosek.", "He złożył a motion."),
            ["złożył"]
        );
        // A word the source does not have is the language check's business, not this one's.
        assert!(untranslated_words("Er kam.", "He came für nothing.").is_empty());
    }
}
