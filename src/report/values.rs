//! The one writer of conclusion values as JSON.

use crate::eval::Outcome;
use crate::program::value::Value;
use crate::program::{ConclusionKind, Program};

/// The JSON texts of a program's names, escaped and quoted once, so that writing a value
/// copies bytes. The one writer of a conclusion's JSON value: `true`/`false`/`null` for 三值, a
/// word or `null`, a sorted array of strings for sets; [`super::conclusion_value`] and the
/// batch engine both use it.
#[derive(Debug, Clone)]
pub struct ValueWriter {
    /// `"名称":` of each conclusion.
    conclusions: Vec<Vec<u8>>,
    /// Each enumeration's words, quoted.
    words: Vec<Vec<Vec<u8>>>,
    /// Each citation, quoted, and its place in sorted order.
    cites: Vec<Vec<u8>>,
    cite_rank: Vec<u32>,
    /// Each text, quoted, and its place in sorted order.
    texts: Vec<Vec<u8>>,
    text_rank: Vec<u32>,
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

impl ValueWriter {
    /// The quoted names of a program.
    pub fn new(program: &Program) -> ValueWriter {
        let cites: Vec<String> = (0..program.citations.len())
            .map(|i| program.cite(u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        ValueWriter {
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

    /// Appends `"名称":` of conclusion `c`.
    pub fn key(&self, c: usize, out: &mut Vec<u8>) {
        out.extend_from_slice(
            self.conclusions
                .get(c)
                .map_or(&b"\"?\":"[..], Vec::as_slice),
        );
    }

    /// Appends the JSON value of conclusion `c` in `outcome`.
    pub fn value(
        &self,
        program: &Program,
        outcome: &Outcome,
        c: usize,
        members: &mut Vec<u32>,
        out: &mut Vec<u8>,
    ) {
        let value = outcome.values.get(c).unwrap_or(&Value::Unknown);
        let kind = program.conclusions.get(c).map(|d| d.kind);
        match (kind, value) {
            (Some(ConclusionKind::Tri), Value::Bool(true)) => out.extend_from_slice(b"true"),
            (Some(ConclusionKind::Tri), Value::Bool(false)) => out.extend_from_slice(b"false"),
            (Some(ConclusionKind::Word(e)), Value::Word(w)) => {
                let word = self.words.get(e).and_then(|ws| ws.get(usize::from(*w)));
                out.extend_from_slice(word.map_or(&b"\"?\""[..], Vec::as_slice));
            }
            (Some(ConclusionKind::Cites), Value::Ids(ids)) => {
                set(out, members, ids, &self.cites, &self.cite_rank);
            }
            (Some(ConclusionKind::Texts), Value::Ids(ids)) => {
                set(out, members, ids, &self.texts, &self.text_rank);
            }
            _ => out.extend_from_slice(b"null"),
        }
    }
}

/// A set conclusion as a JSON array of its members' texts, sorted as text.
fn set(out: &mut Vec<u8>, members: &mut Vec<u32>, ids: &[u32], texts: &[Vec<u8>], rank: &[u32]) {
    members.clear();
    members.extend(ids.iter().copied().filter(|i| (*i as usize) < texts.len()));
    members.sort_unstable_by_key(|i| rank.get(*i as usize).copied().unwrap_or(u32::MAX));
    out.push(b'[');
    for (n, i) in members.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        if let Some(t) = texts.get(*i as usize) {
            out.extend_from_slice(t);
        }
    }
    out.push(b']');
}
