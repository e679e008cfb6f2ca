//! Tasks: turn a document and a job into engine requests, run them, and shape the result.
//! Tasks know templates and engines' capabilities, nothing about terminals or HTTP.

pub mod answer;
pub mod budget;
mod check;
pub mod chunk;
pub mod longdoc;
pub mod repetition;
pub mod report;
pub mod summary;
pub mod translate;

pub use check::{check_answer, checked_answer, parse_json_answer, repair_messages};

use crate::engine::{ChatRequest, Engine, Event, GenParams, Intent, Length};
use crate::error::{Error, Result};
use crate::source::Document;
use crate::template::{Output, Template, TemplateStore};
use minijinja::Value as JinjaValue;
use std::collections::BTreeMap;
use tokio::sync::mpsc;

/// What the user asked for, independent of input and engine.
#[derive(Debug, Clone)]
pub enum Job {
    Summarize {
        length: Length,
        format: String,
        lang: Option<String>,
    },
    Translate {
        to: String,
        from: Option<String>,
        glossary: Option<String>,
    },
    Process {
        template: TemplateRef,
        vars: BTreeMap<String, String>,
        /// Show payment card numbers in entity reports in full.
        unmask_cards: bool,
    },
}

#[derive(Debug, Clone)]
pub enum TemplateRef {
    Named(String),
    /// An ad-hoc instruction from `--prompt`.
    Inline(String),
}

impl Job {
    /// Short name used in output file names and JSON records.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::Summarize { .. } => "summary",
            Job::Translate { .. } => "translation",
            Job::Process { .. } => "result",
        }
    }
}

/// A request ready to run, with what is needed to report on it.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub template: Template,
    /// Template variables as resolved for this job, for rendering parts of long documents.
    pub vars: BTreeMap<String, String>,
    pub request: ChatRequest,
    /// The answer must be JSON (schema template or entity extraction).
    pub structured: bool,
    /// Whether the engine is asked at all; the built-in engine leaves extraction templates
    /// to the deterministic extractors alone.
    pub model_call: bool,
    /// For extraction templates (`builtin: extract`): the pattern kinds to run (empty = all).
    /// The result is an entity report (`crate::extract`) merging patterns and the model.
    pub extraction: Option<Vec<crate::text::entity::EntityKind>>,
    /// Things the user must know about how this will run: the answer will not be what was
    /// asked for in some way (stderr, even with `-q`).
    pub notes: Vec<String>,
    /// Things worth knowing that do not change the answer (stderr, hidden by `-q`).
    pub info: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub text: String,
    pub finish_reason: Option<String>,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    /// Of the prompt tokens, those not read again (see [`Event::Usage`]).
    pub cached_tokens: Option<u64>,
}

impl Outcome {
    /// Adds another request's token counts: a task of several requests (parts, segments)
    /// reports their sum.
    pub fn add_usage(&mut self, o: &Outcome) {
        fn add(total: &mut Option<u64>, n: Option<u64>) {
            if let Some(n) = n {
                *total = Some(total.unwrap_or(0) + n);
            }
        }
        add(&mut self.prompt_tokens, o.prompt_tokens);
        add(&mut self.completion_tokens, o.completion_tokens);
        add(&mut self.cached_tokens, o.cached_tokens);
    }
}

const INLINE_TEMPLATE: &str = "---\ndescription: ad-hoc instruction from --prompt\nvariables:\n  instruction: { required: true }\n---\n[system]\nYou are a careful assistant for police analysts. Follow the instruction using only the document. Keep names, numbers and dates exactly as written; do not invent facts.\n[user]\n{{ instruction }}\n\n<document>\n{{ input }}\n</document>\n";

