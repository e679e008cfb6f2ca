//! The local model store: GGUF files in [`crate::paths::models_dir`] plus an index
//! (`models.toml`) recording each model's name, file, sha256 and the default model.
//!
//! Nothing here needs llama.cpp: the GGUF header reader is plain Rust, so `ava models list`
//! works in a build without the `local` feature, and a damaged file is rejected here before
//! llama.cpp (which aborts the process on some malformed input) ever sees it.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{self, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// GGUF header reader
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Store
// ---------------------------------------------------------------------------------------------

/// One installed model as recorded in the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelEntry {
    pub name: String,
    /// File name inside the models directory.
    pub file: String,
    pub sha256: String,
    pub size: u64,
    /// RFC 3339, UTC.
    pub imported_at: String,
    /// Where it came from: the imported path or the download URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Index {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default: Option<String>,
    #[serde(default, rename = "model")]
    models: Vec<ModelEntry>,
}

pub const INDEX_FILE: &str = "models.toml";
pub const DEFAULT_HUB_URL: &str = "https://huggingface.co";

/// `$AVA_HUB_URL`, else Hugging Face.
pub fn hub_url() -> String {
    std::env::var("AVA_HUB_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_HUB_URL.to_string())
}

/// A model directory and its index. Tests use their own directory; the CLI uses
/// [`ModelStore::open_default`].
#[derive(Debug, Clone)]
pub struct ModelStore {
    dir: PathBuf,
}

impl ModelStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn open_default() -> Self {
        Self::new(crate::paths::models_dir())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn index_file(&self) -> PathBuf {
        self.dir.join(INDEX_FILE)
    }

    pub fn path_of(&self, entry: &ModelEntry) -> PathBuf {
        self.dir.join(&entry.file)
    }

    fn load_index(&self) -> Result<Index> {
        let file = self.index_file();
        let text = match fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Index::default()),
            Err(source) => {
                return Err(Error::InputUnreadable { path: file, source });
            }
        };
        toml::from_str(&text).map_err(|e| Error::Config {
            file: file.display().to_string(),
            reason: e.to_string(),
        })
    }

    fn save_index(&self, index: &Index) -> Result<()> {
        let file = self.index_file();
        let text = toml::to_string_pretty(index).map_err(|e| Error::Config {
            file: file.display().to_string(),
            reason: e.to_string(),
        })?;
        let out_err = |source| Error::Output {
            path: file.clone(),
            source,
        };
        fs::create_dir_all(&self.dir).map_err(out_err)?;
        // Write-then-rename so a crash never leaves a half-written index behind.
        let tmp = self.dir.join(format!(".{INDEX_FILE}.tmp"));
        fs::write(&tmp, text).map_err(out_err)?;
        fs::rename(&tmp, &file).map_err(out_err)
    }

    pub fn list(&self) -> Result<Vec<ModelEntry>> {
        Ok(self.load_index()?.models)
    }

    pub fn get(&self, name: &str) -> Result<Option<ModelEntry>> {
        Ok(self
            .load_index()?
            .models
            .into_iter()
            .find(|m| m.name == name))
    }

    /// The model marked default, else the only installed model.
    pub fn default_model(&self) -> Result<Option<ModelEntry>> {
        let index = self.load_index()?;
        if let Some(name) = &index.default
            && let Some(m) = index.models.iter().find(|m| &m.name == name)
        {
            return Ok(Some(m.clone()));
        }
        Ok(match index.models.as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        })
    }

    /// Name of the model marked default in the index, if any.
    pub fn default_name(&self) -> Result<Option<String>> {
        Ok(self.default_model()?.map(|m| m.name))
    }

    /// Copies (or hard-links, when on the same filesystem) a GGUF file into the store after
    /// checking its header. The first model imported becomes the default.
    pub fn import(&self, src: &Path, name: Option<&str>) -> Result<ModelEntry> {
        inspect(src)?;
        let name = match name {
            Some(n) => check_name(n)?,
            None => name_from_file(src)?,
        };
        if self.get(&name)?.is_some() {
            return Err(Error::Usage(format!(
                "a model named {name:?} is already installed; remove it first or pick another --name"
            )));
        }
        fs::create_dir_all(&self.dir).map_err(|source| Error::Output {
            path: self.dir.clone(),
            source,
        })?;
        let file = format!("{name}.gguf");
        let dest = self.dir.join(&file);
        let same = match (fs::canonicalize(src), fs::canonicalize(&dest)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if !same {
            let tmp = self.dir.join(format!(".{file}.importing"));
            let _ = fs::remove_file(&tmp);
            let out_err = |source| Error::Output {
                path: dest.clone(),
                source,
            };
            if fs::hard_link(src, &tmp).is_err() {
                fs::copy(src, &tmp).map_err(out_err)?;
            }
            fs::rename(&tmp, &dest).map_err(out_err)?;
        }
        let source = fs::canonicalize(src)
            .unwrap_or_else(|_| src.to_path_buf())
            .display()
            .to_string();
        self.register(&name, &file, Some(source))
    }

    /// Adds a file already inside the store directory to the index.
    fn register(&self, name: &str, file: &str, source: Option<String>) -> Result<ModelEntry> {
        let path = self.dir.join(file);
        let size = fs::metadata(&path)?.len();
        let entry = ModelEntry {
            name: name.to_string(),
            file: file.to_string(),
            sha256: sha256_file(&path)?,
            size,
            imported_at: rfc3339_now(),
            source,
        };
        let mut index = self.load_index()?;
        index.models.retain(|m| m.name != name);
        index.models.push(entry.clone());
        if index.default.is_none() {
            index.default = Some(name.to_string());
        }
        self.save_index(&index)?;
        Ok(entry)
    }

    /// Deletes a model's file and index entry. If it was the default, the first remaining
    /// model (if any) becomes the default.
    pub fn remove(&self, name: &str) -> Result<ModelEntry> {
        let mut index = self.load_index()?;
        let pos = index
            .models
            .iter()
            .position(|m| m.name == name)
            .ok_or_else(|| no_such_model(name))?;
        let entry = index.models.remove(pos);
        match fs::remove_file(self.path_of(&entry)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        if index.default.as_deref() == Some(name) {
            index.default = index.models.first().map(|m| m.name.clone());
        }
        self.save_index(&index)?;
        Ok(entry)
    }

    pub fn set_default(&self, name: &str) -> Result<()> {
        let mut index = self.load_index()?;
        if !index.models.iter().any(|m| m.name == name) {
            return Err(no_such_model(name));
        }
        index.default = Some(name.to_string());
        self.save_index(&index)
    }

    /// A path for the local engine: `name_or_path` is a file path when it looks like one
    /// (has a path separator or ends in `.gguf`), else an installed model's name.
    pub fn resolve(&self, name_or_path: &str) -> Result<PathBuf> {
        let looks_like_path = name_or_path.contains('/')
            || name_or_path.contains(std::path::MAIN_SEPARATOR)
            || name_or_path.ends_with(".gguf");
        if looks_like_path {
            let p = PathBuf::from(name_or_path);
            if !p.is_file() {
                return Err(if p.is_dir() {
                    Error::InputIsDirectory { path: p }
                } else {
                    Error::InputNotFound { path: p }
                });
            }
            return Ok(p);
        }
        match self.get(name_or_path)? {
            Some(m) => {
                let p = self.path_of(&m);
                if p.is_file() {
                    Ok(p)
                } else {
                    Err(Error::EngineUnavailable(format!(
                        "model {name_or_path:?} is registered but {} is missing; \
                         `ava models rm {name_or_path}` and import it again",
                        p.display()
                    )))
                }
            }
            None => Err(no_such_model(name_or_path)),
        }
    }

    /// Downloads `OWNER/REPO/FILE.gguf` from `{hub}/{OWNER/REPO}/resolve/main/{FILE}` into the
    /// store. An interrupted download stays as `FILE.part` and resumes on the next call.
    pub async fn pull(
        &self,
        repo_file: &str,
        hub_base_url: &str,
        expected_sha256: Option<&str>,
    ) -> Result<ModelEntry> {
        let (repo, file) = split_repo_file(repo_file)?;
        let expected = match expected_sha256 {
            Some(h) => {
                let h = h.trim().to_ascii_lowercase();
                if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::Usage(format!(
                        "--sha256 {h:?}: expected 64 hexadecimal digits"
                    )));
                }
                Some(h)
            }
            None => None,
        };
        let base_name = file.rsplit('/').next().unwrap_or(file);
        let name = name_from_file(Path::new(base_name))?;
        if self.get(&name)?.is_some() {
            return Err(Error::Usage(format!(
                "a model named {name:?} is already installed"
            )));
        }
        fs::create_dir_all(&self.dir).map_err(|source| Error::Output {
            path: self.dir.clone(),
            source,
        })?;
        let url = format!(
            "{}/{}/resolve/main/{}",
            hub_base_url.trim_end_matches('/'),
            repo,
            file
        );
        let part = self.dir.join(format!("{name}.gguf.part"));
        download(&url, &part).await?;

        let check = part.clone();
        let actual = tokio::task::spawn_blocking(move || sha256_file(&check))
            .await
            .map_err(|e| Error::Engine(format!("hashing task failed: {e}")))??;
        if let Some(expected) = &expected
            && *expected != actual
        {
            let _ = fs::remove_file(&part);
            return Err(Error::BadInput {
                name: url,
                reason: format!(
                    "sha256 mismatch: expected {expected}, got {actual}; the download was deleted"
                ),
            });
        }
        if let Err(e) = inspect(&part) {
            let _ = fs::remove_file(&part);
            return Err(e);
        }
        let file_name = format!("{name}.gguf");
        fs::rename(&part, self.dir.join(&file_name))?;
        self.register(&name, &file_name, Some(url))
    }
}

