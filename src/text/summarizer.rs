//! Extractive summarizer: picks the most central sentences of a text and returns them in
//! document order with their source lines.
//!
//! # Method
//!
//! 1. **Units**: [`split_sentences`] (abbreviation-aware, layout-aware).
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
//!      the document repeats (a party, a place — not "Court", which is everywhere);
//!    - *boilerplate*: short units without sentence punctuation (headings, bylines, footers,
//!      list fragments) — except a headline opening the text —, lists of names, units repeated
//!      verbatim three times or more (running headers), table-of-contents entries, footnotes
//!      and units that start mid-sentence (cut by a page break) keep only part of their
//!      relevance; so do units with fewer than [`FULL_LENGTH_TERMS`] terms, in proportion.
//! 7. **Selection**: maximal marginal relevance — repeatedly take the unit maximising
//!    `λ · relevance − (1 − λ) · max cosine to the units already taken`, and never one whose
//!    cosine to a taken unit reaches [`DUPLICATE_SIMILARITY`], so near-duplicates (a fact
//!    restated in two reports) appear once.
//!
//! Everything is deterministic: no randomness, no hash-map iteration order in any sum, and ties
//! go to the earlier sentence.

mod salience;

use super::sentences::{Sentence, split_sentences};
use std::collections::HashMap;
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
/// similarity to the title block, and key-entity density (numbers, repeated names). They sum
/// to 1.
pub const CENTRALITY_WEIGHT: f64 = 0.5;
pub const POSITION_WEIGHT: f64 = 0.2;
pub const TITLE_WEIGHT: f64 = 0.1;
pub const ENTITY_WEIGHT: f64 = 0.2;
/// How much more of its relevance the first line keeps when it heads a title block.
pub const HEADLINE_BOOST: f64 = 3.0;
/// Units with fewer terms than this have their relevance scaled down proportionally.
pub const FULL_LENGTH_TERMS: usize = 8;
/// Weight of the lead position in a text with a marked concluding part.
pub const LEAD_SHARE_WITH_CONCLUSION: f64 = 0.5;
/// Position prior at the opening of a marked concluding part, relative to the first unit of a
/// text without one: the ruling or conclusion is what a reader of a summary must not miss.
pub const CONCLUSION_PRIOR: f64 = 2.0;
/// MMR trade-off between relevance and novelty.
pub const MMR_LAMBDA: f64 = 0.7;
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
pub fn summarize(text: &str, first_line: usize, length: Length) -> Vec<ChosenSentence> {
    let sentences = split_sentences(text);
    if sentences.is_empty() {
        return Vec::new();
    }
    let vectors = tfidf_vectors(text, &sentences);
    let graph = similarity_graph(&vectors, neighbours_for(text.len(), sentences.len()));
    let centrality = pagerank(&graph);
    drop(graph);
    let units: Vec<&str> = sentences.iter().map(|s| s.text(text)).collect();
    let relevance = relevance(&centrality, &vectors, &units);
    let k = target_sentences(length, sentences.len());
    let mut chosen = select_mmr(&relevance, &vectors, k);
    chosen.sort_unstable();

    let absolute = |line: usize| first_line.saturating_add(line).saturating_sub(1);
    chosen
        .into_iter()
        .map(|i| {
            let s: &Sentence = &sentences[i];
            ChosenSentence {
                text: s
                    .text(text)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                line_start: absolute(s.line_start),
                line_end: absolute(s.line_end),
                byte_start: s.byte_start,
                byte_end: s.byte_end,
                score: relevance[i],
            }
        })
        .collect()
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

/// An owned sparse unit vector (the title's).
type Vector = Vec<(u32, f32)>;

fn tfidf_vectors(text: &str, sentences: &[Sentence]) -> Vectors {
    let mut ids: HashMap<String, u32> = HashMap::new();
    // Term counts of all units, flat as the vectors will be.
    let mut offsets: Vec<u32> = Vec::with_capacity(sentences.len() + 1);
    offsets.push(0);
    let mut counts: Vec<(u32, u32)> = Vec::new();
    let mut terms: Vec<u32> = Vec::new();
    for s in sentences {
        terms.clear();
        terms.extend(s.text(text).unicode_words().filter_map(term).map(|t| {
            let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            *ids.entry(t).or_insert(next)
        }));
        terms.sort_unstable();
        let unit_start = counts.len();
        for &t in &terms {
            match counts[unit_start..].last_mut() {
                Some((last, c)) if *last == t => *c += 1,
                _ => counts.push((t, 1)),
            }
        }
        offsets.push(u32::try_from(counts.len()).unwrap_or(u32::MAX));
    }

    let mut df = vec![0u32; ids.len()];
    for &(t, _) in &counts {
        df[t as usize] += 1;
    }
    drop(ids);
    let n = sentences.len() as f64;
    let mut entries: Vec<(u32, f32)> = counts
        .into_iter()
        .map(|(t, c)| {
            let idf = (1.0 + n / f64::from(df[t as usize])).ln();
            (t, ((1.0 + f64::from(c).ln()) * idf) as f32)
        })
        .collect();
    for w in offsets.windows(2) {
        let unit = &mut entries[w[0] as usize..w[1] as usize];
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
    Vectors { offsets, entries }
}

/// Normalised term for a word, or `None` for stopwords and noise.
fn term(word: &str) -> Option<String> {
    let lower = word.to_lowercase();
    let chars = lower.chars().count();
    if chars < 2 || STOPWORDS.contains(&lower.as_str()) {
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
    let mut post_at = vec![0u32; terms + 1];
    for &(t, _) in &vectors.entries {
        post_at[t as usize + 1] += 1;
    }
    for t in 0..terms {
        post_at[t + 1] += post_at[t];
    }
    let mut fill = post_at.clone();
    let mut post: Vec<(u32, f32)> = vec![(0, 0.0); vectors.entries.len()];
    for i in 0..n {
        for &(t, w) in vectors.get(i) {
            let slot = &mut fill[t as usize];
            post[*slot as usize] = (i as u32, w);
            *slot += 1;
        }
    }
    drop(fill);

    let mut acc = vec![0.0f64; n];
    let mut touched: Vec<usize> = Vec::new();
    let mut pairs: Vec<(u32, u32, f32)> = Vec::new();
    let mut near: Vec<(usize, f64)> = Vec::new();
    for i in 0..n {
        for &(t, wi) in vectors.get(i) {
            let list = &post[post_at[t as usize] as usize..post_at[t as usize + 1] as usize];
            if list.len() > MAX_POSTINGS {
                continue;
            }
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
    drop((post, post_at, acc));

    // Both ends may have picked the same edge; keep it once.
    pairs.sort_unstable_by_key(|&(a, b, _)| (a, b));
    pairs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let mut offsets = vec![0u32; n + 1];
    for &(a, b, _) in &pairs {
        offsets[a as usize + 1] += 1;
        offsets[b as usize + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut edges: Vec<(u32, f32)> = vec![(0, 0.0); pairs.len() * 2];
    for (a, b, s) in pairs {
        edges[fill[a as usize] as usize] = (b, s);
        fill[a as usize] += 1;
        edges[fill[b as usize] as usize] = (a, s);
        fill[b as usize] += 1;
    }
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

fn relevance(centrality: &[f64], vectors: &Vectors, units: &[&str]) -> Vec<f64> {
    let n = centrality.len();
    let top = centrality.iter().copied().fold(0.0, f64::max);
    let shapes: Vec<salience::Shape> = units.iter().map(|u| salience::shape(u)).collect();
    let boilerplate = salience::boilerplate_factors(units, &shapes);
    let position = position_prior(n, salience::conclusion_start(units));
    let title_count = salience::title_units(&shapes);
    let title = title_vector(vectors, title_count);
    let entities = salience::entity_density(units);
    let raw: Vec<f64> = (0..n)
        .map(|i| {
            let central = if top > 0.0 { centrality[i] / top } else { 0.0 };
            let title_sim = if i < title_count {
                0.0
            } else {
                cosine(vectors.get(i), &title)
            };
            let fullness = (vectors.get(i).len() as f64 / FULL_LENGTH_TERMS as f64).min(1.0);
            let base = CENTRALITY_WEIGHT * central
                + POSITION_WEIGHT * position[i]
                + TITLE_WEIGHT * title_sim
                + ENTITY_WEIGHT * entities[i];
            // A headline is an unterminated short line, but not boilerplate: a press release
            // states who, what and how much there first.
            let boilerplate = if i == 0 && title_count > 0 {
                (boilerplate[i] * HEADLINE_BOOST).min(1.0)
            } else {
                boilerplate[i]
            };
            base * fullness.max(0.1) * boilerplate
        })
        .collect();
    let best = raw.iter().copied().fold(0.0, f64::max);
    if best > 0.0 {
        raw.iter().map(|r| r / best).collect()
    } else {
        raw
    }
}

/// Position prior: high at the start (reports and news state the essentials first),
/// falling off as `1 / (1 + i / span)` with `span` = 5 % of the text (at least 3 units), and
/// high again from the unit that opens the concluding part, if the text has one (a judgment
/// states its ruling there, a report its conclusions), falling off the same way.
fn position_prior(n: usize, conclusion: Option<usize>) -> Vec<f64> {
    let span = (n as f64 * 0.05).max(3.0);
    // A text that ends in a marked conclusion is argued towards it rather than written
    // news-style, and its opening is mostly procedure and background.
    let lead_share = if conclusion.is_some() {
        LEAD_SHARE_WITH_CONCLUSION
    } else {
        1.0
    };
    (0..n)
        .map(|i| {
            let lead = lead_share / (1.0 + i as f64 / span);
            let tail = conclusion
                .filter(|&c| i >= c)
                .map_or(0.0, |c| CONCLUSION_PRIOR / (1.0 + (i - c) as f64 / span));
            lead.max(tail)
        })
        .collect()
}

/// The title block as one unit vector (the sum of its units' vectors, normalised): sentences
/// that share the title's rarer terms — the parties, the place, the subject — are on topic.
fn title_vector(vectors: &Vectors, title_count: usize) -> Vector {
    let mut sum: Vec<(u32, f32)> = (0..title_count)
        .flat_map(|i| vectors.get(i).iter().copied())
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

/// Indices of up to `k` sentences chosen by maximal marginal relevance.
fn select_mmr(relevance: &[f64], vectors: &Vectors, k: usize) -> Vec<usize> {
    // Only the most relevant candidates can win; looking further only costs time.
    let mut pool: Vec<usize> = (0..relevance.len()).collect();
    pool.sort_unstable_by(|&a, &b| relevance[b].total_cmp(&relevance[a]).then(a.cmp(&b)));
    pool.truncate((k * 10).max(50));

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
            let value = MMR_LAMBDA * relevance[i] - (1.0 - MMR_LAMBDA) * redundancy[p];
            // Pool order is relevance order, so a strict comparison keeps ties stable.
            if best.is_none_or(|(_, v)| value > v) {
                best = Some((p, value));
            }
        }
        let Some((p, _)) = best else { break };
        let pick = pool[p];
        open[p] = false;
        chosen.push(pick);
        for (q, &i) in pool.iter().enumerate() {
            if open[q] {
                let sim = cosine(vectors.get(i), vectors.get(pick));
                redundancy[q] = redundancy[q].max(sim);
                if sim >= DUPLICATE_SIMILARITY {
                    open[q] = false;
                }
            }
        }
    }
    chosen
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
