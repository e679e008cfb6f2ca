//! A scripted OpenAI-compatible server on 127.0.0.1 for tests, speaking real SSE over real
//! HTTP. It runs on its own thread with its own tokio runtime, so the same server works from
//! `#[tokio::test]`s and from synchronous `assert_cmd` tests that run the binary.
//!
//! ```ignore
//! let server = MockServer::start(vec![
//!     Reply::error(429, "slow down").retry_after(1),
//!     Reply::stream(&["Hello", " world"]),
//! ]);
//! // … point the client at server.url() …
//! assert_eq!(server.hits(), 2);
//! assert_eq!(server.last_chat().unwrap().body["model"], "mock-model");
//! ```
//!
//! Routes: `POST …/chat/completions` plays the script, `GET …/models` lists the configured
//! models, `POST /tokenize` counts whitespace-separated words the way llama.cpp's endpoint
//! answers (`{"tokens":[…]}`), `GET /props` answers as llama.cpp's server does when the test
//! asks for it ([`MockServerBuilder::props`]). Everything else is an OpenAI-style 404.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Model id reported by `/models` and used in chunks when the request names none.
pub const MOCK_MODEL: &str = "mock-model";
pub const MOCK_CONTEXT: usize = 8192;

/// Computes an answer from the request body (the JSON the client posted).
pub type Responder = Arc<dyn Fn(&Value) -> String + Send + Sync>;

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

/// One scripted answer to `POST /chat/completions`. Build with a constructor, adjust with the
/// chained options. Options that don't apply to the kind of reply panic, so a test that
/// misuses them fails loudly instead of testing something else.
#[derive(Clone)]
pub struct Reply {
    kind: Kind,
    header_delay: Duration,
}

#[derive(Clone)]
enum Kind {
    Stream(StreamSpec),
    Status {
        code: u16,
        body: String,
        content_type: &'static str,
        retry_after: Option<String>,
    },
    Json(Value),
    RawSse(String),
}

#[derive(Clone)]
struct StreamSpec {
    text: Text,
    delay: Duration,
    end: End,
    finish_reason: String,
    done: bool,
    usage: bool,
    error_after: Option<(usize, String)>,
}

#[derive(Clone)]
enum Text {
    Tokens(Vec<String>),
    Computed(Responder),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum End {
    Complete,
    /// Close the body cleanly (chunked terminator) after k tokens, without finish or `[DONE]`.
    Cut(usize),
    /// Reset the connection after k tokens (the client sees a body error).
    Abort(usize),
    /// Send k tokens, then nothing more, keeping the connection open.
    Hang(usize),
}

impl Reply {
    /// A streamed answer: one chunk per token, then a finish chunk, a usage chunk (when the
    /// request asked for `stream_options.include_usage`, as OpenAI does) and `data: [DONE]`.
    pub fn stream(tokens: &[&str]) -> Self {
        Self::streaming(Text::Tokens(tokens.iter().map(|t| t.to_string()).collect()))
    }

    /// A streamed answer split into word-sized tokens (whitespace stays with the word before).
    pub fn text(answer: &str) -> Self {
        Self::streaming(Text::Tokens(split_tokens(answer)))
    }

    /// A streamed answer computed from the request body, split into word-sized tokens.
    /// See [`last_user_message`] and [`all_message_text`] for common helpers.
    pub fn compute(f: impl Fn(&Value) -> String + Send + Sync + 'static) -> Self {
        Self::streaming(Text::Computed(Arc::new(f)))
    }

    /// Echo the last user message back, streamed.
    pub fn echo() -> Self {
        Self::compute(last_user_message)
    }

    /// Any status with a JSON body.
    pub fn status(code: u16, body: Value) -> Self {
        Self::plain(Kind::Status {
            code,
            body: body.to_string(),
            content_type: "application/json",
            retry_after: None,
        })
    }

