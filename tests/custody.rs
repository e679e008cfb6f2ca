//! Chain of custody: the audit log as an auditor relies on it (one verifiable chain under
//! concurrent writers, tampering named, interrupted runs recorded), redaction before a
//! server sees case text, and the network policy refusing endpoints before any connection.

mod common;

use common::{MockServer, Reply, write};
use serde_json::Value;
use std::path::{Path, PathBuf};

const REPORT: &str = "Officer Nowak arrived at 21:40. The door was forced.\n";

fn ava(home: &Path) -> assert_cmd::Command {
    common::ava(home)
}

fn config(home: &Path, text: &str) {
    std::fs::create_dir_all(home.join("config")).unwrap();
    write(&home.join("config"), "config.toml", text);
}

fn records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Runs `ava --provider builtin summarize` `n` times against the log in `home`.
fn builtin_runs(home: &Path, n: usize) -> PathBuf {
    let f = write(home, "r.txt", REPORT);
    for _ in 0..n {
        ava(home)
            .args(["--provider", "builtin", "summarize"])
            .arg(&f)
            .assert()
            .success();
    }
    home.join("data/audit.jsonl")
}

/// `ava audit verify FILE`: exit code and stderr.
fn verify(home: &Path, log: &Path) -> (i32, String, String) {
    let out = ava(home)
        .env("AVA_AUDIT_LOG", home.join("verifier.jsonl"))
        .args(["audit", "verify"])
        .arg(log)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn concurrent_writers_keep_one_chain_across_rotated_files_and_lose_nothing() {
    let home = tempfile::tempdir().unwrap();
    // Small files, so rotation happens while eight processes write.
    config(home.path(), "audit_max_bytes = 32768\n");
    let f = write(home.path(), "r.txt", REPORT);
    let (procs, runs) = (8, 50);
    std::thread::scope(|s| {
        for _ in 0..procs {
            s.spawn(|| {
                for _ in 0..runs {
                    ava(home.path())
                        .args(["--provider", "builtin", "summarize"])
                        .arg(&f)
                        .assert()
                        .success();
                }
            });
        }
    });
    let log = home.path().join("data/audit.jsonl");
    let (code, out, err) = verify(home.path(), &log);
    assert_eq!(code, 0, "{out}{err}");
    let files: Vec<PathBuf> = std::fs::read_dir(home.path().join("data"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.to_string_lossy().contains("audit.jsonl") && !p.to_string_lossy().ends_with(".lock")
        })
        .collect();
    assert!(files.len() > 2, "the log was not rotated: {files:?}");
    let all: Vec<Value> = files.iter().flat_map(|p| records(p)).collect();
    let count = |event: &str| all.iter().filter(|r| r["event"] == event).count();
    assert_eq!(count("run"), procs * runs);
    assert_eq!(count("input"), procs * runs);
    assert_eq!(count("intent"), procs * runs);
    assert_eq!(count("request"), procs * runs);
    assert!(out.contains(&format!("{} records", all.len())), "{out}");
}

#[test]
fn verify_names_an_edited_a_deleted_a_moved_and_a_torn_record() {
    let home = tempfile::tempdir().unwrap();
    let log = builtin_runs(home.path(), 2);
    assert_eq!(verify(home.path(), &log).0, 0);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 6);
    let tampered = |name: &str, lines: Vec<String>, torn: bool| {
        let p = home.path().join(name);
        let mut t = lines.join("\n");
        if !torn {
            t.push('\n');
        }
        std::fs::write(&p, t).unwrap();
        p
    };
    let own = |ls: &[&str]| ls.iter().map(|l| l.to_string()).collect::<Vec<_>>();

    // One byte flipped in record 3.
    let mut edited = own(&lines);
    edited[2] = edited[2].replacen("builtin", "builtiN", 1);
    let (code, _, err) = verify(home.path(), &tampered("edited.jsonl", edited, false));
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("edited.jsonl:3:") && err.contains("altered"),
        "{err}"
    );

    // Record 3 deleted: record 4, now line 3, no longer follows line 2.
    let mut deleted = own(&lines);
    deleted.remove(2);
    let (code, _, err) = verify(home.path(), &tampered("deleted.jsonl", deleted, false));
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("deleted.jsonl:3:") && err.contains("removed"),
        "{err}"
    );

    // Records 2 and 3 swapped.
    let mut moved = own(&lines);
    moved.swap(1, 2);
    let (code, _, err) = verify(home.path(), &tampered("moved.jsonl", moved, false));
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("moved.jsonl:2:"), "{err}");

    // The first record removed: the chain no longer starts at the start.
    let (code, _, err) = verify(
        home.path(),
        &tampered("head.jsonl", own(&lines[1..]), false),
    );
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("head.jsonl:1:"), "{err}");

    // A write cut off: reported, and a later run does not repair it into a valid chain.
    let mut torn = own(&lines);
    let last = torn.pop().unwrap();
    torn.push(last[..last.len() / 2].to_string());
    let torn_log = tampered("torn.jsonl", torn, true);
    let (code, _, err) = verify(home.path(), &torn_log);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains(&format!("torn.jsonl:{}:", lines.len())) && err.contains("torn"),
        "{err}"
    );
    ava(home.path())
        .env("AVA_AUDIT_LOG", &torn_log)
        .args(["--provider", "builtin", "summarize"])
        .arg(home.path().join("r.txt"))
        .assert()
        .success()
        .stderr(predicates::str::contains("torn"));
    let (code, _, err) = verify(home.path(), &torn_log);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("torn"), "{err}");
}

