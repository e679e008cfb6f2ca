//! Configuration, resolved once at start-up from layers:
//! flags > environment > profile > config file > defaults. Each value remembers its layer so
//! `ava config show` can say where it came from.

use crate::cli::GlobalOpts;
use crate::error::{Error, Result};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The effective settings. Secrets stay out of `Debug`.
#[derive(Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub provider: Option<String>,
    pub model: Option<String>,
    pub base_url: Option<String>,
    pub api_key: Option<String>,
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub seed: Option<u64>,
    pub max_tokens: Option<u32>,
    /// Idle read timeout, seconds.
    pub timeout: f64,
    pub connect_timeout: f64,
    pub retries: u32,
    pub allow_insecure_http: bool,
    pub ctx_size: Option<u32>,
    pub threads: Option<i32>,
    pub max_input_bytes: u64,
    /// How national phone numbers and ambiguous dates are read: a two-letter country code,
    /// "auto" (inferred per document, the default) or "none".
    pub region: String,
    /// Keep REPL history on disk (it can hold case data).
    pub history: bool,
    /// Exit 0 even when parts of an answer could not be verified against the source (they
    /// are still flagged on stderr and in `--json`).
    pub best_effort: bool,
    /// Character encoding of text inputs (a WHATWG label, e.g. "windows-1250"); unset:
    /// detected per file.
    pub encoding: Option<String>,
    /// Also read e-mail attachments in supported formats as documents of their own.
    pub attachments: bool,
    /// Where case text may be sent: "any", "allowlist" (with `allowed_endpoints`),
    /// "local-only" or "off" (see [`crate::policy`]); an agency policy file can only tighten it.
    pub network: String,
    pub allowed_endpoints: Vec<String>,
    /// Replace personal data with placeholders before a request leaves for a server.
    pub redact: bool,
    /// File of extra terms to redact (names, places), one per line.
    pub redact_terms: Option<String>,
    /// Command that prints the API key (`pass show ava/key`, `secret-tool lookup …`), run
    /// through `sh -c` only when a server needs a key and none is set otherwise.
    pub api_key_cmd: Option<String>,
    /// Whether `AVA_AUDIT_LOG=off` may turn the audit log off.
    pub allow_audit_off: bool,
    /// The audit log is rotated (renamed `audit.jsonl.N`) when it reaches this size.
    pub audit_max_bytes: u64,
    /// How `summarize` uses a language model (see `task::summary::Mode`).
    pub summary_mode: crate::task::summary::Mode,
    /// Translation: tokens per segment sent to the model (unset: from the window).
    pub segment_tokens: Option<u32>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            provider: None,
            model: None,
            base_url: None,
            api_key: None,
            temperature: None,
            top_p: None,
            seed: None,
            max_tokens: None,
            timeout: 120.0,
            connect_timeout: 10.0,
            retries: 4,
            allow_insecure_http: false,
            ctx_size: None,
            threads: None,
            max_input_bytes: crate::source::DEFAULT_MAX_INPUT_BYTES,
            region: "auto".into(),
            history: true,
            best_effort: false,
            encoding: None,
            attachments: false,
            network: "any".into(),
            allowed_endpoints: Vec::new(),
            redact: false,
            redact_terms: None,
            api_key_cmd: None,
            allow_audit_off: false,
            audit_max_bytes: crate::audit::DEFAULT_MAX_BYTES,
            summary_mode: crate::task::summary::Mode::Auto,
            segment_tokens: None,
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("provider", &self.provider)
            .field("model", &self.model)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

const SECRET_KEYS: &[&str] = &["api_key"];

