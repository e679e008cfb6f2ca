//! The region setting as a user meets it: `--region`, config `region`, `AVA_REGION`, and what
//! the entity report says about values whose reading depends on it.

use serde_json::Value;
mod common;

const US_RELEASE: &str = "SANTA ANA, California - The District Attorney's Office said the man \
was arrested on 03/04/2025.\nCall (714) 647-7046 or 0300 123 2040.\n";

const UK_WARNING: &str = "Fraudsters took more than £250,000 from residents in Surrey this \
year.\nCall Action Fraud on 0300 123 2040. Published 12/03/2025.\n";

/// The entity report for `text` with `args` before the command and `env` set.
fn report(text: &str, args: &[&str], env: &[(&str, &str)]) -> Value {
    report_bytes(text.as_bytes(), args, env)
}

/// The entity report for a file holding `bytes`.
fn report_bytes(bytes: &[u8], args: &[&str], env: &[(&str, &str)]) -> Value {
    let home = tempfile::tempdir().unwrap();
    let file = common::write(home.path(), "doc.txt", bytes);
    let mut cmd = common::ava(home.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .args(["--provider", "builtin", "-q"])
        .args(args)
        .args(["process", "--template", "entities", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    record["output"].clone()
}

fn entity<'a>(report: &'a Value, kind: &str, written: &str) -> &'a Value {
    report["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["kind"] == kind
                && e["occurrences"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| o["text"] == written)
        })
        .unwrap_or_else(|| panic!("no {kind} {written:?} in {report:#}"))
}

#[test]
fn us_numbers_are_plus_one_by_their_shape_and_dates_are_not_guessed() {
    let r = report(US_RELEASE, &[], &[]);
    assert_eq!(r["region"]["region"], "US", "{r:#}");
    assert_eq!(r["region"]["source"], "document content");
    let phone = entity(&r, "phone", "(714) 647-7046");
    assert_eq!(phone["value"], "+17146477046");
    assert_eq!(phone["verified"], true);
    assert_eq!(phone["region_source"], "number format");
    // The UK number is no US number: not read as one.
    assert!(
        !r["entities"].as_array().unwrap().iter().any(|e| e["value"]
            .as_str()
            .is_some_and(|v| v.contains("3001232040"))),
        "{r:#}"
    );
    // Month first, as the inferred region writes dates, but not verified.
    let date = entity(&r, "date", "03/04/2025");
    assert_eq!(date["value"], "2025-03-04");
    assert_eq!(date["verified"], false);
    assert_eq!(date["ambiguous"], true);
    assert_eq!(
        date["readings"],
        serde_json::json!(["2025-04-03", "2025-03-04"])
    );
    assert!(date["reason"].as_str().unwrap().contains("US"), "{date:#}");
    // Lines are given for every occurrence.
    assert_eq!(date["occurrences"][0]["line"], 1);
    assert_eq!(phone["occurrences"][0]["line"], 2);
}

#[test]
fn a_region_set_by_flag_is_trusted() {
    let r = report(US_RELEASE, &["--region", "US"], &[]);
    assert_eq!(r["region"]["source"], "setting");
    let date = entity(&r, "date", "03/04/2025");
    assert_eq!(date["value"], "2025-03-04");
    assert_eq!(date["verified"], true);
    assert!(date.get("readings").is_none(), "{date:#}");
    // The flag wins over the environment, and GB reads 03/04 day first.
    let r = report(UK_WARNING, &["--region=gb"], &[("AVA_REGION", "US")]);
    let date = entity(&r, "date", "12/03/2025");
    assert_eq!(
        (&date["value"], &date["verified"]),
        (&"2025-03-12".into(), &true.into())
    );
    let phone = entity(&r, "phone", "0300 123 2040");
    assert_eq!(phone["value"], "+443001232040");
    assert_eq!(phone["verified"], true);
    assert_eq!(phone["region"], "GB");
    assert_eq!(phone["region_source"], "setting");
}

