//! `ruling fmt`: one canonical layout for rule files.
//!
//! Takes the text of one rule file and gives the same file in the canonical layout (see
//! [`layout`] for what that is), comments kept. It works from the AST the syntax stage gives
//! plus the source text: the AST for the structure, the text for the comments (which the grammar
//! skips) and for the few words the AST does not keep.
//!
//! Formatting never changes what a file means, and this module proves it each time rather than
//! trusting itself: the result is parsed again and must give an equal AST (spans aside), keep
//! every comment, and leave no code outside the items the syntax stage saw. If any of this
//! fails, the file is refused with a diagnostic and left as it was.

mod comments;
mod doc;
mod layout;

use crate::diag::{has_errors, Code, Diagnostic};
use crate::source::Span;
use crate::syntax::{self, ast::Item, ast::Module};

/// The widest line the layout aims for, in display columns (a Chinese character is two).
pub const WIDTH: usize = doc::WIDTH;

/// Formats one rule file. On a syntax error, or if formatting could not be proved to keep the
/// file's meaning and comments, gives diagnostics (against file id 0) instead.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let (module, diags) = syntax::parse_file(0, text);
    if has_errors(&diags) {
        return Err(diags);
    }
    let found = comments::scan(text);
    refuse_lossy(text, &module, &found)?;
    let mut first = layout::Printer::new(text, &found, None);
    let _ = first.file(&module);
    let plan = comments::assign(&first.units, &found);
    let mut second = layout::Printer::new(text, &found, Some(&plan));
    let out = doc::render(&second.file(&module));
    verify(&module, &found, &out)?;
    Ok(out)
}

/// Whether a file is already in the canonical layout (`None` when it cannot be formatted).
pub fn is_formatted(text: &str) -> Option<bool> {
    format_source(text).ok().map(|f| f == text)
}

/// Refuses files the AST does not represent whole: a rule with a clause given twice (the AST
/// keeps one), or code the syntax stage skipped.
fn refuse_lossy(
    text: &str,
    module: &Module,
    found: &[comments::Comment],
) -> Result<(), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    for item in &module.items {
        if let Item::Rule(r) = item {
            for (clause, span) in &r.repeated {
                diags.push(
                    Diagnostic::error(
                        Code::Duplicate,
                        *span,
                        format!("规则“{}”的“{clause}”子句写了两次，无法格式化", r.name.text),
                    )
                    .with_help(
                        "格式化只能保留其中一个；请先合并或删去多余的子句，再运行 ruling fmt",
                    ),
                );
            }
        }
    }
    let mut at = 0;
    for item in module
        .items
        .iter()
        .map(Item::span)
        .chain([Span::new(0, text.len(), text.len())])
    {
        if comments::has_code(text, at, item.start, found) {
            diags.push(internal(Span::new(0, at, item.start)));
        }
        at = at.max(item.end());
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(diags)
    }
}

/// Parses the result again: same AST, same comments.
fn verify(module: &Module, found: &[comments::Comment], out: &str) -> Result<(), Vec<Diagnostic>> {
    let (again, diags) = syntax::parse_file(0, out);
    let mut before: Vec<&str> = found.iter().map(|c| c.text.as_str()).collect();
    let after_comments = comments::scan(out);
    let mut after: Vec<&str> = after_comments.iter().map(|c| c.text.as_str()).collect();
    before.sort_unstable();
    after.sort_unstable();
    if has_errors(&diags) || again != *module || before != after {
        return Err(vec![internal(Span::new(0, 0, 0))]);
    }
    Ok(())
}

fn internal(span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::Internal,
        span,
        "内部错误：无法确认格式化后含义不变，文件未改动",
    )
    .with_label("这里")
    .with_help("请把这个文件报告给维护者；在此之前可以手工调整格式")
}

#[cfg(test)]
mod tests;
