//! Bytes to text: a device file is UTF-8, as TOML requires.
//!
//! The tools a Windows user writes files with often write something else: Windows
//! PowerShell 5.1's `Out-File` and `>` write UTF-16LE with a byte order mark, its
//! `Set-Content` the ANSI code page (Windows-1252 in the West). Each gets an `ASE001` that
//! names the encoding found and how to save the file as UTF-8. A UTF-8 byte order mark (what
//! 5.1's `-Encoding utf8` adds) is UTF-8 and is read as usual.
//!
//! UTF-16 without a byte order mark is also caught: ASCII text in UTF-16 is valid UTF-8 (a NUL
//! after every letter), so it would otherwise reach the TOML parser as a file full of NULs.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::input::TOML_SYNTAX;

/// The encodings other than UTF-8 that Windows tools write, as found at a file's start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Wide {
    fn name(self) -> &'static str {
        match self {
            Wide::Utf16Le => "UTF-16LE",
            Wide::Utf16Be => "UTF-16BE",
            Wide::Utf32Le => "UTF-32LE",
            Wide::Utf32Be => "UTF-32BE",
        }
    }
}

/// How a wide encoding was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Evidence {
    /// The byte order mark, this many bytes long.
    ByteOrderMark(usize),
    /// No mark, but text whose every other byte is NUL, as ASCII in UTF-16 is.
    Nuls,
}

/// How many bytes at the start the NUL pattern is looked for in.
const SNIFF: usize = 256;

/// The wide encoding `bytes` are in, if they start like one.
fn sniff(bytes: &[u8]) -> Option<(Wide, Evidence)> {
    // UTF-32LE's mark starts with UTF-16LE's: test the longer marks first.
    let marks: [(&[u8], Wide); 4] = [
        (&[0xFF, 0xFE, 0, 0], Wide::Utf32Le),
        (&[0, 0, 0xFE, 0xFF], Wide::Utf32Be),
        (&[0xFF, 0xFE], Wide::Utf16Le),
        (&[0xFE, 0xFF], Wide::Utf16Be),
    ];
    if let Some((mark, wide)) = marks.iter().find(|(mark, _)| bytes.starts_with(mark)) {
        return Some((*wide, Evidence::ByteOrderMark(mark.len())));
    }
    // Two or more UTF-16 units, each one ASCII or Latin-1 letter and a NUL. A device file
    // starts with a comment, a table or a key, so its first units are ASCII.
    let units: Vec<[u8; 2]> = bytes[..bytes.len().min(SNIFF)].chunks_exact(2).map(|unit| [unit[0], unit[1]]).collect();
    if units.len() < 2 {
        return None;
    }
    if units.iter().all(|&[low, high]| low != 0 && high == 0) {
        return Some((Wide::Utf16Le, Evidence::Nuls));
    }
    if units.iter().all(|&[high, low]| high == 0 && low != 0) {
        return Some((Wide::Utf16Be, Evidence::Nuls));
    }
    None
}

/// The file's text, or the one diagnostic that says why it is not UTF-8 text and how to
/// save it as UTF-8 (boxed: a file is text far more often than not).
pub fn decode(bytes: &[u8]) -> Result<&str, Box<Diagnostic>> {
    if let Some((wide, evidence)) = sniff(bytes) {
        return Err(Box::new(wide_diagnostic(wide, evidence)));
    }
    std::str::from_utf8(bytes).map_err(|error| Box::new(not_utf8(error)))
}

/// What `FILE` is re-saved with in Windows PowerShell 5.1: `Get-Content` reads a UTF-16 or
/// UTF-32 file by its byte order mark (a file without one as the ANSI code page), and
/// `Set-Content -Encoding utf8` writes UTF-8. The parentheses read the whole file before it
/// is written over.
const RESAVE: &str = "`(Get-Content FILE) | Set-Content -Encoding utf8 FILE`";

