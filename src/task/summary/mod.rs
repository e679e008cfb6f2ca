//! Summaries a small model cannot spoil. Models of 0.5–1.5B parameters asked to summarize a
//! whole document loop, wander off into invented context, answer in English, or never finish
//! a long document (bench/RESULTS.md). So in the *grounded* mode the model does only what it
//! does reliably — shorten one sentence — and everything else is deterministic:
//!
//! 1. the built-in ranking (`text::summarizer`) picks the key sentences, a few more than the
//!    extractive summary of that length would show, so the shortened ones carry more facts in
//!    the same words; the document's length does not matter, long documents need no
//!    map-reduce;
//! 2. each sentence goes to the model alone, with a short prompt and a small token limit;
//! 3. each answer is checked ([`clean`], [`verify`]): a preface is removed; an answer that
//!    loops, is empty, copies the prompt, is cut off, is in another language, is no shorter,
//!    or has a value (number, date, amount, name…) that is not in the document is not used —
//!    the document's own sentence stands in its place, and the user is told (stderr, `--json`
//!    warnings);
//! 4. every line ends in its source lines `[L12-14]`, like the built-in engine's.
//!
//! Nothing unchecked is printed, so a grounded summary never needs the "unverified" flag.
//! The *whole* mode (the template over the whole document, map-reduce for long ones) is
//! checked after the fact instead: see [`check_whole`].

mod clean;
pub mod verify;

use super::Outcome;
use super::report::Reporter;
use crate::engine::{ChatRequest, Engine, GenParams, Intent, Length, Message};
use crate::error::{Error, Result};
use crate::text::{lang, sentences, summarizer};
use futures_util::StreamExt;

/// How `summarize` uses a language model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Grounded on an in-process (local, small) model, whole on a server.
    #[default]
    Auto,
    /// Key sentences picked by the built-in ranking, each shortened by the model and checked.
    Grounded,
    /// The model reads the whole document (in parts when long); its answer is checked after.
    Whole,
}

impl Mode {
    /// Whether `summarize` on `engine` takes the grounded path.
    pub fn grounded_on(self, engine: &dyn Engine) -> bool {
        let caps = engine.capabilities();
        caps.language_model
            && match self {
                Mode::Auto => caps.in_process,
                Mode::Grounded => true,
                Mode::Whole => false,
            }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Grounded => "grounded",
            Mode::Whole => "whole",
        }
    }
}

/// How many key sentences are shortened for every sentence the extractive summary of the
/// same length shows: shortened sentences are about half as long, so 1.5 times as many fit
/// in about the same words.
const EVIDENCE_FACTOR: f64 = 1.5;
/// Sentences shorter than this are kept as they are: there is little to shorten.
const MIN_WORDS_TO_SHORTEN: usize = 14;
/// The shortened sentence is asked to be at most this share of the original's words…
const TARGET_SHARE: f64 = 0.6;
/// …and at least this many words.
const MIN_TARGET_WORDS: usize = 10;

/// One line of a grounded summary.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Line {
    pub text: String,
    /// Source lines (1-based, first and last) of the sentence it rests on.
    pub lines: (usize, usize),
    /// Whether the model's shortened sentence is shown (else the document's own sentence).
    pub model: bool,
    /// Why the document's own sentence is shown, when the model's was not used.
    pub fallback: Option<String>,
}

/// A grounded summary: its lines, the text as printed, and what the user was told.
#[derive(Debug, Default)]
pub struct Grounded {
    pub lines: Vec<Line>,
    pub text: String,
    pub warnings: Vec<String>,
    /// Token counts summed over the model's requests.
    pub usage: Outcome,
}

/// What the grounded path needs to know about the job.
pub struct Request<'a> {
    pub length: Length,
    /// "text", "markdown" or "bullets".
    pub format: &'a str,
    /// Language the summary is asked in; empty = the document's.
    pub lang: &'a str,
    pub base: &'a GenParams,
    pub region: &'a str,
    /// Sentences shortened at once (`--jobs`).
    pub jobs: usize,
}

