//! Reading an export: bytes to text in every encoding Windows tools write, text to a
//! `serde_json::Value`, and a reader that keeps the JSON path of each value it reads, so that
//! every problem names its value (`device.network.interfaces[3].iPv4.subnetMask`) and says
//! what was expected there.

use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::{NotImported, Problem};

/// Bytes to text: UTF-8 with or without a byte order mark; UTF-16LE or UTF-16BE with one (what
/// Windows PowerShell 5.1's `Out-File` and `>` write) or without one (recognised by the NUL
/// bytes of ASCII text, as RFC 4627 section 3 does). UTF-32 and bytes that are not text are
/// refused with what to do.
pub(super) fn decode(bytes: &[u8]) -> Result<String, String> {
    const RESAVE: &str = "save it as UTF-8 (in PowerShell: `Get-Content FILE | Set-Content -Encoding utf8 NEW`)";
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(format!("the file is UTF-32 text; {RESAVE}"));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest, 3);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, 2, u16::from_le_bytes, "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, 2, u16::from_be_bytes, "UTF-16BE");
    }
    // JSON text starts with two ASCII characters (`{` and a quote or white space): in UTF-16
    // each has a NUL byte beside it, in UTF-32 three.
    match bytes {
        [a, 0, 0, 0, ..] | [0, 0, 0, a, ..] if *a != 0 => Err(format!("the file is UTF-32 text; {RESAVE}")),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => utf16(bytes, 0, u16::from_le_bytes, "UTF-16LE"),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => utf16(bytes, 0, u16::from_be_bytes, "UTF-16BE"),
        _ => utf8(bytes, 0),
    }
}

fn utf8(bytes: &[u8], offset: usize) -> Result<String, String> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(error) => Err(format!(
            "the file is not UTF-8 or UTF-16 text (byte {} is not UTF-8): export with `To-json | Out-File FILE` \
             (UTF-16) or `Out-File -Encoding utf8`, not the ANSI code page",
            offset + error.valid_up_to()
        )),
    }
}

fn utf16(bytes: &[u8], offset: usize, unit: fn([u8; 2]) -> u16, name: &str) -> Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err(format!("the file is {name} text with an odd number of bytes: it was cut off; export it again"));
    }
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    // An export is nearly always all ASCII: then each unit is one byte of the text, in one
    // pass the compiler vectorises (the character loop below took a seventh of an import).
    if units.clone().all(|unit| unit < 0x80) {
        let ascii: Vec<u8> = units.map(|unit| unit as u8).collect();
        return Ok(String::from_utf8(ascii).expect("ASCII is UTF-8"));
    }
    let mut utf8 = Vec::with_capacity(bytes.len() / 2);
    let mut buffer = [0; 4];
    for (index, decoded) in char::decode_utf16(units).enumerate() {
        match decoded {
            Ok(c) if c.is_ascii() => utf8.push(c as u8),
            Ok(c) => utf8.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes()),
            Err(_) => {
                return Err(format!(
                    "the file is {name} text with a broken character at byte {}: export it again",
                    offset + 2 * index
                ));
            }
        }
    }
    Ok(String::from_utf8(utf8).expect("characters encoded as UTF-8"))
}

/// The text as JSON, or what is wrong with it and where (serde_json's line and column; its
/// depth limit, 128, bounds what a hostile file costs). A key given twice in one object is
/// refused: `Value` would keep its last value and say nothing, and which one the device has
/// cannot be told (no PowerShell writes one; a hand edit or a bad merge does).
pub(super) fn parse(text: &str) -> Result<Value, String> {
    let value = parse_value(text)?;
    if let Err(error) = serde_json::from_str::<NoKeyTwice>(text) {
        let message = error.to_string();
        let place = format!(" at line {} column {}", error.line(), error.column());
        let message = message.strip_suffix(&place).unwrap_or(&message);
        return Err(format!(
            "{message} (line {}, column {}): which value the device has cannot be told; export it again, or \
             remove one",
            error.line(),
            error.column()
        ));
    }
    Ok(value)
}

fn parse_value(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|error| {
        let message = error.to_string();
        // serde_json ends its message with " at line L column C": say it once, in front.
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        let place = format!("line {}, column {}", error.line(), error.column());
        match error.classify() {
            serde_json::error::Category::Eof => {
                format!("the JSON ends at {place} before it is complete ({message}): the file was cut off")
            }
            _ => format!("not valid JSON at {place}: {message}"),
        }
    })
}

