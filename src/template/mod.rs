//! Prompt templates: typed artifacts on disk (`prompts/NAME.md`) with YAML front matter
//! declaring variables, model parameters, output shape and how chunk results combine, and a
//! minijinja body split into `[system]` and `[user]` parts. The format is documented in
//! `prompts/README.md`.
//!
//! The document is always passed to the template engine as a *value* (`input`), never as
//! template source, so `{{` or `{%` inside case material is inert.

mod filters;
mod front;
mod store;

pub use store::{TemplateInfo, TemplateStore, builtin_templates};

use crate::engine::{GenParams, Message};
use crate::error::{Error, Result};
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// Variables ava provides to every template; templates may not declare them.
pub const BUILTIN_VARS: &[&str] = &["input", "filename", "part", "parts", "first_line"];

/// Where a template was found, in lookup order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `--template-dir`
    Flag(PathBuf),
    /// `$AVA_TEMPLATE_DIR`
    Env(PathBuf),
    /// The user's config dir (`~/.config/ava/prompts`).
    User(PathBuf),
    /// `./.ava/prompts` in the working directory.
    Project(PathBuf),
    /// Embedded in the binary.
    Builtin,
}

impl Origin {
    /// The directory this origin stands for; `None` for the built-ins.
    pub fn dir(&self) -> Option<&Path> {
        match self {
            Origin::Flag(p) | Origin::Env(p) | Origin::User(p) | Origin::Project(p) => Some(p),
            Origin::Builtin => None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(p) => write!(f, "--template-dir {}", p.display()),
            Origin::Env(p) => write!(f, "$AVA_TEMPLATE_DIR {}", p.display()),
            Origin::User(p) => write!(f, "user {}", p.display()),
            Origin::Project(p) => write!(f, "project {}", p.display()),
            Origin::Builtin => f.write_str("built-in"),
        }
    }
}

/// What the model is expected to answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Text,
    /// A JSON object conforming to this JSON Schema.
    Schema(serde_json::Value),
}

/// How the partial results of a chunked document are put back together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Combine {
    /// Append the parts in order.
    Concat,
    /// Concatenate the arrays of the JSON results; items with equal `key` are kept once.
    Merge { key: String },
    /// Feed the joined partial results as `input` to another template.
    Reduce { template: String },
}

/// One variable a template declares (settable with `--var name=value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarSpec {
    pub name: String,
    pub required: bool,
    pub default: Option<String>,
    pub description: String,
    /// Allowed values; empty means any value.
    pub choices: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    pub origin: Origin,
    /// Path of the file, or `built-in:NAME.md`; used in messages.
    pub file: String,
    pub description: String,
    pub variables: Vec<VarSpec>,
    pub params: GenParams,
    pub output: Output,
    pub combine: Combine,
    /// Deterministic built-in operation that can answer without a model: `summarize`, `extract`.
    pub builtin: Option<String>,
    /// For `builtin: extract`: the pattern kinds to run (empty = all).
    pub patterns: Vec<crate::text::entity::EntityKind>,
    /// Fields of the answer's records whose values must occur in the document (`ground:`);
    /// see [`crate::extract::records`].
    pub ground: Vec<String>,
    /// The full text of the template file.
    pub source: String,
    /// sha256 (hex) of `source`, recorded with every run.
    pub hash: String,
    system: Option<Part>,
    user: Part,
}

/// One part of the body: its template source and the file line it starts on, so that
/// minijinja's line numbers can be reported as lines of the file.
#[derive(Debug, Clone)]
struct Part {
    label: &'static str,
    source: String,
    first_line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    pub system: String,
    pub user: String,
}

impl Rendered {
    /// The chat messages to send; the system message is left out when it is empty.
    pub fn messages(&self) -> Vec<Message> {
        let mut out = Vec::with_capacity(2);
        if !self.system.trim().is_empty() {
            out.push(Message::system(self.system.clone()));
        }
        out.push(Message::user(self.user.clone()));
        out
    }
}

