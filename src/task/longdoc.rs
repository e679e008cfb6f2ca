//! Long documents: when a document does not fit the model's window, split it into chunks on
//! its own structure and run map (and reduce) requests over them. Input is never left out
//! silently: either every chunk is processed, or the run fails and says why, or the user
//! capped the input with `--max-input-tokens` and the output says what was left out.

use super::budget::Budget;
use super::chunk::{self, Chunk};
use super::report::{PartsDone, Reporter};
use super::{Job, Outcome, Piece, Prepared};
use crate::engine::{ChatRequest, Engine, GenParams};
use crate::error::{Error, Result};
use crate::source::Document;
use crate::template::{Combine, Template, TemplateStore};
use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// How a long document is run, beyond the budget.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Requests in flight at once.
    pub jobs: usize,
    /// Tokens repeated from the end of one chunk at the start of the next (map steps that
    /// read, not translate).
    pub overlap: usize,
    /// Stop reading the document after this many tokens (a deliberate cap).
    pub max_input_tokens: Option<usize>,
}

/// What the caller streams and records.
pub struct LongOutcome {
    pub outcome: Outcome,
    /// For structured templates: the combined JSON.
    pub value: Option<Value>,
    /// Things the record and stderr must say (cap applied, chunk count).
    pub notes: Vec<String>,
}

/// Documents this small fit any model's window; they are sent without asking the server
/// for its window or tokenizer.
pub const SURELY_FITS_BYTES: usize = 4096;

/// Whether `doc` may need the long-document path at all: a model is asked, and the document
/// is not surely small, or the user capped the input.
pub fn may_need(
    engine: &dyn Engine,
    prepared: &Prepared,
    doc: &Document,
    cap: Option<usize>,
) -> bool {
    prepared.model_call
        && engine.capabilities().language_model
        && (doc.text.len() > SURELY_FITS_BYTES || cap.is_some())
}

/// Whether `doc` must go through the long-document path under `budget`: the single request
/// does not fit, or the document exceeds the user's `--max-input-tokens` cap.
pub fn needed(budget: &Budget, prepared: &Prepared, doc: &Document, cap: Option<usize>) -> bool {
    !fits(budget, prepared) || cap.is_some_and(|cap| budget.counter.count(&doc.text) > cap)
}

/// Whether the prepared single request fits the window with room for the answer.
pub fn fits(budget: &Budget, prepared: &Prepared) -> bool {
    budget.messages(&prepared.request.messages) + budget.reserve(prepared.request.params.max_tokens)
        <= budget.window
}

/// Everything a long run needs to make requests.
pub struct Runner<'a> {
    pub engine: Arc<dyn Engine>,
    pub budget: &'a Budget,
    pub store: &'a TemplateStore,
    pub base: &'a GenParams,
    pub settings: Settings,
    pub reporter: &'a dyn Reporter,
    /// Warnings raised while parts run (notes cut at the token limit), for the record:
    /// [`Runner::run`] moves them into [`LongOutcome::notes`].
    pub warnings: std::sync::Mutex<Vec<String>>,
}

