//! The facts a case may hold, as users need to see them: name, type, the words an
//! enumeration allows, record fields, meaning, the articles whose rules read the fact, and an
//! example value. Drawn from the compiled [`Program`] alone, so that `ruling facts`,
//! `ruling template` and the 案件文件填写说明 (`docs/案件文件填写说明.md`, the output of
//! [`guide_markdown`]) always describe the rule set in use and cannot drift from it.

use crate::program::{FactDef, Program, Type};
use crate::syntax::ast::CitationPath;
use serde_json::{json, Value as J};

/// The document the Opinion's citations name: its articles come first in every listing.
const OPINION: &str = "法发〔2025〕12号";

/// One fact as a user sees it.
#[derive(Debug, Clone)]
pub struct FactEntry {
    /// The name, as the case file spells the key.
    pub name: String,
    /// The type in the rule language's words: 布尔, 整数, 金额, 日期, 枚举, 集合<枚举>,
    /// 列表<记录名>, 文本.
    pub ty: String,
    /// For 枚举 and 集合<枚举>: the words allowed.
    pub words: Vec<String>,
    /// For 列表<记录>: each field's name, type and words.
    pub fields: Vec<FieldEntry>,
    /// The declaration's own description.
    pub meaning: String,
    /// Every provision whose rules read the fact, in canonical citation form, in order.
    pub articles: Vec<String>,
    /// The article (条) the fact is grouped under: the first citing rule's, or `None` when no
    /// citing rule reads it.
    pub group: Option<String>,
    /// An example value as TOML writes it (`true`, `20`, `"30万元"`, `[{ … }]`).
    pub example_toml: String,
    /// The same example as JSON.
    pub example_json: J,
}

/// One field of a record type.
#[derive(Debug, Clone)]
pub struct FieldEntry {
    /// The field name.
    pub name: String,
    /// Its type, as for facts.
    pub ty: String,
    /// For enumerations: the words allowed.
    pub words: Vec<String>,
}

/// Every fact of the program, in declaration order.
pub fn facts(program: &Program) -> Vec<FactEntry> {
    let mut cites: Vec<Vec<CitationPath>> = vec![Vec::new(); program.facts.len()];
    for rule in &program.rules {
        let Some(cite) = rule.cite.and_then(|c| program.citations.get(c as usize)) else {
            continue;
        };
        for f in &rule.reads_facts {
            if let Some(list) = cites.get_mut(*f) {
                if !list.contains(cite) {
                    list.push(cite.clone());
                }
            }
        }
    }
    program
        .facts
        .iter()
        .zip(cites)
        .enumerate()
        .map(|(id, (fact, cites))| entry(program, id, fact, cites))
        .collect()
}