#[test]
fn signed_records_verify_with_the_key_and_fail_with_another() {
    let home = tempfile::tempdir().unwrap();
    ava(home.path())
        .args(["audit", "key", "init"])
        .assert()
        .success();
    let log = builtin_runs(home.path(), 1);
    let (code, out, err) = verify(home.path(), &log);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("signatures checked"), "{out}");
    // Someone else's key: every signature fails.
    let other = write(
        home.path(),
        "other.pub",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a\n",
    );
    let out = ava(home.path())
        .env("AVA_AUDIT_LOG", home.path().join("verifier.jsonl"))
        .args(["audit", "verify", "--key"])
        .arg(&other)
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("signature"));
    // A second init would orphan the signed records: refused.
    ava(home.path())
        .args(["audit", "key", "init"])
        .assert()
        .code(78);
}

#[test]
fn the_builtin_request_is_fingerprinted_as_the_document_it_read() {
    // The built-in engine reads the document itself, not a prompt: an auditor can tie its
    // request to the input record (a plain UTF-8 file, so its bytes are its text).
    let home = tempfile::tempdir().unwrap();
    let log = builtin_runs(home.path(), 1);
    let recs = records(&log);
    let input = recs.iter().find(|r| r["event"] == "input").unwrap();
    let request = recs.iter().find(|r| r["event"] == "request").unwrap();
    assert_eq!(request["sent"]["bytes"], REPORT.len());
    assert_eq!(request["sent"]["sha256"], input["sha256"]);
}

#[test]
fn list_show_and_export_find_a_run() {
    let home = tempfile::tempdir().unwrap();
    let log = builtin_runs(home.path(), 2);
    let out = ava(home.path())
        .args(["audit", "list", "--json"])
        .output()
        .unwrap();
    let runs: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(runs.len() >= 2);
    assert_eq!(runs[0]["exit"], 0);
    assert!(runs[0]["command"].as_str().unwrap().contains("summarize"));
    let id = runs[0]["run"].as_str().unwrap().to_string();
    let out = ava(home.path())
        .args(["audit", "show", &id])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.lines().count() >= 4, "{shown}");
    assert!(shown.lines().all(|l| l.contains(&id)));
    let out = ava(home.path())
        .args(["audit", "export", &id])
        .output()
        .unwrap();
    let bundle: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(bundle["run"], id.as_str());
    assert_eq!(bundle["chain"]["intact"], true);
    // The lines are the log's own, byte for byte.
    let text = std::fs::read_to_string(&log).unwrap();
    for l in bundle["lines"].as_array().unwrap() {
        assert!(text.contains(l.as_str().unwrap()));
    }
    let out = ava(home.path())
        .args(["audit", "list", "--since", "2999-01-01"])
        .output()
        .unwrap();
    assert!(out.stdout.is_empty());
}

