//! Splitting a long document into chunks that each fit a token budget, on the document's own
//! structure.
//!
//! A chunk ends where a unit begins, preferring, in order: a heading line (Markdown `#`,
//! numbered sections such as "1. Introduction", "§ 3", "Art. 5", short ALL-CAPS lines), a
//! paragraph (a line after a blank line), any line, a sentence, a word. Only a word longer
//! than the budget is cut inside, at a grapheme boundary; only a grapheme longer than the
//! budget (a base letter with thousands of combining marks) is cut between its characters.
//! Whitespace between units stays at the end of the chunk before the cut.
//!
//! The better kinds of cut are only taken in the second half of a chunk: a heading right after
//! the start would leave the chunk nearly empty, so there a later paragraph or sentence wins.
//!
//! Planning is linear: tokens are counted once per block of lines and interpolated inside a
//! block, so a cut can be placed without counting candidate chunks. BPE counts do not add up
//! exactly, so each finished chunk is counted as a whole and cut shorter until the counter
//! itself says it fits: no chunk exceeds the budget by the counter's own count.

use crate::text::sentences::split_sentences;
use crate::tokens::TokenCounter;
use regex::Regex;
use std::sync::LazyLock;
use unicode_segmentation::GraphemeCursor;

/// A piece of the source text, by byte offsets into it.
///
/// `start..end` is the whole text sent for this chunk. Its first part, `start..overlap_start`,
/// repeats the end of the previous chunk as context; `overlap_start..end` is new. The new
/// parts of all chunks are contiguous and together are exactly the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    /// Where the new text begins; equal to `start` when nothing is repeated (the first chunk,
    /// or no overlap asked for).
    pub overlap_start: usize,
    /// 1-based lines of the chunk's whole text (overlap included, since that is what a model
    /// reads): the line of `start` and the line of the last byte. A chunk ending with a line
    /// break ends on the line that break terminates.
    pub first_line: usize,
    pub last_line: usize,
    /// The nearest heading at or above the start of the new text, for a running heading in
    /// prompts; without Markdown `#` markers.
    pub heading: Option<String>,
    /// The counter's count of the chunk's whole text.
    pub tokens: usize,
}

impl Chunk {
    /// The chunk's whole text, overlap included.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }

    /// Only the text no earlier chunk had.
    pub fn new_text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.overlap_start..self.end).unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    #[error("a chunk budget of 0 tokens cannot hold any text")]
    ZeroBudget,
    #[error(
        "an overlap of {overlap} tokens leaves no room for new text in chunks of {budget} tokens; the overlap must be smaller than the budget"
    )]
    OverlapNotBelowBudget { overlap: usize, budget: usize },
    #[error(
        "line {line}: a single character counts {tokens} tokens, more than the chunk budget of {budget}"
    )]
    CharacterOverBudget {
        line: usize,
        byte: usize,
        tokens: usize,
        budget: usize,
    },
}

impl From<ChunkError> for crate::Error {
    fn from(e: ChunkError) -> Self {
        crate::Error::DoesNotFit(format!("cannot split the document: {e}"))
    }
}

/// Split `text` into chunks of at most `budget` tokens by `counter`, each after the first
/// starting with about `overlap` tokens of whole sentences from the end of the one before.
///
/// The overlap is capped at half the budget, and is left out where it would force a word to be
/// cut. Empty text gives no chunks; text that fits the budget gives one chunk with all of it.
pub fn split(
    text: &str,
    budget: usize,
    overlap: usize,
    counter: &dyn TokenCounter,
) -> Result<Vec<Chunk>, ChunkError> {
    if budget == 0 {
        return Err(ChunkError::ZeroBudget);
    }
    if overlap >= budget {
        return Err(ChunkError::OverlapNotBelowBudget { overlap, budget });
    }
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let plan = Plan::new(text, budget, overlap.min(budget / 2), counter);
    // The estimate overcounts a little at block edges; a text that may fit is counted whole
    // so that one that does is never split.
    if plan.estimate.total() <= 2.0 * budget as f64 {
        let tokens = counter.count(text);
        if tokens <= budget {
            return Ok(vec![plan.chunk(0, 0, text.len(), tokens)]);
        }
    }
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut new_start = 0;
    while new_start < text.len() {
        let (start, overlap_tokens) = match chunks.last() {
            Some(prev) => plan.overlap_begin(prev.overlap_start, prev.end),
            None => (0, 0),
        };
        let chunk = plan.next_chunk(start, new_start, overlap_tokens)?;
        new_start = chunk.end;
        chunks.push(chunk);
    }
    Ok(chunks)
}

