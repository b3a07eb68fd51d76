//! Document formatting: what `ruling fmt` would write, as one edit of the whole buffer.
//!
//! A file with syntax errors (or one the formatter cannot prove it would keep whole) is
//! refused with the formatter's own reason, since formatting it could lose what the user wrote.

use super::library;
use super::position::LineIndex;
use lsp_types::{Range, TextEdit};

/// The edits that put a text in the canonical layout (none when it already is), or the reason
/// it cannot be formatted, in Chinese.
pub fn edits(text: &str) -> Result<Vec<TextEdit>, String> {
    match library::format(text) {
        Ok(formatted) if formatted == text => Ok(Vec::new()),
        Ok(formatted) => {
            let lines = LineIndex::new(text);
            Ok(vec![TextEdit {
                range: Range {
                    start: lines.position(text, 0),
                    end: lines.position(text, text.len()),
                },
                new_text: formatted,
            }])
        }
        Err(diags) => {
            let lines = LineIndex::new(text);
            let reasons: Vec<String> = diags
                .iter()
                .filter(|d| d.is_error())
                .take(3)
                .map(|d| {
                    let line = d.span.map_or(0, |s| lines.position(text, s.start).line) + 1;
                    format!("第 {line} 行：{}", d.message)
                })
                .collect();
            Err(format!(
                "未格式化，文件未改动：{}。请先改正（保存后可用 ruling check 查看），再格式化",
                reasons.join("；")
            ))
        }
    }
}
