//! Fuzz target: see `ruling::fuzzing::structured_case`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = ruling::fuzzing::structured_case(data) {
        panic!("invariant broken: {e}");
    }
});
