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
    // A name with a hidden character is refused (`a_hidden_character_reaches_no_artifact`).
    for name in HOSTILE_NAMES.iter().filter(|name| !name.is_empty() && !name.contains('\0') && !name.contains(hidden)) {
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

/// Finding (adversarial pass, 2026-12-07): a file name from the repository (in CI the pull
/// request's) was printed as itself in the human report's `[name:line:col]` header, its
/// closing `name: 0 errors, 1 warning` line, `name: 1 fix applied`, `--diff`'s headers and
/// `cannot read `name``:
/// a name with a newline wrote a line of its own, such as a GitHub Actions workflow command
/// (`::error ...`, `::add-mask::`, `::stop-commands::`), and an ESC drove the terminal. Each
/// name is now one line of visible characters there. Run first against main b155cb8: failed.
#[cfg(unix)]
#[test]
fn a_file_name_never_starts_a_line_or_drives_the_terminal_in_the_human_report() {
    let dir = scratch_dir("hostile-file-names");
    let fixable = std::fs::read_to_string(repo_root().join("tests/fixtures/ASE208/fires.toml")).unwrap();
    let names = ["a\n::error file=x::injected\n.toml", "b\n::add-mask::\u{1b}[31m.toml", "c\n::notice::fixed.toml"];
    std::fs::create_dir(dir.join(names[0])).unwrap();
    std::os::unix::fs::symlink("nowhere", dir.join(names[1])).unwrap();
    std::fs::write(dir.join(names[2]), &fixable).unwrap();
    for args in [&["check"][..], &["check", "--diff"][..], &["check", "--fix"][..]] {
        let mut args = args.to_vec();
        args.extend(names);
        let output = run_in(&dir, &[], &args);
        for (stream, text) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            let text = String::from_utf8_lossy(text);
            assert!(!text.contains('\u{1b}'), "{args:?}: ESC on {stream}:\n{text}");
            for line in text.lines() {
                assert!(!line.trim_start().starts_with("::"), "{args:?}: a line of a name on {stream}:\n{text}");
            }
        }
    }
}

