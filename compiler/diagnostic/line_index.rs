//! Byte offsets to lines and columns and back: the one conversion of every position asenet
//! prints or reads. The reports (human, JSON, SARIF, GitHub) print 1-based lines and columns
//! counted in characters ([`LineIndex::position`]); the language server speaks 0-based lines
//! and columns counted in UTF-8 or UTF-16 code units, as negotiated
//! ([`LineIndex::line_column`], [`LineIndex::offset`]); the tests use the same functions.
//!
//! A line ends at `\n`, `\r\n` or a lone `\r`, as LSP 3.17 defines it (and ruff's index
//! counts). A lone `\r` is a TOML error anyway, but the editor must still be told where that
//! error is, in the lines it counts.

/// 1-based line and column, the column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// 0-based line and column, the column counted in some [`Units`]: an LSP position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// What a column counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    /// UTF-8 code units: bytes.
    Utf8,
    /// UTF-16 code units: a character outside the Basic Multilingual Plane (an emoji) counts two.
    Utf16,
    /// Characters (Unicode code points), as the reports print.
    Chars,
}

impl Units {
    fn of(self, c: char) -> usize {
        match self {
            Units::Utf8 => c.len_utf8(),
            Units::Utf16 => c.len_utf16(),
            Units::Chars => 1,
        }
    }
}

/// Maps byte offsets to lines and columns and back. From an offset, in O(log lines + CHUNK):
/// a file of one 50 MB line with a million diagnostics on it costs no more than a file of
/// short lines. From a line and column, in O(length of that line).
pub struct LineIndex<'a> {
    text: &'a str,
    /// Where each line starts: 0, then just after each line break.
    line_starts: Vec<usize>,
    /// How many characters, and how many UTF-16 code units, precede each multiple of `CHUNK`
    /// bytes.
    before_chunk: Vec<Counts>,
}

#[derive(Clone, Copy, Default)]
struct Counts {
    chars: usize,
    utf16: usize,
}

const CHUNK: usize = 4096;
const BYTE_ORDER_MARK: char = '\u{FEFF}';

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        if text.as_bytes().contains(&b'\r') {
            let mut at = 0;
            while let Some(next) = next_line_start(text, at) {
                line_starts.push(next);
                at = next;
            }
        } else {
            line_starts.extend(text.match_indices('\n').map(|(offset, _)| offset + 1));
        }
        let mut before_chunk = vec![Counts::default()];
        for chunk in text.as_bytes().chunks(CHUNK) {
            let last = before_chunk.last().copied().unwrap_or_default();
            let counted = count(chunk);
            before_chunk.push(Counts { chars: last.chars + counted.chars, utf16: last.utf16 + counted.utf16 });
        }
        LineIndex { text, line_starts, before_chunk }
    }

    /// The 1-based line and character column of `offset` (clamped to the text, and moved back
    /// to the start of its character), as the reports print it.
    pub fn position(&self, offset: usize) -> Position {
        let LineColumn { line, mut column } = self.line_column(offset, Units::Chars);
        // A UTF-8 byte order mark (Windows PowerShell 5.1's `-Encoding utf8` writes one) is
        // no column: editors hide it, and count the character after it as column 1.
        if line == 0 && column > 0 && self.text.starts_with(BYTE_ORDER_MARK) {
            column -= 1;
        }
        Position { line: line + 1, column: column + 1 }
    }

    /// The 0-based line and column of `offset` (clamped to the text, and moved back to the
    /// start of its character, or of its line break: between the `\r` and the `\n` of a
    /// `\r\n` is the line's end), the column in `units`.
    pub fn line_column(&self, offset: usize, units: Units) -> LineColumn {
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let offset = self.floor_char_boundary(offset).min(self.line_end(line));
        let column = match units {
            Units::Utf8 => offset - start,
            Units::Utf16 => self.counts_before(offset).utf16 - self.counts_before(start).utf16,
            Units::Chars => self.counts_before(offset).chars - self.counts_before(start).chars,
        };
        LineColumn { line, column }
    }

    /// The byte offset of a 0-based line and column in `units`; `None` for a line past the
    /// text's last. A column past the line's end is the line's end (before its line break);
    /// a column inside a character (the second half of a UTF-16 surrogate pair, a byte inside
    /// a UTF-8 sequence) is that character's end. The result is always a character boundary.
    pub fn offset(&self, position: LineColumn, units: Units) -> Option<usize> {
        let start = *self.line_starts.get(position.line)?;
        Some(start + column_offset(&self.text[start..self.line_end(position.line)], position.column, units))
    }

    /// The 0-based line that holds `offset` (clamped to the text). A line break belongs to
    /// the line it ends.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    /// How many lines the text has: one more than its line breaks (the text after the last
    /// break is a line, even when empty).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte range of 0-based `line`, without its line break.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        self.line_starts[line]..self.line_end(line)
    }

    /// Where 0-based `line`'s text ends: at its line break, or at the text's end.
    fn line_end(&self, line: usize) -> usize {
        let Some(&next) = self.line_starts.get(line + 1) else { return self.text.len() };
        let bytes = self.text.as_bytes();
        if next >= 2 && bytes[next - 2] == b'\r' && bytes[next - 1] == b'\n' { next - 2 } else { next - 1 }
    }

    /// `offset` clamped to the text and moved back to the start of its character.
    pub fn floor_char_boundary(&self, offset: usize) -> usize {
        floor_char_boundary(self.text, offset)
    }

    /// What precedes `offset`, a character boundary.
    fn counts_before(&self, offset: usize) -> Counts {
        let chunk = offset / CHUNK;
        let before = self.before_chunk[chunk];
        let counted = count(&self.text.as_bytes()[chunk * CHUNK..offset]);
        Counts { chars: before.chars + counted.chars, utf16: before.utf16 + counted.utf16 }
    }
}

