//! Pass 1: collect every declaration of every file, resolve declared types, report duplicates.

use crate::diag::{Code, Diagnostic};
use crate::program::value::Value;
use crate::program::*;
use crate::source::Span;
use crate::syntax::ast::{self, Item, LitKind, Module, TypeKind};
use std::collections::HashMap;

/// What pass 1 hands the later passes: the syntax of rules by index.
pub(super) struct Decls<'m> {
    /// Rules in source order; `program.rules[i]` is compiled from `rules[i]`.
    pub rules: Vec<&'m ast::RuleDecl>,
    /// Where each name of the shared namespace was declared.
    pub names: HashMap<String, Span>,
    /// Where each article text was declared.
    pub article_spans: Vec<Span>,
}

pub(super) fn declare<'m>(
    program: &mut Program,
    modules: &'m [Module],
    diags: &mut Vec<Diagnostic>,
) -> Decls<'m> {
    program.enums.push(EnumDef {
        words: ["应当", "一般应当", "可以", "不适用"]
            .map(String::from)
            .to_vec(),
        pending: vec![false; 4],
    });
    let mut decls = Decls {
        rules: Vec::new(),
        names: HashMap::new(),
        article_spans: Vec::new(),
    };
    let items: Vec<&Item> = modules.iter().flat_map(|m| m.items.iter()).collect();
    // Records first, so that facts may name them wherever they are declared.
    for item in &items {
        if let Item::Record(r) = item {
            if claim(&mut decls.names, &r.name, "记录", diags) {
                program.records.push(RecordDef {
                    name: r.name.text.clone(),
                    fields: Vec::new(),
                });
            }
        }
    }
    for item in &items {
        if let Item::Record(r) = item {
            let Some(id) = program.records.iter().position(|x| x.name == r.name.text) else {
                continue;
            };
            let mut fields: Vec<(String, Type)> = Vec::new();
            for f in &r.fields {
                if fields.iter().any(|(n, _)| *n == f.name.text) {
                    diags.push(
                        Diagnostic::error(
                            Code::Duplicate,
                            f.name.span,
                            format!("字段“{}”重复", f.name.text),
                        )
                        .with_help("同一记录中每个字段只能声明一次"),
                    );
                    continue;
                }
                if let Some(ty) = resolve_type(program, &f.ty, diags) {
                    fields.push((f.name.text.clone(), ty));
                }
            }
            if let Some(rec) = program.records.get_mut(id) {
                rec.fields = fields;
            }
        }
    }
    for item in &items {
        match item {
            Item::Fact(f) => {
                let Some(ty) = resolve_type(program, &f.ty, diags) else {
                    continue;
                };
                if matches!(ty, Type::Cites | Type::Texts)
                    || f.ty.kind == TypeKind::Tri
                    || f.ty.kind == TypeKind::Modality
                {
                    diags.push(
                        Diagnostic::error(Code::Type, f.ty.span, "事实不能是三值、情态或引文类型")
                            .with_help("事实的类型可为 布尔、整数、金额、日期、期间、文本、枚举{…}、集合<枚举{…}>、列表<记录>"),
                    );
                    continue;
                }
                if crate::case::RESERVED_KEYS.contains(&f.name.text.as_str()) {
                    // A case file's reserved key would shadow the fact: it could never be given.
                    diags.push(
                        Diagnostic::error(
                            Code::Duplicate,
                            f.name.span,
                            format!("“{}”是案件文件的保留键，不能声明为事实", f.name.text),
                        )
                        .with_label("保留键")
                        .with_help("案件、说明、预期、封闭世界 在案件文件中另有含义；请给这项事实另起名称，例如“案件编号”"),
                    );
                    continue;
                }
                if claim(&mut decls.names, &f.name, "事实", diags) {
                    program
                        .fact_index
                        .insert(f.name.text.clone(), program.facts.len());
                    program.facts.push(FactDef {
                        name: f.name.text.clone(),
                        ty,
                        doc: f.doc.as_ref().map(|d| d.text.clone()).unwrap_or_default(),
                        span: f.span,
                    });
                }
            }
            Item::Conclusion(c) => {
                let kind = match &c.ty.kind {
                    TypeKind::Tri => Some(ConclusionKind::Tri),
                    TypeKind::Modality => Some(ConclusionKind::Word(MODALITY)),
                    TypeKind::Enum(_) => match resolve_type(program, &c.ty, diags) {
                        Some(Type::Enum(e)) => Some(ConclusionKind::Word(e)),
                        _ => None,
                    },
                    TypeKind::Set(inner) if inner.kind == TypeKind::Citation => {
                        Some(ConclusionKind::Cites)
                    }
                    TypeKind::Set(inner) if inner.kind == TypeKind::Text => {
                        Some(ConclusionKind::Texts)
                    }
                    _ => {
                        diags.push(
                            Diagnostic::error(
                                Code::Type,
                                c.ty.span,
                                "结论的类型只能是 三值、情态、枚举{…}、集合<引文> 或 集合<文本>",
                            )
                            .with_help("例如：结论 情节严重：三值"),
                        );
                        None
                    }
                };
                let Some(kind) = kind else { continue };
                if claim(&mut decls.names, &c.name, "结论", diags) {
                    program
                        .conclusion_index
                        .insert(c.name.text.clone(), program.conclusions.len());
                    program.conclusions.push(ConclusionDef {
                        name: c.name.text.clone(),
                        kind,
                        doc: c.doc.as_ref().map(|d| d.text.clone()).unwrap_or_default(),
                        rules: Vec::new(),
                        effects: Vec::new(),
                        fallback: None,
                        span: c.span,
                    });
                }
            }
            Item::Param(p) => declare_param(program, p, &mut decls, diags),
            Item::Article(a) => match program.articles.get(&a.cite.path) {
                Some(existing) if *existing != a.text.text => diags.push(
                    Diagnostic::error(
                        Code::Duplicate,
                        a.cite.span,
                        format!("条文“{}”重复且内容不同", a.cite.path),
                    )
                    .with_help("同一引文的条文只能写一次；请删去其中一处"),
                ),
                _ => {
                    program
                        .articles
                        .insert(a.cite.path.clone(), a.text.text.clone());
                    decls.article_spans.push(a.span);
                }
            },
            Item::Rule(r) => decls.rules.push(r),
            Item::Example(_) => {}
            Item::Record(_) => {}
        }
    }
    program.conduct_date = date_fact(program, "行为日期");
    program.judgment_date = date_fact(program, "裁判日期");
    decls
}

