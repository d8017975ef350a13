//! What every command prints with, in one place: `say!` (stderr), `print_stdout`, the
//! human report of a file's diagnostics, and the exit statuses.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::human::{self, Style};

/// `eprintln!` that cannot panic: a closed stderr (a pager that quit, `2>&-`) is no reason
/// to stop a build halfway or to crash.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Exit status: 0 no errors, 1 the input has errors (or the answer is "no"), 2 the command
/// could not run; each command's page in `manual` says what they mean for it.
pub const FAILURE: u8 = 1;
pub const CANNOT_RUN: u8 = 2;

/// How `which` and `free` print their answer: lines for a person, or one JSON document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AnswerFormat {
    Human,
    Json,
}

/// Writes `output` to stdout and flushes it: exit 0, or 2 when it cannot be written
/// (quietly when the reader has gone, as `asenet rules | head -1` does), never a panic.
pub fn print_stdout(output: impl AsRef<[u8]>) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(output.as_ref()).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(CANNOT_RUN),
        Err(error) => {
            say!("error: cannot write to standard output: {}", super::describe(&error));
            ExitCode::from(CANNOT_RUN)
        }
    }
}

/// Human diagnostics of one file on stderr, with its summary line.
pub fn report_human(name: &str, source: &str, diagnostics: &[Diagnostic]) {
    let style = Style { colour: wants_colour(), width: 80 };
    let out = human::render(name, source, diagnostics, style) + &human::summary(name, diagnostics);
    let _ = std::io::stderr().write_all(out.as_bytes());
}

/// Colour only on a terminal, and never when `NO_COLOR` is set (no-color.org).
fn wants_colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}