/// The byte offset of a 0-based line and column in `text`, without an index: reads the text
/// only up to that line, for one edit near the top of a long text (the language server's
/// incremental changes). The same rules as [`LineIndex::offset`], except that a line past
/// the text's last is the text's end.
pub fn offset_in(text: &str, position: LineColumn, units: Units) -> usize {
    let mut start = 0;
    if position.line > 0 && !text.as_bytes().contains(&b'\r') {
        // Only `\n` ends lines: counted a block at a time (a keystroke at the end of a
        // 700,000-line file found its line in 10 ms a byte at a time).
        match nth_newline(text.as_bytes(), position.line - 1) {
            Some(at) => start = at + 1,
            None => return text.len(),
        }
    } else {
        for _ in 0..position.line {
            match next_line_start(text, start) {
                Some(next) => start = next,
                None => return text.len(),
            }
        }
    }
    let line = &text[start..];
    let end = line.find(['\n', '\r']).unwrap_or(line.len());
    start + column_offset(&line[..end], position.column, units)
}

/// Where the `n`th (from 0) `\n` of `bytes` is.
fn nth_newline(bytes: &[u8], mut n: usize) -> Option<usize> {
    let mut offset = 0;
    for block in bytes.chunks(CHUNK) {
        // Counted into a `u32`, which the compiler vectorises wider than a `usize`.
        let count = block.iter().fold(0_u32, |count, &byte| count + u32::from(byte == b'\n')) as usize;
        if n < count {
            return block.iter().enumerate().filter(|(_, byte)| **byte == b'\n').nth(n).map(|(at, _)| offset + at);
        }
        n -= count;
        offset += block.len();
    }
    None
}

