//! Applying inline suppressions, and `unused-suppression`, which only applying them can tell.

use super::unexplained_suppression;
use crate::diagnostic::input::INVALID_VALUE;
use crate::diagnostic::{Diagnostic, Rule, Severity, declare_rule, lookup_in_file};
use crate::diagnostic::{Edit, Fix};
use crate::rules::RULES;
use crate::syntax::raw::Text;
use crate::syntax::suppression::Suppression;

declare_rule! {
    /// ## What it does
    /// Reports a code in a `# asenet: allow(...)` comment that silences nothing: the rule
    /// does not fire on the item the comment covers, or the comment covers no item at all
    /// (a blank line below it).
    ///
    /// A comment on a line of its own covers the next line that is not a comment; a trailing
    /// comment covers its own line. On a table header (`[[routes]]`) that is the whole table;
    /// on a key, the key and its value; inside a multi-line array, that one line.
    ///
    /// Quiet while the file has input errors (ASE0xx): the rules did not see all of it.
    ///
    /// ## Why is this bad?
    /// A suppression outlives the problem it was written for: once the route is fixed, the
    /// comment stays and silently hides the next problem of that kind on that item. Like
    /// ruff's `unused-noqa` (RUF100) and clippy's `#[expect]`, asenet asks for it to go.
    ///
    /// ## Example
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// # asenet: allow(ASE203) -- the router moved to Port3's subnet in May
    /// next_hop = "192.168.10.1"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.10.1"
    /// ```
    pub static UNUSED_SUPPRESSION = Rule {
        kind: Suppression,
        code: "ASE501",
        name: "unused-suppression",
        severity: Severity::Warning,
        summary: "a `# asenet: allow(...)` code that silences nothing on the item below it",
    };
}

/// Drops the diagnostics that suppressions cover, then reports what is wrong with the
/// suppressions themselves: unknown or input-error codes (ASE003, as in `[lint]`), codes that
/// silenced nothing (ASE501), a missing reason (ASE502).
pub fn apply(suppressions: &[Suppression], diagnostics: &mut Vec<Diagnostic>) {
    let complete = !diagnostics.iter().any(|diagnostic| diagnostic.rule.is_input_error());
    let mut reports = Vec::new();
    for suppression in suppressions {
        reports.extend(unexplained_suppression::check(suppression));
        for code in &suppression.codes {
            let Some(rule) = suppressible(code, &mut reports) else { continue };
            let before = diagnostics.len();
            diagnostics.retain(|diagnostic| diagnostic.rule != rule || !suppression.covers(diagnostic.span));
            if diagnostics.len() == before && complete {
                reports.push(unused(code, rule, suppression));
            }
        }
    }
    diagnostics.extend(reports);
}

/// The rule `code` names, if it is one that a comment may silence.
fn suppressible(code: &Text, reports: &mut Vec<Diagnostic>) -> Option<&'static Rule> {
    let rule = match lookup_in_file(RULES, code.get_ref(), code.span()) {
        Ok(rule) => rule,
        Err(unknown) => {
            reports.push(*unknown);
            return None;
        }
    };
    if rule.is_input_error() {
        reports.push(
            Diagnostic::new(&INVALID_VALUE, code.span(), format!("{} cannot be suppressed", rule.code))
                .with_primary_label("an input error")
                .with_help("ASE0xx codes mean asenet cannot understand the file: fix the input instead"),
        );
        return None;
    }
    Some(rule)
}

fn unused(code: &Text, rule: &Rule, suppression: &Suppression) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        &UNUSED_SUPPRESSION,
        code.span(),
        format!("suppression of {} ({}) silences nothing", rule.code, rule.name),
    )
    .with_fix(removal(code, suppression));
    if suppression.item.is_none() {
        return diagnostic
            .with_primary_label("covers no item")
            .with_help("put the comment directly above the item, with no blank line between them");
    }
    if !rule.can_be_silenced_by_comment() {
        return diagnostic
            .with_primary_label(format!("{} cannot be silenced by a comment", rule.code))
            .with_help(format!("move {} with `[lint] allow` instead", rule.code));
    }
    diagnostic
        .with_primary_label(format!("{} does not fire here", rule.code))
        .with_help(format!("remove `{}` from the comment", rule.code))
}

/// Removes `code` from its comment, with the comma that joins it to a neighbour; the whole
/// comment when it is the only code.
fn removal(code: &Text, suppression: &Suppression) -> Fix {
    let codes = &suppression.codes;
    let index = codes.iter().position(|other| other.span() == code.span()).unwrap_or(0);
    let edit = match (codes.get(index.wrapping_sub(1)), codes.get(index + 1)) {
        (_, Some(next)) if codes.len() > 1 => Edit::delete(code.span().start..next.span().start),
        (Some(previous), None) => Edit::delete(previous.span().end..code.span().end),
        _ => return Fix::safe("remove the suppression comment", vec![Edit::delete(suppression.removal)]),
    };
    Fix::safe(format!("remove `{}` from the suppression", code.get_ref()), vec![edit])
}
