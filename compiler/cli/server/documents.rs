//! The open documents: each one's text, kept equal to the editor's by applying its changes in
//! place, its version, and what was computed from that text (its [`State`]).
//!
//! A change only edits the text and marks the document [`State::Stale`]; the main loop checks
//! stale documents once no message is waiting, or before it answers a request. The state is
//! the slot of a per-document cache: whatever is computed from the text lives in it, and
//! every change resets it. Each document's [`crate::incremental::Session`] keeps what its
//! checks read, so that a check after a keystroke reads again only the tables it touched. Everything about positions is in the one line index
//! ([`crate::diagnostic::offset_in`]).

use std::cell::OnceCell;
use std::collections::BTreeMap;

use lsp_types as lsp;

use super::conversion::line_column;
use crate::diagnostic::{LineColumn, Units, offset_in};

/// The largest document the server keeps: what `asenet check` reads ([`crate::cli::INPUT_MAX`]).
pub const TEXT_MAX: usize = crate::cli::INPUT_MAX as usize;

/// The open documents, by URI.
#[derive(Default)]
pub struct Documents {
    open: BTreeMap<String, Document>,
}

pub struct Document {
    text: String,
    version: i32,
    state: State,
    /// What the last checks read, so that the next reads again only what changed.
    session: crate::incremental::Session,
}

/// What is known of a document beyond its text.
pub enum State {
    /// Changed since it was last checked.
    Stale,
    /// Not a device file ([`crate::ide::looks_like_device_file`]): the server says nothing about it.
    NotADeviceFile,
    Checked(Box<Analysis>),
    /// Checking it failed (a bug in asenet, logged); it is checked again after its next change.
    Failed(String),
    /// Its text is not known: a change could not be applied (too large, or an internal error
    /// half-way). Changes with a range are dropped until a change carries the whole text.
    Lost(String),
}

/// A device file's check, and what is computed from it on demand.
pub struct Analysis {
    pub checked: crate::Checked,
    /// The text with every safe fix applied, and how many: the "fix all" action, asked for at
    /// every cursor move, computed once per version.
    fixed: OnceCell<(String, usize)>,
}

impl Analysis {
    /// The text with every safe fix applied (what `check --fix` writes), and how many fixes.
    pub fn fixed(&self, text: &str) -> (&str, usize) {
        let (source, applied) = self.fixed.get_or_init(|| {
            let fixed = crate::fix_all(text, false);
            (fixed.source, fixed.applied)
        });
        (source, *applied)
    }
}

impl Document {
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// The check of a device file, once it is checked.
    pub fn analysis(&self) -> Option<&Analysis> {
        match &self.state {
            State::Checked(analysis) => Some(analysis),
            _ => None,
        }
    }

    /// Applies one content change: the range's text replaced in place (positions past a
    /// line's end are its end, past the text's end the text's end, a reversed range is empty
    /// at its start), or the whole text. A text that would grow past [`TEXT_MAX`] is not
    /// kept: the document is [`State::Lost`].
    fn apply(&mut self, change: lsp::TextDocumentContentChangeEvent, units: Units) {
        let Some(range) = change.range else {
            self.replace_all(change.text);
            return;
        };
        if matches!(self.state, State::Lost(_)) {
            return;
        }
        // The start's line is found once, and the end counted from it: a keystroke at the
        // end of a 100,000-route file counted its 700,000 lines twice.
        let (from, to) = (line_column(range.start), line_column(range.end));
        let line_start = offset_in(&self.text, LineColumn { line: from.line, column: 0 }, units);
        let after = &self.text[line_start..];
        let start = line_start + offset_in(after, LineColumn { line: 0, column: from.column }, units);
        let end = match to.line.checked_sub(from.line) {
            Some(lines) => line_start + offset_in(after, LineColumn { line: lines, column: to.column }, units),
            None => start,
        };
        let end = end.max(start);
        if self.text.len() - (end - start) + change.text.len() > TEXT_MAX {
            self.lose(too_large());
            return;
        }
        self.text.replace_range(start..end, &change.text);
        super::inject_fault(&change.text, "change");
        self.state = State::Stale;
    }

    fn replace_all(&mut self, text: String) {
        if text.len() > TEXT_MAX {
            self.lose(too_large());
        } else {
            self.text = text;
            self.state = State::Stale;
        }
    }

    fn lose(&mut self, reason: String) {
        self.text = String::new();
        self.state = State::Lost(reason);
        self.session = crate::incremental::Session::default();
    }
}

fn too_large() -> String {
    format!("asenet does not check this file: it is larger than {} MiB, the most `asenet check` reads", TEXT_MAX >> 20)
}

impl Documents {
    pub fn get(&self, uri: &str) -> Option<&Document> {
        self.open.get(uri)
    }

    /// Opens (or reopens) a document; the previous text and check of the same URI are dropped
    /// now, not kept beside the next.
    pub fn open(&mut self, uri: &str, text: String, version: i32) {
        let mut document = Document {
            text: String::new(),
            version,
            state: State::Stale,
            session: crate::incremental::Session::default(),
        };
        document.replace_all(text);
        self.open.insert(uri.to_owned(), document);
    }

