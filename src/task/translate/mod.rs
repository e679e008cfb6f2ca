//! Translation segment by segment, every segment verified (issue 14).
//!
//! Small local models (0.5–1.5B) translate a short paragraph well and a long document badly:
//! they drop paragraphs, paraphrase, loop, or hand the source back. So a document is cut into
//! segments on its own structure ([`segment`]), the layout between them is copied rather than
//! asked of the model, and each answer is checked ([`verify`]) before it is printed. A segment
//! that fails is asked again once — cut smaller where it can be, with stricter wording where
//! it cannot — and if it still fails, the better attempt is printed and flagged: stderr names
//! its lines and what is wrong, `--json` lists it under "unverified", and the exit code is 3
//! unless `--best-effort`. An unverified segment never passes silently.

pub mod segment;
pub mod verify;

use super::answer::Unverified;
use super::report::{OnSegment, Reporter, Segment};
use super::{Outcome, Piece, Prepared};
use crate::engine::{Engine, GenParams};
use crate::error::{Error, Result};
use crate::source::Document;
use crate::text::lang::{self, Language};
use crate::text::redact::{Pseudonyms, Restorer};
use futures_util::{StreamExt, stream};
use segment::Span;
use std::collections::BTreeSet;

/// Segments of about this many tokens by default: two or three sentences, short enough for a
/// 0.5B model to translate without losing its place.
pub const SEGMENT_TOKENS: u32 = 100;
/// Characters per token assumed when cutting: Polish and English text run at about 3.5–4.5
/// characters per token with the Qwen and OpenAI tokenizers. Cuts fall between sentences, so
/// a segment's size is approximate anyway; counting characters keeps the cut independent of
/// the engine.
const CHARS_PER_TOKEN: usize = 4;
/// What a segment's request needs besides the segment: the prompt (about 150 tokens) and the
/// answer (about twice the segment, see the per-segment cap in `attempt`).
const PROMPT_TOKENS: u32 = 256;

/// The most characters a segment may hold, from `--segment-tokens` (config `segment_tokens`,
/// `AVA_SEGMENT_TOKENS`) or, unset, [`SEGMENT_TOKENS`] — less when the window the user set
/// (`--ctx-size`) could not hold a segment, its prompt and its answer.
pub fn segment_chars(tokens: Option<u32>, window: Option<u32>) -> Result<usize> {
    // Segment + answer (up to about twice the segment) + prompt must fit the window.
    let fits = window.map(|w| w.saturating_sub(PROMPT_TOKENS) / 3);
    let tokens = match tokens {
        Some(t) if t < 10 => {
            return Err(Error::Usage(format!(
                "--segment-tokens {t} is too small: a segment needs at least 10 tokens (a short sentence)"
            )));
        }
        Some(t) if fits.is_some_and(|f| t > f) => {
            return Err(Error::Usage(format!(
                "--segment-tokens {t} does not fit the window of {} tokens with the prompt and the answer; at most {} fits",
                window.unwrap_or(0),
                fits.unwrap_or(0)
            )));
        }
        Some(t) => t,
        None => fits.map_or(SEGMENT_TOKENS, |f| SEGMENT_TOKENS.min(f.max(10))),
    };
    Ok(tokens as usize * CHARS_PER_TOKEN)
}

/// What a segmented translation produced.
pub struct Translated {
    pub outcome: Outcome,
    pub unverified: Vec<Unverified>,
    /// Notices already shown, for the JSON record.
    pub warnings: Vec<String>,
    /// Source and translation paired, in order (`--side-by-side`, `--json`).
    pub segments: Vec<Segment>,
}

/// One answer of the model for one piece of text, cleaned, with what its checks found.
struct Attempt {
    text: String,
    problems: Vec<String>,
    /// Protected identifiers (as written in the source) whose placeholders the answer dropped,
    /// repeated or mangled: such an answer is never printed (see [`Translator::segment`]).
    lost: Vec<String>,
}

impl Attempt {
    fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// The better of two attempts: one that keeps every identifier beats one that does not,
    /// then fewer problems; on a tie the later (stricter) one.
    fn better(self, later: Attempt) -> Attempt {
        let key = |a: &Attempt| (!a.lost.is_empty(), a.problems.len());
        if key(&later) <= key(&self) {
            later
        } else {
            self
        }
    }

