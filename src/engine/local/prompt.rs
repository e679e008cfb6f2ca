//! The prompt text for a request: the model's chat template when llama.cpp can apply it, a
//! plain "Role: text" format otherwise, with control tokens in message contents neutralised.

use super::Shared;
use crate::engine::{Message, Role};
use crate::error::{Error, Result};
use llama_cpp_2::model::{LlamaChatMessage, LlamaChatTemplate, LlamaModel};
use llama_cpp_2::token::LlamaToken;

/// The plain prompt format (models without a chat template) ends a turn with a blank line.
pub(super) const PLAIN_STOPS: [&str; 2] = ["\n\n", "\nUser:"];
/// llama-cpp-2 sizes its template buffer from the message length as an i32; refuse long
/// before that (no real context holds 256 MiB of text anyway).
const MAX_PROMPT_BYTES: usize = 256 << 20;

/// llama.cpp applies only the templates it recognises; probe once at load.
pub(super) fn template_works(model: &LlamaModel, t: &LlamaChatTemplate) -> bool {
    let probe = [("system", "s"), ("user", "u")]
        .iter()
        .filter_map(|(r, c)| LlamaChatMessage::new((*r).into(), (*c).into()).ok())
        .collect::<Vec<_>>();
    model.apply_chat_template(t, &probe, true).is_ok()
}

fn role_name(r: Role) -> &'static str {
    match r {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
    }
}

impl Shared {
    fn neutralise(&self, content: &str) -> String {
        let mut out = content.replace('\0', "");
        for s in &self.specials {
            if out.contains(s.as_str()) {
                // A zero-width space after the first character keeps the text readable but
                // stops the tokenizer from matching the control token.
                let mut chars = s.chars();
                let first = chars.next().map(String::from).unwrap_or_default();
                let broken = format!("{first}\u{200B}{}", chars.as_str());
                out = out.replace(s.as_str(), &broken);
            }
        }
        out
    }

    /// The prompt text: the model's chat template, or the plain format for base models.
    pub(super) fn render(&self, messages: &[Message]) -> Result<String> {
        let total: usize = messages.iter().map(|m| m.content.len()).sum();
        if total > MAX_PROMPT_BYTES {
            return Err(Error::BadInput {
                name: "prompt".into(),
                reason: format!("{total} bytes is more than any model context holds"),
            });
        }
        let messages: Vec<(Role, String)> = messages
            .iter()
            .map(|m| (m.role, self.neutralise(&m.content)))
            .collect();
        let Some(template) = &self.template else {
            return Ok(plain_prompt(&messages));
        };
        let to_chat = |msgs: &[(Role, String)]| -> Result<Vec<LlamaChatMessage>> {
            msgs.iter()
                .map(|(r, c)| {
                    LlamaChatMessage::new(role_name(*r).into(), c.clone()).map_err(|e| {
                        Error::BadInput {
                            name: "prompt".into(),
                            reason: e.to_string(),
                        }
                    })
                })
                .collect()
        };
        match self
            .model
            .apply_chat_template(template, &to_chat(&messages)?, true)
        {
            Ok(p) => Ok(p),
            Err(first) => {
                // Some templates (Gemma's) have no system role: fold it into the first user turn.
                let merged = merge_system(&messages);
                self.model
                    .apply_chat_template(template, &to_chat(&merged)?, true)
                    .map_err(|_| {
                        Error::Engine(format!("applying the model's chat template: {first}"))
                    })
            }
        }
    }

    pub(super) fn tokenize_prompt(&self, prompt: &str) -> Vec<LlamaToken> {
        // parse_special only for template output: its control tokens must become tokens.
        // Message contents were neutralised, so documents cannot smuggle any in.
        let parse_special = self.template.is_some();
        self.model
            .vocab()
            .tokenize(prompt.as_bytes(), true, parse_special)
    }
}

fn plain_prompt(messages: &[(Role, String)]) -> String {
    let mut p = String::new();
    for (role, content) in messages {
        let label = match role {
            Role::System => "System",
            Role::User => "User",
            Role::Assistant => "Assistant",
        };
        p.push_str(label);
        p.push_str(": ");
        p.push_str(content.trim());
        p.push_str("\n\n");
    }
    p.push_str("Assistant:");
    p
}

fn merge_system(messages: &[(Role, String)]) -> Vec<(Role, String)> {
    let system: Vec<&str> = messages
        .iter()
        .filter(|(r, _)| *r == Role::System)
        .map(|(_, c)| c.as_str())
        .collect();
    let mut out: Vec<(Role, String)> = messages
        .iter()
        .filter(|(r, _)| *r != Role::System)
        .cloned()
        .collect();
    if system.is_empty() {
        return out;
    }
    let sys = system.join("\n\n");
    match out.iter_mut().find(|(r, _)| *r == Role::User) {
        Some((_, c)) => *c = format!("{sys}\n\n{c}"),
        None => out.insert(0, (Role::User, sys)),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_prompt_and_system_merge() {
        let msgs = vec![
            (Role::System, "Be brief.".to_string()),
            (Role::User, "Hi".to_string()),
        ];
        assert_eq!(
            plain_prompt(&msgs),
            "System: Be brief.\n\nUser: Hi\n\nAssistant:"
        );
        assert_eq!(
            merge_system(&msgs),
            vec![(Role::User, "Be brief.\n\nHi".to_string())]
        );
    }
}
