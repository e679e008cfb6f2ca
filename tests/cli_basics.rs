//! The real binary, no server: input handling, exit codes, templates, config, built-in engine.

mod common;

use common::{ava, write};
use predicates::prelude::*;

const REPORT: &str = "Officers were called to Harbour Street at 22:40 on 3 March 2026.\n\
A man reported that his car, a grey Skoda, had been broken into.\n\
The suspect fled towards the railway station on foot.\n\
Witness Anna Kowalska saw the suspect break the window of the grey Skoda.\n\
She described the suspect as tall, wearing a red jacket.\n\
CCTV from the railway station shows a man in a red jacket at 22:52.\n\
The weather was dry.\n";

#[test]
fn summarize_works_offline_with_nothing_configured() {
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "report.txt", REPORT.as_bytes());
    ava(home.path())
        .args(["summarize", "--length", "short"])
        .arg(&f)
        .assert()
        .success()
        .stdout(predicate::str::contains("[L4]"))
        .stderr(predicate::str::contains("built-in engine"));
}

#[test]
fn quiet_hides_the_fallback_notice_but_not_the_answer() {
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "report.txt", REPORT.as_bytes());
    ava(home.path())
        .args(["-q", "summarize"])
        .arg(&f)
        .assert()
        .success()
        .stdout(predicate::str::contains("Skoda"))
        .stderr(predicate::str::is_empty());
}

#[test]
fn stdin_is_read_when_piped() {
    let home = tempfile::tempdir().unwrap();
    ava(home.path())
        .args(["summarize", "--provider", "builtin"])
        .write_stdin(REPORT)
        .assert()
        .success()
        .stdout(predicate::str::contains("Skoda"));
}

#[test]
fn missing_file_exits_66_with_one_line() {
    let home = tempfile::tempdir().unwrap();
    let out = ava(home.path())
        .args(["summarize", "nope.txt"])
        .assert()
        .code(66);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("nope.txt: no such file"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn a_directory_without_readable_files_exits_66() {
    let home = tempfile::tempdir().unwrap();
    ava(home.path())
        .args(["summarize", "."])
        .assert()
        .code(66)
        .stderr(predicate::str::contains("no files ava can read"));
}

#[test]
fn empty_and_binary_inputs_exit_65() {
    let home = tempfile::tempdir().unwrap();
    let empty = write(home.path(), "empty.txt", b"\n\n");
    let bin = write(home.path(), "x.bin", b"\x7fELF\0\0\x01\x02");
    ava(home.path())
        .arg("summarize")
        .arg(&empty)
        .assert()
        .code(65)
        .stderr(predicate::str::contains("empty"));
    ava(home.path())
        .arg("summarize")
        .arg(&bin)
        .assert()
        .code(65)
        .stderr(predicate::str::contains("unsupported format: detected"));
}

#[test]
fn too_large_input_is_refused_not_read() {
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "big.txt", REPORT.repeat(50).as_bytes());
    ava(home.path())
        .args(["summarize", "--max-input-bytes", "1000"])
        .arg(&f)
        .assert()
        .code(65)
        .stderr(predicate::str::contains("limit"));
}

#[test]
fn legacy_encodings_are_detected_and_reported_with_verbose() {
    let home = tempfile::tempdir().unwrap();
    let mut bytes = REPORT.as_bytes().to_vec();
    bytes.extend_from_slice(b"Zeznanie \xb3\xf3d\xbc.\n");
    let f = write(home.path(), "latin2.txt", &bytes);
    ava(home.path())
        .args(["summarize", "-v"])
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains("ISO-8859-2 (detected)"));
}

#[test]
fn translate_without_a_model_exits_69_and_says_how_to_get_one() {
    let home = tempfile::tempdir().unwrap();
    let f = write(
        home.path(),
        "s.txt",
        "Świadek widział mężczyznę.\n".as_bytes(),
    );
    ava(home.path())
        .args(["translate", "--to", "en"])
        .arg(&f)
        .assert()
        .code(69)
        .stderr(predicate::str::contains("ava models import"));
}

