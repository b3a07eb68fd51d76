//! The one lowering from pest pairs to the owned AST.
//!
//! Takes the text of one rule file and gives a [`Module`] and the diagnostics found while
//! reading it (syntax errors, bad units, impossible dates, numbers too large). It keeps going
//! after a problem in a literal so that one run reports every mistake of the file.

use super::ast::*;
use super::literal::{self, Unit};
use super::parser::{Rule, RuleParser};
use super::pest_errors;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use chrono::NaiveDate;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser;
use rust_decimal::Decimal;
use std::sync::OnceLock;

/// The deepest nesting of brackets a rule file may have. Deeper text is refused before parsing
/// so that the recursive-descent parser never runs out of stack. The grammar never parses the
/// same bracket twice (alternatives that share a prefix are merged into one rule), so parsing
/// time stays linear in the text and needs no call limit.
pub const MAX_NESTING: usize = 64;

/// The deepest a condition or calculation may be as a tree: each 且, 或, 非 and arithmetic
/// operator adds a level. The checker and the interpreter walk the tree recursively (the
/// interpreter on threads with the default 2 MiB stack), so a longer chain (`甲 且 乙 且 …` a
/// hundred thousand times, `非 非 非 …`) is refused here.
pub const MAX_EXPR_DEPTH: usize = 64;

/// Files nested deeper than this are lowered on a thread of their own with [`DEEP_STACK`]:
/// each level of brackets costs the lowering tens of KiB of stack in a debug build, more than
/// a 2 MiB test or worker thread has for [`MAX_NESTING`] levels.
const SHALLOW: usize = 8;
/// The stack of the thread that lowers deeply nested files.
const DEEP_STACK: usize = 64 * 1024 * 1024;

/// Parses and lowers one file. On a syntax error the module is empty and the error is reported.
pub fn parse_file(file: FileId, text: &str) -> (Module, Vec<Diagnostic>) {
    let depth = match check_nesting(file, text) {
        Ok(depth) => depth,
        Err(diag) => return (Module::default(), vec![diag]),
    };
    if depth <= SHALLOW {
        return parse_checked(file, text);
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .stack_size(DEEP_STACK)
            .spawn_scoped(scope, || parse_checked(file, text));
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                let internal = Diagnostic::error(
                    Code::Internal,
                    Span::new(file, 0, 0),
                    "内部错误：解析规则文件时出错",
                );
                (Module::default(), vec![internal])
            }),
            // No thread to be had: parse here, where pest still stops before the stack ends.
            Err(_) => parse_checked(file, text),
        }
    })
}

/// Parses and lowers a file whose nesting is within the limit.
fn parse_checked(file: FileId, text: &str) -> (Module, Vec<Diagnostic>) {
    let pairs = match RuleParser::parse(Rule::file, text) {
        Ok(p) => p,
        Err(e) => {
            return (
                Module::default(),
                vec![pest_errors::convert(&e, file, text)],
            )
        }
    };
    let mut lower = Lower {
        file,
        diags: Vec::new(),
    };
    let module = lower.file(pairs);
    (module, lower.diags)
}

/// The deepest nesting of brackets (and of `集合<…>` types) in the text, or the diagnostic when
/// it passes [`MAX_NESTING`]; nested quotes have the same limit.
///
/// The scan follows the grammar's lexical states exactly, so that no bracket in a comment or a
/// text can hide real nesting from it: outside a text, `#`, `＃` and `//` always begin a
/// comment (no token may contain them) and `“`, `"` and `「` always begin a text.
fn check_nesting(file: FileId, text: &str) -> Result<usize, Diagnostic> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Code,
        Comment,
        /// In “…” text, nested this deep.
        Quoted(usize),
        Ascii,
        Corner,
    }
    let too_deep = |at: usize, c: char, what: &str| {
        Diagnostic::error(
            Code::TooDeep,
            Span::new(file, at, at + c.len_utf8()),
            format!("{what}嵌套超过 {MAX_NESTING} 层"),
        )
        .with_label("从这里开始过深")
        .with_help(if what == "引号" {
            "引号中的引号只用于引述，请检查是否漏写了右引号 ”"
        } else {
            "请把条件拆成几条规则或中间结论，每条规则的括号不超过几层"
        })
    };
    let mut state = State::Code;
    let (mut depth, mut deepest, mut angles) = (0usize, 0usize, 0usize);
    // The last word outside texts and comments, to tell `集合<` (a type) from `<` (less than);
    // `word_done` once whitespace or a comment followed it.
    let mut word = String::new();
    let mut word_done = false;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match state {
            State::Comment => {
                if c == '\n' {
                    state = State::Code;
                }
                continue;
            }
            State::Ascii => {
                if c == '"' {
                    state = State::Code;
                }
                continue;
            }
            State::Corner => {
                if c == '」' {
                    state = State::Code;
                }
                continue;
            }
            State::Quoted(n) => {
                state = match c {
                    '“' if n >= MAX_NESTING => return Err(too_deep(at, c, "引号")),
                    '“' => State::Quoted(n + 1),
                    '”' if n == 1 => State::Code,
                    '”' => State::Quoted(n - 1),
                    _ => state,
                };
                continue;
            }
            State::Code => {}
        }
        if c.is_alphanumeric() || c == '_' {
            if word_done {
                word.clear();
                word_done = false;
            }
            if word.len() < 8 {
                word.push(c);
            }
            continue;
        }
        let set_type = word == "集合";
        match c {
            ' ' | '\t' | '\r' | '\n' | '\u{3000}' | '\u{FEFF}' => {
                word_done = true;
                continue;
            }
            '#' | '＃' => {
                state = State::Comment;
                word_done = true;
                continue;
            }
            '/' if chars.peek().is_some_and(|(_, next)| *next == '/') => {
                state = State::Comment;
                word_done = true;
                continue;
            }
            '“' => state = State::Quoted(1),
            '"' => state = State::Ascii,
            '「' => state = State::Corner,
            '(' | '（' | '{' | '｛' | '[' | '【' => depth += 1,
            ')' | '）' | '}' | '｝' | ']' | '】' => depth = depth.saturating_sub(1),
            '<' | '《' | '〈' if set_type => {
                angles += 1;
                depth += 1;
            }
            '>' | '》' | '〉' if angles > 0 => {
                angles -= 1;
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        word.clear();
        word_done = false;
        if depth > deepest {
            deepest = depth;
            if depth > MAX_NESTING {
                return Err(too_deep(at, c, "括号"));
            }
        }
    }
    Ok(deepest)
}

