//! New files in a new or empty directory (`asenet diff --emit DIR`): every name is planned
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
    let shown = path.display();
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
