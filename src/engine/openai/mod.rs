//! OpenAI-compatible Chat Completions over HTTP with SSE streaming: OpenAI itself, llama.cpp's
//! `llama-server`, vLLM, Ollama, LM Studio and the proxies in front of them.
//!
//! The API key only ever travels in the `Authorization` header. Error messages name where the
//! key came from, never the key, and anything the server says is scrubbed of it before it is
//! shown, in case a proxy echoes the header back.

mod http;
mod stream;
mod wire;

use http::*;
use stream::*;

use crate::engine::{Capabilities, ChatRequest, Engine, Event, EventSender, Provider};
use crate::error::{Error, Result};
use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::future::BoxFuture;
use futures_util::{Stream, StreamExt};
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use reqwest::{RequestBuilder, Response, StatusCode, Url};
use std::fmt;
use std::future::Future;
use std::time::Duration;

/// Longest wait a server may ask for with `Retry-After`; beyond this the user is better served
/// by an error they can act on than by a silent minute-long pause.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Ceiling for the exponential backoff between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Error bodies are read for their message only.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// Non-streamed replies (`/models`, `/tokenize`, a server that ignores `stream: true`).
const MAX_JSON_BODY: usize = 32 * 1024 * 1024;
/// llama.cpp's `/props` carries the chat template and sampler settings besides the context
/// size: a few KiB. Anything far larger is not the answer we are looking for.
const MAX_PROPS_BODY: usize = 1024 * 1024;

#[derive(Clone)]
pub struct OpenAiConfig {
    /// Base URL up to and including the version segment, e.g. `http://127.0.0.1:8080/v1`.
    pub base_url: String,
    pub api_key: Option<String>,
    /// Where the key came from ("OPENAI_API_KEY", "config file"), for error messages.
    pub key_source: Option<String>,
    pub model: String,
    pub connect_timeout: Duration,
    /// Longest silence tolerated while waiting for response headers or the next bytes.
    pub idle_timeout: Duration,
    /// Further attempts after the first one fails with a connect error, 429 or 5xx.
    pub max_retries: u32,
    /// Permit plain `http://` to hosts other than loopback.
    pub allow_insecure_http: bool,
    /// First backoff step; doubled per attempt, with full jitter.
    pub retry_base_delay: Duration,
}

impl OpenAiConfig {
    /// Defaults suited to a local server; a prompt of several thousand tokens can keep a CPU
    /// busy for a minute or two before the first token, hence the long idle timeout.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: None,
            key_source: None,
            model: model.into(),
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(120),
            max_retries: 2,
            allow_insecure_http: false,
            retry_base_delay: Duration::from_millis(500),
        }
    }
}

// Hand-written so that `{:?}` in a log or panic can never print the key.
impl fmt::Debug for OpenAiConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("key_source", &self.key_source)
            .field("model", &self.model)
            .field("connect_timeout", &self.connect_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_retries", &self.max_retries)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("retry_base_delay", &self.retry_base_delay)
            .finish()
    }
}

/// One entry of `GET /models`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    pub id: String,
    pub context_window: Option<usize>,
}

pub struct OpenAiEngine {
    cfg: OpenAiConfig,
    http: reqwest::Client,
    chat_url: Url,
    models_url: Url,
    tokenize_url: Url,
    props_url: Url,
    /// The base URL without user info, for messages.
    shown_base: String,
    context_window: Option<usize>,
}

impl fmt::Debug for OpenAiEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiEngine")
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}

/// Which call a response belongs to, so a 404 can say what was not found.
#[derive(Clone, Copy)]
enum Call<'a> {
    Chat { model: &'a str },
    Models,
    Tokenize,
}

