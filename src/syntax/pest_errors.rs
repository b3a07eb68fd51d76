//! pest's own parse errors, turned into located Chinese diagnostics with readable names for
//! the grammar's rules.

use super::parser::Rule;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};

/// What a grammar rule is called for the person reading the message.
fn friendly(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI
        | Rule::article_decl
        | Rule::record_decl
        | Rule::fact_decl
        | Rule::param_decl
        | Rule::conclusion_decl
        | Rule::rule_decl
        | Rule::example_decl => "新的声明（事实、参数、结论、规则、条文、记录、示例）",
        Rule::name | Rule::enum_word => "名称",
        Rule::citation | Rule::full_citation => "引文，如 法发〔2025〕12号第6条第(1)项",
        Rule::text => "引号中的文字，如 “……”",
        Rule::type_expr
        | Rule::simple_type
        | Rule::enum_type
        | Rule::set_type
        | Rule::list_type => {
            "类型，如 布尔、整数、金额、日期、期间、文本、枚举{…}、集合<…>、列表<…>"
        }
        Rule::field_decl => "字段，如 流入资金：金额",
        Rule::expr | Rule::comparison | Rule::arith | Rule::paren | Rule::not_op | Rule::neg_op => {
            "条件或数值"
        }
        Rule::within_part
        | Rule::reach_tail
        | Rule::over_tail
        | Rule::under_tail
        | Rule::symbol_tail
        | Rule::is_tail
        | Rule::is_not_tail
        | Rule::in_tail
        | Rule::not_in_tail
        | Rule::contains_tail
        | Rule::not_contains_tail
        | Rule::nonempty_tail
        | Rule::empty_tail => "比较，如 达 … 以上、以下、超过、不满、是、属于",
        Rule::reach_word => "“以上”“以下”或“以内”",
        Rule::or_op | Rule::and_op => "“且”或“或”",
        Rule::add_op | Rule::sub_op | Rule::mul_op | Rule::div_op => "运算符 + - * /",
        Rule::number => "数值，如 3个、30万元、2年",
        Rule::date => "日期，如 2025-07-22",
        Rule::aggregate | Rule::aggregate_op => "计数、合计、存在或全部",
        Rule::where_clause => "“其中”及条件",
        Rule::field_path => "“.字段名”",
        Rule::age => "周岁(出生日期, 日期)",
        Rule::term => "数值或名称",
        Rule::cite_clause => "“依据 引文”",
        Rule::text_clause => "“条文 “……””",
        Rule::when_clause => "“若 条件”",
        Rule::unless_clause => "“除非 条件”",
        Rule::then_clause => "“则 结论”",
        Rule::over_clause => "“优先于 规则名”",
        Rule::effect | Rule::effect_add | Rule::effect_set => {
            "结论名称，可带“为 词”或“加入 “文字””"
        }
        Rule::param_short | Rule::param_long => "“= 值 依据 引文”或“依据 引文 值 …”",
        Rule::param_cite => "“依据 引文”",
        Rule::param_version => "“值 …”",
        Rule::param_value => "参数值，如 30万元、3个、2年",
        Rule::validity => "有效期，如 自 2025-07-22 至 2026-12-31",
        Rule::favour | Rule::favour_high | Rule::favour_low => "“较高者有利”或“较低者有利”",
        Rule::facts_clause => "“案情 名称 = 取值，…”",
        Rule::expect_clause => "“预期 结论 = 取值，…”",
        Rule::closed_world => "“封闭世界”",
        Rule::binding => "“名称 = 取值”",
        Rule::value | Rule::set_lit | Rule::list_lit | Rule::record_lit => "取值",
        Rule::true_lit | Rule::false_lit | Rule::unknown_lit => "真、假或待定",
        Rule::pending_mark => "（待定）",
        _ => return None,
    })
}

