//! Inline suppressions (`# asenet: allow(CODE) -- reason`) through the whole pipeline: what
//! they silence, what they cannot, and how they meet `[lint]`.

use std::path::PathBuf;

use crate::support::repo_root;

/// A clean device; `routes` is appended.
fn device(routes: &str) -> String {
    let path: PathBuf = repo_root().join("tests/fixtures/ASE203/quiet.toml");
    let source = std::fs::read_to_string(path).unwrap();
    let base = &source[..source.find("[[routes]]").unwrap()];
    format!("{base}{routes}")
}

fn found(source: &str) -> Vec<(&'static str, String)> {
    asenet::check(source).diagnostics.into_iter().map(|d| (d.code(), d.message)).collect()
}

const OFF_LINK: &str =
    "[[routes]]\ninterface = \"Port3\"\ndestination = \"192.168.20.0/24\"\nnext_hop = \"192.168.20.1\"\n";
const OFF_LINK_2: &str =
    "[[routes]]\ninterface = \"Port3\"\ndestination = \"192.168.21.0/24\"\nnext_hop = \"192.168.21.1\"\n";

#[test]
fn a_suppression_silences_its_own_item_only() {
    let source = device(&format!("# asenet: allow(ASE203) -- proxy ARP\n{OFF_LINK}\n{OFF_LINK_2}"));
    let found = found(&source);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "ASE203");
    assert!(found[0].1.contains("192.168.21.1"), "the second route is not covered: {found:?}");
}

#[test]
fn input_errors_cannot_be_suppressed() {
    let route = "# asenet: allow(ASE004) -- later\n[[routes]]\ninterface = \"Port4\"\ndestination = \"192.168.20.0/24\"\nnext_hop = \"192.168.10.1\"\n";
    let found = found(&device(route));
    assert!(found.contains(&("ASE003", "ASE004 cannot be suppressed".to_owned())), "{found:?}");
    assert!(found.iter().any(|(code, _)| *code == "ASE004"), "ASE004 still fires: {found:?}");
}

#[test]
fn unknown_codes_are_invalid_values_with_a_suggestion() {
    let source = device(&format!("# asenet: allow(ASE2O3) -- typo\n{OFF_LINK}"));
    let checked = asenet::check(&source);
    let unknown = checked.diagnostics.iter().find(|d| d.code() == "ASE003").expect("ASE003");
    assert_eq!(unknown.message, "unknown rule code `ASE2O3`");
    assert_eq!(unknown.primary_label.as_deref(), Some("did you mean `ASE203`?"));
    assert!(checked.diagnostics.iter().any(|d| d.code() == "ASE203"), "nothing was silenced");
}

#[test]
fn malformed_suppressions_are_invalid_values() {
    let source = device(&format!("# asenet: allow ASE203\n{OFF_LINK}"));
    let found = found(&source);
    assert!(
        found.contains(&("ASE003", "invalid suppression comment: expected `allow(` after `asenet:`".to_owned())),
        "{found:?}"
    );
}

#[test]
fn unused_suppressions_are_not_reported_while_the_file_has_input_errors() {
    // A typo in `destination` keeps the route out of the model: ASE203 cannot fire, and
    // saying its suppression is unused would be a consequence of the input error.
    let route = "[[routes]]\ninterface = \"Port3\"\ndestination = \"192.168.20.0/33\"\n# asenet: allow(ASE203) -- proxy ARP\nnext_hop = \"192.168.20.1\"\n";
    let codes: Vec<_> = found(&device(route)).into_iter().map(|(code, _)| code).collect();
    assert_eq!(codes, ["ASE003"]);
}

#[test]
fn suppression_rules_cannot_suppress_themselves_but_lint_moves_them() {
    let source = device(&format!("# asenet: allow(ASE502)\n{OFF_LINK}"));
    let codes: Vec<_> = found(&source).into_iter().map(|(code, _)| code).collect();
    assert_eq!(codes, ["ASE502", "ASE501", "ASE203"], "the comment, the code in it, the route");
    let checked = asenet::check(&source);
    assert_eq!(checked.diagnostics[1].primary_label.as_deref(), Some("ASE502 cannot be silenced by a comment"));

    let allowed = format!("{source}\n[lint]\nallow = [\"ASE501\", \"ASE502\"]\n");
    let codes: Vec<_> = found(&allowed).into_iter().map(|(code, _)| code).collect();
    assert_eq!(codes, ["ASE203"]);
}

#[test]
fn lint_allow_and_a_suppression_of_the_same_rule_are_both_fine() {
    let source = device(&format!("# asenet: allow(ASE203) -- proxy ARP\n{OFF_LINK}\n[lint]\nallow = [\"ASE203\"]\n"));
    assert_eq!(found(&source), Vec::new());
}

/// Issue 24, finding 7: the editor's "allow with a reason" action writes `-- <reason>`, and
/// ASE502 took the placeholder for a reason: a forgotten placeholder passed CI.
#[test]
fn the_placeholder_reason_is_no_reason() {
    let source = "[device]\nname = \"x\"\n[ports.Port2]\naddress = \"10.0.0.5/24\"\ngateway = \"10.0.0.1\"\n\
                  [ports.Port3]\naddress = \"10.0.1.5/24\"\n[[routes]]\ninterface = \"Port3\"\ndestination = \
                  \"10.9.0.0/16\"\n# asenet: allow(ASE203) -- <reason>\nnext_hop = \"10.0.2.1\"\n";
    assert_eq!(crate::support::codes(source), ["ASE502"]);
    let explained = source.replace("<reason>", "10.0.2.1 answers proxy ARP on Port3");
    assert_eq!(crate::support::codes(&explained), Vec::<&str>::new());
}
