//! A JSON case (a file, or one line of a JSONL batch) read straight into the fact slots of the
//! program, without an intermediate tree.
//!
//! The rule set is the schema: each key is matched as bytes against the declared names (the
//! key that followed the previous one on earlier cases is tried first, with one comparison),
//! each value is read for its fact's type (enumeration words matched as bytes, dates parsed in
//! place, numbers from their token text through the one literal reader, never `f64`). Nothing
//! is allocated per key. A shape the fast path does not expect (a table where a number belongs,
//! `预期`) is read into [`Raw`] and typed by [`super::raw`], so the messages are those of TOML.
//!
//! It is strict: a key written twice at any depth is an error naming both places; a UTF-8
//! byte-order mark is skipped; an empty file is an error; every error has its place. Reading
//! stays linear in the input whatever its shape: past [`MAX_ERRORS`] problems are only counted,
//! and large objects are checked for repeated keys through a hash map.

use super::raw::{self, Problem, Raw, Scalar};
use super::{dates, empty_file, more_errors, shorten, unknown_key, Case, MAX_ERRORS, MAX_LIST_LEN};
use crate::diag::{Code, Diagnostic};
use crate::program::value::{Record, Value};
use crate::program::{NameHash, Program, Type};
use crate::source::{FileId, Span};
use crate::syntax::literal;
use std::collections::HashMap;

/// How deeply arrays and objects may nest in a case (the schema needs three levels).
pub const MAX_DEPTH: usize = 64;

/// A syntax error: where, what, and the fix. The whole case is refused.
#[derive(Debug)]
struct Bad {
    at: usize,
    len: usize,
    message: String,
    help: String,
}

/// The reader of one rule set's JSON cases; it keeps what it learns of the keys' order from case
/// to case, so a batch worker reuses one.
#[derive(Debug)]
pub struct JsonReader<'p> {
    program: &'p Program,
    file: FileId,
    /// Slot names as bytes: the facts, then the reserved keys.
    names: Vec<&'p [u8]>,
    /// Slot of each name.
    slots: HashMap<&'p [u8], u32, NameHash>,
    /// The slot predicted to follow each slot (the last is the start of a case).
    next: Vec<u32>,
    /// Byte offset + 1 of each slot's key in the current case (0: not yet given).
    seen: Vec<u32>,
    /// Where each slot's value was written in the current case.
    places: Vec<(u32, u32)>,
    /// Decoded strings that had escapes.
    scratch: String,
    errors: Vec<Diagnostic>,
    dropped: usize,
    /// The date facts that must come in order ([`dates::pairs`]).
    order: Vec<(usize, usize, usize)>,
}

const RESERVED: [&str; 4] = ["案件", "说明", "预期", "封闭世界"];

/// A key as messages name it, formatted only when there is a message.
#[derive(Clone, Copy)]
enum Key<'a> {
    Top(&'a str),
    Field(&'a str, usize, &'a str),
}

impl Key<'_> {
    fn name(self) -> String {
        match self {
            Key::Top(k) => k.to_string(),
            Key::Field(list, i, f) => raw::field_key(list, i, f),
        }
    }
}

/// The parser's place in the text.
struct P<'t> {
    b: &'t [u8],
    i: usize,
}

/// A string token: the bytes between its quotes, and whether it has escapes.
#[derive(Clone, Copy)]
struct Str {
    start: usize,
    end: usize,
    escaped: bool,
}

