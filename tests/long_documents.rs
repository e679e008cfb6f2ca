//! Documents longer than the model's window, and batches: the real binary against a loopback
//! OpenAI-compatible server with a small context.

mod common;

use assert_cmd::Command;
use common::{MockServer, Reply};
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// ava against the test's own server. An OpenAI-family model name: ava counts with
/// o200k_base, exactly as these tests do.
fn ava(home: &Path, server: &MockServer) -> Command {
    common::ava_served(home, server, "gpt-4o-mini")
}

/// Window the mock server reports for its model.
const WINDOW: usize = 1024;

fn server_with(replies: Vec<Reply>) -> MockServer {
    MockServer::builder()
        .models(&[("gpt-4o-mini", Some(WINDOW))])
        .replies(replies)
        .start()
}

/// A report of `n` numbered lines, each line unique and about 20 tokens.
fn long_report(n: usize) -> String {
    (1..=n)
        .map(|i| {
            format!(
                "Line {i:04}: officer Kowalski noted event {i} near ul. Długa {i} in Gdańsk at 21:{:02}.\n",
                i % 60
            )
        })
        .collect()
}

fn tokens(text: &str) -> usize {
    // Building the encoder takes far longer than using it: once per test process.
    static O200K: std::sync::LazyLock<tiktoken_rs::CoreBPE> =
        std::sync::LazyLock::new(|| tiktoken_rs::o200k_base().unwrap());
    O200K.encode_ordinary(text).len()
}

/// Text between `open` and `close` in the last user message.
fn between(body: &Value, open: &str, close: &str) -> String {
    let user = common::mock_openai::last_user_message(body);
    let start = user.find(open).map(|i| i + open.len()).unwrap_or(0);
    let end = user[start..]
        .find(close)
        .map(|i| start + i)
        .unwrap_or(user.len());
    user[start..end].trim_matches('\n').to_string()
}

fn is_map(body: &Value) -> bool {
    common::mock_openai::last_user_message(body).contains("<document_part>")
}

/// A model whose notes on the first part stop at the token limit in mid-line.
fn cut_notes_server() -> MockServer {
    server_with(vec![
        Reply::text("- Kowalski noted event 1\n- Kowalski noted ev").finish_reason("length"),
        Reply::compute(|body| {
            if is_map(body) {
                "- notes on a later part".into()
            } else {
                "FINAL SUMMARY".into()
            }
        }),
    ])
}

/// A small model writes notes until the token limit: the complete lines of those notes
/// still go into the summary, the unfinished one does not, and stderr and the record say so.
#[test]
fn notes_cut_at_the_token_limit_keep_their_complete_lines() {
    let doc = long_report(120);
    assert!(tokens(&doc) > 2 * WINDOW);
    let server = cut_notes_server();
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("long.txt");
    std::fs::write(&f, &doc).unwrap();
    ava(home.path(), &server)
        .args(["--best-effort", "summarize", "--jobs", "1"])
        .arg(&f)
        .assert()
        .success()
        .stdout("FINAL SUMMARY\n")
        .stderr(predicate::str::contains("the notes on part 1/"))
        .stderr(predicate::str::contains("unfinished last line is left out"));
    let reqs = server.chat_requests();
    let reduce = &reqs.last().unwrap().body;
    let combined = common::mock_openai::last_user_message(reduce);
    assert!(combined.contains("- Kowalski noted event 1"), "{combined}");
    assert!(!combined.contains("noted ev\n"), "{combined}");
    assert!(!combined.contains("noted ev["), "{combined}");
    // The record says so too.
    let out = ava(home.path(), &cut_notes_server())
        .args(["--best-effort", "--json", "summarize", "--jobs", "1"])
        .arg(&f)
        .output()
        .unwrap();
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        rec["warnings"]
            .to_string()
            .contains("unfinished last line is left out"),
        "{rec}"
    );
}