/// Whether `c` shows as nothing or reorders the text around it (Unicode's bidirectional
/// controls, its default-ignorable code points, the interlinear annotation marks), or breaks
/// a line where a reader does not expect it (U+2028, U+2029): written here as lists, apart
/// from the escapers' own test, so that each is checked against Unicode rather than itself.
fn hidden(c: char) -> bool {
    matches!(
        c,
        '\u{61C}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{AD}'
            | '\u{34F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{2060}'..='\u{2065}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// The hidden characters of `text`, as escapes, for a failure's message.
fn hidden_in(text: &str) -> Vec<String> {
    text.chars().filter(|&c| hidden(c)).map(|c| c.escape_unicode().to_string()).collect()
}

/// Finding (SAFETY pass of the leftovers, 2026-12-07, "Trojan Source", CVE-2021-42574): a
/// name's bidirectional controls went as themselves into PowerShell strings, Markdown prose and
/// table cells, Mermaid labels and GitHub workflow messages, and its zero-width and other
/// invisible characters into every escaper's output: a reviewer of a script, a pull-request
/// comment or a graph read a name, or a line, other than the one its consumer reads. Every
/// escaper for a language people read now writes each of them as a visible escape; the names
/// still read back exactly (the consumer tests, `toml_strings_keys_and_comments_read_every_name_back`).
/// JSON (`escape::json`) and a GitHub command's `file=` keep the text exact: a program reads
/// them, and `file=` must name the repository's file. Run first against main 5c43987: failed.
#[test]
fn no_escaper_writes_a_hidden_character_as_itself() {
    type Escaper = fn(&str) -> String;
    let escapers: &[(&str, Escaper)] = &[
        ("powershell::single_quoted", escape::powershell::single_quoted),
        ("powershell::comment", escape::powershell::comment),
        ("markdown::code", escape::markdown::code),
        ("markdown::prose", escape::markdown::prose),
        ("markdown::table_cell", escape::markdown::table_cell),
        ("zone::name", escape::zone::name),
        ("zone::comment", escape::zone::comment),
        ("dot::quoted", escape::dot::quoted),
        ("mermaid::label", escape::mermaid::label),
        ("github::data", escape::github::data),
        ("toml_file::string", escape::toml_file::string),
        ("toml_file::key", escape::toml_file::key),
        ("toml_file::comment", escape::toml_file::comment),
        ("terminal::line", escape::terminal::line),
        ("editor::line", escape::editor::line),
    ];
    assert!(HOSTILE_NAMES.iter().filter(|name| name.contains(hidden)).count() >= 3);
    for name in HOSTILE_NAMES {
        for (escaper, escape) in escapers {
            let escaped = escape(name);
            assert!(
                !escaped.contains(hidden),
                "{escaper}({name:?}) writes {:?} as itself: {escaped:?}",
                hidden_in(&escaped)
            );
        }
    }
}

/// Finding (as above): the human report's excerpt of the file showed U+200E, U+200F, U+061C,
/// the zero-width characters, U+FEFF and U+2028 as themselves (it replaced only the overrides
/// and isolates), and a message quoting a switch's name (``switch `...` teams Port3 and
/// Port4``) carried them into every format. Run first against main 5c43987: failed.
#[test]
fn no_report_shows_a_hidden_character_as_itself() {
    let fixture = std::fs::read_to_string(repo_root().join("tests/fixtures/ASE302/fires.toml")).unwrap();
    let name = "vswitch\u{202e}-data\u{200b}\u{200e}\u{61c}";
    let source = fixture
        .replace("[switches.vswitch-data]", &format!("[switches.{}]", escape::json::string(name)))
        .replace("[device]\n", "[device] # \u{200e}\u{200f}\u{61c}\u{200b}\u{feff}\u{2028}\u{2060}\u{e0041}\n");
    assert!(source.contains('\u{200f}') && source.contains('\u{202e}'));
    for format in ["human", "github", "sarif", "json"] {
        let output = crate::support::asenet(
            &["check", "--format", format, "--stdin-filename", "store.toml", "-"],
            source.as_bytes(),
        );
        assert_eq!(output.status.code(), Some(1), "{format}: {}", err(&output));
        for (stream, text) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            let text = String::from_utf8_lossy(text);
            assert!(!text.contains(hidden), "{format}: {stream} shows {:?} as themselves:\n{text}", hidden_in(&text));
        }
    }
    // The excerpt of the line with the comment: its characters are shown, not sent.
    let (human, _) = crate::support::render("store.toml", &source.replace("[device] #", "[device] x = 1 #"));
    assert!(human.contains("ASE002") || human.contains("ASE0"), "{human}");
    assert!(!human.contains(hidden), "{:?}:\n{human}", hidden_in(&human));
}

/// Finding (as above): a switch name is "printable text" to ASE401, and a bidirectional
/// control, a zero-width space or U+FEFF passed as printable: the name went into the device's
/// PowerShell (`-VirtualSwitchName`), the device package's JSON and the graph, where its
/// reviewer reads another name, or another line. The device names its switches in plain
/// words: ASE401 refuses such a name, and `build` writes nothing even where `[lint]` allows
/// ASE401. Run first against main 5c43987: failed.
#[test]
fn switch_names_with_hidden_characters_are_refused() {
    let (base, _) = store_pair();
    for name in
        ["vswitch\u{202e}port3", "vswitch\u{200b}port3", "\u{feff}vswitch", "vswitch\u{2066}x\u{2069}", "sw\u{e0041}"]
    {
        let source = base.replace("[switches.vswitch-port3]", &format!("[switches.{}]", escape::json::string(name)));
        let checked = asenet::check(&source);
        let found: Vec<&String> =
            checked.diagnostics.iter().filter(|d| d.code() == "ASE401").map(|d| &d.message).collect();
        assert!(found.iter().any(|message| message.contains("switch name")), "{name:?}: {:?}", checked.diagnostics);
        assert!(!found.iter().any(|message| message.contains(hidden)), "{name:?}: {found:?}");
        let allowed = format!("[lint]\nallow = [\"ASE401\"]\n\n{source}");
        assert!(asenet::build(&allowed, &asenet::emit::PreviousManifest::default()).is_err(), "{name:?}");
    }
}

/// Finding (as above): what reaches an artifact through a serializer (YAML by serde_saphyr,
/// JSON by serde_json) is written as itself whatever it holds: a `share_ip` key (free text,
/// as MetalLB's annotation is), or a target port name where `[lint]` allows ASE403, put a
/// bidirectional control or a zero-width space into `kubernetes/services.yaml`, where two
/// services a reviewer reads as sharing one address do not, or the reverse. `build` (and
/// `diff`) refuse an artifact that would hold such a character, naming the file and the line.
/// Run first against main 5c43987: failed.
///
/// Finding (hidden characters at check time, 2026-12-07): `check` passed those same files,
/// so CI was green and `build` failed later, at `[device]`. ASE009 (`hidden-character`) now
/// refuses each at the value that holds it, escaped or literal; `[lint]` cannot allow it, and
/// `emit` still refuses the artifacts of such a network (defense in depth). Run first against
/// main 4f0c385: failed.
#[test]
fn a_hidden_character_reaches_no_artifact() {
    let (base, _) = store_pair();
    let previous = asenet::emit::PreviousManifest::default();
    let sharing = |key: &str| {
        base.replacen("name = \"api\"\n", &format!("name = \"api\"\nshare_ip = {}\n", escape::json::string(key)), 1)
    };
    let target_port =
        base.replacen("ports = [{ port = 8443 }]", "ports = [{ port = 8443, target_port = \"h\\u200bttps\" }]", 1);
    assert_ne!(target_port, base);
    let target_port = format!("[lint]\nallow = [\"ASE403\"]\n\n{target_port}");
    let site = std::fs::read_to_string(repo_root().join("examples/ap5gc-4g.toml")).unwrap();
    let hidden_site = site.replacen("customLocations/mine-north-cl\"", "customLocations/mine-north-cl\\u202e\"", 1);
    assert_ne!(hidden_site, site);
    let cases = [
        (sharing("k\u{202e}"), escape::json::string("k\u{202e}"), "kubernetes/services.yaml"),
        (sharing("\u{200b}"), escape::json::string("\u{200b}"), "kubernetes/services.yaml"),
        (sharing("a\u{2066}b\u{2069}"), escape::json::string("a\u{2066}b\u{2069}"), "kubernetes/services.yaml"),
        (target_port, "\"h\\u200bttps\"".to_owned(), "kubernetes/services.yaml"),
        (hidden_site, "\\u202e\"".to_owned(), "private5g/site.parameters.json"),
    ];
    for (source, value, artifact) in cases {
        // `check` refuses the file, at the value that holds the character.
        let checked = asenet::check(&source);
        let found: Vec<_> = checked.diagnostics.iter().filter(|d| d.code() == "ASE009").collect();
        assert_eq!(found.len(), 1, "{:?}\n{source}", checked.diagnostics);
        assert!(found[0].is_error() && source[found[0].span.range()].ends_with(&value), "{found:?}: {value}");
        assert!(!found[0].message.contains(hidden), "{found:?}");
        // `[lint]` cannot allow it.
        let allowed = match source.strip_prefix("[lint]\nallow = [") {
            Some(rest) => format!("[lint]\nallow = [\"ASE009\", {rest}"),
            None => format!("[lint]\nallow = [\"ASE009\"]\n\n{source}"),
        };
        let allowed = asenet::check(&allowed);
        assert!(allowed.diagnostics.iter().any(|d| d.code() == "ASE009" && d.is_error()), "{allowed:?}");
        // `build` writes nothing, and `emit` would refuse the artifact by itself.
        let refused = asenet::build(&source, &previous).unwrap_err();
        assert!(refused.iter().any(|d| d.code() == "ASE009"), "{refused:?}");
        let network = checked.network.expect("a TOML file");
        match asenet::emit::emit(&network, &source, &previous) {
            Ok(files) => {
                let holding: Vec<&str> =
                    files.iter().filter(|file| file.contents.contains(hidden)).map(|file| file.path.as_str()).collect();
                panic!("built, {holding:?} holding a hidden character:\n{source}");
            }
            Err(refused) => {
                let messages: Vec<&String> = refused.iter().map(|d| &d.message).collect();
                assert!(messages.iter().any(|message| message.contains(artifact)), "{messages:?}");
                assert!(!messages.iter().any(|message| message.contains(hidden)), "{messages:?}");
            }
        }
    }
    // A plain key builds, as it did.
    assert!(asenet::build(&sharing("k"), &previous).is_ok());
}

/// Finding (SAFETY pass of the leftovers, 2026-12-07, the red-team pass over the commands): a
/// fleet file's names are free text of the repository (a pull request's), and `which` printed
/// a fleet network's name as itself in its answer (`fleet network `NAME` 10.0.0.0/16`), `free
/// --site` the sites' names in its error, and `graph FILE` the file's name in its "has errors"
/// line: a newline in one wrote a GitHub workflow command of its own (`::error ...`), an ESC
/// drove the terminal, a bidirectional control reordered the line. Each is printed on one
/// visible line now (`escape::terminal::line`). Run first against main 5c43987: failed.
#[cfg(unix)]
#[test]
fn fleet_names_and_file_names_reach_the_terminal_on_one_visible_line() {
    let dir = scratch_dir("hostile-fleet-names");
    let from = repo_root().join("examples/fleet");
    for path in crate::support::repository_files(&["examples/fleet"], "toml") {
        let to = dir.join(path.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&path, &to).unwrap();
    }
    let fleet = std::fs::read_to_string(dir.join("asenet-fleet.toml")).unwrap();
    let hostile = fleet
        .replacen("name = \"hq-lan\"", "name = \"hq-lan\\n::error file=x::injected\\u001b[31m\"", 1)
        .replacen("name = \"store-043\"", "name = \"store\\u202e-043\\n::warning::x\"", 1);
    assert_ne!(hostile, fleet);
    std::fs::write(dir.join("asenet-fleet.toml"), hostile).unwrap();
    let broken = dir.join("g\n::error::x\u{1b}[2J\u{202e}.toml");
    std::fs::write(&broken, "[device]\nname = 1\n").unwrap();
    for args in [
        &["which", "10.0.0.5"][..],
        &["free", "--size", "24", "--site", "nope\n::error::x"],
        &["graph", broken.to_str().unwrap()],
    ] {
        let output = run_in(&dir, &[], args);
        for (stream, text) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            let text = String::from_utf8_lossy(text);
            assert!(!text.contains(['\u{1b}', '\u{202e}']), "{args:?}: ESC or U+202E on {stream}:\n{text}");
            for line in text.lines() {
                assert!(!line.trim_start().starts_with("::"), "{args:?}: a line of a name's own on {stream}:\n{text}");
            }
        }
    }
}