#[test]
fn an_inferred_region_reads_national_numbers_but_does_not_verify_them() {
    let r = report(UK_WARNING, &[], &[]);
    assert_eq!(r["region"]["region"], "GB", "{r:#}");
    let phone = entity(&r, "phone", "0300 123 2040");
    assert_eq!(phone["value"], "+443001232040");
    assert_eq!(phone["verified"], false);
    assert!(
        phone["reason"].as_str().unwrap().contains("--region"),
        "{phone:#}"
    );
}

#[test]
fn without_a_region_values_stay_as_written_with_their_readings() {
    for (args, env) in [
        (&["--region", "none"][..], &[][..]),
        (&[][..], &[("AVA_REGION", "none")][..]),
    ] {
        let r = report(UK_WARNING, args, env);
        assert!(r["region"]["region"].is_null(), "{r:#}");
        let date = entity(&r, "date", "12/03/2025");
        assert_eq!(date["value"], "12/03/2025");
        assert_eq!(
            (&date["verified"], &date["ambiguous"]),
            (&false.into(), &true.into())
        );
        let phone = entity(&r, "phone", "0300 123 2040");
        assert_eq!(phone["value"], "03001232040");
        assert_eq!(phone["verified"], false);
        assert!(
            phone["readings"]
                .as_array()
                .unwrap()
                .contains(&"+443001232040".into()),
            "{phone:#}"
        );
    }
}

