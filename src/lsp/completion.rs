//! Completion: keywords, the names declared anywhere in the folder (all names are in scope in
//! every file), enumeration words, rules and citations with their article text.
//!
//! The line before the cursor narrows the offer: after `依据` only citations; after `优先于`
//! only rules; after `是`, `为`, `=`, `属于` … following a name of enumeration type only that
//! enumeration's words; inside a quoted text or a comment nothing.

use super::index::{Index, MODALITY_WORDS};
use super::library::ast::{TypeExpr, TypeKind};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent,
    MarkupKind, Range, TextEdit,
};

/// The language's words, each with what it is for.
const KEYWORDS: &[(&str, &str)] = &[
    ("条文", "条文 引文 “条文原文”"),
    ("记录", "记录 名称 { 字段：类型，… }"),
    ("事实", "事实 名称：类型 “说明”"),
    ("参数", "参数 名称 = 值 依据 引文"),
    ("结论", "结论 名称：类型 “说明”"),
    ("规则", "规则 名称 依据 引文 若 条件 则 结论"),
    ("示例", "示例 名称 案情 事实 = 值 预期 结论 = 值"),
    ("依据", "所依据的条文"),
    ("若", "规则的条件"),
    ("除非", "任一成立即排除本规则"),
    ("则", "规则得出的结论"),
    ("优先于", "本规则成立时排除所列规则"),
    ("案情", "示例的事实"),
    ("预期", "示例的预期结论"),
    ("封闭世界", "未填写的事实按否、零、空计"),
    ("且", "并且"),
    ("或", "或者"),
    ("非", "否定"),
    ("是", "等于"),
    ("不是", "不等于"),
    ("等于", "等于"),
    ("不等于", "不等于"),
    ("属于", "是集合的成员"),
    ("不属于", "不是集合的成员"),
    ("包含", "集合含有"),
    ("不包含", "集合不含有"),
    ("达", "达 … 以上"),
    ("以上", "大于或等于（含本数）"),
    ("以下", "小于或等于（含本数）"),
    ("以内", "小于或等于（含本数）"),
    ("超过", "大于（不含本数）"),
    ("不满", "小于（不含本数）"),
    ("为", "则 结论 为 词"),
    ("加入", "则 集合 加入 “文本”"),
    ("非空", "集合不为空"),
    ("为空", "集合为空"),
    ("在", "日期 在 终点 前 期间 以内"),
    ("前", "日期 在 终点 前 期间 以内"),
    ("其中", "计数(列表 其中 条件)"),
    ("计数", "计数(列表 其中 条件)"),
    ("合计", "合计(列表.字段 其中 条件)"),
    ("存在", "存在(列表 其中 条件)"),
    ("全部", "全部(列表 其中 条件)"),
    ("周岁", "周岁(出生日期，行为日期)"),
    ("已知", "已知(事实)"),
    ("未知", "未知(事实)"),
    ("布尔", "类型：真或假"),
    ("整数", "类型：个数"),
    ("金额", "类型：元"),
    ("日期", "类型：年-月-日"),
    ("期间", "类型：年、个月、日"),
    ("文本", "类型：文字"),
    ("三值", "结论类型：成立、不成立、待定"),
    ("情态", "结论类型：应当、一般应当、可以、不适用"),
    ("引文", "类型：条文的引用"),
    ("枚举", "类型：枚举{甲，乙}"),
    ("集合", "类型：集合<…>"),
    ("列表", "类型：列表<记录>"),
    ("真", "布尔值"),
    ("假", "布尔值"),
    ("待定", "尚不确定"),
    ("自", "参数值的有效期起点"),
    ("至", "参数值的有效期终点"),
    ("较高者有利", "参数：较高的标准有利于被告人"),
    ("较低者有利", "参数：较低的标准有利于被告人"),
];

/// Operators after which an enumeration word is expected.
const WORD_OPERATORS: &[&str] = &[
    "不属于",
    "属于",
    "不包含",
    "包含",
    "不等于",
    "等于",
    "不是",
    "是",
    "为",
    "=",
    "＝",
    "!=",
    "≠",
];

