//! The escapers (`compiler/escape.rs`) read back by the real consumers, fed the same hostile
//! names (`asenet::escape::HOSTILE_NAMES`): tree-sitter's PowerShell grammar, BIND's
//! `named-checkzone`, Graphviz's `dot` and the SARIF 2.1.0 schema; then `diff --emit` with
//! hostile file names end to end (issue 21 finding 1). The escapers' checks that need no
//! consumer are in `escaping.rs`.

use std::path::Path;
use std::process::Command;

use asenet::escape::{self, HOSTILE_NAMES};

use super::powershell::{commands, parse, problems};
use super::sarif::sarif_schema;
use super::{run, schema_violations};
use crate::escaping::{err, outside_code_spans};
use crate::support::{repo_root, require, scratch_dir};
use crate::writer::{binary, store_pair};

#[test]
fn a_powershell_string_is_one_argument_whatever_the_name() {
    for name in HOSTILE_NAMES {
        let script = format!("Write-Output {}\n", escape::powershell::single_quoted(name));
        let tree = parse(&script);
        assert_eq!(problems(&tree, &script), Vec::<String>::new(), "{name:?}: {script}");
        let found = commands(&tree, &script);
        assert_eq!(found.len(), 1, "{name:?}: one command, no other: {found:?}\n{script}");
        assert_eq!(found[0].0, "Write-Output");
        // Expression mode: nothing in it is expanded (no `$` outside single quotes but ours).
        let outside_quotes: String = script.split('\'').step_by(2).collect();
        assert!(!outside_quotes.contains("$("), "{name:?}: {script}");
    }
}

#[test]
fn a_powershell_comment_holds_any_name_on_its_line() {
    for name in HOSTILE_NAMES {
        let script = format!("# for {}\nWrite-Output 'x'\n", escape::powershell::comment(name));
        assert_eq!(script.lines().count(), 2, "{name:?}");
        let tree = parse(&script);
        let found: Vec<String> = commands(&tree, &script).into_iter().map(|(name, _)| name).collect();
        assert_eq!(found, ["Write-Output"], "{name:?}: {script}");
    }
}

/// A report names the file it was given, whatever the name: the SARIF log stays valid.
#[test]
fn sarif_logs_stay_valid_whatever_the_file_name() {
    let source = std::fs::read_to_string(repo_root().join("tests/fixtures/ASE208/fires.toml")).unwrap();
    let schema = sarif_schema();
    for name in HOSTILE_NAMES.iter().filter(|name| !name.is_empty() && !name.contains('\0')) {
        let output =
            crate::support::asenet(&["check", "--format", "sarif", "--stdin-filename", name, "-"], source.as_bytes());
        let log: serde_json::Value = serde_json::from_str(&String::from_utf8_lossy(&output.stdout)).unwrap();
        let violations = schema_violations(&schema, &log);
        assert!(violations.is_empty(), "{name:?}: {violations:#?}");
    }
}

#[test]
#[ignore = "consumer: needs named-checkzone (apt-get install bind9-utils)"]
fn zone_names_load_in_named_checkzone() {
    require(
        "named-checkzone",
        "apt-get install bind9-utils",
        run(Command::new("named-checkzone").arg("-v")).map(|_| ()),
    );
    let dir = scratch_dir("escape-zone");
    let mut zone = String::from(
        "$ORIGIN example.\n$TTL 60\n@ IN SOA ns hostmaster ( 1 60 60 60 60 )\n@ IN NS ns\nns IN A 10.0.0.1\n",
    );
    let names: Vec<&str> = HOSTILE_NAMES
        .iter()
        .copied()
        .filter(|name| !name.is_empty() && !name.starts_with('.') && !name.contains("..") && !name.ends_with('.'))
        .collect();
    for (index, name) in names.iter().enumerate() {
        zone.push_str(&format!(
            "; {}\n{} IN A 10.0.1.{}\n",
            escape::zone::comment(name),
            escape::zone::name(name),
            index + 1
        ));
    }
    let path = dir.join("example.zone");
    std::fs::write(&path, &zone).unwrap();
    let output = Command::new("named-checkzone").args(["-D", "example"]).arg(&path).output().unwrap();
    assert!(output.status.success(), "{}\n{zone}", String::from_utf8_lossy(&output.stdout));
    let dump = String::from_utf8_lossy(&output.stdout);
    let records = dump.lines().filter(|line| line.contains("IN A") && line.contains("10.0.1.")).count();
    assert_eq!(records, names.len(), "{dump}");
}