#[test]
fn audit_cannot_be_turned_off_unless_the_config_allows_it() {
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", REPORT);
    ava(home.path())
        .env("AVA_AUDIT_LOG", "off")
        .args(["--provider", "builtin", "summarize"])
        .arg(&f)
        .assert()
        .success()
        .stderr(predicates::str::contains("not allowed"));
    assert!(home.path().join("data/audit.jsonl").exists());
    // An agency policy forbidding it beats a user's config allowing it.
    config(home.path(), "allow_audit_off = true\n");
    let policy = write(home.path(), "policy.toml", "allow_audit_off = false\n");
    std::fs::remove_file(home.path().join("data/audit.jsonl")).unwrap();
    ava(home.path())
        .env("AVA_AUDIT_LOG", "off")
        .env("AVA_POLICY_FILE", &policy)
        .args(["--provider", "builtin", "summarize"])
        .arg(&f)
        .assert()
        .success();
    assert!(home.path().join("data/audit.jsonl").exists());
}

#[cfg(unix)]
mod interrupted {
    use super::*;
    use std::io::Read;
    use std::time::{Duration, Instant};

    /// The binary as a plain process (signals, pipes), isolated like `common::ava_served`.
    fn served(home: &Path, server: &MockServer) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ava"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("AVA_CONFIG_DIR", home.join("config"))
            .env("AVA_DATA_DIR", home.join("data"))
            .env("AVA_BASE_URL", server.url())
            .env("AVA_MODEL", "mock-model");
        cmd
    }

    /// Starts a summary against a server that sends two tokens and then hangs; returns once
    /// the server has the request (the text has left).
    fn start_hanging(home: &Path, server: &MockServer) -> std::process::Child {
        let f = write(home, "r.txt", "Statement: Anna Kowalska saw the car.\n");
        let child = served(home, server)
            .arg("summarize")
            .arg(&f)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while server.chat_requests().is_empty() {
            assert!(Instant::now() < deadline, "the request never arrived");
            std::thread::yield_now();
        }
        child
    }

    fn signal_run(signal: &str, code: i32, cause: &str) {
        let server =
            MockServer::start(vec![Reply::stream(&["Anna ", "saw ", "it."]).hang_after(2)]);
        let home = tempfile::tempdir().unwrap();
        let mut child = start_hanging(home.path(), &server);
        let status = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let status = child.wait().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_eq!(status.code(), Some(code), "{err}");
        let recs = records(&home.path().join("data/audit.jsonl"));
        let intent = recs
            .iter()
            .find(|r| r["event"] == "intent")
            .expect("no intent");
        assert!(
            intent["endpoint"]
                .as_str()
                .unwrap()
                .starts_with("http://127.0.0.1")
        );
        let request = recs
            .iter()
            .find(|r| r["event"] == "request")
            .expect("no request record for text that was sent");
        assert_eq!(request["req"], intent["req"]);
        assert_eq!(request["outcome"], "interrupted", "{request}");
        assert!(
            request["cause"].as_str().unwrap().contains(cause),
            "{request}"
        );
        let run = recs.iter().find(|r| r["event"] == "run").unwrap();
        assert_eq!(run["exit"], code);
        assert_eq!(run["outcome"], "interrupted");
        let (code, out, err) = verify(home.path(), &home.path().join("data/audit.jsonl"));
        assert_eq!(code, 0, "{out}{err}");
    }

    #[test]
    fn sigterm_mid_answer_leaves_intent_and_interrupted_records() {
        signal_run("-TERM", 143, "SIGTERM");
    }

    #[test]
    fn sigint_mid_answer_leaves_intent_and_interrupted_records() {
        signal_run("-INT", 130, "SIGINT");
    }

    #[test]
    fn a_closed_stdout_is_recorded_as_interrupted_not_as_a_clean_run() {
        let tokens: Vec<String> = (0..200).map(|i| format!("word{i} ")).collect();
        let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
        let server =
            MockServer::start(vec![Reply::stream(&tokens).delay(Duration::from_millis(5))]);
        let home = tempfile::tempdir().unwrap();
        let f = write(home.path(), "r.txt", REPORT);
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = served(home.path(), &server)
            .arg("summarize")
            .arg(&f)
            .stdout(writer)
            .output()
            .unwrap();
        // Exit 0 by shell convention (`| head`)…
        assert_eq!(out.status.code(), Some(0));
        // …but the record says the answer was cut, and the sent text has its records.
        let recs = records(&home.path().join("data/audit.jsonl"));
        assert!(recs.iter().any(|r| r["event"] == "intent"));
        assert!(recs.iter().any(|r| r["event"] == "request"));
        let run = recs.iter().find(|r| r["event"] == "run").unwrap();
        assert_eq!(run["outcome"], "interrupted", "{run}");
        assert!(
            run["cause"].as_str().unwrap().contains("stdout closed"),
            "{run}"
        );
    }
}

