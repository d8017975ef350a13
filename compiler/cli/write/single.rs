//! One file replaced by a new text (`asenet check --fix`), as an editor's save would, but
//! never over a save made since asenet read the file (docs/fixes.md).
//!
//! 1. [`read`]: the file is opened below its directory without following a link, read
//!    bounded, and what it is recorded: device and inode, size, modification time, owner,
//!    group, mode.
//! 2. [`replace`] refuses, before writing anything, a file with other hard links (a rename
//!    would split them), a read-only file, and a directory the runner cannot write.
//! 3. The new text goes into `.NAME.asenet-fix-<random>` beside the file, created
//!    exclusively and private (0600); it gets the file's owner and group (or the fix is
//!    refused: only root gives a file away), its mode, and its extended attributes (ACLs
//!    are `system.posix_acl_*` attributes), then its bytes, and is synced.
//! 4. The file is checked to be the one read, unchanged; then the two are swapped in one
//!    `renameat2(RENAME_EXCHANGE)`, and the file now under the staging name is checked
//!    again: same inode, same modification time, same bytes. If anything wrote it between
//!    the check and the swap, the swap is undone and the fix refused: the other save wins.
//!    Where the file system cannot exchange, the check is followed by a plain rename, and
//!    the window between them is a few system calls.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::sys::{self, DirHandle, Kind, Status};

/// A file as it was read, to replace it only if it is still that file.
pub struct Original {
    /// As the user gave it, for messages.
    path: PathBuf,
    parent: DirHandle,
    name: OsString,
    /// Open until the new text is in place beside it (its metadata is copied from it), then
    /// closed: Windows renames nothing over a file a handle holds open.
    file: Option<File>,
    status: Status,
    bytes: Vec<u8>,
}

