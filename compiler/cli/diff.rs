//! `asenet diff OLD NEW` and `asenet diff --git REV [PATH...]`: reads both sides (a file,
//! `-`, or `REV:PATH` through `git show`), checks them as `check` does, and prints the plan
//! that [`crate::plan::plan`] makes of them. `--emit DIR` writes the route commands as
//! scripts into a new or empty DIR.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;

use super::git::{self, Version};
use super::{CANNOT_RUN, FAILURE, print_stdout, read_input, report_human, write};
use crate::Checked;
use crate::diagnostic::Span;
use crate::emit::OutputFile;
use crate::escape::terminal;
use crate::plan::render::{self, Compared};
use crate::plan::{self, Class, Plan, Side};

#[derive(clap::Args, Debug)]
#[command(after_help = "Exit status: 0 the plan stays below --fail-on, 1 it reaches it, 2 a side cannot be \
                        read or has errors.\nClasses and the JSON format: docs/diff.md.")]
pub struct Args {
    /// OLD and NEW: each a file, `-` (standard input, one side at most) or `REV:PATH`, a
    /// file of a git revision (`main:site/store042.toml`); with `--git`, PATHs to limit it to.
    #[arg(value_name = "OLD NEW | PATH", required_unless_present = "git")]
    sides: Vec<String>,
    /// Compare the working tree with REV, for each device file that differs (all, or those
    /// below the PATHs given instead of OLD NEW).
    #[arg(long, value_name = "REV")]
    git: Option<String>,
    /// `human`, `markdown` (a pull-request comment) or `json`; on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit 1 when the plan reaches this class: applies-live, reapply, disruptive, redeploy.
    #[arg(long, value_enum, value_name = "CLASS")]
    fail_on: Option<FailOn>,
    /// Write the device commands (routes, virtual networks, BGP peers) of each plan, and those that undo it, as PowerShell scripts
    /// into DIR, which must be new or empty.
    #[arg(long, value_name = "DIR")]
    emit: Option<PathBuf>,
    /// The name to report standard input under.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    stdin_filename: String,
}

/// `diff`'s formats, which `drift` shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum Format {
    Human,
    Markdown,
    Json,
}

/// How far a change may go before `diff` (or `drift`) exits 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum FailOn {
    AppliesLive,
    Reapply,
    Disruptive,
    Redeploy,
}

impl FailOn {
    pub(super) fn class(self) -> Class {
        match self {
            FailOn::AppliesLive => Class::AppliesLive,
            FailOn::Reapply => Class::Reapply,
            FailOn::Disruptive => Class::Disruptive,
            FailOn::Redeploy => Class::Redeploy,
        }
    }
}

pub fn run(args: &Args) -> ExitCode {
    match try_run(args) {
        Ok(code) => code,
        Err(DiffError::Message(message)) => {
            say!("error: {message}");
            ExitCode::from(CANNOT_RUN)
        }
        Err(DiffError::Reported) => ExitCode::from(CANNOT_RUN),
    }
}

/// Why `diff` stops: both exit 2.
enum DiffError {
    /// A one-line message still to print.
    Message(String),
    /// The diagnostics are printed already.
    Reported,
}

impl From<String> for DiffError {
    fn from(message: String) -> Self {
        DiffError::Message(message)
    }
}

/// One side checked, with its compared artifacts.
struct CheckedSide {
    name: String,
    checked: Checked,
    artifacts: Vec<OutputFile>,
}

