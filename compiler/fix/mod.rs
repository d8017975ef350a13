//! The fix engine: a fix is data on a diagnostic, text edits at byte spans of the original
//! source (as ruff's `Fix { edits, applicability }`). Applying one never re-serialises the
//! file, so comments, order and formatting stay as written.
//!
//! - [`apply`] applies a set of fixes to a text once, skipping any fix whose edits overlap
//!   an edit already taken (the next pass gets it).
//! - [`fix_all`] checks, applies, and checks again until nothing is left to apply, at most
//!   [`MAX_PASSES`] times.
//! - [`allow_with_reason`] is the "silence it here" action: an editor offers it, `--fix`
//!   never applies it.
//!
//! Nothing here touches the filesystem: the command line and the server write the result.

mod split;

pub use split::attach;

use crate::diagnostic::{Diagnostic, Span};

/// What applying a fix does to the meaning of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// The file means what its author meant, without the problem: `check --fix` applies it.
    Safe,
    /// The deployment changes (a new service, a pinned address): only with `--unsafe-fixes`.
    Unsafe,
    /// Offered in an editor only, never applied by `--fix` (an `allow` comment whose reason
    /// the author must write).
    Manual,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::Manual => "manual",
        }
    }
}

/// Replace the text at `span` (of the source the diagnostic was made from) with `content`.
/// An empty span inserts; an empty content deletes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

impl Edit {
    pub fn replace(span: impl Into<Span>, content: impl Into<String>) -> Self {
        Edit { span: span.into(), content: content.into() }
    }

    pub fn insert(at: usize, content: impl Into<String>) -> Self {
        Edit { span: Span { start: at, end: at }, content: content.into() }
    }

    pub fn delete(span: impl Into<Span>) -> Self {
        Edit { span: span.into(), content: String::new() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, as an editor shows it: `rename to `next_hop``.
    pub title: String,
    pub applicability: Applicability,
    /// Sorted by span, never overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(title: impl Into<String>, applicability: Applicability, mut edits: Vec<Edit>) -> Self {
        edits.sort();
        Fix { title: title.into(), applicability, edits }
    }

    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix::new(title, Applicability::Safe, edits)
    }

    pub fn unsafe_edits(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix::new(title, Applicability::Unsafe, edits)
    }

    /// Replaces a name, as written at `span`, with `name`: a bare word stays bare, a quoted
    /// one (a string value, a quoted key) is written as a basic string.
    ///
    /// `written` is the name's value; the span is longer than it exactly when the source
    /// has quotes (or escapes) around it.
    pub fn rename(span: impl Into<Span>, written: &str, name: &str) -> Self {
        let span = span.into();
        let quoted = span.end - span.start != written.len() || !is_bare(name);
        let content = if quoted { basic_string(name) } else { name.to_owned() };
        Fix::safe(format!("replace `{written}` with `{name}`"), vec![Edit::replace(span, content)])
    }

    /// Replaces a string value at `span` (quotes included) with `value`.
    pub fn replace_string(title: impl Into<String>, span: impl Into<Span>, value: &str) -> Self {
        Fix::safe(title, vec![Edit::replace(span, basic_string(value))])
    }

    /// Whether `--fix` (with `unsafe_fixes` or not) applies this fix.
    pub fn applies_under(&self, unsafe_fixes: bool) -> bool {
        match self.applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => unsafe_fixes,
            Applicability::Manual => false,
        }
    }
}

/// A bare TOML key (`A-Za-z0-9_-`), which needs no quotes.
fn is_bare(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `value` as a TOML basic string, quotes included.
pub fn basic_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What one pass of [`apply`] did.
#[derive(Debug, PartialEq, Eq)]
pub struct Applied {
    pub source: String,
    /// How many fixes were applied; the others overlapped one of them, or fell outside the
    /// text.
    pub applied: usize,
}

/// Applies `fixes` to `source` in one pass. A fix is all or nothing: when one of its edits
/// overlaps an edit of a fix already taken, or leaves the text or a character boundary, the
/// whole fix waits. Fixes are taken in the order given.
pub fn apply<'f>(source: &str, fixes: impl IntoIterator<Item = &'f Fix>) -> Applied {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let fits = fix.edits.iter().all(|edit| {
            edit.span.start <= edit.span.end
                && edit.span.end <= source.len()
                && source.is_char_boundary(edit.span.start)
                && source.is_char_boundary(edit.span.end)
        });
        let clashes =
            fix.edits.iter().enumerate().any(|(i, edit)| {
                taken.iter().copied().chain(&fix.edits[..i]).any(|other| overlaps(edit.span, other.span))
            });
        if fits && !clashes && !fix.edits.is_empty() {
            taken.extend(&fix.edits);
            applied += 1;
        }
    }
    taken.sort_by_key(|edit| (edit.span.start, edit.span.end));
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for edit in taken {
        out.push_str(&source[at..edit.span.start]);
        out.push_str(&edit.content);
        at = edit.span.end;
    }
    out.push_str(&source[at..]);
    Applied { source: out, applied }
}

