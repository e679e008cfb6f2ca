//! Golden tests of the deterministic extraction, through the real binary on the built-in
//! engine: for each document in `tests/fixtures/extract/`, the entities ava reports must be
//! exactly those in its `NAME.expected.tsv` (kind, normalized value, the line of every
//! occurrence, and `unverified` in a fourth column for a value ava must not mark verified),
//! which were written by hand from the text, and every occurrence must point at the text it
//! claims to be.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
mod common;

/// The pattern kinds of the `iocs` template (prompts/iocs.md, `patterns:`).
const IOC_KINDS: &[&str] = &[
    "email",
    "url",
    "domain",
    "phone",
    "ipv4",
    "ipv6",
    "cidr",
    "iban",
    "bitcoin",
    "ethereum",
    "monero",
    "litecoin",
    "bitcoin_cash",
    "dash",
    "tron",
    "solana",
    "eth_tx",
    "hash",
    "telegram",
    "signal",
    "imei",
    "mac",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/extract")
        .join(name)
}

/// One expected or reported entity: kind, normalized value, line of each occurrence, and
/// whether it is marked verified.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    kind: String,
    value: String,
    lines: Vec<u64>,
    verified: bool,
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lines: Vec<String> = self.lines.iter().map(u64::to_string).collect();
        write!(f, "{}\t{}\t{}", self.kind, self.value, lines.join(","))?;
        if !self.verified {
            write!(f, "\tunverified")?;
        }
        Ok(())
    }
}

