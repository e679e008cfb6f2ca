//! `ava audit …`: verify the log's chain, list runs, show or export one, create the signing
//! key. Reading only; the log is written by [`crate::audit`].

use crate::audit::{self, keys, read};
use crate::cli::{AuditCmd, AuditKeyCmd};
use crate::context::Context;
use crate::error::{Error, Result, exit};
use std::io::Write as _;
use std::path::PathBuf;

pub fn run(ctx: &Context, cmd: AuditCmd) -> Result<i32> {
    match cmd {
        AuditCmd::Verify { file, key } => verify(ctx, file, key),
        AuditCmd::List { since } => list(ctx, since.as_deref()),
        AuditCmd::Show { run } => show(&run),
        AuditCmd::Export { run } => export(&run),
        AuditCmd::Key(AuditKeyCmd::Init) => {
            let (public, id) = keys::init().map_err(|reason| Error::Config {
                file: keys::secret_path().display().to_string(),
                reason,
            })?;
            ctx.status.note(&format!(
                "audit records are signed from now on (key {id}); public key: {}",
                public.display()
            ));
            out(&format!("{}\n", public.display()))?;
            Ok(exit::OK)
        }
    }
}

/// The log named, or the configured one (even when auditing is off for this run).
fn log_path(file: Option<PathBuf>) -> PathBuf {
    file.or_else(crate::paths::audit_log)
        .unwrap_or_else(crate::paths::default_audit_log)
}

fn files(log: &std::path::Path) -> Result<Vec<PathBuf>> {
    let files = audit::all_files(log);
    if files.is_empty() {
        return Err(Error::InputNotFound {
            path: log.to_path_buf(),
        });
    }
    Ok(files)
}

fn out(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

fn key(path: Option<&std::path::Path>) -> Result<Option<ed25519_dalek::VerifyingKey>> {
    keys::load_verifying_key(path).map_err(|reason| Error::Config {
        file: "audit public key".into(),
        reason,
    })
}

fn verify(ctx: &Context, file: Option<PathBuf>, key_file: Option<PathBuf>) -> Result<i32> {
    let log = log_path(file);
    let files = files(&log)?;
    let key = key(key_file.as_deref())?;
    let v = read::verify(&files, key.as_ref())?;
    for f in &v.legacy {
        ctx.status.warn(&format!(
            "{}: written before the chain existed; not verifiable, skipped",
            f.display()
        ));
    }
    if v.unchecked > 0 {
        ctx.status.warn(&format!(
            "{} records are signed but no public key was found to check them (--key FILE)",
            v.unchecked
        ));
    }
    if let Some(p) = &v.problem {
        return Err(Error::AuditBroken(format!(
            "audit log does not verify: {p} ({} records before it hold)",
            v.records
        )));
    }
    out(&format!(
        "ok: {} records in {} file(s) form one unbroken chain{}\n",
        v.records,
        v.files.len() - v.legacy.len(),
        if v.signed > 0 {
            format!("; {} signatures checked", v.signed)
        } else {
            String::new()
        }
    ))?;
    Ok(exit::OK)
}

fn list(ctx: &Context, since: Option<&str>) -> Result<i32> {
    let log = log_path(None);
    let records = read::records(&files(&log)?)?;
    let runs = read::runs(&records, since);
    let mut text = String::new();
    for r in &runs {
        if ctx.global.json {
            text.push_str(&serde_json::to_string(r).unwrap_or_default());
        } else {
            text.push_str(&format!(
                "{}  {}  {}@{}  exit {}{}  {} input(s), {} request(s){}  {}",
                r.run,
                r.started,
                r.user.as_deref().unwrap_or("?"),
                r.host.as_deref().unwrap_or("?"),
                r.exit.map_or("?".to_string(), |e| e.to_string()),
                match r.outcome.as_deref() {
                    Some("interrupted") => " (interrupted)",
                    _ => "",
                },
                r.inputs,
                r.requests,
                if r.endpoints.is_empty() {
                    String::new()
                } else {
                    format!(" to {}", r.endpoints.join(", "))
                },
                r.command.as_deref().unwrap_or("")
            ));
        }
        text.push('\n');
    }
    out(&text)?;
    Ok(exit::OK)
}

fn show(run: &str) -> Result<i32> {
    let log = log_path(None);
    let records = read::records(&files(&log)?)?;
    let id = read::find_run(&records, run).map_err(Error::Usage)?;
    let mut text = String::new();
    for r in records
        .iter()
        .filter(|r| r.get("run").and_then(|v| v.as_str()) == Some(id.as_str()))
    {
        let mut r = r.clone();
        r.remove("_raw");
        text.push_str(&serde_json::to_string(&r).unwrap_or_default());
        text.push('\n');
    }
    out(&text)?;
    Ok(exit::OK)
}

fn export(run: &str) -> Result<i32> {
    let log = log_path(None);
    let files = files(&log)?;
    let records = read::records(&files)?;
    let id = read::find_run(&records, run).map_err(Error::Usage)?;
    let key = key(None)?;
    let v = read::verify(&files, key.as_ref())?;
    let bundle = read::export(&log, &records, &id, &v, key.as_ref());
    out(&format!(
        "{}\n",
        serde_json::to_string_pretty(&bundle).unwrap_or_default()
    ))?;
    Ok(exit::OK)
}
