//! Wallet addresses of the other chains investigators meet: Litecoin (Base58Check `L…`/`M…`,
//! Bech32 `ltc1…`), Bitcoin Cash (CashAddr, with or without `bitcoincash:`), Dash (`X…`, `7…`),
//! Tron (`T…`) — each reported only when its checksum holds — and Solana, which has none.
//!
//! A Solana address is any 32 bytes in Base58 (32–44 characters), so a random token, an API
//! key or a file id can look like one: it is reported only with "Solana"/"SOL"/"Phantom" in the
//! words around it, and never as verified.
//!
//! Bitcoin's `3…` addresses (version 0x05) are valid Litecoin addresses too; `crypto` reports
//! them as Bitcoin unless "Litecoin"/"LTC" stands next to them ([`litecoin_cue`]).

use super::entity::{Check, EntityKind, Hit};
use super::scan::{self, Context, Regions, char_after, char_before, cue_near, find_in, numeric};
use regex::Regex;
use std::sync::LazyLock;

const B58: &str = "[1-9A-HJ-NP-Za-km-z]";

static LTC_BASE58: LazyLock<Regex> =
    LazyLock::new(|| scan::pattern(&format!(r"\b[LM]{B58}{{25,33}}\b")));
static LTC_BECH32: LazyLock<Regex> =
    LazyLock::new(|| scan::pattern(r"(?i)\bltc1[02-9ac-hj-np-z]{6,87}\b"));
static DASH: LazyLock<Regex> = LazyLock::new(|| scan::pattern(&format!(r"\b[X7]{B58}{{25,33}}\b")));
static TRON: LazyLock<Regex> = LazyLock::new(|| scan::pattern(&format!(r"\bT{B58}{{33}}\b")));
/// CashAddr: "q" (pay to key hash) or "p" (script hash), then the rest of 42 characters for a
/// 160-bit hash or 61 for a 256-bit one; one case throughout.
static CASHADDR: LazyLock<Regex> = LazyLock::new(|| {
    scan::pattern(
        r"\b(?:(?:bitcoincash|BITCOINCASH):)?(?:[qp][02-9ac-hj-np-z]{60}|[qp][02-9ac-hj-np-z]{41}|[QP][02-9AC-HJ-NP-Z]{60}|[QP][02-9AC-HJ-NP-Z]{41})\b",
    )
});

/// Whether `s` is Base58Check with a 21-byte payload starting with one of `versions` (a version
/// byte and a 20-byte hash: Bitcoin, Litecoin, Dash, Tron).
pub(super) fn base58check(s: &str, versions: &[u8]) -> bool {
    bs58::decode(s)
        .with_check(None)
        .into_vec()
        .is_ok_and(|p| p.len() == 21 && versions.contains(&p[0]))
}

pub(super) fn find_coins(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let mut push = |kind, m: scan::Span<'_>, normalized: String| {
        out.push(Hit {
            kind,
            start: m.start(),
            end: m.end(),
            normalized,
            check: Check::default(),
        });
    };
    let long = |n: usize| numeric(regions, move |w| w.longest >= n);
    // Litecoin: 0x30 "L…" pay-to-key-hash, 0x32 "M…" script hash.
    for m in find_in(&LTC_BASE58, text, long(26)) {
        if base58check(m.as_str(), &[0x30, 0x32]) {
            push(EntityKind::Litecoin, m, m.as_str().to_string());
        }
    }
    for m in find_in(&LTC_BECH32, text, long(14)) {
        let ok = bech32::segwit::decode(m.as_str())
            .is_ok_and(|(hrp, _, _)| hrp.as_str().eq_ignore_ascii_case("ltc"));
        if ok {
            push(EntityKind::Litecoin, m, m.as_str().to_lowercase());
        }
    }
    // Dash: 0x4c "X…" pay-to-key-hash, 0x10 "7…" script hash.
    for m in find_in(&DASH, text, long(26)) {
        if base58check(m.as_str(), &[0x4c, 0x10]) {
            push(EntityKind::Dash, m, m.as_str().to_string());
        }
    }
    // Tron: 0x41 and a 20-byte account hash, always 34 characters.
    for m in find_in(&TRON, text, long(34)) {
        if base58check(m.as_str(), &[0x41]) {
            push(EntityKind::Tron, m, m.as_str().to_string());
        }
    }
    for m in find_in(&CASHADDR, text, long(42)) {
        if char_before(text, m.start()) == Some(':') {
            // "bchtest:q…", "ecash:q…": another network's prefix, not the one assumed.
            continue;
        }
        if let Some(normalized) = cashaddr(m.as_str()) {
            push(EntityKind::BitcoinCash, m, normalized);
        }
    }
    out
}

