//! The device files of a fleet: the files below the fleet file's directory (the *root*) that
//! its `[fleet] devices` globs match (docs/fleet.md). A fleet is a repository, so the tree is
//! untrusted input:
//!
//! - **Below the root only.** A symbolic link is followed only when what it points at is
//!   below the root (compared after resolving every link on the way); one that leads out is
//!   named on stderr and not read.
//! - **Each directory walked once, each file read once**, known by device and inode: a link
//!   back to a directory already walked (`loop -> .`) is not walked again, and two names of
//!   one file (a link, a hard link) are one device file, under the first name in path order.
//! - **Only where a glob can match.** A directory is entered only when some glob could match
//!   a path below it (`sites/**/*.toml` never enters `.git` or `node_modules`).
//! - **Regular files only**: a FIFO or device that a glob matches is named, never opened.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What the walk found.
pub struct Found {
    /// Each device file once, as the user would type its path, sorted.
    pub files: Vec<PathBuf>,
    /// For each glob, whether it matched at least one file.
    pub matched: Vec<bool>,
    /// Lines for stderr: links that lead out, aliases read once, files that are not regular.
    pub notes: Vec<String>,
}

/// A file itself, whatever its name: device and inode where the system has them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Identity {
    #[cfg(unix)]
    Inode(u64, u64),
    /// Where the system has no inode numbers: the path with every link resolved.
    #[cfg(not(unix))]
    Path(PathBuf),
}

#[cfg(unix)]
fn identity(metadata: &std::fs::Metadata, _real: &Path) -> Identity {
    use std::os::unix::fs::MetadataExt;
    Identity::Inode(metadata.dev(), metadata.ino())
}

#[cfg(not(unix))]
fn identity(_metadata: &std::fs::Metadata, real: &Path) -> Identity {
    Identity::Path(real.to_path_buf())
}

const OPTIONS: glob::MatchOptions =
    glob::MatchOptions { case_sensitive: true, require_literal_separator: true, require_literal_leading_dot: true };

/// Whether `pattern` (relative, `/`-separated) could match a path below the directory
/// `relative`: each component of `relative` matches the pattern's component at its place,
/// until a `**`.
fn could_match_below(pattern: &str, relative: &str) -> bool {
    let mut parts = pattern.split('/');
    for component in relative.split('/').filter(|component| !component.is_empty()) {
        match parts.next() {
            Some("**") => return true,
            Some(part) => {
                if !glob::Pattern::new(part).is_ok_and(|part| part.matches_with(component, OPTIONS)) {
                    return false;
                }
            }
            None => return false,
        }
    }
    parts.next().is_some()
}

