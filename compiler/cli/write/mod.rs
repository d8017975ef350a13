//! The one writer: every file asenet writes, replaces or removes goes through this module.
//! The commands only decide *what* to write; how it reaches the disk, and what is never
//! done on the way, is decided here once.
//!
//! # The API
//!
//! - [`Directory`]: a directory opened once ([`Directory::open`], [`Directory::create`]),
//!   locked with `flock` on itself ([`Directory::lock`]: no lock file), below which every
//!   path is walked one component at a time, **never through a symbolic link and never onto
//!   another mount** ([`Directory::parent_of`]). Files are read bounded, regular files only
//!   ([`Directory::read`], [`Directory::target`]).
//! - [`tree::replace`] (`asenet build`): a tree of artifacts placed file by file through a
//!   private staging directory with a journal, the manifest last; stale files and a dead
//!   build's debris removed **only when their bytes still hash to what asenet recorded**.
//! - [`single::read`] and [`single::replace`] (`asenet check --fix`): one file replaced by a
//!   new text **only if it did not change since it was read** (a file lease on Linux, so
//!   that another program's open for writing is seen; verify, then an atomic exchange that
//!   is undone when the check after it fails), keeping owner, group, mode and
//!   extended attributes (ACLs included), or refusing; never through a link, never
//!   splitting hard links, never over a read-only file.
//! - [`fresh::create`] (`asenet diff --emit`): new files in a new or empty directory, every
//!   name planned before the first is written, none written over anything.
//!
//! What every write here shares: staging files are created exclusively (`O_EXCL`,
//! `O_NOFOLLOW`) under unpredictable names (64 random bits) in the target's own directory,
//! readable by the runner alone until they get their final mode, and synced before they are
//! renamed into place; every error names the path and, for a missing permission, which one
//! on which directory.
//!
//! The operating system calls are all in one submodule, `unix.rs` or `windows.rs` (as
//! `sys`), with the same functions; docs/build.md says which promises differ on Windows.
//!
//! # What else writes files
//!
//! Nothing. `grep -rn 'fs::write\|File::create\|OpenOptions\|create_dir\|remove_file\|
//! remove_dir\|fs::rename\|fs::copy\|set_permissions' compiler/` finds this module only;
//! `tests/it/writer.rs` runs that search and fails on a hit elsewhere. The other outputs
//! are streams: standard output and error, the language server's messages, and the pipe
//! to Graphviz's `dot`.

pub mod fresh;
pub mod single;
pub mod tree;
#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as sys;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as sys;

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::describe;
pub use sys::Lock;
use sys::{DirHandle, Kind, Mount, Status};

/// What asking for a read lease on a file gave (`sys::lease`): what `--fix` knows of other
/// programs writing the file it replaces (docs/fixes.md, "How `--fix` writes a file").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_os = "linux"), expect(dead_code, reason = "only Linux gives leases"))]
pub enum Lease {
    /// Held until the file is closed: an `open` for writing or a truncation by another
    /// process breaks it and waits until then.
    Held,
    /// Refused: a process has the file open for writing now.
    Busy,
    /// Not given here (not the owner, NFS, leases turned off, not Linux).
    Unavailable,
}

/// A directory the writer works in: opened once, every path below it reached from its
/// handle.
pub struct Directory {
    handle: DirHandle,
    /// As the user gave it, for messages.
    shown: PathBuf,
    /// Its mount: a directory below it on another mount is a mount point.
    mount: Mount,
}

/// The directories a first build created (deepest first), to remove again if it fails.
pub struct Created {
    dirs: Vec<PathBuf>,
}

impl Created {
    /// Removes what was created, while it is empty.
    pub fn remove(&self) {
        for dir in &self.dirs {
            if sys::remove_created_dir(dir).is_err() {
                return;
            }
        }
    }
}

/// What an artifact path holds now.
pub enum Target {
    Absent,
    /// A regular file with the artifact's bytes.
    Same,
    /// A regular file with other bytes (at most the limit asked for).
    Differs(Vec<u8>),
}

/// A path as a message names it: on one visible line (DIR may be named after a repository's
/// file, and what is below it is the repository's).
fn line(path: &Path) -> String {
    crate::escape::terminal::line(&path.display().to_string())
}

