//! Inline suppressions: a comment `# asenet: allow(ASE205) -- reason` silences those codes
//! for one item. Comments are not in the TOML tree, so this module reads the source text
//! itself, with a small lexer that knows strings and brackets (the text already parsed as
//! TOML, so it only has to tell code from comments and where each value ends).
//!
//! What a suppression covers, its *item*:
//! - A comment on a line of its own attaches to the next line that is not a comment; a
//!   trailing comment attaches to its own line. A blank line in between attaches it to
//!   nothing (and `unused-suppression` says so).
//! - When that line is a table header (`[ports.Port3]`, `[[routes]]`), the item is the whole
//!   table, up to the next header.
//! - When it starts a key, the item is the key and its value, to the value's last line.
//! - Otherwise (a line inside a multi-line array), the item is that line.
//!
//! A diagnostic is covered when its primary span starts inside the item. Which codes exist,
//! and which may be suppressed, is for `rules` to judge.

use super::raw::{Spanned, Text};
use crate::diagnostic::input::INVALID_VALUE;
use crate::diagnostic::{Diagnostic, Sink, Span};

/// One `# asenet: allow(...)` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The comment, from `#` to the end of its line.
    pub comment: Span,
    /// The codes as written, each with its span.
    pub codes: Vec<Text>,
    /// The text after `--`; `None` when there is none or it is blank.
    pub reason: Option<String>,
    /// The item the comment silences codes in; `None` when it is attached to nothing.
    pub item: Option<Span>,
    /// What to delete to remove the comment: its whole line when it is alone on it, else
    /// the comment and the blanks before it.
    pub removal: Span,
}

impl Suppression {
    /// Whether a diagnostic whose primary span is `span` lies in the item.
    pub fn covers(&self, span: Span) -> bool {
        self.item.is_some_and(|item| item.start <= span.start && span.start <= item.end)
    }
}

const PREFIX: &str = "asenet:";
/// What the editor's "allow here, with a reason" action writes for the reason, for the user
/// to replace: a reason that is still a placeholder like it is no reason (ASE502).
pub const REASON_PLACEHOLDER: &str = "<reason>";

/// Whether `reason` is only a placeholder (`<reason>`, `<why>`): one `<...>` and nothing else.
pub fn is_placeholder(reason: &str) -> bool {
    let reason = reason.trim();
    reason.starts_with('<') && reason.ends_with('>') && reason[1..].find('>') == Some(reason.len() - 2)
}

const FORM: &str = "write `# asenet: allow(ASE205) -- reason`, with one or more codes";

/// Every suppression comment in `source`, in file order. A comment that starts with
/// `asenet:` but is not a suppression is an invalid value (ASE003).
pub fn scan(source: &str, sink: &mut Sink) -> Vec<Suppression> {
    // Every suppression, and every comment this reports, holds the prefix: a text without it
    // (most files) needs no lexing, which was a twentieth of checking a small file and 50 ms
    // of a keystroke in a 100,000-route file.
    if !source.contains(PREFIX) {
        return Vec::new();
    }
    let (lines, comments) = lex(source);
    let mut suppressions = Vec::new();
    for comment in comments {
        let body = &source[comment.start + 1..comment.end];
        let offset = comment.start + 1 + (body.len() - body.trim_start().len());
        let Some(directive) = body.trim_start().strip_prefix(PREFIX) else { continue };
        let span = Span { start: comment.start, end: comment.end };
        match parse(directive, offset + PREFIX.len()) {
            Ok((codes, reason)) => {
                let item = attached_line(&lines, comment.line).map(|line| item(&lines, line));
                let removal = removal(source, &lines[comment.line], span);
                suppressions.push(Suppression { comment: span, codes, reason, item, removal });
            }
            Err(problem) => sink.push(
                Diagnostic::new(&INVALID_VALUE, span, format!("invalid suppression comment: {problem}"))
                    .with_primary_label("not a suppression")
                    .with_help(FORM),
            ),
        }
    }
    suppressions
}

fn removal(source: &str, line: &Line, comment: Span) -> Span {
    if line.kind == LineKind::Comment {
        let rest = &source[line.end..];
        let ending = if rest.starts_with("\r\n") { 2 } else { usize::from(rest.starts_with('\n')) };
        return Span { start: line.start, end: line.end + ending };
    }
    let before = source[..comment.start].trim_end_matches([' ', '\t']);
    Span { start: before.len(), end: comment.end }
}

