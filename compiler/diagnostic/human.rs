//! The human rendering: miette's graphical report with the source snippet.
//!
//! miette is not handed the file. Each diagnostic gets an `Excerpt`: the lines its labels
//! touch, one line of context either side, every over-long line clipped to windows around
//! the labels' ends, and control characters made visible. So a report stays small whatever
//! the file (a 50 MB minified line prints a few hundred characters, not 50 MB per
//! diagnostic), costs O(log n) per diagnostic rather than a scan of the file, and the
//! `[file:line:column]` in each header stays exact: it is the primary span's start, the
//! column counted in characters, as in the JSON output.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};

use super::{Diagnostic, LineIndex, Severity, Span, count};
use crate::text::plural;

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

/// A line longer than this many characters is clipped.
const LINE_MAX: usize = 160;
/// Characters kept either side of a label's start or end on a clipped line.
const WINDOW: usize = 40;
/// A label over more lines than this is shown on its first line only.
const LABEL_LINES_MAX: usize = 8;
/// Messages, labels and help longer than this many characters are cut.
const TEXT_MAX: usize = 300;
/// What stands for the characters a clipped line leaves out.
const ELLIPSIS: char = '…';

/// Renders every diagnostic of one file, in order.
pub fn render(path: &str, source: &str, diagnostics: &[Diagnostic], style: Style) -> String {
    let theme = if style.colour { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    // Break lines at spaces only: addresses and ranges contain hyphens, paths and
    // `file:line:col` slashes, and a path cut in two cannot be pasted or clicked. A word
    // longer than the line stays whole.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false);
    let mut out = String::new();
    if diagnostics.is_empty() {
        // A clean file: nothing to show, and no reason to index its lines.
        return out;
    }
    let index = LineIndex::new(source);
    for diagnostic in diagnostics {
        let excerpt = Excerpt::new(path, source, &index, diagnostic);
        let report = Report { diagnostic, excerpt: &excerpt };
        let _ = handler.render_report(&mut out, &report);
    }
    out
}

/// The closing line: `store042.toml: 2 errors, 1 warning`.
pub fn summary(path: &str, diagnostics: &[Diagnostic]) -> String {
    let path = clip_name(path);
    let (errors, warnings) = count(diagnostics);
    if errors + warnings == 0 {
        return format!("{path}: ok\n");
    }
    format!("{path}: {}, {}\n", plural(errors, "error"), plural(warnings, "warning"))
}

/// What one diagnostic shows of its file, with its labels' spans moved into it.
struct Excerpt {
    name: String,
    /// The lines shown, each ended by `\n`.
    text: String,
    lines: Vec<ExcerptLine>,
    /// Primary first, in the diagnostic's order; spans are offsets into `text`.
    labels: Vec<LabeledSpan>,
    /// Where each label starts, in `text` and in the file (0-based line and character
    /// column): what a snippet's header shows.
    starts: Vec<(usize, usize, usize)>,
}

struct ExcerptLine {
    /// Where the line starts in `text`.
    start: usize,
    /// Its 0-based number in the file.
    number: usize,
}

impl Excerpt {
    fn new(name: &str, source: &str, index: &LineIndex, diagnostic: &Diagnostic) -> Excerpt {
        let spans: Vec<(usize, usize)> = std::iter::once(diagnostic.span)
            .chain(diagnostic.labels.iter().map(|label| label.span))
            .map(|span| clamp(span, source, index))
            .collect();
        // The empty "line" after a final line break is shown only when a label is on it.
        let ends_with_break = source.ends_with(['\n', '\r']) && !spans.iter().any(|&(start, _)| start == source.len());
        let last_shown = index.line_count() - if ends_with_break { 2 } else { 1 };
        // The lines to show: each label's lines and one more either side, in runs of
        // consecutive lines.
        let mut wanted: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(start, end)| (index.line_of(start).saturating_sub(1), last_line(index, start, end) + 1))
            .map(|(first, last)| (first, last.min(last_shown)))
            .collect();
        wanted.sort_unstable();
        let mut numbers: Vec<usize> = Vec::new();
        for (first, last) in wanted {
            let from = numbers.last().map_or(first, |&shown| first.max(shown + 1));
            numbers.extend(from..=last);
        }
        // miette shows snippets in the order of their offsets: the run of lines that holds the
        // primary span goes first, so that the first header is the diagnostic's position.
        let primary_line = index.line_of(spans[0].0);
        let runs = numbers.chunk_by(|a, b| a + 1 == *b);
        let (primary_run, other_runs): (Vec<&[usize]>, Vec<&[usize]>) =
            runs.partition(|run| run.contains(&primary_line));
        let numbers: Vec<usize> = primary_run.into_iter().chain(other_runs).flatten().copied().collect();
        let mut excerpt = Excerpt {
            name: clip_name(name),
            text: String::new(),
            lines: Vec::new(),
            labels: Vec::new(),
            starts: Vec::new(),
        };
        // Where each span's ends land in `text`, filled in line by line.
        let mut moved: Vec<(usize, usize)> = vec![(0, 0); spans.len()];
        for number in numbers {
            let mut range = index.line_range(number);
            // A byte order mark before the first line marks the encoding: not shown, while
            // U+FEFF anywhere else is a hidden character, shown as `�`.
            if range.start == 0 && source.starts_with('\u{feff}') {
                range.start = '\u{feff}'.len_utf8().min(range.end);
            }
            let line = &source[range.clone()];
            // Where the labels start and end on this line, as offsets into it.
            let in_line = |offset: usize| offset.saturating_sub(range.start).min(range.len());
            let mut points: Vec<usize> = Vec::new();
            for &(start, end) in &spans {
                if index.line_of(start) == number {
                    points.push(in_line(start));
                }
                if last_line(index, start, end) == number {
                    points.push(in_line(end));
                }
            }
            let start = excerpt.text.len();
            let landmarks = push_line(&mut excerpt.text, line, &points);
            let map = |offset: usize| land(&landmarks, offset);
            excerpt.text.push('\n');
            excerpt.lines.push(ExcerptLine { start, number });
            for (&(span_start, span_end), moved) in spans.iter().zip(moved.iter_mut()) {
                if index.line_of(span_start) == number {
                    moved.0 = start + map(in_line(span_start));
                }
                if last_line(index, span_start, span_end) == number {
                    moved.1 = start + map(in_line(span_end));
                }
            }
        }
        for (&(start, _), &(moved_start, _)) in spans.iter().zip(&moved) {
            let position = index.position(start);
            excerpt.starts.push((moved_start, position.line - 1, position.column - 1));
        }
        let length = |(start, end): (usize, usize)| end.saturating_sub(start);
        let primary = LabeledSpan::new_primary_with_span(
            diagnostic.primary_label.as_deref().map(clip_text),
            (moved[0].0, length(moved[0])),
        );
        let secondary =
            diagnostic.labels.iter().zip(&moved[1..]).map(|(label, &span)| {
                LabeledSpan::new_with_span(Some(clip_text(&label.message)), (span.0, length(span)))
            });
        excerpt.labels = std::iter::once(primary).chain(secondary).collect();
        excerpt
    }

    /// The excerpt line that holds `offset` of `text`.
    fn line_at(&self, offset: usize) -> usize {
        self.lines.partition_point(|line| line.start <= offset).saturating_sub(1)
    }

    /// The end of excerpt line `line` in `text`, its `\n` included.
    fn line_end(&self, line: usize) -> usize {
        self.lines.get(line + 1).map_or(self.text.len(), |next| next.start)
    }

    /// Whether excerpt lines `line` and `line + 1` are consecutive in the file.
    fn continues(&self, line: usize) -> bool {
        self.lines.get(line + 1).is_some_and(|next| next.number == self.lines[line].number + 1)
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > self.text.len() || self.lines.is_empty() {
            return Err(MietteError::OutOfBounds);
        }
        let mut first = self.line_at(start);
        let mut last = self.line_at(end.saturating_sub(1).max(start));
        // A span over two runs of lines would be numbered wrong: miette then shows them apart.
        if (first..last).any(|line| !self.continues(line)) {
            return Err(MietteError::OutOfBounds);
        }
        for _ in 0..context_lines_before {
            if first == 0 || !self.continues(first - 1) {
                break;
            }
            first -= 1;
        }
        for _ in 0..context_lines_after {
            if !self.continues(last) {
                break;
            }
            last += 1;
        }
        // Without context before, the contents start at the span, as miette's own sources do:
        // that is where a snippet's header takes its line and column from.
        let (from, number, column) = match self.starts.iter().find(|&&(offset, _, _)| offset == start) {
            Some(&(_, line, column)) if context_lines_before == 0 => (start, line, column),
            _ => (self.lines[first].start, self.lines[first].number, 0),
        };
        let to = self.line_end(last);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[from..to],
            (from, to - from).into(),
            number,
            column,
            last - first + 1,
        )))
    }
}

