//! The realistic corpus (`tests/corpus/`): whole device files, each a plausible operator
//! mistake (or two or three, as real files have) or a tricky valid site. Line 2 of each
//! file names the exact set of codes it must draw, sorted: `# expect: ASE203 ASE205`, or
//! `# expect: none`. The expectation is what a careful reviewer derives from the rules and
//! the facts, not a copy of what asenet prints.
//!
//! A file may also carry `# asenet-today: ASE002 ASE006 (known bug: why)` when asenet is
//! known to disagree with the expectation (a bug not fixed yet): the test then holds
//! asenet to exactly that set, so that a fix, or a new regression, shows up here and the
//! line is removed. The expectation itself never moves to match asenet.

use std::collections::BTreeSet;
use std::path::PathBuf;

use asenet::diagnostic::Severity;
use asenet::diagnostic::human::{self, Style};
use asenet::diagnostic::json::{self, FileReport};
use asenet::emit::PreviousManifest;
use asenet::rules::RULES;

use crate::support::{asenet, relative, repo_root, stderr};

struct Entry {
    name: String,
    path: PathBuf,
    source: String,
    expected: BTreeSet<String>,
    /// What asenet draws today where it is known to be wrong.
    today: Option<BTreeSet<String>>,
}

impl Entry {
    fn is_valid_site(&self) -> bool {
        self.expected.is_empty()
    }
}

fn corpus() -> Vec<Entry> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo_root().join("tests/corpus"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let source = std::fs::read_to_string(&path).unwrap();
            let expected = code_line(&source, "# expect:")
                .unwrap_or_else(|| panic!("{name}: no `# expect:` line in its first lines"));
            let today = code_line(&source, "# asenet-today:");
            Entry { name, path, source, expected, today }
        })
        .collect()
}

/// The codes of the header comment line starting with `prefix` (in the first ten lines),
/// up to a parenthesised remark; `none` is the empty set. The codes must be written sorted
/// and once each.
fn code_line(source: &str, prefix: &str) -> Option<BTreeSet<String>> {
    let line = source.lines().take(10).find_map(|line| line.strip_prefix(prefix))?;
    let line = line.split('(').next().unwrap_or_default();
    let written: Vec<&str> = line.split_whitespace().collect();
    if written == ["none"] {
        return Some(BTreeSet::new());
    }
    let codes: BTreeSet<String> = written.iter().map(|code| (*code).to_owned()).collect();
    assert!(
        codes.iter().map(String::as_str).eq(written.iter().copied()),
        "`{prefix}{line}`: write the codes sorted and once each"
    );
    Some(codes)
}

fn show(codes: &BTreeSet<String>) -> String {
    if codes.is_empty() { "none".to_owned() } else { codes.iter().cloned().collect::<Vec<_>>().join(" ") }
}

