//! "运行示例": a code lens over the first example of a file, whose command runs the file's
//! examples as `ruling test` does and shows each failing one as a diagnostic on its name.

use super::library::ast::Item;
use super::library::FileId;
use super::library::{self, ExampleRun};
use super::workspace::Folder;
use lsp_types::{CodeLens, Command, Uri};

/// The command the lens runs; its one argument is the file's URI.
pub const RUN_EXAMPLES: &str = "ruling.runExamples";

/// The lens of a file: none when it has no example (or has syntax errors).
pub fn lenses(folder: &Folder, file: FileId, uri: &Uri) -> Vec<CodeLens> {
    let Some(module) = folder.module(file) else {
        return Vec::new();
    };
    let examples: Vec<_> = module
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Example(e) => Some(e),
            _ => None,
        })
        .collect();
    let Some(first) = examples.first() else {
        return Vec::new();
    };
    let Some(range) = super::diagnostics::range(folder, first.name.span) else {
        return Vec::new();
    };
    vec![CodeLens {
        range,
        command: Some(Command {
            title: format!("运行示例（本文件 {} 个）", examples.len()),
            command: RUN_EXAMPLES.to_string(),
            arguments: Some(vec![serde_json::Value::String(uri.as_str().to_string())]),
        }),
        data: None,
    }]
}

/// Runs a file's examples and keeps the results for its diagnostics. Gives how many passed
/// and how many failed, or why they could not be run.
pub fn run(folder: &mut Folder, file: FileId) -> Result<(usize, usize), String> {
    let Some(program) = &folder.analysis.program else {
        let errors = folder
            .analysis
            .diags
            .iter()
            .filter(|d| d.is_error())
            .count();
        return Err(format!(
            "规则集有 {errors} 个错误，无法运行示例；请先按“问题”面板中的提示改正"
        ));
    };
    let Some(path) = folder.files.get(file).map(|f| f.path.clone()) else {
        return Err("找不到这个规则文件；请先保存它".into());
    };
    let runs: Vec<ExampleRun> = library::run_examples(program, file);
    let failed = runs.iter().filter(|r| !r.problems.is_empty()).count();
    let passed = runs.len() - failed;
    folder.example_runs.retain(|(p, _)| *p != path);
    folder.example_runs.push((path, runs));
    Ok((passed, failed))
}
