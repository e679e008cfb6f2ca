//! Directories on the command line: `ava summarize cases/` takes the files inside in name
//! order (and those of subdirectories with `--recursive`), skipping with a notice what is
//! plainly not case material. Globs are the shell's business.

use super::Input;
use crate::error::{Error, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Subdirectory levels followed with `--recursive`.
const MAX_DEPTH: usize = 32;

/// Replace each directory among `inputs` by the files in it; `notice` hears what is skipped.
pub fn expand_dirs(
    inputs: Vec<Input>,
    recursive: bool,
    notice: &mut dyn FnMut(String),
) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for input in inputs {
        match &input {
            Input::File(p) if p.is_dir() => {
                let before = out.len();
                walk(p, recursive, 0, &mut out, notice)?;
                if out.len() == before {
                    return Err(Error::InputUnreadable {
                        path: p.clone(),
                        source: std::io::Error::other("no files ava can read in this directory"),
                    });
                }
            }
            _ => out.push(input),
        }
    }
    Ok(out)
}

fn walk(
    dir: &Path,
    recursive: bool,
    depth: usize,
    out: &mut Vec<Input>,
    notice: &mut dyn FnMut(String),
) -> Result<()> {
    let unreadable = |e: std::io::Error| Error::InputUnreadable {
        path: dir.to_path_buf(),
        source: e,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        // Symbolic links to directories are not followed: no loops.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if recursive && depth < MAX_DEPTH {
                walk(&path, recursive, depth + 1, out, notice)?;
            } else if !recursive {
                notice(format!(
                    "{}: skipped, a directory (--recursive reads subdirectories)",
                    path.display()
                ));
            }
            continue;
        }
        if meta.is_symlink() && path.is_dir() {
            continue;
        }
        match sniff(&path) {
            Some(what) => notice(format!("{}: skipped, {what}", path.display())),
            None => out.push(Input::File(path)),
        }
    }
    Ok(())
}

/// Why a file is not worth reading, from its first block; `None` to read it.
fn sniff(path: &Path) -> Option<String> {
    let mut head = Vec::new();
    let file = std::fs::File::open(path).ok()?;
    file.take(64 * 1024).read_to_end(&mut head).ok()?;
    if head.is_empty() {
        return Some("empty".into());
    }
    super::detect::unsupported_head(&head).map(|w| format!("detected {w}"))
}
