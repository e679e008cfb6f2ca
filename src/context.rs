//! Everything a run resolves once at start-up — settings, templates, the terminal, how to tell
//! the user things — and what follows from it for the engine and the task pipeline. Both
//! front ends (the one-shot commands in `cmd` and the REPL) start from a [`Context`].

use crate::cli::GlobalOpts;
use crate::config::{self, Resolved};
use crate::engine::Engine;
use crate::engine::GenParams;
use crate::engine::choose::Choice;
use crate::error::Result;
use crate::sink::{Feedback, Status, Terminal};
use crate::source::{Document, Input};
use crate::task::answer::Pipeline;
use crate::task::longdoc;
use crate::template::TemplateStore;
use std::sync::Arc;

pub struct Context {
    pub config: Resolved,
    pub status: Status,
    /// Status lines plus progress bars (on a terminal without `-q`).
    pub feedback: Feedback,
    pub store: TemplateStore,
    pub global: GlobalOpts,
    pub term: Terminal,
    /// How inputs are read (`--encoding`, `--attachments`).
    pub read: crate::source::Options,
}

impl Context {
    pub fn new(global: GlobalOpts, term: Terminal) -> Result<Self> {
        let config = config::resolve(&global)?;
        crate::audit::configure(crate::audit::Settings {
            max_bytes: config.settings.audit_max_bytes,
            allow_off: config.policy.allow_audit_off,
        });
        crate::audit::note_fact("network", config.policy.network.name().into());
        let status = Status::new(global.quiet, global.verbose, term.stderr_color());
        let feedback = Feedback::new(status.clone(), term.stderr);
        let store = TemplateStore::new(global.template_dir.clone());
        let read = crate::source::Options {
            encoding: match &config.settings.encoding {
                Some(label) => Some(crate::source::Options::encoding_from_label(label).map_err(
                    |e| crate::error::Error::Config {
                        file: config.source_of("encoding").to_string(),
                        reason: e.to_string(),
                    },
                )?),
                None => None,
            },
            attachments: config.settings.attachments,
        };
        Ok(Self {
            config,
            status,
            feedback,
            store,
            global,
            term,
            read,
        })
    }

    pub fn base_params(&self) -> GenParams {
        let s = &self.config.settings;
        GenParams {
            model: s.model.clone(),
            temperature: s.temperature,
            top_p: s.top_p,
            max_tokens: s.max_tokens,
            seed: s.seed,
            stop: Vec::new(),
        }
    }

    /// The engine to run, wrapped so that every request it answers is in the audit log.
    pub fn choose_engine(&self) -> Result<Choice> {
        // A local model takes seconds to load: show that something is happening.
        let mut spinner = self.feedback.spinner("starting the engine…");
        let mut choice = crate::engine::choose::choose(&self.config, self.status.verbose)?;
        spinner.stop();
        for note in &choice.notes {
            self.status.warn(note);
        }
        // Audit inside redaction: the log fingerprints what actually left and came back.
        if let Some(log) = crate::audit::log() {
            choice.engine = Arc::new(crate::engine::audited::Audited::new(choice.engine, log));
        }
        if let Some(redacted) = self.redacted(&choice.engine)? {
            choice.engine = redacted;
        }
        Ok(choice)
    }

