//! The rule descriptor: what a code means. The checks that report it live above, in
//! `rules`; this layer only knows the catalogue's shape, so that every stage can name a
//! code without depending on the checks.

use std::fmt;

use super::input::INVALID_VALUE;
use super::{Diagnostic, Fix, Severity, Span};
use crate::text::{did_you_mean, only_suggestion};

/// Declares a `static` [`Rule`] whose `doc` is the item's doc comment. A rule that is not a
/// check over one device's network names its [`RuleKind`] variant first (`kind: Fleet,`);
/// without it the kind is [`RuleKind::Device`].
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = Rule { kind: $kind:ident, $($field:ident: $value:expr),* $(,)? };
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::diagnostic::Rule = $crate::diagnostic::Rule {
            kind: $crate::diagnostic::RuleKind::$kind,
            doc: concat!($($doc, "\n"),*),
            $($field: $value),*
        };
    };
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = Rule { $($field:ident: $value:expr),* $(,)? };
    ) => {
        $crate::diagnostic::declare_rule! {
            $(#[doc = $doc])*
            pub static $ident = Rule { kind: Device, $($field: $value),* };
        }
    };
}

pub(crate) use declare_rule;

/// The address of asenet's repository, under which its documentation is published. The
/// README's install and CI lines use the same placeholder, and `tests/it/docs.rs` holds them
/// to this one: whoever publishes asenet elsewhere changes it here, and the test says where
/// else.
pub const REPOSITORY: &str = "https://github.com/YOUR-ORG/asenet";

/// The published rules page, `docs/rules.md`; each rule's section is at `#` and its code in
/// lower case ([`Rule::anchor`]).
pub fn rules_page() -> String {
    format!("{REPOSITORY}/blob/main/docs/rules.md")
}

/// Who reports a rule, and what may silence it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// The file cannot be understood as a device description (ASE001-ASE007, ASE009): `syntax` and
    /// `resolve` report it; neither `[lint]` nor a suppression comment can move it.
    Input,
    /// The fleet file cannot be understood (ASE008): an input error that only `fleet`
    /// reports, with fleets for fixtures.
    FleetInput,
    /// A check over one device's network: a file in `rules/`, run from `rules::CHECKS`.
    Device,
    /// About the suppression comments themselves (ASE5xx), reported while
    /// `rules::apply_lint_levels` applies them; `[lint]` can move them, a comment cannot.
    Suppression,
    /// A check over a fleet of devices (ASE6xx): a file in `fleet/rules/`, run by
    /// `fleet::check_fleet`, with fleets under `tests/fleet/` for fixtures.
    Fleet,
}

/// What a rule code means: its name, default severity and documentation.
pub struct Rule {
    /// Who reports it; the code's hundred follows it (`tests/it/fixtures.rs` holds them to
    /// each other), but only the kind is read.
    pub kind: RuleKind,
    /// `ASE203`: stable once released.
    pub code: &'static str,
    /// `next-hop-off-link`: the bad pattern, in kebab case.
    pub name: &'static str,
    pub severity: Severity,
    /// One line for `asenet rules`: when the rule fires.
    pub summary: &'static str,
    /// The doc comment: what it does, why it is bad, an example, what to write instead.
    pub doc: &'static str,
}

impl Rule {
    /// Input errors ([`RuleKind::Input`], [`RuleKind::FleetInput`]) describe a file that
    /// cannot be understood; neither `[lint]` nor a suppression comment can move them.
    pub fn is_input_error(&self) -> bool {
        matches!(self.kind, RuleKind::Input | RuleKind::FleetInput)
    }

    /// Fleet rules ([`RuleKind::Fleet`], and the fleet file's input error) run over a fleet,
    /// not one device file: `fleet::check_fleet` reports them, and their fixtures are fleets
    /// under `tests/fleet/`.
    pub fn is_fleet_rule(&self) -> bool {
        matches!(self.kind, RuleKind::Fleet | RuleKind::FleetInput)
    }

    /// Whether a `# asenet: allow(...)` comment can silence it: not an input error, and not
    /// a rule about the comments themselves.
    pub fn can_be_silenced_by_comment(&self) -> bool {
        !self.is_input_error() && self.kind != RuleKind::Suppression
    }

