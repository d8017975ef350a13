//! The machine-readable report: one JSON document per run.

use std::borrow::Cow;

use serde::Serialize;

use super::{Applicability, Fix};

use super::{Diagnostic, LineIndex, Severity, Span, count};
use crate::escape::report;

/// One checked file: its name as the user gave it, its text and what was found in it.
pub struct FileReport<'a> {
    pub path: &'a str,
    pub source: &'a str,
    pub diagnostics: &'a [Diagnostic],
}

/// An input that could not be read (a missing file, a directory, no permission): the run
/// still reports every file it could read, and exits 2.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Unreadable<'a> {
    pub path: &'a str,
    /// The one-line reason, as the human output prints it after `error: `.
    pub message: &'a str,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    files: Vec<JsonFile<'a>>,
    /// Present only when an input could not be read.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    unreadable: &'a [Unreadable<'a>],
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    rule: &'static str,
    severity: Severity,
    /// Message, labels and help through `escape::report::text`: a hidden character shows.
    message: Cow<'a, str>,
    #[serde(flatten)]
    region: Region,
    labels: Vec<JsonLabel<'a>>,
    help: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

/// A fix as edits at 1-based positions of the file as it was checked (`end_*` exclusive,
/// like the diagnostic's own region): apply them from the last to the first.
#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    content: &'a str,
    #[serde(flatten)]
    region: Region,
}

impl<'a> JsonFix<'a> {
    fn of(fix: &'a Fix, index: &LineIndex) -> Self {
        let edits = fix
            .edits
            .iter()
            .map(|edit| JsonEdit { content: &edit.content, region: Region::of(edit.span, index) })
            .collect();
        JsonFix { title: &fix.title, applicability: fix.applicability, edits }
    }
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: Cow<'a, str>,
    #[serde(flatten)]
    region: Region,
}

#[derive(Serialize)]
pub struct Region {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Region {
    pub fn of(span: Span, index: &LineIndex) -> Region {
        let start = index.position(span.start);
        let end = index.position(span.end);
        Region { line: start.line, column: start.column, end_line: end.line, end_column: end.column }
    }
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
}

pub fn render(files: &[FileReport]) -> String {
    render_run(files, &[])
}

/// The report of a run that could not read every input: the files it read, and an
/// `unreadable` list of `{ path, message }` for the others.
pub fn render_run(files: &[FileReport], unreadable: &[Unreadable]) -> String {
    let mut summary = Summary { files: files.len(), errors: 0, warnings: 0 };
    let files = files
        .iter()
        .map(|file| {
            let (errors, warnings) = count(file.diagnostics);
            summary.errors += errors;
            summary.warnings += warnings;
            json_file(file)
        })
        .collect();
    let document = Document { version: 1, files, unreadable, summary };
    let mut out = serde_json::to_string_pretty(&document).expect("a report always serializes");
    out.push('\n');
    out
}

fn json_file<'a>(file: &FileReport<'a>) -> JsonFile<'a> {
    let index = LineIndex::new(file.source);
    let diagnostics = file
        .diagnostics
        .iter()
        .map(|diagnostic| JsonDiagnostic {
            code: diagnostic.rule.code,
            rule: diagnostic.rule.name,
            severity: diagnostic.severity,
            message: report::text(&diagnostic.message),
            region: Region::of(diagnostic.span, &index),
            labels: diagnostic
                .labels
                .iter()
                .map(|label| JsonLabel {
                    message: report::text(&label.message),
                    region: Region::of(label.span, &index),
                })
                .collect(),
            help: diagnostic.help.as_deref().map(report::text),
            fix: diagnostic.fix.as_ref().map(|fix| JsonFix::of(fix, &index)),
        })
        .collect();
    JsonFile { path: file.path, diagnostics }
}
