//! `asenet rules [--format F]`: the catalogue of every rule, from the registry: a line per
//! rule, JSON, or the Markdown table that starts `docs/rules.md` ([`crate::rules::markdown_table`]).

use std::process::ExitCode;

use clap::ValueEnum;

use super::print_stdout;
use crate::rules::RULES;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// `human` (a line per rule), `json`, or `markdown` (a table, each code linked to its
    /// section of docs/rules.md).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Markdown,
}

pub fn run(args: &Args) -> ExitCode {
    let output = match args.format {
        Format::Human => table(),
        Format::Json => json(),
        Format::Markdown => crate::rules::markdown_table(&crate::diagnostic::rules_page()),
    };
    print_stdout(&output)
}

/// A line per rule: code, name, severity, summary.
fn table() -> String {
    RULES
        .iter()
        .map(|rule| format!("{}  {:<24} {:<8} {}\n", rule.code, rule.name, rule.severity.as_str(), rule.summary))
        .collect()
}

fn json() -> String {
    let rules: Vec<serde_json::Value> = RULES
        .iter()
        .map(|rule| {
            serde_json::json!({
                "code": rule.code,
                "name": rule.name,
                "severity": rule.severity,
                "summary": rule.summary,
                "can_be_allowed": !rule.is_input_error(),
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&rules).expect("rules serialize");
    out.push('\n');
    out
}