    /// `engine` wrapped in redaction when this run asks for it (`--redact`, `redact = true`,
    /// `--redact-terms`) or the agency policy does for non-loopback endpoints, and the text
    /// would leave this process at all.
    fn redacted(&self, engine: &Arc<dyn Engine>) -> Result<Option<Arc<dyn Engine>>> {
        let s = &self.config.settings;
        let Some(endpoint) = engine.endpoint() else {
            return Ok(None);
        };
        let remote = !crate::policy::is_loopback_url(&endpoint);
        let wanted =
            s.redact || s.redact_terms.is_some() || (self.config.policy.redact_remote && remote);
        if !wanted {
            return Ok(None);
        }
        let terms = match &s.redact_terms {
            Some(file) => {
                let path = std::path::PathBuf::from(file);
                let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => crate::Error::InputNotFound { path },
                    _ => crate::Error::InputUnreadable { path, source: e },
                })?;
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_string)
                    .collect()
            }
            None => Vec::new(),
        };
        let status = self.status.clone();
        let notify: crate::engine::redacted::Notify = Arc::new(move |m: &str| status.warn(m));
        self.status.note(&format!(
            "redacting personal data before requests to {endpoint} ({} extra terms)",
            terms.len()
        ));
        // That it happened, never what was replaced.
        crate::audit::note_fact(
            "redaction",
            serde_json::json!({ "on": true, "extra_terms": terms.len() }),
        );
        Ok(Some(Arc::new(crate::engine::redacted::Redacted::new(
            engine.clone(),
            terms,
            &s.region,
            notify,
        ))))
    }

    /// Reads one input and records its fingerprint in the audit log: every document a run
    /// reads, on the command line or in the REPL, comes through here. The bytes are hashed as
    /// read, before decoding, and only when the log is on.
    pub fn read_input(&self, input: &Input) -> Result<Document> {
        let opts = crate::source::Options {
            attachments: false,
            ..self.read
        };
        let mut docs = self.read_with(input, &opts)?;
        Ok(docs.remove(0))
    }

    /// Like [`Self::read_input`], followed by the input's attachments when `--attachments`
    /// asked for them.
    pub fn read_documents(&self, input: &Input) -> Result<Vec<Document>> {
        self.read_with(input, &self.read)
    }

    fn read_with(&self, input: &Input, opts: &crate::source::Options) -> Result<Vec<Document>> {
        let raw = crate::source::read_input(input, self.config.settings.max_input_bytes)?;
        let print = crate::audit::log().map(|_| crate::audit::fingerprint(&raw.bytes));
        let docs = crate::source::decode_with(&raw.name, raw.path, raw.bytes, opts)?;
        for doc in &docs {
            if let Some(print) = &print {
                crate::audit::record_input(doc, print.clone());
            }
            self.status.verbose(&format!(
                "{}: read as {}{}, {} lines",
                doc.name,
                doc.format,
                doc.encoding
                    .as_deref()
                    .map(|e| format!(", encoding {e}"))
                    .unwrap_or_default(),
                doc.text.lines().count()
            ));
        }
        Ok(docs)
    }

    /// The inputs named, with directories replaced by the files in them (`--recursive`:
    /// and their subdirectories); skipped files are noted on stderr.
    pub fn expand_inputs(&self, inputs: Vec<Input>) -> Result<Vec<Input>> {
        let status = &self.status;
        crate::source::expand_dirs(inputs, self.global.recursive, &mut |n| status.note(&n))
    }

    /// Requests in flight at once: what the user asked, else what the engine is good at (a
    /// server has slots; the in-process model decodes the requests waiting together).
    pub fn jobs_for(&self, engine: &dyn Engine) -> usize {
        let serves = engine.capabilities().parallel_requests.max(1);
        match self.global.jobs {
            Some(n) if n > 1 && serves == 1 => {
                self.status.note(&format!(
                    "the {} engine runs one request at a time; --jobs is ignored",
                    engine.name()
                ));
                1
            }
            Some(n) => n.max(1),
            None => serves,
        }
    }

    /// The per-document pipeline over `engine`, with this run's settings; `jobs` as
    /// [`Self::jobs_for`] said.
    pub fn pipeline(&self, engine: Arc<dyn Engine>, jobs: usize) -> Pipeline<'_> {
        let long = longdoc::Settings {
            jobs,
            overlap: self.global.overlap,
            max_input_tokens: self.global.max_input_tokens,
        };
        let mut p = Pipeline::new(
            engine,
            &self.store,
            self.base_params(),
            self.config.settings.region.clone(),
            long,
            self.config.settings.ctx_size,
        );
        p.summary_mode = self.config.settings.summary_mode;
        p.segment_tokens = self.config.settings.segment_tokens;
        p
    }
}
