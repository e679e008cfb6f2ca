//! The local engine against a tiny random-weight llama model (tests/fixtures, made by
//! make_tiny_gguf.py): real llama.cpp code paths in milliseconds, no download.
#![cfg(feature = "local")]

use ava::Error;
use ava::engine::local::{LocalEngine, LocalOptions};
use ava::engine::{ChatRequest, Engine, Event, GenParams, Message};
use serde_json::json;
use std::path::PathBuf;
use tokio::sync::mpsc;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// One thread: with several, ggml's spinning thread barrier makes a tiny model crawl on a
/// busy machine (tests run in parallel).
fn opts() -> LocalOptions {
    LocalOptions {
        threads: Some(1),
        ..Default::default()
    }
}

fn engine() -> LocalEngine {
    LocalEngine::load(&fixture("tiny-llama.gguf"), opts()).unwrap()
}

fn request(user: &str, params: GenParams) -> ChatRequest {
    ChatRequest {
        messages: vec![Message::system("You are terse."), Message::user(user)],
        params,
        ..Default::default()
    }
}

fn max(n: u32) -> GenParams {
    GenParams {
        max_tokens: Some(n),
        ..Default::default()
    }
}

/// Runs a request and returns (result, every event in order).
async fn run(engine: &LocalEngine, req: ChatRequest) -> (ava::Result<()>, Vec<Event>) {
    let (tx, mut rx) = mpsc::channel(1024);
    let collect = async {
        let mut evs = Vec::new();
        while let Some(ev) = rx.recv().await {
            evs.push(ev);
        }
        evs
    };
    let (res, evs) = tokio::join!(engine.stream(req, tx), collect);
    (res, evs)
}

