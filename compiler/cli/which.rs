//! `asenet which ADDRESS [FILE...]`: every object that owns or contains an address, in the
//! device files given or the fleet's, answered by [`crate::query::owners`].

use std::net::Ipv4Addr;
use std::process::ExitCode;

use super::fleet::{Scope, ScopeArgs};
use super::{AnswerFormat, CANNOT_RUN, FAILURE, print_stdout};
use crate::diagnostic::LineIndex;
use crate::escape::terminal;
use crate::query;

#[derive(clap::Args, Debug)]
pub struct Args {
    address: Ipv4Addr,
    #[command(flatten)]
    scope: ScopeArgs,
    #[arg(long, value_enum, default_value_t = AnswerFormat::Human)]
    format: AnswerFormat,
}

#[derive(serde::Serialize)]
struct WhichOwner<'a> {
    file: &'a str,
    device: Option<&'a str>,
    kind: &'static str,
    description: String,
    line: usize,
    column: usize,
}

/// `asenet which ADDRESS`: every owner of the address in every device, then the fleet
/// networks that hold it. Exit 0 when something owns it, 1 when nothing does.
pub fn run(args: &Args) -> ExitCode {
    let address = args.address;
    let scope = match Scope::open(&args.scope) {
        Ok(scope) => scope,
        Err(message) => {
            say!("error: {message}");
            return ExitCode::from(CANNOT_RUN);
        }
    };
    let mut owners: Vec<WhichOwner> = Vec::new();
    for device in scope.devices() {
        let Some(network) = &device.checked.network else { continue };
        let name = network.device.name.as_ref().map(|name| name.value.as_str());
        let index = LineIndex::new(&device.source);
        for owner in query::owners(network, address) {
            let position = index.position(owner.span.start);
            owners.push(WhichOwner {
                file: &device.name,
                device: name,
                kind: owner.kind.as_str(),
                description: owner.description,
                line: position.line,
                column: position.column,
            });
        }
    }
    if let Scope::Fleet(loaded) = &scope {
        let index = LineIndex::new(&loaded.file.source);
        for network in loaded.fleet.networks.iter().filter(|network| network.prefix.value.contains(&address)) {
            let position = index.position(network.prefix.span.start);
            owners.push(WhichOwner {
                file: &loaded.file.name,
                device: None,
                kind: "fleet-network",
                description: format!("fleet network `{}` {}", network.name.value, network.prefix.value),
                line: position.line,
                column: position.column,
            });
        }
    }
    let text = if args.format == AnswerFormat::Json {
        let document = serde_json::json!({ "address": address.to_string(), "owners": owners });
        serde_json::to_string_pretty(&document).expect("owners serialize") + "\n"
    } else if owners.is_empty() {
        format!("{address}: nothing owns or contains it\n")
    } else {
        // Names and descriptions are the files' text (a fleet network's name is free text): on
        // one visible line each.
        let mut text = format!("{address}:\n");
        for owner in &owners {
            let device = owner.device.map(|name| format!("{}: ", terminal::line(name))).unwrap_or_default();
            let (description, file) = (terminal::line(&owner.description), terminal::line(owner.file));
            text += &format!("  {device}{description} [{}] ({file}:{}:{})\n", owner.kind, owner.line, owner.column);
        }
        text
    };
    let printed = print_stdout(&text);
    if printed != ExitCode::SUCCESS {
        return printed;
    }
    ExitCode::from(if owners.is_empty() { FAILURE } else { 0 })
}
