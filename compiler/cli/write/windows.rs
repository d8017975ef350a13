//! The writer's calls into the operating system, for Windows: the same functions as
//! `unix.rs`, with what std (and winapi-util, for a file's identity and hard links) offers,
//! and no `unsafe`. docs/build.md ("On Windows") states each promise that differs, and why.
//!
//! - **No path through a link.** Every directory on the way is opened with
//!   `FILE_FLAG_OPEN_REPARSE_POINT`, so a symbolic link, a junction or a volume mount point
//!   (the name-surrogate reparse points std reports as links) is seen as itself and refused,
//!   never followed. Windows has no `openat`: a name is opened by its path below the
//!   directory's, and what keeps that path naming the directory that was checked is the
//!   directory's handle, held open without `FILE_SHARE_DELETE`: while it is open, Windows
//!   lets no one rename or remove that directory (nor one above it, which holds an open file).
//! - **Mounts.** A volume is mounted into a folder only through a reparse point, refused as
//!   a link: every directory asenet walks is on DIR's volume, so [`Mount`] has one value.
//! - **The lock** is `LockFileEx` (std's `File::lock`) on an empty file `DIR\.asenet-lock`:
//!   Windows locks files, not directories. asenet creates it on the first lock and never
//!   removes it (removing it would let two builds lock two different files); it is hidden
//!   from the writer's own listing of DIR, so DIR with only it counts as empty.
//! - **Replace** is `MoveFileEx` with replace (std's `rename`, which uses POSIX semantics where
//!   Windows 10 offers them): atomic on one volume. No-replace is a hard link then the
//!   removal of the staging name (a hard link never replaces); exchange does not exist.
//! - **Owner, mode, ACLs** are not read or copied: a new file gets the permissions its folder
//!   gives new files (as every artifact does on Windows), read-only is the read-only
//!   attribute, and no staging directory found in DIR is trusted as this user's, since std
//!   cannot tell who created it.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::windows::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use winapi_util::HandleRef;

/// Opens a directory at all (`CreateFile` needs it for one).
const FILE_FLAG_BACKUP_SEMANTICS: u32 = 0x0200_0000;
/// Opens a reparse point (link, junction, mount point) itself, never what it points at.
const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
/// The file is removed when its last handle closes, even if the process is killed.
const FILE_FLAG_DELETE_ON_CLOSE: u32 = 0x0400_0000;
const FILE_SHARE_READ: u32 = 0x1;
const FILE_SHARE_WRITE: u32 = 0x2;
const FILE_SHARE_DELETE: u32 = 0x4;
/// Access to a file's attributes only: opening with it reads nothing and blocks no one.
const FILE_READ_ATTRIBUTES: u32 = 0x80;
const FILE_ATTRIBUTE_READONLY: u32 = 0x1;
const FILE_ATTRIBUTE_DIRECTORY: u32 = 0x10;

/// The lock file in each locked directory (docs/build.md, "On Windows").
pub const LOCK_FILE: &str = ".asenet-lock";

/// An open directory and its path. Names below it are opened by path; the handle, held
/// without `FILE_SHARE_DELETE`, keeps that path naming this directory.
pub struct DirHandle {
    path: PathBuf,
    handle: File,
    /// The lock file, once [`lock`] took it: the lock lasts as long as this handle.
    lock: OnceLock<File>,
}

impl DirHandle {
    pub fn try_clone(&self) -> io::Result<DirHandle> {
        Ok(DirHandle { path: self.path.clone(), handle: self.handle.try_clone()?, lock: OnceLock::new() })
    }

    fn join(&self, name: &Path) -> PathBuf {
        self.path.join(name)
    }
}

/// What kind of file a name holds, never following a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Directory,
    Link,
    /// Never on Windows' file systems; kept for the shared code.
    #[allow(dead_code)]
    Other,
}

/// Every directory the writer walks is on DIR's volume (see the module's doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mount;

