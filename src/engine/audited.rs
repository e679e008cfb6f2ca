//! Every request through an engine, recorded in the audit log: where it went (the endpoint,
//! or in this process), which model, fingerprints of what was sent and what came back, tokens,
//! how it ended. Wrapping the engine, rather than each caller, means no path — one-shot,
//! batch, parts of a long document, REPL — can send text unrecorded.

use super::{Capabilities, ChatRequest, Engine, Event, EventSender, Probe, Provider};
use crate::audit::{AuditLog, fingerprint};
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
}

impl Audited {
    pub fn new(inner: Arc<dyn Engine>, log: &'static AuditLog) -> Self {
        Self { inner, log }
    }
}

/// What came back, tallied as it is passed on.
#[derive(Default)]
struct Received {
    hash: Sha256,
    bytes: usize,
    usage: Option<(u64, u64)>,
    finish: Option<String>,
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

    fn stream<'a>(&'a self, req: ChatRequest, tx: EventSender) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let sent = serde_json::to_vec(&req.messages).unwrap_or_default();
            let messages = req.messages.len();
            let structured = req.schema.is_some();
            let model = req.params.model.clone().unwrap_or_else(|| self.model());
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
                        } => got.usage = Some((*prompt_tokens, *completion_tokens)),
                        Event::Done { finish_reason } => got.finish.clone_from(finish_reason),
                    }
                    // The consumer is gone: dropping our receiver stops the engine too.
                    if tx.send(ev).await.is_err() {
                        break;
                    }
                }
                got
            };
            let (result, got) = tokio::join!(self.inner.stream(req, inner_tx), pass_on);

            let mut r = Map::new();
            r.insert("engine".into(), self.inner.name().into());
            r.insert("model".into(), model.into());
            // null: the text never left this process.
            r.insert("endpoint".into(), self.inner.endpoint().into());
            r.insert("structured".into(), structured.into());
            let mut sent_record = fingerprint(&sent);
            sent_record["messages"] = messages.into();
            r.insert("sent".into(), sent_record);
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
            r.insert("ms".into(), (started.elapsed().as_millis() as u64).into());
            self.log.write_or_warn("request", r);
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
            let probe = self.inner.probe(sample).await;
            // A server probe may send a sample of the document to be tokenized.
            if let Some(endpoint) = self.inner.endpoint() {
                let mut r = Map::new();
                r.insert("engine".into(), self.inner.name().into());
                r.insert("endpoint".into(), endpoint.into());
                r.insert("sent".into(), fingerprint(sample.as_bytes()));
                self.log.write_or_warn("probe", r);
            }
            probe
        })
    }
}
