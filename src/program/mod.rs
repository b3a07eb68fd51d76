//! The checked, name-resolved program: what the checker gives and the interpreter runs.
//!
//! Every fact, parameter, conclusion, rule and enumeration word is an index here; evaluation
//! never looks a name up or compares words as strings.

pub mod value;

use crate::source::{Sources, Span};
use crate::syntax::ast::{AggregateOp, ArithOp, CitationPath, CmpOp, Favour, Period};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use value::Value;

/// Index of a fact.
pub type FactId = usize;
/// Index of a parameter.
pub type ParamId = usize;
/// Index of a conclusion.
pub type ConclusionId = usize;
/// Index of a rule.
pub type RuleId = usize;
/// Index of an enumeration.
pub type EnumId = usize;
/// Index of a record type.
pub type RecordId = usize;
/// Index of a citation in [`Program::citations`].
pub type CiteId = u32;
/// Index of a text in [`Program::texts`].
pub type TextId = u32;

/// The enumeration of modalities, always at index 0: 应当 > 一般应当 > 可以 > 不适用.
pub const MODALITY: EnumId = 0;
/// The word 不适用 in [`MODALITY`].
pub const NOT_APPLICABLE: u16 = 3;

/// The type of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    /// 布尔 facts and 三值 conclusions.
    Bool,
    /// 整数
    Int,
    /// 金额
    Amount,
    /// 倍 (a multiple)
    Times,
    /// A number written without a unit, which fits any numeric type.
    Number,
    /// 日期
    Date,
    /// 期间
    Period,
    /// 文本
    Text,
    /// A word of an enumeration (情态 is enumeration [`MODALITY`]).
    Enum(EnumId),
    /// 集合<枚举>
    Words(EnumId),
    /// 集合<引文>
    Cites,
    /// 集合<文本>
    Texts,
    /// 列表<记录>
    List(RecordId),
    /// 待定 written as a literal: fits anything.
    Any,
}

impl Type {
    /// Whether arithmetic and ordering apply.
    pub fn is_numeric(self) -> bool {
        matches!(self, Type::Int | Type::Amount | Type::Times | Type::Number)
    }
}

/// An enumeration: its words in declared order.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// The words.
    pub words: Vec<String>,
    /// Words marked `（待定）`.
    pub pending: Vec<bool>,
}

impl EnumDef {
    /// The index of a word.
    pub fn word(&self, w: &str) -> Option<u16> {
        self.words
            .iter()
            .position(|x| x == w)
            .and_then(|i| u16::try_from(i).ok())
    }
}

/// A record type.
#[derive(Debug, Clone)]
pub struct RecordDef {
    /// Its name.
    pub name: String,
    /// Field names and types.
    pub fields: Vec<(String, Type)>,
}

/// A fact a case may give.
#[derive(Debug, Clone)]
pub struct FactDef {
    /// The name, as case files spell it.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// The description.
    pub doc: String,
    /// Where it was declared.
    pub span: Span,
}

/// One dated value of a parameter.
#[derive(Debug, Clone)]
pub struct ParamVersion {
    /// The value.
    pub value: Value,
    /// As the rule file writes it (`30万元`).
    pub shown: String,
    /// In force from (inclusive).
    pub from: Option<NaiveDate>,
    /// In force until (inclusive).
    pub until: Option<NaiveDate>,
}

/// A threshold.
#[derive(Debug, Clone)]
pub struct ParamDef {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Its source.
    pub cite: CiteId,
    /// Which way favours the defendant.
    pub favour: Option<Favour>,
    /// Its values.
    pub versions: Vec<ParamVersion>,
    /// Where it was declared.
    pub span: Span,
}

/// The value kinds of conclusions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConclusionKind {
    /// 三值
    Tri,
    /// 情态, or an enumeration (the modality enumeration for 情态).
    Word(EnumId),
    /// 集合<引文>
    Cites,
    /// 集合<文本>
    Texts,
}

impl ConclusionKind {
    /// The type of the conclusion when used in a condition.
    pub fn ty(self) -> Type {
        match self {
            ConclusionKind::Tri => Type::Bool,
            ConclusionKind::Word(e) => Type::Enum(e),
            ConclusionKind::Cites => Type::Cites,
            ConclusionKind::Texts => Type::Texts,
        }
    }
}

