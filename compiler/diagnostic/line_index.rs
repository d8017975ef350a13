/// 1-based line and column, the column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Maps byte offsets to lines and character columns, each in O(log lines + CHUNK): a file of
/// one 50 MB line with a million diagnostics on it costs no more than a file of short lines.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// How many characters precede each multiple of `CHUNK` bytes.
    chars_before_chunk: Vec<usize>,
}

const CHUNK: usize = 4096;
const BYTE_ORDER_MARK: char = '\u{FEFF}';

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(offset, _)| offset + 1)).collect();
        let mut chars_before_chunk = vec![0];
        for chunk in text.as_bytes().chunks(CHUNK) {
            chars_before_chunk.push(chars_before_chunk.last().copied().unwrap_or(0) + count_chars(chunk));
        }
        LineIndex { text, line_starts, chars_before_chunk }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = self.floor_char_boundary(offset);
        let line = self.line_of(offset);
        let mut column = self.chars_before(offset) - self.chars_before(self.line_starts[line]) + 1;
        // A UTF-8 byte order mark (Windows PowerShell 5.1's `-Encoding utf8` writes one) is
        // no column: editors hide it, and count the character after it as column 1.
        if line == 0 && offset >= BYTE_ORDER_MARK.len_utf8() && self.text.starts_with(BYTE_ORDER_MARK) {
            column -= 1;
        }
        Position { line: line + 1, column }
    }

    /// The 0-based line that holds `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte range of 0-based `line`, without its `\n` or `\r\n`.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.line_starts[line];
        let mut end = self.line_starts.get(line + 1).map_or(self.text.len(), |next| next - 1);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' && end < self.text.len() {
            end -= 1;
        }
        start..end
    }

    /// `offset` clamped to the text and moved back to the start of its character.
    pub fn floor_char_boundary(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// How many characters precede `offset`, a character boundary.
    fn chars_before(&self, offset: usize) -> usize {
        let chunk = offset / CHUNK;
        self.chars_before_chunk[chunk] + count_chars(&self.text.as_bytes()[chunk * CHUNK..offset])
    }
}

/// The characters that start in `bytes`: every byte that is not a UTF-8 continuation byte.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| (byte as i8) >= -0x40).count()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn line_ranges_leave_out_the_line_break() {
        let index = LineIndex::new("ab\r\ncd\n\nlast\r");
        let lines: Vec<_> = (0..index.line_count()).map(|line| index.line_range(line)).collect();
        assert_eq!(lines, [0..2, 4..6, 7..7, 8..13]);
    }
}