struct Lower {
    file: FileId,
    diags: Vec<Diagnostic>,
}

fn logic_pratt() -> &'static PrattParser<Rule> {
    static P: OnceLock<PrattParser<Rule>> = OnceLock::new();
    P.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::or_op, Assoc::Left))
            .op(Op::infix(Rule::and_op, Assoc::Left))
            .op(Op::prefix(Rule::not_op))
    })
}

fn arith_pratt() -> &'static PrattParser<Rule> {
    static P: OnceLock<PrattParser<Rule>> = OnceLock::new();
    P.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::add_op, Assoc::Left) | Op::infix(Rule::sub_op, Assoc::Left))
            .op(Op::infix(Rule::mul_op, Assoc::Left) | Op::infix(Rule::div_op, Assoc::Left))
            .op(Op::prefix(Rule::neg_op))
    })
}

impl Lower {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    /// The grammar guarantees the child exists; if it does not, that is our bug, reported as
    /// an internal error at the parent rather than a panic.
    fn expect<'i>(&mut self, next: Option<Pair<'i, Rule>>, parent: Span) -> Option<Pair<'i, Rule>> {
        if next.is_none() {
            self.diags.push(Diagnostic::error(
                Code::Internal,
                parent,
                "内部错误：语法树缺少预期的部分",
            ));
        }
        next
    }

    fn file(&mut self, mut pairs: Pairs<'_, Rule>) -> Module {
        let mut module = Module::default();
        let Some(file) = pairs.next() else {
            return module;
        };
        for pair in file.into_inner() {
            let item = match pair.as_rule() {
                Rule::article_decl => self.article(pair).map(Item::Article),
                Rule::record_decl => self.record(pair).map(Item::Record),
                Rule::fact_decl => self.fact(pair).map(Item::Fact),
                Rule::param_decl => self.param(pair).map(Item::Param),
                Rule::conclusion_decl => self.conclusion(pair).map(Item::Conclusion),
                Rule::rule_decl => self.rule(pair).map(Item::Rule),
                Rule::example_decl => self.example(pair).map(Item::Example),
                _ => None,
            };
            module.items.extend(item);
        }
        module
    }

    fn name(&mut self, pair: &Pair<'_, Rule>) -> Name {
        let name = Name {
            text: pair.as_str().to_string(),
            span: self.span(pair),
        };
        if KEYWORDS.contains(&name.text.as_str()) {
            self.diags.push(
                Diagnostic::error(
                    Code::Syntax,
                    name.span,
                    format!("“{}”是关键词，不能用作名称", name.text),
                )
                .with_label("此处应为名称")
                .with_help("请检查这一行是否漏写了名称，或给名称换一个说法"),
            );
        }
        name
    }

    fn text(&self, pair: Pair<'_, Rule>) -> Text {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
        Text {
            text: inner.to_string(),
            span,
        }
    }

    fn citation(&mut self, pair: Pair<'_, Rule>) -> Citation {
        let span = self.span(&pair);
        let mut path = CitationPath {
            doc: String::new(),
            article: None,
            paragraph: None,
            item: None,
        };
        for part in pair.into_inner() {
            let s = part.as_str();
            match part.as_rule() {
                Rule::cite_doc => path.doc = s.to_string(),
                Rule::cite_article => {
                    let body = s.trim_start_matches('第');
                    let (main, sub) = match body.split_once("条之") {
                        Some((m, sub)) => (m, Some(sub)),
                        None => (body.trim_end_matches('条'), None),
                    };
                    let main = self.small_number(main, span);
                    let sub = sub.map(|x| self.small_number(x, span));
                    path.article = Some((main, sub));
                }
                Rule::cite_para => {
                    path.paragraph = Some(
                        self.small_number(s.trim_start_matches('第').trim_end_matches('款'), span),
                    );
                }
                Rule::cite_item => {
                    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
                    path.item = Some(self.small_number(&digits, span));
                }
                _ => {}
            }
        }
        // 第1款 is the first paragraph, which the canonical form leaves out (docs/规则语言.md, 引文).
        if path.paragraph == Some(1) {
            path.paragraph = None;
        }
        Citation { path, span }
    }

    fn small_number(&mut self, digits: &str, span: Span) -> u32 {
        match digits.parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                self.diags.push(
                    Diagnostic::error(Code::BadNumber, span, format!("引文中的序号“{digits}”过大"))
                        .with_help("条、款、项的序号应是不大的正整数"),
                );
                0
            }
        }
    }

    fn article(&mut self, pair: Pair<'_, Rule>) -> Option<ArticleDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let cite = self.expect(inner.next(), span)?;
        let cite = self.citation(cite);
        let text = self.expect(inner.next(), span)?;
        Some(ArticleDecl {
            cite,
            text: self.text(text),
            span,
        })
    }

    fn record(&mut self, pair: Pair<'_, Rule>) -> Option<RecordDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.expect(inner.next(), span)?;
        let name = self.name(&name);
        let mut fields = Vec::new();
        for field in inner {
            let fspan = self.span(&field);
            let mut parts = field.into_inner();
            let fname = self.expect(parts.next(), fspan)?;
            let fname = self.name(&fname);
            let ty = self.expect(parts.next(), fspan)?;
            let ty = self.type_expr(ty)?;
            fields.push(FieldDecl { name: fname, ty });
        }
        Some(RecordDecl { name, fields, span })
    }

    fn fact(&mut self, pair: Pair<'_, Rule>) -> Option<FactDecl> {
        let (name, ty, doc, span) = self.typed_decl(pair)?;
        Some(FactDecl {
            name,
            ty,
            doc,
            span,
        })
    }

    fn conclusion(&mut self, pair: Pair<'_, Rule>) -> Option<ConclusionDecl> {
        let (name, ty, doc, span) = self.typed_decl(pair)?;
        Some(ConclusionDecl {
            name,
            ty,
            doc,
            span,
        })
    }

    fn typed_decl(&mut self, pair: Pair<'_, Rule>) -> Option<(Name, TypeExpr, Option<Text>, Span)> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.expect(inner.next(), span)?;
        let name = self.name(&name);
        let ty = self.expect(inner.next(), span)?;
        let ty = self.type_expr(ty)?;
        let doc = inner.next().map(|t| self.text(t));
        Some((name, ty, doc, span))
    }

    fn type_expr(&mut self, pair: Pair<'_, Rule>) -> Option<TypeExpr> {
        let span = self.span(&pair);
        let inner = self.expect(pair.into_inner().next(), span)?;
        let kind = match inner.as_rule() {
            Rule::simple_type => match inner.as_str() {
                "布尔" => TypeKind::Bool,
                "整数" => TypeKind::Int,
                "金额" => TypeKind::Amount,
                "日期" => TypeKind::Date,
                "期间" => TypeKind::Period,
                "文本" => TypeKind::Text,
                "三值" => TypeKind::Tri,
                "情态" => TypeKind::Modality,
                _ => TypeKind::Citation,
            },
            Rule::enum_type => {
                let words = inner
                    .into_inner()
                    .filter_map(|w| {
                        let mut parts = w.into_inner();
                        let name = parts.next()?;
                        Some(EnumWord {
                            name: self.name(&name),
                            pending: parts.next().is_some(),
                        })
                    })
                    .collect();
                TypeKind::Enum(words)
            }
            Rule::set_type => {
                let elem = self.expect(inner.into_inner().next(), span)?;
                TypeKind::Set(Box::new(self.type_expr(elem)?))
            }
            Rule::list_type => {
                let rec = self.expect(inner.into_inner().next(), span)?;
                TypeKind::List(self.name(&rec))
            }
            _ => return None,
        };
        Some(TypeExpr { kind, span })
    }

    fn param(&mut self, pair: Pair<'_, Rule>) -> Option<ParamDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.expect(inner.next(), span)?;
        let name = self.name(&name);
        let body = self.expect(inner.next(), span)?;
        let short = body.as_rule() == Rule::param_short;
        let mut cite = None;
        let mut favour = None;
        let mut versions = Vec::new();
        let mut pending_value = None;
        for part in body.into_inner() {
            match part.as_rule() {
                Rule::param_value => pending_value = self.param_value(part),
                Rule::param_cite => {
                    let c = self.expect(part.into_inner().next(), span)?;
                    cite = Some(self.citation(c));
                }
                Rule::favour => {
                    favour = part.into_inner().next().map(|f| match f.as_rule() {
                        Rule::favour_high => Favour::Higher,
                        _ => Favour::Lower,
                    })
                }
                Rule::validity => {
                    let (from, until) = self.validity(part);
                    if let Some(value) = pending_value.take() {
                        versions.push(ParamVersion { value, from, until });
                    }
                }
                Rule::param_version => {
                    let mut parts = part.into_inner();
                    let value = self.expect(parts.next(), span)?;
                    let Some(value) = self.param_value(value) else {
                        continue;
                    };
                    let (from, until) = match parts.next() {
                        Some(v) => self.validity(v),
                        None => (None, None),
                    };
                    versions.push(ParamVersion { value, from, until });
                }
                _ => {}
            }
        }
        if let Some(value) = pending_value {
            versions.push(ParamVersion {
                value,
                from: None,
                until: None,
            });
        }
        let cite = cite?;
        Some(ParamDecl {
            name,
            cite,
            favour,
            versions,
            short,
            span,
        })
    }

    fn param_value(&mut self, pair: Pair<'_, Rule>) -> Option<Literal> {
        let span = self.span(&pair);
        let inner = self.expect(pair.into_inner().next(), span)?;
        self.literal(inner)
    }

    fn validity(&mut self, pair: Pair<'_, Rule>) -> (Option<DateLit>, Option<DateLit>) {
        let text = pair.as_str().to_string();
        let dates: Vec<_> = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::date)
            .collect();
        let mut from = None;
        let mut until = None;
        let starts_with_from = text.trim_start().starts_with('自');
        for (i, d) in dates.into_iter().enumerate() {
            let span = self.span(&d);
            let Some(date) = self.date(d.as_str(), span) else {
                continue;
            };
            let lit = DateLit { date, span };
            if i == 0 && starts_with_from {
                from = Some(lit);
            } else {
                until = Some(lit);
            }
        }
        (from, until)
    }

    fn date(&mut self, s: &str, span: Span) -> Option<NaiveDate> {
        let parsed = literal::date(s).ok();
        if parsed.is_none() {
            self.diags.push(
                Diagnostic::error(Code::BadDate, span, format!("日期“{s}”不存在"))
                    .with_help("日期写作 年-月-日，如 2025-07-22，且须是日历上的真实日期"),
            );
        }
        parsed
    }

    fn literal(&mut self, pair: Pair<'_, Rule>) -> Option<Literal> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::number => self.number(pair.as_str(), span)?,
            Rule::date => LitKind::Date(self.date(pair.as_str(), span)?),
            Rule::text => LitKind::Text(self.text(pair).text),
            Rule::true_lit => LitKind::Bool(true),
            Rule::false_lit => LitKind::Bool(false),
            Rule::unknown_lit => LitKind::Unknown,
            _ => return None,
        };
        Some(Literal { kind, span })
    }

    /// A number and its unit: `30万元`, `三十万元`, `3个`, `二十张`, `2年`, `5倍`, read by the
    /// one literal reader that case files use.
    fn number(&mut self, s: &str, span: Span) -> Option<LitKind> {
        // `50 万元`: the space before the unit is only layout.
        let compact: String;
        let s = if s.contains(' ') {
            compact = s.replace(' ', "");
            compact.as_str()
        } else {
            s
        };
        let (value, unit) = match literal::quantity(s) {
            Ok(q) => q,
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(Code::BadNumber, span, e.message(s)).with_help(e.help()),
                );
                return None;
            }
        };
        let whole = |this: &mut Lower| -> Option<i64> {
            if value.fract() != Decimal::ZERO {
                this.diags.push(
                    Diagnostic::error(Code::BadNumber, span, format!("“{s}”应是整数"))
                        .with_help("个数、张数、期间和年龄只能是整数"),
                );
                return None;
            }
            let n = i64::try_from(value).ok();
            if n.is_none() {
                this.diags.push(
                    Diagnostic::error(Code::BadNumber, span, format!("“{s}”过大"))
                        .with_help("请检查数值是否多打了数字"),
                );
            }
            n
        };
        let period = |this: &mut Lower, f: fn(u32) -> Period| -> Option<LitKind> {
            let n = whole(this)?;
            match u32::try_from(n) {
                Ok(n) if n <= 1000 => Some(LitKind::Period(f(n))),
                _ => {
                    this.diags.push(
                        Diagnostic::error(Code::BadNumber, span, format!("期间“{s}”过长"))
                            .with_help("期间不应超过一千年"),
                    );
                    None
                }
            }
        };
        Some(match unit {
            Unit::Bare => LitKind::Number(value),
            Unit::Yuan => match literal::to_fen(value) {
                Ok(v) => LitKind::Amount(v),
                Err(e) => {
                    self.diags.push(
                        Diagnostic::error(Code::BadNumber, span, e.message(s)).with_help(e.help()),
                    );
                    return None;
                }
            },
            Unit::Count => LitKind::Int(whole(self)?),
            Unit::Times => LitKind::Times(value),
            Unit::Years => period(self, |n| Period {
                years: n,
                ..Period::default()
            })?,
            Unit::Months => period(self, |n| Period {
                months: n,
                ..Period::default()
            })?,
            Unit::Days => period(self, |n| Period {
                days: n,
                ..Period::default()
            })?,
            Unit::Other(other) => {
                let (first, _) = split_known_unit(other);
                let help = match first {
                    // 万 and 亿 belong to amounts only: 30万张 means 30万元 or 300000张.
                    Some(u @ ("万" | "亿")) => format!(
                        "“{u}”只用于金额：金额写作 30{u}元；{}数请写成阿拉伯数字，如 300000{}",
                        &other[u.len()..],
                        &other[u.len()..]
                    ),
                    Some(u) => format!(
                        "“{u}”后面紧跟着“{}”；单位后如接关键词或名称，请用空格隔开",
                        &other[u.len()..]
                    ),
                    None => "金额用 元、万元、亿元；数量用 个、张、人、次；期间用 年、个月、日；倍数用 倍".to_string(),
                };
                self.diags.push(
                    Diagnostic::error(Code::BadUnit, span, format!("无法识别的单位“{other}”"))
                        .with_label("单位")
                        .with_help(help),
                );
                return None;
            }
        })
    }

    fn rule(&mut self, pair: Pair<'_, Rule>) -> Option<RuleDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.expect(inner.next(), span)?;
        let mut rule = RuleDecl {
            name: self.name(&name),
            cite: None,
            text: None,
            when: None,
            unless: Vec::new(),
            effects: Vec::new(),
            overrides: Vec::new(),
            repeated: Vec::new(),
            span,
        };
        for clause in inner {
            let cspan = self.span(&clause);
            let rule_kind = clause.as_rule();
            let body = clause.into_inner();
            match rule_kind {
                Rule::cite_clause => {
                    if rule.cite.is_some() {
                        rule.repeated.push(("依据", cspan));
                    }
                    let c = self.expect(body.into_iter().next(), cspan)?;
                    rule.cite = Some(self.citation(c));
                }
                Rule::text_clause => {
                    if rule.text.is_some() {
                        rule.repeated.push(("条文", cspan));
                    }
                    let t = self.expect(body.into_iter().next(), cspan)?;
                    rule.text = Some(self.text(t));
                }
                Rule::when_clause => {
                    if rule.when.is_some() {
                        rule.repeated.push(("若", cspan));
                    }
                    let e = self.expect(body.into_iter().next(), cspan)?;
                    rule.when = Some(self.expr(e)?);
                }
                Rule::unless_clause => {
                    let e = self.expect(body.into_iter().next(), cspan)?;
                    rule.unless.push(self.expr(e)?);
                }
                Rule::then_clause => {
                    for effect in body {
                        rule.effects.push(self.effect(effect)?);
                    }
                }
                Rule::over_clause => {
                    rule.overrides.extend(body.map(|n| self.name(&n)));
                }
                _ => {}
            }
        }
        Some(rule)
    }

    fn effect(&mut self, pair: Pair<'_, Rule>) -> Option<Effect> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let target = self.expect(inner.next(), span)?;
        let target = self.name(&target);
        let kind = match inner.next() {
            None => EffectKind::Assert,
            Some(p) if p.as_rule() == Rule::effect_add => {
                let t = self.expect(p.into_inner().next(), span)?;
                EffectKind::AddText(self.text(t))
            }
            Some(p) => {
                let w = self.expect(p.into_inner().next(), span)?;
                EffectKind::SetWord(self.name(&w))
            }
        };
        Some(Effect { target, kind, span })
    }

    fn example(&mut self, pair: Pair<'_, Rule>) -> Option<ExampleDecl> {
        let span = self.span(&pair);
        let mut example = ExampleDecl {
            name: Name {
                text: String::new(),
                span,
            },
            closed_world: false,
            facts: Vec::new(),
            expect: Vec::new(),
            span,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::name => example.name = self.name(&part),
                Rule::text => {
                    let t = self.text(part);
                    example.name = Name {
                        text: t.text,
                        span: t.span,
                    };
                }
                Rule::closed_world => example.closed_world = true,
                Rule::facts_clause => {
                    for b in part.into_inner() {
                        example.facts.extend(self.binding(b));
                    }
                }
                Rule::expect_clause => {
                    for b in part.into_inner() {
                        example.expect.extend(self.binding(b));
                    }
                }
                _ => {}
            }
        }
        Some(example)
    }

    fn binding(&mut self, pair: Pair<'_, Rule>) -> Option<Binding> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.expect(inner.next(), span)?;
        let name = self.name(&name);
        let value = self.expect(inner.next(), span)?;
        Some(Binding {
            name,
            value: self.value(value)?,
        })
    }

    fn value(&mut self, pair: Pair<'_, Rule>) -> Option<ValueLit> {
        let span = self.span(&pair);
        let inner = if pair.as_rule() == Rule::value {
            self.expect(pair.into_inner().next(), span)?
        } else {
            pair
        };
        let span = self.span(&inner);
        Some(match inner.as_rule() {
            Rule::name => ValueLit::Word(self.name(&inner)),
            Rule::citation | Rule::full_citation => ValueLit::Citation(self.citation(inner)),
            Rule::set_lit => {
                let items = inner.into_inner().filter_map(|v| self.value(v)).collect();
                ValueLit::Set(items, span)
            }
            Rule::list_lit => {
                let mut records = Vec::new();
                for rec in inner.into_inner() {
                    let fields = rec.into_inner().filter_map(|b| self.binding(b)).collect();
                    records.push(fields);
                }
                ValueLit::List(records, span)
            }
            _ => ValueLit::Lit(self.literal(inner)?),
        })
    }

    // ------------------------------------------------------------ expressions

    fn arith_part(&mut self, pair: Option<Pair<'_, Rule>>, parent: Span) -> Option<Expr> {
        let pair = self.expect(pair, parent)?;
        self.arith(pair)
    }

    /// Refuses a chain of operators too long to build as a tree (a Pratt parser recurses once
    /// per prefix operator, and every later stage once per level).
    fn chain_too_long(&mut self, pair: &Pair<'_, Rule>, operators: &[Rule]) -> bool {
        let operators = pair
            .clone()
            .into_inner()
            .filter(|p| operators.contains(&p.as_rule()))
            .count();
        if operators > MAX_EXPR_DEPTH {
            self.too_deep(self.span(pair));
            return true;
        }
        false
    }

    fn too_deep(&mut self, span: Span) {
        self.diags.push(
            Diagnostic::error(
                Code::TooDeep,
                span,
                format!("条件或算式过长：超过 {MAX_EXPR_DEPTH} 层运算"),
            )
            .with_label("这个条件")
            .with_help("请把条件拆成几条规则或中间结论，每个条件只写几项"),
        );
    }

    /// The tree of a lowered condition, unless it is deeper than [`MAX_EXPR_DEPTH`]. The
    /// operands were checked before, so the walk itself stays shallow.
    fn bounded(&mut self, e: Option<Expr>) -> Option<Expr> {
        let e = e?;
        if depth(&e) > MAX_EXPR_DEPTH {
            self.too_deep(e.span);
            return None;
        }
        Some(e)
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        if self.chain_too_long(&pair, &[Rule::not_op, Rule::and_op, Rule::or_op]) {
            return None;
        }
        let mut failed = false;
        let file = self.file;
        let result = logic_pratt()
            .map_primary(|p| {
                let e = self.comparison(p);
                failed |= e.is_none();
                e
            })
            .map_prefix(|op, e| {
                let e = e?;
                let span = Span::new(file, op.as_span().start(), e.span.end());
                Some(Expr {
                    kind: ExprKind::Not(Box::new(e)),
                    span,
                })
            })
            .map_infix(|l, op, r| {
                let (l, r) = (l?, r?);
                let span = l.span.to(r.span);
                let kind = if op.as_rule() == Rule::or_op {
                    ExprKind::Or(Box::new(l), Box::new(r))
                } else {
                    ExprKind::And(Box::new(l), Box::new(r))
                };
                Some(Expr { kind, span })
            })
            .parse(pair.into_inner());
        if failed {
            None
        } else {
            self.bounded(result)
        }
    }

    fn comparison(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let left = self.expect(inner.next(), span)?;
        let left = self.arith(left)?;
        let Some(tail) = inner.next() else {
            return Some(left);
        };
        let tail_rule = tail.as_rule();
        let tail_text = tail.as_str().to_string();
        let mut parts: Vec<Pair<'_, Rule>> = tail.into_inner().collect();
        let boxed = |e: Expr| Box::new(e);
        let kind = match tail_rule {
            Rule::reach_tail => {
                let last = self.expect(parts.pop(), span)?;
                let right = self.arith_part(parts.pop(), span)?;
                if last.as_rule() == Rule::within_part {
                    let period = self.arith_part(last.into_inner().next(), span)?;
                    ExprKind::Within {
                        date: boxed(left),
                        end: boxed(right),
                        period: boxed(period),
                    }
                } else {
                    let op = if last.as_str() == "以上" {
                        CmpOp::Ge
                    } else {
                        CmpOp::Le
                    };
                    ExprKind::Compare(op, boxed(left), boxed(right))
                }
            }
            Rule::symbol_tail => {
                let right = self.arith_part(parts.pop(), span)?;
                let op_pair = self.expect(parts.pop(), span)?;
                let op = match op_pair.as_str() {
                    ">=" | "≥" => CmpOp::Ge,
                    "<=" | "≤" => CmpOp::Le,
                    ">" | "＞" => CmpOp::Gt,
                    "<" | "＜" => CmpOp::Lt,
                    "!=" | "≠" => CmpOp::Ne,
                    _ => CmpOp::Eq,
                };
                ExprKind::Compare(op, boxed(left), boxed(right))
            }
            Rule::nonempty_tail => ExprKind::NonEmpty(boxed(left), true),
            Rule::empty_tail => ExprKind::NonEmpty(boxed(left), false),
            _ => {
                let right = self.arith_part(parts.pop(), span)?;
                match tail_rule {
                    Rule::over_tail => ExprKind::Compare(CmpOp::Gt, boxed(left), boxed(right)),
                    Rule::under_tail => ExprKind::Compare(CmpOp::Lt, boxed(left), boxed(right)),
                    Rule::is_tail => ExprKind::Compare(CmpOp::Eq, boxed(left), boxed(right)),
                    Rule::is_not_tail => ExprKind::Compare(CmpOp::Ne, boxed(left), boxed(right)),
                    Rule::in_tail | Rule::not_in_tail => ExprKind::Member {
                        elem: boxed(left),
                        set: boxed(right),
                        negated: tail_rule == Rule::not_in_tail,
                    },
                    Rule::contains_tail | Rule::not_contains_tail => ExprKind::Member {
                        elem: boxed(right),
                        set: boxed(left),
                        negated: tail_rule == Rule::not_contains_tail,
                    },
                    _ => {
                        self.diags.push(Diagnostic::error(
                            Code::Internal,
                            span,
                            format!("内部错误：无法处理比较“{tail_text}”"),
                        ));
                        return None;
                    }
                }
            }
        };
        Some(Expr { kind, span })
    }

    fn arith(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        if self.chain_too_long(
            &pair,
            &[
                Rule::neg_op,
                Rule::add_op,
                Rule::sub_op,
                Rule::mul_op,
                Rule::div_op,
            ],
        ) {
            return None;
        }
        let mut failed = false;
        let file = self.file;
        let result = arith_pratt()
            .map_primary(|p| {
                let e = self.term(p);
                failed |= e.is_none();
                e
            })
            .map_prefix(|op, e| {
                let e = e?;
                let span = Span::new(file, op.as_span().start(), e.span.end());
                Some(Expr {
                    kind: ExprKind::Neg(Box::new(e)),
                    span,
                })
            })
            .map_infix(|l, op, r| {
                let (l, r) = (l?, r?);
                let span = l.span.to(r.span);
                let op = match op.as_rule() {
                    Rule::add_op => ArithOp::Add,
                    Rule::sub_op => ArithOp::Sub,
                    Rule::mul_op => ArithOp::Mul,
                    _ => ArithOp::Div,
                };
                Some(Expr {
                    kind: ExprKind::Arith(op, Box::new(l), Box::new(r)),
                    span,
                })
            })
            .parse(pair.into_inner());
        if failed {
            None
        } else {
            self.bounded(result)
        }
    }

    fn term(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::paren => {
                let e = self.expect(pair.into_inner().next(), span)?;
                let mut e = self.expr(e)?;
                e.span = span;
                return Some(e);
            }
            Rule::term => {
                let mut inner = pair.into_inner();
                let base = self.expect(inner.next(), span)?;
                let base = self.term(base)?;
                let Some(factor) = inner.next() else {
                    return Some(base);
                };
                let factor = self.term(factor)?;
                ExprKind::Arith(ArithOp::Mul, Box::new(base), Box::new(factor))
            }
            Rule::aggregate => {
                let mut inner = pair.into_inner();
                let op = self.expect(inner.next(), span)?;
                let op = match op.as_str() {
                    "计数" => AggregateOp::Count,
                    "合计" => AggregateOp::Sum,
                    "存在" => AggregateOp::Exists,
                    _ => AggregateOp::All,
                };
                let list = self.expect(inner.next(), span)?;
                let list = self.name(&list);
                let mut field = None;
                let mut filter = None;
                for part in inner {
                    match part.as_rule() {
                        Rule::field_path => {
                            let f = self.expect(part.into_inner().next(), span)?;
                            field = Some(self.name(&f));
                        }
                        Rule::where_clause => {
                            let e = self.expect(part.into_inner().next(), span)?;
                            filter = Some(Box::new(self.expr(e)?));
                        }
                        _ => {}
                    }
                }
                ExprKind::Aggregate {
                    op,
                    list,
                    field,
                    filter,
                }
            }
            Rule::age => {
                let mut inner = pair.into_inner();
                let birth = self.expect(inner.next(), span)?;
                let birth = self.arith(birth)?;
                let on = self.expect(inner.next(), span)?;
                let on = self.arith(on)?;
                ExprKind::Age(Box::new(birth), Box::new(on))
            }
            Rule::known | Rule::unknown => {
                let want = pair.as_rule() == Rule::known;
                let e = self.expect(pair.into_inner().next(), span)?;
                ExprKind::Known(Box::new(self.arith(e)?), want)
            }
            Rule::set_lit => {
                let mut items = Vec::new();
                for v in pair.into_inner() {
                    let vspan = self.span(&v);
                    let inner = self.expect(v.into_inner().next(), vspan)?;
                    items.push(self.term(inner)?);
                }
                ExprKind::Set(items)
            }
            Rule::name => ExprKind::Name(pair.as_str().to_string()),
            Rule::citation => ExprKind::Name(pair.as_str().to_string()),
            _ => ExprKind::Lit(self.literal(pair)?.kind),
        };
        Some(Expr { kind, span })
    }
}