/// How far before a window sentence detection starts reading, so the first sentence it
/// reports in the window has its real start.
const SENTENCE_CONTEXT: usize = 256;
/// How far after a window sentence detection reads, to see what follows a full stop.
const SENTENCE_LOOKAHEAD: usize = 64;
/// Bytes per token assumed when looking for overlap sentences; generous, since the count
/// decides.
const OVERLAP_BYTES_PER_TOKEN: usize = 16;
/// Headings are short; a longer line is prose even when it starts like one.
const MAX_HEADING_CHARS: usize = 120;
const MAX_HEADING_WORDS: usize = 12;

struct Plan<'a> {
    text: &'a str,
    counter: &'a dyn TokenCounter,
    budget: usize,
    overlap: usize,
    estimate: Estimate,
    /// Byte offset of each line's first byte.
    line_starts: Vec<usize>,
    /// Cut candidates, sorted, best first: starts of heading lines, of paragraphs, of
    /// non-blank lines.
    headings: Vec<Heading>,
    paragraphs: Vec<usize>,
    lines: Vec<usize>,
}

struct Heading {
    line_start: usize,
    /// Byte range of the heading's own text, for [`Chunk::heading`].
    title: (usize, usize),
}

impl<'a> Plan<'a> {
    fn new(text: &'a str, budget: usize, overlap: usize, counter: &'a dyn TokenCounter) -> Self {
        let mut plan = Plan {
            text,
            counter,
            budget,
            overlap,
            // Blocks of about an eighth of a chunk: fine enough to place cuts well, coarse
            // enough that a call per block costs little.
            estimate: Estimate::new(text, counter, (budget / 2).clamp(64, 4096)),
            line_starts: Vec::new(),
            headings: Vec::new(),
            paragraphs: Vec::new(),
            lines: Vec::new(),
        };
        let mut pos = 0;
        let mut after_blank = false;
        for line in text.split_inclusive('\n') {
            plan.line_starts.push(pos);
            let content = line.trim_end_matches(['\n', '\r']);
            let blank = content.trim().is_empty();
            if !blank {
                plan.lines.push(pos);
                if after_blank {
                    plan.paragraphs.push(pos);
                }
                if let Some(title) = heading_title(content) {
                    let offset = title.as_ptr() as usize - content.as_ptr() as usize;
                    plan.headings.push(Heading {
                        line_start: pos,
                        title: (pos + offset, pos + offset + title.len()),
                    });
                }
            }
            after_blank = blank;
            pos += line.len();
        }
        plan
    }

    fn chunk(&self, start: usize, overlap_start: usize, end: usize, tokens: usize) -> Chunk {
        let heading = self
            .headings
            .partition_point(|h| h.line_start <= overlap_start)
            .checked_sub(1)
            .map(|i| {
                let (s, e) = self.headings[i].title;
                self.text[s..e].to_string()
            });
        Chunk {
            start,
            end,
            overlap_start,
            first_line: self.line_of(start),
            last_line: self.line_of(end.saturating_sub(1).max(start)),
            heading,
            tokens,
        }
    }

