//! Amounts of money with their currency: `$1 million`, `15 000 zł`, `€2,500`, `2.500,00 EUR`,
//! `1,5 mln zł`, `PLN 100`, `50 tys. zł`, `0.5 BTC`.
//!
//! A number without a currency next to it is not an amount. Both decimal conventions are read:
//! with both "." and "," in a number the last one is the decimal mark; with one of them once,
//! it is a thousands separator when exactly three digits follow and the number does not start
//! with 0 ("2,500", "2.500"), otherwise the decimal mark ("1,5", "12.50"). Crypto-currency
//! amounts are fractions more often than thousands, so there a lone separator is always
//! decimal. Spaces (plain, no-break, thin, narrow no-break) and apostrophes group thousands.

mod words;

use super::entity::{EntityKind, Hit};
use super::scan::{Context, Regions, Window, find_in, pattern};
use std::sync::LazyLock;

/// A written number split at its decimal mark when it has a decimal part the way amounts are
/// written — one or two digits after its last "," or "." ("2 189 337,30" → ("2 189 337",
/// "30"), "3.5" → ("3", "5")); `None` for "1.500" (three digits: a thousands separator) or
/// "12". The checks that compare a model's numbers with the document's read decimals this way.
pub fn split_decimals(number: &str) -> Option<(&str, &str)> {
    let p = number.rfind([',', '.'])?;
    let tail = &number[p + 1..];
    ((1..=2).contains(&tail.len()) && tail.bytes().all(|b| b.is_ascii_digit()))
        .then_some((&number[..p], tail))
}

/// A number as written: digits grouped by spaces, dots, commas or apostrophes.
const NUMBER: &str = r"\d{1,3}(?:[ \u{A0}\u{2009}\u{202F}]\d{3})+(?:[.,]\d{1,2})?|\d{1,3}(?:[.,'’]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?";

/// Words that multiply a number, longest first within each power of ten.
const MULTIPLIERS: &[(&str, usize)] = &[
    ("tysięcy", 3),
    ("tysiące", 3),
    ("tysiąca", 3),
    ("tysiecy", 3),
    ("thousand", 3),
    ("tys", 3),
    ("tsd", 3),
    ("tausend", 3),
    ("mille", 3),
    ("mil", 3),
    ("тисячі", 3),
    ("тисяча", 3),
    ("тисяч", 3),
    ("тис", 3),
    ("тысячи", 3),
    ("тысяча", 3),
    ("тысяч", 3),
    ("тыс", 3),
    ("k", 3),
    ("мільйонів", 6),
    ("мільйони", 6),
    ("мільйона", 6),
    ("мільйон", 6),
    ("миллионов", 6),
    ("миллиона", 6),
    ("миллион", 6),
    ("млн", 6),
    ("millionen", 6),
    ("milionów", 6),
    ("milionow", 6),
    ("miliony", 6),
    ("miliona", 6),
    ("milion", 6),
    ("millions", 6),
    ("million", 6),
    ("millones", 6),
    ("millón", 6),
    ("millon", 6),
    ("mln", 6),
    ("mio", 6),
    ("mn", 6),
    ("m", 6),
    ("mil millones", 9),
    ("milliarden", 9),
    ("milliarde", 9),
    ("мільярдів", 9),
    ("мільярди", 9),
    ("мільярд", 9),
    ("миллиардов", 9),
    ("миллиарда", 9),
    ("миллиард", 9),
    ("млрд", 9),
    ("miliardów", 9),
    ("miliardow", 9),
    ("miliardy", 9),
    ("miliarda", 9),
    ("miliard", 9),
    ("milliards", 9),
    ("milliard", 9),
    ("billions", 9),
    ("billion", 9),
    ("mld", 9),
    ("mrd", 9),
    ("bn", 9),
];