#[test]
fn ten_windows_of_text_are_summarized_by_map_then_reduce_within_budget() {
    let doc = long_report(500);
    assert!(tokens(&doc) > 10 * WINDOW);
    let server = server_with(vec![Reply::compute(|body| {
        if is_map(body) {
            let part = between(body, "Below is part ", " of ");
            format!("- notes on part {part}")
        } else {
            "FINAL SUMMARY".into()
        }
    })]);
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("long.txt");
    std::fs::write(&f, &doc).unwrap();
    ava(home.path(), &server)
        // "FINAL SUMMARY" is not in the document: flagged (exit 3) unless --best-effort.
        .args([
            "--best-effort",
            "summarize",
            "--jobs",
            "1",
            "--overlap",
            "0",
        ])
        .arg(&f)
        .assert()
        .success()
        .stdout("FINAL SUMMARY\n")
        .stderr(predicate::str::contains("parts, then combined"));

    let reqs = server.chat_requests();
    let (reduce, maps) = reqs.split_last().unwrap();
    assert!(maps.len() >= 10, "{} map requests", maps.len());
    assert!(maps.iter().all(|r| is_map(&r.body)));
    assert!(!is_map(&reduce.body));
    // Parts go out in order, each once.
    for (i, r) in maps.iter().enumerate() {
        let user = r.last_user_message();
        assert!(
            user.contains(&format!("Below is part {} of {}", i + 1, maps.len())),
            "{user}"
        );
    }
    // Without overlap, the parts put together are the document, byte for byte.
    let sent: String = maps
        .iter()
        .map(|r| between(&r.body, "<document_part>\n", "\n</document_part>") + "\n")
        .collect();
    assert_eq!(sent, doc);
    // No request exceeds the window minus the room kept for the answer, by o200k_base.
    for r in &reqs {
        let used: usize = r
            .messages()
            .iter()
            .map(|m| tokens(m["content"].as_str().unwrap_or("")) + 8)
            .sum();
        assert!(used <= WINDOW - WINDOW / 4, "request of {used} tokens");
    }
    // The reduce step sees every part's notes, in order.
    let notes = reduce.last_user_message();
    let mut at = 0;
    for i in 1..=maps.len() {
        let found = notes[at..]
            .find(&format!("- notes on part {i}\n"))
            .map(|p| at + p);
        at = found.unwrap_or_else(|| panic!("part {i} missing or out of order in {notes}"));
    }
}

#[test]
fn overlapping_parts_still_send_every_line() {
    let doc = long_report(300);
    let server = server_with(vec![Reply::compute(|body| {
        if is_map(body) { "- n" } else { "S" }.to_string()
    })]);
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("long.txt");
    std::fs::write(&f, &doc).unwrap();
    ava(home.path(), &server)
        .args(["summarize", "--overlap", "60"])
        .arg(&f)
        .assert()
        .success()
        .stdout("S\n");
    let maps: Vec<String> = server
        .chat_requests()
        .iter()
        .filter(|r| is_map(&r.body))
        .map(|r| r.last_user_message())
        .collect();
    let mut repeated = 0;
    for line in doc.lines() {
        let n = maps.iter().filter(|m| m.contains(line)).count();
        assert!(n >= 1, "{line} was never sent");
        repeated += n - 1;
    }
    assert!(repeated > 0, "overlap repeats some lines");
    assert!(repeated <= maps.len() * 5, "{repeated} repeated lines");
}

#[test]
fn translation_of_a_long_text_keeps_order_with_parallel_requests() {
    // Polish lines; the model "translates" word for word. Translation goes segment by
    // segment (one line each here), `--jobs` at a time.
    let polish = |i: usize| {
        format!(
            "Wiersz {i:04}: funkcjonariusz Kowalski odnotował zdarzenie {i} przy ul. Długiej {i} w Gdańsku o 21:{:02}.\n",
            i % 60
        )
    };
    let english = |i: usize| {
        format!(
            "Line {i:04}: officer Kowalski noted event {i} near Długa Street {i} in Gdańsk at 21:{:02}.\n",
            i % 60
        )
    };
    let doc: String = (1..=40).map(polish).collect();
    let expected: String = (1..=40).map(english).collect();
    let translate = |body: &Value| {
        let user = common::mock_openai::last_user_message(body);
        let text = user.rsplit("\n\n").next().unwrap_or_default();
        text.replace("Wiersz", "Line")
            .replace(
                "funkcjonariusz Kowalski odnotował zdarzenie",
                "officer Kowalski noted event",
            )
            .replace("przy ul. Długiej", "near Długa Street")
            .replace("w Gdańsku o", "in Gdańsk at")
    };
    // Out-of-order completion: later segments answer faster than earlier ones.
    let delays = [90u64, 10, 60, 0, 40, 20, 80, 5, 30, 70, 15, 0];
    let replies = delays
        .iter()
        .map(|&d| Reply::compute(translate).header_delay(Duration::from_millis(d)))
        .collect();
    let server = server_with(replies);
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("long.txt");
    std::fs::write(&f, &doc).unwrap();
    let glossary = home.path().join("glossary.txt");
    std::fs::write(&glossary, "KPP = District Police HQ\n").unwrap();
    ava(home.path(), &server)
        .args(["translate", "--to", "en", "--jobs", "4", "--glossary"])
        .arg(&glossary)
        .arg(&f)
        .assert()
        .success()
        .stdout(expected);
    let reqs = server.chat_requests();
    assert_eq!(reqs.len(), 40, "one request per line");
    for r in &reqs {
        let all = common::mock_openai::all_message_text(&r.body);
        assert!(
            all.contains("KPP = District Police HQ"),
            "glossary in every segment"
        );
    }
}