    /// For `-v`: whether the attempt passed its checks.
    fn verdict(&self) -> &'static str {
        if self.ok() {
            "verified"
        } else {
            "still failing"
        }
    }

    /// Pieces translated one by one, joined with what separated them in the source, and
    /// checked as a translation of the whole `source`: each piece passed its own checks, but
    /// an identifier can straddle two pieces ("Dz. U." cut at its full stop) and go to the
    /// model as text in both, and the numbers, identifiers, language and length are the
    /// whole's.
    fn joined(
        parts: Vec<(Attempt, String)>,
        source: &str,
        from: Option<Language>,
        to: Language,
    ) -> Attempt {
        let mut all = Attempt {
            text: String::new(),
            problems: Vec::new(),
            lost: Vec::new(),
        };
        for (a, sep) in parts {
            all.text.push_str(&a.text);
            all.text.push_str(&sep);
            all.problems.extend(a.problems);
            all.lost.extend(a.lost);
        }
        for p in verify::problems(source, &all.text, from, to) {
            if !all.problems.contains(&p) {
                all.problems.push(p);
            }
        }
        all
    }
}

/// How a request carries the dates, times and amounts of its text.
#[derive(Clone, Copy, PartialEq)]
enum Values {
    /// As placeholders ava writes back itself (into English).
    Placeholders,
    /// As text the model translates, checked by value afterwards.
    Text,
}

/// What [`Translator::one_by_one`] does with a piece whose answer dropped an identifier.
#[derive(Clone, Copy)]
enum OnLost {
    /// [`Translator::rescue_ids`]: its sentences one by one, each spliced if it drops one
    /// again (the pieces of a segment).
    Rescue,
    /// The better of that answer and [`Translator::splice`] (the sentences of a piece).
    Splice,
}