/// Currency signs and ISO codes that may stand before or after the number.
const SIGNS: &[(&str, &str)] = &[
    ("US$", "USD"),
    ("C$", "CAD"),
    ("A$", "AUD"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₿", "BTC"),
    ("₽", "RUB"),
    ("₴", "UAH"),
    ("₹", "INR"),
    ("₺", "TRY"),
];

const CODES: &[&str] = &[
    "PLN", "EUR", "USD", "GBP", "CHF", "CZK", "UAH", "RUB", "BYN", "SEK", "NOK", "DKK", "HUF",
    "RON", "BGN", "TRY", "JPY", "CNY", "CAD", "AUD", "BTC", "ETH", "XMR", "LTC", "USDT", "USDC",
];

/// Currency words written after the number, lowercase.
const WORDS: &[(&str, &str)] = &[
    ("złotych", "PLN"),
    ("złotego", "PLN"),
    ("złote", "PLN"),
    ("złoty", "PLN"),
    ("zlotych", "PLN"),
    ("zł", "PLN"),
    ("zl", "PLN"),
    ("euros", "EUR"),
    ("euro", "EUR"),
    ("dolarów", "USD"),
    ("dolarow", "USD"),
    ("dolary", "USD"),
    ("dolara", "USD"),
    ("dollars", "USD"),
    ("dollar", "USD"),
    ("dólares", "USD"),
    ("funtów", "GBP"),
    ("funtow", "GBP"),
    ("pounds", "GBP"),
    ("franków", "CHF"),
    ("frankow", "CHF"),
    ("bitcoins", "BTC"),
    ("bitcoinów", "BTC"),
    ("bitcoin", "BTC"),
    ("kč", "CZK"),
    ("hrywien", "UAH"),
    ("rubli", "RUB"),
    ("dolares", "USD"),
    ("us-dollar", "USD"),
    ("pfund", "GBP"),
    ("libras", "GBP"),
    ("franken", "CHF"),
    ("гривень", "UAH"),
    ("гривні", "UAH"),
    ("гривня", "UAH"),
    ("гривен", "UAH"),
    ("гривны", "UAH"),
    ("гривна", "UAH"),
    ("грн", "UAH"),
    ("рублів", "RUB"),
    ("рублей", "RUB"),
    ("рубля", "RUB"),
    ("рубль", "RUB"),
    ("руб", "RUB"),
    ("доларів", "USD"),
    ("долари", "USD"),
    ("долар", "USD"),
    ("долларов", "USD"),
    ("доллара", "USD"),
    ("доллар", "USD"),
    ("євро", "EUR"),
    ("евро", "EUR"),
];

const CRYPTO: &[&str] = &["BTC", "ETH", "XMR", "LTC", "USDT", "USDC"];

fn alternation(items: impl Iterator<Item = &'static str>) -> String {
    let mut items: Vec<&str> = items.collect();
    items.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    items
        .into_iter()
        .map(regex::escape)
        .collect::<Vec<_>>()
        .join("|")
}

static AMOUNT: LazyLock<regex::Regex> = LazyLock::new(|| {
    let signs = alternation(SIGNS.iter().map(|(s, _)| *s));
    let codes = alternation(CODES.iter().copied());
    let words = alternation(WORDS.iter().map(|(w, _)| *w));
    let mult = alternation(MULTIPLIERS.iter().map(|(m, _)| *m));
    let gap = r"[ \u{A0}\u{2009}\u{202F}]?";
    pattern(&format!(
        r"(?:(?P<pre>{signs}|\b(?:{codes})\b){gap}(?P<n1>{NUMBER})(?:{gap}(?P<m1>(?i:{mult}))\.?)?|\b(?P<n2>{NUMBER})(?:{gap}(?P<m2>(?i:{mult}))\.?(?:{gap}(?i:de{gap}|d['’]))?)?(?:{gap}\([^()0-9\n]+\))?{gap}(?P<post>{signs}|\b(?:{codes})\b|(?i:{words})))"
    ))
});

/// Amounts of money in `text`, normalized as "<number> <ISO code>".
pub(super) fn find_amounts(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let windows = regions.numeric.iter().map(|w| restated(text, w));
    for m in find_in(&AMOUNT, text, windows) {
        let Some((number_at, number, mult, currency)) = amount_parts(m.as_str()) else {
            continue;
        };
        let Some(code) = currency_code(currency) else {
            continue;
        };
        if glued(text, m.start() + number_at, m.end()) {
            continue;
        }
        let exponent = mult.map_or(Some(0), multiplier);
        let Some(exponent) = exponent else { continue };
        let Some(value) = parse_number(number, CRYPTO.contains(&code), exponent) else {
            continue;
        };
        out.push(Hit {
            kind: EntityKind::Amount,
            start: m.start(),
            end: m.end(),
            normalized: format!("{value} {code}"),
            check: Default::default(),
        });
    }
    out.extend(words::find(text));
    out
}

/// The window `w`, extended past a parenthesis it leaves open and one word after it: a court
/// restates an amount in words before its currency ("270 (dwieście siedemdziesiąt) złotych"),
/// and Spanish joins the multiplier with "de" ("3 millones de euros"), either of which can
/// put the currency beyond the words a window keeps after a number.
fn restated(text: &str, w: &Window) -> std::ops::Range<usize> {
    let inside = &text[w.range()];
    let after = &text[w.end..];
    let last_word = inside.rsplit(char::is_whitespace).next().unwrap_or("");
    let close = if inside.ends_with(')') || matches!(last_word, "de" | "De" | "DE") {
        // The parenthesis closes at the window's end, or "3 millones de" ends it: only the
        // currency is missing.
        0
    } else if inside.matches('(').count() > inside.matches(')').count() {
        match after.find(')').filter(|&i| i < 120) {
            Some(i) => i + 1,
            None => return w.range(),
        }
    } else {
        return w.range();
    };
    let rest = &after[close..];
    let trimmed = rest.trim_start();
    let word = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    w.start..w.end + close + (rest.len() - trimmed.len()) + word
}

/// A match of [`AMOUNT`] taken apart: where its number starts, the number, the multiplier
/// word and the currency as written. Read off the match rather than from captures, which cost
/// more than the search; the pattern has already fixed the shape.
fn amount_parts(written: &str) -> Option<(usize, &str, Option<&str>, &str)> {
    let is_gap = |c: char| matches!(c, ' ' | '\u{A0}' | '\u{2009}' | '\u{202F}');
    let in_number =
        |c: char| c.is_ascii_digit() || is_gap(c) || matches!(c, '.' | ',' | '\'' | '’');
    let leading_currency = if written.starts_with(|c: char| c.is_ascii_digit()) {
        None
    } else {
        SIGNS
            .iter()
            .map(|(s, _)| *s)
            .chain(CODES.iter().copied())
            .filter(|s| written.starts_with(s))
            .max_by_key(|s| s.len())
    };
    let number_at = leading_currency.map_or(0, |c| {
        c.len() + written[c.len()..].len() - written[c.len()..].trim_start_matches(is_gap).len()
    });
    let after_currency = &written[number_at..];
    let number_len = after_currency
        .find(|c: char| !in_number(c))
        .unwrap_or(after_currency.len());
    let number = after_currency[..number_len].trim_end_matches(|c: char| !c.is_ascii_digit());
    let rest = after_currency[number.len()..].trim_start_matches(is_gap);
    // A multiplier is the word after the number, when it is one: "mln zł", "Mio. Euro",
    // "mil millones de euros".
    let word_len = if rest.to_lowercase().starts_with("mil millones") {
        "mil millones".len()
    } else {
        rest.find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len())
    };
    let (mult, rest) = match multiplier(&rest[..word_len]) {
        Some(_) => (
            Some(&rest[..word_len]),
            strip_connector(
                rest[word_len..]
                    .trim_start_matches('.')
                    .trim_start_matches(is_gap),
            ),
        ),
        None => (None, rest),
    };
    // "100 (sto) złotych": the amount restated in words, between the number and the currency.
    // (The pattern takes any parenthesis without digits: a bounded run of letters there
    // made the regex engine give up its DFA and run ten times slower.)
    let rest = match rest.strip_prefix('(').and_then(|r| r.split_once(')')) {
        Some((words, after))
            if words.len() <= 80
                && words
                    .chars()
                    .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-')) =>
        {
            after.trim_start_matches(is_gap)
        }
        Some(_) => return None,
        None => rest,
    };
    let currency = match leading_currency {
        Some(c) if rest.is_empty() => c,
        Some(_) => return None,
        None => rest,
    };
    (!number.is_empty()).then_some((number_at, number, mult, currency))
}