/// What the writer knows of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    pub kind: Kind,
    pub size: u64,
    pub mount: Mount,
    pub mount_root: bool,
    /// Volume serial number and file index: the file itself, whatever its name. The first
    /// field is unused (it is the device's major number on Unix).
    pub identity: (u32, u32, u64),
    /// Last write and creation times, in 100 ns units.
    pub stamp: [(i64, u32); 2],
    /// 0o444 (0o555 for a directory) when read-only, else 0o666 (0o777): the read-only
    /// attribute as a mode; Windows' permissions are ACLs, which asenet does not read.
    pub mode: u32,
    /// Unknown on Windows: never [`runner`], so that no staging directory is trusted.
    pub owner: u32,
    pub group: u32,
    pub links: u32,
}

fn options(read: bool) -> OpenOptions {
    let mut options = OpenOptions::new();
    if read {
        options.read(true);
    } else {
        options.access_mode(FILE_READ_ATTRIBUTES);
    }
    options
}

/// Opens `path` itself, not what a link there points at; a directory too.
fn open_no_follow(path: &Path, read: bool, share: u32) -> io::Result<File> {
    options(read).share_mode(share).custom_flags(FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT).open(path)
}

fn status_of_file(file: &File) -> io::Result<Status> {
    let metadata = file.metadata()?;
    let attributes = metadata.file_attributes();
    let kind = if metadata.file_type().is_symlink() {
        Kind::Link
    } else if attributes & FILE_ATTRIBUTE_DIRECTORY != 0 {
        Kind::Directory
    } else {
        Kind::File
    };
    let information = winapi_util::file::information(HandleRef::from_file(file))?;
    let read_only = attributes & FILE_ATTRIBUTE_READONLY != 0;
    let mode = match (kind == Kind::Directory, read_only) {
        (true, true) => 0o555,
        (true, false) => 0o777,
        (false, true) => 0o444,
        (false, false) => 0o666,
    };
    let time =
        |ticks: u64| (i64::try_from(ticks / 10_000_000).unwrap_or(i64::MAX), ((ticks % 10_000_000) * 100) as u32);
    Ok(Status {
        kind,
        size: metadata.file_size(),
        mount: Mount,
        mount_root: false,
        identity: (0, information.volume_serial_number() as u32, information.file_index()),
        stamp: [time(metadata.last_write_time()), time(metadata.creation_time())],
        mode,
        owner: u32::MAX,
        group: u32::MAX,
        links: u32::try_from(information.number_of_links()).unwrap_or(u32::MAX),
    })
}

/// A directory's handle: others may read and write in it, not rename or remove it.
fn open_directory(path: &Path, follow: bool) -> io::Result<DirHandle> {
    let flags =
        if follow { FILE_FLAG_BACKUP_SEMANTICS } else { FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT };
    let handle =
        OpenOptions::new().read(true).share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE).custom_flags(flags).open(path)?;
    let status = status_of_file(&handle)?;
    match status.kind {
        Kind::Directory => Ok(DirHandle { path: path.to_path_buf(), handle, lock: OnceLock::new() }),
        Kind::Link => Err(super::LinkRefused.into()),
        _ => Err(io::ErrorKind::NotADirectory.into()),
    }
}

/// The directory at `path`; when `follow` is false, a link as its last component is refused.
pub fn open_dir(path: &Path, follow: bool) -> io::Result<DirHandle> {
    open_directory(path, follow)
}

/// The directory `name` in `dir`, never through a link.
pub fn open_dir_at(dir: &DirHandle, name: &Path) -> io::Result<DirHandle> {
    open_directory(&dir.join(name), false)
}

/// The parent directory of `path` as given (`.` for a bare name), following links on the
/// way as the user's shell would.
pub fn open_parent(path: &Path) -> io::Result<DirHandle> {
    let parent = path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    open_dir(parent, true)
}

pub fn status(handle: &DirHandle) -> io::Result<Status> {
    status_of_file(&handle.handle)
}

