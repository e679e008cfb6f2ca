//! Device identifiers: IMEIs (15 digits whose last is a Luhn check digit) and MAC addresses
//! (six hex pairs joined by ":" or "-", or three groups of four joined by ".").
//!
//! Fifteen digits with a valid Luhn digit are one number in ten, and a card number or an
//! account number can be one, so an IMEI is reported only with "IMEI" before it (a list after
//! one label counts). A MAC address is its own shape; the dotted form (`0011.2233.4455`) is
//! also a dotted number, so it needs a hex letter in it or "MAC" nearby.

use super::entity::{EntityKind, Hit};
use super::scan::{Context, Regions, char_before, cue_near, find_in, numeric, pattern};
use regex::Regex;
use std::sync::LazyLock;

/// 15 digits, plain or grouped as printed on a label (2-6-6-1).
static IMEI: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b\d{2}[ -]?\d{6}[ -]?\d{6}[ -]?\d\b"));

static IMEI_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bimei(?:sv)?\b|\bимеи\b").unwrap_or_else(|e| panic!("built-in pattern: {e}"))
});

pub(super) fn find_imeis(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in find_in(&IMEI, text, numeric(regions, |w| w.run >= 15)) {
        // Part of a longer number or code ("12-352099001761481", "352099001761481.5");
        // a full stop ending the sentence is not.
        let glued = |c: Option<char>| {
            c.is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '/'))
        };
        let mut after = text[m.end()..].chars();
        let glued_after = match after.next() {
            Some(c) if c.is_alphanumeric() => true,
            Some('-' | '.' | '/') => after.next().is_some_and(|c| c.is_alphanumeric()),
            _ => false,
        };
        if glued(char_before(text, m.start())) || glued_after {
            continue;
        }
        let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
        if !super::finance::luhn(&digits)
            || cue_near(text, m.start(), m.end(), 80, 0, &IMEI_CUE).is_none()
        {
            continue;
        }
        out.push(Hit {
            kind: EntityKind::Imei,
            start: m.start(),
            end: m.end(),
            normalized: digits,
            check: Default::default(),
        });
    }
    out
}

static MAC: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\b(?:[0-9a-f]{2}(?::[0-9a-f]{2}){5}|[0-9a-f]{2}(?:-[0-9a-f]{2}){5}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4})\b",
    )
});

static MAC_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:mac|bssid|ethernet|wi-?fi|hwaddr|ether)\b")
        .unwrap_or_else(|e| panic!("built-in pattern: {e}"))
});

pub(super) fn find_macs(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in find_in(&MAC, text, numeric(regions, |w| w.longest >= 14)) {
        let s = m.as_str();
        // A longer run of pairs (an IPv6 address, a hex dump) is not one MAC address.
        let glued = |c: Option<char>| {
            c.is_some_and(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '-' | '.' | '_'))
        };
        let next_two = text[m.end()..].chars().take(2).collect::<String>();
        let continues = next_two.len() == 2
            && next_two.starts_with([':', '-', '.'])
            && next_two
                .chars()
                .nth(1)
                .is_some_and(|c| c.is_ascii_hexdigit());
        if glued(char_before(text, m.start())) || continues {
            continue;
        }
        let hex: String = s.chars().filter(char::is_ascii_hexdigit).collect();
        let lower = s.bytes().any(|b| b.is_ascii_lowercase());
        let upper = s.bytes().any(|b| b.is_ascii_uppercase());
        if lower && upper {
            continue;
        }
        if s.contains('.')
            && !hex.bytes().any(|b| b.is_ascii_alphabetic())
            && cue_near(text, m.start(), m.end(), 40, 0, &MAC_CUE).is_none()
        {
            continue;
        }
        let hex = hex.to_ascii_lowercase();
        let normalized = (0..6)
            .map(|i| &hex[2 * i..2 * i + 2])
            .collect::<Vec<_>>()
            .join(":");
        out.push(Hit {
            kind: EntityKind::Mac,
            start: m.start(),
            end: m.end(),
            normalized,
            check: Default::default(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::testing::{kinds, of_kind};

    // tests/fixtures/extract/checksums.py: luhn_complete("35209900176148").
    const IMEI_OK: &str = "352099001761481";

    #[test]
    fn imei_needs_its_label_and_the_luhn_digit() {
        let t = format!(
            "IMEI: {IMEI_OK}; drugi telefon IMEI 35-209900-176148-1, IMEI/SV lists 35 209900 176148 1."
        );
        assert_eq!(of_kind(&t, EntityKind::Imei), [IMEI_OK, IMEI_OK, IMEI_OK]);
        for t in [
            // No label: a 15-digit number is just a number.
            format!("ref. {IMEI_OK}"),
            // Wrong check digit.
            "IMEI 352099001761482".to_string(),
            // 14 and 16 digits.
            "IMEI 35209900176148".to_string(),
            "IMEI 3520990017614810".to_string(),
        ] {
            assert!(
                of_kind(&t, EntityKind::Imei).is_empty(),
                "{t}: {:?}",
                kinds(&t)
            );
        }
        // With the label, the card reading does not win over it.
        assert!(of_kind(&format!("IMEI {IMEI_OK}"), EntityKind::PaymentCard).is_empty());
    }

    #[test]
    fn mac_addresses_in_three_notations() {
        let t = "router 00:1A:2B:3C:4D:5E, client 00-1a-2b-3c-4d-5f and Cisco 001a.2b3c.4d60; \
                 MAC 0011.2233.4455.";
        assert_eq!(
            of_kind(t, EntityKind::Mac),
            [
                "00:1a:2b:3c:4d:5e",
                "00:1a:2b:3c:4d:5f",
                "00:1a:2b:3c:4d:60",
                "00:11:22:33:44:55"
            ]
        );
        for t in [
            "IPv6 fe80:00:1a:2b:3c:4d:5e:6f",
            "10:20:30:40:50",
            "build 1234.5678.9012",
            "00:1a:2B:3c:4d:5e",
            "hex dump 00-1a-2b-3c-4d-5e-6f-70",
            "12:30:45",
        ] {
            assert!(
                of_kind(t, EntityKind::Mac).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
    }
}
