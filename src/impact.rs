//! The impact of an amendment: the same cases under two rule sets (the one in force and an
//! amended one); every case whose conclusions differ, conclusion by conclusion, old → new, with
//! the rules whose outcome changed and the thresholds they used; then a summary, as text,
//! Markdown or JSON.
//!
//! Cases are case files (`.toml`, `.json`) or `.jsonl` files with one JSON case per line. A case
//! is read separately against each rule set, so an amendment that adds or renames a fact shows
//! up as a bad case rather than as a silent change.

use crate::case::{self, Case, CaseFormat};
use crate::diag::Diagnostic;
use crate::eval::{Outcome, RuleStatus};
use crate::program::Program;
use crate::report::{conclusion_value, shown, RulesInfo};
use crate::rules::{Options, Rules};
use crate::source::{read_text, ReadFailure};
use serde_json::{json, Value as J};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A conclusion that changed: its name, the old and new values (`None`: not in that rule set).
#[derive(Debug)]
struct ConclusionChange {
    name: String,
    old: Option<J>,
    new: Option<J>,
}

/// A rule whose outcome changed, with the parameters it read whose value changed.
#[derive(Debug)]
struct RuleChange {
    name: String,
    cite: String,
    old: &'static str,
    new: &'static str,
    params: Vec<(String, String, String)>,
}

/// One case whose conclusions changed.
#[derive(Debug)]
struct CaseChange {
    label: String,
    case: String,
    conclusions: Vec<ConclusionChange>,
    rules: Vec<RuleChange>,
}

/// The whole comparison.
#[derive(Debug)]
pub struct Impact {
    base: RulesInfo,
    rules: RulesInfo,
    /// Cases read (every line of a `.jsonl` file counts).
    pub read: usize,
    changed: Vec<CaseChange>,
    /// Cases that could not be read against one or both rule sets, with the messages.
    pub bad: Vec<(String, Vec<String>)>,
}

impl Impact {
    /// Reads every case of `files` against both rule sets and keeps the cases that differ.
    pub fn compare(old: &Rules, new: &Rules, files: &[PathBuf], closed_world: bool) -> Impact {
        let mut impact = Impact {
            base: RulesInfo::of(old.set()),
            rules: RulesInfo::of(new.set()),
            read: 0,
            changed: Vec::new(),
            bad: Vec::new(),
        };
        for path in files {
            for (label, cases) in read_cases(old.program(), new.program(), path) {
                impact.read += 1;
                match cases {
                    Ok((a, b)) => {
                        if let Some(change) = compare(old, new, &a, &b, label.clone(), closed_world)
                        {
                            impact.changed.push(change);
                        }
                    }
                    Err(messages) => impact.bad.push((label, messages)),
                }
            }
        }
        impact
    }

    /// The comparison as a Chinese text report.
    pub fn to_text(&self) -> String {
        to_text(self)
    }

    /// The comparison as Markdown.
    pub fn to_markdown(&self) -> String {
        to_markdown(self)
    }

    /// The comparison as JSON.
    pub fn to_json(&self) -> J {
        to_json(self)
    }
}

/// The largest `.jsonl` file `impact` reads whole (a batch of any size is streamed by
/// `ruling batch`).
pub const MAX_JSONL_BYTES: u64 = 256 * 1024 * 1024;

type Pair = Result<(Case, Case), Vec<String>>;

