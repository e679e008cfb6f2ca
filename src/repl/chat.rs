//! Free text: a chat turn about the attached documents, kept within the model's window.

use super::*;

impl Repl<'_> {
    pub(super) fn chat(&mut self, text: &str) -> Result<()> {
        if !self.engine.capabilities().language_model {
            return Err(Error::EngineUnavailable(
                "the built-in engine has no language model, so it cannot chat; use /summarize or \
                 /process entities, or switch with /engine openai|local"
                    .into(),
            ));
        }
        let template = self.ctx.store.load("chat")?;
        let names: Vec<&str> = self
            .session
            .docs
            .iter()
            .map(|a| a.doc.name.as_str())
            .collect();
        let mut builtins = BTreeMap::new();
        builtins.insert("input".to_string(), JinjaValue::from(text));
        builtins.insert("filename".to_string(), JinjaValue::from(names.join(", ")));
        builtins.insert("part".to_string(), JinjaValue::from(1));
        builtins.insert("parts".to_string(), JinjaValue::from(1));
        let rendered = template.render(&BTreeMap::new(), &builtins)?;
        let doc_tokens: usize = self.session.docs.iter().map(|a| a.chat_tokens()).sum();
        let fixed = self.count(&rendered.system) + doc_tokens + self.count(&rendered.user);
        let (budget, known) = self.budget();
        let fixed = self.fit_documents(fixed, budget)?.unwrap_or(fixed);
        let docs = self.session.documents_block();
        let system = [rendered.system.trim(), docs.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n");
        let costs: Vec<usize> = self.session.memory.iter().map(|t| t.tokens).collect();
        let Some(drop) = session::turns_to_drop(fixed, &costs, budget) else {
            return Err(Error::BadInput {
                name: "chat".into(),
                reason: format!(
                    "the attached documents (summarized where too long) and this message need ~{fixed} tokens, \
                     more than the ~{budget} the model can take{}; /drop a document",
                    if known {
                        ""
                    } else {
                        " (assumed; /set context N if it takes more)"
                    }
                ),
            });
        };
        if drop > 0 {
            self.session.memory.drain(..drop);
            self.status.warn(&format!(
                "conversation memory full: forgot the {drop} oldest turn(s) to stay within ~{budget} tokens{}",
                if known { "" } else { " (assumed context; /set context N to change)" }
            ));
        }
        let mut params = template.params.clone();
        merge_params(&mut params, &self.ctx.base_params());
        let max_tokens = params.max_tokens;
        let req = ChatRequest {
            messages: session::chat_messages(&system, &self.session.memory, &rendered.user),
            params,
            schema: None,
            intent: Intent::Chat,
        };
        self.session.note(Who::User, text);
        let (res, shown) = self.generate(req, true);
        match res {
            Ok(outcome) => {
                self.warn_if_cut(&outcome, max_tokens);
                let tokens = self.count(&rendered.user) + self.count(&outcome.text);
                self.session.note(Who::Assistant, outcome.text.clone());
                self.session.memory.push(Turn {
                    user: rendered.user,
                    assistant: outcome.text.clone(),
                    tokens,
                });
                self.session.last_answer = Some(outcome.text);
                Ok(())
            }
            Err(e) => {
                if !shown.is_empty() {
                    self.session
                        .note(Who::Assistant, format!("{shown}\n\n*(incomplete)*"));
                }
                Err(e)
            }
        }
    }

    /// Run one request, streaming to stdout when `stream`. Returns the outcome and whatever
    /// text arrived, which is all there is when the request failed or was cancelled.
    pub(super) fn generate(&mut self, req: ChatRequest, stream: bool) -> (Result<Outcome>, String) {
        let engine = self.engine.clone();
        let interrupts = &mut self.interrupts;
        let mut shown = String::new();
        let mut waiting = self.ctx.feedback.spinner("thinking…");
        let res = {
            let shown = &mut shown;
            let waiting = &mut waiting;
            self.runtime.block_on(async move {
                let work = task::execute(engine.as_ref(), req, |t| {
                    waiting.stop();
                    keep_and_show(shown, t, stream)
                });
                interruptible(interrupts, work).await
            })
        };
        waiting.stop();
        if stream && !shown.is_empty() && !shown.ends_with('\n') {
            let _ = out("\n");
        }
        (res, shown)
    }

    pub(super) fn warn_if_cut(&self, outcome: &Outcome, max_tokens: Option<u32>) {
        if outcome.finish_reason.as_deref() == Some("length") {
            self.status.warn(&format!(
                "the answer reached the token limit{} and is incomplete; raise it with /set max_tokens N",
                max_tokens.map(|m| format!(" ({m})")).unwrap_or_default()
            ));
        }
    }
}
