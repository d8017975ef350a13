//! Reading one TOML table: known keys, typed leaves, a diagnostic for everything else.
//!
//! A key is known by being read, as in cargo-deny's `toml-span` `TableHelper`: each table
//! is read by one function, [`keys_of`] runs that function once over an empty table and
//! records the keys it asks for, and those are the keys the table accepts. There is no
//! separate list to fall out of step with the reads. A reader must therefore ask for each
//! of its keys unconditionally.

use std::cell::RefCell;

use super::aliases::{self, Meaning};
use super::document::{Document, KeyRef, Shape, TableRef, ValueRef};
use super::hidden;
use super::raw::{RawTargetPort, Spanned, Text};
use crate::diagnostic::Fix;
use crate::diagnostic::input::{INVALID_VALUE, UNKNOWN_KEY};
use crate::diagnostic::{Diagnostic, Sink, Span};
use crate::text::{did_you_mean, list, only_suggestion};

pub struct Table<'a> {
    entries: TableRef<'a>,
    /// The keys asked for, in order: what [`keys_of`] returns. `None` when reading a real
    /// table: recording every key of every table was 2% of a fleet check's instructions.
    asked: Option<RefCell<Vec<&'static str>>>,
    context: &'a str,
    /// Misspelt keys read as the known key they were meant to be (`next_hpo` as
    /// `next_hop`), so that the typo is reported once, as ASE002, and not again as a
    /// missing key, and the rest of the file is checked with the value.
    recovered: Vec<(String, ValueRef<'a>)>,
    /// Keys written with a value that could not be read (wrong type, out of range): already
    /// reported, so `resolve` must not report them again as missing.
    unreadable: std::cell::RefCell<Vec<String>>,
}

impl<'a> Table<'a> {
    /// Wraps `entries` and reports each key that is not in `known`.
    pub fn new(entries: TableRef<'a>, context: &'a str, known: &[&str], sink: &mut Sink) -> Self {
        let mut recovered = Vec::new();
        for (key, value) in entries.iter() {
            let name = key.name;
            if known.contains(&name) {
                continue;
            }
            // A name of the device's own vocabulary (`vlan_id`, `DestinationPrefix`) is meant
            // as its key, however far its spelling is from it.
            let vocabulary = aliases::meaning(context, name, known);
            let (suggestion, only) = match vocabulary {
                Some((Meaning::Key(meant), _)) => (Some(meant), Some(meant)),
                Some((Meaning::Written(_), _)) => (None, None),
                None => (did_you_mean(name, known.iter().copied()), only_suggestion(name, known.iter().copied())),
            };
            let meant_is_absent = |meant: &str| !entries.contains(meant);
            let mut diagnostic = unknown_key(key, suggestion, context, known, vocabulary);
            // Renaming to a key the table has already would make a duplicate key.
            if let Some(meant) = suggestion.filter(|meant| meant_is_absent(meant) && only == Some(*meant)) {
                diagnostic = diagnostic.with_fix(Fix::rename(key.span, name, meant));
                recovered.push((meant.to_owned(), value));
            }
            sink.push(diagnostic);
        }
        Table { entries, asked: None, context, recovered, unreadable: RefCell::default() }
    }

