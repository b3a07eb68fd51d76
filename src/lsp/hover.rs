//! Hover: what a name means, in the words of the rule files.
//!
//! A fact shows its type (an enumeration's words, a list's record fields), its description and
//! the rules that read it with their articles; a parameter its value or values with their
//! validity periods and its citation with the article text; a citation the article text; a
//! conclusion its kind, description and the rules that conclude it; an enumeration word the
//! enumerations it belongs to.

use super::index::{Index, Target, MODALITY_WORDS};
use super::library::ast::{CitationPath, LitKind, RuleDecl, TypeExpr, TypeKind};
use super::library::Sources;

/// The hover text (Markdown) for a target, or `None` when nothing is known of it.
pub fn text(index: &Index, sources: &Sources, target: &Target) -> Option<String> {
    match target {
        Target::Name(name) => name_text(index, sources, name),
        Target::Rule(name) => {
            let rule = index.rules.iter().find(|r| r.name.text == *name)?;
            Some(rule_text(index, rule))
        }
        Target::Example(name) => {
            let ex = index.examples.iter().find(|e| e.name.text == *name)?;
            let world = if ex.closed_world {
                "封闭世界（未填写的事实按否、零、空计）"
            } else {
                "开放世界（未填写的事实为未知）"
            };
            Some(format!(
                "**示例** {name}\n\n{world}；案情 {} 项事实，预期 {} 项结论。",
                ex.facts.len(),
                ex.expect.len()
            ))
        }
        Target::Cite(path) => Some(cite_text(index, path)),
        Target::Field(name) => {
            let mut lines = Vec::new();
            for r in index.records.values() {
                for f in r.fields.iter().filter(|f| f.name.text == *name) {
                    lines.push(format!(
                        "**字段** {name}：{}（记录“{}”）",
                        type_text(&f.ty),
                        r.name.text
                    ));
                }
            }
            lines.sort();
            (!lines.is_empty()).then(|| lines.join("\n\n"))
        }
        Target::Word(word) => {
            let mut lines: Vec<String> = index
                .words
                .get(word)
                .into_iter()
                .flatten()
                .map(|o| format!("{}：枚举{{{}}}", o.owner, o.words.join("，")))
                .collect();
            if MODALITY_WORDS.contains(&word.as_str()) {
                lines.push(format!("情态：{}（由强到弱）", MODALITY_WORDS.join("，")));
            }
            (!lines.is_empty()).then(|| format!("**枚举值** {word}\n\n{}", lines.join("\n\n")))
        }
    }
}

fn name_text(index: &Index, sources: &Sources, name: &str) -> Option<String> {
    if let Some(f) = index.facts.get(name) {
        let mut out = format!("**事实** {name}：{}", type_text(&f.ty));
        if let Some(doc) = &f.doc {
            out.push_str(&format!("\n\n{}", doc.text));
        }
        if let TypeKind::List(record) = &f.ty.kind {
            if let Some(r) = index.records.get(&record.text) {
                out.push_str("\n\n每条记录的字段：");
                for field in &r.fields {
                    out.push_str(&format!(
                        "\n- {}：{}",
                        field.name.text,
                        type_text(&field.ty)
                    ));
                }
            }
        }
        out.push_str(&readers(index, name));
        return Some(out);
    }
    if let Some(p) = index.params.get(name) {
        let mut out = format!("**参数** {name}");
        for v in &p.versions {
            // As written (`30万元`, `20张`), unless the file changed since it was read.
            let value = match sources.snippet(v.value.span) {
                written if !written.is_empty() && !index.stale.contains(&v.value.span.file) => {
                    written.to_string()
                }
                _ => literal_text(&v.value.kind),
            };
            let period = match (&v.from, &v.until) {
                (None, None) => String::new(),
                (Some(f), None) => format!("（自 {} 起）", f.date),
                (None, Some(u)) => format!("（至 {} 止）", u.date),
                (Some(f), Some(u)) => format!("（自 {} 至 {}）", f.date, u.date),
            };
            out.push_str(&format!("\n\n值：{value}{period}"));
        }
        if let Some(favour) = p.favour {
            out.push_str(match favour {
                super::library::ast::Favour::Higher => "\n\n较高者有利于被告人",
                super::library::ast::Favour::Lower => "\n\n较低者有利于被告人",
            });
        }
        out.push_str(&format!("\n\n依据 {}", cite_text(index, &p.cite.path)));
        out.push_str(&readers(index, name));
        return Some(out);
    }
    if let Some(c) = index.conclusions.get(name) {
        let mut out = format!("**结论** {name}：{}", type_text(&c.ty));
        if let Some(doc) = &c.doc {
            out.push_str(&format!("\n\n{}", doc.text));
        }
        let rules: Vec<&RuleDecl> = index.concluding(name).collect();
        if rules.is_empty() {
            out.push_str("\n\n尚无规则得出这个结论。");
        } else {
            out.push_str("\n\n得出它的规则：");
            for r in rules {
                out.push_str(&format!("\n- {}", rule_line(r)));
            }
        }
        out.push_str(&readers(index, name));
        return Some(out);
    }
    if let Some(r) = index.records.get(name) {
        let mut out = format!("**记录** {name}");
        for field in &r.fields {
            out.push_str(&format!(
                "\n- {}：{}",
                field.name.text,
                type_text(&field.ty)
            ));
        }
        return Some(out);
    }
    None
}

/// The rules whose conditions read a name, with their citations.
fn readers(index: &Index, name: &str) -> String {
    let rules = index.reading(name);
    if rules.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n\n用于规则：");
    for r in rules {
        out.push_str(&format!("\n- {}", rule_line(r)));
    }
    out
}

