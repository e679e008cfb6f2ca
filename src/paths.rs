//! Where ava keeps things. Each helper has an environment override, then the XDG/platform dir.

use std::path::PathBuf;

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "ava")
}

fn env_dir(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// `$AVA_CONFIG_DIR`, else the platform config dir (`~/.config/ava` on Linux).
pub fn config_dir() -> PathBuf {
    env_dir("AVA_CONFIG_DIR")
        .or_else(|| project_dirs().map(|d| d.config_dir().to_path_buf()))
        .unwrap_or_else(|| PathBuf::from(".ava"))
}

/// `$AVA_DATA_DIR`, else the platform data dir (`~/.local/share/ava` on Linux).
pub fn data_dir() -> PathBuf {
    env_dir("AVA_DATA_DIR")
        .or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf()))
        .unwrap_or_else(|| PathBuf::from(".ava/data"))
}

pub fn config_file() -> PathBuf {
    config_dir().join("config.toml")
}

pub fn models_dir() -> PathBuf {
    data_dir().join("models")
}

pub fn user_prompts_dir() -> PathBuf {
    config_dir().join("prompts")
}

/// The audit log: `$AVA_AUDIT_LOG` (a file; `off` turns auditing off), else `audit.jsonl` in
/// the platform state dir (`~/.local/state/ava` on Linux), else in the data dir.
pub fn audit_log() -> Option<PathBuf> {
    match std::env::var_os("AVA_AUDIT_LOG").filter(|v| !v.is_empty()) {
        Some(v) if v == "off" => None,
        Some(v) => Some(PathBuf::from(v)),
        None => Some(default_audit_log()),
    }
}

/// Where the log goes when `AVA_AUDIT_LOG` names no file.
pub fn default_audit_log() -> PathBuf {
    // A relocated data dir (AVA_DATA_DIR) takes the log with it.
    let dir = if env_dir("AVA_DATA_DIR").is_some() {
        data_dir()
    } else {
        project_dirs()
            .and_then(|d| d.state_dir().map(|p| p.to_path_buf()))
            .unwrap_or_else(data_dir)
    };
    dir.join("audit.jsonl")
}
