//! What commands share about their input: the notice that the built-in rules are in use, and
//! reading a case file, where `-` is standard input.

use super::{Command, RulesSpec};
use ruling::diag::{self, Diagnostic};

/// Without `--rules` and without `./rules`, says on standard error that the built-in rules
/// are used, so that an office whose amended folder is elsewhere is not surprised.
pub(super) fn notice_builtin(spec: &RulesSpec, command: &Command) {
    let reads_rules = !matches!(
        command,
        Command::Lsp
            | Command::Completions(_)
            | Command::Manpage
            | Command::Fmt(_)
            | Command::Rules(_)
            | Command::Generate(_)
    );
    if reads_rules && ruling::ruleset::uses_builtin(spec.dir.as_deref()) {
        eprintln!(
            "提示：当前目录下没有 rules 文件夹，也未用 --rules 指定规则目录，本次使用程序内置的规则（{}，指纹 {}）。\n\
      如需使用本单位修改过的规则，请加 --rules 规则目录；ruling rules --export 目录 可导出内置规则以便修改。",
            ruling::ruleset::BUILTIN,
            ruling::ruleset::embedded().fingerprint
        );
    }
}

/// Reads one case file; `-` reads standard input, as JSON when it begins with `{` and as TOML
/// otherwise (a piped case has no extension to tell). Problems come with the text, to be
/// drawn with their place underlined.
pub(crate) fn read_case(
    program: &ruling::program::Program,
    path: &std::path::Path,
) -> Result<ruling::case::Case, ruling::case::CaseErrors> {
    use ruling::case::{self, CaseErrors, CaseFormat};
    use std::io::Read as _;
    if path.as_os_str() != "-" {
        return case::read_file(program, path);
    }
    let plain = |d: Diagnostic| CaseErrors {
        sources: ruling::source::Sources::default(),
        diagnostics: vec![d],
    };
    let mut bytes = Vec::new();
    let limit = case::MAX_CASE_BYTES as u64 + 1;
    if let Err(e) = std::io::stdin().take(limit).read_to_end(&mut bytes) {
        return Err(plain(Diagnostic::general(
            diag::Code::Io,
            format!("无法读取标准输入：{e}"),
        )));
    }
    let Ok(text) = String::from_utf8(bytes) else {
        return Err(plain(
            Diagnostic::general(diag::Code::BadEncoding, "标准输入不是有效的 UTF-8 文本")
                .with_help("请用 UTF-8 编码保存案件文件后再输入"),
        ));
    };
    let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let format = if body.trim_start().starts_with('{') {
        CaseFormat::Json
    } else {
        CaseFormat::Toml
    };
    let mut sources = ruling::source::Sources::default();
    let file = sources.add("标准输入", text.as_str());
    case::parse_located(program, &text, format, file).map_err(|diagnostics| CaseErrors {
        sources,
        diagnostics,
    })
}
