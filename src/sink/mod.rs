//! Sinks: where answers and status go. Answers go to stdout (or files), everything else to
//! stderr. One place decides TTY vs pipe.

mod names;
mod progress;
pub mod side;
mod status;
mod term;

pub use progress::{Feedback, Spinner};
pub use status::Status;
pub use term::{ColorChoice, Terminal};

use crate::error::{Error, Result};
use owo_colors::OwoColorize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Version of the JSON record shape written with `--json`.
pub const RECORD_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Stdout,
    /// All answers into one file.
    File(PathBuf),
    /// One file per input: `DIR/STEM.KIND.md` (or `.json`).
    Dir(PathBuf),
}

impl Target {
    /// `-o x/` or an existing directory means one file per input.
    pub fn from_arg(arg: Option<&Path>) -> Self {
        match arg {
            None => Target::Stdout,
            Some(p) if p.as_os_str() == "-" => Target::Stdout,
            Some(p) if p.is_dir() || p.to_string_lossy().ends_with('/') => Target::Dir(p.into()),
            Some(p) => Target::File(p.into()),
        }
    }
}

/// What is known about one finished answer, for JSON records and output files.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub file: String,
    pub task: String,
    pub engine: String,
    pub model: String,
    pub template: String,
    pub template_hash: String,
    pub finish_reason: Option<String>,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    /// Prompt tokens not read again (the local engine's kept prefix, a server's cache).
    pub cached_tokens: Option<u64>,
    pub warnings: Vec<String>,
    /// Parts of the answer that could not be verified against the source.
    pub unverified: Vec<crate::task::answer::Unverified>,
    /// With `--side-by-side`: the translation's pieces beside their sources.
    pub segments: Option<Vec<crate::task::report::Segment>>,
}

pub struct Sink {
    json: bool,
    stream: bool,
    target: Target,
    out: Box<dyn Write + Send>,
    headings: bool,
    color: bool,
    /// Text of the current answer, kept for JSON records, files and the final newline.
    current: String,
    current_streamed: bool,
    /// The heading of the current answer, written before its first text: an input that
    /// fails before answering anything leaves no empty heading behind.
    pending_heading: Option<String>,
    docs_done: usize,
    /// With one file per input: inputs whose plain output name another input shares, and
    /// the distinct relative name each gets instead (see `names`).
    renamed: Arc<HashMap<String, PathBuf>>,
}

impl Sink {
    /// `stdout_color`: whether to colour headings written to stdout.
    pub fn new(
        json: bool,
        stream: bool,
        target: Target,
        multiple_inputs: bool,
        stdout_color: bool,
    ) -> Result<Self> {
        let (out, color): (Box<dyn Write + Send>, bool) = match &target {
            Target::Stdout => (Box::new(std::io::stdout()), stdout_color),
            Target::File(p) => {
                let f = std::fs::File::create(p).map_err(|source| Error::Output {
                    path: p.clone(),
                    source,
                })?;
                (Box::new(std::io::BufWriter::new(f)), false)
            }
            Target::Dir(p) => {
                std::fs::create_dir_all(p).map_err(|source| Error::Output {
                    path: p.clone(),
                    source,
                })?;
                (Box::new(std::io::sink()), false)
            }
        };
        Ok(Self {
            json,
            // Streaming makes sense only where someone can watch it.
            stream: stream && !json && !matches!(target, Target::Dir(_)),
            target,
            out,
            headings: multiple_inputs && !json,
            color,
            current: String::new(),
            current_streamed: false,
            pending_heading: None,
            docs_done: 0,
            renamed: Arc::default(),
        })
    }

    /// Tell a one-file-per-input sink every input of the run, so that inputs that would share
    /// an output name (`a/report.pdf`, `b/report.pdf`) get distinct ones.
    pub fn plan_outputs(&mut self, inputs: &[String]) {
        if matches!(self.target, Target::Dir(_)) {
            self.renamed = Arc::new(names::disambiguate(inputs));
        }
    }

