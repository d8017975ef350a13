//! The TOML document as `syntax` keeps it between reading and the table readers: a compact
//! tree in three arenas, spans as `u32` offsets, strings as ranges of the source unless an
//! escape made them differ from it.
//!
//! It has the `toml` crate's shape (`toml::de::DeTable`, whose tables are ordered by key):
//! the stream reader (`stream.rs`) builds it with the same rules and spans, and the
//! equivalence test compares the two (`tests/it/toml_equivalence.rs`). Readers see it
//! through [`TableRef`] and [`ValueRef`]; nothing outside `syntax` does.

use crate::diagnostic::Span;

/// A span as two `u32` offsets: the source is at most 4 GiB (`parse` falls back otherwise).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Span32 {
    pub start: u32,
    pub end: u32,
}

impl Span32 {
    pub fn new(start: usize, end: usize) -> Self {
        Span32 { start: start as u32, end: end as u32 }
    }

    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A string of the document: a range of the source when it is written there as it reads,
/// else an index into the decoded strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Str {
    Source(Span32),
    Decoded(u32),
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Key {
    pub span: Span32,
    pub text: Str,
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    String(Str),
    /// `None` when the digits do not fit an `i64`.
    Integer(Option<i64>),
    Float,
    Boolean(bool),
    Datetime,
    Array(u32),
    Table(u32),
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Value {
    pub span: Span32,
    pub kind: Kind,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Entry {
    pub key: Key,
    pub value: Value,
}

#[derive(Debug, Default)]
pub(super) struct TableData {
    /// Sorted by key text, as the `toml` crate's tables are.
    pub entries: Vec<Entry>,
    pub implicit: bool,
    pub dotted: bool,
    pub inline: bool,
}

#[derive(Debug, Default)]
pub(super) struct ArrayData {
    pub values: Vec<Value>,
    pub of_tables: bool,
}

/// A parsed TOML document.
#[derive(Debug)]
pub struct Document<'i> {
    source: &'i str,
    pub(super) tables: Vec<TableData>,
    pub(super) arrays: Vec<ArrayData>,
    pub(super) decoded: Vec<Box<str>>,
    pub(super) root: u32,
    /// Tables and arrays whose element was read and released ([`Document::release`]):
    /// their slots are used again, so a streamed array of tables takes the room of one.
    free_tables: Vec<u32>,
    free_arrays: Vec<u32>,
}

impl<'i> Document<'i> {
    pub(super) fn new(source: &'i str) -> Self {
        let mut document = Document {
            source,
            tables: Vec::new(),
            arrays: Vec::new(),
            decoded: Vec::new(),
            root: 0,
            free_tables: Vec::new(),
            free_arrays: Vec::new(),
        };
        document.root = document.new_table();
        document
    }

    /// The text it was read from.
    pub(super) fn source(&self) -> &'i str {
        self.source
    }

    /// The document with no keys, for [`super::table::keys_of`].
    pub fn empty() -> Self {
        Document::new("")
    }

    pub fn root(&self) -> TableRef<'_> {
        TableRef { document: self, index: self.root }
    }

    pub(super) fn new_table(&mut self) -> u32 {
        if let Some(index) = self.free_tables.pop() {
            return index;
        }
        self.tables.push(TableData::default());
        (self.tables.len() - 1) as u32
    }

    pub(super) fn new_array(&mut self, of_tables: bool) -> u32 {
        if let Some(index) = self.free_arrays.pop() {
            self.arrays[index as usize].of_tables = of_tables;
            return index;
        }
        self.arrays.push(ArrayData { values: Vec::new(), of_tables });
        (self.arrays.len() - 1) as u32
    }

    /// Empties `value`'s tables and arrays, all the way down, and gives their slots back with
    /// their vectors' room, which the next element's tables fill again without allocating.
    /// Its decoded strings stay: they are rare (an escape) and small.
    pub(super) fn release(&mut self, value: Value) {
        match value.kind {
            Kind::Table(index) => {
                let mut entries = std::mem::take(&mut self.tables[index as usize].entries);
                entries.drain(..).for_each(|entry| self.release(entry.value));
                self.tables[index as usize] = TableData { entries, ..TableData::default() };
                self.free_tables.push(index);
            }
            Kind::Array(index) => {
                let mut values = std::mem::take(&mut self.arrays[index as usize].values);
                values.drain(..).for_each(|element| self.release(element));
                self.arrays[index as usize].values = values;
                self.free_arrays.push(index);
            }
            _ => {}
        }
    }