fn date_fact(program: &Program, name: &str) -> Option<FactId> {
    let id = *program.fact_index.get(name)?;
    (program.facts.get(id)?.ty == Type::Date).then_some(id)
}

/// Claims a name in the shared namespace of facts, parameters, conclusions and records.
fn claim(
    names: &mut HashMap<String, Span>,
    name: &ast::Name,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if names.contains_key(&name.text) {
        diags.push(
            Diagnostic::error(
                Code::Duplicate,
                name.span,
                format!("{what}“{}”与已有的名称重复", name.text),
            )
            .with_label("重复的名称")
            .with_help(
                "事实、参数、结论和记录共用一套名称，每个名称只能声明一次；请改名或删去一处",
            ),
        );
        return false;
    }
    names.insert(name.text.clone(), name.span);
    true
}

pub(super) fn resolve_type(
    program: &mut Program,
    ty: &ast::TypeExpr,
    diags: &mut Vec<Diagnostic>,
) -> Option<Type> {
    Some(match &ty.kind {
        TypeKind::Bool | TypeKind::Tri => Type::Bool,
        TypeKind::Int => Type::Int,
        TypeKind::Amount => Type::Amount,
        TypeKind::Date => Type::Date,
        TypeKind::Period => Type::Period,
        TypeKind::Text => Type::Text,
        TypeKind::Modality => Type::Enum(MODALITY),
        TypeKind::Citation => Type::Cites,
        TypeKind::Enum(words) => {
            if words.len() > 64 {
                diags.push(
                    Diagnostic::error(Code::TooLarge, ty.span, "一个枚举最多 64 个词")
                        .with_help("请拆分为几个事实"),
                );
                return None;
            }
            let mut def = EnumDef {
                words: Vec::new(),
                pending: Vec::new(),
            };
            for w in words {
                if def.words.contains(&w.name.text) {
                    diags.push(
                        Diagnostic::error(
                            Code::Duplicate,
                            w.name.span,
                            format!("枚举词“{}”重复", w.name.text),
                        )
                        .with_help("同一枚举中每个词只能出现一次"),
                    );
                    continue;
                }
                def.words.push(w.name.text.clone());
                def.pending.push(w.pending);
            }
            program.enums.push(def);
            Type::Enum(program.enums.len() - 1)
        }
        TypeKind::Set(inner) => match resolve_type(program, inner, diags)? {
            Type::Enum(e) => Type::Words(e),
            Type::Cites => Type::Cites,
            Type::Text => Type::Texts,
            _ => {
                diags.push(
                    Diagnostic::error(
                        Code::Type,
                        inner.span,
                        "集合的元素只能是 枚举{…}、引文 或 文本",
                    )
                    .with_help("例如：集合<枚举{批量账号, 批量接码平台}>"),
                );
                return None;
            }
        },
        TypeKind::List(name) => match program.records.iter().position(|r| r.name == name.text) {
            Some(r) => Type::List(r),
            None => {
                let mut d = Diagnostic::error(
                    Code::Undeclared,
                    name.span,
                    format!("未声明的记录类型“{}”", name.text),
                );
                d.help = Some(
                    match crate::diag::did_you_mean(
                        &name.text,
                        program.records.iter().map(|r| r.name.as_str()),
                    ) {
                        Some(s) => format!("是否应为“{s}”？"),
                        None => "请先用 记录 名称 { 字段：类型, … } 声明它".to_string(),
                    },
                );
                diags.push(d);
                return None;
            }
        },
    })
}

