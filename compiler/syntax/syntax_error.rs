//! TOML syntax errors as the user needs them: the first one, where the mistake is, and
//! never a cascade.
//!
//! The recovering parser goes on after an error and reports what follows as errors too:
//! one missing `]` in `dns = ["10.0.0.1"` makes every later line "missing comma between
//! array elements" and "string values must be quoted" (a hundred errors, none on the line
//! with the mistake). So:
//! - when the first error lies on a line that reads like a table header or a `key = value`
//!   while an array or inline table opened on an earlier line is still open, the one
//!   diagnostic is "this `[` is never closed", at the opening bracket;
//! - otherwise the first errors are reported, at most one per line and
//!   [`MAX_SYNTAX_ERRORS`] in all; the last one says how many more were left out.

use toml::de::Error;

use crate::diagnostic::input::TOML_SYNTAX;
use crate::diagnostic::{Diagnostic, Span};

/// The most syntax errors one file reports: the first is certain, the next few are likely
/// real, and beyond that the parser is mostly reporting its own recovery.
pub const MAX_SYNTAX_ERRORS: usize = 3;

/// The diagnostics for the parser's `errors` on `source` (at least one error).
pub fn diagnostics(source: &str, errors: &[Error]) -> Vec<Diagnostic> {
    let mut errors: Vec<(Span, &str)> =
        errors.iter().map(|error| (Span::from(error.span().unwrap_or(0..0)), error.message().trim_end())).collect();
    errors.sort_by_key(|(span, _)| (span.start, span.end));
    let Some(&(first_span, first_message)) = errors.first() else { return Vec::new() };
    if let Some(unclosed) = unclosed_before(source, first_span.start) {
        return vec![unclosed_diagnostic(source, unclosed, first_span, first_message)];
    }
    // One error per line: the parser repeats one error once per level it unwinds (`[[[[...`),
    // and a line with one mistake often yields several.
    let mut shown: Vec<(Span, &str)> = Vec::new();
    let mut last_line = None;
    for &(span, message) in &errors {
        let line = line_of(source, span.start);
        if last_line != Some(line) {
            shown.push((span, message));
            last_line = Some(line);
        }
    }
    let left_out = shown.len().saturating_sub(MAX_SYNTAX_ERRORS);
    shown.truncate(MAX_SYNTAX_ERRORS);
    let count = shown.len();
    shown
        .into_iter()
        .enumerate()
        .map(|(index, (span, message))| {
            let diagnostic = Diagnostic::new(&TOML_SYNTAX, span, message.to_owned());
            if index + 1 == count && left_out > 0 {
                let more = if left_out == 1 { "1 more syntax error".to_owned() } else { format!("{left_out} more syntax errors") };
                diagnostic.with_help(format!(
                    "{more} after this one not shown: they are often consequences of the first; fix these and check again"
                ))
            } else {
                diagnostic
            }
        })
        .collect()
}

/// An opening bracket that is still open: its offset and the character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Opener {
    offset: usize,
    bracket: char,
}

fn unclosed_diagnostic(source: &str, opener: Opener, error: Span, parser_says: &str) -> Diagnostic {
    let (what, closing) = if opener.bracket == '[' { ("array", ']') } else { ("inline table", '}') };
    let error_line = line_of(source, error.start) + 1;
    Diagnostic::new(
        &TOML_SYNTAX,
        opener.offset..opener.offset + 1,
        format!("this `{}` is never closed", opener.bracket),
    )
    .with_primary_label(format!("the {what} opens here"))
    .with_label(error, format!("still inside the {what} here ({parser_says})"))
    .with_help(format!(
        "close the {what} with `{closing}` before line {error_line}; the parser's errors after this point are \
             consequences and are not shown"
    ))
}

/// The innermost array or inline table still open at `offset`, when it opened on an
/// earlier line and the line at `offset` reads as a header or a `key = value` line: the
/// bracket the user forgot to close.
fn unclosed_before(source: &str, offset: usize) -> Option<Opener> {
    let opener = *open_brackets(source, offset).last()?;
    if line_of(source, opener.offset) == line_of(source, offset) {
        return None;
    }
    let line_start = source[..offset.min(source.len())].rfind('\n').map_or(0, |at| at + 1);
    let line = source[line_start..].lines().next().unwrap_or("").trim_start();
    looks_like_a_new_statement(line).then_some(opener)
}

