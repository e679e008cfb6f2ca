//! Reading an input's bytes, bounded: a file over the limit is refused from its metadata,
//! a pipe after one byte too many, and data that is plainly not case material (images,
//! executables, `/dev/zero`) from its first block, before the rest is read.

use super::Input;
use crate::error::{Error, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// An input's bytes as read, before decoding.
pub struct RawInput {
    pub name: String,
    pub path: Option<PathBuf>,
    pub bytes: Vec<u8>,
}

/// Bytes looked at before deciding whether to read the rest.
const HEAD: usize = 64 * 1024;

pub fn read_input(input: &Input, max_bytes: u64) -> Result<RawInput> {
    match input {
        Input::Stdin => Ok(RawInput {
            name: "-".into(),
            path: None,
            bytes: read_limited(std::io::stdin().lock(), max_bytes, "-")?,
        }),
        Input::File(path) => read_file(path, max_bytes),
    }
}

fn read_file(path: &Path, max_bytes: u64) -> Result<RawInput> {
    let meta = std::fs::metadata(path).map_err(|e| open_error(path, e))?;
    if meta.is_dir() {
        return Err(Error::InputIsDirectory {
            path: path.to_path_buf(),
        });
    }
    let name = path.display().to_string();
    if meta.is_file() && meta.len() > max_bytes {
        return Err(too_large(&name, meta.len(), max_bytes, true));
    }
    let file = std::fs::File::open(path).map_err(|e| open_error(path, e))?;
    let bytes = read_limited(file, max_bytes, &name).map_err(|e| match e {
        Error::Io(source) => Error::InputUnreadable {
            path: path.to_path_buf(),
            source,
        },
        other => other,
    })?;
    Ok(RawInput {
        name,
        path: Some(path.to_path_buf()),
        bytes,
    })
}

fn open_error(path: &Path, e: std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::NotFound => Error::InputNotFound {
            path: path.to_path_buf(),
        },
        _ => Error::InputUnreadable {
            path: path.to_path_buf(),
            source: e,
        },
    }
}

/// Sizes in a unit that shows the difference: "300 KiB", "1.5 GiB", "12 bytes".
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if v < 10.0 {
        format!("{:.1} {}", v, UNITS[unit])
    } else {
        format!("{:.0} {}", v, UNITS[unit])
    }
}

fn too_large(name: &str, len: u64, max: u64, exact: bool) -> Error {
    let size = if exact {
        human_bytes(len)
    } else {
        format!("more than {}", human_bytes(max))
    };
    Error::BadInput {
        name: name.into(),
        reason: format!(
            "input is {size}, over the {} limit (raise it with --max-input-bytes)",
            human_bytes(max)
        ),
    }
}

/// Read at most `max` bytes; one more means the input is too large (pipes have no length).
/// The first block is checked before the rest is read: unsupported binary data is refused
/// there, so `/dev/zero` costs 64 KiB, not the limit.
fn read_limited(reader: impl Read, max: u64, name: &str) -> Result<Vec<u8>> {
    let mut reader = reader.take(max.saturating_add(1));
    let mut bytes = Vec::new();
    (&mut reader).take(HEAD as u64).read_to_end(&mut bytes)?;
    if let Some(what) = super::detect::unsupported_head(&bytes) {
        return Err(Error::BadInput {
            name: name.into(),
            reason: format!("unsupported format: detected {what}"),
        });
    }
    reader.read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(name, bytes.len() as u64, max, false));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_show_the_difference() {
        assert_eq!(human_bytes(12), "12 bytes");
        assert_eq!(human_bytes(300 * 1024), "300 KiB");
        assert_eq!(human_bytes(1536 * 1024 * 1024), "1.5 GiB");
    }

    #[test]
    fn zeros_are_refused_from_the_first_block() {
        let zeros = std::io::repeat(0).take(1 << 30);
        let e = read_limited(zeros, 1 << 30, "z").unwrap_err();
        assert!(e.to_string().contains("unsupported format"), "{e}");
    }
}
