//! Document symbols (the outline of a file: articles, records, facts, parameters, conclusions,
//! rules, examples) and workspace symbols (the same over the folder, found by name).

use super::diagnostics::{location, range};
use super::library::ast::Item;
use super::library::{FileId, Span};
use super::workspace::Folder;
use lsp_types::{DocumentSymbol, OneOf, SymbolKind, WorkspaceSymbol};

/// What the outline shows of an item: its name, kind, a short description and the name's span.
fn describe(item: &Item) -> (String, SymbolKind, &'static str, Span) {
    match item {
        Item::Article(a) => (
            a.cite.path.to_string(),
            SymbolKind::NAMESPACE,
            "条文",
            a.cite.span,
        ),
        Item::Record(r) => (r.name.text.clone(), SymbolKind::STRUCT, "记录", r.name.span),
        Item::Fact(f) => (f.name.text.clone(), SymbolKind::FIELD, "事实", f.name.span),
        Item::Param(p) => (
            p.name.text.clone(),
            SymbolKind::CONSTANT,
            "参数",
            p.name.span,
        ),
        Item::Conclusion(c) => (
            c.name.text.clone(),
            SymbolKind::VARIABLE,
            "结论",
            c.name.span,
        ),
        Item::Rule(r) => (
            r.name.text.clone(),
            SymbolKind::FUNCTION,
            "规则",
            r.name.span,
        ),
        Item::Example(e) => (e.name.text.clone(), SymbolKind::EVENT, "示例", e.name.span),
    }
}

/// The outline of one file (empty while it has syntax errors).
#[allow(deprecated, reason = "DocumentSymbol::deprecated must still be given")]
pub fn document(folder: &Folder, file: FileId) -> Vec<DocumentSymbol> {
    let Some(module) = folder.module(file) else {
        return Vec::new();
    };
    module
        .items
        .iter()
        .filter_map(|item| {
            let (name, kind, what, name_span) = describe(item);
            // A record's fields are its children in the outline.
            let children = match item {
                Item::Record(r) => Some(
                    r.fields
                        .iter()
                        .filter_map(|f| {
                            let at = range(folder, f.name.span)?;
                            Some(DocumentSymbol {
                                name: f.name.text.clone(),
                                detail: Some("字段".into()),
                                kind: SymbolKind::FIELD,
                                tags: None,
                                deprecated: None,
                                range: at,
                                selection_range: at,
                                children: None,
                            })
                        })
                        .collect(),
                ),
                _ => None,
            };
            Some(DocumentSymbol {
                name,
                detail: Some(what.to_string()),
                kind,
                tags: None,
                deprecated: None,
                range: range(folder, item.span())?,
                selection_range: range(folder, name_span)?,
                children,
            })
        })
        .collect()
}

/// The symbols of every file of a folder whose name contains the query (all for an empty one).
pub fn workspace(folder: &Folder, query: &str, out: &mut Vec<WorkspaceSymbol>) {
    for id in 0..folder.files.len() {
        let Some(module) = folder.module(id) else {
            continue;
        };
        for item in &module.items {
            let (name, kind, what, name_span) = describe(item);
            if !name.contains(query) {
                continue;
            }
            let Some(loc) = location(folder, name_span) else {
                continue;
            };
            out.push(WorkspaceSymbol {
                name,
                kind,
                tags: None,
                container_name: Some(what.to_string()),
                location: OneOf::Left(loc),
                data: None,
            });
        }
    }
}