/// A conclusion.
#[derive(Debug, Clone)]
pub struct ConclusionDef {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: ConclusionKind,
    /// The description.
    pub doc: String,
    /// The rules that conclude it, in source order.
    pub rules: Vec<RuleId>,
    /// What those rules do to it, rule by rule in source order (a rule may appear more than
    /// once): tabulated by the checker so that evaluation walks one table instead of sifting
    /// every rule's effects for this conclusion.
    pub effects: Vec<(RuleId, Effect)>,
    /// The word `不适用` of an enumeration conclusion (not 情态): its value when no rule
    /// applies, resolved once here rather than looked up by name for every case.
    pub fallback: Option<u16>,
    /// Where it was declared.
    pub span: Span,
}

/// What a rule does to one conclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// A 三值 conclusion becomes true.
    Assert(ConclusionId),
    /// A 集合<引文> gains the rule's citation.
    AddCite(ConclusionId, CiteId),
    /// A 情态 or enumeration conclusion takes a word.
    SetWord(ConclusionId, u16),
    /// A 集合<文本> gains a text.
    AddText(ConclusionId, TextId),
}

impl Effect {
    /// The conclusion affected.
    pub fn target(self) -> ConclusionId {
        match self {
            Effect::Assert(c)
            | Effect::AddCite(c, _)
            | Effect::SetWord(c, _)
            | Effect::AddText(c, _) => c,
        }
    }
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct RuleDef {
    /// Its name.
    pub name: String,
    /// The provision it encodes.
    pub cite: Option<CiteId>,
    /// The article text it quotes (its own, or the 条文 of its citation or an enclosing one).
    pub text: Option<String>,
    /// Its condition.
    pub when: Expr,
    /// `除非` conditions.
    pub unless: Vec<Expr>,
    /// What it concludes.
    pub effects: Vec<Effect>,
    /// Rules declared `优先于` this one.
    pub defeated_by: Vec<RuleId>,
    /// Facts its conditions read, for explanations and `needs`.
    pub reads_facts: Vec<FactId>,
    /// Parameters its conditions read.
    pub reads_params: Vec<ParamId>,
    /// Conclusions its conditions read.
    pub reads_conclusions: Vec<ConclusionId>,
    /// Where it stands.
    pub span: Span,
}

/// A compiled expression with its place.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What it computes.
    pub node: Node,
    /// Where it stands.
    pub span: Span,
}

/// Expression nodes over indices.
#[derive(Debug, Clone)]
pub enum Node {
    /// A constant.
    Const(Value),
    /// A fact of the case.
    Fact(FactId),
    /// A parameter (the value in force for the case).
    Param(ParamId),
    /// A conclusion already computed.
    Conclusion(ConclusionId),
    /// A field of the record under 其中.
    Field(usize),
    /// 非
    Not(Box<Expr>),
    /// 且
    And(Box<Expr>, Box<Expr>),
    /// 或
    Or(Box<Expr>, Box<Expr>),
    /// A comparison; `pending` is the enumeration whose 待定 words make equality undecided.
    Cmp(CmpOp, Box<Expr>, Box<Expr>, Option<EnumId>),
    /// Membership of a word in a set.
    Member(Box<Expr>, Box<Expr>, bool, Option<EnumId>),
    /// Emptiness (true: 非空).
    NonEmpty(Box<Expr>, bool),
    /// date within period before end.
    Within(Box<Expr>, Box<Expr>, Box<Expr>),
    /// Arithmetic.
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// Date ± period.
    DateShift(bool, Box<Expr>, Box<Expr>),
    /// Unary minus.
    Neg(Box<Expr>),
    /// Over a list of records.
    Aggregate(AggregateOp, Box<Expr>, Option<usize>, Option<Box<Expr>>),
    /// 周岁
    Age(Box<Expr>, Box<Expr>),
    /// 已知 / 未知
    Known(Box<Expr>, bool),
}

/// The hash of the name tables: FNV-1a. Every key of every case is looked up once, and the
/// default SipHash took about a twentieth of a batch's time. SipHash's protection against
/// crafted collisions is not needed here: the tables are filled only from the rule files, and
/// a case's keys are only looked up, never inserted.
pub type NameHash = BuildHasherDefault<Fnv>;