/// `name` in `dir`, not following a link; `None` when there is nothing of that name.
pub fn status_at(dir: &DirHandle, name: &Path) -> io::Result<Option<Status>> {
    match open_no_follow(&dir.join(name), false, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE) {
        Ok(file) => status_of_file(&file).map(Some),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

/// `path` as given, following links (for the user's own paths: is it there at all).
pub fn status_of_path(path: &Path) -> io::Result<Status> {
    let file = options(false)
        .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
        .open(path)?;
    status_of_file(&file)
}

/// Creates the directory `name` in `dir` (with the permissions its parent gives; `private`
/// cannot be had without reading ACLs). `Ok(false)` when it exists already.
pub fn make_dir_at(dir: &DirHandle, name: &Path, _private: bool) -> io::Result<bool> {
    match std::fs::create_dir(dir.join(name)) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) => Err(error),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lock {
    Shared,
    Exclusive,
}

/// Takes a lock on the directory's lock file (created when absent, never followed if it is a
/// link); `Ok(false)` when another process holds it and `wait` is false. The lock lasts as
/// long as `dir`.
pub fn lock(dir: &DirHandle, kind: Lock, wait: bool) -> io::Result<bool> {
    let path = dir.join(Path::new(LOCK_FILE));
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(&path)?;
    if status_of_file(&file)?.kind != Kind::File {
        return Err(io::Error::other(format!("`{}` is not a plain file: asenet locks only its own", LOCK_FILE)));
    }
    let locked = match (kind, wait) {
        (Lock::Shared, true) => file.lock_shared().map(|()| true),
        (Lock::Exclusive, true) => file.lock().map(|()| true),
        (Lock::Shared, false) => try_lock(file.try_lock_shared()),
        (Lock::Exclusive, false) => try_lock(file.try_lock()),
    }?;
    if locked {
        let _ = dir.lock.set(file);
    }
    Ok(locked)
}

fn try_lock(result: Result<(), std::fs::TryLockError>) -> io::Result<bool> {
    match result {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(error)) => Err(error),
    }
}

/// Creates `name` in `dir` exclusively, never through a link. Windows gives it the
/// permissions its folder gives new files: the same as the artifact it becomes.
pub fn create_private(dir: &DirHandle, name: &Path) -> io::Result<File> {
    create_default(dir, name)
}

/// Creates `name` in `dir` exclusively (a link there is an existing name: refused).
pub fn create_default(dir: &DirHandle, name: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .share_mode(FILE_SHARE_READ | FILE_SHARE_DELETE)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(dir.join(name))
}

/// Opens the regular file `name` in `dir` to read, never through a link.
pub fn open_file_at(dir: &DirHandle, name: &Path) -> io::Result<(File, Status)> {
    let file = open_no_follow(&dir.join(name), true, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)?;
    let status = status_of_file(&file)?;
    match status.kind {
        Kind::File => Ok((file, status)),
        Kind::Link => Err(super::LinkRefused.into()),
        _ => Err(io::Error::other("it is not a regular file")),
    }
}

/// The text of the symbolic link `name` in `dir`, as bytes (UTF-8): what git stores.
pub fn read_link_at(dir: &DirHandle, name: &Path) -> io::Result<Vec<u8>> {
    let target = std::fs::read_link(dir.join(name))?;
    Ok(target.to_string_lossy().replace('\\', "/").into_bytes())
}

/// How a rename meets what is at its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rename {
    Replace,
    NoReplace,
    /// Not on Windows: always `Unsupported`, and the callers fall back.
    Exchange,
}

pub fn rename_at(from_dir: &DirHandle, from: &Path, to_dir: &DirHandle, to: &Path, how: Rename) -> io::Result<()> {
    let (from, to) = (from_dir.join(from), to_dir.join(to));
    match how {
        Rename::Replace => std::fs::rename(from, to),
        // A hard link is never made over an existing name; then the staging name goes.
        Rename::NoReplace => {
            std::fs::hard_link(&from, &to)?;
            std::fs::remove_file(&from)
        }
        Rename::Exchange => {
            Err(io::Error::new(io::ErrorKind::Unsupported, "Windows cannot exchange two files atomically"))
        }
    }
}

