//! Grounding for schema templates whose answers are lists of records — timeline events,
//! contacts — rather than entities. The template names the fields that carry values taken
//! from the document (`ground: [date, time, people]`); every record gets:
//!
//! - `grounded`: every such value occurs in the document (as written, up to case and spacing,
//!   in another inflected form, or — for phones, e-mails, dates, times, IBANs… — with the same
//!   normalized value), and there was at least one to check;
//! - `source_lines`: the lines where those values occur, in order;
//! - `not_in_source`: the values that do not occur (only when there are any).
//!
//! Free text the model writes itself (a description, a role) is not checked: it is a
//! paraphrase. The rest of the record is left as the model gave it.

use super::ground;
use crate::text::patterns;
use crate::text::region::RegionSetting;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

/// Ground every record in `answer` that has at least one of `fields`; returns how many
/// records are not grounded.
pub fn ground(text: &str, answer: &mut Value, fields: &[String], region: &str) -> usize {
    if fields.is_empty() {
        return 0;
    }
    let index = Index::new(text, region);
    let mut ungrounded = 0;
    visit(answer, &mut |record| {
        if !fields.iter().any(|f| record.contains_key(f)) {
            return;
        }
        let mut lines = BTreeSet::new();
        let mut missing = Vec::new();
        let mut checked = 0;
        for value in fields
            .iter()
            .filter_map(|f| record.get(f))
            .flat_map(strings)
        {
            checked += 1;
            match index.line_of(&value) {
                Some(line) => {
                    lines.insert(line);
                }
                None => missing.push(Value::String(value)),
            }
        }
        let grounded = checked > 0 && missing.is_empty();
        if !grounded {
            ungrounded += 1;
        }
        record.insert("grounded".into(), Value::Bool(grounded));
        record.insert(
            "source_lines".into(),
            Value::Array(lines.into_iter().map(Value::from).collect()),
        );
        if !missing.is_empty() {
            record.insert("not_in_source".into(), Value::Array(missing));
        }
    });
    ungrounded
}

/// Calls `f` on every object that is an item of an array, depth first.
fn visit(v: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    match v {
        Value::Array(items) => {
            for item in items {
                if let Value::Object(o) = item {
                    f(o);
                }
                visit(item, f);
            }
        }
        Value::Object(o) => {
            for (_, child) in o.iter_mut() {
                visit(child, f);
            }
        }
        _ => {}
    }
}

/// The non-empty strings of a field: the string itself, or the strings of an array.
fn strings(v: &Value) -> Vec<String> {
    let one = |v: &Value| {
        v.as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    match v {
        Value::Array(items) => items.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

/// Where things are in the document: its text, and the normalized values the deterministic
/// extractors found, with their first line.
pub struct Index<'a> {
    text: &'a str,
    /// The document's region, resolved once ("none" when it has none): a value is read as
    /// the document's own numbers are.
    region: String,
    /// Line starts, for turning byte offsets into line numbers.
    starts: Vec<usize>,
    normalized: HashMap<String, usize>,
}

impl<'a> Index<'a> {
    pub fn new(text: &'a str, region: &str) -> Self {
        let setting = RegionSetting::parse(region).unwrap_or(RegionSetting::Off);
        let doc = crate::text::region::resolve(setting, text);
        let mut normalized = HashMap::new();
        for e in patterns::extract_in(text, 1, &doc) {
            normalized.entry(e.normalized).or_insert(e.line);
        }
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Index {
            text,
            region: doc.code().unwrap_or("none").to_string(),
            starts,
            normalized,
        }
    }

    pub fn line_of(&self, value: &str) -> Option<usize> {
        if let Some(&line) = self.normalized.get(value) {
            return Some(line);
        }
        if let Some(span) = ground::locate(self.text, value, 1).first() {
            return Some(self.starts.partition_point(|&s| s <= span.start));
        }
        // A phone, date or amount the model wrote in another form: compare normalized values.
        let found = patterns::extract(value, 1, &self.region);
        match found.as_slice() {
            [one] => self.normalized.get(&one.normalized).copied(),
            // The date of a "date + time" value, as the timeline writes them apart.
            _ => found
                .iter()
                .find_map(|e| self.normalized.get(&e.normalized).copied()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOTE: &str = "Notatka z dnia 12 marca 2024 r.\n\
        Jan Kowalski zadzwonił z numeru 601 234 567 o godz. 22:15.\n\
        Anna Nowak (anna.nowak@example.com) widziała sprawców.\n";

    fn fields(f: &[&str]) -> Vec<String> {
        f.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn events_whose_values_occur_are_grounded_with_their_lines() {
        let mut answer = json!({"events": [
            {"date": "2024-03-12", "time": "22:15", "description": "A call.",
             "people": ["Jan Kowalski"], "line": 2},
        ]});
        let n = ground(
            NOTE,
            &mut answer,
            &fields(&["date", "time", "people"]),
            "PL",
        );
        assert_eq!(n, 0);
        let e = &answer["events"][0];
        assert_eq!(e["grounded"], true);
        assert_eq!(e["source_lines"], json!([1, 2]));
        assert!(e.get("not_in_source").is_none());
    }

    #[test]
    fn invented_values_are_named_and_the_record_is_not_grounded() {
        let mut answer = json!({"events": [
            {"date": "2024-03-13", "time": "", "description": "x", "people": ["Piotr Zieliński"]},
        ]});
        let n = ground(
            NOTE,
            &mut answer,
            &fields(&["date", "time", "people"]),
            "PL",
        );
        assert_eq!(n, 1);
        let e = &answer["events"][0];
        assert_eq!(e["grounded"], false);
        assert_eq!(e["not_in_source"], json!(["2024-03-13", "Piotr Zieliński"]));
    }

    #[test]
    fn contacts_match_in_other_forms() {
        let mut answer = json!({"people": [
            {"name": "Jana Kowalskiego", "phones": ["+48 601-234-567"], "emails": [],
             "addresses": []},
            {"name": "Anna Nowak", "phones": [], "emails": ["Anna.Nowak@example.com"],
             "addresses": []},
        ], "unattributed": []});
        let f = fields(&["name", "phones", "emails", "addresses", "value"]);
        assert_eq!(ground(NOTE, &mut answer, &f, "PL"), 0, "{answer:#}");
        assert_eq!(answer["people"][0]["source_lines"], json!([2]));
        assert_eq!(answer["people"][1]["source_lines"], json!([3]));
    }

    #[test]
    fn a_record_with_nothing_to_check_is_not_called_grounded() {
        let mut answer = json!({"events": [{"date": "", "time": "", "people": []}]});
        assert_eq!(
            ground(NOTE, &mut answer, &fields(&["date", "people"]), "PL"),
            1
        );
        assert_eq!(answer["events"][0]["grounded"], false);
    }
}
