//! Bank accounts and payment cards: IBANs (mod-97 and the national BBAN format, with the
//! `iban` crate), Polish domestic account numbers (NRB) when the default region is PL, and card
//! numbers that pass Luhn, start like a known scheme and are grouped as cards are printed, or
//! are masked ("4111 11** **** 1111").

use super::entity::{EntityKind, Hit};
use super::scan::{Context, Regions, char_before, find_in, numeric, pattern};
use iban::IbanLike;
use regex::Regex;
use std::sync::LazyLock;

static IBAN_CANDIDATE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\b[A-Z]{2}\d{2}(?:[ \u{A0}]?[0-9A-Za-z]){10,30}\b"));

static NRB_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b\d{2}(?:[ \u{A0}]?\d){24}\b"));

/// IBANs, with or without spaces; with the default region PL also Polish domestic account
/// numbers (NRB, 26 digits), reported as their `PL` IBAN.
pub(super) fn find_ibans(text: &str, regions: &Regions, ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let windows = numeric(regions, |w| w.digits >= 8);
    for (start, end, iban) in scan_prefixes(&IBAN_CANDIDATE, text, windows, |s| valid_iban(s, "")) {
        out.push(Hit {
            kind: EntityKind::Iban,
            start,
            end,
            normalized: iban,
            check: Default::default(),
        });
    }
    if ctx.region == Some(phonenumber::country::Id::PL) {
        for m in find_in(&NRB_CANDIDATE, text, numeric(regions, |w| w.run >= 26)) {
            if let Some(iban) = valid_iban(m.as_str(), "PL") {
                out.push(Hit {
                    kind: EntityKind::Iban,
                    start: m.start(),
                    end: m.end(),
                    normalized: iban,
                    check: Default::default(),
                });
            }
        }
    }
    out
}

/// Matches of `re` cut back to their longest prefix that passes `check`. A pattern with
/// optional spaces runs on into the next word ("PL61 … 2874 oraz"), so shorter readings ending
/// at a space are tried, and the search resumes right after what was taken — the rest of the
/// match may hold the next entity.
fn scan_prefixes(
    re: &Regex,
    text: &str,
    windows: impl Iterator<Item = std::ops::Range<usize>>,
    check: impl Fn(&str) -> Option<String>,
) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for window in windows {
        let base = window.start;
        let hay = &text[window];
        let mut pos = 0;
        while let Some(m) = re.find_at(hay, pos) {
            match longest_prefix(m.as_str(), &check) {
                Some((len, value)) => {
                    out.push((base + m.start(), base + m.start() + len, value));
                    pos = m.start() + len;
                }
                None => {
                    pos = m.start()
                        + m.as_str()
                            .find(char::is_whitespace)
                            .unwrap_or(m.as_str().len());
                }
            }
            if pos >= hay.len() {
                break;
            }
        }
    }
    out
}

/// The longest prefix of `s` that ends before a space (or at the end) and passes `check`.
fn longest_prefix(s: &str, check: impl Fn(&str) -> Option<String>) -> Option<(usize, String)> {
    let mut ends: Vec<usize> = s
        .char_indices()
        .filter(|&(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .collect();
    ends.push(s.len());
    ends.into_iter()
        .rev()
        .find_map(|end| check(&s[..end]).map(|v| (end, v)))
}

fn valid_iban(s: &str, country: &str) -> Option<String> {
    let compact: String = std::iter::once(country)
        .chain(s.split_whitespace())
        .collect();
    let iban: iban::Iban = compact.parse().ok()?;
    Some(iban.electronic_str().to_string())
}

static CARD_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b\d(?:[ \-]?\d){12,18}\b"));

static MASKED_CARD: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)(?:[0-9*x•]{4}[ \-]?){3}\d{4}\b"));

/// Bytes that start a mask character of [`MASKED_CARD`]: "*", "x", "X", and the first byte
/// of "•" (U+2022) in UTF-8.
const MASK_BYTES: &[u8] = b"*xX\xE2";

/// Payment card numbers, whole or masked.
pub(super) fn find_cards(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let windows = numeric(regions, |w| w.run >= 13);
    for (start, end, digits) in scan_prefixes(&CARD_CANDIDATE, text, windows, card_number) {
        if char_before(text, start).is_some_and(|c| matches!(c, '-' | '.' | '/' | '+')) {
            continue;
        }
        out.push(Hit {
            kind: EntityKind::PaymentCard,
            start,
            end,
            normalized: digits,
            check: Default::default(),
        });
    }
    // A masked number shows a mask character; most windows have none, and a byte scan is
    // cheaper than running the pattern over them.
    let masked = numeric(regions, |w| w.digits >= 4).filter(|w| {
        text.as_bytes()[w.clone()]
            .iter()
            .any(|b| MASK_BYTES.contains(b))
    });
    for m in find_in(&MASKED_CARD, text, masked) {
        if char_before(text, m.start()).is_some_and(|c| c.is_alphanumeric() || c == '*') {
            continue;
        }
        let compact: String = m
            .as_str()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| if c.is_ascii_digit() { c } else { '*' })
            .collect();
        let hidden = compact.chars().filter(|&c| c == '*').count();
        let shown = compact.len() - hidden;
        // Fully shown numbers are checked above; all-mask runs say nothing.
        if hidden < 4 || shown < 4 || !compact.starts_with(|c: char| c.is_ascii_digit() || c == '*')
        {
            continue;
        }
        out.push(Hit {
            kind: EntityKind::PaymentCard,
            start: m.start(),
            end: m.end(),
            normalized: compact,
            check: Default::default(),
        });
    }
    out
}