/// Environment variables read, in priority order per key. `AVA_*` first, then the
/// ecosystem's names users already have set.
const ENV_VARS: &[(&str, &str)] = &[
    ("AVA_PROVIDER", "provider"),
    ("AVA_MODEL", "model"),
    ("AVA_BASE_URL", "base_url"),
    ("OPENAI_BASE_URL", "base_url"),
    ("AVA_API_KEY", "api_key"),
    ("OPENAI_API_KEY", "api_key"),
    ("AVA_TIMEOUT", "timeout"),
    ("AVA_REGION", "region"),
    ("AVA_BEST_EFFORT", "best_effort"),
    ("AVA_ENCODING", "encoding"),
    ("AVA_ATTACHMENTS", "attachments"),
    ("AVA_NETWORK", "network"),
    ("AVA_REDACT", "redact"),
    ("AVA_SUMMARY_MODE", "summary_mode"),
    ("AVA_SEGMENT_TOKENS", "segment_tokens"),
];

#[derive(Debug, Clone)]
pub struct Resolved {
    pub settings: Settings,
    /// Key → where its value came from ("--model", "env AVA_MODEL", "profile onprem", …).
    pub sources: BTreeMap<String, String>,
    pub config_file: PathBuf,
    pub config_file_exists: bool,
    pub profile: Option<String>,
    /// The network policy in force: these settings combined with agency policy files.
    pub policy: crate::policy::Policy,
}

impl Resolved {
    pub fn source_of(&self, key: &str) -> &str {
        self.sources
            .get(key)
            .map(String::as_str)
            .unwrap_or("default")
    }

    /// Lines for `ava config show`: key, value (secrets masked), source.
    pub fn show(&self) -> Vec<(String, String, String)> {
        let defaults = serialize_settings(&Settings::default());
        let effective = serialize_settings(&self.settings);
        let mut keys: Vec<&String> = effective.keys().collect();
        keys.extend(defaults.keys());
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .map(|k| {
                let v = effective.get(k).cloned().unwrap_or(Value::Null);
                let shown = if v.is_null() {
                    "(unset)".to_string()
                } else if SECRET_KEYS.contains(&k.as_str()) {
                    mask(v.as_str().unwrap_or(""))
                } else {
                    match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    }
                };
                (k.clone(), shown, self.source_of(k).to_string())
            })
            .collect()
    }
}

fn serialize_settings(s: &Settings) -> Map<String, Value> {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    put("provider", s.provider.clone().into());
    put("model", s.model.clone().into());
    put("base_url", s.base_url.clone().into());
    put("api_key", s.api_key.clone().into());
    put("temperature", s.temperature.into());
    put("top_p", s.top_p.into());
    put("seed", s.seed.into());
    put("max_tokens", s.max_tokens.into());
    put("timeout", s.timeout.into());
    put("connect_timeout", s.connect_timeout.into());
    put("retries", s.retries.into());
    put("allow_insecure_http", s.allow_insecure_http.into());
    put("ctx_size", s.ctx_size.into());
    put("threads", s.threads.into());
    put("max_input_bytes", s.max_input_bytes.into());
    put("region", s.region.clone().into());
    put("history", s.history.into());
    put("best_effort", s.best_effort.into());
    put("encoding", s.encoding.clone().into());
    put("attachments", s.attachments.into());
    put("network", s.network.clone().into());
    put("allowed_endpoints", serde_json::json!(s.allowed_endpoints));
    put("redact", s.redact.into());
    put("redact_terms", s.redact_terms.clone().into());
    put("api_key_cmd", s.api_key_cmd.clone().into());
    put("allow_audit_off", s.allow_audit_off.into());
    put("audit_max_bytes", s.audit_max_bytes.into());
    put("summary_mode", s.summary_mode.as_str().into());
    put("segment_tokens", s.segment_tokens.into());
    m
}

/// Show the first and last two characters at most, so a user can tell keys apart.
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    if n <= 8 {
        "****".into()
    } else {
        let head: String = secret.chars().take(2).collect();
        let tail: String = secret.chars().skip(n - 2).collect();
        format!("{head}****{tail}")
    }
}

/// Resolve from the real environment.
pub fn resolve(flags: &GlobalOpts) -> Result<Resolved> {
    let env: BTreeMap<String, String> = std::env::vars().collect();
    resolve_with(flags, &env)
}