fn no_such_model(name: &str) -> Error {
    Error::Usage(format!(
        "no installed model named {name:?}; `ava models list` shows what is installed"
    ))
}

fn check_name(name: &str) -> Result<String> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(name.to_string())
    } else {
        Err(Error::Usage(format!(
            "model name {name:?}: use letters, digits, '.', '_' and '-' (not starting with '.')"
        )))
    }
}

fn name_from_file(path: &Path) -> Result<String> {
    let stem = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem.strip_suffix(".gguf").unwrap_or(&stem);
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    check_name(cleaned.trim_start_matches('.'))
}

fn split_repo_file(spec: &str) -> Result<(&str, &str)> {
    let bad = || {
        Error::Usage(format!(
            "{spec:?}: expected OWNER/REPO/FILE.gguf, e.g. \
             bartowski/SmolLM2-135M-Instruct-GGUF/SmolLM2-135M-Instruct-Q4_K_M.gguf"
        ))
    };
    let mut it = spec.splitn(3, '/');
    let (Some(owner), Some(repo), Some(file)) = (it.next(), it.next(), it.next()) else {
        return Err(bad());
    };
    let all_ok = [owner, repo]
        .iter()
        .chain(file.split('/').collect::<Vec<_>>().iter())
        .all(|s| !s.is_empty() && *s != "." && *s != ".." && !s.contains(['?', '#', '\\']));
    if !all_ok || !file.ends_with(".gguf") {
        return Err(bad());
    }
    let repo_len = owner.len() + 1 + repo.len();
    Ok((&spec[..repo_len], file))
}

