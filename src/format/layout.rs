//! The canonical layout: one rule file's AST (plus its source text, for the words the AST does
//! not keep, such as `以内` against `以下`, or `30万元` against `300000元`) turned into a [`Doc`].
//!
//! The layout, in short:
//! - one declaration per line: `条文 引文 “……”`, `事实 名：类型 “说明”`, `参数 名 = 值 依据 引文`;
//!   a record, a parameter with dated values, a rule and an example take one line per part,
//!   indented by two spaces;
//! - a rule's clauses in the order 依据, 条文, 若, 除非, 则, 优先于;
//! - a condition too long for one line breaks before each `且` (or `或`) of its outermost chain,
//!   continuation lines indented one column past the clause; inner chains break the same way,
//!   aligned one column past where they begin;
//! - the facts and expectations of an example fill the line and continue under the first one;
//! - punctuation: full-width `：` `，` and quotes `“”`; ASCII `( ) { } [ ] < >`; citations in
//!   the canonical citation form (docs/规则语言.md); comparison words as the legal texts write them
//!   (`达 … 以上`, `在 … 以下`, `在 … 以内`, `超过`, `不满`, `是`, `不是`); `（待定）` as the
//!   language reference writes it.
//!
//! Blank lines: one between items when either of them spans several lines; otherwise as in the
//! source (at most one). None inside an item.

use super::comments::{blank_before, Comment, Plan, Unit};
use super::doc::{text, Doc};
use crate::syntax::ast::*;

/// Builds the document of a file, recording the units comments can attach to.
pub(super) struct Printer<'a> {
    src: &'a str,
    comments: &'a [Comment],
    /// The units met so far (the first pass records them, the second finds the same ones).
    pub units: Vec<Unit>,
    open: Vec<usize>,
    plan: Option<&'a Plan>,
}

/// How tightly an expression binds; an operand that binds less tightly than its place needs
/// is written in parentheses.
mod prec {
    pub const OR: u8 = 1;
    pub const AND: u8 = 2;
    pub const NOT: u8 = 3;
    pub const COMPARE: u8 = 4;
    pub const ADD: u8 = 5;
    pub const MUL: u8 = 6;
    pub const NEG: u8 = 7;
    pub const MULTIPLE: u8 = 8;
    pub const ATOM: u8 = 9;
}

impl<'a> Printer<'a> {
    /// A printer over a file's text and comments; with a plan, comments are written.
    pub fn new(src: &'a str, comments: &'a [Comment], plan: Option<&'a Plan>) -> Printer<'a> {
        Printer {
            src,
            comments,
            units: Vec::new(),
            open: Vec::new(),
            plan,
        }
    }

    fn comment_text(&self, i: usize) -> String {
        self.comments
            .get(i)
            .map(|c| c.text.clone())
            .unwrap_or_default()
    }

    /// Lays out one unit: its leading comments, its content, its trailing comment.
    fn unit(
        &mut self,
        start: usize,
        end: usize,
        line_start: bool,
        build: impl FnOnce(&mut Self) -> Vec<Doc>,
    ) -> Vec<Doc> {
        let id = self.begin(start, end, line_start);
        let content = build(self);
        self.open.pop();
        let mut out = Vec::new();
        for c in self.leading(id) {
            out.push(text(self.comment_text(c)));
            out.push(Doc::HardLine);
        }
        out.extend(content);
        out.extend(self.trailing(id));
        out
    }

    fn begin(&mut self, start: usize, end: usize, line_start: bool) -> usize {
        let id = self.units.len();
        self.units.push(Unit {
            start,
            end,
            line_start,
            parent: self.open.last().copied(),
        });
        self.open.push(id);
        id
    }

    /// Where a span's code really ends. The parser's spans may run on over the white space and
    /// comments that follow (pest skips them before trying an optional part), so a span's end
    /// is pulled back over those.
    fn end(&self, span: crate::source::Span) -> usize {
        let mut end = span.end().min(self.src.len());
        loop {
            let before = self.src.get(..end).unwrap_or("");
            end = before
                .trim_end_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}')
                .len();
            let line_start = self
                .src
                .get(..end)
                .and_then(|b| b.rfind('\n'))
                .map_or(0, |n| n + 1);
            match self
                .comments
                .iter()
                .find(|c| c.start >= line_start && c.start < end)
            {
                Some(c) => end = c.start,
                None => return end,
            }
        }
    }