/// Where the line after the one holding `from` starts, if a line break follows.
fn next_line_start(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let at = from + bytes[from..].iter().position(|&byte| byte == b'\n' || byte == b'\r')?;
    Some(if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') { at + 2 } else { at + 1 })
}

/// The byte offset in `line` (one line, without its break) of `column` counted in `units`:
/// past the end is the end, inside a character is that character's end.
fn column_offset(line: &str, column: usize, units: Units) -> usize {
    if units == Units::Utf8 && line.is_char_boundary(column.min(line.len())) {
        return column.min(line.len());
    }
    let mut counted = 0;
    for (at, c) in line.char_indices() {
        if counted >= column {
            return at;
        }
        counted += units.of(c);
    }
    line.len()
}

/// `offset` clamped to `text` and moved back to the start of its character.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The characters that start in `bytes` (every byte that is not a UTF-8 continuation byte),
/// and their UTF-16 code units (a four-byte sequence, from lead byte 0xF0 up, counts two).
fn count(bytes: &[u8]) -> Counts {
    let mut counts = Counts::default();
    for &byte in bytes {
        let starts = usize::from((byte as i8) >= -0x40);
        counts.chars += starts;
        counts.utf16 += starts + usize::from(byte >= 0xF0);
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nth_line_break_is_found_across_blocks() {
        let text = format!("{}\n{}\n\nend", "a".repeat(CHUNK - 1), "b".repeat(CHUNK + 5));
        let breaks: Vec<usize> = text.match_indices('\n').map(|(at, _)| at).collect();
        for (n, &at) in breaks.iter().enumerate() {
            assert_eq!(nth_newline(text.as_bytes(), n), Some(at));
            assert_eq!(offset_in(&text, LineColumn { line: n + 1, column: 0 }, Units::Utf8), at + 1);
        }
        assert_eq!(nth_newline(text.as_bytes(), breaks.len()), None);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let index = LineIndex::new("a = 1\n# é\nb = 2");
        assert_eq!(index.position(0), Position { line: 1, column: 1 });
        assert_eq!(index.position(6), Position { line: 2, column: 1 });
        // "# é\n" is 5 bytes: `b` is at byte 11, line 3.
        assert_eq!(index.position(11), Position { line: 3, column: 1 });
        // The end of "é" (byte 10) is column 4 of line 2.
        assert_eq!(index.position(10), Position { line: 2, column: 4 });
    }

    #[test]
    fn offset_past_the_end_is_clamped() {
        let index = LineIndex::new("ab");
        assert_eq!(index.position(99), Position { line: 1, column: 3 });
    }

    #[test]
    fn columns_stay_right_across_chunks_of_a_long_line() {
        let text = format!("{}x{}y", "é".repeat(CHUNK), "a".repeat(3 * CHUNK));
        let index = LineIndex::new(&text);
        let x = text.find('x').unwrap();
        let y = text.find('y').unwrap();
        assert_eq!(index.position(x), Position { line: 1, column: CHUNK + 1 });
        assert_eq!(index.position(y), Position { line: 1, column: 4 * CHUNK + 2 });
        // In the middle of "é": the start of that character.
        assert_eq!(index.position(3), Position { line: 1, column: 2 });
        let emoji = format!("{}z", "😀".repeat(CHUNK));
        let index = LineIndex::new(&emoji);
        assert_eq!(index.line_column(emoji.len() - 1, Units::Utf16), LineColumn { line: 0, column: 2 * CHUNK });
        assert_eq!(index.line_column(emoji.len() - 1, Units::Chars), LineColumn { line: 0, column: CHUNK });
    }

    #[test]
    fn lines_end_at_lf_crlf_and_a_lone_cr() {
        let index = LineIndex::new("ab\r\ncd\n\nlast\rx");
        let lines: Vec<_> = (0..index.line_count()).map(|line| index.line_range(line)).collect();
        assert_eq!(lines, [0..2, 4..6, 7..7, 8..12, 13..14]);
        // The `\n` of a `\r\n` is on the line it ends, at that line's end.
        assert_eq!(index.line_of(3), 0);
        assert_eq!(index.line_column(3, Units::Utf8), LineColumn { line: 0, column: 2 });
        assert_eq!(index.position(13), Position { line: 5, column: 1 });
        assert_eq!(offset_in("ab\r\ncd\n\nlast\rx", LineColumn { line: 4, column: 0 }, Units::Utf16), 13);
        assert_eq!(LineIndex::new("a\r").line_count(), 2);
    }

    #[test]
    fn utf16_counts_two_for_an_emoji_and_utf8_counts_bytes() {
        let text = "a = \"é😀x\"\nb";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        let at = |column| LineColumn { line: 0, column };
        assert_eq!(index.line_column(x, Units::Utf16), at(8));
        assert_eq!(index.line_column(x, Units::Utf8), at(x));
        assert_eq!(index.line_column(x, Units::Chars), at(7));
        for units in [Units::Utf8, Units::Utf16, Units::Chars] {
            let column = index.line_column(x, units);
            assert_eq!(index.offset(column, units), Some(x));
            assert_eq!(offset_in(text, column, units), x);
        }
        // Inside the emoji: its end. Past the line: the line's end. Past the text: none.
        assert_eq!(index.offset(at(7), Units::Utf16), Some(x));
        assert_eq!(index.offset(at(x - 1), Units::Utf8), Some(x));
        assert_eq!(index.offset(at(99), Units::Utf16), Some(text.find('\n').unwrap()));
        assert_eq!(index.offset(LineColumn { line: 1, column: 9 }, Units::Utf8), Some(text.len()));
        assert_eq!(index.offset(LineColumn { line: 2, column: 0 }, Units::Utf8), None);
        assert_eq!(offset_in(text, LineColumn { line: 2, column: 0 }, Units::Utf8), text.len());
    }
}