/// The words of the language; none of them may be a name.
const KEYWORDS: [&str; 56] = [
    "事实",
    "参数",
    "结论",
    "规则",
    "条文",
    "记录",
    "示例",
    "依据",
    "若",
    "则",
    "除非",
    "优先于",
    "且",
    "或",
    "非",
    "是",
    "不是",
    "属于",
    "不属于",
    "包含",
    "不包含",
    "达",
    "在",
    "以上",
    "以下",
    "以内",
    "超过",
    "不满",
    "等于",
    "不等于",
    "其中",
    "计数",
    "合计",
    "存在",
    "全部",
    "周岁",
    "前",
    "的",
    "倍",
    "真",
    "假",
    "待定",
    "加入",
    "为",
    "值",
    "自",
    "至",
    "案情",
    "预期",
    "非空",
    "为空",
    "已知",
    "未知",
    "较高者有利",
    "较低者有利",
    "封闭世界",
];

/// How many levels a condition's tree has. Called only on trees whose parts were bounded.
fn depth(e: &Expr) -> usize {
    let children: Vec<&Expr> = match &e.kind {
        ExprKind::Lit(_) | ExprKind::Name(_) => Vec::new(),
        ExprKind::Set(items) => items.iter().collect(),
        ExprKind::Not(x) | ExprKind::NonEmpty(x, _) | ExprKind::Neg(x) | ExprKind::Known(x, _) => {
            vec![x]
        }
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Compare(_, a, b)
        | ExprKind::Arith(_, a, b)
        | ExprKind::Age(a, b)
        | ExprKind::Member {
            elem: a, set: b, ..
        } => vec![a, b],
        ExprKind::Within { date, end, period } => vec![date, end, period],
        ExprKind::Aggregate { filter, .. } => filter.iter().map(|f| &**f).collect(),
    };
    1 + children.into_iter().map(depth).max().unwrap_or(0)
}

