//! Names → places: every declaration and every use of a name in the syntax trees of a rules
//! folder, for hover, definition, references, completion and symbols.
//!
//! Built from the syntax trees rather than the compiled program, because the program exists
//! only when the whole rule set is free of errors, and an editor is needed most while it is
//! not. Facts, parameters, conclusions and record types share one namespace (as the checker
//! has it); rules, examples, citations, record fields and enumeration words have their own.

use super::library::ast::{
    ArticleDecl, CitationPath, ConclusionDecl, EffectKind, ExampleDecl, Expr, ExprKind, FactDecl,
    Item, Module, ParamDecl, RecordDecl, RuleDecl, TypeExpr, TypeKind, ValueLit,
};
use super::library::{FileId, Span};
use std::collections::HashMap;

/// What a name in the text stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A fact, parameter, conclusion or record type (one namespace).
    Name(String),
    /// A rule.
    Rule(String),
    /// An example.
    Example(String),
    /// A provision.
    Cite(CitationPath),
    /// A field of a record type.
    Field(String),
    /// A word of an enumeration.
    Word(String),
}

/// One place where a name stands.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// What it names.
    pub target: Target,
    /// Where.
    pub span: Span,
    /// Whether this is where it is declared.
    pub decl: bool,
}

/// An enumeration a word belongs to.
#[derive(Debug, Clone)]
pub struct WordOwner {
    /// What declares the enumeration: `事实“角色”`, `记录“账户记录”的字段“类型”`.
    pub owner: String,
    /// All its words, in order.
    pub words: Vec<String>,
}

/// How the places of an earlier version of a text map onto the current one: the two agree
/// on a common beginning and a common end, and what lies between was edited.
#[derive(Debug, Clone, Copy)]
pub struct Shift {
    /// Bytes at the start that both versions share.
    prefix: usize,
    /// Where the shared end begins in the earlier version.
    old_tail: usize,
    /// Where the shared end begins in the current version.
    new_tail: usize,
}

impl Shift {
    /// The shift from `old` to `new`.
    pub fn between(old: &str, new: &str) -> Shift {
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        while !old.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let room = a.len().min(b.len()) - prefix;
        let mut suffix = a
            .iter()
            .rev()
            .zip(b.iter().rev())
            .take(room)
            .take_while(|(x, y)| x == y)
            .count();
        // The same bytes end both texts, so a boundary in one is a boundary in the other.
        while !old.is_char_boundary(a.len() - suffix) {
            suffix -= 1;
        }
        Shift {
            prefix,
            old_tail: a.len() - suffix,
            new_tail: b.len() - suffix,
        }
    }

    /// A place of the earlier version in the current one, unless it was in the edited part.
    pub fn map(&self, span: Span) -> Option<Span> {
        if span.end() <= self.prefix {
            Some(span)
        } else if span.start >= self.old_tail {
            Some(Span {
                start: span.start - self.old_tail + self.new_tail,
                ..span
            })
        } else {
            None
        }
    }
}

/// The words of the built-in 情态 enumeration, strongest first.
pub const MODALITY_WORDS: [&str; 4] = ["应当", "一般应当", "可以", "不适用"];

/// Every declaration and use in a rules folder.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Facts by name (the first declaration when a name is declared twice).
    pub facts: HashMap<String, FactDecl>,
    /// Parameters by name.
    pub params: HashMap<String, ParamDecl>,
    /// Conclusions by name.
    pub conclusions: HashMap<String, ConclusionDecl>,
    /// Record types by name.
    pub records: HashMap<String, RecordDecl>,
    /// Rules in source order.
    pub rules: Vec<RuleDecl>,
    /// Examples in source order.
    pub examples: Vec<ExampleDecl>,
    /// Article texts in source order.
    pub articles: Vec<ArticleDecl>,
    /// The enumerations each word belongs to.
    pub words: HashMap<String, Vec<WordOwner>>,
    /// Every occurrence, sorted by file and place.
    pub occurrences: Vec<Occurrence>,
    /// Files whose declarations come from an earlier version of their text (the current one
    /// has syntax errors): the spans kept in their declarations may no longer match the text.
    pub stale: Vec<FileId>,
}

impl Index {
    /// Indexes the modules of a folder. A file given with a [`Shift`] has syntax errors in
    /// its current text: its module is from the last version without them, and its places are
    /// carried over to the current text where that text is unchanged (places inside the edited
    /// stretch are dropped), so that hover and definition keep working while one types.
    pub fn build(modules: &[(FileId, &Module, Option<Shift>)]) -> Index {
        let mut index = Index::default();
        for (id, module, shift) in modules {
            if shift.is_some() {
                index.stale.push(*id);
            }
            for item in &module.items {
                index.declare(item);
            }
        }
        let mut occ = Vec::new();
        for (_, module, shift) in modules {
            let mut of_file = Vec::new();
            for item in &module.items {
                index.uses(item, &mut of_file);
            }
            match shift {
                None => occ.append(&mut of_file),
                Some(shift) => occ.extend(of_file.into_iter().filter_map(|mut o| {
                    o.span = shift.map(o.span)?;
                    Some(o)
                })),
            }
        }
        occ.sort_by_key(|o| (o.span.file, o.span.start));
        index.occurrences = occ;
        index
    }

