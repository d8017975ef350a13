//! The fix engine over real files: every fix removes its diagnostic, keeps the comments it
//! does not touch, and is stable; `fix_all` over the fixtures and the corpus never adds a
//! diagnostic.

use std::collections::BTreeMap;
use std::path::PathBuf;

use asenet::fix::{self, Fix};

use crate::support::{relative, repository_files};

/// Every `.toml` under `tests/fixtures` and `tests/corpus`, sorted.
fn files() -> Vec<PathBuf> {
    repository_files(&["tests/fixtures", "tests/corpus"], "toml")
}

fn count_by_code(source: &str) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for diagnostic in asenet::check(source).diagnostics {
        *counts.entry(diagnostic.code()).or_default() += 1;
    }
    counts
}

/// The comment lines of `source` that no edit of `fix` touches.
fn untouched_comment_lines<'s>(source: &'s str, fix: &Fix) -> Vec<&'s str> {
    let mut at = 0;
    let mut lines = Vec::new();
    for line in source.split_inclusive('\n') {
        let (start, end) = (at, at + line.len());
        at = end;
        let touched = fix.edits.iter().any(|edit| edit.span.start < end && start <= edit.span.end);
        if line.contains('#') && !touched {
            lines.push(line.trim_end());
        }
    }
    lines
}

#[test]
fn every_fix_removes_its_diagnostic_and_keeps_the_comments() {
    let mut fixes_seen = BTreeMap::<&str, usize>::new();
    for path in files() {
        let source = std::fs::read_to_string(&path).unwrap();
        let name = relative(&path);
        let before = count_by_code(&source);
        for diagnostic in asenet::check(&source).diagnostics {
            let Some(fix) = &diagnostic.fix else { continue };
            *fixes_seen.entry(diagnostic.code()).or_default() += 1;
            let fixed = fix::apply(&source, [fix]);
            assert_eq!(fixed.applied, 1, "{name}: {} was not applied", fix.title);
            let after = count_by_code(&fixed.source);
            let code = diagnostic.code();
            assert!(
                after.get(code).copied().unwrap_or(0) < before[code],
                "{name}: `{}` left {code} in place:\n{}",
                fix.title,
                fixed.source
            );
            for line in untouched_comment_lines(&source, fix) {
                assert!(fixed.source.contains(line), "{name}: `{}` lost the comment `{line}`", fix.title);
            }
        }
    }
    // The fixes this suite exercises: one fixture at least for each kind of fix.
    for code in ["ASE002", "ASE003", "ASE005", "ASE109", "ASE208", "ASE404", "ASE501"] {
        assert!(fixes_seen.contains_key(code), "no fixture exercises a fix for {code}: {fixes_seen:?}");
    }
}

#[test]
fn fixing_everything_adds_no_diagnostic_and_is_stable() {
    for path in files() {
        let source = std::fs::read_to_string(&path).unwrap();
        let name = relative(&path);
        let before = count_by_code(&source);
        for unsafe_fixes in [false, true] {
            let once = asenet::fix_all(&source, unsafe_fixes);
            let after = count_by_code(&once.source);
            for (code, count) in &after {
                assert!(
                    *count <= before.get(code).copied().unwrap_or(0),
                    "{name}: fixing added {code} ({before:?} -> {after:?}):\n{}",
                    once.source
                );
            }
            let twice = asenet::fix_all(&once.source, unsafe_fixes);
            assert_eq!(twice.source, once.source, "{name}: a second --fix changed the file");
            assert_eq!(twice.applied, 0, "{name}: a second --fix found more to apply");
        }
    }
}

/// What `--fix --diff` shows for every firing fixture that has a safe fix: the fixes as a
/// reviewer sees them.
#[test]
fn the_diffs_of_the_fixtures() {
    let mut out = String::new();
    for path in files() {
        let source = std::fs::read_to_string(&path).unwrap();
        let fixed = asenet::fix_all(&source, true);
        out += &asenet::text::unified_diff(&relative(&path), Some(&source), &fixed.source);
    }
    insta::assert_snapshot!(out);
}

// File modes (PermissionsExt): Unix only (docs/windows.md).
#[cfg(unix)]
mod command_line {
    use std::os::unix::fs::PermissionsExt;

    use crate::support::{asenet, repo_root, scratch_dir, stderr, stdout};

    fn fixture(path: &str) -> String {
        std::fs::read_to_string(repo_root().join("tests/fixtures").join(path)).unwrap()
    }

    #[test]
    fn fix_rewrites_the_file_keeps_its_mode_and_reports_what_is_left() {
        let dir = scratch_dir("fix-in-place");
        let file = dir.join("device.toml");
        std::fs::write(&file, fixture("ASE208/fires.toml")).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        let output = asenet(&["check", "--fix", file.to_str().unwrap()], b"");
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(stderr(&output).contains("1 fix applied"), "{}", stderr(&output));
        let fixed = std::fs::read_to_string(&file).unwrap();
        assert!(fixed.contains("destination = \"192.168.20.0/24\""), "{fixed}");
        assert!(fixed.starts_with("# A destination written"), "the comment stays: {fixed}");
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers.len(), 1, "no staging file is left: {leftovers:?}");
        // A second run has nothing to do.
        let again = asenet(&["check", "--fix", file.to_str().unwrap()], b"");
        assert_eq!(again.status.code(), Some(0));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), fixed);
    }

    #[test]
    fn diff_prints_the_fix_and_writes_nothing() {
        let source = fixture("ASE208/fires.toml");
        let output = asenet(&["check", "--diff", "-", "--stdin-filename", "device.toml"], source.as_bytes());
        assert_eq!(output.status.code(), Some(1));
        insta::assert_snapshot!(stdout(&output), @r#"
        --- a/device.toml
        +++ b/device.toml
        @@ -19,5 +19,5 @@
         
         [[routes]]
         interface = "Port3"
        -destination = "192.168.20.7/24"
        +destination = "192.168.20.0/24"
         next_hop = "192.168.10.1"
        "#);
        let clean = asenet(&["check", "--diff", "-"], fixture("ASE208/quiet.toml").as_bytes());
        assert_eq!(clean.status.code(), Some(0));
        assert_eq!(stdout(&clean), "");
    }

    #[test]
    fn fix_refuses_standard_input() {
        let output = asenet(&["check", "--fix", "-"], b"[device]\nname = \"x\"\n");
        assert_eq!(output.status.code(), Some(2));
        assert!(stderr(&output).contains("cannot write back to standard input"));
    }

    #[test]
    fn json_and_sarif_carry_the_fix() {
        let source = fixture("ASE208/fires.toml");
        let json = asenet(&["check", "--format", "json", "-"], source.as_bytes());
        let json: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
        insta::assert_snapshot!(serde_json::to_string_pretty(&json["files"][0]["diagnostics"][0]["fix"]).unwrap(), @r#"
        {
          "applicability": "safe",
          "edits": [
            {
              "column": 15,
              "content": "\"192.168.20.0/24\"",
              "end_column": 32,
              "end_line": 22,
              "line": 22
            }
          ],
          "title": "clear the host bits: `192.168.20.0/24`"
        }
        "#);
        let sarif = asenet(&["check", "--format", "sarif", "-"], source.as_bytes());
        let sarif: serde_json::Value = serde_json::from_str(&stdout(&sarif)).unwrap();
        let change = &sarif["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0];
        assert_eq!(change["replacements"][0]["insertedContent"]["text"], "\"192.168.20.0/24\"");
        assert_eq!(change["replacements"][0]["deletedRegion"]["startLine"], 22);
    }
}
