//! The human rendering: miette's graphical report with the source snippet.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use super::{Diagnostic, Severity, count};

/// How the report looks: colour only on a terminal, a fixed width for snapshots.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub colour: bool,
    pub width: usize,
}

impl Style {
    /// The style of test snapshots: no colour, 80 columns.
    pub const PLAIN: Style = Style { colour: false, width: 80 };
}

/// Renders every diagnostic of one file, in order.
pub fn render(path: &str, source: &str, diagnostics: &[Diagnostic], style: Style) -> String {
    let theme = if style.colour { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    // Addresses and ranges contain hyphens: never break a line inside one.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let named_source = NamedSource::new(path, source.to_owned());
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report { diagnostic, source: &named_source };
        handler.render_report(&mut out, &report).expect("writing to a String cannot fail");
    }
    out
}

/// The closing line: `store042.toml: 2 errors, 1 warning`.
pub fn summary(path: &str, diagnostics: &[Diagnostic]) -> String {
    let (errors, warnings) = count(diagnostics);
    if errors + warnings == 0 {
        return format!("{path}: ok\n");
    }
    format!("{path}: {}, {}\n", plural(errors, "error"), plural(warnings, "warning"))
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a NamedSource<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let rule = self.diagnostic.rule;
        Some(Box::new(format!("{}({})", rule.code, rule.name)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.help.as_ref().map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let diagnostic = self.diagnostic;
        let primary = LabeledSpan::new_primary_with_span(
            diagnostic.primary_label.clone(),
            (diagnostic.span.start, diagnostic.span.end - diagnostic.span.start),
        );
        let secondary = diagnostic.labels.iter().map(|label| {
            LabeledSpan::new_with_span(
                Some(label.message.clone()),
                (label.span.start, label.span.end - label.span.start),
            )
        });
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}
