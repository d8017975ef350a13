//! The writer's calls into the operating system, for Linux (and other Unix kernels rustix
//! speaks to): every `openat`, `statx`, `flock`, `renameat`, `unlinkat`, `fchown`, xattr and
//! lease (`fcntl`) call of asenet is here, and nowhere else. The rest of `write` speaks only of this
//! module's types ([`DirHandle`], [`Status`], [`Kind`], [`Mount`]), so a Windows backend is a
//! second file with the same functions beside this one.
//!
//! Every name handed in is one path component below an open directory (`*_at`), looked up
//! without following a symbolic link.

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use rustix::fs::{AtFlags, FileType, FlockOperation, Mode, OFlags, RenameFlags, Statx, StatxAttributes, StatxFlags};
use rustix::io::Errno;

/// An open directory: every name below it is reached from it, so a directory renamed or
/// replaced meanwhile is never written by path.
pub type DirHandle = OwnedFd;

/// What kind of file a name holds, never following a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Directory,
    Link,
    /// A FIFO, socket or device: never read, never replaced.
    Other,
}

/// Which mount a file is on: the mount id where the kernel says it (Linux 5.8+), else the
/// device number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mount {
    Id(u64),
    Device(u32, u32),
}

/// What the writer knows of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    pub kind: Kind,
    pub size: u64,
    pub mount: Mount,
    /// The root of a mount (a bind mount of a file or directory), where the kernel says so.
    pub mount_root: bool,
    /// Device and inode: the file itself, whatever its name.
    pub identity: (u32, u32, u64),
    /// Modification and status-change times, to the nanosecond: a write or a metadata
    /// change moves one of them.
    pub stamp: [(i64, u32); 2],
    /// Permission bits, with setuid, setgid and sticky.
    pub mode: u32,
    pub owner: u32,
    pub group: u32,
    /// Hard links: names this file has.
    pub links: u32,
}

const WANTED: StatxFlags = StatxFlags::BASIC_STATS.union(StatxFlags::MNT_ID);

fn status_of(stat: &Statx) -> Status {
    let kind = match FileType::from_raw_mode(u32::from(stat.stx_mode)) {
        FileType::RegularFile => Kind::File,
        FileType::Directory => Kind::Directory,
        FileType::Symlink => Kind::Link,
        _ => Kind::Other,
    };
    let mount = if StatxFlags::from_bits_retain(stat.stx_mask).contains(StatxFlags::MNT_ID) {
        Mount::Id(stat.stx_mnt_id)
    } else {
        Mount::Device(stat.stx_dev_major, stat.stx_dev_minor)
    };
    let root = StatxAttributes::MOUNT_ROOT;
    Status {
        kind,
        size: stat.stx_size,
        mount,
        mount_root: stat.stx_attributes_mask.contains(root) && stat.stx_attributes.contains(root),
        identity: (stat.stx_dev_major, stat.stx_dev_minor, stat.stx_ino),
        stamp: [(stat.stx_mtime.tv_sec, stat.stx_mtime.tv_nsec), (stat.stx_ctime.tv_sec, stat.stx_ctime.tv_nsec)],
        mode: u32::from(stat.stx_mode) & 0o7777,
        owner: stat.stx_uid,
        group: stat.stx_gid,
        links: stat.stx_nlink,
    }
}

/// The directory at `path`; when `follow` is false, a symbolic link as its last component
/// is refused (`ELOOP`, or `ENOTDIR` from some kernels).
pub fn open_dir(path: &Path, follow: bool) -> io::Result<DirHandle> {
    let mut flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    Ok(rustix::fs::open(path, flags, Mode::empty())?)
}

/// The directory `name` in `dir`, never through a link.
pub fn open_dir_at(dir: &DirHandle, name: &Path) -> io::Result<DirHandle> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    Ok(rustix::fs::openat(dir, name, flags, Mode::empty())?)
}

/// The parent directory of `path` as given (`.` for a bare name), following links on the
/// way as the user's shell would.
pub fn open_parent(path: &Path) -> io::Result<DirHandle> {
    let parent = path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    open_dir(parent, true)
}

pub fn status(handle: impl AsFd) -> io::Result<Status> {
    Ok(status_of(&rustix::fs::statx(handle, "", AtFlags::EMPTY_PATH, WANTED)?))
}

