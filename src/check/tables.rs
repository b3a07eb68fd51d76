//! Pass 4: per-conclusion tables for the interpreter, so that evaluating a case does no name
//! lookup and no search: what each rule does to each conclusion, and the fallback word of
//! enumeration conclusions.

use crate::program::*;

/// Fills [`ConclusionDef::effects`] and [`ConclusionDef::fallback`].
pub(super) fn tabulate(program: &mut Program) {
    let Program {
        conclusions,
        rules,
        enums,
        ..
    } = program;
    for (c, def) in conclusions.iter_mut().enumerate() {
        def.effects = def
            .rules
            .iter()
            .filter_map(|&r| rules.get(r).map(|rule| (r, rule)))
            .flat_map(|(r, rule)| {
                rule.effects
                    .iter()
                    .filter(move |e| e.target() == c)
                    .map(move |e| (r, *e))
            })
            .collect();
        def.fallback = match def.kind {
            ConclusionKind::Word(e) if e != MODALITY => enums.get(e).and_then(|d| d.word("不适用")),
            _ => None,
        };
    }
}