/// The golden file of `name`: its rows and the region it declares (`# region: PL`).
fn golden(name: &str) -> (String, Vec<Row>) {
    let path = fixture(&format!("{name}.expected.tsv"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut region = None;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(r) = comment.trim().strip_prefix("region:") {
                region = Some(r.trim().to_string());
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let (kind, value, lines, status) = match fields[..] {
            [kind, value, lines] => (kind, value, lines, "verified"),
            [kind, value, lines, status] => (kind, value, lines, status),
            _ => panic!(
                "{}:{}: expected kind, value, lines[, verified|unverified]",
                path.display(),
                i + 1
            ),
        };
        let verified = match status {
            "verified" => true,
            "unverified" => false,
            other => panic!("{}:{}: bad status {other:?}", path.display(), i + 1),
        };
        let lines = lines
            .split(',')
            .map(|l| {
                l.trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("{}:{}: bad line {l:?}", path.display(), i + 1))
            })
            .collect();
        rows.push(Row {
            kind: kind.to_string(),
            value: value.to_string(),
            lines,
            verified,
        });
    }
    let region = region.unwrap_or_else(|| panic!("{} declares no region", path.display()));
    (region, rows)
}

/// The entity report ava gives for fixture `name` with `template`, on the built-in engine,
/// isolated from the machine's config and data.
fn report(name: &str, template: &str, region: &str) -> Vec<Value> {
    let home = tempfile::tempdir().unwrap();
    let out = common::ava(home.path())
        .env("AVA_REGION", region)
        .args([
            "--provider",
            "builtin",
            "-q",
            "process",
            "--template",
            template,
        ])
        .arg("--json")
        .arg(fixture(&format!("{name}.txt")))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ava failed on {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{name}: not one JSON record ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    assert_eq!(record["engine"], "builtin");
    assert_eq!(record["template"], template);
    record["output"]["entities"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: no entities in {record}"))
        .clone()
}

fn rows(entities: &[Value]) -> Vec<Row> {
    entities
        .iter()
        .map(|e| Row {
            kind: e["kind"].as_str().unwrap().to_string(),
            value: e["value"].as_str().unwrap().to_string(),
            lines: e["occurrences"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["line"].as_u64().unwrap())
                .collect(),
            verified: e["verified"] == true,
        })
        .collect()
}

/// Fails with every missing and unexpected row when `got` and `expected` differ as multisets.
fn assert_same(name: &str, expected: &[Row], got: &[Row]) {
    let mut counts: BTreeMap<&Row, i64> = BTreeMap::new();
    for r in expected {
        *counts.entry(r).or_default() += 1;
    }
    for r in got {
        *counts.entry(r).or_default() -= 1;
    }
    let mut missing = Vec::new();
    let mut unexpected = Vec::new();
    for (row, n) in counts {
        for _ in 0..n.abs() {
            if n > 0 {
                missing.push(format!("- {row}"));
            } else {
                unexpected.push(format!("+ {row}"));
            }
        }
    }
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "{name}: entities differ from the golden file (- expected but missing, + reported but \
         not expected):\n{}\n{}",
        missing.join("\n"),
        unexpected.join("\n")
    );
}

/// Every occurrence's byte span holds its text, and its line and column are those of its
/// start. Card numbers are shown masked, so there the digits not shown are compared as `*`.
fn assert_spans_point_at_the_source(name: &str, entities: &[Value]) {
    let path = fixture(&format!("{name}.txt"));
    let source = std::fs::read_to_string(&path).unwrap();
    for e in entities {
        let kind = e["kind"].as_str().unwrap();
        // Verified or not as the golden file says (compared with the rows); a value that is
        // not must say why.
        if e["verified"] != true {
            assert!(
                e["reason"].as_str().is_some_and(|r| !r.is_empty()),
                "{name}: {e}"
            );
        }
        assert_eq!(e["grounded"], true, "{name}: {e}");
        assert_eq!(e["found_by"], serde_json::json!(["pattern"]), "{name}: {e}");
        let occurrences = e["occurrences"].as_array().unwrap();
        assert_eq!(e["count"].as_u64(), Some(occurrences.len() as u64), "{e}");
        for o in occurrences {
            let start = o["start"].as_u64().unwrap() as usize;
            let end = o["end"].as_u64().unwrap() as usize;
            let reported = o["text"].as_str().unwrap();
            let original = source
                .get(start..end)
                .unwrap_or_else(|| panic!("{name}: span {start}..{end} is not in the file: {e}"));
            let expected = if kind == "payment_card" {
                mask_like(original, reported)
            } else {
                original.to_string()
            };
            assert_eq!(reported, expected, "{name}: {kind} at {start}..{end}");
            let before = &source[..start];
            let line = before.matches('\n').count() + 1;
            let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
                .chars()
                .count()
                + 1;
            assert_eq!(
                (o["line"].as_u64(), o["column"].as_u64()),
                (Some(line as u64), Some(column as u64)),
                "{name}: {kind} {reported:?} at byte {start}"
            );
        }
    }
}

/// `original` with a `*` wherever `shown` hides a digit, so a masked card can be compared
/// with the text it was cut from; anything else shown differently is left to differ.
fn mask_like(original: &str, shown: &str) -> String {
    original
        .chars()
        .zip(shown.chars())
        .map(|(o, s)| {
            if s == '*' && o.is_ascii_digit() {
                '*'
            } else {
                o
            }
        })
        .chain(original.chars().skip(shown.chars().count()))
        .collect()
}

fn check_entities(name: &str) {
    let (region, expected) = golden(name);
    let entities = report(name, "entities", &region);
    assert_same(name, &expected, &rows(&entities));
    assert_spans_point_at_the_source(name, &entities);
}

#[test]
fn scam_warning() {
    check_entities("scam_warning");
}

#[test]
fn chat_export() {
    check_entities("chat_export");
}

#[test]
fn bank_transfer() {
    check_entities("bank_transfer");
}

#[test]
fn ioc_list() {
    check_entities("ioc_list");
}

#[test]
fn police_note_pl() {
    check_entities("police_note_pl");
}

/// Documents from outside Poland, read with the region inferred (nothing set): national
/// numbers and ambiguous dates are verified only where the region is certain.
#[test]
fn region_us() {
    check_entities("region_us");
}

#[test]
fn region_uk() {
    check_entities("region_uk");
}

#[test]
fn region_de() {
    check_entities("region_de");
}

#[test]
fn region_nz() {
    check_entities("region_nz");
}

#[test]
fn iocs_template_keeps_network_and_crypto_indicators_only() {
    let (region, all) = golden("ioc_list");
    let expected: Vec<Row> = all
        .iter()
        .filter(|r| IOC_KINDS.contains(&r.kind.as_str()))
        .cloned()
        .collect();
    // The document has dates too, so the template's filter is what is tested here.
    assert!(expected.len() < all.len());
    let entities = report("ioc_list", "iocs", &region);
    assert_same("ioc_list (iocs)", &expected, &rows(&entities));
    assert_spans_point_at_the_source("ioc_list", &entities);
}

#[test]
fn masked_cards_are_compared_digit_for_digit() {
    // The helper above must not accept a masked card cut from the wrong place.
    assert_eq!(
        mask_like("4532 0145 7788 1238", "4532 01** **** 1238"),
        "4532 01** **** 1238"
    );
    assert_ne!(
        mask_like("4532 0145 7788 1239", "4532 01** **** 1238"),
        "4532 01** **** 1238"
    );
}
