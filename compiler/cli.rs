//! The command line: the only module that reads files, writes output and picks exit codes.

// The one place that may print (Cargo.toml's [lints] deny it everywhere else).
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

use std::ffi::{OsStr, OsString};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::diagnostic::human::{self, Style};
use crate::diagnostic::json::{self, FileReport, Unreadable};
use crate::diagnostic::{self, Diagnostic, Lookup, Severity};
use crate::diagnostic::{github, sarif};
use crate::rules::RULES;

/// Compiler and linter for the network of an Azure Stack Edge Kubernetes device.
#[derive(Parser, Debug)]
// `bin_name`: clap would take the name from argv[0], so Windows would print `asenet.exe`
// in every usage line.
#[command(name = "asenet", bin_name = "asenet", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check device files and report every problem.
    Check {
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
    /// Every object that owns or contains an address, in the files given or the fleet.
    Which {
        address: std::net::Ipv4Addr,
        /// Device files; without any, the fleet.
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        #[arg(long, value_name = "FILE", conflicts_with = "files")]
        fleet: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// The lowest free prefixes of a size that overlap nothing the site can reach.
    Free {
        /// The prefix length wanted: `/28` or `28`.
        #[arg(long, value_parser = parse_size)]
        size: u8,
        /// Search inside this prefix (default: 10.0.0.0/8, then 172.16.0.0/12, then 192.168.0.0/16).
        #[arg(long = "in", value_name = "PREFIX")]
        within: Option<ipnet::Ipv4Net>,
        /// Only what this fleet site's devices reach counts as taken.
        #[arg(long, value_name = "NAME")]
        site: Option<String>,
        /// How many prefixes to list.
        #[arg(long, default_value_t = 1)]
        count: usize,
        /// Device files; without any, the fleet.
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        #[arg(long, value_name = "FILE", conflicts_with = "files")]
        fleet: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Draw a device's topology (FILE) or the fleet's (`--fleet`, or no FILE).
    Graph {
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        #[arg(long, value_name = "FILE", conflicts_with = "file")]
        fleet: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = fleet::GraphFormat::Dot)]
        format: fleet::GraphFormat,
    },
    /// Show what changing a device file does to the running device, classified.
    Diff(diff::Args),
    /// Write a device file from the device's own exports (`Get-DeviceConfiguration`, ...).
    Import(import::Args),
    /// Print a rule's documentation.
    Explain {
        /// A rule code (`ASE203`) or name (`next-hop-off-link`).
        #[arg(value_parser = Candidates(rule_candidates), hide_possible_values = true)]
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
        #[arg(value_parser = Candidates(subcommand_candidates), hide_possible_values = true)]
        command: Option<String>,
    },
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

/// Every rule code, then every rule name, for `explain`.
fn rule_candidates() -> Vec<PossibleValue> {
    let codes = RULES.iter().map(|rule| PossibleValue::new(rule.code).help(rule.name));
    codes.chain(RULES.iter().map(|rule| PossibleValue::new(rule.name).help(rule.code))).collect()
}

/// Every subcommand, for `man`.
fn subcommand_candidates() -> Vec<PossibleValue> {
    static COMMAND: std::sync::LazyLock<clap::Command> = std::sync::LazyLock::new(Cli::command);
    COMMAND.get_subcommands().map(|sub| PossibleValue::new(sub.get_name())).collect()
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
mod fleet;
mod parallel;
mod walk;
mod write;

/// `--size /28` or `--size 28`.
fn parse_size(text: &str) -> Result<u8, String> {
    let digits = text.strip_prefix('/').unwrap_or(text);
    match digits.parse::<u8>() {
        Ok(size) if size <= 32 => Ok(size),
        _ => Err(format!("`{text}` is not a prefix length from /0 to /32")),
    }
}
mod diff;
mod fix;
mod git;
mod import;
mod manual;
pub mod server;

/// Exit status: 0 no errors, 1 the input has errors, 2 the command could not run; each
/// command's page in `manual` says what they mean for it.
const FAILURE: u8 = 1;
const CANNOT_RUN: u8 = 2;

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
        Command::Check { files, fleet: fleet_file, format, deny_warnings, stdin_filename, fix, unsafe_fixes, diff } => {
            if fix || diff || unsafe_fixes {
                fix::run(&files, format, deny_warnings, &stdin_filename, fix::Mode { diff, unsafe_fixes })
            } else if fleet_file.is_some() || files.is_empty() {
                fleet::check(fleet_file.as_deref(), format, deny_warnings)
            } else {
                check(&files, format, deny_warnings, &stdin_filename)
            }
        }
        Command::Which { address, files, fleet: fleet_file, format } => {
            fleet::which(address, &files, fleet_file.as_deref(), format == RulesFormat::Json)
        }
        Command::Free { size, within, site, count, files, fleet: fleet_file, format } => fleet::free(
            size,
            within,
            site.as_deref(),
            count,
            &files,
            fleet_file.as_deref(),
            format == RulesFormat::Json,
        ),
        Command::Graph { file, fleet: fleet_file, format } => {
            fleet::graph(file.as_deref(), fleet_file.as_deref(), format)
        }
        Command::Build { file, out, check, diff, no_wait, stdin_filename } => {
            build::run(&file, &out, &build::Options { check, diff, no_wait }, &stdin_filename)
        }
        Command::Diff(args) => diff::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Explain { code } => explain(&code),
        Command::Rules { format } => list_rules(format),
        Command::Server => server::run(),
        Command::Schema => print(crate::syntax::schema::json_schema(RULES).as_bytes()),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command(), "asenet", &mut out);
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
    let name = subcommand.unwrap_or("asenet");
    clap_mangen::Man::new(page).source(source).render(&mut out).expect("writing to a Vec cannot fail");
    let rendered = String::from_utf8(out).expect("clap_mangen writes UTF-8");
    // EXIT STATUS after the options and commands, before VERSION; EXAMPLES at the end
    // (man-pages(7) order). Both from the text `--help` ends with.
    let (exit_status, examples) = manual::page(name).map(manual::roff_sections).unwrap_or_default();
    let at = rendered.find("\n.SH VERSION").map_or(rendered.len(), |at| at + 1);
    let page = format!("{}{exit_status}{}{examples}", &rendered[..at], &rendered[at..]);
    print(page.as_bytes())
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
        let source = String::from_utf8_lossy(&bytes).into_owned();
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
fn report(inputs: &[Input], unreadable: &[(String, String)], format: Format) -> ExitCode {
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
fn deny(diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics.iter_mut().filter(|diagnostic| diagnostic.severity == Severity::Warning) {
        diagnostic.severity = Severity::Error;
        let note = "an error because of `--deny-warnings`";
        diagnostic.help = Some(match diagnostic.help.take() {
            Some(help) => format!("{help}\n{note}"),
            None => note.to_owned(),
        });
    }
}

/// The name an input is reported under.
fn input_name(path: &Path, stdin_filename: &str) -> String {
    if path.as_os_str() == "-" { stdin_filename.to_owned() } else { path.display().to_string() }
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
                "# {} {} ({})\n\n{}",
                rule.code,
                rule.name,
                rule.severity.as_str(),
                crate::rules::explanation(rule)
            );
            print_stdout(&text)
        }
        Lookup::Unknown(_) => {
            // A code is suggested from its own family only; a name from the names.
            let near = match diagnostic::nearest_code(RULES, code) {
                Some(near) => Some(near),
                None => crate::text::did_you_mean(code, RULES.iter().map(|rule| rule.name)),
            };
            let suggestion = near
                .and_then(|near| RULES.iter().find(|rule| rule.code == near || rule.name == near))
                .map(|rule| format!("; did you mean `{}` ({})?", rule.name, rule.code))
                .unwrap_or_default();
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