#[test]
#[ignore = "consumer: needs dot (apt-get install graphviz)"]
fn dot_labels_draw_one_node_each() {
    require("dot", "apt-get install graphviz", run(Command::new("dot").arg("-V")).map(|_| ()));
    let mut graph = String::from("graph g {\n");
    for (index, name) in HOSTILE_NAMES.iter().enumerate() {
        graph.push_str(&format!("  n{index} [label={}];\n", escape::dot::quoted(name)));
    }
    graph.push_str("}\n");
    let dir = scratch_dir("escape-dot");
    let path = dir.join("g.dot");
    std::fs::write(&path, &graph).unwrap();
    let output = Command::new("dot").arg("-Tsvg").arg(&path).output().unwrap();
    assert!(output.status.success(), "{}\n{graph}", err(&output));
    let svg = String::from_utf8_lossy(&output.stdout);
    assert_eq!(svg.matches("class=\"node\"").count(), HOSTILE_NAMES.len(), "{graph}");
    for label in escape::mermaid::label("a\"b\n#c").chars() {
        assert!(!matches!(label, '"' | '\n'));
    }
}

/// A device file's NEW side read from standard input, named `name`, compared with the
/// base, its commands emitted into a new directory: the scripts and the markdown plan.
fn emit_named(name: &str, dir: &Path) -> (std::process::Output, String) {
    let (base, routed) = store_pair();
    let old = dir.join("old.toml");
    std::fs::write(&old, base).unwrap();
    let emitted = dir.join("changes");
    let mut child = Command::new(binary())
        .args(["diff", old.to_str().unwrap(), "-", "--stdin-filename", name, "--format", "markdown", "--emit"])
        .arg(&emitted)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(routed.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let scripts: String = std::fs::read_dir(&emitted)
        .map(|entries| {
            entries.map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap()).collect::<Vec<_>>().join("\n")
        })
        .unwrap_or_default();
    (output, scripts)
}

/// Issue 21 finding 1: a device file named `site\nStart-Process calc.exe #.toml` ended the
/// `#` comment of the emitted `*.apply-routes.ps1`, so the operator who applied it ran the
/// attacker's line; file names with backticks, `![](...)` or `<img ...>` went into the PR
/// comment unescaped.
#[test]
fn hostile_file_names_never_become_code_in_scripts_or_the_plan() {
    for (index, name) in HOSTILE_NAMES.iter().filter(|name| !name.is_empty() && !name.contains('\0')).enumerate() {
        let dir = scratch_dir(&format!("escape-e2e-{index}"));
        let (output, scripts) = emit_named(name, &dir);
        assert_eq!(output.status.code(), Some(0), "{name:?}: {}", err(&output));
        let tree = parse(&scripts);
        assert_eq!(problems(&tree, &scripts), Vec::<String>::new(), "{name:?}:\n{scripts}");
        let called: Vec<String> = commands(&tree, &scripts).into_iter().map(|(command, _)| command).collect();
        assert!(!called.is_empty(), "{name:?}: no script");
        assert!(
            called.iter().all(|command| command.ends_with("HcsNetRoute")),
            "{name:?}: the scripts call something else: {called:?}\n{scripts}"
        );
        let plan = String::from_utf8_lossy(&output.stdout).into_owned();
        let heading = plan.lines().find(|line| line.starts_with("### ")).unwrap_or_else(|| panic!("{plan}"));
        // Both names are code spans: nothing of them is Markdown outside one.
        let outside = outside_code_spans(heading);
        assert_eq!(outside.trim_start_matches("### ").trim(), "→", "{name:?}: {heading}");
    }
}
