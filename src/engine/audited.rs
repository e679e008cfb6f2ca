//! Every request through an engine, recorded in the audit log: where it went (the endpoint,
//! or in this process), which model, fingerprints of what was sent and what came back, tokens,
//! how it ended. Wrapping the engine, rather than each caller, means no path — one-shot,
//! batch, parts of a long document, REPL — can send text unrecorded.

use super::{Capabilities, ChatRequest, Engine, Event, EventSender, Intent, Probe, Provider};
use crate::audit::{AuditLog, Pending, fingerprint, fingerprint_json};
use crate::error::Result;
use futures_util::future::BoxFuture;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc;

pub struct Audited {
    inner: Arc<dyn Engine>,
    log: &'static AuditLog,
    /// SHA-256 of the local model file, worked out on first use (see [`model_sha256`]).
    model_sha: std::sync::OnceLock<Option<String>>,
}

impl Audited {
    pub fn new(inner: Arc<dyn Engine>, log: &'static AuditLog) -> Self {
        Self {
            inner,
            log,
            model_sha: std::sync::OnceLock::new(),
        }
    }

    fn model_sha256(&self) -> Option<String> {
        self.model_sha
            .get_or_init(|| self.inner.model_file().and_then(|p| model_sha256(&p)))
            .clone()
    }
}

/// SHA-256 of a GGUF file: from the model store's index when the file is installed (hashed
/// once at import), else hashed now, once per process.
fn model_sha256(path: &std::path::Path) -> Option<String> {
    let store = crate::models::ModelStore::open_default();
    let same =
        |a: &std::path::Path| std::fs::canonicalize(a).ok() == std::fs::canonicalize(path).ok();
    if let Ok(entries) = store.list()
        && let Some(e) = entries.iter().find(|e| same(&store.path_of(e)))
    {
        return Some(e.sha256.clone());
    }
    crate::models::sha256_file(path).ok()
}

/// What came back, tallied as it is passed on.
#[derive(Default)]
struct Received {
    hash: Sha256,
    bytes: usize,
    usage: Option<(u64, u64)>,
    finish: Option<String>,
    consumer_gone: bool,
}

impl Engine for Audited {
    fn provider(&self) -> Provider {
        self.inner.provider()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    fn model(&self) -> String {
        self.inner.model()
    }

    fn endpoint(&self) -> Option<String> {
        self.inner.endpoint()
    }

    fn model_file(&self) -> Option<std::path::PathBuf> {
        self.inner.model_file()
    }

    fn stream<'a>(&'a self, req: ChatRequest, tx: EventSender) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let model = req.params.model.clone().unwrap_or_else(|| self.model());
            // The intent is in the log before any text leaves: where it goes, which model,
            // what (by hash and size). The outcome follows, or `interrupted`.
            let mut intent = Map::new();
            intent.insert("engine".into(), self.inner.name().into());
            intent.insert("model".into(), model.into());
            if let Some(sha) = self.model_sha256() {
                intent.insert("model_sha256".into(), sha.into());
            }
            // null: the text never left this process.
            intent.insert("endpoint".into(), self.inner.endpoint().into());
            intent.insert("structured".into(), req.schema.is_some().into());
            let mut sent_record = match &req.intent {
                // The built-in engine reads the document itself, not a prompt.
                Intent::Summarize { text, .. } => fingerprint(text.as_bytes()),
                _ => fingerprint_json(&req.messages),
            };
            sent_record["messages"] = req.messages.len().into();
            intent.insert("sent".into(), sent_record);
            let pending = Pending::start(self.log, intent);

            let started = Instant::now();
            let (inner_tx, mut inner_rx) = mpsc::channel(64);
            let pass_on = async {
                let mut got = Received::default();
                while let Some(ev) = inner_rx.recv().await {
                    match &ev {
                        Event::Text(t) => {
                            got.hash.update(t.as_bytes());
                            got.bytes += t.len();
                        }
                        Event::Usage {
                            prompt_tokens,
                            completion_tokens,
                            ..
                        } => got.usage = Some((*prompt_tokens, *completion_tokens)),
                        Event::Done { finish_reason } => got.finish.clone_from(finish_reason),
                    }
                    // The consumer is gone: dropping our receiver stops the engine too.
                    if tx.send(ev).await.is_err() {
                        got.consumer_gone = true;
                        break;
                    }
                }
                got
            };
            let (result, got) = tokio::join!(self.inner.stream(req, inner_tx), pass_on);

            let mut r = Map::new();
            r.insert(
                "received".into(),
                json!({ "bytes": got.bytes, "sha256": hex::encode(got.hash.finalize()) }),
            );
            r.insert(
                "tokens".into(),
                got.usage.map_or(
                    Value::Null,
                    |(p, c)| json!({ "prompt": p, "completion": c }),
                ),
            );
            r.insert("finish".into(), got.finish.into());
            r.insert(
                "error".into(),
                result.as_ref().err().map(|e| e.to_string()).into(),
            );
            let outcome = if got.consumer_gone {
                // Nobody took the rest of the answer (stdout closed, the front end stopped).
                r.insert("cause".into(), "the answer's reader went away".into());
                "interrupted"
            } else if result.is_ok() {
                "ok"
            } else {
                "error"
            };
            r.insert("outcome".into(), outcome.into());
            r.insert("ms".into(), (started.elapsed().as_millis() as u64).into());
            pending.finish(r);
            result
        })
    }

    fn count_tokens(&self, text: &str) -> Option<usize> {
        self.inner.count_tokens(text)
    }

    fn context_window(&self) -> Option<usize> {
        self.inner.context_window()
    }

    fn probe<'a>(&'a self, sample: &'a str) -> BoxFuture<'a, Probe> {
        Box::pin(async move {
            // A server probe may send a sample of the document to be tokenized: recorded
            // before it goes.
            if let Some(endpoint) = self.inner.endpoint() {
                let mut r = Map::new();
                r.insert("engine".into(), self.inner.name().into());
                r.insert("endpoint".into(), endpoint.into());
                r.insert("sent".into(), fingerprint(sample.as_bytes()));
                self.log.write_or_warn("probe", r);
            }
            self.inner.probe(sample).await
        })
    }
}
