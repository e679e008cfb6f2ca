//! The REPL as a person meets it: the real binary in a pseudo-terminal, typing and reading
//! the screen. The built-in engine keeps these offline and deterministic; the data and config
//! dirs are temporary so no real history or session is touched.
#![cfg(unix)]

use expectrl::{ControlCode, Eof, Regex, Session, WaitStatus};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

const REPORT: &str = "Notatka urzędowa z dnia 12 marca 2024 r.\n\
Jan Kowalski zgłosił kradzież samochodu marki Skoda o numerze rejestracyjnym WX 12345.\n\
Pojazd zaparkowano przy ul. Długiej 5 w Warszawie około godziny 22:00.\n\
Rano 13 marca zgłaszający stwierdził brak pojazdu i powiadomił policję telefonicznie.\n\
Świadek Anna Nowak widziała dwóch mężczyzn przy samochodzie około północy.\n";

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("config")).expect("config dir");
        std::fs::write(dir.path().join("report.txt"), REPORT).expect("write report");
        Home { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ava"));
        cmd.args(["chat", "--provider", "builtin"]).args(args);
        isolate(&mut cmd, self.dir.path());
        cmd
    }

    fn spawn(&self, args: &[&str]) -> Session {
        let mut s = Session::spawn(self.command(args)).expect("spawn ava in a pty");
        s.get_process_mut()
            .set_window_size(120, 40)
            .expect("window size");
        s.set_expect_timeout(Some(Duration::from_secs(30)));
        prompt(&mut s);
        s
    }
}

/// Nothing from the developer's own environment may leak in: no server, no real data dir.
fn isolate(cmd: &mut Command, home: &Path) {
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if k.starts_with("AVA_") || k.starts_with("OPENAI_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AVA_DATA_DIR", home.join("data"))
        .env("AVA_CONFIG_DIR", home.join("config"))
        .env("HOME", home)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .current_dir(home);
}

fn prompt(s: &mut Session) {
    s.expect(Regex(r"(builtin|openai)[^\r\n]*> "))
        .expect("prompt");
}

/// Type a line and wait for `want` in what follows.
fn say(s: &mut Session, line: &str, want: &str) -> String {
    s.send_line(line).expect("send");
    let m = s
        .expect(want)
        .unwrap_or_else(|e| panic!("after {line:?}: expected {want:?}: {e}"));
    String::from_utf8_lossy(m.before()).into_owned()
}

fn exits_cleanly(mut s: Session) {
    s.send_line("/exit").expect("send /exit");
    s.expect(Eof).expect("ava exits");
    let status = s.get_process().wait().expect("wait");
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "exit status {status:?}"
    );
}

#[test]
fn attached_file_is_summarized_with_line_references() {
    let home = Home::new();
    let mut s = home.spawn(&[]);
    say(&mut s, "/file report.txt", "attached report.txt");
    prompt(&mut s);
    say(&mut s, "/files", "report.txt");
    prompt(&mut s);
    say(&mut s, "/summarize", "[L");
    prompt(&mut s);
    exits_cleanly(s);
}

#[test]
fn files_named_on_the_command_line_are_attached() {
    let home = Home::new();
    let mut s = Session::spawn(home.command(&["report.txt"])).expect("spawn");
    s.set_expect_timeout(Some(Duration::from_secs(30)));
    s.expect(Regex(r"builtin[^\r\n]*\[report\.txt\]> "))
        .expect("prompt names the attached file");
    exits_cleanly(s);
}

#[test]
fn tab_completes_a_command() {
    let home = Home::new();
    let mut s = home.spawn(&[]);
    s.send("/summ").expect("type");
    s.send(ControlCode::HorizontalTabulation).expect("tab");
    s.expect("/summarize").expect("completed on screen");
    // Only the completed command knows there is nothing to summarize yet.
    say(&mut s, "", "no document");
    prompt(&mut s);
    exits_cleanly(s);
}

#[test]
fn bad_commands_and_paths_keep_the_session_alive() {
    let home = Home::new();
    let mut s = home.spawn(&[]);
    say(&mut s, "/nosuch", "unknown command /nosuch");
    prompt(&mut s);
    say(&mut s, "/summ", "did you mean /summarize");
    prompt(&mut s);
    say(&mut s, "/file missing.txt", "no such file");
    prompt(&mut s);
    say(&mut s, "/session load ../etc", "session name");
    prompt(&mut s);
    say(
        &mut s,
        "/process no-such-template report.txt",
        "no-such-template",
    );
    prompt(&mut s);
    // Still working: a real command after the errors.
    say(&mut s, "/summarize report.txt", "[L");
    prompt(&mut s);
    exits_cleanly(s);
}