fn text_of(evs: &[Event]) -> String {
    evs.iter()
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

fn usage_of(evs: &[Event]) -> (u64, u64) {
    let (p, c, _) = usage_with_cache(evs);
    (p, c)
}

/// (prompt, completion, prompt tokens kept from the previous request)
fn usage_with_cache(evs: &[Event]) -> (u64, u64, u64) {
    evs.iter()
        .find_map(|e| match e {
            Event::Usage {
                prompt_tokens,
                completion_tokens,
                cached_tokens,
            } => Some((*prompt_tokens, *completion_tokens, *cached_tokens)),
            _ => None,
        })
        .expect("a Usage event")
}

#[tokio::test]
async fn loads_and_streams_text_then_usage_then_done() {
    let e = engine();
    assert_eq!(e.name(), "local");
    assert_eq!(e.model(), "tiny-llama");
    assert!(e.has_chat_template());
    assert!(e.notes().is_empty(), "{:?}", e.notes());
    assert_eq!(e.context_window(), Some(256));
    assert!(e.count_tokens("the cat").unwrap() > 0);

    let (res, evs) = run(&e, request("Say something.", max(24))).await;
    res.unwrap();
    assert!(matches!(evs.first(), Some(Event::Text(_))), "{evs:?}");
    assert!(!text_of(&evs).is_empty());
    let n = evs.len();
    assert!(matches!(evs[n - 2], Event::Usage { .. }));
    assert!(matches!(evs[n - 1], Event::Done { .. }));
}

#[tokio::test]
async fn stops_at_max_tokens() {
    let e = engine();
    for n in [1, 7, 40] {
        let (res, evs) = run(&e, request("Count.", max(n))).await;
        res.unwrap();
        let (prompt, completion) = usage_of(&evs);
        assert!(prompt > 5);
        assert_eq!(completion, u64::from(n));
        assert_eq!(
            evs.last(),
            Some(&Event::Done {
                finish_reason: Some("length".into())
            })
        );
    }
}

/// Parts of a long document and segments of a translation share their instructions: the
/// second request reads only what follows the shared prefix, and answers as a fresh engine
/// would.
#[tokio::test]
async fn a_shared_prompt_prefix_is_read_once() {
    let shared = "Summarize the part of the police report below in two sentences. Keep every \
                  name, number and date exactly as written.";
    let part = |text: &str| ChatRequest {
        messages: vec![
            Message::system("You are terse."),
            Message::user(format!("{shared}\n\n{text}")),
        ],
        params: max(8),
        ..Default::default()
    };
    let first = "Part one: the car was found on 12 May.";
    let second = "Part two: the suspect was arrested at 21:40.";

    let e = engine();
    let (res, a) = run(&e, part(first)).await;
    res.unwrap();
    let (prompt_a, _, cached_a) = usage_with_cache(&a);
    assert_eq!(cached_a, 0, "nothing to reuse on the first request");
    let (res, b) = run(&e, part(second)).await;
    res.unwrap();
    let (prompt_b, _, cached_b) = usage_with_cache(&b);
    let shared_tokens = e.prompt_tokens(&part("").messages).unwrap() as u64;
    assert!(
        cached_b >= shared_tokens / 2 && cached_b < prompt_b,
        "kept {cached_b} of {prompt_b} prompt tokens; the shared prefix is ~{shared_tokens}"
    );
    assert!(prompt_a > cached_b);

    // The answer does not depend on what was in the cache before.
    let fresh = engine();
    let (_, c) = run(&fresh, part(second)).await;
    assert_eq!(usage_with_cache(&c).2, 0);
    assert_eq!(text_of(&b), text_of(&c));
}

/// Runs requests at once: every job reaches the engine before any answer is read (each
/// channel holds one event, so the first request cannot finish before the others are
/// queued), as a translation's segments do with `--jobs`.
async fn run_together(
    engine: &LocalEngine,
    reqs: Vec<ChatRequest>,
) -> Vec<(ava::Result<()>, Vec<Event>)> {
    let mut streams = Vec::new();
    let mut receivers = Vec::new();
    for req in reqs {
        let (tx, rx) = mpsc::channel(1);
        streams.push(engine.stream(req, tx));
        receivers.push(rx);
    }
    let collect = futures_util::future::join_all(receivers.into_iter().map(|mut rx| async move {
        let mut evs = Vec::new();
        while let Some(ev) = rx.recv().await {
            evs.push(ev);
        }
        evs
    }));
    let (results, events) = tokio::join!(futures_util::future::join_all(streams), collect);
    results.into_iter().zip(events).collect()
}

/// The parts of a document sent at once are decoded together, in one batch per step, and
/// each gets the answer it gets alone; a bad request among them fails alone.
#[tokio::test]
async fn concurrent_requests_run_together_and_answer_as_alone() {
    let part = |text: &str, tokens: u32| ChatRequest {
        messages: vec![
            Message::system("You are terse."),
            Message::user(format!(
                "Translate the sentence below into English, keeping every number.\n\n{text}"
            )),
        ],
        params: GenParams {
            max_tokens: Some(tokens),
            temperature: Some(0.0),
            ..Default::default()
        },
        ..Default::default()
    };
    let texts = [
        "Samochód znaleziono 12 maja.",
        "Podejrzanego zatrzymano o 21:40.",
        "Sąd oddalił apelację.",
    ];
    let alone_engine = engine();
    let mut alone = Vec::new();
    for t in texts {
        let (res, evs) = run(&alone_engine, part(t, 16)).await;
        res.unwrap();
        alone.push(text_of(&evs));
    }
    assert!(alone.iter().all(|t| !t.is_empty()), "{alone:?}");
    assert_eq!(alone_engine.most_decoded_together(), 1);

    let e = engine();
    let mut reqs: Vec<ChatRequest> = texts.iter().map(|t| part(t, 16)).collect();
    reqs.insert(1, part("Zero tokens.", 0));
    let results = run_together(&e, reqs).await;
    assert!(
        matches!(results[1].0, Err(Error::Usage(_))),
        "{:?}",
        results[1].0
    );
    let together: Vec<String> = [0, 2, 3]
        .iter()
        .map(|&i| {
            let (res, evs) = &results[i];
            assert!(res.is_ok(), "request {i}: {res:?}");
            assert!(matches!(evs.last(), Some(Event::Done { .. })), "{evs:?}");
            text_of(evs)
        })
        .collect();
    assert_eq!(together, alone);
    assert!(
        e.most_decoded_together() >= 2,
        "the requests ran one after another"
    );
    // The later parts found the shared instructions in the cache (copied, not read again).
    let cached: Vec<u64> = [2, 3]
        .iter()
        .map(|&i| usage_with_cache(&results[i].1).2)
        .collect();
    assert!(
        cached.iter().all(|&c| c > 10),
        "cached prefix tokens: {cached:?}"
    );
}

/// A job of many parts with four in flight, as `--jobs 4` sends them: parts end at different
/// steps and the next part takes the free sequence. Which parts share a step must not depend
/// on thread timing, or the words of an answer at a temperature change from run to run.
#[tokio::test]
async fn parts_decoded_together_answer_the_same_on_every_run() {
    use futures_util::StreamExt;
    let job = || {
        (0..8u32).map(|i| {
            let params = GenParams {
                max_tokens: Some(6 + 3 * (i % 4)),
                temperature: Some(0.8),
                ..Default::default()
            };
            request(
                &format!("Part {i} of the document: the car was found."),
                params,
            )
        })
    };
    let mut runs = Vec::new();
    for _ in 0..2 {
        let e = engine();
        let answers: Vec<String> = futures_util::stream::iter(job())
            .map(|req| {
                let e = &e;
                async move {
                    let (res, evs) = run(e, req).await;
                    res.unwrap();
                    text_of(&evs)
                }
            })
            .buffered(4)
            .collect()
            .await;
        assert!(e.most_decoded_together() >= 2, "the parts ran one by one");
        runs.push(answers);
    }
    assert_eq!(runs[0], runs[1]);
}

#[tokio::test]
async fn same_seed_same_output() {
    let e = engine();
    let params = |seed| GenParams {
        max_tokens: Some(32),
        temperature: Some(0.9),
        seed: Some(seed),
        ..Default::default()
    };
    let (_, a) = run(&e, request("Tell me a story.", params(7))).await;
    let (_, b) = run(&e, request("Tell me a story.", params(7))).await;
    assert_eq!(text_of(&a), text_of(&b));
    // Default params are reproducible too.
    let (_, c) = run(&e, request("Tell me a story.", max(32))).await;
    let (_, d) = run(&e, request("Tell me a story.", max(32))).await;
    assert_eq!(text_of(&c), text_of(&d));
}

fn schema() -> serde_json::Value {
    json!({
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": 6},
            "count": {"type": "integer"},
            "ok": {"type": "boolean"},
            "kind": {"enum": ["person", "place"]}
        },
        "required": ["name", "count", "ok", "kind"],
        "additionalProperties": false
    })
}