#[test]
fn unknown_template_and_bad_var_are_usage_errors() {
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", REPORT.as_bytes());
    ava(home.path())
        .args(["process", "--template", "no-such-template"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-template"));
    ava(home.path())
        .args(["process", "--template", "entities", "--var", "novalue"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("novalue"));
    ava(home.path())
        .args(["process", "--template", "../etc/passwd"])
        .arg(&f)
        .assert()
        .code(2);
}

#[test]
fn process_entities_runs_on_the_builtin_engine_as_json() {
    let home = tempfile::tempdir().unwrap();
    let f = write(
        home.path(),
        "chat.txt",
        b"Call me on +48 601 234 567 or write to jan.nowak@example.pl\nIBAN PL61 1090 1014 0000 0712 1981 2874\n",
    );
    let out = ava(home.path())
        .args(["process", "--template", "entities", "--json"])
        .arg(&f)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let rec: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(rec["engine"], "builtin");
    assert_eq!(rec["version"], 1);
    let entities = rec["output"]["entities"].as_array().unwrap();
    let found: Vec<(&str, &str, u64, u64)> = entities
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap(),
                e["value"].as_str().unwrap(),
                e["occurrences"][0]["line"].as_u64().unwrap(),
                e["occurrences"][0]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("phone", "+48601234567", 1, 12),
            ("email", "jan.nowak@example.pl", 1, 40),
            ("iban", "PL61109010140000071219812874", 2, 6),
        ]
    );
    assert!(
        entities
            .iter()
            .all(|e| e["verified"] == true && e["grounded"] == true)
    );
}

#[test]
fn entities_as_text_by_default_when_piped_is_json() {
    let home = tempfile::tempdir().unwrap();
    let f = write(
        home.path(),
        "chat.txt",
        b"Ring 601 234 567\nor 601-234-567.\n",
    );
    let out = ava(home.path())
        .args([
            "--region",
            "PL",
            "process",
            "--template",
            "entities",
            "--format",
            "text",
        ])
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "locations, organizations, people need a model",
        ));
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert_eq!(text, "phone (1)\n  +48601234567  L1 L2\n");
    // Not a terminal and no --format: the JSON report, for the next tool in the pipe.
    let out = ava(home.path())
        .args(["process", "--template", "entities"])
        .arg(&f)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["entities"][0]["count"], 2);
}

#[test]
fn model_only_template_on_builtin_engine_exits_69() {
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", REPORT.as_bytes());
    ava(home.path())
        .args(["process", "--template", "timeline"])
        .arg(&f)
        .assert()
        .code(69)
        .stderr(predicate::str::contains("needs a language model"));
}

#[test]
fn several_files_are_headed_and_json_is_ndjson() {
    let home = tempfile::tempdir().unwrap();
    let a = write(home.path(), "a.txt", REPORT.as_bytes());
    let b = write(home.path(), "b.txt", REPORT.as_bytes());
    ava(home.path())
        .arg("summarize")
        .args([&a, &b])
        .assert()
        .success()
        .stdout(predicate::str::contains("==> ").count(2));
    let out = ava(home.path())
        .args(["summarize", "--json"])
        .args([&a, &b])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    for (line, f) in lines.iter().zip([&a, &b]) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["file"], f.display().to_string());
        assert_eq!(v["version"], 1);
        assert!(v["output"].as_str().unwrap().contains("[L"));
    }
}

#[test]
fn one_failing_file_does_not_stop_the_batch() {
    let home = tempfile::tempdir().unwrap();
    let a = write(home.path(), "a.txt", REPORT.as_bytes());
    let out = ava(home.path())
        .args(["summarize", "--json"])
        .arg(&a)
        .arg("missing.txt")
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let recs: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 2);
    assert!(recs[0]["output"].is_string());
    assert_eq!(recs[1]["exit_code"], 66);
}

#[test]
fn output_dir_gets_one_file_per_input() {
    let home = tempfile::tempdir().unwrap();
    let a = write(home.path(), "a.txt", REPORT.as_bytes());
    ava(home.path())
        .args(["summarize", "-o", "out/"])
        .arg(&a)
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    let written = std::fs::read_to_string(home.path().join("out/a.summary.md")).unwrap();
    assert!(written.contains("[L"));
}

#[test]
fn malformed_config_names_file_and_line_and_exits_78() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    std::fs::write(
        home.path().join("config/config.toml"),
        "model = \"x\"\ntimeout = = 2\n",
    )
    .unwrap();
    ava(home.path())
        .args(["config", "show"])
        .assert()
        .code(78)
        .stderr(predicate::str::contains("config.toml").and(predicate::str::contains("line 2")));
}

