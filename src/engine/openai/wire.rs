//! The Chat Completions wire format: building request bodies and reading response bodies.
//! Pure functions, kept apart from the HTTP code so they can be tested on recorded bytes.

use super::ModelInfo;
use crate::engine::ChatRequest;
use serde::Deserialize;
use serde_json::{Value, json};

/// Longest server message quoted in an error line; error pages can be whole HTML documents.
const MAX_MESSAGE_CHARS: usize = 300;

pub(super) fn chat_body(model: &str, req: &ChatRequest) -> Value {
    let mut body = json!({
        "model": model,
        "messages": req.messages,
        "stream": true,
        "stream_options": { "include_usage": true },
    });
    let p = &req.params;
    if let Some(t) = p.temperature {
        body["temperature"] = float(t);
    }
    if let Some(t) = p.top_p {
        body["top_p"] = float(t);
    }
    if let Some(n) = p.max_tokens {
        body["max_tokens"] = json!(n);
    }
    if let Some(s) = p.seed {
        body["seed"] = json!(s);
    }
    if !p.stop.is_empty() {
        body["stop"] = json!(p.stop);
    }
    if let Some(schema) = &req.schema {
        // strict: false because OpenAI's strict mode rejects common schema features
        // (optional properties, formats); servers that enforce grammars honour it anyway.
        body["response_format"] = json!({
            "type": "json_schema",
            "json_schema": { "name": "output", "schema": schema, "strict": false },
        });
    }
    body
}

/// `0.2f32` widened to f64 is 0.20000000298023224; going through the shortest decimal form
/// sends what the user wrote, which is also what the audit record shows.
fn float(v: f32) -> Value {
    v.to_string()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// What one streamed chunk (or a whole non-streamed completion) contributes.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Piece {
    pub text: Option<String>,
    pub finish_reason: Option<String>,
    /// (prompt, completion, cached prompt) tokens.
    pub usage: Option<(u64, u64, u64)>,
    /// The server's message when the chunk is an `{"error": …}` object.
    pub error: Option<String>,
}

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Option<Vec<Choice>>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Option<Content>,
    /// Non-streamed completions carry `message` instead of `delta`.
    #[serde(default)]
    message: Option<Content>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Content {
    #[serde(default)]
    content: Option<String>,
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
}

/// OpenAI's (and vLLM's, llama.cpp server's) count of prompt tokens served from a cache.
#[derive(Deserialize)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: u64,
}

/// Parse one `data:` payload of the stream, or a whole non-streamed completion.
/// `Err` holds a short excerpt of what could not be read.
pub(super) fn parse_piece(data: &str) -> Result<Piece, String> {
    let chunk: Chunk = serde_json::from_str(data).map_err(|_| excerpt(data))?;
    if let Some(err) = chunk.error.filter(|e| !e.is_null()) {
        return Ok(Piece {
            error: Some(error_text(&err).unwrap_or_else(|| excerpt(&err.to_string()))),
            ..Piece::default()
        });
    }
    let first = chunk.choices.and_then(|c| c.into_iter().next());
    let (text, finish_reason) = match first {
        Some(c) => (
            c.delta
                .or(c.message)
                .and_then(|d| d.content)
                .filter(|t| !t.is_empty()),
            c.finish_reason.filter(|r| !r.is_empty()),
        ),
        None => (None, None),
    };
    Ok(Piece {
        text,
        finish_reason,
        usage: chunk.usage.map(|u| {
            let cached = u.prompt_tokens_details.map_or(0, |d| d.cached_tokens);
            (u.prompt_tokens, u.completion_tokens, cached)
        }),
        error: None,
    })
}

/// The human-readable part of an error body, in the shapes servers actually send:
/// OpenAI `{"error":{"message":…}}`, Ollama `{"error":"…"}`, FastAPI/vLLM `{"detail":…}`,
/// `{"message":…}`, or a short plain-text line.
pub(super) fn server_message(body: &str) -> Option<String> {
    let body = body.trim();
    if body.is_empty() {
        return None;
    }
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        return error_text(&v).map(|m| excerpt(&m));
    }
    if body.starts_with('<') {
        // An HTML error page says nothing the status line doesn't.
        return None;
    }
    body.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(excerpt)
}

fn error_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Object(o) => ["error", "message", "detail", "msg"]
            .iter()
            .find_map(|k| o.get(*k).and_then(error_text)),
        // FastAPI validation errors: a list of {"msg": …}.
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().filter_map(error_text).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        _ => None,
    }
}

