//! Arbitrary bytes as each export `asenet import` reads (`Get-DeviceConfiguration`;
//! `Get-DeviceVip` beside a two-node export; the cluster's objects beside an export with
//! Kubernetes): no panic, bounded memory (serde_json's depth limit), and what is imported
//! reads without input errors (`asenet::testing::invariants::import_holds`).
#![no_main]

use libfuzzer_sys::fuzz_target;

static TWO_NODE: &[u8] = include_bytes!("../../tests/import/exports/two-node-pro-2.json");
static WITH_KUBERNETES: &[u8] = include_bytes!("../../examples/import/store042.config.json");

fuzz_target!(|bytes: &[u8]| asenet_fuzz::invariants::import_holds(bytes, TWO_NODE, WITH_KUBERNETES));
