//! Positions: the protocol counts lines and UTF-16 code units, the library counts bytes.
//!
//! A Chinese character is three bytes of UTF-8 but one UTF-16 unit, and a character outside the
//! basic plane (some rare 汉字, emoji in a comment) is four bytes but two units; every position
//! that crosses the protocol goes through a [`LineIndex`] so that neither side is miscounted.
//! Positions the client sends that fall inside a character or past the end are clamped, never
//! trusted.

use lsp_types::{Position, Range};

/// Where each line of a text begins, for converting between byte offsets and positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
    /// The text's length in bytes.
    len: usize,
}

impl LineIndex {
    /// The index of a text.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The protocol position of a byte offset (clamped to the text, and back to the start of
    /// the character it falls in).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char(text, offset.min(self.len));
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let units: usize = text
            .get(start..offset)
            .map_or(0, |t| t.chars().map(char::len_utf16).sum());
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(units).unwrap_or(u32::MAX),
        }
    }

    /// The byte offset of a protocol position. A line past the end gives the end of the text;
    /// a character past the end of its line gives the end of the line (before its `\r\n`); a
    /// character in the middle of a surrogate pair gives the start of that character.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let line = pos.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return self.len;
        };
        let end = self.starts.get(line + 1).map_or(self.len, |&s| s - 1);
        let line_text = text.get(start..end).unwrap_or("");
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let mut units = 0usize;
        for (i, c) in line_text.char_indices() {
            let next = units + c.len_utf16();
            if next > pos.character as usize {
                return start + i;
            }
            units = next;
        }
        start + line_text.len()
    }

    /// The protocol range of a byte range.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range {
            start: self.position(text, start),
            end: self.position(text, end.max(start)),
        }
    }
}

/// The largest character boundary at or before `at`.
pub fn floor_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn chinese_counts_one_unit_per_character() {
        let text = "事实 甲：布尔\n参数 乙 = 3个";
        let idx = LineIndex::new(text);
        let at = text.find('甲').unwrap_or(0);
        assert_eq!(idx.position(text, at), pos(0, 3));
        assert_eq!(idx.offset(text, pos(0, 3)), at);
        let b = text.find('乙').unwrap_or(0);
        assert_eq!(idx.position(text, b), pos(1, 3));
        assert_eq!(idx.offset(text, pos(1, 3)), b);
    }

    #[test]
    fn astral_characters_count_two_units() {
        let text = "# 𠀋 甲";
        let idx = LineIndex::new(text);
        let at = text.find('甲').unwrap_or(0);
        assert_eq!(idx.position(text, at), pos(0, 5));
        assert_eq!(idx.offset(text, pos(0, 5)), at);
        // Inside the surrogate pair: the start of the character.
        assert_eq!(idx.offset(text, pos(0, 3)), text.find('𠀋').unwrap_or(0));
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "甲\r\n乙";
        let idx = LineIndex::new(text);
        assert_eq!(idx.offset(text, pos(0, 99)), "甲".len());
        assert_eq!(idx.offset(text, pos(9, 0)), text.len());
        // A byte offset inside a character maps to the character's start.
        assert_eq!(idx.position(text, 1), pos(0, 0));
        assert_eq!(idx.position(text, 999), pos(1, 1));
    }
}