pub fn prepare(
    job: &Job,
    doc: &Document,
    store: &TemplateStore,
    engine: &dyn Engine,
    base: &GenParams,
) -> Result<Prepared> {
    let (template, mut vars) = match job {
        Job::Summarize {
            length,
            format,
            lang,
        } => {
            let mut v = BTreeMap::new();
            v.insert("length".into(), length_name(*length).into());
            v.insert("format".into(), format.clone());
            v.insert("lang".into(), lang.clone().unwrap_or_default());
            (store.load("summarize")?, v)
        }
        Job::Translate { to, from, glossary } => {
            // Refuse an unknown language before anything runs, with a suggestion.
            translate::language_arg(to, "--to")?;
            if let Some(f) = from.as_deref().filter(|f| !f.is_empty()) {
                translate::language_arg(f, "--from")?;
            }
            let mut v = BTreeMap::new();
            v.insert("to".into(), to.clone());
            v.insert("from".into(), from.clone().unwrap_or_default());
            v.insert("glossary".into(), glossary.clone().unwrap_or_default());
            (store.load("translate")?, v)
        }
        Job::Process {
            template: TemplateRef::Named(name),
            vars,
            ..
        } => (store.load(name)?, vars.clone()),
        Job::Process {
            template: TemplateRef::Inline(instruction),
            vars,
            ..
        } => {
            let t = Template::from_source(
                "prompt",
                crate::template::Origin::Builtin,
                "--prompt",
                INLINE_TEMPLATE,
            )?;
            let mut v = vars.clone();
            v.insert("instruction".into(), instruction.clone());
            (t, v)
        }
    };
    // Variables ava supplies for its own commands are passed only where a (possibly
    // user-overridden) template declares them; `--var` values are always checked.
    if !matches!(job, Job::Process { .. }) {
        vars.retain(|k, _| template.variables.iter().any(|d| &d.name == k));
    }
    // Without a language model nobody reads a prompt. The template is still rendered, so a
    // wrong or missing variable is the same error on every engine, but over an empty input,
    // and the request carries no messages: the built-in engine reads the document itself,
    // shared through the intent, and a large document is not copied into a prompt for nothing.
    let language_model = engine.capabilities().language_model;
    let whole = Piece::whole(doc);
    let piece = if language_model {
        whole
    } else {
        Piece { text: "", ..whole }
    };
    let mut request = render_request(&template, &vars, &piece, base)?;
    if !language_model {
        request.messages.clear();
    }
    let structured_schema = request.schema.clone();
    let mut notes = Vec::new();
    let mut info = Vec::new();
    let intent = if !language_model {
        builtin_intent(job, &template, doc, &mut notes, &mut info)?
    } else {
        Some(Intent::Chat)
    };
    let extraction =
        (template.builtin.as_deref() == Some("extract")).then(|| template.patterns.clone());
    let structured = structured_schema.is_some() || extraction.is_some();
    Ok(Prepared {
        model_call: intent.is_some(),
        request: ChatRequest {
            intent: intent.unwrap_or_default(),
            ..request
        },
        template,
        vars,
        structured,
        extraction,
        notes,
        info,
    })
}

impl Prepared {
    /// For extraction templates, the entity report over the whole document: the deterministic
    /// extractors plus `model` (the schema-checked model answer, if a model took part).
    pub fn entity_report(
        &self,
        doc: &Document,
        region: &str,
        unmask_cards: bool,
        model: Option<&serde_json::Value>,
    ) -> Option<crate::extract::Report> {
        let kinds = self.extraction.as_ref()?;
        let opts = crate::extract::Options {
            kinds: kinds.clone(),
            region: region.to_string(),
            unmask_cards,
        };
        let mut report = crate::extract::build(&doc.text, &opts, model);
        report.locate_in_file(|s, e| doc.file_span(s, e));
        Some(report)
    }
}

impl Prepared {
    /// For templates that declare `ground:` fields, mark every record of the answer with
    /// whether its values occur in the document (see [`crate::extract::records`]). Returns
    /// the notice to give when some do not.
    pub fn ground_records(
        &self,
        doc: &Document,
        region: &str,
        value: &mut serde_json::Value,
    ) -> Option<String> {
        let n = crate::extract::records::ground(&doc.text, value, &self.template.ground, region);
        (n > 0).then(|| {
            format!(
                "{n} record(s) contain values that do not occur in the document; they are marked \"grounded\": false with the values under \"not_in_source\""
            )
        })
    }
}

/// The text a request is about: a whole document, or one part of a long one.
#[derive(Debug, Clone, Copy)]
pub struct Piece<'a> {
    pub name: &'a str,
    pub text: &'a str,
    /// 1-based number of this part, and how many parts there are.
    pub part: usize,
    pub parts: usize,
    /// Line of the source document on which `text` starts.
    pub first_line: usize,
}

impl<'a> Piece<'a> {
    pub fn whole(doc: &'a Document) -> Self {
        Self {
            name: &doc.name,
            text: &doc.text,
            part: 1,
            parts: 1,
            first_line: 1,
        }
    }
}

/// Render `template` over one piece of text into a request for a model engine.
pub fn render_request(
    template: &Template,
    vars: &BTreeMap<String, String>,
    piece: &Piece<'_>,
    base: &GenParams,
) -> Result<ChatRequest> {
    let mut builtins = BTreeMap::new();
    builtins.insert("input".to_string(), JinjaValue::from(piece.text));
    builtins.insert("filename".to_string(), JinjaValue::from(piece.name));
    builtins.insert("part".to_string(), JinjaValue::from(piece.part));
    builtins.insert("parts".to_string(), JinjaValue::from(piece.parts));
    builtins.insert("first_line".to_string(), JinjaValue::from(piece.first_line));
    let rendered = template.render(vars, &builtins)?;
    let mut params = template.params.clone();
    merge_params(&mut params, base);
    Ok(ChatRequest {
        messages: rendered.messages(),
        params,
        schema: match &template.output {
            Output::Schema(s) => Some(s.clone()),
            Output::Text => None,
        },
        intent: Intent::Chat,
    })
}