#[test]
fn free_text_on_the_builtin_engine_is_a_clear_error() {
    let home = Home::new();
    let mut s = home.spawn(&["report.txt"]);
    say(&mut s, "Who reported the theft?", "cannot chat");
    prompt(&mut s);
    // Entities as the grouped report, with the line each was found on.
    say(&mut s, "/process entities", "2024-03-12  L1");
    prompt(&mut s);
    exits_cleanly(s);
}

#[test]
fn history_persists_across_runs_unless_disabled() {
    let home = Home::new();
    let mut s = home.spawn(&[]);
    say(&mut s, "/set temperature 0.25", "temperature = 0.25");
    prompt(&mut s);
    exits_cleanly(s);
    let file = home.path("data/history.txt");
    let saved = std::fs::read_to_string(&file).expect("history file written");
    assert!(saved.contains("/set temperature 0.25"), "{saved}");

    // Up arrow in a new run brings the line back (past the `/exit` that followed it).
    let mut s = home.spawn(&[]);
    s.send("\x1b[A").expect("up");
    s.expect("/exit").expect("last line recalled");
    s.send("\x1b[A").expect("up");
    s.expect("temperature 0.25").expect("recalled from history");
    s.send(ControlCode::CarriageReturn).expect("enter");
    s.expect("temperature = 0.25").expect("recalled line runs");
    prompt(&mut s);
    exits_cleanly(s);

    // Case data must be able to stay off the disk.
    std::fs::remove_file(&file).expect("remove history");
    std::fs::write(home.path("config/config.toml"), "history = false\n").expect("config");
    let mut s = home.spawn(&[]);
    say(&mut s, "/set seed 7", "seed = 7");
    prompt(&mut s);
    exits_cleanly(s);
    assert!(
        !file.exists(),
        "history = false still wrote {}",
        file.display()
    );
}

#[test]
fn save_writes_the_transcript_and_the_last_answer() {
    let home = Home::new();
    let mut s = home.spawn(&["report.txt"]);
    say(&mut s, "/summarize", "[L");
    prompt(&mut s);
    say(&mut s, "/save transcript.md", "wrote transcript.md");
    prompt(&mut s);
    say(&mut s, "/save -l last.md", "wrote last.md");
    prompt(&mut s);
    exits_cleanly(s);
    let transcript = std::fs::read_to_string(home.path("transcript.md")).expect("transcript");
    assert!(
        transcript.contains("### /summarize report.txt"),
        "{transcript}"
    );
    assert!(transcript.contains("[L"), "{transcript}");
    let last = std::fs::read_to_string(home.path("last.md")).expect("last answer");
    assert!(last.contains("[L") && !last.contains("###"), "{last}");
}

#[test]
fn sessions_save_and_load() {
    let home = Home::new();
    let mut s = home.spawn(&["report.txt"]);
    say(&mut s, "/summarize", "[L");
    prompt(&mut s);
    say(&mut s, "/session save case-1", "saved session case-1");
    prompt(&mut s);
    exits_cleanly(s);
    let mut s = home.spawn(&[]);
    say(&mut s, "/session list", "case-1");
    prompt(&mut s);
    say(&mut s, "/session load case-1", "1 document(s)");
    s.expect(Regex(r"\[report\.txt\]> "))
        .expect("document attached again");
    say(&mut s, "/save -l again.md", "wrote again.md");
    prompt(&mut s);
    exits_cleanly(s);
    let last = std::fs::read_to_string(home.path("again.md")).expect("last answer after load");
    assert!(last.contains("[L"), "{last}");
}

#[test]
fn triple_quote_block_is_one_entry() {
    let home = Home::new();
    let mut s = home.spawn(&[]);
    s.send_line("\"\"\"").expect("open block");
    s.expect("... ").expect("continuation prompt");
    s.send_line("/summarize").expect("line");
    s.expect("... ").expect("still in the block");
    say(&mut s, "report.txt\"\"\"", "[L");
    prompt(&mut s);
    // Backslash continuation joins lines the same way.
    s.send_line("/summarize \\").expect("continued line");
    s.expect("... ").expect("continuation prompt");
    say(&mut s, "report.txt", "[L");
    prompt(&mut s);
    exits_cleanly(s);
}

#[test]
fn ctrl_c_on_an_empty_line_asks_and_ctrl_d_exits() {
    let home = Home::new();
    let mut s = home.spawn(&[]);
    s.send(ControlCode::EndOfText).expect("ctrl-c");
    s.expect("exit? (y/n)").expect("asks");
    s.send_line("n").expect("no");
    prompt(&mut s);
    // Ctrl-C with text on the line only clears the line.
    s.send("/nosuch").expect("type");
    s.send(ControlCode::EndOfText).expect("ctrl-c");
    say(&mut s, "/help", "Commands");
    prompt(&mut s);
    s.send(ControlCode::EndOfText).expect("ctrl-c");
    s.expect("exit? (y/n)").expect("asks");
    s.send_line("y").expect("yes");
    s.expect(Eof).expect("exits");
    assert!(matches!(
        s.get_process().wait().expect("wait"),
        WaitStatus::Exited(_, 0)
    ));

    let mut s = home.spawn(&[]);
    s.send(ControlCode::EndOfTransmission).expect("ctrl-d");
    s.expect(Eof).expect("exits on ctrl-d");
    assert!(matches!(
        s.get_process().wait().expect("wait"),
        WaitStatus::Exited(_, 0)
    ));
}

