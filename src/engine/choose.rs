//! Which engine runs: what the user named, else a configured server, else an installed local
//! model, else the built-in engine — and why, for the one-line notice on stderr.

use super::builtin::BuiltinEngine;
use super::{Engine, Provider};
use crate::config::Resolved;
use crate::error::{Error, Result};
use std::sync::Arc;

/// The engine to run and why it was chosen.
pub struct Choice {
    pub engine: Arc<dyn Engine>,
    /// Short, without the engine's name: "provider set by --provider", "no local model is
    /// installed; …". Front ends put it in one line with the engine.
    pub reason: String,
    /// True when ava fell back rather than running what the user named.
    pub fallback: bool,
    /// Things the user should know about the engine as loaded (stderr warnings).
    pub notes: Vec<String>,
}

impl Choice {
    /// The one line to show on stderr when this choice is news (ava fell back rather than
    /// running what was named or configured), else `None`.
    pub fn notice(&self) -> Option<String> {
        self.fallback
            .then(|| format!("using the built-in engine: {}", self.reason))
    }

    fn named(engine: Arc<dyn Engine>, reason: String) -> Self {
        Self {
            engine,
            reason,
            fallback: false,
            notes: Vec::new(),
        }
    }
}

/// Choose the engine the resolved settings ask for. `verbose`: the local engine explains
/// its loading.
pub fn choose(config: &Resolved, verbose: bool) -> Result<Choice> {
    let s = &config.settings;
    let builtin =
        || -> Result<Arc<dyn Engine>> { Ok(Arc::new(BuiltinEngine::with_region(&s.region)?)) };
    let named = format!("provider set by {}", config.source_of("provider"));
    match s.provider.as_deref().and_then(Provider::parse) {
        Some(Provider::Openai) => Ok(Choice::named(Arc::new(openai_engine(config)?), named)),
        Some(Provider::Local) => local_choice(config, true, verbose),
        Some(Provider::Builtin) => Ok(Choice::named(builtin()?, named)),
        None if s.base_url.is_some() => Ok(Choice::named(
            Arc::new(openai_engine(config)?),
            format!("server configured by {}", config.source_of("base_url")),
        )),
        None => match local_choice(config, false, verbose) {
            Ok(c) => Ok(c),
            Err(why) => Ok(Choice {
                engine: builtin()?,
                reason: why.to_string(),
                fallback: true,
                notes: Vec::new(),
            }),
        },
    }
}

const DEFAULT_OPENAI_URL: &str = "https://api.openai.com/v1";

fn openai_engine(config: &Resolved) -> Result<super::openai::OpenAiEngine> {
    use super::openai::{OpenAiConfig, OpenAiEngine};
    let s = &config.settings;
    let base_url = s
        .base_url
        .clone()
        .unwrap_or_else(|| DEFAULT_OPENAI_URL.into());
    // Before the client exists: a refused endpoint is never looked up or connected to.
    config.policy.check_endpoint(&base_url)?;
    let model = s.model.clone().unwrap_or_else(|| {
        if base_url == DEFAULT_OPENAI_URL {
            "gpt-4o-mini".into()
        } else {
            "default".into()
        }
    });
    let (api_key, key_source) = match (&s.api_key, &s.api_key_cmd) {
        (Some(k), _) => (
            Some(k.clone()),
            Some(
                config
                    .source_of("api_key")
                    .trim_start_matches("env ")
                    .to_string(),
            ),
        ),
        (None, Some(cmd)) => (Some(key_from_command(cmd)?), Some("api_key_cmd".into())),
        (None, None) => (None, None),
    };
    let cfg = OpenAiConfig {
        base_url,
        api_key,
        key_source,
        model,
        connect_timeout: std::time::Duration::from_secs_f64(s.connect_timeout.max(0.001)),
        idle_timeout: std::time::Duration::from_secs_f64(s.timeout.max(0.001)),
        max_retries: s.retries,
        allow_insecure_http: s.allow_insecure_http,
        retry_base_delay: std::time::Duration::from_millis(500),
    };
    OpenAiEngine::new(cfg)
}

/// Runs `api_key_cmd` (`sh -c`) and takes the first line it prints as the key. The key is
/// only ever read from the child's stdout: never put in an argument, an environment variable
/// of a child, a log or an error message.
fn key_from_command(cmd: &str) -> Result<String> {
    let bad = |reason: String| Error::Config {
        file: "api_key_cmd".into(),
        reason,
    };
    let out = std::process::Command::new("sh")
        .args(["-c", cmd])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| bad(format!("cannot run {cmd:?}: {e}")))?;
    if !out.status.success() {
        return Err(bad(format!("{cmd:?} failed ({})", out.status)));
    }
    let key = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(|l| l.trim().to_string())
        .unwrap_or_default();
    if key.is_empty() {
        return Err(bad(format!("{cmd:?} printed no key")));
    }
    Ok(key)
}

#[cfg(feature = "local")]
fn local_choice(config: &Resolved, explicit: bool, verbose: bool) -> Result<Choice> {
    use super::local::{LocalEngine, LocalOptions};
    let s = &config.settings;
    let path = match s.model.as_deref() {
        Some(m) if explicit || config.source_of("model") != "default" => {
            match crate::models::resolve(m) {
                Ok(p) => p,
                Err(e) if explicit => return Err(e),
                Err(_) => {
                    return Err(Error::EngineUnavailable(format!(
                        "no local model named {m:?}"
                    )));
                }
            }
        }
        _ => match crate::models::default_model()? {
            Some(entry) => crate::models::resolve(&entry.name)?,
            None => {
                return Err(Error::EngineUnavailable(
                    "no local model is installed; `ava models import FILE.gguf` adds one".into(),
                ));
            }
        },
    };
    let engine = LocalEngine::load(
        &path,
        LocalOptions {
            ctx_size: s.ctx_size,
            threads: s.threads,
            verbose,
        },
    )?;
    let notes = engine.notes();
    Ok(Choice {
        engine: Arc::new(engine),
        reason: if explicit {
            "provider local".into()
        } else {
            "no server configured; local model installed".into()
        },
        fallback: false,
        notes,
    })
}

#[cfg(not(feature = "local"))]
fn local_choice(_config: &Resolved, _explicit: bool, _verbose: bool) -> Result<Choice> {
    Err(Error::EngineUnavailable(
        "this ava was built without the local engine (cargo feature `local`)".into(),
    ))
}