/// The built-in engine has no model: it can answer only what a template says it can do
/// deterministically. Everything else is refused here, naming what would be needed.
/// `None`: the task's own deterministic part is the whole answer; the engine is not called.
fn builtin_intent(
    job: &Job,
    t: &Template,
    doc: &Document,
    notes: &mut Vec<String>,
    info: &mut Vec<String>,
) -> Result<Option<Intent>> {
    match (job, t.builtin.as_deref()) {
        (Job::Translate { .. }, _) => Ok(Some(Intent::Translate)),
        (
            &Job::Summarize {
                length,
                ref format,
                ref lang,
            },
            Some("summarize"),
        ) => {
            if lang.as_deref().is_some_and(|l| !l.is_empty()) {
                notes.push("the built-in engine cannot translate: the summary stays in the document's language".into());
            }
            if format != "text" {
                notes.push(format!("the built-in engine writes plain extractive summaries; --format {format} needs a model"));
            }
            Ok(Some(Intent::Summarize {
                text: doc.text.clone(),
                first_line: 1,
                length,
            }))
        }
        (_, Some("summarize")) => Ok(Some(Intent::Summarize {
            text: doc.text.clone(),
            first_line: 1,
            length: Length::Medium,
        })),
        (_, Some("extract")) => {
            // Say what is missing only where the template asks for more than patterns find.
            let model_only: Vec<&str> = match &t.output {
                Output::Schema(s) => s
                    .get("properties")
                    .and_then(|p| p.as_object())
                    .map(|p| {
                        p.keys()
                            .map(String::as_str)
                            .filter(|c| crate::extract::needs_model(c))
                            .collect()
                    })
                    .unwrap_or_default(),
                Output::Text => Vec::new(),
            };
            if !model_only.is_empty() {
                info.push(format!(
                    "no model: only pattern-checked identifiers are extracted; {} need a model",
                    model_only.join(", ")
                ));
            }
            Ok(None)
        }
        _ => Err(Error::EngineUnavailable(format!(
            "template {:?} needs a language model; the built-in engine can only run `summarize` and the \
             deterministic templates (see `ava templates list`). Install a model with `ava models import FILE.gguf` \
             or configure a server with --base-url",
            t.name
        ))),
    }
}

fn length_name(l: Length) -> &'static str {
    match l {
        Length::Short => "short",
        Length::Medium => "medium",
        Length::Long => "long",
    }
}

/// Command-line and config values override the template's own parameters.
pub fn merge_params(p: &mut GenParams, base: &GenParams) {
    if base.model.is_some() {
        p.model = base.model.clone();
    }
    if base.temperature.is_some() {
        p.temperature = base.temperature;
    }
    if base.top_p.is_some() {
        p.top_p = base.top_p;
    }
    if base.max_tokens.is_some() {
        p.max_tokens = base.max_tokens;
    }
    if base.seed.is_some() {
        p.seed = base.seed;
    }
    if !base.stop.is_empty() {
        p.stop = base.stop.clone();
    }
}

/// Run one request, handing each piece of text to `on_text` as it arrives.
/// On error, whatever was already handed over stays with the caller. An answer that starts
/// repeating itself is stopped there ([`Error::Repetition`]): reading no further makes the
/// engine stop generating.
pub async fn execute(
    engine: &dyn Engine,
    req: ChatRequest,
    mut on_text: impl FnMut(&str) -> Result<()>,
) -> Result<Outcome> {
    // Only a language model can loop; the built-in engine's answer is the document's own
    // sentences, and a second copy of a large document costs memory for nothing.
    let mut guard = engine.capabilities().language_model.then(|| {
        let source: Vec<&str> = req.messages.iter().map(|m| m.content.as_str()).collect();
        repetition::LoopGuard::new(&source.join("\n"))
    });
    let (tx, mut rx) = mpsc::channel(256);
    let run = engine.stream(req, tx);
    tokio::pin!(run);
    let mut out = Outcome::default();
    let mut finished: Option<Result<()>> = None;
    loop {
        tokio::select! {
            ev = rx.recv() => match ev {
                Some(Event::Text(t)) => {
                    if let Some(l) = guard.as_mut().and_then(|g| g.push(&t)) {
                        return Err(Error::Repetition(format!(
                            "the model started repeating itself ({}) and was stopped",
                            l.describe()
                        )));
                    }
                    on_text(&t)?;
                    out.text.push_str(&t);
                }
                Some(Event::Usage { prompt_tokens, completion_tokens, cached_tokens }) => {
                    out.prompt_tokens = Some(prompt_tokens);
                    out.completion_tokens = Some(completion_tokens);
                    out.cached_tokens = Some(cached_tokens);
                }
                Some(Event::Done { finish_reason }) => out.finish_reason = finish_reason,
                None => break,
            },
            r = &mut run, if finished.is_none() => finished = Some(r),
        }
    }
    match finished {
        Some(r) => r?,
        None => run.await?,
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_template_params() {
        let mut p = GenParams {
            temperature: Some(0.2),
            max_tokens: Some(100),
            ..Default::default()
        };
        merge_params(
            &mut p,
            &GenParams {
                max_tokens: Some(7),
                ..Default::default()
            },
        );
        assert_eq!(p.temperature, Some(0.2));
        assert_eq!(p.max_tokens, Some(7));
    }
}
