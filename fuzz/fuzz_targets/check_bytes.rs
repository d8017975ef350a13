//! Arbitrary bytes as a device file: check, render both ways, build when clean, and hold
//! every invariant of `asenet::testing::invariants`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| asenet_fuzz::invariants::check_everything(bytes));
