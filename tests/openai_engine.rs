//! The OpenAI-compatible engine against the loopback mock server: what the user gets (events,
//! errors and their exit codes) and what the server received.

mod common;

use ava::Error;
use ava::engine::openai::{ModelInfo, OpenAiConfig, OpenAiEngine};
use ava::engine::{ChatRequest, Engine, Event, GenParams, Message};
use common::{MockServer, Reply};
use serde_json::json;
use std::time::Duration;
use tokio::sync::mpsc;

const KEY: &str = "sk-test-0123456789abcdef";

fn config(url: &str) -> OpenAiConfig {
    let mut cfg = OpenAiConfig::new(url, "test-model");
    cfg.api_key = Some(KEY.into());
    cfg.key_source = Some("OPENAI_API_KEY".into());
    cfg.connect_timeout = Duration::from_secs(5);
    cfg.idle_timeout = Duration::from_secs(10);
    cfg.max_retries = 2;
    cfg.retry_base_delay = Duration::from_millis(5);
    cfg
}

fn engine(server: &MockServer) -> OpenAiEngine {
    OpenAiEngine::new(config(&server.url())).unwrap()
}

fn request(user: &str) -> ChatRequest {
    ChatRequest {
        messages: vec![Message::system("Be brief."), Message::user(user)],
        ..ChatRequest::default()
    }
}

/// Run a request to its end, collecting every event the engine sent.
async fn run(engine: &OpenAiEngine, req: ChatRequest) -> (Vec<Event>, Result<(), Error>) {
    let (tx, mut rx) = mpsc::channel(16);
    let collect = async {
        let mut events = Vec::new();
        while let Some(ev) = rx.recv().await {
            events.push(ev);
        }
        events
    };
    let (res, events) = tokio::join!(engine.stream(req, tx), collect);
    (events, res)
}