fn entry(program: &Program, id: usize, fact: &FactDef, cites: Vec<CitationPath>) -> FactEntry {
    let group = cites.first().map(|c| article_of(c).to_string());
    let mut sorted = cites;
    sorted.sort_by_key(order_key);
    let (words, fields) = match fact.ty {
        Type::Enum(e) | Type::Words(e) => (words_of(program, e), Vec::new()),
        Type::List(r) => (
            Vec::new(),
            program
                .records
                .get(r)
                .map(|rec| {
                    rec.fields
                        .iter()
                        .map(|(name, ty)| FieldEntry {
                            name: name.clone(),
                            ty: short_type(program, *ty),
                            words: match ty {
                                Type::Enum(e) | Type::Words(e) => words_of(program, *e),
                                _ => Vec::new(),
                            },
                        })
                        .collect()
                })
                .unwrap_or_default(),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let is_conduct = program.conduct_date == Some(id) || program.judgment_date == Some(id);
    let example_json = example(program, fact.ty, if is_conduct { CONDUCT } else { OTHER });
    FactEntry {
        name: fact.name.clone(),
        ty: short_type(program, fact.ty),
        words,
        fields,
        meaning: fact.doc.clone(),
        articles: sorted.iter().map(ToString::to_string).collect(),
        group,
        example_toml: toml_value(&example_json, fact.ty == Type::Date),
        example_json,
    }
}

/// The example date of the conduct (and of judgment); other dates are years earlier, so that
/// an example filled in from every line still has dates in a possible order.
const CONDUCT: &str = "2025-09-01";
const OTHER: &str = "2000-01-01";
/// Dates inside records (earlier penalties): between the two.
const RECORD_DATE: &str = "2024-06-01";

fn words_of(program: &Program, e: usize) -> Vec<String> {
    program.enums.get(e).map_or_else(Vec::new, |d| {
        d.words
            .iter()
            .zip(&d.pending)
            .map(|(w, p)| {
                if *p {
                    format!("{w}（视为待定）")
                } else {
                    w.clone()
                }
            })
            .collect()
    })
}

/// The first word of an enumeration that decides something (not a 待定 word).
fn first_word(program: &Program, e: usize) -> String {
    program.enums.get(e).map_or_else(String::new, |d| {
        d.words
            .iter()
            .zip(&d.pending)
            .find(|(_, p)| !**p)
            .map_or_else(String::new, |(w, _)| w.clone())
    })
}

fn example(program: &Program, ty: Type, date: &str) -> J {
    match ty {
        Type::Bool => json!(true),
        Type::Int => json!(20),
        Type::Amount => json!("30万元"),
        Type::Times => json!(2),
        Type::Number => json!(1),
        Type::Date => json!(date),
        Type::Period => json!("2年"),
        Type::Text | Type::Any => json!("……"),
        Type::Enum(e) => json!(first_word(program, e)),
        Type::Words(e) => json!([first_word(program, e)]),
        Type::Cites | Type::Texts => json!([]),
        Type::List(r) => {
            let mut obj = serde_json::Map::new();
            for (name, fty) in program.records.get(r).map_or(&[][..], |x| &x.fields[..]) {
                obj.insert(name.clone(), example(program, *fty, RECORD_DATE));
            }
            json!([obj])
        }
    }
}

/// An example value in TOML: dates bare, keys quoted (TOML needs quotes around Chinese keys).
fn toml_value(v: &J, is_date: bool) -> String {
    match v {
        J::String(s) if is_date || looks_like_date(s) => s.clone(),
        J::String(s) => format!("{s:?}"),
        J::Array(items) => {
            let inner: Vec<String> = items.iter().map(|i| toml_value(i, false)).collect();
            format!("[{}]", inner.join(", "))
        }
        J::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k:?} = {}", toml_value(v, false)))
                .collect();
            format!("{{ {} }}", inner.join(", "))
        }
        other => other.to_string(),
    }
}

fn looks_like_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// A type in the rule language's own words, without the enumeration's words.
fn short_type(program: &Program, ty: Type) -> String {
    match ty {
        Type::Bool => "布尔".into(),
        Type::Enum(_) => "枚举".into(),
        Type::Words(_) => "集合<枚举>".into(),
        other => program.type_name(other),
    }
}

/// The article (条) a citation belongs to.
fn article_of(c: &CitationPath) -> CitationPath {
    let mut a = c.clone();
    a.paragraph = None;
    a.item = None;
    a
}

/// How citations sort: the Opinion first, then the other documents by name; within a document
/// by article, paragraph, item.
type CiteOrder = (bool, String, Option<(u32, Option<u32>)>, u32, u32);

/// The sort key of a citation.
fn order_key(c: &CitationPath) -> CiteOrder {
    (
        c.doc != OPINION,
        c.doc.clone(),
        c.article,
        c.paragraph.unwrap_or(1),
        c.item.unwrap_or(0),
    )
}

