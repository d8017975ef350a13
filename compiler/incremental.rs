//! Checking a text that changes a little at a time: the language server's open documents.
//!
//! A [`Session`] keeps the last text it checked as its sections
//! ([`crate::syntax::sections::Sections`]): an edit re-reads only the sections it touched
//! (a `[[routes]]` element, say) and the few head tables; resolve, the rules, the suppression
//! comments and `[lint]` then run over the whole model as [`crate::check`] runs them, through
//! the same function.
//!
//! The invariant: [`Session::check`] answers what [`crate::check`] answers for the same text
//! (the same diagnostics, byte for byte, and the same network), whatever texts came before.
//! Where the sections cannot show it (a syntax error, a string or array across a header, a
//! head that names an array of tables in another way), the text is checked whole, and the
//! sections stay those of the last text they could read, for the next edit.
//! `tests/it/incremental.rs` holds it over random edit sequences.

use crate::Checked;
use crate::diagnostic::Sink;
use crate::syntax::sections::Sections;

/// One document's checks, each reusing what the last one read.
#[derive(Default)]
pub struct Session {
    sections: Option<Sections>,
}

impl Session {
    /// Checks `source`, the document's text now: [`crate::check`]'s answer.
    pub fn check(&mut self, source: &str) -> Checked {
        let read = match &mut self.sections {
            Some(sections) => sections.update(source),
            None => {
                self.sections = Sections::read(source);
                self.sections.is_some()
            }
        };
        match &self.sections {
            Some(sections) if read => {
                let mut sink = Sink::default();
                sections.diagnostics().for_each(|diagnostic| sink.push(diagnostic.clone()));
                crate::check_raw(source, sections.raw(), sink)
            }
            _ => crate::check(source),
        }
    }
}
