//! Entity reports as people and other tools read them: grouped text for a terminal, and one
//! row per occurrence (CSV, NDJSON) for spreadsheets and ingestion.

use super::{Report, ReportEntity};
use serde::Serialize;

/// Grouped by kind, kinds in order of first appearance, each value with where it occurs.
pub fn text(report: &Report) -> String {
    if report.entities.is_empty() {
        return "(no entities found)\n".into();
    }
    let mut kinds: Vec<&str> = Vec::new();
    for e in &report.entities {
        if !kinds.contains(&e.kind.as_str()) {
            kinds.push(&e.kind);
        }
    }
    let mut out = String::new();
    for kind in kinds {
        let items: Vec<&ReportEntity> = report.entities.iter().filter(|e| e.kind == kind).collect();
        out.push_str(&format!("{kind} ({})\n", items.len()));
        let width = items
            .iter()
            .map(|e| e.value.chars().count())
            .max()
            .unwrap_or(0)
            .min(40);
        for e in items {
            let mut notes = Vec::new();
            if let Some(r) = &e.role {
                notes.push(r.clone());
            }
            if !e.found_by.contains(&"pattern") && e.verified {
                notes.push("valid".into());
            }
            if e.found_by == ["model"] {
                notes.push("model".into());
            }
            // A pattern's value that is not exactly what the text says must not pass for one.
            if e.found_by.contains(&"pattern") && !e.verified {
                if e.ambiguous {
                    notes.push(format!("ambiguous: {}", e.readings.join(" or ")));
                }
                if let Some(why) = &e.reason {
                    notes.push(format!("NOT VERIFIED: {why}"));
                }
            }
            let place = if e.grounded {
                let mut lines: Vec<String> = Vec::new();
                for o in &e.occurrences {
                    let l = format!("L{}", o.line);
                    if !lines.contains(&l) {
                        lines.push(l);
                    }
                }
                if lines.len() > 8 {
                    let more = lines.len() - 8;
                    lines.truncate(8);
                    lines.push(format!("+{more} more"));
                }
                lines.join(" ")
            } else {
                "NOT FOUND in the document".into()
            };
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!("  ({})", notes.join(", "))
            };
            out.push_str(&format!("  {:<width$}  {place}{notes}\n", e.value));
        }
    }
    out
}

/// One row per occurrence; an ungrounded entity is one row without a location.
#[derive(Debug, Serialize)]
struct Row<'a> {
    file: &'a str,
    kind: &'a str,
    value: &'a str,
    text: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    verified: bool,
    grounded: bool,
    found_by: String,
    #[serde(rename = "type")]
    role: &'a str,
    context: &'a str,
    /// Why the value is not verified (empty when it is).
    reason: &'a str,
    /// Byte offsets in the input as stored (plain text only; empty otherwise).
    file_start: Option<usize>,
    file_end: Option<usize>,
}

fn rows<'a>(file: &'a str, report: &'a Report) -> Vec<Row<'a>> {
    let mut out = Vec::new();
    for e in &report.entities {
        let base = |text: &'a str| Row {
            file,
            kind: &e.kind,
            value: &e.value,
            text,
            line: None,
            column: None,
            start: None,
            end: None,
            verified: e.verified,
            grounded: e.grounded,
            found_by: e.found_by.join("+"),
            role: e.role.as_deref().unwrap_or(""),
            context: e.context.as_deref().unwrap_or(""),
            reason: e.reason.as_deref().unwrap_or(""),
            file_start: None,
            file_end: None,
        };
        if e.occurrences.is_empty() {
            out.push(base(""));
        }
        for o in &e.occurrences {
            out.push(Row {
                line: Some(o.line),
                column: Some(o.column),
                start: Some(o.start),
                end: Some(o.end),
                file_start: o.file_start,
                file_end: o.file_end,
                ..base(&o.text)
            });
        }
    }
    out
}

/// CSV with a header row when `header` (the first document of a run).
pub fn csv(file: &str, report: &Report, header: bool) -> Result<String, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(header)
        .from_writer(Vec::new());
    let rows = rows(file, report);
    if rows.is_empty() && header {
        // serde writes the header with the first row; with no rows, write it by hand.
        w.write_record([
            "file",
            "kind",
            "value",
            "text",
            "line",
            "column",
            "start",
            "end",
            "verified",
            "grounded",
            "found_by",
            "type",
            "context",
            "reason",
            "file_start",
            "file_end",
        ])?;
    }
    for r in rows {
        w.serialize(r)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// One JSON object per occurrence, one per line.
pub fn ndjson(file: &str, report: &Report) -> String {
    rows(file, report)
        .iter()
        .filter_map(|r| serde_json::to_string(r).ok())
        .map(|l| l + "\n")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{Options, build};
    use super::*;
    use serde_json::json;

    fn report() -> Report {
        let text = "Call +48 601 234 567.\nAgain: 601 234 567, ask for Anna Nowak.\n";
        let model = json!({"people": [{"value": "Anna Nowak"}, {"value": "Ghost Person"}]});
        build(
            text,
            &Options {
                kinds: Vec::new(),
                region: "PL".into(),
                unmask_cards: false,
            },
            Some(&model),
        )
    }

    #[test]
    fn text_groups_by_kind_with_lines_and_flags_the_unfound() {
        let t = text(&report());
        assert!(t.contains("phone (1)\n  +48601234567"), "{t}");
        assert!(t.contains("L1 L2"), "{t}");
        assert!(t.contains("person (2)"), "{t}");
        assert!(t.contains("Ghost Person") && t.contains("NOT FOUND"), "{t}");
    }

    #[test]
    fn csv_has_one_row_per_occurrence() {
        let c = csv("chat.txt", &report(), true).unwrap();
        let lines: Vec<&str> = c.lines().collect();
        assert!(lines[0].starts_with("file,kind,value,text,line"), "{c}");
        // 2 phone occurrences + Anna + the ungrounded ghost.
        assert_eq!(lines.len(), 5, "{c}");
        assert!(lines[1].starts_with("chat.txt,phone,+48601234567,+48 601 234 567,1,6,5,"));
        assert!(
            lines[4].contains("Ghost Person,,,,,,false,false,model"),
            "{c}"
        );
        assert!(lines[0].ends_with(",reason,file_start,file_end"), "{c}");
        // Offsets in the file as stored come last; empty when the source has none.
        assert!(lines[1].ends_with(",,"), "{c}");
        let mut shifted = report();
        shifted.locate_in_file(|s, e| Some((s + 3, e + 3)));
        let c = csv("chat.txt", &shifted, true).unwrap();
        assert!(c.lines().nth(1).unwrap().ends_with(",8,23"), "{c}");
        let again = csv("chat.txt", &report(), false).unwrap();
        assert_eq!(again.lines().count(), 4);
        assert!(
            csv(
                "e.txt",
                &Report {
                    entities: vec![],
                    region: super::super::RegionInfo::of(&crate::text::region::DocRegion::none())
                },
                true
            )
            .unwrap()
            .starts_with("file,kind")
        );
    }

    #[test]
    fn ndjson_rows_parse_and_carry_locations() {
        let n = ndjson("chat.txt", &report());
        let rows: Vec<serde_json::Value> = n
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1]["line"], 2);
        assert_eq!(rows[1]["text"], "601 234 567");
        assert_eq!(rows[3]["line"], serde_json::Value::Null);
    }
}
