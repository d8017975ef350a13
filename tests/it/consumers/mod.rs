//! The consumer tests: every artifact and every machine-read output through the program or
//! the schema that consumes it. Compiled only with the feature `consumers`, which brings in
//! the crates they need (jsonschema, tree-sitter and its PowerShell grammar), so that a
//! contributor's `cargo test` compiles none of them; `.ci/run` runs them all:
//!
//! ```sh
//! cargo test --locked --features consumers --test it consumers:: -- --include-ignored
//! ```
//!
//! A test that needs a program besides cargo (or root) is `#[ignore]`d with the program and
//! its install command as the reason (`consumer: needs X (apt-get install Y)`): a run without
//! `--include-ignored` lists it as ignored rather than passing it unchecked, and once it runs,
//! a program that cannot run fails it (`support::require`); it never passes having checked
//! nothing.

mod bounds;
mod device_package;
mod dns;
mod escaping;
mod graphviz;
mod json_schema;
mod kubernetes;
mod metallb;
mod neovim;
mod powershell;
mod private5g;
mod redeploy_safety;
mod routes;
mod sarif;

use std::path::{Path, PathBuf};
use std::process::Command;

use asenet::emit::OutputFile;
use asenet::model::Network;
use serde_json::Value;

use crate::support::{examples, repo_root};

/// The examples and the consumer edge cases.
fn inputs() -> Vec<PathBuf> {
    let mut inputs = examples();
    inputs.push(repo_root().join("tests/build/edge-cases.toml"));
    inputs
}

fn network(path: &Path) -> Network {
    asenet::check(&std::fs::read_to_string(path).unwrap()).network.unwrap()
}

fn artifact<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
    &files.iter().find(|file| file.path == path).unwrap_or_else(|| panic!("no {path}")).contents
}

/// Runs `command`; its stdout and stderr together, or why it failed.
fn run(command: &mut Command) -> Result<String, String> {
    let output = command.output().map_err(|error| format!("{command:?}: {error}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    if output.status.success() { Ok(text) } else { Err(format!("{command:?} failed: {text}")) }
}

/// Every way `instance` breaks `schema`, one line each (`/path: what is wrong`). The draft is
/// the schema's own, with its default: draft-07 (SARIF) checks `format` (`uri-reference`, …).
fn schema_violations(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("the schema itself is valid");
    validator.iter_errors(instance).map(|error| format!("{}: {error}", error.instance_path())).collect()
}

/// Kubernetes' DNS-1123 label, `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, 63 characters at most.
fn is_dns_1123_label(text: &str) -> bool {
    let alphanumeric = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    (1..=63).contains(&text.len())
        && text.chars().all(|c| alphanumeric(c) || c == '-')
        && text.starts_with(alphanumeric)
        && text.ends_with(alphanumeric)
}
