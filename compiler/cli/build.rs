//! `asenet build FILE --out DIR [--check]`: the one place artifacts meet the filesystem.
//!
//! DIR is replaced atomically: the new tree is written beside it (`.DIR.asenet-new-PID`),
//! with every file of DIR that the previous build did not write (its `manifest.json` lists
//! what it wrote) copied in, then swapped for DIR in one `renameat2(RENAME_EXCHANGE)` on
//! Linux (two renames elsewhere). Files the previous build wrote and this one does not are
//! thereby gone; nothing outside DIR and its staging sibling is touched. A build killed
//! before the swap leaves DIR as it was and its staging directory behind, which the next
//! build into DIR removes once that process is gone; killed after it, DIR is complete.
//!
//! Every artifact path is checked again here ([`path_problem`]), whatever the core says,
//! and no artifact is written through a symbolic link: a foreign link where an artifact or
//! its directory goes is replaced like any foreign file there.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{CANNOT_RUN, FAILURE, read_input, report_human};
use crate::emit::{OutputFile, Previous, manifest, path_problem};

pub fn run(file: &Path, out: &Path, check: bool, stdin_filename: &str) -> ExitCode {
    match try_run(file, out, check, stdin_filename) {
        Ok(code) => code,
        Err(message) => {
            say!("error: {message}");
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
            say!("{}: nothing written", out.display());
            return Ok(ExitCode::from(FAILURE));
        }
    };
    report_human(&name, source, &built.diagnostics);
    for file in &built.files {
        if let Some(problem) = path_problem(&file.path) {
            return Err(format!(
                "internal error: artifact path `{}` {problem}; nothing written",
                file.path.escape_debug()
            ));
        }
    }
    if check {
        let differences = dir.differences(&built.files, &previous);
        for difference in &differences {
            say!("{difference}");
        }
        if !differences.is_empty() {
            say!(
                "{}: {} file(s) differ from the build; run `asenet build` and commit",
                out.display(),
                differences.len()
            );
            return Ok(ExitCode::from(FAILURE));
        }
        say!("{}: up to date ({} files)", out.display(), built.files.len());
        return Ok(ExitCode::SUCCESS);
    }
    dir.replace(&built.files, &previous)
        .map_err(|error| format!("cannot write `{}`: {}; it is as it was", out.display(), super::describe(&error)))?;
    say!("{}: wrote {} files", out.display(), built.files.len());
    Ok(ExitCode::SUCCESS)
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
                let path = std::fs::canonicalize(out)
                    .map_err(|error| format!("cannot use `{shown}`: {}", super::describe(&error)))?;
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
            Err(error) => Err(format!("cannot use `{shown}`: {}", super::describe(&error))),
        }
    }

    /// What the last build wrote here, from its `manifest.json`.
    fn previous(&self) -> Result<Previous, String> {
        let path = self.path.join(manifest::PATH);
        match read_regular_file(&path, MANIFEST_MAX).map(|bytes| String::from_utf8_lossy(&bytes).into_owned()) {
            Ok(text) => Previous::parse(&text).map_err(|error| {
                format!("`{}` is not a manifest asenet can read ({error}); remove it to build afresh", path.display())
            }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Previous::default()),
            Err(error) => Err(format!("cannot read `{}`: {}", path.display(), super::describe(&error))),
        }
    }

    /// Each file that a build would change, one line each.
    fn differences(&self, files: &[OutputFile], previous: &Previous) -> Vec<String> {
        let mut found = Vec::new();
        for file in files {
            let path = self.path.join(&file.path);
            // Never more than the artifact's length and a byte: a device or a huge foreign
            // file there differs all the same.
            match read_regular_file(&path, file.contents.len() as u64 + 1) {
                Ok(bytes) if bytes == file.contents.as_bytes() => {}
                Ok(_) => found.push(format!("{}: differs", path.display())),
                Err(_) => found.push(format!("{}: missing", path.display())),
            }
        }
        let produced: BTreeSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
        for stale in previous.files.iter().filter(|path| !produced.contains(path.as_str())) {
            let path = self.path.join(stale);
            if path_problem(stale).is_none() && path.symlink_metadata().is_ok() {
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
        remove_abandoned_staging(&parent, &name);
        let staging = parent.join(staging_name(&name, "new", std::process::id()));
        if staging.symlink_metadata().is_ok() {
            std::fs::remove_dir_all(&staging)?;
        }
        std::fs::create_dir(&staging)?;
        let result = self.fill(&staging, files, previous).and_then(|()| {
            fault::at(Fault::BeforeSwap)?;
            self.swap(&staging, &parent, &name)
        });
        if result.is_ok() {
            fault::at(Fault::AfterSwap)?;
        }
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
        for (written, file) in files.iter().enumerate() {
            fault::at(Fault::AfterFiles(written))?;
            let path = staging.join(&file.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            // `create_new`: never through a link or into a file that is there already.
            let mut out = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
            std::io::Write::write_all(&mut out, file.contents.as_bytes())?;
        }
        fault::at(Fault::AfterFiles(files.len()))
    }

    /// Puts `staging` in the directory's place; the old tree ends up at `staging`.
    fn swap(&self, staging: &Path, parent: &Path, name: &str) -> io::Result<()> {
        if !self.exists {
            return std::fs::rename(staging, &self.path);
        }
        if exchange(staging, &self.path)? {
            return Ok(());
        }
        // No atomic exchange here: two renames, with a moment in which DIR is absent.
        let old = parent.join(staging_name(name, "old", std::process::id()));
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
        // Where an artifact or a directory of artifacts goes, anything but a directory is
        // replaced: a link there must not lead the artifacts out of DIR.
        let prefix = format!("{key}/");
        if !kind.is_dir() && (owned.contains(&key) || owned.iter().any(|path| path.starts_with(&prefix))) {
            continue;
        }
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
        } else if kind.is_file() {
            std::fs::copy(from.join(&relative), &target)?;
        } else {
            // Copying a FIFO would wait for a writer forever; a device would copy its data.
            return Err(io::Error::other(format!(
                "`{}` is not a file, directory or symbolic link, so a build cannot keep it: move it out",
                from.join(&relative).display()
            )));
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

/// A manifest lists a few dozen files: far less than this.
const MANIFEST_MAX: u64 = 16 << 20;

/// Up to `limit` bytes of the regular file at `path` (through links). Anything else, a FIFO
/// that would block the read forever or a device, is an error.
fn read_regular_file(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    // Opening a FIFO for reading blocks until a writer comes: look before opening.
    if !std::fs::metadata(path)?.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `.DIR.asenet-new-PID`: where a build stages DIR's new tree (`old`: where the old one
/// waits, on systems without an atomic exchange).
fn staging_name(dir_name: &str, role: &str, pid: u32) -> String {
    format!(".{dir_name}.asenet-{role}-{pid}")
}

/// Removes the staging directories that builds into DIR left behind when they were killed:
/// those whose process is gone. Where that cannot be known they stay; they are harmless.
fn remove_abandoned_staging(parent: &Path, dir_name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        let pid = ["new", "old"].iter().find_map(|role| {
            let prefix = format!(".{dir_name}.asenet-{role}-");
            file_name.strip_prefix(&prefix).and_then(|pid| pid.parse::<u32>().ok())
        });
        if let Some(pid) = pid
            && pid != std::process::id()
            && process_is_gone(pid)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(target_os = "linux")]
fn process_is_gone(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_is_gone(_: u32) -> bool {
    false
}

use fault::Fault;

/// Fault injection for the tests of an interrupted build, and nothing else: the environment
/// variable `ASENET_TEST_FAULT` stops the write path at one point as `kill -9` (`kill-…`:
/// the process dies there, no destructor runs) or a full disk (`fail-…`: an error) would:
/// `kill-after-files:N` / `fail-after-files:N` once N artifacts are in the staging
/// directory, `kill-before-swap`, `kill-after-swap`.
mod fault {
    use std::io;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Fault {
        AfterFiles(usize),
        BeforeSwap,
        AfterSwap,
    }

    pub fn at(point: Fault) -> io::Result<()> {
        let Some(setting) = std::env::var_os("ASENET_TEST_FAULT") else { return Ok(()) };
        let setting = setting.to_string_lossy();
        let (action, place) = setting.split_once('-').unwrap_or(("", ""));
        let chosen = match place.split_once(':') {
            Some(("after-files", count)) => count.parse().ok().map(Fault::AfterFiles),
            _ if place == "before-swap" => Some(Fault::BeforeSwap),
            _ if place == "after-swap" => Some(Fault::AfterSwap),
            _ => None,
        };
        if chosen != Some(point) {
            return Ok(());
        }
        match action {
            "kill" => kill_self(),
            "fail" => Err(io::Error::other(format!("ASENET_TEST_FAULT={setting}"))),
            _ => Ok(()),
        }
    }

    /// Dies of SIGKILL, as a killed build does (and without a core dump).
    #[cfg(target_os = "linux")]
    fn kill_self() -> ! {
        // SAFETY: sends a signal to this process; no memory is involved.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
        std::process::abort()
    }

    #[cfg(not(target_os = "linux"))]
    fn kill_self() -> ! {
        std::process::abort()
    }
}
