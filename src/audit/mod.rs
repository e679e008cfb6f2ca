//! The audit log: one JSON line for every document a run reads, every request an engine
//! answers and every run, appended to a file (see [`crate::paths::audit_log`]). It records
//! which files were read, what was sent where and what came back — engine, endpoint, model,
//! sizes and SHA-256 of the text, tokens, outcome — but never the text itself, so the log does
//! not become a second copy of case material. A hash still lets an auditor prove which
//! document or answer a record is about.
//!
//! The log is tamper-evident ([`chain`]): each record carries the hash of the one before, and
//! is appended under an exclusive lock on a side file, so concurrent ava processes extend one
//! chain. When the file grows past a size it is renamed `audit.jsonl.N` and the chain goes on
//! in a new file. `ava audit verify|list|show|export` read it ([`read`]); records can be
//! signed with a local ed25519 key ([`keys`]).

pub mod chain;
pub mod keys;
pub mod read;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

/// Size at which the log is rotated when the config says nothing.
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// What the configuration says about the log; set once by [`configure`] before first use.
#[derive(Debug, Clone)]
pub struct Settings {
    pub max_bytes: u64,
    /// `AVA_AUDIT_LOG=off` is honoured only when this is true (config `allow_audit_off`, which
    /// an agency policy file can forbid).
    pub allow_off: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            allow_off: false,
        }
    }
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Sets how the log behaves; the first call wins (the REPL and one-shot commands resolve
/// the config once).
pub fn configure(settings: Settings) {
    let _ = SETTINGS.set(settings);
}

fn settings() -> Settings {
    SETTINGS.get().cloned().unwrap_or_default()
}

pub struct AuditLog {
    path: PathBuf,
    /// Held (with an exclusive file lock on it) while a record is appended. A side file, not
    /// the log itself, so renaming the log for rotation never leaves a writer holding a lock
    /// on a file that is no longer the log.
    lock: Mutex<File>,
    /// Ties a run's request records to its run record.
    run: String,
    max_bytes: u64,
    key: Option<ed25519_dalek::SigningKey>,
}

impl AuditLog {
    pub fn open(path: &Path) -> io::Result<Self> {
        Self::open_with(path, DEFAULT_MAX_BYTES, None)
    }

    pub fn open_with(
        path: &Path,
        max_bytes: u64,
        key: Option<ed25519_dalek::SigningKey>,
    ) -> io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(lock_path(path))?;
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        Ok(Self {
            path: path.to_path_buf(),
            lock: Mutex::new(lock),
            run: format!("{started}-{}", std::process::id()),
            max_bytes: max_bytes.max(1024),
            key,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn run_id(&self) -> &str {
        &self.run
    }

    /// Appends `record` with the time, the run's id and the chain fields, as one line in one
    /// write, under the exclusive lock, so records from parallel requests and other ava
    /// processes neither interleave nor fork the chain.
    pub fn write(&self, event: &str, record: Map<String, Value>) -> io::Result<()> {
        let lock = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        lock.lock()?;
        let r = self.append(event, record);
        let _ = lock.unlock();
        r
    }

    fn append(&self, event: &str, record: Map<String, Value>) -> io::Result<()> {
        let size = fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        if size >= self.max_bytes {
            rotate(&self.path)?;
        }
        let mut tail = chain::tail(&self.path)?;
        let prev = match tail.last.as_deref().map(chain::unseal) {
            Some(Ok(u)) => Some(u.hash),
            // A log written before the chain existed: set it aside whole and start a chain.
            Some(Err(_))
                if tail.torn.is_none() && !tail.last.as_deref().is_some_and(is_sealed_shape) =>
            {
                rotate(&self.path)?;
                tail = chain::Tail::default();
                None
            }
            // The last complete line is broken and a torn one follows: chain on from nothing
            // known; verify reports both.
            Some(Err(_)) => None,
            None => previous_file_hash(&self.path)?,
        };
        let mut line = Map::new();
        line.insert("time".into(), crate::time::rfc3339_now().into());
        line.insert("run".into(), self.run.clone().into());
        line.insert("event".into(), event.into());
        line.extend(record);
        let mut bytes = Vec::new();
        if let Some(torn) = &tail.torn {
            // Never repaired: the torn bytes stay, the new record starts on its own line and
            // says what it found, and `ava audit verify` reports the torn line.
            warn_once(&format!(
                "the audit log {} ends in a torn record ({} bytes); it is kept and reported by `ava audit verify`",
                self.path.display(),
                torn.len()
            ));
            line.insert(
                "after_torn".into(),
                json!({ "bytes": torn.len(), "sha256": hex::encode(Sha256::digest(torn)) }),
            );
            bytes.push(b'\n');
        }
        let sealed = chain::seal(line, prev.as_deref(), self.key.as_ref());
        bytes.extend_from_slice(sealed.line.as_bytes());
        bytes.push(b'\n');
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        file.write_all(&bytes)
    }

    /// Writes `record`; a failure is said on stderr once, and the run goes on.
    pub fn write_or_warn(&self, event: &str, record: Map<String, Value>) {
        if let Err(e) = self.write(event, record) {
            warn_once(&format!(
                "cannot write the audit log {}: {e}",
                self.path.display()
            ));
        }
    }
}

/// Whether a line looks like a record of the chain at all (a pre-chain line does not).
fn is_sealed_shape(line: &str) -> bool {
    line.contains(",\"hash\":\"")
}

fn warn_once(msg: &str) {
    static WARNED: OnceLock<()> = OnceLock::new();
    WARNED.get_or_init(|| eprintln!("ava: warning: {msg}"));
}

/// The lock file next to the log.
pub fn lock_path(log: &Path) -> PathBuf {
    let mut name = log.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    log.with_file_name(name)
}

/// The log's rotated files (`audit.jsonl.1`, `.2`, …), oldest first.
pub fn rotated_files(log: &Path) -> Vec<(u64, PathBuf)> {
    let Some(name) = log.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let dir = log
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut found: Vec<(u64, PathBuf)> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            let n = file.strip_prefix(&name)?.strip_prefix('.')?.parse().ok()?;
            Some((n, e.path()))
        })
        .collect();
    found.sort();
    found
}

/// Every file of the log, oldest first: the rotated ones, then the log itself.
pub fn all_files(log: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = rotated_files(log).into_iter().map(|(_, p)| p).collect();
    if log.exists() {
        files.push(log.to_path_buf());
    }
    files
}

/// Renames the log to the next free `LOG.N`; the next record starts a new file whose first
/// `prev` is the last hash of this one, so the chain runs on across files.
fn rotate(log: &Path) -> io::Result<()> {
    if !log.exists() {
        return Ok(());
    }
    let next = rotated_files(log).last().map_or(1, |(n, _)| n + 1);
    let mut name = log.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{next}"));
    fs::rename(log, log.with_file_name(name))
}

/// The hash the next record chains to when the log itself is empty: the last record of the
/// newest rotated file, if any (and sealed).
fn previous_file_hash(log: &Path) -> io::Result<Option<String>> {
    let Some((_, newest)) = rotated_files(log).pop() else {
        return Ok(None);
    };
    let t = chain::tail(&newest)?;
    Ok(t.last
        .as_deref()
        .and_then(|l| chain::unseal(l).ok())
        .map(|u| u.hash))
}

/// This process's audit log, opened on first use; `None` when `AVA_AUDIT_LOG=off` and the
/// config allows that, or when it cannot be opened (said on stderr once: the run goes on,
/// unaudited).
pub fn log() -> Option<&'static AuditLog> {
    static LOG: OnceLock<Option<AuditLog>> = OnceLock::new();
    LOG.get_or_init(|| {
        let settings = settings();
        let path = match crate::paths::audit_log() {
            Some(p) => p,
            None if settings.allow_off => return None,
            None => {
                let p = crate::paths::default_audit_log();
                eprintln!(
                    "ava: warning: AVA_AUDIT_LOG=off is not allowed by the configuration (allow_audit_off); auditing to {}",
                    p.display()
                );
                p
            }
        };
        let key = match keys::load_signing_key() {
            Ok(k) => k,
            Err(e) => {
                eprintln!("ava: warning: audit records are not signed: {e}");
                None
            }
        };
        AuditLog::open_with(&path, settings.max_bytes, key)
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

/// Who ran ava where: user and host as the system names them, and ava's version.
pub fn identity() -> Map<String, Value> {
    static ID: OnceLock<Map<String, Value>> = OnceLock::new();
    ID.get_or_init(|| {
        let user = ["USER", "LOGNAME", "USERNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            .or_else(system_user);
        let host = ["/proc/sys/kernel/hostname", "/etc/hostname"]
            .iter()
            .find_map(|p| fs::read_to_string(p).ok())
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .or_else(|| {
                ["HOSTNAME", "COMPUTERNAME"]
                    .iter()
                    .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            });
        let mut m = Map::new();
        m.insert("user".into(), user.into());
        m.insert("host".into(), host.into());
        m.insert("ava".into(), env!("CARGO_PKG_VERSION").into());
        m
    })
    .clone()
}

/// The user this process runs as, from the system (services and cron set no `$USER`).
fn system_user() -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let uid = fs::metadata("/proc/self").ok()?.uid();
        let name = fs::read_to_string("/etc/passwd").ok().and_then(|p| {
            p.lines().find_map(|l| {
                let mut f = l.split(':');
                let name = f.next()?;
                (f.nth(1)?.parse::<u32>().ok()? == uid).then(|| name.to_string())
            })
        });
        Some(name.unwrap_or_else(|| format!("uid {uid}")))
    }
    #[cfg(not(unix))]
    None
}

/// Templates this run loaded: name → SHA-256 of the source as used.
static TEMPLATES: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());

/// Notes a template this run uses, so requests and the run record can name it and prove
/// which version of it was rendered.
pub fn note_template(name: &str, source: &str) {
    let hash = hex::encode(Sha256::digest(source.as_bytes()));
    TEMPLATES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(name.to_string(), hash);
}

/// The templates noted so far, as `[{name, sha256}]`.
pub fn templates() -> Value {
    let t = TEMPLATES.lock().unwrap_or_else(PoisonError::into_inner);
    Value::Array(
        t.iter()
            .map(|(name, sha)| json!({ "name": name, "sha256": sha }))
            .collect(),
    )
}

/// Facts about this run that every intent and the run record repeat (the network policy in
/// force, whether requests are redacted).
static FACTS: Mutex<BTreeMap<String, Value>> = Mutex::new(BTreeMap::new());

/// Notes a fact about this run for its records.
pub fn note_fact(key: &str, value: Value) {
    FACTS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(key.to_string(), value);
}

fn facts() -> Map<String, Value> {
    FACTS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Why this run stopped early, if it did: a signal, or stdout closed by its reader.
static INTERRUPTED: OnceLock<String> = OnceLock::new();

/// Notes that the run was cut short (first cause wins) and closes every request still open
/// with outcome `interrupted`, so no text that left is without its outcome.
pub fn interrupted(cause: &str) {
    let _ = INTERRUPTED.set(cause.to_string());
    let open: Vec<(u64, Map<String, Value>)> =
        std::mem::take(&mut *PENDING.lock().unwrap_or_else(PoisonError::into_inner))
            .into_iter()
            .collect();
    let Some(log) = log() else {
        return;
    };
    for (_, mut r) in open {
        r.insert("outcome".into(), "interrupted".into());
        r.insert("cause".into(), cause.into());
        log.write_or_warn("request", r);
    }
}

/// Requests whose intent is recorded and whose outcome is not yet: id → the outcome record
/// so far.
static PENDING: Mutex<BTreeMap<u64, Map<String, Value>>> = Mutex::new(BTreeMap::new());

/// A request in flight: its intent is in the log. [`Pending::finish`] records the outcome;
/// dropped unfinished (the run future was dropped: Ctrl-C in the REPL, a closed consumer) it
/// records `interrupted`.
pub struct Pending {
    id: u64,
    log: &'static AuditLog,
}

impl Pending {
    /// Records the intent (`event: "intent"`) before any text leaves, and remembers `outcome`
    /// (the fields the outcome record will repeat).
    pub fn start(log: &'static AuditLog, intent: Map<String, Value>) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let mut r = Map::new();
        r.insert("req".into(), id.into());
        r.extend(identity());
        r.extend(intent.clone());
        r.extend(facts());
        r.insert("templates".into(), templates());
        log.write_or_warn("intent", r);
        let mut outcome = Map::new();
        outcome.insert("req".into(), id.into());
        outcome.extend(intent);
        PENDING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, outcome);
        Self { id, log }
    }

    fn take(&self) -> Option<Map<String, Value>> {
        PENDING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id)
    }

    /// Records the outcome (`event: "request"`) with `fields` added.
    pub fn finish(self, fields: Map<String, Value>) {
        if let Some(mut r) = self.take() {
            r.extend(fields);
            self.log.write_or_warn("request", r);
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(mut r) = self.take() {
            r.insert("outcome".into(), "interrupted".into());
            r.insert(
                "cause".into(),
                INTERRUPTED
                    .get()
                    .cloned()
                    .unwrap_or_else(|| "the request was abandoned".into())
                    .into(),
            );
            self.log.write_or_warn("request", r);
        }
    }
}

/// Size and SHA-256 of `bytes`, as the log records text.
pub fn fingerprint(bytes: &[u8]) -> Value {
    json!({ "bytes": bytes.len(), "sha256": hex::encode(Sha256::digest(bytes)) })
}

/// The [`fingerprint`] of `value`'s JSON, hashed as it is written: a request holding a large
/// document is not copied into a buffer just to be counted and hashed.
pub fn fingerprint_json<T: serde::Serialize + ?Sized>(value: &T) -> Value {
    struct Hashing {
        hasher: Sha256,
        bytes: usize,
    }
    impl std::io::Write for Hashing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.hasher.update(buf);
            self.bytes += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = Hashing {
        hasher: Sha256::new(),
        bytes: 0,
    };
    // Serialising messages (strings) into a writer that cannot fail cannot fail.
    let _ = serde_json::to_writer(&mut w, value);
    json!({ "bytes": w.bytes, "sha256": hex::encode(w.hasher.finalize()) })
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
    // A closed stdout exits 0 by shell convention; the record still says the answer was cut.
    match INTERRUPTED.get() {
        Some(cause) => {
            r.insert("outcome".into(), "interrupted".into());
            r.insert("cause".into(), cause.clone().into());
        }
        None => {
            r.insert(
                "outcome".into(),
                if exit == 0 { "ok" } else { "failed" }.into(),
            );
        }
    }
    r.insert("ms".into(), (elapsed.as_millis() as u64).into());
    r.insert("version".into(), env!("CARGO_PKG_VERSION").into());
    r.extend(identity());
    r.extend(facts());
    r.insert("templates".into(), templates());
    log.write_or_warn("run", r);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_fingerprint_is_the_fingerprint_of_the_serialised_bytes() {
        let v = vec!["a \"quoted\" ż", "second"];
        let bytes = serde_json::to_vec(&v).unwrap();
        assert_eq!(fingerprint_json(&v), fingerprint(&bytes));
    }

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
