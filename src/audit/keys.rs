//! The optional local signing key for audit records (ed25519). With a key in place every
//! record is signed, so rewriting the whole chain consistently — which a hash chain alone
//! does not prevent — also needs the secret key. The public key goes next to it for
//! `ava audit verify`, and into a case file with an export.

use ed25519_dalek::{SigningKey, VerifyingKey};
use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;

/// `$AVA_CONFIG_DIR/audit.key` (secret, mode 0600) and `audit.pub` next to it.
pub fn secret_path() -> PathBuf {
    crate::paths::config_dir().join("audit.key")
}

pub fn public_path() -> PathBuf {
    crate::paths::config_dir().join("audit.pub")
}

/// The signing key, if one was created; an error when it is there but unusable (unreadable,
/// malformed, readable by others).
pub fn load_signing_key() -> Result<Option<SigningKey>, String> {
    let path = secret_path();
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0);
        if mode & 0o077 != 0 {
            return Err(format!(
                "{} is readable by others (mode {:o}); fix with: chmod 600 {}",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    let bytes = decode32(text.trim())
        .ok_or_else(|| format!("{}: not a key (64 hex digits)", path.display()))?;
    Ok(Some(SigningKey::from_bytes(&bytes)))
}

/// The public key to check signatures with: `audit.pub`, if present.
pub fn load_verifying_key(path: Option<&std::path::Path>) -> Result<Option<VerifyingKey>, String> {
    let path = path.map_or_else(public_path, |p| p.to_path_buf());
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let bytes = decode32(text.trim())
        .ok_or_else(|| format!("{}: not a public key (64 hex digits)", path.display()))?;
    VerifyingKey::from_bytes(&bytes)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn decode32(hex_text: &str) -> Option<[u8; 32]> {
    let v = hex::decode(hex_text).ok()?;
    <[u8; 32]>::try_from(v.as_slice()).ok()
}

/// Creates a key pair; refuses to replace an existing key (records signed with it could no
/// longer be checked). Returns the public key's path and id.
pub fn init() -> Result<(PathBuf, String), String> {
    let secret = secret_path();
    if secret.exists() {
        return Err(format!(
            "{} exists; a new key would leave the records signed with it uncheckable",
            secret.display()
        ));
    }
    if let Some(dir) = secret.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let seed: [u8; 32] = rand::random();
    let key = SigningKey::from_bytes(&seed);
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(&secret)
        .map_err(|e| format!("{}: {e}", secret.display()))?;
    writeln!(f, "{}", hex::encode(key.to_bytes()))
        .map_err(|e| format!("{}: {e}", secret.display()))?;
    let public = public_path();
    let vk = key.verifying_key();
    fs::write(&public, format!("{}\n", hex::encode(vk.as_bytes())))
        .map_err(|e| format!("{}: {e}", public.display()))?;
    Ok((public, super::chain::key_id(&vk)))
}
