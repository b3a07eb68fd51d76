//! The one place where `ruling serve` calls into the rest of the library: loading a rule set,
//! reading a case, evaluating it and building the report, exactly as `ruling eval`, `ruling
//! explain` and `ruling batch` do (same case reader, same report builder, same batch line), so
//! that the service answers byte for byte what the command line prints. Everything else in
//! `serve` sees only the plain types and JSON values this file hands out; when the library's
//! entry points move, this file is the one to change.

use crate::batch::{too_long_line, Batch, Worker};
use crate::case::{self, CaseFormat};
use crate::diag::{self, did_you_mean, Code, Diagnostic};
use crate::program::{ConclusionKind, Type, MODALITY};
use crate::report;
use crate::rules::{Options, Rules, RulesSpec};
use crate::source::Sources;
use crate::syntax::ast::CitationPath;
use serde_json::{json, Map, Value as J};
use std::path::PathBuf;
use std::time::SystemTime;

/// The longest line `/v1/batch` evaluates, as `ruling batch` (a case file's limit).
pub const MAX_LINE_BYTES: usize = case::MAX_CASE_BYTES;

/// A compiled rule set, ready to answer requests; shared by every request that started while it
/// was the one in use.
#[derive(Debug)]
pub struct Engine {
    rules: Rules,
    loaded_at: SystemTime,
}

/// Why a rule set could not be loaded: its error diagnostics, as JSON objects (message, help,
/// place) and as the text `ruling check` prints.
#[derive(Debug, Clone)]
pub struct Rejection {
    /// One object per diagnostic.
    pub diagnostics: Vec<J>,
    /// The diagnostics drawn as `ruling check` draws them.
    pub rendered: String,
}

/// What is wrong with a request's content, in the words of the command line.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Which answer it calls for.
    pub kind: ProblemKind,
    /// Each problem: (message, help).
    pub items: Vec<(String, Option<String>)>,
}

/// The kinds of [`Problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The body is not JSON (or TOML) at all.
    Malformed,
    /// The body parses but the case reader refuses it (unknown key, wrong type…).
    Refused,
}

impl Problem {
    fn malformed(message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            kind: ProblemKind::Malformed,
            items: vec![(message.into(), Some(help.into()))],
        }
    }

    fn refused(message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            kind: ProblemKind::Refused,
            items: vec![(message.into(), Some(help.into()))],
        }
    }

    /// The case reader's diagnostics: a syntax error means the text is malformed.
    fn from_diags(diags: &[Diagnostic]) -> Problem {
        let kind = if diags.iter().any(|d| d.code == Code::Syntax) {
            ProblemKind::Malformed
        } else {
            ProblemKind::Refused
        };
        Problem {
            kind,
            items: diags
                .iter()
                .map(|d| (d.message.clone(), d.help.clone()))
                .collect(),
        }
    }
}

impl Engine {
    /// Reads and checks the rule set the command line would use for `--rules` and `--amend`.
    pub fn load(spec: &RulesSpec) -> Result<Engine, Rejection> {
        match Rules::load(spec) {
            Ok(rules) => Ok(Engine {
                rules,
                loaded_at: SystemTime::now(),
            }),
            Err(rejected) => {
                let errors: Vec<Diagnostic> = rejected
                    .diagnostics
                    .into_iter()
                    .filter(Diagnostic::is_error)
                    .collect();
                Err(rejection(&errors, &rejected.sources))
            }
        }
    }

    /// The rule set's fingerprint.
    pub fn fingerprint(&self) -> &str {
        &self.rules.set().fingerprint
    }

    /// Where the rule set came from: its folder, or `embedded`.
    pub fn origin(&self) -> &str {
        &self.rules.set().origin
    }

    /// The folder to watch for edits (none for the embedded rules).
    pub fn dir(&self) -> Option<PathBuf> {
        self.rules.set().dir.clone()
    }

    /// `ruling eval --format json` of one JSON case: the same text, line break included.
    pub fn eval(&self, body: &[u8], closed_world: bool) -> Result<String, Problem> {
        let text = utf8(body)?;
        let case = self
            .rules
            .read_case(text, CaseFormat::Json)
            .map_err(|d| Problem::from_diags(&d))?;
        let evaluated = self.rules.evaluate(
            &case,
            Options {
                closed_world,
                needs: true,
                explain: true,
            },
        );
        let report = report::build(&evaluated);
        let mut out = serde_json::to_string_pretty(&report::to_json(&report)).unwrap_or_default();
        out.push('\n');
        Ok(out)
    }

