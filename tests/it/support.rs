//! Shared helpers: check a text and render what was found, colourless and 80 columns wide.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use asenet::diagnostic::human::{self, Style};
use asenet::diagnostic::json::{self, FileReport};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The human and the JSON rendering of checking `source` as `name`.
pub fn render(name: &str, source: &str) -> (String, String) {
    let checked = asenet::check(source);
    let human =
        human::render(name, source, &checked.diagnostics, Style::PLAIN) + &human::summary(name, &checked.diagnostics);
    let json = json::render(&[FileReport { path: name, source, diagnostics: &checked.diagnostics }]);
    (human, json)
}

/// The codes `source` draws, sorted and deduplicated.
pub fn codes(source: &str) -> Vec<&'static str> {
    let mut codes: Vec<_> = asenet::check(source).diagnostics.iter().map(|d| d.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// `path` relative to the repository, with forward slashes: stable in snapshots.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(repo_root()).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Runs the real binary in the repository root, with `stdin` piped in (and, in a Wine run,
/// asenet.exe too: tests/it/wine.rs).
pub fn asenet(args: &[&str], stdin: &[u8]) -> Output {
    crate::wine::run_both(args, stdin, &repo_root(), || {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_asenet"))
            .args(args)
            .current_dir(repo_root())
            .env_remove("NO_COLOR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the asenet binary runs");
        // Written from a thread that stops at the first error: the program may stop reading
        // before the end (a server refusing a header), and a large input must not dead-lock
        // against a full stdout pipe.
        let mut input = child.stdin.take().unwrap();
        let stdin = stdin.to_vec();
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(&stdin);
        });
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap();
        output
    })
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Standard output as the one JSON document it must be (`--format json`, `sarif`, ...).
pub fn stdout_json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output)).expect("stdout is one JSON document")
}

/// The shipped examples, sorted.
pub fn examples() -> Vec<PathBuf> {
    let mut examples: Vec<_> = std::fs::read_dir(repo_root().join("examples"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    examples.sort();
    examples
}

/// Runs `check`, which takes snapshots, once for each of `files` (below `base`), as insta's
/// `glob!` did (without its glob crates: globset, regex-automata and walkdir, about 5 s of a
/// cold test build's CPU): each file's snapshots are named `NAME@PATH-BELOW-BASE` and record it
/// as their input file, and every file is checked before the failures are reported.
pub fn snapshot_each(base: &Path, files: &[PathBuf], mut check: impl FnMut(&Path)) {
    assert!(!files.is_empty(), "no files to snapshot below {}", relative(base));
    let mut failed = Vec::new();
    for path in files {
        let mut settings = insta::Settings::clone_current();
        settings.set_input_file(path);
        settings.set_snapshot_suffix(path.strip_prefix(base).unwrap().to_str().unwrap());
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| settings.bind(|| check(path))));
        if outcome.is_err() {
            failed.push(relative(path));
        }
    }
    assert!(failed.is_empty(), "snapshots differ for {} (INSTA_UPDATE=always to write them)", failed.join(", "));
}

/// Every file below the repository's `roots` whose name ends in `.{extension}`, sorted.
pub fn repository_files(roots: &[&str], extension: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending: Vec<PathBuf> = roots.iter().map(|root| repo_root().join(root)).collect();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == extension) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every entry below `dir`, by its path relative to `dir` with forward slashes, links not
/// followed: a file with its bytes, a link with its target, a directory as `path/` with
/// nothing, anything else (a fifo) as `(not a file)`. What a test compares before and after.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut entries = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            let key = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            let kind = path.symlink_metadata().unwrap().file_type();
            if kind.is_symlink() {
                entries.insert(key, std::fs::read_link(&path).unwrap().to_string_lossy().as_bytes().to_vec());
            } else if kind.is_dir() {
                entries.insert(format!("{key}/"), Vec::new());
                pending.push(path);
            } else if kind.is_file() {
                entries.insert(key, std::fs::read(&path).unwrap());
            } else {
                entries.insert(key, b"(not a file)".to_vec());
            }
        }
    }
    entries
}

/// [`tree`] without its directories: every file (or link, or fifo) below `dir`.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(dir).into_iter().filter(|(path, _)| !path.ends_with('/')).collect()
}

/// The artifacts of `path`'s device file, built as a first build.
pub fn build_file(path: &Path) -> Vec<asenet::emit::OutputFile> {
    let source = std::fs::read_to_string(path).unwrap();
    match asenet::build(&source, &asenet::emit::PreviousManifest::default()) {
        Ok(built) => built.files,
        Err(diagnostics) => panic!("{} does not build: {diagnostics:?}", relative(path)),
    }
}

/// A fresh, empty scratch directory unique to this test process and `name`.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = scratch_root().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Where this test process keeps its scratch directories: `asenet-it-PID` in the temporary
/// folder, left after the run for a look at what a failing test saw.
fn scratch_root() -> &'static Path {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let temp = std::env::temp_dir();
        #[cfg(target_os = "linux")]
        remove_roots_of_ended_processes(&temp);
        temp.join(format!("asenet-it-{}", std::process::id()))
    })
}

