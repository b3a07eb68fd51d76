//! `ruling check`'s diagnostics in the protocol's form, file by file.
//!
//! The message is the checker's, followed by its help line (the protocol has no field for a
//! fix, and the fix is what a reader needs most). The declarations of the names a message
//! quotes (“……”) become related locations, so that "是否应为“电话卡数”？" leads to where
//! 电话卡数 is declared.

use super::index::Target;
use super::library::Span;
use super::library::{Diagnostic, Severity};
use super::workspace::Folder;
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range,
};

/// The diagnostics of every file of a folder, indexed like its files.
pub fn by_file(folder: &Folder) -> Vec<Vec<lsp_types::Diagnostic>> {
    let mut out = vec![Vec::new(); folder.files.len()];
    for d in &folder.analysis.diags {
        // A problem of no place in particular is shown at the top of the first file.
        let span = d.span.unwrap_or_default();
        if let Some(list) = out.get_mut(span.file) {
            list.push(convert(folder, d, span));
        }
    }
    for (path, runs) in &folder.example_runs {
        let Some(id) = folder.file_id(path) else {
            continue;
        };
        let Some(list) = out.get_mut(id) else {
            continue;
        };
        for run in runs.iter().filter(|r| !r.problems.is_empty()) {
            // Only the example's first line (its name), not the whole block.
            let Some((text, lines)) = folder.text(run.span.file) else {
                continue;
            };
            let start = run.span.start;
            let end = text
                .get(start..)
                .and_then(|t| t.find('\n'))
                .map_or(text.len(), |i| start + i);
            list.push(lsp_types::Diagnostic {
                range: lines.range(text, start, end),
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String("ruling::示例未通过".into())),
                source: Some("ruling".into()),
                message: format!(
                    "示例“{}”未通过：\n{}\n提示：改正规则或示例的预期后再次运行示例；ruling test 给出同样的结果",
                    run.name,
                    run.problems.join("\n")
                ),
                ..lsp_types::Diagnostic::default()
            });
        }
    }
    out
}

/// The protocol range of a span of the folder.
pub fn range(folder: &Folder, span: Span) -> Option<Range> {
    let (text, lines) = folder.text(span.file)?;
    Some(lines.range(text, span.start, span.end()))
}

/// The protocol location of a span of the folder.
pub fn location(folder: &Folder, span: Span) -> Option<Location> {
    let uri = folder.files.get(span.file)?.uri()?;
    Some(Location {
        uri,
        range: range(folder, span)?,
    })
}

fn convert(folder: &Folder, d: &Diagnostic, span: Span) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\n提示：");
        message.push_str(help);
    }
    // The label under the text ("此处", "这里") says nothing an editor's underline does not,
    // so only other places are related.
    let mut related: Vec<DiagnosticRelatedInformation> = Vec::new();
    let quoted = quoted_names(&d.message).chain(d.help.iter().flat_map(|h| quoted_names(h)));
    for name in quoted {
        let index = &folder.analysis.index;
        let mut spans = index.declarations(&Target::Name(name.to_string()));
        spans.extend(index.declarations(&Target::Rule(name.to_string())));
        for s in spans {
            // A declaration inside the diagnostic's own place needs no pointer to it.
            if s.file == span.file && span.start <= s.start && s.end() <= span.end() {
                continue;
            }
            if let Some(loc) = location(folder, s) {
                if !related.iter().any(|r| r.location == loc) {
                    related.push(DiagnosticRelatedInformation {
                        location: loc,
                        message: format!("“{name}”在此声明"),
                    });
                }
            }
        }
    }
    lsp_types::Diagnostic {
        range: range(folder, span).unwrap_or_default(),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("ruling".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}

/// The texts between “ and ” in a message.
fn quoted_names(message: &str) -> impl Iterator<Item = &str> {
    message
        .split('“')
        .skip(1)
        .filter_map(|part| part.split_once('”').map(|(name, _)| name))
}