impl<'t> P<'t> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn bytes(&self, s: Str) -> &'t [u8] {
        self.b.get(s.start..s.end).unwrap_or(&[])
    }

    /// The error for what stands at the current place, with hints for the characters a
    /// Chinese input method types in place of JSON's.
    fn unexpected(&self, wanted: &str) -> Bad {
        let rest = self.b.get(self.i..).unwrap_or(&[]);
        let Some(&first) = rest.first() else {
            return Bad {
                at: self.i,
                len: 0,
                message: format!("JSON 不完整：内容在这里结束，还缺少{wanted}"),
                help: "请检查引号、逗号和括号是否成对，是否少了最后的 }".into(),
            };
        };
        let ch = std::str::from_utf8(rest.get(..4.min(rest.len())).unwrap_or(&[]))
            .ok()
            .or_else(|| {
                (1..4)
                    .rev()
                    .find_map(|n| std::str::from_utf8(rest.get(..n)?).ok())
            })
            .and_then(|s| s.chars().next());
        let len = ch.map_or(1, char::len_utf8);
        let shown = ch.map_or_else(|| format!("字节 0x{first:02X}"), |c| format!("“{c}”"));
        let (message, help) = match ch {
            Some('“' | '”' | '＂') => (
                "JSON 格式错误：这里用了中文引号".to_string(),
                "“ ” 是中文输入法的引号；JSON 的键名和文字须用英文半角引号 \"…\"".to_string(),
            ),
            Some('：') => (
                "JSON 格式错误：这里用了全角冒号“：”".to_string(),
                "请改成英文半角冒号 :（切换到英文输入法再输入）".to_string(),
            ),
            Some('，') => (
                "JSON 格式错误：这里用了全角逗号“，”".to_string(),
                "请改成英文半角逗号 ,（切换到英文输入法再输入）".to_string(),
            ),
            Some('＝' | '=') => (
                format!("JSON 格式错误：这里用了等号{shown}"),
                "JSON 中键名和值之间用冒号 :，例如 \"电话卡数\": 25（等号是 TOML 的写法）"
                    .to_string(),
            ),
            Some('}' | ']') if wanted.contains("值") || wanted.contains("键") => (
                format!("JSON 格式错误：{shown}前面多了一个逗号，或缺少{wanted}"),
                "最后一项后面不能有逗号".to_string(),
            ),
            _ => (
                format!("JSON 格式错误：这里应是{wanted}，实为{shown}"),
                "请检查引号、逗号和括号是否成对；文字须加英文引号".to_string(),
            ),
        };
        Bad {
            at: self.i,
            len,
            message,
            help,
        }
    }

    fn expect(&mut self, byte: u8, wanted: &str) -> Result<(), Bad> {
        if self.peek() == Some(byte) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.unexpected(wanted))
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Bad> {
        if self.b.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(self.unexpected("一个值（true、false、null、数字、\"文字\"、[…] 或 {…}）"))
        }
    }

    /// The string token `"word"` if it stands here (then consumed), else `None` and nothing
    /// consumed. A word has no quote or backslash, so a match cannot be part of a longer string.
    fn quoted(&mut self, word: &[u8]) -> Option<Str> {
        let start = self.i + 1;
        let end = start + word.len();
        if self.peek() == Some(b'"')
            && self.b.get(start..end) == Some(word)
            && self.b.get(end) == Some(&b'"')
        {
            self.i = end + 1;
            Some(Str {
                start,
                end,
                escaped: false,
            })
        } else {
            None
        }
    }

    /// A string token; the current byte is its opening quote.
    fn string(&mut self) -> Result<Str, Bad> {
        let open = self.i;
        self.i += 1;
        let start = self.i;
        let mut escaped = false;
        loop {
            // Eight bytes at a time while none of them ends the plain run (a quote, a
            // backslash or a control character): strings are most of a case's bytes.
            while let Some(chunk) = self.b.get(self.i..self.i + 8) {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                if special(u64::from_le_bytes(word)) {
                    break;
                }
                self.i += 8;
            }
            match self.peek() {
                Some(b'"') => {
                    let s = Str {
                        start,
                        end: self.i,
                        escaped,
                    };
                    self.i += 1;
                    return Ok(s);
                }
                Some(b'\\') => {
                    escaped = true;
                    self.i += 2;
                }
                Some(c) if c < 0x20 => {
                    return Err(Bad {
                        at: self.i,
                        len: 1,
                        message: "JSON 格式错误：文字中不能直接换行或含控制字符".into(),
                        help: "换行写作 \\n；也可能是这段文字少了结尾的引号".into(),
                    })
                }
                Some(_) => self.i += 1,
                None => {
                    return Err(Bad {
                        at: open,
                        len: 1,
                        message: "JSON 不完整：这段文字没有结尾的引号".into(),
                        help: "请在文字结尾补上英文引号 \"".into(),
                    })
                }
            }
        }
    }

    /// A number token, checked against JSON's grammar; gives its text.
    fn number(&mut self) -> Result<&'t str, Bad> {
        let start = self.i;
        let digits = |p: &mut P<'_>| {
            let from = p.i;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.i += 1;
            }
            p.i > from
        };
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        if !digits(self) {
            return Err(self.unexpected("数字"));
        }
        let leading_zero = self.b.get(int_start) == Some(&b'0') && self.i - int_start > 1;
        let mut ok = !leading_zero;
        if self.peek() == Some(b'.') {
            self.i += 1;
            ok &= digits(self);
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            ok &= digits(self);
        }
        if !ok {
            return Err(Bad {
                at: start,
                len: self.i - start,
                message: "JSON 格式错误：数字写法有误".into(),
                help: "数字写作 25 或 300000.50；不能以 0 开头，小数点后须有数字".into(),
            });
        }
        // ASCII by construction.
        Ok(std::str::from_utf8(self.b.get(start..self.i).unwrap_or(&[])).unwrap_or(""))
    }

    /// The text of a string token: borrowed when it has no escapes, decoded into `scratch`
    /// otherwise; checked to be UTF-8.
    fn text<'s>(&self, s: Str, scratch: &'s mut String) -> Result<&'s str, Bad>
    where
        't: 's,
    {
        let bytes = self.bytes(s);
        let bad_utf8 = |at: usize| Bad {
            at,
            len: 1,
            message: "不是有效的 UTF-8 文本".into(),
            help: "请用 UTF-8 编码保存案件文件".into(),
        };
        if !s.escaped {
            return std::str::from_utf8(bytes).map_err(|e| bad_utf8(s.start + e.valid_up_to()));
        }
        scratch.clear();
        let mut i = 0;
        while i < bytes.len() {
            let run = bytes
                .get(i..)
                .and_then(|r| r.iter().position(|&c| c == b'\\'))
                .map_or(bytes.len(), |n| i + n);
            let part = bytes.get(i..run).unwrap_or(&[]);
            scratch.push_str(
                std::str::from_utf8(part).map_err(|e| bad_utf8(s.start + i + e.valid_up_to()))?,
            );
            i = run;
            if i >= bytes.len() {
                break;
            }
            let at = s.start + i;
            let esc = bytes.get(i + 1).copied().unwrap_or(0);
            i += 2;
            let c = match esc {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let hex = |j: usize| -> Option<u32> {
                        let h = bytes.get(j..j + 4)?;
                        u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
                    };
                    let bad = || Bad {
                        at,
                        len: 2,
                        message: "JSON 格式错误：\\u 转义写法有误".into(),
                        help: "\\u 后须是四位十六进制数，代理对须成对出现".into(),
                    };
                    let hi = hex(i).ok_or_else(bad)?;
                    i += 4;
                    let code = if (0xD800..0xDC00).contains(&hi) {
                        if bytes.get(i..i + 2) != Some(b"\\u") {
                            return Err(bad());
                        }
                        let lo = hex(i + 2).ok_or_else(bad)?;
                        if !(0xDC00..0xE000).contains(&lo) {
                            return Err(bad());
                        }
                        i += 6;
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    } else {
                        hi
                    };
                    char::from_u32(code).ok_or_else(bad)?
                }
                _ => return Err(Bad {
                    at,
                    len: 2,
                    message: "JSON 格式错误：无法识别的转义".into(),
                    help:
                        "反斜杠须写作 \\\\；可用的转义：\\\" \\\\ \\/ \\n \\t \\r \\b \\f \\uXXXX"
                            .into(),
                }),
            };
            scratch.push(c);
        }
        Ok(scratch.as_str())
    }
}

