//! `asenet build FILE --out DIR [--check [--diff]] [--no-wait]`: the one place artifacts meet
//! the filesystem. docs/build.md states the promises for users; this is how they hold.
//!
//! - **One build at a time per DIR.** The build takes an exclusive `flock` on DIR itself (the
//!   directory's own file descriptor: no lock file exists, so none can be left over) before
//!   it reads the previous manifest, and keeps it until the new tree is in place; `--check`
//!   takes a shared one. Every later step works relative to that descriptor (`openat`), so a
//!   DIR renamed or replaced meanwhile is never written by path.
//! - **Per-file atomic replace, manifest last.** Each changed artifact is written into a
//!   staging directory inside DIR (`.asenet-build-<random>`, created exclusively), synced,
//!   and renamed over its place. The old `manifest.json` is removed before the first rename
//!   and the new one renamed in last: a `manifest.json` in DIR always describes a complete
//!   tree. Files the previous build listed and this one does not produce are removed after.
//! - **A journal makes a killed build's debris provably ours.** Before anything in DIR
//!   changes, the staging directory gets a `journal`: every path this build may place or
//!   remove. A build that holds the lock and finds a staging directory knows its owner no
//!   longer holds it (every build removes its staging before it lets go), so it adds the
//!   journal's paths to what asenet owns and removes the directory.
//! - **Files asenet never wrote are never touched**: nothing is copied or moved; an artifact
//!   path held by a file no manifest or journal lists is refused unless its bytes are already
//!   the artifact's.
//! - **No links, no mounts.** Every path below DIR is walked one component at a time with
//!   `O_NOFOLLOW`, comparing each directory's mount id (`statx`) with DIR's: a symbolic link
//!   or a mount point where an artifact or its directory goes stops the build before DIR
//!   changes (exit 2).

use std::collections::BTreeSet;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use rustix::fs::{AtFlags, FileType, FlockOperation, Mode, OFlags, Statx, StatxAttributes, StatxFlags};

use super::{CANNOT_RUN, FAILURE, read_input, report_human};
use crate::emit::{OutputFile, Previous, manifest, path_problem};

/// What `asenet build` was asked to do besides writing.
pub struct Options {
    /// Write nothing; report what differs.
    pub check: bool,
    /// With `check`: a unified diff of each differing file on stdout.
    pub diff: bool,
    /// Exit 2 at once when another build holds DIR, instead of waiting.
    pub no_wait: bool,
}

pub fn run(file: &Path, out: &Path, options: &Options, stdin_filename: &str) -> ExitCode {
    match try_run(file, out, options, stdin_filename) {
        Ok(code) => code,
        Err(message) => {
            say!("error: {message}");
            ExitCode::from(CANNOT_RUN)
        }
    }
}

/// The prefix of a build's staging directory inside DIR; reserved for asenet.
const STAGING_PREFIX: &str = ".asenet-build-";
/// The list of paths a build may place or remove, inside its staging directory.
const JOURNAL: &str = "journal";
/// Where a build moves DIR's old manifest, inside its staging directory, while it places.
const PREVIOUS_MANIFEST: &str = "previous-manifest.json";
/// A manifest lists a few dozen files: far less than this.
const MANIFEST_MAX: u64 = 16 << 20;
/// The most of an old file `--diff` reads.
const DIFF_MAX: u64 = 16 << 20;

fn try_run(file: &Path, out: &Path, options: &Options, stdin_filename: &str) -> Result<ExitCode, String> {
    let (name, bytes) = read_input(file, stdin_filename)?;
    let Ok(source) = std::str::from_utf8(&bytes) else {
        let checked = crate::check_bytes(&bytes);
        report_human(&name, &String::from_utf8_lossy(&bytes), &checked.diagnostics);
        return Ok(ExitCode::from(FAILURE));
    };
    refuse_unsafe_out(out, (file.as_os_str() != "-").then_some(file))?;

    if options.check {
        let dir = Directory::open(out)?;
        if let Some(dir) = &dir {
            dir.lock(FlockOperation::LockShared, options.no_wait)?;
        }
        let previous = match &dir {
            Some(dir) => dir.previous()?,
            None => Previous::default(),
        };
        let Some(built) = compile(&name, source, &previous, out) else { return Ok(ExitCode::from(FAILURE)) };
        report_human(&name, source, &built.diagnostics);
        check_artifacts(&built.files)?;
        return Ok(check(dir.as_ref(), out, &built.files, &previous, options.diff));
    }

    // A first build checks the input before it creates DIR: a config with errors creates
    // nothing.
    let mut first = None;
    let (dir, created) = match Directory::open(out)? {
        Some(dir) => (dir, None),
        None => {
            let Some(built) = compile(&name, source, &Previous::default(), out) else {
                return Ok(ExitCode::from(FAILURE));
            };
            first = Some(built);
            Directory::create(out)?
        }
    };
    dir.lock(FlockOperation::LockExclusive, options.no_wait)?;
    let dir = dir.still_at(out)?;
    let previous = dir.previous()?;
    let built = match first {
        Some(built) if previous.files.is_empty() => built,
        _ => match compile(&name, source, &previous, out) {
            Some(built) => built,
            None => return Ok(ExitCode::from(FAILURE)),
        },
    };
    report_human(&name, source, &built.diagnostics);
    check_artifacts(&built.files)?;
    match write(&dir, &built.files, &previous) {
        Ok(summary) => {
            say!("{}: {summary}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            if let (Some(created), false) = (&created, failure.placing) {
                drop(dir);
                created.remove();
            }
            let state = if failure.placing {
                "it is incomplete (no manifest.json) until a build into it succeeds"
            } else {
                "it is as it was"
            };
            Err(format!("{}; `{}`: {state}", failure.message, out.display()))
        }
    }
}

