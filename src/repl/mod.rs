//! The interactive front end (`ava chat`, or `ava` alone on a terminal). Like the one-shot
//! commands it is a front end over the task layer: `/summarize`, `/translate` and `/process`
//! go through `task::prepare` and `task::execute` exactly as `ava summarize` does. What the
//! REPL adds is conversation: attached documents, memory within the model's budget, and a
//! transcript.
//!
//! The loop is synchronous: rustyline blocks on the terminal, and the tokio runtime is entered
//! only to generate an answer (`Runtime::block_on`), racing it against SIGINT so Ctrl-C drops
//! that one request and the loop goes on.

mod commands;
mod completion;
mod input;
mod session;

use crate::context::Context;
use crate::engine::{ChatRequest, Engine, Intent, Length};
use crate::error::{Error, Result};
use crate::source::{Document, Input};
use crate::task::answer::Answer;
use crate::task::budget::Budget;
use crate::task::{self, Job, Outcome, TemplateRef, merge_params};
use completion::{Names, ReplHelper};
use input::{LineAssembler, Step};
use minijinja::Value as JinjaValue;
use rustyline::error::ReadlineError;
use rustyline::history::{FileHistory, History};
use rustyline::{
    Cmd, ConditionalEventHandler, EventContext, EventHandler, KeyEvent, Movement, RepeatCount,
};
use session::{Attached, Digest, Saved, Session, Turn, Who};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::runtime::Runtime;

/// Run the REPL until `/exit`, Ctrl-D or the end of stdin; `files` are attached first.
///
/// Must be called outside `runtime.block_on`: the loop blocks on the terminal and enters the
/// runtime itself for each answer. On a terminal (stdin and stdout) it is interactive; otherwise
/// it reads one entry per line from stdin and answers each, which makes it scriptable.
/// Returns the exit code: 0, or for piped input non-zero when an entry failed.
pub fn run(ctx: Context, files: &[String], runtime: &Runtime) -> Result<i32> {
    // Engines and signal handlers may look for a runtime while being built.
    let _guard = runtime.enter();
    let interactive = ctx.term.interactive();
    let choice = ctx.choose_engine()?;
    let jobs = ctx.jobs_for(choice.engine.as_ref());
    let mut repl = Repl {
        status: ctx.status.clone(),
        ctx,
        engine: choice.engine,
        jobs,
        session: Session::default(),
        runtime,
        interrupts: None,
        context_override: None,
        budget: None,
        failures: 0,
        first_error: None,
    };
    repl.status.note(&format!(
        "engine: {} ({}){}",
        repl.engine_label(),
        choice.reason,
        if interactive {
            "; /help lists commands, Ctrl-D exits"
        } else {
            ""
        }
    ));
    for f in files {
        if let Err(e) = repl.attach(f) {
            repl.fail(e);
        }
    }
    if interactive {
        repl.interrupts = Some(Interrupts::new()?);
        repl.interactive()
    } else {
        repl.piped()
    }
}

enum Flow {
    Continue,
    Exit,
}

enum Got {
    Entry(String),
    Nothing,
    Exit,
}

struct Repl<'rt> {
    ctx: Context,
    status: crate::sink::Status,
    engine: Arc<dyn Engine>,
    /// Requests in flight for the parts of a long document.
    jobs: usize,
    session: Session,
    runtime: &'rt Runtime,
    /// Present on a terminal only: piped runs keep SIGINT's default, which ends them.
    interrupts: Option<Interrupts>,
    /// `/set context N`: the model's context in tokens, when the engine cannot say.
    context_override: Option<usize>,
    /// The model's window and token counter, worked out when first needed (a server is asked
    /// once) and again after `/engine`, `/model` or `/set context`.
    budget: Option<Arc<Budget>>,
    failures: usize,
    first_error: Option<i32>,
}

/// Ctrl-C with text on the line clears the line; only on an empty line does it reach the loop
/// as `Interrupted`, which then asks whether to exit.
struct CtrlC;

