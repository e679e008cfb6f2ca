//! The one-shot commands and the REPL are two front ends over one task pipeline: the same
//! document and the same job give the same outcome — the same checks, the same warnings, the
//! same failures — whichever front end asked.

mod common;

use assert_cmd::Command;
use common::{MockServer, Reply, entities_answer, write};
use std::path::Path;

/// A piped `ava chat`: one REPL entry per line of stdin.
fn repl(cmd: &mut Command, entries: &[&str]) -> std::process::Output {
    cmd.arg("chat")
        .write_stdin(entries.join("\n") + "\n")
        .output()
        .unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn served(home: &Path, server: &MockServer) -> Command {
    common::ava_served(home, server, "mock-model")
}

#[test]
fn an_answer_cut_at_the_token_limit_falls_back_the_same_way_in_both() {
    let server = MockServer::start(vec![
        Reply::stream(&["One ", "two"]).finish_reason("length"),
        Reply::stream(&["One ", "two"]).finish_reason("length"),
    ]);
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Some report.\n");
    let one_shot = served(home.path(), &server)
        .args(["summarize", "--max-tokens", "2"])
        .arg(&f)
        .output()
        .unwrap();
    let session = repl(
        served(home.path(), &server).args(["--max-tokens", "2"]),
        &["/summarize r.txt"],
    );
    for (who, o) in [("command", &one_shot), ("REPL", &session)] {
        // The built-in summary follows the unchecked partial answer: exit 3, not nothing.
        assert_eq!(o.status.code(), Some(3), "{who}: {}", stderr(o));
        assert!(
            stderr(o).contains("r.txt: the answer reached the token limit (2)"),
            "{who}: {}",
            stderr(o)
        );
        assert!(
            stdout(o).contains("One two"),
            "{who}: the partial answer stays"
        );
        assert!(
            stdout(o).contains("Some report. [L1]"),
            "{who}: the built-in summary follows: {}",
            stdout(o)
        );
    }
}

#[test]
fn payment_cards_are_masked_unless_asked_in_both() {
    let home = tempfile::tempdir().unwrap();
    write(
        home.path(),
        "c.txt",
        "Zapłacił kartą 4111 1111 1111 1111 w sklepie.\n",
    );
    let builtin = || {
        let mut c = common::ava(home.path());
        c.args(["--provider", "builtin", "-q"]);
        c
    };
    let masked = builtin()
        .args([
            "process",
            "--template",
            "entities",
            "--format",
            "text",
            "c.txt",
        ])
        .output()
        .unwrap();
    let masked_repl = repl(&mut builtin(), &["/process entities c.txt"]);
    let full = builtin()
        .args([
            "process",
            "--template",
            "entities",
            "--format",
            "text",
            "--unmask-cards",
            "c.txt",
        ])
        .output()
        .unwrap();
    let full_repl = repl(&mut builtin(), &["/process entities c.txt --unmask-cards"]);
    for (who, o) in [("command", &masked), ("REPL", &masked_repl)] {
        assert!(o.status.success(), "{who}: {}", stderr(o));
        assert!(stdout(o).contains("payment_card"), "{who}: {}", stdout(o));
        assert!(
            !stdout(o).contains("4111111111111111"),
            "{who}: {}",
            stdout(o)
        );
    }
    for (who, o) in [("command", &full), ("REPL", &full_repl)] {
        assert!(o.status.success(), "{who}: {}", stderr(o));
        assert!(
            stdout(o).contains("4111111111111111"),
            "{who}: {}",
            stdout(o)
        );
    }
    // The same report, line for line.
    assert_eq!(stdout(&masked), stdout(&masked_repl));
}

#[test]
fn an_item_the_model_invented_is_flagged_in_both() {
    let answer = entities_answer(&["Jan Kowalski", "Piotr Zieliński"], &[]);
    let server = MockServer::start(vec![Reply::stream(&[&answer]), Reply::stream(&[&answer])]);
    let home = tempfile::tempdir().unwrap();
    write(home.path(), "r.txt", "Jan Kowalski zgłosił kradzież.\n");
    let one_shot = served(home.path(), &server)
        .args(["process", "--template", "entities", "r.txt"])
        .output()
        .unwrap();
    let session = repl(
        &mut served(home.path(), &server),
        &["/process entities r.txt"],
    );
    for (who, o) in [("command", &one_shot), ("REPL", &session)] {
        assert!(o.status.success(), "{who}: {}", stderr(o));
        assert!(
            stderr(o).contains("r.txt: 1 item(s) the model reported do not occur in the document"),
            "{who}: {}",
            stderr(o)
        );
    }
}
