//! One document in, one [`Answer`] out: the only implementation of the per-document steps.
//! The one-shot commands (`ava summarize|translate|process`) and the REPL's task commands both
//! call [`Pipeline::answer`]; what a front end adds is only how the answer is shown.
//!
//! The steps, in order: prepare the request from the template → decide whether the document
//! fits one request or takes the long-document path → run it, handing text to the caller as it
//! arrives → check the answer (complete; valid JSON for its schema, repaired by the model if
//! needed) → build the entity report, or ground the records against the document.

use super::budget::{self, Budget};
use super::longdoc;
use super::report::{OnSegment, Reporter, Segment};
use super::summary;
use super::{Job, Outcome, Prepared};
use crate::engine::{Engine, GenParams};
use crate::error::{Error, Result};
use crate::extract::Report;
use crate::source::Document;
use crate::template::{Template, TemplateStore};
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// Everything the steps need, resolved once by the front end for all its documents.
pub struct Pipeline<'a> {
    pub engine: Arc<dyn Engine>,
    pub store: &'a TemplateStore,
    /// Sampling and length settings from flags, config or `/set`; they override templates'.
    pub base: GenParams,
    /// Region for national phone numbers in entity reports and grounding.
    pub region: String,
    /// How documents too long for one request are run.
    pub long: longdoc::Settings,
    /// The context size the user set, if any (else the engine's or server's own).
    pub ctx_size: Option<u32>,
    /// How `summarize` uses a model (grounded sentence by sentence, or the whole document).
    pub summary_mode: summary::Mode,
    /// Translation: tokens per segment (`--segment-tokens`); unset, from the window.
    pub segment_tokens: Option<u32>,
    /// The model's window and token counter, once worked out, when they are kept across
    /// documents (the REPL); otherwise each document that may not fit works them out anew,
    /// calibrated on its own text.
    budget: Mutex<Option<Arc<Budget>>>,
    keep_budget: bool,
}

/// One document's answer, ready for a front end to show or record.
#[derive(Debug)]
pub struct Answer {
    /// The template that was run (its name and hash go into records).
    pub template: Template,
    /// The text the engine answered, with usage and finish reason.
    pub outcome: Outcome,
    /// A structured answer: the model's JSON, checked against the template's schema and
    /// grounded against the document where the template says so.
    pub value: Option<Value>,
    /// For extraction templates: the entity report over the whole document.
    pub report: Option<Report>,
    /// Everything the user was warned about for this document (also for JSON records).
    pub warnings: Vec<String>,
    /// Parts of the answer that could not be verified against the document. Each was
    /// flagged on stderr as it was found; front ends also put them in records and exit codes.
    pub unverified: Vec<Unverified>,
    /// For translations by a model: each piece beside its source, in order.
    pub segments: Vec<Segment>,
}

/// A part of an answer that could not be verified against its source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unverified {
    /// Source lines the part rests on (1-based, first and last), when known.
    pub lines: Option<(usize, usize)>,
    /// Why it could not be verified, in a few words.
    pub reason: String,
}

impl Answer {
    /// Whether the answer is structured (JSON or an entity report) rather than text.
    pub fn is_structured(&self) -> bool {
        self.value.is_some() || self.report.is_some()
    }
}

impl<'a> Pipeline<'a> {
    pub fn new(
        engine: Arc<dyn Engine>,
        store: &'a TemplateStore,
        base: GenParams,
        region: String,
        long: longdoc::Settings,
        ctx_size: Option<u32>,
    ) -> Self {
        Self {
            engine,
            store,
            base,
            region,
            long,
            ctx_size,
            summary_mode: summary::Mode::default(),
            segment_tokens: None,
            budget: Mutex::new(None),
            keep_budget: false,
        }
    }

    /// Keep the model's budget across documents, starting from `known` if the caller has it.
    pub fn keeping_budget(mut self, known: Option<Arc<Budget>>) -> Self {
        self.budget = Mutex::new(known);
        self.keep_budget = true;
        self
    }

    /// The budget worked out so far, when it is kept across documents.
    pub fn budget(&self) -> Option<Arc<Budget>> {
        self.budget.lock().ok().and_then(|b| b.clone())
    }

    /// Answer `job` for `doc`. `on_text(piece, live)` receives every piece of text the engine
    /// answers, in order: `live` is true for text answers, which may be shown as they stream,
    /// and false for structured ones, which are shown only once checked. On failure, what was
    /// handed over is all there is of the answer.
    pub async fn answer(
        &self,
        job: &Job,
        doc: &Document,
        on_text: &mut (dyn FnMut(&str, bool) -> Result<()> + Send),
        reporter: &dyn Reporter,
    ) -> Result<Answer> {
        self.answer_paired(job, doc, on_text, None, reporter).await
    }

