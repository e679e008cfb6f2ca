//! The GGUF header reader: what a model file says about itself (architecture, size,
//! quantisation, context, chat template), read in plain Rust without touching the weights.
//!
//! A leaf: the model store checks files with it on import and pull, and the local engine checks
//! a file with it before llama.cpp (which aborts the process on some malformed input) ever sees
//! it. It needs no llama.cpp, so `ava models list` works in a build without the `local` feature.

use crate::error::{Error, Result};
use std::fs;
use std::io::{self, BufReader, Read, Seek};
use std::path::Path;

/// What the header of a GGUF file says about the model. Reading it touches only the header
/// (a few MB at most for big vocabularies), never the weights.
#[derive(Debug, Clone, PartialEq)]
pub struct GgufInfo {
    pub version: u32,
    pub architecture: String,
    /// `general.name`, if the file has one.
    pub name: Option<String>,
    /// Sum of the element counts of all tensors.
    pub parameter_count: u64,
    pub tensor_count: u64,
    /// `general.file_type` as stored (llama.cpp's `llama_ftype`).
    pub file_type: Option<u32>,
    /// Quantisation name such as "Q4_K_M", from `general.file_type` or else the most common
    /// tensor type; "unknown" when neither is usable.
    pub quantization: String,
    /// `{architecture}.context_length`: the context the model was trained with.
    pub context_length: Option<u64>,
    pub has_chat_template: bool,
    /// Number of entries in `tokenizer.ggml.tokens`, if present.
    pub vocab_size: Option<u64>,
    pub file_size: u64,
}

/// Why a file is not a usable GGUF model.
#[derive(Debug, thiserror::Error)]
pub enum GgufError {
    #[error("not a GGUF file ({0})")]
    NotGguf(String),
    #[error("unsupported GGUF version {0}")]
    UnsupportedVersion(u32),
    #[error("file is truncated ({0})")]
    Truncated(String),
    #[error("corrupt GGUF header ({0})")]
    Corrupt(String),
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Longest string value kept in memory. Chat templates are the longest strings we keep
/// (tens of KB); anything bigger is skipped rather than trusted.
const MAX_KEPT_STRING: u64 = 1 << 20;
/// Keys and tensor names are short in every real file; a huge one means corruption.
const MAX_NAME: u64 = 1 << 16;
/// ggml's GGML_MAX_DIMS.
const MAX_DIMS: u32 = 4;
/// Arrays of arrays exist (rare); deeper nesting is only seen in hostile files.
const MAX_ARRAY_DEPTH: u32 = 3;

const GGUF_TYPE_STRING: u32 = 8;
const GGUF_TYPE_ARRAY: u32 = 9;

/// Byte size of a fixed-size GGUF value type, `None` for string/array/unknown.
fn fixed_size(ty: u32) -> Option<u64> {
    match ty {
        0 | 1 | 7 => Some(1),
        2 | 3 => Some(2),
        4..=6 => Some(4),
        10..=12 => Some(8),
        _ => None,
    }
}

/// (elements per block, bytes per block) for ggml tensor types, to check that the tensor data
/// fits in the file. Unknown (newer) types skip that check rather than reject the file.
fn ggml_block(ty: u32) -> Option<(u64, u64)> {
    Some(match ty {
        0 => (1, 4),      // F32
        1 => (1, 2),      // F16
        2 => (32, 18),    // Q4_0
        3 => (32, 20),    // Q4_1
        6 => (32, 22),    // Q5_0
        7 => (32, 24),    // Q5_1
        8 => (32, 34),    // Q8_0
        9 => (32, 36),    // Q8_1
        10 => (256, 84),  // Q2_K
        11 => (256, 110), // Q3_K
        12 => (256, 144), // Q4_K
        13 => (256, 176), // Q5_K
        14 => (256, 210), // Q6_K
        15 => (256, 292), // Q8_K
        16 => (256, 66),  // IQ2_XXS
        17 => (256, 74),  // IQ2_XS
        18 => (256, 98),  // IQ3_XXS
        19 => (256, 50),  // IQ1_S
        20 => (32, 18),   // IQ4_NL
        21 => (256, 110), // IQ3_S
        22 => (256, 82),  // IQ2_S
        23 => (256, 136), // IQ4_XS
        24 => (1, 1),     // I8
        25 => (1, 2),     // I16
        26 => (1, 4),     // I32
        27 => (1, 8),     // I64
        28 => (1, 8),     // F64
        29 => (256, 56),  // IQ1_M
        30 => (1, 2),     // BF16
        34 => (256, 54),  // TQ1_0
        35 => (256, 66),  // TQ2_0
        39 => (32, 17),   // MXFP4
        _ => return None,
    })
}

fn ggml_type_name(ty: u32) -> Option<&'static str> {
    Some(match ty {
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        6 => "Q5_0",
        7 => "Q5_1",
        8 => "Q8_0",
        9 => "Q8_1",
        10 => "Q2_K",
        11 => "Q3_K",
        12 => "Q4_K",
        13 => "Q5_K",
        14 => "Q6_K",
        15 => "Q8_K",
        16 => "IQ2_XXS",
        17 => "IQ2_XS",
        18 => "IQ3_XXS",
        19 => "IQ1_S",
        20 => "IQ4_NL",
        21 => "IQ3_S",
        22 => "IQ2_S",
        23 => "IQ4_XS",
        29 => "IQ1_M",
        30 => "BF16",
        34 => "TQ1_0",
        35 => "TQ2_0",
        39 => "MXFP4",
        _ => return None,
    })
}

