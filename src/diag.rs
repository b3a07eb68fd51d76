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
    /// Other places that bear on the problem, each with a note (drawn beneath it, as miette's
    /// related diagnostics): a parameter's declaration is where a unit is wrong, its use where
    /// the wrong unit shows.
    /// Boxed: most diagnostics have none, and a `Result<_, Diagnostic>` stays small.
    pub related: Option<Box<Vec<(Span, String)>>>,
}

impl Diagnostic {
    /// An error at a place.
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: Some(span),
            label: None,
            help: None,
            related: None,
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
            message: message.into(),
            span: None,
            label: None,
            help: None,
            related: None,
        }
    }

    /// Adds the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds another place that bears on the problem, with its note.
    pub fn with_related(mut self, span: Span, note: impl Into<String>) -> Diagnostic {
        self.related
            .get_or_insert_with(Default::default)
            .push((span, note.into()));
        self
    }

    /// Adds the label under the underlined text.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
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
    /// The related places, each with its own excerpt.
    related: Vec<Related>,
}

/// Another place a diagnostic points to, drawn beneath it with its note.
struct Related {
    note: String,
    source: CharColumns,
    span: SourceSpan,
}

impl fmt::Debug for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.note)
    }
}

impl fmt::Display for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = self.source.first_line
            + 1
            + self
                .source
                .text
                .get(..self.span.offset())
                .map_or(0, |t| t.matches('\n').count());
        write!(f, "相关位置：{} 第 {line} 行", self.source.name)
    }
}

impl std::error::Error for Related {}

impl miette::Diagnostic for Related {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.note.clone()),
            self.span,
        ))))
    }
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
        return (columns, SourceSpan::new((start - from).into(), end - start));
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
    (columns, SourceSpan::new(offset.into(), shown_end - start))
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

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
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
        let related = diag
            .related
            .iter()
            .flat_map(|r| r.iter())
            .filter_map(|(span, note)| {
                let file = sources.get(span.file)?;
                let (source, span) = excerpt(&file.name, &file.text, *span);
                Some(Related {
                    note: note.clone(),
                    source,
                    span,
                })
            })
            .collect();
        let located = Located {
            diag,
            source,
            span,
            related,
        };
        let mut drawn = String::new();
        if handler.render_report(&mut drawn, &located).is_err() {
            drawn = format!("{}: {}\n", diag.code.as_str(), diag.message);
        }
        // miette heads each related place with the English "Advice:".
        out.push_str(&drawn.replace("Advice: ", "参见："));
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
    fn suggests_a_near_miss() {
        let names = ["被帮助对象数", "电话卡数", "支付结算金额"];
        assert_eq!(did_you_mean("电话卡张数", names), Some("电话卡数"));
        assert_eq!(did_you_mean("支付结算", names), Some("支付结算金额"));
        assert_eq!(did_you_mean("出生日期", names), None);
    }
}