#[test]
fn every_corpus_file_draws_exactly_its_expected_codes() {
    let entries = corpus();
    let mut failures = Vec::new();
    for entry in &entries {
        let outcome = std::panic::catch_unwind(|| {
            let checked = asenet::check(&entry.source);
            let _ = human::render(&entry.name, &entry.source, &checked.diagnostics, Style::PLAIN);
            let _ = human::summary(&entry.name, &checked.diagnostics);
            let report = FileReport { path: &entry.name, source: &entry.source, diagnostics: &checked.diagnostics };
            let _ = json::render(&[report]);
            checked
        });
        let Ok(checked) = outcome else {
            failures.push(format!("{}: panicked while checking or rendering", entry.name));
            continue;
        };
        let found: BTreeSet<String> = checked.diagnostics.iter().map(|d| d.code().to_owned()).collect();
        match &entry.today {
            None if found != entry.expected => {
                failures.push(format!("{}: expected {}, found {}", entry.name, show(&entry.expected), show(&found)))
            }
            Some(today) if *today == entry.expected => {
                failures.push(format!("{}: `# asenet-today:` says what `# expect:` says: remove it", entry.name))
            }
            Some(today) if found != *today => failures.push(format!(
                "{}: expected {} (known to draw {} today), found {}: if asenet now draws the expected \
                 set, remove the `# asenet-today:` line",
                entry.name,
                show(&entry.expected),
                show(today),
                show(&found)
            )),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{} of {} corpus files:\n{}", failures.len(), entries.len(), failures.join("\n"));
}

#[test]
fn the_corpus_covers_every_rule_and_enough_valid_sites() {
    let entries = corpus();
    assert!(entries.len() >= 30, "the corpus has {} files, at least 30 are wanted", entries.len());
    let valid = entries.iter().filter(|entry| entry.is_valid_site()).count();
    assert!(valid >= 6, "the corpus has {valid} valid sites, at least 6 are wanted");
    // Fleet rules need several files: tests/fleet/ covers them.
    let known: BTreeSet<&str> = RULES.iter().filter(|rule| !rule.is_fleet_rule()).map(|rule| rule.code).collect();
    let expected: BTreeSet<&str> = entries.iter().flat_map(|entry| entry.expected.iter().map(String::as_str)).collect();
    let unknown: Vec<_> = expected.difference(&known).collect();
    assert!(unknown.is_empty(), "expected codes that are no rule: {unknown:?}");
    let uncovered: Vec<_> = known.difference(&expected).collect();
    assert!(uncovered.is_empty(), "rules no corpus file expects: {uncovered:?}");
    for entry in &entries {
        let body = entry.source.lines().skip(2).take_while(|line| line.starts_with('#')).count();
        assert!(body >= 3, "{}: the header says what the site is and what went wrong", entry.name);
    }
}

/// A valid site builds every artifact, through the library and the binary; a file with an
/// error builds nothing.
#[test]
fn valid_sites_build_and_broken_ones_do_not() {
    let mut failures = Vec::new();
    for entry in corpus() {
        let drawn = entry.today.as_ref().unwrap_or(&entry.expected);
        let has_error = drawn.iter().any(|code| !is_warning(code));
        match asenet::build(&entry.source, &PreviousManifest::default()) {
            Ok(built) if entry.is_valid_site() && !built.diagnostics.is_empty() => {
                failures.push(format!("{}: built with diagnostics {:?}", entry.name, built.diagnostics))
            }
            Ok(built) if !built.files.iter().any(|file| file.path == "manifest.json") => {
                failures.push(format!("{}: built without a manifest.json", entry.name))
            }
            Ok(_) if has_error => failures.push(format!("{}: built despite an expected error", entry.name)),
            Err(_) if !has_error => failures.push(format!("{}: does not build, though it has no error", entry.name)),
            _ => {}
        }
        if entry.is_valid_site() {
            let out = own_scratch_dir(&entry.name);
            let input = relative(&entry.path);
            let output = asenet(&["build", &input, "--out", out.to_str().unwrap()], b"");
            if output.status.code() != Some(0) || !out.join("manifest.json").is_file() {
                failures.push(format!("{input}: `asenet build` failed: {}", stderr(&output)));
            }
            let _ = std::fs::remove_dir_all(&out);
        }
    }
    let _ = std::fs::remove_dir_all(own_scratch_root());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// This test's own scratch directory: not the shared one, where `build.rs` watches for
/// staging directories left behind.
fn own_scratch_root() -> PathBuf {
    std::env::temp_dir().join(format!("asenet-corpus-{}", std::process::id()))
}

/// A fresh directory below [`own_scratch_root`] for the artifacts of the corpus file `name`.
fn own_scratch_dir(name: &str) -> PathBuf {
    let stem = name.trim_end_matches(".toml");
    assert!(!stem.is_empty() && !stem.contains(['/', '\\']) && stem != "..", "a plain file name: {name:?}");
    let dir = own_scratch_root().join(stem);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn is_warning(code: &str) -> bool {
    RULES.iter().any(|rule| rule.code == code && rule.severity == Severity::Warning)
}
