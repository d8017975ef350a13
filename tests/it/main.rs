//! The one integration test binary: fixtures through the library, the CLI through the
//! real binary.

mod bounds;
mod build;
mod build_promises;
mod cli;
mod consumers;
mod corpus;
mod diff;
mod docs;
mod escaping;
mod examples;
mod first_hour;
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
mod neovim;
mod one_cause;
mod output_safety;
mod powershell;
mod properties;
mod redeploy_safety;
mod resources;
mod schema;
mod server;
mod support;
mod suppressions;
mod writer;
