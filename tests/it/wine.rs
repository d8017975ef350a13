//! Every command line the tests run, run again by `asenet.exe` under Wine and compared.
//!
//! `.ci/wine/run` prepares a Wine prefix (with the ProcessPrng shim, .ci/wine/prefix.sh) and
//! sets `ASENET_WINDOWS_EXE` (the `.exe`) and `ASENET_WINE` (Wine's loader). With them set,
//! [`crate::support::asenet`] runs each case twice, the Linux binary then the Windows one,
//! with the same arguments, standard input and working directory, and fails the test unless
//! both exit with the same status and print the same bytes; only path separators may differ
//! (`\` and `/` are one character for the comparison). Without them, nothing here runs.
//!
//! A command line that writes files (`build`, `check --fix`, `diff --emit`, `import -o`) has both runs
//! start from the same files: what it may write is copied first and put back between the
//! runs, and the two results must hold the same files with the same bytes. The Linux run's
//! results are put back last, for the test to check as in a plain `cargo test`.
//!
//! A case Wine cannot run is never dropped silently: [`cannot_run_under_wine`] names why,
//! and each such case, like each case compared, is appended to `ASENET_WINE_LOG`, which
//! `.ci/wine/run` counts and prints.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The Windows binary and Wine's loader, when the Wine run asked for them.
pub fn windows_binary() -> Option<(PathBuf, PathBuf)> {
    let exe = std::env::var_os("ASENET_WINDOWS_EXE")?;
    let wine = std::env::var_os("ASENET_WINE").unwrap_or_else(|| "/usr/lib/wine/wine64".into());
    Some((PathBuf::from(exe), PathBuf::from(wine)))
}

/// Why a command line cannot run under Wine here, when it cannot: asenet runs another
/// program that Wine's Windows has no build of.
fn cannot_run_under_wine(args: &[&str], stdin: &[u8]) -> Option<&'static str> {
    if stdin.windows(PANIC_MARK.len()).any(|window| window == PANIC_MARK) {
        return Some(
            "the server's panic injection exists only in the tests' build (feature `testing`), not in asenet.exe",
        );
    }
    if args.first() == Some(&"diff") && args.contains(&"--git") {
        return Some("`diff --git` runs git, and there is no Windows git under Wine here");
    }
    if args.first() == Some(&"graph") && args.windows(2).any(|pair| pair == ["--format", "svg"]) {
        return Some("`graph --format svg` runs Graphviz's dot, and there is no Windows dot under Wine here");
    }
    if args.iter().any(|arg| arg.starts_with("/proc/") || arg.starts_with("/dev/")) {
        return Some("a Linux special file (`/proc/...`, `/dev/...`) has no Windows counterpart");
    }
    None
}

/// What asks the `testing` build's server to panic (compiler/cli/server/).
const PANIC_MARK: &[u8] = b"asenet-test-panic";

/// Whether a command line writes files: run twice as it is, the second run would find what
/// the first wrote.
fn writes(args: &[&str]) -> bool {
    match args.first() {
        Some(&"build") => !args.contains(&"--check"),
        Some(&"check") => args.contains(&"--fix") && !args.contains(&"--diff"),
        Some(&"diff") => args.iter().any(|arg| arg.starts_with("--emit")),
        Some(&"import") => import_output(args).is_some(),
        _ => false,
    }
}

/// The file `import -o FILE` (or `--output FILE`, `--output=FILE`) creates; `-o -` is
/// standard output.
fn import_output<'a>(args: &[&'a str]) -> Option<&'a str> {
    let value = args.iter().enumerate().find_map(|(index, arg)| match arg.strip_prefix("--output=") {
        Some(value) => Some(value),
        None => matches!(*arg, "-o" | "--output").then(|| args.get(index + 1).copied()).flatten(),
    })?;
    (value != "-").then_some(value)
}

/// Where Windows words an error differently because it reports a different error, each
/// with the Linux wording that stands for it and why; the exit status must still match.
const KNOWN_WORDING: &[(&str, &str, &str)] = &[(
    "no such file",
    "a part of the path is not a directory",
    "Windows reports a path through a file as not found (ERROR_PATH_NOT_FOUND), Linux as ENOTDIR",
)];

