//! What the extractors find: the kinds of entity, an entity as reported with its place in
//! the text, and [`Hit`], the one thing every finder returns.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Email,
    Url,
    Phone,
    Ipv4,
    Ipv6,
    Iban,
    PaymentCard,
    Bitcoin,
    Ethereum,
    Domain,
    Cidr,
    Monero,
    EthTx,
    Hash,
    Date,
    Time,
    Amount,
    Plate,
    Litecoin,
    BitcoinCash,
    Dash,
    Tron,
    Solana,
    Telegram,
    Signal,
    Imei,
    Mac,
}

impl EntityKind {
    /// Every kind, in the order the variants are declared.
    pub const ALL: [EntityKind; 27] = [
        EntityKind::Email,
        EntityKind::Url,
        EntityKind::Phone,
        EntityKind::Ipv4,
        EntityKind::Ipv6,
        EntityKind::Iban,
        EntityKind::PaymentCard,
        EntityKind::Bitcoin,
        EntityKind::Ethereum,
        EntityKind::Domain,
        EntityKind::Cidr,
        EntityKind::Monero,
        EntityKind::EthTx,
        EntityKind::Hash,
        EntityKind::Date,
        EntityKind::Time,
        EntityKind::Amount,
        EntityKind::Plate,
        EntityKind::Litecoin,
        EntityKind::BitcoinCash,
        EntityKind::Dash,
        EntityKind::Tron,
        EntityKind::Solana,
        EntityKind::Telegram,
        EntityKind::Signal,
        EntityKind::Imei,
        EntityKind::Mac,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Email => "email",
            EntityKind::Url => "url",
            EntityKind::Phone => "phone",
            EntityKind::Ipv4 => "ipv4",
            EntityKind::Ipv6 => "ipv6",
            EntityKind::Iban => "iban",
            EntityKind::PaymentCard => "payment_card",
            EntityKind::Bitcoin => "bitcoin",
            EntityKind::Ethereum => "ethereum",
            EntityKind::Domain => "domain",
            EntityKind::Cidr => "cidr",
            EntityKind::Monero => "monero",
            EntityKind::EthTx => "eth_tx",
            EntityKind::Hash => "hash",
            EntityKind::Date => "date",
            EntityKind::Time => "time",
            EntityKind::Amount => "amount",
            EntityKind::Plate => "plate",
            EntityKind::Litecoin => "litecoin",
            EntityKind::BitcoinCash => "bitcoin_cash",
            EntityKind::Dash => "dash",
            EntityKind::Tron => "tron",
            EntityKind::Solana => "solana",
            EntityKind::Telegram => "telegram",
            EntityKind::Signal => "signal",
            EntityKind::Imei => "imei",
            EntityKind::Mac => "mac",
        }
    }
}

/// A name that is not one of [`EntityKind::as_str`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEntityKind(pub String);

impl std::fmt::Display for UnknownEntityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = EntityKind::ALL.iter().map(|k| k.as_str()).collect();
        write!(
            f,
            "unknown entity kind {:?}: expected one of {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownEntityKind {}

impl std::str::FromStr for EntityKind {
    type Err = UnknownEntityKind;

    /// The names [`EntityKind::as_str`] gives, in any letter case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim();
        EntityKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| UnknownEntityKind(s.to_string()))
    }
}

