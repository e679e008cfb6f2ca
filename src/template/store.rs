//! Finding templates: the directories a user can put them in, then the ones built into the
//! binary.

use super::{Origin, Template};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Embedded so that an installed `ava` has its templates wherever it runs.
const BUILTINS: &[(&str, &str)] = &[
    ("chat", include_str!("../../prompts/chat.md")),
    ("contacts", include_str!("../../prompts/contacts.md")),
    ("entities", include_str!("../../prompts/entities.md")),
    ("iocs", include_str!("../../prompts/iocs.md")),
    ("key-facts", include_str!("../../prompts/key-facts.md")),
    ("summarize", include_str!("../../prompts/summarize.md")),
    (
        "summarize-chunk",
        include_str!("../../prompts/summarize-chunk.md"),
    ),
    (
        "summarize-reduce",
        include_str!("../../prompts/summarize-reduce.md"),
    ),
    ("timeline", include_str!("../../prompts/timeline.md")),
    ("translate", include_str!("../../prompts/translate.md")),
];

/// Names and sources of the templates built into the binary, e.g. for `ava templates show`.
pub fn builtin_templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUILTINS.iter().copied()
}

#[derive(Debug, Clone, PartialEq)]
pub struct TemplateInfo {
    pub name: String,
    /// The description, or `(invalid: …)` when the file does not parse.
    pub description: String,
    /// Where the copy that `load` would use lives.
    pub origin: Origin,
    /// Copies with the same name further down the lookup order, shadowed by `origin`.
    pub overrides: Vec<Origin>,
}

#[derive(Debug, Clone)]
pub struct TemplateStore {
    dirs: Vec<(PathBuf, Origin)>,
}

impl TemplateStore {
    /// Lookup order: `--template-dir`, `$AVA_TEMPLATE_DIR`, the user config dir
    /// ([`crate::paths::user_prompts_dir`]), `./.ava/prompts`, built-in.
    pub fn new(flag_dir: Option<PathBuf>) -> Self {
        let mut dirs = Vec::new();
        if let Some(d) = flag_dir {
            dirs.push((d.clone(), Origin::Flag(d)));
        }
        if let Some(d) = std::env::var_os("AVA_TEMPLATE_DIR").filter(|v| !v.is_empty()) {
            let d = PathBuf::from(d);
            dirs.push((d.clone(), Origin::Env(d)));
        }
        let user = crate::paths::user_prompts_dir();
        dirs.push((user.clone(), Origin::User(user)));
        let project = std::env::current_dir()
            .map(|cwd| cwd.join(".ava").join("prompts"))
            .unwrap_or_else(|_| PathBuf::from(".ava").join("prompts"));
        dirs.push((project.clone(), Origin::Project(project)));
        Self::with_dirs(dirs)
    }

    /// Explicit directories, searched in order; the built-ins are always searched last.
    pub fn with_dirs(dirs: Vec<(PathBuf, Origin)>) -> Self {
        // The same directory reached twice (e.g. `AVA_CONFIG_DIR=.ava` in the project) would
        // otherwise list every template as overriding itself.
        let mut seen: Vec<PathBuf> = Vec::new();
        let mut out = Vec::new();
        for (dir, origin) in dirs {
            let key = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
            if !seen.contains(&key) {
                seen.push(key);
                out.push((dir, origin));
            }
        }
        Self { dirs: out }
    }

    /// Directories searched, in order, and whether each exists. The built-ins, which have no
    /// directory, come after them.
    pub fn search_dirs(&self) -> Vec<(PathBuf, Origin, bool)> {
        self.dirs
            .iter()
            .map(|(d, o)| (d.clone(), o.clone(), d.is_dir()))
            .collect()
    }