/// Digits of a card number that passes Luhn and starts like a card of a known scheme.
fn card_number(s: &str) -> Option<String> {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if !(13..=19).contains(&digits.len()) || !luhn(&digits) {
        return None;
    }
    if digits.bytes().all(|b| b == digits.as_bytes()[0]) {
        return None;
    }
    // Cards are printed in fours (Amex and Diners 4-6-5 / 4-6-4); other groupings are
    // account numbers or table columns that happen to pass Luhn.
    let groups: Vec<usize> = s
        .split([' ', '-'])
        .filter(|g| !g.is_empty())
        .map(str::len)
        .collect();
    let grouped = match groups.split_last() {
        None => false,
        Some((_, [])) => true,
        Some((last, init)) => {
            init.iter().all(|&g| g == 4) && (1..=4).contains(last)
                || groups == [4, 6, 5]
                || groups == [4, 6, 4]
        }
    };
    if !grouped {
        return None;
    }
    let prefix = |n: usize| digits[..n].parse::<u32>().unwrap_or(0);
    let len = digits.len();
    let schemes: [(bool, &[usize]); 8] = [
        (digits.starts_with('4'), &[13, 16, 19]), // Visa
        (
            (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)),
            &[16],
        ), // Mastercard
        (matches!(prefix(2), 34 | 37), &[15]),    // Amex
        (
            matches!(prefix(2), 36 | 38 | 39) || (300..=305).contains(&prefix(3)),
            &[14, 15, 16, 17, 18, 19],
        ), // Diners
        (
            digits.starts_with("6011")
                || digits.starts_with("65")
                || (644..=649).contains(&prefix(3)),
            &[16, 17, 18, 19],
        ), // Discover
        ((3528..=3589).contains(&prefix(4)), &[16, 17, 18, 19]), // JCB
        (digits.starts_with("62"), &[16, 17, 18, 19]), // UnionPay
        (
            digits.starts_with("50") || (56..=69).contains(&prefix(2)),
            &[13, 14, 15, 16, 17, 18, 19],
        ), // Maestro
    ];
    schemes
        .iter()
        .any(|(prefix_ok, lengths)| *prefix_ok && lengths.contains(&len))
        .then_some(digits)
}

pub(super) fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Payment card number for display: the first six and last four digits (the issuer and the
/// number's end, as receipts print them), `*` for the rest. Numbers too short to hide
/// anything that way keep only their last four. Takes [`Entity::normalized`]; masks already
/// there stay.
///
/// [`Entity::normalized`]: super::entity::Entity::normalized
pub fn mask_card(normalized: &str) -> String {
    let len = normalized.chars().count();
    // Six and four shown need at least one digit between them to hide.
    let head = if len > 6 + 4 { 6 } else { 0 };
    normalized
        .chars()
        .enumerate()
        .map(|(i, c)| if i < head || i + 4 >= len { c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::patterns::extract;
    use crate::text::testing::of_kind;

    #[test]
    fn iban_with_and_without_spaces() {
        let t = "Konto PL61 1090 1014 0000 0712 1981 2874 oraz DE89370400440532013000 i \
                 GB82 WEST 1234 5698 7654 32.";
        assert_eq!(
            of_kind(t, EntityKind::Iban),
            [
                "PL61109010140000071219812874",
                "DE89370400440532013000",
                "GB82WEST12345698765432"
            ]
        );
        let e = extract(t, 1, "PL");
        assert_eq!(e[0].value, "PL61 1090 1014 0000 0712 1981 2874");
        assert!(of_kind(t, EntityKind::Phone).is_empty());
    }

    #[test]
    fn iban_bad_checksum_and_polish_nrb() {
        assert!(of_kind("PL62 1090 1014 0000 0712 1981 2874", EntityKind::Iban).is_empty());
        assert_eq!(
            of_kind(
                "nr rachunku 61 1090 1014 0000 0712 1981 2874.",
                EntityKind::Iban
            ),
            ["PL61109010140000071219812874"]
        );
        assert!(extract("61 1090 1014 0000 0712 1981 2874", 1, "DE").is_empty());
    }

    #[test]
    fn payment_cards() {
        assert_eq!(
            of_kind(
                "Karta 4111 1111 1111 1111 i 5500-0000-0000-0004.",
                EntityKind::PaymentCard
            ),
            ["4111111111111111", "5500000000000004"]
        );
        assert!(of_kind("4111 1111 1111 1112", EntityKind::PaymentCard).is_empty());
        assert_eq!(
            of_kind("Amex 3782 822463 10005", EntityKind::PaymentCard),
            ["378282246310005"]
        );
        // Passes Luhn with a Visa prefix, but 15 digits in fives is not a card.
        assert!(of_kind("49965 89978 28390", EntityKind::PaymentCard).is_empty());
        assert!(of_kind("0000 0000 0000 0000", EntityKind::PaymentCard).is_empty());
        assert_eq!(
            of_kind(
                "karta 4111 11** **** 1111 oraz XXXX XXXX XXXX 4242",
                EntityKind::PaymentCard
            ),
            ["411111******1111", "************4242"]
        );
    }

    #[test]
    fn card_masking() {
        assert_eq!(mask_card("4111111111111111"), "411111******1111");
        assert_eq!(mask_card("378282246310005"), "378282*****0005");
        assert_eq!(mask_card("************4242"), "************4242");
        assert_eq!(mask_card("1234567890"), "******7890");
        assert_eq!(mask_card("123"), "123");
    }
}