fn rule_line(r: &RuleDecl) -> String {
    match &r.cite {
        Some(c) => format!("{}（{}）", r.name.text, c.path),
        None => r.name.text.clone(),
    }
}

fn rule_text(index: &Index, r: &RuleDecl) -> String {
    let mut out = format!("**规则** {}", r.name.text);
    let concluded: Vec<&str> = r.effects.iter().map(|e| e.target.text.as_str()).collect();
    if !concluded.is_empty() {
        out.push_str(&format!("\n\n得出：{}", concluded.join("、")));
    }
    match (&r.text, &r.cite) {
        (Some(t), Some(c)) => out.push_str(&format!("\n\n依据 {}：“{}”", c.path, t.text)),
        (None, Some(c)) => out.push_str(&format!("\n\n依据 {}", cite_text(index, &c.path))),
        (Some(t), None) => out.push_str(&format!("\n\n“{}”", t.text)),
        (None, None) => {}
    }
    out
}

/// A citation with its article text (its own, or the nearest enclosing provision's).
pub fn cite_text(index: &Index, path: &CitationPath) -> String {
    match index.article(path) {
        Some(a) if a.cite.path == *path => format!("{path}\n\n> {}", a.text.text),
        Some(a) => format!("{path}（条文见 {}）\n\n> {}", a.cite.path, a.text.text),
        None => format!("{path}（规则文件中没有这一条的条文）"),
    }
}

/// A type as the language writes it (from the tree, not the text, so that a declaration kept
/// from an earlier version of a file being edited still reads right).
fn type_text(ty: &TypeExpr) -> String {
    match &ty.kind {
        TypeKind::Bool => "布尔".into(),
        TypeKind::Int => "整数".into(),
        TypeKind::Amount => "金额".into(),
        TypeKind::Date => "日期".into(),
        TypeKind::Period => "期间".into(),
        TypeKind::Text => "文本".into(),
        TypeKind::Tri => "三值".into(),
        TypeKind::Modality => format!("情态（{}）", MODALITY_WORDS.join("，")),
        TypeKind::Citation => "引文".into(),
        TypeKind::Enum(words) => {
            let words: Vec<String> = words
                .iter()
                .map(|w| {
                    if w.pending {
                        format!("{}（待定）", w.name.text)
                    } else {
                        w.name.text.clone()
                    }
                })
                .collect();
            format!("枚举{{{}}}", words.join("，"))
        }
        TypeKind::Set(inner) => format!("集合<{}>", type_text(inner)),
        TypeKind::List(record) => format!("列表<{}>", record.text),
    }
}

/// A literal from the tree, for a declaration whose text has changed since (units of counts
/// are not kept by the tree, so a count shows as a bare number).
fn literal_text(lit: &LitKind) -> String {
    match lit {
        LitKind::Number(d) => d.to_string(),
        LitKind::Int(i) => i.to_string(),
        LitKind::Amount(d) => format!("{d}元"),
        LitKind::Times(d) => format!("{d}倍"),
        LitKind::Period(p) => p.to_string(),
        LitKind::Date(d) => d.to_string(),
        LitKind::Text(t) => format!("“{t}”"),
        LitKind::Bool(true) => "真".into(),
        LitKind::Bool(false) => "假".into(),
        LitKind::Unknown => "待定".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::library;

    const TEXT: &str = "条文 法发〔2025〕12号第6条 “具有下列情形之一的……”\n\
事实 角色：枚举{组织者，一般参与者（待定）} “行为人的地位”\n\
事实 违法所得：金额 “违法所得数额”\n\
结论 从严：三值 “应当从严”\n\
参数 标准 依据 法发〔2025〕12号第6条第(1)项 较高者有利\n  值 30万元 至 2026-12-31\n  值 50万元 自 2027-01-01\n\
规则 组织者从严\n  依据 法发〔2025〕12号第6条\n  若 角色 是 组织者 且 违法所得 达 标准 以上\n  则 从严\n";

    fn hover(target: Target) -> String {
        let (module, diags) = library::parse(0, TEXT);
        assert!(!library::has_errors(&diags), "{diags:?}");
        let index = Index::build(&[(0, &module, None)]);
        let mut sources = Sources::default();
        sources.add("t.rule", TEXT);
        text(&index, &sources, &target).unwrap_or_default()
    }

    #[test]
    fn a_parameter_shows_its_values_periods_and_article() {
        let h = hover(Target::Name("标准".into()));
        assert!(h.contains("值：30万元（至 2026-12-31 止）"), "{h}");
        assert!(h.contains("值：50万元（自 2027-01-01 起）"), "{h}");
        // No text of its own: the enclosing article's.
        assert!(h.contains("条文见 法发〔2025〕12号第6条"), "{h}");
        assert!(h.contains("具有下列情形之一的"), "{h}");
        assert!(h.contains("组织者从严"), "{h}");
    }

    #[test]
    fn a_fact_shows_its_words_and_a_conclusion_its_rules() {
        let h = hover(Target::Name("角色".into()));
        assert!(h.contains("枚举{组织者，一般参与者（待定）}"), "{h}");
        assert!(h.contains("行为人的地位"), "{h}");
        let c = hover(Target::Name("从严".into()));
        assert!(
            c.contains("三值") && c.contains("- 组织者从严（法发〔2025〕12号第6条）"),
            "{c}"
        );
        let w = hover(Target::Word("组织者".into()));
        assert!(w.contains("事实“角色”：枚举{组织者，一般参与者}"), "{w}");
    }
}
