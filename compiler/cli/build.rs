//! `asenet build FILE --out DIR [--check [--diff]] [--no-wait]`: what to write. How it is
//! written (the lock on DIR, staging, the journal, the manifest last, no links, no mounts,
//! removal only of what a hash proves asenet wrote) is the writer's, `cli::write`;
//! docs/build.md states the promises for users.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::write::{self, Directory, Lock, Target};
use super::{CANNOT_RUN, FAILURE, read_input, report_human};
use crate::emit::{OutputFile, PreviousManifest, path_problem};

#[derive(clap::Args, Debug)]
pub struct Args {
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
}

pub fn run(args: &Args) -> ExitCode {
    match try_run(args) {
        Ok(code) => code,
        Err(message) => {
            say!("error: {message}");
            ExitCode::from(CANNOT_RUN)
        }
    }
}

/// The most of an old file `--diff` reads.
const DIFF_MAX: u64 = 16 << 20;
/// What the lock messages call the holder of DIR.
const HOLDER: &str = "build";

fn try_run(args: &Args) -> Result<ExitCode, String> {
    let (file, out) = (args.file.as_path(), args.out.as_path());
    let (name, bytes) = read_input(file, &args.stdin_filename)?;
    let Ok(source) = std::str::from_utf8(&bytes) else {
        let checked = crate::check_bytes(&bytes);
        report_human(&name, &String::from_utf8_lossy(&bytes), &checked.diagnostics);
        return Ok(ExitCode::from(FAILURE));
    };
    refuse_unsafe_out(out, (file.as_os_str() != "-").then_some(file))?;

    if args.check {
        let dir = Directory::open(out)?;
        if let Some(dir) = &dir {
            dir.lock(Lock::Shared, args.no_wait, HOLDER)?;
        }
        let previous = match &dir {
            Some(dir) => write::tree::previous(dir)?,
            None => PreviousManifest::default(),
        };
        let Some(built) = compile(&name, source, &previous, out) else { return Ok(ExitCode::from(FAILURE)) };
        report_human(&name, source, &built.diagnostics);
        report_notes(&built.notes);
        check_artifacts(&built.files)?;
        return Ok(check(dir.as_ref(), out, &built.files, &previous, args.diff));
    }

    // A first build checks the input before it creates DIR: a config with errors creates
    // nothing.
    let mut first = None;
    let (dir, created) = match Directory::open(out)? {
        Some(dir) => (dir, None),
        None => {
            let Some(built) = compile(&name, source, &PreviousManifest::default(), out) else {
                return Ok(ExitCode::from(FAILURE));
            };
            first = Some(built);
            let (dir, created) = Directory::create(out)?;
            (dir, Some(created))
        }
    };
    dir.lock(Lock::Exclusive, args.no_wait, HOLDER)?;
    let dir = dir.still_at(out, HOLDER)?;
    let previous = write::tree::previous(&dir)?;
    let built = match first {
        Some(built) if previous.files.is_empty() => built,
        _ => match compile(&name, source, &previous, out) {
            Some(built) => built,
            None => return Ok(ExitCode::from(FAILURE)),
        },
    };
    report_human(&name, source, &built.diagnostics);
    report_notes(&built.notes);
    check_artifacts(&built.files)?;
    match write::tree::replace(&dir, &built.files, &previous) {
        Ok(written) => {
            for note in &written.notes {
                say!("warning: {note}");
            }
            say!("{}: {}", shown_path(out), written.summary);
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            if let (Some(created), false) = (&created, failure.placing) {
                drop(dir);
                created.remove();
            }
            let state = if failure.placing {
                "it is incomplete (no manifest.json) until a build into it succeeds"
            } else {
                "it is as it was"
            };
            Err(format!("{}; `{}`: {state}", failure.message, shown_path(out)))
        }
    }
}

/// A path as printed: on one visible line (DIR may be named after a repository's file).
fn shown_path(path: &Path) -> String {
    crate::escape::terminal::line(&path.display().to_string())
}

/// Why an artifact was not written, one `note:` line each on stderr.
fn report_notes(notes: &[String]) {
    for note in notes {
        say!("note: {note}");
    }
}

/// Checks and builds; on errors reports them and says nothing was written.
fn compile(name: &str, source: &str, previous: &PreviousManifest, out: &Path) -> Option<crate::Built> {
    match crate::build(source, previous) {
        Ok(built) => Some(built),
        Err(diagnostics) => {
            report_human(name, source, &diagnostics);
            say!("{}: nothing written", shown_path(out));
            None
        }
    }
}