/// `rest` without the "de " or "d’" that joins a multiplier to its currency in French and
/// Spanish ("millions d’euros", "millones de dólares").
fn strip_connector(rest: &str) -> &str {
    for connector in ["de ", "De ", "DE ", "de\u{A0}", "d'", "d’", "D'", "D’"] {
        if let Some(after) = rest.strip_prefix(connector) {
            return after.trim_start_matches([' ', '\u{A0}', '\u{2009}', '\u{202F}']);
        }
    }
    rest
}

/// Whether the number starting at `number_start` continues a longer number or word, or the
/// match ending at `end` runs on ("100 zło…", "PLN 100abc").
fn glued(text: &str, number_start: usize, end: usize) -> bool {
    let mut before = text[..number_start].chars().rev();
    let glued_before = match before.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => true,
        Some('.' | ',') => before.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    let mut after = text[end..].chars();
    let glued_after = match after.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => true,
        Some('.' | ',') => after.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    glued_before || glued_after
}

fn currency_code(written: &str) -> Option<&'static str> {
    if let Some(&(_, code)) = SIGNS.iter().find(|(s, _)| *s == written) {
        return Some(code);
    }
    if let Some(code) = CODES.iter().find(|c| **c == written) {
        return Some(*code);
    }
    let lower = written.to_lowercase();
    WORDS
        .iter()
        .find(|(w, _)| *w == lower)
        .map(|&(_, code)| code)
}

