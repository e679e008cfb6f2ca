//! What a person at a terminal sees while waiting: within a moment of starting, a line on
//! stderr says what ava is doing, and it is gone before the answer streams. In a pipe there
//! is no such line.
#![cfg(unix)]

mod common;

use common::{MockServer, Reply, write};
use expectrl::{Eof, Session};
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn a_slow_first_token_shows_a_spinner_on_a_terminal_only() {
    let server = MockServer::start(vec![
        Reply::stream(&["The suspect ", "fled north."]).header_delay(Duration::from_millis(1500)),
        Reply::stream(&["The suspect ", "fled north."]).header_delay(Duration::from_millis(1500)),
    ]);
    let home = tempfile::tempdir().unwrap();
    let f = write(
        home.path(),
        "r.txt",
        "Witness saw a man near Harbour Street.\n",
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ava"));
    cmd.args(["summarize"])
        .arg(&f)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AVA_CONFIG_DIR", home.path().join("config"))
        .env("AVA_DATA_DIR", home.path().join("data"))
        .env("AVA_BASE_URL", server.url())
        .env("AVA_MODEL", "mock-model")
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    let started = Instant::now();
    let mut s = Session::spawn(cmd).expect("spawn ava in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(30)));
    s.expect("reading")
        .expect("a spinner while the model reads");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "the spinner came after the first token"
    );
    s.expect("fled north.").expect("the answer");
    s.expect(Eof).expect("ava exits");

    // In a pipe: no spinner, nothing but the answer on stdout.
    let out = common::ava_served(home.path(), &server, "mock-model")
        .arg("summarize")
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("reading"));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "The suspect fled north.\n"
    );
}