/// Converts a pest error into one diagnostic at the place parsing stopped.
pub(super) fn convert(err: &Error<Rule>, file: FileId, text: &str) -> Diagnostic {
    let at = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let found = found_word(text, at);
    let span = Span::new(file, at, at + found.len().max(usize::from(at < text.len())));
    if let ErrorVariant::CustomError { message } = &err.variant {
        // pest stops by itself before its recursion exhausts the stack or its call budget.
        let (code, what) = if message.contains("stack") {
            (Code::TooDeep, "嵌套过深（括号、引号或 集合<…> 层层相套）")
        } else {
            (Code::TooLarge, "规则文件过于复杂，解析步数超出上限")
        };
        return Diagnostic::error(code, span, format!("{what}，无法继续解析"))
            .with_label("从这里开始过深")
            .with_help(
                "请把规则拆短：每条规则的括号、引号不超过几层，长条件拆成几条规则或中间结论",
            );
    }
    let mut expected: Vec<&str> = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().filter_map(|r| friendly(*r)).collect()
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected.dedup();
    let mut seen = Vec::new();
    expected.retain(|e| {
        let fresh = !seen.contains(e);
        seen.push(*e);
        fresh
    });
    let what = if found.is_empty() {
        "文件在此意外结束".to_string()
    } else {
        format!("无法理解“{found}”")
    };
    let message = if expected.is_empty() {
        what
    } else {
        format!("{what}，此处应为：{}", expected.join("；"))
    };
    let label = if unclosed_quote(text, at).is_some() {
        "左引号从这里开始，没有对应的右引号"
    } else {
        "此处"
    };
    let mut diag = Diagnostic::error(Code::Syntax, span, message).with_label(label);
    diag.help = Some(help_for(&found, text, at, &expected));
    diag
}

/// The word (or character) at which parsing stopped.
fn found_word(text: &str, at: usize) -> String {
    let rest = text.get(at..).unwrap_or("");
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .take(12)
        .collect();
    if word.is_empty() {
        rest.chars().next().map(String::from).unwrap_or_default()
    } else {
        word
    }
}

/// The declaration keywords: a word that begins with one is not split at a keyword inside it.
const DECLARATIONS: [&str; 8] = [
    "规则", "事实", "参数", "条文", "结论", "记录", "示例", "枚举",
];

/// When parsing stopped at an opening quote that no closing quote matches (nesting counted
/// as the grammar counts it), the closing quote it needs.
fn unclosed_quote(text: &str, at: usize) -> Option<char> {
    let rest = text.get(at..)?;
    let mut chars = rest.chars();
    let (open, close) = match chars.next()? {
        '“' => ('“', '”'),
        '「' => ('「', '」'),
        '"' => return (!chars.as_str().contains('"')).then_some('"'),
        _ => return None,
    };
    let mut depth = 1usize;
    for c in chars {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return None;
            }
        }
    }
    Some(close)
}

/// A hint tailored to the most common slips of people typing rules by hand.
fn help_for(found: &str, text: &str, at: usize, expected: &[&str]) -> String {
    const GLUED: [&str; 9] = [
        "且", "或", "以上", "以下", "以内", "超过", "不满", "属于", "则",
    ];
    let before = text.get(..at).unwrap_or("");
    let previous = before.split_whitespace().last().unwrap_or("");
    if matches!(found, "：" | ":") && DECLARATIONS.contains(&previous) {
        return format!("“{previous}”后面直接写名称，不加冒号，例如“{previous} 名称”");
    }
    for word in [found, previous] {
        // A declaration keyword such as 规则 contains 则 but is one word: never split it.
        if DECLARATIONS.iter().any(|d| word.starts_with(d)) {
            continue;
        }
        if let Some(k) = GLUED.iter().find(|k| word.contains(**k) && word != **k) {
            return format!(
                "关键词“{k}”须与前后的名称或数值用空格隔开，例如“{}”",
                word.replace(k, &format!(" {k} ")).trim()
            );
        }
    }
    if let Some(close) = unclosed_quote(text, at) {
        let line = before.matches('\n').count() + 1;
        return format!(
            "第 {line} 行这里的左引号{found}没有对应的右引号{close}，其后的文字一直读到了文件末尾；请在这段文字的末尾补上{close}"
        );
    }
    if found.is_empty() {
        return "文件不完整：请补全最后一条声明".to_string();
    }
    if expected.iter().any(|e| e.starts_with("“则")) && found.chars().all(|c| c.is_alphanumeric())
    {
        return format!("如果“{found}”是规则的结论，请在前面加“则”，例如：则 {found}");
    }
    "请对照相邻的规则检查这一行的写法；关键词与名称之间须有空格".to_string()
}