/// A value of the export and its JSON path; `value` is `None` where the key is absent. The
/// path is a chain of steps shared with the parent, written out only for a message: reading
/// a value allocates one step, never a copy of the path so far.
#[derive(Clone)]
pub(super) struct Node<'v> {
    pub value: Option<&'v Value>,
    steps: Option<Rc<Step<'v>>>,
}

struct Step<'v> {
    parent: Option<Rc<Step<'v>>>,
    segment: Segment<'v>,
}

enum Segment<'v> {
    Key(&'v str),
    Index(usize),
}

impl<'v> Node<'v> {
    pub fn root(value: &'v Value) -> Node<'v> {
        Node { value: Some(value), steps: None }
    }

    /// The member `name` of this object (absent when this is not an object).
    pub fn key(&self, name: &'v str) -> Node<'v> {
        Node { value: self.value.and_then(|value| value.get(name)), steps: self.step(Segment::Key(name)) }
    }

    fn index(&self, index: usize, item: &'v Value) -> Node<'v> {
        Node { value: Some(item), steps: self.step(Segment::Index(index)) }
    }

    fn step(&self, segment: Segment<'v>) -> Option<Rc<Step<'v>>> {
        Some(Rc::new(Step { parent: self.steps.clone(), segment }))
    }

    /// The JSON path: `device.network.interfaces[3].iPv4.subnetMask`; empty for the root.
    pub fn path(&self) -> String {
        let mut segments = Vec::new();
        let mut step = self.steps.as_deref();
        while let Some(current) = step {
            segments.push(&current.segment);
            step = current.parent.as_deref();
        }
        let mut path = String::new();
        for segment in segments.into_iter().rev() {
            match segment {
                Segment::Key(name) if path.is_empty() => path.push_str(name),
                Segment::Key(name) => {
                    path.push('.');
                    path.push_str(name);
                }
                Segment::Index(index) => {
                    let _ = write!(path, "[{index}]");
                }
            }
        }
        path
    }

    /// Absent or `null`.
    pub fn is_null(&self) -> bool {
        self.value.is_none_or(Value::is_null)
    }
}

/// What a value is, for "expected ..., found ...".
fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => format!("`{flag}`"),
        Value::Number(number) => format!("the number {number}"),
        Value::String(text) => format!("`{}`", crate::escape::terminal::line(text)),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// Reads values, collecting every problem and every value it does not import.
pub(super) struct Reader<'s> {
    source: &'s str,
    pub problems: Vec<Problem>,
    pub not_imported: Vec<NotImported>,
}

impl<'s> Reader<'s> {
    pub fn new(source: &'s str) -> Reader<'s> {
        Reader { source, problems: Vec::new(), not_imported: Vec::new() }
    }

    pub fn problem(&mut self, node: &Node<'_>, message: impl Into<String>) {
        let path = node.path();
        let path = if path.is_empty() { "(the whole file)".to_owned() } else { path };
        self.problems.push(Problem { source: self.source.to_owned(), path, message: message.into() });
    }

    pub fn not_imported(&mut self, node: &Node<'_>, why: impl Into<String>) {
        self.not_imported.push(NotImported { source: self.source.to_owned(), path: node.path(), why: why.into() });
    }

    /// A string that is not what was expected: "expected EXPECTED, found `TEXT`", the text on
    /// one visible line, then ": WHY" when there is more to say. The one place such a message
    /// is made.
    pub fn unexpected(&mut self, node: &Node<'_>, expected: &str, text: &str, why: Option<&str>) {
        let found = crate::escape::terminal::line(text);
        match why {
            Some(why) => self.problem(node, format!("expected {expected}, found `{found}`: {why}")),
            None => self.problem(node, format!("expected {expected}, found `{found}`")),
        }
    }

    fn expected(&mut self, node: &Node<'_>, what: &str) {
        let found = node.value.map_or_else(|| "nothing (the key is absent)".to_owned(), kind);
        self.problem(node, format!("expected {what}, found {found}"));
    }

    /// An object, whose members other than `known` are reported as not imported when they
    /// hold anything (`null`, `[]` and `""` hold nothing).
    pub fn object<'v>(&mut self, node: &Node<'v>, what: &str, known: &[&str]) -> Option<&'v Map<String, Value>> {
        let Some(Value::Object(members)) = node.value else {
            self.expected(node, what);
            return None;
        };
        for (key, value) in members {
            let empty = match value {
                Value::Null => true,
                Value::Array(items) => items.is_empty(),
                Value::String(text) => text.is_empty(),
                _ => false,
            };
            if !known.contains(&key.as_str()) && !empty {
                let member = node.key(key);
                self.not_imported(&member, "a field asenet does not know: the samples it was built on never show it");
            }
        }
        Some(members)
    }

    /// An object whose members are not all read, and not reported (a Kubernetes object's
    /// metadata and status hold many that mean nothing to the device file).
    pub fn members<'v>(&mut self, node: &Node<'v>, what: &str) -> Option<&'v Map<String, Value>> {
        match node.value {
            Some(Value::Object(members)) => Some(members),
            _ => {
                self.expected(node, what);
                None
            }
        }
    }