    /// Applies a `didChange`'s changes in order, each to the text the previous one left. A
    /// version not newer than the kept one arrives late and is dropped. A change for a
    /// document never opened (out of order) opens it when it carries the whole text; changes
    /// with a range before that are dropped (there is no text to apply them to).
    pub fn change(
        &mut self,
        uri: &str,
        version: i32,
        mut changes: Vec<lsp::TextDocumentContentChangeEvent>,
        units: Units,
    ) {
        if !self.open.contains_key(uri) {
            let Some(whole) = changes.iter().rposition(|change| change.range.is_none()) else { return };
            let mut after = changes.split_off(whole).into_iter();
            let Some(whole) = after.next() else { return };
            self.open(uri, whole.text, version);
            changes = after.collect();
        } else if self.open.get(uri).is_some_and(|document| document.version >= version) {
            return;
        }
        let Some(document) = self.open.get_mut(uri) else { return };
        // Whatever happens below, the version is the client's: a later change is not taken
        // for a late one.
        document.version = version;
        for change in changes {
            document.apply(change, units);
        }
    }

    pub fn close(&mut self, uri: &str) {
        self.open.remove(uri);
    }

    /// The documents changed since they were last checked.
    pub fn stale(&self) -> Vec<String> {
        self.open
            .iter()
            .filter(|(_, document)| matches!(document.state, State::Stale))
            .map(|(uri, _)| uri.clone())
            .collect()
    }

    /// Checks the document at `uri` if it is stale.
    pub fn check(&mut self, uri: &str) {
        let Some(document) = self.open.get_mut(uri) else { return };
        if !matches!(document.state, State::Stale) {
            return;
        }
        super::inject_fault(&document.text, "check");
        document.state = if crate::ide::looks_like_device_file(&document.text) {
            let checked = document.session.check(&document.text);
            State::Checked(Box::new(Analysis { checked, fixed: OnceCell::new() }))
        } else {
            State::NotADeviceFile
        };
    }

    /// Records that checking the document at `uri` failed (it panicked).
    pub fn fail(&mut self, uri: &str, reason: String) {
        if let Some(document) = self.open.get_mut(uri) {
            document.state = State::Failed(reason);
            // What the failed check kept may be half-made: the next check reads the text whole.
            document.session = crate::incremental::Session::default();
        }
    }

    /// Forgets the text of the document at `uri`, which may be half-changed: applying its
    /// changes failed.
    pub fn lose(&mut self, uri: &str, reason: String) {
        if let Some(document) = self.open.get_mut(uri) {
            document.lose(reason);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> lsp::TextDocumentContentChangeEvent {
        let position = |(line, character)| lsp::Position { line, character };
        lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range { start: position(start), end: position(end) }),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn changes_apply_in_order_and_late_versions_are_dropped() {
        let mut documents = Documents::default();
        documents.open("u", "a😀b\nc\r\nd".to_owned(), 1);
        // The emoji is two UTF-16 units: `b` is at 3.
        documents.change("u", 2, vec![edit((0, 3), (0, 4), "B"), edit((2, 0), (2, 0), "ü")], Units::Utf16);
        assert_eq!(documents.get("u").unwrap().text(), "a😀B\nc\r\nüd");
        documents.change("u", 2, vec![edit((0, 0), (0, 0), "late")], Units::Utf16);
        assert_eq!(documents.get("u").unwrap().text(), "a😀B\nc\r\nüd");
        // Past the line's end (before its `\r\n`) and past the text's end.
        documents.change("u", 3, vec![edit((1, 9), (1, 9), "!"), edit((9, 0), (9, 9), ".")], Units::Utf8);
        assert_eq!(documents.get("u").unwrap().text(), "a😀B\nc!\r\nüd.");
        assert!(matches!(documents.get("u").unwrap().state(), State::Stale));
    }

    #[test]
    fn a_change_past_the_size_limit_loses_the_text_until_a_whole_one() {
        let mut documents = Documents::default();
        documents.open("u", "ab".to_owned(), 1);
        let huge = "x".repeat(TEXT_MAX);
        documents.change("u", 2, vec![edit((0, 0), (0, 0), &huge)], Units::Utf8);
        let document = documents.get("u").unwrap();
        assert!(matches!(document.state(), State::Lost(_)) && document.text().is_empty());
        documents.change("u", 3, vec![edit((0, 0), (0, 0), "dropped")], Units::Utf8);
        assert_eq!(documents.get("u").unwrap().text(), "");
        let whole = lsp::TextDocumentContentChangeEvent { range: None, range_length: None, text: "new".to_owned() };
        documents.change("u", 4, vec![whole], Units::Utf8);
        assert_eq!(documents.get("u").unwrap().text(), "new");
        assert!(matches!(documents.get("u").unwrap().state(), State::Stale));
    }
}