/// Finding (SAFETY pass of the leftovers, 2026-12-07): `build` printed its output directory
/// as itself (`DIR: wrote 16 files`, `DIR: nothing written`, `--check`'s `DIR/FILE: missing`
/// and summary), and the input's name in "it contains the input file": a CI job that names
/// DIR after a repository's file (`--out artifacts/$(basename "$f" .toml)`) let a newline in
/// that name write a GitHub workflow command, and an ESC drive the terminal. Each is on one
/// visible line now. Run first against main 0633580: failed.
#[cfg(unix)]
#[test]
fn builds_output_directory_and_input_are_named_on_one_visible_line() {
    let dir = scratch_dir("hostile-out-names");
    let (base, _) = store_pair();
    std::fs::write(dir.join("store.toml"), &base).unwrap();
    let out = "o\n::error file=x::injected\u{1b}[31m";
    let inside = format!("{out}/i\n::warning::x.toml");
    std::fs::create_dir(dir.join(out)).unwrap();
    std::fs::write(dir.join(&inside), &base).unwrap();
    for args in [
        &["build", "store.toml", "--out", out][..],
        &["build", "store.toml", "--out", out, "--check"],
        &["build", "store.toml", "--out", "fresh\n::error::y", "--check"],
        &["build", &inside, "--out", out],
    ] {
        let output = run_in(&dir, &[], args);
        for (stream, text) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            let text = String::from_utf8_lossy(text);
            assert!(!text.contains('\u{1b}'), "{args:?}: ESC on {stream}:\n{text}");
            for line in text.lines() {
                assert!(!line.trim_start().starts_with("::"), "{args:?}: a line of a name's own on {stream}:\n{text}");
            }
        }
    }
}

