//! Sentence splitting for the extractive summarizer.
//!
//! Two passes. First the text is cut into *blocks* at layout boundaries: blank lines, separator
//! lines, bullet/numbered list items, Markdown headings and table rows, and short unterminated
//! lines (headings, letterhead, form fields) — a line break carries meaning there even without
//! punctuation. Then each block is cut at sentence punctuation, where the hard part is telling a
//! full stop from an abbreviation ("ul. Marszałkowska", "z.B. Berlin", "27.11.2025 r. około"),
//! an initial ("J. Smith"), an ordinal ("am 3. Mai") or a decimal ("3.5").
//!
//! A chat message (a line opening with a stamp and a sender, see [`super::chat`]) is one
//! unit with its continuation lines, whatever punctuation it has.
//!
//! The rules are heuristics tuned for the languages case material arrives in (Polish, English,
//! German, French, Spanish); a wrong split costs a fragment in a summary, never lost text.

use super::chat;

/// One sentence (or other unit: heading, list item, table row) of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// Byte span in the text given to [`split_sentences`], trimmed of surrounding whitespace.
    pub byte_start: usize,
    pub byte_end: usize,
    /// 1-based line numbers within that text.
    pub line_start: usize,
    pub line_end: usize,
}

impl Sentence {
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        source.get(self.byte_start..self.byte_end).unwrap_or("")
    }
}

/// Units longer than this are most likely tables or logs without punctuation; they are cut at
/// line breaks so one of them cannot swallow a whole summary.
const MAX_UNIT_BYTES: usize = 1000;

/// Single-blank-line gaps needed before a text's spacing is judged (see [`is_double_spaced`]).
const MIN_DOUBLE_SPACED_GAPS: usize = 8;

/// Split `text` into sentences in document order. Units without a letter or digit (rules,
/// stray punctuation) are dropped, and so are Markdown code blocks: a shell command or a log
/// between ``` fences is not a sentence a summary can quote.
pub fn split_sentences(text: &str) -> Vec<Sentence> {
    let mut lines = LineCounter::default();
    let mut out = Vec::new();
    for_each_unit(text, |s, e| {
        let line_start = lines.line_at(text, s);
        let line_end = lines.line_at(text, e.saturating_sub(1).max(s));
        out.push(Sentence {
            byte_start: s,
            byte_end: e,
            line_start,
            line_end,
        });
    });
    out
}

/// The units of [`split_sentences`] as byte spans `(start, end)`, handed to `unit` one by one
/// in document order: a caller that keeps less than a [`Sentence`] per unit (the summarizer,
/// on a text of a million short lines) need not hold them all.
pub fn for_each_unit(text: &str, mut unit: impl FnMut(usize, usize)) {
    let code = fenced_code(text);
    let in_code = |s: usize, e: usize| code.iter().any(|&(a, b)| a <= s && e <= b);
    let mut span = |start: usize, end: usize| {
        if in_code(start, end) {
            return;
        }
        cut_oversized(text, start, end, &mut |s, e| {
            if let Some((s, e)) = trim_span(text, s, e)
                && text[s..e].chars().any(char::is_alphanumeric)
            {
                unit(s, e);
            }
        });
    };
    let mut spans = Vec::new();
    blocks(text, &mut |start, end, whole| {
        if whole {
            span(start, end);
        } else {
            for (s, e) in block_chunks(text, start, end) {
                spans.clear();
                split_block(text, s, e, &mut spans);
                for &(a, b) in &spans {
                    span(a, b);
                }
            }
        }
    });
}

/// 1-based line numbers of byte offsets, counted on from the last offset asked for: offsets
/// asked for in increasing order cost one pass over the text in all, with no index of it.
#[derive(Debug, Default)]
pub struct LineCounter {
    pos: usize,
    /// Line breaks in `text[..pos]`.
    breaks: usize,
}