/// `span` inside the text, on character boundaries, its start no later than its end; a span
/// over more than [`LABEL_LINES_MAX`] lines ends with its first line.
fn clamp(span: Span, source: &str, index: &LineIndex) -> (usize, usize) {
    let start = index.floor_char_boundary(span.start);
    let mut end = index.floor_char_boundary(span.end.max(span.start));
    if end < source.len() && end < span.end {
        end = ceil_char_boundary(source, end + 1);
    }
    let first = index.line_of(start);
    if last_line(index, start, end) - first >= LABEL_LINES_MAX {
        end = index.line_range(first).end.max(start);
    }
    (start, end)
}

fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// The last line a span shows on: an end at the very start of a line belongs to the line
/// before.
fn last_line(index: &LineIndex, start: usize, end: usize) -> usize {
    if end > start { index.line_of(end - 1) } else { index.line_of(end) }
}

/// Appends `line` to `text`, clipped around `points` (offsets into `line`) when it is long,
/// with control characters made visible. Returns the landmarks that place an offset of
/// `line` in what was appended: (offset in `line`, offset after `text`'s old end), sorted,
/// the first at 0 and the last at the line's end; see [`land`].
fn push_line(text: &mut String, line: &str, points: &[usize]) -> Vec<(usize, usize)> {
    // Which bytes to keep, as ranges; found without walking the whole line, which may be
    // 50 MB long.
    let keep: Vec<(usize, usize)> = if line.len() <= LINE_MAX || line.chars().nth(LINE_MAX).is_none() {
        vec![(0, line.len())]
    } else {
        let mut windows: Vec<(usize, usize)> =
            points.iter().map(|&point| (chars_back(line, point, WINDOW), chars_forward(line, point, WINDOW))).collect();
        if windows.is_empty() {
            windows.push((0, chars_forward(line, 0, 2 * WINDOW)));
        }
        windows.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (from, to) in windows {
            match merged.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(to),
                _ => merged.push((from, to)),
            }
        }
        merged
    };
    let base = text.len();
    let mut landmarks = Vec::new();
    let mut shown_to = 0;
    for &(from, to) in &keep {
        if from > shown_to {
            landmarks.push((shown_to, text.len() - base));
            text.push(ELLIPSIS);
        }
        for (index, c) in line[from..to].char_indices() {
            landmarks.push((from + index, text.len() - base));
            push_visible(text, c);
        }
        shown_to = to;
    }
    if shown_to < line.len() {
        landmarks.push((shown_to, text.len() - base));
        text.push(ELLIPSIS);
    }
    landmarks.push((line.len(), text.len() - base));
    landmarks
}