/// Runs a command line the way the tests see it: `linux` runs the Linux binary. In a Wine run,
/// `asenet.exe` runs it too, in the same state, and must do the same; the Linux run's output
/// (and files) are what the test goes on with.
pub fn run_both(args: &[&str], stdin: &[u8], cwd: &Path, linux: impl FnOnce() -> Output) -> Output {
    let Some((exe, wine)) = windows_binary() else { return linux() };
    if let Some(reason) = cannot_run_under_wine(args, stdin) {
        log(&format!("not run\t{reason}\t{}", args.join(" ")));
        return linux();
    }
    if !writes(args) {
        let output = linux();
        compare(args, &output, &run_windows(&wine, &exe, args, stdin, cwd, &output, || {}));
        return output;
    }
    // Both binaries start from the same files: a copy of each target is put back between the
    // two runs, and the Linux run's results are put back after.
    let targets = written(args, cwd);
    let saved: Vec<PathBuf> = targets.iter().map(|target| aside(target, "before")).collect();
    for (target, saved) in targets.iter().zip(&saved) {
        if target.symlink_metadata().is_ok() {
            copy_tree(target, saved);
        }
    }
    let output = linux();
    let linux_results: Vec<PathBuf> = targets.iter().map(|target| aside(target, "linux")).collect();
    for (target, results) in targets.iter().zip(&linux_results) {
        move_if_present(target, results);
    }
    let windows = run_windows(&wine, &exe, args, stdin, cwd, &output, || {
        for (target, saved) in targets.iter().zip(&saved) {
            remove(target);
            if saved.symlink_metadata().is_ok() {
                copy_tree(saved, target);
            }
        }
    });
    for saved in &saved {
        remove(saved);
    }
    let mut trees = Vec::new();
    for (target, results) in targets.iter().zip(&linux_results) {
        trees.push((target.clone(), tree(results), tree(target)));
        remove(target);
        move_if_present(results, target);
    }
    compare(args, &output, &windows);
    for (target, linux_tree, windows_tree) in trees {
        assert!(
            linux_tree == windows_tree,
            "asenet.exe under Wine leaves `{}` otherwise than the Linux binary after `asenet {}`:\nLinux: {:?}\nWindows: {:?}",
            target.display(),
            args.join(" "),
            linux_tree.iter().map(|(path, _)| path).collect::<Vec<_>>(),
            windows_tree.iter().map(|(path, _)| path).collect::<Vec<_>>(),
        );
    }
    log(&format!("files same\t\t{}", args.join(" ")));
    output
}

/// The files and directories a writing command line may change: `--out DIR`, `--emit DIR`,
/// `import`'s `-o FILE`, or each file `check --fix` is given.
fn written(args: &[&str], cwd: &Path) -> Vec<PathBuf> {
    let value_of = |option: &str| {
        let prefix = format!("{option}=");
        args.iter().enumerate().find_map(|(index, arg)| match arg.strip_prefix(&prefix) {
            Some(value) => Some(value),
            None => (*arg == option).then(|| args.get(index + 1).copied()).flatten(),
        })
    };
    let targets: Vec<&str> = match args.first() {
        Some(&"build") => value_of("--out").into_iter().collect(),
        Some(&"diff") => value_of("--emit").into_iter().collect(),
        Some(&"import") => import_output(args).into_iter().collect(),
        _ => args[1..].iter().copied().filter(|arg| !arg.starts_with('-') && cwd.join(arg).is_file()).collect(),
    };
    targets.into_iter().map(|target| cwd.join(target)).collect()
}

/// A sibling of `target` to keep one state of it in.
fn aside(target: &Path, what: &str) -> PathBuf {
    let name = target.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    target.with_file_name(format!("{name}.wine-{what}-{}", std::process::id()))
}

fn move_if_present(from: &Path, to: &Path) {
    if from.symlink_metadata().is_ok() {
        std::fs::rename(from, to).unwrap_or_else(|error| panic!("{} -> {}: {error}", from.display(), to.display()));
    }
}

fn remove(path: &Path) {
    match path.symlink_metadata() {
        Ok(metadata) if metadata.is_dir() => std::fs::remove_dir_all(path).unwrap(),
        Ok(_) => std::fs::remove_file(path).unwrap(),
        Err(_) => {}
    }
}

