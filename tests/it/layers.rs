//! The module graph of `compiler/` is layered: a module may name only its own layer or
//! the layers below it (ARCHITECTURE.md draws them). This reads every `crate::...` path in
//! every source file, `use` lines and inline paths alike, and fails on one that reaches up.

use std::path::Path;

use crate::support::repository_files;

/// Bottom to top. A module may use any module of its own layer or a lower one.
const LAYERS: &[&[&str]] = &[
    // Text for messages, and one escaper per output language.
    &["text", "escape"],
    &["diagnostic"],
    &["model"],
    &["syntax"],
    &["resolve"],
    // The fleet rules are in the registry (`rules::RULES`) beside the device rules.
    &["rules", "fleet"],
    // `import` reads the device's exports into a device file's text, beside the pipeline.
    &["emit", "query", "plan", "fix", "import"],
    // What an editor shows, over the model, the queries and the fix engine.
    &["ide"],
    // The crate root (`crate::check`, `crate::build`) runs the pipeline, and `incremental`
    // runs it again after an edit; `cli` is the edge.
    &["lib", "incremental", "cli", "main"],
    // Test support behind the `testing` feature (generator, invariants): it drives the
    // pipeline, and nothing else in the crate may use it.
    &["testing"],
];

fn layer(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| panic!("compiler/{module} is in no layer: add it to LAYERS here and to ARCHITECTURE.md"))
}

/// The top-level modules a line names through `crate::`, `use crate::{a, b}` included.
fn named_modules(line: &str) -> Vec<String> {
    let mut named = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let preceded_by_word = rest[..at].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_');
        rest = &rest[at + "crate::".len()..];
        if preceded_by_word {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            named.extend(group.split(',').filter_map(|item| item.trim().split("::").next()).map(str::to_owned));
        } else {
            let ident: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            named.push(ident);
        }
    }
    named.retain(|name| !name.is_empty() && name != "self");
    named
}

#[test]
fn no_module_imports_from_a_higher_layer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("compiler");
    let files = repository_files(&["compiler"], "rs");
    let mut violations = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&root).unwrap();
        let module = relative.components().next().unwrap().as_os_str().to_str().unwrap().trim_end_matches(".rs");
        let own = layer(module);
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            // Unit tests at the end of a file drive the whole pipeline (`crate::check`).
            if line.trim_start().starts_with("#[cfg(test)]") {
                break;
            }
            let code = line.split("//").next().unwrap_or("");
            for named in named_modules(code) {
                // Items of the crate root other than modules (`crate::check`) are the top.
                let target = if LAYERS.iter().any(|layer| layer.contains(&named.as_str())) {
                    layer(&named)
                } else {
                    layer("lib")
                };
                if target > own {
                    violations.push(format!(
                        "compiler/{}:{}: `{module}` uses `crate::{named}`",
                        relative.display(),
                        number + 1
                    ));
                }
            }
        }
    }
    assert!(violations.is_empty(), "imports from a higher layer:\n{}", violations.join("\n"));
}

#[test]
fn every_module_is_in_a_layer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("compiler");
    for entry in std::fs::read_dir(&root).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        layer(name.trim_end_matches(".rs"));
    }
}

#[test]
fn the_scanner_sees_grouped_and_inline_paths() {
    assert_eq!(named_modules("use crate::{model, rules::RULES};"), ["model", "rules"]);
    assert_eq!(named_modules("let x = crate::text::list(&names);"), ["text"]);
    assert_eq!(named_modules("pub static X: $crate::diagnostic::Rule"), ["diagnostic"]);
    assert!(named_modules("use ipnet::Ipv4Net;").is_empty());
}

#[test]
fn only_syntax_sees_toml() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("compiler");
    let files = repository_files(&["compiler"], "rs");
    let outside: Vec<String> = files
        .iter()
        .filter(|file| !file.starts_with(root.join("syntax")))
        .filter(|file| std::fs::read_to_string(file).unwrap().lines().any(|line| line.contains("toml::")))
        .map(|file| file.display().to_string())
        .collect();
    assert!(outside.is_empty(), "TOML types outside `syntax`: {outside:?}");
}

/// The crates of the feature `consumers` (jsonschema, tree-sitter) are optional dependencies
/// only because cargo has no optional dev-dependencies: the library never names them.
#[test]
fn only_the_consumer_tests_use_the_consumers_crates() {
    let files = repository_files(&["compiler"], "rs");
    let users: Vec<String> = files
        .iter()
        .filter(|file| {
            let text = std::fs::read_to_string(file).unwrap();
            ["jsonschema", "tree_sitter"].iter().any(|name| text.contains(&format!("{name}::")))
        })
        .map(|file| file.display().to_string())
        .collect();
    assert!(users.is_empty(), "the library uses a crate of the consumer tests: {users:?}");
}