/// The byte offset `count` characters before `offset` in `line` (or its start).
fn chars_back(line: &str, offset: usize, count: usize) -> usize {
    line[..offset].char_indices().rev().take(count).last().map_or(offset, |(index, _)| index)
}

/// The byte offset `count` characters after `offset` in `line` (or its end).
fn chars_forward(line: &str, offset: usize, count: usize) -> usize {
    line[offset..].char_indices().nth(count).map_or(line.len(), |(index, _)| offset + index)
}

/// Where `offset` of a line lands in its excerpt line: on its own character when that is
/// kept, on the ellipsis when it was left out.
fn land(landmarks: &[(usize, usize)], offset: usize) -> usize {
    let after = landmarks.partition_point(|&(byte, _)| byte <= offset);
    landmarks[after.saturating_sub(1)].1
}

/// Control characters would move the cursor or recolour the terminal: show them as their
/// Unicode control pictures (`␛` for escape). Hidden characters (`escape::is_hidden`:
/// bidirectional controls, characters that show as nothing, U+2028 and U+2029) would show
/// the line, or the name, as other than it is: `�`. One character for one, so that the
/// underlines stay under what they mark.
fn push_visible(text: &mut String, c: char) {
    match c {
        '\t' => text.push('\t'),
        '\u{0}'..='\u{1f}' => text.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
        '\u{7f}' => text.push('\u{2421}'),
        c if c.is_control() || crate::escape::is_hidden(c) => text.push('\u{fffd}'),
        c => text.push(c),
    }
}

/// A file's name as printed: on one line (a newline in a repository's file name must not
/// start a line of its own, such as a CI system's workflow command), control characters
/// made visible, cut after [`TEXT_MAX`] characters.
fn clip_name(name: &str) -> String {
    let mut out = String::new();
    for (count, c) in name.chars().enumerate() {
        if count == TEXT_MAX {
            out.push(ELLIPSIS);
            break;
        }
        push_visible(&mut out, c);
    }
    out
}