    /// 1-based line of a byte offset.
    fn line_of(&self, byte: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= byte).max(1)
    }

    /// The chunk whose new text begins at `new_start`, repeating `start..new_start` of
    /// `overlap_tokens`.
    fn next_chunk(
        &self,
        start: usize,
        new_start: usize,
        overlap_tokens: usize,
    ) -> Result<Chunk, ChunkError> {
        let text = self.text;
        let allowed = self.budget.saturating_sub(overlap_tokens);
        let base = self.estimate.at(new_start);
        let mut room = allowed as f64;
        let mut ceiling = text.len();
        loop {
            let limit = text
                .floor_char_boundary(self.estimate.position(base + room))
                .min(ceiling);
            let (end, inside_word) = if limit >= text.len() {
                (text.len(), false)
            } else {
                let half = self.estimate.position(base + room / 2.0);
                self.cut(new_start, limit, half)
            };
            if inside_word && start < new_start {
                // The word might fit whole without the repeated context.
                return self.next_chunk(new_start, new_start, 0);
            }
            let tokens = self.counter.count(&text[start..end]);
            if tokens <= self.budget {
                return Ok(self.chunk(start, new_start, end, tokens));
            }
            if end <= self.next_grapheme(new_start) {
                if start < new_start {
                    return self.next_chunk(new_start, new_start, 0);
                }
                return self.single_char(new_start, end, tokens);
            }
            // Shrink in proportion to the overshoot, and by at least one character, so the
            // loop ends after a few counts even where the estimate is far off.
            let new_tokens = tokens.saturating_sub(overlap_tokens).max(1) as f64;
            let used = (self.estimate.at(end) - base).max(0.0);
            room = room.min(used * allowed as f64 / new_tokens);
            ceiling = text.floor_char_boundary(end - 1);
        }
    }

    /// A grapheme at `at` alone exceeds the budget: cut it after its first character, which
    /// must fit.
    fn single_char(
        &self,
        at: usize,
        grapheme_end: usize,
        tokens: usize,
    ) -> Result<Chunk, ChunkError> {
        let end = self.text.ceil_char_boundary(at + 1);
        let tokens = if end < grapheme_end {
            self.counter.count(&self.text[at..end])
        } else {
            tokens
        };
        if tokens <= self.budget {
            return Ok(self.chunk(at, at, end, tokens));
        }
        Err(ChunkError::CharacterOverBudget {
            line: self.line_of(at),
            byte: at,
            tokens,
            budget: self.budget,
        })
    }

    /// Where to end a chunk starting at `start` that may reach `limit` (< text length). Cuts in
    /// `half..=limit` are preferred by kind; below `half` any word start will do. Returns the
    /// cut and whether it falls inside a word.
    fn cut(&self, start: usize, limit: usize, half: usize) -> (usize, bool) {
        let half = half.max(start + 1);
        if half <= limit {
            let headings = self.headings.partition_point(|h| h.line_start <= limit);
            if let Some(h) = headings.checked_sub(1).map(|i| &self.headings[i])
                && h.line_start >= half
            {
                return (h.line_start, false);
            }
            for level in [&self.paragraphs, &self.lines] {
                if let Some(p) = last_within(level, half, limit) {
                    return (p, false);
                }
            }
            if let Some(p) = self.last_sentence_start(start, half, limit) {
                return (p, false);
            }
        }
        if let Some(p) = self.last_word_start(start + 1, limit) {
            return (p, false);
        }
        let p = self.grapheme_floor(limit);
        if p > start {
            (p, true)
        } else {
            (self.next_grapheme(start), true)
        }
    }

    /// The last sentence start in `from..=to`, found by reading a little around the window.
    fn last_sentence_start(&self, chunk_start: usize, from: usize, to: usize) -> Option<usize> {
        let text = self.text;
        let read_from =
            text.floor_char_boundary(from.saturating_sub(SENTENCE_CONTEXT).max(chunk_start));
        let read_to =
            text.floor_char_boundary(to.saturating_add(SENTENCE_LOOKAHEAD).min(text.len()));
        let sentences = split_sentences(&text[read_from..read_to]);
        // The first unit may begin mid-sentence, where reading began.
        sentences
            .iter()
            .skip(1)
            .rev()
            .map(|s| read_from + s.byte_start)
            .skip_while(|&p| p > to)
            .take_while(|&p| p >= from)
            .find(|&p| self.is_grapheme_boundary(p))
    }

    /// The last position in `from..=to` where a word follows whitespace.
    fn last_word_start(&self, from: usize, to: usize) -> Option<usize> {
        let text = self.text;
        let mut p = text.floor_char_boundary(to);
        while p >= from && p > 0 {
            let prev = text[..p].chars().next_back()?;
            let here = text[p..].chars().next()?;
            if !here.is_whitespace() && prev.is_whitespace() && self.is_grapheme_boundary(p) {
                return Some(p);
            }
            p -= prev.len_utf8();
        }
        None
    }

    /// Where the overlap for the chunk after `prev_new_start..prev_end` begins, and its
    /// tokens: the earliest sentence start in the previous chunk's new text from which the
    /// rest of it fits the overlap; `prev_end` (no overlap) when none does.
    fn overlap_begin(&self, prev_new_start: usize, prev_end: usize) -> (usize, usize) {
        if self.overlap == 0 {
            return (prev_end, 0);
        }
        let text = self.text;
        let span = self
            .overlap
            .saturating_mul(OVERLAP_BYTES_PER_TOKEN)
            .saturating_add(SENTENCE_CONTEXT);
        let from = text.ceil_char_boundary(prev_end.saturating_sub(span).max(prev_new_start));
        let sentences = split_sentences(&text[from..prev_end]);
        // Reading that begins mid-chunk may begin mid-sentence.
        let skip = usize::from(from > prev_new_start);
        let starts: Vec<usize> = sentences
            .iter()
            .skip(skip)
            .map(|s| from + s.byte_start)
            .filter(|&p| self.is_grapheme_boundary(p))
            .collect();
        let fits = |p: usize| {
            let n = self.counter.count(&text[p..prev_end]);
            (n <= self.overlap).then_some((p, n))
        };
        // The estimate proposes a start and one count usually confirms it. Otherwise bisect:
        // longer suffixes count more, though BPE is not strictly monotone, hence the final
        // search forward.
        let end = self.estimate.at(prev_end);
        let guess = starts.partition_point(|&p| end - self.estimate.at(p) > self.overlap as f64);
        let rest = &starts[guess.min(starts.len())..];
        if let Some(found) = rest.first().and_then(|&p| fits(p)) {
            return found;
        }
        let first = rest.partition_point(|&p| fits(p).is_none());
        rest[first..]
            .iter()
            .find_map(|&p| fits(p))
            .unwrap_or((prev_end, 0))
    }

    fn is_grapheme_boundary(&self, at: usize) -> bool {
        GraphemeCursor::new(at, self.text.len(), true)
            .is_boundary(self.text, 0)
            .unwrap_or(false)
    }

    fn next_grapheme(&self, at: usize) -> usize {
        GraphemeCursor::new(at, self.text.len(), true)
            .next_boundary(self.text, 0)
            .ok()
            .flatten()
            .unwrap_or(self.text.len())
    }

    /// The last grapheme boundary at or before `at`.
    fn grapheme_floor(&self, at: usize) -> usize {
        if self.is_grapheme_boundary(at) {
            return at;
        }
        GraphemeCursor::new(at, self.text.len(), true)
            .prev_boundary(self.text, 0)
            .ok()
            .flatten()
            .unwrap_or(0)
    }
}