    fn declare(&mut self, item: &Item) {
        match item {
            Item::Article(a) => self.articles.push(a.clone()),
            Item::Record(r) => {
                for f in &r.fields {
                    let owner = format!("记录“{}”的字段“{}”", r.name.text, f.name.text);
                    self.enum_words(&owner, &f.ty);
                }
                self.records
                    .entry(r.name.text.clone())
                    .or_insert_with(|| r.clone());
            }
            Item::Fact(f) => {
                self.enum_words(&format!("事实“{}”", f.name.text), &f.ty);
                self.facts
                    .entry(f.name.text.clone())
                    .or_insert_with(|| f.clone());
            }
            Item::Param(p) => {
                self.params
                    .entry(p.name.text.clone())
                    .or_insert_with(|| p.clone());
            }
            Item::Conclusion(c) => {
                self.enum_words(&format!("结论“{}”", c.name.text), &c.ty);
                self.conclusions
                    .entry(c.name.text.clone())
                    .or_insert_with(|| c.clone());
            }
            Item::Rule(r) => self.rules.push(r.clone()),
            Item::Example(e) => self.examples.push(e.clone()),
        }
    }

    fn enum_words(&mut self, owner: &str, ty: &TypeExpr) {
        match &ty.kind {
            TypeKind::Enum(words) => {
                let all: Vec<String> = words.iter().map(|w| w.name.text.clone()).collect();
                for w in words {
                    self.words
                        .entry(w.name.text.clone())
                        .or_default()
                        .push(WordOwner {
                            owner: owner.to_string(),
                            words: all.clone(),
                        });
                }
            }
            TypeKind::Set(inner) => self.enum_words(owner, inner),
            _ => {}
        }
    }

    /// Whether a name is a fact, parameter, conclusion or record type.
    pub fn is_name(&self, name: &str) -> bool {
        self.facts.contains_key(name)
            || self.params.contains_key(name)
            || self.conclusions.contains_key(name)
            || self.records.contains_key(name)
    }

    fn is_field(&self, name: &str) -> bool {
        self.records
            .values()
            .any(|r| r.fields.iter().any(|f| f.name.text == name))
    }

    fn uses(&self, item: &Item, occ: &mut Vec<Occurrence>) {
        let mut push = |target: Target, span: Span, decl: bool| {
            occ.push(Occurrence { target, span, decl });
        };
        match item {
            Item::Article(a) => push(Target::Cite(a.cite.path.clone()), a.cite.span, true),
            Item::Record(r) => {
                push(Target::Name(r.name.text.clone()), r.name.span, true);
                for f in &r.fields {
                    push(Target::Field(f.name.text.clone()), f.name.span, true);
                    type_uses(&f.ty, &mut push);
                }
            }
            Item::Fact(f) => {
                push(Target::Name(f.name.text.clone()), f.name.span, true);
                type_uses(&f.ty, &mut push);
            }
            Item::Param(p) => {
                push(Target::Name(p.name.text.clone()), p.name.span, true);
                push(Target::Cite(p.cite.path.clone()), p.cite.span, false);
            }
            Item::Conclusion(c) => {
                push(Target::Name(c.name.text.clone()), c.name.span, true);
                type_uses(&c.ty, &mut push);
            }
            Item::Rule(r) => {
                push(Target::Rule(r.name.text.clone()), r.name.span, true);
                if let Some(c) = &r.cite {
                    push(Target::Cite(c.path.clone()), c.span, false);
                }
                for e in r.when.iter().chain(&r.unless) {
                    self.expr_uses(e, &mut push);
                }
                for e in &r.effects {
                    push(Target::Name(e.target.text.clone()), e.target.span, false);
                    if let EffectKind::SetWord(w) = &e.kind {
                        push(Target::Word(w.text.clone()), w.span, false);
                    }
                }
                for o in &r.overrides {
                    push(Target::Rule(o.text.clone()), o.span, false);
                }
            }
            Item::Example(e) => {
                push(Target::Example(e.name.text.clone()), e.name.span, true);
                for b in e.facts.iter().chain(&e.expect) {
                    push(Target::Name(b.name.text.clone()), b.name.span, false);
                    value_uses(&b.value, &mut push);
                }
            }
        }
    }

