//! The human rendering: miette's graphical report with the source snippet.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};

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
    if diagnostics.is_empty() {
        return String::new(); // without indexing the lines of a big clean file
    }
    let theme = if style.colour { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    // Addresses and ranges contain hyphens: never break a line inside one.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let source = IndexedSource::new(path, source);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report { diagnostic, source: &source };
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

/// The file's text, named, with the start of each line as miette counts lines (after `\n`,
/// `\r\n` or a lone `\r`).
///
/// miette's own `read_span` for a string scans from the first byte to the span, for every
/// label: checking a big file with many diagnostics took quadratic time (27 s for 1,100
/// diagnostics in an 11 MB file). This one runs miette's scan from a few lines above the
/// span and shifts what it finds by the lines it skipped, so the report is byte for byte
/// the same.
struct IndexedSource<'a> {
    name: &'a str,
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> IndexedSource<'a> {
    fn new(name: &'a str, text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let breaks = bytes
            .iter()
            .enumerate()
            .filter(|&(offset, &byte)| byte == b'\n' || (byte == b'\r' && bytes.get(offset + 1) != Some(&b'\n')));
        let line_starts = std::iter::once(0).chain(breaks.map(|(offset, _)| offset + 1)).collect();
        IndexedSource { name, text, line_starts }
    }
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        // One line more than the context miette asks for: the scan then sees what it would
        // see from the first byte.
        let line = self.line_starts.partition_point(|&start| start <= span.offset()) - 1;
        let skipped_lines = line.saturating_sub(context_lines_before + 1);
        let skipped = self.line_starts[skipped_lines];
        let local = SourceSpan::new((span.offset() - skipped).into(), span.len());
        let contents = self.text[skipped..].read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            contents.data(),
            SourceSpan::new((contents.span().offset() + skipped).into(), contents.span().len()),
            contents.line() + skipped_lines,
            contents.column(),
            contents.line_count() + skipped_lines,
        )))
    }
}

struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a IndexedSource<'a>,
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

#[cfg(test)]
mod tests {
    use miette::{NamedSource, SourceCode, SourceSpan};

    use super::IndexedSource;

    /// Every span of a text with every kind of line break reads as miette reads it.
    #[test]
    fn indexed_source_reads_every_span_as_miette_does() {
        let text = "a = 1\r\nb = \"é\"\n\n[t]\rc = 2\r\n\r\nd = [\n  1,\n]\nend";
        let plain = NamedSource::new("f.toml", text.to_owned());
        let indexed = IndexedSource::new("f.toml", text);
        for start in 0..=text.len() {
            for len in (0..4).filter(|len| start + len <= text.len()) {
                for (before, after) in [(0, 0), (1, 1), (2, 3), (5, 0)] {
                    let span = SourceSpan::new(start.into(), len);
                    let expected = plain.read_span(&span, before, after);
                    let found = indexed.read_span(&span, before, after);
                    match (expected, found) {
                        (Ok(expected), Ok(found)) => {
                            let what = format!("{start}+{len} with {before}/{after}");
                            assert_eq!(found.data(), expected.data(), "{what}");
                            assert_eq!(found.span(), expected.span(), "{what}");
                            assert_eq!(found.line(), expected.line(), "{what}");
                            assert_eq!(found.column(), expected.column(), "{what}");
                            assert_eq!(found.line_count(), expected.line_count(), "{what}");
                            assert_eq!(found.name(), expected.name(), "{what}");
                        }
                        (Err(_), Err(_)) => {}
                        (expected, found) => panic!("{start}+{len}: {:?} vs {:?}", expected.is_ok(), found.is_ok()),
                    }
                }
            }
        }
    }
}