    /// The items of an array, each with its path; `null` or absent is no items.
    pub fn items<'v>(&mut self, node: &Node<'v>, what: &str) -> Vec<Node<'v>> {
        match node.value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                items.iter().enumerate().map(|(index, item)| node.index(index, item)).collect()
            }
            Some(_) => {
                self.expected(node, what);
                Vec::new()
            }
        }
    }

    pub fn string<'v>(&mut self, node: &Node<'v>, what: &str) -> Option<&'v str> {
        match node.value {
            Some(Value::String(text)) => Some(text),
            _ => {
                self.expected(node, what);
                None
            }
        }
    }

    /// `Some(None)` for absent or `null`; `None` after reporting a value of another type.
    pub fn optional_string<'v>(&mut self, node: &Node<'v>, what: &str) -> Option<Option<&'v str>> {
        if node.is_null() { Some(None) } else { self.string(node, what).map(Some) }
    }

    pub fn boolean(&mut self, node: &Node<'_>, what: &str) -> Option<bool> {
        match node.value {
            Some(Value::Bool(flag)) => Some(*flag),
            _ => {
                self.expected(node, &format!("{what} (`true` or `false`)"));
                None
            }
        }
    }

    /// `false` when absent or `null`.
    pub fn flag(&mut self, node: &Node<'_>, what: &str) -> Option<bool> {
        if node.is_null() { Some(false) } else { self.boolean(node, what) }
    }

    /// A whole number that fits `i64` (what the device file's integers are).
    pub fn integer(&mut self, node: &Node<'_>, what: &str) -> Option<i64> {
        match node.value.and_then(Value::as_i64) {
            Some(number) => Some(number),
            None => {
                self.expected(node, &format!("{what} (a whole number)"));
                None
            }
        }
    }

    /// An IPv4 address; `what` names it ("the port's address").
    pub fn address(&mut self, node: &Node<'_>, what: &str) -> Option<Ipv4Addr> {
        let text = self.string(node, &format!("{what}, an IPv4 address like `192.168.1.10`"))?;
        match parse_address(text) {
            Ok(address) => Some(address),
            Err(why) => {
                self.unexpected(node, &format!("{what}, an IPv4 address like `192.168.1.10`"), text, Some(why));
                None
            }
        }
    }

    pub fn optional_address(&mut self, node: &Node<'_>, what: &str) -> Option<Option<Ipv4Addr>> {
        if node.is_null() { Some(None) } else { self.address(node, what).map(Some) }
    }

    /// A list of addresses; `null` or absent is none.
    pub fn addresses(&mut self, node: &Node<'_>, what: &str) -> Option<Vec<Ipv4Addr>> {
        let items = self.items(node, &format!("a list of {what}"));
        let parsed: Vec<Option<Ipv4Addr>> = items.iter().map(|item| self.address(item, what)).collect();
        parsed.into_iter().collect()
    }

    /// A subnet mask (`255.255.248.0`), as its prefix length.
    pub fn mask(&mut self, node: &Node<'_>) -> Option<u8> {
        const WHAT: &str = "a subnet mask like `255.255.255.0`";
        let text = self.string(node, WHAT)?;
        let Ok(mask) = parse_address(text) else {
            self.unexpected(node, WHAT, text, None);
            return None;
        };
        match prefix_of_mask(mask) {
            Some(length) => Some(length),
            None => {
                self.unexpected(node, WHAT, text, Some("its one bits are not contiguous"));
                None
            }
        }
    }

    /// An address range as the device writes one: `FIRST-LAST`, or one address.
    pub fn range(&mut self, node: &Node<'_>, what: &str) -> Option<(Ipv4Addr, Ipv4Addr)> {
        let expected = format!("{what}, a range `FIRST-LAST` like `192.168.1.20-192.168.1.29` or one address");
        let text = self.string(node, &expected)?;
        let bounds = match text.split_once('-') {
            Some((first, last)) => (parse_address(first.trim()), parse_address(last.trim())),
            None => (parse_address(text.trim()), parse_address(text.trim())),
        };
        match bounds {
            (Ok(first), Ok(last)) if first <= last => Some((first, last)),
            (Ok(_), Ok(_)) => {
                self.unexpected(node, &expected, text, Some("its last address is before its first"));
                None
            }
            _ => {
                self.unexpected(node, &expected, text, None);
                None
            }
        }
    }
}