#[test]
fn redaction_keeps_personal_data_from_the_server_and_restores_it_in_the_answer() {
    // The model answers with the placeholders it was given, but drops the e-mail.
    let server = MockServer::start(vec![Reply::compute(|body| {
        let sent = common::mock_openai::all_message_text(body);
        let mut found: Vec<&str> = ["<NAME_1>", "<PHONE_1>", "<IBAN_1>"]
            .into_iter()
            .filter(|p| sent.contains(p))
            .collect();
        found.sort();
        format!("Witness: {}.", found.join(" / "))
    })]);
    let home = tempfile::tempdir().unwrap();
    let f = write(
        home.path(),
        "r.txt",
        "Anna Kowalska (tel. 601 234 567, anna.k@example.org) paid from \
         PL61 1090 1014 0000 0712 1981 2874.\n",
    );
    let terms = write(home.path(), "names.txt", "Anna Kowalska\n");
    let out = common::ava_served(home.path(), &server, "mock-model")
        .args(["--redact-terms"])
        .arg(&terms)
        .args(["--best-effort", "summarize"])
        .arg(&f)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let req = server.last_chat().unwrap();
    for original in ["Kowalska", "601 234 567", "anna.k@example.org", "1090 1014"] {
        assert!(
            !req.raw_body.contains(original),
            "{original} reached the server"
        );
    }
    assert!(req.raw_body.contains("<PHONE_1>") && req.raw_body.contains("<EMAIL_1>"));
    assert!(stdout.contains("Anna Kowalska"), "{stdout}");
    assert!(stdout.contains("601 234 567"), "{stdout}");
    assert!(
        stdout.contains("PL61 1090 1014 0000 0712 1981 2874"),
        "{stdout}"
    );
    assert!(!stdout.contains("<PHONE_1>"), "{stdout}");
    // The dropped e-mail is reported, not silently lost.
    assert!(
        stderr.contains("<EMAIL_1>") && stderr.contains("dropped"),
        "{stderr}"
    );
    // The audit log fingerprints what left (the redacted text) and never the mapping.
    let log = std::fs::read_to_string(home.path().join("data/audit.jsonl")).unwrap();
    assert!(!log.contains("Kowalska") && !log.contains("601 234 567"));
    let intent = records(&home.path().join("data/audit.jsonl"))
        .into_iter()
        .find(|r| r["event"] == "intent")
        .unwrap();
    assert_eq!(intent["redaction"]["on"], true, "{intent}");
    assert_eq!(intent["network"], "any");
}

