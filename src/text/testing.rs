//! What the finders' tests read: the entities [`extract`] finds in a text, with the default
//! region PL, as (kind, normalized form).

use super::entity::EntityKind;
use super::patterns::extract;

pub(super) fn kinds(text: &str) -> Vec<(EntityKind, String)> {
    extract(text, 1, "PL")
        .into_iter()
        .map(|e| (e.kind, e.normalized))
        .collect()
}

pub(super) fn of_kind(text: &str, kind: EntityKind) -> Vec<String> {
    extract(text, 1, "PL")
        .into_iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.normalized)
        .collect()
}