impl LineCounter {
    /// 1-based line of `byte` in `text` (always the same `text`).
    pub fn line_at(&mut self, text: &str, byte: usize) -> usize {
        let byte = byte.min(text.len());
        let count = |a: usize, b: usize| {
            text.as_bytes()[a..b]
                .iter()
                .filter(|&&c| c == b'\n')
                .count()
        };
        if byte >= self.pos {
            self.breaks += count(self.pos, byte);
        } else {
            self.breaks -= count(byte, self.pos);
        }
        self.pos = byte;
        self.breaks + 1
    }
}

/// A block larger than this (a text with no blank lines at all) is split in pieces of about
/// this size at line ends, so the per-character index of [`split_block`] stays small.
const CHUNK_BYTES: usize = 64 * 1024;

/// `start..end` cut at line breaks into pieces of at most about [`CHUNK_BYTES`], each ending
/// after a line that ends in sentence punctuation where there is one (so no sentence is cut),
/// else at the last line break before the limit.
fn block_chunks(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = start;
    while end - s > CHUNK_BYTES {
        let mut limit = s + CHUNK_BYTES;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &text[s..limit];
        let sentence_end = window.match_indices('\n').rev().map(|(i, _)| i).find(|&i| {
            window[..i]
                .trim_end()
                .chars()
                .last()
                .is_some_and(|c| is_terminal(c) || is_closer(c))
        });
        let Some(cut) = sentence_end
            .or_else(|| window.rfind('\n'))
            .filter(|&i| i > 0)
        else {
            break;
        };
        out.push((s, s + cut));
        s += cut + 1;
    }
    out.push((s, end));
    out
}

/// Byte ranges of fenced code blocks (a line starting with ``` or ~~~ up to the next such
/// line, fences included). An unclosed fence is taken as text: dropping the rest of a
/// document because of one stray ``` would lose more than it saves.
fn fenced_code(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let fence = ["```", "~~~"].into_iter().find(|f| t.starts_with(f));
        match (open, fence) {
            (None, Some(f)) => open = Some((pos, f)),
            (Some((start, f)), Some(g)) if f == g => {
                out.push((start, pos + line.len()));
                open = None;
            }
            _ => {}
        }
        pos += line.len();
    }
    out
}

fn trim_span(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let slice = &text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if trimmed.is_empty() {
        None
    } else {
        Some((start + lead, start + lead + trimmed.len()))
    }
}

fn cut_oversized(text: &str, start: usize, end: usize, out: &mut dyn FnMut(usize, usize)) {
    if end - start <= MAX_UNIT_BYTES {
        out(start, end);
        return;
    }
    let mut lines = Vec::new();
    let mut s = start;
    for (i, _) in text[start..end].match_indices('\n') {
        lines.push((s, start + i));
        s = start + i + 1;
    }
    lines.push((s, end));
    // A line that is still too long (a text with no punctuation and no line breaks) is cut at
    // the last space before the limit, or anywhere if it has none.
    for (mut s, e) in lines {
        while e - s > MAX_UNIT_BYTES {
            let mut cut = s + MAX_UNIT_BYTES;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            if let Some(space) = text[s..cut].rfind(char::is_whitespace)
                && space > 0
            {
                cut = s + space;
            }
            out(s, cut);
            s = cut;
        }
        out(s, e);
    }
}

// ---------------------------------------------------------------------------------------------
// Pass 1: blocks

#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    /// End of the line's content, before "\n" / "\r\n".
    end: usize,
}

