//! `asenet build`'s transaction: a tree of artifacts placed in a locked directory, file by
//! file, the manifest last (docs/build.md says why not a tree swap).
//!
//! - **Per-file atomic replace, manifest last.** Each changed artifact is written into a
//!   staging directory inside DIR (`.asenet-build-<random>`, created exclusively, mode 0700),
//!   synced, and renamed over its place. The old `manifest.json` is moved into the staging
//!   directory before the first rename and the new one renamed in last: a `manifest.json`
//!   in DIR always describes a complete tree.
//! - **A journal makes a killed build's debris provably ours.** Before anything in DIR
//!   changes, the staging directory gets a `journal`: every path this build may place or
//!   remove, each with the sha256 of every text asenet wrote or may write there. A build
//!   that holds the lock and finds a staging directory *of its own user* knows its owner no
//!   longer holds it (every build removes its staging before it lets go), so it adds the
//!   journal's paths and hashes to what asenet owns and removes the directory. A staging
//!   directory of another user is not trusted: it is named and left alone.
//! - **Removal only of what a hash proves is ours.** A file the previous manifest lists
//!   that this build does not produce is removed only while its bytes hash to what the
//!   manifest recorded; edited since, it is kept and named. A path a dead build's journal
//!   names is replaced or removed only while its bytes hash to what that journal recorded.
//! - **Files asenet never wrote are never touched**: an artifact path held by a file no
//!   manifest or journal proves asenet's is refused unless its bytes are already the
//!   artifact's.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::{Directory, Target, parent_path, sys};
use crate::emit::{OutputFile, PreviousManifest, manifest, path_problem};

/// The prefix of a build's staging directory inside DIR; reserved for asenet.
pub const STAGING_PREFIX: &str = ".asenet-build-";
/// The paths a build may place or remove, with their hashes, inside its staging directory.
const JOURNAL: &str = "journal";
/// Where a build moves DIR's old manifest, inside its staging directory, while it places.
const PREVIOUS_MANIFEST: &str = "previous-manifest.json";
/// A manifest or journal lists a few dozen files: far less than this.
const MANIFEST_MAX: u64 = 16 << 20;
/// The largest file whose hash asenet computes to prove it wrote it; a larger one is not
/// asenet's (the largest artifact of 100,000 routes is 40 MB).
const HASHED_MAX: u64 = 1 << 30;

/// What asenet may replace or remove in DIR: each path with the sha256 of every text it
/// wrote (or may have written) there.
#[derive(Debug, Default)]
struct Owned {
    files: BTreeMap<String, BTreeSet<String>>,
}

impl Owned {
    fn add(&mut self, path: &str, hash: &str) {
        self.files.entry(path.to_owned()).or_default().insert(hash.to_owned());
    }

    /// Whether the file at `path` is, byte for byte, one asenet wrote there.
    fn proves(&self, dir: &Directory, path: &str) -> bool {
        let Some(hashes) = self.files.get(path) else { return false };
        dir.is_plain_file(path) && sha256_at(dir, path).is_ok_and(|hash| hashes.contains(&hash))
    }
}

/// The journal's text: format 2 carries hashes; an older journal (a bare list of paths)
/// proves nothing.
#[derive(serde::Serialize, serde::Deserialize)]
struct Journal {
    format: u32,
    files: BTreeMap<String, BTreeSet<String>>,
}

const JOURNAL_FORMAT: u32 = 2;

/// The sha256 of the regular file at `relative`, read in pieces (at most [`HASHED_MAX`]).
fn sha256_at(dir: &Directory, relative: &str) -> io::Result<String> {
    let Some((parent, name)) = dir.parent_of(relative, false).map_err(io::Error::other)? else {
        return Err(io::ErrorKind::NotFound.into());
    };
    let (file, status) = sys::open_file_at(&parent, Path::new(name))?;
    if status.size > HASHED_MAX {
        return Err(io::Error::other("too large to be asenet's"));
    }
    let mut hasher = Sha256::new();
    let mut reader = file.take(HASHED_MAX);
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = reader.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect())
}

/// What the last build wrote in DIR, from its `manifest.json`; without one, from the old
/// manifest a build killed while placing moved into its staging directory.
pub fn previous(dir: &Directory) -> Result<PreviousManifest, String> {
    let shown = dir.show(manifest::PATH);
    match dir.read(manifest::PATH, MANIFEST_MAX) {
        Ok(bytes) => PreviousManifest::parse(&String::from_utf8_lossy(&bytes)).map_err(|error| {
            format!("`{shown}` is not a manifest asenet can read ({error}); move it away to build afresh")
        }),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(previous_of_dead_build(dir)),
        Err(error) if sys::is_link_error(&error) => {
            Err(dir.refusal(manifest::PATH, "is a symbolic link, not a manifest asenet wrote"))
        }
        Err(error) => Err(format!("cannot read `{shown}`: {}", super::describe_at(&error, "read", Path::new(&shown)))),
    }
}

