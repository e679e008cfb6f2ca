//! Extractive summarizer: picks the most central sentences of a text and returns them in
//! document order with their source lines.
//!
//! # Method
//!
//! 1. **Units**: [`split_sentences`](super::sentences::split_sentences) (abbreviation-aware, layout-aware).
//! 2. **Terms**: Unicode words, lowercased, stopwords of en/pl/de/fr/es dropped, cut to their
//!    first [`STEM_CHARS`] characters — a crude stemmer, but it folds most Polish and German
//!    inflection ("sprawca", "sprawcy", "sprawcę" → "sprawc") without a language guess.
//! 3. **Vectors**: TF-IDF, `(1 + ln tf) · ln(1 + N / df)`, L2-normalised, so the dot product of
//!    two vectors is their cosine similarity.
//! 4. **Graph** (LexRank with continuous weights): each sentence is linked to its
//!    [`NEIGHBOURS`] most similar sentences with cosine ≥ [`MIN_SIMILARITY`]. All-pairs cosine is
//!    quadratic, so similarities are accumulated through an inverted index instead: for each
//!    sentence, walk the postings of its terms and add up `w_i · w_j` per co-occurring
//!    sentence. Terms found in more than [`MAX_POSTINGS`] sentences are skipped while doing so;
//!    their IDF is the lowest of all, so they barely move a cosine, and skipping them bounds the
//!    work at `terms per sentence × MAX_POSTINGS` per sentence — linear in the text. Below
//!    `MAX_POSTINGS` sentences the similarities are exact. Edges are made symmetric.
//! 5. **Centrality**: weighted PageRank (damping 0.85) by power iteration until the scores move
//!    less than 1e-9 in total, at most 100 rounds.
//! 6. **Relevance**: a weighted sum of centrality, a position prior, similarity to the title
//!    block and key-entity density ([`CENTRALITY_WEIGHT`] …), scaled down for short and boilerplate
//!    units:
//!    - *position*: high at the start, falling off as `1 / (1 + i / span)` with `span` = 5 %
//!      of the text (reports and news state the essentials first) — and high again from the
//!      unit that opens a marked concluding part ("FOR THESE REASONS", "Conclusions",
//!      "Z tych względów", "Par ces motifs"…), where judgments state the ruling and reports
//!      their conclusions; such argued texts open with procedure, so their lead counts less;
//!    - *title*: cosine to the leading headings (case name, subject line), whose rarer terms
//!      name the parties, place and subject (Edmundson's title method);
//!    - *key entities*: share of words that are numbers (dates, amounts, articles) or names
//!      (a party, a place — not "Court", which is everywhere, nor a word the text uses as a
//!      title, "the Commission", "the President"); a name said once counts, except in a text
//!      that capitalises its nouns (German), where it must be found twice;
//!    - *boilerplate*: short units without sentence punctuation (headings, bylines, footers,
//!      list fragments) — except a headline opening the text —, lists of names, units repeated
//!      verbatim three times or more (running headers), table-of-contents entries, footnotes
//!      and units that start mid-sentence (cut by a page break) keep only part of their
//!      relevance; so do units with fewer than [`FULL_LENGTH_TERMS`] terms, in proportion;
//!    - *cover letter*: a letter in front of a report ("Dear …" or "Enclosed please find …" up
//!      to "Yours sincerely", "Z poważaniem", "Mit freundlichen Grüßen"…, ending before the
//!      middle of the text) keeps [`COVER_LETTER_FACTOR`] of its relevance, and the lead,
//!      title block and headline are those of the text after it.
//! 7. **Selection**: maximal marginal relevance — repeatedly take the unit maximising
//!    `λ · relevance − (1 − λ) · max cosine to the units already taken`, and never one whose
//!    cosine to a taken unit reaches [`DUPLICATE_SIMILARITY`], so near-duplicates (a fact
//!    restated in two reports) appear once. The relevance there is scaled by how many of the
//!    unit's key entities (numbers, names) are new to the summary
//!    ([`ENTITY_NOVELTY_SHARE`]): a dateline repeating the headline's place and date, or a
//!    sentence restating the amount already given, shares few words with what was taken but
//!    adds no fact.
//!
//! Everything is deterministic: no randomness, no hash-map iteration order in any sum, and ties
//! go to the earlier sentence.