async fn download(url: &str, part: &Path) -> Result<()> {
    use reqwest::StatusCode;
    use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, RANGE};
    use tokio::io::AsyncWriteExt;

    let have = fs::metadata(part).map(|m| m.len()).unwrap_or(0);
    let client = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| Error::EngineUnavailable(format!("HTTP client: {e}")))?;
    let mut req = client.get(url);
    if have > 0 {
        req = req.header(RANGE, format!("bytes={have}-"));
    }
    let net = |e: reqwest::Error| Error::TemporaryFailure(format!("{url}: {e}"));
    let mut resp = req.send().await.map_err(net)?;
    let status = resp.status();

    let header_u64 = |resp: &reqwest::Response, h| -> Option<u64> {
        resp.headers().get(h)?.to_str().ok()?.trim().parse().ok()
    };
    let (start, total) = match status {
        StatusCode::PARTIAL_CONTENT => {
            // "bytes START-END/TOTAL": resume only if the server starts where we stopped.
            let cr = resp
                .headers()
                .get(CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let start: Option<u64> = cr
                .strip_prefix("bytes ")
                .and_then(|r| r.split('-').next())
                .and_then(|s| s.parse().ok());
            let total: Option<u64> = cr.rsplit('/').next().and_then(|s| s.parse().ok());
            if start != Some(have) {
                return Err(Error::TemporaryFailure(format!(
                    "{url}: server resumed at the wrong offset ({cr:?}); delete {} and retry",
                    part.display()
                )));
            }
            (have, total)
        }
        StatusCode::OK => (0, header_u64(&resp, CONTENT_LENGTH)),
        StatusCode::RANGE_NOT_SATISFIABLE if have > 0 => {
            // The part file already holds everything; the sha256 check decides if it is good.
            return Ok(());
        }
        StatusCode::NOT_FOUND => {
            return Err(Error::BadInput {
                name: url.to_string(),
                reason: "not found on the hub (check OWNER/REPO/FILE)".into(),
            });
        }
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            return Err(Error::CredentialsRejected(format!(
                "{url}: the hub refused the download ({status}); the model may be gated"
            )));
        }
        s => {
            return Err(Error::TemporaryFailure(format!("{url}: HTTP {s}")));
        }
    };

    let mut out = tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(start > 0)
        .truncate(start == 0)
        .open(part)
        .await
        .map_err(|source| Error::Output {
            path: part.to_path_buf(),
            source,
        })?;
    let bar =
        indicatif::ProgressBar::with_draw_target(total, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    bar.set_message(
        part.file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".part").to_string())
            .unwrap_or_default(),
    );
    bar.set_position(start);
    let mut written = start;
    loop {
        let chunk = match resp.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => {
                let _ = out.flush().await;
                bar.abandon();
                return Err(Error::TemporaryFailure(format!(
                    "{url}: download interrupted after {written} bytes ({e}); \
                     run the same command again to resume"
                )));
            }
        };
        out.write_all(&chunk)
            .await
            .map_err(|source| Error::Output {
                path: part.to_path_buf(),
                source,
            })?;
        written += chunk.len() as u64;
        bar.set_position(written);
    }
    out.flush().await?;
    bar.finish_and_clear();
    if let Some(total) = total
        && written < total
    {
        return Err(Error::TemporaryFailure(format!(
            "{url}: connection closed after {written} of {total} bytes; \
             run the same command again to resume"
        )));
    }
    Ok(())
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = fs::File::open(path).map_err(|source| Error::InputUnreadable {
        path: path.to_path_buf(),
        source,
    })?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Now, as an RFC 3339 UTC timestamp (`2026-11-29T14:30:00Z`).
