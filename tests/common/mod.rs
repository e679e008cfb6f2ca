//! Shared test support. Each test binary uses a different part of it.
#![allow(dead_code, unused_imports)]

pub mod mock_openai;

pub use mock_openai::{MockServer, Recorded, Reply};

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The real binary, isolated from the machine: an empty environment but `PATH`, and config,
/// data and home under `home`, so no real config, model, key or server leaks in.
pub fn ava(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("ava").unwrap();
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AVA_CONFIG_DIR", home.join("config"))
        .env("AVA_DATA_DIR", home.join("data"))
        .current_dir(home);
    cmd
}

/// As [`ava`], configured for `server` and `model`.
pub fn ava_served(home: &Path, server: &MockServer, model: &str) -> Command {
    let mut cmd = ava(home);
    cmd.env("AVA_BASE_URL", server.url())
        .env("AVA_MODEL", model);
    cmd
}

pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The built-in `entities` template's answer, as a model would give it: these people and
/// phones, every other list empty.
pub fn entities_answer(people: &[&str], phones: &[&str]) -> String {
    let items = |vs: &[&str]| {
        vs.iter()
            .map(|v| serde_json::json!({ "value": v }))
            .collect::<Vec<_>>()
    };
    serde_json::json!({
        "people": items(people), "organizations": [], "locations": [], "phones": items(phones),
        "emails": [], "ibans": [], "crypto_wallets": [], "dates": [], "amounts": [], "urls": []
    })
    .to_string()
}
