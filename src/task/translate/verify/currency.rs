//! Currencies: the answer names each currency the source names, and no other. The amount's
//! digits can all be there while its currency is gone ("270 (dwieście siedemdziesiąt)
//! złotych" → "270 (two hundred and seventy) gold title") or changed ("30 tys. zł" → "30
//! thousand euros"). Words are matched whole: "rapporteur" is not "EUR", "compound" not
//! "pound", "France" not "franc".

use regex::Regex;
use std::sync::LazyLock;

/// A currency: its name for the user, how a source names it, and how an answer may (sign,
/// code or name in the usual spellings: "zł", "złoty", "zloty", "PLN").
struct Currency {
    name: &'static str,
    source: LazyLock<Regex>,
    answer: LazyLock<Regex>,
}

static CURRENCIES: [Currency; 5] = [
    Currency {
        name: "złoty",
        // "złoty"/"złote" are also "golden": only after an amount ("270 (…) złotych" too).
        source: LazyLock::new(|| {
            Regex::new(
                r"(?i)\b(?:zł|pln|złotych|złotego|złotemu|złotówk\p{L}*)\b|(?:\d|\))\s*(?:tys\.|mln|mld)?\s*(?:złot[eya]|zl)\b",
            )
            .expect("valid")
        }),
        answer: LazyLock::new(|| {
            Regex::new(r"(?i)\bzł|\bzłot\p{L}*|\bzlot\p{L}*|\bpln\b").expect("valid")
        }),
    },
    Currency {
        name: "euro",
        source: LazyLock::new(|| Regex::new(r"(?i)\b(?:euro|euros|eur|eura)\b|€").expect("valid")),
        answer: LazyLock::new(|| {
            Regex::new(r"(?i)\beuros?\b|\beur\b|€|\beuro-?cent").expect("valid")
        }),
    },
    Currency {
        name: "dollar",
        source: LazyLock::new(|| {
            Regex::new(r"(?i)\bdolar\p{L}*|\bdollars?\b|\busd\b|\$").expect("valid")
        }),
        answer: LazyLock::new(|| {
            Regex::new(r"(?i)\bdolar\p{L}*|\bdollars?\b|\busd\b|\$").expect("valid")
        }),
    },
    Currency {
        name: "pound",
        source: LazyLock::new(|| {
            Regex::new(r"(?i)\bfunt\p{L}*|\bgbp\b|£|\bpfund\p{L}*|\blivres?\s+sterling")
                .expect("valid")
        }),
        answer: LazyLock::new(|| {
            Regex::new(
                r"(?i)\bpounds?\b|\bgbp\b|£|\bsterling\b|\bfunt\p{L}*|\bpfund\p{L}*|\blivres?\b",
            )
            .expect("valid")
        }),
    },
    Currency {
        name: "franc",
        source: LazyLock::new(|| {
            Regex::new(r"(?i)\bfrank\p{L}*\s+szwajcar|\bchf\b|\bfranken\b|\bfrancs?\b")
                .expect("valid")
        }),
        answer: LazyLock::new(|| {
            Regex::new(r"(?i)\bfrancs?\b|\bchf\b|\bfranken\b|\bfrank\p{L}*\s+szwajcar")
                .expect("valid")
        }),
    },
];

/// Whether `word` is how an answer may name a currency ("złotych", "zlotys", "euros").
pub(super) fn is_currency_word(word: &str) -> bool {
    static WHOLE: LazyLock<Regex> = LazyLock::new(|| {
        let any: Vec<String> = CURRENCIES
            .iter()
            .map(|c| format!("(?:{})", c.answer.as_str()))
            .collect();
        Regex::new(&format!("^(?:{})$", any.join("|"))).expect("valid")
    });
    WHOLE.is_match(word)
}

/// The currencies of `source` that `out` does not name.
pub(super) fn missing_currencies(source: &str, out: &str) -> Vec<String> {
    CURRENCIES
        .iter()
        .filter(|c| c.source.is_match(source) && !c.answer.is_match(out))
        .map(|c| c.name.to_string())
        .collect()
}

/// The currencies `out` names that `source` does not (in its own words or the answer's).
pub(super) fn added_currencies(source: &str, out: &str) -> Vec<String> {
    CURRENCIES
        .iter()
        .filter(|c| c.answer.is_match(out))
        .filter(|c| !c.source.is_match(source) && !c.answer.is_match(source))
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
        assert_eq!(missing_currencies(fr, "16 000 in Europe"), ["euro"]);
    }

    #[test]
    fn an_added_currency_is_found_and_words_that_contain_one_are_not() {
        let src = "straty szacuje się na ponad 820 tys. zł";
        assert_eq!(added_currencies(src, "over 820 thousand euros"), ["euro"]);
        assert!(added_currencies(src, "over 820 thousand zlotys").is_empty());
        let src = "SA Elżbieta Karpeta (spr.) i Frank Nowak";
        let out = "Judge Elżbieta Karpeta (rapporteur), Frank Nowak, a compound in France, \
                   in Europe, frankly";
        assert!(
            added_currencies(src, out).is_empty(),
            "{:?}",
            added_currencies(src, out)
        );
    }

    #[test]
    fn golden_and_europe_are_not_currencies() {
        assert!(missing_currencies("skradziono złote monety i złoty zegarek", "x").is_empty());
        assert!(missing_currencies("współpraca z Europolem w Europie", "x").is_empty());
    }
}