    fn value(&self, key: &'static str) -> Option<ValueRef<'a>> {
        if let Some(asked) = &self.asked {
            asked.borrow_mut().push(key);
        }
        let written = self.entries.get(key);
        written.or_else(|| self.recovered.iter().find(|(meant, _)| meant == key).map(|(_, value)| *value))
    }

    /// The keys whose values were written but could not be read, so far.
    pub fn unreadable(&self) -> Vec<String> {
        self.unreadable.borrow().clone()
    }

    fn type_error(&self, key: &str, expected: &str, value: ValueRef, sink: &mut Sink) {
        self.unreadable.borrow_mut().push(key.to_owned());
        let message = format!("`{key}` in {} must be {expected}, found {}", self.context, value.a_type());
        sink.push(
            Diagnostic::new(&INVALID_VALUE, value.span(), message).with_primary_label(format!("expected {expected}")),
        );
    }

    /// Reports a hidden character in `text`, a string of `key` the file gives at `span`: every
    /// string the readers take passes here (`hidden-character`).
    fn text_of(&self, key: &str, text: &str, span: Span, sink: &mut Sink) {
        hidden::in_value(|| format!("`{key}` in {}", self.context), text, span, sink);
    }

    pub fn string(&self, key: &'static str, sink: &mut Sink) -> Option<Text> {
        let value = self.value(key)?;
        match value.shape() {
            Shape::String(text) => {
                self.text_of(key, text, value.span(), sink);
                Some(Spanned::new(value.span(), text.to_owned()))
            }
            _ => {
                self.type_error(key, "a string", value, sink);
                None
            }
        }
    }

    pub fn boolean(&self, key: &'static str, sink: &mut Sink) -> Option<Spanned<bool>> {
        let value = self.value(key)?;
        match value.shape() {
            Shape::Boolean(flag) => Some(Spanned::new(value.span(), flag)),
            _ => {
                self.type_error(key, "`true` or `false`", value, sink);
                None
            }
        }
    }

    pub fn integer(&self, key: &'static str, sink: &mut Sink) -> Option<Spanned<i64>> {
        let value = self.value(key)?;
        let Shape::Integer(integer) = value.shape() else {
            self.type_error(key, "an integer", value, sink);
            return None;
        };
        match integer {
            Some(number) => Some(Spanned::new(value.span(), number)),
            None => {
                self.unreadable.borrow_mut().push(key.to_owned());
                let message = format!("`{key}` in {} is out of range", self.context);
                sink.push(Diagnostic::new(&INVALID_VALUE, value.span(), message).with_primary_label("too large"));
                None
            }
        }
    }

    /// An integer or a string, such as a `target_port` that is a number or a name.
    pub fn integer_or_string(&self, key: &'static str, sink: &mut Sink) -> Option<Spanned<RawTargetPort>> {
        let value = self.value(key)?;
        match value.shape() {
            Shape::String(text) => {
                self.text_of(key, text, value.span(), sink);
                Some(Spanned::new(value.span(), RawTargetPort::Name(text.to_owned())))
            }
            Shape::Integer(integer) => match integer {
                Some(number) => Some(Spanned::new(value.span(), RawTargetPort::Number(number))),
                None => {
                    self.unreadable.borrow_mut().push(key.to_owned());
                    let message = format!("`{key}` in {} is out of range", self.context);
                    sink.push(Diagnostic::new(&INVALID_VALUE, value.span(), message).with_primary_label("too large"));
                    None
                }
            },
            _ => {
                self.type_error(key, "an integer or a string", value, sink);
                None
            }
        }
    }

    pub fn string_list(&self, key: &'static str, sink: &mut Sink) -> Option<Spanned<Vec<Text>>> {
        let value = self.value(key)?;
        let Shape::Array(array) = value.shape() else {
            self.type_error(key, "an array of strings", value, sink);
            return None;
        };
        let mut strings = Vec::new();
        for element in array.iter() {
            match element.shape() {
                Shape::String(text) => {
                    self.text_of(key, text, element.span(), sink);
                    strings.push(Spanned::new(element.span(), text.to_owned()));
                }
                _ => self.type_error(key, "an array of strings", element, sink),
            }
        }
        Some(Spanned::new(value.span(), strings))
    }

    /// A table of strings such as `selector = { app = "web" }`: each key and value with its
    /// span, in the order written.
    pub fn string_table(&self, key: &'static str, sink: &mut Sink) -> Option<Spanned<Vec<(Text, Text)>>> {
        let value = self.value(key)?;
        let Shape::Table(table) = value.shape() else {
            self.type_error(key, "a table of strings", value, sink);
            return None;
        };
        let mut pairs = Vec::new();
        for (name, element) in table.iter() {
            match element.shape() {
                Shape::String(text) => {
                    hidden::in_value(|| format!("a key of `{key}` in {}", self.context), name.name, name.span, sink);
                    self.text_of(key, text, element.span(), sink);
                    pairs.push((
                        Spanned::new(name.span, name.name.to_owned()),
                        Spanned::new(element.span(), text.to_owned()),
                    ));
                }
                _ => self.type_error(key, "a table of strings", element, sink),
            }
        }
        Some(Spanned::new(value.span(), pairs))
    }

    /// A sub-table such as `[device]`, with the span of its header.
    pub fn table(&self, key: &'static str, sink: &mut Sink) -> Option<(TableRef<'a>, Span)> {
        let value = self.value(key)?;
        match value.shape() {
            Shape::Table(table) => Some((table, value.span())),
            _ => {
                self.type_error(key, "a table", value, sink);
                None
            }
        }
    }

    /// A table of named tables such as `[ports.Port2]`: each name with its span.
    pub fn named_tables(&self, key: &'static str, known: &[&str], sink: &mut Sink) -> Vec<(Text, TableRef<'a>)> {
        let Some((outer, _)) = self.table(key, sink) else { return Vec::new() };
        let mut tables = Vec::new();
        for (name, value) in outer.iter() {
            hidden::in_value(|| format!("a name in `[{key}]`"), name.name, name.span, sink);
            let name = Spanned::new(name.span, name.name.to_owned());
            match value.shape() {
                Shape::Table(table) => tables.push((name, table)),
                _ => {
                    let message =
                        format!("`{key}.{}` must be a table with the keys {}", name.get_ref(), known.join(", "));
                    sink.push(
                        Diagnostic::new(&INVALID_VALUE, value.span(), message)
                            .with_primary_label(format!("found {}", value.a_type())),
                    );
                }
            }
        }
        tables
    }

    /// An array of tables such as `[[routes]]`: each table with the span of its header.
    pub fn array_of_tables(&self, key: &'static str, sink: &mut Sink) -> Vec<(TableRef<'a>, Span)> {
        self.table_list(key, sink).map(Spanned::into_inner).unwrap_or_default()
    }

    pub fn table_list(&self, key: &'static str, sink: &mut Sink) -> Option<Spanned<Vec<(TableRef<'a>, Span)>>> {
        let value = self.value(key)?;
        let Shape::Array(array) = value.shape() else {
            self.type_error(key, "an array of tables", value, sink);
            return None;
        };
        let mut tables = Vec::new();
        for element in array.iter() {
            match element.shape() {
                Shape::Table(table) => tables.push((table, element.span())),
                _ => self.type_error(key, "an array of tables", element, sink),
            }
        }
        Some(Spanned::new(value.span(), tables))
    }
}

/// The keys `reader` reads, in the order it reads them: the table's known keys.
pub fn keys_of<T>(reader: impl FnOnce(&Table, &mut Sink) -> T) -> Vec<&'static str> {
    let empty = Document::empty();
    let mut scratch = Sink::default();
    let mut table = Table::new(empty.root(), "", &[], &mut scratch);
    table.asked = Some(RefCell::default());
    reader(&table, &mut scratch);
    table.asked.map(RefCell::into_inner).unwrap_or_default()
}