/// The files below `root` (the fleet file's directory as given, `None` for the current
/// one) that `globs` match, but `own` (the fleet file itself).
pub fn device_files(root: Option<&Path>, globs: &[&str], own: &Path) -> Result<Found, String> {
    let shown_root = root.unwrap_or(Path::new("."));
    let real_root = std::fs::canonicalize(shown_root)
        .map_err(|error| format!("cannot read `{}`: {}", shown_root.display(), super::describe(&error)))?;
    let patterns: Vec<glob::Pattern> = globs
        .iter()
        .map(|glob| glob::Pattern::new(glob))
        .collect::<Result<_, _>>()
        .map_err(|error| format!("a device glob is not a glob: {}", error.msg))?;
    let show = |relative: &str| match root {
        Some(root) => joined_as_typed(root, relative),
        None => PathBuf::from(relative),
    };
    // The fleet file's real path, as every candidate's is: where identity is a path (Windows),
    // the path as given would never equal one, and the fleet file would be read as a device.
    let own_real = std::fs::canonicalize(own).unwrap_or_else(|_| own.to_path_buf());
    let own_identity = std::fs::metadata(own).ok().map(|metadata| identity(&metadata, &own_real));
    let mut found = Found { files: Vec::new(), matched: vec![false; globs.len()], notes: Vec::new() };
    // By relative path, in the order `Path` sorts (component by component).
    let mut candidates: BTreeMap<PathBuf, Identity> = BTreeMap::new();
    let mut walked: BTreeSet<Identity> = BTreeSet::new();
    let root_metadata = std::fs::metadata(&real_root)
        .map_err(|error| format!("cannot read `{}`: {}", shown_root.display(), super::describe(&error)))?;
    walked.insert(identity(&root_metadata, &real_root));
    // Depth first, each directory's entries in name order: (its real path, its relative name).
    let mut pending: Vec<(PathBuf, String)> = vec![(real_root.clone(), String::new())];
    while let Some((real, relative_dir)) = pending.pop() {
        let entries = std::fs::read_dir(&real)
            .map_err(|error| format!("cannot read `{}`: {}", show(&relative_dir).display(), super::describe(&error)))?;
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|error| {
                format!("cannot read `{}`: {}", show(&relative_dir).display(), super::describe(&error))
            })?;
            names.push(entry.file_name());
        }
        names.sort();
        let mut directories = Vec::new();
        for name in names {
            let Some(text) = name.to_str() else {
                let relative = format!("{relative_dir}{}", name.to_string_lossy());
                if relative.ends_with(".toml") {
                    found.notes.push(format!(
                        "`{}`: the name is not UTF-8, so no device glob can match it: not read",
                        show(&relative_dir).join(&name).display().to_string().escape_debug()
                    ));
                }
                continue;
            };
            let relative = format!("{relative_dir}{text}");
            let path = real.join(&name);
            let Ok(metadata) = std::fs::symlink_metadata(&path) else { continue };
            let (target_real, target) = if metadata.file_type().is_symlink() {
                let wanted = patterns.iter().any(|pattern| pattern.matches_with(&relative, OPTIONS))
                    || globs.iter().any(|glob| could_match_below(glob, &relative));
                if !wanted {
                    continue;
                }
                match std::fs::canonicalize(&path) {
                    Ok(resolved) if resolved.starts_with(&real_root) => match std::fs::metadata(&resolved) {
                        Ok(target) => (resolved, target),
                        Err(_) => continue,
                    },
                    Ok(resolved) => {
                        found.notes.push(format!(
                            "`{}` is a symbolic link to `{}`, outside the fleet's directory: not read",
                            show(&relative).display(),
                            resolved.display()
                        ));
                        continue;
                    }
                    // A dangling link: nothing to read.
                    Err(_) => continue,
                }
            } else {
                (path, metadata)
            };
            if target.is_dir() {
                let relative_below = format!("{relative}/");
                if globs.iter().any(|glob| could_match_below(glob, &relative_below))
                    && walked.insert(identity(&target, &target_real))
                {
                    directories.push((target_real, relative_below));
                }
                continue;
            }
            let matches: Vec<usize> =
                (0..patterns.len()).filter(|&index| patterns[index].matches_with(&relative, OPTIONS)).collect();
            if matches.is_empty() {
                continue;
            }
            let id = identity(&target, &target_real);
            if Some(&id) == own_identity.as_ref() {
                continue;
            }
            if !target.is_file() {
                found.notes.push(format!(
                    "`{}` is not a regular file (a FIFO, socket or device): not read",
                    show(&relative).display()
                ));
                continue;
            }
            for index in matches {
                found.matched[index] = true;
            }
            candidates.insert(PathBuf::from(relative), id);
        }
        // Pushed in reverse so that they are walked in name order.
        pending.extend(directories.into_iter().rev());
    }
    let mut first_name: BTreeMap<Identity, PathBuf> = BTreeMap::new();
    let shown = |relative: &Path| {
        root.map_or_else(|| relative.to_path_buf(), |root| joined_as_typed(root, &relative.to_string_lossy()))
    };
    for (relative, id) in candidates {
        match first_name.get(&id) {
            Some(first) => found.notes.push(format!(
                "`{}` is the same file as `{}`: read once",
                shown(&relative).display(),
                shown(first).display()
            )),
            None => {
                found.files.push(shown(&relative));
                first_name.insert(id, relative);
            }
        }
    }
    Ok(found)
}

/// `relative` (`/`-separated, as the walk names files) below `root`, spelt as the user spelt
/// `root`: on Windows, with `\` throughout when `root` has one, else with `/`, so that a path
/// asenet prints is in one style and can be pasted back (`Path::join` would put a `\` between
/// `sites/north` and `a.toml`).
fn joined_as_typed(root: &Path, relative: &str) -> PathBuf {
    if cfg!(windows) {
        let text = root.to_string_lossy();
        let separator = if text.contains('\\') { '\\' } else { '/' };
        let relative = relative.replace('/', &separator.to_string());
        // `C:` is the current directory of drive C: a separator after it would be its root.
        if text.ends_with([separator, ':']) {
            return PathBuf::from(format!("{text}{relative}"));
        }
        return PathBuf::from(format!("{text}{separator}{relative}"));
    }
    root.join(relative)
}

#[cfg(test)]
mod tests {
    use super::could_match_below;

    #[test]
    fn a_path_below_a_root_is_spelt_as_the_root_was() {
        use std::path::{Path, PathBuf};
        let joined = super::joined_as_typed;
        if cfg!(windows) {
            assert_eq!(joined(Path::new("sites/north"), "a/b.toml"), PathBuf::from("sites/north/a/b.toml"));
            assert_eq!(joined(Path::new("sites\\north"), "a/b.toml"), PathBuf::from("sites\\north\\a\\b.toml"));
            assert_eq!(joined(Path::new("C:"), "a.toml"), PathBuf::from("C:a.toml"));
            assert_eq!(joined(Path::new("C:\\"), "a.toml"), PathBuf::from("C:\\a.toml"));
        } else {
            assert_eq!(joined(Path::new("sites/north"), "a/b.toml"), PathBuf::from("sites/north/a/b.toml"));
        }
    }

    #[test]
    fn a_directory_is_entered_only_where_a_glob_can_match() {
        assert!(could_match_below("sites/**/*.toml", "sites/"));
        assert!(could_match_below("sites/**/*.toml", "sites/a/b/"));
        assert!(could_match_below("sites/*.toml", "sites/"));
        assert!(!could_match_below("sites/*.toml", "sites/a/"));
        assert!(!could_match_below("sites/**/*.toml", ".git/"));
        assert!(!could_match_below("*/*.toml", ".git/"), "a wildcard never matches a leading dot");
        assert!(could_match_below("**/*.toml", "a/"));
        assert!(!could_match_below("*.toml", "a/"));
    }
}