#[test]
fn config_show_masks_the_key_and_names_sources() {
    let home = tempfile::tempdir().unwrap();
    let out = ava(home.path())
        .env("OPENAI_API_KEY", "sk-secret-value-123456")
        .args(["--model", "m1", "config", "show"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(!stdout.contains("secret-value"), "{stdout}");
    assert!(stdout.contains("env OPENAI_API_KEY"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("model") && l.contains("m1") && l.contains("--model")),
        "{stdout}"
    );
}

#[test]
fn config_init_writes_a_starter_file_once() {
    let home = tempfile::tempdir().unwrap();
    ava(home.path()).args(["config", "init"]).assert().success();
    assert!(home.path().join("config/config.toml").exists());
    ava(home.path()).args(["config", "init"]).assert().code(2);
}

#[test]
fn templates_list_show_and_user_override() {
    let home = tempfile::tempdir().unwrap();
    ava(home.path())
        .args(["templates", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("summarize").and(predicate::str::contains("entities")));
    let dir = home.path().join("config/prompts");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("key-facts.md"),
        "---\ndescription: Team wording\n---\n[system]\nBe brief.\n[user]\n{{ input }}\n",
    )
    .unwrap();
    ava(home.path())
        .args(["templates", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Team wording"));
    ava(home.path())
        .args(["templates", "show", "key-facts"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Be brief."));
}

#[test]
fn no_input_on_a_terminal_is_a_usage_error_not_a_hang() {
    // Without a TTY, an absent stdin is empty input: refused as such.
    let home = tempfile::tempdir().unwrap();
    ava(home.path())
        .arg("summarize")
        .write_stdin("")
        .assert()
        .code(65);
}

#[test]
fn completions_and_man_page_are_generated() {
    let home = tempfile::tempdir().unwrap();
    ava(home.path())
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("summarize"));
    ava(home.path())
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH"));
}

#[test]
fn help_documents_exit_codes_and_bad_flags_exit_2() {
    let home = tempfile::tempdir().unwrap();
    ava(home.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("77"));
    ava(home.path()).arg("--no-such-flag").assert().code(2);
}

#[test]
fn global_options_work_before_and_after_the_subcommand() {
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", REPORT.as_bytes());
    ava(home.path())
        .args(["--provider", "builtin", "summarize"])
        .arg(&f)
        .assert()
        .success();
    ava(home.path())
        .args(["summarize", "--provider", "builtin"])
        .arg(&f)
        .assert()
        .success();
}

#[test]
fn insecure_http_to_a_remote_host_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", REPORT.as_bytes());
    ava(home.path())
        .args(["--base-url", "http://llm.example.com/v1", "summarize"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--allow-insecure-http"));
}

#[test]
fn runs_are_audited_by_default_and_say_the_text_stayed_here() {
    let home = tempfile::tempdir().unwrap();
    let f = write(
        home.path(),
        "r.txt",
        "Officer Nowak arrived at 21:40. The door was forced.\n",
    );
    ava(home.path())
        .args(["--provider", "builtin", "summarize"])
        .arg(&f)
        .assert()
        .success();
    // Tests relocate the data dir, which takes the log with it.
    let log = home.path().join("data/audit.jsonl");
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let request = records.iter().find(|r| r["event"] == "request").unwrap();
    assert_eq!(request["engine"], "builtin");
    assert!(request["endpoint"].is_null(), "{request}");
    assert!(
        records
            .iter()
            .any(|r| r["event"] == "run" && r["exit"] == 0)
    );
    // The file it read, by the hash `sha256sum` would print.
    let input = records.iter().find(|r| r["event"] == "input").unwrap();
    let bytes = std::fs::read(&f).unwrap();
    use sha2::Digest;
    assert_eq!(input["sha256"], hex::encode(sha2::Sha256::digest(&bytes)));
    assert_eq!(input["bytes"], bytes.len());
    assert!(
        input["path"].as_str().unwrap().ends_with("r.txt"),
        "{input}"
    );
    assert_eq!(input["run"], request["run"]);
    // And `doctor` says where it is.
    ava(home.path())
        .arg("doctor")
        .assert()
        .success()
        .stdout(predicate::str::contains(log.display().to_string()));
}

#[test]
fn audit_log_off_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", "Officer Nowak arrived at 21:40.\n");
    // Only where the configuration allows it.
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    write(
        &home.path().join("config"),
        "config.toml",
        "allow_audit_off = true\n",
    );
    ava(home.path())
        .env("AVA_AUDIT_LOG", "off")
        .args(["--provider", "builtin", "summarize"])
        .arg(&f)
        .assert()
        .success();
    assert!(!home.path().join("data/audit.jsonl").exists());
}

/// Every command treats a closed stdout (`ava … | head -1`) as the end of the job: no panic,
/// no message, exit 0.
#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let home = tempfile::tempdir().unwrap();
    let report = common::write(
        home.path(),
        "r.txt",
        "Jan Kowalski, tel. 601 234 567, zgłosił kradzież. Sprawca uciekł.\n".repeat(50),
    );
    let report = report.to_string_lossy().into_owned();
    let commands: Vec<Vec<&str>> = vec![
        vec!["completions", "zsh"],
        vec!["completions", "bash"],
        vec!["man"],
        vec!["--help"],
        vec!["summarize", "--help"],
        vec!["templates", "list"],
        vec!["templates", "show", "entities"],
        vec!["templates", "path"],
        vec!["config", "show"],
        vec!["config", "path"],
        vec!["doctor"],
        vec!["models", "list"],
        vec!["tokens", &report],
        vec!["--provider", "builtin", "summarize", &report],
        vec![
            "--provider",
            "builtin",
            "process",
            "--template",
            "entities",
            &report,
        ],
        vec![
            "--provider",
            "builtin",
            "--json",
            "summarize",
            &report,
            &report,
        ],
    ];
    for args in commands {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ava"))
            .args(&args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("AVA_CONFIG_DIR", home.path().join("config"))
            .env("AVA_DATA_DIR", home.path().join("data"))
            .env("AVA_AUDIT_LOG", "off")
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "ava {args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("error") && !err.contains("Broken pipe"),
            "ava {args:?}: {err}"
        );
    }
}

/// What the built-in engine leaves out is said once, only where it applies, and `-q` hides it.
#[test]
fn the_no_model_note_names_what_the_template_misses_and_quiet_hides_it() {
    let home = tempfile::tempdir().unwrap();
    let f = write(
        home.path(),
        "n.txt",
        b"C2 at 87.251.64[.]57, mail ops@evil[.]com\n",
    );
    let iocs = ava(home.path())
        .args(["process", "--template", "iocs"])
        .arg(&f)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&iocs.get_output().stderr).to_string();
    assert!(!err.contains("people"), "{err}");
    let quiet = ava(home.path())
        .args(["-q", "process", "--template", "entities"])
        .arg(&f)
        .assert()
        .success();
    assert_eq!(String::from_utf8_lossy(&quiet.get_output().stderr), "");
}

/// The engine notice is one short line per run, however many files, and only when ava fell
/// back; naming the engine yourself makes it silent.
#[test]
fn the_engine_notice_is_said_once_and_only_when_it_is_news() {
    let home = tempfile::tempdir().unwrap();
    let a = write(home.path(), "a.txt", REPORT.as_bytes());
    let b = write(home.path(), "b.txt", REPORT.as_bytes());
    let out = ava(home.path())
        .arg("summarize")
        .args([&a, &b])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert_eq!(err.matches("built-in engine").count(), 1, "{err}");
    let line = err.lines().find(|l| l.contains("built-in engine")).unwrap();
    assert!(!line.contains("(no model))"), "{line}");
    let named = ava(home.path())
        .args(["--provider", "builtin", "summarize"])
        .arg(&a)
        .assert()
        .success();
    assert_eq!(String::from_utf8_lossy(&named.get_output().stderr), "");
}

/// `--help` teaches: a command's own options first, the global ones under their own heading,
/// then examples.
#[test]
fn help_puts_the_commands_own_options_first_and_ends_with_examples() {
    let home = tempfile::tempdir().unwrap();
    for (cmd, own) in [
        ("summarize", "--length"),
        ("translate", "--to"),
        ("process", "--template"),
        ("tokens", "--tokenizer"),
        ("chat", "[FILES]"),
    ] {
        let out = ava(home.path()).args([cmd, "--help"]).assert().success();
        let help = String::from_utf8_lossy(&out.get_output().stdout).to_string();
        let own_at = help.find(own).unwrap_or_else(|| panic!("{cmd}: no {own}"));
        let global_at = help.find("Global options:").expect("global heading");
        let examples_at = help.find("Examples:").expect("examples");
        assert!(
            own_at < global_at && global_at < examples_at,
            "{cmd}:\n{help}"
        );
        assert!(help[examples_at..].contains(&format!("ava {cmd}")), "{cmd}");
    }
    let out = ava(home.path())
        .args(["summarize", "--help"])
        .assert()
        .success();
    let help = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(help.contains("How long"), "--length is described");
    assert!(
        help.contains("Layout of a model's summary"),
        "--format is described"
    );
}

/// Configuration errors name the setting and where it came from, once.
#[test]
fn config_errors_name_the_setting_and_its_source() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "model = \"x\"\ntemperature = \"abc\"\n").unwrap();
    let out = ava(home.path()).args(["config", "show"]).assert().code(78);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("config.toml:2: temperature = \"abc\": expected a number"),
        "{err}"
    );

    std::fs::write(&config, "provider = \"gpt\"\n").unwrap();
    let out = ava(home.path()).args(["config", "show"]).assert().code(78);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("unknown provider \"gpt\""), "{err}");
    assert!(!err.contains("config config"), "{err}");

    std::fs::remove_file(&config).unwrap();
    let out = ava(home.path())
        .env("AVA_TIMEOUT", "soon")
        .args(["config", "show"])
        .assert()
        .code(78);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("env AVA_TIMEOUT: timeout = \"soon\": expected a number"),
        "{err}"
    );
}

