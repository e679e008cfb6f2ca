//! Catching a model that has started to repeat itself. Small models at low temperature fall
//! into loops ("…were ordered detained and charged with…" over and over, or the same JSON item
//! 28 times) and would write until the token limit, which then reads like a length problem.
//! The loop is caught here, while the answer streams, the same way for every engine: the
//! caller stops reading, which makes the engine stop generating.

/// The longest repeated unit looked for, in words. Loops of whole sentences are usually
/// 8–40 words; a paragraph-long cycle is rarer and costs more to check.
const MAX_UNIT_WORDS: usize = 60;
/// A unit must cover at least this many words in all its repetitions before it counts as a
/// loop ("ha ha ha" is not one; 24 times "ha" is).
const MIN_LOOP_WORDS: usize = 24;
/// …and be repeated at least this often (a sentence said twice can be emphasis).
const MIN_REPEATS: usize = 3;

/// A repetition found in an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loop {
    /// The repeated words, as written once.
    pub unit: String,
    /// How many times in a row it was written.
    pub repeats: usize,
    /// Byte offset in the answer where the repetition starts (the first copy).
    pub start: usize,
}

impl Loop {
    /// A short description for messages: the unit, shortened, and the count.
    pub fn describe(&self) -> String {
        let unit: String = self.unit.chars().take(60).collect();
        let more = if unit.len() < self.unit.len() {
            "…"
        } else {
            ""
        };
        format!("\"{unit}{more}\" {}×", self.repeats)
    }
}

/// Watches an answer as it arrives and says when its tail has become a loop that the source
/// itself does not contain.
pub struct LoopGuard {
    text: String,
    /// Hash and byte range of each complete word of `text`.
    words: Vec<(u64, usize, usize)>,
    /// Where the unfinished last word starts.
    pending: usize,
    /// The source (the request's messages), words joined by single spaces: a repetition the
    /// source has too (a chat that says "ok" ten times) is not the model's loop.
    source: String,
}

impl LoopGuard {
    pub fn new(source: &str) -> Self {
        Self {
            text: String::new(),
            words: Vec::new(),
            pending: 0,
            source: source.split_whitespace().collect::<Vec<_>>().join(" "),
        }
    }

    /// Add a piece of the answer; `Some` once its tail repeats.
    pub fn push(&mut self, piece: &str) -> Option<Loop> {
        self.text.push_str(piece);
        let mut found = None;
        // Words are complete once whitespace follows them.
        while let Some(rel) = self.text[self.pending..].find(char::is_whitespace) {
            let start = self.pending;
            let end = start + rel;
            let ws_len = self.text[end..]
                .chars()
                .next()
                .map(char::len_utf8)
                .unwrap_or(1);
            self.pending = end + ws_len;
            if end > start {
                self.words.push((hash(&self.text[start..end]), start, end));
                if found.is_none() {
                    found = self.check_tail();
                }
            }
        }
        found
    }

    /// Whether the words so far end in a loop.
    fn check_tail(&self) -> Option<Loop> {
        let n = self.words.len();
        for unit in 1..=MAX_UNIT_WORDS.min(n / MIN_REPEATS) {
            let repeats = MIN_REPEATS.max(MIN_LOOP_WORDS.div_ceil(unit));
            let span = unit * repeats;
            if span > n {
                continue;
            }
            let periodic = (n - span + unit..n).all(|i| self.words[i].0 == self.words[i - unit].0);
            if !periodic {
                continue;
            }
            // Count how far back the cycle really goes.
            let mut first = n - span;
            while first >= unit && self.words[first - 1].0 == self.words[first - 1 + unit].0 {
                first -= 1;
            }
            let unit_text = self.joined(first, first + unit);
            if self.source.contains(&format!("{unit_text} {unit_text}")) {
                continue;
            }
            return Some(Loop {
                unit: unit_text,
                repeats: (n - first) / unit,
                start: self.words[first].1,
            });
        }
        None
    }

    /// How many copies of `l`'s unit follow each other from where it starts, in all the text
    /// seen so far (a loop is caught at its third copy; the answer may hold more).
    fn copies(&self, l: &Loop) -> usize {
        let unit = l.unit.split_whitespace().count().max(1);
        let Some(first) = self.words.iter().position(|w| w.1 == l.start) else {
            return l.repeats;
        };
        let mut end = first + unit;
        while end < self.words.len() && self.words[end].0 == self.words[end - unit].0 {
            end += 1;
        }
        (end - first) / unit
    }

    fn joined(&self, from: usize, to: usize) -> String {
        self.words[from..to]
            .iter()
            .map(|&(_, s, e)| &self.text[s..e])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The first loop in a finished answer that the source does not contain, with every copy
/// of it counted.
pub fn find_loop(answer: &str, source: &str) -> Option<Loop> {
    let mut guard = LoopGuard::new(source);
    // A final space completes the last word.
    let mut found = guard.push(answer).or_else(|| guard.push(" "))?;
    found.repeats = guard.copies(&found);
    Some(found)
}

fn hash(word: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    word.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_said_over_and_over_is_a_loop() {
        let answer = "The six defendants were arrested in March. ".to_string()
            + &"They were ordered detained and charged with fraud. ".repeat(4);
        let l = find_loop(&answer, "source text").expect("a loop");
        assert_eq!(l.unit, "They were ordered detained and charged with fraud.");
        assert_eq!(l.repeats, 4);
        assert_eq!(l.start, answer.find("They").unwrap());
    }

    #[test]
    fn the_loop_is_caught_while_streaming_before_the_end() {
        let mut g = LoopGuard::new("");
        let mut caught_at = None;
        for (i, piece) in ["{\"value\": \"Jan Kowalski\"}, "]
            .repeat(40)
            .iter()
            .enumerate()
        {
            if g.push(piece).is_some() {
                caught_at = Some(i);
                break;
            }
        }
        // Three words a copy: caught after 8 copies (24 words), far before 40.
        assert!(caught_at.is_some_and(|i| i < 10), "{caught_at:?}");
    }

    #[test]
    fn ordinary_prose_and_lists_are_not_loops() {
        let prose = "The suspect, Jan K., was arrested on 12 March 2024 in Łódź. He is charged \
                     under art. 286 § 1 k.k. with fraud causing a loss of 30 000 zł. The court \
                     ordered three months of pre-trial detention. The victims, aged 71 and 84, \
                     lost their savings. Police warn: officers never ask for money by phone.";
        assert_eq!(find_loop(prose, ""), None);
        let list: String = (1..40)
            .map(|i| format!("- {{\"value\": \"+48 600 100 {i:03}\", \"line\": {i}}}\n"))
            .collect();
        assert_eq!(find_loop(&list, ""), None);
        // Emphasis is not a loop.
        assert_eq!(find_loop("Call 112. Call 112. Call 112.", ""), None);
    }

    #[test]
    fn repetition_the_source_has_is_not_the_models() {
        let chat = "A: ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok";
        assert!(find_loop(chat, "").is_some());
        assert_eq!(find_loop(chat, chat), None);
    }
}