impl std::fmt::Display for EntityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One occurrence of an entity in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    pub kind: EntityKind,
    /// Exactly as written in the text.
    pub value: String,
    /// Canonical form for comparing and searching:
    /// - email: refanged, lowercase;
    /// - url: refanged (`hxxp` → `http`, `[.]` → `.`), scheme and host lowercase, path as written;
    /// - phone: E.164 (`+48600123456`);
    /// - ipv4 / ipv6: refanged, canonical text form (RFC 5952 for IPv6);
    /// - iban: electronic form, no spaces, uppercase; a Polish domestic account number (NRB,
    ///   26 digits) is reported as its `PL` IBAN when the default region is PL;
    /// - payment_card: digits only; a masked number ("4111 11** **** 1111") keeps `*` for each
    ///   hidden digit;
    /// - bitcoin: as written (Bech32 lowercase); ethereum: lowercase; monero: as written;
    /// - domain: a bare domain name (no scheme, no path), refanged and lowercase; a bare name
    ///   followed by a path ("example.com/login") is a url;
    /// - cidr: the network's address in canonical text form, "/", the prefix length
    ///   (`10.0.0.0/8`, `2001:db8::/32`);
    /// - eth_tx: `0x` and 64 hex digits, lowercase;
    /// - hash: 32, 40, 64 or 128 hex digits (MD5, SHA-1, SHA-256 or a Bitcoin transaction id,
    ///   SHA-512), lowercase; only single-case runs with both letters and digits, since a hash
    ///   has both and a run of digits is a number;
    /// - date: ISO 8601 (`2026-03-12`, or `2026-03-14T21:03` with a time, `…:44Z` with
    ///   seconds and zone as written). A numeric date with "/" or "-" whose first two numbers
    ///   could both be the month (`12/03/2026`) is read day-first unless the default region
    ///   writes month-first (US, its territories, the Philippines); with an unknown region or
    ///   CA it is left as written. Dotted dates are always day-first;
    /// - time: `HH:MM` or `HH:MM:SS` on the 24-hour clock;
    /// - amount: the number with "." as decimal mark and no grouping, any "mln" / "million" /
    ///   "tys." multiplied out, a space and the ISO 4217 code (`1500000 PLN`, `2500.00 EUR`,
    ///   `0.5 BTC`); decimals are kept as written;
    /// - plate: uppercase without spaces or dashes (`WA12345`);
    /// - litecoin, dash, tron, solana: as written (Litecoin Bech32 lowercase);
    /// - bitcoin_cash: CashAddr with its prefix, lowercase (`bitcoincash:qpm2…`);
    /// - telegram: `@` and the username, lowercase (Telegram names ignore case);
    ///   signal: the username with its number, lowercase (`jan_k.42`);
    /// - imei: 15 digits; mac: six lowercase hex pairs joined by ":".
    pub normalized: String,
    /// Absolute 1-based line (the `first_line` given to [`extract`](super::patterns::extract) is the text's first line).
    pub line: usize,
    /// 1-based column in characters (not bytes).
    pub column: usize,
    /// Byte span in the text given to [`extract`](super::patterns::extract).
    pub byte_start: usize,
    pub byte_end: usize,
    /// Whether `normalized` is exactly what the text says, and if not, why.
    pub check: Check,
}

/// What a finder could settle about a value beyond its validator: whether the normalized
/// form is exactly what the text says (a national phone number read with a region the user
/// did not set is not; nor is `03/04/2025` read with a guessed order), and the readings of an
/// ambiguous value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Why the normalized value is not verified; `None` when it is.
    pub unverified: Option<String>,
    /// The possible normalized values of an ambiguous one (both orders of a date, a national
    /// number in each region it is valid in); empty when there is one reading.
    pub readings: Vec<String>,
    /// The region a national phone number or numeric date was read with.
    pub region: Option<String>,
    /// Where that region came from: "setting", "document language", "document content",
    /// "prefix" (the number's own country code), "number format" (NANP `(NXX) NXX-XXXX`).
    pub region_source: Option<&'static str>,
}

impl Check {
    pub fn is_verified(&self) -> bool {
        self.unverified.is_none()
    }
}

/// What every finder returns: a reading of `text[start..end]` as an entity of `kind`, with
/// its normalized form. Finders may disagree where readings overlap; which one wins is the
/// orchestrator's decision ([`super::patterns`]), not theirs.
#[derive(Debug)]
pub(super) struct Hit {
    pub(super) kind: EntityKind,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) normalized: String,
    /// Verified unless the finder says otherwise.
    pub(super) check: Check,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_their_names() {
        for kind in EntityKind::ALL {
            assert_eq!(kind.as_str().parse::<EntityKind>(), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!("ETH_TX".parse::<EntityKind>(), Ok(EntityKind::EthTx));
        let err = "sha256".parse::<EntityKind>().err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("sha256") && e.contains("eth_tx")));
    }
}