impl Runner<'_> {
    /// Run `job` over a document too long for one request. `on_text` receives the final
    /// answer's text as it streams, in order.
    pub async fn run(
        &self,
        job: &Job,
        prepared: &Prepared,
        doc: &Document,
        on_text: &mut (dyn FnMut(&str) -> Result<()> + Send),
    ) -> Result<LongOutcome> {
        let mut notes = Vec::new();
        let text = self.capped(doc, &mut notes)?;
        let mut out = match job {
            Job::Summarize { .. } => self.summarize(prepared, doc, text, notes, on_text).await,
            Job::Translate { .. } => self.translate(prepared, doc, text, notes, on_text).await,
            Job::Process { .. } => self.process(prepared, doc, text, notes, on_text).await,
        }?;
        if let Ok(mut w) = self.warnings.lock() {
            out.notes.append(&mut w);
        }
        Ok(out)
    }

    /// The document text to work on: all of it, or the prefix `--max-input-tokens` allows.
    fn capped<'d>(&self, doc: &'d Document, notes: &mut Vec<String>) -> Result<&'d str> {
        let Some(cap) = self.settings.max_input_tokens else {
            return Ok(&doc.text);
        };
        let total = self.budget.counter.count(&doc.text);
        if total <= cap {
            return Ok(&doc.text);
        }
        let chunks = split(&doc.text, cap, 0, self.budget)?;
        let Some(first) = chunks.first() else {
            return Ok(&doc.text);
        };
        let kept = &doc.text[..first.end];
        let lines_total = doc.text.lines().count();
        notes.push(format!(
            "--max-input-tokens {cap}: only lines 1–{} of {lines_total} were read (about {} of {total} tokens); the rest of the document was left out",
            first.last_line,
            self.budget.counter.count(kept)
        ));
        Ok(kept)
    }

    async fn summarize(
        &self,
        prepared: &Prepared,
        doc: &Document,
        text: &str,
        mut notes: Vec<String>,
        on_text: &mut (dyn FnMut(&str) -> Result<()> + Send),
    ) -> Result<LongOutcome> {
        let map_t = self.store.load("summarize-chunk")?;
        let reduce_t = self.store.load("summarize-reduce")?;
        let map_vars = declared(&map_t, &prepared.vars);
        let reduce_vars = declared(&reduce_t, &prepared.vars);
        let chunks = self.plan(&map_t, &map_vars, doc, text, self.settings.overlap)?;
        notes.push(format!(
            "{}: {} tokens do not fit one request ({}); summarized in {} parts, then combined",
            doc.name,
            self.budget.counter.count(text),
            self.budget.describe(),
            chunks.len()
        ));
        self.reporter.note(&notes[notes.len() - 1]);
        let parts = self
            .map(&map_t, &map_vars, doc, text, &chunks, "summarizing")
            .await?;
        let outcome = self
            .reduce(&reduce_t, &reduce_vars, doc, parts, on_text)
            .await?;
        Ok(LongOutcome {
            outcome,
            value: None,
            notes,
        })
    }

    async fn translate(
        &self,
        prepared: &Prepared,
        doc: &Document,
        text: &str,
        mut notes: Vec<String>,
        on_text: &mut (dyn FnMut(&str) -> Result<()> + Send),
    ) -> Result<LongOutcome> {
        let t = &prepared.template;
        // The translation is about as long as the source: half the room each way.
        let chunks = self.plan_with(t, &prepared.vars, doc, text, 0, 2)?;
        notes.push(format!(
            "{}: translated in {} parts, in order ({})",
            doc.name,
            chunks.len(),
            self.budget.describe()
        ));
        self.reporter.note(&notes[notes.len() - 1]);
        let bar = self.bar(chunks.len(), "translating", doc);
        let requests = self.requests(t, &prepared.vars, doc, text, &chunks)?;
        let engine = &self.engine;
        let n = chunks.len();
        let results = self.in_order(requests, bar.as_ref(), |i, req| async move {
            let o = super::execute(engine.as_ref(), req, |_| Ok(())).await?;
            check_complete(&o, doc, i, n)?;
            Ok((i, o))
        });
        let mut results = std::pin::pin!(results);
        let mut total = Outcome::default();
        while let Some(r) = results.next().await {
            let (i, o) = r?;
            let mut piece = o.text.trim_end_matches([' ', '\n']).to_string();
            // Keep the source's own break between this part and the next.
            let source = chunks[i].text(text);
            let tail: String = source
                .chars()
                .rev()
                .take_while(|c| c.is_whitespace())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            piece.push_str(&tail);
            on_text(&piece)?;
            total.text.push_str(&piece);
            total.add_usage(&o);
            total.finish_reason = o.finish_reason;
        }
        bar.finish();
        Ok(LongOutcome {
            outcome: total,
            value: None,
            notes,
        })
    }

    async fn process(
        &self,
        prepared: &Prepared,
        doc: &Document,
        text: &str,
        mut notes: Vec<String>,
        on_text: &mut (dyn FnMut(&str) -> Result<()> + Send),
    ) -> Result<LongOutcome> {
        let t = &prepared.template;
        let overlap = match t.combine {
            Combine::Concat => 0,
            _ => self.settings.overlap,
        };
        let chunks = self.plan(t, &prepared.vars, doc, text, overlap)?;
        notes.push(format!(
            "{}: processed in {} parts ({})",
            doc.name,
            chunks.len(),
            self.budget.describe()
        ));
        self.reporter.note(&notes[notes.len() - 1]);
        if prepared.structured {
            let values = self
                .map_structured(t, &prepared.vars, doc, text, &chunks)
                .await?;
            let key = match &t.combine {
                Combine::Merge { key } => key.clone(),
                _ => "value".into(),
            };
            return Ok(LongOutcome {
                outcome: Outcome::default(),
                value: Some(merge_values(values, &key)),
                notes,
            });
        }
        let parts = self
            .map(t, &prepared.vars, doc, text, &chunks, "processing")
            .await?;
        let outcome = match &t.combine {
            Combine::Reduce { template } => {
                let rt = self.store.load(template)?;
                let vars = declared(&rt, &prepared.vars);
                self.reduce(&rt, &vars, doc, parts, on_text).await?
            }
            _ => {
                let joined = parts
                    .iter()
                    .map(|o| o.text.trim_end().to_string())
                    .collect::<Vec<_>>()
                    .join("\n\n")
                    + "\n";
                on_text(&joined)?;
                let mut total = Outcome {
                    text: joined,
                    finish_reason: Some("stop".into()),
                    ..Outcome::default()
                };
                for o in &parts {
                    total.add_usage(o);
                }
                total
            }
        };
        Ok(LongOutcome {
            outcome,
            value: None,
            notes,
        })
    }

    /// Chunks of `text` sized so that `template` rendered around each fits the window.
    fn plan(
        &self,
        template: &Template,
        vars: &BTreeMap<String, String>,
        doc: &Document,
        text: &str,
        overlap: usize,
    ) -> Result<Vec<Chunk>> {
        self.plan_with(template, vars, doc, text, overlap, 1)
    }

    /// As [`Self::plan`], with the room divided by `share` (translation needs as much room for
    /// its answer as for its input).
    fn plan_with(
        &self,
        template: &Template,
        vars: &BTreeMap<String, String>,
        doc: &Document,
        text: &str,
        overlap: usize,
        share: usize,
    ) -> Result<Vec<Chunk>> {
        let empty = Piece {
            name: &doc.name,
            text: "",
            part: 99,
            parts: 99,
            first_line: 99_999,
        };
        let req = super::render_request(template, vars, &empty, self.base)?;
        let overhead = self.budget.messages(&req.messages);
        let reserve = self.budget.reserve(req.params.max_tokens);
        let room = self
            .budget
            .window
            .checked_sub(overhead + reserve)
            .map(|r| r / share.max(1))
            .filter(|&r| r >= 64)
            .ok_or_else(|| {
                Error::DoesNotFit(format!(
                    "{}: the template {:?} alone needs {overhead} tokens plus {reserve} for the answer, but the model's window is {} tokens ({}); use a model with a larger context, raise --ctx-size if the server allows it, or lower --max-tokens",
                    doc.name, template.name, self.budget.window, self.budget.window_source
                ))
            })?;
        split(text, room, overlap.min(room / 4), self.budget)
    }

    fn requests(
        &self,
        template: &Template,
        vars: &BTreeMap<String, String>,
        doc: &Document,
        text: &str,
        chunks: &[Chunk],
    ) -> Result<Vec<ChatRequest>> {
        chunks
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let piece = Piece {
                    name: &doc.name,
                    text: c.text(text),
                    part: i + 1,
                    parts: chunks.len(),
                    first_line: c.first_line,
                };
                super::render_request(template, vars, &piece, self.base)
            })
            .collect()
    }

    /// One request per chunk, `jobs` at a time; results in chunk order. Any failure fails
    /// the whole: a summary of part of a document is not a summary of the document. (Notes
    /// cut at the token limit are not a failure: their complete lines are kept, with a
    /// warning.)
    async fn map(
        &self,
        template: &Template,
        vars: &BTreeMap<String, String>,
        doc: &Document,
        text: &str,
        chunks: &[Chunk],
        what: &str,
    ) -> Result<Vec<Outcome>> {
        let requests = self.requests(template, vars, doc, text, chunks)?;
        let bar = self.bar(requests.len(), what, doc);
        let n = requests.len();
        let engine = &self.engine;
        let out: Vec<Outcome> = self
            .in_order(requests, bar.as_ref(), |i, req| async move {
                let mut o = super::execute(engine.as_ref(), req, |_| Ok(())).await?;
                // Small models write notes until the token limit. What they finished is still
                // notes on the part: keep the complete lines, say so, and go on, rather than
                // fail the whole document for one unfinished line.
                if o.finish_reason.as_deref() == Some("length") {
                    let kept = complete_lines(&o.text).to_string();
                    if kept.trim().is_empty() {
                        check_complete(&o, doc, i, n)?;
                    }
                    o.text = kept;
                    let w = format!(
                        "{}: the notes on part {}/{n} reached the token limit; their unfinished last line is left out",
                        doc.name,
                        i + 1
                    );
                    self.reporter.warn(&w);
                    if let Ok(mut all) = self.warnings.lock() {
                        all.push(w);
                    }
                }
                Ok(o)
            })
            .try_collect()
            .await?;
        bar.finish();
        Ok(out)
    }

    async fn map_structured(
        &self,
        template: &Template,
        vars: &BTreeMap<String, String>,
        doc: &Document,
        text: &str,
        chunks: &[Chunk],
    ) -> Result<Vec<Value>> {
        let requests = self.requests(template, vars, doc, text, chunks)?;
        let bar = self.bar(requests.len(), "extracting", doc);
        let n = requests.len();
        let engine = &self.engine;
        let out: Vec<Value> = self
            .in_order(requests, bar.as_ref(), |i, req| async move {
                let o = super::execute(engine.as_ref(), req.clone(), |_| Ok(())).await?;
                check_complete(&o, doc, i, n)?;
                let (v, _) = super::checked_answer(engine.as_ref(), &req, o, |m| {
                    self.reporter
                        .note(&format!("{} part {}/{n}: {m}", doc.name, i + 1))
                })
                .await?;
                Ok(v)
            })
            .try_collect()
            .await?;
        bar.finish();
        Ok(out)
    }

    /// Combine partial results with `template`, in rounds while they do not fit one request;
    /// the last round streams to `on_text`.
    async fn reduce(
        &self,
        template: &Template,
        vars: &BTreeMap<String, String>,
        doc: &Document,
        parts: Vec<Outcome>,
        on_text: &mut (dyn FnMut(&str) -> Result<()> + Send),
    ) -> Result<Outcome> {
        let mut usage = Outcome::default();
        for p in &parts {
            usage.add_usage(p);
        }
        let mut texts: Vec<String> = parts.into_iter().map(|o| o.text).collect();
        loop {
            let joined = join_parts(&texts);
            let piece = Piece {
                name: &doc.name,
                text: &joined,
                part: 1,
                parts: 1,
                first_line: 1,
            };
            let req = super::render_request(template, vars, &piece, self.base)?;
            let need =
                self.budget.messages(&req.messages) + self.budget.reserve(req.params.max_tokens);
            if need <= self.budget.window || texts.len() == 1 {
                let mut o = super::execute(self.engine.as_ref(), req, |t| on_text(t)).await?;
                o.add_usage(&usage);
                return Ok(o);
            }
            // Too many notes for one request: combine them in groups first.
            let chunks = self.plan(template, vars, doc, &joined, 0)?;
            if chunks.len() >= texts.len() {
                return Err(Error::DoesNotFit(format!(
                    "{}: the partial summaries cannot be combined within the model's window ({} tokens); use a model with a larger context or --length short",
                    doc.name, self.budget.window
                )));
            }
            self.reporter.note(&format!(
                "{}: combining {} partial results in {} groups first",
                doc.name,
                texts.len(),
                chunks.len()
            ));
            let outs = self
                .map(template, vars, doc, &joined, &chunks, "combining")
                .await?;
            for o in &outs {
                usage.add_usage(o);
            }
            texts = outs.into_iter().map(|o| o.text).collect();
        }
    }

    fn bar(&self, n: usize, what: &str, doc: &Document) -> Box<dyn PartsDone> {
        self.reporter.parts(what, "part", &doc.name, n)
    }

    /// Run `each` over the requests, `jobs` at a time, yielding results in request order as
    /// soon as each and all before it are done; `bar` counts finished parts.
    fn in_order<'s, T, Fut>(
        &'s self,
        requests: Vec<ChatRequest>,
        bar: &'s dyn PartsDone,
        each: impl Fn(usize, ChatRequest) -> Fut + 's,
    ) -> impl Stream<Item = Result<T>> + 's
    where
        Fut: Future<Output = Result<T>> + 's,
        T: 's,
    {
        stream::iter(requests.into_iter().enumerate())
            .map(move |(i, req)| {
                let work = each(i, req);
                async move {
                    let r = work.await;
                    if r.is_ok() {
                        bar.done(i + 1);
                    }
                    r
                }
            })
            .buffered(self.settings.jobs.max(1))
    }
}

