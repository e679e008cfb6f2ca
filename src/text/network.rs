//! Network indicators: URLs, bare domain names and e-mail addresses, plain or defanged as
//! threat reports write them (`hxxp://`, `example[.]com`, `user[@]host`), and IPv4 and IPv6
//! addresses with their CIDR ranges.
//!
//! A bare "name.tld" is a domain only with a known top-level domain ([`tlds`]), so file names
//! ("report.pdf") and abbreviations ("m.in.") are not; dotted numbers are addresses only with
//! octets in range and without a version word before or a pre-release tag after.

mod tlds;

use super::entity::{Check, EntityKind, Hit};
use super::scan::{
    Context, Regions, char_after, char_before, find_in, lower_context_after, lower_context_before,
    numeric, pattern, preceded_by_version_word, refang_at, refang_dots,
};
use regex::Regex;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

// ---------------------------------------------------------------------------------------------
// URLs and e-mail

/// Characters a URL runs through; "[" and "]" stay in for defanged dots and IPv6 hosts.
const URL_BODY: &str = r#"[^\s<>"'`{}|\\^«»“”„]"#;

static URL_SCHEME: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)\b(?:https?|hxxps?|hxtps?|h\[tt\]ps?|ftps?|fxps?|sftp)(?:://|\[://\]|\[:\]//|:\[//\]){URL_BODY}+"
    ))
});

static URL_WWW: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)\bwww<DOT>[\p{{L}}\p{{N}}\-]+(?:<DOT>[\p{{L}}\p{{N}}\-]+)+(?:[/?#]{URL_BODY}*)?"
    ))
});

static DOMAIN: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)[\p{{L}}\p{{N}}][\p{{L}}\p{{N}}\-]*(?:<DOT>[\p{{L}}\p{{N}}\-]+)*<DOT>\p{{L}}{{2,24}}\b(?:/{URL_BODY}*)?"
    ))
});

/// Whether a match starting at `start` is glued to a word before it. Boundaries in the
/// patterns are ASCII-only (see [`pattern`]), so a match may start inside a word that has
/// non-ASCII letters.
fn glued(text: &str, start: usize) -> bool {
    char_before(text, start).is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// URLs with a scheme ("https://", "hxxp://") or starting "www.".
pub(super) fn find_urls(text: &str, _regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in URL_SCHEME.find_iter(text).chain(URL_WWW.find_iter(text)) {
        let mut end = m.start() + trim_url_tail(m.as_str());
        if end <= m.start() || glued(text, m.start()) {
            continue;
        }
        // AsciiDoc's passthrough `+http://…+`: the closing "+" is markup, not the URL's.
        if char_before(text, m.start()) == Some('+') && text[..end].ends_with('+') {
            end -= 1;
        }
        // A Markdown/AsciiDoc link label glued to the URL, `https://x.org[misp]`.
        end = m.start() + without_link_label(&text[m.start()..end]);
        let mut check = Check::default();
        // A brace pattern, `…/mp1a{1,sq,sl,ss}.aj5`: several URLs written as one. Reported
        // as written, with the URLs it stands for, and not verified as one URL.
        if text[end..].starts_with('{')
            && let Some((pattern_end, urls)) = brace_pattern(text, m.start(), end)
        {
            end = pattern_end;
            check = Check {
                unverified: Some(
                    "a brace pattern that stands for several URLs (see readings), as written"
                        .into(),
                ),
                readings: urls.iter().map(|u| normalize_url(u)).collect(),
                ..Check::default()
            };
        }
        out.push(Hit {
            kind: EntityKind::Url,
            start: m.start(),
            end,
            normalized: normalize_url(&text[m.start()..end]),
            check,
        });
    }
    out
}

/// Length of `url` without a trailing link label in brackets (`[misp]`); brackets that are a
/// defanged dot or colon (`[.]`, `[dot]`, `[:]`) or an IPv6 host stay.
fn without_link_label(url: &str) -> usize {
    if !url.ends_with(']') {
        return url.len();
    }
    let Some(open) = url.rfind('[') else {
        return url.len();
    };
    let inside = &url[open + 1..url.len() - 1];
    let defang = matches!(
        inside.to_ascii_lowercase().as_str(),
        "." | "dot" | ":" | "://" | "at" | "@"
    );
    let ipv6 = inside.contains(':') && inside.chars().all(|c| c.is_ascii_hexdigit() || c == ':');
    if defang || ipv6 || inside.is_empty() || url[..open].ends_with("://") {
        url.len()
    } else {
        open
    }
}

/// The end of a brace pattern that continues the URL at `start..end` (`{1,sq}.aj5`), and the
/// URLs it expands to; `None` when the braces do not close on the same word or hold one
/// alternative only.
fn brace_pattern(text: &str, start: usize, end: usize) -> Option<(usize, Vec<String>)> {
    let rest = &text[end..];
    let close = rest.find('}')?;
    let inner = &rest[1..close];
    if inner.contains(char::is_whitespace) || !inner.contains(',') || inner.contains('{') {
        return None;
    }
    let tail_len = rest[close + 1..]
        .find(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | '<' | '>' | '{'))
        .unwrap_or(rest.len() - close - 1);
    let tail = &rest[close + 1..close + 1 + tail_len];
    let tail = &tail[..trim_url_tail(tail)];
    let head = &text[start..end];
    let urls = inner
        .split(',')
        .map(|alt| format!("{head}{alt}{tail}"))
        .collect();
    Some((end + close + 1 + tail.len(), urls))
}