/// Blocks of `text` as (start, end, whole), handed to `emit` in document order: a whole block
/// is one unit as it stands.
fn blocks(text: &str, emit: &mut dyn FnMut(usize, usize, bool)) {
    let mut lines = Vec::new();
    let mut pos = 0;
    for raw in text.split_inclusive('\n') {
        let content = raw.trim_end_matches(['\n', '\r']);
        lines.push(Line {
            start: pos,
            end: pos + content.len(),
        });
        pos += raw.len();
    }

    let double_spaced = is_double_spaced(text, &lines);

    // Lines grouped by layout alone; each group is then cut at unterminated short lines. A chat
    // message (stamp, sender, text and its continuation lines) is a group of its own that is
    // never cut: one message is one unit, so a summary quotes it with its sender. A group is
    // the non-blank lines of `lines[first..=last]` (in double-spaced text it runs over single
    // blank lines), cut into blocks as soon as it ends.
    let mut current: Option<(usize, usize)> = None;
    let mut message = false;
    let mut flush = |current: &mut Option<(usize, usize)>, message: &mut bool| {
        if let Some((first, last)) = current.take() {
            group_blocks(text, &lines[first..=last], *message, emit);
        }
        *message = false;
    };
    let push = |current: &mut Option<(usize, usize)>, i: usize| {
        *current = Some(current.map_or((i, i), |(first, _)| (first, i)));
    };
    for (i, &line) in lines.iter().enumerate() {
        let content = &text[line.start..line.end];
        let trimmed = content.trim();
        if trimmed.is_empty() {
            // In double-spaced text one blank line is only a line break; two end a block.
            let single_gap = i > 0
                && !is_blank(text, lines[i - 1])
                && lines.get(i + 1).is_some_and(|&l| !is_blank(text, l));
            if !(double_spaced && single_gap) {
                flush(&mut current, &mut message);
            }
        } else if chat::opens_message(content) {
            flush(&mut current, &mut message);
            push(&mut current, i);
            message = true;
        } else if message {
            push(&mut current, i);
        } else if !trimmed.chars().any(char::is_alphanumeric) {
            flush(&mut current, &mut message);
        } else if trimmed.starts_with('#') || trimmed.starts_with('|') || is_asciidoc_title(trimmed)
        {
            flush(&mut current, &mut message);
            push(&mut current, i);
            flush(&mut current, &mut message);
        } else if is_list_item(trimmed) {
            flush(&mut current, &mut message);
            push(&mut current, i);
        } else {
            push(&mut current, i);
        }
    }
    flush(&mut current, &mut message);
}

/// The blocks of one group of lines (blank lines in `lines` are not part of it).
fn group_blocks(text: &str, lines: &[Line], whole: bool, emit: &mut dyn FnMut(usize, usize, bool)) {
    let group = || lines.iter().copied().filter(|&l| !is_blank(text, l));
    if whole {
        if let (Some(first), Some(last)) = (group().next(), group().next_back()) {
            emit(first.start, last.end, true);
        }
        return;
    }
    let widest = group()
        .map(|l| text[l.start..l.end].trim_end().chars().count())
        .max()
        .unwrap_or(0);
    let mut members = group();
    let Some(mut this) = members.next() else {
        return;
    };
    let mut block_start = this.start;
    for next in members {
        if line_ends_unit(
            text[this.start..this.end].trim(),
            text[next.start..next.end].trim(),
            widest,
        ) {
            emit(block_start, this.end, false);
            block_start = next.start;
        }
        this = next;
    }
    emit(block_start, this.end, false);
}

/// An AsciiDoc section title, "== Hashes": one to six `=` and a space. Like a Markdown
/// heading it is a unit of its own even when the next line follows without a blank line.
fn is_asciidoc_title(line: &str) -> bool {
    let rest = line.trim_start_matches('=');
    (1..=6).contains(&(line.len() - rest.len())) && rest.starts_with(' ')
}

fn is_blank(text: &str, line: Line) -> bool {
    text[line.start..line.end].trim().is_empty()
}

/// Whether `text` is hard-wrapped prose with a blank line after every line (typewriter double
/// spacing, some court databases and PDF exports). There a blank line cannot mark a paragraph:
/// in many of its gaps a sentence runs on — the line before ends without sentence punctuation
/// and the line after starts in lower case. Text with one paragraph per line and blank lines
/// between has almost no such gaps.
fn is_double_spaced(text: &str, lines: &[Line]) -> bool {
    let (mut gaps, mut running_on) = (0usize, 0usize);
    for w in lines.windows(3) {
        if !is_blank(text, w[1]) || is_blank(text, w[0]) || is_blank(text, w[2]) {
            continue;
        }
        gaps += 1;
        let before = text[w[0].start..w[0].end].trim_end();
        let after = text[w[2].start..w[2].end].trim_start();
        let open = before
            .chars()
            .last()
            .is_some_and(|c| !is_terminal(c) && c != ':');
        if open && after.chars().next().is_some_and(char::is_lowercase) {
            running_on += 1;
        }
    }
    gaps >= MIN_DOUBLE_SPACED_GAPS && running_on * 4 >= gaps
}