/// `[table]`, `[[array]]` or `key = ...`: what starts a statement, never an array element.
fn looks_like_a_new_statement(line: &str) -> bool {
    let key_chars = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\'' | ' ');
    if let Some(header) = line.strip_prefix('[') {
        let header = header.strip_prefix('[').unwrap_or(header);
        let name: String = header.chars().take_while(|c| *c != ']').collect();
        return !name.trim().is_empty()
            && name.chars().all(key_chars)
            && name.trim().chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '"' || c == '\'')
            && header[name.len()..].starts_with(']');
    }
    match line.split_once('=') {
        Some((key, _)) => {
            let key = key.trim();
            let quoted = |q: char| key.starts_with(q) == (key.len() > 1 && key.ends_with(q));
            !key.is_empty() && key.chars().all(key_chars) && quoted('"') && quoted('\'')
        }
        None => false,
    }
}

/// The value brackets (`[` of an array, `{` of an inline table) open at `offset`, outermost
/// first. Strings and comments are skipped; a `[` that starts a line outside any value is a
/// table header, not an array.
fn open_brackets(source: &str, offset: usize) -> Vec<Opener> {
    let text = &source[..offset.min(source.len())];
    let mut stack: Vec<Opener> = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut at_line_start = true;
    while let Some((at, c)) = chars.next() {
        match c {
            '\n' => {
                at_line_start = true;
                continue;
            }
            ' ' | '\t' | '\r' => continue,
            '#' => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
            '"' | '\'' => {
                let triple = text[at..].starts_with(if c == '"' { "\"\"\"" } else { "'''" });
                if triple {
                    chars.next();
                    chars.next();
                    let close = if c == '"' { "\"\"\"" } else { "'''" };
                    let mut escaped = false;
                    while let Some((inner, d)) = chars.next() {
                        if c == '"' && d == '\\' && !escaped {
                            escaped = true;
                            continue;
                        }
                        if !escaped && text[inner..].starts_with(close) {
                            chars.next();
                            chars.next();
                            break;
                        }
                        escaped = false;
                    }
                } else {
                    let mut escaped = false;
                    while let Some((_, d)) = chars.next_if(|&(_, d)| d != '\n') {
                        if c == '"' && d == '\\' && !escaped {
                            escaped = true;
                            continue;
                        }
                        if d == c && !escaped {
                            break;
                        }
                        escaped = false;
                    }
                }
            }
            '[' if stack.is_empty() && at_line_start => {
                // A table header: skip to the end of its line.
                while chars.next_if(|&(_, c)| c != '\n' && c != '#').is_some() {}
            }
            '[' | '{' => stack.push(Opener { offset: at, bracket: c }),
            ']' | '}' => {
                stack.pop();
            }
            _ => {}
        }
        at_line_start = false;
    }
    stack
}

fn line_of(source: &str, offset: usize) -> usize {
    source.as_bytes()[..offset.min(source.len())].iter().filter(|b| **b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(source: &str) -> Vec<Diagnostic> {
        let (_, errors) = toml::de::DeTable::parse_recoverable(source);
        diagnostics(source, &errors)
    }

    #[test]
    fn a_missing_bracket_is_one_error_at_the_bracket() {
        let source = "[ports.Port2]\ndns = [\"10.0.0.1\"\n\n[ports.Port3]\naddress = \"10.0.1.10/24\"\nmtu = 1500\n";
        let found = check(source);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].span, Span { start: 20, end: 21 });
        assert_eq!(found[0].message, "this `[` is never closed");
    }

    #[test]
    fn a_missing_brace_is_one_error_at_the_brace() {
        let source = "[[services]]\nname = \"a\"\nports = [{ port = 443 ]\n\n[[services]]\nname = \"b\"\n";
        let found = check(source);
        assert!(found.len() <= MAX_SYNTAX_ERRORS, "{found:#?}");
    }

    #[test]
    fn a_missing_comma_in_a_multi_line_array_is_the_parsers_error() {
        let source = "[ports.Port2]\ndns = [\n  \"10.0.0.1\"\n  \"10.0.0.2\",\n]\n";
        let found = check(source);
        assert!(!found.is_empty() && found.iter().all(|d| !d.message.contains("never closed")), "{found:#?}");
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let source = "a = \"[\" # [\nb = '{'\nc = \"\"\"\n[\n\"\"\"\n";
        assert!(open_brackets(source, source.len()).is_empty());
        assert_eq!(open_brackets("x = [1, [2", 10).len(), 2);
    }

    #[test]
    fn independent_errors_are_capped() {
        let source: String = (0..20).map(|n| format!("key{n} = = 1\n")).collect();
        let found = check(&source);
        assert_eq!(found.len(), MAX_SYNTAX_ERRORS);
        assert!(found.last().unwrap().help.as_deref().unwrap().contains("17 more syntax errors"), "{found:#?}");
    }
}
