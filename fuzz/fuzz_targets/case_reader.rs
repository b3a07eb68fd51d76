//! Fuzz target: see `ruling::fuzzing::case_reader`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = ruling::fuzzing::case_reader(data) {
        panic!("invariant broken: {e}");
    }
});
