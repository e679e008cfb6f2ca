//! The network policy: where case text may be sent. It is resolved from the user's settings
//! (`network`, `allowed_endpoints`, `--offline`) and from agency policy files
//! (`/etc/ava/policy.toml`, and `$AVA_POLICY_FILE` when set). The strictest rule wins, so a
//! user's `--config`, profile or environment can tighten an agency policy but never loosen
//! it. Endpoints are checked by their URL alone — before any name lookup or connection.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The system-wide policy file an agency installs (root-owned).
pub const SYSTEM_POLICY_FILE: &str = "/etc/ava/policy.toml";

/// Where text may go, loosest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Network {
    /// Any endpoint (plain http to other hosts still needs `--allow-insecure-http`).
    Any,
    /// In-process engines, this machine (loopback), and the listed hosts.
    Allowlist(Vec<String>),
    /// In-process engines and servers on this machine (loopback) only.
    LocalOnly,
    /// In-process engines only: no endpoint at all, not even loopback.
    Off,
}

impl Network {
    fn rank(&self) -> u8 {
        match self {
            Network::Any => 0,
            Network::Allowlist(_) => 1,
            Network::LocalOnly => 2,
            Network::Off => 3,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Network::Any => "any",
            Network::Allowlist(_) => "allowlist",
            Network::LocalOnly => "local-only",
            Network::Off => "off",
        }
    }

    /// The stricter of two rules; two allowlists keep only hosts both allow.
    fn stricter(self, other: Network) -> Network {
        match (self, other) {
            (Network::Allowlist(a), Network::Allowlist(b)) => Network::Allowlist(
                a.into_iter()
                    .filter(|h| b.iter().any(|x| x.eq_ignore_ascii_case(h)))
                    .collect(),
            ),
            (a, b) if b.rank() > a.rank() => b,
            (a, _) => a,
        }
    }

    /// Parses `network = "…"` with its allowlist.
    pub fn parse(name: &str, allowed: &[String]) -> std::result::Result<Network, String> {
        match name {
            "any" => Ok(Network::Any),
            "allowlist" => Ok(Network::Allowlist(allowed.to_vec())),
            "local-only" | "local" | "offline" => Ok(Network::LocalOnly),
            "off" | "none" => Ok(Network::Off),
            other => Err(format!(
                "network = {other:?}: expected \"any\", \"allowlist\", \"local-only\" or \"off\""
            )),
        }
    }
}

/// The policy in force, with where each rule came from (for `ava doctor` and messages).
#[derive(Debug, Clone)]
pub struct Policy {
    pub network: Network,
    /// Where the network rule came from: "default", "config …", "--offline", a policy file.
    pub network_source: String,
    /// Redact before any request to a non-loopback endpoint (an agency policy can force it).
    pub redact_remote: bool,
    /// `AVA_AUDIT_LOG=off` is honoured.
    pub allow_audit_off: bool,
    /// Agency policy files that were read.
    pub files: Vec<PathBuf>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            network: Network::Any,
            network_source: "default".into(),
            redact_remote: false,
            allow_audit_off: false,
            files: Vec::new(),
        }
    }
}

/// What an agency policy file may say.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    network: Option<String>,
    #[serde(default)]
    allowed_endpoints: Vec<String>,
    redact: Option<bool>,
    allow_audit_off: Option<bool>,
}

/// The user's side of the policy, from resolved settings.
pub struct UserRules<'a> {
    pub network: &'a str,
    pub network_source: String,
    pub allowed_endpoints: &'a [String],
    pub offline: bool,
    pub redact: bool,
    pub allow_audit_off: bool,
}

/// Combines the user's rules with the agency policy files (`files`; missing ones are skipped,
/// unreadable or malformed ones are errors: a policy that cannot be read must not be ignored).
pub fn resolve(user: UserRules<'_>, files: &[PathBuf]) -> Result<Policy> {
    let bad = |file: &str, reason: String| Error::Config {
        file: file.to_string(),
        reason,
    };
    let mut network = Network::parse(user.network, user.allowed_endpoints)
        .map_err(|r| bad(&user.network_source, r))?;
    let mut source = user.network_source.clone();
    if user.offline && Network::LocalOnly.rank() > network.rank() {
        network = Network::LocalOnly;
        source = "--offline".into();
    }
    let mut policy = Policy {
        redact_remote: user.redact,
        allow_audit_off: user.allow_audit_off,
        ..Default::default()
    };
    for path in files {
        let Some(file) = read_policy_file(path)? else {
            continue;
        };
        policy.files.push(path.clone());
        let name = path.display().to_string();
        if let Some(n) = &file.network {
            let theirs = Network::parse(n, &file.allowed_endpoints).map_err(|r| bad(&name, r))?;
            let before = network.clone();
            network = network.stricter(theirs);
            if network != before {
                source = format!("policy {name}");
            }
        }
        if file.redact == Some(true) {
            policy.redact_remote = true;
        }
        if file.allow_audit_off == Some(false) {
            policy.allow_audit_off = false;
        }
    }
    policy.network = network;
    policy.network_source = source;
    Ok(policy)
}

/// The agency policy files to read: the system one, and `$AVA_POLICY_FILE` as well (never
/// instead: pointing the variable elsewhere must not drop the system policy).
pub fn policy_files(env: &std::collections::BTreeMap<String, String>) -> Vec<PathBuf> {
    let mut files = vec![PathBuf::from(SYSTEM_POLICY_FILE)];
    if let Some(p) = env.get("AVA_POLICY_FILE").filter(|p| !p.is_empty()) {
        files.push(PathBuf::from(p));
    }
    files
}