pub fn resolve_with(flags: &GlobalOpts, env: &BTreeMap<String, String>) -> Result<Resolved> {
    let config_file = flags
        .config
        .clone()
        .or_else(|| {
            env.get("AVA_CONFIG_FILE")
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(crate::paths::config_file);
    let explicit_file = flags.config.is_some();
    let (file_layer, profiles, exists) = read_config_file(&config_file, explicit_file)?;
    let profile = flags
        .profile
        .clone()
        .or_else(|| env.get("AVA_PROFILE").filter(|s| !s.is_empty()).cloned())
        .or_else(|| {
            file_layer
                .get("profile")
                .and_then(Value::as_str)
                .map(str::to_string)
        });

    let mut layers: Vec<(String, Map<String, Value>)> = Vec::new();
    layers.push(("flag".into(), flag_layer(flags)));
    for (var, key) in ENV_VARS {
        if let Some(v) = env.get(*var).filter(|v| !v.is_empty()) {
            let mut m = Map::new();
            m.insert((*key).to_string(), env_value(key, v));
            layers.push((format!("env {var}"), m));
        }
    }
    if let Some(name) = &profile {
        let Some(p) = profiles.get(name) else {
            let known: Vec<&String> = profiles.keys().collect();
            return Err(Error::Config {
                file: config_file.display().to_string(),
                reason: format!("no profile named {name:?} (profiles: {known:?})"),
            });
        };
        layers.push((format!("profile {name}"), p.clone()));
    }
    let mut file_only = file_layer.clone();
    file_only.remove("profile");
    layers.push((format!("config {}", config_file.display()), file_only));

    let mut merged = Map::new();
    let mut sources = BTreeMap::new();
    for (source, layer) in &layers {
        for (k, v) in layer {
            if v.is_null() || merged.contains_key(k) {
                continue;
            }
            merged.insert(k.clone(), v.clone());
            sources.insert(k.clone(), source.clone());
        }
    }
    // Flags are reported by their spelling on the command line.
    for (k, s) in sources.iter_mut() {
        if s == "flag" {
            *s = format!("--{}", k.replace('_', "-"));
        }
    }
    let settings: Settings = serde_json::from_value(Value::Object(merged.clone()))
        .map_err(|e| bad_value(&merged, &sources, &config_file, e))?;
    if crate::text::region::RegionSetting::parse(&settings.region).is_none() {
        return Err(Error::Config {
            file: sources.get("region").cloned().unwrap_or_default(),
            reason: format!(
                "unknown region {:?}: expected a two-letter country code (PL, US, GB…), \"auto\" or \"none\"",
                settings.region
            ),
        });
    }
    if let Some(p) = &settings.provider
        && crate::engine::Provider::parse(p).is_none()
    {
        return Err(Error::Config {
            file: sources.get("provider").cloned().unwrap_or_default(),
            reason: format!(
                "unknown provider {p:?} ({})",
                crate::engine::Provider::names()
            ),
        });
    }
    let policy = crate::policy::resolve(
        crate::policy::UserRules {
            network: &settings.network,
            network_source: sources
                .get("network")
                .cloned()
                .unwrap_or_else(|| "default".into()),
            allowed_endpoints: &settings.allowed_endpoints,
            offline: flags.offline,
            redact: settings.redact,
            allow_audit_off: settings.allow_audit_off,
        },
        &crate::policy::policy_files(env),
    )?;
    Ok(Resolved {
        settings,
        sources,
        config_file,
        config_file_exists: exists,
        profile,
        policy,
    })
}

/// A setting of the wrong type, named with where it came from: the config file and line,
/// the environment variable, the profile or the flag — not just "expected f64".
fn bad_value(
    merged: &Map<String, Value>,
    sources: &BTreeMap<String, String>,
    config_file: &Path,
    whole: serde_json::Error,
) -> Error {
    for (k, v) in merged {
        let mut one = Map::new();
        one.insert(k.clone(), v.clone());
        let Err(e) = serde_json::from_value::<Settings>(Value::Object(one)) else {
            continue;
        };
        let source = sources.get(k).cloned().unwrap_or_default();
        let place = if source.starts_with("config ") {
            let line = std::fs::read_to_string(config_file).ok().and_then(|text| {
                text.lines().position(|l| {
                    l.trim_start()
                        .strip_prefix(k.as_str())
                        .is_some_and(|rest| rest.trim_start().starts_with('='))
                })
            });
            match line {
                Some(i) => format!("{}:{}", config_file.display(), i + 1),
                None => config_file.display().to_string(),
            }
        } else {
            source
        };
        // serde says "invalid type: string \"abc\", expected f64"; say it as a setting.
        let expected = e.to_string();
        let expected = expected
            .split_once("expected ")
            .map(|(_, x)| match x {
                "f64" | "f32" => "a number".to_string(),
                "u32" | "u64" | "i32" | "usize" => "a whole number".to_string(),
                "a boolean" => "true or false".to_string(),
                other => other.to_string(),
            })
            .unwrap_or(expected.clone());
        return Error::Config {
            file: place,
            reason: format!("{k} = {v}: expected {expected}"),
        };
    }
    Error::Config {
        file: config_file.display().to_string(),
        reason: whole.to_string(),
    }
}

fn env_value(key: &str, v: &str) -> Value {
    match key {
        "timeout" => v
            .parse::<f64>()
            .map(Value::from)
            .unwrap_or_else(|_| v.into()),
        "segment_tokens" => v
            .trim()
            .parse::<u64>()
            .map(Value::from)
            .unwrap_or_else(|_| v.into()),
        "best_effort" | "attachments" | "redact" => match v.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Value::Bool(true),
            "0" | "false" | "no" | "off" => Value::Bool(false),
            _ => v.into(),
        },
        _ => Value::String(v.to_string()),
    }
}

fn flag_layer(f: &GlobalOpts) -> Map<String, Value> {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            m.insert(k.to_string(), v);
        }
    };
    put(
        "provider",
        f.provider.map(|p| p.as_str().to_string()).into(),
    );
    put("model", f.model.clone().into());
    put("base_url", f.base_url.clone().into());
    put("temperature", f.temperature.into());
    put("top_p", f.top_p.into());
    put("seed", f.seed.into());
    put("max_tokens", f.max_tokens.into());
    put("timeout", f.timeout.into());
    put("ctx_size", f.ctx_size.into());
    put("threads", f.threads.into());
    put("max_input_bytes", f.max_input_bytes.into());
    put("region", f.region.clone().into());
    if f.allow_insecure_http {
        put("allow_insecure_http", true.into());
    }
    if f.best_effort {
        put("best_effort", true.into());
    }
    put("encoding", f.encoding.clone().into());
    if f.attachments {
        put("attachments", true.into());
    }
    if f.redact {
        put("redact", true.into());
    }
    put(
        "redact_terms",
        f.redact_terms
            .as_ref()
            .map(|p| p.display().to_string())
            .into(),
    );
    put(
        "summary_mode",
        f.summary_mode.map(|m| m.as_str().to_string()).into(),
    );
    put("segment_tokens", f.segment_tokens.into());
    m
}

