//! The fix engine: a fix is data on a diagnostic, text edits at byte spans of the original
//! source (as ruff's `Fix { edits, applicability }`). Applying one never re-serialises the
//! file, so comments, order and formatting stay as written.
//!
//! - [`apply`] applies a set of fixes to a text once, skipping any fix whose edits overlap
//!   an edit already taken (the next pass gets it).
//! - `crate::fix_all` checks, applies, and checks again until nothing is left to apply, at
//!   most [`MAX_PASSES`] times.
//! - [`allow_with_reason`] is the "silence it here" action: an editor offers it, `--fix`
//!   never applies it.
//! - [`attach_mixed_protocol_splits`] gives `mixed-protocol` (ASE404) its fix after the
//!   check: the only fix that copies text of the source, which rules do not see.
//!
//! Nothing here touches the filesystem: the command line and the server write the result.

mod split;

pub use split::attach_mixed_protocol_splits;

pub use crate::diagnostic::fix::basic_string;
pub use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Span};
use crate::syntax::suppression::REASON_PLACEHOLDER;

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

/// The most passes `crate::fix_all` makes: each pass may unlock fixes the previous one overlapped
/// (two unused codes in one comment), and a bound keeps a fix that undoes another from
/// looping.
pub const MAX_PASSES: usize = 10;

/// The line end `source` uses (its first one's): a fix inserts lines with it, so that a
/// CRLF file, as Windows editors save one, stays CRLF.
fn line_ending(source: &str) -> &'static str {
    match source.find('\n') {
        Some(at) if source[..at].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// The action "allow it here, with a reason": a `# asenet: allow(CODE) -- <reason>` line
/// above the line the diagnostic starts on, indented as that line is. `None` for what a
/// comment cannot silence (input errors, the suppression rules themselves).
pub fn allow_with_reason(source: &str, diagnostic: &Diagnostic) -> Option<Fix> {
    let code = diagnostic.code();
    if !diagnostic.rule.can_be_silenced_by_comment() || !source.is_char_boundary(diagnostic.span.start) {
        return None;
    }
    let line_start = source[..diagnostic.span.start].rfind('\n').map_or(0, |newline| newline + 1);
    let indent: String = source[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let comment = format!("{indent}# asenet: allow({code}) -- {REASON_PLACEHOLDER}{}", line_ending(source));
    Some(Fix::new(
        format!("allow {code} ({}) here, with a reason", diagnostic.rule.name),
        Applicability::Manual,
        vec![Edit::insert(line_start, comment)],
    ))
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