/// Every artifact path is checked again here, whatever the core says.
fn check_artifacts(files: &[OutputFile]) -> Result<(), String> {
    for file in files {
        if let Some(problem) = path_problem(&file.path) {
            return Err(format!(
                "internal error: artifact path `{}` {problem}; nothing written",
                file.path.escape_debug()
            ));
        }
    }
    Ok(())
}

/// `--out` may not name a directory that holds the working directory, the input or a
/// repository: artifacts would be mixed into them.
fn refuse_unsafe_out(out: &Path, input: Option<&Path>) -> Result<(), String> {
    let shown = shown_path(out);
    // A DIR that does not exist yet holds nothing.
    let Ok(dir) = std::fs::canonicalize(out) else { return Ok(()) };
    if dir.parent().is_none() {
        return Err(format!("cannot use `{shown}` as the output directory: it is the root directory"));
    }
    if let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize)
        && cwd.starts_with(&dir)
    {
        return Err(format!(
            "cannot use `{shown}` as the output directory: it contains the working directory; \
             give a directory of its own, e.g. `--out artifacts`"
        ));
    }
    if let Some(input) = input
        && let Ok(input_path) = std::fs::canonicalize(input)
        && input_path.starts_with(&dir)
    {
        return Err(format!(
            "cannot use `{shown}` as the output directory: it contains the input file `{}`",
            shown_path(input)
        ));
    }
    if dir.join(".git").symlink_metadata().is_ok() {
        return Err(format!(
            "cannot use `{shown}` as the output directory: it holds a `.git` directory (a repository, \
             not a folder of artifacts)"
        ));
    }
    Ok(())
}

/// `--check`: each file a build would change, paths as the user gave DIR; exit 1 if any.
fn check(
    dir: Option<&Directory>,
    out: &Path,
    files: &[OutputFile],
    previous: &PreviousManifest,
    diff: bool,
) -> ExitCode {
    let shown = |relative: &str| shown_path(&out.join(relative));
    let mut differences = 0;
    let mut diffs = String::new();
    for file in files {
        let limit = if diff { DIFF_MAX } else { file.contents.len() as u64 + 1 };
        let target = match dir {
            Some(dir) => dir.target(&file.path, file.contents.as_bytes(), limit),
            None => Ok(Target::Absent),
        };
        match target {
            Ok(Target::Same) => continue,
            Ok(Target::Absent) => {
                say!("{}: missing", shown(&file.path));
                if diff {
                    diffs.push_str(&unified_diff(&shown(&file.path), None, &file.contents));
                }
            }
            Ok(Target::Differs(old)) => {
                say!("{}: differs", shown(&file.path));
                if diff {
                    diffs.push_str(&unified_diff(&shown(&file.path), Some(&old), &file.contents));
                }
            }
            Err(problem) => say!("{}: differs ({problem})", shown(&file.path)),
        }
        differences += 1;
    }
    if let Some(dir) = dir {
        for stale in write::tree::stale(dir, files, previous) {
            if stale.removable {
                say!("{}: stale, a build removes it", shown(&stale.path));
                differences += 1;
            } else {
                say!("{}: stale, but changed since asenet wrote it: a build keeps it", shown(&stale.path));
            }
        }
    }
    if !diffs.is_empty() {
        // DIR's files are the repository's: what they hold is shown, never sent to the
        // terminal (an ESC) or the CI log (a lone CR that starts a workflow command's line).
        let diffs = crate::escape::terminal::lines(&diffs);
        let mut stdout = io::stdout().lock();
        let _ = stdout.write_all(diffs.as_bytes()).and_then(|()| stdout.flush());
    }
    if differences > 0 {
        say!("{}: {differences} file(s) differ from the build; run `asenet build` and commit", shown_path(out));
        return ExitCode::from(FAILURE);
    }
    say!("{}: up to date ({} files)", shown_path(out), files.len());
    ExitCode::SUCCESS
}

/// The diff of one artifact (`old` is `None` when DIR lacks it); a file that is not text
/// is only said to differ.
fn unified_diff(path: &str, old: Option<&[u8]>, new: &str) -> String {
    match old.map(std::str::from_utf8) {
        Some(Err(_)) => format!("Binary file {path} differs\n"),
        Some(Ok(old)) => crate::text::unified_diff(path, Some(old), new),
        None => crate::text::unified_diff(path, None, new),
    }
}