fn try_run(args: &Args) -> Result<ExitCode, DiffError> {
    let pairs: Vec<(Version, Version)> = match &args.git {
        Some(rev) => git_pairs(rev, &args.sides)?,
        None => {
            let [old, new] = args.sides.as_slice() else {
                return Err(DiffError::Message("diff takes OLD and NEW, or --git REV [PATH...]".to_owned()));
            };
            if old == "-" && new == "-" {
                return Err(DiffError::Message("only one side can be `-` (standard input)".to_owned()));
            }
            vec![(read_side(old, &args.stdin_filename)?, read_side(new, &args.stdin_filename)?)]
        }
    };
    let mut sides = Vec::with_capacity(pairs.len());
    for (old, new) in pairs {
        // The two sides are independent: checked on two threads.
        let (old, new) = std::thread::scope(|scope| {
            let new = scope.spawn(|| check_side(new));
            (check_side(old), new.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        sides.push((old?, new?));
    }
    let plans: Vec<Plan> = sides.iter().map(|(old, new)| plan::plan(plan_side(old), plan_side(new))).collect();
    let compared: Vec<Compared> = sides
        .iter()
        .zip(&plans)
        .map(|((old, new), plan)| Compared { old: &old.name, new: &new.name, plan, sides: None })
        .collect();
    if let Some(dir) = &args.emit {
        emit(dir, &sides, &plans)?;
    }
    let output = match args.format {
        Format::Human if compared.is_empty() => "no device file differs\n".to_owned(),
        Format::Human => render::human(&compared),
        Format::Markdown => render::markdown(&compared),
        Format::Json => render::json(&compared),
    };
    if print_stdout(&output) != ExitCode::SUCCESS {
        return Ok(ExitCode::from(CANNOT_RUN));
    }
    let reached = match (args.fail_on, render::worst(&compared)) {
        (Some(limit), Some(class)) => class >= limit.class(),
        _ => false,
    };
    Ok(ExitCode::from(if reached { FAILURE } else { 0 }))
}

/// What the plan reads of a checked side.
fn plan_side(checked: &CheckedSide) -> Side<'_> {
    Side {
        network: checked.checked.network.as_ref().expect("a checked side has a network"),
        artifacts: &checked.artifacts,
    }
}

/// Checks one side; its errors are reported as `check` reports them.
fn check_side(version: Version) -> Result<CheckedSide, DiffError> {
    let checked = crate::check_bytes(&version.bytes);
    // Only a report quotes the text: validating 11.7 MB of it again costs a plan 2 ms a side.
    let source = || String::from_utf8_lossy(&version.bytes);
    if checked.has_errors() || checked.network.is_none() {
        report_human(&version.name, &source(), &checked.diagnostics);
        say!("{}: has errors, so there is no plan", terminal::line(&version.name));
        return Err(DiffError::Reported);
    }
    let network = checked.network.as_ref().expect("checked above");
    match crate::emit::emit_compared(network) {
        Ok(artifacts) => Ok(CheckedSide { name: version.name, checked, artifacts }),
        Err(refused) => {
            report_human(&version.name, &source(), &refused);
            say!("{}: has errors, so there is no plan", terminal::line(&version.name));
            Err(DiffError::Reported)
        }
    }
}

/// A side named on the command line: `-`, a file, or `REV:PATH` when no file has that name.
fn read_side(spec: &str, stdin_filename: &str) -> Result<Version, String> {
    let path = Path::new(spec);
    if spec != "-" && path.symlink_metadata().is_err() && spec.contains(':') {
        let bytes =
            git::show(spec)?.ok_or_else(|| format!("cannot read `{}`: git has no such file", terminal::line(spec)))?;
        return Ok(Version { name: spec.to_owned(), bytes });
    }
    let (name, bytes) = read_input(path, stdin_filename)?;
    Ok(Version { name, bytes })
}

/// For `--git REV [PATH...]`: each `.toml` file that differs between REV and the working
/// tree (below the current directory and the PATHs) and is a device file on either side.
fn git_pairs(rev: &str, paths: &[String]) -> Result<Vec<(Version, Version)>, String> {
    let mut pairs = Vec::new();
    for found in git::changed_files(rev, paths)? {
        match found {
            git::Found::Changed { old, new } if has_device_table(&old.bytes) || has_device_table(&new.bytes) => {
                pairs.push((old, new));
            }
            git::Found::Added(new) if has_device_table(&new.bytes) => {
                let (new, rev) = (terminal::line(&new.name), terminal::line(rev));
                say!("{new}: a new device file, not in {rev}: nothing to compare it with");
            }
            git::Found::Removed(old) if has_device_table(&old.bytes) => {
                let (old, rev) = (terminal::line(&old.name), terminal::line(rev));
                say!("{old}: a device file removed since {rev}: not compared");
            }
            _ => {}
        }
    }
    Ok(pairs)
}

/// Whether the bytes, checked, are TOML with a `[device]` table: a device file. Other `.toml`
/// files (Cargo.toml, taplo's) are not compared.
fn has_device_table(bytes: &[u8]) -> bool {
    crate::check_bytes(bytes).network.is_some_and(|network| network.device.header != Span::default())
}

/// Writes `<name>.apply-routes.ps1` and `<name>.undo-routes.ps1` per plan with route
/// commands, into DIR, new or empty, through the writer: every name is planned (and made
/// unique) before the first file is written; none is written over a file.
fn emit(dir: &Path, sides: &[(CheckedSide, CheckedSide)], plans: &[Plan]) -> Result<(), String> {
    let mut files = Vec::new();
    let mut stems: BTreeSet<String> = BTreeSet::new();
    for ((old, new), plan) in sides.iter().zip(plans) {
        if plan.commands().is_empty() {
            continue;
        }
        let stem = unique_stem(&stem(&new.name), &stems);
        stems.insert(stem.clone());
        let undo = plan::plan(plan_side(new), plan_side(old));
        for (suffix, plan, purpose) in [
            ("apply-routes", plan, format!("the device changes from {} to {}", old.name, new.name)),
            ("undo-routes", &undo, format!("the device changes back from {} to {}", new.name, old.name)),
        ] {
            let contents = render::route_script(&new.name, plan, &purpose);
            files.push(write::fresh::NewFile { name: format!("{stem}.{suffix}.ps1"), contents });
        }
    }
    write::fresh::create(dir, &files, "diff --emit")?;
    say!("{}: wrote {} scripts", terminal::line(&dir.display().to_string()), files.len());
    Ok(())
}

/// `stem`, or `stem-2`, `stem-3`, ...: the first that no other file of this run has.
fn unique_stem(stem: &str, taken: &BTreeSet<String>) -> String {
    (1..)
        .map(|n| if n == 1 { stem.to_owned() } else { format!("{stem}-{n}") })
        .find(|candidate| !taken.contains(candidate))
        .expect("some number is free")
}

/// The file name of a side without `.toml`, in letters, digits, `-`, `_` and `.` only.
fn stem(name: &str) -> String {
    let file = name.rsplit(['/', ':', '\\']).next().unwrap_or(name);
    let file = file.strip_suffix(".toml").unwrap_or(file);
    let clean: String =
        file.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    if clean.is_empty() || clean.starts_with('.') { format!("device{clean}") } else { clean }
}
