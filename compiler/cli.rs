//! The command line: the only module that reads files, writes output and picks exit codes.

// The one place that may print (Cargo.toml's [lints] deny it everywhere else).
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

use std::ffi::{OsStr, OsString};
use std::process::ExitCode;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::rules::RULES;

// Every module of `cli`, here and only here. `output` comes first: its `say!` is in scope
// in the modules declared after it.
#[macro_use]
mod output;
mod input;

// One file per command.
mod build;
mod check;
mod diff;
mod drift;
mod explain;
mod fix;
mod free;
mod graph;
mod import;
mod manual;
mod rules;
pub mod server;
mod which;

// What commands share: the fleet's files, git, walking a fleet's globs, work in parallel,
// and the one writer.
mod fleet;
mod git;
mod parallel;
mod walk;
mod write;

// What every command reads and prints with, for `use super::{...}` in each command's file.
use input::{INPUT_MAX, describe, input_name, read_input};
use output::{AnswerFormat, CANNOT_RUN, FAILURE, print_stdout, report_human};

/// Compiler and linter for the network of an Azure Stack Edge Kubernetes device.
#[derive(Parser, Debug)]
// `bin_name`: clap would take the name from argv[0], so Windows would print `asenet.exe`
// in every usage line.
#[command(name = "asenet", bin_name = "asenet", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Every command: its doc comment is its one-line help, its arguments are its file's `Args`.
#[derive(Subcommand, Debug)]
enum Command {
    /// Check device files and report every problem.
    Check(check::Args),
    /// Check a device file, then write its artifacts into DIR.
    Build(build::Args),
    /// Every object that owns or contains an address, in the files given or the fleet.
    Which(which::Args),
    /// The lowest free prefixes of a size that overlap nothing the site can reach.
    Free(free::Args),
    /// Draw a device's topology (FILE) or the fleet's (`--fleet`, or no FILE).
    Graph(graph::Args),
    /// Show what changing a device file does to the running device, classified.
    Diff(diff::Args),
    /// Compare a device file with what is on the device (its exports), classified as diff does.
    Drift(drift::Args),
    /// Write a device file from the device's own exports (`Get-DeviceConfiguration`, ...).
    Import(import::Args),
    /// Print a rule's documentation.
    Explain(explain::Args),
    /// List every rule.
    Rules(rules::Args),
    /// Run the language server (LSP 3.17) on standard input and output, for editors.
    Server,
    /// Print the JSON Schema of the input (the same as `schemas/asenet.schema.json`).
    Schema,
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff): asenet(1), or asenet-COMMAND(1) for a subcommand.
    Man(manual::Args),
}

/// Accepts any string, and offers `candidates` to shell completion: the command itself
/// says what is wrong with an unknown one (with a suggestion), as a clap enum could not
/// for rule names and codes together.
#[derive(Clone)]
struct Candidates(fn() -> Vec<PossibleValue>);

impl TypedValueParser for Candidates {
    type Value = String;

    fn parse_ref(
        &self,
        command: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(command, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.0)().into_iter()))
    }
}

/// The command tree, with each command's examples and exit statuses at the end of its
/// `--help` (the same text as its manual page's EXAMPLES and EXIT STATUS).
pub fn command() -> clap::Command {
    let mut command = Cli::command();
    if let Some(page) = manual::page("asenet") {
        command = command.after_help(manual::after_help(page));
    }
    for page in manual::PAGES.iter().filter(|page| page.command != "asenet") {
        command = command.mut_subcommand(page.command, |sub| sub.after_help(manual::after_help(page)));
    }
    command
}

pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let parsed = command().try_get_matches_from(args).and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { CANNOT_RUN } else { 0 });
        }
    };
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Which(args) => which::run(&args),
        Command::Free(args) => free::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Drift(args) => drift::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Server => server::run(),
        Command::Schema => print_stdout(crate::syntax::schema::json_schema(RULES)),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command(), "asenet", &mut out);
            print_stdout(out)
        }
        Command::Man(args) => manual::run(&args),
    }
}
