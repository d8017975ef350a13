//! `asenet build FILE --out DIR [--check]`: the one place artifacts meet the filesystem.
//!
//! DIR is replaced atomically: the new tree is written beside it (`.DIR.asenet-new-PID`),
//! with every file of DIR that the previous build did not write (its `manifest.json` lists
//! what it wrote) copied in, then swapped for DIR in one `renameat2(RENAME_EXCHANGE)` on
//! Linux (two renames elsewhere). Files the previous build wrote and this one does not are
//! thereby gone; nothing outside DIR and its staging sibling is touched.

use std::collections::BTreeSet;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use super::{CANNOT_RUN, FAILURE, read_input, report_human};
use crate::emit::{OutputFile, Previous, manifest};

pub fn run(file: &Path, out: &Path, check: bool, stdin_filename: &str) -> ExitCode {
    match try_run(file, out, check, stdin_filename) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(CANNOT_RUN)
        }
    }
}

fn try_run(file: &Path, out: &Path, check: bool, stdin_filename: &str) -> Result<ExitCode, String> {
    let (name, bytes) = read_input(file, stdin_filename)?;
    let dir = Output::locate(out)?;
    let previous = dir.previous()?;
    let source = match std::str::from_utf8(&bytes) {
        Ok(source) => source,
        Err(_) => {
            let checked = crate::check_bytes(&bytes);
            report_human(&name, &String::from_utf8_lossy(&bytes), &checked.diagnostics);
            return Ok(ExitCode::from(FAILURE));
        }
    };
    let built = match crate::build(source, &previous) {
        Ok(built) => built,
        Err(diagnostics) => {
            report_human(&name, source, &diagnostics);
            eprintln!("{}: nothing written", out.display());
            return Ok(ExitCode::from(FAILURE));
        }
    };
    report_human(&name, source, &built.diagnostics);
    for file in &built.files {
        if !is_plain_relative(&file.path) {
            return Err(format!("internal error: artifact path `{}` leaves the output directory", file.path));
        }
    }
    if check {
        let differences = dir.differences(&built.files, &previous);
        for difference in &differences {
            eprintln!("{difference}");
        }
        if !differences.is_empty() {
            eprintln!(
                "{}: {} file(s) differ from the build; run `asenet build` and commit",
                out.display(),
                differences.len()
            );
            return Ok(ExitCode::from(FAILURE));
        }
        eprintln!("{}: up to date ({} files)", out.display(), built.files.len());
        return Ok(ExitCode::SUCCESS);
    }
    dir.replace(&built.files, &previous).map_err(|error| format!("cannot write `{}`: {error}", out.display()))?;
    eprintln!("{}: wrote {} files", out.display(), built.files.len());
    Ok(ExitCode::SUCCESS)
}

/// `a/b.c`: no root, no `..`, no `.`, nothing empty.
fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path).components().all(|component| matches!(component, Component::Normal(_)))
        && !path.ends_with('/')
}

/// The output directory: where it is, and whether it exists yet.
struct Output {
    /// DIR with symbolic links resolved when it exists: the directory that is replaced.
    path: PathBuf,
    exists: bool,
}

