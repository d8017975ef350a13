//! `asenet check --fix | --diff [--unsafe-fixes]`: the fix engine ([`crate::fix`]) meets the
//! filesystem here.
//!
//! A fixed file is replaced by the writer ([`write::single`]): only if no one saved it since
//! it was read, keeping its owner, group, mode and extended attributes; a symbolic link, a
//! file with other hard links and a read-only file are refused (docs/fixes.md says why).
//! A file that cannot be read or written is reported and the others are still fixed.
//! Standard input can only be fixed with `--diff`: there is no file to write back to.

use std::path::PathBuf;
use std::process::ExitCode;

use super::check::{Format, Input, deny, report};
use super::{CANNOT_RUN, FAILURE, INPUT_MAX, input_name, print_stdout, read_input, write};

#[derive(Clone, Copy, Debug)]
pub struct Mode {
    /// Print a diff; write nothing.
    pub diff: bool,
    pub unsafe_fixes: bool,
}

pub fn run(files: &[PathBuf], format: Format, deny_warnings: bool, stdin_filename: &str, mode: Mode) -> ExitCode {
    if !mode.diff && files.iter().any(|path| path.as_os_str() == "-") {
        say!("error: `--fix` cannot write back to standard input; add `--diff` to print the fixes");
        return ExitCode::from(CANNOT_RUN);
    }
    // A file that cannot be read or written does not stop the run: every other file is
    // still fixed and reported, and the run exits 2 (as `check` does with unreadable files).
    let mut inputs = Vec::with_capacity(files.len());
    let mut unreadable: Vec<(String, String)> = Vec::new();
    let mut unwritten = 0;
    let mut diffs = String::new();
    for path in files {
        let read = if mode.diff {
            read_input(path, stdin_filename).map(|(_, bytes)| (None, bytes))
        } else {
            write::single::read(path, INPUT_MAX).map(|original| {
                let bytes = original.bytes().to_vec();
                (Some(original), bytes)
            })
        };
        let name = input_name(path, stdin_filename);
        let (original, bytes) = match read {
            Ok(read) => read,
            Err(message) => {
                say!("error: {message}");
                unreadable.push((name, message));
                continue;
            }
        };
        let Ok(source) = String::from_utf8(bytes.clone()) else {
            // Not text: nothing to fix, and the check says why.
            let mut diagnostics = crate::check_bytes(&bytes).diagnostics;
            if deny_warnings {
                deny(&mut diagnostics);
            }
            let source = String::from_utf8_lossy(&bytes).into_owned();
            inputs.push(Input { name, source, diagnostics });
            continue;
        };
        let fixed = crate::fix_all(&source, mode.unsafe_fixes);
        let Some(original) = original else {
            diffs += &crate::text::unified_diff(&name, Some(&source), &fixed.source);
            if fixed.applied > 0 {
                say!("{name}: {} fix{} to apply", fixed.applied, plural(fixed.applied));
            }
            continue;
        };
        let (source, mut diagnostics) = if fixed.source == source {
            (fixed.source, fixed.checked.diagnostics)
        } else {
            match write::single::replace(original, fixed.source.as_bytes()) {
                Ok(()) => {
                    say!("{name}: {} fix{} applied", fixed.applied, plural(fixed.applied));
                    (fixed.source, fixed.checked.diagnostics)
                }
                Err(message) => {
                    // The file is as it was: its report is of what it holds.
                    say!("error: {message}");
                    unwritten += 1;
                    let diagnostics = crate::check_bytes(source.as_bytes()).diagnostics;
                    (source, diagnostics)
                }
            }
        };
        if deny_warnings {
            deny(&mut diagnostics);
        }
        inputs.push(Input { name, source, diagnostics });
    }
    if mode.diff {
        if !diffs.is_empty() && print_stdout(&diffs) != ExitCode::SUCCESS {
            return ExitCode::from(CANNOT_RUN);
        }
        if !unreadable.is_empty() {
            return ExitCode::from(CANNOT_RUN);
        }
        return ExitCode::from(if diffs.is_empty() { 0 } else { FAILURE });
    }
    let reported = report(&inputs, &unreadable, format);
    if unwritten > 0 { ExitCode::from(CANNOT_RUN) } else { reported }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "es" }
}