    /// Where `input`'s output of `kind` goes in `dir` (relative stem + `.kind.ext`).
    fn output_file(&self, dir: &Path, input: &str, kind: &str, ext: &str) -> PathBuf {
        match self.renamed.get(input) {
            Some(rel) => {
                let mut path = dir.join(rel);
                let name = format!(
                    "{}.{kind}.{ext}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                );
                path.set_file_name(name);
                path
            }
            None => dir.join(output_name(input, kind, ext)),
        }
    }

    /// A sink for input number `index` of a batch that keeps its output in memory instead of
    /// writing it, so that inputs run in parallel still come out whole and in input order.
    /// Files in an output directory are written directly.
    pub fn capture(&self, index: usize) -> (Sink, Captured) {
        let captured = Captured::default();
        let sink = Sink {
            json: self.json,
            stream: false,
            target: self.target.clone(),
            out: Box::new(captured.clone()),
            headings: self.headings,
            color: self.color,
            current: String::new(),
            current_streamed: false,
            pending_heading: None,
            docs_done: index,
            renamed: Arc::clone(&self.renamed),
        };
        (sink, captured)
    }

    /// Write what a captured sink kept, in the order the caller chooses.
    pub fn write_captured(&mut self, captured: &Captured) -> Result<()> {
        self.docs_done += 1;
        self.out.write_all(&captured.take())?;
        self.out.flush()?;
        Ok(())
    }

    /// Start the answer for one input.
    pub fn begin(&mut self, name: &str) {
        self.current.clear();
        self.current_streamed = false;
        self.pending_heading = (self.headings && !matches!(self.target, Target::Dir(_)))
            .then(|| format!("==> {name} <=="));
    }

    fn write_heading(&mut self) -> Result<()> {
        let Some(head) = self.pending_heading.take() else {
            return Ok(());
        };
        let sep = if self.docs_done > 0 { "\n" } else { "" };
        if self.color {
            writeln!(self.out, "{sep}{}", head.bold())?;
        } else {
            writeln!(self.out, "{sep}{head}")?;
        }
        Ok(())
    }

    /// Whether `text` should be called as tokens arrive (else the answer is shown at `finish`).
    pub fn streams(&self) -> bool {
        self.stream
    }

    /// A piece of the answer, written and flushed at once when streaming.
    pub fn text(&mut self, t: &str) -> Result<()> {
        self.current.push_str(t);
        if self.stream {
            self.write_heading()?;
            self.current_streamed = true;
            self.out.write_all(t.as_bytes())?;
            self.out.flush()?;
        }
        Ok(())
    }

    /// Keep a piece of the answer without showing it yet (structured answers are shown
    /// only once they have been checked).
    pub fn text_quiet(&mut self, t: &str) -> Result<()> {
        self.current.push_str(t);
        Ok(())
    }

    /// With one file per input: the finished output of an earlier run for `input`, if any.
    /// Outputs are renamed into place only when complete, so an existing one is whole.
    pub fn existing_output(&self, input: &str, task: &str) -> Option<PathBuf> {
        let Target::Dir(dir) = &self.target else {
            return None;
        };
        let probe = self.output_file(dir, input, task, "");
        let prefix = probe.file_name()?.to_string_lossy().into_owned();
        std::fs::read_dir(probe.parent()?)
            .ok()?
            .flatten()
            .find_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let ext = name.strip_prefix(&prefix)?;
                (!ext.is_empty() && !ext.contains(".tmp")).then(|| e.path())
            })
    }

    /// Whether no answer has been finished yet (a CSV header goes only before the first).
    pub fn is_first(&self) -> bool {
        self.docs_done == 0
    }

    /// Finish the answer. `value` is the parsed result for structured answers; `shown`, if
    /// given, is how it is presented outside `--json` (text and file extension), instead of
    /// pretty-printed JSON. Returns the path written, if the answer went to its own file.
    pub fn finish(
        &mut self,
        rec: &Record,
        value: Option<&Value>,
        shown: Option<(&str, &str)>,
    ) -> Result<Option<PathBuf>> {
        self.write_heading()?;
        self.docs_done += 1;
        let body = match (value, shown) {
            (_, Some((text, _))) => text.to_string(),
            (Some(v), None) => serde_json::to_string_pretty(v).unwrap_or_default() + "\n",
            (None, None) => self.current.clone(),
        };
        if self.json {
            let line = record_json(
                rec,
                value
                    .cloned()
                    .unwrap_or_else(|| Value::String(self.current.clone())),
            );
            return self.emit(rec, &(line.to_string() + "\n"), "json");
        }
        if self.current_streamed && value.is_none() {
            if !self.current.ends_with('\n') {
                self.out.write_all(b"\n")?;
            }
            self.out.flush()?;
            return Ok(None);
        }
        let mut body = body;
        if !body.ends_with('\n') {
            body.push('\n');
        }
        let ext = match (value, shown) {
            (_, Some((_, ext))) => ext,
            (Some(_), None) => "json",
            (None, None) => "md",
        };
        self.emit(rec, &body, ext)
    }

    /// An input failed. In JSON mode this is an error record on the same stream, so
    /// consumers see every input accounted for.
    pub fn fail(&mut self, name: &str, err: &Error) -> Result<()> {
        self.pending_heading = None;
        self.docs_done += 1;
        if self.current_streamed && !self.current.ends_with('\n') {
            self.out.write_all(b"\n")?;
        }
        if self.json {
            let mut rec = json!({
                "version": RECORD_VERSION,
                "file": name,
                "error": err.to_string(),
                "exit_code": err.exit_code(),
            });
            if !self.current.is_empty() {
                rec["partial"] = Value::String(self.current.clone());
            }
            if !matches!(self.target, Target::Dir(_)) {
                writeln!(self.out, "{rec}")?;
            }
        }
        self.out.flush()?;
        Ok(())
    }

    fn emit(&mut self, rec: &Record, body: &str, ext: &str) -> Result<Option<PathBuf>> {
        match &self.target {
            Target::Dir(dir) => {
                let path = self.output_file(dir, &rec.file, &rec.task, ext);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|source| Error::Output {
                        path: parent.to_path_buf(),
                        source,
                    })?;
                }
                write_atomically(&path, body.as_bytes())?;
                Ok(Some(path))
            }
            _ => {
                self.out.write_all(body.as_bytes())?;
                self.out.flush()?;
                Ok(None)
            }
        }
    }
}

