//! GitHub Actions workflow commands: one `::error` or `::warning` line per diagnostic,
//! which the runner turns into an annotation on the file, at the diagnostic's span.
//!
//! ```text
//! ::error file=site.toml,line=41,col=12,endLine=41,endColumn=26,title=ASE203 next-hop-off-link::next hop …
//! ```
//!
//! The message is followed by the secondary labels and the help, on lines of their own.

use super::json::{FileReport, Region, Unreadable};
use super::{Diagnostic, LineIndex};
use crate::escape::github;

pub fn render(files: &[FileReport]) -> String {
    render_run(files, &[])
}

/// Also one `::error file=PATH::cannot read ...` per input that could not be read.
pub fn render_run(files: &[FileReport], unreadable: &[Unreadable]) -> String {
    let mut out = String::new();
    for input in unreadable {
        out.push_str(&format!(
            "::error file={},title=asenet::{}\n",
            github::property(input.path),
            github::data(input.message)
        ));
    }
    for file in files {
        let index = LineIndex::new(file.source);
        for diagnostic in file.diagnostics {
            out.push_str(&command(file.path, diagnostic, &index));
            out.push('\n');
        }
    }
    out
}

fn command(path: &str, diagnostic: &Diagnostic, index: &LineIndex) -> String {
    let Region { line, column, end_line, end_column } = Region::of(diagnostic.span, index);
    let title = format!("{} {}", diagnostic.rule.code, diagnostic.rule.name);
    let mut message = diagnostic.message.clone();
    for label in &diagnostic.labels {
        let at = Region::of(label.span, index);
        message.push_str(&format!("\n{path}:{}:{}: {}", at.line, at.column, label.message));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    format!(
        "::{} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title={}::{}",
        diagnostic.severity.as_str(),
        github::property(path),
        github::property(&title),
        github::data(&message),
    )
}