impl Template {
    /// Parse a template from its text. `file` names it in error messages.
    pub fn from_source(name: &str, origin: Origin, file: &str, source: &str) -> Result<Template> {
        let parsed = front::parse(file, source)?;
        let tmpl = Template {
            name: name.to_string(),
            origin,
            file: file.to_string(),
            description: parsed.description,
            variables: parsed.variables,
            params: parsed.params,
            output: parsed.output,
            combine: parsed.combine,
            builtin: parsed.builtin,
            patterns: parsed.patterns,
            ground: parsed.ground,
            source: source.to_string(),
            hash: hex::encode(Sha256::digest(source.as_bytes())),
            system: parsed.system.map(|(source, first_line)| Part {
                label: "[system]",
                source,
                first_line,
            }),
            user: Part {
                label: "[user]",
                source: parsed.user.0,
                first_line: parsed.user.1,
            },
        };
        // Compile now so a broken template fails when it is loaded, not halfway through a
        // batch of documents.
        tmpl.environment()?;
        Ok(tmpl)
    }

    /// Render both parts. `vars` are the user's `--var` values; `builtins` are the values ava
    /// provides (`input`, `filename`, `part`, `parts`, `first_line`).
    pub fn render(
        &self,
        vars: &BTreeMap<String, String>,
        builtins: &BTreeMap<String, Value>,
    ) -> Result<Rendered> {
        let ctx = self.context(vars, builtins)?;
        let env = self.environment()?;
        let system = match &self.system {
            Some(part) => self.render_part(&env, part, &ctx)?,
            None => String::new(),
        };
        let user = self.render_part(&env, &self.user, &ctx)?;
        Ok(Rendered { system, user })
    }

    /// The variables `render` would see, after checking the user's values against the
    /// declarations.
    fn context(
        &self,
        vars: &BTreeMap<String, String>,
        builtins: &BTreeMap<String, Value>,
    ) -> Result<BTreeMap<String, Value>> {
        let unknown: Vec<&str> = vars
            .keys()
            .filter(|k| !self.variables.iter().any(|v| &v.name == *k))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            let declared = if self.variables.is_empty() {
                "it declares no variables".to_string()
            } else {
                format!("declared: {}", self.declared_names())
            };
            return Err(self.error(format!(
                "unknown variable{} {}; {declared}",
                if unknown.len() > 1 { "s" } else { "" },
                quote_list(&unknown),
            )));
        }

