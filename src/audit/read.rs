//! Reading the audit log back: walking the chain (`ava audit verify`), the runs it holds
//! (`list`), one run's records (`show`, `export`).

use super::chain;
use ed25519_dalek::VerifyingKey;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// The first record that breaks the chain, named so an auditor can find it.
#[derive(Debug, Clone)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line number in `file`.
    pub line: usize,
    /// The record's run and time, when the line could be read at all.
    pub run: Option<String>,
    pub time: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.reason)?;
        if let Some(run) = &self.run {
            write!(f, " (run {run}")?;
            if let Some(t) = &self.time {
                write!(f, ", {t}")?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
pub struct Verified {
    pub files: Vec<PathBuf>,
    pub records: usize,
    /// Records whose signature was checked and holds.
    pub signed: usize,
    /// Signed records that could not be checked (no public key given).
    pub unchecked: usize,
    /// Files from before the chain (no record sealed): skipped, said.
    pub legacy: Vec<PathBuf>,
    pub problem: Option<Problem>,
}

/// Walks the chain through `files` (oldest first) and stops at the first broken record.
pub fn verify(files: &[PathBuf], key: Option<&VerifyingKey>) -> std::io::Result<Verified> {
    let mut v = Verified {
        files: files.to_vec(),
        ..Default::default()
    };
    let mut prev: Option<String> = None;
    let mut chain_started = false;
    for file in files {
        let bytes = std::fs::read(file)?;
        let text = String::from_utf8_lossy(&bytes);
        if !chain_started && !text.lines().any(|l| l.contains(",\"hash\":\"")) {
            v.legacy.push(file.clone());
            continue;
        }
        chain_started = true;
        let complete = text.ends_with('\n');
        let lines: Vec<&str> = text.split('\n').collect();
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            if i + 1 == n && line.is_empty() {
                break;
            }
            let problem = |reason: String, rec: Option<&Map<String, Value>>| Problem {
                file: file.clone(),
                line: i + 1,
                run: rec.and_then(|r| r.get("run")?.as_str().map(str::to_string)),
                time: rec.and_then(|r| r.get("time")?.as_str().map(str::to_string)),
                reason,
            };
            let u = match chain::unseal(line) {
                Ok(u) => u,
                Err(why) => {
                    let reason = if i + 1 == n && !complete {
                        format!(
                            "torn last line ({} bytes, no newline): a write was cut off",
                            line.len()
                        )
                    } else {
                        why
                    };
                    let rec = serde_json::from_str::<Map<String, Value>>(line).ok();
                    v.problem = Some(problem(reason, rec.as_ref()));
                    return Ok(v);
                }
            };
            if !u.intact {
                v.problem = Some(problem(
                    "record altered: its content does not match its hash".into(),
                    Some(&u.record),
                ));
                return Ok(v);
            }
            let claimed = u.record.get("prev").and_then(Value::as_str);
            if claimed != prev.as_deref() {
                let reason = match (claimed, &prev) {
                    (Some(_), None) => {
                        "the chain starts here but the record follows one that is missing: \
                         records before it were removed"
                    }
                    (None, Some(_)) => {
                        "record claims to start a new chain in the middle of the log"
                    }
                    _ => {
                        "record does not follow the one before it: a record was removed, \
                         inserted or moved"
                    }
                };
                v.problem = Some(problem(reason.into(), Some(&u.record)));
                return Ok(v);
            }
            match (&u.sig, key) {
                (Some(sig), Some(key)) => {
                    if !chain::signature_holds(key, &u.hash, sig) {
                        v.problem = Some(problem(
                            "signature does not verify with the public key".into(),
                            Some(&u.record),
                        ));
                        return Ok(v);
                    }
                    v.signed += 1;
                }
                (Some(_), None) => v.unchecked += 1,
                (None, _) => {}
            }
            v.records += 1;
            prev = Some(u.hash);
        }
    }
    Ok(v)
}

/// Every readable record of `files`, oldest first, each with `_file`, `_line` and the line as
/// written (`_raw`) for exports.
pub fn records(files: &[PathBuf]) -> std::io::Result<Vec<Map<String, Value>>> {
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file)?;
        for (i, line) in text.lines().enumerate() {
            let rec = match chain::unseal(line) {
                Ok(u) => Some(u.record),
                Err(_) => serde_json::from_str::<Map<String, Value>>(line).ok(),
            };
            if let Some(mut rec) = rec {
                rec.insert("_file".into(), file.display().to_string().into());
                rec.insert("_line".into(), (i + 1).into());
                rec.insert("_raw".into(), line.into());
                out.push(rec);
            }
        }
    }
    Ok(out)
}

