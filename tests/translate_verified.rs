//! `ava translate` against a loopback server playing a small model's typical failures: every
//! wrong answer is caught, asked again once, and flagged (stderr names the lines, `--json`
//! lists it, exit 3); a correct one passes with exit 0 (issue 14).

mod common;

use common::{MockServer, Reply, write};
use predicates::prelude::*;
use std::path::Path;

const PL1: &str =
    "Policjanci zatrzymali dwóch mężczyzn podejrzanych o oszustwo metodą na policjanta.";
const PL2: &str = "Starsza kobieta przekazała im 30 tys. zł w dniu 12.03.2024 r.";
const EN1: &str =
    "Police officers detained two men suspected of fraud by the police officer method.";
const EN2: &str = "An elderly woman handed them 30 thousand zlotys on 12.03.2024.";

fn doc(home: &Path) -> std::path::PathBuf {
    write(home, "note.txt", format!("{PL1}\n\n1) {PL2}\n"))
}

/// A model that translates the two sentences, with `bad` deciding how it answers each
/// (`None`: correctly).
fn model(bad: fn(&str) -> Option<String>) -> Reply {
    Reply::compute(move |body| {
        let user = common::mock_openai::last_user_message(body);
        let (pl, en) = if user.contains(PL1) {
            (PL1, EN1)
        } else {
            (PL2, EN2)
        };
        bad(pl).unwrap_or_else(|| en.to_string())
    })
}

fn ava(home: &Path, server: &MockServer) -> assert_cmd::Command {
    common::ava_served(home, server, "mock-model")
}

#[test]
fn a_correct_translation_keeps_the_layout_and_exits_0() {
    let server = MockServer::start(vec![model(|_| None)]);
    let home = tempfile::tempdir().unwrap();
    ava(home.path(), &server)
        .args(["translate", "--to", "en"])
        .arg(doc(home.path()))
        .assert()
        .success()
        .stdout(format!("{EN1}\n\n1) {EN2}\n"));
    // One request per segment; the list marker never went to the model.
    let chats = server.chat_requests();
    assert_eq!(chats.len(), 2);
    assert!(chats.iter().all(|c| !c.last_user_message().contains("1) ")));
}

#[test]
fn polish_handed_back_is_retried_then_flagged_with_exit_3() {
    let server = MockServer::start(vec![model(|pl| (pl == PL1).then(|| pl.to_string()))]);
    let home = tempfile::tempdir().unwrap();
    ava(home.path(), &server)
        .args(["translate", "--to", "en"])
        .arg(doc(home.path()))
        .assert()
        .code(3)
        .stdout(predicate::str::contains(EN2))
        .stderr(predicate::str::contains("line 1: translation not verified"))
        .stderr(predicate::str::contains("not translated"));
    // Asked twice for the failing segment (the second time more strictly), once for the other.
    let chats = server.chat_requests();
    assert_eq!(chats.len(), 3);
    let retries: Vec<String> = chats
        .iter()
        .map(|c| c.last_user_message())
        .filter(|m| m.contains("not the original text"))
        .collect();
    assert_eq!(retries.len(), 1);
    assert!(retries[0].contains(PL1));
}

#[test]
fn a_changed_amount_is_flagged_in_json_and_best_effort_exits_0() {
    let bad = |pl: &str| (pl == PL2).then(|| EN2.replace("30 thousand", "300 thousand"));
    let server = MockServer::start(vec![model(bad)]);
    let home = tempfile::tempdir().unwrap();
    let out = ava(home.path(), &server)
        .args(["--json", "translate", "--to", "en"])
        .arg(doc(home.path()))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("line 3: translation not verified"))
        .stderr(predicate::str::contains("\"30\""));
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let rec: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    let unverified = rec["unverified"].as_array().unwrap();
    assert_eq!(unverified.len(), 1, "{rec}");
    assert_eq!(unverified[0]["lines"], serde_json::json!([3, 3]));

    let server = MockServer::start(vec![model(bad)]);
    ava(home.path(), &server)
        .args(["--best-effort", "translate", "--to", "en"])
        .arg(doc(home.path()))
        .assert()
        .success()
        .stderr(predicate::str::contains("not verified"));
}