type Profiles = BTreeMap<String, Map<String, Value>>;

/// A missing default file is fine; a missing file named with `--config` is not.
fn read_config_file(path: &Path, explicit: bool) -> Result<(Map<String, Value>, Profiles, bool)> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok((Map::new(), Profiles::new(), false));
        }
        // Named on the command line and not there: a missing input, not a malformed config.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::InputNotFound { path: path.into() });
        }
        Err(e) => {
            return Err(Error::Config {
                file: path.display().to_string(),
                reason: e.to_string(),
            });
        }
    };
    let (file, profiles) = parse_config(&text).map_err(|reason| Error::Config {
        file: path.display().to_string(),
        reason,
    })?;
    let holds_key =
        file.contains_key("api_key") || profiles.values().any(|p| p.contains_key("api_key"));
    if holds_key {
        refuse_readable_by_others(path)?;
    }
    Ok((file, profiles, true))
}

/// A config file holding an API key must be private to its owner: a key others can read is
/// a key others can use (and the requests would be audited as this user's).
fn refuse_readable_by_others(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0);
        if mode & 0o077 != 0 {
            return Err(Error::Config {
                file: path.display().to_string(),
                reason: format!(
                    "holds an api_key but is readable by others (mode {:o}); fix with: \
                     chmod 600 {}",
                    mode & 0o777,
                    path.display()
                ),
            });
        }
    }
    let _ = path;
    Ok(())
}

