//! New files in a new or empty directory (`asenet diff --emit DIR`), and one new file
//! ([`create_file`], `asenet import -o FILE`): every name is planned
//! and checked before the first file is written, the directory is never a symbolic link,
//! and no file is ever written over another. A failure halfway removes what this run
//! wrote (those files whose bytes are still what it wrote) and the directories it created,
//! so the directory is as it was.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::Path;

use super::{Directory, Lock, sys};
use crate::emit::path_problem;

/// One file to create: a plain name (no directory) and its text.
pub struct NewFile {
    pub name: String,
    pub contents: String,
}

/// Creates `files` in the directory at `path`, which must be new or empty.
pub fn create(path: &Path, files: &[NewFile], what: &str) -> Result<(), String> {
    let shown = crate::escape::terminal::line(&path.display().to_string());
    // The plan first: a bad or repeated name stops the run before anything is written.
    let mut names = BTreeSet::new();
    for file in files {
        if let Some(problem) = path_problem(&file.name).or_else(|| file.name.contains('/').then_some("has a `/`")) {
            return Err(format!(
                "internal error: file name `{}` {problem}; nothing written into `{shown}`",
                file.name.escape_debug()
            ));
        }
        if !names.insert(file.name.as_str()) {
            return Err(format!(
                "two files would be named `{}` in `{shown}`; nothing written (rename one of the inputs)",
                file.name
            ));
        }
    }
    let (dir, created) = match Directory::open(path)? {
        Some(dir) => (dir, None),
        None => {
            let (dir, created) = Directory::create(path)?;
            (dir, Some(created))
        }
    };
    // Another run writing into the same directory is waited for; it leaves it not empty.
    dir.lock(Lock::Exclusive, false, what)?;
    let entries = sys::entries(&dir.handle).map_err(|error| dir.io_error("read", "", &error))?;
    if !entries.is_empty() {
        return Err(format!("cannot write into `{shown}`: it is not empty (give a new or empty directory)"));
    }
    let mut written: Vec<&NewFile> = Vec::new();
    for file in files {
        if let Err(message) = put(&dir, file) {
            for done in written {
                remove_if_same(&dir, done);
            }
            if let Some(created) = &created {
                drop(dir);
                created.remove();
            }
            return Err(format!("{message}; nothing written"));
        }
        written.push(file);
    }
    sys::sync_dir(&dir.handle).map_err(|error| dir.io_error("write", "", &error))?;
    Ok(())
}

/// Writes one file under a random name, then renames it to its own without replacing
/// anything there: a file that appeared meanwhile is an error, not overwritten.
fn put(dir: &Directory, file: &NewFile) -> Result<(), String> {
    let staging = super::random_name(".asenet-new-").map_err(|error| format!("cannot get random bytes: {error}"))?;
    let staging = Path::new(&staging);
    let mut handle = sys::create_default(&dir.handle, staging).map_err(|error| dir.io_error("write", "", &error))?;
    let result = handle.write_all(file.contents.as_bytes()).and_then(|()| handle.sync_data()).and_then(|()| {
        sys::rename_at(&dir.handle, staging, &dir.handle, Path::new(&file.name), sys::Rename::NoReplace)
    });
    match result {
        Ok(()) => Ok(()),
        Err(error) => {
            let _ = sys::remove_file_at(&dir.handle, staging);
            if error.kind() == io::ErrorKind::AlreadyExists {
                return Err(dir.refusal(&file.name, "appeared while asenet wrote beside it; it is not asenet's"));
            }
            Err(dir.io_error("write", &file.name, &error))
        }
    }
}

/// Removes a file this run wrote, while its bytes are still the ones written.
fn remove_if_same(dir: &Directory, file: &NewFile) {
    let limit = file.contents.len() as u64 + 1;
    if dir.read(&file.name, limit).is_ok_and(|bytes| bytes == file.contents.as_bytes()) {
        let _ = sys::remove_file_at(&dir.handle, Path::new(&file.name));
    }
}

/// Creates the one new file `path` (`asenet import -o FILE`) with `contents`: written under
/// a random name beside it, synced, then renamed to its own name without replacing anything
/// there. Whatever is at `path` already (a file, a directory, a symbolic link planted there,
/// dangling or not) is left alone and the write refused; a failure leaves nothing behind.
pub fn create_file(path: &Path, contents: &[u8]) -> Result<(), String> {
    let shown = crate::escape::terminal::line(&path.display().to_string());
    let Some(name) = path.file_name().map(Path::new) else {
        return Err(format!("cannot write `{shown}`: it is not a file name"));
    };
    let parent = sys::open_parent(path).map_err(|error| {
        let directory = path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
        format!("cannot write `{shown}`: {}", super::describe_at(&error, "write", directory))
    })?;
    let exists = || {
        format!("cannot write `{shown}`: it exists already; asenet writes a new file only (remove it, or name another)")
    };
    match sys::status_at(&parent, name) {
        Ok(None) => {}
        Ok(Some(status)) if status.kind == sys::Kind::Link => {
            return Err(format!(
                "cannot write `{shown}`: it is a symbolic link; asenet writes a new file only, never through a link"
            ));
        }
        Ok(Some(_)) => return Err(exists()),
        Err(error) => return Err(format!("cannot write `{shown}`: {}", super::describe(&error))),
    }
    let staging = super::random_name(".asenet-new-").map_err(|error| format!("cannot get random bytes: {error}"))?;
    let staging = Path::new(&staging);
    let directory = path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut handle = sys::create_default(&parent, staging)
        .map_err(|error| format!("cannot write `{shown}`: {}", super::describe_at(&error, "write", directory)))?;
    let written = handle.write_all(contents).and_then(|()| handle.sync_data());
    // Closed before the rename: Windows renames nothing a handle holds open.
    drop(handle);
    let result = written.and_then(|()| sys::rename_at(&parent, staging, &parent, name, sys::Rename::NoReplace));
    match result {
        Ok(()) => {
            let _ = sys::sync_dir(&parent);
            Ok(())
        }
        Err(error) => {
            let _ = sys::remove_file_at(&parent, staging);
            if error.kind() == io::ErrorKind::AlreadyExists {
                return Err(exists());
            }
            Err(format!("cannot write `{shown}`: {}", super::describe_at(&error, "write", directory)))
        }
    }
}