#[tokio::test]
async fn schema_constrains_output_to_json() {
    let e = engine();
    for seed in [1, 2, 3] {
        let req = ChatRequest {
            schema: Some(schema()),
            ..request(
                "Give JSON.",
                GenParams {
                    max_tokens: Some(200),
                    temperature: Some(0.8),
                    seed: Some(seed),
                    ..Default::default()
                },
            )
        };
        let (res, evs) = run(&e, req).await;
        res.unwrap();
        let text = text_of(&evs);
        let v: serde_json::Value = serde_json::from_str(&text).expect(&text);
        for key in ["name", "count", "ok", "kind"] {
            assert!(v.get(key).is_some(), "{key} missing in {text}");
        }
        assert!(v["count"].is_i64() && v["ok"].is_boolean());
        assert!(["person", "place"].contains(&v["kind"].as_str().unwrap()));
        assert_eq!(
            evs.last(),
            Some(&Event::Done {
                finish_reason: Some("stop".into())
            })
        );
    }
}

#[tokio::test]
async fn schema_cut_by_max_tokens_is_truncated_error() {
    let e = engine();
    let req = ChatRequest {
        schema: Some(schema()),
        ..request("Give JSON.", max(3))
    };
    let (res, evs) = run(&e, req).await;
    assert!(matches!(res, Err(Error::Truncated(_))), "{res:?}");
    assert!(!evs.iter().any(|e| matches!(e, Event::Done { .. })));
}

#[tokio::test]
async fn bad_schema_is_an_error_not_an_abort() {
    let e = engine();
    let req = ChatRequest {
        schema: Some(json!({"$ref": "#/definitions/missing"})),
        ..request("Give JSON.", max(20))
    };
    let (res, _) = run(&e, req).await;
    assert!(matches!(res, Err(Error::BadInput { .. })), "{res:?}");
}

#[test]
fn corrupt_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(fixture("tiny-llama.gguf")).unwrap();

    let truncated = dir.path().join("truncated.gguf");
    std::fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    let err = LocalEngine::load(&truncated, LocalOptions::default()).unwrap_err();
    assert!(matches!(err, Error::BadInput { .. }), "{err}");
    assert!(err.to_string().contains("truncated"), "{err}");

    let header_only = dir.path().join("header.gguf");
    std::fs::write(&header_only, &good[..300]).unwrap();
    assert!(LocalEngine::load(&header_only, LocalOptions::default()).is_err());

    let random = dir.path().join("random.gguf");
    let bytes: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&random, bytes).unwrap();
    let err = LocalEngine::load(&random, LocalOptions::default()).unwrap_err();
    assert!(err.to_string().contains("not a GGUF file"), "{err}");

    let empty = dir.path().join("empty.gguf");
    std::fs::write(&empty, b"").unwrap();
    assert!(LocalEngine::load(&empty, LocalOptions::default()).is_err());

    let missing = dir.path().join("missing.gguf");
    let err = LocalEngine::load(&missing, LocalOptions::default()).unwrap_err();
    assert!(matches!(err, Error::InputNotFound { .. }), "{err}");

    // A valid header for an architecture llama.cpp does not know.
    let mut odd = good.clone();
    let pos = odd
        .windows(5)
        .position(|w| w == b"llama")
        .expect("architecture string");
    odd[pos..pos + 5].copy_from_slice(b"zzzzz");
    let unknown = dir.path().join("unknown-arch.gguf");
    std::fs::write(&unknown, odd).unwrap();
    let err = LocalEngine::load(&unknown, LocalOptions::default()).unwrap_err();
    assert!(matches!(err, Error::EngineUnavailable(_)), "{err}");
    assert!(err.to_string().contains("zzzzz"), "{err}");
}