pub(crate) fn rfc3339_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(secs)
}

/// UTC timestamp without pulling in a date crate (Howard Hinnant's civil-from-days).
fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

// ---------------------------------------------------------------------------------------------
// Free functions on the default store, and the `ava models …` subcommands
// ---------------------------------------------------------------------------------------------

pub fn list() -> Result<Vec<ModelEntry>> {
    ModelStore::open_default().list()
}

pub fn import(path: &Path, name: Option<&str>) -> Result<ModelEntry> {
    ModelStore::open_default().import(path, name)
}

pub fn remove(name: &str) -> Result<ModelEntry> {
    ModelStore::open_default().remove(name)
}

pub fn set_default(name: &str) -> Result<()> {
    ModelStore::open_default().set_default(name)
}

pub fn default_model() -> Result<Option<ModelEntry>> {
    ModelStore::open_default().default_model()
}

pub fn resolve(name_or_path: &str) -> Result<PathBuf> {
    ModelStore::open_default().resolve(name_or_path)
}

pub async fn pull(
    repo_file: &str,
    hub_base_url: &str,
    expected_sha256: Option<&str>,
) -> Result<ModelEntry> {
    ModelStore::open_default()
        .pull(repo_file, hub_base_url, expected_sha256)
        .await
}

/// "135M", "1.5B".
pub fn human_count(n: u64) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=999_999 => format!("{:.0}K", n as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.0}M", n as f64 / 1e6),
        _ => format!("{:.1}B", n as f64 / 1e9),
    }
}

/// "98 MB", "1.1 GB" (decimal units, as download sites show them).
pub fn human_bytes(n: u64) -> String {
    match n {
        0..=999 => format!("{n} B"),
        1_000..=999_999 => format!("{:.0} KB", n as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.0} MB", n as f64 / 1e6),
        _ => format!("{:.1} GB", n as f64 / 1e9),
    }
}

