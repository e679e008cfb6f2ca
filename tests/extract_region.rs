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
    let home = tempfile::tempdir().unwrap();
    let file = common::write(home.path(), "doc.txt", text);
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
