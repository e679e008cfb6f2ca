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
}

impl Context {
    pub fn new(global: GlobalOpts, term: Terminal) -> Result<Self> {
        let config = config::resolve(&global)?;
        let status = Status::new(global.quiet, global.verbose, term.stderr_color());
        let feedback = Feedback::new(status.clone(), term.stderr);
        let store = TemplateStore::new(global.template_dir.clone());
        Ok(Self {
            config,
            status,
            feedback,
            store,
            global,
            term,
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
        if let Some(log) = crate::audit::log() {
            choice.engine = Arc::new(crate::engine::audited::Audited::new(choice.engine, log));
        }
        Ok(choice)
    }

    /// Reads one input and records its fingerprint in the audit log: every document a run
    /// reads, on the command line or in the REPL, comes through here. The bytes are hashed as
    /// read, before decoding, and only when the log is on.
    pub fn read_input(&self, input: &Input) -> Result<Document> {
        let raw = crate::source::read_input(input, self.config.settings.max_input_bytes)?;
        let print = crate::audit::log().map(|_| crate::audit::fingerprint(&raw.bytes));
        let doc = crate::source::decode(&raw.name, raw.path, raw.bytes)?;
        if let Some(print) = print {
            crate::audit::record_input(&doc, print);
        }
        Ok(doc)
    }

    /// Requests in flight at once: what the user asked, else what the engine is good at (a
    /// server has slots; the in-process model runs one request at a time).
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
        p
    }
}
