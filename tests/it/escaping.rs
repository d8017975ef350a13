//! One escaper per output language (`compiler/escape.rs`), each fed the same hostile names
//! (`asenet::escape::HOSTILE_NAMES`) and its output read back by a parser of the language
//! where one runs here: tree-sitter's PowerShell grammar, `named-checkzone`, Graphviz `dot`,
//! serde_json, serde_saphyr, and a CommonMark code-span scanner. Then the commands that
//! embed names, end to end: `diff --emit` and `--format markdown` with hostile file names
//! (issue 21 finding 1, first seen failing on main 42ff951's binary), and switch names with
//! newlines and quotes refused by ASE401.

use std::path::Path;
use std::process::Command;

use asenet::escape::{self, HOSTILE_NAMES};

use crate::powershell::{commands, parse, problems};
use crate::support::{repo_root, scratch_dir, tool_available};
use crate::writer::{binary, run_in, store_pair};

fn err(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

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

/// The text of a Markdown line outside its code spans, as CommonMark reads code spans: a
/// run of N backticks opens one, the next run of exactly N closes it, and a run with no
/// closer is literal text.
fn outside_code_spans(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let run_at = |at: usize| chars[at..].iter().take_while(|&&c| c == '`').count();
    let mut outside = String::new();
    let mut at = 0;
    while at < chars.len() {
        if chars[at] == '`' && (at == 0 || chars[at - 1] != '\\') {
            let length = run_at(at);
            let mut close = at + length;
            let mut closed = None;
            while close < chars.len() {
                if chars[close] == '`' {
                    let other = run_at(close);
                    if other == length {
                        closed = Some(close + other);
                        break;
                    }
                    close += other;
                } else {
                    close += 1;
                }
            }
            match closed {
                Some(end) => at = end,
                None => {
                    outside.extend(&chars[at..at + length]);
                    at += length;
                }
            }
        } else {
            outside.push(chars[at]);
            at += 1;
        }
    }
    outside
}

#[test]
fn the_code_span_scanner_sees_a_name_break_out() {
    assert_eq!(outside_code_spans("a `b` c"), "a  c");
    assert_eq!(outside_code_spans("`a`![x](y)`b`"), "![x](y)");
    assert_eq!(outside_code_spans("``a`b`` c"), " c");
}

#[test]
fn a_markdown_code_span_holds_any_name() {
    for name in HOSTILE_NAMES {
        let line = format!("### {} → x", escape::markdown::code(name));
        assert_eq!(line.lines().count(), 1, "{name:?}: {line}");
        assert_eq!(outside_code_spans(&line), "###  → x", "{name:?}: {line}");
    }
    for name in HOSTILE_NAMES {
        let block = escape::markdown::code_block("powershell", &format!("{name}\n```\n"));
        let fence = block.lines().next().unwrap().trim_end_matches("powershell");
        let closers = block.lines().skip(1).filter(|line| line.trim_start().starts_with(fence)).count();
        assert_eq!(closers, 1, "{name:?}: only the last line closes the block: {block}");
    }
}

#[test]
fn json_and_yaml_serializers_read_every_name_back() {
    for name in HOSTILE_NAMES {
        let json = escape::json::string(name);
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), *name);
        assert!(!json.contains('\n'));
    }
    // A YAML artifact: services.yaml with each name as a LoadBalancer's sharing key, a
    // free-form annotation value (selector values are validated as Kubernetes labels).
    let (base, _) = store_pair();
    for name in HOSTILE_NAMES.iter().filter(|name| !name.is_empty() && !name.contains('\0')) {
        let value = escape::json::string(name);
        let source = base.replacen("name = \"api\"\n", &format!("name = \"api\"\nshare_ip = {value}\n"), 1);
        let built = match asenet::build(&source, &asenet::emit::Previous::default()) {
            Ok(built) => built,
            Err(refused) => panic!("{name:?}: {refused:?}"),
        };
        let yaml = &built.files.iter().find(|file| file.path == "kubernetes/services.yaml").unwrap().contents;
        let documents: Vec<serde_json::Value> = yaml
            .split("\n---\n")
            .map(|document| {
                serde_saphyr::from_str(document).unwrap_or_else(|error| panic!("{name:?}: {error}\n{yaml}"))
            })
            .collect();
        let api = documents.iter().find(|document| document["metadata"]["name"] == "api").unwrap();
        let key = &api["metadata"]["annotations"]["metallb.universe.tf/allow-shared-ip"];
        assert_eq!(key, *name, "{name:?}\n{yaml}");
    }
}

#[test]
fn sarif_and_json_reports_carry_any_file_name() {
    let source = std::fs::read_to_string(repo_root().join("tests/fixtures/ASE208/fires.toml")).unwrap();
    for name in HOSTILE_NAMES.iter().filter(|name| !name.is_empty() && !name.contains('\0')) {
        for format in ["json", "sarif", "github"] {
            let output = crate::support::asenet(
                &["check", "--format", format, "--stdin-filename", name, "-"],
                source.as_bytes(),
            );
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            match format {
                "json" => {
                    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
                    assert_eq!(report["files"][0]["path"], **name);
                }
                "sarif" => {
                    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
                    let violations = crate::support::schema_violations(&crate::formats::sarif_schema(), &log);
                    assert!(violations.is_empty(), "{name:?}: {violations:#?}");
                }
                _ => {
                    // One workflow command per diagnostic: a name cannot start another.
                    assert_eq!(text.lines().count(), 1, "{name:?}: {text}");
                    assert!(text.starts_with("::warning file=") || text.starts_with("::error file="), "{text}");
                }
            }
        }
    }
}

#[test]
fn zone_names_load_in_named_checkzone() {
    if !tool_available(
        "named-checkzone (apt-get install bind9-utils)",
        Command::new("named-checkzone").arg("-v").output().map(|_| ()).map_err(|error| error.to_string()),
    ) {
        return;
    }
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
fn dot_labels_draw_one_node_each() {
    let has_dot = Command::new("dot").arg("-V").output().map(|_| ()).map_err(|error| error.to_string());
    if !tool_available("Graphviz dot (apt-get install graphviz)", has_dot) {
        return;
    }
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

// ---- end to end ----

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

/// A switch name with a newline or a quote: the device refuses it, so `check` reports it
/// (ASE401) and `build` writes nothing even where `[lint]` allows ASE401.
#[test]
fn switch_names_with_newlines_and_quotes_are_refused() {
    let (base, _) = store_pair();
    for name in ["vswitch\nport3", "vswitch'port3", "vswitch\"port3", "vswitch`port3", "$(x)", " vswitch"] {
        let source = base.replace("[switches.vswitch-port3]", &format!("[switches.{}]", escape::json::string(name)));
        let checked = asenet::check(&source);
        assert!(
            checked.diagnostics.iter().any(|d| d.code() == "ASE401" && d.message.contains("switch name")),
            "{name:?}: {:?}",
            checked.diagnostics
        );
        let allowed = format!("[lint]\nallow = [\"ASE401\"]\n\n{source}");
        assert!(asenet::build(&allowed, &asenet::emit::Previous::default()).is_err(), "{name:?}");
    }
    let dir = scratch_dir("escape-switch");
    std::fs::write(dir.join("store.toml"), base.replace("[switches.vswitch-port3]", "[switches.\"sw\\nx\"]")).unwrap();
    let output = run_in(&dir, &[], &["check", "store.toml"]);
    assert_eq!(output.status.code(), Some(1), "{}", err(&output));
    assert!(err(&output).contains("switch name `sw\\nx` contains the character \\u{a}"), "{}", err(&output));
}