/// Copies a file, a symbolic link or a directory tree, with permissions.
fn copy_tree(from: &Path, to: &Path) {
    let metadata = from.symlink_metadata().unwrap();
    if metadata.is_symlink() {
        // The tests run this on Linux only (a Wine run); elsewhere nothing calls it.
        #[cfg(unix)]
        std::os::unix::fs::symlink(std::fs::read_link(from).unwrap(), to).unwrap();
    } else if metadata.is_dir() {
        std::fs::create_dir(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
        std::fs::set_permissions(to, metadata.permissions()).unwrap();
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

/// What a file tree holds: every path below `root` (itself as ``) with its bytes, its link's
/// target, or nothing for a directory; empty when `root` does not exist.
type Tree = Vec<(String, Option<Vec<u8>>)>;

/// compiler/cli/write/windows.rs's `LOCK_FILE`.
const WINDOWS_LOCK_FILE: &str = ".asenet-lock";

fn tree(root: &Path) -> Tree {
    fn walk(root: &Path, path: &Path, found: &mut Tree) {
        let relative = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        let Ok(metadata) = path.symlink_metadata() else { return };
        if metadata.is_symlink() {
            found.push((relative, Some(std::fs::read_link(path).unwrap().into_os_string().into_encoded_bytes())));
        } else if metadata.is_dir() {
            found.push((relative, None));
            // The lock file a Windows build keeps in DIR (docs/build.md, On Windows) is the one
            // difference between the two trees that is allowed.
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .filter(|entry| entry.file_name().is_none_or(|name| name != WINDOWS_LOCK_FILE))
                .collect();
            entries.sort();
            for entry in entries {
                walk(root, &entry, found);
            }
        } else {
            found.push((relative, Some(std::fs::read(path).unwrap())));
        }
    }
    let mut found = Vec::new();
    walk(root, root, &mut found);
    found
}

/// Compares what `asenet.exe` printed with what the Linux binary did; panics with both when
/// they differ.
fn compare(args: &[&str], linux: &Output, windows: &Output) {
    let server = args.first() == Some(&"server");
    let outputs = |output: &Output| {
        let stdout = if server { messages(&output.stdout) } else { separators(&output.stdout) };
        [format!("{:?}", output.status.code()), stdout, separators(&output.stderr)]
    };
    let (linux, windows) = (outputs(linux), outputs(windows));
    if linux == windows {
        log(&format!("same\t\t{}", args.join(" ")));
        return;
    }
    // The same but for an OS error worded as the OS reported it?
    let reworded = windows
        .clone()
        .map(|text| KNOWN_WORDING.iter().fold(text, |text, (windows, linux, _)| text.replace(windows, linux)));
    if reworded == linux {
        let why: Vec<&str> = KNOWN_WORDING.iter().map(|(_, _, why)| *why).collect();
        log(&format!("same but for the OS\t{}\t{}", why.join("; "), args.join(" ")));
        return;
    }
    log(&format!("DIFFERENT\t\t{}", args.join(" ")));
    let differ: Vec<String> = ["exit status", "stdout", "stderr"]
        .iter()
        .zip(linux.iter().zip(&windows))
        .filter(|(_, (linux, windows))| linux != windows)
        .map(|(what, (linux, windows))| format!("{what}, Linux:\n{linux}\n{what}, Windows:\n{windows}"))
        .collect();
    panic!(
        "asenet.exe under Wine differs from the Linux binary on `asenet {}`:\n{}",
        args.join(" "),
        differ.join("\n")
    );
}

/// How many times a command line is run under Wine when Wine, not asenet.exe, failed.
const WINE_ATTEMPTS: usize = 3;

/// `asenet.exe args` under Wine, `reset` having put back the files it starts from, repeated
/// (from the same files, logged) while the run shows Wine failing where Linux did not; after
/// [`WINE_ATTEMPTS`] the last run is compared, and fails the test.
fn run_windows(
    wine: &Path,
    exe: &Path,
    args: &[&str],
    stdin: &[u8],
    cwd: &Path,
    linux: &Output,
    reset: impl Fn(),
) -> Output {
    let mut attempt = 1;
    loop {
        reset();
        let output = run(wine, exe, args, stdin, cwd);
        match wine_failed(&output).filter(|_| wine_failed(linux).is_none()) {
            Some(why) if attempt < WINE_ATTEMPTS => {
                log(&format!("rerun\tWine {why}\t{}", args.join(" ")));
                attempt += 1;
            }
            _ => return output,
        }
    }
}

/// How a run under Wine shows that Wine failed rather than asenet.exe, as seen in CI runs:
/// - it ended with code 1 having printed nothing at all, where asenet exits 1 only for findings
///   and always reports them. With `WINEDEBUG=err+all` such a run says why: `wine: failed to
///   map the shared user data: c0000018`, Wine's loader finding the fixed address it maps
///   before starting any program taken (three times in about 11,000 starts here);
/// - its loader ended by a signal, where a Windows process always ends with an exit code (a
///   crash of asenet.exe is one, such as 0xC0000005); once, at exit, after printing exactly
///   what Linux printed.
fn wine_failed(output: &Output) -> Option<String> {
    match output.status.code() {
        None => Some(format!("ended by a signal ({})", output.status)),
        Some(1) if output.stdout.is_empty() && output.stderr.is_empty() => {
            Some("ended with code 1 having printed nothing".to_owned())
        }
        Some(_) => None,
    }
}

/// `asenet.exe args` under Wine, with `stdin`, in `cwd`.
fn run(wine: &Path, exe: &Path, args: &[&str], stdin: &[u8], cwd: &Path) -> Output {
    let mut child = Command::new(wine)
        .arg(exe)
        .args(args)
        .current_dir(cwd)
        .env("WINEDEBUG", "-all")
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start Wine ({}): {error}", wine.display()));
    // Written from a thread: a large input must not dead-lock against a full stdout pipe.
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

/// A language server's output as its messages, sorted: a notification (diagnostics) may come
/// before or after an answer the client did not wait for, on either system.
fn messages(stdout: &[u8]) -> String {
    let mut messages = Vec::new();
    let mut rest = stdout;
    while let Some(at) = rest.windows(4).position(|window| window == b"\r\n\r\n") {
        let header = String::from_utf8_lossy(&rest[..at]);
        let length =
            header.lines().find_map(|line| line.strip_prefix("Content-Length: ")).and_then(|n| n.trim().parse().ok());
        let body = &rest[at + 4..];
        let Some(length) = length.filter(|&length: &usize| length <= body.len()) else { break };
        messages.push(separators(&body[..length]));
        rest = &body[length..];
    }
    messages.push(separators(rest));
    messages.sort();
    messages.join("\n")
}

/// Output with every `\` read as `/`, so that paths compare equal across the two systems,
/// and Wine's drive `Z:`, its name for the Linux root, read as that root: an absolute path
/// asenet prints itself (the working directory) starts with it on Windows.
fn separators(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\\\\", "/").replace('\\', "/").replace("Z:/", "/")
}

/// One line in `ASENET_WINE_LOG`, which `.ci/wine/run` summarises.
fn log(line: &str) {
    let Some(path) = std::env::var_os("ASENET_WINE_LOG") else { return };
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).expect("the Wine log opens");
    // One write per line: tests run in parallel and append to the same file.
    file.write_all(format!("{}\n", line.replace('\n', " ")).as_bytes()).expect("the Wine log is written");
}

#[test]
fn only_what_wine_lacks_keeps_a_case_from_running_and_writes_are_found() {
    assert!(cannot_run_under_wine(&["diff", "--git", "HEAD"], b"").is_some());
    assert!(cannot_run_under_wine(&["graph", "--format", "svg"], b"").is_some());
    assert!(cannot_run_under_wine(&["graph", "--format", "dot"], b"").is_none());
    assert!(cannot_run_under_wine(&["check", "--git"], b"").is_none());
    assert!(cannot_run_under_wine(&["check", "/dev/zero"], b"").is_some());
    assert!(cannot_run_under_wine(&["server"], b"x # asenet-test-panic:request").is_some());
    let framed = b"Content-Length: 2\r\n\r\n{}Content-Length: 4\r\n\r\n\"a\\\"";
    assert_eq!(messages(framed), "\n\"a/\"\n{}");
    assert!(writes(&["build", "f", "--out", "d"]) && !writes(&["build", "f", "--out", "d", "--check"]));
    assert!(writes(&["check", "--fix", "f"]) && !writes(&["check", "--fix", "--diff", "f"]));
    assert!(writes(&["diff", "a", "b", "--emit", "d"]) && !writes(&["diff", "a", "b"]));
    assert!(writes(&["import", "--device", "c.json", "-o", "f"]) && writes(&["import", "--output=f"]));
    assert!(!writes(&["import", "--device", "c.json", "-o", "-"]) && !writes(&["import", "--device", "c.json"]));
    let root = crate::support::repo_root();
    assert_eq!(written(&["build", "f", "--out", "d", "--no-wait"], &root), [root.join("d")]);
    assert_eq!(written(&["diff", "a", "b", "--emit=d"], &root), [root.join("d")]);
    assert_eq!(written(&["import", "--device", "c.json", "--output", "f.toml"], &root), [root.join("f.toml")]);
    let fixed = written(&["check", "--fix", "--format", "json", "examples/seed-scenario.toml", "nothing.toml"], &root);
    assert_eq!(fixed, [root.join("examples/seed-scenario.toml")]);
    assert_eq!(separators(br"a\\b\c/d"), "a/b/c/d");
    assert_eq!(separators(br"in `Z:\work\x` or above"), "in `/work/x` or above");
}