/// Checks and builds; on errors reports them and says nothing was written.
fn compile(name: &str, source: &str, previous: &Previous, out: &Path) -> Option<crate::Built> {
    match crate::build(source, previous) {
        Ok(built) => Some(built),
        Err(diagnostics) => {
            report_human(name, source, &diagnostics);
            say!("{}: nothing written", out.display());
            None
        }
    }
}

/// Every artifact path is checked again here, whatever the core says.
fn check_artifacts(files: &[OutputFile]) -> Result<(), String> {
    for file in files {
        if let Some(problem) = path_problem(&file.path) {
            return Err(format!(
                "internal error: artifact path `{}` {problem}; nothing written",
                file.path.escape_debug()
            ));
        }
    }
    Ok(())
}

/// `--out` may not name a directory that holds the working directory, the input or a
/// repository: artifacts would be mixed into them.
fn refuse_unsafe_out(out: &Path, input: Option<&Path>) -> Result<(), String> {
    let shown = out.display();
    // A DIR that does not exist yet holds nothing.
    let Ok(dir) = std::fs::canonicalize(out) else { return Ok(()) };
    if dir.parent().is_none() {
        return Err(format!("cannot use `{shown}` as the output directory: it is the root directory"));
    }
    if let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize)
        && cwd.starts_with(&dir)
    {
        return Err(format!(
            "cannot use `{shown}` as the output directory: it contains the working directory; \
             give a directory of its own, e.g. `--out artifacts`"
        ));
    }
    if let Some(input) = input
        && let Ok(input_path) = std::fs::canonicalize(input)
        && input_path.starts_with(&dir)
    {
        return Err(format!(
            "cannot use `{shown}` as the output directory: it contains the input file `{}`",
            input.display()
        ));
    }
    if dir.join(".git").symlink_metadata().is_ok() {
        return Err(format!(
            "cannot use `{shown}` as the output directory: it holds a `.git` directory (a repository, \
             not a folder of artifacts)"
        ));
    }
    Ok(())
}

/// The ancestors of DIR that a first build created, to remove again if it fails.
struct Created {
    /// Deepest first: DIR, then its parents up to the first that existed.
    dirs: Vec<PathBuf>,
}

impl Created {
    fn remove(&self) {
        for dir in &self.dirs {
            if std::fs::remove_dir(dir).is_err() {
                return;
            }
        }
    }
}

/// DIR, opened: every path below it is reached from this descriptor.
struct Directory {
    fd: OwnedFd,
    /// DIR as the user gave it, for messages.
    shown: PathBuf,
    /// DIR's mount: a directory below it on another mount is a mount point.
    mount: Mount,
}

/// Which mount a file is on: the mount id where the kernel says it (Linux 5.8+), else the
/// device number.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mount {
    Id(u64),
    Device(u32, u32),
}

impl Mount {
    fn of(stat: &Statx) -> Mount {
        if StatxFlags::from_bits_retain(stat.stx_mask).contains(StatxFlags::MNT_ID) {
            Mount::Id(stat.stx_mnt_id)
        } else {
            Mount::Device(stat.stx_dev_major, stat.stx_dev_minor)
        }
    }
}

const STATX_WANTED: StatxFlags = StatxFlags::TYPE.union(StatxFlags::SIZE).union(StatxFlags::MNT_ID);

fn statx_fd(fd: BorrowedFd<'_>) -> io::Result<Statx> {
    Ok(rustix::fs::statx(fd, "", AtFlags::EMPTY_PATH, STATX_WANTED)?)
}