/// The language a `--to`/`--from` value names: a code ("en", "en-GB", "eng") or a name.
/// Unknown values are refused with the closest known name.
pub fn language_arg(value: &str, flag: &str) -> Result<Language> {
    let base = value.trim().split(['-', '_']).next().unwrap_or("").trim();
    if let Some(l) = Language::find(value).or_else(|| Language::find(base)) {
        return Ok(l);
    }
    let names = lang::LANGUAGES
        .iter()
        .flat_map(|l| [l.name, l.code, l.code3]);
    let hint = crate::suggest::closest(value, names)
        .and_then(Language::find)
        .map(|l| format!("; did you mean {} ({})?", l.name, l.code))
        .unwrap_or_else(|| {
            format!(
                "; known: {}",
                lang::LANGUAGES
                    .iter()
                    .map(|l| l.code)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
    Err(Error::Usage(format!(
        "{flag} {value:?} is not a language ava knows{hint}"
    )))
}

pub struct Translator<'a> {
    pub engine: &'a dyn Engine,
    pub prepared: &'a Prepared,
    pub base: &'a GenParams,
    pub reporter: &'a dyn Reporter,
    pub to: Language,
    /// From `--from`; detected per document otherwise.
    pub from: Option<Language>,
    /// Segments in flight at once (`--jobs`).
    pub jobs: usize,
    /// `--region`, for reading national phone numbers among the protected identifiers.
    pub region: &'a str,
    /// The most characters per segment ([`segment_chars`]).
    pub segment_chars: usize,
}

impl Translator<'_> {
    /// Translate `doc` segment by segment; `on_text` receives each verified (or flagged)
    /// segment, in order, as soon as it is done, and `on_segment` the same paired with its
    /// source.
    pub async fn run(
        &self,
        doc: &Document,
        on_text: &mut (dyn FnMut(&str) -> Result<()> + Send),
        mut on_segment: Option<OnSegment<'_>>,
    ) -> Result<Translated> {
        let spans = segment::spans(&doc.text, self.segment_chars);
        let from = self.from.or_else(|| {
            let d = lang::detect(&doc.text)?;
            Some(d.language)
        });
        let total = spans.iter().filter(|s| s.translate).count();
        self.reporter.verbose(&format!(
            "{}: source language {} ({}), {total} segment(s) to translate into {}",
            doc.name,
            from.map_or("unknown", |l| l.name),
            if self.from.is_some() {
                "--from"
            } else {
                "detected"
            },
            self.to.name
        ));
        let bar = self
            .reporter
            .parts("translating", "segment", &doc.name, total);
        let mut out = Translated {
            outcome: Outcome::default(),
            unverified: Vec::new(),
            warnings: Vec::new(),
            segments: Vec::new(),
        };
        // The document's lines, to show a segment with the list marker or chat stamp copied
        // before it on its line, as the reader sees it.
        let doc_lines: Vec<&str> = doc.text.split('\n').collect();
        let marker_of = |span: &Span| -> &str {
            let line = doc_lines
                .get(span.first_line.saturating_sub(1))
                .map_or("", |l| l.trim_end_matches('\r'));
            let m = &line[..segment::marker_len(line)];
            if !m.is_empty() && line[m.len()..].starts_with(&span.text) {
                m
            } else {
                ""
            }
        };
        let kept_as_is = spans
            .iter()
            .filter(|s| s.translate && already_in(&s.text, self.to))
            .count();
        let seg_from = from.filter(|&l| l != self.to);
        let done = std::sync::atomic::AtomicUsize::new(0);
        // Segments run `jobs` at a time (servers answer in parallel; the local engine decodes
        // the segments waiting together in one batch) and are printed in order, each as soon
        // as it and those before it are done.
        let results = stream::iter(spans.iter())
            .map(|span| {
                let (bar, done) = (&bar, &done);
                async move {
                    if !span.translate || already_in(&span.text, self.to) {
                        return Ok((span, span.text.clone(), Vec::new(), Outcome::default()));
                    }
                    let mut usage = Outcome::default();
                    let (text, problems) = self.segment(span, seg_from, &mut usage).await?;
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    bar.done(n);
                    Ok::<_, Error>((span, text, problems, usage))
                }
            })
            .buffered(self.jobs.max(1));
        let mut results = std::pin::pin!(results);
        while let Some(r) = results.next().await {
            let (span, text, problems, usage) = r?;
            out.outcome.add_usage(&usage);
            if !problems.is_empty() {
                let lines = if span.first_line == span.last_line {
                    format!("line {}", span.first_line)
                } else {
                    format!("lines {}–{}", span.first_line, span.last_line)
                };
                let w = format!(
                    "{lines}: translation not verified: {}; the better of two attempts is printed",
                    problems.join("; ")
                );
                self.reporter.warn(&format!("{}: {w}", doc.name));
                out.warnings.push(w);
                out.unverified.push(Unverified {
                    lines: Some((span.first_line, span.last_line)),
                    reason: problems.join("; "),
                });
            }
            let piece = format!("{text}{}", span.after);
            on_text(&piece)?;
            out.outcome.text.push_str(&piece);
            // Blank lines and markers (shown with their text) are not pairs of their own.
            if span.text.trim().is_empty() || (!span.translate && span.after.is_empty()) {
                continue;
            }
            let marker = if span.translate { marker_of(span) } else { "" };
            let seg = Segment {
                lines: (span.first_line, span.last_line),
                source: format!("{marker}{}", span.text),
                translation: format!("{marker}{text}"),
                verified: problems.is_empty(),
                reason: (!problems.is_empty()).then(|| problems.join("; ")),
                from: from.map(|l| l.code),
                to: self.to.code,
            };
            if let Some(f) = on_segment.as_mut() {
                f(&seg)?;
            }
            out.segments.push(seg);
        }
        bar.finish();
        if kept_as_is > 0 {
            let n = format!(
                "{kept_as_is} segment(s) already in {} were kept as they are",
                self.to.name
            );
            self.reporter.note(&format!("{}: {n}", doc.name));
            out.warnings.push(n);
        }
        out.outcome.finish_reason = Some("stop".into());
        Ok(out)
    }

    /// One segment: ask, check, and on failure ask again in smaller pieces. Returns the text
    /// to print and what is still wrong with it.
    ///
    /// The ladder (issue 14, "retry: greedy, stricter wording, smaller segment"): the whole
    /// segment; then its lines or sentences one by one with stricter wording at temperature 0
    /// (or, for one sentence, the same once more); then, for a sentence whose answer still
    /// dropped an identifier's placeholder, [`Translator::splice`], which leaves the
    /// identifiers out of the model's reach altogether. Small models drop `<ID_n>` tokens from
    /// long sentences (bench/RESULTS.md, "After issue 14, part 2"), so copying is not left to
    /// them. An answer that lost an identifier is never printed: if nothing better comes back
    /// the source is kept as it is, flagged.
    async fn segment(
        &self,
        span: &Span,
        from: Option<Language>,
        usage: &mut Outcome,
    ) -> Result<(String, Vec<String>)> {
        let text = &span.text;
        let first = self.attempt(text, from, false, usage).await?;
        let first = self.values_as_text(text, first, from, false, usage).await?;
        if first.ok() {
            return Ok((first.text, first.problems));
        }
        self.reporter.verbose(&format!(
            "lines {}–{}: {}; asking again",
            span.first_line,
            span.last_line,
            first.problems.join("; ")
        ));
        let pieces = smaller(text);
        let second = if pieces.len() > 1 {
            self.one_by_one(pieces, OnLost::Rescue, from, usage).await?
        } else if first.lost.is_empty() {
            let a = self.attempt(text, from, true, usage).await?;
            if a.lost.is_empty() {
                a
            } else {
                self.rescue_ids(text, a, from, usage).await?
            }
        } else {
            // One sentence that dropped a placeholder: stricter wording does not make a small
            // model copy it (part 2 of the bench: both attempts dropped it), splicing does.
            self.splice(text, from, usage).await?
        };
        let best = first.better(second);
        if best.lost.is_empty() {
            return Ok((best.text, best.problems));
        }
        // Never print a translation without an identifier the source has: keep the source.
        Ok((text.clone(), vec![kept_source(&best, from)]))
    }

    /// Pieces (with the separators that follow them) translated one by one with the stricter
    /// wording and joined; a piece whose answer dropped an identifier gets `on_lost`.
    async fn one_by_one(
        &self,
        pieces: Vec<(String, String)>,
        on_lost: OnLost,
        from: Option<Language>,
        usage: &mut Outcome,
    ) -> Result<Attempt> {
        let whole: String = pieces.iter().map(|(p, s)| format!("{p}{s}")).collect();
        let mut parts = Vec::new();
        for (piece, sep) in pieces {
            let a = self.attempt(&piece, from, true, usage).await?;
            let a = self.values_as_text(&piece, a, from, true, usage).await?;
            let a = match on_lost {
                _ if a.lost.is_empty() => a,
                // Boxed: rescuing translates the piece's sentences one by one, back here.
                OnLost::Rescue => Box::pin(self.rescue_ids(&piece, a, from, usage)).await?,
                OnLost::Splice => a.better(self.splice(&piece, from, usage).await?),
            };
            parts.push((a, sep));
        }
        Ok(Attempt::joined(parts, &whole, from, self.to))
    }

    /// A piece (a line or a sentence) whose answer dropped an identifier: its sentences one by
    /// one if it has several, each spliced if it drops one again; else the piece spliced.
    async fn rescue_ids(
        &self,
        text: &str,
        failed: Attempt,
        from: Option<Language>,
        usage: &mut Outcome,
    ) -> Result<Attempt> {
        let sentences = sentence_pieces(text);
        let second = if sentences.len() > 1 {
            self.one_by_one(sentences, OnLost::Splice, from, usage)
                .await?
        } else {
            self.splice(text, from, usage).await?
        };
        let best = failed.better(second);
        if best.lost.is_empty() {
            return Ok(best);
        }
        Ok(Attempt {
            text: text.to_string(),
            problems: vec![kept_source(&best, from)],
            lost: Vec::new(),
        })
    }

    /// The last step for a sentence whose placeholders the model keeps dropping: the text
    /// between the identifiers is translated piece by piece and the identifiers are put back
    /// between the pieces by ava, so they are present, exactly, by construction. The word
    /// order is the source's around each identifier (Polish and English mostly agree there);
    /// the pieces and the whole are checked like any answer.
    async fn splice(
        &self,
        text: &str,
        from: Option<Language>,
        usage: &mut Outcome,
    ) -> Result<Attempt> {
        let mut ids = self.protected_spans(Values::Placeholders);
        let (sent, _) = ids.redact(text, self.region);
        let mut parts = Vec::new();
        for chunk in splice_chunks(&sent) {
            match chunk {
                Chunk::Id(p) => {
                    let original = ids.original(&p).unwrap_or(&p).to_string();
                    parts.push((
                        Attempt {
                            text: original,
                            problems: Vec::new(),
                            lost: Vec::new(),
                        },
                        String::new(),
                    ));
                }
                Chunk::Text { lead, body, trail } => {
                    let a = if body.chars().any(char::is_alphabetic) {
                        let mut a = self.attempt(&body, from, true, usage).await?;
                        a.text = fit_fragment(&body, &a.text);
                        a
                    } else {
                        Attempt {
                            text: body,
                            problems: Vec::new(),
                            lost: Vec::new(),
                        }
                    };
                    parts.push((
                        Attempt {
                            text: lead,
                            problems: Vec::new(),
                            lost: Vec::new(),
                        },
                        String::new(),
                    ));
                    parts.push((a, trail));
                }
            }
        }
        let mut joined = Attempt::joined(parts, text, from, self.to);
        self.reporter.verbose(&format!(
            "translated around the identifiers piece by piece: {}",
            joined.verdict()
        ));
        if !joined.ok() {
            // Say why the sentence was cut up: its pieces may read oddly.
            joined.problems.insert(
                0,
                "placeholder(s) dropped by the model, so the text around them was translated piece by piece".to_string(),
            );
        }
        Ok(joined)
    }

    /// An answer that dropped a placeholder, asked once more with the dates, times and
    /// amounts as text (identifiers stay placeholders). The dropped placeholder is most often
    /// a value in mid-sentence ("se fait escroquer de <ID_1> et dépose plainte"), and a small
    /// model that loses the token writes the value itself well ("was swindled out of 16,000
    /// euros"); the value checks that guard every other target language verify it. Only an
    /// answer that passes every check replaces `failed`: otherwise the ladder goes on from
    /// `failed` as before, so no check is weakened.
    async fn values_as_text(
        &self,
        text: &str,
        failed: Attempt,
        from: Option<Language>,
        retry: bool,
        usage: &mut Outcome,
    ) -> Result<Attempt> {
        if failed.lost.is_empty() || !self.values_protected() {
            return Ok(failed);
        }
        // Only worth asking when a lost placeholder was a value: identifiers stay hidden.
        let mut ids = self.protected_spans(Values::Text);
        let (_, used) = ids.redact(text, self.region);
        let hidden: BTreeSet<&str> = used.iter().filter_map(|p| ids.original(p)).collect();
        if failed.lost.iter().all(|l| hidden.contains(l.as_str())) {
            return Ok(failed);
        }
        let open = self
            .attempt_with(text, from, retry, Values::Text, usage)
            .await?;
        self.reporter.verbose(&format!(
            "asked again with dates, times and amounts as text: {}",
            open.verdict()
        ));
        Ok(if open.ok() { open } else { failed })
    }

    /// Whether requests carry dates, times and amounts as placeholders (see
    /// [`Translator::protected_spans`]).
    fn values_protected(&self) -> bool {
        self.to.code == "en"
    }

    /// The placeholder map for one request: identifiers always; into English, also the dates,
    /// times and amounts ava can write itself (text/in_english.rs), unless `values` says to
    /// send them as text. Other target languages get them as text, checked by value
    /// afterwards.
    fn protected_spans(&self, values: Values) -> Pseudonyms {
        let ids = Pseudonyms::protecting();
        if self.values_protected() && values == Values::Placeholders {
            ids.with_values_in_english()
        } else {
            ids
        }
    }

    /// Ask the model to translate `text`, clean the answer, put it in the source's line
    /// layout where it can, and check it.
    async fn attempt(
        &self,
        text: &str,
        from: Option<Language>,
        retry: bool,
        usage: &mut Outcome,
    ) -> Result<Attempt> {
        self.attempt_with(text, from, retry, Values::Placeholders, usage)
            .await
    }

    /// [`Translator::attempt`] with the values sent as `values` says.
    async fn attempt_with(
        &self,
        text: &str,
        from: Option<Language>,
        retry: bool,
        values: Values,
        usage: &mut Outcome,
    ) -> Result<Attempt> {
        let t = &self.prepared.template;
        let mut vars = self.prepared.vars.clone();
        let declared = |k: &str| t.variables.iter().any(|d| d.name == k);
        if declared("from")
            && vars.get("from").is_none_or(|f| f.is_empty())
            && let Some(l) = from
        {
            vars.insert("from".into(), l.code.into());
        }
        if declared("retry") && retry {
            vars.insert("retry".into(), "yes".into());
        }
        // Identifiers go to the model as `<ID_n>` and are put back from the map: a model
        // cannot mistype a phone number it never sees.
        let mut ids = self.protected_spans(values);
        let (sent, used) = ids.redact(text, self.region);
        if declared("ids") && !used.is_empty() {
            vars.insert("ids".into(), "yes".into());
        }
        let piece = Piece {
            name: "segment",
            text: &sent,
            part: 1,
            parts: 1,
            first_line: 1,
        };
        let mut req = super::render_request(t, &vars, &piece, self.base)?;
        req.intent = self.prepared.request.intent.clone();
        // Without a cap from the user, one in proportion to the segment (about three times
        // what a translation needs) ends a runaway answer early; the user's cap applies to
        // each segment.
        let cap = (text.chars().count() as u32).max(64) + 64;
        req.params.max_tokens = Some(req.params.max_tokens.unwrap_or(cap));
        if retry {
            req.params.temperature = Some(0.0);
        }
        let mut raw = String::new();
        let result = super::execute(self.engine, req, |t| {
            raw.push_str(t);
            Ok(())
        })
        .await;
        let mut problems = Vec::new();
        match result {
            Ok(o) => {
                usage.add_usage(&o);
                if o.finish_reason.as_deref() == Some("length") {
                    problems.push("the answer was cut off at the token limit".to_string());
                }
            }
            Err(Error::Repetition(_)) => {
                problems.push("the model started repeating itself and was stopped".to_string())
            }
            Err(e) => return Err(e),
        }
        let cleaned = verify::clean(&raw);
        let wrong = wrong_placeholders(&sent, &cleaned, &used);
        problems.extend(placeholder_problems(&wrong));
        let mut lost: Vec<String> = wrong
            .iter()
            .filter_map(|p| ids.original(p).map(str::to_string))
            .collect();
        let mut restorer = Restorer::default();
        let mut restored = restorer.push(&cleaned, &ids);
        restored.push_str(&restorer.finish(&ids));
        if !restorer.unknown.is_empty() {
            let unknown: Vec<&str> = restorer.unknown.iter().map(String::as_str).collect();
            problems.push(format!("placeholder(s) mangled: {}", unknown.join(", ")));
            if lost.is_empty() {
                lost.push(unknown.join(", "));
            }
        }
        let answer = relayout(text, &restored);
        problems.extend(verify::problems(text, &answer, from, self.to));
        if text.lines().count() > 1 && answer.lines().count() != text.lines().count() {
            problems.push(format!(
                "{} line(s) instead of {}",
                answer.lines().count(),
                text.lines().count()
            ));
        }
        Ok(Attempt {
            text: answer,
            problems,
            lost,
        })
    }
}

/// Placeholders of `sent` that `answer` does not have exactly as often: dropped or repeated.
fn wrong_placeholders(sent: &str, answer: &str, used: &BTreeSet<String>) -> Vec<String> {
    used.iter()
        .filter(|p| sent.matches(p.as_str()).count() != answer.matches(p.as_str()).count())
        .cloned()
        .collect()
}

/// The problem for [`wrong_placeholders`]. The source's values are not named — the
/// verifier's "not kept" names them once restored.
fn placeholder_problems(wrong: &[String]) -> Vec<String> {
    if wrong.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "placeholder(s) dropped or repeated: {}",
        wrong.join(", ")
    )]
}