fn text(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

fn done(events: &[Event]) -> Option<&Event> {
    events.iter().find(|e| matches!(e, Event::Done { .. }))
}

// --- streaming ---------------------------------------------------------------------------------

#[tokio::test]
async fn streamed_text_arrives_in_order_then_usage_then_done() {
    let server = MockServer::start(vec![Reply::stream(&["Hel", "lo", ", ", "wor", "ld"])]);
    let (events, res) = run(&engine(&server), request("hi")).await;
    res.unwrap();
    assert_eq!(text(&events), "Hello, world");
    let texts: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, Event::Text(_)))
        .collect();
    assert_eq!(texts.len(), 5, "one event per token: {events:?}");
    assert!(matches!(
        events[events.len() - 2],
        Event::Usage {
            completion_tokens: 5,
            ..
        }
    ));
    assert_eq!(
        events.last(),
        Some(&Event::Done {
            finish_reason: Some("stop".into())
        })
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn each_token_is_forwarded_before_the_stream_ends() {
    // The server sends one token and then goes silent: the token must already be out.
    let server = MockServer::start(vec![Reply::stream(&["first", " second"]).hang_after(1)]);
    let engine = engine(&server);
    let (tx, mut rx) = mpsc::channel(16);
    let run = engine.stream(request("hi"), tx);
    tokio::pin!(run);
    let first = tokio::select! {
        ev = rx.recv() => ev,
        res = &mut run => panic!("engine ended before the first token: {res:?}"),
    };
    assert_eq!(first, Some(Event::Text("first".into())));

    // The consumer goes away (Ctrl-C, closed pipe): the engine stops and hangs up.
    drop(rx);
    let res = tokio::time::timeout(Duration::from_secs(5), run)
        .await
        .expect("engine noticed the closed receiver");
    assert!(matches!(res, Err(Error::Interrupted)), "{res:?}");
    assert!(server.disconnected(1, Duration::from_secs(5)).await);
}

#[tokio::test]
async fn finish_reason_length_is_reported_not_an_error() {
    let server = MockServer::start(vec![
        Reply::stream(&["cut", " short"]).finish_reason("length"),
    ]);
    let (events, res) = run(&engine(&server), request("hi")).await;
    res.unwrap();
    assert_eq!(
        done(&events),
        Some(&Event::Done {
            finish_reason: Some("length".into())
        })
    );
}

#[tokio::test]
async fn finish_chunk_without_done_marker_is_accepted() {
    let server = MockServer::start(vec![Reply::stream(&["ok"]).without_done()]);
    let (events, res) = run(&engine(&server), request("hi")).await;
    res.unwrap();
    assert_eq!(text(&events), "ok");
    assert!(done(&events).is_some());
}

#[tokio::test]
async fn non_streamed_json_answer_is_accepted() {
    let server = MockServer::start(vec![Reply::completion("Whole answer.")]);
    let (events, res) = run(&engine(&server), request("hi")).await;
    res.unwrap();
    assert_eq!(text(&events), "Whole answer.");
    assert_eq!(
        done(&events),
        Some(&Event::Done {
            finish_reason: Some("stop".into())
        })
    );
}

#[tokio::test]
async fn computed_reply_sees_the_request() {
    let server = MockServer::start(vec![Reply::echo()]);
    let (events, res) = run(&engine(&server), request("echo these words")).await;
    res.unwrap();
    assert_eq!(text(&events), "echo these words");
}

// --- what the server receives ------------------------------------------------------------------

#[tokio::test]
async fn request_carries_model_messages_and_stream_but_no_key_in_body() {
    let server = MockServer::start(vec![Reply::text("fine")]);
    let (_, res) = run(&engine(&server), request("Summarize this.")).await;
    res.unwrap();

    let got = server.last_chat().unwrap();
    assert_eq!(got.path, "/v1/chat/completions");
    assert_eq!(got.body["model"], "test-model");
    assert_eq!(got.body["stream"], true);
    assert_eq!(got.body["stream_options"]["include_usage"], true);
    assert_eq!(
        got.body["messages"],
        json!([
            { "role": "system", "content": "Be brief." },
            { "role": "user", "content": "Summarize this." },
        ])
    );
    for unset in [
        "temperature",
        "top_p",
        "max_tokens",
        "seed",
        "stop",
        "response_format",
    ] {
        assert!(got.body.get(unset).is_none(), "{unset} sent though not set");
    }
    assert!(!got.raw_body.contains(KEY), "key leaked into the body");
    assert!(!got.path.contains(KEY), "key leaked into the URL");
    assert_eq!(got.header("authorization"), Some(&*format!("Bearer {KEY}")));
    assert_eq!(got.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn set_parameters_are_sent() {
    let server = MockServer::start(vec![Reply::text("fine")]);
    let mut req = request("hi");
    req.params = GenParams {
        temperature: Some(0.2),
        max_tokens: Some(64),
        seed: Some(42),
        stop: vec!["###".into()],
        ..GenParams::default()
    };
    run(&engine(&server), req).await.1.unwrap();
    let body = server.last_chat().unwrap().body;
    assert_eq!(body["temperature"], json!(0.2));
    assert_eq!(body["max_tokens"], 64);
    assert_eq!(body["seed"], 42);
    assert_eq!(body["stop"], json!(["###"]));
}

#[tokio::test]
async fn no_authorization_header_without_a_key() {
    let server = MockServer::start(vec![Reply::text("fine")]);
    let mut cfg = config(&server.url());
    cfg.api_key = None;
    cfg.key_source = None;
    let engine = OpenAiEngine::new(cfg).unwrap();
    run(&engine, request("hi")).await.1.unwrap();
    assert_eq!(server.last_chat().unwrap().header("authorization"), None);
}

#[tokio::test]
async fn schema_becomes_response_format() {
    let server = MockServer::start(vec![Reply::text("{}")]);
    let schema = json!({ "type": "object", "properties": { "names": { "type": "array" } } });
    let mut req = request("extract");
    req.schema = Some(schema.clone());
    run(&engine(&server), req).await.1.unwrap();
    let body = server.last_chat().unwrap().body;
    assert_eq!(
        body["response_format"],
        json!({
            "type": "json_schema",
            "json_schema": { "name": "output", "schema": schema, "strict": false },
        })
    );
}

#[tokio::test]
async fn base_url_with_trailing_slash_works() {
    let server = MockServer::start(vec![Reply::text("fine")]);
    let engine = OpenAiEngine::new(config(&format!("{}/", server.url()))).unwrap();
    run(&engine, request("hi")).await.1.unwrap();
    assert_eq!(server.last_chat().unwrap().path, "/v1/chat/completions");
}

// --- retries -----------------------------------------------------------------------------------

#[tokio::test]
async fn rate_limit_with_retry_after_is_retried() {
    let server = MockServer::start(vec![
        Reply::error(429, "Rate limit reached").retry_after(1),
        Reply::text("after the wait"),
    ]);
    let (events, res) = run(&engine(&server), request("hi")).await;
    res.unwrap();
    assert_eq!(text(&events), "after the wait");
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn server_errors_are_retried_a_bounded_number_of_times() {
    let server = MockServer::start(vec![Reply::error(500, "model crashed")]);
    let (events, res) = run(&engine(&server), request("hi")).await;
    assert!(events.is_empty());
    let err = res.unwrap_err();
    assert!(matches!(err, Error::TemporaryFailure(_)), "{err:?}");
    assert_eq!(err.exit_code(), 75);
    let msg = err.to_string();
    assert!(msg.contains("after 3 attempts"), "{msg}");
    assert!(msg.contains("500"), "{msg}");
    assert!(msg.contains("model crashed"), "{msg}");
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn no_retries_when_disabled() {
    let server = MockServer::start(vec![Reply::error(503, "loading model")]);
    let mut cfg = config(&server.url());
    cfg.max_retries = 0;
    let res = run(&OpenAiEngine::new(cfg).unwrap(), request("hi")).await.1;
    assert!(matches!(res, Err(Error::TemporaryFailure(_))), "{res:?}");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = MockServer::start(vec![Reply::error(400, "messages: too long")]);
    let err = run(&engine(&server), request("hi")).await.1.unwrap_err();
    assert!(matches!(err, Error::Engine(_)), "{err:?}");
    assert!(err.to_string().contains("messages: too long"), "{err}");
    assert_eq!(server.hits(), 1);
}

// --- broken streams ----------------------------------------------------------------------------

#[tokio::test]
async fn stream_cut_before_done_is_truncated_after_delivering_the_partial_text() {
    let server = MockServer::start(vec![Reply::stream(&["one", " two", " three"]).cut_after(2)]);
    let (events, res) = run(&engine(&server), request("hi")).await;
    let err = res.unwrap_err();
    assert!(matches!(err, Error::Truncated(_)), "{err:?}");
    assert!(err.to_string().contains("closed the stream"), "{err}");
    assert_eq!(text(&events), "one two");
    assert!(done(&events).is_none());
    assert_eq!(
        server.hits(),
        1,
        "a stream that had started is never retried"
    );
}

#[tokio::test]
async fn broken_connection_mid_stream_is_truncated() {
    let server = MockServer::start(vec![
        Reply::stream(&["one", " two", " three"]).abort_after(1),
    ]);
    let (events, res) = run(&engine(&server), request("hi")).await;
    assert!(matches!(res, Err(Error::Truncated(_))), "{res:?}");
    assert_eq!(text(&events), "one");
}

#[tokio::test]
async fn silent_server_mid_stream_hits_the_idle_timeout() {
    let server = MockServer::start(vec![Reply::stream(&["one", " two"]).hang_after(1)]);
    let mut cfg = config(&server.url());
    cfg.idle_timeout = Duration::from_millis(300);
    let (events, res) = run(&OpenAiEngine::new(cfg).unwrap(), request("hi")).await;
    let err = res.unwrap_err();
    assert!(matches!(err, Error::Truncated(_)), "{err:?}");
    assert!(
        err.to_string().contains("no data from server for 0.3s"),
        "{err}"
    );
    assert_eq!(text(&events), "one");
    assert!(server.disconnected(1, Duration::from_secs(5)).await);
}

#[tokio::test]
async fn silent_server_before_headers_hits_the_idle_timeout() {
    let server = MockServer::start(vec![
        Reply::text("too late").header_delay(Duration::from_secs(30)),
    ]);
    let mut cfg = config(&server.url());
    cfg.idle_timeout = Duration::from_millis(300);
    let err = run(&OpenAiEngine::new(cfg).unwrap(), request("hi"))
        .await
        .1
        .unwrap_err();
    assert!(matches!(err, Error::TemporaryFailure(_)), "{err:?}");
    assert!(
        err.to_string().contains("no data from server for 0.3s"),
        "{err}"
    );
    assert_eq!(server.hits(), 1, "a timed-out request is not sent again");
}

#[tokio::test]
async fn error_object_in_stream_is_an_engine_error_with_the_server_message() {
    let server = MockServer::start(vec![
        Reply::stream(&["a", "b"]).error_after(1, "CUDA out of memory"),
    ]);
    let (events, res) = run(&engine(&server), request("hi")).await;
    let err = res.unwrap_err();
    assert!(matches!(err, Error::Engine(_)), "{err:?}");
    assert!(err.to_string().contains("CUDA out of memory"), "{err}");
    assert_eq!(text(&events), "a");
}

#[tokio::test]
async fn unparsable_data_is_reported() {
    let server = MockServer::start(vec![Reply::raw_sse("data: {\"choices\": [oops\n\n")]);
    let err = run(&engine(&server), request("hi")).await.1.unwrap_err();
    assert!(matches!(err, Error::Engine(_)), "{err:?}");
    assert!(
        err.to_string().contains("not a chat-completion chunk"),
        "{err}"
    );
}

// --- HTTP errors -------------------------------------------------------------------------------

#[tokio::test]
async fn rejected_key_names_its_source_but_never_the_key() {
    // A careless proxy echoing the key back must not get it printed either.
    let server = MockServer::start(vec![Reply::error(
        401,
        &format!("Incorrect API key provided: {KEY}"),
    )]);
    let err = run(&engine(&server), request("hi")).await.1.unwrap_err();
    assert!(matches!(err, Error::CredentialsRejected(_)), "{err:?}");
    assert_eq!(err.exit_code(), 77);
    let msg = err.to_string();
    assert!(msg.contains("OPENAI_API_KEY"), "{msg}");
    assert!(msg.contains("401"), "{msg}");
    assert!(msg.contains("Incorrect API key provided"), "{msg}");
    assert!(!msg.contains(KEY), "key leaked: {msg}");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn missing_key_says_how_to_set_one() {
    let server = MockServer::builder().require_api_key(KEY).start();
    let mut cfg = config(&server.url());
    cfg.api_key = None;
    cfg.key_source = None;
    let err = run(&OpenAiEngine::new(cfg).unwrap(), request("hi"))
        .await
        .1
        .unwrap_err();
    assert!(matches!(err, Error::CredentialsRejected(_)), "{err:?}");
    assert!(err.to_string().contains("no API key is set"), "{err}");
    assert!(err.to_string().contains("AVA_API_KEY"), "{err}");
}

#[tokio::test]
async fn unknown_model_names_the_model_and_url() {
    let server = MockServer::start(vec![Reply::error(404, "model 'test-model' not found")]);
    let err = run(&engine(&server), request("hi")).await.1.unwrap_err();
    assert!(matches!(err, Error::EngineUnavailable(_)), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("'test-model'"), "{msg}");
    assert!(
        msg.contains(&format!("{}/chat/completions", server.url())),
        "{msg}"
    );
    assert!(msg.contains("404"), "{msg}");
}

#[tokio::test]
async fn plain_text_error_bodies_are_quoted() {
    let server = MockServer::start(vec![Reply::status_text(418, "I'm a teapot\n")]);
    let err = run(&engine(&server), request("hi")).await.1.unwrap_err();
    assert!(matches!(err, Error::Engine(_)), "{err:?}");
    assert!(err.to_string().contains("418"), "{err}");
    assert!(err.to_string().contains("I'm a teapot"), "{err}");
}

// --- connecting --------------------------------------------------------------------------------

#[tokio::test]
async fn refused_connection_is_engine_unavailable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/v1");
    let err = run(&OpenAiEngine::new(config(&url)).unwrap(), request("hi"))
        .await
        .1
        .unwrap_err();
    assert!(matches!(err, Error::EngineUnavailable(_)), "{err:?}");
    assert_eq!(err.exit_code(), 69);
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("cannot reach {url}: connection refused")),
        "{msg}"
    );
}

#[test]
fn plain_http_to_a_remote_host_is_refused_unless_allowed() {
    let err = OpenAiEngine::new(config("http://llm.example.org/v1")).unwrap_err();
    assert!(matches!(err, Error::Usage(_)), "{err:?}");
    assert!(err.to_string().contains("--allow-insecure-http"), "{err}");

    let mut cfg = config("http://llm.example.org/v1");
    cfg.allow_insecure_http = true;
    OpenAiEngine::new(cfg).unwrap();

    for ok in [
        "https://llm.example.org/v1",
        "http://localhost:8080/v1",
        "http://127.0.0.2:8080/v1",
        "http://[::1]:8080/v1",
    ] {
        OpenAiEngine::new(config(ok)).unwrap();
    }
}

#[test]
fn bad_urls_are_usage_errors() {
    for bad in ["not a url", "ftp://host/v1", "", "localhost:8080"] {
        let err = OpenAiEngine::new(config(bad)).unwrap_err();
        assert!(matches!(err, Error::Usage(_)), "{bad:?}: {err:?}");
    }
}

#[test]
fn engine_reports_its_name_and_model() {
    let engine = OpenAiEngine::new(config("http://127.0.0.1:1/v1")).unwrap();
    assert_eq!(engine.name(), "openai");
    assert_eq!(engine.model(), "test-model");
}

// --- models and tokens -------------------------------------------------------------------------

#[tokio::test]
async fn lists_models_with_context_window() {
    let server = MockServer::builder()
        .models(&[("small", Some(4096)), ("other", None)])
        .start();
    let models = engine(&server).list_models().await.unwrap();
    assert_eq!(
        models,
        vec![
            ModelInfo {
                id: "small".into(),
                context_window: Some(4096)
            },
            ModelInfo {
                id: "other".into(),
                context_window: None
            },
        ]
    );
    let req = server.requests().pop().unwrap();
    assert_eq!(req.path, "/v1/models");
    assert_eq!(req.header("authorization"), Some(&*format!("Bearer {KEY}")));
    assert_eq!(server.hits(), 0, "hits counts chat requests only");
}

#[tokio::test]
async fn tokenize_counts_or_reports_unsupported() {
    let server = MockServer::start(vec![]);
    let engine = engine(&server);
    assert_eq!(
        engine.tokenize("three little words").await.unwrap(),
        Some(3)
    );
    assert_eq!(server.requests().pop().unwrap().path, "/tokenize");

    let server = MockServer::builder().without_tokenize().start();
    assert_eq!(
        OpenAiEngine::new(config(&server.url()))
            .unwrap()
            .tokenize("x")
            .await
            .unwrap(),
        None
    );
}

// --- context window: llama.cpp /props before /models ------------------------------------------

fn paths(server: &MockServer, path: &str) -> Vec<common::mock_openai::Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .collect()
}

#[tokio::test]
async fn probe_takes_the_slot_context_from_llama_cpp_props() {
    // llama-server -c 16384 -np 4 with a model trained on 32768 tokens: /models says 32768,
    // but a request that long would be refused; each slot holds 4096.
    let server = MockServer::builder()
        .models(&[("test-model", Some(32768))])
        .props(4096)
        .start();
    let probe = engine(&server).probe("three little words").await;
    assert_eq!(probe.context_window, Some(4096));
    assert_eq!(probe.sample_tokens, Some(3));
    let props = paths(&server, "/props");
    assert_eq!(props.len(), 1, "one request to /props");
    assert_eq!(props[0].method, "GET");
    assert_eq!(server.hits(), 0, "probing sends no chat request");
}

#[tokio::test]
async fn probe_without_props_uses_the_model_list() {
    let server = MockServer::builder()
        .models(&[("test-model", Some(32768))])
        .start();
    let probe = engine(&server).probe("three little words").await;
    assert_eq!(probe.context_window, Some(32768));
    assert_eq!(probe.sample_tokens, Some(3));
    assert_eq!(paths(&server, "/props").len(), 1, "/props was asked once");
}

#[tokio::test]
async fn props_in_an_unknown_shape_is_ignored() {
    let server = MockServer::builder()
        .models(&[("test-model", Some(32768))])
        .props_json(json!({ "default_generation_settings": { "n_ctx": 0 }, "n_ctx": 99 }))
        .start();
    assert_eq!(engine(&server).probe("x").await.context_window, Some(32768));
}

#[tokio::test]
async fn a_window_set_on_the_engine_is_not_asked_for() {
    let server = MockServer::builder()
        .models(&[("test-model", Some(32768))])
        .props(4096)
        .start();
    let engine = engine(&server).with_context_window(Some(2048));
    assert_eq!(engine.probe("x").await.context_window, Some(2048));
    assert!(paths(&server, "/props").is_empty());
    assert!(paths(&server, "/v1/models").is_empty());
}

/// `ava tokens` against the mock, returning stderr (where it reports the window).
fn tokens_stderr(server: &MockServer) -> String {
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("report.txt");
    std::fs::write(&f, "The suspect fled north on foot.\n".repeat(400)).unwrap();
    let out = assert_cmd::Command::cargo_bin("ava")
        .unwrap()
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AVA_CONFIG_DIR", home.path().join("config"))
        .env("AVA_DATA_DIR", home.path().join("data"))
        .current_dir(home.path())
        .args([
            "--base-url",
            &server.url(),
            "--model",
            "test-model",
            "tokens",
        ])
        .arg(&f)
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn tokens_reports_the_window_of_a_llama_cpp_slot() {
    let server = MockServer::builder()
        .models(&[("test-model", Some(32768))])
        .props(4096)
        .start();
    let err = tokens_stderr(&server);
    assert!(err.contains("window 4096 tokens"), "{err}");
}

#[test]
fn tokens_works_with_a_server_without_props() {
    let server = MockServer::builder()
        .models(&[("test-model", Some(32768))])
        .start();
    let err = tokens_stderr(&server);
    assert!(err.contains("window 32768 tokens"), "{err}");
    assert!(
        !err.contains("props"),
        "a missing /props is not reported: {err}"
    );
}

// --- the mock from synchronous tests (as CLI tests use it) --------------------------------------

/// Raw HTTP/1.1 over std: no runtime on this thread, like an assert_cmd test.
fn post_raw(server: &MockServer, body: &str) -> std::net::TcpStream {
    use std::io::Write;
    let mut conn = std::net::TcpStream::connect(server.addr()).unwrap();
    write!(
        conn,
        "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    conn
}

#[test]
fn mock_serves_sync_clients_and_counts_disconnects() {
    use std::io::Read;
    let server = MockServer::start(vec![
        Reply::text("all of it"),
        Reply::stream(&["a", "b"]).hang_after(1),
    ]);
    let body = r#"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}"#;

    let mut conn = post_raw(&server, body);
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap_or_default();
    assert!(answer.contains("data: [DONE]"), "{answer}");
    drop(conn);

    let mut conn = post_raw(&server, body);
    let mut buf = [0u8; 512];
    let n = conn.read(&mut buf).unwrap();
    assert!(n > 0);
    drop(conn);
    assert!(server.wait_for_disconnects(1, Duration::from_secs(5)));
    assert_eq!(server.hits(), 2);
    assert_eq!(server.last_chat().unwrap().last_user_message(), "hi");
}
