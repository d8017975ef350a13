//! The one integration test binary: fixtures through the library, the CLI through the
//! real binary.

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
mod layers;
mod malformed;
mod neovim;
mod output_safety;
mod powershell;
mod private5g;
mod properties;
mod resources;
mod schema;
mod server;
mod support;
mod suppressions;
mod writer;