#[test]
fn the_config_file_sets_the_region_and_bad_values_are_refused() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    common::write(
        &home.path().join("config"),
        "config.toml",
        "region = \"GB\"\n",
    );
    let file = common::write(home.path(), "doc.txt", UK_WARNING);
    let out = common::ava(home.path())
        .args([
            "--provider",
            "builtin",
            "-q",
            "process",
            "--template",
            "entities",
            "--json",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["output"]["region"]["source"], "setting");
    assert_eq!(record["output"]["region"]["region"], "GB");

    for (args, env) in [
        (&["--region", "Mars"][..], &[][..]),
        (&[][..], &[("AVA_REGION", "XX")][..]),
    ] {
        let mut cmd = common::ava(home.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd
            .args(["--provider", "builtin"])
            .args(args)
            .args(["process", "--template", "entities"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("region"), "{err}");
    }
}

#[test]
fn polish_text_is_read_as_polish_and_verified() {
    let t = "Policjanci zatrzymali mężczyznę, który podawał się za funkcjonariusza. \
             Pokrzywdzona kobieta zadzwoniła pod numer 600 123 456 dnia 03/04/2024.\n";
    let r = report(t, &[], &[]);
    assert_eq!(r["region"]["region"], "PL");
    assert_eq!(r["region"]["source"], "document language");
    let phone = entity(&r, "phone", "600 123 456");
    assert_eq!(
        (&phone["value"], &phone["verified"]),
        (&"+48600123456".into(), &true.into())
    );
    let date = entity(&r, "date", "03/04/2024");
    assert_eq!(
        (&date["value"], &date["verified"]),
        (&"2024-04-03".into(), &true.into())
    );
}

const WITNESS: &str = "Zażółć gęślą jaźń — świadek.\r\nTel. +48 601 234 567, e-mail \
anna.nowak@example.pl.\r\nKonto PL61 1090 1014 0000 0712 1981 2874, zł 1500.\r\n";

fn utf16(text: &str, bom: bool, big_endian: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
    for u in units {
        out.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

/// Every occurrence's `file_start..file_end`, decoded as the file was, is its text; and
/// `start..end` stays an offset into the decoded text.
#[test]
fn file_offsets_point_at_the_files_own_bytes_in_every_text_encoding() {
    let lf = WITNESS.replace("\r\n", "\n");
    let (cp1250, _, _) = encoding_rs::WINDOWS_1250.encode(WITNESS);
    let (latin2, _, _) = encoding_rs::ISO_8859_2.encode(&lf);
    // An undecodable byte before the values: it becomes one U+FFFD of three bytes.
    let mut broken = b"Zaj\xeaty dom.\r\n".to_vec();
    broken.extend_from_slice(WITNESS.as_bytes());
    let cases: Vec<(&str, Vec<u8>, &'static encoding_rs::Encoding, &[&str])> = vec![
        ("utf-8", lf.clone().into_bytes(), encoding_rs::UTF_8, &[]),
        (
            "utf-8 crlf",
            WITNESS.as_bytes().to_vec(),
            encoding_rs::UTF_8,
            &[],
        ),
        (
            "utf-8 bom",
            [b"\xEF\xBB\xBF".as_slice(), WITNESS.as_bytes()].concat(),
            encoding_rs::UTF_8,
            &[],
        ),
        (
            "utf-8 invalid",
            broken,
            encoding_rs::UTF_8,
            &["--encoding", "utf-8"],
        ),
        (
            "utf-16le bom",
            utf16(WITNESS, true, false),
            encoding_rs::UTF_16LE,
            &[],
        ),
        (
            "utf-16be bom",
            utf16(&lf, true, true),
            encoding_rs::UTF_16BE,
            &[],
        ),
        (
            "utf-16le",
            utf16(WITNESS, false, false),
            encoding_rs::UTF_16LE,
            &[],
        ),
        (
            "utf-16be",
            utf16(&lf, false, true),
            encoding_rs::UTF_16BE,
            &[],
        ),
        (
            "windows-1250",
            cp1250.into_owned(),
            encoding_rs::WINDOWS_1250,
            &["--encoding", "windows-1250"],
        ),
        (
            "iso-8859-2",
            latin2.into_owned(),
            encoding_rs::ISO_8859_2,
            &["--encoding", "iso-8859-2"],
        ),
    ];
    for (name, bytes, encoding, args) in cases {
        let r = report_bytes(&bytes, args, &[]);
        let mut seen = Vec::new();
        for e in r["entities"].as_array().unwrap() {
            for o in e["occurrences"].as_array().unwrap() {
                let (fs, fe) = (&o["file_start"], &o["file_end"]);
                let (Some(fs), Some(fe)) = (fs.as_u64(), fe.as_u64()) else {
                    panic!("{name}: no file offsets in {o}");
                };
                let (fs, fe) = (fs as usize, fe as usize);
                let (from_file, _) = encoding.decode_without_bom_handling(&bytes[fs..fe]);
                assert_eq!(from_file, o["text"].as_str().unwrap(), "{name}: {o}");
                seen.push(o["text"].as_str().unwrap().to_string());
            }
        }
        for wanted in ["+48 601 234 567", "anna.nowak@example.pl"] {
            assert!(
                seen.iter().any(|s| s == wanted),
                "{name}: {wanted} not in {seen:?}"
            );
        }
    }
}

#[test]
fn text_offsets_are_into_the_decoded_text_and_rebuilt_formats_have_no_file_offsets() {
    let bom = [
        b"\xEF\xBB\xBF".as_slice(),
        b"Mail anna.nowak@example.pl now",
    ]
    .concat();
    let r = report_bytes(&bom, &[], &[]);
    let o = &entity(&r, "email", "anna.nowak@example.pl")["occurrences"][0];
    assert_eq!(
        (&o["start"], &o["file_start"]),
        (&5.into(), &8.into()),
        "{o}"
    );
    let html = "<html><body><p>Mail <b>anna.nowak@example.pl</b> now</p></body></html>";
    let home = tempfile::tempdir().unwrap();
    let file = common::write(home.path(), "page.html", html);
    let out = common::ava(home.path())
        .args(["--provider", "builtin", "-q"])
        .args(["process", "--template", "entities", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    let o = &entity(&record["output"], "email", "anna.nowak@example.pl")["occurrences"][0];
    assert!(o.get("file_start").is_none(), "{o}");
}

/// Look-alike: a Berlin number with a dash-separated extension, read with `--region DE`, is
/// the whole number, never its first part marked verified.
#[test]
fn a_number_with_its_extension_written_apart_is_not_cut() {
    let r = report(
        "Hinweise unter (030) 4664 - 272210 oder per E-Mail.\n",
        &["--region", "DE"],
        &[],
    );
    let phones: Vec<&Value> = r["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "phone")
        .collect();
    assert_eq!(phones.len(), 1, "{r:#}");
    assert_eq!(phones[0]["value"], "+49304664272210", "{r:#}");
    assert_eq!(phones[0]["occurrences"][0]["text"], "(030) 4664 - 272210");
}