/// `allow(CODE, ...) -- reason`, where `offset` is the position of `text` in the source.
fn parse(text: &str, offset: usize) -> Result<(Vec<Text>, Option<String>), &'static str> {
    let trimmed = text.trim_start();
    let offset = offset + text.len() - trimmed.len();
    let list = trimmed.strip_prefix("allow(").ok_or("expected `allow(` after `asenet:`")?;
    let list_offset = offset + "allow(".len();
    let close = list.find(')').ok_or("`allow(` has no closing `)`")?;
    let mut codes = Vec::new();
    let mut start = 0;
    for part in list[..close].split(',') {
        let code = part.trim();
        if !code.is_empty() {
            let at = list_offset + start + (part.len() - part.trim_start().len());
            codes.push(Spanned::new(at..at + code.len(), code.to_owned()));
        }
        start += part.len() + 1;
    }
    if codes.is_empty() {
        return Err("`allow()` names no rule");
    }
    let rest = list[close + 1..].trim();
    if rest.is_empty() {
        return Ok((codes, None));
    }
    let reason = rest.strip_prefix("--").ok_or("expected `-- reason` after `allow(...)`")?.trim();
    Ok((codes, (!reason.is_empty()).then(|| reason.to_owned())))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineKind {
    Blank,
    /// Only a comment.
    Comment,
    /// A table header, `[x]` or `[[x]]`.
    Header,
    /// The start of a key/value pair.
    Key,
    /// Inside a value that started on an earlier line.
    Continuation,
}

#[derive(Debug)]
struct Line {
    /// The line without its line ending.
    start: usize,
    end: usize,
    kind: LineKind,
    /// A value is still open at the end of the line: a bracket or a multi-line string.
    open: bool,
}

/// A comment, `#` to the end of the line.
struct Comment {
    line: usize,
    start: usize,
    end: usize,
}

/// The line a comment on `line` attaches to.
fn attached_line(lines: &[Line], line: usize) -> Option<usize> {
    if lines[line].kind != LineKind::Comment {
        return Some(line);
    }
    let next = line + 1 + lines[line + 1..].iter().position(|l| l.kind != LineKind::Comment)?;
    (lines[next].kind != LineKind::Blank).then_some(next)
}

/// The item that starts on `line`, as a byte range.
fn item(lines: &[Line], line: usize) -> Span {
    let last = match lines[line].kind {
        LineKind::Header => {
            lines[line + 1..].iter().position(|l| l.kind == LineKind::Header).map_or(lines.len() - 1, |n| line + n)
        }
        LineKind::Key => line + lines[line..].iter().position(|l| !l.open).unwrap_or(lines.len() - 1 - line),
        _ => line,
    };
    Span { start: lines[line].start, end: lines[last].end }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    MultiLineBasic,
    MultiLineLiteral,
}