    fn leading(&self, id: usize) -> Vec<usize> {
        self.plan
            .and_then(|p| p.leading.get(id))
            .cloned()
            .unwrap_or_default()
    }

    fn trailing(&self, id: usize) -> Option<Doc> {
        let c = self
            .plan
            .and_then(|p| p.trailing.get(id).copied().flatten())?;
        Some(Doc::Suffix(self.comment_text(c)))
    }

    // ------------------------------------------------------------------ the file

    /// The whole file.
    pub fn file(&mut self, module: &Module) -> Doc {
        let mut out = Vec::new();
        let mut first = true;
        let mut previous_multiline: Option<bool> = None;
        for item in &module.items {
            let span = item.span();
            let id = self.begin(span.start, self.end(span), true);
            let content = self.item(item);
            self.open.pop();
            let multiline = spans_lines(item);
            let forced = previous_multiline.is_some_and(|p| p || multiline);
            let leading = self.leading(id);
            for (k, &c) in leading.iter().enumerate() {
                let blank = self.comments.get(c).is_some_and(|c| c.blank_before);
                separate(&mut out, &mut first, blank || (k == 0 && forced));
                out.push(text(self.comment_text(c)));
            }
            let blank = blank_before(self.src, span.start) || (leading.is_empty() && forced);
            separate(&mut out, &mut first, blank);
            out.extend(content);
            out.extend(self.trailing(id));
            previous_multiline = Some(multiline);
        }
        let trailer = self.plan.map(|p| p.trailer.clone()).unwrap_or_default();
        for c in trailer {
            let blank = self.comments.get(c).is_some_and(|c| c.blank_before);
            separate(&mut out, &mut first, blank);
            out.push(text(self.comment_text(c)));
        }
        Doc::Indent(0, out)
    }

    fn item(&mut self, item: &Item) -> Vec<Doc> {
        match item {
            Item::Article(a) => vec![text(format!(
                "条文 {} {}",
                a.cite.path,
                self.quote(&a.text.text, a.text.span)
            ))],
            Item::Record(r) => self.record(r),
            Item::Fact(f) => vec![self.typed_decl("事实", &f.name, &f.ty, f.doc.as_ref())],
            Item::Conclusion(c) => vec![self.typed_decl("结论", &c.name, &c.ty, c.doc.as_ref())],
            Item::Param(p) => self.param(p),
            Item::Rule(r) => self.rule(r),
            Item::Example(e) => self.example(e),
        }
    }

    fn typed_decl(&self, keyword: &str, name: &Name, ty: &TypeExpr, doc: Option<&Text>) -> Doc {
        let mut s = format!("{keyword} {}：{}", name.text, type_text(ty));
        if let Some(d) = doc {
            s.push(' ');
            s.push_str(&self.quote(&d.text, d.span));
        }
        text(s)
    }

    fn record(&mut self, r: &RecordDecl) -> Vec<Doc> {
        let first = r
            .fields
            .first()
            .map_or(self.end(r.span), |f| f.name.span.start);
        let mut out = self.unit(r.span.start, first, false, |_| {
            vec![text(format!("记录 {} {{", r.name.text))]
        });
        let mut body = Vec::new();
        let last = r.fields.len().saturating_sub(1);
        for (i, f) in r.fields.iter().enumerate() {
            body.push(Doc::HardLine);
            let end = self.end(f.ty.span);
            body.extend(self.unit(f.name.span.start, end, true, |_| {
                vec![text(format!("{}：{}", f.name.text, type_text(&f.ty)))]
            }));
            if i < last {
                body.push(text("，"));
            }
        }
        out.push(Doc::Indent(2, body));
        out.push(Doc::HardLine);
        out.push(text("}"));
        out
    }

