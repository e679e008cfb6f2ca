//! Documents in a session: attaching them, and running `/summarize`, `/translate` and
//! `/process` over them through the same task pipeline as the one-shot commands.

use super::*;

impl Repl<'_> {
    pub(super) fn load(&self, arg: &str) -> Result<Document> {
        if arg == "-" {
            return Err(Error::Usage(
                "stdin is the conversation here; give a file path".into(),
            ));
        }
        let doc = self.ctx.read_input(&Input::File(expand_home(arg)))?;
        for w in &doc.warnings {
            self.status.warn(w);
        }
        Ok(doc)
    }

    /// The model's budget; `sample` (a document) calibrates the count against a server's
    /// tokenizer when the budget is worked out now.
    pub(super) fn token_budget(&mut self, sample: &str) -> Arc<Budget> {
        if let Some(b) = &self.budget {
            return b.clone();
        }
        let ctx_size = self
            .context_override
            .and_then(|c| u32::try_from(c).ok())
            .or(self.ctx.config.settings.ctx_size);
        let work = crate::task::budget::for_engine(self.engine.clone(), ctx_size, sample);
        let b = Arc::new(self.runtime.block_on(work));
        self.status.verbose(&b.describe());
        self.budget = Some(b.clone());
        b
    }

    pub(super) fn count(&mut self, text: &str) -> usize {
        self.token_budget(text).counter.count(text) + session::MESSAGE_OVERHEAD
    }

    pub(super) fn attach(&mut self, arg: &str) -> Result<()> {
        let doc = self.load(arg)?;
        let tokens = self.count(&doc.text);
        let lines = doc.text.lines().count();
        let name = doc.name.clone();
        let replaced = self.session.attach(Attached::new(doc, tokens));
        self.status.note(&format!(
            "{} {name}: {lines} lines, ~{tokens} tokens",
            if replaced { "reloaded" } else { "attached" }
        ));
        let total: usize = self.session.docs.iter().map(|a| a.tokens).sum();
        let (budget, _) = self.budget();
        if total > budget && self.engine.capabilities().language_model {
            self.status.note(&format!(
                "the attached documents (~{total} tokens) exceed what the model can take in a chat turn \
                 (~{budget}); chat will use summaries of the longest ones (/summarize and /process read them whole)"
            ));
        }
        Ok(())
    }

    /// Documents for a task command: the paths given, else every attached document.
    pub(super) fn task_docs(&self, paths: &[String]) -> Result<Vec<Document>> {
        if paths.is_empty() {
            if self.session.docs.is_empty() {
                return Err(Error::Usage(
                    "no document: give a PATH, or attach one first with /file PATH".into(),
                ));
            }
            return Ok(self.session.docs.iter().map(|a| a.doc.clone()).collect());
        }
        paths.iter().map(|p| self.load(p)).collect()
    }

    /// Run a task over documents the way the one-shot commands do; one failing document does
    /// not stop the others.
    pub(super) fn run_job(&mut self, job: &Job, docs: Vec<Document>, label: &str) -> Result<()> {
        let several = docs.len() > 1;
        let mut first_err = None;
        for doc in &docs {
            if several {
                out(&format!("==> {} <==\n", doc.name))?;
            }
            match self.run_task(job, doc, &format!("{label} {}", doc.name)) {
                Ok(()) => {}
                Err(Error::Interrupted) => return Err(Error::Interrupted),
                Err(e) if several => self.fail(Error::Usage(format!("{}: {e}", doc.name))),
                Err(e) => first_err = Some(e),
            }
        }
        first_err.map_or(Ok(()), Err)
    }

    pub(super) fn run_task(&mut self, job: &Job, doc: &Document, label: &str) -> Result<()> {
        let (res, shown) = self.answer(job, doc, true);
        let answer = match res {
            Ok(a) => a,
            Err(e) => {
                if !shown.is_empty() {
                    self.session.note(
                        Who::Command,
                        format!("{label}\n\n{shown}\n\n*(incomplete)*"),
                    );
                }
                return Err(e);
            }
        };
        if !answer.unverified.is_empty() && !self.ctx.config.settings.best_effort {
            // Flagged on stderr already; a scripted session also says so in its exit code.
            self.first_error
                .get_or_insert(crate::error::exit::UNVERIFIED);
        }
        let answer = match (&answer.report, &answer.value) {
            (Some(report), _) => {
                let text = crate::extract::render::text(report);
                out(&text)?;
                text
            }
            (None, Some(v)) => {
                let text = serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
                out(&text)?;
                text
            }
            (None, None) => answer.outcome.text,
        };
        self.session
            .note(Who::Command, format!("{label}\n\n{answer}"));
        // Kept in memory too, so the next question can build on the result.
        let user = format!("(The analyst ran {label}; the result follows.)");
        let tokens = self.count(&user) + self.count(&answer);
        self.session.memory.push(Turn {
            user,
            assistant: answer.clone(),
            tokens,
        });
        self.session.last_answer = Some(answer);
        Ok(())
    }

    /// Tokens available for system prompt, documents and conversation, and whether the
    /// context size is known rather than assumed.
    pub(super) fn budget(&mut self) -> (usize, bool) {
        let b = self.token_budget("");
        let reserve = b
            .reserve(self.ctx.config.settings.max_tokens)
            .min(b.window / 2);
        (b.window - reserve, !b.assumed)
    }

    /// Run a task through the same pipeline as the one-shot commands: one request when the
    /// document fits the model, else in parts that are then combined. Text answers stream to
    /// stdout when `stream`. Also returns the text shown, which is all there is after a failure.
    pub(super) fn answer(
        &mut self,
        job: &Job,
        doc: &Document,
        stream: bool,
    ) -> (Result<Answer>, String) {
        let mut pipeline = self
            .ctx
            .pipeline(self.engine.clone(), self.jobs)
            .keeping_budget(self.budget.clone());
        pipeline.ctx_size = self
            .context_override
            .and_then(|c| u32::try_from(c).ok())
            .or(self.ctx.config.settings.ctx_size);
        let feedback = &self.ctx.feedback;
        let interrupts = &mut self.interrupts;
        let mut shown = String::new();
        let mut waiting = feedback.spinner(&format!("{}: reading…", doc.name));
        let res = {
            let shown = &mut shown;
            let waiting = &mut waiting;
            let mut on_text = |t: &str, live: bool| {
                waiting.stop();
                if live {
                    keep_and_show(shown, t, stream)
                } else {
                    Ok(())
                }
            };
            let work = pipeline.answer(job, doc, &mut on_text, feedback);
            self.runtime.block_on(interruptible(interrupts, work))
        };
        waiting.stop();
        if let Some(b) = pipeline.budget() {
            self.budget = Some(b);
        }
        if stream && !shown.is_empty() && !shown.ends_with('\n') {
            let _ = out("\n");
        }
        (res, shown)
    }

    /// Replace the longest attached documents by summaries until `fixed` (everything but
    /// conversation memory) fits `budget`; `None` when even that is not enough.
    pub(super) fn fit_documents(
        &mut self,
        mut fixed: usize,
        budget: usize,
    ) -> Result<Option<usize>> {
        while fixed > budget {
            let Some(i) = (0..self.session.docs.len())
                .filter(|&i| self.session.docs[i].digest.is_none())
                .max_by_key(|&i| self.session.docs[i].tokens)
            else {
                return Ok(None);
            };
            let digest = self.digest(i, budget)?;
            let a = &mut self.session.docs[i];
            fixed = fixed - a.tokens + digest.tokens;
            self.status.warn(&format!(
                "{} (~{} tokens) does not fit the chat next to the rest (~{budget} tokens available); \
                 the conversation uses its summary (~{} tokens) instead — ask /summarize or /process \
                 for the whole text",
                a.doc.name, a.tokens, digest.tokens
            ));
            a.digest = Some(digest);
        }
        Ok(Some(fixed))
    }

    /// A summary of attached document `i` to stand in for it in chat, through the same
    /// summarize task as `/summarize` (in parts when the document is long).
    pub(super) fn digest(&mut self, i: usize, budget: usize) -> Result<Digest> {
        let doc = self.session.docs[i].doc.clone();
        self.status.note(&format!(
            "summarizing {} for the conversation (~{} tokens, more than fits)",
            doc.name, self.session.docs[i].tokens
        ));
        let job = Job::Summarize {
            length: Length::Long,
            format: "text".into(),
            lang: None,
        };
        let (res, _) = self.answer(&job, &doc, false);
        let outcome = res?.outcome;
        let tokens = self.count(&outcome.text);
        if tokens >= self.session.docs[i].tokens || tokens > budget {
            return Err(Error::BadInput {
                name: doc.name,
                reason: format!(
                    "too long to chat about: even its summary (~{tokens} tokens) does not fit \
                     (~{budget} available); /drop it and use /summarize or /process on it"
                ),
            });
        }
        Ok(Digest {
            text: outcome.text,
            tokens,
        })
    }
}