#[test]
fn a_placeholder_split_across_stream_chunks_is_restored() {
    let server = MockServer::start(vec![Reply::stream(&["Call <PHO", "NE_", "1> now."])]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Caller: 601 234 567.\n");
    let out = common::ava_served(home.path(), &server, "mock-model")
        .args(["--redact", "--best-effort", "summarize"])
        .arg(&f)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Call 601 234 567 now."), "{stdout}");
}

#[test]
fn an_agency_policy_refuses_a_remote_endpoint_that_the_user_config_allows() {
    let home = tempfile::tempdir().unwrap();
    config(home.path(), "network = \"any\"\n");
    let policy = write(home.path(), "policy.toml", "network = \"local-only\"\n");
    let f = write(home.path(), "r.txt", REPORT);
    let out = ava(home.path())
        .env("AVA_POLICY_FILE", &policy)
        .args(["--base-url", "https://llm.example.com/v1", "summarize"])
        .arg(&f)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("local-only") && err.contains("policy.toml"),
        "{err}"
    );
    // `ava doctor` shows the policy in force.
    ava(home.path())
        .env("AVA_POLICY_FILE", &policy)
        .arg("doctor")
        .assert()
        .stdout(predicates::str::contains("network:       local-only"));
}

#[test]
fn network_off_refuses_even_a_loopback_server_without_connecting() {
    let server = MockServer::start(vec![Reply::text("should never be asked")]);
    let home = tempfile::tempdir().unwrap();
    config(home.path(), "network = \"off\"\n");
    let f = write(home.path(), "r.txt", REPORT);
    let out = common::ava_served(home.path(), &server, "mock-model")
        .arg("summarize")
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(server.hits(), 0, "the refused server was contacted");
}

#[test]
fn offline_flag_refuses_a_remote_server_and_allows_loopback() {
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", REPORT);
    ava(home.path())
        .args([
            "--offline",
            "--base-url",
            "https://api.example.com/v1",
            "summarize",
        ])
        .arg(&f)
        .assert()
        .code(5);
    let server = MockServer::start(vec![Reply::text("Door forced.")]);
    common::ava_served(home.path(), &server, "mock-model")
        .args(["--offline", "--best-effort", "summarize"])
        .arg(&f)
        .assert()
        .success();
    assert_eq!(server.hits(), 1);
}

#[test]
fn the_api_key_never_reaches_the_audit_log() {
    const KEY: &str = "sk-custody-test-0123456789abcdef";
    let server = MockServer::start(vec![Reply::text("Door forced.")]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", REPORT);
    common::ava_served(home.path(), &server, "mock-model")
        .env("AVA_API_KEY", KEY)
        .args(["--best-effort", "summarize"])
        .arg(&f)
        .assert()
        .success();
    let log = std::fs::read_to_string(home.path().join("data/audit.jsonl")).unwrap();
    assert!(log.contains("\"intent\""));
    assert!(
        !log.contains(KEY) && !log.contains("custody-test"),
        "the key is in the audit log"
    );
}

#[test]
fn api_key_cmd_supplies_the_key_without_it_reaching_argv_or_the_log() {
    const KEY: &str = "sk-from-a-secret-store-0123456789";
    let server = MockServer::builder()
        .require_api_key(KEY)
        .reply(Reply::text("Door forced."))
        .start();
    let home = tempfile::tempdir().unwrap();
    let secret = write(home.path(), "secret", format!("{KEY}\n"));
    config(
        home.path(),
        &format!("api_key_cmd = \"cat {}\"\n", secret.display()),
    );
    let f = write(home.path(), "r.txt", REPORT);
    common::ava_served(home.path(), &server, "mock-model")
        .args(["--best-effort", "summarize"])
        .arg(&f)
        .assert()
        .success()
        .stdout(predicates::str::contains("Door forced."));
    let log = std::fs::read_to_string(home.path().join("data/audit.jsonl")).unwrap();
    assert!(!log.contains(KEY));
}