fn print_table(out: &mut impl Write, rows: &[Vec<String>]) -> io::Result<()> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == row.len() {
                line.push_str(cell);
            } else {
                let pad = widths[c].saturating_sub(cell.chars().count());
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Rows of the `ava models list` table, header first. Split out so it can be tested.
pub fn list_rows(store: &ModelStore) -> Result<Vec<Vec<String>>> {
    let default = store.default_name()?;
    let mut rows = vec![
        [
            "NAME", "DEFAULT", "ARCH", "PARAMS", "QUANT", "CONTEXT", "TEMPLATE", "SIZE",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    ];
    for m in store.list()? {
        let is_default = if default.as_deref() == Some(m.name.as_str()) {
            "*"
        } else {
            ""
        };
        let row = match read_gguf_info(&store.path_of(&m)) {
            Ok(info) => vec![
                m.name.clone(),
                is_default.into(),
                info.architecture,
                human_count(info.parameter_count),
                info.quantization,
                info.context_length
                    .map_or_else(|| "?".into(), |c| c.to_string()),
                if info.has_chat_template { "yes" } else { "no" }.into(),
                human_bytes(m.size),
            ],
            Err(e) => {
                let what = match e {
                    GgufError::Io(ref io) if io.kind() == io::ErrorKind::NotFound => {
                        "(file missing)".to_string()
                    }
                    other => format!("({other})"),
                };
                vec![
                    m.name.clone(),
                    is_default.into(),
                    what,
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    human_bytes(m.size),
                ]
            }
        };
        rows.push(row);
    }
    Ok(rows)
}

/// `ava models list`
pub fn cmd_list() -> Result<()> {
    let store = ModelStore::open_default();
    let rows = list_rows(&store)?;
    let mut out = io::stdout().lock();
    if rows.len() == 1 {
        writeln!(
            out,
            "no models installed in {}; add one with `ava models import FILE.gguf` \
             or `ava models pull OWNER/REPO/FILE.gguf`",
            store.dir().display()
        )?;
        return Ok(());
    }
    print_table(&mut out, &rows)?;
    Ok(())
}

/// `ava models import FILE [--name N]`. With the `local` feature the model is also loaded
/// once, so a file llama.cpp cannot run is refused at import rather than at first use.
pub fn cmd_import(file: &Path, name: Option<&str>) -> Result<()> {
    let store = ModelStore::open_default();
    let entry = store.import(file, name)?;
    #[cfg(feature = "local")]
    {
        let opts = crate::engine::local::LocalOptions {
            ctx_size: Some(512),
            ..Default::default()
        };
        if let Err(e) = crate::engine::local::LocalEngine::load(&store.path_of(&entry), opts) {
            let _ = store.remove(&entry.name);
            return Err(e);
        }
    }
    let info = inspect(&store.path_of(&entry))?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "imported {} ({}, {} parameters, {}, {}) sha256 {}",
        entry.name,
        info.architecture,
        human_count(info.parameter_count),
        info.quantization,
        human_bytes(entry.size),
        entry.sha256
    )?;
    if !info.has_chat_template {
        writeln!(
            out,
            "note: {} has no chat template (a base model?); ava will use a plain prompt format",
            entry.name
        )?;
    }
    Ok(())
}

/// `ava models pull REPO/FILE [--sha256 H]`, from `$AVA_HUB_URL` (default Hugging Face).
pub async fn cmd_pull(spec: &str, sha256: Option<&str>) -> Result<()> {
    let store = ModelStore::open_default();
    let hub = hub_url();
    let entry = store.pull(spec, &hub, sha256).await?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "installed {} ({}) sha256 {}",
        entry.name,
        human_bytes(entry.size),
        entry.sha256
    )?;
    if sha256.is_none() {
        writeln!(
            out,
            "note: no --sha256 given; compare the hash above with the one the hub publishes"
        )?;
    }
    Ok(())
}

/// `ava models rm NAME`
pub fn cmd_rm(name: &str) -> Result<()> {
    let store = ModelStore::open_default();
    let entry = store.remove(name)?;
    let mut out = io::stdout().lock();
    writeln!(out, "removed {} ({})", entry.name, entry.file)?;
    if let Some(d) = store.default_name()? {
        writeln!(out, "default model: {d}")?;
    }
    Ok(())
}