#[test]
fn piped_stdin_answers_each_line() {
    let home = Home::new();
    let out = assert_cmd::Command::from_std(home.command(&[]))
        .write_stdin(
            "/summarize report.txt\nWho reported it?\n/nosuch\n/process entities report.txt\n",
        )
        .output()
        .expect("run ava chat");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("[L"), "stdout: {stdout}\nstderr: {stderr}");
    assert!(
        stdout.contains("plate (1)\n  WX12345  L2"),
        "entities after the errors: {stdout}"
    );
    assert!(stderr.contains("cannot chat"), "{stderr}");
    assert!(stderr.contains("unknown command /nosuch"), "{stderr}");
    assert!(!stdout.contains("> "), "no prompt when piped: {stdout}");
    // Scripts learn that something failed.
    assert_eq!(out.status.code(), Some(69), "stderr: {stderr}");
}

/// A loopback OpenAI-compatible server speaking SSE, enough for the chat path: it records each
/// request body and, when `slow`, keeps the answer going until the client hangs up, which it
/// reports.
struct MockServer {
    url: String,
    requests: mpsc::Receiver<String>,
    hangups: mpsc::Receiver<()>,
}

fn mock_server(slow: bool) -> MockServer {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}/v1", listener.local_addr().expect("addr"));
    let (req_tx, requests) = mpsc::channel();
    let (hang_tx, hangups) = mpsc::channel();
    std::thread::spawn(move || {
        for conn in listener.incoming().take(60) {
            let Ok(conn) = conn else { continue };
            let (req_tx, hang_tx) = (req_tx.clone(), hang_tx.clone());
            std::thread::spawn(move || serve(conn, slow, &req_tx, &hang_tx));
        }
    });
    MockServer {
        url,
        requests,
        hangups,
    }
}