const KNOWN_KEYS: &[&str] = &[
    "provider",
    "model",
    "base_url",
    "api_key",
    "temperature",
    "top_p",
    "seed",
    "max_tokens",
    "timeout",
    "connect_timeout",
    "retries",
    "allow_insecure_http",
    "ctx_size",
    "threads",
    "max_input_bytes",
    "region",
    "history",
    "best_effort",
    "encoding",
    "attachments",
    "network",
    "allowed_endpoints",
    "redact",
    "redact_terms",
    "api_key_cmd",
    "allow_audit_off",
    "audit_max_bytes",
    "summary_mode",
    "segment_tokens",
];

/// Parse config TOML; the error is one line with the line number.
pub fn parse_config(text: &str) -> std::result::Result<(Map<String, Value>, Profiles), String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        let msg = e.message().trim().to_string();
        match line {
            Some(l) => format!("line {l}: {msg}"),
            None => msg,
        }
    })?;
    let mut json = match serde_json::to_value(&table) {
        Ok(Value::Object(m)) => m,
        _ => return Err("not a table".into()),
    };
    let mut profiles = Profiles::new();
    if let Some(p) = json.remove("profiles") {
        let Value::Object(p) = p else {
            return Err("`profiles` must be a table of tables".into());
        };
        for (name, v) in p {
            let Value::Object(m) = v else {
                return Err(format!("profile {name:?} must be a table"));
            };
            check_keys(&m, &format!("profile {name}"))?;
            profiles.insert(name, m);
        }
    }
    let mut top = json.clone();
    top.remove("profile");
    check_keys(&top, "top level")?;
    Ok((json, profiles))
}

fn check_keys(m: &Map<String, Value>, place: &str) -> std::result::Result<(), String> {
    for k in m.keys() {
        if !KNOWN_KEYS.contains(&k.as_str()) {
            return Err(format!(
                "unknown setting {k:?} in {place} (known: {})",
                KNOWN_KEYS.join(", ")
            ));
        }
    }
    Ok(())
}

pub const STARTER_CONFIG: &str = r#"# ava configuration. Precedence: command-line flags > environment > profile > this file.
# With nothing set, ava runs offline: an installed local model, else the built-in engine.

# provider = "openai"        # openai | local | builtin
# model = "qwen2.5-7b-instruct"
# base_url = "http://127.0.0.1:8080/v1"   # llama.cpp server; Ollama: http://127.0.0.1:11434/v1
# api_key: prefer the AVA_API_KEY or OPENAI_API_KEY environment variable, or api_key_cmd, to a
# key in this file (a file holding a key must be chmod 600).
# api_key_cmd = "pass show ava/api-key"   # prints the key; run only when a server needs one
# timeout = 120              # seconds without data from the server before giving up
# retries = 4
# region = "auto"            # national phone numbers and 03/04/2025-style dates: auto | none | PL, US, GB…
# history = true             # keep REPL history on disk (it can hold case data)
# best_effort = false         # exit 0 even when parts of an answer could not be verified
# encoding = "windows-1250"   # text inputs' encoding when detection guesses wrong
# attachments = false         # also read e-mail attachments as documents of their own
# network = "any"            # any | allowlist | local-only | off (an agency policy file,
#                            # /etc/ava/policy.toml, can only make this stricter)
# allowed_endpoints = ["llm.agency.internal"]   # with network = "allowlist"
# redact = false             # placeholders for phones, e-mails, IBANs… before text leaves
# redact_terms = "~/case/names.txt"             # extra terms to redact, one per line
# allow_audit_off = false    # let AVA_AUDIT_LOG=off turn the audit log off
# audit_max_bytes = 16777216 # rotate the audit log (audit.jsonl.N) at this size
# summary_mode = "auto"       # auto | grounded | whole: how summarize uses a model (see README)
# segment_tokens = 100        # translate: tokens per segment sent to the model (default: from the window)