    fn param(&mut self, p: &ParamDecl) -> Vec<Doc> {
        let favour = match p.favour {
            Some(Favour::Higher) => " 较高者有利",
            Some(Favour::Lower) => " 较低者有利",
            None => "",
        };
        if p.short {
            let mut s = format!("参数 {} =", p.name.text);
            for v in &p.versions {
                s.push_str(&format!(" {}", self.literal(&v.value.kind, v.value.span)));
            }
            s.push_str(&format!(" 依据 {}{favour}", p.cite.path));
            for v in &p.versions {
                s.push_str(&validity(v));
            }
            return vec![text(s)];
        }
        let first = p
            .versions
            .first()
            .map_or(self.end(p.span), |v| v.value.span.start);
        let mut out = self.unit(p.span.start, first, false, |_| {
            vec![text(format!(
                "参数 {} 依据 {}{favour}",
                p.name.text, p.cite.path
            ))]
        });
        let mut body = Vec::new();
        for v in &p.versions {
            let end = v
                .until
                .as_ref()
                .or(v.from.as_ref())
                .map_or(v.value.span, |d| d.span);
            let end = self.end(end);
            body.push(Doc::HardLine);
            body.extend(self.unit(v.value.span.start, end, true, |me| {
                vec![text(format!(
                    "值 {}{}",
                    me.literal(&v.value.kind, v.value.span),
                    validity(v)
                ))]
            }));
        }
        out.push(Doc::Indent(2, body));
        out
    }

    fn rule(&mut self, r: &RuleDecl) -> Vec<Doc> {
        let mut starts = Vec::new();
        starts.extend(r.cite.as_ref().map(|c| c.span.start));
        starts.extend(r.text.as_ref().map(|t| t.span.start));
        starts.extend(r.when.as_ref().map(|e| e.span.start));
        starts.extend(r.unless.iter().map(|e| e.span.start));
        starts.extend(r.effects.iter().map(|e| e.span.start));
        starts.extend(r.overrides.iter().map(|n| n.span.start));
        let first = starts.into_iter().min().unwrap_or(self.end(r.span));
        let mut out = self.unit(r.span.start, first, false, |_| {
            vec![text(format!("规则 {}", r.name.text))]
        });
        let mut body = Vec::new();
        if let Some(c) = &r.cite {
            body.push(Doc::HardLine);
            let end = self.end(c.span);
            body.extend(self.unit(c.span.start, end, true, |_| {
                vec![text(format!("依据 {}", c.path))]
            }));
        }
        if let Some(t) = &r.text {
            body.push(Doc::HardLine);
            let end = self.end(t.span);
            body.extend(self.unit(t.span.start, end, true, |me| {
                vec![text(format!("条文 {}", me.quote(&t.text, t.span)))]
            }));
        }
        for (keyword, e) in r
            .when
            .iter()
            .map(|e| ("若 ", e))
            .chain(r.unless.iter().map(|e| ("除非 ", e)))
        {
            body.push(Doc::HardLine);
            let end = self.end(e.span);
            body.extend(self.unit(e.span.start, end, true, |me| {
                let mut d = vec![text(keyword)];
                d.extend(me.chain(e, true));
                d
            }));
        }
        if let (Some(first), Some(last)) = (r.effects.first(), r.effects.last()) {
            body.push(Doc::HardLine);
            let end = self.end(last.span);
            body.extend(self.unit(first.span.start, end, true, |me| {
                let effects: Vec<String> = r.effects.iter().map(|e| me.effect(e)).collect();
                vec![text(format!("则 {}", effects.join("，")))]
            }));
        }
        if let (Some(first), Some(last)) = (r.overrides.first(), r.overrides.last()) {
            body.push(Doc::HardLine);
            let end = self.end(last.span);
            body.extend(self.unit(first.span.start, end, true, |_| {
                let names: Vec<&str> = r.overrides.iter().map(|n| n.text.as_str()).collect();
                vec![text(format!("优先于 {}", names.join("，")))]
            }));
        }
        out.push(Doc::Indent(2, body));
        out
    }

    fn effect(&self, e: &Effect) -> String {
        match &e.kind {
            EffectKind::Assert => e.target.text.clone(),
            EffectKind::SetWord(w) => format!("{} 为 {}", e.target.text, w.text),
            EffectKind::AddText(t) => {
                format!("{} 加入 {}", e.target.text, self.quote(&t.text, t.span))
            }
        }
    }

