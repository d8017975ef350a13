//! Diagnostics are data: a code, a severity, a message, a primary span, labels and a help
//! line. Stages push them into a [`Sink`]; rendering happens at the edge (`human`, `json`,
//! `sarif`, `github`).
//!
//! The bottom layer (with `text`): the rule descriptor ([`Rule`]), [`declare_rule!`], the
//! input-error codes ([`input`], ASE0xx) and the one lookup of a written code live here,
//! so that every stage can name a code without importing the checks.

pub mod fix;
pub mod github;
pub mod human;
pub mod input;
pub mod json;
mod line_index;
mod rule;
pub mod sarif;

pub use fix::{Applicability, Edit, Fix};
pub use line_index::{LineColumn, LineIndex, Position, Units, floor_char_boundary, offset_in};
pub(crate) use rule::declare_rule;
pub use rule::{
    Catalogue, Lookup, REPOSITORY, Rule, RuleKind, find_code, lookup, lookup_in_file, nearest_code, rules_page,
};

/// A byte range in the source text, `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// The source text under the span.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(range: std::ops::Range<usize>) -> Self {
        Span { start: range.start, end: range.end }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary location that explains the primary one ("defined here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// Text under the primary span in the human rendering.
    pub primary_label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// A change of the source that removes the problem ([`crate::fix`]).
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A diagnostic of `rule` at its default severity.
    pub fn new(rule: &'static Rule, span: impl Into<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity,
            message: message.into(),
            span: span.into(),
            primary_label: None,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn with_primary_label(mut self, message: impl Into<String>) -> Self {
        self.primary_label = Some(message.into());
        self
    }

    pub fn with_label(mut self, span: impl Into<Span>, message: impl Into<String>) -> Self {
        self.labels.push(Label { span: span.into(), message: message.into() });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Collects every problem a stage finds; no stage stops at the first one.
#[derive(Debug, Default)]
pub struct Sink {
    diagnostics: Vec<Diagnostic>,
}

impl Sink {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The spans of the diagnostics of `rule` so far.
    pub fn spans_of(&self, rule: &Rule) -> Vec<Span> {
        self.diagnostics.iter().filter(|diagnostic| diagnostic.rule == rule).map(|diagnostic| diagnostic.span).collect()
    }

    /// The diagnostics in output order: by position, then code.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        sort(&mut self.diagnostics);
        self.diagnostics
    }
}

/// Puts diagnostics in output order: by position, then code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (a.span, a.code(), &a.message).cmp(&(b.span, b.code(), &b.message)));
}

/// Counts for a summary line.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}