fn split(text: &str, budget: usize, overlap: usize, b: &Budget) -> Result<Vec<Chunk>> {
    chunk::split(text, budget, overlap, b.counter.as_ref())
        .map_err(|e| Error::DoesNotFit(format!("cannot split the document: {e}")))
}

/// Only the variables `template` declares (summarize's `--length` reaches both the map and
/// the reduce template, each taking what it knows).
fn declared(template: &Template, vars: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    vars.iter()
        .filter(|(k, _)| template.variables.iter().any(|d| &d.name == *k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn join_parts(texts: &[String]) -> String {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| format!("[Part {}]\n{}", i + 1, t.trim()))
        .collect::<Vec<_>>()
        .join("\n\n")
        + "\n"
}

/// `text` up to the end of its last complete line (empty when it has none).
fn complete_lines(text: &str) -> &str {
    text.rfind('\n').map_or("", |end| &text[..end])
}

fn check_complete(o: &Outcome, doc: &Document, i: usize, n: usize) -> Result<()> {
    if o.finish_reason.as_deref() == Some("length") {
        return Err(Error::Truncated(format!(
            "{}: the answer for part {}/{n} reached the token limit and is incomplete; raise --max-tokens or lower --ctx-size so parts are smaller",
            doc.name,
            i + 1
        )));
    }
    Ok(())
}

/// Merge the JSON results of the parts: arrays under the same key are concatenated, and
/// objects in them with an equal `key` field (compared without case) are kept once.
pub fn merge_values(values: Vec<Value>, key: &str) -> Value {
    let mut out = serde_json::Map::new();
    let mut seen: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for v in values {
        let Value::Object(obj) = v else { continue };
        for (k, item) in obj {
            match item {
                Value::Array(items) => {
                    let slot = out
                        .entry(k.clone())
                        .or_insert_with(|| Value::Array(Vec::new()));
                    let seen = seen.entry(k.clone()).or_default();
                    if let Value::Array(list) = slot {
                        for it in items {
                            let id = match it.get(key) {
                                Some(Value::String(s)) => s.trim().to_lowercase(),
                                Some(other) => other.to_string(),
                                None => it.to_string(),
                            };
                            if seen.insert(id) {
                                list.push(it);
                            }
                        }
                    }
                }
                other => {
                    out.entry(k).or_insert(other);
                }
            }
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merged_parts_keep_each_item_once_in_order() {
        let a = json!({"people": [{"value": "Anna", "line": 1}], "phones": [], "note": "x"});
        let b = json!({"people": [{"value": "anna ", "line": 40}, {"value": "Jan"}], "phones": [{"value": "1"}], "note": "y"});
        let m = merge_values(vec![a, b], "value");
        assert_eq!(
            m,
            json!({"people": [{"value": "Anna", "line": 1}, {"value": "Jan"}], "phones": [{"value": "1"}], "note": "x"})
        );
    }

    #[test]
    fn parts_are_labelled_in_order() {
        assert_eq!(
            join_parts(&["- a\n".into(), "- b".into()]),
            "[Part 1]\n- a\n\n[Part 2]\n- b\n"
        );
    }
}