/// A message, label or help line as printed: control characters made visible, and cut
/// after [`TEXT_MAX`] characters (a key or name can be megabytes long).
fn clip_text(text: &str) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == TEXT_MAX {
            out.push(ELLIPSIS);
            break;
        }
        match c {
            '\n' => out.push('\n'),
            c => push_visible(&mut out, c),
        }
    }
    out
}

struct Report<'a> {
    diagnostic: &'a Diagnostic,
    excerpt: &'a Excerpt,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&clip_text(&self.diagnostic.message))
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
        self.diagnostic.help.as_deref().map(|help| Box::new(clip_text(help)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.excerpt)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.excerpt.labels.iter().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::json::Region;

    fn human(source: &str) -> String {
        let checked = crate::check(source);
        render("f.toml", source, &checked.diagnostics, Style::PLAIN)
    }

    /// Each snippet header's `line:column`, in order.
    fn headers(report: &str) -> Vec<String> {
        report
            .lines()
            .filter_map(|line| line.split_once("╭─[f.toml:").map(|(_, rest)| rest.trim_end_matches(']').to_owned()))
            .collect()
    }

    #[test]
    fn a_one_megabyte_line_gives_a_small_report() {
        for source in [
            format!("a = {}\n", "[".repeat(1 << 20)),
            format!("[device]\nname = \"{}\"\n", "x".repeat(1 << 20)),
            format!("[device]\nname = \"m\"\nx = [{}]\n", "1, ".repeat(1 << 18)),
        ] {
            let report = human(&source);
            assert!(!report.is_empty());
            assert!(report.len() < 20_000, "{} bytes:\n{}", report.len(), &report[..2000.min(report.len())]);
            assert!(report.lines().all(|line| line.chars().count() < 400), "{report}");
        }
    }

    #[test]
    fn the_first_header_is_the_primary_position_as_in_json() {
        // A clipped line, non-ASCII characters before the span, a secondary label far above.
        let padding = "é".repeat(300);
        let source = format!(
            "[device]\nname = \"m\"\n\n[ports.Port2]\naddress = \"10.0.0.2/24\"\n{}\n\n\n\n[ports.Port3]\n\
             address = \"10.0.0.3/24\" # {padding}\n",
            "# filler\n".repeat(20)
        );
        let checked = crate::check(&source);
        let overlap = checked.diagnostics.iter().find(|d| d.code() == "ASE101").expect("ASE101");
        let report = render("f.toml", &source, std::slice::from_ref(overlap), Style::PLAIN);
        let index = LineIndex::new(&source);
        let json = |span| {
            let region = Region::of(span, &index);
            format!("{}:{}", region.line, region.column)
        };
        assert_eq!(headers(&report), [json(overlap.span), json(overlap.labels[0].span)], "{report}");
        assert_eq!(report.matches("# filler").count(), 1, "only the line after the label, not all between:\n{report}");
    }

    #[test]
    fn columns_past_65535_do_not_crash_the_renderer() {
        let source = format!("[device]\nname = \"m\" {}= 1\n", " ".repeat(70_000));
        assert!(human(&source).contains("ASE001"));
    }

    #[test]
    fn control_characters_are_shown_not_sent_to_the_terminal() {
        // In a message (an escaped key) and in the source line (a raw escape TOML refuses).
        for (source, code) in [
            ("[device]\nname = \"m\"\n\"\\u001b[2J\\u0007\u{202e}\" = 1\n", "ASE002"),
            ("[device]\nname = \"m\" # \u{1b}[2J\u{7}\r\n", "ASE001"),
        ] {
            let report = human(source);
            assert!(report.contains(code), "{report}");
            assert!(!report.chars().any(|c| c.is_control() && c != '\n'), "{report:?}");
            assert!(!report.contains('\u{202e}'), "{report:?}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_not_shown_but_a_hidden_character_is() {
        // Windows tools start a UTF-8 file with U+FEFF: it marks the encoding, it is no
        // character of the first line. Anywhere else it is a hidden character, shown as `�`.
        let report = human("\u{feff}[device] x\nname = 1\n");
        assert!(report.contains("ASE001"), "{report}");
        assert!(report.contains(" 1 │ [device] x"), "{report}");
        assert!(!report.contains(['\u{feff}', '\u{fffd}']), "{report:?}");
        let report = human("[device] x # \u{feff}\u{200b}\u{200f}\nname = 1\n");
        assert!(report.contains("# \u{fffd}\u{fffd}\u{fffd}"), "{report}");
    }

    #[test]
    fn labels_over_many_lines_show_their_first_line() {
        let source = format!("a = \"\"\"{}", "line\n".repeat(10_000));
        let report = human(&source);
        assert!(report.lines().count() < 40, "{report}");
    }
}
