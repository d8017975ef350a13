//! `asenet check [FILE...] [--fleet FILE] [--format F] [--deny-warnings] [--fix | --diff]`:
//! checks device files and reports every problem. `--fix` and `--diff` hand over to
//! `cli/fix.rs`, a fleet (`--fleet`, or no FILE) to `cli/fleet.rs`; the report of a run, in
//! each format, is here for all three.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use super::{CANNOT_RUN, FAILURE, input_name, parallel, print_stdout, read_input, report_human};
use crate::diagnostic::json::{self, FileReport, Unreadable};
use crate::diagnostic::{Diagnostic, Severity, github, sarif};
use crate::rules::RULES;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Device files; `-` reads standard input. Without any (or with `--fleet`), the
    /// fleet: `asenet-fleet.toml` here or in a directory above.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Check the fleet this file describes, cross-device rules included.
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    fleet: Option<PathBuf>,
    /// `human` on stderr; `json`, `sarif` (code scanning) and `github` (workflow
    /// commands) on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Warnings fail the run (exit 1).
    #[arg(long)]
    deny_warnings: bool,
    /// The name to report standard input under.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    stdin_filename: String,
    /// Apply the safe fixes in place, then report what is left.
    #[arg(long)]
    fix: bool,
    /// With `--fix` or `--diff`, apply the unsafe fixes too (they change the deployment).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them (exit 1 if there are any).
    #[arg(long)]
    diff: bool,
}

/// How `check` reports: `human` on stderr, the others on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

pub fn run(args: &Args) -> ExitCode {
    if args.fix || args.diff || args.unsafe_fixes {
        let mode = super::fix::Mode { diff: args.diff, unsafe_fixes: args.unsafe_fixes };
        super::fix::run(&args.files, args.format, args.deny_warnings, &args.stdin_filename, mode)
    } else if args.fleet.is_some() || args.files.is_empty() {
        super::fleet::check(args.fleet.as_deref(), args.format, args.deny_warnings)
    } else {
        check_files(&args.files, args.format, args.deny_warnings, &args.stdin_filename)
    }
}

/// One input file: the name to show and its text as the report needs it.
pub struct Input {
    pub name: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

fn check_files(files: &[PathBuf], format: Format, deny_warnings: bool, stdin_filename: &str) -> ExitCode {
    // An unreadable input does not stop the run: the others are still checked and reported,
    // the machine formats say which input could not be read, and the run exits 2.
    let mut read = Vec::with_capacity(files.len());
    let mut unreadable: Vec<(String, String)> = Vec::new();
    for path in files {
        match read_input(path, stdin_filename) {
            Ok(input) => read.push(input),
            Err(message) => {
                say!("error: {message}");
                unreadable.push((input_name(path, stdin_filename), message));
            }
        }
    }
    let check = |(name, bytes): (String, Vec<u8>)| {
        let checked = crate::check_bytes(&bytes);
        // Text as it nearly always is, UTF-8, is kept without a copy.
        let source =
            String::from_utf8(bytes).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
        let mut diagnostics = checked.diagnostics;
        if deny_warnings {
            deny(&mut diagnostics);
        }
        Input { name, source, diagnostics }
    };
    // Several files are checked in parallel; `collect` keeps them in argument order, so the
    // output is the bytes a sequential run prints. One file starts no thread.
    let inputs: Vec<Input> = parallel::map_in_order(read, check);
    report(&inputs, &unreadable, format)
}

/// Reports what was found in `inputs`, and which inputs could not be read, in `format`; the
/// exit status of `check`.
pub fn report(inputs: &[Input], unreadable: &[(String, String)], format: Format) -> ExitCode {
    let reports: Vec<FileReport> = inputs
        .iter()
        .map(|input| FileReport { path: &input.name, source: &input.source, diagnostics: &input.diagnostics })
        .collect();
    let unreadable: Vec<Unreadable> = unreadable.iter().map(|(path, message)| Unreadable { path, message }).collect();
    let output = match format {
        Format::Human => {
            for input in inputs {
                report_human(&input.name, &input.source, &input.diagnostics);
            }
            String::new()
        }
        Format::Json => json::render_run(&reports, &unreadable),
        Format::Sarif => sarif::render_run(&reports, &unreadable, RULES),
        Format::Github => github::render_run(&reports, &unreadable),
    };
    if !output.is_empty() && print_stdout(&output) != ExitCode::SUCCESS {
        return ExitCode::from(CANNOT_RUN);
    }
    if !unreadable.is_empty() {
        return ExitCode::from(CANNOT_RUN);
    }
    let failed = inputs.iter().flat_map(|input| &input.diagnostics).any(Diagnostic::is_error);
    ExitCode::from(if failed { FAILURE } else { 0 })
}

/// `--deny-warnings`: every warning becomes an error, as rustc's `-D warnings` does, so that
/// what fails the run is what every format shows as an error (`::error`, SARIF `error`,
/// JSON `"severity": "error"`, `error[...]`); the help says why.
pub fn deny(diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics.iter_mut().filter(|diagnostic| diagnostic.severity == Severity::Warning) {
        diagnostic.severity = Severity::Error;
        let note = "an error because of `--deny-warnings`";
        diagnostic.help = Some(match diagnostic.help.take() {
            Some(help) => format!("{help}\n{note}"),
            None => note.to_owned(),
        });
    }
}