/// `name` in `dir`, not following a link; `None` when there is nothing of that name.
pub fn status_at(dir: &DirHandle, name: &Path) -> io::Result<Option<Status>> {
    match rustix::fs::statx(dir, name, AtFlags::SYMLINK_NOFOLLOW, WANTED) {
        Ok(stat) => Ok(Some(status_of(&stat))),
        Err(Errno::NOENT) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// `path` as given, following links (for the user's own paths: is it there at all).
pub fn status_of_path(path: &Path) -> io::Result<Status> {
    Ok(status_of(&rustix::fs::statx(rustix::fs::CWD, path, AtFlags::empty(), WANTED)?))
}

/// Creates the directory `name` in `dir`; `private`: readable by the runner alone (0700),
/// else as the umask allows. `Ok(false)` when it exists already.
pub fn make_dir_at(dir: &DirHandle, name: &Path, private: bool) -> io::Result<bool> {
    let mode = Mode::from_raw_mode(if private { 0o700 } else { 0o777 });
    match rustix::fs::mkdirat(dir, name, mode) {
        Ok(()) => Ok(true),
        Err(Errno::EXIST) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lock {
    Shared,
    Exclusive,
}

/// Takes an advisory lock on the directory itself (no lock file); `Ok(false)` when another
/// process holds it and `wait` is false.
pub fn lock(dir: &DirHandle, kind: Lock, wait: bool) -> io::Result<bool> {
    let operation = match (kind, wait) {
        (Lock::Shared, true) => FlockOperation::LockShared,
        (Lock::Shared, false) => FlockOperation::NonBlockingLockShared,
        (Lock::Exclusive, true) => FlockOperation::LockExclusive,
        (Lock::Exclusive, false) => FlockOperation::NonBlockingLockExclusive,
    };
    loop {
        match rustix::fs::flock(dir, operation) {
            Ok(()) => return Ok(true),
            Err(Errno::WOULDBLOCK) if !wait => return Ok(false),
            Err(Errno::INTR) => continue,
            Err(error) => return Err(error.into()),
        }
    }
}

/// Creates `name` in `dir` exclusively (never over anything, never through a link),
/// readable and writable by the runner alone until [`set_mode`] says otherwise: what goes
/// into it is never readable by others in between.
pub fn create_private(dir: &DirHandle, name: &Path) -> io::Result<File> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    Ok(File::from(rustix::fs::openat(dir, name, flags, Mode::from_raw_mode(0o600))?))
}

/// Creates `name` in `dir` exclusively, with the mode a new file gets (0666 less the umask):
/// its final mode from the start.
pub fn create_default(dir: &DirHandle, name: &Path) -> io::Result<File> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    Ok(File::from(rustix::fs::openat(dir, name, flags, Mode::from_raw_mode(0o666))?))
}

/// Opens the regular file `name` in `dir` to read, never through a link; a FIFO or device
/// there is an error, not an open or a read that blocks.
pub fn open_file_at(dir: &DirHandle, name: &Path) -> io::Result<(File, Status)> {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let fd = match rustix::fs::openat(dir, name, flags, Mode::empty()) {
        Err(Errno::LOOP) => return Err(super::LinkRefused.into()),
        result => result?,
    };
    let status = status(&fd)?;
    if status.kind != Kind::File {
        return Err(io::Error::other("it is not a regular file"));
    }
    Ok((File::from(fd), status))
}

/// The text of the symbolic link `name` in `dir`, as bytes: what git stores for a link.
pub fn read_link_at(dir: &DirHandle, name: &Path) -> io::Result<Vec<u8>> {
    Ok(rustix::fs::readlinkat(dir, name, Vec::new())?.into_bytes())
}

/// How a rename meets what is at its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rename {
    /// Replaces whatever file is there, atomically.
    Replace,
    /// Fails (`AlreadyExists`) when anything is there.
    NoReplace,
    /// Swaps the two, atomically; `Unsupported` where the file system cannot.
    Exchange,
}

pub fn rename_at(from_dir: &DirHandle, from: &Path, to_dir: &DirHandle, to: &Path, how: Rename) -> io::Result<()> {
    let flags = match how {
        Rename::Replace => RenameFlags::empty(),
        Rename::NoReplace => RenameFlags::NOREPLACE,
        Rename::Exchange => RenameFlags::EXCHANGE,
    };
    match rustix::fs::renameat_with(from_dir, from, to_dir, to, flags) {
        Ok(()) => Ok(()),
        Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) if how != Rename::Replace => {
            Err(io::Error::new(io::ErrorKind::Unsupported, "the file system cannot rename atomically this way"))
        }
        Err(error) => Err(error.into()),
    }
}

pub fn remove_file_at(dir: &DirHandle, name: &Path) -> io::Result<()> {
    Ok(rustix::fs::unlinkat(dir, name, AtFlags::empty())?)
}