#[test]
fn a_missing_config_file_named_on_the_command_line_is_a_missing_input() {
    let home = tempfile::tempdir().unwrap();
    ava(home.path())
        .args(["--config", "/nonexistent/ava.toml", "config", "show"])
        .assert()
        .code(66)
        .stderr(predicate::str::contains(
            "/nonexistent/ava.toml: no such file",
        ));
}

/// A failing input of a batch is named once, not twice.
#[test]
fn a_missing_input_in_a_batch_is_named_once() {
    let home = tempfile::tempdir().unwrap();
    let a = write(home.path(), "a.txt", REPORT.as_bytes());
    let out = ava(home.path())
        .args(["-q", "summarize"])
        .arg(&a)
        .arg("nosuch.txt")
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert_eq!(err.matches("nosuch.txt").count(), 1, "{err}");
}

/// On the built-in engine there is no window to fit: `ava tokens` reports no parts, and
/// `--json` gives one record per file.
#[test]
fn tokens_on_the_builtin_engine_report_no_window_and_honour_json() {
    let home = tempfile::tempdir().unwrap();
    let f = write(home.path(), "r.txt", REPORT.as_bytes());
    let out = ava(home.path())
        .args(["--provider", "builtin", "tokens"])
        .arg(&f)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(!text.contains("part"), "{text}");
    assert!(!err.contains("8192"), "{err}");
    let out = ava(home.path())
        .args(["--provider", "builtin", "--json", "tokens"])
        .arg(&f)
        .assert()
        .success();
    let rec: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(rec["tokens"].as_u64().unwrap() > 20, "{rec}");
    assert!(rec.get("parts").is_none(), "{rec}");
}