impl OpenAiEngine {
    pub fn new(cfg: OpenAiConfig) -> Result<Self> {
        let raw = cfg.base_url.trim();
        let base = Url::parse(raw)
            .map_err(|e| Error::Usage(format!("invalid server URL {raw:?}: {e}")))?;
        let shown_base = shown(&base);
        let host = match base.host_str() {
            Some(h) if !h.is_empty() && !base.cannot_be_a_base() => h,
            _ => {
                return Err(Error::Usage(format!(
                    "invalid server URL {shown_base:?}: no host"
                )));
            }
        };
        let loopback = is_loopback(host);
        match base.scheme() {
            "https" => {}
            "http" if loopback || cfg.allow_insecure_http => {}
            "http" => {
                return Err(Error::Usage(format!(
                    "refusing to send case material and the API key unencrypted to {shown_base}; \
                     use https://, or pass --allow-insecure-http if this network is trusted"
                )));
            }
            other => {
                return Err(Error::Usage(format!(
                    "invalid server URL {shown_base:?}: scheme {other:?} is not http or https"
                )));
            }
        }

        let chat_url = join(&base, &["chat", "completions"]);
        let models_url = join(&base, &["models"]);
        let tokenize_url = join(&server_root(&base), &["tokenize"]);
        let props_url = join(&server_root(&base), &["props"]);

        let mut builder = reqwest::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .user_agent(concat!("ava/", env!("CARGO_PKG_VERSION")));
        if loopback {
            // A proxy from HTTP_PROXY cannot reach our own loopback, and must not see the key.
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| Error::Engine(format!("cannot set up the HTTP client: {e}")))?;

        Ok(Self {
            cfg,
            http,
            chat_url,
            models_url,
            tokenize_url,
            props_url,
            shown_base,
            context_window: None,
        })
    }

    /// Record the model's context window (e.g. from [`Self::list_models`]) so token budgets
    /// can use it through [`Engine::context_window`].
    pub fn with_context_window(mut self, tokens: Option<usize>) -> Self {
        self.context_window = tokens;
        self
    }

    pub fn config(&self) -> &OpenAiConfig {
        &self.cfg
    }

    /// `GET {base}/models`.
    pub async fn list_models(&self) -> Result<Vec<ModelInfo>> {
        let resp = self
            .send_retrying(|| self.authed(self.http.get(self.models_url.clone())), None)
            .await?;
        let resp = self.check_status(resp, Call::Models).await?;
        let body = self.read_body(resp, MAX_JSON_BODY).await?;
        wire::parse_models(&body).map_err(|got| {
            Error::Engine(format!(
                "{} did not answer with a model list: {}",
                shown(&self.models_url),
                self.scrub(&got)
            ))
        })
    }

    /// Count tokens with llama.cpp's `POST {server root}/tokenize`. `Ok(None)` when the server
    /// has no such endpoint or answers in a shape we don't know.
    pub async fn tokenize(&self, text: &str) -> Result<Option<usize>> {
        let body = serde_json::json!({ "content": text });
        let resp = self
            .send_retrying(
                || self.authed(self.http.post(self.tokenize_url.clone()).json(&body)),
                None,
            )
            .await?;
        if matches!(
            resp.status(),
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_IMPLEMENTED
        ) {
            return Ok(None);
        }
        let resp = self.check_status(resp, Call::Tokenize).await?;
        let body = self.read_body(resp, MAX_JSON_BODY).await?;
        Ok(wire::parse_token_count(&body))
    }

    /// The context size of one of llama.cpp's server slots, from `GET {server root}/props`.
    /// That is what a request can really use: `/models` reports the model's training context,
    /// which the server may have been started below (`-c`) or divided between parallel slots
    /// (`-np`). One attempt, no retries, and any failure (other servers answer 404) is `None`:
    /// this only refines what `/models` says.
    pub async fn slot_context(&self) -> Option<usize> {
        let sent = tokio::time::timeout(
            self.cfg.idle_timeout,
            self.authed(self.http.get(self.props_url.clone())).send(),
        )
        .await
        .ok()?
        .ok()?;
        if !sent.status().is_success() {
            return None;
        }
        let body = read_capped(sent, MAX_PROPS_BODY, self.cfg.idle_timeout)
            .await
            .ok()?;
        wire::parse_slot_context(&body)
    }

