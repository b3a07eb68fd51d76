//! Go to definition and find references, across the files of a rules folder.
//!
//! A fact, parameter, conclusion or record type leads to its declaration; a rule (named in
//! `优先于`) to the rule; a citation to its `条文` (or the nearest enclosing provision that has
//! one); an enumeration word to the enumerations that declare it; a record field to its
//! record. References list every place the same thing is named.

use super::diagnostics::location;
use super::index::Target;
use super::workspace::Folder;
use lsp_types::Location;

/// Where the target is declared.
pub fn definition(folder: &Folder, target: &Target) -> Vec<Location> {
    folder
        .analysis
        .index
        .declarations(target)
        .into_iter()
        .filter_map(|s| location(folder, s))
        .collect()
}

/// Every place the target is named; declarations only when asked for.
pub fn references(folder: &Folder, target: &Target, with_declaration: bool) -> Vec<Location> {
    folder
        .analysis
        .index
        .references(target)
        .filter(|o| with_declaration || !o.decl)
        .filter_map(|o| location(folder, o.span))
        .collect()
}
