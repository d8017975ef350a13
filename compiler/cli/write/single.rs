//! One file replaced by a new text (`asenet check --fix`), as an editor's save would, but
//! never over a save made since asenet read the file (docs/fixes.md).
//!
//! 1. [`read`]: the file is opened below its directory without following a link, **leased**
//!    where the kernel gives a lease (Linux, `F_SETLEASE`: from then on, another process's
//!    `open` for writing or truncation of it breaks the lease and waits until asenet lets go;
//!    a file another process has open for writing is waited for a second, then refused), read
//!    bounded, and what it is recorded: device and inode, size, modification time, owner,
//!    group, mode.
//! 2. [`replace`] refuses, before writing anything, a file with other hard links (a rename
//!    would split them), a read-only file, and a directory the runner cannot write.
//! 3. The new text goes into `.NAME.asenet-fix-<random>` beside the file, created
//!    exclusively and private (0600); it gets the file's owner and group (or the fix is
//!    refused: only root gives a file away), its mode, and its extended attributes (ACLs
//!    are `system.posix_acl_*` attributes), then its bytes, and is synced; it is leased too.
//! 4. The file is checked to be the one read, unchanged, its lease unbroken; then the two are
//!    swapped in one `renameat2(RENAME_EXCHANGE)`, and the file now under the staging name is
//!    checked again: same inode, same modification time, same bytes, and its lease unbroken
//!    for [`GRACE`] more. If anything wrote it or opened it for writing meanwhile, the swap is
//!    undone and the fix refused: the other save wins (and a save by rename that replaced
//!    the new text meanwhile stays). Only then does asenet let go of the lease: a blocked
//!    `open` goes on, on the file in its place. Where the file system cannot exchange, the
//!    check is followed by a plain rename, and the window between them is a few system calls.
//!
//! What no writer can close, and docs/fixes.md says: an `open` that looked the file up before
//! the exchange and asks for write access only after asenet let go (it was descheduled inside
//! the kernel for the grace period); and without a lease (not Linux, not the owner, NFS), a
//! program that opened the file for writing before the exchange and writes after the check.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::Lease;
use super::sys::{self, DirHandle, Kind, Status};

/// How long a lease is kept after the exchange, and watched: an `open` that looked the file
/// up just before the exchange asks for write access within it, unless descheduled that long.
/// (`concurrent_fixes_never_lose_an_editor_save` in tests/it/writer.rs counts on 10 ms.)
pub const GRACE: Duration = Duration::from_millis(10);

/// How long [`read`] waits for another program to close the file it has open for writing.
const BUSY_WAIT: Duration = Duration::from_secs(1);

