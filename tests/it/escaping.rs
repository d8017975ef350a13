//! One escaper per output language (`compiler/escape.rs`), each fed the same hostile names
//! (`asenet::escape::HOSTILE_NAMES`) and its output read back by a parser of the language:
//! serde_json, serde_saphyr, and a CommonMark code-span scanner; reports with hostile file
//! names; switch names with newlines and quotes refused by ASE401. The readers that need a
//! consumer (tree-sitter's PowerShell grammar, `named-checkzone`, Graphviz `dot`, the SARIF
//! schema) and `diff --emit` with hostile file names (issue 21 finding 1, first seen failing
//! on main 42ff951's binary) are in `consumers::escaping`.

use asenet::escape::{self, HOSTILE_NAMES};

use crate::support::{repo_root, scratch_dir};
use crate::support::{run_in, store_pair};

pub(crate) fn err(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The text of a Markdown line outside its code spans, as CommonMark reads code spans: a
/// run of N backticks opens one, the next run of exactly N closes it, and a run with no
/// closer is literal text.
pub(crate) fn outside_code_spans(line: &str) -> String {
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
        let built = match asenet::build(&source, &asenet::emit::PreviousManifest::default()) {
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
                    // Valid SARIF whatever the name: `consumers::escaping`.
                    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
                    let uri =
                        &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
                    assert!(uri.is_string(), "{name:?}: {log:#}");
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
        assert!(asenet::build(&allowed, &asenet::emit::PreviousManifest::default()).is_err(), "{name:?}");
    }
    let dir = scratch_dir("escape-switch");
    std::fs::write(dir.join("store.toml"), base.replace("[switches.vswitch-port3]", "[switches.\"sw\\nx\"]")).unwrap();
    let output = run_in(&dir, &[], &["check", "store.toml"]);
    assert_eq!(output.status.code(), Some(1), "{}", err(&output));
    assert!(err(&output).contains("switch name `sw\\nx` contains the character \\u{a}"), "{}", err(&output));
}

/// `asenet import` writes device files: every name as a TOML string, a TOML key and a comment
/// reads back as itself (the comment on one line, the rest of it still a comment).
#[test]
fn toml_strings_keys_and_comments_read_every_name_back() {
    for name in HOSTILE_NAMES {
        let text = format!(
            "# {}\nname = {}\n[switches.{}]\nports = []\n",
            escape::toml_file::comment(name),
            escape::toml_file::string(name),
            escape::toml_file::key(name)
        );
        let parsed: toml::Table = toml::from_str(&text).unwrap_or_else(|error| panic!("{name:?}: {error}\n{text}"));
        assert_eq!(parsed["name"].as_str(), Some(*name), "{text}");
        let keys: Vec<&String> = parsed["switches"].as_table().unwrap().keys().collect();
        assert_eq!(keys, [name], "{text}");
        assert_eq!(parsed.len(), 2, "{text}");
    }
}