    /// The anchor of the rule's section in `docs/rules.md`: `ase203`.
    pub fn anchor(&self) -> String {
        self.code.to_ascii_lowercase()
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

/// Every rule, in code order: `rules::RULES`, handed down by whoever runs the pipeline so
/// that the layers below `rules` can name codes without importing the checks.
pub type Catalogue = &'static [&'static Rule];

/// What looking up a code the user wrote found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The code exactly as the catalogue spells it (`ASE203`).
    Exact(&'static Rule),
    /// The code in another case (`ase203`), or the rule's name (`next-hop-off-link`).
    Loose(&'static Rule),
    /// No rule; the nearest code, if one is near.
    Unknown(Option<&'static str>),
}

/// The rule whose code is exactly `written`, without the suggestions [`lookup`] computes for
/// anything else: a hover asks it of every word under the cursor.
pub fn find_code(catalogue: Catalogue, written: &str) -> Option<&'static Rule> {
    catalogue.iter().copied().find(|rule| rule.code == written)
}

/// The one lookup of a code the user wrote: `[lint]`, suppression comments and `explain`
/// all call it. `[lint]` and suppressions take only [`Lookup::Exact`]; `explain` also takes
/// [`Lookup::Loose`].
pub fn lookup(catalogue: Catalogue, written: &str) -> Lookup {
    if let Some(rule) = find_code(catalogue, written) {
        return Lookup::Exact(rule);
    }
    if let Some(rule) =
        catalogue.iter().copied().find(|rule| rule.code.eq_ignore_ascii_case(written) || rule.name == written)
    {
        return Lookup::Loose(rule);
    }
    Lookup::Unknown(nearest_code(catalogue, written))
}

/// The code `written` most likely meant, or `None`. A code is suggested only from its own
/// family (`ASE2xx` for `ASE2..`): the one `written` extends or cuts short by a digit
/// (`ASE2031`, `ASE20` -> `ASE203`... the longest such), else the nearest by one edit
/// (`ASE2O3` -> `ASE203`). `ASE700` meets no `ASE7xx` rule and gets nothing, rather than
/// `ASE001`.
pub fn nearest_code(catalogue: Catalogue, written: &str) -> Option<&'static str> {
    let upper = written.to_ascii_uppercase();
    let family = |code: &str| code.get(3..4).map(str::to_owned);
    let same_family: Vec<&'static str> = catalogue
        .iter()
        .map(|rule| rule.code)
        .filter(|code| upper.starts_with("ASE") && family(code) == family(&upper))
        .collect();
    let one_digit_off = |code: &str| {
        (upper.len() == code.len() + 1 && upper.starts_with(code))
            || (code.len() == upper.len() + 1 && code.starts_with(&upper))
    };
    if let Some(code) = same_family.iter().copied().filter(|code| one_digit_off(code)).max_by_key(|code| code.len()) {
        return Some(code);
    }
    did_you_mean(&upper, same_family.iter().copied())
}

impl Lookup {
    /// The rule when the code is written exactly; otherwise the nearest code, if any.
    pub fn exact(self, catalogue: Catalogue, written: &str) -> Result<&'static Rule, Option<&'static str>> {
        match self {
            Lookup::Exact(rule) => Ok(rule),
            Lookup::Loose(_) => Err(nearest_code(catalogue, written)),
            Lookup::Unknown(suggestion) => Err(suggestion),
        }
    }
}

/// A code written in the file (`[lint]`, a suppression comment at `span`): the rule when the
/// code is exact, otherwise the diagnostic (ASE003) that says so.
pub fn lookup_in_file(
    catalogue: Catalogue,
    written: &str,
    span: impl Into<Span>,
) -> Result<&'static Rule, Box<Diagnostic>> {
    let suggestion = match lookup(catalogue, written).exact(catalogue, written) {
        Ok(rule) => return Ok(rule),
        Err(suggestion) => suggestion,
    };
    let span_of_written = span.into();
    let diagnostic = Diagnostic::new(&INVALID_VALUE, span_of_written, format!("unknown rule code `{written}`"));
    let codes = catalogue.iter().map(|rule| rule.code);
    Err(Box::new(match suggestion {
        // One nearest code: the fix writes it (`ase203` -> `ASE203`, `ASE2O3` -> `ASE203`).
        Some(suggestion) if only_suggestion(written, codes) == Some(suggestion) => diagnostic
            .with_primary_label(format!("did you mean `{suggestion}`?"))
            .with_fix(Fix::rename(span_of_written, written, suggestion)),
        Some(suggestion) => diagnostic.with_primary_label(format!("did you mean `{suggestion}`?")),
        None => diagnostic.with_primary_label("not a rule").with_help("`asenet rules` lists the codes"),
    }))
}
