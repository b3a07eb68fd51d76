//! Fuzz target: see `ruling::fuzzing::case_text`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = ruling::fuzzing::case_text(data) {
        panic!("invariant broken: {e}");
    }
});
