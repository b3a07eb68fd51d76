//! The JSON of CONTRACT.md §5.

use super::Report;
use serde_json::{json, Map, Value as J};

/// The report as the JSON object of CONTRACT.md §5.
pub fn to_json(report: &Report) -> J {
    let mut conclusions = Map::new();
    for c in &report.conclusions {
        let because: Vec<J> = c
            .because
            .iter()
            .map(|b| {
                let facts: Map<String, J> = b.facts.iter().map(|(n, v, _)| (n.clone(), v.clone())).collect();
                let uses: Map<String, J> = b.uses.iter().map(|(n, v)| (n.clone(), J::String(v.clone()))).collect();
                let computed: Map<String, J> = b
                    .computed
                    .iter()
                    .map(|(t, v)| (t.clone(), J::String(v.clone())))
                    .collect();
                json!({"rule": b.rule, "cite": b.cite, "text": b.text, "facts": facts, "conclusions": uses, "computed": computed})
            })
            .collect();
        let mut entry = json!({"value": c.value, "because": because, "needs": c.needs});
        if let Some(o) = entry.as_object_mut() {
            if c.negative {
                let why: Vec<J> = c
                    .why_not
                    .iter()
                    .map(|w| json!({"rule": w.rule, "cite": w.cite, "reason": w.reason}))
                    .collect();
                o.insert("why_not".into(), J::Array(why));
            }
            if let Some(u) = &c.undecided {
                o.insert("undecided".into(), json!(u));
            }
            if let Some((floor, _)) = &c.at_least {
                o.insert("at_least".into(), json!(floor));
            }
        }
        conclusions.insert(c.name.clone(), entry);
    }
    let questions: Vec<J> = report
        .questions
        .iter()
        .map(|q| json!({"fact": q.fact, "question": q.question, "cite": q.cite}))
        .collect();
    let mut out = json!({
        "rules": {"source": report.rules.source, "fingerprint": report.rules.fingerprint},
        "case": report.case,
        "world": if report.closed_world { "closed" } else { "open" },
        "presumed": report.presumed,
        "conclusions": conclusions,
        "questions": questions,
    });
    if !report.errors.is_empty() {
        if let Some(o) = out.as_object_mut() {
            o.insert("errors".into(), json!(report.errors));
        }
    }
    out
}