/// Output kept in memory by a [`Sink::capture`] sink.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn take(&self) -> Vec<u8> {
        // A panic elsewhere cannot leave bytes half-written here; the data is still good.
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn record_json(rec: &Record, output: Value) -> Value {
    let mut v = json!({
        "version": RECORD_VERSION,
        "file": rec.file,
        "task": rec.task,
        "engine": rec.engine,
        "model": rec.model,
        "template": rec.template,
        "template_hash": rec.template_hash,
        "output": output,
        "finish_reason": rec.finish_reason,
        "usage": {
            "prompt_tokens": rec.prompt_tokens,
            "completion_tokens": rec.completion_tokens,
            "cached_prompt_tokens": rec.cached_tokens,
        },
        "warnings": rec.warnings,
        "unverified": rec.unverified,
    });
    if let Some(segments) = &rec.segments {
        v["segments"] = json!(segments);
    }
    v
}

/// `cases/a.txt` + "summary" → `a.summary.md`; stdin → `stdin.summary.md`.
pub fn output_name(input: &str, kind: &str, ext: &str) -> String {
    format!("{}.{kind}.{ext}", names::stem(input))
}

/// Write to a temporary file beside `path`, then rename: a killed run never leaves a
/// half-written output that looks complete.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!(
        "{}.tmp{}",
        path.extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let io = |source| Error::Output {
        path: path.to_path_buf(),
        source,
    };
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_follow_the_input() {
        assert_eq!(output_name("cases/a.txt", "summary", "md"), "a.summary.md");
        assert_eq!(
            output_name("-", "translation", "md"),
            "stdin.translation.md"
        );
    }

    #[test]
    fn dir_target_writes_one_file_per_input() {
        let dir = tempfile::tempdir().unwrap();
        let mut sink = Sink::new(false, true, Target::Dir(dir.path().into()), true, false).unwrap();
        sink.begin("x/report.txt");
        sink.text("Short answer").unwrap();
        let rec = Record {
            file: "x/report.txt".into(),
            task: "summary".into(),
            ..Default::default()
        };
        let path = sink.finish(&rec, None, None).unwrap().unwrap();
        assert_eq!(path, dir.path().join("report.summary.md"));
        assert_eq!(std::fs::read_to_string(path).unwrap(), "Short answer\n");
    }
}