/// llama.cpp's `llama_ftype` names, as `general.file_type` stores them.
pub fn file_type_name(ft: u32) -> Option<&'static str> {
    Some(match ft {
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        7 => "Q8_0",
        8 => "Q5_0",
        9 => "Q5_1",
        10 => "Q2_K",
        11 => "Q3_K_S",
        12 => "Q3_K_M",
        13 => "Q3_K_L",
        14 => "Q4_K_S",
        15 => "Q4_K_M",
        16 => "Q5_K_S",
        17 => "Q5_K_M",
        18 => "Q6_K",
        19 => "IQ2_XXS",
        20 => "IQ2_XS",
        21 => "Q2_K_S",
        22 => "IQ3_XS",
        23 => "IQ3_XXS",
        24 => "IQ1_S",
        25 => "IQ4_NL",
        26 => "IQ3_S",
        27 => "IQ3_M",
        28 => "IQ2_S",
        29 => "IQ2_M",
        30 => "IQ4_XS",
        31 => "IQ1_M",
        32 => "BF16",
        36 => "TQ1_0",
        37 => "TQ2_0",
        38 => "MXFP4_MOE",
        _ => return None,
    })
}

enum Value {
    Uint(u64),
    Int(i64),
    Str(String),
    /// Strings too long to keep, arrays, floats and bools: only their presence matters here.
    Other,
    Array {
        len: u64,
    },
}

impl Value {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::Uint(v) => Some(v),
            Value::Int(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }
}

/// A reader that knows how many bytes are left, so every length in the file can be checked
/// against what is actually there before anything is allocated or skipped.
struct HeaderReader<R> {
    inner: R,
    pos: u64,
    size: u64,
}

impl<R: Read + Seek> HeaderReader<R> {
    fn remaining(&self) -> u64 {
        self.size.saturating_sub(self.pos)
    }

    fn need(&self, n: u64, what: &str) -> Result<(), GgufError> {
        if n > self.remaining() {
            return Err(GgufError::Truncated(format!(
                "{what} needs {n} bytes at offset {}, file is {} bytes",
                self.pos, self.size
            )));
        }
        Ok(())
    }

    fn bytes<const N: usize>(&mut self, what: &str) -> Result<[u8; N], GgufError> {
        self.need(N as u64, what)?;
        let mut buf = [0u8; N];
        self.inner
            .read_exact(&mut buf)
            .map_err(|e| match e.kind() {
                io::ErrorKind::UnexpectedEof => GgufError::Truncated(what.to_string()),
                _ => GgufError::Io(e),
            })?;
        self.pos += N as u64;
        Ok(buf)
    }