/// Why a piece is printed in the source language: every answer lost an identifier.
fn kept_source(best: &Attempt, from: Option<Language>) -> String {
    format!(
        "kept in {} as written: every answer dropped {}",
        from.map_or("the source language", |l| l.name),
        best.lost
            .iter()
            .map(|i| format!("\"{i}\""))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// A piece of a sentence cut at its protected identifiers ([`Translator::splice`]).
#[derive(Debug, PartialEq)]
enum Chunk {
    /// A placeholder, restored by ava.
    Id(String),
    /// Text between identifiers: the whitespace around it is kept as it is.
    Text {
        lead: String,
        body: String,
        trail: String,
    },
}

fn splice_chunks(sent: &str) -> Vec<Chunk> {
    static ID: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"<ID_\d+>").unwrap_or_else(|_| unreachable!())
    });
    let mut out = Vec::new();
    let text = |t: &str, out: &mut Vec<Chunk>| {
        if t.is_empty() {
            return;
        }
        let body = t.trim();
        let lead = &t[..t.len() - t.trim_start().len()];
        let trail = &t[t.trim_end().len()..];
        out.push(Chunk::Text {
            lead: lead.to_string(),
            body: body.to_string(),
            trail: if body.is_empty() {
                String::new()
            } else {
                trail.to_string()
            },
        });
    };
    let mut at = 0;
    for m in ID.find_iter(sent) {
        text(&sent[at..m.start()], &mut out);
        out.push(Chunk::Id(m.as_str().to_string()));
        at = m.end();
    }
    text(&sent[at..], &mut out);
    out
}