fn multiplier(word: &str) -> Option<usize> {
    let lower = word.to_lowercase();
    MULTIPLIERS
        .iter()
        .find(|(m, _)| *m == lower)
        .map(|&(_, e)| e)
}

/// Plain decimal form of a written number times 10^`exponent`: "2.500,00" → "2500.00",
/// "1,5" × 10^6 → "1500000". Without a multiplier the decimals stay as written.
pub(super) fn parse_number(
    written: &str,
    lone_is_decimal: bool,
    exponent: usize,
) -> Option<String> {
    let marks: Vec<(usize, char)> = written
        .char_indices()
        .filter(|(_, c)| !c.is_ascii_digit())
        .collect();
    let dots = marks.iter().filter(|(_, c)| *c == '.').count();
    let commas = marks.iter().filter(|(_, c)| *c == ',').count();
    let decimal_at = match marks.last() {
        None => None,
        Some(&(i, c @ ('.' | ','))) => {
            let after = &written[i + 1..];
            let lone = if c == '.' { dots == 1 } else { commas == 1 };
            let other_before = marks[..marks.len() - 1].iter().any(|&(_, m)| m != c);
            if other_before {
                // "2.500,00", "1 500,50", "1,500.25": the last mark is the decimal one.
                Some(i)
            } else if !lone {
                // "1.500.000": thousands only.
                None
            } else if lone_is_decimal
                || after.len() != 3
                || written.starts_with('0')
                || exponent > 0
            {
                Some(i)
            } else {
                None
            }
        }
        Some(_) => None,
    };
    let (int_part, frac_part) = match decimal_at {
        Some(i) => (&written[..i], &written[i + 1..]),
        None => (written, ""),
    };
    let int_digits: String = int_part.chars().filter(char::is_ascii_digit).collect();
    let frac_digits: String = frac_part.chars().filter(char::is_ascii_digit).collect();
    if int_digits.is_empty() {
        return None;
    }
    let (int_digits, frac_digits) = if exponent == 0 {
        (int_digits, frac_digits)
    } else {
        let shifted = frac_digits.len().min(exponent);
        let mut int = int_digits + &frac_digits[..shifted];
        int.extend(std::iter::repeat_n('0', exponent - shifted));
        let frac = frac_digits[shifted..].trim_end_matches('0').to_string();
        (int, frac)
    };
    let int_digits = match int_digits.trim_start_matches('0') {
        "" => "0",
        trimmed => trimmed,
    };
    Some(if frac_digits.is_empty() {
        int_digits.to_string()
    } else {
        format!("{int_digits}.{frac_digits}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::testing::{kinds, of_kind};

    #[test]
    fn numbers_in_both_conventions() {
        let p = |s: &str| parse_number(s, false, 0);
        assert_eq!(p("2.500,00").as_deref(), Some("2500.00"));
        assert_eq!(p("2,500.00").as_deref(), Some("2500.00"));
        assert_eq!(p("2,500").as_deref(), Some("2500"));
        assert_eq!(p("2.500").as_deref(), Some("2500"));
        assert_eq!(p("1.500.000").as_deref(), Some("1500000"));
        assert_eq!(p("1,5").as_deref(), Some("1.5"));
        assert_eq!(p("12.50").as_deref(), Some("12.50"));
        assert_eq!(p("0.500").as_deref(), Some("0.500"));
        assert_eq!(p("15 000").as_deref(), Some("15000"));
        assert_eq!(p("15\u{A0}000,50").as_deref(), Some("15000.50"));
        assert_eq!(p("1'000'000").as_deref(), Some("1000000"));
        assert_eq!(parse_number("1.500", true, 0).as_deref(), Some("1.500"));
    }

    #[test]
    fn multipliers_shift_the_decimal_point() {
        assert_eq!(parse_number("1,5", false, 6).as_deref(), Some("1500000"));
        assert_eq!(parse_number("1", false, 6).as_deref(), Some("1000000"));
        assert_eq!(parse_number("2.25", false, 3).as_deref(), Some("2250"));
        assert_eq!(parse_number("1.2345", false, 3).as_deref(), Some("1234.5"));
        assert_eq!(parse_number("0,5", false, 9).as_deref(), Some("500000000"));
    }

    #[test]
    fn amounts_of_money() {
        let t = "Ukradł $1 million, 15 000 zł, €2,500, 2.500,00 EUR, 1,5 mln zł, 100 USD, \
                 PLN 100, £30, 50 tys. zł, BTC 0.5, 0.5 BTC, 15\u{A0}000,50 zł, 1\u{202F}200 €, \
                 12,99 złotych, 2 Mio. Euro, 270 (dwieście siedemdziesiąt) złotych, \
                 2,3 Millionen Euro, 2 millions d’euros, 3 millones de euros, 3 mil euros, \
                 100 тисяч гривень, 1,2 млн руб., 5 000 €, un million d’euros, mil euros. \
                 Perdieron 4 millones de dólares.";
        assert_eq!(
            of_kind(t, EntityKind::Amount),
            [
                "1000000 USD",
                "15000 PLN",
                "2500 EUR",
                "2500.00 EUR",
                "1500000 PLN",
                "100 USD",
                "100 PLN",
                "30 GBP",
                "50000 PLN",
                "0.5 BTC",
                "0.5 BTC",
                "15000.50 PLN",
                "1200 EUR",
                "12.99 PLN",
                "2000000 EUR",
                "270 PLN",
                "2300000 EUR",
                "2000000 EUR",
                "3000000 EUR",
                "3000 EUR",
                "100000 UAH",
                "1200000 RUB",
                "5000 EUR",
                "1000000 EUR",
                "1000 EUR",
                "4000000 USD",
            ]
        );
        assert!(of_kind(t, EntityKind::Phone).is_empty(), "{:?}", kinds(t));
        for t in [
            "3,5 km",
            "100 zło",
            "PLN100x",
            "BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "rok 2025",
            "usd 100",
            "karę 100 (stu) stawek dziennych",
            "almost a quarter of a million pounds",
            "un million de personnes",
        ] {
            assert!(
                of_kind(t, EntityKind::Amount).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
    }
}