    /// The context window the model list gives for our model (or for the only model listed):
    /// vLLM (max_model_len), llama.cpp (meta.n_ctx_train) and some proxies (context_length)
    /// say it there; OpenAI itself does not.
    async fn listed_context(&self) -> Option<usize> {
        let models = self.list_models().await.ok()?;
        models
            .iter()
            .find(|m| m.id == self.cfg.model)
            .or_else(|| models.first().filter(|_| models.len() == 1))
            .and_then(|m| m.context_window)
    }

    fn authed(&self, rb: RequestBuilder) -> RequestBuilder {
        match self.cfg.api_key.as_deref().filter(|k| !k.is_empty()) {
            // bearer_auth marks the header sensitive, so reqwest's Debug output hides it.
            Some(key) => rb.bearer_auth(key),
            None => rb,
        }
    }

    async fn run(&self, req: ChatRequest, tx: EventSender) -> Result<()> {
        let model = req.params.model.as_deref().unwrap_or(&self.cfg.model);
        let body = wire::chat_body(model, &req);
        let resp = self
            .send_retrying(
                || self.authed(self.http.post(self.chat_url.clone()).json(&body)),
                Some(&tx),
            )
            .await?;
        let resp = self.check_status(resp, Call::Chat { model }).await?;
        let is_json = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("application/json"));
        if is_json {
            // Some servers ignore `stream: true` and answer with one complete JSON object.
            let body = unless_closed(Some(&tx), self.read_body(resp, MAX_JSON_BODY)).await??;
            let piece = wire::parse_piece(&body).map_err(|got| {
                Error::Engine(format!(
                    "server answer is not a chat completion: {}",
                    self.scrub(&got)
                ))
            })?;
            if let Some(msg) = piece.error {
                return Err(Error::Engine(format!(
                    "server reported an error: {}",
                    self.scrub(&msg)
                )));
            }
            let mut state = StreamState::default();
            if let Some(text) = piece.text {
                state.send_text(&tx, text).await?;
            }
            state.usage = piece.usage;
            state.finish_reason = piece.finish_reason;
            return state.finish(&tx).await;
        }
        self.read_stream(resp, &tx).await
    }

    async fn read_stream(&self, resp: Response, tx: &EventSender) -> Result<()> {
        let mut events =
            std::pin::pin!(idle_limited(resp.bytes_stream(), self.cfg.idle_timeout).eventsource());
        let mut state = StreamState::default();
        loop {
            let next = unless_closed(Some(tx), events.next()).await?;
            let event = match next {
                Some(Ok(ev)) => ev,
                None if state.finish_reason.is_some() => {
                    // The server said why the answer ended and then closed without `[DONE]`
                    // (older Ollama and some proxies do). The answer is complete; only the
                    // framing is missing, so accept it.
                    return state.finish(tx).await;
                }
                None => {
                    return Err(Error::Truncated(
                        "server closed the stream before the answer was complete".into(),
                    ));
                }
                Some(Err(EventStreamError::Transport(ReadError::Idle))) => {
                    let msg = format!("no data from server for {}", secs(self.cfg.idle_timeout));
                    return Err(if state.sent_text {
                        Error::Truncated(msg)
                    } else {
                        Error::TemporaryFailure(msg)
                    });
                }
                Some(Err(EventStreamError::Transport(ReadError::Http(e)))) => {
                    return Err(Error::Truncated(format!(
                        "connection lost mid-answer: {}",
                        self.scrub(&cause(e))
                    )));
                }
                Some(Err(EventStreamError::Utf8(e))) => {
                    return Err(state.malformed(&format!("invalid UTF-8 ({e})")));
                }
                Some(Err(EventStreamError::Parser(e))) => {
                    return Err(state.malformed(&self.scrub(&wire::excerpt(&e.input))));
                }
            };
            match event.event.as_str() {
                "message" => {}
                "error" => {
                    let msg = wire::server_message(&event.data).unwrap_or(event.data);
                    return Err(Error::Engine(format!(
                        "server reported an error: {}",
                        self.scrub(&msg)
                    )));
                }
                // Keep-alives and vendor extensions.
                _ => continue,
            }
            let data = event.data.trim();
            if data == "[DONE]" {
                return state.finish(tx).await;
            }
            let piece =
                wire::parse_piece(data).map_err(|got| state.malformed(&self.scrub(&got)))?;
            if let Some(msg) = piece.error {
                return Err(Error::Engine(format!(
                    "server reported an error{}: {}",
                    if state.sent_text { " mid-answer" } else { "" },
                    self.scrub(&msg)
                )));
            }
            if let Some(text) = piece.text {
                state.send_text(tx, text).await?;
            }
            if piece.finish_reason.is_some() {
                state.finish_reason = piece.finish_reason;
            }
            if piece.usage.is_some() {
                state.usage = piece.usage;
            }
        }
    }

    /// Send a request, retrying connect errors and 429/5xx with backoff. Returns the first
    /// response that is not retryable (which may still be an error status); only the request
    /// phase is retried, so no part of an answer is ever delivered twice.
    async fn send_retrying(
        &self,
        make: impl Fn() -> RequestBuilder,
        tx: Option<&EventSender>,
    ) -> Result<Response> {
        let attempts = self.cfg.max_retries.saturating_add(1);
        let mut attempt = 1;
        loop {
            let sent = unless_closed(
                tx,
                tokio::time::timeout(self.cfg.idle_timeout, make().send()),
            )
            .await?;
            let (failure, retry_after) = match sent {
                Err(_) => {
                    // Not retried: the server is most likely still working on this request,
                    // and a second copy would only double its load.
                    return Err(Error::TemporaryFailure(format!(
                        "no data from server for {} (waiting for the response to start)",
                        secs(self.cfg.idle_timeout)
                    )));
                }
                Ok(Err(e)) if e.is_builder() => {
                    return Err(Error::Engine(format!(
                        "cannot build the request: {}",
                        cause(e)
                    )));
                }
                Ok(Err(e)) if e.is_connect() => (Failure::Connect(self.scrub(&cause(e))), None),
                // Reached the server, but it hung up before answering (crash, restart, a
                // stale pooled connection): as transient as a 503.
                Ok(Err(e)) => (Failure::Dropped(self.scrub(&cause(e))), None),
                Ok(Ok(resp)) if is_retryable(resp.status()) => {
                    let status = resp.status();
                    let retry_after = retry_after(&resp);
                    let msg = self.error_message(resp).await;
                    (Failure::Status(status, msg), retry_after)
                }
                Ok(Ok(resp)) => return Ok(resp),
            };
            if attempt >= attempts {
                return Err(self.gave_up(failure, attempt));
            }
            let delay = retry_after.unwrap_or_else(|| backoff(self.cfg.retry_base_delay, attempt));
            unless_closed(tx, tokio::time::sleep(delay)).await?;
            attempt += 1;
        }
    }

    fn gave_up(&self, failure: Failure, attempts: u32) -> Error {
        let after = if attempts > 1 {
            format!(" (after {attempts} attempts)")
        } else {
            String::new()
        };
        match failure {
            Failure::Connect(why) => {
                Error::EngineUnavailable(format!("cannot reach {}: {why}{after}", self.shown_base))
            }
            Failure::Dropped(why) => Error::TemporaryFailure(format!(
                "connection to {} failed{after}: {why}",
                self.shown_base
            )),
            Failure::Status(status, msg) => {
                let what = if status == StatusCode::TOO_MANY_REQUESTS {
                    "server busy"
                } else {
                    "server error"
                };
                let plural = if attempts == 1 { "" } else { "s" };
                Error::TemporaryFailure(with_message(
                    format!("{what} after {attempts} attempt{plural}: {status}"),
                    msg,
                ))
            }
        }
    }

    /// Turn an error status into the one line the user sees; pass successes through.
    async fn check_status(&self, resp: Response, call: Call<'_>) -> Result<Response> {
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let url = shown(resp.url());
        let msg = self.error_message(resp).await;
        let code = status.as_u16();
        Err(match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                let line = match (&self.cfg.api_key, &self.cfg.key_source) {
                    (None, _) => format!(
                        "server requires an API key ({code}), but no API key is set \
                         (set AVA_API_KEY or OPENAI_API_KEY)"
                    ),
                    (Some(_), Some(source)) => {
                        format!("server rejected the API key from {source} ({code})")
                    }
                    (Some(_), None) => format!("server rejected the API key ({code})"),
                };
                Error::CredentialsRejected(with_message(line, msg))
            }
            StatusCode::NOT_FOUND => Error::EngineUnavailable(with_message(
                match call {
                    Call::Chat { model } => {
                        format!("model '{model}' or endpoint {url} not found (404)")
                    }
                    Call::Models | Call::Tokenize => format!("endpoint {url} not found (404)"),
                },
                msg,
            )),
            StatusCode::BAD_REQUEST => Error::Engine(with_message(
                format!("server refused the request ({status})"),
                msg,
            )),
            _ => Error::Engine(with_message(format!("server error ({status})"), msg)),
        })
    }

    async fn error_message(&self, resp: Response) -> Option<String> {
        // A body that fails to arrive only costs us the detail, not the status.
        let body = read_capped(resp, MAX_ERROR_BODY, self.cfg.idle_timeout)
            .await
            .unwrap_or_default();
        wire::server_message(&body).map(|m| self.scrub(&m))
    }

    async fn read_body(&self, resp: Response, limit: usize) -> Result<String> {
        let url = shown(resp.url());
        read_capped(resp, limit, self.cfg.idle_timeout)
            .await
            .map_err(|e| match e {
                ReadError::Idle => Error::TemporaryFailure(format!(
                    "no data from server for {} (reading {url})",
                    secs(self.cfg.idle_timeout)
                )),
                ReadError::Http(e) => Error::TemporaryFailure(format!(
                    "connection lost while reading {url}: {}",
                    self.scrub(&cause(e))
                )),
            })
    }

    /// Remove the key from text that came from elsewhere (server messages, error chains).
    fn scrub(&self, text: &str) -> String {
        match self.cfg.api_key.as_deref() {
            // Very short "keys" (e.g. "x" for servers that need none) would shred the text.
            Some(key) if key.len() >= 6 => text.replace(key, "[redacted]"),
            _ => text.to_string(),
        }
    }
}

