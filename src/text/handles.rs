//! Messenger handles: Telegram usernames (`t.me/name` links, or `@name` with "Telegram" in the
//! words before) and Signal usernames (`name.42`, with "Signal" before).
//!
//! "@name" alone is a mention on any platform (X, Instagram, a chat export's sender), so the
//! platform comes from a cue word on the same line; without one nothing is reported. A t.me
//! link names its platform itself, and is reported as the URL and as the handle inside it.

use super::entity::{EntityKind, Hit};
use super::scan::{Context, Regions, char_before, cue_near};
use regex::Regex;
use std::sync::LazyLock;

fn compile(re: &str) -> Regex {
    Regex::new(re).unwrap_or_else(|e| panic!("built-in pattern {re:?}: {e}"))
}

/// t.me, telegram.me and telegram.dog links; the name is 5–32 letters, digits and "_".
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?i)(?-u:\b)(?:t|telegram)\.(?:me|dog)/(?:s/)?([a-z][a-z0-9_]{3,31})(?-u:\b)")
});

/// Paths of t.me that are not usernames.
const NOT_NAMES: &[&str] = &[
    "joinchat",
    "addstickers",
    "addemoji",
    "share",
    "proxy",
    "socks",
    "iv",
    "login",
    "setlanguage",
    "addtheme",
    "confirmphone",
    "invoice",
    "boost",
    "contact",
];

/// "@name": not inside an e-mail address (a letter, digit, "." or "_" before the "@").
static AT_NAME: LazyLock<Regex> =
    LazyLock::new(|| compile(r"@([A-Za-z][A-Za-z0-9_]{3,31})(?-u:\b)"));

/// A Signal username: a nickname, "." and two or more digits.
static SIGNAL_NAME: LazyLock<Regex> =
    LazyLock::new(|| compile(r"@?([A-Za-z_][A-Za-z0-9_]{2,31}\.[0-9]{2,9})(?-u:\b)"));

static TELEGRAM_CUE: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"\b(?:telegram\w*|tg|telega|телеграм\w*|телеграмм\w*|телега|телеграмі)\b")
});
static SIGNAL_CUE: LazyLock<Regex> = LazyLock::new(|| compile(r"\b(?:signal\w*|сигнал\w*)\b"));

pub(super) fn find_handles(text: &str, _regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    // Cheap first: most texts hold no "@" and no "t.me".
    let has_at = text.contains('@');
    let has_link = text.contains(".me/") || text.contains(".dog/") || text.contains(".ME/");
    if has_link {
        for c in LINK.captures_iter(text) {
            let (Some(whole), Some(name)) = (c.get(0), c.get(1)) else {
                continue;
            };
            if char_before(text, whole.start()).is_some_and(|c| c.is_alphanumeric() || c == '.')
                || text[name.end()..].starts_with('/')
                || runs_on(text, name.end())
            {
                continue;
            }
            let lower = name.as_str().to_ascii_lowercase();
            if NOT_NAMES.contains(&lower.as_str()) {
                continue;
            }
            out.push(hit(
                EntityKind::Telegram,
                name.start(),
                name.end(),
                format!("@{lower}"),
            ));
        }
    }
    if has_at {
        for c in AT_NAME.captures_iter(text) {
            let (Some(whole), Some(name)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let before = char_before(text, whole.start());
            if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')) {
                continue;
            }
            // "@example.com", "@name.42" (Signal's, below).
            let after = &text[name.end()..];
            if after.starts_with('@')
                || after.starts_with('.') && after[1..].starts_with(|c: char| c.is_alphanumeric())
            {
                continue;
            }
            if cue_near(text, whole.start(), whole.end(), 60, 0, &TELEGRAM_CUE).is_none() {
                continue;
            }
            let lower = name.as_str().to_ascii_lowercase();
            out.push(hit(
                EntityKind::Telegram,
                whole.start(),
                name.end(),
                format!("@{lower}"),
            ));
        }
    }
    // Signal names hold a dot and digits; "signal" must be in the text at all.
    if text.contains("ignal") || text.contains("IGNAL") || text.contains("игнал") {
        for c in SIGNAL_NAME.captures_iter(text) {
            let (Some(whole), Some(name)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let before = char_before(text, whole.start());
            if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
                || runs_on(text, whole.end())
            {
                continue;
            }
            // A nickname has a letter; "12.50" and "v1.20" are not names.
            let nick = name.as_str().split('.').next().unwrap_or("");
            if !nick.chars().any(|c| c.is_ascii_alphabetic())
                || cue_near(text, whole.start(), whole.end(), 60, 0, &SIGNAL_CUE).is_none()
            {
                continue;
            }
            let lower = name.as_str().to_ascii_lowercase();
            out.push(hit(EntityKind::Signal, whole.start(), whole.end(), lower));
        }
    }
    out
}

/// Whether the text at `end` continues the name: a letter, digit, "_" or "@", or a "." or "-"
/// with more of a name after it (a sentence's full stop does not).
fn runs_on(text: &str, end: usize) -> bool {
    let mut after = text[end..].chars();
    match after.next() {
        Some(c) if c.is_alphanumeric() || matches!(c, '_' | '@') => true,
        Some('.' | '-') => after.next().is_some_and(|c| c.is_alphanumeric()),
        _ => false,
    }
}

fn hit(kind: EntityKind, start: usize, end: usize, normalized: String) -> Hit {
    Hit {
        kind,
        start,
        end,
        normalized,
        check: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::testing::{kinds, of_kind};

    #[test]
    fn telegram_links_and_named_handles() {
        let t = "Kontakt przez Telegram: @Faktura_Help lub https://t.me/pomoc_konto, \
                 telegram.me/second_name. Пишіть у телеграм @ukr_helper.";
        assert_eq!(
            of_kind(t, EntityKind::Telegram),
            [
                "@faktura_help",
                "@pomoc_konto",
                "@second_name",
                "@ukr_helper"
            ]
        );
        // The link is still a URL.
        assert_eq!(
            of_kind(t, EntityKind::Url),
            ["https://t.me/pomoc_konto", "telegram.me/second_name"]
        );
    }

    #[test]
    fn signal_names_with_their_number() {
        let t = "Write to me on Signal: jan_k.42 or @anna.1234.";
        assert_eq!(of_kind(t, EntityKind::Signal), ["jan_k.42", "anna.1234"]);
    }

    #[test]
    fn mentions_without_a_platform_are_not_handles() {
        for t in [
            "follow @someone_else on X",
            "mail jan@example.com, Telegram group",
            "Telegram: jan.kowalski@example.com",
            "Instagram @nice_photos",
            "t.me/joinchat/AAAAAE",
            "Signal strength 12.50 dB",
            "signal v1.20 released",
            "at.me/name",
        ] {
            let got: Vec<_> = kinds(t)
                .into_iter()
                .filter(|(k, _)| matches!(k, EntityKind::Telegram | EntityKind::Signal))
                .collect();
            assert!(got.is_empty(), "{t}: {got:?}");
        }
        assert!(of_kind("Telegram: jan@example.com", EntityKind::Email).len() == 1);
    }
}