/// `name` in the directory `fd`, without following a link; `None` when absent.
fn statx_at(fd: BorrowedFd<'_>, name: &str) -> io::Result<Option<Statx>> {
    match rustix::fs::statx(fd, name, AtFlags::SYMLINK_NOFOLLOW, STATX_WANTED) {
        Ok(stat) => Ok(Some(stat)),
        Err(rustix::io::Errno::NOENT) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

fn file_type(stat: &Statx) -> FileType {
    FileType::from_raw_mode(u32::from(stat.stx_mode))
}

fn open_directory(fd: BorrowedFd<'_>, name: &str) -> io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    Ok(rustix::fs::openat(fd, name, flags, Mode::empty())?)
}

/// What an artifact path holds now.
enum Target {
    Absent,
    /// A regular file with the artifact's bytes.
    Same,
    /// A regular file with other bytes (at most the limit asked for).
    Differs(Vec<u8>),
}

impl Directory {
    /// DIR when it exists; an error when it is something else or cannot be opened.
    fn open(out: &Path) -> Result<Option<Directory>, String> {
        let shown = out.display();
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fd = match rustix::fs::open(out, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(rustix::io::Errno::NOENT) => return Ok(None),
            Err(rustix::io::Errno::NOTDIR) if out.exists() => {
                return Err(format!("cannot write into `{shown}`: it is not a directory"));
            }
            Err(error) => return Err(format!("cannot use `{shown}`: {}", describe_at(&error.into(), "read", out))),
        };
        let stat =
            statx_fd(fd.as_fd()).map_err(|error| format!("cannot use `{shown}`: {}", super::describe(&error)))?;
        Ok(Some(Directory { fd, shown: out.to_path_buf(), mount: Mount::of(&stat) }))
    }

    /// Creates DIR (and its missing parents) for a first build.
    fn create(out: &Path) -> Result<(Directory, Option<Created>), String> {
        let mut dirs = Vec::new();
        let mut missing = Some(out);
        while let Some(path) = missing.filter(|path| !path.as_os_str().is_empty() && path.symlink_metadata().is_err()) {
            dirs.push(path.to_path_buf());
            missing = path.parent();
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
                        out.display(),
                        describe_at(&error, "write", parent)
                    ));
                }
            }
        }
        match Directory::open(out)? {
            Some(dir) => Ok((dir, Some(Created { dirs }))),
            None => Err(format!("cannot write `{}`: it went away while the build created it", out.display())),
        }
    }

    /// Takes the lock on DIR: waits for another build (saying so after a second), or with
    /// `no_wait` gives up at once.
    fn lock(&self, operation: FlockOperation, no_wait: bool) -> Result<(), String> {
        let shown = self.shown.display().to_string();
        let at_once = match operation {
            FlockOperation::LockShared => FlockOperation::NonBlockingLockShared,
            _ => FlockOperation::NonBlockingLockExclusive,
        };
        let cannot = |error: rustix::io::Errno| {
            format!("cannot lock `{shown}`: {error} (asenet build needs a file system with `flock`)")
        };
        match rustix::fs::flock(&self.fd, at_once) {
            Ok(()) => return Ok(()),
            Err(rustix::io::Errno::WOULDBLOCK) => {}
            Err(error) => return Err(cannot(error)),
        }
        if no_wait {
            return Err(format!("`{shown}` is locked by another build, and --no-wait does not wait"));
        }
        let (done, waiting) = std::sync::mpsc::channel::<()>();
        let message = format!("waiting for another asenet build to release `{shown}`");
        let notice = std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = waiting.recv_timeout(Duration::from_secs(1)) {
                say!("{message}");
            }
        });
        let result = loop {
            match rustix::fs::flock(&self.fd, operation) {
                Err(rustix::io::Errno::INTR) => continue,
                result => break result,
            }
        };
        drop(done);
        let _ = notice.join();
        result.map_err(cannot)
    }

    /// DIR as locked, if it is still the directory at `out`; else `out` opened and locked
    /// anew (a first build that failed may have removed the directory this one waited on).
    fn still_at(self, out: &Path) -> Result<Directory, String> {
        let mut dir = self;
        for _ in 0..16 {
            let locked = statx_fd(dir.fd.as_fd()).ok().map(|stat| (stat.stx_ino, Mount::of(&stat)));
            let now = rustix::fs::statx(rustix::fs::CWD, out, AtFlags::empty(), STATX_WANTED)
                .ok()
                .map(|stat| (stat.stx_ino, Mount::of(&stat)));
            if locked.is_some() && locked == now {
                return Ok(dir);
            }
            dir = match Directory::open(out)? {
                Some(dir) => dir,
                None => Directory::create(out)?.0,
            };
            dir.lock(FlockOperation::LockExclusive, false)?;
        }
        Err(format!("cannot use `{}`: it keeps being replaced", out.display()))
    }

    fn show(&self, relative: &str) -> String {
        self.shown.join(relative).display().to_string()
    }

    fn is_foreign_mount(&self, stat: &Statx) -> bool {
        let root = StatxAttributes::MOUNT_ROOT;
        (stat.stx_attributes_mask.contains(root) && stat.stx_attributes.contains(root)) || Mount::of(stat) != self.mount
    }

    /// The directory holding `relative` and its last component, reached without following a
    /// link or leaving DIR's mount. `None` when a directory on the way is absent (and
    /// `create` is false).
    fn parent_of<'a>(&self, relative: &'a str, create: bool) -> Result<Option<(OwnedFd, &'a str)>, String> {
        let (directories, name) = match relative.rsplit_once('/') {
            Some((directories, name)) => (Some(directories), name),
            None => (None, relative),
        };
        let mut current = self.fd.try_clone().map_err(|error| self.io_error("open", "", &error))?;
        let mut walked = String::new();
        for part in directories.into_iter().flat_map(|directories| directories.split('/')) {
            if !walked.is_empty() {
                walked.push('/');
            }
            walked.push_str(part);
            match statx_at(current.as_fd(), part).map_err(|error| self.io_error("read", &walked, &error))? {
                None if create => match rustix::fs::mkdirat(&current, part, Mode::from_raw_mode(0o777)) {
                    Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                    Err(error) => return Err(self.io_error("write", parent_path(&walked), &error.into())),
                },
                None => return Ok(None),
                Some(stat) => self.refuse_unless_directory(&stat, &walked)?,
            }
            let next = open_directory(current.as_fd(), part).map_err(|error| self.io_error("open", &walked, &error))?;
            let stat = statx_fd(next.as_fd()).map_err(|error| self.io_error("read", &walked, &error))?;
            self.refuse_unless_directory(&stat, &walked)?;
            current = next;
        }
        Ok(Some((current, name)))
    }

    /// Write and search permission on `relative` (a directory), or on the deepest of its
    /// ancestors that exists when it does not yet.
    fn require_write(&self, relative: &str) -> Result<(), String> {
        let mut current = relative;
        loop {
            let probe = if current.is_empty() { "x".to_owned() } else { format!("{current}/x") };
            if let Some((fd, _)) = self.parent_of(&probe, false)? {
                let wanted = rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK;
                return rustix::fs::accessat(&fd, ".", wanted, AtFlags::EACCESS)
                    .map_err(|error| self.io_error("write", current, &error.into()));
            }
            current = parent_path(current);
        }
    }

    fn refuse_unless_directory(&self, stat: &Statx, relative: &str) -> Result<(), String> {
        let kind = file_type(stat);
        if kind == FileType::Symlink {
            return Err(self.refusal(relative, "is a symbolic link; asenet does not write through links"));
        }
        if self.is_foreign_mount(stat) {
            return Err(self.refusal(relative, "is a mount point; asenet does not write across mounts"));
        }
        if kind != FileType::Directory {
            return Err(self.refusal(relative, "is not a directory, and artifacts go below it"));
        }
        Ok(())
    }

    fn refusal(&self, relative: &str, why: &str) -> String {
        format!("`{}` {why}: move it away", self.show(relative))
    }

    /// An IO error on `relative` as one line that names the path and the permission missing.
    fn io_error(&self, action: &str, relative: &str, error: &io::Error) -> String {
        let path = self.shown.join(relative);
        format!("cannot {action} `{}`: {}", path.display(), describe_at(error, action, &path))
    }

    /// What `relative` holds now, reading at most `limit` bytes of a file there.
    fn target(&self, relative: &str, artifact: &[u8], limit: u64) -> Result<Target, String> {
        let Some((parent, name)) = self.parent_of(relative, false)? else { return Ok(Target::Absent) };
        let Some(stat) = statx_at(parent.as_fd(), name).map_err(|error| self.io_error("read", relative, &error))?
        else {
            return Ok(Target::Absent);
        };
        match file_type(&stat) {
            FileType::Symlink => {
                return Err(
                    self.refusal(relative, "is a symbolic link where an artifact goes; asenet does not replace links")
                );
            }
            _ if self.is_foreign_mount(&stat) => return Err(self.refusal(relative, "is a mount point")),
            FileType::RegularFile => {}
            FileType::Directory => return Err(self.refusal(relative, "is a directory where an artifact goes")),
            _ => return Err(self.refusal(relative, "is not a regular file where an artifact goes")),
        }
        if stat.stx_size != artifact.len() as u64 && limit <= artifact.len() as u64 + 1 {
            return Ok(Target::Differs(Vec::new()));
        }
        let bytes = read_at(parent.as_fd(), name, limit).map_err(|error| self.io_error("read", relative, &error))?;
        Ok(if bytes == artifact { Target::Same } else { Target::Differs(bytes) })
    }

    /// What the last build wrote here, from its `manifest.json`.
    fn previous(&self) -> Result<Previous, String> {
        let shown = self.show(manifest::PATH);
        match read_at(self.fd.as_fd(), manifest::PATH, MANIFEST_MAX) {
            Ok(bytes) => Previous::parse(&String::from_utf8_lossy(&bytes)).map_err(|error| {
                format!("`{shown}` is not a manifest asenet can read ({error}); move it away to build afresh")
            }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(self.previous_of_dead_build()),
            Err(error) if error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
                Err(self.refusal(manifest::PATH, "is a symbolic link, not a manifest asenet wrote"))
            }
            Err(error) => Err(format!("cannot read `{shown}`: {}", describe_at(&error, "read", Path::new(&shown)))),
        }
    }

    /// Without a manifest in DIR, the one a build killed while placing moved aside: its
    /// zone serials and files still describe what is here.
    fn previous_of_dead_build(&self) -> Previous {
        let Ok(abandoned) = self.abandoned_staging() else { return Previous::default() };
        for staging in abandoned {
            if let Ok(fd) = open_directory(self.fd.as_fd(), &staging)
                && let Ok(bytes) = read_at(fd.as_fd(), PREVIOUS_MANIFEST, MANIFEST_MAX)
                && let Ok(previous) = Previous::parse(&String::from_utf8_lossy(&bytes))
            {
                return previous;
            }
        }
        Previous::default()
    }

    /// The staging directories of builds that died: this build holds the lock, and every
    /// build removes its staging directory before it lets the lock go.
    fn abandoned_staging(&self) -> Result<Vec<String>, String> {
        let entries = rustix::fs::Dir::read_from(&self.fd).map_err(|error| self.io_error("read", "", &error.into()))?;
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|error| self.io_error("read", "", &error.into()))?;
            let name = entry.file_name().to_string_lossy();
            if name.starts_with(STAGING_PREFIX) && entry.file_type() == FileType::Directory {
                found.push(name.into_owned());
            }
        }
        found.sort();
        Ok(found)
    }
}

