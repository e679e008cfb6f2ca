//! The slash commands: one table that feeds `/help`, tab completion and dispatch, so the three
//! can never disagree about what exists.

use crate::error::{Error, Result};

/// What an argument position holds, which decides how it is completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    Path,
    /// The name of an attached document.
    Attached,
    Template,
    Language,
    Engine,
    Model,
    Setting,
    SessionAction,
    SessionName,
}

#[derive(Debug)]
pub struct Spec {
    pub name: &'static str,
    pub usage: &'static str,
    pub help: &'static str,
    /// Argument kinds by position.
    pub args: &'static [Arg],
    /// The last kind applies to every further argument.
    pub repeat_last: bool,
}

impl Spec {
    /// Kind of the argument at `index` (0 = first after the command name).
    pub fn arg(&self, index: usize) -> Option<Arg> {
        match self.args.get(index) {
            Some(a) => Some(*a),
            None if self.repeat_last => self.args.last().copied(),
            None => None,
        }
    }
}

const fn spec(
    name: &'static str,
    usage: &'static str,
    help: &'static str,
    args: &'static [Arg],
    repeat_last: bool,
) -> Spec {
    Spec {
        name,
        usage,
        help,
        args,
        repeat_last,
    }
}

pub const COMMANDS: &[Spec] = &[
    spec("help", "/help", "this list", &[], false),
    spec(
        "file",
        "/file PATH…",
        "attach documents: every chat turn sees them",
        &[Arg::Path],
        true,
    ),
    spec("files", "/files", "list attached documents", &[], false),
    spec(
        "drop",
        "/drop [NAME]",
        "detach one document, or all of them",
        &[Arg::Attached],
        false,
    ),
    spec(
        "summarize",
        "/summarize [PATH…]",
        "summarize each PATH, or each attached document (as `ava summarize`)",
        &[Arg::Path],
        true,
    ),
    spec(
        "translate",
        "/translate LANG [PATH|TEXT]",
        "translate a file, some text, or each attached document (as `ava translate`)",
        &[Arg::Language, Arg::Path],
        false,
    ),
    spec(
        "process",
        "/process TEMPLATE [PATH] [KEY=VALUE…] [--unmask-cards]",
        "apply a template to PATH or each attached document (as `ava process`)",
        &[Arg::Template, Arg::Path],
        true,
    ),
    spec(
        "templates",
        "/templates",
        "list the templates /process can use",
        &[],
        false,
    ),
    spec(
        "model",
        "/model NAME",
        "switch model (server model name or installed local model)",
        &[Arg::Model],
        false,
    ),
    spec(
        "engine",
        "/engine openai|local|builtin [MODEL]",
        "switch engine; the conversation is kept",
        &[Arg::Engine, Arg::Model],
        false,
    ),
    spec(
        "set",
        "/set [KEY VALUE]",
        "temperature, top_p, max_tokens, seed, context (tokens of memory); `default` unsets",
        &[Arg::Setting],
        false,
    ),
    spec(
        "clear",
        "/clear",
        "forget the conversation (attached documents stay)",
        &[],
        false,
    ),
    spec(
        "save",
        "/save [-l] PATH",
        "write the transcript as Markdown; -l: the last answer only",
        &[Arg::Path],
        true,
    ),
    spec(
        "session",
        "/session save|load|list [NAME]",
        "keep or restore the conversation and attached files (data dir, sessions/)",
        &[Arg::SessionAction, Arg::SessionName],
        false,
    ),
    spec(
        "tokens",
        "/tokens",
        "how much of the model's context the documents and conversation use",
        &[],
        false,
    ),
    spec("exit", "/exit", "leave (also /quit, Ctrl-D)", &[], false),
];

/// Other names accepted for a command.
const ALIASES: &[(&str, &str)] = &[
    ("quit", "exit"),
    ("q", "exit"),
    ("?", "help"),
    ("attach", "file"),
];

pub fn find(name: &str) -> Option<&'static Spec> {
    let name = ALIASES
        .iter()
        .find(|(a, _)| *a == name)
        .map_or(name, |(_, n)| n);
    COMMANDS.iter().find(|s| s.name == name)
}

/// `unknown command /sum; did you mean /summarize?`
pub fn unknown(name: &str) -> Error {
    let close: Vec<String> = COMMANDS
        .iter()
        .filter(|s| s.name.starts_with(name) || (name.len() > 2 && s.name.contains(name)))
        .map(|s| format!("/{}", s.name))
        .collect();
    let hint = if close.is_empty() {
        "/help lists the commands".to_string()
    } else {
        format!("did you mean {}?", close.join(" or "))
    };
    Error::Usage(format!("unknown command /{name}; {hint}"))
}

