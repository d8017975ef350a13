//! The one integration test binary: fixtures through the library, the CLI through the
//! real binary.

mod cli;
mod examples;
mod fixtures;
mod formats;
mod generated;
mod schema;
mod support;
mod suppressions;