    fn u32(&mut self, what: &str) -> Result<u32, GgufError> {
        Ok(u32::from_le_bytes(self.bytes::<4>(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64, GgufError> {
        Ok(u64::from_le_bytes(self.bytes::<8>(what)?))
    }

    fn skip(&mut self, n: u64, what: &str) -> Result<(), GgufError> {
        self.need(n, what)?;
        // A vocabulary is ~150k short strings skipped one by one. Seeking a BufReader throws
        // its buffer away, so short skips read through it instead (one 64 KiB refill per
        // buffer, not one per string: it was ~10 GB of copying and 0.8 s per model load).
        if n <= SHORT_SKIP {
            let copied = io::copy(&mut (&mut self.inner).take(n), &mut io::sink())?;
            if copied < n {
                return Err(GgufError::Truncated(what.to_string()));
            }
            self.pos += n;
            return Ok(());
        }
        let mut left = n;
        // seek_relative takes i64; a skip is bounded by the file size, but step anyway.
        while left > 0 {
            let step = left.min(i64::MAX as u64);
            self.inner.seek(io::SeekFrom::Current(step as i64))?;
            left -= step;
        }
        self.pos += n;
        Ok(())
    }

    /// Reads a GGUF string; `Ok(None)` when it is longer than `keep_max` (skipped).
    fn string(&mut self, keep_max: u64, what: &str) -> Result<Option<String>, GgufError> {
        let len = self.u64(what)?;
        self.need(len, what)?;
        if len > keep_max {
            self.skip(len, what)?;
            return Ok(None);
        }
        let mut buf = vec![0u8; len as usize];
        self.inner.read_exact(&mut buf)?;
        self.pos += len;
        Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
    }

    fn value(&mut self, ty: u32, depth: u32, key: &str) -> Result<Value, GgufError> {
        if let Some(size) = fixed_size(ty) {
            let mut raw = [0u8; 8];
            self.need(size, key)?;
            self.inner.read_exact(&mut raw[..size as usize])?;
            self.pos += size;
            return Ok(match ty {
                0 => Value::Uint(raw[0].into()),
                2 => Value::Uint(u16::from_le_bytes([raw[0], raw[1]]).into()),
                4 => Value::Uint(u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]).into()),
                10 => Value::Uint(u64::from_le_bytes(raw)),
                1 => Value::Int((raw[0] as i8).into()),
                3 => Value::Int(i16::from_le_bytes([raw[0], raw[1]]).into()),
                5 => Value::Int(i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]).into()),
                11 => Value::Int(i64::from_le_bytes(raw)),
                _ => Value::Other,
            });
        }
        match ty {
            GGUF_TYPE_STRING => Ok(self
                .string(MAX_KEPT_STRING, key)?
                .map_or(Value::Other, Value::Str)),
            GGUF_TYPE_ARRAY => {
                if depth >= MAX_ARRAY_DEPTH {
                    return Err(GgufError::Corrupt(format!("{key}: arrays nested too deep")));
                }
                let elem = self.u32(key)?;
                let len = self.u64(key)?;
                if let Some(size) = fixed_size(elem) {
                    let total = len
                        .checked_mul(size)
                        .ok_or_else(|| GgufError::Corrupt(format!("{key}: array too long")))?;
                    self.skip(total, key)?;
                } else if elem == GGUF_TYPE_STRING || elem == GGUF_TYPE_ARRAY {
                    // Every element takes at least 8 bytes; checking first stops a corrupt
                    // count from spinning through billions of iterations.
                    self.need(len.saturating_mul(8), key)?;
                    for _ in 0..len {
                        if elem == GGUF_TYPE_STRING {
                            self.string(0, key)?;
                        } else {
                            self.value(GGUF_TYPE_ARRAY, depth + 1, key)?;
                        }
                    }
                } else {
                    return Err(GgufError::Corrupt(format!(
                        "{key}: unknown array element type {elem}"
                    )));
                }
                Ok(Value::Array { len })
            }
            _ => Err(GgufError::Corrupt(format!(
                "{key}: unknown value type {ty}"
            ))),
        }
    }
}

/// Skips up to this many bytes by reading rather than seeking (see `HeaderReader::skip`).
const SHORT_SKIP: u64 = 4096;

/// Reads the header of a GGUF file at `path`.
pub fn read_gguf_info(path: &Path) -> Result<GgufInfo, GgufError> {
    let file = fs::File::open(path)?;
    let size = file.metadata()?.len();
    parse_gguf_header(BufReader::with_capacity(1 << 16, file), size)
}

