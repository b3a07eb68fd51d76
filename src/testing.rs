//! Judging a case against its expectations (`预期` in case files, `则` of in-file examples):
//! the one check `ruling test` applies to examples and corpus cases alike.

use crate::case::Case;
use crate::program::ConclusionId;
use crate::report::conclusion_value;
use crate::rules::{Evaluated, Options, Rules};
use serde_json::Value as J;

/// A conclusion that came out other than expected.
#[derive(Debug, Clone)]
pub struct Mismatch {
    /// The conclusion.
    pub conclusion: ConclusionId,
    /// What the case expected.
    pub expected: J,
    /// What evaluation gave.
    pub actual: J,
}

/// The verdict on one case.
#[derive(Debug, Clone)]
pub struct Verdict<'r> {
    /// The evaluation (with `needs`).
    pub evaluated: Evaluated<'r>,
    /// The expectations not met, in the order the case wrote them.
    pub mismatches: Vec<Mismatch>,
}

impl Verdict<'_> {
    /// Every expectation met and no evaluation error.
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty() && self.evaluated.outcome.errors.is_empty()
    }
}

/// Evaluates a case (in the world it asks for) and compares it with its expectations.
pub fn judge<'r>(rules: &'r Rules, case: &Case) -> Verdict<'r> {
    let options = Options {
        closed_world: false,
        needs: true,
        explain: false,
    };
    let evaluated = rules.evaluate(case, options);
    let mismatches = case
        .expect
        .iter()
        .filter_map(|(c, want)| {
            let got = conclusion_value(rules.program(), &evaluated.outcome, *c);
            (got != *want).then(|| Mismatch {
                conclusion: *c,
                expected: want.clone(),
                actual: got,
            })
        })
        .collect();
    Verdict {
        evaluated,
        mismatches,
    }
}