fn previous_of_dead_build(dir: &Directory) -> PreviousManifest {
    let Ok(staging) = abandoned_staging(dir) else { return PreviousManifest::default() };
    for name in staging.ours {
        if let Ok(bytes) = dir.read(&format!("{name}/{PREVIOUS_MANIFEST}"), MANIFEST_MAX)
            && let Ok(previous) = PreviousManifest::parse(&String::from_utf8_lossy(&bytes))
        {
            return previous;
        }
    }
    PreviousManifest::default()
}

/// The staging directories found in DIR: those of this user's builds that died (this build
/// holds the lock, and every build removes its staging directory before it lets go), and
/// those of other users, which are never trusted.
struct Abandoned {
    ours: Vec<String>,
    /// Name and owner.
    foreign: Vec<(String, u32)>,
}

fn abandoned_staging(dir: &Directory) -> Result<Abandoned, String> {
    let entries = sys::entries(&dir.handle).map_err(|error| dir.io_error("read", "", &error))?;
    let mut found = Abandoned { ours: Vec::new(), foreign: Vec::new() };
    let runner = sys::runner();
    for (name, _) in entries {
        let Some(name) = name.to_str().filter(|name| name.starts_with(STAGING_PREFIX)) else { continue };
        // Only a directory this user created private (mode 0700 or less) is a staging
        // directory of this user's: one planted by someone else proves nothing.
        match dir.status(name) {
            Ok(Some(status)) if status.kind == sys::Kind::Directory => {
                if status.owner == runner && status.mode & 0o077 == 0 && !dir.is_foreign_mount(&status) {
                    found.ours.push(name.to_owned());
                } else {
                    found.foreign.push((name.to_owned(), status.owner));
                }
            }
            _ => {}
        }
    }
    found.ours.sort();
    found.foreign.sort();
    Ok(found)
}

#[cfg(unix)]
fn foreign_staging_note(shown: &str, owner: u32) -> String {
    format!(
        "`{shown}` is a staging directory of another user (uid {owner}), or not private: asenet trusts only its own \
         user's, and leaves it alone; that user's next build removes it"
    )
}

/// Windows does not tell std who made a directory: no staging directory found is trusted.
#[cfg(windows)]
fn foreign_staging_note(shown: &str, _owner: u32) -> String {
    format!(
        "`{shown}` is the staging directory of a build that stopped; on Windows asenet cannot prove it made it, so it \
         leaves it alone: remove it when no build runs (docs/build.md, On Windows)"
    )
}

/// The paths and hashes a dead build's journal names; none when it died before the journal
/// was whole (and so before it changed anything in DIR), or when it is of an older format.
fn journal_of(dir: &Directory, staging: &str) -> BTreeMap<String, BTreeSet<String>> {
    let Ok(bytes) = dir.read(&format!("{staging}/{JOURNAL}"), MANIFEST_MAX) else { return BTreeMap::new() };
    match serde_json::from_slice::<Journal>(&bytes) {
        Ok(journal) if journal.format == JOURNAL_FORMAT => journal.files,
        _ => BTreeMap::new(),
    }
}

/// What a build did, for its summary line, and what it left that the user should know of.
pub struct Written {
    pub summary: String,
    /// One line each: stale files kept because they changed, staging directories of other
    /// users left alone.
    pub notes: Vec<String>,
}

/// Why a write stopped, and whether DIR had begun to change.
pub struct Failure {
    pub message: String,
    /// The old manifest is gone and some artifacts may be in place: the staging directory
    /// (with its journal) stays for the next build to finish.
    pub placing: bool,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure { message, placing: false }
    }
}

/// A path a build would remove: the previous build wrote it and this one does not.
pub struct Stale {
    pub path: String,
    /// Its bytes are still what asenet recorded: a build removes it. Else it was edited,
    /// and a build keeps it.
    pub removable: bool,
}

/// The stale paths of DIR that are still regular files there, for `build --check`.
pub fn stale(dir: &Directory, files: &[OutputFile], previous: &PreviousManifest) -> Vec<Stale> {
    let mut owned = Owned::default();
    for (path, hash) in &previous.files {
        owned.add(path, hash);
    }
    let produced: BTreeSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    owned
        .files
        .keys()
        .filter(|path| !produced.contains(path.as_str()) && path_problem(path).is_none() && dir.is_plain_file(path))
        .map(|path| Stale { path: path.clone(), removable: owned.proves(dir, path) })
        .collect()
}

