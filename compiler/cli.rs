//! The command line: the only module that reads files, writes output and picks exit codes.

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::diagnostic::human::{self, Style};
use crate::diagnostic::json::{self, FileReport};
use crate::diagnostic::{Diagnostic, Severity};
use crate::diagnostic::{github, sarif};
use crate::rules::{self, RULES};
use crate::suggest::did_you_mean;

/// Compiler and linter for the network of an Azure Stack Edge Kubernetes device.
#[derive(Parser, Debug)]
#[command(name = "asenet", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check device files and report every problem.
    Check {
        /// Device files; `-` reads standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
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
    },
    /// Check a device file, then write its artifacts into DIR.
    Build {
        /// The device file; `-` reads standard input.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The output directory: replaced as a whole, keeping the files asenet did not write.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Write nothing; fail (exit 1) if DIR differs from what would be written.
        #[arg(long)]
        check: bool,
        /// The name to report standard input under.
        #[arg(long, value_name = "NAME", default_value = "<stdin>")]
        stdin_filename: String,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule code (`ASE203`) or name (`next-hop-off-link`).
        code: String,
    },
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Print the JSON Schema of the input (the same as `schemas/asenet.schema.json`).
    Schema,
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff): asenet(1), or asenet-COMMAND(1) for a subcommand.
    Man {
        /// The subcommand whose page to print (`check`, …).
        command: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum RulesFormat {
    Human,
    Json,
}

mod build;

/// Exit status: 0 no errors, 1 the input has errors, 2 the command could not run.
const FAILURE: u8 = 1;
const CANNOT_RUN: u8 = 2;

pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { CANNOT_RUN } else { 0 });
        }
    };
    match cli.command {
        Command::Check { files, format, deny_warnings, stdin_filename } => {
            check(&files, format, deny_warnings, &stdin_filename)
        }
        Command::Build { file, out, check, stdin_filename } => build::run(&file, &out, check, &stdin_filename),
        Command::Explain { code } => explain(&code),
        Command::Rules { format } => list_rules(format),
        Command::Schema => print(crate::syntax::schema::json_schema().as_bytes()),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "asenet", &mut out);
            print(&out)
        }
        Command::Man { command } => manual_page(command.as_deref()),
    }
}

fn manual_page(subcommand: Option<&str>) -> ExitCode {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let page = match subcommand {
        None => command,
        Some(name) => match command.find_subcommand(name) {
            Some(subcommand) => subcommand.clone(),
            None => {
                let names: Vec<&str> = command.get_subcommands().map(|sub| sub.get_name()).collect();
                eprintln!("error: no subcommand `{name}`; pages: {}", names.join(", "));
                return ExitCode::from(CANNOT_RUN);
            }
        },
    };
    let mut out = Vec::new();
    let source = format!("asenet {}", env!("CARGO_PKG_VERSION"));
    clap_mangen::Man::new(page).source(source).render(&mut out).expect("writing to a Vec cannot fail");
    print(&out)
}

/// Writes `bytes` to stdout; exit 2 when it cannot (a closed pipe, a full disk).
fn print(bytes: &[u8]) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(CANNOT_RUN),
    }
}

/// Human diagnostics of one file on stderr, with its summary line.
fn report_human(name: &str, source: &str, diagnostics: &[Diagnostic]) {
    let style = Style { colour: wants_colour(), width: 80 };
    let out = human::render(name, source, diagnostics, style) + &human::summary(name, diagnostics);
    let _ = std::io::stderr().write_all(out.as_bytes());
}

/// One input file: the name to show and its text as the report needs it.
struct Input {
    name: String,
    source: String,
    diagnostics: Vec<Diagnostic>,
}

fn check(files: &[PathBuf], format: Format, deny_warnings: bool, stdin_filename: &str) -> ExitCode {
    let mut read = Vec::with_capacity(files.len());
    for path in files {
        match read_input(path, stdin_filename) {
            Ok(input) => read.push(input),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(CANNOT_RUN);
            }
        }
    }
    let check = |(name, bytes): (String, Vec<u8>)| {
        let checked = crate::check_bytes(&bytes);
        let source = String::from_utf8_lossy(&bytes).into_owned();
        Input { name, source, diagnostics: checked.diagnostics }
    };
    // Several files are checked in parallel; `collect` keeps them in argument order, so the
    // output is the bytes a sequential run prints. One file does without the thread pool,
    // whose start costs an editor hook 0.4 ms.
    let inputs: Vec<Input> =
        if read.len() > 1 { read.into_par_iter().map(check).collect() } else { read.into_iter().map(check).collect() };
    let reports: Vec<FileReport> = inputs
        .iter()
        .map(|input| FileReport { path: &input.name, source: &input.source, diagnostics: &input.diagnostics })
        .collect();
    let output = match format {
        Format::Human => {
            for input in &inputs {
                report_human(&input.name, &input.source, &input.diagnostics);
            }
            String::new()
        }
        Format::Json => json::render(&reports),
        Format::Sarif => sarif::render(&reports),
        Format::Github => github::render(&reports),
    };
    if !output.is_empty() && std::io::stdout().write_all(output.as_bytes()).is_err() {
        return ExitCode::from(CANNOT_RUN);
    }
    let fails = |d: &Diagnostic| d.severity == Severity::Error || deny_warnings;
    let failed = inputs.iter().flat_map(|input| &input.diagnostics).any(fails);
    ExitCode::from(if failed { FAILURE } else { 0 })
}

fn read_input(path: &Path, stdin_filename: &str) -> Result<(String, Vec<u8>), String> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes).map_err(|error| format!("cannot read standard input: {error}"))?;
        return Ok((stdin_filename.to_owned(), bytes));
    }
    let name = path.display().to_string();
    if path.is_dir() {
        return Err(format!("cannot read `{name}`: it is a directory"));
    }
    let bytes = std::fs::read(path).map_err(|error| format!("cannot read `{name}`: {}", describe(&error)))?;
    Ok((name, bytes))
}

fn describe(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}

/// Colour only on a terminal, and never when `NO_COLOR` is set (no-color.org).
fn wants_colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

fn explain(code: &str) -> ExitCode {
    match rules::find(code) {
        Some(rule) => {
            println!(
                "# {} {} ({})\n\n{}",
                rule.code,
                rule.name,
                rule.severity.as_str(),
                rule.documentation().trim_end()
            );
            ExitCode::SUCCESS
        }
        None => {
            let suggestion = did_you_mean(code, RULES.iter().map(|rule| rule.code))
                .map(|code| format!("; did you mean `{code}`?"))
                .unwrap_or_default();
            eprintln!("error: no rule `{code}`{suggestion} (`asenet rules` lists them)");
            ExitCode::from(CANNOT_RUN)
        }
    }
}

fn list_rules(format: RulesFormat) -> ExitCode {
    let output = match format {
        RulesFormat::Human => rules_table(),
        RulesFormat::Json => rules_json(),
    };
    print!("{output}");
    ExitCode::SUCCESS
}

pub fn rules_table() -> String {
    RULES
        .iter()
        .map(|rule| format!("{}  {:<24} {:<8} {}\n", rule.code, rule.name, rule.severity.as_str(), rule.summary))
        .collect()
}

pub fn rules_json() -> String {
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