/// Bare domain names ("evil[.]com"), and bare names with a path ("example.com/login"), which
/// are URLs.
pub(super) fn find_domains(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in find_in(&DOMAIN, text, regions.dotted.iter().cloned()) {
        let end = m.start() + trim_url_tail(m.as_str());
        let value = &text[m.start()..end];
        let host = value.split('/').next().unwrap_or(value);
        // The pattern admits no other brackets than a defanged dot's.
        let defanged = host.contains(['[', '(', '{']);
        let tld = host.rsplit(['.', ']', ')', '}']).next().unwrap_or("");
        // Most candidates are file names and sentence breaks, which the TLD settles cheapest.
        if !tlds::plausible_tld(tld, usize::MAX, defanged) {
            continue;
        }
        let before = lower_context_before(text, m.start(), 4);
        // The domain of an e-mail address, or a piece of a longer dotted name.
        if before.ends_with('@')
            || before.ends_with("[@]")
            || before.ends_with("(at)")
            || before.ends_with("[at]")
            || before.ends_with('.')
            || before.ends_with('/')
            || before.ends_with('-')
            || glued(text, m.start())
        {
            continue;
        }
        // "jan.kowalski@…", "john.doe[at]…": the local part of an e-mail address.
        let rest = lower_context_after(text, end, 4);
        if ["@", "[@]", "(at)", "[at]"]
            .iter()
            .any(|at| rest.starts_with(at))
        {
            continue;
        }
        let plain = if defanged {
            refang_dots(host)
        } else {
            host.to_string()
        };
        let labels = plain.split('.').count();
        // "m.in.", "e.g.", "U.S.A.": one-letter labels are abbreviations, unless the name is
        // defanged (a threat report marks it as a host on purpose: "u.piii[.]net") or only its
        // first label is short ("u.example.net"; an abbreviation has no long label after a
        // one-letter one).
        let short = |l: &str| l.chars().count() < 2;
        let mut parts = plain.split('.');
        let first_short = parts.next().is_some_and(short);
        let first_ok = !first_short || defanged || labels >= 3 && !parts.any(short);
        if !first_ok || !tlds::plausible_tld(tld, labels, defanged) {
            continue;
        }
        let bare = host.len() == value.len();
        out.push(Hit {
            kind: if bare {
                EntityKind::Domain
            } else {
                EntityKind::Url
            },
            start: m.start(),
            end,
            normalized: if bare {
                plain.to_lowercase()
            } else {
                normalize_url(value)
            },
            check: Default::default(),
        });
    }
    out
}

