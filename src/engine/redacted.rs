//! Redaction before a request leaves: every message is pseudonymised
//! ([`crate::text::redact`]) on its way to the wrapped engine, and the streamed answer has the
//! originals put back before anyone sees it. Wrapping the engine means every path — one-shot,
//! batch, parts of long documents, the REPL, probes that send a sample — is covered.
//!
//! Placeholders the model dropped or mangled are reported through `notify` (stderr), never
//! silently left in the output. The mapping stays in this process: not logged, not audited.

use super::{
    Capabilities, ChatRequest, Engine, Event, EventSender, Message, Probe, Provider, Role,
};
use crate::error::Result;
use crate::text::redact::{Pseudonyms, Restorer};
use futures_util::future::BoxFuture;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::mpsc;

/// Where reports go (the front end's status line).
pub type Notify = Arc<dyn Fn(&str) + Send + Sync>;

const KEEP_PLACEHOLDERS: &str = "The text contains placeholders such as <PHONE_1> or <NAME_2> \
standing for redacted values. Copy each placeholder exactly as written wherever the value \
belongs in your answer; never change, translate or invent them.";

pub struct Redacted {
    inner: Arc<dyn Engine>,
    map: Mutex<Pseudonyms>,
    region: String,
    notify: Notify,
}

impl Redacted {
    pub fn new(inner: Arc<dyn Engine>, terms: Vec<String>, region: &str, notify: Notify) -> Self {
        Self {
            inner,
            map: Mutex::new(Pseudonyms::new(terms)),
            region: region.to_string(),
            notify,
        }
    }

    fn redact(&self, text: &str) -> (String, BTreeSet<String>) {
        self.map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .redact(text, &self.region)
    }
}

impl Engine for Redacted {
    fn provider(&self) -> Provider {
        self.inner.provider()
    }
    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }
    fn name(&self) -> &str {
        self.inner.name()
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
    fn count_tokens(&self, text: &str) -> Option<usize> {
        self.inner.count_tokens(text)
    }
    fn context_window(&self) -> Option<usize> {
        self.inner.context_window()
    }

    fn probe<'a>(&'a self, sample: &'a str) -> BoxFuture<'a, Probe> {
        Box::pin(async move {
            // A server probe may send the sample to be tokenized: it leaves redacted too.
            let (redacted, _) = self.redact(sample);
            self.inner.probe(&redacted).await
        })
    }

    fn stream<'a>(&'a self, mut req: ChatRequest, tx: EventSender) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let mut sent = BTreeSet::new();
            for m in &mut req.messages {
                let (text, used) = self.redact(&m.content);
                m.content = text;
                sent.extend(used);
            }
            if !sent.is_empty() {
                match req.messages.iter_mut().find(|m| m.role == Role::System) {
                    Some(sys) => {
                        sys.content.push_str("\n\n");
                        sys.content.push_str(KEEP_PLACEHOLDERS);
                    }
                    None => req.messages.insert(0, Message::system(KEEP_PLACEHOLDERS)),
                }
            }
            let (inner_tx, mut inner_rx) = mpsc::channel(64);
            let restore = async {
                let mut r = Restorer::default();
                while let Some(ev) = inner_rx.recv().await {
                    let ev = match ev {
                        Event::Text(t) => {
                            let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
                            let out = r.push(&t, &map);
                            if out.is_empty() {
                                continue;
                            }
                            Event::Text(out)
                        }
                        Event::Done { finish_reason } => {
                            let rest = {
                                let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
                                r.finish(&map)
                            };
                            if !rest.is_empty() && tx.send(Event::Text(rest)).await.is_err() {
                                return r;
                            }
                            Event::Done { finish_reason }
                        }
                        other => other,
                    };
                    if tx.send(ev).await.is_err() {
                        return r;
                    }
                }
                r
            };
            let (result, r) = tokio::join!(self.inner.stream(req, inner_tx), restore);
            if result.is_ok() {
                report(&self.notify, &sent, &r);
            }
            result
        })
    }
}

/// Says which placeholders did not come back as sent.
fn report(notify: &Notify, sent: &BTreeSet<String>, r: &Restorer) {
    if !r.unknown.is_empty() {
        let list: Vec<&str> = r.unknown.iter().map(String::as_str).collect();
        notify(&format!(
            "redaction: the answer holds placeholder text the model changed or invented, left \
             as it is: {}",
            list.join(", ")
        ));
    }
    let dropped: Vec<&str> = sent
        .iter()
        .filter(|p| !r.restored.contains(*p))
        .map(String::as_str)
        .collect();
    if !dropped.is_empty() {
        notify(&format!(
            "redaction: {} of {} redacted values do not appear in the answer (dropped by the \
             model): {}",
            dropped.len(),
            sent.len(),
            dropped.join(", ")
        ));
    }
}