/// A fragment's translation fitted to its place in the sentence: a model answers a fragment
/// as if it were a sentence, capitalised and closed with a full stop.
fn fit_fragment(source: &str, answer: &str) -> String {
    let mut a = answer.trim().to_string();
    let ends_sentence = source.trim_end().ends_with(['.', '!', '?', '…', ':', ';']);
    if !ends_sentence && a.ends_with('.') && !a.ends_with("..") {
        a.pop();
    }
    let starts_lower = source.chars().next().is_some_and(char::is_lowercase);
    let mut chars = a.chars();
    if starts_lower
        && let (Some(c), Some(d)) = (chars.next(), chars.next())
        && c.is_uppercase()
        && d.is_lowercase()
    {
        a = c.to_lowercase().chain(a.chars().skip(1)).collect();
    }
    a
}

/// A one-line source gets a one-line answer: line breaks the model added are spaces.
fn relayout(source: &str, answer: &str) -> String {
    if source.lines().count() <= 1 {
        answer.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        answer.to_string()
    }
}

/// `text` cut smaller for a second attempt: its lines, or else its sentences; each with what
/// follows it.
fn smaller(text: &str) -> Vec<(String, String)> {
    if text.lines().count() > 1 {
        let mut v: Vec<(String, String)> = text
            .split('\n')
            .map(|l| (l.trim_end_matches('\r').to_string(), "\n".to_string()))
            .collect();
        if let Some(last) = v.last_mut() {
            last.1.clear();
        }
        return v;
    }
    sentence_pieces(text)
}