pub(super) fn excerpt(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// `GET /models`. The context window comes from whichever field the server fills:
/// llama.cpp `meta.n_ctx_train`, OpenRouter/LM Studio `context_length`, vLLM `max_model_len`.
pub(super) fn parse_models(body: &str) -> Result<Vec<ModelInfo>, String> {
    let v: Value = serde_json::from_str(body).map_err(|_| excerpt(body))?;
    let list = v
        .get("data")
        .or_else(|| v.get("models"))
        .and_then(Value::as_array)
        .ok_or_else(|| excerpt(body))?;
    let as_usize = |x: Option<&Value>| {
        x.and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    Ok(list
        .iter()
        .filter_map(|m| {
            let id = m.get("id").or_else(|| m.get("name"))?.as_str()?.to_string();
            let context_window = as_usize(m.pointer("/meta/n_ctx_train"))
                .or_else(|| as_usize(m.get("context_length")))
                .or_else(|| as_usize(m.get("max_model_len")));
            Some(ModelInfo { id, context_window })
        })
        .collect())
}

/// llama.cpp's `GET /props`: `default_generation_settings.n_ctx` is the context of one slot,
/// i.e. what one request may use. Zero or absent is unknown.
pub(super) fn parse_slot_context(body: &str) -> Option<usize> {
    let v: Value = serde_json::from_str(body).ok()?;
    v.pointer("/default_generation_settings/n_ctx")
        .and_then(Value::as_u64)
        .filter(|&n| n > 0)
        .and_then(|n| usize::try_from(n).ok())
}

/// llama.cpp answers `{"tokens":[…]}`, vLLM `{"count":n,…}`; anything else is unknown.
pub(super) fn parse_token_count(body: &str) -> Option<usize> {
    let v: Value = serde_json::from_str(body).ok()?;
    v.get("count")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .or_else(|| v.get("tokens").and_then(Value::as_array).map(Vec::len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{GenParams, Message};

    #[test]
    fn body_leaves_unset_params_out() {
        let req = ChatRequest {
            messages: vec![Message::user("hi")],
            ..ChatRequest::default()
        };
        let b = chat_body("m", &req);
        assert_eq!(b["model"], "m");
        assert_eq!(b["stream"], true);
        assert_eq!(b["messages"][0]["role"], "user");
        for k in [
            "temperature",
            "top_p",
            "max_tokens",
            "seed",
            "stop",
            "response_format",
        ] {
            assert!(b.get(k).is_none(), "{k} should be absent");
        }
    }

    #[test]
    fn body_carries_set_params_as_written() {
        let req = ChatRequest {
            messages: vec![Message::user("hi")],
            params: GenParams {
                temperature: Some(0.2),
                top_p: Some(0.9),
                max_tokens: Some(100),
                seed: Some(7),
                stop: vec!["END".into()],
                ..GenParams::default()
            },
            ..ChatRequest::default()
        };
        let b = chat_body("m", &req);
        assert_eq!(b["temperature"].to_string(), "0.2");
        assert_eq!(b["top_p"].to_string(), "0.9");
        assert_eq!(b["max_tokens"], 100);
        assert_eq!(b["seed"], 7);
        assert_eq!(b["stop"][0], "END");
    }

    #[test]
    fn pieces() {
        let p = parse_piece(r#"{"choices":[{"delta":{"content":"Hi"},"finish_reason":null}]}"#);
        assert_eq!(p.unwrap().text.as_deref(), Some("Hi"));
        let p = parse_piece(r#"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5}}"#);
        assert_eq!(p.unwrap().usage, Some((3, 5, 0)));
        let p = parse_piece(
            r#"{"choices":[],"usage":{"prompt_tokens":30,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":24}}}"#,
        );
        assert_eq!(p.unwrap().usage, Some((30, 5, 24)));
        let p = parse_piece(r#"{"choices":[{"delta":{},"finish_reason":"length"}]}"#).unwrap();
        assert_eq!(p.finish_reason.as_deref(), Some("length"));
        assert_eq!(p.text, None);
        let p = parse_piece(r#"{"error":{"message":"overloaded","type":"server_error"}}"#);
        assert_eq!(p.unwrap().error.as_deref(), Some("overloaded"));
        assert!(parse_piece("{not json").is_err());
    }

    #[test]
    fn whole_completion() {
        let p = parse_piece(
            r#"{"choices":[{"message":{"role":"assistant","content":"Done."},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2}}"#,
        )
        .unwrap();
        assert_eq!(p.text.as_deref(), Some("Done."));
        assert_eq!(p.finish_reason.as_deref(), Some("stop"));
    }

    #[test]
    fn server_messages() {
        assert_eq!(
            server_message(r#"{"error":{"message":"bad key","type":"x"}}"#).as_deref(),
            Some("bad key")
        );
        assert_eq!(
            server_message(r#"{"error":"model not found"}"#).as_deref(),
            Some("model not found")
        );
        assert_eq!(
            server_message(r#"{"detail":[{"msg":"a"},{"msg":"b"}]}"#).as_deref(),
            Some("a; b")
        );
        assert_eq!(
            server_message("\n upstream down \n").as_deref(),
            Some("upstream down")
        );
        assert_eq!(server_message("<html><body>502</body></html>"), None);
        assert_eq!(server_message(""), None);
    }

    #[test]
    fn models() {
        let m = parse_models(
            r#"{"data":[{"id":"a","meta":{"n_ctx_train":4096}},{"id":"b","max_model_len":8192},{"id":"c"}]}"#,
        )
        .unwrap();
        assert_eq!(m[0].context_window, Some(4096));
        assert_eq!(m[1].context_window, Some(8192));
        assert_eq!(
            m[2],
            ModelInfo {
                id: "c".into(),
                context_window: None
            }
        );
    }

    #[test]
    fn slot_context() {
        assert_eq!(
            parse_slot_context(
                r#"{"default_generation_settings":{"id":0,"n_ctx":4096,"params":{"n_predict":-1}},"total_slots":4,"chat_template":"x"}"#
            ),
            Some(4096)
        );
        assert_eq!(
            parse_slot_context(r#"{"default_generation_settings":{"n_ctx":0}}"#),
            None
        );
        assert_eq!(
            parse_slot_context(r#"{"default_generation_settings":{}}"#),
            None
        );
        assert_eq!(parse_slot_context(r#"{"n_ctx":4096}"#), None);
        assert_eq!(parse_slot_context("<html>404</html>"), None);
    }

    #[test]
    fn token_counts() {
        assert_eq!(parse_token_count(r#"{"tokens":[1,2,3]}"#), Some(3));
        assert_eq!(
            parse_token_count(r#"{"count":4,"tokens":[1,2,3,4]}"#),
            Some(4)
        );
        assert_eq!(parse_token_count(r#"{"count":4}"#), Some(4));
        assert_eq!(parse_token_count("nope"), None);
    }
}
