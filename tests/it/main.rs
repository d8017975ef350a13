//! The one integration test binary: fixtures through the library, the CLI through the
//! real binary.

// A test may say on stderr what it measured or skipped; only the library is held to
// "nothing outside `cli` prints" (Cargo.toml's [lints]).
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

mod bounds;
mod build;
mod cli;
// Behind the feature `consumers` (Cargo.toml): the crates and programs they need.
#[cfg(feature = "consumers")]
mod consumers;
mod corpus;
mod diff;
mod docs;
mod escaping;
mod examples;
mod fixes;
mod fixtures;
mod fleet;
mod fleet_walk;
mod formats;
mod generated;
mod generator;
mod hostile_git;
mod ide;
mod layers;
mod malformed;
mod one_cause;
mod output_directory;
mod output_safety;
mod private5g;
mod properties;
mod resources;
mod schema;
mod server;
mod server_properties;
mod support;
mod suppressions;
mod writer;
