//! The one place asenet runs `git`, for `asenet diff` (docs/diff.md). A repository is
//! untrusted input: in CI it is a pull request's checkout, and a repository handed over as
//! a directory brings its own `.git/config`. So:
//!
//! - **No argument can be an option.** A revision starting with `-` is refused before git
//!   runs, and every revision or path git is given follows `--end-of-options` or `--`
//!   (`--literal-pathspecs`: a path is a path, never pathspec magic).
//! - **The repository's configuration runs nothing.** Every call has `--no-pager`,
//!   `--no-optional-locks`, and `-c` settings that turn off what a config could make git
//!   run on a read: `core.fsmonitor`, hooks, pagers, credential helpers, the lazy fetch of
//!   a partial clone and every transport. asenet never asks git to diff, to filter or to
//!   convert text, so `diff.external`, textconv and `filter.*` drivers are never reached.
//! - **The working tree is read by asenet, not by git, as git would store it**: a regular
//!   file's bytes (bounded, never blocking), a symbolic link's target text (never
//!   followed); a FIFO, socket or device is an error, never a read that hangs.
//! - **Names are bytes** (`-z`), never lossily converted: a name that is not UTF-8, or has
//!   a control character, is shown escaped (`store\xff.toml`) and still compared.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use super::{INPUT_MAX, describe, write};

/// The settings every git call runs with: nothing the repository's configuration names is
/// run, nothing is fetched, nothing is shown through a pager.
const HARDENING: &[&str] = &[
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.untrackedCache=false",
    "credential.helper=",
    "protocol.allow=never",
    "core.sshCommand=false",
    "core.gitProxy=",
    "uploadpack.packObjectsHook=",
];

/// `git` with the hardening, reading nothing from standard input.
fn command(args: &[&[u8]]) -> Command {
    let mut command = Command::new("git");
    command.arg("--no-pager").arg("--no-optional-locks").arg("--literal-pathspecs");
    for setting in HARDENING {
        command.arg("-c").arg(setting);
    }
    for arg in args {
        command.arg(os(arg));
    }
    command
        .env("GIT_PAGER", "cat")
        .env("PAGER", "cat")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_ASKPASS", "")
        .env("SSH_ASKPASS", "")
        .env_remove("GIT_EXTERNAL_DIFF")
        .env_remove("GIT_DIFF_OPTS")
        .env_remove("GIT_SSH")
        .env_remove("GIT_SSH_COMMAND")
        .stdin(Stdio::null());
    command
}

fn run(args: &[&[u8]]) -> Result<std::process::Output, String> {
    command(args).output().map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => "cannot run git: it is not installed (apt-get install git)".to_owned(),
        _ => format!("cannot run git: {}", describe(&error)),
    })
}

fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.lines().find(|line| !line.trim().is_empty()).unwrap_or("failed").trim().to_owned()
}

/// A revision as the user gave it, refused if git could read it as an option.
fn revision(rev: &str) -> Result<&str, String> {
    if rev.starts_with('-') {
        return Err(format!("`{rev}` is not a revision: a revision cannot start with `-`"));
    }
    if rev.is_empty() {
        return Err("name a revision (`main`, `HEAD~1`, a commit)".to_owned());
    }
    Ok(rev)
}