mod letter;
mod salience;

use super::sentences::{LineCounter, for_each_unit};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use unicode_segmentation::UnicodeSegmentation;

/// How long a summary is; [`target_sentences`] turns it into a number of sentences.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Length {
    Short,
    #[default]
    Medium,
    Long,
}

/// A sentence chosen for the summary.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChosenSentence {
    /// The sentence with its line breaks and runs of whitespace collapsed to single spaces.
    pub text: String,
    /// Absolute 1-based source lines (the `first_line` given to [`summarize`] is line 1 of the
    /// text).
    pub line_start: usize,
    pub line_end: usize,
    /// Byte span in the text given to [`summarize`].
    pub byte_start: usize,
    pub byte_end: usize,
    /// Relevance in 0..=1 (1 for the best sentence of the text).
    pub score: f64,
}

/// Characters kept of each word; see the module documentation.
pub const STEM_CHARS: usize = 6;
/// Neighbours kept per sentence in the similarity graph.
pub const NEIGHBOURS: usize = 24;
/// Texts of very short units keep fewer: one neighbour per this many bytes of the average
/// unit, at least [`MIN_NEIGHBOURS`] (see [`neighbours_for`]).
pub const BYTES_PER_NEIGHBOUR: usize = 4;
pub const MIN_NEIGHBOURS: usize = 4;
/// Weaker similarities are not edges.
pub const MIN_SIMILARITY: f64 = 0.05;
/// Terms in more sentences than this are not used to find neighbours.
pub const MAX_POSTINGS: usize = 256;
/// Shares of relevance: centrality in the similarity graph, position (lead and conclusion),
/// similarity to the title block, and key-entity density (numbers, names). They sum
/// to 1.
pub const CENTRALITY_WEIGHT: f64 = 0.5;
pub const POSITION_WEIGHT: f64 = 0.2;
pub const TITLE_WEIGHT: f64 = 0.1;
pub const ENTITY_WEIGHT: f64 = 0.2;
/// How much more of its relevance the first line keeps when it heads a title block.
pub const HEADLINE_BOOST: f64 = 3.0;
/// Relevance kept by the units of a cover letter in front of a report (see `letter`).
pub const COVER_LETTER_FACTOR: f64 = 0.1;
/// Units with fewer terms than this have their relevance scaled down proportionally.
pub const FULL_LENGTH_TERMS: usize = 8;
/// Weight of the lead position in a text with a marked concluding part.
pub const LEAD_SHARE_WITH_CONCLUSION: f64 = 0.5;
/// Position prior at the opening of a marked concluding part, relative to the first unit of a
/// text without one: the ruling or conclusion is what a reader of a summary must not miss.
pub const CONCLUSION_PRIOR: f64 = 2.0;
/// MMR trade-off between relevance and novelty.
pub const MMR_LAMBDA: f64 = 0.7;
/// Share of a candidate's relevance that depends on its key entities (numbers, names) being
/// new to the summary: a unit whose entities are all in the units already taken keeps
/// `1 - ENTITY_NOVELTY_SHARE` of it.
pub const ENTITY_NOVELTY_SHARE: f64 = 0.2;
/// Cosine at which two sentences count as saying the same thing.
pub const DUPLICATE_SIMILARITY: f64 = 0.7;

const DAMPING: f64 = 0.85;
const MAX_ITERATIONS: usize = 100;
const CONVERGENCE: f64 = 1e-9;

/// How many sentences a summary of `length` has, for a text of `total` sentences:
///
/// | length | sentences                         |
/// |--------|-----------------------------------|
/// | short  | 3                                 |
/// | medium | 10 % of the text, between 5 and 12 |
/// | long   | 20 % of the text, between 10 and 30 |
///
/// never more than the text has.
pub fn target_sentences(length: Length, total: usize) -> usize {
    let wanted = match length {
        Length::Short => 3,
        Length::Medium => total.div_ceil(10).clamp(5, 12),
        Length::Long => total.div_ceil(5).clamp(10, 30),
    };
    wanted.min(total)
}