/// Puts `files` in DIR (locked): only what changed, the manifest last, stale files after.
pub fn replace(dir: &Directory, files: &[OutputFile], previous: &PreviousManifest) -> Result<Written, Failure> {
    // What asenet owns here: what the last manifest lists, with its hashes, and whatever a
    // dead build's journal says it may have placed.
    let abandoned = abandoned_staging(dir)?;
    let mut notes: Vec<String> =
        abandoned.foreign.iter().map(|(name, owner)| foreign_staging_note(&dir.show(name), *owner)).collect();
    let mut owned = Owned::default();
    for (path, hash) in &previous.files {
        owned.add(path, hash);
    }
    for staging in &abandoned.ours {
        for (path, hashes) in journal_of(dir, staging) {
            for hash in hashes {
                owned.add(&path, &hash);
            }
        }
    }
    owned.files.retain(|path, _| path_problem(path).is_none() && path != manifest::PATH);

    // Everything is looked at before anything changes: a refusal leaves DIR as it was.
    let mut changed: Vec<&OutputFile> = Vec::new();
    for file in files {
        let limit = file.contents.len() as u64 + 1;
        match dir.target(&file.path, file.contents.as_bytes(), limit)? {
            Target::Same => {}
            Target::Absent => changed.push(file),
            // The manifest is asenet's by its content (it parsed as one), and a file the
            // last manifest lists at an artifact's own path is that artifact, edited or not.
            Target::Differs(_)
                if file.path == manifest::PATH
                    || previous.files.contains_key(&file.path)
                    || owned.proves(dir, &file.path) =>
            {
                changed.push(file);
            }
            Target::Differs(_) => {
                return Err(dir
                    .refusal(&file.path, "is not asenet's (no manifest lists it) and an artifact goes there")
                    .into());
            }
        }
    }
    let produced: BTreeSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    let mut stale = Vec::new();
    for path in owned.files.keys().filter(|path| !produced.contains(path.as_str())) {
        // A stale path that is now a link, a directory or a mount, or below one, is not
        // asenet's file any more: it stays. One edited since asenet wrote it stays too.
        if !dir.is_plain_file(path) {
            continue;
        }
        if owned.proves(dir, path) {
            stale.push(path.as_str());
        } else {
            notes.push(format!(
                "`{}` is no longer built, but it changed since asenet wrote it: kept (remove it yourself if it is \
                 not needed)",
                dir.show(path)
            ));
        }
    }
    if changed.is_empty() && stale.is_empty() {
        // A dead build's staging directory changed nothing here yet: it just goes.
        for staging in &abandoned.ours {
            remove_staging(dir, staging);
        }
        return Ok(Written { summary: format!("up to date ({} files)", files.len()), notes });
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

    // The journal: every path asenet owns or places, with every hash that proves it.
    let mut journal = Journal { format: JOURNAL_FORMAT, files: owned.files.clone() };
    for file in &changed {
        journal.files.entry(file.path.clone()).or_default().insert(manifest::sha256_hex(file.contents.as_bytes()));
    }
    let staging = Staging::create(dir)?;
    let result = staging.fill_and_place(dir, &changed, &stale, &journal, &abandoned.ours);
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
    Ok(Written { summary, notes })
}

/// This build's staging directory inside DIR.
struct Staging {
    name: String,
    handle: sys::DirHandle,
}

impl Staging {
    /// `.asenet-build-<64 random bits>`, created exclusively and private: unique across
    /// processes, PID namespaces and hosts, and this user's alone.
    fn create(dir: &Directory) -> Result<Staging, String> {
        for _ in 0..16 {
            let name =
                super::random_name(STAGING_PREFIX).map_err(|error| format!("cannot get random bytes: {error}"))?;
            match sys::make_dir_at(&dir.handle, Path::new(&name), true) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(error) => return Err(dir.io_error("write", "", &error)),
            }
            let handle =
                sys::open_dir_at(&dir.handle, Path::new(&name)).map_err(|error| dir.io_error("open", &name, &error))?;
            return Ok(Staging { name, handle });
        }
        Err(dir.io_error("write", "", &io::Error::other("no unused staging name")))
    }

    /// Creates `name` in the staging directory with `bytes`, synced to the disk.
    fn put(&self, dir: &Directory, name: &str, bytes: &[u8]) -> Result<(), String> {
        let relative = format!("{}/{name}", self.name);
        let mut file = sys::create_default(&self.handle, Path::new(name))
            .map_err(|error| dir.io_error("write", &self.name, &error))?;
        file.write_all(bytes)
            .and_then(|()| if fault::syncs() { file.sync_data() } else { Ok(()) })
            .map_err(|error| dir.io_error("write", &relative, &error))
    }

    fn fill_and_place(
        &self,
        dir: &Directory,
        changed: &[&OutputFile],
        stale: &[&str],
        journal: &Journal,
        abandoned: &[String],
    ) -> Result<(), Failure> {
        // The journal first: once anything in DIR changes, the next build knows it all.
        let journal = serde_json::to_vec(journal).expect("a journal serializes");
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
        match sys::rename_at(
            &dir.handle,
            Path::new(manifest::PATH),
            &self.handle,
            Path::new(PREVIOUS_MANIFEST),
            sys::Rename::Replace,
        ) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(dir.io_error("write", "", &error).into()),
        }
        let mut touched: Vec<sys::DirHandle> = Vec::new();
        for (index, file) in changed.iter().enumerate() {
            fault::at(fault::Point::Placed(index)).map_err(|error| placing(dir.io_error("write", "", &error)))?;
            let Some((parent, name)) = dir.parent_of(&file.path, true).map_err(placing)? else {
                unreachable!("parent_of creates the directories")
            };
            if file.path == manifest::PATH {
                for handle in touched.iter().filter(|_| fault::syncs()) {
                    sys::sync_dir(handle).map_err(|error| placing(dir.io_error("write", "", &error)))?;
                }
            }
            sys::rename_at(&self.handle, Path::new(&index.to_string()), &parent, Path::new(name), sys::Rename::Replace)
                .map_err(|error| placing(dir.io_error("write", parent_path(&file.path), &error)))?;
            touched.push(parent);
        }
        if fault::syncs() {
            sys::sync_dir(&dir.handle).map_err(|error| placing(dir.io_error("write", "", &error)))?;
        }
        fault::at(fault::Point::Committed).map_err(|error| placing(dir.io_error("write", "", &error)))?;

        for path in stale {
            if let Ok(Some((parent, name))) = dir.parent_of(path, false) {
                match sys::remove_file_at(&parent, Path::new(name)) {
                    Ok(()) => {}
                    Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                    Err(error) => return Err(placing(dir.io_error("write", parent_path(path), &error))),
                }
            }
            remove_empty_parents(dir, path);
        }
        Ok(())
    }

    fn remove(self, dir: &Directory) {
        let Staging { name, handle } = self;
        drop(handle);
        remove_staging(dir, &name);
    }
}

