//! Shared helpers: check a text and render what was found, colourless and 80 columns wide.

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
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        child.wait_with_output().unwrap()
    })
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
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

/// The artifacts of `path`'s device file, built as a first build.
pub fn build_file(path: &Path) -> Vec<asenet::emit::OutputFile> {
    let source = std::fs::read_to_string(path).unwrap();
    match asenet::build(&source, &asenet::emit::Previous::default()) {
        Ok(built) => built.files,
        Err(diagnostics) => panic!("{} does not build: {diagnostics:?}", relative(path)),
    }
}

/// A fresh, empty scratch directory unique to this test process and `name`.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("asenet-it-{}", std::process::id())).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Consumer tests feed the artifacts to a real program. They are `#[ignore]`d, with the
/// program and its install command as the reason, so that `cargo test` lists each one as
/// ignored rather than passing it unchecked; `.ci/run` installs every program and runs them
/// with `cargo test --locked --test it consumers -- --include-ignored`. Once such a test runs,
/// a program that cannot run fails it: it never passes having checked nothing.
pub fn require_tool(tool: &str, install: &str, available: Result<(), String>) {
    if let Err(reason) = available {
        panic!("{tool} cannot run here, so this consumer test cannot check anything ({install}): {reason}")
    }
}

/// Whether a test that needs a real tool or root can run; when it cannot, it says so on
/// stderr and the caller skips what needs it, except under CI (`CI` set), where a missing tool
/// fails the test. cargo hides a passing test's stderr, so prefer `#[ignore]` with the install
/// command and [`require_tool`] for a test that checks nothing without the tool.
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

/// Every way `instance` breaks `schema`, one line each (`/path: what is wrong`). The draft is
/// the schema's own, with its default: draft-07 (SARIF) checks `format` (`uri-reference`, …).
pub fn schema_violations(schema: &serde_json::Value, instance: &serde_json::Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("the schema itself is valid");
    validator.iter_errors(instance).map(|error| format!("{}: {error}", error.instance_path())).collect()
}
