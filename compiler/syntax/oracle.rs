//! The `toml` crate's document as a [`Document`], and (feature `testing`) the stream reader
//! compared with it.
//!
//! The `toml` crate is the reference the stream reader (`stream.rs`) is held to: its
//! recovering parser still reports the syntax errors (`syntax_error.rs`), its tree stands in
//! when the reader refuses a document the crate accepts (`super::parse_document`), and
//! [`compare_with_toml`] is what the equivalence test and the `toml_equivalence` fuzz target
//! run.

use toml::de::{DeTable, DeValue};

use super::document::{Document, Entry, Key, Kind, Span32, Value};

/// `table`, the root of the `toml` crate's tree of `source`, as a document.
pub(super) fn document<'i>(source: &'i str, table: &DeTable<'i>) -> Document<'i> {
    let mut document = Document::new(source);
    document.root = convert_table(&mut document, table);
    document
}

fn convert_table<'i>(document: &mut Document<'i>, table: &DeTable<'i>) -> u32 {
    let index = document.new_table();
    for (key, value) in table.iter() {
        let key = Key { span: span(key.span()), text: document.store(key.get_ref().clone()) };
        let value = convert_value(document, value);
        document.tables[index as usize].entries.push(Entry { key, value });
    }
    index
}

fn convert_value<'i>(document: &mut Document<'i>, value: &toml::Spanned<DeValue<'i>>) -> Value {
    let kind = match value.get_ref() {
        DeValue::String(text) => Kind::String(document.store(text.clone())),
        DeValue::Integer(integer) => Kind::Integer(i64::from_str_radix(integer.as_str(), integer.radix()).ok()),
        DeValue::Float(_) => Kind::Float,
        DeValue::Boolean(flag) => Kind::Boolean(*flag),
        DeValue::Datetime(_) => Kind::Datetime,
        DeValue::Array(array) => {
            let values = array.iter().map(|element| convert_value(document, element)).collect();
            let index = document.new_array(false);
            document.arrays[index as usize].values = values;
            Kind::Array(index)
        }
        DeValue::Table(table) => Kind::Table(convert_table(document, table)),
    };
    Value { span: span(value.span()), kind }
}

fn span(range: std::ops::Range<usize>) -> Span32 {
    Span32::new(range.start, range.end)
}

/// Whether the stream reader and the `toml` crate agree on `source`: both refuse it, or both
/// accept it with the same keys, values and spans. `Ok(true)` when accepted; `Err` says how
/// they differ.
#[cfg(feature = "testing")]
pub fn compare_with_toml(source: &str) -> Result<bool, String> {
    let ours = super::stream::read(source, &mut |_, _| false);
    // Each expression parsed alone reads the same as many at once.
    let alone = super::stream::read_in_pieces(source, 1, &mut |_, _| false);
    match (&ours, &alone) {
        (Some(ours), Some(alone)) if dump(ours) != dump(alone) => {
            return Err("read differently one expression at a time".to_owned());
        }
        (Some(_), None) | (None, Some(_)) => return Err("accepted or refused one expression at a time".to_owned()),
        _ => {}
    }
    let theirs = DeTable::parse(source);
    match (ours, theirs) {
        (None, Err(_)) => Ok(false),
        (Some(_), Err(error)) => Err(format!("the stream reader accepts what toml refuses: {error}")),
        (None, Ok(_)) => Err("the stream reader refuses what toml accepts".to_owned()),
        (Some(ours), Ok(theirs)) => {
            let theirs = document(source, theirs.get_ref());
            let (ours, theirs) = (dump(&ours), dump(&theirs));
            if ours == theirs { Ok(true) } else { Err(format!("they read it differently:\n{ours}\n{theirs}")) }
        }
    }
}

/// Everything a reader can see of a document, as text.
#[cfg(feature = "testing")]
fn dump(document: &Document) -> String {
    use super::document::{Shape, ValueRef};
    use std::fmt::Write as _;

    fn write_value(value: ValueRef, out: &mut String) {
        let _ = write!(out, "@{:?}:", value.span().range());
        match value.shape() {
            Shape::String(text) => {
                let _ = write!(out, "{text:?}");
            }
            Shape::Integer(number) => {
                let _ = write!(out, "{number:?}");
            }
            Shape::Float => out.push_str("float"),
            Shape::Boolean(flag) => {
                let _ = write!(out, "{flag}");
            }
            Shape::Datetime => out.push_str("datetime"),
            Shape::Array(array) => {
                out.push('[');
                array.iter().for_each(|element| {
                    write_value(element, out);
                    out.push(',');
                });
                out.push(']');
            }
            Shape::Table(table) => {
                out.push('{');
                for (key, element) in table.iter() {
                    let _ = write!(out, "{:?}@{:?}=", key.name, key.span.range());
                    write_value(element, out);
                    out.push(',');
                }
                out.push('}');
            }
        }
    }

    let mut out = String::new();
    for (key, element) in document.root().iter() {
        let _ = write!(out, "{:?}@{:?}=", key.name, key.span.range());
        write_value(element, &mut out);
        out.push('\n');
    }
    out
}
