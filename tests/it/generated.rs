//! Generated files and sections of the repository (the README rule table, the JSON Schema)
//! stay in step with the code. Set `ASENET_UPDATE_GENERATED=1` to rewrite them instead of
//! failing.

use crate::support::repo_root;

const START: &str =
    "<!-- rules:start (generated from the registry by `cargo test`; ASENET_UPDATE_GENERATED=1 rewrites it) -->";
const END: &str = "<!-- rules:end -->";

fn rule_table() -> String {
    let mut table = String::from("| code | rule | severity | fires when |\n|---|---|---|---|\n");
    for rule in asenet::rules::RULES {
        table.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.summary
        ));
    }
    table
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let path = repo_root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find(START).expect("README has the rules:start marker") + START.len();
    let end = readme.find(END).expect("README has the rules:end marker");
    let expected = format!("\n{}", rule_table());
    if readme[start..end] == expected {
        return;
    }
    if std::env::var_os("ASENET_UPDATE_GENERATED").is_some() {
        std::fs::write(&path, format!("{}{expected}{}", &readme[..start], &readme[end..])).unwrap();
        return;
    }
    panic!("README.md's rule table is stale: run `ASENET_UPDATE_GENERATED=1 cargo test`");
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