impl Original {
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Reads the regular file at `path` (at most `limit` bytes), never through a symbolic link
/// as its last component: `--fix` replaces files, not what links point at.
pub fn read(path: &Path, limit: u64) -> Result<Original, String> {
    let shown = path.display();
    let Some(name) = path.file_name() else {
        return Err(format!("cannot fix `{shown}`: it is not a file name"));
    };
    let parent = sys::open_parent(path)
        .map_err(|error| format!("cannot read `{shown}`: {}", super::describe_at(&error, "read", path)))?;
    // What is at the name and what was opened must be one file; a save that renames a new
    // file in between is simply read again.
    let mut attempts = 0;
    let (file, opened) = loop {
        let status = match sys::status_at(&parent, Path::new(name)) {
            Ok(Some(status)) => status,
            Ok(None) => return Err(format!("cannot read `{shown}`: no such file")),
            Err(error) => return Err(format!("cannot read `{shown}`: {}", super::describe_at(&error, "read", path))),
        };
        match status.kind {
            Kind::File => {}
            Kind::Link => {
                let target =
                    std::fs::read_link(path).map(|target| format!(" to `{}`", target.display())).unwrap_or_default();
                return Err(format!(
                    "cannot fix `{shown}`: it is a symbolic link{target}; --fix replaces only regular files, never \
                     what a link points at: fix the file itself (or print the fixes with `--diff`)"
                ));
            }
            Kind::Directory => return Err(format!("cannot read `{shown}`: it is a directory")),
            Kind::Other => {
                return Err(format!("cannot read `{shown}`: it is not a regular file (a FIFO, socket or device)"));
            }
        }
        let (file, opened) = sys::open_file_at(&parent, Path::new(name))
            .map_err(|error| format!("cannot read `{shown}`: {}", super::describe_at(&error, "read", path)))?;
        if opened.identity == status.identity {
            break (file, opened);
        }
        attempts += 1;
        if attempts == 8 {
            return Err(format!("cannot read `{shown}`: it keeps being replaced while asenet opens it; run again"));
        }
    };
    let mut bytes = Vec::new();
    (&file)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot read `{shown}`: {}", super::describe_at(&error, "read", path)))?;
    if bytes.len() as u64 > limit {
        return Err(format!("cannot read `{shown}`: larger than {} MiB", limit >> 20));
    }
    pause::at(pause::Point::Read);
    Ok(Original { path: path.to_path_buf(), parent, name: name.to_owned(), file: Some(file), status: opened, bytes })
}

/// Replaces `original` with `text`, keeping its metadata, if it is still as it was read.
pub fn replace(mut original: Original, text: &[u8]) -> Result<(), String> {
    let shown = original.path.display();
    let status = &original.status;
    if status.links > 1 {
        return Err(format!(
            "cannot fix `{shown}`: it has {} hard links, and replacing it would leave the other names with the old \
             text; nothing written (fix a copy, or apply `asenet check --diff` with `patch`)",
            status.links
        ));
    }
    let name = Path::new(&original.name);
    if status.mode & 0o222 == 0 || sys::can_write_file_at(&original.parent, name).is_err() {
        return Err(format!(
            "cannot fix `{shown}`: it is read-only (mode {:04o}) for you, and asenet does not replace a file an editor \
             could not save; nothing written",
            status.mode
        ));
    }
    let directory = original.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    sys::can_write_dir(&original.parent)
        .map_err(|error| format!("cannot fix `{shown}`: {}", super::describe_at(&error, "write", directory)))?;

    let (staging, mut file) = create_staging(&original)?;
    let result = fill(&original, &staging, &mut file, text).and_then(|()| {
        drop(file);
        original.file = None;
        swap(&original, &staging)
    });
    // Whatever is under the staging name now is ours to remove: the new text (when the
    // replace failed or was undone) or the old file it replaced.
    let _ = sys::remove_file_at(&original.parent, &staging);
    result?;
    let _ = sys::sync_dir(&original.parent);
    Ok(())
}

fn create_staging(original: &Original) -> Result<(PathBuf, File), String> {
    let prefix = format!(".{}.asenet-fix-", original.name.to_string_lossy());
    for _ in 0..16 {
        let staging =
            PathBuf::from(super::random_name(&prefix).map_err(|error| format!("cannot get random bytes: {error}"))?);
        match sys::create_private(&original.parent, &staging) {
            Ok(file) => return Ok((staging, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => {
                let directory = original.path.parent().unwrap_or(Path::new("."));
                return Err(format!(
                    "cannot fix `{}`: {}",
                    original.path.display(),
                    super::describe_at(&error, "write", directory)
                ));
            }
        }
    }
    Err(format!("cannot fix `{}`: no unused staging name", original.path.display()))
}

/// The staging file gets the original's metadata, then the text, synced.
fn fill(original: &Original, staging: &Path, file: &mut File, text: &[u8]) -> Result<(), String> {
    let shown = original.path.display();
    let read = original.file.as_ref().expect("the original is open until the swap");
    sys::copy_metadata(read, &original.status, file).map_err(|kept| match kept {
        sys::Kept::Owner(error) => format!(
            "cannot fix `{shown}`: it belongs to uid {} gid {}, and a replaced file would not ({}: only root gives a \
             file to another user or a group it is not in); nothing written",
            original.status.owner,
            original.status.group,
            super::describe(&error)
        ),
        sys::Kept::Attribute(attribute, error) => format!(
            "cannot fix `{shown}`: its `{attribute}` (an extended attribute or ACL) cannot be kept ({}); nothing \
             written",
            super::describe(&error)
        ),
    })?;
    let directory = original.path.parent().unwrap_or(Path::new("."));
    file.write_all(text).and_then(|()| file.sync_all()).map_err(|error| {
        format!(
            "cannot write `{}`: {}",
            directory.join(staging).display(),
            super::describe_at(&error, "write", directory)
        )
    })
}

/// Whether the file under `name` is still the one read: same inode, size, modification
/// time and bytes.
fn unchanged(original: &Original, name: &Path) -> bool {
    let Ok(Some(now)) = sys::status_at(&original.parent, name) else { return false };
    let before = &original.status;
    if now.identity != before.identity || now.size != before.size || now.stamp[0] != before.stamp[0] {
        return false;
    }
    let Ok((file, _)) = sys::open_file_at(&original.parent, name) else { return false };
    let mut bytes = Vec::with_capacity(original.bytes.len());
    file.take(original.bytes.len() as u64 + 1).read_to_end(&mut bytes).is_ok() && bytes == original.bytes
}

fn swap(original: &Original, staging: &Path) -> Result<(), String> {
    let shown = original.path.display();
    let name = Path::new(&original.name);
    let changed = || {
        format!(
            "cannot fix `{shown}`: it changed since asenet read it (an editor saved it?); nothing written, the other \
             save kept: run --fix again"
        )
    };
    if !unchanged(original, name) {
        return Err(changed());
    }
    let directory = original.path.parent().unwrap_or(Path::new("."));
    let failed =
        |error: io::Error| format!("cannot write `{shown}`: {}", super::describe_at(&error, "write", directory));
    match sys::rename_at(&original.parent, staging, &original.parent, name, sys::Rename::Exchange) {
        Ok(()) => {
            pause::at(pause::Point::Exchanged);
            // `staging` now holds what was at `name`: it must be the file read, untouched.
            if !unchanged(original, staging) {
                sys::rename_at(&original.parent, staging, &original.parent, name, sys::Rename::Exchange)
                    .map_err(failed)?;
                return Err(changed());
            }
            Ok(())
        }
        Err(error) if error.kind() == io::ErrorKind::Unsupported => {
            sys::rename_at(&original.parent, staging, &original.parent, name, sys::Rename::Replace).map_err(failed)
        }
        Err(error) => Err(failed(error)),
    }
}

/// Stops the writer at one point, for the tests of a save made during a fix
/// (`tests/it/writer.rs`), compiled only with the `testing` feature: when
/// `ASENET_TEST_PAUSE` names the point, asenet says `asenet-test-paused: POINT` on standard
/// error and goes on at the end of its standard input.
mod pause {
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Point {
        /// The file is read (and, where the kernel gives one, leased).
        Read,
        /// The new text is in the file's place, the file read under the staging name, not
        /// yet checked.
        Exchanged,
    }

    #[cfg(not(feature = "testing"))]
    #[inline(always)]
    pub fn at(_: Point) {}

    #[cfg(feature = "testing")]
    pub fn at(point: Point) {
        use std::io::Read as _;
        let name = match point {
            Point::Read => "read",
            Point::Exchanged => "exchanged",
        };
        if std::env::var_os("ASENET_TEST_PAUSE").is_some_and(|wanted| wanted == name) {
            say!("asenet-test-paused: {name}");
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
        }
    }
}
