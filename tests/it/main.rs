//! The one integration test binary: fixtures through the library, the CLI through the
//! real binary.

mod build;
mod cli;
mod consumers;
mod corpus;
mod examples;
mod fixtures;
mod formats;
mod generated;
mod malformed;
mod schema;
mod support;
mod suppressions;
