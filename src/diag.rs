//! Diagnostics as data: every stage returns these, and only the command line renders them.
//!
//! A [`Diagnostic`] carries a code, a Chinese message quoting the user's words, the place it
//! concerns and a help line with the fix. [`render`] draws a list of them through miette.

use crate::source::{Sources, Span};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The rule set still runs, but something looks wrong.
    Warning,
    /// The rule set (or case) cannot be used.
    Error,
}

/// The kinds of problem, each with a stable code shown to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Code {
    Syntax,
    BadUnit,
    BadNumber,
    BadDate,
    TooDeep,
    TooLarge,
    BadEncoding,
    Undeclared,
    Duplicate,
    Type,
    NotAWord,
    Cycle,
    NeverConcluded,
    Unused,
    NoArticle,
    BadEffect,
    MissingClause,
    ParamPeriods,
    ParamText,
    Interface,
    BadExample,
    Io,
    CaseKey,
    CaseValue,
    Eval,
    Internal,
}

impl Code {
    /// The code as printed: `ruling::语法错误`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "ruling::语法错误",
            Code::BadUnit => "ruling::单位错误",
            Code::BadNumber => "ruling::数值错误",
            Code::BadDate => "ruling::日期错误",
            Code::TooDeep => "ruling::嵌套过深",
            Code::TooLarge => "ruling::超出限制",
            Code::BadEncoding => "ruling::编码错误",
            Code::Undeclared => "ruling::未声明的名称",
            Code::Duplicate => "ruling::重复声明",
            Code::Type => "ruling::类型不符",
            Code::NotAWord => "ruling::枚举值错误",
            Code::Cycle => "ruling::循环依赖",
            Code::NeverConcluded => "ruling::结论无规则",
            Code::Unused => "ruling::未使用",
            Code::NoArticle => "ruling::引文无条文",
            Code::BadEffect => "ruling::结论形式错误",
            Code::MissingClause => "ruling::规则缺少子句",
            Code::ParamPeriods => "ruling::参数有效期",
            Code::ParamText => "ruling::参数与条文不符",
            Code::Interface => "ruling::接口变更",
            Code::BadExample => "ruling::示例错误",
            Code::Io => "ruling::读取失败",
            Code::CaseKey => "ruling::案件键名错误",
            Code::CaseValue => "ruling::案件取值错误",
            Code::Eval => "ruling::计算错误",
            Code::Internal => "ruling::内部错误",
        }
    }
}

/// One problem found in a rule file or a case file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What kind.
    pub code: Code,
    /// The message, in Chinese, quoting the user's words.
    pub message: String,
    /// The place it concerns, if any.
    pub span: Option<Span>,
    /// A short note under the underlined text.
    pub label: Option<String>,
    /// The fix.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at a place.
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: visible(&message.into()),
            span: Some(span),
            label: None,
            help: None,
        }
    }

    /// A warning at a place.
    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    /// An error that concerns no place in particular.
    pub fn general(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: visible(&message.into()),
            span: None,
            label: None,
            help: None,
        }
    }

    /// Adds the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(visible(&help.into()));
        self
    }

    /// Adds the label under the underlined text.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(visible(&label.into()));
        self
    }

    /// The same problem as a warning.
    pub fn as_warning(mut self) -> Diagnostic {
        self.severity = Severity::Warning;
        self
    }

    /// Whether this stops the rule set from being used.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Whether any of the diagnostics is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// A diagnostic joined to its source text, in the form miette draws.
struct Located<'a> {
    diag: &'a Diagnostic,
    source: Option<CharColumns>,
    /// The diagnostic's span within `source`.
    span: Option<SourceSpan>,
}

/// The part of a source text drawn under a diagnostic, whose columns count characters, not
/// bytes, so that the `行:列` miette prints matches what an editor shows for Chinese text.
/// Only the lines around the problem are kept, and of a very long line only a window around
/// it, so that drawing stays small and fast whatever the file.
struct CharColumns {
    name: String,
    text: String,
    /// The 0-based line number of the excerpt's first line in the whole file.
    first_line: usize,
    /// Characters of the first line cut off before the excerpt (less the `…` put there).
    column_shift: usize,
}

