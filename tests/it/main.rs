//! The one integration test binary: fixtures through the library, the CLI through the
//! real binary.

// A test may say on stderr what it measured or skipped; only the library is held to
// "nothing outside `cli` prints" (Cargo.toml's [lints]).
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

mod architecture;
mod bounds;
mod build;
mod cli;
// Behind the feature `consumers` (Cargo.toml): the crates and programs they need.
#[cfg(feature = "consumers")]
mod consumers;
mod corpus;
mod diff;
mod docs;
mod drift;
mod encodings;
mod escaping;
mod examples;
mod fixes;
mod fixtures;
mod fleet;
// Unix only: links, permissions, mounts, FIFOs or a Unix git (docs/windows.md).
#[cfg(unix)]
mod fleet_walk;
mod formats;
mod generated;
mod generator;
// Unix only: links, permissions, mounts, FIFOs or a Unix git (docs/windows.md).
#[cfg(unix)]
mod hostile_git;
mod hostile_import;
mod ide;
mod import;
mod incremental;
mod layers;
mod malformed;
mod one_cause;
// Unix only: links, permissions, mounts, FIFOs or a Unix git (docs/windows.md).
#[cfg(unix)]
mod output_directory;
// Unix only: links, permissions, mounts, FIFOs or a Unix git (docs/windows.md).
#[cfg(unix)]
mod output_safety;
mod package;
mod private5g;
mod properties;
mod resources;
mod schema;
mod server;
mod server_properties;
mod support;
mod suppressions;
mod toml_equivalence;
mod wine;
// Unix only: links, permissions, mounts, FIFOs or a Unix git (docs/windows.md).
#[cfg(unix)]
mod writer;
