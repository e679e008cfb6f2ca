//! Output names for one file per input (`-o DIR/`): `cases/a.txt` → `a.summary.md`. Inputs of
//! one run that would share a name (`2023/report.pdf` and `2024/report.pdf` from
//! `--recursive`, or `report.pdf` and `report.docx`) get distinct ones instead of overwriting
//! each other: the subfolders that tell them apart are mirrored under DIR
//! (`2023/report.summary.md`), and the extension is kept where only it differs
//! (`report.pdf.summary.md`). Names depend only on the run's inputs, so `--resume` with the
//! same inputs finds them again.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// The name an input's output would have on its own: its file stem.
pub fn stem(input: &str) -> String {
    if input == "-" {
        return "stdin".into();
    }
    Path::new(input)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".into())
}

/// For each input whose plain stem is shared with another input, the relative path (folders
/// and stem, no task or extension) its outputs get instead. Inputs not in the map keep
/// [`stem`].
pub fn disambiguate(inputs: &[String]) -> HashMap<String, PathBuf> {
    let mut by_stem: HashMap<String, Vec<&String>> = HashMap::new();
    for input in inputs {
        let group = by_stem.entry(stem(input)).or_default();
        if !group.contains(&input) {
            group.push(input);
        }
    }
    let mut out = HashMap::new();
    let mut taken: Vec<PathBuf> = Vec::new();
    let mut groups: Vec<_> = by_stem.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    for group in groups {
        // Only plain folder names: no root, no `..`, so nothing lands outside DIR.
        let all: Vec<Vec<String>> = group.iter().map(|i| normal_parts(i)).collect();
        let common = common_prefix(&all);
        for (input, parts) in group.iter().zip(&all) {
            let Some((file, folders)) = parts.split_last() else {
                continue;
            };
            let mut rel: PathBuf = folders[common.min(folders.len())..].iter().collect();
            let same_folder_twin = group.iter().zip(&all).any(|(other, o)| {
                other != input && o.split_last().map(|(_, f)| f) == Some(folders)
            });
            // Same folder, same stem: only the extension tells them apart.
            rel.push(if same_folder_twin {
                file.clone()
            } else {
                stem(input)
            });
            // Anything still equal (`./a.txt` and `a.txt` spelled differently) gets a number.
            let mut unique = rel.clone();
            let mut n = 2;
            while taken.contains(&unique) {
                unique = PathBuf::from(format!("{}-{n}", rel.display()));
                n += 1;
            }
            taken.push(unique.clone());
            out.insert((*input).clone(), unique);
        }
    }
    out
}

/// The path's plain names, never empty.
fn normal_parts(input: &str) -> Vec<String> {
    let parts: Vec<String> = Path::new(input)
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        vec!["stdin".into()]
    } else {
        parts
    }
}

/// Folders all paths share at the start (never the file name itself).
fn common_prefix(parts: &[Vec<String>]) -> usize {
    let Some(first) = parts.first() else {
        return 0;
    };
    let mut n = 0;
    while parts
        .iter()
        .all(|p| n + 1 < p.len() && p.get(n) == first.get(n))
    {
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(inputs: &[&str]) -> Vec<String> {
        let inputs: Vec<String> = inputs.iter().map(|s| s.to_string()).collect();
        let map = disambiguate(&inputs);
        inputs
            .iter()
            .map(|i| {
                map.get(i)
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| stem(i))
            })
            .collect()
    }

    #[test]
    fn unique_stems_stay_as_they_are() {
        assert_eq!(names(&["cases/a.txt", "cases/b.pdf"]), ["a", "b"]);
    }

    #[test]
    fn equal_names_in_subfolders_are_mirrored() {
        assert_eq!(
            names(&[
                "cases/2023/report.pdf",
                "cases/2024/report.pdf",
                "cases/x.txt"
            ]),
            ["2023/report", "2024/report", "x"]
        );
        // A file at the top and one below it.
        assert_eq!(
            names(&["cases/report.pdf", "cases/old/report.pdf"]),
            ["report", "old/report"]
        );
    }

    #[test]
    fn equal_stems_in_one_folder_keep_the_extension() {
        assert_eq!(
            names(&["cases/report.pdf", "cases/report.docx"]),
            ["report.pdf", "report.docx"]
        );
    }

    #[test]
    fn nothing_escapes_the_output_folder() {
        for name in names(&["/abs/x.txt", "../up/x.txt", "./x.txt", "x.txt"]) {
            assert!(!name.starts_with('/') && !name.contains(".."), "{name}");
        }
        let all = names(&["./x.txt", "x.txt"]);
        assert_ne!(all[0], all[1]);
    }
}