/// The CashAddr address `written` (prefix optional) as `bitcoincash:` and lowercase, if its
/// 40-bit checksum holds and its version byte agrees with its length. The checksum covers the
/// prefix, so one written without it is checked as a `bitcoincash:` address.
fn cashaddr(written: &str) -> Option<String> {
    const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let lower = written.to_ascii_lowercase();
    let payload = lower.strip_prefix("bitcoincash:").unwrap_or(&lower);
    let data: Vec<u8> = payload
        .bytes()
        .map(|c| CHARSET.iter().position(|&x| x == c).map(|i| i as u8))
        .collect::<Option<_>>()?;
    let prefix = b"bitcoincash".iter().map(|c| c & 0x1f);
    let values: Vec<u8> = prefix.chain([0]).chain(data.iter().copied()).collect();
    if cashaddr_polymod(&values) != 0 {
        return None;
    }
    // 5-bit groups (without the 8 of the checksum) to bytes; the padding must be zero.
    let body = &data[..data.len().checked_sub(8)?];
    let mut bytes = Vec::with_capacity(body.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &v in body {
        acc = (acc << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
        }
    }
    if bits >= 5 || acc & ((1 << bits) - 1) != 0 {
        return None;
    }
    let (&version, hash) = bytes.split_first()?;
    // Version: type in bits 3–6 (0 key hash, 1 script hash), hash size in bits 0–2.
    let size = match version & 0x07 {
        0 => 20,
        3 => 32,
        _ => return None,
    };
    (version & 0x80 == 0 && version >> 3 <= 1 && hash.len() == size)
        .then(|| format!("bitcoincash:{payload}"))
}

/// CashAddr's BCH code over GF(2^5): 0 for a valid address (its checksum is the code's
/// remainder, xor 1).
fn cashaddr_polymod(values: &[u8]) -> u64 {
    const GEN: [u64; 5] = [
        0x98_f2bc_8e61,
        0x79_b76d_99e2,
        0xf3_3e5f_b3c4,
        0xae_2eab_e2a8,
        0x1e_4f43_e470,
    ];
    let mut c: u64 = 1;
    for &d in values {
        let c0 = (c >> 35) as u8;
        c = ((c & 0x07_ffff_ffff) << 5) ^ u64::from(d);
        for (i, g) in GEN.iter().enumerate() {
            if c0 >> i & 1 == 1 {
                c ^= g;
            }
        }
    }
    c ^ 1
}

static SOLANA: LazyLock<Regex> = LazyLock::new(|| scan::pattern(&format!(r"\b{B58}{{32,44}}\b")));

/// Words that say a Solana address is near (lowercase, as [`cue_near`] reads).
static SOLANA_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:solana|sol|phantom|solscan)\b")
        .unwrap_or_else(|e| panic!("built-in pattern: {e}"))
});

/// Solana addresses: 32 bytes in Base58, mixed case, with a cue word within a few words.
/// Unverified: nothing in the address itself says it is one.
pub(super) fn find_solana(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in find_in(&SOLANA, text, numeric(regions, |w| w.longest >= 32)) {
        let s = m.as_str();
        if char_before(text, m.start()).is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '/')
            || char_after(text, m.end()).is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        // Random Base58 of this length has both cases and a digit; a word or a hex digest
        // run does not.
        let upper = s.bytes().any(|b| b.is_ascii_uppercase());
        let lower = s.bytes().any(|b| b.is_ascii_lowercase());
        let digit = s.bytes().any(|b| b.is_ascii_digit());
        if !(upper && lower && digit) {
            continue;
        }
        if bs58::decode(s).into_vec().map_or(true, |b| b.len() != 32) {
            continue;
        }
        let Some(cue) = cue_near(text, m.start(), m.end(), 60, 30, &SOLANA_CUE) else {
            continue;
        };
        out.push(Hit {
            kind: EntityKind::Solana,
            start: m.start(),
            end: m.end(),
            normalized: s.to_string(),
            check: Check {
                unverified: Some(format!(
                    "Solana addresses carry no checksum: 32 bytes in Base58, read as Solana \
                     from {cue:?} nearby"
                )),
                ..Check::default()
            },
        });
    }
    out
}