fn read_policy_file(path: &Path) -> Result<Option<PolicyFile>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::Config {
                file: path.display().to_string(),
                reason: format!("cannot read the policy file: {e}"),
            });
        }
    };
    toml::from_str(&text).map(Some).map_err(|e| Error::Config {
        file: path.display().to_string(),
        reason: e.message().trim().to_string(),
    })
}

/// Host and port of `url` as written; no name lookup.
fn host_port(url: &str) -> Option<(String, Option<u16>)> {
    let u = reqwest::Url::parse(url).ok()?;
    // Brackets of an IPv6 literal dropped, so `[::1]` compares as `::1`.
    let host = u
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    Some((host, u.port_or_known_default()))
}

/// This machine, judged from the URL alone: `localhost` or a loopback address.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.to_ascii_lowercase().ends_with(".localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether `url` points at this machine (judged from the text alone).
pub fn is_loopback_url(url: &str) -> bool {
    host_port(url).is_some_and(|(h, _)| is_loopback_host(&h))
}

impl Policy {
    /// Whether a request may go to `url`; the refusal names the policy and where it came
    /// from. Judged from the URL text alone, so nothing is looked up or connected.
    pub fn check_endpoint(&self, url: &str) -> Result<()> {
        let refuse = |why: String| {
            Err(Error::PolicyRefused(format!(
                "refused by the network policy (network = \"{}\", from {}): {why}; nothing was sent",
                self.network.name(),
                self.network_source
            )))
        };
        let Some((host, port)) = host_port(url) else {
            return refuse(format!("{url:?} is not a URL this policy can judge"));
        };
        match &self.network {
            Network::Any => Ok(()),
            Network::Off => refuse(format!(
                "{url} is a server; only in-process engines (local, builtin) may run"
            )),
            _ if is_loopback_host(&host) => Ok(()),
            Network::LocalOnly => refuse(format!(
                "{host} is not this machine; only local engines and loopback servers may run"
            )),
            Network::Allowlist(list) => {
                if list.iter().any(|entry| allows(entry, &host, port)) {
                    Ok(())
                } else {
                    refuse(format!("{host} is not in allowed_endpoints"))
                }
            }
        }
    }

    /// One line for `ava doctor`.
    pub fn describe(&self) -> String {
        let mut s = match &self.network {
            Network::Allowlist(l) => format!("allowlist [{}]", l.join(", ")),
            n => n.name().to_string(),
        };
        s.push_str(&format!(" [{}]", self.network_source));
        if self.redact_remote {
            s.push_str("; redaction before non-loopback endpoints");
        }
        s
    }
}

/// An allowlist entry: a host (`llm.agency.internal`), `host:port`, or a URL.
fn allows(entry: &str, host: &str, port: Option<u16>) -> bool {
    let (h, p) = if entry.contains("://") {
        match host_port(entry) {
            Some((h, p)) => (h, p),
            None => return false,
        }
    } else {
        match entry.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => match p.parse::<u16>() {
                Ok(p) => (h.to_ascii_lowercase(), Some(p)),
                Err(_) => return false,
            },
            _ => (entry.to_ascii_lowercase(), None),
        }
    };
    h == host && (p.is_none() || p == port)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(network: &str, allowed: &[String]) -> UserRules<'static> {
        UserRules {
            network: Box::leak(network.to_string().into_boxed_str()),
            network_source: "config".into(),
            allowed_endpoints: Box::leak(allowed.to_vec().into_boxed_slice()),
            offline: false,
            redact: false,
            allow_audit_off: true,
        }
    }

    #[test]
    fn local_only_allows_loopback_and_refuses_the_rest() {
        let p = resolve(user("local-only", &[]), &[]).unwrap();
        assert!(p.check_endpoint("http://127.0.0.1:8080/v1").is_ok());
        assert!(p.check_endpoint("http://localhost:11434/v1").is_ok());
        assert!(p.check_endpoint("http://[::1]:8080/v1").is_ok());
        let e = p.check_endpoint("https://api.openai.com/v1").unwrap_err();
        assert!(e.to_string().contains("local-only"), "{e}");
        assert_eq!(e.exit_code(), crate::error::exit::POLICY);
    }

    #[test]
    fn allowlist_matches_host_and_port() {
        let p = resolve(
            user(
                "allowlist",
                &["llm.agency.internal".into(), "10.1.2.3:8443".into()],
            ),
            &[],
        )
        .unwrap();
        assert!(p.check_endpoint("https://llm.agency.internal/v1").is_ok());
        assert!(p.check_endpoint("https://10.1.2.3:8443/v1").is_ok());
        assert!(p.check_endpoint("https://10.1.2.3:9000/v1").is_err());
        assert!(
            p.check_endpoint("https://llm.agency.internal.evil.com/v1")
                .is_err()
        );
    }

    #[test]
    fn a_policy_file_cannot_be_loosened_by_the_user() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("policy.toml");
        std::fs::write(
            &f,
            "network = \"local-only\"\nallow_audit_off = false\nredact = true\n",
        )
        .unwrap();
        let p = resolve(user("any", &[]), &[f]).unwrap();
        assert_eq!(p.network, Network::LocalOnly);
        assert!(p.network_source.starts_with("policy "));
        assert!(!p.allow_audit_off);
        assert!(p.redact_remote);
        assert!(p.check_endpoint("https://api.openai.com/v1").is_err());
    }

    #[test]
    fn off_refuses_even_loopback() {
        let p = resolve(user("off", &[]), &[]).unwrap();
        assert!(p.check_endpoint("http://127.0.0.1:8080/v1").is_err());
    }
}
