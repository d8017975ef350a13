//! The stream reader: TOML text to a [`Document`] without the `toml` crate's intermediate
//! vectors.
//!
//! `toml_parser` (the lexer and push parser the `toml` crate itself is built on) lexes the
//! text token by token; the tokens of whole top-level expressions (each up to a newline
//! outside any bracket), a few thousand at a time, are parsed into events, and the events go
//! straight into the document. Only that piece's tokens and events are held at a time, never
//! the whole file's.
//!
//! The rules that make a document out of events are the `toml` crate's, ported one for one
//! from its `de::parser` (`document.rs`, `key.rs`, `value.rs`, `array.rs`,
//! `inline_table.rs`): tables ordered by key, duplicate keys, tables defined twice, dotted
//! keys into tables defined by a header and back, inline tables closed to extension, arrays
//! of tables extended through their last element, and the same spans for every key and
//! value. So is every escape and every scalar, decoded by `toml_parser`'s decoder, and
//! date-times are validated as the `toml` crate does.
//!
//! The reader stops at the first problem of any kind and answers `None`: what the problems
//! are, and the recovery past them, is then the `toml` crate's to say (`super::parse_document`),
//! so every syntax diagnostic stays what it was. An equivalence test and a fuzz target hold
//! the reader to the `toml` crate on accepted and rejected documents alike.

use std::borrow::Cow;

use toml_parser::decoder::{Encoding, ScalarKind};
use toml_parser::lexer::{Token, TokenKind};
use toml_parser::parser::{Event, EventKind, RecursionGuard, ValidateWhitespace, parse_document};
use toml_parser::{ErrorSink, ParseError, Source};

use super::document::{Document, Key, Kind, Span32, Str, Value, ValueRef};
use super::plain_line::{self, PlainLine, PlainValue};

/// The nesting the `toml` crate allows (its `LIMIT`).
const LIMIT: u32 = 80;

/// How many tokens are parsed at once, at least: whole expressions up to this many (about
/// 100 KiB of tokens and as much of events), so that the parser's set-up is paid once per
/// hundreds of lines, not once per line.
const PIECE: usize = 4096;

/// A problem was found; the `toml` crate will say which.
#[derive(Debug)]
struct Rejected;

type Read<T> = Result<T, Rejected>;

/// Takes an element of an array of tables of the top level (`[[routes]]`) once it is
/// complete: the document, the array's key, the element. `true` when it read the element;
/// the reader then releases it.
pub type OnElement<'c> = dyn FnMut(&str, ValueRef) -> bool + 'c;

/// `source` as a document, or `None` when it is not a TOML document the `toml` crate accepts.
///
/// An element of an array of tables of the top level is complete when the next one starts:
/// only the last element can still be extended (`[routes.x]` after `[[routes]]`). Each
/// complete one is handed to `on_element`, and released if it was taken: an array of
/// 100,000 routes is never held whole. What was taken is what the caller must drop if the
/// answer is `None`.
pub fn read<'i>(text: &'i str, on_element: &mut OnElement) -> Option<Document<'i>> {
    read_in_pieces(text, PIECE, on_element)
}