impl<'p> JsonReader<'p> {
    /// A reader for the program's cases; `file` is the source id its diagnostics point into.
    pub fn new(program: &'p Program, file: FileId) -> JsonReader<'p> {
        let names: Vec<&'p [u8]> = program
            .facts
            .iter()
            .map(|f| f.name.as_bytes())
            .chain(RESERVED.iter().map(|r| r.as_bytes()))
            .collect();
        let slots = names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some((*n, u32::try_from(i).ok()?)))
            .collect();
        let n = names.len();
        JsonReader {
            program,
            file,
            names,
            slots,
            next: vec![0; n + 1],
            seen: vec![0; n],
            places: vec![(0, 0); n],
            scratch: String::new(),
            errors: Vec::new(),
            dropped: 0,
            order: dates::pairs(program),
        }
    }

    fn fail(&mut self, d: impl FnOnce() -> Diagnostic) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(d());
        } else {
            self.dropped += 1;
        }
    }

    fn span(&self, at: usize, end: usize) -> Span {
        Span::new(self.file, at, end.max(at))
    }

    fn bad(&self, b: Bad) -> Diagnostic {
        Diagnostic::error(Code::Syntax, self.span(b.at, b.at + b.len), b.message)
            .with_label("这里")
            .with_help(b.help)
    }

    /// Reads one case from `text` into `case` (whose buffers are reused). Every problem found
    /// is reported, up to [`MAX_ERRORS`].
    pub fn read(&mut self, text: &[u8], case: &mut Case) -> Result<(), Vec<Diagnostic>> {
        self.errors.clear();
        self.dropped = 0;
        self.seen.iter_mut().for_each(|s| *s = 0);
        case.facts.clear();
        case.facts.resize(self.program.facts.len(), Value::Unknown);
        let mut id = case.id.take().unwrap_or_default();
        id.clear();
        case.note = None;
        case.closed_world = false;
        case.expect.clear();
        let mut p = P { b: text, i: 0 };
        if text.starts_with(b"\xEF\xBB\xBF") {
            p.i = 3;
        }
        p.ws();
        if p.peek().is_none() {
            return Err(vec![empty_file(self.file, text.len())]);
        }
        match self.top(&mut p, case, &mut id) {
            Ok(()) => {}
            Err(b) => {
                // A syntax error comes first: what was read before it may be half a case.
                let d = self.bad(b);
                self.errors.insert(0, d);
                self.errors.truncate(MAX_ERRORS);
            }
        }
        if self.errors.is_empty() {
            let places = &self.places;
            let seen = &self.seen;
            let file = self.file;
            let place = |f: usize| {
                let (a, b) = *places.get(f)?;
                (seen.get(f).copied().unwrap_or(0) > 0)
                    .then(|| Span::new(file, a as usize, b as usize))
            };
            self.errors = dates::contradictions_among(&self.order, &case.facts, &place);
        }
        if self.dropped > 0 {
            self.errors.push(more_errors(self.dropped));
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(std::mem::take(&mut self.errors))
        }
    }

    /// The top-level object.
    fn top(&mut self, p: &mut P<'_>, case: &mut Case, id: &mut String) -> Result<(), Bad> {
        if p.peek() != Some(b'{') {
            let start = p.i;
            self.skip(p, 0)?;
            let d = Diagnostic::error(
                Code::CaseValue,
                self.span(start, p.i),
                "案件文件应是一个表（JSON 对象 {…}）",
            )
            .with_help("例如：{\"行为日期\": \"2025-09-01\", \"电话卡数\": 25}");
            self.fail(|| d);
        } else {
            p.i += 1;
            p.ws();
            let mut prev = self.names.len();
            if p.peek() == Some(b'}') {
                p.i += 1;
            } else {
                loop {
                    p.ws();
                    if p.peek() != Some(b'"') {
                        return Err(p.unexpected("用英文引号括起的键名"));
                    }
                    self.member(p, case, id, &mut prev)?;
                    p.ws();
                    match p.peek() {
                        Some(b',') => p.i += 1,
                        Some(b'}') => {
                            p.i += 1;
                            break;
                        }
                        _ => return Err(p.unexpected("逗号 , 或右花括号 }")),
                    }
                }
            }
        }
        p.ws();
        if p.peek().is_some() {
            let mut b = p.unexpected("文件结尾");
            if !b.message.contains("中文") {
                b.message = "JSON 格式错误：对象结束后还有多余的内容".into();
                b.help = "一个案件文件只写一个对象；批量处理请一行一个案件（ruling batch）".into();
            }
            return Err(b);
        }
        Ok(())
    }

    /// One `"key": value` of the top-level object.
    fn member(
        &mut self,
        p: &mut P<'_>,
        case: &mut Case,
        id: &mut String,
        prev: &mut usize,
    ) -> Result<(), Bad> {
        let key_at = p.i;
        // The key that followed the previous one last time, confirmed in place (its bytes and
        // then the closing quote) without scanning the string first.
        let predicted = self.next.get(*prev).copied().unwrap_or(0) as usize;
        let (key, hit) = match self.names.get(predicted).and_then(|n| p.quoted(n)) {
            Some(k) => (k, true),
            None => (p.string()?, false),
        };
        let key_end = p.i;
        p.ws();
        p.expect(b':', "冒号 :")?;
        p.ws();
        let bytes = if key.escaped {
            let mut scratch = std::mem::take(&mut self.scratch);
            let r = p.text(key, &mut scratch).map(|_| ());
            self.scratch = scratch;
            r?;
            self.scratch.as_bytes()
        } else {
            p.bytes(key)
        };
        let slot = if hit {
            Some(predicted)
        } else {
            self.slots.get(bytes).map(|&s| s as usize)
        };
        let Some(slot) = slot else {
            let name = if key.escaped {
                self.scratch.clone()
            } else {
                p.text(key, &mut String::new())?.to_string()
            };
            let span = self.span(key_at, key_end);
            let program = self.program;
            self.fail(|| {
                let mut d = unknown_key(program, &name);
                d.span = Some(span);
                d.with_label("未知的键")
            });
            return self.skip(p, 1);
        };
        if let Some(n) = self.next.get_mut(*prev) {
            *n = u32::try_from(slot).unwrap_or(0);
        }
        *prev = slot;
        let first = self.seen.get(slot).copied().unwrap_or(0);
        if first > 0 {
            let text = p.b;
            let name = self.names.get(slot).copied().unwrap_or(&[]);
            let span = self.span(key_at, key_end);
            self.fail(|| duplicate(text, name, first as usize - 1, span));
            return self.skip(p, 1);
        }
        if let Some(s) = self.seen.get_mut(slot) {
            *s = u32::try_from(key_at + 1).unwrap_or(u32::MAX);
        }
        let value_at = p.i;
        let facts = self.program.facts.len();
        if slot < facts {
            let (name, ty) = self
                .program
                .facts
                .get(slot)
                .map_or(("", Type::Any), |f| (f.name.as_str(), f.ty));
            if let Some(v) = self.value(p, ty, Key::Top(name), 1)? {
                if let Some(s) = case.facts.get_mut(slot) {
                    *s = v;
                }
            }
        } else {
            let name = RESERVED.get(slot - facts).copied().unwrap_or("");
            let raw = self.raw(p, 1)?;
            match (name, &raw) {
                ("案件", Raw::Str(s)) => {
                    id.push_str(s);
                    case.id = Some(std::mem::take(id));
                }
                _ => {
                    if let Err(ds) = super::toml_file::reserved(self.program, case, name, &raw) {
                        let span = self.span(value_at, p.i);
                        for d in ds {
                            self.fail(|| located(d, span));
                        }
                    }
                }
            }
        }
        if let Some(pl) = self.places.get_mut(slot) {
            *pl = (
                u32::try_from(value_at).unwrap_or(0),
                u32::try_from(p.i).unwrap_or(0),
            );
        }
        Ok(())
    }

    /// A value for a declared type; `None` when it was wrong (the problem is recorded).
    fn value(
        &mut self,
        p: &mut P<'_>,
        ty: Type,
        key: Key<'_>,
        depth: usize,
    ) -> Result<Option<Value>, Bad> {
        let start = p.i;
        let program = self.program;
        let result = match p.peek() {
            Some(b'n') => {
                p.literal(b"null")?;
                return Ok(Some(Value::Unknown));
            }
            Some(b't') => {
                p.literal(b"true")?;
                raw::scalar(program, ty, Scalar::Bool(true))
            }
            Some(b'f') => {
                p.literal(b"false")?;
                raw::scalar(program, ty, Scalar::Bool(false))
            }
            Some(b'"') => {
                // The usual shapes first, recognised in place: a word of the enumeration, an
                // ISO date.
                match ty {
                    Type::Enum(e) => {
                        let words = program.enums.get(e).map_or(&[][..], |d| &d.words[..]);
                        for (w, word) in words.iter().enumerate() {
                            let Ok(w) = u16::try_from(w) else { break };
                            if p.quoted(word.as_bytes()).is_some() {
                                return Ok(Some(Value::Word(w)));
                            }
                        }
                    }
                    Type::Date if p.b.get(p.i + 11) == Some(&b'"') => {
                        if let Some(d) = p.b.get(p.i + 1..p.i + 11).and_then(literal::iso_date) {
                            p.i += 12;
                            let r = raw::scalar(program, ty, Scalar::Date(d));
                            return Ok(self.settle(r, key, start, p.i));
                        }
                    }
                    _ => {}
                }
                let s = p.string()?;
                let bytes = p.bytes(s);
                match ty {
                    Type::Enum(e) if !s.escaped => {
                        if let Some(w) = word_of(program, e, bytes) {
                            return Ok(Some(Value::Word(w)));
                        }
                    }
                    Type::Date if !s.escaped => {
                        if let Some(d) = literal::iso_date(bytes) {
                            let r = raw::scalar(program, ty, Scalar::Date(d));
                            return Ok(self.settle(r, key, start, p.i));
                        }
                    }
                    _ => {}
                }
                let mut scratch = std::mem::take(&mut self.scratch);
                let r = p
                    .text(s, &mut scratch)
                    .map(|t| raw::scalar(program, ty, Scalar::Str(t)));
                self.scratch = scratch;
                r?
            }
            Some(b'-' | b'0'..=b'9') => {
                let t = p.number()?;
                let small = t.len() <= 18 && t.bytes().all(|c| c.is_ascii_digit());
                let s = match t.parse::<i64>() {
                    Ok(n) if small => Scalar::Int(n),
                    _ => Scalar::Num(t),
                };
                raw::scalar(program, ty, s)
            }
            Some(b'[') => match ty {
                Type::Words(e) => {
                    if let Some(v) = self.words(p, e)? {
                        return Ok(Some(v));
                    }
                    p.i = start;
                    return self.general(p, ty, key, depth);
                }
                Type::List(r) => return self.list(p, r, key, depth),
                _ => return self.general(p, ty, key, depth),
            },
            Some(b'{') => return self.general(p, ty, key, depth),
            _ => {
                return Err(p.unexpected("一个值（true、false、null、数字、\"文字\"、[…] 或 {…}）"))
            }
        };
        Ok(self.settle(result, key, start, p.i))
    }

    /// A typed scalar, or its problem recorded at its place.
    fn settle(
        &mut self,
        r: Result<Value, Problem>,
        key: Key<'_>,
        start: usize,
        end: usize,
    ) -> Option<Value> {
        match r {
            Ok(v) => Some(v),
            Err(problem) => {
                let span = self.span(start, end);
                self.fail(|| located(problem.at(&key.name()), span));
                None
            }
        }
    }

    /// A value of an unusual shape: read whole and typed as TOML values are.
    fn general(
        &mut self,
        p: &mut P<'_>,
        ty: Type,
        key: Key<'_>,
        depth: usize,
    ) -> Result<Option<Value>, Bad> {
        let start = p.i;
        let raw = self.raw(p, depth)?;
        match raw::typed(self.program, ty, &raw, &key.name()) {
            Ok(v) => Ok(Some(v)),
            Err(d) => {
                let span = self.span(start, p.i);
                self.fail(|| located(d, span));
                Ok(None)
            }
        }
    }

    /// A set of words, all plain strings of the enumeration; `None` (nothing recorded) when
    /// it is anything else, for [`Self::general`] to read again.
    fn words(&mut self, p: &mut P<'_>, e: usize) -> Result<Option<Value>, Bad> {
        p.i += 1;
        let mut mask = 0u64;
        p.ws();
        if p.peek() == Some(b']') {
            p.i += 1;
            return Ok(Some(Value::Words(0)));
        }
        loop {
            p.ws();
            if p.peek() != Some(b'"') {
                return Ok(None);
            }
            let s = p.string()?;
            match (s.escaped, word_of(self.program, e, p.bytes(s))) {
                (false, Some(w)) => mask |= 1u64 << w,
                _ => return Ok(None),
            }
            p.ws();
            match p.peek() {
                Some(b',') => p.i += 1,
                Some(b']') => {
                    p.i += 1;
                    return Ok(Some(Value::Words(mask)));
                }
                _ => return Err(p.unexpected("逗号 , 或右方括号 ]")),
            }
        }
    }

    /// A list of records.
    fn list(
        &mut self,
        p: &mut P<'_>,
        r: usize,
        key: Key<'_>,
        depth: usize,
    ) -> Result<Option<Value>, Bad> {
        let start = p.i;
        let list = match key {
            Key::Top(k) => k,
            Key::Field(..) => return self.general(p, Type::List(r), key, depth),
        };
        p.i += 1;
        let mut records: Vec<Record> = Vec::new();
        let mut ok = true;
        let mut count = 0usize;
        p.ws();
        if p.peek() == Some(b']') {
            p.i += 1;
            return Ok(Some(Value::List(records.into())));
        }
        loop {
            p.ws();
            if count == MAX_LIST_LEN {
                // Counted, not kept: the rest is only checked to be JSON.
                ok = false;
                let span = self.span(start, start + 1);
                self.fail(|| located(raw::too_long(list, MAX_LIST_LEN + 1), span));
            }
            if count >= MAX_LIST_LEN {
                self.skip(p, depth + 1)?;
            } else if p.peek() == Some(b'{') {
                match self.record(p, r, list, count, depth + 1)? {
                    Some(rec) => records.push(rec),
                    None => ok = false,
                }
            } else {
                let at = p.i;
                let raw = self.raw(p, depth + 1)?;
                ok = false;
                let d = raw::case_error(
                    &format!("{list}[{}]", count + 1),
                    format!("应是表，实为{}", raw.kind()),
                    "每一项写作 {\"字段\": 值, …}",
                );
                let span = self.span(at, p.i);
                self.fail(|| located(d, span));
            }
            count += 1;
            p.ws();
            match p.peek() {
                Some(b',') => p.i += 1,
                Some(b']') => {
                    p.i += 1;
                    break;
                }
                _ => return Err(p.unexpected("逗号 , 或右方括号 ]")),
            }
        }
        Ok(ok.then(|| Value::List(records.into())))
    }

    /// One record of a list; `None` when a field was wrong (the problems are recorded).
    fn record(
        &mut self,
        p: &mut P<'_>,
        r: usize,
        list: &str,
        index: usize,
        depth: usize,
    ) -> Result<Option<Record>, Bad> {
        let program = self.program;
        let Some(def) = program.records.get(r) else {
            self.skip(p, depth)?;
            return Ok(None);
        };
        let mut values = vec![Value::Unknown; def.fields.len()].into_boxed_slice();
        // Offset + 1 of each field's key, for repeated fields; records have a few fields, so
        // this is on the stack unless a record type has very many.
        let mut few = [0usize; 16];
        let mut many = Vec::new();
        let seen: &mut [usize] = if def.fields.len() <= few.len() {
            &mut few[..]
        } else {
            many.resize(def.fields.len(), 0);
            &mut many[..]
        };
        let mut ok = true;
        p.i += 1;
        p.ws();
        if p.peek() == Some(b'}') {
            p.i += 1;
            return Ok(Some(values));
        }
        loop {
            p.ws();
            if p.peek() != Some(b'"') {
                return Err(p.unexpected("用英文引号括起的字段名"));
            }
            let key_at = p.i;
            let k = p.string()?;
            let key_end = p.i;
            p.ws();
            p.expect(b':', "冒号 :")?;
            p.ws();
            let bytes = p.bytes(k);
            let found = if k.escaped {
                None
            } else {
                def.fields.iter().position(|(n, _)| n.as_bytes() == bytes)
            };
            let found = match found {
                Some(i) => Some(i),
                None if k.escaped => {
                    let mut scratch = std::mem::take(&mut self.scratch);
                    let name = p.text(k, &mut scratch).map(str::to_string);
                    self.scratch = scratch;
                    let name = name?;
                    def.fields.iter().position(|(n, _)| *n == name)
                }
                None => None,
            };
            match found {
                None => {
                    ok = false;
                    let span = self.span(key_at, key_end);
                    let name = if self.errors.len() < MAX_ERRORS {
                        let mut scratch = String::new();
                        p.text(k, &mut scratch)?.to_string()
                    } else {
                        String::new()
                    };
                    self.fail(|| located(raw::unknown_field(program, r, list, index, &name), span));
                    self.skip(p, depth + 1)?;
                }
                Some(i) => {
                    let (name, ty) = def
                        .fields
                        .get(i)
                        .map_or(("", Type::Any), |(n, t)| (n.as_str(), *t));
                    let first = seen.get(i).copied().unwrap_or(0);
                    if first > 0 {
                        ok = false;
                        let text = p.b;
                        let span = self.span(key_at, key_end);
                        self.fail(|| {
                            let mut d = duplicate(text, name.as_bytes(), first - 1, span);
                            d.message = format!("“{list}[{}]”：{}", index + 1, d.message);
                            d
                        });
                        self.skip(p, depth + 1)?;
                    } else {
                        if let Some(s) = seen.get_mut(i) {
                            *s = key_at + 1;
                        }
                        match self.value(p, ty, Key::Field(list, index, name), depth + 1)? {
                            Some(v) => {
                                if let Some(s) = values.get_mut(i) {
                                    *s = v;
                                }
                            }
                            None => ok = false,
                        }
                    }
                }
            }
            p.ws();
            match p.peek() {
                Some(b',') => p.i += 1,
                Some(b'}') => {
                    p.i += 1;
                    break;
                }
                _ => return Err(p.unexpected("逗号 , 或右花括号 }")),
            }
        }
        Ok(ok.then_some(values))
    }

    /// Any value, read into [`Raw`]; an object's repeated key is recorded as a problem.
    fn raw(&mut self, p: &mut P<'_>, depth: usize) -> Result<Raw, Bad> {
        if depth > MAX_DEPTH {
            return Err(too_deep(p.i));
        }
        Ok(match p.peek() {
            Some(b'n') => {
                p.literal(b"null")?;
                Raw::Null
            }
            Some(b't') => {
                p.literal(b"true")?;
                Raw::Bool(true)
            }
            Some(b'f') => {
                p.literal(b"false")?;
                Raw::Bool(false)
            }
            Some(b'"') => {
                let s = p.string()?;
                let mut scratch = String::new();
                Raw::Str(p.text(s, &mut scratch)?.to_string())
            }
            Some(b'-' | b'0'..=b'9') => {
                let t = p.number()?;
                match t.parse::<i64>() {
                    Ok(i) if !t.contains(['.', 'e', 'E']) => Raw::Int(i),
                    _ => Raw::Num(t.to_string()),
                }
            }
            Some(b'[') => {
                p.i += 1;
                let mut items = Vec::new();
                p.ws();
                if p.peek() == Some(b']') {
                    p.i += 1;
                } else {
                    loop {
                        p.ws();
                        items.push(self.raw(p, depth + 1)?);
                        p.ws();
                        match p.peek() {
                            Some(b',') => p.i += 1,
                            Some(b']') => {
                                p.i += 1;
                                break;
                            }
                            _ => return Err(p.unexpected("逗号 , 或右方括号 ]")),
                        }
                    }
                }
                Raw::Array(items)
            }
            Some(b'{') => {
                p.i += 1;
                let mut entries: Vec<(String, Raw)> = Vec::new();
                // Key → offset of its first place; built only for large objects, so that
                // finding a repeated key stays linear.
                let mut index: Option<HashMap<String, usize>> = None;
                let mut places: Vec<usize> = Vec::new();
                p.ws();
                if p.peek() == Some(b'}') {
                    p.i += 1;
                    return Ok(Raw::Table(entries));
                }
                loop {
                    p.ws();
                    if p.peek() != Some(b'"') {
                        return Err(p.unexpected("用英文引号括起的键名"));
                    }
                    let key_at = p.i;
                    let k = p.string()?;
                    let key_end = p.i;
                    let mut scratch = String::new();
                    let name = p.text(k, &mut scratch)?.to_string();
                    p.ws();
                    p.expect(b':', "冒号 :")?;
                    p.ws();
                    let value = self.raw(p, depth + 1)?;
                    if entries.len() == 16 && index.is_none() {
                        index = Some(
                            entries
                                .iter()
                                .zip(&places)
                                .map(|((k, _), &at)| (k.clone(), at))
                                .collect(),
                        );
                    }
                    let earlier = match &mut index {
                        Some(map) => match map.get(&name) {
                            Some(&at) => Some(at),
                            None => {
                                map.insert(name.clone(), key_at);
                                None
                            }
                        },
                        None => entries
                            .iter()
                            .zip(&places)
                            .find(|((k, _), _)| *k == name)
                            .map(|(_, &at)| at),
                    };
                    match earlier {
                        Some(at) => {
                            let text = p.b;
                            let span = self.span(key_at, key_end);
                            self.fail(|| duplicate(text, name.as_bytes(), at, span));
                        }
                        None => {
                            entries.push((name, value));
                            places.push(key_at);
                        }
                    }
                    p.ws();
                    match p.peek() {
                        Some(b',') => p.i += 1,
                        Some(b'}') => {
                            p.i += 1;
                            break;
                        }
                        _ => return Err(p.unexpected("逗号 , 或右花括号 }")),
                    }
                }
                Raw::Table(entries)
            }
            _ => {
                return Err(p.unexpected("一个值（true、false、null、数字、\"文字\"、[…] 或 {…}）"))
            }
        })
    }

    /// Passes over a value, checking only that it is JSON.
    fn skip(&mut self, p: &mut P<'_>, depth: usize) -> Result<(), Bad> {
        if depth > MAX_DEPTH {
            return Err(too_deep(p.i));
        }
        match p.peek() {
            Some(b'n') => p.literal(b"null"),
            Some(b't') => p.literal(b"true"),
            Some(b'f') => p.literal(b"false"),
            Some(b'"') => p.string().map(drop),
            Some(b'-' | b'0'..=b'9') => p.number().map(drop),
            Some(open @ (b'[' | b'{')) => {
                let close = if open == b'[' { b']' } else { b'}' };
                p.i += 1;
                p.ws();
                if p.peek() == Some(close) {
                    p.i += 1;
                    return Ok(());
                }
                loop {
                    p.ws();
                    if open == b'{' {
                        if p.peek() != Some(b'"') {
                            return Err(p.unexpected("用英文引号括起的键名"));
                        }
                        p.string()?;
                        p.ws();
                        p.expect(b':', "冒号 :")?;
                        p.ws();
                    }
                    self.skip(p, depth + 1)?;
                    p.ws();
                    match p.peek() {
                        Some(b',') => p.i += 1,
                        Some(c) if c == close => {
                            p.i += 1;
                            return Ok(());
                        }
                        _ => {
                            return Err(p.unexpected(if open == b'[' {
                                "逗号 , 或右方括号 ]"
                            } else {
                                "逗号 , 或右花括号 }"
                            }))
                        }
                    }
                }
            }
            _ => Err(p.unexpected("一个值（true、false、null、数字、\"文字\"、[…] 或 {…}）")),
        }
    }
}