    /// [`Self::answer`], and for translations by a model, `on_segment` receives each piece
    /// paired with its source as soon as it is done (`--side-by-side`).
    pub async fn answer_paired(
        &self,
        job: &Job,
        doc: &Document,
        on_text: &mut (dyn FnMut(&str, bool) -> Result<()> + Send),
        on_segment: Option<OnSegment<'_>>,
        reporter: &dyn Reporter,
    ) -> Result<Answer> {
        let engine = self.engine.as_ref();
        let prepared = super::prepare(job, doc, self.store, engine, &self.base)?;
        for n in &prepared.notes {
            reporter.warn(n);
        }
        for n in &prepared.info {
            reporter.note(n);
        }
        reporter.verbose(&format!(
            "{}: template {} ({}) sha256 {}",
            doc.name,
            prepared.template.name,
            prepared.template.origin,
            &prepared.template.hash[..12.min(prepared.template.hash.len())]
        ));
        let mut warnings: Vec<String> = doc.warnings.clone();
        warnings.extend(prepared.notes.iter().cloned());
        let live = !prepared.structured;
        let mut forward = |t: &str| on_text(t, live);

        // Translation by a model goes segment by segment, each segment verified (any length:
        // segments are small, so the long-document path is not needed).
        if let Job::Translate { to, from, .. } = job
            && prepared.model_call
            && engine.capabilities().language_model
        {
            let translator = super::translate::Translator {
                engine,
                prepared: &prepared,
                base: &self.base,
                reporter,
                to: super::translate::language_arg(to, "--to")?,
                from: match from.as_deref().filter(|f| !f.is_empty()) {
                    Some(f) => Some(super::translate::language_arg(f, "--from")?),
                    None => None,
                },
                jobs: self.long.jobs,
                region: &self.region,
                segment_chars: super::translate::segment_chars(self.segment_tokens, self.ctx_size)?,
            };
            let t = translator
                .run(doc, &mut forward, on_segment)
                .await
                .map_err(|e| match e {
                    Error::Repetition(m) => Error::Repetition(format!("{}: {m}", doc.name)),
                    e => e,
                })?;
            warnings.extend(t.warnings);
            return Ok(Answer {
                template: prepared.template,
                outcome: t.outcome,
                value: None,
                report: None,
                warnings,
                unverified: t.unverified,
                segments: t.segments,
            });
        }

        let summarizing = match job {
            Job::Summarize {
                length,
                format,
                lang,
            } if prepared.model_call && engine.capabilities().language_model => {
                Some((*length, format.as_str(), lang.as_deref().unwrap_or("")))
            }
            _ => None,
        };
        if let Some((length, format, lang)) = summarizing
            && self.summary_mode.grounded_on(engine)
        {
            let req = summary::Request {
                length,
                format,
                lang,
                base: &self.base,
                region: &self.region,
                jobs: self.long.jobs,
            };
            let g = summary::grounded(engine, &req, &doc.name, &doc.text, &mut forward, reporter)
                .await?;
            warnings.extend(g.warnings);
            return Ok(Answer {
                template: prepared.template,
                outcome: Outcome {
                    text: g.text,
                    finish_reason: Some("stop".into()),
                    prompt_tokens: g.usage.prompt_tokens.or(Some(0)),
                    completion_tokens: g.usage.completion_tokens.or(Some(0)),
                    cached_tokens: g.usage.cached_tokens,
                },
                value: None,
                report: None,
                warnings,
                unverified: Vec::new(),
                segments: Vec::new(),
            });
        }

        let run = match self.long_budget(&prepared, doc, reporter).await {
            Some(budget) => {
                let runner = longdoc::Runner {
                    engine: self.engine.clone(),
                    budget: &budget,
                    store: self.store,
                    base: &self.base,
                    settings: self.long.clone(),
                    reporter,
                    warnings: Default::default(),
                };
                match runner.run(job, &prepared, doc, &mut forward).await {
                    Err(e) => Err(e),
                    Ok(l) => {
                        for n in l
                            .notes
                            .iter()
                            .filter(|n| n.starts_with("--max-input-tokens"))
                        {
                            reporter.warn(&format!("{}: {n}", doc.name));
                        }
                        warnings.extend(l.notes);
                        Ok((l.value, l.outcome))
                    }
                }
            }
            None => {
                self.one_request(&prepared, doc, &mut forward, reporter)
                    .await
            }
        };
        let mut unverified = Vec::new();
        let (value, outcome) = match (run, summarizing) {
            // A summary the model could not finish: the built-in one takes its place.
            // Only the model's own failures: a connection cut off mid-answer is a temporary
            // failure worth retrying (exit 75), not a reason to print something else. The
            // task layer's token-limit errors are the `Truncated` ones naming the limit.
            (Err(e @ (Error::Repetition(_) | Error::Truncated(_))), Some((length, ..))) if !matches!(&e, Error::Truncated(m) if !m.contains("token limit")) =>
            {
                let w = format!(
                    "{e}; the built-in extractive summary follows instead (--summary-mode grounded avoids this)"
                );
                reporter.warn(&w);
                warnings.push(w);
                unverified.push(Unverified {
                    lines: None,
                    reason: "the model's unfinished answer printed before the built-in summary was not checked".into(),
                });
                let mut text = String::from("\n");
                for s in crate::text::summarizer::summarize(&doc.text, 1, length) {
                    text.push_str(&crate::text::summarizer::format_line(&s));
                    text.push('\n');
                }
                forward(&text)?;
                (
                    None,
                    Outcome {
                        text,
                        finish_reason: Some("stop".into()),
                        ..Outcome::default()
                    },
                )
            }
            (run, _) => {
                let (value, outcome) = run?;
                if let Some((_, _, lang)) = summarizing {
                    for reason in summary::check_whole(
                        &outcome.text,
                        &doc.text,
                        &self.region,
                        !lang.is_empty(),
                    ) {
                        reporter.warn(&format!("{}: {reason}", doc.name));
                        unverified.push(Unverified {
                            lines: None,
                            reason,
                        });
                    }
                }
                (value, outcome)
            }
        };

        let unmask_cards = matches!(
            job,
            Job::Process {
                unmask_cards: true,
                ..
            }
        );
        let report = prepared.entity_report(doc, &self.region, unmask_cards, value.as_ref());
        let value = match &report {
            Some(report) => {
                let r = &report.region;
                reporter.verbose(&format!(
                    "{}: region {} ({}{})",
                    doc.name,
                    r.region.as_deref().unwrap_or("none"),
                    r.source.unwrap_or("nothing to infer it from"),
                    if r.evidence.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", r.evidence)
                    }
                ));
                let doubtful = report
                    .entities
                    .iter()
                    .filter(|e| !e.verified && e.found_by.contains(&"pattern"))
                    .count();
                if doubtful > 0 {
                    let w = format!(
                        "{doubtful} item(s) are not verified (a national number or a date whose reading depends on a region that was not set); see \"reason\", or set --region"
                    );
                    reporter.note(&format!("{}: {w}", doc.name));
                    warnings.push(w);
                }
                let ungrounded = report.entities.iter().filter(|e| !e.grounded).count();
                if ungrounded > 0 {
                    let w = format!(
                        "{ungrounded} item(s) the model reported do not occur in the document; they are marked \"grounded\": false"
                    );
                    reporter.warn(&format!("{}: {w}", doc.name));
                    warnings.push(w);
                }
                None
            }
            None => value.map(|mut v| {
                if let Some(note) = prepared.ground_records(doc, &self.region, &mut v) {
                    reporter.warn(&format!("{}: {note}", doc.name));
                    warnings.push(note);
                }
                v
            }),
        };
        Ok(Answer {
            template: prepared.template,
            outcome,
            value,
            report,
            warnings,
            unverified,
            segments: Vec::new(),
        })
    }

    /// A document that fits: one request (none when the engine answers deterministically),
    /// then, for structured templates, the schema check with repairs.
    async fn one_request(
        &self,
        prepared: &Prepared,
        doc: &Document,
        on_text: &mut (dyn FnMut(&str) -> Result<()> + Send),
        reporter: &dyn Reporter,
    ) -> Result<(Option<Value>, Outcome)> {
        if !prepared.model_call {
            return Ok((None, Outcome::default()));
        }
        let engine = self.engine.as_ref();
        let outcome = super::execute(engine, prepared.request.clone(), on_text)
            .await
            .map_err(|e| match e {
                Error::Repetition(m) => Error::Repetition(format!("{}: {m}", doc.name)),
                e => e,
            })?;
        if outcome.finish_reason.as_deref() == Some("length") {
            return Err(Error::Truncated(format!(
                "{}: the answer reached the token limit{} and is incomplete; raise --max-tokens",
                doc.name,
                prepared
                    .request
                    .params
                    .max_tokens
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default()
            )));
        }
        if !prepared.structured {
            return Ok((None, outcome));
        }
        let (v, o) =
            super::checked_answer(engine, &prepared.request, outcome, |m| reporter.warn(m)).await?;
        Ok((Some(v), o))
    }

    /// The token budget when `doc` needs the long-document path (too long for one request,
    /// or capped by `--max-input-tokens`); `None` when it is sent whole.
    async fn long_budget(
        &self,
        prepared: &Prepared,
        doc: &Document,
        reporter: &dyn Reporter,
    ) -> Option<Arc<Budget>> {
        let cap = self.long.max_input_tokens;
        if !longdoc::may_need(self.engine.as_ref(), prepared, doc, cap) {
            return None;
        }
        let budget = match self.budget() {
            Some(b) => b,
            None => {
                let b = Arc::new(
                    budget::for_engine(self.engine.clone(), self.ctx_size, &doc.text).await,
                );
                reporter.verbose(&format!("{}: {}", doc.name, b.describe()));
                if self.keep_budget
                    && let Ok(mut kept) = self.budget.lock()
                {
                    *kept = Some(b.clone());
                }
                b
            }
        };
        longdoc::needed(&budget, prepared, doc, cap).then_some(budget)
    }
}