impl Directory {
    /// The directory at `path` when it exists; an error when it is a symbolic link, not a
    /// directory, or cannot be opened. A link as DIR itself is refused as one below it is:
    /// in a pull request's checkout, `out -> /home/runner/.ssh` is the attacker's.
    pub fn open(path: &Path) -> Result<Option<Directory>, String> {
        let shown = line(path);
        let handle = match sys::open_dir(path, false) {
            Ok(handle) => handle,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) if sys::is_link_error(&error) || is_link(path) => {
                let target =
                    std::fs::canonicalize(path).map(|target| format!(" (to `{}`)", line(&target))).unwrap_or_default();
                return Err(format!(
                    "cannot write into `{shown}`: it is a symbolic link{target}; asenet writes only into a real \
                     directory: name the directory itself"
                ));
            }
            Err(error) if error.kind() == io::ErrorKind::NotADirectory && path.exists() => {
                return Err(format!("cannot write into `{shown}`: it is not a directory"));
            }
            Err(error) => return Err(format!("cannot use `{shown}`: {}", describe_at(&error, "read", path))),
        };
        let status = sys::status(&handle).map_err(|error| format!("cannot use `{shown}`: {}", describe(&error)))?;
        Ok(Some(Directory { handle, shown: path.to_path_buf(), mount: status.mount }))
    }

    /// Creates the directory at `path`, and its missing parents.
    pub fn create(path: &Path) -> Result<(Directory, Created), String> {
        let mut dirs = Vec::new();
        let mut missing = Some(path);
        while let Some(dir) = missing.filter(|dir| !dir.as_os_str().is_empty() && dir.symlink_metadata().is_err()) {
            dirs.push(dir.to_path_buf());
            missing = dir.parent();
        }
        for dir in dirs.iter().rev() {
            match std::fs::create_dir(dir) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(error) => {
                    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
                    Created { dirs: dirs.clone() }.remove();
                    return Err(format!(
                        "cannot write `{}`: {}; nothing written",
                        line(path),
                        describe_at(&error, "write", parent)
                    ));
                }
            }
        }
        match Directory::open(path)? {
            Some(dir) => Ok((dir, Created { dirs })),
            None => Err(format!("cannot write `{}`: it went away while asenet created it", line(path))),
        }
    }

    /// Takes the lock on the directory: waits for another holder (saying so after a
    /// second, as `waiting for another asenet <what> to release DIR`), or with `no_wait`
    /// gives up at once.
    pub fn lock(&self, kind: Lock, no_wait: bool, what: &str) -> Result<(), String> {
        let shown = line(&self.shown);
        let cannot =
            |error: io::Error| format!("cannot lock `{shown}`: {error} (asenet needs a file system with `flock`)");
        if sys::lock(&self.handle, kind, false).map_err(cannot)? {
            return Ok(());
        }
        if no_wait {
            return Err(format!("`{shown}` is locked by another {what}, and --no-wait does not wait"));
        }
        let (done, waiting) = std::sync::mpsc::channel::<()>();
        let message = format!("waiting for another asenet {what} to release `{shown}`");
        let notice = std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = waiting.recv_timeout(Duration::from_secs(1)) {
                say!("{message}");
            }
        });
        let result = sys::lock(&self.handle, kind, true);
        drop(done);
        let _ = notice.join();
        result.map(|_| ()).map_err(cannot)
    }

    /// The directory as locked, if it is still the one at `path`; else `path` opened (or
    /// created) and locked anew: a first build that failed may have removed the directory
    /// this one waited on.
    pub fn still_at(self, path: &Path, what: &str) -> Result<Directory, String> {
        let mut dir = self;
        for _ in 0..16 {
            let locked = sys::status(&dir.handle).ok().map(|status| status.identity);
            let now = sys::status_of_path(path).ok().map(|status| status.identity);
            if locked.is_some() && locked == now {
                return Ok(dir);
            }
            dir = match Directory::open(path)? {
                Some(dir) => dir,
                None => Directory::create(path)?.0,
            };
            dir.lock(Lock::Exclusive, false, what)?;
        }
        Err(format!("cannot use `{}`: it keeps being replaced", line(path)))
    }

    /// `relative` below the directory, as the user would write it, on one visible line.
    pub fn show(&self, relative: &str) -> String {
        line(&self.shown.join(relative))
    }

    fn is_foreign_mount(&self, status: &Status) -> bool {
        status.mount_root || status.mount != self.mount
    }

    /// The directory holding `relative` and its last component, reached without following a
    /// link or leaving the directory's mount. `None` when a directory on the way is absent
    /// (and `create` is false).
    pub fn parent_of<'a>(&self, relative: &'a str, create: bool) -> Result<Option<(DirHandle, &'a str)>, String> {
        let (directories, name) = match relative.rsplit_once('/') {
            Some((directories, name)) => (Some(directories), name),
            None => (None, relative),
        };
        let mut current = self.handle.try_clone().map_err(|error| self.io_error("open", "", &error))?;
        let mut walked = String::new();
        for part in directories.into_iter().flat_map(|directories| directories.split('/')) {
            if !walked.is_empty() {
                walked.push('/');
            }
            walked.push_str(part);
            match sys::status_at(&current, Path::new(part)).map_err(|error| self.io_error("read", &walked, &error))? {
                None if create => {
                    sys::make_dir_at(&current, Path::new(part), false)
                        .map_err(|error| self.io_error("write", parent_path(&walked), &error))?;
                }
                None => return Ok(None),
                Some(status) => self.refuse_unless_directory(&status, &walked)?,
            }
            let next =
                sys::open_dir_at(&current, Path::new(part)).map_err(|error| self.io_error("open", &walked, &error))?;
            let status = sys::status(&next).map_err(|error| self.io_error("read", &walked, &error))?;
            self.refuse_unless_directory(&status, &walked)?;
            current = next;
        }
        Ok(Some((current, name)))
    }

    /// What is at `relative`, not following a link; `None` when nothing (or a directory on
    /// the way is absent).
    pub fn status(&self, relative: &str) -> Result<Option<Status>, String> {
        let Some((parent, name)) = self.parent_of(relative, false)? else { return Ok(None) };
        sys::status_at(&parent, Path::new(name)).map_err(|error| self.io_error("read", relative, &error))
    }

    /// Whether `relative` is a regular file on the directory's own mount: a file asenet may
    /// remove or replace, if it can prove it wrote it.
    pub fn is_plain_file(&self, relative: &str) -> bool {
        matches!(self.status(relative), Ok(Some(status)) if status.kind == Kind::File && !self.is_foreign_mount(&status))
    }

    /// Write and search permission on `relative` (a directory), or on the deepest of its
    /// ancestors that exists when it does not yet.
    pub fn require_write(&self, relative: &str) -> Result<(), String> {
        let mut current = relative;
        loop {
            let probe = if current.is_empty() { "x".to_owned() } else { format!("{current}/x") };
            if let Some((dir, _)) = self.parent_of(&probe, false)? {
                return sys::can_write_dir(&dir).map_err(|error| self.io_error("write", current, &error));
            }
            current = parent_path(current);
        }
    }

    fn refuse_unless_directory(&self, status: &Status, relative: &str) -> Result<(), String> {
        if status.kind == Kind::Link {
            return Err(self.refusal(relative, "is a symbolic link; asenet does not write through links"));
        }
        if self.is_foreign_mount(status) {
            return Err(self.refusal(relative, "is a mount point; asenet does not write across mounts"));
        }
        if status.kind != Kind::Directory {
            return Err(self.refusal(relative, "is not a directory, and artifacts go below it"));
        }
        Ok(())
    }

    pub fn refusal(&self, relative: &str, why: &str) -> String {
        format!("`{}` {why}: move it away", self.show(relative))
    }

    /// An IO error on `relative` as one line that names the path and the permission missing.
    pub fn io_error(&self, action: &str, relative: &str, error: &io::Error) -> String {
        let path = self.shown.join(relative);
        format!("cannot {action} `{}`: {}", line(&path), describe_at(error, action, &path))
    }

    /// What `relative` holds now, reading at most `limit` bytes of a file there.
    pub fn target(&self, relative: &str, artifact: &[u8], limit: u64) -> Result<Target, String> {
        let Some(status) = self.status(relative)? else { return Ok(Target::Absent) };
        match status.kind {
            Kind::Link => {
                return Err(
                    self.refusal(relative, "is a symbolic link where an artifact goes; asenet does not replace links")
                );
            }
            _ if self.is_foreign_mount(&status) => return Err(self.refusal(relative, "is a mount point")),
            Kind::File => {}
            Kind::Directory => return Err(self.refusal(relative, "is a directory where an artifact goes")),
            Kind::Other => return Err(self.refusal(relative, "is not a regular file where an artifact goes")),
        }
        if status.size != artifact.len() as u64 && limit <= artifact.len() as u64 + 1 {
            return Ok(Target::Differs(Vec::new()));
        }
        let bytes = self.read(relative, limit).map_err(|error| self.io_error("read", relative, &error))?;
        Ok(if bytes == artifact { Target::Same } else { Target::Differs(bytes) })
    }

    /// Up to `limit` bytes of the regular file at `relative`, never through a link; a FIFO
    /// or device there is an error, not a read that blocks.
    pub fn read(&self, relative: &str, limit: u64) -> io::Result<Vec<u8>> {
        let Some((parent, name)) = self.parent_of(relative, false).map_err(io::Error::other)? else {
            return Err(io::ErrorKind::NotFound.into());
        };
        read_at(&parent, Path::new(name), limit)
    }
}