/// Run the grounded summary of `name`'s `text`, handing each checked line to `on_text`.
pub async fn grounded(
    engine: &dyn Engine,
    req: &Request<'_>,
    name: &str,
    text: &str,
    on_text: &mut (dyn FnMut(&str) -> Result<()> + Send),
    reporter: &dyn Reporter,
) -> Result<Grounded> {
    let evidence = evidence(text, req.length);
    let doc_lang = lang::detect(text).filter(|d| d.reliable);
    let target = (!req.lang.is_empty())
        .then(|| lang::Language::find(req.lang))
        .flatten();
    // A summary in another language than the document: capitalised words differ, so only
    // values (numbers, dates, amounts, identifiers) can be checked.
    let translating = target.is_some_and(|t| doc_lang.is_none_or(|d| d.language.code != t.code));
    let write_in = target
        .or(doc_lang.map(|d| d.language))
        .map(|l| l.name)
        .unwrap_or("the language of the sentence");
    reporter.note(&format!(
        "{name}: grounded summary: {} key sentences picked by the built-in ranking, each shortened by the model and checked against the document — small local models asked to summarize a whole document loop or stop at long ones (--summary-mode whole to ask anyway)",
        evidence.len()
    ));
    let source = verify::Source::new(text, req.region);
    let bullet = if req.format == "text" { "" } else { "- " };
    let progress = reporter.parts("summarizing", "sentence", name, evidence.len());
    let mut out = Grounded::default();
    // Once the engine itself fails (server gone, model not loaded), the model is not asked
    // again: the rest of the summary is the document's own sentences.
    let broken: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    let broken = &broken;
    let source = &source;
    // Sentences go `jobs` at a time (a server answers them in parallel, the local engine
    // decodes them together) and are printed in order, each as soon as it and those before
    // it are checked.
    let answers = futures_util::stream::iter(evidence.iter())
        .map(|s| async move {
            let words = s.text.split_whitespace().count();
            if words < MIN_WORDS_TO_SHORTEN && !translating {
                return Ok((Outcome::default(), own(s, None)));
            }
            if let Some(why) = broken.lock().ok().and_then(|b| b.clone()) {
                return Ok((Outcome::default(), own(s, Some(why))));
            }
            Ok(match shorten(engine, req, write_in, &s.text, words).await {
                Ok(a) => {
                    let line = match check(&a, s, source, words, translating, doc_lang) {
                        Ok(t) => Line {
                            text: t,
                            lines: (s.line_start, s.line_end),
                            model: true,
                            fallback: None,
                        },
                        Err(r) => own(s, Some(describe(&r))),
                    };
                    (a.usage, line)
                }
                Err(Error::Interrupted) => return Err(Error::Interrupted),
                Err(Error::Repetition(_)) => (
                    Outcome::default(),
                    own(s, Some("the model repeated itself".into())),
                ),
                Err(e) => {
                    let why = format!("the model failed: {e}");
                    if let Ok(mut b) = broken.lock() {
                        b.get_or_insert_with(|| why.clone());
                    }
                    (Outcome::default(), own(s, Some(why)))
                }
            })
        })
        .buffered(req.jobs.max(1));
    futures_util::pin_mut!(answers);
    let mut i = 0;
    while let Some(answer) = answers.next().await {
        let (usage, line) = match answer {
            Ok(done) => done,
            Err(e) => {
                progress.finish();
                return Err(e);
            }
        };
        out.usage.add_usage(&usage);
        if let Some(why) = &line.fallback {
            let w = format!(
                "sentence {} [{}]: the document's own sentence is shown: {why}",
                i + 1,
                refs(line.lines)
            );
            reporter.note(&format!("{name}: {w}"));
            out.warnings.push(w);
        }
        let shown = format!("{bullet}{} [{}]\n", line.text, refs(line.lines));
        on_text(&shown)?;
        out.text.push_str(&shown);
        out.lines.push(line);
        i += 1;
        progress.done(i);
    }
    progress.finish();
    let failed = out.lines.iter().filter(|l| l.fallback.is_some()).count();
    if failed > 0 {
        reporter.warn(&format!(
            "{name}: {failed} of {} summary lines are the document's own sentences, because the model's version failed a check (-v or --json for each reason)",
            out.lines.len()
        ));
    }
    Ok(out)
}

/// The sentences to shorten, in document order.
fn evidence(text: &str, length: Length) -> Vec<summarizer::ChosenSentence> {
    let total = sentences::split_sentences(text).len();
    let want = (summarizer::target_sentences(length, total) as f64 * EVIDENCE_FACTOR).ceil();
    let mut picked = summarizer::summarize(text, 1, Length::Long);
    picked.sort_by(|a, b| b.score.total_cmp(&a.score));
    picked.truncate(want as usize);
    picked.sort_by_key(|s| s.byte_start);
    picked
}

/// A line showing the document's own sentence.
fn own(s: &summarizer::ChosenSentence, fallback: Option<String>) -> Line {
    Line {
        text: s.text.clone(),
        lines: (s.line_start, s.line_end),
        model: false,
        fallback,
    }
}

fn refs((a, b): (usize, usize)) -> String {
    if b > a {
        format!("L{a}-{b}")
    } else {
        format!("L{a}")
    }
}

/// The model's answer for one sentence.
struct Shortened {
    text: String,
    cut: bool,
    usage: Outcome,
}

