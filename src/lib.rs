//! `ruling`: the Opinion 法发〔2025〕12号 as rule files that legal staff can read, amend and run.
//!
//! The pipeline, one stage per module, data flowing one way:
//! text → [`syntax`] (pest grammar, lowering to an AST with spans) → [`check`] (names resolved,
//! types checked, dependency order → the compiled [`program`]) → [`examples`] (the rule files'
//! own example cases, typed like [`case`] files) → [`eval`] (three-valued evaluation) →
//! [`report`] (text, JSON, Markdown). [`rules`] is the front door over all of it: a checked
//! rule set and one run of a case. [`batch`], [`impact`], [`coverage`] and [`testing`] are the
//! engines of `ruling batch`, `impact`, `test --coverage` and `test`; the command line itself
//! lives in the binary and only parses arguments, reads files and chooses exit codes; [`lsp`]
//! serves the same stages to an editor; [`serve`] offers them over HTTP (`ruling serve`).
//!
//! Load the rules built into the binary (the shipped `rules/`):
//!
//! ```
//! use ruling::Rules;
//!
//! let rules = Rules::builtin().map_err(|e| e.message())?;
//! println!("{}（指纹 {}）", rules.set().origin, rules.set().fingerprint);
//! assert!(rules.program().fact_index.contains_key("电话卡数"));
//! # Ok::<(), String>(())
//! ```
//!
//! Read a case from JSON; a mistake in it comes back as Chinese diagnostics naming the key:
//!
//! ```
//! use ruling::{CaseFormat, Rules};
//!
//! let rules = Rules::builtin().map_err(|e| e.message())?;
//! let case = rules
//!     .read_case(r#"{"案件": "示例", "电话卡数": 25}"#, CaseFormat::Json)
//!     .map_err(|d| format!("{d:?}"))?;
//! assert_eq!(case.id.as_deref(), Some("示例"));
//!
//! let wrong = rules.read_case(r#"{"电话卡": 25}"#, CaseFormat::Json);
//! let Err(diagnostics) = wrong else { unreachable!("an unknown key is refused") };
//! assert!(diagnostics[0].message.contains("电话卡"));
//! # Ok::<(), String>(())
//! ```
//!
//! Evaluate it and print the JSON report:
//!
//! ```
//! use ruling::{report, CaseFormat, Options, Rules};
//!
//! let rules = Rules::builtin().map_err(|e| e.message())?;
//! let case = rules
//!     .read_case(
//!         r#"{"被帮助对象犯罪查证": "已查证达到", "被帮助对象犯罪后果": "无", "电话卡数": 25}"#,
//!         CaseFormat::Json,
//!     )
//!     .map_err(|d| format!("{d:?}"))?;
//! let evaluated = rules.evaluate(&case, Options { closed_world: false, needs: true, explain: true });
//! let json = report::to_json(&report::build(&evaluated));
//! assert_eq!(json["conclusions"]["情节严重"]["value"], serde_json::json!(true));
//! println!("{}", serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?);
//! # Ok::<(), String>(())
//! ```

pub mod batch;
pub mod case;
pub mod check;
pub mod coverage;
pub mod diag;
pub mod eval;
pub mod examples;
pub mod format;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod generate;
pub mod impact;
pub mod lsp;
pub mod program;
pub mod report;
pub mod rules;
pub mod ruleset;
pub mod serve;
pub mod source;
pub mod syntax;
pub mod testing;

pub use case::{Case, CaseFormat};
pub use diag::Diagnostic;
pub use report::Report;
pub use rules::{Evaluated, Options, Rejected, Rules, RulesSpec};