fn is_list_item(line: &str) -> bool {
    list_marker_len(line).is_some()
}

/// Byte length of the list marker opening `line` ("- ", "* ", "• ", "1. ", "2) ", "a) ",
/// "(iii) "), if it has one.
fn list_marker_len(line: &str) -> Option<usize> {
    let mut chars = line.chars();
    let first = chars.next()?;
    if matches!(
        first,
        '-' | '*' | '+' | '•' | '◦' | '▪' | '‣' | '·' | '–' | '—' | '►' | '✓'
    ) {
        return chars
            .next()
            .filter(|c| c.is_whitespace())
            .map(|_| first.len_utf8());
    }
    let paren = usize::from(line.starts_with('('));
    let body = &line[paren..];
    let marker_len = body
        .char_indices()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(body.len(), |(i, _)| i);
    let (marker, rest) = body.split_at(marker_len);
    let numeric =
        !marker.is_empty() && marker.len() <= 3 && marker.chars().all(|c| c.is_ascii_digit());
    let lettered = marker.chars().count() == 1 && marker.chars().all(char::is_alphabetic)
        || (!marker.is_empty()
            && marker.len() <= 4
            && marker.chars().all(|c| matches!(c, 'i' | 'v' | 'x')));
    let mut rest = rest.chars();
    let closer = rest.next();
    let spaced = rest.next().is_some_and(char::is_whitespace);
    let is_marker = match closer {
        // A letter followed by "." is an initial ("J. Smith"), not a list marker.
        Some('.') => numeric && spaced,
        Some(')') => (numeric || lettered) && spaced,
        _ => false,
    };
    is_marker.then_some(paren + marker_len + 1)
}

/// Whether the break after `line` ends a unit although no punctuation says so: a short line
/// (heading, letterhead, form field) followed by one that starts like a new unit. Wrapped prose
/// fills its lines, so only its last line is short, and that one ends the block anyway.
fn line_ends_unit(line: &str, next: &str, widest: usize) -> bool {
    let Some(last) = line.chars().last() else {
        return false;
    };
    if is_terminal(last) || matches!(last, ',' | ';' | '-' | '‐' | '(' | '„' | '«') {
        return false;
    }
    let starts_unit = next
        .chars()
        .find(|c| !is_opener(*c))
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    if !starts_unit {
        return false;
    }
    let len = line.chars().count();
    len * 10 < widest * 6 || widest < 40
}

// ---------------------------------------------------------------------------------------------
// Pass 2: sentences within a block

fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '…' | '‼' | '⁇' | '⁈' | '⁉' | '。' | '！' | '？'
    )
}

/// Full-width terminators end a sentence without a following space.
fn is_cjk_terminal(c: char) -> bool {
    matches!(c, '。' | '！' | '？')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '}' | '」' | '』' | '）'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '“'
            | '‘'
            | '„'
            | '‚'
            | '«'
            | '‹'
            | '('
            | '['
            | '{'
            | '¿'
            | '¡'
            | '-'
            | '–'
            | '—'
    )
}

