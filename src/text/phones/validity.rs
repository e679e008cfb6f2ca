//! libphonenumber's validity check, without the cost of the `phonenumber` crate's own.
//!
//! `phonenumber::is_valid` matches a number against each of its region's number-type
//! patterns, and looks every pattern up by its source text in one mutex-guarded LRU cache
//! (SipHash over patterns hundreds of bytes long, then a string compare). On number-dense
//! text that lookup, not the matching, made phone validation the slowest step of extraction.
//! Here each region's patterns are compiled once, anchored, and kept by the region's metadata;
//! the decision is the same as `phonenumber`'s, from the same metadata (a test checks that).

use phonenumber::PhoneNumber;
use phonenumber::metadata::{DATABASE, Descriptor, Metadata};
use regex::{Regex, RegexBuilder};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

/// One number-type pattern: the lengths it allows and its anchored regular expression.
struct Pattern {
    lengths: Vec<u16>,
    regex: Regex,
}

impl Pattern {
    fn new(d: &Descriptor) -> Option<Self> {
        // The metadata's patterns are laid out with whitespace, as `phonenumber` reads them.
        let regex = RegexBuilder::new(&format!("^(?:{})", d.national_number().as_str()))
            .ignore_whitespace(true)
            .build()
            .ok()?;
        Some(Self {
            lengths: d.possible_length().to_vec(),
            regex,
        })
    }

    /// `phonenumber`'s `Descriptor::is_match`: a possible length and a match at the start.
    fn matches(&self, national: &str) -> bool {
        (self.lengths.is_empty() || self.lengths.contains(&(national.len() as u16)))
            && self.regex.is_match(national)
    }
}

/// A region's patterns: the general one, and every type that makes a number valid.
struct Region {
    general: Pattern,
    types: Vec<Pattern>,
}

impl Region {
    /// `None` when a pattern does not compile here; the caller then asks `phonenumber`.
    fn new(meta: &Metadata) -> Option<Self> {
        let d = meta.descriptors();
        let types = [
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
            d.fixed_line(),
            d.mobile(),
        ];
        Some(Self {
            general: Pattern::new(d.general())?,
            types: types
                .into_iter()
                .flatten()
                .map(Pattern::new)
                .collect::<Option<Vec<_>>>()?,
        })
    }

    /// `phonenumber::validator::number_type(..) != Type::Unknown`.
    fn has_type(&self, national: &str) -> bool {
        self.general.matches(national) && self.types.iter().any(|p| p.matches(national))
    }
}

/// Compiled regions by the address of their metadata, which lives in the static database
/// (several non-geographic codes share the id "001", so the id is not a key).
type Compiled = HashMap<usize, Option<Arc<Region>>>;
static COMPILED: LazyLock<Mutex<Compiled>> = LazyLock::new(|| Mutex::new(HashMap::new()));

fn compiled(meta: &Metadata) -> Option<Arc<Region>> {
    let key = std::ptr::from_ref(meta) as usize;
    let mut map = COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
    map.entry(key)
        .or_insert_with(|| Region::new(meta).map(Arc::new))
        .clone()
}

/// Whether libphonenumber's metadata takes `number` for a valid number; the same answer as
/// [`phonenumber::is_valid`], which also decides if a region's patterns do not compile here.
pub fn is_valid(number: &PhoneNumber) -> bool {
    decide(number).unwrap_or_else(|| phonenumber::is_valid(number))
}

fn decide(number: &PhoneNumber) -> Option<bool> {
    let code = number.code().value();
    let national = number.national().to_string();
    let Some(regions) = DATABASE.region(&code) else {
        return Some(false);
    };
    // Which region's rules apply, as `phonenumber::validator::source_for` picks it.
    let meta = if let [only] = regions.as_slice() {
        if *only == "001" {
            DATABASE.by_code(&code).and_then(|m| m.into_iter().next())
        } else {
            DATABASE.by_id(*only)
        }
    } else {
        let mut chosen = None;
        for meta in regions.iter().filter_map(|r| DATABASE.by_id(*r)) {
            let fits = match meta.leading_digits() {
                Some(lead) => lead.find(&national).is_some_and(|m| m.start() == 0),
                None => compiled(meta)?.has_type(&national),
            };
            if fits {
                chosen = Some(meta);
                break;
            }
        }
        chosen
    };
    match meta {
        Some(meta) => Some(compiled(meta)?.has_type(&national)),
        None => Some(false),
    }
}

/// `number` in E.164 form ("+48600123456"): what `phonenumber`'s E164 formatter writes,
/// without its search for a national format, which E.164 does not use.
pub fn e164(number: &PhoneNumber) -> String {
    format!("+{}{}", number.code().value(), number.national())
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonenumber::country::Id;

    /// Numbers as people write them, valid and not, across regions with one region per
    /// code, shared codes (+1, +7, +44) and non-geographic ones (+800, +882).
    const SAMPLES: &[&str] = &[
        "+48 600 123 456",
        "+48 22 123 45 67",
        "+48 123 456 789",
        "+48 999 999 999",
        "600 123 456",
        "22 628 00 00",
        "+49 30 123456",
        "+49 1512 3456789",
        "+44 7912 345678",
        "+44 20 7946 0958",
        "+44 1481 123456",
        "+1 650 253 0000",
        "+1 2530000",
        "+1 876 512 3456",
        "+1 416 555 0199",
        "+7 495 123 45 67",
        "+7 701 123 4567",
        "+33 6 31 96 65 43",
        "+39 02 3661 8300",
        "+39 312 345 6789",
        "+800 1234 5678",
        "+882 1234 5678",
        "+979 123456789",
        "+380 44 123 4567",
        "+64 21 387 835",
        "+61 4 1234 5678",
        "+86 138 0013 8000",
        "+91 98765 43210",
        "+971 50 123 4567",
        "+358 40 1234567",
        "+1 800 555 0100",
        "+48 800 123 456",
        "+48 701 234 567",
        "+420 601 123 456",
    ];

    #[test]
    fn verdicts_and_e164_match_phonenumber() {
        let mut valid = 0;
        for region in [Some(Id::PL), Some(Id::GB), None] {
            for s in SAMPLES {
                let Ok(n) = phonenumber::parse(region, s) else {
                    continue;
                };
                assert_eq!(is_valid(&n), phonenumber::is_valid(&n), "{s} ({region:?})");
                assert_eq!(
                    e164(&n),
                    n.format().mode(phonenumber::Mode::E164).to_string(),
                    "{s}"
                );
                valid += usize::from(is_valid(&n));
            }
        }
        // Both kinds of verdict were exercised.
        assert!(valid > 20, "only {valid} valid");
        assert!(valid < 3 * SAMPLES.len());
    }

    #[test]
    fn random_digit_strings_get_phonenumbers_verdict() {
        // A fixed pseudo-random sweep over lengths and leading digits: most are invalid,
        // some valid, in several regions.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut seen = [0usize; 2];
        for _ in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = 7 + (x % 7) as usize;
            let digits: String = (0..len)
                .map(|i| char::from(b'0' + ((x >> (i * 4)) % 10) as u8))
                .collect();
            let codes = ["", "+48", "+44", "+1", "+7", "+49", "+39", "+800"];
            let s = format!("{}{digits}", codes[(x >> 60) as usize % codes.len()]);
            let Ok(n) = phonenumber::parse(Some(Id::PL), &s) else {
                continue;
            };
            let v = is_valid(&n);
            assert_eq!(v, phonenumber::is_valid(&n), "{s}");
            seen[usize::from(v)] += 1;
        }
        assert!(seen[0] > 100 && seen[1] > 100, "{seen:?}");
    }
}