pub fn remove_dir_at(dir: &DirHandle, name: &Path) -> io::Result<()> {
    Ok(rustix::fs::unlinkat(dir, name, AtFlags::REMOVEDIR)?)
}

/// Removes a directory a first build or `--emit` created and then gave up (empty by then).
pub fn remove_created_dir(path: &Path) -> io::Result<()> {
    std::fs::remove_dir(path)
}

/// The names in `dir` (not `.` and `..`), as bytes, with their kinds.
pub fn entries(dir: &DirHandle) -> io::Result<Vec<(OsString, Kind)>> {
    let mut found = Vec::new();
    for entry in rustix::fs::Dir::read_from(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let kind = match entry.file_type() {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Directory,
            FileType::Symlink => Kind::Link,
            _ => Kind::Other,
        };
        found.push((OsString::from_vec(name.to_vec()), kind));
    }
    Ok(found)
}

/// Flushes a directory's entries (the renames in it) to the disk.
pub fn sync_dir(dir: &DirHandle) -> io::Result<()> {
    Ok(rustix::fs::fsync(dir)?)
}

/// Write and search permission on `dir` for the runner, as the kernel would judge a write.
pub fn can_write_dir(dir: &DirHandle) -> io::Result<()> {
    let wanted = rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK;
    Ok(rustix::fs::accessat(dir, ".", wanted, AtFlags::EACCESS)?)
}

/// Write permission on the file `name` in `dir` for the runner.
pub fn can_write_file_at(dir: &DirHandle, name: &Path) -> io::Result<()> {
    Ok(rustix::fs::accessat(dir, name, rustix::fs::Access::WRITE_OK, AtFlags::EACCESS | AtFlags::SYMLINK_NOFOLLOW)?)
}

/// The user the process writes as: files it creates are this user's.
pub fn runner() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// 64 unpredictable bits, for names no one can plant a file at beforehand.
pub fn random() -> io::Result<u64> {
    let mut bytes = [0u8; 8];
    rustix::rand::getrandom(&mut bytes, rustix::rand::GetRandomFlags::empty())?;
    Ok(u64::from_le_bytes(bytes))
}

/// What of a file's metadata a new file could not take.
#[derive(Debug)]
pub enum Kept {
    /// Owner or group: `chown` needs privileges the runner lacks.
    Owner(io::Error),
    /// An extended attribute (an ACL is one: `system.posix_acl_access`).
    Attribute(String, io::Error),
}

/// Gives `to` (a new file, not yet written) the owner, group, mode and extended attributes
/// of `from` (the file it replaces). Owner and group first, since `chown` clears the
/// setuid and setgid bits; then the mode; then the attributes, whose ACL also sets the
/// group bits of the mode as `from` has them.
pub fn copy_metadata(from: &File, from_status: &Status, to: &File) -> Result<(), Kept> {
    let created = status(to).map_err(Kept::Owner)?;
    if (created.owner, created.group) != (from_status.owner, from_status.group) {
        let owner = rustix::fs::Uid::from_raw(from_status.owner);
        let group = rustix::fs::Gid::from_raw(from_status.group);
        rustix::fs::fchown(to, Some(owner), Some(group)).map_err(|error| Kept::Owner(error.into()))?;
    }
    rustix::fs::fchmod(to, Mode::from_raw_mode(from_status.mode))
        .map_err(|error| Kept::Attribute("mode".to_owned(), error.into()))?;
    for name in attribute_names(from).map_err(|error| Kept::Attribute("(list)".to_owned(), error))? {
        let shown = String::from_utf8_lossy(&name).into_owned();
        let value = attribute(from, &name).map_err(|error| Kept::Attribute(shown.clone(), error))?;
        // A label the new file got by itself (SELinux) is fine as it is.
        if attribute(to, &name).ok().as_ref() == Some(&value) {
            continue;
        }
        rustix::fs::fsetxattr(to, name.as_slice(), &value, rustix::fs::XattrFlags::empty())
            .map_err(|error| Kept::Attribute(shown, error.into()))?;
    }
    Ok(())
}

fn attribute_names(file: &File) -> io::Result<Vec<Vec<u8>>> {
    let size = match rustix::fs::flistxattr_query(file) {
        Ok(size) => size,
        Err(Errno::NOTSUP | Errno::NOSYS) => return Ok(Vec::new()),
        Err(error) => return Err(error.into()),
    };
    let mut list = vec![0u8; size];
    let length = rustix::fs::flistxattr(file, &mut list[..])?;
    list.truncate(length);
    Ok(list.split(|&byte| byte == 0).filter(|name| !name.is_empty()).map(<[u8]>::to_vec).collect())
}

