//! What a REPL session holds: attached documents, the conversation the model remembers, and
//! the transcript the analyst can save. Also the memory budget and `/session` files.

use crate::engine::Message;
use crate::error::{Error, Result};
use crate::source::Document;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Version of the `/session save` file shape.
const SESSION_VERSION: u32 = 1;

/// A document attached with `/file`, with its size in tokens worked out once.
#[derive(Debug, Clone)]
pub struct Attached {
    pub doc: Document,
    pub tokens: usize,
    /// Stands in for the document in chat turns when the whole text does not fit the model.
    pub digest: Option<Digest>,
}

/// A summary of an attached document, made when the document is too long to chat over whole.
#[derive(Debug, Clone)]
pub struct Digest {
    pub text: String,
    pub tokens: usize,
}

impl Attached {
    pub fn new(doc: Document, tokens: usize) -> Self {
        Attached {
            doc,
            tokens,
            digest: None,
        }
    }

    /// Tokens the document takes in a chat turn: its summary's when it has one.
    pub fn chat_tokens(&self) -> usize {
        self.digest.as_ref().map_or(self.tokens, |d| d.tokens)
    }
}

/// One exchange the model remembers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    /// As sent to the model (after the chat template).
    pub user: String,
    pub assistant: String,
    #[serde(default)]
    pub tokens: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Who {
    User,
    Assistant,
    /// A command and what it printed (`/summarize report.txt` and the summary).
    Command,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub who: Who,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct Session {
    pub docs: Vec<Attached>,
    pub memory: Vec<Turn>,
    pub transcript: Vec<Entry>,
    pub last_answer: Option<String>,
}

impl Session {
    pub fn note(&mut self, who: Who, text: impl Into<String>) {
        self.transcript.push(Entry {
            who,
            text: text.into(),
        });
    }

    /// Attach, replacing an earlier copy of the same file. Returns true if it replaced one.
    pub fn attach(&mut self, a: Attached) -> bool {
        match self.docs.iter_mut().find(|d| d.doc.name == a.doc.name) {
            Some(old) => {
                *old = a;
                true
            }
            None => {
                self.docs.push(a);
                false
            }
        }
    }

    /// Detach by the name shown in `/files`, or by the file name alone.
    pub fn detach(&mut self, name: &str) -> Option<Attached> {
        let i = self
            .docs
            .iter()
            .position(|d| d.doc.name == name)
            .or_else(|| {
                let mut by_base = self
                    .docs
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| base_name(&d.doc.name) == name);
                match (by_base.next(), by_base.next()) {
                    (Some((i, _)), None) => Some(i),
                    _ => None,
                }
            })?;
        Some(self.docs.remove(i))
    }

    /// The system message part that carries the attached documents. Documents are values in
    /// a message, never template source, so `{{` in case material stays inert.
    pub fn documents_block(&self) -> String {
        if self.docs.is_empty() {
            return String::new();
        }
        let mut out = String::from("The analyst attached these documents to the conversation:\n");
        for a in &self.docs {
            let body = match &a.digest {
                None => {
                    out.push_str(&format!("\n<document name=\"{}\">\n", a.doc.name));
                    &*a.doc.text
                }
                Some(d) => {
                    out.push_str(&format!(
                        "\n<document name=\"{}\" content=\"summary\">\n\
                         (The whole document is too long for this conversation; this is a summary \
                         of it. Say so when an answer may depend on details the summary leaves out.)\n",
                        a.doc.name
                    ));
                    d.text.as_str()
                }
            };
            out.push_str(body);
            if !body.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("</document>\n");
        }
        out
    }

    /// The transcript as Markdown, for `/save`.
    pub fn transcript_markdown(&self, header: &str) -> String {
        let mut out = format!("# ava session\n\n{header}\n");
        for e in &self.transcript {
            match e.who {
                Who::User => out.push_str(&format!("\n## You\n\n{}\n", e.text.trim_end())),
                Who::Assistant => out.push_str(&format!("\n## ava\n\n{}\n", e.text.trim_end())),
                Who::Command => out.push_str(&format!("\n### {}\n", e.text.trim_end())),
            }
        }
        out
    }
}

pub fn base_name(name: &str) -> &str {
    Path::new(name)
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or(name)
}

/// Tokens a chat message costs beyond its text (role markers).
pub const MESSAGE_OVERHEAD: usize = 4;

/// How many of the oldest turns must go so that `fixed` (system prompt, documents, the new
/// message) plus the remaining turns fit in `budget`. `None` when even dropping every turn is
/// not enough.
pub fn turns_to_drop(fixed: usize, turns: &[usize], budget: usize) -> Option<usize> {
    if fixed > budget {
        return None;
    }
    let mut total: usize = fixed + turns.iter().sum::<usize>();
    for (dropped, cost) in turns.iter().enumerate() {
        if total <= budget {
            return Some(dropped);
        }
        total -= cost;
    }
    Some(turns.len())
}

/// The messages for a chat turn: system (prompt and documents), remembered turns, new message.
pub fn chat_messages(system: &str, memory: &[Turn], user: &str) -> Vec<Message> {
    let mut out = Vec::with_capacity(memory.len() * 2 + 2);
    if !system.trim().is_empty() {
        out.push(Message::system(system));
    }
    for t in memory {
        out.push(Message::user(t.user.clone()));
        out.push(Message::assistant(t.assistant.clone()));
    }
    out.push(Message::user(user));
    out
}