/// Removes the scratch roots of test processes that have ended. Nothing else removed them, and
/// every run of the suite left about 10 MB: 1.1 GB on a machine that ran it 344 times, whose
/// full disk then failed a CI run. A root goes only when it is a directory (not a link) of this
/// user's, named `asenet-it-PID`, and no process PID is running (`/proc` says; a PID reused by
/// another program keeps the root, which costs only disk).
#[cfg(target_os = "linux")]
fn remove_roots_of_ended_processes(temp: &Path) {
    use std::os::unix::fs::MetadataExt;
    let Ok(me) = Path::new("/proc/self").metadata() else { return };
    let Ok(entries) = std::fs::read_dir(temp) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|name| name.strip_prefix("asenet-it-")) else { continue };
        if pid.is_empty() || !pid.bytes().all(|byte| byte.is_ascii_digit()) {
            continue;
        }
        let Ok(metadata) = entry.path().symlink_metadata() else { continue };
        let running = Path::new("/proc").join(pid).exists();
        if metadata.is_dir() && metadata.uid() == me.uid() && !running {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Only an ended process's own directory goes: not a running process's, not a link (nor what
/// it points at), not a file, not a name that only starts like one.
#[cfg(target_os = "linux")]
#[test]
fn only_the_scratch_roots_of_ended_test_processes_are_removed() {
    let temp = scratch_dir("roots");
    // PIDs stop at 2^22 on Linux: 999999999 has never run.
    let ended = temp.join("asenet-it-999999999");
    let running = temp.join(format!("asenet-it-{}", std::process::id()));
    let elsewhere = temp.join("elsewhere");
    for dir in [&ended, &running, &elsewhere] {
        std::fs::create_dir_all(dir.join("inside")).unwrap();
        std::fs::write(dir.join("inside/file"), "kept?").unwrap();
    }
    std::os::unix::fs::symlink(&elsewhere, temp.join("asenet-it-999999998")).unwrap();
    std::fs::write(temp.join("asenet-it-999999997"), "a file").unwrap();
    std::fs::create_dir(temp.join("asenet-it-999999996x")).unwrap();
    remove_roots_of_ended_processes(&temp);
    let mut left: Vec<String> =
        std::fs::read_dir(&temp).unwrap().map(|entry| entry.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    let own = format!("asenet-it-{}", std::process::id());
    let mut expected = vec!["asenet-it-999999996x", "asenet-it-999999997", "asenet-it-999999998", "elsewhere", &own];
    expected.sort();
    assert_eq!(left, expected);
    assert!(elsewhere.join("inside/file").exists() && running.join("inside/file").exists());
}

/// Fails the test when what it needs (a program, root) cannot run: a test that needs it is
/// `#[ignore = "consumer: ..."]` or `#[ignore = "privileged: ..."]`, and once it runs it never
/// passes having checked nothing.
// Its users are the Unix-only privileged modules and the consumer tests.
#[cfg_attr(not(unix), allow(dead_code))]
pub fn require(what: &str, install: &str, available: Result<(), String>) {
    if let Err(reason) = available {
        panic!("{what} cannot run here, so this test cannot check anything ({install}): {reason}")
    }
}

/// Whether a test that needs a real tool or root can run; when it cannot, it says so on
/// stderr and the caller skips what needs it, except under CI (`CI` set), where a missing tool
/// fails the test. cargo hides a passing test's stderr, so prefer `#[ignore]` with the install
/// command and [`require`] for a test that checks nothing without the tool; this is for the
/// part of a test that needs it.
// Its users are Unix-only modules and the consumer tests.
#[cfg_attr(not(unix), allow(dead_code))]
pub fn tool_available(tool: &str, available: Result<(), String>) -> bool {
    match available {
        Ok(()) => true,
        Err(reason) if std::env::var_os("CI").is_some() => {
            panic!("{tool} is needed and CI must have it (.ci/run installs it): {reason}")
        }
        Err(reason) => {
            eprintln!("SKIPPED: {tool} cannot run here: {reason}");
            false
        }
    }
}

/// The binary under test: `ASENET_BIN` when set, else this build's.
pub fn binary() -> PathBuf {
    std::env::var_os("ASENET_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_asenet")), PathBuf::from)
}

/// Runs asenet in `cwd`, after `prefix` (`setpriv …`, `unshare …`) if any.
pub fn run_in(cwd: &Path, prefix: &[&str], args: &[&str]) -> Output {
    let mut command = match prefix.split_first() {
        Some((program, rest)) => {
            let mut command = Command::new(program);
            command.args(rest).arg(binary());
            command
        }
        None => Command::new(binary()),
    };
    command.args(args).current_dir(cwd).stdin(Stdio::null()).output().unwrap()
}

/// A store's device file, and the same with another route metric (a plan with commands).
pub fn store_pair() -> (String, String) {
    let read = |name: &str| std::fs::read_to_string(repo_root().join("tests/diff").join(name)).unwrap();
    (read("store.toml"), read("route-metric.toml"))
}

/// Whatever a build leaves besides DIR's own contents: staging beside DIR or inside it.
pub fn leftovers(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    let beside = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|entry| *entry != name);
    let inside = std::fs::read_dir(out)
        .into_iter()
        .flatten()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|entry| entry.starts_with(".asenet"));
    beside.chain(inside).collect()
}