/// Whether any of the eight bytes may be a quote, a backslash or a control character (no false
/// negatives; a false positive only sends the caller to the byte-by-byte loop).
fn special(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let quote = zero(x ^ (ONES * u64::from(b'"')));
    let backslash = zero(x ^ (ONES * u64::from(b'\\')));
    let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    quote | backslash | control != 0
}

/// The word of enumeration `e` whose bytes these are.
fn word_of(program: &Program, e: usize, bytes: &[u8]) -> Option<u16> {
    let def = program.enums.get(e)?;
    def.words
        .iter()
        .position(|w| w.as_bytes() == bytes)
        .and_then(|i| u16::try_from(i).ok())
}

fn too_deep(at: usize) -> Bad {
    Bad {
        at,
        len: 1,
        message: format!("JSON 嵌套超过 {MAX_DEPTH} 层"),
        help: "案件文件只需三层：案件、记录列表、记录".into(),
    }
}

/// Puts a diagnostic at a place, unless it has one.
fn located(mut d: Diagnostic, span: Span) -> Diagnostic {
    if d.span.is_none() {
        d.span = Some(span);
    }
    d
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &[u8], at: usize) -> (usize, usize) {
    let upto = text.get(..at.min(text.len())).unwrap_or(&[]);
    let line = upto.iter().filter(|&&c| c == b'\n').count() + 1;
    let from = upto.iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(upto.get(from..).unwrap_or(&[]))
        .chars()
        .count()
        + 1;
    (line, col)
}

/// A key written twice: named, with the place of its first writing; the second is underlined.
fn duplicate(text: &[u8], name: &[u8], first: usize, span: Span) -> Diagnostic {
    let (line, col) = line_col(text, first);
    let name = String::from_utf8_lossy(name);
    Diagnostic::error(
        Code::CaseKey,
        span,
        format!(
            "键“{}”重复：第 {line} 行第 {col} 列已写过一次",
            shorten(&name)
        ),
    )
    .with_label("第二次")
    .with_help("同一个键只能写一次（JSON 与 TOML 相同）；请删去多余的一处，或合并两处的内容")
}