/// The last element of sorted `v` in `from..=to`.
fn last_within(v: &[usize], from: usize, to: usize) -> Option<usize> {
    let i = v.partition_point(|&p| p <= to);
    i.checked_sub(1).map(|i| v[i]).filter(|&p| p >= from)
}

/// Token counts per block of lines, as a running total that is linear inside each block.
struct Estimate {
    /// Byte end of each block.
    ends: Vec<usize>,
    /// Tokens up to the end of each block.
    totals: Vec<f64>,
}

impl Estimate {
    fn new(text: &str, counter: &dyn TokenCounter, block: usize) -> Self {
        let ranges = blocks(text, block);
        let counts = count_blocks(text, counter, &ranges);
        let mut total = 0.0;
        let totals = counts
            .iter()
            .map(|&n| {
                total += n as f64;
                total
            })
            .collect();
        Estimate {
            ends: ranges.iter().map(|&(_, end)| end).collect(),
            totals,
        }
    }

    fn total(&self) -> f64 {
        self.totals.last().copied().unwrap_or(0.0)
    }

    /// Estimated tokens before byte `at`.
    fn at(&self, at: usize) -> f64 {
        let i = self.ends.partition_point(|&e| e <= at);
        let Some(&end) = self.ends.get(i) else {
            return self.total();
        };
        let (start, before) = self.block_start(i);
        before + (self.totals[i] - before) * (at - start) as f64 / (end - start) as f64
    }

    /// The last byte offset where the estimate is at most `tokens` (maybe not a char
    /// boundary).
    fn position(&self, tokens: f64) -> usize {
        let i = self.totals.partition_point(|&t| t <= tokens);
        let Some(&end) = self.ends.get(i) else {
            return self.ends.last().copied().unwrap_or(0);
        };
        let (start, before) = self.block_start(i);
        let share = ((tokens - before) / (self.totals[i] - before)).clamp(0.0, 1.0);
        start + ((end - start) as f64 * share) as usize
    }