/// The longest excerpt drawn whole, in bytes; longer lines are cut to a window.
const MAX_EXCERPT: usize = 2000;
/// How many bytes of a long line are drawn on each side of the problem.
const LINE_WINDOW: usize = 160;
/// The most diagnostics drawn with their source; past them only a count is printed.
const MAX_DRAWN: usize = 100;

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The lines around `span` (one of context on each side, as miette draws them), or a window
/// of a long line, and the span's place in that excerpt.
fn excerpt(name: &str, text: &str, span: Span) -> (CharColumns, SourceSpan) {
    let start = floor_boundary(text, span.start);
    let end = floor_boundary(text, span.end()).max(start);
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line_end = text
        .get(end..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| end + i);
    let from = match line_start.checked_sub(1) {
        Some(nl) => text
            .get(..nl)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1),
        None => 0,
    };
    let to = match text.get(line_end + 1..) {
        Some(rest) => rest.find('\n').map_or(text.len(), |i| line_end + 1 + i),
        None => text.len(),
    };
    let chars = |a: usize, b: usize| text.get(a..b).map_or(0, |t| t.chars().count());
    if to - from <= MAX_EXCERPT {
        let first_line = text.get(..from).map_or(0, |t| t.matches('\n').count());
        let columns = CharColumns {
            name: name.to_string(),
            text: text.get(from..to).unwrap_or("").to_string(),
            first_line,
            column_shift: 0,
        };
        return escape_excerpt(columns, SourceSpan::new((start - from).into(), end - start));
    }
    let shown_end = floor_boundary(text, end.min(start + LINE_WINDOW));
    let lo = floor_boundary(text, start.saturating_sub(LINE_WINDOW).max(line_start));
    let hi = floor_boundary(text, (shown_end + LINE_WINDOW).min(line_end)).max(shown_end);
    let prefix = if lo > line_start { "…" } else { "" };
    let suffix = if hi < line_end { "…" } else { "" };
    let window = text.get(lo..hi).unwrap_or("");
    let columns = CharColumns {
        name: name.to_string(),
        text: format!("{prefix}{window}{suffix}"),
        first_line: text.get(..lo).map_or(0, |t| t.matches('\n').count()),
        column_shift: chars(line_start, lo).saturating_sub(prefix.chars().count()),
    };
    let offset = prefix.len() + (start - lo);
    escape_excerpt(columns, SourceSpan::new(offset.into(), shown_end - start))
}

/// The excerpt with control and invisible characters drawn as `<U+XXXX>` (line breaks and
/// tabs kept), the span moved to match: a terminal never receives them raw.
fn escape_excerpt(mut columns: CharColumns, span: SourceSpan) -> (CharColumns, SourceSpan) {
    if !columns.text.chars().any(hidden) {
        return (columns, span);
    }
    let (start, end) = (span.offset(), span.offset() + span.len());
    let (mut new_start, mut new_end) = (None, None);
    let mut text = String::with_capacity(columns.text.len() + 16);
    for (at, c) in columns.text.char_indices() {
        if at >= start && new_start.is_none() {
            new_start = Some(text.len());
        }
        if at >= end && new_end.is_none() {
            new_end = Some(text.len());
        }
        if hidden(c) {
            text.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            text.push(c);
        }
    }
    let new_start = new_start.unwrap_or(text.len());
    let new_end = new_end.unwrap_or(text.len()).max(new_start);
    columns.text = text;
    (
        columns,
        SourceSpan::new(new_start.into(), new_end - new_start),
    )
}

/// Whether a character is one a reader cannot see or that would act on the terminal: control
/// characters other than line breaks and tabs, and the invisible formatting characters.
fn hidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || invisible_name(c).is_some()
}

/// The name of an invisible or space-like character that makes two names look alike, or
/// `None` for any other character (control characters are named by [`control_name`]).
pub fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00A0}' => "不换行空格",
        '\u{00AD}' => "软连字符",
        '\u{034F}' => "组合字形连接符",
        '\u{061C}' => "阿拉伯字母标记",
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' => "谚文填充符",
        '\u{180E}' => "蒙古文元音分隔符",
        '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => "特殊空格",
        '\u{200B}' => "零宽空格",
        '\u{200C}' => "零宽非连接符",
        '\u{200D}' => "零宽连接符",
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            "文字方向控制符"
        }
        '\u{2028}' => "行分隔符",
        '\u{2029}' => "段分隔符",
        '\u{2060}'..='\u{2065}' | '\u{206A}'..='\u{206F}' => "不可见格式符",
        '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' => "异体字选择符",
        '\u{FEFF}' => "零宽不换行空格（字节顺序标记）",
        '\u{FFF9}'..='\u{FFFB}' => "行间注释符",
        '\u{E0000}'..='\u{E007F}' => "标签字符",
        _ => return None,
    })
}

/// The name of a control character.
fn control_name(c: char) -> &'static str {
    match c {
        '\0' => "空字符 NUL",
        '\n' => "换行符",
        '\r' => "回车符",
        '\t' => "制表符",
        '\u{1B}' => "转义符 ESC",
        '\u{7F}' => "删除符 DEL",
        _ => "控制字符",
    }
}

/// A message's text as it may be shown: every control character (line breaks included) and
/// every invisible character written as `<U+XXXX>`, and at the end what each one is, e.g.
/// `未知的键“电话卡数<U+200D>”（含不可见字符 U+200D 零宽连接符）`. So two names that differ
/// only by such a character never look the same, and a terminal never receives a raw NUL or
/// escape sequence. Every [`Diagnostic`] passes its message, help and label through this; the
/// case reader and the command line use it for any other text that echoes a name.
pub fn visible(text: &str) -> String {
    if !text
        .chars()
        .any(|c| c.is_control() || invisible_name(c).is_some())
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 32);
    let mut named: Vec<char> = Vec::new();
    for c in text.chars() {
        if c.is_control() || invisible_name(c).is_some() {
            out.push_str(&format!("<U+{:04X}>", u32::from(c)));
            if !named.contains(&c) {
                named.push(c);
            }
        } else {
            out.push(c);
        }
    }
    let notes: Vec<String> = named
        .iter()
        .take(5)
        .map(|&c| {
            let (kind, name) = match invisible_name(c) {
                Some(n) => ("不可见字符", n),
                None => ("控制字符", control_name(c)),
            };
            format!("含{kind} U+{:04X} {name}", u32::from(c))
        })
        .collect();
    let more = if named.len() > 5 { "等" } else { "" };
    out.push_str(&format!("（{}{more}）", notes.join("，")));
    out
}

