//! The malformed-input corpus (`tests/malformed/`): truncated TOML, wrong types, damaged
//! addresses, bytes that are not text. Each file says on its second line which codes it
//! must draw (`# expect: ASE003`); every file must be refused with at least one error that
//! points into the file, and nothing may panic, in checking or in rendering.

use std::collections::BTreeSet;
use std::path::PathBuf;

use asenet::diagnostic::human::{self, Style};
use asenet::diagnostic::json::{self, FileReport};

use crate::support::{asenet, codes, repo_root, stdout_json};

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

#[test]
fn one_missing_bracket_is_one_error_on_the_bracket_line() {
    let source = std::fs::read_to_string(repo_root().join("examples/mini-r-site.toml")).unwrap();
    let broken = source.replacen("dns = [\"172.16.42.1\"]", "dns = [\"172.16.42.1\"", 1);
    assert_ne!(broken, source, "the example still has the line this test breaks");
    let line = broken.lines().position(|line| line.starts_with("dns = [")).unwrap() + 1;
    let output = asenet(&["check", "--format", "json", "-"], broken.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    let diagnostics = stdout_json(&output)["files"][0]["diagnostics"].as_array().unwrap().clone();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "ASE001");
    assert_eq!(diagnostics[0]["line"], line, "on the line with the unclosed `[`");
    assert_eq!(diagnostics[0]["message"], "this `[` is never closed");
}

#[test]
fn many_syntax_errors_are_capped() {
    let source: String = (0..50).map(|n| format!("key{n} = = {n}\n")).collect();
    let output = asenet(&["check", "--format", "json", "-"], source.as_bytes());
    let document = stdout_json(&output);
    let diagnostics = document["files"][0]["diagnostics"].as_array().unwrap();
    assert!(diagnostics.len() <= 3, "{diagnostics:#?}");
    assert!(diagnostics.last().unwrap()["help"].as_str().unwrap().contains("more syntax errors"));
}

/// One valid file in which each required key can be replaced by a wrong type.
pub(crate) const REQUIRED: &str = r#"[device]
name = "store042"

[ports.Port2]
address = "10.10.2.20/24"
gateway = "10.10.2.1"
dns = ["10.10.2.53"]

[ports.Port3]
address = "192.168.10.20/24"

[switches.vswitch-port3]
ports = ["Port3"]
compute = true

[kubernetes]
node_ips = "192.168.10.30-192.168.10.31"
service_ips = "192.168.10.40-192.168.10.49"

[[services]]
name = "web"
namespace = "shop"
ports = [{ port = 443 }]

[[routes]]
interface = "Port3"
destination = "192.168.20.0/24"
next_hop = "192.168.10.1"
"#;

#[test]
fn a_required_key_of_the_wrong_type_is_not_also_missing() {
    assert_eq!(codes(REQUIRED), Vec::<&str>::new(), "the base file is clean");
    let required = [
        ("name = \"store042\"", "name"),
        ("ports = [\"Port3\"]", "ports"),
        ("node_ips = \"192.168.10.30-192.168.10.31\"", "node_ips"),
        ("name = \"web\"", "name"),
        ("ports = [{ port = 443 }]", "ports"),
        ("port = 443", "port"),
        ("interface = \"Port3\"", "interface"),
        ("destination = \"192.168.20.0/24\"", "destination"),
        ("next_hop = \"192.168.10.1\"", "next_hop"),
    ];
    let mut failures = Vec::new();
    for (line, key) in required {
        for wrong in ["5", "true", "\"443\"", "[1]", "{ a = 1 }", "99999999999999999999"] {
            let replacement =
                if line.starts_with("port =") { format!("port = {wrong}") } else { format!("{key} = {wrong}") };
            let source = REQUIRED.replacen(line, &replacement, 1);
            assert_ne!(source, REQUIRED);
            let found = codes(&source);
            if found.contains(&"ASE003") || found.contains(&"ASE001") {
                if found.contains(&"ASE006") {
                    failures.push(format!("`{replacement}` draws {found:?}"));
                }
            } else {
                // A string is the right type for these keys, and 5 is a valid port.
                let string_key = matches!(key, "name" | "interface" | "destination" | "next_hop");
                let valid = (wrong == "\"443\"" && string_key) || (wrong == "5" && key == "port");
                if !valid {
                    failures.push(format!("`{replacement}` is not reported: {found:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
