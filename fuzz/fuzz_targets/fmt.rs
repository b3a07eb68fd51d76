//! Fuzz target: see `ruling::fuzzing::fmt`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = ruling::fuzzing::fmt(data) {
        panic!("invariant broken: {e}");
    }
});
