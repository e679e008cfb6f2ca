//! `ava models …`: what the user sees of the model store — the list table and one line
//! for each change. The store itself ([`crate::models`]) returns data and prints nothing.

use crate::cli::ModelsCmd;
use crate::error::Result;
use crate::models::ModelStore;
use crate::models::download::hub_url;
use crate::models::gguf::{GgufError, inspect, read_gguf_info};
use std::io::{self, Write};
use std::path::Path;

/// Runs one `ava models` subcommand; the exit code on success is 0.
pub async fn run(cmd: ModelsCmd) -> Result<i32> {
    match cmd {
        ModelsCmd::List => list()?,
        ModelsCmd::Import { file, name } => import(&file, name.as_deref())?,
        ModelsCmd::Pull { spec, sha256 } => pull(&spec, sha256.as_deref()).await?,
        ModelsCmd::Rm { name } => rm(&name)?,
        ModelsCmd::Default { name } => default(&name)?,
    }
    Ok(0)
}

/// "135M", "1.5B".
fn human_count(n: u64) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=999_999 => format!("{:.0}K", n as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.0}M", n as f64 / 1e6),
        _ => format!("{:.1}B", n as f64 / 1e9),
    }
}

/// "98 MB", "1.1 GB" (decimal units, as download sites show them).
fn human_bytes(n: u64) -> String {
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
fn list_rows(store: &ModelStore) -> Result<Vec<Vec<String>>> {
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
fn list() -> Result<()> {
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
fn import(file: &Path, name: Option<&str>) -> Result<()> {
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
async fn pull(spec: &str, sha256: Option<&str>) -> Result<()> {
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
fn rm(name: &str) -> Result<()> {
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
fn default(name: &str) -> Result<()> {
    ModelStore::open_default().set_default(name)?;
    writeln!(io::stdout().lock(), "default model: {name}")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixture() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-llama.gguf")
    }

    #[test]
    fn list_table_rows() {
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::new(dir.path().join("models"));
        store.import(&fixture(), None).unwrap();
        store
            .import(
                &fixture().with_file_name("tiny-llama-base.gguf"),
                Some("base"),
            )
            .unwrap();
        store.set_default("base").unwrap();

        let rows = list_rows(&store).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2][0], "base");
        assert_eq!(rows[2][1], "*");
        assert_eq!(rows[2][2], "llama");
        assert_eq!(rows[2][6], "no");
    }

    #[test]
    fn units() {
        assert_eq!(human_count(134_515_008), "135M");
        assert_eq!(human_count(1_543_714_304), "1.5B");
        assert_eq!(human_bytes(98_000_000), "98 MB");
    }
}
