//! Rule coverage (`ruling test --coverage`): which rules the cases run exercise.
//!
//! Over every case `ruling test` runs (the examples inside the rule files and the case corpus),
//! each rule is *fired* in at least one case, *never fired* (always decided not to apply or
//! defeated), or *never decided* (待定 in every case). Rules are grouped by the article (条) they
//! cite, so that legal staff see which articles no case exercises; rules that only the examples
//! fire, and no corpus case, are named too.

use crate::eval::{Outcome, RuleStatus};
use crate::program::Program;
use crate::syntax::ast::CitationPath;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Where a case came from.
#[derive(Debug, Clone, Copy)]
pub enum Origin {
    /// An example inside a rule file.
    Example,
    /// A case file of the corpus.
    Corpus,
}

/// How often each rule fired and was decided, by origin of the case.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// Per rule: cases in which it fired (examples, corpus).
    fired: Vec<[usize; 2]>,
    /// Per rule: cases in which it was decided either way (examples, corpus).
    decided: Vec<[usize; 2]>,
    /// Cases recorded (examples, corpus).
    runs: [usize; 2],
}

impl Coverage {
    /// Nothing recorded yet.
    pub fn new(program: &Program) -> Coverage {
        Coverage {
            fired: vec![[0; 2]; program.rules.len()],
            decided: vec![[0; 2]; program.rules.len()],
            runs: [0; 2],
        }
    }

    /// Records one evaluated case.
    pub fn record(&mut self, outcome: &Outcome, origin: Origin) {
        let k = match origin {
            Origin::Example => 0,
            Origin::Corpus => 1,
        };
        if let Some(n) = self.runs.get_mut(k) {
            *n += 1;
        }
        for (r, status) in outcome.rules.iter().enumerate() {
            let (fired, decided) = match status {
                Some(RuleStatus::Fired) => (true, true),
                Some(RuleStatus::Undecided) | None => (false, false),
                Some(_) => (false, true),
            };
            if let Some(slot) = self.fired.get_mut(r).and_then(|x| x.get_mut(k)) {
                *slot += usize::from(fired);
            }
            if let Some(slot) = self.decided.get_mut(r).and_then(|x| x.get_mut(k)) {
                *slot += usize::from(decided);
            }
        }
    }

    /// The report, grouped by article.
    pub fn render(&self, program: &Program) -> String {
        let mut groups: BTreeMap<Option<CitationPath>, Vec<usize>> = BTreeMap::new();
        for (r, rule) in program.rules.iter().enumerate() {
            let article = rule
                .cite
                .and_then(|c| program.citations.get(c as usize))
                .map(|p| CitationPath {
                    paragraph: None,
                    item: None,
                    ..p.clone()
                });
            groups.entry(article).or_default().push(r);
        }
        let mut s = String::new();
        let _ = writeln!(
            s,
            "\n规则覆盖（示例 {} 个，案例库 {} 件）：",
            self.runs[0], self.runs[1]
        );
        let (mut fired, mut unfired, mut undecided, mut examples_only) = (0, 0, 0, 0);
        for (article, rules) in &groups {
            let name = article
                .as_ref()
                .map_or_else(|| "（无依据）".to_string(), ToString::to_string);
            let n_fired = rules.iter().filter(|&&r| self.total_fired(r) > 0).count();
            let verdict = if n_fired == rules.len() {
                "全部触发".to_string()
            } else if n_fired == 0 {
                "没有一条被任何案件触发".to_string()
            } else {
                format!("{n_fired} 条触发")
            };
            let _ = writeln!(s, "  {name}：{} 条规则，{verdict}", rules.len());
            for &r in rules {
                let Some(rule) = program.rules.get(r) else {
                    continue;
                };
                let cite = rule.cite.map(|c| program.cite(c)).unwrap_or_default();
                let [fe, fc] = self.fired.get(r).copied().unwrap_or_default();
                let decided: usize = self.decided.get(r).map_or(0, |d| d[0] + d[1]);
                let line = if fe + fc > 0 {
                    fired += 1;
                    if fc == 0 {
                        examples_only += 1;
                        Some(format!("只有示例触发（{fe} 个），案例库没有案件触发"))
                    } else {
                        None
                    }
                } else if decided > 0 {
                    unfired += 1;
                    Some(format!("从未触发（判定 {decided} 次，均不成立或被排除）"))
                } else {
                    undecided += 1;
                    Some("从未判定（每个案件中都待定）".to_string())
                };
                if let Some(line) = line {
                    let _ = writeln!(s, "    规则“{}”（{cite}）：{line}", rule.name);
                }
            }
        }
        let mut unruled: Vec<CitationPath> = program
            .articles
            .keys()
            .filter(|p| p.article.is_some())
            .map(|p| CitationPath {
                paragraph: None,
                item: None,
                ..p.clone()
            })
            .filter(|p| !groups.contains_key(&Some(p.clone())))
            .collect();
        unruled.sort();
        unruled.dedup();
        if !unruled.is_empty() {
            let names: Vec<String> = unruled.iter().map(ToString::to_string).collect();
            let _ = writeln!(
                s,
                "  录有条文而没有规则的条（不由案件判断）：{}",
                names.join("、")
            );
        }
        let _ = writeln!(
            s,
            "合计：{} 条规则，触发 {fired} 条，从未触发 {unfired} 条，从未判定 {undecided} 条；其中只有示例触发、案例库未触发 {examples_only} 条。",
            program.rules.len()
        );
        if unfired + undecided + examples_only > 0 {
            let _ = writeln!(
                s,
                "提示：为未触发的规则在 tests/cases/ 中补充案例（写法见 tests/cases/README.md）。"
            );
        }
        s
    }

    fn total_fired(&self, r: usize) -> usize {
        self.fired.get(r).map_or(0, |f| f[0] + f[1])
    }
}
