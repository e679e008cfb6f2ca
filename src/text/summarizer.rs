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
//!    block and fact density ([`CENTRALITY_WEIGHT`] …), scaled down for short and boilerplate
//!    units:
//!    - *position*: high at the start, falling off as `1 / (1 + i / span)` with `span` = 5 %
//!      of the text (reports and news state the essentials first) — and high again from the
//!      unit that opens a marked concluding part ("FOR THESE REASONS", "Conclusions",
//!      "Z tych względów", "Par ces motifs"…), where judgments state the ruling and reports
//!      their conclusions; such argued texts open with procedure, so their lead counts less;
//!    - *title*: cosine to the leading headings (case name, subject line), whose rarer terms
//!      name the parties, place and subject (Edmundson's title method);
//!    - *fact density*: share of numbers (dates, amounts, articles);
//!    - *boilerplate*: short units without sentence punctuation (headings, bylines, footers,
//!      list fragments), lists of names, units repeated verbatim three times or more
//!      (running headers) keep only part of their relevance; so do units with fewer than
//!      [`FULL_LENGTH_TERMS`] terms, in proportion.
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
/// Weaker similarities are not edges.
pub const MIN_SIMILARITY: f64 = 0.05;
/// Terms in more sentences than this are not used to find neighbours.
pub const MAX_POSTINGS: usize = 256;
/// Shares of relevance: centrality in the similarity graph, position (lead and conclusion),
/// similarity to the title block, and fact density (numbers, names). They sum to 1.
pub const CENTRALITY_WEIGHT: f64 = 0.55;
pub const POSITION_WEIGHT: f64 = 0.2;
pub const TITLE_WEIGHT: f64 = 0.15;
pub const FACT_WEIGHT: f64 = 0.1;
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
    let graph = similarity_graph(&vectors);
    let centrality = pagerank(&graph);
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

/// Sparse unit vector: (term id, weight), sorted by term id.
type Vector = Vec<(u32, f64)>;

fn tfidf_vectors(text: &str, sentences: &[Sentence]) -> Vec<Vector> {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut counts: Vec<Vec<(u32, u32)>> = Vec::with_capacity(sentences.len());
    for s in sentences {
        let mut terms: Vec<u32> = s
            .text(text)
            .unicode_words()
            .filter_map(term)
            .map(|t| {
                let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                *ids.entry(t).or_insert(next)
            })
            .collect();
        terms.sort_unstable();
        let mut tf: Vec<(u32, u32)> = Vec::new();
        for t in terms {
            match tf.last_mut() {
                Some((last, c)) if *last == t => *c += 1,
                _ => tf.push((t, 1)),
            }
        }
        counts.push(tf);
    }

    let mut df = vec![0u32; ids.len()];
    for tf in &counts {
        for &(t, _) in tf {
            df[t as usize] += 1;
        }
    }
    let n = sentences.len() as f64;
    counts
        .into_iter()
        .map(|tf| {
            let mut v: Vector = tf
                .into_iter()
                .map(|(t, c)| {
                    let idf = (1.0 + n / f64::from(df[t as usize])).ln();
                    (t, (1.0 + f64::from(c).ln()) * idf)
                })
                .collect();
            let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            if norm > 0.0 {
                for (_, w) in &mut v {
                    *w /= norm;
                }
            }
            v
        })
        .collect()
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

fn cosine(a: &Vector, b: &Vector) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

/// Symmetric weighted adjacency lists, each sorted by neighbour index.
fn similarity_graph(vectors: &[Vector]) -> Vec<Vec<(usize, f64)>> {
    let n = vectors.len();
    let terms = vectors
        .iter()
        .flat_map(|v| v.iter().map(|&(t, _)| t as usize + 1))
        .max()
        .unwrap_or(0);
    let mut postings: Vec<Vec<(usize, f64)>> = vec![Vec::new(); terms];
    for (i, v) in vectors.iter().enumerate() {
        for &(t, w) in v {
            postings[t as usize].push((i, w));
        }
    }

    let mut acc = vec![0.0f64; n];
    let mut touched: Vec<usize> = Vec::new();
    let mut edges: Vec<(usize, usize, f64)> = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        for &(t, wi) in v {
            let list = &postings[t as usize];
            if list.len() > MAX_POSTINGS {
                continue;
            }
            for &(j, wj) in list {
                if j == i {
                    continue;
                }
                if acc[j] == 0.0 {
                    touched.push(j);
                }
                acc[j] += wi * wj;
            }
        }
        let mut near: Vec<(usize, f64)> = touched
            .iter()
            .map(|&j| (j, acc[j]))
            .filter(|&(_, s)| s >= MIN_SIMILARITY)
            .collect();
        near.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        near.truncate(NEIGHBOURS);
        for (j, s) in near {
            edges.push((i.min(j), i.max(j), s));
        }
        for &j in &touched {
            acc[j] = 0.0;
        }
        touched.clear();
    }

    // Both ends may have picked the same edge; keep it once.
    edges.sort_unstable_by_key(|&(a, b, _)| (a, b));
    edges.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let mut graph = vec![Vec::new(); n];
    for (a, b, s) in edges {
        graph[a].push((b, s));
        graph[b].push((a, s));
    }
    for list in &mut graph {
        list.sort_unstable_by_key(|&(j, _)| j);
    }
    graph
}

