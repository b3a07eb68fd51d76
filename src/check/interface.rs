//! The interface protected: the facts and conclusions that case files and other systems rely
//! on are listed, with their types, in a file checked in beside the rule files
//! ([`LIST_FILE`]). `ruling check` fails when an edit of the rules removes, renames or retypes
//! one of them; changing the interface on purpose means changing the list in the same edit.

use crate::diag::{Code, Diagnostic};
use crate::program::{ConclusionKind, Program, Type, MODALITY};

/// The name of the list, in the rule folder.
pub const LIST_FILE: &str = "接口清单.toml";

/// How a fact's type is written in the list: the words of enumerations and the fields of
/// records included, since renaming a word breaks case files as surely as renaming a fact.
pub fn fact_type(program: &Program, ty: Type) -> String {
    match ty {
        Type::Bool => "布尔".into(),
        Type::Enum(e) => format!("枚举{{{}}}", program.words(e).join("，")),
        Type::Words(e) => format!("集合<枚举{{{}}}>", program.words(e).join("，")),
        Type::List(r) => {
            let fields: Vec<String> = program
                .fields(r)
                .iter()
                .map(|(n, t)| format!("{n}：{}", fact_type(program, *t)))
                .collect();
            format!("列表<{{{}}}>", fields.join("，"))
        }
        other => program.type_name(other),
    }
}

/// How a conclusion's kind is written in the list.
pub fn conclusion_type(program: &Program, kind: ConclusionKind) -> String {
    match kind {
        ConclusionKind::Tri => "三值".into(),
        ConclusionKind::Word(MODALITY) => "情态".into(),
        ConclusionKind::Word(e) => format!("枚举{{{}}}", program.words(e).join("，")),
        ConclusionKind::Cites => "集合<引文>".into(),
        ConclusionKind::Texts => "集合<文本>".into(),
    }
}

/// Checks the program against the list's text (`file` names it in messages): every fact and
/// conclusion listed must be declared, with the type listed.
pub fn verify(program: &Program, text: &str, file: &str) -> Vec<Diagnostic> {
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            return vec![Diagnostic::general(
                Code::Interface,
                format!("{file}：无法读取接口清单：{}", e.message()),
            )
            .with_help("接口清单是 TOML 文件：[事实] 与 [结论] 两节（节名加引号：[\"事实\"]），每行 \"名称\" = \"类型\"")];
        }
    };
    let mut out = Vec::new();
    let help = |what: &str, name: &str| {
        format!(
            "案件文件与读取结果的其他系统依赖{what}“{name}”的名称与类型。若确要改动，请在同一次修改中\
             同时改 {file} 中的这一行，并通知依赖它的各方；否则请恢复原来的名称与类型"
        )
    };
    for (section, what) in [("事实", "事实"), ("结论", "结论")] {
        let Some(entries) = table.get(section).and_then(toml::Value::as_table) else {
            out.push(
                Diagnostic::general(
                    Code::Interface,
                    format!("{file}：接口清单缺少 [{section}] 一节"),
                )
                .with_help("请恢复这一节；接口清单列出受保护的事实与结论"),
            );
            continue;
        };
        for (name, ty) in entries {
            let Some(listed) = ty.as_str() else {
                out.push(Diagnostic::general(
                    Code::Interface,
                    format!("{file}：[{section}] 中“{name}”的类型应写成文本，如 \"布尔\""),
                ));
                continue;
            };
            let found = if section == "事实" {
                program
                    .fact_index
                    .get(name)
                    .and_then(|f| program.facts.get(*f))
                    .map(|d| (fact_type(program, d.ty), d.span))
            } else {
                program
                    .conclusion_index
                    .get(name)
                    .and_then(|c| program.conclusions.get(*c))
                    .map(|d| (conclusion_type(program, d.kind), d.span))
            };
            match found {
                None => out.push(
                    Diagnostic::general(
                        Code::Interface,
                        format!(
                            "受保护的{what}“{name}”在规则中已不存在（被删除或改名），{file} 仍列出它"
                        ),
                    )
                    .with_help(help(what, name)),
                ),
                Some((actual, span)) if actual != listed => out.push(
                    Diagnostic::error(
                        Code::Interface,
                        span,
                        format!(
                            "受保护的{what}“{name}”的类型由 {listed} 改成了 {actual}（见 {file}）"
                        ),
                    )
                    .with_help(help(what, name)),
                ),
                Some(_) => {}
            }
        }
    }
    out
}

/// The list for the given names, as the current rules type them: to write the list first, or
/// again after a deliberate change.
pub fn render(program: &Program, facts: &[&str], conclusions: &[&str]) -> String {
    let mut out = String::from(
        "# 接口清单：案件文件与读取结果的其他系统所依赖的事实与结论，及其类型。\n\
         # ruling check 在规则删除、改名或改变其中任何一项的类型时报错。\n\
         # 确需改动接口时，请在同一次修改中同时改这里，并通知依赖它的各方。\n\n[\"事实\"]\n",
    );
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    for name in facts {
        if let Some(d) = program
            .fact_index
            .get(*name)
            .and_then(|f| program.facts.get(*f))
        {
            out.push_str(&format!(
                "{} = {}\n",
                quote(name),
                quote(&fact_type(program, d.ty))
            ));
        }
    }
    out.push_str("\n[\"结论\"]\n");
    for name in conclusions {
        if let Some(d) = program
            .conclusion_index
            .get(*name)
            .and_then(|c| program.conclusions.get(*c))
        {
            out.push_str(&format!(
                "{} = {}\n",
                quote(name),
                quote(&conclusion_type(program, d.kind))
            ));
        }
    }
    out
}
