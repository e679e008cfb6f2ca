//! Cryptocurrency addresses and hashes: Bitcoin (Base58Check, Bech32), Ethereum (EIP-55),
//! Monero (its own Base58 and a Keccak checksum), Ethereum transaction hashes and bare hex
//! digests (MD5, SHA-1, SHA-256, SHA-512).

use super::entity::{EntityKind, Hit};
use super::scan::{self, Context, Regions, char_after, char_before, find_in, numeric, pattern};
use regex::Regex;
use std::sync::LazyLock;

static BTC_BASE58: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\b[13][1-9A-HJ-NP-Za-km-z]{25,34}\b"));
static BTC_BECH32: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\bbc1[02-9ac-hj-np-z]{6,87}\b"));
static ETH: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b0x[0-9a-fA-F]{40}\b"));

/// Every address has a digit ("1…", "3…", "bc1…", "0x…", "4…", "8…"), so only the numeric
/// windows with a word long enough are searched.
pub(super) fn find_addresses(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let mut push = |kind, m: scan::Span<'_>, normalized: String, unverified: Option<String>| {
        out.push(Hit {
            kind,
            start: m.start(),
            end: m.end(),
            normalized,
            check: super::entity::Check {
                unverified,
                ..Default::default()
            },
        });
    };
    let long = |n: usize| numeric(regions, move |w| w.longest >= n);
    for m in find_in(&BTC_BASE58, text, long(26)) {
        // Version 0x00 is pay-to-pubkey-hash ("1…"), 0x05 pay-to-script-hash ("3…").
        if !super::coins::base58check(m.as_str(), &[0x00, 0x05]) {
            continue;
        }
        // Litecoin kept Bitcoin's script-hash version for years: a "3…" address is valid on
        // both chains, and only the words around it say which.
        let litecoin = m
            .as_str()
            .starts_with('3')
            .then(|| super::coins::litecoin_cue(text, m.start(), m.end()))
            .flatten();
        match litecoin {
            Some(cue) => push(
                EntityKind::Litecoin,
                m,
                m.as_str().to_string(),
                Some(format!(
                    "a \"3…\" address is valid on Bitcoin and Litecoin alike; read as Litecoin \
                     from {cue:?} nearby"
                )),
            ),
            None => push(EntityKind::Bitcoin, m, m.as_str().to_string(), None),
        }
    }
    for m in find_in(&BTC_BECH32, text, long(14)) {
        let ok = bech32::segwit::decode(m.as_str()).is_ok_and(|(hrp, _, _)| hrp == bech32::hrp::BC);
        if ok {
            push(EntityKind::Bitcoin, m, m.as_str().to_lowercase(), None);
        }
    }
    for m in find_in(&ETH, text, long(42)) {
        if eip55_ok(&m.as_str()[2..]) {
            push(EntityKind::Ethereum, m, m.as_str().to_lowercase(), None);
        }
    }
    for m in find_in(&MONERO, text, long(95)) {
        if monero_ok(m.as_str()) {
            push(EntityKind::Monero, m, m.as_str().to_string(), None);
        }
    }
    out
}

