//! The owned syntax tree of a rule file, produced by [`crate::syntax::lower`].
//!
//! Every node carries a [`Span`] so that the checker can point at the user's text. Spans are
//! ignored by equality, so tests compare trees without positions and `fmt` can prove that
//! formatting preserved the meaning of a file.

use crate::source::Span;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// One parsed rule file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    /// Declarations, rules and examples in source order.
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "a file holds a few hundred items at most; boxing rules would only add noise"
)]
pub enum Item {
    /// `条文 …`: the text of an article.
    Article(ArticleDecl),
    /// `记录 …`: a record type for lists of records.
    Record(RecordDecl),
    /// `事实 …`
    Fact(FactDecl),
    /// `参数 …`
    Param(ParamDecl),
    /// `结论 …`
    Conclusion(ConclusionDecl),
    /// `规则 …`
    Rule(RuleDecl),
    /// `示例 …`
    Example(ExampleDecl),
}

impl Item {
    /// Where the whole item stands in its file.
    pub fn span(&self) -> Span {
        match self {
            Item::Article(d) => d.span,
            Item::Record(d) => d.span,
            Item::Fact(d) => d.span,
            Item::Param(d) => d.span,
            Item::Conclusion(d) => d.span,
            Item::Rule(d) => d.span,
            Item::Example(d) => d.span,
        }
    }
}

/// A name as written, with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    /// The name's text.
    pub text: String,
    /// Where it stands.
    pub span: Span,
}

/// A quoted text.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// The text between the quotes.
    pub text: String,
    /// Where it stands, quotes included.
    pub span: Span,
}

/// A citation in the canonical form (docs/规则语言.md, 引文).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CitationPath {
    /// The document: `法发〔2025〕12号`, `刑法`.
    pub doc: String,
    /// 条, with its 之 number: `第287条之2` is `(287, Some(2))`.
    pub article: Option<(u32, Option<u32>)>,
    /// 款, written only when not the first paragraph.
    pub paragraph: Option<u32>,
    /// 项.
    pub item: Option<u32>,
}

impl CitationPath {
    /// The enclosing provision one level up (item → paragraph → article → document).
    pub fn parent(&self) -> Option<CitationPath> {
        let mut up = self.clone();
        if up.item.take().is_some() {
            return Some(up);
        }
        if up.paragraph.take().is_some() {
            return Some(up);
        }
        if up.article.take().is_some() {
            return Some(up);
        }
        None
    }
}

impl std::fmt::Display for CitationPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.doc)?;
        if let Some((n, sub)) = self.article {
            write!(f, "第{n}条")?;
            if let Some(s) = sub {
                write!(f, "之{s}")?;
            }
        }
        if let Some(p) = self.paragraph {
            write!(f, "第{p}款")?;
        }
        if let Some(i) = self.item {
            write!(f, "第({i})项")?;
        }
        Ok(())
    }
}

/// A citation as written, with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    /// The canonical path.
    pub path: CitationPath,
    /// Where it stands.
    pub span: Span,
}

/// `条文 引文 “……”`
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleDecl {
    /// The provision.
    pub cite: Citation,
    /// Its text.
    pub text: Text,
    /// The whole declaration.
    pub span: Span,
}

/// `记录 名 { 字段：类型, … }`
#[derive(Debug, Clone, PartialEq)]
pub struct RecordDecl {
    /// The record type's name.
    pub name: Name,
    /// Its fields.
    pub fields: Vec<FieldDecl>,
    /// The whole declaration.
    pub span: Span,
}

/// One field of a record type.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDecl {
    /// The field's name.
    pub name: Name,
    /// Its type.
    pub ty: TypeExpr,
}

/// `事实 名：类型 “说明”`
#[derive(Debug, Clone, PartialEq)]
pub struct FactDecl {
    /// The fact's name, as case files spell it.
    pub name: Name,
    /// Its type.
    pub ty: TypeExpr,
    /// A one-line description.
    pub doc: Option<Text>,
    /// The whole declaration.
    pub span: Span,
}

/// `结论 名：类型 “说明”`
#[derive(Debug, Clone, PartialEq)]
pub struct ConclusionDecl {
    /// The conclusion's name.
    pub name: Name,
    /// Its type.
    pub ty: TypeExpr,
    /// A one-line description.
    pub doc: Option<Text>,
    /// The whole declaration.
    pub span: Span,
}