/// The directory part of a relative path (`""` for DIR).
fn parent_path(relative: &str) -> &str {
    relative.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// An IO error, and for a missing permission which one on which directory.
fn describe_at(error: &io::Error, action: &str, path: &Path) -> String {
    let described = super::describe(error);
    if error.kind() != io::ErrorKind::PermissionDenied {
        return described;
    }
    let needs = match action {
        "write" => "write and search (x) permission on the directory",
        "read" => "read permission on it and search (x) permission on its directories",
        _ => "search (x) and read permission on the directory",
    };
    format!("{described} (asenet needs {needs} `{}`)", path.display())
}

/// Up to `limit` bytes of the regular file `name` in `fd`, never through a link; a FIFO or
/// device there is an error, not a read that blocks.
fn read_at(fd: BorrowedFd<'_>, name: &str, limit: u64) -> io::Result<Vec<u8>> {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let file = std::fs::File::from(rustix::fs::openat(fd, name, flags, Mode::empty())?);
    if !file.metadata()?.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `--check`: each file a build would change, paths as the user gave DIR; exit 1 if any.
fn check(dir: Option<&Directory>, out: &Path, files: &[OutputFile], previous: &Previous, diff: bool) -> ExitCode {
    let shown = |relative: &str| out.join(relative).display().to_string();
    let mut differences = 0;
    let mut diffs = String::new();
    for file in files {
        let limit = if diff { DIFF_MAX } else { file.contents.len() as u64 + 1 };
        let target = match dir {
            Some(dir) => dir.target(&file.path, file.contents.as_bytes(), limit),
            None => Ok(Target::Absent),
        };
        match target {
            Ok(Target::Same) => continue,
            Ok(Target::Absent) => {
                say!("{}: missing", shown(&file.path));
                if diff {
                    diffs.push_str(&unified_diff(&shown(&file.path), b"", &file.contents, true));
                }
            }
            Ok(Target::Differs(old)) => {
                say!("{}: differs", shown(&file.path));
                if diff {
                    diffs.push_str(&unified_diff(&shown(&file.path), &old, &file.contents, false));
                }
            }
            Err(problem) => say!("{}: differs ({problem})", shown(&file.path)),
        }
        differences += 1;
    }
    let produced: BTreeSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    if let Some(dir) = dir {
        for stale in previous.files.iter().filter(|path| !produced.contains(path.as_str())) {
            if path_problem(stale).is_some() {
                continue;
            }
            if let Ok(Some((parent, name))) = dir.parent_of(stale, false)
                && let Ok(Some(_)) = statx_at(parent.as_fd(), name)
            {
                say!("{}: stale, a build removes it", shown(stale));
                differences += 1;
            }
        }
    }
    if !diffs.is_empty() {
        let mut stdout = io::stdout().lock();
        let _ = stdout.write_all(diffs.as_bytes()).and_then(|()| stdout.flush());
    }
    if differences > 0 {
        say!("{}: {differences} file(s) differ from the build; run `asenet build` and commit", out.display());
        return ExitCode::from(FAILURE);
    }
    say!("{}: up to date ({} files)", out.display(), files.len());
    ExitCode::SUCCESS
}

/// `--- a/PATH` / `+++ b/PATH` and the hunks that turn `old` into `new`.
fn unified_diff(path: &str, old: &[u8], new: &str, missing: bool) -> String {
    let Ok(old) = std::str::from_utf8(old) else {
        return format!("Binary file {path} differs\n");
    };
    let from = if missing { "/dev/null".to_owned() } else { format!("a/{path}") };
    let text = similar::TextDiff::from_lines(old, new);
    let mut rendered = text.unified_diff();
    let mut out = rendered.context_radius(3).header(&from, &format!("b/{path}")).to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Why a write stopped, and whether DIR had begun to change.
struct Failure {
    message: String,
    /// The old manifest is gone and some artifacts may be in place: the staging directory
    /// (with its journal) stays for the next build to finish.
    placing: bool,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure { message, placing: false }
    }
}

/// Puts `files` in DIR (locked): only what changed, the manifest last, stale files after.
fn write(dir: &Directory, files: &[OutputFile], previous: &Previous) -> Result<String, Failure> {
    // What asenet owns here: what the last manifest lists and whatever a dead build's
    // journal says it may have placed.
    let abandoned = dir.abandoned_staging()?;
    let mut owned: BTreeSet<String> = previous.files.clone();
    for staging in &abandoned {
        owned.extend(journal_of(dir, staging));
    }
    owned.retain(|path| path_problem(path).is_none());
    owned.insert(manifest::PATH.to_owned());

    // Everything is looked at before anything changes: a refusal leaves DIR as it was.
    let mut changed: Vec<&OutputFile> = Vec::new();
    for file in files {
        let limit = file.contents.len() as u64 + 1;
        match dir.target(&file.path, file.contents.as_bytes(), limit)? {
            Target::Same => {}
            Target::Absent => changed.push(file),
            Target::Differs(_) if owned.contains(&file.path) => changed.push(file),
            Target::Differs(_) => {
                return Err(dir
                    .refusal(&file.path, "is not asenet's (no manifest lists it) and an artifact goes there")
                    .into());
            }
        }
    }
    let produced: BTreeSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    let mut stale = Vec::new();
    for path in owned.iter().filter(|path| !produced.contains(path.as_str())) {
        // A stale path that is now a link, a directory or a mount, or below one, is not
        // asenet's file any more: it stays.
        if let Ok(Some((parent, name))) = dir.parent_of(path, false)
            && let Ok(Some(stat)) = statx_at(parent.as_fd(), name)
            && file_type(&stat) == FileType::RegularFile
            && !dir.is_foreign_mount(&stat)
        {
            stale.push(path.as_str());
        }
    }
    if changed.is_empty() && stale.is_empty() {
        // A dead build's staging directory changed nothing here yet: it just goes.
        for staging in &abandoned {
            remove_staging(dir, staging);
        }
        return Ok(format!("up to date ({} files)", files.len()));
    }
    // A directory the build would write into but may not stops it here, before DIR changes,
    // not halfway through the renames.
    let mut directories: BTreeSet<&str> = BTreeSet::from([""]);
    directories.extend(changed.iter().map(|file| parent_path(&file.path)));
    directories.extend(stale.iter().map(|path| parent_path(path)));
    for directory in directories {
        dir.require_write(directory)?;
    }
    // Whenever anything changes the manifest is rewritten, and is the last file placed.
    changed.retain(|file| file.path != manifest::PATH);
    if let Some(manifest) = files.iter().find(|file| file.path == manifest::PATH) {
        changed.push(manifest);
    }

    let staging = Staging::create(dir)?;
    let result = staging.fill_and_place(dir, &changed, &stale, &owned, &abandoned);
    if !matches!(&result, Err(failure) if failure.placing) {
        staging.remove(dir);
    }
    result?;
    let unchanged = files.len() - changed.len();
    let mut summary = format!("wrote {} files", changed.len());
    if unchanged > 0 {
        summary.push_str(&format!(", {unchanged} unchanged"));
    }
    if !stale.is_empty() {
        summary.push_str(&format!(", removed {} stale", stale.len()));
    }
    Ok(summary)
}

/// The paths a dead build's journal names; none when it died before the journal was whole
/// (and so before it changed anything in DIR).
fn journal_of(dir: &Directory, staging: &str) -> Vec<String> {
    let Ok(fd) = open_directory(dir.fd.as_fd(), staging) else { return Vec::new() };
    let Ok(bytes) = read_at(fd.as_fd(), JOURNAL, MANIFEST_MAX) else { return Vec::new() };
    serde_json::from_slice::<Vec<String>>(&bytes).unwrap_or_default()
}

/// This build's staging directory inside DIR.
struct Staging {
    name: String,
    fd: OwnedFd,
}

impl Staging {
    /// `.asenet-build-<64 random bits>`, created exclusively: unique across processes, PID
    /// namespaces and hosts.
    fn create(dir: &Directory) -> Result<Staging, String> {
        for _ in 0..16 {
            let mut random = [0u8; 8];
            rustix::rand::getrandom(&mut random, rustix::rand::GetRandomFlags::empty())
                .map_err(|error| format!("cannot get random bytes: {error}"))?;
            let name = format!("{STAGING_PREFIX}{:016x}", u64::from_le_bytes(random));
            match rustix::fs::mkdirat(&dir.fd, name.as_str(), Mode::from_raw_mode(0o700)) {
                Ok(()) => {}
                Err(rustix::io::Errno::EXIST) => continue,
                Err(error) => return Err(dir.io_error("write", "", &error.into())),
            }
            let fd = open_directory(dir.fd.as_fd(), &name).map_err(|error| dir.io_error("open", &name, &error))?;
            return Ok(Staging { name, fd });
        }
        Err(dir.io_error("write", "", &io::Error::other("no unused staging name")))
    }

    /// Creates `name` in the staging directory with `bytes`, synced to the disk.
    fn put(&self, dir: &Directory, name: &str, bytes: &[u8]) -> Result<(), String> {
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let relative = format!("{}/{name}", self.name);
        let fd = rustix::fs::openat(&self.fd, name, flags, Mode::from_raw_mode(0o666))
            .map_err(|error| dir.io_error("write", &self.name, &error.into()))?;
        let mut file = std::fs::File::from(fd);
        file.write_all(bytes)
            .and_then(|()| if fault::syncs() { file.sync_data() } else { Ok(()) })
            .map_err(|error| dir.io_error("write", &relative, &error))
    }

    fn fill_and_place(
        &self,
        dir: &Directory,
        changed: &[&OutputFile],
        stale: &[&str],
        owned: &BTreeSet<String>,
        abandoned: &[String],
    ) -> Result<(), Failure> {
        // The journal first: once anything in DIR changes, the next build knows it all.
        let mut journal: BTreeSet<&str> = owned.iter().map(String::as_str).collect();
        journal.extend(changed.iter().map(|file| file.path.as_str()));
        let journal = serde_json::to_vec(&journal).expect("a list of strings serializes");
        self.put(dir, JOURNAL, &journal)?;
        for staging in abandoned {
            remove_staging(dir, staging);
        }
        for (index, file) in changed.iter().enumerate() {
            fault::at(fault::Point::Staged(index)).map_err(|error| dir.io_error("write", &self.name, &error))?;
            self.put(dir, &index.to_string(), file.contents.as_bytes())?;
        }
        fault::at(fault::Point::Staged(changed.len())).map_err(|error| dir.io_error("write", &self.name, &error))?;

        // From here DIR changes: first its manifest goes, so that no manifest describes the
        // tree while it is partly old and partly new.
        let placing = |message: String| Failure { message, placing: true };
        // It is moved into the staging directory, not deleted: should this build die, the next
        // one reads its zone serials there.
        match rustix::fs::renameat(&dir.fd, manifest::PATH, &self.fd, PREVIOUS_MANIFEST) {
            Ok(()) | Err(rustix::io::Errno::NOENT) => {}
            Err(error) => return Err(dir.io_error("write", "", &error.into()).into()),
        }
        let mut touched: Vec<OwnedFd> = Vec::new();
        for (index, file) in changed.iter().enumerate() {
            fault::at(fault::Point::Placed(index)).map_err(|error| placing(dir.io_error("write", "", &error)))?;
            let Some((parent, name)) = dir.parent_of(&file.path, true).map_err(placing)? else {
                unreachable!("parent_of creates the directories")
            };
            if file.path == manifest::PATH {
                for fd in touched.iter().filter(|_| fault::syncs()) {
                    rustix::fs::fsync(fd).map_err(|error| placing(dir.io_error("write", "", &error.into())))?;
                }
            }
            rustix::fs::renameat(&self.fd, index.to_string().as_str(), &parent, name)
                .map_err(|error| placing(dir.io_error("write", parent_path(&file.path), &error.into())))?;
            touched.push(parent);
        }
        if fault::syncs() {
            rustix::fs::fsync(&dir.fd).map_err(|error| placing(dir.io_error("write", "", &error.into())))?;
        }
        fault::at(fault::Point::Committed).map_err(|error| placing(dir.io_error("write", "", &error)))?;

        for path in stale {
            if let Ok(Some((parent, name))) = dir.parent_of(path, false) {
                match rustix::fs::unlinkat(&parent, name, AtFlags::empty()) {
                    Ok(()) | Err(rustix::io::Errno::NOENT) => {}
                    Err(error) => return Err(placing(dir.io_error("write", parent_path(path), &error.into()))),
                }
            }
            remove_empty_parents(dir, path);
        }
        Ok(())
    }

    fn remove(self, dir: &Directory) {
        let Staging { name, fd } = self;
        drop(fd);
        remove_staging(dir, &name);
    }
}

/// Removes the directories a stale file leaves empty, up to (not including) DIR.
fn remove_empty_parents(dir: &Directory, path: &str) {
    let mut current = parent_path(path);
    while !current.is_empty() {
        let Ok(Some((parent, name))) = dir.parent_of(current, false) else { return };
        if rustix::fs::unlinkat(&parent, name, AtFlags::REMOVEDIR).is_err() {
            return;
        }
        current = parent_path(current);
    }
}

/// Removes a staging directory: the flat files asenet put there, then the directory. Nothing
/// else is in one; whatever is stays, with the directory.
fn remove_staging(dir: &Directory, name: &str) {
    let Ok(fd) = open_directory(dir.fd.as_fd(), name) else { return };
    if let Ok(entries) = rustix::fs::Dir::read_from(&fd) {
        let names: Vec<String> = entries
            .flatten()
            .filter(|entry| entry.file_type() != FileType::Directory)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        for entry in names {
            let _ = rustix::fs::unlinkat(&fd, entry.as_str(), AtFlags::empty());
        }
    }
    let _ = rustix::fs::unlinkat(&dir.fd, name, AtFlags::REMOVEDIR);
}

/// Fault injection for the tests of an interrupted build, compiled only with the
/// `testing` feature (which only the tests turn on): the environment variable
/// `ASENET_TEST_FAULT` stops the write path at one point as `kill -9` (`kill-…`) or a full
/// disk (`fail-…`) would: `staged:N` once N artifacts are staged, `placed:N` once N are in
/// DIR (the old manifest gone), `committed` once the new manifest is in place. And
/// `ASENET_TEST_NO_SYNC` skips `fsync`, for the tests that run a hundred builds to test the
/// lock (each `fsync` costs milliseconds; the order of the steps is the same).
mod fault {
    use std::io;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Point {
        Staged(usize),
        Placed(usize),
        Committed,
    }

    #[cfg(not(feature = "testing"))]
    #[inline(always)]
    pub fn at(_: Point) -> io::Result<()> {
        Ok(())
    }

    #[cfg(not(feature = "testing"))]
    #[inline(always)]
    pub fn syncs() -> bool {
        true
    }

    #[cfg(feature = "testing")]
    pub fn syncs() -> bool {
        std::env::var_os("ASENET_TEST_NO_SYNC").is_none()
    }

    #[cfg(feature = "testing")]
    pub fn at(point: Point) -> io::Result<()> {
        let Some(setting) = std::env::var_os("ASENET_TEST_FAULT") else { return Ok(()) };
        let setting = setting.to_string_lossy();
        let (action, place) = setting.split_once('-').unwrap_or(("", ""));
        let chosen = match place.split_once(':') {
            Some(("staged", count)) => count.parse().ok().map(Point::Staged),
            Some(("placed", count)) => count.parse().ok().map(Point::Placed),
            _ if place == "committed" => Some(Point::Committed),
            _ => None,
        };
        if chosen != Some(point) {
            return Ok(());
        }
        match action {
            "kill" => {
                // Dies of SIGKILL, as a killed build does: no destructor, no cleanup.
                let _ = rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::KILL);
                std::process::abort()
            }
            "fail" => Err(io::Error::new(io::ErrorKind::StorageFull, format!("ASENET_TEST_FAULT={setting}"))),
            _ => Ok(()),
        }
    }
}