/// Summarize `text`, whose first line is line `first_line` (1-based) of its source document.
/// Returns the chosen sentences in document order; empty for a text without sentences.
///
/// Memory: a few dozen bytes per unit besides the text (a text of a million three-word lines
/// is summarized within about four times its size). Only byte spans of the units are kept;
/// their term vectors are dropped once the similarity graph is built and worked out again, the
/// same, for the few units that need them later (the title block, the candidates).
/// Offsets are 32-bit: a text is read up to its first 4 GiB (ava's inputs are at most 512 MiB).
pub fn summarize(text: &str, first_line: usize, length: Length) -> Vec<ChosenSentence> {
    let text = within_u32(text);
    let units = Units::split(text);
    if units.is_empty() {
        return Vec::new();
    }
    let (vocabulary, vectors) = tfidf_vectors(&units);
    let graph = similarity_graph(&vectors, neighbours_for(text.len(), units.len()));
    // Relevance needs of each unit's vector only its length, and that only up to
    // FULL_LENGTH_TERMS.
    let terms: Vec<u8> = (0..vectors.len())
        .map(|i| vectors.get(i).len().min(FULL_LENGTH_TERMS) as u8)
        .collect();
    drop(vectors);
    let centrality = pagerank(&graph);
    drop(graph);
    let entities = salience::Entities::new(units.iter(), units.len());
    let relevance = relevance(centrality, &units, &vocabulary, &terms, &entities);
    drop(terms);
    let k = target_sentences(length, units.len());
    let mut chosen = select_mmr(&relevance, &units, &vocabulary, &entities, k);
    chosen.sort_unstable();

    let absolute = |line: usize| first_line.saturating_add(line).saturating_sub(1);
    let mut lines = LineCounter::default();
    chosen
        .into_iter()
        .map(|i| {
            let (byte_start, byte_end) = units.span(i);
            let line_start = lines.line_at(text, byte_start);
            let line_end = lines.line_at(text, byte_end.saturating_sub(1).max(byte_start));
            ChosenSentence {
                text: units
                    .get(i)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                line_start: absolute(line_start),
                line_end: absolute(line_end),
                byte_start,
                byte_end,
                score: relevance[i],
            }
        })
        .collect()
}

/// `text` up to its first 4 GiB, cut at a character boundary.
fn within_u32(text: &str) -> &str {
    let mut end = text.len().min(u32::MAX as usize);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The units of a text as byte spans, 8 bytes each: the units of
/// [`split_sentences`](super::sentences::split_sentences) without
/// their line numbers, which only the chosen ones need.
struct Units<'a> {
    text: &'a str,
    spans: Vec<(u32, u32)>,
}

impl<'a> Units<'a> {
    /// `text` must be shorter than 4 GiB (see [`within_u32`]).
    fn split(text: &'a str) -> Self {
        let mut spans = Vec::new();
        for_each_unit(text, |s, e| spans.push((s as u32, e as u32)));
        Self { text, spans }
    }

    fn len(&self) -> usize {
        self.spans.len()
    }

    fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    fn span(&self, i: usize) -> (usize, usize) {
        let (s, e) = self.spans[i];
        (s as usize, e as usize)
    }

    fn get(&self, i: usize) -> &'a str {
        let (s, e) = self.span(i);
        self.text.get(s..e).unwrap_or("")
    }

    fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// `"text [L12]"`, or `"text [L12-13]"` for a sentence spanning lines.
pub fn format_line(sentence: &ChosenSentence) -> String {
    if sentence.line_end > sentence.line_start {
        format!(
            "{} [L{}-{}]",
            sentence.text, sentence.line_start, sentence.line_end
        )
    } else {
        format!("{} [L{}]", sentence.text, sentence.line_start)
    }
}

/// The summary as text: one [`format_line`] per sentence, each ending in a newline.
pub fn format_summary(sentences: &[ChosenSentence]) -> String {
    sentences.iter().map(|s| format_line(s) + "\n").collect()
}

// ---------------------------------------------------------------------------------------------

/// Sparse unit vectors of all units in one allocation: unit `i` is
/// `entries[offsets[i]..offsets[i + 1]]`, (term id, weight) sorted by term id. One flat
/// buffer with 8-byte entries instead of a `Vec` per unit keeps a text of a million short
/// lines within a few times its own size.
struct Vectors {
    offsets: Vec<u32>,
    entries: Vec<(u32, f32)>,
}

impl Vectors {
    fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    fn get(&self, i: usize) -> &[(u32, f32)] {
        let (a, b) = (self.offsets[i] as usize, self.offsets[i + 1] as usize);
        &self.entries[a..b]
    }
}