/// Two edits clash when their spans share a byte, or when both insert at the same point
/// (their order would be a guess), or one inserts inside the other's replaced text.
fn overlaps(a: Span, b: Span) -> bool {
    if a.start == a.end || b.start == b.end {
        return a.start == b.start || (b.start < a.start && a.start < b.end) || (a.start < b.start && b.start < a.end);
    }
    a.start < b.end && b.start < a.end
}

/// The most passes [`fix_all`] makes: each pass may unlock fixes the previous one overlapped
/// (two unused codes in one comment), and a bound keeps a fix that undoes another from
/// looping.
pub const MAX_PASSES: usize = 10;

/// What [`fix_all`] did to one file.
#[derive(Debug)]
pub struct Fixed {
    /// The text after every pass.
    pub source: String,
    /// Fixes applied over all passes.
    pub applied: usize,
    /// The check of the final text.
    pub checked: crate::Checked,
}

/// Checks `source`, applies every fix that `--fix` may (safe ones; unsafe ones too when
/// `unsafe_fixes`), and repeats on the new text until a pass applies nothing or changes
/// nothing, or after [`MAX_PASSES`].
pub fn fix_all(source: &str, unsafe_fixes: bool) -> Fixed {
    let mut current = source.to_owned();
    let mut applied = 0;
    let mut checked = crate::check(&current);
    for _ in 0..MAX_PASSES {
        let fixes = checked.diagnostics.iter().filter_map(|d| d.fix.as_ref()).filter(|f| f.applies_under(unsafe_fixes));
        let pass = apply(&current, fixes);
        if pass.applied == 0 || pass.source == current {
            break;
        }
        applied += pass.applied;
        current = pass.source;
        checked = crate::check(&current);
    }
    Fixed { source: current, applied, checked }
}

/// The action "allow it here, with a reason": a `# asenet: allow(CODE) -- <reason>` line
/// above the line the diagnostic starts on, indented as that line is. `None` for what a
/// comment cannot silence (input errors, the suppression rules themselves).
pub fn allow_with_reason(source: &str, diagnostic: &Diagnostic) -> Option<Fix> {
    let code = diagnostic.code();
    if diagnostic.rule.is_input_error() || code.starts_with("ASE5") || diagnostic.span.start > source.len() {
        return None;
    }
    let line_start = source[..diagnostic.span.start].rfind('\n').map_or(0, |newline| newline + 1);
    let indent: String = source[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let comment = format!("{indent}# asenet: allow({code}) -- <reason>\n");
    Some(Fix::new(
        format!("allow {code} ({}) here, with a reason", diagnostic.rule.name),
        Applicability::Manual,
        vec![Edit::insert(line_start, comment)],
    ))
}

/// The unified diff from `old` to `new`, as `--diff` prints it (`--- a/NAME`, `+++ b/NAME`,
/// three lines of context); empty when they are equal.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .missing_newline_hint(true)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        let a = Fix::safe("a", vec![Edit::replace(0..3, "xyz")]);
        let b = Fix::safe("b", vec![Edit::replace(2..5, "!")]);
        let c = Fix::safe("c", vec![Edit::insert(6, "+")]);
        let applied = apply("abcdefg", [&a, &b, &c]);
        assert_eq!(applied, Applied { source: "xyzdef+g".to_owned(), applied: 2 });
    }

    #[test]
    fn two_inserts_at_one_point_clash() {
        let a = Fix::safe("a", vec![Edit::insert(1, "1")]);
        let b = Fix::safe("b", vec![Edit::insert(1, "2")]);
        assert_eq!(apply("ab", [&a, &b]).source, "a1b");
    }

    #[test]
    fn an_edit_outside_the_text_is_skipped() {
        let a = Fix::safe("a", vec![Edit::replace(1..9, "")]);
        assert_eq!(apply("ab", [&a]), Applied { source: "ab".to_owned(), applied: 0 });
    }

    #[test]
    fn a_rename_keeps_bare_words_bare_and_quoted_ones_quoted() {
        assert_eq!(Fix::rename(0..7, "nexthop", "next_hop").edits[0].content, "next_hop");
        assert_eq!(Fix::rename(0..7, "port3", "Port3").edits[0].content, "\"Port3\"");
    }
}