# Select with --profile NAME, AVA_PROFILE, or `profile = "NAME"` above.
# [profiles.onprem]
# provider = "openai"
# base_url = "https://llm.example.internal/v1"
# model = "llama-3.1-70b-instruct"
#
# [profiles.offline]
# provider = "local"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn write_config(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn flags_beat_env_beat_profile_beat_file() {
        let (_d, path) = write_config(
            "model = \"file-model\"\nbase_url = \"http://file\"\ntimeout = 5\nretries = 2\n\
             [profiles.p]\nmodel = \"profile-model\"\nbase_url = \"http://profile\"\nretries = 3\n",
        );
        let flags = GlobalOpts {
            config: Some(path),
            profile: Some("p".into()),
            model: Some("flag-model".into()),
            ..Default::default()
        };
        let r = resolve_with(
            &flags,
            &env(&[("AVA_BASE_URL", "http://env"), ("AVA_MODEL", "")]),
        )
        .unwrap();
        assert_eq!(r.settings.model.as_deref(), Some("flag-model"));
        assert_eq!(r.source_of("model"), "--model");
        assert_eq!(r.settings.base_url.as_deref(), Some("http://env"));
        assert_eq!(r.source_of("base_url"), "env AVA_BASE_URL");
        assert_eq!(r.settings.retries, 3);
        assert_eq!(r.source_of("retries"), "profile p");
        assert_eq!(r.settings.timeout, 5.0);
        assert!(r.source_of("timeout").starts_with("config "));
        assert_eq!(r.source_of("connect_timeout"), "default");
    }

    #[test]
    fn ava_variables_beat_openai_ones() {
        let flags = GlobalOpts {
            config: None,
            ..Default::default()
        };
        let r = resolve_with(
            &flags,
            &env(&[
                ("OPENAI_API_KEY", "sk-openai-123456"),
                ("AVA_API_KEY", "sk-ava-1234567"),
            ]),
        )
        .unwrap();
        assert_eq!(r.settings.api_key.as_deref(), Some("sk-ava-1234567"));
        assert_eq!(r.source_of("api_key"), "env AVA_API_KEY");
        let shown = r.show();
        let key = shown.iter().find(|(k, _, _)| k == "api_key").unwrap();
        assert!(
            !key.1.contains("ava-1234"),
            "secret must be masked: {}",
            key.1
        );
    }

    #[test]
    fn malformed_config_names_the_line() {
        let err = parse_config("model = \"x\"\n\ntimeout = = 3\n").unwrap_err();
        assert!(err.starts_with("line 3:"), "{err}");
        let err = parse_config("modle = \"x\"\n").unwrap_err();
        assert!(err.contains("unknown setting \"modle\""), "{err}");
    }

    #[test]
    fn unknown_profile_is_an_error() {
        let (_d, path) = write_config("[profiles.a]\nmodel = \"m\"\n");
        let flags = GlobalOpts {
            config: Some(path),
            profile: Some("b".into()),
            ..Default::default()
        };
        assert!(matches!(
            resolve_with(&flags, &env(&[])),
            Err(Error::Config { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_config_with_a_key_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let (_d, path) = write_config("api_key = \"sk-secret-0123456789\"\n");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let flags = GlobalOpts {
            config: Some(path.clone()),
            ..Default::default()
        };
        let err = resolve_with(&flags, &env(&[])).unwrap_err().to_string();
        assert!(err.contains("chmod 600"), "{err}");
        assert!(!err.contains("sk-secret"), "{err}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(resolve_with(&flags, &env(&[])).is_ok());
    }

    #[test]
    fn starter_config_parses() {
        parse_config(STARTER_CONFIG).unwrap();
    }
}
