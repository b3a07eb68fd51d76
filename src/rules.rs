//! The library's front door: a checked rule set ([`Rules`]) and one run of a case against it
//! ([`Rules::evaluate`] → [`Evaluated`]).
//!
//! Every command, the batch engine, the impact diff, the test runner and the fuzz logic go
//! through here, so that the decisions of a run are made in one place: which world (open or
//! closed) a case is read in, which facts the closed world presumed, and the evaluation
//! itself. A report is then drawn from the [`Evaluated`] alone (`report::build`), without
//! deriving again what evaluation knew.
//!
//! ```
//! let rules = ruling::Rules::builtin().map_err(|e| e.message())?;
//! assert!(rules.program().conclusion_index.contains_key("情节严重"));
//! # Ok::<(), String>(())
//! ```

use crate::case::{self, Case, CaseFormat};
use crate::check;
use crate::diag::{self, has_errors, Diagnostic};
use crate::eval::{self, Outcome};
use crate::examples::{self, Example};
use crate::program::value::Value;
use crate::program::{FactId, Program};
use crate::ruleset::{self, RuleSet};
use crate::source::Sources;
use crate::syntax::{self, ast::Module};
use std::path::{Path, PathBuf};

/// A rule set that parsed and checked clean: its files, the compiled program and the examples
/// written in its files.
#[derive(Debug, Clone)]
pub struct Rules {
    set: RuleSet,
    program: Program,
    examples: Vec<Example>,
    warnings: Vec<Diagnostic>,
}

/// Why a rule set could not be used: every problem found, with the files they point into.
#[derive(Debug, Clone)]
pub struct Rejected {
    /// The problems (errors and warnings), located in [`Rejected::sources`].
    pub diagnostics: Vec<Diagnostic>,
    /// The rule files read, so that the diagnostics can be shown with their text.
    pub sources: Sources,
    /// Where the rules came from (folder, or 内置规则).
    pub origin: String,
}

impl Rejected {
    /// The problems rendered as `ruling check` shows them (without colour).
    pub fn message(&self) -> String {
        let errors: Vec<Diagnostic> = self
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        diag::render(&errors, &self.sources)
    }
}

/// Where a rule set is read from: a folder (or the rules built into the binary) and, over it,
/// overlay folders whose files replace the base file of the same name or are added to it.
#[derive(Debug, Clone, Default)]
pub struct RulesSpec {
    /// The base folder; `None` is `./rules` when it exists, else the built-in rules.
    pub dir: Option<PathBuf>,
    /// Overlay folders, applied in order (`--amend DIR`).
    pub overlays: Vec<PathBuf>,
}

/// How to evaluate a case.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Read absent facts as the closed world does (absent 布尔 false, counts and amounts 0,
    /// lists and sets empty), whatever the case file says. A case file's own `封闭世界 = true`
    /// applies either way.
    pub closed_world: bool,
    /// Compute, for undecided conclusions, the unknown facts that could decide them.
    pub needs: bool,
    /// Keep what an explanation shows beyond the values: the values each rule's comparisons
    /// computed. Reports ([`crate::report::build`], `report::explain`) need it; a batch does not.
    pub explain: bool,
}

/// One evaluated case: what was given, what the evaluation read, what the closed world
/// presumed, and the outcome.
#[derive(Debug, Clone)]
pub struct Evaluated<'r> {
    /// The rule set the case was evaluated under.
    pub rules: &'r Rules,
    /// `案件`: the case's identifier.
    pub case_id: Option<String>,
    /// `说明`: the case's own account, echoed in report headers.
    pub note: Option<String>,
    /// The facts as the case gave them (absent ones [`Value::Unknown`]).
    pub given: Vec<Value>,
    /// The facts evaluation read: `given`, with the closed world applied when it was.
    pub facts: Vec<Value>,
    /// Whether absent facts were read in the closed world.
    pub closed_world: bool,
    /// The facts the closed world filled in (in fact order).
    pub presumed: Vec<FactId>,
    /// Conclusion values, rule statuses, parameter choices, needs and evaluation errors.
    pub outcome: Outcome,
}