    fn block_start(&self, i: usize) -> (usize, f64) {
        match i.checked_sub(1) {
            Some(j) => (self.ends[j], self.totals[j]),
            None => (0, 0.0),
        }
    }
}

/// Byte ranges of about `block` bytes covering `text`, ending at line ends where lines allow.
fn blocks(text: &str, block: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut line_end = 0;
    for line in text.split_inclusive('\n') {
        line_end += line.len();
        // A very long line (a paragraph per line, a blob) is cut into several blocks.
        while line_end - start > 2 * block {
            let cut = text.ceil_char_boundary(start + block);
            out.push((start, cut));
            start = cut;
        }
        if line_end - start >= block {
            out.push((start, line_end));
            start = line_end;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// Texts at least this long are counted on all cores: the estimate pass is half the work of
/// a split, and its blocks are independent.
const PARALLEL_FROM_BYTES: usize = 1 << 20;

fn count_blocks(text: &str, counter: &dyn TokenCounter, ranges: &[(usize, usize)]) -> Vec<usize> {
    let count = |part: &[(usize, usize)]| -> Vec<usize> {
        part.iter()
            .map(|&(s, e)| counter.count(&text[s..e]))
            .collect()
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if text.len() < PARALLEL_FROM_BYTES || threads < 2 {
        return count(ranges);
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = ranges
            .chunks(ranges.len().div_ceil(threads))
            .map(|part| scope.spawn(move || count(part)))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// The heading text of a line that is a heading, without Markdown `#` markers.
fn heading_title(line: &str) -> Option<&str> {
    let t = line.trim();
    if t.is_empty() || t.len() > 4 * MAX_HEADING_CHARS || t.chars().count() > MAX_HEADING_CHARS {
        return None;
    }
    if t.starts_with('#') {
        let hashes = t.bytes().take_while(|&b| b == b'#').count();
        let rest = &t[hashes..];
        if hashes > 6 || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return None;
        }
        let title = rest.trim().trim_end_matches('#').trim();
        return (!title.is_empty()).then_some(title);
    }
    if t.split_whitespace().count() > MAX_HEADING_WORDS + 2 {
        return None;
    }
    (is_numbered_heading(t) || is_caps_heading(t)).then_some(t)
}

/// "1. Introduction", "2.3 Scope", "§ 3", "Art. 5", "Rozdział IV", "Chapter 2. Findings";
/// not "1. the suspect left." (a list item) nor "Art. 5 ustawy stanowi, że…" (prose).
fn is_numbered_heading(line: &str) -> bool {
    static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?:(?P<keyword>§+|(?i:art\.?|artykuł|article|artikel|rozdział|dział|chapter|kapitel|section|sekcja|abschnitt|część|part|teil)\s*[0-9IVXLC]+[a-z]?\.?)|(?P<number>[0-9]{1,3}\.(?:[0-9]{1,3}\.?)*))(?:\s+(?P<title>\S.*))?$",
        )
        .expect("a constant, tested pattern")
    });
    let Some(m) = NUMBERED.captures(line) else {
        return false;
    };
    let title = m.name("title").map_or("", |t| t.as_str());
    let first = title.chars().next();
    if m.name("keyword").is_some() {
        // "§ 3", "Art. 5.", "§ 2. Przepisy ogólne"
        return !first.is_some_and(char::is_lowercase);
    }
    // A section number needs a capitalised title that does not end like a sentence or list
    // item.
    first.is_some_and(char::is_uppercase) && !title.ends_with(['.', ',', ';', ':'])
}

/// Short lines in capitals: "NOTATKA URZĘDOWA", "PROTOKÓŁ PRZESŁUCHANIA ŚWIADKA".
fn is_caps_heading(line: &str) -> bool {
    let mut letters = 0;
    let mut others = 0;
    for c in line.chars().filter(|c| !c.is_whitespace()) {
        if c.is_lowercase() {
            return false;
        }
        if c.is_alphabetic() {
            letters += 1;
        } else {
            others += 1;
        }
    }
    letters >= 4 && letters > others && line.chars().count() <= 80
}

#[cfg(test)]
mod tests;