/// A file of a git working tree as git would store it, `relative` to the current
/// directory: a regular file's bytes (at most `limit`, never blocking), a symbolic link's
/// target text (never followed); `None` when git would see nothing there to store: no
/// file, a directory, or a symbolic link on the way (git does not look behind one). A FIFO,
/// socket or device is an error.
pub fn read_as_git_would(relative: &Path, limit: u64) -> io::Result<Option<Vec<u8>>> {
    use std::path::Component;
    let mut components: Vec<Component> = relative.components().collect();
    let Some(Component::Normal(name)) = components.pop() else {
        return Err(io::Error::other("it is not a file name"));
    };
    let mut dir = sys::open_dir(Path::new("."), true)?;
    for component in components {
        let part = match component {
            Component::CurDir => continue,
            Component::ParentDir => Path::new(".."),
            Component::Normal(part) => Path::new(part),
            Component::RootDir | Component::Prefix(_) => return Err(io::Error::other("it is not a relative name")),
        };
        if part != Path::new("..") {
            match sys::status_at(&dir, part)? {
                Some(status) if status.kind == Kind::Directory => {}
                _ => return Ok(None),
            }
        }
        dir = sys::open_dir_at(&dir, part)?;
    }
    let name = Path::new(name);
    let Some(status) = sys::status_at(&dir, name)? else { return Ok(None) };
    match status.kind {
        Kind::File => {
            let (file, _) = sys::open_file_at(&dir, name)?;
            let mut bytes = Vec::new();
            file.take(limit + 1).read_to_end(&mut bytes)?;
            if bytes.len() as u64 > limit {
                return Err(io::Error::new(io::ErrorKind::FileTooLarge, format!("larger than {} MiB", limit >> 20)));
            }
            Ok(Some(bytes))
        }
        Kind::Link => sys::read_link_at(&dir, name).map(Some),
        Kind::Directory => Ok(None),
        Kind::Other => Err(io::Error::other("it is a FIFO, socket or device, which git cannot store")),
    }
}