/// Finding (as above, one layer down): where DIR, named after a repository's file, is a
/// file, a symbolic link or holds one that the repository planted, the writer's refusal
/// (`cannot write into `DIR`: it is a symbolic link`, `DIR/routes is a symbolic link`) named
/// DIR as itself: the newline of its name wrote a workflow command. Run first against e123045:
/// failed.
#[cfg(unix)]
#[test]
fn the_writers_refusals_name_the_directory_on_one_visible_line() {
    let dir = scratch_dir("hostile-out-refusals");
    let (base, _) = store_pair();
    std::fs::write(dir.join("store.toml"), &base).unwrap();
    let (file, link, holder) = ("f\n::error::x\u{1b}[31m", "l\n::error::y\u{1b}[31m", "d\n::error::z\u{1b}[31m");
    std::fs::write(dir.join(file), "").unwrap();
    std::os::unix::fs::symlink("nowhere", dir.join(link)).unwrap();
    std::fs::create_dir(dir.join(holder)).unwrap();
    std::os::unix::fs::symlink("/tmp", dir.join(holder).join("routes")).unwrap();
    for out in [file, link, holder] {
        let output = run_in(&dir, &[], &["build", "store.toml", "--out", out]);
        assert_eq!(output.status.code(), Some(2), "{out:?}: {}", err(&output));
        let text = err(&output);
        assert!(!text.contains('\u{1b}'), "{out:?}: ESC:\n{text}");
        assert!(!text.lines().any(|line| line.trim_start().starts_with("::")), "{out:?}: a line of its own:\n{text}");
    }
}