        let mut ctx = builtins.clone();
        let mut missing = Vec::new();
        for spec in &self.variables {
            let given = vars
                .get(&spec.name)
                .filter(|v| !(spec.required && v.is_empty()));
            let value = match (given, &spec.default) {
                (Some(v), _) => v.clone(),
                (None, Some(d)) => d.clone(),
                (None, None) if spec.required => {
                    missing.push(spec);
                    continue;
                }
                // Optional without a default renders as empty so that strict mode does not
                // turn `{% if x %}` into an error.
                (None, None) => String::new(),
            };
            if !spec.choices.is_empty() && !spec.choices.contains(&value) {
                return Err(self.error(format!(
                    "variable `{}` is {value:?}; expected one of: {}",
                    spec.name,
                    spec.choices.join(", ")
                )));
            }
            ctx.insert(spec.name.clone(), Value::from(value));
        }
        if !missing.is_empty() {
            let what: Vec<String> = missing
                .iter()
                .map(|s| {
                    if s.description.is_empty() {
                        format!("`{}`", s.name)
                    } else {
                        format!("`{}` ({})", s.name, s.description)
                    }
                })
                .collect();
            let example: Vec<String> = missing
                .iter()
                .map(|s| format!("--var {}=…", s.name))
                .collect();
            return Err(self.error(format!(
                "missing required variable{} {}; pass {}",
                if missing.len() > 1 { "s" } else { "" },
                what.join(", "),
                example.join(" ")
            )));
        }
        Ok(ctx)
    }

    fn environment(&self) -> Result<Environment<'_>> {
        let mut env = Environment::new();
        // Prompts are plain text: HTML escaping would corrupt documents.
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // `{% if %}` lines in a prompt should not leave blank lines behind.
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        filters::register(&mut env);
        if let Some(part) = &self.system {
            env.add_template(part.label, &part.source)
                .map_err(|e| self.jinja_error(part, &e, None))?;
        }
        env.add_template(self.user.label, &self.user.source)
            .map_err(|e| self.jinja_error(&self.user, &e, None))?;
        Ok(env)
    }

    fn render_part(
        &self,
        env: &Environment<'_>,
        part: &Part,
        ctx: &BTreeMap<String, Value>,
    ) -> Result<String> {
        let tmpl = env
            .get_template(part.label)
            .map_err(|e| self.jinja_error(part, &e, None))?;
        let out = tmpl.render(ctx).map_err(|e| {
            let undefined: Vec<String> = if e.kind() == minijinja::ErrorKind::UndefinedError {
                let mut names: Vec<String> = tmpl
                    .undeclared_variables(false)
                    .into_iter()
                    .filter(|n| !ctx.contains_key(n) && env.globals().all(|(g, _)| g != n))
                    .collect();
                names.sort();
                names
            } else {
                Vec::new()
            };
            self.jinja_error(part, &e, Some(&undefined))
        })?;
        Ok(tidy(&out))
    }

    fn jinja_error(
        &self,
        part: &Part,
        e: &minijinja::Error,
        undefined: Option<&[String]>,
    ) -> Error {
        let line = part.first_line + e.line().unwrap_or(1).saturating_sub(1);
        let mut reason = match e.detail() {
            Some(d) => format!("{}: {d}", e.kind()),
            None => e.kind().to_string(),
        };
        if let Some(names) = undefined.filter(|n| !n.is_empty()) {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            reason.push_str(&format!(
                " ({} not declared in the front matter{})",
                quote_list(&names),
                if self.variables.is_empty() {
                    String::new()
                } else {
                    format!("; declared: {}", self.declared_names())
                }
            ));
        }
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            reason.push_str(&format!(": {s}"));
            source = s.source();
        }
        Error::TemplateSyntax {
            file: self.file.clone(),
            line,
            reason,
        }
    }

    /// Variables the body uses that are neither declared nor provided by ava
    /// ([`BUILTIN_VARS`]); for `ava templates check`. Rendering reports the same, in strict
    /// mode, only when such a variable is actually reached.
    pub fn undeclared_variables(&self) -> Result<BTreeSet<String>> {
        let env = self.environment()?;
        let mut out = BTreeSet::new();
        let parts = self.system.iter().chain(std::iter::once(&self.user));
        for part in parts {
            let t = env
                .get_template(part.label)
                .map_err(|e| self.jinja_error(part, &e, None))?;
            for name in t.undeclared_variables(false) {
                let declared = self.variables.iter().any(|v| v.name == name);
                let global = env.globals().any(|(g, _)| g == name);
                if !declared && !global && !BUILTIN_VARS.contains(&name.as_str()) {
                    out.insert(name);
                }
            }
        }
        Ok(out)
    }

    fn error(&self, reason: String) -> Error {
        Error::Template {
            name: self.name.clone(),
            reason,
        }
    }

    fn declared_names(&self) -> String {
        let names: Vec<&str> = self.variables.iter().map(|v| v.name.as_str()).collect();
        names.join(", ")
    }
}

fn quote_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Drop the blank lines that front-matter-style layout leaves at both ends of a part; inner
/// whitespace (the document's own) is untouched.
fn tidy(s: &str) -> String {
    let s = s.trim_end();
    let start = s
        .char_indices()
        .find(|(_, c)| !c.is_whitespace())
        .map(|(i, _)| s[..i].rfind('\n').map_or(0, |nl| nl + 1))
        .unwrap_or(s.len());
    s[start..].to_string()
}

/// A valid variable name: what minijinja accepts as an identifier, ASCII only so that it can
/// be typed in `--var`.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parse one `--var NAME=VALUE` argument. The value may be empty and may contain `=`.
pub fn parse_var(arg: &str) -> Result<(String, String)> {
    let Some((name, value)) = arg.split_once('=') else {
        return Err(Error::Usage(format!(
            "--var {arg:?}: expected NAME=VALUE, e.g. --var lang=en"
        )));
    };
    let name = name.trim();
    if !is_identifier(name) {
        return Err(Error::Usage(format!(
            "--var {arg:?}: {name:?} is not a variable name (letters, digits and _, not starting with a digit)"
        )));
    }
    Ok((name.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests;