/// `ava models default NAME`
pub fn cmd_default(name: &str) -> Result<()> {
    ModelStore::open_default().set_default(name)?;
    writeln!(io::stdout().lock(), "default model: {name}")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn fixture() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-llama.gguf")
    }

    fn parse(bytes: &[u8]) -> Result<GgufInfo, GgufError> {
        parse_gguf_header(Cursor::new(bytes), bytes.len() as u64)
    }

    /// A minimal GGUF v3 file built by hand: KV pairs then tensor infos and data.
    fn build(kvs: &[(&str, u32, Vec<u8>)], tensors: &[(&str, &[u64], u32)]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(b"GGUF");
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&(tensors.len() as u64).to_le_bytes());
        b.extend_from_slice(&(kvs.len() as u64).to_le_bytes());
        for (k, ty, v) in kvs {
            b.extend_from_slice(&(k.len() as u64).to_le_bytes());
            b.extend_from_slice(k.as_bytes());
            b.extend_from_slice(&ty.to_le_bytes());
            b.extend_from_slice(v);
        }
        let mut offset = 0u64;
        let mut data = 0u64;
        for (name, dims, ty) in tensors {
            b.extend_from_slice(&(name.len() as u64).to_le_bytes());
            b.extend_from_slice(name.as_bytes());
            b.extend_from_slice(&(dims.len() as u32).to_le_bytes());
            for d in *dims {
                b.extend_from_slice(&d.to_le_bytes());
            }
            b.extend_from_slice(&ty.to_le_bytes());
            b.extend_from_slice(&offset.to_le_bytes());
            let (blk, sz) = ggml_block(*ty).unwrap();
            let n = dims.iter().product::<u64>() / blk * sz;
            offset += n.div_ceil(32) * 32;
            data = offset;
        }
        let aligned = b.len().div_ceil(32) * 32;
        b.resize(aligned + data as usize, 0);
        b
    }

    fn s(v: &str) -> Vec<u8> {
        let mut b = (v.len() as u64).to_le_bytes().to_vec();
        b.extend_from_slice(v.as_bytes());
        b
    }

    #[test]
    fn reads_fixture_header() {
        let info = read_gguf_info(&fixture()).unwrap();
        assert_eq!(info.architecture, "llama");
        assert_eq!(info.name.as_deref(), Some("tiny-llama"));
        assert_eq!(info.context_length, Some(256));
        assert!(info.has_chat_template);
        assert_eq!(info.quantization, "F32");
        assert_eq!(info.tensor_count, 21);
        assert_eq!(info.vocab_size, Some(292));
        // 2 × 292 × 64 embeddings/output + 2 layers × (64×64×2 + 32×64×2 + 3×64×128 + 2×64) + 64
        assert_eq!(
            info.parameter_count,
            2 * 292 * 64 + 2 * (8192 + 4096 + 24576 + 128) + 64
        );
        let base = fixture().with_file_name("tiny-llama-base.gguf");
        assert!(!read_gguf_info(&base).unwrap().has_chat_template);
    }

    #[test]
    fn synthetic_header_and_quant_from_tensor_types() {
        let bytes = build(
            &[
                ("general.architecture", 8, s("qwen2")),
                ("qwen2.context_length", 4, 32768u32.to_le_bytes().to_vec()),
                ("llama.context_length", 4, 7u32.to_le_bytes().to_vec()),
                ("tokenizer.chat_template", 8, s("{{x}}")),
            ],
            &[
                ("a", &[256, 4], 12),
                ("b", &[256, 8], 12),
                ("norm", &[256], 0),
            ],
        );
        let info = parse(&bytes).unwrap();
        assert_eq!(info.architecture, "qwen2");
        assert_eq!(info.context_length, Some(32768));
        assert_eq!(info.parameter_count, 256 * 12 + 256);
        assert_eq!(info.quantization, "Q4_K");
        assert!(info.has_chat_template);
    }

    #[test]
    fn rejects_bad_headers_without_panicking() {
        assert!(matches!(parse(b""), Err(GgufError::NotGguf(_))));
        assert!(matches!(parse(b"GGML\0\0\0\0"), Err(GgufError::NotGguf(_))));
        let mut v1 = b"GGUF".to_vec();
        v1.extend_from_slice(&1u32.to_le_bytes());
        assert!(matches!(parse(&v1), Err(GgufError::UnsupportedVersion(1))));

        // A string length of u64::MAX must not allocate.
        let mut huge = b"GGUF".to_vec();
        huge.extend_from_slice(&3u32.to_le_bytes());
        huge.extend_from_slice(&0u64.to_le_bytes());
        huge.extend_from_slice(&1u64.to_le_bytes());
        huge.extend_from_slice(&u64::MAX.to_le_bytes());
        huge.extend_from_slice(&[0u8; 16]);
        assert!(matches!(parse(&huge), Err(GgufError::Truncated(_))));

        // Absurd counts.
        let mut counts = b"GGUF".to_vec();
        counts.extend_from_slice(&3u32.to_le_bytes());
        counts.extend_from_slice(&u64::MAX.to_le_bytes());
        counts.extend_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(parse(&counts), Err(GgufError::Truncated(_))));

        // No architecture.
        let bytes = build(&[("general.name", 8, s("x"))], &[]);
        assert!(matches!(parse(&bytes), Err(GgufError::Corrupt(_))));

        // Array of u32 claiming 2^62 elements.
        let mut arr = 4u32.to_le_bytes().to_vec();
        arr.extend_from_slice(&(1u64 << 62).to_le_bytes());
        let bytes = build(
            &[("general.architecture", 8, s("llama")), ("x", 9, arr)],
            &[],
        );
        assert!(parse(&bytes).is_err());

        // Dimensions whose product overflows.
        let bytes = build(&[("general.architecture", 8, s("llama"))], &[]);
        let mut t = bytes[..bytes.len()].to_vec();
        t[8..16].copy_from_slice(&1u64.to_le_bytes());
        t.extend_from_slice(&s("w"));
        t.extend_from_slice(&2u32.to_le_bytes());
        t.extend_from_slice(&u64::MAX.to_le_bytes());
        t.extend_from_slice(&u64::MAX.to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        t.extend_from_slice(&0u64.to_le_bytes());
        assert!(parse(&t).is_err());
    }

    #[test]
    fn every_truncation_of_the_fixture_is_an_error() {
        let bytes = fs::read(fixture()).unwrap();
        // Every prefix length inside the header, then coarse steps through the weights.
        let header_end = 12_000.min(bytes.len());
        let cuts = (0..header_end).chain((header_end..bytes.len()).step_by(4093));
        for cut in cuts {
            assert!(
                parse(&bytes[..cut]).is_err(),
                "prefix of {cut} bytes parsed"
            );
        }
        assert!(parse(&bytes).is_ok());
    }

    #[test]
    fn random_bytes_never_panic() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let good = fs::read(fixture()).unwrap();
        for _ in 0..300 {
            let mut b = good[..4096].to_vec();
            for _ in 0..8 {
                let i = rng.random_range(4..b.len());
                b[i] = rng.random();
            }
            let _ = parse(&b);
            let noise: Vec<u8> = (0..rng.random_range(0..512))
                .map(|_| rng.random())
                .collect();
            let _ = parse(&noise);
        }
    }

    #[test]
    fn store_import_list_default_remove() {
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::new(dir.path().join("models"));
        assert!(store.list().unwrap().is_empty());
        assert!(store.default_model().unwrap().is_none());

        let a = store.import(&fixture(), None).unwrap();
        assert_eq!(a.name, "tiny-llama");
        assert_eq!(a.sha256, sha256_file(&fixture()).unwrap());
        assert!(store.path_of(&a).is_file());
        let b = store
            .import(
                &fixture().with_file_name("tiny-llama-base.gguf"),
                Some("base"),
            )
            .unwrap();
        assert_eq!(store.list().unwrap().len(), 2);
        // The first import became the default.
        assert_eq!(store.default_model().unwrap().unwrap().name, "tiny-llama");

        assert!(matches!(
            store.import(&fixture(), None),
            Err(Error::Usage(_))
        ));
        assert!(matches!(
            store.import(&fixture(), Some("../evil")),
            Err(Error::Usage(_))
        ));
        let junk = dir.path().join("junk.gguf");
        fs::write(&junk, b"GGUF\x03\0\0\0garbage").unwrap();
        assert!(matches!(
            store.import(&junk, None),
            Err(Error::BadInput { .. })
        ));

        store.set_default("base").unwrap();
        assert_eq!(store.default_model().unwrap().unwrap(), b);
        assert!(matches!(store.set_default("nope"), Err(Error::Usage(_))));

        assert_eq!(store.resolve("base").unwrap(), store.path_of(&b));
        assert_eq!(
            store.resolve(fixture().to_str().unwrap()).unwrap(),
            fixture()
        );
        assert!(matches!(store.resolve("nope"), Err(Error::Usage(_))));
        assert!(matches!(
            store.resolve("/no/such/file.gguf"),
            Err(Error::InputNotFound { .. })
        ));

        let rows = list_rows(&store).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2][0], "base");
        assert_eq!(rows[2][1], "*");
        assert_eq!(rows[2][2], "llama");
        assert_eq!(rows[2][6], "no");

        store.remove("base").unwrap();
        assert!(!store.path_of(&b).exists());
        // Removing the default hands it to a remaining model.
        assert_eq!(store.default_name().unwrap().as_deref(), Some("tiny-llama"));
        assert!(matches!(store.remove("base"), Err(Error::Usage(_))));
        // The original file is untouched (hard link or copy).
        assert!(read_gguf_info(&fixture()).is_ok());
    }

    #[test]
    fn corrupt_index_is_a_config_error() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(INDEX_FILE), "model = 3\n[[[").unwrap();
        let store = ModelStore::new(dir.path());
        assert!(matches!(store.list(), Err(Error::Config { .. })));
    }

    #[test]
    fn repo_file_spec() {
        assert_eq!(split_repo_file("a/b/c.gguf").unwrap(), ("a/b", "c.gguf"));
        assert_eq!(
            split_repo_file("a/b/sub/c.gguf").unwrap(),
            ("a/b", "sub/c.gguf")
        );
        for bad in [
            "a/b",
            "a/b/c.bin",
            "a//c.gguf",
            "a/b/../c.gguf",
            "a/b/c.gguf?x",
        ] {
            assert!(split_repo_file(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timestamps_and_units() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_718_064_000 + 3_723), "2024-06-11T01:02:03Z");
        assert_eq!(human_count(134_515_008), "135M");
        assert_eq!(human_count(1_543_714_304), "1.5B");
        assert_eq!(human_bytes(98_000_000), "98 MB");
    }

    mod pull {
        use super::*;
        use axum::Router;
        use axum::extract::State;
        use axum::http::{HeaderMap, StatusCode, header};
        use axum::response::{IntoResponse, Response};
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::{Arc, Mutex};

        #[derive(Clone)]
        struct Served {
            body: Arc<Vec<u8>>,
            /// Serve only this many bytes of a full response, then close (simulated drop).
            cut_first: Arc<Mutex<Option<usize>>>,
            ranges: Arc<Mutex<Vec<String>>>,
            hits: Arc<AtomicUsize>,
        }

        async fn serve(State(s): State<Served>, headers: HeaderMap) -> Response {
            s.hits.fetch_add(1, Ordering::SeqCst);
            let body = s.body.clone();
            if let Some(r) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
                s.ranges.lock().unwrap().push(r.to_string());
                let start: usize = r
                    .trim_start_matches("bytes=")
                    .trim_end_matches('-')
                    .parse()
                    .unwrap();
                if start >= body.len() {
                    return StatusCode::RANGE_NOT_SATISFIABLE.into_response();
                }
                let cr = format!("bytes {start}-{}/{}", body.len() - 1, body.len());
                return (
                    StatusCode::PARTIAL_CONTENT,
                    [(header::CONTENT_RANGE, cr)],
                    body[start..].to_vec(),
                )
                    .into_response();
            }
            if let Some(cut) = s.cut_first.lock().unwrap().take() {
                // Send part of the body, then fail the connection: the client sees a drop
                // mid-download. The pause lets the first chunk reach the client.
                use futures_util::StreamExt;
                let first = axum::body::Bytes::copy_from_slice(&body[..cut]);
                let stream = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(first)])
                    .chain(futures_util::stream::once(async {
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        Err(std::io::Error::other("simulated drop"))
                    }));
                return Response::builder()
                    .header(header::CONTENT_LENGTH, body.len())
                    .body(axum::body::Body::from_stream(stream))
                    .unwrap();
            }
            (StatusCode::OK, body.to_vec()).into_response()
        }

        async fn start(served: Served) -> String {
            let app = Router::new()
                .route(
                    "/{owner}/{repo}/resolve/main/{file}",
                    axum::routing::get(serve),
                )
                .with_state(served);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move {
                let _ = axum::serve(listener, app).await;
            });
            format!("http://{addr}")
        }

        fn served(cut: Option<usize>) -> Served {
            Served {
                body: Arc::new(fs::read(fixture()).unwrap()),
                cut_first: Arc::new(Mutex::new(cut)),
                ranges: Arc::default(),
                hits: Arc::default(),
            }
        }

        #[tokio::test]
        async fn pull_resumes_and_checks_sha() {
            let s = served(Some(100_000));
            let hub = start(s.clone()).await;
            let dir = tempfile::tempdir().unwrap();
            let store = ModelStore::new(dir.path());
            let sha = sha256_file(&fixture()).unwrap();

            let err = store
                .pull("me/tiny/tiny-llama.gguf", &hub, Some(&sha))
                .await
                .unwrap_err();
            assert!(matches!(err, Error::TemporaryFailure(_)), "{err}");
            let part = dir.path().join("tiny-llama.gguf.part");
            assert_eq!(fs::metadata(&part).unwrap().len(), 100_000);

            let entry = store
                .pull("me/tiny/tiny-llama.gguf", &hub, Some(&sha))
                .await
                .unwrap();
            assert_eq!(entry.sha256, sha);
            assert_eq!(
                s.ranges.lock().unwrap().as_slice(),
                ["bytes=100000-".to_string()]
            );
            assert!(!part.exists());
            assert_eq!(store.list().unwrap(), vec![entry.clone()]);
            assert_eq!(
                fs::read(store.path_of(&entry)).unwrap(),
                fs::read(fixture()).unwrap()
            );
            // Installed already: refused before any request.
            let hits = s.hits.load(Ordering::SeqCst);
            assert!(
                store
                    .pull("me/tiny/tiny-llama.gguf", &hub, None)
                    .await
                    .is_err()
            );
            assert_eq!(s.hits.load(Ordering::SeqCst), hits);
        }

        #[tokio::test]
        async fn pull_sha_mismatch_and_not_found() {
            let hub = start(served(None)).await;
            let dir = tempfile::tempdir().unwrap();
            let store = ModelStore::new(dir.path());
            let wrong = "0".repeat(64);
            let err = store
                .pull("me/tiny/tiny-llama.gguf", &hub, Some(&wrong))
                .await
                .unwrap_err();
            assert!(err.to_string().contains("sha256 mismatch"), "{err}");
            assert!(!dir.path().join("tiny-llama.gguf.part").exists());
            assert!(store.list().unwrap().is_empty());

            let err = store
                .pull("me/tiny/tiny-llama.gguf", &hub, Some("abc"))
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Usage(_)));

            let err = store
                .pull("me/tiny/other.gguf", &format!("{hub}/nothing"), None)
                .await
                .unwrap_err();
            assert!(matches!(err, Error::BadInput { .. }), "{err}");

            // No sha given: still installs, and records the computed hash.
            let entry = store
                .pull("me/tiny/tiny-llama.gguf", &hub, None)
                .await
                .unwrap();
            assert_eq!(entry.sha256, sha256_file(&fixture()).unwrap());
        }
    }
}