/// The completions at a byte offset of a text, and the byte offset where the word being
/// typed begins (the items replace the text from there to `offset`).
pub fn items(index: &Index, text: &str, offset: usize) -> (Vec<CompletionItem>, usize) {
    let line_start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let before = text.get(line_start..offset).unwrap_or("");
    if in_text_or_comment(before) {
        return (Vec::new(), offset);
    }
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map_or(before.len(), |(i, _)| i);
    let prefix = before.get(..word_start).unwrap_or("").trim_end();
    let mut out = Vec::new();
    if prefix.ends_with("依据") || prefix.trim_start() == "条文" {
        citations(index, &mut out);
    } else if prefix.ends_with("优先于") || prefix.ends_with('、') && prefix.contains("优先于")
    {
        rules(index, &mut out);
    } else if let Some(words) = expected_words(index, prefix) {
        for w in words {
            out.push(item(&w, CompletionItemKind::ENUM_MEMBER, None, None, "0"));
        }
        out.push(item("待定", CompletionItemKind::KEYWORD, None, None, "1"));
    } else {
        names(index, prefix, &mut out);
        for (k, doc) in KEYWORDS {
            out.push(item(k, CompletionItemKind::KEYWORD, Some(doc), None, "2"));
        }
        let mut words: Vec<&String> = index.words.keys().collect();
        words.sort();
        for w in words {
            let owners: Vec<&str> = index
                .words
                .get(w)
                .into_iter()
                .flatten()
                .map(|o| o.owner.as_str())
                .collect();
            out.push(item(
                w,
                CompletionItemKind::ENUM_MEMBER,
                Some(&owners.join("；")),
                None,
                "3",
            ));
        }
        for w in MODALITY_WORDS {
            out.push(item(
                w,
                CompletionItemKind::ENUM_MEMBER,
                Some("情态"),
                None,
                "3",
            ));
        }
        citations(index, &mut out);
    }
    (out, line_start + word_start)
}

/// Sets each item's edit to replace the word being typed.
pub fn with_range(items: &mut [CompletionItem], range: Range) {
    for i in items {
        i.text_edit = Some(CompletionTextEdit::Edit(TextEdit {
            range,
            new_text: i.label.clone(),
        }));
    }
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: Option<&str>,
    doc: Option<String>,
    group: &str,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: detail.map(str::to_string),
        documentation: doc.map(|d| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: d,
            })
        }),
        sort_text: Some(format!("{group}{label}")),
        ..CompletionItem::default()
    }
}

fn names(index: &Index, prefix: &str, out: &mut Vec<CompletionItem>) {
    let mut facts: Vec<_> = index.facts.values().collect();
    facts.sort_by(|a, b| a.name.text.cmp(&b.name.text));
    for f in facts {
        out.push(item(
            &f.name.text,
            CompletionItemKind::FIELD,
            Some(&format!("事实：{}", type_name(&f.ty))),
            f.doc.as_ref().map(|d| d.text.clone()),
            "1",
        ));
    }
    let mut params: Vec<_> = index.params.values().collect();
    params.sort_by(|a, b| a.name.text.cmp(&b.name.text));
    for p in params {
        out.push(item(
            &p.name.text,
            CompletionItemKind::CONSTANT,
            Some(&format!("参数，依据 {}", p.cite.path)),
            None,
            "1",
        ));
    }
    let mut conclusions: Vec<_> = index.conclusions.values().collect();
    conclusions.sort_by(|a, b| a.name.text.cmp(&b.name.text));
    for c in conclusions {
        out.push(item(
            &c.name.text,
            CompletionItemKind::VARIABLE,
            Some(&format!("结论：{}", type_name(&c.ty))),
            c.doc.as_ref().map(|d| d.text.clone()),
            "1",
        ));
    }
    let mut records: Vec<_> = index.records.values().collect();
    records.sort_by(|a, b| a.name.text.cmp(&b.name.text));
    for r in records {
        out.push(item(
            &r.name.text,
            CompletionItemKind::STRUCT,
            Some("记录"),
            None,
            "1",
        ));
        // Inside `其中` (a condition over each record) the fields are names too.
        if prefix.contains("其中") || prefix.contains('.') || prefix.contains('．') {
            for f in &r.fields {
                out.push(item(
                    &f.name.text,
                    CompletionItemKind::PROPERTY,
                    Some(&format!(
                        "记录“{}”的字段：{}",
                        r.name.text,
                        type_name(&f.ty)
                    )),
                    None,
                    "0",
                ));
            }
        }
    }
}

fn rules(index: &Index, out: &mut Vec<CompletionItem>) {
    for r in &index.rules {
        let cite = r.cite.as_ref().map(|c| c.path.to_string());
        out.push(item(
            &r.name.text,
            CompletionItemKind::FUNCTION,
            cite.as_deref(),
            None,
            "0",
        ));
    }
}

fn citations(index: &Index, out: &mut Vec<CompletionItem>) {
    for a in &index.articles {
        let label = a.cite.path.to_string();
        out.push(item(
            &label,
            CompletionItemKind::REFERENCE,
            Some("条文"),
            Some(a.text.text.clone()),
            "4",
        ));
    }
}

