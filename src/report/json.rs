//! The JSON of CONTRACT.md §5.

use super::Report;
use serde::ser::{Serialize, SerializeMap, Serializer};
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

/// The same JSON as [`to_json`], pretty-printed as `serde_json::to_string_pretty` prints it
/// (byte for byte, without the final line break), written straight from the report without
/// building a `serde_json::Value` tree first: `ruling serve` answers each request with it, and
/// building and dropping the tree was half the time of a request.
pub fn to_json_pretty(report: &Report) -> String {
    let mut out = Vec::with_capacity(8 * 1024);
    let view = View(report);
    if serde_json::to_writer_pretty(&mut out, &view).is_err() {
        // Writing plain strings and numbers into a Vec cannot fail; fall back to the tree.
        return serde_json::to_string_pretty(&to_json(report)).unwrap_or_default();
    }
    String::from_utf8(out).unwrap_or_default()
}

struct View<'a>(&'a Report);
struct Rules<'a>(&'a Report);
struct Conclusions<'a>(&'a Report);
struct Conclusion<'a>(&'a super::ConclusionReport);
struct Because<'a>(&'a [super::Basis]);
struct BasisView<'a>(&'a super::Basis);
/// Pairs written as a JSON object with the semantics of the ordered map `to_json` builds: a key
/// given twice keeps its first place and takes its last value.
struct Pairs<'a, K, V>(&'a [(K, V)]);
struct FactPairs<'a>(&'a [(String, J, String)]);

impl Serialize for View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let errors = !self.0.errors.is_empty();
        let mut m = s.serialize_map(Some(if errors { 4 } else { 3 }))?;
        m.serialize_entry("rules", &Rules(self.0))?;
        m.serialize_entry("case", &self.0.case)?;
        m.serialize_entry("conclusions", &Conclusions(self.0))?;
        if errors {
            m.serialize_entry("errors", &self.0.errors)?;
        }
        m.end()
    }
}

impl Serialize for Rules<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("source", &self.0.rules.source)?;
        m.serialize_entry("fingerprint", &self.0.rules.fingerprint)?;
        m.end()
    }
}

impl Serialize for Conclusions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let all = &self.0.conclusions;
        let mut m = s.serialize_map(None)?;
        for (i, c) in all.iter().enumerate() {
            if let Some(last) = latest(all, i, |c| c.name.as_str()) {
                m.serialize_entry(&c.name, &Conclusion(last))?;
            }
        }
        m.end()
    }
}

impl Serialize for Conclusion<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("value", &self.0.value)?;
        m.serialize_entry("because", &Because(&self.0.because))?;
        m.serialize_entry("needs", &self.0.needs)?;
        m.end()
    }
}

impl Serialize for Because<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(BasisView))
    }
}

impl Serialize for BasisView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let b = self.0;
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("rule", &b.rule)?;
        m.serialize_entry("cite", &b.cite)?;
        m.serialize_entry("text", &b.text)?;
        m.serialize_entry("facts", &FactPairs(&b.facts))?;
        m.serialize_entry("conclusions", &Pairs(&b.uses))?;
        m.serialize_entry("computed", &Pairs(&b.computed))?;
        m.end()
    }
}

impl Serialize for Pairs<'_, String, String> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for (i, (k, _)) in self.0.iter().enumerate() {
            if let Some((_, v)) = latest(self.0, i, |(k, _)| k.as_str()) {
                m.serialize_entry(k, v)?;
            }
        }
        m.end()
    }
}

impl Serialize for FactPairs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for (i, (k, _, _)) in self.0.iter().enumerate() {
            if let Some((_, v, _)) = latest(self.0, i, |(k, _, _)| k.as_str()) {
                m.serialize_entry(k, v)?;
            }
        }
        m.end()
    }
}

/// For the entry at `i`: none when its key came earlier (the map keeps the first place),
/// else the last entry with its key (the map keeps the last value).
fn latest<T>(all: &[T], i: usize, key: impl Fn(&T) -> &str) -> Option<&T> {
    let entry = all.get(i)?;
    let k = key(entry);
    if all.get(..i)?.iter().any(|e| key(e) == k) {
        return None;
    }
    all.get(i..)?.iter().rev().find(|e| key(e) == k)
}

#[cfg(test)]
mod tests {
    use super::super::{Basis, ConclusionReport, Report, RulesInfo};
    use super::{to_json, to_json_pretty};
    use serde_json::json;

    #[test]
    fn the_direct_writer_prints_what_the_tree_prints_even_with_repeated_keys() {
        let basis = Basis {
            rule: "规则“甲”".into(),
            cite: "法发〔2025〕12号第6条第(1)项".into(),
            text: "出售、出租本人银行账户……\n“引号”".into(),
            facts: vec![
                ("账户".into(), json!([{"归属": "本人"}]), "1项".into()),
                ("电话卡数".into(), json!(3), "3".into()),
                ("账户".into(), json!(null), "未知".into()),
            ],
            params: Vec::new(),
            uses: vec![("明知".into(), "是".into())],
            computed: vec![
                ("计数(账户)".into(), "3".into()),
                ("合计(账户.流入资金)".into(), "1元".into()),
                ("计数(账户)".into(), "4".into()),
            ],
        };
        let conclusion = |name: &str, value| ConclusionReport {
            name: name.into(),
            value,
            shown: String::new(),
            because: vec![basis.clone()],
            needs: vec!["行为日期".into()],
        };
        for errors in [Vec::new(), vec!["除数为零".to_string()]] {
            let report = Report {
                rules: RulesInfo {
                    source: "rules".into(),
                    fingerprint: "0123456789abcdef".into(),
                },
                case: None,
                closed_world: false,
                conclusions: vec![
                    conclusion("情节严重", json!(true)),
                    conclusion("情节严重依据", json!(["法发〔2025〕12号第6条第(1)项"])),
                    conclusion("情节严重", json!(null)),
                ],
                errors,
            };
            let tree = serde_json::to_string_pretty(&to_json(&report)).unwrap_or_default();
            assert!(!tree.is_empty());
            assert_eq!(to_json_pretty(&report), tree);
        }
    }
}