/// The facts grouped by article, groups in citation order, the facts no citing rule reads
/// last (group `None`).
pub fn grouped(entries: &[FactEntry]) -> Vec<(Option<String>, Vec<&FactEntry>)> {
    let mut groups: Vec<(Option<String>, Vec<&FactEntry>)> = Vec::new();
    for e in entries {
        match groups.iter_mut().find(|(g, _)| *g == e.group) {
            Some((_, members)) => members.push(e),
            None => groups.push((e.group.clone(), vec![e])),
        }
    }
    // The text form would sort 第10条 before 第9条: compare the numbers.
    groups.sort_by_key(|(g, _)| (g.is_none(), group_key(g.as_deref().unwrap_or(""))));
    groups
}

/// Sort key of an article written canonically, `法发〔2025〕12号第9条`, `刑法第287条之2`.
fn group_key(text: &str) -> (bool, String, u32, u32) {
    let (doc, rest) = text.split_once('第').unwrap_or((text, ""));
    let number = |s: &str| -> u32 {
        s.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(0)
    };
    let article = number(rest);
    let sub = rest.split_once('之').map_or(0, |(_, s)| number(s));
    (doc != OPINION, doc.to_string(), article, sub)
}

/// The facts as JSON: an array of objects with `name`, `type`, `words`, `fields`, `meaning`,
/// `articles`, `group` and `example`.
pub fn to_json(entries: &[FactEntry]) -> J {
    J::Array(
        entries
            .iter()
            .map(|e| {
                json!({
                    "name": e.name,
                    "type": e.ty,
                    "words": e.words,
                    "fields": e.fields.iter().map(|f| json!({
                        "name": f.name, "type": f.ty, "words": f.words,
                    })).collect::<Vec<_>>(),
                    "meaning": e.meaning,
                    "articles": e.articles,
                    "group": e.group,
                    "example": e.example_json,
                })
            })
            .collect(),
    )
}