/// A type as written.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeExpr {
    /// What type.
    pub kind: TypeKind,
    /// Where it stands.
    pub span: Span,
}

/// The types of the language.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// 布尔
    Bool,
    /// 整数
    Int,
    /// 金额
    Amount,
    /// 日期
    Date,
    /// 期间
    Period,
    /// 文本
    Text,
    /// 三值 (conclusions)
    Tri,
    /// 情态 (conclusions)
    Modality,
    /// 引文 (as the element of 集合<引文>)
    Citation,
    /// 枚举{…}
    Enum(Vec<EnumWord>),
    /// 集合<…>
    Set(Box<TypeExpr>),
    /// 列表<记录名>
    List(Name),
}

/// One word of an enumeration.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumWord {
    /// The word.
    pub name: Name,
    /// Marked `（待定）`: the word means the matter is not yet known.
    pub pending: bool,
}

/// Which way a dated parameter favours the defendant (刑法第12条).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Favour {
    /// 较高者有利: a higher threshold is more favourable.
    Higher,
    /// 较低者有利
    Lower,
}

/// `参数 名 = 值 依据 引文`, or with several dated values.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDecl {
    /// The parameter's name.
    pub name: Name,
    /// Where its value comes from.
    pub cite: Citation,
    /// Which direction favours the defendant, if declared.
    pub favour: Option<Favour>,
    /// Its values, each with its validity period.
    pub versions: Vec<ParamVersion>,
    /// Whether it was written in the one-line form.
    pub short: bool,
    /// The whole declaration.
    pub span: Span,
}

/// One value of a parameter and when it is in force.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamVersion {
    /// The value.
    pub value: Literal,
    /// In force from this date (inclusive).
    pub from: Option<DateLit>,
    /// In force until this date (inclusive).
    pub until: Option<DateLit>,
}

/// A date literal with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct DateLit {
    /// The date.
    pub date: NaiveDate,
    /// Where it stands.
    pub span: Span,
}

/// `规则 名 依据 … 若 … 则 …`
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDecl {
    /// The rule's name.
    pub name: Name,
    /// The provision it encodes.
    pub cite: Option<Citation>,
    /// The article text quoted in the rule itself.
    pub text: Option<Text>,
    /// Its condition.
    pub when: Option<Expr>,
    /// `除非` conditions: any of them true defeats the rule.
    pub unless: Vec<Expr>,
    /// What it concludes.
    pub effects: Vec<Effect>,
    /// Rules this one defeats when it applies (`优先于`).
    pub overrides: Vec<Name>,
    /// Clauses given twice, for the checker to report.
    pub repeated: Vec<(&'static str, Span)>,
    /// The whole rule.
    pub span: Span,
}

/// One thing a rule concludes.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    /// The conclusion.
    pub target: Name,
    /// How.
    pub kind: EffectKind,
    /// Where it stands.
    pub span: Span,
}

/// The forms of conclusion.
#[derive(Debug, Clone, PartialEq)]
pub enum EffectKind {
    /// `则 情节严重`: a 三值 conclusion becomes true, or a 集合<引文> gains the rule's citation.
    Assert,
    /// `则 职业禁止 为 应当`: a 情态 or enumeration conclusion takes a word.
    SetWord(Name),
    /// `则 待查证事项 加入 “……”`: a 集合<文本> gains a text.
    AddText(Text),
}

/// `示例 名 案情 … 预期 …`
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleDecl {
    /// The example's name.
    pub name: Name,
    /// Evaluate with absent facts taken as false / zero / empty.
    pub closed_world: bool,
    /// The facts of the case.
    pub facts: Vec<Binding>,
    /// The expected conclusions.
    pub expect: Vec<Binding>,
    /// The whole example.
    pub span: Span,
}

/// `名 = 值` in an example.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// The fact, conclusion or field.
    pub name: Name,
    /// Its value.
    pub value: ValueLit,
}

/// A value written in an example.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueLit {
    /// A literal.
    Lit(Literal),
    /// A bare word: an enumeration or modality word.
    Word(Name),
    /// `{…}`
    Set(Vec<ValueLit>, Span),
    /// `[{…}, …]`
    List(Vec<Vec<Binding>>, Span),
    /// A citation, as a member of an expected 集合<引文>.
    Citation(Citation),
}