/// Splits `source` into lines and finds its comments: enough of TOML's lexical grammar to
/// know strings (where `#` is no comment) and brackets (where a value goes on).
fn lex(source: &str) -> (Vec<Line>, Vec<Comment>) {
    let mut lines = Vec::new();
    let mut comments = Vec::new();
    let mut open = Open::Nothing;
    let mut depth = 0_usize;
    let mut start = 0;
    for raw in source.split_inclusive('\n') {
        let text = raw.trim_end_matches('\n').trim_end_matches('\r');
        let kind = match (open, text.trim_start().bytes().next()) {
            (Open::MultiLineBasic | Open::MultiLineLiteral, _) => LineKind::Continuation,
            (_, None) => LineKind::Blank,
            (_, Some(b'#')) => LineKind::Comment,
            _ if depth > 0 => LineKind::Continuation,
            (_, Some(b'[')) => LineKind::Header,
            _ => LineKind::Key,
        };
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match open {
                Open::MultiLineBasic | Open::MultiLineLiteral => {
                    let (quote, delimiter) =
                        if open == Open::MultiLineBasic { (b'"', "\"\"\"") } else { (b'\'', "'''") };
                    if quote == b'"' && bytes[i] == b'\\' {
                        i += 2;
                    } else if text[i..].starts_with(delimiter) {
                        // Up to two more quotes belong to the string, before its delimiter.
                        i += 3;
                        while i < bytes.len() && bytes[i] == quote {
                            i += 1;
                        }
                        open = Open::Nothing;
                    } else {
                        i += 1;
                    }
                }
                Open::Nothing => match bytes[i] {
                    b'#' => {
                        comments.push(Comment { line: lines.len(), start: start + i, end: start + text.len() });
                        break;
                    }
                    b'"' if text[i..].starts_with("\"\"\"") => {
                        open = Open::MultiLineBasic;
                        i += 3;
                    }
                    b'\'' if text[i..].starts_with("'''") => {
                        open = Open::MultiLineLiteral;
                        i += 3;
                    }
                    quote @ (b'"' | b'\'') => {
                        i += 1;
                        while i < bytes.len() && bytes[i] != quote {
                            i += if quote == b'"' && bytes[i] == b'\\' { 2 } else { 1 };
                        }
                        i += 1;
                    }
                    b'[' | b'{' if kind != LineKind::Header => {
                        depth += 1;
                        i += 1;
                    }
                    b']' | b'}' if kind != LineKind::Header => {
                        depth = depth.saturating_sub(1);
                        i += 1;
                    }
                    _ => i += 1,
                },
            }
        }
        lines.push(Line { start, end: start + text.len(), kind, open: open != Open::Nothing || depth > 0 });
        start += raw.len();
    }
    (lines, comments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_ok(source: &str) -> Vec<Suppression> {
        let mut sink = Sink::default();
        let suppressions = scan(source, &mut sink);
        assert_eq!(sink.into_sorted(), Vec::new());
        suppressions
    }

    /// The text each suppression covers.
    fn items(source: &str) -> Vec<Option<&str>> {
        scan_ok(source).iter().map(|s| s.item.map(|item| &source[item.start..item.end])).collect()
    }

    #[test]
    fn a_comment_above_a_key_covers_the_key_and_its_whole_value() {
        let source = "[switches.a]\n# asenet: allow(ASE302) -- reason\nports = [\n  \"Port3\",\n  \"Port4\",\n]\ncompute = true\n";
        assert_eq!(items(source), [Some("ports = [\n  \"Port3\",\n  \"Port4\",\n]")]);
    }

    #[test]
    fn a_comment_above_a_header_covers_the_table() {
        let source = "[device]\nname = \"x\"\n\n# asenet: allow(ASE203) -- reason\n# another comment\n[[routes]]\nnext_hop = \"1.2.3.4\"\n\n[[routes]]\n";
        assert_eq!(items(source), [Some("[[routes]]\nnext_hop = \"1.2.3.4\"\n")]);
        let last = "# asenet: allow(ASE203) -- reason\n[[routes]]\nnext_hop = \"1.2.3.4\"\n";
        assert_eq!(items(last), [Some("[[routes]]\nnext_hop = \"1.2.3.4\"")]);
    }

    #[test]
    fn a_trailing_comment_covers_the_item_on_its_line() {
        let source = "[[routes]]  # asenet: allow(ASE203) -- a\nnext_hop = \"1.2.3.4\"  # asenet: allow(ASE204) -- b\nports = [\n  \"Port4\",  # asenet: allow(ASE302) -- c\n]\n";
        assert_eq!(
            items(source),
            [
                Some(source.trim_end()),
                Some("next_hop = \"1.2.3.4\"  # asenet: allow(ASE204) -- b"),
                Some("  \"Port4\",  # asenet: allow(ASE302) -- c"),
            ]
        );
    }

    #[test]
    fn a_blank_line_below_attaches_to_nothing() {
        assert_eq!(items("# asenet: allow(ASE203) -- reason\n\n[[routes]]\n"), [None]);
        assert_eq!(items("[device]\n# asenet: allow(ASE203) -- reason\n"), [None]);
    }

    #[test]
    fn hashes_in_strings_are_not_comments() {
        let source = "a = \"# asenet: allow(ASE001)\"\nb = '# asenet: x'\nc = \"\"\"\n# asenet: allow(ASE002)\n\"\"\"\nd = '''\n# asenet: y\n'''\n";
        assert_eq!(scan_ok(source), Vec::new());
        let after = "c = \"\"\"\nx\"\"\"\" # asenet: allow(ASE203) -- z\n";
        assert_eq!(items(after), [Some("x\"\"\"\" # asenet: allow(ASE203) -- z")]);
    }

    #[test]
    fn codes_reasons_and_their_spans() {
        let source = "#asenet:allow( ASE203 ,ASE205)--  the router is on a VLAN  \nx = 1\n";
        let [suppression] = scan_ok(source).try_into().unwrap();
        let codes: Vec<(&str, &str)> =
            suppression.codes.iter().map(|code| (code.get_ref().as_str(), &source[code.span().range()])).collect();
        assert_eq!(codes, [("ASE203", "ASE203"), ("ASE205", "ASE205")]);
        assert_eq!(suppression.reason.as_deref(), Some("the router is on a VLAN"));
        assert_eq!(&source[suppression.comment.start..suppression.comment.end], source.lines().next().unwrap());
        let blank = scan_ok("x = 1 # asenet: allow(ASE203) --   \n");
        assert_eq!(blank[0].reason, None);
    }

    #[test]
    fn malformed_directives_are_invalid_values_and_other_comments_are_ignored() {
        for (source, problem) in [
            ("# asenet: alow(ASE203)\n", "expected `allow(` after `asenet:`"),
            ("# asenet: allow(ASE203\n", "`allow(` has no closing `)`"),
            ("# asenet: allow( , )\n", "`allow()` names no rule"),
            ("# asenet: allow(ASE203) because\n", "expected `-- reason` after `allow(...)`"),
        ] {
            let mut sink = Sink::default();
            assert_eq!(scan(source, &mut sink), Vec::new());
            let diagnostics = sink.into_sorted();
            assert_eq!(diagnostics.len(), 1, "{source}");
            assert_eq!(diagnostics[0].code(), "ASE003");
            assert_eq!(diagnostics[0].message, format!("invalid suppression comment: {problem}"));
        }
        assert_eq!(scan_ok("#:schema ../schemas/asenet.schema.json\n# asenet checks this file\n"), Vec::new());
    }

    #[test]
    fn crlf_line_endings() {
        let source = "# asenet: allow(ASE203) -- r\r\nnext_hop = \"1.2.3.4\"\r\nx = 1\r\n";
        assert_eq!(items(source), [Some("next_hop = \"1.2.3.4\"")]);
    }
}
