//! The one writer of conclusion values as JSON: `true`/`false`/`null` for 三值, a word or
//! `null`, a sorted array of strings for sets; [`super::conclusion_value`] and the batch engine
//! both use it. It copies the program's names as quoted once ([`QuotedNames`]).

use crate::eval::Outcome;
use crate::program::value::Value;
use crate::program::{ConclusionKind, Program, QuotedNames};

/// The writer of conclusion values: the program's quoted names.
pub type ValueWriter = QuotedNames;

impl QuotedNames {
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