    fn expr_uses(&self, e: &Expr, push: &mut impl FnMut(Target, Span, bool)) {
        match &e.kind {
            ExprKind::Lit(_) => {}
            ExprKind::Name(n) => {
                let target = if self.is_name(n) {
                    Target::Name(n.clone())
                } else if self.words.contains_key(n) || MODALITY_WORDS.contains(&n.as_str()) {
                    Target::Word(n.clone())
                } else if self.is_field(n) {
                    Target::Field(n.clone())
                } else {
                    // Unknown to the index: still a name, so that references find misspellings
                    // of each other and the checker's diagnostic stands on it.
                    Target::Name(n.clone())
                };
                push(target, e.span, false);
            }
            ExprKind::Set(items) => {
                for i in items {
                    self.expr_uses(i, push);
                }
            }
            ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::NonEmpty(a, _) => {
                self.expr_uses(a, push);
            }
            ExprKind::Known(a, _) => self.expr_uses(a, push),
            ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Compare(_, a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::Age(a, b) => {
                self.expr_uses(a, push);
                self.expr_uses(b, push);
            }
            ExprKind::Member { elem, set, .. } => {
                self.expr_uses(elem, push);
                self.expr_uses(set, push);
            }
            ExprKind::Within { date, end, period } => {
                self.expr_uses(date, push);
                self.expr_uses(end, push);
                self.expr_uses(period, push);
            }
            ExprKind::Aggregate {
                list,
                field,
                filter,
                ..
            } => {
                push(Target::Name(list.text.clone()), list.span, false);
                if let Some(f) = field {
                    push(Target::Field(f.text.clone()), f.span, false);
                }
                if let Some(f) = filter {
                    self.expr_uses(f, push);
                }
            }
        }
    }

    /// The occurrence at a byte offset of a file, if the offset is on a name.
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let from = self
            .occurrences
            .partition_point(|o| (o.span.file, o.span.start) < (file, 0));
        self.occurrences
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .take_while(|o| o.span.file == file && o.span.start <= offset)
            .filter(|o| offset <= o.span.end())
            // The innermost (shortest) one when spans nest.
            .min_by_key(|o| o.span.len)
    }

