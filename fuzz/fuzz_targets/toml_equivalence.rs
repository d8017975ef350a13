//! The stream reader against the `toml` crate on arbitrary text: both accept or both refuse,
//! and where they accept they read the same keys, values and spans
//! (`asenet::syntax::oracle::compare_with_toml`; `tests/it/toml_equivalence.rs` runs the same
//! comparison on the repository's files and mutations of them).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Err(why) = asenet::syntax::oracle::compare_with_toml(text) {
            panic!("{text:?}: {why}");
        }
    }
});
