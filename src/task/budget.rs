//! Token budgets: how much document text fits into one request to the chosen model, counted
//! as exactly as the engine allows.

use crate::engine::{Engine, Message};
use crate::tokens::{self, TokenCounter};
use std::sync::Arc;

/// Used when neither flags, config, the engine nor the model table know the window; small on
/// purpose, because overestimating makes the server reject requests.
pub const ASSUMED_WINDOW: usize = 8192;

/// Share of the window kept for the answer when `--max-tokens` does not say.
const DEFAULT_RESERVE_SHARE: usize = 4;
const DEFAULT_RESERVE_MAX: usize = 2048;

/// Tokens added per message by chat templates (role markers, separators).
const PER_MESSAGE_OVERHEAD: usize = 8;

/// Bytes of a document sent to a server's tokenizer to calibrate the estimate.
const CALIBRATION_SAMPLE: usize = 64 * 1024;

pub struct Budget {
    pub window: usize,
    /// Where `window` came from, for `--verbose` and error messages.
    pub window_source: String,
    /// Nothing said how large the window is; `window` is [`ASSUMED_WINDOW`].
    pub assumed: bool,
    pub counter: Arc<dyn TokenCounter>,
    /// Whether counts are exact in the model's vocabulary, or an estimate with a margin.
    pub exact: bool,
}

impl Budget {
    /// Tokens a request's messages take.
    pub fn messages(&self, messages: &[Message]) -> usize {
        messages
            .iter()
            .map(|m| self.counter.count(&m.content) + PER_MESSAGE_OVERHEAD)
            .sum()
    }

    /// Tokens to keep free for the answer.
    pub fn reserve(&self, max_tokens: Option<u32>) -> usize {
        match max_tokens {
            Some(n) => n as usize,
            None => (self.window / DEFAULT_RESERVE_SHARE).min(DEFAULT_RESERVE_MAX),
        }
    }

    /// One line for `--verbose` and `ava tokens`.
    pub fn describe(&self) -> String {
        format!(
            "window {} tokens ({}); counting with {}",
            self.window,
            self.window_source,
            self.counter.describe()
        )
    }
}

/// A counter scaled to agree with a server's own tokenizer on a sample of the document, plus a
/// small margin for the rest of it.
struct Calibrated {
    inner: Arc<dyn TokenCounter>,
    factor: f64,
}

impl TokenCounter for Calibrated {
    fn count(&self, text: &str) -> usize {
        (self.inner.count(text) as f64 * self.factor).ceil() as usize
    }
    fn describe(&self) -> String {
        format!(
            "{} × {:.2} (calibrated against the server's tokenizer)",
            self.inner.describe(),
            self.factor
        )
    }
}

/// The model's own vocabulary, through the engine (the in-process model).
struct EngineCounter(Arc<dyn Engine>);

impl TokenCounter for EngineCounter {
    fn count(&self, text: &str) -> usize {
        self.0
            .count_tokens(text)
            .unwrap_or_else(|| text.len().div_ceil(3))
    }
    fn describe(&self) -> String {
        "the model's own vocabulary".into()
    }
}

/// Work out the budget for `engine`. `ctx_size` (flag or config) wins over everything;
/// `sample` is (a prefix of) the document, used to calibrate against a server's tokenizer.
pub async fn for_engine(engine: Arc<dyn Engine>, ctx_size: Option<u32>, sample: &str) -> Budget {
    let model = engine.model();
    let cut = floor_char_boundary(sample, CALIBRATION_SAMPLE);
    let sample = &sample[..cut];
    let probe = engine.probe(sample).await;
    let (window, window_source) = match (ctx_size, probe.context_window) {
        (Some(n), _) => (n as usize, "--ctx-size / config".to_string()),
        (None, Some(n)) => (n, format!("reported by the {} engine", engine.name())),
        (None, None) => match tokens::known_context_window(&model) {
            Some(n) => (n as usize, format!("known window of {model}")),
            None => (
                ASSUMED_WINDOW,
                "assumed; set --ctx-size to the server's real context".to_string(),
            ),
        },
    };
    let assumed = ctx_size.is_none()
        && probe.context_window.is_none()
        && tokens::known_context_window(&model).is_none();
    if engine.count_tokens("probe").is_some() {
        return Budget {
            window,
            window_source,
            assumed,
            counter: Arc::new(EngineCounter(engine)),
            exact: true,
        };
    }
    let (counter, exact) = tokens::counter_for_model(&model);
    if exact {
        return Budget {
            window,
            window_source,
            assumed,
            counter,
            exact,
        };
    }
    if let Some(server) = probe.sample_tokens.filter(|&n| n > 0) {
        let base: Arc<dyn TokenCounter> = tokens::tiktoken_counter(tokens::Encoding::Cl100kBase);
        let ours = base.count(sample).max(1);
        // 5 % margin: the rest of the document may tokenize a little worse than the sample.
        let factor = (server as f64 / ours as f64) * 1.05;
        return Budget {
            window,
            window_source,
            assumed,
            counter: Arc::new(Calibrated {
                inner: base,
                factor,
            }),
            exact: false,
        };
    }
    Budget {
        window,
        window_source,
        assumed,
        counter,
        exact,
    }
}

fn floor_char_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_boundaries_are_respected() {
        let s = "żółw";
        assert_eq!(floor_char_boundary(s, 1), 0);
        assert_eq!(floor_char_boundary(s, 2), 2);
        assert_eq!(floor_char_boundary(s, 100), s.len());
    }
}
