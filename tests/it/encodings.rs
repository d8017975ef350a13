//! Device files as Windows tools write them: UTF-16 from Windows PowerShell 5.1's `Out-File`
//! (refused with how to save as UTF-8), UTF-8 with a byte order mark from its
//! `-Encoding utf8`, and CRLF line ends (both read as if they were not there).

use std::path::PathBuf;

use crate::support::{asenet, render, repo_root, scratch_dir, stderr, stdout};

/// Every fixture and corpus file: the files that draw every rule, at every kind of span.
fn device_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for pattern in ["tests/fixtures/*/*.toml", "tests/corpus/**/*.toml", "examples/*.toml"] {
        let pattern = repo_root().join(pattern);
        files.extend(glob::glob(pattern.to_str().unwrap()).unwrap().map(Result::unwrap));
    }
    assert!(files.len() > 100, "{} device files", files.len());
    files
}

/// `text` as Windows PowerShell 5.1's `Out-File` writes it: CRLF, UTF-16LE, a byte order mark.
fn out_file(text: &str) -> Vec<u8> {
    let crlf = text.replace('\n', "\r\n");
    [0xFF, 0xFE].into_iter().chain(crlf.encode_utf16().flat_map(u16::to_le_bytes)).collect()
}

#[test]
fn a_utf16_device_file_gets_one_error_that_says_how_to_save_it_as_utf8() {
    let example = std::fs::read_to_string(repo_root().join("examples/seed-scenario.toml")).unwrap();
    let output = asenet(&["check", "-", "--stdin-filename", "store042.toml"], &out_file(&example));
    assert_eq!(output.status.code(), Some(1), "an input error");
    insta::assert_snapshot!(stderr(&output));

    let output = asenet(&["check", "--format", "json", "-"], &out_file(&example));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let diagnostics = report["files"][0]["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "one cause, one report: {diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "ASE001");
    assert_eq!(diagnostics[0]["message"], "the file is UTF-16LE text, not UTF-8 as TOML requires");
    assert_eq!((diagnostics[0]["line"].as_u64(), diagnostics[0]["column"].as_u64()), (Some(1), Some(1)));
}

#[test]
fn every_command_that_reads_a_device_file_refuses_utf16_the_same_way() {
    let dir = scratch_dir("encodings-commands");
    let example = std::fs::read_to_string(repo_root().join("examples/seed-scenario.toml")).unwrap();
    let wide = dir.join("store042.toml");
    std::fs::write(&wide, out_file(&example)).unwrap();
    let wide = wide.to_str().unwrap();
    let good = repo_root().join("examples/seed-scenario.toml");
    let good = good.to_str().unwrap();
    let out = dir.join("out");
    let out = out.to_str().unwrap();
    let commands: [&[&str]; 5] = [
        &["check", wide],
        &["check", "--fix", wide],
        &["build", wide, "--out", out],
        &["diff", good, wide],
        &["graph", wide],
    ];
    for args in commands {
        let output = asenet(args, b"");
        // The help is wrapped at 80 columns: compare it as one line.
        let err = stderr(&output).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(err.contains("the file is UTF-16LE text, not UTF-8"), "{args:?}: {err}");
        assert!(err.contains("Set-Content -Encoding utf8"), "{args:?}: {err}");
        assert_ne!(output.status.code(), Some(0), "{args:?}");
    }
    assert!(!std::path::Path::new(out).exists(), "a build with errors writes nothing");

    // A fleet file is TOML too: it cannot be read (exit 2), and the message says why.
    let fleet = dir.join("asenet-fleet.toml");
    std::fs::write(&fleet, out_file("[[sites]]\nname = \"north\"\n")).unwrap();
    let output = asenet(&["check", "--fleet", fleet.to_str().unwrap()], b"");
    let err = stderr(&output);
    assert!(err.contains("the file is UTF-16LE text") && err.contains("Set-Content -Encoding utf8"), "{err}");
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert_eq!(std::fs::read(wide).unwrap(), out_file(&example), "--fix leaves a file it cannot read alone");
}

#[test]
fn a_byte_order_mark_changes_no_line_column_or_fix() {
    // Files with a finding on their first line, where the mark is.
    let first_line = ["[device\n", "[devise]\nname = \"a\"\n", "bogus = 1\n[device]\n", "x = = 1\n"];
    let files = device_files().into_iter().map(|path| std::fs::read_to_string(path).unwrap());
    for source in first_line.into_iter().map(str::to_owned).chain(files) {
        let (_, plain) = render("f.toml", &source);
        let (_, marked) = render("f.toml", &format!("\u{FEFF}{source}"));
        // Fix edits are byte ranges in the JSON report: the mark shifts them by its 3 bytes.
        let strip = |json: &str| {
            let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
            for diagnostic in value["files"][0]["diagnostics"].as_array_mut().unwrap() {
                diagnostic.as_object_mut().unwrap().remove("fix");
            }
            value
        };
        assert_eq!(strip(&plain), strip(&marked), "{source}");
    }
}

/// Files whose report still differs with CRLF line ends, and why: each is a known bug, and
/// the test fails once it is fixed, so that the entry goes.
const CRLF_KNOWN: &[(&str, &str)] = &[(
    "tests/corpus/marina-unclosed-string.toml",
    "the TOML parser reports a string left open at a CRLF as `expected non-double-quote visible \
     characters` at the CR, not `expected \"` at the line end (compiler/syntax/syntax_error.rs)",
)];

#[test]
fn crlf_files_report_what_lf_files_report() {
    let mut differ = Vec::new();
    let mut known_and_fixed = Vec::new();
    for path in device_files() {
        if let Some((known, _)) = CRLF_KNOWN.iter().find(|(known, _)| path.ends_with(known)) {
            let source = std::fs::read_to_string(&path).unwrap().replace("\r\n", "\n");
            if render("f.toml", &source) == render("f.toml", &source.replace('\n', "\r\n")) {
                known_and_fixed.push(*known);
            }
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap().replace("\r\n", "\n");
        let (human, json) = render("f.toml", &source);
        let (crlf_human, crlf_json) = render("f.toml", &source.replace('\n', "\r\n"));
        if human != crlf_human {
            differ.push(format!("{}:\n{human}\n{crlf_human}", path.display()));
        }
        let strip = |json: &str| {
            let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
            for diagnostic in value["files"][0]["diagnostics"].as_array_mut().unwrap() {
                diagnostic.as_object_mut().unwrap().remove("fix");
            }
            value
        };
        if strip(&json) != strip(&crlf_json) {
            differ.push(format!("{}:\n{json}\n{crlf_json}", path.display()));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
    assert!(known_and_fixed.is_empty(), "fixed: remove them from CRLF_KNOWN: {known_and_fixed:?}");
}

#[test]
fn fixes_keep_a_crlf_file_crlf() {
    let mut fixed_some = 0;
    for path in device_files() {
        let source = std::fs::read_to_string(&path).unwrap().replace("\r\n", "\n");
        let crlf = source.replace('\n', "\r\n");
        let fixed = asenet::fix_all(&source, true);
        let crlf_fixed = asenet::fix_all(&crlf, true);
        assert_eq!(crlf_fixed.source, fixed.source.replace('\n', "\r\n"), "{}", path.display());
        fixed_some += usize::from(fixed.applied > 0);
        // The editor's "allow it here" action, on every finding.
        for diagnostic in asenet::check(&crlf).diagnostics {
            if let Some(fix) = asenet::fix::allow_with_reason(&crlf, &diagnostic) {
                let allowed = asenet::fix::apply(&crlf, [&fix]).source;
                assert!(!allowed.replace("\r\n", "").contains('\n'), "{}: {allowed}", path.display());
            }
        }
    }
    assert!(fixed_some > 5, "{fixed_some} files fixed");
}