fn wide_diagnostic(wide: Wide, evidence: Evidence) -> Diagnostic {
    let name = wide.name();
    let (span, label) = match evidence {
        Evidence::ByteOrderMark(length) => (0..length, format!("the {name} byte order mark")),
        Evidence::Nuls => (0..2, format!("a NUL byte after each letter: {name} without a byte order mark")),
    };
    let help = match wide {
        Wide::Utf16Le => format!(
            "save it as UTF-8: in PowerShell, {RESAVE}. Windows PowerShell 5.1's `Out-File` and `>` \
             write UTF-16LE: write with `Out-File -Encoding utf8` instead (PowerShell 7 writes UTF-8)"
        ),
        _ => format!("save it as UTF-8: in PowerShell, {RESAVE}; in an editor, save with the encoding UTF-8"),
    };
    Diagnostic::new(&TOML_SYNTAX, span, format!("the file is {name} text, not UTF-8 as TOML requires"))
        .with_primary_label(label)
        .with_help(help)
}

/// Explains why bytes are not text, at the first byte that is not UTF-8.
fn not_utf8(error: std::str::Utf8Error) -> Diagnostic {
    let offset = error.valid_up_to();
    Diagnostic::new(&TOML_SYNTAX, offset..offset + 1, "the file is not valid UTF-8")
        .with_primary_label("this byte is not UTF-8")
        .with_help(format!(
            "save the file as UTF-8, as TOML requires. Windows PowerShell 5.1's `Set-Content` writes \
             the ANSI code page (Windows-1252 in the West) unless given `-Encoding utf8`; in 5.1, \
             {RESAVE} converts it"
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str, mark: bool) -> Vec<u8> {
        let mut bytes = if mark { vec![0xFF, 0xFE] } else { Vec::new() };
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    #[test]
    fn utf8_with_or_without_a_byte_order_mark_is_text() {
        assert_eq!(decode(b"[device]\r\n").unwrap(), "[device]\r\n");
        assert_eq!(decode(b"\xEF\xBB\xBF[device]\n").unwrap(), "\u{FEFF}[device]\n");
        assert_eq!(decode(b"").unwrap(), "");
        assert_eq!(decode(b"a").unwrap(), "a");
    }

    #[test]
    fn each_byte_order_mark_is_named() {
        let cases: [(&[u8], &str, usize); 4] = [
            (b"\xFF\xFE[\0d\0", "UTF-16LE", 2),
            (b"\xFE\xFF\0[\0d", "UTF-16BE", 2),
            (b"\xFF\xFE\0\0[\0\0\0", "UTF-32LE", 4),
            (b"\0\0\xFE\xFF\0\0\0[", "UTF-32BE", 4),
        ];
        for (bytes, name, mark) in cases {
            let diagnostic = decode(bytes).unwrap_err();
            assert_eq!(diagnostic.message, format!("the file is {name} text, not UTF-8 as TOML requires"));
            assert_eq!(diagnostic.span.range(), 0..mark, "{name}");
            assert_eq!(diagnostic.code(), "ASE001");
        }
    }

    #[test]
    fn utf16_without_a_mark_is_recognised_by_its_nuls() {
        let diagnostic = decode(&utf16le("[device]\r\nname = \"café\"\r\n", false)).unwrap_err();
        assert!(diagnostic.message.contains("UTF-16LE"), "{}", diagnostic.message);
        let big_endian: Vec<u8> = "[device]".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(decode(&big_endian).unwrap_err().message.contains("UTF-16BE"));
        // One NUL inside UTF-8 text is the TOML parser's to report, not an encoding.
        assert!(decode(b"# a\0b\n").is_ok());
        assert!(decode(b"a\0").is_ok(), "one unit is too little to tell");
    }

    #[test]
    fn the_help_says_how_to_save_as_utf8_in_powershell() {
        let help = decode(&utf16le("[device]\n", true)).unwrap_err().help.unwrap();
        for needle in ["Out-File -Encoding utf8", "PowerShell 7 writes UTF-8", RESAVE] {
            assert!(help.contains(needle), "{needle} in {help}");
        }
        // The human report cuts help after 300 characters.
        assert!(help.chars().count() <= 300, "{help}");
        let help = decode(b"name = \"caf\xE9\"").unwrap_err().help.unwrap();
        assert!(help.contains("ANSI code page") && help.contains(RESAVE), "{help}");
    }

    #[test]
    fn invalid_utf8_is_reported_at_its_first_bad_byte() {
        let diagnostic = decode(b"name = \"caf\xE9\"").unwrap_err();
        assert_eq!(diagnostic.span.range(), 11..12);
        assert_eq!(diagnostic.message, "the file is not valid UTF-8");
    }
}
