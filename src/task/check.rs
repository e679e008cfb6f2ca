//! Structured answers: a model's JSON is parsed, checked against the template's JSON Schema,
//! and sent back for repair a bounded number of times. Invalid JSON is never passed off as a
//! result.

use super::{Outcome, execute};
use crate::engine::{ChatRequest, Engine};
use crate::error::{Error, Result};

/// Parse a model's JSON answer, tolerating the Markdown fences small models like to add.
pub fn parse_json_answer(text: &str) -> Result<serde_json::Value> {
    let t = text.trim();
    let t = t
        .strip_prefix("```json")
        .or_else(|| t.strip_prefix("```"))
        .map(|rest| rest.trim_end().trim_end_matches("```"))
        .unwrap_or(t)
        .trim();
    serde_json::from_str(t).map_err(|e| {
        Error::InvalidOutput(format!(
            "the answer is not valid JSON ({e}); nothing was written as a result"
        ))
    })
}

/// Check a structured answer: it must be JSON and, when the template declares a schema,
/// conform to it. On failure, the reasons are returned so they can be fed back to the model.
pub fn check_answer(
    text: &str,
    schema: Option<&serde_json::Value>,
) -> std::result::Result<serde_json::Value, Vec<String>> {
    let value = parse_json_answer(text).map_err(|e| vec![e.to_string()])?;
    let Some(schema) = schema else {
        return Ok(value);
    };
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => return Err(vec![format!("the template's JSON Schema is invalid: {e}")]),
    };
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .take(10)
        .map(|e| {
            let at = e.instance_path().to_string();
            if at.is_empty() {
                e.to_string()
            } else {
                format!("at {at}: {e}")
            }
        })
        .collect();
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors)
    }
}

/// How many times a model is asked to repair JSON that fails its schema.
const SCHEMA_REPAIRS: usize = 2;

/// Validate a structured answer; ask the model to repair it (with the validation errors) a
/// bounded number of times, calling `on_repair` with a one-line notice each time; never pass
/// invalid JSON off as a result.
pub async fn checked_answer(
    engine: &dyn Engine,
    req: &ChatRequest,
    mut outcome: Outcome,
    on_repair: impl Fn(&str),
) -> Result<(serde_json::Value, Outcome)> {
    let mut req = req.clone();
    let mut attempt = 0;
    loop {
        match check_answer(&outcome.text, req.schema.as_ref()) {
            Ok(v) => return Ok((v, outcome)),
            Err(problems) if attempt < SCHEMA_REPAIRS => {
                on_repair(&format!(
                    "the answer does not match the template's schema ({}); asking the model to correct it",
                    problems.first().map(String::as_str).unwrap_or("invalid")
                ));
                req = repair_messages(&req, &outcome.text, &problems);
                outcome = execute(engine, req.clone(), |_| Ok(())).await?;
                if outcome.finish_reason.as_deref() == Some("length") {
                    return Err(Error::Truncated(
                        "the corrected answer reached the token limit and is incomplete; raise --max-tokens".into(),
                    ));
                }
                attempt += 1;
            }
            Err(problems) => {
                return Err(Error::InvalidOutput(format!(
                    "the answer is not valid JSON for the template's schema after {} attempt(s): {}; nothing was written as a result",
                    attempt + 1,
                    problems.join("; ")
                )));
            }
        }
    }
}

/// The follow-up turn that asks a model to repair an answer that failed `check_answer`.
pub fn repair_messages(req: &ChatRequest, answer: &str, problems: &[String]) -> ChatRequest {
    let mut next = req.clone();
    next.messages
        .push(crate::engine::Message::assistant(answer));
    next.messages.push(crate::engine::Message::user(format!(
        "Your answer is not valid for the required JSON Schema:\n- {}\nReply again with the corrected JSON only, no commentary.",
        problems.join("\n- ")
    )));
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_json_is_accepted_and_garbage_refused() {
        assert_eq!(
            parse_json_answer("```json\n{\"a\":1}\n```").unwrap()["a"],
            1
        );
        assert_eq!(parse_json_answer(" {\"a\":2} ").unwrap()["a"], 2);
        assert!(matches!(
            parse_json_answer("{\"a\":"),
            Err(Error::InvalidOutput(_))
        ));
    }

    #[test]
    fn answers_are_checked_against_the_schema() {
        let schema = serde_json::json!({
            "type": "object",
            "required": ["people"],
            "properties": {"people": {"type": "array", "items": {"type": "string"}}}
        });
        assert!(check_answer(r#"{"people":["Anna"]}"#, Some(&schema)).is_ok());
        let errs = check_answer(r#"{"people":[3]}"#, Some(&schema)).unwrap_err();
        assert!(errs[0].contains("/people/0"), "{errs:?}");
        assert!(check_answer(r#"{"persons":[]}"#, Some(&schema)).is_err());
        assert!(check_answer("not json", Some(&schema)).is_err());
    }
}