impl ValueLit {
    /// Where the value stands.
    pub fn span(&self) -> Span {
        match self {
            ValueLit::Lit(l) => l.span,
            ValueLit::Word(n) => n.span,
            ValueLit::Set(_, s) | ValueLit::List(_, s) => *s,
            ValueLit::Citation(c) => c.span,
        }
    }
}

/// A literal with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    /// The value.
    pub kind: LitKind,
    /// Where it stands.
    pub span: Span,
}

/// Literal values.
#[derive(Debug, Clone, PartialEq)]
pub enum LitKind {
    /// A number with no unit: fits an integer, an amount or a multiple.
    Number(Decimal),
    /// A count: `3个`, `20张`, `16周岁`.
    Int(i64),
    /// Yuan: `30万元`.
    Amount(Decimal),
    /// A multiple: `5倍`.
    Times(Decimal),
    /// A period: `2年`, `6个月`, `30日`.
    Period(Period),
    /// `2025-07-22`
    Date(NaiveDate),
    /// Quoted text.
    Text(String),
    /// 真, 假
    Bool(bool),
    /// 待定
    Unknown,
}

/// A period in years, months and days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Period {
    /// Years.
    pub years: u32,
    /// Months.
    pub months: u32,
    /// Days.
    pub days: u32,
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut any = false;
        if self.years > 0 {
            write!(f, "{}年", self.years)?;
            any = true;
        }
        if self.months > 0 {
            write!(f, "{}个月", self.months)?;
            any = true;
        }
        if self.days > 0 || !any {
            write!(f, "{}日", self.days)?;
        }
        Ok(())
    }
}

/// An expression with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it stands.
    pub span: Span,
}

/// Comparison operators; the legal words map onto them (以上 is `Ge`, 不满 is `Lt` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// 以上, >=
    Ge,
    /// 超过, >
    Gt,
    /// 以下, 以内, <=
    Le,
    /// 不满, <
    Lt,
    /// 是, 等于, ==
    Eq,
    /// 不是, 不等于, !=
    Ne,
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// +
    Add,
    /// -
    Sub,
    /// * and `的 … 倍`
    Mul,
    /// /
    Div,
}

/// Operations over a list of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AggregateOp {
    /// 计数: how many records satisfy the condition.
    Count,
    /// 合计: the sum of a field over the records that satisfy the condition.
    Sum,
    /// 存在: some record satisfies it.
    Exists,
    /// 全部: every record satisfies it.
    All,
}

/// Expression forms.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Lit(LitKind),
    /// A fact, parameter, conclusion, record field or enumeration word, resolved by the checker.
    Name(String),
    /// `{甲, 乙}`
    Set(Vec<Expr>),
    /// 非
    Not(Box<Expr>),
    /// 且
    And(Box<Expr>, Box<Expr>),
    /// 或
    Or(Box<Expr>, Box<Expr>),
    /// Comparisons and 是.
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    /// `甲 属于 乙` (and `乙 包含 甲`); negated for 不属于.
    Member {
        /// The element.
        elem: Box<Expr>,
        /// The set.
        set: Box<Expr>,
        /// 不属于
        negated: bool,
    },
    /// `甲 非空` / `甲 为空`.
    NonEmpty(Box<Expr>, bool),
    /// `日期 在 终点 前 期间 以内`.
    Within {
        /// The date tested.
        date: Box<Expr>,
        /// The end of the window.
        end: Box<Expr>,
        /// How far back the window reaches.
        period: Box<Expr>,
    },
    /// Arithmetic.
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// Unary minus.
    Neg(Box<Expr>),
    /// 计数, 合计, 存在, 全部.
    Aggregate {
        /// Which.
        op: AggregateOp,
        /// The list fact.
        list: Name,
        /// The summed field (合计).
        field: Option<Name>,
        /// The condition over each record.
        filter: Option<Box<Expr>>,
    },
    /// `周岁(出生日期, 行为日期)`.
    Age(Box<Expr>, Box<Expr>),
    /// `已知(甲)` (true) or `未知(甲)` (false).
    Known(Box<Expr>, bool),
}
