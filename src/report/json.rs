//! The JSON report, as docs/JSON输出说明.md describes it.

use super::Report;
use serde_json::{json, Map, Value as J};

/// The report as the JSON object docs/JSON输出说明.md describes.
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
        conclusions.insert(
            c.name.clone(),
            json!({"value": c.value, "because": because, "needs": c.needs}),
        );
    }
    let mut out = json!({
        "rules": {"source": report.rules.source, "fingerprint": report.rules.fingerprint},
        "case": report.case,
        "conclusions": conclusions,
    });
    if !report.errors.is_empty() {
        if let Some(o) = out.as_object_mut() {
            o.insert("errors".into(), json!(report.errors));
        }
    }
    out
}