    fn example(&mut self, e: &ExampleDecl) -> Vec<Doc> {
        let starts = e.facts.iter().chain(&e.expect).map(|b| b.name.span.start);
        let first = starts.min().unwrap_or(self.end(e.span));
        let quoted = self
            .src
            .get(e.name.span.start..)
            .is_some_and(|s| s.starts_with(['“', '"', '「']));
        let name = if quoted {
            self.quote(&e.name.text, e.name.span)
        } else {
            e.name.text.clone()
        };
        let closed = if e.closed_world { " 封闭世界" } else { "" };
        let mut out = self.unit(e.span.start, first, false, |_| {
            vec![text(format!("示例 {name}{closed}"))]
        });
        let mut body = Vec::new();
        for (keyword, bindings) in [("案情", &e.facts), ("预期", &e.expect)] {
            body.push(Doc::HardLine);
            match (bindings.first(), bindings.last()) {
                (Some(first), Some(last)) => {
                    let end = self.end(last.value.span());
                    let docs = self.unit(first.name.span.start, end, true, |me| {
                        vec![
                            text(format!("{keyword} ")),
                            Doc::Align(0, vec![me.bindings(bindings)]),
                        ]
                    });
                    body.push(Doc::Group(docs));
                }
                _ => body.push(text(keyword)),
            }
        }
        out.push(Doc::Indent(2, body));
        out
    }

    /// `名 = 值，名 = 值`, filling the line.
    fn bindings(&mut self, bindings: &[Binding]) -> Doc {
        let mut parts = Vec::new();
        let last = bindings.len().saturating_sub(1);
        for (i, b) in bindings.iter().enumerate() {
            if i > 0 {
                parts.push(Doc::SoftLine);
            }
            let end = self.end(b.value.span());
            let mut item = self.unit(b.name.span.start, end, false, |me| {
                let mut d = vec![text(format!("{} = ", b.name.text))];
                d.push(me.value(&b.value));
                d
            });
            if i < last {
                item.push(text("，"));
            }
            parts.push(Doc::Group(item));
        }
        Doc::Fill(parts)
    }

    fn value(&mut self, v: &ValueLit) -> Doc {
        match v {
            ValueLit::Lit(l) => text(self.literal(&l.kind, l.span)),
            ValueLit::Word(n) => text(n.text.clone()),
            ValueLit::Citation(c) => text(c.path.to_string()),
            ValueLit::Set(items, _) => {
                let docs: Vec<Doc> = items.iter().map(|i| self.value(i)).collect();
                bracketed("{", docs, "}", true)
            }
            ValueLit::List(records, _) => {
                let docs: Vec<Doc> = records
                    .iter()
                    .map(|fields| {
                        let inner = self.bindings(fields);
                        Doc::Group(vec![text("{"), Doc::Align(0, vec![inner]), text("}")])
                    })
                    .collect();
                bracketed("[", docs, "]", false)
            }
        }
    }

    // ------------------------------------------------------------------ expressions

    /// A condition: a chain of `且` or `或` breaks before each operator when too long.
    /// The outermost chain of a clause continues one column past the clause; inner chains
    /// one column past where they begin.
    fn chain(&mut self, e: &Expr, outermost: bool) -> Vec<Doc> {
        let (word, operands, first_min, rest_min) = match &e.kind {
            ExprKind::And(..) => ("且 ", flatten(e, true), prec::AND, prec::NOT),
            ExprKind::Or(..) => ("或 ", flatten(e, false), prec::OR, prec::AND),
            _ => return self.expr(e, prec::OR),
        };
        let mut rest = Vec::new();
        let mut first = Vec::new();
        for (i, x) in operands.iter().enumerate() {
            if i == 0 {
                let end = self.end(x.span);
                first = self.unit(x.span.start, end, false, |me| me.expr(x, first_min));
            } else {
                rest.push(Doc::Line);
                let end = self.end(x.span);
                rest.extend(self.unit(x.span.start, end, true, |me| {
                    let mut d = vec![text(word)];
                    d.extend(me.expr(x, rest_min));
                    d
                }));
            }
        }
        if outermost {
            first.push(Doc::Indent(1, rest));
            vec![Doc::Group(first)]
        } else {
            first.extend(rest);
            vec![Doc::Group(vec![Doc::Align(1, first)])]
        }
    }

