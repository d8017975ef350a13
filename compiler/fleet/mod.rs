//! The fleet layer: many resolved device [`Network`]s checked together, above the
//! single-device pipeline, which never knows a fleet exists.
//!
//! ```text
//! asenet-fleet.toml --file::parse_fleet--> Fleet ─┐
//! device files --crate::check--> Network (clean) ─┴─> graph::Topology --rules--> FleetDiagnostic
//! ```
//! Nothing here reads a file: the command line expands the device globs, reads the files,
//! checks each as `asenet check` does and hands the clean networks over.

pub mod file;
pub mod graph;
pub mod rules;
pub mod schema;
pub mod sweep;

pub use file::{FLEET_FILE_NAME, Fleet, FleetNetwork, Site, parse_fleet};
pub use graph::Topology;

use crate::diagnostic::input::UNDEFINED_REFERENCE;
use crate::diagnostic::{Diagnostic, Span};
use crate::model::{Located, Network};
use crate::text::did_you_mean;

/// A device file as the fleet sees it.
#[derive(Clone, Copy, Debug)]
pub struct FleetDevice<'a> {
    /// `None` when the file is not TOML.
    pub network: Option<&'a Network>,
    /// Whether `check` found an error in the file: such a device is left out of the fleet
    /// rules (never half-used), but its name still counts for the sites that list it.
    pub has_errors: bool,
}

impl<'a> FleetDevice<'a> {
    pub fn name(&self) -> Option<&'a str> {
        self.network?.device.name.as_ref().map(|name| name.value.as_str())
    }

    /// The network, when the fleet rules may use it.
    pub fn clean(&self) -> Option<&'a Network> {
        self.network.filter(|_| !self.has_errors)
    }
}

/// The subnets a device has on the site's networks, as the fleet sees them: each static
/// port's prefix and each virtual network's address space (a VLAN of the site's network,
/// whose hosts the device's VMs and pods talk to), in file order, without host bits; each
/// with the span of the port's `address` or the virtual network's `subnet`.
pub fn device_subnets(network: &Network) -> impl Iterator<Item = Located<ipnet::Ipv4Net>> + '_ {
    let ports = network.ports.iter().filter_map(|port| port.subnet());
    let vnets = network.virtual_networks.iter().map(|vnet| Located::new(vnet.net(), vnet.subnet.span));
    ports.map(|subnet| Located::new(subnet.value.trunc(), subnet.span)).chain(vnets)
}

/// Which file a span is in: the fleet file, or a device file by its index in the slice
/// given to [`check_fleet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileId {
    Fleet,
    Device(usize),
}

/// A place in another file that explains a fleet diagnostic ("the other device's pool").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// A diagnostic in one file of the fleet, with the places in other files it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleetDiagnostic {
    pub file: FileId,
    pub diagnostic: Diagnostic,
    pub related: Vec<Related>,
}

/// Runs every fleet rule over the fleet and its devices. Sites naming a device no file
/// defines are reported here (in the fleet file), since only the devices know the names.
/// Sorted by file, then position.
pub fn check_fleet(fleet: &Fleet, devices: &[FleetDevice]) -> Vec<FleetDiagnostic> {
    let mut found = Vec::new();
    let mut names: Vec<&str> = devices.iter().filter_map(FleetDevice::name).collect();
    names.sort_unstable();
    for site in &fleet.sites {
        for device in &site.devices {
            if names.binary_search(&device.value.as_str()).is_err() {
                let suggestion = did_you_mean(&device.value, names.iter().copied());
                let help = match suggestion {
                    Some(name) => format!("did you mean `{name}`?"),
                    None => "list the `[device] name` of a device file that `[fleet] devices` matches".to_owned(),
                };
                let message =
                    format!("site `{}` lists device `{}`, which no device file names", site.name.value, device.value);
                found.push(FleetDiagnostic {
                    file: FileId::Fleet,
                    diagnostic: Diagnostic::new(&UNDEFINED_REFERENCE, device.span, message)
                        .with_primary_label("no device of this name")
                        .with_help(help),
                    related: Vec::new(),
                });
            }
        }
    }
    let topology = Topology::new(fleet, devices);
    for check in rules::CHECKS {
        check(fleet, devices, &topology, &mut found);
    }
    // The `[lint]` of the device file a diagnostic lands in moves it, as for its own rules.
    found.retain(|found| match found.file {
        FileId::Device(index) => devices[index].network.is_none_or(|n| !n.lint.allow.contains(&found.diagnostic.rule)),
        FileId::Fleet => true,
    });
    for found in &mut found {
        if let FileId::Device(index) = found.file
            && devices[index].network.is_some_and(|n| n.lint.deny.contains(&found.diagnostic.rule))
        {
            found.diagnostic.severity = crate::diagnostic::Severity::Error;
        }
    }
    found.sort_by(|a, b| {
        (a.file, a.diagnostic.span, a.diagnostic.code(), &a.diagnostic.message).cmp(&(
            b.file,
            b.diagnostic.span,
            b.diagnostic.code(),
            &b.diagnostic.message,
        ))
    });
    found
}