/// The facts as plain text for the terminal, grouped by article.
pub fn to_text(entries: &[FactEntry]) -> String {
    let mut out = String::new();
    for (group, members) in grouped(entries) {
        out.push_str(&format!("【{}】\n", group_title(group.as_deref())));
        for e in members {
            out.push_str(&format!("  {}：{}", e.name, e.ty));
            if !e.words.is_empty() {
                out.push_str(&format!("，可填：{}", e.words.join("、")));
            }
            out.push('\n');
            for f in &e.fields {
                out.push_str(&format!("      字段 {}：{}", f.name, f.ty));
                if !f.words.is_empty() {
                    out.push_str(&format!("，可填：{}", f.words.join("、")));
                }
                out.push('\n');
            }
            if !e.meaning.is_empty() {
                out.push_str(&format!("      含义：{}\n", e.meaning));
            }
            if !e.articles.is_empty() {
                out.push_str(&format!("      条文：{}\n", e.articles.join("；")));
            }
            out.push_str(&format!(
                "      示例：\"{}\" = {}\n",
                e.name, e.example_toml
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!("共 {} 项事实。\n", entries.len()));
    out
}

fn group_title(group: Option<&str>) -> &str {
    group.unwrap_or("其他（不直接由引用条文的规则读取）")
}

/// A case file in TOML listing every fact, grouped by article, each with its meaning, type,
/// words and an example, commented out: unchanged it is a valid case in which every fact is
/// unknown, and a user fills it in by removing the `#` before a line and writing the value.
pub fn template_toml(entries: &[FactEntry]) -> String {
    let mut out = String::from(
        "# 案件文件模板（TOML）。由 ruling template 按当前规则集生成。\n\
# 填写方法：删去某一行开头的“# ”，把示例值改为本案的值。未填写的事实视为“未知”，\n\
# 相关结论为“待定”，报告会列出尚需查明的事实。用 UTF-8 编码保存，键名保留引号。\n\
# 评估：ruling eval 本文件.toml\n\n\
\"案件\" = \"（案件编号）\"\n\
# \"说明\" = \"（案情摘要，仅供阅读，不参与评估）\"\n\
# \"封闭世界\" = true   # 未填写的布尔事实视为否、数额视为零；枚举和日期仍为未知\n",
    );
    for (group, members) in grouped(entries) {
        out.push_str(&format!(
            "\n# ==================== {}\n",
            group_title(group.as_deref())
        ));
        for e in members {
            out.push('\n');
            let mut about = format!("# {}：{}", e.name, e.ty);
            if !e.meaning.is_empty() {
                about.push_str(&format!("。{}", e.meaning));
            }
            out.push_str(&about);
            out.push('\n');
            if !e.words.is_empty() {
                out.push_str(&format!("#   可填：{}\n", e.words.join("、")));
            }
            for f in &e.fields {
                out.push_str(&format!("#   字段 {}：{}", f.name, f.ty));
                if !f.words.is_empty() {
                    out.push_str(&format!("（{}）", f.words.join("、")));
                }
                out.push('\n');
            }
            if !e.articles.is_empty() {
                out.push_str(&format!("#   条文：{}\n", e.articles.join("；")));
            }
            out.push_str(&format!("# \"{}\" = {}\n", e.name, e.example_toml));
        }
    }
    out
}

/// A case file in JSON with every fact as `null` (explicitly unknown, which JSON allows where
/// it has no comments); `ruling facts --format json` describes each key.
pub fn template_json(entries: &[FactEntry]) -> String {
    let mut obj = serde_json::Map::new();
    obj.insert("案件".into(), json!("（案件编号）"));
    for (_, members) in grouped(entries) {
        for e in members {
            obj.insert(e.name.clone(), J::Null);
        }
    }
    let mut text = serde_json::to_string_pretty(&J::Object(obj)).unwrap_or_default();
    text.push('\n');
    text
}

/// The 案件文件填写说明: how to write a case file and every fact with its type, allowed words,
/// record fields, meaning, articles and an example, in Markdown. `docs/案件文件填写说明.md` is
/// this text for the shipped rules; a test compares the two.
pub fn guide_markdown(program: &Program, entries: &[FactEntry]) -> String {
    let mut out = String::from(GUIDE_HEAD);
    let unknown_in_closed: Vec<&str> = entries
        .iter()
        .filter(|e| e.ty == "枚举" || e.ty == "日期")
        .map(|e| e.name.as_str())
        .collect();
    out.push_str(&format!(
        "以下事实在封闭世界中也不推定，须明确填写，否则依赖它们的结论仍为“待定”：{}。\n",
        unknown_in_closed.join("、")
    ));
    if program.fact_index.contains_key("被帮助对象犯罪后果") {
        out.push_str(
            "\n特别提示：要得出“情节严重”为“否”，须填写 `\"被帮助对象犯罪后果\" = \"无\"`（或“严重”），\
否则即使其他数额都未达标准，“情节严重”也只能是“待定”——后果是否特别严重本身就是一项情节严重的标准。\n",
        );
    }
    out.push_str("\n## 三、事实一览（按条文分组）\n\n| 事实 | 类型 | 含义 |\n|---|---|---|\n");
    let groups = grouped(entries);
    for (group, members) in &groups {
        out.push_str(&format!("| **{}** | | |\n", group_title(group.as_deref())));
        for e in members {
            out.push_str(&format!(
                "| [{}](#{}) | {} | {} |\n",
                e.name,
                e.name,
                e.ty,
                e.meaning.replace('|', "\\|")
            ));
        }
    }
    out.push_str("\n## 四、逐项说明\n");
    for (group, members) in &groups {
        out.push_str(&format!("\n### {}\n", group_title(group.as_deref())));
        for e in members {
            out.push_str(&format!("\n#### {}\n\n", e.name));
            out.push_str(&format!("- 类型：{}\n", e.ty));
            if !e.words.is_empty() {
                out.push_str(&format!("- 可填的词：{}\n", e.words.join("、")));
            }
            if !e.fields.is_empty() {
                out.push_str("- 每条记录的字段：\n");
                for f in &e.fields {
                    out.push_str(&format!("  - {}：{}", f.name, f.ty));
                    if !f.words.is_empty() {
                        out.push_str(&format!("，可填：{}", f.words.join("、")));
                    }
                    out.push('\n');
                }
            }
            if !e.meaning.is_empty() {
                out.push_str(&format!("- 含义：{}\n", e.meaning));
            }
            if e.articles.is_empty() {
                out.push_str("- 条文：（无规则直接引用；供其他结论或报告使用）\n");
            } else {
                out.push_str(&format!("- 条文：{}\n", e.articles.join("；")));
            }
            out.push_str(&format!(
                "- 示例（TOML）：`\"{}\" = {}`\n- 示例（JSON）：`\"{}\": {}`\n",
                e.name, e.example_toml, e.name, e.example_json
            ));
        }
    }
    out
}

const GUIDE_HEAD: &str = "# 案件文件填写说明

> 本文件由 `ruling facts --format markdown` 根据随程序发布的规则集生成，请勿手工修改。
> 规则中的事实有变化时，运行 `ruling facts --format markdown > docs/案件文件填写说明.md` 重新生成；
> 测试会比对本文件与生成结果，二者不一致即失败。使用修改过的规则时，请以
> `ruling --rules 规则目录 facts` 的输出为准。

## 一、案件文件的格式

案件文件是一个 TOML 文件（扩展名 `.toml`）或 JSON 文件（扩展名 `.json`），每个键是一项事实的名称，
值是本案查明的情况。最简便的做法是先生成模板再填写：

```
ruling template > 案件.toml
ruling eval 案件.toml
```

模板中每项事实都已写好并以 `#` 注释掉，删去行首的 `# `、改写示例值即可。文件须用 UTF-8 编码保存
（Windows 记事本“另存为”时选择“UTF-8”，并确认文件名不是 `案件.toml.txt`）。TOML 中的中文键名须加
英文双引号：`\"电话卡数\" = 25`；引号、等号请用半角（英文）符号。

除事实外，还可写四个键：

| 键 | 类型 | 含义 |
|---|---|---|
| `案件` | 文本 | 案件编号或名称，原样写入每一份报告 |
| `说明` | 文本 | 供阅读的案情摘要，不参与评估 |
| `预期` | 表 | 预期结论，供 `ruling test` 核对（`eval` 不读） |
| `封闭世界` | 布尔 | 为 `true` 时按封闭世界评估（见下文） |

## 二、各类值的写法

| 类型 | TOML 写法 | JSON 写法 |
|---|---|---|
| 布尔 | `true`（是）或 `false`（否） | `true` / `false` |
| 整数 | `25` | `25` |
| 金额（元，精确到分） | `300000`、`\"300000.00\"`、`\"30万元\"`、`\"30万\"` | 同左 |
| 日期 | `2025-09-01`（不加引号） | `\"2025-09-01\"` |
| 枚举 | 所列词语之一，加引号：`\"已查证达到\"` | 同左 |
| 集合<枚举> | 所列词语组成的数组：`[\"批量账号\", \"批量接码平台\"]` | 同左 |
| 列表<记录> | 数组，每条记录一个表：`[{ \"类型\" = \"银行账户\", … }]`，或用 `[[\"账户\"]]` 逐条书写 | 对象数组 |

JSON 中的 `null` 表示“明确未知”，与不写该键相同。

未填写的事实视为**未知**，而不是“否”。已知事实足以得出结论时，结论为“是”或“否”；不足时为“待定”，
报告列出尚需查明、且可能改变结论的事实。命令行加 `--closed-world`（或案件文件写
`\"封闭世界\" = true`）时，未填写的布尔事实视为否，整数和金额视为零，集合和列表视为空。
";

#[cfg(test)]
mod tests {
    use super::group_key;

    #[test]
    fn articles_sort_by_number_not_by_text() {
        assert!(group_key("法发〔2025〕12号第9条") < group_key("法发〔2025〕12号第10条"));
        assert!(group_key("法发〔2025〕12号第14条") < group_key("刑法第17条"));
        assert!(group_key("刑法第17条") < group_key("刑法第287条之2"));
    }
}