/// An owned sparse unit vector.
type Vector = Vec<(u32, f32)>;

/// What it takes to work out any unit's vector again, exactly as [`tfidf_vectors`] did: term
/// ids, document frequencies and the number of units. Its size follows the vocabulary, not
/// the text.
struct Vocabulary {
    ids: HashMap<String, u32>,
    df: Vec<u32>,
    units: usize,
}

impl Vocabulary {
    /// The unit vector of `unit`, one of the units the vocabulary was built from.
    fn vector(&self, unit: &str) -> Vector {
        let mut terms: Vec<u32> = unit
            .unicode_words()
            .filter_map(term)
            .filter_map(|t| self.ids.get(&t).copied())
            .collect();
        terms.sort_unstable();
        let mut v: Vec<(u32, u32)> = Vec::new();
        count_runs(&terms, &mut v);
        let mut v: Vector = v.into_iter().map(|(t, c)| (t, self.weight(t, c))).collect();
        normalise(&mut v);
        v
    }

    /// TF-IDF weight of term `t` found `c` times in a unit.
    fn weight(&self, t: u32, c: u32) -> f32 {
        let idf = (1.0 + self.units as f64 / f64::from(self.df[t as usize])).ln();
        ((1.0 + f64::from(c).ln()) * idf) as f32
    }
}

/// Appends `(term, count)` for each run of equal terms in sorted `terms`.
fn count_runs(terms: &[u32], out: &mut Vec<(u32, u32)>) {
    let unit_start = out.len();
    for &t in terms {
        match out[unit_start..].last_mut() {
            Some((last, c)) if *last == t => *c += 1,
            _ => out.push((t, 1)),
        }
    }
}

/// Scales a vector to length 1 (the dot product of two is then their cosine).
fn normalise(unit: &mut [(u32, f32)]) {
    let norm = unit
        .iter()
        .map(|&(_, x)| f64::from(x) * f64::from(x))
        .sum::<f64>()
        .sqrt();
    if norm > 0.0 {
        for (_, x) in unit.iter_mut() {
            *x = (f64::from(*x) / norm) as f32;
        }
    }
}

fn tfidf_vectors(units: &Units<'_>) -> (Vocabulary, Vectors) {
    let mut ids: HashMap<String, u32> = HashMap::new();
    // Term counts of all units, flat as the vectors will be.
    let mut offsets: Vec<u32> = Vec::with_capacity(units.len() + 1);
    offsets.push(0);
    let mut counts: Vec<(u32, u32)> = Vec::new();
    let mut terms: Vec<u32> = Vec::new();
    for unit in units.iter() {
        terms.clear();
        terms.extend(unit.unicode_words().filter_map(term).map(|t| {
            let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            *ids.entry(t).or_insert(next)
        }));
        terms.sort_unstable();
        count_runs(&terms, &mut counts);
        offsets.push(u32::try_from(counts.len()).unwrap_or(u32::MAX));
    }

    let mut df = vec![0u32; ids.len()];
    for &(t, _) in &counts {
        df[t as usize] += 1;
    }
    let vocabulary = Vocabulary {
        ids,
        df,
        units: units.len(),
    };
    // Same size and alignment: the weights are written over the counts, no second buffer.
    let mut entries: Vec<(u32, f32)> = counts
        .into_iter()
        .map(|(t, c)| (t, vocabulary.weight(t, c)))
        .collect();
    for w in offsets.windows(2) {
        normalise(&mut entries[w[0] as usize..w[1] as usize]);
    }
    (vocabulary, Vectors { offsets, entries })
}

/// Normalised term for a word, or `None` for stopwords and noise.
fn term(word: &str) -> Option<String> {
    let lower = word.to_lowercase();
    let chars = lower.chars().count();
    if chars < 2 || stopwords().contains(lower.as_str()) {
        return None;
    }
    // Small numbers (counts, list numbers, days) say little about the topic.
    if chars < 3 && lower.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(lower.chars().take(STEM_CHARS).collect())
}

fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += f64::from(a[i].1) * f64::from(b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

/// Symmetric weighted adjacency lists in one allocation: the neighbours of unit `i` are
/// `edges[offsets[i]..offsets[i + 1]]`, sorted by neighbour index.
struct Graph {
    offsets: Vec<u32>,
    edges: Vec<(u32, f32)>,
}

impl Graph {
    fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    fn neighbours(&self, i: usize) -> &[(u32, f32)] {
        &self.edges[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// Neighbours kept per unit: [`NEIGHBOURS`] for prose, fewer when the units are very short
/// (a log, a chat of one-word lines), so the graph stays within a few bytes per input byte.
fn neighbours_for(text_bytes: usize, units: usize) -> usize {
    let per_unit = text_bytes / units.max(1);
    (per_unit / BYTES_PER_NEIGHBOUR).clamp(MIN_NEIGHBOURS, NEIGHBOURS)
}

fn similarity_graph(vectors: &Vectors, keep: usize) -> Graph {
    let n = vectors.len();
    let terms = vectors
        .entries
        .iter()
        .map(|&(t, _)| t as usize + 1)
        .max()
        .unwrap_or(0);
    // Postings, flat: the units (and weights) of term `t` are `post[post_at[t]..post_at[t+1]]`.
    // Terms in more than MAX_POSTINGS units are never walked, so they get none: a text of a
    // few words repeated over a million lines needs no copy of its vectors here.
    let mut df = vec![0u32; terms];
    for &(t, _) in &vectors.entries {
        df[t as usize] += 1;
    }
    let walked = |t: u32| df[t as usize] as usize <= MAX_POSTINGS;
    let mut post_at = vec![0u32; terms + 1];
    for t in 0..terms {
        let own = if walked(t as u32) { df[t] } else { 0 };
        post_at[t + 1] = post_at[t] + own;
    }
    let mut fill = post_at.clone();
    let mut post: Vec<(u32, f32)> = vec![(0, 0.0); post_at[terms] as usize];
    for i in 0..n {
        for &(t, w) in vectors.get(i) {
            if walked(t) {
                let slot = &mut fill[t as usize];
                post[*slot as usize] = (i as u32, w);
                *slot += 1;
            }
        }
    }
    drop(fill);

    let mut acc = vec![0.0f64; n];
    let mut touched: Vec<usize> = Vec::new();
    let mut pairs: Vec<(u32, u32, f32)> = Vec::new();
    let mut near: Vec<(usize, f64)> = Vec::new();
    for i in 0..n {
        for &(t, wi) in vectors.get(i) {
            if !walked(t) {
                continue;
            }
            let list = &post[post_at[t as usize] as usize..post_at[t as usize + 1] as usize];
            for &(j, wj) in list {
                let j = j as usize;
                if j == i {
                    continue;
                }
                if acc[j] == 0.0 {
                    touched.push(j);
                }
                acc[j] += f64::from(wi) * f64::from(wj);
            }
        }
        near.clear();
        near.extend(
            touched
                .iter()
                .map(|&j| (j, acc[j]))
                .filter(|&(_, s)| s >= MIN_SIMILARITY),
        );
        near.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        near.truncate(keep);
        for &(j, s) in &near {
            pairs.push((i.min(j) as u32, i.max(j) as u32, s as f32));
        }
        for &j in &touched {
            acc[j] = 0.0;
        }
        touched.clear();
    }
    drop((post, post_at, acc, df));

    // Both ends may have picked the same edge; keep it once.
    pairs.sort_unstable_by_key(|&(a, b, _)| (a, b));
    pairs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    // offsets[i + 1] counts unit i's edges, then (prefix sums) is where they end; each edge
    // placed moves it one down, so after the fill it is where they start. Shifting by one
    // gives the usual layout without a second array of n cursors.
    let mut offsets = vec![0u32; n + 1];
    for &(a, b, _) in &pairs {
        offsets[a as usize + 1] += 1;
        offsets[b as usize + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut edges: Vec<(u32, f32)> = vec![(0, 0.0); pairs.len() * 2];
    for (a, b, s) in pairs {
        offsets[a as usize + 1] -= 1;
        edges[offsets[a as usize + 1] as usize] = (b, s);
        offsets[b as usize + 1] -= 1;
        edges[offsets[b as usize + 1] as usize] = (a, s);
    }
    offsets.copy_within(1..=n, 0);
    offsets[n] = u32::try_from(edges.len()).unwrap_or(u32::MAX);
    for i in 0..n {
        edges[offsets[i] as usize..offsets[i + 1] as usize].sort_unstable_by_key(|&(j, _)| j);
    }
    Graph { offsets, edges }
}

/// Weighted PageRank; isolated sentences spread their score evenly, as in LexRank.
fn pagerank(graph: &Graph) -> Vec<f64> {
    let n = graph.len();
    let uniform = 1.0 / n as f64;
    let out_weight: Vec<f64> = (0..n)
        .map(|i| graph.neighbours(i).iter().map(|&(_, w)| f64::from(w)).sum())
        .collect();
    let mut score = vec![uniform; n];
    let mut next = vec![0.0; n];
    for _ in 0..MAX_ITERATIONS {
        let dangling: f64 = (0..n)
            .filter(|&i| out_weight[i] <= 0.0)
            .map(|i| score[i])
            .sum();
        let base = (1.0 - DAMPING) * uniform + DAMPING * dangling * uniform;
        next.iter_mut().for_each(|x| *x = base);
        for i in 0..n {
            if out_weight[i] <= 0.0 {
                continue;
            }
            let share = DAMPING * score[i] / out_weight[i];
            for &(j, w) in graph.neighbours(i) {
                next[j as usize] += share * f64::from(w);
            }
        }
        let delta: f64 = score.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut score, &mut next);
        if delta < CONVERGENCE {
            break;
        }
    }
    score
}

/// Relevance of every unit, written over its centrality. One pass over the units after the
/// counts that need the whole text (repeated units, names): no per-unit table
/// besides the result. `terms[i]`: unit i's number of terms, up to [`FULL_LENGTH_TERMS`].
fn relevance(
    mut centrality: Vec<f64>,
    units: &Units<'_>,
    vocabulary: &Vocabulary,
    terms: &[u8],
    entities: &salience::Entities,
) -> Vec<f64> {
    let n = centrality.len();
    let top = centrality.iter().copied().fold(0.0, f64::max);
    // A cover letter in front of a report is not the report: its units keep little weight,
    // and the lead, title and headline are those of the report that follows it.
    let start = letter::cover_letter_units(n, |i| units.get(i));
    let leading: Vec<salience::Shape> = units
        .iter()
        .skip(start)
        .take(salience::MAX_TITLE_UNITS)
        .map(salience::shape)
        .collect();
    let title_count = salience::title_units(&leading);
    let title_block = start..start + title_count;
    let title = title_vector(units, vocabulary, title_block.clone());
    let boilerplate = salience::Boilerplate::new(units.iter());
    let conclusion = salience::conclusion_start(n, |i| units.get(i));
    for (i, unit) in units.iter().enumerate() {
        let central = if top > 0.0 { centrality[i] / top } else { 0.0 };
        // Without a title every cosine to it is 0: the unit's vector is not needed.
        let title_sim = if title_block.contains(&i) || i < start || title.is_empty() {
            0.0
        } else {
            cosine(&vocabulary.vector(unit), &title)
        };
        let fullness = (f64::from(terms[i]) / FULL_LENGTH_TERMS as f64).min(1.0);
        let base = CENTRALITY_WEIGHT * central
            + POSITION_WEIGHT * position_prior(i, n, start, conclusion)
            + TITLE_WEIGHT * title_sim
            + ENTITY_WEIGHT * entities.density(unit);
        // A headline is an unterminated short line, but not boilerplate: a press release
        // states who, what and how much there first.
        let factor = boilerplate.factor(i, unit, &salience::shape(unit));
        let boilerplate = if i == start && title_count > 0 {
            (factor * HEADLINE_BOOST).min(1.0)
        } else if i < start {
            factor * COVER_LETTER_FACTOR
        } else {
            factor
        };
        centrality[i] = base * fullness.max(0.1) * boilerplate;
    }
    let mut raw = centrality;
    let best = raw.iter().copied().fold(0.0, f64::max);
    if best > 0.0 {
        raw.iter_mut().for_each(|r| *r /= best);
    }
    raw
}

/// Position prior of unit `i` of `n`: high at the start (reports and news state the
/// essentials first), falling off as `1 / (1 + i / span)` with `span` = 5 % of the text (at
/// least 3 units), and high again from the unit that opens the concluding part, if the text
/// has one (a judgment states its ruling there, a report its conclusions), falling off the
/// same way. The text starts at unit `start` (after a cover letter); units before it get the
/// lowest prior.
fn position_prior(i: usize, n: usize, start: usize, conclusion: Option<usize>) -> f64 {
    let span = (n as f64 * 0.05).max(3.0);
    // A text that ends in a marked conclusion is argued towards it rather than written
    // news-style, and its opening is mostly procedure and background.
    let lead_share = if conclusion.is_some() {
        LEAD_SHARE_WITH_CONCLUSION
    } else {
        1.0
    };
    let from_start = i.checked_sub(start).unwrap_or(n);
    let lead = lead_share / (1.0 + from_start as f64 / span);
    let tail = conclusion
        .filter(|&c| i >= c)
        .map_or(0.0, |c| CONCLUSION_PRIOR / (1.0 + (i - c) as f64 / span));
    lead.max(tail)
}

/// The title block as one unit vector (the sum of its units' vectors, normalised): sentences
/// that share the title's rarer terms — the parties, the place, the subject — are on topic.
fn title_vector(
    units: &Units<'_>,
    vocabulary: &Vocabulary,
    title: std::ops::Range<usize>,
) -> Vector {
    let mut sum: Vec<(u32, f32)> = title
        .flat_map(|i| vocabulary.vector(units.get(i)))
        .collect();
    sum.sort_unstable_by_key(|&(t, _)| t);
    let mut v: Vector = Vec::with_capacity(sum.len());
    for (t, w) in sum {
        match v.last_mut() {
            Some((last, acc)) if *last == t => *acc += w,
            _ => v.push((t, w)),
        }
    }
    let norm = v
        .iter()
        .map(|&(_, w)| f64::from(w) * f64::from(w))
        .sum::<f64>()
        .sqrt();
    if norm > 0.0 {
        for (_, w) in &mut v {
            *w = (f64::from(*w) / norm) as f32;
        }
    }
    v
}

/// Indices of up to `k` sentences chosen by maximal marginal relevance. Novelty is counted
/// twice over: in words (the cosine to the units taken) and in facts (the share of the
/// candidate's key entities not yet in the summary, see [`ENTITY_NOVELTY_SHARE`]) — a
/// dateline that repeats the headline's name and date shares few terms with it, yet tells
/// the reader nothing new.
fn select_mmr(
    relevance: &[f64],
    units: &Units<'_>,
    vocabulary: &Vocabulary,
    entities: &salience::Entities,
    k: usize,
) -> Vec<usize> {
    // Only the most relevant candidates can win; looking further only costs time.
    let pool = most_relevant(relevance, (k * 10).max(50));
    let vectors: Vec<Vector> = pool
        .iter()
        .map(|&i| vocabulary.vector(units.get(i)))
        .collect();
    let keys: Vec<Vec<String>> = pool.iter().map(|&i| entities.keys(units.get(i))).collect();
    // Key entities of the units taken so far (a few dozen at most).
    let mut covered: Vec<&str> = Vec::new();

    let mut chosen: Vec<usize> = Vec::with_capacity(k);
    // Highest cosine of each pool entry to anything chosen so far.
    let mut redundancy = vec![0.0f64; pool.len()];
    let mut open = vec![true; pool.len()];
    while chosen.len() < k {
        let mut best: Option<(usize, f64)> = None;
        for (p, &i) in pool.iter().enumerate() {
            if !open[p] {
                continue;
            }
            // A unit without key entities has none to repeat.
            let new_facts = if keys[p].is_empty() {
                1.0
            } else {
                let new = keys[p]
                    .iter()
                    .filter(|k| !covered.contains(&k.as_str()))
                    .count();
                new as f64 / keys[p].len() as f64
            };
            let relevance =
                relevance[i] * (1.0 - ENTITY_NOVELTY_SHARE + ENTITY_NOVELTY_SHARE * new_facts);
            let value = MMR_LAMBDA * relevance - (1.0 - MMR_LAMBDA) * redundancy[p];
            // Pool order is relevance order, so a strict comparison keeps ties stable.
            if best.is_none_or(|(_, v)| value > v) {
                best = Some((p, value));
            }
        }
        let Some((p, _)) = best else { break };
        let pick = pool[p];
        open[p] = false;
        covered.extend(keys[p].iter().map(String::as_str));
        chosen.push(pick);
        for q in 0..pool.len() {
            if open[q] {
                let sim = cosine(&vectors[q], &vectors[p]);
                redundancy[q] = redundancy[q].max(sim);
                if sim >= DUPLICATE_SIMILARITY {
                    open[q] = false;
                }
            }
        }
    }
    chosen
}

/// The `m` most relevant units, best first, ties to the earlier one: the first `m` of all
/// units sorted so, found while holding only `m` of them.
fn most_relevant(relevance: &[f64], m: usize) -> Vec<usize> {
    use std::cmp::Ordering;
    use std::collections::BinaryHeap;
    /// Ordered worst first, so the heap's top is the one to drop.
    struct Candidate(f64, usize);
    impl PartialEq for Candidate {
        fn eq(&self, other: &Self) -> bool {
            self.cmp(other) == Ordering::Equal
        }
    }
    impl Eq for Candidate {}
    impl PartialOrd for Candidate {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Candidate {
        fn cmp(&self, other: &Self) -> Ordering {
            // Greater = worse: lower relevance, then later.
            other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
        }
    }
    let mut heap: BinaryHeap<Candidate> = BinaryHeap::with_capacity(m + 1);
    for (i, &r) in relevance.iter().enumerate() {
        heap.push(Candidate(r, i));
        if heap.len() > m {
            heap.pop();
        }
    }
    // Ascending in this order is best first.
    heap.into_sorted_vec().into_iter().map(|c| c.1).collect()
}

/// [`STOPWORDS`] as a set: every word of a text is looked up.
fn stopwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().copied().collect())
}

/// Function words of English, Polish, German, French and Spanish. Only words that carry no
/// topic in any of the five; "war", "die", "list" stay out because they do in another.
const STOPWORDS: &[&str] = &[
    // English
    "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is",
    "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those",
    "he", "she", "they", "we", "you", "his", "her", "their", "our", "your", "him", "them", "an",
    "not", "but", "if", "then", "than", "so", "such", "had", "has", "have", "do", "does", "did",
    "which", "who", "whom", "what", "when", "where", "there", "here", "also", "into", "about",
    "after", "before", "over", "under", "would", "could", "should", "will", "can", "may", "all",
    "any", "some", "no", "yes", "one", "other", "said", // Polish
    "się", "nie", "na", "że", "do", "jest", "to", "za", "po", "od", "ze", "jak", "ale", "co",
    "tak", "jego", "jej", "ich", "go", "mu", "był", "była", "było", "byli", "były", "być", "oraz",
    "lub", "albo", "ten", "ta", "te", "tego", "tej", "tym", "tych", "który", "która", "które",
    "którego", "której", "których", "przez", "przy", "dla", "pod", "nad", "bez", "już", "tylko",
    "także", "też", "jako", "gdy", "kiedy", "czy", "jednak", "więc", "bo", "aby", "ani", "jeszcze",
    "może", "można", "są", "będzie", "został", "została", "zostało", "zostali", "tj", "np", "iż",
    "we", "wraz", // German
    "der", "das", "und", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen",
    "ist", "sind", "wurde", "wurden", "hat", "haben", "nicht", "mit", "von", "zu", "im", "auf",
    "für", "sich", "auch", "als", "bei", "nach", "aus", "wie", "oder", "aber", "wenn", "dass",
    "es", "er", "sie", "wir", "ihr", "ihre", "sein", "seine", "vom", "zum", "zur", "am", "um",
    "noch", "nur", // French
    "le", "la", "les", "un", "une", "des", "du", "et", "ou", "est", "sont", "été", "il", "elle",
    "ils", "elles", "que", "qui", "dans", "par", "pour", "sur", "avec", "au", "aux", "ce", "cette",
    "ces", "pas", "ne", "se", "son", "sa", "ses", "leur", "leurs", "mais", "plus", "été", "avait",
    "était", // Spanish
    "el", "los", "las", "unos", "unas", "y", "del", "al", "en", "que", "es", "fue", "son", "por",
    "con", "para", "su", "sus", "lo", "se", "le", "les", "pero", "más", "como", "este", "esta",
    "estos", "estas", "ese", "esa", "muy", "sin", "sobre", "entre", "ha", "han", "había",
];

#[cfg(test)]
mod tests;