/// The tree of `rev`, as an object id; an error naming the revision when git does not
/// know it.
fn tree_of(rev: &str) -> Result<String, String> {
    let spec = format!("{}^{{tree}}", revision(rev)?);
    let output = run(&[b"rev-parse", b"--verify", b"--quiet", b"--end-of-options", spec.as_bytes()])?;
    if !output.status.success() {
        let why = if output.stderr.is_empty() { "no such revision".to_owned() } else { first_line(&output.stderr) };
        return Err(format!("cannot compare with `{rev}`: {why}"));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// An object of a tree: its mode (`100644`, `120000` for a link, ...) and id.
struct Entry {
    mode: String,
    id: String,
}

/// The files of `tree` below the current directory (and the `paths`), by their name
/// relative to it, as bytes.
fn files_of(tree: &str, paths: &[&[u8]]) -> Result<BTreeMap<Vec<u8>, Entry>, String> {
    // After `--end-of-options` every argument is the tree or a path (a `--` would be a path).
    let mut args: Vec<&[u8]> = vec![b"ls-tree", b"-r", b"-z", b"--end-of-options", tree.as_bytes()];
    args.extend(paths);
    let output = run(&args)?;
    if !output.status.success() {
        return Err(format!("cannot list the files of the revision: {}", first_line(&output.stderr)));
    }
    let mut files = BTreeMap::new();
    for record in output.stdout.split(|&byte| byte == 0).filter(|record| !record.is_empty()) {
        // `<mode> SP <type> SP <object> TAB <name>`
        let Some(tab) = record.iter().position(|&byte| byte == b'\t') else { continue };
        let (meta, name) = (String::from_utf8_lossy(&record[..tab]), &record[tab + 1..]);
        let mut fields = meta.split(' ');
        let (Some(mode), Some(kind), Some(id)) = (fields.next(), fields.next(), fields.next()) else { continue };
        if kind == "blob" {
            files.insert(name.to_vec(), Entry { mode: mode.to_owned(), id: id.to_owned() });
        }
    }
    Ok(files)
}

/// The names of the working tree's files below the current directory (and the `paths`)
/// that git tracks or would add: tracked ones and untracked ones not ignored.
fn working_tree_names(paths: &[&[u8]]) -> Result<Vec<Vec<u8>>, String> {
    let mut args: Vec<&[u8]> = vec![b"ls-files", b"-z", b"--cached", b"--others", b"--exclude-standard", b"--"];
    args.extend(paths);
    let output = run(&args)?;
    if !output.status.success() {
        return Err(format!("cannot list the working tree: {}", first_line(&output.stderr)));
    }
    Ok(output.stdout.split(|&byte| byte == 0).filter(|name| !name.is_empty()).map(<[u8]>::to_vec).collect())
}

/// Reads blobs by object id from one `git cat-file --batch`, one at a time (request,
/// then answer: no pipe can fill while the other side waits).
struct Blobs {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Blobs {
    fn start() -> Result<Blobs, String> {
        let mut child = command(&[b"cat-file", b"--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("cannot run git: {}", describe(&error)))?;
        let input = child.stdin.take().expect("piped");
        let output = BufReader::new(child.stdout.take().expect("piped"));
        Ok(Blobs { child, input, output })
    }

    /// The bytes of the blob `id`, at most [`INPUT_MAX`].
    fn read(&mut self, id: &str, shown: &str) -> Result<Vec<u8>, String> {
        let broken = |why: String| format!("cannot read `{shown}` with git: {why}");
        writeln!(self.input, "{id}").and_then(|()| self.input.flush()).map_err(|error| broken(describe(&error)))?;
        let mut header = String::new();
        self.output.read_line(&mut header).map_err(|error| broken(describe(&error)))?;
        // `<id> <type> <size>`, or `<id> missing`.
        let mut fields = header.split_whitespace();
        let (Some(_), Some("blob"), Some(size)) = (fields.next(), fields.next(), fields.next()) else {
            return Err(broken(format!("git answered `{}`", header.trim())));
        };
        let size: u64 = size.parse().map_err(|_| broken(format!("git answered `{}`", header.trim())))?;
        if size > INPUT_MAX {
            return Err(broken("larger than 128 MiB".to_owned()));
        }
        let mut bytes = vec![0; size as usize + 1];
        self.output.read_exact(&mut bytes).map_err(|error| broken(describe(&error)))?;
        bytes.pop();
        Ok(bytes)
    }
}

impl Drop for Blobs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One version of a compared file: what `asenet diff` reads for each side.
pub struct Version {
    /// The name to show: a label the user can paste back into `asenet diff`.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What `--git REV [PATH...]` found for one `.toml` name below the current directory.
pub enum Found {
    /// In the revision and the working tree, with other bytes.
    Changed {
        old: Version,
        new: Version,
    },
    Added(Version),
    /// In the revision only: its bytes there, under the working tree's name.
    Removed(Version),
}

/// Every `.toml` file below the current directory (and the `paths`) whose bytes differ
/// between `rev` and the working tree, the working tree read as git would store it.
pub fn changed_files(rev: &str, paths: &[String]) -> Result<Vec<Found>, String> {
    let tree = tree_of(rev)?;
    let paths: Vec<&[u8]> = paths.iter().map(|path| path.as_bytes()).collect();
    let old_files = files_of(&tree, &paths)?;
    let mut names: Vec<Vec<u8>> = old_files.keys().cloned().collect();
    names.extend(working_tree_names(&paths)?);
    names.sort();
    names.dedup();
    let in_subdirectory = in_subdirectory()?;
    let mut blobs = None;
    let mut found = Vec::new();
    for name in names.iter().filter(|name| name.ends_with(b".toml")) {
        let shown = label(name);
        let old = match old_files.get(name) {
            // A submodule or anything but a file or link has no text to compare.
            Some(entry) if entry.mode.starts_with("100") || entry.mode == "120000" => {
                let blobs = match &mut blobs {
                    Some(blobs) => blobs,
                    None => blobs.insert(Blobs::start()?),
                };
                Some(blobs.read(&entry.id, &format!("{rev}:{shown}"))?)
            }
            _ => None,
        };
        let new = read_as_git_would(name, &shown)?;
        let old_side = |bytes| Version { name: old_label(rev, &shown, in_subdirectory), bytes };
        let new_side = |bytes| Version { name: shown.clone(), bytes };
        match (old, new) {
            (Some(old), Some(new)) if old != new => {
                found.push(Found::Changed { old: old_side(old), new: new_side(new) })
            }
            (None, Some(new)) => found.push(Found::Added(new_side(new))),
            (Some(old), None) => found.push(Found::Removed(new_side(old))),
            _ => {}
        }
    }
    Ok(found)
}

/// The working tree's side of `name`: its bytes as git would store them, `None` when
/// nothing is there that git would store (absent, or a directory).
fn read_as_git_would(name: &[u8], shown: &str) -> Result<Option<Vec<u8>>, String> {
    let Some(path) = path_of(name) else {
        return Err(format!("cannot read `{shown}`: its name is not valid on this system"));
    };
    match write::read_as_git_would(&path, INPUT_MAX) {
        Ok(entry) => Ok(entry),
        Err(error) => Err(format!("cannot read `{shown}`: {}", describe(&error))),
    }
}

/// Whether git's working directory is below the top of the working tree.
fn in_subdirectory() -> Result<bool, String> {
    let output = run(&[b"rev-parse", b"--show-prefix"])?;
    if !output.status.success() {
        return Err(format!("not in a git repository: {}", first_line(&output.stderr)));
    }
    Ok(!output.stdout.trim_ascii().is_empty())
}

/// A name as the user can type it back: as it is when it is plain text; escaped
/// (`\n`, `\xff`) when it has a control character or is not UTF-8; `./` before one
/// starting with `-`, which would read as an option.
pub fn label(name: &[u8]) -> String {
    let text = match std::str::from_utf8(name) {
        Ok(text) if !text.chars().any(char::is_control) => text.to_owned(),
        Ok(text) => text.escape_debug().to_string(),
        Err(_) => name.escape_ascii().to_string(),
    };
    if text.starts_with('-') { format!("./{text}") } else { text }
}

/// The revision's side as `REV:PATH`, which git reads relative to the top of the working
/// tree unless PATH starts with `./` or `../`: from a subdirectory, `REV:./name`.
fn old_label(rev: &str, shown: &str, in_subdirectory: bool) -> String {
    if in_subdirectory && !shown.starts_with("./") && !shown.starts_with("../") {
        format!("{rev}:./{shown}")
    } else {
        format!("{rev}:{shown}")
    }
}

/// `REV:PATH` given as a side: the file's bytes, `None` when the revision has no such
/// file, an error when git does not know the revision.
pub fn show(spec: &str) -> Result<Option<Vec<u8>>, String> {
    let (rev, path) = spec.split_once(':').unwrap_or((spec, ""));
    // On one visible line, as every name asenet prints.
    let shown = crate::escape::terminal::line(spec);
    revision(rev).map_err(|why| format!("cannot read `{shown}` with git: {why}"))?;
    tree_of(rev)
        .map_err(|_| format!("cannot read `{shown}` with git: no revision `{}`", crate::escape::terminal::line(rev)))?;
    if path.is_empty() {
        return Err(format!("cannot read `{shown}` with git: name a file after the `:`"));
    }
    let output = run(&[b"rev-parse", b"--verify", b"--quiet", b"--end-of-options", spec.as_bytes()])?;
    if !output.status.success() {
        return Ok(None);
    }
    let id = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let kind = run(&[b"cat-file", b"-t", b"--end-of-options", id.as_bytes()])?;
    if kind.stdout.trim_ascii() != b"blob" {
        return Err(format!("cannot read `{shown}` with git: it is not a file"));
    }
    Blobs::start()?.read(&id, spec).map(Some)
}

/// A name from git (bytes) as a path of this system.
#[cfg(unix)]
fn path_of(name: &[u8]) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    Some(std::path::Path::new(std::ffi::OsStr::from_bytes(name)).to_path_buf())
}

/// A name from git (bytes) as a path of this system: git stores UTF-8 names on Windows.
#[cfg(not(unix))]
fn path_of(name: &[u8]) -> Option<PathBuf> {
    std::str::from_utf8(name).ok().map(PathBuf::from)
}

fn os(arg: &[u8]) -> std::ffi::OsString {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::ffi::OsStr::from_bytes(arg).to_owned()
    }
    #[cfg(not(unix))]
    {
        String::from_utf8_lossy(arg).into_owned().into()
    }
}