/// A file as it was read, to replace it only if it is still that file.
pub struct Original {
    /// As the user gave it, for messages.
    path: PathBuf,
    parent: DirHandle,
    name: OsString,
    /// Open until the new text is in place beside it (its metadata is copied from it); then
    /// closed, as Windows renames nothing over a file a handle holds open, unless leased.
    file: Option<File>,
    /// Whether `file` holds a lease, kept until the fix is done or undone.
    leased: bool,
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
    let (file, opened, leased) = loop {
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
            let leased = take_lease(&file, &shown.to_string())?;
            // Still the file at the name once leased: a save by rename before is read again.
            let now = sys::status_at(&parent, Path::new(name)).ok().flatten();
            if now.is_some_and(|now| now.identity == opened.identity) {
                break (file, opened, leased);
            }
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
    Ok(Original {
        path: path.to_path_buf(),
        parent,
        name: name.to_owned(),
        file: Some(file),
        leased,
        status: opened,
        bytes,
    })
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
    let filled = fill(&original, &staging, &mut file, text);
    drop(file);
    let staged = match filled.and_then(|()| staged(&original, &staging)) {
        Ok(staged) => staged,
        Err(message) => {
            let _ = sys::remove_file_at(&original.parent, &staging);
            return Err(message);
        }
    };
    if !original.leased {
        original.file = None;
    }
    swap(&original, &staging, &staged)?;
    let _ = sys::sync_dir(&original.parent);
    Ok(())
}

/// A read lease on the file about to be read; `false` where the kernel gives none. A file
/// another program has open for writing is waited for a moment (an editor's save in
/// progress), then refused: what it writes later would be lost.
fn take_lease(file: &File, shown: &str) -> Result<bool, String> {
    let start = Instant::now();
    loop {
        match sys::lease(file) {
            Lease::Held => return Ok(true),
            Lease::Unavailable => return Ok(false),
            Lease::Busy if start.elapsed() < BUSY_WAIT => std::thread::sleep(Duration::from_millis(2)),
            Lease::Busy => {
                return Err(format!(
                    "cannot fix `{shown}`: another program has it open for writing (an editor saving it?); nothing \
                     written: run --fix again once it is closed"
                ));
            }
        }
    }
}

/// The staging file once filled: which file it is, and (when the file read is leased) its
/// own lease, which shows an editor that opens the new text for writing during the swap.
struct Staged {
    status: Status,
    leased: Option<File>,
}

fn staged(original: &Original, staging: &Path) -> Result<Staged, String> {
    let directory = original.path.parent().unwrap_or(Path::new("."));
    let shown = directory.join(staging);
    let cannot = |error: io::Error| format!("cannot write `{}`: {}", shown.display(), super::describe(&error));
    let status = sys::status_at(&original.parent, staging)
        .map_err(cannot)?
        .ok_or_else(|| format!("cannot write `{}`: it went away", shown.display()))?;
    let leased = if original.leased {
        sys::open_file_at(&original.parent, staging)
            .ok()
            .filter(|(_, opened)| opened.identity == status.identity)
            .map(|(file, _)| file)
            .filter(|file| sys::lease(file) == Lease::Held)
    } else {
        None
    };
    Ok(Staged { status, leased })
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

fn swap(original: &Original, staging: &Path, staged: &Staged) -> Result<(), String> {
    let shown = original.path.display();
    let name = Path::new(&original.name);
    let remove_staging = || {
        let _ = sys::remove_file_at(&original.parent, staging);
    };
    let changed = || {
        format!(
            "cannot fix `{shown}`: it changed since asenet read it (an editor saved it?); nothing written, the other \
             save kept: run --fix again"
        )
    };
    let opened = || {
        format!(
            "cannot fix `{shown}`: another program opened it for writing since asenet read it (an editor saving it?); \
             nothing written, the other save kept: run --fix again"
        )
    };
    if original.leased && !lease_holds(original) {
        remove_staging();
        return Err(opened());
    }
    if !unchanged(original, name) {
        remove_staging();
        return Err(changed());
    }
    let directory = original.path.parent().unwrap_or(Path::new("."));
    let failed =
        |error: io::Error| format!("cannot write `{shown}`: {}", super::describe_at(&error, "write", directory));
    match sys::rename_at(&original.parent, staging, &original.parent, name, sys::Rename::Exchange) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::Unsupported => {
            let renamed = sys::rename_at(&original.parent, staging, &original.parent, name, sys::Rename::Replace);
            if renamed.is_err() {
                remove_staging();
            }
            return renamed.map_err(failed);
        }
        Err(error) => {
            remove_staging();
            return Err(failed(error));
        }
    }
    pause::at(pause::Point::Exchanged);
    // `staging` now holds what was at `name`: it must be the file read, untouched, and (when
    // leased) opened for writing by no one, for the grace period too.
    let why = if !unchanged(original, staging) {
        changed()
    } else if original.leased && !lease_holds_for(original, GRACE) {
        opened()
    } else {
        // The file read, replaced and unopened: the fix is done.
        remove_staging();
        return Ok(());
    };
    match undo(original, staging, staged) {
        Ok(()) => Err(why),
        Err(left) => Err(format!("{why}; {left}")),
    }
}

/// Whether the lease on the file read still holds.
fn lease_holds(original: &Original) -> bool {
    original.file.as_ref().is_some_and(sys::lease_holds)
}

/// Whether the lease on the file read holds, watched for `grace`.
fn lease_holds_for(original: &Original, grace: Duration) -> bool {
    let start = Instant::now();
    while lease_holds(original) {
        if start.elapsed() >= grace {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

/// Puts the file read back at its name after a save met the swap, unless a newer save took
/// that place since: an in-place save into the new text (its lease broken), or a new file
/// renamed over it (swapped back in its turn). What is then under the staging name is
/// removed only when it is asenet's text, unopened, or the file read, untouched: never a
/// file that may hold a save (two saves at the same moment). An error says what was left.
fn undo(original: &Original, staging: &Path, staged: &Staged) -> Result<(), String> {
    let name = Path::new(&original.name);
    let directory = original.path.parent().unwrap_or(Path::new("."));
    let shown_staging = directory.join(staging);
    let at = |name: &Path| sys::status_at(&original.parent, name).ok().flatten().map(|status| status.identity);
    let exchange = || {
        sys::rename_at(&original.parent, staging, &original.parent, name, sys::Rename::Exchange).map_err(|error| {
            format!(
                "and it could not be put back ({}): the file asenet read is `{}`",
                super::describe(&error),
                shown_staging.display()
            )
        })
    };
    let written_in_place = staged.leased.as_ref().is_some_and(|file| !sys::lease_holds(file));
    if !written_in_place {
        exchange()?;
        if at(staging) != Some(staged.status.identity) {
            exchange()?;
        }
    }
    let now = at(staging);
    let removable = if now == Some(staged.status.identity) {
        staged.leased.as_ref().is_none_or(sys::lease_holds)
    } else if now == Some(original.status.identity) {
        unchanged(original, staging) && (!original.leased || lease_holds(original))
    } else {
        false
    };
    if !removable {
        return Err(format!(
            "another save came at the same moment: asenet left `{}`, which may hold it: compare it with `{}`",
            shown_staging.display(),
            original.path.display()
        ));
    }
    let _ = sys::remove_file_at(&original.parent, staging);
    Ok(())
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
