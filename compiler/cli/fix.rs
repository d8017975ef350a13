//! `asenet check --fix | --diff [--unsafe-fixes]`: the fix engine ([`crate::fix`]) meets the
//! filesystem here.
//!
//! A fixed file is replaced atomically: the new text is written to a sibling
//! (`.NAME.asenet-fix-PID`) with the file's permissions, flushed, then renamed over it; a
//! symbolic link is followed, so the link stays and its target changes. Standard input can
//! only be fixed with `--diff`: there is no file to write back to.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{CANNOT_RUN, FAILURE, Format, Input, deny, print_stdout, read_input, report};
use crate::fix;

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
    let mut inputs = Vec::with_capacity(files.len());
    let mut diffs = String::new();
    for path in files {
        let (name, bytes) = match read_input(path, stdin_filename) {
            Ok(read) => read,
            Err(message) => {
                say!("error: {message}");
                return ExitCode::from(CANNOT_RUN);
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
        if mode.diff {
            diffs += &fix::unified_diff(&name, &source, &fixed.source);
            if fixed.applied > 0 {
                say!("{name}: {} fix{} to apply", fixed.applied, plural(fixed.applied));
            }
            continue;
        }
        if fixed.source != source {
            if let Err(error) = replace(path, &fixed.source) {
                say!("error: cannot write `{name}`: {error}");
                return ExitCode::from(CANNOT_RUN);
            }
            say!("{name}: {} fix{} applied", fixed.applied, plural(fixed.applied));
        }
        let mut diagnostics = fixed.checked.diagnostics;
        if deny_warnings {
            deny(&mut diagnostics);
        }
        inputs.push(Input { name, source: fixed.source, diagnostics });
    }
    if mode.diff {
        if !diffs.is_empty() && print_stdout(&diffs) != ExitCode::SUCCESS {
            return ExitCode::from(CANNOT_RUN);
        }
        return ExitCode::from(if diffs.is_empty() { 0 } else { FAILURE });
    }
    report(&inputs, &[], format)
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "es" }
}

/// Writes `text` over the file at `path` in one rename, keeping its permissions.
fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&target)?.permissions();
    let file_name = target.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let staging = target.with_file_name(format!(".{file_name}.asenet-fix-{}", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&staging)?;
        file.write_all(text.as_bytes())?;
        file.set_permissions(permissions)?;
        file.sync_all()?;
        std::fs::rename(&staging, &target)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&staging);
    }
    written
}
