//! The malformed-input corpus (`tests/malformed/`): truncated TOML, wrong types, damaged
//! addresses, bytes that are not text. Each file says on its second line which codes it
//! must draw (`# expect: ASE003`); every file must be refused with at least one error that
//! points into the file, and nothing may panic, in checking or in rendering.

use std::collections::BTreeSet;
use std::path::PathBuf;

use asenet::diagnostic::human::{self, Style};
use asenet::diagnostic::json::{self, FileReport};

use crate::support::{asenet, repo_root};

fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(repo_root().join("tests/malformed")).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    files
}

fn expected_codes(bytes: &[u8]) -> BTreeSet<String> {
    let text = String::from_utf8_lossy(bytes);
    let line = text.lines().find_map(|line| line.strip_prefix("# expect:")).expect("an `# expect:` line");
    line.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn every_malformed_file_is_refused_at_a_span_inside_it() {
    let files = corpus();
    assert!(files.len() >= 40, "the corpus has {} files", files.len());
    let mut failures = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| {
            let checked = asenet::check_bytes(&bytes);
            let source = String::from_utf8_lossy(&bytes);
            let _ = human::render(&name, &source, &checked.diagnostics, Style::PLAIN);
            let _ = json::render(&[FileReport { path: &name, source: &source, diagnostics: &checked.diagnostics }]);
            checked
        });
        let Ok(checked) = outcome else {
            failures.push(format!("{name}: panicked"));
            continue;
        };
        let found: BTreeSet<String> = checked.diagnostics.iter().map(|d| d.code().to_owned()).collect();
        let missing: Vec<_> = expected_codes(&bytes).into_iter().filter(|code| !found.contains(code)).collect();
        if !checked.has_errors() {
            failures.push(format!("{name}: accepted (found {found:?})"));
        } else if !missing.is_empty() {
            failures.push(format!("{name}: expected {missing:?}, found {found:?}"));
        } else if !checked
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.span.start <= bytes.len() && d.span.end <= bytes.len() + 1)
        {
            failures.push(format!("{name}: no error points into the file"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_binary_refuses_every_malformed_file_with_exit_1() {
    for path in corpus() {
        let relative = path.strip_prefix(repo_root()).unwrap().to_str().unwrap().to_owned();
        let output = asenet(&["check", "--format", "json", &relative], b"");
        assert_eq!(output.status.code(), Some(1), "{relative}");
        let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
        assert!(document["summary"]["errors"].as_u64().unwrap() >= 1, "{relative}");
    }
}
