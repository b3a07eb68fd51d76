//! Pass 2: rules and their conditions, compiled to index-based expressions with types checked.

use super::declare::{intern_cite, literal_value, Decls};
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::program::value::Value;
use crate::program::*;
use crate::source::Span;
use crate::syntax::ast::{self, AggregateOp, ArithOp, CmpOp, EffectKind, ExprKind};

pub(super) fn compile_rules(program: &mut Program, decls: &Decls<'_>, diags: &mut Vec<Diagnostic>) {
    let mut names: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
    for r in &decls.rules {
        if let Some(first) = names.get(r.name.text.as_str()) {
            let (line, _) = program.sources.line_col(first.file, first.start);
            let file = program
                .sources
                .get(first.file)
                .map_or("", |f| f.name.as_str());
            diags.push(
                Diagnostic::error(
                    Code::Duplicate,
                    r.name.span,
                    format!("规则“{}”重复", r.name.text),
                )
                .with_help(format!(
                    "另一条同名规则在 {file} 第 {line} 行；请给其中一条改名"
                )),
            );
        }
        names.insert(r.name.text.as_str(), r.name.span);
    }
    for r in &decls.rules {
        let rule = compile_rule(program, r, diags);
        let id = program.rules.len();
        for e in &rule.effects {
            if let Some(c) = program.conclusions.get_mut(e.target()) {
                if !c.rules.contains(&id) {
                    c.rules.push(id);
                }
            }
        }
        program.rules.push(rule);
    }
    // 优先于: resolved after all rules exist (to the first rule of that name).
    let mut by_name: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (id, r) in decls.rules.iter().enumerate() {
        by_name.entry(r.name.text.as_str()).or_insert(id);
    }
    for (id, r) in decls.rules.iter().enumerate() {
        for target in &r.overrides {
            match by_name.get(target.text.as_str()).copied() {
                Some(t) if t == id => diags.push(
                    Diagnostic::error(Code::Cycle, target.span, "规则不能优先于自己")
                        .with_help("请写出被排除的另一条规则的名称"),
                ),
                Some(t) => {
                    if let Some(rule) = program.rules.get_mut(t) {
                        rule.defeated_by.push(id);
                    }
                }
                None => {
                    let mut d = Diagnostic::error(
                        Code::Undeclared,
                        target.span,
                        format!("没有名为“{}”的规则", target.text),
                    );
                    d.help = Some(
                        match did_you_mean(
                            &target.text,
                            decls.rules.iter().map(|x| x.name.text.as_str()),
                        ) {
                            Some(s) => format!("是否应为“{s}”？"),
                            None => "“优先于”后应写规则的名称".to_string(),
                        },
                    );
                    diags.push(d);
                }
            }
        }
    }
}

fn compile_rule(program: &mut Program, r: &ast::RuleDecl, diags: &mut Vec<Diagnostic>) -> RuleDef {
    for (clause, span) in &r.repeated {
        diags.push(
            Diagnostic::error(
                Code::Duplicate,
                *span,
                format!("规则“{}”的“{clause}”子句写了两次", r.name.text),
            )
            .with_help("多个条件请用 且、或 连成一个“若”子句；每条规则只有一个依据"),
        );
    }
    if r.cite.is_none() {
        diags.push(
            Diagnostic::error(
                Code::MissingClause,
                r.name.span,
                format!("规则“{}”缺少“依据”", r.name.text),
            )
            .with_help("每条规则须写明所依据的条文，例如：依据 法发〔2025〕12号第6条第(1)项"),
        );
    }
    if r.effects.is_empty() {
        diags.push(
            Diagnostic::error(
                Code::MissingClause,
                r.name.span,
                format!("规则“{}”缺少“则”", r.name.text),
            )
            .with_help("请写明规则得出的结论，例如：则 情节严重"),
        );
    }
    let cite = r.cite.as_ref().map(|c| intern_cite(program, &c.path));
    let text = r.text.as_ref().map(|t| t.text.clone()).or_else(|| {
        let mut path = r.cite.as_ref().map(|c| c.path.clone());
        while let Some(p) = path {
            if let Some(t) = program.articles.get(&p) {
                return Some(t.clone());
            }
            path = p.parent();
        }
        None
    });
    let mut cx = Cx {
        program,
        diags,
        record: None,
        facts: Vec::new(),
        params: Vec::new(),
        conclusions: Vec::new(),
    };
    let when = match &r.when {
        Some(w) => cx.condition(w),
        None => {
            cx.diags.push(
                Diagnostic::error(
                    Code::MissingClause,
                    r.name.span,
                    format!("规则“{}”缺少“若”", r.name.text),
                )
                .with_help("请写明规则适用的条件，例如：若 电话卡数 达 电话卡数标准 以上"),
            );
            None
        }
    };
    let unless: Vec<Expr> = r.unless.iter().filter_map(|u| cx.condition(u)).collect();
    let (facts, params, conclusions) = (cx.facts, cx.params, cx.conclusions);
    let effects = r
        .effects
        .iter()
        .filter_map(|e| compile_effect(program, e, cite, diags))
        .collect();
    RuleDef {
        name: r.name.text.clone(),
        cite,
        text,
        when: when.unwrap_or(Expr {
            node: Node::Const(Value::Unknown),
            span: r.span,
        }),
        unless,
        effects,
        defeated_by: Vec::new(),
        reads_facts: facts,
        reads_params: params,
        reads_conclusions: conclusions,
        span: r.span,
    }
}