impl SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let start = inner.span().offset();
        let line_start = self
            .text
            .get(..start)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let mut column = self
            .text
            .get(line_start..start)
            .map_or(0, |t| t.chars().count());
        if inner.line() == 0 {
            column += self.column_shift;
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

impl fmt::Debug for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diag, f)
    }
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Located<'_> {}

impl miette::Diagnostic for Located<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            self.diag.label.clone(),
            span,
        ))))
    }
}

/// Draws diagnostics as text, without colour: the underlined source, the code, the help line.
/// Each begins with a `文件:行:列` line so that the place can be read even without the drawing.
pub fn render(diags: &[Diagnostic], sources: &Sources) -> String {
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for (i, diag) in diags.iter().enumerate() {
        if i == MAX_DRAWN {
            out.push_str(&format!(
                "以上画出前 {MAX_DRAWN} 个问题；另有 {} 个问题，只列出位置和说明：\n",
                diags.len() - MAX_DRAWN
            ));
            list_briefly(diags.get(MAX_DRAWN..).unwrap_or(&[]), sources, &mut out);
            out.push('\n');
            break;
        }
        let placed = diag.span.and_then(|span| {
            let file = sources.get(span.file)?;
            let (line, col) = sources.line_col(span.file, span.start);
            out.push_str(&format!("{}:{}:{}\n", file.name, line, col));
            Some(excerpt(&file.name, &file.text, span))
        });
        let (source, span) = match placed {
            Some((s, span)) => (Some(s), Some(span)),
            None => (None, None),
        };
        let located = Located { diag, source, span };
        if handler.render_report(&mut out, &located).is_err() {
            out.push_str(&format!("{}: {}\n", diag.code.as_str(), diag.message));
        }
        out.push('\n');
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if !diags.is_empty() {
        out.push_str(&format!("共 {errors} 个错误，{warnings} 个警告。\n"));
    }
    out
}

/// One line per diagnostic, `文件:行:列: 代码：说明`. The places are counted on from the
/// previous one when it is earlier in the same file (diagnostics come sorted by place), so a
/// long list costs one pass over the file rather than one per line.
fn list_briefly(diags: &[Diagnostic], sources: &Sources, out: &mut String) {
    // (file, byte offset, line, column) of the last place counted.
    let mut last: Option<(usize, usize, usize, usize)> = None;
    for d in diags {
        let place = d.span.and_then(|span| {
            let file = sources.get(span.file)?;
            let text: &str = &file.text;
            let at = floor_boundary(text, span.start);
            let (line, col) = match last {
                Some((f, from, line, col)) if f == span.file && from <= at => {
                    let gap = text.get(from..at).unwrap_or("");
                    match gap.rfind('\n') {
                        Some(nl) => (
                            line + gap.matches('\n').count(),
                            gap.get(nl + 1..).map_or(0, |t| t.chars().count()) + 1,
                        ),
                        None => (line, col + gap.chars().count()),
                    }
                }
                _ => sources.line_col(span.file, at),
            };
            last = Some((span.file, at, line, col));
            Some(format!("{}:{line}:{col}: ", file.name))
        });
        out.push_str(&format!(
            "{}{}：{}\n",
            place.unwrap_or_default(),
            d.code.as_str(),
            d.message
        ));
    }
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely misspelling.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let target: Vec<char> = word.chars().collect();
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        let c: Vec<char> = cand.chars().collect();
        let d = edit_distance(&target, &c);
        let limit = (target.len().max(c.len()) / 3).max(1);
        let contains = cand.contains(word) || word.contains(cand);
        if (d <= limit || (contains && target.len() >= 2)) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_invisible_and_control_characters() {
        assert_eq!(
            visible("未知的键“电话卡数\u{200D}”"),
            "未知的键“电话卡数<U+200D>”（含不可见字符 U+200D 零宽连接符）"
        );
        let shown = visible("a\0b\u{1b}[31m\r\n");
        assert!(!shown.chars().any(char::is_control), "{shown}");
        assert!(shown.contains("U+0000 空字符 NUL"), "{shown}");
        assert!(shown.contains("U+001B 转义符 ESC"), "{shown}");
        assert_eq!(visible("电话卡数"), "电话卡数");
    }

    #[test]
    fn suggests_a_near_miss() {
        let names = ["被帮助对象数", "电话卡数", "支付结算金额"];
        assert_eq!(did_you_mean("电话卡张数", names), Some("电话卡数"));
        assert_eq!(did_you_mean("支付结算", names), Some("支付结算金额"));
        assert_eq!(did_you_mean("出生日期", names), None);
    }
}