/// Finding (SAFETY pass of the leftovers, 2026-12-07): `build --check --diff` printed an
/// artifact of DIR as it found it, and DIR's files are the repository's (a pull request's): an
/// ESC sequence in one cleared the terminal or set its title, a CR not followed by LF started
/// a line of its own for a reader that splits lines at CR (the Actions runner does), there a
/// `::error` workflow command, and a bidirectional control reordered the line. The diff shows
/// such characters as visible escapes now (a hunk with them no longer applies with `git
/// apply`: `asenet build` writes the artifact). Run first against 76eb396: failed.
#[test]
fn builds_diff_shows_a_stale_artifacts_controls_as_escapes() {
    let dir = scratch_dir("hostile-stale-artifact");
    let (base, _) = store_pair();
    std::fs::write(dir.join("store.toml"), &base).unwrap();
    let built = run_in(&dir, &[], &["build", "store.toml", "--out", "out"]);
    assert_eq!(built.status.code(), Some(0), "{}", err(&built));
    let script = dir.join("out/routes/apply-routes.ps1");
    let mut contents = std::fs::read(&script).unwrap();
    contents.extend_from_slice(b"x\r::error file=a::injected\n\x1b[2J\x1b]0;title\x07\nrlo \xe2\x80\xae txt.exe\n");
    std::fs::write(&script, contents).unwrap();
    let output = run_in(&dir, &[], &["build", "store.toml", "--out", "out", "--check", "--diff"]);
    assert_eq!(output.status.code(), Some(1), "{}", err(&output));
    let diff = String::from_utf8_lossy(&output.stdout);
    assert!(diff.contains("injected") && diff.contains("txt.exe"), "{diff}");
    assert!(!diff.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{diff:?}");
    for line in diff.split(['\n', '\r']) {
        assert!(!line.starts_with("::"), "a line of its own: {diff:?}");
    }
}

/// What the language server has an editor show as plain text (`escape::editor::line`): one
/// line whatever the name holds, nothing hidden, and the name still readable in it.
#[test]
fn an_editors_plain_text_is_one_line_of_visible_characters() {
    for name in HOSTILE_NAMES {
        let line = escape::editor::line(name);
        assert!(!line.chars().any(|c| c.is_control() || escape::is_hidden(c)), "{name:?}: {line:?}");
        let kept: String = name.chars().take_while(|c| !c.is_control() && !escape::is_hidden(*c)).collect();
        assert!(line.contains(&kept), "{name:?}: {line:?}");
    }
}