fn serve(
    mut conn: TcpStream,
    slow: bool,
    req_tx: &mpsc::Sender<String>,
    hang_tx: &mpsc::Sender<()>,
) {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        let Ok(n) = conn.read(&mut buf) else { return };
        if n == 0 {
            return;
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    // Only chat requests are answered; ava's questions about the model (/v1/models,
    // /tokenize) get what a server without them says.
    if !head.starts_with("post ") || !head.contains("/chat/completions") {
        let _ = conn
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return;
    }
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while raw.len() < head_end + len {
        let Ok(n) = conn.read(&mut buf) else { return };
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let _ = req_tx.send(String::from_utf8_lossy(&raw[head_end..]).into_owned());
    let chunk = |text: &str, finish: Option<&str>| {
        let v = serde_json::json!({
            "id": "mock", "object": "chat.completion.chunk", "created": 0, "model": "mock",
            "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}],
        });
        format!("data: {v}\n\n")
    };
    let mut send = |s: &str| conn.write_all(s.as_bytes()).and_then(|_| conn.flush());
    if send("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n").is_err() {
        return;
    }
    if !slow {
        for piece in ["Hello", " from", " the mock."] {
            let _ = send(&chunk(piece, None));
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = send(&chunk("", Some("stop")));
        let _ = send("data: [DONE]\n\n");
        return;
    }
    let _ = send(&chunk("Partial answer", None));
    // Bounded: a minute at most, whatever the client does.
    for _ in 0..600 {
        std::thread::sleep(Duration::from_millis(100));
        if send(&chunk(".", None)).is_err() {
            let _ = hang_tx.send(());
            return;
        }
    }
}

fn spawn_openai(home: &Home, url: &str) -> Session {
    spawn_openai_with(home, url, &["report.txt"])
}

fn spawn_openai_with(home: &Home, url: &str, args: &[&str]) -> Session {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ava"));
    cmd.args([
        "chat",
        "--provider",
        "openai",
        "--base-url",
        url,
        "--model",
        "mock",
    ])
    .args(args);
    isolate(&mut cmd, home.dir.path());
    let mut s = Session::spawn(cmd).expect("spawn ava in a pty");
    s.get_process_mut()
        .set_window_size(120, 40)
        .expect("window size");
    s.set_expect_timeout(Some(Duration::from_secs(30)));
    prompt(&mut s);
    s
}

#[test]
fn chat_answers_stream_and_remember_the_conversation() {
    let home = Home::new();
    let server = mock_server(false);
    let mut s = spawn_openai(&home, &server.url);
    say(&mut s, "Who reported the theft?", "Hello from the mock.");
    prompt(&mut s);
    let first = server
        .requests
        .recv_timeout(Duration::from_secs(10))
        .expect("first request");
    assert!(
        first.contains("Jan Kowalski"),
        "the attached document is in the context: {first}"
    );
    assert!(first.contains("Who reported the theft?"), "{first}");
    assert!(first.contains("\"system\""), "{first}");
    say(&mut s, "And the witness?", "Hello from the mock.");
    prompt(&mut s);
    let second = server
        .requests
        .recv_timeout(Duration::from_secs(10))
        .expect("second request");
    assert!(
        second.contains("Who reported the theft?") && second.contains("Hello from the mock."),
        "memory: {second}"
    );
    exits_cleanly(s);
}

#[test]
fn ctrl_c_cancels_a_slow_answer_and_the_session_goes_on() {
    let home = Home::new();
    let server = mock_server(true);
    let mut s = spawn_openai(&home, &server.url);
    say(&mut s, "Tell me everything.", "Partial answer");
    s.send(ControlCode::EndOfText).expect("ctrl-c");
    s.expect("answer cancelled").expect("cancel reported");
    prompt(&mut s);
    server
        .hangups
        .recv_timeout(Duration::from_secs(10))
        .expect("the server saw the client hang up");
    say(&mut s, "/help", "Commands");
    prompt(&mut s);
    exits_cleanly(s);
}

/// A statement far longer than the 2,048-token window the long-document tests give the model;
/// its last line is distinctive so a test can tell whether the whole text was sent.
fn write_long_statement(home: &Home) {
    let mut text = String::new();
    for i in 1..=400 {
        text.push_str(&format!(
            "Line {i}: the officer on duty recorded call number {i} from a resident of Mokotów.\n"
        ));
    }
    text.push_str("THE LAST LINE OF THE LONG STATEMENT.\n");
    std::fs::write(home.path("long.txt"), text).expect("write long statement");
}

/// Every request the server has seen so far. The server records a request before answering
/// it, and ava shows its prompt only after the answers, so at the prompt nothing is missing.
fn drain(requests: &mpsc::Receiver<String>) -> Vec<String> {
    requests.try_iter().collect()
}

#[test]
fn summarize_in_the_session_reads_a_long_document_in_parts() {
    let home = Home::new();
    write_long_statement(&home);
    let server = mock_server(false);
    let mut s = spawn_openai_with(&home, &server.url, &["--ctx-size", "2048", "long.txt"]);
    let before = say(&mut s, "/summarize", "Hello from the mock.");
    assert!(
        before.contains("parts, then combined"),
        "the session says the document is read in parts: {before}"
    );
    prompt(&mut s);
    let requests = drain(&server.requests);
    let maps = requests
        .iter()
        .filter(|r| r.contains("Below is part "))
        .count();
    assert!(maps >= 2, "map requests: {maps} of {}", requests.len());
    assert_eq!(requests.len(), maps + 1, "one reduce after the parts");
    let last_line_sent = requests
        .iter()
        .filter(|r| r.contains("THE LAST LINE OF THE LONG STATEMENT"))
        .count();
    assert_eq!(last_line_sent, 1, "the end of the document is read once");
    exits_cleanly(s);
}

#[test]
fn chat_over_a_document_too_long_for_the_model_uses_its_summary_and_says_so() {
    let home = Home::new();
    write_long_statement(&home);
    let server = mock_server(false);
    let mut s = spawn_openai_with(&home, &server.url, &["--ctx-size", "2048", "long.txt"]);
    s.send_line("Which calls came from Mokotów?").expect("send");
    let notice = s
        .expect("uses its summary")
        .expect("the session says it chats over a summary");
    let notice = String::from_utf8_lossy(notice.before()).into_owned();
    assert!(notice.contains("long.txt"), "{notice}");
    s.expect("Hello from the mock.")
        .expect("the chat answer streams");
    prompt(&mut s);
    let requests = drain(&server.requests);
    let chat = requests.last().expect("a chat request");
    assert!(chat.contains("Which calls came from Mokotów?"), "{chat}");
    assert!(chat.contains("content=\\\"summary\\\""), "{chat}");
    assert!(
        !chat.contains("THE LAST LINE OF THE LONG STATEMENT"),
        "the whole document must not be sent: {chat}"
    );
    assert!(
        requests.len() >= 3,
        "the summary was made in parts before the chat turn: {} requests",
        requests.len()
    );
    // The summary is kept: the next turn costs no new summarizing.
    say(&mut s, "And the first one?", "Hello from the mock.");
    prompt(&mut s);
    assert_eq!(
        drain(&server.requests).len(),
        1,
        "one request for the second turn"
    );
    exits_cleanly(s);
}