#[test]
fn color_is_off_in_a_pipe_unless_asked_for() {
    let home = tempfile::tempdir().unwrap();
    let plain = ava(home.path())
        .args(["summarize", "nosuch.txt"])
        .assert()
        .code(66);
    assert!(!String::from_utf8_lossy(&plain.get_output().stderr).contains('\u{1b}'));
    let colored = ava(home.path())
        .args(["--color", "always", "summarize", "nosuch.txt"])
        .assert()
        .code(66);
    assert!(String::from_utf8_lossy(&colored.get_output().stderr).contains("\u{1b}["));
}

/// Built from source, the local engine uses every CPU feature the machine has (llama.cpp's
/// GGML_NATIVE), and `ava doctor` names them.
#[cfg(all(feature = "local", target_arch = "x86_64"))]
#[test]
fn doctor_names_the_cpu_features_the_engine_uses() {
    let home = tempfile::tempdir().unwrap();
    let out = ava(home.path()).arg("doctor").assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let line = stdout
        .lines()
        .find(|l| l.contains("CPU features used:"))
        .unwrap_or_else(|| panic!("no CPU line in:\n{stdout}"));
    assert!(line.contains("all this CPU offers"), "{line}");
    if std::arch::is_x86_feature_detected!("avx2") {
        assert!(line.contains("AVX2"), "{line}");
    }
    if std::arch::is_x86_feature_detected!("avx512f") {
        assert!(line.contains("AVX512F"), "{line}");
    }
}