#[tokio::test]
async fn prompt_at_or_over_context_is_an_error() {
    let e = engine();
    let n_ctx = e.context_window().unwrap();
    let base = e
        .prompt_tokens(&[Message::system("You are terse."), Message::user("")])
        .unwrap();
    // '#' is not a piece in the fixture vocabulary: each one is exactly one byte token.
    let with = |n: usize| request(&"#".repeat(n), max(50));
    assert_eq!(
        e.prompt_tokens(&with(10).messages).unwrap(),
        base + 10,
        "calibration"
    );

    let (res, _) = run(&e, with(n_ctx - base)).await;
    let err = res.unwrap_err();
    assert!(matches!(err, Error::BadInput { .. }), "{err}");
    assert!(
        err.to_string().contains(&format!(
            "prompt is {n_ctx} tokens, model context is {n_ctx}"
        )),
        "{err}"
    );

    let (res, _) = run(&e, with(5000)).await;
    assert!(matches!(res, Err(Error::BadInput { .. })));

    // One token of room: generation stops there with "length".
    let (res, evs) = run(&e, with(n_ctx - base - 1)).await;
    res.unwrap();
    assert_eq!(usage_of(&evs).1, 1);

    // A prompt longer than the batch size is decoded in pieces.
    let (res, _) = run(&e, with(n_ctx - base - 10)).await;
    res.unwrap();
}

#[tokio::test]
async fn empty_prompts_are_handled() {
    let e = engine();
    let (res, _) = run(&e, request("", max(5))).await;
    res.unwrap();
    let req = ChatRequest {
        params: max(5),
        ..Default::default()
    };
    let (res, _) = run(&e, req).await;
    assert!(res.is_ok() || matches!(res, Err(Error::BadInput { .. })));
}

#[tokio::test]
async fn base_model_uses_plain_format_and_says_so() {
    let e = LocalEngine::load(&fixture("tiny-llama-base.gguf"), opts()).unwrap();
    assert!(!e.has_chat_template());
    assert!(
        e.notes().iter().any(|n| n.contains("no chat template")),
        "{:?}",
        e.notes()
    );
    let (res, evs) = run(&e, request("Hello", max(16))).await;
    res.unwrap();
    assert!(matches!(evs.last(), Some(Event::Done { .. })));
}

#[tokio::test]
async fn stop_strings_end_generation() {
    let e = engine();
    let (_, evs) = run(&e, request("Talk.", max(60))).await;
    let text = text_of(&evs);
    // Stop at the second character of the free-running output.
    let stop: String = text.chars().skip(1).take(1).collect();
    let params = GenParams {
        stop: vec![stop.clone()],
        ..max(60)
    };
    let (res, evs) = run(&e, request("Talk.", params)).await;
    res.unwrap();
    let cut = text_of(&evs);
    assert!(!cut.contains(&stop), "{cut:?} contains {stop:?}");
    assert!(text.starts_with(&cut));
    assert_eq!(
        evs.last(),
        Some(&Event::Done {
            finish_reason: Some("stop".into())
        })
    );
}

#[tokio::test]
async fn dropped_receiver_stops_generation() {
    let e = engine();
    let (tx, mut rx) = mpsc::channel(1);
    let task = e.stream(request("Go on.", max(200)), tx);
    let reader = async {
        let first = rx.recv().await;
        drop(rx);
        first
    };
    let (res, first) = tokio::join!(task, reader);
    assert!(matches!(first, Some(Event::Text(_))));
    assert!(matches!(res, Err(Error::Interrupted)), "{res:?}");
}

#[test]
fn engine_is_shared_across_threads() {
    let e = std::sync::Arc::new(engine());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    rt.block_on(async {
        let a = run(&e, request("one", max(8)));
        let b = run(&e, request("two", max(8)));
        let ((ra, _), (rb, _)) = tokio::join!(a, b);
        ra.unwrap();
        rb.unwrap();
    });
}