/// The cases of one input file, each read against both rule sets.
fn read_cases(old: &Program, new: &Program, path: &Path) -> Vec<(String, Pair)> {
    let messages = |diags: Vec<Diagnostic>, which: &str| -> Vec<String> {
        diags
            .into_iter()
            .map(|d| match d.help {
                Some(h) => format!("（{which}）{}；提示：{h}", d.message),
                None => format!("（{which}）{}", d.message),
            })
            .collect()
    };
    let both = |a: Result<Case, Vec<Diagnostic>>, b: Result<Case, Vec<Diagnostic>>| -> Pair {
        match (a, b) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            (Err(e), Ok(_)) => Err(messages(e, "原规则集")),
            (Ok(_), Err(e)) => Err(messages(e, "新规则集")),
            (Err(e), Err(_)) => Err(messages(e, "两个规则集")),
        }
    };
    if path.extension().is_some_and(|e| e == "jsonl") {
        let text = match read_text(path, MAX_JSONL_BYTES) {
            Ok(t) => t,
            Err(failure) => {
                let message = match failure {
                    ReadFailure::Io(e) => format!("无法读取：{e}"),
                    ReadFailure::TooLarge => format!(
                        "超过 {} MiB，未读取；请拆成几个文件",
                        MAX_JSONL_BYTES / 1024 / 1024
                    ),
                    ReadFailure::NotUtf8 { valid } => format!(
                        "不是有效的 UTF-8 文本（第 {} 个字节起）；请用 UTF-8 编码保存",
                        valid.len()
                    ),
                };
                return vec![(path.display().to_string(), Err(vec![message]))];
            }
        };
        return text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| {
                let label = format!("{}:{}", path.display(), i + 1);
                let pair = both(
                    case::parse_case(old, line, CaseFormat::Json),
                    case::parse_case(new, line, CaseFormat::Json),
                );
                (label, pair)
            })
            .collect();
    }
    let label = path.display().to_string();
    vec![(
        label,
        both(
            case::read_file(old, path).map_err(case::CaseErrors::placed),
            case::read_file(new, path).map_err(case::CaseErrors::placed),
        ),
    )]
}

/// The differences of one case, or `None` when its conclusions are all the same.
fn compare(
    old_rules: &Rules,
    new_rules: &Rules,
    a: &Case,
    b: &Case,
    label: String,
    closed_world: bool,
) -> Option<CaseChange> {
    let options = Options {
        closed_world,
        needs: false,
        explain: false,
    };
    let x = old_rules.evaluate(a, options).outcome;
    let y = new_rules.evaluate(b, options).outcome;
    let (old, new) = (old_rules.program(), new_rules.program());
    let value = |program: &Program, outcome: &Outcome, name: &str| {
        program
            .conclusion_index
            .get(name)
            .map(|&c| conclusion_value(program, outcome, c))
    };
    let mut names: Vec<&str> = new.conclusions.iter().map(|c| c.name.as_str()).collect();
    names.extend(
        old.conclusions
            .iter()
            .map(|c| c.name.as_str())
            .filter(|n| !new.conclusion_index.contains_key(*n)),
    );
    let conclusions: Vec<ConclusionChange> = names
        .into_iter()
        .filter_map(|name| {
            let (o, n) = (value(old, &x, name), value(new, &y, name));
            (o != n).then(|| ConclusionChange {
                name: name.to_string(),
                old: o,
                new: n,
            })
        })
        .collect();
    if conclusions.is_empty() {
        return None;
    }
    let path_stem = Path::new(&label)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(CaseChange {
        case: b.id.clone().or_else(|| a.id.clone()).unwrap_or(path_stem),
        label,
        conclusions,
        rules: rule_changes(old, &x, new, &y),
    })
}

/// Rules (matched by name) whose outcome differs, with the parameters they read whose value
/// in force differs.
fn rule_changes(old: &Program, x: &Outcome, new: &Program, y: &Outcome) -> Vec<RuleChange> {
    let old_index: BTreeMap<&str, usize> = old
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.as_str(), i))
        .collect();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, rule) in new.rules.iter().enumerate() {
        seen.insert(rule.name.as_str());
        let after = RuleStatus::word(y.rules.get(i).copied().flatten());
        let (before, params) = match old_index.get(rule.name.as_str()) {
            Some(&j) => (
                RuleStatus::word(x.rules.get(j).copied().flatten()),
                param_changes(old, x, j, new, y, i),
            ),
            None if after == "成立" => ("（无此规则）", Vec::new()),
            None => continue,
        };
        if before != after {
            out.push(RuleChange {
                name: rule.name.clone(),
                cite: rule.cite.map(|c| new.cite(c)).unwrap_or_default(),
                old: before,
                new: after,
                params,
            });
        }
    }
    for (j, rule) in old.rules.iter().enumerate() {
        if !seen.contains(rule.name.as_str())
            && x.rules.get(j).copied().flatten() == Some(RuleStatus::Fired)
        {
            out.push(RuleChange {
                name: rule.name.clone(),
                cite: rule.cite.map(|c| old.cite(c)).unwrap_or_default(),
                old: "成立",
                new: "（已删除）",
                params: Vec::new(),
            });
        }
    }
    // The rules whose thresholds changed first: they are usually the cause of the rest.
    out.sort_by_key(|r| r.params.is_empty());
    out
}

