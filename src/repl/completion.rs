//! Tab completion for the REPL: command names, then each argument by the kind the command
//! table gives it.

use super::commands::{self, Arg};
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::{Context, Helper, Highlighter, Hinter, Validator};

/// Names that change during a session; the REPL refreshes them before each prompt so that
/// completion never has to reach back into the session.
#[derive(Debug, Default, Clone)]
pub struct Names {
    pub templates: Vec<String>,
    pub attached: Vec<String>,
    pub models: Vec<String>,
    pub sessions: Vec<String>,
}

#[derive(Helper, Hinter, Highlighter, Validator)]
pub struct ReplHelper {
    pub names: Names,
    files: FilenameCompleter,
}

impl ReplHelper {
    pub fn new() -> Self {
        Self {
            names: Names::default(),
            files: FilenameCompleter::new(),
        }
    }

    fn words(&self, kind: Arg) -> Vec<String> {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        match kind {
            Arg::Path => Vec::new(),
            Arg::Attached => self.names.attached.clone(),
            Arg::Template => self.names.templates.clone(),
            Arg::Language => owned(commands::LANGUAGES),
            Arg::Engine => owned(&crate::engine::Provider::ALL.map(|p| p.as_str())),
            Arg::Model => self.names.models.clone(),
            Arg::Setting => owned(commands::SETTINGS),
            Arg::SessionAction => owned(commands::SESSION_ACTIONS),
            Arg::SessionName => self.names.sessions.clone(),
        }
    }
}

impl Default for ReplHelper {
    fn default() -> Self {
        Self::new()
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        match complete_target(line, pos) {
            Target::Nothing => Ok((pos, Vec::new())),
            Target::Command(prefix) => {
                let found = commands::COMMANDS
                    .iter()
                    .filter(|s| s.name.starts_with(prefix))
                    .map(|s| Pair {
                        display: format!("/{}", s.name),
                        replacement: format!("/{} ", s.name),
                    })
                    .collect();
                Ok((0, found))
            }
            Target::Arg {
                kind: Arg::Path, ..
            } => self.files.complete_path(line, pos),
            Target::Arg { kind, start } => {
                let prefix = &line[start..pos];
                let found = self
                    .words(kind)
                    .into_iter()
                    .filter(|w| w.starts_with(prefix))
                    .map(|w| Pair {
                        display: w.clone(),
                        replacement: quote_if_needed(&w),
                    })
                    .collect();
                Ok((start, found))
            }
        }
    }
}

fn quote_if_needed(w: &str) -> String {
    if w.chars()
        .any(|c| c.is_whitespace() || c == '"' || c == '\'' || c == '\\')
    {
        format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        w.to_string()
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Target<'a> {
    Nothing,
    /// Complete a command name from this prefix (without the slash).
    Command(&'a str),
    /// Complete an argument of this kind; the word being typed starts at `start`.
    Arg {
        kind: Arg,
        start: usize,
    },
}

fn complete_target(line: &str, pos: usize) -> Target<'_> {
    let Some(before) = line.get(..pos) else {
        return Target::Nothing;
    };
    let Some(body) = before.strip_prefix('/') else {
        return Target::Nothing;
    };
    let Some(name_end) = body.find(char::is_whitespace) else {
        return Target::Command(body);
    };
    let Some(spec) = commands::find(&body[..name_end]) else {
        return Target::Nothing;
    };
    let rest = &body[name_end..];
    let at_word_start = rest.ends_with(char::is_whitespace) && !rest.ends_with("\\ ");
    let words = commands::split_args(rest)
        .or_else(|_| commands::split_args(&format!("{rest}\"")))
        .unwrap_or_default();
    let index = if at_word_start {
        words.len()
    } else {
        words.len().saturating_sub(1)
    };
    let start = if at_word_start {
        pos
    } else {
        // A plain word: it starts after the last unescaped blank.
        before.rfind(char::is_whitespace).map_or(pos, |i| i + 1)
    };
    match spec.arg(index) {
        Some(kind) => Target::Arg { kind, start },
        None => Target::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_follow_the_command_table() {
        assert_eq!(complete_target("/summ", 5), Target::Command("summ"));
        assert_eq!(complete_target("hello /x", 8), Target::Nothing);
        assert_eq!(
            complete_target("/translate e", 12),
            Target::Arg {
                kind: Arg::Language,
                start: 11
            }
        );
        assert_eq!(
            complete_target("/translate en ", 14),
            Target::Arg {
                kind: Arg::Path,
                start: 14
            }
        );
        assert_eq!(
            complete_target("/process tim", 12),
            Target::Arg {
                kind: Arg::Template,
                start: 9
            }
        );
        assert_eq!(complete_target("/files x", 8), Target::Nothing);
        assert_eq!(complete_target("/nosuch x", 9), Target::Nothing);
    }

    #[test]
    fn command_names_complete_with_a_space() {
        let h = ReplHelper::new();
        let hist = rustyline::history::MemHistory::new();
        let ctx = Context::new(&hist);
        let Ok((start, found)) = h.complete("/summ", 5, &ctx) else {
            panic!("completion failed")
        };
        assert_eq!(start, 0);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].replacement, "/summarize ");
    }

    #[test]
    fn template_names_come_from_the_refreshed_list() {
        let mut h = ReplHelper::new();
        h.names.templates = vec!["timeline".into(), "entities".into()];
        let hist = rustyline::history::MemHistory::new();
        let ctx = Context::new(&hist);
        let Ok((start, found)) = h.complete("/process ti", 11, &ctx) else {
            panic!("completion failed")
        };
        assert_eq!(start, 9);
        assert_eq!(
            found
                .iter()
                .map(|p| p.replacement.as_str())
                .collect::<Vec<_>>(),
            ["timeline"]
        );
    }
}