/// What `/session save` writes. Documents are stored by path and read again on load, so a
/// session file holds no more case text than the conversation itself.
#[derive(Debug, Serialize, Deserialize)]
pub struct Saved {
    pub version: u32,
    pub engine: String,
    pub model: String,
    pub attached: Vec<PathBuf>,
    pub memory: Vec<Turn>,
    pub transcript: Vec<Entry>,
}

pub fn sessions_dir() -> PathBuf {
    crate::paths::data_dir().join("sessions")
}

/// Session names become file names: keep them to one plain path component.
pub fn session_file(name: &str) -> Result<PathBuf> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        return Err(Error::Usage(format!(
            "session name {name:?}: use letters, digits, `-`, `_` and `.` (not first)"
        )));
    }
    Ok(sessions_dir().join(format!("{name}.json")))
}

pub fn list_sessions() -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(sessions_dir()) else {
        return Vec::new();
    };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".json"))
                .map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

impl Saved {
    pub fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_string_pretty(self)
            .map_err(|e| Error::InvalidOutput(format!("cannot encode the session: {e}")))?;
        write_private(path, json.as_bytes())
    }

    pub fn read(path: &Path) -> Result<Saved> {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::InputNotFound { path: path.into() },
            _ => Error::InputUnreadable {
                path: path.into(),
                source: e,
            },
        })?;
        let saved: Saved = serde_json::from_str(&text).map_err(|e| Error::BadInput {
            name: path.display().to_string(),
            reason: format!("not an ava session file: {e}"),
        })?;
        if saved.version > SESSION_VERSION {
            return Err(Error::BadInput {
                name: path.display().to_string(),
                reason: format!(
                    "session file version {} is newer than this ava understands",
                    saved.version
                ),
            });
        }
        Ok(saved)
    }

    pub fn new(engine: String, model: String, s: &Session) -> Saved {
        Saved {
            version: SESSION_VERSION,
            engine,
            model,
            attached: s
                .docs
                .iter()
                .filter_map(|a| a.doc.path.clone())
                .map(absolute)
                .collect(),
            memory: s.memory.clone(),
            transcript: s.transcript.clone(),
        }
    }
}

fn absolute(p: PathBuf) -> PathBuf {
    std::path::absolute(&p).unwrap_or(p)
}

/// Case data: readable by the owner only, in a directory only the owner can list.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |source| Error::Output {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir).map_err(io)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp).map_err(io)?;
        f.write_all(bytes).map_err(io)?;
    }
    std::fs::rename(&tmp, path).map_err(io)
}

pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oldest_turns_go_first_and_only_as_many_as_needed() {
        assert_eq!(turns_to_drop(10, &[5, 5, 5], 100), Some(0));
        assert_eq!(turns_to_drop(10, &[50, 30, 20], 60), Some(1));
        assert_eq!(turns_to_drop(10, &[50, 30, 20], 59), Some(2));
        assert_eq!(turns_to_drop(10, &[50, 30, 20], 10), Some(3));
        assert_eq!(turns_to_drop(90, &[], 80), None);
    }

    #[test]
    fn detach_by_full_or_base_name() {
        let mut s = Session::default();
        for n in ["a/x.txt", "b/y.txt", "c/y.txt"] {
            s.attach(Attached::new(Document::from_text(n, "t"), 1));
        }
        assert!(s.attach(Attached::new(Document::from_text("a/x.txt", "new"), 1)));
        assert_eq!(s.docs.len(), 3);
        assert!(s.detach("x.txt").is_some());
        assert!(
            s.detach("y.txt").is_none(),
            "ambiguous base name must not pick one"
        );
        assert!(s.detach("c/y.txt").is_some());
    }

    #[test]
    fn documents_are_not_template_source() {
        let mut s = Session::default();
        s.attach(Attached::new(
            Document::from_text("r.txt", "{{ input }} {% if %}"),
            1,
        ));
        assert!(
            s.documents_block()
                .contains("{{ input }} {% if %}\n</document>")
        );
    }

    #[test]
    fn a_summarized_document_is_sent_as_its_summary_and_says_so() {
        let mut s = Session::default();
        let mut a = Attached::new(Document::from_text("long.txt", "FULL TEXT"), 900);
        a.digest = Some(Digest {
            text: "SHORT SUMMARY".into(),
            tokens: 30,
        });
        s.attach(a);
        let block = s.documents_block();
        assert!(block.contains("SHORT SUMMARY"), "{block}");
        assert!(!block.contains("FULL TEXT"), "{block}");
        assert!(block.contains("content=\"summary\""), "{block}");
        assert_eq!(s.docs[0].chat_tokens(), 30);
    }

    #[test]
    fn session_names_stay_inside_the_sessions_dir() {
        assert!(session_file("case-12_a.v2").is_ok());
        for bad in ["", "../x", "a/b", ".hidden", "a b"] {
            assert!(session_file(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn messages_keep_order() {
        let m = chat_messages(
            "sys",
            &[Turn {
                user: "q".into(),
                assistant: "a".into(),
                tokens: 2,
            }],
            "next",
        );
        let roles: Vec<_> = m.iter().map(|m| m.role).collect();
        use crate::engine::Role::*;
        assert_eq!(roles, [System, User, Assistant, User]);
    }
}
