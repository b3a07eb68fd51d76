//! The derivation tree of one conclusion as data (`ruling explain --format json`) and as a
//! Markdown list drawn from that data (`--format markdown`): the same tree the text form of
//! [`super::explain`] prints, for case-management systems and for memos.

use super::{basis, conclusion_value, shown};
use crate::eval::RuleStatus;
use crate::rules::Evaluated;
use serde_json::{json, Value as J};
use std::fmt::Write as _;

/// The tree of one conclusion: `{"conclusion", "value", "shown", "needs", "rules": [{"rule",
/// "cite", "status", "status_text", "condition", "facts", "params", "computed", "unless",
/// "uses": [tree…]}]}`; a conclusion already expanded higher up is given as
/// `{"conclusion", "value", "shown", "see_above": true}`.
pub fn explain_json(ev: &Evaluated<'_>, conclusion: usize) -> J {
    let mut seen = vec![false; ev.program().conclusions.len()];
    node(ev, conclusion, &mut seen)
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn node(ev: &Evaluated<'_>, c: usize, seen: &mut [bool]) -> J {
    let (program, facts, outcome) = (ev.program(), &ev.facts, &ev.outcome);
    let Some(def) = program.conclusions.get(c) else {
        return J::Null;
    };
    let value = conclusion_value(program, outcome, c);
    let mut out = json!({"conclusion": def.name, "shown": shown(&value), "value": value});
    if seen.get(c).copied().unwrap_or(true) {
        out["see_above"] = json!(true);
        return out;
    }
    if let Some(s) = seen.get_mut(c) {
        *s = true;
    }
    let needs = outcome
        .needs
        .get(c)
        .map(|n| {
            n.iter()
                .filter_map(|f| program.facts.get(*f).map(|d| d.name.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    out["needs"] = json!(needs);
    let mut rules = Vec::new();
    for &r in &def.rules {
        let Some(rule) = program.rules.get(r) else {
            continue;
        };
        let (status, text) = match outcome.rules.get(r).copied().flatten() {
            Some(RuleStatus::Fired) => ("fired", "成立".to_string()),
            Some(RuleStatus::NotApplicable) => ("not_applicable", "不成立（条件不满足）".into()),
            Some(RuleStatus::DefeatedByUnless(u)) => {
                let t = rule
                    .unless
                    .get(u)
                    .map_or(String::new(), |e| squash(program.sources.snippet(e.span)));
                ("defeated", format!("被排除（除非 {t}）"))
            }
            Some(RuleStatus::DefeatedByRule(x)) => {
                let name = program.rules.get(x).map_or("?", |x| x.name.as_str());
                ("defeated", format!("被排除（规则“{name}”优先）"))
            }
            Some(RuleStatus::Undecided) => ("undecided", "待定（所需事实未知）".into()),
            None => ("not_evaluated", "未评估".into()),
        };
        let mut entry = json!({
            "rule": rule.name,
            "cite": rule.cite.map(|c| program.cite(c)).unwrap_or_default(),
            "status": status,
            "status_text": text,
            "condition": squash(program.sources.snippet(rule.when.span)),
            "unless": rule.unless.iter().map(|u| squash(program.sources.snippet(u.span))).collect::<Vec<_>>(),
        });
        if let Some(b) = basis(program, facts, outcome, r) {
            let pairs = |v: &[(String, String)]| {
                v.iter()
                    .map(|(n, s)| json!({"name": n, "shown": s}))
                    .collect::<Vec<_>>()
            };
            entry["facts"] = J::Array(
                b.facts
                    .iter()
                    .map(|(n, v, s)| json!({"name": n, "value": v, "shown": s}))
                    .collect(),
            );
            entry["params"] = json!(pairs(&b.params));
            entry["computed"] = json!(pairs(&b.computed));
        }
        let uses: Vec<J> = rule
            .reads_conclusions
            .iter()
            .map(|&d| node(ev, d, seen))
            .collect();
        entry["uses"] = J::Array(uses);
        rules.push(entry);
    }
    out["rules"] = J::Array(rules);
    out
}

/// The tree as a Markdown nested list, under a heading naming the case and the rule set.
pub fn explain_markdown(tree: &J, case: &str, rules: &str) -> String {
    let mut out = format!(
        "# 结论“{}”的推导\n\n- 案件：{case}\n- 规则集：{rules}\n\n",
        tree["conclusion"].as_str().unwrap_or("")
    );
    md_node(tree, 0, &mut out);
    out
}

fn md_node(n: &J, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let name = n["conclusion"].as_str().unwrap_or("");
    let _ = writeln!(
        out,
        "{pad}- **{name}** = {}",
        n["shown"].as_str().unwrap_or("")
    );
    if n["see_above"] == json!(true) {
        let _ = writeln!(out, "{pad}  （推导见上）");
        return;
    }
    let needs: Vec<&str> = n["needs"]
        .as_array()
        .map(|a| a.iter().filter_map(J::as_str).collect())
        .unwrap_or_default();
    if !needs.is_empty() {
        let _ = writeln!(out, "{pad}  - 尚需查明：{}", needs.join("、"));
    }
    for r in n["rules"].as_array().map_or(&[][..], |a| &a[..]) {
        let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
        let _ = writeln!(
            out,
            "{pad}  - 规则“{}”（{}）：{}",
            s("rule"),
            s("cite"),
            s("status_text")
        );
        let inner = format!("{pad}    ");
        let _ = writeln!(out, "{inner}- 条件：`{}`", s("condition"));
        for (key, label) in [("facts", "事实"), ("params", "标准"), ("computed", "计算")] {
            for item in r[key].as_array().map_or(&[][..], |a| &a[..]) {
                let _ = writeln!(
                    out,
                    "{inner}- {label}：{} = {}",
                    item["name"].as_str().unwrap_or(""),
                    item["shown"].as_str().unwrap_or("")
                );
            }
        }
        for u in r["unless"].as_array().map_or(&[][..], |a| &a[..]) {
            let _ = writeln!(out, "{inner}- 除非：`{}`", u.as_str().unwrap_or(""));
        }
        for u in r["uses"].as_array().map_or(&[][..], |a| &a[..]) {
            md_node(u, depth + 2, out);
        }
    }
}