pub const SETTINGS: &[&str] = &["temperature", "top_p", "max_tokens", "seed", "context"];
pub const SESSION_ACTIONS: &[&str] = &["save", "load", "list"];
/// Offered for completion only; the translate template accepts any language name.
pub const LANGUAGES: &[&str] = &[
    "en",
    "pl",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "cs",
    "sk",
    "uk",
    "ru",
    "be",
    "lt",
    "lv",
    "et",
    "hu",
    "ro",
    "bg",
    "hr",
    "sr",
    "sl",
    "sq",
    "el",
    "tr",
    "sv",
    "da",
    "no",
    "fi",
    "ar",
    "fa",
    "he",
    "hi",
    "ur",
    "vi",
    "zh",
    "ja",
    "ko",
    "ka",
    "hy",
    "English",
    "Polish",
    "German",
    "French",
    "Spanish",
    "Italian",
    "Ukrainian",
    "Russian",
    "Romanian",
    "Vietnamese",
    "Chinese",
    "Arabic",
];

/// The `/help` text, built from the table so it never misses a command.
pub fn help_text() -> String {
    let w = COMMANDS
        .iter()
        .map(|s| s.usage.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::from(
        "Type a question to chat about the attached documents; the model remembers the \
         conversation until /clear.\n\nCommands (Tab completes commands, templates, languages \
         and paths):\n",
    );
    for s in COMMANDS {
        let pad = w - s.usage.chars().count();
        out.push_str(&format!("  {}{}  {}\n", s.usage, " ".repeat(pad), s.help));
    }
    out.push_str(
        "\nInput:\n\
         \x20 \"\"\" … \"\"\"   a block of several lines (paste text between two \"\"\" lines)\n\
         \x20 line \\        a trailing backslash continues on the next line\n\
         \x20 Ctrl-R       search history; a line starting with a space is not kept in history\n\
         \x20 Ctrl-C       stop the answer being written; on an empty line, asks whether to exit\n\
         \x20 Ctrl-D       exit\n\
         \nHistory is kept in the data dir (history.txt) unless the config says `history = false`:\n\
         it can hold case data.\n\
         When stdin is not a terminal, `ava chat` reads one entry per line (commands work too),\n\
         answers each on stdout and reports errors on stderr without stopping; the exit code is\n\
         non-zero if any entry failed.\n",
    );
    out
}

/// Split command arguments like a shell would, minus expansion: whitespace separates,
/// quotes group, backslash escapes. Paths with spaces can thus be typed or completed.
pub fn split_args(s: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                in_word = true;
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(Error::Usage("unclosed quote in the command".into()));
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// `/name rest…` → (`name`, `rest…`); `None` for a line that is not a command.
pub fn parse_line(line: &str) -> Option<(&str, &str)> {
    let body = line.trim().strip_prefix('/')?;
    match body.find(char::is_whitespace) {
        Some(i) => Some((&body[..i], body[i..].trim())),
        None => Some((body, "")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_help_and_unique_name() {
        let help = help_text();
        for (i, s) in COMMANDS.iter().enumerate() {
            assert!(help.contains(s.usage), "{} missing from /help", s.name);
            assert!(COMMANDS[i + 1..].iter().all(|o| o.name != s.name));
        }
    }

    #[test]
    fn args_split_like_a_shell() {
        assert_eq!(
            split_args(r#"a "b c" d\ e 'f g'"#).unwrap(),
            ["a", "b c", "d e", "f g"]
        );
        assert_eq!(split_args("  ").unwrap(), Vec::<String>::new());
        assert_eq!(split_args(r#""""#).unwrap(), [""]);
        assert!(split_args("\"open").is_err());
    }

    #[test]
    fn lines_parse_into_command_and_rest() {
        assert_eq!(parse_line("/file  a b "), Some(("file", "a b")));
        assert_eq!(parse_line("/files"), Some(("files", "")));
        assert_eq!(parse_line("hello"), None);
        assert_eq!(find("quit").map(|s| s.name), Some("exit"));
        assert!(unknown("summ").to_string().contains("/summarize"));
    }

    #[test]
    fn repeating_arguments_reuse_the_last_kind() {
        let Some(process) = find("process") else {
            panic!("no /process")
        };
        assert_eq!(process.arg(0), Some(Arg::Template));
        assert_eq!(process.arg(3), Some(Arg::Path));
        let Some(drop) = find("drop") else {
            panic!("no /drop")
        };
        assert_eq!(drop.arg(1), None);
    }
}
