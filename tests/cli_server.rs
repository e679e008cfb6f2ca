//! The real binary against a loopback OpenAI-compatible server speaking real SSE.

mod common;

use assert_cmd::Command;
use common::{MockServer, Reply, entities_answer, write};
use predicates::prelude::*;
use std::path::Path;

/// ava against the test's own server, as the mock's model.
fn ava(home: &Path, server: &MockServer) -> Command {
    common::ava_served(home, server, "mock-model")
}

const KEY: &str = "sk-test-abcdef0123456789";

#[test]
fn streamed_summary_arrives_in_order_and_request_carries_the_rendered_template() {
    let server = MockServer::start(vec![Reply::stream(&[
        "The ", "suspect ", "fled ", "north.",
    ])]);
    let home = tempfile::tempdir().unwrap();
    let f = write(
        home.path(),
        "r.txt",
        "Witness saw {{ 7*7 }} men near Harbour Street.\n",
    );
    ava(home.path(), &server)
        .env("OPENAI_API_KEY", KEY)
        .args(["summarize", "--length", "short"])
        .arg(&f)
        .assert()
        .success()
        .stdout("The suspect fled north.\n");
    let req = server.last_chat().unwrap();
    assert_eq!(req.body["model"], "mock-model");
    assert_eq!(req.body["stream"], true);
    // The document is a value: template syntax inside it reaches the model literally.
    assert!(req.contains("{{ 7*7 }} men near Harbour Street"));
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert!(
        !req.raw_body.contains(KEY),
        "the key must never be in the body"
    );
}

#[test]
fn pipeline_translate_then_summarize_over_stdin() {
    let server = MockServer::start(vec![Reply::text("The witness saw a man.")]);
    let home = tempfile::tempdir().unwrap();
    ava(home.path(), &server)
        .args(["translate", "--to", "en"])
        .write_stdin("Świadek widział mężczyznę.\n")
        .assert()
        .success()
        .stdout("The witness saw a man.\n");
    let req = server.last_chat().unwrap();
    let prompt = common::mock_openai::all_message_text(&req.body);
    assert!(
        prompt.contains("English"),
        "target language is in the prompt: {prompt}"
    );
}

