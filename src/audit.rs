//! The audit log: one JSON line for every document a run reads, every request an engine
//! answers and every run, appended to a file (see [`crate::paths::audit_log`]). It records
//! which files were read, what was sent where and what came back — engine, endpoint, model,
//! sizes and SHA-256 of the text, tokens, outcome — but never the text itself, so the log does
//! not become a second copy of case material. A hash still lets an auditor prove which
//! document or answer a record is about.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
    /// Ties a run's request records to its run record.
    run: String,
}

impl AuditLog {
    pub fn open(path: &Path) -> io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        Ok(Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            run: format!("{started}-{}", std::process::id()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `record` with the time and the run's id, as one line in one write, so lines
    /// from parallel requests (and other ava processes) do not interleave.
    pub fn write(&self, event: &str, record: Map<String, Value>) -> io::Result<()> {
        let mut line = Map::new();
        line.insert("time".into(), crate::time::rfc3339_now().into());
        line.insert("run".into(), self.run.clone().into());
        line.insert("event".into(), event.into());
        line.extend(record);
        let mut bytes = serde_json::to_vec(&Value::Object(line)).map_err(io::Error::other)?;
        bytes.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        file.write_all(&bytes)
    }

    /// Writes `record`; a failure is said on stderr once, and the run goes on.
    pub fn write_or_warn(&self, event: &str, record: Map<String, Value>) {
        static WARNED: OnceLock<()> = OnceLock::new();
        if let Err(e) = self.write(event, record) {
            WARNED.get_or_init(|| {
                eprintln!(
                    "ava: warning: cannot write the audit log {}: {e}",
                    self.path.display()
                );
            });
        }
    }
}

/// This process's audit log, opened on first use; `None` when `AVA_AUDIT_LOG=off`, or when
/// it cannot be opened (said on stderr once: the run goes on, unaudited).
pub fn log() -> Option<&'static AuditLog> {
    static LOG: OnceLock<Option<AuditLog>> = OnceLock::new();
    LOG.get_or_init(|| {
        let path = crate::paths::audit_log()?;
        AuditLog::open(&path)
            .map_err(|e| {
                eprintln!(
                    "ava: warning: cannot open the audit log {}: {e}; this run is not audited \
                     (AVA_AUDIT_LOG names another file)",
                    path.display()
                );
            })
            .ok()
    })
    .as_ref()
}

/// Size and SHA-256 of `bytes`, as the log records text.
pub fn fingerprint(bytes: &[u8]) -> Value {
    json!({ "bytes": bytes.len(), "sha256": hex::encode(Sha256::digest(bytes)) })
}

/// The record of one input document read by this run: its name and absolute path, and
/// `print` — the [`fingerprint`] of its bytes as read — so an auditor can prove which file a
/// run processed.
pub fn record_input(doc: &crate::source::Document, print: Value) {
    let Some(log) = log() else {
        return;
    };
    let mut r = Map::new();
    r.insert("name".into(), doc.name.clone().into());
    let path = doc
        .path
        .as_deref()
        .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()));
    r.insert(
        "path".into(),
        path.map_or(Value::Null, |p| p.display().to_string().into()),
    );
    if let Value::Object(print) = print {
        r.extend(print);
    }
    log.write_or_warn("input", r);
}

/// The record of a whole run: the command line (what the user asked for), exit code, time.
pub fn record_run(argv: &[String], exit: i32, elapsed: std::time::Duration) {
    let Some(log) = log() else {
        return;
    };
    let mut r = Map::new();
    r.insert("argv".into(), json!(argv));
    r.insert(
        "cwd".into(),
        std::env::current_dir()
            .map(|d| Value::from(d.display().to_string()))
            .unwrap_or(Value::Null),
    );
    r.insert("exit".into(), exit.into());
    r.insert("ms".into(), (elapsed.as_millis() as u64).into());
    r.insert("version".into(), env!("CARGO_PKG_VERSION").into());
    log.write_or_warn("run", r);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_whole_json_lines_with_time_run_and_event() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(&dir.path().join("sub/audit.jsonl")).unwrap();
        let mut r = Map::new();
        r.insert("sent".into(), fingerprint(b"abc"));
        log.write("request", r.clone()).unwrap();
        log.write("run", r).unwrap();
        let text = fs::read_to_string(log.path()).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["event"], "request");
        assert_eq!(lines[0]["run"], lines[1]["run"]);
        assert!(lines[0]["time"].as_str().unwrap().ends_with('Z'));
        assert_eq!(
            lines[0]["sent"]["sha256"],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(lines[0]["sent"]["bytes"], 3);
    }
}
