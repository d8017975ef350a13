//! Generated files of the repository (the rule reference `docs/rules.md`, the JSON Schema)
//! stay in step with the code. Set `ASENET_UPDATE_GENERATED=1` to rewrite them instead of
//! failing.

use crate::support::repo_root;

/// `docs/rules.md`: a table of every rule, then one section per rule, anchored by its
/// lowercase code (`#ase203`), with its `asenet explain` text. Citations of the device facts
/// become links to `device-facts.md`, beside it.
fn rules_page() -> String {
    let mut page = String::from(
        "# Rules\n\n\
         <!-- Generated from the rule registry by `cargo test` (tests/it/generated.rs): do not edit.\n     \
         ASENET_UPDATE_GENERATED=1 cargo test rewrites it. -->\n\n\
         Every rule asenet checks, with what `asenet explain CODE` prints. Input errors (ASE0xx)\n\
         cannot be allowed or suppressed; every other rule can be moved with `[lint]` or a\n\
         suppression comment (see [input-format.md](input-format.md#lint)).\n\n",
    );
    page.push_str(&asenet::rules::markdown_table(""));
    for rule in asenet::rules::RULES {
        page.push_str(&format!(
            "\n<a id=\"{}\"></a>\n\n## {} `{}` ({})\n\n{}\n\n",
            rule.anchor(),
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.summary
        ));
        page.push_str(&explain_as_section(&asenet::rules::explanation(rule)));
    }
    page
}

/// The explain text one heading level down, with each `docs/device-facts.md#anchor` outside
/// code made a link.
fn explain_as_section(doc: &str) -> String {
    let mut out = String::new();
    let mut in_fence = false;
    for line in doc.trim().lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if in_fence || line.trim_start().starts_with("```") {
            out.push_str(line);
        } else if line.starts_with('#') {
            out.push('#');
            out.push_str(line);
        } else {
            out.push_str(&link_facts(line));
        }
        out.push('\n');
    }
    out
}

fn link_facts(line: &str) -> String {
    const PAGE: &str = "docs/device-facts.md#";
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find(PAGE) {
        out.push_str(&rest[..start]);
        let tail = &rest[start + PAGE.len()..];
        let end =
            tail.find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')).unwrap_or(tail.len());
        let anchor = &tail[..end];
        out.push_str(&format!("[{PAGE}{anchor}](device-facts.md#{anchor})"));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn docs_rules_page_matches_the_registry() {
    let path = repo_root().join("docs/rules.md");
    let expected = rules_page();
    if std::fs::read_to_string(&path).is_ok_and(|committed| committed == expected) {
        return;
    }
    if std::env::var_os("ASENET_UPDATE_GENERATED").is_some() {
        std::fs::write(&path, expected).unwrap();
        return;
    }
    panic!("docs/rules.md is stale: run `ASENET_UPDATE_GENERATED=1 cargo test --test it generated`");
}

/// `schemas/asenet.schema.json` is what `asenet schema` prints, generated from the raw input
/// types; editors read the committed file through each example's `#:schema` directive.
#[test]
fn json_schema_file_matches_the_raw_types() {
    let path = repo_root().join("schemas/asenet.schema.json");
    let expected = asenet::syntax::schema::json_schema(asenet::rules::RULES);
    if std::fs::read_to_string(&path).is_ok_and(|committed| committed == expected) {
        return;
    }
    if std::env::var_os("ASENET_UPDATE_GENERATED").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, expected).unwrap();
        return;
    }
    panic!("schemas/asenet.schema.json is stale: run `ASENET_UPDATE_GENERATED=1 cargo test`");
}
