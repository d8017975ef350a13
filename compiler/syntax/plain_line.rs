//! The lines most of a device file is made of, recognised without a lexer: `[[routes]]`,
//! `[device]`, `name = "web"`, `metric = 100`, `enabled = true` and blank lines.
//!
//! The stream reader takes such a line straight into the document, through the same calls the
//! parser's events would have made (`stream.rs`), and hands everything else to `toml_parser`.
//! A line is plain only in a shape whose tokens and meaning are certain from its bytes alone:
//! a bare key, exactly ` = `, and a value that needs no decoder (a basic string without an
//! escape or a control character, a decimal integer of at most 18 digits, `true`, `false`);
//! or a header of one bare key with no space; each ended by LF, CRLF or the end of the text.
//! Anything else, a comment included, is not plain, and the parser reads it as before. So the
//! reader accepts exactly what it accepted: the equivalence test and the fuzz target hold it to
//! the `toml` crate as they did.

/// A line of one of the plain shapes, its parts as byte ranges of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PlainLine {
    /// Empty, or spaces and tabs only.
    Blank,
    /// `[key]` or `[[key]]`: the whole header and its key.
    Header { header: (usize, usize), key: (usize, usize), is_array: bool },
    /// `key = value`: the key, and the value as written (a string with its quotes).
    KeyValue { key: (usize, usize), value: (usize, usize), kind: PlainValue },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PlainValue {
    /// Its text is the value's without the quotes.
    String,
    Integer(i64),
    Boolean(bool),
}

/// The line that starts at byte `at` of `text`, if it is plain, and where the next one starts.
/// `at` must be where an expression may start (the text's start or after a newline outside
/// any bracket or string); then a plain line means there what it means alone.
pub(super) fn at(text: &str, at: usize) -> Option<(PlainLine, usize)> {
    let rest = text.get(at..)?;
    let bytes = rest.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    // A byte loop: lines are short, and `str::find`'s word-at-a-time search cost more on them.
    let (line, next, ended) = match bytes.iter().position(|&b| b == b'\n') {
        Some(newline) => (&bytes[..newline], at + newline + 1, true),
        None => (bytes, text.len(), false),
    };
    // A CR only as the start of a CRLF: a lone one is an error the parser reports, and no
    // plain shape takes one (not a blank, a bare key, a plain string nor a number).
    let line = match line.split_last() {
        Some((b'\r', body)) if ended => body,
        _ => line,
    };
    let range = |start: usize, end: usize| (at + start, at + end);
    if line.iter().all(|&b| b == b' ' || b == b'\t') {
        return Some((PlainLine::Blank, next));
    }
    if let Some(inner) = line.strip_prefix(b"[[").and_then(|rest| rest.strip_suffix(b"]]")) {
        let plain = PlainLine::Header { header: range(0, line.len()), key: range(2, 2 + inner.len()), is_array: true };
        return is_bare_key(inner).then_some((plain, next));
    }
    if let Some(inner) = line.strip_prefix(b"[").and_then(|rest| rest.strip_suffix(b"]")) {
        let plain = PlainLine::Header { header: range(0, line.len()), key: range(1, 1 + inner.len()), is_array: false };
        return is_bare_key(inner).then_some((plain, next));
    }
    let key_end = line.iter().position(|&b| b == b' ')?;
    let value = line[key_end..].strip_prefix(b" = ")?;
    if !is_bare_key(&line[..key_end]) {
        return None;
    }
    let value_start = key_end + 3;
    let kind = plain_value(value)?;
    Some((PlainLine::KeyValue { key: range(0, key_end), value: range(value_start, line.len()), kind }, next))
}