/// The words of the enumeration a name before an operator has, when the prefix ends so.
fn expected_words(index: &Index, prefix: &str) -> Option<Vec<String>> {
    let op = WORD_OPERATORS.iter().find(|op| prefix.ends_with(*op))?;
    let before = prefix.get(..prefix.len() - op.len())?.trim_end();
    let name_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map(|(i, _)| i)?;
    let name = before.get(name_start..)?;
    let ty = index
        .facts
        .get(name)
        .map(|f| &f.ty)
        .or_else(|| index.conclusions.get(name).map(|c| &c.ty))
        .or_else(|| {
            index
                .records
                .values()
                .flat_map(|r| &r.fields)
                .find(|f| f.name.text == name)
                .map(|f| &f.ty)
        })?;
    words_of(ty)
}

fn words_of(ty: &TypeExpr) -> Option<Vec<String>> {
    match &ty.kind {
        TypeKind::Enum(words) => Some(words.iter().map(|w| w.name.text.clone()).collect()),
        TypeKind::Modality => Some(MODALITY_WORDS.map(String::from).to_vec()),
        TypeKind::Set(inner) => words_of(inner),
        _ => None,
    }
}

fn type_name(ty: &TypeExpr) -> String {
    match &ty.kind {
        TypeKind::Bool => "布尔".into(),
        TypeKind::Int => "整数".into(),
        TypeKind::Amount => "金额".into(),
        TypeKind::Date => "日期".into(),
        TypeKind::Period => "期间".into(),
        TypeKind::Text => "文本".into(),
        TypeKind::Tri => "三值".into(),
        TypeKind::Modality => "情态".into(),
        TypeKind::Citation => "引文".into(),
        TypeKind::Enum(_) => "枚举".into(),
        TypeKind::Set(inner) => format!("集合<{}>", type_name(inner)),
        TypeKind::List(r) => format!("列表<{}>", r.text),
    }
}

/// Whether a character may be part of a name: not a space, an operator or punctuation.
fn is_name_char(c: char) -> bool {
    !(c.is_whitespace()
        || "，,：:；;=＝<>＜＞!≠≤≥+-*/＋－＊×÷()（）{}｛｝[]【】“”\"#＃、。.．".contains(c))
}

/// Whether the end of a line's beginning is inside a quoted text or a comment.
/// Quotes nest (an article's text quotes “情节严重” inside its own “…”), so they are counted.
fn in_text_or_comment(before: &str) -> bool {
    let mut depth = 0usize;
    for c in before.chars() {
        match c {
            '“' => depth += 1,
            '”' => depth = depth.saturating_sub(1),
            '#' | '＃' if depth == 0 => return true,
            _ => {}
        }
    }
    depth > 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::library;

    const TEXT: &str = "条文 刑法第17条 “已满十六周岁的人犯罪，应当负刑事责任。”\n\
事实 角色：枚举{组织者，一般参与者} “地位”\n\
事实 电话卡数：整数 “张数”\n\
结论 从严：三值 “从严”\n\
规则 组织者从严\n  依据 刑法第17条\n  若 角色 是 组织者\n  则 从严\n";

    fn index() -> Index {
        let (module, diags) = library::parse(0, TEXT);
        assert!(!library::has_errors(&diags), "{diags:?}");
        Index::build(&[(0, &module, None)])
    }

    fn labels(text: &str) -> Vec<String> {
        let (items, _) = items(&index(), text, text.len());
        items.into_iter().map(|i| i.label).collect()
    }

    #[test]
    fn after_a_name_of_enumeration_type_only_its_words() {
        assert_eq!(labels("  若 角色 是 "), ["组织者", "一般参与者", "待定"]);
        assert_eq!(labels("  若 角色 是 组"), ["组织者", "一般参与者", "待定"]);
    }

    #[test]
    fn after_yiju_citations_with_their_text() {
        let (items, start) = items(&index(), "  依据 刑", "  依据 刑".len());
        assert_eq!(start, "  依据 ".len());
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].label, "刑法第17条");
        let doc = format!("{:?}", items[0].documentation);
        assert!(doc.contains("已满十六周岁"), "{doc}");
    }

    #[test]
    fn names_and_keywords_in_a_condition() {
        let got = labels("  若 电");
        for want in ["电话卡数", "角色", "从严", "且", "计数"] {
            assert!(got.iter().any(|l| l == want), "{want} missing from {got:?}");
        }
    }

    #[test]
    fn nothing_in_a_comment_or_a_quoted_text() {
        assert!(labels("# 若 电").is_empty());
        assert!(labels("事实 甲：布尔 “说明 电").is_empty());
        assert!(labels("条文 刑法第17条 “认定为“情节严重”的 电").is_empty());
    }
}