/// Length of `url` without trailing punctuation that belongs to the sentence.
fn trim_url_tail(url: &str) -> usize {
    let mut s = url;
    while let Some(last) = s.chars().last() {
        let unbalanced =
            |open: char, close: char| s.matches(close).count() > s.matches(open).count();
        let strip = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | '*' => true,
            ')' => unbalanced('(', ')'),
            ']' => unbalanced('[', ']'),
            _ => false,
        };
        if !strip {
            break;
        }
        s = &s[..s.len() - last.len_utf8()];
    }
    s.len()
}

fn normalize_url(url: &str) -> String {
    static SCHEME: LazyLock<Regex> = LazyLock::new(|| {
        pattern(
            r"(?i)^(?:(h(?:xx|xt|\[tt\]|tt)p(s?))|(f(?:x|t)p(s?))|(sftp))(?:://|\[://\]|\[:\]//|:\[//\])",
        )
    });
    let plain = refang_dots(url);
    let (scheme, rest) = match SCHEME.captures(&plain) {
        Some(c) => {
            let scheme = if c.get(1).is_some() {
                format!("http{}", c.get(2).map_or("", |m| m.as_str()).to_lowercase())
            } else if c.get(3).is_some() {
                format!("ftp{}", c.get(4).map_or("", |m| m.as_str()).to_lowercase())
            } else {
                "sftp".to_string()
            };
            let end = c.get(0).map_or(0, |m| m.end());
            (Some(scheme), &plain[end..])
        }
        None => (None, plain.as_str()),
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, path) = rest.split_at(host_end);
    let host = host.to_lowercase();
    match scheme {
        Some(scheme) => format!("{scheme}://{host}{path}"),
        None => format!("{host}{path}"),
    }
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)[\p{L}\p{N}_%+\-](?:[\p{L}\p{N}._%+\-]*[\p{L}\p{N}_%+\-])?<AT>(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?<DOT>)+\p{L}{2,24}",
    )
});