    /// `ruling explain` of `{"case": {…}, "conclusion": "名称"}`: the text the command line
    /// prints, with the conclusion's value beside it.
    pub fn explain(&self, body: &[u8], closed_world: bool) -> Result<J, Problem> {
        let text = utf8(body)?;
        let doc: J = serde_json::from_str(text).map_err(|e| {
            Problem::malformed(
                format!(
                    "JSON 格式错误（第 {} 行第 {} 列）：{e}",
                    e.line(),
                    e.column()
                ),
                "请检查引号、逗号和括号是否成对",
            )
        })?;
        let example =
            "例如：{\"case\": {\"行为日期\": \"2025-06-18\"}, \"conclusion\": \"情节严重\"}";
        let Some(name) = doc.get("conclusion").and_then(J::as_str) else {
            return Err(Problem::refused(
                "请求中缺少“conclusion”（要说明的结论名称）",
                example,
            ));
        };
        let Some(raw_case) = doc.get("case") else {
            return Err(Problem::refused("请求中缺少“case”（案件）", example));
        };
        let Some(&c) = self.rules.program().conclusion_index.get(name) else {
            let names = self
                .rules
                .program()
                .conclusions
                .iter()
                .map(|c| c.name.as_str());
            let help = match did_you_mean(name, names) {
                Some(s) => format!("是否应为“{s}”？"),
                None => format!(
                    "可选的结论：{}",
                    self.rules
                        .program()
                        .conclusions
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            };
            return Err(Problem::refused(format!("没有名为“{name}”的结论"), help));
        };
        let case = case::case_from_raw(self.rules.program(), &case::Raw::from_json(raw_case))
            .map_err(|d| Problem::from_diags(&d))?;
        let evaluated = self.rules.evaluate(
            &case,
            Options {
                closed_world,
                needs: true,
                explain: true,
            },
        );
        let set = self.rules.set();
        let text = format!(
            "案件：{}\n规则集：{}（指纹 {}）\n\n{}",
            case.id.as_deref().unwrap_or("（未编号）"),
            set.origin,
            set.fingerprint,
            report::explain(&evaluated, c)
        );
        let closed = evaluated.closed_world;
        let value = report::conclusion_value(self.rules.program(), &evaluated.outcome, c);
        Ok(json!({
            "rules": self.rules_brief(),
            "case": case.id,
            "conclusion": name,
            "value": value,
            "closed_world": closed,
            "text": text,
        }))
    }

    /// A case (JSON or TOML) as the case reader understood it, written back as JSON with each
    /// fact's value in its plain form: the page loads case files through this.
    pub fn case_json(&self, body: &[u8], toml: bool) -> Result<J, Problem> {
        let text = utf8(body)?;
        let format = if toml {
            CaseFormat::Toml
        } else {
            CaseFormat::Json
        };
        let case = case::parse_case(self.rules.program(), text, format)
            .map_err(|d| Problem::from_diags(&d))?;
        let mut out = Map::new();
        if let Some(id) = &case.id {
            out.insert("案件".into(), J::String(id.clone()));
        }
        if let Some(note) = &case.note {
            out.insert("说明".into(), J::String(note.clone()));
        }
        if case.closed_world {
            out.insert("封闭世界".into(), J::Bool(true));
        }
        for (def, value) in self.rules.program().facts.iter().zip(&case.facts) {
            if value.is_known() {
                out.insert(
                    def.name.clone(),
                    report::fact_json(self.rules.program(), def.ty, value),
                );
            }
        }
        Ok(J::Object(out))
    }

    /// Evaluates lines of a batch as `ruling batch` does, appending one result line per
    /// non-blank line to `out`. Each line is (line number, text, too long to keep).
    pub fn batch_lines<'l>(
        &self,
        closed_world: bool,
        lines: impl IntoIterator<Item = (u64, &'l [u8], bool)>,
        out: &mut Vec<u8>,
    ) {
        let batch = Batch::new(&self.rules, closed_world);
        let mut worker = Worker::new(&self.rules);
        for (number, text, too_long) in lines {
            if too_long {
                too_long_line(out, number);
            } else {
                batch.line(&mut worker, number, text, out);
            }
        }
    }

    /// `{"source": …, "fingerprint": …}`, as in the JSON of `ruling eval`.
    pub fn rules_brief(&self) -> J {
        let set = self.rules.set();
        json!({"source": set.origin, "fingerprint": set.fingerprint})
    }

    /// The rule set for `/v1/rules`: origin, fingerprint, when it was loaded, its files.
    pub fn rules_json(&self) -> J {
        let set = self.rules.set();
        let files: Vec<J> = set
            .sources
            .files
            .iter()
            .map(|f| json!({"name": f.name, "bytes": f.text.len()}))
            .collect();
        json!({
            "source": set.origin,
            "fingerprint": set.fingerprint,
            "loaded_at": timestamp(self.loaded_at),
            "watched": set.dir.is_some(),
            "files": files,
        })
    }

    /// What a case may give and what the rules conclude, for `/v1/facts`, the page's form and
    /// the OpenAPI schemas: every fact with its type, description and the article it belongs
    /// to (the first provision whose rules read it), the groups in order, every conclusion.
    pub fn facts_json(&self) -> J {
        let p = self.rules.program();
        // The article of each fact: the first rule, in source order, that reads it and cites.
        let mut group_of: Vec<Option<CitationPath>> = vec![None; p.facts.len()];
        for rule in &p.rules {
            let Some(cite) = rule.cite.and_then(|c| p.citations.get(c as usize)) else {
                continue;
            };
            let mut article = cite.clone();
            article.paragraph = None;
            article.item = None;
            for f in &rule.reads_facts {
                if let Some(slot @ None) = group_of.get_mut(*f) {
                    *slot = Some(article.clone());
                }
            }
        }
        let mut groups: Vec<CitationPath> = group_of.iter().flatten().cloned().collect();
        groups.sort_by(|a, b| {
            let key = |c: &CitationPath| (c.doc != "法发〔2025〕12号", c.doc.clone(), c.article);
            key(a).cmp(&key(b))
        });
        groups.dedup();
        let mut group_json: Vec<J> = groups
            .iter()
            .map(|g| {
                let members: Vec<&str> = p
                    .facts
                    .iter()
                    .zip(&group_of)
                    .filter(|(_, of)| of.as_ref() == Some(g))
                    .map(|(f, _)| f.name.as_str())
                    .collect();
                json!({
                    "cite": g.to_string(),
                    "text": p.articles.get(g),
                    "facts": members,
                })
            })
            .collect();
        let unread: Vec<&str> = p
            .facts
            .iter()
            .zip(&group_of)
            .filter(|(_, of)| of.is_none())
            .map(|(f, _)| f.name.as_str())
            .collect();
        if !unread.is_empty() {
            group_json.push(json!({"cite": null, "text": null, "facts": unread}));
        }
        let facts: Vec<J> = p
            .facts
            .iter()
            .zip(&group_of)
            .map(|(f, g)| {
                json!({
                    "name": f.name,
                    "doc": f.doc,
                    "type": self.type_json(f.ty),
                    "article": g.as_ref().map(ToString::to_string),
                })
            })
            .collect();
        let conclusions: Vec<J> = p
            .conclusions
            .iter()
            .map(|c| {
                let (kind, words) = match c.kind {
                    ConclusionKind::Tri => ("tri", None),
                    ConclusionKind::Word(e) if e == MODALITY => ("modality", Some(p.words(e))),
                    ConclusionKind::Word(e) => ("enum", Some(p.words(e))),
                    ConclusionKind::Cites => ("cites", None),
                    ConclusionKind::Texts => ("texts", None),
                };
                let mut o = json!({"name": c.name, "doc": c.doc, "kind": kind});
                if let (Some(words), Some(obj)) = (words, o.as_object_mut()) {
                    obj.insert("words".into(), json!(words));
                }
                o
            })
            .collect();
        json!({
            "rules": self.rules_brief(),
            "groups": group_json,
            "facts": facts,
            "conclusions": conclusions,
            "reserved": case::RESERVED_KEYS,
        })
    }

    /// A type as `{"kind": …}` with its words or record fields.
    fn type_json(&self, ty: Type) -> J {
        let p = self.rules.program();
        let name = p.type_name(ty);
        match ty {
            Type::Bool => json!({"kind": "bool", "name": name}),
            Type::Int => json!({"kind": "int", "name": name}),
            Type::Amount => json!({"kind": "amount", "name": name}),
            Type::Times | Type::Number => json!({"kind": "number", "name": name}),
            Type::Date => json!({"kind": "date", "name": name}),
            Type::Period => json!({"kind": "period", "name": name}),
            Type::Text | Type::Cites | Type::Texts | Type::Any => {
                json!({"kind": "text", "name": name})
            }
            Type::Enum(e) => json!({"kind": "enum", "name": name, "words": p.words(e)}),
            Type::Words(e) => json!({"kind": "set", "name": name, "words": p.words(e)}),
            Type::List(r) => {
                let fields: Vec<J> = p
                    .fields(r)
                    .iter()
                    .map(|(n, t)| json!({"name": n, "type": self.type_json(*t)}))
                    .collect();
                json!({
                    "kind": "list",
                    "name": name,
                    "record": p.records.get(r).map(|r| r.name.clone()),
                    "fields": fields,
                })
            }
        }
    }
}

/// The text of a body, or why it is not text.
fn utf8(body: &[u8]) -> Result<&str, Problem> {
    std::str::from_utf8(body).map_err(|e| {
        Problem::malformed(
            format!(
                "请求体不是有效的 UTF-8 文本（第 {} 个字节起）",
                e.valid_up_to()
            ),
            "请用 UTF-8 编码发送案件",
        )
    })
}

/// Diagnostics as JSON objects and as text.
fn rejection(diags: &[Diagnostic], sources: &Sources) -> Rejection {
    let diagnostics = diags
        .iter()
        .map(|d| {
            let place = d.span.and_then(|span| {
                let file = sources.get(span.file)?;
                let (line, col) = sources.line_col(span.file, span.start);
                Some(format!("{}:{line}:{col}", file.name))
            });
            json!({
                "code": d.code.as_str(),
                "message": d.message,
                "help": d.help,
                "place": place,
            })
        })
        .collect();
    Rejection {
        diagnostics,
        rendered: diag::render(diags, sources),
    }
}

/// A time as `2026-01-31T12:00:00Z` (UTC, whole seconds).
pub fn timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}