#[test]
fn a_failure_fixed_by_the_second_attempt_passes() {
    let server = MockServer::start(vec![
        Reply::text(&format!("Here is the translation:\n<text>{PL1}</text>")),
        model(|_| None),
    ]);
    let home = tempfile::tempdir().unwrap();
    ava(home.path(), &server)
        .args(["--jobs", "1", "translate", "--to", "English"])
        .arg(doc(home.path()))
        .assert()
        .success()
        .stdout(format!("{EN1}\n\n1) {EN2}\n"));
}

#[test]
fn a_looping_answer_is_stopped_and_flagged() {
    let looping = |_: &str| Some("The police officers said that ".repeat(60));
    let server = MockServer::start(vec![model(looping)]);
    let home = tempfile::tempdir().unwrap();
    ava(home.path(), &server)
        .args(["translate", "--to", "en"])
        .arg(doc(home.path()))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("repeating itself"));
}

#[test]
fn an_unknown_target_language_is_refused_with_a_suggestion() {
    let server = MockServer::start(vec![model(|_| None)]);
    let home = tempfile::tempdir().unwrap();
    ava(home.path(), &server)
        .args(["translate", "--to", "englsh"])
        .arg(doc(home.path()))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean English (en)?"));
    assert_eq!(server.chat_requests().len(), 0);
}

const PL_IDS: &str = "Sprawca podał numer +48 601 234 567 i konto PL61 1090 1014 0000 0712 1981 2874 w dniu 12.03.2024 r.";

/// A model that translates the identifier sentence, copying the `<ID_n>` tokens it was sent —
/// all of them, or all but the last when `drop_one`.
fn id_model(drop_one: bool) -> Reply {
    Reply::compute(move |body| {
        let user = common::mock_openai::last_user_message(body);
        let mut ids: Vec<String> = Vec::new();
        for (i, _) in user.match_indices("<ID_") {
            if let Some(end) = user[i..].find('>') {
                let id = user[i..i + end + 1].to_string();
                if id != "<ID_1>" || !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        // The prompt's own example token (`<ID_1>`) comes first; the segment's follow.
        let ids: Vec<&String> = ids.iter().rev().take(2).rev().collect();
        let (a, b) = match ids.as_slice() {
            [a, b] => (a.to_string(), b.to_string()),
            _ => ("?".into(), "?".into()),
        };
        let b = if drop_one { "the account".into() } else { b };
        format!("The perpetrator gave the number {a} and the account {b} on 12.03.2024.")
    })
}

/// `ava translate --to en` of the identifier sentence against [`id_model`].
fn translate_ids(drop_one: bool) -> (MockServer, assert_cmd::assert::Assert) {
    let server = MockServer::start(vec![id_model(drop_one)]);
    let home = tempfile::tempdir().unwrap();
    let file = write(home.path(), "ids.txt", format!("{PL_IDS}\n"));
    let assert = ava(home.path(), &server)
        .args(["translate", "--to", "en"])
        .arg(file)
        .assert();
    (server, assert)
}

#[test]
fn identifiers_never_reach_the_model_and_come_back_exactly() {
    let (server, assert) = translate_ids(false);
    assert.success().stdout(
        "The perpetrator gave the number +48 601 234 567 and the account \
             PL61 1090 1014 0000 0712 1981 2874 on 12.03.2024.\n",
    );
    let chats = server.chat_requests();
    assert_eq!(chats.len(), 1);
    let sent = chats[0].last_user_message();
    assert!(
        !sent.contains("601 234 567") && !sent.contains("PL61"),
        "{sent}"
    );
    assert!(sent.contains("copy tokens like <ID_1> unchanged"), "{sent}");
    // Dates stay text: the model translates them and the verifier checks them by value.
    assert!(sent.contains("12.03.2024"), "{sent}");
}

#[test]
fn a_dropped_placeholder_is_retried_then_flagged_with_exit_3() {
    let (server, assert) = translate_ids(true);
    assert
        .code(3)
        .stdout(predicate::str::contains("+48 601 234 567"))
        .stderr(predicate::str::contains("line 1: translation not verified"))
        .stderr(predicate::str::contains("placeholder(s) dropped"));
    assert_eq!(server.chat_requests().len(), 2);
}