fn compile_effect(
    program: &mut Program,
    e: &ast::Effect,
    cite: Option<CiteId>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Effect> {
    let Some(&c) = program.conclusion_index.get(&e.target.text) else {
        let mut d = Diagnostic::error(
            Code::Undeclared,
            e.target.span,
            format!("未声明的结论“{}”", e.target.text),
        );
        d.help = Some(
            match did_you_mean(
                &e.target.text,
                program.conclusions.iter().map(|c| c.name.as_str()),
            ) {
                Some(s) => format!("是否应为“{s}”？"),
                None => "“则”后应写已声明的结论；新结论请先用 结论 名称：类型 声明".to_string(),
            },
        );
        diags.push(d);
        return None;
    };
    let def = program.conclusions.get(c)?;
    let bad = |diags: &mut Vec<Diagnostic>, help: String| {
        diags.push(
            Diagnostic::error(
                Code::BadEffect,
                e.span,
                format!("结论“{}”不能这样得出", e.target.text),
            )
            .with_help(help),
        );
        None
    };
    match (&e.kind, def.kind) {
        (EffectKind::Assert, ConclusionKind::Tri) => Some(Effect::Assert(c)),
        (EffectKind::Assert, ConclusionKind::Cites) => cite.map(|id| Effect::AddCite(c, id)),
        (EffectKind::SetWord(w), ConclusionKind::Word(en)) => {
            match program.enums.get(en).and_then(|d| d.word(&w.text)) {
                Some(word) => Some(Effect::SetWord(c, word)),
                None => {
                    let words = program.enum_words(en);
                    let mut d = Diagnostic::error(
                        Code::NotAWord,
                        w.span,
                        format!("“{}”不是结论“{}”的取值", w.text, e.target.text),
                    );
                    d.help = Some(
                        match did_you_mean(
                            &w.text,
                            program
                                .enums
                                .get(en)
                                .map(|d| d.words.iter().map(String::as_str).collect::<Vec<_>>())
                                .unwrap_or_default(),
                        ) {
                            Some(s) => format!("是否应为“{s}”？可选：{words}"),
                            None => format!("可选：{words}"),
                        },
                    );
                    diags.push(d);
                    None
                }
            }
        }
        (EffectKind::AddText(t), ConclusionKind::Texts) => {
            let id = match program.text_index.get(&t.text) {
                Some(&i) => i,
                None => {
                    let i = program.texts.len() as TextId;
                    program.texts.push(t.text.clone());
                    program.text_index.insert(t.text.clone(), i);
                    i
                }
            };
            Some(Effect::AddText(c, id))
        }
        (_, ConclusionKind::Tri) => bad(diags, format!("三值结论直接写名称：则 {}", e.target.text)),
        (_, ConclusionKind::Cites) => bad(
            diags,
            format!("引文集合直接写名称，加入本规则的依据：则 {}", e.target.text),
        ),
        (_, ConclusionKind::Word(en)) => bad(
            diags,
            format!(
                "请写出取值：则 {} 为 …（可选：{}）",
                e.target.text,
                program.enum_words(en)
            ),
        ),
        (_, ConclusionKind::Texts) => bad(
            diags,
            format!("请写出加入的文字：则 {} 加入 “……”", e.target.text),
        ),
    }
}

/// Past this many diagnostics, unknown names get no "did you mean" (each suggestion searches
/// every declared name).
const MAX_SUGGESTIONS: usize = 200;

/// The compilation context of one rule.
struct Cx<'a> {
    program: &'a mut Program,
    diags: &'a mut Vec<Diagnostic>,
    /// The record type whose fields are in scope (inside 其中).
    record: Option<RecordId>,
    facts: Vec<FactId>,
    params: Vec<ParamId>,
    conclusions: Vec<ConclusionId>,
}

