//! Every kind of SARIF log asenet writes (problems, clean files, an input that cannot be
//! read, denied warnings, fixes, a fleet) against the OASIS SARIF 2.1.0 schema, vendored in
//! `tests/sarif/`, as GitHub code scanning and other SARIF readers take it.

use serde_json::Value;

use super::schema_violations;
use crate::support::{asenet, repo_root, stderr, stdout};

/// The vendored OASIS schema, with one repair made here rather than in the file: the pattern
/// of `language` (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`, in `run` and `toolComponent`)
/// has a stray `]` and is not a valid ECMA-262 regular expression, so `jsonschema` refuses the
/// whole schema. asenet never writes `language`; the intended pattern takes its place.
pub(super) fn sarif_schema() -> Value {
    const FLAWED: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    let text = std::fs::read_to_string(repo_root().join("tests/sarif/sarif-schema-2.1.0.json")).unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    for definition in ["run", "toolComponent"] {
        let pattern = schema.pointer_mut(&format!("/definitions/{definition}/properties/language/pattern")).unwrap();
        assert_eq!(pattern, FLAWED, "the known flaw is still there");
        *pattern = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
    }
    assert!(!schema.to_string().contains(FLAWED));
    schema
}

#[test]
fn every_kind_of_sarif_log_is_valid_sarif_2_1_0() {
    let fix = std::fs::read_to_string(repo_root().join("tests/fixtures/ASE208/fires.toml")).unwrap();
    let warning_only = "# asenet: allow(ASE201)\n[device]\nname = \"store042\"\n";
    let several = crate::formats::SEVERAL;
    let name = crate::formats::NAME;
    let cases: [(&str, &[&str], &str, i32); 6] = [
        ("several problems", &["check", "--format", "sarif", "--stdin-filename", name, "-"], several, 1),
        (
            "clean files",
            &["check", "--format", "sarif", "examples/seed-scenario.toml", "examples/mini-r-site.toml"],
            "",
            0,
        ),
        (
            "an input that cannot be read",
            &["check", "--format", "sarif", "no/such/site.toml", "examples/mini-r-site.toml"],
            "",
            2,
        ),
        (
            "denied warnings",
            &["check", "--deny-warnings", "--format", "sarif", "--stdin-filename", "site.toml", "-"],
            warning_only,
            1,
        ),
        ("a fix", &["check", "--format", "sarif", "-"], &fix, 0),
        ("a fleet", &["check", "--format", "sarif", "--fleet", "tests/fleet/ASE602-fires/asenet-fleet.toml"], "", 1),
    ];
    let schema = sarif_schema();
    for (what, args, stdin, exit) in cases {
        let output = asenet(args, stdin.as_bytes());
        assert_eq!(output.status.code(), Some(exit), "{what}: {}", stderr(&output));
        let document: Value = serde_json::from_str(&stdout(&output)).expect("stdout is one JSON document");
        let violations = schema_violations(&schema, &document);
        assert!(violations.is_empty(), "{what}: not valid SARIF 2.1.0:\n{}", violations.join("\n"));
        assert_ne!(document["runs"][0]["results"], Value::Null, "{what}: a run with results");
    }
}