/// Words that make a `3…` address Litecoin's rather than Bitcoin's.
pub(super) fn litecoin_cue(text: &str, start: usize, end: usize) -> Option<String> {
    static CUE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b(?:litecoin|ltc)\b").unwrap_or_else(|e| panic!("built-in pattern: {e}"))
    });
    cue_near(text, start, end, 40, 20, &CUE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::patterns::extract;
    use crate::text::testing::{kinds, of_kind};

    // Computed by tests/fixtures/extract/checksums.py (Base58Check of a fixed payload per
    // version byte, Base58 of 32 fixed bytes), except the CashAddr and ltc1 ones, which are
    // published examples (the CashAddr specification's, a Litecoin test vector), and the Tron
    // one, USDT's TRC-20 contract.
    const LTC: &str = "Le8zzAonLxXkKYVxBNDvzXt959uWBzqNox";
    const LTC_M: &str = "MUthFcjuPZMaj7uupM6xfeDtxgeRjw6iks";
    const LTC_BECH32: &str = "ltc1qx88q7zjd74lxwgkjmmwlqv5pd3vujuehexfttt";
    const DASH_X: &str = "XibPxbZ7oqT7F5nzmdxxivpmrHcYXLTM8f";
    const TRON: &str = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
    const BCH: &str = "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a";
    const BCH_P2SH: &str = "bitcoincash:ppn87szlp75e3f5akyjlkkwp7qn93w5yx5mvzwlu3y";
    const SOL: &str = "E9iJJo9BdKETRuabz13MgimxhXiXQX8zB4CS9rqM2MLX";

    #[test]
    fn wallets_of_other_chains_with_their_checksums() {
        let t = format!(
            "LTC {LTC} or {LTC_M} or {LTC_BECH32}; Dash {DASH_X}; USDT (TRC-20) {TRON}; BCH {BCH} \
             and {} and {}.",
            &BCH_P2SH["bitcoincash:".len()..],
            BCH.to_uppercase()
        );
        assert_eq!(
            kinds(&t),
            [
                (EntityKind::Litecoin, LTC.to_string()),
                (EntityKind::Litecoin, LTC_M.to_string()),
                (EntityKind::Litecoin, LTC_BECH32.to_string()),
                (EntityKind::Dash, DASH_X.to_string()),
                (EntityKind::Tron, TRON.to_string()),
                (EntityKind::BitcoinCash, BCH.to_string()),
                (EntityKind::BitcoinCash, BCH_P2SH.to_string()),
                (EntityKind::BitcoinCash, BCH.to_string()),
            ]
        );
        assert!(extract(&t, 1, "none").iter().all(|e| e.check.is_verified()));
    }

    #[test]
    fn one_changed_character_is_no_wallet() {
        let flip = |s: &str| {
            let (head, last) = s.split_at(s.len() - 1);
            let c = if last == "a" { "b" } else { "a" };
            format!("{head}{c}")
        };
        for s in [LTC, LTC_M, LTC_BECH32, DASH_X, TRON, BCH, &BCH[12..]] {
            let bad = format!("wallet {} here", flip(s));
            assert!(kinds(&bad).is_empty(), "{bad}: {:?}", kinds(&bad));
        }
        // Another network's prefix, mixed case, a Tron address one character short.
        for t in [
            "bchtest:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
            "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdX6a",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6",
        ] {
            assert!(kinds(t).is_empty(), "{t}: {:?}", kinds(t));
        }
    }

    #[test]
    fn solana_only_with_a_cue_and_never_verified() {
        let t = format!("Send SOL to {SOL} (Phantom wallet).");
        let e = extract(&t, 1, "none");
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].kind, e[0].value.as_str()), (EntityKind::Solana, SOL));
        assert!(!e[0].check.is_verified());
        // The same string without a cue, and look-alikes with one.
        for t in [
            format!("token {SOL} in the log"),
            "Solana tx 5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW".to_string(),
            "Solana guide SolanaDevelopersGuideForBeginners2024".to_string(),
            "SOL e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".to_string(),
        ] {
            assert!(of_kind(&t, EntityKind::Solana).is_empty(), "{t}: {:?}", kinds(&t));
        }
    }

    #[test]
    fn a_script_hash_address_is_litecoin_only_when_the_text_says_so() {
        let btc = "3G4DNXef3BynT9HTw6oLg1Ch5atAeZqPBo";
        assert_eq!(of_kind(&format!("BTC {btc}"), EntityKind::Bitcoin), [btc]);
        let e = extract(&format!("Litecoin: {btc}"), 1, "none");
        assert_eq!(e[0].kind, EntityKind::Litecoin);
        assert!(
            e[0].check
                .unverified
                .as_deref()
                .is_some_and(|w| w.contains("Bitcoin"))
        );
    }

    #[test]
    fn cashaddr_specification_vectors() {
        // The specification's examples: a checksum over an empty payload.
        let polymod = |prefix: &str, data: &str| {
            const CHARSET: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
            let v: Vec<u8> = prefix
                .bytes()
                .map(|c| c & 0x1f)
                .chain([0])
                .chain(
                    data.bytes()
                        .filter_map(|c| CHARSET.find(c as char).map(|i| i as u8)),
                )
                .collect();
            cashaddr_polymod(&v)
        };
        assert_eq!(polymod("prefix", "x64nx6hz"), 0);
        assert_eq!(polymod("p", "gpf8m4h7"), 0);
        assert_ne!(polymod("prefix", "x64nx6hy"), 0);
    }
}