type Typed = (Expr, Type);

impl Cx<'_> {
    fn err(&mut self, code: Code, span: Span, msg: String, help: String) -> Option<Typed> {
        self.diags
            .push(Diagnostic::error(code, span, msg).with_help(help));
        None
    }

    fn condition(&mut self, e: &ast::Expr) -> Option<Expr> {
        let (x, ty) = self.expr(e, None)?;
        if !matches!(ty, Type::Bool | Type::Any) {
            let name = self.program.type_name(ty);
            self.err(
                Code::Type,
                e.span,
                format!("条件应为真或假，这里却是{name}"),
                "请写成比较，例如：电话卡数 达 电话卡数标准 以上".into(),
            );
            return None;
        }
        Some(x)
    }

    fn boolean(&mut self, e: &ast::Expr) -> Option<Expr> {
        self.condition(e)
    }

    fn name_type(&self, name: &str) -> Option<Type> {
        if let Some(r) = self.record.and_then(|r| self.program.records.get(r)) {
            if let Some((_, t)) = r.fields.iter().find(|(n, _)| n == name) {
                return Some(*t);
            }
        }
        if let Some(&f) = self.program.fact_index.get(name) {
            return self.program.facts.get(f).map(|f| f.ty);
        }
        if let Some(p) = self
            .program
            .param_index
            .get(name)
            .and_then(|&p| self.program.params.get(p))
        {
            return Some(p.ty);
        }
        self.program
            .conclusion_index
            .get(name)
            .and_then(|&c| self.program.conclusions.get(c))
            .map(|c| c.kind.ty())
    }

    fn expr(&mut self, e: &ast::Expr, hint: Option<Type>) -> Option<Typed> {
        let span = e.span;
        let mk = |node: Node| Expr { node, span };
        Some(match &e.kind {
            ExprKind::Lit(l) => {
                let (v, t) = literal_value(l);
                (mk(Node::Const(v)), t)
            }
            ExprKind::Name(n) => return self.name(n, span, hint),
            ExprKind::Set(items) => return self.set_literal(items, span, hint),
            ExprKind::Not(x) => (mk(Node::Not(Box::new(self.boolean(x)?))), Type::Bool),
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let a = self.boolean(a);
                let b = self.boolean(b)?;
                let a = a?;
                let node = if matches!(e.kind, ExprKind::And(..)) {
                    Node::And(Box::new(a), Box::new(b))
                } else {
                    Node::Or(Box::new(a), Box::new(b))
                };
                (mk(node), Type::Bool)
            }
            ExprKind::Compare(op, l, r) => return self.compare(*op, l, r, span),
            ExprKind::Member { elem, set, negated } => {
                return self.member(elem, set, *negated, span)
            }
            ExprKind::NonEmpty(x, want) => {
                let (x, t) = self.expr(x, None)?;
                if !matches!(
                    t,
                    Type::Words(_) | Type::Cites | Type::Texts | Type::List(_)
                ) {
                    let name = self.program.type_name(t);
                    return self.err(
                        Code::Type,
                        span,
                        format!("“非空/为空”只用于集合或列表，这里是{name}"),
                        "例如：非法提供工具 非空".into(),
                    );
                }
                (mk(Node::NonEmpty(Box::new(x), *want)), Type::Bool)
            }
            ExprKind::Within { date, end, period } => {
                let d = self.typed(date, Type::Date, "“在 … 前 … 以内”的第一项应是日期");
                let en = self.typed(end, Type::Date, "“前”之前应是日期，例如 行为日期");
                let p = self.typed(period, Type::Period, "“以内”之前应是期间，例如 2年");
                (
                    mk(Node::Within(Box::new(d?), Box::new(en?), Box::new(p?))),
                    Type::Bool,
                )
            }
            ExprKind::Arith(op, l, r) => return self.arith(*op, l, r, span),
            ExprKind::Neg(x) => {
                let (x, t) = self.expr(x, hint)?;
                if !t.is_numeric() {
                    let name = self.program.type_name(t);
                    return self.err(
                        Code::Type,
                        span,
                        format!("负号只用于数值，这里是{name}"),
                        "请检查算式".into(),
                    );
                }
                (mk(Node::Neg(Box::new(x))), t)
            }
            ExprKind::Aggregate {
                op,
                list,
                field,
                filter,
            } => return self.aggregate(*op, list, field.as_ref(), filter.as_deref(), span),
            ExprKind::Age(b, on) => {
                let b = self.typed(b, Type::Date, "周岁(出生日期, 日期) 的第一项应是日期");
                let on = self.typed(on, Type::Date, "周岁(出生日期, 日期) 的第二项应是日期");
                (mk(Node::Age(Box::new(b?), Box::new(on?))), Type::Int)
            }
            ExprKind::Known(x, want) => {
                let (x, _) = self.expr(x, None)?;
                (mk(Node::Known(Box::new(x), *want)), Type::Bool)
            }
        })
    }

    /// The enumeration of a value, when some of its words mean "not yet known": comparisons on
    /// it must then be able to come out undecided.
    fn pending_enum(&self, ty: Type) -> Option<EnumId> {
        match ty {
            Type::Enum(e)
                if self
                    .program
                    .enums
                    .get(e)
                    .is_some_and(|d| d.pending.contains(&true)) =>
            {
                Some(e)
            }
            _ => None,
        }
    }

    fn typed(&mut self, e: &ast::Expr, want: Type, help: &str) -> Option<Expr> {
        let (x, t) = self.expr(e, Some(want))?;
        if t != want && t != Type::Any {
            let (got, wanted) = (self.program.type_name(t), self.program.type_name(want));
            self.err(
                Code::Type,
                e.span,
                format!("此处应为{wanted}，实为{got}"),
                help.into(),
            );
            return None;
        }
        Some(x)
    }

    fn name(&mut self, n: &str, span: Span, hint: Option<Type>) -> Option<Typed> {
        let mk = |node: Node| Expr { node, span };
        // A word of the enumeration the context expects comes first.
        if let Some(Type::Enum(e)) = hint {
            if let Some(w) = self.program.enums.get(e).and_then(|d| d.word(n)) {
                return Some((mk(Node::Const(Value::Word(w))), Type::Enum(e)));
            }
        }
        if let Some(r) = self.record.and_then(|r| self.program.records.get(r)) {
            if let Some(i) = r.fields.iter().position(|(f, _)| f == n) {
                let t = r.fields.get(i).map(|(_, t)| *t)?;
                return Some((mk(Node::Field(i)), t));
            }
        }
        if let Some(&f) = self.program.fact_index.get(n) {
            if !self.facts.contains(&f) {
                self.facts.push(f);
            }
            let ty = self.program.facts.get(f)?.ty;
            return Some((mk(Node::Fact(f)), ty));
        }
        if let Some(&p) = self.program.param_index.get(n) {
            if !self.params.contains(&p) {
                self.params.push(p);
            }
            let ty = self.program.params.get(p)?.ty;
            return Some((mk(Node::Param(p)), ty));
        }
        if let Some(&c) = self.program.conclusion_index.get(n) {
            if !self.conclusions.contains(&c) {
                self.conclusions.push(c);
            }
            let ty = self.program.conclusions.get(c)?.kind.ty();
            return Some((mk(Node::Conclusion(c)), ty));
        }
        self.undeclared(n, span, hint)
    }

    fn undeclared(&mut self, n: &str, span: Span, hint: Option<Type>) -> Option<Typed> {
        if let Some(Type::Enum(e)) = hint {
            let words = self.program.enum_words(e);
            let list: Vec<String> = self
                .program
                .enums
                .get(e)
                .map(|d| d.words.clone())
                .unwrap_or_default();
            let help = match did_you_mean(n, list.iter().map(String::as_str)) {
                Some(s) => format!("是否应为“{s}”？可选的词：{words}"),
                None => format!("可选的词：{words}"),
            };
            return self.err(Code::NotAWord, span, format!("“{n}”不是此处枚举的词"), help);
        }
        if self.diags.len() >= MAX_SUGGESTIONS {
            // A file with thousands of unknown names: searching every declared name for each
            // would take minutes, and nobody reads that far.
            return self.err(
                Code::Undeclared,
                span,
                format!("未声明的名称“{n}”"),
                "请先用 事实、参数 或 结论 声明这个名称，或检查拼写".to_string(),
            );
        }
        let mut all: Vec<String> = self.program.facts.iter().map(|f| f.name.clone()).collect();
        all.extend(self.program.params.iter().map(|p| p.name.clone()));
        all.extend(self.program.conclusions.iter().map(|c| c.name.clone()));
        if let Some(r) = self.record.and_then(|r| self.program.records.get(r)) {
            all.extend(r.fields.iter().map(|(f, _)| f.clone()));
        }
        let glued = ["且", "或", "以上", "以下", "超过", "不满", "属于", "是"]
            .into_iter()
            .find(|k| n.contains(k) && n.chars().count() > k.chars().count());
        let help = match (did_you_mean(n, all.iter().map(String::as_str)), glued) {
            (Some(s), _) => format!("是否应为“{s}”？"),
            (None, Some(k)) => format!("如果“{k}”是关键词，请在它两侧加空格"),
            (None, None) => "请先用 事实、参数 或 结论 声明这个名称，或检查拼写".to_string(),
        };
        self.err(Code::Undeclared, span, format!("未声明的名称“{n}”"), help)
    }

    fn set_literal(
        &mut self,
        items: &[ast::Expr],
        span: Span,
        hint: Option<Type>,
    ) -> Option<Typed> {
        let Some(Type::Enum(e)) = hint else {
            return self.err(
                Code::Type,
                span,
                "无法判断这个集合中的词属于哪个枚举".into(),
                "集合写在 属于 之后，左边须是枚举，例如：行为 属于 {出售, 出租}".into(),
            );
        };
        let mut mask = 0u64;
        for item in items {
            let (x, _) = self.expr(item, Some(Type::Enum(e)))?;
            match x.node {
                Node::Const(Value::Word(w)) => mask |= 1u64 << w,
                _ => {
                    let words = self.program.enum_words(e);
                    self.err(
                        Code::NotAWord,
                        item.span,
                        "集合中只能写枚举的词".into(),
                        format!("可选的词：{words}"),
                    );
                }
            }
        }
        Some((
            Expr {
                node: Node::Const(Value::Words(mask)),
                span,
            },
            Type::Words(e),
        ))
    }

    /// Whether the expression is a bare name that is not a declared name (so maybe a word).
    fn is_bare_word(&self, e: &ast::Expr) -> bool {
        match &e.kind {
            ExprKind::Name(n) => self.name_type(n).is_none(),
            ExprKind::Set(_) => true,
            _ => false,
        }
    }

    fn pair(&mut self, l: &ast::Expr, r: &ast::Expr) -> Option<(Typed, Typed)> {
        if self.is_bare_word(l) && !self.is_bare_word(r) {
            let r = self.expr(r, None)?;
            let l = self.expr(l, Some(r.1))?;
            Some((l, r))
        } else {
            let lt = self.expr(l, None);
            let hint = lt.as_ref().map(|x| x.1);
            let r = self.expr(r, hint)?;
            Some((lt?, r))
        }
    }

    fn compare(&mut self, op: CmpOp, l: &ast::Expr, r: &ast::Expr, span: Span) -> Option<Typed> {
        let ((l, lt), (r, rt)) = self.pair(l, r)?;
        let ordered = !matches!(op, CmpOp::Eq | CmpOp::Ne);
        let ok = match (lt, rt) {
            (Type::Any, _) | (_, Type::Any) => true,
            (a, b) if a.is_numeric() && b.is_numeric() => numeric_compatible(a, b),
            (Type::Date, Type::Date) => true,
            (a, b) if ordered => a == b && a == Type::Period,
            (a, b) => a == b,
        };
        if !ok && lt.is_numeric() && rt.is_numeric() {
            // A parameter compared with a fact of another unit: the mistake is almost always
            // the unit written in the parameter's declaration, so point there first.
            let param =
                [(&l, rt), (&r, lt)]
                    .into_iter()
                    .find_map(|(side, other)| match side.node {
                        Node::Param(p) => Some((p, other)),
                        _ => None,
                    });
            if let Some((p, other)) = param {
                if let Some(def) = self.program.params.get(p) {
                    let (pt, ot) = (
                        self.program.type_name(def.ty),
                        self.program.type_name(other),
                    );
                    let unit = match other {
                        Type::Amount => "元、万元",
                        Type::Int => "个、张、人、次",
                        Type::Times => "倍",
                        _ => "与比较对象相同的单位",
                    };
                    // The declaration without the line break after it.
                    let decl = def.span;
                    let len = self.program.sources.snippet(decl).trim_end().len();
                    let decl = Span::new(decl.file, decl.start, decl.start + len);
                    self.diags.push(
                        Diagnostic::error(
                            Code::Type,
                            decl,
                            format!("参数“{}”是{pt}，而使用它的规则把它与{ot}比较", def.name),
                        )
                        .with_label("单位写在这里")
                        .with_related(span, format!("在这里与{ot}比较"))
                        .with_help(format!(
                            "请改正参数“{}”的单位：与{ot}比较的标准应写作 {unit}",
                            def.name
                        )),
                    );
                    return None;
                }
            }
        }
        if !ok {
            let (a, b) = (self.program.type_name(lt), self.program.type_name(rt));
            let help = if lt.is_numeric() && rt.is_numeric() {
                "金额只能与金额比较，个数只能与个数比较；请检查参数的单位（元、万元 / 个、张）"
                    .to_string()
            } else if ordered {
                "以上、以下、超过、不满只用于数值和日期".to_string()
            } else {
                "比较的两边须是同一类型".to_string()
            };
            return self.err(Code::Type, span, format!("不能比较{a}与{b}"), help);
        }
        let pending = self.pending_enum(lt);
        Some((
            Expr {
                node: Node::Cmp(op, Box::new(l), Box::new(r), pending),
                span,
            },
            Type::Bool,
        ))
    }

    fn member(
        &mut self,
        elem: &ast::Expr,
        set: &ast::Expr,
        negated: bool,
        span: Span,
    ) -> Option<Typed> {
        let (el, et, st, s);
        if matches!(set.kind, ExprKind::Set(_)) || self.is_bare_word(elem) {
            if matches!(set.kind, ExprKind::Set(_)) {
                let (e1, t1) = self.expr(elem, None)?;
                let (s1, t2) = self.expr(set, Some(t1))?;
                (el, et, s, st) = (e1, t1, s1, t2);
            } else {
                let (s1, t2) = self.expr(set, None)?;
                let hint = match t2 {
                    Type::Words(e) => Some(Type::Enum(e)),
                    _ => None,
                };
                let (e1, t1) = self.expr(elem, hint)?;
                (el, et, s, st) = (e1, t1, s1, t2);
            }
        } else {
            let (e1, t1) = self.expr(elem, None)?;
            let (s1, t2) = self.expr(set, Some(t1))?;
            (el, et, s, st) = (e1, t1, s1, t2);
        }
        let ok = matches!((et, st), (Type::Enum(a), Type::Words(b)) if a == b) || et == Type::Any;
        if !ok {
            let (a, b) = (self.program.type_name(et), self.program.type_name(st));
            return self.err(
                Code::Type,
                span,
                format!("“属于/包含”的两边不配：{a} 与 {b}"),
                "写成 枚举值 属于 {词, 词} 或 集合 包含 词".into(),
            );
        }
        let pending = self.pending_enum(et);
        Some((
            Expr {
                node: Node::Member(Box::new(el), Box::new(s), negated, pending),
                span,
            },
            Type::Bool,
        ))
    }

    fn arith(&mut self, op: ArithOp, l: &ast::Expr, r: &ast::Expr, span: Span) -> Option<Typed> {
        let lx = self.expr(l, None);
        let (r, rt) = self.expr(r, None)?;
        let (l, lt) = lx?;
        let mk = |node: Node| Expr { node, span };
        if lt == Type::Date && rt == Type::Period && matches!(op, ArithOp::Add | ArithOp::Sub) {
            return Some((
                mk(Node::DateShift(
                    op == ArithOp::Add,
                    Box::new(l),
                    Box::new(r),
                )),
                Type::Date,
            ));
        }
        let result = if lt.is_numeric() && rt.is_numeric() {
            arith_type(op, lt, rt)
        } else {
            None
        };
        let Some(ty) = result else {
            let (a, b) = (self.program.type_name(lt), self.program.type_name(rt));
            return self.err(
                Code::Type,
                span,
                format!("不能对{a}与{b}做这种运算"),
                "金额可加减金额、乘以个数或倍数；日期可加减期间".into(),
            );
        };
        Some((mk(Node::Arith(op, Box::new(l), Box::new(r))), ty))
    }

    fn aggregate(
        &mut self,
        op: AggregateOp,
        list: &ast::Name,
        field: Option<&ast::Name>,
        filter: Option<&ast::Expr>,
        span: Span,
    ) -> Option<Typed> {
        let (lx, lt) = self.name(&list.text, list.span, None)?;
        let Type::List(rec) = lt else {
            let t = self.program.type_name(lt);
            return self.err(
                Code::Type,
                list.span,
                format!("“{}”不是记录列表（它是{t}）", list.text),
                "计数、合计、存在、全部 只用于 列表<记录> 类型的事实，例如 账户".into(),
            );
        };
        if !matches!(lx.node, Node::Fact(_)) {
            return self.err(
                Code::Type,
                list.span,
                format!("“{}”须是案件中的事实", list.text),
                "计数、合计、存在、全部 只用于 列表<记录> 类型的事实，例如 账户".into(),
            );
        }
        let outer = self.record.replace(rec);
        let filter = match filter {
            Some(f) => match self.condition(f) {
                Some(x) => Some(Box::new(x)),
                None => {
                    self.record = outer;
                    return None;
                }
            },
            None => None,
        };
        self.record = outer;
        let fields: Vec<(String, Type)> = self
            .program
            .records
            .get(rec)
            .map(|r| r.fields.clone())
            .unwrap_or_default();
        let (field_idx, ty) = match (op, field) {
            (AggregateOp::Sum, Some(f)) => match fields.iter().position(|(n, _)| *n == f.text) {
                Some(i) if fields.get(i).is_some_and(|(_, t)| t.is_numeric()) => {
                    (Some(i), fields.get(i).map_or(Type::Amount, |(_, t)| *t))
                }
                Some(_) => {
                    return self.err(
                        Code::Type,
                        f.span,
                        format!("字段“{}”不是数值，不能合计", f.text),
                        "合计只用于金额或整数字段".into(),
                    )
                }
                None => {
                    let help = match did_you_mean(&f.text, fields.iter().map(|(n, _)| n.as_str())) {
                        Some(s) => format!("是否应为“{s}”？"),
                        None => format!(
                            "可用的字段：{}",
                            fields
                                .iter()
                                .map(|(n, _)| n.as_str())
                                .collect::<Vec<_>>()
                                .join("、")
                        ),
                    };
                    return self.err(
                        Code::Undeclared,
                        f.span,
                        format!("记录中没有字段“{}”", f.text),
                        help,
                    );
                }
            },
            (AggregateOp::Sum, None) => {
                return self.err(
                    Code::Type,
                    span,
                    "合计须指明字段".into(),
                    format!("例如：合计({}.流入资金 其中 …)", list.text),
                )
            }
            (_, Some(f)) => {
                return self.err(
                    Code::Type,
                    f.span,
                    "只有 合计 需要写字段".into(),
                    "计数、存在、全部 写作：计数(账户 其中 条件)".into(),
                )
            }
            (AggregateOp::Count, None) => (None, Type::Int),
            (_, None) => (None, Type::Bool),
        };
        Some((
            Expr {
                node: Node::Aggregate(op, Box::new(lx), field_idx, filter),
                span,
            },
            ty,
        ))
    }
}

fn numeric_compatible(a: Type, b: Type) -> bool {
    a == b || a == Type::Number || b == Type::Number
}

fn arith_type(op: ArithOp, a: Type, b: Type) -> Option<Type> {
    use Type::*;
    match op {
        ArithOp::Add | ArithOp::Sub => {
            numeric_compatible(a, b).then_some(if a == Number { b } else { a })
        }
        ArithOp::Mul => match (a, b) {
            (Amount, Amount) => None,
            (Amount, _) | (_, Amount) => Some(Amount),
            (Int, Int) | (Int, Number) | (Number, Int) => Some(Int),
            (Times, x) | (x, Times) => Some(if x == Number { Times } else { x }),
            _ => Some(Number),
        },
        ArithOp::Div => match (a, b) {
            (x, y) if x == y => Some(Times),
            (x, Int | Times | Number) => Some(x),
            _ => None,
        },
    }
}