impl Output {
    fn locate(out: &Path) -> Result<Output, String> {
        let shown = out.display();
        match std::fs::metadata(out) {
            Ok(metadata) if metadata.is_dir() => {
                let path = std::fs::canonicalize(out).map_err(|error| format!("cannot use `{shown}`: {error}"))?;
                if path.parent().is_none() {
                    return Err(format!("cannot replace `{shown}`: it is the root directory"));
                }
                Ok(Output { path, exists: true })
            }
            Ok(_) => Err(format!("cannot write into `{shown}`: it is not a directory")),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                if out.file_name().is_none() {
                    return Err(format!("cannot use `{shown}` as the output directory"));
                }
                Ok(Output { path: out.to_path_buf(), exists: false })
            }
            Err(error) => Err(format!("cannot use `{shown}`: {error}")),
        }
    }

    /// What the last build wrote here, from its `manifest.json`.
    fn previous(&self) -> Result<Previous, String> {
        let path = self.path.join(manifest::PATH);
        match std::fs::read_to_string(&path) {
            Ok(text) => Previous::parse(&text).map_err(|error| {
                format!("`{}` is not a manifest asenet can read ({error}); remove it to build afresh", path.display())
            }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Previous::default()),
            Err(error) => Err(format!("cannot read `{}`: {error}", path.display())),
        }
    }

    /// Each file that a build would change, one line each.
    fn differences(&self, files: &[OutputFile], previous: &Previous) -> Vec<String> {
        let mut found = Vec::new();
        for file in files {
            let path = self.path.join(&file.path);
            match std::fs::read(&path) {
                Ok(bytes) if bytes == file.contents.as_bytes() => {}
                Ok(_) => found.push(format!("{}: differs", path.display())),
                Err(_) => found.push(format!("{}: missing", path.display())),
            }
        }
        let produced: BTreeSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
        for stale in previous.files.iter().filter(|path| !produced.contains(path.as_str())) {
            let path = self.path.join(stale);
            if is_plain_relative(stale) && path.symlink_metadata().is_ok() {
                found.push(format!("{}: stale, a build removes it", path.display()));
            }
        }
        found
    }

    /// Replaces the directory with `files` plus every file in it that asenet did not write.
    fn replace(&self, files: &[OutputFile], previous: &Previous) -> io::Result<()> {
        let name = self.path.file_name().expect("the output directory has a name").to_string_lossy();
        let parent = match self.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let staging = parent.join(format!(".{name}.asenet-new-{}", std::process::id()));
        if staging.symlink_metadata().is_ok() {
            std::fs::remove_dir_all(&staging)?;
        }
        std::fs::create_dir(&staging)?;
        let result = self.fill(&staging, files, previous).and_then(|()| self.swap(&staging));
        if staging.symlink_metadata().is_ok() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        result
    }

    fn fill(&self, staging: &Path, files: &[OutputFile], previous: &Previous) -> io::Result<()> {
        if self.exists {
            std::fs::set_permissions(staging, std::fs::metadata(&self.path)?.permissions())?;
            let mut owned: BTreeSet<String> = previous.files.clone();
            owned.extend(files.iter().map(|file| file.path.clone()));
            copy_foreign(&self.path, staging, Path::new(""), &owned)?;
        }
        for file in files {
            let path = staging.join(&file.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &file.contents)?;
        }
        Ok(())
    }

    /// Puts `staging` in the directory's place; the old tree ends up at `staging`.
    fn swap(&self, staging: &Path) -> io::Result<()> {
        if !self.exists {
            return std::fs::rename(staging, &self.path);
        }
        if exchange(staging, &self.path)? {
            return Ok(());
        }
        // No atomic exchange here: two renames, with a moment in which DIR is absent.
        let old = staging.with_extension("old");
        std::fs::rename(&self.path, &old)?;
        std::fs::rename(staging, &self.path)?;
        std::fs::rename(&old, staging)
    }
}

/// Copies what asenet does not own from `from` to `to`, below `relative`. Directories are
/// created as files need them, and kept when empty unless asenet's files live below them.
fn copy_foreign(from: &Path, to: &Path, relative: &Path, owned: &BTreeSet<String>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(from.join(relative))?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let relative = relative.join(entry.file_name());
        let key = relative.to_string_lossy().replace('\\', "/");
        let kind = entry.file_type()?;
        if kind.is_dir() {
            let prefix = format!("{key}/");
            let holds_owned = owned.iter().any(|path| path.starts_with(&prefix));
            if !holds_owned {
                std::fs::create_dir_all(to.join(&relative))?;
            }
            copy_foreign(from, to, &relative, owned)?;
            continue;
        }
        if owned.contains(&key) {
            continue;
        }
        let target = to.join(&relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if kind.is_symlink() {
            copy_symlink(&from.join(&relative), &target)?;
        } else {
            std::fs::copy(from.join(&relative), &target)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn copy_symlink(from: &Path, to: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(std::fs::read_link(from)?, to)
}

#[cfg(not(unix))]
fn copy_symlink(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::copy(from, to).map(|_| ())
}

/// Swaps two directories in one step; `Ok(false)` where the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let result =
        unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if result == 0 {
        return Ok(true);
    }
    let error = io::Error::last_os_error();
    match error.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) => Ok(false),
        _ => Err(error),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}
