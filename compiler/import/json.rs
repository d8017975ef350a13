//! Reading an export: bytes to text in every encoding Windows tools write, text to a
//! `serde_json::Value`, and a reader that keeps the JSON path of each value it reads, so that
//! every problem names its value (`device.network.interfaces[3].iPv4.subnetMask`) and says
//! what was expected there.

use std::net::Ipv4Addr;

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
    let mut text = String::with_capacity(bytes.len() / 2);
    for (index, decoded) in char::decode_utf16(units).enumerate() {
        match decoded {
            Ok(c) => text.push(c),
            Err(_) => {
                return Err(format!(
                    "the file is {name} text with a broken character at byte {}: export it again",
                    offset + 2 * index
                ));
            }
        }
    }
    Ok(text)
}

/// The text as JSON, or what is wrong with it and where (serde_json's line and column; its
/// depth limit, 128, bounds what a hostile file costs).
pub(super) fn parse(text: &str) -> Result<Value, String> {
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

/// A value of the export and its JSON path; `value` is `None` where the key is absent.
#[derive(Clone)]
pub(super) struct Node<'v> {
    pub value: Option<&'v Value>,
    pub path: String,
}

impl<'v> Node<'v> {
    pub fn root(value: &'v Value) -> Node<'v> {
        Node { value: Some(value), path: String::new() }
    }

    /// The member `name` of this object (absent when this is not an object).
    pub fn key(&self, name: &str) -> Node<'v> {
        let path = if self.path.is_empty() { name.to_owned() } else { format!("{}.{name}", self.path) };
        Node { value: self.value.and_then(|value| value.get(name)), path }
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
        let path = if node.path.is_empty() { "(the whole file)".to_owned() } else { node.path.clone() };
        self.problems.push(Problem { source: self.source.to_owned(), path, message: message.into() });
    }

    pub fn not_imported(&mut self, node: &Node<'_>, why: impl Into<String>) {
        self.not_imported.push(NotImported {
            source: self.source.to_owned(),
            path: node.path.clone(),
            why: why.into(),
        });
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

    /// The items of an array, each with its path; `null` or absent is no items.
    pub fn items<'v>(&mut self, node: &Node<'v>, what: &str) -> Vec<Node<'v>> {
        match node.value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(index, item)| Node { value: Some(item), path: format!("{}[{index}]", node.path) })
                .collect(),
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
                self.problem(
                    node,
                    format!(
                        "expected {what}, an IPv4 address like `192.168.1.10`, found `{}`: {why}",
                        crate::escape::terminal::line(text)
                    ),
                );
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
        let found = crate::escape::terminal::line(text);
        let Ok(mask) = parse_address(text) else {
            self.problem(node, format!("expected {WHAT}, found `{found}`"));
            return None;
        };
        match prefix_of_mask(mask) {
            Some(length) => Some(length),
            None => {
                self.problem(node, format!("expected {WHAT}, found `{found}`: its one bits are not contiguous"));
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
        let found = crate::escape::terminal::line(text);
        match bounds {
            (Ok(first), Ok(last)) if first <= last => Some((first, last)),
            (Ok(_), Ok(_)) => {
                self.problem(
                    node,
                    format!("expected {expected}, found `{found}`: its last address is before its first"),
                );
                None
            }
            _ => {
                self.problem(node, format!("expected {expected}, found `{found}`"));
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