/// Parses a GGUF header from `r`, which holds `size` bytes in all.
pub fn parse_gguf_header<R: Read + Seek>(r: R, size: u64) -> Result<GgufInfo, GgufError> {
    let mut r = HeaderReader {
        inner: r,
        pos: 0,
        size,
    };
    if size < 4 {
        return Err(GgufError::NotGguf(format!("only {size} bytes")));
    }
    let magic = r.bytes::<4>("magic")?;
    if &magic != b"GGUF" {
        return Err(GgufError::NotGguf("wrong magic bytes".into()));
    }
    let version = r.u32("version")?;
    // Version 1 used 32-bit lengths and llama.cpp no longer reads it; a big-endian file shows
    // up here as an absurd version number.
    if !(2..=3).contains(&version) {
        return Err(GgufError::UnsupportedVersion(version));
    }
    let tensor_count = r.u64("tensor count")?;
    let kv_count = r.u64("metadata count")?;
    // Smallest possible entries: a KV pair is key length + type + 1-byte value; a tensor info
    // is name length + n_dims + type + offset.
    r.need(kv_count.saturating_mul(13), "metadata")?;
    r.need(tensor_count.saturating_mul(24), "tensor infos")?;

    let mut architecture = None;
    let mut name = None;
    let mut file_type = None;
    let mut alignment = 32u64;
    let mut has_chat_template = false;
    let mut vocab_size = None;
    let mut context_lengths: Vec<(String, u64)> = Vec::new();

    for _ in 0..kv_count {
        let key = r
            .string(MAX_NAME, "metadata key")?
            .ok_or_else(|| GgufError::Corrupt("metadata key too long".into()))?;
        let ty = r.u32(&key)?;
        let value = r.value(ty, 0, &key)?;
        match (key.as_str(), value) {
            ("general.architecture", Value::Str(s)) => architecture = Some(s),
            ("general.name", Value::Str(s)) => name = Some(s),
            ("general.file_type", v) => file_type = v.as_u64().and_then(|v| u32::try_from(v).ok()),
            ("general.alignment", v) => {
                alignment = v
                    .as_u64()
                    .filter(|a| *a > 0 && a.is_power_of_two() && *a <= 1 << 20)
                    .ok_or_else(|| GgufError::Corrupt("bad general.alignment".into()))?;
            }
            ("tokenizer.chat_template", _) => has_chat_template = true,
            ("tokenizer.ggml.tokens", Value::Array { len }) => vocab_size = Some(len),
            (k, v) if k.ends_with(".context_length") => {
                if let Some(n) = v.as_u64() {
                    context_lengths.push((k.to_string(), n));
                }
            }
            _ => {}
        }
    }

    let architecture = architecture
        .filter(|a| !a.is_empty())
        .ok_or_else(|| GgufError::Corrupt("no general.architecture".into()))?;
    let ctx_key = format!("{architecture}.context_length");
    let context_length = context_lengths
        .into_iter()
        .find(|(k, _)| *k == ctx_key)
        .map(|(_, v)| v);

    let mut parameter_count = 0u64;
    let mut data_needed = 0u64;
    // (ggml type, elements) tallies to name the quantisation when general.file_type is absent.
    let mut type_elems: Vec<(u32, u64)> = Vec::new();
    for i in 0..tensor_count {
        let tname = r
            .string(MAX_NAME, "tensor name")?
            .ok_or_else(|| GgufError::Corrupt(format!("tensor {i}: name too long")))?;
        let n_dims = r.u32(&tname)?;
        if n_dims == 0 || n_dims > MAX_DIMS {
            return Err(GgufError::Corrupt(format!("{tname}: {n_dims} dimensions")));
        }
        let mut elems = 1u64;
        let mut ne0 = 0u64;
        for d in 0..n_dims {
            let ne = r.u64(&tname)?;
            if d == 0 {
                ne0 = ne;
            }
            elems = elems
                .checked_mul(ne)
                .ok_or_else(|| GgufError::Corrupt(format!("{tname}: dimensions overflow")))?;
        }
        let ty = r.u32(&tname)?;
        let offset = r.u64(&tname)?;
        if let Some((block, bytes)) = ggml_block(ty) {
            if !ne0.is_multiple_of(block) {
                return Err(GgufError::Corrupt(format!(
                    "{tname}: row of {ne0} is not a multiple of the block size {block}"
                )));
            }
            let end = (elems / block)
                .checked_mul(bytes)
                .and_then(|n| n.checked_add(offset))
                .ok_or_else(|| GgufError::Corrupt(format!("{tname}: size overflows")))?;
            data_needed = data_needed.max(end);
        }
        parameter_count = parameter_count.saturating_add(elems);
        match type_elems.iter_mut().find(|(t, _)| *t == ty) {
            Some((_, n)) => *n = n.saturating_add(elems),
            None => type_elems.push((ty, elems)),
        }
    }

    let data_start = r.pos.div_ceil(alignment).saturating_mul(alignment);
    let needed = data_start.saturating_add(data_needed);
    if tensor_count > 0 && needed > size {
        return Err(GgufError::Truncated(format!(
            "tensor data needs {needed} bytes, file has {size}"
        )));
    }

    let quantization = file_type
        .and_then(file_type_name)
        .or_else(|| {
            // F32 norms and biases are in every file; the weights' type is the one that matters.
            type_elems
                .iter()
                .filter(|(t, _)| *t != 0 || type_elems.len() == 1)
                .max_by_key(|(_, n)| *n)
                .and_then(|(t, _)| ggml_type_name(*t))
        })
        .unwrap_or("unknown")
        .to_string();

    Ok(GgufInfo {
        version,
        architecture,
        name,
        parameter_count,
        tensor_count,
        file_type,
        quantization,
        context_length,
        has_chat_template,
        vocab_size,
        file_size: size,
    })
}

/// [`read_gguf_info`] with the error as a [`crate::Error`] naming the file.
pub fn inspect(path: &Path) -> Result<GgufInfo> {
    if !path.exists() {
        return Err(Error::InputNotFound {
            path: path.to_path_buf(),
        });
    }
    if path.is_dir() {
        return Err(Error::InputIsDirectory {
            path: path.to_path_buf(),
        });
    }
    read_gguf_info(path).map_err(|e| match e {
        GgufError::Io(source) => Error::InputUnreadable {
            path: path.to_path_buf(),
            source,
        },
        other => Error::BadInput {
            name: path.display().to_string(),
            reason: other.to_string(),
        },
    })
}

#[cfg(test)]
mod tests;
