//! A program's names as JSON texts, quoted once.

use super::Program;

/// The JSON texts of a program's names (conclusions, enumeration words, citations, texts),
/// escaped and quoted once, with the sorted place of each citation and text, so that writing
/// a conclusion's value copies bytes. Made once per program ([`Program::quoted_names`]); the
/// report's writer of values (`report::ValueWriter`) works from it.
#[derive(Debug, Clone)]
pub struct QuotedNames {
    /// `"名称":` of each conclusion.
    pub(crate) conclusions: Vec<Vec<u8>>,
    /// Each enumeration's words, quoted.
    pub(crate) words: Vec<Vec<Vec<u8>>>,
    /// Each citation, quoted, and its place in sorted order.
    pub(crate) cites: Vec<Vec<u8>>,
    pub(crate) cite_rank: Vec<u32>,
    /// Each text, quoted, and its place in sorted order.
    pub(crate) texts: Vec<Vec<u8>>,
    pub(crate) text_rank: Vec<u32>,
}

fn quoted(s: &str) -> Vec<u8> {
    serde_json::to_vec(s).unwrap_or_else(|_| b"\"\"".to_vec())
}

/// The place of each string in sorted order (results list set members sorted as text).
fn ranks(strings: &[String]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..strings.len()).collect();
    order.sort_by(|a, b| strings.get(*a).cmp(&strings.get(*b)));
    let mut rank = vec![0u32; strings.len()];
    for (place, i) in order.into_iter().enumerate() {
        if let Some(r) = rank.get_mut(i) {
            *r = u32::try_from(place).unwrap_or(u32::MAX);
        }
    }
    rank
}

impl QuotedNames {
    /// The quoted names of a program.
    pub fn new(program: &Program) -> QuotedNames {
        let cites: Vec<String> = (0..program.citations.len())
            .map(|i| program.cite(u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        QuotedNames {
            conclusions: program
                .conclusions
                .iter()
                .map(|c| {
                    let mut k = quoted(&c.name);
                    k.push(b':');
                    k
                })
                .collect(),
            words: program
                .enums
                .iter()
                .map(|e| e.words.iter().map(|w| quoted(w)).collect())
                .collect(),
            cite_rank: ranks(&cites),
            cites: cites.iter().map(|c| quoted(c)).collect(),
            text_rank: ranks(&program.texts),
            texts: program.texts.iter().map(|t| quoted(t)).collect(),
        }
    }
}