/// The value and type of a literal.
pub(super) fn literal_value(lit: &LitKind) -> (Value, Type) {
    match lit {
        LitKind::Number(d) => (Value::Num(*d), Type::Number),
        LitKind::Int(n) => (Value::Num((*n).into()), Type::Int),
        LitKind::Amount(d) => (Value::Num(*d), Type::Amount),
        LitKind::Times(d) => (Value::Num(*d), Type::Times),
        LitKind::Period(p) => (Value::Period(*p), Type::Period),
        LitKind::Date(d) => (Value::Date(*d), Type::Date),
        LitKind::Text(t) => (Value::Text(t.as_str().into()), Type::Text),
        LitKind::Bool(b) => (Value::Bool(*b), Type::Bool),
        LitKind::Unknown => (Value::Unknown, Type::Any),
    }
}

/// Interns a citation and gives its index.
pub(super) fn intern_cite(program: &mut Program, path: &ast::CitationPath) -> CiteId {
    if let Some(&i) = program.cite_index.get(path) {
        return i;
    }
    let id = program.citations.len() as CiteId;
    program.citations.push(path.clone());
    program.cite_index.insert(path.clone(), id);
    id
}

fn declare_param(
    program: &mut Program,
    p: &ast::ParamDecl,
    decls: &mut Decls<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut ty: Option<Type> = None;
    let mut versions = Vec::new();
    for v in &p.versions {
        let (value, vty) = literal_value(&v.value.kind);
        if vty == Type::Any {
            diags.push(
                Diagnostic::error(Code::Type, v.value.span, "参数的值不能是“待定”")
                    .with_help("参数是规则中的标准，须写出确定的数值"),
            );
            continue;
        }
        match ty {
            Some(t) if t != vty => diags.push(
                Diagnostic::error(
                    Code::Type,
                    v.value.span,
                    format!(
                        "参数“{}”各个值的类型不一致：此处是{}，前面是{}",
                        p.name.text,
                        program.type_name(vty),
                        program.type_name(t)
                    ),
                )
                .with_help("同一参数的各个值须使用相同的单位"),
            ),
            _ => ty = Some(vty),
        }
        let shown = program.sources.snippet(v.value.span).to_string();
        versions.push(ParamVersion {
            value,
            shown,
            from: v.from.as_ref().map(|d| d.date),
            until: v.until.as_ref().map(|d| d.date),
        });
    }
    let Some(ty) = ty else { return };
    if !claim(&mut decls.names, &p.name, "参数", diags) {
        return;
    }
    let cite = intern_cite(program, &p.cite.path);
    program
        .param_index
        .insert(p.name.text.clone(), program.params.len());
    program.params.push(ParamDef {
        name: p.name.text.clone(),
        ty,
        cite,
        favour: p.favour,
        versions,
        span: p.span,
    });
}
