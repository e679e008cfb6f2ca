//! The interactive front end (`ava chat`, or `ava` alone on a terminal). Like the one-shot
//! commands it is a front end over the task layer: `/summarize`, `/translate` and `/process`
//! go through `task::prepare` and `task::execute` exactly as `ava summarize` does. What the
//! REPL adds is conversation: attached documents, memory within the model's budget, and a
//! transcript.
//!
//! The loop is synchronous: rustyline blocks on the terminal, and the tokio runtime is entered
//! only to generate an answer (`Runtime::block_on`), racing it against SIGINT so Ctrl-C drops
//! that one request and the loop goes on.

mod chat;
mod commands;
mod completion;
mod dispatch;
mod input;
mod interrupt;
mod session;
mod settings;
mod tasks;

use crate::context::Context;
use crate::engine::{ChatRequest, Engine, Intent, Length};
use crate::error::{Error, Result};
use crate::source::{Document, Input};
use crate::task::answer::Answer;
use crate::task::budget::Budget;
use crate::task::{self, Job, Outcome, TemplateRef, merge_params};
use completion::{Names, ReplHelper};
use input::{LineAssembler, Step};
use interrupt::{Interrupts, interruptible};
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
        engine: choice.engine.clone(),
        jobs,
        session: Session::default(),
        runtime,
        interrupts: None,
        context_override: None,
        budget: None,
        failures: 0,
        first_error: None,
    };
    repl.status.verbose(&format!(
        "engine: {} ({})",
        repl.engine_label(),
        choice.reason
    ));
    let engine = choice
        .notice()
        .unwrap_or_else(|| format!("engine: {}", repl.engine_label()));
    if interactive {
        repl.status
            .note(&format!("{engine}; /help lists commands, Ctrl-D exits"));
    } else if let Some(notice) = choice.notice() {
        repl.status.note(&notice);
    }
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
                Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                    crate::audit::interrupted("stdout closed by its reader");
                    return Ok(0);
                }
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

    /// Short, so that what the analyst types keeps most of the line: the engine, a short
    /// model name, the first attached document and how many more.
    fn prompt(&self) -> String {
        let doc = |d: &Document| shortened(session::base_name(&d.name), 24);
        let files = match self.session.docs.as_slice() {
            [] => String::new(),
            [one] => format!(" [{}]", doc(&one.doc)),
            [first, rest @ ..] => format!(" [{} +{}]", doc(&first.doc), rest.len()),
        };
        let name = self.engine.name();
        let model = short_model_name(&self.engine.model());
        let engine = if model.is_empty() || model == name {
            name.to_string()
        } else {
            format!("{name}:{model}")
        };
        format!("{engine}{files}> ")
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

/// Answers and listings go to stdout; a closed pipe surfaces as an error the loop handles.
fn out(s: &str) -> Result<()> {
    let mut o = std::io::stdout().lock();
    o.write_all(s.as_bytes())?;
    o.flush()?;
    Ok(())
}

/// A model's name as a person would say it: "Smollm2 135M 8k Lc100K Mix1 Ep2" (a GGUF's
/// general.name) → "Smollm2 135M"; "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf" →
/// "qwen2.5-coder-0.5b-in…".
fn short_model_name(model: &str) -> String {
    let base = session::base_name(model);
    let base = base.strip_suffix(".gguf").unwrap_or(base);
    let words: Vec<&str> = base.split_whitespace().take(2).collect();
    shortened(&words.join(" "), 20)
}

/// At most `max` characters, with an ellipsis when cut.
fn shortened(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_names_stay_short() {
        assert_eq!(
            short_model_name("Smollm2 135M 8k Lc100K Mix1 Ep2"),
            "Smollm2 135M"
        );
        assert_eq!(short_model_name("gpt-4o-mini"), "gpt-4o-mini");
        assert_eq!(
            short_model_name("/m/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf")
                .chars()
                .count(),
            20
        );
        assert_eq!(shortened("report.txt", 24), "report.txt");
    }

    #[test]
    fn home_is_expanded_only_at_the_start() {
        assert_eq!(expand_home("a/~/b"), PathBuf::from("a/~/b"));
    }
}
