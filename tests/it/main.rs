//! The one integration test binary: fixtures through the library, the CLI through the
//! real binary.

mod build;
mod cli;
mod consumers;
mod examples;
mod fixtures;
mod generated;
mod invariants;
mod malformed;
mod output_safety;
mod properties;
mod resources;
mod support;