fn split_block(text: &str, block_start: usize, block_end: usize, out: &mut Vec<(usize, usize)>) {
    let block = &text[block_start..block_end];
    let chars: Vec<(usize, char)> = block.char_indices().collect();
    let n = chars.len();
    let byte_at = |i: usize| chars.get(i).map_or(block.len(), |&(b, _)| b);
    let mut start = 0;
    // A list marker ("1.", "a)") is not a sentence end.
    let marker = list_marker_len(block.trim_start()).map_or(0, |len| {
        let lead = block.len() - block.trim_start().len();
        chars.partition_point(|&(b, _)| b < lead + len)
    });
    let mut i = marker;
    while i < n {
        let c = chars[i].1;
        if !is_terminal(c) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && is_terminal(chars[j].1) {
            j += 1;
        }
        while j < n && is_closer(chars[j].1) {
            j += 1;
        }
        let cjk = chars[i..j].iter().any(|&(_, c)| is_cjk_terminal(c));
        if j < n && !cjk && !chars[j].1.is_whitespace() {
            i = j;
            continue;
        }
        let mut k = j;
        while k < n && (chars[k].1.is_whitespace() || is_opener(chars[k].1)) {
            k += 1;
        }
        let boundary = match chars.get(k) {
            None => true,
            Some(_) if cjk => true,
            Some(&(after, _)) => {
                let run: String = chars[i..j]
                    .iter()
                    .map(|&(_, c)| c)
                    .filter(|c| is_terminal(*c))
                    .collect();
                // After a full-width stop the next sentence starts with no space between.
                let token_start = token_start(&chars, i).max(start);
                let token = &block[byte_at(token_start)..byte_at(i)];
                let before = &block[byte_at(start)..byte_at(token_start)];
                is_boundary(&run, token, before, &block[after..])
            }
        };
        if boundary {
            out.push((block_start + byte_at(start), block_start + byte_at(j)));
            start = j;
        }
        i = j;
    }
    if start < n {
        out.push((block_start + byte_at(start), block_end));
    }
}

/// Index of the first char of the word that ends at `end` (exclusive).
fn token_start(chars: &[(usize, char)], end: usize) -> usize {
    let mut s = end;
    while s > 0 {
        let c = chars[s - 1].1;
        if c.is_whitespace() || (is_opener(c) && c != '-') {
            break;
        }
        s -= 1;
    }
    s
}

/// Decide whether `run` (terminal punctuation after `token`) ends the sentence, given the first
/// significant char after it and the sentence text before the token.
fn is_boundary(run: &str, token: &str, before: &str, after: &str) -> bool {
    let Some(next) = after.chars().next() else {
        return true;
    };
    if next.is_lowercase() {
        return false;
    }
    if run.contains(['!', '?', '‼', '⁇', '⁈', '⁉']) {
        return true;
    }
    if run != "." {
        // Ellipsis: a pause within a sentence unless a capital follows.
        return next.is_uppercase();
    }
    period_ends_sentence(token, before, after, next)
}

fn period_ends_sentence(token: &str, before: &str, after: &str, next: char) -> bool {
    let word = token.trim_start_matches(is_opener);
    if word.is_empty() {
        return true;
    }
    let lower = word.to_lowercase();
    let alphabetic = word.chars().all(char::is_alphabetic);
    let acronym = alphabetic && word.chars().count() >= 2 && word.chars().all(char::is_uppercase);

    if !acronym && NON_FINAL.contains(&lower.as_str()) {
        return false;
    }
    // Polish "r." (roku) after a date: "W dniu 27.11.2025 r. Jan Kowalski…" continues, while
    // "…zatrzymany 27.11.2025 r. Sprawca…" ends. The date opening the sentence tells them apart.
    if lower == "r" {
        return next.is_uppercase() && follows_date(before) && !date_opens_sentence(before);
    }
    if CAN_END.contains(&lower.as_str()) {
        return next.is_uppercase();
    }
    // German-style ordinals ("am 3. Mai", "im 19. Jahrhundert"); elsewhere a number before a
    // capital ends the sentence ("…o godz. 12. Ukradł…").
    if word.chars().count() <= 2
        && word.chars().all(|c| c.is_ascii_digit())
        && ORDINAL_NOUNS.contains(&first_word(after).as_str())
    {
        return false;
    }
    // Initials ("J. Smith", "M. Dupont").
    if alphabetic && word.chars().count() == 1 {
        return false;
    }
    // Dotted abbreviations: "e.g", "U.S", "z.B", "m.in", "p.n.e". Domains have longer labels.
    if word.contains('.')
        && word.split('.').all(|seg| {
            !seg.is_empty() && seg.chars().count() <= 3 && seg.chars().all(char::is_alphabetic)
        })
    {
        return false;
    }
    if next.is_ascii_digit() {
        // "s. 45", "poz. 3", "vol. 2": short words before a number are abbreviations.
        return !(alphabetic && !acronym && word.chars().count() <= 4);
    }
    true
}