impl Engine for OpenAiEngine {
    fn provider(&self) -> Provider {
        Provider::Openai
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            language_model: true,
            in_process: false,
            // Servers have slots (llama.cpp --parallel, vLLM batching); 4 keeps a single-slot
            // server busy without flooding it.
            parallel_requests: 4,
            own_tokenizer: false,
            // response_format is sent, but not every server enforces it.
            constrained_output: false,
        }
    }

    fn model(&self) -> String {
        self.cfg.model.clone()
    }

    fn endpoint(&self) -> Option<String> {
        // Without any user:password written into the URL: the audit log is no place for it.
        Some(self.shown_base.clone())
    }

    fn stream<'a>(&'a self, req: ChatRequest, tx: EventSender) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.run(req, tx))
    }

    fn context_window(&self) -> Option<usize> {
        self.context_window
    }

    fn probe<'a>(&'a self, sample: &'a str) -> BoxFuture<'a, super::Probe> {
        Box::pin(async move {
            let known = self.context_window;
            // Asked together: each is a short request, and in sequence their round trips add up.
            let (slot, listed, sample_tokens) = tokio::join!(
                async {
                    match known {
                        Some(_) => None,
                        None => self.slot_context().await,
                    }
                },
                async {
                    match known {
                        Some(_) => None,
                        None => self.listed_context().await,
                    }
                },
                async { self.tokenize(sample).await.ok().flatten() },
            );
            super::Probe {
                context_window: known.or(slot).or(listed),
                sample_tokens,
            }
        })
    }
}

enum Failure {
    Connect(String),
    Dropped(String),
    Status(StatusCode, Option<String>),
}
