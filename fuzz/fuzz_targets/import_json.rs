//! Arbitrary bytes as the exports `asenet import` reads (`Get-DeviceConfiguration`, and
//! `Get-DeviceVip` beside a two-node export): no panic, bounded memory (serde_json's depth
//! limit), and what is imported reads without input errors (`asenet::testing::invariants`).
#![no_main]

use libfuzzer_sys::fuzz_target;

static TWO_NODE: &[u8] = include_bytes!("../../tests/import/exports/two-node-pro-2.json");

fuzz_target!(|bytes: &[u8]| asenet_fuzz::invariants::import_holds(bytes, TWO_NODE));