/// `text`'s sentences, each with the whitespace that follows it.
fn sentence_pieces(text: &str) -> Vec<(String, String)> {
    let sentences = crate::text::sentences::split_sentences(text);
    if sentences.len() < 2 {
        return vec![(text.to_string(), String::new())];
    }
    let mut v = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        let start = if i == 0 { 0 } else { s.byte_start };
        let end = sentences.get(i + 1).map_or(text.len(), |n| n.byte_start);
        let piece = &text[start..end];
        let body = piece.trim_end();
        v.push((body.to_string(), piece[body.len()..].to_string()));
    }
    v
}

/// Whether a segment is already in the target language, reliably enough to keep it as is.
fn already_in(text: &str, to: Language) -> bool {
    text.chars().filter(|c| c.is_alphabetic()).count() >= 40
        && lang::detect(text).is_some_and(|d| d.reliable && d.language == to && d.confidence > 0.9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_taken_by_code_or_name_and_typos_get_a_suggestion() {
        assert_eq!(language_arg("en-GB", "--to").unwrap().code, "en");
        assert_eq!(language_arg("Polish", "--to").unwrap().code, "pl");
        let e = language_arg("englsh", "--to").unwrap_err().to_string();
        assert!(e.contains("did you mean English (en)?"), "{e}");
        let e = language_arg("klingon", "--to").unwrap_err().to_string();
        assert!(e.contains("known: en, pl"), "{e}");
    }

    #[test]
    fn segment_size_follows_the_setting_or_the_window() {
        assert_eq!(segment_chars(None, None).unwrap(), 400);
        assert_eq!(segment_chars(Some(50), None).unwrap(), 200);
        // A 512-token window holds a prompt, an 85-token segment and its answer.
        assert_eq!(segment_chars(None, Some(512)).unwrap(), 85 * 4);
        assert_eq!(segment_chars(None, Some(8192)).unwrap(), 400);
        let e = segment_chars(Some(400), Some(512)).unwrap_err().to_string();
        assert!(e.contains("at most 85 fits"), "{e}");
        assert!(segment_chars(Some(0), None).is_err());
    }

    /// What ava writes for dates, times and amounts must pass ava's own checks of the answer.
    #[test]
    fn values_written_in_english_pass_the_checks() {
        let en = Language::find("en").unwrap();
        let placeholder = regex::Regex::new(r"<ID_\d+>").unwrap();
        for (src, out) in [
            (
                "Sąd zasądził 15 lutego 2010r. kwotę 2 189 337,30 zł oraz 820 tys. zł, a \
                 29 stycznia 2013 r. o godz. 20:30 zatrzymano M. W.",
                "On 15 February 2010 the court awarded PLN 2,189,337.30 and PLN 820,000, and \
                 on 29 January 2013 at 20:30 M. W. was detained.",
            ),
            (
                "Am 3. März 2024 gegen 8 Uhr 50 wurden 16.000 Euro gefunden.",
                "On 3 March 2024 at about 08:50, EUR 16,000 were found.",
            ),
            (
                "Le 12 juin 2023, 16 000 euros et 1,5 mln zł.",
                "On 12 June 2023, EUR 16,000 and PLN 1.5 million.",
            ),
        ] {
            let mut ids = Pseudonyms::protecting().with_values_in_english();
            let (sent, _) = ids.redact(src, "none");
            let bare = placeholder.replace_all(&sent, "");
            assert!(!bare.chars().any(|c| c.is_ascii_digit()), "{sent}");
            assert_eq!(
                verify::problems(src, out, None, en),
                Vec::<String>::new(),
                "{out}"
            );
        }
    }

    #[test]
    fn a_dropped_or_repeated_placeholder_is_a_problem() {
        let used: BTreeSet<String> = ["<ID_1>".into(), "<ID_2>".into()].into();
        let sent = "numer <ID_1>, konto <ID_2>";
        assert!(wrong_placeholders(sent, "number <ID_1>, account <ID_2>", &used).is_empty());
        let p = placeholder_problems(&wrong_placeholders(sent, "number <ID_1>, account", &used));
        assert!(p[0].contains("<ID_2>") && !p[0].contains("<ID_1>"), "{p:?}");
        let p = placeholder_problems(&wrong_placeholders(sent, "<ID_1> <ID_1> <ID_2>", &used));
        assert!(p[0].contains("<ID_1>"), "{p:?}");
    }

    #[test]
    fn a_sentence_is_cut_at_its_placeholders_keeping_the_spaces() {
        let c = splice_chunks("Na mocy <ID_1> oraz <ID_2> zasądzono koszty.");
        let text = |l: &str, b: &str, t: &str| Chunk::Text {
            lead: l.into(),
            body: b.into(),
            trail: t.into(),
        };
        assert_eq!(
            c,
            [
                text("", "Na mocy", " "),
                Chunk::Id("<ID_1>".into()),
                text(" ", "oraz", " "),
                Chunk::Id("<ID_2>".into()),
                text(" ", "zasądzono koszty.", ""),
            ]
        );
        assert_eq!(
            splice_chunks("<ID_1>."),
            [Chunk::Id("<ID_1>".into()), text("", ".", "")]
        );
    }

    #[test]
    fn a_fragment_answer_loses_the_sentence_form_the_model_gave_it() {
        // Mid-sentence fragment: no full stop, no capital.
        assert_eq!(fit_fragment("oraz", "And."), "and");
        assert_eq!(fit_fragment("Na mocy", "Under."), "Under");
        // A fragment that ends the sentence keeps its stop; acronyms keep their capitals.
        assert_eq!(
            fit_fragment("zasądzono koszty.", "Costs were awarded."),
            "costs were awarded."
        );
        assert_eq!(fit_fragment("w sprawie", "In the case."), "in the case");
        assert_eq!(fit_fragment("w sprawie", "USA"), "USA");
    }

    #[test]
    fn an_attempt_that_lost_an_identifier_loses_to_one_that_did_not() {
        let a = |problems: usize, lost: bool| Attempt {
            text: format!("{problems}{lost}"),
            problems: vec!["x".into(); problems],
            lost: if lost {
                vec!["I/52/13".into()]
            } else {
                Vec::new()
            },
        };
        assert_eq!(a(0, true).better(a(3, false)).text, "3false");
        assert_eq!(a(3, false).better(a(0, true)).text, "3false");
        assert_eq!(a(2, false).better(a(1, false)).text, "1false");
        assert_eq!(a(1, false).better(a(1, false)).text, "1false");
    }

    #[test]
    fn a_second_attempt_gets_lines_or_sentences() {
        let v = smaller("Pierwsze zdanie. Drugie zdanie.");
        assert_eq!(v.len(), 2);
        assert_eq!(
            v.iter().map(|(a, b)| format!("{a}{b}")).collect::<String>(),
            "Pierwsze zdanie. Drugie zdanie."
        );
        let v = smaller("a\nb");
        assert_eq!(v, [("a".into(), "\n".into()), ("b".into(), "".into())]);
    }
}
