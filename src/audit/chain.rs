//! The hash chain that makes the audit log tamper-evident. Each line is a JSON object whose
//! last fields are `"hash"` — SHA-256 of the line as it reads without those last fields — and,
//! when a signing key is set up, `"sig"` (ed25519 over the hash). Every record also carries
//! `"prev"`, the hash of the record before it (null for the first record of a log), so an
//! edited, deleted, inserted or reordered line breaks the chain at a point `ava audit verify`
//! can name.
//!
//! The hash covers the exact bytes written, not a re-serialisation, so verifying needs no
//! canonical JSON: strip the trailing fields, hash what is left.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

const HASH_FIELD: &str = ",\"hash\":\"";

/// A record as written: the line (without its newline) and its hash.
pub struct Sealed {
    pub line: String,
    pub hash: String,
}

/// Seals `record` after `prev`: adds `prev`, hashes the body, appends hash (and signature).
pub fn seal(
    mut record: Map<String, Value>,
    prev: Option<&str>,
    key: Option<&SigningKey>,
) -> Sealed {
    record.insert("prev".into(), prev.map(str::to_string).into());
    if let Some(key) = key {
        // Which key signed, so verify can say "signed by another key" rather than "forged".
        record.insert("signer".into(), key_id(&key.verifying_key()).into());
    }
    // A JSON object always serialises to `{…}`; the fallback is never taken in practice.
    let body = serde_json::to_string(&Value::Object(record)).unwrap_or_else(|_| "{}".into());
    let hash = hex::encode(Sha256::digest(body.as_bytes()));
    // `prev` is always there, so the body has a field and the hash follows a comma.
    let mut line = body[..body.len() - 1].to_string();
    line.push_str(HASH_FIELD);
    line.push_str(&hash);
    line.push('"');
    if let Some(key) = key {
        let sig = key.sign(hash.as_bytes());
        line.push_str(",\"sig\":\"");
        line.push_str(&hex::encode(sig.to_bytes()));
        line.push('"');
    }
    line.push('}');
    Sealed { line, hash }
}

/// A line taken apart: the body that was hashed, parsed; the claimed hash and signature.
pub struct Unsealed {
    pub record: Map<String, Value>,
    pub hash: String,
    pub sig: Option<String>,
    /// The hash matches the body.
    pub intact: bool,
}

/// Takes a line apart; `Err` says why it is not a sealed record (torn, edited, pre-chain).
pub fn unseal(line: &str) -> Result<Unsealed, String> {
    // A JSON string cannot hold an unescaped quote, so this marker only occurs as a field.
    let Some(at) = line.rfind(HASH_FIELD) else {
        return Err(
            "no hash: not a sealed record (torn write, edited, or written before the chain)".into(),
        );
    };
    let rest = &line[at + HASH_FIELD.len()..];
    let (hash, tail) = rest
        .split_once('"')
        .ok_or_else(|| "unterminated hash field".to_string())?;
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("malformed hash field".into());
    }
    let sig = if tail == "}" {
        None
    } else {
        let s = tail
            .strip_prefix(",\"sig\":\"")
            .and_then(|s| s.strip_suffix("\"}"))
            .ok_or_else(|| "unexpected text after the hash field".to_string())?;
        Some(s.to_string())
    };
    let body = format!("{}}}", &line[..at]);
    let record = match serde_json::from_str::<Value>(&body) {
        Ok(Value::Object(m)) => m,
        _ => return Err("not valid JSON".into()),
    };
    let intact = hex::encode(Sha256::digest(body.as_bytes())) == hash;
    Ok(Unsealed {
        record,
        hash: hash.to_string(),
        sig,
        intact,
    })
}

/// Checks `sig` (hex) over `hash` with `key`.
pub fn signature_holds(key: &VerifyingKey, hash: &str, sig: &str) -> bool {
    let Ok(bytes) = hex::decode(sig) else {
        return false;
    };
    let Ok(bytes) = <[u8; 64]>::try_from(bytes.as_slice()) else {
        return false;
    };
    key.verify(hash.as_bytes(), &Signature::from_bytes(&bytes))
        .is_ok()
}

/// Short id of a public key: the first 16 hex digits of its SHA-256.
pub fn key_id(key: &VerifyingKey) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))[..16].to_string()
}

/// The end of a log file as a writer needs it.
#[derive(Debug, Default)]
pub struct Tail {
    /// The last complete line, if any.
    pub last: Option<String>,
    /// Bytes after the last newline: a write that was cut off (crash, full disk).
    pub torn: Option<Vec<u8>>,
}

/// Reads the end of `path` (a missing file is empty). Lines are small, so the last 64 KiB
/// almost always hold the last complete line; otherwise the whole file is read.
pub fn tail(path: &Path) -> io::Result<Tail> {
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Tail::default()),
        Err(e) => return Err(e),
    };
    let len = f.metadata()?.len();
    let mut window = 64 * 1024u64;
    loop {
        let start = len.saturating_sub(window);
        f.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::new();
        f.read_to_end(&mut buf)?;
        let (complete, torn) = match buf.iter().rposition(|&b| b == b'\n') {
            Some(i) => (
                &buf[..i],
                (i + 1 < buf.len()).then(|| buf[i + 1..].to_vec()),
            ),
            None if start == 0 => (&buf[..0], (!buf.is_empty()).then(|| buf.clone())),
            None => {
                window *= 4;
                continue;
            }
        };
        let last = match complete.iter().rposition(|&b| b == b'\n') {
            Some(i) => Some(&complete[i + 1..]),
            None if start == 0 => (!complete.is_empty()).then_some(complete),
            None if complete.is_empty() => None,
            None => {
                window *= 4;
                continue;
            }
        };
        return Ok(Tail {
            last: last.map(|l| String::from_utf8_lossy(l).into_owned()),
            torn,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(k: &str, v: &str) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert(k.into(), v.into());
        m
    }

    #[test]
    fn a_sealed_line_unseals_intact_and_an_edit_shows() {
        let s = seal(rec("event", "run"), None, None);
        let u = unseal(&s.line).unwrap();
        assert!(u.intact);
        assert_eq!(u.hash, s.hash);
        assert_eq!(u.record["prev"], Value::Null);
        let edited = s.line.replace("run", "rum");
        assert!(!unseal(&edited).unwrap().intact);
    }

    #[test]
    fn signatures_verify_with_the_right_key_only() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let s = seal(rec("event", "run"), Some(&"a".repeat(64)), Some(&key));
        let u = unseal(&s.line).unwrap();
        assert!(u.intact);
        let sig = u.sig.unwrap();
        assert!(signature_holds(&key.verifying_key(), &u.hash, &sig));
        let other = SigningKey::from_bytes(&[8u8; 32]);
        assert!(!signature_holds(&other.verifying_key(), &u.hash, &sig));
    }

    #[test]
    fn tail_finds_the_last_line_and_a_torn_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log");
        std::fs::write(&p, "a\nb\n").unwrap();
        let t = tail(&p).unwrap();
        assert_eq!(t.last.as_deref(), Some("b"));
        assert!(t.torn.is_none());
        std::fs::write(&p, "a\nb\n{\"half").unwrap();
        let t = tail(&p).unwrap();
        assert_eq!(t.last.as_deref(), Some("b"));
        assert_eq!(t.torn.as_deref(), Some(&b"{\"half"[..]));
        std::fs::write(&p, "only").unwrap();
        let t = tail(&p).unwrap();
        assert_eq!(t.last, None);
        assert!(t.torn.is_some());
    }
}
