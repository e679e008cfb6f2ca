//! Currencies a translation must keep. The amount's digits can all be there while its
//! currency is gone: "270 (dwieście siedemdziesiąt) złotych" → "270 (two hundred and
//! seventy) gold title". Each currency the source names must come back, as its sign, code
//! or name in any of the usual spellings ("zł", "złoty", "zloty", "PLN").

use regex::Regex;
use std::sync::LazyLock;

/// A currency: its name for the user, how sources name it, and the (lower-case) forms an
/// answer may use.
struct Currency {
    name: &'static str,
    source: LazyLock<Regex>,
    answer: &'static [&'static str],
}

static CURRENCIES: [Currency; 5] = [
    Currency {
        name: "złoty",
        // "złoty"/"złote" are also "golden": only after an amount ("270 (…) złotych" too).
        source: LazyLock::new(|| {
            Regex::new(
                r"(?i)\b(?:zł|pln|złotych|złotego|złotemu|złotówk\p{L}*)\b|(?:\d|\))\s*(?:tys\.|mln|mld)?\s*złot[eya]\b",
            )
            .expect("valid")
        }),
        answer: &["zł", "złot", "zlot", "pln"],
    },
    Currency {
        name: "euro",
        source: LazyLock::new(|| Regex::new(r"(?i)\b(?:euro|euros|eur|eura)\b|€").expect("valid")),
        answer: &["euro", "eur", "€"],
    },
    Currency {
        name: "dollar",
        source: LazyLock::new(|| {
            Regex::new(r"(?i)\b(?:dolar\p{L}*|dollar\p{L}*|usd)\b|\$").expect("valid")
        }),
        answer: &["dollar", "dolar", "usd", "$"],
    },
    Currency {
        name: "pound sterling",
        source: LazyLock::new(|| {
            Regex::new(r"(?i)\bfunt\p{L}*\s+szterling\p{L}*|\bgbp\b|£|\bpfund\s+sterling|\blivres?\s+sterling")
                .expect("valid")
        }),
        answer: &["pound", "gbp", "£", "sterling", "funt", "pfund", "livre"],
    },
    Currency {
        name: "Swiss franc",
        source: LazyLock::new(|| {
            Regex::new(
                r"(?i)\bfrank\p{L}*\s+szwajcarsk\p{L}*|\bchf\b|\bfranken\b|\bfrancs?\s+suisses?",
            )
            .expect("valid")
        }),
        answer: &["franc", "chf", "franken", "frank"],
    },
];

/// The currencies of `source` that `out` does not name.
pub(super) fn missing_currencies(source: &str, out: &str) -> Vec<String> {
    let lower = out.to_lowercase();
    CURRENCIES
        .iter()
        .filter(|c| c.source.is_match(source))
        .filter(|c| !c.answer.iter().any(|a| lower.contains(a)))
        .map(|c| c.name.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_currency_is_found() {
        let src = "wymierza mu karę 270 (dwieście siedemdziesiąt) złotych";
        assert_eq!(
            missing_currencies(src, "imposes 270 (two hundred and seventy) gold title"),
            ["złoty"]
        );
        for ok in [
            "imposes a fine of 270 (two hundred and seventy) zlotys",
            "imposes a fine of PLN 270 (two hundred and seventy)",
            "imposes a fine of 270 zł",
        ] {
            assert!(missing_currencies(src, ok).is_empty(), "{ok}");
        }
        let src = "straty szacuje się na ponad 820 tys. zł";
        assert_eq!(
            missing_currencies(src, "losses of over 820 thousand"),
            ["złoty"]
        );
        let fr = "se fait escroquer de 16 000 euros";
        assert!(missing_currencies(fr, "was swindled out of 16 thousand euros").is_empty());
        assert!(missing_currencies(fr, "was swindled out of EUR 16,000").is_empty());
        assert_eq!(
            missing_currencies(fr, "was swindled out of 16 000"),
            ["euro"]
        );
    }

    #[test]
    fn golden_and_europe_are_not_currencies() {
        assert!(missing_currencies("skradziono złote monety i złoty zegarek", "x").is_empty());
        assert!(missing_currencies("współpraca z Europolem w Europie", "x").is_empty());
    }
}