/// One run as `ava audit list` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunSummary {
    pub run: String,
    pub started: String,
    pub user: Option<String>,
    pub host: Option<String>,
    pub command: Option<String>,
    pub exit: Option<i64>,
    pub outcome: Option<String>,
    pub inputs: usize,
    pub requests: usize,
    /// Where text went (endpoints of requests; empty: it stayed in this machine).
    pub endpoints: Vec<String>,
}

/// The runs in `records`, oldest first; `since` is an RFC 3339 time or its prefix (a date).
pub fn runs(records: &[Map<String, Value>], since: Option<&str>) -> Vec<RunSummary> {
    let mut order: Vec<String> = Vec::new();
    let mut by_run: std::collections::HashMap<String, RunSummary> = Default::default();
    let s = |r: &Map<String, Value>, k: &str| r.get(k).and_then(Value::as_str).map(str::to_string);
    for r in records {
        let Some(run) = s(r, "run") else { continue };
        let entry = by_run.entry(run.clone()).or_insert_with(|| {
            order.push(run.clone());
            RunSummary {
                run: run.clone(),
                started: s(r, "time").unwrap_or_default(),
                user: None,
                host: None,
                command: None,
                exit: None,
                outcome: None,
                inputs: 0,
                requests: 0,
                endpoints: Vec::new(),
            }
        });
        if entry.user.is_none() {
            entry.user = s(r, "user");
            entry.host = s(r, "host");
        }
        match r.get("event").and_then(Value::as_str) {
            Some("input") => entry.inputs += 1,
            Some("intent") => {
                entry.requests += 1;
                if let Some(e) = s(r, "endpoint")
                    && !entry.endpoints.contains(&e)
                {
                    entry.endpoints.push(e);
                }
            }
            Some("run") => {
                entry.exit = r.get("exit").and_then(Value::as_i64);
                entry.outcome = s(r, "outcome");
                entry.command = r.get("argv").and_then(Value::as_array).map(|a| {
                    a.iter()
                        .skip(1)
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" ")
                });
            }
            _ => {}
        }
    }
    order
        .into_iter()
        .filter_map(|r| by_run.remove(&r))
        .filter(|r| since.is_none_or(|s| r.started.as_str() >= s))
        .collect()
}

/// The run `wanted` names: its full id, a unique prefix, or `last`.
pub fn find_run(records: &[Map<String, Value>], wanted: &str) -> Result<String, String> {
    let all = runs(records, None);
    if wanted == "last" {
        return all
            .last()
            .map(|r| r.run.clone())
            .ok_or_else(|| "the audit log holds no runs".into());
    }
    let hits: Vec<&RunSummary> = all.iter().filter(|r| r.run.starts_with(wanted)).collect();
    match hits.as_slice() {
        [one] => Ok(one.run.clone()),
        [] => Err(format!(
            "no run {wanted:?} in the audit log (see `ava audit list`)"
        )),
        many => Err(format!(
            "{wanted:?} matches {} runs; give more of the id",
            many.len()
        )),
    }
}

/// A case-file bundle for one run: its records as written (so each hash can be re-checked),
/// parsed, the state of the whole chain when exported, and the public key if records are
/// signed.
pub fn export(
    log: &Path,
    records: &[Map<String, Value>],
    run: &str,
    verified: &Verified,
    public_key: Option<&VerifyingKey>,
) -> Value {
    let mine: Vec<&Map<String, Value>> = records
        .iter()
        .filter(|r| r.get("run").and_then(Value::as_str) == Some(run))
        .collect();
    let strip = |r: &Map<String, Value>| {
        let mut r = r.clone();
        r.remove("_raw");
        r.remove("_file");
        r.remove("_line");
        Value::Object(r)
    };
    json!({
        "format": "ava-audit-export/1",
        "run": run,
        "exported_at": crate::time::rfc3339_now(),
        "exported_by": Value::Object(super::identity()),
        "log": log.display().to_string(),
        "chain": {
            "intact": verified.problem.is_none(),
            "records": verified.records,
            "signed_and_checked": verified.signed,
            "first_problem": verified.problem.as_ref().map(|p| p.to_string()),
        },
        "public_key": public_key.map(|k| hex::encode(k.as_bytes())),
        "how_to_check": "each `lines` entry is the record exactly as written; SHA-256 of the line \
            without its trailing `,\"hash\":…` fields (closed with `}`) equals its `hash`, and \
            `sig` is ed25519 over that hex hash",
        "lines": mine.iter().map(|r| r.get("_raw").cloned().unwrap_or(Value::Null)).collect::<Vec<_>>(),
        "records": mine.iter().map(|r| strip(r)).collect::<Vec<_>>(),
    })
}
