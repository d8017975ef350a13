//! Support shared by the tests, the benchmarks and the fuzz targets, compiled only with the
//! `testing` feature: the integration tests (through the dev-dependency of this package on
//! itself), the benchmarks (`bench/Cargo.toml`) and the fuzz crate turn it on, so a release
//! build of `asenet` contains none of it.
//!
//! It is the top layer: it drives the whole pipeline (`crate::check_bytes`, `crate::build`)
//! and nothing else in the crate may use it.

pub mod generator;
pub mod invariants;
pub mod random;