    /// The first template called `name` in lookup order; a file on disk overrides the
    /// built-in of the same name. `name` may carry the `.md` extension.
    pub fn load(&self, name: &str) -> Result<Template> {
        let name = check_name(name)?;
        for (dir, origin) in &self.dirs {
            let path = dir.join(format!("{name}.md"));
            if let Some(source) = read_template(name, &path)? {
                crate::audit::note_template(name, &source);
                return Template::from_source(
                    name,
                    origin.clone(),
                    &path.display().to_string(),
                    &source,
                );
            }
        }
        if let Some((_, source)) = BUILTINS.iter().find(|(n, _)| *n == name) {
            crate::audit::note_template(name, source);
            return Template::from_source(
                name,
                Origin::Builtin,
                &format!("built-in:{name}.md"),
                source,
            );
        }
        let available = match self.list() {
            Ok(list) => list.into_iter().map(|t| t.name).collect::<Vec<_>>(),
            Err(_) => BUILTINS.iter().map(|(n, _)| n.to_string()).collect(),
        };
        let guess = crate::suggest::closest(name, available.iter().map(String::as_str))
            .map(|g| format!("did you mean {g}? "))
            .unwrap_or_default();
        Err(Error::Template {
            name: name.to_string(),
            reason: format!(
                "no such template; {guess}available: {} (see `ava templates list`)",
                available.join(", ")
            ),
        })
    }

    /// Every template reachable, by name, with the copies each one shadows.
    pub fn list(&self) -> Result<Vec<TemplateInfo>> {
        let mut found: BTreeMap<String, TemplateInfo> = BTreeMap::new();
        let mut add =
            |name: &str, origin: Origin, describe: &dyn Fn() -> String| match found.get_mut(name) {
                Some(info) => info.overrides.push(origin),
                None => {
                    found.insert(
                        name.to_string(),
                        TemplateInfo {
                            name: name.to_string(),
                            description: describe(),
                            origin,
                            overrides: Vec::new(),
                        },
                    );
                }
            };
        for (dir, origin) in &self.dirs {
            for (name, path) in templates_in(dir)? {
                let describe = || describe_file(&name, origin, &path);
                add(&name, origin.clone(), &describe);
            }
        }
        for (name, source) in BUILTINS {
            let describe = || {
                Template::from_source(name, Origin::Builtin, name, source)
                    .map_or_else(|e| format!("(invalid: {e})"), |t| t.description)
            };
            add(name, Origin::Builtin, &describe);
        }
        Ok(found.into_values().collect())
    }
}

fn describe_file(name: &str, origin: &Origin, path: &Path) -> String {
    let loaded = read_template(name, path).and_then(|src| match src {
        Some(src) => Template::from_source(name, origin.clone(), &path.display().to_string(), &src)
            .map(|t| t.description),
        None => Ok(String::new()),
    });
    loaded.unwrap_or_else(|e| format!("(invalid: {e})"))
}

/// The template files in `dir`: `NAME.md` with a valid name; `README.md` is documentation.
fn templates_in(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| Error::InputUnreadable {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::InputUnreadable {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        let Some(stem) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".md"))
        else {
            continue;
        };
        if stem.eq_ignore_ascii_case("readme") || check_name(stem).is_err() || !path.is_file() {
            continue;
        }
        out.push((stem.to_string(), path));
    }
    out.sort();
    Ok(out)
}

/// The file's text, `None` if there is no such file. A file that exists but cannot be read
/// is an error: silently falling through to the built-in would run a different prompt than
/// the user wrote.
fn read_template(name: &str, path: &Path) -> Result<Option<String>> {
    if !path.exists() {
        return Ok(None);
    }
    if path.is_dir() {
        return Err(Error::Template {
            name: name.to_string(),
            reason: format!("{} is a directory, not a template file", path.display()),
        });
    }
    std::fs::read_to_string(path)
        .map(Some)
        .map_err(|e| Error::Template {
            name: name.to_string(),
            reason: format!("cannot read {}: {e}", path.display()),
        })
}

/// A template name is a plain file name: anything that could reach outside the template
/// directories (`../x`, `/etc/x`, `a/b`, `C:x`) is refused. A trailing `.md` is accepted.
pub(super) fn check_name(name: &str) -> Result<&str> {
    let bare = name.strip_suffix(".md").unwrap_or(name);
    let plain = !bare.is_empty()
        && !bare.starts_with('.')
        && !bare.contains("..")
        && bare
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !Path::new(bare).is_absolute();
    if plain {
        Ok(bare)
    } else {
        Err(Error::Template {
            name: name.to_string(),
            reason: "a template name is a plain file name without `/`, `\\` or `..` (letters, digits, `-`, `_`, `.`); to use a template from elsewhere, pass --template-dir".into(),
        })
    }
}