#[test]
fn a_failing_part_fails_the_document_instead_of_a_partial_summary() {
    let doc = long_report(200);
    let server = server_with(vec![
        Reply::text("- a"),
        Reply::error(400, "bad request for this part"),
    ]);
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("long.txt");
    std::fs::write(&f, &doc).unwrap();
    ava(home.path(), &server)
        .args(["summarize", "--jobs", "1"])
        .arg(&f)
        .assert()
        .failure()
        .stdout("");
}

#[test]
fn capped_input_says_what_was_left_out() {
    let doc = long_report(200);
    let server = server_with(vec![Reply::text("Short.")]);
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("long.txt");
    std::fs::write(&f, &doc).unwrap();
    let out = ava(home.path(), &server)
        .args(["summarize", "--max-input-tokens", "300", "--json"])
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains("left out"));
    let rec: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(rec["warnings"].to_string().contains("left out"));
    let sent: String = server
        .chat_requests()
        .iter()
        .map(|r| r.last_user_message())
        .collect();
    assert!(sent.contains("Line 0001:"));
    assert!(!sent.contains("Line 0200:"), "capped input was sent");
}

#[test]
fn a_template_larger_than_the_window_is_refused_clearly() {
    let server = MockServer::builder()
        .models(&[("gpt-4o-mini", Some(300))])
        .start();
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("long.txt");
    std::fs::write(&f, long_report(100)).unwrap();
    ava(home.path(), &server)
        .arg("summarize")
        .arg(&f)
        .assert()
        .code(65)
        .stderr(predicate::str::contains("window is 300 tokens"));
    assert!(server.chat_requests().is_empty());
}

#[test]
fn resume_skips_inputs_whose_output_is_complete() {
    let server = server_with(vec![Reply::text("A summary.")]);
    let home = tempfile::tempdir().unwrap();
    let a = home.path().join("a.txt");
    let b = home.path().join("b.txt");
    std::fs::write(&a, "First report.\n").unwrap();
    std::fs::write(&b, "Second report.\n").unwrap();
    let out = home.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("a.summary.md"), "done before\n").unwrap();
    // A leftover temporary file from a killed run does not count as done.
    std::fs::write(out.join("b.summary.md.tmp123"), "half").unwrap();
    ava(home.path(), &server)
        .args(["summarize", "--resume", "-o"])
        .arg(format!("{}/", out.display()))
        .arg(&a)
        .arg(&b)
        .assert()
        .success()
        .stderr(predicate::str::contains("skipped"));
    assert_eq!(server.chat_requests().len(), 1);
    assert_eq!(
        std::fs::read_to_string(out.join("a.summary.md")).unwrap(),
        "done before\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("b.summary.md")).unwrap(),
        "A summary.\n"
    );
    ava(home.path(), &server)
        .args(["summarize", "--resume"])
        .arg(&a)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-o DIR"));
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let doc = long_report(200);
    let server = server_with(vec![Reply::text("S")]);
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("long.txt");
    std::fs::write(&f, &doc).unwrap();
    let out = ava(home.path(), &server)
        .arg("summarize")
        .arg(&f)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        !stderr.contains("ETA") && !stderr.contains('\r'),
        "{stderr}"
    );
    assert!(!stderr.contains("\u{1b}["), "no terminal escapes: {stderr}");
}