/// [`read`], parsing at least `piece` tokens at a time (1: each expression alone, as the
/// equivalence test also reads).
pub fn read_in_pieces<'i>(text: &'i str, piece: usize, on_element: &mut OnElement) -> Option<Document<'i>> {
    u32::try_from(text.len()).ok()?;
    let mut reader = Reader {
        document: Document::new(text),
        source: Source::new(text),
        base: 0,
        current: None,
        header: None,
        on_element,
    };
    reader.current = Some(reader.document.root);
    // A token for every two or three bytes, a piece at most (and the expression that ends
    // it): grown from nothing, the two vectors were a tenth of reading a small file.
    let mut tokens: Vec<Token> = Vec::with_capacity((text.len() / 2).min(2 * piece) + 16);
    let mut events: Vec<Event> = Vec::new();
    // Where the next line starts, always between two expressions.
    let mut at = 0;
    loop {
        while let Some((line, next)) = plain_line::at(text, at) {
            reader.plain_line(line).ok()?;
            at = next;
        }
        if at == text.len() {
            break;
        }
        // The lines up to the next plain one, or to the end, through `toml_parser`, lexed
        // from here: its lexer skips a byte order mark at its start, which only the text's
        // own start may hold.
        let rest = &text[at..];
        if at > 0 && rest.starts_with('\u{feff}') {
            return None;
        }
        reader.source = Source::new(rest);
        reader.base = at;
        let mut depth: i64 = 0;
        let mut balanced = true;
        let mut stopped = None;
        for token in reader.source.lex() {
            match token.kind() {
                TokenKind::LeftSquareBracket | TokenKind::LeftCurlyBracket => depth += 1,
                TokenKind::RightSquareBracket | TokenKind::RightCurlyBracket => {
                    depth -= 1;
                    // A closing bracket too many is an error: the rest is parsed in one piece,
                    // as the `toml` crate parses it, so it is found there.
                    balanced &= depth >= 0;
                }
                _ => {}
            }
            tokens.push(token);
            if token.kind() == TokenKind::Newline && depth == 0 && balanced {
                let end = at + token.span().end();
                if plain_line::at(text, end).is_some() {
                    stopped = Some(end);
                    break;
                }
                if tokens.len() >= piece {
                    reader.expressions(&tokens, &mut events).ok()?;
                    tokens.clear();
                }
            }
        }
        reader.expressions(&tokens, &mut events).ok()?;
        tokens.clear();
        match stopped {
            Some(end) => at = end,
            None => break,
        }
    }
    reader.finish_table().ok()?;
    Some(reader.document)
}

/// Notes that an error was reported.
struct Errors(bool);

impl ErrorSink for Errors {
    fn report_error(&mut self, _error: ParseError) {
        self.0 = true;
    }
}

struct Header {
    path: Vec<Key>,
    key: Option<Key>,
    span: Span32,
    is_array: bool,
}

struct Reader<'i, 'c, 'e> {
    document: Document<'i>,
    on_element: &'c mut OnElement<'e>,
    /// What `toml_parser` reads now: the text from `base` on.
    source: Source<'i>,
    base: usize,
    /// The table the key-value pairs go into (`toml`'s `current_table`); `None` between a
    /// table's end and the next one's start.
    current: Option<u32>,
    header: Option<Header>,
}

/// The events of one piece of the document.
struct Events<'e> {
    events: &'e [Event],
    at: usize,
}

impl<'e> Events<'e> {
    fn next(&mut self) -> Option<&'e Event> {
        let event = self.events.get(self.at)?;
        self.at += 1;
        Some(event)
    }

    fn kind(&self, ahead: usize) -> Option<EventKind> {
        self.events.get(self.at + ahead).map(Event::kind)
    }
}

fn reject<T>() -> Read<T> {
    Err(Rejected)
}

impl<'i> Reader<'i, '_, '_> {
    /// A span of `toml_parser`'s, in the whole text.
    fn span(&self, span: toml_parser::Span) -> Span32 {
        Span32::new(self.base + span.start(), self.base + span.end())
    }