/// Up to `limit` bytes of the regular file `name` in `dir`.
fn read_at(dir: &DirHandle, name: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let (file, _) = sys::open_file_at(dir, name)?;
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Whether `path` is a symbolic link itself.
fn is_link(path: &Path) -> bool {
    path.symlink_metadata().is_ok_and(|metadata| metadata.file_type().is_symlink())
}

/// The directory part of a relative path (`""` for the directory itself).
pub fn parent_path(relative: &str) -> &str {
    relative.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// An IO error, and for a missing permission which one on which directory.
pub fn describe_at(error: &io::Error, action: &str, path: &Path) -> String {
    let described = describe(error);
    if error.kind() != io::ErrorKind::PermissionDenied {
        return described;
    }
    let needs = match action {
        "write" => "write and search (x) permission on the directory",
        "read" => "read permission on it and search (x) permission on its directories",
        _ => "search (x) and read permission on the directory",
    };
    format!("{described} (asenet needs {needs} `{}`)", line(path))
}

/// The error of a read or write that met a symbolic link where it follows none.
#[derive(Debug)]
pub struct LinkRefused;

impl std::fmt::Display for LinkRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("it is a symbolic link, and asenet does not follow links here")
    }
}

impl std::error::Error for LinkRefused {}

impl From<LinkRefused> for io::Error {
    fn from(refused: LinkRefused) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidInput, refused)
    }
}

/// A name no one can have planted beforehand: `<prefix><64 random bits in hex>`.
fn random_name(prefix: &str) -> io::Result<String> {
    Ok(format!("{prefix}{:016x}", sys::random()?))
}