#[test]
fn cut_stream_keeps_partial_output_and_exits_75() {
    let server = MockServer::start(vec![
        Reply::stream(&["Partial ", "answer ", "never ", "ends"]).cut_after(2),
    ]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Some report.\n");
    ava(home.path(), &server)
        .arg("summarize")
        .arg(&f)
        .assert()
        .code(75)
        .stdout(predicate::str::starts_with("Partial answer"))
        .stderr(predicate::str::contains("cut off"));
}

#[test]
fn answer_stopped_by_max_tokens_is_not_passed_off_as_complete() {
    let server = MockServer::start(vec![
        Reply::stream(&["One ", "two"]).finish_reason("length"),
    ]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Some report.\n");
    ava(home.path(), &server)
        .args(["summarize", "--max-tokens", "2"])
        .arg(&f)
        .assert()
        .code(3)
        .stdout(predicate::str::contains("One two"))
        .stdout(predicate::str::ends_with("Some report. [L1]\n"))
        .stderr(predicate::str::contains("token limit"));
}

#[test]
fn rejected_key_exits_77_naming_the_variable_not_the_key() {
    let server = MockServer::start(vec![Reply::error(401, "Incorrect API key provided")]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Some report.\n");
    let out = ava(home.path(), &server)
        .env("OPENAI_API_KEY", KEY)
        .arg("summarize")
        .arg(&f)
        .assert()
        .code(77);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("OPENAI_API_KEY"), "{err}");
    assert!(!err.contains(KEY), "{err}");
}

#[test]
fn unknown_model_exits_69_naming_it() {
    let server = MockServer::start(vec![Reply::error(404, "model not found")]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Some report.\n");
    ava(home.path(), &server)
        .arg("summarize")
        .arg(&f)
        .assert()
        .code(69)
        .stderr(predicate::str::contains("mock-model"));
}

#[test]
fn overloaded_server_is_retried_then_gives_up_with_75() {
    let server = MockServer::start(vec![Reply::error(503, "overloaded")]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Some report.\n");
    let cfg = home.path().join("c.toml");
    std::fs::write(&cfg, "retries = 2\n").unwrap();
    ava(home.path(), &server)
        .arg("--config")
        .arg(&cfg)
        .arg("summarize")
        .arg(&f)
        .assert()
        .code(75);
    assert_eq!(server.chat_requests().len(), 3, "one try and two retries");
}

#[test]
fn server_that_goes_silent_hits_the_idle_timeout() {
    let server = MockServer::start(vec![
        Reply::stream(&["Start ", "of ", "answer"]).hang_after(1),
    ]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Some report.\n");
    ava(home.path(), &server)
        .args(["--timeout", "0.5", "summarize"])
        .arg(&f)
        .assert()
        .failure()
        .stdout(predicate::str::starts_with("Start"))
        .stderr(predicate::str::contains("no data"));
}

#[test]
fn unreachable_server_exits_69() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Some report.\n");
    let mut cmd = Command::cargo_bin("ava").unwrap();
    cmd.env_clear()
        .env("AVA_CONFIG_DIR", home.path().join("config"))
        .env("AVA_DATA_DIR", home.path().join("data"))
        .args([
            "--base-url",
            &format!("http://127.0.0.1:{port}/v1"),
            "summarize",
        ])
        .arg(&f)
        .assert()
        .code(69)
        .stderr(predicate::str::contains("cannot reach"));
}

#[test]
fn schema_template_gets_json_and_invalid_json_exits_65() {
    let good = r#"{"people":[{"value":"Anna Kowalska"}],"organizations":[],"locations":[],"phones":[],"emails":[],"ibans":[],"crypto_wallets":[],"dates":[],"amounts":[],"urls":[]}"#;
    let server = MockServer::start(vec![Reply::text(good), Reply::text("{not json")]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Anna Kowalska called.\n");
    let out = ava(home.path(), &server)
        .args(["process", "--template", "entities", "--json"])
        .arg(&f)
        .assert()
        .success();
    let rec: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let person = &rec["output"]["entities"][0];
    assert_eq!(person["kind"], "person");
    assert_eq!(person["value"], "Anna Kowalska");
    assert_eq!(person["grounded"], true);
    assert_eq!(person["occurrences"][0]["line"], 1);
    assert!(
        server
            .last_chat()
            .unwrap()
            .body
            .get("response_format")
            .is_some()
    );
    ava(home.path(), &server)
        .args(["process", "--template", "entities"])
        .arg(&f)
        .assert()
        .code(65)
        .stderr(predicate::str::contains("not valid JSON"));
}

#[test]
fn ctrl_c_stops_generation_keeps_output_and_exits_130() {
    let server = MockServer::start(vec![
        Reply::stream(&["First ", "words ", "then ", "a ", "long ", "wait"]).hang_after(2),
    ]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Some report.\n");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ava"))
        .env_clear()
        .env("AVA_CONFIG_DIR", home.path().join("config"))
        .env("AVA_DATA_DIR", home.path().join("data"))
        .env("AVA_BASE_URL", server.url())
        .arg("summarize")
        .arg(&f)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the partial answer is on stdout, so the interrupt lands mid-generation.
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 64];
    while !String::from_utf8_lossy(&seen).contains("First words") {
        let n = std::io::Read::read(&mut stdout, &mut buf).unwrap();
        assert!(n > 0, "ava ended before streaming");
        seen.extend_from_slice(&buf[..n]);
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(
        server.wait_for_disconnects(1, std::time::Duration::from_secs(5)),
        "the server sees the connection closed"
    );
}

#[test]
fn answer_failing_the_schema_is_repaired_with_the_errors_fed_back() {
    let bad = r#"{"people":"Anna Kowalska"}"#;
    let good = r#"{"people":[{"value":"Anna Kowalska"}],"organizations":[],"locations":[],"phones":[],"emails":[],"ibans":[],"crypto_wallets":[],"dates":[],"amounts":[],"urls":[]}"#;
    let server = MockServer::start(vec![Reply::text(bad), Reply::text(good)]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Anna Kowalska called.\n");
    let out = ava(home.path(), &server)
        .args(["process", "--template", "entities", "--json"])
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains("schema"));
    let rec: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(rec["output"]["entities"][0]["value"], "Anna Kowalska");
    let reqs = server.chat_requests();
    assert_eq!(reqs.len(), 2);
    let retry = common::mock_openai::all_message_text(&reqs[1].body);
    assert!(
        retry.contains("/people"),
        "validation errors are fed back: {retry}"
    );
}

#[test]
fn model_and_pattern_entities_merge_and_invented_ones_are_marked_ungrounded() {
    let answer = entities_answer(&["Anna Kowalska", "Marek Wiśniewski"], &["601 234 567"]);
    let server = MockServer::start(vec![Reply::text(&answer)]);
    let home = tempfile::tempdir().unwrap();
    let f = write(
        home.path(),
        "r.txt",
        "Notatka służbowa.\nAnna Kowalska podała numer +48 601 234 567.\n",
    );
    let out = ava(home.path(), &server)
        .args(["process", "--template", "entities", "--json"])
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains("do not occur in the document"));
    let rec: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let entities = rec["output"]["entities"].as_array().unwrap();
    let by_value = |v: &str| {
        entities
            .iter()
            .find(|e| e["value"] == v)
            .unwrap_or_else(|| panic!("{v} missing: {entities:#?}"))
    };
    let phone = by_value("+48601234567");
    assert_eq!(phone["found_by"], serde_json::json!(["pattern", "model"]));
    assert_eq!(phone["occurrences"][0]["text"], "+48 601 234 567");
    assert_eq!(phone["occurrences"][0]["line"], 2);
    assert_eq!(by_value("Anna Kowalska")["grounded"], true);
    let ghost = by_value("Marek Wiśniewski");
    assert_eq!(ghost["grounded"], false);
    assert_eq!(ghost["occurrences"], serde_json::json!([]));
    assert!(rec["warnings"].to_string().contains("grounded"));
}

#[test]
fn timeline_events_are_checked_against_the_document() {
    let answer = serde_json::json!({"events": [
        {"date": "2024-03-12", "time": "22:00", "description": "Car parked.",
         "people": ["Jan Kowalski"], "line": 2},
        {"date": "2024-03-14", "time": "", "description": "Arrest.",
         "people": ["Piotr Zieliński"], "line": 3},
    ]})
    .to_string();
    let server = MockServer::start(vec![Reply::text(&answer)]);
    let home = tempfile::tempdir().unwrap();
    let f = write(
        home.path(),
        "r.txt",
        "Notatka z dnia 12 marca 2024 r.\n\
         Jan Kowalski zaparkował o godz. 22:00.\n\
         Rano stwierdził brak pojazdu.\n",
    );
    let out = ava(home.path(), &server)
        .args(["process", "--template", "timeline", "--json"])
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains("do not occur in the document"));
    let rec: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let events = &rec["output"]["events"];
    assert_eq!(events[0]["grounded"], true, "{events:#}");
    assert_eq!(events[0]["source_lines"], serde_json::json!([1, 2]));
    assert_eq!(events[1]["grounded"], false, "{events:#}");
    assert_eq!(
        events[1]["not_in_source"],
        serde_json::json!(["2024-03-14", "Piotr Zieliński"])
    );
    assert!(rec["warnings"].to_string().contains("not_in_source"));
}

#[test]
fn a_model_that_never_produces_valid_json_fails_after_bounded_repairs() {
    let server = MockServer::start(vec![
        Reply::text("Sure! Here are the entities: Anna."),
        Reply::text("{\"people\": 5}"),
        Reply::text("[]"),
        Reply::text("never asked"),
    ]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Anna Kowalska called.\n");
    ava(home.path(), &server)
        .args(["process", "--template", "entities", "--json"])
        .arg(&f)
        .assert()
        .code(65)
        .stdout(predicate::str::contains("\"error\""))
        .stdout(predicate::str::contains("\"entities\"").not())
        .stderr(predicate::str::contains("after 3 attempt(s)"));
    assert_eq!(server.chat_requests().len(), 3);
}

#[test]
fn entity_rows_as_csv_with_one_header_for_several_files() {
    // Files run side by side, so each answer depends on the document, not on arrival order.
    let server = MockServer::start(vec![Reply::compute(|req| {
        if common::mock_openai::all_message_text(req).contains("Anna Kowalska") {
            entities_answer(&["Anna Kowalska"], &[])
        } else {
            entities_answer(&[], &[])
        }
    })]);
    let home = tempfile::tempdir().unwrap();
    let a = write(home.path(), "a.txt", "Anna Kowalska, tel. 601 234 567.\n");
    let b = write(home.path(), "b.txt", "Write to x@example.org, please.\n");
    let out = ava(home.path(), &server)
        .args([
            "--region",
            "PL",
            "process",
            "--template",
            "entities",
            "--format",
            "csv",
        ])
        .arg(&a)
        .arg(&b)
        .assert()
        .success();
    let csv = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let lines: Vec<&str> = csv.lines().filter(|l| !l.starts_with("==>")).collect();
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("file,kind")).count(),
        1,
        "{csv}"
    );
    assert!(csv.contains(",phone,+48601234567,601 234 567,1,"), "{csv}");
    assert!(
        csv.contains(",person,Anna Kowalska,Anna Kowalska,1,1,0,13,"),
        "{csv}"
    );
    assert!(
        csv.contains(",email,x@example.org,x@example.org,1,10,"),
        "{csv}"
    );
}

/// The audit log's records, one JSON object per line.
fn audit_records(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_request_is_audited_with_where_it_went_but_without_the_text() {
    use sha2::{Digest, Sha256};
    let server = MockServer::start(vec![Reply::text("Short answer.")]);
    let home = tempfile::tempdir().unwrap();
    let f = write(
        home.path(),
        "r.txt",
        "Witness statement: Anna Kowalska saw the car.\n",
    );
    let log = home.path().join("logs/audit.jsonl");
    ava(home.path(), &server)
        .env("AVA_AUDIT_LOG", &log)
        .arg("summarize")
        .arg(&f)
        .assert()
        .success()
        .stdout(predicate::str::contains("Short answer."));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("Kowalska"), "case text in the audit log");
    let records = audit_records(&log);
    let request = records
        .iter()
        .find(|r| r["event"] == "request")
        .expect("no request record");
    assert_eq!(request["engine"], "openai");
    assert_eq!(request["model"], "mock-model");
    let endpoint = request["endpoint"].as_str().unwrap();
    assert!(
        endpoint.starts_with(server.url().trim_end_matches('/')),
        "{endpoint} is not {}",
        server.url()
    );
    assert_eq!(
        request["received"]["sha256"],
        hex::encode(Sha256::digest("Short answer."))
    );
    assert_eq!(request["finish"], "stop");
    assert!(request["sent"]["bytes"].as_u64().unwrap() > 40);
    let run = records.iter().find(|r| r["event"] == "run").unwrap();
    assert_eq!(run["run"], request["run"]);
    assert_eq!(run["exit"], 0);
    assert!(run["argv"].to_string().contains("summarize"));
}

#[test]
fn a_failed_request_is_audited_with_its_error_and_the_exit_code() {
    let server = MockServer::start(vec![Reply::error(400, "context too long for this model")]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Notatka.\n");
    let log = home.path().join("audit.jsonl");
    let out = ava(home.path(), &server)
        .env("AVA_AUDIT_LOG", &log)
        .arg("summarize")
        .arg(&f)
        .assert()
        .failure();
    let code = out.get_output().status.code().unwrap();
    let records = audit_records(&log);
    let request = records.iter().find(|r| r["event"] == "request").unwrap();
    assert!(
        request["error"]
            .as_str()
            .unwrap()
            .contains("context too long"),
        "{request}"
    );
    let run = records.iter().find(|r| r["event"] == "run").unwrap();
    assert_eq!(run["exit"], code);
}

#[test]
fn a_looping_answer_is_stopped_and_called_a_loop_not_a_length_problem() {
    let copy = "They were ordered detained and charged with fraud. ";
    let pieces: Vec<&str> = std::iter::repeat_n(copy, 40).collect();
    let server = MockServer::start(vec![Reply::stream(&pieces)]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Six defendants were charged.\n");
    let out = ava(home.path(), &server)
        .args(["summarize"])
        .arg(&f)
        .output()
        .unwrap();
    // What streamed before the loop was caught is unchecked: exit 3 unless --best-effort.
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("repeating itself"), "{err}");
    assert!(!err.contains("max-tokens"), "{err}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Stopped at the third copy, not after forty…
    let shown = stdout.matches("charged with fraud").count();
    assert!(shown < 5, "{shown} copies printed");
    // …and the built-in summary follows, so the user is not left with nothing.
    assert!(
        stdout.ends_with("Six defendants were charged. [L1]\n"),
        "{stdout}"
    );
    assert!(err.contains("built-in extractive summary follows"), "{err}");
}

/// A short release of three sentences long enough to be shortened by the grounded summary.
const RELEASE: &str = "On 12 March 2024 officers of the Radom police arrested Jan Kowalski, aged 34, \
after a chase through the old town that lasted nearly twenty minutes.\n\
The court ordered him to pay 5,000 euros to the victim, an elderly woman who had handed \
her savings to a caller pretending to be a police officer.\n\
Officers also seized a grey Audi with registration WR 12345 and two phones that the \
suspect had used to call his victims over several weeks.\n";

/// The fake model's shortened version of each sentence of [`RELEASE`]; the second one
/// invents an amount.
fn shortening_model(req: &serde_json::Value) -> String {
    let user = common::mock_openai::last_user_message(req);
    if user.contains("chase") {
        "Here is the shortened sentence:\nOn 12 March 2024 Radom police arrested Jan Kowalski, 34, after a chase.".into()
    } else if user.contains("5,000 euros") {
        "The court ordered him to pay 7,500 euros to the victim.".into()
    } else {
        "Officers seized a grey Audi WR 12345 and two phones.".into()
    }
}

/// `ava ARGS… r.txt` with [`RELEASE`] as r.txt, against a fake model answering `reply`.
fn summarize_release(reply: Reply, args: &[&str]) -> (MockServer, std::process::Output) {
    let server = MockServer::start(vec![reply]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", RELEASE);
    let out = ava(home.path(), &server)
        .args(args)
        .arg(&f)
        .output()
        .unwrap();
    (server, out)
}

const GROUNDED_SHORT: &[&str] = &[
    "--summary-mode",
    "grounded",
    "summarize",
    "--length",
    "short",
];

#[test]
fn grounded_summary_shortens_each_key_sentence_and_replaces_one_with_an_invented_amount() {
    let (server, out) = summarize_release(Reply::compute(shortening_model), GROUNDED_SHORT);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Checked model sentences, preface removed, each with its source line.
    assert!(
        stdout.contains(
            "On 12 March 2024 Radom police arrested Jan Kowalski, 34, after a chase. [L1]\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("Officers seized a grey Audi WR 12345 and two phones. [L3]"));
    // The invented amount is never printed: the document's own sentence stands in its place.
    assert!(!stdout.contains("7,500"), "{stdout}");
    assert!(stdout.contains("pay 5,000 euros to the victim"), "{stdout}");
    assert!(
        stderr.contains("\"7,500 euros\" not in the document"),
        "{stderr}"
    );
    assert!(stderr.contains("1 of 3 summary lines"), "{stderr}");
    // Each sentence went to the model alone.
    assert_eq!(server.chat_requests().len(), 3);
}

/// Shortening drops words, not facts: a version without the suspect's age is not used.
#[test]
fn grounded_summary_keeps_the_document_sentence_when_the_model_drops_a_value() {
    let (_server, out) = summarize_release(
        Reply::compute(|req| {
            if common::mock_openai::last_user_message(req).contains("chase") {
                "On 12 March 2024 Radom police arrested Jan Kowalski after a chase.".into()
            } else {
                shortening_model(req)
            }
        }),
        GROUNDED_SHORT,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("Jan Kowalski, aged 34, after a chase"),
        "{stdout}"
    );
    assert!(stderr.contains("leaves out \"34\""), "{stderr}");
}

#[test]
fn grounded_summary_progress_counts_sentences() {
    let (_server, out) = summarize_release(
        Reply::compute(shortening_model),
        &[
            "-v",
            "--summary-mode",
            "grounded",
            "summarize",
            "--length",
            "short",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Not "part 3/3": the pieces of a grounded summary are its sentences.
    assert!(stderr.contains("sentence 3/3 done"), "{stderr}");
    assert!(!stderr.contains("part 3/3 done"), "{stderr}");
}

#[test]
fn grounded_summary_reasons_are_in_the_json_record() {
    let (_server, out) = summarize_release(
        Reply::compute(shortening_model),
        &["--summary-mode", "grounded", "--json", "summarize"],
    );
    assert_eq!(out.status.code(), Some(0));
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = rec["warnings"].to_string();
    assert!(warnings.contains("sentence 2 [L2]"), "{warnings}");
    assert!(warnings.contains("7,500 euros"), "{warnings}");
    assert_eq!(rec["unverified"], serde_json::json!([]));
}

#[test]
fn grounded_summary_of_a_looping_model_falls_back_to_the_document_and_says_so() {
    let copy = "They were ordered detained and charged with fraud. ";
    let pieces: Vec<&str> = std::iter::repeat_n(copy, 40).collect();
    let (_server, out) = summarize_release(
        Reply::stream(&pieces),
        &["--summary-mode", "grounded", "summarize"],
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stdout.contains("charged with fraud"), "{stdout}");
    assert!(
        stdout.contains("arrested Jan Kowalski, aged 34"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stderr.contains("repeated itself"), "{stderr}");
    assert!(stderr.contains("3 of 3 summary lines"), "{stderr}");
}

#[test]
fn whole_document_summary_with_an_invented_amount_is_flagged_and_exits_3() {
    let server = MockServer::start(vec![Reply::text(
        "Jan Kowalski was arrested in Radom and must pay 9,000 euros.",
    )]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", RELEASE);
    let out = ava(home.path(), &server)
        .args(["--json", "summarize"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        rec["unverified"].to_string().contains("9,000 euros"),
        "{rec}"
    );
    ava(home.path(), &server)
        .args(["--best-effort", "summarize"])
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains("9,000 euros"));
}
