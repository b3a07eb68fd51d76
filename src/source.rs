//! Source files and places in them.
//!
//! A rule set is a list of [`SourceFile`]s; a [`Span`] names a file by index and a byte range
//! in it. Spans compare equal to each other so that trees can be compared without positions.

use miette::SourceSpan;
use std::sync::Arc;

/// Index of a file in its [`Sources`].
pub type FileId = usize;

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Span {
    /// Which file.
    pub file: FileId,
    /// Byte offset of the start.
    pub start: usize,
    /// Length in bytes.
    pub len: usize,
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

impl Span {
    /// A span from `start` to `end` in `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start,
            len: end.saturating_sub(start),
        }
    }

    /// The byte offset just after the span.
    pub fn end(&self) -> usize {
        self.start + self.len
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        let start = self.start.min(other.start);
        Span::new(self.file, start, self.end().max(other.end()))
    }

    /// As miette wants it.
    pub fn source_span(&self) -> SourceSpan {
        SourceSpan::new(self.start.into(), self.len)
    }
}

/// One rule file's text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in diagnostics (the path, relative where possible).
    pub name: String,
    /// The whole text.
    pub text: Arc<str>,
}

/// All files of a rule set (or a case file), indexed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The files.
    pub files: Vec<SourceFile>,
}

impl Sources {
    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        self.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
        });
        self.files.len() - 1
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id)
    }

    /// The text a span covers, or "" when out of range.
    pub fn snippet(&self, span: Span) -> &str {
        self.get(span.file)
            .and_then(|f| f.text.get(span.start..span.end()))
            .unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let Some(f) = self.get(file) else {
            return (0, 0);
        };
        let upto = f.text.get(..offset.min(f.text.len())).unwrap_or("");
        let line = upto.matches('\n').count() + 1;
        let col = upto.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }
}

/// Why a file could not be read as text.
#[derive(Debug)]
pub enum ReadFailure {
    /// The system refused (not found, no permission, a directory…).
    Io(std::io::Error),
    /// Longer than the limit allows.
    TooLarge,
    /// Not UTF-8: the valid text before the first bad byte, and that byte's offset.
    NotUtf8 {
        /// The text up to the first byte that cannot be decoded.
        valid: String,
    },
}

/// Reads a file, but never more than `limit` bytes and one more, so that a device or an
/// endless file (`/dev/zero` behind a link) cannot fill the memory; the caller refuses a
/// result longer than `limit`.
pub fn read_at_most(path: &std::path::Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The one bounded reader of text files (rule files, case files, `fmt`): at most `limit`
/// bytes, UTF-8, a leading byte-order mark kept for the caller to judge.
pub fn read_text(path: &std::path::Path, limit: u64) -> Result<String, ReadFailure> {
    let bytes = read_at_most(path, limit).map_err(ReadFailure::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadFailure::TooLarge);
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        ReadFailure::NotUtf8 {
            valid: String::from_utf8_lossy(bytes.get(..valid).unwrap_or(&[])).into_owned(),
        }
    })
}

/// How many columns a text takes in a terminal: Chinese characters take two.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// How many characters of a user's key or value a message quotes.
pub const SHOWN_CHARS: usize = 40;

/// A user's key or value as quoted in a message: cut after [`SHOWN_CHARS`] characters, so that
/// a runaway key does not fill the screen.
pub fn shorten(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(SHOWN_CHARS) {
        None => std::borrow::Cow::Borrowed(s),
        Some((i, _)) => std::borrow::Cow::Owned(format!(
            "{}…（共 {} 个字符）",
            s.get(..i).unwrap_or(""),
            s.chars().count()
        )),
    }
}