    /// Where a target is declared. A citation with no article text of its own is declared by
    /// the nearest enclosing provision that has one.
    pub fn declarations(&self, target: &Target) -> Vec<Span> {
        let direct: Vec<Span> = self
            .occurrences
            .iter()
            .filter(|o| o.decl && o.target == *target)
            .map(|o| o.span)
            .collect();
        if !direct.is_empty() {
            return direct;
        }
        match target {
            Target::Cite(path) => self
                .article(path)
                .map(|a| vec![a.cite.span])
                .unwrap_or_default(),
            // Declarations in a file with syntax errors give no occurrences; their last
            // known place is still the best answer.
            Target::Name(n) => self.name_span(n).into_iter().collect(),
            Target::Rule(n) => self
                .rules
                .iter()
                .filter(|r| r.name.text == *n)
                .map(|r| r.name.span)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Where a name of the shared namespace is declared.
    pub fn name_span(&self, name: &str) -> Option<Span> {
        self.facts
            .get(name)
            .map(|d| d.name.span)
            .or_else(|| self.params.get(name).map(|d| d.name.span))
            .or_else(|| self.conclusions.get(name).map(|d| d.name.span))
            .or_else(|| self.records.get(name).map(|d| d.name.span))
    }

    /// Every occurrence of a target, declarations included. For a provision whose article
    /// text is declared, that includes the citations of its parts that have no text of their
    /// own (they lead to this article too).
    pub fn references<'a>(&'a self, target: &'a Target) -> impl Iterator<Item = &'a Occurrence> {
        let article = match target {
            Target::Cite(p) => self.articles.iter().any(|a| a.cite.path == *p).then_some(p),
            _ => None,
        };
        self.occurrences.iter().filter(move |o| {
            o.target == *target
                || match (&o.target, article) {
                    (Target::Cite(q), Some(p)) => {
                        self.article(q).is_some_and(|a| a.cite.path == *p)
                    }
                    _ => false,
                }
        })
    }

    /// The article text of a provision, or of the nearest enclosing provision that has one.
    pub fn article(&self, path: &CitationPath) -> Option<&ArticleDecl> {
        let mut at = Some(path.clone());
        while let Some(p) = at {
            if let Some(a) = self.articles.iter().find(|a| a.cite.path == p) {
                return Some(a);
            }
            at = p.parent();
        }
        None
    }

    /// The rules that conclude a conclusion, in source order.
    pub fn concluding(&self, conclusion: &str) -> impl Iterator<Item = &RuleDecl> {
        let conclusion = conclusion.to_string();
        self.rules
            .iter()
            .filter(move |r| r.effects.iter().any(|e| e.target.text == conclusion))
    }

    /// The rules whose conditions read a name.
    pub fn reading(&self, name: &str) -> Vec<&RuleDecl> {
        let mut spans: Vec<Span> = self
            .occurrences
            .iter()
            .filter(|o| !o.decl && o.target == Target::Name(name.to_string()))
            .map(|o| o.span)
            .collect();
        spans.sort_by_key(|s| (s.file, s.start));
        self.rules
            .iter()
            .filter(|r| {
                let mut conditions = r.when.iter().chain(&r.unless);
                conditions.any(|c| {
                    spans.iter().any(|s| {
                        s.file == c.span.file && c.span.start <= s.start && s.end() <= c.span.end()
                    })
                })
            })
            .collect()
    }
}

fn type_uses(ty: &TypeExpr, push: &mut impl FnMut(Target, Span, bool)) {
    match &ty.kind {
        TypeKind::Enum(words) => {
            for w in words {
                push(Target::Word(w.name.text.clone()), w.name.span, true);
            }
        }
        TypeKind::Set(inner) => type_uses(inner, push),
        TypeKind::List(record) => push(Target::Name(record.text.clone()), record.span, false),
        _ => {}
    }
}

fn value_uses(v: &ValueLit, push: &mut impl FnMut(Target, Span, bool)) {
    match v {
        ValueLit::Lit(_) => {}
        ValueLit::Word(w) => push(Target::Word(w.text.clone()), w.span, false),
        ValueLit::Citation(c) => push(Target::Cite(c.path.clone()), c.span, false),
        ValueLit::Set(items, _) => {
            for i in items {
                value_uses(i, push);
            }
        }
        ValueLit::List(records, _) => {
            for fields in records {
                for b in fields {
                    push(Target::Field(b.name.text.clone()), b.name.span, false);
                    value_uses(&b.value, push);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::library;

    const TEXT: &str = "条文 刑法第287条之2 “明知他人利用信息网络实施犯罪……”\n\
事实 提供帮助：布尔 “提供帮助”\n\
结论 构成：三值 “构成”\n\
规则 甲\n  依据 刑法第287条之2第3款\n  若 提供帮助\n  则 构成\n";

    fn index() -> Index {
        let (module, diags) = library::parse(0, TEXT);
        assert!(!library::has_errors(&diags), "{diags:?}");
        Index::build(&[(0, &module, None)])
    }

    #[test]
    fn a_citation_without_its_own_article_leads_to_the_enclosing_one() {
        let index = index();
        let at = TEXT.find("刑法第287条之2第3款").unwrap_or(0);
        let occ = index.at(0, at + 3);
        let target = occ.map(|o| o.target.clone());
        assert!(matches!(&target, Some(Target::Cite(p)) if p.paragraph == Some(3)));
        let decl = target.map(|t| index.declarations(&t)).unwrap_or_default();
        assert_eq!(decl.first().map(|s| s.start), Some("条文 ".len()));
    }

    #[test]
    fn a_fact_is_found_where_it_is_used_and_declared() {
        let index = index();
        let target = Target::Name("提供帮助".into());
        let refs: Vec<bool> = index.references(&target).map(|o| o.decl).collect();
        assert_eq!(refs, [true, false]);
        assert_eq!(index.reading("提供帮助").len(), 1);
        assert_eq!(index.concluding("构成").count(), 1);
    }

    #[test]
    fn an_article_is_referred_to_by_its_parts_without_text() {
        let index = index();
        let article = index.articles.first().map(|a| a.cite.path.clone());
        let Some(article) = article else {
            unreachable!("the test text declares an article")
        };
        let refs: Vec<Option<u32>> = index
            .references(&Target::Cite(article))
            .filter_map(|o| match &o.target {
                Target::Cite(p) => Some(p.paragraph),
                _ => None,
            })
            .collect();
        // The article itself, and 第3款 cited by the rule.
        assert_eq!(refs, [None, Some(3)]);
    }

    #[test]
    fn places_outside_an_edit_are_carried_over() {
        let old = "事实 甲：布尔\n事实 乙：布尔\n";
        let new = "事实 甲：布尔\n事实 乙 （：布尔\n";
        let shift = Shift::between(old, new);
        let jia = old.find('甲').unwrap_or(0);
        assert_eq!(
            shift.map(Span::new(0, jia, jia + 3)).map(|s| s.start),
            Some(jia)
        );
        // The last line's 布尔 moved by the three bytes typed.
        let bool_old = old.rfind("布尔").unwrap_or(0);
        let bool_new = new.rfind("布尔").unwrap_or(0);
        assert_eq!(
            shift
                .map(Span::new(0, bool_old, bool_old + 6))
                .map(|s| s.start),
            Some(bool_new)
        );
        // 乙 stands where the edit began: not carried over.
        let yi = old.find('乙').unwrap_or(0);
        assert!(shift.map(Span::new(0, yi, yi + 5)).is_none());
    }
}
