//! The built-in engine: no model, deterministic. It works from [`Intent`] rather than from
//! the messages, since without a model there is nobody to read a prompt.
//!
//! - [`Intent::Summarize`]: an extractive summary, one `Event::Text` per sentence, each line
//!   ending in its source line reference: `The suspect fled on foot. [L12]` or `[L12-13]`.
//! - [`Intent::Chat`], [`Intent::Translate`]: [`Error::EngineUnavailable`] naming how to get a
//!   model.

use super::{Capabilities, ChatRequest, Engine, Event, EventSender, Intent, Provider};
use crate::error::{Error, Result};
use crate::text::region::RegionSetting;
use crate::text::summarizer;
use futures_util::future::BoxFuture;

const TRANSLATE_UNAVAILABLE: &str = "translation needs a language model: run `ava models import FILE.gguf` to install a local model, or configure a server with --base-url / AVA_BASE_URL";
const CHAT_UNAVAILABLE: &str = "answering free-form questions needs a language model: run `ava models import FILE.gguf` to install a local model, or configure a server with --base-url / AVA_BASE_URL";

#[derive(Debug, Clone)]
pub struct BuiltinEngine {
    default_region: String,
}

impl Default for BuiltinEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl BuiltinEngine {
    /// The region of each document is inferred from it ("auto").
    pub fn new() -> Self {
        Self {
            default_region: "auto".to_string(),
        }
    }

    /// Read phone numbers without a country code and ambiguous dates as `region` writes them
    /// (ISO 3166 alpha-2, e.g. "DE"), or "auto" (inferred per document) or "none". Anything
    /// else is a usage error.
    pub fn with_region(region: &str) -> Result<Self> {
        let Some(setting) = RegionSetting::parse(region) else {
            return Err(Error::Usage(format!(
                "unknown region {region:?}: expected a two-letter country code such as PL, DE or GB, \
                 \"auto\" or \"none\""
            )));
        };
        let default_region = match setting {
            RegionSetting::Auto => "auto".to_string(),
            RegionSetting::Off => "none".to_string(),
            RegionSetting::Fixed(_) => region.trim().to_ascii_uppercase(),
        };
        Ok(Self { default_region })
    }

    pub fn default_region(&self) -> &str {
        &self.default_region
    }

    /// Everything the engine will send for `intent`, computed off the async runtime since a
    /// large document takes a while.
    async fn answer(&self, intent: Intent) -> Result<Vec<String>> {
        match intent {
            Intent::Summarize {
                text,
                first_line,
                length,
            } => {
                run_blocking(move || {
                    summarizer::summarize(&text, first_line, length)
                        .iter()
                        .map(|s| summarizer::format_line(s) + "\n")
                        .collect()
                })
                .await
            }
            Intent::Translate => Err(Error::EngineUnavailable(TRANSLATE_UNAVAILABLE.to_string())),
            Intent::Chat => Err(Error::EngineUnavailable(CHAT_UNAVAILABLE.to_string())),
        }
    }
}

async fn run_blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Engine(format!("built-in engine failed: {e}")))
}

impl Engine for BuiltinEngine {
    fn provider(&self) -> Provider {
        Provider::Builtin
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            language_model: false,
            in_process: true,
            // Answers are computed on blocking threads; several files run side by side.
            parallel_requests: 4,
            own_tokenizer: false,
            constrained_output: false,
        }
    }

    fn model(&self) -> String {
        "builtin-extractive".to_string()
    }

    fn stream<'a>(&'a self, req: ChatRequest, tx: EventSender) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let pieces = self.answer(req.intent).await?;
            for piece in pieces {
                // The consumer is gone (Ctrl-C, closed pipe): stop, as the trait asks.
                if tx.send(Event::Text(piece)).await.is_err() {
                    return Err(Error::Interrupted);
                }
            }
            tx.send(Event::Done {
                finish_reason: Some("stop".to_string()),
            })
            .await
            .map_err(|_| Error::Interrupted)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Length;
    use tokio::sync::mpsc;

    fn request(intent: Intent) -> ChatRequest {
        ChatRequest {
            intent,
            ..ChatRequest::default()
        }
    }

    async fn events(engine: &BuiltinEngine, intent: Intent) -> (Result<()>, Vec<Event>) {
        let (tx, mut rx) = mpsc::channel(64);
        let result = engine.stream(request(intent), tx).await;
        let mut out = Vec::new();
        while let Some(ev) = rx.recv().await {
            out.push(ev);
        }
        (result, out)
    }

    #[test]
    fn names() {
        let engine = BuiltinEngine::new();
        assert_eq!(engine.name(), "builtin");
        assert_eq!(engine.model(), "builtin-extractive");
        assert_eq!(engine.default_region(), "auto");
        assert_eq!(engine.count_tokens("abc"), None);
        assert_eq!(
            BuiltinEngine::with_region("de")
                .map(|e| e.default_region().to_string())
                .ok(),
            Some("DE".to_string())
        );
        assert!(BuiltinEngine::with_region("none").is_ok());
        let err = BuiltinEngine::with_region("Mars").err();
        assert!(matches!(err, Some(Error::Usage(_))));
    }

    #[tokio::test]
    async fn summarize_streams_one_line_per_sentence_with_line_refs() {
        let text = "The bank on Main Street was robbed on Monday morning.\n\
                    Two masked men took cash from the bank and fled in a blue van.\n\
                    The blue van was later found burnt near the river.\n\
                    Police are looking for witnesses of the bank robbery.\n";
        let (result, evs) = events(
            &BuiltinEngine::new(),
            Intent::Summarize {
                text: text.into(),
                first_line: 10,
                length: Length::Short,
            },
        )
        .await;
        assert!(result.is_ok(), "{result:?}");
        let (last, texts) = evs.split_last().expect("events");
        assert_eq!(
            *last,
            Event::Done {
                finish_reason: Some("stop".to_string())
            }
        );
        assert_eq!(texts.len(), 3);
        for ev in texts {
            let Event::Text(line) = ev else {
                panic!("unexpected {ev:?}")
            };
            assert!(line.ends_with("]\n"), "{line:?}");
            assert!(line.contains(" [L1"), "{line:?}");
            assert_eq!(line.matches('\n').count(), 1);
        }
    }

    #[tokio::test]
    async fn translate_and_chat_need_a_model() {
        for (intent, needle) in [
            (Intent::Translate, "translation needs a language model"),
            (Intent::Chat, "free-form questions needs a language model"),
        ] {
            let (result, evs) = events(&BuiltinEngine::new(), intent).await;
            let err = result.expect_err("no model");
            assert!(matches!(err, Error::EngineUnavailable(_)));
            assert_eq!(err.exit_code(), crate::error::exit::UNAVAILABLE);
            assert_eq!(err.exit_code(), 69);
            assert!(err.to_string().contains(needle));
            assert!(err.to_string().contains("ava models import"));
            assert!(evs.is_empty());
        }
    }

    #[tokio::test]
    async fn closed_channel_stops_the_stream() {
        let (tx, rx) = mpsc::channel(1);
        drop(rx);
        let result = BuiltinEngine::new()
            .stream(
                request(Intent::Summarize {
                    text: "One. Two.".into(),
                    first_line: 1,
                    length: Length::Short,
                }),
                tx,
            )
            .await;
        assert!(matches!(result, Err(Error::Interrupted)));
    }
}