static MONERO: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\b[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?\b"));

/// A mainnet Monero address: standard (network byte 18), subaddress (42) or integrated (19,
/// with an 8-byte payment id), whose last four bytes are the start of the Keccak-256 of the
/// rest.
fn monero_ok(address: &str) -> bool {
    use sha3::{Digest, Keccak256};
    let Some(data) = monero_base58_decode(address) else {
        return false;
    };
    let expected_len = match data.first() {
        Some(18 | 42) => 69,
        Some(19) => 77,
        _ => return false,
    };
    if data.len() != expected_len {
        return false;
    }
    let (body, checksum) = data.split_at(data.len() - 4);
    Keccak256::digest(body)[..4] == *checksum
}

/// Monero's Base58: blocks of 8 bytes encoded as 11 characters each, the last block shorter,
/// so unlike Bitcoin's the length of the text fixes the length of the data.
fn monero_base58_decode(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    // Characters in a block of 0..=8 bytes.
    const ENCODED: [usize; 9] = [0, 2, 3, 5, 6, 7, 9, 10, 11];
    let mut out = Vec::with_capacity(s.len() * 8 / 11 + 8);
    for block in s.as_bytes().chunks(11) {
        let bytes = ENCODED.iter().position(|&n| n == block.len())?;
        let mut value: u128 = 0;
        for &c in block {
            let digit = ALPHABET.iter().position(|&a| a == c)?;
            value = value * 58 + digit as u128;
        }
        if bytes < 16 && value >> (8 * bytes) != 0 {
            return None;
        }
        out.extend_from_slice(&value.to_be_bytes()[16 - bytes..]);
    }
    Some(out)
}

static HEX_RUN: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b(?:0x)?[0-9a-fA-F]{32,128}\b"));

/// Ethereum transaction hashes (`0x` and 64 hex digits) and bare hex digests.
pub(super) fn find_hashes(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in find_in(&HEX_RUN, text, numeric(regions, |w| w.longest >= 32)) {
        let s = m.as_str();
        if char_before(text, m.start()).is_some_and(|c| c.is_alphanumeric())
            || char_after(text, m.end()).is_some_and(|c| c.is_alphanumeric())
        {
            continue;
        }
        let (kind, hex) = match s.strip_prefix("0x") {
            // 40 digits after "0x" are an Ethereum address, checked in `find_addresses`.
            Some(hex) if hex.len() == 64 => (EntityKind::EthTx, hex),
            Some(_) => continue,
            None if matches!(s.len(), 32 | 40 | 64 | 128) => (EntityKind::Hash, s),
            None => continue,
        };
        let has_letter = hex.bytes().any(|b| b.is_ascii_alphabetic());
        let has_digit = hex.bytes().any(|b| b.is_ascii_digit());
        let lower = hex.bytes().any(|b| b.is_ascii_lowercase());
        let upper = hex.bytes().any(|b| b.is_ascii_uppercase());
        if kind == EntityKind::Hash && !(has_letter && has_digit) || lower && upper {
            continue;
        }
        out.push(Hit {
            kind,
            start: m.start(),
            end: m.end(),
            normalized: s.to_ascii_lowercase(),
            check: Default::default(),
        });
    }
    out
}

/// EIP-55: a mixed-case address encodes a checksum in its capitals; single-case addresses
/// carry none and are accepted as they are.
fn eip55_ok(hex: &str) -> bool {
    use sha3::{Digest, Keccak256};
    let has_lower = hex.chars().any(|c| c.is_ascii_lowercase());
    let has_upper = hex.chars().any(|c| c.is_ascii_uppercase());
    if !(has_lower && has_upper) {
        return true;
    }
    let lower = hex.to_ascii_lowercase();
    let hash = Keccak256::digest(lower.as_bytes());
    hex.chars().enumerate().all(|(i, c)| {
        let byte = hash[i / 2];
        let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0x0f };
        if c.is_ascii_alphabetic() {
            c.is_ascii_uppercase() == (nibble >= 8)
        } else {
            true
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::testing::{kinds, of_kind};

    #[test]
    fn crypto_addresses() {
        let t = "BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa, bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq, \
                 ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed.";
        assert_eq!(
            kinds(t),
            [
                (
                    EntityKind::Bitcoin,
                    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa".to_string()
                ),
                (
                    EntityKind::Bitcoin,
                    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq".to_string()
                ),
                (
                    EntityKind::Ethereum,
                    "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed".to_string()
                ),
            ]
        );
        // One character changed in each.
        let bad = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr \
                   0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";
        assert!(kinds(bad).is_empty(), "{:?}", kinds(bad));
    }

    const XMR: &str = "4BJHitCigGy6giuYsJFP26KGkTKiQDJ6HJP1pan2ir2CCV8Twc2WWmo4fu1NVXt8XLGYAkjo5cJ3yH68Lfz9ZXEUJ9MeqPW";
    const XMR_SUB: &str = "86iQTnEqQ9mXJFvBvbY3KU5do5Jh2NCkpTcZsw3TMZ6oKNJhELvAreZFQ1p8EknRRTKPp2vg9fJvy47Q4ARVChjLMuUAFQJ";
    const XMR_INTEGRATED: &str = "4BUqMSeJfNQGudzEJNvzQ2LXh4tbUdW4YCM7mq55edxBT7t1297vwCMZSnJwGvEKEKbH8hGmhZZAGhdHbp2te6AA38ZMi4knaCKLprMPni";

    #[test]
    fn monero_addresses() {
        let t = format!("XMR: {XMR}, sub {XMR_SUB}; integrated {XMR_INTEGRATED}.");
        assert_eq!(
            of_kind(&t, EntityKind::Monero),
            [XMR, XMR_SUB, XMR_INTEGRATED]
        );
        // One character changed.
        let bad = XMR.replace("qPW", "qPX");
        assert!(kinds(&bad).is_empty(), "{:?}", kinds(&bad));
        assert!(kinds(&XMR[..94]).is_empty());
    }

    #[test]
    fn transaction_and_file_hashes() {
        let tx = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060";
        let sha256 = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
        let t = format!(
            "tx {tx}; plik sha256 {sha256}, md5 d41d8cd98f00b204e9800998ecf8427e, \
             sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709."
        );
        assert_eq!(
            kinds(&t),
            [
                (EntityKind::EthTx, tx.to_string()),
                (EntityKind::Hash, sha256.to_lowercase()),
                (
                    EntityKind::Hash,
                    "d41d8cd98f00b204e9800998ecf8427e".to_string()
                ),
                (
                    EntityKind::Hash,
                    "da39a3ee5e6b4b0d3255bfef95601890afd80709".to_string()
                ),
            ]
        );
        for t in [
            // An Ethereum address, valid or not, is never a hash.
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
            // Digits only, mixed case, odd lengths, glued to a word.
            "12345678901234567890123456789012",
            "d41d8cd98f00b204E9800998ecf8427e",
            "d41d8cd98f00b204e9800998ecf8427",
            "d41d8cd98f00b204e9800998ecf8427eab",
            "md5=xd41d8cd98f00b204e9800998ecf8427e",
        ] {
            assert!(
                of_kind(t, EntityKind::Hash).is_empty() && of_kind(t, EntityKind::EthTx).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
    }
}
