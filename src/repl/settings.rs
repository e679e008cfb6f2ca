//! Session state a person looks at or changes: files, tokens, settings, the engine, saved
//! sessions.

use super::*;

impl Repl<'_> {
    pub(super) fn list_files(&self) -> Result<()> {
        if self.session.docs.is_empty() {
            self.status
                .note("no documents attached (/file PATH attaches one)");
            return Ok(());
        }
        let w = self
            .session
            .docs
            .iter()
            .map(|a| a.doc.name.chars().count())
            .max()
            .unwrap_or(0);
        let mut s = String::new();
        for a in &self.session.docs {
            s.push_str(&format!(
                "{:<w$}  {:>6} lines  ~{} tokens\n",
                a.doc.name,
                a.doc.text.lines().count(),
                a.tokens
            ));
        }
        out(&s)
    }

    pub(super) fn show_tokens(&mut self) -> Result<()> {
        let docs: usize = self.session.docs.iter().map(|a| a.tokens).sum();
        let summarized = self
            .session
            .docs
            .iter()
            .filter(|a| a.digest.is_some())
            .count();
        let memory: usize = self.session.memory.iter().map(|t| t.tokens).sum();
        let (budget, known) = self.budget();
        let b = self.token_budget("");
        out(&format!(
            "documents:     ~{docs} tokens in {} document(s){}\n\
             conversation:  ~{memory} tokens in {} turn(s)\n\
             budget:        ~{budget} tokens for prompt, documents and conversation\n\
             window:        {} tokens ({}){}\n\
             counting:      {}\n",
            self.session.docs.len(),
            if summarized > 0 {
                format!(", {summarized} summarized for chat")
            } else {
                String::new()
            },
            self.session.memory.len(),
            b.window,
            b.window_source,
            if known { "" } else { "; /set context N" },
            b.counter.describe(),
        ))
    }

    pub(super) fn show_settings(&self) -> Result<()> {
        let s = &self.ctx.config.settings;
        let show = |v: Option<String>| v.unwrap_or_else(|| "default".into());
        out(&format!(
            "temperature  {}\ntop_p        {}\nmax_tokens   {}\nseed         {}\ncontext      {}\n",
            show(s.temperature.map(|v| v.to_string())),
            show(s.top_p.map(|v| v.to_string())),
            show(s.max_tokens.map(|v| v.to_string())),
            show(s.seed.map(|v| v.to_string())),
            show(
                self.context_override
                    .or_else(|| self.budget.as_ref().map(|b| b.window))
                    .map(|v| v.to_string())
            ),
        ))
    }

    pub(super) fn set(&mut self, key: &str, value: &str) -> Result<()> {
        fn num<T: std::str::FromStr>(key: &str, v: &str) -> Result<T> {
            v.parse()
                .map_err(|_| Error::Usage(format!("{key}: {v:?} is not a valid number")))
        }
        let unset = matches!(value, "default" | "off" | "none" | "-");
        let s = &mut self.ctx.config.settings;
        match key {
            "temperature" => {
                let v: Option<f32> = if unset { None } else { Some(num(key, value)?) };
                if v.is_some_and(|t| !(0.0..=2.0).contains(&t)) {
                    return Err(Error::Usage("temperature must be between 0 and 2".into()));
                }
                s.temperature = v;
            }
            "top_p" => {
                let v: Option<f32> = if unset { None } else { Some(num(key, value)?) };
                if v.is_some_and(|t| !(0.0..=1.0).contains(&t)) {
                    return Err(Error::Usage("top_p must be between 0 and 1".into()));
                }
                s.top_p = v;
            }
            "max_tokens" => s.max_tokens = if unset { None } else { Some(num(key, value)?) },
            "seed" => s.seed = if unset { None } else { Some(num(key, value)?) },
            "context" => {
                let v: Option<usize> = if unset { None } else { Some(num(key, value)?) };
                if v.is_some_and(|c| c < 512) {
                    return Err(Error::Usage("context must be at least 512 tokens".into()));
                }
                self.context_override = v;
                self.budget = None;
            }
            _ => {
                return Err(Error::Usage(format!(
                    "unknown setting {key}; one of {}",
                    commands::SETTINGS.join(", ")
                )));
            }
        }
        self.ctx
            .config
            .sources
            .insert(key.to_string(), "/set".into());
        self.status.note(&format!(
            "{key} = {}",
            if unset { "default" } else { value }
        ));
        Ok(())
    }

    pub(super) fn set_model(&mut self, model: &str) -> Result<()> {
        if !self.engine.capabilities().language_model {
            return Err(Error::Usage(
                "the built-in engine has no models; switch first with /engine openai|local [MODEL]"
                    .into(),
            ));
        }
        // Stay on the engine in use: with provider unset, a model name could switch engines.
        let provider = self.engine.name().to_string();
        self.switch(&provider, Some(Some(model.to_string())))
    }

    pub(super) fn set_engine(&mut self, engine: &str, model: Option<&String>) -> Result<()> {
        if crate::engine::Provider::parse(engine).is_none() {
            return Err(Error::Usage(format!(
                "unknown engine {engine}; one of {}",
                crate::engine::Provider::names()
            )));
        }
        if let Some(m) = model {
            return self.switch(engine, Some(Some(m.clone())));
        }
        match self.switch(engine, None) {
            Ok(()) => Ok(()),
            // A model named for the previous engine rarely exists on the next one.
            Err(first) if self.ctx.config.settings.model.is_some() => {
                self.switch(engine, Some(None)).map_err(|_| first)
            }
            Err(e) => Err(e),
        }
    }

    /// Rebuild the engine with changed settings; on failure nothing changes.
    pub(super) fn switch(&mut self, provider: &str, model: Option<Option<String>>) -> Result<()> {
        let before = (
            self.ctx.config.settings.clone(),
            self.ctx.config.sources.clone(),
        );
        self.ctx.config.settings.provider = Some(provider.to_string());
        self.ctx
            .config
            .sources
            .insert("provider".into(), "/engine".into());
        if let Some(m) = model {
            self.ctx.config.settings.model = m;
            self.ctx
                .config
                .sources
                .insert("model".into(), "/model".into());
        }
        match self.ctx.choose_engine() {
            Ok(choice) => {
                self.engine = choice.engine;
                self.jobs = self.ctx.jobs_for(self.engine.as_ref());
                // Another model has another window and may count tokens differently.
                self.budget = None;
                let b = self.token_budget("");
                for a in &mut self.session.docs {
                    a.tokens = b.counter.count(&a.doc.text) + session::MESSAGE_OVERHEAD;
                    a.digest = None;
                }
                self.status
                    .note(&format!("engine: {}", self.engine_label()));
                Ok(())
            }
            Err(e) => {
                (self.ctx.config.settings, self.ctx.config.sources) = before;
                Err(e)
            }
        }
    }

    pub(super) fn load_session(&mut self, name: &str) -> Result<()> {
        let saved = Saved::read(&session::session_file(name)?)?;
        let mut fresh = Session::default();
        for p in &saved.attached {
            match self.ctx.read_input(&Input::File(p.clone())) {
                Ok(doc) => {
                    let tokens = self.count(&doc.text);
                    fresh.attach(Attached::new(doc, tokens));
                }
                Err(e) => self.status.warn(&format!("{e} (not attached again)")),
            }
        }
        // Task results are remembered turns too, so the last turn holds the last answer.
        fresh.last_answer = saved.memory.last().map(|t| t.assistant.clone());
        fresh.memory = saved.memory;
        fresh.transcript = saved.transcript;
        self.session = fresh;
        let mut msg = format!(
            "loaded session {name}: {} turn(s), {} document(s)",
            self.session.memory.len(),
            self.session.docs.len()
        );
        if saved.engine != self.engine.name() || saved.model != self.engine.model() {
            msg.push_str(&format!(" (saved with {} {})", saved.engine, saved.model));
        }
        self.status.note(&msg);
        Ok(())
    }

    pub(super) fn transcript_header(&self) -> String {
        let mut h = format!("- engine: {}\n", self.engine_label());
        for a in &self.session.docs {
            h.push_str(&format!("- attached: {}\n", a.doc.name));
        }
        h
    }
}
