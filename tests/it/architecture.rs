//! ARCHITECTURE.md stays true where a test can hold it: its code map lists every file of
//! `compiler/` and nothing that is gone; every path, module item and function it names
//! exists; each invariant names a test that exists; each rule's file is named as its rule.
//! And two invariants no other test holds: programs run only at the edge, and no hash map
//! can order an output.

use std::collections::BTreeSet;
use std::path::Path;

use asenet::diagnostic::RuleKind;
use asenet::rules::RULES;

use crate::support::{relative, repo_root, repository_files};

fn architecture() -> String {
    std::fs::read_to_string(repo_root().join("ARCHITECTURE.md")).unwrap()
}

/// The text of the `## {heading}` section, up to the next `## `.
fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let start =
        doc.find(&format!("\n## {heading}\n")).unwrap_or_else(|| panic!("ARCHITECTURE.md has no `## {heading}`"));
    let body = &doc[start + heading.len() + 5..];
    &body[..body.find("\n## ").unwrap_or(body.len())]
}

/// Every `code span` outside fenced blocks, spans across a line break included.
fn code_spans(text: &str) -> Vec<String> {
    let mut prose = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    prose.split('`').skip(1).step_by(2).map(|span| span.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

/// Every `.rs` file of `compiler/`, relative to it, with `/`.
fn compiler_files() -> Vec<String> {
    let root = repo_root().join("compiler");
    repository_files(&["compiler"], "rs")
        .iter()
        .map(|path| path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"))
        .collect()
}

/// The rule a file of `rules/` or `fleet/rules/` is named after, if any.
fn rule_named_by(file: &str) -> Option<&'static asenet::diagnostic::Rule> {
    let stem = file.strip_prefix("fleet/rules/").or_else(|| file.strip_prefix("rules/"))?.strip_suffix(".rs")?;
    RULES.iter().copied().find(|rule| rule.name == stem.replace('_', "-"))
}

#[test]
fn the_code_map_lists_every_file() {
    let doc = architecture();
    let listed: BTreeSet<String> = code_spans(section(&doc, "Code map"))
        .into_iter()
        .filter(|span| span.ends_with(".rs") && !span.contains(['<', ' ']))
        .collect();
    let files = compiler_files();
    let gone: Vec<&String> = listed.iter().filter(|path| !files.contains(path)).collect();
    assert!(gone.is_empty(), "ARCHITECTURE.md's code map lists files compiler/ does not have: {gone:?}");
    // A rule's file is listed once for all, as `rules/<rule_name>.rs`.
    let missing: Vec<&String> =
        files.iter().filter(|file| !listed.contains(*file) && rule_named_by(file).is_none()).collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's code map has no line for {missing:?}: add one (`path`: what it holds) in its section"
    );
}

#[test]
fn every_rule_file_is_named_as_its_rule() {
    let mut wrong = Vec::new();
    for file in compiler_files() {
        let Some(folder) = ["rules/", "fleet/rules/"]
            .into_iter()
            .find(|folder| file.strip_prefix(folder).is_some_and(|rest| !rest.contains('/') && rest != "mod.rs"))
        else {
            continue;
        };
        let text = std::fs::read_to_string(repo_root().join("compiler").join(&file)).unwrap();
        let declared: Vec<&str> = text
            .split("name: \"")
            .skip(1)
            .filter(|_| text.contains("declare_rule!"))
            .filter_map(|rest| rest.split('"').next())
            .collect();
        match rule_named_by(&file) {
            None => wrong.push(format!("compiler/{file} is named after no rule of RULES")),
            Some(rule) => {
                if declared.iter().any(|name| *name != rule.name) {
                    wrong.push(format!("compiler/{file} declares {declared:?}, not only `{}`", rule.name));
                }
                let home = if rule.is_fleet_rule() { "fleet/rules/" } else { "rules/" };
                if folder != home && !rule.is_input_error() {
                    wrong.push(format!("compiler/{file}: {} ({:?}) belongs in compiler/{home}", rule.code, rule.kind));
                }
            }
        }
    }
    for rule in RULES.iter().filter(|rule| matches!(rule.kind, RuleKind::Device | RuleKind::Suppression)) {
        let file = format!("compiler/rules/{}.rs", rule.name.replace('-', "_"));
        if !repo_root().join(&file).exists() {
            wrong.push(format!("{} (`{}`) has no file {file}", rule.code, rule.name));
        }
    }
    for rule in RULES.iter().filter(|rule| rule.kind == RuleKind::Fleet) {
        let file = format!("compiler/fleet/rules/{}.rs", rule.name.replace('-', "_"));
        if !repo_root().join(&file).exists() {
            wrong.push(format!("{} (`{}`) has no file {file}", rule.code, rule.name));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The repository's directories a path may start from; any other path that is not a Rust
/// file is a file asenet reads or writes (`manifest.json`, `kubernetes/services.yaml`).
const FROM_ROOT: &[&str] = &["compiler", "tests", "docs", "schemas", "examples", "bench", "fuzz", ".ci", ".github"];

/// Where a path ARCHITECTURE.md names lives, when it names a file of the repository: from the
/// root for its directories, from `compiler/` for a Rust file or a module's folder (as the
/// code map writes them).
fn repository_path(path: &str) -> Option<std::path::PathBuf> {
    let path = path.split('#').next().unwrap();
    let first = path.split('/').next().unwrap();
    if FROM_ROOT.contains(&first) {
        return Some(repo_root().join(path));
    }
    let module_folder = path.contains('/') && repo_root().join("compiler").join(first).is_dir();
    (path.ends_with(".rs") || module_folder).then(|| repo_root().join("compiler").join(path))
}

/// Whether `text` defines `name`: an item, a field, a variant or a macro of that name, or a
/// `use` that brings it in.
fn defines(text: &str, name: &str) -> bool {
    let words = |line: &str| -> Vec<String> {
        line.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).map(str::to_owned).collect()
    };
    text.lines().any(|line| {
        let line = line.trim_start();
        let tokens = words(line);
        let Some(at) = tokens.iter().position(|token| token == name) else { return false };
        let before: Vec<&str> = tokens[..at].iter().map(String::as_str).collect();
        let item = ["fn", "struct", "enum", "static", "const", "type", "mod", "trait", "macro_rules"];
        before.last().is_some_and(|word| item.contains(word))
            || (line.starts_with("pub") && line.contains(&format!("{name}:")))
            || line.starts_with(&format!("{name},"))
            || line.starts_with(&format!("{name} {{"))
            || line.starts_with(&format!("{name}("))
            || (line.starts_with("pub use") || line.starts_with("pub(crate) use") || line.starts_with("use "))
                && before.iter().all(|word| *word != "as")
    })
}

/// Every file of the module at `dir` (`compiler/a/b`): `b.rs` or `b/`'s files.
fn module_sources(module: &Path) -> Option<Vec<String>> {
    let file = module.with_extension("rs");
    if file.is_file() {
        let mut texts = vec![std::fs::read_to_string(&file).unwrap()];
        if module.is_dir() {
            texts.extend(module_dir_texts(module));
        }
        return Some(texts);
    }
    module.join("mod.rs").is_file().then(|| module_dir_texts(module))
}

fn module_dir_texts(dir: &Path) -> Vec<String> {
    let files = repository_files(&[&relative(dir)], "rs");
    files.iter().map(|path| std::fs::read_to_string(path).unwrap()).collect()
}

/// Why the Rust path `path` (`emit::emit_compared`, `crate::check`, `Section::as_str` is not
/// one) names nothing; `None` when it resolves, or is not a path into the crate.
fn unresolved_item(path: &str) -> Option<String> {
    let path = path.trim_end_matches('!');
    let segments: Vec<&str> = path.strip_prefix("crate::").unwrap_or(path).split("::").collect();
    let compiler = repo_root().join("compiler");
    if path.starts_with("crate::") && segments.len() == 1 {
        let lib = std::fs::read_to_string(compiler.join("lib.rs")).unwrap();
        return (!defines(&lib, segments[0])).then(|| format!("`{path}`: compiler/lib.rs has no `{}`", segments[0]));
    }
    // The longest prefix that is a module of the crate.
    let mut module = compiler.clone();
    let mut depth = 0;
    for segment in &segments {
        let next = module.join(segment);
        if next.with_extension("rs").is_file() || next.join("mod.rs").is_file() {
            module = next;
            depth += 1;
        } else {
            break;
        }
    }
    if depth == 0 {
        return None;
    }
    let texts = module_sources(&module).unwrap();
    let mut rest = segments[depth..].iter();
    let item = rest.next()?;
    if !texts.iter().any(|text| defines(text, item)) {
        return Some(format!("`{path}`: no `{item}` in {}", relative(&module)));
    }
    for member in rest {
        if !texts.iter().any(|text| defines(text, member)) {
            return Some(format!("`{path}`: no `{member}` in {}", relative(&module)));
        }
    }
    None
}

fn is_rust_path(span: &str) -> bool {
    let span = span.trim_end_matches('!');
    span.contains("::")
        && !span.ends_with("::")
        && span.split("::").all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// `snake_case_with_underscores`, `CamelCaseTypes` and `SCREAMING_CONSTANTS`: names specific
/// enough to check; `emit`, `Sink` or `RULES` alone are words as often as names.
fn is_specific_name(span: &str) -> bool {
    let word = span.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !span.is_empty();
    let snake = span.contains('_') && span.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    let screaming =
        span.contains('_') && span.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let humps = span.chars().filter(char::is_ascii_uppercase).count();
    let camel = span.starts_with(|c: char| c.is_ascii_uppercase()) && humps >= 2 && !screaming && !span.contains('_');
    word && (snake || screaming || camel) && !span.starts_with("ASE")
}

#[test]
fn every_path_and_item_named_here_exists() {
    let doc = architecture();
    let spans = code_spans(&doc);
    let sources: Vec<String> = repository_files(&["compiler", "tests/it"], "rs")
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    let mut missing = BTreeSet::new();
    for span in &spans {
        let span = span.as_str();
        if span.contains(['<', '*', ' ', '(', '{', '=', '&']) {
            continue;
        }
        if let Some(path) = repository_path(span) {
            if !path.exists() {
                missing.insert(format!("`{span}`: no such file or directory"));
            }
        } else if span.contains('/') || span.contains('.') {
            // A file asenet reads or writes, not one of the repository.
        } else if is_rust_path(span) {
            missing.extend(unresolved_item(span));
        } else if is_specific_name(span.trim_end_matches('!'))
            && !sources.iter().any(|text| defines(text, span.trim_end_matches('!')))
        {
            missing.insert(format!("`{span}`: nothing in compiler/ or tests/it/ defines it"));
        }
    }
    assert!(missing.is_empty(), "ARCHITECTURE.md names what does not exist:\n{}", Vec::from_iter(missing).join("\n"));
}

/// Each bullet of `## Invariants` names the tests that hold it as `` `tests/…rs`: `test`,
/// `test` ``, or says `(no test: why)`.
#[test]
fn every_invariant_names_a_test_that_exists() {
    let doc = architecture();
    let invariants = section(&doc, "Invariants");
    let mut bullets: Vec<String> = Vec::new();
    for line in invariants.lines() {
        if let Some(start) = line.strip_prefix("- ") {
            bullets.push(start.to_owned());
        } else if line.starts_with("  ") && !bullets.is_empty() {
            let last = bullets.last_mut().unwrap();
            last.push(' ');
            last.push_str(line.trim());
        }
    }
    assert!(bullets.len() >= 10, "ARCHITECTURE.md lists {} invariants", bullets.len());
    let mut wrong = Vec::new();
    for bullet in &bullets {
        let mut named = 0;
        for (at, _) in bullet.match_indices("`tests/") {
            let rest = &bullet[at + 1..];
            let file = &rest[..rest.find('`').unwrap()];
            let path = repo_root().join(file);
            let Ok(text) = std::fs::read_to_string(&path) else {
                wrong.push(format!("{file}: no such test file"));
                continue;
            };
            // `file`: `a`, `b` — the names up to the first that is not a test's.
            let mut tail = &rest[file.len() + 1..];
            if !tail.starts_with(':') {
                continue;
            }
            while let Some(after) = tail.trim_start_matches([':', ',', ' ']).strip_prefix('`') {
                let name = &after[..after.find('`').unwrap()];
                if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
                    break;
                }
                if !text.contains(&format!("fn {name}(")) {
                    wrong.push(format!("{file} has no test `{name}`"));
                }
                named += 1;
                tail = &after[name.len() + 1..];
                if !tail.starts_with(',') {
                    break;
                }
            }
        }
        if named == 0 && !bullet.contains("(no test: ") {
            wrong.push(format!("an invariant names no test, nor says `(no test: why)`: {bullet}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// lib.rs's overview names each module it declares.
#[test]
fn lib_rs_names_every_module() {
    let lib = std::fs::read_to_string(repo_root().join("compiler/lib.rs")).unwrap();
    let overview: String = lib.lines().filter(|line| line.starts_with("//!")).collect::<Vec<_>>().join("\n");
    let modules = lib.lines().filter_map(|line| line.strip_prefix("pub mod ")).map(|rest| rest.trim_end_matches(';'));
    let unnamed: Vec<&str> = modules.filter(|module| !overview.contains(&format!("`{module}`"))).collect();
    assert!(unnamed.is_empty(), "compiler/lib.rs's overview does not name {unnamed:?}");
}

/// Only `cli` runs a program, and only `cli/git.rs` runs git.
#[test]
fn programs_run_only_at_the_edge() {
    let mut found = Vec::new();
    for file in compiler_files() {
        let text = std::fs::read_to_string(repo_root().join("compiler").join(&file)).unwrap();
        for (number, line) in text.lines().enumerate() {
            let runs = line.contains("Command::new(") || line.contains("process::Command");
            let git = line.contains("Command::new(\"git\")");
            if (runs && !file.starts_with("cli")) || (git && file != "cli/git.rs") {
                found.push(format!("compiler/{file}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "a program run outside its place:\n{}", found.join("\n"));
}

/// Output order never depends on hashing: no hash map or set in the crate, but the one the
/// protocol's types demand (an `lsp_types::WorkspaceEdit` of one file).
#[test]
fn no_hash_map_orders_output() {
    let mut found = Vec::new();
    for file in compiler_files().into_iter().filter(|file| file != "cli/server/conversion.rs") {
        let text = std::fs::read_to_string(repo_root().join("compiler").join(&file)).unwrap();
        for (number, line) in text.lines().enumerate() {
            if line.contains("HashMap") || line.contains("HashSet") {
                found.push(format!("compiler/{file}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "use a BTreeMap or a sorted Vec:\n{}", found.join("\n"));
}

#[test]
fn the_checks_of_this_file_see_what_they_must() {
    assert_eq!(code_spans("a `b` c `d\ne` f\n```\n`g`\n```\n"), ["b", "d e"]);
    assert!(is_rust_path("emit::emit_compared") && !is_rust_path("declare_rule!"));
    assert!(unresolved_item("emit::emit_compared").is_none());
    assert!(unresolved_item("emit::no_such_function").is_some());
    assert!(unresolved_item("crate::check").is_none() && unresolved_item("crate::nothing").is_some());
    assert!(unresolved_item("diagnostic::Rule::is_input_error").is_none());
    assert!(unresolved_item("lsp::InlayHint").is_none(), "not a path into the crate");
    assert!(is_specific_name("emit_compared") && is_specific_name("OutputFile") && is_specific_name("CANNOT_RUN"));
    assert!(!is_specific_name("emit") && !is_specific_name("Sink") && !is_specific_name("ASE008"));
    assert!(defines("pub fn emit_compared(network: &Network)", "emit_compared"));
    assert!(defines("pub use rule::{Catalogue, Rule};", "Catalogue"));
    assert!(!defines("let x = emit_compared(network);", "emit_compared"));
    assert!(rule_named_by("rules/next_hop_off_link.rs").is_some() && rule_named_by("rules/mod.rs").is_none());
    assert_eq!(repository_path("cli/build.rs"), Some(repo_root().join("compiler/cli/build.rs")));
    assert_eq!(repository_path("docs/fleet.md#the-rules"), Some(repo_root().join("docs/fleet.md")));
    assert_eq!(repository_path("kubernetes/services.yaml"), None);
}
