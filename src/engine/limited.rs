//! A cap on requests in flight. Several files, each in several parts, all share one engine;
//! `--jobs N` promises the endpoint at most N requests at once, whatever mix produces them.

use super::{Capabilities, ChatRequest, Engine, EventSender, Probe, Provider};
use crate::error::{Error, Result};
use futures_util::future::BoxFuture;
use std::sync::Arc;
use tokio::sync::Semaphore;

pub struct Limited {
    inner: Arc<dyn Engine>,
    slots: Semaphore,
}

impl Limited {
    pub fn new(inner: Arc<dyn Engine>, jobs: usize) -> Self {
        Limited {
            inner,
            slots: Semaphore::new(jobs.max(1)),
        }
    }
}

impl Engine for Limited {
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
            // Held for the whole request, retries included: a request backing off after a 429
            // still occupies its slot, so back-pressure slows everything down.
            let _slot = self
                .slots
                .acquire()
                .await
                .map_err(|_| Error::Engine("request limiter closed".into()))?;
            self.inner.stream(req, tx).await
        })
    }

    fn count_tokens(&self, text: &str) -> Option<usize> {
        self.inner.count_tokens(text)
    }

    fn context_window(&self) -> Option<usize> {
        self.inner.context_window()
    }

    fn probe<'a>(&'a self, sample: &'a str) -> BoxFuture<'a, Probe> {
        self.inner.probe(sample)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Event;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::sync::{Notify, mpsc};

    /// Counts requests in flight and holds each until released.
    struct Gate {
        now: AtomicUsize,
        peak: AtomicUsize,
        release: Notify,
    }

    impl Engine for Gate {
        fn provider(&self) -> Provider {
            Provider::Openai
        }
        fn capabilities(&self) -> Capabilities {
            Capabilities {
                language_model: true,
                in_process: false,
                parallel_requests: 4,
                own_tokenizer: false,
                constrained_output: false,
            }
        }
        fn model(&self) -> String {
            "gate".into()
        }
        fn stream<'a>(&'a self, _: ChatRequest, tx: EventSender) -> BoxFuture<'a, Result<()>> {
            Box::pin(async move {
                let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
                self.peak.fetch_max(n, Ordering::SeqCst);
                self.release.notified().await;
                self.now.fetch_sub(1, Ordering::SeqCst);
                let _ = tx
                    .send(Event::Done {
                        finish_reason: Some("stop".into()),
                    })
                    .await;
                Ok(())
            })
        }
    }

    #[tokio::test]
    async fn never_more_than_jobs_requests_at_once() {
        let gate = Arc::new(Gate {
            now: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            release: Notify::new(),
        });
        let limited = Arc::new(Limited::new(gate.clone(), 3));
        let mut running = Vec::new();
        for _ in 0..8 {
            let l = limited.clone();
            running.push(tokio::spawn(async move {
                let (tx, _rx) = mpsc::channel(4);
                l.stream(ChatRequest::default(), tx).await
            }));
        }
        // Release requests one by one until all eight are through.
        let mut done = 0;
        while done < 8 {
            tokio::task::yield_now().await;
            if gate.now.load(Ordering::SeqCst) > 0 {
                gate.release.notify_one();
            }
            done = running.iter().filter(|h| h.is_finished()).count();
        }
        for h in running {
            assert!(h.await.is_ok_and(|r| r.is_ok()));
        }
        assert_eq!(gate.peak.load(Ordering::SeqCst), 3);
    }
}
