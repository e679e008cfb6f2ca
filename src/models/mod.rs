//! The local model store: GGUF files in [`crate::paths::models_dir`] plus an index
//! (`models.toml`) recording each model's name, file, sha256 and the default model.
//!
//! Library functions only: they return data and print nothing (the command layer prints
//! `ava models …` output). Files are checked with the pure-Rust header reader in [`gguf`]
//! before they enter the store; whether llama.cpp can run one is for the caller to ask the
//! local engine, so the store needs neither llama.cpp nor the engine.

pub mod download;
pub mod gguf;

use crate::error::{Error, Result};
use gguf::inspect;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

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
            imported_at: crate::time::rfc3339_now(),
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

// ---------------------------------------------------------------------------------------------
// Free functions on the default store
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

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn fixture() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-llama.gguf")
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

        store.remove("base").unwrap();
        assert!(!store.path_of(&b).exists());
        // Removing the default hands it to a remaining model.
        assert_eq!(store.default_name().unwrap().as_deref(), Some("tiny-llama"));
        assert!(matches!(store.remove("base"), Err(Error::Usage(_))));
        // The original file is untouched (hard link or copy).
        assert!(gguf::read_gguf_info(&fixture()).is_ok());
    }

    #[test]
    fn corrupt_index_is_a_config_error() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(INDEX_FILE), "model = 3\n[[[").unwrap();
        let store = ModelStore::new(dir.path());
        assert!(matches!(store.list(), Err(Error::Config { .. })));
    }
}