    /// A plain line, with the calls its events would have made in [`Self::document_events`].
    fn plain_line(&mut self, line: PlainLine) -> Read<()> {
        let text = self.document.source();
        let key = |(start, end): (usize, usize), document: &mut Document<'i>| Key {
            span: Span32::new(start, end),
            text: document.store(Cow::Borrowed(&text[start..end])),
        };
        match line {
            PlainLine::Blank => Ok(()),
            PlainLine::Header { header, key: name, is_array } => {
                self.finish_table()?;
                let key = key(name, &mut self.document);
                let span = Span32::new(header.0, header.1);
                self.start_table(Header { path: Vec::new(), key: Some(key), span, is_array })
            }
            PlainLine::KeyValue { key: name, value: (start, end), kind } => {
                let key = key(name, &mut self.document);
                let kind = self.plain_kind(&text[start..end], kind);
                self.capture_key_value(Vec::new(), key, Value { span: Span32::new(start, end), kind })
            }
        }
    }

    /// Parses the tokens of whole expressions and adds them to the document.
    fn expressions(&mut self, tokens: &[Token], events: &mut Vec<Event>) -> Read<()> {
        events.clear();
        events.reserve(tokens.len() + 16);
        let mut errors = Errors(false);
        {
            let mut whitespace = ValidateWhitespace::new(events, self.source);
            let mut guard = RecursionGuard::new(&mut whitespace, LIMIT);
            parse_document(tokens, &mut guard, &mut errors);
        }
        if errors.0 || events.iter().any(|event| event.kind() == EventKind::Error) {
            return reject();
        }
        self.document_events(&mut Events { events, at: 0 })
    }

    /// `toml`'s `document::document`, for one piece.
    fn document_events(&mut self, input: &mut Events) -> Read<()> {
        while let Some(event) = input.next() {
            match event.kind() {
                EventKind::StdTableOpen | EventKind::ArrayTableOpen => {
                    self.finish_table()?;
                    let header = self.on_table(event, input)?;
                    self.start_table(header)?;
                }
                EventKind::SimpleKey => {
                    let (path, key) = self.on_key(event, input)?;
                    let Some(key) = key else { return reject() };
                    let Some(mut next) = input.next() else { return reject() };
                    if next.kind() == EventKind::Whitespace {
                        let Some(after) = input.next() else { return reject() };
                        next = after;
                    }
                    if next.kind() != EventKind::KeyValSep {
                        return reject();
                    }
                    if input.kind(0) == Some(EventKind::Whitespace) {
                        input.next();
                    }
                    let value = self.value(input)?;
                    self.capture_key_value(path, key, value)?;
                }
                EventKind::Whitespace | EventKind::Comment | EventKind::Newline => {}
                _ => return reject(),
            }
        }
        Ok(())
    }

    fn on_table(&mut self, open: &Event, input: &mut Events) -> Read<Header> {
        let is_array = open.kind() == EventKind::ArrayTableOpen;
        let mut path = None;
        let mut key = None;
        let mut header_span = open.span();
        while let Some(event) = input.next() {
            match event.kind() {
                EventKind::ArrayTableClose | EventKind::StdTableClose => {
                    header_span = header_span.append(event.span());
                    break;
                }
                EventKind::SimpleKey => {
                    let (found_path, found_key) = self.on_key(event, input)?;
                    path = Some(found_path);
                    key = found_key;
                }
                EventKind::Whitespace => {}
                _ => return reject(),
            }
        }
        Ok(Header { path: path.unwrap_or_default(), key, span: self.span(header_span), is_array })
    }

    fn finish_table(&mut self) -> Read<()> {
        let Some(previous) = self.current.take() else { return Ok(()) };
        let Some(header) = self.header.take() else {
            self.document.root = previous;
            return Ok(());
        };
        let Some(key) = header.key else { return reject() };
        let table = Value { span: header.span, kind: Kind::Table(previous) };
        let root = self.document.root;
        let parent = self.descend(root, &header.path, false)?;
        match self.document.find_key(parent, key.text) {
            Err(at) if header.is_array => {
                let array = self.document.new_array(true);
                self.document.arrays[array as usize].values.push(table);
                let value = Value { span: header.span, kind: Kind::Array(array) };
                self.document.insert_at(parent, at, key, value);
            }
            Ok(at) if header.is_array => {
                let existing = self.document.tables[parent as usize].entries[at].value;
                match existing.kind {
                    Kind::Array(array) if self.document.arrays[array as usize].of_tables => {
                        if header.path.is_empty() {
                            self.complete(key.text, array);
                        }
                        self.document.arrays[array as usize].values.push(table);
                    }
                    _ => return reject(),
                }
            }
            Err(at) => self.document.insert_at(parent, at, key, table),
            // A map keeps its old key when a value is inserted again.
            Ok(at) => self.document.tables[parent as usize].entries[at].value = table,
        }
        Ok(())
    }

    /// Hands the last element of the top level's array of tables `array` (`name`), complete
    /// now that another one starts, to `on_element`, and releases it if it was taken (the
    /// elements before it were handed over when it started).
    fn complete(&mut self, name: Str, array: u32) {
        let Some(&last) = self.document.arrays[array as usize].values.last() else { return };
        if (self.on_element)(self.document.text(name), self.document.value_ref(last)) {
            self.document.arrays[array as usize].values.pop();
            self.document.release(last);
        }
    }

    fn start_table(&mut self, header: Header) -> Read<()> {
        let mut current = None;
        if !header.is_array {
            let root = self.document.root;
            let parent = self.descend(root, &header.path, false)?;
            if let Some(key) = header.key
                && let Ok(at) = self.document.find_key(parent, key.text)
            {
                let old = self.document.tables[parent as usize].entries.remove(at);
                match old.value.kind {
                    Kind::Table(table)
                        if self.document.tables[table as usize].implicit
                            && !self.document.tables[table as usize].dotted =>
                    {
                        current = Some(table);
                    }
                    _ => return reject(),
                }
            }
        }
        let current = current.unwrap_or_else(|| self.document.new_table());
        let table = &mut self.document.tables[current as usize];
        table.implicit = false;
        table.dotted = false;
        self.current = Some(current);
        self.header = Some(header);
        Ok(())
    }

    fn capture_key_value(&mut self, path: Vec<Key>, key: Key, value: Value) -> Read<()> {
        let dotted = !path.is_empty();
        let Some(current) = self.current else { return reject() };
        let parent = self.descend(current, &path, dotted)?;
        if dotted && !self.document.tables[parent as usize].implicit {
            return reject();
        }
        match self.document.find_key(parent, key.text) {
            Err(at) => self.document.insert_at(parent, at, key, value),
            Ok(_) => return reject(),
        }
        Ok(())
    }

    /// `toml`'s `document::descend_path`: the table `path` names under `table`, made when absent.
    fn descend(&mut self, mut table: u32, path: &[Key], dotted: bool) -> Read<u32> {
        for key in path {
            table = match self.document.find_key(table, key.text) {
                Err(at) => {
                    let child = self.document.new_table();
                    let data = &mut self.document.tables[child as usize];
                    data.implicit = true;
                    data.dotted = dotted;
                    let value = Value { span: key.span, kind: Kind::Table(child) };
                    self.document.insert_at(table, at, *key, value);
                    child
                }
                Ok(at) => match self.document.tables[table as usize].entries[at].value.kind {
                    Kind::Array(array) => {
                        let array = &self.document.arrays[array as usize];
                        if !array.of_tables {
                            return reject();
                        }
                        match array.values.last().map(|value| value.kind) {
                            Some(Kind::Table(last)) => last,
                            _ => return reject(),
                        }
                    }
                    Kind::Table(child) => {
                        let data = &mut self.document.tables[child as usize];
                        if data.inline {
                            return reject();
                        }
                        if dotted && data.implicit {
                            data.dotted = true;
                        }
                        if dotted && !data.implicit {
                            return reject();
                        }
                        child
                    }
                    _ => return reject(),
                },
            };
        }
        Ok(table)
    }

    /// `toml`'s `key::on_key`: a dotted key's path and its last key.
    fn on_key(&mut self, first: &Event, input: &mut Events) -> Read<(Vec<Key>, Option<Key>)> {
        let mut path = Vec::new();
        let mut last: Option<Key> = None;
        let mut current = Some(*first);
        let more = |input: &Events| {
            input.kind(0) == Some(EventKind::KeySep)
                || (input.kind(0) == Some(EventKind::Whitespace) && input.kind(1) == Some(EventKind::KeySep))
        };
        if more(input) {
            while let Some(event) = input.next() {
                match event.kind() {
                    EventKind::SimpleKey => {
                        current = Some(*event);
                        if !more(input) {
                            break;
                        }
                    }
                    EventKind::Whitespace => {}
                    EventKind::KeySep => self.close_key(&mut current, &mut path, &mut last)?,
                    _ => return reject(),
                }
            }
        }
        self.close_key(&mut current, &mut path, &mut last)?;
        if LIMIT as usize <= path.len() {
            return reject();
        }
        Ok((path, last))
    }

    fn close_key(&mut self, current: &mut Option<Event>, path: &mut Vec<Key>, last: &mut Option<Key>) -> Read<()> {
        let Some(event) = current.take() else { return Ok(()) };
        let Some(raw) = self.source.get(event) else { return reject() };
        let text = match event.encoding() {
            // A bare key of the characters TOML allows in one is itself, as the decoder would
            // find (`decode_unquoted_key`) at several times the cost.
            None if plain_line::is_bare_key(raw.as_str().as_bytes()) => Cow::Borrowed(raw.as_str()),
            _ => {
                let mut decoded = Cow::Borrowed("");
                let mut errors = Errors(false);
                raw.decode_key(&mut decoded, &mut errors);
                if errors.0 {
                    return reject();
                }
                decoded
            }
        };
        let key = Key { span: self.span(event.span()), text: self.document.store(text) };
        if let Some(previous) = last.replace(key) {
            path.push(previous);
        }
        Ok(())
    }

    /// `toml`'s `value::value`.
    fn value(&mut self, input: &mut Events) -> Read<Value> {
        match input.next() {
            Some(event) if event.kind() == EventKind::InlineTableOpen => self.inline_table(event, input),
            Some(event) if event.kind() == EventKind::ArrayOpen => self.array(event, input),
            Some(event) if event.kind() == EventKind::Scalar => self.scalar(event),
            _ => reject(),
        }
    }

    fn scalar(&mut self, event: &Event) -> Read<Value> {
        let Some(raw) = self.source.get(event) else { return reject() };
        if let Some(kind) = self.plain_scalar(event.encoding(), raw.as_str()) {
            return Ok(Value { span: self.span(event.span()), kind });
        }
        let mut decoded = Cow::Borrowed("");
        let mut errors = Errors(false);
        let kind = raw.decode_scalar(&mut decoded, &mut errors);
        if errors.0 {
            return reject();
        }
        let kind = match kind {
            ScalarKind::String => Kind::String(self.document.store(decoded)),
            ScalarKind::Boolean(flag) => Kind::Boolean(flag),
            ScalarKind::DateTime => match decoded.parse::<toml::value::Datetime>() {
                Ok(_) => Kind::Datetime,
                Err(_) => return reject(),
            },
            ScalarKind::Float => Kind::Float,
            ScalarKind::Integer(radix) => Kind::Integer(i64::from_str_radix(&decoded, radix.value()).ok()),
        };
        Ok(Value { span: self.span(event.span()), kind })
    }

    /// The scalars most of a device file is made of, read without the decoder, which
    /// would find the same (`decode_basic_string`, `decode_unquoted_scalar`): a plain value
    /// (`plain_line::plain_value`) written as a basic string or unquoted. `None` for anything
    /// else, which the decoder then reads.
    fn plain_scalar(&mut self, encoding: Option<Encoding>, raw: &'i str) -> Option<Kind> {
        if !matches!(encoding, None | Some(Encoding::BasicString)) {
            return None;
        }
        let value = plain_line::plain_value(raw.as_bytes())?;
        Some(self.plain_kind(raw, value))
    }

    /// A plain value written as `written`, a string stored as the text between its quotes.
    fn plain_kind(&mut self, written: &'i str, value: PlainValue) -> Kind {
        match value {
            PlainValue::String => Kind::String(self.document.store(Cow::Borrowed(&written[1..written.len() - 1]))),
            PlainValue::Integer(integer) => Kind::Integer(Some(integer)),
            PlainValue::Boolean(flag) => Kind::Boolean(flag),
        }
    }

    /// `toml`'s `array::on_array`.
    fn array(&mut self, open: &Event, input: &mut Events) -> Read<Value> {
        // Made first, so that its elements go straight into it (into the room of an array
        // released before, in an array of tables).
        let array = self.document.new_array(false);
        let mut pending = None;
        let mut close = open.span();
        while let Some(event) = input.next() {
            close = event.span();
            match event.kind() {
                EventKind::InlineTableOpen => pending = Some(self.inline_table(event, input)?),
                EventKind::ArrayOpen => pending = Some(self.array(event, input)?),
                EventKind::Scalar => pending = Some(self.scalar(event)?),
                EventKind::ValueSep => self.document.arrays[array as usize].values.extend(pending.take()),
                EventKind::Whitespace | EventKind::Comment | EventKind::Newline => {}
                EventKind::ArrayClose => {
                    self.document.arrays[array as usize].values.extend(pending.take());
                    break;
                }
                _ => return reject(),
            }
        }
        Ok(Value { span: self.span(open.span().append(close)), kind: Kind::Array(array) })
    }

    /// `toml`'s `inline_table::on_inline_table`.
    fn inline_table(&mut self, open: &Event, input: &mut Events) -> Read<Value> {
        let table = self.document.new_table();
        self.document.tables[table as usize].inline = true;
        let mut close = open.span();
        let mut pending_key: Option<(Vec<Key>, Key)> = None;
        let mut pending_value = None;
        while let Some(event) = input.next() {
            close = event.span();
            match event.kind() {
                EventKind::SimpleKey => {
                    if let (path, Some(key)) = self.on_key(event, input)? {
                        pending_key = Some((path, key));
                    }
                }
                EventKind::KeyValSep | EventKind::Whitespace | EventKind::Comment | EventKind::Newline => {}
                EventKind::InlineTableOpen => pending_value = Some(self.inline_table(event, input)?),
                EventKind::ArrayOpen => pending_value = Some(self.array(event, input)?),
                EventKind::Scalar => pending_value = Some(self.scalar(event)?),
                EventKind::ValueSep => self.inline_entry(table, pending_key.take(), pending_value.take())?,
                EventKind::InlineTableClose => {
                    self.inline_entry(table, pending_key.take(), pending_value.take())?;
                    break;
                }
                _ => return reject(),
            }
        }
        Ok(Value { span: self.span(open.span().append(close)), kind: Kind::Table(table) })
    }

    /// `toml`'s `inline_table::State::finish_value`.
    fn inline_entry(&mut self, table: u32, key: Option<(Vec<Key>, Key)>, value: Option<Value>) -> Read<()> {
        let (Some((path, key)), Some(value)) = (key, value) else { return Ok(()) };
        let mut parent = table;
        for step in &path {
            parent = match self.document.find_key(parent, step.text) {
                Err(at) => {
                    let child = self.document.new_table();
                    let data = &mut self.document.tables[child as usize];
                    data.implicit = true;
                    data.dotted = true;
                    data.inline = true;
                    self.document.insert_at(parent, at, *step, Value { span: step.span, kind: Kind::Table(child) });
                    child
                }
                Ok(at) => match self.document.tables[parent as usize].entries[at].value.kind {
                    Kind::Table(child) if self.document.tables[child as usize].implicit => child,
                    _ => return reject(),
                },
            };
        }
        if self.document.tables[parent as usize].dotted == path.is_empty() {
            return reject();
        }
        match self.document.find_key(parent, key.text) {
            Err(at) => self.document.insert_at(parent, at, key, value),
            Ok(_) => return reject(),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(source: &str) -> bool {
        let whole = read(source, &mut |_, _| false).is_some();
        assert_eq!(whole, read_in_pieces(source, 1, &mut |_, _| false).is_some(), "{source:?}");
        whole
    }

    #[test]
    fn toml_semantics_are_kept() {
        assert!(accepts("a = 1\n[b]\nc = 2\n[[d]]\ne = 3\n[[d]]\ne = 4\n[d.f]\ng = 5\n"));
        assert!(accepts("a.b.c = 1\na.b.d = 2\n"));
        assert!(accepts("[a.b]\nc = 1\n[a]\nd = 2\n"));
        assert!(accepts("x = { a = 1, b.c = 2 }\ny = [1, [2], { z = 3 }]\n"));
        assert!(!accepts("a = 1\na = 2\n"), "duplicate key");
        assert!(!accepts("[a]\n[a]\n"), "table defined twice");
        assert!(!accepts("[a]\nb.c = 1\n[a.b]\n"), "a dotted table defined again by a header");
        assert!(!accepts("[a.b]\n[a]\nb = 1\n"), "a key over a table");
        assert!(!accepts("x = { a = 1 }\n[x]\n"), "an inline table extended");
        assert!(!accepts("x = { a = 1 }\nx.b = 2\n"), "an inline table extended by a dotted key");
        assert!(!accepts("x = [1]\n[[x]]\n"), "a static array extended");
        assert!(!accepts("x = { a = 1, a = 2 }\n"));
        assert!(!accepts("a = \"\\q\"\n"), "an unknown escape");
        assert!(!accepts("a = 1979-13-27\n"), "an impossible date");
        assert!(!accepts("a = [1,\n"), "an unclosed array");
        assert!(!accepts("a = 1]\nb = 2\n"));
    }

    fn read_all(source: &str) -> Option<Document<'_>> {
        read(source, &mut |_, _| false)
    }

    #[test]
    fn values_and_spans_are_read() {
        let document = read_all("[t]\nname = \"a\\tb\"\nn = 0x1F\nbig = 99999999999999999999\n").unwrap();
        let (key, table) = document.root().iter().next().unwrap();
        assert_eq!((key.name, table.span().range()), ("t", 0..3));
        let super::super::document::Shape::Table(table) = table.shape() else { panic!() };
        let name = table.get("name").unwrap();
        assert!(matches!(name.shape(), super::super::document::Shape::String("a\tb")));
        assert_eq!(name.span().range(), 11..17);
        assert!(matches!(table.get("n").unwrap().shape(), super::super::document::Shape::Integer(Some(31))));
        assert!(matches!(table.get("big").unwrap().shape(), super::super::document::Shape::Integer(None)));
    }
}