/// Splits a glued unit such as `万元且` into the known unit at its start, if any.
fn split_known_unit(s: &str) -> (Option<&'static str>, &str) {
    const UNITS: [&str; 20] = [
        "万元", "亿元", "千元", "个月", "周岁", "元", "万", "亿", "个", "张", "人", "次", "项",
        "名", "户", "件", "岁", "倍", "年", "日",
    ];
    for u in UNITS {
        if let Some(rest) = s.strip_prefix(u) {
            if !rest.is_empty() {
                return (Some(u), rest);
            }
        }
    }
    (None, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Module, Vec<Diagnostic>) {
        parse_file(0, text)
    }

    #[test]
    fn amounts_are_exact() {
        let (m, d) = parse("参数 甲 = 1.5万元 依据 法发〔2025〕12号第6条第(1)项");
        assert!(d.is_empty(), "{d:?}");
        let Some(Item::Param(p)) = m.items.first() else {
            unreachable!("not a parameter: {m:?}")
        };
        assert_eq!(
            p.versions[0].value.kind,
            LitKind::Amount(Decimal::from(15000))
        );
    }

    #[test]
    fn wrong_unit_is_located() {
        let (_, d) = parse("参数 甲 = 30万张 依据 法发〔2025〕12号第6条第(1)项");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::BadUnit);
        assert!(d[0].message.contains("万张"));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!(
            "规则 甲 依据 刑法第17条 若 {}真{} 则 乙",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        let (_, d) = parse(&text);
        assert_eq!(d[0].code, Code::TooDeep);
    }

    #[test]
    fn negation_takes_a_bare_name() {
        let (m, d) = parse("规则 甲 依据 刑法第17条 若 乙 且 非 丙 则 丁");
        assert!(d.is_empty(), "{d:?}");
        let Some(Item::Rule(r)) = m.items.first() else {
            unreachable!("not a rule: {m:?}")
        };
        let Some(Expr {
            kind: ExprKind::And(_, right),
            ..
        }) = &r.when
        else {
            unreachable!("not a conjunction: {:?}", r.when)
        };
        assert!(matches!(right.kind, ExprKind::Not(_)));
    }

    #[test]
    fn names_may_contain_keyword_characters() {
        let (m, d) = parse("规则 甲 依据 刑法第17条 若 非法提供工具 非空 则 丁");
        assert!(d.is_empty(), "{d:?}");
        let Some(Item::Rule(r)) = m.items.first() else {
            unreachable!("not a rule: {m:?}")
        };
        assert!(matches!(
            r.when.as_ref().map(|w| &w.kind),
            Some(ExprKind::NonEmpty(_, true))
        ));
    }
}
