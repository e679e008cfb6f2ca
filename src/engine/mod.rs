//! Engines turn a [`ChatRequest`] into a stream of [`Event`]s. They know nothing about
//! templates, files or terminals: tasks build requests, sinks consume events.

pub mod audited;
pub mod builtin;
pub mod choose;
pub mod limited;
#[cfg(feature = "local")]
pub mod local;
pub mod openai;
pub mod redacted;

use crate::error::Result;
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::mpsc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Self {
            role: Role::System,
            content: content.into(),
        }
    }
    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: Role::User,
            content: content.into(),
        }
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Self {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// Sampling and length settings; `None` leaves the engine's own default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GenParams {
    pub model: Option<String>,
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub max_tokens: Option<u32>,
    pub seed: Option<u64>,
    pub stop: Vec<String>,
}

/// Summary length: the built-in summarizer's own type, which the summarize task and the
/// command line use as it is.
pub use crate::text::summarizer::Length;

/// What the request is for. Model engines only read `messages`; the built-in engine has no
/// model, so it works from the intent and the raw text instead.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Intent {
    #[default]
    Chat,
    Summarize {
        /// The document's own buffer, shared: a large document is not copied for the engine.
        text: Arc<str>,
        /// Line number (1-based) of the first line of `text` in its source document.
        first_line: usize,
        length: Length,
    },
    Translate,
}

#[derive(Debug, Clone, Default)]
pub struct ChatRequest {
    pub messages: Vec<Message>,
    pub params: GenParams,
    /// JSON Schema the answer must conform to (structured output), if any.
    pub schema: Option<serde_json::Value>,
    pub intent: Intent,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A piece of the answer, forwarded to the sink as soon as it arrives.
    Text(String),
    Usage {
        prompt_tokens: u64,
        completion_tokens: u64,
        /// Of `prompt_tokens`, how many were not read again: the local engine's kept prefix,
        /// or what a server reports as cached (`prompt_tokens_details.cached_tokens`).
        cached_tokens: u64,
    },
    /// The answer is complete. `finish_reason` as the engine reported it ("stop", "length"…).
    Done { finish_reason: Option<String> },
}

/// Where events go. A closed channel means the consumer is gone (Ctrl-C, broken pipe):
/// engines stop generating as soon as a send fails.
pub type EventSender = mpsc::Sender<Event>;

/// The kinds of engine ava has: the one list every front end, the config and the CLI use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Any OpenAI-compatible server: llama.cpp, vLLM, Ollama, OpenAI.
    Openai,
    /// An installed GGUF model, run in-process by llama.cpp.
    Local,
    /// No model: extractive summaries and pattern extraction.
    Builtin,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Openai, Provider::Local, Provider::Builtin];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Openai => "openai",
            Provider::Local => "local",
            Provider::Builtin => "builtin",
        }
    }

    /// `None` for a name that is not an engine.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// "openai, local, builtin", for messages that list the choices.
    pub fn names() -> String {
        Self::ALL.map(Provider::as_str).join(", ")
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an engine can do. Tasks and front ends ask this instead of comparing engine names,
/// so a new engine only has to describe itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// It has a language model: it can chat, translate and fill free-form templates. Without
    /// one only the deterministic parts of tasks run (extractive summary, pattern extraction).
    pub language_model: bool,
    /// It runs in this process: the text never leaves the machine.
    pub in_process: bool,
    /// Requests it serves well at once; the default for `--jobs`. 1 means requests queue
    /// behind each other anyway, so asking for more only costs memory.
    pub parallel_requests: usize,
    /// It counts tokens with the model's own vocabulary (exact budgets, no calibration).
    pub own_tokenizer: bool,
    /// It constrains answers to a JSON Schema while generating, not only after.
    pub constrained_output: bool,
}

pub trait Engine: Send + Sync {
    /// Which kind of engine this is.
    fn provider(&self) -> Provider;
    /// What it can do.
    fn capabilities(&self) -> Capabilities;
    /// Short name for messages and the audit log: "openai", "local", "builtin".
    fn name(&self) -> &str {
        self.provider().as_str()
    }
    /// Model identifier as it will be reported.
    fn model(&self) -> String;
    /// Where requests go (a server's base URL), or `None` when the text stays in this process.
    fn endpoint(&self) -> Option<String> {
        None
    }
    /// The model file this engine runs in-process (GGUF), for the audit log's hash of it.
    fn model_file(&self) -> Option<std::path::PathBuf> {
        None
    }
    /// Stream the answer to `tx`. Returns once a `Done` event was sent, or with an error.
    /// A stream that ends early is an error ([`crate::Error::Truncated`]), never `Ok`.
    fn stream<'a>(&'a self, req: ChatRequest, tx: EventSender) -> BoxFuture<'a, Result<()>>;
    /// Count tokens the way this engine's model does, if it can.
    fn count_tokens(&self, text: &str) -> Option<usize> {
        let _ = text;
        None
    }
    /// Context window in tokens, if known.
    fn context_window(&self) -> Option<usize> {
        None
    }
    /// Ask the backend what the engine does not know locally: the context window and the
    /// number of tokens `sample` takes in the model's own vocabulary. May cost requests, so it
    /// is used only when a document might not fit; `None` fields are unknown.
    fn probe<'a>(&'a self, sample: &'a str) -> BoxFuture<'a, Probe> {
        Box::pin(async move {
            Probe {
                context_window: self.context_window(),
                sample_tokens: self.count_tokens(sample),
            }
        })
    }
}

/// What [`Engine::probe`] found out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Probe {
    pub context_window: Option<usize>,
    pub sample_tokens: Option<usize>,
}

/// Run a request to completion and collect the text; for callers that don't stream.
pub async fn complete(engine: &dyn Engine, req: ChatRequest) -> Result<String> {
    let (tx, mut rx) = mpsc::channel(256);
    let run = engine.stream(req, tx);
    let collect = async {
        let mut out = String::new();
        while let Some(ev) = rx.recv().await {
            if let Event::Text(t) = ev {
                out.push_str(&t);
            }
        }
        out
    };
    let (res, out) = tokio::join!(run, collect);
    res.map(|_| out)
}