/// A real model, when one is given: `AVA_TEST_MODEL=/tmp/models/SmolLM2-135M-Instruct.Q4_1.gguf`.
#[tokio::test]
async fn real_model_summary() {
    let Some(path) = std::env::var_os("AVA_TEST_MODEL") else {
        eprintln!("skipping: AVA_TEST_MODEL not set");
        return;
    };
    let e = LocalEngine::load(
        std::path::Path::new(&path),
        LocalOptions {
            ctx_size: Some(2048),
            ..Default::default()
        },
    )
    .unwrap();
    for n in e.notes() {
        eprintln!("note: {n}");
    }
    let doc = "On 3 March 2024 at 14:20 a silver Opel Astra, registration WX 12345, was \
               reported stolen from the car park on Marszałkowska Street in Warsaw. The owner, \
               Jan Kowalski, left the car unlocked for ten minutes. CCTV shows two men in dark \
               jackets driving away towards Praga.";
    let req = ChatRequest {
        messages: vec![
            Message::system("Summarize the report in one sentence."),
            Message::user(doc),
        ],
        params: max(80),
        ..Default::default()
    };
    let (res, evs) = run(&e, req).await;
    res.unwrap();
    let text = text_of(&evs);
    eprintln!("summary: {text}");
    assert!(!text.trim().is_empty());

    let req = ChatRequest {
        messages: vec![Message::user(format!(
            "{doc}\n\nWhat is the car make and the owner's name? Reply with JSON only, \
             like {{\"make\": \"...\", \"owner\": \"...\"}}."
        ))],
        params: GenParams {
            temperature: Some(0.0),
            ..max(120)
        },
        schema: Some(json!({
            "type": "object",
            "properties": {"make": {"type": "string"}, "owner": {"type": "string"}},
            "required": ["make", "owner"],
            "additionalProperties": false
        })),
        ..Default::default()
    };
    let (res, evs) = run(&e, req).await;
    let text = text_of(&evs);
    eprintln!("json: {text}");
    res.unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(v["make"].is_string() && v["owner"].is_string());
}

/// Rough throughput on a real model: `AVA_TEST_MODEL=… cargo test --release --test
/// local_engine bench -- --ignored --nocapture` (bench/local_engine.sh wraps it).
#[tokio::test]
#[ignore]
async fn bench_real_model_throughput() {
    let Some(path) = std::env::var_os("AVA_TEST_MODEL") else {
        eprintln!("skipping: AVA_TEST_MODEL not set");
        return;
    };
    let e = LocalEngine::load(
        std::path::Path::new(&path),
        LocalOptions {
            ctx_size: Some(2048),
            ..Default::default()
        },
    )
    .unwrap();
    // Asking for a copy keeps the model writing past the 64-token limit, so decode is timed
    // over the same 64 tokens as llama-bench's tg64 rather than over a short early answer.
    let doc = "The suspect was seen near the station at noon. ".repeat(40);
    let ask = format!("{doc}\n\nCopy the text above word for word.");
    let req = ChatRequest {
        messages: vec![
            Message::system("You copy text exactly."),
            Message::user(ask),
        ],
        params: GenParams {
            max_tokens: Some(64),
            ..Default::default()
        },
        ..Default::default()
    };
    // A warm engine, as llama-bench measures one: its warm-up runs the same test once, so
    // the weights have been through the cores and the compute buffers for a full batch have
    // been touched before the clock starts.
    let warm = ChatRequest {
        params: GenParams {
            max_tokens: Some(1),
            ..Default::default()
        },
        ..req.clone()
    };
    let (warm_tx, mut warm_rx) = mpsc::channel(16);
    let (warmed, _) = tokio::join!(e.stream(warm, warm_tx), async {
        while warm_rx.recv().await.is_some() {}
    });
    warmed.unwrap();
    let (tx, mut rx) = mpsc::channel(1024);
    let start = std::time::Instant::now();
    let collect = async {
        let mut first = None;
        let mut evs = Vec::new();
        while let Some(ev) = rx.recv().await {
            if first.is_none() && matches!(ev, Event::Text(_)) {
                first = Some(start.elapsed());
            }
            evs.push(ev);
        }
        (first, evs)
    };
    let (res, (first, evs)) = tokio::join!(e.stream(req, tx), collect);
    res.unwrap();
    let total = start.elapsed();
    let (p, c) = usage_of(&evs);
    let first = first.unwrap_or(total);
    let decode = (total - first).as_secs_f64();
    eprintln!(
        "prompt: {p} tokens, {:.1} tok/s (time to first token {:.2}s); decode: {c} tokens, {:.1} tok/s",
        p as f64 / first.as_secs_f64(),
        first.as_secs_f64(),
        c.saturating_sub(1) as f64 / decode.max(1e-9),
    );
}
