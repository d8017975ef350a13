//! `asenet free --size /N [FILE...]`: the lowest free prefixes of a size that overlap
//! nothing the site (or the fleet, or the files given) can reach, answered by
//! [`crate::query::free_prefixes`].

use std::collections::BTreeSet;
use std::process::ExitCode;

use ipnet::Ipv4Net;

use super::fleet::{Scope, ScopeArgs};
use super::{AnswerFormat, CANNOT_RUN, FAILURE, print_stdout};
use crate::escape::terminal;
use crate::fleet::{self, FLEET_FILE_NAME};
use crate::model::{AddrRange, Network};
use crate::query;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The prefix length wanted: `/28` or `28`.
    #[arg(long, value_parser = parse_size)]
    size: u8,
    /// Search inside this prefix (default: 10.0.0.0/8, then 172.16.0.0/12, then 192.168.0.0/16).
    #[arg(long = "in", value_name = "PREFIX")]
    within: Option<Ipv4Net>,
    /// Only what this fleet site's devices reach counts as taken.
    #[arg(long, value_name = "NAME")]
    site: Option<String>,
    /// How many prefixes to list.
    #[arg(long, default_value_t = 1)]
    count: usize,
    #[command(flatten)]
    scope: ScopeArgs,
    #[arg(long, value_enum, default_value_t = AnswerFormat::Human)]
    format: AnswerFormat,
}

/// `--size /28` or `--size 28`.
fn parse_size(text: &str) -> Result<u8, String> {
    let digits = text.strip_prefix('/').unwrap_or(text);
    match digits.parse::<u8>() {
        Ok(size) if size <= 32 => Ok(size),
        _ => Err(format!("`{text}` is not a prefix length from /0 to /32")),
    }
}

/// Everything a device takes: its subnets (ports' and virtual networks'), node range, pool, pod and service CIDRs.
fn taken_by(network: &Network, taken: &mut Vec<AddrRange>) {
    taken.extend(fleet::device_subnets(network).map(|subnet| AddrRange::of_net(subnet.value)));
    if let Some(kubernetes) = &network.kubernetes {
        taken.push(kubernetes.node_ips.value);
        taken.extend(kubernetes.service_ips.map(|pool| pool.value));
        taken.push(AddrRange::of_net(kubernetes.pod_cidr.value));
        taken.push(AddrRange::of_net(kubernetes.service_cidr.value));
    }
    taken.extend(network.routes.iter().map(|route| AddrRange::of_net(route.destination.value.trunc())));
}

/// `asenet free --size /N`: the lowest free prefixes that overlap nothing the site (or,
/// without `--site`, anything in the fleet) can reach.
pub fn run(args: &Args) -> ExitCode {
    let (size, within, site, count) = (args.size, args.within, args.site.as_deref(), args.count);
    let scope = match Scope::open(&args.scope) {
        Ok(scope) => scope,
        Err(message) => {
            say!("error: {message}");
            return ExitCode::from(CANNOT_RUN);
        }
    };
    let mut taken = Vec::new();
    match &scope {
        Scope::Files(devices) => {
            if site.is_some() {
                say!("error: `--site` needs a fleet (`--fleet FILE` or `{FLEET_FILE_NAME}`)");
                return ExitCode::from(CANNOT_RUN);
            }
            devices.iter().filter_map(|device| device.checked.network.as_ref()).for_each(|n| taken_by(n, &mut taken));
        }
        Scope::Fleet(loaded) => {
            let devices = loaded.fleet_devices();
            let topology = fleet::Topology::new(&loaded.fleet, &devices);
            let components: Option<BTreeSet<usize>> = match site {
                None => None,
                Some(site) => {
                    let Some(entry) = loaded.fleet.sites.iter().find(|entry| entry.name.value == site) else {
                        // The fleet file's names are free text: on one visible line.
                        let names: Vec<String> =
                            loaded.fleet.sites.iter().map(|entry| terminal::line(&entry.name.value)).collect();
                        say!("error: no site `{}` in the fleet; sites: {}", terminal::line(site), names.join(", "));
                        return ExitCode::from(CANNOT_RUN);
                    };
                    let members: BTreeSet<&str> = entry.devices.iter().map(|device| device.value.as_str()).collect();
                    Some(
                        devices
                            .iter()
                            .enumerate()
                            .filter(|(_, device)| device.name().is_some_and(|name| members.contains(name)))
                            .map(|(index, _)| topology.component[index])
                            .collect(),
                    )
                }
            };
            let reaches = |component: usize| components.as_ref().is_none_or(|set| set.contains(&component));
            for (index, device) in devices.iter().enumerate() {
                if let Some(network) = device.network.filter(|_| reaches(topology.component[index])) {
                    taken_by(network, &mut taken);
                }
            }
            let mut networks = BTreeSet::new();
            for (component, reached) in topology.networks_reached.iter().enumerate() {
                if reaches(component) {
                    networks.extend(reached.iter().copied());
                }
            }
            if components.is_none() {
                networks.extend(0..loaded.fleet.networks.len());
            }
            taken
                .extend(networks.into_iter().map(|index| AddrRange::of_net(loaded.fleet.networks[index].prefix.value)));
        }
    }
    let blocks: Vec<Ipv4Net> = match within {
        Some(within) => vec![within.trunc()],
        None => query::PRIVATE_BLOCKS.iter().map(|block| block.parse().expect("a CIDR")).collect(),
    };
    let mut found = Vec::new();
    for block in blocks {
        if found.len() < count {
            found.extend(query::free_prefixes(size, block, taken.clone(), count - found.len()));
        }
    }
    let text = if args.format == AnswerFormat::Json {
        let prefixes: Vec<String> = found.iter().map(ToString::to_string).collect();
        serde_json::to_string_pretty(&serde_json::json!({ "size": size, "free": prefixes })).expect("json") + "\n"
    } else if found.is_empty() {
        format!("no free /{size}\n")
    } else {
        found.iter().map(|prefix| format!("{prefix}\n")).collect()
    };
    let printed = print_stdout(&text);
    if printed != ExitCode::SUCCESS {
        return printed;
    }
    ExitCode::from(if found.is_empty() { FAILURE } else { 0 })
}