pub fn remove_file_at(dir: &DirHandle, name: &Path) -> io::Result<()> {
    std::fs::remove_file(dir.join(name))
}

pub fn remove_dir_at(dir: &DirHandle, name: &Path) -> io::Result<()> {
    std::fs::remove_dir(dir.join(name))
}

/// Removes a directory a first build or `--emit` created and then gave up, with the lock
/// file asenet put in it.
pub fn remove_created_dir(path: &Path) -> io::Result<()> {
    let lock = path.join(LOCK_FILE);
    if std::fs::symlink_metadata(&lock).is_ok_and(|metadata| metadata.is_file() && metadata.len() == 0) {
        std::fs::remove_file(lock)?;
    }
    std::fs::remove_dir(path)
}

/// The names in `dir` (not `.` and `..`, not the lock file), with their kinds.
pub fn entries(dir: &DirHandle) -> io::Result<Vec<(OsString, Kind)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir.path)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == LOCK_FILE {
            continue;
        }
        let file_type = entry.file_type()?;
        let kind = if file_type.is_symlink() {
            Kind::Link
        } else if file_type.is_dir() {
            Kind::Directory
        } else {
            Kind::File
        };
        found.push((name, kind));
    }
    Ok(found)
}

/// Nothing to do: NTFS journals its directory entries, and Windows flushes a directory's
/// only through a handle opened for writing, which a directory cannot have.
pub fn sync_dir(_dir: &DirHandle) -> io::Result<()> {
    Ok(())
}

/// Whether the runner can create files in `dir`: a probe file created and gone at once
/// (removed on close, even if the process dies), since Windows' answer is in ACLs.
pub fn can_write_dir(dir: &DirHandle) -> io::Result<()> {
    let name = format!(".asenet-probe-{:016x}", random()?);
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .share_mode(FILE_SHARE_DELETE)
        .custom_flags(FILE_FLAG_DELETE_ON_CLOSE)
        .open(dir.join(Path::new(&name)))
        .map(drop)
}

/// Whether the runner can write the file `name` in `dir`: opened for writing (not truncated,
/// never through a link), then closed.
pub fn can_write_file_at(dir: &DirHandle, name: &Path) -> io::Result<()> {
    OpenOptions::new()
        .write(true)
        .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(dir.join(name))
        .map(drop)
}

/// No Unix user: a value no [`Status::owner`] has.
pub fn runner() -> u32 {
    u32::MAX - 1
}

/// 64 unpredictable bits, from the random keys std seeds its hash maps with
/// (`ProcessPrng`, Windows' system generator).
pub fn random() -> io::Result<u64> {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher
        .write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    Ok(hasher.finish())
}

/// What of a file's metadata a new file could not take (never, on Windows: see
/// [`copy_metadata`]).
#[derive(Debug)]
pub enum Kept {
    #[allow(dead_code)]
    Owner(io::Error),
    #[allow(dead_code)]
    Attribute(String, io::Error),
}

/// Nothing is copied: the new file has the permissions its folder gives new files, and a
/// read-only original was refused before. docs/fixes.md says what this means for a file with
/// an ACL of its own.
pub fn copy_metadata(_from: &File, _from_status: &Status, _to: &File) -> Result<(), Kept> {
    Ok(())
}

/// No leases on Windows: the fix goes on without (docs/fixes.md says what that leaves).
pub fn lease(_file: &File) -> super::Lease {
    super::Lease::Unavailable
}

pub fn lease_holds(_file: &File) -> bool {
    false
}

/// Whether an error is a link met where none may be followed.
pub fn is_link_error(error: &io::Error) -> bool {
    error.get_ref().is_some_and(|inner| inner.is::<super::LinkRefused>())
}

/// Dies at once, as a killed build does: no destructor, no cleanup (the tests' fault
/// injection).
#[cfg(feature = "testing")]
pub fn kill_self() -> ! {
    std::process::abort()
}