    /// A status with an OpenAI-style error body `{"error":{"message":…}}`.
    pub fn error(code: u16, message: &str) -> Self {
        Self::status(
            code,
            json!({ "error": { "message": message, "type": error_type(code), "code": null } }),
        )
    }

    /// A status with a plain-text (or HTML) body, as proxies send.
    pub fn status_text(code: u16, body: &str) -> Self {
        Self::plain(Kind::Status {
            code,
            body: body.to_string(),
            content_type: "text/plain; charset=utf-8",
            retry_after: None,
        })
    }

    /// 200 with this JSON as `application/json`, as a server that ignores `stream: true` does.
    pub fn json(body: Value) -> Self {
        Self::plain(Kind::Json(body))
    }

    /// 200 with a complete non-streamed chat completion carrying `answer`.
    pub fn completion(answer: &str) -> Self {
        Self::json(json!({
            "id": "chatcmpl-mock",
            "object": "chat.completion",
            "created": 0,
            "model": MOCK_MODEL,
            "choices": [{
                "index": 0,
                "message": { "role": "assistant", "content": answer },
                "finish_reason": "stop",
            }],
            "usage": { "prompt_tokens": 1, "completion_tokens": split_tokens(answer).len(),
                       "total_tokens": 1 + split_tokens(answer).len() },
        }))
    }

    /// 200 `text/event-stream` with exactly this body, for malformed or unusual streams.
    pub fn raw_sse(body: &str) -> Self {
        Self::plain(Kind::RawSse(body.to_string()))
    }

    /// Wait this long before sending the response headers.
    pub fn header_delay(mut self, d: Duration) -> Self {
        self.header_delay = d;
        self
    }

    /// Add `Retry-After: secs` to a status reply.
    pub fn retry_after(mut self, secs: u64) -> Self {
        match &mut self.kind {
            Kind::Status { retry_after, .. } => *retry_after = Some(secs.to_string()),
            _ => panic!("retry_after applies to Reply::status/error/status_text only"),
        }
        self
    }

    /// Pause before each token.
    pub fn delay(mut self, d: Duration) -> Self {
        self.spec().delay = d;
        self
    }

    /// End the body cleanly after `k` tokens: no finish chunk, no `[DONE]`.
    pub fn cut_after(mut self, k: usize) -> Self {
        self.spec().end = End::Cut(k);
        self
    }

    /// Break the connection after `k` tokens.
    pub fn abort_after(mut self, k: usize) -> Self {
        self.spec().end = End::Abort(k);
        self
    }

    /// Send `k` tokens, then go silent with the connection open until the client leaves.
    pub fn hang_after(mut self, k: usize) -> Self {
        self.spec().end = End::Hang(k);
        self
    }

    /// Send `{"error":{"message":…}}` as a data event after `k` tokens and end the stream.
    pub fn error_after(mut self, k: usize, message: &str) -> Self {
        self.spec().error_after = Some((k, message.to_string()));
        self
    }

    /// Finish reason of the last chunk (default "stop").
    pub fn finish_reason(mut self, reason: &str) -> Self {
        self.spec().finish_reason = reason.to_string();
        self
    }

    /// Close after the finish (and usage) chunk without `data: [DONE]`.
    pub fn without_done(mut self) -> Self {
        self.spec().done = false;
        self
    }

    /// Never send a usage chunk.
    pub fn without_usage(mut self) -> Self {
        self.spec().usage = false;
        self
    }

    fn streaming(text: Text) -> Self {
        Self::plain(Kind::Stream(StreamSpec {
            text,
            delay: Duration::ZERO,
            end: End::Complete,
            finish_reason: "stop".into(),
            done: true,
            usage: true,
            error_after: None,
        }))
    }

    fn plain(kind: Kind) -> Self {
        Self {
            kind,
            header_delay: Duration::ZERO,
        }
    }