/// The value of a parameter in force for a case, as the rule file writes it.
fn param_value(program: &Program, outcome: &Outcome, p: usize) -> String {
    program
        .params
        .get(p)
        .and_then(|def| {
            let v = outcome.params.get(p)?.version?;
            def.versions.get(v).map(|v| v.shown.clone())
        })
        .unwrap_or_else(|| "待定".into())
}

fn param_changes(
    old: &Program,
    x: &Outcome,
    old_rule: usize,
    new: &Program,
    y: &Outcome,
    new_rule: usize,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let (Some(a), Some(b)) = (old.rules.get(old_rule), new.rules.get(new_rule)) else {
        return out;
    };
    for &q in &b.reads_params {
        let Some(def) = new.params.get(q) else {
            continue;
        };
        let after = param_value(new, y, q);
        let before = a
            .reads_params
            .iter()
            .find(|&&p| old.params.get(p).is_some_and(|d| d.name == def.name))
            .map_or_else(|| "（无此参数）".to_string(), |&p| param_value(old, x, p));
        if before != after {
            out.push((def.name.clone(), before, after));
        }
    }
    out
}

/// A change for people: `是 → 否`; for sets, what was taken out and what was added.
fn change_text(old: &Option<J>, new: &Option<J>) -> String {
    if let (Some(J::Array(a)), Some(J::Array(b))) = (old, new) {
        let words = |xs: Vec<&J>| -> String {
            xs.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join("、")
        };
        let removed = words(a.iter().filter(|x| !b.contains(x)).collect());
        let added = words(b.iter().filter(|x| !a.contains(x)).collect());
        let mut parts = Vec::new();
        if !removed.is_empty() {
            parts.push(format!("减去 {removed}"));
        }
        if !added.is_empty() {
            parts.push(format!("加上 {added}"));
        }
        return parts.join("，");
    }
    format!("{} → {}", value_text(old), value_text(new))
}

fn value_text(v: &Option<J>) -> String {
    match v {
        Some(v) => shown(v),
        None => "（无此结论）".into(),
    }
}

/// One conclusion's line of the summary: its name, how many cases changed, and how often each
/// change (old → new) occurred.
type SummaryRow = (String, usize, Vec<(String, usize)>);

/// Per conclusion: how many cases changed, and how often each change occurred.
fn summary(impact: &Impact) -> Vec<SummaryRow> {
    let mut order: Vec<String> = Vec::new();
    let mut counts: BTreeMap<String, (usize, BTreeMap<String, usize>)> = BTreeMap::new();
    for case in &impact.changed {
        for c in &case.conclusions {
            if !counts.contains_key(&c.name) {
                order.push(c.name.clone());
            }
            let entry = counts.entry(c.name.clone()).or_default();
            entry.0 += 1;
            let change = change_text(&c.old, &c.new);
            *entry.1.entry(change).or_default() += 1;
        }
    }
    order
        .into_iter()
        .filter_map(|name| {
            let (n, changes) = counts.remove(&name)?;
            let mut changes: Vec<(String, usize)> = changes.into_iter().collect();
            changes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            Some((name, n, changes))
        })
        .collect()
}

fn to_text(impact: &Impact) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "规则修改影响评估");
    let _ = writeln!(
        s,
        "原规则集 {}（指纹 {}）",
        impact.base.source, impact.base.fingerprint
    );
    let _ = writeln!(
        s,
        "新规则集 {}（指纹 {}）",
        impact.rules.source, impact.rules.fingerprint
    );
    for case in &impact.changed {
        let _ = writeln!(s, "\n案件 {}（{}）", case.case, case.label);
        for c in &case.conclusions {
            let _ = writeln!(s, "  {}：{}", c.name, change_text(&c.old, &c.new));
        }
        if !case.rules.is_empty() {
            let _ = writeln!(s, "  规则变化：");
            for r in &case.rules {
                let cite = if r.cite.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", r.cite)
                };
                let _ = writeln!(s, "    {}{cite}：{} → {}", r.name, r.old, r.new);
                for (p, a, b) in &r.params {
                    let _ = writeln!(s, "      参数 {p}：{a} → {b}");
                }
            }
        }
    }
    let unchanged = impact.read - impact.changed.len() - impact.bad.len();
    let _ = writeln!(
        s,
        "\n合计：读入 {} 件，结论有变化 {} 件，无变化 {} 件，案件文件有误 {} 件。",
        impact.read,
        impact.changed.len(),
        unchanged,
        impact.bad.len()
    );
    let rows = summary(impact);
    if !rows.is_empty() {
        let _ = writeln!(s, "各结论的变化：");
        for (name, n, changes) in rows {
            let detail: Vec<String> = changes.iter().map(|(c, k)| format!("{c} {k} 件")).collect();
            let _ = writeln!(s, "  {name}：{n} 件（{}）", detail.join("；"));
        }
    }
    s
}