#[test]
fn tokens_reports_counts_and_parts() {
    let server = server_with(vec![Reply::text("unused")]);
    let home = tempfile::tempdir().unwrap();
    let doc = long_report(100);
    let f = home.path().join("long.txt");
    std::fs::write(&f, &doc).unwrap();
    let out = ava(home.path(), &server)
        .args(["tokens", "--tokenizer", "o200k_base"])
        .arg(&f)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let n: usize = stdout.split_whitespace().next().unwrap().parse().unwrap();
    assert_eq!(n, tokens(&doc));
    let out = ava(home.path(), &server)
        .arg("tokens")
        .arg(&f)
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains("window 1024 tokens"));
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(stdout.contains("part(s)"), "{stdout}");
    assert!(stdout.contains("total"), "{stdout}");
    assert!(server.chat_requests().is_empty());
}

#[test]
fn a_batch_runs_files_side_by_side_and_prints_them_in_input_order() {
    let files = 7;
    // The order in which the server answered, by report number.
    let answered = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let reply = |answered: std::sync::Arc<std::sync::Mutex<Vec<String>>>| {
        Reply::compute(move |body| {
            let user = common::mock_openai::last_user_message(body);
            let n = user
                .split("Report number ")
                .nth(1)
                .and_then(|r| r.split('.').next())
                .unwrap_or("?")
                .to_string();
            answered.lock().unwrap().push(n.clone());
            format!("Summary of report {n}.")
        })
    };
    // The first request to arrive is answered late: the files after it must not wait.
    let server = server_with(vec![
        reply(answered.clone()).header_delay(Duration::from_secs(2)),
        reply(answered.clone()),
    ]);
    let home = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = vec!["summarize".into(), "--jobs".into(), "3".into()];
    for i in 1..=files {
        let name = format!("r{i}.txt");
        if i != 4 {
            std::fs::write(home.path().join(&name), format!("Report number {i}.\n")).unwrap();
        }
        args.push(name);
    }
    let out = ava(home.path(), &server)
        .args(&args)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("r4.txt"))
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let expected: String = (1..=files)
        .filter(|&i| i != 4)
        .map(|i| format!("==> r{i}.txt <==\nSummary of report {i}.\n"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        out, expected,
        "whole answers, in input order, the missing file left out"
    );
    let answered = answered.lock().unwrap().clone();
    assert_eq!(answered.len(), files - 1, "{answered:?}");
    assert_ne!(
        answered[0],
        answered_first_request(&server),
        "other files were answered while the first request waited: {answered:?}"
    );
}

/// Report number in the first chat request the server received.
fn answered_first_request(server: &MockServer) -> String {
    let first = &server.chat_requests()[0];
    first
        .last_user_message()
        .split("Report number ")
        .nth(1)
        .and_then(|r| r.split('.').next())
        .unwrap_or("?")
        .to_string()
}

#[test]
fn entities_of_a_long_document_point_into_the_whole_file_not_into_a_part() {
    let mut lines: Vec<String> = long_report(300).lines().map(String::from).collect();
    lines[269] = "Line 0270: Anna Kowalska called from +48 601 234 567 about the car.".into();
    let doc = lines.join("\n") + "\n";
    // The model names the person only in the part that holds her.
    let server = MockServer::builder()
        .models(&[("gpt-4o-mini", Some(2048))])
        .replies(vec![Reply::compute(|body| {
            let part = common::mock_openai::last_user_message(body);
            if part.contains("Anna Kowalska") {
                common::entities_answer(&["Anna Kowalska"], &[])
            } else {
                common::entities_answer(&[], &[])
            }
        })])
        .start();
    let home = tempfile::tempdir().unwrap();
    let f = common::write(home.path(), "long.txt", &doc);
    let out = ava(home.path(), &server)
        .args(["process", "--template", "entities", "--json"])
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains("parts"));
    assert!(
        server.chat_requests().len() >= 2,
        "the document was not split"
    );
    let rec: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let entities = rec["output"]["entities"].as_array().unwrap();
    let by_value = |v: &str| {
        entities
            .iter()
            .find(|e| e["value"] == v)
            .unwrap_or_else(|| panic!("{v} missing: {entities:#?}"))
    };
    let anna = by_value("Anna Kowalska");
    assert_eq!(anna["grounded"], true);
    let at = &anna["occurrences"][0];
    assert_eq!(at["line"], 270);
    // Byte offsets into the whole file (the lines before hold "ń" and "ł", so bytes and
    // characters differ).
    assert_eq!(at["start"], doc.find("Anna Kowalska").unwrap());
    let phone = by_value("+48601234567");
    assert_eq!(phone["occurrences"][0]["line"], 270);
    assert_eq!(
        phone["occurrences"][0]["start"],
        doc.find("+48 601 234 567").unwrap()
    );
}