/// An IPv4 address as asenet reads one (four decimal octets, no leading zeros), or why not.
fn parse_address(text: &str) -> Result<Ipv4Addr, &'static str> {
    if let Ok(address) = text.parse::<Ipv4Addr>() {
        return Ok(address);
    }
    if text.contains('/') {
        return Err("an address with a prefix length, not one address");
    }
    if text.parse::<std::net::Ipv6Addr>().is_ok() {
        return Err("an IPv6 address: asenet's device file is IPv4 only");
    }
    Err("not four decimal octets from 0 to 255")
}

/// The prefix length of a mask whose one bits are contiguous.
pub(super) fn prefix_of_mask(mask: Ipv4Addr) -> Option<u8> {
    let bits = u32::from(mask);
    let length = bits.leading_ones();
    let contiguous = bits.checked_shl(length).unwrap_or(0) == 0;
    contiguous.then(|| u8::try_from(length).expect("at most 32"))
}

/// Any JSON value with no key given twice in any of its objects (deserializing one reads the
/// whole text, keeping only each object's keys, and fails at the second of two same keys).
struct NoKeyTwice;

impl<'de> serde::Deserialize<'de> for NoKeyTwice {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<NoKeyTwice, D::Error> {
        deserializer.deserialize_any(NoKeyTwice)
    }
}

impl<'de> serde::de::Visitor<'de> for NoKeyTwice {
    type Value = NoKeyTwice;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<NoKeyTwice, E> {
        Ok(NoKeyTwice)
    }

    fn visit_i64<E>(self, _: i64) -> Result<NoKeyTwice, E> {
        Ok(NoKeyTwice)
    }

    fn visit_u64<E>(self, _: u64) -> Result<NoKeyTwice, E> {
        Ok(NoKeyTwice)
    }

    fn visit_f64<E>(self, _: f64) -> Result<NoKeyTwice, E> {
        Ok(NoKeyTwice)
    }

    fn visit_str<E>(self, _: &str) -> Result<NoKeyTwice, E> {
        Ok(NoKeyTwice)
    }

    fn visit_unit<E>(self) -> Result<NoKeyTwice, E> {
        Ok(NoKeyTwice)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<NoKeyTwice, A::Error> {
        while items.next_element::<NoKeyTwice>()?.is_some() {}
        Ok(NoKeyTwice)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut members: A) -> Result<NoKeyTwice, A::Error> {
        let mut keys = std::collections::BTreeSet::new();
        while let Some(key) = members.next_key::<String>()? {
            if keys.contains(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the key `{}` is given twice in one object",
                    crate::escape::terminal::line(&key)
                )));
            }
            members.next_value::<NoKeyTwice>()?;
            keys.insert(key);
        }
        Ok(NoKeyTwice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_are_contiguous_ones() {
        assert_eq!(prefix_of_mask(Ipv4Addr::new(255, 255, 248, 0)), Some(21));
        assert_eq!(prefix_of_mask(Ipv4Addr::new(0, 0, 0, 0)), Some(0));
        assert_eq!(prefix_of_mask(Ipv4Addr::new(255, 255, 255, 255)), Some(32));
        assert_eq!(prefix_of_mask(Ipv4Addr::new(255, 0, 255, 0)), None);
    }

    #[test]
    fn every_encoding_windows_writes_decodes() {
        let text = "{\"a\": \"Zürich\"}";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&[&[0xFF, 0xFE][..], &le].concat()).unwrap(), text);
        assert_eq!(decode(&[&[0xFE, 0xFF][..], &be].concat()).unwrap(), text);
        assert_eq!(decode(&le).unwrap(), text);
        assert_eq!(decode(&be).unwrap(), text);
        assert_eq!(decode(&[&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat()).unwrap(), text);
        assert_eq!(decode(text.as_bytes()).unwrap(), text);
        assert!(decode(&[0xFF, 0xFE, 0, 0, b'{', 0, 0, 0]).unwrap_err().contains("UTF-32"));
        assert!(decode(&[0xFF, 0xFE, b'{']).unwrap_err().contains("odd number"));
        assert!(decode(&[0xFF, 0xFE, 0x00, 0xD8, b'{', 0]).unwrap_err().contains("broken character"));
        assert!(decode(b"{\"a\": \"\xFC\"}").unwrap_err().contains("byte 7"));
    }
}