    fn prec(&self, e: &Expr) -> u8 {
        match &e.kind {
            ExprKind::Or(..) => prec::OR,
            ExprKind::And(..) => prec::AND,
            ExprKind::Not(_) => prec::NOT,
            ExprKind::Compare(..)
            | ExprKind::Member { .. }
            | ExprKind::NonEmpty(..)
            | ExprKind::Within { .. } => prec::COMPARE,
            ExprKind::Arith(ArithOp::Add | ArithOp::Sub, ..) => prec::ADD,
            ExprKind::Arith(ArithOp::Mul, l, r) if self.is_multiple(l, r) => prec::MULTIPLE,
            ExprKind::Arith(..) => prec::MUL,
            ExprKind::Neg(_) => prec::NEG,
            _ => prec::ATOM,
        }
    }

    /// `标准 的 倍数 倍` rather than `标准 * 倍数`.
    fn is_multiple(&self, l: &Expr, r: &Expr) -> bool {
        self.gap(l.span.end(), r.span.start) == "的"
    }

    /// The source between two offsets without comments and surrounding white space: the
    /// operator word the AST does not keep.
    fn gap(&self, from: usize, to: usize) -> String {
        let mut out = String::new();
        let mut at = from;
        for c in self
            .comments
            .iter()
            .filter(|c| c.start >= from && c.start < to)
        {
            out.push_str(self.src.get(at..c.start).unwrap_or(""));
            at = self
                .src
                .get(c.start..)
                .and_then(|s| s.find('\n'))
                .map_or(to, |n| c.start + n);
        }
        if at < to {
            out.push_str(self.src.get(at..to).unwrap_or(""));
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The source just after an offset, past white space and comments.
    fn word_after(&self, at: usize) -> &str {
        let mut rest = self.src.get(at..).unwrap_or("");
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
            if rest.starts_with(['#', '＃']) || rest.starts_with("//") {
                rest = rest.find('\n').map_or("", |n| &rest[n..]);
            } else {
                return rest;
            }
        }
    }

    /// An expression, in parentheses when it binds less tightly than `min`.
    fn expr(&mut self, e: &Expr, min: u8) -> Vec<Doc> {
        let inner = self.bare(e);
        if self.prec(e) < min {
            let mut d = vec![text("(")];
            d.extend(inner);
            d.push(text(")"));
            d
        } else {
            inner
        }
    }

    fn bare(&mut self, e: &Expr) -> Vec<Doc> {
        let mut d = Vec::new();
        match &e.kind {
            ExprKind::Or(..) | ExprKind::And(..) => return self.chain(e, false),
            ExprKind::Not(x) => {
                d.push(text("非 "));
                d.extend(self.expr(x, prec::NOT));
            }
            ExprKind::Compare(op, l, r) => {
                let g = self.gap(l.span.end(), r.span.start);
                let symbol = !matches!(
                    g.as_str(),
                    "" | "达" | "在" | "超过" | "不满" | "是" | "等于" | "为" | "不是" | "不等于"
                );
                d.extend(self.expr(l, prec::ADD));
                let (before, after) = match (op, symbol) {
                    (CmpOp::Ge, false) => (" 达 ", " 以上"),
                    (CmpOp::Le, false) if self.word_after(r.span.end()).starts_with("以内") => {
                        (" 在 ", " 以内")
                    }
                    (CmpOp::Le, false) => (" 在 ", " 以下"),
                    (CmpOp::Gt, false) => (" 超过 ", ""),
                    (CmpOp::Lt, false) => (" 不满 ", ""),
                    (CmpOp::Eq, false) => (" 是 ", ""),
                    (CmpOp::Ne, false) => (" 不是 ", ""),
                    (CmpOp::Ge, true) => (" >= ", ""),
                    (CmpOp::Le, true) => (" <= ", ""),
                    (CmpOp::Gt, true) => (" > ", ""),
                    (CmpOp::Lt, true) => (" < ", ""),
                    (CmpOp::Eq, true) => (" == ", ""),
                    (CmpOp::Ne, true) => (" != ", ""),
                };
                d.push(text(before));
                d.extend(self.expr(r, prec::ADD));
                if !after.is_empty() {
                    d.push(text(after));
                }
            }
            ExprKind::Member { elem, set, negated } => {
                let contains = set.span.start < elem.span.start;
                let (first, second, word) = match (contains, negated) {
                    (true, false) => (set, elem, " 包含 "),
                    (true, true) => (set, elem, " 不包含 "),
                    (false, false) => (elem, set, " 属于 "),
                    (false, true) => (elem, set, " 不属于 "),
                };
                d.extend(self.expr(first, prec::ADD));
                d.push(text(word));
                d.extend(self.expr(second, prec::ADD));
            }
            ExprKind::NonEmpty(x, nonempty) => {
                d.extend(self.expr(x, prec::ADD));
                d.push(text(if *nonempty { " 非空" } else { " 为空" }));
            }
            ExprKind::Within { date, end, period } => {
                d.extend(self.expr(date, prec::ADD));
                d.push(text(" 在 "));
                d.extend(self.expr(end, prec::ADD));
                d.push(text(" 前 "));
                d.extend(self.expr(period, prec::ADD));
                d.push(text(" 以内"));
            }
            ExprKind::Arith(op, l, r) => {
                if *op == ArithOp::Mul && self.is_multiple(l, r) {
                    d.extend(self.expr(l, prec::ATOM));
                    d.push(text(" 的 "));
                    d.extend(self.expr(r, prec::ATOM));
                    d.push(text(" 倍"));
                } else {
                    let (word, left, right) = match op {
                        ArithOp::Add => (" + ", prec::ADD, prec::MUL),
                        ArithOp::Sub => (" - ", prec::ADD, prec::MUL),
                        ArithOp::Mul => (" * ", prec::MUL, prec::NEG),
                        ArithOp::Div => (" / ", prec::MUL, prec::NEG),
                    };
                    d.extend(self.expr(l, left));
                    d.push(text(word));
                    d.extend(self.expr(r, right));
                }
            }
            ExprKind::Neg(x) => {
                d.push(text("-"));
                d.extend(self.expr(x, prec::NEG));
            }
            ExprKind::Aggregate {
                op,
                list,
                field,
                filter,
            } => {
                let word = match op {
                    AggregateOp::Count => "计数",
                    AggregateOp::Sum => "合计",
                    AggregateOp::Exists => "存在",
                    AggregateOp::All => "全部",
                };
                let mut head = format!("{word}({}", list.text);
                if let Some(f) = field {
                    head.push('.');
                    head.push_str(&f.text);
                }
                d.push(text(head));
                if let Some(f) = filter {
                    d.push(text(" 其中 "));
                    d.extend(self.chain(f, false));
                }
                d.push(text(")"));
            }
            ExprKind::Age(birth, on) => {
                d.push(text("周岁("));
                d.extend(self.expr(birth, prec::ADD));
                d.push(text("，"));
                d.extend(self.expr(on, prec::ADD));
                d.push(text(")"));
            }
            ExprKind::Known(x, known) => {
                d.push(text(if *known { "已知(" } else { "未知(" }));
                d.extend(self.expr(x, prec::ADD));
                d.push(text(")"));
            }
            ExprKind::Set(items) => {
                let mut docs = Vec::new();
                for i in items {
                    let x = self.expr(i, prec::ATOM);
                    docs.push(Doc::Group(x));
                }
                d.push(bracketed("{", docs, "}", true));
            }
            ExprKind::Name(n) => d.push(text(n.clone())),
            ExprKind::Lit(kind) => d.push(text(self.literal(kind, e.span))),
        }
        d
    }

    // ------------------------------------------------------------------ leaves

    /// A literal: numbers as written (`30万元` stays `30万元`), the rest canonical.
    fn literal(&self, kind: &LitKind, span: crate::source::Span) -> String {
        match kind {
            LitKind::Bool(true) => "真".into(),
            LitKind::Bool(false) => "假".into(),
            LitKind::Unknown => "待定".into(),
            LitKind::Date(d) => d.format("%Y-%m-%d").to_string(),
            LitKind::Text(t) => self.quote(t, span),
            LitKind::Number(_)
            | LitKind::Int(_)
            | LitKind::Amount(_)
            | LitKind::Times(_)
            | LitKind::Period(_) => {
                unparenthesised(self.src.get(span.start..span.end()).unwrap_or(""))
            }
        }
    }

    /// Quoted text: `“……”` whenever the text allows it (its own Chinese quotes balanced), else
    /// as the source wrote it.
    fn quote(&self, t: &str, span: crate::source::Span) -> String {
        if balanced(t) {
            return format!("“{t}”");
        }
        if !t.contains('"') {
            return format!("\"{t}\"");
        }
        if !t.contains('」') {
            return format!("「{t}」");
        }
        unparenthesised(self.src.get(span.start..span.end()).unwrap_or(""))
    }
}

/// Separates top-level elements: a line break, and an empty line when asked.
fn separate(out: &mut Vec<Doc>, first: &mut bool, blank: bool) {
    if !*first {
        out.push(Doc::HardLine);
        if blank {
            out.push(Doc::HardLine);
        }
    }
    *first = false;
}

/// Items laid out over several lines, which blank lines set apart.
fn spans_lines(item: &Item) -> bool {
    match item {
        Item::Rule(_) | Item::Example(_) | Item::Record(_) => true,
        Item::Param(p) => !p.short,
        Item::Article(_) | Item::Fact(_) | Item::Conclusion(_) => false,
    }
}

/// `{甲，乙}`: the items fill the line and continue under the first (`fill`), or one per line.
fn bracketed(open: &str, items: Vec<Doc>, close: &str, fill: bool) -> Doc {
    let mut parts = Vec::new();
    let last = items.len().saturating_sub(1);
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            parts.push(Doc::SoftLine);
        }
        if i < last {
            parts.push(Doc::Group(vec![item, text("，")]));
        } else {
            parts.push(item);
        }
    }
    let inner = if fill {
        Doc::Fill(parts)
    } else {
        Doc::Indent(0, parts)
    };
    Doc::Group(vec![text(open), Doc::Align(0, vec![inner]), text(close)])
}