    pub(super) fn value_ref(&self, value: Value) -> ValueRef<'_> {
        ValueRef { document: self, value }
    }

    /// A string as written, or decoded: borrowed text of the source is kept as its range.
    pub(super) fn store(&mut self, text: std::borrow::Cow<'i, str>) -> Str {
        match text {
            // Text the decoder borrowed from the source: kept as its range.
            std::borrow::Cow::Borrowed(text) if !text.is_empty() && self.is_source(text) => {
                let start = text.as_ptr() as usize - self.source.as_ptr() as usize;
                Str::Source(Span32::new(start, start + text.len()))
            }
            text => {
                self.decoded.push(text.into_owned().into_boxed_str());
                Str::Decoded((self.decoded.len() - 1) as u32)
            }
        }
    }

    fn is_source(&self, text: &str) -> bool {
        let (start, end) = (self.source.as_ptr() as usize, self.source.as_ptr() as usize + self.source.len());
        let at = text.as_ptr() as usize;
        start <= at && at + text.len() <= end
    }

    pub(super) fn text(&self, text: Str) -> &str {
        match text {
            Str::Source(span) => &self.source[span.range()],
            Str::Decoded(index) => &self.decoded[index as usize],
        }
    }

    /// The bytes of a string, for comparing keys (`str` orders as its bytes do) without the
    /// character boundary checks of slicing a `str`.
    fn bytes(&self, text: Str) -> &[u8] {
        match text {
            Str::Source(span) => &self.source.as_bytes()[span.range()],
            Str::Decoded(index) => self.decoded[index as usize].as_bytes(),
        }
    }

    /// The entry `name` in the table, for a reader. A table of a few keys (nearly all of
    /// them) is scanned for an equal key, which compares lengths before bytes; a longer one
    /// is halved.
    pub(super) fn find(&self, table: u32, name: &str) -> Option<usize> {
        let entries = &self.tables[table as usize].entries;
        if entries.len() > 8 {
            return self.search(table, name.as_bytes()).ok();
        }
        entries.iter().position(|entry| self.equals(entry.key.text, name.as_bytes()))
    }

    /// Whether `text` is `name`, its length compared before its bytes are looked at.
    fn equals(&self, text: Str, name: &[u8]) -> bool {
        match text {
            Str::Source(span) => {
                (span.end - span.start) as usize == name.len() && &self.source.as_bytes()[span.range()] == name
            }
            Str::Decoded(index) => self.decoded[index as usize].as_bytes() == name,
        }
    }

    /// Where the key `text` is or would be in the table's sorted entries.
    pub(super) fn find_key(&self, table: u32, text: Str) -> Result<usize, usize> {
        self.search(table, self.bytes(text))
    }

    /// A table of a few keys (nearly all of them) is searched in order: cheaper than halving
    /// it, since most keys differ in their length or first byte.
    fn search(&self, table: u32, name: &[u8]) -> Result<usize, usize> {
        let entries = &self.tables[table as usize].entries;
        if entries.len() > 8 {
            return entries.binary_search_by(|entry| compare(self.bytes(entry.key.text), name));
        }
        for (at, entry) in entries.iter().enumerate() {
            match compare(self.bytes(entry.key.text), name) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => return Ok(at),
                std::cmp::Ordering::Greater => return Err(at),
            }
        }
        Err(entries.len())
    }

    pub(super) fn insert_at(&mut self, table: u32, at: usize, key: Key, value: Value) {
        self.tables[table as usize].entries.insert(at, Entry { key, value });
    }
}

/// `a.cmp(b)`, deciding by the first bytes where they differ, as most keys do, before
/// calling `memcmp`.
fn compare(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) if x != y => x.cmp(y),
        _ => a.cmp(b),
    }
}

/// A table of a [`Document`], as a reader sees it.
#[derive(Clone, Copy)]
pub struct TableRef<'d> {
    document: &'d Document<'d>,
    index: u32,
}

/// A key of a table: its text and where it is written.
#[derive(Clone, Copy)]
pub struct KeyRef<'d> {
    pub name: &'d str,
    pub span: Span,
}

impl<'d> TableRef<'d> {
    pub fn iter(self) -> impl Iterator<Item = (KeyRef<'d>, ValueRef<'d>)> {
        let document = self.document;
        document.tables[self.index as usize].entries.iter().map(move |entry| {
            let key = KeyRef { name: document.text(entry.key.text), span: to_span(entry.key.span) };
            (key, ValueRef { document, value: entry.value })
        })
    }

    pub fn get(self, name: &str) -> Option<ValueRef<'d>> {
        let at = self.document.find(self.index, name)?;
        let value = self.document.tables[self.index as usize].entries[at].value;
        Some(ValueRef { document: self.document, value })
    }

    pub fn contains(self, name: &str) -> bool {
        self.document.find(self.index, name).is_some()
    }
}

/// A value of a [`Document`], as a reader sees it.
#[derive(Clone, Copy)]
pub struct ValueRef<'d> {
    document: &'d Document<'d>,
    value: Value,
}

/// What a value is, for a reader.
pub enum Shape<'d> {
    String(&'d str),
    Integer(Option<i64>),
    Float,
    Boolean(bool),
    Datetime,
    Array(ArrayRef<'d>),
    Table(TableRef<'d>),
}

/// An array of a [`Document`].
#[derive(Clone, Copy)]
pub struct ArrayRef<'d> {
    document: &'d Document<'d>,
    index: u32,
}

impl<'d> ArrayRef<'d> {
    pub fn iter(self) -> impl Iterator<Item = ValueRef<'d>> {
        let document = self.document;
        document.arrays[self.index as usize].values.iter().map(move |&value| ValueRef { document, value })
    }
}

impl<'d> ValueRef<'d> {
    pub fn span(self) -> Span {
        to_span(self.value.span)
    }

    pub fn shape(self) -> Shape<'d> {
        let document = self.document;
        match self.value.kind {
            Kind::String(text) => Shape::String(document.text(text)),
            Kind::Integer(number) => Shape::Integer(number),
            Kind::Float => Shape::Float,
            Kind::Boolean(flag) => Shape::Boolean(flag),
            Kind::Datetime => Shape::Datetime,
            Kind::Array(index) => Shape::Array(ArrayRef { document, index }),
            Kind::Table(index) => Shape::Table(TableRef { document, index }),
        }
    }

    /// The article and name of the value's TOML type, for messages ("a string").
    pub fn a_type(self) -> &'static str {
        match self.value.kind {
            Kind::String(_) => "a string",
            Kind::Integer(_) => "an integer",
            Kind::Float => "a float",
            Kind::Boolean(_) => "a boolean",
            Kind::Datetime => "a date-time",
            Kind::Array(_) => "an array",
            Kind::Table(_) => "a table",
        }
    }
}

fn to_span(span: Span32) -> Span {
    Span::from(span.range())
}
