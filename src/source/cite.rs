//! Citations in machine-readable output: occurrences found at line n of a document's text
//! also say where that is in the original ("p. 3, l. 12"), when that differs from the line.

use super::Document;
use serde_json::Value;

/// Add `page`, `source_line` and `cite` next to every `line` of the entity report's
/// occurrences. Documents whose lines are the input's lines are left as they are.
pub fn annotate(doc: &Document, report: &mut Value) {
    if !doc.has_locations() {
        return;
    }
    let Some(entities) = report.get_mut("entities").and_then(Value::as_array_mut) else {
        return;
    };
    for entity in entities {
        let Some(occs) = entity.get_mut("occurrences").and_then(Value::as_array_mut) else {
            continue;
        };
        for occ in occs {
            let Some(line) = occ.get("line").and_then(Value::as_u64) else {
                continue;
            };
            let origin = doc.origin(usize::try_from(line).unwrap_or(usize::MAX));
            if let Some(obj) = occ.as_object_mut() {
                if let Some(p) = origin.page {
                    obj.insert("page".into(), p.into());
                }
                obj.insert("source_line".into(), origin.line.into());
                obj.insert("cite".into(), origin.cite().into());
            }
        }
    }
}