fn unknown_key(
    key: KeyRef,
    suggestion: Option<&str>,
    context: &str,
    known: &[&str],
    vocabulary: Option<(Meaning, &str)>,
) -> Diagnostic {
    let name = key.name;
    let diagnostic = Diagnostic::new(&UNKNOWN_KEY, key.span, format!("unknown key `{name}` in {context}"));
    match (suggestion, vocabulary) {
        (Some(suggestion), Some((_, source))) => diagnostic
            .with_primary_label(format!("did you mean `{suggestion}`?"))
            .with_help(format!("rename it to `{suggestion}`: asenet's name for {source}")),
        (_, Some((Meaning::Written(how), source))) => {
            diagnostic.with_primary_label(source.to_owned()).with_help(how.to_owned())
        }
        (Some(suggestion), None) => diagnostic
            .with_primary_label(format!("did you mean `{suggestion}`?"))
            .with_help(format!("rename it to `{suggestion}`")),
        (None, _) => {
            diagnostic.with_primary_label("unknown key").with_help(format!("{context} takes the keys {}", list(known)))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Sink;

    #[test]
    fn a_misspelt_key_is_read_as_the_key_it_was_meant_to_be() {
        let mut sink = Sink::default();
        let source = "[[routes]]\ninterface = \"Port3\"\nnext_hpo = \"10.0.0.1\"\n";
        let raw = crate::syntax::parse(source, &mut sink).unwrap();
        let next_hop = raw.routes[0].next_hop.as_ref().map(|text| text.get_ref().as_str());
        assert_eq!(next_hop, Some("10.0.0.1"));
        let codes: Vec<_> = sink.into_sorted().iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["ASE002"]);
    }

    #[test]
    fn a_misspelling_beside_the_real_key_is_not_read() {
        let mut sink = Sink::default();
        let source = "[[routes]]\nnext_hop = \"10.0.0.1\"\nnext_hpo = \"10.9.9.9\"\n";
        let raw = crate::syntax::parse(source, &mut sink).unwrap();
        let next_hop = raw.routes[0].next_hop.as_ref().map(|text| text.get_ref().as_str());
        assert_eq!(next_hop, Some("10.0.0.1"));
    }
}