    fn spec(&mut self) -> &mut StreamSpec {
        match &mut self.kind {
            Kind::Stream(s) => s,
            _ => panic!("stream options apply to Reply::stream/text/compute/echo only"),
        }
    }
}

fn error_type(code: u16) -> &'static str {
    match code {
        401 | 403 => "invalid_request_error",
        429 => "rate_limit_error",
        400..=499 => "invalid_request_error",
        _ => "server_error",
    }
}

/// Split text into tokens the way the mock streams it: words with their trailing whitespace.
/// Concatenating the result gives the text back.
pub fn split_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_space = false;
    for ch in text.chars() {
        if !ch.is_whitespace() && in_space {
            out.push(std::mem::take(&mut cur));
            in_space = false;
        }
        in_space |= ch.is_whitespace();
        cur.push(ch);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Content of the last `user` message of a chat request body ("" if none).
pub fn last_user_message(req: &Value) -> String {
    messages(req)
        .iter()
        .rev()
        .find(|m| m["role"] == "user")
        .and_then(|m| m["content"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// All message contents of a chat request body, joined with newlines.
pub fn all_message_text(req: &Value) -> String {
    messages(req)
        .iter()
        .filter_map(|m| m["content"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn messages(req: &Value) -> &[Value] {
    req["messages"].as_array().map(Vec::as_slice).unwrap_or(&[])
}

// ---------------------------------------------------------------------------------------------
// Recorded requests
// ---------------------------------------------------------------------------------------------

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path without the query, e.g. `/v1/chat/completions`.
    pub path: String,
    /// Header names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    /// Parsed body; `Value::Null` when empty or not JSON.
    pub body: Value,
    pub raw_body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_chat(&self) -> bool {
        self.method == "POST" && self.path.ends_with("/chat/completions")
    }

    /// The chat messages of the body.
    pub fn messages(&self) -> &[Value] {
        messages(&self.body)
    }

    pub fn last_user_message(&self) -> String {
        last_user_message(&self.body)
    }

    /// True if `needle` appears anywhere in the request: path, any header or the body.
    pub fn contains(&self, needle: &str) -> bool {
        self.path.contains(needle)
            || self.raw_body.contains(needle)
            || self
                .headers
                .iter()
                .any(|(n, v)| n.contains(needle) || v.contains(needle))
    }
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/// Models listed by `GET /models`: id and `meta.n_ctx_train` (llama.cpp's field).
#[derive(Debug, Clone)]
pub struct MockModel {
    pub id: String,
    pub context: Option<usize>,
}

pub struct MockServerBuilder {
    replies: Vec<Reply>,
    models: Vec<MockModel>,
    tokenize: bool,
    props: Option<Value>,
    api_key: Option<String>,
}

impl MockServerBuilder {
    /// Replies to chat requests in order; the last one repeats.
    pub fn replies(mut self, replies: Vec<Reply>) -> Self {
        self.replies = replies;
        self
    }

    pub fn reply(mut self, reply: Reply) -> Self {
        self.replies.push(reply);
        self
    }

    /// Replace the model list (default: `mock-model` with 8192 tokens of context).
    pub fn models(mut self, models: &[(&str, Option<usize>)]) -> Self {
        self.models = models
            .iter()
            .map(|(id, context)| MockModel {
                id: id.to_string(),
                context: *context,
            })
            .collect();
        self
    }

    /// Answer `/tokenize` with 404, like servers other than llama.cpp.
    pub fn without_tokenize(mut self) -> Self {
        self.tokenize = false;
        self
    }

    /// Serve `GET /props` as llama.cpp's server does, with `n_ctx` tokens per slot (by
    /// default the route is a 404, as on servers other than llama.cpp).
    pub fn props(self, n_ctx: usize) -> Self {
        self.props_json(json!({
            "default_generation_settings": {
                "id": 0,
                "id_task": -1,
                "n_ctx": n_ctx,
                "is_processing": false,
                "params": { "n_predict": -1, "temperature": 0.8, "top_k": 40 },
            },
            "total_slots": 4,
            "model_path": "/models/mock-model.gguf",
            "chat_template": "{% for m in messages %}{{ m.content }}{% endfor %}",
            "build_info": "mock",
        }))
    }

    /// Serve `GET /props` with this body (status 200), e.g. a shape ava does not know.
    pub fn props_json(mut self, body: Value) -> Self {
        self.props = Some(body);
        self
    }

    /// Answer 401 to every request without `Authorization: Bearer <key>`.
    pub fn require_api_key(mut self, key: &str) -> Self {
        self.api_key = Some(key.to_string());
        self
    }

    pub fn start(self) -> MockServer {
        let replies = if self.replies.is_empty() {
            vec![Reply::text("mock answer")]
        } else {
            self.replies
        };
        let shared = Arc::new(Shared {
            script: Mutex::new(Script { replies, next: 0 }),
            models: self.models,
            tokenize: self.tokenize,
            props: self.props,
            api_key: self.api_key,
            requests: Mutex::new(Vec::new()),
            hits: AtomicUsize::new(0),
            disconnects: AtomicUsize::new(0),
            completed: AtomicUsize::new(0),
        });
        // Bound here, not on the server thread, so the port is known and accepting (queued
        // in the backlog) before start() returns.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let thread = std::thread::Builder::new()
            .name(format!("mock-openai-{}", addr.port()))
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("mock runtime");
                rt.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    // Not graceful: a hanging stream must not keep the test from ending.
                    tokio::select! {
                        _ = axum::serve(listener, app) => {}
                        _ = stop_rx => {}
                    }
                });
                // Dropping the runtime drops every open connection and streaming body.
            })
            .expect("spawn mock server thread");
        MockServer {
            addr,
            shared,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }
}

pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MockServer {
    /// Start with these chat replies (played in order, the last one repeats) and defaults.
    pub fn start(replies: Vec<Reply>) -> Self {
        Self::builder().replies(replies).start()
    }

    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            replies: Vec::new(),
            models: vec![MockModel {
                id: MOCK_MODEL.into(),
                context: Some(MOCK_CONTEXT),
            }],
            tokenize: true,
            props: None,
            api_key: None,
        }
    }

    /// Base URL clients are configured with: `http://127.0.0.1:PORT/v1`.
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// `http://127.0.0.1:PORT`, where `/tokenize` lives.
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Chat-completion requests received (every attempt counts, whatever the reply).
    pub fn hits(&self) -> usize {
        self.shared.hits.load(Ordering::SeqCst)
    }

    /// Every request received, all routes, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.requests).clone()
    }

    /// Chat-completion requests only.
    pub fn chat_requests(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(Recorded::is_chat)
            .collect()
    }

    pub fn last_chat(&self) -> Option<Recorded> {
        self.chat_requests().pop()
    }

    /// Streamed bodies dropped before the server finished them: the client went away
    /// mid-answer (Ctrl-C, closed pipe, or a client-side timeout).
    pub fn disconnects(&self) -> usize {
        self.shared.disconnects.load(Ordering::SeqCst)
    }

    /// Streamed bodies the server sent to their scripted end.
    pub fn completed_streams(&self) -> usize {
        self.shared.completed.load(Ordering::SeqCst)
    }

    /// Block until at least `n` disconnects were seen; false on timeout. For sync tests.
    pub fn wait_for_disconnects(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while self.disconnects() < n {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    /// As [`Self::wait_for_disconnects`], without blocking an async test's runtime.
    pub async fn disconnected(&self, n: usize, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while self.disconnects() < n {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Shared {
    script: Mutex<Script>,
    models: Vec<MockModel>,
    tokenize: bool,
    props: Option<Value>,
    api_key: Option<String>,
    requests: Mutex<Vec<Recorded>>,
    hits: AtomicUsize,
    disconnects: AtomicUsize,
    completed: AtomicUsize,
}

struct Script {
    replies: Vec<Reply>,
    next: usize,
}

impl Script {
    fn take(&mut self) -> Reply {
        let i = self.next.min(self.replies.len() - 1);
        self.next += 1;
        self.replies[i].clone()
    }
}

/// A panicking test thread must not turn every later assertion into a poison error.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let raw = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let raw_body = String::from_utf8_lossy(&raw).into_owned();
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: serde_json::from_slice(&raw).unwrap_or(Value::Null),
        raw_body,
    };
    lock(&shared.requests).push(recorded.clone());

    let is_chat = recorded.is_chat();
    if is_chat {
        shared.hits.fetch_add(1, Ordering::SeqCst);
    }
    if let Some(key) = &shared.api_key
        && recorded.header("authorization") != Some(&format!("Bearer {key}"))
    {
        return json_response(
            401,
            json!({ "error": {
                "message": "Incorrect API key provided.",
                "type": "invalid_request_error",
                "code": "invalid_api_key",
            }}),
        );
    }

    let path = recorded.path.as_str();
    match parts.method {
        Method::POST if is_chat => {
            let reply = lock(&shared.script).take();
            chat(reply, &recorded.body, shared).await
        }
        Method::GET if path.ends_with("/models") => models(&shared),
        Method::GET if path == "/props" && shared.props.is_some() => {
            json_response(200, shared.props.clone().unwrap_or(Value::Null))
        }
        Method::POST if path == "/tokenize" && shared.tokenize => {
            let n = recorded.body["content"]
                .as_str()
                .map_or(0, |t| t.split_whitespace().count());
            json_response(200, json!({ "tokens": (0..n).collect::<Vec<_>>() }))
        }
        method => json_response(
            404,
            json!({ "error": {
                "message": format!("Unknown request URL: {method} {path}"),
                "type": "invalid_request_error",
                "code": "unknown_url",
            }}),
        ),
    }
}

fn models(shared: &Shared) -> Response {
    let data: Vec<Value> = shared
        .models
        .iter()
        .map(|m| {
            let mut v = json!({ "id": m.id, "object": "model", "created": 0, "owned_by": "mock" });
            if let Some(ctx) = m.context {
                v["meta"] = json!({ "n_ctx_train": ctx });
            }
            v
        })
        .collect();
    json_response(200, json!({ "object": "list", "data": data }))
}

async fn chat(reply: Reply, req: &Value, shared: Arc<Shared>) -> Response {
    if !reply.header_delay.is_zero() {
        tokio::time::sleep(reply.header_delay).await;
    }
    match reply.kind {
        Kind::Status {
            code,
            body,
            content_type,
            retry_after,
        } => {
            let mut resp = response(code, content_type, Body::from(body));
            if let Some(secs) = retry_after.and_then(|s| HeaderValue::from_str(&s).ok()) {
                resp.headers_mut().insert(header::RETRY_AFTER, secs);
            }
            resp
        }
        Kind::Json(v) => json_response(200, v),
        Kind::RawSse(body) => response(200, "text/event-stream", Body::from(body)),
        Kind::Stream(spec) => {
            let steps = stream_steps(&spec, req);
            response(200, "text/event-stream", streaming_body(steps, shared))
        }
    }
}

fn response(code: u16, content_type: &str, body: Body) -> Response {
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = HeaderValue::from_str(content_type) {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    if content_type == "text/event-stream" {
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    resp
}

fn json_response(code: u16, body: Value) -> Response {
    response(code, "application/json", Body::from(body.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------------------------

enum Step {
    Data(String),
    Pause(Duration),
    Hang,
    Abort,
}

fn stream_steps(spec: &StreamSpec, req: &Value) -> Vec<Step> {
    let model = req["model"].as_str().unwrap_or(MOCK_MODEL).to_string();
    let tokens = match &spec.text {
        Text::Tokens(t) => t.clone(),
        Text::Computed(f) => split_tokens(&f(req)),
    };
    let chunk = |delta: Value, finish: Option<&str>| {
        let v = json!({
            "id": "chatcmpl-mock",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }],
        });
        Step::Data(format!("data: {v}\n\n"))
    };

    // Like OpenAI: a first chunk with the role and empty content.
    let mut steps = vec![chunk(json!({ "role": "assistant", "content": "" }), None)];
    for (i, token) in tokens.iter().enumerate() {
        match spec.end {
            End::Cut(k) if i == k => return steps,
            End::Abort(k) if i == k => {
                steps.push(Step::Abort);
                return steps;
            }
            End::Hang(k) if i == k => {
                steps.push(Step::Hang);
                return steps;
            }
            _ => {}
        }
        if let Some((k, msg)) = &spec.error_after
            && i == *k
        {
            let err = json!({ "error": { "message": msg, "type": "server_error" } });
            steps.push(Step::Data(format!("data: {err}\n\n")));
            return steps;
        }
        if !spec.delay.is_zero() {
            steps.push(Step::Pause(spec.delay));
        }
        steps.push(chunk(json!({ "content": token }), None));
    }
    // Limits at or past the token count still apply, after the last token.
    match spec.end {
        End::Cut(_) => return steps,
        End::Abort(_) => {
            steps.push(Step::Abort);
            return steps;
        }
        End::Hang(_) => {
            steps.push(Step::Hang);
            return steps;
        }
        End::Complete => {}
    }
    if let Some((_, msg)) = &spec.error_after {
        let err = json!({ "error": { "message": msg, "type": "server_error" } });
        steps.push(Step::Data(format!("data: {err}\n\n")));
        return steps;
    }
    steps.push(chunk(json!({}), Some(&spec.finish_reason)));
    if spec.usage && req["stream_options"]["include_usage"] == true {
        let prompt = all_message_text(req).split_whitespace().count();
        let completion = tokens.len();
        let usage = json!({
            "id": "chatcmpl-mock",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [],
            "usage": { "prompt_tokens": prompt, "completion_tokens": completion,
                       "total_tokens": prompt + completion },
        });
        steps.push(Step::Data(format!("data: {usage}\n\n")));
    }
    if spec.done {
        steps.push(Step::Data("data: [DONE]\n\n".into()));
    }
    steps
}

/// Counts how a streamed body ended: dropped by hyper before its end means the client left.
struct BodyGuard {
    shared: Arc<Shared>,
    finished: bool,
}

impl BodyGuard {
    fn mark_finished(&mut self) {
        self.finished = true;
    }
}

impl Drop for BodyGuard {
    fn drop(&mut self) {
        let counter = if self.finished {
            &self.shared.completed
        } else {
            &self.shared.disconnects
        };
        counter.fetch_add(1, Ordering::SeqCst);
    }
}

fn streaming_body(steps: Vec<Step>, shared: Arc<Shared>) -> Body {
    let guard = BodyGuard {
        shared,
        finished: false,
    };
    let stream = futures_util::stream::unfold(
        (steps.into_iter(), guard),
        |(mut steps, mut guard)| async move {
            loop {
                match steps.next() {
                    Some(Step::Data(s)) => {
                        return Some((Ok::<_, std::io::Error>(Bytes::from(s)), (steps, guard)));
                    }
                    Some(Step::Pause(d)) => tokio::time::sleep(d).await,
                    Some(Step::Hang) => std::future::pending::<()>().await,
                    Some(Step::Abort) => {
                        // Give hyper a turn to flush what was sent so far; erroring at once
                        // would drop it unsent and the client would never see the tokens.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        guard.mark_finished();
                        let err = std::io::Error::other("mock server aborted the stream");
                        return Some((Err(err), (steps, guard)));
                    }
                    None => {
                        guard.mark_finished();
                        return None;
                    }
                }
            }
        },
    );
    Body::from_stream(stream)
}