/// Removes the directories a stale file leaves empty, up to (not including) DIR.
fn remove_empty_parents(dir: &Directory, path: &str) {
    let mut current = parent_path(path);
    while !current.is_empty() {
        let Ok(Some((parent, name))) = dir.parent_of(current, false) else { return };
        if sys::remove_dir_at(&parent, Path::new(name)).is_err() {
            return;
        }
        current = parent_path(current);
    }
}

/// Removes a staging directory of this user's: the flat files asenet put there, then the
/// directory. Nothing else is in one; whatever is stays, with the directory.
fn remove_staging(dir: &Directory, name: &str) {
    let Ok(handle) = sys::open_dir_at(&dir.handle, Path::new(name)) else { return };
    if let Ok(entries) = sys::entries(&handle) {
        for (entry, kind) in entries {
            if kind != sys::Kind::Directory {
                let _ = sys::remove_file_at(&handle, Path::new(&entry));
            }
        }
    }
    // Closed first: Windows removes no directory that a handle holds.
    drop(handle);
    let _ = sys::remove_dir_at(&dir.handle, Path::new(name));
}

/// Fault injection for the tests of an interrupted build, compiled only with the
/// `testing` feature (which only the tests turn on): the environment variable
/// `ASENET_TEST_FAULT` stops the write path at one point as `kill -9` (`kill-…`) or a full
/// disk (`fail-…`) would: `staged:N` once N artifacts are staged, `placed:N` once N are in
/// DIR (the old manifest gone), `committed` once the new manifest is in place. And
/// `ASENET_TEST_NO_SYNC` skips `fsync`, for the tests that run a hundred builds to test the
/// lock (each `fsync` costs milliseconds; the order of the steps is the same).
pub(super) mod fault {
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
                super::super::sys::kill_self()
            }
            "fail" => Err(io::Error::new(io::ErrorKind::StorageFull, format!("ASENET_TEST_FAULT={setting}"))),
            _ => Ok(()),
        }
    }
}
