//! The command line: the only module that reads files, writes output and picks exit codes.

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::diagnostic::human::{self, Style};
use crate::diagnostic::json::{self, FileReport};
use crate::diagnostic::{self, Diagnostic, Lookup, Severity};
use crate::diagnostic::{github, sarif};
use crate::rules::RULES;

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
        /// Apply the safe fixes in place, then report what is left.
        #[arg(long)]
        fix: bool,
        /// With `--fix` or `--diff`, apply the unsafe fixes too (they change the deployment).
        #[arg(long)]
        unsafe_fixes: bool,
        /// Print the fixes as a unified diff instead of writing them (exit 1 if there are any).
        #[arg(long)]
        diff: bool,
    },
    /// Check a device file, then write its artifacts into DIR.
    Build {
        /// The device file; `-` reads standard input.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The output directory: each artifact replaced atomically, the files asenet did not
        /// write left alone (see docs/build.md).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Write nothing; fail (exit 1) if DIR differs from what would be written.
        #[arg(long)]
        check: bool,
        /// With `--check`: print a unified diff of each differing file on stdout.
        #[arg(long, requires = "check")]
        diff: bool,
        /// Exit 2 at once when another build is writing DIR, instead of waiting for it.
        #[arg(long)]
        no_wait: bool,
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

/// `eprintln!` that cannot panic: a closed stderr (a pager that quit, `2>&-`) is no reason
/// to stop a build halfway or to crash.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod build;
mod fix;
pub mod server;

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
        Command::Check { files, format, deny_warnings, stdin_filename, fix, unsafe_fixes, diff } => {
            if fix || diff || unsafe_fixes {
                fix::run(&files, format, deny_warnings, &stdin_filename, fix::Mode { diff, unsafe_fixes })
            } else {
                check(&files, format, deny_warnings, &stdin_filename)
            }
        }
        Command::Build { file, out, check, diff, no_wait, stdin_filename } => {
            build::run(&file, &out, &build::Options { check, diff, no_wait }, &stdin_filename)
        }
        Command::Explain { code } => explain(&code),
        Command::Rules { format } => list_rules(format),
        Command::Server => server::run(),
        Command::Schema => print(crate::syntax::schema::json_schema(RULES).as_bytes()),
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
                say!("error: {message}");
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
    report(&inputs, format, deny_warnings)
}

/// Reports what was found in `inputs` in `format`; the exit status of `check`.
fn report(inputs: &[Input], format: Format, deny_warnings: bool) -> ExitCode {
    let reports: Vec<FileReport> = inputs
        .iter()
        .map(|input| FileReport { path: &input.name, source: &input.source, diagnostics: &input.diagnostics })
        .collect();
    let output = match format {
        Format::Human => {
            for input in inputs {
                report_human(&input.name, &input.source, &input.diagnostics);
            }
            String::new()
        }
        Format::Json => json::render(&reports),
        Format::Sarif => sarif::render(&reports, RULES),
        Format::Github => github::render(&reports),
    };
    if !output.is_empty() && print_stdout(&output) != ExitCode::SUCCESS {
        return ExitCode::from(CANNOT_RUN);
    }
    let fails = |d: &Diagnostic| d.severity == Severity::Error || deny_warnings;
    let failed = inputs.iter().flat_map(|input| &input.diagnostics).any(fails);
    ExitCode::from(if failed { FAILURE } else { 0 })
}

/// The largest device file asenet reads: far beyond any real device (a thousand services
/// take 100 kB), and a bound on what a link to `/dev/zero` or a runaway generator costs.
const INPUT_MAX: u64 = 128 << 20;

fn read_input(path: &Path, stdin_filename: &str) -> Result<(String, Vec<u8>), String> {
    if path.as_os_str() == "-" {
        let bytes = read_bounded(std::io::stdin().lock())
            .map_err(|error| format!("cannot read standard input: {}", describe(&error)))?;
        return Ok((stdin_filename.to_owned(), bytes));
    }
    let name = path.display().to_string();
    if path.is_dir() {
        return Err(format!("cannot read `{name}`: it is a directory"));
    }
    let bytes = std::fs::File::open(path)
        .and_then(read_bounded)
        .map_err(|error| format!("cannot read `{name}`: {}", describe(&error)))?;
    Ok((name, bytes))
}

/// Reads everything, up to [`INPUT_MAX`] bytes.
fn read_bounded(reader: impl Read) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(INPUT_MAX + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > INPUT_MAX {
        return Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, "larger than 128 MiB"));
    }
    Ok(bytes)
}

/// An IO error as the end of a one-line message: `no such file`, `not a directory`.
fn describe(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file".to_owned(),
        ErrorKind::PermissionDenied => "permission denied".to_owned(),
        ErrorKind::NotADirectory => "a part of the path is not a directory".to_owned(),
        ErrorKind::ReadOnlyFilesystem => "read-only file system".to_owned(),
        ErrorKind::StorageFull => "no space left on the device".to_owned(),
        ErrorKind::FileTooLarge => error.to_string(),
        _ => {
            // The OS text without Rust's "(os error N)".
            let text = error.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_owned()
        }
    }
}

/// Colour only on a terminal, and never when `NO_COLOR` is set (no-color.org).
fn wants_colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

fn explain(code: &str) -> ExitCode {
    match diagnostic::lookup(RULES, code) {
        Lookup::Exact(rule) | Lookup::Loose(rule) => {
            let text = format!(
                "# {} {} ({})\n\n{}\n",
                rule.code,
                rule.name,
                rule.severity.as_str(),
                rule.documentation().trim_end()
            );
            print_stdout(&text)
        }
        Lookup::Unknown(suggestion) => {
            let suggestion = suggestion.map(|code| format!("; did you mean `{code}`?")).unwrap_or_default();
            say!("error: no rule `{code}`{suggestion} (`asenet rules` lists them)");
            ExitCode::from(CANNOT_RUN)
        }
    }
}

fn list_rules(format: RulesFormat) -> ExitCode {
    let output = match format {
        RulesFormat::Human => rules_table(),
        RulesFormat::Json => rules_json(),
    };
    print_stdout(&output)
}

/// Writes `text` to stdout: exit 0, or 2 when it cannot be written (quietly when the reader
/// has gone, as `asenet rules | head -1` does), never a panic.
fn print_stdout(text: &str) -> ExitCode {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(CANNOT_RUN),
        Err(error) => {
            say!("error: cannot write to standard output: {}", describe(&error));
            ExitCode::from(CANNOT_RUN)
        }
    }
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
