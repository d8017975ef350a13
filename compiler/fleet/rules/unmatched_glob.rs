use crate::diagnostic::Diagnostic;
use crate::diagnostic::input::UNMATCHED_GLOB;
use crate::model::Located;

/// The diagnostic for a glob that matched no file; the command line expands globs.
pub fn unmatched(glob: &Located<String>) -> Diagnostic {
    Diagnostic::new(&UNMATCHED_GLOB, glob.span, format!("`{}` matches no file", glob.value))
        .with_primary_label("no file matches")
        .with_help("globs are relative to the fleet file; `**` matches across directories")
}