fn attribute(file: &File, name: &[u8]) -> io::Result<Vec<u8>> {
    let size = rustix::fs::fgetxattr_query(file, name)?;
    let mut value = vec![0u8; size];
    let length = rustix::fs::fgetxattr(file, name, &mut value[..])?;
    value.truncate(length);
    Ok(value)
}

/// A read lease on `file` (Linux's `F_SETLEASE`), or a renewal of the one it holds: while it
/// is held, another process's `open` for writing or truncation of the file breaks it, and
/// waits (up to `/proc/sys/fs/lease-break-time`, 45 s) until asenet closes the file.
#[cfg(target_os = "linux")]
pub fn lease(file: &File) -> super::Lease {
    // A lease's holder is told of a break by a signal, SIGIO unless said otherwise, and SIGIO
    // ends a process that does not handle it. SIGURG is ignored unless handled, and asenet
    // handles none: it asks for the lease's state instead ([`lease_holds`]).
    if lease_call(file, LeaseCall::SetSignal).is_err() {
        return super::Lease::Unavailable;
    }
    match lease_call(file, LeaseCall::Take) {
        Ok(_) => super::Lease::Held,
        Err(error) if error.raw_os_error() == Some(Errno::AGAIN.raw_os_error()) => super::Lease::Busy,
        // Not the file's owner (without CAP_LEASE), a file system without leases (NFS, FUSE),
        // or leases turned off (`/proc/sys/fs/leases-enable`).
        Err(_) => super::Lease::Unavailable,
    }
}

/// Whether the lease on `file` still holds: not broken since it was taken (a break shows as
/// `F_UNLCK`), and renewed now, which the kernel refuses while any process has the file open
/// for writing.
#[cfg(target_os = "linux")]
pub fn lease_holds(file: &File) -> bool {
    matches!(lease_call(file, LeaseCall::State), Ok(libc::F_RDLCK)) && lease(file) == super::Lease::Held
}

/// No leases but Linux's: the fix goes on without (docs/fixes.md says what that leaves).
#[cfg(not(target_os = "linux"))]
pub fn lease(_file: &File) -> super::Lease {
    super::Lease::Unavailable
}

#[cfg(not(target_os = "linux"))]
pub fn lease_holds(_file: &File) -> bool {
    false
}

#[cfg(target_os = "linux")]
#[derive(Clone, Copy)]
enum LeaseCall {
    /// `F_SETSIG`: the signal a break sends.
    SetSignal,
    /// `F_SETLEASE` with `F_RDLCK`.
    Take,
    /// `F_GETLEASE`.
    State,
}

/// `F_SETSIG` of `<asm-generic/fcntl.h>`, 10 on every architecture Linux runs on; libc names
/// it for a few targets only.
#[cfg(target_os = "linux")]
const F_SETSIG: libc::c_int = 10;

/// The three `fcntl` commands of a lease, which rustix has no wrapper for.
#[cfg(target_os = "linux")]
#[expect(
    unsafe_code,
    reason = "rustix wraps neither F_SETLEASE, F_GETLEASE nor F_SETSIG; each takes an int and no pointer"
)]
fn lease_call(file: &File, call: LeaseCall) -> io::Result<libc::c_int> {
    use std::os::fd::AsRawFd;
    let (command, argument) = match call {
        LeaseCall::SetSignal => (F_SETSIG, libc::SIGURG),
        LeaseCall::Take => (libc::F_SETLEASE, libc::F_RDLCK),
        LeaseCall::State => (libc::F_GETLEASE, 0),
    };
    // SAFETY: the descriptor stays open for the call (`file` is borrowed), and these commands
    // read an `int` argument and write no memory of the process.
    let result = unsafe { libc::fcntl(file.as_raw_fd(), command, argument) };
    if result == -1 { Err(io::Error::last_os_error()) } else { Ok(result) }
}

/// Whether an error is `ELOOP`: a link where `O_NOFOLLOW` allowed none.
pub fn is_link_error(error: &io::Error) -> bool {
    error.raw_os_error() == Some(Errno::LOOP.raw_os_error())
        || error.get_ref().is_some_and(|inner| inner.is::<super::LinkRefused>())
}

/// Dies of SIGKILL, as a killed build does: no destructor, no cleanup (the tests' fault
/// injection).
#[cfg(feature = "testing")]
pub fn kill_self() -> ! {
    let _ = rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::KILL);
    std::process::abort()
}
