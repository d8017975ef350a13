//! Structure-aware: a clean device file of the repository with a few edits that keep it
//! TOML-shaped (a value replaced, a line dropped, a table duplicated, numbers nudged or
//! swapped, keys and tables inserted, rules allowed), so that most inputs get past the
//! parser into resolve, the rules, allocation and the emitters.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|case: asenet_fuzz::edits::Case| {
    let text = case.apply();
    asenet_fuzz::invariants::check_everything(text.as_bytes());
});