/// Weighted PageRank; isolated sentences spread their score evenly, as in LexRank.
fn pagerank(graph: &[Vec<(usize, f64)>]) -> Vec<f64> {
    let n = graph.len();
    let uniform = 1.0 / n as f64;
    let out_weight: Vec<f64> = graph
        .iter()
        .map(|l| l.iter().map(|&(_, w)| w).sum())
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
        for (i, list) in graph.iter().enumerate() {
            if out_weight[i] <= 0.0 {
                continue;
            }
            let share = DAMPING * score[i] / out_weight[i];
            for &(j, w) in list {
                next[j] += share * w;
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

fn relevance(centrality: &[f64], vectors: &[Vector], units: &[&str]) -> Vec<f64> {
    let n = centrality.len();
    let top = centrality.iter().copied().fold(0.0, f64::max);
    let shapes: Vec<salience::Shape> = units.iter().map(|u| salience::shape(u)).collect();
    let boilerplate = salience::boilerplate_factors(units, &shapes);
    let position = position_prior(n, salience::conclusion_start(units));
    let title_count = salience::title_units(&shapes);
    let title = title_vector(&vectors[..title_count]);
    let raw: Vec<f64> = (0..n)
        .map(|i| {
            let central = if top > 0.0 { centrality[i] / top } else { 0.0 };
            let title_sim = if i < title_count {
                0.0
            } else {
                cosine(&vectors[i], &title)
            };
            let fullness = (vectors[i].len() as f64 / FULL_LENGTH_TERMS as f64).min(1.0);
            let base = CENTRALITY_WEIGHT * central
                + POSITION_WEIGHT * position[i]
                + TITLE_WEIGHT * title_sim
                + FACT_WEIGHT * salience::fact_density(&shapes[i]);
            base * fullness.max(0.1) * boilerplate[i]
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
fn title_vector(title: &[Vector]) -> Vector {
    let mut sum: Vec<(u32, f64)> = title.iter().flatten().copied().collect();
    sum.sort_unstable_by_key(|&(t, _)| t);
    let mut v: Vector = Vec::with_capacity(sum.len());
    for (t, w) in sum {
        match v.last_mut() {
            Some((last, acc)) if *last == t => *acc += w,
            _ => v.push((t, w)),
        }
    }
    let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    if norm > 0.0 {
        for (_, w) in &mut v {
            *w /= norm;
        }
    }
    v
}

/// Indices of up to `k` sentences chosen by maximal marginal relevance.
fn select_mmr(relevance: &[f64], vectors: &[Vector], k: usize) -> Vec<usize> {
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
                let sim = cosine(&vectors[i], &vectors[pick]);
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
