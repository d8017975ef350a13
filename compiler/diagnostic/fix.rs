//! A fix is data on a diagnostic: a title, an applicability, and edits at byte spans of
//! the source the diagnostic was made from (ruff's `Fix { edits, applicability }`). The
//! engine that applies them is `crate::fix`.

use super::Span;

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