fn follows_date(before: &str) -> bool {
    before
        .split_whitespace()
        .last()
        .is_some_and(|w| w.chars().any(|c| c.is_ascii_digit()))
}

/// "W dniu 27.11.2025 r.", "Dnia 1 grudnia 2025 r.", "Od 3.10.2025 r.": only a few
/// date-introducing words stand before the date.
fn date_opens_sentence(before: &str) -> bool {
    let lead: Vec<String> = before
        .split_whitespace()
        .take_while(|w| !w.chars().any(|c| c.is_ascii_digit()))
        .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase())
        .collect();
    lead.len() <= 3 && lead.iter().all(|w| DATE_INTRO.contains(&w.as_str()))
}

fn first_word(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

const DATE_INTRO: &[&str] = &[
    "w",
    "we",
    "dniu",
    "dnia",
    "dn",
    "z",
    "od",
    "do",
    "dnie",
    "pomiędzy",
    "między",
    "a",
    "i",
    "rano",
    "wieczorem",
    "nocy",
    "około",
    "ok",
];

/// Words that follow an ordinal number ("3. Mai") rather than start a sentence.
const ORDINAL_NOUNS: &[&str] = &[
    "januar",
    "jänner",
    "februar",
    "märz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
    "jahrhundert",
    "jahrtausend",
    "stock",
    "etage",
    "obergeschoss",
    "klasse",
    "liga",
    "bundesliga",
    "platz",
    "runde",
    "auflage",
    "kapitel",
    "absatz",
    "senat",
    "kammer",
    "strafkammer",
    "zivilkammer",
    "polizeirevier",
    "revier",
    "kommissariat",
];

/// Abbreviations that do not end a sentence even before a capital: titles, street and unit
/// words, "for example". Lowercase, without the final period.
const NON_FINAL: &[&str] = &[
    // English
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "gen", "col", "lt", "sgt", "capt", "cpt", "det",
    "insp", "supt", "rev", "hon", "mt", "ft", "fig", "vs", "approx", "dept", "cf", "ca", "no",
    "nos", "tel", "ext", // Polish
    "ul", "al", "pl", "os", "nr", "godz", "tj", "np", "św", "im", "tzw", "ok", "ob", "obyw", "mjr",
    "kpt", "por", "ppor", "asp", "sierż", "mł", "nadkom", "podkom", "kom", "prok", "sędz", "mec",
    "adw", "dot", "ws", "wg", "ds", "pkt", "art", "ust", "par", "zob", "woj", "pow", "gm", "płk",
    "ppłk", "mgr", "inż", "hab", "lek", "ks", "bp", "ur", "zam", "sygn", "poz", "tab", "rys",
    "red", "tzn", "wyd", "oprac", "ozn", "m.in", "pn", "pd", "wsch", "zach", "dz",
    "t.j", // German
    "bzw", "hr", "hrn", "fr", "vgl", "ggf", "evtl", "inkl", "zzgl", "abs", "geb", "z.b", "d.h",
    "u.a", "o.ä", "s.o", "s.u", // French
    "mme", "mmes", "mlle", "mlles", "me", "mgr", "pr", "av", "bd", "n°", // Spanish
    "sra", "sras", "srta", "dña", "dn", "ud", "uds", "avda", "núm", "pág", "dra", "lic",
];

/// Abbreviations that often close a sentence: before a capital they are taken as its end.
const CAN_END: &[&str] = &[
    // Street types follow the name, so they end sentences: "…on Elm Ave. The…".
    "ave", "rd", "blvd", "str", "etc", "itd", "itp", "usw", "jr", "inc", "ltd", "co", "corp", "tys",
    "mln", "mld", "a.m", "p.m", "cdn", "ff",
];

#[cfg(test)]
mod tests;
