//! The fuzz targets (`fuzz/`, a crate of its own that CI does not build) stay in step with the
//! library: each target is a thin call of a function of `ruling::fuzzing`, whose signature is
//! checked here at compile time, and each is declared in `fuzz/Cargo.toml` with a seed folder.
//! The target logic itself runs over the seed corpus in `src/fuzzing.rs`'s unit tests.

use std::path::Path;

type Target = fn(&[u8]) -> Result<(), String>;

/// Every fuzz target and the library function it calls.
const TARGETS: [(&str, Target); 5] = [
    ("rule_text", ruling::fuzzing::rule_text),
    ("case_text", ruling::fuzzing::case_text),
    ("structured_case", ruling::fuzzing::structured_case),
    ("fmt", ruling::fuzzing::fmt),
    ("case_reader", ruling::fuzzing::case_reader),
];

#[test]
fn every_fuzz_target_calls_a_library_function_and_has_seeds() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let manifest = std::fs::read_to_string(fuzz.join("Cargo.toml")).unwrap_or_default();
    assert!(
        manifest.contains("[workspace]"),
        "fuzz/ must stay its own workspace"
    );
    let mut files: Vec<String> = std::fs::read_dir(fuzz.join("fuzz_targets"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = TARGETS.iter().map(|(n, _)| format!("{n}.rs")).collect();
    expected.sort();
    assert_eq!(files, expected, "fuzz targets and TARGETS differ");
    for (name, target) in TARGETS {
        let source = std::fs::read_to_string(fuzz.join("fuzz_targets").join(format!("{name}.rs")))
            .unwrap_or_default();
        assert!(
            source.contains(&format!("ruling::fuzzing::{name}(data)")),
            "fuzz_targets/{name}.rs should call ruling::fuzzing::{name}"
        );
        assert!(
            manifest.contains(&format!("name = \"{name}\""))
                && manifest.contains(&format!("path = \"fuzz_targets/{name}.rs\"")),
            "fuzz/Cargo.toml does not declare {name}"
        );
        let seeds = std::fs::read_dir(fuzz.join("corpus").join(name))
            .map(|d| d.count())
            .unwrap_or(0);
        assert!(seeds > 0, "no seeds for {name}");
        // Empty and one-byte inputs are the fuzzer's first tries.
        assert_eq!(target(&[]), Ok(()), "{name} on empty input");
        assert_eq!(target(&[1]), Ok(()), "{name} on one byte");
    }
}