/// Each byte's classes: [`BARE`], [`UNESCAPED`].
const CLASSES: [u8; 256] = {
    let mut classes = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            classes[byte] |= BARE;
        }
        if b >= 0x80 || b == b'\t' || (b >= 0x20 && b <= 0x7e && b != b'"' && b != b'\\') {
            classes[byte] |= UNESCAPED;
        }
        byte += 1;
    }
    classes
};
/// `unquoted-key = 1*( ALPHA / DIGIT / %x2D / %x5F )`.
const BARE: u8 = 1;
/// A byte a basic string holds as itself: not a quote, a backslash, nor a control character
/// other than tab (the bytes of a non-ASCII character are all at least 0x80).
const UNESCAPED: u8 = 2;

/// A bare key.
pub(super) fn is_bare_key(text: &[u8]) -> bool {
    !text.is_empty() && text.iter().all(|&b| CLASSES[b as usize] & BARE != 0)
}

/// A value whose meaning its bytes alone say, as `toml_parser`'s decoder would find it
/// (`decode_basic_string`, `decode_unquoted_scalar`).
pub(super) fn plain_value(value: &[u8]) -> Option<PlainValue> {
    match value.first()? {
        b'"' => {
            let inner = value.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
            inner.iter().all(|&b| is_unescaped(b)).then_some(PlainValue::String)
        }
        b'1'..=b'9' if value.len() <= 18 && value.iter().all(u8::is_ascii_digit) => {
            // At most 18 digits: always an `i64`.
            std::str::from_utf8(value).ok()?.parse().ok().map(PlainValue::Integer)
        }
        _ if value == b"true" => Some(PlainValue::Boolean(true)),
        _ if value == b"false" => Some(PlainValue::Boolean(false)),
        _ => None,
    }
}

/// A byte of a basic string that needs no escape ([`UNESCAPED`]).
fn is_unescaped(b: u8) -> bool {
    CLASSES[b as usize] & UNESCAPED != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Option<PlainLine> {
        at(text, 0).map(|(line, _)| line)
    }

    #[test]
    fn the_plain_shapes_are_taken_with_their_ranges() {
        assert_eq!(at("\nx", 0), Some((PlainLine::Blank, 1)));
        assert_eq!(at(" \t\r\nx", 0), Some((PlainLine::Blank, 4)));
        assert_eq!(
            at("[[routes]]\n", 0),
            Some((PlainLine::Header { header: (0, 10), key: (2, 8), is_array: true }, 11))
        );
        assert_eq!(line("[device]"), Some(PlainLine::Header { header: (0, 8), key: (1, 7), is_array: false }));
        assert_eq!(
            at("a\nname = \"w é\"\r\n", 2),
            Some((PlainLine::KeyValue { key: (2, 6), value: (9, 15), kind: PlainValue::String }, 17))
        );
        assert_eq!(
            line("metric = 100"),
            Some(PlainLine::KeyValue { key: (0, 6), value: (9, 12), kind: PlainValue::Integer(100) })
        );
        assert_eq!(
            line("on = false").map(|line| matches!(line, PlainLine::KeyValue { kind: PlainValue::Boolean(false), .. })),
            Some(true)
        );
        assert_eq!(
            line("e = \"\""),
            Some(PlainLine::KeyValue { key: (0, 1), value: (4, 6), kind: PlainValue::String })
        );
    }

    #[test]
    fn every_other_shape_is_left_to_the_parser() {
        for text in [
            "",
            "# a comment",
            "a = 1 # a comment",
            "a  = 1",
            "a =1",
            "\ta = 1",
            "a.b = 1",
            "\"a\" = 1",
            "a = 'literal'",
            "a = \"es\\\"cape\"",
            "a = \"\"\"multi\"\"\"",
            "a = \"tab\tok\u{7f}\"",
            "a = \"unclosed",
            "a = 0",
            "a = 0x1F",
            "a = 1_000",
            "a = 1234567890123456789",
            "a = 1.5",
            "a = 1979-05-27",
            "a = True",
            "a = [1]",
            "a = { b = 1 }",
            "[ a ]",
            "[a.b]",
            "[[a]",
            "[]",
            "a = 1\rb = 2",
            "a = 1\r",
            "\u{feff}a = 1",
        ] {
            assert_eq!(line(text), None, "{text:?}");
        }
    }
}