fn to_markdown(impact: &Impact) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# 规则修改影响评估\n");
    let _ = writeln!(
        s,
        "- 原规则集：`{}`（指纹 `{}`）",
        impact.base.source, impact.base.fingerprint
    );
    let _ = writeln!(
        s,
        "- 新规则集：`{}`（指纹 `{}`）",
        impact.rules.source, impact.rules.fingerprint
    );
    for case in &impact.changed {
        let _ = writeln!(s, "\n## {}\n\n`{}`\n", case.case, case.label);
        let _ = writeln!(s, "| 结论 | 原 | 新 |\n|---|---|---|");
        for c in &case.conclusions {
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                c.name,
                value_text(&c.old),
                value_text(&c.new)
            );
        }
        if !case.rules.is_empty() {
            let _ = writeln!(s, "\n规则变化：\n");
            for r in &case.rules {
                let params: Vec<String> = r
                    .params
                    .iter()
                    .map(|(p, a, b)| format!("{p} {a} → {b}"))
                    .collect();
                let params = if params.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", params.join("；"))
                };
                let _ = writeln!(
                    s,
                    "- {}（{}）：{} → {}{params}",
                    r.name, r.cite, r.old, r.new
                );
            }
        }
    }
    let unchanged = impact.read - impact.changed.len() - impact.bad.len();
    let _ = writeln!(
        s,
        "\n## 汇总\n\n读入 {} 件，结论有变化 {} 件，无变化 {} 件，案件文件有误 {} 件。\n",
        impact.read,
        impact.changed.len(),
        unchanged,
        impact.bad.len()
    );
    let rows = summary(impact);
    if !rows.is_empty() {
        let _ = writeln!(s, "| 结论 | 变化件数 | 变化 |\n|---|---|---|");
        for (name, n, changes) in rows {
            let detail: Vec<String> = changes
                .iter()
                .map(|(c, k)| format!("{c}：{k} 件"))
                .collect();
            let _ = writeln!(s, "| {name} | {n} | {} |", detail.join("；"));
        }
    }
    if !impact.bad.is_empty() {
        let _ = writeln!(s, "\n## 案件文件有误\n");
        for (label, messages) in &impact.bad {
            let _ = writeln!(s, "- `{label}`：{}", messages.join("；"));
        }
    }
    s
}

fn to_json(impact: &Impact) -> J {
    let cases: Vec<J> = impact
        .changed
        .iter()
        .map(|c| {
            let conclusions: Vec<J> = c
                .conclusions
                .iter()
                .map(|x| json!({"conclusion": x.name, "old": x.old, "new": x.new}))
                .collect();
            let rules: Vec<J> = c
                .rules
                .iter()
                .map(|r| {
                    let params: Vec<J> = r
                        .params
                        .iter()
                        .map(|(p, a, b)| json!({"param": p, "old": a, "new": b}))
                        .collect();
                    json!({"rule": r.name, "cite": r.cite, "old": r.old, "new": r.new, "params": params})
                })
                .collect();
            json!({"case": c.case, "file": c.label, "conclusions": conclusions, "rules": rules})
        })
        .collect();
    let per_conclusion: serde_json::Map<String, J> = summary(impact)
        .into_iter()
        .map(|(name, n, changes)| {
            let changes: serde_json::Map<String, J> =
                changes.into_iter().map(|(c, k)| (c, json!(k))).collect();
            (name, json!({"cases": n, "changes": changes}))
        })
        .collect();
    let errors: Vec<J> = impact
        .bad
        .iter()
        .map(|(label, messages)| json!({"file": label, "errors": messages}))
        .collect();
    json!({
        "base": {"source": impact.base.source, "fingerprint": impact.base.fingerprint},
        "rules": {"source": impact.rules.source, "fingerprint": impact.rules.fingerprint},
        "cases": cases,
        "errors": errors,
        "summary": {
            "read": impact.read,
            "changed": impact.changed.len(),
            "bad": impact.bad.len(),
            "conclusions": per_conclusion,
        },
    })
}
