//! Every rule proves itself with fixtures under `tests/fixtures/CODE/`: files named
//! `fires*.toml` draw the rule (and nothing else), files named `quiet*.toml` are near
//! misses that draw nothing at all. A first-line comment `# also: ASE301 ASE203` lists
//! other codes a firing fixture may draw because they cannot be avoided.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use asenet::diagnostic::RuleKind;
use asenet::rules::RULES;

use crate::support::{codes, render, repo_root, snapshot_each};

fn fixture_dir(code: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(code)
}

fn fixtures(code: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture_dir(code))
        .map(|dir| dir.map(|entry| entry.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// Every `tests/fixtures/*/*.toml`, sorted.
fn every_fixture() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(repo_root().join("tests/fixtures")).unwrap() {
        let dir = dir.unwrap().path();
        if dir.is_dir() {
            files.extend(
                fixtures(file_name(&dir)).into_iter().filter(|path| path.extension().is_some_and(|ext| ext == "toml")),
            );
        }
    }
    files.sort();
    files
}

fn file_name(path: &Path) -> &str {
    path.file_name().unwrap().to_str().unwrap()
}

/// Codes besides the fixture's own that a `# also:` line allows.
fn also_allowed(source: &str) -> BTreeSet<&str> {
    source
        .lines()
        .find_map(|line| line.strip_prefix("# also:"))
        .map(|codes| codes.split_whitespace().collect())
        .unwrap_or_default()
}

#[test]
fn every_rule_has_a_doc_a_firing_fixture_and_a_quiet_fixture() {
    // Fleet rules have fleets for fixtures, under `tests/fleet/` (tests/it/fleet.rs).
    for rule in RULES.iter().filter(|rule| !rule.is_fleet_rule()) {
        let names: Vec<String> = fixtures(rule.code).iter().map(|path| file_name(path).to_owned()).collect();
        assert!(names.iter().any(|name| name.starts_with("fires")), "{} has no fires*.toml fixture", rule.code);
        assert!(names.iter().any(|name| name.starts_with("quiet")), "{} has no quiet*.toml fixture", rule.code);
        for section in ["## What it does", "## Why is this bad?", "## Example", "## Use instead"] {
            assert!(rule.doc.contains(section), "{}'s doc lacks `{section}`", rule.code);
        }
    }
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let codes: BTreeSet<_> = RULES.iter().map(|rule| rule.code).collect();
    let names: BTreeSet<_> = RULES.iter().map(|rule| rule.name).collect();
    assert_eq!(codes.len(), RULES.len(), "duplicate code");
    assert_eq!(names.len(), RULES.len(), "duplicate name");
    for rule in RULES {
        assert!(rule.code.len() == 6 && rule.code.starts_with("ASE"), "{}", rule.code);
        assert!(rule.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", rule.name);
        // Input errors come from `syntax` and `resolve`, suppression rules from applying the
        // comments, fleet rules from `fleet::check_fleet`; every other rule is a check over
        // the model. The code's hundred follows the kind.
        let checked = asenet::rules::CHECKS.iter().any(|(checked, _)| checked == rule);
        assert_eq!(checked, rule.kind == RuleKind::Device, "{}", rule.code);
        let hundred = match rule.kind {
            RuleKind::Input | RuleKind::FleetInput => "ASE0",
            RuleKind::Suppression => "ASE5",
            RuleKind::Fleet => "ASE6",
            RuleKind::Device => "",
        };
        let in_a_kinds_hundred = ["ASE0", "ASE5", "ASE6"].iter().any(|reserved| rule.code.starts_with(reserved));
        if hundred.is_empty() {
            assert!(!in_a_kinds_hundred, "{} is a device rule numbered in another kind's hundred", rule.code);
        } else {
            assert!(rule.code.starts_with(hundred), "{} is numbered outside {hundred}xx", rule.code);
        }
    }
    let mut sorted: Vec<_> = RULES.iter().map(|rule| rule.code).collect();
    sorted.sort_unstable();
    assert_eq!(sorted, RULES.iter().map(|rule| rule.code).collect::<Vec<_>>(), "RULES is in code order");
}

#[test]
fn firing_fixtures_draw_their_rule_and_quiet_ones_draw_nothing() {
    let mut failures = Vec::new();
    for rule in RULES {
        for path in fixtures(rule.code) {
            let source = std::fs::read_to_string(&path).unwrap();
            let found = codes(&source);
            let name = file_name(&path);
            if name.starts_with("fires") {
                let allowed = also_allowed(&source);
                let stray: Vec<_> =
                    found.iter().filter(|code| **code != rule.code && !allowed.contains(*code)).collect();
                if !found.contains(&rule.code) || !stray.is_empty() {
                    failures
                        .push(format!("{}/{name}: expected {} (+ {allowed:?}), found {found:?}", rule.code, rule.code));
                }
            } else if !found.is_empty() {
                failures.push(format!("{}/{name}: expected nothing, found {found:?}", rule.code));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixture_snapshots() {
    let base = repo_root().join("tests/fixtures");
    snapshot_each(&base, &every_fixture(), |path| {
        let source = std::fs::read_to_string(path).unwrap();
        let name = path.strip_prefix(&base).unwrap().to_string_lossy().replace('\\', "/");
        let (human, json) = render(&name, &source);
        insta::assert_snapshot!("human", human);
        insta::assert_snapshot!("json", json);
    });
}

/// `[lint]` moves every lint rule: `allow` silences it on its own firing fixture, `deny`
/// makes each of its diagnostics an error.
#[test]
fn lint_allow_and_deny_move_every_rule() {
    for rule in RULES.iter().filter(|rule| !rule.is_input_error()) {
        for path in fixtures(rule.code).into_iter().filter(|path| file_name(path).starts_with("fires")) {
            let source = std::fs::read_to_string(&path).unwrap();
            let allowed = asenet::check(&format!("{source}\n[lint]\nallow = [\"{}\"]\n", rule.code));
            assert!(
                allowed.diagnostics.iter().all(|d| d.code() != rule.code),
                "{}/{}: `allow` leaves it firing",
                rule.code,
                file_name(&path)
            );
            let denied = asenet::check(&format!("{source}\n[lint]\ndeny = [\"{}\"]\n", rule.code));
            let own: Vec<_> = denied.diagnostics.iter().filter(|d| d.code() == rule.code).collect();
            assert!(!own.is_empty(), "{}/{}: `deny` silenced it", rule.code, file_name(&path));
            assert!(own.iter().all(|d| d.is_error()), "{}/{}: `deny` left a warning", rule.code, file_name(&path));
        }
    }
}

#[test]
fn input_errors_cannot_be_allowed() {
    let source = std::fs::read_to_string(fixture_dir("ASE004").join("fires.toml")).unwrap();
    let checked = asenet::check(&format!("{source}\n[lint]\nallow = [\"ASE004\"]\n"));
    let codes: Vec<_> = checked.diagnostics.iter().map(|d| (d.code(), d.message.as_str())).collect();
    assert!(codes.contains(&("ASE003", "ASE004 cannot be allowed")), "{codes:?}");
    assert!(codes.iter().any(|(code, _)| *code == "ASE004"), "ASE004 still fires: {codes:?}");
}

#[test]
fn a_route_off_the_compute_port_gets_one_fix_from_both_rules() {
    let source = std::fs::read_to_string(repo_root().join("tests/fixtures/ASE301/fires-off-compute.toml")).unwrap();
    let checked = asenet::check(&source);
    let helps: Vec<(&str, &str)> =
        checked.diagnostics.iter().map(|d| (d.code(), d.help.as_deref().unwrap_or(""))).collect();
    assert_eq!(helps.iter().map(|(code, _)| *code).collect::<Vec<_>>(), ["ASE301", "ASE303"]);
    for (code, help) in helps {
        assert!(help.contains("`interface = \"Port3\"`"), "{code}: {help}");
        assert!(!help.contains("give Port4"), "{code} contradicts: {help}");
    }
}

#[test]
fn mixed_protocols_are_all_named() {
    let source = std::fs::read_to_string(repo_root().join("tests/fixtures/ASE404/fires-three-protocols.toml")).unwrap();
    let checked = asenet::check(&source);
    let [diagnostic] = checked.diagnostics.as_slice() else { panic!("{:#?}", checked.diagnostics) };
    assert_eq!(diagnostic.message, "LoadBalancer service `dns` mixes TCP, UDP and SCTP");
    assert!(diagnostic.help.as_deref().unwrap().contains("`dns-sctp`"));
}