pub(super) fn find_emails(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in find_in(&EMAIL, text, regions.at.iter().cloned()) {
        if char_after(text, m.end()).is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        out.push(Hit {
            kind: EntityKind::Email,
            start: m.start(),
            end: m.end(),
            normalized: refang_at(&refang_dots(m.as_str())).to_lowercase(),
            check: Default::default(),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// IP addresses

static IPV4: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b\d{1,3}<DOT>\d{1,3}<DOT>\d{1,3}<DOT>\d{1,3}\b"));

pub(super) fn find_ipv4(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let windows = numeric(regions, |w| w.digits >= 4 && (w.dots >= 3 || w.brackets));
    for m in find_in(&IPV4, text, windows) {
        // Part of a longer dotted number: an OID, a version "1.2.3.4.5".
        let before = &text[..m.start()];
        let after = &text[m.end()..];
        let dotted_digit = |s: &str| {
            let mut chars = s.chars();
            matches!(chars.next(), Some('.')) && chars.next().is_some_and(|c| c.is_ascii_digit())
        };
        if before.ends_with('.')
            || before.ends_with(|c: char| c.is_alphanumeric())
            || after.starts_with(|c: char| c.is_alphanumeric())
            || dotted_digit(after)
        {
            continue;
        }
        // "1.2.3.4-beta", "10.0.0.1-rc2": a pre-release tag makes it a version.
        let mut tail = after.chars();
        if tail.next() == Some('-') && tail.next().is_some_and(char::is_alphabetic) {
            continue;
        }
        if preceded_by_version_word(text, m.start()) {
            continue;
        }
        let plain = refang_dots(m.as_str());
        // std rejects octets above 255 and leading zeros ("010.1.1.1" is ambiguous).
        let Ok(ip) = plain.parse::<Ipv4Addr>() else {
            continue;
        };
        push_cidr(text, m.end(), 32, &ip.to_string(), m.start(), &mut out);
        out.push(Hit {
            kind: EntityKind::Ipv4,
            start: m.start(),
            end: m.end(),
            normalized: ip.to_string(),
            check: Default::default(),
        });
    }
    out
}

/// A CIDR range when "/prefix" follows the address ending at `end`. The address itself is
/// pushed too: inside a URL ("http://10.0.0.1/24") the range loses to the URL, the address
/// does not, and elsewhere the range outranks the address.
fn push_cidr(text: &str, end: usize, max: u32, ip: &str, start: usize, out: &mut Vec<Hit>) {
    let rest = &text[end..];
    let Some(digits) = rest.strip_prefix('/') else {
        return;
    };
    let len = digits.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=3).contains(&len) || glued_after_number(&digits[len..]) {
        return;
    }
    let Ok(prefix) = digits[..len].parse::<u32>() else {
        return;
    };
    // "/08" is nobody's prefix length.
    if prefix > max || (len > 1 && digits.starts_with('0')) {
        return;
    }
    out.push(Hit {
        kind: EntityKind::Cidr,
        start,
        end: end + 1 + len,
        normalized: format!("{ip}/{prefix}"),
        check: Default::default(),
    });
}

/// Whether `rest`, the text after a number, continues it: a word, or "." / "," / "/" and a
/// digit.
fn glued_after_number(rest: &str) -> bool {
    let mut chars = rest.chars();
    match chars.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => true,
        Some('.' | ',' | '/' | ':') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

static IPV6: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?i)(?:[0-9a-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]{0,4})")
});

pub(super) fn find_ipv6(text: &str, regions: &Regions, _ctx: &Context<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in find_in(&IPV6, text, numeric(regions, |w| w.colons >= 2)) {
        if char_before(text, m.start()).is_some_and(|c| c.is_alphanumeric() || c == ':') {
            continue;
        }
        let mut candidate = m.as_str();
        // "…fe80::1: next" — a colon closing the sentence.
        if candidate.ends_with(':') && !candidate.ends_with("::") {
            candidate = &candidate[..candidate.len() - 1];
        }
        let end = m.start() + candidate.len();
        if char_after(text, end).is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        if !candidate.chars().any(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        let Ok(ip) = candidate.parse::<Ipv6Addr>() else {
            continue;
        };
        push_cidr(text, end, 128, &ip.to_string(), m.start(), &mut out);
        out.push(Hit {
            kind: EntityKind::Ipv6,
            start: m.start(),
            end,
            normalized: ip.to_string(),
            check: Default::default(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::patterns::extract;
    use crate::text::testing::{kinds, of_kind};

    #[test]
    fn emails_plain_and_defanged() {
        let t = "Pisz na Jan.Kowalski@Policja.gov.pl, albo evil[@]bad-domain[.]ru (at) lub x(at)y(.)com.";
        assert_eq!(
            of_kind(t, EntityKind::Email),
            [
                "jan.kowalski@policja.gov.pl",
                "evil@bad-domain.ru",
                "x@y.com"
            ]
        );
        assert!(of_kind(t, EntityKind::Url).is_empty(), "{:?}", kinds(t));
        assert!(of_kind(t, EntityKind::Domain).is_empty(), "{:?}", kinds(t));
        assert!(of_kind("no at sign: user.example.com@", EntityKind::Email).is_empty());
    }

    #[test]
    fn urls_without_markup_and_brace_patterns_unverified() {
        let t = "- `+http://abc[.]onion+`\n- https://www.misp-project.org[misp] and \
                 `\\http://18.219.25.133/br/mp1a{1,sq}.aj5`";
        let e: Vec<_> = extract(t, 1, "none")
            .into_iter()
            .filter(|e| e.kind == EntityKind::Url)
            .collect();
        let values: Vec<&str> = e.iter().map(|e| e.normalized.as_str()).collect();
        assert_eq!(
            values,
            [
                "http://abc.onion",
                "https://www.misp-project.org",
                "http://18.219.25.133/br/mp1a{1,sq}.aj5"
            ]
        );
        assert!(e[0].check.is_verified() && e[1].check.is_verified());
        assert!(!e[2].check.is_verified());
        assert_eq!(
            e[2].check.readings,
            [
                "http://18.219.25.133/br/mp1a1.aj5",
                "http://18.219.25.133/br/mp1asq.aj5"
            ]
        );
        // Defanged dots and IPv6 hosts keep their brackets.
        assert_eq!(
            of_kind(
                "see hxxp://evil[.]com and http://[2001:db8::1]/x",
                EntityKind::Url
            ),
            ["http://evil.com", "http://[2001:db8::1]/x"]
        );
    }

    #[test]
    fn urls_plain_defanged_and_bare() {
        let t = "See https://Example.COM/a/b?x=1. Also hxxps://evil[.]example[.]net/payload.exe, \
                 (www.policja.pl) and bad-site[.]xyz or sklep.pl; not plik.pdf, m.in. or main.rs.";
        assert_eq!(
            of_kind(t, EntityKind::Url),
            [
                "https://example.com/a/b?x=1",
                "https://evil.example.net/payload.exe",
                "www.policja.pl",
            ]
        );
        assert_eq!(of_kind(t, EntityKind::Domain), ["bad-site.xyz", "sklep.pl"]);
        let e = extract(t, 1, "PL");
        assert_eq!(e[0].value, "https://Example.COM/a/b?x=1");
    }

    #[test]
    fn non_ascii_neighbours_and_idn_domains() {
        assert_eq!(
            of_kind(
                "Strona łódź.pl oraz żexample.com i ąhttp://x.pl",
                EntityKind::Domain
            ),
            ["łódź.pl", "żexample.com"]
        );
        assert!(of_kind("kod ą1.2.3.4 i 1.2.3.4ż", EntityKind::Ipv4).is_empty());
    }

    #[test]
    fn url_keeps_wikipedia_parentheses_and_contains_ips() {
        let t = "Link: https://en.wikipedia.org/wiki/Foo_(bar)) and http://10.0.0.1:8080/x.";
        let got = kinds(t);
        assert_eq!(
            got,
            [
                (
                    EntityKind::Url,
                    "https://en.wikipedia.org/wiki/Foo_(bar)".to_string()
                ),
                (EntityKind::Url, "http://10.0.0.1:8080/x".to_string()),
                (EntityKind::Ipv4, "10.0.0.1".to_string()),
            ]
        );
    }

    #[test]
    fn bare_domains_plain_and_defanged() {
        let t = "Serwer evil-site[.]com, phish(.)example(.)org, Sklep.PL i mail.google.com; \
                 zob. gov.uk oraz bad{.}co, u.piii[.]net, b.688[.]org i u.example.net.";
        assert_eq!(
            of_kind(t, EntityKind::Domain),
            [
                "evil-site.com",
                "phish.example.org",
                "sklep.pl",
                "mail.google.com",
                "gov.uk",
                "bad.co",
                "u.piii.net",
                "b.688.org",
                "u.example.net"
            ]
        );
        // A bare name with a path is a URL; no domain is reported inside a URL or an e-mail.
        let t =
            "zob. example.com/login, https://policja.pl/x, jan@firma.pl, jan.nowak[at]firma[.]de";
        assert_eq!(of_kind(t, EntityKind::Domain), Vec::<String>::new());
        assert_eq!(
            of_kind(t, EntityKind::Url),
            ["example.com/login", "https://policja.pl/x"]
        );
    }

    #[test]
    fn domains_reject_files_abbreviations_numbers_and_versions() {
        for t in [
            "plik report.pdf i photo.jpg",
            "archive.zip, setup.exe, main.rs, script.py, notes.md, lib.so",
            "e.g. this, i.e. that, m.in. to, ul. Długa, tzw. sprawa",
            "the U.S.A. and U.K.; s.r.o. firma, sp. z o.o. firma",
            "kwota 3.14 i 2.50",
            "wersja 1.2.3, v2.0.1-beta, node v18.17.1",
            "He went home.It was late.Then he left.",
            "config.yaml data.json index.html style.css",
        ] {
            assert!(
                of_kind(t, EntityKind::Domain).is_empty() && of_kind(t, EntityKind::Url).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
        // A file-extension TLD counts when the name is defanged or has more labels.
        assert_eq!(
            of_kind("c2 evil[.]rs, shop.example.ai", EntityKind::Domain),
            ["evil.rs", "shop.example.ai"]
        );
    }

    #[test]
    fn ipv4_valid_invalid_and_versions() {
        assert_eq!(
            of_kind(
                "from 192.168.1.10 and 8.8.8[.]8 to 10.0.0.1.",
                EntityKind::Ipv4
            ),
            ["192.168.1.10", "8.8.8.8", "10.0.0.1"]
        );
        for t in [
            "999.1.1.1",
            "256.0.0.1",
            "version 1.2.3.4",
            "Version: 4.3.2.1",
            "v1.2.3.4",
            "1.2.3.4.5",
            "oid 1.3.6.1.4.1",
            "27.11.2025",
            "010.1.1.1",
        ] {
            assert!(
                of_kind(t, EntityKind::Ipv4).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
    }

    #[test]
    fn ipv6_valid_and_look_alikes() {
        assert_eq!(
            of_kind(
                "src 2001:0DB8:0000:0000:0000:ff00:0042:8329, dst fe80::1.",
                EntityKind::Ipv6
            ),
            ["2001:db8::ff00:42:8329", "fe80::1"]
        );
        for t in [
            "at 14:30:15",
            "MAC 00:1A:2B:3C:4D:5E",
            "ratio 2:1:1",
            "note::",
        ] {
            assert!(
                of_kind(t, EntityKind::Ipv6).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
    }

    #[test]
    fn cidr_ranges() {
        let t = "Blokada 10.0.0.0/8, 192.168.1.10/24 i 2001:db8::/32; host 10.1.2.3.";
        assert_eq!(
            kinds(t),
            [
                (EntityKind::Cidr, "10.0.0.0/8".to_string()),
                (EntityKind::Cidr, "192.168.1.10/24".to_string()),
                (EntityKind::Cidr, "2001:db8::/32".to_string()),
                (EntityKind::Ipv4, "10.1.2.3".to_string()),
            ]
        );
        // Prefix too long, a fraction after, a path in a URL.
        assert_eq!(
            of_kind("10.0.0.0/33", EntityKind::Cidr),
            Vec::<String>::new()
        );
        assert_eq!(of_kind("10.0.0.0/33", EntityKind::Ipv4), ["10.0.0.0"]);
        assert!(of_kind("1.2.3.4/5/6", EntityKind::Cidr).is_empty());
        assert_eq!(
            kinds("http://10.0.0.1/24"),
            [
                (EntityKind::Url, "http://10.0.0.1/24".to_string()),
                (EntityKind::Ipv4, "10.0.0.1".to_string())
            ]
        );
    }

    #[test]
    fn versions_and_dates_are_not_ips() {
        for t in [
            "version 1.2.3.4-beta",
            "1.2.3.4-rc1",
            "build 10.0.19041.1",
            "v1.2.3.4/8",
            "12.03.2026",
            "2026.03.12.1",
        ] {
            assert!(
                of_kind(t, EntityKind::Ipv4).is_empty() && of_kind(t, EntityKind::Cidr).is_empty(),
                "{t}: {:?}",
                kinds(t)
            );
        }
        // An address range is not a pre-release tag.
        assert_eq!(
            of_kind("10.0.0.1-10.0.0.9", EntityKind::Ipv4),
            ["10.0.0.1", "10.0.0.9"]
        );
    }
}