impl Rules {
    /// Reads and checks the rule set `spec` names.
    pub fn load(spec: &RulesSpec) -> Result<Rules, Rejected> {
        let set = ruleset::locate(spec.dir.as_deref(), &spec.overlays).map_err(|diagnostics| {
            Rejected {
                diagnostics,
                sources: Sources::default(),
                origin: spec
                    .dir
                    .as_deref()
                    .map_or_else(|| "rules".to_string(), |d| d.display().to_string()),
            }
        })?;
        Rules::from_set(set)
    }

    /// The rules built into the binary at build time (the shipped `rules/`).
    pub fn builtin() -> Result<Rules, Rejected> {
        Rules::from_set(ruleset::embedded())
    }

    /// Reads and checks the rules in one folder.
    pub fn from_dir(dir: &Path) -> Result<Rules, Rejected> {
        Rules::load(&RulesSpec {
            dir: Some(dir.to_path_buf()),
            overlays: Vec::new(),
        })
    }

    /// Parses and checks rule files already read: syntax → check → examples.
    pub fn from_set(set: RuleSet) -> Result<Rules, Rejected> {
        let mut modules = Vec::with_capacity(set.sources.files.len());
        let mut diags = Vec::new();
        for (id, file) in set.sources.files.iter().enumerate() {
            let (module, mut d) = syntax::parse_file(id, &file.text);
            diags.append(&mut d);
            modules.push(module);
        }
        Rules::from_modules(set, &modules, diags)
    }

    /// Checks rule files already parsed (one module per file of `set`, with the parser's
    /// diagnostics), then types their examples.
    pub(crate) fn from_modules(
        set: RuleSet,
        modules: &[Module],
        mut diags: Vec<Diagnostic>,
    ) -> Result<Rules, Rejected> {
        let compiled = if has_errors(&diags) {
            None
        } else {
            let (program, mut more) = check::check(set.sources.clone(), modules);
            diags.append(&mut more);
            let (examples, mut more) = examples::compile(&program, modules);
            diags.append(&mut more);
            Some((program, examples))
        };
        diags.sort_by_key(|d| (d.span.map(|s| (s.file, s.start)), d.severity));
        match compiled {
            Some((program, examples)) if !has_errors(&diags) => Ok(Rules {
                set,
                program,
                examples,
                warnings: diags,
            }),
            _ => Err(Rejected {
                diagnostics: diags,
                origin: set.origin.clone(),
                sources: set.sources,
            }),
        }
    }

    /// The compiled program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The files, where they came from and the fingerprint.
    pub fn set(&self) -> &RuleSet {
        &self.set
    }

    /// The examples written in the rule files, in file order.
    pub fn examples(&self) -> &[Example] {
        &self.examples
    }

    /// The warnings the checker gave (the rule set has no errors).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Reads a case file's text (JSON, a JSONL line, or TOML) against the rule set's facts.
    pub fn read_case(&self, text: &str, format: CaseFormat) -> Result<Case, Vec<Diagnostic>> {
        case::parse_case(&self.program, text, format)
    }

    /// Evaluates one case.
    pub fn evaluate(&self, case: &Case, options: Options) -> Evaluated<'_> {
        let mut out = Evaluated {
            rules: self,
            case_id: None,
            note: None,
            given: Vec::new(),
            facts: Vec::new(),
            closed_world: false,
            presumed: Vec::new(),
            outcome: Outcome::default(),
        };
        self.evaluate_into(case, options, &mut out);
        out
    }

    /// Evaluates like [`Rules::evaluate`], into an [`Evaluated`] whose buffers are reused: a
    /// batch evaluates case after case without allocating for the result.
    pub fn evaluate_into<'r>(&'r self, case: &Case, options: Options, out: &mut Evaluated<'r>) {
        out.rules = self;
        out.case_id.clone_from(&case.id);
        out.note.clone_from(&case.note);
        out.closed_world = options.closed_world || case.closed_world;
        out.given.clone_from(&case.facts);
        out.facts.clone_from(&case.facts);
        out.presumed.clear();
        if out.closed_world {
            case::close_world(&self.program, &mut out.facts, &mut out.presumed);
        }
        eval::evaluate_into(
            &self.program,
            &out.facts,
            eval::Options {
                needs: options.needs,
                explain: options.explain,
            },
            &mut out.outcome,
        );
    }
}

impl Evaluated<'_> {
    /// The compiled program the case was evaluated against.
    pub fn program(&self) -> &Program {
        &self.rules.program
    }
}