/// The operands of a left-leaning chain of `且` (or `或`).
fn flatten(e: &Expr, and: bool) -> Vec<&Expr> {
    let mut out = Vec::new();
    let mut at = e;
    loop {
        match (&at.kind, and) {
            (ExprKind::And(l, r), true) | (ExprKind::Or(l, r), false) => {
                out.push(r.as_ref());
                at = l;
            }
            _ => {
                out.push(at);
                break;
            }
        }
    }
    out.reverse();
    out
}

/// Whether a text's own Chinese quotes nest properly, so that it can stand in `“……”`.
fn balanced(t: &str) -> bool {
    let mut depth = 0usize;
    for c in t.chars() {
        match c {
            '“' => depth += 1,
            '”' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

/// A literal's source without the parentheses a term may carry.
fn unparenthesised(s: &str) -> String {
    let mut s = s.trim();
    while let (Some(inner), true) = (s.strip_prefix(['(', '（']), s.ends_with([')', '）'])) {
        s = inner.strip_suffix([')', '）']).unwrap_or(inner).trim();
    }
    s.to_string()
}

fn validity(v: &ParamVersion) -> String {
    let mut s = String::new();
    if let Some(f) = &v.from {
        s.push_str(&format!(" 自 {}", f.date.format("%Y-%m-%d")));
    }
    if let Some(u) = &v.until {
        s.push_str(&format!(" 至 {}", u.date.format("%Y-%m-%d")));
    }
    s
}

/// A type as the canonical layout writes it.
fn type_text(t: &TypeExpr) -> String {
    match &t.kind {
        TypeKind::Bool => "布尔".into(),
        TypeKind::Int => "整数".into(),
        TypeKind::Amount => "金额".into(),
        TypeKind::Date => "日期".into(),
        TypeKind::Period => "期间".into(),
        TypeKind::Text => "文本".into(),
        TypeKind::Tri => "三值".into(),
        TypeKind::Modality => "情态".into(),
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
        TypeKind::List(name) => format!("列表<{}>", name.text),
    }
}
