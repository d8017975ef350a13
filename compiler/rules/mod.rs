//! Stage 3: the rule catalogue. One file per rule; each file declares its [`Rule`] with
//! [`declare_rule!`], whose doc comment is what `asenet explain CODE` prints.
//!
//! [`RULES`] is the one registry: the checker, `explain`, `rules`, `[lint]`, inline
//! suppressions and the tests all read it.

use std::fmt;

use crate::diagnostic::{self, Diagnostic, Severity, Sink};
use crate::model::Network;
use crate::syntax::suppression::Suppression;

/// Declares a `static` [`Rule`] whose `doc` is the item's doc comment.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = Rule { $($field:ident: $value:expr),* $(,)? };
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::rules::Rule = $crate::rules::Rule {
            doc: concat!($($doc, "\n"),*),
            $($field: $value),*
        };
    };
}

pub mod input;

mod dynamic_route_interface;
mod next_hop_off_link;
mod range_overlap;
mod teaming_unsupported;
mod unexplained_suppression;
mod unused_suppression;

/// A check over the resolved network.
pub type Check = fn(&Network, &mut Sink);

pub struct Rule {
    /// `ASE203`: stable once released.
    pub code: &'static str,
    /// `next-hop-off-link`: the bad pattern, in kebab case.
    pub name: &'static str,
    pub severity: Severity,
    /// One line for `asenet rules`: when the rule fires.
    pub summary: &'static str,
    /// The doc comment: what it does, why it is bad, an example, what to write instead.
    pub doc: &'static str,
    /// `None` for input errors (ASE0xx), which `syntax` and `resolve` report, and for the
    /// suppression rules (ASE5xx), which [`apply_lint_levels`] reports.
    pub check: Option<Check>,
}

impl Rule {
    /// Input errors (ASE0xx) describe a file that cannot be understood; neither `[lint]` nor
    /// a suppression comment can move them.
    pub fn is_input_error(&self) -> bool {
        self.code.starts_with("ASE0")
    }

    /// The documentation as written, without the one space each `///` line starts with.
    pub fn documentation(&self) -> String {
        self.doc.lines().map(|line| line.strip_prefix(' ').unwrap_or(line)).collect::<Vec<_>>().join("\n")
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

impl Eq for Rule {}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.code, self.name)
    }
}

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &input::TOML_SYNTAX,
    &input::UNKNOWN_KEY,
    &input::INVALID_VALUE,
    &input::UNDEFINED_REFERENCE,
    &input::UNKNOWN_PORT,
    &input::MISSING_OR_CONFLICTING,
    &input::DUPLICATE,
    &range_overlap::RANGE_OVERLAP,
    &next_hop_off_link::NEXT_HOP_OFF_LINK,
    &dynamic_route_interface::DYNAMIC_ROUTE_INTERFACE,
    &teaming_unsupported::TEAMING_UNSUPPORTED,
    &unused_suppression::UNUSED_SUPPRESSION,
    &unexplained_suppression::UNEXPLAINED_SUPPRESSION,
];

/// The rule with this code, ignoring case (`ase203` finds ASE203).
pub fn find(code: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| rule.code.eq_ignore_ascii_case(code) || rule.name == code)
}

/// Runs every rule over `network`.
pub fn check(network: &Network, sink: &mut Sink) {
    for check in RULES.iter().filter_map(|rule| rule.check) {
        check(network, sink);
    }
}

/// Applies the file's own levels, in order: suppression comments drop what they cover and
/// report themselves when unused or unexplained (`syntax::suppression`); then `[lint]` drops
/// allowed rules and makes denied ones errors, the suppression rules' included. Input errors
/// stay as they are. Leaves `diagnostics` in output order.
pub fn apply_lint_levels(network: &Network, suppressions: &[Suppression], diagnostics: &mut Vec<Diagnostic>) {
    unused_suppression::apply(suppressions, diagnostics);
    let levels = &network.lint;
    diagnostics.retain(|diagnostic| diagnostic.rule.is_input_error() || !levels.allow.contains(&diagnostic.rule));
    for diagnostic in diagnostics.iter_mut() {
        if levels.deny.contains(&diagnostic.rule) {
            diagnostic.severity = Severity::Error;
        }
    }
    diagnostic::sort(diagnostics);
}
