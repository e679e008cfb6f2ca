//! The stamp that opens a line of a chat transcript, shared by every step that must treat a
//! chat message as a unit: the summarizer (one message = one unit, its sender kept) and
//! translation (stamp and sender kept out of the model).

use regex::Regex;
use std::sync::LazyLock;

/// A chat stamp: WhatsApp's "31.12.23, 21:41 - " (Android, also with AM/PM) and
/// "[31.12.23, 21:41:05] " (iOS), or a bare time "[12:03] " / "12:03 - ". The sender that
/// follows is [`SENDER`].
pub const STAMP: &str = concat!(
    r"(?:\[?\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?\s?[Mm]\.?)?\]?(?:\s-)?\s+",
    r"|\[\d{1,2}:\d{2}(?::\d{2})?\]\s+|\d{1,2}:\d{2}(?::\d{2})?\s*-\s+)"
);

/// The sender after a stamp, up to the first ": " (a name of at most 41 characters).
pub const SENDER: &str = r"(?:[^\s:\[][^:\n]{0,40}?:\s+)";

static MESSAGE_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^\s*{STAMP}{SENDER}")).expect("constant chat pattern"));

/// Whether `line` opens a chat message: a stamp followed by a sender.
pub fn opens_message(line: &str) -> bool {
    MESSAGE_START.is_match(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_lines_of_common_exports() {
        assert!(opens_message(
            "12.03.2024, 14:22 - Bartek Kierowca: mam towar"
        ));
        assert!(opens_message("[31.12.23, 21:41:05] Anna: hi"));
        assert!(opens_message("12/31/23, 9:41 PM - Anna: hi"));
        assert!(opens_message("[12:03] Jan: jestem"));
        assert!(!opens_message("12.03.2024 r. sąd orzekł: oddalić"));
        assert!(!opens_message("The meeting was at 14:22 - nobody came."));
    }
}