/// FNV-1a, 64 bits.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        // Fold the well-mixed high half down: the table picks buckets by the low bits.
        self.0 ^ (self.0 >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The checked rule set.
#[derive(Debug, Clone, Default)]
pub struct Program {
    /// The rule files.
    pub sources: Sources,
    /// Enumerations ([`MODALITY`] first).
    pub enums: Vec<EnumDef>,
    /// Record types.
    pub records: Vec<RecordDef>,
    /// Facts.
    pub facts: Vec<FactDef>,
    /// Parameters.
    pub params: Vec<ParamDef>,
    /// Conclusions.
    pub conclusions: Vec<ConclusionDef>,
    /// Rules.
    pub rules: Vec<RuleDef>,
    /// Every citation used, canonical.
    pub citations: Vec<CitationPath>,
    /// Article texts by citation.
    pub articles: HashMap<CitationPath, String>,
    /// Texts added by rules to 集合<文本> conclusions.
    pub texts: Vec<String>,
    /// Conclusions in dependency order.
    pub order: Vec<ConclusionId>,
    /// Facts by name (for case files).
    pub fact_index: HashMap<String, FactId, NameHash>,
    /// Conclusions by name.
    pub conclusion_index: HashMap<String, ConclusionId, NameHash>,
    /// Citations by their canonical form, so that interning one is no search.
    pub cite_index: HashMap<CitationPath, CiteId>,
    /// Texts of 集合<文本> conclusions by content.
    pub text_index: HashMap<String, TextId, NameHash>,
    /// Parameters by name.
    pub param_index: HashMap<String, ParamId, NameHash>,
    /// The fact 行为日期, which selects the parameter values in force.
    pub conduct_date: Option<FactId>,
    /// The fact 裁判日期, for 从旧兼从轻.
    pub judgment_date: Option<FactId>,
    /// The writer of conclusion values, built once on first use ([`Program::value_writer`]):
    /// building it quotes every name, so building it per value made a report quadratic.
    pub(crate) writer: std::sync::OnceLock<std::sync::Arc<crate::report::ValueWriter>>,
}

impl Program {
    /// The one writer of conclusion values for this program (built on first use; the
    /// program must be complete by then, as it is once checked).
    pub fn value_writer(&self) -> &crate::report::ValueWriter {
        self.writer
            .get_or_init(|| std::sync::Arc::new(crate::report::ValueWriter::new(self)))
    }

    /// The canonical text of a citation.
    pub fn cite(&self, id: CiteId) -> String {
        self.citations
            .get(id as usize)
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    /// The words of an enumeration (none for an unknown index).
    pub fn words(&self, e: EnumId) -> &[String] {
        self.enums.get(e).map_or(&[], |d| d.words.as_slice())
    }

    /// The fields of a record type (none for an unknown index).
    pub fn fields(&self, r: RecordId) -> &[(String, Type)] {
        self.records.get(r).map_or(&[], |r| r.fields.as_slice())
    }

    /// The names of the given facts, joined with 、 (for "尚需查明" lines).
    pub fn fact_names(&self, facts: &[FactId]) -> String {
        facts
            .iter()
            .filter_map(|f| self.facts.get(*f))
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }

    /// How a type is called in messages.
    pub fn type_name(&self, ty: Type) -> String {
        match ty {
            Type::Bool => "布尔（真/假）".into(),
            Type::Int => "整数".into(),
            Type::Amount => "金额".into(),
            Type::Times => "倍数".into(),
            Type::Number => "数值".into(),
            Type::Date => "日期".into(),
            Type::Period => "期间".into(),
            Type::Text => "文本".into(),
            Type::Enum(e) => format!("枚举{{{}}}", self.enum_words(e)),
            Type::Words(e) => format!("集合<枚举{{{}}}>", self.enum_words(e)),
            Type::Cites => "集合<引文>".into(),
            Type::Texts => "集合<文本>".into(),
            Type::List(r) => format!(
                "列表<{}>",
                self.records.get(r).map_or("?", |r| r.name.as_str())
            ),
            Type::Any => "待定".into(),
        }
    }

    /// The words of an enumeration, joined.
    pub fn enum_words(&self, e: EnumId) -> String {
        self.enums
            .get(e)
            .map(|d| d.words.join("、"))
            .unwrap_or_default()
    }

    /// A word's text.
    pub fn word(&self, e: EnumId, w: u16) -> &str {
        self.enums
            .get(e)
            .and_then(|d| d.words.get(usize::from(w)))
            .map_or("?", String::as_str)
    }

    /// Periods are shown like `2年`.
    pub fn period_text(p: Period) -> String {
        p.to_string()
    }
}