impl ConditionalEventHandler for CtrlC {
    fn handle(
        &self,
        _: &rustyline::Event,
        _: RepeatCount,
        _: bool,
        ctx: &EventContext,
    ) -> Option<Cmd> {
        if ctx.line().is_empty() {
            None
        } else {
            Some(Cmd::Kill(Movement::WholeBuffer))
        }
    }
}

fn editor_error(e: ReadlineError) -> Error {
    match e {
        ReadlineError::Io(e) => Error::Io(e),
        other => Error::Io(std::io::Error::other(other.to_string())),
    }
}

impl Repl<'_> {
    fn interactive(mut self) -> Result<i32> {
        let config = rustyline::Config::builder()
            .history_ignore_space(true)
            .auto_add_history(false)
            .completion_type(rustyline::CompletionType::List)
            .build();
        let mut history = FileHistory::with_config(&config);
        let mut history_file = self.history_file();
        if let Some(path) = &history_file
            && path.exists()
            && let Err(e) = history.load(path)
        {
            self.status
                .warn(&format!("{}: cannot read history: {e}", path.display()));
        }
        let mut lines = LineAssembler::default();
        loop {
            let (got, kept) = self.read_entry(&config, history, &mut lines, &mut history_file)?;
            history = kept;
            match got {
                Got::Exit => break,
                Got::Nothing => {}
                Got::Entry(entry) => match self.handle(&entry) {
                    Ok(Flow::Exit) => break,
                    Ok(Flow::Continue) => {}
                    Err(e) => self.fail(e),
                },
            }
        }
        Ok(0)
    }

    /// Read one entry (several lines for a block). The editor lives only while reading:
    /// rustyline takes over SIGINT for its lifetime, and dropping it gives the signal back to
    /// the handler that cancels answers. History moves from one editor to the next.
    fn read_entry(
        &mut self,
        config: &rustyline::Config,
        history: FileHistory,
        lines: &mut LineAssembler,
        history_file: &mut Option<PathBuf>,
    ) -> Result<(Got, FileHistory)> {
        let mut rl: rustyline::Editor<ReplHelper, FileHistory> =
            rustyline::Editor::with_history(config.clone(), history).map_err(editor_error)?;
        let mut helper = ReplHelper::new();
        helper.names = self.names();
        rl.set_helper(Some(helper));
        rl.bind_sequence(
            KeyEvent::ctrl('C'),
            EventHandler::Conditional(Box::new(CtrlC)),
        );
        let got = loop {
            let prompt = if lines.pending() {
                "... ".to_string()
            } else {
                self.prompt()
            };
            match rl.readline(&prompt) {
                Ok(line) => {
                    let Step::Done(entry) = lines.push(&line) else {
                        continue;
                    };
                    if !entry.trim().is_empty() {
                        let _ = rl.add_history_entry(entry.as_str());
                        if let Some(path) = history_file.as_ref()
                            && let Err(e) = rl.append_history(path)
                        {
                            self.status.warn(&format!(
                                "{}: cannot write history ({e}); history is kept for this session only",
                                path.display()
                            ));
                            *history_file = None;
                        }
                    }
                    break Got::Entry(entry);
                }
                Err(ReadlineError::Interrupted) if lines.pending() => {
                    lines.reset();
                    self.status.note("block discarded");
                }
                Err(ReadlineError::Interrupted) => match rl.readline("exit? (y/n) ") {
                    Ok(a) if matches!(a.trim(), "y" | "Y" | "yes") => break Got::Exit,
                    Err(ReadlineError::Eof) => break Got::Exit,
                    _ => break Got::Nothing,
                },
                Err(ReadlineError::Eof) => break Got::Exit,
                Err(e) => return Err(editor_error(e)),
            }
        };
        let history = std::mem::replace(rl.history_mut(), FileHistory::with_config(config));
        Ok((got, history))
    }

    fn piped(mut self) -> Result<i32> {
        let mut stdin = std::io::stdin().lock();
        let mut lines = LineAssembler::default();
        let mut raw = Vec::new();
        loop {
            raw.clear();
            if stdin.read_until(b'\n', &mut raw)? == 0 {
                break;
            }
            let line = String::from_utf8_lossy(&raw);
            let line = line.strip_suffix('\n').unwrap_or(&line);
            let line = line.strip_suffix('\r').unwrap_or(line);
            let Step::Done(entry) = lines.push(line) else {
                continue;
            };
            match self.handle(&entry) {
                Ok(Flow::Exit) => break,
                Ok(Flow::Continue) => {}
                Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(0),
                Err(e) => self.fail(e),
            }
        }
        if lines.pending() {
            self.fail(Error::Usage(
                "input ended inside a \"\"\" block; that entry was not sent".into(),
            ));
        }
        Ok(self.first_error.unwrap_or_default())
    }

    /// One error line; the session goes on.
    fn fail(&mut self, e: Error) {
        if matches!(e, Error::Interrupted) {
            self.status.note("answer cancelled");
            return;
        }
        self.status.error(&e.to_string());
        self.failures += 1;
        self.first_error.get_or_insert(e.exit_code());
    }

    fn history_file(&self) -> Option<PathBuf> {
        if !self.ctx.config.settings.history {
            return None;
        }
        let dir = crate::paths::data_dir();
        if let Err(e) = session::create_private_dir(&dir) {
            self.status.warn(&format!(
                "{}: {e}; history is kept for this session only",
                dir.display()
            ));
            return None;
        }
        Some(dir.join("history.txt"))
    }

    fn names(&self) -> Names {
        Names {
            templates: self
                .ctx
                .store
                .list()
                .map(|l| l.into_iter().map(|t| t.name).collect())
                .unwrap_or_default(),
            attached: self
                .session
                .docs
                .iter()
                .map(|a| a.doc.name.clone())
                .collect(),
            models: crate::models::list()
                .map(|l| l.into_iter().map(|m| m.name).collect())
                .unwrap_or_default(),
            sessions: session::list_sessions(),
        }
    }

    fn engine_label(&self) -> String {
        let name = self.engine.name();
        let model = self.engine.model();
        let model = session::base_name(&model);
        if model.is_empty() || model == name {
            name.to_string()
        } else {
            format!("{name}:{model}")
        }
    }

    fn prompt(&self) -> String {
        let files = match self.session.docs.as_slice() {
            [] => String::new(),
            [one] => format!(" [{}]", session::base_name(&one.doc.name)),
            [first, rest @ ..] => {
                format!(" [{} +{}]", session::base_name(&first.doc.name), rest.len())
            }
        };
        format!("{}{files}> ", self.engine_label())
    }

    fn handle(&mut self, entry: &str) -> Result<Flow> {
        let text = entry.trim();
        if text.is_empty() {
            return Ok(Flow::Continue);
        }
        // `//text` sends a line that starts with a slash as a message.
        if let Some(literal) = text.strip_prefix("//") {
            self.chat(&format!("/{literal}"))?;
            return Ok(Flow::Continue);
        }
        match commands::parse_line(text) {
            Some((name, rest)) => self.command(name, rest),
            None => {
                self.chat(text)?;
                Ok(Flow::Continue)
            }
        }
    }

    fn command(&mut self, name: &str, rest: &str) -> Result<Flow> {
        let Some(spec) = commands::find(name) else {
            return Err(commands::unknown(name));
        };
        let args = commands::split_args(rest)?;
        let usage = || Error::Usage(format!("usage: {}", spec.usage));
        match spec.name {
            "help" => out(&commands::help_text())?,
            "exit" => return Ok(Flow::Exit),
            "file" => {
                if args.is_empty() {
                    return Err(usage());
                }
                let mut first_err = None;
                for a in &args {
                    if let Err(e) = self.attach(a) {
                        if first_err.is_some() {
                            self.fail(e);
                        } else {
                            first_err = Some(e);
                        }
                    }
                }
                if let Some(e) = first_err {
                    return Err(e);
                }
            }
            "files" => self.list_files()?,
            "drop" => match args.as_slice() {
                [] => {
                    let n = self.session.docs.len();
                    self.session.docs.clear();
                    self.status.note(&format!("detached {n} document(s)"));
                }
                [name] => match self.session.detach(name) {
                    Some(a) => self.status.note(&format!("detached {}", a.doc.name)),
                    None => {
                        return Err(Error::Usage(format!(
                            "{name} is not attached (/files lists what is)"
                        )));
                    }
                },
                _ => return Err(usage()),
            },
            "summarize" => {
                let job = Job::Summarize {
                    length: Length::Medium,
                    format: "text".into(),
                    lang: None,
                };
                let docs = self.task_docs(&args)?;
                self.run_job(&job, docs, "/summarize")?;
            }
            "translate" => {
                let Some(lang) = args.first() else {
                    return Err(usage());
                };
                let job = Job::Translate {
                    to: lang.clone(),
                    from: None,
                    glossary: None,
                };
                let docs = match &args[1..] {
                    [] => self.task_docs(&[])?,
                    [one] if looks_like_path(one) => self.task_docs(&args[1..])?,
                    _ => {
                        let text = rest
                            .split_once(char::is_whitespace)
                            .map_or("", |(_, t)| t.trim());
                        vec![Document::from_text("text", text)]
                    }
                };
                self.run_job(&job, docs, &format!("/translate {lang}"))?;
            }
            "process" => {
                let Some(template) = args.first() else {
                    return Err(usage());
                };
                let mut vars = BTreeMap::new();
                let mut paths = Vec::new();
                let mut unmask_cards = false;
                for a in &args[1..] {
                    if a == "--unmask-cards" {
                        unmask_cards = true;
                    } else if a.contains('=') && !Path::new(a).exists() {
                        let (k, v) = crate::template::parse_var(a)?;
                        vars.insert(k, v);
                    } else {
                        paths.push(a.clone());
                    }
                }
                let job = Job::Process {
                    template: TemplateRef::Named(template.clone()),
                    vars,
                    unmask_cards,
                };
                let docs = self.task_docs(&paths)?;
                self.run_job(&job, docs, &format!("/process {template}"))?;
            }
            "templates" => {
                let list = self.ctx.store.list()?;
                let w = list.iter().map(|t| t.name.len()).max().unwrap_or(0);
                let mut s = String::new();
                for t in list {
                    s.push_str(&format!("{:<w$}  {}\n", t.name, t.description));
                }
                out(&s)?;
            }
            "model" => match args.as_slice() {
                [m] => self.set_model(m)?,
                _ => return Err(usage()),
            },
            "engine" => match args.as_slice() {
                [e] => self.set_engine(e, None)?,
                [e, m] => self.set_engine(e, Some(m))?,
                _ => return Err(usage()),
            },
            "set" => match args.as_slice() {
                [] => self.show_settings()?,
                [k, v] => self.set(k, v)?,
                _ => return Err(usage()),
            },
            "clear" => {
                self.session.memory.clear();
                self.status.note(&format!(
                    "conversation forgotten; {} document(s) still attached; the transcript for /save is kept",
                    self.session.docs.len()
                ));
            }
            "save" => {
                let (last, path) = match args.as_slice() {
                    [p] => (false, p),
                    [f, p] if f == "-l" || f == "--last" => (true, p),
                    _ => return Err(usage()),
                };
                let mut body = if last {
                    self.session
                        .last_answer
                        .clone()
                        .ok_or_else(|| Error::Usage("no answer yet to save".into()))?
                } else {
                    self.session.transcript_markdown(&self.transcript_header())
                };
                if !body.ends_with('\n') {
                    body.push('\n');
                }
                let path = expand_home(path);
                crate::sink::write_atomically(&path, body.as_bytes())?;
                self.status.note(&format!("wrote {}", path.display()));
            }
            "session" => match args.as_slice() {
                [a] if a == "list" => {
                    let names = session::list_sessions();
                    if names.is_empty() {
                        self.status.note(&format!(
                            "no saved sessions in {}",
                            session::sessions_dir().display()
                        ));
                    } else {
                        out(&(names.join("\n") + "\n"))?;
                    }
                }
                [a, name] if a == "save" => {
                    let path = session::session_file(name)?;
                    Saved::new(
                        self.engine.name().into(),
                        self.engine.model(),
                        &self.session,
                    )
                    .write(&path)?;
                    self.status.note(&format!(
                        "saved session {name} ({} turn(s), {} document(s)) to {}",
                        self.session.memory.len(),
                        self.session.docs.len(),
                        path.display()
                    ));
                }
                [a, name] if a == "load" => self.load_session(name)?,
                _ => return Err(usage()),
            },
            "tokens" => self.show_tokens()?,
            _ => return Err(commands::unknown(name)),
        }
        Ok(Flow::Continue)
    }

    fn load(&self, arg: &str) -> Result<Document> {
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
    fn token_budget(&mut self, sample: &str) -> Arc<Budget> {
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

    fn count(&mut self, text: &str) -> usize {
        self.token_budget(text).counter.count(text) + session::MESSAGE_OVERHEAD
    }

    fn attach(&mut self, arg: &str) -> Result<()> {
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
    fn task_docs(&self, paths: &[String]) -> Result<Vec<Document>> {
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
    fn run_job(&mut self, job: &Job, docs: Vec<Document>, label: &str) -> Result<()> {
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

    fn run_task(&mut self, job: &Job, doc: &Document, label: &str) -> Result<()> {
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

    fn warn_if_cut(&self, outcome: &Outcome, max_tokens: Option<u32>) {
        if outcome.finish_reason.as_deref() == Some("length") {
            self.status.warn(&format!(
                "the answer reached the token limit{} and is incomplete; raise it with /set max_tokens N",
                max_tokens.map(|m| format!(" ({m})")).unwrap_or_default()
            ));
        }
    }

    /// Tokens available for system prompt, documents and conversation, and whether the
    /// context size is known rather than assumed.
    fn budget(&mut self) -> (usize, bool) {
        let b = self.token_budget("");
        let reserve = b
            .reserve(self.ctx.config.settings.max_tokens)
            .min(b.window / 2);
        (b.window - reserve, !b.assumed)
    }

    /// Run a task through the same pipeline as the one-shot commands: one request when the
    /// document fits the model, else in parts that are then combined. Text answers stream to
    /// stdout when `stream`. Also returns the text shown, which is all there is after a failure.
    fn answer(&mut self, job: &Job, doc: &Document, stream: bool) -> (Result<Answer>, String) {
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
        let res = {
            let shown = &mut shown;
            let mut on_text = |t: &str, live: bool| {
                if live {
                    keep_and_show(shown, t, stream)
                } else {
                    Ok(())
                }
            };
            let work = pipeline.answer(job, doc, &mut on_text, feedback);
            self.runtime.block_on(interruptible(interrupts, work))
        };
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
    fn fit_documents(&mut self, mut fixed: usize, budget: usize) -> Result<Option<usize>> {
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
    fn digest(&mut self, i: usize, budget: usize) -> Result<Digest> {
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

    fn chat(&mut self, text: &str) -> Result<()> {
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
    fn generate(&mut self, req: ChatRequest, stream: bool) -> (Result<Outcome>, String) {
        let engine = self.engine.clone();
        let interrupts = &mut self.interrupts;
        let mut shown = String::new();
        let res = {
            let shown = &mut shown;
            self.runtime.block_on(async move {
                let work = task::execute(engine.as_ref(), req, |t| keep_and_show(shown, t, stream));
                interruptible(interrupts, work).await
            })
        };
        if stream && !shown.is_empty() && !shown.ends_with('\n') {
            let _ = out("\n");
        }
        (res, shown)
    }

    fn list_files(&self) -> Result<()> {
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

    fn show_tokens(&mut self) -> Result<()> {
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

    fn show_settings(&self) -> Result<()> {
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

    fn set(&mut self, key: &str, value: &str) -> Result<()> {
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

    fn set_model(&mut self, model: &str) -> Result<()> {
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

    fn set_engine(&mut self, engine: &str, model: Option<&String>) -> Result<()> {
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
    fn switch(&mut self, provider: &str, model: Option<Option<String>>) -> Result<()> {
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

    fn load_session(&mut self, name: &str) -> Result<()> {
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

    fn transcript_header(&self) -> String {
        let mut h = format!("- engine: {}\n", self.engine_label());
        for a in &self.session.docs {
            h.push_str(&format!("- attached: {}\n", a.doc.name));
        }
        h
    }
}

/// Keep a piece of an answer (all there is if it fails) and, when streaming, show it now.
fn keep_and_show(kept: &mut String, t: &str, stream: bool) -> Result<()> {
    kept.push_str(t);
    if stream {
        let mut o = std::io::stdout().lock();
        o.write_all(t.as_bytes())?;
        o.flush()?;
    }
    Ok(())
}

/// Run `work` until it ends or, on a terminal, the analyst presses Ctrl-C, which drops it
/// (closing its connection) and leaves the session as it was.
async fn interruptible<T>(
    interrupts: &mut Option<Interrupts>,
    work: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    match interrupts {
        Some(i) => {
            i.clear();
            tokio::select! {
                r = work => r,
                () = i.recv() => Err(Error::Interrupted),
            }
        }
        None => work.await,
    }
}

/// Answers and listings go to stdout; a closed pipe surfaces as an error the loop handles.
fn out(s: &str) -> Result<()> {
    let mut o = std::io::stdout().lock();
    o.write_all(s.as_bytes())?;
    o.flush()?;
    Ok(())
}

fn expand_home(p: &str) -> PathBuf {
    match p.strip_prefix("~/") {
        Some(rest) => match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            Some(home) => PathBuf::from(home).join(rest),
            None => PathBuf::from(p),
        },
        None => PathBuf::from(p),
    }
}

/// `/translate en report.txt` names a file; `/translate en Dzień dobry` is text. A single
/// word is taken as a path when it exists or looks like one, so a mistyped file name is
/// reported as missing instead of being translated.
fn looks_like_path(s: &str) -> bool {
    let p = Path::new(s);
    p.exists()
        || s.contains('/')
        || s.starts_with('~')
        || p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            (1..=5).contains(&e.len()) && e.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// SIGINT while an answer is being generated. The handler is installed once, when the
/// interactive loop starts; at the prompt rustyline reads Ctrl-C as a key instead.
#[cfg(unix)]
struct Interrupts(tokio::signal::unix::Signal);

#[cfg(unix)]
impl Interrupts {
    fn new() -> Result<Self> {
        let sig = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
        Ok(Self(sig))
    }

    /// Forget a Ctrl-C pressed while no answer was running, so it cannot cancel the next one.
    fn clear(&mut self) {
        use futures_util::FutureExt;
        while let Some(Some(())) = self.0.recv().now_or_never() {}
    }

    async fn recv(&mut self) {
        if self.0.recv().await.is_none() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(not(unix))]
struct Interrupts;

#[cfg(not(unix))]
impl Interrupts {
    fn new() -> Result<Self> {
        Ok(Self)
    }

    fn clear(&mut self) {}

    async fn recv(&mut self) {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_look_like_files_are_paths() {
        assert!(looks_like_path("report.txt"));
        assert!(looks_like_path("cases/a"));
        assert!(!looks_like_path("Dzień"));
        assert!(!looks_like_path("hello"));
    }

    #[test]
    fn home_is_expanded_only_at_the_start() {
        assert_eq!(expand_home("a/~/b"), PathBuf::from("a/~/b"));
    }
}
