use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Located;

declare_rule! {
    /// ## What it does
    /// Reports a glob in the fleet file's `[fleet] devices` that matches no file.
    ///
    /// ## Why is this bad?
    /// A glob that matches nothing is usually a typo or a moved directory: the devices it
    /// was meant to bring in are silently left out of every fleet rule.
    ///
    /// ## Example
    /// ```toml
    /// [fleet]
    /// devices = ["site/**/*.toml"]   # the directory is `sites`
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [fleet]
    /// devices = ["sites/**/*.toml"]
    /// ```
    pub static UNMATCHED_GLOB = Rule {
        code: "ASE008",
        name: "unmatched-glob",
        severity: Severity::Error,
        summary: "a fleet file's device glob matches no file",
        check: None,
    };
}

/// The diagnostic for a glob that matched no file; the command line expands globs.
pub fn unmatched(glob: &Located<String>) -> Diagnostic {
    Diagnostic::new(&UNMATCHED_GLOB, glob.span, format!("`{}` matches no file", glob.value))
        .with_primary_label("no file matches")
        .with_help("globs are relative to the fleet file; `**` matches across directories")
}