/// Ask the model to shorten `sentence`. No example values in the prompt: small models copy
/// them into answers.
async fn shorten(
    engine: &dyn Engine,
    req: &Request<'_>,
    write_in: &str,
    sentence: &str,
    words: usize,
) -> Result<Shortened> {
    let target = ((words as f64 * TARGET_SHARE).round() as usize).max(MIN_TARGET_WORDS);
    let system = "You shorten sentences from case documents for police analysts. Use only the sentence you are given; add nothing.";
    let user = format!(
        "Shorten the sentence below to at most {target} words. Keep every name, number, date and amount exactly as written. Write in {write_in}. Answer with the shortened sentence only.\n\n<sentence>\n{sentence}\n</sentence>"
    );
    let mut params = GenParams {
        temperature: Some(0.0),
        ..Default::default()
    };
    super::merge_params(&mut params, req.base);
    // Room for the sentence in any language (~3 tokens a word) and a little packaging, never
    // more than asked for: a sentence that needs more is not being shortened.
    let cap = (target * 3 + 24) as u32;
    params.max_tokens = Some(params.max_tokens.map_or(cap, |m| m.min(cap)));
    let request = ChatRequest {
        messages: vec![Message::system(system), Message::user(user)],
        params,
        schema: None,
        intent: Intent::Chat,
    };
    let mut usage = super::execute(engine, request, |_| Ok(())).await?;
    // The text moves out; the counts stay behind for the total.
    let text = std::mem::take(&mut usage.text);
    Ok(Shortened {
        cut: usage.finish_reason.as_deref() == Some("length"),
        usage,
        text,
    })
}

/// Why an answer for one sentence was not used.
#[derive(Debug)]
enum Reject {
    Empty,
    Cut,
    Language(&'static str),
    NotShorter,
    Unsupported(Vec<String>),
    Moved(Vec<String>),
    Dropped(Vec<String>),
}

/// The shortened sentence, if it passes every check; else why not.
fn check(
    a: &Shortened,
    s: &summarizer::ChosenSentence,
    source: &verify::Source<'_>,
    words: usize,
    translating: bool,
    doc_lang: Option<lang::Detected>,
) -> std::result::Result<String, Reject> {
    let reject = Err;
    let text = if a.cut {
        match clean::complete_part(&a.text) {
            Some(t) => t,
            None => return reject(Reject::Cut),
        }
    } else {
        a.text.clone()
    };
    let Some(sentence) = clean::sentence(&text) else {
        return reject(Reject::Empty);
    };
    if !translating
        && let (Some(doc), Some(got)) = (doc_lang, lang::detect(&sentence).filter(|d| d.reliable))
        && got.language.code != doc.language.code
        && lang::detect(&s.text).is_none_or(|d| d.language.code != got.language.code)
    {
        return reject(Reject::Language(got.language.name));
    }
    let got = sentence.split_whitespace().count();
    if (!translating && got >= words) || got > words * 3 / 2 {
        return reject(Reject::NotShorter);
    }
    let missing = source.unsupported(&sentence, !translating);
    if !missing.is_empty() {
        return reject(Reject::Unsupported(missing));
    }
    // The words around a number say what it is; in another language they cannot be compared.
    let moved = if translating {
        Vec::new()
    } else {
        verify::moved_numbers(&s.text, &sentence)
    };
    if !moved.is_empty() {
        return reject(Reject::Moved(moved));
    }
    let dropped = verify::dropped_values(&s.text, &sentence, source.region());
    if !dropped.is_empty() {
        return reject(Reject::Dropped(dropped));
    }
    Ok(sentence)
}

fn describe(r: &Reject) -> String {
    match r {
        Reject::Empty => "the model's answer was empty or copied the prompt".into(),
        Reject::Cut => "the model's answer was cut off at the token limit".into(),
        Reject::Language(l) => format!("the model answered in {l}"),
        Reject::NotShorter => "the model's version was no shorter".into(),
        Reject::Unsupported(v) => {
            format!("the model's version has {} not in the document", quoted(v))
        }
        Reject::Dropped(v) => format!("the model's version leaves out {}", quoted(v)),
        Reject::Moved(v) => format!(
            "the model's version puts {} next to other words than the document does",
            quoted(v)
        ),
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The whole-document answer, checked after the fact: every sentence with a value that is not
/// in the document. It was already shown (streamed), so it can only be flagged.
pub fn check_whole(answer: &str, text: &str, region: &str, translating: bool) -> Vec<String> {
    let source = verify::Source::new(text, region);
    sentences::split_sentences(answer)
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let missing = source.unsupported(s.text(answer), !translating);
            (!missing.is_empty()).then(|| {
                format!(
                    "summary sentence {}: {} not in the document",
                    i + 1,
                    quoted(&missing)
                )
            })
        })
        .collect()
}
